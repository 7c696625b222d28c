/* flag.c - risk flags: see include/core/flag.h. */
#include "core/flag.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/people.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#define FLAG_TEXT_MAX 4096
#define FLAG_CATEGORY "http://terminology.hl7.org/CodeSystem/flag-category"
/* ezrizi's own code for a flag raised by a counsellor's judgement; an
 * assessment's is suicide-risk (assess.c). */
#define EZRIZI_FLAG "urn:ezrizi:flag"

char *
flag_query_path(const char *patient_id, const char *since)
{
	struct buf b;
	char *e;

	buf_init(&b);
	buf_adds(&b, "Flag?_count=100&_include=Flag:author&_include=Flag:patient");
	if (patient_id != NULL) {
		char *ref = xasprintf("Patient/%s", patient_id);

		e = http_escape(ref);
		buf_addf(&b, "&patient=%s", e);
		free(ref);
		free(e);
	}
	if (since != NULL) {
		/* ge, not gt: a change in the same instant as the newest seen is
		 * not lost; the one seen comes again and is the same. */
		char *ge = xasprintf("ge%s", since);

		e = http_escape(ge);
		buf_addf(&b, "&_lastUpdated=%s", e);
		free(ge);
		free(e);
	}
	return buf_steal(&b);
}

static int
flag_cmp(const void *pa, const void *pb)
{
	const struct flag *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return strcmp(a->id, b->id);
}

static void
fill_names(struct flag *f, const struct names *names)
{
	char *id = f->author_ref != NULL && strncmp(f->author_ref, "Practitioner/", 13) == 0
		? f->author_ref + 13 : NULL;
	const char *n;

	if (id != NULL && (n = names_get(names, "Practitioner", id)) != NULL) {
		free(f->author_name);
		f->author_name = xstrdup(n);
	}
	if (f->patient_id != NULL && (n = names_get(names, "Patient", f->patient_id)) != NULL)
		f->patient_name = xstrdup(n);
}

void
flags_from_resources(const cJSON *all, bool active_only, struct flag_list *out)
{
	struct names *names = names_create();
	const cJSON *res;

	memset(out, 0, sizeof *out);
	names_add_resources(names, all);
	out->v = xcalloc((size_t)cJSON_GetArraySize(all) + 1, sizeof *out->v);
	cJSON_ArrayForEach(res, all) {
		const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");
		struct flag *f = &out->v[out->n];
		struct error err;

		if (!cJSON_IsString(rt) || strcmp(rt->valuestring, "Flag") != 0)
			continue;
		error_clear(&err);
		if (!flag_from_json(res, f, &err)) {
			/* One bad flag must not hide the others: counted, said. */
			out->skipped++;
			continue;
		}
		if (active_only && strcmp(f->status, "active") != 0) {
			flag_finish(f);
			continue;
		}
		fill_names(f, names);
		out->n++;
	}
	names_destroy(names);
	qsort(out->v, out->n, sizeof *out->v, flag_cmp);
}

/* The cache's flags of a client (or all), with their names, as a search gives. */
static cJSON *
cached_flags(struct session *s, const char *patient_id)
{
	return cache_flags(s->store, patient_id);
}

bool
flags_query(struct session *s, const char *patient_id, bool active_only,
	    struct flag_list *out, struct error *err)
{
	char *path = flag_query_path(patient_id, NULL);
	cJSON *all = fhir_reads_cached(s) ? cached_flags(s, patient_id)
					  : fhir_search(s, path, FLAG_QUERY_MAX, err);

	free(path);
	memset(out, 0, sizeof *out);
	if (all == NULL)
		return false;
	flags_from_resources(all, active_only, out);
	cJSON_Delete(all);
	return true;
}

