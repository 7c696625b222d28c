/* localfmt.c - see ui/localfmt.h. */
#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/localfmt.h"

static bool twelve_hours;
static bool iso;          /* the C locale: ISO 8601 dates, the neutral ones */
static bool arabic_digits;
static int first_weekday = 1;
static int time_width = 5, weekday_width = 3;
static bool urdu;         /* LC_TIME is Urdu's */

static void measure(void);

void
lf_init(const struct config *cfg)
{
	const char *t_fmt = nl_langinfo(T_FMT);
	const char *digits = config_get(cfg, "digits");
	const char *lang = getenv("LANGUAGE");

	const char *lc_time = setlocale(LC_TIME, NULL);

	iso = lc_time == NULL || strcmp(lc_time, "C") == 0 || strcmp(lc_time, "POSIX") == 0 ||
	      strncmp(lc_time, "C.", 2) == 0;
	urdu = lc_time != NULL && strncmp(lc_time, "ur", 2) == 0 && strchr("_.@", lc_time[2]) != NULL;
	/* A locale that writes its times with AM/PM (%I, %l, %r or %p). */
	twelve_hours = t_fmt != NULL && (strstr(t_fmt, "%I") != NULL || strstr(t_fmt, "%l") != NULL ||
					 strstr(t_fmt, "%r") != NULL || strstr(t_fmt, "%p") != NULL) &&
		       nl_langinfo(AM_STR)[0] != '\0';  /* a 12-hour clock needs its AM */
	if (digits != NULL && strcmp(digits, "arabic") == 0) {
		arabic_digits = true;
	} else if (digits != NULL && strcmp(digits, "latin") == 0) {
		arabic_digits = false;
	} else {
		/* auto: Arabic readers get ٠١٢٣; Urdu, written with Latin digits in
		 * Pakistan's software, keeps them. */
		const char *msg = setlocale(LC_MESSAGES, NULL);

		(void)lang;
		arabic_digits = bidi_ui_dir() == BIDI_RTL && msg != NULL && strncmp(msg, "ar", 2) == 0;
		if (lang != NULL && lang[0] != '\0')
			arabic_digits = bidi_ui_dir() == BIDI_RTL && strncmp(lang, "ar", 2) == 0;
	}
#ifdef _NL_TIME_FIRST_WEEKDAY
	{
		/* glibc: 1 is the first day of the week counted from Sunday. */
		int fw = nl_langinfo(_NL_TIME_FIRST_WEEKDAY)[0];

		if (fw >= 1 && fw <= 7)
			first_weekday = fw - 1;
	}
#endif
	measure();
}

char *
lf_digits(const char *s)
{
	struct buf b;
	size_t len = s != NULL ? strlen(s) : 0, off = 0, n;
	int depth = 0;
	uint32_t c;
	char enc[4];

	buf_init(&b);
	while (off < len) {
		n = utf8_decode(s + off, len - off, &c);
		if (n == 0) {
			n = 1;
		} else if (c >= 0x2066 && c <= 0x2068) {
			depth++;
		} else if (c == 0x2069 && depth > 0) {
			depth--;
		} else if (c >= '0' && c <= '9' && depth == 0 && arabic_digits) {
			buf_add(&b, enc, utf8_encode(0x0660 + (c - '0'), enc));
			off += n;
			continue;
		}
		buf_add(&b, s + off, n);
		off += n;
	}
	return buf_steal(&b);
}

/* Writes digits as the setting says, in place into out. */
static void
localise_digits(char *out, size_t size)
{
	char *s;

	if (!arabic_digits)
		return;
	s = lf_digits(out);
	snprintf(out, size, "%s", s);
	free(s);
}

static void
format_time(const struct tm *tm, char *out, size_t size)
{
	/* Two-digit hours either way, so times line up in a column. */
	if (strftime(out, size, twelve_hours ? "%I:%M %p" : "%H:%M", tm) == 0)
		out[0] = '\0';
	localise_digits(out, size);
}

