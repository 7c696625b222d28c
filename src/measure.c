/* measure.c - a client's measures and when one is due; see
 * include/core/measure.h. */
#include "core/measure.h"

#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/flag.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/safetyplan.h"
#include "core/xmalloc.h"

/* The systems assess.c writes (include/core/assess.h). */
#define LOINC "http://loinc.org"
#define EZRIZI_INSTRUMENT "urn:ezrizi:instrument"
/* One page holds a few weeks of a day's clients; more are followed. */
#define MEASURE_QUERY_MAX 5000

const char *const measure_every_codes[] = {
	"off", "every-session", "every-other-session", "monthly", NULL,
};

int
measure_every_parse(const char *code)
{
	for (int i = 0; code != NULL && measure_every_codes[i] != NULL; i++) {
		if (strcmp(code, measure_every_codes[i]) == 0)
			return i;
	}
	return -1;
}

const char *
measure_every_label(enum measure_every every)
{
	switch (every) {
	case MEASURE_EVERY_SESSION:
		/* TRANSLATORS: how often a measure is given. */
		return _("every session");
	case MEASURE_EVERY_OTHER_SESSION:
		/* TRANSLATORS: how often a measure is given. */
		return _("every other session");
	case MEASURE_MONTHLY:
		/* TRANSLATORS: how often a measure is given. */
		return _("monthly");
	case MEASURE_OFF:
		break;
	}
	/* TRANSLATORS: a measure no longer given. */
	return _("off");
}

/* ---- the rule ---- */

/* Days since 1970-01-01 of a calendar date (no time zone in it). */
static long
day_number(struct civil_date d)
{
	long y = d.year - (d.month <= 2), era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400, mp = (d.month + 9) % 12;
	long doy = (153 * mp + 2) / 5 + d.day - 1, doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

bool
measure_session_counts(const struct appointment *a)
{
	static const char *const not_one[] = {
		"cancelled", "noshow", "entered-in-error", "proposed", "pending", "waitlist", NULL,
	};

	if (a->start == 0 || a->status == NULL)
		return false;
	for (size_t i = 0; not_one[i] != NULL; i++) {
		if (strcmp(a->status, not_one[i]) == 0)
			return false;
	}
	return true;
}

/* Where the scores that count for `at` begin, after the session p before it. */
static time_t
counted_from(const struct appointment *at, const struct appointment *p)
{
	struct civil_date pd = date_of(p->start);

	if (date_cmp(pd, date_of(at->start)) == 0)
		return p->end != 0 ? p->end : p->start;
	return date_start(date_add_days(pd, 1));
}

bool
measure_due(enum measure_every every, const struct appointment *at,
	    const struct appointment *const *prev, size_t n_prev, time_t last)
{
	size_t back;

	switch (every) {
	case MEASURE_OFF:
		return false;
	case MEASURE_MONTHLY:
		return last == 0 || day_number(date_of(at->start)) - day_number(date_of(last)) > 30;
	case MEASURE_EVERY_SESSION:
		back = 1;
		break;
	default:
		back = 2;
		break;
	}
	if (last == 0)
		return true;
	return n_prev >= back && last < counted_from(at, prev[back - 1]);
}

/* ---- a plan out of a CarePlan ---- */

static const char *
str_of(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static const struct instrument *
instrument_coded(const cJSON *code)
{
	const cJSON *c;
	size_t n;
	const struct instrument *const *all = instrument_all(&n);

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(code, "coding")) {
		const char *system = str_of(c, "system"), *k = str_of(c, "code");

		if (system == NULL || k == NULL)
			continue;
		if (strcmp(system, EZRIZI_INSTRUMENT) == 0 && instrument_find(k) != NULL)
			return instrument_find(k);
		for (size_t i = 0; strcmp(system, LOINC) == 0 && i < n; i++) {
			if (all[i]->panel_code != NULL && strcmp(all[i]->panel_code, k) == 0)
				return all[i];
		}
	}
	return NULL;
}

static int
every_coded(const cJSON *detail)
{
	const cJSON *timing = cJSON_GetObjectItemCaseSensitive(detail, "scheduledTiming");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(timing, "code"), *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(code, "coding")) {
		const char *system = str_of(c, "system");
		int e = measure_every_parse(str_of(c, "code"));

		if (system != NULL && strcmp(system, MEASURE_SCHEDULE_SYSTEM) == 0 && e > MEASURE_OFF)
			return e;
	}
	return -1;
}

