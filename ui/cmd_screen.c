/* cmd_screen.c - the screen's own commands, each declared next to its
 * handler: moving about (day, goto, week, focus, select, filter, next-unread,
 * reload, redraw, quit), the command line (command, confirm, text, retry),
 * notes in the editor and the pager, the client's score chart, the free-slot
 * picker, and help done the
 * screen's way. The lock and the passphrase are in cmd_lock.c. All of them
 * join the core's in the one registry when the screen starts
 * (ui_screen_commands); batch mode never sees them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "core/appt.h"
#include "core/audit.h"
#include "core/i18n.h"
#include "core/privacy.h"
#include "core/sanitize.h"
#include "core/scores.h"
#include "core/template.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/cmd_lock.h"
#include "ui/cmd_screen.h"
#include "ui/crisis_view.h"
#include "ui/job.h"
#include "ui/commands.h"
#include "ui/editor.h"
#include "ui/form.h"
#include "ui/localfmt.h"
#include "ui/loop.h"
#include "ui/state.h"
#include "ui/view.h"

/* ---- moving about ---- */

SCREEN_HANDLER(do_quit)
{
	(void)e;
	(void)a;
	(void)err;
	ui_quit(ui_screen(ctx));
	return true;
}

static const struct cmd_entry quit_entry = {
	.name = "quit",
	.summary = N_("Leave ezrizi."),
	.flags = CMD_SCREEN | CMD_BUSY_OK,
	.exec = do_quit,
};

SCREEN_HANDLER(do_redraw)
{
	(void)e;
	(void)a;
	(void)err;
	clearok(curscr, TRUE);
	tui_mark_all(ui_screen(ctx));
	return true;
}

static const struct cmd_entry redraw_entry = {
	.name = "redraw",
	.summary = N_("Paint the whole screen again."),
	.flags = CMD_SCREEN | CMD_BUSY_OK,
	.exec = do_redraw,
};

SCREEN_HANDLER(do_reload)
{
	(void)e;
	(void)a;
	(void)err;
	model_reload(&ui_screen(ctx)->m);
	return true;
}

static const struct cmd_entry reload_entry = {
	.name = "reload",
	.summary = N_("Fetch everything on the screen again."),
	.flags = CMD_SCREEN | CMD_BUSY_OK,
	.exec = do_reload,
};

/* In the order of the panes after the first two (PANE_APPT, ...). */
static const struct cmd_word focus_words[] = {
	{ "next", N_("Go to the next pane.") },
	{ "prev", N_("Go to the previous pane.") },
	{ "appointments", N_("Go to the list of appointments.") },
	{ "notes", N_("Go to the notes.") },
	{ "chat", N_("Go to the chat.") },
	{ NULL, NULL },
};

SCREEN_HANDLER(do_focus)
{
	struct tui *t = ui_screen(ctx);
	int w = a->choice[0];
	int i = w == 0 ? (t->focus + 1) % PANE_COUNT : w == 1 ? (t->focus + PANE_COUNT - 1) % PANE_COUNT : w - 2;

	(void)e;
	(void)err;
	t->panes[t->focus].focused = false;
	t->panes[t->focus].dirty = true;
	t->focus = i;
	t->panes[i].focused = true;
	t->panes[i].dirty = true;
	return true;
}

static const struct cmd_entry focus_entry = {
	.name = "focus",
	.usage = N_("next|prev|appointments|notes|chat"),
	.summary = N_("Move to another pane."),
	.args = { 1, 1, { { KIND_CHOICE, focus_words } } },
	.flags = CMD_SCREEN | CMD_BUSY_OK,
	.exec = do_focus,
};

/* In the order of select_keys. */
static const struct cmd_word select_words[] = {
	{ "down", N_("Move down.") },
	{ "up", N_("Move up.") },
	{ "pagedown", N_("Move a page down.") },
	{ "pageup", N_("Move a page up.") },
	{ "first", N_("Go to the first line.") },
	{ "last", N_("Go to the last line.") },
	{ NULL, NULL },
};

SCREEN_HANDLER(do_select)
{
	static const int select_keys[] = { KEY_DOWN, KEY_UP, KEY_NPAGE, KEY_PPAGE, KEY_HOME, KEY_END };
	struct tui *t = ui_screen(ctx);
	struct ui_key k = { true, select_keys[a->choice[0]] };
	struct pane *p;

	(void)e;
	(void)err;
	if (mode_has(&t->modes, &mode_picker)) {
		list_key(&t->picker_list, &k, NULL);
		return true;  /* ui_run_key repaints the overlay */
	}
	if (mode_has(&t->modes, &mode_overlay)) {
		text_view_scroll(&t->overlay_view, &k);
		return true;
	}
	p = &t->panes[t->focus];
	p->ops->key(p, &k);
	return true;
}

