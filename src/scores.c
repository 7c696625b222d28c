/* scores.c - a client's scores read back; see include/core/scores.h. */
#include "core/scores.h"

#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

/* The systems assess.c writes (include/core/assess.h). */
#define LOINC "http://loinc.org"
#define EZRIZI_INSTRUMENT "urn:ezrizi:instrument"
#define EZRIZI_BAND "urn:ezrizi:band"
#define EZRIZI_QUESTIONNAIRE_SCORE "urn:ezrizi:questionnaire-score"
#define V3_OBSERVATION_VALUE "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"

/* A client has few scores: one page is the usual answer. */
#define SCORES_MAX 1000

static const char *
str_of(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

char *
scores_query_path(const char *patient_id)
{
	char *ref = xasprintf("Patient/%s", patient_id), *e = http_escape(ref);
	char *path = xasprintf("Observation?subject=%s&category=survey&_sort=date&_count=100", e);

	free(ref);
	free(e);
	return path;
}

/* The instrument a code names: its total's LOINC code, or ours. */
static const struct instrument *
instrument_of_coding(const cJSON *coding)
{
	const char *system = str_of(coding, "system"), *code = str_of(coding, "code");
	const struct instrument *const *all;
	size_t n;

	if (system == NULL || code == NULL)
		return NULL;
	if (strcmp(system, EZRIZI_INSTRUMENT) == 0)
		return instrument_find(code);
	if (strcmp(system, LOINC) != 0)
		return NULL;
	all = instrument_all(&n);
	for (size_t i = 0; i < n; i++) {
		if (all[i]->total_code != NULL && strcmp(all[i]->total_code, code) == 0)
			return all[i];
	}
	return NULL;
}

static const struct instrument *
instrument_of(const cJSON *obs)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(obs, "code"), *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(code, "coding")) {
		const struct instrument *in = instrument_of_coding(c);

		if (in != NULL)
			return in;
	}
	return NULL;
}

/* The first urn:ezrizi:band code of the concepts (an array or one). */
static const char *
band_of(const cJSON *concepts)
{
	const cJSON *cc, *c;

	if (cJSON_IsObject(concepts)) {
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(concepts, "coding")) {
			const char *system = str_of(c, "system");

			if (system != NULL && strcmp(system, EZRIZI_BAND) == 0 && str_of(c, "code") != NULL)
				return str_of(c, "code");
		}
		return NULL;
	}
	cJSON_ArrayForEach(cc, concepts) {
		const char *b = band_of(cc);

		if (b != NULL)
			return b;
	}
	return NULL;
}

static const struct instr_band *
band_named(const struct instrument *in, const char *code)
{
	for (const struct instr_band *b = in->bands; code != NULL && b->code != NULL; b++) {
		if (strcmp(b->code, code) == 0)
			return b;
	}
	return NULL;
}

int
instrument_max_score(const struct instrument *in)
{
	int max = 0;

	if (in->rule == RULE_CSSRS) {
		for (const struct instr_band *b = in->bands; b->code != NULL; b++)
			max = b->min;
		return max;
	}
	for (int i = 0; i < in->n_items; i++)
		max += in->items[i].max;
	return in->rule == RULE_SUM_TIMES_4 ? max * 4 : max;
}

/* A subset the server made (_elements): tagged SUBSETTED. */
static bool
subsetted(const cJSON *res)
{
	const cJSON *tag;

	cJSON_ArrayForEach(tag, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(res, "meta"), "tag")) {
		const char *system = str_of(tag, "system"), *code = str_of(tag, "code");

		if (system != NULL && code != NULL && strcmp(system, V3_OBSERVATION_VALUE) == 0 &&
		    strcmp(code, "SUBSETTED") == 0)
			return true;
	}
	return false;
}

/* The total, or -1 with *bad when there is none that can be read. */
static int
value_of(const cJSON *obs, const struct instrument *in, const char *band, bool *bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obs, "valueInteger");
	double d;

	/* A front desk's: which instrument was given when, never its value. */
	if (v == NULL && subsetted(obs)) {
		*bad = false;
		return -1;
	}
	if (in->rule == RULE_CSSRS) {
		/* A risk level, no total: its band must be one of the screener's. */
		*bad = band_named(in, band) == NULL;
		return -1;
	}
	if (!cJSON_IsNumber(v)) {
		*bad = true;
		return -1;
	}
	d = v->valuedouble;
	/* In range first (NaN is not): then the cast cannot overflow. */
	*bad = !(d >= 0 && d <= instrument_max_score(in)) || d != (double)(int)d;
	return *bad ? -1 : (int)d;
}