void
flag_list_finish(struct flag_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		flag_finish(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

bool
flag_needs_ack(const struct flag *f)
{
	return strcmp(f->status, "active") == 0 && f->ack_by == NULL;
}

const char *
flag_state(const struct flag *f)
{
	if (strcmp(f->status, "active") != 0)
		return strcmp(f->status, "inactive") == 0 ? "closed" : f->status;
	return f->ack_by != NULL ? "acknowledged" : "unacknowledged";
}

const char *
flag_state_label(const struct flag *f)
{
	const char *st = flag_state(f);

	/* TRANSLATORS: a risk flag no clinician has acknowledged yet. */
	if (strcmp(st, "unacknowledged") == 0)
		return _("review now");
	/* TRANSLATORS: a risk flag a clinician has acknowledged; still active. */
	if (strcmp(st, "acknowledged") == 0)
		return _("acknowledged");
	/* TRANSLATORS: a risk flag that was closed (inactive). */
	if (strcmp(st, "closed") == 0)
		return _("closed");
	/* TRANSLATORS: a flag marked as entered in error. */
	return _("entered in error");
}

/* ---- who sees what ---- */

/* Role codes of a front desk, in any code system (PractitionerRole.code):
 * the demo platform's and the words real directories use. */
static const char *const front_desk_codes[] = {
	"receptionist", "reception", "front-desk", "frontdesk", "admin", "administrator", NULL,
};

static bool
front_desk_code(const char *code)
{
	for (size_t i = 0; front_desk_codes[i] != NULL; i++) {
		if (strcasecmp(code, front_desk_codes[i]) == 0)
			return true;
	}
	return false;
}

bool
flag_roles_front_desk(const cJSON *roles)
{
	const cJSON *r, *cc, *c;
	int seen = 0;

	cJSON_ArrayForEach(r, roles) {
		const cJSON *rt = cJSON_GetObjectItemCaseSensitive(r, "resourceType");

		if (!cJSON_IsString(rt) || strcmp(rt->valuestring, "PractitionerRole") != 0)
			continue;
		cJSON_ArrayForEach(cc, cJSON_GetObjectItemCaseSensitive(r, "code")) {
			cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cc, "coding")) {
				const cJSON *code = cJSON_GetObjectItemCaseSensitive(c, "code");

				if (!cJSON_IsString(code))
					continue;
				if (!front_desk_code(code->valuestring))
					return false;  /* one clinical role is enough */
				seen++;
			}
		}
	}
	return seen > 0;
}

char *
flag_roles_path(const char *practitioner_id)
{
	char *ref = xasprintf("Practitioner/%s", practitioner_id), *e = http_escape(ref);
	char *path = xasprintf("PractitionerRole?practitioner=%s&_elements=code&_count=50", e);

	free(ref);
	free(e);
	return path;
}

#define ROLE_TYPE "session"
#define ROLE_ID "role-of-me"

void
flag_role_remember(struct store *st, const char *me, bool front_desk)
{
	struct store_rec r = { .type = ROLE_TYPE, .id = ROLE_ID, .version = "" };
	char *rec = xasprintf("%s\n%s", front_desk ? "front-desk" : "clinician", me);
	struct error err;

	r.data = rec;
	r.len = strlen(rec);
	error_clear(&err);
	if (st != NULL)
		(void)store_put(st, &r, &err);  /* not kept: asked again next time */
	free(rec);
}

int
flag_role_remembered(struct store *st, const char *me)
{
	struct error err;
	void *data;
	size_t len;
	char *text, *nl;
	int r = -1;

	error_clear(&err);
	if (st == NULL || !store_get(st, ROLE_TYPE, ROLE_ID, &data, &len, NULL, &err))
		return -1;
	text = xstrndup(data, len);
	store_free(data, len);
	if ((nl = strchr(text, '\n')) != NULL && strcmp(nl + 1, me) == 0)
		r = strncmp(text, "front-desk\n", 11) == 0;
	free(text);
	return r;
}

