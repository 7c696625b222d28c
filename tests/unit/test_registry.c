/* test_registry.c - the one registry, its resolver and its option parser, as
 * argv, batch lines and the screen use them: every entry resolvable by its
 * name and declared consistently, quoting, unknown, repeated and misplaced
 * options, ezrizi's own options after the command, choices, what needs the
 * terminal, what the outbox keeps, a front end's entries joined to the core's. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "core/cmd.h"
#include "core/date.h"

/* A line's words (no quoting in these). */
static char **
words_of(const char *line, int *argc)
{
	struct error err;
	char **w;

	error_clear(&err);
	w = cmd_split(line, argc, &err);
	assert_non_null(w);
	return w;
}

/* A line prepared: cmd_prepare on a line (g NULL) or on argv (g given). */
struct prepared {
	struct cmd_call c;
	char **w;
};

static bool
prep(struct prepared *p, const char *line, struct cmd_globals *g, struct error *err)
{
	int argc;

	p->w = words_of(line, &argc);
	error_clear(err);
	return cmd_prepare(&p->c, argc, p->w, g, err);
}

static void
prep_finish(struct prepared *p)
{
	cmd_call_finish(&p->c);
	cmd_words_free(p->w);
}

static void
expect_refused(const char *line, const char *says)
{
	struct cmd_call c;
	struct error err;
	int argc;
	char **w = words_of(line, &argc);

	error_clear(&err);
	if (cmd_prepare(&c, argc, w, NULL, &err)) {
		fprintf(stderr, "'%s' was taken\n", line);
		fail();
	}
	assert_int_equal(err.kind, ERR_USAGE);
	if (strstr(err.msg, says) == NULL) {
		fprintf(stderr, "'%s': [%s] does not say [%s]\n", line, err.msg, says);
		fail();
	}
	cmd_call_finish(&c);
	cmd_words_free(w);
}

static void
expect_taken(const char *line, struct cmd_globals *g)
{
	struct cmd_call c;
	struct error err;
	int argc;
	char **w = words_of(line, &argc);

	error_clear(&err);
	if (!cmd_prepare(&c, argc, w, g, &err)) {
		fprintf(stderr, "'%s': %s\n", line, err.msg);
		fail();
	}
	cmd_call_finish(&c);
	cmd_words_free(w);
}

/* every_entry_resolvable: each name, split as typed, resolves to its entry. */
static void
test_every_entry_resolvable(void **state)
{
	size_t n;
	const struct cmd_entry *const *tab = cmd_table(&n);

	(void)state;
	assert_true(n >= 30);
	for (size_t i = 0; i < n; i++) {
		int argc, used;
		char **w = words_of(tab[i]->name, &argc);
		struct error err;

		error_clear(&err);
		assert_ptr_equal(cmd_resolve(argc, w, &used, &err), tab[i]);
		assert_int_equal(used, argc);
		assert_ptr_equal(cmd_find(tab[i]->name), tab[i]);
		cmd_words_free(w);
	}
}

static bool
is_global(const char *name)
{
	for (const struct cmd_option *g = cmd_global_options(); g->name != NULL; g++) {
		if (strcmp(g->name, name) == 0)
			return true;
	}
	return false;
}

/* entries_declared_consistently: the flags say what the entry holds. */
static void
test_entries_declared_consistently(void **state)
{
	size_t n;
	const struct cmd_entry *const *tab = cmd_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *e = tab[i];
		int nopts = 0;

		if (i > 0)
			assert_true(strcmp(tab[i - 1]->name, e->name) < 0);
		assert_non_null(e->summary);
		assert_non_null(e->exec);
		assert_true(strchr(e->name, ' ') == strrchr(e->name, ' '));
		assert_true(e->args.min >= 0 && e->args.min <= e->args.max && e->args.max <= 64);
		if (e->args.max > 0)
			assert_non_null(e->usage);
		if (e->flags & (CMD_TERMINAL | CMD_PASSPHRASE | CMD_INPUT))
			assert_non_null(e->instead);
		if (e->flags & CMD_INPUT)
			assert_true(cmd_has_opt(e, "file"));
		if (e->flags & CMD_QUEUES)
			assert_true(e->flags & CMD_SESSION);
		if (e->flags & CMD_REST)
			assert_true(cmd_pos(e, e->args.max)->kind == KIND_TEXT ||
				    cmd_pos(e, e->args.max)->kind == KIND_LINE);
		assert_false(e->flags & (CMD_SCREEN | CMD_SCREEN_WAY));   /* a shell has the core's only */
		for (int k = 0; k < CMD_MAX_POS; k++) {
			if (e->args.pos[k].kind == KIND_CHOICE)
				assert_non_null(e->args.pos[k].words);
		}
		for (const struct cmd_option *o = e->opts; o != NULL && o->name != NULL; o++, nopts++) {
			assert_false(is_global(o->name));
			assert_non_null(o->help);
			assert_true((o->metavar != NULL) == ((o->flags & OPT_VALUE) != 0));
			if (o->kind == KIND_CHOICE)
				assert_non_null(o->choices);
		}
		assert_true(nopts <= CMD_MAX_OPTS);
	}
}

