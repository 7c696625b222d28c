/* view.h - the screen's windows on the terminal (ui/term.c has the terminal
 * itself): the title, the status line and the overlay's window, with what of
 * them is to be painted again. ui/tui.c lays them out; the modes (ui/mode.h)
 * draw into them. */
#ifndef EZRIZI_UI_VIEW_H
#define EZRIZI_UI_VIEW_H

#include <stdbool.h>

#include <curses.h>

struct view {
	WINDOW *title, *status;
	WINDOW *over;             /* the overlay: help, output, the picker */
	bool small_dirty, over_dirty, lock_painted;
	int laid_out_left;        /* the list's width when laid out (it asks by what it shows) */
	int status_h;             /* the status line's lines: a long message takes more */
};

#endif
