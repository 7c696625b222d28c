/* batch.c - see include/core/batch.h. */
#include "core/batch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/audit.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/utf8.h"

/* Notices (the session's warning, what a long wait waits for) go to stderr
 * always, so scripts' logs show them too; the http layer keeps them rare. */
static void
print_notice(const char *msg, void *arg)
{
	char *clean = sanitize_display(msg, (size_t)-1, 0);

	(void)arg;
	fprintf(stderr, "ezrizi: %s\n", clean);
	free(clean);
}

static void
hear_notices(struct cmd_ctx *ctx)
{
	if (ctx->notice == NULL)
		ctx->notice = print_notice;
}

int
batch_report(const struct error *err)
{
	char *msg;

	if (err->told)
		return error_exit_code(err->kind);
	msg = sanitize_display(err->msg, (size_t)-1, 0);
	fprintf(stderr, "ezrizi: %s\n", msg);
	free(msg);
	return error_exit_code(err->kind);
}

/* What a command gave back, on standard output in the chosen format, before
 * anything that follows it (a failing line's error on stderr). */
static void
print_result(const struct cmd_ctx *ctx, struct cmd_result *res)
{
	result_print(res, ctx->fmt, stdout);
	fflush(stdout);
	result_finish(res);
}

/* The audit records the command made (and any older ones) go to the server
 * once it has ended, in one Bundle; what cannot go waits, sealed in the
 * store, for the next command (or the screen's next look again). Nothing is
 * said: the records are not the command's result. */
static void
deliver_audit(struct cmd_ctx *ctx, const struct error *err)
{
	struct error e;
	size_t sent;

	if (!ctx->have_session || ctx->offline || err->kind == ERR_NETWORK ||
	    audit_pending_count(&ctx->session) == 0)
		return;
	error_clear(&e);
	http_wait_reset(ctx->session.http);
	(void)audit_deliver(&ctx->session, &sent, &e);
}

int
batch_run_call(struct cmd_ctx *ctx, struct cmd_call *c)
{
	struct cmd_result res;
	struct error err;
	bool ok;

	error_clear(&err);
	result_init(&res);
	hear_notices(ctx);
	ok = cmd_call_run(ctx, c, &res, &err);
	print_result(ctx, &res);
	deliver_audit(ctx, &err);
	if (!ok)
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
	hear_notices(ctx);
	while ((n = getline(&line, &cap, fp)) >= 0) {
		struct cmd_result res;
		struct error err;
		bool ok = false;

		lineno++;
		error_clear(&err);
		result_init(&res);
		if (!utf8_valid(line, (size_t)n) || memchr(line, '\0', (size_t)n) != NULL)
			error_set(&err, ERR_USAGE, _("The line is not UTF-8 text."));
		else
			ok = cmd_run_line(ctx, line, &res, &err);
		print_result(ctx, &res);
		if (ok)
			continue;
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

/* The error kind an exit code says (error_exit_code, backwards). */
static enum err_kind
kind_of_exit(int rc)
{
	static const enum err_kind kinds[] = { ERR_FAILED, ERR_USAGE, ERR_NOT_FOUND, ERR_CONFLICT,
						ERR_AUTH, ERR_NETWORK, ERR_FORBIDDEN };

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (error_exit_code(kinds[i]) == rc)
			return kinds[i];
	}
	return ERR_FAILED;
}

static bool
run_batch(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a, struct error *err)
{
	int rc = batch_run_file(ctx, a->argc > 0 ? a->argv[0] : "-", ctx->keep_going);

	(void)e;
	if (rc == EXIT_OK)
		return true;
	err->kind = kind_of_exit(rc);
	err->told = true;   /* each failing line said its own */
	return false;
}

const struct cmd_entry cmd_entry_batch = {
	.name = "batch",
	.usage = N_("[FILE|-]"),
	.summary = N_("Run the commands of FILE (or standard input), one a line, '#' starting a comment; stop at the first that fails, unless --keep-going."),
	.args = { 0, 1, { { KIND_FILE } } },
	.flags = CMD_SHELL,
	.exec = run_batch,
};
