/* login.h - `ezrizi login`: a way in that the server offers, taken.
 *
 * After SMART discovery the method is, first match wins: the one asked for
 * (--method, --client), the config's login_method, else the first the server
 * offers of: the password grant; over SSH with no display (SSH_CONNECTION or
 * SSH_TTY set, DISPLAY and WAYLAND_DISPLAY not), the device grant; the
 * authorization code grant with PKCE ("browser"); the device grant. A method
 * asked for that the server does not list is still tried when it needs only
 * the token endpoint (password, client), and its refusal names the ones it
 * offers; one that needs an endpoint the server lacks is an error naming them.
 *
 * browser: listens on 127.0.0.1 on an ephemeral port (loopback.h), prints the
 *   authorization address (and a QR code of it on a terminal wide enough),
 *   opens a browser when one can run here ($BROWSER, else xdg-open with a
 *   display; only the address, which holds nothing secret, goes in its argv),
 *   and waits for whichever comes first: the browser coming back to the
 *   listener, or the address it ends on (or the code) pasted on the terminal.
 *   The state must match; five minutes without an answer end it.
 * device:  RFC 8628: shows the verification address and the user code (a QR
 *   code of the complete address), then polls the token endpoint at the
 *   server's interval, 5 seconds slower after each slow_down, until the login
 *   is done, denied or expired.
 * Then who "me" is (session.h), and the login is stored. The wait is
 * synchronous (poll() on the terminal and the listener): this is batch mode. */
#ifndef EZRIZI_LOGIN_H
#define EZRIZI_LOGIN_H

#include <stdbool.h>
#include <stdio.h>

#include "core/error.h"
#include "core/oauth.h"
#include "core/session.h"

struct login_opts {
	const char *user;           /* --user; NULL: the config's username */
	enum oauth_method method;   /* OAUTH_AUTO: login_method, else the server's */
	bool no_qr;                 /* --no-qr */
	FILE *tty;                  /* where the instructions go (stderr) */
};

/* Logs in and stores the login. err says what to do when it fails. */
bool login_run(struct session *s, const struct login_opts *o, struct error *err);

/* The method the server's offer and the place give (OAUTH_AUTO for none). */
enum oauth_method login_pick(const struct oauth_meta *m, bool over_ssh);

#endif
