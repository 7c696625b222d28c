/* test_model.c - FHIR JSON to structs: strict on types, ids and instants; lenient
 * on unknown fields; json_parse refuses what cJSON alone would take. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/flag.h"
#include "core/json.h"
#include "core/model.h"

static cJSON *
parse(const char *text)
{
	struct error err;
	cJSON *j;

	error_clear(&err);
	j = json_parse(text, strlen(text), "test", &err);
	assert_non_null(j);
	return j;
}

static void
test_appointment_full(void **state)
{
	struct appointment a;
	struct error err;
	cJSON *j = parse(
		"{\"resourceType\":\"Appointment\",\"id\":\"ap-1\",\"status\":\"booked\","
		"\"start\":\"2026-11-26T09:00:00Z\",\"end\":\"2026-11-26T09:50:00+00:00\","
		"\"slot\":[{\"reference\":\"Slot/s-9\"}],\"unknownField\":{\"x\":1},"
		"\"serviceType\":[{\"text\":\"Counselling (1:1)\"}],"
		"\"cancelationReason\":{\"coding\":[{\"code\":\"pat\",\"display\":\"Patient\"}]},"
		"\"participant\":[{\"actor\":{\"reference\":\"https://x.org/fhir/R4/Patient/p-1\",\"display\":\"Ayşe\"}},"
		"{\"actor\":{\"reference\":\"Practitioner/pr-2\"}},{\"actor\":{\"reference\":\"Patient/p-3\"}}]}");

	(void)state;
	error_clear(&err);
	assert_true(appointment_from_json(j, &a, &err));
	assert_string_equal(a.id, "ap-1");
	assert_string_equal(a.status, "booked");
	assert_int_equal(a.start, 1795683600);
	assert_int_equal(a.end - a.start, 50 * 60);
	assert_string_equal(a.patient_id, "p-1");
	assert_string_equal(a.patient_name, "Ayşe");
	assert_int_equal(a.n_patients, 2);
	assert_string_equal(a.practitioner_id, "pr-2");
	assert_null(a.practitioner_name);
	assert_string_equal(a.slot_id, "s-9");
	assert_string_equal(a.service, "Counselling (1:1)");
	assert_string_equal(a.cancel_reason, "Patient");
	appointment_finish(&a);
	cJSON_Delete(j);
}

static void
expect_fail(bool (*fn)(const cJSON *, void *, struct error *), const char *text, const char *needle)
{
	struct error err;
	char obj[512];
	cJSON *j = parse(text);

	error_clear(&err);
	assert_false(fn(j, obj, &err));
	assert_int_equal(err.kind, ERR_FAILED);
	if (strstr(err.msg, needle) == NULL)
		fail_msg("message '%s' lacks '%s'", err.msg, needle);
	cJSON_Delete(j);
}

static bool
appt_fn(const cJSON *j, void *o, struct error *e)
{
	return appointment_from_json(j, o, e);
}

static bool
patient_fn(const cJSON *j, void *o, struct error *e)
{
	return patient_from_json(j, o, e);
}

static bool
note_fn(const cJSON *j, void *o, struct error *e)
{
	return note_from_json(j, o, e);
}

static void
test_appointment_bad(void **state)
{
	(void)state;
	expect_fail(appt_fn, "{\"resourceType\":\"Patient\",\"id\":\"x\"}", "Appointment");
	expect_fail(appt_fn, "{\"resourceType\":\"Appointment\",\"status\":\"booked\"}", "without an id");
	expect_fail(appt_fn, "{\"resourceType\":\"Appointment\",\"id\":7,\"status\":\"booked\"}", "without an id");
	expect_fail(appt_fn, "{\"resourceType\":\"Appointment\",\"id\":\"a\",\"status\":3}",
		    "Appointment/a: the field 'status' is not");
	expect_fail(appt_fn, "{\"resourceType\":\"Appointment\",\"id\":\"a\",\"status\":\"booked\",\"start\":\"tomorrow\"}",
		    "'start'");
	expect_fail(appt_fn, "{\"resourceType\":\"Appointment\",\"id\":\"a\",\"status\":\"booked\",\"participant\":{}}",
		    "'participant'");
	expect_fail(appt_fn, "{\"resourceType\":\"Appointment\",\"id\":\"a\"}", "'status' is missing");
	{
		/* An oversized value names the resource and the field. */
		static const char head[] =
			"{\"resourceType\":\"Appointment\",\"id\":\"a\",\"status\":\"booked\",\"comment\":\"";
		size_t n = 300 * 1024, h = sizeof head - 1;
		char *big = malloc(h + n + 3);

		memcpy(big, head, h);
		memset(big + h, 'x', n);
		memcpy(big + h + n, "\"}", 3);
		expect_fail(appt_fn, big, "Appointment/a: the field 'comment' is larger than 256 KiB");
		free(big);
	}
	/* Keys are case-sensitive: "Status" is not "status". */
	expect_fail(appt_fn, "{\"resourceType\":\"Appointment\",\"id\":\"a\",\"Status\":\"booked\"}", "'status'");
}

