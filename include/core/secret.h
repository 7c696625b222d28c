/* secret.h - passwords, client secrets and tokens.
 *
 * A secret lives in sodium_malloc()ed memory (guarded, locked where the system
 * allows) and is wiped when destroyed. It comes from a no-echo prompt on the
 * terminal (the front end's, core/front.h), a file only its owner can read, a
 * command (password_command), or an environment variable - never from argv,
 * and it is never logged. */
#ifndef EZRIZI_SECRET_H
#define EZRIZI_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

struct secret {
	char *data;  /* NUL-terminated */
	size_t len;
};

struct secret *secret_create(const char *s, size_t len);
void secret_destroy(struct secret *sec);  /* accepts NULL */

/* Reads the first line of a file that only its owner may read or write: a file
 * readable by group or others is refused with a message saying `chmod 600`. */
struct secret *secret_from_file(const char *path, struct error *err);
/* Runs cmd with /bin/sh -c and takes the first line of its output; a failing
 * command or empty output is an error. The command line itself is not secret. */
struct secret *secret_from_command(const char *cmd, struct error *err);
/* Reads up to the first newline (or the end) of fd, at most 8 KiB, into locked
 * memory, without the line's end; *truncated when it was longer. Asking for a
 * secret on a terminal is the front end's (core/front.h). */
struct secret *secret_read_line(int fd, bool *truncated);

/* Turns off core dumps and ptrace attachment for this process. */
void secret_harden_process(void);

#endif
