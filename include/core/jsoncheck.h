/* jsoncheck.h - strict checks on JSON text from the network, before cJSON sees it.
 *
 * cJSON accepts what we must refuse: invalid UTF-8, "\u0000" (which would cut a
 * C string short), unpaired surrogate escapes, nesting deep enough to exhaust the
 * stack, strings of unbounded size. json_check() walks the text once, without
 * recursion and without allocating, and says what is wrong and where. */
#ifndef EZRIZI_JSONCHECK_H
#define EZRIZI_JSONCHECK_H

#include <stdbool.h>
#include <stddef.h>

struct json_limits {
	int max_depth;          /* arrays + objects; FHIR needs far less than 64 */
	size_t max_string;      /* bytes of one string value or key, as written */
	size_t max_total;       /* bytes of the whole text */
};

#define JSON_LIMITS_DEFAULT { 64, 16u * 1024 * 1024, 64u * 1024 * 1024 }

enum json_problem {
	JSON_OK = 0,
	JSON_SYNTAX,        /* not well-formed JSON, or trailing garbage */
	JSON_BAD_UTF8,      /* invalid UTF-8, or an unpaired surrogate escape */
	JSON_NUL,           /* a string holds \u0000 */
	JSON_TOO_DEEP,
	JSON_TOO_LONG,      /* a string, or the whole text, over its limit */
};

struct json_check_result {
	enum json_problem problem;
	size_t offset;      /* byte offset of the problem */
};

/* Checks text[0..len) is exactly one well-formed JSON value (RFC 8259) within the
 * limits. Whitespace around the value is allowed. */
bool json_check(const char *text, size_t len, const struct json_limits *lim,
		struct json_check_result *res);

/* A short English-free description for messages: translated with _(). */
const char *json_problem_str(enum json_problem p);

#endif
