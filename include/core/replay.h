/* replay.h - the writes waiting in the outbox (outbox.h), sent again through
 * the command table, in order, exactly once: each under its own write id and
 * text, so one whose answer was lost is not made twice. */
#ifndef EZRIZI_REPLAY_H
#define EZRIZI_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/cmd.h"
#include "core/error.h"

/* Sends what is queued, in order. Stops, keeping the rest, when the server
 * cannot be reached (err set); items the server refuses are marked failed and
 * the next ones go on. */
bool replay_outbox(struct cmd_ctx *ctx, size_t *sent, size_t *failed, struct error *err);

#endif
