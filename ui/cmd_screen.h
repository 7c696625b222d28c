/* cmd_screen.h - the screen's own commands (ui/cmd_screen.c, and the lock and
 * the passphrase in ui/cmd_lock.c): entries of the one registry, declared
 * next to their handlers, added to the core's when the screen starts. Their
 * handlers find the screen in ctx->front. */
#ifndef EZRIZI_UI_CMD_SCREEN_H
#define EZRIZI_UI_CMD_SCREEN_H

#include <stddef.h>

#include "core/cmd.h"

struct tui;

#define SCREEN_HANDLER(name) static bool name(struct cmd_ctx *ctx, const struct cmd_entry *e, \
					      const struct cmd_args *a, struct error *err)

/* The screen a command of the screen runs on. */
static inline struct tui *
ui_screen(struct cmd_ctx *ctx)
{
	return ctx->front;
}

/* cmd_lock.c: lock and passwd, the core's commands done the screen's way. */
extern const struct cmd_entry ui_entry_lock, ui_entry_passwd;

/* Every command of the screen, for cmd_register(). */
const struct cmd_entry *const *ui_screen_commands(size_t *n);

#endif
