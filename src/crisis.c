/* crisis.c - emergency contacts and crisis lines: see include/core/crisis.h. */
#include "core/crisis.h"

#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/model.h"
#include "core/sanitize.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#define V2_0131 "http://terminology.hl7.org/CodeSystem/v2-0131"

static const char *
str_of(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static bool
is_type(const cJSON *res, const char *type)
{
	const char *t = str_of(res, "resourceType");

	return t != NULL && strcmp(t, type) == 0;
}

static bool
has_code(const cJSON *concepts, const char *system, const char *code)
{
	const cJSON *cc, *c;

	cJSON_ArrayForEach(cc, concepts) {
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cc, "coding")) {
			const char *s = str_of(c, "system"), *k = str_of(c, "code");

			if (s != NULL && k != NULL && strcmp(s, system) == 0 && strcmp(k, code) == 0)
				return true;
		}
	}
	return false;
}

/* The first phone of a telecom array, or NULL (borrowed). */
static const char *
phone_of(const cJSON *telecom)
{
	const cJSON *t;

	cJSON_ArrayForEach(t, telecom) {
		const char *sys = str_of(t, "system");

		if (sys != NULL && strcmp(sys, "phone") == 0 && str_of(t, "value") != NULL)
			return str_of(t, "value");
	}
	return NULL;
}

/* ---- the client ---- */

/* An emergency contact: v2-0131 C, or a relationship whose text says so. */
static bool
is_emergency(const cJSON *contact)
{
	const cJSON *rel = cJSON_GetObjectItemCaseSensitive(contact, "relationship"), *cc;

	if (has_code(rel, V2_0131, "C"))
		return true;
	cJSON_ArrayForEach(cc, rel) {
		const char *t = str_of(cc, "text");

		if (t != NULL && ascii_eq_nocase(t, "emergency"))
			return true;
	}
	return false;
}

static void
add_contact(struct crisis_info *out, const cJSON *contact)
{
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(contact, "name");
	struct crisis_contact *c;
	cJSON *one;

	out->contacts = xreallocarray(out->contacts, out->ncontacts + 1, sizeof *out->contacts);
	c = &out->contacts[out->ncontacts++];
	/* human_name reads an array of HumanNames; a contact has one. */
	one = cJSON_CreateArray();
	if (name != NULL)
		cJSON_AddItemReferenceToArray(one, (cJSON *)name);
	c->name = human_name(one);
	cJSON_Delete(one);
	c->phone = dup_or_null(phone_of(cJSON_GetObjectItemCaseSensitive(contact, "telecom")));
	c->relationship = xstrdup("C");
}

void
crisis_from_patient(const cJSON *patient, struct crisis_info *out)
{
	const cJSON *a, *c;

	if (out->patient_name == NULL)
		out->patient_name = human_name(cJSON_GetObjectItemCaseSensitive(patient, "name"));
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(patient, "address")) {
		const char *country = str_of(a, "country");

		if (country != NULL && out->country == NULL) {
			out->country = xstrdup(country);
			/* ISO codes: compared and asked for in capitals, ASCII only. */
			for (char *p = out->country; *p != '\0'; p++)
				if (*p >= 'a' && *p <= 'z')
					*p = (char)(*p - 'a' + 'A');
		}
	}
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(patient, "contact")) {
		if (is_emergency(c))
			add_contact(out, c);
	}
}

/* ---- the lines ---- */

char *
crisis_lines_query(const char *country)
{
	char *e = http_escape(country);
	char *q = xasprintf("Location?address-country=%s&_revinclude=HealthcareService:coverage-area&_count=100", e);

	free(e);
	return q;
}

/* The Location "Location/id" names, when it is among the resources and in
 * the country; NULL otherwise (borrowed). */
