/* model.c - the model behind the screen and the fetches that fill it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/cache.h"
#include "core/fhir.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/store.h"
#include "core/task.h"
#include "core/xmalloc.h"
#include "ui/localfmt.h"
#include "ui/model.h"
#include "ui/model_int.h"

/* Keeps at most this many notes per client on screen. */
#define NOTES_MAX 20

void
model_changed(struct model *m, enum model_part part)
{
	m->view->changed(m->view_arg, part);
}

static void
model_error(struct model *m, const char *msg)
{
	m->view->error(m->view_arg, msg);
}

static bool
model_hidden(const struct model *m)
{
	return m->view->hidden(m->view_arg);
}

void
model_client_changed(struct model *m, struct client *c, enum model_part part)
{
	c->gen = ++m->gen;
	model_changed(m, part);
}

struct civil_date
model_first_day(const struct model *m)
{
	/* A week starts on the locale's first day (Monday, Saturday, Sunday...). */
	return m->week ? date_add_days(m->day, -((date_weekday(m->day) - lf_first_weekday() + 7) % 7))
		       : m->day;
}

void
model_init(struct model *m, struct session *s, const struct config *cfg,
	   const struct model_view *view, void *view_arg)
{
	const char *sw = config_get(cfg, "start_with");

	memset(m, 0, sizeof *m);
	m->s = s;
	m->view = view;
	m->view_arg = view_arg;
	m->day = m->today = date_today();
	m->appt_f.state = LOAD_PENDING;
	m->poll_interval = (int)config_get_long(cfg, "poll_interval", 30);
	m->next_poll = clock_mono_ms() + (long long)m->poll_interval * 1000;
	m->inbox_since = clock_now();
	m->mine_f.at = time(NULL);   /* the count at the start sees what was before */
	m->everyone = sw != NULL && strcmp(sw, "everyone") == 0;
	m->start_auto = sw == NULL || strcmp(sw, "auto") == 0;
	m->front_desk = true;
	m->urgent_wanted = true;
	model_review_init(m, cfg);
}

static void
freshness_finish(struct model *m, struct freshness *f)
{
	fhir_search_cancel(m->s, f->fs);
	f->fs = NULL;
	free(f->err);
	f->err = NULL;
	free(f->newest);
	free(f->newest_for);
	f->newest = f->newest_for = NULL;
}

/* The fraction of a second of an instant as nine digits ("000000000" without). */
static void
fraction(const char *s, char out[static 10])
{
	const char *dot = strchr(s, '.');
	int i = 0;

	if (dot != NULL)
		for (const char *p = dot + 1; i < 9 && *p >= '0' && *p <= '9'; p++)
			out[i++] = *p;
	while (i < 9)
		out[i++] = '0';
	out[9] = '\0';
}

/* Whether instant a is later than b, both as a server wrote them (the
 * fraction of a second counts, however many digits it has). */
static bool
instant_later(const char *a, const char *b)
{
	time_t ta, tb;
	char fa[10], fb[10];

	if (!instant_parse(a, &ta) || !instant_parse(b, &tb))
		return false;
	if (ta != tb)
		return ta > tb;
	fraction(a, fa);
	fraction(b, fb);
	return strcmp(fa, fb) > 0;
}

/* What a fetch (or a look again) brought: the newest change it shows moves
 * the look again's start. Everything the server sent was written before it
 * answered, so nothing later is passed over. */
static void
saw_newest(struct freshness *f, const cJSON *all, const char *scope)
{
	const cJSON *res;

	if (!model_same_str(f->newest_for, scope)) {
		free(f->newest);
		free(f->newest_for);
		f->newest = NULL;
		f->newest_for = scope != NULL ? xstrdup(scope) : NULL;
	}
	cJSON_ArrayForEach(res, all) {
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(res, "meta"),
								  "lastUpdated");

		time_t t;

		if (!cJSON_IsString(u) || !instant_parse(u->valuestring, &t) ||
		    (f->newest != NULL && !instant_later(u->valuestring, f->newest)))
			continue;
		free(f->newest);
		f->newest = xstrdup(u->valuestring);
	}
}

/* "_lastUpdated=gt..." for a look again: after the newest change seen when
 * the server said one (of that scope), else after the last fetch by this
 * machine's clock, less what it may be ahead (escaped, new string). */
static char *
look_again_since(const struct freshness *f, const char *scope)
{
	char when[21], *gt, *egt;

	if (f->newest != NULL && model_same_str(f->newest_for, scope)) {
		gt = xasprintf("gt%s", f->newest);
	} else {
		instant_format_utc(f->at - CLOCK_SKEW, when);
		gt = xasprintf("gt%s", when);
	}
	egt = http_escape(gt);
	free(gt);
	return egt;
}

static void
client_destroy(struct client *c)
{
	if (c == NULL)
		return;
	freshness_finish(c->m, &c->notes_f);
	freshness_finish(c->m, &c->chat_f);
	freshness_finish(c->m, &c->scores_f);
	free(c->patient_id);
	free(c->outgoing);
	note_list_finish(&c->notes);
	score_list_finish(&c->scores);
	message_list_finish(&c->chat);
	free(c);
}

static void
forget_clients(struct model *m)
{
	for (size_t i = 0; i < m->n_clients; i++)
		client_destroy(m->clients[i]);
	free(m->clients);
	m->clients = NULL;
	m->n_clients = 0;
}

bool
model_busy(const struct model *m)
{
	return m->me_asking;
}

