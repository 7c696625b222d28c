/* cache.c - see include/core/cache.h. */
#include "core/cache.h"

#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/model.h"
#include "core/xmalloc.h"

static const char *
str_of(const cJSON *obj, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* The first reference of an array member to a type ("Patient"), as an id. */
static char *
first_ref(const cJSON *res, const char *key, const char *type)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(res, key), *it;

	if (cJSON_IsObject(v))
		return reference_id(v, type);
	cJSON_ArrayForEach(it, v) {
		char *id = reference_id(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(it, "actor"))
					? cJSON_GetObjectItemCaseSensitive(it, "actor") : it, type);

		if (id != NULL)
			return id;
	}
	return NULL;
}

size_t
cache_put_resource(struct store *st, const cJSON *res)
{
	const char *type = str_of(res, "resourceType"), *id = str_of(res, "id");
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(res, "meta");
	const char *version = meta != NULL ? str_of(meta, "versionId") : NULL;
	struct store_rec r = { 0 };
	char day[11], *person = NULL, *thread = NULL, *text;
	struct error err;
	time_t start;
	bool ok;

	if (st == NULL || type == NULL || id == NULL)
		return 0;
	r.type = type;
	r.id = id;
	r.version = version != NULL ? version : "";
	if (strcmp(type, "Appointment") == 0) {
		if (str_of(res, "start") != NULL && instant_parse(str_of(res, "start"), &start)) {
			date_format(date_of(start), day);
			r.day = day;
		}
		person = first_ref(res, "participant", "Patient");
	} else if (strcmp(type, "DocumentReference") == 0 || strcmp(type, "Communication") == 0 ||
		   strcmp(type, "Observation") == 0 ||
		   strcmp(type, "CarePlan") == 0) {
		person = first_ref(res, "subject", "Patient");
		if (strcmp(type, "Communication") == 0) {
			thread = first_ref(res, "partOf", "Communication");
			if (thread == NULL)
				thread = xstrdup(id);
		}
	} else if (strcmp(type, "Provenance") == 0) {
		/* A note's signature: found by the note (its thread key). */
		if ((thread = first_ref(res, "target", "DocumentReference")) == NULL)
			return 0;
	} else if (strcmp(type, "Flag") == 0) {
		person = first_ref(res, "subject", "Patient");
	} else if (strcmp(type, "Patient") == 0) {
		person = xstrdup(id);
	} else if (strcmp(type, "Practitioner") != 0 && strcmp(type, "Slot") != 0 &&
		   strcmp(type, "Schedule") != 0 && strcmp(type, "Group") != 0 &&
		   strcmp(type, "Questionnaire") != 0) {
		return 0;  /* only what ezrizi shows */
	}
	r.person = person;
	r.thread = thread;
	text = json_print(res);
	r.data = text;
	r.len = strlen(text);
	error_clear(&err);
	ok = store_put(st, &r, &err);
	cJSON_free(text);
	free(person);
	free(thread);
	return ok ? 0 : 1;
}

size_t
cache_put_resources(struct store *st, const cJSON *resources)
{
	const cJSON *res;
	size_t failed = 0;
	struct error err;

	/* One durable commit for the lot, not one fsync a resource. */
	error_clear(&err);
	if (st == NULL || !store_begin(st, &err))
		return st == NULL ? 0 : (size_t)cJSON_GetArraySize(resources);
	cJSON_ArrayForEach(res, resources)
		failed += cache_put_resource(st, res);
	if (!store_commit(st, &err))
		return (size_t)cJSON_GetArraySize(resources);
	return failed;
}

cJSON *
cache_get(struct store *st, const char *type, const char *id)
{
	struct error err;
	void *data;
	size_t len;
	cJSON *res;

	error_clear(&err);
	if (st == NULL || id == NULL || !store_get(st, type, id, &data, &len, NULL, &err))
		return NULL;
	res = json_parse(data, len, "cache", &err);
	store_free(data, len);
	return res;
}

struct collect {
	cJSON *out;
	const char *practitioner;  /* keep only appointments with this actor */
};

