/* oauth.c - the OAuth 2 pieces of logging in; see include/core/oauth.h. */
#include "core/oauth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/sanitize.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

/* The longest code, state or pasted line taken (bytes). */
#define OAUTH_TEXT_MAX 8192

static const char *const method_names[OAUTH_NMETHODS] = {
	[OAUTH_AUTO] = "auto", [OAUTH_PASSWORD] = "password", [OAUTH_BROWSER] = "browser",
	[OAUTH_DEVICE] = "device", [OAUTH_CLIENT] = "client",
};

const char *
oauth_method_name(enum oauth_method m)
{
	return (unsigned)m < OAUTH_NMETHODS ? method_names[m] : "?";
}

bool
oauth_method_parse(const char *s, enum oauth_method *m)
{
	for (int i = 0; s != NULL && i < OAUTH_NMETHODS; i++) {
		if (strcmp(s, method_names[i]) == 0) {
			*m = (enum oauth_method)i;
			return true;
		}
	}
	return false;
}

/* ---- discovery ---- */

static const char *
str_member(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *
url_member(const cJSON *obj, const char *key)
{
	const char *v = str_member(obj, key);

	if (v == NULL || strlen(v) > OAUTH_TEXT_MAX ||
	    !(ascii_prefix_nocase(v, "https://") || ascii_prefix_nocase(v, "http://")))
		return NULL;
	return xstrdup(v);
}

/* True when the array `key` of obj holds the string s. */
static bool
lists(const cJSON *obj, const char *key, const char *s)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key), *it;

	cJSON_ArrayForEach(it, arr) {
		if (cJSON_IsString(it) && strcmp(it->valuestring, s) == 0)
			return true;
	}
	return false;
}

static unsigned
offered_of(const cJSON *root, const struct oauth_meta *m)
{
	static const struct { const char *grant; enum oauth_method method; } grants[] = {
		{ "password", OAUTH_PASSWORD }, { "authorization_code", OAUTH_BROWSER },
		{ OAUTH_GRANT_DEVICE, OAUTH_DEVICE }, { "client_credentials", OAUTH_CLIENT },
	};
	unsigned offered = 0;

	if (!m->grants_listed) {
		offered = 1u << OAUTH_PASSWORD | 1u << OAUTH_CLIENT;
		if (m->authorization_endpoint != NULL)
			offered |= 1u << OAUTH_BROWSER;
		if (m->device_endpoint != NULL)
			offered |= 1u << OAUTH_DEVICE;
		return offered;
	}
	for (size_t i = 0; i < sizeof grants / sizeof grants[0]; i++) {
		if (lists(root, "grant_types_supported", grants[i].grant))
			offered |= 1u << grants[i].method;
	}
	return offered;
}

bool
oauth_meta_parse(const char *body, size_t len, struct oauth_meta *m, struct error *err)
{
	cJSON *root;

	memset(m, 0, sizeof *m);
	root = json_parse(body, len, _("The server's SMART configuration"), err);
	if (root == NULL)
		return false;
	m->token_endpoint = url_member(root, "token_endpoint");
	if (m->token_endpoint == NULL) {
		cJSON_Delete(root);
		return error_set(err, ERR_AUTH, _("The server's SMART configuration names no token endpoint."));
	}
	m->authorization_endpoint = url_member(root, "authorization_endpoint");
	m->device_endpoint = url_member(root, "device_authorization_endpoint");
	m->userinfo_endpoint = url_member(root, "userinfo_endpoint");
	m->grants_listed = cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "grant_types_supported"));
	m->s256 = !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "code_challenge_methods_supported")) ||
		  lists(root, "code_challenge_methods_supported", "S256");
	m->offered = offered_of(root, m);
	cJSON_Delete(root);
	return true;
}

void
oauth_meta_finish(struct oauth_meta *m)
{
	free(m->token_endpoint);
	free(m->authorization_endpoint);
	free(m->device_endpoint);
	free(m->userinfo_endpoint);
	memset(m, 0, sizeof *m);
}

