/* test_result.c - struct cmd_result: each kind printed in each format as batch
 * prints it, what the screen says of it, sanitising in table and JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/result.h"
#include "core/xmalloc.h"

static const struct out_col cols[] = {
	{ "id", "Id", false },
	{ "name", "Name", false },
	{ "patient_id", "Client id", true },
};
#define NCOLS (sizeof cols / sizeof cols[0])

static void
expect(const struct cmd_result *r, enum out_format fmt, const char *want)
{
	char *got = result_format(r, fmt);

	assert_string_equal(got, want);
	free(got);
}

static void
test_nothing(void **state)
{
	struct cmd_result r;

	(void)state;
	result_init(&r);
	assert_int_equal(r.kind, RESULT_NONE);
	expect(&r, FMT_TABLE, "");
	expect(&r, FMT_TSV, "");
	expect(&r, FMT_JSON, "");
	assert_null(result_sentence(&r));
	result_finish(&r);
}

static void
test_message(void **state)
{
	struct cmd_result r;

	(void)state;
	result_init(&r);
	result_say(&r, "%s", "Note saved.");
	assert_int_equal(r.kind, RESULT_MESSAGE);
	assert_string_equal(result_sentence(&r), "Note saved.");
	expect(&r, FMT_TABLE, "Note saved.\n");
	expect(&r, FMT_TSV, "Note saved.\n");
	expect(&r, FMT_JSON, "Note saved.\n");
	/* A catalogue's sentence ending in a newline; a second sentence. */
	result_say(&r, "You are %s.\n", "Practitioner/p1");
	expect(&r, FMT_TABLE, "Note saved.\nYou are Practitioner/p1.\n");
	result_finish(&r);
	assert_int_equal(r.kind, RESULT_NONE);
	assert_null(r.message);
}

static void
test_listing(void **state)
{
	const char *rows[2][NCOLS] = { { "a1", "Amina", "pat-1" }, { "b22", NULL, "pat-2" } };
	struct cmd_result r;

	(void)state;
	result_init(&r);
	result_records(&r, cols, NCOLS, "No clients found.");
	result_row(&r, rows[0]);
	result_row(&r, rows[1]);
	assert_int_equal(r.kind, RESULT_RECORDS);
	assert_null(result_sentence(&r));   /* the overlay */
	/* Machine-only columns left out of tables; no padding after the last. */
	expect(&r, FMT_TABLE, "Id   Name\na1   Amina\nb22  \n");
	expect(&r, FMT_TSV, "id\tname\tpatient_id\na1\tAmina\tpat-1\nb22\t\tpat-2\n");
	expect(&r, FMT_JSON, "{\"id\":\"a1\",\"name\":\"Amina\",\"patient_id\":\"pat-1\"}\n"
			     "{\"id\":\"b22\",\"name\":null,\"patient_id\":\"pat-2\"}\n");
	result_finish(&r);
}

/* empty_listing_is_a_sentence: "No appointments." in a table and on the
 * status line; a TSV header alone; nothing in JSON. */
static void
test_empty_listing_is_a_sentence(void **state)
{
	struct cmd_result r;

	(void)state;
	result_init(&r);
	result_records(&r, cols, NCOLS, "No appointments.");
	assert_int_equal(r.kind, RESULT_RECORDS);
	assert_string_equal(result_sentence(&r), "No appointments.");
	expect(&r, FMT_TABLE, "No appointments.\n");
	expect(&r, FMT_TSV, "id\tname\tpatient_id\n");
	expect(&r, FMT_JSON, "");
	/* With a sentence after it, it is shown in full. */
	result_after(&r, "Some writes may be lost.");
	assert_null(result_sentence(&r));
	expect(&r, FMT_TABLE, "No appointments.\nSome writes may be lost.\n");
	expect(&r, FMT_TSV, "id\tname\tpatient_id\n");
	result_finish(&r);
}

