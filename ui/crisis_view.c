/* crisis_view.c - the crisis view on the screen: crisis-view PATIENT-ID
 * (key C for the selected client) fetches, in a job, what core/crisis.h and
 * core/safetyplan.h find for the client, puts it in the model, and opens the
 * overlay on it. The overlay's lines are built for its width from the model
 * alone (ui_crisis_lines): phones first, each a left-to-right isolate so
 * "+60 ..." never turns around in Arabic or Urdu, names isolated, the lines of
 * ours reading from the right there, long text wrapped. */
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/commands.h"
#include "ui/crisis_view.h"
#include "ui/job.h"
#include "ui/localfmt.h"

#define LRI "\xe2\x81\xa6"   /* U+2066 LEFT-TO-RIGHT ISOLATE */
#define PDI "\xe2\x81\xa9"   /* U+2069 POP DIRECTIONAL ISOLATE */

/* ---- the lines, from the model ---- */

/* A line of ours (data in it isolated already), `lead` columns in, wrapped
 * to the width with its next lines `indent` in. */
static void
add_in(struct tlines *l, const char *line, int width, int lead, int indent, bool bold)
{
	char *in = xasprintf("%*s%s", lead, "", line), *ours = ui_ours(in);

	tlines_wrap(l, ours, width, indent, A_NORMAL, bold ? strlen(ours) : 0);
	free(ours);
	free(in);
}

/* A heading (lead 0), or a sentence under one (lead 2). */
static void
add(struct tlines *l, const char *line, int width, int lead, bool bold)
{
	add_in(l, line, width, lead, lead + 2, bold);
}

/* Server text, sanitised and isolated (new string, free()). */
static char *
data(const char *s)
{
	char *safe = sanitize_display(s != NULL ? s : "", (size_t)-1, 0);
	char *iso = bidi_isolate(safe);

	free(safe);
	return iso;
}


/* "  PHONE  name (area) [languages]", the phone padded to pw columns. */
static void
add_phone(struct tlines *l, int width, int pw, const char *phone, const char *name,
	  const char *area, const char *langs)
{
	char *p = sanitize_display(phone != NULL ? phone : "", (size_t)-1, 0);
	char *n = data(name), *ar = area != NULL ? data(area) : NULL, *lg = langs != NULL ? data(langs) : NULL;
	int pad = pw - display_width(p);
	char *line = xasprintf(LRI "%s" PDI "%*s  %s%s%s%s%s%s", p, pad > 0 ? pad : 0, "", n, ar != NULL ? " (" : "",
			       ar != NULL ? ar : "", ar != NULL ? ")" : "", lg != NULL ? " " : "",
			       lg != NULL ? lg : "");

	add_in(l, line, width, 2, 4, false);
	free(line);
	free(p);
	free(n);
	free(ar);
	free(lg);
}

static void
add_lines(struct tlines *l, const struct crisis_info *c, int width)
{
	char *head, *country = data(c->country != NULL ? c->country : "?");

	/* TRANSLATORS: a heading of the crisis view; %s is a country's ISO code. */
	head = xasprintf(_("Crisis lines (%s):"), country);
	add(l, head, width, 0, true);
	free(head);
	free(country);
	if (c->country == NULL)
		add(l, _("The client's record has no country, so no crisis line can be looked up; ask your clinic."), width, 2, false);
	else if (!c->lines_known)
		add(l, _("The crisis lines for this country have not been fetched yet and the server cannot be asked now; ask your clinic."), width, 2, false);
	else if (c->nlines == 0)
		add(l, _("No crisis line is known for this country on the platform; ask your clinic."), width, 2, false);
	for (size_t i = 0; i < c->nlines; i++) {
		add_phone(l, width, crisis_phone_width(c), c->lines[i].phone, c->lines[i].name, c->lines[i].area,
			  c->lines[i].languages);
		if (c->lines[i].comment != NULL) {
			char *note = data(c->lines[i].comment);

			add_in(l, note, width, 4, 4, false);
			free(note);
		}
	}
	if (c->from_cache && c->nlines > 0) {
		char when[64], *line;

		lf_day_time(c->fetched, when, sizeof when);
		line = xasprintf(_("The local copy, fetched %s."), when);
		add(l, line, width, 2, false);
		free(line);
	}
}

