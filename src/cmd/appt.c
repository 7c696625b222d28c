/* cmd/appt.c - appointments, slots and booking commands. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/appt.h"
#include "core/i18n.h"
#include "core/xmalloc.h"

static const struct out_col appt_cols[] = {
	{ "id", N_("Id"), false },
	{ "start", N_("Start"), false },
	{ "end", N_("End"), false },
	{ "status", N_("Status"), false },
	{ "patient_id", N_("Client id"), true },
	{ "patient_name", N_("Client"), false },
	{ "practitioner_id", N_("Counsellor id"), true },
	{ "practitioner_name", N_("Counsellor"), false },
	{ "slot_id", N_("Slot"), true },
	{ "service", N_("Service"), true },
	{ "comment", N_("Comment"), true },
	{ "cancel_reason", N_("Cancelled because"), true },
};
#define APPT_NCOLS (sizeof appt_cols / sizeof appt_cols[0])

static void
appt_values(const struct cmd_ctx *ctx, const struct appointment *a, char start[26], char end[26],
	    const char *v[APPT_NCOLS])
{
	v[0] = a->id;
	v[1] = cmd_time(ctx, a->start, start);
	v[2] = cmd_time(ctx, a->end, end);
	if (ctx->fmt == FMT_TABLE && a->end != 0) {
		/* Same day: the end as HH:MM is enough for people. */
		char hm[6];

		instant_format_hm(a->end, hm);
		memcpy(end, hm, sizeof hm);
	}
	v[3] = ctx->fmt == FMT_TABLE ? appt_status_label(a->status) : a->status;
	v[4] = a->patient_id;
	v[5] = a->patient_name;
	v[6] = a->practitioner_id;
	v[7] = a->practitioner_name;
	v[8] = a->slot_id;
	v[9] = a->service;
	v[10] = a->comment;
	v[11] = a->cancel_reason;
}

static void
print_appt(struct cmd_ctx *ctx, const struct appointment *a)
{
	static const struct out_col record_cols[APPT_NCOLS] = {
		{ "id", N_("Id"), false }, { "start", N_("Start"), false }, { "end", N_("End"), false },
		{ "status", N_("Status"), false }, { "patient_id", N_("Client id"), false },
		{ "patient_name", N_("Client"), false }, { "practitioner_id", N_("Counsellor id"), false },
		{ "practitioner_name", N_("Counsellor"), false }, { "slot_id", N_("Slot"), false },
		{ "service", N_("Service"), false }, { "comment", N_("Comment"), false },
		{ "cancel_reason", N_("Cancelled because"), false },
	};
	const char *v[APPT_NCOLS];
	char start[26], end[26];

	appt_values(ctx, a, start, end, v);
	if (ctx->fmt == FMT_TABLE)
		v[2] = cmd_time(ctx, a->end, end);
	result_record(ctx->result, record_cols, APPT_NCOLS, v, NULL);
}

static const struct cmd_option appointments_opts[] = {
	{ .name = "date", .metavar = N_("DAY"), .flags = OPT_VALUE, .kind = KIND_DAY,
	  .help = N_("the day to list (default today)") },
	{ .name = "from", .metavar = N_("DAY"), .flags = OPT_VALUE, .kind = KIND_DAY,
	  .help = N_("the first day of a range") },
	{ .name = "to", .metavar = N_("DAY"), .flags = OPT_VALUE, .kind = KIND_DAY,
	  .help = N_("the last day of a range (default: the first day)") },
	{ .name = "practitioner", .metavar = N_("ID"), .flags = OPT_VALUE, .kind = KIND_PRACTITIONER,
	  .help = N_("a counsellor's id, 'me' (the default) or 'all'") },
	{ .name = "patient", .metavar = N_("ID"), .flags = OPT_VALUE, .kind = KIND_PATIENT,
	  .help = N_("only this client's appointments") },
	{ .name = "status", .metavar = N_("STATUS"), .flags = OPT_VALUE, .choices = appt_statuses,
	  .kind = KIND_CHOICE,
	  .help = N_("only this status: proposed, pending, booked, arrived (or checked-in: the same), fulfilled, cancelled, noshow, entered-in-error, waitlist") },
	{ NULL },
};

HANDLER(cmd_appointments)
{
	struct session *s = &ctx->session;
	struct appt_query q = { 0 };
	struct appt_list l;
	const char *prac = cmd_opt(e, a, "practitioner");

	if (!cmd_date_range(e, a, 1, &q.from, &q.to, err))
		return false;
	q.patient = cmd_opt(e, a, "patient");
	q.status = cmd_opt(e, a, "status");
	if (prac != NULL && strcmp(prac, "all") == 0)
		q.practitioner = NULL;
	else if (prac == NULL && q.patient != NULL)
		q.practitioner = NULL;  /* a client's appointments: with anyone */
	else if ((q.practitioner = session_practitioner(s, prac, err)) == NULL)
		return false;
	if (!appt_query(s, &q, &l, err))
		return false;
	result_records(ctx->result, appt_cols, APPT_NCOLS, _("No appointments."));
	for (size_t i = 0; i < l.n; i++) {
		const char *v[APPT_NCOLS];
		char start[26], end[26];

		appt_values(ctx, &l.v[i], start, end, v);
		result_row(ctx->result, v);
	}
	appt_list_finish(&l);
	return true;
}

