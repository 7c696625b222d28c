/* model_flag.c - the screen model's risk flags and the escalations to the
 * user: see ui/model.h. */
#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/flag.h"
#include "core/xmalloc.h"
#include "ui/model.h"
#include "ui/model_int.h"

static struct flag *
held(struct model *m, const char *id)
{
	for (size_t i = 0; i < m->flags.n; i++) {
		if (strcmp(m->flags.v[i].id, id) == 0)
			return &m->flags.v[i];
	}
	return NULL;
}

static void
drop(struct model *m, struct flag *f)
{
	size_t i = (size_t)(f - m->flags.v);

	flag_finish(f);
	memmove(f, f + 1, (m->flags.n - i - 1) * sizeof *f);
	m->flags.n--;
}

/* The newest change seen, by the server's clock: where the next look starts. */
static void
saw(struct model *m, const struct flag *f)
{
	time_t t;

	if (f->updated == NULL || !instant_parse(f->updated, &t) || t < m->flags_since_t)
		return;
	m->flags_since_t = t;
	free(m->flags_since);
	m->flags_since = xstrdup(f->updated);
}

/* Takes f into the list (or drops what it replaces when no longer active);
 * true when it is a flag newly waiting for a clinician. *changed is set when
 * the list is not what it was (the server's clock margin brings the same
 * flags back at every look). */
static bool
take(struct model *m, struct flag *f, bool *changed)
{
	struct flag *old = held(m, f->id);
	bool waited = old != NULL && flag_needs_ack(old);
	bool waits = flag_needs_ack(f);
	bool active = strcmp(f->status, "active") == 0;

	*changed |= old == NULL ? active : !active || !model_same_str(old->updated, f->updated);
	saw(m, f);
	if (old != NULL)
		drop(m, old);
	if (!active) {
		flag_finish(f);
		return false;
	}
	m->flags.v = xreallocarray(m->flags.v, m->flags.n + 1, sizeof *m->flags.v);
	m->flags.v[m->flags.n++] = *f;
	return waits && !waited;
}

static void
flags_done(cJSON *all, const struct error *err, void *arg)
{
	struct model *m = arg;
	struct flag_list got;
	bool whole = !m->flags_loaded, ring = false, changed = whole;

	m->flags_fs = NULL;
	if (all == NULL) {
		(void)err;  /* the next poll looks again; a banner shown stays */
		return;
	}
	flags_from_resources(all, false, &got);
	cJSON_Delete(all);
	if (whole) {
		/* The server's list is the list: what the cache held and the
		 * server no longer has goes. */
		flag_list_finish(&m->flags);
	}
	for (size_t i = 0; i < got.n; i++)
		ring |= take(m, &got.v[i], &changed) && !whole;
	free(got.v);
	m->flags_loaded = true;
	if (changed)
		model_changed(m, MODEL_ALL);
	if (ring)
		m->view->ring(m->view_arg);
}

static void
roles_done(cJSON *all, const struct error *err, void *arg)
{
	struct model *m = arg;

	m->roles_fs = NULL;
	if (all == NULL) {
		(void)err;  /* unknown: the detail stays hidden; asked again at the next poll */
		return;
	}
	m->front_desk = flag_roles_front_desk(all);
	m->role_known = true;
	{
		struct error e2;
		const char *me;

		error_clear(&e2);
		if ((me = session_practitioner(m->s, NULL, &e2)) != NULL)
			flag_role_remember(m->s->store, me, m->front_desk);
	}
	cJSON_Delete(all);
	/* What the notes pane shows of a client (their scores) depends on it,
	 * and the measures due waited for it. */
	for (size_t i = 0; i < m->n_clients; i++)
		m->clients[i]->gen = ++m->gen;
	if (m->appt_f.state == LOAD_OK)
		model_measures_start(m);
	model_changed(m, MODEL_ALL);
}

static void
flags_from_cache(struct model *m)
{
	cJSON *all = cache_flags(m->s->store, NULL);
	struct flag_list got;

	flags_from_resources(all, true, &got);
	cJSON_Delete(all);
	bool changed = false;

	for (size_t i = 0; i < got.n; i++)
		(void)take(m, &got.v[i], &changed);
	free(got.v);
	/* Not a look at the server: the first one asks for every flag. */
	free(m->flags_since);
	m->flags_since = NULL;
	m->flags_since_t = 0;
	if (m->flags.n > 0)
		model_changed(m, MODEL_ALL);
}

static void
start_roles(struct model *m)
{
	const char *role = config_get(m->s->cfg, "role"), *me;
	struct error err;
	char *path;
	int known;

	if (m->role_known || m->roles_fs != NULL)
		return;
	if (role != NULL && strcmp(role, "auto") != 0) {
		m->front_desk = strcmp(role, "front-desk") == 0;
		m->role_known = true;
		return;
	}
	error_clear(&err);
	if (m->me_asking || !session_me_known(m->s))
		return;
	if ((me = session_practitioner(m->s, NULL, &err)) == NULL) {
		m->front_desk = false;  /* a script's client: it acts for no one */
		m->role_known = true;
		return;
	}
	/* The last answer paints at once (offline it is the answer); the
	 * server's follows. */
	if ((known = flag_role_remembered(m->s->store, me)) >= 0)
		m->front_desk = known == 1;
	path = flag_roles_path(me);
	m->roles_fs = fhir_search_start(m->s, path, 50, roles_done, m, &err);
	free(path);
}

