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

#include "core/appt.h"
#include "core/outbox.h"
#include "core/replay.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/utf8.h"
#include "core/vault.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/cmdline.h"
#include "ui/help.h"
#include "ui/localfmt.h"
#include "ui/state.h"
#include "ui/tui_internal.h"

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
		if (t->picker)
			list_key(&t->picker_list, &k, NULL);
		else
			text_view_scroll(&t->overlay_view, &k);
		return;  /* run_line repaints the overlay */
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
	/* The day stays what it was: the week shown is the one holding it. */
	t->week = !t->week;
	tui_reload(t);
}

static void
do_help(struct tui *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ui_overlay_open(t, _("Help"), "");
	t->overlay_help = true;   /* built for the width it is drawn at */
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
	char *msg, *name, *when, hm[96] = "";

	free(t->confirm);
	t->confirm = join(argc, argv);
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

/* text KIND COMMAND...: a free text, then COMMAND with it as its last word.
 * A message goes at once; a reason (a cancel) asks first what it will do. */
static void
do_text(struct tui *t, int argc, char **argv)
{
	const struct appointment *a = tui_appt(t);
	const char *name = a != NULL && a->patient_name != NULL ? a->patient_name : "";
	char *prompt;
	bool asks;

	if (strcmp(argv[0], "message") == 0) {
		/* TRANSLATORS: the prompt for a chat message; %s is the client's name. */
		prompt = xasprintf(_("Message to %s: "), name);
		asks = false;
	} else if (strcmp(argv[0], "reason") == 0) {
		/* TRANSLATORS: the prompt for a cancel's reason; %s is the client's name. */
		prompt = xasprintf(_("Why is the session of %s cancelled? "), name);
		asks = true;
	} else {
		tui_set_error(t, _("Use text message|reason COMMAND..."));
		return;
	}
	/* The words of COMMAND are the binding's (its ids expanded already). */
	tui_open_text(t, prompt, join(argc - 1, argv + 1), asks);
	free(prompt);
}

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
			do_confirm(t, argc, argv);
			cmd_words_free(argv);
			free(t->confirm);
			t->confirm = line;
			return;
		}
	}
	ui_run_expanded(t, line);  /* the text is never searched for %a or %p */
	free(line);
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
	ui_run_expanded(t, line);  /* as it was run: its text is not searched for %a or %p */
	free(line);
}

static void
do_write_note(struct tui *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	tui_write_note(t);
}

/* ---- the passphrase, changed on the screen ---- */

#define LOCK_MAX 256

static void
secret_wipe(char **p)
{
	if (*p != NULL) {
		sodium_memzero(*p, LOCK_MAX);
		sodium_free(*p);
	}
	*p = NULL;
}

static void
do_passwd(struct tui *t, int argc, char **argv)
{
	char *dir = vault_dir(t->ctx->cfg);
	bool exists = store_exists(dir);

	(void)argc;
	(void)argv;
	free(dir);
	if (!exists) {
		tui_set_error(t, _("There is no local cache yet; 'ezrizi login' makes one."));
		return;
	}
	if (t->lock_input == NULL && (t->lock_input = sodium_malloc(LOCK_MAX)) == NULL)
		abort();
	t->lock_len = 0;
	t->secret_step = 1;
	t->status_dirty = true;
}

