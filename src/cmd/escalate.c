/* cmd/escalate.c - a client handed to the counsellor on call: escalate,
 * escalations, escalation read. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/escalate.h"
#include "core/i18n.h"
#include "core/xmalloc.h"

static const struct out_col esc_cols[] = {
	{ "id", N_("Id"), false },
	{ "sent", N_("Sent"), false },
	{ "patient_id", N_("Client id"), true },
	{ "patient_name", N_("Client"), false },
	{ "from_id", N_("From id"), true },
	{ "from_name", N_("From"), false },
	{ "to_id", N_("To id"), true },
	{ "to_name", N_("To"), false },
	{ "read", N_("Read"), false },
	{ "flags", N_("Flags"), true },
	{ "text", N_("Text"), false },
};
#define ESC_NCOLS (sizeof esc_cols / sizeof esc_cols[0])

struct esc_row {
	char sent[26], read[26];
};

static void
esc_values(const struct cmd_ctx *ctx, const struct escalation *e, struct esc_row *r,
	   const char *v[ESC_NCOLS])
{
	v[0] = e->id;
	v[1] = cmd_time(ctx, e->sent, r->sent);
	v[2] = e->patient_id;
	v[3] = e->patient_name;
	v[4] = e->from_id;
	v[5] = e->from_name;
	v[6] = e->to_id;
	v[7] = e->to_name;
	/* TRANSLATORS: an escalation its recipient has not read yet. */
	v[8] = e->received != 0 ? cmd_time(ctx, e->received, r->read) : ctx->fmt == FMT_TABLE ? _("not yet") : "";
	v[9] = e->flags;
	v[10] = e->text;
}

static void
print_esc(struct cmd_ctx *ctx, const struct escalation *e)
{
	const char *v[ESC_NCOLS];
	struct esc_row r;

	esc_values(ctx, e, &r, v);
	result_record(ctx->result, esc_cols, ESC_NCOLS, v, NULL);
}

static const struct cmd_option escalate_opts[] = {
	{ .name = "file", .metavar = N_("FILE"), .flags = OPT_VALUE, .kind = KIND_FILE,
	  .help = N_("read what is happening from FILE ('-' for standard input)") },
	{ NULL },
};

HANDLER(cmd_escalate)
{
	struct escalation es;
	char *text = cmd_rest_text(ctx, e, a, ESCALATION_TEXT_MAX + 1,
				   _("Give what is happening as TEXT or with --file, not both."), err);
	bool ok;

	if (text == NULL)
		return false;
	ok = escalate(&ctx->session, a->argv[0], text, &es, err);
	free(text);
	if (!ok)
		return false;
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, _("Escalated to the counsellor on call (%s): their screen rings at its next look. 'ezrizi escalations --sent' says when they read it."),
			   es.to_id != NULL ? es.to_id : "?");
	print_esc(ctx, &es);
	escalation_finish(&es);
	return true;
}

const struct cmd_entry cmd_entry_escalate = {
	.name = "escalate",
	.usage = N_("PATIENT-ID [TEXT...]"),
	.summary = N_("Hand a client in crisis to the counsellor on call at once: an urgent message about the client and their active flags, which rings on their screen."),
	.args = { 1, 64, { { KIND_PATIENT }, { KIND_TEXT } } },
	.opts = escalate_opts,
	.flags = CMD_SESSION | CMD_QUEUES | CMD_INPUT | CMD_WORDS | CMD_REST,
	.instead = N_("Type what is happening after the client's id: escalate ID TEXT."),
	.exec = cmd_escalate,
};

static const struct cmd_option escalations_opts[] = {
	{ .name = "sent", .help = N_("the ones you sent, with when they were read, instead of those to you") },
	{ .name = "since", .metavar = N_("DAY"), .flags = OPT_VALUE, .kind = KIND_DAY,
	  .help = N_("from this day on (default: the last seven days)") },
	{ NULL },
};

HANDLER(cmd_escalations)
{
	struct escalation_list l;
	struct civil_date from;
	bool given;

	if (!cmd_date_opt(e, a, "since", &from, &given, err))
		return false;
	if (!escalations_query(&ctx->session, cmd_flag(e, a, "sent"), given ? date_start(from) : 0, &l, err))
		return false;
	result_records(ctx->result, esc_cols, ESC_NCOLS, _("No escalations."));
	for (size_t i = 0; i < l.n; i++) {
		const char *v[ESC_NCOLS];
		struct esc_row r;

		esc_values(ctx, &l.v[i], &r, v);
		result_row(ctx->result, v);
	}
	escalation_list_finish(&l);
	return true;
}

const struct cmd_entry cmd_entry_escalations = {
	.name = "escalations",
	.summary = N_("List the escalations to you (or, with --sent, from you), oldest first, with when they were read."),
	.opts = escalations_opts,
	.flags = CMD_SESSION,
	.exec = cmd_escalations,
};

HANDLER(cmd_escalation_read)
{
	struct escalation es;
	bool already;

	(void)e;
	if (!escalation_read(&ctx->session, a->argv[0], &es, &already, err))
		return false;
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, already ? _("Escalation %s was read already.") : _("Escalation %s read: its sender sees when."),
			   a->argv[0]);
	print_esc(ctx, &es);
	escalation_finish(&es);
	return true;
}

const struct cmd_entry cmd_entry_escalation_read = {
	.name = "escalation read",
	.usage = N_("ID"),
	.summary = N_("Mark an escalation to you as read: its sender sees when."),
	.args = { 1, 1, { { KIND_NONE } } },
	.flags = CMD_SESSION | CMD_QUEUES,
	.exec = cmd_escalation_read,
};
