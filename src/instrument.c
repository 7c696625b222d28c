/* instrument.c - the instruments as data, and their scoring; see
 * include/core/instrument.h. Every figure names its source: CLINICAL-NOTES.md
 * (§3 "Clinical measurement facts", §1d "Crisis tools", "Validated
 * translations") and FHIR-NOTES.md ("Resources ezrizi uses", assessments). */
#include "core/instrument.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/xmalloc.h"

/* ---- PHQ-9 ---- */

/* FHIR-NOTES.md, assessments: panel 44249-1, total 44261-6, the items in
 * order, item 9 44260-8; answers LL358-3 0..3. */
static const struct instr_item phq9_items[] = {
	{ "1", "44250-9", 3 }, { "2", "44255-8", 3 }, { "3", "44259-0", 3 },
	{ "4", "44254-1", 3 }, { "5", "44251-7", 3 }, { "6", "44258-2", 3 },
	{ "7", "44252-5", 3 }, { "8", "44253-3", 3 }, { "9", "44260-8", 3 },
};

/* CLINICAL-NOTES.md §3: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19
 * moderately severe, 20 and over severe. */
static const struct instr_band phq9_bands[] = {
	{ 0, "minimal", N_("minimal") },
	{ 5, "mild", N_("mild") },
	{ 10, "moderate", N_("moderate") },
	{ 15, "moderately-severe", N_("moderately severe") },
	{ 20, "severe", N_("severe") },
	{ -1, NULL, NULL },
};

/* CLINICAL-NOTES.md, validated translations: only the Malay study gives a
 * cut-off (>= 10: sensitivity 87%, specificity 82% against the CIDI). */
static const struct instr_cutoff phq9_cutoffs[] = {
	{ "ms", 10, true, "Sherina, Arroll, Goodyear-Smith 2012, Med J Malaysia 67(3):309" },
	{ NULL, 0, false, NULL },
};

/* ---- GAD-7 ---- */

/* FHIR-NOTES.md, assessments: panel 69737-5 (CLINICAL-NOTES.md: not
 * confirmed from a source), total 70274-6, the items in order. */
static const struct instr_item gad7_items[] = {
	{ "1", "69725-0", 3 }, { "2", "68509-9", 3 }, { "3", "69733-4", 3 },
	{ "4", "69734-2", 3 }, { "5", "69735-9", 3 }, { "6", "69689-8", 3 },
	{ "7", "69736-7", 3 },
};

/* CLINICAL-NOTES.md §3: cut points 5/10/15 are mild/moderate/severe;
 * FHIR-NOTES.md: 0-4, 5-9, 10-14, 15-21. */
static const struct instr_band gad7_bands[] = {
	{ 0, "minimal", N_("minimal") },
	{ 5, "mild", N_("mild") },
	{ 10, "moderate", N_("moderate") },
	{ 15, "severe", N_("severe") },
	{ -1, NULL, NULL },
};

/* CLINICAL-NOTES.md, validated translations. */
static const struct instr_cutoff gad7_cutoffs[] = {
	{ "tr", 8, true, "Konkan et al. 2013, Noropsikiyatri Arsivi 50:53-58" },
	{ "ur", 10, true, "Khan, Madihie, Ali 2026 (UNIMAS)" },
	{ NULL, 0, false, NULL },
};

/* ---- WHO-5 ---- */

/* CLINICAL-NOTES.md §3: five items 0-5; no LOINC codes found. */
static const struct instr_item who5_items[] = {
	{ "1", NULL, 5 }, { "2", NULL, 5 }, { "3", NULL, 5 }, { "4", NULL, 5 }, { "5", NULL, 5 },
};

/* CLINICAL-NOTES.md §3: the raw score (0-25) times 4 is 0-100; a raw score
 * under 13 means poor well-being: 48 and under, in percent. */
static const struct instr_band who5_bands[] = {
	{ 0, "poor", N_("poor well-being") },
	{ 52, "not-poor", N_("above the poor well-being cut-off") },
	{ -1, NULL, NULL },
};

/* ---- C-SSRS screener ---- */

/* CLINICAL-NOTES.md §1d: six questions; FHIR-NOTES.md: items 93246-7
 * 93247-5 93248-3 93249-1 93250-9, then 93267-3 and 93269-9 for the sixth
 * (lifetime, past three months). Which code is which question is not
 * confirmed from a source, so no item carries one. */
static const struct instr_item cssrs_items[] = {
	{ "1", NULL, 1 }, { "2", NULL, 1 }, { "3", NULL, 1 },
	{ "4", NULL, 1 }, { "5", NULL, 1 }, { "6", NULL, 2 },
};

/* The screener's risk levels (CLINICAL-NOTES.md §1d: answers map to low,
 * moderate or high risk; yes on questions 3 to 5, or recent behaviour,
 * raises it to moderate or high). The band's min is the level. */
