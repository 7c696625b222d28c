/* bidi.c - see ui/bidi.h.
 *
 * One paragraph at a time (struct para): decode, resolve embedding levels with
 * the paragraph's direction, join and shape Arabic over the whole paragraph (so a
 * word keeps its forms whatever line it lands on), measure every character after
 * shaping, then cut lines by logical order and hand each one to
 * fribidi_reorder_line(), whose map tells which logical character goes in which
 * cell. */
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <fribidi.h>

#include "core/utf8.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"

#define SHAPE_FLAGS (FRIBIDI_FLAGS_DEFAULT | FRIBIDI_FLAGS_ARABIC)

struct para {
	FriBidiChar *cp;        /* as decoded */
	FriBidiChar *shaped;    /* after joining, shaping and mirroring */
	FriBidiCharType *types;
	FriBidiLevel *levels;
	FriBidiStrIndex *map;   /* identity; a reordered line permutes its part */
	signed char *w;         /* columns of shaped[i]; -1: not drawn at all */
	FriBidiStrIndex n;
	FriBidiParType dir;     /* resolved: FRIBIDI_PAR_LTR or FRIBIDI_PAR_RTL */
};

static FriBidiParType
par_type(enum bidi_dir base, enum bidi_dir fallback)
{
	switch (base) {
	case BIDI_LTR:
		return FRIBIDI_PAR_LTR;
	case BIDI_RTL:
		return FRIBIDI_PAR_RTL;
	case BIDI_AUTO:
		break;
	}
	return fallback == BIDI_RTL ? FRIBIDI_PAR_WRTL : FRIBIDI_PAR_WLTR;
}

/* Invisible format characters: bidi controls and marks, ZWJ/ZWNJ/ZWSP, word
 * joiner, BOM and shaping fillers. Combining marks (NSM) are not among them. */
static bool
invisible(FriBidiChar c)
{
	FriBidiCharType t = fribidi_get_bidi_type(c);

	return FRIBIDI_IS_EXPLICIT_OR_BN(t) || FRIBIDI_IS_ISOLATE(t) ||
	       c == 0x200E || c == 0x200F || c == 0x061C;
}

static signed char
columns(FriBidiChar c)
{
	int w;

	if (invisible(c))
		return -1;
	w = wcwidth((wchar_t)c);
	return (signed char)(w < 0 ? 1 : w > 2 ? 2 : w);
}

/* Decodes len bytes of s; invalid bytes become U+FFFD, '\n' a space if asked. */
static void
para_decode(struct para *p, const char *s, size_t len, bool nl_space)
{
	size_t off = 0, n;
	uint32_t c;

	p->cp = xreallocarray(NULL, len + 1, sizeof *p->cp);
	p->n = 0;
	while (off < len) {
		n = utf8_decode(s + off, len - off, &c);
		if (n == 0) {
			n = 1;
			c = 0xFFFD;
		}
		if (c == '\n' && nl_space)
			c = ' ';
		p->cp[p->n++] = c;
		off += n;
	}
}

/* Everything up to reordering, for one paragraph (no '\n' in it unless
 * nl_space). */