static void
crisis_forget(struct crisis_shown *c)
{
	free(c->patient_id);
	free(c->plan_note);
	crisis_info_finish(&c->info);
	safety_plan_finish(&c->plan);
	memset(c, 0, sizeof *c);
}

void
model_set_crisis(struct model *m, const char *patient_id, struct crisis_info *info,
		 struct safety_plan *plan, const char *plan_note)
{
	crisis_forget(&m->crisis);
	m->crisis.patient_id = xstrdup(patient_id);
	m->crisis.info = *info;
	m->crisis.plan = *plan;
	m->crisis.plan_note = plan_note != NULL ? xstrdup(plan_note) : NULL;
	memset(info, 0, sizeof *info);
	memset(plan, 0, sizeof *plan);
}

static void inbox_seen_clear(struct model *m);

void
model_finish(struct model *m)
{
	crisis_forget(&m->crisis);
	forget_clients(m);
	freshness_finish(m, &m->appt_f);
	freshness_finish(m, &m->mine_f);
	fhir_search_cancel(m->s, m->inbox_fs);
	fhir_search_cancel(m->s, m->schedule_fs);
	model_flags_finish(m);
	model_review_finish(m);
	model_measures_finish(m);
	model_audit_finish(m);
	inbox_seen_clear(m);
	free(m->schedule_me);
	for (size_t i = 0; i < m->n_unread; i++)
		free(m->unread[i].patient_id);
	free(m->unread);
	appt_list_finish(&m->appts);
	free(m->filter_prac);
	free(m->keep_sel_id);
}

const struct appointment *
model_appt(const struct model *m)
{
	if (m->appt_f.state != LOAD_OK || m->sel >= m->appts.n)
		return NULL;
	return &m->appts.v[m->sel];
}

const struct appointment *
model_shown_appt(const struct model *m)
{
	if (m->appt_f.state != LOAD_OK || m->shown >= m->appts.n)
		return NULL;
	return &m->appts.v[m->shown];
}

#define SETTLE_MS 250

void
model_settle(struct model *m)
{
	if (m->settle_at == 0 && m->shown == m->sel)
		return;
	m->settle_at = 0;
	m->shown = m->sel;
	model_changed(m, MODEL_NOTES);
	model_changed(m, MODEL_CHAT);
}

int
model_ms_to_settle(const struct model *m)
{
	long long d;

	if (m->settle_at == 0)
		return 3600000;
	d = m->settle_at - clock_mono_ms();
	return d < 0 ? 0 : (int)d;
}

struct client *
model_client(struct model *m)
{
	const struct appointment *a = model_shown_appt(m);
	struct client *c;

	if (a == NULL || a->patient_id == NULL)
		return NULL;
	for (size_t i = 0; i < m->n_clients; i++)
		if (strcmp(m->clients[i]->patient_id, a->patient_id) == 0)
			return m->clients[i];
	c = xcalloc(1, sizeof *c);
	c->m = m;
	c->patient_id = xstrdup(a->patient_id);
	c->notes_f.state = c->chat_f.state = c->scores_f.state = LOAD_PENDING;
	c->gen = ++m->gen;
	m->clients = xreallocarray(m->clients, m->n_clients + 1, sizeof *m->clients);
	m->clients[m->n_clients++] = c;
	return c;
}

struct client *
model_find_client(struct model *m, const char *patient_id)
{
	for (size_t i = 0; i < m->n_clients; i++)
		if (strcmp(m->clients[i]->patient_id, patient_id) == 0)
			return m->clients[i];
	return NULL;
}

void
model_chat_sent(struct model *m, const char *patient_id)
{
	struct client *c = model_find_client(m, patient_id);

	if (c == NULL || c->chat_f.fs == NULL)
		return;   /* not fetching: the look again after the send brings it */
	/* A fetch begun before the message was made cannot have it: once more. */
	fhir_search_cancel(m->s, c->chat_f.fs);
	c->chat_f.fs = NULL;
}

void
model_select(struct model *m, size_t i)
{
	if (m->appt_f.state != LOAD_OK || i >= m->appts.n || i == m->sel)
		return;
	/* The user chose: an answer still on its way must not take them back
	 * to what was selected before a reload. */
	free(m->keep_sel_id);
	m->keep_sel_id = NULL;
	m->sel = i;
	m->appt_gen = ++m->gen;
	m->settle_at = clock_mono_ms() + SETTLE_MS;
	model_changed(m, MODEL_APPTS);
}

void
model_reload(struct model *m)
{
	const struct appointment *a = model_appt(m);

	free(m->keep_sel_id);
	m->keep_sel_id = a != NULL ? xstrdup(a->id) : NULL;
	forget_clients(m);
	freshness_finish(m, &m->appt_f);
	appt_list_finish(&m->appts);
	m->appt_f.state = LOAD_PENDING;
	m->appt_f.stale = false;
	m->appt_gen = ++m->gen;
	m->view->reloaded(m->view_arg);
	model_changed(m, MODEL_ALL);
}

/* ---- the day's appointments ---- */

bool
model_same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* True when the lists would draw the same. */
static bool
appts_equal(const struct appt_list *a, const struct appt_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct appointment *x = &a->v[i], *y = &b->v[i];

		if (!model_same_str(x->id, y->id) || !model_same_str(x->status, y->status) ||
		    x->start != y->start || x->end != y->end ||
		    !model_same_str(x->patient_id, y->patient_id) ||
		    !model_same_str(x->patient_name, y->patient_name) ||
		    !model_same_str(x->practitioner_name, y->practitioner_name))
			return false;
	}
	return true;
}

