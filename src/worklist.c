/* worklist.c - the notes a counsellor still owes; see include/core/worklist.h. */
#include "core/worklist.h"

#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/model.h"
#include "core/store.h"
#include "core/xmalloc.h"

#define META_TYPE "meta"
#define FETCHED_ID "worklist-fetched"
#define NOTES_MAX 5000
#define RELATED_CHUNK 40

/* Signing's predicates (core/notes.h). */
#define signed_note note_is_signed
#define draft_note note_is_draft

static bool
current(const struct note *n)
{
	return n->status == NULL || strcmp(n->status, "current") == 0;
}

static bool
held(const struct appointment *a, time_t now)
{
	static const char *const st[] = { "fulfilled", "arrived", "checked-in", NULL };

	if (a->status == NULL || a->start == 0 || a->start > now)
		return false;
	for (size_t i = 0; st[i] != NULL; i++)
		if (strcmp(a->status, st[i]) == 0)
			return true;
	return false;
}

static struct worklist_item *
add_item(struct worklist *w, size_t *cap, enum worklist_kind kind, time_t since)
{
	struct worklist_item *it;

	if (w->n == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		w->v = xreallocarray(w->v, *cap, sizeof *w->v);
	}
	it = &w->v[w->n++];
	memset(it, 0, sizeof *it);
	it->kind = kind;
	it->since = since;
	return it;
}

static int
item_cmp(const void *pa, const void *pb)
{
	const struct worklist_item *a = pa, *b = pb;
	const char *ia = a->appointment_id != NULL ? a->appointment_id : a->note_id;
	const char *ib = b->appointment_id != NULL ? b->appointment_id : b->note_id;

	if (a->since != b->since)
		return a->since < b->since ? -1 : 1;   /* oldest first */
	return strcmp(ia != NULL ? ia : "", ib != NULL ? ib : "");
}

/* The session's newest draft, and whether it has a signed note. */
static const struct note *
session_note(const struct note_list *notes, const char *appt_id, bool *has_signed)
{
	const struct note *draft = NULL;

	*has_signed = false;
	for (size_t i = 0; i < notes->n; i++) {
		const struct note *n = &notes->v[i];

		if (!current(n) || n->appointment_id == NULL || strcmp(n->appointment_id, appt_id) != 0)
			continue;
		if (signed_note(n))
			*has_signed = true;
		else if (draft_note(n) && (draft == NULL || n->date > draft->date))
			draft = n;
	}
	return draft;
}

static bool
listed_note(const struct worklist *w, const char *id)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].note_id != NULL && strcmp(w->v[i].note_id, id) == 0)
			return true;
	return false;
}

static void
add_sessions(const struct worklist_input *in, time_t limit, struct worklist *w, size_t *cap)
{
	for (size_t i = 0; i < in->appts->n; i++) {
		const struct appointment *a = &in->appts->v[i];
		const struct note *draft;
		struct worklist_item *it;
		bool has_signed;

		if (!held(a, in->now))
			continue;
		draft = session_note(in->notes, a->id, &has_signed);
		if (has_signed)
			continue;
		it = add_item(w, cap, draft == NULL ? WL_NO_NOTE : in->now - draft->date > limit ? WL_OLD_DRAFT : WL_DRAFT,
			      a->start);
		it->appointment_id = xstrdup(a->id);
		it->appointment_status = xstrdup(a->status);
		it->note_id = draft != NULL ? xstrdup(draft->id) : NULL;
		it->patient_id = xstrdup(a->patient_id);
		it->patient_name = xstrdup(a->patient_name);
	}
}

static void
add_notes(const struct worklist_input *in, time_t limit, struct worklist *w, size_t *cap)
{
	for (size_t i = 0; i < in->notes->n; i++) {
		const struct note *n = &in->notes->v[i];
		bool mine = in->me != NULL && n->author_id != NULL && strcmp(n->author_id, in->me) == 0;
		enum worklist_kind kind;
		struct worklist_item *it;

		if (!current(n) || listed_note(w, n->id))
			continue;
		if (mine && draft_note(n) && in->now - n->date > limit)
			kind = WL_OLD_DRAFT;
		else if (in->me != NULL && note_awaits_cosign_by(n, in->me))
			kind = WL_COSIGN;
		else
			continue;
		it = add_item(w, cap, kind, kind == WL_COSIGN && n->signed_at != 0 ? n->signed_at : n->date);
		it->note_id = xstrdup(n->id);
		it->appointment_id = xstrdup(n->appointment_id);
		it->patient_id = xstrdup(n->patient_id);
	}
}

