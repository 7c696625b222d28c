/* tui.c - the screen: the loop, the layout, the title and the status line.
 *
 * Draw from state: a key or a finished fetch changes the model (state.c) and
 * marks panes dirty; each loop turn paints the dirty ones, wnoutrefresh()es
 * them and calls doupdate() once. The terminal under it is ui/term.c's: a
 * signal only sets a flag and wakes the loop's poll(), which then takes the
 * new size or leaves through term_close(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "core/http.h"
#include "core/i18n.h"
#include "core/outbox.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/cmd_lock.h"
#include "ui/cmd_screen.h"
#include "ui/cmdline.h"
#include "ui/job.h"
#include "ui/commands.h"
#include "ui/editor.h"
#include "ui/localfmt.h"
#include "ui/loop.h"
#include "ui/state.h"
#include "ui/term.h"
#include "ui/tui.h"

#define MIN_COLS 60
#define MIN_LINES 20

/* The windows on the terminal (ui/term.c has the terminal itself). */
struct term {
	WINDOW *title, *status;
	WINDOW *over;             /* the overlay: help, output */
	bool small_dirty, over_dirty, lock_painted;
	int laid_out_left;        /* the list's width when laid out (it asks by what it shows) */
	int status_h;             /* the status line's lines: a long message takes more */
};

/* There is one screen; commands.c reaches the loop through these. */
static struct term *the_term;
static struct tui *the_tui;

static const struct pane_ops *const pane_ops_of[PANE_COUNT] = {
	[PANE_APPT] = &pane_appt_ops,
	[PANE_NOTES] = &pane_notes_ops,
	[PANE_CHAT] = &pane_chat_ops,
};

/* ---- layout ---- */

static void
delete_windows(struct tui *t, struct term *tm)
{
	for (int i = 0; i < PANE_COUNT; i++) {
		if (t->panes[i].win != NULL)
			delwin(t->panes[i].win);
		t->panes[i].win = NULL;
	}
	if (tm->title != NULL)
		delwin(tm->title);
	if (tm->status != NULL)
		delwin(tm->status);
	if (tm->over != NULL)
		delwin(tm->over);
	tm->title = tm->status = tm->over = NULL;
}

static void
place(struct pane *p, int y, int x, int h, int w)
{
	p->y = y;
	p->x = x;
	p->h = h;
	p->w = w;
	p->win = newwin(h, w, y, x);
	p->ops->resize(p);
	p->dirty = true;
}

/* Left: the appointments; right: notes above, chat below. The list is as wide
 * as its columns ask (pane_appt_width: wider for 12-hour times, the week's
 * weekdays, everyone's counsellors); the status line at the bottom takes the
 * lines its message needs, and the panes give them up while it shows. */
static void
layout(struct tui *t, struct term *tm)
{
	int body, left, right, notes_h, sh = tm->status_h > 0 ? tm->status_h : 1;

	delete_windows(t, tm);
	t->relayout = false;
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		t->too_small = true;
		tm->small_dirty = true;
		return;
	}
	t->too_small = false;
	tm->title = newwin(1, COLS, 0, 0);
	tm->status = newwin(sh, COLS, LINES - sh, 0);
	tm->over = newwin(LINES - 1 - sh, COLS, 1, 0);
	tm->over_dirty = true;
	tm->lock_painted = false;
	if (t->cmdline_open)
		cmdline_set_window(t->cmdline, tm->status);
	if (!t->locked && !t->overlay)
		touchwin(stdscr);
	body = LINES - 1 - sh;
	left = tm->laid_out_left = pane_appt_width(t, COLS);
	right = COLS - left;
	notes_h = (body + 1) / 2;
	if (ui_direction() == 1) {
		/* Arabic and Urdu read from the right: the list is on the right. */
		place(&t->panes[PANE_APPT], 1, right, body, left);
		place(&t->panes[PANE_NOTES], 1, 0, notes_h, right);
		place(&t->panes[PANE_CHAT], 1 + notes_h, 0, body - notes_h, right);
	} else {
		place(&t->panes[PANE_APPT], 1, 0, body, left);
		place(&t->panes[PANE_NOTES], 1, left, notes_h, right);
		place(&t->panes[PANE_CHAT], 1 + notes_h, left, body - notes_h, right);
	}
	t->title_dirty = t->status_dirty = true;
}

