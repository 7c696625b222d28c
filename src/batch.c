/* batch.c - see include/core/batch.h. */
#include "core/batch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/utf8.h"

int
batch_report(const struct error *err)
{
	char *msg = sanitize_display(err->msg, (size_t)-1, 0);

	fprintf(stderr, "ezrizi: %s\n", msg);
	free(msg);
	return error_exit_code(err->kind);
}

int
batch_run_argv(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct error err;

	error_clear(&err);
	if (!cmd_run_argv(ctx, argc, argv, &err))
		return batch_report(&err);
	return EXIT_OK;
}

int
batch_run_file(struct cmd_ctx *ctx, const char *path, bool keep_going)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *name = strcmp(path, "-") == 0 ? _("standard input") : path;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int rc = EXIT_OK;

	if (fp == NULL) {
		fprintf(stderr, _("ezrizi: cannot read %s: %s\n"), path, strerror(errno));
		return EXIT_USAGE;
	}
	while ((n = getline(&line, &cap, fp)) >= 0) {
		struct error err;

		lineno++;
		error_clear(&err);
		if (!utf8_valid(line, (size_t)n) || memchr(line, '\0', (size_t)n) != NULL) {
			error_set(&err, ERR_USAGE, _("The line is not UTF-8 text."));
		} else if (cmd_run_line(ctx, line, &err)) {
			continue;
		}
		{
			char *msg = sanitize_display(err.msg, (size_t)-1, 0);

			fprintf(stderr, "ezrizi: %s:%ld: %s\n", name, lineno, msg);
			free(msg);
		}
		if (rc == EXIT_OK)
			rc = error_exit_code(err.kind);
		if (!keep_going)
			break;
	}
	free(line);
	if (fp != stdin)
		fclose(fp);
	return rc;
}
