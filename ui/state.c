/* state.c - the model behind the screen and the fetches that fill it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/cache.h"
#include "core/fhir.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/localfmt.h"
#include "ui/state.h"

/* Our clock and the server's may differ: changes are looked for from this
 * long before the last fetch (a change seen twice is only fetched twice). */
#define CLOCK_SKEW 60

/* Keeps at most this many notes per client on screen. */
#define NOTES_MAX 20

static char *
clean(const char *s)
{
	return sanitize_display(s, (size_t)-1, 0);
}

/* "http://host:port/fhir/R4" -> "host:port". */
static char *
url_host(const char *url)
{
	const char *p = url != NULL ? strstr(url, "://") : NULL;
	size_t n;

	p = p != NULL ? p + 3 : (url != NULL ? url : "");
	n = strcspn(p, "/?#");
	if (memchr(p, '@', n) != NULL) {  /* never show user:password@ */
		const char *at = memchr(p, '@', n);

		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	return xstrndup(p, n);
}

struct civil_date
tui_first_day(const struct tui *t)
{
	/* A week starts on the locale's first day (Monday, Saturday, Sunday...). */
	return t->week ? date_add_days(t->day, -((date_weekday(t->day) - lf_first_weekday() + 7) % 7))
		       : t->day;
}

long long
tui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
tui_state_init(struct tui *t, struct cmd_ctx *ctx, struct session *s)
{
	char *host;
	const char *user;

	memset(t, 0, sizeof *t);
	t->ctx = ctx;
	t->s = s;
	host = url_host(s->base);
	t->host = clean(host);
	free(host);
	user = s->login_user != NULL ? s->login_user : config_get(ctx->cfg, "username");
	/* TRANSLATORS: shown in the title bar when we do not know the user name. */
	t->user = clean(user != NULL ? user : _("not logged in"));
	t->day = t->today = date_today();
	t->appt_f.state = LOAD_PENDING;
	t->poll_interval = (int)config_get_long(ctx->cfg, "poll_interval", 30);
	t->next_poll = tui_now_ms() + (long long)t->poll_interval * 1000;
	t->inbox_since = clock_now();
	t->bell = config_get(ctx->cfg, "bell") != NULL && strcmp(config_get(ctx->cfg, "bell"), "on") == 0;
	{
		const char *sw = config_get(ctx->cfg, "start_with");

		t->everyone = sw != NULL && strcmp(sw, "everyone") == 0;
		t->start_auto = sw == NULL || strcmp(sw, "auto") == 0;
	}
	t->title_dirty = t->status_dirty = true;
	if (s->warning != NULL)
		tui_set_message(t, s->warning);  /* plain http: said at every start */
}

static void
freshness_finish(struct tui *t, struct freshness *f)
{
	fhir_search_cancel(t->s, f->fs);
	f->fs = NULL;
	free(f->err);
	f->err = NULL;
}

static void
client_destroy(struct client *c)
{
	if (c == NULL)
		return;
	freshness_finish(c->t, &c->notes_f);
	freshness_finish(c->t, &c->chat_f);
	free(c->patient_id);
	free(c->outgoing);
	note_list_finish(&c->notes);
	message_list_finish(&c->chat);
	free(c);
}

static void
forget_clients(struct tui *t)
{
	for (size_t i = 0; i < t->n_clients; i++)
		client_destroy(t->clients[i]);
	free(t->clients);
	t->clients = NULL;
	t->n_clients = 0;
}

void
tui_state_finish(struct tui *t)
{
	forget_clients(t);
	freshness_finish(t, &t->appt_f);
	fhir_search_cancel(t->s, t->inbox_fs);
	fhir_search_cancel(t->s, t->schedule_fs);
	free(t->schedule_me);
	for (size_t i = 0; i < t->n_unread; i++)
		free(t->unread[i].patient_id);
	free(t->unread);
	appt_list_finish(&t->appts);
	slot_list_finish(&t->picker_slots);
	free(t->picker_appt_id);
	free(t->picker_patient_id);
	free(t->filter_prac);
	free(t->keep_sel_id);
	free(t->answering);
	free(t->overlay_title);
	free(t->overlay_text);
	free(t->confirm);
	free(t->text_cmd);
	free(t->last_failed);
	if (t->draft != NULL)
		sodium_memzero(t->draft, strlen(t->draft));
	free(t->draft);
	free(t->draft_patient);
	if (t->lock_input != NULL)
		sodium_free(t->lock_input);
	if (t->sec_old != NULL)
		sodium_free(t->sec_old);
	if (t->sec_new != NULL)
		sodium_free(t->sec_new);
	free(t->status_err);
	free(t->status_msg);
	free(t->host);
	free(t->user);
}

void
tui_mark(struct tui *t, int pane)
{
	t->panes[pane].dirty = true;
}

void
tui_mark_all(struct tui *t)
{
	for (int i = 0; i < PANE_COUNT; i++)
		t->panes[i].dirty = true;
	t->title_dirty = t->status_dirty = true;
}

void
tui_set_error(struct tui *t, const char *msg)
{
	free(t->status_err);
	t->status_err = clean(msg);
	t->status_dirty = true;
}

void
tui_set_message(struct tui *t, const char *msg)
{
	free(t->status_msg);
	t->status_msg = clean(msg);
	t->status_dirty = true;
}

void
tui_set_message_ours(struct tui *t, const char *msg)
{
	free(t->status_msg);
	t->status_msg = xstrdup(msg);
	t->status_dirty = true;
}

void
tui_clear_error(struct tui *t)
{
	if (t->status_err == NULL && t->status_msg == NULL)
		return;
	free(t->status_err);
	free(t->status_msg);
	t->status_err = t->status_msg = NULL;
	t->status_dirty = true;
}

bool
tui_locked(const struct tui *t)
{
	return mode_has(&t->modes, &mode_lock);
}

bool
tui_overlay_on(const struct tui *t)
{
	return mode_has(&t->modes, &mode_overlay) || mode_has(&t->modes, &mode_picker);
}

const struct appointment *
tui_appt(const struct tui *t)
{
	if (t->appt_f.state != LOAD_OK || t->sel >= t->appts.n)
		return NULL;
	return &t->appts.v[t->sel];
}

const struct appointment *
tui_shown_appt(const struct tui *t)
{
	if (t->appt_f.state != LOAD_OK || t->shown >= t->appts.n)
		return NULL;
	return &t->appts.v[t->shown];
}

#define SETTLE_MS 250

void
tui_settle(struct tui *t)
{
	if (t->settle_at == 0 && t->shown == t->sel)
		return;
	t->settle_at = 0;
	t->shown = t->sel;
	tui_mark(t, PANE_NOTES);
	tui_mark(t, PANE_CHAT);
}

int
tui_ms_to_settle(const struct tui *t)
{
	long long d;

	if (t->settle_at == 0)
		return 3600000;
	d = t->settle_at - tui_now_ms();
	return d < 0 ? 0 : (int)d;
}

struct client *
tui_client(struct tui *t)
{
	const struct appointment *a = tui_shown_appt(t);
	struct client *c;

	if (a == NULL || a->patient_id == NULL)
		return NULL;
	for (size_t i = 0; i < t->n_clients; i++)
		if (strcmp(t->clients[i]->patient_id, a->patient_id) == 0)
			return t->clients[i];
	c = xcalloc(1, sizeof *c);
	c->t = t;
	c->patient_id = xstrdup(a->patient_id);
	c->notes_f.state = c->chat_f.state = LOAD_PENDING;
	c->gen = ++t->gen;
	t->clients = xreallocarray(t->clients, t->n_clients + 1, sizeof *t->clients);
	t->clients[t->n_clients++] = c;
	return c;
}

struct client *
tui_find_client(struct tui *t, const char *patient_id)
{
	for (size_t i = 0; i < t->n_clients; i++)
		if (strcmp(t->clients[i]->patient_id, patient_id) == 0)
			return t->clients[i];
	return NULL;
}

void
tui_chat_sent(struct tui *t, const char *patient_id)
{
	struct client *c = tui_find_client(t, patient_id);

	if (c == NULL || c->chat_f.fs == NULL)
		return;   /* not fetching: the look again after the send brings it */
	/* A fetch begun before the message was made cannot have it: once more. */
	fhir_search_cancel(t->s, c->chat_f.fs);
	c->chat_f.fs = NULL;
}

void
tui_select(struct tui *t, size_t i)
{
	if (t->appt_f.state != LOAD_OK || i >= t->appts.n || i == t->sel)
		return;
	/* The user chose: an answer still on its way must not take them back
	 * to what was selected before a reload. */
	free(t->keep_sel_id);
	t->keep_sel_id = NULL;
	t->sel = i;
	t->appt_gen = ++t->gen;
	t->settle_at = tui_now_ms() + SETTLE_MS;
	tui_mark(t, PANE_APPT);
}

void
tui_reload(struct tui *t)
{
	const struct appointment *a = tui_appt(t);

	free(t->keep_sel_id);
	t->keep_sel_id = a != NULL ? xstrdup(a->id) : NULL;
	forget_clients(t);
	freshness_finish(t, &t->appt_f);
	appt_list_finish(&t->appts);
	t->appt_f.state = LOAD_PENDING;
	t->appt_f.stale = false;
	t->appt_gen = ++t->gen;
	tui_clear_error(t);
	tui_mark_all(t);
}

/* ---- the day's appointments ---- */

static bool
same_str(const char *a, const char *b)
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

		if (!same_str(x->id, y->id) || !same_str(x->status, y->status) ||
		    x->start != y->start || x->end != y->end ||
		    !same_str(x->patient_id, y->patient_id) ||
		    !same_str(x->patient_name, y->patient_name) ||
		    !same_str(x->practitioner_name, y->practitioner_name))
			return false;
	}
	return true;
}

