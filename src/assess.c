/* assess.c - an instrument given to a client, saved: see include/core/assess.h. */
#include "core/assess.h"

#include <math.h>   /* isfinite, a macro: no libm */
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/fhir.h"
#include "core/fhirtx.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/people.h"
#include "core/xmalloc.h"

#define LOINC "http://loinc.org"
/* Our own systems, where no standard code is known (instrument.h says which). */
#define EZRIZI_INSTRUMENT "urn:ezrizi:instrument"
#define EZRIZI_BAND "urn:ezrizi:band"
#define EZRIZI_FLAG "urn:ezrizi:flag"
#define EZRIZI_CSSRS_BEHAVIOUR "urn:ezrizi:cssrs-behaviour"
#define EZRIZI_QUESTIONNAIRE_SCORE "urn:ezrizi:questionnaire-score"

/* FHIR-NOTES.md, assessments: answer list LL358-3. */
static const struct { const char *code, *display; } ll358_3[] = {
	{ "LA6568-5", "Not at all" },
	{ "LA6569-3", "Several days" },
	{ "LA6570-1", "More than half the days" },
	{ "LA6571-9", "Nearly every day" },
};

static cJSON *
concept(cJSON *first, cJSON *second, const char *text)
{
	cJSON *cc = cJSON_CreateObject(), *arr = cJSON_CreateArray();

	cJSON_AddItemToArray(arr, first);
	if (second != NULL)
		cJSON_AddItemToArray(arr, second);
	json_put(cc, "coding", arr);
	if (text != NULL)
		json_put_str(cc, "text", text);
	return cc;
}

static cJSON *
one(cJSON *item)
{
	cJSON *arr = cJSON_CreateArray();

	cJSON_AddItemToArray(arr, item);
	return arr;
}

char *
assess_canonical(const struct instrument *in)
{
	return in->panel_code != NULL ? xasprintf("http://loinc.org/q/%s", in->panel_code)
				      : xasprintf("urn:ezrizi:questionnaire:%s", in->id);
}

const struct instrument *
assess_instrument_of(const char *canonical)
{
	size_t n;
	const struct instrument *const *all = instrument_all(&n);

	for (size_t i = 0; canonical != NULL && i < n; i++) {
		char *c = assess_canonical(all[i]);
		bool same = strcmp(c, canonical) == 0;

		free(c);
		if (same)
			return all[i];
	}
	return NULL;
}

/* What the response names as its questionnaire: the canonical, with the
 * version given on ("url|version"); a form without a url, by its id. */
static char *
questionnaire_of(const struct assessment *a)
{
	const char *version = a->form_version;
	char *base, *out;

	if (a->in != NULL)
		base = assess_canonical(a->in);
	else if (a->form->url != NULL)
		base = xstrdup(a->form->url);
	else
		return xasprintf("Questionnaire/%s", a->form->id);
	/* A form's answers were given on the version read. */
	if (version == NULL && a->in == NULL)
		version = a->form->version;
	if (version == NULL)
		return base;
	out = xasprintf("%s|%s", base, version);
	free(base);
	return out;
}

/* One answer as the item's type wants it. */
static cJSON *
answer_value(const struct instrument *in, int i, int v)
{
	cJSON *ans = cJSON_CreateObject();

	if (in->rule == RULE_SUM && in->items[i].max == 3) {
		json_put(ans, "valueCoding", fhir_coding(LOINC, ll358_3[v].code, ll358_3[v].display));
	} else if (in->rule == RULE_CSSRS && i == 5) {
		static const char *const behaviour[] = { "no", "yes-over-3-months", "yes-past-3-months" };

		json_put(ans, "valueCoding", fhir_coding(EZRIZI_CSSRS_BEHAVIOUR, behaviour[v], NULL));
	} else if (in->rule == RULE_CSSRS) {
		cJSON_AddBoolToObject(ans, "valueBoolean", v == 1);
	} else {
		cJSON_AddNumberToObject(ans, "valueInteger", v);
	}
	return one(ans);
}

