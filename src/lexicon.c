/* lexicon.c - the clinic's risk words and the matcher; see include/core/lexicon.h. */
#include "core/lexicon.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/fold.h"
#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#define LEXICON_MAX_BYTES (4 * 1024 * 1024)

const char *const lexicon_langs[] = { "ar", "ur", "ms", "tr", "en", NULL };

/* How an entry's first word meets a word of the text. */
enum fit {
	FIT_WHOLE,    /* the same word */
	FIT_START,    /* WORD*: the text's word begins with it */
	FIT_END,      /* *WORD: ends with it */
	FIT_INSIDE,   /* *WORD*: anywhere in it */
	FIT_N,
};

struct lx_entry {
	struct lexicon_entry pub;
	char **words;        /* folded */
	size_t nwords;
	bool lead, trail;    /* '*' before, after */
};

/* The hash: an entry's first word and its fit, and the entries that start so. */
struct lx_slot {
	char *key;           /* NULL: empty */
	enum fit fit;
	size_t *entries;
	size_t n;
};

struct lexicon {
	struct lx_entry *v;
	size_t n;
	struct lx_slot *slots;
	size_t nslots, used;
	size_t longest[FIT_N];   /* the longest first word of each fit, in bytes */
};

/* A word of a folded text: bytes [off, off + len) of the words' string. */
struct lx_word {
	size_t off, len;
};

struct lexicon *
lexicon_create(void)
{
	return xcalloc(1, sizeof(struct lexicon));
}

void
lexicon_destroy(struct lexicon *lx)
{
	if (lx == NULL)
		return;
	for (size_t i = 0; i < lx->n; i++) {
		struct lx_entry *e = &lx->v[i];

		free(e->pub.lang);
		free(e->pub.text);
		free(e->pub.where);
		for (size_t k = 0; k < e->nwords; k++)
			free(e->words[k]);
		free(e->words);
	}
	for (size_t i = 0; i < lx->nslots; i++) {
		free(lx->slots[i].key);
		free(lx->slots[i].entries);
	}
	free(lx->slots);
	free(lx->v);
	free(lx);
}

/* ---- words ---- */

/* Between words: white space (folded to ' '), ASCII that is not a letter or
 * digit, Latin-1's signs, general punctuation and symbols, CJK punctuation,
 * Arabic punctuation, and the symbol and emoji planes. */
static bool
is_word_cp(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	if (cp <= 0xbf)
		return cp == 0xaa || cp == 0xb5 || cp == 0xba;
	if (cp == 0xd7 || cp == 0xf7)
		return false;
	if ((cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x2e00 && cp <= 0x2e7f) ||
	    (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xfe10 && cp <= 0xfe6f) ||
	    (cp >= 0xff01 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) ||
	    (cp >= 0xff3b && cp <= 0xff40) || (cp >= 0xff5b && cp <= 0xff65) ||
	    (cp >= 0x1f000 && cp <= 0x1faff))
		return false;
	switch (cp) {
	case 0x37e: case 0x387: case 0x55d: case 0x589: case 0x5be: case 0x5c0: case 0x5c3:
	case 0x60c: case 0x60d: case 0x61b: case 0x61e: case 0x61f: case 0x66a: case 0x66b:
	case 0x66c: case 0x66d: case 0x6d4: case 0x6dd: case 0x6de: case 0x6e9:
	case 0xfd3e: case 0xfd3f:
		return false;
	default:
		return true;
	}
}

/* Invisible, and not between words either: the word joiner and invisible
 * operators, the Mongolian vowel separator, variation selectors, tags (what
 * fold.h drops, it has dropped already). */
static bool
is_ignored_cp(uint32_t cp)
{
	return (cp >= 0x2060 && cp <= 0x2064) || cp == 0x180e || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    (cp >= 0xe0000 && cp <= 0xe007f) || (cp >= 0xe0100 && cp <= 0xe01ef);
}

/* The text folded and cut into words: *out holds them with one space between
 * (new string, free()), *words where each is (new array, free()). */
