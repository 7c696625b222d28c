/* include.c - _include filled in where a server ignores it; see
 * include/core/include.h. */
#include "core/include.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/http.h"
#include "core/xmalloc.h"

/* The _include parameters ezrizi sends, and where their references are. */
static const struct {
	const char *spec;   /* as in the query: "Appointment:actor" */
	const char *type;   /* the resources it applies to */
	const char *path;   /* dotted elements; arrays are walked */
} paths[] = {
	{ "Appointment:actor", "Appointment", "participant.actor" },
	{ "Communication:sender", "Communication", "sender" },
	{ "DocumentReference:author", "DocumentReference", "author" },
	{ "Schedule:actor", "Schedule", "actor" },
	{ "Provenance:agent", "Provenance", "agent.who" },
};

/* The types whose names ezrizi shows. */
static const char *const people[] = { "Group", "Patient", "Practitioner" };

struct refs {
	char **v;
	size_t n, cap;
};

static void
refs_add(struct refs *r, const char *s, size_t len)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	r->v[r->n++] = xstrndup(s, len);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
refs_sort(struct refs *r)
{
	size_t k = 0;

	if (r->n == 0)
		return;
	qsort(r->v, r->n, sizeof *r->v, str_cmp);
	for (size_t i = 1; i < r->n; i++) {
		if (strcmp(r->v[i], r->v[k]) == 0)
			free(r->v[i]);
		else
			r->v[++k] = r->v[i];
	}
	r->n = k + 1;
}

static bool
refs_has(const struct refs *r, const char *s)
{
	return r->n > 0 && bsearch(&s, r->v, r->n, sizeof *r->v, str_cmp) != NULL;
}

static void
refs_finish(struct refs *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i]);
	free(r->v);
}

static bool
is_person_type(const char *type, size_t len)
{
	for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) {
		if (strlen(people[i]) == len && memcmp(people[i], type, len) == 0)
			return true;
	}
	return false;
}

/* Collects the relative references "Type/id" found at path under node. */
static void
walk(const cJSON *node, const char *path, struct refs *out)
{
	const cJSON *child;
	size_t n;
	char *key;

	if (cJSON_IsArray(node)) {
		cJSON_ArrayForEach(child, node)
			walk(child, path, out);
		return;
	}
	if (!cJSON_IsObject(node))
		return;
	if (*path == '\0') {
		const cJSON *ref = cJSON_GetObjectItemCaseSensitive(node, "reference");
		const char *s, *slash;

		if (!cJSON_IsString(ref))
			return;
		s = ref->valuestring;
		slash = strchr(s, '/');
		/* Relative references only: Type/id, with nothing after the id. */
		if (slash != NULL && is_person_type(s, (size_t)(slash - s)) && slash[1] != '\0' &&
		    strchr(slash + 1, '/') == NULL)
			refs_add(out, s, strlen(s));
		return;
	}
	n = strcspn(path, ".");
	key = xstrndup(path, n);
	walk(cJSON_GetObjectItemCaseSensitive(node, key), path + n + (path[n] == '.'), out);
	free(key);
}

/* The paths of the query's _include parameters that ezrizi knows. */
static size_t
query_includes(const char *query, size_t out[], size_t max)
{
	size_t k = 0;

	for (const char *p = strstr(query, "_include="); p != NULL && k < max; p = strstr(p + 1, "_include=")) {
		const char *v = p + strlen("_include=");
		size_t len = strcspn(v, "&");

		if (p != query && p[-1] != '&' && p[-1] != '?')
			continue;  /* "_revinclude=" or another name ending so */
		for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
			if (strlen(paths[i].spec) == len && strncmp(v, paths[i].spec, len) == 0)
				out[k++] = i;
		}
	}
	return k;
}

static bool
type_is(const cJSON *res, const char *type)
{
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");

	return cJSON_IsString(rt) && strcmp(rt->valuestring, type) == 0;
}

