/* tui.c - the screen: the loop, the layout, the title and the status line.
 *
 * Draw from state: a key or a finished fetch changes the model (state.c) and
 * marks panes dirty; each loop turn paints the dirty ones, wnoutrefresh()es
 * them and calls doupdate() once. SIGWINCH is ncurses' (it only sets a flag and
 * we get KEY_RESIZE); SIGINT, SIGTERM and SIGHUP only set a flag too, and the
 * loop leaves through endwin(). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>

#include "core/http.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/state.h"
#include "ui/tui.h"

#define MIN_COLS 60
#define MIN_LINES 20

static volatile sig_atomic_t got_quit, got_winch;
static int wake_pipe[2] = { -1, -1 };

/* Signals only set a flag and wake the loop's poll() through a pipe. */
static void
on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_quit = 1;
	if (wake_pipe[1] >= 0 && write(wake_pipe[1], "", 1) < 0)
		(void)0;
	errno = saved;
}

struct term {
	SCREEN *scr;
	WINDOW *title, *status;
	WINDOW *input;            /* a 1x1 pad: reading keys never repaints */
	bool small_dirty;
	bool laid_out_everyone;   /* the layout's left width depends on it */
	int saved_stderr;
	struct sigaction old_int, old_term, old_hup, old_winch;
};

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
	tm->title = tm->status = NULL;
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

/* Left: the appointments; right: notes above, chat below. The list is wider
 * when it shows everyone's appointments (the counsellor's name is in it). */
static void
layout(struct tui *t, struct term *tm)
{
	int body, left, right, notes_h;

	delete_windows(t, tm);
	t->relayout = false;
	tm->laid_out_everyone = t->everyone;
	if (COLS < MIN_COLS || LINES < MIN_LINES) {
		t->too_small = true;
		tm->small_dirty = true;
		return;
	}
	t->too_small = false;
	tm->title = newwin(1, COLS, 0, 0);
	tm->status = newwin(1, COLS, LINES - 1, 0);
	body = LINES - 2;
	left = t->everyone ? COLS / 2 : COLS * 9 / 20;
	if (left < 30)
		left = 30;
	right = COLS - left;
	notes_h = (body + 1) / 2;
	place(&t->panes[PANE_APPT], 1, 0, body, left);
	place(&t->panes[PANE_NOTES], 1, left, notes_h, right);
	place(&t->panes[PANE_CHAT], 1 + notes_h, left, body - notes_h, right);
	t->title_dirty = t->status_dirty = true;
}

/* ---- title and status line ---- */

static void
draw_title(struct tui *t, struct term *tm)
{
	char *text = xasprintf(" ezrizi — %s — %s — %s", t->host, t->user, t->clock);

	ui_put(tm->title, 0, 0, COLS, text, ui_attr(UC_TITLE), true);
	free(text);
}

static void
draw_status(struct tui *t, struct term *tm)
{
	if (t->status_err != NULL) {
		char *text = xasprintf(" %s", t->status_err);

		ui_put(tm->status, 0, 0, COLS, text, ui_attr(UC_ERROR), true);
		free(text);
	} else {
		/* TRANSLATORS: the key hints in the status line. */
		char *text = xasprintf(" %s", _("↑↓ move  Tab switch pane  r reload  q quit"));

		ui_put(tm->status, 0, 0, COLS, text, A_NORMAL, true);
		free(text);
	}
}

static void
draw_too_small(void)
{
	struct tlines l;
	char *msg;
	int top;

	/* TRANSLATORS: shown alone on the screen until the terminal grows; the
	 * numbers are columns and lines. */
	msg = xasprintf(_("The terminal is too small: ezrizi needs at least %d×%d."), MIN_COLS, MIN_LINES);
	tlines_init(&l);
	tlines_wrap(&l, msg, COLS > 4 ? COLS - 4 : COLS, 0, A_BOLD, 0);
	werase(stdscr);
	top = (LINES - (int)l.n) / 2;
	for (size_t i = 0; i < l.n; i++) {
		int w = display_width(l.v[i].text);
		int y = top + (int)i;

		if (y >= 0 && y < LINES)
			ui_put(stdscr, y, w < COLS ? (COLS - w) / 2 : 0, COLS, l.v[i].text, A_BOLD, false);
	}
	tlines_finish(&l);
	free(msg);
}

