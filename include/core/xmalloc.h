/* xmalloc.h - allocation that aborts on exhaustion (after tmux's xmalloc.c).
 *
 * Model code calls these and never checks for NULL. Memory from these functions
 * is released with free(). cJSON memory goes back through cJSON_Delete/cJSON_free,
 * secrets through sodium_free(): never mix the families. */
#ifndef EZRIZI_XMALLOC_H
#define EZRIZI_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);          /* xstrdup(NULL) returns NULL */
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A growable byte buffer, always NUL-terminated. buf_init/buf_finish for
 * embedded ones; buf_steal hands the string to the caller (free()). */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_finish(struct buf *b);
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *buf_steal(struct buf *b);

#endif
