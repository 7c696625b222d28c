/* audit.c - see include/core/audit.h.
 *
 * Records: audit/UUID, the AuditEvent as it will be sent (sealed like every
 * record of the store). Without a store, a list in this process's memory. */
#include "core/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/xmalloc.h"

#define AUDIT_TYPE "audit"
#define DCM "http://dicom.nema.org/resources/ontology/DCM"
#define REST "http://hl7.org/fhir/restful-interaction"

struct act_info {
	const char *word;      /* ezrizi's act */
	const char *action;    /* R C U */
	const char *rest;      /* the restful interaction */
	const char *label;     /* N_() */
};

static const struct act_info acts[] = {
	[AUDIT_VIEW] = { "view", "R", "read", N_("viewed") },
	[AUDIT_LIST] = { "list", "R", "search-type", N_("listed") },
	[AUDIT_WRITE] = { "write", "C", "create", N_("wrote") },
	[AUDIT_SIGN] = { "sign", "U", "update", N_("signed") },
	[AUDIT_AMEND] = { "amend", "C", "create", N_("amended") },
	[AUDIT_ADDENDUM] = { "addendum", "C", "create", N_("added to") },
	[AUDIT_COSIGN] = { "cosign", "U", "update", N_("co-signed") },
	[AUDIT_EXPORT] = { "export", "R", "read", N_("exported") },
};
#define NACTS (sizeof acts / sizeof acts[0])

const char *
audit_act_word(enum audit_act act)
{
	return (size_t)act < NACTS ? acts[act].word : "view";
}

const char *
audit_act_label(const char *word)
{
	for (size_t i = 0; word != NULL && i < NACTS; i++) {
		if (strcmp(acts[i].word, word) == 0)
			return _(acts[i].label);
	}
	return word != NULL ? word : "";
}

/* ---- the event ---- */

static cJSON *
concept(cJSON *coding_)
{
	cJSON *cc = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(cc, "coding");

	cJSON_AddItemToArray(arr, coding_);
	return cc;
}

/* This machine's name: the network address R4 calls type 1 (cheap: no
 * network asked). */
static void
host_name(char out[256])
{
	if (gethostname(out, 255) != 0 || out[0] == '\0')
		snprintf(out, 256, "localhost");
	out[255] = '\0';
}

static cJSON *
agent(struct session *s)
{
	cJSON *a = cJSON_CreateObject(), *net;
	struct error e;
	const char *me;
	char host[256];

	json_put(a, "type", concept(fhir_coding("http://terminology.hl7.org/CodeSystem/extra-security-role-type",
					   "humanuser", "human user")));
	error_clear(&e);
	if (s->me_id != NULL && s->me_type != NULL) {
		json_put(a, "who", fhir_reference(s->me_type, s->me_id, s->me_name));
	} else if ((me = session_practitioner(s, NULL, &e)) != NULL) {
		json_put(a, "who", fhir_reference("Practitioner", me, s->me_name));
	}
	if (s->login_user != NULL)
		json_put_str(a, "altId", s->login_user);
	cJSON_AddBoolToObject(a, "requestor", 1);
	host_name(host);
	net = cJSON_AddObjectToObject(a, "network");
	json_put_str(net, "address", host);
	json_put_str(net, "type", "1");
	return a;
}

static cJSON *
source(void)
{
	cJSON *src = cJSON_CreateObject(), *obs, *types;
	char host[256], *name;

	host_name(host);
	name = xasprintf("ezrizi %s on %s", EZRIZI_VERSION, host);
	json_put_str(src, "site", host);
	obs = cJSON_AddObjectToObject(src, "observer");
	json_put_str(obs, "display", name);
	types = cJSON_AddArrayToObject(src, "type");
	cJSON_AddItemToArray(types, fhir_coding("http://terminology.hl7.org/CodeSystem/security-source-type",
					   "1", "User Device"));
	free(name);
	return src;
}

