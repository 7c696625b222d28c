/* session.c - credentials and the stored login; see include/core/session.h. */
#include "core/session.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "core/date.h"
#include "core/fsutil.h"
#include "core/vault.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

static void
http_settings_from_config(struct http_settings *hs, const struct config *cfg)
{
	http_settings_default(hs);
	hs->ca_file = config_get(cfg, "ca_file");
	hs->connect_timeout = config_get_long(cfg, "connect_timeout", hs->connect_timeout);
	hs->low_speed_time = config_get_long(cfg, "low_speed_time", hs->low_speed_time);
	hs->max_response = (size_t)config_get_long(cfg, "max_response_mb", 32) * 1024 * 1024;
	hs->retries = (int)config_get_long(cfg, "retries", hs->retries);
	hs->allow_insecure_http = config_get(cfg, "allow_insecure_http") != NULL &&
				  strcmp(config_get(cfg, "allow_insecure_http"), "yes") == 0;
	hs->max_wait = config_get_long(cfg, "max_wait", hs->max_wait);
}

/* Splits "Practitioner/12" or ".../fhir/R4/Practitioner/12" into type and id. */
static bool
split_reference(const char *ref, char **type, char **id)
{
	const char *slash, *prev;

	if (ref == NULL || (slash = strrchr(ref, '/')) == NULL || slash[1] == '\0')
		return false;
	prev = slash;
	while (prev > ref && prev[-1] != '/')
		prev--;
	if (prev == slash)
		return false;
	*type = xstrndup(prev, (size_t)(slash - prev));
	*id = xstrdup(slash + 1);
	return true;
}

static void
set_me(struct session *s, const char *fhir_user)
{
	char *type, *id;

	if (!split_reference(fhir_user, &type, &id))
		return;
	free(s->me_type);
	free(s->me_id);
	s->me_type = type;
	s->me_id = id;
}

#define LOGIN_TYPE "login"
#define LOGIN_ID "login"

/* Opens the profile's store when it can be without asking more than once. */
static bool
open_store(struct session *s, bool create, struct error *err)
{
	bool may_ask = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);

	if (s->store != NULL)
		return true;
	error_clear(&s->store_err);
	s->store = create ? vault_open_or_create(s->cfg, may_ask, &s->store_err)
			  : vault_open(s->cfg, may_ask, &s->store_err);
	if (s->store == NULL && err != NULL && s->store_err.kind != ERR_NOT_FOUND)
		*err = s->store_err;
	return s->store != NULL;
}

/* Reads the stored login, if it is for this server. */
static void
load_stored(struct session *s)
{
	struct error err;
	void *data;
	size_t len;
	cJSON *root;
	struct json_ctx ctx = { "login", "", &err, false };
	const char *server, *access, *refresh;

	error_clear(&err);
	if (s->store == NULL || !store_get(s->store, LOGIN_TYPE, LOGIN_ID, &data, &len, NULL, &err))
		return;
	root = json_parse(data, len, _("The stored login"), &err);
	store_free(data, len);
	if (root == NULL)
		return;
	server = json_str(&ctx, root, "server");
	access = json_str(&ctx, root, "access_token");
	refresh = json_str(&ctx, root, "refresh_token");
	if (!ctx.failed && server != NULL && strcmp(server, s->base) == 0 && access != NULL) {
		s->auth = AUTH_LOGIN;
		s->access = secret_create(access, strlen(access));
		if (refresh != NULL)
			s->refresh = secret_create(refresh, strlen(refresh));
		s->expires_at = (time_t)json_num(&ctx, root, "expires_at", 0);
		s->token_endpoint = xstrdup(json_str(&ctx, root, "token_endpoint"));
		s->login_user = xstrdup(json_str(&ctx, root, "user"));
		s->unlock_hash = xstrdup(json_str(&ctx, root, "unlock_hash"));
		set_me(s, json_str(&ctx, root, "fhir_user"));
	}
	/* Wipe the tokens' copies in the tree before it goes. */
	if (access != NULL)
		sodium_memzero((char *)access, strlen(access));
	if (refresh != NULL)
		sodium_memzero((char *)refresh, strlen(refresh));
	cJSON_Delete(root);
}

