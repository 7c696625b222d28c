/* fhir.c - FHIR REST calls as the session's user; see include/core/fhir.h. */
#include "core/fhir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/include.h"
#include "core/json.h"
#include "core/sanitize.h"
#include "core/session.h"
#include "core/utf8.h"
#include "core/task.h"
#include "core/xmalloc.h"
#include "fhir_int.h"

void
fhir_result_finish(struct fhir_result *r)
{
	cJSON_Delete(r->json);
	free(r->etag);
	free(r->location);
	memset(r, 0, sizeof *r);
}

/* The server's own words from an OperationOutcome, sanitised, or NULL. */
static char *
outcome_text(const cJSON *json)
{
	const cJSON *rt, *issues, *issue, *t;

	if (json == NULL)
		return NULL;
	rt = cJSON_GetObjectItemCaseSensitive(json, "resourceType");
	if (!cJSON_IsString(rt) || strcmp(rt->valuestring, "OperationOutcome") != 0)
		return NULL;
	issues = cJSON_GetObjectItemCaseSensitive(json, "issue");
	issue = cJSON_IsArray(issues) ? cJSON_GetArrayItem(issues, 0) : NULL;
	if (issue == NULL)
		return NULL;
	t = cJSON_GetObjectItemCaseSensitive(issue, "diagnostics");
	if (!cJSON_IsString(t)) {
		t = cJSON_GetObjectItemCaseSensitive(issue, "details");
		t = t != NULL ? cJSON_GetObjectItemCaseSensitive(t, "text") : NULL;
	}
	if (!cJSON_IsString(t))
		return NULL;
	return sanitize_display(t->valuestring, (size_t)-1, 0);
}

void
fhir_status_error(struct session *s, long status, const cJSON *json, struct error *err)
{
	char *why = outcome_text(json);
	const char *w = why != NULL ? why : "";

	if (status == 401) {
		if (s->auth == AUTH_ENV)
			error_set(err, ERR_AUTH, _("The server refused the token in EZRIZI_TOKEN; get a new one."));
		else if (s->auth == AUTH_FILE)
			error_set(err, ERR_AUTH, _("The server refused the token in token_file; get a new one."));
		else
			error_set(err, ERR_AUTH, _("The server refused the login (it may have expired); run 'ezrizi login' again."));
	} else if (status == 403) {
		error_set(err, ERR_AUTH, _("You are not allowed to do this on the server. %s"), w);
	} else if (status == 404 || status == 410) {
		error_set(err, ERR_NOT_FOUND, _("Not found on the server. %s"), w);
	} else if (status == 409 || status == 412) {
		error_set(err, ERR_CONFLICT, _("Someone else changed this meanwhile; look again and retry. %s"), w);
	} else if (status == 400 || status == 422) {
		error_set(err, ERR_USAGE, _("The server rejected the request. %s"), w);
	} else {
		error_set(err, ERR_NETWORK, _("The server failed (HTTP %ld); try again later. %s"), status, w);
	}
	err->http_status = (int)status;
	free(why);
}

static char *
make_url(struct session *s, const char *path, struct error *err)
{
	size_t n = strlen(s->base);

	if (ascii_prefix_nocase(path, "http://") || ascii_prefix_nocase(path, "https://")) {
		/* A link from the server: follow it only on the same server, so the token
		 * never goes anywhere else; the scheme is part of it, so an https base
		 * never follows an http link. */
		if (ascii_prefix_nocase(s->base, "https://") && ascii_prefix_nocase(path, "http://")) {
			error_set(err, ERR_FAILED, _("The server sent a plain http:// link although it is reached over https; it was not followed. The server, or the proxy in front of it, must send https:// links."));
			return NULL;
		}
		if (strncmp(path, s->base, n) != 0 || (path[n] != '/' && path[n] != '?')) {
			error_set(err, ERR_FAILED, _("The server sent a link to another server; it was not followed."));
			return NULL;
		}
		return xstrdup(path);
	}
	if (path[0] == '\0')
		return xstrdup(s->base);
	return xasprintf("%s/%s", s->base, path);
}

