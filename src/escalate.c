/* escalate.c - a client handed to the counsellor on call: see
 * include/core/escalate.h. */
#include "core/escalate.h"

#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/fhir.h"
#include "core/flag.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/model.h"
#include "core/people.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#define CATEGORY "http://terminology.hl7.org/CodeSystem/communication-category"
#define LOOK_BACK (7 * 24 * 3600)

char *
escalation_on_call(struct session *s, struct error *err)
{
	const char *id = config_get(s->cfg, "on_call");
	cJSON *roles, *r;
	char *found = NULL;

	if (id != NULL && id[0] != '\0') {
		if (fhir_id_ok(id))
			return xstrdup(id);
		error_set(err, ERR_USAGE, _("on_call = %s is not a Practitioner id; fix it in the config."), id);
		return NULL;
	}
	/* The platform's: an active role coded on-call, in any code system. */
	roles = fhir_search(s, "PractitionerRole?role=on-call&active=true&_count=10", 10, err);
	if (roles == NULL)
		return NULL;
	cJSON_ArrayForEach(r, roles) {
		const cJSON *rt = cJSON_GetObjectItemCaseSensitive(r, "resourceType");

		if (cJSON_IsString(rt) && strcmp(rt->valuestring, "PractitionerRole") == 0 &&
		    (found = reference_id(cJSON_GetObjectItemCaseSensitive(r, "practitioner"), "Practitioner")) != NULL)
			break;
	}
	cJSON_Delete(roles);
	if (found == NULL)
		error_set(err, ERR_NOT_FOUND, _("No counsellor is on call: the platform names none. Set on_call = PRACTITIONER-ID in the config, or ring the clinic."));
	return found;
}

static cJSON *
escalation_resource(const char *patient_id, const char *me, const char *to, const char *text,
		    const struct flag_list *flags, const char *now, const char *request_id)
{
	cJSON *c = cJSON_CreateObject(), *arr, *part;

	json_put_str(c, "resourceType", "Communication");
	/* Between clinicians, about a client in crisis: restricted
	 * (FHIR-NOTES.md, confidentiality), never the client's to read. */
	{
		cJSON *meta = cJSON_CreateObject(), *sec = cJSON_CreateArray(), *code = cJSON_CreateObject();

		json_put_str(code, "system", "http://terminology.hl7.org/CodeSystem/v3-Confidentiality");
		json_put_str(code, "code", "R");
		cJSON_AddItemToArray(sec, code);
		json_put(meta, "security", sec);
		json_put(c, "meta", meta);
	}
	fhir_set_request_identifier(c, request_id);
	json_put_str(c, "status", "completed");
	arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, fhir_coded(CATEGORY, "alert", NULL));
	json_put(c, "category", arr);
	json_put_str(c, "priority", "stat");
	json_put(c, "subject", fhir_reference("Patient", patient_id, NULL));
	if (flags->n > 0) {
		arr = cJSON_CreateArray();
		for (size_t i = 0; i < flags->n; i++)
			cJSON_AddItemToArray(arr, fhir_reference("Flag", flags->v[i].id, NULL));
		json_put(c, "about", arr);
	}
	json_put_str(c, "sent", now);
	arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, fhir_reference("Practitioner", to, NULL));
	json_put(c, "recipient", arr);
	json_put(c, "sender", fhir_reference("Practitioner", me, NULL));
	arr = cJSON_CreateArray();
	part = cJSON_CreateObject();
	json_put_str(part, "contentString", text);
	cJSON_AddItemToArray(arr, part);
	json_put(c, "payload", arr);
	return c;
}