/* ---- title and status line ---- */

/* The title bar reads from where the UI's language starts (mirrored in Arabic
 * and Urdu): the server, the user and the clock are isolates in it, and its
 * count is in the screen's digits. */
static void
draw_title(struct tui *t, struct term *tm)
{
	char *host = bidi_isolate(t->host), *user = bidi_isolate(t->user), *clock = bidi_isolate(t->clock);
	char *text = t->outbox_n > 0
		/* TRANSLATORS: the title bar with writes waiting for the server. */
		? xasprintf(_(" ezrizi — %s — %s — %s — %zu waiting to send"), host, user, clock, t->outbox_n)
		: xasprintf(" ezrizi — %s — %s — %s", host, user, clock);
	char *ours = ui_ours(text), *local = lf_digits(ours);

	ui_put(tm->title, 0, 0, COLS, local, ui_attr(UC_TITLE), true);
	free(local);
	free(ours);
	free(text);
	free(host);
	free(user);
	free(clock);
}

/* The lines the status line's message takes at this width (1 for the key
 * hints, the command line, a prompt); l gets them when not NULL. A question
 * is never cut: it takes the lines it needs, up to half the screen; another
 * message at most STATUS_MAX, its last line cut with "…". */
#define STATUS_MAX 3

static int
status_lines(const struct tui *t, struct tlines *l)
{
	const char *msg = t->status_err != NULL ? t->status_err : t->status_msg;
	struct tlines mine;
	int n, most = t->confirm != NULL ? (LINES - 2) / 2 : STATUS_MAX;

	if (t->cmdline_open || t->secret_step > 0 || msg == NULL || t->locked || COLS < 2)
		return 1;
	if (l == NULL)
		l = &mine;
	tlines_init(l);
	tlines_wrap(l, msg, COLS - 1, 0, A_NORMAL, 0);
	n = (int)l->n < most ? (int)l->n : most;
	if (l == &mine)
		tlines_finish(&mine);
	return n > 0 ? n : 1;
}

static void
draw_status(struct tui *t, struct term *tm)
{
	const char *msg = t->status_err != NULL ? t->status_err : t->status_msg;
	char *text;

	if (t->cmdline_open)
		return;  /* the command line owns the line */
	werase(tm->status);
	if (t->secret_step > 0) {
		/* Changing the passphrase: what is typed shows as stars. */
		static const char *const asks[] = {
			/* TRANSLATORS: three prompts in the status line, one after another. */
			N_("The cache passphrase now:"), N_("The new passphrase:"), N_("The new passphrase again:"),
		};
		size_t n = 0;
		char *stars;

		for (size_t i = 0; i < t->lock_len; i++)
			n += ((unsigned char)t->lock_input[i] & 0xC0) != 0x80;
		stars = xmalloc(n + 1);
		memset(stars, '*', n);
		stars[n] = '\0';
		text = xasprintf(" %s %s_  %s", _(asks[t->secret_step - 1]), stars, _("(Esc: leave it)"));
		ui_put(tm->status, 0, 0, COLS, text, A_BOLD, true);
		free(stars);
		free(text);
		return;
	}
	if (msg != NULL) {
		/* Wrapped, on the lines the layout gave it; one column of margin where
		 * reading starts. */
		struct tlines l;
		int n = status_lines(t, &l), attr = t->status_err != NULL ? ui_attr(UC_ERROR) : (int)A_BOLD;
		bool rtl = ui_direction() == 1;

		for (int i = 0; i < n && i < getmaxy(tm->status); i++) {
			struct buf b;
			char *ours;

			buf_init(&b);
			buf_adds(&b, l.v[i].text);
			if (i == n - 1 && (size_t)n < l.n)
				buf_adds(&b, " …");   /* more than it may take: said so */
			ours = ui_ours(b.data);
			mvwaddch(tm->status, i, rtl ? COLS - 1 : 0, ' ');
			ui_put(tm->status, i, rtl ? 0 : 1, COLS - 1, ours, attr, true);
			free(ours);
			buf_finish(&b);
		}
		tlines_finish(&l);
		return;
	}
	/* TRANSLATORS: the key hints in the status line; two spaces between hints
	 * (a narrow screen leaves the last ones out whole). */
	text = xasprintf(" %s", _("↑↓ move  Tab switch pane  : command  ? help  L lock  q quit"));
	while (bidi_width(text) > COLS && strstr(text, "  ") != NULL) {
		char *last = text, *p;

		for (p = strstr(text, "  "); p != NULL; p = strstr(p + 2, "  "))
			last = p;
		*last = '\0';
	}
	ui_put(tm->status, 0, 0, COLS, text, A_NORMAL, true);
	free(text);
}