/* Paints what changed; one doupdate() per turn. */
static void
render(struct tui *t, struct term *tm)
{
	bool any = false;

	if (t->relayout || t->everyone != tm->laid_out_everyone)
		layout(t, tm);
	if (t->too_small) {
		if (tm->small_dirty) {
			draw_too_small();
			wnoutrefresh(stdscr);
			tm->small_dirty = false;
			any = true;
		}
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
		if (t->status_dirty) {
			draw_status(t, tm);
			wnoutrefresh(tm->status);
			t->status_dirty = false;
			any = true;
		}
	}
	if (any)
		doupdate();
}

/* ---- keys ---- */

static void
focus(struct tui *t, int i)
{
	t->panes[t->focus].focused = false;
	t->panes[t->focus].dirty = true;
	t->focus = (i + PANE_COUNT) % PANE_COUNT;
	t->panes[t->focus].focused = true;
	t->panes[t->focus].dirty = true;
}

static void
handle_key(struct tui *t, const struct ui_key *k)
{
	if (k->fn && k->code == KEY_RESIZE) {
		t->relayout = true;
		return;
	}
	if (!k->fn && (k->code == 'q' || k->code == 3 /* Ctrl-C in raw mode */)) {
		t->quit = true;
		return;
	}
	if (t->too_small)
		return;
	tui_clear_error(t);
	if (!k->fn && k->code == '\t')
		focus(t, t->focus + 1);
	else if (k->fn && k->code == KEY_BTAB)
		focus(t, t->focus - 1);
	else if (!k->fn && k->code == 'r')
		tui_reload(t);
	else
		t->panes[t->focus].ops->key(&t->panes[t->focus], k);
}

static bool
read_key(WINDOW *in, int timeout_ms, struct ui_key *k)
{
	wint_t wc;
	int rc;

	wtimeout(in, timeout_ms);
	rc = wget_wch(in, &wc);
	if (rc == ERR)
		return false;  /* timeout, or a signal: the loop looks at the flags */
	k->fn = rc == KEY_CODE_YES;
	k->code = (int)wc;
	return true;
}

/* Updates the clock in the title (once a minute), starts a new day's list
 * after midnight, looks again for new data every poll_interval, and redraws a
 * pane whose "as of" note changed. */
static void
tick(struct tui *t)
{
	char now[17];
	struct civil_date today = date_today();

	instant_format_local(clock_now(), now);
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
	if (date_cmp(today, t->day) != 0 && t->appt_f.state == LOAD_OK) {
		t->day = today;
		tui_reload(t);
	}
	if (tui_ms_to_poll(t) == 0)
		tui_poll(t);
}

static int
ms_to_next_minute(void)
{
	time_t now = time(NULL);

	return (int)(60 - now % 60) * 1000 + 50;
}

/* Waits for a key, the network, a signal or the next timer, whichever comes
 * first, and handles the keys that came. */
static void
wait_and_read(struct tui *t, struct term *tm)
{
	struct curl_waitfd fds[2] = {
		{ STDIN_FILENO, CURL_WAIT_POLLIN, 0 },
		{ wake_pipe[0], CURL_WAIT_POLLIN, 0 },
	};
	int timeout = ms_to_next_minute(), to_poll = tui_ms_to_poll(t);
	bool keys;
	struct ui_key k;

	if (to_poll < timeout)
		timeout = to_poll;
	http_step(t->s->http, fds, wake_pipe[0] >= 0 ? 2 : 1, timeout);
	keys = (fds[0].revents & (CURL_WAIT_POLLIN | CURL_WAIT_POLLPRI)) != 0;
	if (fds[1].revents != 0) {
		char sink[64];

		while (read(wake_pipe[0], sink, sizeof sink) > 0)
			;
	}
	if (got_winch) {
		struct winsize ws;

		got_winch = 0;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
			resizeterm(ws.ws_row, ws.ws_col);
		t->relayout = true;
		keys = true;  /* resizeterm queued a KEY_RESIZE: take it now */
	}
	while (keys && !t->quit && read_key(tm->input, 0, &k))
		handle_key(t, &k);
}

