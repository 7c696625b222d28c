/* cmd_screen.h - the screen's own commands (ui/cmd_screen.c, and the lock and
 * the passphrase in ui/cmd_lock.c): entries of the one registry, declared
 * next to their handlers, added to the core's when the screen starts. Their
 * handlers find the screen in ctx->front; they run the core's commands through
 * ui/commands.h and ask of the loop only what ui/loop.h lends. */
#ifndef EZRIZI_UI_CMD_SCREEN_H
#define EZRIZI_UI_CMD_SCREEN_H

#include <stddef.h>

#include "core/cmd.h"

struct tui;

/* Every command of the screen, for cmd_register(). */
const struct cmd_entry *const *ui_screen_commands(size_t *n);
/* Adds the screen's commands to the registry (cmd_register). */
void ui_register_commands(void);

/* The free text asked for by the text command has been typed: runs the
 * command waiting for it (t->text_cmd) with the text as its last argument,
 * quoted so the command language gives it back byte for byte. */
void ui_text_done(struct tui *t, const char *text);
/* Enter in the free-slot picker. */
void ui_picker_choose(struct tui *t);

#endif
