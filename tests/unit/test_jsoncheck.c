/* test_jsoncheck.c - what cJSON would accept and we must refuse. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/jsoncheck.h"

static const struct json_limits deflim = JSON_LIMITS_DEFAULT;

static struct json_check_result
run_len(const char *text, size_t len, const struct json_limits *lim)
{
	struct json_check_result r = { JSON_OK, 12345 };
	bool ok = json_check(text, len, lim, &r);

	assert_int_equal(ok, r.problem == JSON_OK);
	return r;
}

static void
ok(const char *text)
{
	struct json_check_result r = run_len(text, strlen(text), &deflim);

	if (r.problem != JSON_OK)
		fail_msg("'%s' refused: problem %d at %zu", text, (int)r.problem, r.offset);
}

static void
bad_at(const char *text, enum json_problem want, size_t offset)
{
	struct json_check_result r = run_len(text, strlen(text), &deflim);

	if (r.problem != want || r.offset != offset) {
		fail_msg("'%s': want problem %d at %zu, got %d at %zu", text, (int)want,
		    offset, (int)r.problem, r.offset);
	}
}

static void
test_valid_documents(void **state)
{
	(void)state;
	ok("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"total\":2,\"entry\":["
	   "{\"resource\":{\"resourceType\":\"Appointment\",\"id\":\"12\",\"status\":\"booked\","
	   "\"start\":\"2026-11-26T09:00:00Z\",\"participant\":[{\"actor\":{\"reference\":"
	   "\"Patient/7\",\"display\":\"Ay\\u015fe Y\\u0131lmaz\"}}]}},"
	   "{\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"محمد علي\"}],"
	   "\"active\":true,\"deceasedBoolean\":false,\"photo\":null}}]}");
	ok("  {\"a\" : [ 1 , -2.5 , 0 , -0 , 0.25 , 1e10 , 1E-7 , -3.5e+2 ] }\r\n\t");
	ok("[]");
	ok("{}");
	ok("[[], {}, [{}]]");
	ok("\"\"");
	ok("0");
	ok("true");
	ok("null");
	ok("\"esc \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e7 \\uFFFF\"");
	ok("\"\\ud83d\\ude00\"");        /* a valid surrogate pair */
	ok("\"中文 😀 İı\"");
}

/* "[" * n + "]" * n */
static char *
nested(int n, char open, char close)
{
	char *s = malloc((size_t)n * 2 + 1);

	assert_non_null(s);
	memset(s, open, (size_t)n);
	memset(s + n, close, (size_t)n);
	s[n * 2] = '\0';
	return s;
}

static void
test_depth(void **state)
{
	char *s;

	(void)state;
	s = nested(64, '[', ']');
	ok(s);
	free(s);
	s = nested(65, '[', ']');
	bad_at(s, JSON_TOO_DEEP, 64);
	free(s);
	/* 1000 deep, never closed: stops at the 65th bracket, not the end. */
	s = nested(1000, '[', ']');
	s[1000] = '\0';
	bad_at(s, JSON_TOO_DEEP, 64);
	free(s);
	/* Objects count too. */
	s = malloc(65 * 6 + 2);
	assert_non_null(s);
	s[0] = '\0';
	for (int i = 0; i < 65; i++)
		strcat(s, "{\"a\":");
	bad_at(s, JSON_TOO_DEEP, 64 * 5);
	free(s);
}

static void
test_depth_custom_limit(void **state)
{
	struct json_limits lim = { 2, 100, 1000 };

	(void)state;
	assert_int_equal(run_len("[[1]]", 5, &lim).problem, JSON_OK);
	assert_int_equal(run_len("[[[1]]]", 7, &lim).problem, JSON_TOO_DEEP);
	assert_int_equal(run_len("[[],[],{\"a\":1}]", 15, &lim).problem, JSON_OK);
	assert_int_equal(run_len("[[],[],{\"a\":[]}]", 16, &lim).problem, JSON_TOO_DEEP);
}

static void
test_nul_and_surrogates(void **state)
{
	(void)state;
	bad_at("\"\\u0000\"", JSON_NUL, 1);
	bad_at("{\"k\\u0000\":1}", JSON_NUL, 3);                 /* in a key too */
	bad_at("[\"ab\\ud800\"]", JSON_BAD_UTF8, 4);             /* lone high */
	bad_at("[\"\\ud800x\"]", JSON_BAD_UTF8, 2);
	bad_at("[\"\\ud800\\u0041\"]", JSON_BAD_UTF8, 2);        /* high + non-low */
	bad_at("[\"\\udc00\"]", JSON_BAD_UTF8, 2);               /* lone low */
	bad_at("[\"\\ude00\\ud83d\"]", JSON_BAD_UTF8, 2);        /* reversed pair */
	bad_at("\"\\ud800", JSON_BAD_UTF8, 1);
	bad_at("\"\\u12G4\"", JSON_SYNTAX, 5);
	bad_at("\"\\u12\"", JSON_SYNTAX, 5);
	bad_at("\"\\u12", JSON_SYNTAX, 5);
}

