/* fhir.c - FHIR REST calls as the session's user; see include/core/session.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/date.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/sanitize.h"
#include "core/session.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

void
fhir_result_finish(struct fhir_result *r)
{
	cJSON_Delete(r->json);
	free(r->etag);
	free(r->location);
	memset(r, 0, sizeof *r);
}

/* The server's own words from an OperationOutcome, sanitised, or NULL. */
static char *
outcome_text(const cJSON *json)
{
	const cJSON *rt, *issues, *issue, *t;

	if (json == NULL)
		return NULL;
	rt = cJSON_GetObjectItemCaseSensitive(json, "resourceType");
	if (!cJSON_IsString(rt) || strcmp(rt->valuestring, "OperationOutcome") != 0)
		return NULL;
	issues = cJSON_GetObjectItemCaseSensitive(json, "issue");
	issue = cJSON_IsArray(issues) ? cJSON_GetArrayItem(issues, 0) : NULL;
	if (issue == NULL)
		return NULL;
	t = cJSON_GetObjectItemCaseSensitive(issue, "diagnostics");
	if (!cJSON_IsString(t)) {
		t = cJSON_GetObjectItemCaseSensitive(issue, "details");
		t = t != NULL ? cJSON_GetObjectItemCaseSensitive(t, "text") : NULL;
	}
	if (!cJSON_IsString(t))
		return NULL;
	return sanitize_display(t->valuestring, (size_t)-1, 0);
}

static void
status_error(struct session *s, long status, const cJSON *json, struct error *err)
{
	char *why = outcome_text(json);
	const char *w = why != NULL ? why : "";

	if (status == 401) {
		if (s->auth == AUTH_ENV)
			error_set(err, ERR_AUTH, _("The server refused the token in EZRIZI_TOKEN; get a new one."));
		else if (s->auth == AUTH_FILE)
			error_set(err, ERR_AUTH, _("The server refused the token in token_file; get a new one."));
		else
			error_set(err, ERR_AUTH, _("The server refused the login (it may have expired); run 'ezrizi login' again."));
	} else if (status == 403) {
		error_set(err, ERR_AUTH, _("You are not allowed to do this on the server. %s"), w);
	} else if (status == 404 || status == 410) {
		error_set(err, ERR_NOT_FOUND, _("Not found on the server. %s"), w);
	} else if (status == 409 || status == 412) {
		error_set(err, ERR_CONFLICT, _("Someone else changed this meanwhile; look again and retry. %s"), w);
	} else if (status == 400 || status == 422) {
		error_set(err, ERR_USAGE, _("The server rejected the request. %s"), w);
	} else {
		error_set(err, ERR_NETWORK, _("The server failed (HTTP %ld); try again later. %s"), status, w);
	}
	err->http_status = (int)status;
	free(why);
}

static char *
make_url(struct session *s, const char *path, struct error *err)
{
	size_t n = strlen(s->base);

	if (ascii_prefix_nocase(path, "http://") || ascii_prefix_nocase(path, "https://")) {
		/* A link from the server: follow it only on the same server, so the token
		 * never goes anywhere else. */
		if (strncmp(path, s->base, n) != 0 || (path[n] != '/' && path[n] != '?')) {
			error_set(err, ERR_FAILED, _("The server sent a link to another server; it was not followed."));
			return NULL;
		}
		return xstrdup(path);
	}
	if (path[0] == '\0')
		return xstrdup(s->base);
	return xasprintf("%s/%s", s->base, path);
}

static bool
need_token(struct session *s, struct error *err)
{
	if (s->offline)
		return error_set(err, ERR_NETWORK, _("Working offline; this needs the server."));
	if (s->access == NULL)
		return error_set(err, ERR_AUTH, _("Not logged in; run 'ezrizi login', or set EZRIZI_TOKEN."));
	/* A token known to have expired is refreshed before use, saving a round trip. */
	if (s->expires_at != 0 && clock_now() + 30 >= s->expires_at && s->refresh != NULL) {
		struct error ignored;

		error_clear(&ignored);
		session_refresh(s, &ignored);
	}
	return true;
}

