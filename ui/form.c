/* form.c - giving an instrument on the screen (ui/form.h): one item at a
 * time over the panes, a digit answers it and goes on, a summary with the
 * score before it is saved, and then 'assess' as a job, which scores and
 * saves it (and raises the flag) exactly as in batch.
 *
 * ezrizi ships no item wording (instrument.h): the form names each item by
 * its number and LOINC code, for a counsellor entering a paper form or
 * reading the client's own copy, and says so. The answers' meanings shown
 * are LOINC's answer list for the PHQ-9 and GAD-7 (FHIR-NOTES.md), ezrizi's
 * own encoding for the C-SSRS, and the bare scale for the WHO-5. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "core/assess.h"
#include "core/cache.h"
#include "core/cmd.h"
#include "core/fhir.h"
#include "core/i18n.h"
#include "core/instrument.h"
#include "core/model.h"
#include "core/questionnaire.h"
#include "core/sanitize.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/commands.h"
#include "ui/form.h"
#include "ui/localfmt.h"
#include "ui/loop.h"
#include "ui/mode.h"
#include "ui/pane.h"
#include "ui/state.h"
#include "ui/view.h"

static void form_free(struct tui *t);

struct ui_form {
	struct tui *t;
	const struct instrument *in;   /* a known instrument, or NULL: a form of the server's */
	char *ref;                     /* what the server's copy is searched by */
	struct questionnaire q;
	struct qn_answer *ans;         /* q.n_items of them, once loaded */
	bool loaded;
	bool server_wording;           /* a known instrument's items worded by the server */
	struct fhir_search *fs;        /* the server's copy, on its way */
	char *patient_id, *patient_name;
	char *language;                /* the client's, as the local copy has it, or NULL */
	size_t cur;                    /* the item shown (one asked), q.n_items: the summary */
};

static bool
asks(const struct qn_item *it)
{
	return it->type != QN_GROUP && it->type != QN_DISPLAY;
}

/* The next item asked after `from` (SIZE_MAX: from the start), or the summary. */
static size_t
next_asked(const struct ui_form *f, size_t from)
{
	size_t i = from == SIZE_MAX ? 0 : from + 1;

	while (i < f->q.n_items && !(asks(&f->q.items[i]) && questionnaire_enabled(&f->q, f->ans, i)))
		i++;
	return i;
}

static size_t
prev_asked(const struct ui_form *f, size_t from)
{
	for (size_t i = from; i-- > 0;) {
		if (asks(&f->q.items[i]) && questionnaire_enabled(&f->q, f->ans, i))
			return i;
	}
	return from;
}

/* The item's place among those the form asks, from 1. */
static size_t
place_of(const struct ui_form *f, size_t i)
{
	size_t n = 0;

	for (size_t k = 0; k <= i && k < f->q.n_items; k++)
		n += asks(&f->q.items[k]);
	return n;
}

void
ui_form_finish(struct tui *t)
{
	form_free(t);
}

static void
form_free(struct tui *t)
{
	struct ui_form *f = t->form;

	if (f == NULL)
		return;
	if (f->fs != NULL)
		fhir_search_cancel(t->m.s, f->fs);
	if (f->ans != NULL)
		questionnaire_answers_finish(&f->q, f->ans);
	free(f->ans);
	questionnaire_finish(&f->q);
	free(f->ref);
	free(f->patient_id);
	free(f->patient_name);
	free(f->language);
	free(f);
	t->form = NULL;
}

/* Takes the server's copy (res; NULL: none): a known instrument's wording,
 * or the form itself. False with err when the form cannot be given. */
static bool
load(struct ui_form *f, const cJSON *res, struct error *err)
{
	struct questionnaire server;
	bool have = false;

	if (f->in != NULL) {
		struct error ignored;

		/* The wording only: a server's form ezrizi cannot read whole
		 * leaves the items unworded, never wrongly scored. */
		error_clear(&ignored);
		have = res != NULL && questionnaire_from_json(res, &server, &ignored);
		if (f->loaded)
			questionnaire_finish(&f->q);
		questionnaire_of_instrument(f->in, have ? &server : NULL, &f->q);
		if (have)
			questionnaire_finish(&server);
		f->server_wording = false;
		for (size_t i = 0; i < f->q.n_items; i++)
			f->server_wording |= f->q.items[i].text != NULL;
	} else {
		struct questionnaire q;

		if (res == NULL)
			return false;
		if (!questionnaire_from_json(res, &q, err)) {
			questionnaire_finish(&q);
			return false;
		}
		if (f->loaded) {
			questionnaire_answers_finish(&f->q, f->ans);
			questionnaire_finish(&f->q);
			free(f->ans);
			f->ans = NULL;
		}
		f->q = q;
	}
	if (f->ans == NULL) {
		f->ans = xcalloc(f->q.n_items, sizeof *f->ans);
		f->cur = next_asked(f, SIZE_MAX);
	}
	f->loaded = true;
	return true;
}

