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

#include "core/cmd.h"
#include "core/config.h"
#include "core/sanitize.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/draw.h"
#include "ui/help.h"
#include "ui/keys.h"
#include "ui/localfmt.h"
#include "ui/cmd_screen.h"
#include "ui/commands.h"
#include "ui/state.h"
#include "ui/status.h"

#include "keys_fixture.h"

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
	/* RTL: the end read last is on the left; what stays is the right part,
	 * the first two letters, shaped as cut (beh initial, yeh final). */
	full = vis("بيت", BIDI_RTL, NULL);
	out = bidi_visual("بيت", 2, BIDI_RTL, &used);
	assert_int_equal(used, 2);
	assert_string_equal(out, "\uFEF2\uFE91");
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

/* arabic_cut_shaped: a cut Arabic word is shaped as cut, its last letter in
 * its final form (the list cut "الخطيب" to "الخط" in joined medial forms). */
static void
test_arabic_cut_shaped(void **state)
{
	char *out;
	int used;

	(void)state;
	/* "الخ": alef isolated, lam initial, khah final (not medial U+FEA8). */
	out = bidi_visual("الخطيب", 3, BIDI_RTL, &used);
	assert_string_equal(out, "\uFEA6\uFEDF\uFE8D");
	assert_int_equal(used, 3);
	free(out);
	/* With the ellipsis, read last: on the left. */
	out = bidi_visual_cut("الخطيب", 4, BIDI_AUTO, &used);
	assert_string_equal(out, "…\uFEA6\uFEDF\uFE8D");
	assert_int_equal(used, 4);
	free(out);
	/* A name cut in an English line: the kept letters end in a final form, and
	 * the ellipsis ends the name, inside its isolate. */
	out = bidi_visual_cut("Notes: \u2068فاطمة الخطيب\u2069", 17, BIDI_LTR, &used);
	assert_int_equal(used, 17);
	assert_true(starts_with(out, "Notes: …"));
	assert_non_null(strstr(out, "\uFEA6\uFEDF\uFE8D"));
	assert_null(strstr(out, "\uFEA8"));
	free(out);
	/* Not after a word's first letter or two: "فاطمة ا…" is "فاطمة…". */
	out = bidi_visual_cut("فاطمة الخطيب", 8, BIDI_AUTO, &used);
	assert_string_equal(out, "…\uFE94\uFEE4\uFec3\uFe8e\uFed3");
	assert_int_equal(used, 6);
	free(out);
	/* A Latin initial stays: "Chloe H…". */
	out = bidi_visual_cut("Chloe Hughes", 8, BIDI_LTR, &used);
	assert_string_equal(out, "Chloe H…");
	free(out);
}

/* list_names_ellipsis_12h: a cut name ends in "…"; one that fits has none. */
static void
test_list_names_ellipsis(void **state)
{
	char *out;
	int used;

	(void)state;
	out = bidi_visual_cut("Chloe Hughes", 10, BIDI_LTR, &used);
	assert_string_equal(out, "Chloe Hug…");
	assert_int_equal(used, 10);
	free(out);
	out = bidi_visual_cut("Chloe Hughes", 12, BIDI_LTR, &used);
	assert_string_equal(out, "Chloe Hughes");
	free(out);
	out = bidi_visual_cut("Chloe Hughes", 1, BIDI_LTR, &used);
	assert_string_equal(out, "…");
	free(out);
	out = bidi_visual_cut("Chloe Hughes", 0, BIDI_LTR, &used);
	assert_string_equal(out, "");
	assert_int_equal(used, 0);
	free(out);
	/* A wide character that does not fit before the ellipsis is left out. */
	out = bidi_visual_cut("ab日本", 4, BIDI_LTR, &used);
	assert_string_equal(out, "ab…");
	assert_int_equal(used, 3);
	free(out);
}

/* week_title_date_order: an ISO date in an Arabic title reads in its own
 * order; a hyphen between two numbers turned it around ("30-11-2026"). */
