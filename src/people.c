/* people.c - clients and counsellors; see include/core/people.h. */
#include "core/people.h"

#include <stdlib.h>
#include <string.h>

#include "core/cache.h"
#include "core/http.h"
#include "core/i18n.h"
#include "core/xmalloc.h"

bool
patient_search(struct session *s, const char *text, const char *language, size_t max,
	       struct patient_list *out, struct error *err)
{
	struct buf path;
	cJSON *all;
	const cJSON *res;
	bool ok = true;

	memset(out, 0, sizeof *out);
	buf_init(&path);
	buf_addf(&path, "Patient?_sort=name&_count=%zu", max < 100 ? max : 100);
	if (text != NULL) {
		char *e = http_escape(text);

		buf_addf(&path, "&name=%s", e);
		free(e);
	}
	if (language != NULL) {
		char *e = http_escape(language);

		buf_addf(&path, "&language=%s", e);
		free(e);
	}
	all = fhir_search(s, path.data, max, err);
	buf_finish(&path);
	if (all == NULL)
		return false;
	out->v = xcalloc((size_t)cJSON_GetArraySize(all) + 1, sizeof *out->v);
	cJSON_ArrayForEach(res, all) {
		if (out->n >= max)
			break;
		if (!patient_from_json(res, &out->v[out->n], err)) {
			ok = false;
			break;
		}
		out->n++;
	}
	cJSON_Delete(all);
	if (!ok)
		patient_list_finish(out);
	return ok;
}

void
patient_list_finish(struct patient_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		patient_finish(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

bool
patient_get(struct session *s, const char *id, struct patient *out, struct error *err)
{
	cJSON *res = s->offline && s->store != NULL ? cache_get(s->store, "Patient", id)
						    : fhir_read(s, "Patient", id, NULL, err);
	bool ok;

	if (res == NULL) {
		if (s->offline)
			error_set(err, ERR_NOT_FOUND, _("Client %s is not in the local cache; look again when online."), id);
		return false;
	}
	ok = patient_from_json(res, out, err);
	cJSON_Delete(res);
	return ok;
}

bool
practitioner_get(struct session *s, const char *id, struct practitioner *out, struct error *err)
{
	cJSON *res = fhir_read(s, "Practitioner", id, NULL, err);
	bool ok;

	if (res == NULL)
		return false;
	ok = practitioner_from_json(res, out, err);
	cJSON_Delete(res);
	return ok;
}