static const cJSON *
location_in(const cJSON *resources, const char *ref, const char *country)
{
	const cJSON *r;

	if (ref == NULL || strncmp(ref, "Location/", 9) != 0)
		return NULL;
	cJSON_ArrayForEach(r, resources) {
		const cJSON *addr = cJSON_GetObjectItemCaseSensitive(r, "address");
		const char *id = str_of(r, "id"), *c = addr != NULL ? str_of(addr, "country") : NULL;

		if (is_type(r, "Location") && id != NULL && strcmp(id, ref + 9) == 0 && c != NULL &&
		    ascii_eq_nocase(c, country))
			return r;
	}
	return NULL;
}

static char *
languages_of(const cJSON *comm)
{
	const cJSON *cc;
	char *out = NULL;

	cJSON_ArrayForEach(cc, comm) {
		const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cc, "coding"), 0);
		const char *code = c != NULL ? str_of(c, "code") : NULL;
		char *next;

		if (code == NULL)
			continue;
		next = out != NULL ? xasprintf("%s,%s", out, code) : xstrdup(code);
		free(out);
		out = next;
	}
	return out;
}

static void
add_line(struct crisis_info *out, const cJSON *hs, const cJSON *loc)
{
	struct crisis_line *l;

	out->lines = xreallocarray(out->lines, out->nlines + 1, sizeof *out->lines);
	l = &out->lines[out->nlines++];
	l->id = dup_or_null(str_of(hs, "id"));
	l->name = dup_or_null(str_of(hs, "name"));
	l->phone = dup_or_null(phone_of(cJSON_GetObjectItemCaseSensitive(hs, "telecom")));
	l->area = dup_or_null(str_of(loc, "name"));
	l->languages = languages_of(cJSON_GetObjectItemCaseSensitive(hs, "communication"));
	l->comment = dup_or_null(str_of(hs, "comment"));
}

/* A crisis line of the country: active, typed so, with a phone, covering a
 * Location there; its Location, or NULL. */
static const cJSON *
line_area(const cJSON *resources, const cJSON *hs, const char *country)
{
	const cJSON *active = cJSON_GetObjectItemCaseSensitive(hs, "active"), *ref;

	if (!is_type(hs, "HealthcareService") || cJSON_IsFalse(active) ||
	    phone_of(cJSON_GetObjectItemCaseSensitive(hs, "telecom")) == NULL ||
	    !(has_code(cJSON_GetObjectItemCaseSensitive(hs, "type"), CRISIS_SERVICE_SYSTEM, CRISIS_SERVICE_CODE) ||
	      has_code(cJSON_GetObjectItemCaseSensitive(hs, "category"), CRISIS_SERVICE_SYSTEM, CRISIS_SERVICE_CODE)))
		return NULL;
	cJSON_ArrayForEach(ref, cJSON_GetObjectItemCaseSensitive(hs, "coverageArea")) {
		const cJSON *loc = location_in(resources, str_of(ref, "reference"), country);

		if (loc != NULL)
			return loc;
	}
	return NULL;
}

void
crisis_lines_from_resources(const cJSON *resources, const char *country, struct crisis_info *out)
{
	const cJSON *r;

	cJSON_ArrayForEach(r, resources) {
		const cJSON *loc = line_area(resources, r, country);

		if (loc != NULL)
			add_line(out, r, loc);
	}
}

/* The services the search's Locations have, when the server ignored the
 * _revinclude (a second round trip, only then). */
static bool
add_services(struct session *s, cJSON *all, struct error *err)
{
	const cJSON *r;
	char *ids = NULL, *q, *e;
	cJSON *more, *x;

	cJSON_ArrayForEach(r, all) {
		if (is_type(r, "HealthcareService"))
			return true;
	}
	cJSON_ArrayForEach(r, all) {
		char *next;

		if (!is_type(r, "Location") || str_of(r, "id") == NULL)
			continue;
		next = ids != NULL ? xasprintf("%s,Location/%s", ids, str_of(r, "id"))
				   : xasprintf("Location/%s", str_of(r, "id"));
		free(ids);
		ids = next;
	}
	if (ids == NULL)
		return true;
	e = http_escape(ids);
	q = xasprintf("HealthcareService?coverage-area=%s&_count=100", e);
	more = fhir_search(s, q, 500, err);
	free(q);
	free(e);
	free(ids);
	if (more == NULL)
		return false;
	while ((x = cJSON_DetachItemFromArray(more, 0)) != NULL)
		cJSON_AddItemToArray(all, x);
	cJSON_Delete(more);
	return true;
}

