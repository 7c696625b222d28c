/* cmd/assess.c - giving an instrument: assess. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/assess.h"
#include "core/i18n.h"
#include "core/instrument.h"
#include "core/questionnaire.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

static const struct cmd_option assess_opts[] = {
	{ .name = "answers", .metavar = N_("A,B,..."), .flags = OPT_VALUE,
	  .help = N_("the answers in the items' order, comma-separated ('-' for one not given)") },
	{ .name = "file", .metavar = N_("FILE"), .flags = OPT_VALUE, .kind = KIND_FILE,
	  .help = N_("read the answers from FILE, one a line") },
	{ .name = "form-version", .metavar = N_("VERSION"), .flags = OPT_VALUE,
	  .help = N_("the version of the server's form whose wording the answers were given on (the screen's form says it)") },
	{ .name = "language", .metavar = N_("LANG"), .flags = OPT_VALUE,
	  .help = N_("the language the form was given in (ar, ur, ms, tr, en); the client's by default") },
	{ NULL },
};

/* What assess is given: the assessment, and a platform's form and its
 * answers when INSTRUMENT names one. */
struct given {
	struct assessment as;
	struct questionnaire form;
	struct qn_answer *ans;
	char *version;          /* the server's version of a known instrument's form */
};

static void
given_finish(struct given *g)
{
	if (g->ans != NULL)
		questionnaire_answers_finish(&g->form, g->ans);
	free(g->ans);
	free(g->version);
	questionnaire_finish(&g->form);
}

/* INSTRUMENT not one ezrizi knows: the platform's form of that id or
 * canonical; one whose canonical is a known instrument's is that one. */
static bool
form_of(struct cmd_ctx *ctx, const char *ref, struct given *g, struct error *err)
{
	cJSON *res = questionnaire_fetch(&ctx->session, ref, g->as.language, NULL, err);
	bool ok;

	if (res == NULL) {
		if (err->kind == ERR_NOT_FOUND || err->kind == ERR_USAGE) {
			error_clear(err);
			error_set(err, ERR_USAGE, _("'%s' is neither an instrument ezrizi knows (%s) nor a form the server has."),
				  ref, instrument_ids());
		}
		return false;
	}
	/* An instrument's canonical: its wording is the server's (not needed
	 * here), its scoring ezrizi's, whatever else the form says. */
	if ((g->as.in = assess_instrument_of(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "url")))) != NULL) {
		const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "version"));

		g->version = v != NULL ? xstrdup(v) : NULL;
		g->as.form_version = g->version;
		cJSON_Delete(res);
		return true;
	}
	ok = questionnaire_from_json(res, &g->form, err);
	cJSON_Delete(res);
	if (!ok)
		err->kind = ERR_USAGE;
	return ok;
}

/* The answers, from --answers or the text (--file, or the outbox's copy of
 * it when replayed); exactly one of the two. */
static bool
answers_of(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a,
	   struct given *g, struct error *err)
{
	const char *list = cmd_opt(e, a, "answers"), *file = cmd_opt(e, a, "file");
	const char *text = list;
	struct assessment *as = &g->as;
	size_t len;

	memset(g, 0, sizeof *g);
	if ((list == NULL) == (file == NULL) && !ctx->input_given)
		return error_set(err, ERR_USAGE, _("Give the answers with --answers A,B,... or --file FILE, one of the two."));
	if (list == NULL && !ctx->input_given && strcmp(file, "-") == 0)
		return error_set(err, ERR_USAGE, _("Give the answers in a file, or with --answers; not on standard input."));
	if (list == NULL && (text = cmd_read_input(ctx, file, 64 * 1024, &len, err)) == NULL)
		return false;
	as->patient_id = a->argv[0];
	as->language = cmd_opt(e, a, "language");
	as->form_version = cmd_opt(e, a, "form-version");
	if ((as->in = instrument_find(a->argv[1])) == NULL && !form_of(ctx, a->argv[1], g, err))
		return false;
	if (as->in != NULL)
		return instrument_parse_answers(text, as->answers, &as->n, err);
	as->form = &g->form;
	g->ans = xcalloc(g->form.n_items, sizeof *g->ans);
	as->form_answers = g->ans;
	return questionnaire_parse_answers(&g->form, text, g->ans, err);
}

/* Before anything is written or queued: the instrument known, the answers
 * scorable (whatever the client's language, which only moves a cut-off). */
