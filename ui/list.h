/* list.h - the one list widget every pane is built on (after calcurse's
 * listbox.c and tmux's mode-tree.c).
 *
 * A list has n rows of one line each and a window of `rows` visible lines. In
 * select mode a cursor row (sel) moves and the view follows it; in scroll mode
 * the keys move the view itself. The widget knows nothing about what a row
 * holds: draw_item paints row i into the given line. */
#ifndef EZRIZI_UI_LIST_H
#define EZRIZI_UI_LIST_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

/* A key as wget_wch() gives it: a function key (KEY_UP...) or a character. */
struct ui_key {
	bool fn;
	int code;
};

typedef void (*list_draw_fn)(WINDOW *w, int y, int x, int width, size_t i, bool selected,
			     void *ud);

struct list {
	size_t n;          /* rows */
	size_t top;        /* first visible row */
	size_t sel;        /* cursor row, select mode only */
	int rows;          /* visible lines */
	bool selectable;
	list_draw_fn draw_item;
	void *ud;
};

void list_init(struct list *l, bool selectable, list_draw_fn fn, void *ud);
/* Sets the number of rows and the visible height; keeps sel and top in range. */
void list_set_count(struct list *l, size_t n);
void list_set_rows(struct list *l, int rows);
/* Moves the cursor (select mode) and scrolls it into view. */
void list_select(struct list *l, size_t i);
/* Scrolls to the last page (scroll mode) or selects the last row. */
void list_to_end(struct list *l);
bool list_at_end(const struct list *l);
/* Up/Down, PgUp/PgDn, Home/End. Returns true when the key was one of
 * those (moved or not); *moved says whether anything changed. */
bool list_key(struct list *l, const struct ui_key *k, bool *moved);
/* Paints the visible rows into w from (y, x), `width` columns wide; lines past
 * the last row are blanked. */
void list_draw(const struct list *l, WINDOW *w, int y, int x, int width);

#endif
