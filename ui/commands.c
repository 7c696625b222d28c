/* commands.c - the screen's own commands (quit, focus, select, day, goto,
 * week, reload, redraw, help, lock, command, confirm, retry, write-note,
 * page-note) and the runner that sends every other line to the core's table,
 * its output captured for the status line or the overlay. Keys, the ':' line
 * and the config's bind lines all come here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>
#include <sodium.h>

#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "ui/cmdline.h"
#include "ui/state.h"
#include "ui/tui_internal.h"

struct ui_cmd {
	const char *name;
	const char *args;     /* N_() synopsis, or NULL */
	const char *summary;  /* N_() */
	int min_args, max_args;
	bool while_busy;      /* may run while a command waits for the server */
	void (*fn)(struct tui *t, int argc, char **argv);
};

static void
do_quit(struct tui *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	t->quit = true;
}

static void
do_redraw(struct tui *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	clearok(curscr, TRUE);
	tui_mark_all(t);
}

static void
do_reload(struct tui *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	tui_reload(t);
}

static int
pane_named(const char *s, int current)
{
	if (strcmp(s, "next") == 0)
		return (current + 1) % PANE_COUNT;
	if (strcmp(s, "prev") == 0)
		return (current + PANE_COUNT - 1) % PANE_COUNT;
	if (strcmp(s, "appointments") == 0)
		return PANE_APPT;
	if (strcmp(s, "notes") == 0)
		return PANE_NOTES;
	if (strcmp(s, "chat") == 0)
		return PANE_CHAT;
	return -1;
}

static void
do_focus(struct tui *t, int argc, char **argv)
{
	int i = pane_named(argc > 0 ? argv[0] : "next", t->focus);

	if (i < 0) {
		tui_set_error(t, _("Use focus next, prev, appointments, notes or chat."));
		return;
	}
	t->panes[t->focus].focused = false;
	t->panes[t->focus].dirty = true;
	t->focus = i;
	t->panes[i].focused = true;
	t->panes[i].dirty = true;
}

static void
do_select(struct tui *t, int argc, char **argv)
{
	static const struct { const char *name; int key; } moves[] = {
		{ "up", KEY_UP }, { "down", KEY_DOWN }, { "pageup", KEY_PPAGE },
		{ "pagedown", KEY_NPAGE }, { "first", KEY_HOME }, { "last", KEY_END },
	};
	struct ui_key k = { true, 0 };
	struct pane *p;

	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
		if (argc > 0 && strcmp(argv[0], moves[i].name) == 0)
			k.code = moves[i].key;
	}
	if (k.code == 0) {
		tui_set_error(t, _("Use select up, down, pageup, pagedown, first or last."));
		return;
	}
	if (t->overlay) {
		text_view_scroll(&t->overlay_view, &k);
		tui_mark_all(t);
		return;
	}
	p = &t->panes[t->focus];
	p->ops->key(p, &k);
}

static void
show_day(struct tui *t, struct civil_date d)
{
	t->day = d;
	tui_reload(t);
}

static void
do_day(struct tui *t, int argc, char **argv)
{
	const char *w = argc > 0 ? argv[0] : "today";
	int step = t->week ? 7 : 1;

	if (strcmp(w, "next") == 0)
		show_day(t, date_add_days(t->day, step));
	else if (strcmp(w, "prev") == 0)
		show_day(t, date_add_days(t->day, -step));
	else if (strcmp(w, "today") == 0)
		show_day(t, date_today());
	else
		tui_set_error(t, _("Use day next, prev or today."));
}

static void
do_goto(struct tui *t, int argc, char **argv)
{
	struct civil_date d;
	struct error err;

	(void)argc;
	error_clear(&err);
	if (!date_parse(argv[0], date_today(), &d, &err)) {
		tui_set_error(t, err.msg);
		return;
	}
	show_day(t, d);
}

static void
do_week(struct tui *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	t->week = !t->week;
	if (t->week)  /* the week starts on the Monday */
		t->day = date_add_days(t->day, -((date_weekday(t->day) + 6) % 7));
	tui_reload(t);
}

static void
do_help(struct tui *t, int argc, char **argv)
{
	char *text = ui_help_text(t);

	(void)argc;
	(void)argv;
	ui_overlay_open(t, _("Help"), text);
	t->overlay_wrap = true;
	free(text);
}

static void
do_lock(struct tui *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ui_lock(t);
}

