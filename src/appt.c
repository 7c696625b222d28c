/* appt.c - appointments and slots; see include/core/appt.h. */
#include "core/appt.h"

#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/fhir.h"
#include "core/fhirtx.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/json.h"
#include "core/people.h"
#include "core/xmalloc.h"

#define MAX_SLOTS 1000

/* A client who is here: "arrived" or "checked-in", one meaning to ezrizi. */
static bool
is_here(const char *status)
{
	return status != NULL && (strcmp(status, "arrived") == 0 || strcmp(status, "checked-in") == 0);
}

/* "&key=value" with value escaped. */
static void
query_add(struct buf *q, const char *key, const char *value)
{
	char *v = http_escape(value);

	buf_addf(q, "&%s=%s", key, v);
	free(v);
}

static void
query_add_ref(struct buf *q, const char *key, const char *type, const char *id)
{
	char *ref = xasprintf("%s/%s", type, id);

	query_add(q, key, ref);
	free(ref);
}

static void
query_add_range(struct buf *q, const char *key, struct civil_date from, struct civil_date to)
{
	char a[21], b[21], *v;

	instant_format_utc(date_start(from), a);
	instant_format_utc(date_start(date_add_days(to, 1)), b);
	v = xasprintf("ge%s", a);
	query_add(q, key, v);
	free(v);
	v = xasprintf("lt%s", b);
	query_add(q, key, v);
	free(v);
}

static void
fill_names(struct appointment *a, const struct names *names)
{
	const char *n;

	if ((n = names_get(names, "Patient", a->patient_id)) != NULL) {
		free(a->patient_name);
		a->patient_name = xstrdup(n);
	}
	if (a->patient_name == NULL && (n = names_get(names, "Group", a->group_id)) != NULL)
		a->patient_name = xstrdup(n);
	if ((n = names_get(names, "Practitioner", a->practitioner_id)) != NULL) {
		free(a->practitioner_name);
		a->practitioner_name = xstrdup(n);
	}
}

static int
appt_cmp(const void *pa, const void *pb)
{
	const struct appointment *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return strcmp(a->id, b->id);
}

static bool
is_type(const cJSON *res, const char *type)
{
	const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");

	return cJSON_IsString(rt) && strcmp(rt->valuestring, type) == 0;
}

/* Turns the Appointments of a search result into a sorted list with names.
 * Those entered in error (an undone booking among them) are left out unless
 * keep_void. */
static bool
appt_list_from(const cJSON *all, bool keep_void, struct appt_list *out, struct error *err)
{
	struct names *names = names_create();
	const cJSON *res;
	size_t cap = (size_t)cJSON_GetArraySize(all) + 1;

	out->v = xcalloc(cap, sizeof *out->v);
	out->n = 0;
	names_add_resources(names, all);
	cJSON_ArrayForEach(res, all) {
		if (!is_type(res, "Appointment"))
			continue;
		if (!appointment_from_json(res, &out->v[out->n], err)) {
			names_destroy(names);
			appt_list_finish(out);
			return false;
		}
		if (!keep_void && out->v[out->n].status != NULL &&
		    strcmp(out->v[out->n].status, "entered-in-error") == 0) {
			appointment_finish(&out->v[out->n]);
			continue;
		}
		fill_names(&out->v[out->n], names);
		out->n++;
	}
	names_destroy(names);
	qsort(out->v, out->n, sizeof *out->v, appt_cmp);
	return true;
}

char *
appt_query_path(const struct appt_query *q)
{
	struct buf path;

	buf_init(&path);
	buf_adds(&path, "Appointment?_sort=date&_count=200&_include=Appointment:actor");
	query_add_range(&path, "date", q->from, q->to);
	if (q->practitioner != NULL)
		query_add_ref(&path, "practitioner", "Practitioner", q->practitioner);
	if (q->patient != NULL)
		query_add_ref(&path, "patient", "Patient", q->patient);
	/* A client who is here is either, whichever a server or another program wrote. */
	if (q->status != NULL)
		query_add(&path, "status", is_here(q->status) ? "arrived,checked-in" : q->status);
	return buf_steal(&path);
}

bool
appt_list_from_resources(const cJSON *resources, struct appt_list *out, struct error *err)
{
	return appt_list_from(resources, false, out, err);
}

bool
appt_query(struct session *s, const struct appt_query *q, struct appt_list *out,
	   struct error *err)
{
	char *path = appt_query_path(q);
	cJSON *all;
	bool ok;

	memset(out, 0, sizeof *out);
	if (fhir_reads_cached(s))
		all = cache_appointments(s->store, q->from, q->to, q->practitioner);
	else
		all = fhir_search(s, path, APPT_QUERY_MAX, err);
	free(path);
	if (all == NULL)
		return false;
	ok = appt_list_from(all, q->status != NULL && strcmp(q->status, "entered-in-error") == 0, out, err);
	cJSON_Delete(all);
	return ok;
}

