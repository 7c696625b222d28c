/* sanitize.h - server text is data: make it safe to draw on a terminal.
 *
 * A pure function. Stored data stays intact; only what goes to the screen (or to a
 * "table"/"tsv" output on stdout) passes through here. */
#ifndef EZRIZI_SANITIZE_H
#define EZRIZI_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	SAN_KEEP_NEWLINES = 1 << 0,  /* multi-line text (notes, messages): keep \n */
	SAN_KEEP_TABS = 1 << 1,      /* keep \t (otherwise it becomes one space) */
};

/* Returns a newly allocated (free()) UTF-8 string in which:
 * - C0 controls (U+0000..U+001F), DEL (U+007F) become caret notation, "^[" for ESC,
 *   "^M" for CR, etc. (\n and \t as the flags say; \t otherwise becomes a space);
 * - C1 controls (U+0080..U+009F), bidi embeddings, overrides and isolates
 *   (U+202A..U+202E, U+2066..U+2069), marks (U+200E, U+200F, U+061C), zero-width
 *   and invisible characters (U+200B, U+2060..U+206F, U+FEFF, U+00AD soft hyphen,
 *   U+180E, U+FFF9..U+FFFB, the tag characters U+E0000..U+E007F) and other format/line/paragraph separators
 *   (U+2028, U+2029) become the visible placeholder "<U+XXXX>" (upper-case hex,
 *   at least 4 digits);
 * - each byte of invalid UTF-8 (overlong, surrogate, > U+10FFFF, truncated)
 *   becomes U+FFFD.
 * Everything else, including every script's letters and combining marks, and the
 * zero-width non-joiner and joiner (U+200C, U+200D) that Urdu, Persian and emoji
 * sequences need, passes
 * unchanged. NULL in gives "" out. len is the input length in bytes; pass
 * (size_t)-1 for a NUL-terminated string. */
char *sanitize_display(const char *s, size_t len, unsigned flags);

/* True for a code point sanitize_display() does not pass through as it is: the C0
 * controls, DEL, and every code point of the "<U+XXXX>" list above. Other writers
 * of server text (the JSON output) escape the same set, so the lists cannot drift. */
bool sanitize_cp_unsafe(uint32_t cp);

/* The number of terminal columns the (already sanitised) UTF-8 string takes,
 * with wcwidth() per code point (the caller has set an LC_CTYPE UTF-8 locale);
 * non-printable code points count 1. */
int display_width(const char *s);

/* Copies into a new string the longest prefix of s that fits in `cols` columns,
 * never splitting a code point or leaving a combining mark without its base.
 * *used (may be NULL) receives the width taken. */
char *display_truncate(const char *s, int cols, int *used);

#endif
