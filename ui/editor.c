/* editor.c - a session note or a client's safety plan written in $VISUAL or
 * $EDITOR, and the newest note read in $PAGER.
 *
 * The editor works on a file in the private folder (privdir.h), named without
 * anything about the client; while it runs, a sealed record in the store
 * (type "editing", id the file's name) says which client it is for. The text
 * read back is sealed as the client's draft at once, then the file is wiped
 * and removed; the draft goes when the note is saved (or waits in the
 * outbox). Killed with the editor open, the file is left: the next screen
 * finds it through those records, seals it into the client's draft, wipes it,
 * and says so; N on that client opens it. A draft (one per client, type
 * "draft", id and person the client) is also what stays when the editor
 * fails or the note cannot be saved. The pager reads from a pipe. */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "core/cache.h"
#include "core/audit.h"
#include "core/i18n.h"
#include "core/model.h"
#include "core/notes.h"
#include "core/outbox.h"
#include "core/privdir.h"
#include "core/safetyplan.h"
#include "core/sanitize.h"
#include "core/template.h"
#include "core/xmalloc.h"
#include "ui/commands.h"
#include "ui/job.h"
#include "ui/editor.h"
#include "ui/worklist_count.h"
#include "ui/loop.h"
#include "ui/state.h"
#include "ui/term.h"

#define DRAFT_TYPE "draft"
#define LEGACY_DRAFT_ID "note"   /* one draft for every client, before drafts were per client */
#define EDITING_TYPE "editing"
#define NOTE_MAX (1024 * 1024)

/* What is written in the editor: a session note, or a safety plan. Each has
 * drafts and editing records of its own types, so neither is ever taken for
 * the other, and its draft in memory (without a store) in fields of its own. */
struct edit_kind {
	const char *draft_type, *editing_type;
	const char *prefix;          /* the file's name: PREFIX-RANDOM.txt */
	size_t max;
	size_t mem_text, mem_patient, mem_version;  /* offsetof(struct tui, ...); version 0: none */
};

static const struct edit_kind note_kind = {
	DRAFT_TYPE, EDITING_TYPE, "note", NOTE_MAX,
	offsetof(struct tui, draft), offsetof(struct tui, draft_patient), 0,
};
static const struct edit_kind plan_kind = {
	"plan-draft", "editing-plan", "plan", SAFETY_PLAN_MAX,
	offsetof(struct tui, plan_draft), offsetof(struct tui, plan_draft_patient),
	offsetof(struct tui, plan_draft_version),
};

static char **
mem(struct tui *t, size_t off)
{
	return (char **)(void *)((char *)t + off);
}

static void
wipe_free(char *s)
{
	if (s != NULL)
		sodium_memzero(s, strlen(s));
	free(s);
}

static bool
blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* ---- drafts: one per client, sealed in the store (in memory without one) ---- */

struct found {
	char *id;
	char *text;
	char *version;
};

static bool
take_draft(const char *id, const char *version, const void *data, size_t len, void *arg)
{
	struct found *f = arg;

	free(f->id);
	wipe_free(f->text);
	free(f->version);
	f->id = xstrdup(id);
	f->text = xstrndup(data, len);
	f->version = version != NULL && version[0] != '\0' ? xstrdup(version) : NULL;
	return strcmp(id, LEGACY_DRAFT_ID) == 0;   /* a client's own draft wins */
}

/* The client's draft (a new string: wipe_free it), or NULL; *version (may be
 * NULL) the version it was made from (free()), or NULL. */
static char *
load_draft(struct tui *t, const struct edit_kind *k, const char *patient_id, char **version)
{
	struct found f = { NULL, NULL, NULL };
	struct error err;
	char *mp = *mem(t, k->mem_patient);

	if (t->s->store == NULL) {
		bool mine = mp != NULL && strcmp(mp, patient_id) == 0;

		if (version != NULL)
			*version = mine && k->mem_version != 0 ? xstrdup(*mem(t, k->mem_version)) : NULL;
		return mine ? xstrdup(*mem(t, k->mem_text)) : NULL;
	}
	error_clear(&err);
	store_find(t->s->store, STORE_BY_PERSON, k->draft_type, patient_id, take_draft, &f, NULL, &err);
	free(f.id);
	if (version != NULL)
		*version = f.version;
	else
		free(f.version);
	return f.text;
}

