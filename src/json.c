/* json.c - see include/core/json.h. */
#include "core/json.h"

#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/jsoncheck.h"
#include "core/sanitize.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

cJSON *
json_parse(const char *text, size_t len, const char *what, struct error *err)
{
	struct json_limits lim = JSON_LIMITS_DEFAULT;
	struct json_check_result res;
	cJSON *root;

	if (!json_check(text, len, &lim, &res)) {
		/* TRANSLATORS: "the answer from the server is not valid JSON (nested too deeply) at byte 12" */
		error_set(err, ERR_FAILED, _("%s cannot be read (%s at byte %zu); nothing was changed."),
			  what, json_problem_str(res.problem), res.offset);
		return NULL;
	}
	root = cJSON_ParseWithLength(text, len);
	if (root == NULL) {
		error_set(err, ERR_FAILED, _("%s cannot be read (%s at byte %zu); nothing was changed."),
			  what, json_problem_str(JSON_SYNTAX), (size_t)0);
	}
	return root;
}

static const cJSON *
field_typed(struct json_ctx *ctx, const cJSON *obj, const char *key, int type,
	    const char *type_name)
{
	const cJSON *it;

	if (obj == NULL || ctx->failed)
		return NULL;
	it = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (it == NULL || cJSON_IsNull(it))
		return NULL;
	if ((it->type & 0xFF) != type) {
		ctx->failed = true;
		/* TRANSLATORS: "Appointment/12: the field 'start' is not a string; the server sent data ezrizi cannot use." */
		error_set(ctx->err, ERR_FAILED,
			  _("%s/%s: the field '%s' is not %s; the server sent data ezrizi cannot use."),
			  ctx->type, ctx->id != NULL ? ctx->id : "?", key, type_name);
		return NULL;
	}
	return it;
}

static const char *
str_capped(struct json_ctx *ctx, const cJSON *obj, const char *key, size_t cap)
{
	const cJSON *it = field_typed(ctx, obj, key, cJSON_String, _("a string"));

	if (it == NULL)
		return NULL;
	if (strlen(it->valuestring) > cap) {
		ctx->failed = true;
		error_set(ctx->err, ERR_FAILED,
			  _("%s/%s: the field '%s' is larger than %zu KiB; the server sent data ezrizi cannot use."),
			  ctx->type, ctx->id != NULL ? ctx->id : "?", key, cap / 1024);
		return NULL;
	}
	return it->valuestring;
}

const char *
json_str(struct json_ctx *ctx, const cJSON *obj, const char *key)
{
	return str_capped(ctx, obj, key, JSON_FIELD_MAX);
}

const char *
json_str_big(struct json_ctx *ctx, const cJSON *obj, const char *key)
{
	return str_capped(ctx, obj, key, JSON_ATTACHMENT_MAX);
}

const cJSON *
json_obj(struct json_ctx *ctx, const cJSON *obj, const char *key)
{
	return field_typed(ctx, obj, key, cJSON_Object, _("an object"));
}

const cJSON *
json_arr(struct json_ctx *ctx, const cJSON *obj, const char *key)
{
	return field_typed(ctx, obj, key, cJSON_Array, _("a list"));
}

double
json_num(struct json_ctx *ctx, const cJSON *obj, const char *key, double def)
{
	const cJSON *it = field_typed(ctx, obj, key, cJSON_Number, _("a number"));

	return it != NULL ? it->valuedouble : def;
}

void
json_put(cJSON *obj, const char *key, cJSON *item)
{
	if (item == NULL)
		abort();
	if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item);
	else
		cJSON_AddItemToObject(obj, key, item);
}

void
json_put_str(cJSON *obj, const char *key, const char *value)
{
	json_put(obj, key, cJSON_CreateString(value));
}

char *
json_print(const cJSON *item)
{
	char *s = cJSON_PrintUnformatted(item);

	if (s == NULL)
		abort();
	return s;
}

static void
add_u_escape(struct buf *b, uint32_t cp)
{
	if (cp > 0xffff) {
		cp -= 0x10000;
		buf_addf(b, "\\u%04x\\u%04x", (unsigned)(0xd800 + (cp >> 10)),
			 (unsigned)(0xdc00 + (cp & 0x3ff)));
	} else {
		buf_addf(b, "\\u%04x", (unsigned)cp);
	}
}

char *
json_print_inert(const cJSON *item)
{
	char *text = json_print(item);
	const char *s = text;
	size_t len = strlen(text), n;
	struct buf b;
	uint32_t cp;

	/* cJSON already escapes C0, '"' and '\\'; any other byte above 0x7E can only
	 * be inside a string, so escaping it here keeps the JSON valid. */
	buf_init(&b);
	for (; len > 0; s += n, len -= n) {
		n = utf8_decode(s, len, &cp);
		if (n == 0) {
			add_u_escape(&b, 0xfffd);
			n = 1;
		} else if (sanitize_cp_unsafe(cp)) {
			add_u_escape(&b, cp);
		} else {
			buf_add(&b, s, n);
		}
	}
	cJSON_free(text);
	return buf_steal(&b);
}
