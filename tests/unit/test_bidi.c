/* test_bidi.c - right-to-left text reaches the screen in visual order, shaped,
 * with widths the terminal agrees with. */
#include <limits.h>
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
#include "core/xmalloc.h"
#include "ui/bidi.h"

#define FILLER "\xEF\xBB\xBF"   /* U+FEFF in UTF-8 */

/* bidi_visual without a width limit; its width must be what display_width()
 * measures and no invisible character may be left. */
static char *
vis(const char *s, enum bidi_dir base, int *width)
{
	int used = -1;
	char *out = bidi_visual(s, INT_MAX, base, &used);

	assert_non_null(out);
	assert_int_equal(used, display_width(out));
	assert_null(strstr(out, FILLER));
	assert_null(strstr(out, "\u2068"));
	assert_null(strstr(out, "\u2069"));
	if (width != NULL)
		*width = used;
	return out;
}

static void
check_vis(const char *in, enum bidi_dir base, const char *want, int want_width)
{
	int w;
	char *out = vis(in, base, &w);

	assert_string_equal(out, want);
	assert_int_equal(w, want_width);
	free(out);
}

/* The first code point of s. */
static uint32_t
first_cp(const char *s)
{
	uint32_t cp;

	assert_true(utf8_decode(s, strlen(s), &cp) > 0);
	return cp;
}

static bool
ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

static bool
starts_with(const char *s, const char *head)
{
	return strncmp(s, head, strlen(head)) == 0;
}

/* ---- one line ---- */

static void
test_ltr_unchanged(void **state)
{
	(void)state;
	check_vis("Hello, world (123)", BIDI_LTR, "Hello, world (123)", 18);
	check_vis("İstanbul'da ğüşıö", BIDI_LTR, "İstanbul'da ğüşıö", 17);
	check_vis("Selamat pagi, Puan", BIDI_AUTO, "Selamat pagi, Puan", 18);
	check_vis("", BIDI_LTR, "", 0);
	check_vis("", BIDI_RTL, "", 0);
}

static void
test_arabic_shaped_reversed(void **state)
{
	(void)state;
	/* seen initial, lam-alef final ligature, meem isolated: right to left. */
	check_vis("سلام", BIDI_RTL, "\uFEE1\uFEFC\uFEB3", 3);
	check_vis("سلام", BIDI_AUTO, "\uFEE1\uFEFC\uFEB3", 3);
	/* beh initial, yeh medial, teh final. */
	check_vis("بيت", BIDI_RTL, "\uFE96\uFEF4\uFE91", 3);
	/* An LTR paragraph reverses the Arabic run all the same. */
	check_vis("بيت", BIDI_LTR, "\uFE96\uFEF4\uFE91", 3);
}

static void
test_lam_alef_ligature(void **state)
{
	struct bidi_lines l = { 0 };

	(void)state;
	check_vis("لا", BIDI_RTL, "\uFEFB", 1);
	check_vis("لا", BIDI_LTR, "\uFEFB", 1);
	/* In wrapped text too, and the width counts the ligature once. */
	bidi_wrap("لا لا", 80, BIDI_AUTO, BIDI_LTR, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].text, "\uFEFB \uFEFB");
	assert_int_equal(l.v[0].width, 3);
	assert_true(l.v[0].rtl);
	bidi_lines_finish(&l);
}

static void
test_mirroring(void **state)
{
	char *out;

	(void)state;
	/* "(" read first in RTL is on the right, drawn as the closing glyph. */
	out = vis("(سلام)", BIDI_RTL, NULL);
	assert_int_equal(out[0], '(');
	assert_true(ends_with(out, ")"));
	free(out);
}