static bool
collect(const char *id, const char *version, const void *data, size_t len, void *arg)
{
	struct collect *c = arg;
	struct error err;
	cJSON *res;

	(void)id;
	(void)version;
	error_clear(&err);
	if ((res = json_parse(data, len, "cache", &err)) == NULL)
		return true;
	if (c->practitioner != NULL) {
		char *p = first_ref(res, "participant", "Practitioner");
		bool mine = p != NULL && strcmp(p, c->practitioner) == 0;

		free(p);
		if (!mine) {
			cJSON_Delete(res);
			return true;
		}
	}
	cJSON_AddItemToArray(c->out, res);
	return true;
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the named people of the resources (clients, counsellors) from the
 * cache, each once: a day of one counsellor's sessions names her in every
 * one (she was read and decrypted 274 times for a day of 274). */
static void
add_people(struct store *st, cJSON *out, const char *key, const char *type)
{
	size_t n = (size_t)cJSON_GetArraySize(out), k = 0;
	char **ids = xcalloc(n + 1, sizeof *ids);
	const cJSON *res;

	cJSON_ArrayForEach(res, out) {
		char *id = first_ref(res, key, type);

		if (id != NULL)
			ids[k++] = id;
	}
	qsort(ids, k, sizeof *ids, id_cmp);
	for (size_t i = 0; i < k; i++) {
		cJSON *p;

		if ((i == 0 || strcmp(ids[i], ids[i - 1]) != 0) && (p = cache_get(st, type, ids[i])) != NULL)
			cJSON_AddItemToArray(out, p);
	}
	for (size_t i = 0; i < k; i++)
		free(ids[i]);
	free(ids);
}

cJSON *
cache_appointments(struct store *st, struct civil_date from, struct civil_date to,
		   const char *practitioner)
{
	struct collect c = { cJSON_CreateArray(), practitioner };
	struct error err;

	for (struct civil_date d = from; date_cmp(d, to) <= 0; d = date_add_days(d, 1)) {
		char day[11];

		date_format(d, day);
		error_clear(&err);
		store_find(st, STORE_BY_DAY, "Appointment", day, collect, &c, NULL, &err);
	}
	add_people(st, c.out, "participant", "Patient");
	add_people(st, c.out, "participant", "Practitioner");
	return c.out;
}

/* The Provenances (signatures) of the notes among out. */
static void
add_signatures(struct store *st, cJSON *out)
{
	size_t n = (size_t)cJSON_GetArraySize(out);
	struct collect c = { out, NULL };
	struct error err;

	for (size_t i = 0; i < n; i++) {
		const cJSON *r = cJSON_GetArrayItem(out, (int)i);
		const char *type = str_of(r, "resourceType"), *id = str_of(r, "id");

		if (type == NULL || id == NULL || strcmp(type, "DocumentReference") != 0)
			continue;
		error_clear(&err);
		store_find(st, STORE_BY_THREAD, "Provenance", id, collect, &c, NULL, &err);
	}
}

cJSON *
cache_notes(struct store *st, const char *patient_id)
{
	struct collect c = { cJSON_CreateArray(), NULL };
	struct error err;

	error_clear(&err);
	store_find(st, STORE_BY_PERSON, "DocumentReference", patient_id, collect, &c, NULL, &err);
	add_people(st, c.out, "author", "Practitioner");
	add_signatures(st, c.out);
	return c.out;
}

cJSON *
cache_appointments_of(struct store *st, const char *patient_id)
{
	struct collect c = { cJSON_CreateArray(), NULL };
	struct error err;

	error_clear(&err);
	store_find(st, STORE_BY_PERSON, "Appointment", patient_id, collect, &c, NULL, &err);
	return c.out;
}

cJSON *
cache_careplans(struct store *st, const char *patient_id)
{
	struct collect c = { cJSON_CreateArray(), NULL };
	struct error err;

	error_clear(&err);
	store_find(st, STORE_BY_PERSON, "CarePlan", patient_id, collect, &c, NULL, &err);
	return c.out;
}

/* The crisis lines of a country are one record: what the search brought and
 * when, so the view can say how old its copy is. */
#define CRISIS_TYPE "crisis-lines"

bool
cache_put_crisis_lines(struct store *st, const char *country, const cJSON *resources,
		       time_t fetched, struct error *err)
{
	cJSON *rec = cJSON_CreateObject();
	struct store_rec r = { .type = CRISIS_TYPE, .id = country, .version = "" };
	char at[21], *text;
	bool ok;

	instant_format_utc(fetched, at);
	json_put_str(rec, "fetched", at);
	json_put(rec, "resources", cJSON_Duplicate(resources, true));
	text = json_print(rec);
	r.data = text;
	r.len = strlen(text);
	ok = store_put(st, &r, err);
	cJSON_free(text);
	cJSON_Delete(rec);
	return ok;
}

cJSON *
cache_crisis_lines(struct store *st, const char *country, time_t *fetched)
{
	cJSON *rec = st != NULL ? cache_get(st, CRISIS_TYPE, country) : NULL, *res;
	const char *at = rec != NULL ? str_of(rec, "fetched") : NULL;

	if (rec == NULL || at == NULL || !instant_parse(at, fetched) ||
	    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(rec, "resources"))) {
		cJSON_Delete(rec);
		return NULL;
	}
	res = cJSON_DetachItemFromObjectCaseSensitive(rec, "resources");
	cJSON_Delete(rec);
	return res;
}

cJSON *
cache_chat(struct store *st, const char *patient_id)
{
	struct collect c = { cJSON_CreateArray(), NULL };
	struct error err;

	error_clear(&err);
	store_find(st, STORE_BY_PERSON, "Communication", patient_id, collect, &c, NULL, &err);
	add_people(st, c.out, "sender", "Patient");
	add_people(st, c.out, "sender", "Practitioner");
	return c.out;
}

cJSON *
cache_flags(struct store *st, const char *patient_id)
{
	struct collect c = { cJSON_CreateArray(), NULL };
	struct error err;

	error_clear(&err);
	if (patient_id != NULL)
		store_find(st, STORE_BY_PERSON, "Flag", patient_id, collect, &c, NULL, &err);
	else
		store_find(st, STORE_BY_KIND, "Flag", NULL, collect, &c, NULL, &err);
	add_people(st, c.out, "subject", "Patient");
	add_people(st, c.out, "author", "Practitioner");
	return c.out;
}

cJSON *
cache_scores(struct store *st, const char *patient_id)
{
	struct collect c = { cJSON_CreateArray(), NULL };
	struct error err;

	error_clear(&err);
	store_find(st, STORE_BY_PERSON, "Observation", patient_id, collect, &c, NULL, &err);
	return c.out;
}

cJSON *
cache_questionnaires(struct store *st)
{
	struct collect c = { cJSON_CreateArray(), NULL };
	struct error err;

	error_clear(&err);
	store_find(st, STORE_BY_KIND, "Questionnaire", NULL, collect, &c, NULL, &err);
	return c.out;
}

cJSON *
cache_patients(struct store *st, struct error *err)
{
	struct collect c = { cJSON_CreateArray(), NULL };

	if (!store_find(st, STORE_BY_KIND, "Patient", NULL, collect, &c, NULL, err)) {
		cJSON_Delete(c.out);
		return NULL;
	}
	return c.out;
}
