/* test_mode.c - the screen's modes as a stack (ui/mode.h) and their key
 * tables (ui/keys.h): push and pop, the top gets the key, close runs when a
 * mode is popped, one mode per rank, the precedence lock > secret > prompt >
 * overlay whatever the order they opened in; every table's default keys
 * resolve and run a command the registry knows, bind -T binds into a named
 * table, "Any" answers for the keys a table does not bind, and an unknown
 * table is refused with a clear error.
 *
 * Links core and ui; the modes under test are fakes with the real ranks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "ui/commands.h"
#include "ui/keys.h"
#include "ui/mode.h"

#include "keys_fixture.h"

/* What the fakes saw. */
static const char *last_key_by, *last_closed;
static int closes;

static void
fake_key(const char *name)
{
	last_key_by = name;
}

#define FAKE(id, rank_, flags_)                                                      \
	static void id##_key(struct tui *t, const struct ui_key *k)                  \
	{                                                                            \
		(void)t;                                                             \
		(void)k;                                                             \
		fake_key(#id);                                                       \
	}                                                                            \
	static void id##_close(struct tui *t)                                        \
	{                                                                            \
		(void)t;                                                             \
		last_closed = #id;                                                   \
		closes++;                                                            \
	}                                                                            \
	static const struct mode_ops fake_##id = {                                          \
		.name = #id, .rank = rank_, .flags = flags_, .key = id##_key, .close = id##_close, \
	}

FAKE(lock, 50, MODE_TEXT | MODE_COVERS_ALL);
FAKE(secret, 40, MODE_TEXT);
FAKE(prompt, 30, MODE_TEXT);
FAKE(question, 20, 0);
FAKE(overlay, 10, MODE_COVERS_PANES);
FAKE(picker, 10, MODE_COVERS_PANES);

static const struct ui_key any_key = { false, 'a' };

static int
reset(void **state)
{
	(void)state;
	last_key_by = last_closed = NULL;
	closes = 0;
	return 0;
}

/* push_pop_top_gets_the_key: the base has no mode; a pushed mode gets the
 * key; popping it runs its close and gives the key back to what is under. */
static void
test_push_pop_top_gets_the_key(void **state)
{
	struct mode_stack s = { 0 };

	(void)state;
	assert_false(mode_key(&s, NULL, &any_key));   /* the base takes it */
	assert_null(last_key_by);
	mode_push(&s, NULL, &fake_overlay);
	assert_ptr_equal(mode_top(&s), &fake_overlay);
	assert_true(mode_key(&s, NULL, &any_key));
	assert_string_equal(last_key_by, "overlay");
	mode_push(&s, NULL, &fake_prompt);
	assert_true(mode_key(&s, NULL, &any_key));
	assert_string_equal(last_key_by, "prompt");
	assert_true(mode_pop(&s, NULL, &fake_prompt));
	assert_string_equal(last_closed, "prompt");
	assert_true(mode_key(&s, NULL, &any_key));
	assert_string_equal(last_key_by, "overlay");
	assert_false(mode_pop(&s, NULL, &fake_prompt));    /* not on: nothing closes */
	assert_int_equal(closes, 1);
	assert_true(mode_pop(&s, NULL, &fake_overlay));
	assert_int_equal(s.n, 0);
	assert_null(mode_top(&s));
}

/* pushed_twice_is_on_once, and a mode of the same rank takes its place. */
static void
test_one_mode_per_rank(void **state)
{
	struct mode_stack s = { 0 };

	(void)state;
	mode_push(&s, NULL, &fake_overlay);
	mode_push(&s, NULL, &fake_overlay);
	assert_int_equal(s.n, 1);
	mode_push(&s, NULL, &fake_picker);   /* the picker opens in the overlay's place */
	assert_int_equal(s.n, 1);
	assert_true(mode_has(&s, &fake_picker));
	assert_false(mode_has(&s, &fake_overlay));
	assert_string_equal(last_closed, "overlay");
}

/* precedence_lock_secret_prompt_overlay: in whatever order they open, the
 * lock gets the key over the passphrase prompt, that over the command line,
 * that over a question, that over the overlay; popping each hands the key
 * down in that order. */
