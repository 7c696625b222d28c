/* error.h - errors are values until they reach the edge (after sway's cmd_results).
 *
 * Core functions return false (or NULL) and fill a struct error; only a front end
 * decides how to show it and which exit code it becomes. The message is already
 * translated and is one sentence that says what to do. */
#ifndef EZRIZI_ERROR_H
#define EZRIZI_ERROR_H

#include <stdbool.h>

enum err_kind {
	ERR_NONE = 0,
	ERR_FAILED,      /* anything else: bad data from the server, local I/O */
	ERR_USAGE,       /* bad command line, option, date or config */
	ERR_NOT_FOUND,   /* the id names nothing on the server */
	ERR_CONFLICT,    /* slot taken, version changed meanwhile */
	ERR_AUTH,        /* not logged in, token refused, wrong password */
	ERR_NETWORK,     /* server unreachable, timed out or answering 5xx */
	ERR_FORBIDDEN,   /* not for this user's role: clinical text for a front desk */
};

struct error {
	enum err_kind kind;
	int http_status;  /* 0 when no HTTP answer is involved */
	/* An option of the command that does it all the same ("allow-overlap"),
	 * when the refusal is a judgement a person may overrule: the screen asks
	 * and runs the command again with it. A static string, or NULL. */
	const char *override;
	/* The message has been shown already (each failing line of a batch
	 * file says its own): the edge only turns the kind into an exit code. */
	bool told;
	char msg[512];
};

void error_clear(struct error *err);
/* Sets kind and message unless err already holds an error (the first cause wins).
 * err may be NULL. Returns false so callers can `return error_set(...)`. */
bool error_set(struct error *err, enum err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prefixes the existing message with context ("Appointment 12: "). */
void error_prefix(struct error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The process exit code of an error kind; documented in ezrizi(1). */
int error_exit_code(enum err_kind kind);

enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_NOT_FOUND = 3,
	EXIT_CONFLICT = 4,
	EXIT_AUTH = 5,
	EXIT_NETWORK = 6,
	EXIT_FORBIDDEN = 7,
};

#endif
