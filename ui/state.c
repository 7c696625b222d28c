/* state.c - the screen's own state around the model (ui/model.h): the
 * status line's message, and what the model tells it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "core/worklist.h"
#include "ui/state.h"

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

/* ---- what the model tells the screen ---- */

static void
view_changed(void *arg, enum model_part part)
{
	struct tui *t = arg;

	switch (part) {
	case MODEL_APPTS:
		tui_mark(t, PANE_APPT);
		break;
	case MODEL_NOTES:
		tui_mark(t, PANE_NOTES);
		break;
	case MODEL_CHAT:
		tui_mark(t, PANE_CHAT);
		break;
	case MODEL_ALL:
		tui_mark_all(t);
		break;
	}
}

static void
view_error(void *arg, const char *msg)
{
	tui_set_error(arg, msg);
}

static void
view_reloaded(void *arg)
{
	tui_clear_error(arg);
}

static void
view_ring(void *arg)
{
	struct tui *t = arg;

	if (t->bell)
		beep();
}

/* An escalation: heard even with the bell off. */
static void
view_alarm(void *arg)
{
	(void)arg;
	beep();
}

static bool
view_hidden(void *arg)
{
	return tui_locked(arg);
}

static const struct model_view screen_view = {
	.changed = view_changed,
	.error = view_error,
	.reloaded = view_reloaded,
	.ring = view_ring,
	.alarm = view_alarm,
	.hidden = view_hidden,
};

void
tui_state_init(struct tui *t, struct cmd_ctx *ctx, struct session *s)
{
	const char *bell = config_get(ctx->cfg, "bell");
	char *host;
	const char *user;

	memset(t, 0, sizeof *t);
	t->ctx = ctx;
	t->s = s;
	model_init(&t->m, s, ctx->cfg, &screen_view, t);
	t->worklist_n = -1;
	t->worklist_limit = worklist_draft_limit(ctx->cfg);
	host = url_host(s->base);
	t->host = clean(host);
	free(host);
	user = s->login_user != NULL ? s->login_user : config_get(ctx->cfg, "username");
	/* TRANSLATORS: shown in the title bar when we do not know the user name. */
	t->user = clean(user != NULL ? user : _("not logged in"));
	t->bell = bell != NULL && strcmp(bell, "on") == 0;
	for (int i = 0; i < PANE_COUNT; i++) {
		static const enum model_part part_of[PANE_COUNT] = {
			[PANE_APPT] = MODEL_APPTS, [PANE_NOTES] = MODEL_NOTES, [PANE_CHAT] = MODEL_CHAT,
		};

		t->panes[i].m = &t->m;
		t->panes[i].part = part_of[i];
	}
	t->title_dirty = t->status_dirty = true;
	if (s->warning != NULL)
		tui_set_message(t, s->warning);  /* plain http: said at every start */
}

void
tui_state_finish(struct tui *t)
{
	model_finish(&t->m);
	slot_list_finish(&t->picker_slots);
	free(t->picker_appt_id);
	free(t->picker_patient_id);
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
	if (t->plan_draft != NULL)
		sodium_memzero(t->plan_draft, strlen(t->plan_draft));
	free(t->plan_draft);
	free(t->plan_draft_patient);
	free(t->plan_draft_version);
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