static void
test_precedence(void **state)
{
	static const struct mode_ops *const orders[][5] = {
		{ &fake_overlay, &fake_question, &fake_prompt, &fake_secret, &fake_lock },
		{ &fake_lock, &fake_secret, &fake_prompt, &fake_question, &fake_overlay },
		{ &fake_prompt, &fake_overlay, &fake_lock, &fake_question, &fake_secret },
	};
	static const char *const down[] = { "lock", "secret", "prompt", "question", "overlay" };
	static const struct mode_ops *const by_rank[] = { &fake_lock, &fake_secret, &fake_prompt, &fake_question, &fake_overlay };

	(void)state;
	for (size_t o = 0; o < sizeof orders / sizeof orders[0]; o++) {
		struct mode_stack s = { 0 };

		for (int i = 0; i < 5; i++)
			mode_push(&s, NULL, orders[o][i]);
		assert_int_equal(s.n, 5);
		for (int i = 0; i < 5; i++) {
			assert_true(mode_key(&s, NULL, &any_key));
			assert_string_equal(last_key_by, down[i]);
			assert_true(mode_pop(&s, NULL, by_rank[i]));
		}
		assert_false(mode_key(&s, NULL, &any_key));
	}
}

/* covering_and_below: drawing starts at the highest mode that covers the
 * panes; mode_below names what is right under a mode. */
static void
test_covering_and_below(void **state)
{
	struct mode_stack s = { 0 };

	(void)state;
	assert_int_equal(mode_covering(&s), -1);
	mode_push(&s, NULL, &fake_prompt);
	assert_int_equal(mode_covering(&s), -1);     /* the panes draw, the line over them */
	mode_push(&s, NULL, &fake_overlay);
	assert_ptr_equal(s.v[mode_covering(&s)], &fake_overlay);
	mode_push(&s, NULL, &fake_lock);
	assert_ptr_equal(s.v[mode_covering(&s)], &fake_lock);
	assert_ptr_equal(mode_below(&s, &fake_lock), &fake_prompt);
	assert_null(mode_below(&s, &fake_overlay));
}

/* The screen's real modes keep the precedence the screen had. */
static void
test_real_ranks(void **state)
{
	(void)state;
	assert_true(mode_small.rank > mode_lock.rank);
	assert_true(mode_lock.rank > mode_secret.rank);
	assert_true(mode_secret.rank > mode_cmdline.rank);
	assert_true(mode_cmdline.rank > mode_confirm.rank);
	assert_true(mode_confirm.rank > mode_overlay.rank);
	assert_int_equal(mode_overlay.rank, mode_picker.rank);
	assert_true(mode_lock.flags & MODE_TEXT);
	assert_true(mode_secret.flags & MODE_TEXT);
	assert_true(mode_cmdline.flags & MODE_TEXT);
	assert_true(mode_lock.flags & MODE_COVERS_ALL);
	assert_true(mode_small.flags & MODE_COVERS_ALL);
}

/* ---- key tables ---- */

static const char *
lookup(const struct keymap *m, const char *table, const char *key)
{
	struct ui_key k;

	assert_true(key_parse(key, &k));
	return keymap_lookup_in(m, table, &k);
}

/* every_table_default_resolves: each table has keys, each runs a command the
 * registry resolves; the modes' own keys are where the modes were. */