static void
test_mixed_in_ltr(void **state)
{
	char *name = bidi_isolate("أحمد"), *line, *out, *arabic;

	(void)state;
	arabic = vis("أحمد", BIDI_RTL, NULL);
	/* Isolated, the name stays where it is and the time after it. */
	line = xasprintf("Client: %s 10:30", name);
	out = vis(line, BIDI_LTR, NULL);
	assert_true(starts_with(out, "Client: "));
	assert_true(ends_with(out, " 10:30"));
	assert_non_null(strstr(out, arabic));
	free(out);
	/* Not isolated, the number joins the Arabic run and jumps before the name:
	 * the reason for bidi_isolate(). "Client:" stays first either way. */
	out = vis("Client: أحمد 10:30", BIDI_LTR, NULL);
	assert_true(starts_with(out, "Client: 10:30 "));
	assert_true(ends_with(out, arabic));
	free(out);
	free(line);
	free(name);
	free(arabic);
}

static void
test_latin_id_in_rtl(void **state)
{
	char *a = vis("مرحبا", BIDI_RTL, NULL), *b = vis("شكرا", BIDI_RTL, NULL);
	char *want = xasprintf("%s pat-0042 %s", b, a), *out;
	int w;

	(void)state;
	out = vis("مرحبا pat-0042 شكرا", BIDI_RTL, &w);
	assert_string_equal(out, want);
	assert_int_equal(w, 4 + 1 + 8 + 1 + 5);
	free(out);
	free(want);
	free(a);
	free(b);
}

static void
test_isolated_time_in_urdu(void **state)
{
	char *t = bidi_isolate("10:30 AM"), *line = xasprintf("ملاقات %s بجے", t);
	char *first = vis("ملاقات", BIDI_RTL, NULL), *last = vis("بجے", BIDI_RTL, NULL);
	char *plain, *iso;

	(void)state;
	plain = vis("ملاقات 10:30 AM بجے", BIDI_RTL, NULL);
	iso = vis(line, BIDI_RTL, NULL);
	/* Without the isolate the AM pulls ahead of the time... */
	assert_non_null(strstr(plain, "AM 10:30"));
	/* ...with it the time reads as written, between the same two words. */
	assert_non_null(strstr(iso, " 10:30 AM "));
	assert_true(starts_with(iso, last));
	assert_true(ends_with(iso, first));
	assert_int_equal(display_width(iso), display_width(plain));
	free(plain);
	free(iso);
	free(first);
	free(last);
	free(line);
	free(t);
}

static void
test_isolate(void **state)
{
	char *s;

	(void)state;
	s = bidi_isolate("x");
	assert_string_equal(s, "\u2068x\u2069");
	free(s);
	s = bidi_isolate(NULL);
	assert_string_equal(s, "\u2068\u2069");
	check_vis(s, BIDI_RTL, "", 0);
	free(s);
}

static void
test_text_dir(void **state)
{
	(void)state;
	assert_int_equal(bidi_text_dir("abc", BIDI_RTL), BIDI_LTR);
	assert_int_equal(bidi_text_dir("سلام abc", BIDI_LTR), BIDI_RTL);
	assert_int_equal(bidi_text_dir("12:30 سلام", BIDI_LTR), BIDI_RTL);
	assert_int_equal(bidi_text_dir("12:30", BIDI_RTL), BIDI_RTL);
	assert_int_equal(bidi_text_dir("12:30", BIDI_AUTO), BIDI_LTR);
	assert_int_equal(bidi_text_dir("", BIDI_LTR), BIDI_LTR);
	assert_int_equal(bidi_text_dir(NULL, BIDI_RTL), BIDI_RTL);
	/* Isolates are skipped: the name does not decide the line. */
	assert_int_equal(bidi_text_dir("\u2068سلام\u2069 abc", BIDI_RTL), BIDI_LTR);
	/* The first paragraph decides. */
	assert_int_equal(bidi_text_dir("abc\nسلام", BIDI_RTL), BIDI_LTR);
}

/* ---- wrapping ---- */

static void
check_lines(const struct bidi_lines *l, size_t n, const char *const *want)
{
	assert_int_equal(l->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(l->v[i].text, want[i]);
		assert_int_equal(l->v[i].width, display_width(want[i]));
	}
}

