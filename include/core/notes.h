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
	bool process;          /* a psychotherapy note: labelled (core/privacy.h) */
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

/* Changes a note's text as the logged-in counsellor: a draft in place,
 * pinned to the version read (a note changed meanwhile is never overwritten:
 * ERR_CONFLICT); a signed note never: a new signed note replaces it
 * (relatesTo replaces, docStatus amended). The same text changes nothing
 * (*changed false, out the note as it is). */
bool note_update(struct session *s, const char *id, const char *text, struct note *out,
		 bool *changed, struct error *err);

/* ---- signing (src/notesign.c) ----
 *
 * Signing makes a draft final and names the signer in `authenticator`, and
 * records a Provenance in the same transaction: target the note, recorded
 * and agent (author, or verifier for a co-signature), activity LA (legally
 * authenticated), and a signature (ASTM E1762 type; who, when) whose data is
 * the SHA-256 of the attachment's bytes, so a later reader sees a change of
 * content. A signed note is locked: ezrizi never sends a change to it; a
 * correction is a new note that replaces it, an addendum one that appends
 * it. A trainee (config `supervisor`) signs on behalf of their supervisor
 * (the Provenance's onBehalfOf): the note then awaits the supervisor's
 * co-signature, a second Provenance that changes nothing of the note. */

/* docStatus final or amended. */
bool note_is_signed(const struct note *n);
/* A draft (docStatus preliminary). */
bool note_is_draft(const struct note *n);
/* Signed by a trainee and not yet co-signed by the supervisor named. */
bool note_awaits_cosign(const struct note *n);
/* Awaits the co-signature of this practitioner. */
bool note_awaits_cosign_by(const struct note *n, const char *practitioner_id);
/* The note's content is not what its signature says (changed after signing). */
bool note_is_tampered(const struct note *n);

/* Fills each note's signed_by/at, tampered, cosign and replaced_by/addenda
 * from the Provenances and DocumentReferences among resources (a search's,
 * with _revinclude=Provenance:target); names from its Practitioners. */
void notes_sign_fill(struct note *v, size_t n, const cJSON *resources);

/* Signs a draft as the logged-in counsellor, pinned to the version read
 * (ERR_CONFLICT when it changed meanwhile); safe to replay (a note this
 * write signed already is success). A signed note is refused (ERR_USAGE). */
bool note_sign(struct session *s, const char *id, struct note *out, struct error *err);
/* Co-signs a note a trainee signed on the logged-in counsellor's behalf:
 * a Provenance only. Refused for anyone else, and for a note that does not
 * await a co-signature. Safe to replay. */
bool note_cosign(struct session *s, const char *id, struct note *out, struct error *err);
/* Adds a signed addendum (relatesTo appends) to a signed note. */
bool note_addendum(struct session *s, const char *id, const char *text, struct note *out,
		   struct error *err);
/* One note read with what signing knows of it (its Provenances, the notes
 * that replace or append it), and its addenda, oldest first, in chain. */
bool note_get_chain(struct session *s, const char *id, struct note *out, struct note_list *chain,
		    struct error *err);
/* The trainees config `supervises` names (ids separated by commas or
 * spaces) as "Practitioner/a,Practitioner/b", escaped for a query (new string). */
char *notes_trainee_refs(const char *supervises);
/* The notes awaiting the logged-in counsellor's co-signature, oldest first,
 * of the trainees the config names (`supervises`). */
bool notes_awaiting_cosign(struct session *s, size_t max, struct note_list *out, struct error *err);

/* The hex SHA-256 of the note's content (65 bytes), "" without one. */
void note_digest_hex(const struct note *n, char out[65]);

/* A note's kind ("progress", "consult") and state (docStatus: "preliminary" is a
 * draft, "final" and "amended" are signed) in the user's language; unknown codes
 * come back as they are, NULL as "". */
const char *note_kind_label(const char *kind);
const char *note_status_label(const char *doc_status);

#endif