bool
escalate(struct session *s, const char *patient_id, const char *text, struct escalation *out,
	 struct error *err)
{
	struct fhir_result r;
	struct flag_list flags;
	struct patient pat;
	const char *me;
	char request_id[37], now[21], *to;
	bool ok;

	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
		return error_set(err, ERR_USAGE, _("Say what is happening (TEXT); nothing was sent."));
	if (strlen(text) > ESCALATION_TEXT_MAX || !utf8_valid(text, strlen(text)))
		return error_set(err, ERR_USAGE, _("The text is not UTF-8 of at most 4 KiB; nothing was sent."));
	if ((me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	if (!patient_get(s, patient_id, &pat, err))
		return false;
	patient_finish(&pat);
	if ((to = escalation_on_call(s, err)) == NULL)
		return false;
	/* What it is about: the client's active flags (none is no reason to wait). */
	if (!flags_query(s, patient_id, true, &flags, err)) {
		error_clear(err);
		memset(&flags, 0, sizeof flags);
	}
	session_request_id(s, request_id);
	instant_format_utc(clock_now(), now);
	ok = fhir_create_once(s, escalation_resource(patient_id, me, to, text, &flags, now, request_id),
			      request_id, &r, err);
	free(to);
	flag_list_finish(&flags);
	if (!ok)
		return false;
	ok = r.json != NULL && escalation_from_json(r.json, out, err);
	if (r.json == NULL)
		error_set(err, ERR_FAILED, _("The server did not send the escalation back; look with 'ezrizi escalations --sent'."));
	fhir_result_finish(&r);
	return ok;
}

/* ---- reading them ---- */

static char *
first_ref_id(const cJSON *arr, const char *type)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) {
		char *id = reference_id(it, type);

		if (id != NULL)
			return id;
	}
	return NULL;
}

static char *
flag_ids(const cJSON *about)
{
	const cJSON *it;
	struct buf b;

	buf_init(&b);
	cJSON_ArrayForEach(it, about) {
		char *id = reference_id(it, "Flag");

		if (id != NULL) {
			if (b.len > 0)
				buf_addc(&b, ',');
			buf_adds(&b, id);
			free(id);
		}
	}
	if (b.len == 0) {
		buf_finish(&b);
		return NULL;
	}
	return buf_steal(&b);
}

bool
escalation_from_json(const cJSON *res, struct escalation *out, struct error *err)
{
	struct message m;
	const cJSON *prio = cJSON_GetObjectItemCaseSensitive(res, "priority");
	const cJSON *rec = cJSON_GetObjectItemCaseSensitive(res, "received");

	memset(out, 0, sizeof *out);
	if (!message_from_json(res, &m, err))
		return false;
	out->id = m.id;
	out->patient_id = m.patient_id;
	out->text = m.text;
	out->sent = m.sent;
	out->from_name = m.sender_name;
	out->from_id = m.sender_ref != NULL && strncmp(m.sender_ref, "Practitioner/", 13) == 0
		? xstrdup(m.sender_ref + 13) : NULL;
	free(m.sender_ref);
	free(m.thread_id);
	free(m.status);
	out->to_id = first_ref_id(cJSON_GetObjectItemCaseSensitive(res, "recipient"), "Practitioner");
	out->flags = flag_ids(cJSON_GetObjectItemCaseSensitive(res, "about"));
	out->urgent = cJSON_IsString(prio) && strcmp(prio->valuestring, "stat") == 0;
	if (cJSON_IsString(rec) && !instant_parse(rec->valuestring, &out->received)) {
		error_set(err, ERR_FAILED, _("Communication/%s: its 'received' is not a date and time; the server sent data ezrizi cannot use."), out->id);
		escalation_finish(out);
		return false;
	}
	return true;
}

char *
escalations_query_path(const char *me, bool sent, time_t since)
{
	char ge[24], *ref = xasprintf("Practitioner/%s", me), *eref = http_escape(ref), *ege, *path;

	ge[0] = 'g';
	ge[1] = 'e';
	instant_format_utc(since, ge + 2);
	ege = http_escape(ge);
	path = xasprintf("Communication?%s=%s&category=alert&sent=%s&_sort=sent&_count=100"
			 "&_include=Communication:subject&_include=Communication:sender"
			 "&_include=Communication:recipient",
			 sent ? "sender" : "recipient", eref, ege);
	free(ref);
	free(eref);
	free(ege);
	return path;
}