bool
oauth_meta_can(const struct oauth_meta *m, enum oauth_method method)
{
	if (method == OAUTH_AUTO || !(m->offered & (1u << method)))
		return false;
	if (method == OAUTH_BROWSER)
		return m->authorization_endpoint != NULL && m->s256;
	if (method == OAUTH_DEVICE)
		return m->device_endpoint != NULL;
	return true;
}

char *
oauth_method_list(unsigned offered)
{
	static const enum oauth_method order[] = { OAUTH_PASSWORD, OAUTH_BROWSER, OAUTH_DEVICE, OAUTH_CLIENT };
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		if (!(offered & (1u << order[i])))
			continue;
		if (b.len > 0)
			buf_adds(&b, ", ");
		buf_adds(&b, method_names[order[i]]);
	}
	if (b.len == 0)
		buf_adds(&b, "none");
	return buf_steal(&b);
}

/* ---- PKCE ---- */

static void
base64url(const unsigned char *bin, size_t len, char *out, size_t outlen)
{
	sodium_bin2base64(out, outlen, bin, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void
oauth_pkce_challenge(const char *verifier, char out[static 44])
{
	unsigned char hash[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(hash, (const unsigned char *)verifier, strlen(verifier));
	base64url(hash, sizeof hash, out, 44);
}

void
oauth_pkce_init(struct oauth_pkce *p)
{
	unsigned char rnd[32];
	char text[44];

	randombytes_buf(rnd, sizeof rnd);
	base64url(rnd, sizeof rnd, text, sizeof text);
	p->verifier = secret_create(text, strlen(text));
	oauth_pkce_challenge(p->verifier->data, p->challenge);
	randombytes_buf(rnd, 16);
	base64url(rnd, 16, p->state, sizeof p->state);
	sodium_memzero(rnd, sizeof rnd);
	sodium_memzero(text, sizeof text);
}

void
oauth_pkce_finish(struct oauth_pkce *p)
{
	secret_destroy(p->verifier);
	sodium_memzero(p, sizeof *p);
}

void
oauth_form_add(struct buf *b, const char *key, const char *value)
{
	char *v = http_escape(value);

	if (b->len > 0)
		buf_addc(b, '&');
	buf_adds(b, key);
	buf_addc(b, '=');
	buf_adds(b, v);
	sodium_memzero(v, strlen(v));
	free(v);
}

static void
query_add(struct buf *b, const char *key, const char *value)
{
	char *v = http_escape(value);

	buf_addf(b, "&%s=%s", key, v);
	free(v);
}

char *
oauth_authorize_url(const struct oauth_authorize *a)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, a->endpoint);
	buf_adds(&b, strchr(a->endpoint, '?') != NULL ? "&" : "?");
	buf_adds(&b, "response_type=code");
	query_add(&b, "client_id", a->client_id);
	query_add(&b, "redirect_uri", a->redirect_uri);
	query_add(&b, "scope", a->scope);
	query_add(&b, "state", a->state);
	query_add(&b, "code_challenge", a->challenge);
	query_add(&b, "code_challenge_method", "S256");
	return buf_steal(&b);
}

/* ---- what comes back ---- */

/* Decodes s[0..n) into a new string; NULL when it holds a NUL byte. */
static char *
query_decode(const char *s, size_t n)
{
	struct buf b;

	buf_init(&b);
	buf_add(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (s[i] == '+') {
			buf_addc(&b, ' ');
		} else if (s[i] == '%' && i + 2 < n && (hi = ascii_hex_value((unsigned char)s[i + 1])) >= 0 &&
			   (lo = ascii_hex_value((unsigned char)s[i + 2])) >= 0) {
			if (hi == 0 && lo == 0) {
				sodium_memzero(b.data, b.len);
				buf_finish(&b);
				return NULL;
			}
			buf_addc(&b, (char)(hi << 4 | lo));
			i += 2;
		} else {
			buf_addc(&b, s[i]);
		}
	}
	return buf_steal(&b);
}

char *
oauth_query_get(const char *query, const char *key)
{
	size_t klen = strlen(key);
	const char *p = query;

	while (p != NULL && *p != '\0') {
		const char *end = strchr(p, '&'), *eq;
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);

		eq = memchr(p, '=', n);
		if (eq != NULL && (size_t)(eq - p) == klen && memcmp(p, key, klen) == 0)
			return query_decode(eq + 1, n - klen - 1);
		p = end != NULL ? end + 1 : NULL;
	}
	return NULL;
}

