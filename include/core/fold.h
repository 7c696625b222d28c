/* fold.h - folding people's names for search, the way people type them.
 *
 * Only for matching names: protocol tokens are compared with the ASCII helpers
 * of utf8.h. Works on code points with tables of its own; never uses
 * towlower/tolower/strcasecmp, whose answers change with the locale.
 *
 * What folds together (the text is the server's, the needle what someone typed,
 * often on an English keyboard):
 *  - case: Latin (ASCII, Latin-1, Latin Extended-A, a few of Extended-B), Greek
 *    and Cyrillic lower-cased. With lang "tr", I -> ı and İ -> i; otherwise
 *    I -> i and İ -> i. Then ı -> i whatever the language, so for matching the
 *    dotless and dotted i are one letter: on an English keyboard "isik" is how
 *    "Işık" is typed, and a Turkish keyboard's "IŞIK" must find it too.
 *  - accents optional: combining marks (U+0300-U+036F) dropped, precomposed
 *    letters to their base (é e, ş s, ğ g, ç c, ö o, ü u, â a, ñ n, ...), a few to
 *    two letters (ß ss, æ ae, œ oe, ĳ ij, þ th).
 *  - Arabic script, in every language: harakat and Quranic marks dropped
 *    (U+0610-U+061A, U+064B-U+065F, U+0670, U+06D6-U+06ED) and tatweel (U+0640);
 *    أ إ آ ٱ -> ا; ة -> ه; ى -> ي; Urdu and Persian letters to the Arabic
 *    keyboard's: ک ڪ -> ك, ی -> ي, ے ۓ -> ي (Urdu's final yeh, typed ي on an
 *    Arabic keyboard), ہ ۀ ۂ ھ -> ه; Arabic-Indic digits (٠-٩, ۰-۹) -> 0-9.
 *  - invisible format characters dropped (ZWNJ, ZWJ, LRM, RLM, ALM, soft
 *    hyphen, BOM, bidi embeddings and isolates), so they never split a match.
 *  - runs of white space to one space, trimmed at both ends.
 * Everything else is kept as it is; bytes that are not UTF-8 are dropped. */
#ifndef EZRIZI_FOLD_H
#define EZRIZI_FOLD_H

#include <stdbool.h>

/* Folds text for matching names as people type them: new malloc'd UTF-8 string
 * (free()); s NULL gives "". lang is the user's language ("tr", "ar", "ur",
 * "ms", "en" or NULL for none in particular). */
char *fold_for_search(const char *s, const char *lang);

/* True when needle (as typed) matches inside hay (a name) after folding both.
 * A needle that folds to "" matches every name; a NULL hay matches nothing. */
bool fold_match(const char *hay, const char *needle, const char *lang);

/* The user's language from LC_ALL / LC_MESSAGES / LANG, overridden by the first
 * of LANGUAGE as gettext does ("tr_TR.UTF-8" -> "tr"), or NULL (unset, "C",
 * "POSIX"). Points to static storage, valid until the next call. */
const char *fold_user_lang(void);

#endif