static bool
is_measures_plan(const cJSON *res)
{
	const char *rt = str_of(res, "resourceType"), *st = str_of(res, "status");

	return rt != NULL && strcmp(rt, "CarePlan") == 0 && st != NULL && strcmp(st, "active") == 0 &&
	       fhir_has_coding(cJSON_GetObjectItemCaseSensitive(res, "category"), SAFETY_CATEGORY_SYSTEM,
			       MEASURE_CATEGORY_CODE);
}

static char *
subject_id(const cJSON *res)
{
	const char *ref = str_of(cJSON_GetObjectItemCaseSensitive(res, "subject"), "reference");

	return ref != NULL && strncmp(ref, "Patient/", 8) == 0 && ref[8] != '\0' ? xstrdup(ref + 8) : NULL;
}

/* The plan out of a measures CarePlan; what it says that is not a measure
 * of ours (another code, no schedule) is left out. */
static bool
plan_of(const cJSON *res, struct measure_plan *out)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(res, "meta"), *act;
	size_t n;
	const struct instrument *const *all = instrument_all(&n);
	int every[MEASURE_MAX];

	memset(out, 0, sizeof *out);
	if (str_of(res, "id") == NULL || (out->patient_id = subject_id(res)) == NULL)
		return false;
	out->id = xstrdup(str_of(res, "id"));
	out->version = str_of(meta, "versionId") != NULL ? xstrdup(str_of(meta, "versionId")) : NULL;
	for (size_t i = 0; i < MEASURE_MAX; i++)
		every[i] = -1;
	cJSON_ArrayForEach(act, cJSON_GetObjectItemCaseSensitive(res, "activity")) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(act, "detail");
		const struct instrument *in = instrument_coded(cJSON_GetObjectItemCaseSensitive(d, "code"));
		const char *st = str_of(d, "status");

		for (size_t i = 0; in != NULL && i < n && i < MEASURE_MAX; i++) {
			if (all[i] == in && every[i] < 0 && (st == NULL || strcmp(st, "scheduled") == 0))
				every[i] = every_coded(d);
		}
	}
	for (size_t i = 0; i < n && i < MEASURE_MAX; i++) {
		if (every[i] > MEASURE_OFF)
			out->v[out->n++] = (struct measure){ all[i], (enum measure_every)every[i] };
	}
	return true;
}

void
measure_plan_finish(struct measure_plan *p)
{
	free(p->id);
	free(p->version);
	free(p->patient_id);
	memset(p, 0, sizeof *p);
}

/* ---- many clients' facts ---- */

void
measure_book_init(struct measure_book *b, time_t since)
{
	memset(b, 0, sizeof *b);
	b->since = since;
}

void
measure_book_finish(struct measure_book *b)
{
	for (size_t i = 0; i < b->n_plans; i++)
		measure_plan_finish(&b->plans[i]);
	free(b->plans);
	for (size_t i = 0; i < b->n_scores; i++) {
		free(b->scores[i].patient_id);
		score_list_finish(&b->scores[i].l);
	}
	free(b->scores);
	appt_list_finish(&b->sessions);
	memset(b, 0, sizeof *b);
}

