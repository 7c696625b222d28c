/* cmd.h - the one command language.
 *
 * Every command is declared once, in the table in cmd.c, with its arguments,
 * options and help. Batch mode (argv and `ezrizi batch` lines), the TUI command
 * line and key bindings all go through cmd_run_argv()/cmd_run_line(), and help,
 * completion and the man page's command list are generated from the table. */
#ifndef EZRIZI_CMD_H
#define EZRIZI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "core/config.h"
#include "core/error.h"
#include "core/output.h"
#include "core/session.h"

enum {
	OPT_VALUE = 1 << 0,     /* takes a value */
	OPT_REQUIRED = 1 << 1,  /* must be given */
};

struct cmd_option {
	const char *name;       /* without the dashes */
	const char *metavar;    /* N_() marked; NULL for a flag */
	const char *help;       /* N_() marked */
	unsigned flags;
	/* The values it takes, NULL-terminated, when they are a fixed set: any
	 * other is a usage error that lists them. NULL: any value. */
	const char *const *choices;
};

#define CMD_MAX_OPTS 12

struct cmd_args {
	int argc;
	char **argv;                      /* positional arguments (borrowed) */
	const char *value[CMD_MAX_OPTS];  /* per option of the entry, NULL if not given */
	bool given[CMD_MAX_OPTS];
};

struct cmd_ctx;

struct cmd_entry {
	const char *name;       /* "note add" */
	const char *args;       /* N_() marked synopsis of positionals, or NULL */
	const char *summary;    /* N_() marked, one line */
	const struct cmd_option *opts;
	int min_args, max_args;
	bool needs_server;
	bool (*fn)(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a,
		   struct error *err);
	unsigned flags;         /* CMD_* */
};

enum {
	/* A write that goes to the outbox when the server cannot be reached
	 * (or with --offline), to be sent by itself later, exactly once. */
	CMD_QUEUES = 1 << 0,
	/* Reads its text from --file or standard input (cmd_read_input). */
	CMD_INPUT = 1 << 1,
	/* Its arguments are words of any kind (command names, a message), never
	 * taken for a misspelt subcommand. */
	CMD_WORDS = 1 << 2,
	/* In a line of the command language (a batch file, the screen's ':'),
	 * what follows its positionals is one argument exactly as typed: a
	 * message keeps its quotes, '#' and backslashes (cmd_run_line). */
	CMD_REST = 1 << 3,
};

struct cmd_ctx {
	struct config *cfg;
	struct session session;
	bool have_session;
	enum out_format fmt;
	FILE *out;
	bool offline;            /* --offline: reads from the local cache only */
	bool replaying;          /* running a queued command from the outbox */
	time_t made_at;          /* when a replayed command was queued; 0: now */
	char *input;             /* the command's text, once read (or queued) */
	size_t input_len;
	bool input_given;        /* input holds the text: do not read it again */
	/* The front end's ear for what is not an error (the session's warning at
	 * start, what a long wait waits for); NULL: not told. */
	http_notice_fn notice;
	void *notice_arg;
};

/* The command's text: from the outbox when replaying, else from file or
 * standard input (at most max bytes, no NUL). The text stays in ctx (for the
 * outbox) until the command ends. Returns a borrowed pointer. */
const char *cmd_read_input(struct cmd_ctx *ctx, const char *file, size_t max, size_t *len,
			   struct error *err);

/* The table, sorted by name. */
const struct cmd_entry *cmd_table(size_t *n);
const struct cmd_entry *cmd_find(const char *name);

/* True when the command has the option (a property of the command, for the
 * screen: "does checkin take --any-day?"). */
bool cmd_has_opt(const struct cmd_entry *e, const char *name);

/* The value of an option by name, or NULL. */
const char *cmd_opt(const struct cmd_entry *e, const struct cmd_args *a, const char *name);
bool cmd_flag(const struct cmd_entry *e, const struct cmd_args *a, const char *name);

/* Forgets (wipes) the command's text. */
void cmd_forget_input(struct cmd_ctx *ctx);

/* The session, set up on first use; its warning (if any) goes to ctx->notice. */
struct session *cmd_session(struct cmd_ctx *ctx, struct error *err);
void cmd_ctx_finish(struct cmd_ctx *ctx);

/* Runs argv[0..argc) as a command ("appointments", "--date", "today"). */
bool cmd_run_argv(struct cmd_ctx *ctx, int argc, char **argv, struct error *err);

/* Splits a line into words like a shell does (spaces, 'single' and "double"
 * quotes, backslash escapes; a word starting with # starts a comment). Returns a
 * NULL-terminated vector (free with cmd_words_free) or NULL with err set. */
char **cmd_split(const char *line, int *argc, struct error *err);
void cmd_words_free(char **words);
/* A line as cmd_run_line splits it: cmd_split, but for a command marked
 * CMD_REST, whose text is the rest of the line as typed. */
char **cmd_split_command(const char *line, int *argc, struct error *err);
/* A word that cmd_split turns back into s exactly, whatever s holds (quotes,
 * '#', backslashes, spaces): for building a command line around free text.
 * New string (free()). */
char *cmd_quote(const char *s);

/* Runs one line of the command language; blank and comment lines do nothing.
 * A command marked CMD_REST takes the rest of the line after its positionals
 * as typed ("send pat-1 Don't worry, we'll talk #tomorrow"). */
bool cmd_run_line(struct cmd_ctx *ctx, const char *line, struct error *err);

/* Help: the list of commands, or one command in full, to fp. */
void cmd_help(FILE *fp, const char *name);
/* The man page's COMMANDS section, in roff, generated from the table. */
void cmd_help_roff(FILE *fp);

#endif
