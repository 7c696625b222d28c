/* jsoncheck.c - strict checks on JSON text before cJSON sees it.
 *
 * One pass, no recursion, no allocation: the kind of each open container is
 * one bit in a fixed stack, so limits deeper than JC_STACK_MAX are clamped. */
#include <string.h>

#include "core/i18n.h"
#include "core/jsoncheck.h"
#include "core/utf8.h"

#define JC_STACK_MAX 4096

enum jc_mode {
	JC_VALUE,   /* a value must come */
	JC_AFTER,   /* a value ended: ',', a closing bracket or the end */
	JC_KEY,     /* a member name must come */
	JC_DONE,
};

struct jc {
	const unsigned char *p;
	size_t len;
	size_t pos;
	size_t max_string;
	int max_depth;
	int depth;
	unsigned char is_obj[JC_STACK_MAX / 8];
	enum json_problem problem;
	size_t offset;
};

static bool
jc_fail(struct jc *j, enum json_problem p, size_t offset)
{
	j->problem = p;
	j->offset = offset;
	return false;
}

static void
jc_skip_ws(struct jc *j)
{
	while (j->pos < j->len) {
		unsigned char c = j->p[j->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		j->pos++;
	}
}

static int
jc_peek(const struct jc *j)
{
	return j->pos < j->len ? j->p[j->pos] : -1;
}

static bool
jc_top_is_obj(const struct jc *j)
{
	int d = j->depth - 1;

	return (j->is_obj[d / 8] >> (d % 8)) & 1;
}

static bool
jc_push(struct jc *j, bool obj)
{
	int d = j->depth;

	if (d >= j->max_depth)
		return jc_fail(j, JSON_TOO_DEEP, j->pos);
	if (obj)
		j->is_obj[d / 8] |= (unsigned char)(1u << (d % 8));
	else
		j->is_obj[d / 8] &= (unsigned char)~(1u << (d % 8));
	j->depth++;
	j->pos++;
	return true;
}

/* Reads the 4 hex digits of a \u escape whose backslash is at at. */
static bool
jc_hex4(struct jc *j, size_t at, unsigned *out)
{
	size_t i;
	int h;

	*out = 0;
	for (i = 2; i < 6; i++) {
		if (at + i >= j->len)
			return jc_fail(j, JSON_SYNTAX, j->len);
		if ((h = ascii_hex_value((unsigned char)j->p[at + i])) < 0)
			return jc_fail(j, JSON_SYNTAX, at + i);
		*out = (*out << 4) | (unsigned)h;
	}
	return true;
}

/* A \u escape at j->pos: no U+0000, surrogates only in pairs. */
static bool
jc_unicode_escape(struct jc *j)
{
	size_t at = j->pos;
	unsigned u, lo;

	if (!jc_hex4(j, at, &u))
		return false;
	j->pos += 6;
	if (u == 0)
		return jc_fail(j, JSON_NUL, at);
	if (u >= 0xdc00 && u <= 0xdfff)
		return jc_fail(j, JSON_BAD_UTF8, at);
	if (u < 0xd800 || u > 0xdbff)
		return true;
	if (j->pos + 1 >= j->len || j->p[j->pos] != '\\' || j->p[j->pos + 1] != 'u')
		return jc_fail(j, JSON_BAD_UTF8, at);
	if (!jc_hex4(j, j->pos, &lo))
		return false;
	if (lo < 0xdc00 || lo > 0xdfff)
		return jc_fail(j, JSON_BAD_UTF8, at);
	j->pos += 6;
	return true;
}

static bool
jc_escape(struct jc *j)
{
	int c = j->pos + 1 < j->len ? j->p[j->pos + 1] : -1;

	if (c == 'u')
		return jc_unicode_escape(j);
	if (c < 0 || strchr("\"\\/bfnrt", c) == NULL || c == 0)
		return jc_fail(j, JSON_SYNTAX, j->pos + 1 < j->len ? j->pos + 1 : j->len);
	j->pos += 2;
	return true;
}

/* A string starting at the quote at j->pos. */
static bool
jc_string(struct jc *j)
{
	size_t start = j->pos;
	uint32_t cp;
	size_t n;

	j->pos++;
	for (;;) {
		int c = jc_peek(j);

		if (j->pos - start - 1 > j->max_string)
			return jc_fail(j, JSON_TOO_LONG, start);
		if (c < 0)
			return jc_fail(j, JSON_SYNTAX, j->len);
		if (c == '"')
			break;
		if (c < 0x20)
			return jc_fail(j, JSON_SYNTAX, j->pos);
		if (c == '\\') {
			if (!jc_escape(j))
				return false;
			continue;
		}
		n = utf8_decode((const char *)j->p + j->pos, j->len - j->pos, &cp);
		if (n == 0)
			return jc_fail(j, JSON_BAD_UTF8, j->pos);
		j->pos += n;
	}
	if (j->pos - start - 1 > j->max_string)
		return jc_fail(j, JSON_TOO_LONG, start);
	j->pos++;
	return true;
}

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* One or more digits; fails at the first non-digit otherwise. */
static bool
jc_digits(struct jc *j)
{
	if (!is_digit(jc_peek(j)))
		return jc_fail(j, JSON_SYNTAX, j->pos);
	while (is_digit(jc_peek(j)))
		j->pos++;
	return true;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
jc_number(struct jc *j)
{
	if (jc_peek(j) == '-')
		j->pos++;
	if (jc_peek(j) == '0')
		j->pos++;
	else if (!jc_digits(j))
		return false;
	if (jc_peek(j) == '.') {
		j->pos++;
		if (!jc_digits(j))
			return false;
	}
	if (jc_peek(j) == 'e' || jc_peek(j) == 'E') {
		j->pos++;
		if (jc_peek(j) == '+' || jc_peek(j) == '-')
			j->pos++;
		if (!jc_digits(j))
			return false;
	}
	return true;
}

static bool
jc_literal(struct jc *j, const char *word)
{
	size_t n = strlen(word), i;

	for (i = 0; i < n; i++) {
		if (j->pos + i >= j->len || j->p[j->pos + i] != (unsigned char)word[i])
			return jc_fail(j, JSON_SYNTAX, j->pos + i);
	}
	j->pos += n;
	return true;
}

/* In JC_VALUE: opens a container or reads a scalar; returns the next mode. */
static enum jc_mode
jc_value(struct jc *j)
{
	int c;

	jc_skip_ws(j);
	c = jc_peek(j);
	if (c == '{' || c == '[') {
		if (!jc_push(j, c == '{'))
			return JC_DONE;
		jc_skip_ws(j);
		if (jc_peek(j) == (c == '{' ? '}' : ']')) {
			j->pos++;
			j->depth--;
			return JC_AFTER;
		}
		return c == '{' ? JC_KEY : JC_VALUE;
	}
	if (c == '"' ? jc_string(j) :
	    c == '-' || is_digit(c) ? jc_number(j) :
	    c == 't' ? jc_literal(j, "true") :
	    c == 'f' ? jc_literal(j, "false") :
	    c == 'n' ? jc_literal(j, "null") :
	    jc_fail(j, JSON_SYNTAX, j->pos))
		return JC_AFTER;
	return JC_DONE;
}

/* In JC_KEY: "name" : */
static enum jc_mode
jc_key(struct jc *j)
{
	jc_skip_ws(j);
	if (jc_peek(j) != '"') {
		jc_fail(j, JSON_SYNTAX, j->pos);
		return JC_DONE;
	}
	if (!jc_string(j))
		return JC_DONE;
	jc_skip_ws(j);
	if (jc_peek(j) != ':') {
		jc_fail(j, JSON_SYNTAX, j->pos);
		return JC_DONE;
	}
	j->pos++;
	return JC_VALUE;
}

/* In JC_AFTER: a separator, a closing bracket, or the end of the text. */
static enum jc_mode
jc_after(struct jc *j)
{
	bool obj;
	int c;

	jc_skip_ws(j);
	c = jc_peek(j);
	if (j->depth == 0) {
		if (c >= 0)
			jc_fail(j, JSON_SYNTAX, j->pos);
		return JC_DONE;
	}
	obj = jc_top_is_obj(j);
	if (c == ',') {
		j->pos++;
		return obj ? JC_KEY : JC_VALUE;
	}
	if (c == (obj ? '}' : ']')) {
		j->pos++;
		j->depth--;
		return JC_AFTER;
	}
	jc_fail(j, JSON_SYNTAX, c < 0 ? j->len : j->pos);
	return JC_DONE;
}

static void
jc_init(struct jc *j, const char *text, size_t len, const struct json_limits *lim)
{
	static const struct json_limits def = JSON_LIMITS_DEFAULT;

	if (lim == NULL)
		lim = &def;
	memset(j, 0, sizeof *j);
	j->p = (const unsigned char *)(text != NULL ? text : "");
	j->len = text != NULL ? len : 0;
	j->max_string = lim->max_string;
	j->max_depth = lim->max_depth < 0 ? 0 : lim->max_depth;
	if (j->max_depth > JC_STACK_MAX)
		j->max_depth = JC_STACK_MAX;
	j->problem = JSON_OK;
	if (j->len > lim->max_total)
		jc_fail(j, JSON_TOO_LONG, lim->max_total);
}

bool
json_check(const char *text, size_t len, const struct json_limits *lim,
	   struct json_check_result *res)
{
	enum jc_mode mode = JC_VALUE;
	struct jc j;

	jc_init(&j, text, len, lim);
	while (j.problem == JSON_OK && mode != JC_DONE) {
		if (mode == JC_VALUE)
			mode = jc_value(&j);
		else if (mode == JC_KEY)
			mode = jc_key(&j);
		else
			mode = jc_after(&j);
	}
	if (res != NULL) {
		res->problem = j.problem;
		res->offset = j.problem == JSON_OK ? 0 : j.offset;
	}
	return j.problem == JSON_OK;
}

const char *
json_problem_str(enum json_problem p)
{
	switch (p) {
	case JSON_OK:
		return _("well-formed JSON");
	case JSON_SYNTAX:
		return _("malformed JSON");
	case JSON_BAD_UTF8:
		return _("invalid UTF-8 or an unpaired surrogate in JSON");
	case JSON_NUL:
		/* TRANSLATORS: \u0000 is a JSON escape; keep it as is. */
		return _("a JSON string holds \\u0000");
	case JSON_TOO_DEEP:
		return _("JSON nested too deeply");
	case JSON_TOO_LONG:
		return _("JSON text or string too long");
	}
	return _("unknown JSON problem");
}
