/* draw.c - colours, cut-and-pad text, word wrapping. */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/sanitize.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/draw.h"

static bool have_colors;

enum {
	PAIR_FOCUS = 1,
	PAIR_ERROR,
	PAIR_GOOD,
	PAIR_WARN,
	PAIR_BAD,
	PAIR_DONE,
};

void
ui_colors_init(void)
{
	const char *nc = getenv("NO_COLOR");

	have_colors = false;
	if ((nc != NULL && nc[0] != '\0') || !has_colors() || start_color() == ERR)
		return;
	use_default_colors();
	init_pair(PAIR_FOCUS, COLOR_CYAN, -1);
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_GOOD, COLOR_GREEN, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_BAD, COLOR_RED, -1);
	init_pair(PAIR_DONE, COLOR_BLUE, -1);
	have_colors = true;
}

int
ui_attr(enum ui_color c)
{
	switch (c) {
	case UC_NORMAL:
		return A_NORMAL;
	case UC_FOCUS:
		return have_colors ? (int)(COLOR_PAIR(PAIR_FOCUS) | A_BOLD) : (int)A_BOLD;
	case UC_ERROR:
		return have_colors ? (int)(COLOR_PAIR(PAIR_ERROR) | A_BOLD) : (int)A_BOLD;
	case UC_GOOD:
		return have_colors ? (int)COLOR_PAIR(PAIR_GOOD) : A_NORMAL;
	case UC_WARN:
		return have_colors ? (int)COLOR_PAIR(PAIR_WARN) : A_NORMAL;
	case UC_BAD:
		return have_colors ? (int)COLOR_PAIR(PAIR_BAD) : A_NORMAL;
	case UC_DONE:
		return have_colors ? (int)COLOR_PAIR(PAIR_DONE) : A_NORMAL;
	case UC_DIM:
		return A_DIM;
	case UC_TITLE:
		return A_REVERSE;
	}
	return A_NORMAL;
}

/* ezrizi reorders right-to-left text itself (the terminal is put in explicit
 * mode, CSI 8 l), unless bidi = terminal leaves it to a terminal that insists. */
static bool reorder = true;
static enum bidi_dir ui_dir = BIDI_LTR;

void
ui_bidi_init(bool app_reorders)
{
	reorder = app_reorders;
	ui_dir = bidi_ui_dir();
}

int
ui_direction(void)
{
	return (int)ui_dir;
}

char *
ui_ours(const char *s)
{
	char *safe, *out;

	if (ui_dir != BIDI_RTL)
		return xstrdup(s != NULL ? s : "");
	safe = bidi_isolate_numbers(s);
	out = xasprintf("\u200F%s", safe);   /* RLM: read from the right, whatever comes first */
	free(safe);
	return out;
}

/* s cut to width in logical order, for a terminal that reorders by itself: a
 * cut text ends in "…". */
static char *
truncate_cut(const char *s, int width, int *used)
{
	char *t, *cut;

	if (display_width(s) <= width)
		return display_truncate(s, width, used);
	if (width < 1)
		return display_truncate(s, 0, used);
	t = display_truncate(s, width - 1, used);
	cut = xasprintf("%s…", t);
	free(t);
	(*used)++;
	return cut;
}

/* Writes s at (y, x) within width, cut; with pad, fills the rest of the width.
 * right puts the text at the right end (the padding before it). */
static int
put_aligned(WINDOW *w, int y, int x, int width, const char *s, int attr, bool pad, bool right)
{
	char *t;
	int used, at;

	if (width <= 0)
		return 0;
	/* Each piece in its own direction (names, times and ids act as isolates:
	 * they never jump across a right-to-left run), cut at its logical end
	 * with "…". */
	if (reorder)
		t = bidi_visual_cut(s, width, bidi_text_dir(s, ui_dir), &used);
	else
		t = truncate_cut(s, width, &used);
	at = right && pad ? x + width - used : x;
	wattrset(w, attr);
	if (pad) {
		/* Explicit moves: a wide character the terminal drew differently must
		 * not shift the padding. */
		for (int c = 0; c < width; c++) {
			if (x + c < at || x + c >= at + used)
				mvwaddch(w, y, x + c, ' ');
		}
	}
	mvwaddstr(w, y, at, t);
	free(t);
	wattrset(w, A_NORMAL);
	return pad ? width : used;
}