static void
do_command(struct tui *t, int argc, char **argv)
{
	char *prefill = NULL;
	struct buf b;

	buf_init(&b);
	for (int i = 0; i < argc; i++) {
		buf_adds(&b, argv[i]);
		buf_addc(&b, ' ');
	}
	prefill = b.data;
	tui_open_cmdline(t, prefill);
	buf_finish(&b);
}

static char *
join(int argc, char **argv)
{
	struct buf b;

	buf_init(&b);
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, argv[i]);
	}
	return buf_steal(&b);
}

static void
do_confirm(struct tui *t, int argc, char **argv)
{
	const struct appointment *a = tui_appt(t);
	const struct cmd_entry *e = cmd_find(argv[0]);
	char *msg, hm[6] = "";

	free(t->confirm);
	t->confirm = join(argc, argv);
	if (a != NULL && a->start != 0)
		instant_format_hm(a->start, hm);
	/* TRANSLATORS: asks before a command runs: "Check a client in for an
	 * appointment. Lucy Wilson 10:00 — press y to go ahead, any other key not to." */
	msg = xasprintf(_("%s %s %s — press y to go ahead, any other key not to."),
			e != NULL ? _(e->summary) : t->confirm,
			a != NULL && a->patient_name != NULL ? a->patient_name : "", hm);
	tui_set_message(t, msg);
	free(msg);
}

static void
do_retry(struct tui *t, int argc, char **argv)
{
	char *line;

	(void)argc;
	(void)argv;
	if (t->last_failed == NULL) {
		tui_set_error(t, _("Nothing to retry."));
		return;
	}
	line = t->last_failed;
	t->last_failed = NULL;
	ui_run(t, line);
	free(line);
}

static void
do_write_note(struct tui *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	tui_write_note(t);
}

static void
do_page_note(struct tui *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	tui_page_note(t);
}

/* Sorted by name. */
static const struct ui_cmd ui_cmds[] = {
	{ "command", N_("[TEXT]"), N_("Open the command line, with TEXT typed in."), 0, 64, false, do_command },
	{ "confirm", N_("COMMAND"), N_("Ask before running COMMAND."), 1, 64, false, do_confirm },
	{ "day", N_("next|prev|today"), N_("Show the next, previous or today's day (or week)."), 1, 1, true, do_day },
	{ "focus", N_("next|prev|appointments|notes|chat"), N_("Move to another pane."), 1, 1, true, do_focus },
	{ "goto", N_("DAY"), N_("Show another day: a date, tomorrow, +3d, monday."), 1, 1, true, do_goto },
	{ "help", NULL, N_("Show the keys and the commands."), 0, 0, true, do_help },
	{ "lock", NULL, N_("Lock the screen now; the password unlocks it."), 0, 0, true, do_lock },
	{ "page-note", NULL, N_("Read the client's newest note in $PAGER."), 0, 0, false, do_page_note },
	{ "quit", NULL, N_("Leave ezrizi."), 0, 0, true, do_quit },
	{ "redraw", NULL, N_("Paint the whole screen again."), 0, 0, true, do_redraw },
	{ "reload", NULL, N_("Fetch everything on the screen again."), 0, 0, true, do_reload },
	{ "retry", NULL, N_("Run the last command that failed again."), 0, 0, false, do_retry },
	{ "select", N_("up|down|pageup|pagedown|first|last"), N_("Move in the focused pane."), 1, 1, true, do_select },
	{ "week", NULL, N_("Switch between the day and the week."), 0, 0, true, do_week },
	{ "write-note", NULL, N_("Write a session note for the client in $VISUAL or $EDITOR."), 0, 0, false, do_write_note },
};

static const struct ui_cmd *
ui_cmd_find(const char *name)
{
	for (size_t i = 0; i < sizeof ui_cmds / sizeof ui_cmds[0]; i++) {
		if (strcmp(ui_cmds[i].name, name) == 0)
			return &ui_cmds[i];
	}
	return NULL;
}

bool
ui_is_command(const char *line)
{
	struct error err;
	int argc;
	char **w;
	bool ok;

	error_clear(&err);
	if ((w = cmd_split(line, &argc, &err)) == NULL)
		return false;
	ok = argc > 0 && (ui_cmd_find(w[0]) != NULL || cmd_find(w[0]) != NULL ||
			  (argc > 1 && strcmp(w[0], "note") == 0));
	cmd_words_free(w);
	return ok;
}