const struct cmd_entry cmd_entry_appointments = {
	.name = "appointments",
	.summary = N_("List appointments (default: today's, yours)."),
	.opts = appointments_opts,
	.flags = CMD_SESSION,
	.exec = cmd_appointments,
};

HANDLER(cmd_appointment)
{
	struct appointment ap;

	(void)e;
	if (!appt_get(&ctx->session, a->argv[0], &ap, err))
		return false;
	print_appt(ctx, &ap);
	appointment_finish(&ap);
	return true;
}

const struct cmd_entry cmd_entry_appointment = {
	.name = "appointment",
	.usage = N_("ID"),
	.summary = N_("Show one appointment."),
	.args = { 1, 1, { { KIND_APPOINTMENT } } },
	.flags = CMD_SESSION,
	.exec = cmd_appointment,
};

static const struct cmd_option slots_opts[] = {
	{ .name = "practitioner", .metavar = N_("ID"), .flags = OPT_VALUE, .kind = KIND_PRACTITIONER,
	  .help = N_("a counsellor's id or 'me'") },
	{ .name = "language", .metavar = N_("LANG"), .flags = OPT_VALUE,
	  .help = N_("counsellors who speak this language (ar, ur, ms, tr, en)") },
	{ .name = "date", .metavar = N_("DAY"), .flags = OPT_VALUE, .kind = KIND_DAY, .help = N_("one day") },
	{ .name = "from", .metavar = N_("DAY"), .flags = OPT_VALUE, .kind = KIND_DAY,
	  .help = N_("the first day (default today)") },
	{ .name = "to", .metavar = N_("DAY"), .flags = OPT_VALUE, .kind = KIND_DAY,
	  .help = N_("the last day (default: a week from the first)") },
	{ NULL },
};

HANDLER(cmd_slots)
{
	static const struct out_col cols[] = {
		{ "id", N_("Slot"), false },
		{ "start", N_("Start"), false },
		{ "end", N_("End"), false },
		{ "practitioner_id", N_("Counsellor id"), true },
		{ "practitioner_name", N_("Counsellor"), false },
	};
	struct slot_query q = { 0 };
	struct slot_list l;
	const char *prac = cmd_opt(e, a, "practitioner");

	if (!cmd_date_range(e, a, 7, &q.from, &q.to, err))
		return false;
	q.language = cmd_opt(e, a, "language");
	if (prac != NULL && (q.practitioner = session_practitioner(&ctx->session, prac, err)) == NULL)
		return false;
	if (!slot_query(&ctx->session, &q, &l, err))
		return false;
	result_records(ctx->result, cols, sizeof cols / sizeof cols[0], _("No free slots."));
	for (size_t i = 0; i < l.n; i++) {
		char start[26], end[26];
		const char *v[5];

		v[0] = l.v[i].slot.id;
		v[1] = cmd_time(ctx, l.v[i].slot.start, start);
		v[2] = cmd_time(ctx, l.v[i].slot.end, end);
		if (ctx->fmt == FMT_TABLE)
			instant_format_hm(l.v[i].slot.end, end);
		v[3] = l.v[i].practitioner_id;
		v[4] = l.v[i].practitioner_name;
		result_row(ctx->result, v);
	}
	slot_list_finish(&l);
	return true;
}

const struct cmd_entry cmd_entry_slots = {
	.name = "slots",
	.summary = N_("List free slots (default: the coming week)."),
	.opts = slots_opts,
	.flags = CMD_SESSION,
	.exec = cmd_slots,
};

/* What a write did: the appointment, after a one-line confirmation for people
 * (machine formats get the record only). */
static bool
done(struct cmd_ctx *ctx, struct appointment *ap, const char *what)
{
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, "%s", what);
	print_appt(ctx, ap);
	appointment_finish(ap);
	return true;
}

static const char *const appt_types[] = { "routine", "followup", "walkin", "checkup", "emergency", NULL };

