/* test_measure.c - when a measure is due (core/measure.h), at its edges:
 * every session (no session before, a score on the session before's own day,
 * the day after it, on the day itself, a session before on the same day), every
 * other session, monthly (the same day, exactly 30 days, 31), scores after
 * the day not counted; a cancelled or no-show session before ignored; the
 * plans read out of CarePlans (the newest a client's, what is not ours left
 * out); the searches for many clients at once. TZ=UTC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/date.h"
#include "core/json.h"
#include "core/measure.h"
#include "core/xmalloc.h"

/* An instant on a day of December 2026 at hh:mm UTC. */
static time_t
dec(int day, int hh, int mm)
{
	struct civil_date d = { 2026, 12, day };

	return date_start(d) + hh * 3600 + mm * 60;
}

static struct appointment
session(int day, int hh)
{
	return (struct appointment){ .id = "x", .status = "booked", .start = dec(day, hh, 0),
				     .end = dec(day, hh, 50), .patient_id = "p" };
}

static bool
due1(enum measure_every every, struct appointment *at, struct appointment *p, size_t n, time_t last)
{
	const struct appointment *prev[2] = { n > 0 ? &p[0] : NULL, n > 1 ? &p[1] : NULL };

	return measure_due(every, at, prev, n, last);
}

static void
test_every_session(void **state)
{
	struct appointment at = session(14, 10), prev[2] = { session(7, 10), session(1, 10) };

	(void)state;
	/* No session before: any score counts; none ever is due. */
	assert_true(due1(MEASURE_EVERY_SESSION, &at, prev, 0, 0));
	assert_false(due1(MEASURE_EVERY_SESSION, &at, prev, 0, dec(1, 9, 0)));
	/* None since the session before. */
	assert_true(due1(MEASURE_EVERY_SESSION, &at, prev, 1, 0));
	assert_true(due1(MEASURE_EVERY_SESSION, &at, prev, 1, dec(3, 9, 0) - 7 * 86400));
	/* Given on the session before's own day, even after it: that session's. */
	assert_true(due1(MEASURE_EVERY_SESSION, &at, prev, 1, dec(7, 10, 20)));
	assert_true(due1(MEASURE_EVERY_SESSION, &at, prev, 1, dec(7, 23, 59)));
	/* The day after it: this one's (given between the sessions). */
	assert_false(due1(MEASURE_EVERY_SESSION, &at, prev, 1, dec(8, 0, 0)));
	/* On the day itself, before or after the session. */
	assert_false(due1(MEASURE_EVERY_SESSION, &at, prev, 1, dec(14, 9, 0)));
	assert_false(due1(MEASURE_EVERY_SESSION, &at, prev, 1, dec(14, 18, 0)));
}

/* Two sessions on one day: a score at the morning's is not the afternoon's. */
static void
test_every_session_same_day(void **state)
{
	struct appointment at = session(14, 15), prev[1] = { session(14, 9) };

	(void)state;
	assert_true(due1(MEASURE_EVERY_SESSION, &at, prev, 1, dec(14, 9, 30)));
	assert_false(due1(MEASURE_EVERY_SESSION, &at, prev, 1, dec(14, 9, 50)));
	assert_false(due1(MEASURE_EVERY_SESSION, &at, prev, 1, dec(14, 15, 10)));
}

static void
test_every_other_session(void **state)
{
	struct appointment at = session(14, 10), prev[2] = { session(7, 10), session(1, 10) };

	(void)state;
	assert_true(due1(MEASURE_EVERY_OTHER_SESSION, &at, prev, 2, 0));
	/* At the second session before: due now. */
	assert_true(due1(MEASURE_EVERY_OTHER_SESSION, &at, prev, 2, dec(1, 10, 10)));
	/* At the session before: it covers this one. */
	assert_false(due1(MEASURE_EVERY_OTHER_SESSION, &at, prev, 2, dec(7, 10, 10)));
	assert_false(due1(MEASURE_EVERY_OTHER_SESSION, &at, prev, 2, dec(2, 9, 0)));
	/* One session before, given at it: not due; never given: due. */
	assert_false(due1(MEASURE_EVERY_OTHER_SESSION, &at, prev, 1, dec(7, 10, 10)));
	assert_true(due1(MEASURE_EVERY_OTHER_SESSION, &at, prev, 1, 0));
	assert_true(due1(MEASURE_EVERY_OTHER_SESSION, &at, prev, 0, 0));
}

static void
test_monthly(void **state)
{
	struct appointment at = session(31, 10);

	(void)state;
	assert_true(due1(MEASURE_MONTHLY, &at, NULL, 0, 0));
	assert_false(due1(MEASURE_MONTHLY, &at, NULL, 0, dec(31, 9, 0)));     /* the same day */
	assert_false(due1(MEASURE_MONTHLY, &at, NULL, 0, dec(1, 23, 59)));    /* exactly 30 days */
	assert_true(due1(MEASURE_MONTHLY, &at, NULL, 0, dec(1, 0, 0) - 60));  /* 31 days */
	assert_false(due1(MEASURE_OFF, &at, NULL, 0, 0));
}