static bool refresh_once(struct session *s, struct error *err);

static bool
need_token(struct session *s, struct error *err)
{
	if (s->offline)
		return error_set(err, ERR_NETWORK, _("Working offline (--offline); this needs the server."));
	if (s->access == NULL && s->store == NULL && s->store_err.kind != ERR_NONE &&
	    s->store_err.kind != ERR_NOT_FOUND) {
		/* The login is in the store, and it is locked. */
		if (err != NULL)
			*err = s->store_err;
		return false;
	}
	if (s->access == NULL && s->store != NULL && store_met_damage(s->store, err))
		return false;   /* the stored login may be what could not be read */
	if (s->access == NULL)
		return error_set(err, ERR_AUTH, _("Not logged in; run 'ezrizi login', or set EZRIZI_TOKEN."));
	/* A token known to have expired is refreshed before use, saving a round
	 * trip; in a task only, where waiting suspends it. Elsewhere (the screen's
	 * panes, on the loop) the 401 that comes back refreshes it in a task. */
	if (s->expires_at != 0 && clock_now() + 30 >= s->expires_at && s->refresh != NULL &&
	    task_current() != NULL) {
		struct error ignored;

		error_clear(&ignored);
		refresh_once(s, &ignored);
	}
	return true;
}

void
fhir_op_free(struct fhir_op *op)
{
	free(op->method);
	free(op->url);
	free(op->body);
	free(op->if_match);
	free(op->if_none_exist);
	free(op->if_none_match);
	free(op);
}

/* Turns an HTTP answer into a result or an error. */
static bool
finish_response(struct session *s, const struct http_response *resp, struct fhir_result *out,
		struct error *err)
{
	memset(out, 0, sizeof *out);
	out->status = resp->status;
	out->etag = xstrdup(resp->etag);
	out->location = xstrdup(resp->location);
	if (resp->status != 304 && resp->body_len > 0) {
		struct error perr;

		error_clear(&perr);
		out->json = json_parse(resp->body, resp->body_len, _("The answer from the server"), &perr);
		if (out->json == NULL && resp->status >= 200 && resp->status < 300) {
			*err = perr;
			fhir_result_finish(out);
			return false;
		}
	}
	if (!(out->status >= 200 && out->status < 300) && out->status != 304) {
		fhir_status_error(s, out->status, out->json, err);
		fhir_result_finish(out);
		return false;
	}
	return true;
}


/* One refresh for every request that the server refused meanwhile: a refresh
 * token is often good once, so a second refresh with it would end the login. */
struct fhir_refresh {
	bool done, ok;
	struct error err;
	int users;
};

static bool
refresh_once(struct session *s, struct error *err)
{
	struct fhir_refresh *r = s->refreshing;
	bool ok;

	if (r == NULL) {
		r = s->refreshing = xcalloc(1, sizeof *r);
		r->users = 1;
		error_clear(&r->err);
		r->ok = session_refresh(s, &r->err);
		r->done = true;
		s->refreshing = NULL;
	} else {
		r->users++;
		task_wait(&r->done);
	}
	ok = r->ok;
	*err = r->err;
	if (--r->users == 0)
		free(r);
	return ok;
}

/* A task of its own (task_spawn): the token is refreshed, then the request is
 * made again; its callback is told if that cannot be. Nothing waits inside
 * the callback that got the 401. */
static void
refresh_then_send(void *arg)
{
	struct fhir_op *op = arg;
	struct error err;
	bool ok;

	error_clear(&err);
	ok = refresh_once(op->s, &err);
	op->refreshing = false;
	if (op->cancelled) {
		fhir_op_free(op);
		return;
	}
	if (ok) {
		fhir_op_send(op);
		return;
	}
	if (err.kind == ERR_NONE)
		fhir_status_error(op->s, 401, NULL, &err);
	op->done(NULL, &err, op->arg);
	fhir_op_free(op);
}