static const struct cmd_entry select_entry = {
	.name = "select",
	.usage = N_("up|down|pageup|pagedown|first|last"),
	.summary = N_("Move in the focused pane."),
	.args = { 1, 1, { { KIND_CHOICE, select_words } } },
	.flags = CMD_SCREEN | CMD_BUSY_OK | CMD_MOVES,
	.exec = do_select,
};

static void
show_day(struct tui *t, struct civil_date d)
{
	t->m.day = d;
	model_reload(&t->m);
}

static const struct cmd_word day_words[] = {
	{ "next", N_("Show the next day (the next week in the week view).") },
	{ "prev", N_("Show the previous day (the previous week in the week view).") },
	{ "today", N_("Show today.") },
	{ NULL, NULL },
};

SCREEN_HANDLER(do_day)
{
	struct tui *t = ui_screen(ctx);
	int step = t->m.week ? 7 : 1;

	(void)e;
	(void)err;
	if (a->choice[0] == 2)
		show_day(t, date_today());
	else
		show_day(t, date_add_days(t->m.day, a->choice[0] == 0 ? step : -step));
	return true;
}

static const struct cmd_entry day_entry = {
	.name = "day",
	.usage = N_("next|prev|today"),
	.summary = N_("Show the next, previous or today's day (or week)."),
	.args = { 1, 1, { { KIND_CHOICE, day_words } } },
	.flags = CMD_SCREEN | CMD_BUSY_OK,
	.exec = do_day,
};

SCREEN_HANDLER(do_goto)
{
	struct civil_date d;

	(void)e;
	if (!date_parse(a->argv[0], date_today(), &d, err))
		return false;
	show_day(ui_screen(ctx), d);
	return true;
}

static const struct cmd_entry goto_entry = {
	.name = "goto",
	.usage = N_("DAY"),
	.summary = N_("Show another day: a date, tomorrow, +3d, monday."),
	.args = { 1, 1, { { KIND_DAY } } },
	.flags = CMD_SCREEN | CMD_BUSY_OK,
	.exec = do_goto,
};

SCREEN_HANDLER(do_week)
{
	struct tui *t = ui_screen(ctx);

	(void)e;
	(void)a;
	(void)err;
	/* The day stays what it was: the week shown is the one holding it. */
	t->m.week = !t->m.week;
	model_reload(&t->m);
	return true;
}

static const struct cmd_entry week_entry = {
	.name = "week",
	.summary = N_("Switch between the day and the week."),
	.flags = CMD_SCREEN | CMD_BUSY_OK,
	.exec = do_week,
};

static const struct cmd_option filter_opts[] = {
	{ .name = "practitioner", .metavar = N_("ID|me|all"), .flags = OPT_VALUE, .kind = KIND_PRACTITIONER,
	  .help = N_("one counsellor's appointments, yours, or everyone's") },
	{ .name = "status", .metavar = N_("STATUS|all"), .flags = OPT_VALUE | OPT_OR_ALL,
	  .choices = appt_statuses, .kind = KIND_CHOICE,
	  .help = N_("only the appointments of this status, or of every status again") },
	{ NULL },
};

SCREEN_HANDLER(do_filter)
{
	struct tui *t = ui_screen(ctx);
	const char *prac = cmd_opt(e, a, "practitioner");
	const char *status = cmd_opt(e, a, "status");

	if (prac == NULL && status == NULL)
		return error_set(err, ERR_USAGE, _("Use filter --practitioner ID|me|all and/or --status STATUS|all."));
	if (prac != NULL) {
		free(t->m.filter_prac);
		t->m.filter_prac = NULL;
		t->m.whose_auto = false;  /* the user chose */
		t->m.everyone = strcmp(prac, "all") == 0;
		if (!t->m.everyone) {
			const char *id = session_practitioner(t->s, prac, err);

			if (id == NULL)
				return false;
			t->m.filter_prac = xstrdup(id);
		}
		t->m.practitioner = t->m.filter_prac;
	}
	if (status != NULL) {
		/* One of appt_statuses (the parser saw to it), or all. */
		t->m.status_filter = NULL;
		for (size_t i = 0; appt_statuses[i] != NULL; i++) {
			if (strcmp(status, appt_statuses[i]) == 0)
				t->m.status_filter = appt_statuses[i];
		}
	}
	model_reload(&t->m);
	return true;
}

static const struct cmd_entry filter_entry = {
	.name = "filter",
	.summary = N_("Show one counsellor's, or everyone's, appointments, or one status."),
	.opts = filter_opts,
	.flags = CMD_SCREEN,
	.exec = do_filter,
};

