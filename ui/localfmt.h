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
/* "Thu 27 Nov" in the locale's words. */
void lf_day(struct civil_date d, char *out, size_t size);
/* A day and a time: "Thu 27 Nov 14:05". */
void lf_day_time(time_t t, char *out, size_t size);
/* True in the C locale, where days are written ISO 8601 (2026-11-27). */
bool lf_iso(void);
/* The day the week starts on, 0 Sunday .. 6 Saturday. */
int lf_first_weekday(void);

#endif