/* "Patient/a,Patient/b", escaped. */
static void
add_patients(struct buf *b, const char *key, const char *const *patients, size_t n)
{
	struct buf refs;
	char *e;

	buf_init(&refs);
	for (size_t i = 0; i < n; i++)
		buf_addf(&refs, "%sPatient/%s", i > 0 ? "," : "", patients[i]);
	buf_add(&refs, "", 0);
	e = http_escape(refs.data);
	buf_addf(b, "&%s=%s", key, e);
	free(e);
	buf_finish(&refs);
}

static void
add_instant(struct buf *b, const char *key, const char *prefix, time_t t)
{
	char at[21], *v, *e;

	instant_format_utc(t, at);
	v = xasprintf("%s%s", prefix, at);
	e = http_escape(v);
	buf_addf(b, "&%s=%s", key, e);
	free(v);
	free(e);
}

char *
measure_plans_path(const char *const *patients, size_t n)
{
	struct buf b;
	char *cat = http_escape(SAFETY_CATEGORY_SYSTEM "|" MEASURE_CATEGORY_CODE);

	buf_init(&b);
	buf_addf(&b, "CarePlan?category=%s&status=active&_count=200", cat);
	add_patients(&b, "subject", patients, n);
	free(cat);
	return buf_steal(&b);
}

char *
measure_scores_path(const char *const *patients, size_t n, time_t since, bool dates_only)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, "Observation?category=survey&_count=200");
	if (dates_only)
		buf_adds(&b, "&_elements=status,code,subject,effective");
	add_patients(&b, "subject", patients, n);
	add_instant(&b, "date", "ge", since);
	return buf_steal(&b);
}

char *
measure_sessions_path(const char *const *patients, size_t n, time_t since, time_t until)
{
	struct buf b;

	buf_init(&b);
	/* Whole: what a search brings is cached, and a subset would stand for
	 * the appointment offline. */
	buf_adds(&b, "Appointment?_count=200");
	add_patients(&b, "patient", patients, n);
	add_instant(&b, "date", "ge", since);
	if (until != 0)
		add_instant(&b, "date", "lt", until);
	return buf_steal(&b);
}

static struct measure_plan *
plan_of_client(const struct measure_book *b, const char *patient_id)
{
	for (size_t i = 0; patient_id != NULL && i < b->n_plans; i++) {
		if (strcmp(b->plans[i].patient_id, patient_id) == 0)
			return &b->plans[i];
	}
	return NULL;
}

const struct measure_plan *
measure_book_plan(const struct measure_book *b, const char *patient_id)
{
	return plan_of_client(b, patient_id);
}

static const char *
updated_of(const cJSON *res)
{
	const char *u = str_of(cJSON_GetObjectItemCaseSensitive(res, "meta"), "lastUpdated");

	return u != NULL ? u : "";
}

void
measure_book_plans(struct measure_book *b, const cJSON *careplans)
{
	const cJSON *res;
	/* The newest plan of each client: the resource it came from. */
	const cJSON **from = xcalloc(b->n_plans + (size_t)cJSON_GetArraySize(careplans) + 1, sizeof *from);

	b->plans = xreallocarray(b->plans, b->n_plans + (size_t)cJSON_GetArraySize(careplans) + 1,
				 sizeof *b->plans);
	cJSON_ArrayForEach(res, careplans) {
		struct measure_plan p, *old;

		if (!is_measures_plan(res) || !plan_of(res, &p))
			continue;
		if ((old = plan_of_client(b, p.patient_id)) == NULL) {
			from[b->n_plans] = res;
			b->plans[b->n_plans++] = p;
		} else if (strcmp(updated_of(res), updated_of(from[old - b->plans])) > 0) {
			from[old - b->plans] = res;
			measure_plan_finish(old);
			*old = p;
		} else {
			measure_plan_finish(&p);
		}
	}
	free(from);
}

const char **
measure_book_clients(const struct measure_book *b, size_t *n, bool *sessions)
{
	const char **v = xcalloc(b->n_plans + 1, sizeof *v);

	*n = 0;
	*sessions = false;
	for (size_t i = 0; i < b->n_plans; i++) {
		if (b->plans[i].n == 0)
			continue;
		v[(*n)++] = b->plans[i].patient_id;
		for (size_t k = 0; k < b->plans[i].n; k++)
			*sessions |= b->plans[i].v[k].every != MEASURE_MONTHLY;
	}
	return v;
}

