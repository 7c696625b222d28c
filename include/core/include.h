/* include.h - what a search's _include should have brought and did not.
 *
 * `_include` is optional in FHIR: a server may answer
 * `Appointment?...&_include=Appointment:actor` with the appointments alone, and
 * every name on the screen would be missing. After a search, the people its
 * matches refer to through the query's _include parameters (Patient,
 * Practitioner, Group) are looked for among the results, then in the local
 * cache; what is still missing is fetched with one search a type
 * (`Patient?_id=a,b,c`), by the search machinery in fhir.c. The same for
 * `_revinclude=Provenance:target` on notes: signed notes that came with no
 * Provenance at all have theirs fetched in one search. */
#ifndef EZRIZI_INCLUDE_H
#define EZRIZI_INCLUDE_H

#include <cjson/cJSON.h>

#include "core/store.h"

/* The ids one fill-in search asks for at most. */
#define INCLUDE_IDS_PER_QUERY 100

/* Adds to `all` (an array of resources) the referenced people the store holds
 * (st may be NULL), and returns the searches that fetch the others: an array
 * of query strings to cJSON_Delete(), or NULL when nothing is missing (always
 * when the query has no _include ezrizi knows). */
cJSON *include_missing(struct store *st, const char *query, cJSON *all);

#endif