bool
fhir_call(struct session *s, const char *method, const char *path, const cJSON *body,
	  const struct fhir_opts *o, struct fhir_result *out, struct error *err)
{
	static const struct fhir_opts none;
	struct http_request_opts ho = { .method = method, .accept = "application/fhir+json" };
	struct http_response resp;
	char *url, *text = NULL;
	bool refreshed = false, ok;

	memset(out, 0, sizeof *out);
	if (o == NULL)
		o = &none;
	if (!need_token(s, err) || (url = make_url(s, path, err)) == NULL)
		return false;
	if (body != NULL) {
		text = json_print(body);
		ho.body = text;
		ho.body_len = strlen(text);
		ho.content_type = "application/fhir+json; charset=utf-8";
	}
	ho.url = url;
	ho.if_match = o->if_match;
	ho.if_none_exist = o->if_none_exist;
	ho.idempotent = o->idempotent || strcmp(method, "GET") == 0;
again:
	ho.bearer = s->access->data;
	ok = http_request_sync(s->http, &ho, &resp, err);
	if (ok && resp.status == 401 && !refreshed && s->refresh != NULL) {
		struct error rerr;

		error_clear(&rerr);
		http_response_finish(&resp);
		refreshed = true;
		if (session_refresh(s, &rerr))
			goto again;
		if (rerr.kind != ERR_NONE) {
			*err = rerr;
			ok = false;
		} else {
			ok = http_request_sync(s->http, &ho, &resp, err);
		}
	}
	free(url);
	if (text != NULL)
		cJSON_free(text);
	if (!ok)
		return false;
	out->status = resp.status;
	out->etag = resp.etag;
	out->location = resp.location;
	resp.etag = resp.location = NULL;
	if (resp.status != 304 && resp.body_len > 0) {
		struct error perr;

		error_clear(&perr);
		out->json = json_parse(resp.body, resp.body_len, _("The answer from the server"), &perr);
		if (out->json == NULL && resp.status >= 200 && resp.status < 300) {
			*err = perr;
			http_response_finish(&resp);
			fhir_result_finish(out);
			return false;
		}
	}
	http_response_finish(&resp);
	if (!(out->status >= 200 && out->status < 300) && out->status != 304) {
		status_error(s, out->status, out->json, err);
		fhir_result_finish(out);
		return false;
	}
	return true;
}

static bool
has_type(const cJSON *res, const char *type)
{
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");

	return cJSON_IsString(rt) && strcmp(rt->valuestring, type) == 0;
}

static bool
id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return false;
	}
	return true;
}

cJSON *
fhir_read(struct session *s, const char *type, const char *id, char **etag, struct error *err)
{
	struct fhir_result r;
	char *path;
	cJSON *res;
	bool ok;

	if (!id_ok(id)) {
		/* TRANSLATORS: "'ab/c' is not a valid Patient id." */
		error_set(err, ERR_USAGE, _("'%s' is not a valid %s id; ids are letters, digits, '-' and '.'."), id, type);
		return NULL;
	}
	path = xasprintf("%s/%s", type, id);
	ok = fhir_call(s, "GET", path, NULL, NULL, &r, err);
	free(path);
	if (!ok) {
		if (err != NULL && err->kind == ERR_NOT_FOUND) {
			error_clear(err);
			error_set(err, ERR_NOT_FOUND, _("There is no %s with the id %s."), type, id);
		}
		return NULL;
	}
	if (r.json == NULL || !has_type(r.json, type)) {
		fhir_result_finish(&r);
		error_set(err, ERR_FAILED, _("The server answered with something other than a %s."), type);
		return NULL;
	}
	res = r.json;
	r.json = NULL;
	if (etag != NULL) {
		*etag = r.etag != NULL ? r.etag : fhir_version_tag(res);
		r.etag = NULL;
	}
	fhir_result_finish(&r);
	return res;
}