bool
model_under_way(const struct appointment *a, time_t now)
{
	return a->start != 0 && a->end != 0 && a->start <= now && now < a->end;
}

/* The row a list opens on: the first session under way now (the row marked
 * ▸), else the first row. */
static size_t
opening_row(const struct model *m)
{
	time_t now = clock_now();

	for (size_t i = 0; i < m->appts.n; i++) {
		if (model_under_way(&m->appts.v[i], now))
			return i;
	}
	return 0;
}

/* Selects the appointment with the id if it is still there, else the row the
 * list opens on. The notes and chat follow at once: the marked row and the
 * client they show are never two. */
static void
reselect(struct model *m, const char *id)
{
	m->settle_at = 0;
	m->sel = m->shown = opening_row(m);
	for (size_t i = 0; id != NULL && i < m->appts.n; i++) {
		if (m->appts.v[i].id != NULL && strcmp(m->appts.v[i].id, id) == 0) {
			m->sel = m->shown = i;
			return;
		}
	}
}

static void
fetch_failed(struct model *m, struct freshness *f, const struct error *err)
{
	if (f->state == LOAD_OK) {
		/* Keep what is on screen; the pane says how old it is. */
		f->stale = true;
	} else {
		f->state = LOAD_FAILED;
		free(f->err);
		f->err = sanitize_display(err->msg, (size_t)-1, 0);
	}
	model_error(m, err->msg);
}

static void
appts_done(cJSON *all, const struct error *err, void *arg)
{
	struct model *m = arg;
	struct appt_list fresh;
	struct error perr;
	char *keep;

	m->appt_f.fs = NULL;
	error_clear(&perr);
	if (all == NULL || !appt_list_from_resources(all, &fresh, &perr)) {
		cJSON_Delete(all);
		fetch_failed(m, &m->appt_f, all == NULL ? err : &perr);
		model_changed(m, MODEL_APPTS);
		return;
	}
	saw_newest(&m->appt_f, all, m->practitioner);
	cJSON_Delete(all);
	m->appt_f.at = time(NULL);
	if (m->appt_f.stale)
		model_changed(m, MODEL_APPTS);
	m->appt_f.stale = false;
	if (m->appt_f.state == LOAD_OK && appts_equal(&m->appts, &fresh)) {
		/* Nothing changed: nothing is drawn, not a byte. What is selected
		 * stays, and a later answer must not select the old one again. */
		appt_list_finish(&fresh);
		free(m->keep_sel_id);
		m->keep_sel_id = NULL;
		return;
	}
	keep = m->keep_sel_id != NULL ? m->keep_sel_id
	       : (model_appt(m) != NULL ? xstrdup(model_appt(m)->id) : NULL);
	m->keep_sel_id = NULL;
	appt_list_finish(&m->appts);
	m->appts = fresh;
	m->appt_f.state = LOAD_OK;
	reselect(m, keep);
	free(keep);
	m->appt_gen = ++m->gen;
	model_measures_start(m);
	model_changed(m, MODEL_ALL);
}

/* The list as the local cache has it, at once, until the server answers. */
static void
paint_from_cache(struct model *m, const struct appt_query *q)
{
	cJSON *all = cache_appointments(m->s->store, q->from, q->to, q->practitioner);
	struct appt_list cached;
	struct error err;

	error_clear(&err);
	if (all != NULL && cJSON_GetArraySize(all) > 0 && appt_list_from_resources(all, &cached, &err)) {
		appt_list_finish(&m->appts);
		m->appts = cached;
		m->appt_f.state = LOAD_OK;
		m->appt_f.stale = true;   /* "from the cache" until the server answers */
		m->appt_f.at = 0;
		reselect(m, m->keep_sel_id);
		m->appt_gen = ++m->gen;
		model_measures_start(m);
		model_changed(m, MODEL_ALL);
	}
	cJSON_Delete(all);
}

/* start_with = auto: whether "me" has a schedule of their own, as the store
 * remembers it from the last start ("yes\nID" or "no\nID"): 1 yes, 0 no, -1
 * not known. */
#define SCHEDULE_TYPE "ui"
#define SCHEDULE_ID "schedule-of-me"

static int
remembered_schedule(struct model *m, const char *me)
{
	struct error err;
	void *data;
	size_t len;
	char *text, *nl;
	int r = -1;

	error_clear(&err);
	if (m->s->store == NULL || !store_get(m->s->store, SCHEDULE_TYPE, SCHEDULE_ID, &data, &len, NULL, &err))
		return -1;
	text = xstrndup(data, len);
	store_free(data, len);
	if ((nl = strchr(text, '\n')) != NULL && strcmp(nl + 1, me) == 0)
		r = strncmp(text, "yes", 3) == 0;
	free(text);
	return r;
}

/* Mine or everyone's, as the automatic choice says (not after a filter). */
static void
whose(struct model *m, bool mine)
{
	if (!m->whose_auto || mine == !m->everyone)
		return;
	m->everyone = !mine;
	m->practitioner = mine ? m->schedule_me : NULL;
	model_reload(m);
}

static void
schedule_done(cJSON *all, const struct error *err, void *arg)
{
	struct model *m = arg;
	struct store_rec r = { .type = SCHEDULE_TYPE, .id = SCHEDULE_ID, .version = "" };
	bool has = cJSON_GetArraySize(all) > 0;
	char *rec;
	struct error serr;

	m->schedule_fs = NULL;
	if (all == NULL) {
		(void)err;  /* not known: the view stays as it is */
		return;
	}
	cJSON_Delete(all);
	rec = xasprintf("%s\n%s", has ? "yes" : "no", m->schedule_me);
	r.data = rec;
	r.len = strlen(rec);
	error_clear(&serr);
	if (m->s->store != NULL)
		store_put(m->s->store, &r, &serr);
	free(rec);
	whose(m, has);
}