static bool
answered_any(const struct ui_form *f)
{
	for (size_t i = 0; f->ans != NULL && i < f->q.n_items; i++) {
		if (f->ans[i].given)
			return true;
	}
	return false;
}

static void
fetched(cJSON *resources, const struct error *err, void *arg)
{
	struct tui *t = arg;
	struct ui_form *f = t->form;
	cJSON *res;
	struct error e2;

	f->fs = NULL;
	error_clear(&e2);
	if (resources == NULL) {
		if (!f->loaded) {
			mode_pop(&t->modes, t, &mode_form);   /* frees the form */
			tui_set_message(t, err->msg);
		}
		return;
	}
	res = questionnaire_pick(resources, f->ref, f->language);
	cJSON_Delete(resources);
	/* A form already answered stays the one its answers belong to. */
	if (res != NULL && f->in == NULL && f->loaded && answered_any(f)) {
		cJSON_Delete(res);
		return;
	}
	if ((res != NULL || f->in != NULL) && !load(f, res, &e2)) {
		mode_pop(&t->modes, t, &mode_form);
		tui_set_message(t, e2.msg);
	} else if (res == NULL && !f->loaded) {
		mode_pop(&t->modes, t, &mode_form);
		tui_set_message(t, _("The server has no such form; give one of phq9, gad7, who5, cssrs, or a form's id."));
	}
	cJSON_Delete(res);
	t->view->over_dirty = true;
}

/* The local copy now, and the server's on its way. */
static bool
start_loading(struct tui *t, struct ui_form *f, struct error *err)
{
	cJSON *res, *pat = t->m.s->store != NULL ? cache_get(t->m.s->store, "Patient", f->patient_id) : NULL;
	struct patient p;
	struct error e2;
	bool ok;
	char *q;

	/* The client's language: a platform's wording in it comes first. */
	error_clear(&e2);
	if (pat != NULL && patient_from_json(pat, &p, &e2)) {
		f->language = p.language != NULL ? xstrdup(p.language) : NULL;
		patient_finish(&p);
	}
	cJSON_Delete(pat);
	res = questionnaire_cached(t->m.s->store, f->ref, f->language);
	ok = res != NULL || f->in != NULL ? load(f, res, err) : true;

	cJSON_Delete(res);
	if (!ok)
		return false;
	if (fhir_reads_cached(t->m.s)) {
		if (!f->loaded)
			return error_set(err, ERR_NOT_FOUND, _("No form %s is in the local copy; go online once to fetch it."), f->ref);
		return true;
	}
	q = questionnaire_query(f->ref);
	f->fs = fhir_search_start(t->m.s, q, 20, fetched, t, err);
	free(q);
	return f->fs != NULL || f->loaded;
}

/* A line of ours, wrapped: it reads from where the UI's language starts,
 * whatever its first word (a key's name, "Enter", in an Arabic sentence). */
static void
add_ours(struct tlines *l, const char *s, int w, int indent, int attr)
{
	char *ours = ui_ours(s);

	tlines_wrap(l, ours, w, indent, attr, 0);
	free(ours);
}

/* The same, its digits the screen's. */
static void
add_digits(struct tlines *l, const char *s, int attr)
{
	char *local = lf_digits(s), *ours = ui_ours(local);

	tlines_add(l, ours, attr);
	free(ours);
	free(local);
}

/* Server text, sanitised, in the direction of its own first words. */
static void
add_data(struct tlines *l, const char *s, int w, int attr)
{
	char *safe = sanitize_display(s, (size_t)-1, 0), *iso = bidi_isolate_text(safe, BIDI_AUTO);
	char *ours = ui_ours(iso);

	tlines_wrap(l, ours, w, 0, attr, 0);
	free(ours);
	free(iso);
	free(safe);
}