bool
tui_under_way(const struct appointment *a, time_t now)
{
	return a->start != 0 && a->end != 0 && a->start <= now && now < a->end;
}

/* The row a list opens on: the first session under way now (the row marked
 * ▸), else the first row. */
static size_t
opening_row(const struct tui *t)
{
	time_t now = clock_now();

	for (size_t i = 0; i < t->appts.n; i++) {
		if (tui_under_way(&t->appts.v[i], now))
			return i;
	}
	return 0;
}

/* Selects the appointment with the id if it is still there, else the row the
 * list opens on. The notes and chat follow at once: the marked row and the
 * client they show are never two. */
static void
reselect(struct tui *t, const char *id)
{
	t->settle_at = 0;
	t->sel = t->shown = opening_row(t);
	for (size_t i = 0; id != NULL && i < t->appts.n; i++) {
		if (t->appts.v[i].id != NULL && strcmp(t->appts.v[i].id, id) == 0) {
			t->sel = t->shown = i;
			return;
		}
	}
}

static void
fetch_failed(struct tui *t, struct freshness *f, const struct error *err)
{
	if (f->state == LOAD_OK) {
		/* Keep what is on screen; the pane says how old it is. */
		f->stale = true;
	} else {
		f->state = LOAD_FAILED;
		free(f->err);
		f->err = clean(err->msg);
	}
	tui_set_error(t, err->msg);
}

