/* pane_appt.c - the left pane: today's appointments, one row each:
 * "HH:MM–HH:MM  B Client name   Counsellor". The status shows as a letter (for
 * monochrome terminals and NO_COLOR) and as a colour. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/localfmt.h"
#include "ui/state.h"

struct appt_pane {
	struct list list;
};

struct status_look {
	const char *code;
	char letter;
	enum ui_color color;
};

static const struct status_look looks[] = {
	{ "booked", 'B', UC_NORMAL },
	{ "arrived", 'C', UC_GOOD },  /* one meaning: the client is here */
	{ "checked-in", 'C', UC_GOOD },
	{ "fulfilled", 'F', UC_DONE },
	{ "cancelled", 'X', UC_BAD },
	{ "noshow", 'N', UC_BAD },
	{ "pending", 'P', UC_WARN },
	{ "proposed", 'P', UC_WARN },
	{ "waitlist", 'W', UC_WARN },
};

static const struct status_look *
look_of(const char *status)
{
	static const struct status_look unknown = { NULL, '?', UC_NORMAL };

	for (size_t i = 0; status != NULL && i < sizeof looks / sizeof looks[0]; i++)
		if (strcmp(looks[i].code, status) == 0)
			return &looks[i];
	return &unknown;
}

/* "09:00–09:50", with the weekday in week view ("Thu 09:00–09:50"), and a
 * marker on the session under way now. */
static void
format_span(const struct tui *t, const struct appointment *a, char *out, size_t size)
{
	char s[32] = "--:--", e[32] = "--:--", day[32] = "";
	bool current = tui_under_way(a, clock_now());

	if (a->start != 0)
		lf_time(a->start, s, sizeof s);
	if (a->end != 0)
		lf_time(a->end, e, sizeof e);
	if (t->week && a->start != 0) {
		struct tm tm;

		localtime_r(&a->start, &tm);
		strftime(day, sizeof day, "%a ", &tm);
	}
	snprintf(out, size, "%s%s%s–%s", current ? "▸" : " ", day, s, e);
}

static void
appt_draw_item(WINDOW *w, int y, int x, int width, size_t i, bool selected, void *ud)
{
	struct pane *p = ud;
	struct tui *t = p->tui;
	const struct appointment *a = &t->appts.v[i];
	const struct status_look *lk = look_of(a->status);
	/* The selection is the time in reverse video, not the whole row: moving it
	 * one row over SSH rewrites two times, not two rows. */
	int sel = selected ? (p->focused ? A_REVERSE | A_BOLD : A_REVERSE) : A_NORMAL;
	int base = A_NORMAL;
	bool gone = lk->color == UC_BAD;
	char span[64], letter[4] = { ' ', lk->letter, ' ', '\0' };
	const char *who = a->patient_name;
	int col = 0, rest, name_w;

	format_span(t, a, span, sizeof span);
	/* Cells from the row's start: the left in left-to-right languages, the
	 * right in Arabic and Urdu (ui_cell mirrors). */
	col += ui_cell(w, y, x, width, col, width - col, span, sel, false);
	col += ui_cell(w, y, x, width, col, 1, " ", base, false);
	col += ui_cell(w, y, x, width, col, 3, letter, base | ui_attr(lk->color) | A_BOLD, false);
	if (who == NULL || who[0] == '\0')
		/* TRANSLATORS: an appointment with no client named (e.g. a group). */
		who = a->group_id != NULL ? _("Group session") : _("(no client)");
	if (tui_unread(t, a->patient_id) > 0) {
		/* Unread messages from this client: "•2". */
		char mark[16];

		snprintf(mark, sizeof mark, "•%d ", tui_unread(t, a->patient_id));
		col += ui_cell(w, y, x, width, col, width - col, mark, base | ui_attr(UC_WARN) | A_BOLD, false);
	}
	rest = width - col;
	name_w = rest;
	if (t->everyone && rest >= 12)
		name_w = rest - rest * 2 / 5;  /* the counsellor gets the rest */
	{
		char *clean = sanitize_display(who, (size_t)-1, 0);

		col += ui_cell(w, y, x, width, col, name_w, clean, base | (gone ? A_DIM : 0), true);
		free(clean);
	}
	if (t->everyone && col < width) {
		char *clean = sanitize_display(a->practitioner_name != NULL ? a->practitioner_name : "",
					       (size_t)-1, 0);

		col += ui_cell(w, y, x, width, col, 1, " ", base, false);
		col += ui_cell(w, y, x, width, col, width - col, clean, base | A_DIM, true);
		free(clean);
	}
	if (col < width)
		ui_cell(w, y, x, width, col, width - col, "", base, true);
}

static void
appt_init(struct pane *p)
{
	struct appt_pane *ap = xcalloc(1, sizeof *ap);

	list_init(&ap->list, true, appt_draw_item, p);
	p->data = ap;
}