static void
op_done(const struct http_response *resp, const struct error *herr, void *arg)
{
	struct fhir_op *op = arg;
	struct fhir_result r = { 0 };
	struct error err;
	bool ok;

	op->req = NULL;
	error_clear(&err);
	if (herr->kind != ERR_NONE) {
		err = *herr;
		ok = false;
	} else if (resp->status == 401 && !op->refreshed && op->s->refresh != NULL) {
		op->refreshed = true;
		op->refreshing = true;
		task_spawn(refresh_then_send, op);
		return;
	} else {
		ok = finish_response(op->s, resp, &r, &err);
	}
	op->done(ok ? &r : NULL, &err, op->arg);
	fhir_result_finish(&r);
	fhir_op_free(op);
}

void
fhir_op_send(struct fhir_op *op)
{
	op->ho.bearer = op->s->access->data;
	op->req = http_start(op->s->http, &op->ho, op_done, op);
}

/* fhir_start's work; a GET may be held in g (NULL: sent now). */
static struct fhir_op *
start_op(struct session *s, const char *method, const char *path, const cJSON *body,
	 const struct fhir_opts *o, fhir_done_fn done, void *arg, struct fhir_gather *g,
	 struct error *err)
{
	static const struct fhir_opts none;
	struct fhir_op *op;
	char *url;

	if (o == NULL)
		o = &none;
	if (!need_token(s, err) || (url = make_url(s, path, err)) == NULL)
		return NULL;
	op = xcalloc(1, sizeof *op);
	op->s = s;
	op->done = done;
	op->arg = arg;
	op->method = xstrdup(method);
	op->url = url;
	op->ho.method = op->method;
	op->ho.url = op->url;
	op->ho.accept = "application/fhir+json";
	if (body != NULL) {
		char *text = json_print(body);

		op->body = xstrdup(text);
		cJSON_free(text);
		op->ho.body = op->body;
		op->ho.body_len = strlen(op->body);
		op->ho.content_type = "application/fhir+json; charset=utf-8";
	}
	op->ho.if_match = op->if_match = xstrdup(o->if_match);
	op->ho.if_none_exist = op->if_none_exist = xstrdup(o->if_none_exist);
	op->ho.if_none_match = op->if_none_match = xstrdup(o->if_none_match);
	op->ho.idempotent = o->idempotent || strcmp(method, "GET") == 0;
	if (g == NULL || !fhir_gather_take(g, op))
		fhir_op_send(op);
	return op;
}

struct fhir_op *
fhir_start(struct session *s, const char *method, const char *path, const cJSON *body,
	   const struct fhir_opts *o, fhir_done_fn done, void *arg, struct error *err)
{
	return start_op(s, method, path, body, o, done, arg, s->gather, err);
}

void
fhir_cancel(struct session *s, struct fhir_op *op)
{
	if (op == NULL)
		return;
	if (op->gather != NULL) {
		fhir_gather_drop(op);   /* not sent yet, or its batch is under way */
		return;
	}
	if (op->refreshing) {
		op->cancelled = true;   /* its refresh task frees it */
		return;
	}
	http_cancel(s->http, op->req);
	fhir_op_free(op);
}

struct sync_call {
	bool done, ok;
	struct fhir_result *out;
	struct error *err;
};

static void
sync_call_done(struct fhir_result *r, const struct error *err, void *arg)
{
	struct sync_call *sc = arg;

	sc->done = true;
	sc->ok = r != NULL;
	if (r != NULL) {
		*sc->out = *r;
		memset(r, 0, sizeof *r);
	} else if (sc->err != NULL) {
		*sc->err = *err;
	}
}