/* The lines from the server, kept in the cache; false with err when the
 * server could not say. */
static bool
lines_fetch(struct session *s, struct crisis_info *out, struct error *err)
{
	char *q = crisis_lines_query(out->country);
	cJSON *all = fhir_search(s, q, 500, err);
	struct error cerr;

	free(q);
	if (all == NULL || !add_services(s, all, err)) {
		cJSON_Delete(all);
		return false;
	}
	crisis_lines_from_resources(all, out->country, out);
	out->lines_known = true;
	out->fetched = clock_now();
	error_clear(&cerr);
	if (s->store != NULL)
		cache_put_crisis_lines(s->store, out->country, all, out->fetched, &cerr);
	cJSON_Delete(all);
	return true;
}

static void
lines_cached(struct session *s, struct crisis_info *out)
{
	cJSON *all = cache_crisis_lines(s->store, out->country, &out->fetched);

	if (all == NULL)
		return;
	crisis_lines_from_resources(all, out->country, out);
	out->lines_known = out->from_cache = true;
	cJSON_Delete(all);
}

/* The Patient, from the server, or the cache offline or when the server
 * cannot be reached. */
static cJSON *
patient_json(struct session *s, const char *id, struct error *err)
{
	cJSON *p;

	if (fhir_reads_cached(s)) {
		if ((p = cache_get(s->store, "Patient", id)) == NULL)
			error_set(err, ERR_NOT_FOUND, _("Client %s is not in the local cache; look them up once online."), id);
		return p;
	}
	p = fhir_read(s, "Patient", id, NULL, err);
	if (p == NULL && err->kind == ERR_NETWORK && s->store != NULL &&
	    (p = cache_get(s->store, "Patient", id)) != NULL)
		error_clear(err);
	return p;
}

bool
crisis_get(struct session *s, const char *patient_id, struct crisis_info *out, struct error *err)
{
	struct error lerr;
	cJSON *pat;

	memset(out, 0, sizeof *out);
	if ((pat = patient_json(s, patient_id, err)) == NULL)
		return false;
	crisis_from_patient(pat, out);
	cJSON_Delete(pat);
	if (out->country == NULL)
		return true;
	error_clear(&lerr);
	if (!fhir_reads_cached(s) && lines_fetch(s, out, &lerr))
		return true;
	if (lerr.kind != ERR_NONE && lerr.kind != ERR_NETWORK) {
		*err = lerr;
		crisis_info_finish(out);
		return false;
	}
	lines_cached(s, out);
	return true;
}

void
crisis_info_finish(struct crisis_info *c)
{
	for (size_t i = 0; i < c->nlines; i++) {
		free(c->lines[i].id);
		free(c->lines[i].name);
		free(c->lines[i].phone);
		free(c->lines[i].area);
		free(c->lines[i].languages);
		free(c->lines[i].comment);
	}
	for (size_t i = 0; i < c->ncontacts; i++) {
		free(c->contacts[i].name);
		free(c->contacts[i].phone);
		free(c->contacts[i].relationship);
	}
	free(c->patient_name);
	free(c->lines);
	free(c->contacts);
	free(c->country);
	memset(c, 0, sizeof *c);
}

int
crisis_phone_width(const struct crisis_info *c)
{
	int w = 0;

	for (size_t i = 0; i < c->nlines; i++) {
		if (c->lines[i].phone != NULL && display_width(c->lines[i].phone) > w)
			w = display_width(c->lines[i].phone);
	}
	for (size_t i = 0; i < c->ncontacts; i++) {
		if (c->contacts[i].phone != NULL && display_width(c->contacts[i].phone) > w)
			w = display_width(c->contacts[i].phone);
	}
	return w;
}
