/* outbox.c - see include/core/outbox.h.
 *
 * Records: outbox/SEQ, one per write (its command, text and write id);
 * meta/outbox-seq, the last SEQ handed out ("42 indexed": this store keeps an
 * index); meta/outbox-index, the index: {"items":[[SEQ, "send"], ...],
 * "incomplete":false}, changed in the same commit as the items, so a write
 * whose record is lost to a damaged disk is still named (its place and its
 * command, never its text). "incomplete" says writes may have been lost
 * without a name (the index itself was damaged). */
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
#define INDEX_ID "outbox-index"

/* ---- the index ---- */

struct entry {
	char seq[21];
	char *command;
};

struct index {
	struct entry *v;
	size_t n;
	bool incomplete;
	bool present;        /* it was there */
	bool damaged;        /* it was there and did not open (now removed) */
};

static void
index_finish(struct index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		free(ix->v[i].command);
	free(ix->v);
	memset(ix, 0, sizeof *ix);
}

static void
index_add(struct index *ix, const char *seq, const char *command)
{
	ix->v = xreallocarray(ix->v, ix->n + 1, sizeof *ix->v);
	snprintf(ix->v[ix->n].seq, sizeof ix->v[ix->n].seq, "%s", seq);
	ix->v[ix->n].command = xstrdup(command);
	ix->n++;
}

static void
index_remove(struct index *ix, const char *seq)
{
	for (size_t i = 0; i < ix->n; i++) {
		if (strcmp(ix->v[i].seq, seq) == 0) {
			free(ix->v[i].command);
			ix->v[i] = ix->v[--ix->n];
			return;
		}
	}
}

static const struct entry *
index_find(const struct index *ix, const char *seq)
{
	for (size_t i = 0; i < ix->n; i++)
		if (strcmp(ix->v[i].seq, seq) == 0)
			return &ix->v[i];
	return NULL;
}

static void
index_parse(struct index *ix, const void *data, size_t len)
{
	struct error err;
	cJSON *o, *e;
	const cJSON *items;

	error_clear(&err);
	if ((o = json_parse(data, len, "outbox index", &err)) == NULL)
		return;
	items = cJSON_GetObjectItemCaseSensitive(o, "items");
	ix->incomplete = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "incomplete"));
	cJSON_ArrayForEach(e, items) {
		const cJSON *seq = cJSON_GetArrayItem(e, 0), *cmd = cJSON_GetArrayItem(e, 1);

		if (cJSON_IsString(seq) && strlen(seq->valuestring) == 20 && cJSON_IsString(cmd))
			index_add(ix, seq->valuestring, cmd->valuestring);
	}
	cJSON_Delete(o);
}

static void
index_read(struct store *st, struct index *ix)
{
	struct error e;
	void *data;
	size_t len;

	memset(ix, 0, sizeof *ix);
	error_clear(&e);
	if (store_get(st, META_TYPE, INDEX_ID, &data, &len, NULL, &e)) {
		ix->present = true;
		index_parse(ix, data, len);
		store_free(data, len);
	} else if (e.kind == ERR_FAILED) {
		ix->damaged = true;
	}
}

static bool
index_write(struct store *st, const struct index *ix, struct error *err)
{
	cJSON *o = cJSON_CreateObject(), *items = cJSON_CreateArray();
	struct store_rec r = { .type = META_TYPE, .id = INDEX_ID, .version = "" };
	char *text;
	bool ok;

	for (size_t i = 0; i < ix->n; i++) {
		cJSON *e = cJSON_CreateArray();

		cJSON_AddItemToArray(e, cJSON_CreateString(ix->v[i].seq));
		cJSON_AddItemToArray(e, cJSON_CreateString(ix->v[i].command));
		cJSON_AddItemToArray(items, e);
	}
	json_put(o, "items", items);
	json_put(o, "incomplete", cJSON_CreateBool(ix->incomplete));
	text = json_print(o);
	r.data = text;
	r.len = strlen(text);
	ok = store_put(st, &r, err);
	cJSON_free(text);
	cJSON_Delete(o);
	return ok;
}

/* The command's name of an item written before items kept it: its first word
 * ("note" for "note add"); only what a lost write is named by. */
static char *
command_name(int argc, char **argv)
{
	return xstrdup(argc > 0 ? argv[0] : "?");
}

/* ---- the queue ---- */

/* The last SEQ handed out, and whether the store keeps the index. */
static unsigned long long
last_seq(struct store *st, bool *indexed)
{
	unsigned long long n = 0;
	void *data;
	size_t len;
	char buf[32];
	struct error e;

	*indexed = false;
	error_clear(&e);
	if (store_get(st, META_TYPE, SEQ_ID, &data, &len, NULL, &e)) {
		if (len < sizeof buf) {
			memcpy(buf, data, len);
			buf[len] = '\0';
			n = strtoull(buf, NULL, 10);
			*indexed = strstr(buf, " indexed") != NULL;
		}
		store_free(data, len);
	}
	return n;
}

/* The next place in the queue, kept in the store so the order survives: past
 * every write the index or the queue still holds, should the counter itself
 * have been lost (a place given twice would overwrite a write). */
