/* people.h - clients (Patients) and counsellors (Practitioners). */
#ifndef EZRIZI_PEOPLE_H
#define EZRIZI_PEOPLE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "core/session.h"

struct patient_list {
	struct patient *v;
	size_t n;
};

/* Patients whose name contains text (the server's string search), and/or who
 * speak the language; at most max. */
bool patient_search(struct session *s, const char *text, const char *language, size_t max,
		    struct patient_list *out, struct error *err);
void patient_list_finish(struct patient_list *l);
bool patient_get(struct session *s, const char *id, struct patient *out, struct error *err);
bool practitioner_get(struct session *s, const char *id, struct practitioner *out,
		      struct error *err);

#endif
