/* pane_chat.c - the right bottom pane: the messages with the selected client,
 * "HH:MM sender: text" wrapped, oldest at the top, newest at the bottom, with a
 * date line where the day changes. */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "ui/bidi.h"
#include "ui/localfmt.h"
#include "ui/pane.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

/* "HH:MM Name: text": the time and the name are ours, in the UI's direction
 * (the name an isolate: an Arabic name does not pull the time across it), the
 * text is data, isolated in its own direction (an Arabic message in the English
 * screen keeps the space after the colon). Continuation lines start under the
 * name, after the time, on the side where reading starts. */
/* The mark of a client's message holding one of the clinic's risk words:
 * a word, so it shows in monochrome too; short, for a pane at 60x20. */
const char *
pane_review_mark(void)
{
	/* TRANSLATORS: marks a client's message that holds one of the clinic's
	 * risk words, for a clinician to review; keep it short (a few letters). */
	return _("[review]");
}

static void
add_message(struct tlines *l, const struct message *m, bool review, int width)
{
	char hm[32] = "--:--";
	char *raw_name = sanitize_display(m->sender_name != NULL ? m->sender_name :
					  (m->sender_ref != NULL ? m->sender_ref : "?"),
					  (size_t)-1, 0);
	char *clean = sanitize_display(m->text, (size_t)-1, SAN_KEEP_NEWLINES);
	char *text = bidi_isolate_text(clean, (enum bidi_dir)ui_direction());
	char *name = bidi_isolate(raw_name), *head, *line;

	if (m->sent != 0)
		lf_time(m->sent, hm, sizeof hm);
	if (review)
		head = xasprintf("%s %s: %s", hm, name, pane_review_mark());
	else
		head = xasprintf("%s %s:", hm, name);
	line = xasprintf("%s %s", head, text);
	tlines_wrap(l, line, width, lf_time_width() + 1, review ? ui_attr(UC_WARN) : (int)A_NORMAL,
		    strlen(head));
	free(line);
	free(head);
	free(text);
	free(clean);
	free(name);
	free(raw_name);
}

static void
build(struct tlines *l, struct model *m, int width)
{
	struct client *c = model_client(m);
	struct civil_date last = { 0, 0, 0 };

	tlines_clear(l);
	if (client_pane_reception(l, m, true, width))
		return;
	if (client_pane_placeholder(l, m, true, width))
		return;
	for (size_t i = 0; i < c->chat.n; i++) {
		const struct message *msg = &c->chat.v[i];

		if (msg->text == NULL)
			continue;  /* a thread header */
		if (c->read_mark != 0 && msg->sent > c->read_mark &&
		    (i == 0 || c->chat.v[i - 1].sent <= c->read_mark)) {
			/* TRANSLATORS: the marker before messages not read yet. */
			char *mark = xasprintf("── %s ──", _("new"));

			tlines_add(l, mark, ui_attr(UC_WARN) | A_BOLD);
			free(mark);
		}
		if (msg->sent != 0) {
			struct civil_date d = date_of(msg->sent);

			if (date_cmp(d, last) != 0) {
				char day[64], *sep;

				lf_day(d, day, sizeof day);
				sep = xasprintf("── %s ──", day);
				tlines_add(l, sep, A_DIM);
				free(sep);
				last = d;
			}
		}
		add_message(l, msg, msg->review && model_review_shown(m), width);
	}
	if (c->outgoing != NULL) {
		/* A message on its way, or one that failed: its state, and what to do. */
		char *clean = sanitize_display(c->outgoing, (size_t)-1, 0);
		char *text = bidi_isolate_text(clean, (enum bidi_dir)ui_direction());
		char *line = xasprintf("%s  %s", c->outgoing_failed
				       /* TRANSLATORS: a chat message that could not be sent. */
				       ? _("[not sent: R retries]") : _("[sending…]"), text);

		tlines_wrap(l, line, width, lf_time_width() + 1, c->outgoing_failed ? ui_attr(UC_ERROR) : (int)A_DIM, 0);
		free(line);
		free(text);
		free(clean);
	}
	if (l->n == 0)
		tlines_wrap(l, _("No messages with this client yet."), width, 0, A_DIM, 0);
}

/* The prompt to review under the flag's banner, while the client's marked
 * messages wait for the counsellor's next word to them: its lines at the
 * pane's width (none without), at most half the pane's rows. Not a flag:
 * bold, not the banner's reverse video. */
static int
review_lines(struct pane *p, struct tlines *l)
{
	size_t n = model_chat_review(p->m, model_client(p->m));
	int w = pane_inner_w(p), max = pane_inner_h(p) / 2;
	char *text;

	tlines_init(l);
	if (n == 0 || w <= 0 || max <= 0)
		return 0;
	/* TRANSLATORS: the chat pane's prompt above a client's messages that hold
	 * one of the clinic's risk words; %s is the mark those messages carry. */
	text = xasprintf(ngettext("%s A message may speak of self-harm: review it.",
				  "%s Messages may speak of self-harm: review them.", n), pane_review_mark());
	tlines_wrap(l, text, w, 0, ui_attr(UC_WARN) | A_BOLD, 0);
	free(text);
	return (int)l->n < max ? (int)l->n : max;
}

static void
chat_init(struct pane *p)
{
	struct text_view *v = xcalloc(1, sizeof *v);

	text_view_init(v);
	p->data = v;
}

static void
chat_destroy(struct pane *p)
{
	if (p->data != NULL)
		text_view_finish(p->data);
	free(p->data);
	p->data = NULL;
}

static void
chat_resize(struct pane *p)
{
	(void)p;  /* rebuilt for the new width at the next draw */
}

static void
chat_draw(struct pane *p)
{
	struct text_view *v = p->data;
	struct model *m = p->m;
	const struct appointment *a = model_shown_appt(m);
	struct client *c = model_client(m);
	unsigned gen = c != NULL ? c->gen : m->appt_gen;
	int w = pane_inner_w(p);
	const char *pid = a != NULL ? a->patient_id : NULL;
	int top = pane_flag_banner_rows(p, pid);
	struct tlines review;
	int rrows = review_lines(p, &review);

	if (text_view_stale(v, gen, w)) {
		build(&v->lines, m, w);
		text_view_built(v, gen, w, pane_inner_h(p) - top - rrows, true);
	}
	/* TRANSLATORS: the chat pane's title; %s is the client's name. */
	text_view_frame(v, p, _("Chat: %s"), _("Chat"), a != NULL ? a->patient_name : NULL);
	(void)pane_flag_banner(p, pid);
	for (int i = 0; i < rrows; i++)
		tlines_draw(&review, (size_t)i, p->win, PANE_TOP + top + i, PANE_LEFT, w, 0);
	tlines_finish(&review);
	text_view_draw(v, p, top + rrows);
}

const struct pane_ops pane_chat_ops = {
	.init = chat_init,
	.destroy = chat_destroy,
	.resize = chat_resize,
	.draw = chat_draw,
	.key = text_view_key,
};
