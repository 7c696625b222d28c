/* cmd/scores.c - a client's scores over time: scores. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/flag.h"
#include "core/i18n.h"
#include "core/instrument.h"
#include "core/scores.h"
#include "core/xmalloc.h"

static const struct cmd_option scores_opts[] = {
	{ .name = "instrument", .metavar = N_("INSTRUMENT"), .flags = OPT_VALUE,
	  .help = N_("only this instrument's scores (phq9, gad7, who5, cssrs), or a form's totals (its canonical URL)") },
	{ NULL },
};

/* The machine formats get exactly these fields; a table also the change. */
static const struct out_col score_cols[] = {
	{ "id", N_("Id"), true },
	{ "instrument", N_("Instrument"), false },
	{ "authored", N_("Date"), false },
	{ "score", N_("Score"), false },
	{ "band", N_("Band"), false },
	{ "change", N_("Change"), false },
};
#define SCORE_NCOLS (sizeof score_cols / sizeof score_cols[0])

/* The change since the instrument's first score in the list ("+3", "0",
 * "-5"), or "" when there is no total to compare. */
static void
change_since_first(const struct score_list *l, size_t i, char out[16])
{
	const struct score *sc = &l->v[i];

	out[0] = '\0';
	if (sc->score < 0)
		return;
	for (size_t k = 0; k < i; k++) {
		if (l->v[k].in == sc->in && l->v[k].score >= 0) {
			int d = sc->score - l->v[k].score;

			snprintf(out, 16, d > 0 ? "+%d" : "%d", d);
			return;
		}
	}
}

static void
score_row(struct cmd_ctx *ctx, const struct score_list *l, size_t i)
{
	const struct score *sc = &l->v[i];
	bool table = ctx->fmt == FMT_TABLE;
	char date[26], value[16], change[16];
	const char *v[SCORE_NCOLS];

	snprintf(value, sizeof value, "%d", sc->score);
	change_since_first(l, i, change);
	v[0] = sc->id;
	v[1] = table ? sc->in->name : sc->in->id;
	v[2] = cmd_time(ctx, sc->date, date);
	v[3] = sc->score >= 0 ? value : "";
	/* The band is the server's text: the output layer sanitises it. */
	v[4] = table ? score_band_label(sc) : (sc->band != NULL ? sc->band : "");
	v[5] = change;
	result_row(ctx->result, v);
}

/* A form's canonical as the --instrument option names it: the URL alone
 * takes every version. */
static bool
form_is(const struct form_score *f, const char *want)
{
	size_t n = strlen(want);

	return strcmp(f->form, want) == 0 || (strchr(want, '|') == NULL && strncmp(f->form, want, n) == 0 && f->form[n] == '|');
}

/* The change since the form's first total in the list, "" for its first. */
static void
form_change(const struct score_list *l, size_t i, char out[32])
{
	const struct form_score *f = &l->forms[i];

	out[0] = '\0';
	for (size_t k = 0; k < i; k++) {
		if (strcmp(l->forms[k].form, f->form) == 0) {
			double d = f->total - l->forms[k].total;

			snprintf(out, 32, d > 0 ? "+%.15g" : "%.15g", d);
			return;
		}
	}
}

static void
form_row(struct cmd_ctx *ctx, const struct score_list *l, size_t i)
{
	const struct form_score *f = &l->forms[i];
	char date[26], value[32], change[32];
	const char *v[SCORE_NCOLS];

	snprintf(value, sizeof value, "%.15g", f->total);
	form_change(l, i, change);
	v[0] = f->id;
	/* The form's title and canonical are the server's: the output layer
	 * sanitises them. */
	v[1] = ctx->fmt == FMT_TABLE && f->title != NULL ? f->title : f->form;
	v[2] = cmd_time(ctx, f->date, date);
	v[3] = value;
	v[4] = "";
	v[5] = change;
	result_row(ctx->result, v);
}

/* The instruments' scores and the forms' totals in one list, oldest first;
 * only the form asked for when form is not NULL. */
static void
rows(struct cmd_ctx *ctx, const struct score_list *l, const char *form)
{
	size_t i = 0, k = 0;

	while (i < l->n || k < l->n_forms) {
		if (k < l->n_forms && form != NULL && !form_is(&l->forms[k], form)) {
			k++;
		} else if (i < l->n && (form != NULL || k >= l->n_forms || l->v[i].date <= l->forms[k].date)) {
			if (form == NULL)
				score_row(ctx, l, i);
			i++;
		} else {
			form_row(ctx, l, k++);
		}
	}
}

HANDLER(cmd_scores)
{
	const char *name = cmd_opt(e, a, "instrument");
	const struct instrument *only = NULL;
	struct score_list l;
	bool table = ctx->fmt == FMT_TABLE;

	/* A canonical (a URL, a urn) names a form; anything else an instrument. */
	bool form = name != NULL && strchr(name, ':') != NULL;

	if (name != NULL && !form && (only = instrument_find(name)) == NULL)
		return error_set(err, ERR_USAGE, _("'%s' is not an instrument ezrizi knows; use one of %s, or a form's canonical URL."),
				 name, instrument_ids());
	if (flag_user_front_desk(&ctx->session, err))
		return error_set(err, ERR_USAGE, _("A client's scores are clinical: a front desk does not see them."));
	error_clear(err);
	if (!scores_query(&ctx->session, a->argv[0], only, &l, err))
		return false;
	result_records(ctx->result, score_cols, table ? SCORE_NCOLS : SCORE_NCOLS - 1, _("No scores."));
	rows(ctx, &l, form ? name : NULL);
	if (table && l.skipped > 0) {
		char *said = xasprintf(ngettext("%zu score could not be read (no date, or no whole number in the instrument's range) and is left out.",
						"%zu scores could not be read (no date, or no whole number in the instrument's range) and are left out.",
						l.skipped), l.skipped);

		result_after(ctx->result, said);
		free(said);
	}
	score_list_finish(&l);
	return true;
}

const struct cmd_entry cmd_entry_scores = {
	.name = "scores",
	.usage = N_("PATIENT-ID"),
	.summary = N_("List a client's instrument scores and form totals, oldest first, with the change since the first of each."),
	.args = { 1, 1, { { KIND_PATIENT } } },
	.opts = scores_opts,
	.flags = CMD_SESSION,
	.exec = cmd_scores,
};