static void
test_week_title_date_order(void **state)
{
	char *iso, *out;

	(void)state;
	/* The bug, as it was: the runs of the date reversed. */
	out = vis("أسبوع 2026-11-30: 7", BIDI_RTL, NULL);
	assert_non_null(strstr(out, "30-11-2026"));
	free(out);
	iso = bidi_isolate_numbers("أسبوع 2026-11-30: 7");
	out = vis(iso, BIDI_RTL, NULL);
	assert_non_null(strstr(out, "2026-11-30"));
	assert_true(starts_with(out, "7 :"));
	free(out);
	free(iso);
	/* Arabic-Indic digits too, and an instant. */
	iso = bidi_isolate_numbers("أسبوع ٢٠٢٦-١١-٣٠");
	out = vis(iso, BIDI_RTL, NULL);
	assert_non_null(strstr(out, "٢٠٢٦-١١-٣٠"));
	free(out);
	free(iso);
	iso = bidi_isolate_numbers("موعد 2026-11-30T10:00 غداً");
	out = vis(iso, BIDI_RTL, NULL);
	assert_non_null(strstr(out, "2026-11-30T10:00"));
	free(out);
	free(iso);
	/* Numbers with no hyphen, and data already isolated, are left alone. */
	iso = bidi_isolate_numbers("10:00 \u20682026-11-30\u2069 3");
	assert_string_equal(iso, "10:00 \u20682026-11-30\u2069 3");
	free(iso);
}

/* ---- lines of ours with data in them ---- */

/* What the screen draws for line i of l in an LTR UI (ui_put: its direction
 * from its first strong character outside isolates, else the UI's). */
static char *
drawn_ltr(const struct tlines *l, size_t i)
{
	return vis(l->v[i].text, bidi_text_dir(l->v[i].text, BIDI_LTR), NULL);
}

/* chat_rtl_line_keeps_space_and_indent: in the English screen an Arabic
 * message keeps the space after "Name:", and its continuation lines the
 * hanging indent English ones have. */
static void
test_chat_rtl_line_keeps_space_and_indent(void **state)
{
	const char *msg = "أهلاً، بالتأكيد. ما الوقت المناسب لك؟";
	char *name = bidi_isolate("أمينة الحسيني"), *text = bidi_isolate_text(msg, BIDI_LTR);
	char *line = xasprintf("10:34 %s: %s", name, text), *plain = xasprintf("10:34 %s: %s", name, msg);
	char *first = vis("أهلاً،", BIDI_RTL, NULL), *out;
	struct tlines l;

	(void)state;
	tlines_init(&l);
	/* The bug, as it was: the line resolved right to left, its head and its
	 * continuation's indent went to the other end. */
	tlines_wrap(&l, plain, 30, 6, 0, 0);
	assert_true(l.n >= 2);
	out = drawn_ltr(&l, 1);
	assert_false(starts_with(out, "      "));
	free(out);
	tlines_clear(&l);
	tlines_wrap(&l, line, 30, 6, 0, 0);
	assert_true(l.n >= 2);
	out = drawn_ltr(&l, 0);
	assert_true(starts_with(out, "10:34 "));
	/* ": " then the message, its first word read first, at the right end. */
	assert_non_null(strstr(out, ": "));
	assert_true(ends_with(out, first));
	free(out);
	for (size_t i = 1; i < l.n; i++) {
		out = drawn_ltr(&l, i);
		assert_true(starts_with(out, "      "));
		assert_false(starts_with(out, "       "));
		free(out);
	}
	tlines_finish(&l);
	free(first);
	free(plain);
	free(line);
	free(text);
	free(name);
}

/* A name an isolate, cut by the wrap: both lines keep their indent. */
static void
test_wrap_closes_and_reopens_isolates(void **state)
{
	char *name = bidi_isolate("أمينة الحسيني"), *line = xasprintf("Mon 23 Nov 11:50 AM  progress  signed  %s", name);
	struct tlines l;
	int depth = 0;

	(void)state;
	tlines_init(&l);
	/* "Mon 23 Nov 11:50", "  AM  progress", "  signed  أمينة", "  الحسيني" */
	tlines_wrap(&l, line, 16, 2, 0, 0);
	assert_int_equal(l.n, 4);
	assert_non_null(strstr(l.v[3].text, "الحسيني"));
	for (size_t i = 0; i < l.n; i++) {
		char *out = drawn_ltr(&l, i);

		if (i > 0)
			assert_true(starts_with(out, "  ") && !starts_with(out, "   "));
		/* Every line closes what it opens. */
		for (const char *p = l.v[i].text; *p != '\0'; p++) {
			if (strncmp(p, "\u2068", 3) == 0)
				depth++;
			if (strncmp(p, "\u2069", 3) == 0)
				depth--;
		}
		assert_int_equal(depth, 0);
		free(out);
	}
	tlines_finish(&l);
	free(line);
	free(name);
}