HANDLER(check_assess)
{
	struct given g;
	struct instr_score sc;
	bool ok;

	/* A form of the server's is read where it is, when the command runs;
	 * queued offline, its local copy is checked now. */
	if (!ctx->offline && instrument_find(a->argv[1]) == NULL)
		return true;
	ok = answers_of(ctx, e, a, &g, err) &&
	     (g.as.in == NULL || instrument_score(g.as.in, g.as.answers, g.as.n, NULL, ctx->cfg, &sc, err));

	given_finish(&g);
	return ok;
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

/* A platform's form: its total if it has one; no band, cut-off or risk. */
static void
form_record(struct cmd_ctx *ctx, const struct given *g, const struct assess_out *out)
{
	char total[32];
	const char *v[ASSESS_NCOLS] = { 0 };
	const char *unanswered;
	double t;

	snprintf(total, sizeof total, "%g", out->total);
	v[0] = out->response_id;
	v[1] = g->form.id;
	v[2] = out->scored ? total : "";
	v[3] = v[4] = v[9] = "";
	v[5] = ctx->fmt == FMT_TABLE ? _("none") : "false";
	v[6] = "";
	v[7] = out->observation_id != NULL ? out->observation_id : "";
	v[8] = out->language != NULL ? out->language : "";
	if (ctx->fmt == FMT_TABLE) {
		char *title = sanitize_display(g->form.title != NULL ? g->form.title : g->form.id, (size_t)-1, 0);

		/* TRANSLATORS: %s is the form's title. */
		result_say(ctx->result, _("Saved the answers to %s."), title);
		free(title);
	}
	if (ctx->fmt == FMT_TABLE && !out->scored) {
		if (!g->form.weighted)
			result_say(ctx->result, "%s", _("Not scored: the form gives its answers no weights (ordinalValue); the answers are saved."));
		else if (!questionnaire_total(&g->form, g->ans, &t, &unanswered))
			result_say(ctx->result, _("Not scored: item %s, which counts, is unanswered; the answers are saved."), unanswered);
	}
	result_record(ctx->result, assess_cols, ASSESS_NCOLS, v, NULL);
}

HANDLER(cmd_assess)
{
	struct given g;
	struct assess_out out;
	char score[16], cutoff[16];
	const char *v[ASSESS_NCOLS];
	bool table = ctx->fmt == FMT_TABLE;
	const struct instrument *in;

	if (!answers_of(ctx, e, a, &g, err) || !assess_save(&ctx->session, &g.as, ctx->cfg, &out, err)) {
		given_finish(&g);
		return false;
	}
	if ((in = g.as.in) == NULL) {
		form_record(ctx, &g, &out);
		assess_out_finish(&out);
		given_finish(&g);
		return true;
	}
	snprintf(score, sizeof score, "%d", out.score.score);
	snprintf(cutoff, sizeof cutoff, "%d", out.score.cutoff);
	v[0] = out.response_id;
	v[1] = in->id;
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
	if (table && in->panel_code != NULL && !in->panel_verified)
		result_say(ctx->result, _("Unconfirmed: the panel code %s of %s, which the saved response names as its questionnaire, is not confirmed from a source."),
			   in->panel_code, in->name);
	if (table && in->rule == RULE_CSSRS)
		result_say(ctx->result, "%s", _("Unconfirmed: the C-SSRS risk level follows a summary of the screener's triage that has not been checked against Columbia's own; any yes raises the flag."));
	if (table && out.score.risk)
		result_say(ctx->result, "%s", _("Risk: a safety flag is raised for this client; a clinician must review it now."));
	result_record(ctx->result, assess_cols, ASSESS_NCOLS, v, NULL);
	assess_out_finish(&out);
	given_finish(&g);
	return true;
}

const struct cmd_entry cmd_entry_assess = {
	.name = "assess",
	.usage = N_("PATIENT-ID INSTRUMENT|FORM"),
	.summary = N_("Score an instrument's answers for a client (phq9, gad7, who5, cssrs, or a form of the server's by its id or canonical) and save them; a risk raises a safety flag."),
	.args = { 2, 2, { { KIND_PATIENT }, { KIND_NONE } } },
	.opts = assess_opts,
	.flags = CMD_SESSION | CMD_QUEUES,
	.exec = cmd_assess,
	.check = check_assess,
};
