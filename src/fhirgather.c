/* fhirgather.c - GETs held and sent as one batch Bundle; see fhir_gather_begin
 * in include/core/fhir.h.
 *
 * A gather is made by the outermost fhir_gather_begin and collects the ops
 * that fhir_start holds (fhir_gather_take); fhir_search_all makes one of its
 * own, so that a task's wait never touches the session's (a task spawned
 * inside a span would otherwise restore a gather that span had sent). At the outermost fhir_gather_end
 * it leaves the session: sent as a batch, it belongs to the batch's op, and
 * each entry of the answer goes to its op's callback, in order. A held op
 * that is cancelled leaves a hole (NULL); the batch is cancelled once every
 * op it carries is. */
#include <stdlib.h>
#include <string.h>

#include "core/fhir.h"
#include "core/http.h"
#include "core/json.h"
#include "core/session.h"
#include "core/xmalloc.h"
#include "fhir_int.h"

struct fhir_gather {
	struct session *s;
	int depth;                 /* begins not yet ended */
	struct fhir_op **v;        /* held, in order; NULL once dropped */
	size_t n, cap, left;       /* left: not dropped, not yet answered */
	struct fhir_op *batch;     /* the batch under way, once sent */
	bool answering;            /* its entries are being handed out */
};

/* The op's URL relative to the base, as a batch entry names it, or NULL. */
static const char *
relative_url(const struct fhir_op *op)
{
	size_t n = strlen(op->s->base);

	if (strncmp(op->url, op->s->base, n) != 0 || op->url[n] != '/' || op->url[n + 1] == '\0')
		return NULL;
	return op->url + n + 1;
}

bool
fhir_gather_take(struct fhir_gather *g, struct fhir_op *op)
{
	if (g->s->batch_refused || strcmp(op->method, "GET") != 0 ||
	    op->body != NULL || op->if_match != NULL || op->if_none_exist != NULL ||
	    relative_url(op) == NULL)
		return false;
	if (g->n == g->cap) {
		g->cap = g->cap != 0 ? 2 * g->cap : 8;
		g->v = xreallocarray(g->v, g->cap, sizeof *g->v);
	}
	g->v[g->n++] = op;
	g->left++;
	op->gather = g;
	return true;
}

static void
gather_free(struct fhir_gather *g)
{
	free(g->v);
	free(g);
}

void
fhir_gather_drop(struct fhir_op *op)
{
	struct fhir_gather *g = op->gather;

	for (size_t i = 0; i < g->n; i++) {
		if (g->v[i] == op) {
			g->v[i] = NULL;
			g->left--;
			break;
		}
	}
	fhir_op_free(op);
	if (g->left == 0 && g->batch != NULL && !g->answering) {
		fhir_cancel(g->s, g->batch);
		gather_free(g);
	}
}

/* Takes the next op still wanted out of the gather, or NULL. */
static struct fhir_op *
next_op(struct fhir_gather *g, size_t *i)
{
	while (*i < g->n) {
		struct fhir_op *op = g->v[(*i)++];

		if (op != NULL) {
			g->v[*i - 1] = NULL;
			g->left--;
			op->gather = NULL;
			return op;
		}
	}
	return NULL;
}

/* Every op on its own, as if there had been no gather. */
static void
send_each(struct fhir_gather *g)
{
	struct fhir_op *op;
	size_t i = 0;

	while ((op = next_op(g, &i)) != NULL)
		fhir_op_send(op);
}

static void
fail_each(struct fhir_gather *g, const struct error *err)
{
	struct fhir_op *op;
	size_t i = 0;

	while ((op = next_op(g, &i)) != NULL) {
		op->done(NULL, err, op->arg);
		fhir_op_free(op);
	}
}

/* One entry of the batch-response to its op, as its own answer would have
 * come: the status, the resource (or outcome), the validators. */
static void
answer_one(struct fhir_op *op, cJSON *entry)
{
	cJSON *resp = cJSON_GetObjectItemCaseSensitive(entry, "response");
	const cJSON *etag = cJSON_GetObjectItemCaseSensitive(resp, "etag");
	const cJSON *loc = cJSON_GetObjectItemCaseSensitive(resp, "location");
	long status = fhir_entry_status(entry);
	struct fhir_result r = { 0 };
	struct error err;

	error_clear(&err);
	if ((status >= 200 && status < 300) || status == 304) {
		cJSON *res = cJSON_DetachItemFromObjectCaseSensitive(entry, "resource");

		r.status = status;
		r.json = cJSON_IsObject(res) ? res : NULL;
		if (r.json == NULL)
			cJSON_Delete(res);
		r.etag = cJSON_IsString(etag) ? xstrdup(etag->valuestring) : NULL;
		r.location = cJSON_IsString(loc) ? xstrdup(loc->valuestring) : NULL;
		op->done(&r, &err, op->arg);
		fhir_result_finish(&r);
	} else {
		const cJSON *oo = cJSON_GetObjectItemCaseSensitive(resp, "outcome");

		if (oo == NULL)
			oo = cJSON_GetObjectItemCaseSensitive(entry, "resource");
		fhir_status_error(op->s, status != 0 ? status : 500, oo, &err);
		op->done(NULL, &err, op->arg);
	}
	fhir_op_free(op);
}

