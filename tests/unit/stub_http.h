/* stub_http.h - a scripted fake of core/http.h, linked in place of src/http.c
 * (the screen's unit tests: tests/meson.build links the core without it).
 *
 * A test queues answers per method and path; a request made meanwhile takes
 * the first queued answer that matches it (in the order they were queued),
 * at the next http_step. An answer may be held back until the test releases
 * it: the request waits, and a command waiting on it stays suspended in its
 * task (http_wait calls task_wait, exactly as src/http.c does). A request no
 * answer matches is answered 404 and counted as unscripted. Every request is
 * recorded: method, path, body, and the headers that matter.
 *
 * A batch Bundle of GETs (a POST to the base) is taken apart as a server
 * would: each entry is recorded and answered as its GET, and the answers go
 * back together in a batch-response (a network error in one fails it all).
 *
 * Paths are the URL after the base given to stub_reset (no leading '/'); a
 * pattern is matched against the whole path, '*' standing for any run of
 * characters ("Appointment?*", "Patient/pat-1", ""). */
#ifndef EZRIZI_STUB_HTTP_H
#define EZRIZI_STUB_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct stub_answer;

struct stub_request {
	char *method;
	char *url;
	char *path;          /* after the base, or the whole URL when not under it */
	char *body;          /* NULL for none */
	char *if_match, *if_none_exist, *if_none_match;
	/* An entry of a batch Bundle of GETs (recorded as its GET; the POST
	 * itself is not): the batch's number, the same for all its entries;
	 * 0 for a request of its own. */
	unsigned long batch;
	bool bearer;         /* an Authorization header went (never its value) */
	bool answered;       /* its callback was called */
	bool cancelled;
	bool unscripted;     /* no answer matched: it got a 404 */
};

/* Builds an answer's body from the request (the stub frees it). */
typedef char *stub_body_fn(const struct stub_request *req);

/* A home of the test's own under $TMPDIR (new string: the directory, made):
 * HOME and the XDG directories point there, and the token comes from
 * EZRIZI_TOKEN, so nothing of the user's is read. stub_home_remove() deletes
 * it and frees the string. */
char *stub_home(const char *prefix);
void stub_home_remove(char *dir);

/* Forgets every answer and request; paths are taken after base. */
void stub_reset(const char *base);
/* Queues an answer (status, body: copied, NULL for none) for method and
 * pattern; used once, or for every match when sticky. */
struct stub_answer *stub_answer(const char *method, const char *pattern, long status, const char *body);
struct stub_answer *stub_sticky(const char *method, const char *pattern, long status, const char *body);
/* Moves the answer before every other queued (a sticky one queued earlier
 * would match first). */
void stub_first(struct stub_answer *a);
/* The body is made from the request when it is answered. */
void stub_answer_fn(struct stub_answer *a, stub_body_fn *fn);
/* Headers of the answer (copied). */
void stub_answer_headers(struct stub_answer *a, const char *etag, const char *location);
/* Ends the request with a network error (no HTTP answer) instead. */
void stub_answer_fails(struct stub_answer *a, const char *msg);
/* A server without batch: from now on a batch Bundle is recorded as the
 * POST it is and answered status (0: taken apart again, the default). */
void stub_refuse_batch(long status);
/* Holds the answer back: a request that took it waits until released. */
void stub_hold(struct stub_answer *a);
void stub_release(struct stub_answer *a);
/* Whether a request has taken the answer, and whether the answer was given
 * (not when http_abort ended the request). */
bool stub_taken(const struct stub_answer *a);
bool stub_delivered(const struct stub_answer *a);

/* The requests made so far, in order (cancelled ones too). */
size_t stub_n_requests(void);
const struct stub_request *stub_request(size_t i);
/* How many requests matched method and pattern (NULL method: any). */
size_t stub_count(const char *method, const char *pattern);
/* The last request that matched, or NULL. */
const struct stub_request *stub_last(const char *method, const char *pattern);
/* Requests not yet answered nor cancelled. */
size_t stub_pending(void);
/* With STUB_DEBUG set: every request made, on stderr (a failing test's
 * teardown calls it). */
void stub_debug_dump(void);
/* Requests no answer matched. */
size_t stub_unscripted(void);
/* Whether http_abort was called (the screen stopped waiting). */
bool stub_aborted(void);
/* Whether path matches pattern (as answers match). */
bool stub_match(const char *pattern, const char *path);

#endif
