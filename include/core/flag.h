/* flag.h - risk flags about clients: listed, raised by a counsellor's own
 * judgement, acknowledged and closed.
 *
 * A flag is a FHIR Flag (core/model.h, struct flag), category safety. ezrizi
 * raises one itself when an assessment's answers are a risk (assess.h); a
 * counsellor raises one with flag_add. An active flag that no clinician has
 * acknowledged is shown on every screen showing its client until one does;
 * the acknowledgement (who, when) and the closure (who, when, why) are written
 * into the Flag itself, pinned with If-Match to the version read, so the
 * server's version history is their record and every screen learns of them
 * with the same fetch that brings the flags.
 *
 * Base R4 has no status search on Flag: the server is asked for a client's
 * flags (or everyone's it lets the user see) and the active ones are kept
 * here. A look again asks only for those changed since the newest seen
 * (_lastUpdated), by the server's own clock. */
#ifndef EZRIZI_FLAG_H
#define EZRIZI_FLAG_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "core/config.h"
#include "core/error.h"
#include "core/model.h"
#include "core/session.h"
#include "core/store.h"

struct flag_list {
	struct flag *v;
	size_t n;
	size_t skipped;      /* flags the server sent that could not be read */
};

/* The most flags a search brings (of every status). */
#define FLAG_QUERY_MAX 2000

/* The search for a client's flags (every client's when patient_id is NULL),
 * with the names of clients and authors; since (meta.lastUpdated as the
 * server wrote it, or NULL): only those changed since. New string. */
char *flag_query_path(const char *patient_id, const char *since);
/* The flags among a search's resources, oldest first, with names filled in
 * from what was included; those that cannot be read are counted in skipped.
 * active_only keeps only the active ones. */
void flags_from_resources(const cJSON *all, bool active_only, struct flag_list *out);
/* A client's flags (every client's the server lets the user see when
 * patient_id is NULL), from the server or, offline, the cache. */
bool flags_query(struct session *s, const char *patient_id, bool active_only,
		 struct flag_list *out, struct error *err);
void flag_list_finish(struct flag_list *l);

/* Active, and no one has acknowledged it yet: the banner stays. */
bool flag_needs_ack(const struct flag *f);
/* Whether the user works at a front desk: they see that a client has a flag,
 * not what it says, and cannot acknowledge or close one. The config's role
 * (clinician, front-desk) decides; with auto, the user's PractitionerRoles
 * do: front desk when they hold some and every one is a front-desk role
 * (flag_roles_front_desk); offline, or when the server does not answer,
 * the last answer kept in the store, and hidden when there is none. */
bool flag_user_front_desk(struct session *s, struct error *err);
/* The same from a PractitionerRole search's resources. */
bool flag_roles_front_desk(const cJSON *roles);
/* The search for the user's PractitionerRoles. New string. */
char *flag_roles_path(const char *practitioner_id);
/* The last answer for the user `me`, kept in the store (st may be NULL):
 * offline, and when the server does not answer, it decides. remembered:
 * 1 front desk, 0 clinician, -1 never asked. */
void flag_role_remember(struct store *st, const char *me, bool front_desk);
int flag_role_remembered(struct store *st, const char *me);

/* Raises a safety flag about a client with the counsellor's words (byte for
 * byte), authored by "me", conditional on the command's write id. */
bool flag_add(struct session *s, const char *patient_id, const char *text, struct flag *out,
	      struct error *err);
/* Acknowledges a flag as "me", now. *already: someone had (nothing written;
 * out is the flag as it is). A closed flag is ERR_CONFLICT. */
bool flag_ack(struct session *s, const char *id, struct flag *out, bool *already, struct error *err);
/* Closes a flag (status inactive, period end) with the reason (byte for
 * byte). *already: it was closed (nothing written). */
bool flag_close(struct session *s, const char *id, const char *reason, struct flag *out,
		bool *already, struct error *err);

/* "review now", "acknowledged", "closed": the flag's state, translated. */
const char *flag_state_label(const struct flag *f);
/* The machine word of the same: unacknowledged, acknowledged, closed. */
const char *flag_state(const struct flag *f);

#endif