static cJSON *
entity(const char *ref, const char *type_code, const char *type_display, const char *role_code,
       const char *role_display)
{
	cJSON *e = cJSON_CreateObject(), *what;

	if (ref != NULL) {
		what = cJSON_AddObjectToObject(e, "what");
		json_put_str(what, "reference", ref);
	}
	json_put(e, "type", fhir_coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", type_code,
				   type_display));
	json_put(e, "role", fhir_coding("http://terminology.hl7.org/CodeSystem/object-role", role_code, role_display));
	return e;
}

/* A list: the search itself, as R4 keeps a query (base64). */
static cJSON *
query_entity(const char *type, const char *patient_id)
{
	cJSON *e = entity(NULL, "2", "System Object", "24", "Query");
	char *q = xasprintf("%s?subject=Patient/%s", type, patient_id != NULL ? patient_id : "");
	size_t n = sodium_base64_encoded_len(strlen(q), sodium_base64_VARIANT_ORIGINAL);
	char *b64 = xmalloc(n);

	sodium_bin2base64(b64, n, (const unsigned char *)q, strlen(q), sodium_base64_VARIANT_ORIGINAL);
	json_put_str(e, "query", b64);
	json_put_str(e, "name", type);
	free(b64);
	free(q);
	return e;
}

cJSON *
audit_event(struct session *s, enum audit_act act, const char *what, const char *patient_id,
	    time_t when, const char *uuid)
{
	const struct act_info *ai = &acts[(size_t)act < NACTS ? act : AUDIT_VIEW];
	cJSON *ev = cJSON_CreateObject(), *meta, *arr;
	char rec[21];

	json_put_str(ev, "resourceType", "AuditEvent");
	meta = cJSON_AddObjectToObject(ev, "meta");
	arr = cJSON_AddArrayToObject(meta, "tag");
	cJSON_AddItemToArray(arr, fhir_coding(AUDIT_SYSTEM, uuid, NULL));
	json_put(ev, "type", act == AUDIT_EXPORT ? fhir_coding(DCM, "110106", "Export")
						  : fhir_coding(DCM, "110110", "Patient Record"));
	arr = cJSON_AddArrayToObject(ev, "subtype");
	cJSON_AddItemToArray(arr, fhir_coding(REST, ai->rest, ai->rest));
	cJSON_AddItemToArray(arr, fhir_coding(AUDIT_ACT_SYSTEM, ai->word, ai->word));
	json_put_str(ev, "action", ai->action);
	instant_format_utc(when, rec);
	json_put_str(ev, "recorded", rec);
	json_put_str(ev, "outcome", "0");
	arr = cJSON_AddArrayToObject(ev, "agent");
	cJSON_AddItemToArray(arr, agent(s));
	json_put(ev, "source", source());
	arr = cJSON_AddArrayToObject(ev, "entity");
	if (act == AUDIT_LIST)
		cJSON_AddItemToArray(arr, query_entity(what, patient_id));
	else if (what != NULL)
		cJSON_AddItemToArray(arr, entity(what, "2", "System Object", "4", "Domain Resource"));
	if (patient_id != NULL) {
		char *ref = xasprintf("Patient/%s", patient_id);

		cJSON_AddItemToArray(arr, entity(ref, "1", "Person", "1", "Patient"));
		free(ref);
	}
	return ev;
}

/* ---- keeping them ---- */

/* Without a store: this process's own list. */
static cJSON *memory_queue;

/* The last acts recorded: the same within a second is one. */
static struct {
	enum audit_act act;
	char key[160];
	time_t at;
} recent[8];
static size_t recent_next;

static bool
seen_just_now(enum audit_act act, const char *what, const char *patient_id, time_t now)
{
	char key[160];

	snprintf(key, sizeof key, "%s|%s", what != NULL ? what : "", patient_id != NULL ? patient_id : "");
	for (size_t i = 0; i < sizeof recent / sizeof recent[0]; i++) {
		if (recent[i].at != 0 && recent[i].act == act && now - recent[i].at <= 1 &&
		    strcmp(recent[i].key, key) == 0)
			return true;
	}
	recent[recent_next].act = act;
	snprintf(recent[recent_next].key, sizeof recent[recent_next].key, "%s", key);
	recent[recent_next].at = now;
	recent_next = (recent_next + 1) % (sizeof recent / sizeof recent[0]);
	return false;
}

