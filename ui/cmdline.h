/* cmdline.h - the ':' command line: GNU readline in callback mode, drawn by us
 * (after profanity's src/ui/inputwin.c).
 *
 * Readline edits the line (emacs or vi mode, the user's ~/.inputrc with
 * `$if ezrizi`, history, completion) but owns no I/O: we give it the bytes of
 * each key, it never reads the terminal, never writes to it (its output stream
 * and, while it runs, stderr go to a sink) and never changes the terminal
 * modes, the signal handlers or LINES/COLUMNS. cmdline_draw() paints the line
 * into our one-line window.
 *
 * Readline is global state: there is at most one struct cmdline at a time
 * (cmdline_create() aborts if one exists).
 *
 * Keys:
 * - Enter (\r, \n, KEY_ENTER) ends the line: CMDLINE_DONE.
 * - Cancel (CMDLINE_CANCEL): Ctrl-G or Ctrl-C in any mode; Esc in emacs mode
 *   only (in vi mode Esc leaves insert mode, as readline users expect);
 *   Backspace on an empty line; Ctrl-D on an empty line (readline's EOF).
 *   During an incremental search (Ctrl-R) Esc and Ctrl-G go to readline: they
 *   end or abort the search, not the command line.
 *   Because Esc cancels in emacs mode, Alt-<key> (which curses gives as Esc
 *   and then the key) is not available there: use the Ctrl bindings.
 * - Up/Down (and Ctrl-P/Ctrl-N) walk the history of this run, PgUp/PgDn search
 *   it for lines starting with what is typed (unless ~/.inputrc binds those
 *   keys otherwise). The history lives in memory only and is never written to
 *   disk.
 * - Tab completes from the one registry (command names, the screen's too,
 *   "note add" after "note ", --options of the command) and, for option values
 *   and positional arguments, by their kind: choices, a day's words, file
 *   names, and the ids of what is on the screen from the cmdline_values_fn;
 *   in a line a command runs (confirm, text), what that line's command takes. When several candidates match, the
 *   common prefix is inserted and the candidates are shown dimmed after the
 *   input, "  [appointment appointments]", until the next key. */
#ifndef EZRIZI_UI_CMDLINE_H
#define EZRIZI_UI_CMDLINE_H

#include <stdbool.h>

#include <curses.h>

#include "core/cmd.h"
#include "ui/list.h"

struct cmdline;

/* Completion of the values completion cannot know by itself: given the kind
 * of the value being completed (KIND_PATIENT, KIND_APPOINTMENT,
 * KIND_PRACTITIONER, KIND_NOTE, KIND_SLOT, KIND_SEQ, ...: a command's
 * positional or an option's value, as its entry says) and the text typed so
 * far, returns a NULL-terminated malloc'd vector of malloc'd candidates (or
 * NULL). The command line frees both with free(). Candidates need not start
 * with text (a name may complete to an id): one candidate replaces the text;
 * several are shown, and their common prefix is inserted only when it extends
 * the text. The choices of an option or argument, the words of a kind (today,
 * me, all), command names and file names the command line finds itself. */
typedef char **(*cmdline_values_fn)(enum cmd_kind kind, const char *text, void *arg);

/* Sets up readline (reads ~/.inputrc or $INPUTRC; errors in it are not shown).
 * Only one at a time. */
struct cmdline *cmdline_create(void);
/* Cancels any line being edited, forgets the history. Accepts NULL. */
void cmdline_destroy(struct cmdline *c);
void cmdline_set_values(struct cmdline *c, cmdline_values_fn fn, void *arg);

/* Starts editing in the given one-line window (the status line), with ":" as
 * the prompt and the text prefilled (may be NULL), the cursor after it. Opening
 * while active cancels the line being edited first. */
void cmdline_open(struct cmdline *c, WINDOW *win, const char *prefill);
/* The same for a free text (a message, a reason): `prompt` instead of ":",
 * nothing completed, nothing kept in the history, drawn in the text's own
 * direction. What is typed comes back exactly as typed. */
void cmdline_open_text(struct cmdline *c, WINDOW *win, const char *prompt);
bool cmdline_active(const struct cmdline *c);

enum cmdline_result { CMDLINE_MORE, CMDLINE_DONE, CMDLINE_CANCEL };

/* Feeds one key (see the top of this file). On CMDLINE_DONE *line gets the
 * entered line (malloc'd, the caller frees it with free()); it is added to the
 * in-memory history unless blank or equal to the previous entry. Otherwise
 * *line is NULL. After DONE or CANCEL the command line is no longer active; a
 * key given while inactive returns CMDLINE_CANCEL. Keys it does not use
 * (KEY_RESIZE, F-keys...) return CMDLINE_MORE and change nothing. */
enum cmdline_result cmdline_key(struct cmdline *c, const struct ui_key *k, char **line);

/* Redraws the prompt (":" or readline's own, e.g. during Ctrl-R), the visible
 * part of the line (scrolled horizontally so that the cursor stays visible,
 * wide characters measured with display_width, control characters shown as
 * placeholders by sanitize_display) and the completion candidates, and moves
 * the window's cursor to the editing position (the caller has curs_set(1)
 * while active). Calls wnoutrefresh on the window; the caller calls doupdate.
 * Does nothing while inactive. */
void cmdline_draw(struct cmdline *c);

/* The window changed (resize). Redraw afterwards. */
void cmdline_set_window(struct cmdline *c, WINDOW *win);

/* Where the cursor is, in screen coordinates, as of the last cmdline_draw
 * (for the caller to leave it there after doupdate, e.g. with
 * wmove(win, y - getbegy(win), x - getbegx(win)) and wnoutrefresh(win) as the
 * last refresh of the loop turn). */
void cmdline_cursor(const struct cmdline *c, int *y, int *x);

#endif
