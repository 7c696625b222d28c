/* cmd/flag.c - risk flags: flags, flag add, flag ack, flag close. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/flag.h"
#include "core/i18n.h"
#include "core/xmalloc.h"

static const struct out_col flag_cols[] = {
	{ "id", N_("Id"), false },
	{ "patient_id", N_("Client id"), false },
	{ "patient_name", N_("Client"), false },
	{ "state", N_("State"), false },
	{ "since", N_("Since"), false },
	{ "text", N_("Flag"), false },
	{ "author_id", N_("Raised by id"), true },
	{ "author_name", N_("Raised by"), false },
	{ "acknowledged_by", N_("Acknowledged by"), true },
	{ "acknowledged_at", N_("Acknowledged"), true },
	{ "evidence", N_("Raised from"), true },
	{ "close_reason", N_("Why closed"), true },
};
#define FLAG_NCOLS (sizeof flag_cols / sizeof flag_cols[0])

struct flag_row {
	char since[26], acked[26];
};

/* A front desk sees that the flag exists, and when: not what it says, who
 * raised it or from what. */
static void
flag_values(const struct cmd_ctx *ctx, const struct flag *f, bool front_desk, struct flag_row *r,
	    const char *v[FLAG_NCOLS])
{
	bool table = ctx->fmt == FMT_TABLE;
	const char *author = f->author_ref != NULL && strncmp(f->author_ref, "Practitioner/", 13) == 0
		? f->author_ref + 13 : f->author_ref;
	const char *acker = f->ack_by != NULL && strncmp(f->ack_by, "Practitioner/", 13) == 0
		? f->ack_by + 13 : f->ack_by;

	v[0] = f->id;
	v[1] = f->patient_id;
	v[2] = f->patient_name;
	v[3] = table ? flag_state_label(f) : flag_state(f);
	v[4] = cmd_time(ctx, f->start, r->since);
	/* TRANSLATORS: in place of a flag's clinical text, for a front desk. */
	v[5] = !front_desk ? f->text : !table ? NULL : f->safety ? _("safety flag") : _("flag");
	v[6] = front_desk ? NULL : author;
	v[7] = front_desk ? NULL : f->author_name;
	v[8] = acker;
	v[9] = cmd_time(ctx, f->ack_at, r->acked);
	v[10] = front_desk ? NULL : f->detail_ref;
	v[11] = front_desk ? NULL : f->close_reason;
}

static void
print_flag(struct cmd_ctx *ctx, const struct flag *f)
{
	const char *v[FLAG_NCOLS];
	struct flag_row r;

	flag_values(ctx, f, false, &r, v);
	result_record(ctx->result, flag_cols, FLAG_NCOLS, v, NULL);
}

static const struct cmd_option flags_opts[] = {
	{ .name = "all", .help = N_("closed flags too, not only the active ones") },
	{ NULL },
};

HANDLER(cmd_flags)
{
	const char *patient = a->argc > 0 ? a->argv[0] : NULL;
	struct flag_list l;
	bool front;

	if (!flags_query(&ctx->session, patient, !cmd_flag(e, a, "all"), &l, err))
		return false;
	front = flag_user_front_desk(&ctx->session, err);
	error_clear(err);
	result_records(ctx->result, flag_cols, FLAG_NCOLS,
		       patient != NULL ? _("No active flags for this client.") : _("No active flags."));
	for (size_t i = 0; i < l.n; i++) {
		const char *v[FLAG_NCOLS];
		struct flag_row r;

		flag_values(ctx, &l.v[i], front, &r, v);
		result_row(ctx->result, v);
	}
	if (l.skipped > 0 && ctx->notice != NULL) {
		/* Said, never silent: a flag that cannot be read may be a risk. */
		char *msg = xasprintf(ngettext("%zu flag the server sent could not be read; ask the platform's administrator to look at it.",
					       "%zu flags the server sent could not be read; ask the platform's administrator to look at them.",
					       l.skipped), l.skipped);

		ctx->notice(msg, ctx->notice_arg);
		free(msg);
	}
	flag_list_finish(&l);
	return true;
}

const struct cmd_entry cmd_entry_flags = {
	.name = "flags",
	.usage = N_("[PATIENT-ID]"),
	.summary = N_("List a client's active risk flags, or every client's you can see, oldest first."),
	.args = { 0, 1, { { KIND_PATIENT } } },
	.opts = flags_opts,
	.flags = CMD_SESSION,
	.exec = cmd_flags,
};

