/* worklist_count.h - the count of notes owed on the counsellor's title bar
 * (core/worklist.h), fetched in a task of its own (core/task.h) so the
 * screen never waits for it: when the user's roles are known and are not a
 * front desk's, then again at every look (poll_interval, at least a minute)
 * and after a note is saved. Only the real screen's loop asks (ui/tui.c):
 * the screen's unit tests script every request, and make none of these. */
#ifndef EZRIZI_UI_WORKLIST_COUNT_H
#define EZRIZI_UI_WORKLIST_COUNT_H

#include <stdbool.h>

struct tui;

/* After each turn of the loop: starts a count when one is due. */
void ui_worklist_count_tick(struct tui *t);
/* A note was saved: count again at the next turn. */
void ui_worklist_count_again(struct tui *t);
/* Whether a count waits for the server (the loop waits for it to end). */
bool ui_worklist_counting(const struct tui *t);
/* " — 3 notes owed" for the title bar, or "" (new string). */
char *ui_worklist_title(const struct tui *t);

#endif