static void
appts_done(cJSON *all, const struct error *err, void *arg)
{
	struct tui *t = arg;
	struct appt_list fresh;
	struct error perr;
	char *keep;

	t->appt_f.fs = NULL;
	error_clear(&perr);
	if (all == NULL || !appt_list_from_resources(all, &fresh, &perr)) {
		cJSON_Delete(all);
		fetch_failed(t, &t->appt_f, all == NULL ? err : &perr);
		tui_mark(t, PANE_APPT);
		return;
	}
	cJSON_Delete(all);
	t->appt_f.at = time(NULL);
	if (t->appt_f.stale)
		tui_mark(t, PANE_APPT);
	t->appt_f.stale = false;
	if (t->appt_f.state == LOAD_OK && appts_equal(&t->appts, &fresh)) {
		/* Nothing changed: nothing is drawn, not a byte. What is selected
		 * stays, and a later answer must not select the old one again. */
		appt_list_finish(&fresh);
		free(t->keep_sel_id);
		t->keep_sel_id = NULL;
		return;
	}
	keep = t->keep_sel_id != NULL ? t->keep_sel_id
	       : (tui_appt(t) != NULL ? xstrdup(tui_appt(t)->id) : NULL);
	t->keep_sel_id = NULL;
	appt_list_finish(&t->appts);
	t->appts = fresh;
	t->appt_f.state = LOAD_OK;
	reselect(t, keep);
	free(keep);
	t->appt_gen = ++t->gen;
	tui_mark_all(t);
}

