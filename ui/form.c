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
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "core/i18n.h"
#include "core/instrument.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/commands.h"
#include "ui/form.h"
#include "ui/localfmt.h"
#include "ui/mode.h"
#include "ui/state.h"
#include "ui/view.h"

static void form_free(struct tui *t);

struct ui_form {
	const struct instrument *in;
	char *patient_id, *patient_name;
	int answers[INSTR_MAX_ITEMS];
	int cur;                     /* the item shown; in->n_items: the summary */
};

/* LOINC's answer list LL358-3 (FHIR-NOTES.md), as assess.c codes it. */
static const char *const ll358_3[] = {
	"Not at all", "Several days", "More than half the days", "Nearly every day",
};

/* Whether item i is asked: the C-SSRS asks its third to fifth only after a
 * yes to the second. */
static bool
asked(const struct ui_form *f, int i)
{
	if (f->in->rule == RULE_CSSRS && i >= 2 && i <= 4)
		return f->answers[1] == 1;
	return true;
}

static int
next_asked(const struct ui_form *f, int from)
{
	int i = from + 1;

	while (i < f->in->n_items && !asked(f, i))
		i++;
	return i;
}

static int
prev_asked(const struct ui_form *f, int from)
{
	int i = from - 1;

	while (i > 0 && !asked(f, i))
		i--;
	return i < 0 ? 0 : i;
}

void
ui_form_finish(struct tui *t)
{
	form_free(t);
}

static void
form_free(struct tui *t)
{
	if (t->form == NULL)
		return;
	free(t->form->patient_id);
	free(t->form->patient_name);
	free(t->form);
	t->form = NULL;
}

/* What answer v of item i means, for the list under the item (translated
 * where it is ezrizi's own words; LOINC's display as it is). */
static char *
answer_meaning(const struct ui_form *f, int i, int v)
{
	if (f->in->rule == RULE_SUM && f->in->items[i].max == 3)
		return xstrdup(ll358_3[v]);
	if (f->in->rule == RULE_CSSRS && i == 5)
		return xstrdup(v == 0 ? _("no") : v == 1 ? _("yes, more than three months ago")
						     : _("yes, within the past three months"));
	if (f->in->rule == RULE_CSSRS)
		return xstrdup(v == 0 ? _("no") : _("yes"));
	return NULL;
}

static void
add_digits(struct tlines *l, const char *s, int attr)
{
	char *local = lf_digits(s);

	tlines_add(l, local, attr);
	free(local);
}

static void
item_lines(const struct ui_form *f, struct tlines *l, int w)
{
	const struct instr_item *it = &f->in->items[f->cur];
	char *s;

	/* TRANSLATORS: the form's item line: its number, how many, its LOINC code. */
	s = xasprintf(_("Item %d of %d (LOINC %s)"), f->cur + 1, f->in->n_items,
		      it->code != NULL ? it->code : "-");
	add_digits(l, s, A_BOLD);
	free(s);
	tlines_wrap(l, _("ezrizi has no wording for this item: read it from the client's form."), w, 0, A_DIM, 0);
	tlines_add(l, "", A_NORMAL);
	for (int v = 0; v <= it->max; v++) {
		char *meaning = answer_meaning(f, f->cur, v);

		s = meaning != NULL ? xasprintf("  %d  %s", v, meaning) : xasprintf("  %d", v);
		add_digits(l, s, f->answers[f->cur] == v ? A_REVERSE : A_NORMAL);
		free(s);
		free(meaning);
	}
	tlines_add(l, "", A_NORMAL);
	/* TRANSLATORS: the form's keys; keep the digits' range as %d. */
	s = xasprintf(_("0 to %d answers and goes on; - leaves it unanswered; Backspace goes back; q leaves without saving."),
		      it->max);
	tlines_wrap(l, s, w, 0, A_DIM, 0);
	free(s);
}

