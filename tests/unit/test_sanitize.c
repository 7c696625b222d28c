/* test_sanitize.c - server text must never become terminal control. */
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

#include "core/sanitize.h"
#include "core/utf8.h"

/* sanitize_display(in, len, flags) must give exactly want. */
static void
check_len(const char *in, size_t len, unsigned flags, const char *want)
{
	char *out = sanitize_display(in, len, flags);

	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void
check(const char *in, unsigned flags, const char *want)
{
	check_len(in, (size_t)-1, flags, want);
}

/* No ESC, no C0 but \n/\t, no C1, no bidi control, valid UTF-8. */
static void
assert_inert(const char *s)
{
	size_t len = strlen(s), n;
	uint32_t cp;

	assert_true(utf8_valid(s, len));
	for (; len > 0; s += n, len -= n) {
		n = utf8_decode(s, len, &cp);
		assert_true(cp >= 0x20 || cp == '\n' || cp == '\t');
		assert_true(cp != 0x7f && (cp < 0x80 || cp > 0x9f));
		assert_false(cp >= 0x202a && cp <= 0x202e);
		assert_false(cp >= 0x2066 && cp <= 0x2069);
	}
}

static void
test_null_and_empty(void **state)
{
	(void)state;
	check(NULL, 0, "");
	check_len(NULL, 5, 0, "");
	check("", 0, "");
	check_len("abc", 0, 0, "");
}

static void
test_escape_sequences(void **state)
{
	(void)state;
	check("\x1b[2J", 0, "^[[2J");                        /* clear screen */
	check("\x1b]0;x\x07", 0, "^[]0;x^G");               /* OSC 0 title */
	check("\x1b]52;c;ZXZpbA==\x07", 0, "^[]52;c;ZXZpbA==^G"); /* OSC 52 clipboard */
	check("\x1b]8;;http://evil/\x1b\\click\x1b]8;;\x1b\\", 0,
	    "^[]8;;http://evil/^[\\click^[]8;;^[\\");          /* OSC 8 link */
	check("a\rb\x08\x7f", 0, "a^Mb^H^?");
	check("\x01\x1f", 0, "^A^_");
}

static void
test_newlines_and_tabs(void **state)
{
	(void)state;
	check("a\nb\tc", 0, "a^Jb c");
	check("a\nb\tc", SAN_KEEP_NEWLINES, "a\nb c");
	check("a\nb\tc", SAN_KEEP_TABS, "a^Jb\tc");
	check("a\nb\tc", SAN_KEEP_NEWLINES | SAN_KEEP_TABS, "a\nb\tc");
	check("a\r\nb", SAN_KEEP_NEWLINES, "a^M\nb");
}

static void
test_c1_controls(void **state)
{
	(void)state;
	check("\xc2\x9b" "2J", 0, "<U+009B>2J");   /* C1 CSI */
	check("\xc2\x9d" "0;t\xc2\x9c", 0, "<U+009D>0;t<U+009C>");
	check("\xc2\x80\xc2\x9f", 0, "<U+0080><U+009F>");
	check("\xc2\xa0", 0, "\xc2\xa0");          /* NBSP is text */
}

static void
test_bidi_and_invisible(void **state)
{
	(void)state;
	check("abc\xe2\x80\xaexyz", 0, "abc<U+202E>xyz");       /* RLO */
	check("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 0,
	    "<U+202A><U+202B><U+202C><U+202D>");
	check("\xe2\x81\xa6x\xe2\x81\xa7y\xe2\x81\xa8z\xe2\x81\xa9", 0,
	    "<U+2066>x<U+2067>y<U+2068>z<U+2069>");               /* isolates */
	check("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", 0, "<U+200E><U+200F><U+061C>");
	check("a\xe2\x80\x8b" "b\xe2\x80\x8c" "c\xe2\x80\x8d" "d", 0,
	    "a<U+200B>b\xe2\x80\x8c" "c\xe2\x80\x8d" "d");  /* ZWSP hidden; ZWNJ, ZWJ pass */
	/* Urdu needs ZWNJ inside words: it passes untouched. */
	check("\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xb1\xd8\xa7", 0,
	    "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xb1\xd8\xa7");
	check("\xe2\x81\xa0\xe2\x81\xa4\xef\xbb\xbf", 0, "<U+2060><U+2064><U+FEFF>");
	check("soft\xc2\xad" "hyphen\xe1\xa0\x8e", 0, "soft<U+00AD>hyphen<U+180E>");
	check("\xef\xbf\xb9\xef\xbf\xbb", 0, "<U+FFF9><U+FFFB>");
	check("l\xe2\x80\xa8p\xe2\x80\xa9", 0, "l<U+2028>p<U+2029>");
	check("\xf3\xa0\x80\x81", 0, "<U+E0001>");                /* tag: >4 hex digits */
}

static void
test_invalid_utf8(void **state)
{
	(void)state;
	check("a\xff" "b", 0, "a\xef\xbf\xbd" "b");
	check("\xc0\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd");          /* overlong: per byte */
	check("\xe0\x80\xaf", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	check("\xed\xa0\x80", 0, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* surrogate */
	check("\xf4\x90\x80\x80", 0,
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");      /* > U+10FFFF */
	check("x\xe4\xb8", 0, "x\xef\xbf\xbd\xef\xbf\xbd");         /* truncated */
	check("\xc2\x1b[2J", 0, "\xef\xbf\xbd^[[2J");               /* ESC not eaten */
	check("\x80", 0, "\xef\xbf\xbd");
}

static void
test_nul_and_length(void **state)
{
	(void)state;
	check_len("a\0\x1b[2Jb", 7, 0, "a^@^[[2Jb");
	check_len("abc", 2, 0, "ab");
	check_len("\xe4\xb8\xad", 2, 0, "\xef\xbf\xbd\xef\xbf\xbd"); /* cut by len */
	check("a\0b", 0, "a");                                     /* NUL-terminated */
}

static void
test_scripts_unchanged(void **state)
{
	static const char *const texts[] = {
		"مرحبا، كيف حالك اليوم؟",                 /* Arabic */
		"آپ کی اگلی ملاقات کل ہے۔",               /* Urdu */
		"Randevunuz yarın saat 10:00'da. İyi günler, ığdır ŞÇÖÜ",
		"您的预约是明天上午十点。",                /* Chinese */
		"次の予約は明日です",                       /* Japanese */
		"다음 예약은 내일입니다",                  /* Korean */
		"Ελληνικά, русский, עברית, हिन्दी",
		"e\xcc\x81 n\xcc\x83 a\xcc\x8a",          /* combining marks */
		"emoji \xf0\x9f\x98\x80 ok",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		check(texts[i], SAN_KEEP_NEWLINES, texts[i]);
}

static void
test_hostile_mix_is_inert(void **state)
{
	static const char hostile[] =
	    "\x1b[2J\x1b]0;pwn\x07\xc2\x9b" "31m\xe2\x80\xae\xe2\x81\xa6\x00\x0d\x7f"
	    "\xed\xa0\x80\xc0\xaf\xff\xf8\x88\x80\x80\x80\n\t";
	char *out = sanitize_display(hostile, sizeof hostile - 1, SAN_KEEP_NEWLINES | SAN_KEEP_TABS);

	(void)state;
	assert_inert(out);
	assert_null(strchr(out, '\x1b'));
	free(out);
}

static void
test_width(void **state)
{
	(void)state;
	assert_int_equal(display_width(""), 0);
	assert_int_equal(display_width(NULL), 0);
	assert_int_equal(display_width("hello"), 5);
	assert_int_equal(display_width("中文"), 4);                /* CJK: 2 each */
	assert_int_equal(display_width("e\xcc\x81"), 1);           /* combining: 0 */
	assert_int_equal(display_width("\xd8\xa8\xd9\x8e"), 1);       /* Arabic fatha: 0 */
	assert_int_equal(display_width("İstanbul"), 8);
	assert_int_equal(display_width("مرحبا"), 5);
	assert_int_equal(display_width("\x01"), 1);                /* non-printable: 1 */
	assert_int_equal(display_width("\xff"), 1);                /* invalid byte: 1 */
}

static void
check_trunc(const char *s, int cols, const char *want, int want_used)
{
	int used = -1;
	char *out = display_truncate(s, cols, &used);

	assert_string_equal(out, want);
	assert_int_equal(used, want_used);
	free(out);
}

static void
test_truncate(void **state)
{
	char *out;

	(void)state;
	check_trunc("hello", 10, "hello", 5);
	check_trunc("hello", 3, "hel", 3);
	check_trunc("hello", 0, "", 0);
	check_trunc("hello", -4, "", 0);
	check_trunc("中文字", 3, "中", 2);                         /* never half a CJK */
	check_trunc("中文字", 4, "中文", 4);
	check_trunc("ae\xcc\x81" "b", 2, "ae\xcc\x81", 2);          /* mark stays */
	check_trunc("ae\xcc\x81\xcc\xa3" "b", 2, "ae\xcc\x81\xcc\xa3", 2);
	check_trunc("a中\xcc\x81", 2, "a", 1);                      /* no orphan mark */
	check_trunc("İğ", 1, "İ", 1);
	check_trunc("\xcc\x9b", 0, "\xcc\x9b", 0);                  /* fuzz: lone mark */
	out = display_truncate("abc", 2, NULL);
	assert_string_equal(out, "ab");
	free(out);
	out = display_truncate(NULL, 2, NULL);
	assert_string_equal(out, "");
	free(out);
}

static int
setup(void **state)
{
	(void)state;
	/* The environment's locale if it is UTF-8 (e.g. tr_TR.UTF-8), else C.UTF-8. */
	if (setlocale(LC_ALL, "") != NULL && strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		return 0;
	return setlocale(LC_ALL, "C.UTF-8") == NULL ? -1 : 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_null_and_empty),
		cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_newlines_and_tabs),
		cmocka_unit_test(test_c1_controls),
		cmocka_unit_test(test_bidi_and_invisible),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nul_and_length),
		cmocka_unit_test(test_scripts_unchanged),
		cmocka_unit_test(test_hostile_mix_is_inert),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_truncate),
	};

	return cmocka_run_group_tests_name("sanitize", tests, setup, NULL);
}
