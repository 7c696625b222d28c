/* date.c - dates as people type them, instants as FHIR writes them.
 *
 * Civil arithmetic is pure (Howard Hinnant's days_from_civil/civil_from_days);
 * only the local zone goes through localtime_r/mktime. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/i18n.h"
#include "core/utf8.h"

/* Offsets beyond ten years are refused (10 * 365 + 3 leap days). */
#define DATE_MAX_OFFSET_DAYS 3653

static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static struct civil_date
civil_from_days(long long z)
{
	struct civil_date c;
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	c.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	c.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	c.year = (int)(yoe + era * 400 + (c.month <= 2));
	return c;
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && is_leap(y))
		return 29;
	return dim[m - 1];
}

static bool
civil_valid(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= days_in_month(y, m);
}

struct civil_date
date_add_days(struct civil_date d, int n)
{
	return civil_from_days(days_from_civil(d.year, d.month, d.day) + n);
}

int
date_weekday(struct civil_date d)
{
	long long z = days_from_civil(d.year, d.month, d.day);

	/* 1970-01-01 was a Thursday (4). */
	return (int)(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

int
date_cmp(struct civil_date a, struct civil_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day != b.day)
		return a.day < b.day ? -1 : 1;
	return 0;
}

time_t
date_start(struct civil_date d)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = d.year - 1900;
	tm.tm_mon = d.month - 1;
	tm.tm_mday = d.day;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static struct tm
local_tm(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	return tm;
}

struct civil_date
date_of(time_t t)
{
	struct tm tm = local_tm(t);

	return (struct civil_date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

long long
clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

time_t
clock_now(void)
{
	const char *s = getenv("EZRIZI_NOW");
	time_t t;

	if (s != NULL && *s != '\0' && instant_parse(s, &t))
		return t;
	return time(NULL);
}

struct civil_date
date_today(void)
{
	return date_of(clock_now());
}

/* Reads exactly n decimal digits at *s and advances. */
static bool
read_digits(const char **s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if ((*s)[i] < '0' || (*s)[i] > '9')
			return false;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return true;
}

static bool
expect(const char **s, char c)
{
	if (**s != c)
		return false;
	(*s)++;
	return true;
}

/* YYYY[-MM[-DD]] at *s; month and day default to 1. parts gets 1..3. */
static bool
read_ymd(const char **s, struct civil_date *d, int *parts)
{
	d->month = d->day = 1;
	*parts = 1;
	if (!read_digits(s, 4, &d->year))
		return false;
	if (**s != '-')
		return true;
	(*s)++;
	*parts = 2;
	if (!read_digits(s, 2, &d->month))
		return false;
	if (**s != '-')
		return true;
	(*s)++;
	*parts = 3;
	return read_digits(s, 2, &d->day);
}

static const char *const weekdays[] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
};

/* 0..6 for an English weekday name or its three-letter form, else -1. */
static int
weekday_from_name(const char *s)
{
	char abbr[4];
	int i;

	for (i = 0; i < 7; i++) {
		memcpy(abbr, weekdays[i], 3);
		abbr[3] = '\0';
		if (ascii_eq_nocase(s, weekdays[i]) || ascii_eq_nocase(s, abbr))
			return i;
	}
	return -1;
}

static bool
date_syntax_error(const char *s, struct error *err)
{
	/* TRANSLATORS: keep today, tomorrow, +3d and YYYY-MM-DD in English: they
	 * are what the program accepts. */
	return error_set(err, ERR_USAGE,
	    _("'%s' is not a date; use YYYY-MM-DD, today, tomorrow, +3d or a weekday name"), s);
}

/* "+3d", "-2d", "+1w", "-1w" into a day count. 1 parsed, 0 not this form,
 * -1 out of range. */
static int
parse_offset(const char *s, int *days)
{
	long n = 0;
	const char *p = s + 1;
	int sign;

	if (*s != '+' && *s != '-')
		return 0;
	sign = *s == '-' ? -1 : 1;
	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n <= DATE_MAX_OFFSET_DAYS)
			n = n * 10 + (*p - '0');
	}
	if ((*p != 'd' && *p != 'w' && *p != 'D' && *p != 'W') || p[1] != '\0')
		return 0;
	if (*p == 'w' || *p == 'W')
		n *= 7;
	if (n > DATE_MAX_OFFSET_DAYS)
		return -1;
	*days = sign * (int)n;
	return 1;
}

static bool
parse_iso_day(const char *s, struct civil_date *out, struct error *err)
{
	const char *p = s;
	int parts;

	if (!read_ymd(&p, out, &parts) || parts != 3 || *p != '\0')
		return date_syntax_error(s, err);
	if (!civil_valid(out->year, out->month, out->day)) {
		return error_set(err, ERR_USAGE,
		    _("'%s' is not a day of the calendar; check the month (01-12) and the day of the month"),
		    s);
	}
	return true;
}

static bool
parse_word(const char *s, struct civil_date today, struct civil_date *out)
{
	int wd;

	if (ascii_eq_nocase(s, "today"))
		*out = today;
	else if (ascii_eq_nocase(s, "tomorrow"))
		*out = date_add_days(today, 1);
	else if (ascii_eq_nocase(s, "yesterday"))
		*out = date_add_days(today, -1);
	else if ((wd = weekday_from_name(s)) >= 0)
		*out = date_add_days(today, (wd - date_weekday(today) + 7) % 7);
	else
		return false;
	return true;
}