static void
add_plan(struct tlines *l, const struct crisis_shown *cs, int width)
{
	add(l, _("Safety plan:"), width, 0, true);
	if (cs->plan.id == NULL) {
		add(l, cs->plan_note != NULL ? cs->plan_note
			: cs->plan.from_cache ? _("No safety plan of this client is in the local copy; there may be one on the server.")
			: _("No safety plan is recorded for this client."), width, 2, false);
		return;
	}
	for (int i = 0; i < SAFETY_STEPS; i++) {
		char *head = xasprintf("%d. %s", i + 1, safety_step_heading(i));
		char *safe = sanitize_display(cs->plan.step[i], (size_t)-1, SAN_KEEP_NEWLINES);
		/* The step's text in the direction of its own first words. */
		char *iso = bidi_isolate_text(safe, BIDI_AUTO);

		add_in(l, head, width, 2, 5, true);
		if (safe[0] != '\0')
			add_in(l, iso, width, 5, 5, false);
		free(head);
		free(safe);
		free(iso);
	}
}

void
ui_crisis_lines(const struct model *m, struct tlines *l, int width)
{
	const struct crisis_shown *cs = &m->crisis;

	add_lines(l, &cs->info, width);
	add(l, _("Emergency contact:"), width, 0, true);
	if (cs->info.ncontacts == 0)
		add(l, _("No emergency contact is recorded for this client."), width, 2, false);
	for (size_t i = 0; i < cs->info.ncontacts; i++)
		add_phone(l, width, crisis_phone_width(&cs->info), cs->info.contacts[i].phone,
			  cs->info.contacts[i].name, NULL, NULL);
	add_plan(l, cs, width);
}

/* ---- the command ---- */

/* In the task: the client's lines and contact, then the plan. */
static void
crisis_run(struct tui *t, struct ui_job *j)
{
	j->ok = crisis_get(t->s, j->patient_id, &j->crisis, &j->err);
	error_clear(&j->plan_err);
	memset(&j->plan, 0, sizeof j->plan);
	/* The lines and the contact are everyone's to see; the plan is clinical. */
	if (j->ok && t->m.front_desk)
		error_set(&j->plan_err, ERR_USAGE, "%s", _("A safety plan is clinical: a front desk does not see it; the client's counsellor has it."));
	else if (j->ok && !safety_plan_get(t->s, j->patient_id, &j->plan, &j->plan_err))
		memset(&j->plan, 0, sizeof j->plan);
	else if (j->ok && j->plan.id != NULL) {
		/* The plan is shown: a view of it, in the audit trail. */
		char *ref = xasprintf("CarePlan/%s", j->plan.id);
		struct error e;

		error_clear(&e);
		(void)audit_record(t->s, AUDIT_VIEW, ref, j->patient_id, &e);
		free(ref);
	}
}

static void
crisis_done(struct tui *t, struct ui_job *j)
{
	char *title;

	tui_clear_error(t);
	if (!j->ok) {
		tui_set_error(t, j->err.msg);
		return;
	}
	/* TRANSLATORS: the crisis view's title; %s is the client's name (or id). */
	title = xasprintf(_("Crisis: %s"), j->crisis.patient_name != NULL && j->crisis.patient_name[0] != '\0'
					   ? j->crisis.patient_name : j->patient_id);
	/* The model takes the lines and the plan (the name was read first). */
	model_set_crisis(&t->m, j->patient_id, &j->crisis, &j->plan,
			 j->plan_err.kind != ERR_NONE ? j->plan_err.msg : NULL);
	ui_overlay_open_crisis(t, title);
	free(title);
}

