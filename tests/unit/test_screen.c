/* test_screen.c - the screen's state and commands, above the model, against
 * a scripted network (stub_http.c, linked in place of src/http.c). No curses:
 * the screen's state is built with tui_state_init as tui_run does, without a
 * terminal, windows or panes (t->loop is NULL: the ':' line does nothing),
 * and the loop's turn is played by turn(): the pending fetches started, one
 * step of the network, the job resumed, as tui_run's loop does between its
 * drawing and its keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/cmd.h"
#include "core/config.h"
#include "core/date.h"
#include "core/http.h"
#include "core/outbox.h"
#include "core/session.h"
#include "core/store.h"
#include "core/xmalloc.h"
#include "stub_http.h"
#include "ui/mode.h"
#include "ui/cmd_screen.h"
#include "ui/commands.h"
#include "ui/job.h"
#include "ui/keys.h"
#include "ui/state.h"

#define BASE "https://fhir.test/R4"
#define PASS "screen test passphrase"
#define EMPTY "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}"

static const struct store_kdf small = { crypto_pwhash_OPSLIMIT_MIN, 8192 * 1024 };

struct fx {
	char *dir;
	struct cmd_ctx ctx;
	struct keymap keys;
	struct tui t;
};

/* ---- what the server answers ---- */

/* "2026-11-27" for today + days. */
static const char *
day_str(int days, char out[static 11])
{
	date_format(date_add_days(date_today(), days), out);
	return out;
}

/* An appointment on today + days, hh:00 to hh:50 UTC, of the client and pr-1. */
static char *
appt_json(const char *id, const char *patient, int days, int hh)
{
	char d[11];

	day_str(days, d);
	return xasprintf("{\"resourceType\":\"Appointment\",\"id\":\"%s\",\"status\":\"booked\","
			 "\"start\":\"%sT%02d:00:00Z\",\"end\":\"%sT%02d:50:00Z\","
			 "\"participant\":[{\"actor\":{\"reference\":\"Patient/%s\",\"display\":\"Client %s\"},\"status\":\"accepted\"},"
			 "{\"actor\":{\"reference\":\"Practitioner/pr-1\",\"display\":\"Counsellor One\"},\"status\":\"accepted\"}]}",
			 id, d, hh, d, hh, patient, patient);
}

static char *
patient_json(const char *id)
{
	return xasprintf("{\"resourceType\":\"Patient\",\"id\":\"%s\",\"name\":[{\"text\":\"Client %s\"}]}", id, id);
}

#define PRACTITIONER "{\"resourceType\":\"Practitioner\",\"id\":\"pr-1\",\"name\":[{\"text\":\"Counsellor One\"}]}"

/* A searchset of the resources given (JSON texts, taken), NULL-terminated. */
static char *
bundle(char *first, ...)
{
	struct buf b;
	va_list ap;
	char *r;
	bool any = false;

	buf_init(&b);
	buf_adds(&b, "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[");
	va_start(ap, first);
	for (r = first; r != NULL; r = va_arg(ap, char *)) {
		buf_addf(&b, "%s{\"search\":{\"mode\":\"match\"},\"resource\":%s}", any ? "," : "", r);
		any = true;
		free(r);
	}
	va_end(ap);
	buf_adds(&b, "]}");
	return buf_steal(&b);
}

/* The day's list: ap-1 (pat-1) and ap-2 (pat-2) with the clients included. */
static struct stub_answer *
answer_day(int days, const char *a1, const char *p1, const char *a2, const char *p2)
{
	char *body = a2 != NULL
		? bundle(appt_json(a1, p1, days, 21), appt_json(a2, p2, days, 22), patient_json(p1),
			 patient_json(p2), xstrdup(PRACTITIONER), NULL)
		: bundle(appt_json(a1, p1, days, 21), patient_json(p1), xstrdup(PRACTITIONER), NULL);
	struct stub_answer *a = stub_answer("GET", "Appointment?_sort=date*", 200, body);

	free(body);
	return a;
}

