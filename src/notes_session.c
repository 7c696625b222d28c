/* notes_session.c - notes tied to their session; a group's notes. See
 * include/core/notes_session.h. */
#include "core/notes_session.h"
#include "core/note_context.h"

#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/fhirtx.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/people.h"
#include "core/template.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "notes_int.h"

#define MAX_NOTE_BYTES (1024 * 1024)

bool
appt_attending(struct session *s, const char *appointment_id, char ***ids, size_t *n,
	       struct error *err)
{
	cJSON *a = note_read_appointment(s, appointment_id, err);
	const cJSON *p;
	size_t cap;

	*ids = NULL;
	*n = 0;
	if (a == NULL)
		return false;
	cap = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(a, "participant"));
	*ids = xcalloc(cap + 1, sizeof **ids);
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(a, "participant")) {
		char *id = appt_participant_patient(p, true);

		if (id != NULL)
			(*ids)[(*n)++] = id;
	}
	cJSON_Delete(a);
	if (*n == 0) {
		appt_members_free(*ids);
		*ids = NULL;
		return error_set(err, ERR_USAGE, _("Appointment %s has no client who attends; nothing was saved."), appointment_id);
	}
	return true;
}

void
appt_members_free(char **ids)
{
	for (size_t i = 0; ids != NULL && ids[i] != NULL; i++)
		free(ids[i]);
	free(ids);
}

/* The cached notes of the appointment's clients (offline). */
static cJSON *
cached_notes_of(struct session *s, const char *appointment_id, struct error *err)
{
	cJSON *a = note_read_appointment(s, appointment_id, err), *all;
	const cJSON *p;

	if (a == NULL)
		return NULL;
	all = cJSON_CreateArray();
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(a, "participant")) {
		char *id = appt_participant_patient(p, false);
		cJSON *notes = id != NULL ? cache_notes(s->store, id) : NULL, *r;

		while (notes != NULL && (r = cJSON_DetachItemFromArray(notes, 0)) != NULL)
			cJSON_AddItemToArray(all, r);
		cJSON_Delete(notes);
		free(id);
	}
	cJSON_Delete(a);
	return all;
}

bool
notes_of_appointment(struct session *s, const char *appointment_id, struct note_list *out,
		     struct error *err)
{
	cJSON *all;
	bool ok;
	size_t k = 0;

	memset(out, 0, sizeof *out);
	if (fhir_reads_cached(s)) {
		all = cached_notes_of(s, appointment_id, err);
	} else {
		char *ref = xasprintf("Appointment/%s", appointment_id), *e = http_escape(ref);
		char *path = xasprintf("DocumentReference?related=%s&_count=100&_include=DocumentReference:author"
				       "&_revinclude=Provenance:target", e);

		if (!fhir_id_ok(appointment_id))
			all = NULL, error_set(err, ERR_USAGE, _("'%s' is not an appointment id."), appointment_id);
		else
			all = fhir_search(s, path, 500, err);
		free(ref);
		free(e);
		free(path);
	}
	if (all == NULL)
		return false;
	ok = notes_from_resources(all, 500, out, err);
	cJSON_Delete(all);
	/* The cache's notes of its clients, and a server that ignores the
	 * parameter: only the session's own. */
	for (size_t i = 0; ok && i < out->n; i++) {
		if (out->v[i].appointment_id != NULL && strcmp(out->v[i].appointment_id, appointment_id) == 0)
			out->v[k++] = out->v[i];
		else
			note_finish(&out->v[i]);
	}
	if (ok)
		out->n = k;
	return ok;
}

static bool
group_text_ok(const char *text, struct error *err)
{
	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
		return error_set(err, ERR_USAGE, _("The note is empty; nothing was saved."));
	if (strlen(text) > MAX_NOTE_BYTES || !utf8_valid(text, strlen(text)))
		return error_set(err, ERR_USAGE, _("The note is not UTF-8 text of at most 1 MiB; nothing was saved."));
	return true;
}

/* Every client is one the server knows, each once, and (with an
 * appointment) one of its participants. */
