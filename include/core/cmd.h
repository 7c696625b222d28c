/* cmd.h - the one command language: the registry, the resolver, the option
 * parser.
 *
 * Every command is declared once, as a struct cmd_entry with designated
 * initialisers next to its handler (after tmux's cmd-kill-pane.c): the core's
 * in src/cmd/ (and src/batch.c), the screen's own in ui/, which the screen
 * adds to the registry with cmd_register() when it starts, so batch mode never
 * sees them. The registry is one table sorted by name.
 *
 * One resolver (cmd_resolve: "note add" before "note") and one option parser
 * (cmd_parse) serve ezrizi's own argv, the lines of `ezrizi batch`, the
 * screen's ':' line, key bindings and the config's bind lines; help, the man
 * page, shell completion and the screen's Tab completion are generated from
 * the entries. What a command is (it writes, it needs the terminal, it runs
 * only on the screen, its arguments are clients...) is said by its entry's
 * flags and argument kinds, never by a check of its name elsewhere. */
#ifndef EZRIZI_CMD_H
#define EZRIZI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "core/config.h"
#include "core/error.h"
#include "core/front.h"
#include "core/output.h"
#include "core/result.h"
#include "core/session.h"
#include "core/xmalloc.h"

/* What an argument, or an option's value, is: completion offers values of
 * its kind, and a kind's words (cmd_kind_words) are offered as they are. */
enum cmd_kind {
	KIND_NONE,          /* a word of no kind completion knows (a number, a duration) */
	KIND_PATIENT,       /* a client's id */
	KIND_APPOINTMENT,   /* an appointment's id */
	KIND_NOTE,          /* a session note's id */
	KIND_SLOT,          /* a free slot's id */
	KIND_PRACTITIONER,  /* a counsellor's id, or 'me' (or 'all', where it is taken) */
	KIND_DAY,           /* a day: YYYY-MM-DD, today, tomorrow, +3d, monday */
	KIND_TEXT,          /* free text: nothing to offer */
	KIND_COMMAND,       /* a command's name, one word or two (help) */
	KIND_LINE,          /* from here on, a line of the command language (confirm) */
	KIND_CHOICE,        /* one of a fixed set: the option's choices, the argument's words */
	KIND_FILE,          /* a file's name */
	KIND_SEQ,           /* the number of a write in the outbox */
};

/* A value an argument takes and what it does ("down": N_("Move down.")). In
 * the help's words only, "" stands for the command alone and "*" for any
 * other value. Arrays of them end with { NULL, NULL }. */
struct cmd_word {
	const char *word;
	const char *help;   /* N_() marked, or NULL */
};

struct cmd_arg {
	enum cmd_kind kind;
	/* KIND_CHOICE: the values it takes; any kind: what the help says of a
	 * value (a key bound to "day next" is "Show the next day..."). */
	const struct cmd_word *words;
};

enum {
	OPT_VALUE = 1 << 0,     /* takes a value */
	OPT_REQUIRED = 1 << 1,  /* must be given */
	OPT_OR_ALL = 1 << 2,    /* with choices: 'all' is taken too */
	/* Its choices only complete it: the value is checked where it is used,
	 * by the rule that says it best (--format by the config's, login's
	 * --method by the login's). */
	OPT_HINTS = 1 << 3,
};

struct cmd_option {
	const char *name;       /* without the dashes */
	const char *metavar;    /* N_() marked; NULL for a flag */
	const char *help;       /* N_() marked */
	unsigned flags;         /* OPT_* */
	/* The values it takes, NULL-terminated, when they are a fixed set: any
	 * other is a usage error that lists them. NULL: any value. */
	const char *const *choices;
	enum cmd_kind kind;     /* what its value is (KIND_CHOICE with choices) */
	char letter;            /* a one-letter form, "-h" (ezrizi's own options only) */
};

#define CMD_MAX_OPTS 12
#define CMD_MAX_POS 3