/* What option o of item it says: its display, its text, or its code. */
static const char *
option_words(const struct qn_item *it, size_t o)
{
	const struct qn_value *v = &it->options[o].v;

	if (v->display != NULL)
		return v->display;
	if (v->kind == QV_STRING)
		return v->str;
	return v->kind == QV_CODING ? v->code : "";
}

/* A yes/no item's answers, as the form shows them (not the words typed in
 * batch, 'yes' and 'no', which stay as they are). */
static const char *
answer_yes(void)
{
	/* TRANSLATORS: a form's answer to a yes/no question. */
	return _("Yes");
}

static const char *
answer_no(void)
{
	/* TRANSLATORS: a form's answer to a yes/no question. */
	return _("No");
}

/* What an answer given says, for the summary and the typed items. */
static char *
answer_words(const struct ui_form *f, size_t i)
{
	const struct qn_item *it = &f->q.items[i];
	const struct qn_answer *a = &f->ans[i];

	if (!a->given)
		return xstrdup("-");
	if (it->type == QN_CHOICE)
		return xstrdup(option_words(it, (size_t)a->option));
	if (a->v.kind == QV_BOOLEAN)
		return xstrdup(a->v.b ? answer_yes() : answer_no());
	if (a->v.kind == QV_INTEGER)
		return xasprintf("%.0f", a->v.num);
	if (a->v.kind == QV_DECIMAL)
		return xasprintf("%g", a->v.num);
	return xstrdup(a->v.str);
}

/* A known instrument's answer meanings that are ezrizi's own words: the
 * C-SSRS's (its encoding, instrument.h). */
static const char *
own_meaning(const struct ui_form *f, size_t i, size_t v)
{
	if (f->in == NULL || f->in->rule != RULE_CSSRS || f->server_wording)
		return NULL;
	if (i == 5)
		return v == 0 ? answer_no() : v == 1 ? _("yes, more than three months ago")
					: _("yes, within the past three months");
	return v == 0 ? answer_no() : answer_yes();
}

static void
option_lines(const struct ui_form *f, struct tlines *l, int w)
{
	const struct qn_item *it = &f->q.items[f->cur];
	const struct qn_answer *a = &f->ans[f->cur];
	char *s;

	if (it->type == QN_BOOLEAN) {
		s = xasprintf("  1  %s", answer_yes());
		add_digits(l, s, a->given && a->v.b ? A_REVERSE : A_NORMAL);
		free(s);
		s = xasprintf("  0  %s", answer_no());
		add_digits(l, s, a->given && !a->v.b ? A_REVERSE : A_NORMAL);
		free(s);
		return;
	}
	if (it->type != QN_CHOICE) {
		char *now = answer_words(f, f->cur), *raw = sanitize_display(now, (size_t)-1, 0);
		char *safe = bidi_isolate_text(raw, BIDI_AUTO);

		free(raw);
		/* TRANSLATORS: a typed item's answer so far ('-' for none). */
		s = xasprintf(_("Answer: %s"), safe);
		add_ours(l, s, w, 2, A_BOLD);
		free(s);
		free(safe);
		free(now);
		return;
	}
	for (size_t o = 0; o < it->n_options; o++) {
		/* A known instrument's answers are their values (0 up); a form's,
		 * their numbers (1 up). */
		size_t n = f->in != NULL ? o : o + 1;
		const char *own = own_meaning(f, f->cur, o);
		char *words = sanitize_display(own != NULL ? own : option_words(it, o), (size_t)-1, 0);
		char *iso = bidi_isolate_text(words, BIDI_AUTO), *line = xasprintf("  %zu  %s", n, iso);

		add_digits(l, line, a->given && (size_t)a->option == o ? A_REVERSE : A_NORMAL);
		free(line);
		free(iso);
		free(words);
	}
}

/* The item's lines; *context gets how many of them come first from its
 * groups and the form's words before it (dropped first when short of rows). */
