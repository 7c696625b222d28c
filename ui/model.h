/* model.h - what the screen shows, without the screen: the day's (or week's)
 * appointments and the one selected, per client (cached by patient id) the
 * notes, the scores and the chat, the unread messages and the count of writes waiting to
 * be sent; and the fetches that fill them. Nothing here draws or knows a
 * window: a change is told to the view through struct model_view, which the
 * screen (ui/state.h) implements and a test can implement alone.
 *
 * Fetches run on the loop (fhir_search_start): model_start_work() starts what
 * is pending, their callbacks update the model and tell the view what changed,
 * and no key ever waits for the network. Every poll_interval seconds
 * model_poll() looks again: the day's list (told only when it changed) and the
 * open chat (only what was sent since the last message). */
#ifndef EZRIZI_UI_MODEL_H
#define EZRIZI_UI_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/appt.h"
#include "core/chat.h"
#include "core/config.h"
#include "core/crisis.h"
#include "core/date.h"
#include "core/escalate.h"
#include "core/flag.h"
#include "core/notes.h"
#include "core/scores.h"
#include "core/safetyplan.h"
#include "core/session.h"

enum load_state {
	LOAD_PENDING,   /* wanted: model_start_work() starts it */
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
	/* The newest meta.lastUpdated the server sent (its clock, as it wrote
	 * it), and for whose appointments: where a look again starts, so
	 * nothing fetched already comes back; NULL until a fetch brings one. */
	char *newest;
	char *newest_for;
};

struct model;

struct client {
	struct model *m;
	char *patient_id;
	time_t read_mark;            /* messages after this were unread when opened */
	char *outgoing;              /* a message being sent, or that failed */
	bool outgoing_failed;
	struct freshness notes_f, chat_f, scores_f;
	struct note_list notes;
	struct score_list scores;    /* oldest first: the notes pane's trend, the score chart */
	struct message_list chat;
	unsigned gen;                /* changes whenever anything above does */
};

/* What of the model changed, for the view to draw again. */
enum model_part {
	MODEL_APPTS,    /* the list, its selection or its unread counts */
	MODEL_NOTES,    /* the shown client's notes (and the scores above them) */
	MODEL_CHAT,     /* the shown client's chat */
	MODEL_ALL,      /* everything: a new list, or forgotten and loading again */
};

/* What the view is told. Every callback is called on the loop, from a fetch's
 * answer or from a model_* call; none may call back into the model. */
struct model_view {
	void (*changed)(void *view, enum model_part part);
	/* A fetch failed: msg (not sanitised) for the status line. */
	void (*error)(void *view, const char *msg);
	/* The list was forgotten to load again: a message about the old one goes. */
	void (*reloaded)(void *view);
	/* A client wrote (the bell, when the user wants one). */
	void (*ring)(void *view);
	/* An escalation came to me: heard whatever the bell says (NULL: ring). */
	void (*alarm)(void *view);
	/* Nothing of a client is on screen now (the lock): nothing counts as read. */
	bool (*hidden)(void *view);
};

/* Messages from clients since the screen opened, per client, until read.
 * since: just before the first unread message; latest: the newest. review:
 * how many of them hold one of the clinic's risk words (core/lexicon.h): such
 * a client comes first in the unread order (model_next_unread). */
struct unread {
	char *patient_id;
	int n;
	int review;
	time_t since, latest;
};

/* What the crisis view shows, of one client: fetched by a job, drawn from
 * here alone. */
struct crisis_shown {
	char *patient_id;            /* NULL: nothing fetched yet */
	struct crisis_info info;
	struct safety_plan plan;     /* plan.id NULL: none, plan_note says why */
	char *plan_note;             /* why there is no plan (translated), or NULL */
};

struct model {
	struct session *s;
	const struct model_view *view;
	void *view_arg;

	/* The day shown (the week's first day in week view), and whose. */
	struct civil_date day;
	struct civil_date today;     /* the calendar day when last looked */
	bool week;                   /* the list shows the week, not the day */
	const char *practitioner;    /* NULL: everyone's */
	bool everyone;
	const char *status_filter;   /* only appointments of this status, or NULL */
	char *filter_prac;           /* the counsellor chosen with filter, owned */
	struct fhir_search *schedule_fs;  /* start_with = auto: does "me" have a schedule? */
	char *schedule_me;                /* ... "me", for it */
	bool start_auto;                  /* that is to be asked (once a start) */
	bool whose_auto;                  /* the view is that choice (no filter since) */
	bool me_asking;                   /* who "me" is is being asked of the server */

