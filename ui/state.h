/* state.h - what the screen shows: today's appointments, and per client (cached
 * by patient id) the notes and the chat. The panes draw from this; the loop
 * runs the pending fetches one at a time and marks the panes dirty.
 *
 * Fetches are synchronous for now (the core runs libcurl's multi loop until the
 * answer comes); a fetch is "pending" until the loop runs it, so a pane can show
 * "Loading…" first. */
#ifndef EZRIZI_UI_STATE_H
#define EZRIZI_UI_STATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/appt.h"
#include "core/chat.h"
#include "core/cmd.h"
#include "core/date.h"
#include "core/notes.h"
#include "ui/pane.h"

enum load_state {
	LOAD_PENDING,
	LOAD_OK,
	LOAD_FAILED,
};

struct client {
	char *patient_id;
	enum load_state notes_state, chat_state;
	struct note_list notes;
	struct message_list chat;
	char *notes_err, *chat_err;  /* sanitised messages when failed */
	unsigned gen;                /* changes whenever anything above does */
};

enum { PANE_APPT, PANE_NOTES, PANE_CHAT, PANE_COUNT };

struct tui {
	struct cmd_ctx *ctx;
	struct session *s;
	char *host, *user;           /* for the title, sanitised */

	/* Today's appointments. */
	struct civil_date day;
	const char *practitioner;    /* NULL: everyone's */
	bool everyone;
	enum load_state appt_state;
	struct appt_list appts;
	char *appt_err;
	size_t sel;
	char *keep_sel_id;           /* re-select this appointment after a reload */
	unsigned appt_gen;

	struct client **clients;
	size_t n_clients;
	unsigned gen;                /* source of generations */

	struct pane panes[PANE_COUNT];
	int focus;

	char *status_err;            /* sanitised; NULL shows the key hints */
	char clock[17];
	bool title_dirty, status_dirty, relayout, too_small, quit;
};

void tui_state_init(struct tui *t, struct cmd_ctx *ctx, struct session *s);
void tui_state_finish(struct tui *t);

/* The selected appointment, or NULL. */
const struct appointment *tui_appt(const struct tui *t);
/* The selected appointment's client (created on first use, its loads pending),
 * or NULL when there is no appointment or it names no client. */
struct client *tui_client(struct tui *t);
/* Selects appointment i; the notes and chat panes follow. */
void tui_select(struct tui *t, size_t i);
/* Forgets everything fetched and loads again. */
void tui_reload(struct tui *t);
/* Marks the pane(s) showing the model dirty. */
void tui_mark(struct tui *t, int pane);
void tui_mark_all(struct tui *t);
/* Shows err (sanitised) in the status line. */
void tui_set_error(struct tui *t, const char *msg);
void tui_clear_error(struct tui *t);

/* True when a fetch is pending. */
bool tui_has_work(struct tui *t);
/* Runs one pending fetch and updates the model. */
void tui_do_work(struct tui *t);

#endif