void
appt_list_finish(struct appt_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		appointment_finish(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* One resource by its id with what `includes` brings ("_include=..."), in one
 * search: a new array, NULL with err (an id that cannot be one is refused
 * before asking). The resource itself may be missing from it. */
static cJSON *
search_by_id(struct session *s, const char *type, const char *id, const char *includes, size_t max,
	     struct error *err)
{
	char *esc, *path;
	cJSON *all;

	if (!fhir_id_ok(id)) {
		error_set(err, ERR_USAGE, _("'%s' is not a valid %s id; ids are letters, digits, '-' and '.'."), id, type);
		return NULL;
	}
	esc = http_escape(id);
	path = xasprintf("%s?_id=%s&%s", type, esc, includes);
	free(esc);
	all = fhir_search(s, path, max, err);
	free(path);
	return all;
}

bool
appt_get(struct session *s, const char *id, struct appointment *out, struct error *err)
{
	struct appt_list l;
	cJSON *all;
	bool ok;

	/* One search brings it and its people; an empty answer is "not found". */
	all = search_by_id(s, "Appointment", id, "_include=Appointment:actor", 50, err);
	if (all == NULL)
		return false;
	ok = appt_list_from(all, true, &l, err);
	cJSON_Delete(all);
	if (!ok)
		return false;
	if (l.n != 1) {
		appt_list_finish(&l);
		return error_set(err, ERR_NOT_FOUND, _("There is no %s with the id %s."), "Appointment", id);
	}
	*out = l.v[0];
	free(l.v);
	return true;
}

/* ---- slots ---- */

static int
slot_cmp(const void *pa, const void *pb)
{
	const struct slot_info *a = pa, *b = pb;

	if (a->slot.start != b->slot.start)
		return a->slot.start < b->slot.start ? -1 : 1;
	return strcmp(a->slot.id, b->slot.id);
}

/* Schedules of the practitioners (all when ids is NULL): fills sched (pairs of
 * schedule id, practitioner id) and names. */
static cJSON *
find_schedules(struct session *s, const cJSON *prac_ids, struct names *names, struct error *err)
{
	struct buf path;
	cJSON *all;
	const cJSON *id;
	bool first = true;

	buf_init(&path);
	buf_adds(&path, "Schedule?_count=200&_include=Schedule:actor");
	if (prac_ids != NULL) {
		buf_adds(&path, "&actor=");
		cJSON_ArrayForEach(id, prac_ids) {
			char *ref = xasprintf("Practitioner/%s", id->valuestring), *e = http_escape(ref);

			buf_addf(&path, "%s%s", first ? "" : ",", e);
			first = false;
			free(ref);
			free(e);
		}
	}
	all = fhir_search(s, path.data, 2000, err);
	buf_finish(&path);
	if (all != NULL)
		names_add_resources(names, all);
	return all;
}

/* The practitioners who speak the language, as an array of id strings. */
static cJSON *
speakers(struct session *s, const char *language, struct error *err)
{
	char *lang = http_escape(language);
	char *path = xasprintf("Practitioner?_count=200&_elements=id&communication=%s", lang);
	cJSON *all = fhir_search(s, path, 2000, err), *ids;
	const cJSON *res;

	free(lang);
	free(path);
	if (all == NULL)
		return NULL;
	ids = cJSON_CreateArray();
	cJSON_ArrayForEach(res, all) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(res, "id");

		if (is_type(res, "Practitioner") && cJSON_IsString(id))
			cJSON_AddItemToArray(ids, cJSON_CreateString(id->valuestring));
	}
	cJSON_Delete(all);
	return ids;
}

/* The practitioner id of a Schedule resource in the array, or NULL, and the
 * reference's display as a name for servers that do not _include. */
static const char *
schedule_owner(const cJSON *schedules, const char *schedule_id, char **owned, char **display)
{
	const cJSON *res;

	*owned = NULL;
	*display = NULL;
	cJSON_ArrayForEach(res, schedules) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(res, "id");
		const cJSON *actors;
		const cJSON *a;

		if (!is_type(res, "Schedule") || !cJSON_IsString(id) ||
		    strcmp(id->valuestring, schedule_id) != 0)
			continue;
		actors = cJSON_GetObjectItemCaseSensitive(res, "actor");
		cJSON_ArrayForEach(a, actors) {
			if ((*owned = reference_id(a, "Practitioner")) != NULL) {
				const cJSON *d = cJSON_GetObjectItemCaseSensitive(a, "display");

				*display = cJSON_IsString(d) ? xstrdup(d->valuestring) : NULL;
				return *owned;
			}
		}
	}
	return NULL;
}

/* The longest a slot lasts, as far as the search's lower bound is concerned. */
#define SLOT_SPAN_MAX 86400

/* The start range of a slot search: the days asked for, but never what is
 * over (R4 has no search on a slot's end: the bound is now less a day, and
 * slots_from() drops those that have ended). False when nothing is left. */
static bool
slot_range(struct buf *q, struct civil_date from, struct civil_date to)
{
	time_t lo = date_start(from), hi = date_start(date_add_days(to, 1)), now = clock_now();
	char a[21], b[21], *v;

	if (hi <= now)
		return false;
	if (lo < now - SLOT_SPAN_MAX)
		lo = now - SLOT_SPAN_MAX;
	instant_format_utc(lo, a);
	instant_format_utc(hi, b);
	v = xasprintf("ge%s", a);
	query_add(q, "start", v);
	free(v);
	v = xasprintf("lt%s", b);
	query_add(q, "start", v);
	free(v);
	return true;
}

/* A slot that has ended is never offered or booked; one under way may be
 * (a walk-in). */
static bool
slot_over(const struct slot *sl)
{
	return sl->end != 0 && sl->end <= clock_now();
}

static bool
slots_from(cJSON *slots, const cJSON *schedules, const struct names *names,
	   struct slot_list *out, struct error *err)
{
	const cJSON *res;

	out->v = xcalloc((size_t)cJSON_GetArraySize(slots) + 1, sizeof *out->v);
	cJSON_ArrayForEach(res, slots) {
		struct slot_info *si = &out->v[out->n];
		const char *n;

		if (!is_type(res, "Slot"))
			continue;
		if (!slot_from_json(res, &si->slot, err)) {
			slot_list_finish(out);
			return false;
		}
		if (slot_over(&si->slot)) {
			slot_finish(&si->slot);
			continue;
		}
		if (si->slot.schedule_id != NULL)
			schedule_owner(schedules, si->slot.schedule_id, &si->practitioner_id,
				       &si->practitioner_name);
		n = names_get(names, "Practitioner", si->practitioner_id);
		if (n != NULL) {
			free(si->practitioner_name);
			si->practitioner_name = xstrdup(n);
		}
		out->n++;
	}
	qsort(out->v, out->n, sizeof *out->v, slot_cmp);
	return true;
}

