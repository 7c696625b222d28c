/* batch.h - the batch front end: commands from argv or from a file, errors on
 * stderr, exit codes for scripts. The session's warning (plain http allowed) and
 * what a long wait waits for go to stderr too, as "ezrizi: ..." lines. */
#ifndef EZRIZI_BATCH_H
#define EZRIZI_BATCH_H

#include <stdbool.h>

#include "core/cmd.h"

/* Runs a command prepared from ezrizi's argv (cmd_prepare); prints an error
 * to stderr. Returns the exit code. `ezrizi batch` is a command of the
 * registry too (its entry is here): it runs batch_run_file. */
int batch_run_call(struct cmd_ctx *ctx, struct cmd_call *c);

/* Runs the lines of path ("-" for standard input), one command a line, '#'
 * comments. Stops at the first failing line unless keep_going. Errors go to
 * stderr as "FILE:LINE: message". Returns 0, or the exit code of the first
 * failing line. */
int batch_run_file(struct cmd_ctx *ctx, const char *path, bool keep_going);

/* Prints "ezrizi: message" to stderr (unless it was told already) and returns
 * the error's exit code. */
int batch_report(const struct error *err);

#endif