/* A read of Patient/ID answers with that client. */
static char *
patient_read(const struct stub_request *r)
{
	return patient_json(r->path + strlen("Patient/"));
}

/* A search of one client by id (Patient?_id=ID), as book asks. */
static char *
patient_search(const struct stub_request *r)
{
	const char *id = r->path + strlen("Patient?_id=");
	char *p = patient_json(id), *b;

	b = xasprintf("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":%s}]}", p);
	free(p);
	return b;
}

/* The client's thread headers, as send asks: none, the client included. */
static char *
headers_with_client(const struct stub_request *r)
{
	char *p = patient_json("pat-1"), *b;

	(void)r;
	b = xasprintf("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
		      "{\"search\":{\"mode\":\"include\"},\"resource\":%s}]}", p);
	free(p);
	return b;
}

/* ---- the screen ---- */

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	struct error err;
	struct session *s;
	char *sdir;

	/* Nothing of the user's: a home of our own, the token from the environment. */
	f->dir = stub_home("ezrizi-screen");
	stub_reset(BASE);
	error_clear(&err);
	f->ctx.cfg = config_create();
	assert_true(config_override(f->ctx.cfg, "server", BASE, &err));
	assert_true(config_override(f->ctx.cfg, "start_with", "everyone", &err));
	ui_register_commands();
	assert_true(keymap_init(&f->keys, f->ctx.cfg, ui_check_line, &err));
	s = cmd_session(&f->ctx, &err);
	assert_non_null(s);
	/* Who "me" is, as a login would say. */
	s->me_type = xstrdup("Practitioner");
	s->me_id = xstrdup("pr-1");
	/* The local store in the temp dir, as test_outbox.c makes one. */
	sdir = xasprintf("%s/store", f->dir);
	assert_true(store_create(sdir, PASS, strlen(PASS), &small, &err));
	s->store = store_open(sdir, PASS, strlen(PASS), &small, &err);
	assert_non_null(s->store);
	free(sdir);
	tui_state_init(&f->t, &f->ctx, s);
	f->ctx.front = &f->t;
	http_set_max_wait(s->http, 0);   /* as the screen does */
	/* What the panes fetch for the client shown: nothing there. */
	stub_sticky("GET", "DocumentReference?*", 200, EMPTY);
	/* The client's scores, above the notes: none unless a test says. */
	stub_sticky("GET", "Observation?*", 200, EMPTY);
	stub_sticky("GET", "Communication?*", 200, EMPTY);
	/* No risk flags; the user's roles: none said. */
	stub_sticky("GET", "Flag?*", 200, EMPTY);
	stub_sticky("GET", "PractitionerRole?*", 200, EMPTY);
	/* A look again (after every command) finds nothing changed. */
	stub_sticky("GET", "Appointment?_lastUpdated=*", 200, EMPTY);
	/* The listed clients' measures: none. */
	stub_sticky("GET", "CarePlan?category=*", 200, EMPTY);
	*state = f;
	return 0;
}

/* One turn of the screen's loop, without drawing or keys. */
static void
turn(struct tui *t)
{
	model_start_work(&t->m);
	http_step(t->s->http, NULL, 0, 0);
	ui_job_step(t);
}

static void
turns(struct tui *t, int n)
{
	while (n-- > 0)
		turn(t);
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	stub_debug_dump();
	/* Every request the screen made was one the test scripted. */
	assert_int_equal(stub_unscripted(), 0);
	/* A job still waiting ends as the screen's second q ends it. */
	for (int i = 0; f->t.job != NULL && i < 10; i++) {
		ui_job_abort(&f->t);
		turn(&f->t);
	}
	assert_null(f->t.job);
	tui_state_finish(&f->t);
	f->ctx.front = NULL;
	keymap_finish(&f->keys);
	cmd_ctx_finish(&f->ctx);
	config_destroy(f->ctx.cfg);
	cmd_unregister();
	stub_reset(NULL);
	stub_home_remove(f->dir);
	free(f);
	return 0;
}

