/* notes.c - session notes; see include/core/notes.h. */
#include "core/notes.h"
#include "core/fhir.h"
#include "core/people.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/fhirtx.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/note_context.h"
#include "core/seclabel.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "notes_int.h"

#define MAX_NOTE_BYTES (1024 * 1024)

static int
note_cmp(const void *pa, const void *pb)
{
	const struct note *a = pa, *b = pb;

	if (a->date != b->date)
		return a->date > b->date ? -1 : 1;  /* newest first */
	return strcmp(b->id, a->id);
}

static void
fill_authors(struct note *n, const struct names *names)
{
	const char *name = names_get(names, "Practitioner", n->author_id);

	if (name != NULL) {
		free(n->author_name);
		n->author_name = xstrdup(name);
	}
}

/* Leaves out the notes a current note replaces (relatesTo replaces). */
static void
drop_replaced(struct note_list *l)
{
	size_t k = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].replaced_by_id != NULL)
			note_finish(&l->v[i]);
		else
			l->v[k++] = l->v[i];
	}
	l->n = k;
}

static bool
in_list(const struct note_list *l, const char *id)
{
	for (size_t i = 0; id != NULL && i < l->n; i++) {
		if (strcmp(l->v[i].id, id) == 0)
			return true;
	}
	return false;
}

/* Newest first, each note's addenda right after it, oldest first (the list
 * is newest first: they are taken from its end). */
static void
chain_order(struct note_list *l)
{
	struct note *v = xcalloc(l->n + 1, sizeof *v);
	bool *used = xcalloc(l->n + 1, sizeof *used);
	size_t k = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (used[i] || in_list(l, l->v[i].appends_id))
			continue;
		used[i] = true;
		v[k++] = l->v[i];
		for (size_t j = l->n; j-- > 0;) {
			if (!used[j] && l->v[j].appends_id != NULL && strcmp(l->v[j].appends_id, l->v[i].id) == 0) {
				used[j] = true;
				v[k++] = l->v[j];
			}
		}
	}
	for (size_t i = 0; i < l->n; i++) {
		if (!used[i])
			v[k++] = l->v[i];  /* an addendum of an addendum: after the rest */
	}
	free(l->v);
	free(used);
	l->v = v;
}

char *
notes_query_path(const char *patient_id, size_t max)
{
	char *ref = xasprintf("Patient/%s", patient_id), *e = http_escape(ref);
	char *path = xasprintf("DocumentReference?subject=%s&_sort=-date&_count=%zu"
			       "&_include=DocumentReference:author&_revinclude=Provenance:target", e,
			       max < 100 ? max : 100);

	free(ref);
	free(e);
	return path;
}

bool
notes_from_resources(const cJSON *all, size_t max, struct note_list *out, struct error *err)
{
	struct names *names = names_create();
	const cJSON *res;
	bool ok = true;

	memset(out, 0, sizeof *out);
	names_add_resources(names, all);
	out->v = xcalloc((size_t)cJSON_GetArraySize(all) + 1, sizeof *out->v);
	cJSON_ArrayForEach(res, all) {
		const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");
		struct note *n = &out->v[out->n];

		if (!cJSON_IsString(rt) || strcmp(rt->valuestring, "DocumentReference") != 0)
			continue;
		if (!note_from_json(res, n, err)) {
			ok = false;
			break;
		}
		/* Notes entered in error, and those an amendment replaced, are not shown. */
		if (n->status != NULL && strcmp(n->status, "current") != 0) {
			note_finish(n);
			continue;
		}
		fill_authors(n, names);
		out->n++;
	}
	names_destroy(names);
	if (!ok) {
		note_list_finish(out);
		return false;
	}
	/* Who signed each, and whether its content is still what was signed;
	 * a note another replaces is not shown; addenda under their note. */
	notes_sign_fill(out->v, out->n, all);
	drop_replaced(out);
	qsort(out->v, out->n, sizeof *out->v, note_cmp);
	chain_order(out);
	if (out->n > max) {
		for (size_t i = max; i < out->n; i++)
			note_finish(&out->v[i]);
		out->n = max;
	}
	return true;
}

bool
notes_query(struct session *s, const char *patient_id, size_t max, struct note_list *out,
	    struct error *err)
{
	char *path = notes_query_path(patient_id, max);
	cJSON *all = fhir_reads_cached(s) ? cache_notes(s->store, patient_id)
						    : fhir_search(s, path, max, err);
	bool ok;

	free(path);
	memset(out, 0, sizeof *out);
	if (all == NULL)
		return false;
	ok = notes_from_resources(all, max, out, err);
	cJSON_Delete(all);
	return ok;
}

