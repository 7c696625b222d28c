/* privacy.h - who may see clinical text, and the labels that keep a
 * psychotherapy note apart.
 *
 * A front desk (flag_user_front_desk: the config's role, else the user's
 * PractitionerRoles) sees appointments and that a client has a flag, never
 * clinical text, whatever the server would let it read: session notes,
 * messages, scores, safety plans. The commands that show or write them ask
 * privacy_clinical() first and refuse with ERR_FORBIDDEN (exit 7) before
 * anything is fetched, so nothing clinical reaches the screen or the cache.
 *
 * A psychotherapy (process) note is a DocumentReference whose meta.security
 * holds confidentiality R (restricted, v3-Confidentiality) and the sensitivity
 * PSYTHPN (psychotherapy note information sensitivity, v3-ActCode), both
 * checked against the R4 code systems. It is marked in the counsellor's
 * views, never shown to a front desk, and never exported: not piped to
 * $PAGER, and its text is left out of TSV and JSON output (for programs),
 * which say only that it is one. Other notes get no label (nothing in the
 * sources says a counselling note is "normal", N). */
#ifndef EZRIZI_PRIVACY_H
#define EZRIZI_PRIVACY_H

#include <stdbool.h>
#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/session.h"

#define PRIVACY_CONF_SYSTEM "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
#define PRIVACY_ACT_SYSTEM "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#define PRIVACY_RESTRICTED "R"
#define PRIVACY_PSYTHPN "PSYTHPN"

/* What a front desk is refused. */
enum privacy_what {
	PRIVACY_NOTES,
	PRIVACY_CHAT,
	PRIVACY_SCORES,
	PRIVACY_PLAN,
};

/* True when the user may see (and write) it; false with ERR_FORBIDDEN and a
 * message saying who can, for a front desk. */
bool privacy_clinical(struct session *s, enum privacy_what what, struct error *err);
/* The refusal's words, translated. */
const char *privacy_refusal(enum privacy_what what);

/* Adds the psychotherapy note's labels to res's meta.security. */
void privacy_label_process(cJSON *res);
/* Puts from's meta.security labels on to (whose meta was taken off for a
 * write): a change never loses them. */
void privacy_copy_labels(cJSON *to, const cJSON *from);
/* True when res's meta.security says it is a psychotherapy note (PSYTHPN),
 * or restricted (R) or very restricted (V). */
bool privacy_is_process(const cJSON *res);

#endif