/* A code pasted alone: printable ASCII without spaces, not an address. */
static bool
bare_code_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > OAUTH_TEXT_MAX || strstr(s, "://") != NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	}
	return true;
}

/* The server's words, safe for a terminal and short: new string. */
static char *
server_words(const char *s)
{
	char *clean, *cut;
	int used;

	if (s == NULL || s[0] == '\0')
		return NULL;
	clean = sanitize_display(s, strlen(s) > OAUTH_TEXT_MAX ? OAUTH_TEXT_MAX : (size_t)-1, 0);
	cut = display_truncate(clean, 200, &used);
	if (strlen(cut) < strlen(clean)) {
		char *more = xasprintf("%s…", cut);

		free(cut);
		cut = more;
	}
	free(clean);
	return cut;
}

static struct secret *
code_from_query(const char *query, const char *state, struct error *err)
{
	char *e = oauth_query_get(query, "error"), *code, *st;
	struct secret *sec = NULL;

	if (e != NULL) {
		char *d = oauth_query_get(query, "error_description");
		char *we = server_words(e), *wd = server_words(d);

		if (strcmp(e, "access_denied") == 0)
			error_set(err, ERR_AUTH, _("The login was denied in the browser; nothing was changed. (The server said: %s)"),
				  wd != NULL ? wd : we);
		else if (wd != NULL)
			/* TRANSLATORS: %s is the server's error code, then its description. */
			error_set(err, ERR_AUTH, _("The server refused the login in the browser (%s: %s); run 'ezrizi login' again."),
				  we, wd);
		else
			/* TRANSLATORS: %s is the server's error code, e.g. invalid_request. */
			error_set(err, ERR_AUTH, _("The server refused the login in the browser (%s); run 'ezrizi login' again."), we);
		free(e);
		free(d);
		free(we);
		free(wd);
		return NULL;
	}
	code = oauth_query_get(query, "code");
	st = oauth_query_get(query, "state");
	if (code == NULL || code[0] == '\0')
		error_set(err, ERR_AUTH, _("That address holds no login code; paste the whole address the browser ends on, or only the code."));
	else if (st == NULL)
		error_set(err, ERR_AUTH, _("That address holds no state, so it is not the answer to this login; nothing was changed. Run 'ezrizi login' again."));
	else if (strlen(st) != strlen(state) || sodium_memcmp(st, state, strlen(state)) != 0)
		error_set(err, ERR_AUTH, _("That answer belongs to another login (its state differs); nothing was changed. Run 'ezrizi login' again."));
	else if (strlen(code) > OAUTH_TEXT_MAX)
		error_set(err, ERR_AUTH, _("The login code is too long to be one; run 'ezrizi login' again."));
	else
		sec = secret_create(code, strlen(code));
	if (code != NULL) {
		sodium_memzero(code, strlen(code));
		free(code);
	}
	free(st);
	return sec;
}

struct secret *
oauth_redirect_code(const char *text, const char *state, struct error *err)
{
	size_t n = strlen(text);
	const char *start = text, *q;
	char *t;
	struct secret *sec;

	while (n > 0 && (start[0] == ' ' || start[0] == '\t')) {
		start++;
		n--;
	}
	while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t' || start[n - 1] == '\r' ||
			 start[n - 1] == '\n'))
		n--;
	if (n > OAUTH_TEXT_MAX) {
		error_set(err, ERR_AUTH, _("That is too long to be a login address or code; paste the address the browser ends on."));
		return NULL;
	}
	t = xstrndup(start, n);
	t[strcspn(t, "#")] = '\0';
	if ((q = strchr(t, '?')) != NULL)
		sec = code_from_query(q + 1, state, err);
	else if (strchr(t, '=') != NULL)
		sec = code_from_query(t, state, err);
	else if (bare_code_ok(t))
		sec = secret_create(t, strlen(t));
	else {
		sec = NULL;
		error_set(err, ERR_AUTH, _("That is neither a login address nor a code; paste the whole address the browser ends on, or only the code."));
	}
	sodium_memzero(t, n);
	free(t);
	return sec;
}

