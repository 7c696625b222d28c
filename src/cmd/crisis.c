/* cmd/crisis.c - a client in crisis: crisis, safety-plan, safety-plan write. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/audit.h"
#include "core/privacy.h"
#include "core/crisis.h"
#include "core/date.h"
#include "core/flag.h"
#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/safetyplan.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

/* ---- safety-plan ---- */

static const struct out_col plan_cols[] = {
	{ "id", N_("Id"), false },
	{ "patient_id", N_("Client id"), true },
	{ "version", N_("Version"), false },
	{ "updated", N_("Changed"), false },
	{ "author_id", N_("Author id"), false },
	{ "step_1", N_("Warning signs"), true },
	{ "step_2", N_("Internal coping strategies"), true },
	{ "step_3", N_("Social contacts and settings that distract"), true },
	{ "step_4", N_("Family or friends who can help"), true },
	{ "step_5", N_("Professionals or agencies to contact"), true },
	{ "step_6", N_("Making the environment safe (restricting lethal means)"), true },
};
#define PLAN_NCOLS (sizeof plan_cols / sizeof plan_cols[0])

static void
print_plan(struct cmd_ctx *ctx, const char *patient_id, const struct safety_plan *p)
{
	const char *v[PLAN_NCOLS];
	char date[26];
	char *text = NULL;
	time_t t = 0;

	if (p->updated != NULL)
		instant_parse(p->updated, &t);
	v[0] = p->id;
	v[1] = patient_id;
	v[2] = p->version;
	v[3] = cmd_time(ctx, t, date);
	v[4] = p->author_id;
	for (int i = 0; i < SAFETY_STEPS; i++)
		v[5 + i] = p->step[i];
	/* Tables show the steps as the file format has them, headed. */
	if (ctx->fmt == FMT_TABLE)
		text = safety_plan_format(p->step);
	result_record(ctx->result, plan_cols, PLAN_NCOLS, v, text);
	free(text);
}

/* A front desk sees the crisis lines and the emergency contact, not the plan. */
#define PLAN_CLINICAL privacy_refusal(PRIVACY_PLAN)

/* The plan shown (or printed), in the audit trail. */
static void
audit_plan(struct cmd_ctx *ctx, enum audit_act act, const char *patient_id, const struct safety_plan *p)
{
	char *ref = xasprintf("CarePlan/%s", p->id);

	(void)audit_record(&ctx->session, act, ref, patient_id, NULL);
	free(ref);
}

static const struct cmd_option plan_opts[] = {
	{ .name = "print", .metavar = N_("FILE"), .flags = OPT_VALUE, .kind = KIND_FILE,
	  .help = N_("also write a plain-text copy for the client to FILE (a new file, mode 0600)") },
	{ NULL },
};

HANDLER(cmd_safety_plan)
{
	const char *print = cmd_opt(e, a, "print");
	struct safety_plan p;
	char *text;
	bool ok = true;

	if (!privacy_clinical(&ctx->session, PRIVACY_PLAN, err))
		return false;
	if (!safety_plan_get(&ctx->session, a->argv[0], &p, err))
		return false;
	if (p.id == NULL && p.from_cache)
		return error_set(err, ERR_NOT_FOUND, _("No safety plan of client %s is in the local copy; it may have one on the server."), a->argv[0]);
	if (p.id == NULL)
		return error_set(err, ERR_NOT_FOUND, _("Client %s has no safety plan; write one with 'ezrizi safety-plan write %s --file FILE'."),
				 a->argv[0], a->argv[0]);
	if (print != NULL) {
		text = safety_plan_format(p.step);
		ok = fs_write_new(print, text, strlen(text), err);
		free(text);
		if (ok)
			audit_plan(ctx, AUDIT_EXPORT, a->argv[0], &p);
		if (ok && ctx->fmt == FMT_TABLE)
			result_say(ctx->result, _("A copy for the client is in %s."), print);
	}
	if (ok) {
		audit_plan(ctx, AUDIT_VIEW, a->argv[0], &p);
		print_plan(ctx, a->argv[0], &p);
	}
	safety_plan_finish(&p);
	return ok;
}