/* Enter at a step: keep what was typed, go on, and at the end change it. */
static void
passwd_step(struct tui *t)
{
	char *dir, *keep = sodium_malloc(LOCK_MAX);
	struct store_kdf kdf;
	struct error err;
	bool ok;

	if (keep == NULL)
		abort();
	memcpy(keep, t->lock_input, LOCK_MAX);
	keep[t->lock_len] = '\0';
	sodium_memzero(t->lock_input, LOCK_MAX);
	t->lock_len = 0;
	t->status_dirty = true;
	if (t->secret_step == 1) {
		t->sec_old = keep;
		t->secret_step = 2;
		return;
	}
	if (t->secret_step == 2) {
		t->sec_new = keep;
		t->secret_step = 3;
		return;
	}
	t->secret_step = 0;
	error_clear(&err);
	if (strcmp(keep, t->sec_new) != 0 || strlen(t->sec_new) < 8) {
		tui_set_error(t, _("The new passphrases differ or are shorter than 8 characters; nothing was changed."));
	} else {
		dir = vault_dir(t->ctx->cfg);
		vault_kdf(t->ctx->cfg, &kdf);
		/* The store is the screen's: it lets go of it for the change. */
		store_close(t->s->store);
		t->s->store = NULL;
		ok = store_passwd(dir, t->sec_old, strlen(t->sec_old), t->sec_new, strlen(t->sec_new), &kdf, &err);
		t->s->store = store_open(dir, ok ? t->sec_new : t->sec_old,
					 strlen(ok ? t->sec_new : t->sec_old), &kdf, &err);
		if (ok)
			tui_set_message(t, _("The passphrase is changed."));
		else
			tui_set_error(t, err.msg);
		free(dir);
	}
	secret_wipe(&keep);
	secret_wipe(&t->sec_old);
	secret_wipe(&t->sec_new);
}

/* A key while the passphrase is being changed: typed, hidden, or Esc. */
void
ui_secret_key(struct tui *t, const struct ui_key *k)
{
	if (!k->fn && k->code == 27) {
		t->secret_step = 0;
		sodium_memzero(t->lock_input, LOCK_MAX);
		t->lock_len = 0;
		secret_wipe(&t->sec_old);
		secret_wipe(&t->sec_new);
		tui_set_message(t, _("Nothing was changed."));
		return;
	}
	if (!k->fn && (k->code == '\r' || k->code == '\n')) {
		passwd_step(t);
		return;
	}
	ui_lock_key(t, k);  /* typing and Backspace work as on the lock screen */
	t->status_dirty = true;
}

static void
do_edit_note(struct tui *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	tui_edit_note(t);
}

static void
do_page_note(struct tui *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	tui_page_note(t);
}

/* "--name value" or "--name=value" among the words, or NULL. */
static const char *
opt_value(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0 || strncmp(argv[i] + 2, name, n) != 0)
			continue;
		if (argv[i][2 + n] == '=')
			return argv[i] + 3 + n;
		if (argv[i][2 + n] == '\0' && i + 1 < argc)
			return argv[i + 1];
	}
	return NULL;
}

static void
do_filter(struct tui *t, int argc, char **argv)
{
	const char *prac = opt_value(argc, argv, "practitioner");
	const char *status = opt_value(argc, argv, "status");
	struct error err;

	error_clear(&err);
	if (prac != NULL) {
		free(t->filter_prac);
		t->filter_prac = NULL;
		t->whose_auto = false;  /* the user chose */
		t->everyone = strcmp(prac, "all") == 0;
		if (!t->everyone) {
			const char *id = session_practitioner(t->s, prac, &err);

			if (id == NULL) {
				tui_set_error(t, err.msg);
				return;
			}
			t->filter_prac = xstrdup(id);
		}
		t->practitioner = t->filter_prac;
	}
	if (status != NULL) {
		t->status_filter = NULL;
		for (size_t i = 0; appt_statuses[i] != NULL; i++) {
			if (strcmp(status, appt_statuses[i]) == 0)
				t->status_filter = appt_statuses[i];
		}
		if (strcmp(status, "all") != 0 && t->status_filter == NULL) {
			tui_set_error(t, _("Use a status: proposed, pending, booked, arrived (or checked-in), fulfilled, cancelled, noshow, entered-in-error, waitlist, or all."));
			return;
		}
	}
	if (prac == NULL && status == NULL) {
		tui_set_error(t, _("Use filter --practitioner ID|me|all and/or --status STATUS|all."));
		return;
	}
	tui_reload(t);
}