struct cmd_args {
	int argc;
	char **argv;                      /* positional arguments (borrowed) */
	const char *value[CMD_MAX_OPTS];  /* per option of the entry, NULL if not given */
	bool given[CMD_MAX_OPTS];
	int choice[CMD_MAX_POS];          /* KIND_CHOICE positionals: the index of the word */
};

struct cmd_ctx;
struct cmd_entry;

typedef bool cmd_exec_fn(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a,
			 struct error *err);

enum {
	/* A write that goes to the outbox when the server cannot be reached
	 * (or with --offline), to be sent by itself later, exactly once. */
	CMD_QUEUES = 1 << 0,
	/* Reads its text from --file or standard input (cmd_read_input); under
	 * the screen standard input is the terminal, so there the text must come
	 * from a file (not '-') or, for CMD_REST, after the positionals. */
	CMD_INPUT = 1 << 1,
	/* Its arguments are words of any kind (command names, a message), never
	 * taken for a misspelt subcommand. */
	CMD_WORDS = 1 << 2,
	/* In a line of the command language (a batch file, the screen's ':'),
	 * what follows its positionals is one argument exactly as typed: a
	 * message keeps its quotes, '#' and backslashes (cmd_split_command). */
	CMD_REST = 1 << 3,
	/* Needs the session (the server, the local cache) set up first. */
	CMD_SESSION = 1 << 4,
	/* The screen's own: declared in ui/, registered when the screen starts. */
	CMD_SCREEN = 1 << 5,
	/* A screen entry that is the core's command of the same name done the
	 * screen's way (help as its overlay, passwd asked on the status line,
	 * lock locking the screen): the core's entry declares it (usage,
	 * arguments, options; .base), the screen's gives its handler, its flags
	 * and its summary on the screen. */
	CMD_SCREEN_WAY = 1 << 6,
	/* Runs only as ezrizi's own command, from a shell (batch, completion):
	 * not in a line of a batch file, not on the screen. */
	CMD_SHELL = 1 << 7,
	/* Asks on the terminal (a password, a passphrase) or takes it over:
	 * never under the screen, where .instead says what to do. */
	CMD_TERMINAL = 1 << 8,
	/* Opens the local cache itself, asking for its passphrase on the
	 * terminal, unless the front end holds it open already. */
	CMD_PASSPHRASE = 1 << 9,
	/* May run while another command waits for the server (the screen's
	 * moving about: days, panes, the help). */
	CMD_BUSY_OK = 1 << 10,
	/* Moves in what is shown: runs over the overlay too (its keys scroll it). */
	CMD_MOVES = 1 << 11,
	/* Removes the local cache: the screen asks first, naming the writes not
	 * yet sent, and y runs it with its 'yes' (and what discards them). */
	CMD_WIPES = 1 << 12,
	/* Sends its text to the client its first argument names: the screen
	 * shows the text in the chat at once, marked while it goes. */
	CMD_SENDS = 1 << 13,
	/* Changes a client's notes, or only their signatures (a co-signature is
	 * a Provenance, which no look again sees): the screen fetches the shown
	 * client's notes again when it is done. */
	CMD_NOTES = 1 << 14,
};

struct cmd_entry {
	const char *name;       /* one word, or two: "note add" */
	const char *usage;      /* N_() marked synopsis of the positionals, or NULL */
	const char *summary;    /* N_() marked, one sentence */
	struct {
		int min, max;   /* how many positionals it takes */
		/* Their kinds, in order; the last one given stands for all after it. */
		struct cmd_arg pos[CMD_MAX_POS];
	} args;
	const struct cmd_option *opts;  /* ended by { NULL }; NULL: none */
	unsigned flags;         /* CMD_* */
	/* N_() marked: with CMD_TERMINAL, CMD_PASSPHRASE or CMD_INPUT, what to
	 * do instead on the screen, where the terminal is not free. */
	const char *instead;
	cmd_exec_fn *exec;
	/* Checks the arguments without the network (and reads the command's
	 * text, cmd_read_input), before exec runs and before a CMD_QUEUES write
	 * is queued: what it refuses is never written, now or later. NULL:
	 * exec checks its arguments itself. */
	cmd_exec_fn *check;
	/* A CMD_SCREEN_WAY entry as registered: the core's entry it does its way
	 * (its handler is still there: lock --agent). NULL otherwise. */
	const struct cmd_entry *base;
};

