/* test_outbox.c - the outbox's index: a write whose record is lost is still
 * named (its place and command), never sent, and gone only when discarded;
 * a lost index says writes may be gone; places are never given twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/outbox.h"
#include "core/store.h"
#include "core/xmalloc.h"

static const struct store_kdf small = { crypto_pwhash_OPSLIMIT_MIN, 8192 * 1024 };
#define PASS "outbox test passphrase"

static char *base;

static struct store *
fresh(void)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct error err;
	struct store *st;
	char *dir;

	base = xasprintf("%s/ezrizi-outbox-XXXXXX", tmp);
	assert_non_null(mkdtemp(base));
	dir = xasprintf("%s/s", base);
	error_clear(&err);
	assert_true(store_create(dir, PASS, strlen(PASS), &small, &err));
	st = store_open(dir, PASS, strlen(PASS), &small, &err);
	assert_non_null(st);
	free(dir);
	return st;
}

static void
done(struct store *st)
{
	char *cmd = xasprintf("rm -rf '%s'", base);

	store_close(st);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(base);
}

static void
add(struct store *st, const char *a0, const char *a1, const char *a2, const char *text)
{
	char *argv[] = { (char *)a0, (char *)a1, (char *)a2, NULL };
	struct error err;
	char rid[37];
	/* The command's name as the table has it. */
	const char *name = strcmp(a0, "note") == 0 ? (strcmp(a1, "edit") == 0 ? "note edit" : "note add") : a0;

	snprintf(rid, sizeof rid, "%08x-0000-4000-8000-%012x", randombytes_random(), randombytes_random());
	error_clear(&err);
	if (!outbox_add(st, name, 3, argv, text, text != NULL ? strlen(text) : 0, rid, &err))
		fail_msg("add: %s", err.msg);
}

static struct outbox_list
list(struct store *st)
{
	struct outbox_list l;
	struct error err;

	error_clear(&err);
	if (!outbox_list(st, &l, &err))
		fail_msg("list: %s", err.msg);
	return l;
}

static const char *
seq_n(int n)
{
	static char buf[21];

	snprintf(buf, sizeof buf, "%020d", n);
	return buf;
}

static void
test_lost_write_is_named(void **state)
{
	struct store *st = fresh();
	struct outbox_list l;
	struct error err;

	(void)state;
	add(st, "send", "pat-1", "hello", NULL);
	add(st, "note", "add", "pat-1", "A note that must not be lost.");
	add(st, "checkin", "appt-7", NULL, NULL);
	l = list(st);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0].command, "send");
	assert_string_equal(l.v[1].command, "note add");
	assert_string_equal(l.v[2].command, "checkin");
	assert_false(l.incomplete);
	for (size_t i = 0; i < l.n; i++)
		assert_false(l.v[i].lost);
	outbox_list_finish(&l);
	/* The note's record is lost (a damaged disk): the index still names it. */
	error_clear(&err);
	assert_true(store_delete(st, "outbox", seq_n(2), &err));
	l = list(st);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[1].seq, seq_n(2));
	assert_true(l.v[1].lost);
	assert_true(l.v[1].failed);   /* never sent */
	assert_string_equal(l.v[1].command, "note add");
	assert_int_equal(l.v[1].argc, 0);
	assert_null(l.v[1].input);
	assert_false(l.incomplete);
	outbox_list_finish(&l);
	/* It cannot be retried; it goes when discarded. */
	error_clear(&err);
	assert_false(outbox_retry(st, seq_n(2), &err));
	assert_non_null(strstr(err.msg, "lost"));
	error_clear(&err);
	assert_true(outbox_discard(st, seq_n(2), &err));
	l = list(st);
	assert_int_equal(l.n, 2);
	outbox_list_finish(&l);
	error_clear(&err);
	assert_false(outbox_discard(st, seq_n(2), &err));
	assert_int_equal(err.kind, ERR_NOT_FOUND);
	done(st);
}

static void
test_lost_index_is_said(void **state)
{
	struct store *st = fresh();
	struct outbox_list l;
	struct error err;

	(void)state;
	add(st, "send", "pat-1", "one", NULL);
	add(st, "send", "pat-1", "two", NULL);
	error_clear(&err);
	assert_true(store_delete(st, "meta", "outbox-index", &err));
	assert_true(store_delete(st, "outbox", seq_n(1), &err));
	l = list(st);
	assert_int_equal(l.n, 1);
	assert_true(l.incomplete);
	outbox_list_finish(&l);
	/* Said until acknowledged (cache verify does), then not again. */
	l = list(st);
	assert_true(l.incomplete);
	outbox_list_finish(&l);
	error_clear(&err);
	assert_true(outbox_acknowledge(st, &err));
	l = list(st);
	assert_false(l.incomplete);
	assert_int_equal(l.n, 1);
	outbox_list_finish(&l);
	done(st);
}

static void
test_place_never_given_twice(void **state)
{
	struct store *st = fresh();
	struct outbox_list l;
	struct error err;

	(void)state;
	add(st, "send", "pat-1", "one", NULL);
	add(st, "send", "pat-1", "two", NULL);
	/* The counter lost: the next write still goes after the others. */
	error_clear(&err);
	assert_true(store_delete(st, "meta", "outbox-seq", &err));
	add(st, "send", "pat-1", "three", NULL);
	l = list(st);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[2].seq, seq_n(3));
	assert_string_equal(l.v[0].argv[2], "one");
	outbox_list_finish(&l);
	done(st);
}

static void
test_store_before_the_index(void **state)
{
	struct store *st = fresh();
	struct store_rec old = { "meta", "outbox-seq", "", NULL, NULL, NULL, "2", 1 };
	struct outbox_list l;
	struct error err;

	(void)state;
	add(st, "send", "pat-1", "one", NULL);
	add(st, "checkin", "appt-1", NULL, NULL);
	/* As an older ezrizi left it: no index, a plain counter. */
	error_clear(&err);
	assert_true(store_delete(st, "meta", "outbox-index", &err));
	assert_true(store_put(st, &old, &err));
	l = list(st);
	assert_int_equal(l.n, 2);
	assert_false(l.incomplete);
	outbox_list_finish(&l);
	/* It has one now: a record lost from here on is named. */
	assert_true(store_delete(st, "outbox", seq_n(2), &err));
	l = list(st);
	assert_int_equal(l.n, 2);
	assert_true(l.v[1].lost);
	assert_string_equal(l.v[1].command, "checkin");
	outbox_list_finish(&l);
	done(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lost_write_is_named),
		cmocka_unit_test(test_lost_index_is_said),
		cmocka_unit_test(test_place_never_given_twice),
		cmocka_unit_test(test_store_before_the_index),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