static void
item_lines(const struct ui_form *f, struct tlines *l, int w, size_t *context)
{
	const struct qn_item *it = &f->q.items[f->cur];
	char *s;

	/* The groups it is in, and the form's words just before it. */
	for (int g = it->parent; g >= 0; g = f->q.items[g].parent) {
		if (f->q.items[g].text != NULL)
			add_data(l, f->q.items[g].text, w, A_DIM);
	}
	for (size_t d = f->cur; d-- > 0 && f->q.items[d].type == QN_DISPLAY;) {
		if (f->q.items[d].text != NULL && questionnaire_enabled(&f->q, f->ans, d))
			add_data(l, f->q.items[d].text, w, A_NORMAL);
	}
	*context = l->n;
	if (it->code != NULL) {
		/* The counts in the screen's digits, the code as it is (it is
		 * looked up and typed): it goes in after the digits are. */
		char *local, *code, *line, *at;

		/* TRANSLATORS: the form's item line: its number, how many, its LOINC code. */
		s = xasprintf(_("Item %zu of %zu (LOINC %s)"), place_of(f, f->cur), f->q.n_asked, "\x01");
		local = lf_digits(s);
		{
			char *safe = sanitize_display(it->code, (size_t)-1, 0);   /* a form's is the server's */

			code = bidi_isolate(safe);
			free(safe);
		}
		if ((at = strchr(local, '\x01')) != NULL) {
			*at = '\0';
			line = xasprintf("%s%s%s", local, code, at + 1);
		} else {
			line = xstrdup(local);
		}
		free(s);
		s = ui_ours(line);
		tlines_add(l, s, A_BOLD);
		free(line);
		free(code);
		free(local);
	} else {
		/* TRANSLATORS: the form's item line: its number, how many. */
		s = xasprintf(_("Item %zu of %zu"), place_of(f, f->cur), f->q.n_asked);
		add_digits(l, s, A_BOLD);
	}
	free(s);
	if (it->text != NULL) {
		char *text = it->prefix != NULL ? xasprintf("%s %s", it->prefix, it->text) : xstrdup(it->text);

		add_data(l, text, w, A_BOLD);
		free(text);
	} else if (f->in != NULL) {
		add_ours(l, _("ezrizi has no wording for this item: read it from the client's form."), w, 0, A_DIM);
	} else {
		add_data(l, it->link_id, w, A_BOLD);
	}
	if (it->required)
		add_ours(l, _("It must be answered."), w, 0, A_DIM);
	tlines_add(l, "", A_NORMAL);
	option_lines(f, l, w);
	tlines_add(l, "", A_NORMAL);
	if (it->type == QN_CHOICE && f->in != NULL) {
		/* TRANSLATORS: the form's keys; keep the digits' range as %d. */
		s = xasprintf(_("0 to %d answers and goes on; - leaves it unanswered; Backspace goes back; q leaves without saving."),
			      (int)it->n_options - 1);
	} else if (it->type == QN_CHOICE && it->n_options <= 9) {
		/* TRANSLATORS: the form's keys; keep the digits' range as %d. */
		s = xasprintf(_("1 to %d answers and goes on; - leaves it unanswered; Backspace goes back; q leaves without saving."),
			      (int)it->n_options);
	} else if (it->type == QN_BOOLEAN) {
		s = xstrdup(_("1 yes, 0 no, and goes on; - leaves it unanswered; Backspace goes back; q leaves without saving."));
	} else {
		s = xstrdup(_("Enter types the answer; - leaves it unanswered; Down goes on; Backspace goes back; q leaves without saving."));
	}
	add_ours(l, s, w, 0, A_DIM);
	free(s);
	if (f->in != NULL && f->server_wording) {
		/* TRANSLATORS: %s is the server's version of the form ('-' for none). */
		s = xasprintf(_("The wording is the platform's form's (version %s); ezrizi cannot tell whether it is a validated translation."),
			      f->q.version != NULL ? f->q.version : "-");
		add_ours(l, s, w, 0, A_DIM);
		free(s);
	}
}

/* A known instrument's answers as its values, for instrument_score. */
static void
values_of(const struct ui_form *f, int *v)
{
	for (size_t i = 0; i < f->q.n_items && i < INSTR_MAX_ITEMS; i++)
		v[i] = f->ans[i].given ? f->ans[i].option : INSTR_MISSING;
}