/* The list as the local cache has it, at once, until the server answers. */
static void
paint_from_cache(struct tui *t, const struct appt_query *q)
{
	cJSON *all = cache_appointments(t->s->store, q->from, q->to, q->practitioner);
	struct appt_list cached;
	struct error err;

	error_clear(&err);
	if (all != NULL && cJSON_GetArraySize(all) > 0 && appt_list_from_resources(all, &cached, &err)) {
		appt_list_finish(&t->appts);
		t->appts = cached;
		t->appt_f.state = LOAD_OK;
		t->appt_f.stale = true;   /* "from the cache" until the server answers */
		t->appt_f.at = 0;
		reselect(t, t->keep_sel_id);
		t->appt_gen = ++t->gen;
		tui_mark_all(t);
	}
	cJSON_Delete(all);
}

/* start_with = auto: whether "me" has a schedule of their own, as the store
 * remembers it from the last start ("yes\nID" or "no\nID"): 1 yes, 0 no, -1
 * not known. */
#define SCHEDULE_TYPE "ui"
#define SCHEDULE_ID "schedule-of-me"

static int
remembered_schedule(struct tui *t, const char *me)
{
	struct error err;
	void *data;
	size_t len;
	char *text, *nl;
	int r = -1;

	error_clear(&err);
	if (t->s->store == NULL || !store_get(t->s->store, SCHEDULE_TYPE, SCHEDULE_ID, &data, &len, NULL, &err))
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
whose(struct tui *t, bool mine)
{
	if (!t->whose_auto || mine == !t->everyone)
		return;
	t->everyone = !mine;
	t->practitioner = mine ? t->schedule_me : NULL;
	tui_reload(t);
}

static void
schedule_done(cJSON *all, const struct error *err, void *arg)
{
	struct tui *t = arg;
	struct store_rec r = { .type = SCHEDULE_TYPE, .id = SCHEDULE_ID, .version = "" };
	bool has = cJSON_GetArraySize(all) > 0;
	char *rec;
	struct error serr;

	t->schedule_fs = NULL;
	if (all == NULL) {
		(void)err;  /* not known: the view stays as it is */
		return;
	}
	cJSON_Delete(all);
	rec = xasprintf("%s\n%s", has ? "yes" : "no", t->schedule_me);
	r.data = rec;
	r.len = strlen(rec);
	error_clear(&serr);
	if (t->s->store != NULL)
		store_put(t->s->store, &r, &serr);
	free(rec);
	whose(t, has);
}

/* "Mine" for someone with no schedule of their own is an empty day: a front
 * desk works on everyone's. The store remembers the answer, so the next start
 * paints the right day at once; it is asked again at every start. */
static void
choose_whose(struct tui *t)
{
	struct error err;
	const char *me;
	char *ref, *e, *path;

	error_clear(&err);
	me = session_practitioner(t->s, NULL, &err);
	t->practitioner = me;
	t->everyone = me == NULL;
	if (me == NULL || !t->start_auto)
		return;
	t->start_auto = false;
	t->whose_auto = true;
	free(t->schedule_me);
	t->schedule_me = xstrdup(me);
	t->practitioner = t->schedule_me;
	if (remembered_schedule(t, me) == 0) {
		t->everyone = true;
		t->practitioner = NULL;
	}
	if (t->s->offline)
		return;
	ref = xasprintf("Practitioner/%s", me);
	e = http_escape(ref);
	path = xasprintf("Schedule?actor=%s&_count=1&_elements=id", e);
	t->schedule_fs = fhir_search_start(t->s, path, 1, schedule_done, t, &err);
	free(ref);
	free(e);
	free(path);
}

static void
start_appts(struct tui *t)
{
	struct appt_query q = { .from = tui_first_day(t), .to = date_add_days(tui_first_day(t), t->week ? 6 : 0) };
	struct error err;
	char *path;

	error_clear(&err);
	q.status = t->status_filter;
	if (t->practitioner == NULL && !t->everyone)
		choose_whose(t);  /* mine when ezrizi knows who I am and I have a schedule */
	q.practitioner = t->practitioner;
	if (t->appt_f.state == LOAD_PENDING && t->s->store != NULL)
		paint_from_cache(t, &q);
	path = appt_query_path(&q);
	t->appt_f.fs = fhir_search_start(t->s, path, APPT_QUERY_MAX, appts_done, t, &err);
	free(path);
	if (t->appt_f.fs == NULL) {
		fetch_failed(t, &t->appt_f, &err);
		tui_mark(t, PANE_APPT);
		return;
	}
	if (t->appt_f.state == LOAD_PENDING)
		t->appt_f.state = LOAD_RUNNING;
}

/* ---- a client's notes and chat ---- */

static bool
notes_equal(const struct note_list *a, const struct note_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		if (!same_str(a->v[i].id, b->v[i].id) || a->v[i].date != b->v[i].date ||
		    !same_str(a->v[i].doc_status, b->v[i].doc_status) ||
		    !same_str(a->v[i].text, b->v[i].text))
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
		fetch_failed(c->t, &c->notes_f, all == NULL ? err : &perr);
	} else {
		bool same = c->notes_f.state == LOAD_OK && notes_equal(&c->notes, &fresh) &&
			    !c->notes_f.stale;

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
	c->gen = ++c->t->gen;
	tui_mark(c->t, PANE_NOTES);
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
		fetch_failed(c->t, &c->chat_f, all == NULL ? err : &perr);
	} else {
		changed = merge_messages(&c->chat, &fresh) || c->chat_f.state != LOAD_OK ||
			  c->chat_f.stale;
		c->chat_f.state = LOAD_OK;
		c->chat_f.stale = false;
		c->chat_f.at = time(NULL);
	}
	cJSON_Delete(all);
	if (changed) {
		c->gen = ++c->t->gen;
		tui_mark(c->t, PANE_CHAT);
	}
	/* What has come may be what was unread, now on screen. */
	if (c == tui_client(c->t) && !tui_locked(c->t))
		tui_mark_read(c->t, c);
}

