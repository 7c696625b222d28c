/* worklist_count.c - the title bar's count of notes owed; see
 * ui/worklist_count.h. */
#include "ui/worklist_count.h"

#include <stdlib.h>
#include <time.h>

#include "core/date.h"
#include "core/i18n.h"
#include "core/task.h"
#include "core/worklist.h"
#include "core/xmalloc.h"
#include "ui/state.h"

static void
count_task(void *arg)
{
	struct tui *t = arg;
	struct worklist w;
	struct error err;

	error_clear(&err);
	if (worklist_get(t->s, t->worklist_limit, WORKLIST_DAYS, &w, &err)) {
		if ((long)w.n != t->worklist_n)
			t->title_dirty = true;
		t->worklist_n = (long)w.n;
		worklist_finish(&w);
	}
	/* A count that failed keeps the last one: the title says nothing new. */
	t->worklist_asking = false;
}

/* Whether a session of the list ended since the last count: a note is owed
 * for it now, though nothing changed on the server. */
static bool
session_ended(const struct tui *t, time_t now)
{
	if (t->m.appt_f.state != LOAD_OK)
		return false;
	for (size_t i = 0; i < t->m.appts.n; i++) {
		time_t end = t->m.appts.v[i].end;

		if (end > t->worklist_at && end <= now)
			return true;
	}
	return false;
}

/* Counted again when the count may have changed: at the start, after a
 * command of the user's (ui_worklist_count_again), when a poll found an
 * appointment or a note of mine changed, when a session ended; and every
 * ten minutes whatever (a note deleted elsewhere shows in no look again).
 * Each count is three searches, most of an idle minute's bytes when it
 * came every minute. */
void
ui_worklist_count_tick(struct tui *t)
{
	long long now = clock_mono_ms();
	time_t wall = clock_now();
	int every = t->m.poll_interval > 600 ? t->m.poll_interval : 600;

	if (t->worklist_asking || !t->m.role_known || t->m.front_desk || task_current() != NULL)
		return;
	if (now < t->worklist_next && t->m.owed_gen == t->worklist_gen && !session_ended(t, wall))
		return;
	t->worklist_next = now + (long long)every * 1000;
	t->worklist_gen = t->m.owed_gen;
	t->worklist_at = wall;
	t->worklist_asking = true;
	task_spawn(count_task, t);
}

void
ui_worklist_count_again(struct tui *t)
{
	t->worklist_next = 0;
}

bool
ui_worklist_counting(const struct tui *t)
{
	return t->worklist_asking;
}

char *
ui_worklist_title(const struct tui *t)
{
	if (t->m.front_desk || t->worklist_n <= 0)
		return xstrdup("");
	/* TRANSLATORS: on the title bar, after the clock: notes the counsellor
	 * still owes (the worklist, key W). */
	return xasprintf(ngettext(" — %ld note owed", " — %ld notes owed", (unsigned long)t->worklist_n),
			 t->worklist_n);
}