/* What a key runs, as the screen's loop does with a key that has a binding. */
static void
press(struct fx *f, const char *name)
{
	struct ui_key k;
	const char *line;

	assert_true(key_parse(name, &k));
	line = keymap_lookup(&f->keys, &k);
	assert_non_null(line);
	ui_run(&f->t, line);
}

static const char *
appt_id(const struct tui *t, size_t i)
{
	assert_true(i < t->m.appts.n);
	return t->m.appts.v[i].id;
}

/* Today's list, loaded: ap-1 (pat-1) selected and shown, ap-2 (pat-2). */
static void
load_today(struct fx *f)
{
	answer_day(0, "ap-1", "pat-1", "ap-2", "pat-2");
	turns(&f->t, 3);
	assert_int_equal(f->t.m.appt_f.state, LOAD_OK);
	assert_int_equal(f->t.m.appts.n, 2);
	assert_string_equal(appt_id(&f->t, f->t.m.sel), "ap-1");
	assert_non_null(model_find_client(&f->t.m, "pat-1"));
}

/* ---- the day's list ---- */

static void
test_list_loads_and_days_reload(void **state)
{
	struct fx *f = *state;
	struct tui *t = &f->t;
	const struct stub_request *r;
	char today[11], tomorrow[11];

	day_str(0, today);
	day_str(1, tomorrow);
	assert_int_equal(t->m.appt_f.state, LOAD_PENDING);
	load_today(f);
	r = stub_last("GET", "Appointment?_sort=date*");
	assert_non_null(strstr(r->path, today));
	assert_true(r->bearer);
	assert_string_equal(appt_id(t, 1), "ap-2");
	assert_string_equal(t->m.appts.v[0].patient_name, "Client pat-1");
	/* The client shown had their notes and chat fetched. */
	assert_true(stub_count("GET", "DocumentReference?*subject=Patient%2Fpat-1*") >= 1);
	assert_true(stub_count("GET", "Communication?*") >= 1);

	/* day next: the list is fetched again, for tomorrow; the clients go. */
	answer_day(1, "ap-3", "pat-3", NULL, NULL);
	ui_run(t, "day next");
	assert_int_equal(t->m.n_clients, 0);
	assert_int_equal(t->m.appt_f.state, LOAD_PENDING);
	turns(t, 3);
	assert_int_equal(stub_count("GET", "Appointment?_sort=date*"), 2);
	r = stub_last("GET", "Appointment?_sort=date*");
	assert_non_null(strstr(r->path, tomorrow));
	assert_null(strstr(r->path, today));   /* the other day's, not today's again */
	assert_int_equal(t->m.appts.n, 1);
	assert_string_equal(appt_id(t, 0), "ap-3");

	/* day today: back to today's. */
	answer_day(0, "ap-1", "pat-1", "ap-2", "pat-2");
	ui_run(t, "day today");
	turns(t, 3);
	assert_int_equal(stub_count("GET", "Appointment?_sort=date*"), 3);
	assert_non_null(strstr(stub_last("GET", "Appointment?_sort=date*")->path, today));
	assert_int_equal(t->m.appts.n, 2);
	assert_string_equal(appt_id(t, 0), "ap-1");
	assert_int_equal(stub_unscripted(), 0);
}

/* ---- a command that waits ---- */

/* send pat-1 TEXT, its first search (the client's thread headers, the
 * client with them) held back: the job waits. */
static struct stub_answer *
start_held_send(struct fx *f, const char *text)
{
	struct tui *t = &f->t;
	struct stub_answer *held = stub_answer("GET", "Communication?subject=Patient%2Fpat-1&part-of:missing=true&*",
					       200, NULL);
	struct client *c;
	char *line = xasprintf("send pat-1 %s", text);

	stub_answer_fn(held, headers_with_client);
	stub_first(held);   /* before the sticky empty chat */
	stub_hold(held);
	ui_run(t, line);
	free(line);
	assert_non_null(t->job);
	assert_true(stub_taken(held) || stub_count("GET", "Communication?*&part-of:missing=true*") == 1);
	turns(t, 3);
	/* Waiting: the job stays, the answer is not in, the chat shows it going. */
	assert_non_null(t->job);
	assert_true(stub_taken(held));
	assert_false(stub_delivered(held));
	c = model_find_client(&t->m, "pat-1");
	assert_non_null(c);
	assert_non_null(c->outgoing);
	assert_string_equal(c->outgoing, text);
	assert_false(c->outgoing_failed);
	return held;
}