const struct cmd_entry cmd_entry_safety_plan = {
	.name = "safety-plan",
	.usage = N_("PATIENT-ID"),
	.summary = N_("Show a client's safety plan (the six Stanley-Brown steps)."),
	.args = { 1, 1, { { KIND_PATIENT } } },
	.opts = plan_opts,
	.flags = CMD_SESSION,
	.exec = cmd_safety_plan,
};

static const struct cmd_option plan_write_opts[] = {
	{ .name = "file", .metavar = N_("FILE"), .flags = OPT_VALUE, .kind = KIND_FILE,
	  .help = N_("read the plan from FILE: six sections, each begun by a line \"== N. heading\"") },
	{ .name = "replaces", .metavar = N_("VERSION"), .flags = OPT_VALUE,
	  .help = N_("the version of the plan this text replaces, as 'ezrizi safety-plan' shows it; needed when there is one") },
	{ NULL },
};

/* The steps from the command's text (--file, or the outbox's copy). */
static bool
plan_text(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a,
	  char *step[SAFETY_STEPS], struct error *err)
{
	const char *file = cmd_opt(e, a, "file"), *text;
	size_t len;

	if (file == NULL && !ctx->input_given)
		return error_set(err, ERR_USAGE, _("Give the safety plan with --file FILE."));
	if (!ctx->input_given && strcmp(file, "-") == 0)
		return error_set(err, ERR_USAGE, _("Give the safety plan in a file, not on standard input."));
	if ((text = cmd_read_input(ctx, file, SAFETY_PLAN_MAX + 1, &len, err)) == NULL)
		return false;
	if (len > SAFETY_PLAN_MAX)
		return error_set(err, ERR_USAGE, _("The safety plan is longer than %u bytes; nothing was written."), SAFETY_PLAN_MAX);
	return safety_plan_parse(text, len, step, err);
}

static void
free_steps(char *step[SAFETY_STEPS])
{
	for (int i = 0; i < SAFETY_STEPS; i++)
		free(step[i]);
}

/* Before it is written or queued: the text is a plan. */
HANDLER(check_safety_plan_write)
{
	char *step[SAFETY_STEPS];

	if (!privacy_clinical(&ctx->session, PRIVACY_PLAN, err))
		return false;
	if (!plan_text(ctx, e, a, step, err))
		return false;
	free_steps(step);
	return true;
}

HANDLER(cmd_safety_plan_write)
{
	char *step[SAFETY_STEPS];
	struct safety_plan p;
	bool ok;

	if (!plan_text(ctx, e, a, step, err))
		return false;
	ok = safety_plan_save(&ctx->session, a->argv[0], cmd_opt(e, a, "replaces"), step, &p, err);
	free_steps(step);
	if (!ok)
		return false;
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, _("Safety plan saved (version %s)."), p.version != NULL ? p.version : "?");
	print_plan(ctx, a->argv[0], &p);
	safety_plan_finish(&p);
	return true;
}

const struct cmd_entry cmd_entry_safety_plan_write = {
	.name = "safety-plan write",
	.usage = N_("PATIENT-ID"),
	.summary = N_("Write a client's safety plan from a file; replacing one needs the --replaces VERSION it was made from."),
	.args = { 1, 1, { { KIND_PATIENT } } },
	.opts = plan_write_opts,
	.flags = CMD_SESSION | CMD_QUEUES | CMD_INPUT,
	.instead = N_("Give the safety plan with --file FILE."),
	.exec = cmd_safety_plan_write,
	.check = check_safety_plan_write,
};

/* ---- crisis ---- */

/* Programs get records, one a row, what is missing a row of its own. */
static const struct out_col crisis_cols[] = {
	{ "kind", N_("What"), false },
	{ "step", N_("Step"), false },
	{ "name", N_("Name"), false },
	{ "phone", N_("Phone"), false },
	{ "area", N_("Area"), false },
	{ "languages", N_("Languages"), false },
	{ "text", N_("Text"), false },
	{ "fetched", N_("Fetched"), false },
};
#define CRISIS_NCOLS (sizeof crisis_cols / sizeof crisis_cols[0])

static void
crisis_row(struct cmd_ctx *ctx, const char *kind, const char *step, const char *name,
	   const char *phone, const char *area, const char *langs, const char *text,
	   const char *fetched)
{
	const char *v[CRISIS_NCOLS] = { kind, step, name, phone, area, langs, text, fetched };

	result_row(ctx->result, v);
}