void
measure_book_facts(struct measure_book *b, const cJSON *observations, const cJSON *appointments)
{
	struct error err;

	b->scores = xcalloc(b->n_plans + 1, sizeof *b->scores);
	for (size_t i = 0; i < b->n_plans; i++) {
		/* The client's Observations, borrowed, for the score parser. */
		cJSON *mine = cJSON_CreateArray();
		const cJSON *res;

		cJSON_ArrayForEach(res, observations) {
			char *who = subject_id(res);

			if (who != NULL && strcmp(who, b->plans[i].patient_id) == 0)
				cJSON_AddItemReferenceToArray(mine, (cJSON *)res);
			free(who);
		}
		b->scores[b->n_scores].patient_id = xstrdup(b->plans[i].patient_id);
		scores_from_resources(mine, NULL, &b->scores[b->n_scores++].l);
		cJSON_Delete(mine);
	}
	error_clear(&err);
	appt_list_finish(&b->sessions);
	if (appointments != NULL && !appt_list_from_resources(appointments, &b->sessions, &err))
		memset(&b->sessions, 0, sizeof b->sessions);
}

/* Adds a copy of every item of `from` to `to`, and frees from. */
static void
append_all(cJSON *to, cJSON *from)
{
	const cJSON *res;

	cJSON_ArrayForEach(res, from)
		cJSON_AddItemToArray(to, cJSON_Duplicate(res, true));
	cJSON_Delete(from);
}

void
measure_book_from_cache(struct measure_book *b, struct store *st, const char *const *patients,
			size_t n)
{
	cJSON *plans = cJSON_CreateArray(), *obs = cJSON_CreateArray(), *appts = cJSON_CreateArray();

	for (size_t i = 0; st != NULL && i < n; i++)
		append_all(plans, cache_careplans(st, patients[i]));
	measure_book_plans(b, plans);
	for (size_t i = 0; st != NULL && i < b->n_plans; i++) {
		append_all(obs, cache_scores(st, b->plans[i].patient_id));
		append_all(appts, cache_appointments_of(st, b->plans[i].patient_id));
	}
	measure_book_facts(b, obs, appts);
	cJSON_Delete(plans);
	cJSON_Delete(obs);
	cJSON_Delete(appts);
}

bool
measure_book_query(struct session *s, const char *const *patients, size_t n, time_t until,
		   struct measure_book *b, struct error *err)
{
	char *path;
	cJSON *plans, *obs = NULL, *appts = NULL;
	const char **with;
	size_t k;
	bool sessions, ok = true;

	if (fhir_reads_cached(s)) {
		measure_book_from_cache(b, s->store, patients, n);
		return true;
	}
	path = measure_plans_path(patients, n);
	plans = fhir_search(s, path, MEASURE_QUERY_MAX, err);
	free(path);
	if (plans == NULL)
		return false;
	measure_book_plans(b, plans);
	cJSON_Delete(plans);
	with = measure_book_clients(b, &k, &sessions);
	if (k > 0) {
		path = measure_scores_path(with, k, b->since, b->dates_only);
		ok = (obs = fhir_search(s, path, MEASURE_QUERY_MAX, err)) != NULL;
		free(path);
	}
	if (ok && k > 0 && (sessions || until != 0)) {
		path = measure_sessions_path(with, k, b->since, until);
		ok = (appts = fhir_search(s, path, MEASURE_QUERY_MAX, err)) != NULL;
		free(path);
	}
	free(with);
	if (ok)
		measure_book_facts(b, obs, appts);
	cJSON_Delete(obs);
	cJSON_Delete(appts);
	return ok;
}

