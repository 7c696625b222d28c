/* crisis.h - what a counsellor needs when a client is in crisis: the client's
 * emergency contacts (Patient.contact with relationship C, v2-0131) and the
 * crisis lines the platform serves for the client's country
 * (Patient.address.country), never lines compiled into ezrizi.
 *
 * The lines are HealthcareServices typed urn:ezrizi:service#crisis-line whose
 * coverageArea is a Location in the country: one search, Locations by
 * address-country with the services that cover them (_revinclude), and a
 * second by coverage-area only when a server ignored the _revinclude. What
 * came back is kept in the cache with the time it was fetched, for working
 * offline and when the server cannot be reached. */
#ifndef EZRIZI_CRISIS_H
#define EZRIZI_CRISIS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include <cjson/cJSON.h>

#include "core/error.h"
#include "core/session.h"

#define CRISIS_SERVICE_SYSTEM "urn:ezrizi:service"
#define CRISIS_SERVICE_CODE "crisis-line"

struct crisis_line {
	char *id, *name, *phone;
	char *area;         /* the Location's name ("Jakarta"), or NULL */
	char *languages;    /* BCP 47 codes, "ar,en", or NULL */
	char *comment;      /* the platform's note on it, or NULL */
};

struct crisis_contact {
	char *name, *phone;
	char *relationship;  /* the code, "C" */
};

struct crisis_info {
	char *patient_name;         /* the client's name (server text), or NULL */
	char *country;              /* the client's (ISO 3166-1 alpha-2), or NULL */
	struct crisis_line *lines;
	size_t nlines;
	bool lines_known;           /* false: never fetched and no server to ask */
	bool from_cache;            /* the lines are the cache's copy */
	time_t fetched;             /* when that copy was fetched */
	struct crisis_contact *contacts;
	size_t ncontacts;
};

/* The client's contacts and crisis lines. Fails only for the client (no such
 * client, not readable); lines that cannot be had say so in lines_known. */
bool crisis_get(struct session *s, const char *patient_id, struct crisis_info *out,
		struct error *err);
void crisis_info_finish(struct crisis_info *c);
/* The widest phone of the lines and contacts, in columns: where the names
 * start, so they line up (the table and the screen's view alike). */
int crisis_phone_width(const struct crisis_info *c);

/* The parts, for the screen's loop and the tests: the client's country and
 * contacts from a Patient; the search for a country's lines (new string);
 * the lines among its resources (appended to out). */
void crisis_from_patient(const cJSON *patient, struct crisis_info *out);
char *crisis_lines_query(const char *country);
void crisis_lines_from_resources(const cJSON *resources, const char *country,
				 struct crisis_info *out);

#endif