bool
fhir_call(struct session *s, const char *method, const char *path, const cJSON *body,
	  const struct fhir_opts *o, struct fhir_result *out, struct error *err)
{
	struct sync_call sc = { .out = out, .err = err };

	memset(out, 0, sizeof *out);
	/* Never held: a wait cannot be gathered. */
	if (start_op(s, method, path, body, o, sync_call_done, &sc, NULL, err) == NULL)
		return false;
	http_wait(s->http, &sc.done);
	return sc.ok;
}

static bool
has_type(const cJSON *res, const char *type)
{
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");

	return cJSON_IsString(rt) && strcmp(rt->valuestring, type) == 0;
}

bool
fhir_reads_cached(const struct session *s)
{
	return s->offline && s->store != NULL;
}

bool
fhir_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return false;
	}
	return true;
}

cJSON *
fhir_read(struct session *s, const char *type, const char *id, char **etag, struct error *err)
{
	struct fhir_result r;
	char *path;
	cJSON *res;
	bool ok;

	if (!fhir_id_ok(id)) {
		/* TRANSLATORS: "'ab/c' is not a valid Patient id." */
		error_set(err, ERR_USAGE, _("'%s' is not a valid %s id; ids are letters, digits, '-' and '.'."), id, type);
		return NULL;
	}
	path = xasprintf("%s/%s", type, id);
	ok = fhir_call(s, "GET", path, NULL, NULL, &r, err);
	free(path);
	if (!ok) {
		if (err != NULL && err->kind == ERR_NOT_FOUND) {
			error_clear(err);
			error_set(err, ERR_NOT_FOUND, _("There is no %s with the id %s."), type, id);
		}
		return NULL;
	}
	if (r.json == NULL || !has_type(r.json, type)) {
		fhir_result_finish(&r);
		error_set(err, ERR_FAILED, _("The server answered with something other than a %s."), type);
		return NULL;
	}
	res = r.json;
	r.json = NULL;
	if (s->store != NULL)
		cache_put_resource(s->store, res);
	if (etag != NULL) {
		*etag = r.etag != NULL ? r.etag : fhir_version_tag(res);
		r.etag = NULL;
	}
	fhir_result_finish(&r);
	return res;
}

cJSON *
fhir_change(struct session *s, const char *type, const char *id, fhir_change_fn *change,
	    void *arg, bool *written, struct error *err)
{
	*written = false;
	for (int attempt = 0; attempt < 3; attempt++) {
		struct fhir_opts o = { .idempotent = true };
		struct fhir_result r;
		char *etag = NULL, *path;
		cJSON *res, *meta;
		bool ok;

		if ((res = fhir_read(s, type, id, &etag, err)) == NULL)
			return NULL;
		switch (change(res, arg, err)) {
		case CHANGE_NONE:
			free(etag);
			return res;
		case CHANGE_REFUSED:
			free(etag);
			cJSON_Delete(res);
			return NULL;
		case CHANGE_WRITE:
			break;
		}
		/* The version is the server's to give; the labels stay. */
		meta = cJSON_GetObjectItemCaseSensitive(res, "meta");
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "versionId");
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "lastUpdated");
		o.if_match = etag;
		path = xasprintf("%s/%s", type, id);
		ok = fhir_call(s, "PUT", path, res, &o, &r, err);
		free(path);
		free(etag);
		cJSON_Delete(res);
		if (ok) {
			res = r.json;
			r.json = NULL;
			fhir_result_finish(&r);
			if (res == NULL)
				error_set(err, ERR_FAILED, _("The server did not send %s/%s back; read it again to see what it holds."), type, id);
			*written = res != NULL;
			return res;
		}
		if (err->kind != ERR_CONFLICT)
			return NULL;
		error_clear(err);
	}
	error_set(err, ERR_CONFLICT, _("%s/%s keeps being changed by someone else; nothing was written. Try again."), type, id);
	return NULL;
}

