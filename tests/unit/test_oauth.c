/* test_oauth.c - the pieces of logging in that need no network: discovery,
 * PKCE, what comes back from the browser, refusals, who the user is, the
 * method chosen, and the QR code's drawing. */
#define _XOPEN_SOURCE 700

#include <langinfo.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/login.h"
#include "core/oauth.h"
#include "core/qr.h"
#include "core/xmalloc.h"

static void
parse_meta(const char *json, struct oauth_meta *m)
{
	struct error err;

	error_clear(&err);
	assert_true(oauth_meta_parse(json, strlen(json), m, &err));
}

static void
test_methods(void **state)
{
	enum oauth_method m = OAUTH_AUTO;

	(void)state;
	assert_true(oauth_method_parse("device", &m));
	assert_int_equal(m, OAUTH_DEVICE);
	assert_false(oauth_method_parse("Device", &m));
	assert_false(oauth_method_parse("", &m));
	assert_false(oauth_method_parse(NULL, &m));
	assert_string_equal(oauth_method_name(OAUTH_BROWSER), "browser");
}

/* Medplum's discovery: no password, no device. */
static void
test_meta_medplum(void **state)
{
	struct oauth_meta m;
	char *list;

	(void)state;
	parse_meta("{\"token_endpoint\":\"https://a.example/oauth2/token\","
		   "\"authorization_endpoint\":\"https://a.example/oauth2/authorize\","
		   "\"userinfo_endpoint\":\"https://a.example/oauth2/userinfo\","
		   "\"grant_types_supported\":[\"client_credentials\",\"authorization_code\",\"refresh_token\","
		   "\"urn:ietf:params:oauth:grant-type:token-exchange\"],"
		   "\"code_challenge_methods_supported\":[\"plain\",\"S256\"]}", &m);
	assert_true(m.grants_listed);
	assert_true(m.s256);
	assert_false(oauth_meta_can(&m, OAUTH_PASSWORD));
	assert_true(oauth_meta_can(&m, OAUTH_BROWSER));
	assert_false(oauth_meta_can(&m, OAUTH_DEVICE));
	assert_true(oauth_meta_can(&m, OAUTH_CLIENT));
	assert_string_equal(m.userinfo_endpoint, "https://a.example/oauth2/userinfo");
	list = oauth_method_list(m.offered);
	assert_string_equal(list, "browser, client");
	free(list);
	assert_int_equal(login_pick(&m, false), OAUTH_BROWSER);
	assert_int_equal(login_pick(&m, true), OAUTH_BROWSER);
	oauth_meta_finish(&m);
}

static void
test_meta_pick(void **state)
{
	struct oauth_meta m;

	(void)state;
	/* Everything: the password first, as before. */
	parse_meta("{\"token_endpoint\":\"http://h/t\",\"authorization_endpoint\":\"http://h/a\","
		   "\"device_authorization_endpoint\":\"http://h/d\",\"grant_types_supported\":[\"password\","
		   "\"authorization_code\",\"urn:ietf:params:oauth:grant-type:device_code\"]}", &m);
	assert_int_equal(login_pick(&m, false), OAUTH_PASSWORD);
	assert_int_equal(login_pick(&m, true), OAUTH_PASSWORD);
	oauth_meta_finish(&m);
	/* No password: the browser here, the device grant over SSH. */
	parse_meta("{\"token_endpoint\":\"http://h/t\",\"authorization_endpoint\":\"http://h/a\","
		   "\"device_authorization_endpoint\":\"http://h/d\",\"grant_types_supported\":["
		   "\"authorization_code\",\"urn:ietf:params:oauth:grant-type:device_code\"]}", &m);
	assert_int_equal(login_pick(&m, false), OAUTH_BROWSER);
	assert_int_equal(login_pick(&m, true), OAUTH_DEVICE);
	oauth_meta_finish(&m);
	/* A device grant listed without its endpoint cannot be used. */
	parse_meta("{\"token_endpoint\":\"http://h/t\",\"grant_types_supported\":["
		   "\"urn:ietf:params:oauth:grant-type:device_code\",\"client_credentials\"]}", &m);
	assert_false(oauth_meta_can(&m, OAUTH_DEVICE));
	assert_int_equal(login_pick(&m, true), OAUTH_AUTO);
	oauth_meta_finish(&m);
	/* No S256: no browser login (ezrizi sends no plain challenge). */
	parse_meta("{\"token_endpoint\":\"http://h/t\",\"authorization_endpoint\":\"http://h/a\","
		   "\"grant_types_supported\":[\"authorization_code\"],\"code_challenge_methods_supported\":[\"plain\"]}", &m);
	assert_false(oauth_meta_can(&m, OAUTH_BROWSER));
	oauth_meta_finish(&m);
	/* No list at all (SMART 1): guessed from the endpoints. */
	parse_meta("{\"token_endpoint\":\"http://h/t\",\"authorization_endpoint\":\"javascript:x\"}", &m);
	assert_false(m.grants_listed);
	assert_null(m.authorization_endpoint);
	assert_true(oauth_meta_can(&m, OAUTH_PASSWORD));
	assert_false(oauth_meta_can(&m, OAUTH_BROWSER));
	oauth_meta_finish(&m);
}

