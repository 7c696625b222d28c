/* main.c - the only file that knows both front ends: batch mode when there is a
 * command (or stdout is not a terminal), the TUI otherwise. */
#include <locale.h>
#include <stddef.h>
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
#include "ui/tui.h"

struct globals {
	const char *profile;
	const char *server;
	const char *config_path;
	const char *format;
	bool keep_going;
	bool offline;
	bool help;
	bool version;
};

static void
usage(FILE *fp)
{
	fprintf(fp, "%s\n", _("Usage: ezrizi [OPTIONS] [COMMAND [ARGUMENTS]]\n"
			      "       ezrizi [OPTIONS] batch [FILE|-] [--keep-going]"));
	fprintf(fp, "\n%s\n", _("With no command, on a terminal, ezrizi opens its screen."));
	fprintf(fp, "\n%s\n", _("Options:"));
	fprintf(fp, "  --profile NAME     %s\n", _("use the named profile of the config file"));
	fprintf(fp, "  --server URL       %s\n", _("the FHIR server's base URL"));
	fprintf(fp, "  --config FILE      %s\n", _("read this config file instead of the default"));
	fprintf(fp, "  --format FORMAT    %s\n", _("output as table, tsv or json"));
	fprintf(fp, "  --keep-going       %s\n", _("in batch mode, go on after a failing line"));
	fprintf(fp, "  --offline          %s\n", _("work from the local cache, without the network"));
	fprintf(fp, "  -h, --help         %s\n", _("show this help"));
	fprintf(fp, "  -V, --version      %s\n", _("show the version"));
	fprintf(fp, "\n%s\n", _("Environment: EZRIZI_SERVER, EZRIZI_PROFILE, EZRIZI_TOKEN (a bearer token), TZ."));
	fprintf(fp, "%s\n", _("Exit codes: 0 done, 1 failed, 2 usage, 3 not found, 4 conflict, 5 authentication, 6 network or server unavailable (or max_wait ran out)."));
	fprintf(fp, "\n");
	cmd_help(fp, NULL);
}

/* Takes the global options before the command; returns the index of the
 * command, or -1 after a usage error (printed). */
static int
parse_globals(int argc, char **argv, struct globals *g)
{
	static const struct { const char *name; size_t off; } valued[] = {
		{ "--profile", offsetof(struct globals, profile) },
		{ "--server", offsetof(struct globals, server) },
		{ "--config", offsetof(struct globals, config_path) },
		{ "--format", offsetof(struct globals, format) },
	};
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *w = argv[i];
		bool matched = false;

		if (strcmp(w, "-h") == 0 || strcmp(w, "--help") == 0) {
			g->help = true;
			continue;
		}
		if (strcmp(w, "-V") == 0 || strcmp(w, "--version") == 0) {
			g->version = true;
			continue;
		}
		if (strcmp(w, "--keep-going") == 0) {
			g->keep_going = true;
			continue;
		}
		if (strcmp(w, "--offline") == 0) {
			g->offline = true;
			continue;
		}
		for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
			size_t n = strlen(valued[k].name);
			const char **slot = (const char **)((char *)g + valued[k].off);

			if (strncmp(w, valued[k].name, n) != 0)
				continue;
			if (w[n] == '=') {
				*slot = w + n + 1;
			} else if (w[n] == '\0' && i + 1 < argc) {
				*slot = argv[++i];
			} else if (w[n] == '\0') {
				fprintf(stderr, _("ezrizi: the option %s needs a value; see 'ezrizi --help'.\n"), w);
				return -1;
			} else {
				continue;
			}
			matched = true;
			break;
		}
		if (!matched) {
			fprintf(stderr, _("ezrizi: unknown option %s; see 'ezrizi --help'.\n"), w);
			return -1;
		}
	}
	return i;
}

/* Loads the config and applies, in rising order of precedence, the file, the
 * environment and the flags. */
static bool
setup_config(struct config *cfg, const struct globals *g, struct error *err)
{
	char *path = g->config_path != NULL ? NULL : config_default_path();
	const char *profile = g->profile != NULL ? g->profile : getenv("EZRIZI_PROFILE");
	const char *server = g->server != NULL ? g->server : getenv("EZRIZI_SERVER");
	bool ok;

	ok = config_load(cfg, g->config_path != NULL ? g->config_path : path, g->config_path != NULL, err);
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
	struct globals g = { 0 };
	struct cmd_ctx ctx = { 0 };
	struct error err;
	const char *fmt;
	int first, rc;

	setlocale(LC_ALL, "");
	i18n_init();
	secret_harden_process();
	if (sodium_init() < 0) {
		fprintf(stderr, "ezrizi: libsodium failed to start\n");
		return EXIT_FAILED;
	}
	if ((first = parse_globals(argc, argv, &g)) < 0)
		return EXIT_USAGE;
	if (g.help) {
		usage(stdout);
		return EXIT_OK;
	}
	if (g.version) {
		printf("ezrizi %s\n", EZRIZI_VERSION);
		return EXIT_OK;
	}
	error_clear(&err);
	ctx.cfg = config_create();
	ctx.out = stdout;
	ctx.offline = g.offline;
	if (!setup_config(ctx.cfg, &g, &err)) {
		rc = batch_report(&err);
		goto out;
	}
	fmt = config_get(ctx.cfg, "format");
	if (fmt != NULL && !out_format_parse(fmt, &ctx.fmt, &err)) {
		rc = batch_report(&err);
		goto out;
	}
	if (first < argc && strcmp(argv[first], "batch") == 0) {
		bool keep = g.keep_going;
		const char *file = "-";

		for (int i = first + 1; i < argc; i++) {
			if (strcmp(argv[i], "--keep-going") == 0)
				keep = true;
			else
				file = argv[i];
		}
		rc = batch_run_file(&ctx, file, keep);
	} else if (first < argc) {
		rc = batch_run_argv(&ctx, argc - first, argv + first);
	} else if (isatty(STDOUT_FILENO) && isatty(STDIN_FILENO)) {
		rc = tui_run(&ctx);
	} else {
		fprintf(stderr, "%s\n", _("ezrizi: no command given, and not on a terminal; see 'ezrizi help'."));
		rc = EXIT_USAGE;
	}
out:
	cmd_ctx_finish(&ctx);
	config_destroy(ctx.cfg);
	return rc;
}