	/* The appointments, and the one selected: what a command with no
	 * appointment named acts on. */
	struct freshness appt_f;
	struct appt_list appts;
	size_t sel;
	size_t shown;                /* the appointment whose client the notes and chat show */
	long long settle_at;         /* when shown follows sel (0: it does) */
	char *keep_sel_id;           /* re-select this appointment after a reload (until the user selects) */
	unsigned appt_gen;

	struct client **clients;
	size_t n_clients;
	unsigned gen;                /* source of generations */

	struct unread *unread;
	size_t n_unread;
	struct fhir_search *inbox_fs;
	time_t inbox_since;
	/* The messages already counted that were sent in the second inbox_since:
	 * the look is from that second on (ge), so one sent in the same second
	 * as the last is not lost, and these are not counted twice. */
	char **inbox_seen;
	size_t n_inbox_seen;

	size_t outbox_n;             /* writes waiting for the server (the title's count) */

	/* The active risk flags of every client the server shows (model_flag.c):
	 * from the cache at once, then the server's, then at every poll only
	 * those changed since the newest seen, by the server's clock. */
	struct flag_list flags;
	struct fhir_search *flags_fs;
	char *flags_since;           /* the newest meta.lastUpdated seen, or NULL */
	time_t flags_since_t;
	bool flags_tried;            /* the first look was begun (or could not be) */
	bool flags_loaded;           /* the server's whole list came once */
	/* What a flag says is hidden from a front desk (flag_user_front_desk):
	 * hidden until the user's roles are known. */
	bool front_desk;
	bool role_known;
	struct fhir_search *roles_fs;

	/* Escalations to me not read yet (model_flag.c): looked for at the
	 * start (the last week), and again whenever the inbox brings one. */
	struct escalation_list urgent;
	struct fhir_search *urgent_fs;
	bool urgent_wanted;

	/* The measures due of the listed clients (model_measure.c's own). */
	struct model_measures *measures;

	/* The notes owed on the title bar are counted again only when they may
	 * have changed (ui/worklist_count.c): owed_gen moves when a look again
	 * finds an appointment or a note of mine changed (mine_f: notes by me,
	 * written here or elsewhere). */
	struct freshness mine_f;
	unsigned owed_gen;

	int poll_interval;           /* seconds */
	long long next_poll;         /* monotonic ms */

	struct crisis_shown crisis;  /* the crisis view's */

	/* The clinic's risk words (model_review.c): a client's message holding
	 * one is marked, on this screen only; NULL when none could be read,
	 * and lexicon_err (translated) says why, once. */
	struct lexicon *lexicon;
	char *lexicon_err;

	/* The audit trail's (model_audit.c's own). */
	struct model_audit *audit;
};

/* Starts on today, as the config says (start_with, poll_interval); view and
 * view_arg are kept and told of every change. */
void model_init(struct model *m, struct session *s, const struct config *cfg,
		const struct model_view *view, void *view_arg);
/* Whether the model waits for the server outside a fetch (who "me" is, in a
 * task of its own): the loop goes on until it is done, and a screen that ends
 * stops it with http_abort. */
bool model_busy(const struct model *m);
/* Cancels every fetch under way and frees all; not while model_busy(). */
void model_finish(struct model *m);
/* The crisis view's client and what was found for them; takes info and plan
 * (their owner is the model from now), copies the rest. */
void model_set_crisis(struct model *m, const char *patient_id, struct crisis_info *info,
		      struct safety_plan *plan, const char *plan_note);

/* The client's data changed outside a fetch (a message sent): a new
 * generation, and the view is told. */
void model_client_changed(struct model *m, struct client *c, enum model_part part);

/* The selected appointment, or NULL. */
const struct appointment *model_appt(const struct model *m);
/* The appointment whose client the notes and chat panes show: the selected one
 * once the selection has rested a moment (moving down a list over SSH does not
 * repaint both panes at every row passed). */
const struct appointment *model_shown_appt(const struct model *m);
/* The notes and chat follow the selection now. */
void model_settle(struct model *m);
/* Milliseconds until they follow it by themselves. */
int model_ms_to_settle(const struct model *m);
/* Selects appointment i; the notes and chat follow. */
void model_select(struct model *m, size_t i);
/* The shown appointment's client (created on first use, its loads pending),
 * or NULL when there is no appointment or it names no client. */
struct client *model_client(struct model *m);
/* The client with this id among those held, or NULL (never made here): what a
 * job looks up again when it ends. */
struct client *model_find_client(struct model *m, const char *patient_id);
/* A message was sent to the client: a fetch of their chat begun before it is
 * begun again (model_poll or the next turn's work), so the chat shows it. */
void model_chat_sent(struct model *m, const char *patient_id);
/* The session is under way at now (its row is marked ▸). A list opens on
 * the first such row, else on its first row; after a reload, on the
 * appointment selected before, while it is still there. */