bool
slot_query(struct session *s, const struct slot_query *q, struct slot_list *out,
	   struct error *err)
{
	struct names *names = names_create();
	cJSON *prac_ids = NULL, *schedules = NULL, *slots = NULL;
	const cJSON *res;
	struct buf path;
	bool ok = false, first = true;

	memset(out, 0, sizeof *out);
	buf_init(&path);
	if (q->language != NULL) {
		if ((prac_ids = speakers(s, q->language, err)) == NULL)
			goto out;
		if (q->practitioner != NULL) {
			/* Both: the one counsellor, if they speak it. */
			bool found = false;

			cJSON_ArrayForEach(res, prac_ids)
				found = found || strcmp(res->valuestring, q->practitioner) == 0;
			cJSON_Delete(prac_ids);
			prac_ids = cJSON_CreateArray();
			if (found)
				cJSON_AddItemToArray(prac_ids, cJSON_CreateString(q->practitioner));
		}
	} else if (q->practitioner != NULL) {
		prac_ids = cJSON_CreateArray();
		cJSON_AddItemToArray(prac_ids, cJSON_CreateString(q->practitioner));
	}
	if (prac_ids != NULL && cJSON_GetArraySize(prac_ids) == 0) {
		ok = true;  /* nobody speaks it: no slots */
		goto out;
	}
	if ((schedules = find_schedules(s, prac_ids, names, err)) == NULL)
		goto out;
	buf_adds(&path, "Slot?status=free&_sort=start&_count=200");
	if (!slot_range(&path, q->from, q->to)) {
		ok = true;  /* the days asked for are over: nothing is offered */
		goto out;
	}
	if (prac_ids != NULL) {
		buf_adds(&path, "&schedule=");
		cJSON_ArrayForEach(res, schedules) {
			const cJSON *id = cJSON_GetObjectItemCaseSensitive(res, "id");
			char *ref, *e;

			if (!is_type(res, "Schedule") || !cJSON_IsString(id))
				continue;
			ref = xasprintf("Schedule/%s", id->valuestring);
			e = http_escape(ref);
			buf_addf(&path, "%s%s", first ? "" : ",", e);
			first = false;
			free(ref);
			free(e);
		}
		if (first) {
			ok = true;  /* no schedules: no slots */
			goto out;
		}
	}
	if ((slots = fhir_search(s, path.data, MAX_SLOTS, err)) == NULL)
		goto out;
	ok = slots_from(slots, schedules, names, out, err);
out:
	buf_finish(&path);
	cJSON_Delete(prac_ids);
	cJSON_Delete(schedules);
	cJSON_Delete(slots);
	names_destroy(names);
	return ok;
}

