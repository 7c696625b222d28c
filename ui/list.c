/* list.c - the list widget. */
#include "ui/list.h"

void
list_init(struct list *l, bool selectable, list_draw_fn fn, void *ud)
{
	*l = (struct list){ .selectable = selectable, .draw_item = fn, .ud = ud, .rows = 1 };
}

static size_t
max_top(const struct list *l)
{
	size_t rows = l->rows > 0 ? (size_t)l->rows : 1;

	return l->n > rows ? l->n - rows : 0;
}

/* Keeps sel and top in range and, in select mode, sel visible. */
static void
clamp(struct list *l)
{
	size_t rows = l->rows > 0 ? (size_t)l->rows : 1;

	if (l->n == 0) {
		l->sel = l->top = 0;
		return;
	}
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->selectable) {
		if (l->sel < l->top)
			l->top = l->sel;
		else if (l->sel >= l->top + rows)
			l->top = l->sel - rows + 1;
	}
	if (l->top > max_top(l))
		l->top = max_top(l);
}

void
list_set_count(struct list *l, size_t n)
{
	l->n = n;
	clamp(l);
}

void
list_set_rows(struct list *l, int rows)
{
	l->rows = rows > 0 ? rows : 1;
	clamp(l);
}

void
list_select(struct list *l, size_t i)
{
	l->sel = i;
	clamp(l);
}

void
list_to_end(struct list *l)
{
	if (l->selectable)
		l->sel = l->n > 0 ? l->n - 1 : 0;
	else
		l->top = max_top(l);
	clamp(l);
}

bool
list_at_end(const struct list *l)
{
	return l->selectable ? l->sel + 1 >= l->n : l->top >= max_top(l);
}

/* Moves the cursor or the view by delta rows. */
static void
move_by(struct list *l, long delta)
{
	size_t *pos = l->selectable ? &l->sel : &l->top;
	size_t limit = l->selectable ? (l->n > 0 ? l->n - 1 : 0) : max_top(l);

	if (delta < 0)
		*pos = (size_t)-delta > *pos ? 0 : *pos - (size_t)-delta;
	else
		*pos = *pos + (size_t)delta > limit ? limit : *pos + (size_t)delta;
	clamp(l);
}

bool
list_key(struct list *l, const struct ui_key *k, bool *moved)
{
	size_t old_sel = l->sel, old_top = l->top;
	long page = l->rows > 1 ? l->rows - 1 : 1;

	if (k->fn) {
		switch (k->code) {
		case KEY_UP: move_by(l, -1); break;
		case KEY_DOWN: move_by(l, 1); break;
		case KEY_PPAGE: move_by(l, -page); break;
		case KEY_NPAGE: move_by(l, page); break;
		case KEY_HOME: move_by(l, -(long)l->n - 1); break;
		case KEY_END: move_by(l, (long)l->n + 1); break;
		default: return false;
		}
	} else {
		return false;  /* letters are key bindings: see ui/keys.c */
	}
	if (moved != NULL)
		*moved = l->sel != old_sel || l->top != old_top;
	return true;
}

void
list_draw(const struct list *l, WINDOW *w, int y, int x, int width)
{
	for (int r = 0; r < l->rows; r++) {
		size_t i = l->top + (size_t)r;

		if (i < l->n) {
			l->draw_item(w, y + r, x, width, i, l->selectable && i == l->sel, l->ud);
		} else {
			wattrset(w, A_NORMAL);
			for (int c = 0; c < width; c++)
				mvwaddch(w, y + r, x + c, ' ');
		}
	}
}