/* Why there is no line to show, or NULL. */
static const char *
no_line_reason(const struct crisis_info *c)
{
	if (c->country == NULL)
		return _("The client's record has no country, so no crisis line can be looked up; ask your clinic.");
	if (!c->lines_known)
		return _("The crisis lines for this country have not been fetched yet and the server cannot be asked now; ask your clinic.");
	if (c->nlines == 0)
		return _("No crisis line is known for this country on the platform; ask your clinic.");
	return NULL;
}

static const char *
no_plan_reason(const struct safety_plan *p, const struct error *perr)
{
	if (perr->kind != ERR_NONE)
		return perr->msg;
	return p->from_cache ? _("No safety plan of this client is in the local copy; there may be one on the server.")
			     : _("No safety plan is recorded for this client.");
}

static void
crisis_records(struct cmd_ctx *ctx, const struct crisis_info *c, const struct safety_plan *p,
	       const struct error *perr)
{
	char fetched[26], num[4];

	result_records(ctx->result, crisis_cols, CRISIS_NCOLS, NULL);
	cmd_time(ctx, c->fetched, fetched);
	if (no_line_reason(c) != NULL)
		crisis_row(ctx, "no-crisis-line", NULL, NULL, NULL, c->country, NULL, no_line_reason(c), NULL);
	for (size_t i = 0; i < c->nlines; i++)
		crisis_row(ctx, "crisis-line", NULL, c->lines[i].name, c->lines[i].phone, c->lines[i].area,
			   c->lines[i].languages, c->lines[i].comment, fetched);
	if (c->ncontacts == 0)
		crisis_row(ctx, "no-emergency-contact", NULL, NULL, NULL, NULL, NULL,
			   _("No emergency contact is recorded for this client."), NULL);
	for (size_t i = 0; i < c->ncontacts; i++)
		crisis_row(ctx, "emergency-contact", NULL, c->contacts[i].name, c->contacts[i].phone,
			   NULL, NULL, NULL, NULL);
	if (p->id == NULL)
		crisis_row(ctx, "no-safety-plan", NULL, NULL, NULL, NULL, NULL, no_plan_reason(p, perr), NULL);
	for (int i = 0; i < SAFETY_STEPS && p->id != NULL; i++) {
		snprintf(num, sizeof num, "%d", i + 1);
		crisis_row(ctx, "safety-plan", num, NULL, NULL, NULL, NULL, p->step[i], NULL);
	}
}

/* ---- crisis, for people: phones first, so a narrow screen keeps them ---- */

/* Server text, safe to draw (one line, or lines with keep_lines). */
static void
add_safe(struct buf *b, const char *s, bool keep_lines)
{
	char *safe = sanitize_display(s, (size_t)-1, keep_lines ? SAN_KEEP_NEWLINES : 0);

	buf_adds(b, safe);
	free(safe);
}

/* "  PHONE  name (area) [languages]": the phone padded to width columns. */
static void
add_phone_line(struct buf *b, const char *phone, int width, const char *name, const char *area,
	       const char *langs)
{
	char *safe = sanitize_display(phone != NULL ? phone : "", (size_t)-1, 0);

	buf_adds(b, "  ");
	buf_adds(b, safe);
	for (int w = display_width(safe); w < width + 2; w++)
		buf_addc(b, ' ');
	free(safe);
	add_safe(b, name != NULL ? name : "", false);
	if (area != NULL) {
		buf_adds(b, " (");
		add_safe(b, area, false);
		buf_addc(b, ')');
	}
	if (langs != NULL) {
		buf_adds(b, " [");
		add_safe(b, langs, false);
		buf_addc(b, ']');
	}
	buf_addc(b, '\n');
}


static void
add_age(struct cmd_ctx *ctx, struct buf *b, const struct crisis_info *c)
{
	long mins = (long)(clock_now() - c->fetched) / 60;
	char when[26];

	if (mins < 0)
		mins = 0;
	cmd_time(ctx, c->fetched, when);
	buf_adds(b, "  ");
	if (mins < 120)
		buf_addf(b, ngettext("The local copy, fetched %ld minute ago (%s).",
				     "The local copy, fetched %ld minutes ago (%s).", mins), mins, when);
	else
		buf_addf(b, ngettext("The local copy, fetched %ld hour ago (%s).",
				     "The local copy, fetched %ld hours ago (%s).", mins / 60), mins / 60, when);
	buf_addc(b, '\n');
}