static cJSON *
response_resource(const struct assessment *a, const char *me, const char *lang, const char *now,
		  const char *request_id)
{
	cJSON *qr = cJSON_CreateObject(), *items = cJSON_CreateArray(), *id = cJSON_CreateObject();
	char *canonical = questionnaire_of(a);

	json_put_str(qr, "resourceType", "QuestionnaireResponse");
	/* R4: one Identifier here, not a list. */
	json_put_str(id, "system", FHIR_REQUEST_SYSTEM);
	json_put_str(id, "value", request_id);
	json_put(qr, "identifier", id);
	if (lang != NULL)
		json_put_str(qr, "language", lang);
	json_put_str(qr, "questionnaire", canonical);
	json_put_str(qr, "status", "completed");
	json_put(qr, "subject", fhir_reference("Patient", a->patient_id, NULL));
	json_put_str(qr, "authored", now);
	json_put(qr, "author", fhir_reference("Practitioner", me, NULL));
	if (a->in == NULL) {
		cJSON_Delete(items);
		items = questionnaire_response_items(a->form, a->form_answers);
	}
	for (int i = 0; a->in != NULL && i < a->n; i++) {
		cJSON *it;

		if (a->answers[i] == INSTR_MISSING)
			continue;
		it = cJSON_CreateObject();
		json_put_str(it, "linkId", a->in->items[i].link_id);
		json_put(it, "answer", answer_value(a->in, i, a->answers[i]));
		cJSON_AddItemToArray(items, it);
	}
	json_put(qr, "item", items);
	free(canonical);
	return qr;
}

/* An Observation of a total (category survey, derivedFrom the response),
 * with no value yet. */
static cJSON *
observation_base(const char *patient_id, cJSON *code, const char *me, const char *now,
		 const char *qr_url, const char *request_id)
{
	cJSON *o = cJSON_CreateObject(), *ref = cJSON_CreateObject();

	json_put_str(o, "resourceType", "Observation");
	fhir_set_request_identifier(o, request_id);
	json_put_str(o, "status", "final");
	json_put(o, "category", one(concept(fhir_coding("http://terminology.hl7.org/CodeSystem/observation-category",
						   "survey", "Survey"), NULL, NULL)));
	json_put(o, "code", code);
	json_put(o, "subject", fhir_reference("Patient", patient_id, NULL));
	json_put_str(o, "effectiveDateTime", now);
	json_put(o, "performer", one(fhir_reference("Practitioner", me, NULL)));
	json_put_str(ref, "reference", qr_url);
	json_put(o, "derivedFrom", one(ref));
	return o;
}

static cJSON *
observation_resource(const struct assessment *a, const struct instr_score *sc, const char *me,
		     const char *now, const char *qr_url, const char *request_id)
{
	cJSON *ours = fhir_coding(EZRIZI_INSTRUMENT, a->in->id, a->in->name);
	cJSON *code = a->in->total_code != NULL
		? concept(fhir_coding(LOINC, a->in->total_code, a->in->total_display), ours, NULL)
		: concept(ours, NULL, NULL);
	cJSON *o = observation_base(a->patient_id, code, me, now, qr_url, request_id);

	if (sc->score >= 0)
		cJSON_AddNumberToObject(o, "valueInteger", sc->score);
	else
		json_put(o, "valueCodeableConcept", concept(fhir_coding(EZRIZI_BAND, sc->band->code, NULL), NULL,
							    sc->band->code));
	json_put(o, "interpretation", one(concept(fhir_coding(EZRIZI_BAND, sc->band->code, NULL), NULL,
						  sc->band->code)));
	return o;
}

static cJSON *
form_observation(const struct assessment *a, double total, const char *me, const char *now,
		 const char *qr_url, const char *request_id)
{
	char *canonical = questionnaire_of(a), *bar = strchr(canonical, '|');
	cJSON *o;

	if (bar != NULL)
		*bar = '\0';
	o = observation_base(a->patient_id, concept(fhir_coding(EZRIZI_QUESTIONNAIRE_SCORE, canonical, a->form->title),
						    NULL, NULL), me, now, qr_url, request_id);
	if (total >= -9e15 && total <= 9e15 && total == (double)(long long)total)
		cJSON_AddNumberToObject(o, "valueInteger", total);
	else
		cJSON_AddNumberToObject(o, "valueDecimal", total);
	free(canonical);
	return o;
}

static cJSON *
flag_resource(const struct assessment *a, const struct instr_score *sc, const char *me, const char *now,
	      const char *obs_url, const char *request_id)
{
	cJSON *f = cJSON_CreateObject(), *period = cJSON_CreateObject(), *ext = cJSON_CreateObject();
	cJSON *ref = cJSON_CreateObject();
	char *text = a->in->rule == RULE_CSSRS
		? xasprintf("%s: %s", a->in->name, sc->band->code)
		: xasprintf("%s item %d answered %d", a->in->name, a->in->risk_item + 1,
			    a->answers[a->in->risk_item]);

	json_put_str(f, "resourceType", "Flag");
	fhir_set_request_identifier(f, request_id);
	json_put_str(f, "status", "active");
	json_put(f, "category", one(concept(fhir_coding("http://terminology.hl7.org/CodeSystem/flag-category",
						   "safety", "Safety"), NULL, NULL)));
	json_put(f, "code", concept(fhir_coding(EZRIZI_FLAG, "suicide-risk", NULL), NULL, text));
	json_put(f, "subject", fhir_reference("Patient", a->patient_id, NULL));
	json_put_str(period, "start", now);
	json_put(f, "period", period);
	json_put(f, "author", fhir_reference("Practitioner", me, NULL));
	/* What raised it: R4's flag-detail extension. */
	json_put_str(ext, "url", "http://hl7.org/fhir/StructureDefinition/flag-detail");
	json_put_str(ref, "reference", obs_url);
	json_put(ext, "valueReference", ref);
	json_put(f, "extension", one(ext));
	free(text);
	return f;
}