SCREEN_HANDLER(do_next_unread)
{
	struct tui *t = ui_screen(ctx);
	size_t i;

	(void)e;
	(void)a;
	(void)err;
	/* A client whose message is to be reviewed comes first. */
	if (model_next_unread(&t->m, &i)) {
		/* The chat follows at once, and is fetched when what it holds
		 * is older than what came (tui_mark_read). */
		model_select(&t->m, i);
		model_settle(&t->m);
		return true;
	}
	tui_set_message(t, _("No unread messages from today's clients."));
	return true;
}

static const struct cmd_entry next_unread_entry = {
	.name = "next-unread",
	.summary = N_("Go to the next client with unread messages, one with a message to review first."),
	.flags = CMD_SCREEN | CMD_BUSY_OK,
	.exec = do_next_unread,
};

/* ---- the command line, questions and free text ---- */

static const struct cmd_word command_words[] = {
	{ "", N_("Open the command line: every command, with Tab completion and history.") },
	/* TRANSLATORS: in the help, after what a key does: "Show another day: ...
	 * Opens the command line to finish it." */
	{ "*", N_("Opens the command line to finish it.") },
	{ NULL, NULL },
};

SCREEN_HANDLER(do_command)
{
	/* The rest of the line, as typed (CMD_REST), is what the line starts with. */
	char *prefill = ui_join(a->argc, a->argv);

	(void)e;
	(void)err;
	tui_open_cmdline(ui_screen(ctx), prefill);
	free(prefill);
	return true;
}

static const struct cmd_entry command_entry = {
	.name = "command",
	.usage = N_("[TEXT]"),
	.summary = N_("Open the command line, with TEXT typed in."),
	.args = { 0, 64, { { KIND_LINE, command_words } } },
	.flags = CMD_SCREEN | CMD_WORDS | CMD_REST,
	.exec = do_command,
};

/* Asks before the line of argv runs; y runs t->confirm. */
static void
ask_first(struct tui *t, int argc, char **argv)
{
	const struct appointment *a = model_appt(&t->m);
	int used;
	const struct cmd_entry *e = cmd_resolve(argc, argv, &used, NULL);
	char *msg, *name, *when, hm[96] = "";

	ui_ask(t, ui_join(argc, argv));
	/* The name and the time are isolates in the question: an Arabic name in an
	 * English one does not pull the time before it. */
	msg = sanitize_display(a != NULL && a->patient_name != NULL ? a->patient_name : "", (size_t)-1, 0);
	name = bidi_isolate(msg);
	free(msg);
	if (a != NULL && a->start != 0 && e != NULL && cmd_has_opt(e, "any-day") &&
	    date_cmp(date_of(a->start), date_today()) != 0) {
		/* Another day's session: say so in the question; y means "all the same". */
		char *c = xasprintf("%s --any-day", t->confirm);

		free(t->confirm);
		t->confirm = c;
		lf_day_time(a->start, hm, sizeof hm);
		when = bidi_isolate(hm);
		/* TRANSLATORS: asks before a check-in or no-show of another day's session:
		 * "Thu 3 Dec 10:00 is not today. Check a client in for today's appointment.
		 * Lucy Wilson — press y to do it all the same, any other key not to." */
		msg = xasprintf(_("%s is not today. %s %s — press y to do it all the same, any other key not to."),
				when, _(e->summary), name);
		tui_set_message_ours(t, msg);
		free(msg);
		free(when);
		free(name);
		return;
	}
	if (a != NULL && a->start != 0)
		lf_time(a->start, hm, sizeof hm);
	when = bidi_isolate(hm);
	/* TRANSLATORS: asks before a command runs: "Check a client in for an
	 * appointment. Lucy Wilson 10:00 — press y to go ahead, any other key not to." */
	{
		/* A command no table knows is said as typed: sanitised. */
		char *what = e != NULL ? xstrdup(_(e->summary)) : sanitize_display(t->confirm, (size_t)-1, 0);

		msg = xasprintf(_("%s %s %s — press y to go ahead, any other key not to."), what, name, when);
		tui_set_message_ours(t, msg);
		free(what);
	}
	free(msg);
	free(when);
	free(name);
}

static const struct cmd_word confirm_words[] = {
	/* TRANSLATORS: in the help, after what a key does: it asks before it is done. */
	{ "*", N_("Asks first.") },
	{ NULL, NULL },
};

SCREEN_HANDLER(do_confirm)
{
	(void)e;
	(void)err;
	ask_first(ui_screen(ctx), a->argc, a->argv);
	return true;
}

static const struct cmd_entry confirm_entry = {
	.name = "confirm",
	.usage = N_("COMMAND"),
	.summary = N_("Ask before running COMMAND."),
	.args = { 1, 64, { { KIND_LINE, confirm_words } } },
	.flags = CMD_SCREEN | CMD_WORDS,
	.exec = do_confirm,
};