static void
test_isolate_text_per_paragraph(void **state)
{
	char *s;

	(void)state;
	s = bidi_isolate_text("Hello\nمرحبا\n12", BIDI_RTL);
	assert_string_equal(s, "\u2066Hello\u2069\n\u2067مرحبا\u2069\n\u206712\u2069");
	free(s);
	s = bidi_isolate_text(NULL, BIDI_LTR);
	assert_string_equal(s, "\u2066\u2069");
	free(s);
}

/* ---- digits, days, letters and the help ---- */

/* arabic_one_digit_system: with Arabic digits, the numbers of ours (a title's
 * count, a time) are Arabic-Indic; an isolated address keeps its own. */
static void
test_arabic_one_digit_system(void **state)
{
	struct config *cfg = config_of("digits = arabic\n");
	char *s, hm[32];

	(void)state;
	lf_init(cfg);
	s = lf_digits("Today: 4 sessions, \u2068127.0.0.1:8080\u2069 3");
	assert_string_equal(s, "Today: ٤ sessions, \u2068127.0.0.1:8080\u2069 ٣");
	free(s);
	lf_time(36000, hm, sizeof hm);   /* 10:00 UTC */
	for (const char *p = hm; *p != '\0'; p++)
		assert_false(*p >= '0' && *p <= '9');
	config_destroy(cfg);
	cfg = config_of("digits = latin\n");
	lf_init(cfg);
	s = lf_digits("Today: 4 sessions");
	assert_string_equal(s, "Today: 4 sessions");
	free(s);
	config_destroy(cfg);
}

/* weekday_never_one_letter: ar_SA's abbreviated weekdays are single letters
 * ("ر" for Wednesday): dates say the name; ur_PK's abbreviations are names. */
static void
test_weekday_never_one_letter(void **state)
{
	struct config *cfg = config_of("");
	struct tm tm = { .tm_year = 126, .tm_mon = 11, .tm_mday = 2, .tm_wday = 3 };
	char wd[64];

	(void)state;
	assert_non_null(setlocale(LC_TIME, "ar_SA.UTF-8"));
	lf_init(cfg);
	lf_weekday(&tm, wd, sizeof wd);
	assert_string_equal(wd, "الأربعاء");
	tm.tm_wday = 5;   /* glibc's "الجمعـة", without its tatweel */
	lf_weekday(&tm, wd, sizeof wd);
	assert_string_equal(wd, "الجمعة");
	for (tm.tm_wday = 0; tm.tm_wday < 7; tm.tm_wday++) {
		lf_weekday(&tm, wd, sizeof wd);
		assert_true(bidi_width(wd) > 1);
	}
	assert_true(lf_weekday_width() >= 5);
	assert_non_null(setlocale(LC_TIME, "ur_PK.UTF-8"));
	lf_init(cfg);
	tm.tm_wday = 3;
	lf_weekday(&tm, wd, sizeof wd);
	assert_string_equal(wd, "بدھ");
	/* Urdu's heh and yeh, not glibc's Arabic ones. */
	tm.tm_wday = 5;
	lf_weekday(&tm, wd, sizeof wd);
	assert_string_equal(wd, "جمعہ");
	tm.tm_wday = 6;
	lf_weekday(&tm, wd, sizeof wd);
	assert_string_equal(wd, "ہفتہ");
	tm.tm_wday = 1;
	lf_weekday(&tm, wd, sizeof wd);
	assert_string_equal(wd, "پیر");
	/* 12-hour times make the time column wider. */
	assert_non_null(setlocale(LC_TIME, "en_US.UTF-8"));
	lf_init(cfg);
	assert_int_equal(lf_time_width(), 8);
	tm.tm_wday = 3;
	lf_weekday(&tm, wd, sizeof wd);
	assert_string_equal(wd, "Wed");
	assert_non_null(setlocale(LC_TIME, "C.UTF-8"));
	lf_init(cfg);
	assert_int_equal(lf_time_width(), 5);
	config_destroy(cfg);
}

static const char *
letters_arabic(const char *msgid)
{
	static const char *const v[][2] = {
		{ "booked|B", "م" }, { "checked in|C", "ح" }, { "fulfilled|F", "ت" },
		{ "cancelled|X", "ل" }, { "no-show|N", "غ" }, { "pending|P", "ع" }, { "waitlist|W", "ق" },
	};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		if (strcmp(msgid, v[i][0]) == 0)
			return v[i][1];
	}
	return msgid;
}

static const char *
letters_alike(const char *msgid)
{
	return strcmp(msgid, "booked|B") == 0 || strcmp(msgid, "cancelled|X") == 0 ? "x|Z" : msgid;
}