/* The server refuses the message (422): not a network failure, nothing queued. */
static void
refuse_post(void)
{
	stub_answer("POST", "", 422,
		    "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
		    "\"code\":\"invalid\",\"diagnostics\":\"Refused by the test server.\"}]}");
}

static void
wait_job(struct tui *t)
{
	for (int i = 0; t->job != NULL && i < 20; i++)
		turn(t);
	assert_null(t->job);
}

/* Regression: job_holds_ids_not_pointers. The list is reloaded twice while a
 * send waits (the client objects freed); when the answer comes the job
 * touches nothing freed (ASan build) and finds the client again by id: the
 * new one, which never had the message, is not marked. */
static void
test_job_holds_ids_not_pointers(void **state)
{
	struct fx *f = *state;
	struct tui *t = &f->t;
	struct stub_answer *held;
	struct client *c;

	load_today(f);
	held = start_held_send(f, "See you on Thursday");
	/* Meanwhile: another day, and a reload, run (BUSY_OK) and free the clients. */
	answer_day(1, "ap-3", "pat-1", NULL, NULL);
	answer_day(1, "ap-3", "pat-1", NULL, NULL);
	ui_run(t, "day next");
	assert_int_equal(t->m.n_clients, 0);
	assert_null(t->status_err);   /* not refused as busy */
	turns(t, 3);
	ui_run(t, "reload");
	assert_int_equal(t->m.n_clients, 0);
	turns(t, 3);
	assert_int_equal(stub_count("GET", "Appointment?_sort=date*"), 3);
	assert_string_equal(appt_id(t, 0), "ap-3");
	c = model_find_client(&t->m, "pat-1");   /* made again for the list shown */
	assert_non_null(c);
	assert_null(c->outgoing);
	assert_non_null(t->job);           /* still waiting */

	refuse_post();
	stub_release(held);
	wait_job(t);
	assert_true(stub_delivered(held));
	assert_int_equal(stub_count("POST", ""), 1);
	assert_non_null(strstr(stub_last("POST", "")->body, "See you on Thursday"));
	/* The job's end reached the screen: the refusal in red... */
	assert_non_null(t->status_err);
	assert_non_null(strstr(t->status_err, "Refused by the test server."));
	/* ... and the client it found by id, made after the send began, is left alone. */
	c = model_find_client(&t->m, "pat-1");
	assert_non_null(c);
	assert_null(c->outgoing);
	assert_false(c->outgoing_failed);
}

/* The positive control: with no reload the same refusal marks the message
 * that failed, in the client's chat, found by the same id. */
static void
test_send_refused_marks_the_chat(void **state)
{
	struct fx *f = *state;
	struct tui *t = &f->t;
	struct stub_answer *held;
	struct client *c;

	load_today(f);
	held = start_held_send(f, "See you on Thursday");
	refuse_post();
	stub_release(held);
	wait_job(t);
	c = model_find_client(&t->m, "pat-1");
	assert_non_null(c);
	assert_non_null(c->outgoing);
	assert_string_equal(c->outgoing, "See you on Thursday");
	assert_true(c->outgoing_failed);
	assert_non_null(t->status_err);
	assert_string_equal(t->last_failed, "send pat-1 See you on Thursday");
}

/* While a job waits, a command that is not BUSY_OK is refused, saying so,
 * and starts nothing; a BUSY_OK one runs; once the job has ended the refused
 * one runs. */
