/* test_instrument.c - the instruments' scoring: every band's edges, the
 * cut-off of each language (and the config's before it), the missing-answer
 * rules, the C-SSRS screener's skip logic and risk levels, and the answers'
 * parser. The figures are those of CLINICAL-NOTES.md, as src/instrument.c
 * cites them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/instrument.h"

#define M INSTR_MISSING

/* Answers that add up to total over n items of at most max each, filled
 * from the first item. */
static void
answers_of(int total, int n, int max, int *a)
{
	for (int i = 0; i < n; i++) {
		a[i] = total > max ? max : total;
		total -= a[i];
	}
}

static struct instr_score
score(const char *id, const int *a, int n, const char *lang)
{
	struct instr_score s;
	struct error err;

	error_clear(&err);
	assert_true(instrument_score(instrument_find(id), a, n, lang, NULL, &s, &err));
	return s;
}

static void
refused(const char *id, const int *a, int n, const char *what)
{
	struct instr_score s;
	struct error err;

	error_clear(&err);
	assert_false(instrument_score(instrument_find(id), a, n, NULL, NULL, &s, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	if (strstr(err.msg, what) == NULL)
		fail_msg("'%s' does not say '%s'", err.msg, what);
}

/* The band at every total, and that the edges are where the sources put them. */
static void
check_bands(const char *id, int n, int max, const int *edges, const char *const *codes, int n_bands,
	    int scale)
{
	int a[INSTR_MAX_ITEMS];

	for (int total = 0; total <= n * max; total++) {
		struct instr_score s;
		int want = 0;

		answers_of(total, n, max, a);
		s = score(id, a, n, NULL);
		assert_int_equal(s.score, total * scale);
		for (int b = 0; b < n_bands; b++) {
			if (total * scale >= edges[b])
				want = b;
		}
		assert_string_equal(s.band->code, codes[want]);
	}
}

static void
test_phq9_bands_and_item9(void **state)
{
	static const int edges[] = { 0, 5, 10, 15, 20 };
	static const char *const codes[] = { "minimal", "mild", "moderate", "moderately-severe", "severe" };
	int a[9] = { 0 };
	struct instr_score s;

	(void)state;
	check_bands("phq9", 9, 3, edges, codes, 5, 1);
	/* 4|5, 9|10, 14|15, 19|20, by hand. */
	answers_of(4, 9, 3, a);
	assert_string_equal(score("phq9", a, 9, NULL).band->code, "minimal");
	answers_of(5, 9, 3, a);
	assert_string_equal(score("phq9", a, 9, NULL).band->code, "mild");
	answers_of(19, 9, 3, a);
	assert_string_equal(score("phq9", a, 9, NULL).band->code, "moderately-severe");
	answers_of(20, 9, 3, a);
	assert_string_equal(score("phq9", a, 9, NULL).band->code, "severe");
	/* Item 9 above zero is a risk whatever the total; zero is not. */
	memset(a, 0, sizeof a);
	a[8] = 1;
	s = score("phq9", a, 9, NULL);
	assert_int_equal(s.score, 1);
	assert_string_equal(s.band->code, "minimal");
	assert_true(s.risk);
	a[8] = 0;
	a[0] = a[1] = a[2] = a[3] = a[4] = a[5] = a[6] = a[7] = 3;
	s = score("phq9", a, 9, NULL);
	assert_int_equal(s.score, 24);
	assert_false(s.risk);
	/* Item 9 not answered (one of the two allowed missing): no risk read into it. */
	a[8] = M;
	s = score("phq9", a, 9, NULL);
	assert_false(s.risk);
}

static void
test_phq9_missing_prorated(void **state)
{
	int a[9] = { 1, 1, 1, 1, 1, 1, 1, 2, M };
	struct instr_score s;

	(void)state;
	/* 9 answered as 8: the mean 9/8 for the ninth, 10.125 rounds to 10. */
	s = score("phq9", a, 9, NULL);
	assert_true(s.prorated);
	assert_int_equal(s.missing, 1);
	assert_int_equal(s.answered, 8);
	assert_int_equal(s.score, 10);
	assert_string_equal(s.band->code, "moderate");
	/* Two missing: 7 answered summing 7, the mean 1 each: 9. */
	int b[9] = { 1, 1, 1, 1, 1, 1, 1, M, M };
	s = score("phq9", b, 9, NULL);
	assert_int_equal(s.score, 9);
	/* Half rounds up: 7 answered summing 5 is 45/7 = 6.43, 6; summing 9 is 11.57, 12. */
	int c[9] = { 1, 1, 1, 1, 1, 0, 0, M, M };
	assert_int_equal(score("phq9", c, 9, NULL).score, 6);
	int d[9] = { 2, 2, 1, 1, 1, 1, 1, M, M };
	assert_int_equal(score("phq9", d, 9, NULL).score, 12);
	/* Three missing: refused. */
	int e[9] = { 1, 1, 1, 1, 1, 1, M, M, M };
	refused("phq9", e, 9, "at most 2 items missing");
	/* None given and all full: no proration. */
	int f[9] = { 3, 3, 3, 3, 3, 3, 3, 3, 3 };
	s = score("phq9", f, 9, NULL);
	assert_false(s.prorated);
	assert_int_equal(s.score, 27);
}

static void
test_gad7_bands_and_languages(void **state)
{
	static const int edges[] = { 0, 5, 10, 15 };
	static const char *const codes[] = { "minimal", "mild", "moderate", "severe" };
	int a[7];
	struct instr_score s;

	(void)state;
	check_bands("gad7", 7, 3, edges, codes, 4, 1);
	/* 8 and 9: positive for a Turkish-speaking client (Konkan 2013), not otherwise. */
	answers_of(8, 7, 3, a);
	s = score("gad7", a, 7, "tr");
	assert_int_equal(s.cutoff, 8);
	assert_true(s.cutoff_validated);
	assert_true(s.positive);
	s = score("gad7", a, 7, "tr-TR");
	assert_true(s.positive);
	answers_of(7, 7, 3, a);
	assert_false(score("gad7", a, 7, "tr").positive);
	answers_of(9, 7, 3, a);
	s = score("gad7", a, 7, "en");
	assert_int_equal(s.cutoff, 10);
	assert_false(s.cutoff_validated);
	assert_false(s.positive);
	assert_false(score("gad7", a, 7, "ur").positive);
	assert_false(score("gad7", a, 7, "ar").positive);
	assert_false(score("gad7", a, 7, "ms").positive);
	assert_false(score("gad7", a, 7, NULL).positive);
	/* "trk" is not Turkish's code here: the original's cut-off. */
	assert_int_equal(score("gad7", a, 7, "trk").cutoff, 10);
	answers_of(10, 7, 3, a);
	assert_true(score("gad7", a, 7, "en").positive);
	s = score("gad7", a, 7, "ur");
	assert_true(s.positive);
	assert_true(s.cutoff_validated);
	/* No rule for a missing answer: refused. */
	a[3] = M;
	refused("gad7", a, 7, "every item answered");
}

static void
test_config_cutoff_first(void **state)
{
	struct config *cfg = config_create();
	const struct instrument *gad7 = instrument_find("gad7");
	int a[7];
	struct instr_score s;
	struct error err;

	(void)state;
	error_clear(&err);
	assert_true(config_override(cfg, "gad7_cutoff", "12", &err));
	answers_of(11, 7, 3, a);
	assert_true(instrument_score(gad7, a, 7, "tr", cfg, &s, &err));
	assert_int_equal(s.cutoff, 12);
	assert_false(s.positive);
	assert_string_equal(s.cutoff_source, "config");
	answers_of(12, 7, 3, a);
	assert_true(instrument_score(gad7, a, 7, "tr", cfg, &s, &err));
	assert_true(s.positive);
	/* The key is checked like every other: out of range is refused. */
	assert_false(config_override(cfg, "gad7_cutoff", "22", &err));
	config_destroy(cfg);
}

static void
test_phq9_cutoff_per_language(void **state)
{
	int a[9];
	struct instr_score s;

	(void)state;
	answers_of(10, 9, 3, a);
	s = score("phq9", a, 9, "ms");
	assert_true(s.positive);
	assert_true(s.cutoff_validated);
	s = score("phq9", a, 9, "ar");
	assert_true(s.positive);
	assert_false(s.cutoff_validated);   /* no Arabic cut-off in the sources */
	answers_of(9, 9, 3, a);
	assert_false(score("phq9", a, 9, "ms").positive);
}

static void
test_who5_times_four(void **state)
{
	static const int edges[] = { 0, 52 };
	static const char *const codes[] = { "poor", "not-poor" };
	int a[5];
	struct instr_score s;

	(void)state;
	check_bands("who5", 5, 5, edges, codes, 2, 4);
	/* Raw 12 (48%) is poor well-being, raw 13 (52%) is not. */
	answers_of(12, 5, 5, a);
	s = score("who5", a, 5, NULL);
	assert_int_equal(s.score, 48);
	assert_true(s.positive);
	answers_of(13, 5, 5, a);
	s = score("who5", a, 5, NULL);
	assert_int_equal(s.score, 52);
	assert_false(s.positive);
	answers_of(25, 5, 5, a);
	assert_int_equal(score("who5", a, 5, NULL).score, 100);
	a[0] = 6;
	refused("who5", a, 5, "0 to 5");
}

static void
test_cssrs_skip_logic_and_levels(void **state)
{
	struct instr_score s;

	(void)state;
	/* No to everything asked: no risk; 3 to 5 are not asked after no on 2. */
	int none[6] = { 0, 0, M, M, M, 0 };
	s = score("cssrs", none, 6, NULL);
	assert_string_equal(s.band->code, "none");
	assert_false(s.positive);
	assert_false(s.risk);
	assert_int_equal(s.answered, 3);
	int wish[6] = { 1, 0, M, M, M, 0 };
	s = score("cssrs", wish, 6, NULL);
	assert_string_equal(s.band->code, "low");
	assert_true(s.risk);
	int thoughts[6] = { 1, 1, 0, 0, 0, 0 };
	assert_string_equal(score("cssrs", thoughts, 6, NULL).band->code, "low");
	int method[6] = { 1, 1, 1, 0, 0, 0 };
	assert_string_equal(score("cssrs", method, 6, NULL).band->code, "moderate");
	int intent[6] = { 1, 1, 1, 1, 0, 0 };
	assert_string_equal(score("cssrs", intent, 6, NULL).band->code, "high");
	int plan[6] = { 1, 1, 0, 0, 1, 0 };
	assert_string_equal(score("cssrs", plan, 6, NULL).band->code, "high");
	/* Behaviour: longer ago is moderate, in the past three months high. */
	int long_ago[6] = { 0, 0, M, M, M, 1 };
	assert_string_equal(score("cssrs", long_ago, 6, NULL).band->code, "moderate");
	int recent[6] = { 0, 0, M, M, M, 2 };
	s = score("cssrs", recent, 6, NULL);
	assert_string_equal(s.band->code, "high");
	assert_true(s.risk);
	/* The skip logic is held to. */
	int asked_anyway[6] = { 0, 0, 1, M, M, 0 };
	refused("cssrs", asked_anyway, 6, "not asked");
	int skipped[6] = { 1, 1, M, 0, 0, 0 };
	refused("cssrs", skipped, 6, "asked too");
	int no_six[6] = { 0, 0, M, M, M, M };
	refused("cssrs", no_six, 6, "1, 2 and 6");
	int three[6] = { 0, 0, M, M, M, 3 };
	refused("cssrs", three, 6, "0 to 2");
}

static void
test_counts_and_unknown(void **state)
{
	int a[10] = { 0 };

	(void)state;
	refused("phq9", a, 8, "PHQ-9 takes 9 answers, not 8");
	refused("phq9", a, 10, "PHQ-9 takes 9 answers, not 10");
	refused("gad7", a, 9, "GAD-7 takes 7 answers, not 9");
	a[2] = 4;
	refused("phq9", a, 9, "Answer 3 of PHQ-9 is 4");
	assert_null(instrument_find("phq-9"));
	assert_null(instrument_find(NULL));
	assert_non_null(instrument_find("cssrs"));
}

static void
test_parse_answers(void **state)
{
	int a[INSTR_MAX_ITEMS], n;
	struct error err;

	(void)state;
	error_clear(&err);
	assert_true(instrument_parse_answers("0,1,2,3", a, &n, &err));
	assert_int_equal(n, 4);
	assert_int_equal(a[3], 3);
	assert_true(instrument_parse_answers(" 1 , - ,,2", a, &n, &err));
	assert_int_equal(n, 4);
	assert_int_equal(a[1], M);
	assert_int_equal(a[2], M);
	assert_int_equal(a[3], 2);
	/* One a line, as --file gives them, a last newline or not. */
	assert_true(instrument_parse_answers("3\n2\r\n-\n1\n", a, &n, &err));
	assert_int_equal(n, 4);
	assert_int_equal(a[2], M);
	assert_int_equal(a[3], 1);
	assert_false(instrument_parse_answers("1,x,2", a, &n, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	assert_non_null(strstr(err.msg, "Answer 2 is 'x'"));
	error_clear(&err);
	assert_false(instrument_parse_answers("1,-2", a, &n, &err));
	error_clear(&err);
	assert_false(instrument_parse_answers("", a, &n, &err));
	error_clear(&err);
	assert_false(instrument_parse_answers("0,0,0,0,0,0,0,0,0,0,0", a, &n, &err));
	assert_non_null(strstr(err.msg, "More than 10"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phq9_bands_and_item9),
		cmocka_unit_test(test_phq9_missing_prorated),
		cmocka_unit_test(test_phq9_cutoff_per_language),
		cmocka_unit_test(test_gad7_bands_and_languages),
		cmocka_unit_test(test_config_cutoff_first),
		cmocka_unit_test(test_who5_times_four),
		cmocka_unit_test(test_cssrs_skip_logic_and_levels),
		cmocka_unit_test(test_counts_and_unknown),
		cmocka_unit_test(test_parse_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
