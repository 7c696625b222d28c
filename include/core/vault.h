/* vault.h - where a profile's encrypted store lives and how it is opened.
 *
 * The store of a profile is $XDG_DATA_HOME/ezrizi/store-PROFILE (store-default
 * without a profile). Its passphrase is the cache passphrase: it is not the
 * platform password, and one is never derived from the other. It opens with,
 * first match wins: the unlock agent's key (`ezrizi unlock`), the output of the
 * profile's passphrase_command, or the front end's prompt (core/front.h: ask
 * NULL never asks). */
#ifndef EZRIZI_VAULT_H
#define EZRIZI_VAULT_H

#include <stdbool.h>

#include "core/config.h"
#include "core/error.h"
#include "core/front.h"
#include "core/secret.h"
#include "core/store.h"

/* The store's directory (new string, free()). */
char *vault_dir(const struct config *cfg);

/* The key derivation's cost from the config's cache_kdf (moderate unless set). */
void vault_kdf(const struct config *cfg, struct store_kdf *k);

/* The passphrase: passphrase_command, else the front end's prompt. */
struct secret *vault_passphrase(const struct config *cfg, const char *prompt,
				const struct front_ops *ask, struct error *err);

/* Opens the store, once: while another ezrizi holds it alone (a new
 * passphrase, a salvage, a wipe, a create), ERR_CONFLICT at once. No store:
 * ERR_NOT_FOUND. Locked with no way to ask: ERR_AUTH saying to run 'ezrizi
 * unlock'. What a loop calls (the screen), trying again on its timer. */
struct store *vault_try_open(const struct config *cfg, const struct front_ops *ask,
			     struct error *err);
/* The same, but it waits (up to ten seconds, sleeping) while the store is
 * held alone: for the shell, where a script's commands run one after another
 * and nothing else waits on this process. With ask->no_wait (the screen's
 * loop) it does not wait: it is vault_try_open. */
struct store *vault_open(const struct config *cfg, const struct front_ops *ask, struct error *err);
/* The same for 'cache verify': a store whose records are damaged opens too
 * (store_open_repair). */
struct store *vault_open_damaged(const struct config *cfg, const struct front_ops *ask,
				 struct error *err);

/* Opens it, creating it first when there is none (a new passphrase, asked
 * twice through the front end, or passphrase_command). */
struct store *vault_open_or_create(const struct config *cfg, const struct front_ops *ask,
				   struct error *err);

#endif
