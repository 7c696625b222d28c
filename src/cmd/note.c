/* cmd/note.c - session notes: notes, note, note add, note edit. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmd/handlers.h"
#include "core/audit.h"
#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/notes.h"
#include "core/notes_session.h"
#include "core/privacy.h"
#include "core/template.h"
#include "core/xmalloc.h"

static const struct out_col note_cols[] = {
	{ "id", N_("Id"), false },
	{ "date", N_("Date"), false },
	{ "type", N_("Type"), false },
	{ "status", N_("Status"), false },
	{ "author_id", N_("Author id"), true },
	{ "author_name", N_("Author"), false },
	{ "patient_id", N_("Client id"), true },
	{ "language", N_("Language"), true },
	/* Signing (src/cmd/notesign.c fills them). */
	{ "signed_by_id", N_("Signer id"), true },
	{ "signed_by", N_("Signed by"), false },
	{ "signed_at", N_("Signed"), true },
	{ "cosign", N_("Co-signature"), false },
	{ "cosign_by_id", N_("Co-signer id"), true },
	{ "appends", N_("Addendum to"), true },
	{ "amends", N_("Replaces"), true },
	{ "addenda", N_("Addenda"), true },
	{ "tampered", N_("Changed after signing"), false },
	/* A psychotherapy note (core/seclabel.h): its text is never in TSV or JSON. */
	{ "process", N_("Process note"), true },
	{ "appointment_id", N_("Session"), true },
	{ "first_line", N_("Beginning"), false },
};
#define NOTE_NCOLS (sizeof note_cols / sizeof note_cols[0])