/* A key while a question waits (mode_confirm): the key's line in the
 * "confirm" table answers it ("answer yes" runs the question's command);
 * whatever the key runs, the question is answered no unless it said yes. */
static void
confirm_key(struct tui *t, const struct ui_key *k)
{
	free(t->answering);
	t->answering = t->confirm;
	t->confirm = NULL;
	mode_pop(&t->modes, t, &mode_confirm);
	tui_clear_error(t);
	ui_mode_key(t, "confirm", k);
	free(t->answering);
	t->answering = NULL;
}

static void
confirm_close(struct tui *t)
{
	free(t->confirm);
	t->confirm = NULL;
}

/* The question is the status line's message: it draws it. */
const struct mode_ops mode_confirm = {
	.name = "confirm",
	.rank = 20,
	.key = confirm_key,
	.close = confirm_close,
};

static const struct cmd_word answer_words[] = {
	{ "yes", N_("Answer the question yes: do what it asks about.") },
	{ "no", N_("Answer the question no: nothing is done.") },
	{ NULL, NULL },
};

SCREEN_HANDLER(do_answer)
{
	struct tui *t = ui_screen(ctx);
	char *line = t->answering;

	(void)e;
	if (line == NULL)
		return error_set(err, ERR_USAGE, _("There is no question to answer; this is for a key of the confirm table (bind -T confirm)."));
	t->answering = NULL;
	if (a->choice[0] == 0) {
		ui_run_expanded(t, line);  /* filled in when it was asked */
		if (t->view != NULL && tui_overlay_on(t))
			t->view->over_dirty = true;
	}
	free(line);
	return true;
}

static const struct cmd_entry answer_entry = {
	.name = "answer",
	.usage = N_("yes|no"),
	.summary = N_("Answer the question in the status line."),
	.args = { 1, 1, { { KIND_CHOICE, answer_words } } },
	.flags = CMD_SCREEN | CMD_BUSY_OK,
	.exec = do_answer,
};

SCREEN_HANDLER(do_close)
{
	struct tui *t = ui_screen(ctx);

	(void)e;
	(void)a;
	if (!mode_pop(&t->modes, t, &mode_picker) && !mode_pop(&t->modes, t, &mode_overlay))
		return error_set(err, ERR_USAGE, _("Nothing is open to close."));
	return true;
}

static const struct cmd_entry close_entry = {
	.name = "close",
	.summary = N_("Close the help, the output or the list of free slots."),
	.flags = CMD_SCREEN | CMD_BUSY_OK,
	.exec = do_close,
};

/* In the order do_text reads them. */
static const struct cmd_word text_words[] = {
	/* TRANSLATORS: in the help, after what a key does (send a message). */
	{ "message", N_("Asks for the message first.") },
	/* TRANSLATORS: in the help, after what a key does (cancel). */
	{ "reason", N_("Asks for the reason, then asks before it is done.") },
	/* TRANSLATORS: in the help, after what a key does (raise a risk flag). */
	{ "concern", N_("Asks what worries you, then asks before the flag is raised.") },
	/* TRANSLATORS: in the help, after what a key does (escalate to the counsellor on call). */
	{ "urgent", N_("Asks what is happening; it goes at once.") },
	{ NULL, NULL },
};

/* text KIND COMMAND...: a free text, then COMMAND with it as its last word.
 * A message goes at once; a reason (a cancel) and a concern (a flag raised)
 * ask first what they will do. */
SCREEN_HANDLER(do_text)
{
	struct tui *t = ui_screen(ctx);
	const struct appointment *ap = model_appt(&t->m);
	const char *name = ap != NULL && ap->patient_name != NULL ? ap->patient_name : "";
	bool reason = a->choice[0] == 1, concern = a->choice[0] == 2, urgent = a->choice[0] == 3;
	char *prompt;

	(void)e;
	(void)err;
	if (urgent)
		/* TRANSLATORS: the prompt for an escalation; %s is the client's name. */
		prompt = xasprintf(_("To the counsellor on call, about %s: "), name);
	else if (concern)
		/* TRANSLATORS: the prompt for a risk flag's words; %s is the client's name. */
		prompt = xasprintf(_("What worries you about %s? "), name);
	else if (reason)
		/* TRANSLATORS: the prompt for a cancel's reason; %s is the client's name. */
		prompt = xasprintf(_("Why is the session of %s cancelled? "), name);
	else
		/* TRANSLATORS: the prompt for a chat message; %s is the client's name. */
		prompt = xasprintf(_("Message to %s: "), name);
	/* The words of COMMAND are the binding's (its ids expanded already). */
	tui_open_text(t, prompt, ui_join(a->argc - 1, a->argv + 1), reason || concern);
	free(prompt);
	return true;
}