static void
do_next_unread(struct tui *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t k = 1; t->appt_f.state == LOAD_OK && k <= t->appts.n; k++) {
		size_t i = (t->sel + k) % t->appts.n;

		if (tui_unread(t, t->appts.v[i].patient_id) > 0) {
			/* The chat follows at once, and is fetched when what it holds
			 * is older than what came (tui_mark_read). */
			tui_select(t, i);
			tui_settle(t);
			return;
		}
	}
	tui_set_message(t, _("No unread messages from today's clients."));
}

/* The free-slot picker: the next two weeks' free slots (of the appointment's
 * counsellor, or as --practitioner/--language say); Enter books the selected
 * client into one, or moves the selected appointment there. */
static void
do_pick_slot(struct tui *t, int argc, char **argv)
{
	const struct appointment *a = tui_appt(t);
	struct slot_query q = { 0 };
	const char *prac = opt_value(argc, argv, "practitioner");
	struct error err;
	bool ok;

	if (strcmp(argv[0], "book") != 0 && strcmp(argv[0], "reschedule") != 0) {
		tui_set_error(t, _("Use pick-slot book or pick-slot reschedule."));
		return;
	}
	if (a == NULL || (strcmp(argv[0], "book") == 0 && a->patient_id == NULL)) {
		tui_set_error(t, _("Select an appointment with a client first."));
		return;
	}
	error_clear(&err);
	q.from = date_today();
	q.to = date_add_days(q.from, 13);
	q.language = opt_value(argc, argv, "language");
	if (prac == NULL && q.language == NULL)
		q.practitioner = a->practitioner_id;
	else if (prac != NULL && strcmp(prac, "all") != 0 &&
		 (q.practitioner = session_practitioner(t->s, prac, &err)) == NULL) {
		tui_set_error(t, err.msg);
		return;
	}
	slot_list_finish(&t->picker_slots);
	t->busy = true;
	tui_set_message(t, _("Looking for free slots…"));
	tui_render_now(t);
	ok = slot_query(t->s, &q, &t->picker_slots, &err);
	t->busy = false;
	tui_clear_error(t);
	if (!ok) {
		tui_set_error(t, err.msg);
		return;
	}
	/* Slots that have begun are no use. */
	while (t->picker_slots.n > 0 && t->picker_slots.v[0].slot.start <= clock_now()) {
		slot_finish(&t->picker_slots.v[0].slot);
		free(t->picker_slots.v[0].practitioner_id);
		free(t->picker_slots.v[0].practitioner_name);
		memmove(&t->picker_slots.v[0], &t->picker_slots.v[1],
			--t->picker_slots.n * sizeof t->picker_slots.v[0]);
	}
	if (t->picker_slots.n == 0) {
		tui_set_message(t, _("No free slots in the next two weeks; try --language or --practitioner all."));
		return;
	}
	free(t->picker_action);
	t->picker_action = xstrdup(argv[0]);
	list_init(&t->picker_list, true, NULL, NULL);
	list_set_count(&t->picker_list, t->picker_slots.n);
	t->picker = true;
	ui_overlay_open(t, strcmp(argv[0], "book") == 0 ? _("Book a free slot: Enter chooses, q closes")
							: _("Move to a free slot: Enter chooses, q closes"), "");
	t->picker = true;
}

/* Enter in the picker: the command for the chosen slot. */
void
ui_picker_choose(struct tui *t)
{
	const struct slot_info *si;
	char *line;

	if (!t->picker || t->picker_list.sel >= t->picker_slots.n)
		return;
	si = &t->picker_slots.v[t->picker_list.sel];
	if (strcmp(t->picker_action, "book") == 0)
		line = xasprintf("book --patient %%p --slot %s", si->slot.id);
	else
		line = xasprintf("reschedule %%a --slot %s", si->slot.id);
	t->picker = false;
	t->overlay = false;
	t->relayout = true;
	ui_run(t, line);
	free(line);
}