void
slot_list_finish(struct slot_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		slot_finish(&l->v[i].slot);
		free(l->v[i].practitioner_id);
		free(l->v[i].practitioner_name);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* ---- writes ---- */

/* A slot, read for an update: its JSON, version tag, owner and name. */
struct slot_read {
	cJSON *json;
	char *etag;
	struct slot slot;
	char *practitioner_id;
	char *practitioner_name;
};

static void
slot_read_finish(struct slot_read *r)
{
	cJSON_Delete(r->json);
	free(r->etag);
	slot_finish(&r->slot);
	free(r->practitioner_id);
	free(r->practitioner_name);
	memset(r, 0, sizeof *r);
}

static bool
slot_taken_error(const char *slot_id, struct error *err)
{
	error_clear(err);
	return error_set(err, ERR_CONFLICT,
			 _("The slot %s was just taken by someone else; choose another with 'ezrizi slots'."),
			 slot_id);
}

/* The same, naming up to three free slots of the same schedule near it, so a
 * receptionist can offer the client another time at once. */
static bool
slot_taken_nearby(struct session *s, const struct slot *taken, struct error *err)
{
	struct buf path, alt;
	char from[21], to[21], *v, *e, *ref;
	struct error ignored;
	cJSON *all;
	const cJSON *res;
	int n = 0;

	slot_taken_error(taken->id, err);
	if (taken->schedule_id == NULL || taken->start == 0)
		return false;
	buf_init(&path);
	buf_init(&alt);
	ref = xasprintf("Schedule/%s", taken->schedule_id);
	e = http_escape(ref);
	buf_addf(&path, "Slot?status=free&_sort=start&_count=3&schedule=%s", e);
	free(ref);
	free(e);
	/* Three days either side, but nothing that is over. */
	instant_format_utc(taken->start - 3 * 86400 > clock_now() ? taken->start - 3 * 86400 : clock_now(), from);
	instant_format_utc(taken->start + 3 * 86400, to);
	v = xasprintf("ge%s", from);
	query_add(&path, "start", v);
	free(v);
	v = xasprintf("lt%s", to);
	query_add(&path, "start", v);
	free(v);
	error_clear(&ignored);
	all = fhir_search(s, path.data, 3, &ignored);
	cJSON_ArrayForEach(res, all) {
		struct slot sl;
		char when[17];

		if (n >= 3 || !slot_from_json(res, &sl, &ignored))
			continue;
		if (slot_over(&sl)) {
			slot_finish(&sl);
			continue;
		}
		instant_format_local(sl.start, when);
		buf_addf(&alt, "%s%s (%s)", n > 0 ? ", " : "", sl.id, when);
		n++;
		slot_finish(&sl);
	}
	cJSON_Delete(all);
	if (n > 0) {
		char *msg = xstrdup(err->msg);

		error_clear(err);
		/* TRANSLATORS: %s is the sentence saying the slot was taken; the list
		 * after it is "slot-id (2026-11-27 10:00), ...". */
		error_set(err, ERR_CONFLICT, _("%s Free nearby: %s."), msg, alt.data);
		free(msg);
	}
	buf_finish(&path);
	buf_finish(&alt);
	return false;
}

/* The resource of that type and id among a search's, or NULL (borrowed). */
static const cJSON *
among(const cJSON *all, const char *type, const char *id)
{
	const cJSON *res;

	cJSON_ArrayForEach(res, all) {
		const cJSON *rid = cJSON_GetObjectItemCaseSensitive(res, "id");

		if (is_type(res, type) && cJSON_IsString(rid) && id != NULL && strcmp(rid->valuestring, id) == 0)
			return res;
	}
	return NULL;
}

/* Reads a slot that must be free, with its schedule's practitioner: one
 * search that includes the Schedule and, iterating, its Practitioner; what a
 * server leaves out (it need not support _include) is read on its own. */
#define SLOT_INCLUDES "_include=Slot:schedule&_include:iterate=Schedule:actor"

static bool free_slot_from(struct session *s, const char *slot_id, cJSON *all, struct slot_read *r,
			   struct error *err);

static bool
read_free_slot(struct session *s, const char *slot_id, struct slot_read *r, struct error *err)
{
	cJSON *all;

	memset(r, 0, sizeof *r);
	all = search_by_id(s, "Slot", slot_id, SLOT_INCLUDES, 10, err);
	return all != NULL && free_slot_from(s, slot_id, all, r, err);
}

/* The slot of a search's resources (taken), as read_free_slot reads it. */
static bool
free_slot_from(struct session *s, const char *slot_id, cJSON *all, struct slot_read *r,
	       struct error *err)
{
	cJSON *sched = NULL;
	const cJSON *a, *found;
	struct practitioner p;
	struct error ignored;

	memset(r, 0, sizeof *r);
	if ((found = among(all, "Slot", slot_id)) == NULL) {
		cJSON_Delete(all);
		return error_set(err, ERR_NOT_FOUND, _("There is no %s with the id %s."), "Slot", slot_id);
	}
	r->json = cJSON_Duplicate(found, true);
	/* A search gives no ETag header: the version it found pins the update. */
	r->etag = fhir_version_tag(r->json);
	if (!slot_from_json(r->json, &r->slot, err))
		goto fail;
	if (r->slot.status == NULL || strcmp(r->slot.status, "free") != 0) {
		slot_taken_nearby(s, &r->slot, err);
		goto fail;
	}
	if (r->slot.schedule_id == NULL || r->slot.start == 0 || r->slot.end == 0) {
		error_set(err, ERR_FAILED, _("The slot %s has no schedule or no times; it cannot be booked."), slot_id);
		goto fail;
	}
	if (slot_over(&r->slot)) {
		char when[17];

		instant_format_local(r->slot.start, when);
		error_set(err, ERR_USAGE, _("The slot %s (%s) is over; choose another with 'ezrizi slots'."), slot_id, when);
		goto fail;
	}
	if ((found = among(all, "Schedule", r->slot.schedule_id)) != NULL)
		sched = cJSON_Duplicate(found, true);
	else if ((sched = fhir_read(s, "Schedule", r->slot.schedule_id, NULL, err)) == NULL)
		goto fail;
	cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(sched, "actor")) {
		if (r->practitioner_id == NULL)
			r->practitioner_id = reference_id(a, "Practitioner");
	}
	cJSON_Delete(sched);
	error_clear(&ignored);
	found = among(all, "Practitioner", r->practitioner_id);
	if (r->practitioner_id != NULL &&
	    (found != NULL ? practitioner_from_json(found, &p, &ignored)
			   : practitioner_get(s, r->practitioner_id, &p, &ignored))) {
		r->practitioner_name = p.name;
		p.name = NULL;
		practitioner_finish(&p);
	}
	cJSON_Delete(all);
	return true;
fail:
	cJSON_Delete(all);
	slot_read_finish(r);
	return false;
}

static bool
status_in(const char *status, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (status != NULL && strcmp(status, *list) == 0)
			return true;
	}
	return false;
}

/* Refuses a booking or move of the client into [start, end) when they have
 * another session then (but `except`, the one being moved): with anyone, a
 * group's included. One search of the days concerned. */
static bool
overlap_in(const struct appt_list *l, const char *patient_id, const struct slot *sl, const char *except,
	   bool moving, struct error *err)
{
	static const char *const gone[] = { "cancelled", "noshow", "entered-in-error", NULL };
	bool ok = true;

	for (size_t i = 0; ok && i < l->n; i++) {
		const struct appointment *a = &l->v[i];
		char when[17], end[6];

		if ((except != NULL && strcmp(a->id, except) == 0) || status_in(a->status, gone) ||
		    a->start == 0 || a->end == 0 || !(a->start < sl->end && a->end > sl->start))
			continue;
		instant_format_local(a->start, when);
		instant_format_hm(a->end, end);
		if (moving)
			/* TRANSLATORS: "Client pat-12 already has a session then: appt-3,
			 * 2026-12-03 10:00–10:50 with Amina. Nothing was moved; ..." */
			error_set(err, ERR_CONFLICT, _("Client %s already has a session then: %s, %s–%s with %s. Nothing was moved; add --allow-overlap to move it all the same."),
				  patient_id, a->id, when, end, a->practitioner_name != NULL ? a->practitioner_name : "?");
		else
			error_set(err, ERR_CONFLICT, _("Client %s already has a session then: %s, %s–%s with %s. Nothing was booked; add --allow-overlap to book it all the same."),
				  patient_id, a->id, when, end, a->practitioner_name != NULL ? a->practitioner_name : "?");
		err->override = "allow-overlap";
		ok = false;
	}
	return ok;
}

