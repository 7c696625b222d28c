/* utf8.h - strict UTF-8 and ASCII helpers for protocol tokens.
 *
 * Protocol tokens (HTTP headers, JSON keys, FHIR codes, command names) are
 * compared with these, never with strcasecmp/tolower: under tr_TR.UTF-8 those
 * no longer pair I and i. */
#ifndef EZRIZI_UTF8_H
#define EZRIZI_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from s (at most len bytes). Returns the number of bytes
 * used (1..4) and stores the code point in *cp, or returns 0 on invalid UTF-8
 * (overlong, surrogate, > U+10FFFF, truncated, stray continuation) and leaves
 * *cp = 0xFFFD. */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp into out (at least 4 bytes); returns the number of bytes. */
size_t utf8_encode(uint32_t cp, char *out);
bool utf8_valid(const char *s, size_t len);

int ascii_tolower(int c);
bool ascii_eq_nocase(const char *a, const char *b);
bool ascii_prefix_nocase(const char *s, const char *prefix);
/* The value of an ASCII hex digit, or -1. */
int ascii_hex_value(int c);

#endif
