/* cmd/measure.c - a client's measures: measures, measure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/date.h"
#include "core/flag.h"
#include "core/i18n.h"
#include "core/instrument.h"
#include "core/measure.h"
#include "core/xmalloc.h"

static const struct out_col measure_cols[] = {
	{ "instrument", N_("Instrument"), false },
	{ "schedule", N_("Schedule"), false },
	{ "last_given", N_("Last given"), false },
	{ "score", N_("Score"), false },
	{ "due", N_("Due"), false },
	{ "session", N_("At session"), false },
	{ "appointment_id", N_("Appointment"), true },
};
#define MEASURE_NCOLS (sizeof measure_cols / sizeof measure_cols[0])

/* The session a measure is due at: the client's first from the start of
 * today that counts as one, or, when none is booked, a session now. */
static struct appointment
next_session(const struct measure_book *b, const char *patient_id)
{
	struct appointment now = { .patient_id = (char *)patient_id, .start = clock_now() };
	const struct appointment *best = NULL;
	time_t from = date_start(date_today());

	for (size_t i = 0; i < b->sessions.n; i++) {
		const struct appointment *a = &b->sessions.v[i];

		if (a->patient_id != NULL && strcmp(a->patient_id, patient_id) == 0 && a->start >= from &&
		    measure_session_counts(a) && (best == NULL || a->start < best->start))
			best = a;
	}
	return best != NULL ? *best : now;
}

struct measure_row {
	char last[26], at[26], score[16];
};

static void
measure_row(struct cmd_ctx *ctx, const struct measure_book *b, const struct appointment *at,
	    const struct measure *ms, bool due, bool front_desk)
{
	bool table = ctx->fmt == FMT_TABLE;
	const struct score *sc = NULL;
	time_t last = measure_book_last(b, at->patient_id, ms->in, at->start, NULL, &sc);
	struct measure_row r;
	const char *v[MEASURE_NCOLS];

	snprintf(r.score, sizeof r.score, "%d", sc != NULL ? sc->score : -1);
	v[0] = table ? ms->in->name : ms->in->id;
	v[1] = table ? measure_every_label(ms->every) : measure_every_codes[ms->every];
	/* A front desk sees that a measure is due, not when it was given or
	 * what it scored. */
	v[2] = front_desk ? NULL : cmd_time(ctx, last, r.last);
	v[3] = front_desk || sc == NULL || sc->score < 0 ? NULL : r.score;
	/* TRANSLATORS: whether a measure is due at the client's session. */
	v[4] = due ? (table ? _("due") : "true") : (table ? _("no") : "false");
	v[5] = at->id != NULL ? cmd_time(ctx, at->start, r.at) : NULL;
	v[6] = at->id;
	result_row(ctx->result, v);
}

HANDLER(cmd_measures)
{
	const char *patient = a->argv[0];
	struct measure_book b;
	const struct measure_plan *p;
	struct appointment at;
	bool due[MEASURE_MAX], front;

	(void)e;
	measure_book_init(&b, date_start(date_add_days(date_today(), -MEASURE_LOOKBACK_DAYS)));
	front = flag_user_front_desk(&ctx->session, err);
	error_clear(err);
	b.dates_only = front;
	if (!measure_book_query(&ctx->session, &patient, 1, clock_now() + 366 * 24 * 3600, &b, err))
		return false;
	at = next_session(&b, patient);
	p = measure_book_plan(&b, patient);
	result_records(ctx->result, measure_cols, MEASURE_NCOLS, _("No measures are scheduled for this client."));
	if (p != NULL) {
		(void)measure_book_due(&b, &at, NULL, due);
		for (size_t i = 0; i < p->n; i++)
			measure_row(ctx, &b, &at, &p->v[i], due[i], front);
	}
	if (ctx->fmt == FMT_TABLE && p != NULL && p->n > 0 && at.id == NULL)
		result_after(ctx->result, _("The client has no session booked: due is as at a session now."));
	measure_book_finish(&b);
	return true;
}

const struct cmd_entry cmd_entry_measures = {
	.name = "measures",
	.usage = N_("PATIENT-ID"),
	.summary = N_("List a client's measures (which instrument, how often), when each was last given and whether it is due at the client's next session."),
	.args = { 1, 1, { { KIND_PATIENT } } },
	.flags = CMD_SESSION,
	.exec = cmd_measures,
};

static const struct cmd_word every_words[] = {
	{ "every-session", N_("Due at every session with no score since the session before.") },
	{ "every-other-session", N_("Due at every other session: no score since the second session before.") },
	{ "monthly", N_("Due when the last score is more than 30 days before the session.") },
	{ "off", N_("No longer given.") },
	{ NULL, NULL },
};

/* Before anything is written or queued: the instrument known. */
HANDLER(check_measure)
{
	(void)ctx;
	(void)e;
	if (instrument_find(a->argv[1]) == NULL)
		return error_set(err, ERR_USAGE, _("'%s' is not an instrument ezrizi knows; use one of %s."),
				 a->argv[1], instrument_ids());
	return true;
}

HANDLER(cmd_measure)
{
	const struct instrument *in;
	struct measure_plan p;
	bool already;
	int every = measure_every_parse(a->argv[2]);

	if (!check_measure(ctx, e, a, err))
		return false;
	in = instrument_find(a->argv[1]);
	if (!measure_set(&ctx->session, a->argv[0], in, (enum measure_every)every, &p, &already, err))
		return false;
	if (ctx->fmt == FMT_TABLE) {
		if (already)
			result_say(ctx->result, _("%s was %s for this client already; nothing was written."),
				   in->name, measure_every_label((enum measure_every)every));
		else
			/* TRANSLATORS: "PHQ-9 is now every session for this client." */
			result_say(ctx->result, _("%s is now %s for this client."), in->name,
				   measure_every_label((enum measure_every)every));
	}
	measure_plan_finish(&p);
	return true;
}

const struct cmd_entry cmd_entry_measure = {
	.name = "measure",
	.usage = N_("PATIENT-ID INSTRUMENT every-session|every-other-session|monthly|off"),
	.summary = N_("Set how often a client is given an instrument (phq9, gad7, who5, cssrs), or stop it; the schedule is kept on the server with the client's care plans."),
	.args = { 3, 3, { { KIND_PATIENT }, { KIND_NONE }, { KIND_CHOICE, every_words } } },
	.flags = CMD_SESSION | CMD_QUEUES,
	.exec = cmd_measure,
	.check = check_measure,
};
