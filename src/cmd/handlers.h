/* handlers.h - the core's command entries, each declared next to its handler
 * in the files of src/cmd by domain (and batch in src/batch.c); the registry
 * in src/cmd.c gathers them. Also what the handlers share. */
#ifndef EZRIZI_CMD_HANDLERS_H
#define EZRIZI_CMD_HANDLERS_H

#include "core/cmd.h"
#include "core/date.h"

#define HANDLER(name) static bool name(struct cmd_ctx *ctx, const struct cmd_entry *e, \
				       const struct cmd_args *a, struct error *err)

/* appt.c */
extern const struct cmd_entry cmd_entry_appointments, cmd_entry_appointment, cmd_entry_slots,
	cmd_entry_book, cmd_entry_reschedule, cmd_entry_cancel, cmd_entry_checkin, cmd_entry_noshow;
/* assess.c */
extern const struct cmd_entry cmd_entry_assess;
/* audit.c */
extern const struct cmd_entry cmd_entry_audit;
/* escalate.c */
extern const struct cmd_entry cmd_entry_escalate, cmd_entry_escalations, cmd_entry_escalation_read;
/* flag.c */
extern const struct cmd_entry cmd_entry_flags, cmd_entry_flag_add, cmd_entry_flag_ack,
	cmd_entry_flag_close;
/* crisis.c */
extern const struct cmd_entry cmd_entry_crisis, cmd_entry_safety_plan, cmd_entry_safety_plan_write;
/* people.c */
extern const struct cmd_entry cmd_entry_patients, cmd_entry_patient, cmd_entry_login,
	cmd_entry_logout, cmd_entry_whoami;
/* note.c */
extern const struct cmd_entry cmd_entry_notes, cmd_entry_note, cmd_entry_note_add,
	cmd_entry_note_edit;
/* template.c */
extern const struct cmd_entry cmd_entry_note_template;
/* worklist.c */
extern const struct cmd_entry cmd_entry_worklist;
/* notesign.c: signing; and what note.c shows of it. */
struct note;
struct note_list;
extern const struct cmd_entry cmd_entry_note_sign, cmd_entry_note_cosign, cmd_entry_note_addendum;
void note_sign_values(const struct cmd_ctx *ctx, const struct note *n, char signed_at[26],
		      char addenda[24], const char *v[9]);
char *note_chain_text(const struct cmd_ctx *ctx, const struct note *n, const struct note_list *chain);
void print_note_chain(struct cmd_ctx *ctx, const struct note *n, const struct note_list *chain);
/* chat.c */
extern const struct cmd_entry cmd_entry_chat, cmd_entry_send;
/* lexicon.c */
extern const struct cmd_entry cmd_entry_lexicon;
/* measure.c */
extern const struct cmd_entry cmd_entry_measure, cmd_entry_measures;
/* scores.c */
extern const struct cmd_entry cmd_entry_scores;
/* cache.c */
extern const struct cmd_entry cmd_entry_unlock, cmd_entry_lock, cmd_entry_passwd,
	cmd_entry_cache_verify, cmd_entry_cache_wipe, cmd_entry_outbox, cmd_entry_outbox_discard,
	cmd_entry_outbox_retry, cmd_entry_sync;
/* help.c */
extern const struct cmd_entry cmd_entry_help, cmd_entry_version, cmd_entry_completion;
/* ../batch.c */
extern const struct cmd_entry cmd_entry_batch;

/* Shared by the handlers: a date option relative to today. */
bool cmd_date_opt(const struct cmd_entry *e, const struct cmd_args *a, const char *name,
		  struct civil_date *out, bool *given, struct error *err);
/* --date D | --from D --to D, defaulting to today..today+days-1. */
bool cmd_date_range(const struct cmd_entry *e, const struct cmd_args *a, int days,
		    struct civil_date *from, struct civil_date *to, struct error *err);
/* A --limit option: 1..max, def when absent. */
bool cmd_limit(const struct cmd_entry *e, const struct cmd_args *a, size_t def, size_t max,
	       size_t *out, struct error *err);

/* The free text of a command whose words after the first positional are it
 * (CMD_REST: send, escalate), or else its --file (or standard input), less a
 * trailing newline; at most max bytes read. Both given: a usage error saying
 * `both`. New string, or NULL with err. */
char *cmd_rest_text(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a,
		    size_t max, const char *both, struct error *err);

/* An instant as the output format wants it: "2026-11-26 09:00" in tables, ISO
 * 8601 with the local offset otherwise; "" for 0. */
const char *cmd_time(const struct cmd_ctx *ctx, time_t t, char out[static 26]);

#endif
