/* handlers.h - the command handlers, by domain (the files of src/cmd); the table in
 * src/cmd.c is the only caller. */
#ifndef EZRIZI_CMD_HANDLERS_H
#define EZRIZI_CMD_HANDLERS_H

#include "core/cmd.h"
#include "core/date.h"

#define HANDLER(name) bool name(struct cmd_ctx *ctx, const struct cmd_entry *e, \
				const struct cmd_args *a, struct error *err)

/* appt.c */
HANDLER(cmd_appointments);
HANDLER(cmd_appointment);
HANDLER(cmd_slots);
HANDLER(cmd_book);
HANDLER(cmd_reschedule);
HANDLER(cmd_cancel);
HANDLER(cmd_checkin);
HANDLER(cmd_noshow);
/* people.c */
HANDLER(cmd_patients);
HANDLER(cmd_patient);
HANDLER(cmd_login);
HANDLER(cmd_logout);
HANDLER(cmd_whoami);
/* note.c */
HANDLER(cmd_notes);
HANDLER(cmd_note);
HANDLER(cmd_note_add);
HANDLER(cmd_note_edit);
/* chat.c */
HANDLER(cmd_chat);
HANDLER(cmd_send);
/* cache.c */
HANDLER(cmd_unlock);
HANDLER(cmd_lock);
HANDLER(cmd_passwd);
HANDLER(cmd_cache_verify);
HANDLER(cmd_cache_wipe);
HANDLER(cmd_outbox);
HANDLER(cmd_outbox_discard);
HANDLER(cmd_outbox_retry);
HANDLER(cmd_sync);
/* cmd.c */
HANDLER(cmd_help_cmd);
HANDLER(cmd_version);

/* Shared by the handlers: a date option relative to today. */
bool cmd_date_opt(const struct cmd_entry *e, const struct cmd_args *a, const char *name,
		  struct civil_date *out, bool *given, struct error *err);
/* --date D | --from D --to D, defaulting to today..today+days-1. */
bool cmd_date_range(const struct cmd_entry *e, const struct cmd_args *a, int days,
		    struct civil_date *from, struct civil_date *to, struct error *err);
/* A --limit option: 1..max, def when absent. */
bool cmd_limit(const struct cmd_entry *e, const struct cmd_args *a, size_t def, size_t max,
	       size_t *out, struct error *err);

/* An instant as the output format wants it: "2026-11-26 09:00" in tables, ISO
 * 8601 with the local offset otherwise; "" for 0. */
const char *cmd_time(const struct cmd_ctx *ctx, time_t t, char out[static 26]);

#endif
