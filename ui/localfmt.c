/* localfmt.c - see ui/localfmt.h. */
#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/utf8.h"
#include "ui/bidi.h"
#include "ui/localfmt.h"

static bool twelve_hours;
static bool iso;          /* the C locale: ISO 8601 dates, the neutral ones */
static bool arabic_digits;
static int first_weekday = 1;

void
lf_init(const struct config *cfg)
{
	const char *t_fmt = nl_langinfo(T_FMT);
	const char *digits = config_get(cfg, "digits");
	const char *lang = getenv("LANGUAGE");

	const char *lc_time = setlocale(LC_TIME, NULL);

	iso = lc_time == NULL || strcmp(lc_time, "C") == 0 || strcmp(lc_time, "POSIX") == 0 ||
	      strncmp(lc_time, "C.", 2) == 0;
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
}

/* Writes digits as the setting says, in place into out. */
static void
localise_digits(char *out, size_t size)
{
	char tmp[128];
	size_t n = 0;

	if (!arabic_digits)
		return;
	for (const char *p = out; *p != '\0' && n + 4 < sizeof tmp; p++) {
		if (*p >= '0' && *p <= '9')
			n += utf8_encode(0x0660 + (uint32_t)(*p - '0'), tmp + n);
		else
			tmp[n++] = *p;
	}
	tmp[n] = '\0';
	snprintf(out, size, "%s", tmp);
}

void
lf_time(time_t t, char *out, size_t size)
{
	struct tm tm;

	localtime_r(&t, &tm);
	/* Two-digit hours either way, so times line up in a column. */
	if (strftime(out, size, twelve_hours ? "%I:%M %p" : "%H:%M", &tm) == 0)
		out[0] = '\0';
	localise_digits(out, size);
}

void
lf_day(struct civil_date d, char *out, size_t size)
{
	time_t t = date_start(d);
	struct tm tm;

	localtime_r(&t, &tm);
	if (strftime(out, size, iso ? "%Y-%m-%d" : "%a %e %b", &tm) == 0)
		out[0] = '\0';
	/* "%e" pads with a space: "Thu  2 Dec" becomes "Thu 2 Dec". */
	for (char *p = strstr(out, "  "); p != NULL; p = strstr(p, "  "))
		memmove(p, p + 1, strlen(p));
	localise_digits(out, size);
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