/* ---- the device grant ---- */

bool
oauth_device_parse(const char *body, size_t len, struct oauth_device *d, struct error *err)
{
	cJSON *root;
	const char *dc, *uc;
	const cJSON *v;

	memset(d, 0, sizeof *d);
	root = json_parse(body, len, _("The server's device authorization answer"), err);
	if (root == NULL)
		return false;
	dc = str_member(root, "device_code");
	uc = str_member(root, "user_code");
	d->verification_uri = url_member(root, "verification_uri");
	d->verification_uri_complete = url_member(root, "verification_uri_complete");
	if (dc == NULL || dc[0] == '\0' || strlen(dc) > OAUTH_TEXT_MAX || uc == NULL || uc[0] == '\0' ||
	    strlen(uc) > 64 || d->verification_uri == NULL) {
		cJSON_Delete(root);
		oauth_device_finish(d);
		return error_set(err, ERR_FAILED, _("The server's device authorization answer lacks the device code, the user code or the address; ask the server's administrator."));
	}
	d->device_code = secret_create(dc, strlen(dc));
	sodium_memzero((char *)dc, strlen(dc));
	d->user_code = xstrdup(uc);
	v = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
	d->expires_in = cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 86400 ? (long)v->valuedouble : 600;
	v = cJSON_GetObjectItemCaseSensitive(root, "interval");
	d->interval = cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 600 ? (long)v->valuedouble : 5;
	cJSON_Delete(root);
	return true;
}

void
oauth_device_finish(struct oauth_device *d)
{
	secret_destroy(d->device_code);
	free(d->user_code);
	free(d->verification_uri);
	free(d->verification_uri_complete);
	memset(d, 0, sizeof *d);
}

/* ---- refusals ---- */

const char *
oauth_error_code(const cJSON *answer)
{
	const char *e = answer != NULL ? str_member(answer, "error") : NULL;

	return e != NULL ? e : "";
}

/* The sentence for a refusal: what went wrong and what to do. */
static void
refusal(long status, const char *code, enum oauth_method m, struct error *err)
{
	if (strcmp(code, "invalid_grant") == 0 && m == OAUTH_PASSWORD)
		error_set(err, ERR_AUTH, _("The server refused the login: wrong username or password; check them and log in again."));
	else if (strcmp(code, "invalid_grant") == 0 && (m == OAUTH_BROWSER || m == OAUTH_DEVICE))
		error_set(err, ERR_AUTH, _("The server refused the login code (it may have expired or been used already); run 'ezrizi login' again."));
	else if (strcmp(code, "invalid_grant") == 0)
		error_set(err, ERR_AUTH, _("The server refused the login: the session has ended; log in again with 'ezrizi login'."));
	else if (strcmp(code, "invalid_client") == 0 || status == 401)
		error_set(err, ERR_AUTH, _("The server refused this client's id or secret; check client_id and the client secret."));
	else if (strcmp(code, "unsupported_grant_type") == 0 || strcmp(code, "unauthorized_client") == 0)
		/* TRANSLATORS: %s is a login method: password, browser, device or client. */
		error_set(err, ERR_AUTH, _("The server does not accept this way of logging in (%s); choose another with 'ezrizi login --method'."),
			  oauth_method_name(m));
	else if (strcmp(code, "access_denied") == 0)
		error_set(err, ERR_AUTH, _("The login was denied; nothing was changed."));
	else if (strcmp(code, "expired_token") == 0)
		error_set(err, ERR_AUTH, _("The login code expired before the login was completed; run 'ezrizi login' again."));
	else if (strcmp(code, "invalid_scope") == 0)
		error_set(err, ERR_AUTH, _("The server refused the access ezrizi asks for (%s); ask the server's administrator."), OAUTH_SCOPE);
	else if (status >= 500)
		error_set(err, ERR_NETWORK, _("The login server failed (HTTP %ld); try again later."), status);
	else
		error_set(err, ERR_AUTH, _("The login failed (HTTP %ld); check the server address and your account."), status);
}

