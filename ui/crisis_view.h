/* crisis_view.h - the crisis view on the screen (ui/crisis_view.c): the
 * crisis-view command, and the overlay's lines built from the model. */
#ifndef EZRIZI_UI_CRISIS_VIEW_H
#define EZRIZI_UI_CRISIS_VIEW_H

#include "core/cmd.h"
#include "ui/draw.h"
#include "ui/model.h"

extern const struct cmd_entry ui_entry_crisis_view, ui_entry_read_escalation;

/* The title bar's line while an escalation to the user waits (new string,
 * translated; the sender's and client's names and words sanitised), or NULL. */
char *ui_urgent_title(const struct model *m);

/* The crisis view of m->crisis, wrapped to width columns. */
void ui_crisis_lines(const struct model *m, struct tlines *l, int width);

#endif
