/* pane_appt.c - the left pane: today's appointments, one row each:
 * "HH:MM–HH:MM  B Client name   Counsellor". The status shows as a letter (for
 * monochrome terminals and NO_COLOR) and as a colour (ui/status.h). Before the
 * name, what a client needs: a risk flag (⚠ or ⚑), "due" when a measure is due
 * at the session (ui/model.h), unread messages ("•2").
 *
 * The columns share the width by need: the times as wide as the locale writes
 * them (12-hour times are wider), the letter, then the name (and the counsellor,
 * for everyone's day) in the rest, cut with "…". Where the name would be left too
 * little, the end times go: the start says when. pane_appt_width() asks the
 * layout for what the rows need. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/localfmt.h"
#include "ui/pane.h"
#include "ui/status.h"

/* Columns a name is given at least before the end times go, and what the
 * layout tries to give the name and the counsellor. */
#define NAME_MIN 14
#define NAME_WANT 16
#define WHO_MIN 10
#define WHO_WANT 14
/* The notes and the chat keep at least this much of the width. */
#define RIGHT_MIN 30

struct appt_pane {
	struct list list;
};

/* The columns of a row, from where it starts (the left, or the right in
 * Arabic and Urdu). */
struct appt_cols {
	int day;       /* the weekday, in week view; 0 otherwise */
	int time;      /* one time */
	bool end;      /* the end time shows too */
	int span;      /* the marker, the weekday and the times */
	int name, who; /* the client's and the counsellor's (0 but for everyone) */
};

/* The marker, the weekday, the times, a space and the letter's cell. */
static int
fixed_width(const struct model *m, bool end)
{
	int tw = lf_time_width();

	return 1 + (m->week ? lf_weekday_width() + 1 : 0) + tw + (end ? 1 + tw : 0) + 1 + 3;
}

static struct appt_cols
columns_for(const struct model *m, int width)
{
	struct appt_cols c = { .day = m->week ? lf_weekday_width() : 0, .time = lf_time_width() };
	int rest;

	c.end = width - fixed_width(m, true) - (m->everyone ? 1 + WHO_MIN : 0) >= NAME_MIN;
	c.span = fixed_width(m, c.end) - 4;
	rest = width - fixed_width(m, c.end);
	c.name = rest > 0 ? rest : 0;
	if (m->everyone && rest >= 12) {
		c.who = rest * 2 / 5 < WHO_WANT ? rest * 2 / 5 : WHO_WANT;
		c.name = rest - c.who - 1;
	}
	return c;
}

int
pane_appt_width(const struct model *m, int cols)
{
	int want = 4 + fixed_width(m, true) + NAME_WANT + (m->everyone ? 1 + WHO_WANT : 0);
	int left = m->everyone ? cols / 2 : cols * 9 / 20;
	int most = cols - (cols * 2 / 5 > RIGHT_MIN ? cols * 2 / 5 : RIGHT_MIN);

	if (left < want)
		left = want < most ? want : most;
	return left < 30 ? 30 : left;
}

/* "09:00–09:50", with the weekday in week view ("Thu 09:00–09:50"), and a
 * marker on the session under way now; "09:00" alone without the end. */
static void
format_span(const struct model *m, const struct appointment *a, const struct appt_cols *c,
	    char *out, size_t size)
{
	char s[32] = "--:--", e[32] = "--:--", day[64] = "";
	bool current = model_under_way(a, clock_now());

	if (a->start != 0)
		lf_time(a->start, s, sizeof s);
	if (a->end != 0)
		lf_time(a->end, e, sizeof e);
	if (m->week && a->start != 0) {
		struct tm tm;
		int pad;

		localtime_r(&a->start, &tm);
		lf_weekday(&tm, day, sizeof day - 1);
		/* Padded, so the times line up under each other. */
		for (pad = c->day - bidi_width(day); pad > 0 && strlen(day) + 2 < sizeof day; pad--)
			strcat(day, " ");
		strcat(day, " ");
	}
	snprintf(out, size, "%s%s%s%s%s", current ? "▸" : " ", day, s, c->end ? "–" : "", c->end ? e : "");
}