static const char *
letters_word(const char *msgid)
{
	return strcmp(msgid, "booked|B") == 0 ? "محجوز" : msgid;
}

static const char *
untranslated(const char *msgid)
{
	return msgid;
}

/* status_letters_translated: a catalogue's letters are used when there is one
 * distinct letter a status; otherwise every status keeps its English one. */
static void
test_status_letters_translated(void **state)
{
	(void)state;
	assert_true(status_letters_init(untranslated));
	assert_string_equal(status_look_of("booked")->letter, "B");
	assert_string_equal(status_look_of("arrived")->letter, "C");
	assert_string_equal(status_look_of("checked-in")->letter, "C");
	assert_string_equal(status_look_of("proposed")->letter, "P");
	assert_string_equal(status_look_of("nonsense")->letter, "?");
	assert_string_equal(status_look_of(NULL)->letter, "?");
	assert_true(status_letters_init(letters_arabic));
	assert_string_equal(status_look_of("booked")->letter, "م");
	assert_string_equal(status_look_of("noshow")->letter, "غ");
	assert_false(status_letters_init(letters_alike));
	assert_string_equal(status_look_of("booked")->letter, "B");
	assert_string_equal(status_look_of("cancelled")->letter, "X");
	assert_false(status_letters_init(letters_word));
	assert_string_equal(status_look_of("booked")->letter, "B");
	assert_true(status_letters_init(untranslated));
}

/* help_describes_commands: the help groups the keys of one command and says
 * what each does in words; every binding and every command is in it. */
static void
test_help_describes_commands(void **state)
{
	struct config *cfg = config_of("bind z day next\nbind F5 appointments --date tomorrow\n");
	struct keymap keys;
	struct error err;
	struct tlines l;
	struct buf all;
	size_t nc;
	const struct cmd_entry *const *tab;
	bool down = false, cancel = false, next_day = false, f5 = false;

	(void)state;
	error_clear(&err);
	ui_register_commands();   /* one registry: the screen's commands and the core's */
	tab = cmd_table(&nc);
	assert_true(keymap_init(&keys, cfg, ui_check_line, &err));
	tlines_init(&l);
	help_build(&l, 80, &keys);
	buf_init(&all);
	for (size_t i = 0; i < l.n; i++) {
		char *t = vis(l.v[i].text, BIDI_LTR, NULL);

		down = down || (starts_with(t, "  j ↓ ") && ends_with(t, "Move down."));
		cancel = cancel || (starts_with(t, "  x ") && strstr(t, "Cancel an appointment") != NULL &&
				    strstr(t, "Asks for the reason") != NULL);
		next_day = next_day || (starts_with(t, "  ] z → ") && strstr(t, "Show the next day") != NULL);
		f5 = f5 || (starts_with(t, "  F5 ") && strstr(t, "List appointments") != NULL);
		buf_adds(&all, t);
		buf_addc(&all, '\n');
		free(t);
	}
	assert_true(down);
	assert_true(cancel);
	assert_true(next_day);
	assert_true(f5);
	/* No command strings for people... */
	assert_null(strstr(all.data, "select down"));
	assert_null(strstr(all.data, "confirm checkin"));
	assert_null(strstr(all.data, "text reason"));
	assert_null(strstr(all.data, "--reason"));
	/* ...but every command, by name, with its synopsis. */
	for (size_t i = 0; i < nc; i++)
		assert_non_null(strstr(all.data, tab[i]->name));
	/* And every key. */
	assert_non_null(strstr(all.data, "  q C-c "));
	assert_non_null(strstr(all.data, "  ? F1 "));
	assert_non_null(strstr(all.data, "  S-Tab "));
	assert_non_null(strstr(all.data, "Status letters"));
	buf_finish(&all);
	tlines_finish(&l);
	keymap_finish(&keys);
	config_destroy(cfg);
	cmd_unregister();
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
		cmocka_unit_test(test_arabic_cut_shaped),
		cmocka_unit_test(test_list_names_ellipsis),
		cmocka_unit_test(test_week_title_date_order),
		cmocka_unit_test(test_chat_rtl_line_keeps_space_and_indent),
		cmocka_unit_test(test_wrap_closes_and_reopens_isolates),
		cmocka_unit_test(test_isolate_text_per_paragraph),
		cmocka_unit_test(test_arabic_one_digit_system),
		cmocka_unit_test(test_weekday_never_one_letter),
		cmocka_unit_test(test_status_letters_translated),
		cmocka_unit_test(test_help_describes_commands),
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