static const struct cmd_option flag_add_opts[] = {
	{ .name = "text", .metavar = N_("TEXT"), .flags = OPT_VALUE | OPT_REQUIRED, .kind = KIND_TEXT,
	  .help = N_("what worries you, in your words") },
	{ NULL },
};

HANDLER(cmd_flag_add)
{
	struct flag f;

	if (!flag_add(&ctx->session, a->argv[0], cmd_opt(e, a, "text"), &f, err))
		return false;
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, "%s", _("Flag raised: every screen showing this client shows it until a clinician acknowledges it."));
	print_flag(ctx, &f);
	flag_finish(&f);
	return true;
}

const struct cmd_entry cmd_entry_flag_add = {
	.name = "flag add",
	.usage = N_("PATIENT-ID"),
	.summary = N_("Raise a safety flag about a client, on your own judgement."),
	.args = { 1, 1, { { KIND_PATIENT } } },
	.opts = flag_add_opts,
	.flags = CMD_SESSION | CMD_QUEUES,
	.exec = cmd_flag_add,
};

static const struct cmd_option flag_ack_opts[] = {
	{ .name = "patient", .metavar = N_("ID"), .flags = OPT_VALUE, .kind = KIND_PATIENT,
	  .help = N_("every flag of this client that is not acknowledged yet, instead of FLAG-ID") },
	{ NULL },
};

static bool
ack_one(struct cmd_ctx *ctx, const char *id, struct error *err)
{
	struct flag f;
	bool already;

	if (!flag_ack(&ctx->session, id, &f, &already, err))
		return false;
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, already ? _("Flag %s was acknowledged already.") : _("Flag %s acknowledged."), id);
	print_flag(ctx, &f);
	flag_finish(&f);
	return true;
}

HANDLER(cmd_flag_ack)
{
	const char *patient = cmd_opt(e, a, "patient");
	struct flag_list l;
	size_t n = 0;
	bool ok = true;

	if ((a->argc > 0) == (patient != NULL))
		return error_set(err, ERR_USAGE, _("Name one flag (FLAG-ID) or one client (--patient ID), not both."));
	if (patient == NULL)
		return ack_one(ctx, a->argv[0], err);
	if (!flags_query(&ctx->session, patient, true, &l, err))
		return false;
	for (size_t i = 0; ok && i < l.n; i++) {
		if (flag_needs_ack(&l.v[i])) {
			ok = ack_one(ctx, l.v[i].id, err);
			n++;
		}
	}
	if (ok && n == 0 && ctx->fmt == FMT_TABLE)
		result_say(ctx->result, "%s", _("This client has no flag waiting to be acknowledged."));
	flag_list_finish(&l);
	return ok;
}

const struct cmd_entry cmd_entry_flag_ack = {
	.name = "flag ack",
	.usage = N_("[FLAG-ID]"),
	.summary = N_("Acknowledge a risk flag as yours to act on: its banner goes from every screen; who and when are recorded on the server."),
	.args = { 0, 1, { { KIND_NONE } } },
	.opts = flag_ack_opts,
	.flags = CMD_SESSION | CMD_QUEUES,
	.exec = cmd_flag_ack,
};

static const struct cmd_option flag_close_opts[] = {
	{ .name = "reason", .metavar = N_("TEXT"), .flags = OPT_VALUE | OPT_REQUIRED, .kind = KIND_TEXT,
	  .help = N_("why the risk is over, in your words") },
	{ NULL },
};

HANDLER(cmd_flag_close)
{
	struct flag f;
	bool already;

	if (!flag_close(&ctx->session, a->argv[0], cmd_opt(e, a, "reason"), &f, &already, err))
		return false;
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, already ? _("Flag %s was closed already.") : _("Flag %s closed."), a->argv[0]);
	print_flag(ctx, &f);
	flag_finish(&f);
	return true;
}

const struct cmd_entry cmd_entry_flag_close = {
	.name = "flag close",
	.usage = N_("FLAG-ID"),
	.summary = N_("Close a risk flag, saying why: it is kept on the server as inactive, with who closed it and when."),
	.args = { 1, 1, { { KIND_NONE } } },
	.opts = flag_close_opts,
	.flags = CMD_SESSION | CMD_QUEUES,
	.exec = cmd_flag_close,
};
