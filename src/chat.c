/* chat.c - messages with a client; see include/core/chat.h. */
#include "core/chat.h"

#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/fhirtx.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#define MAX_MESSAGE_BYTES (64 * 1024)

static int
msg_cmp(const void *pa, const void *pb)
{
	const struct message *a = pa, *b = pb;

	if (a->sent != b->sent)
		return a->sent < b->sent ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* A message entered in error (an undone write among them) is not shown. */
static bool
is_void(const struct message *m)
{
	return m->status != NULL && strcmp(m->status, "entered-in-error") == 0;
}

/* The search, with one more filter (a name and its value, escaped), or none. */
static char *
query_path(const char *patient_id, const char *param, const char *value)
{
	char *ref = xasprintf("Patient/%s", patient_id), *e = http_escape(ref);
	struct buf path;

	buf_init(&path);
	buf_addf(&path, "Communication?subject=%s&_sort=sent&_count=200"
		 "&_include=Communication:sender", e);
	if (param != NULL) {
		char *ev = http_escape(value);

		buf_addf(&path, "&%s=%s", param, ev);
		free(ev);
	}
	free(ref);
	free(e);
	return buf_steal(&path);
}

char *
chat_query_path(const char *patient_id, time_t since)
{
	char t[21], *v, *path;

	if (since == 0)
		return query_path(patient_id, NULL, NULL);
	instant_format_utc(since, t);
	v = xasprintf("ge%s", t);
	path = query_path(patient_id, "sent", v);
	free(v);
	return path;
}

char *
chat_changed_path(const char *patient_id, const char *after)
{
	char *v = xasprintf("gt%s", after), *path = query_path(patient_id, "_lastUpdated", v);

	free(v);
	return path;
}

/* Every Communication about the patient: headers and messages. */
static cJSON *
fetch(struct session *s, const char *patient_id, time_t since, struct error *err)
{
	char *path = chat_query_path(patient_id, since);
	cJSON *all = fhir_search(s, path, CHAT_QUERY_MAX, err);

	free(path);
	return all;
}

bool
chat_from_resources(const cJSON *all, struct message_list *out, struct error *err)
{
	struct names *names = names_create();
	const cJSON *res;
	bool ok = true;

	memset(out, 0, sizeof *out);
	names_add_resources(names, all);
	out->v = xcalloc((size_t)cJSON_GetArraySize(all) + 1, sizeof *out->v);
	cJSON_ArrayForEach(res, all) {
		const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");
		struct message *m = &out->v[out->n];
		const char *slash, *name;

		if (!cJSON_IsString(rt) || strcmp(rt->valuestring, "Communication") != 0)
			continue;
		if (!message_from_json(res, m, err)) {
			ok = false;
			break;
		}
		if (m->text == NULL || m->thread_id == NULL || is_void(m)) {
			message_finish(m);  /* a thread header, or undone */
			continue;
		}
		if (m->sender_ref != NULL && (slash = strchr(m->sender_ref, '/')) != NULL) {
			char *type = xstrndup(m->sender_ref, (size_t)(slash - m->sender_ref));

			if ((name = names_get(names, type, slash + 1)) != NULL) {
				free(m->sender_name);
				m->sender_name = xstrdup(name);
			}
			free(type);
		}
		out->n++;
	}
	names_destroy(names);
	if (!ok) {
		message_list_finish(out);
		return false;
	}
	qsort(out->v, out->n, sizeof *out->v, msg_cmp);
	return true;
}

bool
chat_query(struct session *s, const char *patient_id, time_t since, struct message_list *out,
	   struct error *err)
{
	cJSON *all;
	bool ok;

	memset(out, 0, sizeof *out);
	if (fhir_reads_cached(s))
		all = cache_chat(s->store, patient_id);
	else if ((all = fetch(s, patient_id, since, err)) == NULL)
		return false;
	ok = chat_from_resources(all, out, err);
	cJSON_Delete(all);
	return ok;
}

void
message_list_finish(struct message_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		message_finish(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* The latest thread header among the resources (its id, new string), or
 * NULL; *messages counts the messages among them. */
static char *
pick_thread(const cJSON *all, size_t *messages)
{
	const cJSON *res;
	char *id = NULL;
	time_t best = 0;

	*messages = 0;
	cJSON_ArrayForEach(res, all) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(res, "resourceType");
		struct message m;
		struct error ignored;

		error_clear(&ignored);
		if (!cJSON_IsString(type) || strcmp(type->valuestring, "Communication") != 0 ||
		    !message_from_json(res, &m, &ignored))
			continue;
		if (m.text != NULL || m.thread_id != NULL)
			(*messages)++;
		else if (!is_void(&m) && (id == NULL || m.sent >= best)) {
			free(id);
			id = xstrdup(m.id);
			best = m.sent;
		}
		message_finish(&m);
	}
	return id;
}

#define HEADERS_ASKED 20

/* The id of the patient's latest thread header, or NULL (new string); *known
 * when the server showed the patient meanwhile. The headers alone are asked
 * for (part-of:missing, a standard modifier), newest first, with the patient
 * (_include): one round trip where there were two, the Patient's read and
 * the whole chat (up to CHAT_QUERY_MAX messages) for its headers. A server
 * that ignores the modifier sends messages too: then the whole chat. */
static char *
latest_thread(struct session *s, const char *patient_id, bool *known, struct error *err, bool *failed)
{
	char *ref = xasprintf("Patient/%s", patient_id), *eref = http_escape(ref), *path, *id;
	const cJSON *res;
	size_t messages;
	cJSON *all;

	path = xasprintf("Communication?subject=%s&part-of:missing=true&_sort=-sent&_count=%d"
			 "&_include=Communication:subject", eref, HEADERS_ASKED);
	all = fhir_search(s, path, HEADERS_ASKED, err);
	free(path);
	free(eref);
	free(ref);
	*known = false;
	if ((*failed = all == NULL))
		return NULL;
	cJSON_ArrayForEach(res, all) {
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(res, "resourceType");
		const cJSON *rid = cJSON_GetObjectItemCaseSensitive(res, "id");

		*known |= cJSON_IsString(type) && strcmp(type->valuestring, "Patient") == 0 &&
			  cJSON_IsString(rid) && strcmp(rid->valuestring, patient_id) == 0;
	}
	id = pick_thread(all, &messages);
	if (messages > 0 || (id == NULL && cJSON_GetArraySize(all) >= HEADERS_ASKED)) {
		/* Not headers alone (or only voided ones): the whole chat. */
		free(id);
		cJSON_Delete(all);
		if ((*failed = (all = fetch(s, patient_id, 0, err)) == NULL))
			return NULL;
		id = pick_thread(all, &messages);
	}
	cJSON_Delete(all);
	return id;
}

static cJSON *
communication(const char *patient_id, const char *me, const char *text, const char *thread_ref,
	      const char *request_id)
{
	cJSON *c = cJSON_CreateObject(), *arr, *p;
	char now[21];

	instant_format_utc(clock_now(), now);
	json_put_str(c, "resourceType", "Communication");
	if (request_id != NULL)
		fhir_set_request_identifier(c, request_id);
	json_put_str(c, "status", text != NULL ? "completed" : "in-progress");
	json_put(c, "subject", fhir_reference("Patient", patient_id, NULL));
	json_put(c, "sender", fhir_reference("Practitioner", me, NULL));
	arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, fhir_reference("Patient", patient_id, NULL));
	json_put(c, "recipient", arr);
	json_put_str(c, "sent", now);
	if (thread_ref != NULL) {
		cJSON *ref = cJSON_CreateObject();

		json_put_str(ref, "reference", thread_ref);
		arr = cJSON_CreateArray();
		cJSON_AddItemToArray(arr, ref);
		json_put(c, "partOf", arr);
	}
	if (text != NULL) {
		p = cJSON_CreateObject();
		json_put_str(p, "contentString", text);
		arr = cJSON_CreateArray();
		cJSON_AddItemToArray(arr, p);
		json_put(c, "payload", arr);
	}
	return c;
}

/* The name of the counsellor sending, from the local cache (no round trip for
 * it), unless the answer already named them. Takes name. */
static char *
sender_name(struct session *s, const char *me, char *name)
{
	cJSON *p;
	struct practitioner pr;
	struct error ignored;

	if (name != NULL || s->store == NULL || (p = cache_get(s->store, "Practitioner", me)) == NULL)
		return name;
	error_clear(&ignored);
	if (practitioner_from_json(p, &pr, &ignored)) {
		name = pr.name;
		pr.name = NULL;
		practitioner_finish(&pr);
	}
	cJSON_Delete(p);
	return name;
}

bool
chat_send(struct session *s, const char *patient_id, const char *text, struct message *out,
	  struct error *err)
{
	char request_id[37], thread_uuid[37], *thread, *thread_ref, *ine, *full;
	const char *me;
	struct fhir_tx tx;
	cJSON *resp, *msg;
	bool failed, known, ok = false;
	const cJSON *e;

	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
		return error_set(err, ERR_USAGE, _("The message is empty; nothing was sent."));
	if (strlen(text) > MAX_MESSAGE_BYTES || !utf8_valid(text, strlen(text)))
		return error_set(err, ERR_USAGE, _("The message is not UTF-8 text of at most 64 KiB; nothing was sent."));
	if ((me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	thread = latest_thread(s, patient_id, &known, err, &failed);
	if (failed)
		return false;
	if (!known) {
		/* No thread brought them: whether there is such a client at all. */
		cJSON *p = fhir_read(s, "Patient", patient_id, NULL, err);

		if (p == NULL) {
			free(thread);
			return false;
		}
		cJSON_Delete(p);
	}
	session_request_id(s, request_id);
	ine = fhir_if_none_exist(request_id);
	full = xasprintf("urn:uuid:%s", request_id);
	fhir_tx_init(&tx);
	if (thread == NULL) {
		/* No thread yet: start one in the same transaction. */
		char *tine, *tfull;

		char *thread_req = xasprintf("%s-thread", request_id);

		/* The thread's identifier follows the message's, so a replay finds it. */
		fhir_uuid(thread_uuid);
		tine = fhir_if_none_exist(thread_req);
		tfull = xasprintf("urn:uuid:%s", thread_uuid);
		fhir_tx_create(&tx, communication(patient_id, me, NULL, NULL, thread_req), tfull, tine);
		free(thread_req);
		thread_ref = tfull;
		free(tine);
	} else {
		thread_ref = xasprintf("Communication/%s", thread);
	}
	fhir_tx_create(&tx, communication(patient_id, me, text, thread_ref, request_id), full, ine);
	resp = fhir_tx_commit(s, &tx, err);
	if (resp != NULL) {
		int last = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(resp, "entry")) - 1;

		e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp, "entry"), last);
		msg = e != NULL ? cJSON_GetObjectItemCaseSensitive(e, "resource") : NULL;
		if (msg != NULL && (ok = message_from_json(msg, out, err)))
			out->sender_name = sender_name(s, me, out->sender_name);
		else
			error_set(err, ERR_FAILED, _("The server did not send the message back; look with 'ezrizi chat'."));
		cJSON_Delete(resp);
	}
	fhir_tx_finish(&tx);
	free(thread);
	free(thread_ref);
	free(ine);
	free(full);
	return ok;
}
