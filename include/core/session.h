/* session.h - who we are, to which server, and the FHIR calls made as that user.
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
	char *token_endpoint;
	char *userinfo_endpoint; /* NULL when the server has none (or not asked yet) */
	char *login_user;        /* the username given at login, or the client id */
	enum oauth_method login_method;  /* how the stored login was made */
	char *me_type;           /* "Practitioner", "ClientApplication"... when known */
	char *me_id;
	char *me_name;           /* a display name the server gave with it, or NULL */
	bool me_looked;          /* the userinfo endpoint was asked for a bearer token */
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
bool session_init(struct session *s, struct config *cfg, struct error *err);
void session_finish(struct session *s);

/* Resolves "me" (or NULL) and plain ids to a practitioner id. "me" fails with a
 * message saying what to do when nothing says who we are, or when the login acts
 * for no counsellor (ERR_USAGE), or when the store that holds the login is
 * locked. With a bearer token it may ask the userinfo endpoint (see above).
 * Returns a pointer into the session or to id. */
const char *session_practitioner(struct session *s, const char *id, struct error *err);

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

/* ---- FHIR REST, synchronous (batch) ---- */

struct fhir_result {
	long status;
	cJSON *json;     /* the parsed body, or NULL (304, empty) */
	char *etag;      /* W/"3" */
	char *location;
};

void fhir_result_finish(struct fhir_result *r);

/* A request relative to the base ("Patient/12", "Appointment?date=ge..."), or an
 * absolute URL on the same server (a Bundle's next link). `body` is JSON or NULL.
 * Adds the bearer token; on a 401 refreshes once and tries again. Any status that
 * is not 2xx or 304 becomes an error: 401/403 ERR_AUTH, 404/410 ERR_NOT_FOUND,
 * 409/412 ERR_CONFLICT, 400/422 ERR_USAGE, other ERR_NETWORK, with the server's
 * OperationOutcome text (sanitised) in the message. */
struct fhir_opts {
	const char *if_match;
	const char *if_none_exist;
	const char *if_none_match;  /* a conditional read: 304 when unchanged */
	bool idempotent;   /* GET and conditional writes are; plain POST is not */
};
bool fhir_call(struct session *s, const char *method, const char *path, const cJSON *body,
	       const struct fhir_opts *o, struct fhir_result *out, struct error *err);

/* ---- FHIR REST, asynchronous (the screen): the same calls on the loop ---- */

struct fhir_op;

/* Called once, on the loop, when the call is over: r is the result (the callee
 * may take r->json and set it to NULL) or NULL with err set. */
typedef void (*fhir_done_fn)(struct fhir_result *r, const struct error *err, void *arg);

/* Starts fhir_call's request; returns NULL with err set (and no callback) when
 * it cannot start (not logged in, a bad path). */
struct fhir_op *fhir_start(struct session *s, const char *method, const char *path,
			   const cJSON *body, const struct fhir_opts *o, fhir_done_fn done,
			   void *arg, struct error *err);
/* Cancels a running call; its callback is not called. */
void fhir_cancel(struct session *s, struct fhir_op *op);

/* Called once with the resources of every page (cJSON_Delete() them), or NULL
 * with err set. */
typedef void (*fhir_search_fn)(cJSON *resources, const struct error *err, void *arg);
struct fhir_search;
/* fhir_search on the loop. */
struct fhir_search *fhir_search_start(struct session *s, const char *query, size_t max,
				      fhir_search_fn done, void *arg, struct error *err);
void fhir_search_cancel(struct session *s, struct fhir_search *fs);

/* True for a FHIR id: 1 to 64 of letters, digits, '-' and '.'. */
bool fhir_id_ok(const char *id);

/* GET path; the resource must have the given type. */
cJSON *fhir_read(struct session *s, const char *type, const char *id, char **etag,
		 struct error *err);

/* A search that follows Bundle.link next up to `max` entries (0: no limit), and
 * returns a new array of the entries' resources (matches and includes alike), to
 * cJSON_Delete(). */
cJSON *fhir_search(struct session *s, const char *query, size_t max, struct error *err);

/* POSTs a transaction or batch Bundle to the base and returns the answer
 * Bundle (cJSON_Delete()), whatever its entries say: writes use fhir_tx_commit
 * (fhirtx.h), which reads every entry's status. Retried after a lost answer:
 * ezrizi's bundles pin every update with ifMatch and every create with
 * ifNoneExist. */
cJSON *fhir_bundle_post(struct session *s, const cJSON *bundle, struct error *err);

/* The error for an HTTP status the server answered, with the text of its
 * OperationOutcome (may be NULL), as fhir_call makes it. */
void fhir_status_error(struct session *s, long status, const cJSON *outcome, struct error *err);

/* Adds a Bundle entry: method "PUT" (url "Type/id", if_match) or "POST"
 * (url "Type", full_url "urn:uuid:...", if_none_exist). Takes ownership of res. */
void fhir_bundle_add(cJSON *bundle, const char *method, const char *url, cJSON *res,
		     const char *full_url, const char *if_match, const char *if_none_exist);
cJSON *fhir_bundle_new(const char *type);

/* Makes "Type/id" references: new cJSON object {"reference": ..., "display": ...}. */
cJSON *fhir_reference(const char *type, const char *id, const char *display);

/* A version-pinned "W/\"vid\"" from a resource's meta.versionId (new string), or NULL. */
char *fhir_version_tag(const cJSON *res);

/* A random UUID string for client-assigned identifiers (37 bytes). */
void fhir_uuid(char out[static 37]);

/* The system of ezrizi's client-assigned write ids. */
#define FHIR_REQUEST_SYSTEM "urn:ezrizi:request"

/* Sets res.identifier to the write id (replacing what was there). */
void fhir_set_request_identifier(cJSON *res, const char *request_id);
/* "identifier=urn:ezrizi:request|ID", for If-None-Exist (new string, free()). */
char *fhir_if_none_exist(const char *request_id);

/* The client-assigned id of the command's write: the one already set (a
 * replay from the outbox sets the queued one, so a write that did reach the
 * server is not made twice), else a new one, kept in s->request_id so a write
 * that fails for the network can be queued under it. */
void session_request_id(struct session *s, char out[static 37]);

#endif