int
ui_put(WINDOW *w, int y, int x, int width, const char *s, int attr, bool pad)
{
	/* In a right-to-left UI a padded line is aligned on the right. */
	return put_aligned(w, y, x, width, s, attr, pad, ui_dir == BIDI_RTL && reorder);
}

int
ui_put_visual(WINDOW *w, int y, int x, int width, const char *s, int attr, bool pad)
{
	bool keep = reorder;
	int used;

	reorder = false;  /* already in visual order: never reorder twice */
	used = put_aligned(w, y, x, width, s, attr, pad, false);
	reorder = keep;
	return used;
}

int
ui_cell(WINDOW *w, int y, int x0, int width, int col, int cell, const char *s, int attr, bool pad)
{
	int room = width - col, used;
	char *t;

	if (cell > room)
		cell = room;
	if (cell <= 0)
		return 0;
	if (ui_dir != BIDI_RTL || !reorder)
		return put_aligned(w, y, x0 + col, cell, s, attr, pad, false);
	/* Mirrored: the row's first cell is at the right. */
	if (pad)
		return put_aligned(w, y, x0 + width - col - cell, cell, s, attr, true, true);
	t = bidi_visual_cut(s, cell, bidi_text_dir(s, ui_dir), &used);
	free(t);
	return put_aligned(w, y, x0 + width - col - used, used, s, attr, false, false);
}

int
ui_put_data(WINDOW *w, int y, int x, int width, const char *s, int attr, bool pad)
{
	char *clean = sanitize_display(s, (size_t)-1, 0);
	int used = ui_put(w, y, x, width, clean, attr, pad);

	free(clean);
	return used;
}

/* ---- lines ---- */

void
tlines_init(struct tlines *l)
{
	memset(l, 0, sizeof *l);
}

void
tlines_clear(struct tlines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	l->n = 0;
}

void
tlines_finish(struct tlines *l)
{
	tlines_clear(l);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static void
add_owned(struct tlines *l, char *text, int attr, size_t bold)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = (struct tline){ text, attr, bold };
}

void
tlines_add(struct tlines *l, const char *s, int attr)
{
	add_owned(l, xstrdup(s), attr, 0);
}

/* Columns of the code point at s; sets *n to its length in bytes. */
static int
cp_at(const char *s, size_t len, size_t *n, uint32_t *cp)
{
	int w;

	*n = utf8_decode(s, len, cp);
	if (*n == 0) {
		*n = 1;
		*cp = 0xFFFD;
		return 1;
	}
	w = wcwidth((wchar_t)*cp);
	return w < 0 ? 1 : w;
}

#define WRAP_DEPTH 8

struct wrap {
	struct tlines *l;
	int width, indent, attr;
	size_t bold;
	bool first;
	/* The isolates open where the next line starts (a name cut by the wrap):
	 * each line closes what it leaves open and the next opens it again, so
	 * every line is reordered as a whole of its own. */
	uint32_t open[WRAP_DEPTH];
	int depth;
};

/* Follows the isolates that s opens and closes. */
static void
track_isolates(struct wrap *wr, const char *s, size_t len)
{
	size_t off = 0, n;
	uint32_t cp;

	while (off < len) {
		n = utf8_decode(s + off, len - off, &cp);
		if (n == 0)
			n = 1;
		else if (cp >= 0x2066 && cp <= 0x2068 && wr->depth < WRAP_DEPTH)
			wr->open[wr->depth++] = cp;
		else if (cp == 0x2069 && wr->depth > 0)
			wr->depth--;
		off += n;
	}
}

static void
emit(struct wrap *wr, const char *s, size_t len)
{
	struct buf b;
	char enc[4];

	buf_init(&b);
	for (int i = 0; !wr->first && i < wr->indent; i++)
		buf_addc(&b, ' ');
	for (int i = 0; i < wr->depth; i++)
		buf_add(&b, enc, utf8_encode(wr->open[i], enc));
	buf_add(&b, s, len);
	track_isolates(wr, s, len);
	for (int i = 0; i < wr->depth; i++)
		buf_adds(&b, "\u2069");
	add_owned(wr->l, buf_steal(&b), wr->attr, wr->first ? wr->bold : 0);
	wr->first = false;
}

