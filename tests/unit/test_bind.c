/* test_bind.c - the screen's side of the one registry: its commands joined to
 * the core's, every default binding and every command accepted by bind (a
 * two-word one too), a bad bind line saying why, the flags the screen reads
 * instead of names, and help in words for every default key.
 *
 * Links core and ui. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/cmd.h"
#include "core/config.h"
#include "core/xmalloc.h"
#include "ui/help.h"
#include "ui/keys.h"
#include "ui/commands.h"
#include "ui/state.h"

#include "keys_fixture.h"

/* every_default_binding_accepted: each default key's line is a command as it
 * runs, and the help says it in words. */
static void
test_every_default_binding_accepted(void **state)
{
	struct config *cfg = config_of("");
	struct keymap keys;
	struct error err;

	(void)state;
	error_clear(&err);
	assert_true(keymap_init(&keys, cfg, ui_check_line, &err));
	assert_true(keys.n >= 30);
	for (size_t i = 0; i < keys.n; i++) {
		char *what = help_describe(keys.v[i].command);

		error_clear(&err);
		if (!ui_check_line(keys.v[i].command, &err)) {
			fprintf(stderr, "%s: %s: %s\n", keys.v[i].name, keys.v[i].command, err.msg);
			fail();
		}
		assert_non_null(what);
		free(what);
	}
	keymap_finish(&keys);
	config_destroy(cfg);
}

/* bind_multiword_command: "bind z cache verify" stopped the start with
 * "'cache verify' is not a command". */
static void
test_bind_multiword_command(void **state)
{
	struct config *cfg = config_of("bind z cache verify\nbind y outbox retry\nbind x note add %p --file /tmp/n\n");
	struct keymap keys;
	struct ui_key k;

	(void)state;
	keymap_of(&keys, cfg);
	assert_true(key_parse("z", &k));
	assert_string_equal(keymap_lookup(&keys, &k), "cache verify");
	assert_true(key_parse("y", &k));
	assert_string_equal(keymap_lookup(&keys, &k), "outbox retry");
	keymap_finish(&keys);
	config_destroy(cfg);
}

/* A line that runs e with the least it takes: its positionals (a choice's
 * first word, a line's "quit", an id) and its required options. */
static char *
least_line(const struct cmd_entry *e)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, e->name);
	for (int i = 0; i < e->args.min; i++) {
		const struct cmd_arg *pos = cmd_pos(e, i);

		if (pos->kind == KIND_LINE) {
			buf_adds(&b, " quit");
			break;
		}
		buf_addf(&b, " %s", pos->kind == KIND_CHOICE ? pos->words[0].word : "x-1");
	}
	for (const struct cmd_option *o = e->opts; o != NULL && o->name != NULL; o++) {
		if (o->flags & OPT_REQUIRED)
			buf_addf(&b, " --%s x-1", o->name);
	}
	return buf_steal(&b);
}

/* every_command_accepted_by_bind: on the screen, any command can be bound;
 * those that run only from a shell say so. */
static void
test_every_command_accepted_by_bind(void **state)
{
	size_t n, screen = 0;
	const struct cmd_entry *const *tab = cmd_table(&n);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		char *line = least_line(tab[i]), *conf = xasprintf("bind F9 %s\n", line);
		struct config *cfg = config_of(conf);
		struct keymap keys;
		struct error err;
		bool ok;

		error_clear(&err);
		ok = keymap_init(&keys, cfg, ui_check_line, &err);
		if (tab[i]->flags & CMD_SHELL) {
			assert_false(ok);
			assert_non_null(strstr(err.msg, "runs only from a shell"));
			assert_non_null(strstr(err.msg, "test:1: bind F9: "));
		} else if (!ok) {
			fprintf(stderr, "%s: %s\n", line, err.msg);
			fail();
		} else {
			keymap_finish(&keys);
		}
		screen += (tab[i]->flags & (CMD_SCREEN | CMD_SCREEN_WAY)) != 0;
		config_destroy(cfg);
		free(conf);
		free(line);
	}
	assert_true(screen >= 20);   /* the screen's own are there */
}

/* bad_bind_says_why: the file, the line, the key and what is wrong. */
static void
test_bad_bind_says_why(void **state)
{
	static const struct { const char *conf, *says; } bad[] = {
		{ "bind z frobnicate\n", "test:1: bind z: 'frobnicate' is not an ezrizi command" },
		{ "# a comment\nbind z day nxt\n", "test:2: bind z: 'nxt' is not one of the words it takes here; use next, prev, today." },
		{ "bind z goto\n", "test:1: bind z: Missing DAY. See ':help goto'." },
		{ "bind z appointments --format json\n", "--format is an option of ezrizi itself" },
		{ "bind z cache\n", "'cache' is not a command by itself" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct config *cfg = config_of(bad[i].conf);
		struct keymap keys;
		struct error err;

		error_clear(&err);
		assert_false(keymap_init(&keys, cfg, ui_check_line, &err));
		if (strstr(err.msg, bad[i].says) == NULL) {
			fprintf(stderr, "[%s] does not say [%s]\n", err.msg, bad[i].says);
			fail();
		}
		config_destroy(cfg);
	}
}

/* flags_not_names: what the screen asks of a line is its entry's flags. */
static void
test_flags_not_names(void **state)
{
	(void)state;
	assert_true(ui_line_flags("select down") & CMD_MOVES);
	assert_false(ui_line_flags("day next") & CMD_MOVES);
	assert_true(ui_line_flags("day next") & CMD_BUSY_OK);
	assert_false(ui_line_flags("book --slot s --patient p") & CMD_BUSY_OK);
	assert_true(ui_line_flags("send p1 hi") & CMD_SENDS);
	assert_true(ui_line_flags("cache wipe") & CMD_WIPES);
	assert_true(ui_line_flags("goto monday") & CMD_SCREEN);
	assert_int_equal(ui_line_flags("frobnicate"), 0);
	/* help, lock and passwd: one entry each, done the screen's way. */
	assert_true(cmd_find("help")->flags & CMD_SCREEN_WAY);
	assert_true(cmd_find("lock")->flags & CMD_SCREEN_WAY);
	assert_true(cmd_find("passwd")->flags & CMD_SCREEN_WAY);
	assert_true(cmd_has_opt(cmd_find("lock"), "agent"));
	assert_string_equal(cmd_find("lock")->base->name, "lock");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_default_binding_accepted, registry_up, registry_down),
		cmocka_unit_test_setup_teardown(test_bind_multiword_command, registry_up, registry_down),
		cmocka_unit_test_setup_teardown(test_every_command_accepted_by_bind, registry_up, registry_down),
		cmocka_unit_test_setup_teardown(test_bad_bind_says_why, registry_up, registry_down),
		cmocka_unit_test_setup_teardown(test_flags_not_names, registry_up, registry_down),
	};

	return cmocka_run_group_tests_name("bind", tests, NULL, NULL);
}