static void
test_every_table_default_resolves(void **state)
{
	struct config *cfg = config_of("");
	struct keymap m;
	struct error err;
	size_t n;
	const char *const *tables = keymap_tables(&n);

	(void)state;
	error_clear(&err);
	assert_true(keymap_init(&m, cfg, ui_check_line, &err));
	assert_string_equal(tables[0], "root");
	for (size_t t = 0; t < n; t++) {
		size_t in = 0;

		for (size_t i = 0; i < m.n; i++) {
			if (strcmp(m.v[i].table, tables[t]) != 0)
				continue;
			in++;
			error_clear(&err);
			if (!ui_check_line(m.v[i].command, &err)) {
				fprintf(stderr, "%s %s: %s: %s\n", tables[t], m.v[i].name, m.v[i].command, err.msg);
				fail();
			}
		}
		assert_true(in > 0);
	}
	assert_string_equal(lookup(&m, "overlay", "q"), "close");
	assert_string_equal(lookup(&m, "overlay", "Escape"), "close");
	assert_string_equal(lookup(&m, "overlay", "Enter"), "close");
	assert_string_equal(lookup(&m, "overlay", "Down"), "select down");
	assert_string_equal(lookup(&m, "picker", "Enter"), "choose");
	assert_string_equal(lookup(&m, "picker", "C-j"), "choose");
	assert_string_equal(lookup(&m, "picker", "q"), "close");
	assert_string_equal(lookup(&m, "confirm", "y"), "answer yes");
	assert_string_equal(lookup(&m, "confirm", "Y"), "answer yes");
	assert_string_equal(lookup(&m, "confirm", "n"), "answer no");     /* any other key: Any */
	assert_string_equal(lookup(&m, "confirm", "Escape"), "answer no");
	assert_string_equal(lookup(&m, "small", "q"), "quit");
	assert_null(lookup(&m, "overlay", "z"));                       /* no Any there */
	assert_string_equal(lookup(&m, "root", "q"), "quit");          /* the tables are apart */
	assert_null(lookup(&m, "nosuch", "q"));
	keymap_finish(&m);
	config_destroy(cfg);
}

/* bind_into_named_table: bind -T picker x choose binds x in the picker only;
 * a root binding of the same key is untouched; bind -T root is plain bind. */
static void
test_bind_into_named_table(void **state)
{
	struct config *cfg = config_of("bind -T picker x choose\nbind -T overlay Space select pagedown\n"
				       "bind -T root z day next\nbind -T confirm Any answer yes\n");
	struct keymap m;

	(void)state;
	keymap_of(&m, cfg);
	assert_string_equal(lookup(&m, "picker", "x"), "choose");
	assert_string_equal(lookup(&m, "root", "x"), "text reason cancel %a --reason");
	assert_string_equal(lookup(&m, "overlay", "Space"), "select pagedown");
	assert_string_equal(lookup(&m, "root", "z"), "day next");
	assert_string_equal(lookup(&m, "confirm", "n"), "answer yes");
	assert_string_equal(lookup(&m, "confirm", "y"), "answer yes");
	keymap_finish(&m);
	config_destroy(cfg);
}

/* unknown_table_refused: the file, the line, the table, and the tables there
 * are; a -T with nothing after it is refused when the config is read. */
static void
test_unknown_table_refused(void **state)
{
	struct config *cfg = config_of("# keys\nbind -T copy-mode x close\n"), *bad;
	struct keymap m;
	struct error err;

	(void)state;
	error_clear(&err);
	assert_false(keymap_init(&m, cfg, ui_check_line, &err));
	assert_non_null(strstr(err.msg, "test:2: 'copy-mode' is not a key table; use root, overlay, picker, confirm or small"));
	config_destroy(cfg);

	bad = config_create();
	error_clear(&err);
	assert_false(config_load_string(bad, "test", "bind -T\n", &err));
	assert_non_null(strstr(err.msg, "needs a key table, a key and a command"));
	config_destroy(bad);

	cfg = config_of("bind -T picker x frobnicate\n");
	error_clear(&err);
	assert_false(keymap_init(&m, cfg, ui_check_line, &err));
	assert_non_null(strstr(err.msg, "bind x: 'frobnicate' is not an ezrizi command"));
	config_destroy(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_push_pop_top_gets_the_key, reset),
		cmocka_unit_test_setup(test_one_mode_per_rank, reset),
		cmocka_unit_test_setup(test_precedence, reset),
		cmocka_unit_test_setup(test_covering_and_below, reset),
		cmocka_unit_test(test_real_ranks),
		cmocka_unit_test_setup_teardown(test_every_table_default_resolves, registry_up, registry_down),
		cmocka_unit_test_setup_teardown(test_bind_into_named_table, registry_up, registry_down),
		cmocka_unit_test_setup_teardown(test_unknown_table_refused, registry_up, registry_down),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