static void
wrap_paragraph(struct wrap *wr, const char *s, size_t len)
{
	size_t off = 0;

	wr->depth = 0;  /* an isolate ends with its paragraph */
	if (len == 0) {
		emit(wr, s, 0);
		return;
	}
	while (off < len) {
		int avail = wr->first ? wr->width : wr->width - wr->indent;
		size_t i = off, brk = 0, after = 0, n = 0;
		int cols = 0, w;
		uint32_t cp;

		while (i < len) {
			w = cp_at(s + i, len - i, &n, &cp);
			if (cp == ' ' && i > off) {
				brk = i;
				after = i + n;
			}
			if (cols + w > avail)
				break;
			cols += w;
			i += n;
		}
		if (i >= len) {
			emit(wr, s + off, len - off);
			break;
		}
		if (brk > off) {
			emit(wr, s + off, brk - off);
			off = after;
		} else {
			if (i == off)
				i += n;  /* wider than the line: take it anyway */
			emit(wr, s + off, i - off);
			off = i;
		}
		while (off < len && s[off] == ' ')
			off++;
	}
}

void
tlines_wrap(struct tlines *l, const char *s, int width, int indent, int attr, size_t bold)
{
	struct wrap wr = { .l = l, .width = width < 1 ? 1 : width, .indent = indent, .attr = attr,
			   .bold = bold, .first = true };
	const char *p = s, *nl;

	if (wr.indent >= wr.width)
		wr.indent = 0;
	for (;;) {
		nl = strchr(p, '\n');
		wrap_paragraph(&wr, p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

void
tlines_draw(const struct tlines *l, size_t i, WINDOW *w, int y, int x, int width, int extra)
{
	const struct tline *t = &l->v[i];
	size_t blen = strlen(t->text);
	int used = 0;

	if (t->bold > 0 && t->bold < blen) {
		char *head = xstrndup(t->text, t->bold);

		used = ui_cell(w, y, x, width, 0, width, head, t->attr | extra | A_BOLD, false);
		free(head);
		ui_cell(w, y, x, width, used, width - used, t->text + t->bold, t->attr | extra, true);
	} else {
		ui_put(w, y, x, width, t->text, t->attr | extra | (t->bold > 0 ? A_BOLD : 0), true);
	}
}

/* Box lines as UTF-8 characters where the locale allows: three bytes each,
 * where the terminal's line-drawing set costs a switch in and out around
 * every run (about eleven bytes a character on a pane's sides). */
void
ui_border(WINDOW *w)
{
	static const wchar_t chars[] = L"││──┌┐└┘";
	cchar_t c[8];

	if (!ui_utf8()) {
		wborder(w, 0, 0, 0, 0, 0, 0, 0, 0);
		return;
	}
	for (int i = 0; i < 8; i++) {
		wchar_t wc[2] = { chars[i], L'\0' };

		setcchar(&c[i], wc, A_NORMAL, 0, NULL);
	}
	wborder_set(w, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7]);
}

bool
ui_utf8(void)
{
	static int utf8 = -1;

	if (utf8 < 0) {
		const char *cs = nl_langinfo(CODESET);

		utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	}
	return utf8 == 1;
}

void
ui_draw_centred(const char *msg, int top, int attr)
{
	struct tlines l;

	tlines_init(&l);
	tlines_wrap(&l, msg, COLS > 4 ? COLS - 4 : COLS, 0, attr, 0);
	if (top < 0)
		top = (LINES - (int)l.n) / 2;
	for (size_t i = 0; i < l.n; i++) {
		int w = display_width(l.v[i].text);
		int y = top + (int)i;

		if (y >= 0 && y < LINES)
			ui_put(stdscr, y, w < COLS ? (COLS - w) / 2 : 0, COLS, l.v[i].text, attr, false);
	}
	tlines_finish(&l);
}