static const struct cmd_entry text_entry = {
	.name = "text",
	.usage = N_("message|reason|concern|urgent COMMAND..."),
	.summary = N_("Ask for a free text, then run COMMAND with it, exactly as typed, as its last word."),
	.args = { 2, 64, { { KIND_CHOICE, text_words }, { KIND_LINE } } },
	.flags = CMD_SCREEN | CMD_WORDS,
	.exec = do_text,
};

void
ui_text_done(struct tui *t, const char *text)
{
	char *q, *line;

	if (text[strspn(text, " \t")] == '\0') {
		tui_set_message(t, _("Nothing was typed; nothing was done."));
		return;
	}
	q = cmd_quote(text);
	line = xasprintf("%s %s", t->text_cmd, q);
	free(q);
	if (t->text_asks) {
		/* Say what it will do, and with which words, before it is done. */
		char **argv;
		int argc;
		struct error err;

		error_clear(&err);
		if ((argv = cmd_split(line, &argc, &err)) != NULL) {
			ask_first(t, argc, argv);
			cmd_words_free(argv);
			free(t->confirm);
			t->confirm = line;
			return;
		}
	}
	ui_run_expanded(t, line);  /* the text is never searched for %a or %p */
	free(line);
}

SCREEN_HANDLER(do_retry)
{
	struct tui *t = ui_screen(ctx);
	char *line;

	(void)e;
	(void)a;
	if (t->last_failed == NULL)
		return error_set(err, ERR_USAGE, _("Nothing to retry."));
	line = t->last_failed;
	t->last_failed = NULL;
	ui_run_expanded(t, line);  /* as it was run: its text is not searched for %a or %p */
	free(line);
	return true;
}

static const struct cmd_entry retry_entry = {
	.name = "retry",
	.summary = N_("Run the last command that failed again."),
	.flags = CMD_SCREEN,
	.exec = do_retry,
};

/* ---- help, the screen's way ---- */

SCREEN_HANDLER(do_help)
{
	struct tui *t = ui_screen(ctx);
	char *name, *title;
	struct buf out;

	if (cmd_flag(e, a, "roff")) {
		/* The core's way: the man page's list, shown as it prints. */
		ui_run_core(t, "help --roff", e->base);
		return true;
	}
	if (a->argc == 0) {
		ui_overlay_open(t, _("Help"), "");
		t->overlay_help = true;   /* built for the width it is drawn at */
		return true;
	}
	name = ui_join(a->argc, a->argv);
	if (cmd_find(name) == NULL) {
		error_set(err, ERR_USAGE, _("'%s' is not an ezrizi command; see 'ezrizi help'."), name);
		free(name);
		return false;
	}
	buf_init(&out);
	buf_add(&out, "", 0);
	cmd_help(&out, name);
	title = xasprintf("help %s", name);
	ui_overlay_open(t, title, out.data);
	free(title);
	buf_finish(&out);
	free(name);
	return true;
}

/* The core's help (src/cmd/help.c), shown on the screen: the keys and every
 * command in the overlay, or one command's help there. */
static const struct cmd_entry help_entry = {
	.name = "help",
	.summary = N_("Show the keys and the commands."),
	.flags = CMD_SCREEN_WAY | CMD_BUSY_OK,
	.exec = do_help,
};

/* ---- notes in the editor and the pager ---- */

SCREEN_HANDLER(do_write_note)
{
	(void)e;
	if (ui_screen(ctx)->m.front_desk)
		return error_set(err, ERR_FORBIDDEN, "%s", privacy_refusal(PRIVACY_NOTES));
	tui_write_note(ui_screen(ctx), a->argc > 0 ? a->argv[0] : NULL, template_default(ctx->cfg));
	return true;
}

static const struct cmd_word write_note_words[] = {
	{ "soap", NULL }, { "dap", NULL }, { "birp", NULL }, { "free", NULL },
	/* TRANSLATORS: in the help, after what write-note does with the word last. */
	{ "last", N_("Starts from the headings of the client's last note, not its words.") },
	{ NULL, NULL },
};

static const struct cmd_entry write_note_entry = {
	.name = "write-note",
	.usage = N_("[TEMPLATE]"),
	.summary = N_("Write a session note for the client, of the selected session, in $VISUAL or $EDITOR: from a template (soap, dap, birp, free, a clinic's own, or last); with none, the command line offers your default."),
	.args = { 0, 1, { { KIND_TEXT, write_note_words } } },
	.flags = CMD_SCREEN,
	.exec = do_write_note,
};

