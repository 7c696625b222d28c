/* oauth.h - the OAuth 2 pieces of logging in, without the network.
 *
 * What a server offers (SMART discovery), PKCE (RFC 7636, S256 only), the
 * authorization address and the answer that comes back from it (to the
 * loopback listener, or pasted), the device authorization answer (RFC 8628),
 * the token endpoint's refusals made into errors that say what to do, and who
 * a token answer or the userinfo endpoint says the user is. Pure functions:
 * session.c and login.c do the talking. Codes, verifiers and device codes are
 * secrets (struct secret); everything else here is public. Text from the
 * server is kept as it came: sanitise it before it is shown. */
#ifndef EZRIZI_OAUTH_H
#define EZRIZI_OAUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/secret.h"

/* The ways `ezrizi login` can log in, by the grant each one uses. */
enum oauth_method {
	OAUTH_AUTO,       /* the first the server offers */
	OAUTH_PASSWORD,   /* password */
	OAUTH_BROWSER,    /* authorization_code with PKCE */
	OAUTH_DEVICE,     /* urn:ietf:params:oauth:grant-type:device_code */
	OAUTH_CLIENT,     /* client_credentials */
};
#define OAUTH_NMETHODS 5

#define OAUTH_GRANT_DEVICE "urn:ietf:params:oauth:grant-type:device_code"
/* What ezrizi asks for, for a person (password, browser, device). */
#define OAUTH_SCOPE "openid fhirUser offline_access user/*.*"

/* "password", "browser", "device", "client" ("auto" for OAUTH_AUTO). */
const char *oauth_method_name(enum oauth_method m);
/* The reverse, exact ASCII; false for anything else. */
bool oauth_method_parse(const char *s, enum oauth_method *m);

/* What the server's .well-known/smart-configuration says. */
struct oauth_meta {
	char *token_endpoint;
	char *authorization_endpoint;   /* NULL when absent, as the ones below */
	char *device_endpoint;          /* device_authorization_endpoint */
	char *userinfo_endpoint;
	unsigned offered;               /* 1 << enum oauth_method, per grant listed */
	bool grants_listed;             /* false: no grant_types_supported */
	bool s256;                      /* S256 listed, or no list of methods at all */
};

/* Parses a discovery document. An endpoint that is not an http(s) URL is
 * left out; no token endpoint is an error. When grant_types_supported is
 * absent, `offered` is a guess from the endpoints: password and client
 * credentials at the token endpoint, the browser with an authorization
 * endpoint, the device grant with a device endpoint. */
bool oauth_meta_parse(const char *body, size_t len, struct oauth_meta *m, struct error *err);
void oauth_meta_finish(struct oauth_meta *m);

/* True when the server can be used with method m: it offers the grant and,
 * for the browser and the device, has the endpoint the method needs. */
bool oauth_meta_can(const struct oauth_meta *m, enum oauth_method method);
/* The methods of `offered` as "browser, device, client" (new string, free()),
 * "none" when there are none (untranslated: they are option values). */
char *oauth_method_list(unsigned offered);

/* PKCE and the state of one authorization request. */
struct oauth_pkce {
	struct secret *verifier;   /* 43 characters: 32 random bytes, base64url */
	char challenge[44];        /* base64url(SHA-256(verifier)), no padding */
	char state[23];            /* 16 random bytes, base64url */
};
void oauth_pkce_init(struct oauth_pkce *p);
void oauth_pkce_finish(struct oauth_pkce *p);
/* The S256 challenge of a verifier. */
void oauth_pkce_challenge(const char *verifier, char out[static 44]);

struct oauth_authorize {
	const char *endpoint;       /* may already hold a query */
	const char *client_id;
	const char *redirect_uri;
	const char *scope;
	const char *challenge;
	const char *state;
};
/* The address to open in a browser (new string, free()): response_type=code
 * and the fields, escaped. It holds nothing secret. */
char *oauth_authorize_url(const struct oauth_authorize *a);

/* Appends "&key=value" (no '&' first) to a form, the value percent-encoded;
 * the copy made for escaping is wiped (forms hold secrets). */
struct buf;
void oauth_form_add(struct buf *form, const char *key, const char *value);

/* The value of `key` in a query string ("a=1&b=x%20y"), percent- and
 * plus-decoded (new string, free()), or NULL when absent, or when it decodes
 * to a NUL byte. */
char *oauth_query_get(const char *query, const char *key);

/* The authorization code in what came back: the address the browser was sent
 * to (http://127.0.0.1:PORT/callback?code=...&state=...), only its query, or
 * only the code, as a person pastes it. A code inside an address needs the
 * state that was sent (compared in constant time); a code alone carries no
 * state and is taken as it is. Returns the code, or NULL with err set
 * (ERR_AUTH): the server's error in the address, with its description; a
 * missing or different state; nothing that looks like a code. */
struct secret *oauth_redirect_code(const char *text, const char *state, struct error *err);

/* The device authorization answer (RFC 8628, 3.2). */
struct oauth_device {
	struct secret *device_code;
	char *user_code;
	char *verification_uri;
	char *verification_uri_complete;   /* NULL when absent */
	long expires_in;                   /* seconds; 600 when absent */
	long interval;                     /* seconds; 5 when absent, at least 1 */
};
bool oauth_device_parse(const char *body, size_t len, struct oauth_device *d, struct error *err);
void oauth_device_finish(struct oauth_device *d);

/* The error code of a token endpoint's answer ("authorization_pending"), or
 * "" (borrowed from the tree). */
const char *oauth_error_code(const cJSON *answer);

/* Makes the token endpoint's refusal of method m an error that says what to
 * do: the error code picks the sentence, and the server's error_description
 * follows, sanitised and cut to 200 columns. */
bool oauth_token_error(long status, const cJSON *answer, enum oauth_method m, struct error *err);

/* Who the user is. */
struct oauth_who {
	char *ref;        /* "Practitioner/12", or an absolute URL ending so; NULL */
	char *name;       /* a display name, when the answer has one */
	char *username;   /* the id token's preferred_username, else its sub */
};
/* From a token answer: fhirUser, else profile (a string, or a Reference as
 * Medplum sends), else the id token's fhirUser claim (its payload is read,
 * not verified: it came over TLS from the token endpoint itself). */
void oauth_who_of_token(const cJSON *answer, struct oauth_who *w);
/* From a userinfo answer: fhirUser, else profile. */
void oauth_who_of_userinfo(const cJSON *answer, struct oauth_who *w);
void oauth_who_finish(struct oauth_who *w);

#endif
