/* tui_internal.h - what ui/commands.c and ui/editor.c ask of the loop in tui.c. */
#ifndef EZRIZI_UI_TUI_INTERNAL_H
#define EZRIZI_UI_TUI_INTERNAL_H

#include "ui/state.h"

/* Opens the ':' line with text typed in (may be NULL). */
void tui_open_cmdline(struct tui *t, const char *prefill);
/* Opens the command line for a free text: on Enter, `command` (taken) runs
 * with the text, exactly as typed, as its last argument (ui_text_done); when
 * `asks`, after a question saying what it will do. */
void tui_open_text(struct tui *t, const char *prompt, char *command, bool asks);
void tui_close_cmdline(struct tui *t);
/* Paints what changed now, before a command waits for the server. */
void tui_render_now(struct tui *t);

/* ui/editor.c: a session note in $VISUAL/$EDITOR, the newest note in $PAGER. */
void tui_write_note(struct tui *t);
/* The newest note: a draft changed in place, a signed one amended. */
void tui_edit_note(struct tui *t);
void tui_page_note(struct tui *t);
/* Notes left by an editor killed with ezrizi: sealed into their clients'
 * drafts and wiped; the status line says so. */
void tui_recover_notes(struct tui *t);

#endif