static const char *
next_link(const cJSON *bundle)
{
	const cJSON *links = cJSON_GetObjectItemCaseSensitive(bundle, "link"), *l;

	cJSON_ArrayForEach(l, links) {
		const cJSON *rel = cJSON_GetObjectItemCaseSensitive(l, "relation");
		const cJSON *url = cJSON_GetObjectItemCaseSensitive(l, "url");

		if (cJSON_IsString(rel) && strcmp(rel->valuestring, "next") == 0 && cJSON_IsString(url))
			return url->valuestring;
	}
	return NULL;
}

cJSON *
fhir_search(struct session *s, const char *query, size_t max, struct error *err)
{
	cJSON *all = cJSON_CreateArray();
	char *path = xstrdup(query);
	size_t pages = 0, n = 0;

	while (path != NULL) {
		struct fhir_result r;
		cJSON *entries, *e;
		const char *next;

		if (!fhir_call(s, "GET", path, NULL, NULL, &r, err)) {
			free(path);
			cJSON_Delete(all);
			return NULL;
		}
		free(path);
		path = NULL;
		if (r.json == NULL || !has_type(r.json, "Bundle")) {
			fhir_result_finish(&r);
			cJSON_Delete(all);
			error_set(err, ERR_FAILED, _("The server answered a search with something other than a Bundle."));
			return NULL;
		}
		entries = cJSON_GetObjectItemCaseSensitive(r.json, "entry");
		cJSON_ArrayForEach(e, entries) {
			cJSON *res = cJSON_GetObjectItemCaseSensitive(e, "resource");

			if (cJSON_IsObject(res)) {
				cJSON_AddItemToArray(all, cJSON_DetachItemViaPointer(e, res));
				n++;
			}
		}
		next = next_link(r.json);
		/* A bound on pages, so a server that links in a circle cannot keep us. */
		if (next != NULL && (max == 0 || n < max) && ++pages < 200)
			path = xstrdup(next);
		fhir_result_finish(&r);
	}
	return all;
}

char *
fhir_version_tag(const cJSON *res)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(res, "meta");
	const cJSON *vid = meta != NULL ? cJSON_GetObjectItemCaseSensitive(meta, "versionId") : NULL;

	if (!cJSON_IsString(vid))
		return NULL;
	return xasprintf("W/\"%s\"", vid->valuestring);
}

void
fhir_uuid(char out[static 37])
{
	unsigned char b[16];

	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

cJSON *
fhir_bundle_new(const char *type)
{
	cJSON *b = cJSON_CreateObject();

	json_put_str(b, "resourceType", "Bundle");
	json_put_str(b, "type", type);
	json_put(b, "entry", cJSON_CreateArray());
	return b;
}

void
fhir_bundle_add(cJSON *bundle, const char *method, const char *url, cJSON *res,
		const char *full_url, const char *if_match, const char *if_none_exist)
{
	cJSON *e = cJSON_CreateObject(), *req = cJSON_CreateObject();

	if (full_url != NULL)
		json_put_str(e, "fullUrl", full_url);
	if (res != NULL)
		json_put(e, "resource", res);
	json_put_str(req, "method", method);
	json_put_str(req, "url", url);
	if (if_match != NULL)
		json_put_str(req, "ifMatch", if_match);
	if (if_none_exist != NULL)
		json_put_str(req, "ifNoneExist", if_none_exist);
	json_put(e, "request", req);
	cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(bundle, "entry"), e);
}

cJSON *
fhir_transaction(struct session *s, const cJSON *bundle, struct error *err)
{
	struct fhir_opts o = { .idempotent = true };
	struct fhir_result r;
	cJSON *res;

	if (!fhir_call(s, "POST", "", bundle, &o, &r, err))
		return NULL;
	if (r.json == NULL || !has_type(r.json, "Bundle")) {
		fhir_result_finish(&r);
		error_set(err, ERR_FAILED, _("The server answered a transaction with something other than a Bundle."));
		return NULL;
	}
	res = r.json;
	r.json = NULL;
	fhir_result_finish(&r);
	return res;
}

cJSON *
fhir_reference(const char *type, const char *id, const char *display)
{
	cJSON *ref = cJSON_CreateObject();
	char *r = xasprintf("%s/%s", type, id);

	json_put_str(ref, "reference", r);
	if (display != NULL)
		json_put_str(ref, "display", display);
	free(r);
	return ref;
}