static void
test_busy_refuses_what_may_not_run(void **state)
{
	struct fx *f = *state;
	struct tui *t = &f->t;
	struct stub_answer *held;
	size_t before;

	load_today(f);
	held = start_held_send(f, "Hello");
	before = stub_n_requests();
	ui_run(t, "patient pat-2");
	assert_non_null(t->status_err);
	assert_non_null(strstr(t->status_err, "Busy"));
	assert_int_equal(stub_n_requests(), before);   /* nothing was asked */
	assert_int_equal(stub_count("GET", "Patient/pat-2"), 0);
	/* A command that may run meanwhile does. */
	tui_clear_error(t);
	answer_day(0, "ap-1", "pat-1", "ap-2", "pat-2");   /* the week's list */
	ui_run(t, "week");
	assert_true(t->m.week);
	assert_null(t->status_err);
	/* The job ends (refused); then the same command runs. */
	refuse_post();
	stub_release(held);
	wait_job(t);
	stub_answer_fn(stub_sticky("GET", "Patient/*", 200, NULL), patient_read);
	tui_clear_error(t);
	ui_run(t, "patient pat-2");
	wait_job(t);
	assert_true(stub_count("GET", "Patient/pat-2") >= 1);
	assert_null(t->status_err);
}

/* q while a job waits: leaving is asked for, not done; q again stops the
 * wait: the job ends with a network error, its write waits in the outbox,
 * and the screen leaves. */
static void
test_q_waits_then_q_aborts(void **state)
{
	struct fx *f = *state;
	struct tui *t = &f->t;
	struct stub_answer *held;
	struct outbox_list l;
	struct error err;

	load_today(f);
	held = start_held_send(f, "Running late");
	press(f, "q");
	assert_true(t->quitting);
	assert_false(t->quit);
	assert_non_null(t->status_msg);
	assert_non_null(strstr(t->status_msg, "press q again"));
	turns(t, 3);
	assert_non_null(t->job);           /* still waiting: nothing stopped it */
	assert_false(stub_aborted());
	error_clear(&err);
	assert_true(outbox_list(t->s->store, &l, &err));
	assert_int_equal(l.n, 0);
	outbox_list_finish(&l);

	press(f, "q");
	assert_true(stub_aborted());
	wait_job(t);
	assert_false(stub_delivered(held));   /* ended by the abort, never answered */
	assert_true(t->quit);
	assert_int_equal(stub_count("POST", ""), 0);   /* never reached the server */
	error_clear(&err);
	assert_true(outbox_list(t->s->store, &l, &err));
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].command, "send");
	outbox_list_finish(&l);
	assert_non_null(t->status_msg);
	assert_non_null(strstr(t->status_msg, "Queued"));
}

/* q with no job leaves at once (the control for the above). */
static void
test_q_without_job_quits(void **state)
{
	struct fx *f = *state;

	load_today(f);
	press(f, "q");
	assert_true(f->t.quit);
	assert_false(f->t.quitting);
}

/* ---- what a command gives back, by its kind ---- */

/* A transaction's answer: every entry made as sent, with an id and a version. */
static char *
echo_transaction(const struct stub_request *r)
{
	cJSON *in = cJSON_Parse(r->body), *out = cJSON_CreateObject(), *entries = cJSON_CreateArray();
	const cJSON *e;
	int n = 0;
	char *text, *copy;

	cJSON_AddStringToObject(out, "resourceType", "Bundle");
	cJSON_AddStringToObject(out, "type", "transaction-response");
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(in, "entry")) {
		cJSON *res = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(e, "resource"), 1);
		cJSON *ent = cJSON_CreateObject(), *resp = cJSON_CreateObject(), *meta = cJSON_CreateObject();
		const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "resourceType"));
		char id[16], *loc;

		snprintf(id, sizeof id, "made-%d", ++n);
		cJSON_DeleteItemFromObject(res, "id");
		cJSON_AddStringToObject(res, "id", id);
		cJSON_AddStringToObject(meta, "versionId", "1");
		cJSON_AddStringToObject(meta, "lastUpdated", "2026-01-01T00:00:00Z");
		cJSON_AddItemToObject(res, "meta", meta);
		loc = xasprintf("%s/%s/_history/1", type, id);
		cJSON_AddStringToObject(resp, "status", "201 Created");
		cJSON_AddStringToObject(resp, "location", loc);
		cJSON_AddStringToObject(resp, "etag", "W/\"1\"");
		free(loc);
		cJSON_AddItemToObject(ent, "response", resp);
		cJSON_AddItemToObject(ent, "resource", res);
		cJSON_AddItemToArray(entries, ent);
	}
	cJSON_AddItemToObject(out, "entry", entries);
	text = cJSON_PrintUnformatted(out);
	copy = xstrdup(text);
	cJSON_free(text);
	cJSON_Delete(out);
	cJSON_Delete(in);
	return copy;
}

