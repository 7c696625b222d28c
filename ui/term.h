/* term.h - the terminal under the screen: curses set up on it and torn down,
 * the signals, stderr kept off it, its bidi mode, and leaving it for another
 * program (an editor, a pager) and coming back.
 *
 * There is one terminal per process, and this module owns it: nothing else
 * calls newterm() or endwin(), installs a signal handler or touches stderr's
 * descriptor while the screen is up. SIGINT, SIGTERM and SIGHUP only set a
 * flag (term_quit_asked), SIGWINCH only sets another (term_take_resize); both
 * wake the loop's poll() through a pipe (term_wake_fd). SIGTSTP and SIGCONT
 * are left to ncurses, which leaves and restores the screen itself. The
 * windows drawn on the terminal belong to the loop (ui/tui.c). */
#ifndef EZRIZI_UI_TERM_H
#define EZRIZI_UI_TERM_H

#include <stdbool.h>

#include "ui/list.h"

/* Opens curses on stdout and stdin: keys raw, no echo, no cursor, colours and
 * the bidi rendering set up, stderr muted while it is a terminal (redirect it
 * to keep EZRIZI_DEBUG output). With bidi_app ezrizi reorders right-to-left
 * text itself and puts the terminal in explicit mode (ECMA-48 BDSM), so that
 * terminals that reorder by themselves leave its lines alone. False when
 * curses cannot start on this terminal (TERM unknown): then nothing is
 * changed. */
bool term_open(bool bidi_app);
/* Leaves curses, puts back the terminal's bidi mode, stderr and the signals. */
void term_close(void);

/* Leaves the screen for another program, which gets the terminal's own bidi
 * mode; term_resume() takes it back and repaints everything at the next
 * doupdate() (the loop lays out again). */
void term_suspend(void);
void term_resume(void);

/* A descriptor that becomes readable when a signal came, for the loop's
 * poll(); -1 when there is none (then signals only interrupt the poll). */
int term_wake_fd(void);
/* Empties the wake pipe, after poll() said it was readable. */
void term_drain_wake(void);
/* True once after SIGWINCH: curses has taken the new size and queued a
 * KEY_RESIZE. */
bool term_take_resize(void);
/* A signal asked ezrizi to leave (SIGINT, SIGTERM, SIGHUP). */
bool term_quit_asked(void);

/* Reads a key, waiting up to timeout_ms (0: only what is there). False on a
 * timeout or a signal: the loop then looks at the flags. Reading never
 * repaints anything. */
bool term_read_key(int timeout_ms, struct ui_key *k);

#endif
