/* worklist.h - what a counsellor still owes in notes: sessions held with no
 * signed note, drafts older than the clinic's limit, notes waiting for a
 * co-sign; oldest first.
 *
 * The sessions are the counsellor's appointments of the last `days` days
 * (today included) whose status is fulfilled, arrived or checked-in; a
 * session's note is one tied to it (context.related, core/notes_session.h).
 * A session whose only note is a draft shows once, with that draft. A draft
 * is overdue when older than draft_limit_hours (config, 24 to 72, 48 unless
 * set). Offline (--offline, core/fhir.h fhir_reads_cached), it is made from
 * the local cache, and says when the server was last asked. */
#ifndef EZRIZI_WORKLIST_H
#define EZRIZI_WORKLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/appt.h"
#include "core/config.h"
#include "core/error.h"
#include "core/notes.h"
#include "core/session.h"

enum worklist_kind {
	WL_NO_NOTE,     /* a session held with no note at all */
	WL_DRAFT,       /* a session whose note is a draft, within the limit */
	WL_OLD_DRAFT,   /* a draft older than the limit (of a session or not) */
	WL_COSIGN,      /* a note signed by a trainee, waiting for a co-sign */
};

struct worklist_item {
	enum worklist_kind kind;
	time_t since;              /* the session's start, else the note's date */
	char *appointment_id;      /* or NULL */
	char *appointment_status;  /* or NULL */
	char *note_id;             /* the draft or the note waiting, or NULL */
	char *patient_id;
	char *patient_name;        /* or NULL (server text: sanitise to show) */
};

struct worklist {
	struct worklist_item *v;
	size_t n;
	bool from_cache;           /* made from the local cache */
	time_t fetched;            /* from_cache: when the server was last asked; 0: never */
};

#define WORKLIST_DAYS 14       /* how far back sessions are looked at by default */
#define WORKLIST_MAX_DAYS 90

/* Made from what was fetched: the counsellor's appointments and notes (any
 * notes; those not current are left out), the counsellor me, at now. */
struct worklist_input {
	const struct appt_list *appts;
	const struct note_list *notes;
	const char *me;
	time_t now;
	long draft_limit_hours;
};
void worklist_build(const struct worklist_input *in, struct worklist *out);

/* The counsellor's worklist of the last days (1..WORKLIST_MAX_DAYS), a
 * draft overdue after draft_limit_hours (worklist_draft_limit). */
bool worklist_get(struct session *s, long draft_limit_hours, int days, struct worklist *out,
		  struct error *err);
void worklist_finish(struct worklist *w);

/* The draft limit in hours (draft_limit_hours, else 48). */
long worklist_draft_limit(const struct config *cfg);

/* A kind's code ("no-note", "draft", "old-draft", "cosign") and its words in
 * the user's language. */
const char *worklist_kind_code(enum worklist_kind k);
const char *worklist_kind_label(enum worklist_kind k);

#endif