/* The help's words for the first arguments (ui/help.h). */
static const struct ui_word confirm_words[] = {
	/* TRANSLATORS: in the help, after what a key does: it asks before it is done. */
	{ "*", N_("Asks first.") },
	{ NULL, NULL },
};
static const struct ui_word command_words[] = {
	{ "", N_("Open the command line: every command, with Tab completion and history.") },
	/* TRANSLATORS: in the help, after what a key does: "Show another day: ...
	 * Opens the command line to finish it." */
	{ "*", N_("Opens the command line to finish it.") },
	{ NULL, NULL },
};
static const struct ui_word day_words[] = {
	{ "next", N_("Show the next day (the next week in the week view).") },
	{ "prev", N_("Show the previous day (the previous week in the week view).") },
	{ "today", N_("Show today.") },
	{ NULL, NULL },
};
static const struct ui_word focus_words[] = {
	{ "next", N_("Go to the next pane.") },
	{ "prev", N_("Go to the previous pane.") },
	{ "appointments", N_("Go to the list of appointments.") },
	{ "notes", N_("Go to the notes.") },
	{ "chat", N_("Go to the chat.") },
	{ NULL, NULL },
};
static const struct ui_word pick_words[] = {
	{ "book", N_("Book the client into a free slot, chosen from a list.") },
	{ "reschedule", N_("Move the appointment to a free slot, chosen from a list.") },
	{ NULL, NULL },
};
static const struct ui_word select_words[] = {
	{ "down", N_("Move down.") },
	{ "up", N_("Move up.") },
	{ "pagedown", N_("Move a page down.") },
	{ "pageup", N_("Move a page up.") },
	{ "first", N_("Go to the first line.") },
	{ "last", N_("Go to the last line.") },
	{ NULL, NULL },
};
static const struct ui_word text_words[] = {
	/* TRANSLATORS: in the help, after what a key does (send a message). */
	{ "message", N_("Asks for the message first.") },
	/* TRANSLATORS: in the help, after what a key does (cancel). */
	{ "reason", N_("Asks for the reason, then asks before it is done.") },
	{ NULL, NULL },
};