static void
test_wrap_ltr(void **state)
{
	struct bidi_lines l = { 0 };
	static const char *const want[] = { "the quick", "brown fox", "", "jumps" };

	(void)state;
	bidi_wrap("the quick brown fox\n\njumps", 10, BIDI_LTR, BIDI_LTR, &l);
	check_lines(&l, 4, want);
	assert_false(l.v[0].rtl);
	bidi_lines_finish(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
}

static void
test_wrap_before_reorder(void **state)
{
	struct bidi_lines l = { 0 };
	char *one = vis("واحد اثنان", BIDI_RTL, NULL), *two = vis("ثلاثة أربعة", BIDI_RTL, NULL);
	const char *want[] = { one, two };

	(void)state;
	bidi_wrap("واحد اثنان ثلاثة أربعة", 11, BIDI_RTL, BIDI_LTR, &l);
	/* Line one holds the first two words in reading order: the rightmost word
	 * on screen is the first one read. */
	check_lines(&l, 2, want);
	assert_true(l.v[0].rtl && l.v[1].rtl);
	assert_int_equal(l.v[0].width, 10);
	bidi_lines_finish(&l);
	free(one);
	free(two);
}

static void
test_wrap_auto_per_paragraph(void **state)
{
	struct bidi_lines l = { 0 };

	(void)state;
	bidi_wrap("Hello there\nمرحبا\n12:30", 40, BIDI_AUTO, BIDI_RTL, &l);
	assert_int_equal(l.n, 3);
	assert_false(l.v[0].rtl);
	assert_true(l.v[1].rtl);
	assert_true(l.v[2].rtl);   /* no strong character: the fallback */
	assert_string_equal(l.v[2].text, "12:30");
	/* bidi_wrap appends. */
	bidi_wrap("more", 40, BIDI_AUTO, BIDI_LTR, &l);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.v[3].text, "more");
	bidi_lines_finish(&l);
}

static void
test_wide_and_combining(void **state)
{
	struct bidi_lines l = { 0 };
	static const char *const cjk[] = { "日本", "語日", "本語" };
	char *out;

	(void)state;
	bidi_wrap("日本語日本語", 5, BIDI_AUTO, BIDI_LTR, &l);
	check_lines(&l, 3, cjk);
	assert_int_equal(l.v[0].width, 4);
	bidi_lines_finish(&l);

	check_vis("cafe\u0301 e\u0301te\u0301", BIDI_LTR, "cafe\u0301 e\u0301te\u0301", 8);
	/* Harakat: width 0, each after its letter in the output. */
	out = vis("مُحَمَّد", BIDI_RTL, NULL);
	assert_int_equal(display_width(out), 4);
	assert_true(first_cp(out) >= 0xFE70);   /* a letter, not a mark, comes first */
	free(out);
	/* A wide character and its mark never split across lines. */
	bidi_wrap("日\u0301本\u0301", 2, BIDI_LTR, BIDI_LTR, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].text, "日\u0301");
	assert_string_equal(l.v[1].text, "本\u0301");
	bidi_lines_finish(&l);
}

static void
test_long_word_cut(void **state)
{
	struct bidi_lines l = { 0 };
	static const char *const want[] = { "ab", "cdef", "ghij", "k" };
	char *full;
	uint32_t cp;

	(void)state;
	bidi_wrap("ab cdefghijk", 4, BIDI_LTR, BIDI_LTR, &l);
	check_lines(&l, 4, want);
	bidi_lines_finish(&l);
	/* An Arabic word longer than the line: the first line has its first letters,
	 * i.e. its last cell is the word's first letter (beh, initial form). */
	bidi_wrap("بببببب", 4, BIDI_RTL, BIDI_LTR, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].width, 4);
	assert_int_equal(l.v[1].width, 2);
	full = l.v[0].text;
	assert_int_equal(utf8_decode(full + strlen(full) - 3, 3, &cp), 3);
	assert_int_equal(cp, 0xFE91);
	bidi_lines_finish(&l);
}