bool model_under_way(const struct appointment *a, time_t now);
/* The first day of the list: the day, or its week's first day in week view. */
struct civil_date model_first_day(const struct model *m);
/* Forgets everything fetched and loads again. */
void model_reload(struct model *m);
/* The calendar day is now today: a list showing the old today follows it. */
void model_new_day(struct model *m, struct civil_date today);

/* Starts the pending fetches. */
void model_start_work(struct model *m);
/* Looks again for new data (the loop calls it every poll_interval seconds). */
void model_poll(struct model *m);
/* The look due is not made: the next is a poll_interval from now. */
void model_poll_later(struct model *m);
/* The selected client's notes fetched again (a note command of this screen
 * changed them, or only their signatures). */
void model_notes_again(struct model *m);
/* Milliseconds until the next look again. */
int model_ms_to_poll(const struct model *m);
/* "as of 14:05" when f is not fresh (new string), else NULL. */
char *model_freshness_note(const struct model *m, const struct freshness *f);
/* The same for what a part shows (MODEL_APPTS, MODEL_NOTES, MODEL_CHAT). */
char *model_part_note(struct model *m, enum model_part part);

/* Unread messages from the client (0 when none). */
int model_unread(const struct model *m, const char *patient_id);
/* The client's chat is on screen: what it shows is read. A message counts as
 * read only once it has been on screen: while the chat shown is older than the
 * newest unread message, the mark stays and the chat is fetched. */
void model_mark_read(struct model *m, struct client *c);

/* ---- messages to review (model_review.c) ---- */

/* Reads the clinic's risk words (lexicon_from_config); a failure is told to
 * the view at the first model_review_tell. */
void model_review_init(struct model *m, const struct config *cfg);
void model_review_finish(struct model *m);
void model_review_tell(struct model *m);
/* Marks the client's messages among those fetched (review). */
void model_review_mark(struct model *m, struct message_list *l);
/* Whether a message the inbox brought is a client's holding a risk word. */
bool model_review_match(const struct model *m, const struct message *msg);
/* Unread messages from the client that hold a risk word; 0 for a front desk
 * (the mark is clinical) and until the user's roles are known. */
int model_unread_review(const struct model *m, const char *patient_id);
/* The appointment u goes to: after the selection, the next whose client has
 * unread messages to review, else the next with unread messages at all.
 * False when none has. */
bool model_next_unread(const struct model *m, size_t *out);
/* The marks the chat shows: false for a front desk, and until the user's
 * roles are known. */
bool model_review_shown(const struct model *m);
/* The client's marked messages since the counsellor last wrote to them (the
 * chat pane asks for a review while there are some); 0 when not shown. */
size_t model_chat_review(const struct model *m, const struct client *c);

/* ---- risk flags (model_flag.c) ---- */

/* Starts the look for flags: the roles once "me" is known, the whole list
 * once, then what changed (model_start_work and model_poll call it). */
void model_flags_start(struct model *m);
void model_flags_finish(struct model *m);
/* The client's flag to show: the oldest not acknowledged, else the oldest
 * active; NULL when none. */
const struct flag *model_flag(const struct model *m, const char *patient_id);
/* How many of the client's active flags wait for a clinician. */
int model_flags_unacked(const struct model *m, const char *patient_id);
/* ---- the audit trail (model_audit.c) ---- */

/* A client's notes or messages shown after a selection: a view, recorded once
 * for that showing (model_start_work calls it; a repaint is not a view). */
void model_audit_views(struct model *m);
/* Sends what waits of the audit trail, one batch Bundle at a time, on the
 * loop (the look again calls it); nothing when offline. */
void model_audit_send(struct model *m);
void model_audit_finish(struct model *m);

/* ---- measures due (model_measure.c) ---- */

/* The list came (or changed): the listed clients' measures are looked for
 * again, the cache's at once, then the server's. */
void model_measures_start(struct model *m);
void model_measures_finish(struct model *m);
/* The client's scores came (the notes pane's): a row whose client has
 * measures is drawn again, with them counted. */
void model_measures_scores_came(struct model *m, const char *patient_id);
/* How many of the client's measures are due at the appointment (0: none,
 * or not a session); the client's scores held for the notes pane count. */
int model_measures_due(struct model *m, const struct appointment *a);

/* The oldest escalation to me not read yet, or NULL. */
const struct escalation *model_urgent(const struct model *m);
/* It is being marked read (escalation read): it goes from the screen. */
void model_urgent_read(struct model *m, const char *id);
/* The inbox brought one: look for them again. */
void model_urgent_came(struct model *m);

#endif
