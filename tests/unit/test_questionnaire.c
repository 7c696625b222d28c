/* test_questionnaire.c - a platform's form read and asked: the item types
 * and the refusals, enableWhen (each operator, all and any, a group's
 * condition over its items), the answers' parser and its escapes, the total
 * from ordinalValue and itemWeight, the response nested as the form is, and
 * a known instrument's form with the server's wording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/instrument.h"
#include "core/json.h"
#include "core/questionnaire.h"

#define ORD "\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/ordinalValue\",\"valueDecimal\":"

static const char form_json[] =
	"{\"resourceType\":\"Questionnaire\",\"id\":\"f\",\"url\":\"urn:f\",\"version\":\"2\",\"item\":["
	"{\"linkId\":\"d\",\"type\":\"display\",\"text\":\"Hello\"},"
	"{\"linkId\":\"b\",\"type\":\"boolean\",\"required\":true},"
	"{\"linkId\":\"n\",\"type\":\"integer\",\"enableWhen\":[{\"question\":\"b\",\"operator\":\"=\",\"answerBoolean\":false}]},"
	"{\"linkId\":\"g\",\"type\":\"group\",\"enableWhen\":[{\"question\":\"n\",\"operator\":\"<\",\"answerInteger\":10},"
	"{\"question\":\"b\",\"operator\":\"=\",\"answerBoolean\":true}],\"enableBehavior\":\"any\",\"item\":["
	"{\"linkId\":\"c1\",\"type\":\"choice\",\"answerOption\":[{\"valueCoding\":{\"code\":\"x\"}," ORD "0}]},"
	"{\"valueCoding\":{\"code\":\"y\"}," ORD "2}]}]},"
	"{\"linkId\":\"c2\",\"type\":\"choice\",\"answerOption\":[{\"valueCoding\":{\"code\":\"p\"," ORD "1}]}},"
	"{\"valueCoding\":{\"code\":\"q\",\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/itemWeight\",\"valueDecimal\":3.5}]}}]}]},"
	"{\"linkId\":\"s\",\"type\":\"string\",\"enableWhen\":[{\"question\":\"c1\",\"operator\":\"exists\",\"answerBoolean\":true}]}"
	"]}";

static void
load(const char *text, struct questionnaire *q)
{
	struct error err;
	cJSON *res;

	error_clear(&err);
	res = json_parse(text, strlen(text), "test", &err);
	assert_non_null(res);
	assert_true(questionnaire_from_json(res, q, &err));
	cJSON_Delete(res);
}

static void
refused(const char *text, const char *want)
{
	struct questionnaire q;
	struct error err;
	cJSON *res;

	error_clear(&err);
	res = json_parse(text, strlen(text), "test", &err);
	assert_non_null(res);
	assert_false(questionnaire_from_json(res, &q, &err));
	if (strstr(err.msg, want) == NULL)
		fail_msg("wanted '%s' in '%s'", want, err.msg);
	questionnaire_finish(&q);
	cJSON_Delete(res);
}

static void
test_reads_the_items(void **state)
{
	struct questionnaire q;

	(void)state;
	load(form_json, &q);
	assert_int_equal(q.n_items, 7);
	assert_int_equal(q.n_asked, 5);
	assert_true(q.weighted);
	assert_string_equal(q.items[4].link_id, "c1");
	assert_int_equal(q.items[4].depth, 1);
	assert_int_equal(q.items[4].parent, 3);
	assert_true(q.items[5].options[1].weighted);
	assert_true(q.items[5].options[1].weight == 3.5);   /* itemWeight on the coding */
	assert_true(q.items[5].options[0].weight == 1);     /* ordinalValue on the coding */
	questionnaire_finish(&q);
}

static void
test_refuses_what_it_cannot_give(void **state)
{
	(void)state;
	refused("{\"resourceType\":\"Questionnaire\",\"id\":\"f\",\"item\":[{\"linkId\":\"a\",\"type\":\"date\"}]}",
		"Item a asks for a date");
	refused("{\"resourceType\":\"Questionnaire\",\"id\":\"f\",\"item\":[{\"linkId\":\"a\",\"type\":\"choice\",\"repeats\":true,"
		"\"answerOption\":[{\"valueString\":\"x\"}]}]}", "more than one answer");
	refused("{\"resourceType\":\"Questionnaire\",\"id\":\"f\",\"item\":[{\"linkId\":\"a\",\"type\":\"choice\"}]}",
		"no answers to choose from");
	refused("{\"resourceType\":\"Questionnaire\",\"id\":\"f\",\"item\":[{\"linkId\":\"a\",\"type\":\"string\"},"
		"{\"linkId\":\"a\",\"type\":\"string\"}]}", "appears twice");
	refused("{\"resourceType\":\"Questionnaire\",\"id\":\"f\",\"item\":[{\"linkId\":\"a\",\"type\":\"string\","
		"\"enableWhen\":[{\"question\":\"b\",\"operator\":\"~\",\"answerBoolean\":true}]}]}", "condition ezrizi cannot read");
	refused("{\"resourceType\":\"Questionnaire\",\"id\":\"f\",\"item\":[{\"linkId\":\"d\",\"type\":\"display\"}]}",
		"asks nothing");
	refused("{\"resourceType\":\"Patient\",\"id\":\"f\"}", "something else");
	{
		/* Nested deeper than QN_MAX_DEPTH. */
		char buf[2048] = "{\"resourceType\":\"Questionnaire\",\"id\":\"f\",\"item\":[";

		for (int i = 0; i < QN_MAX_DEPTH; i++)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "{\"linkId\":\"g%d\",\"type\":\"group\",\"item\":[", i);
		strcat(buf, "{\"linkId\":\"x\",\"type\":\"string\"}");
		for (int i = 0; i < QN_MAX_DEPTH; i++)
			strcat(buf, "]}");
		strcat(buf, "]}");
		refused(buf, "nested deeper");
	}
}