static const char *
next_link(const cJSON *bundle)
{
	const cJSON *links = cJSON_GetObjectItemCaseSensitive(bundle, "link"), *l;

	cJSON_ArrayForEach(l, links) {
		const cJSON *rel = cJSON_GetObjectItemCaseSensitive(l, "relation");
		const cJSON *url = cJSON_GetObjectItemCaseSensitive(l, "url");

		if (cJSON_IsString(rel) && strcmp(rel->valuestring, "next") == 0 && cJSON_IsString(url))
			return url->valuestring;
	}
	return NULL;
}

struct fhir_search {
	struct session *s;
	char *query;
	struct fhir_op *op;    /* the page being fetched */
	cJSON *all;
	size_t max, n, pages;
	cJSON *fill;           /* searches for what _include did not bring (include.h) */
	int fill_i;
	struct fhir_search *sub;  /* the one running */
	bool waited;           /* a synchronous search's: its pages are never held */
	fhir_search_fn done;
	void *arg;
};

static void
search_free(struct fhir_search *fs)
{
	cJSON_Delete(fs->fill);
	free(fs->query);
	free(fs);
}

static void fill_next(struct fhir_search *fs);
static struct fhir_search *search_start(struct session *s, const char *query, size_t max,
					fhir_search_fn done, void *arg, struct fhir_gather *g,
					bool waited, struct error *err);

static void
fill_done(cJSON *resources, const struct error *err, void *arg)
{
	struct fhir_search *fs = arg;
	cJSON *r;

	(void)err;  /* names stay missing; the search itself did not fail */
	fs->sub = NULL;
	while (resources != NULL && (r = cJSON_DetachItemFromArray(resources, 0)) != NULL)
		cJSON_AddItemToArray(fs->all, r);
	cJSON_Delete(resources);
	fill_next(fs);
}

/* Runs the fill-in searches one after the other, then hands the whole on. */
static void
fill_next(struct fhir_search *fs)
{
	struct error e;

	error_clear(&e);
	while (fs->fill_i < cJSON_GetArraySize(fs->fill)) {
		const cJSON *q = cJSON_GetArrayItem(fs->fill, fs->fill_i++);

		fs->sub = search_start(fs->s, q->valuestring, 0, fill_done, fs,
				       fs->waited ? NULL : fs->s->gather, fs->waited, &e);
		if (fs->sub != NULL)
			return;
	}
	fs->done(fs->all, &e, fs->arg);
	search_free(fs);
}

static void
search_end(struct fhir_search *fs, const struct error *err)
{
	cJSON *all = fs->all;

	if (err->kind != ERR_NONE) {
		cJSON_Delete(all);
		fs->done(NULL, err, fs->arg);
		search_free(fs);
		return;
	}
	/* Kept, sealed, for the next start and for working offline (the fill-in
	 * searches keep theirs). */
	if (fs->s->store != NULL)
		cache_put_resources(fs->s->store, all);
	fs->fill = include_missing(fs->s->store, fs->query, all);
	fill_next(fs);
}

static void
search_page(struct fhir_result *r, const struct error *err, void *arg)
{
	struct fhir_search *fs = arg;
	struct error e;
	cJSON *entries, *ent;
	const char *next;

	fs->op = NULL;
	error_clear(&e);
	if (r == NULL) {
		search_end(fs, err);
		return;
	}
	if (r->json == NULL || !has_type(r->json, "Bundle")) {
		error_set(&e, ERR_FAILED, _("The server answered a search with something other than a Bundle."));
		search_end(fs, &e);
		return;
	}
	entries = cJSON_GetObjectItemCaseSensitive(r->json, "entry");
	cJSON_ArrayForEach(ent, entries) {
		cJSON *res = cJSON_GetObjectItemCaseSensitive(ent, "resource");

		if (cJSON_IsObject(res)) {
			cJSON_AddItemToArray(fs->all, cJSON_DetachItemViaPointer(ent, res));
			fs->n++;
		}
	}
	next = next_link(r->json);
	/* A bound on pages, so a server that links in a circle cannot keep us. */
	if (next == NULL || (fs->max != 0 && fs->n >= fs->max) || ++fs->pages >= 200) {
		search_end(fs, &e);
		return;
	}
	fs->op = start_op(fs->s, "GET", next, NULL, NULL, search_page, fs, fs->waited ? NULL : fs->s->gather, &e);
	if (fs->op == NULL)
		search_end(fs, &e);
}

