/* test_screen_model.c - the screen's model (ui/model.h) alone, without the
 * screen: linked with no view at all (tests/meson.build takes ui/model.c and
 * what it formats with, not ui/state.c nor curses), against the scripted
 * network (stub_http.c). The view is a recorder of what the model tells it:
 * which parts changed, the errors, the bells; and whether it hides the
 * clients (the lock). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/config.h"
#include "core/date.h"
#include "core/fhir.h"
#include "core/http.h"
#include "core/task.h"
#include "core/session.h"
#include "core/xmalloc.h"
#include "stub_http.h"
#include "ui/model.h"

#define BASE "https://fhir.test/R4"
#define EMPTY "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[]}"

/* What the model told the view. */
struct seen {
	int changed[MODEL_ALL + 1];
	int reloaded, rings;
	char *error;     /* the last */
	bool hidden;     /* what the view answers */
};

static void
seen_changed(void *arg, enum model_part part)
{
	((struct seen *)arg)->changed[part]++;
}

static void
seen_error(void *arg, const char *msg)
{
	struct seen *v = arg;

	free(v->error);
	v->error = xstrdup(msg);
}

static void
seen_reloaded(void *arg)
{
	((struct seen *)arg)->reloaded++;
}

static void
seen_ring(void *arg)
{
	((struct seen *)arg)->rings++;
}

static bool
seen_hidden(void *arg)
{
	return ((struct seen *)arg)->hidden;
}

static const struct model_view recorder = {
	.changed = seen_changed,
	.error = seen_error,
	.reloaded = seen_reloaded,
	.ring = seen_ring,
	.hidden = seen_hidden,
};

struct fx {
	char *dir;
	struct config *cfg;
	struct session s;
	struct seen seen;
	struct model m;
};

/* An appointment today, hh:00 to hh:50 UTC, of the client and pr-1. */
static char *
appt_entry(const char *id, const char *patient, int hh)
{
	char d[11];

	date_format(date_today(), d);
	return xasprintf("{\"search\":{\"mode\":\"match\"},\"resource\":"
			 "{\"resourceType\":\"Appointment\",\"id\":\"%s\",\"status\":\"booked\","
			 "\"start\":\"%sT%02d:00:00Z\",\"end\":\"%sT%02d:50:00Z\",\"participant\":["
			 "{\"actor\":{\"reference\":\"Patient/%s\",\"display\":\"Client %s\"},\"status\":\"accepted\"},"
			 "{\"actor\":{\"reference\":\"Practitioner/pr-1\",\"display\":\"Counsellor One\"},"
			 "\"status\":\"accepted\"}]}}",
			 id, d, hh, d, hh, patient, patient);
}

#define INCLUDED(json) "{\"search\":{\"mode\":\"include\"},\"resource\":" json "}"

/* Today's list: ap-1 (pat-1) at 21:00, ap-2 (pat-2) at 22:00, with the
 * clients and the counsellor included, as the server answers _include. */
static void
answer_today(void)
{
	char *e1 = appt_entry("ap-1", "pat-1", 21), *e2 = appt_entry("ap-2", "pat-2", 22);
	char *body = xasprintf("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[%s,%s,"
			       INCLUDED("{\"resourceType\":\"Patient\",\"id\":\"pat-1\",\"name\":[{\"text\":\"Client pat-1\"}]}") ","
			       INCLUDED("{\"resourceType\":\"Patient\",\"id\":\"pat-2\",\"name\":[{\"text\":\"Client pat-2\"}]}") ","
			       INCLUDED("{\"resourceType\":\"Practitioner\",\"id\":\"pr-1\",\"name\":[{\"text\":\"Counsellor One\"}]}")
			       "]}", e1, e2);

	stub_answer("GET", "Appointment?_sort=date*", 200, body);
	free(e1);
	free(e2);
	free(body);
}

/* What the chat's fetch answers now (a searchset). */
static char *chat_now;

static char *
chat_answer(const struct stub_request *req)
{
	(void)req;
	return xstrdup(chat_now != NULL ? chat_now : EMPTY);
}

/* What the escalations' look answers now (a searchset). */
static char *urgent_now;

static char *
urgent_answer(const struct stub_request *req)
{
	(void)req;
	return xstrdup(urgent_now != NULL ? urgent_now : EMPTY);
}

/* What the flags' fetch answers now (a searchset). */
static char *flags_now;

static char *
flags_answer(const struct stub_request *req)
{
	(void)req;
	return xstrdup(flags_now != NULL ? flags_now : EMPTY);
}

/* What a notes search (and its look again) answers now (a searchset). */
static char *notes_now;

static char *
notes_answer(const struct stub_request *req)
{
	/* As a server would: nothing changed after the note's own lastUpdated. */
	if (strstr(req->path, "_lastUpdated=gt2026-11-30T09%3A00%3A00Z") != NULL)
		return xstrdup(EMPTY);
	return xstrdup(notes_now != NULL ? notes_now : EMPTY);
}

/* What the measures' plans search answers now (a searchset). */
static char *careplans_now;

