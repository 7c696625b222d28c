/* fhirtx.c - transactions read entry by entry, half-applied ones undone; see
 * include/core/fhirtx.h. */
#include "core/fhirtx.h"

#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/i18n.h"
#include "core/fhir.h"
#include "core/json.h"
#include "core/store.h"
#include "core/xmalloc.h"

/* ezrizi's write id, once a create is undone: the record stays traceable, and
 * a retry under the same id is not taken for it by If-None-Exist. */
#define UNDONE_SYSTEM FHIR_REQUEST_SYSTEM ":undone"

#define SEEN_TYPE "server"
#define SEEN_ID "transactions"

void
fhir_tx_init(struct fhir_tx *tx)
{
	tx->bundle = fhir_bundle_new("transaction");
	tx->prior = cJSON_CreateArray();
}

void
fhir_tx_finish(struct fhir_tx *tx)
{
	cJSON_Delete(tx->bundle);
	cJSON_Delete(tx->prior);
	tx->bundle = tx->prior = NULL;
}

void
fhir_tx_update(struct fhir_tx *tx, const char *url, cJSON *res, const cJSON *prior,
	       const char *if_match)
{
	fhir_bundle_add(tx->bundle, "PUT", url, res, NULL, if_match, NULL);
	cJSON_AddItemToArray(tx->prior, prior != NULL ? cJSON_Duplicate(prior, true) : cJSON_CreateNull());
}

void
fhir_tx_create(struct fhir_tx *tx, cJSON *res, const char *full_url, const char *if_none_exist)
{
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");

	fhir_bundle_add(tx->bundle, "POST", cJSON_IsString(rt) ? rt->valuestring : "", res, full_url,
			NULL, if_none_exist);
	cJSON_AddItemToArray(tx->prior, cJSON_CreateNull());
}

/* ---- what the server was seen to do ---- */

static void
remember(struct session *s, enum fhir_atomicity a)
{
	struct store_rec r = { .type = SEEN_TYPE, .id = SEEN_ID, .version = "" };
	cJSON *o;
	char *text;
	struct error ignored;

	if (s->store == NULL)
		return;
	o = cJSON_CreateObject();
	json_put_str(o, "server", s->base);
	json_put_str(o, "atomic", a == TX_ATOMIC ? "yes" : "no");
	json_put(o, "seen", cJSON_CreateNumber((double)clock_now()));
	text = json_print(o);
	r.data = text;
	r.len = strlen(text);
	error_clear(&ignored);
	store_put(s->store, &r, &ignored);
	cJSON_free(text);
	cJSON_Delete(o);
}

enum fhir_atomicity
fhir_tx_atomicity(struct session *s, time_t *seen)
{
	enum fhir_atomicity a = TX_UNKNOWN;
	struct error err;
	struct json_ctx ctx = { SEEN_TYPE, SEEN_ID, &err, false };
	void *data;
	size_t len;
	cJSON *o;

	*seen = 0;
	error_clear(&err);
	if (s->store == NULL || !store_get(s->store, SEEN_TYPE, SEEN_ID, &data, &len, NULL, &err))
		return TX_UNKNOWN;
	o = json_parse(data, len, SEEN_TYPE, &err);
	store_free(data, len);
	if (o != NULL) {
		const char *server = json_str(&ctx, o, "server");
		const char *atomic = json_str(&ctx, o, "atomic");

		if (!ctx.failed && server != NULL && atomic != NULL && strcmp(server, s->base) == 0) {
			a = strcmp(atomic, "yes") == 0 ? TX_ATOMIC : TX_NOT_ATOMIC;
			*seen = (time_t)json_num(&ctx, o, "seen", 0);
		}
	}
	cJSON_Delete(o);
	return a;
}

/* ---- reading the answer ---- */

static const cJSON *
entry_field(const cJSON *entry, const char *a, const char *b)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(entry, a);

	return o != NULL && b != NULL ? cJSON_GetObjectItemCaseSensitive(o, b) : o;
}

bool
fhir_tx_entry_made(const cJSON *entry, char **ref, char **version)
{
	const cJSON *res = entry_field(entry, "resource", NULL);
	const cJSON *rt = entry_field(entry, "resource", "resourceType");
	const cJSON *id = entry_field(entry, "resource", "id");
	const cJSON *loc = entry_field(entry, "response", "location");
	const cJSON *etag = entry_field(entry, "response", "etag");
	const cJSON *meta = res != NULL ? cJSON_GetObjectItemCaseSensitive(res, "meta") : NULL;
	const cJSON *vid = meta != NULL ? cJSON_GetObjectItemCaseSensitive(meta, "versionId") : NULL;

	*ref = *version = NULL;
	if (cJSON_IsString(vid))
		*version = xstrdup(vid->valuestring);
	else if (cJSON_IsString(etag) && strchr(etag->valuestring, '"') != NULL) {
		const char *q = strchr(etag->valuestring, '"') + 1;

		*version = xstrndup(q, strcspn(q, "\""));
	}
	if (cJSON_IsString(rt) && cJSON_IsString(id)) {
		*ref = xasprintf("%s/%s", rt->valuestring, id->valuestring);
	} else if (cJSON_IsString(loc)) {
		const char *l = loc->valuestring, *h = strstr(l, "/_history/");
		const char *end = h != NULL ? h : l + strlen(l);
		const char *p = end;
		int slashes = 0;

		/* The last two segments before _history: Type/id. */
		while (p > l && slashes < 2) {
			p--;
			if (*p == '/' && ++slashes == 2)
				p++;
		}
		*ref = xstrndup(p, (size_t)(end - p));
		if (*version == NULL && h != NULL)
			*version = xstrndup(h + 10, strcspn(h + 10, "/"));
	}
	if (*ref != NULL && strchr(*ref, '/') == NULL) {
		free(*ref);
		*ref = NULL;
	}
	return *ref != NULL;
}

