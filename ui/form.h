/* form.h - giving an instrument on the screen, one item at a time
 * (ui/form.c): the form as a mode with its own key table ("form"), the give
 * and form commands. */
#ifndef EZRIZI_UI_FORM_H
#define EZRIZI_UI_FORM_H

#include "core/cmd.h"
#include "ui/mode.h"

struct tui;

extern const struct mode_ops mode_form;
extern const struct cmd_entry ui_entry_give, ui_entry_form;

/* Frees an open form (the screen ends). */
void ui_form_finish(struct tui *t);

#endif