static bool
no_overlap(struct session *s, const char *patient_id, const struct slot *sl, const char *except,
	   bool moving, struct error *err)
{
	struct appt_query q = { date_of(sl->start), date_of(sl->end), NULL, patient_id, NULL };
	struct appt_list l;
	bool ok;

	if (!appt_query(s, &q, &l, err))
		return false;
	ok = overlap_in(&l, patient_id, sl, except, moving, err);
	appt_list_finish(&l);
	return ok;
}

/* The client's days asked with the slot (struct client_day): used when the
 * slot the server sent is on those days, else asked again. */
struct client_day {
	cJSON *all;                 /* the search's resources, or NULL */
	struct civil_date from, to;
};

static bool
no_overlap_with(struct session *s, const struct client_day *d, const char *patient_id,
		const struct slot *sl, struct error *err)
{
	struct appt_list l;
	bool ok;

	if (d->all == NULL || date_cmp(d->from, date_of(sl->start)) != 0 || date_cmp(d->to, date_of(sl->end)) != 0)
		return no_overlap(s, patient_id, sl, NULL, false, err);
	if (!appt_list_from(d->all, false, &l, err))
		return false;
	ok = overlap_in(&l, patient_id, sl, NULL, false, err);
	appt_list_finish(&l);
	return ok;
}

static const char *
type_code(const char *type)
{
	static const char *const map[][2] = {
		{ "routine", "ROUTINE" }, { "followup", "FOLLOWUP" }, { "walkin", "WALKIN" },
		{ "checkup", "CHECKUP" }, { "emergency", "EMERGENCY" },
	};

	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (strcmp(type, map[i][0]) == 0)
			return map[i][1];
	}
	return NULL;
}

static cJSON *
new_appointment(const struct booking *b, const struct slot_read *sr, const struct patient *pat,
		const char *request_id)
{
	cJSON *a = cJSON_CreateObject(), *arr, *part, *cc, *coding;
	char start[21], end[21], now[21];

	json_put_str(a, "resourceType", "Appointment");
	fhir_set_request_identifier(a, request_id);
	json_put_str(a, "status", "booked");
	if (b->type != NULL) {
		cc = cJSON_CreateObject();
		coding = cJSON_CreateObject();
		json_put_str(coding, "system", "http://terminology.hl7.org/CodeSystem/v2-0276");
		json_put_str(coding, "code", type_code(b->type));
		arr = cJSON_CreateArray();
		cJSON_AddItemToArray(arr, coding);
		json_put(cc, "coding", arr);
		json_put(a, "appointmentType", cc);
	}
	if ((arr = cJSON_GetObjectItemCaseSensitive(sr->json, "serviceType")) != NULL)
		json_put(a, "serviceType", cJSON_Duplicate(arr, true));
	instant_format_utc(sr->slot.start, start);
	instant_format_utc(sr->slot.end, end);
	instant_format_utc(clock_now(), now);
	json_put_str(a, "start", start);
	json_put_str(a, "end", end);
	json_put(a, "minutesDuration", cJSON_CreateNumber((double)((sr->slot.end - sr->slot.start) / 60)));
	arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, fhir_reference("Slot", sr->slot.id, NULL));
	json_put(a, "slot", arr);
	json_put_str(a, "created", now);
	if (b->comment != NULL)
		json_put_str(a, "comment", b->comment);
	arr = cJSON_CreateArray();
	part = cJSON_CreateObject();
	json_put(part, "actor", fhir_reference("Patient", pat->id, pat->name));
	json_put_str(part, "required", "required");
	json_put_str(part, "status", "accepted");
	cJSON_AddItemToArray(arr, part);
	if (sr->practitioner_id != NULL) {
		part = cJSON_CreateObject();
		json_put(part, "actor", fhir_reference("Practitioner", sr->practitioner_id, sr->practitioner_name));
		json_put_str(part, "required", "required");
		json_put_str(part, "status", "accepted");
		cJSON_AddItemToArray(arr, part);
	}
	json_put(a, "participant", arr);
	return a;
}

/* A slot's JSON with a new status, for a PUT. */
static cJSON *
slot_with_status(const cJSON *slot, const char *status)
{
	cJSON *copy = cJSON_Duplicate(slot, true);

	json_put_str(copy, "status", status);
	cJSON_DeleteItemFromObjectCaseSensitive(copy, "meta");
	return copy;
}

/* The id of an appointment created with our request id, or NULL: after a 412, it
 * tells a retry of our own committed write from someone else's. */
static char *
created_by_request(struct session *s, const char *request_id)
{
	struct error ignored;
	char *q = xasprintf("%s|%s", FHIR_REQUEST_SYSTEM, request_id), *e = http_escape(q);
	char *path = xasprintf("Appointment?_elements=id&identifier=%s", e);
	cJSON *all, *first;
	char *id = NULL;

	error_clear(&ignored);
	all = fhir_search(s, path, 1, &ignored);
	first = all != NULL ? cJSON_GetArrayItem(all, 0) : NULL;
	if (first != NULL && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(first, "id")))
		id = xstrdup(cJSON_GetObjectItemCaseSensitive(first, "id")->valuestring);
	cJSON_Delete(all);
	free(q);
	free(e);
	free(path);
	return id;
}

/* The id of the created Appointment from a transaction-response entry. */
static char *
response_id(const cJSON *resp, int index, const char *type)
{
	const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp, "entry"), index);
	const cJSON *r = e != NULL ? cJSON_GetObjectItemCaseSensitive(e, "resource") : NULL;
	const cJSON *rr = e != NULL ? cJSON_GetObjectItemCaseSensitive(e, "response") : NULL;
	const cJSON *loc = rr != NULL ? cJSON_GetObjectItemCaseSensitive(rr, "location") : NULL;
	size_t tl = strlen(type);

	if (r != NULL && is_type(r, type) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "id")))
		return xstrdup(cJSON_GetObjectItemCaseSensitive(r, "id")->valuestring);
	if (cJSON_IsString(loc)) {
		/* "Appointment/ID/_history/V", perhaps absolute */
		const char *p = strstr(loc->valuestring, type);

		while (p != NULL && p[tl] != '/')
			p = strstr(p + 1, type);
		if (p != NULL)
			return xstrndup(p + tl + 1, strcspn(p + tl + 1, "/"));
	}
	return NULL;
}

