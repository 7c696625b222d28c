/* stub_http.c - a scripted fake of core/http.h; see stub_http.h. It stands
 * where src/http.c does in the screen's unit tests: the same API, no libcurl,
 * answers from the test's script, delivered on the loop (http_step), never
 * from inside http_start. What is not the network (src/http_util.c: the
 * default settings, http_url_in_clear, http_request_sync, http_escape) is
 * linked as it is. */
#include "stub_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/http.h"
#include "core/task.h"
#include "core/xmalloc.h"

struct stub_answer {
	struct stub_answer *next;
	char *method, *pattern;
	long status;
	char *body;
	char *etag, *location;
	char *fails;          /* a network error's message, or NULL */
	stub_body_fn *fn;
	bool sticky, held, taken, delivered;
};

struct http_request {
	struct http_request *next;
	struct stub_request *rec;
	struct stub_answer *answer;   /* bound at the first step after it started */
	/* A batch Bundle of GETs: each entry is recorded, and answered, as the
	 * GET it asks for (rec is the POST's own, not among the recorded). */
	struct stub_request **subs;
	struct stub_answer **sub_answers;
	size_t n_subs;
	unsigned long seq;
	http_done_fn done;
	void *arg;
};

struct http {
	struct http_settings s;
	struct http_request *reqs;    /* in the order they started */
	http_notice_fn notice;
	void *notice_arg;
};

static char *stub_base;
static struct stub_answer *answers, **answers_tail = &answers;
static struct stub_request **recs;
static size_t n_recs;
static unsigned long next_seq;
static bool aborted;
static long batch_refused;   /* a batch is answered this, as a POST, when set */
/* What a request no answer matched gets. */
static struct stub_answer unscripted = {
	.status = 404, .sticky = true,
	.body = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
		"\"code\":\"not-found\",\"diagnostics\":\"No answer scripted for this request.\"}]}",
};

static void
rec_free(struct stub_request *r)
{
	free(r->method);
	free(r->url);
	free(r->path);
	free(r->body);
	free(r->if_match);
	free(r->if_none_exist);
	free(r->if_none_match);
	free(r);
}

void
stub_debug_dump(void)
{
	if (getenv("STUB_DEBUG") == NULL)
		return;
	for (size_t i = 0; i < stub_n_requests(); i++)
		fprintf(stderr, "  %s %s%s\n", stub_request(i)->method, stub_request(i)->path,
			stub_request(i)->unscripted ? "  (unscripted)" : "");
}

char *
stub_home(const char *prefix)
{
	const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp";
	char *dir = xasprintf("%s/%s-XXXXXX", tmp, prefix);

	if (mkdtemp(dir) == NULL) {
		perror(dir);
		abort();
	}
	setenv("HOME", dir, 1);
	setenv("XDG_CONFIG_HOME", dir, 1);
	setenv("XDG_DATA_HOME", dir, 1);
	setenv("XDG_STATE_HOME", dir, 1);
	setenv("XDG_CACHE_HOME", dir, 1);
	setenv("EZRIZI_TOKEN", "test-token", 1);
	return dir;
}

void
stub_home_remove(char *dir)
{
	char *rm = xasprintf("rm -rf '%s'", dir);

	if (system(rm) != 0) {
		fprintf(stderr, "stub_http: could not remove %s\n", dir);
		abort();
	}
	free(rm);
	free(dir);
}

void
stub_reset(const char *base)
{
	while (answers != NULL) {
		struct stub_answer *a = answers;

		answers = a->next;
		free(a->method);
		free(a->pattern);
		free(a->body);
		free(a->etag);
		free(a->location);
		free(a->fails);
		free(a);
	}
	answers_tail = &answers;
	for (size_t i = 0; i < n_recs; i++)
		rec_free(recs[i]);
	free(recs);
	recs = NULL;
	n_recs = 0;
	aborted = false;
	batch_refused = 0;
	free(stub_base);
	stub_base = base != NULL ? xstrdup(base) : NULL;
}