static bool
parse(const struct questionnaire *q, const char *text, struct qn_answer *ans, struct error *err)
{
	error_clear(err);
	return questionnaire_parse_answers(q, text, ans, err);
}

static void
test_enable_when(void **state)
{
	struct questionnaire q;
	struct qn_answer ans[7];
	struct error err;

	(void)state;
	load(form_json, &q);
	/* b yes: n not asked; the group asked (any: b = true). */
	assert_true(parse(&q, "yes,-,2,q,hi", ans, &err));
	assert_false(questionnaire_enabled(&q, ans, 2));
	assert_true(questionnaire_enabled(&q, ans, 4));
	assert_true(questionnaire_enabled(&q, ans, 6));     /* c1 exists */
	questionnaire_answers_finish(&q, ans);
	/* b no, n 12: the group is not asked (neither condition), so c1 and
	 * c2 are not, nor s (c1 does not exist). */
	assert_true(parse(&q, "no,12,-,-,-", ans, &err));
	for (size_t i = 3; i < 7; i++)
		assert_false(questionnaire_enabled(&q, ans, i));
	questionnaire_answers_finish(&q, ans);
	assert_false(parse(&q, "no,12,1,-,-", ans, &err));
	assert_non_null(strstr(err.msg, "Item c1 is not asked"));
	questionnaire_answers_finish(&q, ans);
	/* n 9 < 10: asked again. */
	assert_true(parse(&q, "no,9,1,1,-", ans, &err));
	assert_true(questionnaire_enabled(&q, ans, 4));
	assert_true(questionnaire_enabled(&q, ans, 6));       /* c1 answered */
	questionnaire_answers_finish(&q, ans);
	/* Required. */
	assert_false(parse(&q, "-,-,-,-,-", ans, &err));
	assert_non_null(strstr(err.msg, "Item b must be answered"));
	questionnaire_answers_finish(&q, ans);
	questionnaire_finish(&q);
}

static void
test_operators(void **state)
{
	static const struct { const char *op, *answer; int given; bool on; } cases[] = {
		{ ">", "5", 6, true }, { ">", "5", 5, false }, { ">=", "5", 5, true }, { "<", "5", 5, false },
		{ "<=", "5", 5, true }, { "!=", "5", 5, false }, { "!=", "5", 4, true }, { "=", "5", 5, true },
		{ "!=", "5", -1, true }, { "=", "5", -1, false },
	};

	(void)state;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		char text[512], ans_text[16];
		struct questionnaire q;
		struct qn_answer ans[2];
		struct error err;

		snprintf(text, sizeof text, "{\"resourceType\":\"Questionnaire\",\"id\":\"f\",\"item\":["
			 "{\"linkId\":\"n\",\"type\":\"integer\"},{\"linkId\":\"m\",\"type\":\"string\","
			 "\"enableWhen\":[{\"question\":\"n\",\"operator\":\"%s\",\"answerInteger\":%s}]}]}",
			 cases[k].op, cases[k].answer);
		load(text, &q);
		if (cases[k].given >= 0)
			snprintf(ans_text, sizeof ans_text, "%d,-", cases[k].given);
		else
			snprintf(ans_text, sizeof ans_text, "-,-");
		assert_true(parse(&q, ans_text, ans, &err));
		if (questionnaire_enabled(&q, ans, 1) != cases[k].on)
			fail_msg("n %s %s with n = %d", cases[k].op, cases[k].answer, cases[k].given);
		questionnaire_answers_finish(&q, ans);
		questionnaire_finish(&q);
	}
}

