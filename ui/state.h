/* state.h - what the screen shows: the day's appointments, and per client
 * (cached by patient id) the notes and the chat. The panes draw from this.
 *
 * Fetches run on the loop (fhir_search_start): tui_start_work() starts what is
 * pending, their callbacks update the model and mark the panes dirty, and no
 * key ever waits for the network. Every poll_interval seconds tui_poll() looks
 * again: the day's list (redrawn only when it changed) and the open chat (only
 * what was sent since the last message). */
#ifndef EZRIZI_UI_STATE_H
#define EZRIZI_UI_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/appt.h"
#include "core/chat.h"
#include "core/cmd.h"
#include "core/date.h"
#include "core/notes.h"
#include "ui/keys.h"
#include "ui/mode.h"
#include "ui/pane.h"

enum load_state {
	LOAD_PENDING,   /* wanted: tui_start_work() starts it */
	LOAD_RUNNING,   /* the first fetch is under way */
	LOAD_OK,
	LOAD_FAILED,
};

/* One fetched thing: its state, when it was last fetched, and whether the last
 * look again failed (then the pane says how old it is). */
struct freshness {
	enum load_state state;
	struct fhir_search *fs;      /* a fetch under way, first or again */
	time_t at;                   /* the last successful fetch (wall clock) */
	bool stale;                  /* the last look again failed */
	char *err;                   /* sanitised, when failed */
};

struct client {
	struct tui *t;
	char *patient_id;
	time_t read_mark;            /* messages after this were unread when opened */
	char *outgoing;              /* a message being sent, or that failed */
	bool outgoing_failed;
	struct freshness notes_f, chat_f;
	struct note_list notes;
	struct message_list chat;
	unsigned gen;                /* changes whenever anything above does */
};

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

	/* Today's appointments. */
	struct civil_date day;       /* the day shown (the week's Monday in week view) */
	struct civil_date today;     /* the calendar day when last looked */
	const char *practitioner;    /* NULL: everyone's */
	bool everyone;
	struct freshness appt_f;
	struct appt_list appts;
	size_t sel;
	size_t shown;                /* the appointment whose client the right panes show */
	long long settle_at;         /* when the right panes follow sel (0: they do) */
	char *keep_sel_id;           /* re-select this appointment after a reload (until the user selects) */
	unsigned appt_gen;

	struct client **clients;
	size_t n_clients;
	unsigned gen;                /* source of generations */

	struct pane panes[PANE_COUNT];
	int focus;
	bool fresh_shown[PANE_COUNT];  /* the pane shows an "as of" note */

	int poll_interval;           /* seconds */
	long long next_poll;         /* monotonic ms */

	struct keymap keys;
	struct cmdline *cmdline;     /* the ':' line (open while mode_cmdline is on) */
	char *confirm;               /* a command waiting for y (while mode_confirm is on) */
	char *answering;             /* ... taken while a key answers it (answer yes runs it) */
	char *text_cmd;              /* a command waiting for its free text (the text command) */
	bool text_asks;              /* ... and then asks before it runs (a cancel) */
	char *last_failed;           /* the last command that failed, for "retry" */
	struct ui_job *job;          /* what runs and may wait for the server (ui/job.h), or NULL */
	bool quitting;               /* quit once the job has ended (q again: stop waiting) */

	/* A full-screen text over the panes (mode_overlay): help, or a command's output. */
	char *overlay_title;
	char *overlay_text;
	bool overlay_help;           /* the help, built for its width; else a command's output, cut */
	struct text_view overlay_view;

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
	bool week;                   /* the list shows the week, not the day */
	const char *status_filter;   /* only appointments of this status, or NULL */
	char *filter_prac;           /* the counsellor chosen with filter, owned */

	/* The free-slot picker (mode_picker): choose, then book or move. */
	int picker_pick;             /* what Enter does: pick-slot's word (book, reschedule) */
	struct slot_list picker_slots;
	char *picker_appt_id;        /* the appointment it was opened for */
	char *picker_patient_id;     /* ... and its client (NULL: none) */
	struct list picker_list;

	/* Messages from clients since the screen opened, per client, until read. */
	/* since: just before the first unread message; latest: the newest. */
	struct unread { char *patient_id; int n; time_t since, latest; } *unread;
	size_t n_unread;
	struct fhir_search *inbox_fs;
	struct fhir_search *schedule_fs;  /* start_with = auto: does "me" have a schedule? */
	char *schedule_me;                /* ... "me", for it */
	bool start_auto;                  /* that is to be asked (once a start) */
	bool whose_auto;                  /* the view is that choice (no filter since) */
	time_t inbox_since;
	bool bell;
	size_t outbox_n;             /* writes waiting for the server (title badge) */
	char *draft;                 /* a note not saved yet (sodium_malloc'd copy is overkill: wiped on free) */
	char *draft_patient;

	char *status_err;            /* sanitised; NULL shows the key hints */
	char *status_msg;            /* sanitised confirmation ("Booked."), or NULL */
	char clock[96];
	bool title_dirty, status_dirty, relayout, quit;
};