bool
flag_user_front_desk(struct session *s, struct error *err)
{
	const char *role = config_get(s->cfg, "role"), *me;
	char *path;
	cJSON *roles = NULL;
	bool front;
	int known;

	if (role != NULL && strcmp(role, "auto") != 0)
		return strcmp(role, "front-desk") == 0;
	if ((me = session_practitioner(s, NULL, err)) == NULL) {
		/* A script's client acts for no one: it sees what it asks for. */
		error_clear(err);
		return false;
	}
	known = flag_role_remembered(s->store, me);
	if (!fhir_reads_cached(s)) {
		path = flag_roles_path(me);
		roles = fhir_search(s, path, 50, err);
		free(path);
	}
	if (roles == NULL) {
		/* Offline, or the server not answering: as the last answer said;
		 * never asked, the detail stays hidden. */
		error_clear(err);
		return known != 0;
	}
	front = flag_roles_front_desk(roles);
	cJSON_Delete(roles);
	if (known != (int)front)
		flag_role_remember(s->store, me, front);
	return front;
}

/* ---- writes ---- */

/* The words a person typed: some, UTF-8, at most FLAG_TEXT_MAX bytes. */
static bool
text_ok(const char *text, const char *empty, struct error *err)
{
	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
		return error_set(err, ERR_USAGE, "%s", empty);
	if (strlen(text) > FLAG_TEXT_MAX || !utf8_valid(text, strlen(text)))
		return error_set(err, ERR_USAGE, _("The text is not UTF-8 of at most 4 KiB; nothing was saved."));
	return true;
}

static cJSON *
one(cJSON *item)
{
	cJSON *arr = cJSON_CreateArray();

	cJSON_AddItemToArray(arr, item);
	return arr;
}

static cJSON *
flag_resource(const char *patient_id, const char *text, const char *me, const char *now,
	      const char *request_id)
{
	cJSON *f = cJSON_CreateObject(), *period = cJSON_CreateObject(), *code;

	json_put_str(f, "resourceType", "Flag");
	fhir_set_request_identifier(f, request_id);
	json_put_str(f, "status", "active");
	json_put(f, "category", one(fhir_coded(FLAG_CATEGORY, "safety", "Safety")));
	code = fhir_coded(EZRIZI_FLAG, "clinician-concern", NULL);
	json_put_str(code, "text", text);
	json_put(f, "code", code);
	json_put(f, "subject", fhir_reference("Patient", patient_id, NULL));
	json_put_str(period, "start", now);
	json_put(f, "period", period);
	json_put(f, "author", fhir_reference("Practitioner", me, NULL));
	return f;
}

/* What the server sent back, read; an answer without a body is an error
 * that says where to look. */
static bool
flag_answer(struct fhir_result *r, struct flag *out, struct error *err)
{
	bool ok = r->json != NULL && flag_from_json(r->json, out, err);

	if (r->json == NULL)
		error_set(err, ERR_FAILED, _("The server did not send the flag back; look with 'ezrizi flags'."));
	fhir_result_finish(r);
	return ok;
}

bool
flag_add(struct session *s, const char *patient_id, const char *text, struct flag *out,
	 struct error *err)
{
	struct fhir_result r;
	struct patient pat;
	const char *me;
	char request_id[37], now[21];

