/* session.h - who we are and to which server: the FHIR calls made as that user
 * are in fhir.h.
 *
 * A session holds the configuration, the HTTP client, the FHIR base URL and the
 * credentials. Credentials come, first match wins, from EZRIZI_TOKEN (a bearer
 * token), the profile's token_file, or the stored login (`ezrizi login`, see
 * login.h), which keeps the access and refresh tokens in the encrypted store.
 * An expired access token is refreshed once, on a 401, when a refresh token is
 * at hand.
 *
 * Who "me" is: the login's token answer (fhirUser, else profile, else the id
 * token's fhirUser claim), else one GET of the server's userinfo endpoint,
 * else the config's `practitioner`. With a bearer token and no login, the
 * userinfo endpoint is asked the first time a command needs "me"; its answer
 * is kept in the store (when it is open, or the unlock agent can open it)
 * under a hash of the token, never the token, so the next command does not
 * ask again. A login whose profile is not a Practitioner (a
 * ClientApplication) acts for no counsellor. */
#ifndef EZRIZI_SESSION_H
#define EZRIZI_SESSION_H

#include <stdbool.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "core/config.h"
#include "core/error.h"
#include "core/http.h"
#include "core/oauth.h"
#include "core/front.h"
#include "core/secret.h"
#include "core/store.h"
#include "core/xmalloc.h"

enum auth_source {
	AUTH_NONE,
	AUTH_ENV,     /* EZRIZI_TOKEN */
	AUTH_FILE,    /* token_file */
	AUTH_LOGIN,   /* stored by `ezrizi login` */
};

struct session {
	struct config *cfg;
	struct http *http;
	char *base;              /* FHIR base URL, no trailing slash */
	enum auth_source auth;
	struct secret *access;
	struct secret *refresh;
	time_t expires_at;       /* 0 when unknown */
	/* A refresh of the token under way for a request that came back 401
	 * (fhir.c); the other requests refused meanwhile wait for it. */
	struct fhir_refresh *refreshing;
	/* GETs held to go as one batch (fhir_gather_begin), or NULL; and
	 * whether the server refused a batch of them (then never again). */
	struct fhir_gather *gather;
	bool batch_refused;
	char *token_endpoint;
	char *userinfo_endpoint; /* NULL when the server has none (or not asked yet) */
	char *login_user;        /* the username given at login, or the client id */
	enum oauth_method login_method;  /* how the stored login was made */
	char *me_type;           /* "Practitioner", "ClientApplication"... when known */
	char *me_id;
	char *me_name;           /* a display name the server gave with it, or NULL */
	bool me_looked;          /* the userinfo endpoint was asked for a bearer token */
	/* The front end's hooks (core/front.h): the store's passphrase is asked
	 * through them; NULL: never asked. */
	const struct front_ops *front;
	struct store *store;     /* the encrypted local store, when open */
	struct error store_err;  /* why it is not, for messages */
	char *unlock_hash;       /* Argon2id of the login password: unlocks the screen offline */
	bool offline;
	char request_id[37];     /* this command's write id ("" until one is made) */
	char *warning;           /* for every start (plain http allowed), or NULL */
};

/* Sets up the session from the configuration: the server (error when none is
 * configured, saying how to set one; ERR_USAGE for plain http to a host that is
 * not loopback unless allow_insecure_http = yes, and then s->warning says so), the
 * HTTP settings and the credentials found. Having no credentials is not an error here: fhir calls fail with
 * ERR_AUTH, saying to log in. */
bool session_init(struct session *s, struct config *cfg, const struct front_ops *front,
		  struct error *err);
void session_finish(struct session *s);

/* Resolves "me" (or NULL) and plain ids to a practitioner id. "me" fails with a
 * message saying what to do when nothing says who we are, or when the login acts
 * for no counsellor (ERR_USAGE), or when the store that holds the login is
 * locked. With a bearer token it may ask the userinfo endpoint (see above).
 * Returns a pointer into the session or to id. */
const char *session_practitioner(struct session *s, const char *id, struct error *err);
/* Whether session_practitioner(s, NULL, ...) can answer without the server:
 * false only for a bearer token (EZRIZI_TOKEN, token_file) whose person is
 * not known yet, nor kept in the store for it. A front end that must not wait
 * asks it in a task of its own (core/task.h) then. Nothing is asked here. */
bool session_me_known(struct session *s);

/* SMART discovery: GETs base/.well-known/smart-configuration into *m
 * (oauth_meta_finish() it) and keeps the token and userinfo endpoints. On an
 * https server an endpoint on plain http is left out. */
bool session_discover(struct session *s, struct oauth_meta *m, struct error *err);

/* POSTs form (it is wiped) to the token endpoint for method m. An answer with
 * an access token: the session takes the tokens and who the answer says the
 * user is, and it is true. Otherwise false with err saying why (ERR_NETWORK
 * when no answer came), and `refusal`, when not NULL, gets the server's error
 * code in 64 bytes ("authorization_pending"; "" when none), for the device
 * grant's polling.
 * Nothing is stored: session_save_login() does that. */
bool session_token(struct session *s, struct buf *form, enum oauth_method m,
		   char *refusal, struct error *err);

/* Who the token is for, from the userinfo endpoint (one GET). False (err set)
 * when there is no endpoint or it did not say. */
bool session_userinfo(struct session *s, struct error *err);

/* Stores the session's login (tokens, endpoints, who "me" is) in the encrypted
 * store, making the store when there is none. */
bool session_save_login(struct session *s, struct error *err);

/* Forgets the tokens and who "me" is, before a new login. */
void session_reset_login(struct session *s);
/* After a login that failed: the credentials as they were (they are still on
 * disk), so the next command of a batch runs as before. */
void session_restore_login(struct session *s);

/* True when pw is the password of the stored login (checked offline against
 * its Argon2id hash). False too when no password hash is stored. */
bool session_check_password(const struct session *s, const char *pw, size_t len);

/* Trades the refresh token for a new access token and stores it. False (err
 * untouched) when there is nothing to refresh with. */
bool session_refresh(struct session *s, struct error *err);
/* Forgets the stored login. */
bool session_logout(struct session *s, struct error *err);

/* The client-assigned id of the command's write: the one already set (a
 * replay from the outbox sets the queued one, so a write that did reach the
 * server is not made twice), else a new one, kept in s->request_id so a write
 * that fails for the network can be queued under it. */
void session_request_id(struct session *s, char out[static 37]);

#endif
