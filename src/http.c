/* http.c - HTTP on libcurl's multi interface; see include/core/http.h. */
#include "core/http.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "config.h"
#include "core/date.h"
#include "core/i18n.h"
#include "core/task.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

struct http_request {
	struct http *h;
	struct http_request *next;
	CURL *easy;
	struct curl_slist *headers;
	char *method, *url, *body;
	size_t body_len;
	bool idempotent;
	int attempt;
	bool active;          /* added to the multi handle */
	long long due_ms;     /* when waiting to retry: the monotonic time to restart */
	long long started_ms; /* when the current attempt began */
	long retry_asked;     /* the Retry-After being waited for, -1 for a backoff */
	bool announced;       /* this retry wait was told to the notice hook */
	bool too_large;
	bool in_headers;      /* between the status line and the blank line */
	size_t header_bytes;
	struct error fail;    /* set: fails with this at the next step, never connects */
	struct buf in;
	struct http_response resp;
	http_done_fn done;
	void *arg;
	char errbuf[CURL_ERROR_SIZE];
};

struct http {
	CURLM *multi;
	struct http_settings s;
	char *ca_file;
	struct http_request *reqs;
	bool debug;
	/* The cap on a command's waits (see http.h). */
	int wait_depth;             /* capped waits: nested when > 1 */
	long long waited_ms;        /* by the command's finished waits */
	long long deadline_ms;      /* during a capped wait; else 0 */
	bool gave_up;               /* the cap was reached: new requests fail at once */
	struct error cap_err;
	long long last_notice_ms;
	http_notice_fn notice;
	void *notice_arg;
};

/* Header bytes past which a failed transfer is taken to have failed on their size
 * (curl 7.88 gives up at 100 KiB for one header, 300 KiB in all). */
#define HEADERS_TOO_MANY (100u * 1024)
/* A wait is told to the notice hook once it lasts this long, then every 10 s. */
#define NOTICE_AFTER_MS 5000
#define NOTICE_EVERY_MS 10000

struct http *
http_create(const struct http_settings *s)
{
	static bool global_done;
	struct http *h;
	const char *dbg;

	if (!global_done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		global_done = true;
	}
	h = xcalloc(1, sizeof *h);
	h->s = *s;
	h->ca_file = xstrdup(s->ca_file);
	h->s.ca_file = h->ca_file;
	h->multi = curl_multi_init();
	if (h->multi == NULL)
		abort();
	dbg = getenv("EZRIZI_DEBUG");
	h->debug = dbg != NULL && strstr(dbg, "http") != NULL;
	return h;
}

/* Forgets a response's headers. Its body is never its own here: it is lent
 * from req->in to the callback only, and NULL again after. */
static void
response_clear(struct http_response *r)
{
	r->body = NULL;
	http_response_finish(r);
}

static void
request_free(struct http_request *req)
{
	if (req->active)
		curl_multi_remove_handle(req->h->multi, req->easy);
	curl_easy_cleanup(req->easy);
	curl_slist_free_all(req->headers);
	free(req->method);
	free(req->url);
	if (req->body != NULL)
		sodium_memzero(req->body, req->body_len);
	free(req->body);
	buf_finish(&req->in);
	response_clear(&req->resp);
	free(req);
}

static void
request_unlink(struct http_request *req)
{
	struct http_request **pp;

	for (pp = &req->h->reqs; *pp != NULL; pp = &(*pp)->next) {
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
		request_free(req);
	}
	curl_multi_cleanup(h->multi);
	free(h->ca_file);
	free(h);
}

static size_t
on_write(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_request *req = arg;
	size_t n = size * nmemb;

	if (req->in.len + n > req->h->s.max_response) {
		req->too_large = true;
		return 0;  /* curl aborts the transfer */
	}
	buf_add(&req->in, data, n);
	return n;
}