/* The first line of the text, at most 60 bytes cut at a character boundary. */
static char *
first_line(const char *text)
{
	size_t n;

	if (text == NULL)
		return NULL;
	n = strcspn(text, "\n");
	if (n > 60) {
		n = 60;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	return xstrndup(text, n);
}

struct note_cells {
	char date[26], signed_at[26], addenda[24];
};

static void
note_values(const struct cmd_ctx *ctx, const struct note *n, struct note_cells *c, char **first,
	    const char *v[NOTE_NCOLS])
{
	char *date = c->date;
	bool table = ctx->fmt == FMT_TABLE;

	note_sign_values(ctx, n, c->signed_at, c->addenda, v + 8);
	/* A process note's text is for people: never exported to a program. */
	*first = !table && n->process ? NULL : first_line(n->text);
	v[0] = n->id;
	v[1] = cmd_time(ctx, n->date, date);
	/* TRANSLATORS: the Type column of a psychotherapy (process) note. */
	v[2] = table ? (n->process ? _("process note") : note_kind_label(n->kind)) : n->kind;
	v[3] = ctx->fmt == FMT_TABLE ? note_status_label(n->doc_status) : n->doc_status;
	v[4] = n->author_id;
	v[5] = n->author_name;
	v[6] = n->patient_id;
	v[7] = n->language;
	v[NOTE_NCOLS - 3] = table ? NULL : n->process ? "true" : "false";
	v[NOTE_NCOLS - 2] = n->appointment_id;
	v[NOTE_NCOLS - 1] = *first;
}

static const struct cmd_option notes_opts[] = {
	{ .name = "limit", .metavar = N_("N"), .flags = OPT_VALUE,
	  .help = N_("at most N notes, newest first (default 50)") },
	{ .name = "appointment", .metavar = N_("ID"), .flags = OPT_VALUE, .kind = KIND_APPOINTMENT,
	  .help = N_("only the notes of that session") },
	{ .name = "awaiting-cosign",
	  .help = N_("instead: the notes of the trainees you supervise (config supervises) that wait for your co-signature, oldest first") },
	{ NULL },
};

/* notes --appointment ID [PATIENT]: the session's notes (of that client). */
static bool
session_notes(struct cmd_ctx *ctx, const struct cmd_args *a, const char *appt, size_t limit,
	      struct note_list *l, struct error *err)
{
	size_t k = 0;

	if (!notes_of_appointment(&ctx->session, appt, l, err))
		return false;
	for (size_t i = 0; i < l->n; i++) {
		if ((a->argc == 0 || (l->v[i].patient_id != NULL && strcmp(l->v[i].patient_id, a->argv[0]) == 0)) &&
		    k < limit)
			l->v[k++] = l->v[i];
		else
			note_finish(&l->v[i]);
	}
	l->n = k;
	return true;
}

HANDLER(cmd_notes)
{
	const char *appt = cmd_opt(e, a, "appointment");
	bool awaiting = cmd_flag(e, a, "awaiting-cosign");
	struct note_list l;
	size_t limit;

	if (!cmd_limit(e, a, 50, 1000, &limit, err))
		return false;
	if (awaiting && (a->argc == 1 || appt != NULL))
		return error_set(err, ERR_USAGE, _("Give a client's id, or --awaiting-cosign (not both)."));
	if (!awaiting && appt == NULL && a->argc == 0)
		return error_set(err, ERR_USAGE, _("Name the client, the session with --appointment ID, or give --awaiting-cosign."));
	if (!privacy_clinical(&ctx->session, PRIVACY_NOTES, err))
		return false;
	if (!(awaiting ? notes_awaiting_cosign(&ctx->session, limit, &l, err)
	      : appt != NULL ? session_notes(ctx, a, appt, limit, &l, err)
	      : notes_query(&ctx->session, a->argv[0], limit, &l, err)))
		return false;
	/* A session's notes and those awaiting a co-sign can be several clients'. */
	bool each = awaiting || appt != NULL;

	if (!each)
		(void)audit_record(&ctx->session, AUDIT_LIST, "DocumentReference", a->argv[0], NULL);
	result_records(ctx->result, note_cols, NOTE_NCOLS, _("No notes."));
	for (size_t i = 0; i < l.n; i++) {
		const char *v[NOTE_NCOLS];
		struct note_cells cells;
		char *first;

		/* Each client's notes listed are a view of them. */
		if (each)
			(void)audit_record(&ctx->session, AUDIT_LIST, "DocumentReference", l.v[i].patient_id, NULL);

		note_values(ctx, &l.v[i], &cells, &first, v);
		result_row(ctx->result, v);
		free(first);
	}
	note_list_finish(&l);
	return true;
}

const struct cmd_entry cmd_entry_notes = {
	.name = "notes",
	.usage = N_("PATIENT-ID | --appointment ID [PATIENT-ID] | --awaiting-cosign"),
	.summary = N_("List a client's session notes, or a session's (--appointment), newest first, each addendum under its note."),
	.args = { 0, 1, { { KIND_PATIENT } } },
	.opts = notes_opts,
	.flags = CMD_SESSION,
	.exec = cmd_notes,
};

static void
print_note(struct cmd_ctx *ctx, const struct note *n)
{
	/* The whole text follows; no "beginning" column. */
	print_note_chain(ctx, n, NULL);
}

void
print_note_chain(struct cmd_ctx *ctx, const struct note *n, const struct note_list *chain)
{
	const char *v[NOTE_NCOLS];
	struct note_cells cells;
	char *first, *text;
	struct out_col cols[NOTE_NCOLS - 1];

	memcpy(cols, note_cols, sizeof cols);
	for (size_t i = 0; i < NOTE_NCOLS - 1; i++)
		cols[i].machine_only = false;
	note_values(ctx, n, &cells, &first, v);
	/* A process note (and its chain) is never exported to a program. */
	text = n->process && ctx->fmt != FMT_TABLE ? xstrdup("") : note_chain_text(ctx, n, chain);
	result_record(ctx->result, cols, NOTE_NCOLS - 1, v, text);
	if (n->process && ctx->fmt == FMT_TABLE)
		result_after(ctx->result, _("A psychotherapy note: kept apart, never shown to a front desk nor exported."));
	free(text);
	free(first);
}

HANDLER(cmd_note)
{
	struct note_list chain;
	struct note n;

	(void)e;
	if (!privacy_clinical(&ctx->session, PRIVACY_NOTES, err))
		return false;
	if (!note_get_chain(&ctx->session, a->argv[0], &n, &chain, err))
		return false;
	{
		char *ref = xasprintf("DocumentReference/%s", n.id);

		(void)audit_record(&ctx->session, AUDIT_VIEW, ref, n.patient_id, NULL);
		free(ref);
	}
	print_note_chain(ctx, &n, &chain);
	note_list_finish(&chain);
	note_finish(&n);
	return true;
}

const struct cmd_entry cmd_entry_note = {
	.name = "note",
	.usage = N_("ID"),
	.summary = N_("Show one session note in full."),
	.args = { 1, 1, { { KIND_NOTE } } },
	.flags = CMD_SESSION,
	.exec = cmd_note,
};

static const char *const note_types[] = { "progress", "consult", NULL };

static const struct cmd_option note_add_opts[] = {
	{ .name = "type", .metavar = N_("TYPE"), .flags = OPT_VALUE, .choices = note_types, .kind = KIND_CHOICE,
	  .help = N_("progress (the default) or consult") },
	{ .name = "file", .metavar = N_("FILE"), .flags = OPT_VALUE, .kind = KIND_FILE,
	  .help = N_("read the note from FILE instead of standard input") },
	{ .name = "draft", .help = N_("save as a draft (preliminary), to sign later with 'note sign', instead of signed") },
	{ .name = "process",
	  .help = N_("a psychotherapy (process) note: labelled restricted, kept apart, never shown to a front desk nor exported") },
	{ .name = "appointment", .metavar = N_("ID"), .flags = OPT_VALUE, .kind = KIND_APPOINTMENT,
	  .help = N_("the session it is the note of (its time is the note's period)") },
	{ .name = "template", .metavar = N_("NAME"), .flags = OPT_VALUE,
	  .help = N_("the template it was written from (soap, dap, birp, free...), recorded on it; a text that is only the template is refused") },
	{ .name = "for", .metavar = N_("IDS"), .flags = OPT_VALUE,
	  .help = N_("a group session: the same text as a note for each client, comma-separated ids, or 'attending' (every client of --appointment who did not decline); all or none") },
	{ NULL },
};

/* A front desk writes no note (a draft authored by "Front Desk" was stored):
 * refused before it is sent or queued. */
HANDLER(check_note_write)
{
	(void)e;
	(void)a;
	return privacy_clinical(&ctx->session, PRIVACY_NOTES, err);
}

/* The act on the note, in the audit trail. */
static void
audit_note(struct cmd_ctx *ctx, enum audit_act act, const struct note *n)
{
	char *ref = xasprintf("DocumentReference/%s", n->id);

	(void)audit_record(&ctx->session, act, ref, n->patient_id, NULL);
	free(ref);
}

/* --template: a name there is, and a text that is more than it. */
static bool
check_template(const char *name, const char *text, struct error *err)
{
	char *tmpl;
	bool same;

	if (name == NULL)
		return true;
	if ((tmpl = template_load(name, NULL, NULL, err)) == NULL)
		return false;
	same = template_unchanged(text, tmpl);
	free(tmpl);
	if (same)
		return error_set(err, ERR_USAGE, _("The note is only the template's headings; nothing was saved. Write under them first."));
	return true;
}

/* --for: the clients' ids (new vector, appt_members_free). */
static char **
group_members(struct cmd_ctx *ctx, const char *list, const char *appt, size_t *n, struct error *err)
{
	char **v, *copy, *save = NULL;

	if (strcmp(list, "attending") == 0) {
		if (appt == NULL) {
			error_set(err, ERR_USAGE, _("--for attending needs the session: give --appointment ID."));
			return NULL;
		}
		return appt_attending(&ctx->session, appt, &v, n, err) ? v : NULL;
	}
	v = xcalloc(strlen(list) / 2 + 2, sizeof *v);
	*n = 0;
	copy = xstrdup(list);
	for (char *t = strtok_r(copy, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save))
		if (*t != '\0')
			v[(*n)++] = xstrdup(t);
	free(copy);
	if (*n == 0) {
		free(v);
		error_set(err, ERR_USAGE, _("--for names no client: give ids separated by commas, or 'attending'."));
		return NULL;
	}
	return v;
}

static bool
note_add_group(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a,
	       struct new_note *nn, struct error *err)
{
	struct note_list l;
	char **members;
	size_t n;

	if (a->argc > 0)
		return error_set(err, ERR_USAGE, _("Give the clients either as PATIENT-ID or with --for, not both."));
	if ((members = group_members(ctx, cmd_opt(e, a, "for"), nn->appointment_id, &n, err)) == NULL)
		return false;
	if (!notes_create_group(&ctx->session, nn, members, n, &l, err)) {
		appt_members_free(members);
		return false;
	}
	appt_members_free(members);
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, ngettext("%zu note saved, one for each client.", "%zu notes saved, one for each client.", l.n), l.n);
	result_records(ctx->result, note_cols, NOTE_NCOLS, NULL);
	for (size_t i = 0; i < l.n; i++) {
		const char *v[NOTE_NCOLS];
		struct note_cells cells;
		char *first;

		audit_note(ctx, AUDIT_WRITE, &l.v[i]);
		note_values(ctx, &l.v[i], &cells, &first, v);
		result_row(ctx->result, v);
		free(first);
	}
	note_list_finish(&l);
	return true;
}