static char *
careplans_answer(const struct stub_request *req)
{
	(void)req;
	return xstrdup(careplans_now != NULL ? careplans_now : EMPTY);
}

/* What the shown client's scores fetch answers now (a searchset). */
static char *scores_now;

static char *
scores_answer(const struct stub_request *req)
{
	(void)req;
	return xstrdup(scores_now != NULL ? scores_now : EMPTY);
}

/* A searchset of one Flag about a client, last changed at `updated`. */
static char *
flag_bundle(const char *id, const char *patient, const char *status, bool acked, const char *updated)
{
	return xasprintf("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":"
			 "{\"resourceType\":\"Flag\",\"id\":\"%s\",\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
			 "\"status\":\"%s\",\"category\":[{\"coding\":[{\"code\":\"safety\"}]}],"
			 "\"code\":{\"text\":\"PHQ-9 item 9 answered 1\"},\"subject\":{\"reference\":\"Patient/%s\"},"
			 "\"period\":{\"start\":\"2026-11-30T09:00:00Z\"}%s}}]}",
			 id, updated, status, patient,
			 acked ? ",\"extension\":[{\"url\":\"urn:ezrizi:flag-acknowledgement\",\"extension\":["
				 "{\"url\":\"by\",\"valueReference\":{\"reference\":\"Practitioner/pr-2\"}},"
				 "{\"url\":\"at\",\"valueDateTime\":\"2026-11-30T10:00:00Z\"}]}]" : "");
}

/* A searchset of one message from the client in their thread, sent a minute
 * from now (after the model began looking), as the inbox or the chat answers
 * it. */
static char *
message_entry(const char *id, const char *patient, const char *sender, const char *text, int later)
{
	char when[21];

	instant_format_utc(clock_now() + 60 + later, when);
	return xasprintf("{\"resource\":"
			 "{\"resourceType\":\"Communication\",\"id\":\"%s\",\"status\":\"completed\","
			 "\"meta\":{\"versionId\":\"1\",\"lastUpdated\":\"%s\"},"
			 "\"subject\":{\"reference\":\"Patient/%s\"},\"sender\":{\"reference\":\"%s\"},"
			 "\"recipient\":[{\"reference\":\"Practitioner/pr-1\"}],\"sent\":\"%s\","
			 "\"partOf\":[{\"reference\":\"Communication/thread-%s\"}],"
			 "\"payload\":[{\"contentString\":\"%s\"}]}}",
			 id, when, patient, sender, when, patient, text);
}

static char *
message_bundle(const char *id, const char *patient)
{
	char *sender = xasprintf("Patient/%s", patient), *e = message_entry(id, patient, sender, "hello", 0);
	char *b = xasprintf("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[%s]}", e);

	free(sender);
	free(e);
	return b;
}

/* The inbox's answer: one message from the client. */
static void
answer_inbox(const char *id, const char *patient)
{
	char *body = message_bundle(id, patient);

	stub_answer("GET", "Communication?recipient=*", 200, body);
	free(body);
}

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);
	struct error err;

	/* Nothing of the user's: a home of our own, the token from the environment. */
	f->dir = stub_home("ezrizi-model");
	stub_reset(BASE);
	error_clear(&err);
	f->cfg = config_create();
	assert_true(config_override(f->cfg, "server", BASE, &err));
	assert_true(config_override(f->cfg, "start_with", "everyone", &err));
	assert_true(session_init(&f->s, f->cfg, NULL, &err));
	f->s.me_type = xstrdup("Practitioner");
	f->s.me_id = xstrdup("pr-1");
	http_set_max_wait(f->s.http, 0);
	model_init(&f->m, &f->s, f->cfg, &recorder, &f->seen);
	stub_answer_fn(stub_sticky("GET", "DocumentReference?*", 200, NULL), notes_answer);
	/* The client's scores, above the notes: none unless a test says. */
	stub_answer_fn(stub_sticky("GET", "Observation?subject=*", 200, NULL), scores_answer);
	stub_sticky("GET", "Observation?*", 200, EMPTY);
	stub_answer_fn(stub_sticky("GET", "Communication?subject=*", 200, NULL), chat_answer);
	stub_answer_fn(stub_sticky("GET", "Flag?*", 200, NULL), flags_answer);
	/* Escalations to me (queued first: the inbox's own look has no category). */
	stub_answer_fn(stub_sticky("GET", "Communication?recipient=*&category=alert&*", 200, NULL), urgent_answer);
	/* The user's roles: a counsellor's. */
	stub_sticky("GET", "PractitionerRole?*", 200,
		    "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":"
		    "{\"resourceType\":\"PractitionerRole\",\"id\":\"r-1\",\"code\":[{\"coding\":[{\"code\":\"counsellor\"}]}]}}]}");
	/* A look again finds nothing changed. */
	stub_sticky("GET", "Appointment?_lastUpdated=*", 200, EMPTY);
	/* The listed clients' measures: no plans unless a test says; their
	 * sessions before: none. */
	stub_answer_fn(stub_sticky("GET", "CarePlan?category=*", 200, NULL), careplans_answer);
	stub_sticky("GET", "Appointment?_count=200&patient=*", 200, EMPTY);
	/* A message's sender, by name. */
	stub_sticky("GET", "Patient?_id=pat-1&*", 200,
		    "{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":["
		    INCLUDED("{\"resourceType\":\"Patient\",\"id\":\"pat-1\",\"name\":[{\"text\":\"Client pat-1\"}]}")
		    "]}");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	stub_debug_dump();
	/* Every request the model made was one the test scripted. */
	assert_int_equal(stub_unscripted(), 0);
	model_finish(&f->m);
	session_finish(&f->s);
	config_destroy(f->cfg);
	stub_reset(NULL);
	free(f->seen.error);
	free(chat_now);
	chat_now = NULL;
	free(flags_now);
	flags_now = NULL;
	free(notes_now);
	notes_now = NULL;
	free(careplans_now);
	careplans_now = NULL;
	free(scores_now);
	scores_now = NULL;
	free(urgent_now);
	urgent_now = NULL;
	stub_home_remove(f->dir);
	free(f);
	return 0;
}

