/* tui.c - placeholder until the first screen lands. */
#include "ui/tui.h"

int
tui_run(struct cmd_ctx *ctx)
{
	(void)ctx;
	return 1;
}