static const struct cmd_option book_opts[] = {
	{ .name = "slot", .metavar = N_("ID"), .flags = OPT_VALUE | OPT_REQUIRED, .kind = KIND_SLOT,
	  .help = N_("the free slot to book") },
	{ .name = "patient", .metavar = N_("ID"), .flags = OPT_VALUE | OPT_REQUIRED, .kind = KIND_PATIENT,
	  .help = N_("the client") },
	{ .name = "type", .metavar = N_("TYPE"), .flags = OPT_VALUE, .choices = appt_types, .kind = KIND_CHOICE,
	  .help = N_("routine, followup, walkin, checkup or emergency") },
	{ .name = "comment", .metavar = N_("TEXT"), .flags = OPT_VALUE, .kind = KIND_TEXT,
	  .help = N_("a comment for the counsellor") },
	{ .name = "allow-overlap", .help = N_("book even if the client has another session at that time") },
	{ NULL },
};

HANDLER(cmd_book)
{
	struct booking b = {
		.slot_id = cmd_opt(e, a, "slot"),
		.patient_id = cmd_opt(e, a, "patient"),
		.type = cmd_opt(e, a, "type"),
		.comment = cmd_opt(e, a, "comment"),
		.allow_overlap = cmd_flag(e, a, "allow-overlap"),
	};
	struct appointment ap;

	if (!appt_book(&ctx->session, &b, &ap, err))
		return false;
	return done(ctx, &ap, _("Booked."));
}

const struct cmd_entry cmd_entry_book = {
	.name = "book",
	.summary = N_("Book a free slot for a client."),
	.opts = book_opts,
	.flags = CMD_SESSION | CMD_QUEUES,
	.exec = cmd_book,
};

static const struct cmd_option reschedule_opts[] = {
	{ .name = "slot", .metavar = N_("ID"), .flags = OPT_VALUE | OPT_REQUIRED, .kind = KIND_SLOT,
	  .help = N_("the free slot to move to") },
	{ .name = "allow-overlap", .help = N_("move even if the client has another session at that time") },
	{ NULL },
};

HANDLER(cmd_reschedule)
{
	struct appointment ap;

	if (!appt_reschedule(&ctx->session, a->argv[0], cmd_opt(e, a, "slot"),
			     cmd_flag(e, a, "allow-overlap"), &ap, err))
		return false;
	return done(ctx, &ap, _("Moved."));
}

const struct cmd_entry cmd_entry_reschedule = {
	.name = "reschedule",
	.usage = N_("ID"),
	.summary = N_("Move an appointment to another free slot."),
	.args = { 1, 1, { { KIND_APPOINTMENT } } },
	.opts = reschedule_opts,
	.flags = CMD_SESSION | CMD_QUEUES,
	.exec = cmd_reschedule,
};

static const struct cmd_option cancel_opts[] = {
	{ .name = "reason", .metavar = N_("TEXT"), .flags = OPT_VALUE, .kind = KIND_TEXT,
	  .help = N_("why it is cancelled") },
	{ NULL },
};

HANDLER(cmd_cancel)
{
	struct appointment ap;

	if (!appt_cancel(&ctx->session, a->argv[0], cmd_opt(e, a, "reason"), &ap, err))
		return false;
	return done(ctx, &ap, _("Cancelled; the slot is free again."));
}

const struct cmd_entry cmd_entry_cancel = {
	.name = "cancel",
	.usage = N_("ID"),
	.summary = N_("Cancel an appointment and free its slot."),
	.args = { 1, 1, { { KIND_APPOINTMENT } } },
	.opts = cancel_opts,
	.flags = CMD_SESSION | CMD_QUEUES,
	.exec = cmd_cancel,
};

static const struct cmd_option status_opts[] = {
	{ .name = "any-day", .help = N_("also for an appointment of another day than today") },
	{ NULL },
};

HANDLER(cmd_checkin)
{
	struct appt_status_change c = { "arrived", cmd_flag(e, a, "any-day"), ctx->made_at };
	struct appointment ap;

	if (!appt_set_status(&ctx->session, a->argv[0], &c, &ap, err))
		return false;
	return done(ctx, &ap, _("Checked in."));
}

const struct cmd_entry cmd_entry_checkin = {
	.name = "checkin",
	.usage = N_("ID"),
	.summary = N_("Check a client in for an appointment."),
	.args = { 1, 1, { { KIND_APPOINTMENT } } },
	.opts = status_opts,
	.flags = CMD_SESSION | CMD_QUEUES,
	.exec = cmd_checkin,
};

HANDLER(cmd_noshow)
{
	struct appt_status_change c = { "noshow", cmd_flag(e, a, "any-day"), ctx->made_at };
	struct appointment ap;

	if (!appt_set_status(&ctx->session, a->argv[0], &c, &ap, err))
		return false;
	return done(ctx, &ap, _("Marked as a no-show."));
}

const struct cmd_entry cmd_entry_noshow = {
	.name = "noshow",
	.usage = N_("ID"),
	.summary = N_("Mark an appointment as a no-show."),
	.args = { 1, 1, { { KIND_APPOINTMENT } } },
	.opts = status_opts,
	.flags = CMD_SESSION | CMD_QUEUES,
	.exec = cmd_noshow,
};
