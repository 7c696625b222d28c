/* main.c - the only file that knows both front ends: batch mode when there is a
 * command (or stdout is not a terminal), the TUI otherwise. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "core/batch.h"
#include "core/cmd.h"
#include "core/config.h"
#include "core/i18n.h"
#include "core/secret.h"
#include "tty.h"
#include "ui/tui.h"

/* The help (ezrizi's own options when globals) printed to fp. */
static void
put_help(FILE *fp, const char *name, bool globals)
{
	struct buf b;

	buf_init(&b);
	if (globals)
		cmd_help_globals(&b);
	else
		cmd_help(&b, name);
	fwrite(b.data, 1, b.len, fp);
	buf_finish(&b);
}

static void
usage(FILE *fp)
{
	fprintf(fp, "%s\n", _("Usage: ezrizi [OPTIONS] [COMMAND [ARGUMENTS]]\n"
			      "       ezrizi [OPTIONS] batch [FILE|-] [--keep-going]"));
	fprintf(fp, "\n%s\n", _("With no command, on a terminal, ezrizi opens its screen."));
	fprintf(fp, "\n%s\n", _("Options:"));
	put_help(fp, NULL, true);
	fprintf(fp, "%s\n", _("They may come before the command or after it: 'ezrizi patient ID --format json'."));
	fprintf(fp, "\n%s\n", _("Environment: EZRIZI_SERVER, EZRIZI_PROFILE, EZRIZI_TOKEN (a bearer token), TZ."));
	fprintf(fp, "%s\n", _("Exit codes: 0 done, 1 failed, 2 usage, 3 not found, 4 conflict, 5 authentication, 6 network or server unavailable (or max_wait ran out)."));
	fprintf(fp, "\n");
	put_help(fp, NULL, false);
}

/* Loads the config and applies, in rising order of precedence, the file, the
 * environment and the flags. */
static bool
setup_config(struct config *cfg, const struct cmd_globals *g, struct error *err)
{
	char *path = g->config != NULL ? NULL : config_default_path();
	const char *profile = g->profile != NULL ? g->profile : getenv("EZRIZI_PROFILE");
	const char *server = g->server != NULL ? g->server : getenv("EZRIZI_SERVER");
	bool ok;

	ok = config_load(cfg, g->config != NULL ? g->config : path, g->config != NULL, err);
	free(path);
	if (ok && !config_select_profile(cfg, profile != NULL && profile[0] != '\0' ? profile : NULL, err))
		ok = false;
	if (ok && server != NULL && server[0] != '\0')
		ok = config_override(cfg, "server", server, err);
	if (ok && g->format != NULL)
		ok = config_override(cfg, "format", g->format, err);
	return ok;
}

int
main(int argc, char **argv)
{
	struct cmd_globals g = { 0 };
	struct cmd_ctx ctx = { 0 };
	struct cmd_call call;
	struct error err;
	const char *fmt;
	int rc;

	setlocale(LC_ALL, "");
	i18n_init();
	secret_harden_process();
	if (sodium_init() < 0) {
		fprintf(stderr, "ezrizi: libsodium failed to start\n");
		return EXIT_FAILED;
	}
	/* ezrizi's own options, before the command or after it, and the command. */
	error_clear(&err);
	if (!cmd_prepare(&call, argc - 1, argv + 1, &g, &err)) {
		rc = batch_report(&err);
		cmd_call_finish(&call);
		return rc;
	}
	if (g.help || g.version) {
		if (g.version)
			printf("ezrizi %s\n", EZRIZI_VERSION);
		else if (call.e != NULL)
			put_help(stdout, call.e->name, false);
		else
			usage(stdout);
		cmd_call_finish(&call);
		return EXIT_OK;
	}
	ctx.cfg = config_create();
	ctx.offline = g.offline;
	ctx.keep_going = g.keep_going;
	/* The shell's terminal asks for what the core needs (the screen puts its
	 * own hooks in once it has opened: the terminal is then the screen's). */
	ctx.front_ops = &tty_front;
	if (!setup_config(ctx.cfg, &g, &err)) {
		rc = batch_report(&err);
		goto out;
	}
	fmt = config_get(ctx.cfg, "format");
	if (fmt != NULL && !out_format_parse(fmt, &ctx.fmt, &err)) {
		rc = batch_report(&err);
		goto out;
	}
	if (call.e != NULL) {
		rc = batch_run_call(&ctx, &call);
	} else if (isatty(STDOUT_FILENO) && isatty(STDIN_FILENO)) {
		rc = tui_run(&ctx);
	} else {
		fprintf(stderr, "%s\n", _("ezrizi: no command given, and not on a terminal; see 'ezrizi help'."));
		rc = EXIT_USAGE;
	}
out:
	cmd_call_finish(&call);
	cmd_ctx_finish(&ctx);
	config_destroy(ctx.cfg);
	return rc;
}