bool
stub_match(const char *p, const char *s)
{
	if (*p == '\0')
		return *s == '\0';
	if (*p == '*')
		return stub_match(p + 1, s) || (*s != '\0' && stub_match(p, s + 1));
	return *s == *p && stub_match(p + 1, s + 1);
}

static struct stub_answer *
add_answer(const char *method, const char *pattern, long status, const char *body, bool sticky)
{
	struct stub_answer *a = xcalloc(1, sizeof *a);

	a->method = xstrdup(method);
	a->pattern = xstrdup(pattern);
	a->status = status;
	a->body = xstrdup(body);
	a->sticky = sticky;
	*answers_tail = a;
	answers_tail = &a->next;
	return a;
}

struct stub_answer *
stub_answer(const char *method, const char *pattern, long status, const char *body)
{
	return add_answer(method, pattern, status, body, false);
}

struct stub_answer *
stub_sticky(const char *method, const char *pattern, long status, const char *body)
{
	return add_answer(method, pattern, status, body, true);
}

void
stub_first(struct stub_answer *a)
{
	struct stub_answer **pp;

	for (pp = &answers; *pp != NULL && *pp != a; pp = &(*pp)->next)
		;
	if (*pp == NULL || pp == &answers)
		return;
	*pp = a->next;
	if (answers_tail == &a->next)
		answers_tail = pp;
	a->next = answers;
	answers = a;
}

void
stub_answer_fn(struct stub_answer *a, stub_body_fn *fn)
{
	a->fn = fn;
}

void
stub_answer_headers(struct stub_answer *a, const char *etag, const char *location)
{
	free(a->etag);
	free(a->location);
	a->etag = xstrdup(etag);
	a->location = xstrdup(location);
}

void
stub_answer_fails(struct stub_answer *a, const char *msg)
{
	free(a->fails);
	a->fails = xstrdup(msg);
}

void
stub_hold(struct stub_answer *a)
{
	a->held = true;
}

void
stub_release(struct stub_answer *a)
{
	a->held = false;
}

bool
stub_taken(const struct stub_answer *a)
{
	return a->taken;
}

bool
stub_delivered(const struct stub_answer *a)
{
	return a->delivered;
}

size_t
stub_n_requests(void)
{
	return n_recs;
}

const struct stub_request *
stub_request(size_t i)
{
	return i < n_recs ? recs[i] : NULL;
}

static bool
rec_matches(const struct stub_request *r, const char *method, const char *pattern)
{
	return (method == NULL || strcmp(method, r->method) == 0) && stub_match(pattern, r->path);
}

size_t
stub_count(const char *method, const char *pattern)
{
	size_t n = 0;

	for (size_t i = 0; i < n_recs; i++)
		n += rec_matches(recs[i], method, pattern);
	return n;
}

const struct stub_request *
stub_last(const char *method, const char *pattern)
{
	for (size_t i = n_recs; i-- > 0;) {
		if (rec_matches(recs[i], method, pattern))
			return recs[i];
	}
	return NULL;
}

size_t
stub_pending(void)
{
	size_t n = 0;

	for (size_t i = 0; i < n_recs; i++)
		n += !recs[i]->answered && !recs[i]->cancelled;
	return n;
}

size_t
stub_unscripted(void)
{
	size_t n = 0;

	for (size_t i = 0; i < n_recs; i++)
		n += recs[i]->unscripted;
	return n;
}

bool
stub_aborted(void)
{
	return aborted;
}

/* ---- core/http.h ---- */

struct http *
http_create(const struct http_settings *s)
{
	struct http *h = xcalloc(1, sizeof *h);

	h->s = *s;
	h->s.ca_file = NULL;
	return h;
}

static void
unlink_req(struct http *h, struct http_request *req)
{
	for (struct http_request **pp = &h->reqs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == req) {
			*pp = req->next;
			return;
		}
	}
}