/* A sentence goes to the status line; records open the overlay. */
static void
test_result_kinds_reach_their_place(void **state)
{
	struct fx *f = *state;
	struct tui *t = &f->t;
	struct client *c;

	load_today(f);
	stub_answer_fn(stub_sticky("GET", "Patient/*", 200, NULL), patient_read);
	stub_answer_fn(stub_answer("POST", "", 200, NULL), echo_transaction);
	ui_run(t, "send pat-1 See you on Thursday");
	wait_job(t);
	assert_int_equal(stub_count("POST", ""), 1);
	assert_null(t->status_err);
	assert_non_null(t->status_msg);
	assert_string_equal(t->status_msg, "Sent.");
	assert_false(tui_overlay_on(t));
	c = model_find_client(&t->m, "pat-1");
	assert_non_null(c);
	assert_null(c->outgoing);          /* sent: the next look brings it back */
	assert_false(c->outgoing_failed);

	/* Records: the overlay, titled with the command, the record in it. */
	tui_clear_error(t);
	ui_run(t, "patient pat-2");
	wait_job(t);
	assert_null(t->status_err);
	assert_true(tui_overlay_on(t));
	assert_false(mode_has(&t->modes, &mode_picker));
	assert_string_equal(t->overlay_title, "patient pat-2");
	assert_non_null(strstr(t->overlay_text, "Client pat-2"));
	assert_int_equal(stub_unscripted(), 0);
}

/* ---- the free-slot picker ---- */

static char *
slot_json(const char *id, int days, int hh)
{
	char d[11];

	day_str(days, d);
	return xasprintf("{\"resourceType\":\"Slot\",\"id\":\"%s\",\"status\":\"free\","
			 "\"schedule\":{\"reference\":\"Schedule/sch-1\"},"
			 "\"start\":\"%sT%02d:00:00Z\",\"end\":\"%sT%02d:50:00Z\"}", id, d, hh, d, hh);
}

static void
answer_slots(void)
{
	char *sched = bundle(xstrdup("{\"resourceType\":\"Schedule\",\"id\":\"sch-1\",\"active\":true,"
				     "\"actor\":[{\"reference\":\"Practitioner/pr-1\"}]}"),
			     xstrdup("{\"resourceType\":\"Practitioner\",\"id\":\"pr-1\","
				     "\"name\":[{\"text\":\"Counsellor One\"}]}"), NULL);
	char *slots = bundle(slot_json("slot-1", 2, 10), slot_json("slot-2", 2, 11), NULL);

	stub_answer("GET", "Schedule?*", 200, sched);
	stub_answer("GET", "Slot?*", 200, slots);
	free(sched);
	free(slots);
}

/* pick-slot book runs as a job and opens the picker for ap-1's client; the
 * selection moves to pat-2's appointment meanwhile; Enter books pat-1, the
 * client the picker was opened for. pat-1 has a session then: the refusal
 * may be overruled, so the screen asks (y would add --allow-overlap). */