/* The queries fetching the missing references, INCLUDE_IDS_PER_QUERY at a time. */
static cJSON *
queries_for(const struct refs *missing)
{
	cJSON *out = cJSON_CreateArray();
	size_t i = 0;

	while (i < missing->n) {
		const char *first = missing->v[i];
		size_t tl = (size_t)(strchr(first, '/') - first), k = 0;
		struct buf q;

		buf_init(&q);
		buf_add(&q, first, tl);
		buf_adds(&q, "?_id=");
		/* The same type: the same "Type/" prefix. */
		for (; i < missing->n && k < INCLUDE_IDS_PER_QUERY &&
		       strncmp(missing->v[i], first, tl + 1) == 0; i++, k++) {
			char *e = http_escape(strchr(missing->v[i], '/') + 1);

			buf_addf(&q, "%s%s", k > 0 ? "," : "", e);
			free(e);
		}
		buf_addf(&q, "&_count=%zu", k);
		cJSON_AddItemToArray(out, cJSON_CreateString(q.data));
		buf_finish(&q);
	}
	return out;
}

/* _revinclude=Provenance:target on notes, ignored by the server: no
 * Provenance came with signed notes. The search for their signatures (a
 * query string), or NULL. */
static char *
signatures_missing(const char *query, const cJSON *all)
{
	const char *spec = "_revinclude=Provenance:target";
	const char *p = strstr(query, spec);
	const cJSON *res;
	struct buf q;
	size_t k = 0;

	if (p == NULL || (p != query && p[-1] != '&' && p[-1] != '?'))
		return NULL;
	cJSON_ArrayForEach(res, all) {
		if (type_is(res, "Provenance"))
			return NULL;
	}
	buf_init(&q);
	buf_adds(&q, "Provenance?target=");
	cJSON_ArrayForEach(res, all) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(res, "id");
		const cJSON *ds = cJSON_GetObjectItemCaseSensitive(res, "docStatus");
		char *e;

		if (!type_is(res, "DocumentReference") || !cJSON_IsString(id) || !cJSON_IsString(ds) ||
		    strcmp(ds->valuestring, "preliminary") == 0 || k >= INCLUDE_IDS_PER_QUERY)
			continue;
		e = http_escape(id->valuestring);
		buf_addf(&q, "%sDocumentReference/%s", k++ > 0 ? "," : "", e);
		free(e);
	}
	if (k == 0) {
		buf_finish(&q);
		return NULL;
	}
	buf_addf(&q, "&_count=%zu", k * 4);
	return buf_steal(&q);
}

static cJSON *
people_missing(struct store *st, const char *query, cJSON *all);

cJSON *
include_missing(struct store *st, const char *query, cJSON *all)
{
	char *sig = signatures_missing(query, all);
	cJSON *out = people_missing(st, query, all);

	if (sig != NULL) {
		if (out == NULL)
			out = cJSON_CreateArray();
		cJSON_AddItemToArray(out, cJSON_CreateString(sig));
		free(sig);
	}
	return out;
}

static cJSON *
people_missing(struct store *st, const char *query, cJSON *all)
{
	size_t which[8], n = query_includes(query, which, 8);
	struct refs want = { 0 }, have = { 0 }, missing = { 0 };
	const cJSON *res;
	cJSON *out = NULL;

	if (n == 0)
		return NULL;
	cJSON_ArrayForEach(res, all) {
		const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(res, "id");

		if (cJSON_IsString(rt) && cJSON_IsString(id)) {
			char *r = xasprintf("%s/%s", rt->valuestring, id->valuestring);

			refs_add(&have, r, strlen(r));
			free(r);
		}
		for (size_t i = 0; i < n; i++) {
			if (type_is(res, paths[which[i]].type))
				walk(res, paths[which[i]].path, &want);
		}
	}
	refs_sort(&have);
	refs_sort(&want);
	for (size_t i = 0; i < want.n; i++) {
		char *slash, *type;
		cJSON *cached;

		if (refs_has(&have, want.v[i]))
			continue;
		slash = strchr(want.v[i], '/');
		type = xstrndup(want.v[i], (size_t)(slash - want.v[i]));
		cached = st != NULL ? cache_get(st, type, slash + 1) : NULL;
		free(type);
		if (cached != NULL)
			cJSON_AddItemToArray(all, cached);
		else
			refs_add(&missing, want.v[i], strlen(want.v[i]));
	}
	if (missing.n > 0)
		out = queries_for(&missing);  /* sorted: one type after the other */
	refs_finish(&want);
	refs_finish(&have);
	refs_finish(&missing);
	return out;
}
