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

#include "core/agent.h"
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

static bool
set_me(struct session *s, const char *fhir_user)
{
	char *type, *id;

	if (!split_reference(fhir_user, &type, &id))
		return false;
	if (s->me_type != NULL && s->me_id != NULL && strcmp(s->me_type, type) == 0 &&
	    strcmp(s->me_id, id) == 0) {
		/* The same person (a refreshed token): the strings stay, for a
		 * command that holds them across its wait (session_practitioner). */
		free(type);
		free(id);
		return true;
	}
	free(s->me_type);
	free(s->me_id);
	s->me_type = type;
	s->me_id = id;
	return true;
}

#define LOGIN_TYPE "login"
#define LOGIN_ID "login"

/* Opens the profile's store when it can be without asking more than once
 * (the front end's hooks ask, where they can: a person at the terminal). */
static bool
open_store(struct session *s, bool create, struct error *err)
{
	if (s->store != NULL)
		return true;
	error_clear(&s->store_err);
	s->store = create ? vault_open_or_create(s->cfg, s->front, &s->store_err)
			  : vault_open(s->cfg, s->front, &s->store_err);
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
	const char *server, *access, *refresh, *method;

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
		s->userinfo_endpoint = xstrdup(json_str(&ctx, root, "userinfo_endpoint"));
		s->login_user = xstrdup(json_str(&ctx, root, "user"));
		s->unlock_hash = xstrdup(json_str(&ctx, root, "unlock_hash"));
		set_me(s, json_str(&ctx, root, "fhir_user"));
		s->me_name = xstrdup(json_str(&ctx, root, "me_name"));
		method = json_str(&ctx, root, "method");
		if (!oauth_method_parse(method, &s->login_method))
			s->login_method = OAUTH_AUTO;
	}
	/* Wipe the tokens' copies in the tree before it goes. */
	if (access != NULL)
		sodium_memzero((char *)access, strlen(access));
	if (refresh != NULL)
		sodium_memzero((char *)refresh, strlen(refresh));
	cJSON_Delete(root);
}

/* Who "me" is, into a stored record: "fhir_user" and the name under name_key. */
static void
put_me(cJSON *root, const struct session *s, const char *name_key)
{
	if (s->me_type != NULL && s->me_id != NULL) {
		char *ref = xasprintf("%s/%s", s->me_type, s->me_id);

		json_put_str(root, "fhir_user", ref);
		free(ref);
	}
	if (s->me_name != NULL)
		json_put_str(root, name_key, s->me_name);
}

bool
session_save_login(struct session *s, struct error *err)
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
	if (s->userinfo_endpoint != NULL)
		json_put_str(root, "userinfo_endpoint", s->userinfo_endpoint);
	json_put_str(root, "user", s->login_user);
	json_put_str(root, "method", oauth_method_name(s->login_method));
	json_put_str(root, "access_token", s->access->data);
	if (s->refresh != NULL)
		json_put_str(root, "refresh_token", s->refresh->data);
	json_put(root, "expires_at", cJSON_CreateNumber((double)s->expires_at));
	if (s->unlock_hash != NULL)
		json_put_str(root, "unlock_hash", s->unlock_hash);
	put_me(root, s, "me_name");
	text = json_print(root);
	r.data = text;
	r.len = strlen(text);
	ok = store_put(s->store, &r, err);
	sodium_memzero(text, strlen(text));
	cJSON_free(text);
	cJSON_Delete(root);
	return ok;
}

/* ---- who "me" is, for a bearer token without a login ---- */

#define ME_TYPE "me"
#define ME_ID "token"

/* The store to keep the answer in: the session's, or one the unlock agent
 * opens without asking or waiting (*transient: close it after). */
static struct store *
me_store(struct session *s, bool *transient)
{
	unsigned char key[STORE_KEY_BYTES];
	struct store *st = NULL;
	struct error e;
	char *dir;

	*transient = false;
	if (s->store != NULL)
		return s->store;
	dir = vault_dir(s->cfg);
	error_clear(&e);
	if (store_exists(dir) && agent_get_key(dir, key)) {
		st = store_open_key(dir, key, &e);
		sodium_memzero(key, sizeof key);
		*transient = st != NULL;
	}
	free(dir);
	return st;
}

