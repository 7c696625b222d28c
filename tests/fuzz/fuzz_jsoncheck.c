/* fuzz_jsoncheck.c - json_check must never crash, hang or read out of bounds,
 * and must agree with itself under tighter limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsoncheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct json_limits def = JSON_LIMITS_DEFAULT;
	struct json_limits tight = { 4, 16, 4096 };
	struct json_check_result r, t;
	char *copy;
	bool ok;

	/* An exact-size heap copy so ASan sees any read past len. */
	copy = malloc(size == 0 ? 1 : size);
	if (copy == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	ok = json_check(copy, size, &def, &r);
	if (ok != (r.problem == JSON_OK) || (!ok && r.offset > size))
		abort();
	/* Tighter limits can only add problems, never clear one. */
	if (!json_check(copy, size, &tight, &t) && (t.offset > size || t.problem == JSON_OK))
		abort();
	if (!ok && t.problem == JSON_OK)
		abort();
	/* json_problem_str never returns NULL. */
	if (json_problem_str(r.problem) == NULL)
		abort();
	free(copy);
	return 0;
}