bool
audit_record(struct session *s, enum audit_act act, const char *what, const char *patient_id,
	     struct error *err)
{
	time_t now = time(NULL);
	char uuid[37], *text;
	cJSON *ev;
	bool ok = true;

	if (seen_just_now(act, what, patient_id, now))
		return true;
	fhir_uuid(uuid);
	ev = audit_event(s, act, what, patient_id, now, uuid);
	if (s->store == NULL) {
		if (memory_queue == NULL)
			memory_queue = cJSON_CreateArray();
		cJSON_AddItemToArray(memory_queue, ev);
		return true;
	}
	text = cJSON_PrintUnformatted(ev);
	{
		struct store_rec r = { .type = AUDIT_TYPE, .id = uuid, .version = "", .person = patient_id,
				       .data = text, .len = strlen(text) };

		ok = store_put(s->store, &r, err);
	}
	sodium_memzero(text, strlen(text));
	cJSON_free(text);
	cJSON_Delete(ev);
	return ok;
}

/* ---- what waits ---- */

static bool
collect(const char *id, const char *version, const void *data, size_t len, void *arg)
{
	cJSON *all = arg, *ev;
	struct error e;

	(void)id;
	(void)version;
	error_clear(&e);
	if ((ev = json_parse(data, len, "audit event", &e)) != NULL)
		cJSON_AddItemToArray(all, ev);
	return true;
}

static const char *
event_str(const cJSON *ev, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ev, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/* ezrizi's tag of an event, or NULL. */
static const char *
event_uuid(const cJSON *ev)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(ev, "meta"), *t;

	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(meta, "tag")) {
		if (strcmp(event_str(t, "system"), AUDIT_SYSTEM) == 0 && *event_str(t, "code") != '\0')
			return event_str(t, "code");
	}
	return NULL;
}

static int
by_recorded(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	int c = strcmp(event_str(x, "recorded"), event_str(y, "recorded"));

	return c != 0 ? c : strcmp(event_uuid(x) ? event_uuid(x) : "", event_uuid(y) ? event_uuid(y) : "");
}

/* Every waiting event, oldest first (new array). */
static cJSON *
pending_all(struct session *s)
{
	cJSON *all = cJSON_CreateArray(), *ev, *sorted;
	const cJSON **v;
	struct error e;
	size_t n, i = 0;

	error_clear(&e);
	if (s->store != NULL)
		store_find(s->store, STORE_BY_KIND, AUDIT_TYPE, NULL, collect, all, NULL, &e);
	cJSON_ArrayForEach(ev, memory_queue)
		cJSON_AddItemToArray(all, cJSON_Duplicate(ev, 1));
	n = (size_t)cJSON_GetArraySize(all);
	v = xcalloc(n + 1, sizeof *v);
	cJSON_ArrayForEach(ev, all)
		v[i++] = ev;
	qsort(v, n, sizeof *v, by_recorded);
	sorted = cJSON_CreateArray();
	for (i = 0; i < n; i++)
		cJSON_AddItemToArray(sorted, cJSON_Duplicate(v[i], 1));
	free(v);
	cJSON_Delete(all);
	return sorted;
}

static bool
count(const char *id, const char *version, const void *data, size_t len, void *arg)
{
	(void)id;
	(void)version;
	(void)data;
	(void)len;
	++*(size_t *)arg;
	return true;
}

bool
audit_pending_in(struct store *st, size_t *n, struct error *err)
{
	*n = 0;
	return store_find(st, STORE_BY_KIND, AUDIT_TYPE, NULL, count, n, NULL, err);
}

size_t
audit_pending_count(struct session *s)
{
	cJSON *all = pending_all(s);
	size_t n = (size_t)cJSON_GetArraySize(all);

	cJSON_Delete(all);
	return n;
}

