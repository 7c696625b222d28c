/* draw.h - drawing helpers shared by the panes: colours and attributes, text
 * that is truncated and padded to a column width, and word wrapping.
 *
 * Every string given to these is already sanitised (sanitize_display) or is our
 * own translated text: nothing here lets server text reach the terminal raw. */
#ifndef EZRIZI_UI_DRAW_H
#define EZRIZI_UI_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

enum ui_color {
	UC_NORMAL,
	UC_FOCUS,     /* the focused pane's border and title */
	UC_ERROR,     /* error messages */
	UC_GOOD,      /* arrived, checked in */
	UC_WARN,      /* pending, proposed, waitlist */
	UC_BAD,       /* cancelled, no-show */
	UC_DONE,      /* fulfilled */
	UC_DIM,       /* secondary text */
	UC_TITLE,     /* the title bar */
};

/* Sets up colour pairs when the terminal has colours and NO_COLOR is unset. */
void ui_colors_init(void);
/* The attribute for a role: a colour pair plus emphasis, or a monochrome
 * substitute. */
int ui_attr(enum ui_color c);

/* Writes s at (y, x), cut to `width` columns (a cut text ends in "…"); with
 * pad, fills the rest of the width with spaces in the same attribute. Returns
 * the columns used (the width when padding). */
int ui_put(WINDOW *w, int y, int x, int width, const char *s, int attr, bool pad);
/* Like ui_put, for text already in visual order (from ui/bidi.h). */
int ui_put_visual(WINDOW *w, int y, int x, int width, const char *s, int attr, bool pad);
/* The next cell of a row that starts at x0 and is width wide, after col
 * columns: from the left in a left-to-right UI, from the right in a
 * right-to-left one (the row mirrors). cell is the most it may take; pad fills
 * it. Returns the columns used. */
int ui_cell(WINDOW *w, int y, int x0, int width, int col, int cell, const char *s, int attr, bool pad);
/* Sanitises server text (single line) and writes it like ui_put(). */
int ui_put_data(WINDOW *w, int y, int x, int width, const char *s, int attr, bool pad);

/* Right-to-left text: reordered and shaped by ezrizi (app_reorders), or left
 * to the terminal. Call once at start. */
void ui_bidi_init(bool app_reorders);
/* The UI language's direction (ui/bidi.h's enum bidi_dir: 0 LTR, 1 RTL). */
int ui_direction(void);

/* Returns a new string (free()): a line of ours (a sentence in the UI's
 * language, data in it) ready to draw. In a right-to-left UI it reads from the
 * right whatever word comes first (it starts with U+200F RIGHT-TO-LEFT MARK when
 * ezrizi reorders), and every run of numbers joined by hyphens in it is an
 * isolate (bidi_isolate_numbers: "2026-11-30" is never turned around); a copy
 * otherwise. */
char *ui_ours(const char *s);

/* A window's border, in UTF-8 box characters when the locale is UTF-8. */
void ui_border(WINDOW *w);
bool ui_utf8(void);

/* Display lines: the result of wrapping text to a width. */
struct tline {
	char *text;   /* owned */
	int attr;
	size_t bold;  /* the first `bold` bytes are drawn bold as well */
};

struct tlines {
	struct tline *v;
	size_t n, cap;
};

void tlines_init(struct tlines *l);
void tlines_finish(struct tlines *l);
void tlines_clear(struct tlines *l);
/* Adds a copy of s as one line (not wrapped: the drawing cuts it). */
void tlines_add(struct tlines *l, const char *s, int attr);
/* Wraps s (sanitised UTF-8; '\n' starts a new paragraph) at spaces to `width`
 * columns, cutting words longer than a line. Lines after the first start with
 * `indent` spaces. The first `bold` bytes of the first line are bold. An
 * isolate (ui/bidi.h) that a line break cuts is closed at the end of the line
 * and opened again after the next one's indent: each line is reordered on its
 * own, and keeps its indent on the side where reading starts. */
void tlines_wrap(struct tlines *l, const char *s, int width, int indent, int attr, size_t bold);
/* Draws line i of l at (y, x), padded to width. */
void tlines_draw(const struct tlines *l, size_t i, WINDOW *w, int y, int x, int width, int extra);

/* Draws msg centred on stdscr, wrapped; its rows from `top` (negative:
 * centred). The lock screen and "too small" use it. */
void ui_draw_centred(const char *msg, int top, int attr);

#endif
