/* test_http.c - plain http only to loopback, refused before any connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/http.h"

static void
test_loopback_is_not_in_clear(void **state)
{
	static const char *const urls[] = {
		"http://127.0.0.1:8080/fhir/R4", "http://127.255.0.9/", "http://localhost/fhir",
		"HTTP://LocalHost:80/x", "http://[::1]:8080/fhir", "http://[::ffff:127.0.0.1]/",
		"http://127.0.0.1?x", "http://localhost#frag",
		"https://fhir.clinic.example/fhir/R4", "https://10.0.0.1/",
	};

	(void)state;
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		if (http_url_in_clear(urls[i]))
			fail_msg("%s taken as in the clear", urls[i]);
	}
}

static void
test_other_hosts_are_in_clear(void **state)
{
	static const char *const urls[] = {
		"http://fhir.clinic.example/fhir/R4", "http://10.0.0.1:8080/", "http://0.0.0.0:80/",
		"http://192.0.2.7/", "http://localhost.example.com/", "http://127.0.0.1.nip.io/",
		"http://127.1/",                       /* not how loopback is written */
		"http://[::2]/", "http://[::1/",        /* malformed */
		"http://127.0.0.1@evil.example/",       /* the host is evil.example */
		"http://evil.example\\@127.0.0.1/",     /* where parsers disagree */
		"http://%31%32%37.0.0.1/", "http://[::1%25lo]/", "http://", "http://:80/",
	};

	(void)state;
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		if (!http_url_in_clear(urls[i]))
			fail_msg("%s taken as loopback", urls[i]);
	}
}

static void
test_check_and_warning(void **state)
{
	struct http_settings s;
	struct error err;
	char *w;

	(void)state;
	http_settings_default(&s);
	error_clear(&err);
	assert_true(http_url_check(&s, "http://127.0.0.1/fhir", &err));
	assert_false(http_url_check(&s, "http://fhir.example/fhir/R4?q=secret", &err));
	assert_int_equal(err.kind, ERR_USAGE);
	assert_non_null(strstr(err.msg, "http://fhir.example is refused"));
	assert_non_null(strstr(err.msg, "allow_insecure_http = yes"));
	assert_null(strstr(err.msg, "secret"));  /* the origin only, never the path */
	s.allow_insecure_http = true;
	error_clear(&err);
	assert_true(http_url_check(&s, "http://fhir.example/fhir/R4", &err));
	w = http_clear_warning("http://fhir.example/fhir/R4");
	assert_non_null(w);
	assert_non_null(strstr(w, "http://fhir.example is plain http"));
	free(w);
	assert_null(http_clear_warning("https://fhir.example/fhir/R4"));
	assert_null(http_clear_warning("http://localhost:8080/fhir/R4"));
}

/* A link or token endpoint in the clear fails on the loop, without a connection
 * (the name resolves nowhere: trying would say "Cannot reach"). */
static void
test_request_in_clear_refused(void **state)
{
	struct http_settings s;
	struct http_request_opts o = { .method = "GET", .url = "http://ezrizi-nowhere.invalid/token", .idempotent = true };
	struct http_response resp;
	struct error err;
	struct http *h;

	(void)state;
	http_settings_default(&s);
	h = http_create(&s);
	error_clear(&err);
	assert_false(http_request_sync(h, &o, &resp, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	assert_non_null(strstr(err.msg, "Plain http to http://ezrizi-nowhere.invalid is refused"));
	http_destroy(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback_is_not_in_clear),
		cmocka_unit_test(test_other_hosts_are_in_clear),
		cmocka_unit_test(test_check_and_warning),
		cmocka_unit_test(test_request_in_clear_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
