/* chat.h - secure messaging with a client (Communication threads).
 *
 * Medplum's thread model: a thread header is a Communication with no payload and
 * no partOf; messages point at it with partOf. */
#ifndef EZRIZI_CHAT_H
#define EZRIZI_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/model.h"
#include "core/session.h"

struct message_list {
	struct message *v;
	size_t n;
};

/* The messages with the patient (every thread), oldest first, sent at or after
 * since (0: all), with sender names filled in. */
bool chat_query(struct session *s, const char *patient_id, time_t since,
		struct message_list *out, struct error *err);
void message_list_finish(struct message_list *l);
/* The most messages one query brings. */
#define CHAT_QUERY_MAX 5000
/* The same in two halves, for the screen's loop: the search (new string,
 * free()) and the list made from its resources. */
char *chat_query_path(const char *patient_id, time_t since);
/* The messages written or changed after the instant `after`, by the server's
 * clock (its meta.lastUpdated): a look again that brings nothing when
 * nothing came (sent=ge brings the newest back every time). */
char *chat_changed_path(const char *patient_id, const char *after);
bool chat_from_resources(const cJSON *resources, struct message_list *out, struct error *err);

/* Sends text to the patient in their latest thread (one is started when there is
 * none); safe to retry. */
bool chat_send(struct session *s, const char *patient_id, const char *text,
	       struct message *out, struct error *err);

#endif
