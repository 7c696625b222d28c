/* loop.h - what the screen's commands and the editor ask of the loop
 * (ui/tui.c): to open or close the ':' line on the status
 * line. The loop lends these as a small vtable in the screen's state
 * (t->loop), set when the screen opens, so that the dependency runs one way:
 * the loop calls the commands (ui/commands.h, ui/cmd_screen.h, ui/cmd_lock.h,
 * ui/editor.h), never the other way round. With no loop (a unit test, the
 * documentation generator) they do nothing. */
#ifndef EZRIZI_UI_LOOP_H
#define EZRIZI_UI_LOOP_H

#include <stdbool.h>
#include <stdlib.h>

#include "ui/state.h"

struct tui_loop {
	void (*open_cmdline)(struct tui *t, const char *prefill);
	void (*open_text)(struct tui *t, const char *prompt, char *command, bool asks);
	void (*close_cmdline)(struct tui *t);
};

/* Opens the ':' line with text typed in (may be NULL). */
static inline void
tui_open_cmdline(struct tui *t, const char *prefill)
{
	if (t->loop != NULL)
		t->loop->open_cmdline(t, prefill);
}

/* Opens the command line for a free text: on Enter, `command` (taken) runs
 * with the text, exactly as typed, as its last argument (ui_text_done); when
 * `asks`, after a question saying what it will do. */
static inline void
tui_open_text(struct tui *t, const char *prompt, char *command, bool asks)
{
	if (t->loop != NULL)
		t->loop->open_text(t, prompt, command, asks);
	else
		free(command);
}

static inline void
tui_close_cmdline(struct tui *t)
{
	if (t->loop != NULL)
		t->loop->close_cmdline(t);
}

#endif