/* ---- the terminal ---- */

static void
catch_signals(struct term *tm)
{
	struct sigaction sa;

	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		wake_pipe[0] = wake_pipe[1] = -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, &tm->old_int);
	sigaction(SIGTERM, &sa, &tm->old_term);
	sigaction(SIGHUP, &sa, &tm->old_hup);
	/* Ours, not ncurses': it wakes the loop, which then asks the size. */
	sigaction(SIGWINCH, &sa, &tm->old_winch);
}

static void
restore_signals(struct term *tm)
{
	sigaction(SIGINT, &tm->old_int, NULL);
	sigaction(SIGTERM, &tm->old_term, NULL);
	sigaction(SIGHUP, &tm->old_hup, NULL);
	sigaction(SIGWINCH, &tm->old_winch, NULL);
	for (int i = 0; i < 2; i++) {
		if (wake_pipe[i] >= 0)
			close(wake_pipe[i]);
		wake_pipe[i] = -1;
	}
}

/* Nothing but curses may write to the terminal while the screen is up: a stray
 * message on stderr would tear it. stderr goes to /dev/null meanwhile when it
 * is the terminal (redirect it to a file to keep EZRIZI_DEBUG output). */
static void
mute_stderr(struct term *tm)
{
	int fd;

	tm->saved_stderr = -1;
	if (!isatty(STDERR_FILENO))
		return;
	fflush(stderr);
	tm->saved_stderr = dup(STDERR_FILENO);
	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
}

static void
unmute_stderr(struct term *tm)
{
	if (tm->saved_stderr < 0)
		return;
	fflush(stderr);
	dup2(tm->saved_stderr, STDERR_FILENO);
	close(tm->saved_stderr);
	tm->saved_stderr = -1;
}

static bool
open_screen(struct term *tm)
{
	catch_signals(tm);  /* before newterm, so ncurses keeps its hands off them */
	tm->scr = newterm(NULL, stdout, stdin);
	if (tm->scr == NULL) {
		restore_signals(tm);
		return false;
	}
	set_term(tm->scr);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(50);
	ui_colors_init();
	tm->input = newpad(1, 1);
	keypad(tm->input, TRUE);
	mute_stderr(tm);
	return true;
}

static void
close_screen(struct tui *t, struct term *tm)
{
	delete_windows(t, tm);
	if (tm->input != NULL)
		delwin(tm->input);
	endwin();
	delscreen(tm->scr);
	unmute_stderr(tm);
	restore_signals(tm);
}

int
tui_run(struct cmd_ctx *ctx)
{
	struct term tm = { 0 };
	struct tui t;
	struct session *s;
	struct error err;
	error_clear(&err);
	if ((s = cmd_session(ctx, &err)) == NULL) {
		char *msg = sanitize_display(err.msg, (size_t)-1, 0);

		fprintf(stderr, "ezrizi: %s\n", msg);
		free(msg);
		return error_exit_code(err.kind);
	}
	if (!open_screen(&tm)) {
		const char *term = getenv("TERM");
		char *clean = sanitize_display(term != NULL ? term : "", (size_t)-1, 0);

		fprintf(stderr, _("ezrizi: cannot open the screen on this terminal (TERM=%s); use a command instead, see 'ezrizi --help'.\n"),
			clean);
		free(clean);
		return EXIT_FAILED;
	}
	got_quit = got_winch = 0;
	tui_state_init(&t, ctx, s);
	for (int i = 0; i < PANE_COUNT; i++) {
		t.panes[i].ops = pane_ops_of[i];
		t.panes[i].tui = &t;
		t.panes[i].ops->init(&t.panes[i]);
	}
	t.panes[PANE_APPT].focused = true;
	t.relayout = true;
	/* One loop: the terminal, the network and the timers, in one poll(). */
	while (!t.quit && !got_quit) {
		tick(&t);
		tui_start_work(&t);
		render(&t, &tm);
		wait_and_read(&t, &tm);
	}
	for (int i = 0; i < PANE_COUNT; i++)
		t.panes[i].ops->destroy(&t.panes[i]);
	close_screen(&t, &tm);
	tui_state_finish(&t);
	return EXIT_OK;
}
