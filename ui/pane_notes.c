/* pane_notes.c - the right top pane: the selected client's session notes,
 * newest first, under a line a client's instrument has (its trend, its latest
 * score and band). The newest note shows a header and its text wrapped to the
 * pane; the older ones show their header only. */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "ui/bidi.h"
#include "ui/localfmt.h"
#include "ui/pane.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "core/notes.h"
#include "core/scores.h"

/* s with its spaces no-break spaces (new string): a field of the header that
 * a wrap moves to the next line whole ("Follow-up session", a name). */
static char *
unbroken(const char *s)
{
	struct buf b;

	buf_init(&b);
	for (; *s != '\0'; s++) {
		if (*s == ' ')
			buf_adds(&b, "\u00A0");
		else
			buf_addc(&b, *s);
	}
	return buf_steal(&b);
}

/* What the header says of a note's signature: "draft", "signed", "signed,
 * awaits co-signature", "co-signed", or that it changed after signing. */
static const char *
note_sign_label(const struct note *n)
{
	/* TRANSLATORS: a signed note whose text is not what was signed. */
	if (n->tampered)
		return _("CHANGED AFTER SIGNING");
	/* TRANSLATORS: a trainee's signed note, waiting for the supervisor. */
	if (note_awaits_cosign(n))
		return _("signed, awaits co-signature");
	/* TRANSLATORS: a trainee's note the supervisor co-signed. */
	if (n->cosigned_at != 0)
		return _("co-signed");
	return note_status_label(n->doc_status);
}

/* "2026-11-20 14:00  progress  signed  Amina Haddad", sanitised; it wraps
 * between its fields only. */
static char *
note_header(const struct note *n)
{
	char when[96] = "";
	char *author = sanitize_display(n->author_name != NULL ? n->author_name : "", (size_t)-1, 0);
	char *iso, *out, *w, *kind, *status, *name;

	if (n->date != 0)
		lf_day_time(n->date, when, sizeof when);
	w = xstrdup(when);   /* a date and a time: narrower than any pane */
	kind = unbroken(n->appends_id != NULL ? _("addendum") : note_kind_label(n->kind));
	status = unbroken(note_sign_label(n));
	name = unbroken(author);
	/* The author's name is isolated: it keeps its own direction in the line. */
	iso = bidi_isolate(name);
	out = xasprintf("%s  %s  %s  %s", w, kind, status, iso);
	free(author);
	free(iso);
	free(w);
	free(kind);
	free(status);
	free(name);
	return out;
}

/* At most this many of an instrument's latest scores in its sparkline. */
#define TREND_MAX 12

/* "PHQ-9 ▃▅▇ 16 moderately severe": the instrument, the sparkline of its
 * latest scores (as many as leave the band some room), the latest score (none
 * for the C-SSRS, whose band is its level) and band. The band is the server's
 * text: sanitised. In a right-to-left UI the line mirrors, the oldest score
 * nearest the name; the name is isolated, so "PHQ-9" stays whole. */
static char *
trend_line(const struct score_list *sl, const struct instrument *in, int width)
{
	int values[TREND_MAX], room, k = 0;
	const struct score *last = NULL;
	char num[16] = "", *spark, *band, *name, *line, *out;

	for (size_t i = sl->n; i-- > 0 && last == NULL;) {
		if (sl->v[i].in == in)
			last = &sl->v[i];
	}
	if (last == NULL)
		return NULL;
	if (last->score >= 0)
		snprintf(num, sizeof num, " %d", last->score);
	/* The name, the spaces and the score first; eight columns of band. */
	room = width - display_width(in->name) - 2 - (int)strlen(num) - 8;
	room = room < 1 ? 1 : room > TREND_MAX ? TREND_MAX : room;
	/* The latest `room`, in date order. */
	for (size_t i = sl->n; i-- > 0 && k < room;) {
		if (sl->v[i].in == in)
			values[room - 1 - k++] = score_level(&sl->v[i]);
	}
	spark = scores_sparkline(values + room - k, (size_t)k, instrument_max_score(in), ui_utf8());
	band = sanitize_display(score_band_label(last), (size_t)-1, 0);
	/* An isolate is a control a terminal without UTF-8 would show. */
	name = ui_utf8() ? bidi_isolate(in->name) : xstrdup(in->name);
	{
		/* The score in the screen's digits (Arabic-Indic on the Arabic
		 * screen); the band is the server's and keeps its own. */
		char *lnum = lf_digits(num);

		line = xasprintf("%s %s%s %s", name, spark, lnum, band);
		free(lnum);
	}
	out = ui_ours(line);
	free(spark);
	free(band);
	free(name);
	free(line);
	return out;
}