/* Replaces %a and %p with the selected appointment's and client's ids. */
static char *
expand(struct tui *t, const char *line, struct error *err)
{
	const struct appointment *a = tui_appt(t);
	struct buf b;

	buf_init(&b);
	buf_add(&b, "", 0);
	for (const char *p = line; *p != '\0'; p++) {
		const char *v = NULL;

		if (p[0] != '%' || (p[1] != 'a' && p[1] != 'p')) {
			buf_addc(&b, *p);
			continue;
		}
		if (a != NULL)
			v = p[1] == 'a' ? a->id : a->patient_id;
		if (v == NULL) {
			buf_finish(&b);
			error_set(err, ERR_USAGE, _("Select an appointment first."));
			return NULL;
		}
		buf_adds(&b, v);
		p++;
	}
	return buf_steal(&b);
}

/* Commands that would read the terminal as standard input, or ask for a
 * password on it, cannot run under the screen. */
static bool
needs_terminal(int argc, char **argv, struct error *err)
{
	bool has_file = false;

	for (int i = 0; i < argc; i++)
		has_file = has_file || strncmp(argv[i], "--file", 6) == 0;
	if (strcmp(argv[0], "login") == 0 || strcmp(argv[0], "logout") == 0)
		return error_set(err, ERR_USAGE, _("Log in and out with 'ezrizi login' in a shell."));
	if (argc >= 2 && strcmp(argv[0], "note") == 0 && strcmp(argv[1], "add") == 0 && !has_file)
		return error_set(err, ERR_USAGE, _("Write notes with the write-note command (key N), or give --file."));
	if (strcmp(argv[0], "send") == 0 && argc < 3 && !has_file)
		return error_set(err, ERR_USAGE, _("Type the message after the client's id: send ID TEXT."));
	return false;
}

/* Commands that change something print a one-line confirmation first: that
 * is all the status line needs. */
static bool
writes(const char *name)
{
	static const char *const w[] = {
		"book", "cancel", "checkin", "noshow", "note", "reschedule", "send",
	};

	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
		if (strcmp(name, w[i]) == 0)
			return true;
	}
	return false;
}

/* Runs a core command, its output captured: one line goes to the status line,
 * more to the overlay. Then the screen looks again for what it changed. */
static void
run_core(struct tui *t, const char *line, int argc, char **argv)
{
	struct cmd_ctx *ctx = t->ctx;
	FILE *old_out = ctx->out, *mem;
	enum out_format old_fmt = ctx->fmt;
	char *out = NULL;
	size_t len = 0;
	struct error err;
	bool ok;

	error_clear(&err);
	if (needs_terminal(argc, argv, &err)) {
		tui_set_error(t, err.msg);
		return;
	}
	if ((mem = open_memstream(&out, &len)) == NULL)
		abort();
	ctx->out = mem;
	ctx->fmt = FMT_TABLE;
	t->busy = true;
	tui_set_message(t, _("Working…"));
	tui_render_now(t);
	ok = cmd_run_argv(ctx, argc, argv, &err);
	t->busy = false;
	fclose(mem);
	ctx->out = old_out;
	ctx->fmt = old_fmt;
	tui_clear_error(t);
	if (!ok) {
		free(t->last_failed);
		t->last_failed = xstrdup(line);
		tui_set_error(t, err.msg);
	} else if (len > 0 && !writes(argv[0]) && memchr(out, '\n', len) != out + len - 1) {
		char *title = join(argc, argv);

		ui_overlay_open(t, title, out);
		free(title);
	} else if (len > 0) {
		out[strcspn(out, "\n")] = '\0';
		tui_set_message(t, out);
	}
	free(out);
	tui_poll(t);
}

void
ui_run(struct tui *t, const char *line)
{
	struct error err;
	const struct ui_cmd *c;
	char *expanded, **argv;
	int argc;

	error_clear(&err);
	if ((expanded = expand(t, line, &err)) == NULL || (argv = cmd_split(expanded, &argc, &err)) == NULL) {
		tui_set_error(t, err.msg);
		free(expanded);
		return;
	}
	if (argc == 0) {
		cmd_words_free(argv);
		free(expanded);
		return;
	}
	c = ui_cmd_find(argv[0]);
	if (t->busy && (c == NULL || !c->while_busy)) {
		tui_set_error(t, _("Busy: a command is waiting for the server."));
	} else if (c != NULL) {
		if (argc - 1 < c->min_args || argc - 1 > c->max_args) {
			char *msg = xasprintf(_("Usage: %s %s"), c->name, c->args != NULL ? _(c->args) : "");

			tui_set_error(t, msg);
			free(msg);
		} else {
			c->fn(t, argc - 1, argv + 1);
		}
	} else {
		run_core(t, expanded, argc, argv);
	}
	cmd_words_free(argv);
	free(expanded);
}