/* ---- the book: the plans, the scores and the sessions of many clients ---- */

#define PLAN_JSON \
	"{\"resourceType\":\"CarePlan\",\"id\":\"%s\",\"status\":\"%s\",\"intent\":\"plan\"," \
	"\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"}," \
	"\"category\":[{\"coding\":[{\"system\":\"urn:ezrizi:careplan\",\"code\":\"measures\"}]}]," \
	"\"subject\":{\"reference\":\"Patient/%s\"},\"activity\":[%s]}"

static char *
activity(const char *system, const char *code, const char *every)
{
	return xasprintf("{\"detail\":{\"code\":{\"coding\":[{\"system\":\"%s\",\"code\":\"%s\"}]},"
			 "\"status\":\"scheduled\",\"scheduledTiming\":{\"code\":{\"coding\":[{"
			 "\"system\":\"urn:ezrizi:measure-schedule\",\"code\":\"%s\"}]}}}}",
			 system, code, every);
}

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
add_plan(cJSON *all, const char *id, const char *status, const char *updated, const char *patient,
	 const char *acts)
{
	char *text = xasprintf(PLAN_JSON, id, status, updated, patient, acts);

	cJSON_AddItemToArray(all, parse(text));
	free(text);
}

static void
add_score(cJSON *all, const char *id, const char *patient, const char *when)
{
	char *text = xasprintf("{\"resourceType\":\"Observation\",\"id\":\"%s\",\"status\":\"final\","
			       "\"category\":[{\"coding\":[{\"code\":\"survey\"}]}],"
			       "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"44261-6\"}]},"
			       "\"subject\":{\"reference\":\"Patient/%s\"},\"effectiveDateTime\":\"%s\","
			       "\"valueInteger\":7}", id, patient, when);

	cJSON_AddItemToArray(all, parse(text));
	free(text);
}

static void
add_appt(cJSON *all, const char *id, const char *patient, const char *status, const char *start)
{
	char *text = xasprintf("{\"resourceType\":\"Appointment\",\"id\":\"%s\",\"status\":\"%s\","
			       "\"start\":\"%s\",\"participant\":[{\"actor\":{\"reference\":\"Patient/%s\"},"
			       "\"status\":\"accepted\"}]}", id, status, start, patient);

	cJSON_AddItemToArray(all, parse(text));
	free(text);
}

/* pat-a: PHQ-9 every session, WHO-5 (ours) monthly, a code not ours; an
 * older plan and a finished one of theirs left out. pat-b: none. */
static void
book_of(struct measure_book *b, cJSON *appts, cJSON *obs)
{
	cJSON *plans = cJSON_CreateArray();
	char *phq = activity("http://loinc.org", "44249-1", "every-session");
	char *who = activity("urn:ezrizi:instrument", "who5", "monthly");
	char *other = activity("http://loinc.org", "1234-5", "monthly");
	char *gad = activity("http://loinc.org", "69737-5", "every-session");
	char *acts = xasprintf("%s,%s,%s", other, phq, who);

	add_plan(plans, "cp-old", "active", "2026-10-01T00:00:00Z", "pat-a", gad);
	add_plan(plans, "cp-1", "active", "2026-11-01T00:00:00Z", "pat-a", acts);
	add_plan(plans, "cp-done", "completed", "2026-11-20T00:00:00Z", "pat-a", gad);
	measure_book_init(b, dec(1, 0, 0) - 92 * 86400);
	measure_book_plans(b, plans);
	measure_book_facts(b, obs, appts);
	cJSON_Delete(plans);
	free(phq);
	free(who);
	free(other);
	free(gad);
	free(acts);
}

static void
test_book_plans(void **state)
{
	struct measure_book b;
	const struct measure_plan *p;
	const char **with;
	size_t n;
	bool sessions;

	(void)state;
	book_of(&b, NULL, NULL);
	p = measure_book_plan(&b, "pat-a");
	assert_non_null(p);
	assert_string_equal(p->id, "cp-1");
	assert_int_equal(p->n, 2);
	assert_string_equal(p->v[0].in->id, "phq9");
	assert_int_equal(p->v[0].every, MEASURE_EVERY_SESSION);
	assert_string_equal(p->v[1].in->id, "who5");
	assert_int_equal(p->v[1].every, MEASURE_MONTHLY);
	assert_null(measure_book_plan(&b, "pat-b"));
	with = measure_book_clients(&b, &n, &sessions);
	assert_int_equal(n, 1);
	assert_string_equal(with[0], "pat-a");
	assert_true(sessions);
	free(with);
	measure_book_finish(&b);
}

/* The session before that counts: a cancelled and a no-show one after it
 * are passed over, so the score between is since the session before. */