static void
instrument_summary(struct tui *t, struct tlines *l, int w)
{
	const struct ui_form *f = t->form;
	int v[INSTR_MAX_ITEMS];
	struct instr_score sc;
	struct error err;
	struct buf b;
	char *s;

	values_of(f, v);
	buf_init(&b);
	for (int i = 0; i < f->in->n_items; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		if (v[i] == INSTR_MISSING)
			buf_addc(&b, '-');
		else
			buf_addf(&b, "%d", v[i]);
	}
	/* TRANSLATORS: the form's summary: the answers in the items' order. */
	s = xasprintf(_("Answers: %s"), b.data);
	add_digits(l, s, A_BOLD);
	free(s);
	buf_finish(&b);
	error_clear(&err);
	if (!instrument_score(f->in, v, f->in->n_items, NULL, t->ctx->cfg, &sc, &err)) {
		add_ours(l, err.msg, w, 0, ui_attr(UC_ERROR));
		add_ours(l, _("Backspace goes back to change them; q leaves without saving."), w, 0, A_DIM);
		return;
	}
	if (sc.score >= 0) {
		/* TRANSLATORS: the score and its band, before saving. */
		s = xasprintf(_("Score %d: %s"), sc.score, _(sc.band->label));
		add_digits(l, s, A_NORMAL);
		free(s);
	} else {
		/* TRANSLATORS: the C-SSRS's risk level, before saving. */
		s = xasprintf(_("Risk level: %s"), _(sc.band->label));
		tlines_add(l, s, A_NORMAL);
		free(s);
	}
	if (sc.risk)
		add_ours(l, _("Risk: saving raises a safety flag for this client; a clinician must review it now."),
			 w, 0, ui_attr(UC_ERROR) | A_REVERSE | A_BOLD);
	tlines_add(l, "", A_NORMAL);
	add_ours(l, _("Enter saves it; Backspace goes back; q leaves without saving."), w, 0, A_DIM);
}

/* A form's summary: each item asked and its answer, and its total. */
static void
form_summary(struct tui *t, struct tlines *l, int w)
{
	const struct ui_form *f = t->form;
	const char *unanswered;
	double total;
	char *s;

	for (size_t i = 0; i < f->q.n_items; i++) {
		const struct qn_item *it = &f->q.items[i];
		char *ans, *line;

		if (!asks(it) || !questionnaire_enabled(&f->q, f->ans, i))
			continue;
		ans = answer_words(f, i);
		line = xasprintf("%s: %s", it->text != NULL ? it->text : it->link_id, ans);
		add_data(l, line, w, A_NORMAL);
		free(line);
		free(ans);
	}
	tlines_add(l, "", A_NORMAL);
	if (questionnaire_total(&f->q, f->ans, &total, &unanswered)) {
		/* TRANSLATORS: a form's total from its answers' weights. */
		s = xasprintf(_("Total: %g"), total);
		add_digits(l, s, A_BOLD);
		free(s);
	} else if (f->q.weighted) {
		char *safe = sanitize_display(unanswered, (size_t)-1, 0);

		s = xasprintf(_("Not scored: item %s, which counts, is unanswered; the answers are saved."), safe);
		add_ours(l, s, w, 0, A_DIM);
		free(s);
		free(safe);
	}
	add_ours(l, _("Enter saves it; Backspace goes back; q leaves without saving."), w, 0, A_DIM);
}