/* ---- help ---- */

char *
ui_help_text(struct tui *t)
{
	struct buf b;
	size_t n;
	const struct cmd_entry *tab = cmd_table(&n);

	buf_init(&b);
	buf_addf(&b, "%s\n\n", _("Keys"));
	for (size_t i = 0; i < t->keys.n; i++)
		buf_addf(&b, "  %-10s %s\n", t->keys.v[i].name, t->keys.v[i].command);
	buf_addf(&b, "\n%s\n", _("%a is the selected appointment's id, %p its client's."));
	buf_addf(&b, "\n%s\n\n", _("Commands of the screen"));
	for (size_t i = 0; i < sizeof ui_cmds / sizeof ui_cmds[0]; i++) {
		buf_addf(&b, "  %s %s\n      %s\n", ui_cmds[i].name,
			 ui_cmds[i].args != NULL ? _(ui_cmds[i].args) : "", _(ui_cmds[i].summary));
	}
	buf_addf(&b, "\n%s\n\n", _("Commands (as in batch mode)"));
	for (size_t i = 0; i < n; i++) {
		buf_addf(&b, "  %s %s\n      %s\n", tab[i].name, tab[i].args != NULL ? _(tab[i].args) : "",
			 _(tab[i].summary));
	}
	buf_addf(&b, "\n%s\n", _("Bind other keys in the config: bind KEY COMMAND."));
	return buf_steal(&b);
}

void
ui_overlay_open(struct tui *t, const char *title, const char *text)
{
	free(t->overlay_title);
	free(t->overlay_text);
	t->overlay_title = sanitize_display(title, (size_t)-1, 0);
	t->overlay_text = sanitize_display(text, (size_t)-1, SAN_KEEP_NEWLINES);
	t->overlay = true;
	t->overlay_wrap = false;
	t->overlay_view.built = false;
	t->relayout = true;
}

/* ---- the lock ---- */

#define LOCK_MAX 256

void
ui_lock(struct tui *t)
{
	if (t->locked)
		return;
	t->locked = true;
	t->overlay = false;
	if (t->lock_input == NULL && (t->lock_input = sodium_malloc(LOCK_MAX)) == NULL)
		abort();
	t->lock_len = 0;
	tui_close_cmdline(t);
	free(t->confirm);
	t->confirm = NULL;
	tui_clear_error(t);
	t->relayout = true;
}

void
ui_lock_key(struct tui *t, const struct ui_key *k)
{
	if (!k->fn && (k->code == '\r' || k->code == '\n')) {
		bool ok = session_check_password(t->s, t->lock_input, t->lock_len);

		sodium_memzero(t->lock_input, LOCK_MAX);
		t->lock_len = 0;
		if (ok) {
			t->locked = false;
			t->last_key = tui_now_ms();
			clearok(curscr, TRUE);
			t->relayout = true;
			tui_clear_error(t);
		} else {
			tui_set_error(t, _("That is not the password."));
			t->lock_dirty = true;
		}
		return;
	}
	if ((k->fn && k->code == KEY_BACKSPACE) || (!k->fn && (k->code == 127 || k->code == 8))) {
		/* Back one character, not one byte. */
		while (t->lock_len > 0 && ((unsigned char)t->lock_input[t->lock_len - 1] & 0xC0) == 0x80)
			t->lock_len--;
		if (t->lock_len > 0)
			t->lock_len--;
		t->lock_dirty = true;
		return;
	}
	if (!k->fn && k->code >= 0x20 && k->code != 0x7f) {
		char enc[4];
		size_t n = utf8_encode((uint32_t)k->code, enc);

		if (t->lock_len + n < LOCK_MAX) {
			memcpy(t->lock_input + t->lock_len, enc, n);
			t->lock_len += n;
		}
		sodium_memzero(enc, sizeof enc);
		t->lock_dirty = true;
	}
}
