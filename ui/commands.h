/* commands.h - the screen's runner (ui/commands.c): every line of the command
 * language the screen runs (a key's, the ':' line's, a question's answer, a
 * bind line of the config) is resolved and parsed by the core's one resolver
 * and option parser against the one registry. The screen's own commands run
 * at once; the core's with their output captured, for the status line or the
 * overlay as their entry says, and then the screen looks again for what they
 * changed. It asks of the loop only what ui/loop.h lends. */
#ifndef EZRIZI_UI_COMMANDS_H
#define EZRIZI_UI_COMMANDS_H

#include <stdbool.h>

#include "core/cmd.h"
#include "core/error.h"
#include "ui/draw.h"
#include "ui/state.h"

/* How the screen's own commands (ui/cmd_screen.c, ui/cmd_lock.c) are
 * written: a handler of the registry that finds the screen in ctx->front. */
#define SCREEN_HANDLER(name) static bool name(struct cmd_ctx *ctx, const struct cmd_entry *e, \
					      const struct cmd_args *a, struct error *err)

/* The screen a command of the screen runs on. */
static inline struct tui *
ui_screen(struct cmd_ctx *ctx)
{
	return ctx->front;
}

/* A bind line's command: the line resolves and parses as it would run, %a
 * and %p left as they are (false with err set otherwise). */
bool ui_check_line(const char *line, struct error *err);
/* The flags (CMD_*) of the command a line runs; 0 when it names none. */
unsigned ui_line_flags(const char *line);
/* Runs a line of the command language in the screen: %a and %p stand for the
 * selected appointment's and client's ids. */
void ui_run(struct tui *t, const char *line);
/* The same for a line whose %a and %p are filled in already (a question's
 * answer, a free text): nothing in it is replaced. */
void ui_run_expanded(struct tui *t, const char *line);
/* Runs the core command of line as a job (ui/job.h), its output captured: a
 * sentence to the status line, records or a text to the overlay, as its
 * entry says; then the screen looks again for what it changed. base, when
 * not NULL, is the core's entry a screen entry does its way (lock --agent). */
void ui_run_core(struct tui *t, const char *line, const struct cmd_entry *base);
/* Asks before line (taken, filled in) runs: mode_confirm is on until a key
 * answers it; "answer yes" runs it. The question is the status line's
 * message, set by the caller. */
void ui_ask(struct tui *t, char *line);
/* Runs a key's line (ui_run), and repaints the overlay when it shows. */
void ui_run_key(struct tui *t, const char *line);
/* Runs what k is bound to in a mode's key table (ui/keys.h); false when
 * nothing is. */
bool ui_mode_key(struct tui *t, const char *table, const struct ui_key *k);
/* Runs the root table's line of k when it moves (CMD_MOVES): what a key that
 * moves does in the overlay and the picker. False otherwise. */
bool ui_moving_key(struct tui *t, const struct ui_key *k);
/* The words joined by single spaces (a title, a message shown as typed).
 * New string (free()). */
char *ui_join(int argc, char **argv);
/* Opens the overlay with text (our own, or sanitised). */
void ui_overlay_open(struct tui *t, const char *title, const char *text);
/* The overlay on the crisis view (the model's crisis), built for its width. */
void ui_overlay_open_crisis(struct tui *t, const char *title);
/* The overlay on the selected client's score chart (ui/chart.h). */
void ui_overlay_open_chart(struct tui *t, const char *title);
/* The help for a width (ui/help.h): the keys and every command, from the
 * registry. */
void ui_help_lines(struct tui *t, struct tlines *l, int width);
/* Sends what waits in the outbox (at every look again). */
void ui_send_outbox(struct tui *t);

#endif