struct cmd_ctx {
	struct config *cfg;
	struct session session;
	bool have_session;
	enum out_format fmt;     /* what the results are for: a handler fills them for it */
	/* What the command running gives back (see core/result.h): set by
	 * cmd_call_run for the while the command runs; NULL otherwise. */
	struct cmd_result *result;
	bool offline;            /* --offline: reads from the local cache only */
	bool keep_going;         /* --keep-going: a batch file goes on after a failing line */
	bool replaying;          /* running a queued command from the outbox */
	time_t made_at;          /* when a replayed command was queued; 0: now */
	char *input;             /* the command's text, once read (or queued) */
	size_t input_len;
	bool input_given;        /* input holds the text: do not read it again */
	/* The front end's ear for what is not an error (the session's warning at
	 * start, what a long wait waits for); NULL: not told. */
	http_notice_fn notice;
	void *notice_arg;
	/* The front end's hooks for what only it may ask (a passphrase, a
	 * password, a pasted line: core/front.h); the session keeps them too
	 * (cmd_set_front). NULL: nothing is asked, the core says what to do. */
	const struct front_ops *front_ops;
	/* The front end's own state, for its own commands (the screen's struct
	 * tui); the core never looks at it. */
	void *front;
};

/* ---- the registry ---- */

/* The registry, sorted by name: the core's commands, and those registered. */
const struct cmd_entry *const *cmd_table(size_t *n);
/* The entry of exactly that name ("note add"), or NULL. */
const struct cmd_entry *cmd_find(const char *name);
/* Adds a front end's commands (the screen's, as it starts): from then on the
 * registry holds both, sorted. A name the core has too must be CMD_SCREEN_WAY
 * (then the two make one entry, see there); any other clash is a programming
 * error and aborts. Registering again replaces what was registered before. */
void cmd_register(const struct cmd_entry *const *v, size_t n);
/* Back to the core's commands alone. */
void cmd_unregister(void);

/* The words a kind has of its own, NULL-terminated ("today", "tomorrow"...;
 * "me" and "all"), or NULL. */
const char *const *cmd_kind_words(enum cmd_kind kind);
/* The kind of positional i of e (the last declared stands for those after). */
const struct cmd_arg *cmd_pos(const struct cmd_entry *e, int i);
/* The index of the option called name in e, or -1. */
int cmd_opt_index(const struct cmd_entry *e, const char *name, size_t len);

/* ---- resolving and parsing ---- */

/* ezrizi's own options (--format, --offline, --profile, ...), given before the
 * command or after it, as the table cmd_global_options() declares them. */
struct cmd_globals {
	const char *profile, *server, *config, *format;
	bool keep_going, offline, help, version;
};
const struct cmd_option *cmd_global_options(void);

/* The command the words start with: a name of two words before one of one
 * ("note add ..." before "note ..."); *used gets how many words its name took.
 * NULL with a usage error when the words name none ("'x' is not an ezrizi
 * command", "There is no 'patient add' command"). */
const struct cmd_entry *cmd_resolve(int argc, char **argv, int *used, struct error *err);

/* Fills a from the words after the command's name: its options (--name VALUE,
 * --name=VALUE, a flag; each at most once, a value among its choices), '--'
 * ending them, and its positionals (as many as it takes, a KIND_CHOICE one
 * among its words). From a KIND_LINE positional on, every word is the line's.
 * With g, ezrizi's own options are taken among the words too (its argv);
 * without, one of them is a usage error saying where it goes. With g->help
 * set, the counts and the required options are not checked (--help explains
 * the command instead). Free with cmd_args_finish (also after a failure). */
bool cmd_parse(const struct cmd_entry *e, int argc, char **argv, struct cmd_args *a,
	       struct cmd_globals *g, struct error *err);
void cmd_args_finish(struct cmd_args *a);

