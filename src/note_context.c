/* note_context.c - what ties a note to its session; see
 * include/core/note_context.h. */
#include "core/note_context.h"

#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/model.h"
#include "core/template.h"
#include "core/xmalloc.h"

void
note_put_session(cJSON *doc, const char *appointment_id, time_t start, time_t end,
		 const char *template_name)
{
	if (appointment_id != NULL || start != 0) {
		cJSON *ctx = cJSON_CreateObject();

		if (appointment_id != NULL) {
			cJSON *rel = cJSON_CreateArray();

			cJSON_AddItemToArray(rel, fhir_reference("Appointment", appointment_id, NULL));
			json_put(ctx, "related", rel);
		}
		if (start != 0) {
			cJSON *period = cJSON_CreateObject();
			char buf[21];

			instant_format_utc(start, buf);
			json_put_str(period, "start", buf);
			if (end != 0) {
				instant_format_utc(end, buf);
				json_put_str(period, "end", buf);
			}
			json_put(ctx, "period", period);
		}
		json_put(doc, "context", ctx);
	}
	if (template_name != NULL) {
		cJSON *ext = cJSON_CreateArray(), *e = cJSON_CreateObject();

		json_put_str(e, "url", NOTE_TEMPLATE_URL);
		json_put_str(e, "valueCode", template_name);
		cJSON_AddItemToArray(ext, e);
		json_put(doc, "extension", ext);
	}
}

/* The id of a participant's Patient actor, or NULL (new string). */
char *
appt_participant_patient(const cJSON *p, bool attending_only)
{
	const cJSON *actor = cJSON_GetObjectItemCaseSensitive(p, "actor");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(p, "status");

	if (attending_only && cJSON_IsString(st) && strcmp(st->valuestring, "declined") == 0)
		return NULL;
	return actor != NULL ? reference_id(actor, "Patient") : NULL;
}

cJSON *
note_read_appointment(struct session *s, const char *id, struct error *err)
{
	cJSON *a;

	if (!fhir_id_ok(id)) {
		error_set(err, ERR_USAGE, _("'%s' is not an appointment id."), id);
		return NULL;
	}
	if (!fhir_reads_cached(s))
		return fhir_read(s, "Appointment", id, NULL, err);
	if ((a = cache_get(s->store, "Appointment", id)) == NULL)
		error_set(err, ERR_NOT_FOUND, _("Appointment %s is not in the local cache; look it up when the server can be reached."), id);
	return a;
}

bool
appt_has_patient(const cJSON *appt, const char *patient_id)
{
	const cJSON *p;
	bool found = false;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(appt, "participant")) {
		char *id = appt_participant_patient(p, false);

		found = found || (id != NULL && strcmp(id, patient_id) == 0);
		free(id);
	}
	return found;
}

void
appt_times(const cJSON *appt, time_t *start, time_t *end)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(appt, "start");
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(appt, "end");

	*start = *end = 0;
	if (cJSON_IsString(st))
		instant_parse(st->valuestring, start);
	if (cJSON_IsString(en))
		instant_parse(en->valuestring, end);
}

bool
note_session_period(struct session *s, const char *appointment_id, const char *patient_id,
		    time_t *start, time_t *end, struct error *err)
{
	cJSON *a = note_read_appointment(s, appointment_id, err);
	bool ok;

	if (a == NULL)
		return false;
	ok = appt_has_patient(a, patient_id);
	if (ok)
		appt_times(a, start, end);
	else
		error_set(err, ERR_USAGE, _("Client %s is not in appointment %s; nothing was saved. Name the session the note is of."),
			  patient_id, appointment_id);
	cJSON_Delete(a);
	return ok;
}
