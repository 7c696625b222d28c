/* outbox.h - writes made without the server, sent later, exactly once.
 *
 * A write command (book, reschedule, cancel, checkin, noshow, note add, note
 * edit, send) that cannot reach the server, or runs with --offline, is kept in
 * the encrypted store as the command line itself, its text, and the
 * client-assigned id of its write. Sending replays the commands in order
 * through the same command table, under the same ids, so a write whose answer
 * was lost is not made twice (creates carry If-None-Exist on that id; state
 * changes find the state already set). A command the server refuses (a slot
 * taken meanwhile, a note changed meanwhile) is marked failed with the reason
 * and kept, never dropped: the user retries or discards it.
 *
 * An index of the waiting writes (their place and command name) is kept
 * beside them, changed in the same commit: a write whose record is lost to a
 * damaged disk is still listed, as lost (never sent), until the user writes it
 * again and discards it. */
#ifndef EZRIZI_OUTBOX_H
#define EZRIZI_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/error.h"
#include "core/store.h"

struct outbox_item {
	char *seq;           /* its place in the queue, "000000000042" */
	char **argv;         /* the command, NULL-terminated */
	int argc;
	char *input;         /* its text, or NULL */
	size_t input_len;
	char request_id[37];
	time_t created;
	bool failed;
	char *error;         /* why it failed, when it did */
	char *command;       /* the command's name, "note add" (argv may be empty) */
	bool lost;           /* its record was lost to damage: only seq and command are
				known (failed is true too; it is never sent) */
};

struct outbox_list {
	struct outbox_item *v;
	size_t n;
	bool incomplete;     /* writes may have been lost without a name (the index
				itself was damaged); cleared by outbox_acknowledge */
};

/* Queues a command: its name as the table has it ("note add": what a lost
 * write is named by), its words, its text. */
bool outbox_add(struct store *st, const char *command, int argc, char **argv, const char *input,
		size_t input_len, const char *request_id, struct error *err);
/* Every item, in order. */
bool outbox_list(struct store *st, struct outbox_list *out, struct error *err);
void outbox_list_finish(struct outbox_list *l);
/* Drops an item (a lost one too). ERR_NOT_FOUND when there is none. */
bool outbox_discard(struct store *st, const char *seq, struct error *err);
/* The user was told that writes may have been lost without a name. */
bool outbox_acknowledge(struct store *st, struct error *err);
/* Marks a failed item (NULL: every one) to be sent again. */
bool outbox_retry(struct store *st, const char *seq, struct error *err);

/* Marks an item refused by the server, with why (kept, shown by `outbox`). */
bool outbox_mark_failed(struct store *st, struct outbox_item *it, const char *why,
			struct error *err);

/* Sending them again is replay.h's: it goes through the command table. */

#endif
