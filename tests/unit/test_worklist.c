/* test_worklist.c - note templates (where they are found, headings kept and
 * words dropped, a bare template told from a note) and the worklist made from
 * appointments and notes (what is owed, oldest first, the draft limit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/template.h"
#include "core/worklist.h"
#include "core/xmalloc.h"

/* Writes text to the file named by dir and name (the name freed). */
static void
write_in(const char *dir, char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	free(path);
	free(name);
}

static void
sh(char *cmd)
{
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void
set(const char *var, char *value)
{
	setenv(var, value, 1);
	free(value);
}

/* A shipped dir and a config dir of the test's own. */
static char *
dirs(void)
{
	char tmpl[] = "/tmp/ezrizi-template-XXXXXX", *top = xstrdup(mkdtemp(tmpl));
	char *p = xasprintf("%s/data/templates", top);

	sh(xasprintf("mkdir -p '%s' '%s/config/ezrizi/templates'", p, top));
	set("EZRIZI_DATADIR", xasprintf("%s/data", top));
	set("XDG_CONFIG_HOME", xasprintf("%s/config", top));
	write_in(p, xstrdup("soap.en"), "Subjective:\n\nObjective:\n\nAssessment:\n\nPlan:\n\n");
	write_in(p, xstrdup("soap.tr"), "Öznel:\n\nNesnel:\n\nDeğerlendirme:\n\nPlan:\n\n");
	write_in(p, xstrdup("dap.en"), "Data:\n\nAssessment:\n\nPlan:\n\n");
	free(p);
	return top;
}

static void
test_template_found(void **state)
{
	char *top = dirs(), *t, *where;
	struct error err;

	(void)state;
	error_clear(&err);
	t = template_load("soap", "tr", &where, &err);
	assert_non_null(t);
	assert_string_equal(t, "Öznel:\n\nNesnel:\n\nDeğerlendirme:\n\nPlan:\n\n");
	assert_non_null(strstr(where, "/data/templates/soap.tr"));
	free(t);
	free(where);
	/* A language with none: English. */
	t = template_load("dap", "ur", NULL, &err);
	assert_non_null(t);
	assert_string_equal(t, "Data:\n\nAssessment:\n\nPlan:\n\n");
	free(t);
	/* The config dir's wins: NAME.LANG, then NAME for every language. */
	write_in(top, xstrdup("config/ezrizi/templates/soap"), "Clinic:\n\n");
	t = template_load("soap", "ar", NULL, &err);
	assert_string_equal(t, "Clinic:\n\n");
	free(t);
	t = template_load("soap", "tr", NULL, &err);
	assert_string_equal(t, "Clinic:\n\n");   /* NAME over the shipped NAME.LANG */
	free(t);
	assert_null(template_load("nosuch", "en", NULL, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	error_clear(&err);
	assert_null(template_load("../soap", "en", NULL, &err));
	assert_int_equal(err.kind, ERR_USAGE);
	sh(xasprintf("rm -rf '%s'", top));
	free(top);
}

static void
test_template_names(void **state)
{
	char *top = dirs(), **v;

	(void)state;
	write_in(top, xstrdup("config/ezrizi/templates/risk-review.en"), "Risk:\n\n");
	write_in(top, xstrdup("config/ezrizi/templates/soap.tr"), "S:\n\n");
	write_in(top, xstrdup("config/ezrizi/templates/Bad Name"), "x:\n");
	v = template_names();
	assert_string_equal(v[0], "soap");
	assert_string_equal(v[3], "free");
	assert_string_equal(v[4], "risk-review");   /* once, and soap not again */
	assert_null(v[5]);
	template_names_free(v);
	sh(xasprintf("rm -rf '%s'", top));
	free(top);
}

static void
test_from_text(void **state)
{
	char *t;

	(void)state;
	t = template_from_text("Subjective:\nSlept badly, said: tired.\n\n  Plan:  \nMore sleep.\nRisk: none\n");
	assert_string_equal(t, "Subjective:\n\nPlan:\n\n");   /* "Risk: none" has words after it */
	free(t);
	assert_null(template_from_text("No headings here.\nNone at all\n"));
	assert_null(template_from_text(NULL));
	t = template_from_text("التقييم:\nكلمات\n");
	assert_string_equal(t, "التقييم:\n\n");
	free(t);
}

static void
test_unchanged(void **state)
{
	const char *tmpl = "Data:\n\nAssessment:\n\nPlan:\n\n";

	(void)state;
	assert_true(template_unchanged("Data:\nAssessment:\n  Plan:\n\n\n", tmpl));
	assert_false(template_unchanged("Data:\nCalm.\nAssessment:\nPlan:\n", tmpl));
	assert_false(template_unchanged("", ""));   /* free text: nothing to be unchanged from */
	assert_true(template_name_ok("birp"));
	assert_false(template_name_ok("BIRP"));
	assert_false(template_name_ok(""));
}

/* ---- the worklist ---- */

static struct appointment
appt(const char *id, const char *status, time_t start, const char *patient)
{
	struct appointment a = { 0 };

	a.id = xstrdup(id);
	a.status = xstrdup(status);
	a.start = start;
	a.end = start + 3000;
	a.patient_id = xstrdup(patient);
	a.patient_name = xstrdup(patient);
	a.practitioner_id = xstrdup("me");
	return a;
}

static struct note
note(const char *id, const char *status, const char *doc, time_t date, const char *author,
     const char *appt_id)
{
	struct note n = { 0 };

	n.id = xstrdup(id);
	n.status = xstrdup(status);
	n.doc_status = xstrdup(doc);
	n.date = date;
	n.author_id = xstrdup(author);
	n.patient_id = xstrdup("p9");
	n.appointment_id = xstrdup(appt_id);
	return n;
}

static void
test_worklist_rows(void **state)
{
	const time_t h = 3600, now = 1000 * h;
	struct appointment av[] = {
		appt("a-signed", "fulfilled", now - 50 * h, "p1"),
		appt("a-none", "fulfilled", now - 30 * h, "p2"),
		appt("a-here", "arrived", now - 1 * h, "p3"),
		appt("a-draft", "checked-in", now - 70 * h, "p4"),
		appt("a-booked", "booked", now - 20 * h, "p5"),      /* not held */
		appt("a-noshow", "noshow", now - 20 * h, "p6"),
		appt("a-later", "arrived", now + 2 * h, "p7"),       /* not begun */
	};
	struct note nv[] = {
		note("n-signed", "current", "final", now - 49 * h, "me", "a-signed"),
		note("n-draft", "current", "preliminary", now - 69 * h, "me", "a-draft"),
		note("n-old", "current", "preliminary", now - 100 * h, "me", NULL),
		note("n-young", "current", "preliminary", now - 5 * h, "me", NULL),
		note("n-theirs", "current", "preliminary", now - 100 * h, "someone", NULL),
		note("n-gone", "superseded", "preliminary", now - 100 * h, "me", NULL),
		note("n-amended", "current", "amended", now - 29 * h, "me", "a-none-x"),
	};
	struct appt_list al = { av, sizeof av / sizeof av[0] };
	struct note_list nl = { nv, sizeof nv / sizeof nv[0] };
	struct worklist_input in = { &al, &nl, "me", now, 48 };
	struct worklist w;

	(void)state;
	worklist_build(&in, &w);
	assert_int_equal(w.n, 4);
	/* Oldest first. */
	assert_string_equal(w.v[0].note_id, "n-old");
	assert_int_equal(w.v[0].kind, WL_OLD_DRAFT);
	assert_null(w.v[0].appointment_id);
	assert_string_equal(w.v[1].appointment_id, "a-draft");
	assert_string_equal(w.v[1].note_id, "n-draft");
	assert_int_equal(w.v[1].kind, WL_OLD_DRAFT);      /* 69 h > 48 h */
	assert_string_equal(w.v[2].appointment_id, "a-none");
	assert_int_equal(w.v[2].kind, WL_NO_NOTE);
	assert_string_equal(w.v[3].appointment_id, "a-here");
	assert_int_equal(w.v[3].kind, WL_NO_NOTE);
	worklist_finish(&w);
	/* At 72 h the draft of its session is in time, the other still overdue. */
	in.draft_limit_hours = 72;
	worklist_build(&in, &w);
	assert_int_equal(w.n, 4);
	assert_int_equal(w.v[1].kind, WL_DRAFT);
	assert_int_equal(w.v[0].kind, WL_OLD_DRAFT);
	worklist_finish(&w);
	for (size_t i = 0; i < al.n; i++)
		appointment_finish(&av[i]);
	for (size_t i = 0; i < nl.n; i++)
		note_finish(&nv[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_template_found),
		cmocka_unit_test(test_template_names),
		cmocka_unit_test(test_from_text),
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_worklist_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