static const struct instr_band cssrs_bands[] = {
	{ 0, "none", N_("no risk identified") },
	{ 1, "low", N_("low risk") },
	{ 2, "moderate", N_("moderate risk") },
	{ 3, "high", N_("high risk") },
	{ -1, NULL, NULL },
};

static const struct instrument phq9 = {
	.id = "phq9", .name = "PHQ-9",
	.panel_code = "44249-1", .panel_verified = true,
	.total_code = "44261-6", .total_display = "PHQ-9 total score",
	.n_items = 9, .items = phq9_items, .rule = RULE_SUM,
	/* CLINICAL-NOTES.md §3: scored with up to 2 items missing, using the
	 * mean of the answered items. */
	.max_missing = 2,
	.bands = phq9_bands,
	.cutoff = 10, .cutoff_source = "the start of the moderate band (CLINICAL-NOTES.md §3)",
	.cutoffs = phq9_cutoffs, .cutoff_key = "phq9_cutoff",
	/* Item 9: any positive answer needs immediate clinical evaluation
	 * whatever the total (CLINICAL-NOTES.md §3). */
	.risk_item = 8,
};

static const struct instrument gad7 = {
	.id = "gad7", .name = "GAD-7",
	.panel_code = "69737-5", .panel_verified = false,
	.total_code = "70274-6", .total_display = "GAD-7 total score",
	.n_items = 7, .items = gad7_items, .rule = RULE_SUM,
	.max_missing = 0,   /* no rule for missing answers in the sources: refused */
	.bands = gad7_bands,
	.cutoff = 10, .cutoff_source = "Spitzer et al. 2006, Arch Intern Med 166:1092",
	.cutoffs = gad7_cutoffs, .cutoff_key = "gad7_cutoff",
	.risk_item = -1,
};

static const struct instrument who5 = {
	.id = "who5", .name = "WHO-5",
	.panel_code = NULL, .panel_verified = false,
	.total_code = NULL,
	.n_items = 5, .items = who5_items, .rule = RULE_SUM_TIMES_4,
	.max_missing = 0,   /* no rule for missing answers in the sources: refused */
	.bands = who5_bands,
	.cutoff = 52, .cutoff_source = "Topp et al. 2015, Psychother Psychosom 84:167 (raw under 13)",
	.lower_is_worse = true,
	.risk_item = -1,
};

static const struct instrument cssrs = {
	.id = "cssrs", .name = "C-SSRS screener",
	.panel_code = NULL, .panel_verified = false,
	.total_code = "93374-7", .total_display = "Suicide risk level",
	.n_items = 6, .items = cssrs_items, .rule = RULE_CSSRS,
	.bands = cssrs_bands,
	.cutoff = 1, .cutoff_source = "any yes (CLINICAL-NOTES.md §1d)",
	.risk_item = -1,
};

static const struct instrument *const all[] = { &phq9, &gad7, &who5, &cssrs };

const struct instrument *const *
instrument_all(size_t *n)
{
	*n = sizeof all / sizeof all[0];
	return all;
}

const struct instrument *
instrument_find(const char *id)
{
	for (size_t i = 0; id != NULL && i < sizeof all / sizeof all[0]; i++) {
		if (strcmp(all[i]->id, id) == 0)
			return all[i];
	}
	return NULL;
}

const char *
instrument_ids(void)
{
	return "phq9, gad7, who5, cssrs";
}

/* The band score falls in. */
static const struct instr_band *
band_of(const struct instrument *in, int score)
{
	const struct instr_band *b = &in->bands[0];

	for (const struct instr_band *p = in->bands; p->code != NULL; p++) {
		if (score >= p->min)
			b = p;
	}
	return b;
}

/* The cut-off for lang: the config's, else the language's study's, else the
 * original's. */