static char *
header_value(const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name);
	const char *v, *end;

	if (len <= nl || line[nl] != ':')
		return NULL;
	for (size_t i = 0; i < nl; i++) {
		if (ascii_tolower((unsigned char)line[i]) != name[i])
			return NULL;
	}
	v = line + nl + 1;
	end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	return xstrndup(v, (size_t)(end - v));
}

static long
parse_retry_after(const char *v)
{
	char *end;
	long n;
	struct tm tm;

	n = strtol(v, &end, 10);
	if (end != v && *end == '\0' && n >= 0)
		return n;
	/* An HTTP-date: "Wed, 21 Oct 2015 07:28:00 GMT" */
	memset(&tm, 0, sizeof tm);
	if (strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm) != NULL) {
		long d = (long)(timegm(&tm) - time(NULL));
		return d > 0 ? d : 0;
	}
	return -1;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct http_request *req = arg;
	size_t n = size * nmemb;
	char *v;

	req->header_bytes += n;
	if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
		/* A new response (after a 100 Continue, say): forget the old headers. */
		response_clear(&req->resp);
		req->in_headers = true;
		req->header_bytes = n;
		return n;
	}
	if ((n == 2 && data[0] == '\r') || (n == 1 && data[0] == '\n')) {
		req->in_headers = false;
		return n;
	}
	if ((v = header_value(data, n, "etag")) != NULL) {
		free(req->resp.etag);
		req->resp.etag = v;
	} else if ((v = header_value(data, n, "location")) != NULL) {
		free(req->resp.location);
		req->resp.location = v;
	} else if ((v = header_value(data, n, "content-type")) != NULL) {
		free(req->resp.content_type);
		req->resp.content_type = v;
	} else if ((v = header_value(data, n, "retry-after")) != NULL) {
		req->resp.retry_after = parse_retry_after(v);
		free(v);
	}
	return n;
}

static void
add_header(struct http_request *req, const char *name, const char *value)
{
	char *line;

	if (value == NULL)
		return;
	line = xasprintf("%s: %s", name, value);
	req->headers = curl_slist_append(req->headers, line);
	if (req->headers == NULL)
		abort();
	sodium_memzero(line, strlen(line));
	free(line);
}

static void
setup_easy(struct http *h, struct http_request *req, const struct http_request_opts *o)
{
	CURL *e = req->easy;

	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "ezrizi/" EZRIZI_VERSION);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, h->s.connect_timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, h->s.low_speed_time);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->s.max_response);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (h->s.ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, h->s.ca_file);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, req);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->errbuf);
	curl_easy_setopt(e, CURLOPT_PRIVATE, req);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	if (req->body != NULL) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	} else if (strcmp(req->method, "GET") == 0) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	}
	add_header(req, "Accept", o->accept);
	add_header(req, "Content-Type", o->content_type);
	add_header(req, "If-Match", o->if_match);
	add_header(req, "If-None-Match", o->if_none_match);
	add_header(req, "If-None-Exist", o->if_none_exist);
	add_header(req, "Prefer", o->prefer);
	if (o->bearer != NULL) {
		char *v = xasprintf("Bearer %s", o->bearer);

		add_header(req, "Authorization", v);
		sodium_memzero(v, strlen(v));
		free(v);
	}
	/* No "Expect: 100-continue" round trip on a slow link. */
	req->headers = curl_slist_append(req->headers, "Expect:");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, req->headers);
}

static void
request_activate(struct http_request *req)
{
	req->too_large = false;
	req->in_headers = false;
	req->header_bytes = 0;
	req->errbuf[0] = '\0';
	buf_reset(&req->in);
	response_clear(&req->resp);
	req->due_ms = 0;
	req->started_ms = clock_mono_ms();
	req->retry_asked = -1;
	req->announced = false;
	req->attempt++;
	if (curl_multi_add_handle(req->h->multi, req->easy) != CURLM_OK)
		abort();
	req->active = true;
}

