/* fsutil.h - private files: 0700 directories, 0600 files, atomic replacement. */
#ifndef EZRIZI_FSUTIL_H
#define EZRIZI_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* Creates dir and its missing parents with mode 0700. */
bool fs_mkdir_private(const char *dir, struct error *err);

/* Replaces path atomically and durably with data: a temporary file (0600) in the
 * same directory, fsync, rename, fsync of the directory. Creates the directory
 * (0700) when missing. A failed fsync is an error, and the old file stays. */
bool fs_write_private(const char *path, const char *data, size_t len, struct error *err);

/* Writes data to a new file, mode 0600, durably; a file already there (or a
 * link) is never overwritten: ERR_CONFLICT. A copy handed to someone. */
bool fs_write_new(const char *path, const char *data, size_t len, struct error *err);

/* Reads a whole file of at most max bytes (new NUL-terminated buffer, free()).
 * A file that others can read or write, or that someone else owns, is refused.
 * Returns NULL with err set; ENOENT gives ERR_NOT_FOUND. */
char *fs_read_private(const char *path, size_t max, size_t *len, struct error *err);

/* Reads a whole file or stdin ("-") of at most max bytes (free()). */
char *fs_read_all(const char *path, size_t max, size_t *len, struct error *err);

#endif