/* quoting: words as a shell splits them; a comment; an open quote refused. */
static void
test_quoting(void **state)
{
	const char *want[] = { "note", "add", "a b", "c \"d\"", "e f", "g'h" };
	struct error err;
	int argc;
	char **w;

	(void)state;
	error_clear(&err);
	w = cmd_split("note add 'a b' \"c \\\"d\\\"\" e\\ f \"g'h\" # the rest", &argc, &err);
	assert_non_null(w);
	assert_int_equal(argc, 6);
	for (int i = 0; i < argc; i++)
		assert_string_equal(w[i], want[i]);
	cmd_words_free(w);
	assert_null(cmd_split("send p1 'not closed", &argc, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	assert_non_null(strstr(err.msg, "quote"));
	/* A quoted option value is one word. */
	expect_taken("cancel a-1 --reason 'client unwell, sorry'", NULL);
}

/* unknown_repeated_misplaced_options: each says what is wrong and where to
 * look; '--' ends the options. */
static void
test_unknown_repeated_misplaced_options(void **state)
{
	(void)state;
	expect_refused("appointments --nope", "Unknown option --nope. See 'ezrizi help appointments'.");
	expect_refused("appointments --date today --date=tomorrow", "--date=tomorrow is given twice");
	expect_refused("appointments --date", "--date needs a value");
	expect_refused("book --slot s --patient p --allow-overlap=yes", "--allow-overlap takes no value");
	expect_refused("book --slot x", "--patient is required");
	expect_refused("appointment", "Missing ID");
	expect_refused("appointment a b", "Too many arguments, starting at 'b'");
	/* After '--' an option is a word: here one too many. */
	expect_refused("cancel a-1 -- --reason", "starting at '--reason'");
	/* ezrizi's own options belong on its command line, not in a line. */
	expect_refused("appointments --format json", "--format is an option of ezrizi itself");
	expect_refused("patient p-1 --offline", "--offline is an option of ezrizi itself");
	/* An option of another command. */
	expect_refused("patient p-1 --slot s", "Unknown option --slot");
}

/* global_options_after_the_command: `ezrizi patient ID --format json` is
 * `ezrizi --format json patient ID`; the outbox keeps the command only. */
static void
test_global_options_after_the_command(void **state)
{
	struct cmd_globals g = { 0 };
	struct cmd_call c;
	struct error err;
	int argc;
	char **w = words_of("patient pat-1 --format json", &argc);

	(void)state;
	error_clear(&err);
	assert_true(cmd_prepare(&c, argc, w, &g, &err));
	assert_string_equal(c.e->name, "patient");
	assert_int_equal(c.a.argc, 1);
	assert_string_equal(c.a.argv[0], "pat-1");
	assert_string_equal(g.format, "json");
	assert_int_equal(c.argc, 2);
	cmd_call_finish(&c);
	cmd_words_free(w);

	memset(&g, 0, sizeof g);
	w = words_of("--format=tsv send pat-1 see you --offline --profile=lab", &argc);
	assert_true(cmd_prepare(&c, argc, w, &g, &err));
	assert_string_equal(g.format, "tsv");
	assert_string_equal(g.profile, "lab");
	assert_true(g.offline);
	assert_int_equal(c.argc, 4);   /* send pat-1 see you: what the outbox keeps */
	assert_string_equal(c.argv[3], "you");
	cmd_call_finish(&c);
	cmd_words_free(w);

	/* Before and after, the same option twice is refused like any other. */
	memset(&g, 0, sizeof g);
	w = words_of("--offline appointments --offline", &argc);
	assert_false(cmd_prepare(&c, argc, w, &g, &err));
	assert_non_null(strstr(err.msg, "given twice"));
	cmd_call_finish(&c);
	cmd_words_free(w);

	/* --keep-going after batch's file; -h after a command skips its counts. */
	memset(&g, 0, sizeof g);
	w = words_of("batch day.txt --keep-going", &argc);
	error_clear(&err);
	assert_true(cmd_prepare(&c, argc, w, &g, &err));
	assert_true(g.keep_going);
	assert_string_equal(c.a.argv[0], "day.txt");
	cmd_call_finish(&c);
	cmd_words_free(w);
	memset(&g, 0, sizeof g);
	w = words_of("book -h", &argc);
	assert_true(cmd_prepare(&c, argc, w, &g, &err));
	assert_true(g.help);
	assert_string_equal(c.e->name, "book");
	cmd_call_finish(&c);
	cmd_words_free(w);

	/* Only ezrizi's own options: no command (the screen). */
	memset(&g, 0, sizeof g);
	w = words_of("--offline --config /tmp/c", &argc);
	assert_true(cmd_prepare(&c, argc, w, &g, &err));
	assert_null(c.e);
	assert_string_equal(g.config, "/tmp/c");
	cmd_call_finish(&c);
	cmd_words_free(w);

	/* An unknown one before the command. */
	memset(&g, 0, sizeof g);
	w = words_of("--nope appointments", &argc);
	error_clear(&err);
	assert_false(cmd_prepare(&c, argc, w, &g, &err));
	assert_non_null(strstr(err.msg, "Unknown option --nope. See 'ezrizi --help'."));
	cmd_call_finish(&c);
	cmd_words_free(w);
}

/* choices: a value outside an option's or an argument's set is refused,
 * naming the set; the parser gives the argument's index. */
static void
test_choices(void **state)
{
	struct cmd_globals g = { 0 };
	struct prepared p;
	struct error err;

	(void)state;
	expect_refused("appointments --status waiting", "'waiting' is not a value of --status; use proposed, pending,");
	expect_refused("book --slot s --patient p --type nap", "use routine, followup, walkin, checkup, emergency");
	expect_refused("note add p1 --type letter --file f", "use progress, consult");
	assert_true(prep(&p, "completion zsh", &g, &err));
	assert_int_equal(p.c.a.choice[0], 1);
	prep_finish(&p);
	assert_false(prep(&p, "completion fish", &g, &err));
	assert_non_null(strstr(err.msg, "'fish' is not one of the words it takes here; use bash, zsh."));
	prep_finish(&p);
	/* Checked where they are used, by the rule that says it best. */
	memset(&g, 0, sizeof g);
	expect_taken("--format xml version", &g);
	expect_taken("login --method carrier-pigeon", NULL);
}

/* resolver: unknown names, a group alone, a word of another group. */
static void
test_resolver(void **state)
{
	int argc, used;
	char **w;
	struct error err;

	(void)state;
	expect_refused("frobnicate", "'frobnicate' is not an ezrizi command");
	expect_refused("cache", "'cache' is not a command by itself; use cache verify, cache wipe.");
	expect_refused("patient add p1", "There is no 'patient add' command");
	expect_refused("", "No command given");
	w = words_of("note add p1", &argc);
	error_clear(&err);
	assert_string_equal(cmd_resolve(argc, w, &used, &err)->name, "note add");
	assert_int_equal(used, 2);
	cmd_words_free(w);
	w = words_of("note n-1", &argc);
	assert_string_equal(cmd_resolve(argc, w, &used, &err)->name, "note");
	assert_int_equal(used, 1);
	cmd_words_free(w);
	/* A command whose words are words of any kind: help note add. */
	expect_taken("help note add", NULL);
	expect_taken("send p1 add this", NULL);
}

/* shell_only: batch and completion run from ezrizi's command line only. */
static void
test_shell_only(void **state)
{
	struct cmd_globals g = { 0 };

	(void)state;
	expect_refused("batch day.txt", "'batch' runs only from a shell, as 'ezrizi batch'.");
	expect_refused("completion bash", "runs only from a shell");
	expect_taken("completion bash", &g);
}

static const char *
terminal(const char *line, bool store_open)
{
	static char said[512];
	struct cmd_call c;
	struct error err;
	const char *why;
	int argc;
	char **w = words_of(line, &argc);

	error_clear(&err);
	assert_true(cmd_prepare(&c, argc, w, NULL, &err));
	why = cmd_needs_terminal(&c, store_open);
	snprintf(said, sizeof said, "%s", why != NULL ? why : "");
	cmd_call_finish(&c);
	cmd_words_free(w);
	return said[0] != '\0' ? said : NULL;
}

/* needs_terminal: flags and the options that lift them, as the screen asks;
 * note_edit_needs_a_file_on_the_screen: note edit read the terminal there. */
static void
test_needs_terminal(void **state)
{
	(void)state;
	assert_non_null(strstr(terminal("note add p1", true), "write-note"));
	assert_null(terminal("note add p1 --file /tmp/n", true));
	assert_non_null(terminal("note add p1 --file -", true));
	assert_non_null(strstr(terminal("note edit n1", true), "edit-note"));
	assert_null(terminal("note edit n1 --file=/tmp/n", true));
	assert_non_null(strstr(terminal("send p1", true), "send ID TEXT"));
	assert_null(terminal("send p1 see you", true));
	assert_null(terminal("send p1 --file /tmp/m", true));
	assert_non_null(strstr(terminal("login", true), "ezrizi login"));
	assert_non_null(terminal("logout", true));
	assert_non_null(terminal("unlock", true));
	assert_non_null(terminal("cache verify", false));
	assert_null(terminal("cache verify", true));
	assert_null(terminal("appointments --date today", true));
	assert_null(terminal("lock", true));
}

/* kinds_words_parse: the words completion offers for a day are days. */
static void
test_kinds_words_parse(void **state)
{
	const char *const *days = cmd_kind_words(KIND_DAY);

	(void)state;
	assert_non_null(days);
	for (size_t i = 0; days[i] != NULL; i++) {
		struct civil_date d;
		struct error err;

		error_clear(&err);
		assert_true(date_parse(days[i], date_today(), &d, &err));
	}
	assert_string_equal(cmd_kind_words(KIND_PRACTITIONER)[0], "me");
	assert_null(cmd_kind_words(KIND_PATIENT));
}

static bool
front_exec(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a, struct error *err)
{
	(void)ctx;
	(void)e;
	(void)a;
	(void)err;
	return true;
}

static const struct cmd_word sure[] = { { "*", "Asks first." }, { NULL, NULL } };
static const struct cmd_entry ask_entry = {
	.name = "ask",
	.usage = "COMMAND",
	.summary = "Ask first.",
	.args = { 1, 64, { { KIND_LINE, sure } } },
	.flags = CMD_SCREEN | CMD_WORDS,
	.exec = front_exec,
};
static const struct cmd_entry lock_way = {
	.name = "lock",
	.summary = "Lock the front end.",
	.flags = CMD_SCREEN_WAY,
	.exec = front_exec,
};

/* a_front_ends_entries: registered, they join the core's, sorted; a line
 * takes every word after it, options too; a screen way keeps the core's
 * declaration. Unregistered, they are gone. */
static void
test_a_front_ends_entries(void **state)
{
	const struct cmd_entry *const v[] = { &lock_way, &ask_entry };
	const struct cmd_entry *lock;
	struct cmd_call c;
	struct error err;
	int argc;
	char **w;

	(void)state;
	cmd_register(v, 2);
	assert_non_null(cmd_find("ask"));
	lock = cmd_find("lock");
	assert_ptr_equal(lock->exec, front_exec);
	assert_non_null(lock->base);
	assert_ptr_equal(lock->opts, lock->base->opts);
	assert_true(cmd_has_opt(lock, "agent"));
	assert_string_equal(lock->summary, "Lock the front end.");
	w = words_of("ask checkin a-1 --any-day", &argc);
	error_clear(&err);
	assert_true(cmd_prepare(&c, argc, w, NULL, &err));
	assert_int_equal(c.a.argc, 3);
	assert_string_equal(c.a.argv[2], "--any-day");
	cmd_call_finish(&c);
	cmd_words_free(w);
	expect_refused("ask", "Missing COMMAND. See ':help ask'.");
	cmd_unregister();
	assert_null(cmd_find("ask"));
	assert_null(cmd_find("lock")->base);
}

/* output_kinds: what a command gives back is a value of a kind, which says
 * where the screen shows it (a text in the overlay, a sentence on the status
 * line); batch prints the same value. */
static void
test_output_kinds(void **state)
{
	struct cmd_ctx ctx = { 0 };
	struct cmd_result res;
	struct error err;
	char *out;
	char *help[] = { "help", "book", NULL }, *version[] = { "version", NULL };

	(void)state;
	error_clear(&err);
	result_init(&res);
	assert_true(cmd_run_argv(&ctx, 2, help, &res, &err));
	assert_int_equal(res.kind, RESULT_TEXT);
	assert_null(result_sentence(&res));   /* the overlay */
	out = result_format(&res, FMT_TABLE);
	assert_non_null(strstr(out, "--slot ID"));
	free(out);
	assert_null(ctx.result);              /* only while the command runs */
	result_finish(&res);
	assert_true(cmd_run_argv(&ctx, 1, version, &res, &err));
	assert_int_equal(res.kind, RESULT_MESSAGE);
	assert_string_equal(result_sentence(&res), "ezrizi " EZRIZI_VERSION);
	out = result_format(&res, FMT_JSON);
	assert_string_equal(out, "ezrizi " EZRIZI_VERSION "\n");
	free(out);
	result_finish(&res);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_entry_resolvable),
		cmocka_unit_test(test_entries_declared_consistently),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_unknown_repeated_misplaced_options),
		cmocka_unit_test(test_global_options_after_the_command),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_resolver),
		cmocka_unit_test(test_shell_only),
		cmocka_unit_test(test_needs_terminal),
		cmocka_unit_test(test_kinds_words_parse),
		cmocka_unit_test(test_a_front_ends_entries),
		cmocka_unit_test(test_output_kinds),
	};

	return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