struct http_request *
http_start(struct http *h, const struct http_request_opts *o, http_done_fn done, void *arg)
{
	struct http_request *req = xcalloc(1, sizeof *req);

	req->h = h;
	req->easy = curl_easy_init();
	if (req->easy == NULL)
		abort();
	req->method = xstrdup(o->method != NULL ? o->method : "GET");
	req->url = xstrdup(o->url);
	if (o->body != NULL) {
		req->body = xmalloc(o->body_len + 1);
		memcpy(req->body, o->body, o->body_len);
		req->body[o->body_len] = '\0';
		req->body_len = o->body_len;
	}
	req->idempotent = o->idempotent;
	req->done = done;
	req->arg = arg;
	buf_init(&req->in);
	response_clear(&req->resp);
	error_clear(&req->fail);
	setup_easy(h, req, o);
	req->next = h->reqs;
	h->reqs = req;
	if (h->gave_up)
		req->fail = h->cap_err;
	else
		http_url_check(&h->s, req->url, &req->fail);
	if (req->fail.kind != ERR_NONE) {
		/* Failed on the loop, like any other, never from inside http_start. */
		req->due_ms = clock_mono_ms();
		return req;
	}
	request_activate(req);
	return req;
}

void
http_cancel(struct http *h, struct http_request *req)
{
	(void)h;
	if (req == NULL)
		return;
	request_unlink(req);
	request_free(req);
}

static bool
status_retryable(long status)
{
	return status == 429 || status == 500 || status == 502 || status == 503 ||
	       status == 504;
}

static bool
curl_retryable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

static long
backoff_ms(const struct http *h, int attempt, long retry_after)
{
	long cap = h->s.backoff_cap_ms, d;

	if (retry_after >= 0) {
		/* The server said when; never wait longer than two minutes on its word. */
		d = retry_after > 120 ? 120000 : retry_after * 1000;
		return d;
	}
	d = h->s.backoff_base_ms;
	for (int i = 1; i < attempt && d < cap; i++)
		d *= 2;
	if (d > cap)
		d = cap;
	/* Full jitter, but never less than half, so retries do not pile up at once. */
	return d / 2 + (long)randombytes_uniform((uint32_t)(d / 2 + 1));
}

/* "https://host:port" of the request, for messages: never the path or query. */
static char *
url_origin(const char *url)
{
	const char *p = strstr(url, "://");
	size_t n;

	if (p == NULL)
		return xstrdup(url);
	p += 3;
	n = strcspn(p, "/?#");
	return xstrndup(url, (size_t)(p - url) + n);
}

/* A transfer that failed on the size of the answer's headers: curl 7.88 says
 * "Out of memory" for one header over 100 KiB and gives a receive error for more
 * than 300 KiB in all; curl 8.6 and later say CURLE_TOO_LARGE. */
static bool
headers_too_large(const struct http_request *req, CURLcode rc)
{
	if (!req->in_headers)
		return false;
#if LIBCURL_VERSION_NUM >= 0x080600
	if (rc == CURLE_TOO_LARGE)
		return true;
#endif
	return rc == CURLE_OUT_OF_MEMORY || (rc == CURLE_RECV_ERROR && req->header_bytes >= HEADERS_TOO_MANY);
}

/* A certificate that failed on its name, not on who signed it. The verify result
 * is OpenSSL's X509_V_*: 0 when the chain was trusted, 62 and 64 when OpenSSL's
 * host or IP check failed; 1 is what curl 7.88 leaves when its own name check
 * fails before it reads the chain's result (an untrusted chain gives 18, 19, 20...). */
static bool
cert_names_other_host(const struct http_request *req)
{
	long vr = -1;

	if (curl_easy_getinfo(req->easy, CURLINFO_SSL_VERIFYRESULT, &vr) != CURLE_OK)
		return false;
	return vr == 0 || vr == 1 || vr == 62 || vr == 64;
}