static void
test_tiny_widths(void **state)
{
	static const char *const texts[] = {
		"日本 abc سلام لا e\u0301", "\u2068\u2069", "", "\n\n", "   ", "a  b",
	};
	struct bidi_lines l = { 0 };
	char *out;
	int used;

	(void)state;
	for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
		for (int w = -1; w <= 2; w++) {
			bidi_wrap(texts[t], w, BIDI_AUTO, BIDI_RTL, &l);
			assert_true(l.n >= 1);
			for (size_t i = 0; i < l.n; i++) {
				assert_int_equal(l.v[i].width, display_width(l.v[i].text));
				assert_true(l.v[i].width <= 2);
			}
			bidi_lines_finish(&l);
			out = bidi_visual(texts[t], w, BIDI_RTL, &used);
			assert_true(used <= (w < 0 ? 0 : w));
			assert_int_equal(used, display_width(out));
			free(out);
		}
	}
	bidi_wrap(NULL, 10, BIDI_LTR, BIDI_LTR, &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].text, "");
	bidi_lines_finish(&l);
	out = bidi_visual(NULL, 5, BIDI_LTR, NULL);
	assert_string_equal(out, "");
	free(out);
}

static void
test_visual_cuts_logical_end(void **state)
{
	char *full, *out;
	int used;

	(void)state;
	out = bidi_visual("abcdef", 3, BIDI_LTR, &used);
	assert_string_equal(out, "abc");
	assert_int_equal(used, 3);
	free(out);
	/* RTL: the end read last is on the left; what stays is the right part. */
	full = vis("بيت", BIDI_RTL, NULL);
	out = bidi_visual("بيت", 2, BIDI_RTL, &used);
	assert_int_equal(used, 2);
	assert_true(ends_with(full, out));
	assert_true(strlen(out) < strlen(full));
	free(out);
	free(full);
	/* Mixed, LTR: "Client: " and the first two letters of the name. */
	out = bidi_visual("Client: أحمد", 10, BIDI_LTR, &used);
	assert_int_equal(used, 10);
	assert_true(starts_with(out, "Client: "));
	free(out);
	/* A wide character that does not fit is left out whole. */
	out = bidi_visual("a日", 2, BIDI_LTR, &used);
	assert_string_equal(out, "a");
	assert_int_equal(used, 1);
	free(out);
	/* '\n' is a space on one line. */
	out = bidi_visual("a\nb", 10, BIDI_LTR, &used);
	assert_string_equal(out, "a b");
	free(out);
}

/* ---- the cursor ---- */

static void
test_cursor_ltr(void **state)
{
	(void)state;
	assert_int_equal(bidi_cursor_column("abc", 0, BIDI_LTR), 0);
	assert_int_equal(bidi_cursor_column("abc", 1, BIDI_LTR), 1);
	assert_int_equal(bidi_cursor_column("abc", 3, BIDI_LTR), 3);
	assert_int_equal(bidi_cursor_column("abc", 99, BIDI_LTR), 3);
	assert_int_equal(bidi_cursor_column("", 0, BIDI_LTR), 0);
	assert_int_equal(bidi_cursor_column("日本a", 1, BIDI_LTR), 2);
	assert_int_equal(bidi_cursor_column("日本a", 2, BIDI_LTR), 4);
	assert_int_equal(bidi_cursor_column("日本a", 3, BIDI_LTR), 5);
	/* A combining mark: on its base. */
	assert_int_equal(bidi_cursor_column("e\u0301x", 1, BIDI_LTR), 0);
	assert_int_equal(bidi_cursor_column("e\u0301x", 2, BIDI_LTR), 1);
}