void
note_list_finish(struct note_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		note_finish(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

bool
note_get(struct session *s, const char *id, struct note *out, struct error *err)
{
	cJSON *res = fhir_read(s, "DocumentReference", id, NULL, err);
	struct error ignored;
	bool ok;

	if (res == NULL)
		return false;
	ok = note_from_json(res, out, err);
	cJSON_Delete(res);
	if (ok && out->author_name == NULL && out->author_id != NULL) {
		cJSON *p;

		error_clear(&ignored);
		if ((p = fhir_read(s, "Practitioner", out->author_id, NULL, &ignored)) != NULL) {
			out->author_name = human_name(cJSON_GetObjectItemCaseSensitive(p, "name"));
			cJSON_Delete(p);
		}
	}
	return ok;
}

void
notes_signed_relating(cJSON *doc, const char *me, const char *code, const char *id)
{
	cJSON *arr = cJSON_CreateArray(), *rel = cJSON_CreateObject();

	cJSON_AddItemToArray(arr, fhir_reference("Practitioner", me, NULL));
	json_put(doc, "author", arr);
	json_put(doc, "authenticator", fhir_reference("Practitioner", me, NULL));
	json_put_str(rel, "code", code);
	json_put(rel, "target", fhir_reference("DocumentReference", id, NULL));
	arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, rel);
	json_put(doc, "relatesTo", arr);
}

bool
notes_text_ok(const char *text, struct error *err)
{
	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
		return error_set(err, ERR_USAGE, _("The note is empty; nothing was saved."));
	if (strlen(text) > MAX_NOTE_BYTES || !utf8_valid(text, strlen(text)))
		return error_set(err, ERR_USAGE, _("The note is not UTF-8 text of at most 1 MiB; nothing was saved."));
	return true;
}

/* Puts text as the resource's attachment, dated now. */
void
notes_set_content(cJSON *doc, const char *text)
{
	size_t len = strlen(text);
	size_t b64len = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = xmalloc(b64len), now[21];
	cJSON *att = cJSON_CreateObject(), *content = cJSON_CreateObject(), *arr = cJSON_CreateArray();

	instant_format_utc(clock_now(), now);
	sodium_bin2base64(b64, b64len, (const unsigned char *)text, len, sodium_base64_VARIANT_ORIGINAL);
	json_put_str(att, "contentType", "text/plain; charset=utf-8");
	json_put_str(att, "data", b64);
	json_put_str(att, "creation", now);
	json_put(content, "attachment", att);
	cJSON_AddItemToArray(arr, content);
	json_put(doc, "content", arr);
	json_put_str(doc, "date", now);
	sodium_memzero(b64, b64len);
	free(b64);
}

cJSON *
note_resource(const struct new_note *n, const char *me, const char *request_id,
	      time_t period_start, time_t period_end)
{
	bool consult = n->kind != NULL && strcmp(n->kind, "consult") == 0;
	cJSON *d = cJSON_CreateObject(), *arr;

	json_put_str(d, "resourceType", "DocumentReference");
	fhir_set_request_identifier(d, request_id);
	json_put_str(d, "status", "current");
	json_put_str(d, "docStatus", n->draft ? "preliminary" : "final");
	json_put(d, "type", consult ? fhir_coded("http://loinc.org", "11488-4", "Consult note")
				    : fhir_coded("http://loinc.org", "11506-3", "Progress note"));
	arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, fhir_coded(
		"http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
		"clinical-note", "Clinical Note"));
	json_put(d, "category", arr);
	json_put(d, "subject", fhir_reference("Patient", n->patient_id, NULL));
	arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, fhir_reference("Practitioner", me, NULL));
	json_put(d, "author", arr);
	if (!n->draft) {
		json_put(d, "authenticator", fhir_reference("Practitioner", me, NULL));
	}
	notes_set_content(d, n->text);
	if (n->process)
		seclabel_process(d);
	note_put_session(d, n->appointment_id, period_start, period_end, n->template_name);
	return d;
}

