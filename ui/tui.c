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
#include "ui/worklist_count.h"
#include "ui/bidi.h"
#include "ui/cmd_lock.h"
#include "ui/cmd_screen.h"
#include "ui/cmdline.h"
#include "ui/crisis_view.h"
#include "ui/job.h"
#include "ui/commands.h"
#include "ui/editor.h"
#include "ui/form.h"
#include "ui/localfmt.h"
#include "ui/loop.h"
#include "ui/state.h"
#include "ui/mode.h"
#include "ui/term.h"
#include "ui/tui.h"
#include "ui/view.h"

#define MIN_COLS 60
#define MIN_LINES 20

/* There is one screen; the loop's vtable (ui/loop.h) reaches it here. */
static struct view *the_term;

static const struct pane_ops *const pane_ops_of[PANE_COUNT] = {
	[PANE_APPT] = &pane_appt_ops,
	[PANE_NOTES] = &pane_notes_ops,
	[PANE_CHAT] = &pane_chat_ops,
};

/* ---- layout ---- */

static void
delete_windows(struct tui *t, struct view *tm)
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
layout(struct tui *t, struct view *tm)
{
	int body, left, right, notes_h, sh = tm->status_h > 0 ? tm->status_h : 1;

	delete_windows(t, tm);
	t->relayout = false;
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		mode_push(&t->modes, t, &mode_small);
		tm->small_dirty = true;
		return;
	}
	mode_pop(&t->modes, t, &mode_small);
	tm->title = newwin(1, COLS, 0, 0);
	tm->status = newwin(sh, COLS, LINES - sh, 0);
	tm->over = newwin(LINES - 1 - sh, COLS, 1, 0);
	tm->over_dirty = true;
	tm->lock_painted = false;
	mode_resize(&t->modes, t);
	if (mode_covering(&t->modes) < 0)
		touchwin(stdscr);
	body = LINES - 1 - sh;
	left = tm->laid_out_left = pane_appt_width(&t->m, COLS);
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
 * and Urdu): the server, the user and the clock are isolates in it, and so is
 * each count with its words (a Latin digit after "ezrizi" would otherwise
 * join the left-to-right run, and Urdu's "4" stand a line away from its
 * noun); the counts are in the screen's digits. */