/* One turn of the loop: the pending fetches started, one step of the network. */
static void
turns(struct fx *f, int n)
{
	while (n-- > 0) {
		model_start_work(&f->m);
		http_step(f->s.http, NULL, 0, 0);
	}
}

static void
load_today(struct fx *f)
{
	answer_today();
	turns(f, 3);
	assert_int_equal(f->m.appt_f.state, LOAD_OK);
	assert_int_equal(f->m.appts.n, 2);
}

/* The list loads and the view is told to draw it all; the first client's
 * notes and chat are fetched, and nothing of it is an error. */
static void
test_model_loads_and_tells_the_view(void **state)
{
	struct fx *f = *state;

	assert_int_equal(f->m.appt_f.state, LOAD_PENDING);
	load_today(f);
	assert_true(f->seen.changed[MODEL_ALL] > 0);
	assert_null(f->seen.error);
	assert_string_equal(model_appt(&f->m)->id, "ap-1");
	assert_non_null(model_find_client(&f->m, "pat-1"));
	assert_int_equal(stub_count("GET", "DocumentReference?*"), 1);
	assert_int_equal(stub_count("GET", "Communication?subject=*"), 1);
	assert_int_equal(stub_count("GET", "Observation?subject=Patient%2Fpat-1&category=survey*"), 1);
	assert_int_equal(model_find_client(&f->m, "pat-1")->scores_f.state, LOAD_OK);
	assert_true(f->seen.changed[MODEL_NOTES] > 0);
	assert_true(f->seen.changed[MODEL_CHAT] > 0);

	/* A selection moves the list at once and the client after it rests. */
	f->seen.changed[MODEL_APPTS] = f->seen.changed[MODEL_NOTES] = 0;
	model_select(&f->m, 1);
	assert_int_equal(f->seen.changed[MODEL_APPTS], 1);
	assert_string_equal(model_shown_appt(&f->m)->id, "ap-1");
	model_settle(&f->m);
	assert_string_equal(model_shown_appt(&f->m)->id, "ap-2");
	assert_int_equal(f->seen.changed[MODEL_NOTES], 1);

	/* A reload forgets the clients and tells the view so. */
	model_reload(&f->m);
	assert_int_equal(f->seen.reloaded, 1);
	assert_int_equal(f->m.n_clients, 0);
	assert_int_equal(f->m.appt_f.state, LOAD_PENDING);
	load_today(f);
	assert_string_equal(model_appt(&f->m)->id, "ap-2");   /* kept across it */
}

/* A list the server refuses is an error for the view, and the list says it
 * failed; nothing else is told as loaded. */
static void
test_model_failure_reaches_the_view(void **state)
{
	struct fx *f = *state;

	stub_answer("GET", "Appointment?_sort=date*", 500,
		    "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
		    "\"code\":\"exception\",\"diagnostics\":\"database down\"}]}");
	turns(f, 3);
	assert_int_equal(f->m.appt_f.state, LOAD_FAILED);
	assert_non_null(f->seen.error);
	assert_non_null(f->m.appt_f.err);
	assert_null(model_appt(&f->m));
}

/* A message from a client whose chat is not on screen is unread and rings;
 * one from the client shown is read at once, unless the view hides the
 * clients (the lock): then it waits, unread, until they show again. */
static void
test_model_unread_and_hidden(void **state)
{
	struct fx *f = *state;
	struct client *c;

	load_today(f);
	answer_inbox("m-1", "pat-2");
	model_poll(&f->m);
	turns(f, 2);
	assert_int_equal(stub_count("GET", "Communication?recipient=*&_elements=*"), 1);   /* the inbox, not the escalations */
	assert_int_equal(model_unread(&f->m, "pat-2"), 1);
	assert_int_equal(f->seen.rings, 1);

	/* The shown client writes while the screen is locked: the chat has it
	 * from now on, but nothing of it shows. */
	f->seen.hidden = true;
	answer_inbox("m-2", "pat-1");
	chat_now = message_bundle("m-2", "pat-1");
	model_poll(&f->m);
	turns(f, 3);   /* the chat names its sender: one read more */
	assert_int_equal(stub_count("GET", "Communication?recipient=*&_elements=*"), 2);   /* the inbox, not the escalations */
	assert_int_equal(model_unread(&f->m, "pat-1"), 1);
	assert_int_equal(f->seen.rings, 2);
	c = model_find_client(&f->m, "pat-1");
	assert_non_null(c);
	assert_int_equal(c->chat.n, 1);   /* fetched, not read */

	/* Unlocked: the chat on screen shows it, so it is read. */
	f->seen.hidden = false;
	turns(f, 2);
	assert_int_equal(model_unread(&f->m, "pat-1"), 0);
	assert_true(c->read_mark != 0);
	assert_int_equal(model_unread(&f->m, "pat-2"), 1);
}

