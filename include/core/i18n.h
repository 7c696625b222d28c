/* i18n.h - gettext for every user-visible string. */
#ifndef EZRIZI_I18N_H
#define EZRIZI_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Binds the text domain; call once at start after setlocale(). */
void i18n_init(void);

#endif