static bool
next_seq(struct store *st, const struct outbox_list *l, char out[21], struct error *err)
{
	bool indexed;
	unsigned long long n = last_seq(st, &indexed);
	char buf[48];
	struct store_rec r = { .type = META_TYPE, .id = SEQ_ID, .version = "" };

	for (size_t i = 0; i < l->n; i++)
		if (strtoull(l->v[i].seq, NULL, 10) > n)
			n = strtoull(l->v[i].seq, NULL, 10);
	n++;
	snprintf(buf, sizeof buf, "%llu indexed", n);
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
	if (it->command != NULL)
		json_put_str(o, "command", it->command);
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

static bool read_queue(struct store *st, struct outbox_list *out, struct index *ix,
		       struct error *err);

/* The item and the index change in one commit. */
bool
outbox_add(struct store *st, const char *command, int argc, char **argv, const char *input,
	   size_t input_len, const char *request_id, struct error *err)
{
	struct outbox_item it = { 0 };
	struct outbox_list l;
	struct index ix;
	char seq[21];
	bool ok;

	if (st == NULL)
		return error_set(err, ERR_FAILED, _("The local cache is not open, so the write cannot wait for the server."));
	if (!store_begin(st, err))
		return false;
	if (!read_queue(st, &l, &ix, err)) {
		store_rollback(st);
		return false;
	}
	it.seq = seq;
	it.argv = argv;
	it.argc = argc;
	it.input = (char *)input;
	it.input_len = input_len;
	memcpy(it.request_id, request_id, 37);
	it.created = clock_now();
	it.command = (char *)command;
	ok = next_seq(st, &l, seq, err) && put_item(st, &it, err);
	if (ok) {
		index_add(&ix, seq, command);
		ok = index_write(st, &ix, err);
	}
	index_finish(&ix);
	outbox_list_finish(&l);
	if (ok)
		return store_commit(st, err);
	store_rollback(st);
	return false;
}

static void
item_finish(struct outbox_item *it)
{
	free(it->seq);
	free(it->command);
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
	{
		const char *c = json_str(&ctx, o, "command");

		it->command = c != NULL ? xstrdup(c) : command_name(it->argc, it->argv);
	}
	cJSON_Delete(o);
	return true;
}

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

static bool
listed(const struct outbox_list *l, const char *seq)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].seq, seq) == 0)
			return true;
	return false;
}

/* A write the index names whose record is gone. */
static void
add_lost(struct outbox_list *l, const struct entry *e)
{
	struct outbox_item it = { 0 };

	it.seq = xstrdup(e->seq);
	it.command = xstrdup(e->command);
	it.argv = xcalloc(1, sizeof *it.argv);
	it.lost = true;
	it.failed = true;
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = it;
}

/* The items and the index, reconciled: the index names every item, lost ones
 * too. A store made before the index gets one. */
static bool
read_queue(struct store *st, struct outbox_list *out, struct index *ix, struct error *err)
{
	size_t damaged = 0, named = 0;
	bool indexed, write = false;

	memset(out, 0, sizeof *out);
	if (!store_find(st, STORE_BY_KIND, OUTBOX_TYPE, NULL, collect, out, &damaged, err)) {
		outbox_list_finish(out);
		return false;
	}
	index_read(st, ix);
	last_seq(st, &indexed);
	for (size_t i = 0, n = out->n; i < ix->n; i++) {
		bool found = false;

		for (size_t k = 0; k < n && !found; k++)
			found = strcmp(out->v[k].seq, ix->v[i].seq) == 0;
		if (!found) {
			add_lost(out, &ix->v[i]);
			named++;
		}
	}
	for (size_t i = 0; i < out->n; i++) {
		if (!out->v[i].lost && index_find(ix, out->v[i].seq) == NULL) {
			index_add(ix, out->v[i].seq, out->v[i].command);
			write = true;
		}
	}
	/* Writes lost with no name: the index itself was lost, or did not know them. */
	if (ix->damaged || (!ix->present && indexed) || damaged > named) {
		ix->incomplete = true;
		write = true;
	}
	if (write) {
		struct error e;

		error_clear(&e);
		index_write(st, ix, &e);
	}
	out->incomplete = ix->incomplete;
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, seq_cmp);
	return true;
}

bool
outbox_list(struct store *st, struct outbox_list *out, struct error *err)
{
	struct index ix;
	bool ok;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return true;
	ok = read_queue(st, out, &ix, err);
	index_finish(&ix);
	return ok;
}

bool
outbox_acknowledge(struct store *st, struct error *err)
{
	struct outbox_list l;
	struct index ix;
	bool ok;

	if (!read_queue(st, &l, &ix, err))
		return false;
	ok = !ix.incomplete || (ix.incomplete = false, index_write(st, &ix, err));
	index_finish(&ix);
	outbox_list_finish(&l);
	return ok;
}

/* The item and its entry in the index go in one commit. */
bool
outbox_discard(struct store *st, const char *seq, struct error *err)
{
	struct outbox_list l;
	struct index ix;
	bool ok;

	if (!store_begin(st, err))
		return false;
	if (!read_queue(st, &l, &ix, err)) {
		store_rollback(st);
		return false;
	}
	ok = listed(&l, seq);
	if (!ok)
		error_set(err, ERR_NOT_FOUND, _("Nothing waits in the outbox as %s; see 'ezrizi outbox'."), seq + strspn(seq, "0"));
	ok = ok && store_delete(st, OUTBOX_TYPE, seq, err);
	if (ok) {
		index_remove(&ix, seq);
		ok = index_write(st, &ix, err);
	}
	index_finish(&ix);
	outbox_list_finish(&l);
	if (ok)
		return store_commit(st, err);
	store_rollback(st);
	return false;
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
		if (l.v[i].lost && seq != NULL)
			ok = error_set(err, ERR_FAILED, _("Write %s cannot be sent: its record was lost to damage on disk. Write it again, then 'ezrizi outbox discard %s'."),
				       seq + strspn(seq, "0"), seq + strspn(seq, "0"));
		if (!l.v[i].failed || l.v[i].lost)
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

bool
outbox_mark_failed(struct store *st, struct outbox_item *it, const char *why, struct error *err)
{
	it->failed = true;
	free(it->error);
	it->error = xstrdup(why);
	return put_item(st, it, err);
}