/* "Mine" for someone with no schedule of their own is an empty day: a front
 * desk works on everyone's. The store remembers the answer, so the next start
 * paints the right day at once; it is asked again at every start. */
static void
choose_whose(struct model *m)
{
	struct error err;
	const char *me;
	char *ref, *e, *path;

	error_clear(&err);
	me = session_practitioner(m->s, NULL, &err);
	m->practitioner = me;
	m->everyone = me == NULL;
	if (me == NULL || !m->start_auto)
		return;
	m->start_auto = false;
	m->whose_auto = true;
	free(m->schedule_me);
	m->schedule_me = xstrdup(me);
	m->practitioner = m->schedule_me;
	if (remembered_schedule(m, me) == 0) {
		m->everyone = true;
		m->practitioner = NULL;
	}
	if (m->s->offline)
		return;
	ref = xasprintf("Practitioner/%s", me);
	e = http_escape(ref);
	path = xasprintf("Schedule?actor=%s&_count=1&_elements=id", e);
	m->schedule_fs = fhir_search_start(m->s, path, 1, schedule_done, m, &err);
	free(ref);
	free(e);
	free(path);
}

/* Who "me" is, asked of the server in a task of its own (a bearer token
 * alone says nothing: discovery, then userinfo), never waited for on the
 * loop. The list loads once it is known (model_start_work). */
static void
ask_me(void *arg)
{
	struct model *m = arg;
	struct error err;

	error_clear(&err);
	(void)session_practitioner(m->s, NULL, &err);  /* what is missing, start_appts says */
	m->me_asking = false;
	model_changed(m, MODEL_APPTS);
}

static void
start_appts(struct model *m)
{
	struct appt_query q = { .from = model_first_day(m), .to = date_add_days(model_first_day(m), m->week ? 6 : 0) };
	struct error err;
	char *path;

	error_clear(&err);
	q.status = m->status_filter;
	if (m->practitioner == NULL && !m->everyone) {
		if (m->me_asking)
			return;
		if (!session_me_known(m->s)) {
			if (task_current() == NULL) {  /* tasks do not nest: the loop's next turn */
				m->me_asking = true;
				task_spawn(ask_me, m);
			}
			return;
		}
		choose_whose(m);  /* mine when ezrizi knows who I am and I have a schedule */
	}
	q.practitioner = m->practitioner;
	if (m->appt_f.state == LOAD_PENDING && m->s->store != NULL)
		paint_from_cache(m, &q);
	path = appt_query_path(&q);
	m->appt_f.fs = fhir_search_start(m->s, path, APPT_QUERY_MAX, appts_done, m, &err);
	free(path);
	if (m->appt_f.fs == NULL) {
		fetch_failed(m, &m->appt_f, &err);
		model_changed(m, MODEL_APPTS);
		return;
	}
	if (m->appt_f.state == LOAD_PENDING)
		m->appt_f.state = LOAD_RUNNING;
}

/* ---- a client's notes and chat ---- */

static bool
notes_equal(const struct note_list *a, const struct note_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct note *x = &a->v[i], *y = &b->v[i];

		/* A co-signature or an addendum changes what the pane says of
		 * a note whose own version did not change. */
		if (!model_same_str(x->id, y->id) || !model_same_str(x->version, y->version) || x->date != y->date ||
		    !model_same_str(x->status, y->status) || !model_same_str(x->doc_status, y->doc_status) ||
		    !model_same_str(x->text, y->text) || x->signed_at != y->signed_at ||
		    x->cosigned_at != y->cosigned_at || x->tampered != y->tampered ||
		    x->n_addenda != y->n_addenda || !model_same_str(x->replaced_by_id, y->replaced_by_id) ||
		    x->process != y->process)
			return false;
	}
	return true;
}

static void
notes_done(cJSON *all, const struct error *err, void *arg)
{
	struct client *c = arg;
	struct note_list fresh;
	struct error perr;

	c->notes_f.fs = NULL;
	error_clear(&perr);
	if (all == NULL || !notes_from_resources(all, NOTES_MAX, &fresh, &perr)) {
		fetch_failed(c->m, &c->notes_f, all == NULL ? err : &perr);
	} else {
		/* Fetched before (a look again found a change, or the server's
		 * clock is a little behind): only a difference repaints. */
		bool same = c->notes_f.at != 0 && notes_equal(&c->notes, &fresh) && !c->notes_f.stale;

		saw_newest(&c->notes_f, all, NULL);
		note_list_finish(&c->notes);
		c->notes = fresh;
		c->notes_f.state = LOAD_OK;
		c->notes_f.stale = false;
		c->notes_f.at = time(NULL);
		if (same) {
			/* Fetched again, nothing new: nothing moves on the screen. */
			cJSON_Delete(all);
			return;
		}
	}
	cJSON_Delete(all);
	c->gen = ++c->m->gen;
	model_changed(c->m, MODEL_NOTES);
}

/* ---- a client's scores ---- */

/* A client has few scores: all of them, for the trend from the first. */
#define SCORES_QUERY_MAX 1000

static bool
scores_equal(const struct score_list *a, const struct score_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->v[i].id, b->v[i].id) != 0 || a->v[i].score != b->v[i].score ||
		    a->v[i].date != b->v[i].date || !model_same_str(a->v[i].band, b->v[i].band))
			return false;
	}
	return true;
}

