/* assess.h - an instrument given to a client, scored and saved on the server
 * as one transaction (core/fhirtx.h): a QuestionnaireResponse (the answers,
 * LOINC-coded where FHIR-NOTES.md gives the codes; the questionnaire's
 * canonical, the language, subject, author, authored, status completed), an
 * Observation of the total (category survey, derivedFrom the response, the
 * band in interpretation) and, when the answers are a risk (PHQ-9 item 9
 * above zero, a positive C-SSRS screen), an active Flag (category safety,
 * the Observation in R4's flag-detail extension). Every create is
 * conditional on a write id made from the command's, so a retry or a replay
 * from the outbox makes each exactly once. */
#ifndef EZRIZI_ASSESS_H
#define EZRIZI_ASSESS_H

#include <stdbool.h>

#include "core/config.h"
#include "core/error.h"
#include "core/instrument.h"
#include "core/questionnaire.h"
#include "core/session.h"

/* An instrument ezrizi knows (in), or a platform's own form (form, its
 * answers in form_answers: in is NULL), scored by its answers' weights when
 * it carries them, with no band, no cut-off and no flag: ezrizi knows no
 * rule of its to apply. The form's total, when it has one, is an
 * Observation coded urn:ezrizi:questionnaire-score with the form's canonical
 * (or Questionnaire/ID) as its code. */
struct assessment {
	const struct instrument *in;
	const struct questionnaire *form;
	const struct qn_answer *form_answers;
	/* The version of the server's Questionnaire the answers were given on
	 * (its wording shown), or NULL: the response's questionnaire is then
	 * the bare canonical. */
	const char *form_version;
	const char *patient_id;
	const char *language;       /* the form's language; NULL: the client's */
	int answers[INSTR_MAX_ITEMS];
	int n;
};

struct assess_out {
	struct instr_score score;       /* a known instrument's */
	bool scored;                    /* a form's: it has a total */
	double total;
	char *language;             /* the language scored for, or NULL */
	char *response_id, *observation_id;
	char *flag_id;              /* NULL when no flag was raised */
};

/* The Questionnaire's canonical: http://loinc.org/q/<panel>, or ezrizi's own
 * urn where no panel code is known. New string (free()). */
char *assess_canonical(const struct instrument *in);
/* The instrument whose canonical this is (a Questionnaire's url), or NULL. */
const struct instrument *assess_instrument_of(const char *canonical);
/* Scores a (for the client's language, the config's cut-off first) and saves
 * it; false with err (ERR_USAGE for answers that cannot be scored, nothing
 * written). Free out with assess_out_finish. */
bool assess_save(struct session *s, const struct assessment *a, const struct config *cfg,
		 struct assess_out *out, struct error *err);
void assess_out_finish(struct assess_out *o);

#endif
