/* model_review.c - a client's messages that hold one of the clinic's risk
 * words (core/lexicon.h): marked when they are fetched, counted among the
 * unread, first in the unread order, and a prompt to review in the chat; all
 * of it on this screen only, never written, never a flag, and none of it for
 * a front desk. See ui/model.h. */
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/lexicon.h"
#include "core/xmalloc.h"
#include "ui/model_int.h"

void
model_review_init(struct model *m, const struct config *cfg)
{
	struct error err;

	error_clear(&err);
	if (!lexicon_from_config(cfg, &m->lexicon, NULL, &err)) {
		m->lexicon = NULL;
		/* TRANSLATORS: %s says what is wrong with the risk words. */
		m->lexicon_err = xasprintf(_("%s; no message is marked for review."), err.msg);
	}
}

void
model_review_finish(struct model *m)
{
	lexicon_destroy(m->lexicon);
	m->lexicon = NULL;
	free(m->lexicon_err);
	m->lexicon_err = NULL;
}

void
model_review_tell(struct model *m)
{
	if (m->lexicon_err == NULL)
		return;
	m->view->error(m->view_arg, m->lexicon_err);
	free(m->lexicon_err);
	m->lexicon_err = NULL;
}

void
model_review_mark(struct model *m, struct message_list *l)
{
	(void)lexicon_mark(m->lexicon, l);
}

bool
model_review_match(const struct model *m, const struct message *msg)
{
	return lexicon_from_client(msg) && lexicon_match(m->lexicon, msg->text, NULL);
}

bool
model_review_shown(const struct model *m)
{
	return !m->front_desk;
}

int
model_unread_review(const struct model *m, const char *patient_id)
{
	if (!model_review_shown(m) || patient_id == NULL)
		return 0;
	for (size_t i = 0; i < m->n_unread; i++) {
		if (strcmp(m->unread[i].patient_id, patient_id) == 0)
			return m->unread[i].n > 0 ? m->unread[i].review : 0;
	}
	return 0;
}

bool
model_next_unread(const struct model *m, size_t *out)
{
	if (m->appt_f.state != LOAD_OK || m->appts.n == 0)
		return false;
	/* Two rounds from the selection on: to review first, then unread. */
	for (int round = 0; round < 2; round++) {
		for (size_t k = 1; k <= m->appts.n; k++) {
			size_t i = (m->sel + k) % m->appts.n;
			const char *pid = m->appts.v[i].patient_id;

			if (round == 0 ? model_unread_review(m, pid) > 0 : model_unread(m, pid) > 0) {
				*out = i;
				return true;
			}
		}
	}
	return false;
}

size_t
model_chat_review(const struct model *m, const struct client *c)
{
	size_t n = 0;

	if (!model_review_shown(m) || c == NULL)
		return 0;
	/* From the newest back to the counsellor's last word to the client. */
	for (size_t i = c->chat.n; i-- > 0;) {
		const struct message *msg = &c->chat.v[i];

		if (msg->text != NULL && !lexicon_from_client(msg))
			break;
		n += msg->review;
	}
	return n;
}
