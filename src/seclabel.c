/* seclabel.c - see include/core/seclabel.h. */
#include "core/seclabel.h"

#include <string.h>

#include "core/json.h"

static cJSON *
coding(const char *system, const char *code, const char *display)
{
	cJSON *c = cJSON_CreateObject();

	json_put_str(c, "system", system);
	json_put_str(c, "code", code);
	json_put_str(c, "display", display);
	return c;
}

void
seclabel_process(cJSON *res)
{
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(res, "meta"), *sec;

	if (!cJSON_IsObject(meta)) {
		cJSON_DeleteItemFromObjectCaseSensitive(res, "meta");
		meta = cJSON_AddObjectToObject(res, "meta");
	}
	if (!cJSON_IsArray(sec = cJSON_GetObjectItemCaseSensitive(meta, "security"))) {
		cJSON_DeleteItemFromObjectCaseSensitive(meta, "security");
		sec = cJSON_AddArrayToObject(meta, "security");
	}
	cJSON_AddItemToArray(sec, coding(SECLABEL_CONF_SYSTEM, SECLABEL_RESTRICTED, "restricted"));
	cJSON_AddItemToArray(sec, coding(SECLABEL_ACT_SYSTEM, SECLABEL_PSYTHPN,
					 "psychotherapy note information sensitivity"));
}

bool
seclabel_is_process(const cJSON *res)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(res, "meta"), *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(meta, "security")) {
		const cJSON *sys = cJSON_GetObjectItemCaseSensitive(c, "system");
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(c, "code");

		if (!cJSON_IsString(sys) || !cJSON_IsString(code))
			continue;
		if (strcmp(sys->valuestring, SECLABEL_ACT_SYSTEM) == 0 &&
		    strcmp(code->valuestring, SECLABEL_PSYTHPN) == 0)
			return true;
		if (strcmp(sys->valuestring, SECLABEL_CONF_SYSTEM) == 0 &&
		    (strcmp(code->valuestring, "R") == 0 || strcmp(code->valuestring, "V") == 0))
			return true;
	}
	return false;
}

void
seclabel_copy(cJSON *to, const cJSON *from)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(from, "meta");
	const cJSON *sec = cJSON_GetObjectItemCaseSensitive(meta, "security");
	cJSON *m;

	if (!cJSON_IsArray(sec) || cJSON_GetArraySize(sec) == 0)
		return;
	if (!cJSON_IsObject(m = cJSON_GetObjectItemCaseSensitive(to, "meta"))) {
		cJSON_DeleteItemFromObjectCaseSensitive(to, "meta");
		m = cJSON_AddObjectToObject(to, "meta");
	}
	cJSON_DeleteItemFromObjectCaseSensitive(m, "security");
	cJSON_AddItemToObject(m, "security", cJSON_Duplicate(sec, 1));
}