static bool
save_stored(struct session *s, struct error *err)
{
	struct store_rec r = { .type = LOGIN_TYPE, .id = LOGIN_ID, .version = "" };
	cJSON *root;
	char *text;
	bool ok;

	if (s->store == NULL && !open_store(s, true, err))
		return false;
	root = cJSON_CreateObject();
	json_put_str(root, "server", s->base);
	json_put_str(root, "token_endpoint", s->token_endpoint);
	json_put_str(root, "user", s->login_user);
	json_put_str(root, "access_token", s->access->data);
	if (s->refresh != NULL)
		json_put_str(root, "refresh_token", s->refresh->data);
	json_put(root, "expires_at", cJSON_CreateNumber((double)s->expires_at));
	if (s->unlock_hash != NULL)
		json_put_str(root, "unlock_hash", s->unlock_hash);
	if (s->me_type != NULL && s->me_id != NULL) {
		char *ref = xasprintf("%s/%s", s->me_type, s->me_id);

		json_put_str(root, "fhir_user", ref);
		free(ref);
	}
	text = json_print(root);
	r.data = text;
	r.len = strlen(text);
	ok = store_put(s->store, &r, err);
	sodium_memzero(text, strlen(text));
	cJSON_free(text);
	cJSON_Delete(root);
	return ok;
}

static bool
load_credentials(struct session *s, struct error *err)
{
	const char *env = getenv("EZRIZI_TOKEN");
	const char *file = config_get(s->cfg, "token_file");

	if (env != NULL && env[0] != '\0') {
		s->auth = AUTH_ENV;
		s->access = secret_create(env, strlen(env));
		return true;
	}
	if (file != NULL) {
		s->access = secret_from_file(file, err);
		if (s->access == NULL)
			return false;
		s->auth = AUTH_FILE;
		return true;
	}
	/* The stored login is in the encrypted store: a locked store is not an
	 * error here; a call to the server says how to unlock it. */
	open_store(s, false, NULL);
	load_stored(s);
	return true;
}

bool
session_init(struct session *s, struct config *cfg, struct error *err)
{
	struct http_settings hs;
	const char *server = config_get(cfg, "server");
	size_t n;

	memset(s, 0, sizeof *s);
	s->cfg = cfg;
	if (server == NULL) {
		return error_set(err, ERR_USAGE,
				 _("No server is set; use --server URL, EZRIZI_SERVER, or 'server = URL' in the config."));
	}
	s->base = xstrdup(server);
	n = strlen(s->base);
	while (n > 0 && s->base[n - 1] == '/')
		s->base[--n] = '\0';
	http_settings_from_config(&hs, cfg);
	/* Before anything is read or sent: no token in the clear by accident. */
	if (!http_url_check(&hs, s->base, err))
		return false;
	s->warning = http_clear_warning(s->base);
	s->http = http_create(&hs);
	return load_credentials(s, err);
}

void
session_finish(struct session *s)
{
	http_destroy(s->http);
	secret_destroy(s->access);
	secret_destroy(s->refresh);
	free(s->base);
	free(s->token_endpoint);
	free(s->login_user);
	free(s->me_type);
	free(s->me_id);
	free(s->unlock_hash);
	free(s->warning);
	store_close(s->store);
	memset(s, 0, sizeof *s);
}

const char *
session_practitioner(struct session *s, const char *id, struct error *err)
{
	const char *conf;

	if (id != NULL && strcmp(id, "me") != 0)
		return id;
	if (s->me_id != NULL && s->me_type != NULL && strcmp(s->me_type, "Practitioner") == 0)
		return s->me_id;
	conf = config_get(s->cfg, "practitioner");
	if (conf != NULL)
		return conf;
	if (s->access == NULL && s->store == NULL && s->store_err.kind != ERR_NONE &&
	    s->store_err.kind != ERR_NOT_FOUND) {
		/* The login that says who we are is in the store, and it did not open. */
		if (err != NULL)
			*err = s->store_err;
		return NULL;
	}
	if (s->access == NULL && s->store != NULL && store_met_damage(s->store, err))
		return NULL;   /* the stored login may be what could not be read */
	error_set(err, ERR_USAGE,
		  _("ezrizi does not know which counsellor you are; log in with 'ezrizi login', or set 'practitioner = ID' in the config."));
	return NULL;
}

/* ---- OAuth2 ---- */