static bool
form_draw(struct tui *t)
{
	struct view *vw = t->view;
	struct tlines l;
	int w = COLS - 4, rows = getmaxy(vw->over) - 2;
	size_t context = 0, skip = 0;
	int banner;
	char *title;

	if (!vw->over_dirty || t->form == NULL)
		return false;
	tlines_init(&l);
	if (!t->form->loaded)
		add_ours(&l, _("Fetching the form from the server..."), w, 0, A_DIM);
	else if (t->form->cur >= t->form->q.n_items && t->form->in != NULL)
		instrument_summary(t, &l, w);
	else if (t->form->cur >= t->form->q.n_items)
		form_summary(t, &l, w);
	else
		item_lines(t->form, &l, w, &context);
	if (l.n > (size_t)rows)
		skip = l.n - (size_t)rows < context ? l.n - (size_t)rows : context;
	werase(vw->over);
	ui_border(vw->over);
	/* TRANSLATORS: the form's title: the instrument, the client's name. */
	{
		char *who = sanitize_display(t->form->patient_name != NULL ? t->form->patient_name
								   : t->form->patient_id, (size_t)-1, 0);
		char *iso = bidi_isolate(who), *line;

		char *name = sanitize_display(t->form->in != NULL ? t->form->in->name
					      : t->form->q.title != NULL ? t->form->q.title : t->form->ref, (size_t)-1, 0);

		title = xasprintf(_(" %s: %s "), name, iso);
		free(name);
		/* A line of ours: it reads from where the UI's language starts,
		 * though it begins with the instrument's Latin name. */
		line = ui_ours(title);
		ui_cell(vw->over, 0, 2, w, 0, w, line, A_BOLD, false);
		free(line);
		free(title);
		free(iso);
		free(who);
	}
	/* The client's risk flag over the form too, as over every pane that
	 * shows them. */
	banner = ui_flag_banner(&t->m, t->form->patient_id, vw->over, 1, 2, w, rows);
	if (l.n > (size_t)(rows - banner) && skip < context)
		skip = l.n - (size_t)(rows - banner) < context ? l.n - (size_t)(rows - banner) : context;
	for (int r = 0; r + banner < rows && skip + (size_t)r < l.n; r++)
		tlines_draw(&l, skip + (size_t)r, vw->over, 1 + banner + r, 2, w, 0);
	tlines_finish(&l);
	wnoutrefresh(vw->over);
	vw->over_dirty = false;
	return true;
}

/* 0-9 for an Arabic-Indic or Extended Arabic-Indic digit, else -1. */
static int
arabic_digit(int cp)
{
	if ((cp >= 0x660 && cp <= 0x669) || (cp >= 0x6f0 && cp <= 0x6f9))
		return cp & 0xf;
	return -1;
}

static void
form_key(struct tui *t, const struct ui_key *k)
{
	struct ui_key key = *k;

	tui_clear_error(t);
	/* An Arabic or Urdu keyboard's digits (٠-٩, ۰-۹) are the digit keys. */
	if (!key.fn && arabic_digit(key.code) >= 0)
		key.code = '0' + arabic_digit(key.code);
	(void)ui_mode_key(t, "form", &key);
}

static void
form_close(struct tui *t)
{
	form_free(t);
	t->relayout = true;
}

const struct mode_ops mode_form = {
	.name = "form",
	.rank = 10,
	.flags = MODE_COVERS_PANES,
	.key = form_key,
	.draw = form_draw,
	.close = form_close,
};

/* ---- the commands ---- */

/* For completion and the help; give takes a form's id or canonical too. */
static const struct cmd_word instrument_words[] = {
	{ "phq9", NULL }, { "gad7", NULL }, { "who5", NULL }, { "cssrs", NULL }, { NULL, NULL },
};

SCREEN_HANDLER(do_give)
{
	struct tui *t = ui_screen(ctx);
	const struct appointment *ap = model_shown_appt(&t->m);
	struct ui_form *f;

	(void)e;
	if (ap == NULL || ap->patient_id == NULL)
		return error_set(err, ERR_USAGE, _("Select an appointment with a client first."));
	if (t->m.front_desk)
		return error_set(err, ERR_USAGE, _("A client's scores are clinical: a front desk does not see them."));
	f = xcalloc(1, sizeof *f);
	f->t = t;
	f->in = instrument_find(a->argv[0]);
	f->ref = f->in != NULL ? assess_canonical(f->in) : xstrdup(a->argv[0]);
	f->patient_id = xstrdup(ap->patient_id);
	f->patient_name = xstrdup(ap->patient_name);
	if (f->in == NULL && strchr(f->ref, ':') == NULL && !fhir_id_ok(f->ref)) {
		error_set(err, ERR_USAGE, _("'%s' is neither an instrument ezrizi knows (%s) nor a form the server has."),
			  a->argv[0], instrument_ids());
		free(f->ref);
		free(f->patient_id);
		free(f->patient_name);
		free(f);
		return false;
	}
	mode_push(&t->modes, t, &mode_form);   /* the overlay or the picker, if on, closes */
	form_free(t);
	t->form = f;
	if (!start_loading(t, f, err)) {
		mode_pop(&t->modes, t, &mode_form);   /* frees the form */
		return false;
	}
	t->view->over_dirty = true;
	return true;
}