/* The latest of the list's scores of the instrument in [since, until). */
static const struct score *
latest_in(const struct score_list *l, const struct instrument *in, time_t since, time_t until)
{
	const struct score *best = NULL;

	for (size_t i = 0; l != NULL && i < l->n; i++) {
		const struct score *sc = &l->v[i];

		if (sc->in == in && sc->date >= since && sc->date < until && (best == NULL || sc->date >= best->date))
			best = sc;
	}
	return best;
}

time_t
measure_book_last(const struct measure_book *b, const char *patient_id,
		  const struct instrument *in, time_t t, const struct score_list *more,
		  const struct score **score)
{
	time_t until = date_start(date_add_days(date_of(t), 1));
	const struct score *best = latest_in(more, in, b->since, until);

	for (size_t i = 0; i < b->n_scores; i++) {
		const struct score *sc;

		if (strcmp(b->scores[i].patient_id, patient_id) != 0)
			continue;
		sc = latest_in(&b->scores[i].l, in, b->since, until);
		if (sc != NULL && (best == NULL || sc->date > best->date))
			best = sc;
	}
	if (score != NULL)
		*score = best;
	return best != NULL ? best->date : 0;
}

/* The client's two latest sessions before `at`, newest first. */
static size_t
sessions_before(const struct measure_book *b, const struct appointment *at,
		const struct appointment *prev[2])
{
	size_t n = 0;

	for (size_t i = 0; i < b->sessions.n; i++) {
		const struct appointment *a = &b->sessions.v[i];

		if (a->patient_id == NULL || strcmp(a->patient_id, at->patient_id) != 0 ||
		    (at->id != NULL && a->id != NULL && strcmp(a->id, at->id) == 0) ||
		    !measure_session_counts(a) || a->start >= at->start || a->start < b->since)
			continue;
		if (n < 2)
			prev[n++] = a;
		else if (a->start > prev[1]->start)
			prev[1] = a;
		else
			continue;
		if (n == 2 && prev[1]->start > prev[0]->start) {
			prev[1] = prev[0];
			prev[0] = a;
		}
	}
	return n;
}

int
measure_book_due(const struct measure_book *b, const struct appointment *at,
		 const struct score_list *more, bool due[MEASURE_MAX])
{
	const struct measure_plan *p = at->start != 0 ? plan_of_client(b, at->patient_id) : NULL;
	const struct appointment *prev[2] = { NULL, NULL };
	size_t n_prev;
	int n = 0;

	if (p == NULL)
		return 0;
	n_prev = sessions_before(b, at, prev);
	for (size_t i = 0; i < p->n; i++) {
		time_t last = measure_book_last(b, at->patient_id, p->v[i].in, at->start, more, NULL);
		bool d = measure_due(p->v[i].every, at, prev, n_prev, last);

		if (due != NULL)
			due[i] = d;
		n += d;
	}
	return n;
}

/* ---- the write ---- */

static cJSON *
activity_of(const struct instrument *in, enum measure_every every)
{
	cJSON *act = cJSON_CreateObject(), *d = cJSON_CreateObject(), *timing = cJSON_CreateObject();

	if (in->panel_code != NULL)
		json_put(d, "code", fhir_coded(LOINC, in->panel_code, in->name));
	else
		json_put(d, "code", fhir_coded(EZRIZI_INSTRUMENT, in->id, in->name));
	json_put_str(d, "status", "scheduled");
	json_put(timing, "code", fhir_coded(MEASURE_SCHEDULE_SYSTEM, measure_every_codes[every], NULL));
	json_put(d, "scheduledTiming", timing);
	json_put(act, "detail", d);
	return act;
}

struct setting {
	const struct instrument *in;
	enum measure_every every;
};

/* fhir_change's decision: the instrument's activity made as asked (the
 * others as they are), or nothing to do. */
