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

void
http_destroy(struct http *h)
{
	if (h == NULL)
		return;
	while (h->reqs != NULL) {
		struct http_request *req = h->reqs;

		h->reqs = req->next;
		req->rec->cancelled = true;
		free(req);
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
	r->bearer = o->bearer != NULL;
	recs = xreallocarray(recs, n_recs + 1, sizeof *recs);
	recs[n_recs++] = r;
	req->rec = r;
	req->seq = ++next_seq;
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
	free(req);
}

/* The first queued answer for the request, taken; the 404 when none. */
static struct stub_answer *
bind_answer(struct stub_request *r)
{
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
	if (why == NULL)
		a->delivered = true;   /* its answer was given (not an abort's error) */
	req->rec->answered = true;
	req->done(&resp, &err, req->arg);
	free(body);
	free(req);
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
		if (req->answer == NULL)
			req->answer = bind_answer(req->rec);
		if (req->answer->held)
			continue;
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
		if (h->reqs->answer == NULL)
			h->reqs->answer = bind_answer(h->reqs->rec);
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
