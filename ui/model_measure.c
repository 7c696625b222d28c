/* model_measure.c - the screen model's measures due: the listed clients'
 * schedules, scores and sessions (core/measure.h), fetched for the whole
 * list at once whenever the list itself comes (never a look a client or a
 * poll): one CarePlan search, then for the clients with a schedule one
 * Observation and one Appointment search. The local cache paints first, and
 * stays when the server cannot be reached. See ui/model.h. */
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/fhir.h"
#include "core/measure.h"
#include "core/xmalloc.h"
#include "ui/model.h"
#include "ui/model_int.h"

#define MEASURE_FETCH_MAX 5000

struct model_measures {
	struct measure_book book;          /* what the marks are drawn from */
	struct measure_book next;          /* being fetched */
	struct fhir_search *plans_fs, *scores_fs, *sessions_fs;
	cJSON *obs, *appts;                /* what came of the two, until both have */
	int waiting;                       /* of the two */
	time_t until;                      /* the end of the list's last day */
};

static void
cancel(struct model *m, struct model_measures *mm)
{
	fhir_search_cancel(m->s, mm->plans_fs);
	fhir_search_cancel(m->s, mm->scores_fs);
	fhir_search_cancel(m->s, mm->sessions_fs);
	mm->plans_fs = mm->scores_fs = mm->sessions_fs = NULL;
	cJSON_Delete(mm->obs);
	cJSON_Delete(mm->appts);
	mm->obs = mm->appts = NULL;
	mm->waiting = 0;
	measure_book_finish(&mm->next);
}

/* The list's clients, each once (ids borrowed from the list). */
static const char **
listed_clients(const struct model *m, size_t *n)
{
	const char **v = xcalloc(m->appts.n + 1, sizeof *v);

	*n = 0;
	for (size_t i = 0; i < m->appts.n; i++) {
		const char *id = m->appts.v[i].patient_id;
		bool seen = false;

		for (size_t k = 0; id != NULL && k < *n && !seen; k++)
			seen = strcmp(v[k], id) == 0;
		if (id != NULL && !seen)
			v[(*n)++] = id;
	}
	return v;
}

/* The fetch is over: what it found is what the marks show. */
static void
take_next(struct model *m, struct model_measures *mm)
{
	measure_book_facts(&mm->next, mm->obs, mm->appts);
	cJSON_Delete(mm->obs);
	cJSON_Delete(mm->appts);
	mm->obs = mm->appts = NULL;
	measure_book_finish(&mm->book);
	mm->book = mm->next;
	memset(&mm->next, 0, sizeof mm->next);
	model_changed(m, MODEL_APPTS);
}

static void
failed(struct model *m, struct model_measures *mm)
{
	/* What the cache (or the last look) said stays; the list's next
	 * coming looks again. */
	cancel(m, mm);
}

static void
fact_done(struct model *m, struct model_measures *mm, cJSON *all, cJSON **into)
{
	if (all == NULL) {
		failed(m, mm);
		return;
	}
	*into = all;
	if (--mm->waiting == 0)
		take_next(m, mm);
}

static void
scores_done(cJSON *all, const struct error *err, void *arg)
{
	struct model *m = arg;

	(void)err;
	m->measures->scores_fs = NULL;
	fact_done(m, m->measures, all, &m->measures->obs);
}

static void
sessions_done(cJSON *all, const struct error *err, void *arg)
{
	struct model *m = arg;

	(void)err;
	m->measures->sessions_fs = NULL;
	fact_done(m, m->measures, all, &m->measures->appts);
}

static struct fhir_search *
start(struct model *m, char *path, fhir_search_fn done)
{
	struct error err;
	struct fhir_search *fs;

	error_clear(&err);
	fs = fhir_search_start(m->s, path, MEASURE_FETCH_MAX, done, m, &err);
	free(path);
	return fs;
}

static void
plans_done(cJSON *all, const struct error *err, void *arg)
{
	struct model *m = arg;
	struct model_measures *mm = m->measures;
	const char **with;
	size_t n;
	bool sessions;

	(void)err;
	mm->plans_fs = NULL;
	if (all == NULL) {
		failed(m, mm);
		return;
	}
	measure_book_plans(&mm->next, all);
	cJSON_Delete(all);
	with = measure_book_clients(&mm->next, &n, &sessions);
	if (n > 0) {
		mm->waiting = sessions ? 2 : 1;
		mm->scores_fs = start(m, measure_scores_path(with, n, mm->next.since, m->front_desk), scores_done);
		if (sessions)
			mm->sessions_fs = start(m, measure_sessions_path(with, n, mm->next.since, mm->until),
						sessions_done);
	}
	free(with);
	if (n == 0)
		take_next(m, mm);
	else if (mm->scores_fs == NULL || (sessions && mm->sessions_fs == NULL))
		failed(m, mm);
}

void
model_measures_start(struct model *m)
{
	struct model_measures *mm;
	struct civil_date first = model_first_day(m);
	time_t since = date_start(date_add_days(first, -MEASURE_LOOKBACK_DAYS));
	const char **ids;
	size_t n;

	if (m->measures == NULL)
		m->measures = xcalloc(1, sizeof *m->measures);
	mm = m->measures;
	cancel(m, mm);
	ids = listed_clients(m, &n);
	mm->until = date_start(date_add_days(first, m->week ? 7 : 1));
	if (m->s->store != NULL || n == 0) {
		/* At once, from the cache: offline it is the answer. */
		measure_book_finish(&mm->book);
		measure_book_init(&mm->book, since);
		measure_book_from_cache(&mm->book, m->s->store, ids, n);
		model_changed(m, MODEL_APPTS);
	}
	measure_book_init(&mm->next, since);
	mm->next.dates_only = m->front_desk;
	/* Not before the roles are known: a counsellor's scores come whole, a
	 * front desk's without their values. */
	if (n > 0 && m->role_known && !fhir_reads_cached(m->s)) {
		mm->plans_fs = start(m, measure_plans_path(ids, n), plans_done);
		if (mm->plans_fs == NULL)
			failed(m, mm);
	}
	free(ids);
}

void
model_measures_finish(struct model *m)
{
	if (m->measures == NULL)
		return;
	cancel(m, m->measures);
	measure_book_finish(&m->measures->book);
	free(m->measures);
	m->measures = NULL;
}

void
model_measures_scores_came(struct model *m, const char *patient_id)
{
	if (m->measures != NULL && measure_book_plan(&m->measures->book, patient_id) != NULL)
		model_changed(m, MODEL_APPTS);   /* its row's mark may go */
}

int
model_measures_due(struct model *m, const struct appointment *a)
{
	const struct client *c;

	if (m->measures == NULL || a->patient_id == NULL || !measure_session_counts(a))
		return 0;
	/* The scores the notes pane holds are newer than the list's look
	 * when the client was just given one here. */
	c = model_find_client(m, a->patient_id);
	return measure_book_due(&m->measures->book, a,
				c != NULL && c->scores_f.state == LOAD_OK ? &c->scores : NULL, NULL);
}