cJSON *
audit_bundle(struct session *s, size_t max)
{
	cJSON *all = pending_all(s), *ev, *bundle = NULL;
	size_t n = 0;

	cJSON_ArrayForEach(ev, all) {
		const char *uuid = event_uuid(ev);
		char *cond;

		if (uuid == NULL || n >= max)
			continue;
		if (bundle == NULL)
			bundle = fhir_bundle_new("batch");
		cond = xasprintf("_tag=%s|%s", AUDIT_SYSTEM, uuid);
		fhir_bundle_add(bundle, "POST", "AuditEvent", cJSON_Duplicate(ev, 1), NULL, NULL, cond);
		free(cond);
		n++;
	}
	cJSON_Delete(all);
	return bundle;
}

static bool
status_ok(const cJSON *entry)
{
	const cJSON *resp = cJSON_GetObjectItemCaseSensitive(entry, "response");
	const char *st = event_str(resp, "status");

	return st[0] == '2';
}

static void
forget(struct session *s, const char *uuid)
{
	struct error e;
	cJSON *ev;
	int i = 0;

	error_clear(&e);
	if (s->store != NULL)
		(void)store_delete(s->store, AUDIT_TYPE, uuid, &e);
	cJSON_ArrayForEach(ev, memory_queue) {
		const char *u = event_uuid(ev);

		if (u != NULL && strcmp(u, uuid) == 0) {
			cJSON_DeleteItemFromArray(memory_queue, i);
			return;
		}
		i++;
	}
}

size_t
audit_take(struct session *s, const cJSON *bundle, const cJSON *answer, size_t *refused)
{
	const cJSON *sent = cJSON_GetObjectItemCaseSensitive(bundle, "entry");
	const cJSON *got = cJSON_GetObjectItemCaseSensitive(answer, "entry");
	size_t n = 0, bad = 0;
	int i, count = cJSON_GetArraySize(sent);

	for (i = 0; i < count; i++) {
		const cJSON *e = cJSON_GetArrayItem(sent, i), *a = cJSON_GetArrayItem(got, i);
		const char *uuid = event_uuid(cJSON_GetObjectItemCaseSensitive(e, "resource"));

		if (uuid == NULL)
			continue;
		if (a != NULL && status_ok(a)) {
			char *keep = xstrdup(uuid);

			forget(s, keep);
			free(keep);
			n++;
		} else {
			bad++;
		}
	}
	if (refused != NULL)
		*refused = bad;
	return n;
}

bool
audit_deliver(struct session *s, size_t *sent, struct error *err)
{
	cJSON *bundle, *answer;
	size_t refused = 0;

	*sent = 0;
	if (fhir_reads_cached(s))
		return true;   /* offline: they wait */
	while ((bundle = audit_bundle(s, AUDIT_BATCH_MAX)) != NULL) {
		size_t got;

		answer = fhir_bundle_post(s, bundle, err);
		if (answer == NULL) {
			cJSON_Delete(bundle);
			return false;
		}
		got = audit_take(s, bundle, answer, &refused);
		*sent += got;
		cJSON_Delete(bundle);
		cJSON_Delete(answer);
		if (refused > 0)
			return error_set(err, ERR_FAILED, ngettext("The server refused %zu audit record; it is kept and sent again later.",
								  "The server refused %zu audit records; they are kept and sent again later.",
								  refused), refused);
		if (got == 0)
			break;
	}
	return true;
}

/* ---- what I did ---- */

void
audit_entry_finish(struct audit_entry *e)
{
	free(e->id);
	free(e->uuid);
	free(e->action);
	free(e->act);
	free(e->what);
	free(e->patient_id);
	memset(e, 0, sizeof *e);
}

void
audit_list_finish(struct audit_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		audit_entry_finish(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? xstrdup(s) : NULL;
}

/* The act: ezrizi's word, else the first subtype's code. */
static const char *
event_act(const cJSON *ev)
{
	const cJSON *c, *first = NULL;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(ev, "subtype")) {
		if (first == NULL)
			first = c;
		if (strcmp(event_str(c, "system"), AUDIT_ACT_SYSTEM) == 0)
			return event_str(c, "code");
	}
	return first != NULL ? event_str(first, "code") : "";
}

