/* job.c - what the screen runs that may wait for the server; see ui/job.h. */
#include "ui/job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/http.h"
#include "core/i18n.h"
#include "core/task.h"
#include "core/xmalloc.h"
#include "ui/state.h"

struct ui_job *
ui_job_create(ui_job_run_fn *run, ui_job_done_fn *done)
{
	struct ui_job *j = xcalloc(1, sizeof *j);

	j->run = run;
	j->done = done;
	result_init(&j->res);
	error_clear(&j->err);
	return j;
}

void
ui_job_destroy(struct ui_job *j)
{
	if (j == NULL)
		return;
	if (j->have_call)
		cmd_call_finish(&j->call);
	cmd_words_free(j->words);
	free(j->line);
	free(j->patient_id);
	free(j->appt_id);
	if (j->text != NULL)
		sodium_memzero(j->text, j->text_len);
	free(j->text);
	result_finish(&j->res);
	free(j->practitioner_id);
	free(j->language);
	slot_list_finish(&j->slots);
	crisis_info_finish(&j->crisis);
	safety_plan_finish(&j->plan);
	task_destroy(j->task);
	free(j);
}

/* The task's body. */
static void
job_main(void *arg)
{
	struct ui_job *j = arg;
	struct tui *t = j->tui;

	j->run(t, j);
}

bool
ui_job_busy(struct tui *t)
{
	if (t->job == NULL)
		return false;
	tui_set_error(t, _("Busy: a command is waiting for the server."));
	return true;
}

bool
ui_job_start(struct tui *t, struct ui_job *j)
{
	if (ui_job_busy(t)) {
		ui_job_destroy(j);
		return false;
	}
	t->job = j;
	j->tui = t;
	j->task = task_start(job_main, j);
	ui_job_step(t);
	return true;
}

void
ui_job_step(struct tui *t)
{
	struct ui_job *j = t->job;

	if (j == NULL)
		return;
	task_resume(j->task);
	if (!task_done(j->task))
		return;
	t->job = NULL;   /* the continuation may start the next one */
	if (j->done != NULL)
		j->done(t, j);
	ui_job_destroy(j);
	if (t->quitting)
		t->quit = true;
}

bool
ui_job_running(const struct tui *t)
{
	return t->job != NULL;
}

void
ui_job_abort(struct tui *t)
{
	struct error why;

	if (t->job == NULL && !model_busy(&t->m))
		return;
	error_clear(&why);
	error_set(&why, ERR_NETWORK, _("Stopped waiting for the server."));
	http_abort(t->s->http, &why);
}

void
ui_quit(struct tui *t)
{
	if (t->job == NULL) {
		t->quit = true;
	} else if (t->quitting) {
		ui_job_abort(t);
	} else {
		t->quitting = true;
		tui_set_message(t, _("Leaving once the server has answered; press q again to stop waiting (a write then waits in the outbox)."));
	}
}

void
ui_job_run_command(struct tui *t, struct ui_job *j)
{
	struct cmd_ctx *ctx = t->ctx;
	enum out_format old_fmt = ctx->fmt;

	ctx->fmt = FMT_TABLE;
	if (j->text != NULL) {
		/* The text goes as the command's input, and is wiped with it. */
		cmd_forget_input(ctx);
		ctx->input = j->text;
		ctx->input_len = j->text_len;
		ctx->input_given = true;
		j->text = NULL;
	}
	j->ok = cmd_call_run(ctx, &j->call, &j->res, &j->err);
	ctx->fmt = old_fmt;
}