void
worklist_build(const struct worklist_input *in, struct worklist *out)
{
	time_t limit = (time_t)in->draft_limit_hours * 3600;
	size_t cap = 0;

	memset(out, 0, sizeof *out);
	add_sessions(in, limit, out, &cap);
	add_notes(in, limit, out, &cap);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof *out->v, item_cmp);
}

void
worklist_finish(struct worklist *w)
{
	for (size_t i = 0; i < w->n; i++) {
		struct worklist_item *it = &w->v[i];

		free(it->appointment_id);
		free(it->appointment_status);
		free(it->note_id);
		free(it->patient_id);
		free(it->patient_name);
	}
	free(w->v);
	memset(w, 0, sizeof *w);
}

long
worklist_draft_limit(const struct config *cfg)
{
	return cfg != NULL ? config_get_long(cfg, "draft_limit_hours", 48) : 48;
}

/* ---- fetching ---- */

static void
append_all(cJSON *into, cJSON *from)
{
	cJSON *r;

	while (from != NULL && (r = cJSON_DetachItemFromArray(from, 0)) != NULL)
		cJSON_AddItemToArray(into, r);
	cJSON_Delete(from);
}

/* The notes tied to the sessions held, in searches of a few sessions each. */
static bool
fetch_related(struct session *s, const struct appt_list *appts, time_t now, cJSON *into,
	      struct error *err)
{
	struct buf q;
	size_t in_q = 0;
	bool ok = true;

	buf_init(&q);
	for (size_t i = 0; ok && i <= appts->n; i++) {
		if (i < appts->n && held(&appts->v[i], now)) {
			char *ref = xasprintf("Appointment/%s", appts->v[i].id), *e = http_escape(ref);

			buf_addf(&q, "%s%s", in_q++ == 0 ? "DocumentReference?_count=200&related=" : ",", e);
			free(ref);
			free(e);
		}
		if (in_q > 0 && (in_q == RELATED_CHUNK || i == appts->n)) {
			cJSON *got = fhir_search(s, q.data, NOTES_MAX, err);

			ok = got != NULL;
			append_all(into, got);
			buf_reset(&q);
			in_q = 0;
		}
	}
	buf_finish(&q);
	return ok;
}

static cJSON *
fetch_notes(struct session *s, const char *me, const struct appt_list *appts, time_t now,
	    struct error *err)
{
	char *ref = xasprintf("Practitioner/%s", me), *e = http_escape(ref);
	char *path = xasprintf("DocumentReference?author=%s&_count=200&_include=DocumentReference:subject", e);
	cJSON *all = fhir_search(s, path, NOTES_MAX, err);

	free(ref);
	free(e);
	free(path);
	if (all != NULL && !fetch_related(s, appts, now, all, err)) {
		cJSON_Delete(all);
		all = NULL;
	}
	return all;
}

/* A supervisor's (config supervises): the trainees' notes waiting for my
 * co-signature, added to the notes (as resources: notes_once reads them). */
static bool
fetch_cosign(struct session *s, cJSON *into, struct error *err)
{
	const char *who = s->cfg != NULL ? config_get(s->cfg, "supervises") : NULL;
	char *e, *q;
	cJSON *got;

	if (who == NULL || *who == '\0')
		return true;
	e = notes_trainee_refs(who);
	q = xasprintf("DocumentReference?authenticator=%s&_count=100&_revinclude=Provenance:target", e);
	got = fhir_search(s, q, NOTES_MAX, err);
	free(e);
	free(q);
	append_all(into, got);
	return got != NULL;
}

static bool
collect_cached(const char *id, const char *version, const void *data, size_t len, void *arg)
{
	struct error e;
	cJSON *res;

	(void)id;
	(void)version;
	error_clear(&e);
	if ((res = json_parse(data, len, "cache", &e)) != NULL)
		cJSON_AddItemToArray(arg, res);
	return true;
}

static cJSON *
cached_notes(struct session *s, struct error *err)
{
	cJSON *all = cJSON_CreateArray();

	/* The notes, and the Provenances that say who signed them. */
	if (!store_find(s->store, STORE_BY_KIND, "DocumentReference", NULL, collect_cached, all, NULL, err) ||
	    !store_find(s->store, STORE_BY_KIND, "Provenance", NULL, collect_cached, all, NULL, err)) {
		cJSON_Delete(all);
		return NULL;
	}
	return all;
}