static void
appt_draw_item(WINDOW *w, int y, int x, int width, size_t i, bool selected, void *ud)
{
	struct pane *p = ud;
	struct model *m = p->m;
	const struct appointment *a = &m->appts.v[i];
	const struct status_look *lk = status_look_of(a->status);
	struct appt_cols c = columns_for(m, width);
	/* The selection is the time in reverse video, not the whole row: moving it
	 * one row over SSH rewrites two times, not two rows. */
	int sel = selected ? (p->focused ? A_REVERSE | A_BOLD : A_REVERSE) : A_NORMAL;
	int base = A_NORMAL;
	bool gone = lk->color == UC_BAD;
	char span[128], *letter = xasprintf(" %s ", lk->letter);
	const char *who = a->patient_name;
	int col = 0;

	format_span(m, a, &c, span, sizeof span);
	/* Cells from the row's start: the left in left-to-right languages, the
	 * right in Arabic and Urdu (ui_cell mirrors). */
	col += ui_cell(w, y, x, width, col, display_width(span), span, sel, false);
	col += ui_cell(w, y, x, width, col, c.span - col + 1, "", base, true);
	col += ui_cell(w, y, x, width, col, 3, letter, base | ui_attr(lk->color) | A_BOLD, false);
	free(letter);
	if (who == NULL || who[0] == '\0')
		/* TRANSLATORS: an appointment with no client named (e.g. a group). */
		who = a->group_id != NULL ? _("Group session") : _("(no client)");
	if (model_flag(m, a->patient_id) != NULL) {
		/* A risk flag: "⚠" until a clinician acknowledges it, then "⚑";
		 * reverse, so it shows in monochrome too. */
		bool urgent = model_flags_unacked(m, a->patient_id) > 0;
		const char *mark = ui_utf8() ? (urgent ? "⚠" : "⚑") : (urgent ? "!!" : "!");

		col += ui_cell(w, y, x, width, col, width - col, mark,
			       base | (urgent ? ui_attr(UC_ERROR) | A_REVERSE | A_BOLD : ui_attr(UC_WARN) | A_BOLD), false);
		col += ui_cell(w, y, x, width, col, width - col, " ", base, false);
	}
	if (model_measures_due(m, a) > 0) {
		/* TRANSLATORS: on an appointment's row: a measure (PHQ-9, GAD-7...)
		 * is due at this session. Keep it to 3 or 4 cells: the row is narrow. */
		const char *due = _("due");

		col += ui_cell(w, y, x, width, col, width - col, due, base | ui_attr(UC_WARN) | A_BOLD, false);
		col += ui_cell(w, y, x, width, col, width - col, " ", base, false);
	}
	if (model_unread(m, a->patient_id) > 0) {
		/* Unread messages from this client: "•2". */
		char *mark = xasprintf("•%d ", model_unread(m, a->patient_id)), *local = lf_digits(mark);

		col += ui_cell(w, y, x, width, col, width - col, local, base | ui_attr(UC_WARN) | A_BOLD, false);
		free(mark);
		free(local);
	}
	if (model_unread_review(m, a->patient_id) > 0) {
		/* One of them may speak of self-harm: a word, where the name
		 * keeps six columns (u goes there first all the same). */
		/* TRANSLATORS: on a client's row in the list: a message of theirs
		 * may speak of self-harm; keep it as short (six letters or so). */
		const char *mark = _("review");
		int mw = display_width(mark) + 1;

		if (c.name - (col - (c.span + 4)) - mw >= 6) {
			col += ui_cell(w, y, x, width, col, mw - 1, mark, base | ui_attr(UC_WARN) | A_BOLD, false);
			col += ui_cell(w, y, x, width, col, 1, " ", base, false);
		}
	}
	{
		char *clean = sanitize_display(who, (size_t)-1, 0);
		int name_w = c.name - (col - (c.span + 4));

		col += ui_cell(w, y, x, width, col, name_w > 0 ? name_w : 0, clean,
			       base | (gone ? A_DIM : 0), true);
		free(clean);
	}
	if (m->everyone && c.who > 0 && col < width) {
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

/* "Today: 4 sessions", "Thu 2026-11-27, everyone: 9 sessions", "Week of Mon
 * 23 Nov: 31 sessions" ("Week of 2026-11-23" in the C locale), its numbers in
 * the screen's digits. */
static char *
list_title(struct model *m, size_t n)
{
	char when[64], date[96], *head, *title, *day, *local;
	struct tm tm;
	struct civil_date first = model_first_day(m);
	time_t start = date_start(first);

	localtime_r(&start, &tm);
	lf_day(first, date, sizeof date);   /* "Mon 30 Nov"; 2026-11-30 in the C locale */
	if (lf_iso()) {
		/* ISO dates say no weekday: add it. */
		lf_weekday(&tm, when, sizeof when);
		day = xasprintf("%s %s", when, date);
	} else {
		day = xstrdup(date);
	}
	if (m->week)
		/* TRANSLATORS: the list's title in week view; %s is the Monday's date
		 * ("Mon 30 Nov"). */
		head = xasprintf(_("Week of %s"), date);
	else if (date_cmp(m->day, date_today()) == 0)
		head = xstrdup(_("Today"));
	else if (date_cmp(m->day, date_add_days(date_today(), 1)) == 0)
		head = xstrdup(_("Tomorrow"));
	else
		head = xstrdup(day);
	free(day);
	if (m->appt_f.state != LOAD_OK)
		title = m->everyone ? xasprintf(_("%s, everyone"), head) : xstrdup(head);
	else if (m->everyone)
		/* TRANSLATORS: the list's title: "Today, everyone: 12 sessions". */
		title = xasprintf(ngettext("%s, everyone: %zu session", "%s, everyone: %zu sessions", n), head, n);
	else
		/* TRANSLATORS: the list's title: "Today: 4 sessions". */
		title = xasprintf(ngettext("%s: %zu session", "%s: %zu sessions", n), head, n);
	free(head);
	local = lf_digits(title);
	free(title);
	title = ui_ours(local);   /* an ISO date in an Arabic title: never turned around */
	free(local);
	return title;
}

static void
appt_draw(struct pane *p)
{
	struct appt_pane *ap = p->data;
	struct model *m = p->m;
	const struct appointment *a = model_appt(m);
	char *title, *footer = NULL;
	size_t n = m->appt_f.state == LOAD_OK ? m->appts.n : 0;

	title = list_title(m, n);
	if (a != NULL) {
		/* The selected appointment's letter and status, "B booked": the
		 * legend of the letters, one at a time. */
		footer = xasprintf("%s %s", status_look_of(a->status)->letter,
				   appt_status_label(a->status != NULL ? a->status : "?"));
	}
	pane_frame(p, title, footer);
	free(title);
	free(footer);
	if (m->appt_f.state == LOAD_PENDING || m->appt_f.state == LOAD_RUNNING) {
		draw_message(p, _("Loading…"), A_NORMAL);
	} else if (m->appt_f.state == LOAD_FAILED) {
		char *msg = xasprintf(_("Could not load: %s"), m->appt_f.err);

		draw_message(p, msg, ui_attr(UC_ERROR));
		free(msg);
	} else if (n == 0) {
		draw_message(p, m->week ? _("No sessions this week.") : _("No sessions on this day."), A_NORMAL);
	} else {
		list_set_count(&ap->list, n);
		list_set_rows(&ap->list, pane_inner_h(p));
		list_select(&ap->list, m->sel);
		list_draw(&ap->list, p->win, PANE_TOP, PANE_LEFT, pane_inner_w(p));
	}
}

static bool
appt_key(struct pane *p, const struct ui_key *k)
{
	struct appt_pane *ap = p->data;
	struct model *m = p->m;
	bool moved = false;

	if (m->appt_f.state != LOAD_OK || m->appts.n == 0)
		return false;
	list_set_count(&ap->list, m->appts.n);
	list_select(&ap->list, m->sel);
	if (!list_key(&ap->list, k, &moved))
		return false;
	if (moved) {
		model_select(m, ap->list.sel);
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