/* The Appointment a transaction-response entry carries (a server answers
 * with the resources it wrote unless told return=minimal): read from it and
 * kept in the cache, there is no read back. False when it carries none. */
static bool
appt_from_answer(struct session *s, const cJSON *resp, int index, const char *id, struct appointment *out)
{
	const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(resp, "entry"), index);
	const cJSON *r = e != NULL ? cJSON_GetObjectItemCaseSensitive(e, "resource") : NULL;
	const cJSON *rid = r != NULL ? cJSON_GetObjectItemCaseSensitive(r, "id") : NULL;
	struct error ignored;

	error_clear(&ignored);
	if (!is_type(r, "Appointment") || !cJSON_IsString(rid) || strcmp(rid->valuestring, id) != 0 ||
	    !appointment_from_json(r, out, &ignored))
		return false;
	if (s->store != NULL)
		cache_put_resource(s->store, r);
	return true;
}

/* The client and the free slot of a booking: one round trip for both (two
 * searches gathered in a batch), where the client's read and the slot's
 * search were two; from the cache offline. */
static bool
client_and_slot(struct session *s, const struct booking *b, struct patient *pat, struct slot_read *sr,
		struct client_day *day, struct error *err)
{
	char *ep, *es, *q[3];
	const size_t max[3] = { 1, 10, APPT_QUERY_MAX };
	struct error errs[3];
	cJSON *all[3] = { NULL, NULL, NULL }, *cached;
	const cJSON *p;
	size_t n = 2;
	bool ok;

	memset(sr, 0, sizeof *sr);
	memset(pat, 0, sizeof *pat);
	if (fhir_reads_cached(s) || !fhir_id_ok(b->patient_id) || !fhir_id_ok(b->slot_id)) {
		if (!patient_get(s, b->patient_id, pat, err)) {
			memset(pat, 0, sizeof *pat);
			return false;
		}
		return read_free_slot(s, b->slot_id, sr, err);   /* the caller finishes pat */
	}
	ep = http_escape(b->patient_id);
	es = http_escape(b->slot_id);
	q[0] = xasprintf("Patient?_id=%s", ep);
	q[1] = xasprintf("Slot?_id=%s&" SLOT_INCLUDES, es);
	/* The client's day too, when the cache knows the slot's (a slot
	 * listed by 'slots'): the overlap is then looked at in the same trip. */
	if (!b->allow_overlap && (cached = cache_get(s->store, "Slot", b->slot_id)) != NULL) {
		struct slot sl;
		struct error ignored;

		error_clear(&ignored);
		if (slot_from_json(cached, &sl, &ignored)) {
			if (sl.start != 0 && sl.end != 0) {
				struct appt_query aq = { date_of(sl.start), date_of(sl.end), NULL, b->patient_id, NULL };

				day->from = aq.from;
				day->to = aq.to;
				q[n++] = appt_query_path(&aq);
			}
			slot_finish(&sl);
		}
		cJSON_Delete(cached);
	}
	fhir_search_all(s, n, (const char *const *)q, max, all, errs);
	day->all = all[2];   /* NULL when not asked or not answered: asked again */
	free(ep);
	free(es);
	for (size_t i = 0; i < n; i++)
		free(q[i]);
	if (all[0] == NULL) {
		*err = errs[0];
		ok = false;
	} else if ((p = among(all[0], "Patient", b->patient_id)) == NULL) {
		ok = error_set(err, ERR_NOT_FOUND, _("There is no %s with the id %s."), "Patient", b->patient_id);
	} else {
		ok = patient_from_json(p, pat, err);
	}
	cJSON_Delete(all[0]);
	if (!ok) {
		patient_finish(pat);
		memset(pat, 0, sizeof *pat);
		cJSON_Delete(all[1]);
		return false;
	}
	if (all[1] == NULL) {
		*err = errs[1];
		return false;   /* the caller finishes pat */
	}
	return free_slot_from(s, b->slot_id, all[1], sr, err);
}

bool
appt_book(struct session *s, const struct booking *b, struct appointment *out, struct error *err)
{
	bool answered = false;
	struct client_day day = { 0 };
	struct slot_read sr;
	struct patient pat;
	char request_id[37], *ine, *full, *id = NULL;
	struct fhir_tx tx;
	cJSON *resp;
	bool ok = false;

	if (b->type != NULL && type_code(b->type) == NULL)
		return error_set(err, ERR_USAGE, _("'%s' is not an appointment type; use routine, followup, walkin, checkup or emergency."), b->type);
	if (!client_and_slot(s, b, &pat, &sr, &day, err) ||
	    (!b->allow_overlap && !no_overlap_with(s, &day, pat.id, &sr.slot, err))) {
		cJSON_Delete(day.all);
		if (sr.json != NULL)
			slot_read_finish(&sr);
		patient_finish(&pat);
		return false;
	}
	cJSON_Delete(day.all);
	session_request_id(s, request_id);
	ine = fhir_if_none_exist(request_id);
	full = xasprintf("urn:uuid:%s", request_id);
	fhir_tx_init(&tx);
	{
		char *url = xasprintf("Slot/%s", sr.slot.id);

		fhir_tx_update(&tx, url, slot_with_status(sr.json, "busy"), sr.json, sr.etag);
		free(url);
	}
	fhir_tx_create(&tx, new_appointment(b, &sr, &pat, request_id), full, ine);
	resp = fhir_tx_commit(s, &tx, err);
	if (resp != NULL) {
		id = response_id(resp, 1, "Appointment");
		answered = id != NULL && appt_from_answer(s, resp, 1, id, out);
		cJSON_Delete(resp);
	} else if (err->kind == ERR_CONFLICT) {
		if ((id = created_by_request(s, request_id)) == NULL)
			slot_taken_nearby(s, &sr.slot, err);
		else
			error_clear(err);
	}
	if (id == NULL && err->kind == ERR_NONE)
		id = created_by_request(s, request_id);
	if (answered)
		ok = true;
	else if (id != NULL)
		ok = appt_get(s, id, out, err);
	else if (err->kind == ERR_NONE)
		error_set(err, ERR_FAILED, _("The server did not say which appointment it made; look with 'ezrizi appointments'."));
	free(id);
	free(ine);
	free(full);
	fhir_tx_finish(&tx);
	slot_read_finish(&sr);
	patient_finish(&pat);
	return ok;
}

