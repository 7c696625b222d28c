/* i18n.c - see include/core/i18n.h. */
#include "core/i18n.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

/* A binary run from the build tree finds the catalogues built beside it
 * (build/po/LANG/LC_MESSAGES/ezrizi.mo), so `build/ezrizi` speaks every language
 * before it is installed. */
static const char *
build_tree_localedir(char *out, size_t size)
{
	char exe[PATH_MAX], probe[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	struct stat st;
	char *slash;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return NULL;
	*slash = '\0';
	snprintf(probe, sizeof probe, "%s/po/ar/LC_MESSAGES/%s.mo", exe, GETTEXT_PACKAGE);
	if (stat(probe, &st) != 0 || (size_t)snprintf(out, size, "%s/po", exe) >= size)
		return NULL;
	return out;
}

void
i18n_init(void)
{
	/* EZRIZI_LOCALEDIR names another place for the catalogues. */
	const char *dir = getenv("EZRIZI_LOCALEDIR");
	char local[PATH_MAX];

	if (dir == NULL || dir[0] == '\0')
		dir = build_tree_localedir(local, sizeof local);
	bindtextdomain(GETTEXT_PACKAGE, dir != NULL ? dir : EZRIZI_LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);
}
