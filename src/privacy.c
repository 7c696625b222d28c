/* privacy.c - see include/core/privacy.h. */
#include "core/privacy.h"

#include <string.h>

#include "core/flag.h"
#include "core/i18n.h"
#include "core/json.h"

const char *
privacy_refusal(enum privacy_what what)
{
	switch (what) {
	case PRIVACY_NOTES:
		return _("Session notes are clinical: a front desk neither reads nor writes them; the client's counsellor does.");
	case PRIVACY_CHAT:
		return _("The messages with a client are clinical: a front desk does not read them; the client's counsellor does.");
	case PRIVACY_SCORES:
		return _("A client's scores are clinical: a front desk does not see them.");
	case PRIVACY_PLAN:
		break;
	}
	return _("A safety plan is clinical: a front desk does not see it; the client's counsellor has it.");
}

bool
privacy_clinical(struct session *s, enum privacy_what what, struct error *err)
{
	struct error e;

	error_clear(&e);
	if (!flag_user_front_desk(s, &e))
		return true;
	return error_set(err, ERR_FORBIDDEN, "%s", privacy_refusal(what));
}

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
privacy_label_process(cJSON *res)
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
	cJSON_AddItemToArray(sec, coding(PRIVACY_CONF_SYSTEM, PRIVACY_RESTRICTED, "restricted"));
	cJSON_AddItemToArray(sec, coding(PRIVACY_ACT_SYSTEM, PRIVACY_PSYTHPN,
					 "psychotherapy note information sensitivity"));
}

bool
privacy_is_process(const cJSON *res)
{
	const cJSON *meta = cJSON_GetObjectItemCaseSensitive(res, "meta"), *c;

	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(meta, "security")) {
		const cJSON *sys = cJSON_GetObjectItemCaseSensitive(c, "system");
		const cJSON *code = cJSON_GetObjectItemCaseSensitive(c, "code");

		if (!cJSON_IsString(sys) || !cJSON_IsString(code))
			continue;
		if (strcmp(sys->valuestring, PRIVACY_ACT_SYSTEM) == 0 &&
		    strcmp(code->valuestring, PRIVACY_PSYTHPN) == 0)
			return true;
		if (strcmp(sys->valuestring, PRIVACY_CONF_SYSTEM) == 0 &&
		    (strcmp(code->valuestring, "R") == 0 || strcmp(code->valuestring, "V") == 0))
			return true;
	}
	return false;
}

void
privacy_copy_labels(cJSON *to, const cJSON *from)
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
