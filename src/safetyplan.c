/* safetyplan.c - a client's safety plan: see include/core/safetyplan.h. */
#include "core/safetyplan.h"

#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/model.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

/* CLINICAL-NOTES.md 1d, Stanley & Brown (2012): the six prioritised steps. */
static const char *const headings[SAFETY_STEPS] = {
	/* TRANSLATORS: the steps of a safety plan (Stanley-Brown); headings
	   of a file the counsellor edits. */
	N_("Warning signs"),
	N_("Internal coping strategies"),
	N_("Social contacts and settings that distract"),
	N_("Family or friends who can help"),
	N_("Professionals or agencies to contact"),
	N_("Making the environment safe (restricting lethal means)"),
};

const char *
safety_step_heading(int i)
{
	return i >= 0 && i < SAFETY_STEPS ? _(headings[i]) : "";
}

/* ---- the text format ---- */

/* The step a line heads (1..6), or 0: "== N." and anything after. */
static int
heading_of(const char *line, size_t n)
{
	if (n < 5 || memcmp(line, "== ", 3) != 0 || line[3] < '1' || line[3] > '6' || line[4] != '.')
		return 0;
	return line[3] - '0';
}

/* Whether the lines before the first heading are comments and blanks only. */
static bool
preamble_line_ok(const char *line, size_t n)
{
	if (n > 0 && line[0] == '#')
		return true;
	for (size_t i = 0; i < n; i++) {
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return false;
	}
	return true;
}

static void
free_steps(char *step[SAFETY_STEPS])
{
	for (int i = 0; i < SAFETY_STEPS; i++) {
		free(step[i]);
		step[i] = NULL;
	}
}

/* The text from body to end, less the newline that ends its last line. */
static char *
section_text(const char *body, const char *end)
{
	size_t n = (size_t)(end - body);

	if (n > 0 && body[n - 1] == '\n')
		n--;
	return xstrndup(body, n);
}