/* ---- undoing ---- */

static cJSON *
without_meta(const cJSON *res)
{
	cJSON *copy = cJSON_Duplicate(res, true);

	cJSON_DeleteItemFromObjectCaseSensitive(copy, "meta");
	return copy;
}

/* What puts back a create: the resource as made, entered-in-error, with
 * ezrizi's write id moved aside. */
static cJSON *
undo_create(const cJSON *made)
{
	cJSON *u = without_meta(made), *idf;

	json_put_str(u, "status", "entered-in-error");
	cJSON_ArrayForEach(idf, cJSON_GetObjectItemCaseSensitive(u, "identifier")) {
		const cJSON *sys = cJSON_GetObjectItemCaseSensitive(idf, "system");

		if (cJSON_IsString(sys) && strcmp(sys->valuestring, FHIR_REQUEST_SYSTEM) == 0)
			json_put_str(idf, "system", UNDONE_SYSTEM);
	}
	return u;
}

/* The resource as it is now on the server, when it is verifiably what this
 * entry made (same content as sent, or a create carrying our write id): its
 * version then fills in an answer that named none. */
static cJSON *
current_if_ours(struct session *s, const char *ref, const cJSON *sent, bool create,
		char **version)
{
	struct error ignored;
	const char *slash = strchr(ref, '/');
	char *type = xstrndup(ref, (size_t)(slash - ref)), *etag = NULL;
	cJSON *cur, *a, *b;
	bool ours;

	error_clear(&ignored);
	cur = fhir_read(s, type, slash + 1, &etag, &ignored);
	free(type);
	if (cur == NULL) {
		free(etag);
		return NULL;
	}
	if (create) {
		const cJSON *idf = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sent, "identifier"), 0);

		a = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cur, "identifier"), 0);
		ours = idf != NULL && a != NULL && cJSON_Compare(idf, a, true);
	} else {
		a = without_meta(cur);
		b = without_meta(sent);
		cJSON_DeleteItemFromObjectCaseSensitive(a, "id");
		cJSON_DeleteItemFromObjectCaseSensitive(b, "id");
		ours = cJSON_Compare(a, b, true);
		cJSON_Delete(a);
		cJSON_Delete(b);
	}
	if (!ours || etag == NULL || strchr(etag, '"') == NULL) {
		free(etag);
		cJSON_Delete(cur);
		return NULL;
	}
	*version = xstrndup(strchr(etag, '"') + 1, strcspn(strchr(etag, '"') + 1, "\""));
	free(etag);
	return cur;
}

/* Adds to `undo` (a batch) what puts entry i back; false when it cannot be
 * undone safely (no prior version, no version to pin to). */
static bool
plan_undo(struct session *s, const struct fhir_tx *tx, int i, const cJSON *answer, cJSON *undo,
	  char **ref)
{
	const cJSON *req = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(tx->bundle, "entry"), i);
	const cJSON *method = entry_field(req, "request", "method");
	const cJSON *sent = entry_field(req, "resource", NULL);
	const cJSON *prior = cJSON_GetArrayItem(tx->prior, i);
	bool create = cJSON_IsString(method) && strcmp(method->valuestring, "POST") == 0;
	const cJSON *made = entry_field(answer, "resource", NULL);
	cJSON *cur = NULL, *put;
	char *version = NULL, *pin;

	if (!fhir_tx_entry_made(answer, ref, &version)) {
		const cJSON *url = entry_field(req, "request", "url");

		*ref = xstrdup(cJSON_IsString(url) ? url->valuestring : "?");
		free(version);
		return false;
	}
	if (version == NULL) {
		if ((cur = current_if_ours(s, *ref, sent, create, &version)) == NULL)
			return false;
		made = cur;
	}
	if (create) {
		/* What was made: as the server answered it, else as sent, with its id. */
		cJSON *res = cJSON_IsObject(made) ? cJSON_Duplicate(made, true) : cJSON_Duplicate(sent, true);

		json_put_str(res, "id", strchr(*ref, '/') + 1);
		put = undo_create(res);
		cJSON_Delete(res);
	} else if (cJSON_IsObject(prior)) {
		put = without_meta(prior);
	} else {
		free(version);
		cJSON_Delete(cur);
		return false;
	}
	pin = xasprintf("W/\"%s\"", version);
	fhir_bundle_add(undo, "PUT", *ref, put, NULL, pin, NULL);
	free(pin);
	free(version);
	cJSON_Delete(cur);
	return true;
}