bool
audit_entry_from_json(const cJSON *res, struct audit_entry *out)
{
	const cJSON *e;

	memset(out, 0, sizeof *out);
	if (strcmp(event_str(res, "resourceType"), "AuditEvent") != 0 ||
	    !instant_parse(event_str(res, "recorded"), &out->recorded))
		return false;
	out->id = dup_or_null(event_str(res, "id"));
	out->uuid = dup_or_null(event_uuid(res));
	out->action = dup_or_null(event_str(res, "action"));
	out->act = dup_or_null(event_act(res));
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(res, "entity")) {
		const char *ref = event_str(cJSON_GetObjectItemCaseSensitive(e, "what"), "reference");

		if (strncmp(ref, "Patient/", 8) == 0 && out->patient_id == NULL)
			out->patient_id = xstrdup(ref + 8);
		else if (ref[0] != '\0' && out->what == NULL)
			out->what = xstrdup(ref);
		else if (ref[0] == '\0' && out->what == NULL && *event_str(e, "name") != '\0')
			out->what = xstrdup(event_str(e, "name"));
	}
	return true;
}

static void
list_add(struct audit_list *l, struct audit_entry *e)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = *e;
}

static bool
listed(const struct audit_list *l, const char *uuid)
{
	for (size_t i = 0; uuid != NULL && i < l->n; i++) {
		if (l->v[i].uuid != NULL && strcmp(l->v[i].uuid, uuid) == 0)
			return true;
	}
	return false;
}

static bool
wanted(const struct audit_entry *e, time_t since, const char *patient_id)
{
	return e->recorded >= since &&
	       (patient_id == NULL || (e->patient_id != NULL && strcmp(e->patient_id, patient_id) == 0));
}

static void
add_from(struct audit_list *l, const cJSON *all, bool pending, time_t since, const char *patient_id)
{
	const cJSON *res;

	cJSON_ArrayForEach(res, all) {
		struct audit_entry e;

		if (!audit_entry_from_json(res, &e))
			continue;
		e.pending = pending;
		if (!wanted(&e, since, patient_id) || listed(l, e.uuid)) {
			audit_entry_finish(&e);
			continue;
		}
		list_add(l, &e);
	}
}

static int
newest_first(const void *a, const void *b)
{
	const struct audit_entry *x = a, *y = b;

	return x->recorded < y->recorded ? 1 : x->recorded > y->recorded ? -1 : 0;
}

static char *
query_path(const char *me, time_t since, const char *patient_id)
{
	char when[21], *ref = xasprintf("Practitioner/%s", me), *eref = http_escape(ref), *ge, *ege, *path;

	instant_format_utc(since, when);
	ge = xasprintf("ge%s", when);
	ege = http_escape(ge);
	if (patient_id != NULL) {
		char *p = xasprintf("Patient/%s", patient_id), *ep = http_escape(p);

		path = xasprintf("AuditEvent?agent=%s&date=%s&entity=%s&_sort=-date&_count=200", eref, ege, ep);
		free(p);
		free(ep);
	} else {
		path = xasprintf("AuditEvent?agent=%s&date=%s&_sort=-date&_count=200", eref, ege);
	}
	free(ref);
	free(eref);
	free(ge);
	free(ege);
	return path;
}

bool
audit_query(struct session *s, time_t since, const char *patient_id, struct audit_list *out,
	    struct error *err)
{
	cJSON *pending, *server = NULL;
	const char *me;

	memset(out, 0, sizeof *out);
	if (patient_id != NULL && !fhir_id_ok(patient_id))
		return error_set(err, ERR_USAGE, _("'%s' is not a valid %s id; ids are letters, digits, '-' and '.'."),
				 patient_id, "Patient");
	if (since == 0)
		since = time(NULL) - 30 * 86400;
	out->from_cache = fhir_reads_cached(s);
	if (!out->from_cache) {
		char *path;

		if ((me = session_practitioner(s, NULL, err)) == NULL)
			return false;
		path = query_path(me, since, patient_id);
		server = fhir_search(s, path, 5000, err);
		free(path);
		if (server == NULL)
			return false;
	}
	pending = pending_all(s);
	/* The server's first: one delivered whose answer was lost is not pending. */
	add_from(out, server, false, since, patient_id);
	add_from(out, pending, true, since, patient_id);
	cJSON_Delete(pending);
	cJSON_Delete(server);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, newest_first);
	return true;
}