/* Draws text centred on stdscr, wrapped; rows from `top` (negative: centred). */
static void
draw_centred(const char *msg, int top, int attr)
{
	struct tlines l;

	tlines_init(&l);
	tlines_wrap(&l, msg, COLS > 4 ? COLS - 4 : COLS, 0, attr, 0);
	if (top < 0)
		top = (LINES - (int)l.n) / 2;
	for (size_t i = 0; i < l.n; i++) {
		int w = display_width(l.v[i].text);
		int y = top + (int)i;

		if (y >= 0 && y < LINES)
			ui_put(stdscr, y, w < COLS ? (COLS - w) / 2 : 0, COLS, l.v[i].text, attr, false);
	}
	tlines_finish(&l);
}

/* The lock screen: nothing of a client, only how to unlock. */
static void
draw_lock(struct tui *t)
{
	char *dots;
	size_t n = 0;

	werase(stdscr);
	draw_centred(_("ezrizi is locked."), LINES / 2 - 3, A_BOLD);
	if (!t->lock_can_unlock) {
		draw_centred(_("No password is stored to unlock with: press Ctrl-C to leave, then run 'ezrizi login'."),
			     LINES / 2 - 1, A_NORMAL);
		return;
	}
	draw_centred(_("Type the cache passphrase, or your password, and press Enter."), LINES / 2 - 1, A_NORMAL);
	for (size_t i = 0; i < t->lock_len; i++)
		n += ((unsigned char)t->lock_input[i] & 0xC0) != 0x80;
	dots = xmalloc(n + 1);
	memset(dots, '*', n);
	dots[n] = '\0';
	draw_centred(n > 0 ? dots : "_", LINES / 2 + 1, A_NORMAL);
	free(dots);
	if (t->status_err != NULL)
		draw_centred(t->status_err, LINES / 2 + 3, ui_attr(UC_ERROR));
}

/* The overlay: help or a command's output, over the panes. */
/* The free-slot picker's rows: "Thu 2026-11-27 09:00–09:50  Counsellor". */
static void
draw_picker(struct tui *t, struct term *tm)
{
	struct list *l = &t->picker_list;
	int w = COLS - 4;

	list_set_rows(l, getmaxy(tm->over) - 2);
	list_select(l, l->sel);
	for (int r = 0; r < l->rows; r++) {
		size_t i = l->top + (size_t)r;
		const struct slot_info *si;
		char date[96], end[32], *row;
		int attr;

		if (i >= t->picker_slots.n)
			break;
		si = &t->picker_slots.v[i];
		lf_day_time(si->slot.start, date, sizeof date);
		lf_time(si->slot.end, end, sizeof end);
		if (lf_iso()) {
			/* ISO dates say no weekday: add it. */
			struct tm lt;
			char wd[32] = "";

			localtime_r(&si->slot.start, &lt);
			lf_weekday(&lt, wd, sizeof wd - 1);
			strcat(wd, " ");
			if (strlen(wd) + strlen(date) < sizeof date) {
				memmove(date + strlen(wd), date, strlen(date) + 1);
				memcpy(date, wd, strlen(wd));
			}
		}
		row = xasprintf("%s–%s  %s", date, end,
				si->practitioner_name != NULL ? si->practitioner_name : "");
		attr = i == l->sel ? A_REVERSE | A_BOLD : A_NORMAL;
		ui_put_data(tm->over, 1 + r, 2, w, row, attr, true);
		free(row);
	}
}

