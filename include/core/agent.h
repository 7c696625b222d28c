/* agent.h - an unlock that lasts, as ssh-agent and gpg-agent do.
 *
 * `ezrizi unlock` opens the store with the passphrase once and hands the data
 * key to a small agent process that keeps it in locked memory and answers only
 * its own user, over a Unix socket in a private directory
 * ($XDG_RUNTIME_DIR/ezrizi/agent, or a 0700 directory under /tmp). Batch
 * commands ask it for the key instead of asking for the passphrase. The agent
 * forgets the key and exits when its time is up, on `ezrizi lock`, or when
 * killed; its core dumps are off and it never writes the key anywhere. */
#ifndef EZRIZI_AGENT_H
#define EZRIZI_AGENT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "core/store.h"

/* The socket's path (new string, free()). */
char *agent_socket_path(void);

/* Starts an agent in the background (it detaches: setsid, closes the
 * terminal) holding `key` for the store in `store_dir`, for `seconds`
 * (> 0). If an agent is already running, it is given the key and the new time
 * limit instead. Returns once the agent answers. */
bool agent_start(const char *store_dir, const unsigned char key[STORE_KEY_BYTES], long seconds,
		 struct error *err);

/* Asks the running agent for the key of store_dir. False (err untouched) when
 * there is no agent, or it holds no key for that store: the caller asks for the
 * passphrase, or says to run `ezrizi unlock`. */
bool agent_get_key(const char *store_dir, unsigned char key[STORE_KEY_BYTES]);

/* Seconds left before the agent forgets the key, or -1 when none runs. */
long agent_time_left(const char *store_dir);

/* Tells the agent to forget every key and exit. True when one was running. */
bool agent_stop(struct error *err);

#endif