static bool
discover(struct session *s, struct error *err)
{
	struct http_request_opts o = { .method = "GET", .accept = "application/json", .idempotent = true };
	struct http_response resp;
	struct json_ctx ctx = { "smart-configuration", "", err, false };
	cJSON *root;
	const char *ep;
	char *url = xasprintf("%s/.well-known/smart-configuration", s->base);
	bool ok;

	if (s->token_endpoint != NULL) {
		free(url);
		return true;
	}
	o.url = url;
	ok = http_request_sync(s->http, &o, &resp, err);
	free(url);
	if (!ok)
		return false;
	if (resp.status != 200) {
		http_response_finish(&resp);
		return error_set(err, ERR_AUTH,
				 _("The server does not offer a login ezrizi can drive (no SMART configuration); get a token another way and put it in EZRIZI_TOKEN or token_file."));
	}
	root = json_parse(resp.body, resp.body_len, _("The server's SMART configuration"), err);
	http_response_finish(&resp);
	if (root == NULL)
		return false;
	ep = json_str(&ctx, root, "token_endpoint");
	if (ep == NULL || !(ascii_prefix_nocase(ep, "https://") || ascii_prefix_nocase(ep, "http://"))) {
		cJSON_Delete(root);
		return error_set(err, ERR_AUTH, _("The server's SMART configuration names no token endpoint."));
	}
	s->token_endpoint = xstrdup(ep);
	cJSON_Delete(root);
	return true;
}

/* Appends "&key=value" with the value escaped; the buffer may hold secrets. */
static void
form_add(struct buf *b, const char *key, const char *value)
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