/* A client's message holding one of the clinic's risk words (a made-up
 * neutral test word): counted to review among the unread, so u goes to that
 * client before one who comes first in the list; marked when the chat is
 * fetched, and asked to be reviewed until the counsellor writes after it.
 * Not for a front desk; with no words, u keeps the list's order. */
static void
test_model_review_first(void **state)
{
	struct fx *f = *state;
	struct error err;
	char *plain, *marked, *mine, *body;
	struct client *c;
	size_t i = 99;

	error_clear(&err);
	assert_true(config_override(f->cfg, "risk_words_en", "zebrafish", &err));
	model_review_finish(&f->m);
	model_review_init(&f->m, f->cfg);
	load_today(f);
	f->seen.hidden = true;   /* locked: neither chat is read */
	plain = message_entry("m-1", "pat-2", "Patient/pat-2", "hello", 0);
	marked = message_entry("m-2", "pat-1", "Patient/pat-1", "a ZEBRAFISH, here", 1);
	body = xasprintf("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[%s,%s]}", plain, marked);
	stub_answer("GET", "Communication?recipient=*", 200, body);
	free(body);
	model_poll(&f->m);
	turns(f, 3);
	assert_int_equal(model_unread(&f->m, "pat-1"), 1);
	assert_int_equal(model_unread(&f->m, "pat-2"), 1);
	assert_int_equal(model_unread_review(&f->m, "pat-1"), 1);
	assert_int_equal(model_unread_review(&f->m, "pat-2"), 0);
	/* From the first row, pat-2's is next in the list; pat-1's is to review. */
	assert_int_equal(f->m.sel, 0);
	assert_true(model_next_unread(&f->m, &i));
	assert_int_equal(i, 0);

	/* A front desk: no review count, and u keeps the list's order. */
	f->m.front_desk = true;
	assert_int_equal(model_unread_review(&f->m, "pat-1"), 0);
	assert_true(model_next_unread(&f->m, &i));
	assert_int_equal(i, 1);
	f->m.front_desk = false;

	/* The chat marks the client's message and asks for a review, until the
	 * counsellor writes after it; their own word is never marked. */
	chat_now = xasprintf("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[%s]}", marked);
	c = model_client(&f->m);
	assert_non_null(c);
	c->chat_f.state = LOAD_PENDING;
	turns(f, 3);
	assert_int_equal(c->chat.n, 1);
	assert_true(c->chat.v[0].review);
	assert_int_equal(model_chat_review(&f->m, c), 1);
	f->m.front_desk = true;
	assert_int_equal(model_chat_review(&f->m, c), 0);
	f->m.front_desk = false;
	mine = message_entry("m-3", "pat-1", "Practitioner/pr-1", "the zebrafish", 2);
	free(chat_now);
	chat_now = xasprintf("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[%s,%s]}", marked, mine);
	model_chat_sent(&f->m, "pat-1");
	stub_answer("GET", "Communication?recipient=*", 200, EMPTY);
	stub_sticky("GET", "Practitioner?_id=pr-1&*", 200, EMPTY);
	model_poll(&f->m);
	turns(f, 3);
	assert_int_equal(c->chat.n, 2);
	assert_false(c->chat.v[1].review);
	assert_int_equal(model_chat_review(&f->m, c), 0);

	/* No words: the same inbox counts nothing to review. */
	model_review_finish(&f->m);
	assert_false(model_review_match(&f->m, &c->chat.v[0]));
	free(plain);
	free(marked);
	free(mine);
}

/* A flag raised on another screen reaches this one at the next poll: the
 * client is marked and rings; the next look asks only for what changed
 * since the newest seen, by the server's clock; acknowledged elsewhere, the
 * flag stops waiting; closed, it goes. The user's roles are asked once: a
 * counsellor reads what the flag says. */
