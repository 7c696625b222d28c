/* test_cmdline.c - the ':' command line: keys in, lines out, completion and
 * drawing, on a curses screen that writes to /dev/null.
 *
 * Links core and ui with ncursesw and readline. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xmalloc.h"
#include "ui/cmdline.h"
#include "ui/cmd_screen.h"
#include "ui/commands.h"
#include "ui/state.h"

static WINDOW *win;

static enum cmdline_result
type(struct cmdline *c, const char *s, char **line)
{
	enum cmdline_result r = CMDLINE_MORE;

	*line = NULL;
	for (; *s != '\0' && r == CMDLINE_MORE; s++) {
		struct ui_key k = { false, (unsigned char)*s };

		r = cmdline_key(c, &k, line);
	}
	return r;
}

static enum cmdline_result
fkey(struct cmdline *c, int code, char **line)
{
	struct ui_key k = { true, code };

	return cmdline_key(c, &k, line);
}

/* The status line as drawn, trailing spaces cut. */
static char *
screen_line(struct cmdline *c)
{
	char buf[256];
	size_t n;

	cmdline_draw(c);
	mvwinnstr(win, 0, 0, buf, (int)sizeof buf - 1);
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	buf[n] = '\0';
	return xstrdup(buf);
}

static char **
values(enum cmd_kind kind, const char *text, void *arg)
{
	static const char *const ids[] = { "pat-ali", "pat-amina", "pat-bob" };
	char **v = xcalloc(4, sizeof *v);
	size_t n = 0;

	(void)arg;
	if (kind != KIND_PATIENT)
		return v;
	if (strcmp(text, "Bob") == 0) {  /* a name completes to an id */
		v[0] = xstrdup("pat-bob");
		return v;
	}
	for (size_t i = 0; i < 3; i++)
		if (strncmp(ids[i], text, strlen(text)) == 0)
			v[n++] = xstrdup(ids[i]);
	return v;
}

static int
setup(void **state)
{
	struct cmdline *c = cmdline_create();

	cmdline_set_values(c, values, NULL);
	cmdline_open(c, win, NULL);
	*state = c;
	return 0;
}

static int
teardown(void **state)
{
	cmdline_destroy(*state);
	return 0;
}

static void
test_enter_returns_line(void **state)
{
	struct cmdline *c = *state;
	char *line;

	assert_int_equal(type(c, "version\r", &line), CMDLINE_DONE);
	assert_string_equal(line, "version");
	assert_false(cmdline_active(c));
	free(line);
}

static void
test_esc_and_backspace_cancel(void **state)
{
	struct cmdline *c = *state;
	char *line;

	assert_int_equal(type(c, "abc\033", &line), CMDLINE_CANCEL);
	assert_null(line);
	cmdline_open(c, win, "x");
	assert_int_equal(fkey(c, KEY_BACKSPACE, &line), CMDLINE_MORE);
	assert_int_equal(fkey(c, KEY_BACKSPACE, &line), CMDLINE_CANCEL);
	cmdline_open(c, win, NULL);
	assert_int_equal(type(c, "ab\007", &line), CMDLINE_CANCEL);
}

static void
test_history_and_edit_keys(void **state)
{
	struct cmdline *c = *state;
	char *line;

	assert_int_equal(type(c, "slots\r", &line), CMDLINE_DONE);
	free(line);
	cmdline_open(c, win, NULL);
	fkey(c, KEY_UP, &line);
	fkey(c, KEY_HOME, &line);
	fkey(c, KEY_DC, &line);
	fkey(c, KEY_END, &line);
	fkey(c, KEY_LEFT, &line);
	assert_int_equal(type(c, "X\r", &line), CMDLINE_DONE);
	assert_string_equal(line, "lotXs");
	free(line);
	/* The edited history line was restored. */
	cmdline_open(c, win, NULL);
	fkey(c, KEY_UP, &line);
	fkey(c, KEY_UP, &line);
	assert_int_equal(fkey(c, KEY_ENTER, &line), CMDLINE_DONE);
	assert_string_equal(line, "slots");
	free(line);
}

static void
test_complete_commands_and_options(void **state)
{
	struct cmdline *c = *state;
	char *line, *shown;

	type(c, "appoi\t", &line);
	shown = screen_line(c);
	assert_string_equal(shown, ":appointment  [appointment appointments]");
	free(shown);
	type(c, "s --pa\t", &line);
	shown = screen_line(c);
	assert_string_equal(shown, ":appointments --patient");
	free(shown);
	assert_int_equal(type(c, "pat-a\t\r", &line), CMDLINE_DONE);
	assert_string_equal(line, "appointments --patient pat-a");
	free(line);

	/* "note a" is note add or note addendum now: "note add " completes the option. */
	cmdline_open(c, win, "note add");
	assert_int_equal(type(c, " --d\t\r", &line), CMDLINE_DONE);
	assert_string_equal(line, "note add --draft ");
	free(line);

	cmdline_open(c, win, "book --patient=Bob");
	assert_int_equal(type(c, "\t\r", &line), CMDLINE_DONE);
	assert_string_equal(line, "book --patient=pat-bob ");
	free(line);
}

