/* state.h - the screen: its model (ui/model.h: the appointments, the clients,
 * the unread messages, the outbox's count, the day, the filter), and around it
 * the view's own state: the panes, the modes, the key map, the status line's
 * message, the lock. The model tells the screen what changed (which panes to
 * draw again, an error, a bell); the panes draw from the model alone. */
#ifndef EZRIZI_UI_STATE_H
#define EZRIZI_UI_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/appt.h"
#include "core/cmd.h"
#include "ui/keys.h"
#include "ui/mode.h"
#include "ui/model.h"
#include "ui/pane.h"

struct cmdline;
struct tui_loop;
struct view;

enum { PANE_APPT, PANE_NOTES, PANE_CHAT, PANE_COUNT };

struct tui {
	const struct tui_loop *loop; /* what the loop lends (ui/loop.h); NULL without one */
	struct cmd_ctx *ctx;
	struct view *view;           /* the windows (ui/view.h); NULL without a screen */
	struct mode_stack modes;     /* lock, prompts, overlay, picker... (ui/mode.h) */
	struct session *s;
	char *host, *user;           /* for the title, sanitised */

	struct model m;              /* what the panes show */

	struct pane panes[PANE_COUNT];
	int focus;
	bool fresh_shown[PANE_COUNT];  /* the pane shows an "as of" note */

	struct keymap keys;
	struct cmdline *cmdline;     /* the ':' line (open while mode_cmdline is on) */
	char *confirm;               /* a command waiting for y (while mode_confirm is on) */
	char *answering;             /* ... taken while a key answers it (answer yes runs it) */
	char *text_cmd;              /* a command waiting for its free text (the text command) */
	bool text_asks;              /* ... and then asks before it runs (a cancel) */
	char *last_failed;           /* the last command that failed, for "retry" */
	struct ui_job *job;          /* what runs and may wait for the server (ui/job.h), or NULL */
	/* The notes owed, on the title bar (ui/worklist_count.c): -1 unknown. */
	long worklist_n;
	long worklist_limit;         /* draft_limit_hours */
	bool worklist_asking;
	long long worklist_next;     /* when to count again at the latest (clock_mono_ms) */
	unsigned worklist_gen;       /* the model's owed_gen at the last count */
	unsigned locked_skips;       /* looks due while locked (one in four is made) */
	time_t worklist_at;          /* when it was (a session ending after counts again) */
	bool quitting;               /* quit once the job has ended (q again: stop waiting) */

	/* A full-screen text over the panes (mode_overlay): help, or a command's output. */
	char *overlay_title;
	char *overlay_text;
	bool overlay_help;           /* the help, built for its width; else a command's output, cut */
	bool overlay_crisis;         /* the crisis view, built for its width from the model */
	bool overlay_chart;          /* the selected client's score chart, the same */
	struct text_view overlay_view;

	/* An instrument being given (mode_form, ui/form.c), or NULL. */
	struct ui_form *form;

	/* The lock (mode_lock): nothing of a client shows until the password is typed. */
	bool lock_dirty;
	bool lock_can_unlock;        /* a passphrase or a password can unlock it */
	int secret_step;             /* changing the passphrase (mode_secret): 1 old, 2 new, 3 again */
	char *sec_old, *sec_new;     /* sodium_malloc'd, wiped */
	char *lock_input;            /* sodium_malloc'd */
	size_t lock_len;
	long long last_key;          /* monotonic ms */
	long lock_after_ms;          /* 0: never */
	/* The store did not open at the unlock because another ezrizi holds it
	 * alone (a new passphrase, a salvage): when to try again (monotonic ms;
	 * 0: not waiting for it). Tried on the loop's timer, never waited for. */
	long long store_retry_at;

	/* The free-slot picker (mode_picker): choose, then book or move. */
	int picker_pick;             /* what Enter does: pick-slot's word (book, reschedule) */
	struct slot_list picker_slots;
	char *picker_appt_id;        /* the appointment it was opened for */
	char *picker_patient_id;     /* ... and its client (NULL: none) */
	struct list picker_list;

	bool bell;
	char *draft;                 /* a note not saved yet (sodium_malloc'd copy is overkill: wiped on free) */
	char *draft_patient;
	char *plan_draft;            /* a safety plan not saved yet, the same way */
	char *plan_draft_patient;
	char *plan_draft_version;    /* ... the version of the plan it was made from, or NULL */

	char *status_err;            /* sanitised; NULL shows the key hints */
	char *status_msg;            /* sanitised confirmation ("Booked."), or NULL */
	char clock[96];
	bool title_dirty, status_dirty, relayout, quit;
};

void tui_state_init(struct tui *t, struct cmd_ctx *ctx, struct session *s);
void tui_state_finish(struct tui *t);

/* Marks the pane(s) showing the model dirty. */
void tui_mark(struct tui *t, int pane);
void tui_mark_all(struct tui *t);
/* Shows err (sanitised) in the status line. */
void tui_set_error(struct tui *t, const char *msg);
void tui_clear_error(struct tui *t);

/* Shows a confirmation (sanitised) in the status line until the next key. */
void tui_set_message(struct tui *t, const char *msg);
/* The same for a message of ours whose data the caller has sanitised and
 * isolated (ui/bidi.h: a name that must not pull a time across it): shown as
 * it is. */
void tui_set_message_ours(struct tui *t, const char *msg);

/* The screen is locked (mode_lock is on). */
bool tui_locked(const struct tui *t);
/* The overlay or the picker is on. */
bool tui_overlay_on(const struct tui *t);

#endif
