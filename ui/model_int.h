/* model_int.h - what the screen model's files share (ui/model.c,
 * ui/model_flag.c); not for the view. */
#ifndef EZRIZI_UI_MODEL_INT_H
#define EZRIZI_UI_MODEL_INT_H

#include "ui/model.h"

/* Our clock and the server's may differ: changes are looked for from this
 * long before the last fetch (a change seen twice is only fetched twice). */
#define CLOCK_SKEW 60

/* Tells the view that part changed. */
void model_changed(struct model *m, enum model_part part);
/* Asks for the user's roles once "me" is known, unless known or asked
 * (model_flag.c): what the notes and chat may show waits for it. */
void model_roles_start(struct model *m);
/* Both NULL, or the same string: what a fetch again compares. */
bool model_same_str(const char *a, const char *b);

#endif