static void
req_free(struct http_request *req)
{
	if (req->subs != NULL) {
		rec_free(req->rec);   /* a batch's own: not among the recorded */
		free(req->subs);
		free(req->sub_answers);
	}
	free(req);
}

void
http_destroy(struct http *h)
{
	if (h == NULL)
		return;
	while (h->reqs != NULL) {
		struct http_request *req = h->reqs;

		h->reqs = req->next;
		req->rec->cancelled = true;
		for (size_t i = 0; i < req->n_subs; i++)
			req->subs[i]->cancelled = true;
		req_free(req);
	}
	free(h);
}

static const char *
path_of(const char *url)
{
	size_t n = stub_base != NULL ? strlen(stub_base) : 0;

	if (n == 0 || strncmp(url, stub_base, n) != 0)
		return url;
	url += n;
	return *url == '/' ? url + 1 : url;
}

static void
record(struct stub_request *r)
{
	recs = xreallocarray(recs, n_recs + 1, sizeof *recs);
	recs[n_recs++] = r;
}

/* The entries of a batch Bundle of GETs, recorded as GETs of their own, as a
 * server would see them; false when the request is not one. */
static bool
take_batch(struct http_request *req, const struct stub_request *r, unsigned long seq)
{
	cJSON *b, *entries, *e;
	const cJSON *type;
	bool gets = true;

	if (batch_refused != 0 || strcmp(r->method, "POST") != 0 || r->path[0] != '\0' || r->body == NULL ||
	    (b = cJSON_Parse(r->body)) == NULL)
		return false;
	type = cJSON_GetObjectItemCaseSensitive(b, "type");
	entries = cJSON_GetObjectItemCaseSensitive(b, "entry");
	cJSON_ArrayForEach(e, entries) {
		const cJSON *rq = cJSON_GetObjectItemCaseSensitive(e, "request");
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(rq, "method");
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(rq, "url");

		gets = gets && cJSON_IsString(m) && strcmp(m->valuestring, "GET") == 0 && cJSON_IsString(u);
	}
	if (!cJSON_IsString(type) || strcmp(type->valuestring, "batch") != 0 || !gets ||
	    cJSON_GetArraySize(entries) == 0) {
		cJSON_Delete(b);
		return false;
	}
	req->n_subs = (size_t)cJSON_GetArraySize(entries);
	req->subs = xcalloc(req->n_subs, sizeof *req->subs);
	req->sub_answers = xcalloc(req->n_subs, sizeof *req->sub_answers);
	for (size_t i = 0; i < req->n_subs; i++) {
		const cJSON *rq = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(entries, (int)i), "request");
		const cJSON *inm = cJSON_GetObjectItemCaseSensitive(rq, "ifNoneMatch");
		struct stub_request *sr = xcalloc(1, sizeof *sr);

		sr->method = xstrdup("GET");
		sr->path = xstrdup(cJSON_GetObjectItemCaseSensitive(rq, "url")->valuestring);
		sr->url = xasprintf("%s/%s", stub_base != NULL ? stub_base : "", sr->path);
		sr->if_none_match = cJSON_IsString(inm) ? xstrdup(inm->valuestring) : NULL;
		sr->bearer = r->bearer;
		sr->batch = seq;
		record(sr);
		req->subs[i] = sr;
	}
	cJSON_Delete(b);
	return true;
}