bool
date_parse(const char *s, struct civil_date today, struct civil_date *out,
	   struct error *err)
{
	int days, r;

	if (s == NULL || *s == '\0')
		return date_syntax_error(s == NULL ? "" : s, err);
	if (s[0] >= '0' && s[0] <= '9')
		return parse_iso_day(s, out, err);
	if (parse_word(s, today, out))
		return true;
	if ((r = parse_offset(s, &days)) == 1) {
		*out = date_add_days(today, days);
		return true;
	}
	if (r < 0) {
		return error_set(err, ERR_USAGE,
		    _("'%s' is too far away; use an offset of at most ten years (%d days)"),
		    s, DATE_MAX_OFFSET_DAYS);
	}
	return date_syntax_error(s, err);
}

/* hh:mm:ss[.fff] */
static bool
read_hms(const char **s, int *h, int *m, int *sec)
{
	if (!read_digits(s, 2, h) || !expect(s, ':') || !read_digits(s, 2, m) ||
	    !expect(s, ':') || !read_digits(s, 2, sec))
		return false;
	if (*h > 23 || *m > 59 || *sec > 60)
		return false;
	if (**s == '.') {
		(*s)++;
		if (**s < '0' || **s > '9')
			return false;
		while (**s >= '0' && **s <= '9')
			(*s)++;
	}
	return true;
}

/* Z or +hh:mm / -hh:mm, up to 14:00; seconds east of UTC into *off. */
static bool
read_zone(const char **s, long *off)
{
	int sign, h, m;

	if (expect(s, 'Z')) {
		*off = 0;
		return true;
	}
	if (**s != '+' && **s != '-')
		return false;
	sign = **s == '-' ? -1 : 1;
	(*s)++;
	if (!read_digits(s, 2, &h) || !expect(s, ':') || !read_digits(s, 2, &m))
		return false;
	if (m > 59 || h > 14 || (h == 14 && m != 0))
		return false;
	*off = sign * (h * 3600L + m * 60L);
	return true;
}

bool
instant_parse(const char *s, time_t *out)
{
	struct civil_date d;
	int parts, h, m, sec;
	long off;

	if (s == NULL || !read_ymd(&s, &d, &parts) ||
	    !civil_valid(d.year, d.month, d.day))
		return false;
	if (*s == '\0') {
		*out = date_start(d);
		return *out != (time_t)-1;
	}
	if (parts != 3 || !expect(&s, 'T') || !read_hms(&s, &h, &m, &sec) ||
	    !read_zone(&s, &off) || *s != '\0')
		return false;
	*out = (time_t)(days_from_civil(d.year, d.month, d.day) * 86400 +
	    h * 3600LL + m * 60LL + sec - off);
	return true;
}

/* Writes v as exactly n decimal digits (clamped to fit) and returns the end. */
static char *
put_num(char *p, long long v, int n)
{
	long long max = 1;
	int i;

	for (i = 0; i < n; i++)
		max *= 10;
	if (v < 0)
		v = 0;
	if (v >= max)
		v = max - 1;
	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* "YYYY-MM-DD" without the NUL; returns the end. */
static char *
put_date(char *p, long long y, int m, int d)
{
	p = put_num(p, y, 4);
	*p++ = '-';
	p = put_num(p, m, 2);
	*p++ = '-';
	return put_num(p, d, 2);
}

/* "hh:mm" or "hh:mm:ss" without the NUL; returns the end. */
static char *
put_time(char *p, int h, int m, int s, bool with_seconds)
{
	p = put_num(p, h, 2);
	*p++ = ':';
	p = put_num(p, m, 2);
	if (with_seconds) {
		*p++ = ':';
		p = put_num(p, s, 2);
	}
	return p;
}

void
instant_format_utc(time_t t, char out[static 21])
{
	long long days = (long long)t / 86400, rem = (long long)t % 86400;
	struct civil_date d;
	char *p;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	d = civil_from_days(days);
	p = put_date(out, d.year, d.month, d.day);
	*p++ = 'T';
	p = put_time(p, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), true);
	*p++ = 'Z';
	*p = '\0';
}

void
instant_format_local(time_t t, char out[static 17])
{
	struct tm tm = local_tm(t);
	char *p;

	p = put_date(out, tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday);
	*p++ = ' ';
	p = put_time(p, tm.tm_hour, tm.tm_min, 0, false);
	*p = '\0';
}

void
instant_format_local_iso(time_t t, char out[static 26])
{
	struct tm tm = local_tm(t);
	long long local, off;
	char *p;

	local = days_from_civil(tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday) * 86400 +
	    tm.tm_hour * 3600LL + tm.tm_min * 60LL + tm.tm_sec;
	off = local - (long long)t;
	p = put_date(out, tm.tm_year + 1900LL, tm.tm_mon + 1, tm.tm_mday);
	*p++ = 'T';
	p = put_time(p, tm.tm_hour, tm.tm_min, tm.tm_sec, true);
	*p++ = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	p = put_time(p, (int)(off / 3600), (int)(off / 60 % 60), 0, false);
	*p = '\0';
}

void
instant_format_hm(time_t t, char out[static 6])
{
	struct tm tm = local_tm(t);
	char *p;

	p = put_time(out, tm.tm_hour, tm.tm_min, 0, false);
	*p = '\0';
}

void
date_format(struct civil_date d, char out[static 11])
{
	char *p = put_date(out, d.year, d.month, d.day);

	*p = '\0';
}