static void
draw_title(struct tui *t, struct view *tm)
{
	char *urgent = ui_urgent_title(&t->m);
	char *host, *user, *clock, *text;

	if (urgent != NULL) {
		/* An escalation waits: the whole bar says so, in reverse, until read. */
		char *mark = xasprintf(" %s %s", ui_utf8() ? "⚠" : "!!", urgent), *ours = ui_ours(mark);

		ui_put(tm->title, 0, 0, COLS, ours, ui_attr(UC_ERROR) | A_REVERSE | A_BOLD, true);
		free(ours);
		free(mark);
		free(urgent);
		return;
	}
	host = bidi_isolate(t->host);
	user = bidi_isolate(t->user);
	clock = bidi_isolate(t->clock);
	char *waiting = t->m.outbox_n == 0 ? xstrdup("")
		/* TRANSLATORS: the end of the title bar, writes waiting for the server. */
		: xasprintf(ngettext(" — %zu waiting to send", " — %zu waiting to send", t->m.outbox_n), t->m.outbox_n);
	char *owed = ui_worklist_title(t), *counts = xasprintf("%s%s", waiting, owed);
	char *local = lf_digits(counts), *c = *local != '\0' ? bidi_isolate(local) : xstrdup("");

	/* Too wide: the server goes first, then the user; the clock and the
	 * counts stay (what a counsellor looks up there). */
	text = xasprintf(" ezrizi — %s — %s — %s%s", host, user, clock, c);
	if (bidi_width(text) > COLS) {
		free(text);
		text = xasprintf(" ezrizi — %s — %s%s", user, clock, c);
	}
	if (bidi_width(text) > COLS) {
		free(text);
		text = xasprintf(" ezrizi — %s%s", clock, c);
	}
	char *ours = ui_ours(text);

	ui_put(tm->title, 0, 0, COLS, ours, ui_attr(UC_TITLE), true);
	free(ours);
	free(text);
	free(c);
	free(local);
	free(counts);
	free(owed);
	free(waiting);
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

	if (mode_has(&t->modes, &mode_cmdline) || mode_has(&t->modes, &mode_secret) || msg == NULL ||
	    tui_locked(t) || COLS < 2)
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
draw_status(struct tui *t, struct view *tm)
{
	const char *msg = t->status_err != NULL ? t->status_err : t->status_msg;
	char *text;

	if (mode_has(&t->modes, &mode_cmdline))
		return;  /* the command line owns the line */
	werase(tm->status);
	if (mode_has(&t->modes, &mode_secret)) {
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

/* ---- the terminal too small: a mode over everything ---- */

static bool
small_draw(struct tui *t)
{
	char *msg, *local;

	if (!t->view->small_dirty)
		return false;
	/* TRANSLATORS: shown alone on the screen until the terminal grows; the
	 * numbers are columns and lines. */
	msg = xasprintf(_("The terminal is too small: ezrizi needs at least %d×%d."), MIN_COLS, MIN_LINES);
	local = lf_digits(msg);
	werase(stdscr);
	ui_draw_centred(local, -1, A_BOLD);
	free(local);
	free(msg);
	wnoutrefresh(stdscr);
	t->view->small_dirty = false;
	return true;
}

/* Typed text goes on to the mode under it (the lock, a prompt, the command
 * line); other keys are the "small" table's (q, C-c: quit). */
static void
small_key(struct tui *t, const struct ui_key *k)
{
	const struct mode_ops *under = mode_below(&t->modes, &mode_small);

	if (under != NULL && (under->flags & MODE_TEXT))
		under->key(t, k);
	else
		ui_mode_key(t, "small", k);
}

const struct mode_ops mode_small = {
	.name = "small",
	.rank = 60,
	.flags = MODE_COVERS_ALL,
	.key = small_key,
	.draw = small_draw,
};

static bool
paint_status(struct tui *t, struct view *tm)
{
	if (!t->status_dirty)
		return false;
	draw_status(t, tm);
	wnoutrefresh(tm->status);
	t->status_dirty = false;
	return true;
}

/* The title and the panes: the base under the modes. */
static bool
draw_base(struct tui *t, struct view *tm)
{
	bool any = false;

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
	return any;
}

/* Paints what changed, from the highest mode that covers the panes (or the
 * base) up; one doupdate() per turn. */
static void
render(struct tui *t, struct view *tm)
{
	const struct mode_stack *s = &t->modes;
	bool any = false;
	int from;

	if (t->status_dirty && !mode_has(s, &mode_small)) {
		int h = status_lines(t, NULL);

		if (h != tm->status_h) {
			tm->status_h = h;
			t->relayout = true;
		}
	}
	if (t->relayout || (!mode_has(s, &mode_small) && pane_appt_width(&t->m, COLS) != tm->laid_out_left))
		layout(t, tm);
	from = mode_covering(s);
	if (from < 0)
		any |= draw_base(t, tm);
	if (from < 0 || !(s->v[from]->flags & MODE_COVERS_ALL))
		any |= paint_status(t, tm);
	for (size_t i = from < 0 ? 0 : (size_t)from; i < s->n; i++) {
		if (s->v[i]->draw != NULL)
			any |= s->v[i]->draw(t);
	}
	if (any) {
		if (mode_has(s, &mode_cmdline)) {
			int y, x;

			cmdline_cursor(t->cmdline, &y, &x);
			setsyx(y, x);
		}
		doupdate();
	}
}

/* ---- keys ---- */

/* A key: the top mode's, else the root table's, else the focused pane's. */
static void
handle_key(struct tui *t, const struct ui_key *k)
{
	const char *cmd;

	t->last_key = clock_mono_ms();
	if (k->fn && k->code == KEY_RESIZE) {
		t->relayout = true;
		return;
	}
	if (mode_key(&t->modes, t, k))
		return;
	tui_clear_error(t);
	if ((cmd = keymap_lookup(&t->keys, k)) != NULL)
		ui_run_key(t, cmd);
	else
		t->panes[t->focus].ops->key(&t->panes[t->focus], k);
}

static int
ms_to_lock(const struct tui *t)
{
	long long d;

	if (t->lock_after_ms <= 0 || tui_locked(t))
		return 3600000;
	d = t->last_key + t->lock_after_ms - clock_mono_ms();
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
			char *note = model_part_note(&t->m, t->panes[i].part);
			bool had = t->fresh_shown[i];

			t->fresh_shown[i] = note != NULL;
			if (note != NULL || had)
				tui_mark(t, i);
			free(note);
		}
	}
	model_new_day(&t->m, today);
	if (model_ms_to_settle(&t->m) == 0)
		model_settle(&t->m);
	if (model_ms_to_poll(&t->m) == 0) {
		/* Locked, nothing of the model is on screen: one look in four
		 * (at most every two minutes at the default), and one at the
		 * unlock (ui/cmd_lock.c). */
		if (tui_locked(t) && t->locked_skips++ % 4 != 3) {
			model_poll_later(&t->m);
		} else {
			model_poll(&t->m);
			model_audit_send(&t->m);
			if (!tui_locked(t))
				ui_send_outbox(t);
		}
	}
	if (!tui_locked(t))
		t->locked_skips = 0;
	if (t->lock_after_ms > 0 && !tui_locked(t) && ms_to_lock(t) == 0)
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
	int timeout = ms_to_next_minute(), to_poll = model_ms_to_poll(&t->m), to_lock = ms_to_lock(t);

	if (to_poll < timeout)
		timeout = to_poll;
	if (to_lock < timeout)
		timeout = to_lock;
	if (model_ms_to_settle(&t->m) < timeout)
		timeout = model_ms_to_settle(&t->m);
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
	struct client *c = kind == KIND_NOTE ? model_client(&t->m) : NULL;
	char **v = NULL;
	size_t n = 0;

	for (size_t i = 0; t->m.appt_f.state == LOAD_OK && i < t->m.appts.n; i++) {
		const struct appointment *a = &t->m.appts.v[i];

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

/* ---- the command line as a mode: readline's keys, typed text ---- */

/* Enter runs the line (or the free text's command), Esc or C-c leave it. */
static void
cmdline_mode_key(struct tui *t, const struct ui_key *k)
{
	char *line = NULL;
	enum cmdline_result r = cmdline_key(t->cmdline, k, &line);

	if (r == CMDLINE_MORE)
		return;
	tui_close_cmdline(t);
	if (r == CMDLINE_DONE && t->text_cmd != NULL)
		ui_text_done(t, line);
	else if (r == CMDLINE_DONE)
		ui_run_key(t, line);
	free(t->text_cmd);
	t->text_cmd = NULL;
	free(line);
}

static bool
cmdline_mode_draw(struct tui *t)
{
	cmdline_draw(t->cmdline);
	return true;
}

static void
cmdline_mode_resize(struct tui *t)
{
	cmdline_set_window(t->cmdline, t->view->status);
}

static void
cmdline_mode_close(struct tui *t)
{
	curs_set(0);
	t->status_dirty = true;
}

const struct mode_ops mode_cmdline = {
	.name = "cmdline",
	.rank = 30,
	.flags = MODE_TEXT,
	.key = cmdline_mode_key,
	.draw = cmdline_mode_draw,
	.resize = cmdline_mode_resize,
	.close = cmdline_mode_close,
};

static void
loop_open_cmdline(struct tui *t, const char *prefill)
{
	if (mode_has(&t->modes, &mode_small) || the_term->status == NULL)
		return;
	free(t->text_cmd);
	t->text_cmd = NULL;
	mode_push(&t->modes, t, &mode_cmdline);
	cmdline_open(t->cmdline, the_term->status, prefill);
	curs_set(1);
}

static void
loop_open_text(struct tui *t, const char *prompt, char *command, bool asks)
{
	if (mode_has(&t->modes, &mode_small) || the_term->status == NULL) {
		free(command);
		return;
	}
	free(t->text_cmd);
	t->text_cmd = command;
	t->text_asks = asks;
	mode_push(&t->modes, t, &mode_cmdline);
	cmdline_open_text(t->cmdline, the_term->status, prompt);
	curs_set(1);
}

static void
loop_close_cmdline(struct tui *t)
{
	mode_pop(&t->modes, t, &mode_cmdline);
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
close_screen(struct tui *t, struct view *tm)
{
	delete_windows(t, tm);
	term_close();
}

/* What must hold before the terminal is taken: the key bindings read, the
 * session set up. Says why on stderr otherwise, returning the exit code. */
static int
start_up(struct cmd_ctx *ctx, struct keymap *keys, struct session **s)
{
	struct error err;
	char *msg;

	error_clear(&err);
	/* One registry: the screen's commands join the core's. */
	ui_register_commands();
	if (keymap_init(keys, ctx->cfg, ui_check_line, &err)) {
		if ((*s = cmd_session(ctx, &err)) != NULL)
			return EXIT_OK;
		keymap_finish(keys);
	}
	msg = sanitize_display(err.msg, (size_t)-1, 0);
	fprintf(stderr, "ezrizi: %s\n", msg);
	free(msg);
	cmd_unregister();
	return error_exit_code(err.kind);
}

/* The screen's state over the terminal just opened. */
static void
screen_init(struct tui *t, struct view *tm, struct cmd_ctx *ctx, struct session *s,
	    struct keymap *keys)
{
	tui_state_init(t, ctx, s);
	t->loop = &loop_ops;
	ctx->front = t;   /* the screen's commands find it there */
	the_term = tm;
	t->view = tm;
	for (int i = 0; i < PANE_COUNT; i++) {
		t->panes[i].ops = pane_ops_of[i];
		t->panes[i].ops->init(&t->panes[i]);
	}
	t->keys = *keys;
	t->cmdline = cmdline_create();
	cmdline_set_values(t->cmdline, complete_values, t);
	text_view_init(&t->overlay_view);
	t->last_key = clock_mono_ms();
	t->lock_after_ms = config_get_long(ctx->cfg, "lock_after", 900) * 1000;
	t->panes[PANE_APPT].focused = true;
	t->relayout = true;
	if (s->store == NULL && s->store_err.kind == ERR_FAILED)
		tui_set_error(t, s->store_err.msg);   /* a damaged store says so at once */
	tui_recover_notes(t);
	/* The screen's commands wait as long as the server takes: keys stay live,
	 * and q twice stops the wait. */
	http_set_max_wait(s->http, 0);
}

static void
screen_finish(struct tui *t, struct view *tm)
{
	for (int i = 0; i < PANE_COUNT; i++)
		t->panes[i].ops->destroy(&t->panes[i]);
	close_screen(t, tm);
	cmdline_destroy(t->cmdline);
	text_view_finish(&t->overlay_view);
	ui_form_finish(t);   /* a form left open: nothing of it was saved */
	keymap_finish(&t->keys);
	tui_state_finish(t);
	t->ctx->front = NULL;
}

int
tui_run(struct cmd_ctx *ctx)
{
	struct view tm = { 0 };
	struct tui t;
	struct session *s;
	struct keymap keys;
	const struct front_ops *before;
	const char *b = config_get(ctx->cfg, "bidi");
	int rc;

	if ((rc = start_up(ctx, &keys, &s)) != EXIT_OK)
		return rc;
	lf_init(ctx->cfg);
	if (!term_open(b == NULL || strcmp(b, "terminal") != 0)) {
		const char *term = getenv("TERM");
		char *clean = sanitize_display(term != NULL ? term : "", (size_t)-1, 0);

		keymap_finish(&keys);
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
	screen_init(&t, &tm, ctx, s, &keys);
	/* One loop: the terminal, the network and the timers, in one poll(); a
	 * command that waits is resumed here when its answer is in (ui/job.h). */
	while ((!t.quit && !term_quit_asked()) || t.job != NULL || model_busy(&t.m) ||
	       ui_worklist_counting(&t)) {
		if (term_quit_asked() && t.job != NULL)
			ui_job_abort(&t);   /* told to end: the wait ends now, writes wait in the outbox */
		if ((t.quit || term_quit_asked()) && t.job == NULL && (model_busy(&t.m) || ui_worklist_counting(&t)))
			ui_job_abort(&t);   /* who "me" is, the count: not worth waiting for at the end */
		tick(&t);
		model_start_work(&t.m);
		if (!t.quit)
			ui_worklist_count_tick(&t);
		render(&t, &tm);
		wait_and_read(&t);
		ui_job_step(&t);
	}
	screen_finish(&t, &tm);
	cmd_set_front(ctx, before);
	cmd_unregister();
	return EXIT_OK;
}