const struct cmd_entry ui_entry_give = {
	.name = "give",
	.usage = N_("INSTRUMENT|FORM"),
	.summary = N_("Give an instrument (phq9, gad7, who5, cssrs) or a form of the server's (its id or canonical) to the selected client, one item at a time; it is scored and saved as 'assess' does."),
	.args = { 1, 1, { { KIND_NONE, instrument_words } } },
	.flags = CMD_SCREEN,
	.exec = do_give,
};

/* A known instrument's answers as 'assess' takes them: "0,1,-,3". */
static char *
values_arg(const struct ui_form *f)
{
	int v[INSTR_MAX_ITEMS];
	struct buf b;

	values_of(f, v);
	buf_init(&b);
	for (int i = 0; i < f->in->n_items; i++) {
		if (i > 0)
			buf_addc(&b, ',');
		if (v[i] == INSTR_MISSING)
			buf_addc(&b, '-');
		else
			buf_addf(&b, "%d", v[i]);
	}
	return buf_steal(&b);
}

/* The items after the one answered that its answer turns off lose theirs;
 * then on to the next asked. */
static void
went_on(struct ui_form *f)
{
	for (size_t i = 0; i < f->q.n_items; i++) {
		if (f->ans[i].given && !questionnaire_enabled(&f->q, f->ans, i)) {
			questionnaire_answer_finish(&f->ans[i]);
		}
	}
	f->cur = next_asked(f, f->cur);
}

/* The current item's answer is a (taken over), and the form goes on. */
static void
set_answer(struct ui_form *f, struct qn_answer *a)
{
	questionnaire_answer_finish(&f->ans[f->cur]);
	f->ans[f->cur] = *a;
	went_on(f);
}

/* A key's answer: a digit (or '-'), as the item's kind reads it; an
 * Arabic-Indic digit is the same digit. */
static bool
answer(struct tui *t, const char *word, struct error *err)
{
	struct ui_form *f = t->form;
	const struct qn_item *it = &f->q.items[f->cur];
	struct qn_answer a;
	uint32_t cp;
	char ascii[2] = "";
	bool digit;
	const char *as;

	if (utf8_decode(word, strlen(word), &cp) == strlen(word) && arabic_digit((int)cp) >= 0) {
		ascii[0] = (char)('0' + arabic_digit((int)cp));
		word = ascii;
	}
	digit = word[0] >= '0' && word[0] <= '9' && word[1] == '\0';
	as = word;

	if (strcmp(word, "-") == 0) {
		memset(&a, 0, sizeof a);
	} else if (it->type == QN_CHOICE && f->in != NULL) {
		if (!digit || (size_t)(word[0] - '0') >= it->n_options)
			return error_set(err, ERR_USAGE, _("Item %zu takes 0 to %d."), place_of(f, f->cur),
					 (int)it->n_options - 1);
		memset(&a, 0, sizeof a);
		a.given = true;
		a.option = word[0] - '0';
	} else if (it->type == QN_STRING) {
		return error_set(err, ERR_USAGE, _("This item takes words: Enter types them."));
	} else {
		if (it->type == QN_BOOLEAN && digit)
			as = word[0] == '1' ? "yes" : word[0] == '0' ? "no" : word;
		if (!questionnaire_parse_answer(it, as, &a, err))
			return false;
	}
	set_answer(f, &a);
	return true;
}

/* Typed words (the text prompt's): the answer to a typed item, as they are. */
static bool
typed(struct tui *t, const char *text, struct error *err)
{
	struct ui_form *f = t->form;
	const struct qn_item *it = &f->q.items[f->cur];
	struct qn_answer a;

	if (it->type == QN_CHOICE && f->in != NULL)
		return answer(t, text, err);
	if (!questionnaire_parse_answer(it, text, &a, err))
		return false;
	set_answer(f, &a);
	return true;
}

