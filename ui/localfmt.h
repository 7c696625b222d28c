/* localfmt.h - times, dates and digits as the user's locale writes them on the
 * screen (LC_TIME): 12 or 24 hours, weekday and month names, the first day of
 * the week, and Arabic-Indic digits where the setting (digits = auto | latin |
 * arabic) or, for auto, the language asks for them. Batch output keeps ISO 8601. */
#ifndef EZRIZI_UI_LOCALFMT_H
#define EZRIZI_UI_LOCALFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/config.h"
#include "core/date.h"

void lf_init(const struct config *cfg);
/* "14:05" or "2:05 PM". */
void lf_time(time_t t, char *out, size_t size);
/* The weekday in the locale's words: its abbreviation ("Thu"), or its whole
 * name where the abbreviation is a single letter that says nothing alone
 * (ar_SA writes Wednesday "ر": "الأربعاء" then). */
void lf_weekday(const struct tm *tm, char *out, size_t size);
/* "Thu 27 Nov" in the locale's words (the weekday as lf_weekday writes it). */
void lf_day(struct civil_date d, char *out, size_t size);
/* A day with its year, no weekday: "27 Nov 2026" in the locale's words
 * (2026-11-27 in the C locale). */
void lf_date(struct civil_date d, char *out, size_t size);
/* A day and a time: "Thu 27 Nov 14:05". */
void lf_day_time(time_t t, char *out, size_t size);
/* The widest lf_time() and lf_weekday() write, in columns: the list's time
 * and weekday columns are this wide (12-hour times are wider). */
int lf_time_width(void);
int lf_weekday_width(void);
/* Returns a new string (free()): s with its Latin digits in the screen's digit
 * system, for numbers of ours (a count in a title); digits inside isolates
 * (ui/bidi.h: a server's address, an id) stay as they are. */
char *lf_digits(const char *s);
/* True in the C locale, where days are written ISO 8601 (2026-11-27). */
bool lf_iso(void);
/* The day the week starts on, 0 Sunday .. 6 Saturday. */
int lf_first_weekday(void);

#endif
