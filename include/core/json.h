/* json.h - cJSON with the strict checks of jsoncheck.h, and typed field access.
 *
 * Keys are matched case-sensitively; unknown fields are ignored; a field of the
 * wrong type is an error that names the resource and the field. */
#ifndef EZRIZI_JSON_H
#define EZRIZI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "core/error.h"

/* Parses text after json_check() with the default limits. `what` names the source
 * in messages ("the answer from the server"). Returns a tree to cJSON_Delete(), or
 * NULL with err set (ERR_FAILED). */
cJSON *json_parse(const char *text, size_t len, const char *what, struct error *err);

/* The context a field error names: "Appointment/123". */
struct json_ctx {
	const char *type;
	const char *id;
	struct error *err;
	bool failed;
};

/* The largest string field accepted: names, comments, one chat message. */
#define JSON_FIELD_MAX (256u * 1024)
/* The largest base64 attachment (a session note's text). */
#define JSON_ATTACHMENT_MAX (8u * 1024 * 1024)

/* A string member, or NULL when absent or null. Fails (ctx->failed, err set) when
 * present with another type, or longer than JSON_FIELD_MAX. */
const char *json_str(struct json_ctx *ctx, const cJSON *obj, const char *key);
/* The same, up to JSON_ATTACHMENT_MAX. */
const char *json_str_big(struct json_ctx *ctx, const cJSON *obj, const char *key);
/* An object/array member, or NULL when absent; fails when of another type. */
const cJSON *json_obj(struct json_ctx *ctx, const cJSON *obj, const char *key);
const cJSON *json_arr(struct json_ctx *ctx, const cJSON *obj, const char *key);
/* A number member; def when absent; fails when of another type. */
double json_num(struct json_ctx *ctx, const cJSON *obj, const char *key, double def);

/* Adds a string member (a copy). */
void json_put_str(cJSON *obj, const char *key, const char *value);
/* Replaces or adds a member, taking ownership of item. */
void json_put(cJSON *obj, const char *key, cJSON *item);

/* cJSON_PrintUnformatted that aborts on exhaustion; free with cJSON_free(). */
char *json_print(const cJSON *item);

/* json_print for a terminal or a log: every code point sanitize_cp_unsafe() names
 * (C0, DEL, C1, bidi controls, invisible characters, separators, tag characters)
 * is written as \uXXXX (a surrogate pair above U+FFFF), each byte of invalid
 * UTF-8 as \ufffd; everything else stays raw UTF-8, so a JSON decoder gives back
 * the same text. The line itself draws nothing but what it says. Free with free(). */
char *json_print_inert(const cJSON *item);

#endif