static bool
wanted(const cJSON *res)
{
	const char *rt = str_of(res, "resourceType"), *status = str_of(res, "status");

	if (rt == NULL || strcmp(rt, "Observation") != 0)
		return false;
	/* Withdrawn: not a score any more. */
	return status == NULL || (strcmp(status, "entered-in-error") != 0 && strcmp(status, "cancelled") != 0);
}

/* One Observation as a score; false when it is not one of ours (*bad: one of
 * ours that cannot be read). */
static bool
score_of(const cJSON *obs, const struct instrument *only, struct score *out, bool *bad)
{
	const struct instrument *in = instrument_of(obs);
	const char *id = str_of(obs, "id"), *when = str_of(obs, "effectiveDateTime");
	const char *band;

	*bad = false;
	if (in == NULL || (only != NULL && in != only))
		return false;
	band = band_of(cJSON_GetObjectItemCaseSensitive(obs, "interpretation"));
	if (band == NULL && in->rule == RULE_CSSRS)
		band = band_of(cJSON_GetObjectItemCaseSensitive(obs, "valueCodeableConcept"));
	memset(out, 0, sizeof *out);
	out->score = value_of(obs, in, band, bad);
	if (!*bad && (id == NULL || when == NULL || !instant_parse(when, &out->date)))
		*bad = true;
	if (*bad)
		return false;
	out->id = xstrdup(id);
	out->in = in;
	out->band = band != NULL ? xstrdup(band) : NULL;
	{
		const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obs, "meta");

		out->made = xstrdup(str_of(meta, "lastUpdated"));
	}
	return true;
}

/* Oldest first (a trend reads forward); given in the same second (two forms
 * entered one after the other), in the order the server saved them, to the
 * millisecond it keeps (meta.lastUpdated); then by id. */
static int
saved_order(time_t da, const char *ma, const char *ia, time_t db, const char *mb, const char *ib)
{
	if (da != db)
		return da < db ? -1 : 1;
	if (ma != NULL && mb != NULL && strcmp(ma, mb) != 0)
		return strcmp(ma, mb);
	return strcmp(ia, ib);
}

/* One Observation as a form's total; false when it is not one. */
static bool
form_score_of(const cJSON *obs, struct form_score *out)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(obs, "code"), *c, *v;
	const char *id = str_of(obs, "id"), *when = str_of(obs, "effectiveDateTime");
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obs, "meta");

	memset(out, 0, sizeof *out);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(code, "coding")) {
		const char *system = str_of(c, "system");

		if (system != NULL && strcmp(system, EZRIZI_QUESTIONNAIRE_SCORE) == 0 && str_of(c, "code") != NULL)
			break;
	}
	if (c == NULL || id == NULL || when == NULL || !instant_parse(when, &out->date))
		return false;
	if (!cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(obs, "valueInteger")) &&
	    !cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(obs, "valueDecimal")))
		return false;
	if (!(v->valuedouble >= -1e15 && v->valuedouble <= 1e15))   /* NaN is not */
		return false;
	out->total = v->valuedouble;
	out->id = xstrdup(id);
	out->form = xstrdup(str_of(c, "code"));
	out->title = str_of(c, "display") != NULL ? xstrdup(str_of(c, "display")) : NULL;
	out->made = xstrdup(str_of(meta, "lastUpdated"));
	return true;
}

static int
form_score_cmp(const void *pa, const void *pb)
{
	const struct form_score *a = pa, *b = pb;

	return saved_order(a->date, a->made, a->id, b->date, b->made, b->id);
}

static bool
has_form_id(const struct score_list *l, const char *id)
{
	for (size_t i = 0; i < l->n_forms; i++) {
		if (strcmp(l->forms[i].id, id) == 0)
			return true;
	}
	return false;
}

static void
form_score_finish(struct form_score *f)
{
	free(f->id);
	free(f->form);
	free(f->title);
	free(f->made);
}

static int
score_cmp(const void *pa, const void *pb)
{
	const struct score *a = pa, *b = pb;

	return saved_order(a->date, a->made, a->id, b->date, b->made, b->id);
}

static bool
has_id(const struct score_list *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].id, id) == 0)
			return true;
	}
	return false;
}

