/* test_audit.c - the audit trail without the network: an event's shape (R4
 * AuditEvent: type, action, subtype, agent, source, entities), sealed in the
 * store until a 2xx answer takes it out, one refused kept; the Bundle a
 * conditional create on each event's tag; the same view within a second
 * recorded once; and the psychotherapy note's labels (privacy.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/audit.h"
#include "core/privacy.h"
#include "core/seclabel.h"
#include "core/store.h"
#include "core/xmalloc.h"

static const struct store_kdf small = { crypto_pwhash_OPSLIMIT_MIN, 8192 * 1024 };
#define PASS "audit test passphrase"

static char *base;

static void
fresh(struct session *s)
{
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct error err;
	char *dir;

	memset(s, 0, sizeof *s);
	base = xasprintf("%s/ezrizi-audit-XXXXXX", tmp);
	assert_non_null(mkdtemp(base));
	dir = xasprintf("%s/s", base);
	error_clear(&err);
	assert_true(store_create(dir, PASS, strlen(PASS), &small, &err));
	s->store = store_open(dir, PASS, strlen(PASS), &small, &err);
	assert_non_null(s->store);
	s->me_type = xstrdup("Practitioner");
	s->me_id = xstrdup("prac-amina");
	s->me_name = xstrdup("Amina");
	s->login_user = xstrdup("amina");
	free(dir);
}

static void
done(struct session *s)
{
	char *cmd = xasprintf("rm -rf '%s'", base);

	store_close(s->store);
	free(s->me_type);
	free(s->me_id);
	free(s->me_name);
	free(s->login_user);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(base);
}

static const char *
str(const cJSON *o, const char *path)
{
	char *p = xstrdup(path), *save = NULL, *k;
	const cJSON *cur = o;

	for (k = strtok_r(p, ".", &save); k != NULL && cur != NULL; k = strtok_r(NULL, ".", &save)) {
		if (k[0] >= '0' && k[0] <= '9')
			cur = cJSON_GetArrayItem(cur, atoi(k));
		else
			cur = cJSON_GetObjectItemCaseSensitive(cur, k);
	}
	free(p);
	return cJSON_IsString(cur) ? cur->valuestring : NULL;
}

static void
test_event_shape(void **state)
{
	struct session s;
	cJSON *ev;

	(void)state;
	fresh(&s);
	ev = audit_event(&s, AUDIT_SIGN, "DocumentReference/n1", "pat-1", 1764756000, "u-1");
	assert_string_equal(str(ev, "resourceType"), "AuditEvent");
	assert_string_equal(str(ev, "type.system"), "http://dicom.nema.org/resources/ontology/DCM");
	assert_string_equal(str(ev, "type.code"), "110110");
	assert_string_equal(str(ev, "action"), "U");
	assert_string_equal(str(ev, "subtype.0.code"), "update");
	assert_string_equal(str(ev, "subtype.1.system"), AUDIT_ACT_SYSTEM);
	assert_string_equal(str(ev, "subtype.1.code"), "sign");
	assert_string_equal(str(ev, "recorded"), "2025-12-03T10:00:00Z");
	assert_string_equal(str(ev, "outcome"), "0");
	assert_string_equal(str(ev, "agent.0.who.reference"), "Practitioner/prac-amina");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(
		cJSON_GetObjectItemCaseSensitive(ev, "agent"), 0), "requestor")));
	assert_string_equal(str(ev, "agent.0.network.type"), "1");
	assert_non_null(str(ev, "agent.0.network.address"));
	assert_non_null(str(ev, "source.observer.display"));
	assert_string_equal(str(ev, "entity.0.what.reference"), "DocumentReference/n1");
	assert_string_equal(str(ev, "entity.1.what.reference"), "Patient/pat-1");
	assert_string_equal(str(ev, "meta.tag.0.system"), AUDIT_SYSTEM);
	assert_string_equal(str(ev, "meta.tag.0.code"), "u-1");
	cJSON_Delete(ev);
	/* An export is DCM 110106, read; a list keeps its query. */
	ev = audit_event(&s, AUDIT_EXPORT, "CarePlan/p1", "pat-1", 1764756000, "u-2");
	assert_string_equal(str(ev, "type.code"), "110106");
	assert_string_equal(str(ev, "action"), "R");
	cJSON_Delete(ev);
	ev = audit_event(&s, AUDIT_LIST, "DocumentReference", "pat-1", 1764756000, "u-3");
	assert_string_equal(str(ev, "entity.0.role.code"), "24");
	assert_string_equal(str(ev, "entity.0.name"), "DocumentReference");
	assert_non_null(str(ev, "entity.0.query"));
	assert_string_equal(str(ev, "entity.1.what.reference"), "Patient/pat-1");
	cJSON_Delete(ev);
	done(&s);
}