static void
summary_lines(struct tui *t, struct tlines *l, int w)
{
	const struct ui_form *f = t->form;
	struct instr_score sc;
	struct error err;
	struct buf b;
	char *s;

	buf_init(&b);
	for (int i = 0; i < f->in->n_items; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		if (f->answers[i] == INSTR_MISSING)
			buf_addc(&b, '-');
		else
			buf_addf(&b, "%d", f->answers[i]);
	}
	/* TRANSLATORS: the form's summary: the answers in the items' order. */
	s = xasprintf(_("Answers: %s"), b.data);
	add_digits(l, s, A_BOLD);
	free(s);
	buf_finish(&b);
	error_clear(&err);
	if (!instrument_score(f->in, f->answers, f->in->n_items, NULL, t->ctx->cfg, &sc, &err)) {
		tlines_wrap(l, err.msg, w, 0, ui_attr(UC_ERROR), 0);
		tlines_wrap(l, _("Backspace goes back to change them; q leaves without saving."), w, 0, A_DIM, 0);
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
		tlines_wrap(l, _("Risk: saving raises a safety flag for this client; a clinician must review it now."),
			    w, 0, ui_attr(UC_ERROR) | A_REVERSE | A_BOLD, 0);
	tlines_add(l, "", A_NORMAL);
	tlines_wrap(l, _("Enter saves it; Backspace goes back; q leaves without saving."), w, 0, A_DIM, 0);
}

static bool
form_draw(struct tui *t)
{
	struct view *vw = t->view;
	struct tlines l;
	int w = COLS - 4, rows = getmaxy(vw->over) - 2;
	char *title;

	if (!vw->over_dirty || t->form == NULL)
		return false;
	tlines_init(&l);
	if (t->form->cur >= t->form->in->n_items)
		summary_lines(t, &l, w);
	else
		item_lines(t->form, &l, w);
	werase(vw->over);
	ui_border(vw->over);
	/* TRANSLATORS: the form's title: the instrument, the client's name. */
	{
		char *who = sanitize_display(t->form->patient_name != NULL ? t->form->patient_name
								   : t->form->patient_id, (size_t)-1, 0);
		char *iso = bidi_isolate(who), *line;

		title = xasprintf(_(" %s: %s "), t->form->in->name, iso);
		/* A line of ours: it reads from where the UI's language starts,
		 * though it begins with the instrument's Latin name. */
		line = ui_ours(title);
		ui_cell(vw->over, 0, 2, w, 0, w, line, A_BOLD, false);
		free(line);
		free(title);
		free(iso);
		free(who);
	}
	for (int r = 0; r < rows && (size_t)r < l.n; r++)
		tlines_draw(&l, (size_t)r, vw->over, 1 + r, 2, w, 0);
	tlines_finish(&l);
	wnoutrefresh(vw->over);
	vw->over_dirty = false;
	return true;
}

static void
form_key(struct tui *t, const struct ui_key *k)
{
	tui_clear_error(t);
	(void)ui_mode_key(t, "form", k);
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
	f->in = instrument_find(a->argv[0]);
	f->patient_id = xstrdup(ap->patient_id);
	f->patient_name = xstrdup(ap->patient_name);
	for (int i = 0; i < INSTR_MAX_ITEMS; i++)
		f->answers[i] = INSTR_MISSING;
	mode_push(&t->modes, t, &mode_form);   /* the overlay or the picker, if on, closes */
	form_free(t);
	t->form = f;
	t->view->over_dirty = true;
	return true;
}

const struct cmd_entry ui_entry_give = {
	.name = "give",
	.usage = N_("INSTRUMENT"),
	.summary = N_("Give an instrument (phq9, gad7, who5, cssrs) to the selected client, one item at a time; it is scored and saved as 'assess' does."),
	.args = { 1, 1, { { KIND_CHOICE, instrument_words } } },
	.flags = CMD_SCREEN,
	.exec = do_give,
};

/* The answers as 'assess' takes them: "0,1,-,3". */
static char *
answers_arg(const struct ui_form *f)
{
	struct buf b;

	buf_init(&b);
	for (int i = 0; i < f->in->n_items; i++) {
		if (i > 0)
			buf_addc(&b, ',');
		if (f->answers[i] == INSTR_MISSING)
			buf_addc(&b, '-');
		else
			buf_addf(&b, "%d", f->answers[i]);
	}
	return buf_steal(&b);
}

static bool
answer(struct tui *t, const char *word, struct error *err)
{
	struct ui_form *f = t->form;
	const struct instr_item *it = &f->in->items[f->cur];
	int v;

	if (strcmp(word, "-") == 0) {
		v = INSTR_MISSING;
	} else if (word[0] >= '0' && word[0] <= '9' && word[1] == '\0' && word[0] - '0' <= it->max) {
		v = word[0] - '0';
	} else {
		return error_set(err, ERR_USAGE, _("Item %d takes 0 to %d."), f->cur + 1, it->max);
	}
	f->answers[f->cur] = v;
	/* A no to the C-SSRS's second: its third to fifth are not asked. */
	for (int i = 0; i < f->in->n_items; i++) {
		if (!asked(f, i))
			f->answers[i] = INSTR_MISSING;
	}
	f->cur = next_asked(f, f->cur);
	return true;
}

static void
save(struct tui *t)
{
	char *ans = answers_arg(t->form), *line;

	line = xasprintf("assess %s %s --answers %s", t->form->patient_id, t->form->in->id, ans);
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
	{ "save", N_("On the summary: scores and saves it, as 'assess' does.") },
	{ "close", N_("Leaves the form; nothing is saved.") },
	{ NULL, NULL },
};

SCREEN_HANDLER(do_form)
{
	struct tui *t = ui_screen(ctx);
	struct ui_form *f = t->form;

	(void)e;
	if (f == NULL)
		return error_set(err, ERR_USAGE, _("No form is open; give one with 'give INSTRUMENT'."));
	switch (a->choice[0]) {
	case 0:
		if (f->cur >= f->in->n_items)
			return true;
		if (a->argc < 2)
			return error_set(err, ERR_USAGE, _("Give the answer: form answer N."));
		if (!answer(t, a->argv[1], err))
			return false;
		break;
	case 1:
		f->cur = prev_asked(f, f->cur);
		break;
	case 2:
		f->cur = f->cur >= f->in->n_items ? f->cur : next_asked(f, f->cur);
		break;
	case 3:
		if (f->cur < f->in->n_items) {
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
	.usage = N_("answer|back|next|save|close [N]"),
	.summary = N_("Move about the open form: answer the item, go back or on, save it from the summary, or leave."),
	.args = { 1, 2, { { KIND_CHOICE, form_words }, { KIND_NONE, answer_value_words } } },
	/* "close" is a word of its own here, not a misspelt "flag close". */
	.flags = CMD_SCREEN | CMD_WORDS,
	.exec = do_form,
};