static void
draw_overlay(struct tui *t, struct term *tm)
{
	struct text_view *v = &t->overlay_view;
	int w = COLS - 4;

	if (t->picker) {
		werase(tm->over);
		ui_border(tm->over);
		ui_put(tm->over, 0, 2, COLS - 4, t->overlay_title, A_BOLD, false);
		draw_picker(t, tm);
		return;
	}

	if (!v->built || v->built_w != w) {
		tlines_clear(&v->lines);
		if (t->overlay_help) {
			ui_help_lines(t, &v->lines, w);
		} else {
			/* A command's output: tables keep their lines, cut at the edge. */
			for (const char *p = t->overlay_text; *p != '\0';) {
				size_t n = strcspn(p, "\n");
				char *line = xstrndup(p, n);

				tlines_add(&v->lines, line, A_NORMAL);
				free(line);
				p += n;
				if (*p == '\n')
					p++;
			}
		}
		text_view_built(v, 0, w, getmaxy(tm->over) - 2, false);
	}
	list_set_rows(&v->list, getmaxy(tm->over) - 2);
	werase(tm->over);
	ui_border(tm->over);
	ui_put(tm->over, 0, 2, COLS - 4, t->overlay_title, A_BOLD, false);
	/* TRANSLATORS: at the bottom of the help and output screens. */
	ui_put(tm->over, getmaxy(tm->over) - 1, 2, COLS - 4, _(" ↑↓ scroll  q close "), A_NORMAL, false);
	for (int r = 0; r < v->list.rows; r++) {
		size_t i = v->list.top + (size_t)r;

		if (i < v->lines.n)
			tlines_draw(&v->lines, i, tm->over, 1 + r, 2, w, 0);
	}
}

static void
draw_too_small(void)
{
	char *msg, *local;

	/* TRANSLATORS: shown alone on the screen until the terminal grows; the
	 * numbers are columns and lines. */
	msg = xasprintf(_("The terminal is too small: ezrizi needs at least %d×%d."), MIN_COLS, MIN_LINES);
	local = lf_digits(msg);
	werase(stdscr);
	draw_centred(local, -1, A_BOLD);
	free(local);
	free(msg);
}

static bool
paint_status(struct tui *t, struct term *tm)
{
	if (!t->status_dirty)
		return false;
	draw_status(t, tm);
	wnoutrefresh(tm->status);
	t->status_dirty = false;
	return true;
}

