/* term.c - the terminal under the screen (see term.h): curses, the signals,
 * stderr, the bidi mode, suspend and resume. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <curses.h>

#include "ui/draw.h"
#include "ui/term.h"

static volatile sig_atomic_t got_quit, got_winch;
static int wake_pipe[2] = { -1, -1 };

static struct {
	SCREEN *scr;
	WINDOW *input;            /* a 1x1 pad: reading keys never repaints */
	bool bidi_app;            /* ezrizi reorders RTL text: the terminal is in explicit mode */
	int saved_stderr;
	struct sigaction old_int, old_term, old_hup, old_winch;
} term;

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

static void
catch_signals(void)
{
	struct sigaction sa;

	got_quit = got_winch = 0;
	if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		wake_pipe[0] = wake_pipe[1] = -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, &term.old_int);
	sigaction(SIGTERM, &sa, &term.old_term);
	sigaction(SIGHUP, &sa, &term.old_hup);
	/* Ours, not ncurses': it wakes the loop, which then asks the size. */
	sigaction(SIGWINCH, &sa, &term.old_winch);
}

static void
restore_signals(void)
{
	sigaction(SIGINT, &term.old_int, NULL);
	sigaction(SIGTERM, &term.old_term, NULL);
	sigaction(SIGHUP, &term.old_hup, NULL);
	sigaction(SIGWINCH, &term.old_winch, NULL);
	for (int i = 0; i < 2; i++) {
		if (wake_pipe[i] >= 0)
			close(wake_pipe[i]);
		wake_pipe[i] = -1;
	}
}

/* Nothing but curses may write to the terminal while the screen is up: a stray
 * message on stderr would tear it. stderr goes to /dev/null meanwhile when it
 * is the terminal. */
static void
mute_stderr(void)
{
	int fd;

	term.saved_stderr = -1;
	if (!isatty(STDERR_FILENO))
		return;
	fflush(stderr);
	term.saved_stderr = dup(STDERR_FILENO);
	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
}

static void
unmute_stderr(void)
{
	if (term.saved_stderr < 0)
		return;
	fflush(stderr);
	dup2(term.saved_stderr, STDERR_FILENO);
	close(term.saved_stderr);
	term.saved_stderr = -1;
}

/* ECMA-48 BDSM: 8l explicit (ours), 8h implicit (the terminal's own). */
static void
bidi_mode(bool explicit)
{
	if (!term.bidi_app)
		return;
	fputs(explicit ? "\033[8l" : "\033[8h", stdout);
	fflush(stdout);
}

bool
term_open(bool bidi_app)
{
	term.bidi_app = bidi_app;
	catch_signals();  /* before newterm, so ncurses keeps its hands off them */
	bidi_mode(true);
	term.scr = newterm(NULL, stdout, stdin);
	if (term.scr == NULL) {
		restore_signals();
		return false;
	}
	set_term(term.scr);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(50);
	ui_colors_init();
	ui_bidi_init(term.bidi_app);
	term.input = newpad(1, 1);
	keypad(term.input, TRUE);
	mute_stderr();
	return true;
}

void
term_close(void)
{
	if (term.input != NULL)
		delwin(term.input);
	term.input = NULL;
	endwin();
	delscreen(term.scr);
	term.scr = NULL;
	bidi_mode(false);  /* back to implicit mode */
	unmute_stderr();
	restore_signals();
}

void
term_suspend(void)
{
	def_prog_mode();
	endwin();
	bidi_mode(false);  /* the editor or pager gets the terminal's own bidi */
}

void
term_resume(void)
{
	bidi_mode(true);
	reset_prog_mode();
	clearok(curscr, TRUE);
}

int
term_wake_fd(void)
{
	return wake_pipe[0];
}

void
term_drain_wake(void)
{
	char sink[64];

	while (wake_pipe[0] >= 0 && read(wake_pipe[0], sink, sizeof sink) > 0)
		;
}

bool
term_take_resize(void)
{
	struct winsize ws;

	if (!got_winch)
		return false;
	got_winch = 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	return true;
}

bool
term_quit_asked(void)
{
	return got_quit != 0;
}

bool
term_read_key(int timeout_ms, struct ui_key *k)
{
	wint_t wc;
	int rc;

	wtimeout(term.input, timeout_ms);
	rc = wget_wch(term.input, &wc);
	if (rc == ERR)
		return false;  /* timeout, or a signal: the loop looks at the flags */
	k->fn = rc == KEY_CODE_YES;
	k->code = (int)wc;
	return true;
}