/* Types s, Tab, then Enter: the line as completed. */
static char *
completed(struct cmdline *c, const char *s)
{
	char *line, *typed = xasprintf("%s\t\r", s);

	cmdline_open(c, win, NULL);
	assert_int_equal(type(c, typed, &line), CMDLINE_DONE);
	free(typed);
	return line;
}

static void
expect_completed(struct cmdline *c, const char *s, const char *want)
{
	char *line = completed(c, s);

	if (strcmp(line, want) != 0) {
		fprintf(stderr, "[%s] + Tab: [%s], not [%s]\n", s, line, want);
		fail();
	}
	free(line);
}

/* tab_completes_screen_commands: Tab completed none of the screen's own
 * commands (goto, filter, week...) nor their arguments. */
static void
test_tab_completes_screen_commands(void **state)
{
	struct cmdline *c = *state;
	char *line, *shown;

	expect_completed(c, "go", "goto ");
	expect_completed(c, "wee", "week ");
	expect_completed(c, "next-u", "next-unread ");
	expect_completed(c, "focus ch", "focus chat ");
	expect_completed(c, "pick-slot b", "pick-slot book ");
	expect_completed(c, "goto tomo", "goto tomorrow ");
	expect_completed(c, "filter --st", "filter --status ");
	expect_completed(c, "filter --status canc", "filter --status cancelled ");
	expect_completed(c, "filter --status a", "filter --status a");   /* arrived, all */
	expect_completed(c, "filter --practitioner m", "filter --practitioner me ");
	expect_completed(c, "help go", "help goto ");
	expect_completed(c, "lock --ag", "lock --agent ");
	/* In a line a command runs, what that command takes. */
	expect_completed(c, "confirm check", "confirm checkin ");
	expect_completed(c, "text reason canc", "text reason cancel ");
	expect_completed(c, "confirm book --patient pat-b", "confirm book --patient pat-bob ");
	/* Several: the candidates show after the line. */
	cmdline_open(c, win, NULL);
	type(c, "day \t", &line);
	shown = screen_line(c);
	assert_string_equal(shown, ":day   [next prev today]");
	free(shown);
	type(c, "\033", &line);
	/* What runs only from a shell is not offered here. */
	expect_completed(c, "bat", "bat");
	expect_completed(c, "completio", "completio");
}

/* Files for a --file. */
static void
test_complete_files(void **state)
{
	struct cmdline *c = *state;

	expect_completed(c, "note add p1 --file /et", "note add p1 --file /etc/");
}

static void
test_draw_scrolls_and_sanitises(void **state)
{
	struct cmdline *c = *state;
	char *line, *shown;
	int y, x;

	type(c, "send p1 \026\001", &line);  /* Ctrl-V Ctrl-A: a literal ^A */
	shown = screen_line(c);
	assert_string_equal(shown, ":send p1 ^A");
	free(shown);
	for (int i = 0; i < 20; i++)
		type(c, "abcdefghi ", &line);
	type(c, "z", &line);
	shown = screen_line(c);
	cmdline_cursor(c, &y, &x);
	assert_int_equal(y, LINES - 1);
	assert_int_equal(x, COLS - 1);
	assert_int_equal((int)strlen(shown), COLS - 1);
	free(shown);
	fkey(c, KEY_HOME, &line);
	shown = screen_line(c);
	cmdline_cursor(c, &y, &x);
	assert_int_equal(x, 1);
	assert_memory_equal(shown, ":send p1 ^A", 11);
	free(shown);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enter_returns_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_esc_and_backspace_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_and_edit_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_complete_commands_and_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_draw_scrolls_and_sanitises, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tab_completes_screen_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_complete_files, setup, teardown),
	};
	FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
	SCREEN *scr;
	int rc;

	setenv("INPUTRC", "/dev/null", 1);
	setlocale(LC_ALL, "C.UTF-8");
	scr = newterm("xterm", out, in);
	if (scr == NULL)
		return 77;  /* no terminfo: skip */
	win = newwin(1, COLS, LINES - 1, 0);
	ui_register_commands();   /* Tab completes from the one registry, the screen's commands too */
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	cmd_unregister();
	delwin(win);
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	return rc;
}
