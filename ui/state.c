/* state.c - the model behind the screen and the fetches that fill it. */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/state.h"

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
	t->day = date_today();
	t->appt_state = LOAD_PENDING;
	t->title_dirty = t->status_dirty = true;
}

static void
client_destroy(struct client *c)
{
	if (c == NULL)
		return;
	free(c->patient_id);
	note_list_finish(&c->notes);
	message_list_finish(&c->chat);
	free(c->notes_err);
	free(c->chat_err);
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
	appt_list_finish(&t->appts);
	free(t->appt_err);
	free(t->keep_sel_id);
	free(t->status_err);
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
tui_clear_error(struct tui *t)
{
	if (t->status_err == NULL)
		return;
	free(t->status_err);
	t->status_err = NULL;
	t->status_dirty = true;
}

const struct appointment *
tui_appt(const struct tui *t)
{
	if (t->appt_state != LOAD_OK || t->sel >= t->appts.n)
		return NULL;
	return &t->appts.v[t->sel];
}

struct client *
tui_client(struct tui *t)
{
	const struct appointment *a = tui_appt(t);
	struct client *c;

	if (a == NULL || a->patient_id == NULL)
		return NULL;
	for (size_t i = 0; i < t->n_clients; i++)
		if (strcmp(t->clients[i]->patient_id, a->patient_id) == 0)
			return t->clients[i];
	c = xcalloc(1, sizeof *c);
	c->patient_id = xstrdup(a->patient_id);
	c->notes_state = c->chat_state = LOAD_PENDING;
	c->gen = ++t->gen;
	t->clients = xreallocarray(t->clients, t->n_clients + 1, sizeof *t->clients);
	t->clients[t->n_clients++] = c;
	return c;
}

void
tui_select(struct tui *t, size_t i)
{
	if (t->appt_state != LOAD_OK || i >= t->appts.n || i == t->sel)
		return;
	t->sel = i;
	t->appt_gen = ++t->gen;
	tui_mark(t, PANE_APPT);
	tui_mark(t, PANE_NOTES);
	tui_mark(t, PANE_CHAT);
}

void
tui_reload(struct tui *t)
{
	const struct appointment *a = tui_appt(t);

	free(t->keep_sel_id);
	t->keep_sel_id = a != NULL ? xstrdup(a->id) : NULL;
	forget_clients(t);
	appt_list_finish(&t->appts);
	free(t->appt_err);
	t->appt_err = NULL;
	t->appt_state = LOAD_PENDING;
	t->day = date_today();
	t->appt_gen = ++t->gen;
	tui_clear_error(t);
	tui_mark_all(t);
}

bool
tui_has_work(struct tui *t)
{
	struct client *c;

	if (t->appt_state == LOAD_PENDING)
		return true;
	c = tui_client(t);
	return c != NULL && (c->notes_state == LOAD_PENDING || c->chat_state == LOAD_PENDING);
}

static void
load_appointments(struct tui *t)
{
	struct appt_query q = { .from = t->day, .to = t->day };
	struct error err;

	error_clear(&err);
	if (t->practitioner == NULL && !t->everyone) {
		/* Mine when ezrizi knows who I am, else everyone's. */
		t->practitioner = session_practitioner(t->s, NULL, &err);
		t->everyone = t->practitioner == NULL;
		error_clear(&err);
	}
	q.practitioner = t->practitioner;
	memset(&t->appts, 0, sizeof t->appts);
	t->sel = 0;
	if (!appt_query(t->s, &q, &t->appts, &err)) {
		t->appt_state = LOAD_FAILED;
		t->appt_err = clean(err.msg);
		tui_set_error(t, err.msg);
	} else {
		t->appt_state = LOAD_OK;
		for (size_t i = 0; t->keep_sel_id != NULL && i < t->appts.n; i++) {
			if (t->appts.v[i].id != NULL && strcmp(t->appts.v[i].id, t->keep_sel_id) == 0) {
				t->sel = i;
				break;
			}
		}
	}
	free(t->keep_sel_id);
	t->keep_sel_id = NULL;
	t->appt_gen = ++t->gen;
	tui_mark_all(t);
}

void
tui_do_work(struct tui *t)
{
	struct client *c;
	struct error err;

	if (t->appt_state == LOAD_PENDING) {
		load_appointments(t);
		return;
	}
	if ((c = tui_client(t)) == NULL)
		return;
	error_clear(&err);
	if (c->notes_state == LOAD_PENDING) {
		if (notes_query(t->s, c->patient_id, NOTES_MAX, &c->notes, &err)) {
			c->notes_state = LOAD_OK;
		} else {
			c->notes_state = LOAD_FAILED;
			c->notes_err = clean(err.msg);
			tui_set_error(t, err.msg);
		}
		c->gen = ++t->gen;
		tui_mark(t, PANE_NOTES);
	} else if (c->chat_state == LOAD_PENDING) {
		if (chat_query(t->s, c->patient_id, 0, &c->chat, &err)) {
			c->chat_state = LOAD_OK;
		} else {
			c->chat_state = LOAD_FAILED;
			c->chat_err = clean(err.msg);
			tui_set_error(t, err.msg);
		}
		c->gen = ++t->gen;
		tui_mark(t, PANE_CHAT);
	}
}
