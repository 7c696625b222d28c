/* safetyplan.h - a client's safety plan: the Stanley-Brown Safety Planning
 * Intervention's six steps (CLINICAL-NOTES.md 1d), as a versioned CarePlan.
 *
 * The CarePlan: category urn:ezrizi:careplan#safety-plan (no standard code is
 * known to us), status active, intent plan, subject, author, created, and one
 * activity a step, detail.code urn:ezrizi:safety-plan-step#1..6, the step's
 * text in detail.description exactly as written (absent when empty). A change
 * replaces it, pinned with If-Match to the version the writer read: a plan
 * changed meanwhile is never overwritten (ERR_CONFLICT). Every write carries
 * the command's write id, so a retry or a replay from the outbox makes it once.
 *
 * The text format (safety_plan_parse, safety_plan_format), for a file and an
 * editor: '#' comment lines and blank lines, then six sections in order, each
 * begun by a heading line "== N. anything" (N the step, 1 to 6; what follows
 * the number is the heading in the writer's language and is not read). A
 * section's text is every byte after its heading line up to the next heading
 * line, less the one newline that ends its last line: the text is kept byte
 * for byte, quotes, '#' and ';' included. A line of a step's text cannot
 * begin with "== " and the next step's number. */
#ifndef EZRIZI_SAFETYPLAN_H
#define EZRIZI_SAFETYPLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/session.h"

#define SAFETY_STEPS 6
#define SAFETY_CATEGORY_SYSTEM "urn:ezrizi:careplan"
#define SAFETY_CATEGORY_CODE "safety-plan"
#define SAFETY_STEP_SYSTEM "urn:ezrizi:safety-plan-step"
/* The longest text of a whole plan taken, in bytes. */
#define SAFETY_PLAN_MAX (256u * 1024)

struct safety_plan {
	char *id;                   /* NULL: the client has none */
	char *version;              /* meta.versionId, or NULL */
	char *author_id;
	char *created;              /* as the server has it, or NULL */
	char *updated;              /* meta.lastUpdated, or NULL */
	char *step[SAFETY_STEPS];   /* the texts; "" when empty, never NULL once read */
	bool from_cache;            /* read from the local copy (also when id is NULL) */
};

/* Step i's (0..5) heading in the user's language. */
const char *safety_step_heading(int i);

/* Reads the text format into step[] (new strings, free() each); false with
 * err (ERR_USAGE, saying which line) when it is not the format. */
bool safety_plan_parse(const char *text, size_t len, char *step[SAFETY_STEPS], struct error *err);
/* The plan in the text format, headings translated (new string, free()). */
char *safety_plan_format(char *const step[SAFETY_STEPS]);

/* The plan out of a CarePlan (false when it is not one ezrizi can read). */
bool safety_plan_from_json(const cJSON *res, struct safety_plan *out, struct error *err);
/* The client's active safety plan (out->id NULL when there is none): from the
 * server, or the cache when working offline. */
bool safety_plan_get(struct session *s, const char *patient_id, struct safety_plan *out,
		     struct error *err);
/* Writes the steps as the client's plan, as the logged-in counsellor:
 * base_version NULL makes the first one (ERR_CONFLICT when one exists), else
 * replaces the plan whose version the writer read (ERR_CONFLICT when it is no
 * longer the current one). out gets the plan as saved. */
bool safety_plan_save(struct session *s, const char *patient_id, const char *base_version,
		      char *const step[SAFETY_STEPS], struct safety_plan *out, struct error *err);
void safety_plan_finish(struct safety_plan *p);

/* An ezrizi CarePlan of the client, in the shape the safety plan has and the
 * measures share (measure.h): category SAFETY_CATEGORY_SYSTEM#code (title its
 * display), status active, intent plan, the title, subject, created, author
 * "me" and the write id; no activity yet. New object. */
cJSON *careplan_new(const char *code, const char *title, const char *patient_id, const char *me,
		    const char *created, const char *request_id);

#endif