static struct fhir_search *
search_start(struct session *s, const char *query, size_t max, fhir_search_fn done, void *arg,
	     struct fhir_gather *g, bool waited, struct error *err)
{
	struct fhir_search *fs = xcalloc(1, sizeof *fs);

	fs->s = s;
	fs->query = xstrdup(query);
	fs->all = cJSON_CreateArray();
	fs->max = max;
	fs->waited = waited;
	fs->done = done;
	fs->arg = arg;
	fs->op = start_op(s, "GET", query, NULL, NULL, search_page, fs, g, err);
	if (fs->op == NULL) {
		cJSON_Delete(fs->all);
		search_free(fs);
		return NULL;
	}
	return fs;
}

struct fhir_search *
fhir_search_start(struct session *s, const char *query, size_t max, fhir_search_fn done,
		  void *arg, struct error *err)
{
	return search_start(s, query, max, done, arg, s->gather, false, err);
}

struct fhir_search *
fhir_search_start_in(struct session *s, struct fhir_gather *g, const char *query, size_t max,
		     fhir_search_fn done, void *arg, struct error *err)
{
	return search_start(s, query, max, done, arg, g, true, err);
}

void
fhir_search_cancel(struct session *s, struct fhir_search *fs)
{
	if (fs == NULL)
		return;
	if (fs->sub != NULL)
		fhir_search_cancel(s, fs->sub);
	else
		fhir_cancel(s, fs->op);
	cJSON_Delete(fs->all);
	search_free(fs);
}

struct sync_search {
	bool done;
	cJSON *all;
	struct error *err;
};

static void
sync_search_done(cJSON *all, const struct error *err, void *arg)
{
	struct sync_search *ss = arg;

	ss->done = true;
	ss->all = all;
	if (all == NULL && ss->err != NULL)
		*ss->err = *err;
}

cJSON *
fhir_search(struct session *s, const char *query, size_t max, struct error *err)
{
	struct sync_search ss = { .err = err };

	/* Never held: a wait cannot be gathered. */
	if (search_start(s, query, max, sync_search_done, &ss, NULL, true, err) == NULL)
		return NULL;
	http_wait(s->http, &ss.done);
	return ss.all;
}

char *
fhir_version_tag(const cJSON *res)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(res, "meta");
	const cJSON *vid = meta != NULL ? cJSON_GetObjectItemCaseSensitive(meta, "versionId") : NULL;

	if (!cJSON_IsString(vid))
		return NULL;
	return xasprintf("W/\"%s\"", vid->valuestring);
}

void
fhir_uuid(char out[static 37])
{
	unsigned char b[16];

	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

cJSON *
fhir_bundle_new(const char *type)
{
	cJSON *b = cJSON_CreateObject();

	json_put_str(b, "resourceType", "Bundle");
	json_put_str(b, "type", type);
	json_put(b, "entry", cJSON_CreateArray());
	return b;
}

void
fhir_bundle_add(cJSON *bundle, const char *method, const char *url, cJSON *res,
		const char *full_url, const char *if_match, const char *if_none_exist)
{
	cJSON *e = cJSON_CreateObject(), *req = cJSON_CreateObject();

	if (full_url != NULL)
		json_put_str(e, "fullUrl", full_url);
	if (res != NULL)
		json_put(e, "resource", res);
	json_put_str(req, "method", method);
	json_put_str(req, "url", url);
	if (if_match != NULL)
		json_put_str(req, "ifMatch", if_match);
	if (if_none_exist != NULL)
		json_put_str(req, "ifNoneExist", if_none_exist);
	json_put(e, "request", req);
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(bundle, "entry"), e);
}