static bool
group_check(struct session *s, const struct new_note *g, char *const *patients, size_t n,
	    cJSON *appt, struct error *err)
{
	if (n == 0 || n > GROUP_NOTE_MAX)
		return error_set(err, ERR_USAGE,
				 _("A group note is written for 1 to %d clients at once (a server such as Medplum takes at most 8 entries in one transaction that must not make anything twice); nothing was saved. Write it for fewer clients at a time (--for)."),
				 GROUP_NOTE_MAX);
	for (size_t i = 0; i < n; i++) {
		struct patient pat;

		for (size_t j = 0; j < i; j++)
			if (strcmp(patients[i], patients[j]) == 0)
				return error_set(err, ERR_USAGE, _("Client %s is named twice; nothing was saved."), patients[i]);
		if (appt != NULL && !appt_has_patient(appt, patients[i]))
			return error_set(err, ERR_USAGE, _("Client %s is not in appointment %s; nothing was saved. Name the session the note is of."),
					 patients[i], g->appointment_id);
		if (!patient_get(s, patients[i], &pat, err))
			return false;
		patient_finish(&pat);
	}
	return true;
}

/* The notes of the answer: its first n entries (the Provenance follows). */
static bool
group_answer(const cJSON *resp, size_t n, struct note_list *out, struct error *err)
{
	const cJSON *entries = cJSON_GetObjectItemCaseSensitive(resp, "entry");

	out->v = xcalloc(n + 1, sizeof *out->v);
	for (size_t i = 0; i < n; i++) {
		const cJSON *e = cJSON_GetArrayItem(entries, (int)i);
		const cJSON *r = e != NULL ? cJSON_GetObjectItemCaseSensitive(e, "resource") : NULL;

		if (r == NULL) {
			note_list_finish(out);
			return error_set(err, ERR_FAILED, _("The server did not send the notes back; look with 'ezrizi notes'."));
		}
		if (!note_from_json(r, &out->v[i], err)) {
			note_list_finish(out);
			return false;
		}
		out->n++;
	}
	return true;
}

/* Member i's write id: the command's with its last byte changed by i + 1,
 * still a UUID, the same at every retry and replay. */
static void
member_request_id(const char *request_id, size_t i, char out[static 37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned v = 0;

	memcpy(out, request_id, 37);
	for (int k = 34; k < 36; k++) {
		char c = out[k];

		v = v * 16 + (unsigned)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
	}
	v = (v ^ (unsigned)(i + 1)) & 0xff;
	out[34] = hex[v >> 4];
	out[35] = hex[v & 15];
}

bool
notes_create_group(struct session *s, const struct new_note *g, char *const *patients,
		   size_t n, struct note_list *out, struct error *err)
{
	const char *me;
	cJSON *appt = NULL, *resp, **docs;
	time_t start = 0, end = 0;
	struct fhir_tx tx;
	char request_id[37], (*ids)[37];
	bool ok;

	memset(out, 0, sizeof *out);
	if (!group_text_ok(g->text, err) || (me = session_practitioner(s, NULL, err)) == NULL)
		return false;
	if (g->appointment_id != NULL) {
		if ((appt = note_read_appointment(s, g->appointment_id, err)) == NULL)
			return false;
		appt_times(appt, &start, &end);
	}
	ok = group_check(s, g, patients, n, appt, err);
	cJSON_Delete(appt);
	if (!ok)
		return false;
	session_request_id(s, request_id);
	fhir_tx_init(&tx);
	docs = xcalloc(n, sizeof *docs);
	ids = xcalloc(n, sizeof *ids);
	for (size_t i = 0; i < n; i++) {
		struct new_note one = *g;

		member_request_id(request_id, i, ids[i]);
		one.patient_id = patients[i];
		docs[i] = note_resource(&one, me, ids[i], start, end);
	}
	if (g->draft) {
		for (size_t i = 0; i < n; i++) {
			char *full = xasprintf("urn:uuid:%s", ids[i]), *ine = fhir_if_none_exist(ids[i]);

			fhir_tx_create(&tx, docs[i], full, ine);
			free(full);
			free(ine);
		}
	} else {  /* signed: one Provenance for them all (notesign.c) */
		const char *idv[GROUP_NOTE_MAX];

		for (size_t i = 0; i < n; i++)
			idv[i] = ids[i];
		notes_tx_add_group(s, &tx, docs, idv, n, request_id, me);
	}
	free(docs);
	free(ids);
	resp = fhir_tx_commit(s, &tx, err);
	fhir_tx_finish(&tx);
	if (resp == NULL)
		return false;
	ok = group_answer(resp, n, out, err);
	cJSON_Delete(resp);
	return ok;
}
