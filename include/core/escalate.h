/* escalate.h - a client handed at once to the counsellor on call.
 *
 * An escalation is a Communication of priority stat (FHIR's most urgent),
 * category alert, about the client (subject) and their active flags
 * (about), from "me" to the counsellor on call: the config's on_call, else
 * the Practitioner of the platform's active PractitionerRole coded on-call.
 * The on-call counsellor's screen rings and shows it at its next look; when
 * they read it, `received` is set on it (If-Match on the version read), and
 * that is the read receipt the sender sees. Created conditional on the
 * command's write id: a retry or a replay from the outbox sends it once. */
#ifndef EZRIZI_ESCALATE_H
#define EZRIZI_ESCALATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/session.h"

struct escalation {
	char *id;
	char *patient_id, *patient_name;
	char *from_id, *from_name;     /* the sender, a Practitioner */
	char *to_id, *to_name;         /* the counsellor on call */
	time_t sent, received;         /* received: 0 until they read it */
	char *text;
	char *flags;                   /* the Flag ids it is about, comma-separated, or NULL */
	bool urgent;                   /* priority stat */
};

struct escalation_list {
	struct escalation *v;
	size_t n;
};

/* The most an escalation's words may be, in bytes. */
#define ESCALATION_TEXT_MAX 4096

/* Who is on call: the config's on_call, else the platform's on-call role.
 * New string (free()); NULL with err (ERR_NOT_FOUND saying how to name one)
 * when no one is. */
char *escalation_on_call(struct session *s, struct error *err);
/* Sends the escalation about the client, with the words as typed. */
bool escalate(struct session *s, const char *patient_id, const char *text,
	      struct escalation *out, struct error *err);
/* The escalations to me (sent false) or from me (sent true) since `since`
 * (0: the last week), newest last. */
bool escalations_query(struct session *s, bool sent, time_t since, struct escalation_list *out,
		       struct error *err);
/* The search behind it, for the screen; me is the user's Practitioner id. */
char *escalations_query_path(const char *me, bool sent, time_t since);
/* The escalations among a search's resources (others, and unreadable ones,
 * left out), oldest first, with names from what was included. */
void escalations_from_resources(const cJSON *all, struct escalation_list *out);
bool escalation_from_json(const cJSON *res, struct escalation *out, struct error *err);
/* Marks one read by me, now (*already: it was; nothing written). Only its
 * recipient may. */
bool escalation_read(struct session *s, const char *id, struct escalation *out, bool *already,
		     struct error *err);
void escalation_finish(struct escalation *e);
void escalation_list_finish(struct escalation_list *l);

#endif
