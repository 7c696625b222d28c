/* http.h - HTTP on libcurl's multi interface, one thread, one loop.
 *
 * Requests run on a curl multi handle driven by http_step(), which also polls any
 * extra file descriptors the front end hands it (the terminal), so the batch front
 * end and the TUI share the same code: batch waits for one request with
 * http_wait(); the TUI calls http_step() once per loop turn.
 *
 * Connections are reused; responses are gzip-decoded; TLS is always verified (a CA
 * file may be added); a connect timeout and a low-speed limit stand in for a total
 * timeout; idempotent requests are retried with capped exponential backoff and
 * full jitter, honouring Retry-After; a response larger than the cap fails.
 *
 * Plain http:// goes only to loopback unless the settings allow it: a request to
 * any other host in the clear fails before it connects. A batch command's waits
 * (http_wait without a hook) are capped in total by max_wait: at the cap every
 * request fails with a message saying how long it waited, and a retry that would
 * come after the cap is not made. While such a wait lasts more than a few
 * seconds, the notice hook hears what it waits for (at most every 10 s). */
#ifndef EZRIZI_HTTP_H
#define EZRIZI_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <curl/curl.h>

#include "core/error.h"

struct http;
struct http_request;

struct http_settings {
	const char *ca_file;       /* NULL: the system's CAs */
	long connect_timeout;      /* seconds */
	long low_speed_time;       /* seconds below 1 byte/s before giving up */
	size_t max_response;       /* bytes */
	int retries;               /* extra attempts for idempotent requests */
	long backoff_base_ms;      /* first retry delay; doubles, capped */
	long backoff_cap_ms;
	bool allow_insecure_http;  /* plain http:// to hosts other than loopback */
	long max_wait;             /* seconds one command may wait in all; 0: no cap */
};

struct http_response {
	long status;           /* 0 when no answer came */
	char *body;            /* NUL-terminated; may hold NULs inside (len says) */
	size_t body_len;
	char *etag;            /* NULL when absent */
	char *location;
	char *content_type;
	long retry_after;      /* seconds, -1 when absent */
};

struct http_request_opts {
	const char *method;        /* "GET", "POST", "PUT", "DELETE" */
	const char *url;
	const char *body;          /* NULL for none */
	size_t body_len;
	const char *content_type;  /* of the body */
	const char *accept;
	const char *bearer;        /* the access token; never logged */
	const char *if_match;
	const char *if_none_match;
	const char *if_none_exist;
	const char *prefer;
	bool idempotent;           /* may be retried after a failure */
};

/* Called once when the request is finished, on the loop. err->kind is ERR_NONE
 * when an HTTP answer came (whatever its status); resp is valid until the
 * callback returns. The request is freed after the callback. */
typedef void (*http_done_fn)(const struct http_response *resp, const struct error *err,
			     void *arg);

void http_settings_default(struct http_settings *s);

struct http *http_create(const struct http_settings *s);
void http_destroy(struct http *h);  /* cancels what is running; accepts NULL */

/* Starts a request; the options are copied. */
struct http_request *http_start(struct http *h, const struct http_request_opts *o,
				http_done_fn done, void *arg);
/* Cancels a running request; its callback is not called. */
void http_cancel(struct http *h, struct http_request *req);

/* One turn of the loop: waits at most max_wait_ms (or less, as curl's timers and
 * pending retries need) for network activity or for one of the extra fds, performs
 * transfers and calls the callbacks of finished requests. The revents of extra
 * are filled in. Returns the number of requests still running or waiting. */
int http_step(struct http *h, struct curl_waitfd *extra, unsigned n_extra, int max_wait_ms);

/* Waits until *done is true. Inside a task (core/task.h) the task is
 * suspended: the loop that resumes it steps the network (the screen's poll),
 * and nothing else runs meanwhile in the task. Outside any task, it runs the
 * network itself (batch mode), and the waits of one command count against
 * max_wait: at the cap every running request ends with ERR_NETWORK, saying how
 * long it waited, and so does any started before http_wait_reset(). */
void http_wait(struct http *h, const bool *done);

/* The cap on one command's waits, in seconds; 0: none (the screen, whose keys
 * stay live while a command waits). */
void http_set_max_wait(struct http *h, long seconds);

/* Ends every running or waiting request now with why (its callback is called
 * with it): a front end that stops waiting (the screen told twice to quit). */
void http_abort(struct http *h, const struct error *why);

/* A new command starts: its waits have the whole max_wait again, and requests
 * refused at the previous command's cap may be made again. */
void http_wait_reset(struct http *h);

/* Told, during a capped wait, what it waits for and how long ("Waiting for
 * https://host: 30 seconds without an answer…"; translated, one sentence). */
typedef void (*http_notice_fn)(const char *msg, void *arg);
void http_set_notice(struct http *h, http_notice_fn fn, void *arg);

/* True when url is plain http:// to a host that is not loopback (127.0.0.0/8,
 * ::1, localhost, written as such with no user part): a bearer token and the
 * records would cross the network unencrypted. */
bool http_url_in_clear(const char *url);
/* False with ERR_USAGE, saying why and how to fix it, when url is in the clear
 * and s does not allow it. */
bool http_url_check(const struct http_settings *s, const char *url, struct error *err);
/* The warning to show at every start for an allowed url in the clear (a new
 * string, free()), or NULL when url is not in the clear. */
char *http_clear_warning(const char *url);

/* A synchronous request for batch mode: starts, waits, and copies the response
 * into *resp (free with http_response_finish). Returns false with err filled when
 * no HTTP answer came. */
bool http_request_sync(struct http *h, const struct http_request_opts *o,
		       struct http_response *resp, struct error *err);
void http_response_finish(struct http_response *resp);

/* Percent-encodes s for a URL query value (new string, free()). */
char *http_escape(const char *s);

#endif