static void
appt_destroy(struct pane *p)
{
	free(p->data);
	p->data = NULL;
}

static void
appt_resize(struct pane *p)
{
	struct appt_pane *ap = p->data;

	list_set_rows(&ap->list, pane_inner_h(p));
}

/* Draws a message (ours, or a sanitised error) wrapped inside the border. */
static void
draw_message(struct pane *p, const char *msg, int attr)
{
	struct tlines l;
	int h = pane_inner_h(p);

	tlines_init(&l);
	tlines_wrap(&l, msg, pane_inner_w(p), 0, attr, 0);
	for (size_t i = 0; i < l.n && (int)i < h; i++)
		tlines_draw(&l, i, p->win, PANE_TOP + (int)i, PANE_LEFT, pane_inner_w(p), 0);
	tlines_finish(&l);
}

/* "Today: 4 sessions", "Thu 2026-11-27, everyone: 9 sessions", "Week of
 * 2026-11-23: 31 sessions". */
static char *
list_title(struct tui *t, size_t n)
{
	char when[64], date[11], *head, *title;
	struct tm tm;
	struct civil_date first = tui_first_day(t);
	time_t start = date_start(first);

	date_format(first, date);
	localtime_r(&start, &tm);
	if (t->week)
		/* TRANSLATORS: the list's title in week view; %s is the Monday's date. */
		head = xasprintf(_("Week of %s"), date);
	else if (date_cmp(t->day, date_today()) == 0)
		head = xstrdup(_("Today"));
	else if (date_cmp(t->day, date_add_days(date_today(), 1)) == 0)
		head = xstrdup(_("Tomorrow"));
	else if (lf_iso() && strftime(when, sizeof when, "%a", &tm) > 0)
		head = xasprintf("%s %s", when, date);
	else {
		lf_day(first, when, sizeof when);
		head = xstrdup(when);
	}
	if (t->appt_f.state != LOAD_OK)
		title = t->everyone ? xasprintf(_("%s, everyone"), head) : xstrdup(head);
	else if (t->everyone)
		/* TRANSLATORS: the list's title: "Today, everyone: 12 sessions". */
		title = xasprintf(ngettext("%s, everyone: %zu session", "%s, everyone: %zu sessions", n), head, n);
	else
		/* TRANSLATORS: the list's title: "Today: 4 sessions". */
		title = xasprintf(ngettext("%s: %zu session", "%s: %zu sessions", n), head, n);
	free(head);
	return title;
}

static void
appt_draw(struct pane *p)
{
	struct appt_pane *ap = p->data;
	struct tui *t = p->tui;
	const struct appointment *a = tui_appt(t);
	char *title, *footer = NULL;
	size_t n = t->appt_f.state == LOAD_OK ? t->appts.n : 0;

	title = list_title(t, n);
	if (a != NULL) {
		/* The selected appointment's letter and status, "B booked": the
		 * legend of the letters, one at a time. */
		footer = xasprintf("%c %s", look_of(a->status)->letter,
				   appt_status_label(a->status != NULL ? a->status : "?"));
	}
	pane_frame(p, title, footer);
	free(title);
	free(footer);
	if (t->appt_f.state == LOAD_PENDING || t->appt_f.state == LOAD_RUNNING) {
		draw_message(p, _("Loading…"), A_NORMAL);
	} else if (t->appt_f.state == LOAD_FAILED) {
		char *msg = xasprintf(_("Could not load: %s"), t->appt_f.err);

		draw_message(p, msg, ui_attr(UC_ERROR));
		free(msg);
	} else if (n == 0) {
		draw_message(p, t->week ? _("No sessions this week.") : _("No sessions on this day."), A_NORMAL);
	} else {
		list_set_count(&ap->list, n);
		list_set_rows(&ap->list, pane_inner_h(p));
		list_select(&ap->list, t->sel);
		list_draw(&ap->list, p->win, PANE_TOP, PANE_LEFT, pane_inner_w(p));
	}
}

static bool
appt_key(struct pane *p, const struct ui_key *k)
{
	struct appt_pane *ap = p->data;
	struct tui *t = p->tui;
	bool moved = false;

	if (t->appt_f.state != LOAD_OK || t->appts.n == 0)
		return false;
	list_set_count(&ap->list, t->appts.n);
	list_select(&ap->list, t->sel);
	if (!list_key(&ap->list, k, &moved))
		return false;
	if (moved) {
		tui_select(t, ap->list.sel);
		p->dirty = true;  /* the view may have scrolled without a new selection */
	}
	return true;
}

const struct pane_ops pane_appt_ops = {
	.init = appt_init,
	.destroy = appt_destroy,
	.resize = appt_resize,
	.draw = appt_draw,
	.key = appt_key,
};
