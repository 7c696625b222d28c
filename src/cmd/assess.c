/* cmd/assess.c - giving an instrument: assess. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/assess.h"
#include "core/i18n.h"
#include "core/instrument.h"
#include "core/xmalloc.h"

static const struct cmd_option assess_opts[] = {
	{ .name = "answers", .metavar = N_("A,B,..."), .flags = OPT_VALUE,
	  .help = N_("the answers in the items' order, comma-separated ('-' for one not given)") },
	{ .name = "file", .metavar = N_("FILE"), .flags = OPT_VALUE, .kind = KIND_FILE,
	  .help = N_("read the answers from FILE, one a line") },
	{ .name = "language", .metavar = N_("LANG"), .flags = OPT_VALUE,
	  .help = N_("the language the form was given in (ar, ur, ms, tr, en); the client's by default") },
	{ NULL },
};

/* The answers, from --answers or the text (--file, or the outbox's copy of
 * it when replayed); exactly one of the two. */
static bool
answers_of(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a,
	   struct assessment *as, struct error *err)
{
	const char *list = cmd_opt(e, a, "answers"), *file = cmd_opt(e, a, "file");
	const char *text = list;
	size_t len;

	if ((list == NULL) == (file == NULL) && !ctx->input_given)
		return error_set(err, ERR_USAGE, _("Give the answers with --answers A,B,... or --file FILE, one of the two."));
	if (list == NULL && !ctx->input_given && strcmp(file, "-") == 0)
		return error_set(err, ERR_USAGE, _("Give the answers in a file, or with --answers; not on standard input."));
	if (list == NULL && (text = cmd_read_input(ctx, file, 4096, &len, err)) == NULL)
		return false;
	if ((as->in = instrument_find(a->argv[1])) == NULL)
		return error_set(err, ERR_USAGE, _("'%s' is not an instrument ezrizi knows; use one of %s."),
				 a->argv[1], instrument_ids());
	as->patient_id = a->argv[0];
	as->language = cmd_opt(e, a, "language");
	return instrument_parse_answers(text, as->answers, &as->n, err);
}

/* Before anything is written or queued: the instrument known, the answers
 * scorable (whatever the client's language, which only moves a cut-off). */
HANDLER(check_assess)
{
	struct assessment as;
	struct instr_score sc;

	return answers_of(ctx, e, a, &as, err) &&
	       instrument_score(as.in, as.answers, as.n, NULL, ctx->cfg, &sc, err);
}

static const struct out_col assess_cols[] = {
	{ "id", N_("Id"), false },
	{ "instrument", N_("Instrument"), false },
	{ "score", N_("Score"), false },
	{ "band", N_("Band"), false },
	{ "positive", N_("Screens positive"), false },
	{ "risk", N_("Risk"), false },
	{ "flag_id", N_("Flag"), false },
	{ "observation_id", N_("Observation"), true },
	{ "language", N_("Language"), true },
	{ "cutoff", N_("Cut-off"), true },
};
#define ASSESS_NCOLS (sizeof assess_cols / sizeof assess_cols[0])

HANDLER(cmd_assess)
{
	struct assessment as;
	struct assess_out out;
	char score[16], cutoff[16];
	const char *v[ASSESS_NCOLS];
	bool table = ctx->fmt == FMT_TABLE;

	if (!answers_of(ctx, e, a, &as, err) || !assess_save(&ctx->session, &as, ctx->cfg, &out, err))
		return false;
	snprintf(score, sizeof score, "%d", out.score.score);
	snprintf(cutoff, sizeof cutoff, "%d", out.score.cutoff);
	v[0] = out.response_id;
	v[1] = as.in->id;
	v[2] = out.score.score >= 0 ? score : "";
	v[3] = table ? _(out.score.band->label) : out.score.band->code;
	/* TRANSLATORS: whether a score screens positive at its cut-off. */
	v[4] = out.score.positive ? (table ? _("positive") : "true") : (table ? _("negative") : "false");
	/* TRANSLATORS: whether the answers are a risk (a safety flag was raised). */
	v[5] = out.score.risk ? (table ? _("review now") : "true") : (table ? _("none") : "false");
	v[6] = out.flag_id != NULL ? out.flag_id : "";
	v[7] = out.observation_id;
	v[8] = out.language != NULL ? out.language : "";
	v[9] = out.score.cutoff >= 0 ? cutoff : "";
	if (table && as.in->panel_code != NULL && !as.in->panel_verified)
		result_say(ctx->result, _("Unconfirmed: the panel code %s of %s, which the saved response names as its questionnaire, is not confirmed from a source."),
			   as.in->panel_code, as.in->name);
	if (table && as.in->rule == RULE_CSSRS)
		result_say(ctx->result, "%s", _("Unconfirmed: the C-SSRS risk level follows a summary of the screener's triage that has not been checked against Columbia's own; any yes raises the flag."));
	if (table && out.score.risk)
		result_say(ctx->result, "%s", _("Risk: a safety flag is raised for this client; a clinician must review it now."));
	result_record(ctx->result, assess_cols, ASSESS_NCOLS, v, NULL);
	assess_out_finish(&out);
	return true;
}

const struct cmd_entry cmd_entry_assess = {
	.name = "assess",
	.usage = N_("PATIENT-ID INSTRUMENT"),
	.summary = N_("Score an instrument's answers for a client (phq9, gad7, who5, cssrs) and save them; a risk raises a safety flag."),
	.args = { 2, 2, { { KIND_PATIENT }, { KIND_NONE } } },
	.opts = assess_opts,
	.flags = CMD_SESSION | CMD_QUEUES,
	.exec = cmd_assess,
	.check = check_assess,
};