cJSON *
fhir_bundle_post(struct session *s, const cJSON *bundle, struct error *err)
{
	struct fhir_opts o = { .idempotent = true };
	struct fhir_result r;
	cJSON *res;

	if (!fhir_call(s, "POST", "", bundle, &o, &r, err))
		return NULL;
	if (r.json == NULL || !has_type(r.json, "Bundle")) {
		fhir_result_finish(&r);
		error_set(err, ERR_FAILED, _("The server answered a transaction or batch with something other than a Bundle."));
		return NULL;
	}
	res = r.json;
	r.json = NULL;
	fhir_result_finish(&r);
	return res;
}

cJSON *
fhir_reference(const char *type, const char *id, const char *display)
{
	cJSON *ref = cJSON_CreateObject();
	char *r = xasprintf("%s/%s", type, id);

	json_put_str(ref, "reference", r);
	if (display != NULL)
		json_put_str(ref, "display", display);
	free(r);
	return ref;
}

void
session_request_id(struct session *s, char out[static 37])
{
	if (s->request_id[0] == '\0')
		fhir_uuid(s->request_id);
	memcpy(out, s->request_id, 37);
}

void
fhir_set_request_identifier(cJSON *res, const char *request_id)
{
	cJSON *idf = cJSON_CreateObject(), *arr = cJSON_CreateArray();

	json_put_str(idf, "system", FHIR_REQUEST_SYSTEM);
	json_put_str(idf, "value", request_id);
	cJSON_AddItemToArray(arr, idf);
	json_put(res, "identifier", arr);
}

char *
fhir_if_none_exist(const char *request_id)
{
	return xasprintf("identifier=%s|%s", FHIR_REQUEST_SYSTEM, request_id);
}

bool
fhir_create_once(struct session *s, cJSON *res, const char *request_id, struct fhir_result *out,
		 struct error *err)
{
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");
	char *ine = fhir_if_none_exist(request_id);
	struct fhir_opts o = { .idempotent = true, .if_none_exist = ine };
	bool ok = fhir_call(s, "POST", cJSON_IsString(rt) ? rt->valuestring : "", res, &o, out, err);

	free(ine);
	cJSON_Delete(res);
	return ok;
}

cJSON *
fhir_coding(const char *system, const char *code, const char *display)
{
	cJSON *c = cJSON_CreateObject();

	json_put_str(c, "system", system);
	json_put_str(c, "code", code);
	if (display != NULL)
		json_put_str(c, "display", display);
	return c;
}

cJSON *
fhir_coded(const char *system, const char *code, const char *display)
{
	cJSON *cc = cJSON_CreateObject(), *arr = cJSON_CreateArray();

	cJSON_AddItemToArray(arr, fhir_coding(system, code, display));
	json_put(cc, "coding", arr);
	return cc;
}

bool
fhir_has_coding(const cJSON *concepts, const char *system, const char *code)
{
	const cJSON *cc, *c;

	cJSON_ArrayForEach(cc, concepts) {
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(cc, "coding")) {
			const cJSON *s = cJSON_GetObjectItemCaseSensitive(c, "system");
			const cJSON *k = cJSON_GetObjectItemCaseSensitive(c, "code");

			if (cJSON_IsString(s) && cJSON_IsString(k) && strcmp(s->valuestring, system) == 0 &&
			    strcmp(k->valuestring, code) == 0)
				return true;
		}
	}
	return false;
}

long
fhir_entry_status(const cJSON *entry)
{
	const cJSON *resp = cJSON_GetObjectItemCaseSensitive(entry, "response");
	const cJSON *st = resp != NULL ? cJSON_GetObjectItemCaseSensitive(resp, "status") : NULL;
	long n;
	char *end;

	if (!cJSON_IsString(st))
		return 0;
	n = strtol(st->valuestring, &end, 10);
	return end != st->valuestring && n >= 100 && n <= 599 ? n : 0;
}