void
lf_time(time_t t, char *out, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	format_time(&tm, out, size);
}

void
lf_weekday(const struct tm *tm, char *out, size_t size)
{
	char *p;

	if (strftime(out, size, "%a", tm) == 0)
		out[0] = '\0';
	/* One letter (ar_SA writes Wednesday "ر") says nothing alone: the name. */
	if (bidi_width(out) <= 1 && strftime(out, size, "%A", tm) == 0)
		out[0] = '\0';
	/* glibc stretches ar_SA's Friday with a tatweel ("الجمعـة"): the plain word. */
	while ((p = strstr(out, "\u0640")) != NULL)
		memmove(p, p + 2, strlen(p + 2) + 1);
	if (urdu) {
		/* glibc's ur_PK writes Friday and Saturday with the Arabic heh and
		 * Monday with the Arabic yeh ("جمعه", "هفته", "پير"): Urdu's own
		 * letters (two bytes each, as theirs) spell "جمعہ", "ہفتہ", "پیر". */
		for (p = out; (p = strstr(p, "\u0647")) != NULL; p += 2)
			memcpy(p, "\u06C1", 2);
		for (p = out; (p = strstr(p, "\u064A")) != NULL; p += 2)
			memcpy(p, "\u06CC", 2);
	}
}

void
lf_day(struct civil_date d, char *out, size_t size)
{
	time_t t = date_start(d);
	struct tm tm;
	char wd[64], rest[64];

	localtime_r(&t, &tm);
	if (iso) {
		if (strftime(out, size, "%Y-%m-%d", &tm) == 0)
			out[0] = '\0';
	} else {
		lf_weekday(&tm, wd, sizeof wd);
		if (strftime(rest, sizeof rest, "%e %b", &tm) == 0)
			rest[0] = '\0';
		/* "%e" pads with a space: "Thu  2 Dec" becomes "Thu 2 Dec". */
		snprintf(out, size, "%s %s", wd, rest + (rest[0] == ' '));
	}
	localise_digits(out, size);
	if (iso && arabic_digits) {
		/* Arabic-Indic digits joined by hyphens read right to left unless
		 * isolated so: a date is never turned around. */
		char *safe = bidi_isolate_numbers(out);

		snprintf(out, size, "%s", safe);
		free(safe);
	}
}

void
lf_date(struct civil_date d, char *out, size_t size)
{
	time_t t = date_start(d);
	struct tm tm;

	localtime_r(&t, &tm);
	if (strftime(out, size, iso ? "%Y-%m-%d" : "%e %b %Y", &tm) == 0)
		out[0] = '\0';
	if (out[0] == ' ')   /* "%e" pads with a space */
		memmove(out, out + 1, strlen(out));
	localise_digits(out, size);
	if (iso && arabic_digits) {
		char *safe = bidi_isolate_numbers(out);

		snprintf(out, size, "%s", safe);
		free(safe);
	}
}

/* The widest time and weekday, for the list's columns. */
static void
measure(void)
{
	struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 29 };  /* a Sunday */
	char out[64];
	int w;

	time_width = weekday_width = 1;
	for (int h = 0; h < 24; h++) {
		tm.tm_hour = h;
		format_time(&tm, out, sizeof out);
		if ((w = bidi_width(out)) > time_width)
			time_width = w;
	}
	for (int d = 0; d < 7; d++) {
		tm.tm_wday = d;
		lf_weekday(&tm, out, sizeof out);
		if ((w = bidi_width(out)) > weekday_width)
			weekday_width = w;
	}
}

int
lf_time_width(void)
{
	return time_width;
}

int
lf_weekday_width(void)
{
	return weekday_width;
}

void
lf_day_time(time_t t, char *out, size_t size)
{
	char day[64], hm[32];

	lf_day(date_of(t), day, sizeof day);
	lf_time(t, hm, sizeof hm);
	snprintf(out, size, "%s %s", day, hm);
}

bool
lf_iso(void)
{
	return iso;
}

int
lf_first_weekday(void)
{
	return first_weekday;
}