static int
esc_cmp(const void *pa, const void *pb)
{
	const struct escalation *a = pa, *b = pb;

	if (a->sent != b->sent)
		return a->sent < b->sent ? -1 : 1;
	return strcmp(a->id, b->id);
}

void
escalations_from_resources(const cJSON *all, struct escalation_list *out)
{
	struct names *names = names_create();
	const cJSON *res;

	memset(out, 0, sizeof *out);
	names_add_resources(names, all);
	out->v = xcalloc((size_t)cJSON_GetArraySize(all) + 1, sizeof *out->v);
	cJSON_ArrayForEach(res, all) {
		const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");
		struct escalation *e = &out->v[out->n];
		struct error err;
		const char *n;

		error_clear(&err);
		if (!cJSON_IsString(rt) || strcmp(rt->valuestring, "Communication") != 0 ||
		    !escalation_from_json(res, e, &err))
			continue;
		if (!e->urgent) {
			escalation_finish(e);
			continue;
		}
		if (e->patient_id != NULL && (n = names_get(names, "Patient", e->patient_id)) != NULL)
			e->patient_name = xstrdup(n);
		if (e->from_id != NULL && (n = names_get(names, "Practitioner", e->from_id)) != NULL) {
			free(e->from_name);
			e->from_name = xstrdup(n);
		}
		if (e->to_id != NULL && (n = names_get(names, "Practitioner", e->to_id)) != NULL)
			e->to_name = xstrdup(n);
		out->n++;
	}
	names_destroy(names);
	qsort(out->v, out->n, sizeof *out->v, esc_cmp);
}

bool
escalations_query(struct session *s, bool sent, time_t since, struct escalation_list *out,
		  struct error *err)
{
	const char *me;
	char *path;
	cJSON *all;

	memset(out, 0, sizeof *out);
	if ((me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	path = escalations_query_path(me, sent, since != 0 ? since : clock_now() - LOOK_BACK);
	all = fhir_search(s, path, 500, err);
	free(path);
	if (all == NULL)
		return false;
	escalations_from_resources(all, out);
	cJSON_Delete(all);
	return true;
}

struct reading {
	const char *id, *me;
};

static enum fhir_change
mark_read(cJSON *res, void *arg, struct error *err)
{
	struct reading *r = arg;
	struct escalation e;
	char now[21];
	bool mine, read;

	if (!escalation_from_json(res, &e, err))
		return CHANGE_REFUSED;
	mine = e.urgent && e.to_id != NULL && strcmp(e.to_id, r->me) == 0;
	read = e.received != 0;
	escalation_finish(&e);
	if (!mine) {
		error_set(err, ERR_USAGE, _("Communication %s is not an escalation to you; only its recipient marks it read."), r->id);
		return CHANGE_REFUSED;
	}
	if (read)
		return CHANGE_NONE;
	instant_format_utc(clock_now(), now);
	json_put_str(res, "received", now);
	return CHANGE_WRITE;
}

bool
escalation_read(struct session *s, const char *id, struct escalation *out, bool *already,
		struct error *err)
{
	struct reading r = { .id = id };
	bool written, ok;
	cJSON *res;

	*already = false;
	if (!fhir_id_ok(id))
		return error_set(err, ERR_USAGE, _("'%s' is not an escalation's id."), id);
	if ((r.me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	if ((res = fhir_change(s, "Communication", id, mark_read, &r, &written, err)) == NULL)
		return false;
	*already = !written;
	ok = escalation_from_json(res, out, err);
	cJSON_Delete(res);
	return ok;
}

void
escalation_finish(struct escalation *e)
{
	free(e->id);
	free(e->patient_id);
	free(e->patient_name);
	free(e->from_id);
	free(e->from_name);
	free(e->to_id);
	free(e->to_name);
	free(e->text);
	free(e->flags);
	memset(e, 0, sizeof *e);
}

void
escalation_list_finish(struct escalation_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		escalation_finish(&l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}