bool
http_url_check(const struct http_settings *s, const char *url, struct error *err)
{
	char *origin;

	if (s->allow_insecure_http || !http_url_in_clear(url))
		return true;
	origin = url_origin(url);
	error_set(err, ERR_USAGE,
		  _("Plain http to %s is refused: the token and every record would cross the network unencrypted. Use the server's https:// address, or, on a network you trust, set 'allow_insecure_http = yes' in the profile."),
		  origin);
	free(origin);
	return false;
}

char *
http_clear_warning(const char *url)
{
	char *origin, *msg;

	if (!http_url_in_clear(url))
		return NULL;
	origin = url_origin(url);
	msg = xasprintf(_("Warning: %s is plain http (allow_insecure_http = yes): the token and every record cross the network unencrypted."),
			origin);
	free(origin);
	return msg;
}

static void
network_error(struct http_request *req, CURLcode rc, struct error *err)
{
	char *origin = url_origin(req->url);
	const char *why = req->errbuf[0] != '\0' ? req->errbuf : curl_easy_strerror(rc);

	if (req->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		error_set(err, ERR_FAILED,
			  _("The answer from %s is larger than %zu MiB; ask for less, or raise max_response_mb in the config."),
			  origin, req->h->s.max_response / (1024 * 1024));
	} else if (headers_too_large(req, rc)) {
		error_set(err, ERR_FAILED,
			  _("The answer from %s was too large (its headers); the server, or a proxy on the way, sent far more than any answer needs: tell its administrator."),
			  origin);
	} else if (rc == CURLE_PEER_FAILED_VERIFICATION && cert_names_other_host(req)) {
		error_set(err, ERR_NETWORK,
			  _("The certificate of %s names another host (%s); check the server address in the config: it must be a name the certificate was made for."),
			  origin, why);
	} else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
		error_set(err, ERR_NETWORK,
			  _("Cannot verify the identity of %s (%s); if your clinic uses its own certificate authority, set ca_file in the config."),
			  origin, why);
	} else {
		error_set(err, ERR_NETWORK,
			  _("Cannot reach %s (%s); check the network and the server address, then try again."),
			  origin, why);
	}
	free(origin);
}

/* Hands the end of a request to its callback, then frees it. */
static void
request_deliver(struct http_request *req, const struct error *err)
{
	request_unlink(req);
	req->done(&req->resp, err, req->arg);
	req->resp.body = NULL;
	request_free(req);
}

static bool
should_retry(const struct http *h, const struct http_request *req, CURLcode rc, long status)
{
	if (!req->idempotent || req->too_large || headers_too_large(req, rc) ||
	    req->attempt > h->s.retries)
		return false;
	return rc != CURLE_OK ? curl_retryable(rc) : status_retryable(status);
}

/* Schedules the next attempt, unless it would come after the cap on the
 * command's waits: then false, with err saying so when the server asked for
 * the wait (a backoff past the cap just ends with the failure as it is). */
static bool
schedule_retry(struct http *h, struct http_request *req, long asked, struct error *err)
{
	long delay = backoff_ms(h, req->attempt, asked);
	long long now = clock_mono_ms();
	/* What the server asked for, not the two minutes it is cut to: asked
	 * 600 s with 120 s left, the cut wait fitted whenever the answer came
	 * in the millisecond the cap was set (then waited 120 s for nothing). */
	long long want = asked >= 0 ? asked * 1000LL : delay;
	char *origin;

	if (h->deadline_ms == 0 || now + want <= h->deadline_ms) {
		req->due_ms = now + delay;
		req->retry_asked = asked;
		req->announced = false;
		return true;
	}
	if (asked < 0)
		return false;
	origin = url_origin(req->url);
	error_set(err, ERR_NETWORK,
		  ngettext("%s asked ezrizi to retry in %ld second, later than this command may wait (max_wait = %ld); try again later, or raise max_wait in the config.",
			   "%s asked ezrizi to retry in %ld seconds, later than this command may wait (max_wait = %ld); try again later, or raise max_wait in the config.",
			   (unsigned long)asked),
		  origin, asked, h->s.max_wait);
	free(origin);
	return false;
}

