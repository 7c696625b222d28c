/* outbox.c - see include/core/outbox.h. */
#include "core/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/date.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/xmalloc.h"

#define OUTBOX_TYPE "outbox"
#define META_TYPE "meta"
#define SEQ_ID "outbox-seq"

/* The next place in the queue, kept in the store so the order survives. */
static bool
next_seq(struct store *st, char out[21], struct error *err)
{
	unsigned long long n = 0;
	void *data;
	size_t len;
	char buf[32];
	struct store_rec r = { .type = META_TYPE, .id = SEQ_ID, .version = "" };
	struct error e;

	error_clear(&e);
	if (store_get(st, META_TYPE, SEQ_ID, &data, &len, NULL, &e)) {
		if (len < sizeof buf) {
			memcpy(buf, data, len);
			buf[len] = '\0';
			n = strtoull(buf, NULL, 10);
		}
		store_free(data, len);
	}
	n++;
	snprintf(buf, sizeof buf, "%llu", n);
	r.data = buf;
	r.len = strlen(buf);
	if (!store_put(st, &r, err))
		return false;
	snprintf(out, 21, "%020llu", n);
	return true;
}

static bool
put_item(struct store *st, const struct outbox_item *it, struct error *err)
{
	cJSON *o = cJSON_CreateObject(), *argv = cJSON_CreateArray();
	struct store_rec r = { .type = OUTBOX_TYPE, .id = it->seq, .version = "" };
	char *text;
	bool ok;

	for (int i = 0; i < it->argc; i++)
		cJSON_AddItemToArray(argv, cJSON_CreateString(it->argv[i]));
	json_put(o, "argv", argv);
	if (it->input != NULL) {
		size_t b64len = sodium_base64_ENCODED_LEN(it->input_len, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = xmalloc(b64len);

		sodium_bin2base64(b64, b64len, (const unsigned char *)it->input, it->input_len,
				  sodium_base64_VARIANT_ORIGINAL);
		json_put_str(o, "input", b64);
		sodium_memzero(b64, b64len);
		free(b64);
	}
	json_put_str(o, "request_id", it->request_id);
	json_put(o, "created", cJSON_CreateNumber((double)it->created));
	json_put(o, "failed", cJSON_CreateBool(it->failed));
	if (it->error != NULL)
		json_put_str(o, "error", it->error);
	text = json_print(o);
	r.data = text;
	r.len = strlen(text);
	ok = store_put(st, &r, err);
	sodium_memzero(text, strlen(text));
	cJSON_free(text);
	cJSON_Delete(o);
	return ok;
}

bool
outbox_add(struct store *st, int argc, char **argv, const char *input, size_t input_len,
	   const char *request_id, struct error *err)
{
	struct outbox_item it = { 0 };
	char seq[21];
	bool ok;

	if (st == NULL)
		return error_set(err, ERR_FAILED, _("The local cache is not open, so the write cannot wait for the server."));
	if (!next_seq(st, seq, err))
		return false;
	it.seq = seq;
	it.argv = argv;
	it.argc = argc;
	it.input = (char *)input;
	it.input_len = input_len;
	memcpy(it.request_id, request_id, 37);
	it.created = clock_now();
	ok = put_item(st, &it, err);
	return ok;
}

static void
item_finish(struct outbox_item *it)
{
	free(it->seq);
	for (int i = 0; i < it->argc; i++)
		free(it->argv[i]);
	free(it->argv);
	if (it->input != NULL)
		sodium_memzero(it->input, it->input_len);
	free(it->input);
	free(it->error);
	memset(it, 0, sizeof *it);
}

void
outbox_list_finish(struct outbox_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		item_finish(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Reads one item; false for a record that does not parse (it is skipped). */
static bool
parse_item(const char *seq, const void *data, size_t len, struct outbox_item *it)
{
	struct error err;
	struct json_ctx ctx = { "outbox", seq, &err, false };
	cJSON *o, *a;
	const cJSON *argv;
	const char *input, *rid, *e;

	memset(it, 0, sizeof *it);
	error_clear(&err);
	if ((o = json_parse(data, len, "outbox", &err)) == NULL)
		return false;
	argv = json_arr(&ctx, o, "argv");
	rid = json_str(&ctx, o, "request_id");
	if (ctx.failed || argv == NULL || rid == NULL || strlen(rid) != 36) {
		cJSON_Delete(o);
		return false;
	}
	it->seq = xstrdup(seq);
	it->argv = xcalloc((size_t)cJSON_GetArraySize(argv) + 1, sizeof *it->argv);
	cJSON_ArrayForEach(a, argv) {
		if (cJSON_IsString(a))
			it->argv[it->argc++] = xstrdup(a->valuestring);
	}
	memcpy(it->request_id, rid, 37);
	it->created = (time_t)json_num(&ctx, o, "created", 0);
	it->failed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "failed"));
	if ((e = json_str(&ctx, o, "error")) != NULL)
		it->error = xstrdup(e);
	if ((input = json_str_big(&ctx, o, "input")) != NULL) {
		size_t n = strlen(input), out_len;

		it->input = xmalloc(n / 4 * 3 + 4);
		if (sodium_base642bin((unsigned char *)it->input, n / 4 * 3 + 3, input, n, NULL, &out_len,
				      NULL, sodium_base64_VARIANT_ORIGINAL) == 0) {
			it->input[out_len] = '\0';
			it->input_len = out_len;
		} else {
			free(it->input);
			it->input = NULL;
		}
		sodium_memzero((char *)input, n);
	}
	cJSON_Delete(o);
	return true;
}

struct collect {
	struct outbox_list *l;
};

static bool
collect(const char *id, const char *version, const void *data, size_t len, void *arg)
{
	struct outbox_list *l = arg;
	struct outbox_item it;

	(void)version;
	if (!parse_item(id, data, len, &it))
		return true;
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = it;
	return true;
}

static int
seq_cmp(const void *a, const void *b)
{
	return strcmp(((const struct outbox_item *)a)->seq, ((const struct outbox_item *)b)->seq);
}

bool
outbox_list(struct store *st, struct outbox_list *out, struct error *err)
{
	memset(out, 0, sizeof *out);
	if (st == NULL)
		return true;
	if (!store_find(st, STORE_BY_KIND, OUTBOX_TYPE, NULL, collect, out, NULL, err)) {
		outbox_list_finish(out);
		return false;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, seq_cmp);
	return true;
}

bool
outbox_discard(struct store *st, const char *seq, struct error *err)
{
	struct error e;

	error_clear(&e);
	if (!store_delete(st, OUTBOX_TYPE, seq, &e)) {
		if (e.kind == ERR_NOT_FOUND)
			return error_set(err, ERR_NOT_FOUND, _("Nothing waits in the outbox as %s; see 'ezrizi outbox'."), seq);
		*err = e;
		return false;
	}
	return true;
}

bool
outbox_retry(struct store *st, const char *seq, struct error *err)
{
	struct outbox_list l;
	bool found = false, ok = true;

	if (!outbox_list(st, &l, err))
		return false;
	for (size_t i = 0; ok && i < l.n; i++) {
		if (seq != NULL && strcmp(l.v[i].seq, seq) != 0)
			continue;
		found = true;
		if (!l.v[i].failed)
			continue;
		l.v[i].failed = false;
		free(l.v[i].error);
		l.v[i].error = NULL;
		ok = put_item(st, &l.v[i], err);
	}
	outbox_list_finish(&l);
	if (ok && seq != NULL && !found)
		return error_set(err, ERR_NOT_FOUND, _("Nothing waits in the outbox as %s; see 'ezrizi outbox'."), seq);
	return ok;
}

/* Runs one queued command, quietly, under its own write id and text. */
static bool
run_item(struct cmd_ctx *ctx, struct outbox_item *it, struct error *err)
{
	FILE *old_out = ctx->out, *null = fopen("/dev/null", "w");
	bool ok;

	if (null == NULL)
		return error_set(err, ERR_FAILED, _("Cannot open /dev/null."));
	ctx->out = null;
	ctx->replaying = true;
	ctx->made_at = it->created;  /* "today" is the day it was queued */
	memcpy(ctx->session.request_id, it->request_id, 37);
	free(ctx->input);
	ctx->input = NULL;
	ctx->input_given = it->input != NULL;
	if (it->input != NULL) {
		ctx->input = xmalloc(it->input_len + 1);
		memcpy(ctx->input, it->input, it->input_len);
		ctx->input[it->input_len] = '\0';
		ctx->input_len = it->input_len;
	}
	ok = cmd_run_argv(ctx, it->argc, it->argv, err);
	ctx->replaying = false;
	ctx->made_at = 0;
	ctx->out = old_out;
	fclose(null);
	return ok;
}

bool
outbox_send(struct cmd_ctx *ctx, size_t *sent, size_t *failed, struct error *err)
{
	struct session *s = cmd_session(ctx, err);
	struct outbox_list l;
	bool ok = true;

	*sent = *failed = 0;
	if (s == NULL || !outbox_list(s->store, &l, err))
		return false;
	for (size_t i = 0; i < l.n; i++) {
		struct outbox_item *it = &l.v[i];
		struct error e;

		if (it->failed)
			continue;
		error_clear(&e);
		if (run_item(ctx, it, &e)) {
			outbox_discard(s->store, it->seq, &e);
			(*sent)++;
			continue;
		}
		if (e.kind == ERR_NETWORK || e.kind == ERR_AUTH) {
			/* Not reachable (or not logged in): the rest waits, in order. */
			*err = e;
			ok = false;
			break;
		}
		it->failed = true;
		free(it->error);
		it->error = xstrdup(e.msg);
		put_item(s->store, it, &e);
		(*failed)++;
	}
	outbox_list_finish(&l);
	return ok;
}