/* The token's hash, as hex: what the cached answer is found by. */
static void
token_hash(const struct session *s, char hex[static 33])
{
	unsigned char h[16];

	crypto_generichash(h, sizeof h, (const unsigned char *)s->access->data, s->access->len, NULL, 0);
	sodium_bin2hex(hex, 33, h, sizeof h);
}

/* Takes "me" from the store when it was kept for this very token. */
static bool
me_cached(struct session *s, struct store *st, const char *hash)
{
	struct json_ctx ctx = { ME_TYPE, ME_ID, NULL, false };
	struct error e;
	const char *h;
	void *data;
	size_t len;
	cJSON *root;
	bool hit;

	error_clear(&e);
	ctx.err = &e;
	if (!store_get(st, ME_TYPE, ME_ID, &data, &len, NULL, &e))
		return false;
	root = json_parse(data, len, ME_TYPE, &e);
	store_free(data, len);
	if (root == NULL)
		return false;
	h = json_str(&ctx, root, "token_hash");
	hit = h != NULL && strcmp(h, hash) == 0;
	if (hit) {
		set_me(s, json_str(&ctx, root, "fhir_user"));
		s->me_name = xstrdup(json_str(&ctx, root, "name"));
	}
	cJSON_Delete(root);
	return hit;
}

static void
me_keep(struct session *s, struct store *st, const char *hash)
{
	struct store_rec r = { .type = ME_TYPE, .id = ME_ID, .version = "" };
	cJSON *root = cJSON_CreateObject();
	struct error e;
	char *text;

	json_put_str(root, "token_hash", hash);
	put_me(root, s, "name");
	text = json_print(root);
	r.data = text;
	r.len = strlen(text);
	error_clear(&e);
	store_put(st, &r, &e);
	cJSON_free(text);
	cJSON_Delete(root);
}

/* For EZRIZI_TOKEN and token_file, what can be known of "me" without the
 * server: true when nothing is left to ask (not such a token, "me" known or
 * already asked, offline, or the answer kept for this token in the store). */
static bool
token_me_local(struct session *s, struct store **st, bool *transient, char hash[static 33])
{
	*st = NULL;
	*transient = false;
	if ((s->auth != AUTH_ENV && s->auth != AUTH_FILE) || s->access == NULL || s->me_type != NULL ||
	    s->me_looked || s->offline)
		return true;
	token_hash(s, hash);
	*st = me_store(s, transient);
	if (*st != NULL && me_cached(s, *st, hash)) {
		s->me_looked = true;
		if (*transient)
			store_close(*st);
		*st = NULL;
		return true;
	}
	return false;
}

/* For EZRIZI_TOKEN and token_file: the kept answer, else the userinfo
 * endpoint's (after discovery); kept for the next command, even when it says
 * nothing, so a server without one is not asked every time. */
static void
resolve_token_me(struct session *s)
{
	struct oauth_meta m;
	struct store *st;
	struct error e;
	char hash[33];
	bool transient;

	if (token_me_local(s, &st, &transient, hash))
		return;
	s->me_looked = true;
	error_clear(&e);
	if (s->userinfo_endpoint == NULL && session_discover(s, &m, &e))
		oauth_meta_finish(&m);
	error_clear(&e);
	if (s->userinfo_endpoint != NULL)
		session_userinfo(s, &e);
	/* A network failure says nothing about the token: ask again next time. */
	if (st != NULL && e.kind != ERR_NETWORK)
		me_keep(s, st, hash);
	if (transient)
		store_close(st);
}