static void
test_record_alone(void **state)
{
	const char *v[NCOLS] = { "n1", "Amina", NULL };
	struct cmd_result r;

	(void)state;
	result_init(&r);
	result_record(&r, cols, NCOLS, v, "Line one\nline two");
	assert_int_equal(r.kind, RESULT_RECORDS);
	assert_null(result_sentence(&r));
	expect(&r, FMT_TABLE, "Id:   n1\nName: Amina\n\nLine one\nline two\n");
	expect(&r, FMT_TSV, "id\tname\tpatient_id\ttext\nn1\tAmina\t\tLine one\\nline two\n");
	expect(&r, FMT_JSON, "{\"id\":\"n1\",\"name\":\"Amina\",\"patient_id\":null,\"text\":\"Line one\\nline two\"}\n");
	result_finish(&r);
}

/* A write that confirms and shows what it wrote: the confirmation first, and
 * it is what the status line says. */
static void
test_message_and_record(void **state)
{
	const char *v[NCOLS] = { "ap1", "Amina", "pat-1" };
	struct cmd_result r;

	(void)state;
	result_init(&r);
	result_say(&r, "%s", "Booked.");
	result_record(&r, cols, NCOLS, v, NULL);
	assert_int_equal(r.kind, RESULT_RECORDS);
	assert_string_equal(result_sentence(&r), "Booked.");
	expect(&r, FMT_TABLE, "Booked.\nId:   ap1\nName: Amina\n");
	result_finish(&r);
}

static void
test_text(void **state)
{
	struct cmd_result r;

	(void)state;
	result_init(&r);
	result_text(&r, "Usage: ezrizi COMMAND\n\tbook\n");
	assert_int_equal(r.kind, RESULT_TEXT);
	assert_null(result_sentence(&r));
	/* A text is the same in every format (help, completion scripts). */
	expect(&r, FMT_TABLE, "Usage: ezrizi COMMAND\n\tbook\n");
	expect(&r, FMT_TSV, "Usage: ezrizi COMMAND\n\tbook\n");
	expect(&r, FMT_JSON, "Usage: ezrizi COMMAND\n\tbook\n");
	result_finish(&r);
}

static void
test_taken_text(void **state)
{
	struct cmd_result r;

	(void)state;
	result_init(&r);
	result_take_text(&r, xstrdup("first\nsecond\n"));
	assert_int_equal(r.kind, RESULT_TEXT);
	expect(&r, FMT_TABLE, "first\nsecond\n");
	result_finish(&r);
}

/* Server text in a result: a table shows no escape sequence or bidi control;
 * JSON keeps the text but writes them as \u escapes; the values are copies. */
static void
test_sanitised_in_table_and_json(void **state)
{
	char hostile[] = "Ev\x1b[2Jil\xe2\x80\xae" "x";
	const char *v[NCOLS] = { "p1", hostile, NULL };
	struct cmd_result r;
	char *out;

	(void)state;
	result_init(&r);
	result_records(&r, cols, NCOLS, NULL);
	result_row(&r, v);
	memset(hostile, 'z', sizeof hostile - 1);   /* the result holds its own copy */
	out = result_format(&r, FMT_TABLE);
	assert_non_null(strstr(out, "Ev^[[2Jil<U+202E>x"));
	assert_null(strchr(out, '\x1b'));
	assert_null(strstr(out, "\xe2\x80\xae"));
	free(out);
	out = result_format(&r, FMT_JSON);
	assert_string_equal(out, "{\"id\":\"p1\",\"name\":\"Ev\\u001b[2Jil\\u202ex\",\"patient_id\":null}\n");
	free(out);
	out = result_format(&r, FMT_TSV);
	assert_null(strchr(out, '\x1b'));
	assert_non_null(strstr(out, "p1\t"));
	free(out);
	result_finish(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_listing),
		cmocka_unit_test(test_empty_listing_is_a_sentence),
		cmocka_unit_test(test_record_alone),
		cmocka_unit_test(test_message_and_record),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_taken_text),
		cmocka_unit_test(test_sanitised_in_table_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