static void
test_cursor_rtl(void **state)
{
	(void)state;
	/* visual: teh yeh beh */
	assert_int_equal(bidi_cursor_column("بيت", 0, BIDI_RTL), 2);
	assert_int_equal(bidi_cursor_column("بيت", 1, BIDI_RTL), 1);
	assert_int_equal(bidi_cursor_column("بيت", 2, BIDI_RTL), 0);
	assert_int_equal(bidi_cursor_column("بيت", 3, BIDI_RTL), -1);
	assert_int_equal(bidi_cursor_column("بيت", 3, BIDI_AUTO), -1);
	assert_int_equal(bidi_cursor_column("", 0, BIDI_RTL), -1);
	/* visual: meem, lam-alef, seen; the alef is inside the ligature's cell. */
	assert_int_equal(bidi_cursor_column("سلام", 0, BIDI_RTL), 2);
	assert_int_equal(bidi_cursor_column("سلام", 1, BIDI_RTL), 1);
	assert_int_equal(bidi_cursor_column("سلام", 2, BIDI_RTL), 1);
	assert_int_equal(bidi_cursor_column("سلام", 3, BIDI_RTL), 0);
	assert_int_equal(bidi_cursor_column("سلام", 4, BIDI_RTL), -1);
}

static void
test_cursor_mixed(void **state)
{
	(void)state;
	/* LTR "ab تيب": a0 b1 _2 teh3 yeh4 beh5 */
	assert_int_equal(bidi_cursor_column("ab بيت", 0, BIDI_LTR), 0);
	assert_int_equal(bidi_cursor_column("ab بيت", 2, BIDI_LTR), 2);
	assert_int_equal(bidi_cursor_column("ab بيت", 3, BIDI_LTR), 5);
	assert_int_equal(bidi_cursor_column("ab بيت", 4, BIDI_LTR), 4);
	assert_int_equal(bidi_cursor_column("ab بيت", 5, BIDI_LTR), 3);
	assert_int_equal(bidi_cursor_column("ab بيت", 6, BIDI_LTR), 2);
	/* RTL "abc تيب": a0 b1 c2 _3 teh4 yeh5 beh6 */
	assert_int_equal(bidi_cursor_column("بيت abc", 0, BIDI_RTL), 6);
	assert_int_equal(bidi_cursor_column("بيت abc", 3, BIDI_RTL), 3);
	assert_int_equal(bidi_cursor_column("بيت abc", 4, BIDI_RTL), 0);
	assert_int_equal(bidi_cursor_column("بيت abc", 6, BIDI_RTL), 2);
	assert_int_equal(bidi_cursor_column("بيت abc", 7, BIDI_RTL), 3);
	/* An isolate's opener: on the first character inside. */
	assert_int_equal(bidi_cursor_column("x \u2068abc\u2069", 2, BIDI_LTR), 2);
	assert_int_equal(bidi_cursor_column("x \u2068abc\u2069", 6, BIDI_LTR), 5);
}

/* Text drawn from every kind of character the functions treat apart, invalid
 * UTF-8 included: the widths hold, no line is wider than it may be, nothing
 * invisible is left, the cursor stays within the line. */
static void
test_random_text(void **state)
{
	static const char *const pool[] = {
		"a", "Z", "7", " ", " ", "  ", ":", "-", "(", ")", "ب", "ل", "ا", "لا", "\u064e",
		"\u0651", "ے", "ש", "日", "\u0301", "\u2068", "\u2069", "\u200d", "\u200c", "٣",
		"\xff", "\xd8", "\n", "İ", "😀",
	};
	unsigned seed = 12345;
	struct buf b;

	(void)state;
	buf_init(&b);
	for (int round = 0; round < 400; round++) {
		struct bidi_lines l = { 0 };
		int width = round % 13, used, col;
		size_t cps = 0;
		char *out;

		buf_reset(&b);
		for (int k = (int)(seed % 40); k >= 0; k--) {
			seed = seed * 1103515245u + 12345u;
			buf_adds(&b, pool[(seed >> 16) % (sizeof pool / sizeof pool[0])]);
		}
		bidi_wrap(b.data, width, (enum bidi_dir)(round % 3), BIDI_RTL, &l);
		for (size_t i = 0; i < l.n; i++) {
			char *clean = sanitize_display(l.v[i].text, (size_t)-1, 0);

			assert_int_equal(l.v[i].width, display_width(l.v[i].text));
			assert_true(l.v[i].width <= (width < 2 ? 2 : width));
			assert_null(strstr(l.v[i].text, FILLER));
			/* Nothing sanitize_display would flag survives. */
			assert_string_equal(clean, l.v[i].text);
			free(clean);
		}
		bidi_lines_finish(&l);
		out = bidi_visual(b.data, width, (enum bidi_dir)(round % 3), &used);
		assert_true(used <= width);
		assert_int_equal(used, display_width(out));
		free(out);
		out = bidi_visual(b.data, INT_MAX, (enum bidi_dir)(round % 3), &used);
		for (size_t i = 0; i < b.len; i++)
			cps += ((unsigned char)b.data[i] & 0xC0) != 0x80;
		for (size_t i = 0; i <= cps + 1; i += 3) {
			col = bidi_cursor_column(b.data, i, (enum bidi_dir)(round % 3));
			assert_true(col >= -1 && col <= used);
		}
		free(out);
	}
	buf_finish(&b);
}

