/* cache.h - FHIR resources kept in the encrypted store, so the screen paints at
 * once and reads work offline.
 *
 * Every resource a search or a read brings is put in the store (sealed, see
 * store.h) with lookup keys: an Appointment by its local day and its client, a
 * DocumentReference, a CarePlan, a Communication, an Observation (a score)
 * and a Flag by their client (and a message by its thread), a Patient by
 * itself, a Provenance (a note's signature) by the note it is about. The finders give arrays of resources in the same shape a search
 * gives, so the same parsers read them. */
#ifndef EZRIZI_CACHE_H
#define EZRIZI_CACHE_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "core/date.h"
#include "core/store.h"

/* Puts the resources (an array); returns how many could not be stored. */
size_t cache_put_resources(struct store *st, const cJSON *resources);
size_t cache_put_resource(struct store *st, const cJSON *res);

/* One resource, or NULL (cJSON_Delete()). */
cJSON *cache_get(struct store *st, const char *type, const char *id);

/* The appointments of the days (of one practitioner, or everyone's when NULL),
 * with their clients and counsellors, as a search would give them. */
cJSON *cache_appointments(struct store *st, struct civil_date from, struct civil_date to,
			  const char *practitioner);
/* A client's notes, with their authors and signatures; a client's
 * messages, with senders. */
cJSON *cache_notes(struct store *st, const char *patient_id);
cJSON *cache_chat(struct store *st, const char *patient_id);
/* A client's flags (every client's when patient_id is NULL), with the
 * clients and their authors. */
cJSON *cache_flags(struct store *st, const char *patient_id);
/* A client's Observations (scores.h picks the scores among them). */
cJSON *cache_scores(struct store *st, const char *patient_id);
/* Every form (Questionnaire) the cache holds. */
cJSON *cache_questionnaires(struct store *st);
/* A client's appointments (of every day). */
cJSON *cache_appointments_of(struct store *st, const char *patient_id);
/* A client's care plans (the safety plan among them). */
cJSON *cache_careplans(struct store *st, const char *patient_id);
/* The crisis lines fetched for a country (ISO 3166-1 code): the search's
 * resources, kept with the time they were fetched, replacing what was kept;
 * and back (NULL when none was kept), with *fetched. */
bool cache_put_crisis_lines(struct store *st, const char *country, const cJSON *resources,
			    time_t fetched, struct error *err);
cJSON *cache_crisis_lines(struct store *st, const char *country, time_t *fetched);
/* Every client the cache holds (NULL with err set when the store fails). */
cJSON *cache_patients(struct store *st, struct error *err);

#endif
