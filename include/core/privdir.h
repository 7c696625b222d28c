/* privdir.h - the private folder where plaintext must touch the disk for a
 * while: a note being written in $EDITOR.
 *
 * $XDG_RUNTIME_DIR/ezrizi when XDG_RUNTIME_DIR is set (an absolute path that
 * exists), else ${TMPDIR:-/tmp}/ezrizi-UID: one fixed folder per user, so a
 * note left by a killed editor is found again. Both are on memory file
 * systems on most systems: the plaintext is not kept across a reboot, nor in
 * a backup of the home folder (which $XDG_STATE_HOME would be).
 *
 * The folder is made 0700 when missing, and checked before every use: a
 * folder, not a symlink (lstat, then opened O_DIRECTORY|O_NOFOLLOW and
 * compared, device and inode), owned by us, mode exactly 0700; refused
 * otherwise, with an error that says what to do. Files in it are reached
 * relative to the checked folder's fd (openat, O_NOFOLLOW), never by path. */
#ifndef EZRIZI_PRIVDIR_H
#define EZRIZI_PRIVDIR_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

/* Opens and checks the folder (made when missing, unless `create` is false:
 * then ERR_NOT_FOUND when there is none). Returns its fd and its path in
 * *path (free()); -1 with err set. */
int privdir_open(bool create, char **path, struct error *err);

/* Makes name (0600, which must not exist) holding len bytes of text. */
bool privdir_write(int dfd, const char *name, const char *text, size_t len, struct error *err);

/* Reads name: a plain file of ours with one link, at most max bytes. A new
 * NUL-terminated buffer (wipe, then free()), or NULL with err set
 * (ERR_NOT_FOUND when it is not there). */
char *privdir_read(int dfd, const char *name, size_t max, size_t *len, struct error *err);

/* Overwrites name with zeros, fsyncs it and removes it; also an editor's
 * copies of it left beside (.name.swp, .name.swo, name~). */
void privdir_wipe(int dfd, const char *name);

#endif