/* A line for each instrument the client has, in help's order. */
static void
trend_lines(struct tlines *l, const struct client *c, int width)
{
	size_t n;
	const struct instrument *const *all = instrument_all(&n);

	if (c->scores_f.state != LOAD_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		char *line = trend_line(&c->scores, all[i], width);

		if (line != NULL)
			tlines_add(l, line, A_NORMAL);
		free(line);
	}
}

static void
build(struct tlines *l, struct model *m, int width)
{
	struct client *c = model_client(m);

	tlines_clear(l);
	if (c != NULL && !m->front_desk)   /* scores are clinical: not a front desk's */
		trend_lines(l, c, width);
	if (client_pane_placeholder(l, m, false, width))
		return;
	if (c->notes.n == 0) {
		tlines_wrap(l, _("No notes for this client yet."), width, 0, A_DIM, 0);
		return;
	}
	for (size_t i = 0; i < c->notes.n; i++) {
		const struct note *n = &c->notes.v[i];
		char *head = note_header(n);
		/* The newest note's addenda follow it, in full, oldest first. */
		bool chain = i > 0 && n->appends_id != NULL && strcmp(n->appends_id, c->notes.v[0].id) == 0;

		if (i == 0 || chain) {
			char *clean, *text;
			size_t from;

			tlines_wrap(l, head, width, 2, A_NORMAL, strlen(head));
			/* TRANSLATORS: a note whose content is not text (e.g. a PDF). */
			clean = sanitize_display(n->text != NULL ? n->text : _("(no text)"),
						 (size_t)-1, SAN_KEEP_NEWLINES);
			/* Each paragraph in its own direction, the indent ours. */
			text = bidi_isolate_text(clean, (enum bidi_dir)ui_direction());
			free(clean);
			from = l->n;
			tlines_wrap(l, text, width - 2, 0, A_NORMAL, 0);
			for (size_t k = from; k < l->n; k++) {  /* under its header */
				char *ind = xasprintf("  %s", l->v[k].text);

				free(l->v[k].text);
				l->v[k].text = ind;
			}
			free(text);
			if (c->notes.n > i + 1 && !(c->notes.v[i + 1].appends_id != NULL &&
						   strcmp(c->notes.v[i + 1].appends_id, c->notes.v[0].id) == 0)) {
				tlines_add(l, "", A_NORMAL);
				/* TRANSLATORS: a separator above the older notes' headers. */
				tlines_add(l, _("Earlier notes:"), A_DIM);
			}
		} else {
			tlines_add(l, head, A_NORMAL);
		}
		free(head);
	}
}

static void
notes_init(struct pane *p)
{
	struct text_view *v = xcalloc(1, sizeof *v);

	text_view_init(v);
	p->data = v;
}

static void
notes_destroy(struct pane *p)
{
	if (p->data != NULL)
		text_view_finish(p->data);
	free(p->data);
	p->data = NULL;
}

static void
notes_resize(struct pane *p)
{
	(void)p;  /* the lines are rebuilt for the new width at the next draw */
}

/* The generation the pane shows: the client's, or the list's when there is no
 * client to show. */
static unsigned
shown_gen(struct model *m)
{
	struct client *c = model_client(m);

	return c != NULL ? c->gen : m->appt_gen;
}

static void
notes_draw(struct pane *p)
{
	struct text_view *v = p->data;
	struct model *m = p->m;
	const struct appointment *a = model_shown_appt(m);
	unsigned gen = shown_gen(m);
	int w = pane_inner_w(p);
	const char *pid = a != NULL ? a->patient_id : NULL;
	int top = pane_flag_banner_rows(p, pid);

	if (text_view_stale(v, gen, w)) {
		build(&v->lines, m, w);
		text_view_built(v, gen, w, pane_inner_h(p) - top, false);
	}
	/* TRANSLATORS: the notes pane's title; %s is the client's name. */
	text_view_frame(v, p, _("Notes: %s"), _("Notes"), a != NULL ? a->patient_name : NULL);
	(void)pane_flag_banner(p, pid);
	text_view_draw(v, p, top);
}

const struct pane_ops pane_notes_ops = {
	.init = notes_init,
	.destroy = notes_destroy,
	.resize = notes_resize,
	.draw = notes_draw,
	.key = text_view_key,
};