struct http_request *
http_start(struct http *h, const struct http_request_opts *o, http_done_fn done, void *arg)
{
	struct http_request *req = xcalloc(1, sizeof *req), **pp;
	struct stub_request *r = xcalloc(1, sizeof *r);

	r->method = xstrdup(o->method != NULL ? o->method : "GET");
	r->url = xstrdup(o->url);
	r->path = xstrdup(path_of(o->url));
	r->body = o->body != NULL ? xstrndup(o->body, o->body_len) : NULL;
	r->if_match = xstrdup(o->if_match);
	r->if_none_exist = xstrdup(o->if_none_exist);
	r->if_none_match = xstrdup(o->if_none_match);
	r->bearer = o->bearer != NULL;
	req->rec = r;
	req->seq = ++next_seq;
	if (!take_batch(req, r, req->seq))
		record(r);
	req->done = done;
	req->arg = arg;
	for (pp = &h->reqs; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = req;
	return req;
}

void
http_cancel(struct http *h, struct http_request *req)
{
	if (req == NULL)
		return;
	unlink_req(h, req);
	req->rec->cancelled = true;
	for (size_t i = 0; i < req->n_subs; i++)
		req->subs[i]->cancelled = true;
	req_free(req);
}

void
stub_refuse_batch(long status)
{
	batch_refused = status;
}

/* What a batch POST gets from a server without batch. */
static struct stub_answer refused = {
	.sticky = true,
	.body = "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
		"\"code\":\"not-supported\",\"diagnostics\":\"This server does not support batch Bundles\"}]}",
};

/* The first queued answer for the request, taken; the 404 when none. */
static struct stub_answer *
bind_answer(struct stub_request *r)
{
	if (batch_refused != 0 && strcmp(r->method, "POST") == 0 && r->path[0] == '\0' &&
	    r->body != NULL && strstr(r->body, "\"type\":\"batch\"") != NULL) {
		refused.status = batch_refused;
		return &refused;
	}
	for (struct stub_answer *a = answers; a != NULL; a = a->next) {
		if ((a->sticky || !a->taken) && strcmp(a->method, r->method) == 0 &&
		    stub_match(a->pattern, r->path)) {
			a->taken = true;
			return a;
		}
	}
	r->unscripted = true;
	return &unscripted;
}

/* A batch-response of each entry's answer; NULL with *fails set when one of
 * them is a network error (the whole request then is). */
static char *
batch_body(struct http_request *req, const char **fails)
{
	cJSON *b = cJSON_CreateObject(), *entries = cJSON_AddArrayToObject(b, "entry");
	char *text;

	cJSON_AddStringToObject(b, "resourceType", "Bundle");
	cJSON_AddStringToObject(b, "type", "batch-response");
	for (size_t i = 0; i < req->n_subs; i++) {
		struct stub_answer *a = req->sub_answers[i];
		cJSON *e = cJSON_CreateObject(), *resp = cJSON_CreateObject(), *res;
		char *body, st[16];

		if (a->fails != NULL) {
			*fails = a->fails;
			cJSON_Delete(e);
			cJSON_Delete(resp);
			cJSON_Delete(b);
			return NULL;
		}
		body = a->fn != NULL ? a->fn(req->subs[i]) : xstrdup(a->body != NULL ? a->body : "");
		res = cJSON_Parse(body);
		free(body);
		snprintf(st, sizeof st, "%ld", a->status);
		cJSON_AddStringToObject(resp, "status", st);
		if (a->etag != NULL)
			cJSON_AddStringToObject(resp, "etag", a->etag);
		if (a->location != NULL)
			cJSON_AddStringToObject(resp, "location", a->location);
		if (res != NULL && a->status >= 400)
			cJSON_AddItemToObject(resp, "outcome", res);
		else if (res != NULL)
			cJSON_AddItemToObject(e, "resource", res);
		cJSON_AddItemToObject(e, "response", resp);
		cJSON_AddItemToArray(entries, e);
		a->delivered = true;
		req->subs[i]->answered = true;
	}
	text = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	return text;
}

/* Ends the request with its answer, or with err when not NULL. */
static void
deliver(struct http *h, struct http_request *req, const struct error *why)
{
	struct http_response resp = { .retry_after = -1 };
	struct stub_answer *a = req->answer;
	struct error err;
	char *body = NULL;

	unlink_req(h, req);
	error_clear(&err);
	if (why != NULL) {
		err = *why;
	} else if (req->subs != NULL) {
		const char *fails = NULL;
		char *text = batch_body(req, &fails);

		if (text == NULL) {
			error_set(&err, ERR_NETWORK, "%s", fails);
		} else {
			body = xstrdup(text);
			cJSON_free(text);
			resp.status = 200;
			resp.body = body;
			resp.body_len = strlen(body);
			resp.content_type = "application/fhir+json";
		}
	} else if (a->fails != NULL) {
		error_set(&err, ERR_NETWORK, "%s", a->fails);
	} else {
		body = a->fn != NULL ? a->fn(req->rec) : xstrdup(a->body != NULL ? a->body : "");
		resp.status = a->status;
		resp.body = body;
		resp.body_len = strlen(body);
		resp.etag = a->etag;
		resp.location = a->location;
		resp.content_type = "application/fhir+json";
	}
	if (why == NULL && a != NULL)
		a->delivered = true;   /* its answer was given (not an abort's error) */
	req->rec->answered = true;
	req->done(&resp, &err, req->arg);
	free(body);
	req_free(req);
}

/* Binds the request's answer (each entry's, for a batch); false while one
 * is held back. */
static bool
bind_req(struct http_request *req)
{
	bool ready = true;

	if (req->subs == NULL) {
		if (req->answer == NULL)
			req->answer = bind_answer(req->rec);
		return !req->answer->held;
	}
	for (size_t i = 0; i < req->n_subs; i++) {
		if (req->sub_answers[i] == NULL)
			req->sub_answers[i] = bind_answer(req->subs[i]);
		ready = ready && !req->sub_answers[i]->held;
	}
	return ready;
}

/* Answers, once, what started before this step and is not held back; what
 * the callbacks start waits for the next step. */
static int
step(struct http *h, int *delivered)
{
	unsigned long before = next_seq;
	struct http_request *req;
	int left = 0;

	*delivered = 0;
again:
	for (req = h->reqs; req != NULL; req = req->next) {
		if (req->seq > before)
			continue;
		if (!bind_req(req))
			continue;   /* held back */
		deliver(h, req, NULL);
		(*delivered)++;
		goto again;   /* the callback may have started or cancelled others */
	}
	for (req = h->reqs; req != NULL; req = req->next)
		left++;
	return left;
}

int
http_step(struct http *h, struct curl_waitfd *extra, unsigned n_extra, int max_wait_ms)
{
	int delivered, left;

	(void)max_wait_ms;   /* never waits: the test is the network */
	for (unsigned i = 0; i < n_extra; i++)
		extra[i].revents = 0;
	left = step(h, &delivered);
	/* What a callback started and left waiting goes on, as src/http.c does. */
	task_run_detached();
	return left;
}

void
http_wait(struct http *h, const bool *done)
{
	int delivered;

	/* In a task, the loop that resumes it steps the network. */
	if (task_wait(done))
		return;
	while (!*done) {
		step(h, &delivered);
		if (!*done && delivered == 0) {
			fprintf(stderr, "stub_http: a wait outside a task for an answer held back or never made\n");
			abort();
		}
	}
}

void
http_set_max_wait(struct http *h, long seconds)
{
	h->s.max_wait = seconds;
}

void
http_set_notice(struct http *h, http_notice_fn fn, void *arg)
{
	h->notice = fn;
	h->notice_arg = arg;
}

void
http_abort(struct http *h, const struct error *why)
{
	aborted = true;
	while (h->reqs != NULL) {
		bind_req(h->reqs);
		deliver(h, h->reqs, why);
	}
}

void
http_wait_reset(struct http *h)
{
	(void)h;
}

bool
http_url_check(const struct http_settings *s, const char *url, struct error *err)
{
	if (s->allow_insecure_http || !http_url_in_clear(url))
		return true;
	return error_set(err, ERR_USAGE, "stub_http: plain http to %s is refused", url);
}

char *
http_clear_warning(const char *url)
{
	return http_url_in_clear(url) ? xasprintf("stub_http: %s is plain http", url) : NULL;
}
