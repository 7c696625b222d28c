/* fhir.h - FHIR REST calls as the session's user: synchronous for batch, the
 * same on the loop for the screen; searches that follow paging links; Bundles;
 * references, version tags and ezrizi's client-assigned write ids.
 *
 * Every call adds the session's bearer token and refreshes it once on a 401.
 * Writes of several resources go through fhirtx.h, which reads every entry's
 * answer. A search's _include is completed where a server ignores it
 * (include.h). */
#ifndef EZRIZI_FHIR_H
#define EZRIZI_FHIR_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/session.h"

/* ---- FHIR REST, synchronous (batch) ---- */

struct fhir_result {
	long status;
	cJSON *json;     /* the parsed body, or NULL (304, empty) */
	char *etag;      /* W/"3" */
	char *location;
};

void fhir_result_finish(struct fhir_result *r);

/* A request relative to the base ("Patient/12", "Appointment?date=ge..."), or an
 * absolute URL on the same server (a Bundle's next link). `body` is JSON or NULL.
 * Adds the bearer token; on a 401 refreshes once and tries again. Any status that
 * is not 2xx or 304 becomes an error: 401/403 ERR_AUTH, 404/410 ERR_NOT_FOUND,
 * 409/412 ERR_CONFLICT, 400/422 ERR_USAGE, other ERR_NETWORK, with the server's
 * OperationOutcome text (sanitised) in the message. */
struct fhir_opts {
	const char *if_match;
	const char *if_none_exist;
	const char *if_none_match;  /* a conditional read: 304 when unchanged */
	bool idempotent;   /* GET and conditional writes are; plain POST is not */
};
bool fhir_call(struct session *s, const char *method, const char *path, const cJSON *body,
	       const struct fhir_opts *o, struct fhir_result *out, struct error *err);

/* ---- FHIR REST, asynchronous (the screen): the same calls on the loop ---- */

struct fhir_op;

/* Called once, on the loop, when the call is over: r is the result (the callee
 * may take r->json and set it to NULL) or NULL with err set. */
typedef void (*fhir_done_fn)(struct fhir_result *r, const struct error *err, void *arg);

/* Starts fhir_call's request; returns NULL with err set (and no callback) when
 * it cannot start (not logged in, a bad path). */
struct fhir_op *fhir_start(struct session *s, const char *method, const char *path,
			   const cJSON *body, const struct fhir_opts *o, fhir_done_fn done,
			   void *arg, struct error *err);
/* Cancels a running call; its callback is not called. */
void fhir_cancel(struct session *s, struct fhir_op *op);

/* Called once with the resources of every page (cJSON_Delete() them), or NULL
 * with err set. */
typedef void (*fhir_search_fn)(cJSON *resources, const struct error *err, void *arg);
struct fhir_search;
/* fhir_search on the loop. */
struct fhir_search *fhir_search_start(struct session *s, const char *query, size_t max,
				      fhir_search_fn done, void *arg, struct error *err);
void fhir_search_cancel(struct session *s, struct fhir_search *fs);

/* Gathering: the GETs that fhir_start (and so fhir_search_start) would send
 * between fhir_gather_begin and fhir_gather_end are held, and at the end go
 * as one batch Bundle: one round trip, and one connection, for all of them
 * (a screen's looks again). Each still gets its own answer, from its entry
 * of the batch-response, through its own callback, as if sent alone; a
 * search's further pages go on their own. One held alone is sent as itself.
 * When the server refuses the batch (a 4xx), they go one by one, and so do
 * all later ones of the session. Pairs nest; the outermost end sends.
 * Synchronous calls made meanwhile are not held. */
void fhir_gather_begin(struct session *s);
void fhir_gather_end(struct session *s);
/* fhir_search for each of n queries, asked together (gathered: one round
 * trip) and waited for: out[i] the resources, or NULL and errs[i] why.
 * True when every one answered. */
bool fhir_search_all(struct session *s, size_t n, const char *const *queries, const size_t *max,
		     cJSON **out, struct error *errs);

/* True when reads come from the local cache instead of the server: working
 * offline (--offline) with the store open. Every query module asks this, so the
 * rule is in one place. */
bool fhir_reads_cached(const struct session *s);