/* Paints what changed; one doupdate() per turn. */
static void
render(struct tui *t, struct term *tm)
{
	bool any = false;

	if (t->status_dirty && !t->too_small) {
		int h = status_lines(t, NULL);

		if (h != tm->status_h) {
			tm->status_h = h;
			t->relayout = true;
		}
	}
	if (t->relayout || (!t->too_small && pane_appt_width(t, COLS) != tm->laid_out_left))
		layout(t, tm);
	if (t->too_small) {
		if (tm->small_dirty) {
			draw_too_small();
			wnoutrefresh(stdscr);
			tm->small_dirty = false;
			any = true;
		}
	} else if (t->locked) {
		if (t->lock_dirty || tm->lock_painted == false) {
			draw_lock(t);
			wnoutrefresh(stdscr);
			t->lock_dirty = false;
			tm->lock_painted = true;
			any = true;
		}
	} else if (t->overlay) {
		if (tm->over_dirty) {
			draw_overlay(t, tm);
			wnoutrefresh(tm->over);
			tm->over_dirty = false;
			any = true;
		}
		any |= paint_status(t, tm);
	} else {
		if (t->title_dirty) {
			draw_title(t, tm);
			wnoutrefresh(tm->title);
			t->title_dirty = false;
			any = true;
		}
		for (int i = 0; i < PANE_COUNT; i++) {
			struct pane *p = &t->panes[i];

			if (!p->dirty)
				continue;
			p->ops->draw(p);
			wnoutrefresh(p->win);
			p->dirty = false;
			any = true;
		}
		any |= paint_status(t, tm);
	}
	if (t->cmdline_open && !t->locked && !t->too_small) {
		cmdline_draw(t->cmdline);
		any = true;
	}
	if (any) {
		if (t->cmdline_open) {
			int y, x;

			cmdline_cursor(t->cmdline, &y, &x);
			setsyx(y, x);
		}
		doupdate();
	}
}

/* ---- keys ---- */

static void
run_line(struct tui *t, const char *line)
{
	ui_run(t, line);
	if (t->overlay)
		the_term->over_dirty = true;
}

static void
handle_key(struct tui *t, const struct ui_key *k)
{
	const char *cmd;

	t->last_key = tui_now_ms();
	if (k->fn && k->code == KEY_RESIZE) {
		t->relayout = true;
		return;
	}
	if (t->locked) {
		if (!k->fn && k->code == 3)
			ui_quit(t);
		else
			ui_lock_key(t, k);
		return;
	}
	if (t->secret_step > 0) {
		ui_secret_key(t, k);
		return;
	}
	if (t->cmdline_open) {
		char *line = NULL;
		enum cmdline_result r = cmdline_key(t->cmdline, k, &line);

		if (r != CMDLINE_MORE) {
			tui_close_cmdline(t);
			if (r == CMDLINE_DONE && t->text_cmd != NULL)
				ui_text_done(t, line);
			else if (r == CMDLINE_DONE)
				run_line(t, line);
			free(t->text_cmd);
			t->text_cmd = NULL;
			free(line);
		}
		return;
	}
	if (t->too_small) {
		if (!k->fn && (k->code == 'q' || k->code == 3))
			ui_quit(t);
		return;
	}
	if (t->confirm != NULL) {
		char *c = t->confirm;

		t->confirm = NULL;
		tui_clear_error(t);
		if (!k->fn && (k->code == 'y' || k->code == 'Y')) {
			ui_run_expanded(t, c);  /* filled in when it was asked */
			if (t->overlay)
				the_term->over_dirty = true;
		}
		free(c);
		return;
	}
	tui_clear_error(t);
	if (t->overlay) {
		if (t->picker && !k->fn && (k->code == '\r' || k->code == '\n')) {
			ui_picker_choose(t);
			return;
		}
		if (!k->fn && (k->code == 'q' || k->code == 27 || k->code == '\r')) {
			t->overlay = false;
			t->relayout = true;
			return;
		}
		if (t->picker ? list_key(&t->picker_list, k, NULL) : text_view_scroll(&t->overlay_view, k))
			the_term->over_dirty = true;
		else if ((cmd = keymap_lookup(&t->keys, k)) != NULL && (ui_line_flags(cmd) & CMD_MOVES))
			run_line(t, cmd);   /* a key that moves moves in the overlay */
		return;
	}
	if ((cmd = keymap_lookup(&t->keys, k)) != NULL)
		run_line(t, cmd);
	else
		t->panes[t->focus].ops->key(&t->panes[t->focus], k);
}