	if (!text_ok(text, _("Say why the flag is raised (--text); nothing was saved."), err) || (me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	if (!patient_get(s, patient_id, &pat, err))
		return false;
	patient_finish(&pat);
	session_request_id(s, request_id);
	instant_format_utc(clock_now(), now);
	return fhir_create_once(s, flag_resource(patient_id, text, me, now, request_id), request_id, &r, err) &&
	       flag_answer(&r, out, err);
}

/* A {url, extension: [by, at, (reason)]} record of who did it and when. */
static cJSON *
act_extension(const char *url, const char *me, const char *now, const char *reason)
{
	cJSON *ext = cJSON_CreateObject(), *subs = cJSON_CreateArray(), *e;

	json_put_str(ext, "url", url);
	e = cJSON_CreateObject();
	json_put_str(e, "url", "by");
	json_put(e, "valueReference", fhir_reference("Practitioner", me, NULL));
	cJSON_AddItemToArray(subs, e);
	e = cJSON_CreateObject();
	json_put_str(e, "url", "at");
	json_put_str(e, "valueDateTime", now);
	cJSON_AddItemToArray(subs, e);
	if (reason != NULL) {
		e = cJSON_CreateObject();
		json_put_str(e, "url", "reason");
		json_put_str(e, "valueString", reason);
		cJSON_AddItemToArray(subs, e);
	}
	json_put(ext, "extension", subs);
	return ext;
}

enum flag_act { ACT_ACK, ACT_CLOSE };

struct act {
	enum flag_act act;
	const char *id, *me, *reason;
	bool closed;                 /* the flag read was closed (ACT_ACK) */
};

/* fhir_change's decision: the act done already, refused, or made on the
 * flag as read. */
static enum fhir_change
apply_act(cJSON *res, void *arg, struct error *err)
{
	struct act *a = arg;
	struct flag f;
	cJSON *exts;
	char now[21];
	bool active, acked;

	if (!flag_from_json(res, &f, err))
		return CHANGE_REFUSED;
	active = strcmp(f.status, "active") == 0;
	acked = f.ack_by != NULL;
	flag_finish(&f);
	if (a->act == ACT_ACK && !active) {
		error_set(err, ERR_CONFLICT, _("Flag %s is closed; there is nothing to acknowledge."), a->id);
		return CHANGE_REFUSED;
	}
	if (!active || (a->act == ACT_ACK && acked))
		return CHANGE_NONE;
	instant_format_utc(clock_now(), now);
	if ((exts = cJSON_GetObjectItemCaseSensitive(res, "extension")) == NULL || !cJSON_IsArray(exts)) {
		exts = cJSON_CreateArray();
		json_put(res, "extension", exts);
	}
	if (a->act == ACT_ACK) {
		cJSON_AddItemToArray(exts, act_extension(FLAG_ACK_URL, a->me, now, NULL));
	} else {
		cJSON *period = cJSON_GetObjectItemCaseSensitive(res, "period");

		if (!cJSON_IsObject(period)) {
			period = cJSON_CreateObject();
			json_put(res, "period", period);
		}
		json_put_str(period, "end", now);
		json_put_str(res, "status", "inactive");
		cJSON_AddItemToArray(exts, act_extension(FLAG_CLOSE_URL, a->me, now, a->reason));
	}
	return CHANGE_WRITE;
}

/* The act on the flag, pinned to the version read (fhir_change). */
static bool
flag_act(struct session *s, const char *id, enum flag_act act, const char *reason,
	 struct flag *out, bool *already, struct error *err)
{
	struct act a = { .act = act, .id = id, .reason = reason };
	bool written, ok;
	cJSON *res;

	*already = false;
	if (!fhir_id_ok(id))
		return error_set(err, ERR_USAGE, _("'%s' is not a flag id."), id);
	if ((a.me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	if (flag_user_front_desk(s, err))
		return error_set(err, ERR_FORBIDDEN, _("Only a clinician can acknowledge or close a safety flag; ask the client's counsellor."));
	error_clear(err);
	if ((res = fhir_change(s, "Flag", id, apply_act, &a, &written, err)) == NULL)
		return false;
	*already = !written;
	ok = flag_from_json(res, out, err);
	cJSON_Delete(res);
	return ok;
}

bool
flag_ack(struct session *s, const char *id, struct flag *out, bool *already, struct error *err)
{
	return flag_act(s, id, ACT_ACK, NULL, out, already, err);
}

bool
flag_close(struct session *s, const char *id, const char *reason, struct flag *out,
	   bool *already, struct error *err)
{
	if (!text_ok(reason, _("Say why the flag is closed (--reason); nothing was written."), err))
		return false;
	return flag_act(s, id, ACT_CLOSE, reason, out, already, err);
}
