/* fhirtx.h - writes of several resources that hold on every FHIR server.
 *
 * A write that changes more than one resource (a booking: the slot and the
 * appointment) goes as one transaction Bundle, each update pinned with
 * If-Match to the version read just before and each create conditional on
 * ezrizi's write id (If-None-Exist), so a retry never makes anything twice.
 *
 * Not every server runs a transaction as a unit. Medplum, in a project without
 * the feature `transaction-bundles` (its default), runs one entry after the
 * other with no rollback and answers 200 with a status per entry: two
 * receptionists booking one slot at once both got an appointment. So the answer
 * is read entry by entry, and when any entry failed, what the others did is
 * undone: an update by putting back the version read before, a create by
 * marking it entered-in-error and taking ezrizi's write id off it (so a retry
 * makes it afresh). Every undo is pinned with If-Match to the version the
 * server has just made, so it never overwrites a change made meanwhile; what
 * cannot be undone that way is named in the error. What a server was seen to
 * do is kept in the store, for `whoami`. */
#ifndef EZRIZI_FHIRTX_H
#define EZRIZI_FHIRTX_H

#include <stdbool.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/session.h"

struct fhir_tx {
	cJSON *bundle;  /* the transaction Bundle */
	cJSON *prior;   /* per entry: the resource as read before an update, or null */
};

void fhir_tx_init(struct fhir_tx *tx);
void fhir_tx_finish(struct fhir_tx *tx);

/* An update of url ("Slot/12") to res (taken), pinned with if_match; prior is
 * the resource as read (copied; NULL when there is none: then a half-applied
 * transaction cannot undo this entry, and says so). */
void fhir_tx_update(struct fhir_tx *tx, const char *url, cJSON *res, const cJSON *prior,
		    const char *if_match);
/* A create of res (taken) of its resourceType, known in the Bundle as full_url
 * ("urn:uuid:..."), unless one matching if_none_exist exists. */
void fhir_tx_create(struct fhir_tx *tx, cJSON *res, const char *full_url,
		    const char *if_none_exist);

/* Sends the transaction. Returns the transaction-response Bundle (to
 * cJSON_Delete()) when the server applied every entry. Otherwise NULL with err:
 * the server's own error when it refused the whole transaction (412 and 409 are
 * ERR_CONFLICT); when it applied only part of it, the error of the first entry
 * it refused, once the others are undone; ERR_FAILED naming the resources left
 * as the server made them when they could not all be undone. */
cJSON *fhir_tx_commit(struct session *s, struct fhir_tx *tx, struct error *err);

/* "Type/id" and the version of what an entry of a transaction's answer made:
 * from its resource, else its location ("Type/id/_history/v", perhaps
 * absolute) and etag. New strings (free()); *version may stay NULL. False
 * when the entry says neither. */
bool fhir_tx_entry_made(const cJSON *entry, char **ref, char **version);

enum fhir_atomicity {
	TX_UNKNOWN,     /* no transaction of several entries was refused yet */
	TX_ATOMIC,      /* one was refused as a whole */
	TX_NOT_ATOMIC,  /* one was applied in part (and undone) */
};
/* What ezrizi last saw of the session's server, and when (*seen = 0 when
 * unknown). Needs the store; TX_UNKNOWN without it. */
enum fhir_atomicity fhir_tx_atomicity(struct session *s, time_t *seen);

#endif
