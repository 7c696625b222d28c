/* test_safetyplan.c - the safety plan's text format (core/safetyplan.h): six
 * headed sections read byte for byte, the format's own output read back to
 * the same steps, and what is not the format refused with the line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/safetyplan.h"

static bool
parse(const char *text, char *step[SAFETY_STEPS], struct error *err)
{
	error_clear(err);
	return safety_plan_parse(text, strlen(text), step, err);
}

static void
free_steps(char *step[SAFETY_STEPS])
{
	for (int i = 0; i < SAFETY_STEPS; i++)
		free(step[i]);
}

static void
reads_six_sections_byte_for_byte(void **state)
{
	char *s[SAFETY_STEPS];
	struct error err;

	(void)state;
	assert_true(parse("# a comment\n\n== 1. Warning signs\n\"quoted\" # hash; semi\n"
			  "== 2.\nأمشي\n\n== 3. x\n== 4. y\n  lead\ttab\n== 5. z\r\nline\r\n"
			  "== 6. last\nno final newline", s, &err));
	assert_string_equal(s[0], "\"quoted\" # hash; semi");
	assert_string_equal(s[1], "أمشي\n");
	assert_string_equal(s[2], "");
	assert_string_equal(s[3], "  lead\ttab");
	assert_string_equal(s[4], "line\r");
	assert_string_equal(s[5], "no final newline");
	free_steps(s);
}

static void
a_heading_of_another_step_is_text(void **state)
{
	char *s[SAFETY_STEPS];
	struct error err;

	(void)state;
	/* "== 1." inside step 2, "==3." without its space: both text. */
	assert_true(parse("== 1. a\n== 2. b\n== 1. again\n==3. no\n== 3. c\n== 4. d\n== 5. e\n== 6. f\n",
			  s, &err));
	assert_string_equal(s[1], "== 1. again\n==3. no");
	assert_string_equal(s[5], "");
	free_steps(s);
}

static void
format_reads_back(void **state)
{
	char *in[SAFETY_STEPS] = { "one", "two\n", "", "\n\nfour", "five  ", "six\nlines" };
	char *s[SAFETY_STEPS], *text = safety_plan_format(in);
	struct error err;

	(void)state;
	assert_true(parse(text, s, &err));
	for (int i = 0; i < SAFETY_STEPS; i++)
		assert_string_equal(s[i], in[i]);
	free_steps(s);
	free(text);
}

static void
refuses_what_is_not_the_format(void **state)
{
	char *s[SAFETY_STEPS];
	struct error err;

	(void)state;
	assert_false(parse("text first\n== 1. a\n", s, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	assert_non_null(strstr(err.msg, "Line 1"));
	assert_false(parse("== 2. b\n", s, &err));
	assert_non_null(strstr(err.msg, "step 2"));
	assert_false(parse("== 1. a\n== 2. b\n== 3. c\n", s, &err));
	assert_non_null(strstr(err.msg, "3 of its 6"));
	assert_false(parse("", s, &err));
	error_clear(&err);
	assert_false(safety_plan_parse("== 1. \xff\n", 8, s, &err));
	assert_non_null(strstr(err.msg, "UTF-8"));
	for (int i = 0; i < SAFETY_STEPS; i++)
		assert_null(s[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_six_sections_byte_for_byte),
		cmocka_unit_test(a_heading_of_another_step_is_text),
		cmocka_unit_test(format_reads_back),
		cmocka_unit_test(refuses_what_is_not_the_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
