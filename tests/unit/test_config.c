/* test_config.c - the config file, profiles, overrides and XDG paths. */
#define _POSIX_C_SOURCE 200809L

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"

static const char sample[] =
    "# ezrizi configuration\n"
    "server = https://demo.example.org/fhir\n"
    "username = \"ayse\"\n"
    "  retries=3  \n"
    "token_file = ~/tokens/ezrizi\n"
    "format = tsv\n"
    "default_profile = work\n"
    "\n"
    "[profile work]\n"
    "server = \"https://clinic.example.com.tr/fhir\"\n"
    "connect_timeout = 30\n"
    "password_command = pass show clinic # not a comment\n"
    "\n"
    "[profile home.test-1_x]\n"
    "username = \"  spaced  \"\n"
    "ca_file = /etc/ssl/ca.pem\n";

static struct config *
load(const char *text)
{
	struct config *cfg = config_create();
	struct error err;

	error_clear(&err);
	if (!config_load_string(cfg, "test.conf", text, &err))
		fail_msg("load failed: %s", err.msg);
	return cfg;
}

/* Loading text must fail with ERR_USAGE and exactly want. */
static void
load_bad(const char *text, const char *want)
{
	struct config *cfg = config_create();
	struct error err;

	error_clear(&err);
	assert_false(config_load_string(cfg, "my.conf", text, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	if (strncmp(err.msg, want, strlen(want)) != 0)
		fail_msg("got '%s', want it to start with '%s'", err.msg, want);
	config_destroy(cfg);
}

static void
test_defaults_and_profiles(void **state)
{
	struct config *cfg;
	struct error err;

	(void)state;
	setenv("HOME", "/home/ayse", 1);
	cfg = load(sample);
	error_clear(&err);
	assert_null(config_profile(cfg));
	assert_string_equal(config_get(cfg, "server"), "https://demo.example.org/fhir");
	assert_string_equal(config_get(cfg, "username"), "ayse");
	assert_int_equal(config_get_long(cfg, "retries", 9), 3);
	assert_int_equal(config_get_long(cfg, "connect_timeout", 15), 15);   /* unset */
	assert_null(config_get(cfg, "connect_timeout"));
	assert_null(config_get(cfg, "no_such_key"));
	assert_string_equal(config_get(cfg, "token_file"), "/home/ayse/tokens/ezrizi");

	/* NULL picks default_profile. */
	assert_true(config_select_profile(cfg, NULL, &err));
	assert_string_equal(config_profile(cfg), "work");
	assert_string_equal(config_get(cfg, "server"), "https://clinic.example.com.tr/fhir");
	assert_int_equal(config_get_long(cfg, "connect_timeout", 15), 30);
	assert_string_equal(config_get(cfg, "username"), "ayse");            /* inherited */
	assert_string_equal(config_get(cfg, "password_command"),
	    "pass show clinic # not a comment");

	assert_true(config_select_profile(cfg, "home.test-1_x", &err));
	assert_string_equal(config_profile(cfg), "home.test-1_x");
	assert_string_equal(config_get(cfg, "username"), "  spaced  ");
	assert_string_equal(config_get(cfg, "server"), "https://demo.example.org/fhir");
	assert_null(config_get(cfg, "password_command"));
	assert_int_equal(err.kind, ERR_NONE);
	config_destroy(cfg);
}

static void
test_overrides_win(void **state)
{
	struct config *cfg = load(sample);
	struct error err;

	(void)state;
	error_clear(&err);
	assert_true(config_select_profile(cfg, "work", &err));
	assert_true(config_override(cfg, "server", "http://127.0.0.1:8103/fhir", &err));
	assert_true(config_override(cfg, "connect_timeout", "5", &err));
	assert_true(config_override(cfg, "ca_file", "~/ca.pem", &err));
	assert_string_equal(config_get(cfg, "server"), "http://127.0.0.1:8103/fhir");
	assert_int_equal(config_get_long(cfg, "connect_timeout", 0), 5);
	assert_string_equal(config_get(cfg, "ca_file"), "/home/ayse/ca.pem");

	assert_false(config_override(cfg, "sever", "http://x", &err));
	assert_int_equal(err.kind, ERR_USAGE);
	assert_non_null(strstr(err.msg, "sever"));
	error_clear(&err);
	assert_false(config_override(cfg, "retries", "11", &err));
	assert_non_null(strstr(err.msg, "0 to 10"));
	error_clear(&err);
	assert_false(config_override(cfg, "server", "ftp://x", &err));
	assert_int_equal(err.kind, ERR_USAGE);
	assert_int_equal(config_get_long(cfg, "retries", 0), 3);             /* unchanged */
	config_destroy(cfg);
}

static void
test_no_profile_selected(void **state)
{
	struct config *cfg = load("server = http://a.example\n[profile p]\nretries = 1\n");
	struct error err;

	(void)state;
	error_clear(&err);
	assert_true(config_select_profile(cfg, NULL, &err));                 /* none */
	assert_null(config_profile(cfg));
	assert_null(config_get(cfg, "retries"));
	assert_false(config_select_profile(cfg, "nope", &err));
	assert_int_equal(err.kind, ERR_USAGE);
	assert_non_null(strstr(err.msg, "'nope'"));
	assert_non_null(strstr(err.msg, "test.conf"));
	config_destroy(cfg);
}

static void
test_default_profile_names_nothing(void **state)
{
	struct config *cfg = load("default_profile = ghost\n[profile real]\n");
	struct error err;

	(void)state;
	error_clear(&err);
	assert_false(config_select_profile(cfg, NULL, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	assert_non_null(strstr(err.msg, "ghost"));
	config_destroy(cfg);
}

static void
test_crlf_and_comments(void **state)
{
	struct config *cfg;

	(void)state;
	cfg = load("# comment\r\n\r\n   # indented comment\r\nusername = x\r\n"
	    "[profile a]\r\nretries = 2\r\n[ profile  b ]\r\nformat = json");
	assert_string_equal(config_get(cfg, "username"), "x");
	assert_true(config_select_profile(cfg, "a", NULL));
	assert_int_equal(config_get_long(cfg, "retries", 0), 2);
	assert_true(config_select_profile(cfg, "b", NULL));
	assert_string_equal(config_get(cfg, "format"), "json");               /* no final \n */
	config_destroy(cfg);
	cfg = load("");
	assert_null(config_get(cfg, "server"));
	config_destroy(cfg);
	cfg = load("password_file = \"~/secret\"\nclient_secret_file = ~\n"
	    "client_id = \"\"quoted\"\"\nusername = \"\n");
	assert_string_equal(config_get(cfg, "password_file"), "/home/ayse/secret");
	assert_string_equal(config_get(cfg, "client_secret_file"), "/home/ayse");
	assert_string_equal(config_get(cfg, "client_id"), "\"quoted\"");     /* one pair */
	assert_string_equal(config_get(cfg, "username"), "\"");
	config_destroy(cfg);
}

static void
test_bad_lines(void **state)
{
	(void)state;
	load_bad("server = https://a.example\nsever = https://b\n",
	    "my.conf:2: unknown key 'sever'");
	load_bad("# c\n\nretries = many\n", "my.conf:3: retries must be a whole number");
	load_bad("retries = 11\n", "my.conf:1: retries must be a whole number from 0 to 10");
	load_bad("retries = -1\n", "my.conf:1: retries");
	load_bad("connect_timeout = 0\n", "my.conf:1: connect_timeout");
	load_bad("connect_timeout = 99999999999999999999999\n", "my.conf:1: connect_timeout");
	load_bad("max_response_mb = 12MB\n", "my.conf:1: max_response_mb");
	load_bad("low_speed_time = \n", "my.conf:1: low_speed_time");
	load_bad("format = xml\n", "my.conf:1: format must be one of");
	load_bad("format = tab\n", "my.conf:1: format must be one of");
	load_bad("format = TSV\n", "my.conf:1: format must be one of");
	load_bad("server = demo.example.org\n", "my.conf:1: server must be a URL");
	load_bad("server = https://\n", "my.conf:1: server must be a URL");
	load_bad("username\n", "my.conf:1: 'username' is not a 'key = value' line");
	load_bad("= x\n", "my.conf:1: ");
	load_bad("username =\n", "my.conf:1: username has no value");
	load_bad("[server]\n", "my.conf:1: unknown section '[server]'");
	load_bad("[profile]\n", "my.conf:1: unknown section");
	load_bad("[profile a\n", "my.conf:1: '[profile a' is not a section header");
	load_bad("[profile a b]\n", "my.conf:1: 'a b' is not a profile name");
	load_bad("[profile ünï]\n", "my.conf:1: 'ünï' is not a profile name");
	load_bad("[profile a]\nretries = 1\n\n[profile a]\n",
	    "my.conf:4: profile 'a' is already defined on line 1");
	load_bad("[profile a]\ndefault_profile = a\n",
	    "my.conf:2: default_profile only works before the first [profile] section");
	load_bad("username = a\r\nsever = b\r\n", "my.conf:2: unknown key 'sever'");
}

static void
test_bindings(void **state)
{
	struct config *cfg = config_create();
	const struct config_binding *b;
	struct error err;
	size_t n, applies = 0;

	(void)state;
	error_clear(&err);
	assert_true(config_load_string(cfg, "c",
		"bind j select down\n"
		"bind C-l redraw\n"
		"[profile a]\n"
		"bind x cancel --reason=\"no show\"\n"
		"[profile b]\n"
		"bind y quit\n", &err));
	assert_true(config_select_profile(cfg, "a", &err));
	b = config_bindings(cfg, &n);
	assert_int_equal(n, 4);
	assert_string_equal(b[0].key, "j");
	assert_string_equal(b[0].command, "select down");
	assert_int_equal(b[0].line, 1);
	assert_string_equal(b[2].command, "cancel --reason=\"no show\"");
	for (size_t i = 0; i < n; i++)
		applies += config_binding_applies(cfg, &b[i]);
	assert_int_equal(applies, 3);  /* top level and profile a, not b */
	config_destroy(cfg);

	cfg = config_create();
	error_clear(&err);
	assert_false(config_load_string(cfg, "c", "server = http://x\nbind j\n", &err));
	assert_int_equal(err.kind, ERR_USAGE);
	assert_non_null(strstr(err.msg, "c:2:"));
	config_destroy(cfg);
}

static void
test_load_twice_and_destroy_null(void **state)
{
	struct config *cfg = load("retries = 1\n");
	struct error err;

	(void)state;
	error_clear(&err);
	assert_false(config_load_string(cfg, "again", "retries = 2\n", &err));
	assert_int_equal(config_get_long(cfg, "retries", 0), 1);
	config_destroy(cfg);
	config_destroy(NULL);
}

static void
test_load_file(void **state)
{
	char path[] = "/tmp/ezrizi-test-config-XXXXXX";
	struct config *cfg;
	struct error err;
	FILE *f;
	int fd;

	(void)state;
	error_clear(&err);
	cfg = config_create();
	assert_true(config_load(cfg, "/nonexistent/ezrizi/config", false, &err));
	assert_int_equal(err.kind, ERR_NONE);
	config_destroy(cfg);

	cfg = config_create();
	assert_false(config_load(cfg, "/nonexistent/ezrizi/config", true, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	config_destroy(cfg);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("username = file-user\nretries = x\n", f);
	fclose(f);
	error_clear(&err);
	cfg = config_create();
	assert_false(config_load(cfg, path, true, &err));
	assert_non_null(strstr(err.msg, ":2: retries"));
	assert_non_null(strstr(err.msg, path));
	config_destroy(cfg);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("username = file-user\n", f);
	fclose(f);
	cfg = config_create();
	error_clear(&err);
	assert_true(config_load(cfg, path, true, &err));
	assert_string_equal(config_get(cfg, "username"), "file-user");
	config_destroy(cfg);
	unlink(path);
}

static void
test_keys_table(void **state)
{
	static const char *const needed[] = {
		"server", "username", "password_command", "password_file", "client_id",
		"client_secret_file", "client_secret_command", "token_file", "practitioner",
		"ca_file", "format", "connect_timeout", "low_speed_time", "max_response_mb",
		"retries", "max_wait", "allow_insecure_http", "default_profile",
	};
	const struct config_key_info *keys;
	size_t n, i, j;

	(void)state;
	keys = config_keys(&n);
	assert_true(n >= sizeof needed / sizeof needed[0]);
	for (i = 0; i < sizeof needed / sizeof needed[0]; i++) {
		for (j = 0; j < n && strcmp(keys[j].name, needed[i]) != 0; j++)
			;
		if (j == n)
			fail_msg("key %s missing", needed[i]);
		assert_true(strlen(keys[j].help) > 0);
	}
}

static void
test_xdg_paths(void **state)
{
	char *p;

	(void)state;
	setenv("HOME", "/home/ayse", 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_DATA_HOME");
	p = config_default_path();
	assert_string_equal(p, "/home/ayse/.config/ezrizi/config");
	free(p);
	p = config_data_dir();
	assert_string_equal(p, "/home/ayse/.local/share/ezrizi");
	free(p);
	setenv("XDG_CONFIG_HOME", "/xdg/conf", 1);
	setenv("XDG_DATA_HOME", "/xdg/data", 1);
	p = config_default_path();
	assert_string_equal(p, "/xdg/conf/ezrizi/config");
	free(p);
	p = config_data_dir();
	assert_string_equal(p, "/xdg/data/ezrizi");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative/conf", 1);             /* ignored */
	setenv("XDG_DATA_HOME", "", 1);                            /* ignored */
	p = config_default_path();
	assert_string_equal(p, "/home/ayse/.config/ezrizi/config");
	free(p);
	p = config_data_dir();
	assert_string_equal(p, "/home/ayse/.local/share/ezrizi");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_DATA_HOME");
}

static int
setup(void **state)
{
	(void)state;
	return setenv("HOME", "/home/ayse", 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_profiles),
		cmocka_unit_test(test_overrides_win),
		cmocka_unit_test(test_no_profile_selected),
		cmocka_unit_test(test_default_profile_names_nothing),
		cmocka_unit_test(test_crlf_and_comments),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_bindings),
		cmocka_unit_test(test_load_twice_and_destroy_null),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_keys_table),
		cmocka_unit_test(test_xdg_paths),
	};

	/* Honour LANG/LC_ALL, so a tr_TR.UTF-8 run exercises the Turkish I. */
	setlocale(LC_ALL, "");
	return cmocka_run_group_tests_name("config", tests, setup, NULL);
}
