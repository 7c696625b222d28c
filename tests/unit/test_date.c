/* test_date.c - typed dates, FHIR instants, and local time across zones. */
#define _POSIX_C_SOURCE 200809L

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/date.h"

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static struct civil_date
cd(int y, int m, int d)
{
	return (struct civil_date){ y, m, d };
}

static void
assert_date(struct civil_date got, int y, int m, int d)
{
	if (got.year != y || got.month != m || got.day != d) {
		fail_msg("got %04d-%02d-%02d, want %04d-%02d-%02d", got.year, got.month,
		    got.day, y, m, d);
	}
}

/* Parses s relative to today and checks the result. */
static void
parse_ok(const char *s, struct civil_date today, int y, int m, int d)
{
	struct civil_date out = { 0, 0, 0 };
	struct error err;

	error_clear(&err);
	if (!date_parse(s, today, &out, &err))
		fail_msg("'%s' refused: %s", s, err.msg);
	assert_int_equal(err.kind, ERR_NONE);
	assert_date(out, y, m, d);
}

/* Parses s, expects ERR_USAGE with a message naming s and containing hint. */
static void
parse_bad(const char *s, const char *hint)
{
	struct civil_date out = { 1, 1, 1 };
	struct error err;

	error_clear(&err);
	assert_false(date_parse(s, cd(2026, 11, 26), &out, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	assert_non_null(strstr(err.msg, s));
	if (strstr(err.msg, hint) == NULL)
		fail_msg("message '%s' lacks '%s'", err.msg, hint);
}

static void
test_add_days(void **state)
{
	(void)state;
	assert_date(date_add_days(cd(2026, 11, 26), 0), 2026, 11, 26);
	assert_date(date_add_days(cd(2026, 11, 30), 1), 2026, 12, 1);    /* month */
	assert_date(date_add_days(cd(2026, 12, 31), 1), 2027, 1, 1);     /* year */
	assert_date(date_add_days(cd(2027, 1, 1), -1), 2026, 12, 31);
	assert_date(date_add_days(cd(2028, 2, 28), 1), 2028, 2, 29);     /* leap */
	assert_date(date_add_days(cd(2026, 2, 28), 1), 2026, 3, 1);      /* not leap */
	assert_date(date_add_days(cd(2100, 2, 28), 1), 2100, 3, 1);      /* century */
	assert_date(date_add_days(cd(2000, 2, 28), 1), 2000, 2, 29);     /* 400 */
	assert_date(date_add_days(cd(2026, 3, 1), -1), 2026, 2, 28);
	assert_date(date_add_days(cd(2024, 3, 1), -1), 2024, 2, 29);
	assert_date(date_add_days(cd(2026, 1, 1), 365), 2027, 1, 1);
	assert_date(date_add_days(cd(2028, 1, 1), 366), 2029, 1, 1);
	assert_date(date_add_days(cd(1970, 1, 1), -1), 1969, 12, 31);
}

static void
test_weekday_cmp(void **state)
{
	(void)state;
	assert_int_equal(date_weekday(cd(1970, 1, 1)), 4);    /* Thursday */
	assert_int_equal(date_weekday(cd(2026, 11, 26)), 4);
	assert_int_equal(date_weekday(cd(2026, 11, 29)), 0);  /* Sunday */
	assert_int_equal(date_weekday(cd(2024, 2, 29)), 4);
	assert_int_equal(date_weekday(cd(2000, 1, 1)), 6);    /* Saturday */
	assert_int_equal(date_weekday(cd(1969, 12, 31)), 3);
	assert_int_equal(date_weekday(cd(1969, 12, 28)), 0);
	assert_int_equal(date_cmp(cd(2026, 1, 1), cd(2026, 1, 1)), 0);
	assert_int_equal(date_cmp(cd(2026, 1, 1), cd(2026, 1, 2)), -1);
	assert_int_equal(date_cmp(cd(2026, 2, 1), cd(2026, 1, 31)), 1);
	assert_int_equal(date_cmp(cd(2025, 12, 31), cd(2026, 1, 1)), -1);
}

static void
test_parse_forms(void **state)
{
	struct civil_date today = cd(2026, 11, 26);   /* a Thursday */

	(void)state;
	parse_ok("2026-12-01", today, 2026, 12, 1);
	parse_ok("2028-02-29", today, 2028, 2, 29);
	parse_ok("today", today, 2026, 11, 26);
	parse_ok("TODAY", today, 2026, 11, 26);
	parse_ok("tomorrow", today, 2026, 11, 27);
	parse_ok("Yesterday", today, 2026, 11, 25);
	parse_ok("+3d", today, 2026, 11, 29);
	parse_ok("+5d", today, 2026, 12, 1);
	parse_ok("-2d", today, 2026, 11, 24);
	parse_ok("+1w", today, 2026, 12, 3);
	parse_ok("-1w", today, 2026, 11, 19);
	parse_ok("+0d", today, 2026, 11, 26);
	parse_ok("+36d", today, 2027, 1, 1);
	parse_ok("+3650d", today, 2036, 11, 23);
	parse_ok("tomorrow", cd(2026, 12, 31), 2027, 1, 1);
	parse_ok("yesterday", cd(2026, 3, 1), 2026, 2, 28);
	parse_ok("tomorrow", cd(2028, 2, 28), 2028, 2, 29);
}

static void
test_parse_weekdays(void **state)
{
	struct civil_date today = cd(2026, 11, 26);   /* a Thursday */

	(void)state;
	parse_ok("thursday", today, 2026, 11, 26);    /* today included */
	parse_ok("thu", today, 2026, 11, 26);
	parse_ok("friday", today, 2026, 11, 27);
	parse_ok("Sat", today, 2026, 11, 28);
	parse_ok("SUNDAY", today, 2026, 11, 29);
	parse_ok("monday", today, 2026, 11, 30);
	parse_ok("tue", today, 2026, 12, 1);
	parse_ok("wednesday", today, 2026, 12, 2);    /* the next, not yesterday */
	parse_ok("wed", cd(2026, 12, 31), 2027, 1, 6);
}

static void
test_parse_invalid(void **state)
{
	(void)state;
	parse_bad("2026-02-30", "calendar");
	parse_bad("2026-13-01", "calendar");
	parse_bad("2026-00-10", "calendar");
	parse_bad("2026-04-31", "calendar");
	parse_bad("2027-02-29", "calendar");
	parse_bad("2026-11-26x", "YYYY-MM-DD");
	parse_bad("2026-11-26 ", "YYYY-MM-DD");
	parse_bad("2026-1-2", "YYYY-MM-DD");
	parse_bad("26-11-2026", "YYYY-MM-DD");
	parse_bad("tomorow", "YYYY-MM-DD");
	parse_bad("todayx", "YYYY-MM-DD");
	parse_bad("+3", "YYYY-MM-DD");
	parse_bad("+d", "YYYY-MM-DD");
	parse_bad("3d", "YYYY-MM-DD");
	parse_bad("+3dd", "YYYY-MM-DD");
	parse_bad("+3y", "YYYY-MM-DD");
	parse_bad("th", "YYYY-MM-DD");
	parse_bad("pazartesi", "YYYY-MM-DD");
	parse_bad("+99999d", "ten years");
	parse_bad("-99999d", "ten years");
	parse_bad("+600w", "ten years");
	parse_bad("+99999999999999999999999d", "ten years");
	parse_bad("", "YYYY-MM-DD");
}

static void
test_parse_error_first_wins(void **state)
{
	struct civil_date out;
	struct error err;

	(void)state;
	error_clear(&err);
	error_set(&err, ERR_NETWORK, "earlier");
	assert_false(date_parse("nope", cd(2026, 1, 1), &out, &err));
	assert_int_equal(err.kind, ERR_NETWORK);
	assert_string_equal(err.msg, "earlier");
	assert_false(date_parse("nope", cd(2026, 1, 1), &out, NULL));
}

static void
check_instant(const char *s, time_t want)
{
	time_t t = 0;

	if (!instant_parse(s, &t))
		fail_msg("'%s' refused", s);
	if (t != want)
		fail_msg("'%s': got %lld, want %lld", s, (long long)t, (long long)want);
}

static void
test_instant_parse(void **state)
{
	time_t t;

	(void)state;
	set_tz("UTC");
	check_instant("2026-11-26T09:30:00Z", 1795685400);
	check_instant("2026-11-26T12:30:00+03:00", 1795685400);
	check_instant("2026-11-26T04:00:00-05:30", 1795685400);
	check_instant("2026-11-26T09:30:00.123Z", 1795685400);
	check_instant("2026-11-26T09:30:00.999999+00:00", 1795685400);
	check_instant("1970-01-01T00:00:00Z", 0);
	check_instant("1969-12-31T23:59:59Z", -1);
	check_instant("2026-11-26", 1795651200);       /* local midnight (UTC here) */
	check_instant("2026-11", 1793491200);
	check_instant("2026", 1767225600);
	set_tz("Europe/Istanbul");
	check_instant("2026-11-26", 1795651200 - 3 * 3600);
	set_tz("UTC");

	static const char *const junk[] = {
		"", "x", "2026-11-26T09:30:00", "2026-11-26T09:30Z", "2026-11-26 09:30:00Z",
		"2026-11-26T09:30:00+0300", "2026-11-26T09:30:00+03", "2026-11-26T24:00:00Z",
		"2026-11-26T09:60:00Z", "2026-11-26T09:30:61Z", "2026-02-30T00:00:00Z",
		"2026-13-01", "2026-11-26T09:30:00.Z", "2026-11-26T09:30:00Zjunk",
		"2026-11-26T09:30:00+15:00", "2026-11-26T09:30:00+03:60", "26-11-26",
		"2026-11-26T", "2026-", "2026-1", "20261", "-2026-01-01", " 2026-11-26",
		"2026-11-26T09:30:00z", "2026-11-26t09:30:00Z",
	};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		if (instant_parse(junk[i], &t))
			fail_msg("'%s' accepted", junk[i]);
	}
	assert_false(instant_parse(NULL, &t));
}

static void
check_formats(time_t t, const char *utc, const char *local, const char *iso, const char *hm)
{
	char b21[21], b17[17], b26[26], b6[6];
	time_t back;

	instant_format_utc(t, b21);
	assert_string_equal(b21, utc);
	instant_format_local(t, b17);
	assert_string_equal(b17, local);
	instant_format_local_iso(t, b26);
	assert_string_equal(b26, iso);
	instant_format_hm(t, b6);
	assert_string_equal(b6, hm);
	assert_true(instant_parse(b21, &back));
	assert_int_equal(back, t);
	assert_true(instant_parse(b26, &back));
	assert_int_equal(back, t);
}

static void
test_format_zones(void **state)
{
	time_t t = 1795685400;   /* 2026-11-26T09:30:00Z */
	char b11[11];

	(void)state;
	set_tz("Asia/Kuala_Lumpur");
	check_formats(t, "2026-11-26T09:30:00Z", "2026-11-26 17:30",
	    "2026-11-26T17:30:00+08:00", "17:30");
	set_tz("Europe/Istanbul");
	check_formats(t, "2026-11-26T09:30:00Z", "2026-11-26 12:30",
	    "2026-11-26T12:30:00+03:00", "12:30");
	set_tz("America/New_York");
	check_formats(t, "2026-11-26T09:30:00Z", "2026-11-26 04:30",
	    "2026-11-26T04:30:00-05:00", "04:30");
	set_tz("Asia/Kolkata");
	check_formats(t, "2026-11-26T09:30:00Z", "2026-11-26 15:00",
	    "2026-11-26T15:00:00+05:30", "15:00");
	set_tz("America/St_Johns");   /* -03:30: a negative half hour */
	check_formats(t, "2026-11-26T09:30:00Z", "2026-11-26 06:00",
	    "2026-11-26T06:00:00-03:30", "06:00");
	set_tz("UTC");
	check_formats(-1, "1969-12-31T23:59:59Z", "1969-12-31 23:59",
	    "1969-12-31T23:59:59+00:00", "23:59");
	date_format(cd(2026, 3, 8), b11);
	assert_string_equal(b11, "2026-03-08");
	date_format(cd(33, 1, 2), b11);
	assert_string_equal(b11, "0033-01-02");
}

static void
test_dst_new_york(void **state)
{
	/* 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST. */
	time_t t;
	char iso[26];

	(void)state;
	set_tz("America/New_York");
	t = date_start(cd(2026, 3, 8));
	check_instant("2026-03-08T00:00:00-05:00", t);
	assert_int_equal(t, 1772946000);                     /* 05:00Z, EST */
	assert_int_equal(date_start(cd(2026, 3, 9)) - t, 23 * 3600);
	assert_int_equal(date_start(cd(2026, 11, 2)) - date_start(cd(2026, 11, 1)), 25 * 3600);
	check_formats(1772953200, "2026-03-08T07:00:00Z", "2026-03-08 03:00",
	    "2026-03-08T03:00:00-04:00", "03:00");            /* just after */
	check_formats(1772953199, "2026-03-08T06:59:59Z", "2026-03-08 01:59",
	    "2026-03-08T01:59:59-05:00", "01:59");            /* just before */
	instant_format_local_iso(date_start(cd(2026, 11, 1)) + 6 * 3600, iso);
	assert_string_equal(iso, "2026-11-01T05:00:00-05:00");
	assert_date(date_of(1772953200), 2026, 3, 8);
	assert_date(date_of(date_start(cd(2026, 3, 9)) - 1), 2026, 3, 8);
	/* Every day's start maps back to the same day, across both changes. */
	for (int i = 0; i < 400; i++) {
		struct civil_date d = date_add_days(cd(2026, 1, 1), i);

		assert_date(date_of(date_start(d)), d.year, d.month, d.day);
		assert_date(date_of(date_start(d) + 86399 - 3600), d.year, d.month, d.day);
	}
	set_tz("UTC");
}

static void
test_clock_now(void **state)
{
	(void)state;
	set_tz("Asia/Kuala_Lumpur");
	setenv("EZRIZI_NOW", "2026-11-26T09:30:00Z", 1);
	assert_int_equal(clock_now(), 1795685400);
	assert_date(date_today(), 2026, 11, 26);
	setenv("EZRIZI_NOW", "2026-11-26T20:00:00Z", 1);      /* 04:00 next day in KL */
	assert_date(date_today(), 2026, 11, 27);
	setenv("EZRIZI_NOW", "2026-11-26T12:30:00+03:00", 1);
	assert_int_equal(clock_now(), 1795685400);
	setenv("EZRIZI_NOW", "garbage", 1);                    /* invalid: real clock */
	assert_true(llabs((long long)(clock_now() - time(NULL))) <= 2);
	unsetenv("EZRIZI_NOW");
	assert_true(llabs((long long)(clock_now() - time(NULL))) <= 2);
	set_tz("UTC");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_days),
		cmocka_unit_test(test_weekday_cmp),
		cmocka_unit_test(test_parse_forms),
		cmocka_unit_test(test_parse_weekdays),
		cmocka_unit_test(test_parse_invalid),
		cmocka_unit_test(test_parse_error_first_wins),
		cmocka_unit_test(test_instant_parse),
		cmocka_unit_test(test_format_zones),
		cmocka_unit_test(test_dst_new_york),
		cmocka_unit_test(test_clock_now),
	};

	/* Honour LANG/LC_ALL, so a tr_TR.UTF-8 run exercises the Turkish I. */
	setlocale(LC_ALL, "");
	return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
