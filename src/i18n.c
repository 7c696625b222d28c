/* i18n.c - see include/core/i18n.h. */
#include "core/i18n.h"

#include <stdlib.h>

#include "config.h"

void
i18n_init(void)
{
	/* EZRIZI_LOCALEDIR lets the build tree's catalogues be used before install. */
	const char *dir = getenv("EZRIZI_LOCALEDIR");

	bindtextdomain(GETTEXT_PACKAGE, dir != NULL && dir[0] != '\0' ? dir : EZRIZI_LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
}