static void
test_model_flags_reach_the_screen(void **state)
{
	struct fx *f = *state;
	const struct stub_request *r;

	stub_sticky("GET", "Communication?recipient=*", 200, EMPTY);   /* no messages meanwhile */
	load_today(f);
	assert_int_equal(stub_count("GET", "Flag?*"), 1);   /* the whole list, once */
	assert_null(strstr(stub_last("GET", "Flag?*")->path, "_lastUpdated"));
	assert_null(model_flag(&f->m, "pat-2"));
	assert_false(f->m.front_desk);
	assert_int_equal(stub_count("GET", "PractitionerRole?*"), 1);

	flags_now = flag_bundle("fl-1", "pat-2", "active", false, "2030-11-30T09:00:01.500Z");
	model_poll(&f->m);
	turns(f, 2);
	/* No flag gave the server's clock: the whole list again (an empty
	 * one is small), never a start by this machine's clock, which may be
	 * ahead of the server's and pass a new flag over. */
	assert_null(strstr(stub_last("GET", "Flag?*")->path, "_lastUpdated"));
	assert_non_null(model_flag(&f->m, "pat-2"));
	assert_int_equal(model_flags_unacked(&f->m, "pat-2"), 1);
	assert_null(model_flag(&f->m, "pat-1"));
	assert_int_equal(f->seen.rings, 1);

	/* The next look: only what changed since, inclusive. */
	free(flags_now);
	flags_now = flag_bundle("fl-1", "pat-2", "active", true, "2030-11-30T10:00:00Z");
	model_poll(&f->m);
	turns(f, 2);
	r = stub_last("GET", "Flag?*");
	assert_non_null(strstr(r->path, "_lastUpdated=ge2030-11-30T09%3A00%3A01.500Z"));
	assert_non_null(model_flag(&f->m, "pat-2"));
	assert_int_equal(model_flags_unacked(&f->m, "pat-2"), 0);
	assert_int_equal(f->seen.rings, 1);   /* an acknowledgement does not ring */

	free(flags_now);
	flags_now = flag_bundle("fl-1", "pat-2", "inactive", true, "2030-11-30T11:00:00Z");
	model_poll(&f->m);
	turns(f, 2);
	assert_null(model_flag(&f->m, "pat-2"));
	assert_int_equal(stub_count("GET", "PractitionerRole?*"), 1);
}

/* idle_poll_repaints_nothing: the server's clock margin brings the same flag
 * and the same note back at every look again; each time the panes were all
 * drawn again (432 bytes a minute to an idle terminal in bench/run, 30 now).
 * What did not change tells the view nothing; a change still does. */
static void
test_idle_poll_repaints_nothing(void **state)
{
	struct fx *f = *state;
	int all, notes;

	notes_now = xstrdup("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":"
			    "{\"resourceType\":\"DocumentReference\",\"id\":\"dr-1\",\"meta\":{\"versionId\":\"1\","
			    "\"lastUpdated\":\"2026-11-30T09:00:00Z\"},\"status\":\"current\",\"docStatus\":\"final\","
			    "\"subject\":{\"reference\":\"Patient/pat-1\"},\"date\":\"2026-11-30T09:00:00Z\","
			    "\"content\":[{\"attachment\":{\"contentType\":\"text/plain; charset=utf-8\","
			    "\"data\":\"aGVsbG8=\"}}]}}]}");
	flags_now = flag_bundle("fl-1", "pat-2", "active", false, "2026-11-30T09:00:01.500Z");
	stub_sticky("GET", "Communication?recipient=*", 200, EMPTY);
	stub_sticky("GET", "Provenance?*", 200, EMPTY);   /* its signature, looked for */
	load_today(f);
	model_poll(&f->m);
	turns(f, 3);
	assert_non_null(model_flag(&f->m, "pat-2"));
	assert_int_equal(model_find_client(&f->m, "pat-1")->notes.n, 1);
	all = f->seen.changed[MODEL_ALL];
	notes = f->seen.changed[MODEL_NOTES];

	for (int i = 0; i < 3; i++) {
		size_t asked = stub_count("GET", "Flag?*"), looked = stub_count("GET", "DocumentReference?*");

		model_poll(&f->m);
		turns(f, 3);
		assert_true(stub_count("GET", "Flag?*") > asked);                   /* it did look */
		assert_true(stub_count("GET", "DocumentReference?*") > looked);   /* it did look again */
	}
	assert_int_equal(f->seen.changed[MODEL_ALL], all);
	assert_int_equal(f->seen.changed[MODEL_NOTES], notes);
	/* look_again_starts_after_the_newest_seen: by the server's clock, not
	 * this machine's less a margin (which brought everything of the last
	 * minute back at every look). */
	assert_non_null(strstr(stub_last("GET", "DocumentReference?*_lastUpdated=*")->path,
			       "_lastUpdated=gt2026-11-30T09%3A00%3A00Z&_sort=-_lastUpdated"));
	assert_int_equal(stub_count("GET", "DocumentReference?*_sort=-date*"), 1);   /* fetched whole once */

	/* A change is drawn. */
	free(flags_now);
	flags_now = flag_bundle("fl-1", "pat-2", "active", true, "2026-11-30T10:00:00Z");
	model_poll(&f->m);
	turns(f, 3);
	assert_true(f->seen.changed[MODEL_ALL] > all);
}

/* The requests made since mark: how many, and how many went in batch b
 * (the first batch seen, returned; 0 when none did). */
static size_t
since(size_t mark, unsigned long *b, size_t *in_b)
{
	*b = 0;
	*in_b = 0;
	for (size_t i = mark; i < stub_n_requests(); i++) {
		const struct stub_request *r = stub_request(i);

		if (*b == 0)
			*b = r->batch;
		*in_b += r->batch != 0 && r->batch == *b;
	}
	return stub_n_requests() - mark;
}