static void
scores_done(cJSON *all, const struct error *err, void *arg)
{
	struct client *c = arg;
	struct score_list fresh;
	bool same;

	c->scores_f.fs = NULL;
	if (all == NULL) {
		fetch_failed(c->m, &c->scores_f, err);
		c->gen = ++c->m->gen;
		model_changed(c->m, MODEL_NOTES);
		return;
	}
	scores_from_resources(all, NULL, &fresh);
	saw_newest(&c->scores_f, all, NULL);
	cJSON_Delete(all);
	same = c->scores_f.at != 0 && !c->scores_f.stale && scores_equal(&c->scores, &fresh);
	score_list_finish(&c->scores);
	c->scores = fresh;
	c->scores_f.state = LOAD_OK;
	c->scores_f.stale = false;
	c->scores_f.at = time(NULL);
	if (same)
		return;   /* nothing moves on the screen */
	c->gen = ++c->m->gen;
	model_changed(c->m, MODEL_NOTES);
	model_measures_scores_came(c->m, c->patient_id);
}

static bool
has_message(const struct message_list *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].id, id) == 0)
			return true;
	}
	return false;
}

static int
message_cmp(const void *pa, const void *pb)
{
	const struct message *a = pa, *b = pb;

	if (a->sent != b->sent)
		return a->sent < b->sent ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Adds the messages not yet known; true when any was. */
static bool
merge_messages(struct message_list *into, struct message_list *more)
{
	size_t added = 0;

	into->v = xreallocarray(into->v, into->n + more->n + 1, sizeof *into->v);
	for (size_t i = 0; i < more->n; i++) {
		if (has_message(into, more->v[i].id)) {
			message_finish(&more->v[i]);
			continue;
		}
		into->v[into->n++] = more->v[i];
		added++;
	}
	free(more->v);
	more->v = NULL;
	more->n = 0;
	if (added > 0)
		qsort(into->v, into->n, sizeof *into->v, message_cmp);
	return added > 0;
}

static void
chat_done(cJSON *all, const struct error *err, void *arg)
{
	struct client *c = arg;
	struct message_list fresh;
	struct error perr;
	bool changed = true;

	c->chat_f.fs = NULL;
	error_clear(&perr);
	if (all == NULL || !chat_from_resources(all, &fresh, &perr)) {
		fetch_failed(c->m, &c->chat_f, all == NULL ? err : &perr);
	} else {
		saw_newest(&c->chat_f, all, NULL);
		model_review_mark(c->m, &fresh);  /* only what came: never the thread again */
		changed = merge_messages(&c->chat, &fresh) || c->chat_f.state != LOAD_OK ||
			  c->chat_f.stale;
		c->chat_f.state = LOAD_OK;
		c->chat_f.stale = false;
		c->chat_f.at = time(NULL);
	}
	cJSON_Delete(all);
	if (changed) {
		c->gen = ++c->m->gen;
		model_changed(c->m, MODEL_CHAT);
	}
	/* What has come may be what was unread, now on screen. */
	if (c == model_client(c->m) && !model_hidden(c->m))
		model_mark_read(c->m, c);
}

static void
start_search(struct client *c, struct freshness *f, char *path, size_t max, fhir_search_fn done)
{
	struct error err;

	error_clear(&err);
	f->fs = fhir_search_start(c->m->s, path, max, done, c, &err);
	free(path);
	if (f->fs == NULL) {
		fetch_failed(c->m, f, &err);
		c->gen = ++c->m->gen;
		return;
	}
	if (f->state == LOAD_PENDING)
		f->state = LOAD_RUNNING;
}

static void
notes_from_cache(struct client *c)
{
	cJSON *all = cache_notes(c->m->s->store, c->patient_id);
	struct error err;

	error_clear(&err);
	if (cJSON_GetArraySize(all) > 0 && notes_from_resources(all, NOTES_MAX, &c->notes, &err)) {
		c->notes_f.state = LOAD_OK;
		c->notes_f.stale = true;
		c->notes_f.at = 0;
		c->gen = ++c->m->gen;
	}
	cJSON_Delete(all);
}

static void
scores_from_cache(struct client *c)
{
	cJSON *all = cache_scores(c->m->s->store, c->patient_id);

	scores_from_resources(all, NULL, &c->scores);
	if (c->scores.n > 0) {
		c->scores_f.state = LOAD_OK;
		c->scores_f.stale = true;
		c->scores_f.at = 0;
		c->gen = ++c->m->gen;
	}
	cJSON_Delete(all);
}

static void
chat_from_cache(struct client *c)
{
	cJSON *all = cache_chat(c->m->s->store, c->patient_id);
	struct error err;

	error_clear(&err);
	if (cJSON_GetArraySize(all) > 0 && chat_from_resources(all, &c->chat, &err)) {
		model_review_mark(c->m, &c->chat);
		c->chat_f.state = LOAD_OK;
		c->chat_f.stale = true;
		c->chat_f.at = 0;
		c->gen = ++c->m->gen;
	}
	cJSON_Delete(all);
}

static void
start_work(struct model *m)
{
	struct client *c;

	model_review_tell(m);  /* the risk words could not be read: once */
	if (m->appt_f.state == LOAD_PENDING && m->appt_f.fs == NULL)
		start_appts(m);
	if (!m->flags_tried)
		model_flags_start(m);  /* once; then at every poll */
	else if (!m->role_known)
		model_roles_start(m);  /* as soon as "me" is known: the notes wait for it */
	if ((c = model_client(m)) == NULL)
		return;
	if (c->chat_f.state == LOAD_OK && !model_hidden(m))
		model_mark_read(m, c);
	/* Clinical text is never fetched for a front desk (nor cached), nor
	 * before the user's roles say it is not one. */
	if (m->front_desk)
		return;
	model_audit_views(m);
	if (c->notes_f.state == LOAD_PENDING && c->notes_f.fs == NULL) {
		if (m->s->store != NULL && c->notes.n == 0)
			notes_from_cache(c);
		start_search(c, &c->notes_f, notes_query_path(c->patient_id, NOTES_MAX), NOTES_MAX,
			     notes_done);
	}
	if (c->chat_f.state == LOAD_PENDING && c->chat_f.fs == NULL) {
		if (m->s->store != NULL && c->chat.n == 0)
			chat_from_cache(c);
		start_search(c, &c->chat_f, chat_query_path(c->patient_id, 0), CHAT_QUERY_MAX,
			     chat_done);
	}
	if (c->scores_f.state == LOAD_PENDING && c->scores_f.fs == NULL) {
		if (m->s->store != NULL && c->scores.n == 0)
			scores_from_cache(c);
		start_search(c, &c->scores_f, scores_query_path(c->patient_id), SCORES_QUERY_MAX,
			     scores_done);
	}
}

/* What is to be fetched, in one round trip (fhir_gather_begin). */
void
model_start_work(struct model *m)
{
	fhir_gather_begin(m->s);
	start_work(m);
	fhir_gather_end(m->s);
}

static void start_inbox(struct model *m);

/* Looking again at the list: first only whether any of the appointments it
 * could hold changed since the last fetch (one id at most comes back); only
 * then the day again. An appointment moved to another day counts too. */
static void
appts_check_done(cJSON *all, const struct error *err, void *arg)
{
	struct model *m = arg;

	m->appt_f.fs = NULL;
	if (all == NULL) {
		fetch_failed(m, &m->appt_f, err);
		model_changed(m, MODEL_APPTS);
		return;
	}
	if (cJSON_GetArraySize(all) > 0) {
		/* The newest change (the look asks for it first): the next look
		 * starts after it, whether or not it is this day's. */
		saw_newest(&m->appt_f, all, m->practitioner);
		m->owed_gen++;   /* a session may have been held, moved or ended */
		start_appts(m);
	} else {
		if (m->appt_f.stale)
			model_changed(m, MODEL_APPTS);
		m->appt_f.stale = false;
		m->appt_f.at = time(NULL);
	}
	cJSON_Delete(all);
}

static void
start_appts_check(struct model *m)
{
	char *egt, *path, *ref = NULL, *eref = NULL;
	struct error err;

	error_clear(&err);
	egt = look_again_since(&m->appt_f, m->practitioner);
	if (m->practitioner != NULL) {
		ref = xasprintf("Practitioner/%s", m->practitioner);
		eref = http_escape(ref);
	}
	path = xasprintf("Appointment?_lastUpdated=%s&_sort=-_lastUpdated&_elements=id,meta&_count=1%s%s", egt,
			 eref != NULL ? "&practitioner=" : "", eref != NULL ? eref : "");
	m->appt_f.fs = fhir_search_start(m->s, path, 1, appts_check_done, m, &err);
	if (m->appt_f.fs == NULL)
		fetch_failed(m, &m->appt_f, &err);
	free(egt);
	free(ref);
	free(eref);
	free(path);
}

void
model_notes_again(struct model *m)
{
	struct client *c = model_client(m);

	/* A search under way brings what it brings; the next look sees the rest. */
	if (c == NULL || c->notes_f.fs != NULL || c->notes_f.state != LOAD_OK)
		return;
	c->notes_f.state = LOAD_PENDING;
	model_start_work(m);
}

/* Looking again at notes: only whether any changed since the last fetch. */
static void
notes_check_done(cJSON *all, const struct error *err, void *arg)
{
	struct client *c = arg;

	c->notes_f.fs = NULL;
	if (all == NULL) {
		fetch_failed(c->m, &c->notes_f, err);
		model_changed(c->m, MODEL_NOTES);
		return;
	}
	if (cJSON_GetArraySize(all) > 0) {
		saw_newest(&c->notes_f, all, NULL);
		c->notes_f.state = LOAD_PENDING;  /* something changed: fetch them again */
	} else {
		if (c->notes_f.stale)
			model_changed(c->m, MODEL_NOTES);
		c->notes_f.stale = false;
		c->notes_f.at = time(NULL);
	}
	cJSON_Delete(all);
}

static char *
notes_check_path(const struct client *c)
{
	char *ref = xasprintf("Patient/%s", c->patient_id), *eref = http_escape(ref);
	char *egt = look_again_since(&c->notes_f, NULL), *path;

	path = xasprintf("DocumentReference?subject=%s&_lastUpdated=%s&_sort=-_lastUpdated&_elements=id,meta&_count=1",
			 eref, egt);
	free(ref);
	free(eref);
	free(egt);
	return path;
}

/* Looking again at scores: only whether any came since the last fetch (an
 * assessment given here or elsewhere). */
static void
scores_check_done(cJSON *all, const struct error *err, void *arg)
{
	struct client *c = arg;

	c->scores_f.fs = NULL;
	if (all == NULL) {
		fetch_failed(c->m, &c->scores_f, err);
		model_changed(c->m, MODEL_NOTES);
		return;
	}
	if (cJSON_GetArraySize(all) > 0) {
		saw_newest(&c->scores_f, all, NULL);
		c->scores_f.state = LOAD_PENDING;  /* fetch them all again */
	} else {
		c->scores_f.at = time(NULL);
	}
	cJSON_Delete(all);
}

static char *
scores_check_path(const struct client *c)
{
	char *ref = xasprintf("Patient/%s", c->patient_id), *eref = http_escape(ref);
	char *egt = look_again_since(&c->scores_f, NULL), *path;

	path = xasprintf("Observation?subject=%s&category=survey&_lastUpdated=%s&_sort=-_lastUpdated&_elements=id,meta&_count=1",
			 eref, egt);
	free(ref);
	free(eref);
	free(egt);
	return path;
}

/* Looking again at the notes I wrote, anywhere: only whether any changed. */
static void
mine_check_done(cJSON *all, const struct error *err, void *arg)
{
	struct model *m = arg;

	(void)err;   /* the count keeps what it said; the next poll looks again */
	m->mine_f.fs = NULL;
	if (all == NULL)
		return;
	/* The first look only finds where to start: the count at the start
	 * has just seen what it brings (the margin for this machine's clock
	 * brings back the last minute's notes). */
	if (cJSON_GetArraySize(all) > 0) {
		if (m->mine_f.state == LOAD_OK)
			m->owed_gen++;
		saw_newest(&m->mine_f, all, NULL);
	}
	m->mine_f.state = LOAD_OK;   /* looked once: from now on a find is a change */
	m->mine_f.at = time(NULL);
	cJSON_Delete(all);
}

static void
start_mine_check(struct model *m)
{
	char *ref, *eref, *egt, *path;
	struct error err;

	if (m->mine_f.fs != NULL || !session_me_known(m->s) || m->s->me_type == NULL ||
	    strcmp(m->s->me_type, "Practitioner") != 0)
		return;
	error_clear(&err);
	ref = xasprintf("Practitioner/%s", m->s->me_id);
	eref = http_escape(ref);
	egt = look_again_since(&m->mine_f, NULL);
	path = xasprintf("DocumentReference?author=%s&_lastUpdated=%s&_sort=-_lastUpdated&_elements=id,meta&_count=1",
			 eref, egt);
	m->mine_f.fs = fhir_search_start(m->s, path, 1, mine_check_done, m, &err);
	free(ref);
	free(eref);
	free(egt);
	free(path);
}

static void
poll(struct model *m)
{
	struct client *c = model_client(m);

	start_inbox(m);
	model_flags_start(m);
	if (m->appt_f.state == LOAD_OK && m->appt_f.fs == NULL)
		start_appts_check(m);
	if (m->front_desk)
		return;   /* nothing clinical is looked at again */
	if (m->role_known)
		start_mine_check(m);
	if (c != NULL && c->chat_f.state == LOAD_OK && c->chat_f.fs == NULL) {
		/* Only what changed after the newest change the server showed;
		 * without one, what was sent since the newest message on screen. */
		time_t since = c->chat.n > 0 ? c->chat.v[c->chat.n - 1].sent : 0;
		char *path = c->chat_f.newest != NULL ? chat_changed_path(c->patient_id, c->chat_f.newest)
						       : chat_query_path(c->patient_id, since);

		start_search(c, &c->chat_f, path, CHAT_QUERY_MAX, chat_done);
	}
	if (c != NULL && c->notes_f.state == LOAD_OK && c->notes_f.fs == NULL)
		start_search(c, &c->notes_f, notes_check_path(c), 1, notes_check_done);
	if (c != NULL && c->scores_f.state == LOAD_OK && c->scores_f.fs == NULL)
		start_search(c, &c->scores_f, scores_check_path(c), 1, scores_check_done);
}

/* Every look again of a poll in one request (a batch Bundle of searches),
 * whether or not anything changed. */
void
model_poll(struct model *m)
{
	model_poll_later(m);
	fhir_gather_begin(m->s);
	poll(m);
	fhir_gather_end(m->s);
}

void
model_poll_later(struct model *m)
{
	m->next_poll = clock_mono_ms() + (long long)m->poll_interval * 1000;
}

int
model_ms_to_poll(const struct model *m)
{
	long long d = m->next_poll - clock_mono_ms();

	return d < 0 ? 0 : (d > 3600000 ? 3600000 : (int)d);
}

char *
model_freshness_note(const struct model *m, const struct freshness *f)
{
	char hm[32];

	if (f->state != LOAD_OK)
		return NULL;
	if (f->at == 0)
		/* TRANSLATORS: a pane shows what the local cache had, until the server answers. */
		return f->stale ? xstrdup(_("from the cache")) : NULL;
	if (!f->stale && time(NULL) - f->at < 2 * (time_t)m->poll_interval + 5)
		return NULL;
	lf_time(f->at, hm, sizeof hm);
	/* TRANSLATORS: a pane's data is not fresh; %s is the time it was fetched. */
	return xasprintf(_("as of %s"), hm);
}

char *
model_part_note(struct model *m, enum model_part part)
{
	struct client *c;

	if (part == MODEL_APPTS)
		return model_freshness_note(m, &m->appt_f);
	if ((c = model_client(m)) == NULL)
		return NULL;
	return model_freshness_note(m, part == MODEL_CHAT ? &c->chat_f : &c->notes_f);
}

/* ---- unread messages ---- */

static struct unread *
unread_of(const struct model *m, const char *patient_id)
{
	for (size_t i = 0; patient_id != NULL && i < m->n_unread; i++) {
		if (strcmp(m->unread[i].patient_id, patient_id) == 0)
			return &m->unread[i];
	}
	return NULL;
}

int
model_unread(const struct model *m, const char *patient_id)
{
	const struct unread *u = unread_of(m, patient_id);

	return u != NULL ? u->n : 0;
}

void
model_mark_read(struct model *m, struct client *c)
{
	struct unread *u = unread_of(m, c->patient_id);
	time_t newest = c->chat.n > 0 ? c->chat.v[c->chat.n - 1].sent : 0;

	if (u == NULL || u->n == 0)
		return;
	if (newest < u->latest) {
		/* The chat on screen is older than what came: not read yet. */
		if (c->chat_f.state == LOAD_OK && c->chat_f.fs == NULL)
			start_search(c, &c->chat_f, chat_query_path(c->patient_id, newest), CHAT_QUERY_MAX,
				     chat_done);
		return;
	}
	/* The marker goes before the first message that was unread. */
	c->read_mark = u->since;
	u->n = 0;
	u->review = 0;
	c->gen = ++m->gen;
	model_changed(m, MODEL_APPTS);
	model_changed(m, MODEL_CHAT);
}

/* Is this client's chat on the screen now? */
static bool
chat_on_screen(struct model *m, const char *patient_id)
{
	struct client *c = model_hidden(m) ? NULL : model_client(m);

	return c != NULL && strcmp(c->patient_id, patient_id) == 0;
}

static void
inbox_seen_clear(struct model *m)
{
	for (size_t i = 0; i < m->n_inbox_seen; i++)
		free(m->inbox_seen[i]);
	free(m->inbox_seen);
	m->inbox_seen = NULL;
	m->n_inbox_seen = 0;
}

/* Whether the inbox has not counted msg yet; it is counted now. */
static bool
inbox_new(struct model *m, const struct message *msg)
{
	if (msg->sent < m->inbox_since)
		return false;
	if (msg->sent > m->inbox_since) {
		inbox_seen_clear(m);
		m->inbox_since = msg->sent;
	} else {
		for (size_t i = 0; i < m->n_inbox_seen; i++) {
			if (strcmp(m->inbox_seen[i], msg->id) == 0)
				return false;
		}
	}
	m->inbox_seen = xreallocarray(m->inbox_seen, m->n_inbox_seen + 1, sizeof *m->inbox_seen);
	m->inbox_seen[m->n_inbox_seen++] = xstrdup(msg->id);
	return true;
}

static void
inbox_done(cJSON *all, const struct error *err, void *arg)
{
	struct model *m = arg;
	const cJSON *res;
	bool ring = false;

	m->inbox_fs = NULL;
	(void)err;  /* the next look tries again; the panes report errors */
	cJSON_ArrayForEach(res, all) {
		struct message msg;
		struct error perr;
		struct unread *u;
		const cJSON *prio = cJSON_GetObjectItemCaseSensitive(res, "priority");

		error_clear(&perr);
		if (!message_from_json(res, &msg, &perr))
			continue;
		if (!inbox_new(m, &msg)) {
			message_finish(&msg);
			continue;
		}
		if (cJSON_IsString(prio) && strcmp(prio->valuestring, "stat") == 0)
			model_urgent_came(m);  /* an escalation: fetched whole, with names */
		if (msg.text != NULL && msg.patient_id != NULL && msg.sender_ref != NULL &&
		    strncmp(msg.sender_ref, "Patient/", 8) == 0 && !chat_on_screen(m, msg.patient_id)) {
			if ((u = unread_of(m, msg.patient_id)) == NULL) {
				m->unread = xreallocarray(m->unread, m->n_unread + 1, sizeof *m->unread);
				u = &m->unread[m->n_unread++];
				u->patient_id = xstrdup(msg.patient_id);
				u->n = 0;
			}
			if (u->n == 0) {
				u->since = msg.sent - 1;
				u->review = 0;
			}
			u->review += model_review_match(m, &msg);
			if (u->n == 0 || msg.sent > u->latest)
				u->latest = msg.sent;
			u->n++;
			ring = true;
			model_changed(m, MODEL_APPTS);
		}
		message_finish(&msg);
	}
	cJSON_Delete(all);
	if (ring)
		m->view->ring(m->view_arg);
}

/* Messages to me from any client since the last look. */
static void
start_inbox(struct model *m)
{
	struct error err;
	const char *me;
	char since[21], *ref, *eref, *ge, *ege, *path;

	error_clear(&err);
	/* The messages' text is clinical: not a front desk's (and not before
	 * the roles are known). */
	if (m->front_desk || m->inbox_fs != NULL || m->me_asking || !session_me_known(m->s) ||
	    (me = session_practitioner(m->s, NULL, &err)) == NULL)
		return;
	instant_format_utc(m->inbox_since, since);
	ref = xasprintf("Practitioner/%s", me);
	ge = xasprintf("ge%s", since);  /* inbox_seen: not counted twice */
	eref = http_escape(ref);
	ege = http_escape(ge);
	path = xasprintf("Communication?recipient=%s&sent=%s&_count=100"
			 "&_elements=subject,sender,sent,partOf,payload,priority", eref, ege);
	m->inbox_fs = fhir_search_start(m->s, path, 500, inbox_done, m, &err);
	free(ref);
	free(ge);
	free(eref);
	free(ege);
	free(path);
}

void
model_new_day(struct model *m, struct civil_date today)
{
	if (date_cmp(today, m->today) == 0)
		return;
	/* Midnight: whoever was looking at today now sees the new today. */
	if (!m->week && date_cmp(m->day, m->today) == 0) {
		m->day = today;
		model_reload(m);
	}
	m->today = today;
	model_changed(m, MODEL_APPTS);
}