static void
test_picker_books_the_client_it_was_opened_for(void **state)
{
	struct fx *f = *state;
	struct tui *t = &f->t;
	char *slot, *overlap, d[11];

	load_today(f);
	answer_slots();
	ui_run(t, "pick-slot book");
	assert_non_null(t->job);
	wait_job(t);
	assert_null(t->status_err);
	assert_true(tui_overlay_on(t));
	assert_true(mode_has(&t->modes, &mode_picker));
	assert_int_equal(t->picker_slots.n, 2);
	assert_string_equal(t->picker_patient_id, "pat-1");
	assert_string_equal(t->picker_appt_id, "ap-1");
	assert_int_equal(stub_count("GET", "Slot?*"), 1);

	/* The selection moves (a reload's answer, a key) before Enter. */
	model_select(&t->m, 1);
	model_settle(&t->m);
	assert_string_equal(model_appt(&t->m)->patient_id, "pat-2");

	/* What book reads, and pat-1's session at that time. */
	stub_answer_fn(stub_sticky("GET", "Patient?_id=*", 200, NULL), patient_search);
	/* The slot with its schedule and counsellor: one search. */
	slot = bundle(slot_json("slot-1", 2, 10),
		      xstrdup("{\"resourceType\":\"Schedule\",\"id\":\"sch-1\",\"actor\":[{\"reference\":\"Practitioner/pr-1\"}]}"),
		      xstrdup("{\"resourceType\":\"Practitioner\",\"id\":\"pr-1\",\"name\":[{\"text\":\"Counsellor One\"}]}"),
		      NULL);
	stub_answer("GET", "Slot?_id=slot-1&_include=Slot:schedule&_include:iterate=Schedule:actor", 200, slot);
	free(slot);
	overlap = bundle(appt_json("ap-9", "pat-1", 2, 10), patient_json("pat-1"), xstrdup(PRACTITIONER), NULL);
	stub_answer("GET", "Appointment?_sort=date*&patient=*", 200, overlap);
	free(overlap);

	ui_picker_choose(t);
	assert_false(mode_has(&t->modes, &mode_picker));
	assert_non_null(t->job);
	assert_non_null(strstr(t->job->line, "pat-1"));
	assert_null(strstr(t->job->line, "pat-2"));
	assert_non_null(strstr(t->job->line, "slot-1"));
	wait_job(t);
	assert_int_equal(stub_count("GET", "Patient?_id=pat-1"), 1);
	assert_int_equal(stub_count("GET", "Patient?_id=pat-2"), 0);
	/* pat-1's sessions on the slot's day were looked for, pat-2's never. */
	assert_int_equal(stub_count("GET", "Appointment?*&patient=Patient%2Fpat-1"), 1);
	assert_int_equal(stub_count("GET", "Appointment?*&patient=Patient%2Fpat-2"), 0);
	assert_non_null(strstr(stub_last("GET", "Appointment?*&patient=*")->path, day_str(2, d)));
	assert_int_equal(stub_count("POST", ""), 0);   /* refused before writing */
	/* The refusal may be overruled: a question, and y would run it with the option. */
	assert_non_null(t->confirm);
	assert_non_null(strstr(t->confirm, "book --patient"));
	assert_non_null(strstr(t->confirm, "pat-1"));
	assert_non_null(strstr(t->confirm, "--allow-overlap"));
	assert_non_null(t->status_msg);
	assert_non_null(strstr(t->status_msg, "Press y"));
	assert_null(t->status_err);
}

/* A refusal nobody may overrule asks nothing: the control for the question. */
static void
test_refusal_without_override_asks_nothing(void **state)
{
	struct fx *f = *state;
	struct stub_answer *held;

	load_today(f);
	held = start_held_send(f, "Hello");
	refuse_post();
	stub_release(held);
	wait_job(&f->t);
	assert_null(f->t.confirm);
	assert_non_null(f->t.status_err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_list_loads_and_days_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_job_holds_ids_not_pointers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_send_refused_marks_the_chat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_refuses_what_may_not_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_q_waits_then_q_aborts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_q_without_job_quits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_result_kinds_reach_their_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_picker_books_the_client_it_was_opened_for, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusal_without_override_asks_nothing, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
