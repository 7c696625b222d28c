/* docgen.c - the documentation of the screen generated from the one registry
 * and the default key table, for the man page and the tests that keep it true
 * (tests/man.sh, tests/registry.sh). `ezrizi help --roff` gives the core's
 * COMMANDS section; this gives what only the screen knows:
 *
 *   docgen keys     the man page's KEYS section (roff)
 *   docgen screen   the man page's SCREEN COMMANDS section (roff)
 *   docgen labels   the default keys as the help and the README write them
 *   docgen names    every command's name, the screen's too, one a line
 *
 * Not installed: a build tool. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "core/cmd.h"
#include "core/config.h"
#include "core/i18n.h"
#include "ui/help.h"
#include "ui/keys.h"
#include "ui/cmd_screen.h"
#include "ui/commands.h"
#include "ui/state.h"

static int
defaults(struct keymap *keys)
{
	struct config *cfg = config_create();
	struct error err;
	bool ok;

	error_clear(&err);
	ok = keymap_init(keys, cfg, ui_check_line, &err);
	config_destroy(cfg);
	if (!ok)
		fprintf(stderr, "docgen: %s\n", err.msg);
	return ok ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char *what = argc == 2 ? argv[1] : "";
	struct keymap keys;
	size_t n;
	const struct cmd_entry *const *tab;

	setlocale(LC_ALL, "");
	i18n_init();
	ui_register_commands();
	tab = cmd_table(&n);
	if (strcmp(what, "screen") == 0) {
		struct buf b;

		buf_init(&b);
		cmd_help_roff(&b, true);
		fwrite(b.data, 1, b.len, stdout);
		buf_finish(&b);
	} else if (strcmp(what, "names") == 0) {
		for (size_t i = 0; i < n; i++)
			printf("%s\n", tab[i]->name);
	} else if (strcmp(what, "keys") == 0 || strcmp(what, "labels") == 0) {
		if (defaults(&keys) != 0)
			return 1;
		for (size_t i = 0; what[0] == 'l' && i < keys.n; i++)
			printf("%s\n", help_key_label(keys.v[i].name));
		if (what[0] == 'k')
			help_keys_roff(stdout, &keys);
		keymap_finish(&keys);
	} else {
		fprintf(stderr, "usage: docgen keys|screen|labels|names\n");
		return 2;
	}
	cmd_unregister();
	return 0;
}
