/* instrument.h - the measures a counsellor gives (PHQ-9, GAD-7, WHO-5 and the
 * C-SSRS screener): how many items each has and what an answer may be, how
 * it is scored, what a score means (its band, and whether it screens
 * positive at the cut-off of the client's language), and when it is a risk
 * that needs a clinician now. All of it is data in src/instrument.c, each
 * figure beside its source (../shared/CLINICAL-NOTES.md and FHIR-NOTES.md
 * name them); nothing here is worded for the client: the items' texts come
 * with the forms.
 *
 * Answers are numbers, in the item's order: 0..max for a scale (PHQ-9,
 * GAD-7: 0 "not at all" to 3 "nearly every day"; WHO-5: 0 "at no time" to
 * 5 "all of the time"), 0 no / 1 yes for the C-SSRS, whose sixth item is 0 no,
 * 1 yes but more than three months ago, 2 yes within the past three months.
 * INSTR_MISSING stands for an answer not given (or not asked: the C-SSRS's
 * third to fifth items when the second is no). */
#ifndef EZRIZI_INSTRUMENT_H
#define EZRIZI_INSTRUMENT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/error.h"

#define INSTR_MISSING (-1)
#define INSTR_MAX_ITEMS 10

struct instr_item {
	const char *link_id;   /* the item's linkId in the Questionnaire ("1".."9") */
	const char *code;      /* its LOINC code, or NULL where the sources give none */
	int max;               /* its highest answer (the lowest is 0) */
};

/* A band starts at min (of the reported score) and runs to the next one's. */
struct instr_band {
	int min;
	const char *code;      /* a word for machines ("moderately-severe") */
	const char *label;     /* N_() marked, for people */
};

/* The score at which the instrument screens positive, for the clients of a
 * language, and where that figure comes from. */
struct instr_cutoff {
	const char *lang;      /* "tr"; NULL ends the list */
	int at;                /* positive at this score and above */
	bool validated;        /* a study in that language set it (false: the original's) */
	const char *source;    /* the study, as CLINICAL-NOTES.md cites it */
};

enum instr_rule {
	RULE_SUM,              /* the sum of the items (prorated when some are missing) */
	RULE_SUM_TIMES_4,      /* WHO-5: the sum times four, a percentage */
	RULE_CSSRS,            /* the C-SSRS screener: a risk level, no total */
};

struct instrument {
	const char *id;             /* what a command names it: "phq9" */
	const char *name;           /* "PHQ-9" */
	const char *panel_code;     /* LOINC of the panel; the Questionnaire's canonical is http://loinc.org/q/<it> */
	bool panel_verified;        /* the panel code is confirmed from a source */
	const char *total_code;     /* LOINC of the total score, or NULL (none known) */
	const char *total_display;  /* its display */
	int n_items;
	const struct instr_item *items;
	enum instr_rule rule;
	int max_missing;            /* RULE_SUM: answered with up to this many missing, prorated */
	const struct instr_band *bands;   /* ascending, ended by { -1 } */
	/* Positive at this score or above (the original's), and per language
	 * where a validation study differs; -1: no cut-off of its own. */
	int cutoff;
	const char *cutoff_source;
	const struct instr_cutoff *cutoffs;
	const char *cutoff_key;     /* the config's key that sets a clinic's own, or NULL */
	bool lower_is_worse;        /* WHO-5: positive (poor well-being) below the cut-off */
	int risk_item;              /* a positive answer to this item (0-based) is a risk; -1: none */
};

struct instr_score {
	int answered;               /* how many items were answered */
	int missing;                /* how many were not (not counting those the skip logic skips) */
	int score;                  /* the total as reported (prorated, times four for WHO-5); -1 for the C-SSRS */
	bool prorated;              /* some items were missing and the total was prorated */
	const struct instr_band *band;   /* the total's band; the C-SSRS's risk level */
	int cutoff;                 /* the cut-off used, or -1 */
	bool cutoff_validated;      /* ... from a study in the client's language */
	const char *cutoff_source;  /* ... and its source (or "config" when the config set it) */
	bool positive;              /* the score is on the cut-off's positive side */
	bool risk;                  /* a clinician must look now (PHQ-9 item 9, C-SSRS moderate or high) */
};

/* Every instrument, in the order help lists them. */
const struct instrument *const *instrument_all(size_t *n);
/* The instrument with this id ("phq9", "gad7", "who5", "cssrs"), or NULL. */
const struct instrument *instrument_find(const char *id);
/* "phq9, gad7, who5, cssrs": for an error that lists them (static). */
const char *instrument_ids(void);

/* Scores answers[0..n) (INSTR_MISSING for one not given) for a client of
 * language lang ("ur"; NULL or one without a study of its own: the
 * original's cut-off), the config's cut-off (cfg may be NULL) before both.
 * False with a usage error saying what is wrong when the answers cannot be
 * scored: too few or too many, a value out of range, more missing than the
 * instrument's rule allows, or (C-SSRS) answers the skip logic does not ask
 * for, or missing ones it does. */
bool instrument_score(const struct instrument *in, const int *answers, int n, const char *lang,
		      const struct config *cfg, struct instr_score *out, struct error *err);

/* Parses "0,1,2,3" (or one answer a line, spaces ignored; "-" or "" for one
 * not given) into answers (at most INSTR_MAX_ITEMS); *n gets the count. False
 * with a usage error for anything else. */
bool instrument_parse_answers(const char *text, int answers[INSTR_MAX_ITEMS], int *n, struct error *err);

#endif