/* True for a FHIR id: 1 to 64 of letters, digits, '-' and '.'. */
bool fhir_id_ok(const char *id);

/* GET path; the resource must have the given type. */
cJSON *fhir_read(struct session *s, const char *type, const char *id, char **etag,
		 struct error *err);

/* A change of one resource made where it is (a flag acknowledged, a message
 * marked read): change sees the resource as read and says whether to write
 * it (changing it in place), that it needs nothing (done already), or that
 * it must not be changed (err set). */
enum fhir_change { CHANGE_WRITE, CHANGE_NONE, CHANGE_REFUSED };
typedef enum fhir_change fhir_change_fn(cJSON *res, void *arg, struct error *err);
/* Reads type/id, lets change decide, and writes it pinned with If-Match to
 * the version read (its meta's labels kept); when someone changed it
 * meanwhile, reads it again (their change may be the same one) and tries
 * again, three times in all. Returns the resource as the server has it now
 * (its answer to the write, or as read when nothing was to be written;
 * cJSON_Delete()), *written saying which; NULL with err. */
cJSON *fhir_change(struct session *s, const char *type, const char *id, fhir_change_fn *change,
		   void *arg, bool *written, struct error *err);

/* A search that follows Bundle.link next up to `max` entries (0: no limit), and
 * returns a new array of the entries' resources (matches and includes alike), to
 * cJSON_Delete(). */
cJSON *fhir_search(struct session *s, const char *query, size_t max, struct error *err);

/* POSTs a transaction or batch Bundle to the base and returns the answer
 * Bundle (cJSON_Delete()), whatever its entries say: writes use fhir_tx_commit
 * (fhirtx.h), which reads every entry's status. Retried after a lost answer:
 * ezrizi's bundles pin every update with ifMatch and every create with
 * ifNoneExist. */
cJSON *fhir_bundle_post(struct session *s, const cJSON *bundle, struct error *err);

/* The error for an HTTP status the server answered, with the text of its
 * OperationOutcome (may be NULL), as fhir_call makes it. */
void fhir_status_error(struct session *s, long status, const cJSON *outcome, struct error *err);

/* Adds a Bundle entry: method "PUT" (url "Type/id", if_match) or "POST"
 * (url "Type", full_url "urn:uuid:...", if_none_exist). Takes ownership of res. */
void fhir_bundle_add(cJSON *bundle, const char *method, const char *url, cJSON *res,
		     const char *full_url, const char *if_match, const char *if_none_exist);
cJSON *fhir_bundle_new(const char *type);
/* A Bundle entry's HTTP status ("412 Precondition Failed" -> 412), or 0. */
long fhir_entry_status(const cJSON *entry);

/* Makes "Type/id" references: new cJSON object {"reference": ..., "display": ...}. */
cJSON *fhir_reference(const char *type, const char *id, const char *display);

/* A version-pinned "W/\"vid\"" from a resource's meta.versionId (new string), or NULL. */
char *fhir_version_tag(const cJSON *res);

/* A random UUID string for client-assigned identifiers (37 bytes). */
void fhir_uuid(char out[static 37]);

/* The system of ezrizi's client-assigned write ids. */
#define FHIR_REQUEST_SYSTEM "urn:ezrizi:request"

/* Sets res.identifier to the write id (replacing what was there). */
void fhir_set_request_identifier(cJSON *res, const char *request_id);
/* "identifier=urn:ezrizi:request|ID", for If-None-Exist (new string, free()). */
char *fhir_if_none_exist(const char *request_id);
/* POSTs res (taken; its identifier the write id already) to its type,
 * conditional on the write id: a retry, or a replay from the outbox, finds
 * the one made before instead of making another. The answer in *out. */
bool fhir_create_once(struct session *s, cJSON *res, const char *request_id, struct fhir_result *out,
		      struct error *err);
/* A Coding (display may be NULL). New object. */
cJSON *fhir_coding(const char *system, const char *code, const char *display);
/* A CodeableConcept of one coding (display may be NULL). New object. */
cJSON *fhir_coded(const char *system, const char *code, const char *display);
/* Whether one of the CodeableConcepts (an array, as category is) has a
 * coding of the system and code. */
bool fhir_has_coding(const cJSON *concepts, const char *system, const char *code);

#endif