/* Sorted by name. */
static const struct ui_cmd ui_cmds[] = {
	{ "command", N_("[TEXT]"), N_("Open the command line, with TEXT typed in."), 0, 64, false, do_command, command_words, 1 },
	{ "confirm", N_("COMMAND"), N_("Ask before running COMMAND."), 1, 64, false, do_confirm, confirm_words, 1 },
	{ "day", N_("next|prev|today"), N_("Show the next, previous or today's day (or week)."), 1, 1, true, do_day, day_words, 0 },
	{ "edit-note", NULL, N_("Change the client's newest note in $VISUAL or $EDITOR (a signed note is amended)."), 0, 0, false, do_edit_note, NULL, 0 },
	{ "filter", N_("[--practitioner ID|me|all] [--status STATUS|all]"), N_("Show one counsellor's, or everyone's, appointments, or one status."), 1, 4, false, do_filter, NULL, 0 },
	{ "focus", N_("next|prev|appointments|notes|chat"), N_("Move to another pane."), 1, 1, true, do_focus, focus_words, 0 },
	{ "goto", N_("DAY"), N_("Show another day: a date, tomorrow, +3d, monday."), 1, 1, true, do_goto, NULL, 0 },
	{ "help", NULL, N_("Show the keys and the commands."), 0, 0, true, do_help, NULL, 0 },
	{ "lock", NULL, N_("Lock the screen now; the password unlocks it."), 0, 0, true, do_lock, NULL, 0 },
	{ "next-unread", NULL, N_("Go to the next client with unread messages."), 0, 0, true, do_next_unread, NULL, 0 },
	{ "page-note", NULL, N_("Read the client's newest note in $PAGER."), 0, 0, false, do_page_note, NULL, 0 },
	{ "passwd", NULL, N_("Change the local cache's passphrase."), 0, 0, false, do_passwd, NULL, 0 },
	{ "pick-slot", N_("book|reschedule [--practitioner ID|me|all] [--language LANG]"), N_("Choose a free slot to book the client into, or to move the appointment to."), 1, 5, false, do_pick_slot, pick_words, 0 },
	{ "quit", NULL, N_("Leave ezrizi."), 0, 0, true, do_quit, NULL, 0 },
	{ "redraw", NULL, N_("Paint the whole screen again."), 0, 0, true, do_redraw, NULL, 0 },
	{ "reload", NULL, N_("Fetch everything on the screen again."), 0, 0, true, do_reload, NULL, 0 },
	{ "retry", NULL, N_("Run the last command that failed again."), 0, 0, false, do_retry, NULL, 0 },
	{ "select", N_("up|down|pageup|pagedown|first|last"), N_("Move in the focused pane."), 1, 1, true, do_select, select_words, 0 },
	{ "text", N_("message|reason COMMAND..."), N_("Ask for a free text, then run COMMAND with it, exactly as typed, as its last word."), 2, 64, false, do_text, text_words, 2 },
	{ "week", NULL, N_("Switch between the day and the week."), 0, 0, true, do_week, NULL, 0 },
	{ "write-note", NULL, N_("Write a session note for the client in $VISUAL or $EDITOR."), 0, 0, false, do_write_note, NULL, 0 },
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
needs_terminal(int argc, char **argv, bool store_open, struct error *err)
{
	bool has_file = false;

	for (int i = 0; i < argc; i++)
		has_file = has_file || strncmp(argv[i], "--file", 6) == 0;
	if (strcmp(argv[0], "login") == 0 || strcmp(argv[0], "logout") == 0)
		return error_set(err, ERR_USAGE, _("Log in and out with 'ezrizi login' in a shell."));
	if (strcmp(argv[0], "unlock") == 0 ||
	    (!store_open && argc >= 2 && strcmp(argv[0], "cache") == 0 && strcmp(argv[1], "verify") == 0))
		return error_set(err, ERR_USAGE, _("Do that in a shell, with the screen closed: it needs the local cache to itself."));
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

/* The client of the screen with this id, if it is one (new or cached). */
static struct client *
client_of(struct tui *t, const char *patient_id)
{
	struct client *c = tui_client(t);

	return c != NULL && strcmp(c->patient_id, patient_id) == 0 ? c : NULL;
}

/* :cache wipe asks first, saying what goes: the writes not yet sent by name. */
static void
ask_wipe(struct tui *t)
{
	struct outbox_list l;
	struct error err;
	struct buf names;
	size_t n = 0;
	char *msg;
	bool readable;

	error_clear(&err);
	readable = t->s->store != NULL && outbox_list(t->s->store, &l, &err);
	buf_init(&names);
	buf_add(&names, "", 0);
	for (size_t i = 0; readable && i < l.n; i++) {
		if (l.v[i].lost)
			continue;
		buf_addf(&names, _("%s%s (%s)"), n++ > 0 ? ", " : "", l.v[i].seq + strspn(l.v[i].seq, "0"),
			 l.v[i].command);
	}
	if (readable)
		outbox_list_finish(&l);
	if (!readable)
		msg = xstrdup(_("Remove the local cache and the stored login? The writes waiting for the server cannot be read, and any there are lost too. Press y to go ahead, any other key not to."));
	else if (n > 0)
		msg = xasprintf(ngettext("Remove the local cache, the stored login and %zu write not yet sent (%s)? It is lost. Press y to go ahead, any other key not to.",
					 "Remove the local cache, the stored login and %zu writes not yet sent (%s)? They are lost. Press y to go ahead, any other key not to.",
					 n), n, names.data);
	else
		msg = xstrdup(_("Remove the local cache and the stored login? Press y to go ahead, any other key not to."));
	buf_finish(&names);
	free(t->confirm);
	/* y is the explicit answer: what was said is discarded. */
	t->confirm = xstrdup(readable && n == 0 ? "cache wipe yes" : "cache wipe yes --discard-unsent");
	tui_set_message(t, msg);
	free(msg);
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
	struct client *sending;
	bool ok;

	error_clear(&err);
	if (needs_terminal(argc, argv, t->s->store != NULL, &err)) {
		tui_set_error(t, err.msg);
		return;
	}
	if (argc == 2 && strcmp(argv[0], "cache") == 0 && strcmp(argv[1], "wipe") == 0) {
		ask_wipe(t);
		return;
	}
	if ((mem = open_memstream(&out, &len)) == NULL)
		abort();
	ctx->out = mem;
	ctx->fmt = FMT_TABLE;
	sending = strcmp(argv[0], "send") == 0 && argc >= 3 ? client_of(t, argv[1]) : NULL;
	if (sending != NULL) {
		free(sending->outgoing);
		sending->outgoing = join(argc - 2, argv + 2);
		sending->outgoing_failed = false;
		sending->gen = ++t->gen;
		tui_mark(t, PANE_CHAT);
	}
	t->busy = true;
	tui_set_message(t, _("Working…"));
	tui_render_now(t);
	ok = cmd_run_argv(ctx, argc, argv, &err);
	t->busy = false;
	fclose(mem);
	ctx->out = old_out;
	ctx->fmt = old_fmt;
	tui_clear_error(t);
	if (sending != NULL) {
		/* Sent: the next look brings it back from the server. Failed: it
		 * stays, marked, until R sends it again. */
		if (ok) {
			free(sending->outgoing);
			sending->outgoing = NULL;
		}
		sending->outgoing_failed = !ok;
		sending->gen = ++t->gen;
		tui_mark(t, PANE_CHAT);
	}
	if (!ok && err.override != NULL) {
		/* A refusal a person may overrule (the client has another session
		 * then): ask, and y runs it again with the option that says so. */
		/* TRANSLATORS: the question first, so a narrow screen never cuts it off;
		 * %s is why the command was refused. */
		char *msg = xasprintf(_("Press y to do it all the same, any other key not to: %s"), err.msg);

		free(t->confirm);
		t->confirm = xasprintf("%s --%s", line, err.override);
		tui_set_message(t, msg);
		free(msg);
	} else if (!ok) {
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
	char *expanded;

	error_clear(&err);
	tui_settle(t);  /* a command acts on what is selected: show its client */
	if ((expanded = expand(t, line, &err)) == NULL) {
		tui_set_error(t, err.msg);
		return;
	}
	ui_run_expanded(t, expanded);
	free(expanded);
}

void
ui_run_expanded(struct tui *t, const char *line)
{
	struct error err;
	const struct ui_cmd *c;
	char *expanded = xstrdup(line), **argv;
	int argc;

	error_clear(&err);
	if (expanded != NULL && strncmp(expanded, "command", 7) == 0 &&
	    (expanded[7] == ' ' || expanded[7] == '\0') && !t->busy) {
		/* The rest of the line, as it is, is what the command line starts with. */
		tui_open_cmdline(t, expanded[7] == ' ' ? expanded + 8 : "");
		free(expanded);
		return;
	}
	if (expanded == NULL || (argv = cmd_split_command(expanded, &argc, &err)) == NULL) {
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

const struct ui_cmd *
ui_commands(size_t *n)
{
	*n = sizeof ui_cmds / sizeof ui_cmds[0];
	return ui_cmds;
}

void
ui_help_lines(struct tui *t, struct tlines *l, int width)
{
	size_t n;
	const struct ui_cmd *cmds = ui_commands(&n);

	help_build(l, width, &t->keys, cmds, n);
}

void
ui_overlay_open(struct tui *t, const char *title, const char *text)
{
	free(t->overlay_title);
	free(t->overlay_text);
	t->overlay_title = sanitize_display(title, (size_t)-1, 0);
	t->overlay_text = sanitize_display(text, (size_t)-1, SAN_KEEP_NEWLINES);
	t->overlay = true;
	t->picker = false;
	t->overlay_help = false;
	t->overlay_view.built = false;
	t->relayout = true;
}

/* ---- the lock ---- */


void
ui_lock(struct tui *t)
{
	if (t->locked)
		return;
	t->locked = true;
	t->overlay = false;
	/* The store's keys go with the lock: the passphrase brings them back. */
	{
		char *dir = vault_dir(t->ctx->cfg);

		t->lock_can_unlock = t->s->unlock_hash != NULL || store_exists(dir);
		free(dir);
	}
	store_close(t->s->store);
	t->s->store = NULL;
	if (t->lock_input == NULL && (t->lock_input = sodium_malloc(LOCK_MAX)) == NULL)
		abort();
	t->lock_len = 0;
	tui_close_cmdline(t);
	free(t->confirm);
	t->confirm = NULL;
	tui_clear_error(t);
	t->relayout = true;
}

/* The cache passphrase opens the store again (no network needed); with the
 * login password instead, the screen unlocks and the store opens only if the
 * unlock agent has its key. */
static bool
reopen_store(struct tui *t, const char *pass, size_t len)
{
	char *dir = vault_dir(t->ctx->cfg);
	struct store_kdf kdf;
	struct error err;
	struct store *st = NULL;

	error_clear(&err);
	if (store_exists(dir)) {
		vault_kdf(t->ctx->cfg, &kdf);
		st = store_open(dir, pass, len, &kdf, &err);
	}
	free(dir);
	if (st != NULL)
		t->s->store = st;
	return st != NULL;
}

static void
reopen_with_agent(struct tui *t)
{
	struct error err;

	error_clear(&err);
	if (t->s->store == NULL)
		t->s->store = vault_open(t->ctx->cfg, false, &err);
}

void
ui_lock_key(struct tui *t, const struct ui_key *k)
{
	if (!k->fn && (k->code == '\r' || k->code == '\n')) {
		bool ok = reopen_store(t, t->lock_input, t->lock_len) ||
			  session_check_password(t->s, t->lock_input, t->lock_len);

		sodium_memzero(t->lock_input, LOCK_MAX);
		t->lock_len = 0;
		if (ok) {
			reopen_with_agent(t);
			t->locked = false;
			t->last_key = tui_now_ms();
			clearok(curscr, TRUE);
			t->relayout = true;
			tui_clear_error(t);
			tui_recover_notes(t);   /* when the store was locked at the start */
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

/* Sends what waits in the outbox, when anything does; the title says how many
 * wait. Called at every look again. */
void
ui_send_outbox(struct tui *t)
{
	struct outbox_list l;
	struct error err;
	size_t queued = 0, sent, failed;

	error_clear(&err);
	if (t->s->store == NULL || t->busy || !outbox_list(t->s->store, &l, &err))
		return;
	for (size_t i = 0; i < l.n; i++)
		queued += !l.v[i].failed;
	outbox_list_finish(&l);
	if (queued > 0) {
		FILE *old = t->ctx->out;

		t->busy = true;
		replay_outbox(t->ctx, &sent, &failed, &err);
		t->busy = false;
		t->ctx->out = old;
		if (sent > 0 || failed > 0) {
			char *msg = xasprintf(_("Sent from the outbox: %zu; refused: %zu (see :outbox)."), sent, failed);
			char *local = lf_digits(msg);

			tui_set_message(t, local);
			free(local);
			free(msg);
		}
	}
	if (outbox_list(t->s->store, &l, &err)) {
		if (l.n != t->outbox_n)
			t->title_dirty = true;
		t->outbox_n = l.n;
		outbox_list_finish(&l);
	}
}
