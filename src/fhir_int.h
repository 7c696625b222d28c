/* fhir_int.h - what fhir.c and fhirgather.c share; the contract is
 * include/core/fhir.h. */
#ifndef EZRIZI_FHIR_INT_H
#define EZRIZI_FHIR_INT_H

#include <stdbool.h>

#include "core/fhir.h"
#include "core/http.h"

struct fhir_op {
	struct session *s;
	struct http_request *req;
	struct http_request_opts ho;   /* strings below are owned */
	char *method, *url, *body, *if_match, *if_none_exist, *if_none_match;
	bool refreshed;
	bool refreshing;               /* a task refreshes the token for it */
	bool cancelled;                /* ... and it was cancelled meanwhile */
	struct fhir_gather *gather;    /* held for a batch, or in one under way */
	fhir_done_fn done;
	void *arg;
};

void fhir_op_free(struct fhir_op *op);
/* Sends op on its own (with the session's token). */
void fhir_op_send(struct fhir_op *op);

/* fhirgather.c: true when op was held in g, for its batch. */
bool fhir_gather_take(struct fhir_gather *g, struct fhir_op *op);
/* A search whose GETs are held in g (a gather of fhir_search_all's own, not
 * the session's); it is waited for, so its further pages are not held. */
struct fhir_search *fhir_search_start_in(struct session *s, struct fhir_gather *g, const char *query,
					 size_t max, fhir_search_fn done, void *arg, struct error *err);
/* Forgets a held op, and frees it; its callback is not called. */
void fhir_gather_drop(struct fhir_op *op);

#endif
