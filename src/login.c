/* login.c - the ways of logging in; see include/core/login.h. */
#include "core/login.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/date.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/loopback.h"
#include "core/qr.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

/* How long a browser login may take, in seconds. */
#define LOGIN_WAIT_S 300
#define PASTE_MAX 8192

struct login {
	struct session *s;
	const struct login_opts *o;
	struct oauth_meta meta;
	enum oauth_method method;
	const char *client_id;
};

static void
sleep_ms(long ms)
{
	long end = clock_mono_ms() + ms;

	for (long left = ms; left > 0; left = end - clock_mono_ms())
		poll(NULL, 0, (int)left);
}

static bool
over_ssh(void)
{
	const char *d = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");

	return (getenv("SSH_CONNECTION") != NULL || getenv("SSH_TTY") != NULL) &&
	       (d == NULL || d[0] == '\0') && (w == NULL || w[0] == '\0');
}

enum oauth_method
login_pick(const struct oauth_meta *m, bool ssh)
{
	if (oauth_meta_can(m, OAUTH_PASSWORD))
		return OAUTH_PASSWORD;
	if (ssh && oauth_meta_can(m, OAUTH_DEVICE))
		return OAUTH_DEVICE;
	if (oauth_meta_can(m, OAUTH_BROWSER))
		return OAUTH_BROWSER;
	if (oauth_meta_can(m, OAUTH_DEVICE))
		return OAUTH_DEVICE;
	return OAUTH_AUTO;
}

/* Adds "It offers: ..." to the error. */
static void
name_offered(const struct login *l, struct error *err)
{
	char *list = oauth_method_list(l->meta.offered), *msg = xstrdup(err->msg);
	enum err_kind kind = err->kind;
	int status = err->http_status;

	error_clear(err);
	/* TRANSLATORS: the first %s is a sentence; the second lists login methods, e.g. "browser, client". */
	error_set(err, kind, _("%s The server offers: %s."), msg, list);
	err->http_status = status;
	free(msg);
	free(list);
}

/* ---- the terminal ---- */

static void
say(const struct login *l, const char *text)
{
	fprintf(l->o->tty, "%s\n", text);
	fflush(l->o->tty);
}

static int
tty_columns(FILE *fp)
{
	struct winsize ws;

	if (!isatty(fileno(fp)) || ioctl(fileno(fp), TIOCGWINSZ, &ws) != 0)
		return 0;
	return ws.ws_col;
}

/* A QR code of url, when there is room for it on a terminal. */
static void
show_qr(const struct login *l, const char *url)
{
	int cols, rows;
	char *qr;

	if (l->o->no_qr || tty_columns(l->o->tty) == 0)
		return;
	qr = qr_draw(url, &cols, &rows);
	if (qr != NULL && cols <= tty_columns(l->o->tty))
		fprintf(l->o->tty, "\n%s\n", qr);
	free(qr);
}

/* Shows a server's address, made safe for the terminal, on its own line. */
static void
show_url(const struct login *l, const char *url)
{
	char *clean = sanitize_display(url, (size_t)-1, 0);

	fprintf(l->o->tty, "\n    %s\n\n", clean);
	free(clean);
}

/* Starts a browser on url when one can run here; its pid, or -1. */
static pid_t
open_browser(const char *url)
{
	const char *env = getenv("BROWSER"), *d = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
	char *cmd, *pct;
	pid_t pid;
	int null;

	if (env != NULL && env[0] != '\0') {
		cmd = xstrndup(env, strcspn(env, ":"));
	} else if ((d != NULL && d[0] != '\0') || (w != NULL && w[0] != '\0')) {
		cmd = xstrdup("xdg-open");
	} else {
		return -1;
	}
	/* The address goes as "$1", never into the command line itself. */
	if ((pct = strstr(cmd, "%s")) != NULL) {
		char *c = xasprintf("%.*s\"$1\"%s", (int)(pct - cmd), cmd, pct + 2);

		free(cmd);
		cmd = c;
	} else {
		char *c = xasprintf("%s \"$1\"", cmd);

		free(cmd);
		cmd = c;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execl("/bin/sh", "sh", "-c", cmd, "sh", url, (char *)NULL);
		_exit(127);
	}
	free(cmd);
	return pid;
}

static void
reap(pid_t *pid)
{
	if (*pid > 0 && waitpid(*pid, NULL, WNOHANG) != 0)
		*pid = -1;
}

/* ---- password and client credentials ---- */

