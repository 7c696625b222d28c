/* cmd_lock.h - the lock and the passphrase on the screen (ui/cmd_lock.c):
 * lock and passwd, the core's commands done the screen's way (the core's
 * would end the unlock agent, or ask on the terminal the screen holds), the
 * lock screen's keys and the hidden prompts of a passphrase change. Nothing
 * of a client shows while the screen is locked; what is typed lives in
 * sodium memory and is wiped. */
#ifndef EZRIZI_UI_CMD_LOCK_H
#define EZRIZI_UI_CMD_LOCK_H

#include "core/cmd.h"
#include "ui/list.h"

struct tui;

/* The registry's entries (ui/cmd_screen.c gathers them). */
extern const struct cmd_entry ui_entry_lock, ui_entry_passwd;

/* Locks the screen now (the lock command, and lock_after of idleness). */
void ui_lock(struct tui *t);
/* A key typed on the lock screen (and in the passphrase prompt): the
 * password's characters, Backspace, Enter. The modes themselves (mode_lock,
 * mode_secret) are declared in ui/mode.h. */
void ui_lock_key(struct tui *t, const struct ui_key *k);
/* The store held alone by another ezrizi at the unlock: ms until it is tried
 * again (INT_MAX when it is not waited for), and the try, from the loop's
 * tick when that time has come. */
int ui_ms_to_store_retry(const struct tui *t);
void ui_store_retry(struct tui *t);

#endif