static int
ms_to_lock(const struct tui *t)
{
	long long d;

	if (t->lock_after_ms <= 0 || t->locked)
		return 3600000;
	d = t->last_key + t->lock_after_ms - tui_now_ms();
	return d < 0 ? 0 : (d > 3600000 ? 3600000 : (int)d);
}

/* Updates the clock in the title (once a minute), starts a new day's list
 * after midnight, looks again for new data every poll_interval, and redraws a
 * pane whose "as of" note changed. */
static void
tick(struct tui *t)
{
	char now[96];
	struct civil_date today = date_today();

	lf_day_time(clock_now(), now, sizeof now);
	if (strcmp(now, t->clock) != 0) {
		memcpy(t->clock, now, sizeof now);
		t->title_dirty = true;
		/* A minute passed: the panes' "as of" notes may have appeared. */
		for (int i = 0; i < PANE_COUNT; i++) {
			char *note = pane_fresh_note(t, i);
			bool had = t->fresh_shown[i];

			t->fresh_shown[i] = note != NULL;
			if (note != NULL || had)
				tui_mark(t, i);
			free(note);
		}
	}
	if (date_cmp(today, t->today) != 0) {
		/* Midnight: whoever was looking at today now sees the new today. */
		if (!t->week && date_cmp(t->day, t->today) == 0) {
			t->day = today;
			tui_reload(t);
		}
		t->today = today;
		tui_mark(t, PANE_APPT);
	}
	if (tui_ms_to_settle(t) == 0)
		tui_settle(t);
	if (tui_ms_to_poll(t) == 0) {
		tui_poll(t);
		if (!t->locked)
			ui_send_outbox(t);
	}
	if (t->lock_after_ms > 0 && !t->locked && ms_to_lock(t) == 0)
		ui_lock(t);
	ui_store_retry(t);
}

static int
ms_to_next_minute(void)
{
	time_t now = time(NULL);

	return (int)(60 - now % 60) * 1000 + 50;
}

/* After a poll(): drains the wake pipe, takes a new size, handles the keys. */
static void
after_poll(struct tui *t, const struct curl_waitfd *fds, unsigned n)
{
	bool keys = (fds[0].revents & (CURL_WAIT_POLLIN | CURL_WAIT_POLLPRI)) != 0;
	struct ui_key k;

	if (n > 1 && fds[1].revents != 0)
		term_drain_wake();
	if (term_take_resize()) {
		t->relayout = true;
		keys = true;  /* resizeterm queued a KEY_RESIZE: take it now */
	}
	if (term_quit_asked())
		t->quit = true;
	while (keys && !t->quit && term_read_key(0, &k))
		handle_key(t, &k);
}

/* Waits for a key, the network, a signal or the next timer, whichever comes
 * first, and handles the keys that came. */
static void
wait_and_read(struct tui *t)
{
	struct curl_waitfd fds[2] = {
		{ STDIN_FILENO, CURL_WAIT_POLLIN, 0 },
		{ term_wake_fd(), CURL_WAIT_POLLIN, 0 },
	};
	unsigned n = term_wake_fd() >= 0 ? 2 : 1;
	int timeout = ms_to_next_minute(), to_poll = tui_ms_to_poll(t), to_lock = ms_to_lock(t);

	if (to_poll < timeout)
		timeout = to_poll;
	if (to_lock < timeout)
		timeout = to_lock;
	if (tui_ms_to_settle(t) < timeout)
		timeout = tui_ms_to_settle(t);
	if (ui_ms_to_store_retry(t) < timeout)
		timeout = ui_ms_to_store_retry(t);
	http_step(t->s->http, fds, n, timeout);
	after_poll(t, fds, n);
}

/* Completion for the ':' line: ids of what is on the screen, found by id or
 * by a part of the name. */
static bool
matches(const char *id, const char *name, const char *text)
{
	return (id != NULL && strncmp(id, text, strlen(text)) == 0) ||
	       (name != NULL && text[0] != '\0' && strstr(name, text) != NULL);
}