static void
test_patient(void **state)
{
	struct patient p;
	struct error err;
	cJSON *j = parse(
		"{\"resourceType\":\"Patient\",\"id\":\"p-7\",\"name\":[{\"given\":[\"Nur\",\"Aisyah\"],\"family\":\"binti Ali\"}],"
		"\"communication\":[{\"language\":{\"coding\":[{\"code\":\"en\"}]}},"
		"{\"language\":{\"coding\":[{\"system\":\"urn:ietf:bcp:47\",\"code\":\"ms\"}]},\"preferred\":true}],"
		"\"identifier\":[{\"system\":\"urn:x\",\"value\":\"MRN-1\"}],"
		"\"telecom\":[{\"system\":\"email\",\"value\":\"a@b\"},{\"system\":\"phone\",\"value\":\"+60 3 1234\"}]}");

	(void)state;
	error_clear(&err);
	assert_true(patient_from_json(j, &p, &err));
	assert_string_equal(p.name, "Nur Aisyah binti Ali");
	assert_string_equal(p.language, "ms");
	assert_string_equal(p.mrn, "MRN-1");
	assert_string_equal(p.phone, "+60 3 1234");
	assert_null(p.birth_date);
	patient_finish(&p);
	cJSON_Delete(j);
	expect_fail(patient_fn, "{\"resourceType\":\"Patient\",\"id\":\"p\",\"birthDate\":19900101}", "'birthDate'");
}

static void
test_note(void **state)
{
	struct note n;
	struct error err;
	/* "Sesi baik.\nİyi." in base64 */
	cJSON *j = parse(
		"{\"resourceType\":\"DocumentReference\",\"id\":\"d1\",\"status\":\"current\",\"docStatus\":\"final\","
		"\"type\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"11506-3\"}]},"
		"\"subject\":{\"reference\":\"Patient/p1\"},\"author\":[{\"reference\":\"Practitioner/pr1\",\"display\":\"Dr A\"}],"
		"\"date\":\"2026-11-20T10:00:00Z\",\"content\":[{\"attachment\":{\"contentType\":\"text/plain; charset=utf-8\","
		"\"language\":\"ms\",\"data\":\"U2VzaSBiYWlrLgrEsHlpLg==\"}}]}");

	(void)state;
	error_clear(&err);
	assert_true(note_from_json(j, &n, &err));
	assert_string_equal(n.kind, "progress");
	assert_string_equal(n.text, "Sesi baik.\nİyi.");
	assert_string_equal(n.patient_id, "p1");
	assert_string_equal(n.author_name, "Dr A");
	note_finish(&n);
	cJSON_Delete(j);
	/* Not base64, and base64 of invalid UTF-8 (0xff 0xfe): refused, not shown. */
	expect_fail(note_fn, "{\"resourceType\":\"DocumentReference\",\"id\":\"d\",\"content\":[{\"attachment\":{\"data\":\"@@@\"}}]}",
		    "not valid base64");
	expect_fail(note_fn, "{\"resourceType\":\"DocumentReference\",\"id\":\"d\",\"content\":[{\"attachment\":{\"data\":\"//4=\"}}]}",
		    "UTF-8");
}

static void
test_message_and_names(void **state)
{
	struct message m;
	struct error err;
	struct names *names = names_create();
	cJSON *all = parse(
		"[{\"resourceType\":\"Communication\",\"id\":\"c2\",\"partOf\":[{\"reference\":\"Communication/c1\"}],"
		"\"subject\":{\"reference\":\"Patient/p1\"},\"sender\":{\"reference\":\"Patient/p1\"},"
		"\"sent\":\"2026-11-26T08:00:00Z\",\"payload\":[{\"contentString\":\"salam\"},{\"contentString\":\"apa khabar\"}]},"
		"{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{\"text\":\"بلال\"}]},"
		"{\"resourceType\":\"Group\",\"id\":\"g1\",\"name\":\"Support group\"}]");

	(void)state;
	error_clear(&err);
	assert_true(message_from_json(cJSON_GetArrayItem(all, 0), &m, &err));
	assert_string_equal(m.thread_id, "c1");
	assert_string_equal(m.text, "salam\napa khabar");
	assert_string_equal(m.sender_ref, "Patient/p1");
	names_add_resources(names, all);
	assert_string_equal(names_get(names, "Patient", "p1"), "بلال");
	assert_string_equal(names_get(names, "Group", "g1"), "Support group");
	assert_null(names_get(names, "Practitioner", "p1"));
	message_finish(&m);
	names_destroy(names);
	cJSON_Delete(all);
}

static void
test_reference_id(void **state)
{
	cJSON *r;
	char *id;

	(void)state;
	r = parse("{\"reference\":\"Patient/abc\"}");
	id = reference_id(r, "Patient");
	assert_string_equal(id, "abc");
	free(id);
	assert_null(reference_id(r, "Practitioner"));
	assert_null(reference_id(r, "atient"));
	cJSON_Delete(r);
	r = parse("{\"reference\":\"Patient/\"}");
	assert_null(reference_id(r, "Patient"));
	cJSON_Delete(r);
}