/* An appointment read for an update. */
struct appt_read {
	cJSON *json;
	char *etag;
	struct appointment a;
};

static void
appt_read_finish(struct appt_read *r)
{
	cJSON_Delete(r->json);
	free(r->etag);
	appointment_finish(&r->a);
	memset(r, 0, sizeof *r);
}

static bool
appt_read(struct session *s, const char *id, struct appt_read *r, struct error *err)
{
	memset(r, 0, sizeof *r);
	if ((r->json = fhir_read(s, "Appointment", id, &r->etag, err)) == NULL)
		return false;
	if (!appointment_from_json(r->json, &r->a, err)) {
		appt_read_finish(r);
		return false;
	}
	return true;
}

static bool
wrong_state(const struct appointment *a, struct error *err)
{
	/* TRANSLATORS: "Appointment 12 is cancelled; nothing was changed." */
	return error_set(err, ERR_CONFLICT, _("Appointment %s is %s; nothing was changed."), a->id,
			 appt_status_label(a->status));
}

static cJSON *
appt_for_put(const cJSON *json)
{
	cJSON *copy = cJSON_Duplicate(json, true);

	cJSON_DeleteItemFromObjectCaseSensitive(copy, "meta");
	return copy;
}

/* Runs the transaction; after a conflict, done() tells whether our own earlier
 * attempt already made the change (its answer lost), which counts as success. */
static bool
commit(struct session *s, struct fhir_tx *tx, const char *id,
       bool (*done)(const struct appointment *, const void *), const void *arg,
       struct appointment *out, struct error *err)
{
	cJSON *resp = fhir_tx_commit(s, tx, err);
	struct error again;

	fhir_tx_finish(tx);
	if (resp != NULL) {
		cJSON_Delete(resp);
		return appt_get(s, id, out, err);
	}
	if (err->kind != ERR_CONFLICT)
		return false;
	error_clear(&again);
	if (appt_get(s, id, out, &again)) {
		if (done(out, arg)) {
			error_clear(err);
			return true;
		}
		appointment_finish(out);
	}
	error_clear(err);
	return error_set(err, ERR_CONFLICT,
			 _("Appointment %s or its slot was changed by someone else meanwhile; look at it again and retry."),
			 id);
}

static bool
has_slot(const struct appointment *a, const void *slot_id)
{
	return a->slot_id != NULL && strcmp(a->slot_id, slot_id) == 0;
}

static bool
has_status(const struct appointment *a, const void *status)
{
	return appt_status_same(a->status, status);
}

/* Adds a PUT of the appointment's old slot set free, if it has one that is busy. */
static void
free_old_slot(struct session *s, struct fhir_tx *tx, const char *slot_id)
{
	struct error ignored;
	char *etag = NULL, *url;
	cJSON *slot;
	const cJSON *st;

	error_clear(&ignored);
	if (slot_id == NULL || (slot = fhir_read(s, "Slot", slot_id, &etag, &ignored)) == NULL)
		return;
	st = cJSON_GetObjectItemCaseSensitive(slot, "status");
	if (cJSON_IsString(st) && strcmp(st->valuestring, "busy") == 0) {
		url = xasprintf("Slot/%s", slot_id);
		fhir_tx_update(tx, url, slot_with_status(slot, "free"), slot, etag);
		free(url);
	}
	cJSON_Delete(slot);
	free(etag);
}

bool
appt_reschedule(struct session *s, const char *id, const char *slot_id, bool allow_overlap,
		struct appointment *out, struct error *err)
{
	static const char *const movable[] = { "proposed", "pending", "booked", "waitlist", NULL };
	struct appt_read ar;
	struct slot_read sr;
	struct fhir_tx tx;
	cJSON *upd, *arr, *part;
	char start[21], end[21], *url;

	if (!appt_read(s, id, &ar, err))
		return false;
	if (!status_in(ar.a.status, movable)) {
		wrong_state(&ar.a, err);
		appt_read_finish(&ar);
		return false;
	}
	if (!read_free_slot(s, slot_id, &sr, err)) {
		appt_read_finish(&ar);
		return false;
	}
	if (!allow_overlap && ar.a.patient_id != NULL &&
	    !no_overlap(s, ar.a.patient_id, &sr.slot, ar.a.id, true, err)) {
		slot_read_finish(&sr);
		appt_read_finish(&ar);
		return false;
	}
	fhir_tx_init(&tx);
	url = xasprintf("Slot/%s", sr.slot.id);
	fhir_tx_update(&tx, url, slot_with_status(sr.json, "busy"), sr.json, sr.etag);
	free(url);
	free_old_slot(s, &tx, ar.a.slot_id);
	upd = appt_for_put(ar.json);
	instant_format_utc(sr.slot.start, start);
	instant_format_utc(sr.slot.end, end);
	json_put_str(upd, "start", start);
	json_put_str(upd, "end", end);
	json_put(upd, "minutesDuration", cJSON_CreateNumber((double)((sr.slot.end - sr.slot.start) / 60)));
	arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, fhir_reference("Slot", sr.slot.id, NULL));
	json_put(upd, "slot", arr);
	/* The new slot may belong to another counsellor. */
	cJSON_ArrayForEach(part, cJSON_GetObjectItemCaseSensitive(upd, "participant")) {
		char *pid = reference_id(cJSON_GetObjectItemCaseSensitive(part, "actor"), "Practitioner");

		if (pid != NULL && sr.practitioner_id != NULL && strcmp(pid, sr.practitioner_id) != 0)
			json_put(part, "actor", fhir_reference("Practitioner", sr.practitioner_id, sr.practitioner_name));
		free(pid);
	}
	url = xasprintf("Appointment/%s", ar.a.id);
	fhir_tx_update(&tx, url, upd, ar.json, ar.etag);
	free(url);
	appt_read_finish(&ar);
	{
		char *sid = xstrdup(sr.slot.id);
		bool ok;

		slot_read_finish(&sr);
		ok = commit(s, &tx, id, has_slot, sid, out, err);
		free(sid);
		return ok;
	}
}