HANDLER(cmd_note_add)
{
	const char *file = cmd_opt(e, a, "file");
	struct new_note nn = {
		.patient_id = a->argc > 0 ? a->argv[0] : NULL,
		.kind = cmd_opt(e, a, "type"),
		.draft = cmd_flag(e, a, "draft"),
		.process = cmd_flag(e, a, "process"),
		.appointment_id = cmd_opt(e, a, "appointment"),
		.template_name = cmd_opt(e, a, "template"),
	};
	struct note n;
	size_t len;

	if (nn.patient_id == NULL && cmd_opt(e, a, "for") == NULL)
		return error_set(err, ERR_USAGE, _("Name the client (PATIENT-ID), or the clients of a group session with --for."));
	/* At most 1 MiB: one byte more is read so note_create can say it is too long. */
	if ((nn.text = cmd_read_input(ctx, file, 1024 * 1024 + 1, &len, err)) == NULL)
		return false;
	if (!check_template(nn.template_name, nn.text, err))
		return false;
	if (cmd_opt(e, a, "for") != NULL)
		return note_add_group(ctx, e, a, &nn, err);
	if (!note_create(&ctx->session, &nn, &n, err))
		return false;
	audit_note(ctx, AUDIT_WRITE, &n);
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, "%s", nn.draft ? _("Draft saved.") : _("Note saved."));
	print_note(ctx, &n);
	note_finish(&n);
	return true;
}