bool
session_me_known(struct session *s)
{
	struct store *st;
	bool transient;
	char hash[33];

	if (token_me_local(s, &st, &transient, hash))
		return true;
	if (transient)
		store_close(st);
	return false;
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
session_init(struct session *s, struct config *cfg, const struct front_ops *front,
	     struct error *err)
{
	struct http_settings hs;
	const char *server = config_get(cfg, "server");
	size_t n;

	memset(s, 0, sizeof *s);
	s->cfg = cfg;
	s->front = front;
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
	free(s->userinfo_endpoint);
	free(s->login_user);
	free(s->me_type);
	free(s->me_id);
	free(s->me_name);
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
	resolve_token_me(s);
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
	if (s->me_type != NULL) {
		/* TRANSLATORS: %s/%s is the login's profile, e.g. ClientApplication/abc. */
		error_set(err, ERR_USAGE, _("This login acts for no counsellor (it is %s/%s); pass --practitioner ID, or set 'practitioner = ID' in the config."),
			  s->me_type, s->me_id);
		return NULL;
	}
	error_set(err, ERR_USAGE,
		  _("ezrizi does not know which counsellor you are; log in with 'ezrizi login', or set 'practitioner = ID' in the config."));
	return NULL;
}

/* ---- OAuth 2 ---- */

/* An endpoint a secret may go to: on an https server, https only. */
static char *
endpoint_ok(const struct session *s, char *url)
{
	if (url != NULL && ascii_prefix_nocase(s->base, "https://") && !ascii_prefix_nocase(url, "https://")) {
		free(url);
		return NULL;
	}
	return url;
}

bool
session_discover(struct session *s, struct oauth_meta *m, struct error *err)
{
	struct http_request_opts o = { .method = "GET", .accept = "application/json", .idempotent = true };
	struct http_response resp;
	char *url = xasprintf("%s/.well-known/smart-configuration", s->base);
	bool ok;

	memset(m, 0, sizeof *m);
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
	ok = oauth_meta_parse(resp.body, resp.body_len, m, err);
	http_response_finish(&resp);
	if (!ok)
		return false;
	m->token_endpoint = endpoint_ok(s, m->token_endpoint);
	m->authorization_endpoint = endpoint_ok(s, m->authorization_endpoint);
	m->device_endpoint = endpoint_ok(s, m->device_endpoint);
	m->userinfo_endpoint = endpoint_ok(s, m->userinfo_endpoint);
	if (m->token_endpoint == NULL) {
		oauth_meta_finish(m);
		return error_set(err, ERR_AUTH, _("The server's SMART configuration names a token endpoint without https; ezrizi sends no secret there."));
	}
	free(s->token_endpoint);
	s->token_endpoint = xstrdup(m->token_endpoint);
	free(s->userinfo_endpoint);
	s->userinfo_endpoint = xstrdup(m->userinfo_endpoint);
	return true;
}

/* POSTs the form to the token endpoint: the answer's status and tree (NULL
 * when it is not JSON). */
static bool
token_post(struct session *s, struct buf *form, long *status, cJSON **root, struct error *err)
{
	struct http_request_opts o = {
		.method = "POST", .accept = "application/json",
		.content_type = "application/x-www-form-urlencoded",
	};
	struct http_response resp;
	struct error ignored;
	bool ok;

	o.url = s->token_endpoint;
	o.body = form->data;
	o.body_len = form->len;
	ok = http_request_sync(s->http, &o, &resp, err);
	sodium_memzero(form->data, form->len);
	*root = NULL;
	if (!ok)
		return false;
	*status = resp.status;
	error_clear(&ignored);
	if (resp.body_len > 0)
		*root = json_parse(resp.body, resp.body_len, "token", &ignored);
	sodium_memzero(resp.body, resp.body_len);
	http_response_finish(&resp);
	return true;
}

static void
set_who(struct session *s, const struct oauth_who *w)
{
	if (w->ref == NULL || !set_me(s, w->ref))
		return;
	free(s->me_name);
	s->me_name = xstrdup(w->name);
}

/* Takes the tokens and who the answer says the user is; wipes the tokens'
 * copies in the tree. */
static void
take_tokens(struct session *s, cJSON *root)
{
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(root, "access_token");
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(root, "refresh_token");
	const cJSON *exp = cJSON_GetObjectItemCaseSensitive(root, "expires_in");
	struct oauth_who w;

	secret_destroy(s->access);
	s->access = secret_create(at->valuestring, strlen(at->valuestring));
	if (cJSON_IsString(rt)) {
		secret_destroy(s->refresh);
		s->refresh = secret_create(rt->valuestring, strlen(rt->valuestring));
		sodium_memzero(rt->valuestring, strlen(rt->valuestring));
	}
	s->expires_at = cJSON_IsNumber(exp) ? clock_now() + (time_t)exp->valuedouble : 0;
	oauth_who_of_token(root, &w);
	set_who(s, &w);
	if (s->login_user == NULL && w.username != NULL)
		s->login_user = xstrdup(w.username);
	oauth_who_finish(&w);
	sodium_memzero(at->valuestring, strlen(at->valuestring));
	s->auth = AUTH_LOGIN;
}

bool
session_token(struct session *s, struct buf *form, enum oauth_method m, char *refusal,
	      struct error *err)
{
	const cJSON *at;
	cJSON *root;
	long status = 0;

	if (refusal != NULL)
		refusal[0] = '\0';
	if (!token_post(s, form, &status, &root, err))
		return false;
	at = root != NULL ? cJSON_GetObjectItemCaseSensitive(root, "access_token") : NULL;
	if (status != 200 || !cJSON_IsString(at) || at->valuestring[0] == '\0') {
		if (refusal != NULL)
			snprintf(refusal, 64, "%s", oauth_error_code(root));
		if (status == 200)
			error_set(err, ERR_FAILED, _("The server's token answer holds no access token; ask the server's administrator."));
		else
			oauth_token_error(status, root, m, err);
		cJSON_Delete(root);
		return false;
	}
	take_tokens(s, root);
	cJSON_Delete(root);
	return true;
}

bool
session_userinfo(struct session *s, struct error *err)
{
	struct http_request_opts o = { .method = "GET", .accept = "application/json", .idempotent = true };
	struct http_response resp;
	struct oauth_who w;
	cJSON *root;
	bool ok;

	if (s->userinfo_endpoint == NULL || s->access == NULL)
		return error_set(err, ERR_NOT_FOUND, _("The server has no userinfo endpoint to say who you are."));
	o.url = s->userinfo_endpoint;
	o.bearer = s->access->data;
	if (!http_request_sync(s->http, &o, &resp, err))
		return false;
	if (resp.status != 200) {
		http_response_finish(&resp);
		return error_set(err, ERR_AUTH, _("The server's userinfo endpoint did not say who you are (HTTP %ld)."), resp.status);
	}
	root = json_parse(resp.body, resp.body_len, _("The server's userinfo answer"), err);
	http_response_finish(&resp);
	if (root == NULL)
		return false;
	oauth_who_of_userinfo(root, &w);
	cJSON_Delete(root);
	ok = w.ref != NULL;
	set_who(s, &w);
	oauth_who_finish(&w);
	return ok ? true : error_set(err, ERR_NOT_FOUND, _("The server's userinfo answer does not say who you are."));
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
	oauth_form_add(&form, "grant_type", "refresh_token");
	oauth_form_add(&form, "refresh_token", s->refresh->data);
	oauth_form_add(&form, "client_id", client_id != NULL ? client_id : "ezrizi");
	ok = session_token(s, &form, OAUTH_AUTO, NULL, err);
	buf_finish(&form);
	return ok && session_save_login(s, err);
}

void
session_reset_login(struct session *s)
{
	secret_destroy(s->access);
	secret_destroy(s->refresh);
	s->access = s->refresh = NULL;
	s->expires_at = 0;
	s->auth = AUTH_NONE;
	free(s->me_type);
	free(s->me_id);
	free(s->me_name);
	s->me_type = s->me_id = s->me_name = NULL;
	free(s->unlock_hash);
	s->unlock_hash = NULL;
	free(s->login_user);
	s->login_user = NULL;
	s->login_method = OAUTH_AUTO;
}

void
session_restore_login(struct session *s)
{
	struct error ignored;

	session_reset_login(s);
	free(s->token_endpoint);
	free(s->userinfo_endpoint);
	s->token_endpoint = s->userinfo_endpoint = NULL;
	s->me_looked = false;
	error_clear(&ignored);
	load_credentials(s, &ignored);
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