/* An answer Bundle of the given statuses. */
static cJSON *
answer(const char *const *statuses, int n)
{
	cJSON *b = cJSON_CreateObject(), *entries = cJSON_AddArrayToObject(b, "entry");

	for (int i = 0; i < n; i++) {
		cJSON *e = cJSON_CreateObject(), *r = cJSON_AddObjectToObject(e, "response");

		cJSON_AddStringToObject(r, "status", statuses[i]);
		cJSON_AddItemToArray(entries, e);
	}
	return b;
}

static void
test_sealed_until_delivered(void **state)
{
	static const char *const st[] = { "201 Created", "422 Unprocessable Entity", "200 OK" };
	struct session s;
	struct error err;
	cJSON *bundle, *ans, *e;
	size_t refused;

	(void)state;
	fresh(&s);
	error_clear(&err);
	assert_int_equal(audit_pending_count(&s), 0);
	assert_null(audit_bundle(&s, AUDIT_BATCH_MAX));
	assert_true(audit_record(&s, AUDIT_VIEW, "DocumentReference/a", "pat-1", &err));
	/* The same view within the second: once (a repaint is not a view). */
	assert_true(audit_record(&s, AUDIT_VIEW, "DocumentReference/a", "pat-1", &err));
	assert_int_equal(audit_pending_count(&s), 1);
	assert_true(audit_record(&s, AUDIT_VIEW, "DocumentReference/b", "pat-1", &err));
	assert_true(audit_record(&s, AUDIT_WRITE, "DocumentReference/a", "pat-1", &err));
	assert_int_equal(audit_pending_count(&s), 3);
	bundle = audit_bundle(&s, AUDIT_BATCH_MAX);
	assert_non_null(bundle);
	assert_string_equal(str(bundle, "type"), "batch");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(bundle, "entry")), 3);
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(bundle, "entry")) {
		const char *tag = str(e, "resource.meta.tag.0.code"), *ine = str(e, "request.ifNoneExist");
		char *want = xasprintf("_tag=%s|%s", AUDIT_SYSTEM, tag);

		assert_string_equal(str(e, "request.method"), "POST");
		assert_string_equal(str(e, "request.url"), "AuditEvent");
		assert_non_null(ine);
		assert_string_equal(ine, want);
		free(want);
	}
	/* Delivered, refused, already there: the refused one stays. */
	ans = answer(st, 3);
	assert_int_equal(audit_take(&s, bundle, ans, &refused), 2);
	assert_int_equal(refused, 1);
	assert_int_equal(audit_pending_count(&s), 1);
	cJSON_Delete(ans);
	cJSON_Delete(bundle);
	/* No answer for it at all (a cut Bundle): kept. */
	bundle = audit_bundle(&s, 1);
	ans = answer(st, 0);
	assert_int_equal(audit_take(&s, bundle, ans, NULL), 0);
	assert_int_equal(audit_pending_count(&s), 1);
	cJSON_Delete(ans);
	cJSON_Delete(bundle);
	done(&s);
}

static void
test_entry_read_back(void **state)
{
	struct session s;
	struct audit_entry en;
	cJSON *ev;

	(void)state;
	fresh(&s);
	ev = audit_event(&s, AUDIT_AMEND, "DocumentReference/n2", "pat-9", 1764756000, "u-9");
	assert_true(audit_entry_from_json(ev, &en));
	assert_string_equal(en.act, "amend");
	assert_string_equal(en.action, "C");
	assert_string_equal(en.what, "DocumentReference/n2");
	assert_string_equal(en.patient_id, "pat-9");
	assert_string_equal(en.uuid, "u-9");
	assert_int_equal(en.recorded, 1764756000);
	audit_entry_finish(&en);
	cJSON_Delete(ev);
	done(&s);
}

static void
test_process_labels(void **state)
{
	cJSON *doc = cJSON_Parse("{\"resourceType\":\"DocumentReference\"}"), *copy;

	(void)state;
	assert_false(seclabel_is_process(doc));
	seclabel_process(doc);
	assert_true(seclabel_is_process(doc));
	assert_string_equal(str(doc, "meta.security.0.system"), SECLABEL_CONF_SYSTEM);
	assert_string_equal(str(doc, "meta.security.0.code"), "R");
	assert_string_equal(str(doc, "meta.security.1.system"), SECLABEL_ACT_SYSTEM);
	assert_string_equal(str(doc, "meta.security.1.code"), "PSYTHPN");
	/* A write takes meta off: the labels are put back. */
	copy = cJSON_Parse("{\"resourceType\":\"DocumentReference\"}");
	seclabel_copy(copy, doc);
	assert_true(seclabel_is_process(copy));
	cJSON_Delete(copy);
	cJSON_Delete(doc);
	/* Someone else's code system with the same code is not ours. */
	doc = cJSON_Parse("{\"meta\":{\"security\":[{\"system\":\"urn:other\",\"code\":\"PSYTHPN\"}]}}");
	assert_false(seclabel_is_process(doc));
	cJSON_Delete(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_shape),
		cmocka_unit_test(test_sealed_until_delivered),
		cmocka_unit_test(test_entry_read_back),
		cmocka_unit_test(test_process_labels),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