const struct cmd_entry cmd_entry_note_add = {
	.name = "note add",
	.usage = N_("[PATIENT-ID]"),
	.summary = N_("Write a session note for a client, or one text for each client of a group session."),
	.args = { 0, 1, { { KIND_PATIENT } } },
	.opts = note_add_opts,
	.flags = CMD_SESSION | CMD_QUEUES | CMD_INPUT | CMD_NOTES,
	.instead = N_("Write notes with the write-note command (key N), or give --file."),
	.exec = cmd_note_add,
	.check = check_note_write,
};

static const struct cmd_option note_edit_opts[] = {
	{ .name = "file", .metavar = N_("FILE"), .flags = OPT_VALUE, .kind = KIND_FILE,
	  .help = N_("read the new text from FILE instead of standard input") },
	{ NULL },
};

HANDLER(cmd_note_edit)
{
	const char *file = cmd_opt(e, a, "file");
	struct note n;
	const char *text;
	size_t len;
	bool changed;

	if ((text = cmd_read_input(ctx, file, 1024 * 1024 + 1, &len, err)) == NULL)
		return false;
	if (!note_update(&ctx->session, a->argv[0], text, &n, &changed, err))
		return false;
	if (changed)
		audit_note(ctx, strcmp(n.id, a->argv[0]) == 0 ? AUDIT_WRITE : AUDIT_AMEND, &n);
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, "%s", changed ? _("Note changed.") : _("No change; nothing saved."));
	print_note(ctx, &n);
	note_finish(&n);
	return true;
}

const struct cmd_entry cmd_entry_note_edit = {
	.name = "note edit",
	.usage = N_("ID"),
	.summary = N_("Change a note: a draft in place, a signed note never: a new signed note replaces it."),
	.args = { 1, 1, { { KIND_NOTE } } },
	.opts = note_edit_opts,
	.flags = CMD_SESSION | CMD_QUEUES | CMD_INPUT | CMD_NOTES,
	.instead = N_("Change notes with the edit-note command (key E), or give --file."),
	.exec = cmd_note_edit,
	.check = check_note_write,
};