static void
forget_mem(struct tui *t, const struct edit_kind *k)
{
	wipe_free(*mem(t, k->mem_text));
	free(*mem(t, k->mem_patient));
	*mem(t, k->mem_text) = *mem(t, k->mem_patient) = NULL;
	if (k->mem_version != 0) {
		free(*mem(t, k->mem_version));
		*mem(t, k->mem_version) = NULL;
	}
}

static void
forget_draft(struct tui *t, const struct edit_kind *k, const char *patient_id)
{
	struct found f = { NULL, NULL, NULL };
	struct error err;
	char *mp = *mem(t, k->mem_patient);

	if (mp != NULL && strcmp(mp, patient_id) == 0)
		forget_mem(t, k);
	if (t->s->store == NULL)
		return;
	error_clear(&err);
	store_delete(t->s->store, k->draft_type, patient_id, &err);
	store_find(t->s->store, STORE_BY_PERSON, k->draft_type, patient_id, take_draft, &f, NULL, &err);
	if (f.id != NULL && strcmp(f.id, LEGACY_DRAFT_ID) == 0)
		store_delete(t->s->store, k->draft_type, LEGACY_DRAFT_ID, &err);
	free(f.id);
	free(f.version);
	wipe_free(f.text);
}

/* Keeps text as the client's draft (made from version, or NULL): sealed in
 * the store, or (without one, or when it fails) in memory. False when it is
 * only in memory. */
static bool
keep_draft(struct tui *t, const struct edit_kind *k, const char *patient_id, const char *text,
	   const char *version)
{
	struct store_rec r = { k->draft_type, patient_id, version != NULL ? version : "", NULL, patient_id,
			       NULL, text, strlen(text) };
	struct error err;

	error_clear(&err);
	if (t->s->store != NULL && store_put(t->s->store, &r, &err))
		return true;
	forget_mem(t, k);
	*mem(t, k->mem_text) = xstrdup(text);
	*mem(t, k->mem_patient) = xstrdup(patient_id);
	if (k->mem_version != 0)
		*mem(t, k->mem_version) = version != NULL ? xstrdup(version) : NULL;
	return false;
}

/* ---- which file is for which client, while the editor runs ---- */

static bool
editing_open(struct tui *t, const struct edit_kind *k, const char *name, const char *patient_id,
	     struct error *err)
{
	struct store_rec r = { k->editing_type, name, "", NULL, NULL, NULL, patient_id, strlen(patient_id) };

	return t->s->store == NULL || store_put(t->s->store, &r, err);
}

static void
editing_closed(struct tui *t, const struct edit_kind *k, const char *name)
{
	struct error err;

	error_clear(&err);
	if (t->s->store != NULL)
		store_delete(t->s->store, k->editing_type, name, &err);
}

/* Back on the screen after the editor or the pager: everything is laid out
 * and painted again, and the time away does not count towards the lock. */
static void
back_from_terminal(struct tui *t)
{
	term_resume();
	t->relayout = true;
	t->last_key = clock_mono_ms();
}