bool
appt_cancel(struct session *s, const char *id, const char *reason, struct appointment *out,
	    struct error *err)
{
	static const char *const cancellable[] = {
		"proposed", "pending", "booked", "arrived", "checked-in", "waitlist", NULL
	};
	struct appt_read ar;
	struct fhir_tx tx;
	cJSON *upd, *cr;
	char *url;

	if (!appt_read(s, id, &ar, err))
		return false;
	if (!status_in(ar.a.status, cancellable)) {
		wrong_state(&ar.a, err);
		appt_read_finish(&ar);
		return false;
	}
	fhir_tx_init(&tx);
	upd = appt_for_put(ar.json);
	json_put_str(upd, "status", "cancelled");
	if (reason != NULL) {
		cr = cJSON_CreateObject();
		json_put_str(cr, "text", reason);
		json_put(upd, "cancelationReason", cr);
	}
	url = xasprintf("Appointment/%s", ar.a.id);
	fhir_tx_update(&tx, url, upd, ar.json, ar.etag);
	free(url);
	free_old_slot(s, &tx, ar.a.slot_id);
	appt_read_finish(&ar);
	return commit(s, &tx, id, has_status, "cancelled", out, err);
}

/* A check-in or no-show is for today's session, and a no-show for one that
 * has begun. */
static bool
status_change_ok(const struct appointment *a, const struct appt_status_change *c,
		 struct error *err)
{
	time_t when = c->when != 0 ? c->when : clock_now();
	char day[11], hm[6];

	if (a->start == 0)
		return true;
	if (!c->any_day && date_cmp(date_of(a->start), date_of(when)) != 0) {
		date_format(date_of(a->start), day);
		/* TRANSLATORS: "Appointment 12 is on 2026-12-03, not today; ..." */
		return error_set(err, ERR_USAGE,
				 _("Appointment %s is on %s, not today; nothing was changed. Add --any-day to do it all the same."),
				 a->id, day);
	}
	if (strcmp(c->status, "noshow") == 0 && when < a->start) {
		instant_format_hm(a->start, hm);
		date_format(date_of(a->start), day);
		return error_set(err, ERR_CONFLICT,
				 _("Appointment %s has not begun yet (%s %s); a no-show is marked once it has. Nothing was changed."),
				 a->id, day, hm);
	}
	return true;
}

bool
appt_set_status(struct session *s, const char *id, const struct appt_status_change *c,
		struct appointment *out, struct error *err)
{
	static const char *const for_checkin[] = { "booked", "pending", NULL };
	static const char *const for_noshow[] = { "booked", "pending", "arrived", "checked-in", NULL };
	const char *status = c->status;
	const char *const *allowed = strcmp(status, "noshow") == 0 ? for_noshow : for_checkin;
	struct appt_read ar;
	struct fhir_tx tx;
	cJSON *upd;
	char *url;

	if (!appt_read(s, id, &ar, err))
		return false;
	if (appt_status_same(ar.a.status, status)) {
		appt_read_finish(&ar);
		return appt_get(s, id, out, err);  /* already so: nothing to do */
	}
	if (!status_in(ar.a.status, allowed)) {
		wrong_state(&ar.a, err);
		appt_read_finish(&ar);
		return false;
	}
	if (!status_change_ok(&ar.a, c, err)) {
		appt_read_finish(&ar);
		return false;
	}
	fhir_tx_init(&tx);
	upd = appt_for_put(ar.json);
	json_put_str(upd, "status", status);
	url = xasprintf("Appointment/%s", ar.a.id);
	fhir_tx_update(&tx, url, upd, ar.json, ar.etag);
	free(url);
	appt_read_finish(&ar);
	return commit(s, &tx, id, has_status, status, out, err);
}

const char *const appt_statuses[] = {
	"proposed", "pending", "booked", "arrived", "checked-in", "fulfilled", "cancelled",
	"noshow", "entered-in-error", "waitlist", NULL,
};

bool
appt_status_same(const char *a, const char *b)
{
	return a != NULL && b != NULL && (strcmp(a, b) == 0 || (is_here(a) && is_here(b)));
}

const char *
appt_status_label(const char *status)
{
	static const char *const labels[][2] = {
		{ "proposed", N_("proposed") }, { "pending", N_("pending") },
		{ "booked", N_("booked") }, { "arrived", N_("checked in") },
		{ "checked-in", N_("checked in") }, { "fulfilled", N_("fulfilled") },
		{ "cancelled", N_("cancelled") }, { "noshow", N_("no-show") },
		{ "entered-in-error", N_("entered in error") }, { "waitlist", N_("waitlist") },
	};

	if (status == NULL)
		return "";
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		if (strcmp(status, labels[i][0]) == 0)
			return _(labels[i][1]);
	}
	return status;
}
