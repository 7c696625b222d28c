/* appt.h - sessions (Appointments) and free time (Slots): finding, booking,
 * moving, cancelling, checking in.
 *
 * Every write is race-safe: it sends one FHIR transaction whose entries carry
 * If-Match on the versions read just before, so two receptionists booking one
 * slot at the same moment get exactly one booking, and the other an ERR_CONFLICT
 * saying the slot was just taken. Creates carry a client-assigned identifier with
 * If-None-Exist, so a retry after a lost answer does not book twice. */
#ifndef EZRIZI_APPT_H
#define EZRIZI_APPT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/date.h"
#include "core/model.h"
#include "core/session.h"

struct appt_query {
	struct civil_date from, to;  /* local days, both included */
	const char *practitioner;    /* id, or NULL for everyone */
	const char *patient;         /* id or NULL */
	const char *status;          /* FHIR status or NULL */
};

struct appt_list {
	struct appointment *v;
	size_t n;
};

/* The most appointments one query brings. */
#define APPT_QUERY_MAX 2000

/* Appointments starting within the days, sorted by start, with patient and
 * practitioner names filled in. */
bool appt_query(struct session *s, const struct appt_query *q, struct appt_list *out,
		struct error *err);
void appt_list_finish(struct appt_list *l);
/* The same in two halves, for the screen's loop: the search to run (new string,
 * free()), and the list made from its resources. */
char *appt_query_path(const struct appt_query *q);
bool appt_list_from_resources(const cJSON *resources, struct appt_list *out, struct error *err);

/* One appointment with names. */
bool appt_get(struct session *s, const char *id, struct appointment *out, struct error *err);

struct slot_query {
	struct civil_date from, to;
	const char *practitioner;    /* id or NULL */
	const char *language;        /* BCP-47 code or NULL: counsellors who speak it */
};

struct slot_info {
	struct slot slot;
	char *practitioner_id;
	char *practitioner_name;
};

struct slot_list {
	struct slot_info *v;
	size_t n;
};

/* Free slots within the days, sorted by start. */
bool slot_query(struct session *s, const struct slot_query *q, struct slot_list *out,
		struct error *err);
void slot_list_finish(struct slot_list *l);

struct booking {
	const char *slot_id;
	const char *patient_id;
	const char *type;     /* "routine", "followup", "walkin", "checkup", "emergency" or NULL */
	const char *comment;  /* or NULL */
	bool allow_overlap;   /* book even when the client has another session then */
};

/* Books the slot for the patient; *out gets the new appointment. A client who
 * already has a session at that time (with anyone) is refused, ERR_CONFLICT
 * with err->override "allow-overlap", unless allow_overlap. */
bool appt_book(struct session *s, const struct booking *b, struct appointment *out,
	       struct error *err);
/* Moves the appointment to another free slot (the old slot is freed); the
 * client's other sessions at the new time refuse it as appt_book does. */
bool appt_reschedule(struct session *s, const char *id, const char *slot_id, bool allow_overlap,
		     struct appointment *out, struct error *err);
/* Cancels (with an optional reason) and frees the slot. */
bool appt_cancel(struct session *s, const char *id, const char *reason,
		 struct appointment *out, struct error *err);
/* Marks the client as arrived ("checked-in") or as a no-show. */
struct appt_status_change {
	const char *status;   /* "checked-in" or "noshow" */
	bool any_day;         /* allowed on an appointment of another day */
	time_t when;          /* the moment it is done for (a queued write's), 0: now */
};
/* Refused (nothing changed): on another day than `when`'s, unless any_day
 * (ERR_USAGE, saying so); a no-show before the session starts (ERR_CONFLICT). */
bool appt_set_status(struct session *s, const char *id, const struct appt_status_change *c,
		     struct appointment *out, struct error *err);

/* The status in the user's language ("booked" -> "booked" translated); unknown
 * codes come back as they are. "arrived" and "checked-in" are one to ezrizi: a
 * client who is here ("checked in"); `checkin` writes "arrived", what servers
 * and the platform's own data use. */
const char *appt_status_label(const char *status);

/* The FHIR R4 Appointment statuses, NULL-terminated: the values of --status. */
extern const char *const appt_statuses[];

/* True when the two statuses mean the same to a user (arrived, checked-in). */
bool appt_status_same(const char *a, const char *b);

#endif
