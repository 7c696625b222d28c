/* cmd/worklist.c - the notes still owed: worklist. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/i18n.h"
#include "core/privacy.h"
#include "core/worklist.h"
#include "core/xmalloc.h"

static const struct out_col worklist_cols[] = {
	{ "since", N_("Since"), false },
	{ "kind", N_("What"), false },
	{ "patient_name", N_("Client"), false },
	{ "patient_id", N_("Client id"), true },
	/* The note's id when there is one, else the session's. */
	{ "id", N_("Id"), false },
	{ "appointment_id", N_("Session"), true },
	{ "appointment_status", N_("Session status"), true },
	{ "note_id", N_("Note"), true },
};
#define WORKLIST_NCOLS (sizeof worklist_cols / sizeof worklist_cols[0])

static const struct cmd_option worklist_opts[] = {
	{ .name = "days", .metavar = N_("N"), .flags = OPT_VALUE,
	  .help = N_("the sessions of the last N days, today included (default 14, at most 90)") },
	{ NULL },
};

/* "From the local cache, as the server had it 3 hours ago (2026-12-03 07:00)." */
static void
say_age(struct cmd_ctx *ctx, const struct worklist *w)
{
	long mins = (long)(clock_now() - w->fetched) / 60;
	char when[26];

	if (!w->from_cache || ctx->fmt != FMT_TABLE)
		return;
	if (w->fetched == 0) {
		result_say(ctx->result, "%s", _("From the local cache; the worklist was never fetched from the server on this machine, so it may lack notes written elsewhere."));
		return;
	}
	cmd_time(ctx, w->fetched, when);
	if (mins < 120)
		result_say(ctx->result, ngettext("From the local cache, as fetched %ld minute ago (%s).",
						 "From the local cache, as fetched %ld minutes ago (%s).", mins), mins, when);
	else
		result_say(ctx->result, ngettext("From the local cache, as fetched %ld hour ago (%s).",
						 "From the local cache, as fetched %ld hours ago (%s).", mins / 60), mins / 60, when);
}

HANDLER(cmd_worklist)
{
	const char *d = cmd_opt(e, a, "days");
	struct worklist w;
	char *end;
	long days = WORKLIST_DAYS;

	if (d != NULL && ((days = strtol(d, &end, 10)) < 1 || days > WORKLIST_MAX_DAYS || *end != '\0' || end == d))
		return error_set(err, ERR_USAGE, _("--days takes a number of days from 1 to %d."), WORKLIST_MAX_DAYS);
	/* The notes owed are the counsellors': a front desk fetches none. */
	if (!privacy_clinical(&ctx->session, PRIVACY_NOTES, err))
		return false;
	if (!worklist_get(&ctx->session, worklist_draft_limit(ctx->cfg), (int)days, &w, err))
		return false;
	say_age(ctx, &w);
	result_records(ctx->result, worklist_cols, WORKLIST_NCOLS, _("No notes are owed: every session held has a signed note."));
	for (size_t i = 0; i < w.n; i++) {
		const struct worklist_item *it = &w.v[i];
		char since[26];
		const char *v[WORKLIST_NCOLS] = {
			cmd_time(ctx, it->since, since),
			ctx->fmt == FMT_TABLE ? worklist_kind_label(it->kind) : worklist_kind_code(it->kind),
			it->patient_name, it->patient_id, it->note_id != NULL ? it->note_id : it->appointment_id,
			it->appointment_id, it->appointment_status, it->note_id,
		};

		result_row(ctx->result, v);
	}
	worklist_finish(&w);
	return true;
}

const struct cmd_entry cmd_entry_worklist = {
	.name = "worklist",
	.summary = N_("The notes you still owe, oldest first: sessions held with no signed note, drafts older than the clinic's limit, notes waiting for your co-sign."),
	.args = { 0, 0 },
	.opts = worklist_opts,
	.flags = CMD_SESSION,
	.exec = cmd_worklist,
};