static void
request_finish(struct http *h, struct http_request *req, CURLcode rc)
{
	struct error err;
	long status = 0;

	curl_multi_remove_handle(h->multi, req->easy);
	req->active = false;
	error_clear(&err);
	if (rc == CURLE_OK)
		curl_easy_getinfo(req->easy, CURLINFO_RESPONSE_CODE, &status);
	if (h->debug) {
		/* The path only: a query can hold a client's name. */
		fprintf(stderr, "ezrizi: http %s %.*s -> %ld (curl %d, attempt %d)\n", req->method,
			(int)strcspn(req->url, "?"), req->url, status, (int)rc, req->attempt);
	}
	if (should_retry(h, req, rc, status) &&
	    schedule_retry(h, req, rc == CURLE_OK ? req->resp.retry_after : -1, &err))
		return;
	if (err.kind != ERR_NONE) {
		/* The retry the server asked for would come after the cap. */
	} else if (rc != CURLE_OK) {
		network_error(req, rc, &err);
	} else {
		req->resp.status = status;
		req->resp.body = req->in.data;
		req->resp.body_len = req->in.len;
	}
	request_deliver(req, &err);
}

static long long
next_due(const struct http *h)
{
	long long due = 0;

	for (const struct http_request *r = h->reqs; r != NULL; r = r->next) {
		if (!r->active && r->due_ms != 0 && (due == 0 || r->due_ms < due))
			due = r->due_ms;
	}
	return due;
}

static void
restart_due(struct http *h)
{
	long long now = clock_mono_ms();
	struct http_request *r;

again:
	for (r = h->reqs; r != NULL; r = r->next) {
		if (r->active || r->due_ms == 0 || r->due_ms > now)
			continue;
		if (r->fail.kind != ERR_NONE) {
			struct error e = r->fail;

			/* The callback may start or end others: look again from the top. */
			request_deliver(r, &e);
			goto again;
		}
		request_activate(r);
	}
}

int
http_step(struct http *h, struct curl_waitfd *extra, unsigned n_extra, int max_wait_ms)
{
	long timeout = max_wait_ms;
	long curl_to = -1;
	long long due = next_due(h);
	int running = 0, numfds, left = 0;
	CURLMsg *msg;

	curl_multi_timeout(h->multi, &curl_to);
	if (curl_to >= 0 && curl_to < timeout)
		timeout = curl_to;
	if (due != 0) {
		long long d = due - clock_mono_ms();

		if (d < 0)
			d = 0;
		if (d < timeout)
			timeout = (long)d;
	}
	for (unsigned i = 0; i < n_extra; i++)
		extra[i].revents = 0;
	curl_multi_poll(h->multi, extra, n_extra, (int)timeout, &numfds);
	curl_multi_perform(h->multi, &running);
	while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
		struct http_request *req = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&req);
		request_finish(h, req, msg->data.result);
	}
	restart_due(h);
	/* What a callback started and left waiting (a token refresh) goes on. */
	task_run_detached();
	running = 0;
	for (const struct http_request *r = h->reqs; r != NULL; r = r->next)
		running++;
	return running;
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
http_wait_reset(struct http *h)
{
	h->waited_ms = 0;
	h->gave_up = false;
	error_clear(&h->cap_err);
	h->last_notice_ms = 0;
}

/* Takes msg (a new string). */
static void
notice(struct http *h, char *msg)
{
	h->notice(msg, h->notice_arg);
	h->last_notice_ms = clock_mono_ms();
	free(msg);
}

/* Tells the notice hook of a wait that passed a few seconds: a retry the server
 * asked for (once per retry), a backoff, or an answer that does not come. */