static void
text_lines(struct cmd_ctx *ctx, struct buf *b, const struct crisis_info *c, int w)
{
	/* TRANSLATORS: a heading of the crisis view; %s is a country's ISO code. */
	buf_addf(b, _("Crisis lines (%s):"), c->country != NULL ? c->country : "?");
	buf_addc(b, '\n');
	if (no_line_reason(c) != NULL)
		buf_addf(b, "  %s\n", no_line_reason(c));
	for (size_t i = 0; i < c->nlines; i++) {
		add_phone_line(b, c->lines[i].phone, w, c->lines[i].name, c->lines[i].area,
			       c->lines[i].languages);
		if (c->lines[i].comment != NULL) {
			buf_adds(b, "    ");
			add_safe(b, c->lines[i].comment, false);
			buf_addc(b, '\n');
		}
	}
	if (c->from_cache && c->nlines > 0)
		add_age(ctx, b, c);
}

static void
text_plan(struct buf *b, const struct safety_plan *p, const struct error *perr)
{
	buf_addf(b, "%s\n", _("Safety plan:"));
	if (p->id == NULL) {
		buf_addf(b, "  %s\n", no_plan_reason(p, perr));
		return;
	}
	for (int i = 0; i < SAFETY_STEPS; i++) {
		char *safe = sanitize_display(p->step[i], (size_t)-1, SAN_KEEP_NEWLINES);

		buf_addf(b, "  %d. %s\n", i + 1, safety_step_heading(i));
		/* Each of the step's lines indented under its heading. */
		for (const char *l = safe; *l != '\0';) {
			size_t n = strcspn(l, "\n");

			buf_addf(b, "     %.*s\n", (int)n, l);
			l += n;
			if (*l == '\n')
				l++;
		}
		free(safe);
	}
}

static char *
crisis_text(struct cmd_ctx *ctx, const struct crisis_info *c, const struct safety_plan *p,
	    const struct error *perr)
{
	struct buf b;
	int w = crisis_phone_width(c);

	buf_init(&b);
	text_lines(ctx, &b, c, w);
	buf_addf(&b, "%s\n", _("Emergency contact:"));
	if (c->ncontacts == 0)
		buf_addf(&b, "  %s\n", _("No emergency contact is recorded for this client."));
	for (size_t i = 0; i < c->ncontacts; i++)
		add_phone_line(&b, c->contacts[i].phone, w, c->contacts[i].name, NULL, NULL);
	text_plan(&b, p, perr);
	return buf_steal(&b);
}

HANDLER(cmd_crisis)
{
	struct crisis_info c;
	struct safety_plan p;
	struct error perr;
	bool front;

	(void)e;
	if (!crisis_get(&ctx->session, a->argv[0], &c, err))
		return false;
	/* The plan is shown when it can be had; the lines matter more. A front
	 * desk sees the lines and the contact, not the plan: it is clinical. */
	memset(&p, 0, sizeof p);
	error_clear(&perr);
	front = flag_user_front_desk(&ctx->session, &perr);
	error_clear(&perr);
	if (front)
		error_set(&perr, ERR_FORBIDDEN, "%s", PLAN_CLINICAL);
	else if (!safety_plan_get(&ctx->session, a->argv[0], &p, &perr))
		memset(&p, 0, sizeof p);
	else if (p.id != NULL)
		audit_plan(ctx, AUDIT_VIEW, a->argv[0], &p);
	if (ctx->fmt == FMT_TABLE)
		result_take_text(ctx->result, crisis_text(ctx, &c, &p, &perr));
	else
		crisis_records(ctx, &c, &p, &perr);
	safety_plan_finish(&p);
	crisis_info_finish(&c);
	return true;
}

const struct cmd_entry cmd_entry_crisis = {
	.name = "crisis",
	.usage = N_("PATIENT-ID"),
	.summary = N_("Show what a client in crisis needs: the crisis lines for their country, their emergency contact and their safety plan."),
	.args = { 1, 1, { { KIND_PATIENT } } },
	.flags = CMD_SESSION,
	.exec = cmd_crisis,
};