static void
test_json_parse_refuses(void **state)
{
	static const char *const bad[] = {
		"{\"a\":\"\\u0000\"}", "{\"a\":\"\xff\"}", "{\"a\":1,}", "{\"a\":\"\\ud800\"}",
	};
	struct error err;
	char deep[2100];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		error_clear(&err);
		assert_null(json_parse(bad[i], strlen(bad[i]), "the answer", &err));
		assert_int_equal(err.kind, ERR_FAILED);
		assert_non_null(strstr(err.msg, "the answer"));
	}
	memset(deep, '[', 1000);
	memset(deep + 1000, ']', 1000);
	deep[2000] = '\0';
	error_clear(&err);
	assert_null(json_parse(deep, 2000, "deep", &err));
	assert_int_equal(err.kind, ERR_FAILED);
}

/* A Flag: its state, what raised it, who acknowledged and closed it (our
 * extensions); a Flag without status is refused; the front desk is one whose
 * every role is a front-desk one, and only then. */
static void
test_flag(void **state)
{
	cJSON *j = parse("{\"resourceType\":\"Flag\",\"id\":\"f-1\",\"meta\":{\"versionId\":\"3\","
			 "\"lastUpdated\":\"2026-11-30T10:00:00.250Z\"},\"status\":\"active\","
			 "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/flag-category\",\"code\":\"safety\"}]}],"
			 "\"code\":{\"coding\":[{\"code\":\"suicide-risk\",\"display\":\"Risk\"}]},"
			 "\"subject\":{\"reference\":\"Patient/p-1\"},\"author\":{\"reference\":\"Practitioner/pr-1\",\"display\":\"Dr A\"},"
			 "\"period\":{\"start\":\"2026-11-30T09:00:00Z\"},\"extension\":["
			 "{\"url\":\"http://hl7.org/fhir/StructureDefinition/flag-detail\",\"valueReference\":{\"reference\":\"Observation/o-1\"}},"
			 "{\"url\":\"urn:ezrizi:flag-acknowledgement\",\"extension\":[{\"url\":\"by\",\"valueReference\":{\"reference\":\"Practitioner/pr-2\"}},"
			 "{\"url\":\"at\",\"valueDateTime\":\"2026-11-30T09:30:00Z\"}]}]}");
	cJSON *roles;
	struct flag f;
	struct error err;

	(void)state;
	error_clear(&err);
	assert_true(flag_from_json(j, &f, &err));
	assert_string_equal(f.id, "f-1");
	assert_string_equal(f.version, "3");
	assert_string_equal(f.updated, "2026-11-30T10:00:00.250Z");
	assert_true(f.safety);
	assert_string_equal(f.code, "suicide-risk");
	assert_string_equal(f.text, "Risk");   /* the coding's display without a text */
	assert_string_equal(f.patient_id, "p-1");
	assert_string_equal(f.author_name, "Dr A");
	assert_string_equal(f.detail_ref, "Observation/o-1");
	assert_string_equal(f.ack_by, "Practitioner/pr-2");
	assert_int_equal(f.ack_at, 1796031000);   /* 2026-11-30T09:30:00Z */
	assert_false(flag_needs_ack(&f));
	assert_string_equal(flag_state(&f), "acknowledged");
	flag_finish(&f);
	cJSON_DeleteItemFromObject(j, "extension");
	assert_true(flag_from_json(j, &f, &err));
	assert_true(flag_needs_ack(&f));
	assert_string_equal(flag_state(&f), "unacknowledged");
	flag_finish(&f);
	cJSON_DeleteItemFromObject(j, "status");
	assert_false(flag_from_json(j, &f, &err));
	cJSON_Delete(j);

	roles = parse("[{\"resourceType\":\"PractitionerRole\",\"code\":[{\"coding\":[{\"code\":\"receptionist\"}]}]}]");
	assert_true(flag_roles_front_desk(roles));
	cJSON_AddItemToArray(roles, parse("{\"resourceType\":\"PractitionerRole\",\"code\":[{\"coding\":[{\"code\":\"counsellor\"}]}]}"));
	assert_false(flag_roles_front_desk(roles));   /* one clinical role is enough */
	cJSON_Delete(roles);
	roles = parse("[]");
	assert_false(flag_roles_front_desk(roles));   /* no roles said: not a front desk */
	cJSON_Delete(roles);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_appointment_full),
		cmocka_unit_test(test_appointment_bad),
		cmocka_unit_test(test_patient),
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_message_and_names),
		cmocka_unit_test(test_reference_id),
		cmocka_unit_test(test_flag),
		cmocka_unit_test(test_json_parse_refuses),
	};

	setlocale(LC_ALL, "C.UTF-8");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