bool
note_create(struct session *s, const struct new_note *n, struct note *out, struct error *err)
{
	struct fhir_result r;
	struct patient pat;
	const char *me;
	char request_id[37];
	time_t start = 0, end = 0;
	bool ok;

	if (n->kind != NULL && strcmp(n->kind, "progress") != 0 && strcmp(n->kind, "consult") != 0)
		return error_set(err, ERR_USAGE, _("'%s' is not a note type; use progress or consult."), n->kind);
	if (!notes_text_ok(n->text, err) || (me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	if (!patient_get(s, n->patient_id, &pat, err))
		return false;
	patient_finish(&pat);
	if (n->appointment_id != NULL &&
	    !note_session_period(s, n->appointment_id, n->patient_id, &start, &end, err))
		return false;
	session_request_id(s, request_id);
	if (!n->draft)  /* signed: with its Provenance, in one transaction */
		return notes_create_signed(s, note_resource(n, me, request_id, start, end), request_id, SIG_AUTHOR,
					   out, err);
	if (!fhir_create_once(s, note_resource(n, me, request_id, start, end), request_id, &r, err))
		return false;
	ok = r.json != NULL && note_from_json(r.json, out, err);
	if (r.json == NULL)
		error_set(err, ERR_FAILED, _("The server did not send the note back; look with 'ezrizi notes'."));
	fhir_result_finish(&r);
	return ok;
}

const char *
note_kind_label(const char *kind)
{
	if (kind == NULL)
		return "";
	/* TRANSLATORS: the kind of a session note. */
	if (strcmp(kind, "progress") == 0)
		return _("progress");
	/* TRANSLATORS: the kind of a session note. */
	if (strcmp(kind, "consult") == 0)
		return _("consult");
	return kind;
}

const char *
note_status_label(const char *doc_status)
{
	if (doc_status == NULL)
		return "";
	/* TRANSLATORS: a note that was signed (FHIR docStatus final or amended). */
	if (strcmp(doc_status, "final") == 0 || strcmp(doc_status, "amended") == 0)
		return _("signed");
	/* TRANSLATORS: a note that is not signed yet (docStatus preliminary). */
	if (strcmp(doc_status, "preliminary") == 0)
		return _("draft");
	return doc_status;
}

/* A signed note is never changed: the new text is a new note, signed, that
 * replaces it (relatesTo replaces), made with its Provenance in one
 * transaction; the old one is left as it is (the replacing note's relatesTo
 * is what says it is superseded). */
static bool
amend(struct session *s, const cJSON *old, const char *id, const char *me, const char *text,
      struct note *out, struct error *err)
{
	cJSON *now_doc = cJSON_Duplicate(old, true);
	char request_id[37];

	session_request_id(s, request_id);
	cJSON_DeleteItemFromObjectCaseSensitive(now_doc, "meta");
	seclabel_copy(now_doc, old);
	cJSON_DeleteItemFromObjectCaseSensitive(now_doc, "id");
	cJSON_DeleteItemFromObjectCaseSensitive(now_doc, "authenticator");
	fhir_set_request_identifier(now_doc, request_id);
	json_put_str(now_doc, "status", "current");
	json_put_str(now_doc, "docStatus", "amended");
	notes_signed_relating(now_doc, me, "replaces", id);
	notes_set_content(now_doc, text);
	return notes_create_signed(s, now_doc, request_id, SIG_ADDENDUM, out, err);
}

/* A draft is changed in place, pinned to the version read. */
static bool
change_draft(struct session *s, const cJSON *old, const char *etag, const char *id, const char *text,
	     struct note *out, struct error *err)
{
	struct fhir_opts o = { .idempotent = true, .if_match = etag };
	struct fhir_result r;
	cJSON *doc = cJSON_Duplicate(old, true);
	char *path = xasprintf("DocumentReference/%s", id);
	bool ok;

	cJSON_DeleteItemFromObjectCaseSensitive(doc, "meta");
	seclabel_copy(doc, old);
	notes_set_content(doc, text);
	ok = fhir_call(s, "PUT", path, doc, &o, &r, err);
	free(path);
	cJSON_Delete(doc);
	if (ok) {
		ok = r.json != NULL && note_from_json(r.json, out, err);
		fhir_result_finish(&r);
	}
	return ok;
}

bool
note_update(struct session *s, const char *id, const char *text, struct note *out, bool *changed,
	    struct error *err)
{
	struct note cur;
	const char *me;
	char *etag = NULL;
	cJSON *old = NULL;
	bool ok = false;

	*changed = false;
	if (!notes_text_ok(text, err) || (me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	if (!notes_read_signed(s, id, &cur, &etag, &old, err))
		return false;
	if (cur.status != NULL && strcmp(cur.status, "current") != 0) {
		error_set(err, ERR_CONFLICT, _("Note %s is %s: change the note that replaced it."), id, cur.status);
	} else if (cur.replaced_by_id != NULL) {
		error_set(err, ERR_CONFLICT, _("Note %s was replaced by note %s: change that one."), id, cur.replaced_by_id);
	} else if (cur.text != NULL && strcmp(cur.text, text) == 0) {
		/* The same text: nothing to save, no new version, no amendment. */
		*out = cur;
		memset(&cur, 0, sizeof cur);
		ok = true;
	} else if (note_is_draft(&cur)) {
		ok = *changed = change_draft(s, old, etag, id, text, out, err);
	} else {
		ok = *changed = amend(s, old, id, me, text, out, err);
	}
	if (!ok && err->kind == ERR_CONFLICT && err->http_status != 0) {
		error_clear(err);
		error_set(err, ERR_CONFLICT,
			  _("Note %s was changed by someone else meanwhile; nothing was overwritten. Read it again, then make your change."),
			  id);
	}
	note_finish(&cur);
	cJSON_Delete(old);
	free(etag);
	return ok;
}