/* ---- escalations to me ---- */

static bool
urgent_held(const struct model *m, const char *id)
{
	for (size_t i = 0; i < m->urgent.n; i++) {
		if (strcmp(m->urgent.v[i].id, id) == 0)
			return true;
	}
	return false;
}

static void
urgent_done(cJSON *all, const struct error *err, void *arg)
{
	struct model *m = arg;
	struct escalation_list got;
	const char *me;
	struct error e2;
	bool news = false;

	m->urgent_fs = NULL;
	if (all == NULL) {
		(void)err;
		m->urgent_wanted = true;  /* the next poll asks again */
		return;
	}
	escalations_from_resources(all, &got);
	cJSON_Delete(all);
	error_clear(&e2);
	me = session_practitioner(m->s, NULL, &e2);
	for (size_t i = 0; i < got.n; i++) {
		struct escalation *e = &got.v[i];

		if (e->received != 0 || me == NULL || e->to_id == NULL || strcmp(e->to_id, me) != 0 ||
		    urgent_held(m, e->id)) {
			escalation_finish(e);
			continue;
		}
		m->urgent.v = xreallocarray(m->urgent.v, m->urgent.n + 1, sizeof *m->urgent.v);
		m->urgent.v[m->urgent.n++] = *e;
		news = true;
	}
	free(got.v);
	if (!news)
		return;
	model_changed(m, MODEL_ALL);
	if (m->view->alarm != NULL)
		m->view->alarm(m->view_arg);
	else
		m->view->ring(m->view_arg);
}

static void
start_urgent(struct model *m)
{
	struct error err;
	const char *me;
	char *path;

	error_clear(&err);
	if (!m->urgent_wanted || m->urgent_fs != NULL || m->me_asking || !session_me_known(m->s) ||
	    (me = session_practitioner(m->s, NULL, &err)) == NULL)
		return;
	m->urgent_wanted = false;
	path = escalations_query_path(me, false, clock_now() - 7 * 24 * 3600);
	m->urgent_fs = fhir_search_start(m->s, path, 500, urgent_done, m, &err);
	free(path);
}

void
model_urgent_came(struct model *m)
{
	m->urgent_wanted = true;
	start_urgent(m);
}

const struct escalation *
model_urgent(const struct model *m)
{
	return m->urgent.n > 0 ? &m->urgent.v[0] : NULL;
}

void
model_urgent_read(struct model *m, const char *id)
{
	for (size_t i = 0; i < m->urgent.n; i++) {
		if (strcmp(m->urgent.v[i].id, id) == 0) {
			escalation_finish(&m->urgent.v[i]);
			memmove(&m->urgent.v[i], &m->urgent.v[i + 1], (m->urgent.n - i - 1) * sizeof *m->urgent.v);
			m->urgent.n--;
			model_changed(m, MODEL_ALL);
			return;
		}
	}
}

void
model_roles_start(struct model *m)
{
	start_roles(m);
}

void
model_flags_start(struct model *m)
{
	struct error err;
	char *path;

	start_roles(m);
	start_urgent(m);
	if (!m->flags_tried) {
		m->flags_tried = true;
		if (m->s->store != NULL)
			flags_from_cache(m);
	}
	if (m->flags_fs != NULL)
		return;
	error_clear(&err);
	path = flag_query_path(NULL, m->flags_loaded ? m->flags_since : NULL);
	m->flags_fs = fhir_search_start(m->s, path, FLAG_QUERY_MAX, flags_done, m, &err);
	free(path);
}

void
model_flags_finish(struct model *m)
{
	fhir_search_cancel(m->s, m->flags_fs);
	fhir_search_cancel(m->s, m->roles_fs);
	fhir_search_cancel(m->s, m->urgent_fs);
	m->flags_fs = m->roles_fs = m->urgent_fs = NULL;
	flag_list_finish(&m->flags);
	escalation_list_finish(&m->urgent);
	free(m->flags_since);
	m->flags_since = NULL;
}

const struct flag *
model_flag(const struct model *m, const char *patient_id)
{
	const struct flag *active = NULL;

	for (size_t i = 0; patient_id != NULL && i < m->flags.n; i++) {
		const struct flag *f = &m->flags.v[i];

		if (f->patient_id == NULL || strcmp(f->patient_id, patient_id) != 0)
			continue;
		if (flag_needs_ack(f))
			return f;
		if (active == NULL)
			active = f;
	}
	return active;
}

int
model_flags_unacked(const struct model *m, const char *patient_id)
{
	int n = 0;

	for (size_t i = 0; patient_id != NULL && i < m->flags.n; i++) {
		const struct flag *f = &m->flags.v[i];

		n += f->patient_id != NULL && strcmp(f->patient_id, patient_id) == 0 && flag_needs_ack(f);
	}
	return n;
}
