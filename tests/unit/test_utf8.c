/* test_utf8.c - strict UTF-8 decoding and ASCII-only token helpers. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/utf8.h"

static size_t
dec(const char *s, size_t len, uint32_t *cp)
{
	return utf8_decode(s, len, cp);
}

static void
test_decode_valid(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(dec("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(dec("\xc3\xa7", 2, &cp), 2);          /* ç */
	assert_int_equal(cp, 0xe7);
	assert_int_equal(dec("\xc4\xb1", 2, &cp), 2);          /* dotless ı */
	assert_int_equal(cp, 0x131);
	assert_int_equal(dec("\xe4\xb8\xad", 3, &cp), 3);      /* 中 */
	assert_int_equal(cp, 0x4e2d);
	assert_int_equal(dec("\xf0\x9f\x98\x80", 4, &cp), 4);  /* 😀 */
	assert_int_equal(cp, 0x1f600);
	assert_int_equal(dec("\xf4\x8f\xbf\xbf", 4, &cp), 4);  /* U+10FFFF */
	assert_int_equal(cp, 0x10ffff);
	assert_int_equal(dec("\xed\x9f\xbf", 3, &cp), 3);      /* U+D7FF */
	assert_int_equal(cp, 0xd7ff);
	assert_int_equal(dec("\xee\x80\x80", 3, &cp), 3);      /* U+E000 */
	assert_int_equal(cp, 0xe000);
	assert_int_equal(dec("\0", 1, &cp), 1);                /* NUL is a code point */
	assert_int_equal(cp, 0);
}

static void
expect_invalid(const char *s, size_t len)
{
	uint32_t cp = 1;

	assert_int_equal(dec(s, len, &cp), 0);
	assert_int_equal(cp, 0xfffd);
}

static void
test_decode_invalid(void **state)
{
	(void)state;
	expect_invalid("", 0);
	expect_invalid("\x80", 1);                  /* stray continuation */
	expect_invalid("\xbf", 1);
	expect_invalid("\xc0\xaf", 2);              /* overlong '/' */
	expect_invalid("\xc1\xbf", 2);
	expect_invalid("\xe0\x80\xaf", 3);          /* overlong */
	expect_invalid("\xe0\x9f\xbf", 3);
	expect_invalid("\xf0\x80\x80\xaf", 4);      /* overlong */
	expect_invalid("\xf0\x8f\xbf\xbf", 4);
	expect_invalid("\xed\xa0\x80", 3);          /* U+D800 surrogate */
	expect_invalid("\xed\xbf\xbf", 3);          /* U+DFFF */
	expect_invalid("\xf4\x90\x80\x80", 4);      /* U+110000 */
	expect_invalid("\xf5\x80\x80\x80", 4);
	expect_invalid("\xff", 1);
	expect_invalid("\xfe", 1);
	expect_invalid("\xe4\xb8", 2);              /* truncated */
	expect_invalid("\xe4\xb8\xad", 2);          /* truncated by len */
	expect_invalid("\xe4\x41\xad", 3);          /* bad continuation */
	expect_invalid("\xf0\x9f\x98", 3);
	expect_invalid("\xc3", 1);
}

static void
test_encode_roundtrip(void **state)
{
	static const uint32_t cps[] = { 0, 0x41, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff,
		0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff };
	char out[4];
	uint32_t cp;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		n = utf8_encode(cps[i], out);
		assert_int_equal(dec(out, n, &cp), n);
		assert_int_equal(cp, cps[i]);
	}
	/* Unencodable code points become U+FFFD. */
	assert_int_equal(utf8_encode(0xd800, out), 3);
	assert_memory_equal(out, "\xef\xbf\xbd", 3);
	assert_int_equal(utf8_encode(0x110000, out), 3);
	assert_memory_equal(out, "\xef\xbf\xbd", 3);
}

static void
test_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("Merhaba dünya İstanbul ılık", strlen("Merhaba dünya İstanbul ılık")));
	assert_true(utf8_valid("مرحبا", strlen("مرحبا")));
	assert_true(utf8_valid("a\0b", 3));
	assert_false(utf8_valid("ok\xed\xa0\x80", 5));
	assert_false(utf8_valid("ok\xc3", 3));
	assert_false(utf8_valid("\xc0\x80", 2));
}

static void
test_ascii(void **state)
{
	(void)state;
	/* Under tr_TR, strcasecmp("FILE", "file") may fail; ours must not. */
	setlocale(LC_ALL, "tr_TR.UTF-8");
	assert_int_equal(ascii_tolower('I'), 'i');
	assert_int_equal(ascii_tolower('Z'), 'z');
	assert_int_equal(ascii_tolower('['), '[');
	assert_int_equal(ascii_tolower(0xdd), 0xdd);   /* Latin-1 İ untouched */
	assert_true(ascii_eq_nocase("FILE", "file"));
	assert_true(ascii_eq_nocase("Content-Type", "content-type"));
	assert_true(ascii_eq_nocase("", ""));
	assert_false(ascii_eq_nocase("file", "files"));
	assert_false(ascii_eq_nocase("files", "file"));
	assert_false(ascii_eq_nocase("İ", "i"));
	assert_false(ascii_eq_nocase("ı", "I"));
	assert_true(ascii_prefix_nocase("Bearer abc", "BEARER "));
	assert_true(ascii_prefix_nocase("x", ""));
	assert_false(ascii_prefix_nocase("Bea", "bearer"));
	assert_false(ascii_prefix_nocase("Bearer", "bearex"));
	setlocale(LC_ALL, "C");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_valid),
		cmocka_unit_test(test_decode_invalid),
		cmocka_unit_test(test_encode_roundtrip),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_ascii),
	};

	return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