static void
save(struct tui *t)
{
	struct ui_form *f = t->form;
	char *ans, *line;

	if (f->in != NULL) {
		char *ver = f->server_wording && f->q.version != NULL ? cmd_quote(f->q.version) : NULL;

		ans = values_arg(f);
		line = ver != NULL ? xasprintf("assess %s %s --answers %s --form-version %s", f->patient_id, f->in->id, ans, ver)
				   : xasprintf("assess %s %s --answers %s", f->patient_id, f->in->id, ans);
		free(ver);
	} else {
		/* The typed answers byte for byte: one quoted word, read back
		 * by assess as the form's answers. */
		char *raw = questionnaire_answers_text(&f->q, f->ans), *id = cmd_quote(f->q.id);

		ans = cmd_quote(raw);
		line = xasprintf("assess %s %s --answers %s", f->patient_id, id, ans);
		free(raw);
		free(id);
	}
	mode_pop(&t->modes, t, &mode_form);   /* frees the form */
	ui_run_expanded(t, line);
	free(line);
	free(ans);
}

/* In the order do_form reads them. */
static const struct cmd_word form_words[] = {
	/* TRANSLATORS: in the help, the form's keys' commands. */
	{ "answer", N_("Answers the item with the digit given (- leaves it unanswered) and goes on.") },
	{ "back", N_("Goes back to the item before.") },
	{ "next", N_("Goes on to the next item, or to the summary.") },
	{ "save", N_("On the summary: scores and saves it, as 'assess' does; on an item that takes words or a number, asks for them.") },
	{ "close", N_("Leaves the form; nothing is saved.") },
	{ "type", N_("Answers the item with the words given, exactly as typed, and goes on.") },
	{ NULL, NULL },
};

/* Asks for a typed item's answer on the command line. */
static void
ask_typed(struct tui *t)
{
	struct ui_form *f = t->form;
	/* TRANSLATORS: the prompt for a form's typed answer; %zu is the item's number. */
	char *prompt = xasprintf(_("Answer to item %zu: "), place_of(f, f->cur)), *local = lf_digits(prompt);

	tui_open_text(t, local, xstrdup("form type"), false);
	free(local);
	free(prompt);
}

SCREEN_HANDLER(do_form)
{
	struct tui *t = ui_screen(ctx);
	struct ui_form *f = t->form;
	bool summary;

	(void)e;
	if (f == NULL)
		return error_set(err, ERR_USAGE, _("No form is open; give one with 'give INSTRUMENT'."));
	if (!f->loaded && a->choice[0] != 4)
		return error_set(err, ERR_USAGE, _("The form is still on its way from the server."));
	summary = f->cur >= f->q.n_items;
	switch (a->choice[0]) {
	case 0:
	case 5:
		if (summary)
			return true;
		if (a->argc < 2)
			return error_set(err, ERR_USAGE, _("Give the answer: form answer N."));
		if (!(a->choice[0] == 0 ? answer(t, a->argv[1], err) : typed(t, a->argv[1], err)))
			return false;
		break;
	case 1:
		f->cur = prev_asked(f, f->cur);
		break;
	case 2:
		f->cur = summary ? f->cur : next_asked(f, f->cur);
		break;
	case 3:
		if (!summary) {
			const struct qn_item *it = &f->q.items[f->cur];

			if (it->type == QN_STRING || it->type == QN_INTEGER || it->type == QN_DECIMAL ||
			    (it->type == QN_CHOICE && f->in == NULL && it->n_options > 9))
				ask_typed(t);
			else
				f->cur = next_asked(f, f->cur);
			break;
		}
		save(t);
		return true;
	default:
		mode_pop(&t->modes, t, &mode_form);
		tui_set_message(t, _("Left the form; nothing was saved."));
		return true;
	}
	t->view->over_dirty = true;
	return true;
}

/* The answer after "answer" (words for the help only: a trailing positional
 * of no kind and no words would take the one before's). */
static const struct cmd_word answer_value_words[] = {
	/* TRANSLATORS: in the help, what follows "form answer". */
	{ "*", N_("a digit, the answer; - for none") },
	{ NULL, NULL },
};

const struct cmd_entry ui_entry_form = {
	.name = "form",
	.usage = N_("answer|back|next|save|close|type [N|TEXT]"),
	.summary = N_("Move about the open form: answer the item, go back or on, save it from the summary, or leave."),
	.args = { 1, 2, { { KIND_CHOICE, form_words }, { KIND_NONE, answer_value_words } } },
	/* "close" is a word of its own here, not a misspelt "flag close". */
	.flags = CMD_SCREEN | CMD_WORDS,
	.exec = do_form,
};
