/* pane.c - what every pane shares: the frame and the text view. */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

#include "ui/pane.h"

int
pane_inner_h(const struct pane *p)
{
	return p->h > 2 ? p->h - 2 : 0;
}

int
pane_inner_w(const struct pane *p)
{
	return p->w > 4 ? p->w - 4 : 0;
}

static void pane_fresh_footer(struct pane *p);

void
pane_frame(struct pane *p, const char *title, const char *footer)
{
	WINDOW *w = p->win;
	int room = p->w - 4;

	werase(w);
	ui_border(w);
	if (title != NULL && room > 2) {
		int used, ta = p->focused ? ui_attr(UC_FOCUS) | A_REVERSE : A_BOLD;

		/* The title starts where reading starts: the right in Arabic and Urdu. */
		used = ui_cell(w, 0, 2, room - 2, 0, room - 2, title, ta, false);
		if (ui_direction() == 1) {
			/* ui_cell put it flush against the right end of [2, room). */
			mvwaddch(w, 0, room - used - 1, ' ' | (chtype)ta);
			mvwaddch(w, 0, room, ' ' | (chtype)ta);
		} else {
			mvwaddch(w, 0, 1, ' ' | (chtype)ta);
			mvwaddch(w, 0, 2 + used, ' ' | (chtype)ta);
		}
	}
	if (footer != NULL && footer[0] != '\0' && room > 2) {
		int used;

		mvwaddch(w, p->h - 1, 1, ' ');
		used = ui_put(w, p->h - 1, 2, room - 2, footer, A_NORMAL, false);
		mvwaddch(w, p->h - 1, 2 + used, ' ');
	}
	pane_fresh_footer(p);
}

/* Data that is not fresh says how old it is, at the right of the bottom border. */
static void
pane_fresh_footer(struct pane *p)
{
	char *note = model_part_note(p->m, p->part);
	int nw;

	if (note == NULL)
		return;
	nw = display_width(note);
	if (nw + 4 < p->w - 12) {
		mvwaddch(p->win, p->h - 1, p->w - nw - 4, ' ');
		ui_put(p->win, p->h - 1, p->w - nw - 3, nw, note, ui_attr(UC_WARN), false);
		mvwaddch(p->win, p->h - 1, p->w - 3, ' ');
	}
	free(note);
}

/* ---- text view ---- */

static void
text_draw_item(WINDOW *w, int y, int x, int width, size_t i, bool selected, void *ud)
{
	struct text_view *v = ud;

	(void)selected;
	tlines_draw(&v->lines, i, w, y, x, width, 0);
}

void
text_view_init(struct text_view *v)
{
	memset(v, 0, sizeof *v);
	tlines_init(&v->lines);
	list_init(&v->list, false, text_draw_item, v);
}

void
text_view_finish(struct text_view *v)
{
	tlines_finish(&v->lines);
}

bool
text_view_stale(const struct text_view *v, unsigned gen, int w)
{
	return !v->built || v->built_gen != gen || v->built_w != w;
}

void
text_view_built(struct text_view *v, unsigned gen, int w, int rows, bool to_end)
{
	bool same = v->built && v->built_gen == gen;
	bool was_end = list_at_end(&v->list);

	list_set_rows(&v->list, rows);
	list_set_count(&v->list, v->lines.n);
	if (to_end && (!same || was_end))
		list_to_end(&v->list);
	else if (!same)
		v->list.top = 0;
	v->built = true;
	v->built_gen = gen;
	v->built_w = w;
}

void
text_view_draw(struct text_view *v, struct pane *p)
{
	list_set_rows(&v->list, pane_inner_h(p));
	list_draw(&v->list, p->win, PANE_TOP, PANE_LEFT, pane_inner_w(p));
}

const char *
text_view_more(const struct text_view *v)
{
	bool up = v->list.top > 0;
	bool down = v->list.top + (size_t)v->list.rows < v->list.n;

	return up && down ? "↑↓" : up ? "↑" : down ? "↓" : "";
}

void
text_view_frame(struct text_view *v, struct pane *p, const char *named, const char *plain,
		const char *name)
{
	char *title, *clean;

	/* named is a translated format with exactly one %s (see pane.h). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	title = name != NULL ? xasprintf(named, name) : xstrdup(plain);
#pragma GCC diagnostic pop
	clean = sanitize_display(title, (size_t)-1, 0);

	pane_frame(p, clean, text_view_more(v));
	free(clean);
	free(title);
}

bool
text_view_scroll(struct text_view *v, const struct ui_key *k)
{
	bool moved = false;

	return list_key(&v->list, k, &moved) && moved;
}

bool
text_view_key(struct pane *p, const struct ui_key *k)
{
	struct text_view *v = p->data;

	if (text_view_scroll(v, k))
		p->dirty = true;
	return true;
}

bool
client_pane_placeholder(struct tlines *l, struct model *m, bool chat, int width)
{
	const struct appointment *a = model_shown_appt(m);
	struct client *c = model_client(m);
	const struct freshness *f = c == NULL ? NULL : chat ? &c->chat_f : &c->notes_f;

	if (m->appt_f.state == LOAD_PENDING || m->appt_f.state == LOAD_RUNNING ||
	    (f != NULL && (f->state == LOAD_PENDING || f->state == LOAD_RUNNING))) {
		tlines_wrap(l, _("Loading…"), width, 0, A_NORMAL, 0);
	} else if (a == NULL) {
		tlines_wrap(l, _("No appointment selected."), width, 0, A_DIM, 0);
	} else if (c == NULL) {
		tlines_wrap(l, _("This appointment names no client."), width, 0, A_DIM, 0);
	} else if (f->state == LOAD_FAILED) {
		char *msg = xasprintf(_("Could not load: %s"), f->err);

		tlines_wrap(l, msg, width, 0, ui_attr(UC_ERROR), 0);
		free(msg);
	} else {
		return false;
	}
	return true;
}