static enum fhir_change
apply_setting(cJSON *res, void *arg, struct error *err)
{
	const struct setting *set = arg;
	cJSON *acts = cJSON_GetObjectItemCaseSensitive(res, "activity"), *act;
	int at = -1, i = 0, was = -1;

	(void)err;
	if (!cJSON_IsArray(acts)) {
		acts = cJSON_CreateArray();
		json_put(res, "activity", acts);
	}
	cJSON_ArrayForEach(act, acts) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(act, "detail");

		if (at < 0 && instrument_coded(cJSON_GetObjectItemCaseSensitive(d, "code")) == set->in) {
			at = i;
			was = every_coded(d);
		}
		i++;
	}
	if (was == (int)set->every || (at < 0 && set->every == MEASURE_OFF))
		return CHANGE_NONE;
	if (at >= 0)
		cJSON_DeleteItemFromArray(acts, at);
	if (set->every != MEASURE_OFF)
		cJSON_AddItemToArray(acts, activity_of(set->in, set->every));
	if (cJSON_GetArraySize(acts) == 0)
		cJSON_DeleteItemFromObjectCaseSensitive(res, "activity");  /* R4: no empty arrays */
	return CHANGE_WRITE;
}

static cJSON *
plan_resource(const char *patient_id, const char *me, const struct setting *set,
	      const char *request_id)
{
	cJSON *acts = cJSON_CreateArray(), *cp;
	char now[21];

	instant_format_utc(clock_now(), now);
	cp = careplan_new(MEASURE_CATEGORY_CODE, "Measures", patient_id, me, now, request_id);
	cJSON_AddItemToArray(acts, activity_of(set->in, set->every));
	json_put(cp, "activity", acts);
	return cp;
}

/* The plan out of the server's answer, or an error that says where to look. */
static bool
plan_answer(cJSON *res, const char *patient_id, struct measure_plan *out, struct error *err)
{
	bool ok = res != NULL && plan_of(res, out);

	cJSON_Delete(res);
	if (!ok)
		return error_set(err, ERR_FAILED, _("The server did not send the measures back; look with 'ezrizi measures %s'."), patient_id);
	return true;
}

bool
measure_set(struct session *s, const char *patient_id, const struct instrument *in,
	    enum measure_every every, struct measure_plan *out, bool *already, struct error *err)
{
	struct setting set = { in, every };
	struct measure_book b;
	const struct measure_plan *cur;
	struct fhir_result r;
	char request_id[37];
	const char *me;
	bool written;
	cJSON *res;

	memset(out, 0, sizeof *out);
	*already = false;
	if (!fhir_id_ok(patient_id))
		return error_set(err, ERR_USAGE, _("'%s' is not a valid %s id; ids are letters, digits, '-' and '.'."), patient_id, "Patient");
	if ((me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	if (flag_user_front_desk(s, err))
		return error_set(err, ERR_FORBIDDEN, _("A client's measures are a clinician's to set; ask the client's counsellor."));
	error_clear(err);
	measure_book_init(&b, 0);
	{
		char *path = measure_plans_path(&patient_id, 1);
		cJSON *plans = fhir_search(s, path, 100, err);

		free(path);
		if (plans == NULL)
			return false;
		measure_book_plans(&b, plans);
		cJSON_Delete(plans);
	}
	if ((cur = measure_book_plan(&b, patient_id)) != NULL) {
		res = fhir_change(s, "CarePlan", cur->id, apply_setting, &set, &written, err);
		measure_book_finish(&b);
		*already = !written;
		return res != NULL && plan_answer(res, patient_id, out, err);
	}
	measure_book_finish(&b);
	if (every == MEASURE_OFF) {
		*already = true;  /* no plan: not given already */
		out->patient_id = xstrdup(patient_id);
		return true;
	}
	session_request_id(s, request_id);
	if (!fhir_create_once(s, plan_resource(patient_id, me, &set, request_id), request_id, &r, err))
		return false;
	res = r.json;
	r.json = NULL;
	fhir_result_finish(&r);
	return plan_answer(res, patient_id, out, err);
}