/* A 4xx other than these says the server does not take the batch (400, 404,
 * 405, 415, 422, 501 are seen); each GET alone will do. */
static bool
batch_refused(const struct error *err)
{
	int st = err->http_status;

	return (st >= 400 && st < 500 && st != 401 && st != 408 && st != 429) || st == 501;
}

static void
batch_done(struct fhir_result *r, const struct error *err, void *arg)
{
	struct fhir_gather *g = arg;
	cJSON *entries = NULL;
	const cJSON *type = NULL;

	g->batch = NULL;
	g->answering = true;
	if (r != NULL && r->json != NULL) {
		type = cJSON_GetObjectItemCaseSensitive(r->json, "type");
		entries = cJSON_GetObjectItemCaseSensitive(r->json, "entry");
	}
	if (r == NULL && !batch_refused(err)) {
		fail_each(g, err);
	} else if (r == NULL || !cJSON_IsString(type) || strcmp(type->valuestring, "batch-response") != 0 ||
		   !cJSON_IsArray(entries) || (size_t)cJSON_GetArraySize(entries) != g->n) {
		/* Refused, or answered with something else: this server gets
		 * its GETs one by one. */
		g->s->batch_refused = true;
		send_each(g);
	} else {
		cJSON *e = entries->child;

		for (size_t i = 0; i < g->n; i++, e = e->next) {
			struct fhir_op *op = g->v[i];

			if (op == NULL)
				continue;   /* cancelled meanwhile */
			g->v[i] = NULL;
			g->left--;
			op->gather = NULL;
			answer_one(op, e);
		}
	}
	gather_free(g);
}

static void
gather_send(struct fhir_gather *g)
{
	static const struct fhir_opts o = { .idempotent = true };   /* only GETs */
	struct fhir_op *op;
	struct error err;
	cJSON *bundle;
	size_t i = 0, k = 0;

	/* No holes: entry i answers v[i]. */
	for (i = 0; i < g->n; i++)
		if (g->v[i] != NULL)
			g->v[k++] = g->v[i];
	g->n = k;
	if (g->left <= 1) {
		send_each(g);
		gather_free(g);
		return;
	}
	bundle = fhir_bundle_new("batch");
	for (i = 0; i < g->n; i++) {
		fhir_bundle_add(bundle, "GET", relative_url(g->v[i]), NULL, NULL, NULL, NULL);
		if (g->v[i]->if_none_match != NULL) {
			cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(bundle, "entry"), (int)i);

			json_put_str(cJSON_GetObjectItemCaseSensitive(e, "request"), "ifNoneMatch",
				     g->v[i]->if_none_match);
		}
	}
	error_clear(&err);
	op = fhir_start(g->s, "POST", "", bundle, &o, batch_done, g, &err);
	cJSON_Delete(bundle);
	if (op == NULL) {
		g->answering = true;
		fail_each(g, &err);
		gather_free(g);
		return;
	}
	g->batch = op;
}

void
fhir_gather_begin(struct session *s)
{
	if (s->gather == NULL) {
		s->gather = xcalloc(1, sizeof *s->gather);
		s->gather->s = s;
	}
	s->gather->depth++;
}

void
fhir_gather_end(struct session *s)
{
	struct fhir_gather *g = s->gather;

	if (g == NULL || --g->depth > 0)
		return;
	s->gather = NULL;
	gather_send(g);
}

struct one_search {
	bool done;
	cJSON **out;
	struct error *err;
};

static void
one_done(cJSON *resources, const struct error *err, void *arg)
{
	struct one_search *o = arg;

	o->done = true;
	*o->out = resources;
	if (resources == NULL)
		*o->err = *err;
}

bool
fhir_search_all(struct session *s, size_t n, const char *const *queries, const size_t *max,
		cJSON **out, struct error *errs)
{
	/* A gather of its own: the session's (a screen's look under way) is
	 * not touched, nor waited on. */
	struct fhir_gather *g = xcalloc(1, sizeof *g);
	struct one_search *o = xcalloc(n, sizeof *o);
	bool ok = true;

	g->s = s;
	for (size_t i = 0; i < n; i++) {
		out[i] = NULL;
		error_clear(&errs[i]);
		o[i].out = &out[i];
		o[i].err = &errs[i];
		if (fhir_search_start_in(s, g, queries[i], max[i], one_done, &o[i], &errs[i]) == NULL)
			o[i].done = true;
	}
	gather_send(g);
	for (size_t i = 0; i < n; i++) {
		http_wait(s->http, &o[i].done);
		ok = ok && out[i] != NULL;
	}
	free(o);
	return ok;
}
