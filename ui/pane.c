/* pane.c - what every pane shares: the frame and the text view. */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

#include "ui/bidi.h"
#include "ui/localfmt.h"
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
	v->to_end = to_end;
}

void
text_view_draw(struct text_view *v, struct pane *p, int top)
{
	/* A banner that came after the lines were built takes rows: the
	 * newest message stays in sight (chat_keeps_the_newest_under_a_banner). */
	bool was_end = v->to_end && list_at_end(&v->list);

	list_set_rows(&v->list, pane_inner_h(p) - top);
	if (was_end)
		list_to_end(&v->list);
	list_draw(&v->list, p->win, PANE_TOP + top, PANE_LEFT, pane_inner_w(p));
}

/* ---- the risk banner ---- */

/* What the banner says of the client's flag (new string), or NULL: for a
 * front desk only that there is one. The flag's words and its author's name
 * are the server's: sanitised, each in its own direction. */
static char *
banner_text(const struct model *m, const char *patient_id)
{
	const struct flag *f = model_flag(m, patient_id);
	int n = model_flags_unacked(m, patient_id);
	char since[96] = "", *text, *who, *out;

	if (f == NULL)
		return NULL;
	if (m->front_desk)
		return xstrdup(n > 0
			/* TRANSLATORS: the banner a front desk sees for a client with a risk flag. */
			? _("SAFETY FLAG: this client has a safety flag; their counsellor knows what it says.")
			/* TRANSLATORS: the same, once a clinician has acknowledged it. */
			: _("Safety flag (a clinician has acknowledged it)."));
	if (f->start != 0)
		lf_day_time(f->start, since, sizeof since);
	{
		char *t = sanitize_display(f->text != NULL ? f->text : "", (size_t)-1, 0);
		char *a = sanitize_display(f->author_name != NULL ? f->author_name : "", (size_t)-1, 0);

		text = bidi_isolate(t);
		who = bidi_isolate(a);
		free(t);
		free(a);
	}
	if (n > 0) {
		/* The count in the screen's digits; the flag's words keep theirs. */
		char *num = xasprintf("%d", n), *local = lf_digits(num);

		/* TRANSLATORS: the banner on every pane showing a client with a risk flag
		 * no clinician has acknowledged: how many, the flag's words, the
		 * time it was raised, who raised it. */
		out = xasprintf(ngettext("RISK, review now (%s flag): %s. Raised %s by %s; acknowledge with 'flag ack'.",
					 "RISK, review now (%s flags): %s. Raised %s by %s; acknowledge with 'flag ack'.", n),
				local, text, since, who);
		free(num);
		free(local);
	} else {
		/* TRANSLATORS: the banner once a clinician has acknowledged the flag; it is still active. */
		out = xasprintf(_("Risk flag, acknowledged: %s. Raised %s by %s."), text, since, who);
	}
	free(text);
	free(who);
	return out;
}

/* The banner's lines at the pane's width (none without a flag); its rows:
 * at most half the pane's, one once acknowledged. */
static int
banner_lines(struct model *m, const char *patient_id, int w, int h, struct tlines *l, int *attr)
{
	bool urgent = model_flags_unacked(m, patient_id) > 0;
	/* Acknowledged, it is a reminder: one row. */
	int max = urgent ? h / 2 : 1;
	char *text = banner_text(m, patient_id), *mark;

	/* Reverse and bold: it stands out in monochrome as in colour. */
	*attr = urgent ? ui_attr(UC_ERROR) | A_REVERSE | A_BOLD : ui_attr(UC_WARN) | A_BOLD;
	tlines_init(l);
	if (text == NULL || w <= 0 || max <= 0) {
		free(text);
		return 0;
	}
	mark = xasprintf("%s %s", ui_utf8() ? (urgent ? "⚠" : "⚑") : (urgent ? "!!" : "!"), text);
	tlines_wrap(l, mark, w, 0, *attr, 0);
	free(mark);
	free(text);
	return (int)l->n < max ? (int)l->n : max;
}

int
pane_flag_banner_rows(struct pane *p, const char *patient_id)
{
	struct tlines l;
	int attr, rows = banner_lines(p->m, patient_id, pane_inner_w(p), pane_inner_h(p), &l, &attr);

	tlines_finish(&l);
	return rows;
}

int
ui_flag_banner(struct model *m, const char *patient_id, WINDOW *win, int y, int x, int w, int h)
{
	struct tlines l;
	int attr, rows = banner_lines(m, patient_id, w, h, &l, &attr);

	for (int i = 0; i < rows; i++) {
		/* The margins too: a bar across the pane. */
		mvwaddch(win, y + i, x - 1, ' ' | (chtype)attr);
		tlines_draw(&l, (size_t)i, win, y + i, x, w, 0);
		mvwaddch(win, y + i, x + w, ' ' | (chtype)attr);
	}
	tlines_finish(&l);
	return rows;
}

int
pane_flag_banner(struct pane *p, const char *patient_id)
{
	return ui_flag_banner(p->m, patient_id, p->win, PANE_TOP, PANE_LEFT, pane_inner_w(p), pane_inner_h(p));
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
client_pane_reception(struct tlines *l, struct model *m, bool chat, int width)
{
	if (!m->front_desk || !m->role_known || model_client(m) == NULL)
		return false;
	tlines_wrap(l, chat
		/* TRANSLATORS: the chat pane of a front desk (reception). */
		? _("Messages with clients are clinical: they are not shown to reception. The client's counsellor reads them.")
		/* TRANSLATORS: the notes pane of a front desk (reception). */
		: _("Session notes are clinical: they are not shown to reception. The client's counsellor reads them."),
		width, 0, A_DIM, 0);
	return true;
}

bool
client_pane_placeholder(struct tlines *l, struct model *m, bool chat, int width)
{
	const struct appointment *a = model_shown_appt(m);
	struct client *c = model_client(m);
	const struct freshness *f = c == NULL ? NULL : chat ? &c->chat_f : &c->notes_f;

	/* Fetched again, what was fetched stays on screen meanwhile. */
	if (m->appt_f.state == LOAD_PENDING || m->appt_f.state == LOAD_RUNNING ||
	    (f != NULL && f->at == 0 && (f->state == LOAD_PENDING || f->state == LOAD_RUNNING))) {
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