SCREEN_HANDLER(do_edit_note)
{
	(void)e;
	(void)a;
	if (ui_screen(ctx)->m.front_desk)
		return error_set(err, ERR_FORBIDDEN, "%s", privacy_refusal(PRIVACY_NOTES));
	tui_edit_note(ui_screen(ctx));
	return true;
}

static const struct cmd_entry edit_note_entry = {
	.name = "edit-note",
	.summary = N_("Change the client's newest note in $VISUAL or $EDITOR (a signed note is never changed: a new signed note replaces it)."),
	.flags = CMD_SCREEN,
	.exec = do_edit_note,
};

SCREEN_HANDLER(do_sign_note)
{
	(void)e;
	(void)a;
	if (ui_screen(ctx)->m.front_desk)
		return error_set(err, ERR_FORBIDDEN, "%s", privacy_refusal(PRIVACY_NOTES));
	tui_sign_note(ui_screen(ctx));
	return true;
}

static const struct cmd_entry sign_note_entry = {
	.name = "sign-note",
	.summary = N_("Sign the client's newest note, a draft, once asked: it is locked then; or co-sign it, once asked, when it is a trainee's waiting for you."),
	.flags = CMD_SCREEN,
	.exec = do_sign_note,
};

SCREEN_HANDLER(do_add_addendum)
{
	(void)e;
	(void)a;
	if (ui_screen(ctx)->m.front_desk)
		return error_set(err, ERR_FORBIDDEN, "%s", privacy_refusal(PRIVACY_NOTES));
	tui_add_addendum(ui_screen(ctx));
	return true;
}

static const struct cmd_entry add_addendum_entry = {
	.name = "add-addendum",
	.summary = N_("Write a signed addendum to the client's newest note in $VISUAL or $EDITOR."),
	.flags = CMD_SCREEN,
	.exec = do_add_addendum,
};

SCREEN_HANDLER(do_edit_plan)
{
	(void)e;
	if (ui_screen(ctx)->m.front_desk)
		return error_set(err, ERR_FORBIDDEN, "%s", privacy_refusal(PRIVACY_PLAN));
	tui_edit_plan(ui_screen(ctx), a->argv[0]);
	return true;
}

static const struct cmd_entry edit_plan_entry = {
	.name = "edit-safety-plan",
	.usage = N_("PATIENT-ID"),
	.summary = N_("Change the client's safety plan in $VISUAL or $EDITOR (six headed steps, as safety-plan write reads them)."),
	.args = { 1, 1, { { KIND_PATIENT } } },
	.flags = CMD_SCREEN,
	.exec = do_edit_plan,
};

SCREEN_HANDLER(do_page_note)
{
	(void)e;
	(void)a;
	if (ui_screen(ctx)->m.front_desk)
		return error_set(err, ERR_FORBIDDEN, "%s", privacy_refusal(PRIVACY_NOTES));
	tui_page_note(ui_screen(ctx));
	return true;
}

static const struct cmd_entry page_note_entry = {
	.name = "page-note",
	.summary = N_("Read the client's newest note in $PAGER."),
	.flags = CMD_SCREEN,
	.exec = do_page_note,
};

/* ---- the client's scores ---- */

SCREEN_HANDLER(do_score_chart)
{
	struct tui *t = ui_screen(ctx);
	struct client *c = model_client(&t->m);
	char *title;

	(void)e;
	(void)a;
	if (c == NULL)
		return error_set(err, ERR_USAGE, _("Select an appointment with a client first."));
	if (t->m.front_desk)
		return error_set(err, ERR_FORBIDDEN, "%s", privacy_refusal(PRIVACY_SCORES));
	if (c->scores_f.state != LOAD_OK) {
		tui_set_message(t, c->scores_f.state == LOAD_FAILED ? c->scores_f.err : _("Loading…"));
		return true;
	}
	if (c->scores.n == 0) {
		tui_set_message(t, _("No scores for this client yet."));
		return true;
	}
	(void)audit_record(t->s, AUDIT_LIST, "Observation", c->patient_id, NULL);
	/* TRANSLATORS: the score chart's title; %s is the client's name. */
	title = xasprintf(_("Scores: %s"), model_shown_appt(&t->m)->patient_name != NULL
					? model_shown_appt(&t->m)->patient_name : c->patient_id);
	ui_overlay_open_chart(t, title);   /* built for its width (ui/chart.c) */
	free(title);
	return true;
}

static const struct cmd_entry score_chart_entry = {
	.name = "score-chart",
	.summary = N_("Show the client's scores as a chart: each instrument's dates, scores, bands and the change since the first."),
	.flags = CMD_SCREEN,
	.exec = do_score_chart,
};

/* ---- the free-slot picker ---- */

/* What the picker does with a slot: in the order of pick_words. */
enum { PICK_BOOK, PICK_RESCHEDULE };