/* poll_is_one_round_trip: every look again of a poll goes in one batch
 * Bundle (the server answers each entry as the GET alone), and what it
 * brings is drawn as if each had come alone. */
static void
test_poll_is_one_round_trip(void **state)
{
	struct fx *f = *state;
	size_t mark, n, in_b;
	unsigned long b;

	char when[21], *gt;

	stub_sticky("GET", "Communication?recipient=*", 200, EMPTY);
	chat_now = message_bundle("m-1", "pat-1");
	load_today(f);
	assert_int_equal(model_find_client(&f->m, "pat-1")->chat.n, 1);
	mark = stub_n_requests();
	flags_now = flag_bundle("fl-1", "pat-2", "active", false, "2026-12-01T09:00:00Z");
	model_poll(&f->m);   /* what it asks is asked now, at its end */
	n = since(mark, &b, &in_b);
	turns(f, 1);
	/* chat_look_again_after_the_newest_change: not sent=ge, which brought
	 * the newest message back at every look. */
	instant_format_utc(model_find_client(&f->m, "pat-1")->chat.v[0].sent, when);
	gt = xasprintf("&_lastUpdated=gt%.13s%%3A%.2s%%3A%.3s", when, when + 14, when + 17);
	assert_non_null(strstr(stub_last("GET", "Communication?subject=*")->path, gt));
	assert_null(strstr(stub_last("GET", "Communication?subject=*")->path, "&sent="));
	free(gt);
	assert_true(n >= 5);   /* inbox, flags, the list's, chat, notes, scores */
	assert_int_not_equal(b, 0);
	assert_int_equal(in_b, n);
	assert_non_null(stub_last("GET", "Appointment?_lastUpdated=*"));
	assert_true(stub_last("GET", "Appointment?_lastUpdated=*")->batch == b);
	assert_true(stub_last("GET", "DocumentReference?*_lastUpdated=*")->batch == b);
	turns(f, 2);
	assert_non_null(model_flag(&f->m, "pat-2"));   /* its entry's answer came */
	assert_null(f->seen.error);
}

/* poll_one_by_one_when_batch_refused: a server without batch (405) gets
 * the poll's searches one by one, then and at every later poll, and the
 * screen works as before. */
static void
test_poll_one_by_one_when_batch_refused(void **state)
{
	struct fx *f = *state;
	size_t mark, in_b;
	unsigned long b;

	stub_sticky("GET", "Communication?recipient=*", 200, EMPTY);
	stub_refuse_batch(405);
	answer_today();
	turns(f, 4);
	assert_int_equal(f->m.appt_f.state, LOAD_OK);
	assert_int_equal(stub_count("POST", ""), 1);   /* asked once */
	assert_null(f->seen.error);
	mark = stub_n_requests();
	flags_now = flag_bundle("fl-1", "pat-2", "active", false, "2026-12-01T09:00:00Z");
	model_poll(&f->m);
	turns(f, 3);
	assert_true(since(mark, &b, &in_b) >= 5);
	assert_int_equal(b, 0);
	assert_int_equal(stub_count("POST", ""), 1);   /* never again */
	assert_non_null(model_flag(&f->m, "pat-2"));
	assert_null(f->seen.error);
}

/* gathered_search_cancelled: a poll's searches given up before its batch
 * is answered (the list reloaded: the clients' searches cancelled) leave
 * the others their answers, and nothing of theirs is used. */
static void
test_gathered_search_cancelled(void **state)
{
	struct fx *f = *state;

	stub_sticky("GET", "Communication?recipient=*", 200, EMPTY);
	load_today(f);
	flags_now = flag_bundle("fl-1", "pat-2", "active", false, "2026-12-01T09:00:00Z");
	model_poll(&f->m);
	model_reload(&f->m);   /* before the batch is answered */
	assert_int_equal(f->m.n_clients, 0);
	load_today(f);
	turns(f, 2);
	assert_non_null(model_flag(&f->m, "pat-2"));
	assert_null(f->seen.error);
}

static bool read_done;

/* A command's read, synchronous, in a task of its own (as a job's). */
static void
read_in_a_task(void *arg)
{
	struct fx *f = arg;
	struct fhir_result r;
	struct error err;

	error_clear(&err);
	if (fhir_call(&f->s, "GET", "Patient/pat-9", NULL, NULL, &r, &err))
		fhir_result_finish(&r);
	read_done = true;
}

/* task_waits_inside_a_gather: a task begun inside a look's span waits there
 * for a read of its own; the span still sends what it held, and when the
 * task is done the session holds nothing more (the read had taken the
 * session's gather away for its wait and put it back, already sent, after:
 * every look after that was held for ever). */
