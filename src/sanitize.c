/* sanitize.c - server text is data: make it safe to draw on a terminal. */
#define _XOPEN_SOURCE 700

#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include "core/sanitize.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

struct cp_range {
	uint32_t lo;
	uint32_t hi;
};

/* Code points shown as "<U+XXXX>": C1 controls, bidi controls, invisible and
 * zero-width characters, separators. Sorted. */
static const struct cp_range hidden[] = {
	{ 0x0080, 0x009f },  /* C1 controls, including CSI U+009B */
	{ 0x00ad, 0x00ad },  /* soft hyphen */
	{ 0x061c, 0x061c },  /* Arabic letter mark */
	{ 0x180e, 0x180e },  /* Mongolian vowel separator */
	{ 0x200b, 0x200b },  /* zero width space (ZWNJ and ZWJ pass: Urdu and emoji need them) */
	{ 0x200e, 0x200f },  /* LRM, RLM */
	{ 0x2028, 0x2029 },  /* line and paragraph separators */
	{ 0x202a, 0x202e },  /* bidi embeddings and overrides */
	{ 0x2060, 0x206f },  /* word joiner, invisible operators, isolates, deprecated */
	{ 0xfeff, 0xfeff },  /* zero width no-break space, BOM */
	{ 0xfff9, 0xfffb },  /* interlinear annotation */
	{ 0xe0000, 0xe007f },  /* tag characters (invisible "ASCII smuggling") */
};

static int
is_hidden(uint32_t cp)
{
	size_t i;

	for (i = 0; i < sizeof hidden / sizeof hidden[0]; i++) {
		if (cp < hidden[i].lo)
			return 0;
		if (cp <= hidden[i].hi)
			return 1;
	}
	return 0;
}

bool
sanitize_cp_unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || is_hidden(cp);
}

/* A C0 control or DEL: \n and \t as the flags say, the rest in caret notation. */
static void
add_control(struct buf *b, unsigned char c, unsigned flags)
{
	if (c == '\n' && (flags & SAN_KEEP_NEWLINES)) {
		buf_addc(b, '\n');
		return;
	}
	if (c == '\t') {
		buf_addc(b, (flags & SAN_KEEP_TABS) ? '\t' : ' ');
		return;
	}
	buf_addc(b, '^');
	buf_addc(b, (char)(c ^ 0x40));
}

static void
add_codepoint(struct buf *b, uint32_t cp)
{
	char enc[4];

	buf_add(b, enc, utf8_encode(cp, enc));
}

char *
sanitize_display(const char *s, size_t len, unsigned flags)
{
	struct buf b;
	uint32_t cp;
	size_t n;

	buf_init(&b);
	if (s == NULL)
		return buf_steal(&b);
	if (len == (size_t)-1)
		len = strlen(s);
	while (len > 0) {
		n = utf8_decode(s, len, &cp);
		if (n == 0) {
			add_codepoint(&b, 0xfffd);
			n = 1;
		} else if (cp < 0x20 || cp == 0x7f)
			add_control(&b, (unsigned char)cp, flags);
		else if (is_hidden(cp))
			buf_addf(&b, "<U+%04X>", (unsigned)cp);
		else
			buf_add(&b, s, n);
		s += n;
		len -= n;
	}
	return buf_steal(&b);
}

/* Columns of one code point; non-printable ones count 1. */
static int
cp_width(uint32_t cp)
{
	int w = wcwidth((wchar_t)cp);

	return w < 0 ? 1 : w;
}

/* Decodes the code point at s; an invalid byte counts as one column-1 unit. */
static size_t
next_cp(const char *s, size_t len, int *width)
{
	uint32_t cp;
	size_t n = utf8_decode(s, len, &cp);

	if (n == 0) {
		*width = 1;
		return 1;
	}
	*width = cp_width(cp);
	return n;
}

int
display_width(const char *s)
{
	size_t len, n;
	int total = 0, w;

	if (s == NULL)
		return 0;
	len = strlen(s);
	while (len > 0) {
		n = next_cp(s, len, &w);
		total += w;
		s += n;
		len -= n;
	}
	return total;
}

char *
display_truncate(const char *s, int cols, int *used)
{
	size_t len, off = 0, n;
	int total = 0, w;

	if (s == NULL) {
		if (used != NULL)
			*used = 0;
		return xstrdup("");
	}
	len = strlen(s);
	while (off < len) {
		n = next_cp(s + off, len - off, &w);
		/* A width-0 mark after a base that fitted fits too: it stays attached. */
		if (total + w > cols)
			break;
		total += w;
		off += n;
	}
	if (used != NULL)
		*used = total;
	return xstrndup(s, off);
}
