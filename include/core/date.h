/* date.h - dates as people type them, instants as FHIR writes them.
 *
 * FHIR instants are UTC; people see and type their own time zone (TZ). "Today" is
 * computed in that zone. The clock can be fixed for tests with EZRIZI_NOW (an ISO
 * 8601 instant, e.g. 2026-11-26T09:30:00Z). */
#ifndef EZRIZI_DATE_H
#define EZRIZI_DATE_H

#include <stdbool.h>
#include <time.h>

#include "core/error.h"

/* A civil date in the user's time zone. */
struct civil_date {
	int year;   /* e.g. 2026 */
	int month;  /* 1..12 */
	int day;    /* 1..31 */
};

/* Now, from EZRIZI_NOW when set (and valid), otherwise time(NULL). */
time_t clock_now(void);

/* A monotonic clock in milliseconds, for timeouts and the loop's timers
 * (never EZRIZI_NOW's: a test's fixed day must not stop time). */
long long clock_mono_ms(void);

/* Today in the local time zone (of clock_now()). */
struct civil_date date_today(void);

/* Parses what a person types for a day, relative to `today`:
 *   YYYY-MM-DD, "today", "tomorrow", "yesterday", "+3d" "-2d" "+1w" "-1w" (days and
 *   weeks), and English weekday names "monday".."sunday" and "mon".."sun" (the next
 *   such day, today included), case-insensitively (ASCII).
 * Invalid dates (2026-02-30), trailing junk and out-of-range offsets (more than
 * 10 years) fail with ERR_USAGE and a message naming the input and the forms
 * accepted. */
bool date_parse(const char *s, struct civil_date today, struct civil_date *out,
		struct error *err);

/* Adds n days (may be negative). */
struct civil_date date_add_days(struct civil_date d, int n);
/* 0 = Sunday .. 6 = Saturday. */
int date_weekday(struct civil_date d);
/* -1, 0, 1 */
int date_cmp(struct civil_date a, struct civil_date b);

/* The instant local midnight of d starts at (mktime with tm_isdst = -1). */
time_t date_start(struct civil_date d);
struct civil_date date_of(time_t t);  /* the local date of an instant */

/* Parses a FHIR instant or dateTime: YYYY, YYYY-MM, YYYY-MM-DD (taken as local
 * midnight), YYYY-MM-DDThh:mm:ss[.fff](Z|+hh:mm|-hh:mm). Returns false on anything
 * else (no message: callers name the field). */
bool instant_parse(const char *s, time_t *out);

/* Formats t as a FHIR instant in UTC, "2026-11-26T09:00:00Z", into out (>= 21 bytes). */
void instant_format_utc(time_t t, char out[static 21]);
/* Formats t in the local zone as "2026-11-26 09:00" (>= 17 bytes). */
void instant_format_local(time_t t, char out[static 17]);
/* Formats t in the local zone as ISO 8601 with offset, "2026-11-26T12:00:00+03:00"
 * (>= 26 bytes): used for machine-readable output. */
void instant_format_local_iso(time_t t, char out[static 26]);
/* "HH:MM" local (>= 6 bytes). */
void instant_format_hm(time_t t, char out[static 6]);
/* "YYYY-MM-DD" (>= 11 bytes). */
void date_format(struct civil_date d, char out[static 11]);

#endif