/* The notes, each once (the author's search and the sessions' meet). */
static bool
notes_once(const cJSON *all, struct note_list *out, struct error *err)
{
	size_t k = 0;

	if (!notes_from_resources(all, NOTES_MAX, out, err))
		return false;
	for (size_t i = 0; i < out->n; i++) {
		bool dup = false;

		for (size_t j = 0; j < k && !dup; j++)
			dup = strcmp(out->v[j].id, out->v[i].id) == 0;
		if (dup)
			note_finish(&out->v[i]);
		else
			out->v[k++] = out->v[i];
	}
	out->n = k;
	return true;
}

/* Names for the rows of notes alone: from the search's clients, else the cache. */
static void
fill_names(struct session *s, const cJSON *all, struct worklist *w)
{
	struct names *names = names_create();

	names_add_resources(names, all);
	for (size_t i = 0; i < w->n; i++) {
		struct worklist_item *it = &w->v[i];
		const char *name;
		cJSON *p;

		if (it->patient_name != NULL || it->patient_id == NULL)
			continue;
		if ((name = names_get(names, "Patient", it->patient_id)) != NULL) {
			it->patient_name = xstrdup(name);
		} else if (s->store != NULL && (p = cache_get(s->store, "Patient", it->patient_id)) != NULL) {
			it->patient_name = human_name(cJSON_GetObjectItemCaseSensitive(p, "name"));
			cJSON_Delete(p);
		}
	}
	names_destroy(names);
}

static void
remember_fetch(struct session *s, time_t now)
{
	struct store_rec r = { .type = META_TYPE, .id = FETCHED_ID, .version = "" };
	struct error e;
	char at[21];

	if (s->store == NULL)
		return;
	instant_format_utc(now, at);
	r.data = at;
	r.len = strlen(at);
	error_clear(&e);
	store_put(s->store, &r, &e);   /* only what offline says of its age */
}

static time_t
last_fetch(struct session *s)
{
	struct error e;
	time_t t = 0;
	void *data;
	size_t len;

	error_clear(&e);
	if (s->store != NULL && store_get(s->store, META_TYPE, FETCHED_ID, &data, &len, NULL, &e)) {
		char *at = len < 32 ? xstrndup(data, len) : NULL;

		if (at == NULL || !instant_parse(at, &t))
			t = 0;
		free(at);
		store_free(data, len);
	}
	return t;
}

bool
worklist_get(struct session *s, long draft_limit_hours, int days, struct worklist *out,
	     struct error *err)
{
	struct appt_query q = { 0 };
	struct appt_list appts;
	struct note_list notes;
	bool cached = fhir_reads_cached(s);
	time_t now = clock_now();
	cJSON *all;
	bool ok;

	memset(out, 0, sizeof *out);
	if ((q.practitioner = session_practitioner(s, NULL, err)) == NULL)
		return false;
	q.to = date_today();
	q.from = date_add_days(q.to, -(days - 1));
	if (!appt_query(s, &q, &appts, err))
		return false;
	all = cached ? cached_notes(s, err) : fetch_notes(s, q.practitioner, &appts, now, err);
	if (all != NULL && !cached && !fetch_cosign(s, all, err)) {
		cJSON_Delete(all);
		all = NULL;
	}
	ok = all != NULL && notes_once(all, &notes, err);
	if (ok) {
		struct worklist_input in = { &appts, &notes, q.practitioner, now, draft_limit_hours };

		worklist_build(&in, out);
		fill_names(s, all, out);
		note_list_finish(&notes);
		out->from_cache = cached;
		if (cached)
			out->fetched = last_fetch(s);
		else
			remember_fetch(s, now);
	}
	cJSON_Delete(all);
	appt_list_finish(&appts);
	return ok;
}

const char *
worklist_kind_code(enum worklist_kind k)
{
	switch (k) {
	case WL_NO_NOTE: return "no-note";
	case WL_DRAFT: return "draft";
	case WL_OLD_DRAFT: return "old-draft";
	case WL_COSIGN: return "cosign";
	}
	return "";
}

const char *
worklist_kind_label(enum worklist_kind k)
{
	switch (k) {
	/* TRANSLATORS: a worklist row: a session held that has no note. */
	case WL_NO_NOTE: return _("no note");
	/* TRANSLATORS: a worklist row: a session whose note is not signed yet. */
	case WL_DRAFT: return _("unsigned draft");
	/* TRANSLATORS: a worklist row: a draft note older than the clinic's limit. */
	case WL_OLD_DRAFT: return _("overdue draft");
	/* TRANSLATORS: a worklist row: a trainee's note waiting for the supervisor's co-signature. */
	case WL_COSIGN: return _("to co-sign");
	}
	return "";
}