void tui_state_init(struct tui *t, struct cmd_ctx *ctx, struct session *s);
void tui_state_finish(struct tui *t);

/* The selected appointment, or NULL. */
const struct appointment *tui_appt(const struct tui *t);
/* The appointment whose client the notes and chat panes show: the selected one
 * once the selection has rested a moment (moving down a list over SSH does not
 * repaint both panes at every row passed). */
const struct appointment *tui_shown_appt(const struct tui *t);
/* The right panes follow the selection now. */
void tui_settle(struct tui *t);
/* Milliseconds until they follow it by themselves. */
int tui_ms_to_settle(const struct tui *t);
/* The shown appointment's client (created on first use, its loads pending),
 * or NULL when there is no appointment or it names no client. */
struct client *tui_client(struct tui *t);
/* The client with this id among those the screen holds, or NULL (never made
 * here): what a job looks up again when it ends. */
struct client *tui_find_client(struct tui *t, const char *patient_id);
/* A message was sent to the client: a fetch of their chat begun before it is
 * begun again (tui_poll or the next turn's work), so the chat shows it. */
void tui_chat_sent(struct tui *t, const char *patient_id);
/* Selects appointment i; the notes and chat panes follow. */
void tui_select(struct tui *t, size_t i);
/* The session is under way at now (its row is marked ▸). A list opens on
 * the first such row, else on its first row; after a reload, on the
 * appointment selected before, while it is still there. */
bool tui_under_way(const struct appointment *a, time_t now);
/* Forgets everything fetched and loads again. */
void tui_reload(struct tui *t);
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

/* Starts the pending fetches. */
void tui_start_work(struct tui *t);
/* Looks again for new data (the loop calls it every poll_interval seconds). */
void tui_poll(struct tui *t);
/* Milliseconds until the next look again. */
int tui_ms_to_poll(const struct tui *t);
/* "as of 14:05" when f is not fresh (new string), else NULL. */
char *tui_freshness_note(const struct tui *t, const struct freshness *f);
/* The "as of" note of pane i's data (new string), or NULL when fresh. */
char *pane_fresh_note(struct tui *t, int pane);
/* The first day of the list: the day, or its week's Monday in week view. */
struct civil_date tui_first_day(const struct tui *t);
/* A monotonic clock in milliseconds. */
long long tui_now_ms(void);

/* The screen is locked (mode_lock is on). */
bool tui_locked(const struct tui *t);
/* The overlay or the picker is on. */
bool tui_overlay_on(const struct tui *t);

/* Unread messages from the client (0 when none). */
int tui_unread(const struct tui *t, const char *patient_id);
/* The client's chat is on screen: what it shows is read. A message counts as
 * read only once it has been on screen: while the chat shown is older than the
 * newest unread message, the mark stays and the chat is fetched. */
void tui_mark_read(struct tui *t, struct client *c);

#endif
