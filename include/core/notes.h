/* notes.h - session notes (DocumentReference). */
#ifndef EZRIZI_NOTES_H
#define EZRIZI_NOTES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "core/session.h"

struct note_list {
	struct note *v;
	size_t n;
};

/* The patient's current notes, newest first (those entered in error or
 * superseded by an amendment left out), at most max. */
bool notes_query(struct session *s, const char *patient_id, size_t max, struct note_list *out,
		 struct error *err);
void note_list_finish(struct note_list *l);
/* The same in two halves, for the screen's loop: the search (new string,
 * free()) and the list made from its resources. */
char *notes_query_path(const char *patient_id, size_t max);
bool notes_from_resources(const cJSON *resources, size_t max, struct note_list *out,
			  struct error *err);
bool note_get(struct session *s, const char *id, struct note *out, struct error *err);

struct new_note {
	const char *patient_id;
	const char *kind;      /* "progress" (default) or "consult" */
	const char *text;      /* UTF-8, not empty */
	bool draft;            /* docStatus preliminary instead of final */
	/* The session it is the note of (or NULL): context.related, and
	 * context.period from the Appointment's start and end (note_create
	 * reads it, and refuses one the client is not a participant of). */
	const char *appointment_id;
	const char *template_name;  /* recorded on it (NOTE_TEMPLATE_URL), or NULL */
};

/* Creates the note as the logged-in counsellor; safe to retry. */
bool note_create(struct session *s, const struct new_note *n, struct note *out, struct error *err);

/* The DocumentReference of a new note by me, with its write id, as
 * note_create sends it (new object); period_start/end 0: none. For the
 * group fan-out (notes_session.c). */
cJSON *note_resource(const struct new_note *n, const char *me, const char *request_id,
		     time_t period_start, time_t period_end);

/* Changes a note's text as the logged-in counsellor: a draft (preliminary) in
 * place; a signed note by a new note that replaces it (relatesTo replaces,
 * docStatus amended), the old one marked superseded. Both pinned to the version
 * just read: a note changed meanwhile is never overwritten (ERR_CONFLICT). */
bool note_update(struct session *s, const char *id, const char *text, struct note *out,
		 struct error *err);

/* A note's kind ("progress", "consult") and state (docStatus: "preliminary" is a
 * draft, "final" and "amended" are signed) in the user's language; unknown codes
 * come back as they are, NULL as "". */
const char *note_kind_label(const char *kind);
const char *note_status_label(const char *doc_status);

#endif