bool
safety_plan_parse(const char *text, size_t len, char *step[SAFETY_STEPS], struct error *err)
{
	const char *p = text, *end = text + len, *body = NULL;
	int cur = 0, lineno = 0;

	for (int i = 0; i < SAFETY_STEPS; i++)
		step[i] = NULL;
	if (memchr(text, '\0', len) != NULL || !utf8_valid(text, len))
		return error_set(err, ERR_USAGE, _("The safety plan is not UTF-8 text; nothing was written."));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		int h = heading_of(p, n);

		lineno++;
		if (cur == 0 && h == 0 && !preamble_line_ok(p, n)) {
			free_steps(step);
			return error_set(err, ERR_USAGE, _("Line %d of the safety plan comes before the heading of step 1 (a line \"== 1. ...\"); nothing was written."), lineno);
		}
		if (h != 0 && h == cur + 1) {
			if (cur > 0)
				step[cur - 1] = section_text(body, p);
			cur = h;
			body = nl != NULL ? nl + 1 : end;
		} else if (h != 0 && cur == 0) {
			free_steps(step);
			return error_set(err, ERR_USAGE, _("Line %d of the safety plan heads step %d; the steps start at 1, in order; nothing was written."), lineno, h);
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (cur != SAFETY_STEPS) {
		free_steps(step);
		return error_set(err, ERR_USAGE, _("The safety plan has %d of its 6 steps; each begins with a line \"== N.\", N from 1 to 6 in order; nothing was written."), cur);
	}
	step[cur - 1] = section_text(body, end);
	return true;
}

char *
safety_plan_format(char *const step[SAFETY_STEPS])
{
	/* TRANSLATORS: the first line of a safety plan file; keep "== N." as it is. */
	char *out = xasprintf("# %s\n", _("Safety plan (Stanley-Brown), six steps. A line \"== N.\" begins step N; what is under it is kept exactly as written."));

	for (int i = 0; i < SAFETY_STEPS; i++) {
		char *next = xasprintf("%s== %d. %s\n%s\n", out, i + 1, safety_step_heading(i),
				       step[i] != NULL ? step[i] : "");

		free(out);
		out = next;
	}
	return out;
}

/* ---- the CarePlan ---- */

cJSON *
careplan_new(const char *code, const char *title, const char *patient_id, const char *me,
	     const char *created, const char *request_id)
{
	cJSON *cp = cJSON_CreateObject(), *cats = cJSON_CreateArray();

	json_put_str(cp, "resourceType", "CarePlan");
	fhir_set_request_identifier(cp, request_id);
	json_put_str(cp, "status", "active");
	json_put_str(cp, "intent", "plan");
	cJSON_AddItemToArray(cats, fhir_coded(SAFETY_CATEGORY_SYSTEM, code, title));
	json_put(cp, "category", cats);
	json_put_str(cp, "title", title);
	json_put(cp, "subject", fhir_reference("Patient", patient_id, NULL));
	json_put_str(cp, "created", created);
	json_put(cp, "author", fhir_reference("Practitioner", me, NULL));
	return cp;
}

static cJSON *
careplan_resource(const char *patient_id, const char *me, const char *created,
		  char *const step[SAFETY_STEPS], const char *request_id)
{
	cJSON *cp = careplan_new(SAFETY_CATEGORY_CODE, "Safety plan", patient_id, me, created, request_id);
	cJSON *acts = cJSON_CreateArray();

	for (int i = 0; i < SAFETY_STEPS; i++) {
		cJSON *act = cJSON_CreateObject(), *d = cJSON_CreateObject();
		char code[2] = { (char)('1' + i), '\0' };

		json_put(d, "code", fhir_coded(SAFETY_STEP_SYSTEM, code, headings[i]));
		/* R4 wants a status; whether a step "happened" is not a question
		 * a safety plan answers. */
		json_put_str(d, "status", "unknown");
		/* FHIR strings are never empty: an empty step has none. */
		if (step[i] != NULL && step[i][0] != '\0')
			json_put_str(d, "description", step[i]);
		json_put(act, "detail", d);
		cJSON_AddItemToArray(acts, act);
	}
	json_put(cp, "activity", acts);
	return cp;
}

static bool
is_active_plan(const cJSON *res)
{
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(res, "status");

	return cJSON_IsString(rt) && strcmp(rt->valuestring, "CarePlan") == 0 && cJSON_IsString(st) &&
	       strcmp(st->valuestring, "active") == 0 &&
	       fhir_has_coding(cJSON_GetObjectItemCaseSensitive(res, "category"), SAFETY_CATEGORY_SYSTEM,
			  SAFETY_CATEGORY_CODE);
}

/* The step an activity is (0..5), or -1. */
static int
step_of(const cJSON *detail)
{
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(detail, "code");
	cJSON *one = cJSON_CreateArray();
	int step = -1;

	cJSON_AddItemReferenceToArray(one, (cJSON *)code);
	for (int i = 0; i < SAFETY_STEPS && code != NULL; i++) {
		char c[2] = { (char)('1' + i), '\0' };

		if (fhir_has_coding(one, SAFETY_STEP_SYSTEM, c))
			step = i;
	}
	cJSON_Delete(one);
	return step;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

bool
safety_plan_from_json(const cJSON *res, struct safety_plan *out, struct error *err)
{
	struct json_ctx c = { .type = "CarePlan", .err = err };
	const cJSON *meta, *act;

	memset(out, 0, sizeof *out);
	c.id = json_str(&c, res, "id");
	meta = json_obj(&c, res, "meta");
	out->id = dup_or_null(c.id);
	out->version = dup_or_null(meta != NULL ? json_str(&c, meta, "versionId") : NULL);
	out->updated = dup_or_null(meta != NULL ? json_str(&c, meta, "lastUpdated") : NULL);
	out->created = dup_or_null(json_str(&c, res, "created"));
	out->author_id = reference_id(cJSON_GetObjectItemCaseSensitive(res, "author"), "Practitioner");
	cJSON_ArrayForEach(act, json_arr(&c, res, "activity")) {
		const cJSON *d = json_obj(&c, act, "detail");
		int i = d != NULL ? step_of(d) : -1;
		const char *text = d != NULL ? json_str_big(&c, d, "description") : NULL;

		if (i >= 0 && out->step[i] == NULL)
			out->step[i] = xstrdup(text != NULL ? text : "");
	}
	for (int i = 0; i < SAFETY_STEPS; i++) {
		if (out->step[i] == NULL)
			out->step[i] = xstrdup("");
	}
	if (c.failed || out->id == NULL) {
		safety_plan_finish(out);
		return error_set(err, ERR_FAILED, _("The server's safety plan cannot be read."));
	}
	return true;
}

/* The newest active safety plan among resources, or NULL (borrowed). */
static const cJSON *
newest_plan(const cJSON *all)
{
	const cJSON *res, *best = NULL;
	const char *best_at = "";

	cJSON_ArrayForEach(res, all) {
		const cJSON *meta = cJSON_GetObjectItemCaseSensitive(res, "meta");
		const cJSON *at = meta != NULL ? cJSON_GetObjectItemCaseSensitive(meta, "lastUpdated") : NULL;
		const char *when = cJSON_IsString(at) ? at->valuestring : "";

		if (is_active_plan(res) && (best == NULL || strcmp(when, best_at) > 0)) {
			best = res;
			best_at = when;
		}
	}
	return best;
}

/* The client's safety plans: the server's, or the cache's offline. With
 * cached_ok, also the cache's when the server cannot be reached (a reading;
 * a write must see the server's). */
static cJSON *
plans_of(struct session *s, const char *patient_id, bool cached_ok, bool *from_cache,
	 struct error *err)
{
	char *tok, *q;
	cJSON *all;

	*from_cache = fhir_reads_cached(s);
	if (*from_cache)
		return cache_careplans(s->store, patient_id);
	tok = http_escape(SAFETY_CATEGORY_SYSTEM "|" SAFETY_CATEGORY_CODE);
	q = xasprintf("CarePlan?subject=Patient/%s&category=%s&_count=20", patient_id, tok);
	all = fhir_search(s, q, 100, err);
	free(q);
	free(tok);
	if (all == NULL && cached_ok && err->kind == ERR_NETWORK && s->store != NULL) {
		error_clear(err);
		all = cache_careplans(s->store, patient_id);
		*from_cache = true;
	}
	return all;
}

bool
safety_plan_get(struct session *s, const char *patient_id, struct safety_plan *out,
		struct error *err)
{
	const cJSON *best;
	cJSON *all;
	bool ok = true;

	memset(out, 0, sizeof *out);
	if (!fhir_id_ok(patient_id))
		return error_set(err, ERR_USAGE, _("'%s' is not a valid %s id; ids are letters, digits, '-' and '.'."), patient_id, "Patient");
	if ((all = plans_of(s, patient_id, true, &out->from_cache, err)) == NULL)
		return false;
	if ((best = newest_plan(all)) != NULL) {
		bool cached = out->from_cache;

		ok = safety_plan_from_json(best, out, err);
		out->from_cache = cached;
	}
	cJSON_Delete(all);
	return ok;
}

/* Whether the plan carries this write id: a write that was made already. */
static bool
made_by(const cJSON *res, const char *request_id)
{
	const cJSON *id;

	cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(res, "identifier")) {
		const cJSON *sys = cJSON_GetObjectItemCaseSensitive(id, "system");
		const cJSON *val = cJSON_GetObjectItemCaseSensitive(id, "value");

		if (cJSON_IsString(sys) && cJSON_IsString(val) && strcmp(sys->valuestring, FHIR_REQUEST_SYSTEM) == 0 &&
		    strcmp(val->valuestring, request_id) == 0)
			return true;
	}
	return false;
}

/* The current plan, when it is this write's own (a replay, a lost answer). */
static bool
already_made(struct session *s, const char *patient_id, const char *request_id,
	     struct safety_plan *out, bool *made, struct error *err)
{
	const cJSON *cur;
	bool ok = true, cached;
	cJSON *all = plans_of(s, patient_id, false, &cached, err);

	*made = false;
	memset(out, 0, sizeof *out);
	if (all == NULL)
		return false;
	cur = newest_plan(all);
	if (cur != NULL && made_by(cur, request_id)) {
		*made = true;
		ok = safety_plan_from_json(cur, out, err);
	} else if (cur != NULL) {
		ok = safety_plan_from_json(cur, out, err);
	}
	cJSON_Delete(all);
	return ok;
}

static bool
conflict(const char *patient_id, const struct safety_plan *cur, const char *base, struct error *err)
{
	const char *v = cur->version != NULL ? cur->version : "?";

	if (base == NULL)
		return error_set(err, ERR_CONFLICT, _("Client %s has a safety plan already (version %s); nothing was written. Read it with 'ezrizi safety-plan %s', then replace it with --replaces %s."),
				 patient_id, v, patient_id, v);
	return error_set(err, ERR_CONFLICT, _("The safety plan of client %s was changed by someone else (version %s is now version %s); nothing was overwritten. Read it again, make your change, and write it with --replaces %s."),
			 patient_id, base, v, v);
}

/* POST (no plan yet) or PUT pinned to base; out gets what the server kept. */
static bool
write_plan(struct session *s, const char *patient_id, const struct safety_plan *cur,
	   const char *base, cJSON *res, const char *request_id, struct safety_plan *out,
	   struct error *err)
{
	struct fhir_opts o = { .idempotent = true };
	struct fhir_result r;
	char *path, *ine = NULL, *tag = NULL;
	bool ok;

	if (cur->id != NULL) {
		json_put_str(res, "id", cur->id);
		tag = xasprintf("W/\"%s\"", base);
		o.if_match = tag;
		path = xasprintf("CarePlan/%s", cur->id);
	} else {
		ine = fhir_if_none_exist(request_id);
		o.if_none_exist = ine;
		path = xstrdup("CarePlan");
	}
	ok = fhir_call(s, cur->id != NULL ? "PUT" : "POST", path, res, &o, &r, err);
	free(path);
	free(ine);
	free(tag);
	if (!ok)
		return false;
	if (r.json != NULL && s->store != NULL)
		cache_put_resource(s->store, r.json);
	ok = r.json != NULL && safety_plan_from_json(r.json, out, err);
	if (!ok)
		error_set(err, ERR_FAILED, _("The server saved the safety plan but did not send it back; look with 'ezrizi safety-plan %s'."), patient_id);
	fhir_result_finish(&r);
	return ok;
}

/* Whether the write may go ahead over cur, the plan there now. */
static bool
base_ok(const char *patient_id, const struct safety_plan *cur, const char *base, struct error *err)
{
	if (cur->id == NULL && base != NULL)
		return error_set(err, ERR_NOT_FOUND, _("Client %s has no safety plan to replace; write it without --replaces."), patient_id);
	if (cur->id != NULL && (base == NULL || cur->version == NULL || strcmp(cur->version, base) != 0))
		return conflict(patient_id, cur, base, err);
	return true;
}

/* The server refused the write as changed meanwhile: done already when the
 * plan there is this write's own (an answer lost on the way), else the
 * conflict, saying the version it is now. */
static bool
after_refusal(struct session *s, const char *patient_id, const char *base, const char *request_id,
	      struct safety_plan *out, struct error *err)
{
	struct safety_plan now_plan;
	struct error again;
	bool made;

	error_clear(&again);
	if (!already_made(s, patient_id, request_id, &now_plan, &made, &again) || now_plan.id == NULL)
		return false;  /* err says what the server said */
	error_clear(err);
	if (made) {
		*out = now_plan;
		return true;
	}
	conflict(patient_id, &now_plan, base, err);
	safety_plan_finish(&now_plan);
	return false;
}

bool
safety_plan_save(struct session *s, const char *patient_id, const char *base_version,
		 char *const step[SAFETY_STEPS], struct safety_plan *out, struct error *err)
{
	struct safety_plan cur;
	char request_id[37], now[21];
	const char *me;
	bool made, ok;
	cJSON *res;

	memset(out, 0, sizeof *out);
	if ((me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	if (!fhir_id_ok(patient_id))
		return error_set(err, ERR_USAGE, _("'%s' is not a valid %s id; ids are letters, digits, '-' and '.'."), patient_id, "Patient");
	session_request_id(s, request_id);
	if (!already_made(s, patient_id, request_id, &cur, &made, err))
		return false;
	if (made) {
		*out = cur;  /* sent before, its answer lost: done */
		return true;
	}
	if (!base_ok(patient_id, &cur, base_version, err)) {
		safety_plan_finish(&cur);
		return false;
	}
	instant_format_utc(clock_now(), now);
	res = careplan_resource(patient_id, me, cur.created != NULL ? cur.created : now, step, request_id);
	ok = write_plan(s, patient_id, &cur, base_version, res, request_id, out, err);
	cJSON_Delete(res);
	if (!ok && err->kind == ERR_CONFLICT && err->http_status != 0)
		ok = after_refusal(s, patient_id, base_version, request_id, out, err);
	safety_plan_finish(&cur);
	return ok;
}

void
safety_plan_finish(struct safety_plan *p)
{
	free(p->id);
	free(p->version);
	free(p->author_id);
	free(p->created);
	free(p->updated);
	for (int i = 0; i < SAFETY_STEPS; i++)
		free(p->step[i]);
	memset(p, 0, sizeof *p);
}