static const struct {
	const char *title;  /* N_() */
	bool needs_client;
} picks[] = {
	[PICK_BOOK] = { N_("Book a free slot: Enter chooses, q closes"), true },
	[PICK_RESCHEDULE] = { N_("Move to a free slot: Enter chooses, q closes"), false },
};

static const struct cmd_word pick_words[] = {
	{ "book", N_("Book the client into a free slot, chosen from a list.") },
	{ "reschedule", N_("Move the appointment to a free slot, chosen from a list.") },
	{ NULL, NULL },
};

static const struct cmd_option pick_opts[] = {
	{ .name = "practitioner", .metavar = N_("ID|me|all"), .flags = OPT_VALUE, .kind = KIND_PRACTITIONER,
	  .help = N_("the free slots of this counsellor, yours, or everyone's (default: the appointment's counsellor)") },
	{ .name = "language", .metavar = N_("LANG"), .flags = OPT_VALUE,
	  .help = N_("the free slots of counsellors who speak this language") },
	{ NULL },
};

/* Slots that have begun are no use. */
static void
drop_begun(struct slot_list *l)
{
	while (l->n > 0 && l->v[0].slot.start <= clock_now()) {
		slot_finish(&l->v[0].slot);
		free(l->v[0].practitioner_id);
		free(l->v[0].practitioner_name);
		memmove(&l->v[0], &l->v[1], --l->n * sizeof l->v[0]);
	}
}

/* A free slot's row: "Thu 2026-11-27 09:00–09:50  Counsellor". */
static void
picker_draw_item(WINDOW *w, int y, int x, int width, size_t i, bool selected, void *ud)
{
	struct tui *t = ud;
	const struct slot_info *si = &t->picker_slots.v[i];
	char date[96], end[32], *row;

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
	row = xasprintf("%s–%s  %s", date, end, si->practitioner_name != NULL ? si->practitioner_name : "");
	ui_put_data(w, y, x, width, row, selected ? A_REVERSE | A_BOLD : A_NORMAL, true);
	free(row);
}

/* In the task: the free slots the job asks for. */
static void
slots_run(struct tui *t, struct ui_job *j)
{
	struct slot_query q = {
		.from = date_today(),
		.practitioner = j->practitioner_id,
		.language = j->language,
	};

	q.to = date_add_days(q.from, 13);
	j->ok = slot_query(t->s, &q, &j->slots, &j->err);
}

/* The slots are in: the picker opens on them, for the appointment and the
 * client it was asked for (by their ids: the list may have changed since). */
static void
slots_done(struct tui *t, struct ui_job *j)
{
	tui_clear_error(t);
	if (!j->ok) {
		tui_set_error(t, j->err.msg);
		return;
	}
	drop_begun(&j->slots);
	if (j->slots.n == 0) {
		tui_set_message(t, _("No free slots in the next two weeks; try --language or --practitioner all."));
		return;
	}
	slot_list_finish(&t->picker_slots);
	t->picker_slots = j->slots;
	memset(&j->slots, 0, sizeof j->slots);
	free(t->picker_appt_id);
	free(t->picker_patient_id);
	t->picker_appt_id = j->appt_id;
	t->picker_patient_id = j->patient_id;
	j->appt_id = j->patient_id = NULL;
	t->picker_pick = j->pick;
	list_init(&t->picker_list, true, picker_draw_item, t);
	list_set_count(&t->picker_list, t->picker_slots.n);
	ui_overlay_open(t, _(picks[j->pick].title), "");
	mode_push(&t->modes, t, &mode_picker);   /* in the overlay's place */
}

/* The free-slot picker: the next two weeks' free slots (of the appointment's
 * counsellor, or as --practitioner/--language say); Enter books the selected
 * client into one, or moves the selected appointment there. The slots are
 * looked for as a job: the keys stay live meanwhile. */
SCREEN_HANDLER(do_pick_slot)
{
	struct tui *t = ui_screen(ctx);
	const struct appointment *ap = model_appt(&t->m);
	const char *prac = cmd_opt(e, a, "practitioner"), *lang = cmd_opt(e, a, "language");
	const char *whose = NULL;
	struct ui_job *j;
	int pick = a->choice[0];

	if (ap == NULL || (picks[pick].needs_client && ap->patient_id == NULL))
		return error_set(err, ERR_USAGE, _("Select an appointment with a client first."));
	if (prac == NULL && lang == NULL)
		whose = ap->practitioner_id;
	else if (prac != NULL && strcmp(prac, "all") != 0 &&
		 (whose = session_practitioner(t->s, prac, err)) == NULL)
		return false;
	j = ui_job_create(slots_run, slots_done);
	j->pick = pick;
	j->appt_id = xstrdup(ap->id);
	j->patient_id = ap->patient_id != NULL ? xstrdup(ap->patient_id) : NULL;
	j->practitioner_id = whose != NULL ? xstrdup(whose) : NULL;
	j->language = lang != NULL ? xstrdup(lang) : NULL;
	tui_set_message(t, _("Looking for free slots…"));
	ui_job_start(t, j);
	return true;
}