/* Undoes the applied entries of a half-applied transaction. Returns the
 * references left as the server made them, ", "-separated ("" when none). */
static char *
undo_applied(struct session *s, const struct fhir_tx *tx, const cJSON *answers)
{
	cJSON *undo = fhir_bundle_new("batch"), *resp;
	struct buf left, planned;
	struct error ignored;
	const cJSON *a;
	int i = 0, n = 0;

	buf_init(&left);
	buf_init(&planned);
	cJSON_ArrayForEach(a, answers) {
		long st = fhir_entry_status(a);
		const cJSON *req = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(tx->bundle, "entry"), i);
		const cJSON *method = entry_field(req, "request", "method");
		char *ref = NULL;

		/* A create answered 200 found what an earlier try of ours made: it was
		 * there before, and stays. */
		bool existed = st == 200 && cJSON_IsString(method) && strcmp(method->valuestring, "POST") == 0;

		if (st >= 200 && st < 300 && !existed) {
			if (plan_undo(s, tx, i, a, undo, &ref)) {
				buf_adds(&planned, ref);
				buf_addc(&planned, '\n');
				n++;
			} else {
				buf_addf(&left, "%s%s", left.len > 0 ? ", " : "", ref);
			}
		}
		free(ref);
		i++;
	}
	if (n > 0) {
		error_clear(&ignored);
		resp = fhir_bundle_post(s, undo, &ignored);
		i = 0;
		for (const char *p = planned.data; p != NULL && *p != '\0'; i++) {
			const cJSON *ua = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp, "entry"), i);
			size_t len = strcspn(p, "\n");
			long st = ua != NULL ? fhir_entry_status(ua) : 0;

			if (!(st >= 200 && st < 300)) {
				buf_addf(&left, "%s%.*s", left.len > 0 ? ", " : "", (int)len, p);
			}
			p += len + (p[len] == '\n');
		}
		cJSON_Delete(resp);
	}
	cJSON_Delete(undo);
	buf_finish(&planned);
	return buf_steal(&left);
}

/* The error of the first entry the server refused. */
static void
refused_error(struct session *s, const cJSON *answers, struct error *err)
{
	const cJSON *a;

	cJSON_ArrayForEach(a, answers) {
		long st = fhir_entry_status(a);

		if (!(st >= 200 && st < 300)) {
			fhir_status_error(s, st, entry_field(a, "response", "outcome"), err);
			return;
		}
	}
}

/* The request urls, ", "-separated, for a message (new string). */
static char *
entry_urls(const struct fhir_tx *tx)
{
	struct buf b;
	const cJSON *e;

	buf_init(&b);
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(tx->bundle, "entry")) {
		const cJSON *url = entry_field(e, "request", "url");

		buf_addf(&b, "%s%s", b.len > 0 ? ", " : "", cJSON_IsString(url) ? url->valuestring : "?");
	}
	return buf_steal(&b);
}

cJSON *
fhir_tx_commit(struct session *s, struct fhir_tx *tx, struct error *err)
{
	int sent = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tx->bundle, "entry"));
	cJSON *resp = fhir_bundle_post(s, tx->bundle, err);
	const cJSON *answers, *a;
	int n = 0, failed = 0, unknown = 0;
	char *left, *what;

	if (resp == NULL) {
		/* Refused as a whole: a server that keeps a transaction whole. */
		if (sent > 1 && err != NULL && err->kind == ERR_CONFLICT)
			remember(s, TX_ATOMIC);
		return NULL;
	}
	answers = cJSON_GetObjectItemCaseSensitive(resp, "entry");
	cJSON_ArrayForEach(a, answers) {
		long st = fhir_entry_status(a);

		n++;
		if (st == 0)
			unknown++;
		else if (st < 200 || st >= 300)
			failed++;
	}
	if (n == sent && failed == 0 && unknown == 0)
		return resp;
	if (n != sent || unknown > 0) {
		/* Nothing can be undone safely when the answer does not say what
		 * became of each entry. */
		what = entry_urls(tx);
		cJSON_Delete(resp);
		error_set(err, ERR_FAILED,
			  _("The server's answer does not say what became of each part of this change (%s); look at them before you try again."),
			  what);
		free(what);
		return NULL;
	}
	remember(s, TX_NOT_ATOMIC);
	left = undo_applied(s, tx, answers);
	if (left[0] == '\0') {
		refused_error(s, answers, err);
	} else {
		error_set(err, ERR_FAILED,
			  _("The server made only part of this change and ezrizi could not undo all of it: %s is left as the server made it; look at it and put it right."),
			  left);
	}
	free(left);
	cJSON_Delete(resp);
	return NULL;
}