static void
test_task_waits_inside_a_gather(void **state)
{
	struct fx *f = *state;
	struct stub_answer *held = stub_answer("GET", "Patient/pat-9", 200,
					       "{\"resourceType\":\"Patient\",\"id\":\"pat-9\"}");
	size_t mark, n, in_b;
	unsigned long b;

	stub_sticky("GET", "Communication?recipient=*", 200, EMPTY);
	load_today(f);
	stub_hold(held);
	read_done = false;
	mark = stub_n_requests();
	fhir_gather_begin(&f->s);
	task_spawn(read_in_a_task, f);   /* runs to its wait, then comes back here */
	model_poll(&f->m);               /* a span inside: its searches held */
	fhir_gather_end(&f->s);
	assert_false(read_done);
	assert_null(f->s.gather);
	n = since(mark, &b, &in_b);
	assert_true(n >= 6);             /* the read, and the poll's batch */
	assert_true(in_b >= 5);
	stub_release(held);
	turns(f, 3);
	assert_true(read_done);
	assert_null(f->s.gather);        /* nothing put back */
	mark = stub_n_requests();
	model_poll(&f->m);
	assert_true(since(mark, &b, &in_b) >= 5);   /* the next look is sent */
	assert_int_not_equal(b, 0);
	turns(f, 2);
}

/* The measures due of the whole list in one look when the list comes: one
 * CarePlan search naming every client, then one Observation and one
 * Appointment search for those with a plan; a poll asks nothing again. The
 * client with a PHQ-9 every session and no score is due; the other is not. */
static void
test_model_measures_one_look_a_list(void **state)
{
	struct fx *f = *state;
	const struct stub_request *r;

	careplans_now = xstrdup("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":"
				"{\"resourceType\":\"CarePlan\",\"id\":\"cp-1\",\"status\":\"active\",\"intent\":\"plan\","
				"\"category\":[{\"coding\":[{\"system\":\"urn:ezrizi:careplan\",\"code\":\"measures\"}]}],"
				"\"subject\":{\"reference\":\"Patient/pat-2\"},\"activity\":[{\"detail\":{"
				"\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"44249-1\"}]},"
				"\"status\":\"scheduled\",\"scheduledTiming\":{\"code\":{\"coding\":[{"
				"\"system\":\"urn:ezrizi:measure-schedule\",\"code\":\"every-session\"}]}}}}]}}]}");
	stub_sticky("GET", "Communication?recipient=*", 200, EMPTY);
	load_today(f);
	turns(f, 3);
	assert_int_equal(stub_count("GET", "CarePlan?*"), 1);
	r = stub_last("GET", "CarePlan?*");
	assert_non_null(strstr(r->path, "subject=Patient%2Fpat-1%2CPatient%2Fpat-2"));
	assert_int_equal(stub_count("GET", "Observation?category=survey*"), 1);
	r = stub_last("GET", "Observation?category=survey*");
	assert_non_null(strstr(r->path, "subject=Patient%2Fpat-2&"));
	assert_null(strstr(r->path, "pat-1"));
	assert_int_equal(stub_count("GET", "Appointment?_count=200&patient=*"), 1);
	assert_int_equal(model_measures_due(&f->m, &f->m.appts.v[0]), 0);
	assert_int_equal(model_measures_due(&f->m, &f->m.appts.v[1]), 1);

	model_poll(&f->m);
	turns(f, 3);
	assert_int_equal(stub_count("GET", "CarePlan?*"), 1);
	assert_int_equal(stub_count("GET", "Observation?category=survey*"), 1);

	/* The client shown now has a PHQ-9 of today among their scores (given
	 * here): the row is drawn again and is due no longer, with no look. */
	{
		char when[21];

		instant_format_utc(clock_now(), when);
		scores_now = xasprintf("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":"
				       "{\"resourceType\":\"Observation\",\"id\":\"o-1\",\"status\":\"final\","
				       "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"44261-6\"}]},"
				       "\"subject\":{\"reference\":\"Patient/pat-2\"},\"effectiveDateTime\":\"%s\","
				       "\"valueInteger\":4}}]}", when);
	}
	model_select(&f->m, 1);
	model_settle(&f->m);
	f->seen.changed[MODEL_APPTS] = 0;
	turns(f, 3);
	assert_int_equal(model_find_client(&f->m, "pat-2")->scores_f.state, LOAD_OK);
	assert_true(f->seen.changed[MODEL_APPTS] > 0);
	assert_int_equal(model_measures_due(&f->m, &f->m.appts.v[1]), 0);
	assert_int_equal(stub_count("GET", "CarePlan?*"), 1);
}

/* An escalation to me: the inbox brings a message of priority stat; the
 * model looks for the escalations whole (with names), holds the unread one
 * and sounds the alarm (this view has none: the bell); one read goes. The
 * inbox looks from the second of the last message on (ge), and what it has
 * counted there is not counted again. */