static void
notice_waits(struct http *h)
{
	long long now = clock_mono_ms();
	struct http_request *r;
	char *o;

	if (h->notice == NULL || (h->last_notice_ms != 0 && now - h->last_notice_ms < NOTICE_EVERY_MS))
		return;
	for (r = h->reqs; r != NULL; r = r->next) {
		if (r->fail.kind != ERR_NONE)
			continue;
		if (!r->active && r->due_ms != 0 && !r->announced && r->due_ms - now >= NOTICE_AFTER_MS)
			break;
		if (r->active && now - r->started_ms >= NOTICE_AFTER_MS)
			break;
	}
	if (r == NULL)
		return;
	o = url_origin(r->url);
	if (r->active && r->header_bytes == 0 && r->in.len == 0) {
		long waited = (long)((now - r->started_ms) / 1000);

		notice(h, xasprintf(ngettext("Waiting for %s: %ld second without an answer…",
					     "Waiting for %s: %ld seconds without an answer…",
					     (unsigned long)waited), o, waited));
	} else if (r->active) {
		long waited = (long)((now - r->started_ms) / 1000);

		notice(h, xasprintf(ngettext("Waiting for %s: the answer is still coming in after %ld second…",
					     "Waiting for %s: the answer is still coming in after %ld seconds…",
					     (unsigned long)waited), o, waited));
	} else {
		long left = (long)((r->due_ms - now + 999) / 1000);

		r->announced = true;
		if (r->retry_asked >= 0)
			notice(h, xasprintf(ngettext("Waiting for %s: the server asked to retry in %ld second…",
						     "Waiting for %s: the server asked to retry in %ld seconds…",
						     (unsigned long)left), o, left));
		else
			notice(h, xasprintf(ngettext("Waiting for %s: trying again in %ld second…",
						     "Waiting for %s: trying again in %ld seconds…",
						     (unsigned long)left), o, left));
	}
	free(o);
}

/* The cap is reached: every request fails, and so does any started before the
 * next command. */
static void
give_up(struct http *h)
{
	char *origin = url_origin(h->reqs->url);

	error_clear(&h->cap_err);
	error_set(&h->cap_err, ERR_NETWORK,
		  ngettext("This command waited %ld second for %s, the longest it may (max_wait); the server is slow or overloaded: try again later, or raise max_wait in the config.",
			   "This command waited %ld seconds for %s, the longest it may (max_wait); the server is slow or overloaded: try again later, or raise max_wait in the config.",
			   (unsigned long)h->s.max_wait),
		  h->s.max_wait, origin);
	free(origin);
	h->gave_up = true;
	while (h->reqs != NULL) {
		struct error e = h->cap_err;

		request_deliver(h->reqs, &e);
	}
}

void
http_abort(struct http *h, const struct error *why)
{
	while (h->reqs != NULL) {
		struct error e = *why;

		request_deliver(h->reqs, &e);
	}
}

/* http_wait outside a task: the command's waits are capped in total. Nested
 * waits (a token refreshed inside a callback) share the outer one's deadline. */
static void
capped_wait(struct http *h, const bool *done)
{
	long long start = clock_mono_ms();

	if (h->wait_depth++ == 0 && h->s.max_wait > 0)
		h->deadline_ms = start + h->s.max_wait * 1000 - h->waited_ms;
	while (!*done) {
		long long left = h->deadline_ms != 0 ? h->deadline_ms - clock_mono_ms() : 1000;

		if (left <= 0 && h->reqs != NULL) {
			give_up(h);
			continue;
		}
		http_step(h, NULL, 0, left > 0 && left < 1000 ? (int)left : 1000);
		notice_waits(h);
	}
	if (--h->wait_depth == 0) {
		h->waited_ms += clock_mono_ms() - start;
		h->deadline_ms = 0;
	}
}

void
http_wait(struct http *h, const bool *done)
{
	/* In a task, the loop that resumes it steps the network. */
	if (!task_wait(done))
		capped_wait(h, done);
}