static void
test_raw_bytes(void **state)
{
	struct json_check_result r;

	(void)state;
	bad_at("\"a\xff\"", JSON_BAD_UTF8, 2);
	bad_at("\"ab\xc0\xaf\"", JSON_BAD_UTF8, 3);              /* overlong */
	bad_at("\"\xed\xa0\x80\"", JSON_BAD_UTF8, 1);            /* raw surrogate */
	bad_at("\"\xe4\xb8\"", JSON_BAD_UTF8, 1);                /* truncated */
	bad_at("\"a\x01\"", JSON_SYNTAX, 2);                     /* raw control */
	bad_at("\"a\nb\"", JSON_SYNTAX, 2);
	bad_at("\"a\tb\"", JSON_SYNTAX, 2);
	bad_at("\"\x1b[2J\"", JSON_SYNTAX, 1);
	r = run_len("\"a\0b\"", 5, &deflim);                     /* raw NUL */
	assert_int_equal(r.problem, JSON_SYNTAX);
	assert_int_equal(r.offset, 2);
	r = run_len("[1]\0", 4, &deflim);                        /* NUL after */
	assert_int_equal(r.problem, JSON_SYNTAX);
	assert_int_equal(r.offset, 3);
	bad_at("\xff", JSON_SYNTAX, 0);                          /* outside strings */
	bad_at("\"\\x\"", JSON_SYNTAX, 2);                       /* unknown escape */
	bad_at("\"\\'\"", JSON_SYNTAX, 2);
}

static void
test_syntax(void **state)
{
	(void)state;
	bad_at("", JSON_SYNTAX, 0);
	bad_at("   ", JSON_SYNTAX, 3);
	bad_at("[1] x", JSON_SYNTAX, 4);                         /* trailing garbage */
	bad_at("{} {}", JSON_SYNTAX, 3);
	bad_at("01", JSON_SYNTAX, 1);                            /* leading zero */
	bad_at("[-01]", JSON_SYNTAX, 3);
	bad_at("1.", JSON_SYNTAX, 2);
	bad_at("[1.]", JSON_SYNTAX, 3);
	bad_at(".5", JSON_SYNTAX, 0);
	bad_at("-", JSON_SYNTAX, 1);
	bad_at("[-]", JSON_SYNTAX, 2);
	bad_at("1e", JSON_SYNTAX, 2);
	bad_at("1e+", JSON_SYNTAX, 3);
	bad_at("+1", JSON_SYNTAX, 0);
	bad_at("tru", JSON_SYNTAX, 3);
	bad_at("[tru]", JSON_SYNTAX, 4);
	bad_at("True", JSON_SYNTAX, 0);
	bad_at("nul", JSON_SYNTAX, 3);
	bad_at("falsey", JSON_SYNTAX, 5);
	bad_at("[1,]", JSON_SYNTAX, 3);
	bad_at("[,1]", JSON_SYNTAX, 1);
	bad_at("{\"a\":1,}", JSON_SYNTAX, 7);
	bad_at("{\"a\" 1}", JSON_SYNTAX, 5);
	bad_at("{\"a\":}", JSON_SYNTAX, 5);
	bad_at("{a:1}", JSON_SYNTAX, 1);
	bad_at("{1:1}", JSON_SYNTAX, 1);
	bad_at("[1}", JSON_SYNTAX, 2);
	bad_at("{\"a\":1]", JSON_SYNTAX, 6);
	bad_at("[1", JSON_SYNTAX, 2);
	bad_at("[1 2]", JSON_SYNTAX, 3);
	bad_at("\"abc", JSON_SYNTAX, 4);
	bad_at("]", JSON_SYNTAX, 0);
	bad_at("'a'", JSON_SYNTAX, 0);
	bad_at("NaN", JSON_SYNTAX, 0);
}

static void
test_too_long(void **state)
{
	struct json_limits lim = { 64, 4, 32 };
	struct json_check_result r;

	(void)state;
	assert_int_equal(run_len("\"abcd\"", 6, &lim).problem, JSON_OK);
	r = run_len("[\"abcde\"]", 9, &lim);
	assert_int_equal(r.problem, JSON_TOO_LONG);
	assert_int_equal(r.offset, 1);
	r = run_len("{\"keyyy\":1}", 11, &lim);                 /* keys count */
	assert_int_equal(r.problem, JSON_TOO_LONG);
	assert_int_equal(r.offset, 1);
	/* Escapes count as written: \u00e7 is 6 bytes. */
	assert_int_equal(run_len("\"\\u00e7\"", 8, &lim).problem, JSON_TOO_LONG);
	r = run_len("[1,2,3,4,5,6,7,8,9,10,11,12,13,14]", 34, &lim);
	assert_int_equal(r.problem, JSON_TOO_LONG);
	assert_int_equal(r.offset, 32);
	/* An unterminated huge string stops early, it is not a syntax error. */
	{
		char *big = malloc(100001);

		assert_non_null(big);
		memset(big, 'a', 100000);
		big[0] = '"';
		big[100000] = '\0';
		lim = (struct json_limits){ 64, 1000, 1000000 };
		r = run_len(big, 100000, &lim);
		assert_int_equal(r.problem, JSON_TOO_LONG);
		assert_int_equal(r.offset, 0);
		free(big);
	}
}

static void
test_null_args(void **state)
{
	struct json_check_result r;

	(void)state;
	assert_true(json_check("[1]", 3, NULL, &r));             /* default limits */
	assert_true(json_check("[1]", 3, NULL, NULL));
	assert_false(json_check(NULL, 0, NULL, &r));
	assert_int_equal(r.problem, JSON_SYNTAX);
	for (int p = JSON_OK; p <= JSON_TOO_LONG; p++) {
		assert_non_null(json_problem_str((enum json_problem)p));
		assert_true(strlen(json_problem_str((enum json_problem)p)) > 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_documents),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_depth_custom_limit),
		cmocka_unit_test(test_nul_and_surrogates),
		cmocka_unit_test(test_raw_bytes),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_null_args),
	};

	/* Honour LANG/LC_ALL, so a tr_TR.UTF-8 run exercises the Turkish I. */
	setlocale(LC_ALL, "");
	return cmocka_run_group_tests_name("jsoncheck", tests, NULL, NULL);
}