static void
test_model_escalation_alarms(void **state)
{
	struct fx *f = *state;
	char when[21], *inbox;

	load_today(f);
	turns(f, 2);
	assert_null(model_urgent(&f->m));
	f->seen.rings = 0;
	instant_format_utc(clock_now() + 60, when);
	inbox = xasprintf("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":"
			  "{\"resourceType\":\"Communication\",\"id\":\"esc-1\",\"status\":\"completed\",\"priority\":\"stat\","
			  "\"subject\":{\"reference\":\"Patient/pat-2\"},\"sender\":{\"reference\":\"Practitioner/pr-9\"},"
			  "\"recipient\":[{\"reference\":\"Practitioner/pr-1\"}],\"sent\":\"%s\","
			  "\"payload\":[{\"contentString\":\"call now\"}]}}]}", when);
	urgent_now = xasprintf("{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{\"resource\":"
			       "{\"resourceType\":\"Communication\",\"id\":\"esc-1\",\"status\":\"completed\",\"priority\":\"stat\","
			       "\"category\":[{\"coding\":[{\"code\":\"alert\"}]}],"
			       "\"subject\":{\"reference\":\"Patient/pat-2\"},\"sender\":{\"reference\":\"Practitioner/pr-9\"},"
			       "\"recipient\":[{\"reference\":\"Practitioner/pr-1\"}],\"sent\":\"%s\","
			       "\"payload\":[{\"contentString\":\"call now\"}]}},"
			       INCLUDED("{\"resourceType\":\"Practitioner\",\"id\":\"pr-9\",\"name\":[{\"text\":\"Dr Nine\"}]}")
			       "]}", when);
	stub_answer("GET", "Communication?recipient=*", 200, inbox);
	stub_sticky("GET", "Communication?recipient=*", 200, inbox);   /* the same, at every look */
	model_poll(&f->m);
	turns(f, 3);
	assert_non_null(model_urgent(&f->m));
	assert_string_equal(model_urgent(&f->m)->from_name, "Dr Nine");
	assert_string_equal(model_urgent(&f->m)->text, "call now");
	assert_int_equal(f->seen.rings, 1);
	assert_non_null(strstr(stub_last("GET", "Communication?recipient=*&_elements=*")->path, "sent=ge"));

	/* Read: it goes; the next look brings the same message, not counted again. */
	model_urgent_read(&f->m, "esc-1");
	assert_null(model_urgent(&f->m));
	free(urgent_now);
	urgent_now = NULL;
	model_poll(&f->m);
	turns(f, 3);
	assert_null(model_urgent(&f->m));
	assert_int_equal(f->seen.rings, 1);
	free(inbox);
}

/* A bearer token alone does not say who "me" is: the model asks the server
 * (discovery, then userinfo) in a task of its own, and no call into the
 * model waits for it. Held answers keep it waiting while the loop turns;
 * once they come, the list loads as that counsellor's. A model that waited
 * on the loop would never come back from the first turn here. */
static void
test_model_asks_me_without_waiting(void **state)
{
	struct fx *f = *state;
	struct stub_answer *disc, *who;
	struct error err;

	/* A fresh start, "me" unknown, whose day chosen by whether I have a schedule. */
	model_finish(&f->m);
	free(f->s.me_type);
	free(f->s.me_id);
	f->s.me_type = f->s.me_id = NULL;
	error_clear(&err);
	assert_true(config_override(f->cfg, "start_with", "auto", &err));
	model_init(&f->m, &f->s, f->cfg, &recorder, &f->seen);
	assert_false(session_me_known(&f->s));
	disc = stub_answer("GET", ".well-known/smart-configuration", 200,
			   "{\"token_endpoint\":\"https://fhir.test/oauth2/token\","
			   "\"userinfo_endpoint\":\"https://fhir.test/oauth2/userinfo\"}");
	who = stub_answer("GET", "https://fhir.test/oauth2/userinfo", 200,
			  "{\"sub\":\"amina\",\"fhirUser\":\"Practitioner/pr-1\"}");
	stub_hold(disc);
	stub_hold(who);

	turns(f, 4);   /* the keys would be live: every turn came back */
	assert_true(model_busy(&f->m));
	assert_true(stub_taken(disc));
	assert_int_equal(f->m.appt_f.state, LOAD_PENDING);
	assert_int_equal(stub_count("GET", "Appointment?*"), 0);

	stub_release(disc);
	turns(f, 2);
	assert_true(stub_taken(who));
	assert_true(model_busy(&f->m));
	stub_release(who);
	stub_answer("GET", "Schedule?actor=Practitioner%2Fpr-1&*", 200, EMPTY);
	answer_today();   /* mine, asked with the schedule in one batch */
	answer_today();   /* everyone's, asked as soon as that answer came */
	turns(f, 4);
	assert_false(model_busy(&f->m));
	assert_true(session_me_known(&f->s));
	assert_string_equal(f->s.me_id, "pr-1");
	/* Mine first; no schedule of my own answers everyone's day. */
	assert_non_null(stub_last("GET", "Appointment?_sort=date*&practitioner=Practitioner%2Fpr-1"));
	assert_true(f->m.everyone);
	turns(f, 3);
	assert_int_equal(f->m.appt_f.state, LOAD_OK);
	assert_false(stub_match("*practitioner=*", stub_last("GET", "Appointment?_sort=date*")->path));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_model_loads_and_tells_the_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_failure_reaches_the_view, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_unread_and_hidden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_asks_me_without_waiting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_flags_reach_the_screen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_escalation_alarms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_review_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_measures_one_look_a_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_poll_repaints_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_is_one_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_one_by_one_when_batch_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gathered_search_cancelled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_waits_inside_a_gather, setup, teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
