/* job.h - what the screen runs that may wait for the server, one at a time.
 *
 * A core command (a key, a ':' line, a question's answer), a note written in
 * the editor, the outbox sent at a look again, the picker's free slots: each
 * runs as a job, a task (core/task.h) that the loop resumes after every turn
 * of the network, so keys, drawing and the panes' loads go on while it waits.
 * No loop runs inside another.
 *
 * A job holds ids and copies, never pointers into the screen's lists: a day
 * changed or a reload meanwhile frees them. Its run function (in the task)
 * reads only what the job holds and writes only into it; its continuation
 * (on the loop, once it has ended) looks up again by id what it changed.
 *
 * One job at a time: while one waits, a command that may not run meanwhile
 * (its entry lacks CMD_BUSY_OK) is refused with a message (ui_job_busy). */
#ifndef EZRIZI_UI_JOB_H
#define EZRIZI_UI_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "core/cmd.h"
#include "core/crisis.h"
#include "core/error.h"
#include "core/result.h"
#include "core/safetyplan.h"
#include "core/appt.h"

struct tui;
struct task;
struct ui_job;

/* In the task: does the job's work, filling j->ok and j->err. */
typedef void ui_job_run_fn(struct tui *t, struct ui_job *j);
/* On the loop, after the job has ended: shows and applies what it did. */
typedef void ui_job_done_fn(struct tui *t, struct ui_job *j);

struct ui_job {
	ui_job_run_fn *run;
	ui_job_done_fn *done;
	/* A core command: its line as typed (for a retry, a question), its
	 * words (owned) and its call prepared from them. */
	char *line;
	char **words;
	struct cmd_call call;
	bool have_call;
	char *patient_id;          /* the client it is about, or NULL; owned */
	bool ask_sign;             /* a new note saved as a draft: ask whether to sign it */
	char *appt_id;             /* the appointment it is about, or NULL; owned */
	char *text;                /* a text it sends (a note's): owned, wiped at the end */
	size_t text_len;
	struct cmd_result res;     /* what the command gave back */
	char *practitioner_id;     /* the picker's question: whose free slots, */
	char *language;            /* ... or which language's (owned) */
	struct slot_list slots;    /* ... what it found: filled in the task, taken by done */
	int pick;                  /* ... and what Enter does then */
	size_t sent, refused;      /* the outbox's writes: how many went, how many were refused */
	struct crisis_info crisis; /* the crisis view's: what was found, taken by done */
	struct safety_plan plan;
	struct error plan_err;     /* ... why there is no plan, when it could not be read */
	bool ok;
	struct error err;
	struct task *task;
	struct tui *tui;           /* the screen it runs in */
};

/* A new job, to fill and then start. */
struct ui_job *ui_job_create(ui_job_run_fn *run, ui_job_done_fn *done);

/* Frees a job that was not started (NULL is accepted). */
void ui_job_destroy(struct ui_job *j);

/* Starts the job (taken) and runs it until it first waits; when it ends at
 * once, its continuation runs now. False (the job freed, the status line
 * saying why) when another job waits. */
bool ui_job_start(struct tui *t, struct ui_job *j);

/* After every turn of the loop: resumes the job whose wait is over, and runs
 * the continuation of one that has ended. */
void ui_job_step(struct tui *t);

/* Whether a job runs now. */
bool ui_job_running(const struct tui *t);

/* Refuses a command while a job waits: true (the status line says so) when
 * one does. */
bool ui_job_busy(struct tui *t);

/* Stops waiting: every request fails as if the server could not be reached
 * (a write then waits in the outbox), so the job ends at the next step; so
 * does what the model waits for (model_busy). Nothing when nothing waits. */
void ui_job_abort(struct tui *t);

/* Leaves the screen: now when no job runs; else once it has ended, and a
 * second time stops its wait (ui_job_abort). */
void ui_quit(struct tui *t);

/* The job's run function for a core command: runs j->call, its output
 * result in j->res. */
void ui_job_run_command(struct tui *t, struct ui_job *j);

#endif
