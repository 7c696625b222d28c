/* replay.c - the outbox's writes sent again through the command table; see
 * include/core/replay.h. */
#include "core/replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/outbox.h"
#include "core/xmalloc.h"

/* Runs one queued command, quietly (what it gives back is dropped), under its
 * own write id and text. */
static bool
run_item(struct cmd_ctx *ctx, struct outbox_item *it, struct error *err)
{
	struct cmd_result res;
	bool ok;

	result_init(&res);
	ctx->replaying = true;
	ctx->made_at = it->created;  /* "today" is the day it was queued */
	memcpy(ctx->session.request_id, it->request_id, 37);
	free(ctx->input);
	ctx->input = NULL;
	ctx->input_given = it->input != NULL;
	if (it->input != NULL) {
		ctx->input = xmalloc(it->input_len + 1);
		memcpy(ctx->input, it->input, it->input_len);
		ctx->input[it->input_len] = '\0';
		ctx->input_len = it->input_len;
	}
	ok = cmd_run_argv(ctx, it->argc, it->argv, &res, err);
	result_finish(&res);
	ctx->replaying = false;
	ctx->made_at = 0;
	return ok;
}

bool
replay_outbox(struct cmd_ctx *ctx, size_t *sent, size_t *failed, struct error *err)
{
	struct session *s = cmd_session(ctx, err);
	struct outbox_list l;
	bool ok = true;

	*sent = *failed = 0;
	if (s == NULL || !outbox_list(s->store, &l, err))
		return false;
	for (size_t i = 0; i < l.n; i++) {
		struct outbox_item *it = &l.v[i];
		struct error e;

		if (it->failed || it->lost)
			continue;
		error_clear(&e);
		if (run_item(ctx, it, &e)) {
			outbox_discard(s->store, it->seq, &e);
			(*sent)++;
			continue;
		}
		if (e.kind == ERR_NETWORK || e.kind == ERR_AUTH) {
			/* Not reachable (or not logged in): the rest waits, in order. */
			*err = e;
			ok = false;
			break;
		}
		outbox_mark_failed(s->store, it, e.msg, &e);
		(*failed)++;
	}
	outbox_list_finish(&l);
	return ok;
}