/* The value of an option by name, or NULL. */
const char *cmd_opt(const struct cmd_entry *e, const struct cmd_args *a, const char *name);
bool cmd_flag(const struct cmd_entry *e, const struct cmd_args *a, const char *name);
/* True when the command has the option (a property of the command, for the
 * screen: "does checkin take --any-day?"). */
bool cmd_has_opt(const struct cmd_entry *e, const char *name);

/* A command resolved and parsed, ready to run. */
struct cmd_call {
	const struct cmd_entry *e;   /* NULL: no command was given (argv of globals only) */
	struct cmd_args a;
	/* Its words, name first, ezrizi's own options left out: what the outbox
	 * keeps of it. The strings are borrowed from the caller's words. */
	int argc;
	char **argv;
	int *opt;    /* per word: the option of e it belongs to, or -1 */
};

/* Resolves and parses words into c. With g, the words are ezrizi's own argv
 * (after the program's name): its options first, then the command (none is
 * fine: c->e stays NULL), its own options taken after it too. Without g, a
 * line (a batch file's, the screen's, an outbox item): ezrizi's options are
 * refused, and so are the CMD_SHELL commands. Free c with cmd_call_finish. */
bool cmd_prepare(struct cmd_call *c, int argc, char **argv, struct cmd_globals *g,
		 struct error *err);
void cmd_call_finish(struct cmd_call *c);
/* Why the prepared command cannot run where the terminal is not free (under
 * the screen), translated; NULL when it can. store_open: the front end holds
 * the local cache open. */
const char *cmd_needs_terminal(const struct cmd_call *c, bool store_open);
/* Runs a prepared command: sets up the session when it needs one, queues a
 * write the server cannot take, and wipes its text afterwards. What it gives
 * back goes to res (initialised by the caller, who frees it with
 * result_finish; it may hold something already only if it is to be added to).
 * Inside a task (core/task.h: the screen runs each command in one, and
 * resumes it on its loop) it runs there, suspended while it waits for the
 * server. Outside any, it starts the command as a task and waits for it
 * (batch mode: the same start and wait, the waits capped by max_wait). */
bool cmd_call_run(struct cmd_ctx *ctx, struct cmd_call *c, struct cmd_result *res,
		  struct error *err);

/* cmd_prepare (as a line) and cmd_call_run: argv[0..argc) as a command
 * ("appointments", "--date", "today"). */
bool cmd_run_argv(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_result *res,
		  struct error *err);

/* The command's text: from the outbox when replaying, else from file or
 * standard input (at most max bytes, no NUL). The text stays in ctx (for the
 * outbox) until the command ends. Returns a borrowed pointer. */
const char *cmd_read_input(struct cmd_ctx *ctx, const char *file, size_t max, size_t *len,
			   struct error *err);
/* Forgets (wipes) the command's text. */
void cmd_forget_input(struct cmd_ctx *ctx);

/* The session, set up on first use; its warning (if any) goes to ctx->notice. */
struct session *cmd_session(struct cmd_ctx *ctx, struct error *err);
void cmd_ctx_finish(struct cmd_ctx *ctx);
/* The front end's hooks from now on, for the context and its session. */
void cmd_set_front(struct cmd_ctx *ctx, const struct front_ops *f);

/* ---- words (src/cmd_words.c) ---- */

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
bool cmd_run_line(struct cmd_ctx *ctx, const char *line, struct cmd_result *res,
		  struct error *err);

/* ---- help (src/cmd/help.c) ---- */

/* The synopsis of a command: "book --slot ID --patient ID [--type TYPE] ..."
 * (translated metavariables). New string. */
char *cmd_synopsis(const struct cmd_entry *e);
/* Help: the list of commands, or one command in full, added to out. */
void cmd_help(struct buf *out, const char *name);
/* ezrizi's own options, as --help lists them. */
void cmd_help_globals(struct buf *out);
/* The man page's COMMANDS section (screen false: the core's commands) or
 * SCREEN COMMANDS section (true: the screen's, once registered), in roff,
 * generated from the registry. */
void cmd_help_roff(struct buf *out, bool screen);

#endif