static void
cutoff_for(const struct instrument *in, const char *lang, const struct config *cfg, struct instr_score *out)
{
	out->cutoff = in->cutoff;
	out->cutoff_validated = false;
	out->cutoff_source = in->cutoff_source;
	for (const struct instr_cutoff *c = in->cutoffs; c != NULL && c->lang != NULL; c++) {
		if (lang != NULL && strncmp(lang, c->lang, 2) == 0 && (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_')) {
			out->cutoff = c->at;
			out->cutoff_validated = c->validated;
			out->cutoff_source = c->source;
		}
	}
	if (cfg != NULL && in->cutoff_key != NULL && config_get(cfg, in->cutoff_key) != NULL) {
		out->cutoff = (int)config_get_long(cfg, in->cutoff_key, in->cutoff);
		out->cutoff_validated = false;
		out->cutoff_source = "config";
	}
}

/* The C-SSRS screener: questions 1, 2 and 6 always; 3 to 5 only when 2 is
 * yes (CLINICAL-NOTES.md §1d). The level: high for yes on 4 or 5 or
 * behaviour in the past three months; moderate for yes on 3 or behaviour
 * longer ago; low for yes on 1 or 2 alone; none for no to all. */
static bool
score_cssrs(const struct instrument *in, const int *a, struct instr_score *out, struct error *err)
{
	int level = 0;

	if (a[0] == INSTR_MISSING || a[1] == INSTR_MISSING || a[5] == INSTR_MISSING)
		return error_set(err, ERR_USAGE, _("The C-SSRS screener always asks questions 1, 2 and 6; answer each of them."));
	for (int i = 2; i < 5; i++) {
		if (a[1] == 1 && a[i] == INSTR_MISSING)
			return error_set(err, ERR_USAGE, _("Question 2 was answered yes, so questions 3 to 5 are asked too; answer each of them."));
		if (a[1] == 0 && a[i] != INSTR_MISSING)
			return error_set(err, ERR_USAGE, _("Question 2 was answered no, so questions 3 to 5 are not asked; give '-' for each of them."));
	}
	out->answered = a[1] == 1 ? 6 : 3;
	if (a[0] == 1 || a[1] == 1)
		level = 1;
	if (a[1] == 1 && a[2] == 1)
		level = 2;
	if (a[5] == 1 && level < 2)
		level = 2;
	if ((a[1] == 1 && (a[3] == 1 || a[4] == 1)) || a[5] == 2)
		level = 3;
	out->score = -1;
	out->band = band_of(in, level);
	out->cutoff = in->cutoff;
	out->cutoff_source = in->cutoff_source;
	out->positive = level >= in->cutoff;
	out->risk = out->positive;
	return true;
}

bool
instrument_score(const struct instrument *in, const int *answers, int n, const char *lang,
		 const struct config *cfg, struct instr_score *out, struct error *err)
{
	int sum = 0;

	memset(out, 0, sizeof *out);
	out->cutoff = -1;
	if (n != in->n_items)
		return error_set(err, ERR_USAGE,
				 ngettext("%s takes %d answer, not %d.",
					  "%s takes %d answers, not %d.", in->n_items),
				 in->name, in->n_items, n);
	for (int i = 0; i < n; i++) {
		if (answers[i] != INSTR_MISSING && (answers[i] < 0 || answers[i] > in->items[i].max))
			return error_set(err, ERR_USAGE, _("Answer %d of %s is %d; it must be 0 to %d, or '-' when not given."),
					 i + 1, in->name, answers[i], in->items[i].max);
	}
	if (in->rule == RULE_CSSRS)
		return score_cssrs(in, answers, out, err);
	for (int i = 0; i < n; i++) {
		if (answers[i] == INSTR_MISSING) {
			out->missing++;
			continue;
		}
		out->answered++;
		sum += answers[i];
	}
	if (out->missing > in->max_missing) {
		if (in->max_missing == 0)
			return error_set(err, ERR_USAGE, _("%s is scored only with every item answered."), in->name);
		return error_set(err, ERR_USAGE,
				 ngettext("%s is scored with at most %d item missing; %d are.",
					  "%s is scored with at most %d items missing; %d are.", in->max_missing),
				 in->name, in->max_missing, out->missing);
	}
	if (out->missing > 0) {
		/* The mean of the answered items for each missing one, rounded
		 * to the nearest whole point (half up). */
		sum = (sum * in->n_items * 2 + out->answered) / (out->answered * 2);
		out->prorated = true;
	}
	out->score = in->rule == RULE_SUM_TIMES_4 ? sum * 4 : sum;
	out->band = band_of(in, out->score);
	cutoff_for(in, lang, cfg, out);
	out->positive = in->lower_is_worse ? out->score < out->cutoff : out->score >= out->cutoff;
	if (in->risk_item >= 0 && answers[in->risk_item] != INSTR_MISSING && answers[in->risk_item] > 0)
		out->risk = true;
	return true;
}

bool
instrument_parse_answers(const char *text, int answers[INSTR_MAX_ITEMS], int *n, struct error *err)
{
	const char *p = text;

	*n = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '\n')
		return error_set(err, ERR_USAGE, _("No answers were given."));
	for (;;) {
		const char *start, *end;
		int v = 0;

		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		start = p;
		while (*p != '\0' && *p != ',' && *p != '\n')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			end--;
		if (*n == INSTR_MAX_ITEMS)
			return error_set(err, ERR_USAGE, _("More than %d answers were given."), INSTR_MAX_ITEMS);
		if (end == start || (end - start == 1 && *start == '-')) {
			v = INSTR_MISSING;
		} else {
			for (const char *q = start; q < end; q++) {
				if (!isdigit((unsigned char)*q) || v > 99)
					return error_set(err, ERR_USAGE, _("Answer %d is '%.*s'; an answer is a whole number, or '-' when not given."),
							 *n + 1, (int)(end - start), start);
				v = v * 10 + (*q - '0');
			}
		}
		answers[(*n)++] = v;
		if (*p == '\0' || (*p == '\n' && p[1] == '\0'))
			break;
		p++;
	}
	return true;
}
