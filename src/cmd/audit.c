/* cmd/audit.c - audit: what this user did with clinical records. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/audit.h"
#include "core/i18n.h"
#include "core/xmalloc.h"

static const struct out_col audit_cols[] = {
	{ "recorded", N_("When"), false },
	{ "act", N_("Did"), false },
	{ "action", N_("Action"), true },
	{ "what", N_("Record"), false },
	{ "patient_id", N_("Client id"), false },
	{ "id", N_("Id"), true },
	/* TRANSLATORS: a column: the audit record is still on this machine,
	 * not yet on the server. */
	{ "pending", N_("Pending"), false },
};
#define AUDIT_NCOLS (sizeof audit_cols / sizeof audit_cols[0])

static const struct cmd_option audit_opts[] = {
	{ .name = "since", .metavar = N_("DATE"), .flags = OPT_VALUE, .kind = KIND_DAY,
	  .help = N_("only what was done since DATE (a day: 2026-11-20, today, -3d; default the last 30 days)") },
	{ .name = "patient", .metavar = N_("PATIENT-ID"), .flags = OPT_VALUE, .kind = KIND_PATIENT,
	  .help = N_("only what was done with this client's records") },
	{ NULL },
};

static void
audit_row(struct cmd_ctx *ctx, const struct audit_entry *en)
{
	bool table = ctx->fmt == FMT_TABLE;
	const char *v[AUDIT_NCOLS];
	char when[26];

	v[0] = cmd_time(ctx, en->recorded, when);
	v[1] = table ? audit_act_label(en->act) : en->act;
	v[2] = en->action;
	v[3] = en->what;
	v[4] = en->patient_id;
	v[5] = en->id;
	/* TRANSLATORS: the Pending column of an audit record not yet delivered. */
	/* TRANSLATORS: the Pending column of ezrizi audit: the record has not reached the server yet. */
	v[6] = table ? (en->pending ? _("not yet sent") : "") : (en->pending ? "true" : "false");
	result_row(ctx->result, v);
}

HANDLER(cmd_audit)
{
	const char *since_s = cmd_opt(e, a, "since");
	struct civil_date d;
	struct audit_list l;
	time_t since = 0;
	size_t pending = 0;

	if (since_s != NULL) {
		if (!date_parse(since_s, date_today(), &d, err))
			return false;
		since = date_start(d);
	}
	if (!audit_query(&ctx->session, since, cmd_opt(e, a, "patient"), &l, err))
		return false;
	result_records(ctx->result, audit_cols, AUDIT_NCOLS, _("No audit records."));
	for (size_t i = 0; i < l.n; i++) {
		audit_row(ctx, &l.v[i]);
		pending += l.v[i].pending;
	}
	if (ctx->fmt == FMT_TABLE && l.from_cache)
		result_after(ctx->result, _("Offline: only the records not yet delivered to the server are listed."));
	else if (ctx->fmt == FMT_TABLE && pending > 0) {
		char *s = xasprintf(ngettext("%zu record is still on this machine; it goes to the server by itself.",
					     "%zu records are still on this machine; they go to the server by themselves.",
					     pending), pending);

		result_after(ctx->result, s);
		free(s);
	}
	audit_list_finish(&l);
	return true;
}

const struct cmd_entry cmd_entry_audit = {
	.name = "audit",
	.summary = N_("List what you did with clinical records (viewed, wrote, signed, amended, exported), newest first, with the records not yet delivered marked pending."),
	.opts = audit_opts,
	.flags = CMD_SESSION,
	.exec = cmd_audit,
};
