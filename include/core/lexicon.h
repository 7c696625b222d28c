/* lexicon.h - the clinic's words that may speak of self-harm, and the matcher
 * that marks a client's message holding one for a clinician to review.
 *
 * No reviewed lexicon ships with ezrizi: data/risk-words (installed as
 * DATADIR/ezrizi/risk-words) is the format with no words, and is read so that
 * one reviewed later ships the same way. Until then a message is marked only
 * by the clinic's own words, from the config:
 *     risk_words_ar = word, a phrase, word*      (also _ur _ms _tr _en;
 *                                                 ',' or '،' between entries)
 *     risk_words_file = PATH                     (the file format below)
 * The file: one entry a line; blank lines and lines starting with '#' are
 * skipped; a line "[ar]" (ur, ms, tr, en) says the language of the entries
 * after it, and an entry before any is an error (FILE:LINE).
 *
 * An entry is a word or a phrase. It matches a whole word (a phrase: its
 * words in a row, any spaces or punctuation between them), never inside a
 * longer word, unless it ends with '*' (then also the words that begin with
 * it: Turkish and Malay suffixes) or begins with '*' (the words that end with
 * it: Arabic's attached wa-, fa-, bi-, li-, al-), or both (anywhere in a
 * word). A '*' elsewhere is an error.
 *
 * Text and entries are compared after the same normalisation, whatever the
 * locale (fold.h's folding, then words): case folded (Turkish I ı İ i are one
 * letter), accents optional; Arabic and Urdu without tashkeel (U+064B-U+065F,
 * U+0670) and tatweel (U+0640), أ إ آ ٱ as ا, ى ی ے as ي, ة ہ ھ as ه, ک as ك;
 * zero-width characters, bidi controls and variation selectors dropped, so
 * they never split a word nor hide one. Words are runs of letters and digits;
 * everything else (spaces, punctuation of any script, symbols) is between
 * words.
 *
 * Matching is linear in the text: the text is folded and cut into words once,
 * and each word is looked up in a hash of the entries' first words (a '*'
 * entry by each of the word's beginnings or ends, no longer than the longest
 * such entry).
 *
 * Only what a client wrote is matched (lexicon_mark). A match is a mark on
 * the screen and a field of 'ezrizi chat': it is never written anywhere,
 * never logged and never raises a Flag. */
#ifndef EZRIZI_LEXICON_H
#define EZRIZI_LEXICON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/chat.h"
#include "core/config.h"
#include "core/error.h"

struct lexicon;

/* One entry as written, and where. */
struct lexicon_entry {
	char *lang;          /* "ar", "ur", "ms", "tr", "en" */
	char *text;          /* as written, '*' included */
	char *where;         /* "FILE:LINE" or the config key */
};

/* The languages an entry may be given in, NULL-terminated. */
extern const char *const lexicon_langs[];

struct lexicon *lexicon_create(void);
void lexicon_destroy(struct lexicon *lx);   /* accepts NULL */

/* Adds one entry in lang (one of lexicon_langs); where is for messages.
 * Fails with ERR_USAGE when it has no letter or digit, or a '*' inside. */
bool lexicon_add(struct lexicon *lx, const char *lang, const char *text, const char *where,
		 struct error *err);
/* Adds the entries of a config value: separated by ',' or '،'. */
bool lexicon_add_list(struct lexicon *lx, const char *lang, const char *list, const char *where,
		      struct error *err);
/* Adds the entries of a file in the format above; name is for messages. */
bool lexicon_load_string(struct lexicon *lx, const char *name, const char *text,
			 struct error *err);
/* The same from a file. A missing file is no error unless must_exist. */
bool lexicon_load_file(struct lexicon *lx, const char *path, bool must_exist, struct error *err);

/* Where the shipped lexicon is looked for (DATADIR/ezrizi/risk-words). */
const char *lexicon_shipped_path(void);
/* The lexicon to match with: the shipped file's entries (none yet), then
 * risk_words_file's, then each risk_words_LANG key's. A file that cannot be
 * read or a bad entry fails (ERR_USAGE, naming where): a lexicon half read
 * would mark less than the clinic believes. *out is set on success (free
 * with lexicon_destroy); shipped (may be NULL) counts the shipped entries. */
bool lexicon_from_config(const struct config *cfg, struct lexicon **out, size_t *shipped,
			 struct error *err);

size_t lexicon_size(const struct lexicon *lx);
const struct lexicon_entry *lexicon_entry(const struct lexicon *lx, size_t i);
/* How many entries are in lang. */
size_t lexicon_count(const struct lexicon *lx, const char *lang);

/* Whether text (any bytes; not UTF-8 is skipped) holds an entry; *which (may
 * be NULL) is the first entry found. lx NULL or empty matches nothing. */
bool lexicon_match(const struct lexicon *lx, const char *text, size_t *which);

/* Whether a message is the client's own (its sender a Patient). */
bool lexicon_from_client(const struct message *m);
/* Sets review on each of the client's messages that holds an entry, clears
 * it on the rest; returns how many are marked. */
size_t lexicon_mark(const struct lexicon *lx, struct message_list *l);

#endif
