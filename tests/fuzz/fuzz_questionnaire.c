/* fuzz_questionnaire.c - a server's Questionnaire (core/questionnaire.h) on
 * any bytes: the first line is the answers, the rest the form's JSON. No
 * crash, no leak; a form read has its limits kept (items, depth, options,
 * parents before their items); answers parsed are given only to items asked,
 * write back to text that parses to the same, and make a response and a
 * total without harm. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/questionnaire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
answers(const struct questionnaire *q, const char *text)
{
	struct qn_answer *ans = calloc(q->n_items, sizeof *ans), *again = calloc(q->n_items, sizeof *again);
	struct error err;
	double total;
	char *back;
	cJSON *items;

	if (ans == NULL || again == NULL)
		abort();
	error_clear(&err);
	if (questionnaire_parse_answers(q, text, ans, &err)) {
		for (size_t i = 0; i < q->n_items; i++) {
			if (ans[i].given && !questionnaire_enabled(q, ans, i))
				abort();
		}
		back = questionnaire_answers_text(q, ans);
		error_clear(&err);
		if (!questionnaire_parse_answers(q, back, again, &err))
			abort();
		for (size_t i = 0; i < q->n_items; i++) {
			if (ans[i].given != again[i].given || (ans[i].given && ans[i].option != again[i].option))
				abort();
		}
		free(back);
		(void)questionnaire_total(q, ans, &total, NULL);
		items = questionnaire_response_items(q, ans);
		cJSON_Delete(items);
	}
	questionnaire_answers_finish(q, ans);
	questionnaire_answers_finish(q, again);
	free(ans);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	struct questionnaire q;
	struct error err;
	char *text;
	cJSON *res;

	if (nl == NULL)
		return 0;
	text = strndup((const char *)data, (size_t)(nl - (const char *)data));
	error_clear(&err);
	res = json_parse(nl + 1, size - (size_t)(nl + 1 - (const char *)data), "fuzz", &err);
	if (res != NULL && questionnaire_from_json(res, &q, &err)) {
		if (q.n_items > QN_MAX_ITEMS || q.n_asked == 0)
			abort();
		for (size_t i = 0; i < q.n_items; i++) {
			if (q.items[i].depth >= QN_MAX_DEPTH || q.items[i].parent >= (int)i ||
			    q.items[i].n_options > QN_MAX_OPTIONS)
				abort();
		}
		answers(&q, text);
	}
	questionnaire_finish(&q);
	cJSON_Delete(res);
	free(text);
	return 0;
}