static void
add_candidate(char ***v, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i], s) == 0)
			return;
	}
	*v = xreallocarray(*v, *n + 2, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
	(*v)[*n] = NULL;
}

/* The screen's values of a kind, for Tab: the clients, appointments and
 * counsellors of the list, the notes of the client shown, the picker's free
 * slots, the writes in the outbox. */
static char **
complete_values(enum cmd_kind kind, const char *text, void *arg)
{
	struct tui *t = arg;
	struct client *c = kind == KIND_NOTE ? tui_client(t) : NULL;
	char **v = NULL;
	size_t n = 0;

	for (size_t i = 0; t->appt_f.state == LOAD_OK && i < t->appts.n; i++) {
		const struct appointment *a = &t->appts.v[i];

		if (kind == KIND_PATIENT && a->patient_id != NULL && matches(a->patient_id, a->patient_name, text))
			add_candidate(&v, &n, a->patient_id);
		if (kind == KIND_PRACTITIONER && a->practitioner_id != NULL &&
		    matches(a->practitioner_id, a->practitioner_name, text))
			add_candidate(&v, &n, a->practitioner_id);
		if (kind == KIND_APPOINTMENT && matches(a->id, a->patient_name, text))
			add_candidate(&v, &n, a->id);
	}
	for (size_t i = 0; c != NULL && c->notes_f.state == LOAD_OK && i < c->notes.n; i++) {
		if (matches(c->notes.v[i].id, NULL, text))
			add_candidate(&v, &n, c->notes.v[i].id);
	}
	for (size_t i = 0; kind == KIND_SLOT && i < t->picker_slots.n; i++) {
		if (matches(t->picker_slots.v[i].slot.id, NULL, text))
			add_candidate(&v, &n, t->picker_slots.v[i].slot.id);
	}
	if (kind == KIND_SEQ && t->s->store != NULL) {
		struct outbox_list l;
		struct error err;

		error_clear(&err);
		if (outbox_list(t->s->store, &l, &err)) {
			for (size_t i = 0; i < l.n; i++) {
				const char *seq = l.v[i].seq + strspn(l.v[i].seq, "0");

				if (matches(seq, NULL, text))
					add_candidate(&v, &n, seq);
			}
			outbox_list_finish(&l);
		}
	}
	return v;
}

static void
loop_open_cmdline(struct tui *t, const char *prefill)
{
	if (t->too_small || the_term->status == NULL)
		return;
	free(t->text_cmd);
	t->text_cmd = NULL;
	t->cmdline_open = true;
	cmdline_open(t->cmdline, the_term->status, prefill);
	curs_set(1);
}

static void
loop_open_text(struct tui *t, const char *prompt, char *command, bool asks)
{
	if (t->too_small || the_term->status == NULL) {
		free(command);
		return;
	}
	free(t->text_cmd);
	t->text_cmd = command;
	t->text_asks = asks;
	t->cmdline_open = true;
	cmdline_open_text(t->cmdline, the_term->status, prompt);
	curs_set(1);
}

static void
loop_close_cmdline(struct tui *t)
{
	if (!t->cmdline_open)
		return;
	t->cmdline_open = false;
	curs_set(0);
	t->status_dirty = true;
}

/* What the commands ask of the loop (ui/loop.h). */
static const struct tui_loop loop_ops = {
	.open_cmdline = loop_open_cmdline,
	.open_text = loop_open_text,
	.close_cmdline = loop_close_cmdline,
};

/* What the core asks of the screen: nothing on the terminal (no ask_secret,
 * no paste), and no sleeping on the loop. */
static const struct front_ops screen_front = {
	.no_wait = true,
};

static void
close_screen(struct tui *t, struct term *tm)
{
	delete_windows(t, tm);
	term_close();
}

