/* bidi.h - right-to-left text for the terminal: GNU FriBidi reorders, shapes and
 * mirrors, we wrap and measure.
 *
 * A full-screen program cannot leave bidi to the terminal (most do none, some do
 * their own and fight ours): every string is turned into visual order here, left
 * to right as the cells are filled, with Arabic letters in their presentation
 * forms, and the caller writes it as it is. Pure functions, no curses.
 *
 * Input is UTF-8 that has been through sanitize_display(): server text carries no
 * bidi controls of its own. The only controls these functions expect are the
 * isolates bidi_isolate() adds; they, the U+FEFF fillers shaping leaves and every
 * other invisible format character (ZWJ, ZWNJ, LRM, RLM, ALM...) are consumed and
 * never reach the screen, so the widths given back are the columns the terminal
 * uses (wcwidth: wide = 2, combining = 0, unprintable = 1). Combining marks stay
 * after their base character. */
#ifndef EZRIZI_UI_BIDI_H
#define EZRIZI_UI_BIDI_H

#include <stdbool.h>
#include <stddef.h>

enum bidi_dir { BIDI_LTR, BIDI_RTL, BIDI_AUTO };

/* One display line: text in visual order (left to right on the screen), its width
 * in columns, and whether its paragraph is right-to-left (resolved, also for
 * BIDI_AUTO): an RTL line is right-aligned, padded on the left with the columns
 * it leaves free. */
struct bidi_line {
	char *text;   /* owned */
	int width;
	bool rtl;
};

struct bidi_lines {
	struct bidi_line *v;
	size_t n;
};

/* Wraps text ('\n' separates paragraphs; each paragraph gives at least one line)
 * at spaces to `width` columns by logical order, cutting words longer than a line,
 * then reorders each display line, so the first line of an RTL paragraph holds its
 * first words. Each paragraph's direction is `base`; BIDI_AUTO takes it from the
 * first strong character outside isolates, `fallback` (LTR when AUTO too) when
 * there is none. A width below 1 counts as 1; a character wider than the width
 * gets a line of its own.
 * Appends to *out: start from `struct bidi_lines l = { 0 }` (or a finished one)
 * and release with bidi_lines_finish(). */
void bidi_wrap(const char *text, int width, enum bidi_dir base, enum bidi_dir fallback,
	       struct bidi_lines *out);
/* Frees the lines and leaves *l empty, ready for bidi_wrap() again. */
void bidi_lines_finish(struct bidi_lines *l);

/* One line, not wrapped ('\n' counts as a space): visual order, cut to `width`
 * columns at the LOGICAL end, i.e. what is read last goes (on the right for LTR,
 * on the left for RTL). BIDI_AUTO falls back to LTR. Returns a new string
 * (free()); *used (may be NULL) gets its width. NULL text is "". */
char *bidi_visual(const char *text, int width, enum bidi_dir base, int *used);

/* Like bidi_visual, for text that may not fit: a cut text ends in "…", in the
 * last column read (on the right for LTR, on the left for RTL), and what is kept
 * of it is shaped as a string of its own: an Arabic word cut in the middle ends in
 * its final form, not in the medial form it had in the whole word. A
 * right-to-left word is not cut after its first letter or two ("فاطمة ا…"): the
 * words before it are kept ("فاطمة…"). */
char *bidi_visual_cut(const char *text, int width, enum bidi_dir base, int *used);

/* The columns text takes on one line once shaped (a lam-alef is one column):
 * the width bidi_visual() gives it. */
int bidi_width(const char *text);

/* Returns a new string (free()): s inside U+2068 FIRST STRONG ISOLATE ... U+2069
 * POP DIRECTIONAL ISOLATE, so a name, time or id keeps its own order and does not
 * pull neighbouring numbers into it, inside a line of the other direction. Apply
 * it after sanitize_display() (which would show the isolates as "<U+2068>"). NULL
 * is "". */
char *bidi_isolate(const char *s);

/* Returns a new string (free()): each paragraph of s ('\n' apart) inside U+2066
 * LEFT-TO-RIGHT or U+2067 RIGHT-TO-LEFT ISOLATE ... U+2069, by the paragraph's
 * own direction (bidi_text_dir, `fallback` when it has no strong character).
 * For data after words of ours on one line ("10:34 Name: " and a message): the
 * data keeps its order, and our spaces and indents keep theirs, whatever line a
 * wrap puts each part on. */
char *bidi_isolate_text(const char *s, enum bidi_dir fallback);

/* Returns a new string (free()): s with every run of digits joined by a hyphen
 * outside isolates ("2026-11-30", "2026-11-30T10:00", "01-12"; Latin or
 * Arabic-Indic digits) made a left-to-right isolate. A hyphen between two
 * numbers is no part of either, so a right-to-left line turns such a run
 * around ("30-11-2026"): a date is an isolate, never reversed. */
char *bidi_isolate_numbers(const char *s);

/* The direction text resolves to (first strong character outside isolates, in its
 * first paragraph), `fallback` when it has none (LTR when that is AUTO too). */
enum bidi_dir bidi_text_dir(const char *text, enum bidi_dir fallback);

/* The direction of the UI language, as gettext picks it: the first entry of
 * LANGUAGE unless the LC_MESSAGES locale is C/POSIX (gettext then ignores it and
 * does not translate), else the LC_MESSAGES locale set by setlocale(). RTL for ar
 * and ur (and fa, he, ps, ug, yi, ckb, dv should they come), LTR otherwise. */
enum bidi_dir bidi_ui_dir(void);

/* The visual column, in the line bidi_visual(text, INT_MAX, base, NULL) gives, of
 * the terminal cursor for the insertion point before code point logical_index of
 * text: on the cell of the character at that index, whatever its direction (a
 * combining mark or a lam-alef's alef: on its base or ligature). At or past the
 * end: just after the last character in reading order, i.e. right of it when it is
 * LTR and left of it when it is RTL, which is -1 at the left edge of an RTL line:
 * right-aligned text then needs one free cell on its left. Empty text: 0 for LTR,
 * -1 for RTL. */
int bidi_cursor_column(const char *text, size_t logical_index, enum bidi_dir base);

#endif
