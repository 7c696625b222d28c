/* measure.h - a client's measures: which instruments (instrument.h) a
 * counsellor gives a client and how often, and whether one is due at a
 * session.
 *
 * The schedule is one CarePlan per client: category
 * urn:ezrizi:careplan#measures (no standard code is known to us; the safety
 * plan is urn:ezrizi:careplan#safety-plan beside it), status active, intent
 * plan, subject, author, created, and one activity an instrument:
 * detail.code the instrument's LOINC panel code (http://loinc.org, as the
 * QuestionnaireResponse assess.h saves names it), or
 * urn:ezrizi:instrument#<id> where no panel code is known (WHO-5, C-SSRS);
 * detail.status scheduled; detail.scheduledTiming.code
 * urn:ezrizi:measure-schedule#every-session | every-other-session | monthly.
 * Setting a measure off takes its activity out. A change is made on the plan
 * as read, pinned with If-Match (fhir_change); the first plan is made
 * conditional on the command's write id (fhir_create_once): a retry, or a
 * replay from the outbox, sets it once.
 *
 * Due, at a session (an appointment of the client) on day D:
 * - every-session: no score of the instrument since the client's previous
 *   session, or none ever. "Since" is from the day after that session's day
 *   (a score entered late on the session's day is that session's); when the
 *   previous session was on D itself, from its end.
 * - every-other-session: the same from the client's second session before,
 *   so one score covers two sessions.
 * - monthly: the latest score is more than 30 days before D, or there is none
 *   (exactly 30 days before is not due).
 * A session before is an earlier appointment of the client that is not
 * cancelled, a no-show, entered in error, or not booked yet (proposed,
 * pending, waitlist). Scores after D do not count for it. With fewer sessions
 * before than the rule needs, any score counts.
 *
 * The facts are read for many clients at once (struct measure_book): their
 * plans in one CarePlan search (subject=a,b,c), then, for the clients with
 * one, their scores and their sessions in one Observation and one
 * Appointment search each, from MEASURE_LOOKBACK_DAYS before the first day
 * shown: a session or a score older than that is not seen. */
#ifndef EZRIZI_MEASURE_H
#define EZRIZI_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "core/appt.h"
#include "core/error.h"
#include "core/instrument.h"
#include "core/scores.h"
#include "core/session.h"
#include "core/store.h"

#define MEASURE_CATEGORY_CODE "measures"     /* in SAFETY_CATEGORY_SYSTEM, urn:ezrizi:careplan */
#define MEASURE_SCHEDULE_SYSTEM "urn:ezrizi:measure-schedule"
#define MEASURE_LOOKBACK_DAYS 92
/* At most one measure an instrument. */
#define MEASURE_MAX 8

enum measure_every {
	MEASURE_OFF,
	MEASURE_EVERY_SESSION,
	MEASURE_EVERY_OTHER_SESSION,
	MEASURE_MONTHLY,
};

/* "every-session", "every-other-session", "monthly", "off": the codes (and
 * the command's words); NULL-terminated, in enum order. */
extern const char *const measure_every_codes[];
/* The code's value, or -1. */
int measure_every_parse(const char *code);
/* Its label in the user's language ("every session"). */
const char *measure_every_label(enum measure_every every);

struct measure {
	const struct instrument *in;
	enum measure_every every;
};

/* A client's plan (id NULL: none). */
struct measure_plan {
	char *id, *version, *patient_id;
	struct measure v[MEASURE_MAX];   /* in the order of instrument_all */
	size_t n;
};

void measure_plan_finish(struct measure_plan *p);

/* Whether a measure given every `every` is due at a session on the day of
 * `at`: prev the client's sessions before it, newest first (n_prev of them;
 * only the first two are looked at), last the latest score's instant no
 * later than that day (0: none). */
bool measure_due(enum measure_every every, const struct appointment *at,
		 const struct appointment *const *prev, size_t n_prev, time_t last);
/* Whether the appointment counts as a session before another. */
bool measure_session_counts(const struct appointment *a);

struct measure_scores {
	char *patient_id;
	struct score_list l;
};

/* What is known of many clients' measures. */
struct measure_book {
	struct measure_plan *plans;      /* those with a plan */
	size_t n_plans;
	struct measure_scores *scores;   /* the scores of those, per client */
	size_t n_scores;
	struct appt_list sessions;       /* their appointments */
	time_t since;                    /* nothing older is held */
	/* A front desk's: the scores are asked for without their values
	 * (_elements), only which instrument was given when. */
	bool dates_only;
};

void measure_book_init(struct measure_book *b, time_t since);
void measure_book_finish(struct measure_book *b);
/* The searches: the plans of the clients; their scores (dates_only: the
 * instrument and the day, never the value) and their appointments since
 * `since` (until `until`, 0: no end). New strings. */
char *measure_plans_path(const char *const *patients, size_t n);
char *measure_scores_path(const char *const *patients, size_t n, time_t since, bool dates_only);
char *measure_sessions_path(const char *const *patients, size_t n, time_t since, time_t until);
/* Takes the plans among a search's (or the cache's) CarePlans: the newest
 * active measures plan of each client. */
void measure_book_plans(struct measure_book *b, const cJSON *careplans);
/* The clients with a plan (ids borrowed from b, *n of them; free() the
 * array), and whether any measure needs their sessions (not monthly). */
const char **measure_book_clients(const struct measure_book *b, size_t *n, bool *sessions);
/* Takes their scores (Observations) and their appointments. */
void measure_book_facts(struct measure_book *b, const cJSON *observations, const cJSON *appointments);
/* The same three from the local cache, for the clients. */
void measure_book_from_cache(struct measure_book *b, struct store *st, const char *const *patients,
			     size_t n);
/* The same from the server (the cache when working offline); until as for
 * measure_sessions_path: with 0, the sessions only when a rule needs them. */
bool measure_book_query(struct session *s, const char *const *patients, size_t n, time_t until,
			struct measure_book *b, struct error *err);

const struct measure_plan *measure_book_plan(const struct measure_book *b, const char *patient_id);
/* The latest score of the client's instrument no later than the day of t
 * (0: none) among the book's and `more` (a list of the same client's, or
 * NULL); *score gets the score when not NULL (NULL: none). */
time_t measure_book_last(const struct measure_book *b, const char *patient_id,
			 const struct instrument *in, time_t t, const struct score_list *more,
			 const struct score **score);
/* How many of the client's measures are due at the appointment; due[i]
 * (when not NULL) says which of the plan's. more as for measure_book_last. */
int measure_book_due(const struct measure_book *b, const struct appointment *at,
		     const struct score_list *more, bool due[MEASURE_MAX]);

/* Sets the client's measure of the instrument (MEASURE_OFF: no longer
 * given), as the logged-in counsellor; a front desk is refused. out gets the
 * plan as the server has it now; *already: it was so (nothing written). */
bool measure_set(struct session *s, const char *patient_id, const struct instrument *in,
		 enum measure_every every, struct measure_plan *out, bool *already, struct error *err);

#endif
