/* test_scores.c - Observations read back as scores (the instrument from the
 * total's LOINC code or ezrizi's own, the band, oldest first; what is not
 * ours left out quietly, what is ours but unreadable left out and counted,
 * one instrument alone), each instrument's highest score, and the sparkline
 * and the bar scaled to it, in UTF-8 and in ASCII. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/instrument.h"
#include "core/json.h"
#include "core/scores.h"

/* An Observation as assess.c writes it; value is JSON text (or NULL). */
static char *
obs(const char *id, const char *system, const char *code, const char *when, const char *value,
    const char *band)
{
	char *s = NULL;

	assert_true(asprintf(&s,
		"{\"resourceType\":\"Observation\",\"id\":\"%s\",\"status\":\"final\","
		"\"code\":{\"coding\":[{\"system\":\"%s\",\"code\":\"%s\"}]},"
		"\"effectiveDateTime\":\"%s\"%s%s%s"
		",\"interpretation\":[{\"coding\":[{\"system\":\"urn:ezrizi:band\",\"code\":\"%s\"}]}]}",
		id, system, code, when, value != NULL ? ",\"valueInteger\":" : "",
		value != NULL ? value : "", "", band) > 0);
	return s;
}

static cJSON *
array_of(char **v, size_t n)
{
	cJSON *all = cJSON_CreateArray();
	struct error err;

	for (size_t i = 0; i < n; i++) {
		error_clear(&err);
		cJSON_AddItemToArray(all, json_parse(v[i], strlen(v[i]), "test", &err));
		free(v[i]);
	}
	return all;
}

static void
test_mapping(void **state)
{
	char *v[] = {
		obs("b", "http://loinc.org", "44261-6", "2026-11-20T10:00:00Z", "12", "moderate"),
		obs("a", "http://loinc.org", "44261-6", "2026-11-01T10:00:00Z", "5", "mild"),
		obs("g", "http://loinc.org", "70274-6", "2026-11-10T10:00:00Z", "15", "severe"),
		obs("w", "urn:ezrizi:instrument", "who5", "2026-11-05T10:00:00Z", "60", "not-poor"),
		/* not ours: a blood pressure, an instrument we do not know */
		obs("bp", "http://loinc.org", "8480-6", "2026-11-05T10:00:00Z", "120", "x"),
		obs("k10", "urn:ezrizi:instrument", "k10", "2026-11-05T10:00:00Z", "20", "x"),
		/* ours, unreadable: no value, a fraction, out of range, no date */
		obs("m1", "http://loinc.org", "44261-6", "2026-11-05T10:00:00Z", NULL, "mild"),
		obs("m2", "http://loinc.org", "44261-6", "2026-11-05T10:00:00Z", "4.5", "mild"),
		obs("m3", "http://loinc.org", "44261-6", "2026-11-05T10:00:00Z", "28", "severe"),
		obs("m4", "http://loinc.org", "70274-6", "", "3", "minimal"),
		obs("m5", "http://loinc.org", "70274-6", "2026-11-05T10:00:00Z", "\"3\"", "minimal"),
	};
	cJSON *all = array_of(v, sizeof v / sizeof v[0]);
	struct score_list l;

	(void)state;
	scores_from_resources(all, NULL, &l);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.skipped, 5);
	assert_string_equal(l.v[0].id, "a");      /* oldest first */
	assert_string_equal(l.v[0].in->id, "phq9");
	assert_int_equal(l.v[0].score, 5);
	assert_string_equal(l.v[0].band, "mild");
	assert_string_equal(l.v[1].in->id, "who5");
	assert_string_equal(l.v[2].in->id, "gad7");
	assert_string_equal(score_band_label(&l.v[2]), "severe");
	assert_string_equal(l.v[3].id, "b");
	assert_int_equal(l.v[3].score, 12);
	score_list_finish(&l);

	scores_from_resources(all, instrument_find("gad7"), &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].id, "g");
	assert_int_equal(l.skipped, 2);           /* only gad7's unreadable ones */
	score_list_finish(&l);
	cJSON_Delete(all);
}

static void
test_withdrawn_twice_and_cssrs(void **state)
{
	const char *cssrs = "{\"resourceType\":\"Observation\",\"id\":\"c\",\"status\":\"final\","
		"\"code\":{\"coding\":[{\"system\":\"urn:ezrizi:instrument\",\"code\":\"cssrs\"}]},"
		"\"effectiveDateTime\":\"2026-11-02T10:00:00Z\","
		"\"valueCodeableConcept\":{\"coding\":[{\"system\":\"urn:ezrizi:band\",\"code\":\"high\"}]}}";
	char *v[] = {
		obs("a", "http://loinc.org", "44261-6", "2026-11-01T10:00:00Z", "5", "mild"),
		obs("a", "http://loinc.org", "44261-6", "2026-11-01T10:00:00Z", "5", "mild"),
		strdup(cssrs),
		obs("e", "http://loinc.org", "44261-6", "2026-11-03T10:00:00Z", "9", "mild"),
	};
	cJSON *all = array_of(v, 4), *e = cJSON_GetArrayItem(all, 3);
	struct score_list l;
	const struct score unknown = { .in = instrument_find("phq9"), .band = "\x1b[31mred" };

	(void)state;
	json_put_str(e, "status", "entered-in-error");
	scores_from_resources(all, NULL, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.skipped, 0);
	assert_int_equal(l.v[1].score, -1);
	assert_int_equal(score_level(&l.v[1]), 3);
	assert_string_equal(score_band_label(&l.v[1]), "high risk");
	score_list_finish(&l);
	cJSON_Delete(all);
	/* A band the instrument does not have comes back as it came: the
	 * output sanitises it. */
	assert_string_equal(score_band_label(&unknown), "\x1b[31mred");
}

