/* people.c - clients and counsellors; see include/core/people.h. */
#include "core/people.h"

#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/fhir.h"
#include "core/fold.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

/* How far a search looks beyond the server's own name search, and in what
 * pages: the fields a client list shows, nothing more. */
#define SCAN_MAX 5000
#define SCAN_QUERY "Patient?_count=500&_elements=id,name,gender,birthDate,communication,identifier,telecom"

/* The server's search: name contains text (its string search: case-insensitive
 * substring, no folding of accents or Arabic variants), and/or the language. */
static cJSON *
server_search(struct session *s, const char *text, const char *language, size_t max,
	      struct error *err)
{
	struct buf path;
	cJSON *all;

	buf_init(&path);
	buf_addf(&path, "Patient?_sort=name&_count=%zu", max < 100 ? max : 100);
	if (text != NULL) {
		char *e = http_escape(text);

		buf_addf(&path, "&name=%s", e);
		free(e);
	}
	if (language != NULL) {
		char *e = http_escape(language);

		buf_addf(&path, "&language=%s", e);
		free(e);
	}
	all = fhir_search(s, path.data, max, err);
	buf_finish(&path);
	return all;
}

/* Every client (up to SCAN_MAX) of the language, or everyone, to match locally. */
static cJSON *
scan_search(struct session *s, const char *language, struct error *err)
{
	char *e = language != NULL ? http_escape(language) : NULL;
	char *path = e != NULL ? xasprintf("%s&language=%s", SCAN_QUERY, e) : xstrdup(SCAN_QUERY);
	cJSON *all = fhir_search(s, path, SCAN_MAX, err);

	free(path);
	free(e);
	return all;
}

/* True when the Patient speaks the language (any communication entry), as the
 * server's language= search does. */
static bool
speaks(const cJSON *res, const char *language)
{
	const cJSON *comm = cJSON_GetObjectItemCaseSensitive(res, "communication"), *c, *cd;

	cJSON_ArrayForEach(c, comm) {
		const cJSON *lang = cJSON_GetObjectItemCaseSensitive(c, "language");

		cJSON_ArrayForEach(cd, cJSON_GetObjectItemCaseSensitive(lang, "coding")) {
			const cJSON *code = cJSON_GetObjectItemCaseSensitive(cd, "code");

			if (cJSON_IsString(code) && ascii_eq_nocase(code->valuestring, language))
				return true;
		}
	}
	return false;
}

/* The clients in the local cache (of the language), for working offline. */
static cJSON *
cached_search(struct store *st, const char *language, struct error *err)
{
	cJSON *all = cache_patients(st, err), *res, *next;

	if (all == NULL || language == NULL)
		return all;
	for (res = all->child; res != NULL; res = next) {
		next = res->next;
		if (!speaks(res, language))
			cJSON_Delete(cJSON_DetachItemViaPointer(all, res));
	}
	return all;
}

/* Appends the Patients of `all` whose name matches text after folding (every
 * one when text is NULL); out->v has room for them. */
static bool
add_matches(struct patient_list *out, const cJSON *all, const char *text, const char *lang,
	    struct error *err)
{
	const cJSON *res;

	out->v = xreallocarray(out->v, out->n + (size_t)cJSON_GetArraySize(all) + 1, sizeof *out->v);
	cJSON_ArrayForEach(res, all) {
		char *name;
		bool match;

		if (text != NULL) {
			name = human_name(cJSON_GetObjectItemCaseSensitive(res, "name"));
			match = fold_match(name, text, lang);
			free(name);
			if (!match)
				continue;
		}
		if (!patient_from_json(res, &out->v[out->n], err))
			return false;
		out->n++;
	}
	return true;
}

struct keyed {
	char *key;   /* the folded name */
	struct patient p;
};

static int
keyed_cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : strcmp(x->p.id, y->p.id);
}

/* Sorts by folded name (then id), drops the same client found twice, keeps max. */
static void
sort_unique(struct patient_list *l, size_t max, const char *lang)
{
	struct keyed *k = xcalloc(l->n + 1, sizeof *k);
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		k[i].key = fold_for_search(l->v[i].name, lang);
		k[i].p = l->v[i];
	}
	qsort(k, l->n, sizeof *k, keyed_cmp);
	for (size_t i = 0; i < l->n; i++) {
		if ((n > 0 && strcmp(l->v[n - 1].id, k[i].p.id) == 0) || n >= max)
			patient_finish(&k[i].p);
		else
			l->v[n++] = k[i].p;
		free(k[i].key);
	}
	l->n = n;
	free(k);
}

bool
patient_search(struct session *s, const char *text, const char *language, size_t max,
	       struct patient_list *out, struct error *err)
{
	const char *lang = fold_user_lang();
	char *folded = fold_for_search(text, lang);
	bool offline = fhir_reads_cached(s), ok;
	const char *match = folded[0] != '\0' ? text : NULL;
	cJSON *all;

	memset(out, 0, sizeof *out);
	free(folded);
	/* Offline: the cached clients, matched here. Online: the server's name
	 * search first; when it finds fewer than max, everyone (trimmed) matched
	 * here too, for what the server cannot fold: "isik" for "Işık", "محمد" for
	 * "مُحَمَّد", "كريم" for "کریم". */
	all = offline ? cached_search(s->store, language, err) : server_search(s, text, language, max, err);
	if (all == NULL)
		return false;
	ok = add_matches(out, all, offline ? match : NULL, lang, err);
	cJSON_Delete(all);
	if (ok && !offline && out->n < max && match != NULL) {
		all = scan_search(s, language, err);
		ok = all != NULL && add_matches(out, all, match, lang, err);
		cJSON_Delete(all);
	}
	if (!ok) {
		patient_list_finish(out);
		return false;
	}
	if (offline || match != NULL) {
		sort_unique(out, max, lang);
	} else {
		/* The server's order; its last page may go past max. */
		while (out->n > max)
			patient_finish(&out->v[--out->n]);
	}
	return true;
}

void
patient_list_finish(struct patient_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		patient_finish(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

bool
patient_get(struct session *s, const char *id, struct patient *out, struct error *err)
{
	cJSON *res = fhir_reads_cached(s) ? cache_get(s->store, "Patient", id)
						    : fhir_read(s, "Patient", id, NULL, err);
	bool ok;

	if (res == NULL) {
		if (s->offline)
			error_set(err, ERR_NOT_FOUND, _("Client %s is not in the local cache; look again when online."), id);
		return false;
	}
	ok = patient_from_json(res, out, err);
	cJSON_Delete(res);
	return ok;
}

bool
practitioner_get(struct session *s, const char *id, struct practitioner *out, struct error *err)
{
	cJSON *res = fhir_read(s, "Practitioner", id, NULL, err);
	bool ok;

	if (res == NULL)
		return false;
	ok = practitioner_from_json(res, out, err);
	cJSON_Delete(res);
	return ok;
}