static const struct cmd_entry pick_slot_entry = {
	.name = "pick-slot",
	.usage = N_("book|reschedule"),
	.summary = N_("Choose a free slot to book the client into, or to move the appointment to."),
	.args = { 1, 1, { { KIND_CHOICE, pick_words } } },
	.opts = pick_opts,
	.flags = CMD_SCREEN,
	.exec = do_pick_slot,
};

/* Enter in the picker: the command for the chosen slot. */
void
ui_picker_choose(struct tui *t)
{
	const struct slot_info *si;
	char *line, *slot;

	if (!mode_has(&t->modes, &mode_picker) || t->picker_list.sel >= t->picker_slots.n ||
	    t->picker_appt_id == NULL)
		return;
	si = &t->picker_slots.v[t->picker_list.sel];
	/* For the appointment and client the picker was opened for, whatever is
	 * selected now. */
	slot = cmd_quote(si->slot.id);
	if (t->picker_pick == PICK_BOOK && t->picker_patient_id != NULL) {
		char *who = cmd_quote(t->picker_patient_id);

		line = xasprintf("book --patient %s --slot %s", who, slot);
		free(who);
	} else {
		char *what = cmd_quote(t->picker_appt_id);

		line = xasprintf("reschedule %s --slot %s", what, slot);
		free(what);
	}
	free(slot);
	mode_pop(&t->modes, t, &mode_picker);
	ui_run_expanded(t, line);
	free(line);
}

SCREEN_HANDLER(do_choose)
{
	struct tui *t = ui_screen(ctx);

	(void)e;
	(void)a;
	if (!mode_has(&t->modes, &mode_picker))
		return error_set(err, ERR_USAGE, _("There is no list of free slots to choose from; 'pick-slot book' opens one."));
	ui_picker_choose(t);
	return true;
}

static const struct cmd_entry choose_entry = {
	.name = "choose",
	.summary = N_("Choose the free slot selected in the list of free slots."),
	.flags = CMD_SCREEN | CMD_BUSY_OK,
	.exec = do_choose,
};

/* A key in the picker: its table's, else a root key that moves. */
static void
picker_key(struct tui *t, const struct ui_key *k)
{
	tui_clear_error(t);
	if (!ui_mode_key(t, "picker", k))
		ui_moving_key(t, k);
}

/* The picker's frame, title and rows (through the list widget). */
static bool
picker_draw(struct tui *t)
{
	struct view *v = t->view;
	struct list *l = &t->picker_list;

	if (!v->over_dirty)
		return false;
	werase(v->over);
	ui_border(v->over);
	ui_put(v->over, 0, 2, COLS - 4, t->overlay_title, A_BOLD, false);
	list_set_rows(l, getmaxy(v->over) - 2);
	list_select(l, l->sel);
	list_draw(l, v->over, 1, 2, COLS - 4);
	wnoutrefresh(v->over);
	v->over_dirty = false;
	return true;
}

static void
picker_close(struct tui *t)
{
	t->relayout = true;
}

const struct mode_ops mode_picker = {
	.name = "picker",
	.rank = 10,
	.flags = MODE_COVERS_PANES,
	.key = picker_key,
	.draw = picker_draw,
	.close = picker_close,
};

/* ---- the table ---- */

static const struct cmd_entry *const screen_cmds[] = {
	&answer_entry, &choose_entry, &close_entry,
	&command_entry, &confirm_entry, &ui_entry_crisis_view, &day_entry, &edit_note_entry,
	&ui_entry_read_escalation, &ui_entry_give, &ui_entry_form,
	&edit_plan_entry, &filter_entry,
	&focus_entry, &goto_entry, &help_entry, &ui_entry_lock, &next_unread_entry,
	&page_note_entry, &ui_entry_passwd, &pick_slot_entry, &quit_entry, &redraw_entry,
	&reload_entry, &retry_entry, &score_chart_entry, &select_entry, &text_entry, &week_entry,
	&write_note_entry, &sign_note_entry, &add_addendum_entry,
};

const struct cmd_entry *const *
ui_screen_commands(size_t *n)
{
	*n = sizeof screen_cmds / sizeof screen_cmds[0];
	return screen_cmds;
}

void
ui_register_commands(void)
{
	size_t n;
	const struct cmd_entry *const *v = ui_screen_commands(&n);

	cmd_register(v, n);
}