static size_t
words_of(const char *text, const char *lang, char **out, struct lx_word **words)
{
	char *folded = fold_for_search(text, lang);
	size_t len = strlen(folded), n, nw = 0, cap = 0;
	struct lx_word *w = NULL;
	bool in = false;
	struct buf b;
	uint32_t cp;

	buf_init(&b);
	for (const char *s = folded; len > 0; s += n, len -= n) {
		if ((n = utf8_decode(s, len, &cp)) == 0) {
			n = 1;  /* fold_for_search gives UTF-8; never here */
			continue;
		}
		if (is_ignored_cp(cp))
			continue;
		if (!is_word_cp(cp)) {
			in = false;
			continue;
		}
		if (!in) {
			if (nw > 0)
				buf_addc(&b, ' ');
			if (nw == cap) {
				cap = cap == 0 ? 16 : cap * 2;
				w = xreallocarray(w, cap, sizeof *w);
			}
			w[nw].off = b.len;
			w[nw++].len = 0;
			in = true;
		}
		buf_add(&b, s, n);
		w[nw - 1].len += n;
	}
	free(folded);
	*out = buf_steal(&b);
	*words = w;
	return nw;
}

/* ---- the hash of first words ---- */

static uint64_t
hash(enum fit fit, const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL ^ (uint64_t)fit;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static struct lx_slot *
slot_find(const struct lexicon *lx, enum fit fit, const char *s, size_t len)
{
	size_t i;

	if (lx->nslots == 0)
		return NULL;
	for (i = (size_t)hash(fit, s, len) & (lx->nslots - 1);; i = (i + 1) & (lx->nslots - 1)) {
		struct lx_slot *sl = &lx->slots[i];

		if (sl->key == NULL)
			return sl;
		if (sl->fit == fit && strlen(sl->key) == len && memcmp(sl->key, s, len) == 0)
			return sl;
	}
}

static void
slot_add(struct lexicon *lx, enum fit fit, const char *key, size_t entry)
{
	struct lx_slot *sl;

	if (2 * (lx->used + 1) > lx->nslots) {
		struct lx_slot *old = lx->slots;
		size_t nold = lx->nslots;

		lx->nslots = nold == 0 ? 64 : nold * 2;
		lx->slots = xcalloc(lx->nslots, sizeof *lx->slots);
		for (size_t i = 0; i < nold; i++) {
			if (old[i].key != NULL)
				*slot_find(lx, old[i].fit, old[i].key, strlen(old[i].key)) = old[i];
		}
		free(old);
	}
	sl = slot_find(lx, fit, key, strlen(key));
	if (sl->key == NULL) {
		sl->key = xstrdup(key);
		sl->fit = fit;
		lx->used++;
	}
	sl->entries = xreallocarray(sl->entries, sl->n + 1, sizeof *sl->entries);
	sl->entries[sl->n++] = entry;
	if (strlen(key) > lx->longest[fit])
		lx->longest[fit] = strlen(key);
}

/* ---- entries ---- */

static bool
known_lang(const char *lang)
{
	for (size_t i = 0; lexicon_langs[i] != NULL; i++) {
		if (strcmp(lexicon_langs[i], lang) == 0)
			return true;
	}
	return false;
}

/* The fit of an entry's first word. */
static enum fit
first_fit(const struct lx_entry *e)
{
	bool trail = e->trail && e->nwords == 1;

	return e->lead ? (trail ? FIT_INSIDE : FIT_END) : (trail ? FIT_START : FIT_WHOLE);
}

bool
lexicon_add(struct lexicon *lx, const char *lang, const char *text, const char *where,
	    struct error *err)
{
	size_t len = strlen(text), nw;
	bool lead, trail;
	char *inner, *joined;
	struct lx_word *w;
	struct lx_entry *e;

	if (!known_lang(lang))
		return error_set(err, ERR_USAGE, _("%s: '%s' is not one of the languages ar, ur, ms, tr, en"),
				 where, lang);
	if (!utf8_valid(text, len))
		return error_set(err, ERR_USAGE, _("%s: an entry is not UTF-8 text"), where);
	lead = len > 0 && text[0] == '*';
	trail = len > (size_t)lead && text[len - 1] == '*';
	inner = xstrndup(text + lead, len - lead - trail);
	if (strchr(inner, '*') != NULL) {
		free(inner);
		return error_set(err, ERR_USAGE,
				 _("%s: '%s' has a '*' inside; a '*' goes only at an entry's start or end"),
				 where, text);
	}
	nw = words_of(inner, lang, &joined, &w);
	free(inner);
	if (nw == 0) {
		free(joined);
		free(w);
		return error_set(err, ERR_USAGE, _("%s: '%s' has no letter or digit to match"), where, text);
	}
	lx->v = xreallocarray(lx->v, lx->n + 1, sizeof *lx->v);
	e = &lx->v[lx->n];
	e->pub.lang = xstrdup(lang);
	e->pub.text = xstrdup(text);
	e->pub.where = xstrdup(where);
	e->words = xcalloc(nw, sizeof *e->words);
	e->nwords = nw;
	for (size_t i = 0; i < nw; i++)
		e->words[i] = xstrndup(joined + w[i].off, w[i].len);
	e->lead = lead;
	e->trail = trail;
	slot_add(lx, first_fit(e), e->words[0], lx->n);
	lx->n++;
	free(joined);
	free(w);
	return true;
}

/* Trims blanks at both ends in place. */
static char *
trim(char *s)
{
	size_t n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

bool
lexicon_add_list(struct lexicon *lx, const char *lang, const char *list, const char *where,
		 struct error *err)
{
	char *copy = xstrdup(list), *p = copy;
	bool ok = true;

	while (ok && p != NULL) {
		char *comma = strchr(p, ','), *arabic = strstr(p, "\xd8\x8c");  /* ، U+060C */
		char *end = comma != NULL && (arabic == NULL || comma < arabic) ? comma : arabic;
		char *next = end == NULL ? NULL : end + (end == comma ? 1 : 2);

		if (end != NULL)
			*end = '\0';
		if (*(p = trim(p)) != '\0')
			ok = lexicon_add(lx, lang, p, where, err);
		p = next;
	}
	free(copy);
	return ok;
}

bool
lexicon_load_string(struct lexicon *lx, const char *name, const char *text, struct error *err)
{
	char *copy = xstrdup(text != NULL ? text : ""), *line, *next, lang[8] = "";
	bool ok = true;
	int nline = 0;

	for (line = copy; ok && line != NULL; line = next) {
		char *l, *where;
		size_t n;

		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		nline++;
		l = trim(line);
		if (*l == '\0' || *l == '#')
			continue;
		where = xasprintf("%s:%d", name, nline);
		n = strlen(l);
		if (l[0] == '[' && l[n - 1] == ']') {
			l[n - 1] = '\0';
			l = trim(l + 1);
			if (!(ok = known_lang(l)))
				error_set(err, ERR_USAGE, _("%s: '[%s]' is not one of the languages [ar], [ur], [ms], [tr], [en]"),
					  where, l);
			else
				snprintf(lang, sizeof lang, "%s", l);
		} else if (lang[0] == '\0') {
			ok = error_set(err, ERR_USAGE,
				       _("%s: an entry before any language; put a line [ar], [ur], [ms], [tr] or [en] above it"),
				       where);
		} else {
			ok = lexicon_add(lx, lang, l, where, err);
		}
		free(where);
	}
	free(copy);
	return ok;
}

bool
lexicon_load_file(struct lexicon *lx, const char *path, bool must_exist, struct error *err)
{
	struct error ferr;
	size_t len;
	char *text;
	bool ok;

	error_clear(&ferr);
	if ((text = fs_read_all(path, LEXICON_MAX_BYTES, &len, &ferr)) == NULL) {
		if (ferr.kind == ERR_NOT_FOUND && !must_exist)
			return true;
		return error_set(err, ERR_USAGE, "%s", ferr.msg);
	}
	if (memchr(text, '\0', len) != NULL) {
		free(text);
		return error_set(err, ERR_USAGE, _("%s is not a text file of risk words; check the path"), path);
	}
	ok = lexicon_load_string(lx, path, text, err);
	free(text);
	return ok;
}

const char *
lexicon_shipped_path(void)
{
	return EZRIZI_DATADIR "/ezrizi/risk-words";
}

bool
lexicon_from_config(const struct config *cfg, struct lexicon **out, size_t *shipped,
		    struct error *err)
{
	struct lexicon *lx = lexicon_create();
	const char *file = config_get(cfg, "risk_words_file");
	bool ok = lexicon_load_file(lx, lexicon_shipped_path(), false, err);

	if (shipped != NULL)
		*shipped = lx->n;
	if (ok && file != NULL)
		ok = lexicon_load_file(lx, file, true, err);
	for (size_t i = 0; ok && lexicon_langs[i] != NULL; i++) {
		char *key = xasprintf("risk_words_%s", lexicon_langs[i]);
		const char *v = config_get(cfg, key);

		if (v != NULL)
			ok = lexicon_add_list(lx, lexicon_langs[i], v, key, err);
		free(key);
	}
	if (!ok) {
		lexicon_destroy(lx);
		return false;
	}
	*out = lx;
	return true;
}

size_t
lexicon_size(const struct lexicon *lx)
{
	return lx != NULL ? lx->n : 0;
}

const struct lexicon_entry *
lexicon_entry(const struct lexicon *lx, size_t i)
{
	return lx != NULL && i < lx->n ? &lx->v[i].pub : NULL;
}

size_t
lexicon_count(const struct lexicon *lx, const char *lang)
{
	size_t n = 0;

	for (size_t i = 0; i < lexicon_size(lx); i++)
		n += strcmp(lx->v[i].pub.lang, lang) == 0;
	return n;
}

/* ---- matching ---- */

struct lx_text {
	const char *s;       /* the words, one space between */
	const struct lx_word *w;
	size_t n;
};

static bool
word_is(const struct lx_text *t, size_t i, const char *word, bool prefix)
{
	size_t len = strlen(word);

	if (prefix ? t->w[i].len < len : t->w[i].len != len)
		return false;
	return memcmp(t->s + t->w[i].off, word, len) == 0;
}

/* Whether entry e, its first word met at text word i, has its other words
 * after it. */
static bool
rest_fits(const struct lx_entry *e, const struct lx_text *t, size_t i)
{
	if (i + e->nwords > t->n)
		return false;
	for (size_t k = 1; k < e->nwords; k++) {
		if (!word_is(t, i + k, e->words[k], e->trail && k == e->nwords - 1))
			return false;
	}
	return true;
}

/* The entries whose first word is s[0..len) with this fit: one that fits
 * whole is stored in *which. */
static bool
try_key(const struct lexicon *lx, enum fit fit, const char *s, size_t len, const struct lx_text *t,
	size_t i, size_t *which)
{
	const struct lx_slot *sl;

	if (len == 0 || len > lx->longest[fit] || (sl = slot_find(lx, fit, s, len)) == NULL ||
	    sl->key == NULL)
		return false;
	for (size_t k = 0; k < sl->n; k++) {
		if (rest_fits(&lx->v[sl->entries[k]], t, i)) {
			*which = sl->entries[k];
			return true;
		}
	}
	return false;
}

/* Whether byte j of a word starts a code point. */
static bool
cp_start(const char *s, size_t j)
{
	return ((unsigned char)s[j] & 0xc0) != 0x80;
}

/* Text word i against every entry: the whole word, then its beginnings, ends
 * and insides as long as the longest entry of that fit. */
static bool
match_word(const struct lexicon *lx, const struct lx_text *t, size_t i, size_t *which)
{
	const char *s = t->s + t->w[i].off;
	size_t len = t->w[i].len;

	if (try_key(lx, FIT_WHOLE, s, len, t, i, which))
		return true;
	for (size_t k = 1; lx->longest[FIT_START] > 0 && k <= len && k <= lx->longest[FIT_START]; k++) {
		if ((k == len || cp_start(s, k)) && try_key(lx, FIT_START, s, k, t, i, which))
			return true;
	}
	for (size_t k = 0; lx->longest[FIT_END] > 0 && k < len; k++) {
		if (len - k <= lx->longest[FIT_END] && cp_start(s, k) &&
		    try_key(lx, FIT_END, s + k, len - k, t, i, which))
			return true;
	}
	for (size_t a = 0; lx->longest[FIT_INSIDE] > 0 && a < len; a++) {
		if (!cp_start(s, a))
			continue;
		for (size_t b = a + 1; b <= len && b - a <= lx->longest[FIT_INSIDE]; b++) {
			if ((b == len || cp_start(s, b)) && try_key(lx, FIT_INSIDE, s + a, b - a, t, i, which))
				return true;
		}
	}
	return false;
}

bool
lexicon_match(const struct lexicon *lx, const char *text, size_t *which)
{
	struct lx_word *w;
	char *joined;
	struct lx_text t;
	size_t found = 0;
	bool hit = false;

	if (lx == NULL || lx->n == 0 || text == NULL)
		return false;
	t.n = words_of(text, NULL, &joined, &w);
	t.s = joined;
	t.w = w;
	for (size_t i = 0; !hit && i < t.n; i++)
		hit = match_word(lx, &t, i, &found);
	free(joined);
	free(w);
	if (hit && which != NULL)
		*which = found;
	return hit;
}

bool
lexicon_from_client(const struct message *m)
{
	return m->sender_ref != NULL && strncmp(m->sender_ref, "Patient/", 8) == 0;
}

size_t
lexicon_mark(const struct lexicon *lx, struct message_list *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct message *m = &l->v[i];

		m->review = lexicon_from_client(m) && lexicon_match(lx, m->text, NULL);
		n += m->review;
	}
	return n;
}
