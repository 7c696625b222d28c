/* keys_fixture.c - see keys_fixture.h. */
#include "keys_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "core/cmd.h"
#include "core/config.h"
#include "ui/cmd_screen.h"
#include "ui/commands.h"
#include "ui/keys.h"

struct config *
config_of(const char *text)
{
	struct config *cfg = config_create();
	struct error err;

	error_clear(&err);
	assert_true(config_load_string(cfg, "test", text, &err));
	return cfg;
}

int
registry_up(void **state)
{
	(void)state;
	ui_register_commands();
	return 0;
}

int
registry_down(void **state)
{
	(void)state;
	cmd_unregister();
	return 0;
}

void
keymap_of(struct keymap *m, const struct config *cfg)
{
	struct error err;

	error_clear(&err);
	if (!keymap_init(m, cfg, ui_check_line, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		fail();
	}
}
