/* test_json.c - JSON output is inert on a terminal and decodes to the same text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/json.h"
#include "core/sanitize.h"
#include "core/utf8.h"

/* {"v": in} printed inert must be exactly want. */
static void
check(const char *in, const char *want)
{
	cJSON *o = cJSON_CreateObject();
	char *out;

	json_put_str(o, "v", in);
	out = json_print_inert(o);
	assert_string_equal(out, want);
	free(out);
	cJSON_Delete(o);
}

/* No raw byte of anything the display sanitiser hides, and valid UTF-8. */
static void
assert_inert(const char *s)
{
	size_t len = strlen(s), n;
	uint32_t cp;

	assert_true(utf8_valid(s, len));
	for (; len > 0; s += n, len -= n) {
		n = utf8_decode(s, len, &cp);
		assert_false(sanitize_cp_unsafe(cp));
	}
}

static void
test_c1_and_bidi_escaped(void **state)
{
	(void)state;
	check("a\xc2\x9b" "31mb", "{\"v\":\"a\\u009b31mb\"}");         /* CSI */
	check("x\xe2\x80\xaey", "{\"v\":\"x\\u202ey\"}");              /* RLO */
	check("\xe2\x81\xa6i\xe2\x81\xa9", "{\"v\":\"\\u2066i\\u2069\"}"); /* isolates */
	check("\xe2\x80\x8f\xd8\x9c", "{\"v\":\"\\u200f\\u061c\"}");    /* RLM, ALM */
	check("\xe2\x80\xa8\xe2\x80\xa9", "{\"v\":\"\\u2028\\u2029\"}"); /* separators */
	check("\xef\xbb\xbf\xc2\xad", "{\"v\":\"\\ufeff\\u00ad\"}");    /* BOM, soft hyphen */
	check("\x7f", "{\"v\":\"\\u007f\"}");                            /* DEL */
	check("\x1b[2J\n", "{\"v\":\"\\u001b[2J\\n\"}");                 /* cJSON's own C0 */
}

static void
test_astral_as_surrogate_pair(void **state)
{
	(void)state;
	check("\xf3\xa0\x81\x81", "{\"v\":\"\\udb40\\udc41\"}");        /* tag 'A' U+E0041 */
	check("\xf0\x9f\x98\x80", "{\"v\":\"\xf0\x9f\x98\x80\"}");      /* an emoji stays */
}

static void
test_invalid_utf8_is_fffd(void **state)
{
	(void)state;
	check("a\xff" "b", "{\"v\":\"a\\ufffdb\"}");
	check("\xc0\xaf", "{\"v\":\"\\ufffd\\ufffd\"}");               /* overlong */
	check("\xed\xa0\x80", "{\"v\":\"\\ufffd\\ufffd\\ufffd\"}");     /* surrogate */
	check("\xe2\x80", "{\"v\":\"\\ufffd\\ufffd\"}");                /* truncated */
}

static void
test_scripts_stay_raw(void **state)
{
	static const char *const texts[] = {
		"أمينة الحسيني", "بلال احمد", "Zeynep Şahin İı", "مُحَمَّد",
		"می\xe2\x80\x8cخواهم",  /* ZWNJ, which Urdu and Persian need */
		"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb",  /* ZWJ emoji */
		"中文 e\xcc\x81 \"quoted\" back\\slash",
	};

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		cJSON *o = cJSON_CreateObject();
		char *plain, *inert;

		json_put_str(o, "v", texts[i]);
		plain = json_print(o);
		inert = json_print_inert(o);
		assert_string_equal(inert, plain);
		free(inert);
		cJSON_free(plain);
		cJSON_Delete(o);
	}
}

/* Whatever the text, the line is inert, and decoding it gives back valid text
 * exactly; a key is escaped like a value. */
static void
test_round_trip(void **state)
{
	static const char hostile[] =
	    "N\xc2\x9b" "2J\xe2\x80\xae\xe2\x81\xa7\xf3\xa0\x80\x81\x7f\x01\xe2\x80\x8b"
	    "ok \xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 \xf0\x9f\x98\x80";
	cJSON *o = cJSON_CreateObject(), *back;
	const cJSON *v;
	char *out;

	(void)state;
	json_put_str(o, "k\xe2\x80\xae", hostile);
	out = json_print_inert(o);
	assert_inert(out);
	assert_non_null(strstr(out, "\"k\\u202e\""));
	back = cJSON_Parse(out);
	assert_non_null(back);
	v = cJSON_GetObjectItemCaseSensitive(back, "k\xe2\x80\xae");
	assert_true(cJSON_IsString(v));
	assert_string_equal(v->valuestring, hostile);
	cJSON_Delete(back);
	free(out);
	cJSON_Delete(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c1_and_bidi_escaped),
		cmocka_unit_test(test_astral_as_surrogate_pair),
		cmocka_unit_test(test_invalid_utf8_is_fffd),
		cmocka_unit_test(test_scripts_stay_raw),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
