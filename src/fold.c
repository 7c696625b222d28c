/* fold.c - folding names for search; see include/core/fold.h. */
#include "core/fold.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/xmalloc.h"

#define ALEF 0x627
#define HEH 0x647
#define YEH 0x64a
#define KAF 0x643

/* U+00C0-U+017F (Latin-1 Supplement letters, Latin Extended-A) without case or
 * accent; NULL keeps the character (× and ÷). */
static const char *const latin[0x180 - 0xc0] = {
	/* C0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* D0 */ "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "ss",
	/* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	/* F0 */ "d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", "th", "y",
	/* 100 */ "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
	/* 110 */ "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
	/* 120 */ "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
	/* 130: İ and ı are both i for matching (see fold.h) */
	/* 130 */ "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
	/* 140 */ "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
	/* 150 */ "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
	/* 160 */ "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
	/* 170 */ "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

static bool
is_space(uint32_t cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0d) || cp == 0x85 || cp == 0xa0 ||
	    cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	    cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* Invisible: combining accents, Arabic harakat and Quranic marks, tatweel, and
 * format characters (soft hyphen, zero-width and bidi marks, BOM). */
static bool
is_dropped(uint32_t cp)
{
	return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x610 && cp <= 0x61a) ||
	    (cp >= 0x64b && cp <= 0x65f) || cp == 0x670 || (cp >= 0x6d6 && cp <= 0x6ed) ||
	    cp == 0x640 || cp == 0xad || cp == 0x61c || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* Simple lower case: ASCII (Turkish I to dotless ı under "tr"), Latin Extended-B's
 * Romanian Ș Ț, Greek, Cyrillic. Latin-1 and Extended-A go through the table. */
static uint32_t
lower(uint32_t cp, bool tr)
{
	if (cp >= 'A' && cp <= 'Z')
		return tr && cp == 'I' ? 0x131 : cp + 0x20;
	if (cp >= 0x218 && cp <= 0x21b)
		return cp | 1;
	if ((cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) || (cp >= 0x410 && cp <= 0x42f))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	switch (cp) {
	case 0x386: return 0x3ac;
	case 0x388: case 0x389: case 0x38a: return cp + 0x25;
	case 0x38c: return 0x3cc;
	case 0x38e: case 0x38f: return cp + 0x3f;
	default: return cp;
	}
}

/* Letters that are one letter for search: Greek without tonos and final sigma,
 * ё as е, Romanian comma letters, and the Arabic-script variants of fold.h. */
static uint32_t
equate(uint32_t cp)
{
	if ((cp >= 0x660 && cp <= 0x669) || (cp >= 0x6f0 && cp <= 0x6f9))
		return '0' + (cp & 0xf);
	switch (cp) {
	case 0x219: return 's';
	case 0x21b: return 't';
	case 0x3ac: return 0x3b1;
	case 0x3ad: return 0x3b5;
	case 0x3ae: return 0x3b7;
	case 0x3af: return 0x3b9;
	case 0x3cc: return 0x3bf;
	case 0x3cd: return 0x3c5;
	case 0x3ce: return 0x3c9;
	case 0x3c2: return 0x3c3;
	case 0x451: return 0x435;
	/* أ آ إ ٱ and the wavy-hamza alefs are all alef */
	case 0x622: case 0x623: case 0x625: case 0x671: case 0x672: case 0x673: return ALEF;
	/* ة taa marbuta; ہ ۀ ۂ Urdu heh goal; ھ Urdu heh doachashmee */
	case 0x629: case 0x6c0: case 0x6c1: case 0x6c2: case 0x6be: return HEH;
	/* ى alef maksura; ی Farsi yeh; ے ۓ Urdu yeh barree */
	case 0x649: case 0x6cc: case 0x6d2: case 0x6d3: return YEH;
	/* ک keheh (Urdu, Persian); ڪ swash kaf */
	case 0x6a9: case 0x6aa: return KAF;
	default: return cp;
	}
}

static void
add_cp(struct buf *b, uint32_t cp)
{
	char enc[4];

	buf_add(b, enc, utf8_encode(cp, enc));
}

/* Appends the folded form of a visible, non-space code point. */
static void
fold_cp(struct buf *b, uint32_t cp, bool tr)
{
	cp = lower(cp, tr);
	if (cp >= 0xc0 && cp < 0x180 && latin[cp - 0xc0] != NULL) {
		buf_adds(b, latin[cp - 0xc0]);  /* ı -> i here, whatever the language */
		return;
	}
	add_cp(b, equate(cp));
}

char *
fold_for_search(const char *s, const char *lang)
{
	bool tr = lang != NULL && ascii_eq_nocase(lang, "tr");
	size_t len = s != NULL ? strlen(s) : 0, n;
	bool space = false;
	struct buf b;
	uint32_t cp;

	buf_init(&b);
	for (; len > 0; s += n, len -= n) {
		n = utf8_decode(s, len, &cp);
		if (n == 0) {
			n = 1;   /* not UTF-8: dropped */
			continue;
		}
		if (is_space(cp)) {
			space = b.len > 0;
			continue;
		}
		if (is_dropped(cp))
			continue;
		if (space)
			buf_addc(&b, ' ');
		space = false;
		fold_cp(&b, cp, tr);
	}
	return buf_steal(&b);
}

bool
fold_match(const char *hay, const char *needle, const char *lang)
{
	char *h, *n;
	bool found;

	if (hay == NULL)
		return false;
	n = fold_for_search(needle, lang);
	if (n[0] == '\0') {
		free(n);
		return true;
	}
	h = fold_for_search(hay, lang);
	found = strstr(h, n) != NULL;
	free(h);
	free(n);
	return found;
}

/* The language part of a locale or LANGUAGE entry ("tr_TR.UTF-8" -> "tr") into
 * out, or false for none ("", "C", "POSIX", "C.UTF-8"). */
static bool
lang_of(const char *v, char out[9])
{
	size_t i = 0;

	if (v == NULL)
		return false;
	while (i < 8 && ((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z'))) {
		out[i] = (char)ascii_tolower((unsigned char)v[i]);
		i++;
	}
	out[i] = '\0';
	if (i < 2 || i > 3 || (v[i] != '\0' && v[i] != '_' && v[i] != '.' && v[i] != '@' &&
			       v[i] != ':' && v[i] != '-'))
		return false;
	return true;
}

static const char *
first_set(const char *const names[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = getenv(names[i]);

		if (v != NULL && v[0] != '\0')
			return v;
	}
	return NULL;
}

const char *
fold_user_lang(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	static char lang[9];
	const char *locale = first_set(vars, sizeof vars / sizeof vars[0]);
	const char *language = getenv("LANGUAGE");
	char tmp[9];

	/* As gettext: LANGUAGE wins, except under the C locale, where it is ignored. */
	if (locale == NULL || !lang_of(locale, lang))
		return NULL;
	if (language != NULL && lang_of(language, tmp))
		memcpy(lang, tmp, sizeof tmp);
	return lang;
}