static void
start_search(struct client *c, struct freshness *f, char *path, size_t max, fhir_search_fn done)
{
	struct error err;

	error_clear(&err);
	f->fs = fhir_search_start(c->t->s, path, max, done, c, &err);
	free(path);
	if (f->fs == NULL) {
		fetch_failed(c->t, f, &err);
		c->gen = ++c->t->gen;
		return;
	}
	if (f->state == LOAD_PENDING)
		f->state = LOAD_RUNNING;
}

static void
notes_from_cache(struct client *c)
{
	cJSON *all = cache_notes(c->t->s->store, c->patient_id);
	struct error err;

	error_clear(&err);
	if (cJSON_GetArraySize(all) > 0 && notes_from_resources(all, NOTES_MAX, &c->notes, &err)) {
		c->notes_f.state = LOAD_OK;
		c->notes_f.stale = true;
		c->notes_f.at = 0;
		c->gen = ++c->t->gen;
	}
	cJSON_Delete(all);
}

static void
chat_from_cache(struct client *c)
{
	cJSON *all = cache_chat(c->t->s->store, c->patient_id);
	struct error err;

	error_clear(&err);
	if (cJSON_GetArraySize(all) > 0 && chat_from_resources(all, &c->chat, &err)) {
		c->chat_f.state = LOAD_OK;
		c->chat_f.stale = true;
		c->chat_f.at = 0;
		c->gen = ++c->t->gen;
	}
	cJSON_Delete(all);
}

void
tui_start_work(struct tui *t)
{
	struct client *c;

	if (t->appt_f.state == LOAD_PENDING && t->appt_f.fs == NULL)
		start_appts(t);
	if ((c = tui_client(t)) == NULL)
		return;
	if (c->chat_f.state == LOAD_OK && !tui_locked(t))
		tui_mark_read(t, c);
	if (c->notes_f.state == LOAD_PENDING && c->notes_f.fs == NULL) {
		if (t->s->store != NULL && c->notes.n == 0)
			notes_from_cache(c);
		start_search(c, &c->notes_f, notes_query_path(c->patient_id, NOTES_MAX), NOTES_MAX,
			     notes_done);
	}
	if (c->chat_f.state == LOAD_PENDING && c->chat_f.fs == NULL) {
		if (t->s->store != NULL && c->chat.n == 0)
			chat_from_cache(c);
		start_search(c, &c->chat_f, chat_query_path(c->patient_id, 0), CHAT_QUERY_MAX,
			     chat_done);
	}
}

