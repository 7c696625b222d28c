/* note_context.h - what ties a note to its session: the DocumentReference's
 * context (related: the Appointment; period: its start and end) and the
 * template it was written from, and the session's clients as the
 * Appointment names them. Below notes.h and notes_session.h, which use it. */
#ifndef EZRIZI_NOTE_CONTEXT_H
#define EZRIZI_NOTE_CONTEXT_H

#include <stdbool.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/session.h"

/* Sets doc's context (related, period) and the extension naming the
 * template; each only when given (NULL, 0). */
void note_put_session(cJSON *doc, const char *appointment_id, time_t start, time_t end,
		      const char *template_name);

/* Reads the appointment; its start and end, when patient_id is one of its
 * Patient participants (ERR_USAGE saying so otherwise). */
bool note_session_period(struct session *s, const char *appointment_id, const char *patient_id,
			 time_t *start, time_t *end, struct error *err);

/* The Appointment: from the server, or the cache when working offline
 * (cJSON_Delete()); NULL with err. */
cJSON *note_read_appointment(struct session *s, const char *id, struct error *err);
/* A participant's Patient id (new string), or NULL; attending_only: NULL
 * for one who declined. */
char *appt_participant_patient(const cJSON *participant, bool attending_only);
bool appt_has_patient(const cJSON *appt, const char *patient_id);
/* Its start and end (0 when absent). */
void appt_times(const cJSON *appt, time_t *start, time_t *end);

#endif
