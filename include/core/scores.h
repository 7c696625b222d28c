/* scores.h - a client's scored instruments read back: the Observations of a
 * total that assess.h saves (category survey), each mapped to its instrument
 * by the total's LOINC code or ezrizi's own urn:ezrizi:instrument code, oldest
 * first; and the small shapes a trend is drawn in (a sparkline, a bar).
 *
 * What is not ezrizi's (another code, a vital sign) is left out, and so is
 * what was entered in error; an Observation of a known instrument that cannot
 * be read (no date, no value or one that is not a whole number in the
 * instrument's range) is left out too, and counted, for the caller to say.
 * The band is the server's (interpretation, system urn:ezrizi:band), kept as
 * it came: it is data, sanitised where it is shown. The totals of a
 * platform's own forms are kept apart (forms), for the list; the trend and the
 * chart draw instruments only. */
#ifndef EZRIZI_SCORES_H
#define EZRIZI_SCORES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/instrument.h"
#include "core/session.h"

struct score {
	char *id;                       /* the Observation's id */
	const struct instrument *in;
	time_t date;                    /* effectiveDateTime */
	int score;                      /* the total; -1 for the C-SSRS (a risk level, no total)
					 * and for a subset without its value (a front desk's) */
	char *band;                     /* the band's code as the server has it, or NULL */
	char *made;                     /* meta.lastUpdated as the server wrote it, or NULL */
};

/* A platform form's total (assess.h: code urn:ezrizi:questionnaire-score,
 * the sum of its answers' ordinalValue): no band, no range. */
struct form_score {
	char *id;                       /* the Observation's id */
	char *form;                     /* the form's canonical as coded (url|version) */
	char *title;                    /* the coding's display, or NULL */
	time_t date;                    /* effectiveDateTime */
	double total;
	char *made;                     /* meta.lastUpdated, or NULL */
};

struct score_list {
	struct score *v;                /* oldest first */
	size_t n;
	size_t skipped;                 /* a known instrument's, unreadable: left out */
	struct form_score *forms;       /* forms' totals, oldest first; none when an
					 * instrument was asked for */
	size_t n_forms;
};

/* The search for a client's scores (new string, free()). */
char *scores_query_path(const char *patient_id);
/* The scores among the resources (a search's or the cache's), of one
 * instrument only when `only` is not NULL, oldest first. Free with
 * score_list_finish. */
void scores_from_resources(const cJSON *resources, const struct instrument *only,
			   struct score_list *out);
/* The same from the server, or from the local cache when working offline. */
bool scores_query(struct session *s, const char *patient_id, const struct instrument *only,
		  struct score_list *out, struct error *err);
void score_list_finish(struct score_list *l);

/* The highest score an instrument reports (27 for the PHQ-9, 100 for the
 * WHO-5); for the C-SSRS, its highest risk level. */
int instrument_max_score(const struct instrument *in);
/* What a trend plots: the score, or the C-SSRS's risk level (its band's
 * min, instrument.h), -1 when there is neither. */
int score_level(const struct score *sc);
/* The band's label in the user's language, or the code as it came (not
 * sanitised) when the instrument has no such band; "" for none. */
const char *score_band_label(const struct score *sc);

/* values[0..n) (each 0..max; a negative one is a gap) as one character each,
 * scaled to max: "▁▂▃▄▅▆▇█" in UTF-8, " .:-=+*#" otherwise. New string. */
char *scores_sparkline(const int *values, size_t n, int max, bool utf8);
/* value (0..max) as a bar of at most width cells: "█" or '#' each, a last
 * part-cell in UTF-8 ("▏".."▉"; for a bar drawn from the right, as in a
 * right-to-left screen, "▕" or "▐", or a whole cell for seven eighths). At
 * least one cell for a value above zero. New string. */
char *scores_bar(int value, int max, int width, bool utf8, bool from_right);

#endif