/* ---- the UI language ---- */

static void
test_ui_dir(void **state)
{
	(void)state;
	setenv("LANGUAGE", "ar", 1);
	assert_int_equal(bidi_ui_dir(), BIDI_RTL);
	setenv("LANGUAGE", "ur", 1);
	assert_int_equal(bidi_ui_dir(), BIDI_RTL);
	setenv("LANGUAGE", "ur_PK:en", 1);
	assert_int_equal(bidi_ui_dir(), BIDI_RTL);
	setenv("LANGUAGE", ":ar_SA", 1);
	assert_int_equal(bidi_ui_dir(), BIDI_RTL);
	setenv("LANGUAGE", "tr", 1);
	assert_int_equal(bidi_ui_dir(), BIDI_LTR);
	setenv("LANGUAGE", "ms:ar", 1);
	assert_int_equal(bidi_ui_dir(), BIDI_LTR);
	setenv("LANGUAGE", "art", 1);   /* a prefix is not the language */
	assert_int_equal(bidi_ui_dir(), BIDI_LTR);
	unsetenv("LANGUAGE");
	assert_int_equal(bidi_ui_dir(), BIDI_LTR);   /* C.UTF-8 */

	/* gettext ignores LANGUAGE in the C locale and translates nothing. */
	setenv("LANGUAGE", "ar", 1);
	assert_non_null(setlocale(LC_MESSAGES, "C"));
	assert_int_equal(bidi_ui_dir(), BIDI_LTR);
	unsetenv("LANGUAGE");
	/* The locale's own language, where the test machine has it. */
	if (setlocale(LC_MESSAGES, "ar_SA.UTF-8") != NULL)
		assert_int_equal(bidi_ui_dir(), BIDI_RTL);
	if (setlocale(LC_MESSAGES, "tr_TR.UTF-8") != NULL)
		assert_int_equal(bidi_ui_dir(), BIDI_LTR);
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ltr_unchanged),
		cmocka_unit_test(test_arabic_shaped_reversed),
		cmocka_unit_test(test_lam_alef_ligature),
		cmocka_unit_test(test_mirroring),
		cmocka_unit_test(test_mixed_in_ltr),
		cmocka_unit_test(test_latin_id_in_rtl),
		cmocka_unit_test(test_isolated_time_in_urdu),
		cmocka_unit_test(test_isolate),
		cmocka_unit_test(test_text_dir),
		cmocka_unit_test(test_wrap_ltr),
		cmocka_unit_test(test_wrap_before_reorder),
		cmocka_unit_test(test_wrap_auto_per_paragraph),
		cmocka_unit_test(test_wide_and_combining),
		cmocka_unit_test(test_long_word_cut),
		cmocka_unit_test(test_tiny_widths),
		cmocka_unit_test(test_visual_cuts_logical_end),
		cmocka_unit_test(test_cursor_ltr),
		cmocka_unit_test(test_cursor_rtl),
		cmocka_unit_test(test_cursor_mixed),
		cmocka_unit_test(test_random_text),
		cmocka_unit_test(test_ui_dir),
	};

	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return 77;   /* meson: skipped */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