static void start_inbox(struct tui *t);

/* Looking again at the list: first only whether any of the appointments it
 * could hold changed since the last fetch (one id at most comes back); only
 * then the day again. An appointment moved to another day counts too. */
static void
appts_check_done(cJSON *all, const struct error *err, void *arg)
{
	struct tui *t = arg;

	t->appt_f.fs = NULL;
	if (all == NULL) {
		fetch_failed(t, &t->appt_f, err);
		tui_mark(t, PANE_APPT);
		return;
	}
	if (cJSON_GetArraySize(all) > 0) {
		start_appts(t);
	} else {
		if (t->appt_f.stale)
			tui_mark(t, PANE_APPT);
		t->appt_f.stale = false;
		t->appt_f.at = time(NULL);
	}
	cJSON_Delete(all);
}

static void
start_appts_check(struct tui *t)
{
	char when[21], *gt, *egt, *path, *ref = NULL, *eref = NULL;
	struct error err;

	error_clear(&err);
	instant_format_utc(t->appt_f.at - CLOCK_SKEW, when);
	gt = xasprintf("gt%s", when);
	egt = http_escape(gt);
	if (t->practitioner != NULL) {
		ref = xasprintf("Practitioner/%s", t->practitioner);
		eref = http_escape(ref);
	}
	path = xasprintf("Appointment?_lastUpdated=%s&_elements=id&_count=1%s%s", egt,
			 eref != NULL ? "&practitioner=" : "", eref != NULL ? eref : "");
	t->appt_f.fs = fhir_search_start(t->s, path, 1, appts_check_done, t, &err);
	if (t->appt_f.fs == NULL)
		fetch_failed(t, &t->appt_f, &err);
	free(gt);
	free(egt);
	free(ref);
	free(eref);
	free(path);
}

/* Looking again at notes: only whether any changed since the last fetch. */
static void
notes_check_done(cJSON *all, const struct error *err, void *arg)
{
	struct client *c = arg;

	c->notes_f.fs = NULL;
	if (all == NULL) {
		fetch_failed(c->t, &c->notes_f, err);
		tui_mark(c->t, PANE_NOTES);
		return;
	}
	if (cJSON_GetArraySize(all) > 0) {
		c->notes_f.state = LOAD_PENDING;  /* something changed: fetch them again */
	} else {
		if (c->notes_f.stale)
			tui_mark(c->t, PANE_NOTES);
		c->notes_f.stale = false;
		c->notes_f.at = time(NULL);
	}
	cJSON_Delete(all);
}

static char *
notes_check_path(const struct client *c)
{
	char *ref = xasprintf("Patient/%s", c->patient_id), *eref = http_escape(ref);
	char when[21], *gt, *egt, *path;

	instant_format_utc(c->notes_f.at - CLOCK_SKEW, when);
	gt = xasprintf("gt%s", when);
	egt = http_escape(gt);
	path = xasprintf("DocumentReference?subject=%s&_lastUpdated=%s&_elements=id&_count=1", eref, egt);
	free(ref);
	free(eref);
	free(gt);
	free(egt);
	return path;
}

void
tui_poll(struct tui *t)
{
	struct client *c = tui_client(t);

	t->next_poll = tui_now_ms() + (long long)t->poll_interval * 1000;
	start_inbox(t);
	if (t->appt_f.state == LOAD_OK && t->appt_f.fs == NULL)
		start_appts_check(t);
	if (c != NULL && c->chat_f.state == LOAD_OK && c->chat_f.fs == NULL) {
		/* Only what was sent since the newest message on screen. */
		time_t since = c->chat.n > 0 ? c->chat.v[c->chat.n - 1].sent : 0;

		start_search(c, &c->chat_f, chat_query_path(c->patient_id, since), CHAT_QUERY_MAX,
			     chat_done);
	}
	if (c != NULL && c->notes_f.state == LOAD_OK && c->notes_f.fs == NULL)
		start_search(c, &c->notes_f, notes_check_path(c), 1, notes_check_done);
}

int
tui_ms_to_poll(const struct tui *t)
{
	long long d = t->next_poll - tui_now_ms();

	return d < 0 ? 0 : (d > 3600000 ? 3600000 : (int)d);
}