static const char *
fhir_user_of(const cJSON *root, char **decoded)
{
	const cJSON *fu = cJSON_GetObjectItemCaseSensitive(root, "fhirUser");
	const cJSON *idt = cJSON_GetObjectItemCaseSensitive(root, "id_token");
	const char *p, *q;
	unsigned char bin[4096];
	size_t binlen;
	cJSON *claims;

	*decoded = NULL;
	if (cJSON_IsString(fu))
		return fu->valuestring;
	if (!cJSON_IsString(idt) || (p = strchr(idt->valuestring, '.')) == NULL)
		return NULL;
	p++;
	q = strchr(p, '.');
	if (q == NULL)
		q = p + strlen(p);
	if (sodium_base642bin(bin, sizeof bin - 1, p, (size_t)(q - p), NULL, &binlen, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return NULL;
	claims = cJSON_ParseWithLength((const char *)bin, binlen);
	if (claims != NULL) {
		fu = cJSON_GetObjectItemCaseSensitive(claims, "fhirUser");
		if (cJSON_IsString(fu))
			*decoded = xstrdup(fu->valuestring);
		cJSON_Delete(claims);
	}
	return *decoded;
}

static bool
token_error(long status, const cJSON *root, struct error *err)
{
	const cJSON *e = root != NULL ? cJSON_GetObjectItemCaseSensitive(root, "error") : NULL;
	const char *code = cJSON_IsString(e) ? e->valuestring : "";

	if (strcmp(code, "invalid_grant") == 0)
		return error_set(err, ERR_AUTH, _("The server refused the login: wrong username or password, or the session has ended; log in again."));
	if (strcmp(code, "invalid_client") == 0 || status == 401)
		return error_set(err, ERR_AUTH, _("The server refused this client's id or secret; check client_id and the client secret."));
	if (status >= 500)
		return error_set(err, ERR_NETWORK, _("The login server failed (HTTP %ld); try again later."), status);
	return error_set(err, ERR_AUTH, _("The login failed (HTTP %ld); check the server address and your account."), status);
}

/* POSTs the form to the token endpoint and takes the tokens from the answer. */
static bool
token_request(struct session *s, struct buf *form, struct error *err)
{
	struct http_request_opts o = {
		.method = "POST", .accept = "application/json",
		.content_type = "application/x-www-form-urlencoded",
	};
	struct http_response resp;
	cJSON *root = NULL;
	const cJSON *at, *rt, *exp;
	char *decoded;
	long status;
	bool ok;

	o.url = s->token_endpoint;
	o.body = form->data;
	o.body_len = form->len;
	ok = http_request_sync(s->http, &o, &resp, err);
	sodium_memzero(form->data, form->len);
	if (!ok)
		return false;
	status = resp.status;
	if (resp.body_len > 0)
		root = cJSON_ParseWithLength(resp.body, resp.body_len);
	sodium_memzero(resp.body, resp.body_len);
	http_response_finish(&resp);
	at = root != NULL ? cJSON_GetObjectItemCaseSensitive(root, "access_token") : NULL;
	if (status != 200 || !cJSON_IsString(at)) {
		token_error(status, root, err);
		cJSON_Delete(root);
		return false;
	}
	secret_destroy(s->access);
	s->access = secret_create(at->valuestring, strlen(at->valuestring));
	rt = cJSON_GetObjectItemCaseSensitive(root, "refresh_token");
	if (cJSON_IsString(rt)) {
		secret_destroy(s->refresh);
		s->refresh = secret_create(rt->valuestring, strlen(rt->valuestring));
	}
	exp = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
	s->expires_at = cJSON_IsNumber(exp) ? clock_now() + (time_t)exp->valuedouble : 0;
	set_me(s, fhir_user_of(root, &decoded));
	free(decoded);
	/* Wipe the tokens' copies inside the tree before it goes. */
	sodium_memzero(at->valuestring, strlen(at->valuestring));
	if (cJSON_IsString(rt))
		sodium_memzero(rt->valuestring, strlen(rt->valuestring));
	cJSON_Delete(root);
	s->auth = AUTH_LOGIN;
	return true;
}

bool
session_refresh(struct session *s, struct error *err)
{
	struct buf form;
	const char *client_id = config_get(s->cfg, "client_id");
	bool ok;

	if (s->auth != AUTH_LOGIN || s->refresh == NULL || s->token_endpoint == NULL)
		return false;
	buf_init(&form);
	form_add(&form, "grant_type", "refresh_token");
	form_add(&form, "refresh_token", s->refresh->data);
	form_add(&form, "client_id", client_id != NULL ? client_id : "ezrizi");
	ok = token_request(s, &form, err);
	buf_finish(&form);
	return ok && save_stored(s, err);
}

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
	sec = secret_prompt(prompt, err);
	free(prompt);
	return sec;
}

bool
session_login(struct session *s, const char *username, bool client, struct error *err)
{
	const char *client_id = config_get(s->cfg, "client_id");
	struct secret *sec;
	struct buf form;
	bool ok;

	if (username == NULL)
		username = config_get(s->cfg, "username");
	if (!client && username == NULL)
		return error_set(err, ERR_USAGE, _("No username; use 'ezrizi login --user NAME' or set 'username' in the config."));
	if (client && client_id == NULL)
		return error_set(err, ERR_USAGE, _("No client id; set 'client_id' in the config."));
	free(s->token_endpoint);
	s->token_endpoint = NULL;
	if (!discover(s, err))
		return false;
	sec = client ? client_secret(s, err) : user_password(s, username, err);
	if (sec == NULL)
		return false;
	buf_init(&form);
	if (client) {
		form_add(&form, "grant_type", "client_credentials");
		form_add(&form, "client_id", client_id);
		form_add(&form, "client_secret", sec->data);
	} else {
		form_add(&form, "grant_type", "password");
		form_add(&form, "username", username);
		form_add(&form, "password", sec->data);
		form_add(&form, "client_id", client_id != NULL ? client_id : "ezrizi");
	}
	free(s->unlock_hash);
	s->unlock_hash = NULL;
	if (!client) {
		/* Kept to unlock the screen with no network; Argon2id, never the password. */
		char hash[crypto_pwhash_STRBYTES];

		if (crypto_pwhash_str(hash, sec->data, sec->len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				      crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0)
			s->unlock_hash = xstrdup(hash);
	}
	secret_destroy(sec);
	secret_destroy(s->refresh);
	s->refresh = NULL;
	ok = token_request(s, &form, err);
	buf_finish(&form);
	if (!ok)
		return false;
	free(s->login_user);
	s->login_user = xstrdup(client ? client_id : username);
	return save_stored(s, err);
}

bool
session_logout(struct session *s, struct error *err)
{
	struct error e;

	error_clear(&e);
	if (s->store != NULL && !store_delete(s->store, LOGIN_TYPE, LOGIN_ID, &e) && e.kind != ERR_NOT_FOUND) {
		*err = e;
		return false;
	}
	secret_destroy(s->access);
	secret_destroy(s->refresh);
	s->access = s->refresh = NULL;
	s->auth = AUTH_NONE;
	return true;
}

bool
session_check_password(const struct session *s, const char *pw, size_t len)
{
	if (s->unlock_hash == NULL)
		return false;
	return crypto_pwhash_str_verify(s->unlock_hash, pw, len) == 0;
}