static void
para_init(struct para *p, const char *s, size_t len, FriBidiParType base, bool nl_space)
{
	FriBidiBracketType *brackets;
	FriBidiArabicProp *joining;
	size_t m;

	memset(p, 0, sizeof *p);
	para_decode(p, s, len, nl_space);
	m = (size_t)p->n + 1;
	p->shaped = xreallocarray(NULL, m, sizeof *p->shaped);
	p->types = xreallocarray(NULL, m, sizeof *p->types);
	p->levels = xreallocarray(NULL, m, sizeof *p->levels);
	p->map = xreallocarray(NULL, m, sizeof *p->map);
	p->w = xreallocarray(NULL, m, sizeof *p->w);
	brackets = xreallocarray(NULL, m, sizeof *brackets);
	joining = xreallocarray(NULL, m, sizeof *joining);

	memcpy(p->shaped, p->cp, (size_t)p->n * sizeof *p->cp);
	fribidi_get_bidi_types(p->cp, p->n, p->types);
	fribidi_get_bracket_types(p->cp, p->n, p->types, brackets);
	p->dir = base;
	if (p->n == 0 || fribidi_get_par_embedding_levels_ex(p->types, brackets, p->n,
							      &p->dir, p->levels) == 0) {
		/* Nothing to resolve (or no memory inside FriBidi): the base as is. */
		p->dir = base == FRIBIDI_PAR_RTL || base == FRIBIDI_PAR_WRTL
			 ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
		memset(p->levels, p->dir == FRIBIDI_PAR_RTL ? 1 : 0, (size_t)p->n);
	} else {
		p->dir = FRIBIDI_IS_RTL(p->dir) ? FRIBIDI_PAR_RTL : FRIBIDI_PAR_LTR;
	}
	fribidi_get_joining_types(p->cp, p->n, joining);
	fribidi_join_arabic(p->types, p->n, p->levels, joining);
	fribidi_shape(SHAPE_FLAGS, p->levels, p->n, joining, p->shaped);
	for (FriBidiStrIndex i = 0; i < p->n; i++) {
		p->map[i] = i;
		p->w[i] = columns(p->shaped[i]);
	}
	free(brackets);
	free(joining);
}

static void
para_finish(struct para *p)
{
	free(p->cp);
	free(p->shaped);
	free(p->types);
	free(p->levels);
	free(p->map);
	free(p->w);
	memset(p, 0, sizeof *p);
}

/* Columns of logical character i, 0 for an invisible one. */
static int
cols_at(const struct para *p, FriBidiStrIndex i)
{
	return p->w[i] < 0 ? 0 : p->w[i];
}

/* Reorders logical characters [a, b) as one display line; after this,
 * map[a..b) lists them in visual order. */
static void
para_reorder(struct para *p, FriBidiStrIndex a, FriBidiStrIndex b)
{
	if (b > a && fribidi_reorder_line(SHAPE_FLAGS, p->types, b - a, a, p->dir, p->levels,
					  NULL, p->map) == 0) {
		/* FriBidi ran out of memory: logical order rather than a half-done map. */
		for (FriBidiStrIndex i = a; i < b; i++)
			p->map[i] = i;
	}
}

/* Reorders [a, b) and returns it as visual UTF-8 (free()), its width in *width. */
static char *
para_line(struct para *p, FriBidiStrIndex a, FriBidiStrIndex b, int *width)
{
	struct buf out;
	char enc[4];
	int cols = 0;

	buf_init(&out);
	para_reorder(p, a, b);
	for (FriBidiStrIndex v = a; v < b; v++) {
		FriBidiStrIndex i = p->map[v];

		if (p->w[i] < 0)
			continue;
		buf_add(&out, enc, utf8_encode(p->shaped[i], enc));
		cols += p->w[i];
	}
	*width = cols;
	return buf_steal(&out);
}

/* The end of the longest run from `from` that fits in `avail` columns; a
 * zero-width character after one that fitted fits too. *used gets the width. */
static FriBidiStrIndex
fit(const struct para *p, FriBidiStrIndex from, int avail, int *used)
{
	FriBidiStrIndex i = from;
	int cols = 0;

	while (i < p->n && cols + cols_at(p, i) <= avail)
		cols += cols_at(p, i++);
	*used = cols;
	return i;
}

/* ---- wrapping ---- */

static void
lines_add(struct bidi_lines *l, char *text, int width, bool rtl)
{
	/* The capacity is the next power of two of n: no field for it. */
	if ((l->n & (l->n - 1)) == 0)
		l->v = xreallocarray(l->v, l->n ? l->n * 2 : 1, sizeof *l->v);
	l->v[l->n++] = (struct bidi_line){ text, width, rtl };
}

static void
emit(struct para *p, FriBidiStrIndex a, FriBidiStrIndex b, struct bidi_lines *out)
{
	int width;
	char *text = para_line(p, a, b, &width);

	lines_add(out, text, width, p->dir == FRIBIDI_PAR_RTL);
}

/* Where the line that starts at off ends (exclusive) and where the next one
 * starts (*next). */
