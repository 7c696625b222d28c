/* commands.c - the screen's runner: every line of the command language (a
 * key's, the ':' line's, a question's answer) is resolved and parsed by the
 * core's one resolver and option parser against the one registry, the
 * screen's commands included (ui/cmd_screen.c, ui/cmd_lock.c). The screen's
 * own run at once; the core's run with their output captured, for the
 * status line or the overlay as their entry says. The config's bind lines are
 * checked here too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/outbox.h"
#include "core/replay.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/worklist_count.h"
#include "ui/job.h"
#include "ui/commands.h"
#include "ui/help.h"
#include "ui/localfmt.h"
#include "ui/loop.h"
#include "ui/state.h"
#include "ui/view.h"

bool
ui_check_line(const char *line, struct error *err)
{
	struct cmd_call c;
	char **words;
	int argc;
	bool ok;

	if ((words = cmd_split_command(line, &argc, err)) == NULL)
		return false;
	ok = cmd_prepare(&c, argc, words, NULL, err);
	cmd_call_finish(&c);
	cmd_words_free(words);
	return ok;
}

unsigned
ui_line_flags(const char *line)
{
	const struct cmd_entry *e;
	struct error err;
	char **words;
	int argc, used;
	unsigned flags = 0;

	error_clear(&err);
	if ((words = cmd_split(line, &argc, &err)) == NULL)
		return 0;
	if ((e = cmd_resolve(argc, words, &used, &err)) != NULL)
		flags = e->flags;
	cmd_words_free(words);
	return flags;
}

char *
ui_join(int argc, char **argv)
{
	struct buf b;

	buf_init(&b);
	buf_add(&b, "", 0);
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, argv[i]);
	}
	return buf_steal(&b);
}

/* Replaces %a and %p with the selected appointment's and client's ids. */
static char *
expand(struct tui *t, const char *line, struct error *err)
{
	const struct appointment *a = model_appt(&t->m);
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

/* The client of the screen with this id, if it is one (new or cached). */
static struct client *
client_of(struct tui *t, const char *patient_id)
{
	struct client *c = model_client(&t->m);

	return c != NULL && strcmp(c->patient_id, patient_id) == 0 ? c : NULL;
}

/* A command that wipes the local cache (:cache wipe) asks first, saying what
 * goes: the writes not yet sent by name, the audit records not delivered. */
static void
ask_wipe(struct tui *t, const struct cmd_entry *e)
{
	struct outbox_list l;
	struct error err;
	struct buf names;
	size_t n = 0, audits = 0;
	char *msg;
	bool readable;

	error_clear(&err);
	readable = t->s->store != NULL && outbox_list(t->s->store, &l, &err);
	if (readable)
		(void)audit_pending_in(t->s->store, &audits, &err);
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
	if (audits > 0) {
		char *both = xasprintf(ngettext("%zu audit record has not reached the server yet and is lost with the cache. %s",
						"%zu audit records have not reached the server yet and are lost with the cache. %s",
						audits), audits, msg);

		free(msg);
		msg = both;
	}
	/* y is the explicit answer: what was said is discarded. */
	ui_ask(t, xasprintf(readable && n == 0 && audits == 0 ? "%s yes" : "%s yes --discard-unsent", e->name));
	tui_set_message(t, msg);
	free(msg);
}

/* A write that sends a text to a client (CMD_SENDS) shows it in that client's
 * chat at once, marked while it goes; the job keeps the client's id. */
static void
show_sending(struct tui *t, struct ui_job *j)
{
	const struct cmd_call *c = &j->call;
	struct client *cl;

	if (!(c->e->flags & CMD_SENDS) || c->a.argc < 2 || (cl = client_of(t, c->a.argv[0])) == NULL)
		return;
	j->patient_id = xstrdup(cl->patient_id);
	free(cl->outgoing);
	cl->outgoing = ui_join(c->a.argc - 1, c->a.argv + 1);
	cl->outgoing_failed = false;
	model_client_changed(&t->m, cl, MODEL_CHAT);
}

/* What a command that ran gives back: a sentence in the status line, records
 * (as a table) or a text in the overlay (by the result's kind), a refusal
 * someone may overrule as a question, a failure in red (kept for retry). */
static void
show_result(struct tui *t, struct ui_job *j)
{
	const struct cmd_call *c = &j->call;
	const struct error *err = &j->err;
	const char *said = result_sentence(&j->res);

	if (!j->ok && err->override != NULL) {
		/* A refusal a person may overrule (the client has another session
		 * then): ask, and y runs it again with the option that says so. */
		/* TRANSLATORS: the question first, so a narrow screen never cuts it off;
		 * %s is why the command was refused. */
		char *msg = xasprintf(_("Press y to do it all the same, any other key not to: %s"), err->msg);

		ui_ask(t, xasprintf("%s --%s", j->line, err->override));
		tui_set_message(t, msg);
		free(msg);
	} else if (!j->ok) {
		free(t->last_failed);
		t->last_failed = xstrdup(j->line);
		tui_set_error(t, err->msg);
	} else if (said != NULL) {
		char *first = xstrndup(said, strcspn(said, "\n"));

		tui_set_message(t, first);
		free(first);
	} else if (j->res.kind != RESULT_NONE) {
		char *text = result_format(&j->res, FMT_TABLE);

		if (text[0] != '\0') {
			char *title = ui_join(c->argc, c->argv);

			ui_overlay_open(t, title, text);
			free(title);
		}
		free(text);
	}
}

/* A core command has ended: the chat's sending mark, by the client's id (the
 * list may have been reloaded meanwhile), then what it says. */
static void
command_done(struct tui *t, struct ui_job *j)
{
	struct client *cl = j->patient_id != NULL ? model_find_client(&t->m, j->patient_id) : NULL;

	tui_clear_error(t);
	if (cl != NULL && cl->outgoing != NULL) {
		/* Sent: the next look brings it back from the server. Failed: it
		 * stays, marked, until R sends it again. */
		if (j->ok) {
			free(cl->outgoing);
			cl->outgoing = NULL;
		}
		cl->outgoing_failed = !j->ok;
		model_client_changed(&t->m, cl, MODEL_CHAT);
	}
	if (j->ok && j->patient_id != NULL)
		model_chat_sent(&t->m, j->patient_id);
	show_result(t, j);
	/* A write (a note signed, one added) may change what is owed. */
	if (j->ok && j->have_call && j->call.e != NULL && (j->call.e->flags & CMD_QUEUES)) {
		ui_worklist_count_again(t);
		if (j->call.e->flags & CMD_NOTES)
			model_notes_again(&t->m);
	}
	model_poll(&t->m);
}

/* Runs a core command as a job: line is split and prepared again, as the job's
 * own; base (a screen entry's core command: lock --agent) when not NULL. */
static void
start_core(struct tui *t, const char *line, const struct cmd_entry *base)
{
	struct ui_job *j;
	struct error err;
	int argc;

	if (ui_job_busy(t))
		return;
	error_clear(&err);
	j = ui_job_create(ui_job_run_command, command_done);
	j->line = xstrdup(line);
	if ((j->words = cmd_split_command(line, &argc, &err)) == NULL ||
	    !(j->have_call = cmd_prepare(&j->call, argc, j->words, NULL, &err))) {
		tui_set_error(t, err.msg);
		ui_job_destroy(j);
		return;
	}
	if (base != NULL)
		j->call.e = base;
	show_sending(t, j);
	tui_set_message(t, _("Working…"));
	ui_job_start(t, j);
}

void
ui_run_core(struct tui *t, const char *line, const struct cmd_entry *base)
{
	start_core(t, line, base);
}

void
ui_run(struct tui *t, const char *line)
{
	struct error err;
	char *expanded;

	error_clear(&err);
	model_settle(&t->m);  /* a command acts on what is selected: show its client */
	if ((expanded = expand(t, line, &err)) == NULL) {
		tui_set_error(t, err.msg);
		return;
	}
	ui_run_expanded(t, expanded);
	free(expanded);
}

/* A prepared line, as the screen runs it. */
static void
run_call(struct tui *t, const char *line, struct cmd_call *c)
{
	struct error err;
	const char *why;

	error_clear(&err);
	if (c->e->flags & (CMD_SCREEN | CMD_SCREEN_WAY)) {
		if (!c->e->exec(t->ctx, c->e, &c->a, &err))
			tui_set_error(t, err.msg);
	} else if ((why = cmd_needs_terminal(c, t->s->store != NULL)) != NULL) {
		tui_set_error(t, why);
	} else if ((c->e->flags & CMD_WIPES) && c->a.argc == 0) {
		ask_wipe(t, c->e);
	} else {
		start_core(t, line, NULL);
	}
}

void
ui_run_expanded(struct tui *t, const char *line)
{
	struct error err;
	struct cmd_call c;
	char **argv;
	int argc;
	bool ok;

	error_clear(&err);
	if ((argv = cmd_split_command(line, &argc, &err)) == NULL) {
		tui_set_error(t, err.msg);
		return;
	}
	if (argc == 0) {
		cmd_words_free(argv);
		return;
	}
	ok = cmd_prepare(&c, argc, argv, NULL, &err);
	if (c.e != NULL && !(c.e->flags & CMD_BUSY_OK) && ui_job_busy(t))
		;   /* said on the status line */
	else if (!ok)
		tui_set_error(t, err.msg);
	else
		run_call(t, line, &c);
	cmd_call_finish(&c);
	cmd_words_free(argv);
}

/* ---- the modes' keys ---- */

void
ui_ask(struct tui *t, char *line)
{
	free(t->confirm);
	t->confirm = line;
	mode_push(&t->modes, t, &mode_confirm);
}

void
ui_run_key(struct tui *t, const char *line)
{
	ui_run(t, line);
	if (t->view != NULL && tui_overlay_on(t))
		t->view->over_dirty = true;
}

bool
ui_mode_key(struct tui *t, const char *table, const struct ui_key *k)
{
	const char *line = keymap_lookup_in(&t->keys, table, k);

	if (line == NULL)
		return false;
	ui_run_key(t, line);
	return true;
}

bool
ui_moving_key(struct tui *t, const struct ui_key *k)
{
	const char *line = keymap_lookup(&t->keys, k);

	if (line == NULL || !(ui_line_flags(line) & CMD_MOVES))
		return false;
	ui_run_key(t, line);
	return true;
}

/* ---- help ---- */

void
ui_help_lines(struct tui *t, struct tlines *l, int width)
{
	help_build(l, width, &t->keys);
}

void
ui_overlay_open(struct tui *t, const char *title, const char *text)
{
	free(t->overlay_title);
	free(t->overlay_text);
	t->overlay_title = sanitize_display(title, (size_t)-1, 0);
	t->overlay_text = sanitize_display(text, (size_t)-1, SAN_KEEP_NEWLINES);
	mode_push(&t->modes, t, &mode_overlay);   /* the picker, if it was on, closes */
	t->overlay_help = false;
	t->overlay_crisis = false;
	t->overlay_chart = false;
	t->overlay_view.built = false;
	t->relayout = true;
}

void
ui_overlay_open_crisis(struct tui *t, const char *title)
{
	ui_overlay_open(t, title, "");
	t->overlay_crisis = true;
}

void
ui_overlay_open_chart(struct tui *t, const char *title)
{
	ui_overlay_open(t, title, "");
	t->overlay_chart = true;
}

static void
count_outbox(struct tui *t)
{
	struct outbox_list l;
	struct error err;

	error_clear(&err);
	if (t->s->store != NULL && outbox_list(t->s->store, &l, &err)) {
		if (l.n != t->m.outbox_n)
			t->title_dirty = true;
		t->m.outbox_n = l.n;
		outbox_list_finish(&l);
	}
}

/* In the task: the outbox's writes, in order. */
static void
outbox_run(struct tui *t, struct ui_job *j)
{
	j->ok = replay_outbox(t->ctx, &j->sent, &j->refused, &j->err);
}

static void
outbox_done(struct tui *t, struct ui_job *j)
{
	if (j->sent > 0 || j->refused > 0) {
		char *msg = xasprintf(_("Sent from the outbox: %zu; refused: %zu (see :outbox)."), j->sent, j->refused);
		char *local = lf_digits(msg);

		tui_set_message(t, local);
		free(local);
		free(msg);
	}
	count_outbox(t);
}

/* Sends what waits in the outbox, when anything does and nothing else runs;
 * the title says how many wait. Called at every look again. */
void
ui_send_outbox(struct tui *t)
{
	struct outbox_list l;
	struct error err;
	size_t queued = 0;

	error_clear(&err);
	if (t->s->store == NULL || ui_job_running(t) || !outbox_list(t->s->store, &l, &err))
		return;
	for (size_t i = 0; i < l.n; i++)
		queued += !l.v[i].failed;
	outbox_list_finish(&l);
	if (queued > 0)
		ui_job_start(t, ui_job_create(outbox_run, outbox_done));
	else
		count_outbox(t);
}