/* Runs the editor on path; true when it exited 0. */
static bool
run_editor(const char *path)
{
	const char *ed = getenv("VISUAL");
	pid_t pid;
	int status;

	if (ed == NULL || ed[0] == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || ed[0] == '\0')
		ed = "vi";
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		/* The editor's name may carry arguments ("code --wait"); the file is $1. */
		execl("/bin/sh", "sh", "-c", "exec $EZRIZI_EDITOR \"$1\"", "sh", path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* ---- notes left by an editor that was killed ---- */

struct leftover {
	char *name;
	char *patient;
};

struct leftovers {
	struct leftover *v;
	size_t n;
};

static bool
take_leftover(const char *id, const char *version, const void *data, size_t len, void *arg)
{
	struct leftovers *l = arg;

	(void)version;
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n].name = xstrdup(id);
	l->v[l->n].patient = xstrndup(data, len);
	l->n++;
	return true;
}

/* The client's name as the cache has it, or their id (a new string). */
static char *
client_name(struct tui *t, const char *patient_id)
{
	cJSON *p = cache_get(t->s->store, "Patient", patient_id);
	char *name = p != NULL ? human_name(cJSON_GetObjectItemCaseSensitive(p, "name")) : NULL;

	cJSON_Delete(p);
	return name != NULL && name[0] != '\0' ? name : (free(name), xstrdup(patient_id));
}

/* One leftover: sealed into the client's draft, then wiped. True when kept. */
static bool
recover_one(struct tui *t, const struct edit_kind *k, int dfd, const struct leftover *lo,
	    struct error *err)
{
	size_t len;
	char *text = privdir_read(dfd, lo->name, k->max, &len, err);
	bool kept;

	if (text == NULL) {
		if (err->kind == ERR_NOT_FOUND) {
			error_clear(err);
			editing_closed(t, k, lo->name);   /* the editor's file is gone: nothing left */
		}
		return false;
	}
	/* The version it was made from is not known now: a plan's draft then
	 * asks the writer to read the plan again before it replaces it. */
	kept = !blank(text) && keep_draft(t, k, lo->patient, text, NULL);
	if (kept || blank(text)) {
		privdir_wipe(dfd, lo->name);
		editing_closed(t, k, lo->name);
	}
	sodium_memzero(text, len);
	free(text);
	return kept;
}

/* The leftovers of one kind: how many were kept, *who the last one's client
 * (free()). */
static size_t
recover_kind(struct tui *t, const struct edit_kind *k, char **who)
{
	struct leftovers l = { NULL, 0 };
	struct error err;
	char *dir = NULL;
	size_t kept = 0;
	int dfd;

	error_clear(&err);
	if (t->s->store == NULL ||
	    !store_find(t->s->store, STORE_BY_KIND, k->editing_type, NULL, take_leftover, &l, NULL, &err) ||
	    l.n == 0)
		goto out;
	if ((dfd = privdir_open(false, &dir, &err)) < 0) {
		if (err.kind == ERR_NOT_FOUND)
			for (size_t i = 0; i < l.n; i++)
				editing_closed(t, k, l.v[i].name);
		else
			tui_set_error(t, err.msg);
		goto out;
	}
	for (size_t i = 0; i < l.n; i++) {
		if (recover_one(t, k, dfd, &l.v[i], &err)) {
			kept++;
			free(*who);
			*who = client_name(t, l.v[i].patient);
		} else if (err.kind != ERR_NONE) {
			tui_set_error(t, err.msg);
		}
	}
	close(dfd);
out:
	for (size_t i = 0; i < l.n; i++) {
		free(l.v[i].name);
		free(l.v[i].patient);
	}
	free(l.v);
	free(dir);
	return kept;
}

void
tui_recover_notes(struct tui *t)
{
	char *who = NULL, *msg = NULL;
	size_t kept = recover_kind(t, &note_kind, &who);

	if (kept > 0) {
		/* TRANSLATORS: %s is the client's name (of the last note, when more). */
		msg = xasprintf(ngettext("%zu note left open in the editor when ezrizi stopped is kept as a draft for %s: press N on that client to go on with it.",
					 "%zu notes left open in the editor when ezrizi stopped are kept as drafts, the last for %s: press N on their clients to go on with them.",
					 kept), kept, who);
		tui_set_message(t, msg);
		free(msg);
	}
	free(who);
	who = NULL;
	if ((kept = recover_kind(t, &plan_kind, &who)) > 0) {
		/* TRANSLATORS: %s is the client's name (of the last plan, when more). */
		msg = xasprintf(ngettext("%zu safety plan left open in the editor when ezrizi stopped is kept as a draft for %s: press P on that client to go on with it.",
					 "%zu safety plans left open in the editor when ezrizi stopped are kept as drafts, the last for %s: press P on their clients to go on with them.",
					 kept), kept, who);
		tui_set_message(t, msg);
		free(msg);
	}
	free(who);
}

/* The editor on a file of the private folder holding initial; its text
 * read back (NULL with err set when it could not be), sealed at once as the
 * client's draft (made from version, or NULL). */
static char *
edit_in_file(struct tui *t, const struct edit_kind *k, const char *patient_id, const char *initial,
	     const char *version, bool *edited, size_t *len, struct error *err)
{
	const char *ed = getenv("VISUAL");
	char *dir, *path, name[40], *text;
	int dfd;

	if ((dfd = privdir_open(true, &dir, err)) < 0)
		return NULL;
	snprintf(name, sizeof name, "%s-%08x%08x.txt", k->prefix, randombytes_random(), randombytes_random());
	if (!editing_open(t, k, name, patient_id, err) ||
	    !privdir_write(dfd, name, initial, strlen(initial), err)) {
		editing_closed(t, k, name);
		close(dfd);
		free(dir);
		return NULL;
	}
	path = xasprintf("%s/%s", dir, name);
	if (ed == NULL || ed[0] == '\0')
		ed = getenv("EDITOR");
	setenv("EZRIZI_EDITOR", ed != NULL && ed[0] != '\0' ? ed : "vi", 1);
	term_suspend();
	*edited = run_editor(path);
	back_from_terminal(t);
	text = privdir_read(dfd, name, k->max, len, err);
	if (text != NULL) {
		/* Sealed before anything else: from here on the draft has it. */
		if (!blank(text))
			keep_draft(t, k, patient_id, text, version);
		privdir_wipe(dfd, name);
		editing_closed(t, k, name);
	} else {
		/* Never wiped unread: the text is the user's. */
		char *msg = xasprintf(_("%s It is left in %s."), err->msg, path);

		error_clear(err);
		error_set(err, ERR_FAILED, "%s", msg);
		free(msg);
	}
	free(path);
	close(dfd);
	free(dir);
	return text;
}

/* The note's write has ended (sent, or queued in the outbox: either way the
 * text is safe, and the draft goes); a refusal keeps the draft. */
static void
note_done(struct tui *t, struct ui_job *j)
{
	struct client *c = model_find_client(&t->m, j->patient_id);
	const char *said;

	tui_clear_error(t);
	if (!j->ok) {
		/* TRANSLATORS: %s says why the note was not saved. */
		char *msg = xasprintf(_("%s The note is kept as a draft: press N to try again."), j->err.msg);

		tui_set_error(t, msg);
		free(msg);
		return;
	}
	forget_draft(t, &note_kind, j->patient_id);
	ui_worklist_count_again(t);
	if ((said = result_sentence(&j->res)) != NULL) {
		/* The command's first line: "Draft saved.", "Note changed.", "Queued: ..." */
		char *first = xstrndup(said, strcspn(said, "\n"));

		tui_set_message(t, first);
		free(first);
	}
	if (j->ask_sign && j->res.kind == RESULT_RECORDS && j->res.nrows == 1 &&
	    j->res.ncols > 0 && strcmp(j->res.cols[0].key, "id") == 0 && j->res.cells[0] != NULL)
		tui_ask_sign(t, j->res.cells[0], true);  /* saved as a draft: sign it now? */
	if (c != NULL) {
		note_list_finish(&c->notes);
		c->notes_f.state = LOAD_PENDING;
		model_client_changed(&t->m, c, MODEL_NOTES);
	}
	model_poll(&t->m);
}

/* True when the client has no draft of a note waiting. */
static bool
draft_none(struct tui *t, const struct client *c)
{
	char *d = c != NULL ? load_draft(t, &note_kind, c->patient_id, NULL) : NULL;

	wipe_free(d);
	return d == NULL;
}

/* Writes a new note, or (edit_id) changes one, through the editor; the text
 * goes to the server by the note add or note edit command, as a job (so it
 * is queued in the outbox as any write is when the server cannot be
 * reached). */
/* " --appointment ID" when the selected session is the client's, and
 * " --template NAME" (new string). */
static char *
note_add_opts(struct tui *t, const struct client *c, const char *template_name)
{
	const struct appointment *ap = model_appt(&t->m);
	struct buf b;

	buf_init(&b);
	buf_add(&b, "", 0);
	if (ap != NULL && ap->id != NULL && ap->patient_id != NULL && strcmp(ap->patient_id, c->patient_id) == 0) {
		char *q = cmd_quote(ap->id);

		buf_addf(&b, " --appointment %s", q);
		free(q);
	}
	if (template_name != NULL) {
		char *q = cmd_quote(template_name);

		buf_addf(&b, " --template %s", q);
		free(q);
	}
	return buf_steal(&b);
}

enum compose_what { COMPOSE_NEW, COMPOSE_EDIT, COMPOSE_ADDENDUM };

static void
compose(struct tui *t, const char *initial, const char *edit_id, enum compose_what what,
	const char *template_name)
{
	struct client *c = model_client(&t->m);
	char *draft, *text, *line, *id, *opts;
	bool from_template = draft_none(t, c) && what == COMPOSE_NEW && initial[0] != '\0';
	struct ui_job *j;
	struct error err;
	size_t len = 0;
	int argc;
	bool edited = false;

	if (c == NULL) {
		tui_set_error(t, _("Select an appointment with a client first."));
		return;
	}
	if (ui_job_busy(t))
		return;
	if ((draft = load_draft(t, &note_kind, c->patient_id, NULL)) != NULL)
		initial = draft;
	error_clear(&err);
	text = edit_in_file(t, &note_kind, c->patient_id, initial, NULL, &edited, &len, &err);
	wipe_free(draft);
	if (text == NULL) {
		tui_set_error(t, err.msg);
		return;
	}
	if (!edited) {
		sodium_memzero(text, len);
		free(text);
		tui_set_error(t, _("The editor failed; the draft is kept: press N to go back to it."));
		return;
	}
	/* A template's headings and nothing under them: not written yet. */
	if (blank(text) || (from_template && template_unchanged(text, initial))) {
		sodium_memzero(text, len);
		free(text);
		forget_draft(t, &note_kind, c->patient_id);
		tui_set_message(t, _("Nothing was written; no note was saved."));
		return;
	}
	if (what == COMPOSE_EDIT && initial != NULL && strcmp(text, initial) == 0) {
		/* Closed unchanged: no amendment, no new version. */
		sodium_memzero(text, len);
		free(text);
		forget_draft(t, &note_kind, c->patient_id);
		tui_set_message(t, _("No change; nothing saved."));
		return;
	}
	j = ui_job_create(ui_job_run_command, note_done);
	j->patient_id = xstrdup(c->patient_id);
	j->ask_sign = what == COMPOSE_NEW;
	j->text = text;
	j->text_len = len;
	id = cmd_quote(what != COMPOSE_NEW ? edit_id : c->patient_id);
	opts = what == COMPOSE_NEW ? note_add_opts(t, c, template_name) : xstrdup("");
	/* A new note is saved as a draft; signing it is asked next (tui_ask_sign). */
	line = xasprintf(what == COMPOSE_EDIT ? "note edit %s%s" : what == COMPOSE_ADDENDUM ? "note addendum %s%s"
			 : "note add %s --draft%s", id, opts);
	free(opts);
	free(id);
	j->line = line;
	if ((j->words = cmd_split_command(line, &argc, &err)) == NULL ||
	    !(j->have_call = cmd_prepare(&j->call, argc, j->words, NULL, &err))) {
		/* Cannot be: the line is ours. The draft keeps the text. */
		tui_set_error(t, err.msg);
		ui_job_destroy(j);
		return;
	}
	tui_set_message(t, _("Saving the note…"));
	ui_job_start(t, j);
}

/* ---- the safety plan in the editor ---- */

/* The plan's write has ended: sent or queued, the draft goes; refused (not
 * the format, changed meanwhile), it stays. */
static void
plan_saved(struct tui *t, struct ui_job *j)
{
	const char *said;

	tui_clear_error(t);
	if (!j->ok) {
		/* TRANSLATORS: %s says why the safety plan was not saved. */
		char *msg = xasprintf(_("%s The safety plan is kept as a draft: press P to go back to it."), j->err.msg);

		tui_set_error(t, msg);
		free(msg);
		return;
	}
	forget_draft(t, &plan_kind, j->patient_id);
	if ((said = result_sentence(&j->res)) != NULL) {
		char *first = xstrndup(said, strcspn(said, "\n"));

		tui_set_message(t, first);
		free(first);
	}
}

/* A draft made from another version than the plan's now (or from one not
 * known): the plan as it is now above it, as comments, so the writer sees
 * what they replace (new string, free()). */
static char *
draft_over(const char *draft, const struct safety_plan *now)
{
	char *plan = safety_plan_format(now->step);
	struct buf b;

	buf_init(&b);
	/* TRANSLATORS: comment lines above a safety plan's draft; keep the "# ". */
	buf_addf(&b, _("# The plan was changed since this draft was made; version %s reads as below.\n# Make the draft say what the plan is to say; the lines starting with # are not kept.\n"),
		 now->version != NULL ? now->version : "?");
	for (const char *l = plan; *l != '\0';) {
		size_t n = strcspn(l, "\n");

		buf_addf(&b, "# %.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
	buf_adds(&b, draft);
	free(plan);
	return buf_steal(&b);
}

/* The write: safety-plan write, pinned to the version the text was made from. */
static void
plan_write(struct tui *t, const char *patient_id, const char *version, char *text, size_t len)
{
	struct ui_job *j = ui_job_create(ui_job_run_command, plan_saved);
	char *id = cmd_quote(patient_id), *v = version != NULL ? cmd_quote(version) : NULL;
	struct error err;
	int argc;

	j->patient_id = xstrdup(patient_id);
	j->text = text;
	j->text_len = len;
	j->line = v != NULL ? xasprintf("safety-plan write %s --replaces %s", id, v)
			    : xasprintf("safety-plan write %s", id);
	free(id);
	free(v);
	error_clear(&err);
	if ((j->words = cmd_split_command(j->line, &argc, &err)) == NULL ||
	    !(j->have_call = cmd_prepare(&j->call, argc, j->words, NULL, &err))) {
		tui_set_error(t, err.msg);   /* cannot be: the line is ours; the draft keeps the text */
		ui_job_destroy(j);
		return;
	}
	tui_set_message(t, _("Saving the safety plan…"));
	ui_job_start(t, j);
}

/* The plan is in: the editor on it (or on the client's draft), then the write. */
static void
plan_fetched(struct tui *t, struct ui_job *j)
{
	char *draft, *draft_v = NULL, *initial, *text;
	bool edited = false, stale;
	struct error err;
	size_t len = 0;

	tui_clear_error(t);
	if (!j->ok) {
		tui_set_error(t, j->err.msg);
		return;
	}
	draft = load_draft(t, &plan_kind, j->patient_id, &draft_v);
	stale = draft != NULL && j->plan.id != NULL &&
		(draft_v == NULL || j->plan.version == NULL || strcmp(draft_v, j->plan.version) != 0);
	initial = draft == NULL ? safety_plan_format(j->plan.step)
		  : stale ? draft_over(draft, &j->plan) : xstrdup(draft);
	error_clear(&err);
	/* Made from the version there now: what the writer saw. */
	text = edit_in_file(t, &plan_kind, j->patient_id, initial, j->plan.version, &edited, &len, &err);
	wipe_free(initial);
	wipe_free(draft);
	free(draft_v);
	if (text == NULL) {
		tui_set_error(t, err.msg);
	} else if (!edited) {
		wipe_free(text);
		tui_set_error(t, _("The editor failed; the draft is kept: press P to go back to it."));
	} else if (blank(text)) {
		wipe_free(text);
		forget_draft(t, &plan_kind, j->patient_id);
		tui_set_message(t, _("Nothing was written; the safety plan is as it was."));
	} else {
		plan_write(t, j->patient_id, j->plan.version, text, len);
	}
}

static void
plan_fetch_run(struct tui *t, struct ui_job *j)
{
	j->ok = safety_plan_get(t->s, j->patient_id, &j->plan, &j->err);
}

void
tui_edit_plan(struct tui *t, const char *patient_id)
{
	struct ui_job *j;

	if (ui_job_busy(t))
		return;
	j = ui_job_create(plan_fetch_run, plan_fetched);
	j->patient_id = xstrdup(patient_id);
	tui_set_message(t, _("Reading the safety plan…"));
	ui_job_start(t, j);
}

/* The structure of the client's newest note, made safe for the editor's
 * file (server text): new string, or NULL. */
static char *
last_structure(const struct client *c)
{
	char *raw, *clean;

	if (c->notes_f.state != LOAD_OK || c->notes.n == 0 || (raw = template_from_text(c->notes.v[0].text)) == NULL)
		return NULL;
	clean = sanitize_display(raw, (size_t)-1, SAN_KEEP_NEWLINES);
	free(raw);
	return clean;
}

void
tui_write_note(struct tui *t, const char *template_name, const char *default_template)
{
	struct client *c = model_client(&t->m);
	struct error err;
	char *tmpl, *line;
	bool last;

	if (c == NULL) {
		tui_set_error(t, _("Select an appointment with a client first."));
		return;
	}
	if (ui_job_busy(t))
		return;
	if (!draft_none(t, c)) {
		compose(t, "", NULL, COMPOSE_NEW, NULL);   /* the client's draft, as it was left */
		return;
	}
	if (template_name == NULL) {
		/* The choice: the command line, offering the counsellor's default. */
		line = xasprintf("write-note %s", default_template);
		tui_open_cmdline(t, line);
		free(line);
		return;
	}
	last = strcmp(template_name, "last") == 0;
	error_clear(&err);
	if (last && (tmpl = last_structure(c)) == NULL) {
		tui_set_error(t, _("The client's last note has no headings (lines ending with a colon) to start from; choose a template."));
		return;
	}
	if (!last && (tmpl = template_load(template_name, NULL, NULL, &err)) == NULL) {
		tui_set_error(t, err.msg);
		return;
	}
	compose(t, tmpl, NULL, COMPOSE_NEW, last ? NULL : template_name);
	free(tmpl);
}

/* The newest note of the shown client, when its list is in. */
static const struct note *
newest_note(struct tui *t)
{
	struct client *c = model_client(&t->m);

	if (c == NULL || c->notes_f.state != LOAD_OK || c->notes.n == 0)
		return NULL;
	return &c->notes.v[0];
}

void
tui_ask_sign(struct tui *t, const char *note_id, bool just_saved)
{
	char *q = cmd_quote(note_id);

	ui_ask(t, xasprintf("note sign %s", q));
	free(q);
	tui_set_message(t, just_saved
			? _("Draft saved. Sign it now? Once signed it is locked. Press y to sign, any other key to keep it as a draft.")
			: _("Sign the newest note? Once signed it is locked. Press y to sign, any other key to keep it as a draft."));
}

void
tui_sign_note(struct tui *t)
{
	const struct note *n = newest_note(t);
	const char *me;
	struct error err;
	char *q;

	error_clear(&err);
	if (n == NULL) {
		tui_set_error(t, _("There is no note to sign."));
	} else if (note_is_draft(n)) {
		tui_ask_sign(t, n->id, false);
	} else if (session_me_known(t->m.s) && (me = session_practitioner(t->m.s, NULL, &err)) != NULL && note_awaits_cosign_by(n, me)) {
		/* A trainee's note waiting for this supervisor. */
		q = cmd_quote(n->id);
		ui_ask(t, xasprintf("note cosign %s", q));
		free(q);
		tui_set_message(t, _("Co-sign the newest note, which a trainee you supervise signed? Press y to co-sign, any other key to leave it."));
	} else {
		tui_set_error(t, _("The newest note is signed already: press + to add an addendum, or E to correct it."));
	}
}

void
tui_add_addendum(struct tui *t)
{
	const struct note *n = newest_note(t);
	char *id;

	if (n == NULL || !note_is_signed(n)) {
		tui_set_error(t, n == NULL ? _("There is no note to add to.")
				: _("The newest note is a draft: press G to sign it first, or E to change it."));
		return;
	}
	id = xstrdup(n->id);
	compose(t, "", id, COMPOSE_ADDENDUM, NULL);
	free(id);
}

void
tui_edit_note(struct tui *t)
{
	struct client *c = model_client(&t->m);
	char *id;

	if (c == NULL || c->notes_f.state != LOAD_OK || c->notes.n == 0 || c->notes.v[0].text == NULL) {
		tui_set_error(t, _("There is no note to change."));
		return;
	}
	id = xstrdup(c->notes.v[0].id);
	compose(t, c->notes.v[0].text, id, COMPOSE_EDIT, NULL);
	free(id);
}

void
tui_page_note(struct tui *t)
{
	struct client *c = model_client(&t->m);
	const char *pager = getenv("PAGER");
	FILE *fp;

	if (c == NULL || c->notes_f.state != LOAD_OK || c->notes.n == 0 || c->notes.v[0].text == NULL) {
		tui_set_error(t, _("There is no note to read."));
		return;
	}
	if (c->notes.v[0].process) {
		/* Never exported: $PAGER is another program, whatever it does. */
		tui_set_error(t, _("A psychotherapy note is not sent to another program; read it here."));
		return;
	}
	{
		char *ref = xasprintf("DocumentReference/%s", c->notes.v[0].id);

		(void)audit_record(t->s, AUDIT_EXPORT, ref, c->patient_id, NULL);
		free(ref);
	}
	if (pager == NULL || pager[0] == '\0')
		pager = "less";
	term_suspend();
	if ((fp = popen(pager, "w")) != NULL) {
		/* The server's text: sanitised for the terminal, whatever the pager. */
		char *clean = sanitize_display(c->notes.v[0].text, (size_t)-1,
					       SAN_KEEP_NEWLINES | SAN_KEEP_TABS);

		fputs(clean, fp);
		free(clean);
		pclose(fp);
	}
	back_from_terminal(t);
}
