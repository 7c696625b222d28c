/* questionnaire.h - a FHIR R4 Questionnaire as ezrizi gives it: the items it
 * meets (group, display, choice with answerOption or a contained coded
 * ValueSet, integer, decimal, boolean, string and text), flattened in the
 * order they are asked, with enableWhen; its answers; a total from the
 * answers' ordinalValue (or R5's itemWeight) where the form carries them;
 * and the QuestionnaireResponse's items, nested as the form's are.
 *
 * Two uses: a platform's own form (given by its id or canonical), and the
 * wording of an instrument ezrizi knows (instrument.h) when the server serves
 * a Questionnaire under the instrument's canonical, http://loinc.org/q/<panel>:
 * then the wording is the server's, and the scoring stays the instrument's.
 *
 * Every text here is the server's, as it sent it: data, to sanitise before
 * any terminal. A form ezrizi cannot give whole (an item of a type it does not
 * ask, a ValueSet it cannot read, more than QN_MAX_ITEMS items or nested
 * deeper than QN_MAX_DEPTH) is refused with a clear error; nothing is made up
 * in its place. */
#ifndef EZRIZI_QUESTIONNAIRE_H
#define EZRIZI_QUESTIONNAIRE_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/instrument.h"

struct session;

#define QN_MAX_ITEMS 200
#define QN_MAX_DEPTH 8
#define QN_MAX_OPTIONS 50

enum qn_type { QN_GROUP, QN_DISPLAY, QN_CHOICE, QN_INTEGER, QN_DECIMAL, QN_BOOLEAN, QN_STRING };

/* A value: an answer option's, an enableWhen's, or an answer given. */
enum qn_vkind { QV_NONE, QV_CODING, QV_STRING, QV_INTEGER, QV_DECIMAL, QV_BOOLEAN };
struct qn_value {
	enum qn_vkind kind;
	char *system, *code, *display;   /* QV_CODING (display may be NULL) */
	char *str;                       /* QV_STRING */
	double num;                      /* QV_INTEGER, QV_DECIMAL */
	bool b;                          /* QV_BOOLEAN */
};

struct qn_option {
	struct qn_value v;
	bool weighted;                   /* it carries an ordinalValue or itemWeight */
	double weight;
};

enum qn_op { QN_EXISTS, QN_EQ, QN_NE, QN_GT, QN_LT, QN_GE, QN_LE };
struct qn_cond {
	char *question;                  /* the linkId it asks about */
	enum qn_op op;
	struct qn_value answer;          /* QN_EXISTS: QV_BOOLEAN */
};

struct qn_item {
	char *link_id;
	char *prefix, *text;             /* may be NULL */
	char *code_system, *code;        /* its first coding, or NULL */
	enum qn_type type;
	int depth;                       /* 0 at the top */
	int parent;                      /* the index of its group, or -1 */
	bool required;
	struct qn_option *options;       /* QN_CHOICE */
	size_t n_options;
	struct qn_cond *when;
	size_t n_when;
	bool when_any;                   /* enableBehavior any (default: all) */
};

struct questionnaire {
	char *id, *url, *version, *title, *language;   /* may be NULL but for id */
	struct qn_item *items;           /* depth first, in the form's order */
	size_t n_items;
	size_t n_asked;                  /* the items that take an answer */
	bool weighted;                   /* some option carries a weight */
};

/* The answer to each item, by item index (n_items of them). */
struct qn_answer {
	bool given;
	int option;                      /* QN_CHOICE: the index of the option */
	struct qn_value v;               /* the others */
};

/* Reads a Questionnaire resource into q (questionnaire_finish() it, even
 * after a failure). False with ERR_FAILED and a message naming the item when
 * ezrizi cannot give it whole. */
bool questionnaire_from_json(const cJSON *res, struct questionnaire *q, struct error *err);
void questionnaire_finish(struct questionnaire *q);

/* The form of a known instrument, as ezrizi has it: an item per item, its
 * answers 0..max weighted with their value (LOINC's LL358-3 displays for the
 * PHQ-9 and GAD-7), no wording. With `server` (may be NULL), the server's
 * Questionnaire under the instrument's canonical, each item's text and each
 * answer's display are taken from its item of the same LOINC code (or, with
 * no code, the same linkId), and its url and version are kept. */
void questionnaire_of_instrument(const struct instrument *in, const struct questionnaire *server,
				 struct questionnaire *q);

/* Whether item i is asked, given the answers before it: its enableWhen and
 * its groups'. An item whose enableWhen names an item that does not exist is
 * not asked. */
bool questionnaire_enabled(const struct questionnaire *q, const struct qn_answer *ans, size_t i);

/* Parses answers for the asked items in the form's order, comma-separated
 * ("\," for a comma within one, "\\" for a backslash) or one a line (taken as
 * they are), "-" or nothing for one not given: a choice by the option's
 * number (1 for the first) or its code, yes or no for a boolean, a number,
 * or the text. Checks them against the enableWhen: an answer to an item not
 * asked, or none to a required one asked, is an error. ans gets n_items
 * answers (questionnaire_answers_finish()). False with a usage error. */
bool questionnaire_parse_answers(const struct questionnaire *q, const char *text,
				 struct qn_answer *ans, struct error *err);
/* One item's answer, as typed for questionnaire_parse_answers, into *a
 * (which it overwrites: finish it first); "-" or "" leaves it not given. */
bool questionnaire_parse_answer(const struct qn_item *it, const char *text, struct qn_answer *a,
				struct error *err);
/* One answer's, which it leaves not given. */
void questionnaire_answer_finish(struct qn_answer *a);
void questionnaire_answers_finish(const struct questionnaire *q, struct qn_answer *ans);
/* The answers as questionnaire_parse_answers reads them, comma-separated
 * (new string, free()). */
char *questionnaire_answers_text(const struct questionnaire *q, const struct qn_answer *ans);

/* The total of the weights of the options answered, over the asked items.
 * False (no total) when the form carries no weights, or when an asked
 * weighted item is unanswered; *unanswered (may be NULL) then names it. */
bool questionnaire_total(const struct questionnaire *q, const struct qn_answer *ans, double *total,
			 const char **unanswered);

/* The QuestionnaireResponse's item array: the answered asked items, inside
 * their groups as the form nests them (display items and empty groups left
 * out). New (cJSON_Delete()). */
cJSON *questionnaire_response_items(const struct questionnaire *q, const struct qn_answer *ans);

/* The Questionnaire that ref names: an id (Questionnaire/ID), or a canonical
 * ("http://...", with "|version" or not: the one questionnaire_pick picks of
 * those the server has under it). Offline, the cache's; online, a network failure falls back
 * to it too (*from_cache says so; may be NULL). NULL with ERR_NOT_FOUND when
 * there is none; cJSON_Delete() it. */
/* The search for ref ("Questionnaire?_id=ID" or "?url=...&version=..."; new
 * string, free()), and the one of resources it names (for a canonical: an
 * active one before others, then one in lang, the client's (may be NULL;
 * "ur" takes "ur-PK"), then the newest version; a copy to cJSON_Delete(), or
 * NULL). A platform can so serve an instrument's wording in each language
 * under the one canonical. */
char *questionnaire_query(const char *ref);
cJSON *questionnaire_pick(const cJSON *resources, const char *ref, const char *lang);
/* The local copy's (NULL when none; cJSON_Delete()). */
struct store;
cJSON *questionnaire_cached(struct store *st, const char *ref, const char *lang);
cJSON *questionnaire_fetch(struct session *s, const char *ref, const char *lang, bool *from_cache,
			   struct error *err);

#endif