static void
test_max_scores(void **state)
{
	(void)state;
	assert_int_equal(instrument_max_score(instrument_find("phq9")), 27);
	assert_int_equal(instrument_max_score(instrument_find("gad7")), 21);
	assert_int_equal(instrument_max_score(instrument_find("who5")), 100);
	assert_int_equal(instrument_max_score(instrument_find("cssrs")), 3);
}

static void
test_sparkline(void **state)
{
	int v[] = { 0, 27, 14, 1, 23, -1, 3 };
	char *s;

	(void)state;
	s = scores_sparkline(v, 7, 27, true);
	assert_string_equal(s, "▁█▅▂▇ ▂");
	free(s);
	s = scores_sparkline(v, 7, 27, false);
	assert_string_equal(s, "_#=.* .");
	free(s);
	s = scores_sparkline(v, 0, 27, true);
	assert_string_equal(s, "");
	free(s);
	/* Above the max (a server's) is the top, not past it. */
	v[0] = 40;
	s = scores_sparkline(v, 1, 27, true);
	assert_string_equal(s, "█");
	free(s);
}

static void
test_bar(void **state)
{
	char *s;

	(void)state;
	s = scores_bar(27, 27, 10, true, false);
	assert_string_equal(s, "██████████");
	free(s);
	s = scores_bar(5, 20, 10, true, false);    /* 2.5 cells */
	assert_string_equal(s, "██▌");
	free(s);
	s = scores_bar(5, 20, 10, false, false);   /* whole cells, up */
	assert_string_equal(s, "###");
	free(s);
	s = scores_bar(1, 100, 10, true, false);   /* above zero is seen */
	assert_string_equal(s, "▏");
	free(s);
	s = scores_bar(0, 27, 10, true, false);
	assert_string_equal(s, "");
	free(s);
}

/* A bar drawn from the right (a right-to-left screen) ends in a part-cell
 * that fills from the right, so it stays joined to the whole cells. */
static void
test_bar_from_right(void **state)
{
	char *s;

	(void)state;
	s = scores_bar(5, 20, 10, true, true);    /* 2.5 cells: a right half */
	assert_string_equal(s, "██▐");
	free(s);
	s = scores_bar(1, 100, 10, true, true);   /* above zero is seen */
	assert_string_equal(s, "▕");
	free(s);
	s = scores_bar(7, 8, 1, true, true);      /* seven eighths: a whole cell */
	assert_string_equal(s, "█");
	free(s);
	s = scores_bar(27, 27, 4, true, true);
	assert_string_equal(s, "████");
	free(s);
}

/* same_second_scores_in_saved_order: two forms entered in one second sort
 * as the server saved them (meta.lastUpdated keeps the milliseconds), not
 * by their random ids. */
static void
test_same_second_scores_in_saved_order(void **state)
{
	char *v[] = {
		obs("a-later", "http://loinc.org", "44261-6", "2026-11-20T10:00:00Z", "18", "moderately-severe"),
		obs("z-first", "http://loinc.org", "44261-6", "2026-11-20T10:00:00Z", "12", "moderate"),
	};
	cJSON *all, *meta;
	struct score_list l;

	(void)state;
	all = array_of(v, 2);
	meta = cJSON_CreateObject();
	cJSON_AddStringToObject(meta, "lastUpdated", "2026-11-20T10:00:00.900Z");
	cJSON_AddItemToObject(cJSON_GetArrayItem(all, 0), "meta", meta);
	meta = cJSON_CreateObject();
	cJSON_AddStringToObject(meta, "lastUpdated", "2026-11-20T10:00:00.100Z");
	cJSON_AddItemToObject(cJSON_GetArrayItem(all, 1), "meta", meta);
	scores_from_resources(all, NULL, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].id, "z-first");
	assert_string_equal(l.v[1].id, "a-later");
	score_list_finish(&l);
	cJSON_Delete(all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_same_second_scores_in_saved_order),
		cmocka_unit_test(test_withdrawn_twice_and_cssrs),
		cmocka_unit_test(test_max_scores),
		cmocka_unit_test(test_sparkline),
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_bar_from_right),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