static FriBidiStrIndex
line_break(const struct para *p, FriBidiStrIndex off, int width, FriBidiStrIndex *next)
{
	FriBidiStrIndex i = off, brk = -1, end;
	int cols = 0;

	for (; i < p->n; i++) {
		if (p->cp[i] == ' ' && i > off)
			brk = i;
		if (cols + cols_at(p, i) > width)
			break;
		cols += cols_at(p, i);
	}
	if (i >= p->n) {
		*next = p->n;
		return p->n;
	}
	if (brk > off) {
		end = brk;
		while (end > off && p->cp[end - 1] == ' ')
			end--;
	} else {
		if (i == off) {  /* wider than the line: take it anyway, with its marks */
			i++;
			while (i < p->n && cols_at(p, i) == 0)
				i++;
		}
		end = brk = i;
	}
	while (brk < p->n && p->cp[brk] == ' ')
		brk++;
	*next = brk;
	return end;
}

static void
wrap_paragraph(const char *s, size_t len, int width, FriBidiParType type,
	       struct bidi_lines *out)
{
	struct para p;
	FriBidiStrIndex off = 0, end, next;

	para_init(&p, s, len, type, false);
	if (p.n == 0)
		emit(&p, 0, 0, out);
	while (off < p.n) {
		end = line_break(&p, off, width, &next);
		emit(&p, off, end, out);
		off = next;
	}
	para_finish(&p);
}

void
bidi_wrap(const char *text, int width, enum bidi_dir base, enum bidi_dir fallback,
	  struct bidi_lines *out)
{
	FriBidiParType type = par_type(base, fallback);
	const char *p = text != NULL ? text : "", *nl;

