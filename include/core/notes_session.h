/* notes_session.h - notes tied to their session, and one text written for
 * each member of a group session.
 *
 * A note of a session names it in context.related (a reference to the
 * Appointment, as R4's DocumentReference has it) with context.period the
 * session's start and end, so the note of a session is one search,
 * DocumentReference?related=Appointment/ID (the R4 search parameter
 * `related`), or, offline, one look in the cached notes of its clients. */
#ifndef EZRIZI_NOTES_SESSION_H
#define EZRIZI_NOTES_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/notes.h"
#include "core/session.h"

/* The Patient participants of an appointment (a group session's members)
 * who attend: every one whose participant status is not declined. *ids is a
 * NULL-terminated array of new strings (free with appt_members_free). */
bool appt_attending(struct session *s, const char *appointment_id, char ***ids, size_t *n,
		    struct error *err);
void appt_members_free(char **ids);

/* The current notes of the session, newest first: from the server, or the
 * cache when working offline. */
bool notes_of_appointment(struct session *s, const char *appointment_id, struct note_list *out,
			  struct error *err);

/* One text for several clients of one session (a group): a note for each,
 * naming only that client as its subject, signed (unless g->draft) by one
 * Provenance that targets them all, in one transaction (all made, or none:
 * fhirtx.h undoes a half-applied one). g->patient_id is ignored;
 * g->appointment_id, when set, must have each as a participant. The notes
 * made, in the order of patients. Safe to retry (each create has its own
 * write id, derived from the command's). */
bool notes_create_group(struct session *s, const struct new_note *g, char *const *patients,
			size_t n, struct note_list *out, struct error *err);

/* The most clients one group note is written for: with its Provenance, 8
 * entries, the most Medplum takes in a transaction of conditional creates
 * ("Transaction requires strict isolation but has too many entries"). */
#define GROUP_NOTE_MAX 7

#endif