bool
oauth_token_error(long status, const cJSON *answer, enum oauth_method m, struct error *err)
{
	struct error e;
	char *words;

	error_clear(&e);
	refusal(status, oauth_error_code(answer), m, &e);
	e.http_status = (int)status;
	words = server_words(answer != NULL ? str_member(answer, "error_description") : NULL);
	if (words != NULL) {
		char *msg = xstrdup(e.msg);

		error_clear(&e);
		/* TRANSLATORS: the first %s is a sentence, the second the server's own words. */
		error_set(&e, status >= 500 ? ERR_NETWORK : ERR_AUTH, _("%s (The server said: %s)"), msg, words);
		e.http_status = (int)status;
		free(msg);
		free(words);
	}
	if (err != NULL && err->kind == ERR_NONE)
		*err = e;
	return false;
}

/* ---- who ---- */

/* A reference as a string, or a Reference {reference, display}. */
static void
take_ref(const cJSON *v, struct oauth_who *w)
{
	if (cJSON_IsString(v) && v->valuestring[0] != '\0') {
		w->ref = xstrdup(v->valuestring);
	} else if (cJSON_IsObject(v)) {
		const char *r = str_member(v, "reference"), *d = str_member(v, "display");

		if (r != NULL && r[0] != '\0') {
			w->ref = xstrdup(r);
			if (d != NULL && w->name == NULL)
				w->name = xstrdup(d);
		}
	}
}

/* The id token's payload, parsed, or NULL. */
static cJSON *
id_token_claims(const cJSON *answer)
{
	const char *idt = str_member(answer, "id_token"), *p, *q;
	size_t max, binlen;
	unsigned char *bin;
	cJSON *claims = NULL;

	if (idt == NULL || (p = strchr(idt, '.')) == NULL)
		return NULL;
	p++;
	q = strchr(p, '.');
	if (q == NULL)
		q = p + strlen(p);
	max = (size_t)(q - p);
	if (max > 64 * 1024)
		return NULL;
	bin = xmalloc(max + 1);
	if (sodium_base642bin(bin, max, p, (size_t)(q - p), "=", &binlen, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0) {
		struct error e;

		error_clear(&e);
		claims = json_parse((const char *)bin, binlen, "id_token", &e);
	}
	free(bin);
	return claims;
}

void
oauth_who_of_token(const cJSON *answer, struct oauth_who *w)
{
	cJSON *claims = id_token_claims(answer);
	const char *s;

	memset(w, 0, sizeof *w);
	take_ref(cJSON_GetObjectItemCaseSensitive(answer, "fhirUser"), w);
	if (w->ref == NULL)
		take_ref(cJSON_GetObjectItemCaseSensitive(answer, "profile"), w);
	if (claims != NULL) {
		if (w->ref == NULL)
			take_ref(cJSON_GetObjectItemCaseSensitive(claims, "fhirUser"), w);
		if (w->name == NULL && (s = str_member(claims, "name")) != NULL)
			w->name = xstrdup(s);
		if ((s = str_member(claims, "preferred_username")) != NULL || (s = str_member(claims, "sub")) != NULL)
			w->username = xstrdup(s);
		cJSON_Delete(claims);
	}
}

void
oauth_who_of_userinfo(const cJSON *answer, struct oauth_who *w)
{
	const char *s;

	memset(w, 0, sizeof *w);
	take_ref(cJSON_GetObjectItemCaseSensitive(answer, "fhirUser"), w);
	if (w->ref == NULL)
		take_ref(cJSON_GetObjectItemCaseSensitive(answer, "profile"), w);
	if (w->name == NULL && (s = str_member(answer, "name")) != NULL)
		w->name = xstrdup(s);
	if ((s = str_member(answer, "preferred_username")) != NULL || (s = str_member(answer, "sub")) != NULL)
		w->username = xstrdup(s);
}

void
oauth_who_finish(struct oauth_who *w)
{
	free(w->ref);
	free(w->name);
	free(w->username);
	memset(w, 0, sizeof *w);
}
