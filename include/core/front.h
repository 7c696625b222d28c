/* front.h - what the core asks of the front end that runs it.
 *
 * The core never prompts on a terminal itself: a passphrase, a password or a
 * pasted line comes through these hooks, which the front end gives in the
 * command context (struct cmd_ctx .front_ops) and the session keeps. The
 * shell's front end (src/tty.c) asks on the controlling terminal; the screen
 * gives its own, which refuse (the terminal is the screen's). A hook that is
 * missing, or that cannot ask here, leaves the error clear: the core then
 * says what to do instead (passphrase_command, 'ezrizi unlock', a shell). */
#ifndef EZRIZI_FRONT_H
#define EZRIZI_FRONT_H

#include <stdbool.h>

#include "core/error.h"
#include "core/secret.h"

/* What is asked for (the flags of ask_secret). */
enum {
	FRONT_PASSPHRASE = 1 << 0,  /* the local cache's passphrase (asked only where both
				     * standard input and standard error are a terminal) */
	FRONT_PASSWORD = 1 << 1,    /* the platform password (login) */
};

struct front_ops {
	/* Asks for a secret with echo off, prompt shown as it is. Returns it in
	 * sodium memory (secret_destroy), or NULL: with err set when it was
	 * asked and not given, with err clear when it cannot be asked here. */
	struct secret *(*ask_secret)(const char *prompt, unsigned flags, void *arg, struct error *err);
	/* Where a person may paste a line while login waits for the browser: a
	 * readable fd the core polls, or -1. *close_it: the core closes it when
	 * done. */
	int (*paste_fd)(void *arg, bool *close_it);
	/* The front end runs a loop that must not sleep (the screen): what would
	 * wait for another ezrizi (a store held alone) fails at once instead, with
	 * ERR_CONFLICT, and the front end tries again on its timer. */
	bool no_wait;
	void *arg;
};

/* The hook's answer, or NULL with err clear when f (or its hook) is NULL or
 * cannot ask: the caller then sets its own error saying what to do. */
struct secret *front_ask_secret(const struct front_ops *f, const char *prompt, unsigned flags,
				struct error *err);
/* The paste fd, or -1 (no hook). */
int front_paste_fd(const struct front_ops *f, bool *close_it);

#endif
