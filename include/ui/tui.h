/* tui.h - the ncurses front end. */
#ifndef EZRIZI_TUI_H
#define EZRIZI_TUI_H

#include "core/cmd.h"

/* Opens the screen on the terminal and runs until the user quits. Returns the
 * process exit code (0, or an error's code when the screen cannot start). */
int tui_run(struct cmd_ctx *ctx);

#endif