/* The id the server gave entry i of the transaction's answer, or NULL. */
static char *
entry_id(const cJSON *resp, int i)
{
	const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp, "entry"), i);
	char *ref = NULL, *version = NULL, *id = NULL;

	if (e != NULL && fhir_tx_entry_made(e, &ref, &version))
		id = xstrdup(strchr(ref, '/') + 1);
	free(ref);
	free(version);
	return id;
}

bool
assess_save(struct session *s, const struct assessment *a, const struct config *cfg,
	    struct assess_out *out, struct error *err)
{
	struct patient pat;
	struct fhir_tx tx;
	char request_id[37], now[21], sub[48], qr_uuid[37], obs_uuid[37], flag_uuid[37];
	char *qr_url, *obs_url, *flag_url, *ine;
	const char *me, *lang;
	cJSON *resp;
	bool ok = false;

	memset(out, 0, sizeof *out);
	if ((me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	if (!patient_get(s, a->patient_id, &pat, err))
		return false;
	lang = a->language != NULL ? a->language : pat.language;
	if (a->in == NULL)
		out->scored = questionnaire_total(a->form, a->form_answers, &out->total, NULL);
	else if (!instrument_score(a->in, a->answers, a->n, lang, cfg, &out->score, err)) {
		patient_finish(&pat);
		return false;
	}
	out->language = lang != NULL ? xstrdup(lang) : NULL;
	patient_finish(&pat);
	session_request_id(s, request_id);
	instant_format_utc(clock_now(), now);
	fhir_uuid(qr_uuid);
	fhir_uuid(obs_uuid);
	fhir_uuid(flag_uuid);
	qr_url = xasprintf("urn:uuid:%s", qr_uuid);
	obs_url = xasprintf("urn:uuid:%s", obs_uuid);
	flag_url = xasprintf("urn:uuid:%s", flag_uuid);
	fhir_tx_init(&tx);
	/* Each create is conditional on its own write id, all from the
	 * command's: a replay makes none of them twice. */
	ine = fhir_if_none_exist(request_id);
	fhir_tx_create(&tx, response_resource(a, me, out->language, now, request_id), qr_url, ine);
	free(ine);
	snprintf(sub, sizeof sub, "%s-obs", request_id);
	ine = fhir_if_none_exist(sub);
	if (a->in != NULL)
		fhir_tx_create(&tx, observation_resource(a, &out->score, me, now, qr_url, sub), obs_url, ine);
	else if (out->scored)
		fhir_tx_create(&tx, form_observation(a, out->total, me, now, qr_url, sub), obs_url, ine);
	free(ine);
	if (out->score.risk) {
		snprintf(sub, sizeof sub, "%s-flag", request_id);
		ine = fhir_if_none_exist(sub);
		fhir_tx_create(&tx, flag_resource(a, &out->score, me, now, obs_url, sub), flag_url, ine);
		free(ine);
	}
	resp = fhir_tx_commit(s, &tx, err);
	if (resp != NULL) {
		out->response_id = entry_id(resp, 0);
		out->observation_id = a->in != NULL || out->scored ? entry_id(resp, 1) : NULL;
		out->flag_id = out->score.risk ? entry_id(resp, 2) : NULL;
		ok = out->response_id != NULL && (out->observation_id != NULL || (a->in == NULL && !out->scored)) &&
		     (!out->score.risk || out->flag_id != NULL);
		if (!ok)
			error_set(err, ERR_FAILED, _("The server saved the assessment but did not say under which ids; do not enter it again."));
		cJSON_Delete(resp);
	}
	fhir_tx_finish(&tx);
	free(qr_url);
	free(obs_url);
	free(flag_url);
	return ok;
}

void
assess_out_finish(struct assess_out *o)
{
	free(o->response_id);
	free(o->observation_id);
	free(o->flag_id);
	free(o->language);
	memset(o, 0, sizeof *o);
}
