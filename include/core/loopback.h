/* loopback.h - the web server of one request that a browser comes back to
 * after logging in (RFC 8252, 7.3: a loopback redirect on an ephemeral port).
 *
 * It listens on 127.0.0.1 only, on a port the system picks, and serves
 * exactly one request: GET /callback?... . Anything else on the port (another
 * path, another method, a malformed or oversized request) is refused with 404,
 * 405 or 400 and the listener goes on waiting. The caller polls
 * loopback_fd(), takes the request with loopback_accept(), and answers it
 * with loopback_reply(): a small page saying that the login is done and the
 * page may be closed, or why it failed. No thread, no buffering beyond one
 * request of 8 KiB; a client that sends nothing is dropped after 5 seconds. */
#ifndef EZRIZI_LOOPBACK_H
#define EZRIZI_LOOPBACK_H

#include <stdbool.h>

#include "core/error.h"

struct loopback;

/* Binds 127.0.0.1:0 and listens; NULL with err set (ERR_FAILED). */
struct loopback *loopback_open(struct error *err);
/* Closes the listener and any request not answered; accepts NULL. */
void loopback_close(struct loopback *lb);

/* The listening socket, to poll for POLLIN. */
int loopback_fd(const struct loopback *lb);
/* "http://127.0.0.1:PORT/callback" (borrowed). */
const char *loopback_redirect_uri(const struct loopback *lb);

/* Call when loopback_fd() is readable. Accepts one connection and reads its
 * request. For GET /callback it returns true and sets *query to the query
 * string (new string: wipe and free() it; "" when none); the request then
 * waits for loopback_reply(). For anything else it answers the refusal
 * itself, closes that connection and returns false. */
bool loopback_accept(struct loopback *lb, char **query);

/* Answers the request taken by loopback_accept() with a page (200 when ok,
 * 400 otherwise) showing `text` (plain text, HTML-escaped here), then closes
 * the connection and the listener: the one request has been served. Does
 * nothing when no request waits for an answer. */
void loopback_reply(struct loopback *lb, bool ok, const char *text);

#endif