	if (width < 1)
		width = 1;
	for (;;) {
		nl = strchr(p, '\n');
		wrap_paragraph(p, nl != NULL ? (size_t)(nl - p) : strlen(p), width, type, out);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

void
bidi_lines_finish(struct bidi_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- one line ---- */

/* The UTF-8 of logical characters [0, end) as decoded, then `tail` (may be
 * NULL): what is kept of a cut text, to be shaped again on its own. */
static char *
para_prefix(const struct para *p, FriBidiStrIndex end, const char *tail)
{
	struct buf b;
	char enc[4];

	buf_init(&b);
	for (FriBidiStrIndex i = 0; i < end; i++)
		buf_add(&b, enc, utf8_encode(p->cp[i], enc));
	if (tail != NULL)
		buf_adds(&b, tail);
	return buf_steal(&b);
}

/* Where a cut with an ellipsis at end goes: not after a right-to-left word's
 * first one or two letters (an Arabic "ا…" of "الخطيب" says nothing), but after
 * the word before, when there is one. */
static FriBidiStrIndex
word_end(const struct para *p, FriBidiStrIndex end)
{
	FriBidiStrIndex k = end;
	int cols = 0;

	if (end <= 0 || end >= p->n || p->cp[end] == ' ' || p->cp[end - 1] == ' ')
		return end;
	while (k > 0 && p->cp[k - 1] != ' ')
		cols += cols_at(p, --k);
	if (k == 0 || cols >= 3 || !FRIBIDI_LEVEL_IS_RTL(p->levels[k]))
		return end;
	while (k > 0 && p->cp[k - 1] == ' ')
		k--;
	return k;
}

/* One line cut to width; with `ellipsis`, a text that does not fit ends in
 * "…" (in the last column read). What is kept of a cut text is shaped as its own
 * string, in the direction the whole text resolved to: the last letter of a cut
 * Arabic word takes its final form, not the medial one it had in the word. */
static char *
visual_line(const char *text, int width, enum bidi_dir base, bool ellipsis, int *used)
{
	struct para p, q;
	FriBidiStrIndex end;
	int cols, avail = width < 0 ? 0 : width;
	char *s, *kept;

	if (text == NULL)
		text = "";
	para_init(&p, text, strlen(text), par_type(base, BIDI_LTR), true);
	end = fit(&p, 0, avail, &cols);
	if (end < p.n && ellipsis)
		end = avail >= 1 ? word_end(&p, fit(&p, 0, avail - 1, &cols)) : 0;
	if (end >= p.n) {
		s = para_line(&p, 0, end, &cols);
	} else {
		kept = para_prefix(&p, end, ellipsis && avail >= 1 ? "\u2026" : NULL);
		para_init(&q, kept, strlen(kept), p.dir, true);
		end = fit(&q, 0, avail, &cols);   /* shaped again: never wider, but be sure */
		s = para_line(&q, 0, end, &cols);
		para_finish(&q);
		free(kept);
	}
	para_finish(&p);
	if (used != NULL)
		*used = cols;
	return s;
}

char *
bidi_visual(const char *text, int width, enum bidi_dir base, int *used)
{
	return visual_line(text, width, base, false, used);
}

char *
bidi_visual_cut(const char *text, int width, enum bidi_dir base, int *used)
{
	return visual_line(text, width, base, true, used);
}

int
bidi_width(const char *text)
{
	int used;

	free(visual_line(text, INT_MAX, BIDI_AUTO, false, &used));
	return used;
}

char *
bidi_isolate(const char *s)
{
	return xasprintf("\u2068%s\u2069", s != NULL ? s : "");
}

char *
bidi_isolate_text(const char *s, enum bidi_dir fallback)
{
	struct buf b;
	const char *p = s != NULL ? s : "", *nl;
	size_t len;
	char *para;

	buf_init(&b);
	for (;;) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		para = xstrndup(p, len);
		buf_adds(&b, bidi_text_dir(para, fallback) == BIDI_RTL ? "\u2067" : "\u2066");
		buf_adds(&b, para);
		buf_adds(&b, "\u2069");
		free(para);
		if (nl == NULL)
			break;
		buf_addc(&b, '\n');
		p = nl + 1;
	}
	return buf_steal(&b);
}

/* A digit, Latin or Arabic-Indic (both sets), at s; its length in *n. */
static bool
digit_at(const char *s, size_t len, size_t *n)
{
	uint32_t c;

	*n = utf8_decode(s, len, &c);
	if (*n == 0) {
		*n = 1;
		return false;
	}
	return (c >= '0' && c <= '9') || (c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9);
}

/* The end of the run of digits and separators from s ("2026-11-30T10:00"),
 * ending on a digit; *hyphen says whether a '-' joins two of its numbers. */
static size_t
number_run(const char *s, size_t len, bool *hyphen)
{
	size_t off = 0, end = 0, n;

	*hyphen = false;
	while (off < len) {
		if (digit_at(s + off, len - off, &n)) {
			off += n;
			end = off;
			continue;
		}
		/* A separator counts between two digits only. */
		if (end != off || strchr("-:/.T", s[off]) == NULL ||
		    off + 1 >= len || !digit_at(s + off + 1, len - off - 1, &n))
			break;
		*hyphen = *hyphen || s[off] == '-';
		off++;
	}
	return end;
}

char *
bidi_isolate_numbers(const char *s)
{
	struct buf b;
	size_t len = s != NULL ? strlen(s) : 0, off = 0, n, run;
	int depth = 0;
	bool hyphen;
	uint32_t c;

	buf_init(&b);
	while (off < len) {
		if (depth == 0 && digit_at(s + off, len - off, &n) &&
		    (run = number_run(s + off, len - off, &hyphen)) > 0 && hyphen) {
			/* Inside, a hyphen after a number is left-to-right too (LRM):
			 * Arabic-Indic digits are read right to left otherwise. */
			buf_adds(&b, "\u2066");
			for (size_t i = off; i < off + run; i++) {
				buf_addc(&b, s[i]);
				if (s[i] == '-')
					buf_adds(&b, "\u200E");
			}
			buf_adds(&b, "\u2069");
			off += run;
			continue;
		}
		n = utf8_decode(s + off, len - off, &c);
		if (n == 0)
			n = 1;
		else if (c >= 0x2066 && c <= 0x2068)
			depth++;
		else if (c == 0x2069 && depth > 0)
			depth--;
		buf_add(&b, s + off, n);
		off += n;
	}
	return buf_steal(&b);
}

enum bidi_dir
bidi_text_dir(const char *text, enum bidi_dir fallback)
{
	FriBidiParType type = par_type(BIDI_AUTO, fallback);
	const char *nl;
	struct para p;
	bool rtl;

	if (text == NULL)
		text = "";
	nl = strchr(text, '\n');
	para_init(&p, text, nl != NULL ? (size_t)(nl - text) : strlen(text), type, false);
	rtl = p.dir == FRIBIDI_PAR_RTL;
	para_finish(&p);
	return rtl ? BIDI_RTL : BIDI_LTR;
}

/* ---- the cursor ---- */

/* A combining mark: drawn in its base's cell, before it in logical order. (The
 * filler of a lam-alef stands where the lam was, before the ligature: the
 * forward search in cursor_in() finds the ligature.) */
static bool
attached(const struct para *p, FriBidiStrIndex i)
{
	return p->types[i] == FRIBIDI_TYPE_NSM;
}

/* After the last character in reading order. */
static int
end_column(const struct para *p, const int *col)
{
	FriBidiStrIndex last = p->n - 1;

	while (last >= 0 && cols_at(p, last) == 0)
		last--;
	if (last < 0)
		return p->dir == FRIBIDI_PAR_RTL ? -1 : 0;
	if (FRIBIDI_LEVEL_IS_RTL(p->levels[last]))
		return col[last] - 1;
	return col[last] + cols_at(p, last);
}

static int
cursor_in(const struct para *p, const int *col, FriBidiStrIndex i)
{
	if (i < p->n && cols_at(p, i) == 0 && attached(p, i)) {
		FriBidiStrIndex b = i;

		while (b > 0 && cols_at(p, b) == 0 && attached(p, b))
			b--;
		if (cols_at(p, b) > 0)
			return col[b];
	}
	while (i < p->n && cols_at(p, i) == 0)
		i++;
	return i < p->n ? col[i] : end_column(p, col);
}

int
bidi_cursor_column(const char *text, size_t logical_index, enum bidi_dir base)
{
	struct para p;
	int *col, c = 0, result;
	FriBidiStrIndex i;

	if (text == NULL)
		text = "";
	para_init(&p, text, strlen(text), par_type(base, BIDI_LTR), true);
	para_reorder(&p, 0, p.n);
	col = xreallocarray(NULL, (size_t)p.n + 1, sizeof *col);
	for (FriBidiStrIndex v = 0; v < p.n; v++) {
		col[p.map[v]] = c;
		c += cols_at(&p, p.map[v]);
	}
	i = logical_index < (size_t)p.n ? (FriBidiStrIndex)logical_index : p.n;
	result = cursor_in(&p, col, i);
	free(col);
	para_finish(&p);
	return result;
}

/* ---- the UI language ---- */

/* Is the language of a locale or LANGUAGE entry ("ur_PK.UTF-8@x") written RTL? */
static bool
lang_rtl(const char *name)
{
	static const char *const rtl[] = { "ar", "ur", "fa", "he", "iw", "ps", "ug", "yi",
					   "ckb", "dv" };
	size_t len = strcspn(name, "_.@:");

	for (size_t k = 0; k < sizeof rtl / sizeof rtl[0]; k++)
		if (strlen(rtl[k]) == len && strncmp(name, rtl[k], len) == 0)
			return true;
	return false;
}

enum bidi_dir
bidi_ui_dir(void)
{
	const char *msg = setlocale(LC_MESSAGES, NULL);
	const char *language = getenv("LANGUAGE");

	if (msg == NULL)
		msg = "C";
	/* glibc's gettext: LANGUAGE counts unless the locale is C. */
	if (strcmp(msg, "C") != 0 && strcmp(msg, "POSIX") != 0 && language != NULL) {
		language += strspn(language, ":");
		if (language[0] != '\0')
			return lang_rtl(language) ? BIDI_RTL : BIDI_LTR;
	}
	return lang_rtl(msg) ? BIDI_RTL : BIDI_LTR;
}