static void
test_book_cancelled_session_ignored(void **state)
{
	cJSON *appts = cJSON_CreateArray(), *obs = cJSON_CreateArray();
	struct measure_book b;
	struct appointment at = { .id = "ap-now", .status = "booked", .patient_id = "pat-a",
				  .start = dec(14, 10, 0), .end = dec(14, 10, 50) };
	bool due[MEASURE_MAX];

	(void)state;
	add_appt(appts, "ap-1", "pat-a", "fulfilled", "2026-12-01T10:00:00Z");
	add_appt(appts, "ap-2", "pat-a", "cancelled", "2026-12-07T10:00:00Z");
	add_appt(appts, "ap-3", "pat-a", "noshow", "2026-12-10T10:00:00Z");
	add_appt(appts, "ap-now", "pat-a", "booked", "2026-12-14T10:00:00Z");
	add_appt(appts, "ap-b", "pat-b", "fulfilled", "2026-12-13T10:00:00Z");
	add_score(obs, "o-1", "pat-a", "2026-12-05T09:00:00Z");
	book_of(&b, appts, obs);
	/* Since ap-1 (the 1st): the 5th's counts; the WHO-5 never given is due. */
	assert_int_equal(measure_book_due(&b, &at, NULL, due), 1);
	assert_false(due[0]);
	assert_true(due[1]);
	measure_book_finish(&b);
	cJSON_Delete(appts);
	cJSON_Delete(obs);

	/* Were the 7th's kept, the 5th's would be before it: due. */
	appts = cJSON_CreateArray();
	obs = cJSON_CreateArray();
	add_appt(appts, "ap-1", "pat-a", "fulfilled", "2026-12-01T10:00:00Z");
	add_appt(appts, "ap-2", "pat-a", "fulfilled", "2026-12-07T10:00:00Z");
	add_score(obs, "o-1", "pat-a", "2026-12-05T09:00:00Z");
	book_of(&b, appts, obs);
	assert_int_equal(measure_book_due(&b, &at, NULL, due), 2);
	assert_true(due[0]);
	measure_book_finish(&b);
	cJSON_Delete(appts);
	cJSON_Delete(obs);
}

/* A score after the session's day is not its own; one the screen holds for
 * the client (more) counts as the book's do. */
static void
test_book_later_and_more(void **state)
{
	cJSON *appts = cJSON_CreateArray(), *obs = cJSON_CreateArray(), *mine = cJSON_CreateArray();
	struct measure_book b;
	struct score_list more;
	struct appointment at = { .id = "ap-now", .status = "booked", .patient_id = "pat-a",
				  .start = dec(14, 10, 0), .end = dec(14, 10, 50) };
	bool due[MEASURE_MAX];

	(void)state;
	add_appt(appts, "ap-1", "pat-a", "fulfilled", "2026-12-07T10:00:00Z");
	add_score(obs, "o-late", "pat-a", "2026-12-15T09:00:00Z");
	book_of(&b, appts, obs);
	assert_int_equal(measure_book_due(&b, &at, NULL, due), 2);
	assert_true(due[0]);
	add_score(mine, "o-now", "pat-a", "2026-12-14T10:30:00Z");
	scores_from_resources(mine, NULL, &more);
	assert_int_equal(measure_book_due(&b, &at, &more, due), 1);
	assert_false(due[0]);
	score_list_finish(&more);
	measure_book_finish(&b);
	cJSON_Delete(appts);
	cJSON_Delete(obs);
	cJSON_Delete(mine);
}

static void
test_codes_and_paths(void **state)
{
	const char *two[] = { "pat-1", "pat-2" };
	char *p;

	(void)state;
	assert_int_equal(measure_every_parse("every-other-session"), MEASURE_EVERY_OTHER_SESSION);
	assert_int_equal(measure_every_parse("off"), MEASURE_OFF);
	assert_int_equal(measure_every_parse("weekly"), -1);
	assert_int_equal(measure_every_parse(NULL), -1);
	p = measure_plans_path(two, 2);
	assert_string_equal(p, "CarePlan?category=urn%3Aezrizi%3Acareplan%7Cmeasures&status=active&_count=200"
			       "&subject=Patient%2Fpat-1%2CPatient%2Fpat-2");
	free(p);
	p = measure_scores_path(two, 1, dec(1, 0, 0), false);
	assert_string_equal(p, "Observation?category=survey&_count=200&subject=Patient%2Fpat-1"
			       "&date=ge2026-12-01T00%3A00%3A00Z");
	free(p);
	/* A front desk's: the instrument and the day, not the value. */
	p = measure_scores_path(two, 1, dec(1, 0, 0), true);
	assert_string_equal(p, "Observation?category=survey&_count=200&_elements=status,code,subject,effective"
			       "&subject=Patient%2Fpat-1&date=ge2026-12-01T00%3A00%3A00Z");
	free(p);
	p = measure_sessions_path(two, 2, dec(1, 0, 0), dec(2, 0, 0));
	assert_non_null(strstr(p, "&patient=Patient%2Fpat-1%2CPatient%2Fpat-2&date=ge2026-12-01T00%3A00%3A00Z&date=lt2026-12-02T00%3A00%3A00Z"));
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_session),
		cmocka_unit_test(test_every_session_same_day),
		cmocka_unit_test(test_every_other_session),
		cmocka_unit_test(test_monthly),
		cmocka_unit_test(test_book_plans),
		cmocka_unit_test(test_book_cancelled_session_ignored),
		cmocka_unit_test(test_book_later_and_more),
		cmocka_unit_test(test_codes_and_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