SCREEN_HANDLER(do_crisis_view)
{
	struct tui *t = ui_screen(ctx);
	struct ui_job *j;

	(void)e;
	(void)err;
	j = ui_job_create(crisis_run, crisis_done);
	j->patient_id = xstrdup(a->argv[0]);
	tui_set_message(t, _("Looking up the crisis lines…"));
	ui_job_start(t, j);
	return true;
}

const struct cmd_entry ui_entry_crisis_view = {
	.name = "crisis-view",
	.usage = N_("PATIENT-ID"),
	.summary = N_("Show the client's crisis lines, emergency contact and safety plan over the panes."),
	.args = { 1, 1, { { KIND_PATIENT } } },
	.flags = CMD_SCREEN,
	.exec = do_crisis_view,
};

/* ---- escalations to me ---- */

static char *
clean(const char *s)
{
	char *c = sanitize_display(s != NULL ? s : "", (size_t)-1, 0), *iso = bidi_isolate(c);

	free(c);
	return iso;
}

char *
ui_urgent_title(const struct model *m)
{
	const struct escalation *e = model_urgent(m);
	char *from, *who, *text, *num, *local, *out;

	if (e == NULL)
		return NULL;
	from = clean(e->from_name != NULL ? e->from_name : e->from_id);
	who = clean(e->patient_name != NULL ? e->patient_name : e->patient_id);
	text = clean(e->text);
	num = xasprintf("%zu", m->urgent.n);
	local = lf_digits(num);
	/* TRANSLATORS: the title bar while escalations wait for the counsellor on
	 * call: how many, who sent the oldest, about which client, its words. */
	/* The key first: the words are what a narrow bar cuts. */
	out = xasprintf(ngettext("URGENT (%s), press U to read it: %s about %s: %s",
				 "URGENT (%s), press U to read the oldest: %s about %s: %s", m->urgent.n),
			local, from, who, text);
	free(from);
	free(who);
	free(text);
	free(num);
	free(local);
	return out;
}

/* read-escalation: the oldest escalation to me in the overlay, whole, and
 * marked read on the server (a job: its sender sees when). */
SCREEN_HANDLER(do_read_escalation)
{
	struct tui *t = ui_screen(ctx);
	const struct escalation *es = model_urgent(&t->m);
	char sent[96] = "", *body, *title, *line;

	(void)e;
	(void)a;
	(void)err;
	if (es == NULL) {
		tui_set_message(t, _("No escalation waits for you."));
		return true;
	}
	lf_day_time(es->sent, sent, sizeof sent);
	/* TRANSLATORS: an escalation in the overlay: from whom, about which client
	 * (their id), when, the flags it is about, then its words. */
	body = xasprintf(_("From: %s\nClient: %s (%s)\nSent: %s\nFlags: %s\n\n%s\n"),
			 es->from_name != NULL ? es->from_name : es->from_id != NULL ? es->from_id : "",
			 es->patient_name != NULL ? es->patient_name : "",
			 es->patient_id != NULL ? es->patient_id : "", sent,
			 es->flags != NULL ? es->flags : "", es->text != NULL ? es->text : "");
	/* TRANSLATORS: the overlay's title for an escalation to the user. */
	title = xasprintf(_("Escalation: %s"), es->id);
	ui_overlay_open(t, title, body);   /* sanitised there: it is the server's */
	line = xasprintf("escalation read %s", es->id);
	model_urgent_read(&t->m, es->id);
	ui_run_expanded(t, line);
	free(line);
	free(title);
	free(body);
	return true;
}

const struct cmd_entry ui_entry_read_escalation = {
	.name = "read-escalation",
	.summary = N_("Read the oldest escalation to you, whole, and mark it read: its sender sees when."),
	.flags = CMD_SCREEN,
	.exec = do_read_escalation,
};
