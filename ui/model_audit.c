/* model_audit.c - the screen's part of the audit trail (core/audit.h): a
 * client's notes or messages shown after a selection are a view, recorded
 * once for that showing (drawing them again is not a view); and what waits
 * in the store goes to the server in a batch Bundle at the look again, on
 * the loop, so the screen never waits for it. */
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/fhir.h"
#include "core/xmalloc.h"
#include "ui/model_int.h"

struct model_audit {
	char *notes_of;      /* the client whose notes' view was recorded last */
	char *chat_of;       /* ... whose messages' */
	struct fhir_op *op;  /* a delivery under way */
	cJSON *sent;         /* ... its Bundle */
};

static struct model_audit *
state(struct model *m)
{
	if (m->audit == NULL)
		m->audit = xcalloc(1, sizeof *m->audit);
	return m->audit;
}

/* Records the view of the client's records of a type once they are shown,
 * unless this showing was recorded already; another client shown forgets it,
 * so coming back is a view again. */
static void
track(struct model *m, char **of, const char *patient_id, bool shown, const char *type)
{
	struct error err;

	if (*of != NULL && strcmp(*of, patient_id) == 0)
		return;
	free(*of);
	*of = NULL;
	if (!shown)
		return;
	*of = xstrdup(patient_id);
	error_clear(&err);
	(void)audit_record(m->s, AUDIT_LIST, type, patient_id, &err);
}

void
model_audit_views(struct model *m)
{
	struct model_audit *a;
	struct client *c;

	if (m->front_desk || (c = model_client(m)) == NULL)
		return;   /* a front desk is shown nothing clinical */
	a = state(m);
	track(m, &a->notes_of, c->patient_id, c->notes_f.state == LOAD_OK && c->notes.n > 0,
	      "DocumentReference");
	track(m, &a->chat_of, c->patient_id, c->chat_f.state == LOAD_OK && c->chat.n > 0,
	      "Communication");
}

static void
sent_done(struct fhir_result *r, const struct error *err, void *arg)
{
	struct model *m = arg;
	struct model_audit *a = state(m);

	(void)err;  /* kept: the next look again sends them */
	a->op = NULL;
	if (r != NULL && r->json != NULL)
		(void)audit_take(m->s, a->sent, r->json, NULL);
	cJSON_Delete(a->sent);
	a->sent = NULL;
}

void
model_audit_send(struct model *m)
{
	struct fhir_opts o = { .idempotent = true };
	struct model_audit *a = state(m);
	struct error err;

	if (a->op != NULL || fhir_reads_cached(m->s) ||
	    (a->sent = audit_bundle(m->s, AUDIT_BATCH_MAX)) == NULL)
		return;
	error_clear(&err);
	a->op = fhir_start(m->s, "POST", "", a->sent, &o, sent_done, m, &err);
	if (a->op == NULL) {
		cJSON_Delete(a->sent);
		a->sent = NULL;
	}
}

void
model_audit_finish(struct model *m)
{
	struct model_audit *a = m->audit;

	if (a == NULL)
		return;
	if (a->op != NULL)
		fhir_cancel(m->s, a->op);   /* not delivered: it waits in the store */
	cJSON_Delete(a->sent);
	free(a->notes_of);
	free(a->chat_of);
	free(a);
	m->audit = NULL;
}
