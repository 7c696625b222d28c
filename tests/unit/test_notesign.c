/* test_notesign.c - what signing reads: the SHA-256 of a note's bytes, the
 * predicates (signed, draft, awaits co-sign, tampered) and notes_sign_fill
 * matching a note with its Provenances and the notes that replace or append it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/json.h"
#include "core/notes.h"

/* "Hello\n" in base64, and its SHA-256 (sha256sum), in base64 too. */
#define HELLO_B64 "SGVsbG8K"
#define HELLO_SHA_HEX "66a045b452102c59d840ec097d59d9467e13a3f34f6494e539ffd32c1bb35f18"
#define HELLO_SHA_B64 "ZqBFtFIQLFnYQOwJfVnZRn4To/NPZJTlOf/TLBuzXxg="
#define OTHER_SHA_B64 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

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
read_note(const char *id, const char *doc_status, const char *rel, struct note *n)
{
	char *text = NULL;
	struct error err;
	cJSON *j;

	if (asprintf(&text, "{\"resourceType\":\"DocumentReference\",\"id\":\"%s\",\"status\":\"current\","
		     "\"docStatus\":\"%s\",\"meta\":{\"versionId\":\"v1\"},"
		     "\"author\":[{\"reference\":\"Practitioner/trainee\"}],"
		     "\"authenticator\":{\"reference\":\"Practitioner/trainee\"}%s,"
		     "\"content\":[{\"attachment\":{\"contentType\":\"text/plain; charset=utf-8\",\"data\":\"" HELLO_B64 "\"}}]}",
		     id, doc_status, rel) < 0)
		abort();
	j = parse(text);
	error_clear(&err);
	assert_true(note_from_json(j, n, &err));
	cJSON_Delete(j);
	free(text);
}

static cJSON *
provenance(const char *id, const char *target, const char *code, const char *who, const char *behalf,
	   const char *data)
{
	char *text = NULL;
	cJSON *j;

	if (asprintf(&text, "{\"resourceType\":\"Provenance\",\"id\":\"%s\",\"target\":[{\"reference\":\"DocumentReference/%s\"}],"
		     "\"recorded\":\"2026-12-01T10:00:00Z\",\"agent\":[{\"who\":{\"reference\":\"Practitioner/%s\"}}],"
		     "\"signature\":[{\"type\":[{\"system\":\"urn:iso-astm:E1762-95:2013\",\"code\":\"%s\"}],"
		     "\"when\":\"2026-12-01T10:00:00Z\",\"who\":{\"reference\":\"Practitioner/%s\"}%s%s%s,"
		     "\"data\":\"%s\"}]}",
		     id, target, who, code, who, behalf ? ",\"onBehalfOf\":{\"reference\":\"Practitioner/" : "",
		     behalf ? behalf : "", behalf ? "\"}" : "", data) < 0)
		abort();
	j = parse(text);
	free(text);
	return j;
}

static void
test_digest_is_sha256_of_the_bytes(void **state)
{
	struct note n;
	char hex[65];

	(void)state;
	read_note("n1", "final", "", &n);
	assert_true(n.has_digest);
	note_digest_hex(&n, hex);
	assert_string_equal(hex, HELLO_SHA_HEX);
	assert_string_equal(n.version, "v1");
	assert_string_equal(n.authenticator_id, "trainee");
	note_finish(&n);
}

static void
test_predicates(void **state)
{
	struct note n;

	(void)state;
	read_note("n1", "preliminary", "", &n);
	assert_true(note_is_draft(&n));
	assert_false(note_is_signed(&n));
	assert_false(note_awaits_cosign(&n));
	note_finish(&n);
	read_note("n2", "amended", "", &n);
	assert_true(note_is_signed(&n));
	assert_false(note_is_draft(&n));
	note_finish(&n);
}

/* A trainee's signature on behalf of the supervisor: awaits; the
 * supervisor's verification: given; a wrong digest: tampered. */
static void
test_fill_cosign_and_tamper(void **state)
{
	struct note n;
	cJSON *all = cJSON_CreateArray();

	(void)state;
	read_note("n1", "final", "", &n);
	cJSON_AddItemToArray(all, provenance("p1", "n1", "1.2.840.10065.1.12.1.1", "trainee", "super", HELLO_SHA_B64));
	cJSON_AddItemToArray(all, provenance("px", "other", "1.2.840.10065.1.12.1.1", "x", NULL, OTHER_SHA_B64));
	notes_sign_fill(&n, 1, all);
	assert_string_equal(n.signed_by_id, "trainee");
	assert_true(n.signed_at != 0);
	assert_false(note_is_tampered(&n));
	assert_true(note_awaits_cosign(&n));
	assert_true(note_awaits_cosign_by(&n, "super"));
	assert_false(note_awaits_cosign_by(&n, "someone-else"));
	cJSON_AddItemToArray(all, provenance("p2", "n1", "1.2.840.10065.1.12.1.5", "super", NULL, HELLO_SHA_B64));
	notes_sign_fill(&n, 1, all);
	assert_false(note_awaits_cosign(&n));
	assert_string_equal(n.cosigned_by_id, "super");
	assert_false(note_is_tampered(&n));
	cJSON_AddItemToArray(all, provenance("p3", "n1", "1.2.840.10065.1.12.1.1", "trainee", NULL, OTHER_SHA_B64));
	notes_sign_fill(&n, 1, all);
	assert_true(note_is_tampered(&n));
	note_finish(&n);
	cJSON_Delete(all);
}

/* A signed note with no Provenance (signed before ezrizi kept them): its
 * authenticator is the signer, no time, not tampered. */
static void
test_fill_without_provenance(void **state)
{
	struct note n;
	cJSON *all = cJSON_CreateArray();

	(void)state;
	read_note("n1", "final", "", &n);
	notes_sign_fill(&n, 1, all);
	assert_string_equal(n.signed_by_id, "trainee");
	assert_int_equal(n.signed_at, 0);
	assert_false(note_is_tampered(&n));
	note_finish(&n);
	cJSON_Delete(all);
}

static void
test_fill_replaced_and_addenda(void **state)
{
	struct note v[4];
	cJSON *all = cJSON_CreateArray();

	(void)state;
	read_note("orig", "final", "", &v[0]);
	read_note("a1", "final", ",\"relatesTo\":[{\"code\":\"appends\",\"target\":{\"reference\":\"DocumentReference/orig\"}}]", &v[1]);
	read_note("a2", "final", ",\"relatesTo\":[{\"code\":\"appends\",\"target\":{\"reference\":\"DocumentReference/orig\"}}]", &v[2]);
	read_note("fix", "amended", ",\"relatesTo\":[{\"code\":\"replaces\",\"target\":{\"reference\":\"DocumentReference/a2\"}}]", &v[3]);
	notes_sign_fill(v, 4, all);
	assert_int_equal(v[0].n_addenda, 2);
	assert_null(v[0].replaced_by_id);
	assert_string_equal(v[1].appends_id, "orig");
	assert_string_equal(v[2].replaced_by_id, "fix");
	assert_string_equal(v[3].replaces_id, "a2");
	for (int i = 0; i < 4; i++)
		note_finish(&v[i]);
	cJSON_Delete(all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_is_sha256_of_the_bytes),
		cmocka_unit_test(test_predicates),
		cmocka_unit_test(test_fill_cosign_and_tamper),
		cmocka_unit_test(test_fill_without_provenance),
		cmocka_unit_test(test_fill_replaced_and_addenda),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