static struct secret *
client_secret(struct session *s, struct error *err)
{
	const char *file = config_get(s->cfg, "client_secret_file");
	const char *cmd = config_get(s->cfg, "client_secret_command");

	if (cmd != NULL)
		return secret_from_command(cmd, err);
	if (file != NULL)
		return secret_from_file(file, err);
	error_set(err, ERR_USAGE, _("No client secret is configured; set client_secret_command or client_secret_file."));
	return NULL;
}

static struct secret *
user_password(struct session *s, const char *user, struct error *err)
{
	const char *cmd = config_get(s->cfg, "password_command");
	const char *file = config_get(s->cfg, "password_file");
	char *prompt;
	struct secret *sec;

	if (cmd != NULL)
		return secret_from_command(cmd, err);
	if (file != NULL)
		return secret_from_file(file, err);
	/* TRANSLATORS: the prompt for the platform password; %s is the username. */
	prompt = xasprintf(_("Password for %s: "), user);
	sec = front_ask_secret(s->front, prompt, FRONT_PASSWORD, err);
	free(prompt);
	if (sec == NULL)
		error_set(err, ERR_AUTH,
			  _("No terminal to ask for the password; set password_command or password_file in the config."));
	return sec;
}

static bool
password_login(struct login *l, struct error *err)
{
	struct session *s = l->s;
	const char *user = l->o->user != NULL ? l->o->user : config_get(s->cfg, "username");
	char hash[crypto_pwhash_STRBYTES];
	struct secret *pw;
	struct buf form;
	bool ok;

	if (user == NULL)
		return error_set(err, ERR_USAGE, _("No username; use 'ezrizi login --user NAME' or set 'username' in the config."));
	if ((pw = user_password(s, user, err)) == NULL)
		return false;
	buf_init(&form);
	oauth_form_add(&form, "grant_type", "password");
	oauth_form_add(&form, "username", user);
	oauth_form_add(&form, "password", pw->data);
	oauth_form_add(&form, "client_id", l->client_id);
	oauth_form_add(&form, "scope", OAUTH_SCOPE);
	/* Kept to unlock the screen with no network; Argon2id, never the password. */
	if (crypto_pwhash_str(hash, pw->data, pw->len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0)
		s->unlock_hash = xstrdup(hash);
	secret_destroy(pw);
	ok = session_token(s, &form, OAUTH_PASSWORD, NULL, err);
	buf_finish(&form);
	if (ok) {
		free(s->login_user);
		s->login_user = xstrdup(user);
	}
	return ok;
}

static bool
client_login(struct login *l, struct error *err)
{
	struct session *s = l->s;
	const char *client_id = config_get(s->cfg, "client_id");
	struct secret *sec;
	struct buf form;
	bool ok;

	if (client_id == NULL)
		return error_set(err, ERR_USAGE, _("No client id; set 'client_id' in the config."));
	if ((sec = client_secret(s, err)) == NULL)
		return false;
	buf_init(&form);
	oauth_form_add(&form, "grant_type", "client_credentials");
	oauth_form_add(&form, "client_id", client_id);
	oauth_form_add(&form, "client_secret", sec->data);
	secret_destroy(sec);
	ok = session_token(s, &form, OAUTH_CLIENT, NULL, err);
	buf_finish(&form);
	if (ok) {
		free(s->login_user);
		s->login_user = xstrdup(client_id);
	}
	return ok;
}

/* ---- the browser: authorization code with PKCE ---- */

struct wait {
	struct loopback *lb;
	int tty;               /* where a person pastes, or -1 */
	bool close_tty;
	char *line;            /* what was typed so far (sodium memory) */
	size_t len;
	bool overflow;         /* the line is too long: dropped up to its end */
	pid_t browser;
	const char *state;
};

/* Where a person pastes: the front end's (the shell's terminal). */
static void
open_tty(struct login *l, struct wait *w)
{
	w->tty = front_paste_fd(l->s->front, &w->close_tty);
}

/* Reads what is there; true when a whole line is in w->line. */
static bool
read_paste(struct wait *w)
{
	char c[256];
	ssize_t n = read(w->tty, c, sizeof c);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return false;
	if (n <= 0) {
		/* End of input: only the browser can answer now. */
		if (w->close_tty)
			close(w->tty);
		w->tty = -1;
		return false;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (c[i] == '\n') {
			bool whole = !w->overflow;

			w->overflow = false;
			w->line[w->len] = '\0';
			if (whole) {
				sodium_memzero(c, sizeof c);
				return true;
			}
			w->len = 0;
		} else if (w->len < PASTE_MAX) {
			w->line[w->len++] = c[i];
		} else {
			w->overflow = true;
			w->len = 0;
		}
	}
	sodium_memzero(c, sizeof c);
	return false;
}

/* The browser came back to the listener: the code (the browser waits for
 * its page until the code is traded), or why not (final: *done). */
static struct secret *
from_listener(struct wait *w, bool *done, struct error *err)
{
	struct secret *code;
	char *query;

	if (!loopback_accept(w->lb, &query))
		return NULL;
	*done = true;
	code = oauth_redirect_code(query, w->state, err);
	if (code == NULL)
		loopback_reply(w->lb, false, err->msg);
	sodium_memzero(query, strlen(query));
	free(query);
	return code;
}

/* A line was pasted: the code, or NULL after saying what is wrong. */
static struct secret *
from_paste(struct login *l, struct wait *w)
{
	struct secret *code = NULL;
	struct error e;

	error_clear(&e);
	if (strspn(w->line, " \t\r") != w->len)
		code = oauth_redirect_code(w->line, w->state, &e);
	sodium_memzero(w->line, w->len);
	w->len = 0;
	if (code == NULL && e.kind != ERR_NONE) {
		fprintf(l->o->tty, "%s\n", e.msg);
		say(l, _("Paste it again, or press Ctrl-C to stop."));
	}
	return code;
}

static struct secret *
wait_for_code(struct login *l, struct wait *w, struct error *err)
{
	long deadline = clock_mono_ms() + LOGIN_WAIT_S * 1000L;

	for (;;) {
		struct pollfd p[2];
		nfds_t n = 0;
		long left = deadline - clock_mono_ms();
		bool done = false;
		struct secret *code;

		if (w->lb != NULL && loopback_fd(w->lb) >= 0)
			p[n++] = (struct pollfd){ .fd = loopback_fd(w->lb), .events = POLLIN };
		if (w->tty >= 0)
			p[n++] = (struct pollfd){ .fd = w->tty, .events = POLLIN };
		if (left <= 0) {
			error_set(err, ERR_AUTH, ngettext("No answer came from the browser in %d minute; nothing was changed. Run 'ezrizi login' again.",
							  "No answer came from the browser in %d minutes; nothing was changed. Run 'ezrizi login' again.",
							  LOGIN_WAIT_S / 60), LOGIN_WAIT_S / 60);
			return NULL;
		}
		if (poll(p, n, left < 1000 ? (int)left : 1000) < 0 && errno != EINTR) {
			error_set(err, ERR_FAILED, _("Waiting for the browser failed: %s."), strerror(errno));
			return NULL;
		}
		reap(&w->browser);
		for (nfds_t i = 0; i < n; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (w->lb != NULL && p[i].fd == loopback_fd(w->lb))
				code = from_listener(w, &done, err);
			else
				code = read_paste(w) ? from_paste(l, w) : NULL;
			if (code != NULL || done)
				return code;
		}
	}
}

static void
browser_prompt(struct login *l, const char *url, struct wait *w)
{
	show_qr(l, url);
	say(l, _("To log in, open this address in a browser:"));
	show_url(l, url);
	w->browser = open_browser(url);
	if (w->browser > 0)
		say(l, _("A browser was opened with it."));
	if (w->tty >= 0)
		say(l, _("Once you have logged in, the browser comes back here by itself. If it ends on a page that does not load (over SSH, for instance), copy that page's address, paste it here and press Enter:"));
	else
		say(l, _("Once you have logged in, the browser comes back here by itself."));
}

/* Trades the code for tokens. */
static bool
code_for_tokens(struct login *l, const struct secret *code, const char *redirect,
		const struct oauth_pkce *pkce, struct error *err)
{
	struct buf form;
	bool ok;

	buf_init(&form);
	oauth_form_add(&form, "grant_type", "authorization_code");
	oauth_form_add(&form, "code", code->data);
	oauth_form_add(&form, "redirect_uri", redirect);
	oauth_form_add(&form, "client_id", l->client_id);
	oauth_form_add(&form, "code_verifier", pkce->verifier->data);
	ok = session_token(l->s, &form, OAUTH_BROWSER, NULL, err);
	buf_finish(&form);
	return ok;
}

static bool
browser_login(struct login *l, struct error *err)
{
	struct wait w = { 0 };
	struct oauth_pkce pkce;
	struct oauth_authorize a;
	struct secret *code;
	char *url;
	bool ok = false;

	open_tty(l, &w);
	if ((w.lb = loopback_open(err)) == NULL && w.tty < 0)
		return false;
	error_clear(err);
	oauth_pkce_init(&pkce);
	a = (struct oauth_authorize){
		.endpoint = l->meta.authorization_endpoint, .client_id = l->client_id,
		.redirect_uri = w.lb != NULL ? loopback_redirect_uri(w.lb) : "http://127.0.0.1/callback",
		.scope = OAUTH_SCOPE, .challenge = pkce.challenge, .state = pkce.state,
	};
	url = oauth_authorize_url(&a);
	w.state = pkce.state;
	w.line = sodium_malloc(PASTE_MAX + 1);
	if (w.line == NULL)
		abort();
	browser_prompt(l, url, &w);
	code = wait_for_code(l, &w, err);
	if (code != NULL) {
		ok = code_for_tokens(l, code, a.redirect_uri, &pkce, err);
		secret_destroy(code);
		/* The browser's page, when it came back here, says how it ended. */
		if (w.lb != NULL)
			loopback_reply(w.lb, ok, ok ? _("You are logged in to ezrizi. You can close this page and go back to the terminal.")
						    : err->msg);
	}
	reap(&w.browser);
	sodium_free(w.line);
	if (w.close_tty && w.tty >= 0)
		close(w.tty);
	loopback_close(w.lb);
	free(url);
	oauth_pkce_finish(&pkce);
	return ok;
}

/* ---- the device grant ---- */

static bool
device_start(struct login *l, struct oauth_device *d, struct error *err)
{
	struct http_request_opts o = {
		.method = "POST", .accept = "application/json",
		.content_type = "application/x-www-form-urlencoded",
	};
	struct http_response resp;
	struct buf form;
	bool ok;

	buf_init(&form);
	oauth_form_add(&form, "client_id", l->client_id);
	oauth_form_add(&form, "scope", OAUTH_SCOPE);
	o.url = l->meta.device_endpoint;
	o.body = form.data;
	o.body_len = form.len;
	ok = http_request_sync(l->s->http, &o, &resp, err);
	buf_finish(&form);
	if (!ok)
		return false;
	if (resp.status != 200) {
		struct error ignored;
		cJSON *root;

		error_clear(&ignored);
		root = resp.body_len > 0 ? json_parse(resp.body, resp.body_len, "device", &ignored) : NULL;
		oauth_token_error(resp.status, root, OAUTH_DEVICE, err);
		cJSON_Delete(root);
		http_response_finish(&resp);
		return false;
	}
	ok = oauth_device_parse(resp.body, resp.body_len, d, err);
	sodium_memzero(resp.body, resp.body_len);
	http_response_finish(&resp);
	return ok;
}

static void
device_prompt(struct login *l, const struct oauth_device *d)
{
	const char *complete = d->verification_uri_complete;
	char *code = sanitize_display(d->user_code, (size_t)-1, 0);
	long minutes = (d->expires_in + 59) / 60;
	pid_t browser;

	show_qr(l, complete != NULL ? complete : d->verification_uri);
	say(l, _("To log in, open this address in a browser, on this machine or any other:"));
	show_url(l, d->verification_uri);
	/* TRANSLATORS: %s is the code to type on the login page, e.g. BCDF-GHJK. */
	fprintf(l->o->tty, _("and enter the code %s there.\n"), code);
	if (complete != NULL) {
		say(l, _("Or open this address, which holds the code already:"));
		show_url(l, complete);
	}
	browser = open_browser(complete != NULL ? complete : d->verification_uri);
	if (browser > 0)
		say(l, _("A browser was opened with it."));
	fprintf(l->o->tty, ngettext("Waiting for the login (the code expires in %ld minute)...\n",
				    "Waiting for the login (the code expires in %ld minutes)...\n", minutes), minutes);
	fflush(l->o->tty);
	reap(&browser);
	free(code);
}

/* Polls the token endpoint until the login is done, denied or expired. */
static bool
device_poll(struct login *l, const struct oauth_device *d, struct error *err)
{
	long interval = d->interval, deadline = clock_mono_ms() + d->expires_in * 1000L;
	int failures = 0;

	for (;;) {
		char refusal[64];
		struct buf form;
		struct error e;
		bool ok;

		if (clock_mono_ms() + interval * 1000 > deadline)
			return error_set(err, ERR_AUTH, _("The login code expired before the login was completed; run 'ezrizi login' again."));
		/* A sleep, not a wait on a loop: login is CMD_TERMINAL, run only
		 * from a shell, never on the screen (cmd_needs_terminal). */
		sleep_ms(interval * 1000);
		buf_init(&form);
		oauth_form_add(&form, "grant_type", OAUTH_GRANT_DEVICE);
		oauth_form_add(&form, "device_code", d->device_code->data);
		oauth_form_add(&form, "client_id", l->client_id);
		error_clear(&e);
		ok = session_token(l->s, &form, OAUTH_DEVICE, refusal, &e);
		buf_finish(&form);
		if (ok)
			return true;
		if (strcmp(refusal, "authorization_pending") == 0)
			continue;
		if (strcmp(refusal, "slow_down") == 0) {
			interval += 5;
			continue;
		}
		/* No answer at all: the link may come back before the code expires. */
		if (e.kind == ERR_NETWORK && e.http_status == 0 && ++failures < 5)
			continue;
		*err = e;
		return false;
	}
}

static bool
device_login(struct login *l, struct error *err)
{
	struct oauth_device d;
	bool ok;

	if (!device_start(l, &d, err))
		return false;
	device_prompt(l, &d);
	ok = device_poll(l, &d, err);
	oauth_device_finish(&d);
	return ok;
}

/* ---- choosing, and the whole ---- */

static bool
choose(struct login *l, enum oauth_method asked, struct error *err)
{
	const char *conf = config_get(l->s->cfg, "login_method");
	char *list;

	if (asked == OAUTH_AUTO && conf != NULL)
		oauth_method_parse(conf, &asked);
	l->method = asked != OAUTH_AUTO ? asked : login_pick(&l->meta, over_ssh());
	if (l->method == OAUTH_AUTO) {
		list = oauth_method_list(l->meta.offered);
		error_set(err, ERR_AUTH, _("The server offers no way of logging in that a person can take here (it offers: %s); a script logs in with 'ezrizi login --method client', or puts a token in EZRIZI_TOKEN or token_file."),
			  list);
		free(list);
		return false;
	}
	if (oauth_meta_can(&l->meta, l->method))
		return true;
	if (l->method == OAUTH_PASSWORD || l->method == OAUTH_CLIENT) {
		/* The list may be incomplete; the token endpoint has the last word. */
		/* TRANSLATORS: %s is a login method: password or client. */
		fprintf(l->o->tty, _("The server does not list the %s login; trying it anyway.\n"), oauth_method_name(l->method));
		return true;
	}
	list = oauth_method_list(l->meta.offered);
	/* TRANSLATORS: the first %s is a login method, the second lists the ones the server offers. */
	error_set(err, ERR_USAGE, _("The server does not offer the %s login; it offers: %s. Choose one with 'ezrizi login --method'."),
		  oauth_method_name(l->method), list);
	free(list);
	return false;
}

static bool
take(struct login *l, struct error *err)
{
	switch (l->method) {
	case OAUTH_PASSWORD:
		return password_login(l, err);
	case OAUTH_CLIENT:
		return client_login(l, err);
	case OAUTH_BROWSER:
		return browser_login(l, err);
	case OAUTH_DEVICE:
		return device_login(l, err);
	case OAUTH_AUTO:
		break;
	}
	return false;
}

bool
login_run(struct session *s, const struct login_opts *o, struct error *err)
{
	const char *client_id = config_get(s->cfg, "client_id");
	struct login l = { .s = s, .o = o, .client_id = client_id != NULL ? client_id : "ezrizi" };
	bool ok;

	session_reset_login(s);
	if (!session_discover(s, &l.meta, err))
		return false;
	ok = choose(&l, o->method, err) && take(&l, err);
	if (!ok && err->kind == ERR_AUTH && !oauth_meta_can(&l.meta, l.method) && l.method != OAUTH_AUTO)
		name_offered(&l, err);
	if (ok) {
		struct error ignored;

		error_clear(&ignored);
		/* The token answer did not say who you are: the userinfo endpoint may. */
		if (s->me_type == NULL && s->userinfo_endpoint != NULL)
			session_userinfo(s, &ignored);
		s->login_method = l.method;
		if (s->login_user == NULL)
			s->login_user = s->me_type != NULL ? xasprintf("%s/%s", s->me_type, s->me_id)
							   : xstrdup(l.client_id);
		ok = session_save_login(s, err);
	} else {
		session_restore_login(s);
	}
	oauth_meta_finish(&l.meta);
	return ok;
}