char *
tui_freshness_note(const struct tui *t, const struct freshness *f)
{
	char hm[32];

	if (f->state != LOAD_OK)
		return NULL;
	if (f->at == 0)
		/* TRANSLATORS: a pane shows what the local cache had, until the server answers. */
		return f->stale ? xstrdup(_("from the cache")) : NULL;
	if (!f->stale && time(NULL) - f->at < 2 * (time_t)t->poll_interval + 5)
		return NULL;
	lf_time(f->at, hm, sizeof hm);
	/* TRANSLATORS: a pane's data is not fresh; %s is the time it was fetched. */
	return xasprintf(_("as of %s"), hm);
}

char *
pane_fresh_note(struct tui *t, int pane)
{
	struct client *c;

	if (pane == PANE_APPT)
		return tui_freshness_note(t, &t->appt_f);
	if ((c = tui_client(t)) == NULL)
		return NULL;
	return tui_freshness_note(t, pane == PANE_CHAT ? &c->chat_f : &c->notes_f);
}

/* ---- unread messages ---- */

static struct unread *
unread_of(const struct tui *t, const char *patient_id)
{
	for (size_t i = 0; patient_id != NULL && i < t->n_unread; i++) {
		if (strcmp(t->unread[i].patient_id, patient_id) == 0)
			return &t->unread[i];
	}
	return NULL;
}

int
tui_unread(const struct tui *t, const char *patient_id)
{
	const struct unread *u = unread_of(t, patient_id);

	return u != NULL ? u->n : 0;
}

void
tui_mark_read(struct tui *t, struct client *c)
{
	struct unread *u = unread_of(t, c->patient_id);
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
	c->gen = ++t->gen;
	tui_mark(t, PANE_APPT);
	tui_mark(t, PANE_CHAT);
}

/* Is this client's chat on the screen now? */
static bool
chat_on_screen(struct tui *t, const char *patient_id)
{
	struct client *c = tui_locked(t) ? NULL : tui_client(t);

	return c != NULL && strcmp(c->patient_id, patient_id) == 0;
}

static void
inbox_done(cJSON *all, const struct error *err, void *arg)
{
	struct tui *t = arg;
	const cJSON *res;
	bool ring = false;

	t->inbox_fs = NULL;
	(void)err;  /* the next look tries again; the panes report errors */
	cJSON_ArrayForEach(res, all) {
		struct message m;
		struct error perr;
		struct unread *u;

		error_clear(&perr);
		if (!message_from_json(res, &m, &perr))
			continue;
		if (m.sent > t->inbox_since)
			t->inbox_since = m.sent;
		if (m.text != NULL && m.patient_id != NULL && m.sender_ref != NULL &&
		    strncmp(m.sender_ref, "Patient/", 8) == 0 && !chat_on_screen(t, m.patient_id)) {
			if ((u = unread_of(t, m.patient_id)) == NULL) {
				t->unread = xreallocarray(t->unread, t->n_unread + 1, sizeof *t->unread);
				u = &t->unread[t->n_unread++];
				u->patient_id = xstrdup(m.patient_id);
				u->n = 0;
			}
			if (u->n == 0)
				u->since = m.sent - 1;
			if (u->n == 0 || m.sent > u->latest)
				u->latest = m.sent;
			u->n++;
			ring = true;
			tui_mark(t, PANE_APPT);
		}
		message_finish(&m);
	}
	cJSON_Delete(all);
	if (ring && t->bell)
		beep();
}

/* Messages to me from any client since the last look. */
static void
start_inbox(struct tui *t)
{
	struct error err;
	const char *me;
	char since[21], *ref, *eref, *ge, *ege, *path;

	error_clear(&err);
	if (t->inbox_fs != NULL || (me = session_practitioner(t->s, NULL, &err)) == NULL)
		return;
	instant_format_utc(t->inbox_since, since);
	ref = xasprintf("Practitioner/%s", me);
	ge = xasprintf("gt%s", since);
	eref = http_escape(ref);
	ege = http_escape(ge);
	path = xasprintf("Communication?recipient=%s&sent=%s&_count=100"
			 "&_elements=subject,sender,sent,partOf,payload", eref, ege);
	t->inbox_fs = fhir_search_start(t->s, path, 500, inbox_done, t, &err);
	free(ref);
	free(ge);
	free(eref);
	free(ege);
	free(path);
}