static void
test_answers_and_escapes(void **state)
{
	struct questionnaire q;
	struct qn_answer ans[7];
	struct error err;
	char *back;

	(void)state;
	load(form_json, &q);
	assert_true(parse(&q, "yes,-,y,2, a\\, b \\\\ c ", ans, &err));
	assert_int_equal(ans[4].option, 1);                 /* by code */
	assert_int_equal(ans[5].option, 1);                 /* by number */
	assert_string_equal(ans[6].v.str, "a, b \\ c");
	back = questionnaire_answers_text(&q, ans);
	assert_string_equal(back, "yes,-,2,2,a\\, b \\\\ c");
	free(back);
	questionnaire_answers_finish(&q, ans);
	/* One a line: taken as they are, commas and all. */
	assert_true(parse(&q, "yes\n-\n1\n1\na, b\n", ans, &err));
	assert_string_equal(ans[6].v.str, "a, b");
	questionnaire_answers_finish(&q, ans);
	assert_false(parse(&q, "yes,-,1,1", ans, &err));
	assert_non_null(strstr(err.msg, "The form asks 5 items; 4 answers"));
	questionnaire_answers_finish(&q, ans);
	assert_false(parse(&q, "yes,-,1,1,x,y", ans, &err));
	assert_non_null(strstr(err.msg, "more answers"));
	questionnaire_answers_finish(&q, ans);
	assert_false(parse(&q, "maybe,-,1,1,x", ans, &err));
	assert_non_null(strstr(err.msg, "Item b takes yes or no"));
	questionnaire_answers_finish(&q, ans);
	assert_false(parse(&q, "yes,-,3,1,x", ans, &err));
	assert_non_null(strstr(err.msg, "1 to 2"));
	questionnaire_answers_finish(&q, ans);
	questionnaire_finish(&q);
}

static void
test_total(void **state)
{
	struct questionnaire q;
	struct qn_answer ans[7];
	struct error err;
	const char *missing;
	double t = -1;

	(void)state;
	load(form_json, &q);
	assert_true(parse(&q, "yes,-,2,2,-", ans, &err));
	assert_true(questionnaire_total(&q, ans, &t, NULL));
	assert_true(t == 5.5);
	questionnaire_answers_finish(&q, ans);
	assert_true(parse(&q, "yes,-,2,-,-", ans, &err));
	assert_false(questionnaire_total(&q, ans, &t, &missing));
	assert_string_equal(missing, "c2");
	questionnaire_answers_finish(&q, ans);
	/* The group not asked: nothing counts, a total of 0. */
	assert_true(parse(&q, "no,50,-,-,-", ans, &err));
	assert_true(questionnaire_total(&q, ans, &t, NULL));
	assert_true(t == 0);
	questionnaire_answers_finish(&q, ans);
	questionnaire_finish(&q);
}

static void
test_response_nested(void **state)
{
	struct questionnaire q;
	struct qn_answer ans[7];
	struct error err;
	cJSON *items;
	char *s;

	(void)state;
	load(form_json, &q);
	assert_true(parse(&q, "yes,-,1,-,ok", ans, &err));
	items = questionnaire_response_items(&q, ans);
	s = json_print(items);
	assert_string_equal(s, "[{\"linkId\":\"b\",\"answer\":[{\"valueBoolean\":true}]},"
			    "{\"linkId\":\"g\",\"item\":[{\"linkId\":\"c1\",\"answer\":[{\"valueCoding\":{\"code\":\"x\"}}]}]},"
			    "{\"linkId\":\"s\",\"answer\":[{\"valueString\":\"ok\"}]}]");
	cJSON_free(s);
	cJSON_Delete(items);
	questionnaire_answers_finish(&q, ans);
	questionnaire_finish(&q);
}

static void
test_instrument_with_server_wording(void **state)
{
	struct questionnaire server, q;

	(void)state;
	load("{\"resourceType\":\"Questionnaire\",\"id\":\"p\",\"url\":\"http://loinc.org/q/44249-1\",\"version\":\"7\",\"item\":["
	     "{\"linkId\":\"q9\",\"type\":\"choice\",\"code\":[{\"system\":\"http://loinc.org\",\"code\":\"44260-8\"}],\"text\":\"Nine\","
	     "\"answerOption\":[{\"valueCoding\":{\"code\":\"a\",\"display\":\"A0\"}},{\"valueCoding\":{\"code\":\"b\",\"display\":\"A1\"}},"
	     "{\"valueCoding\":{\"code\":\"c\",\"display\":\"A2\"}},{\"valueCoding\":{\"code\":\"d\",\"display\":\"A3\"}}]}]}", &server);
	questionnaire_of_instrument(instrument_find("phq9"), &server, &q);
	assert_int_equal(q.n_asked, 9);
	assert_string_equal(q.version, "7");
	assert_null(q.items[0].text);                       /* no item of its code on the server */
	assert_string_equal(q.items[8].text, "Nine");       /* matched by LOINC code, not linkId */
	assert_string_equal(q.items[8].options[1].v.display, "A1");
	assert_string_equal(q.items[8].options[1].v.code, "LA6569-3");   /* the answer's code stays LOINC's */
	assert_string_equal(q.items[0].options[3].v.display, "Nearly every day");
	questionnaire_finish(&q);
	questionnaire_finish(&server);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_the_items),
		cmocka_unit_test(test_refuses_what_it_cannot_give),
		cmocka_unit_test(test_enable_when),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_answers_and_escapes),
		cmocka_unit_test(test_total),
		cmocka_unit_test(test_response_nested),
		cmocka_unit_test(test_instrument_with_server_wording),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