void
scores_from_resources(const cJSON *all, const struct instrument *only, struct score_list *out)
{
	const cJSON *res;

	memset(out, 0, sizeof *out);
	out->v = xcalloc((size_t)cJSON_GetArraySize(all) + 1, sizeof *out->v);
	if (only == NULL)
		out->forms = xcalloc((size_t)cJSON_GetArraySize(all) + 1, sizeof *out->forms);
	cJSON_ArrayForEach(res, all) {
		struct score *sc = &out->v[out->n];
		bool bad;

		if (!wanted(res))
			continue;
		if (only == NULL && form_score_of(res, &out->forms[out->n_forms])) {
			if (has_form_id(out, out->forms[out->n_forms].id))
				form_score_finish(&out->forms[out->n_forms]);
			else
				out->n_forms++;
			continue;
		}
		if (score_of(res, only, sc, &bad)) {
			/* A page that moved under us may bring one twice. */
			if (has_id(out, sc->id)) {
				free(sc->id);
				free(sc->band);
				free(sc->made);
				continue;
			}
			out->n++;
		} else if (bad) {
			out->skipped++;
		}
	}
	qsort(out->v, out->n, sizeof *out->v, score_cmp);
	if (out->n_forms > 0)
		qsort(out->forms, out->n_forms, sizeof *out->forms, form_score_cmp);
}

bool
scores_query(struct session *s, const char *patient_id, const struct instrument *only,
	     struct score_list *out, struct error *err)
{
	char *path = scores_query_path(patient_id);
	cJSON *all = fhir_reads_cached(s) ? cache_scores(s->store, patient_id)
					  : fhir_search(s, path, SCORES_MAX, err);

	free(path);
	memset(out, 0, sizeof *out);
	if (all == NULL)
		return false;
	scores_from_resources(all, only, out);
	cJSON_Delete(all);
	return true;
}

void
score_list_finish(struct score_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].band);
		free(l->v[i].made);
	}
	for (size_t i = 0; i < l->n_forms; i++)
		form_score_finish(&l->forms[i]);
	free(l->forms);
	free(l->v);
	memset(l, 0, sizeof *l);
}

int
score_level(const struct score *sc)
{
	const struct instr_band *b;

	if (sc->score >= 0)
		return sc->score;
	b = band_named(sc->in, sc->band);
	return b != NULL ? b->min : -1;
}

const char *
score_band_label(const struct score *sc)
{
	const struct instr_band *b = band_named(sc->in, sc->band);

	if (b != NULL)
		return _(b->label);
	return sc->band != NULL ? sc->band : "";
}

/* value's step of steps (0..steps-1), rounding to the nearest. */
static int
step_of(int value, int max, int steps)
{
	int k;

	if (max <= 0 || value <= 0)
		return 0;
	if (value >= max)
		return steps - 1;
	k = (value * (steps - 1) * 2 + max) / (max * 2);
	/* Anything above zero is seen to be. */
	return k == 0 ? 1 : k;
}

char *
scores_sparkline(const int *values, size_t n, int max, bool utf8)
{
	static const char *const blocks[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	static const char ascii[] = " .:-=+*#";
	struct buf b;

	buf_init(&b);
	buf_add(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		int k = step_of(values[i], max, 8);

		if (values[i] < 0)
			buf_addc(&b, ' ');
		else if (utf8)
			buf_adds(&b, blocks[k]);
		else
			/* ' ' would read as a gap: zero is the lowest mark. */
			buf_addc(&b, k == 0 ? '_' : ascii[k]);
	}
	return buf_steal(&b);
}

char *
scores_bar(int value, int max, int width, bool utf8, bool from_right)
{
	/* A last part-cell: the left eighths, or for a bar that grows from the
	 * right the right-hand ones Unicode has (an eighth, a half). */
	static const char *const left[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	static const char *const right[] = { "", "▕", "▕", "▐", "▐", "▐", "█", "█" };
	struct buf b;
	int eighths, full;

	buf_init(&b);
	buf_add(&b, "", 0);
	if (max <= 0 || width <= 0 || value <= 0)
		return buf_steal(&b);
	if (value > max)
		value = max;
	eighths = (int)(((long)value * width * 8 + max / 2) / max);
	if (eighths == 0)
		eighths = 1;
	if (!utf8)
		eighths = (eighths + 7) / 8 * 8;   /* whole cells, up */
	full = eighths / 8;
	for (int i = 0; i < full; i++)
		buf_adds(&b, utf8 ? "█" : "#");
	if (eighths % 8 != 0)
		buf_adds(&b, (from_right ? right : left)[eighths % 8]);
	return buf_steal(&b);
}