static void
test_meta_bad(void **state)
{
	struct oauth_meta m;
	struct error err;

	(void)state;
	error_clear(&err);
	assert_false(oauth_meta_parse("{\"token_endpoint\":\"ftp://x\"}", 28, &m, &err));
	assert_int_equal(err.kind, ERR_AUTH);
	assert_non_null(strstr(err.msg, "token endpoint"));
	error_clear(&err);
	assert_false(oauth_meta_parse("<html>", 6, &m, &err));
	assert_int_equal(err.kind, ERR_FAILED);
}

/* RFC 7636, appendix B. */
static void
test_pkce(void **state)
{
	char c[44];
	struct oauth_pkce p, q;

	(void)state;
	oauth_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", c);
	assert_string_equal(c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
	oauth_pkce_init(&p);
	oauth_pkce_init(&q);
	assert_int_equal(strlen(p.verifier->data), 43);
	assert_int_equal(strspn(p.verifier->data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 43);
	assert_int_equal(strlen(p.state), 22);
	assert_string_not_equal(p.verifier->data, q.verifier->data);
	assert_string_not_equal(p.state, q.state);
	oauth_pkce_challenge(p.verifier->data, c);
	assert_string_equal(c, p.challenge);
	oauth_pkce_finish(&p);
	oauth_pkce_finish(&q);
}

static void
test_authorize_url(void **state)
{
	struct oauth_authorize a = {
		.endpoint = "https://h/oauth2/authorize", .client_id = "ezrizi",
		.redirect_uri = "http://127.0.0.1:5000/callback", .scope = OAUTH_SCOPE,
		.challenge = "CH", .state = "ST",
	};
	char *u = oauth_authorize_url(&a);

	(void)state;
	assert_string_equal(u, "https://h/oauth2/authorize?response_type=code&client_id=ezrizi"
			       "&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback"
			       "&scope=openid%20fhirUser%20offline_access%20user%2F%2A.%2A&state=ST"
			       "&code_challenge=CH&code_challenge_method=S256");
	free(u);
	a.endpoint = "https://h/authorize?tenant=7";
	u = oauth_authorize_url(&a);
	assert_non_null(strstr(u, "?tenant=7&response_type=code&"));
	free(u);
}

static void
test_query_get(void **state)
{
	char *v;

	(void)state;
	v = oauth_query_get("a=1&code=x%2By+z&b=", "code");
	assert_string_equal(v, "x+y z");
	free(v);
	v = oauth_query_get("a=1&b=", "b");
	assert_string_equal(v, "");
	free(v);
	assert_null(oauth_query_get("codex=1&xcode=2", "code"));
	assert_null(oauth_query_get("code=a%00b", "code"));
	v = oauth_query_get("code=%zz%4", "code");
	assert_string_equal(v, "%zz%4");
	free(v);
}

/* What comes back: pass the code, refuse everything else with a reason. */
static void
redirect_fails(const char *text, const char *why)
{
	struct error err;

	error_clear(&err);
	assert_null(oauth_redirect_code(text, "S1", &err));
	assert_int_equal(err.kind, ERR_AUTH);
	if (strstr(err.msg, why) == NULL)
		fail_msg("'%s': '%s' lacks '%s'", text, err.msg, why);
}

static void
test_redirect(void **state)
{
	struct error err;
	struct secret *c;

	(void)state;
	error_clear(&err);
	c = oauth_redirect_code("  http://127.0.0.1:4000/callback?code=abc%2Fd&state=S1#x \n", "S1", &err);
	assert_non_null(c);
	assert_string_equal(c->data, "abc/d");
	secret_destroy(c);
	c = oauth_redirect_code("?state=S1&code=k", "S1", &err);
	assert_non_null(c);
	assert_string_equal(c->data, "k");
	secret_destroy(c);
	c = oauth_redirect_code("code=k&state=S1", "S1", &err);
	assert_non_null(c);
	secret_destroy(c);
	/* The code alone, as a person may paste it. */
	c = oauth_redirect_code("Ab9_-.~xyz\r\n", "S1", &err);
	assert_non_null(c);
	assert_string_equal(c->data, "Ab9_-.~xyz");
	secret_destroy(c);
	assert_int_equal(err.kind, ERR_NONE);

	redirect_fails("http://127.0.0.1:4000/callback?code=abc&state=S2", "another login");
	redirect_fails("http://127.0.0.1:4000/callback?code=abc&state=S", "another login");
	redirect_fails("http://127.0.0.1:4000/callback?code=abc", "no state");
	redirect_fails("http://127.0.0.1:4000/callback?state=S1", "no login code");
	redirect_fails("http://127.0.0.1:4000/callback?error=access_denied&error_description=The+user+said+no&state=S1",
		       "The user said no");
	redirect_fails("http://x/cb?error=invalid_request&error_description=%1B%5B2J", "^[[2J");
	redirect_fails("hello world", "neither");
	redirect_fails("https://example.org/", "neither");
	redirect_fails("", "neither");
}

static void
test_device(void **state)
{
	static const char ok[] = "{\"device_code\":\"DC\",\"user_code\":\"BCDF-GHJK\","
				 "\"verification_uri\":\"https://h/device\",\"expires_in\":900,\"interval\":0}";
	static const char bad[] = "{\"device_code\":\"DC\",\"verification_uri\":\"https://h/device\"}";
	struct oauth_device d;
	struct error err;

	(void)state;
	error_clear(&err);
	assert_true(oauth_device_parse(ok, strlen(ok), &d, &err));
	assert_string_equal(d.device_code->data, "DC");
	assert_string_equal(d.user_code, "BCDF-GHJK");
	assert_null(d.verification_uri_complete);
	assert_int_equal(d.expires_in, 900);
	assert_int_equal(d.interval, 5);
	oauth_device_finish(&d);
	assert_false(oauth_device_parse(bad, strlen(bad), &d, &err));
	assert_non_null(strstr(err.msg, "user code"));
}

static void
refused(const char *json, long status, enum oauth_method m, enum err_kind kind, const char *part)
{
	cJSON *answer = json != NULL ? cJSON_Parse(json) : NULL;
	struct error err;

	error_clear(&err);
	assert_false(oauth_token_error(status, answer, m, &err));
	assert_int_equal(err.kind, kind);
	assert_int_equal(err.http_status, status);
	if (strstr(err.msg, part) == NULL)
		fail_msg("'%s' lacks '%s'", err.msg, part);
	cJSON_Delete(answer);
}

static void
test_token_errors(void **state)
{
	char big[600];

	(void)state;
	/* Medplum's answer to a grant it lacks: its words are shown. */
	refused("{\"error\":\"invalid_request\",\"error_description\":\"Unsupported grant_type\"}", 400,
		OAUTH_PASSWORD, ERR_AUTH, "(The server said: Unsupported grant_type)");
	refused("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid username or password\"}", 400,
		OAUTH_PASSWORD, ERR_AUTH, "wrong username or password");
	refused("{\"error\":\"invalid_grant\"}", 400, OAUTH_BROWSER, ERR_AUTH, "login code");
	refused("{\"error\":\"expired_token\"}", 400, OAUTH_DEVICE, ERR_AUTH, "expired");
	refused("{\"error\":\"access_denied\"}", 400, OAUTH_DEVICE, ERR_AUTH, "denied");
	refused("{\"error\":\"unsupported_grant_type\"}", 400, OAUTH_DEVICE, ERR_AUTH, "(device)");
	refused("{\"error\":\"invalid_client\"}", 401, OAUTH_CLIENT, ERR_AUTH, "client_id");
	refused("Bad Gateway", 502, OAUTH_PASSWORD, ERR_NETWORK, "HTTP 502");
	refused(NULL, 400, OAUTH_PASSWORD, ERR_AUTH, "HTTP 400");
	/* Server text is data: no escape reaches the terminal, and it is bounded. */
	refused("{\"error\":\"x\",\"error_description\":\"\\u001b]0;owned\\u0007 \\u202eabc\"}", 400,
		OAUTH_PASSWORD, ERR_AUTH, "^[]0;owned^G <U+202E>abc");
	memset(big, 'y', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	{
		char *json = xasprintf("{\"error\":\"x\",\"error_description\":\"%s\"}", big);

		refused(json, 400, OAUTH_PASSWORD, ERR_AUTH, "yyy…)");
		free(json);
	}
}

static void
who(const char *json, bool token, const char *ref, const char *name, const char *user)
{
	cJSON *answer = cJSON_Parse(json);
	struct oauth_who w;

	assert_non_null(answer);
	if (token)
		oauth_who_of_token(answer, &w);
	else
		oauth_who_of_userinfo(answer, &w);
	if (ref == NULL)
		assert_null(w.ref);
	else
		assert_string_equal(w.ref, ref);
	if (name == NULL)
		assert_null(w.name);
	else
		assert_string_equal(w.name, name);
	if (user == NULL)
		assert_null(w.username);
	else
		assert_string_equal(w.username, user);
	oauth_who_finish(&w);
	cJSON_Delete(answer);
}

/* An unsigned id token with the given payload. */
static char *
id_token(const char *payload)
{
	size_t n = strlen(payload);
	char *b64 = xmalloc(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING));
	char *t;

	sodium_bin2base64(b64, sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
			  (const unsigned char *)payload, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	t = xasprintf("{\"id_token\":\"eyJhbGciOiJub25lIn0.%s.\"", b64);
	free(b64);
	return t;
}

static void
test_who(void **state)
{
	char *t, *j;

	(void)state;
	/* fhirUser first, then profile (as Medplum: a Reference), then the id token. */
	who("{\"fhirUser\":\"Practitioner/a\",\"profile\":{\"reference\":\"Practitioner/b\"}}", true,
	    "Practitioner/a", NULL, NULL);
	who("{\"profile\":{\"reference\":\"ClientApplication/c\",\"display\":\"Reports\"}}", true,
	    "ClientApplication/c", "Reports", NULL);
	who("{\"profile\":\"Practitioner/d\"}", true, "Practitioner/d", NULL, NULL);
	t = id_token("{\"sub\":\"u1\",\"name\":\"Amina\",\"fhirUser\":\"https://h/fhir/R4/Practitioner/e\"}");
	j = xasprintf("%s}", t);
	who(j, true, "https://h/fhir/R4/Practitioner/e", "Amina", "u1");
	free(j);
	j = xasprintf("%s,\"profile\":{\"reference\":\"Practitioner/f\"}}", t);
	who(j, true, "Practitioner/f", "Amina", "u1");
	free(j);
	free(t);
	who("{\"id_token\":\"not.a-token!\"}", true, NULL, NULL, NULL);
	who("{\"access_token\":\"x\"}", true, NULL, NULL, NULL);
	/* userinfo: Medplum's has profile and name; the demo's fhirUser too. */
	who("{\"sub\":\"9\",\"profile\":\"Practitioner/g\",\"name\":\"Bilal\"}", false, "Practitioner/g", "Bilal", "9");
	who("{\"sub\":\"9\",\"fhirUser\":\"Practitioner/h\",\"profile\":\"Practitioner/g\"}", false, "Practitioner/h", NULL, "9");
}

/* The drawing: equal lines, the quiet zone light, a finder pattern's top
 * row dark. */
static void
test_qr(void **state)
{
	int cols, rows, lines = 0;
	char *qr, *p, *line;

	(void)state;
	qr = qr_draw("http://127.0.0.1:8080/oauth2/device?user_code=BCDF-GHJK", &cols, &rows);
	assert_non_null(qr);
	assert_int_equal((cols - 4 - 21) % 4, 0);   /* 21 + 4v modules, 2 of quiet zone each side */
	assert_int_equal(rows, (cols + 1) / 2);
	for (p = qr; (line = strsep(&p, "\n")) != NULL && *line != '\0'; lines++) {
		size_t n = 0;

		for (const char *c = line; *c != '\0'; c++)
			n += ((unsigned char)*c & 0xC0) != 0x80;
		assert_int_equal(n, cols);
		if (lines == 0)
			assert_int_equal(strspn(line, "\xe2\x96\x88"), strlen(line));  /* all light: █ */
		if (lines == 1)
			/* Rows 2 and 3: quiet zone, then the finder's dark top row over its
			 * dark-light-dark second row. */
			assert_memory_equal(line, "\xe2\x96\x88\xe2\x96\x88 \xe2\x96\x84", 3 + 3 + 1 + 3);
	}
	assert_int_equal(lines, rows);
	free(qr);
	assert_null(qr_draw("", &cols, &rows));
}

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	if (setlocale(LC_ALL, "") != NULL && strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		return 0;
	return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_meta_medplum),
		cmocka_unit_test(test_meta_pick),
		cmocka_unit_test(test_meta_bad),
		cmocka_unit_test(test_pkce),
		cmocka_unit_test(test_authorize_url),
		cmocka_unit_test(test_query_get),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_token_errors),
		cmocka_unit_test(test_who),
		cmocka_unit_test(test_qr),
	};

	return cmocka_run_group_tests_name("oauth", tests, setup, NULL);
}