int
tui_run(struct cmd_ctx *ctx)
{
	struct term tm = { 0 };
	struct tui t;
	bool bidi_app;
	struct session *s;
	struct error err;
	struct keymap keys;
	const struct front_ops *before;

	error_clear(&err);
	/* One registry: the screen's commands join the core's. */
	ui_register_commands();
	if (!keymap_init(&keys, ctx->cfg, ui_check_line, &err)) {
		char *msg = sanitize_display(err.msg, (size_t)-1, 0);

		fprintf(stderr, "ezrizi: %s\n", msg);
		free(msg);
		cmd_unregister();
		return error_exit_code(err.kind);
	}
	if ((s = cmd_session(ctx, &err)) == NULL) {
		char *msg = sanitize_display(err.msg, (size_t)-1, 0);

		fprintf(stderr, "ezrizi: %s\n", msg);
		free(msg);
		keymap_finish(&keys);
		cmd_unregister();
		return error_exit_code(err.kind);
	}
	{
		const char *b = config_get(ctx->cfg, "bidi");

		bidi_app = b == NULL || strcmp(b, "terminal") != 0;
	}
	lf_init(ctx->cfg);
	if (!term_open(bidi_app)) {
		keymap_finish(&keys);
		const char *term = getenv("TERM");
		char *clean = sanitize_display(term != NULL ? term : "", (size_t)-1, 0);

		fprintf(stderr, _("ezrizi: cannot open the screen on this terminal (TERM=%s); use a command instead, see 'ezrizi --help'.\n"),
			clean);
		free(clean);
		cmd_unregister();
		return EXIT_FAILED;
	}
	/* The terminal is the screen's now: nothing asks on it behind the screen's
	 * back. The core refuses what it would have asked, saying what to do
	 * (passphrase_command, a shell); the screen asks its own way (passwd and
	 * the lock screen on the status line, ui/cmd_lock.c). */
	before = ctx->front_ops;
	cmd_set_front(ctx, &screen_front);
	tui_state_init(&t, ctx, s);
	t.loop = &loop_ops;
	ctx->front = &t;   /* the screen's commands find it there */
	the_term = &tm;
	the_tui = &t;
	for (int i = 0; i < PANE_COUNT; i++) {
		t.panes[i].ops = pane_ops_of[i];
		t.panes[i].tui = &t;
		t.panes[i].ops->init(&t.panes[i]);
	}
	t.keys = keys;
	t.cmdline = cmdline_create();
	cmdline_set_values(t.cmdline, complete_values, &t);
	text_view_init(&t.overlay_view);
	t.last_key = tui_now_ms();
	t.lock_after_ms = config_get_long(ctx->cfg, "lock_after", 900) * 1000;
	t.panes[PANE_APPT].focused = true;
	t.relayout = true;
	if (s->store == NULL && s->store_err.kind == ERR_FAILED)
		tui_set_error(&t, s->store_err.msg);   /* a damaged store says so at once */
	tui_recover_notes(&t);
	/* The screen's commands wait as long as the server takes: keys stay live,
	 * and q twice stops the wait. */
	http_set_max_wait(s->http, 0);
	/* One loop: the terminal, the network and the timers, in one poll(); a
	 * command that waits is resumed here when its answer is in (ui/job.h). */
	while ((!t.quit && !term_quit_asked()) || t.job != NULL) {
		if (term_quit_asked() && t.job != NULL)
			ui_job_abort(&t);   /* told to end: the wait ends now, writes wait in the outbox */
		tick(&t);
		tui_start_work(&t);
		render(&t, &tm);
		wait_and_read(&t);
		ui_job_step(&t);
	}
	for (int i = 0; i < PANE_COUNT; i++)
		t.panes[i].ops->destroy(&t.panes[i]);
	close_screen(&t, &tm);
	cmdline_destroy(t.cmdline);
	text_view_finish(&t.overlay_view);
	keymap_finish(&t.keys);
	tui_state_finish(&t);
	ctx->front = NULL;
	cmd_set_front(ctx, before);
	cmd_unregister();
	return EXIT_OK;
}
