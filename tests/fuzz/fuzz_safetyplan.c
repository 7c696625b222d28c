/* fuzz_safetyplan.c - the safety plan's text format (core/safetyplan.h) on any
 * bytes: no crash; what it takes is six steps of valid UTF-8, and the format
 * made of them reads back to the same six steps. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/safetyplan.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *step[SAFETY_STEPS], *again[SAFETY_STEPS], *text;
	struct error err;

	error_clear(&err);
	if (!safety_plan_parse((const char *)data, size, step, &err)) {
		for (int i = 0; i < SAFETY_STEPS; i++)
			if (step[i] != NULL)
				abort();
		return 0;
	}
	for (int i = 0; i < SAFETY_STEPS; i++)
		if (step[i] == NULL || !utf8_valid(step[i], strlen(step[i])))
			abort();
	text = safety_plan_format(step);
	error_clear(&err);
	/* A step's own line "== N+1." would start the next step: the format
	 * says a text cannot hold one, so only texts without one must come back. */
	if (safety_plan_parse(text, strlen(text), again, &err)) {
		for (int i = 0; i < SAFETY_STEPS; i++) {
			if (strcmp(step[i], again[i]) != 0)
				abort();
			free(again[i]);
		}
	}
	for (int i = 0; i < SAFETY_STEPS; i++)
		free(step[i]);
	free(text);
	return 0;
}
