/* cmd/help.c - what the registry says of itself: help, version, completion,
 * and the help text, the man page's sections and ezrizi's own options
 * generated from the entries. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "config.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/shellcomp.h"
#include "core/xmalloc.h"

/* The screen's own, or the core's done the screen's way. */
static bool
on_screen(const struct cmd_entry *e)
{
	return (e->flags & (CMD_SCREEN | CMD_SCREEN_WAY)) != 0;
}

/* The entry as the core declares it (a screen's way of it: the core's). */
static const struct cmd_entry *
declared(const struct cmd_entry *e)
{
	return e->base != NULL ? e->base : e;
}

char *
cmd_synopsis(const struct cmd_entry *e)
{
	struct buf b;

	buf_init(&b);
	buf_adds(&b, e->name);
	if (e->usage != NULL)
		buf_addf(&b, " %s", _(e->usage));
	for (const struct cmd_option *o = e->opts; o != NULL && o->name != NULL; o++) {
		const char *open = (o->flags & OPT_REQUIRED) ? "" : "[";
		const char *close = (o->flags & OPT_REQUIRED) ? "" : "]";

		if (o->metavar != NULL)
			buf_addf(&b, " %s--%s %s%s", open, o->name, _(o->metavar), close);
		else
			buf_addf(&b, " %s--%s%s", open, o->name, close);
	}
	return buf_steal(&b);
}

/* "  --name METAVAR   help" lines, the left column width wide. */
static void
option_lines(FILE *fp, const struct cmd_option *opts, int width)
{
	for (const struct cmd_option *o = opts; o != NULL && o->name != NULL; o++) {
		char *left = o->metavar != NULL ? xasprintf("--%s %s", o->name, _(o->metavar))
						: xasprintf("--%s", o->name);
		char *both = o->letter != 0 ? xasprintf("-%c, %s", o->letter, left) : xstrdup(left);

		fprintf(fp, "  %s", both);
		for (int pad = width - display_width(both); pad > 0; pad--)
			fputc(' ', fp);
		fprintf(fp, " %s\n", _(o->help));
		free(both);
		free(left);
	}
}

void
cmd_help_globals(FILE *fp)
{
	option_lines(fp, cmd_global_options(), 18);
}

void
cmd_help(FILE *fp, const char *name)
{
	const struct cmd_entry *e = name != NULL ? cmd_find(name) : NULL;
	char *syn;

	if (e == NULL) {
		size_t n;
		const struct cmd_entry *const *tab = cmd_table(&n);

		fprintf(fp, "%s\n\n", _("Usage: ezrizi [OPTIONS] COMMAND [ARGUMENTS]"));
		fprintf(fp, "%s\n", _("Commands:"));
		for (size_t i = 0; i < n; i++) {
			if (!(tab[i]->flags & CMD_SCREEN))
				fprintf(fp, "  %-14s %s\n", tab[i]->name, _(declared(tab[i])->summary));
		}
		fprintf(fp, "\n%s\n", _("'ezrizi help COMMAND' explains one command; 'ezrizi --help' lists the options."));
		return;
	}
	syn = cmd_synopsis(e);
	/* TRANSLATORS: before a command of the screen's ':' line, as in "On the screen: :goto DAY". */
	fputs(on_screen(e) ? _("On the screen: :") : _("Usage: ezrizi "), fp);
	fprintf(fp, "%s\n\n%s\n", syn, _(e->summary));
	free(syn);
	if (e->opts != NULL && e->opts[0].name != NULL) {
		fprintf(fp, "\n%s\n", _("Options:"));
		option_lines(fp, e->opts, 22);
	}
}

/* ---- the man page ---- */

static void
roff_escape(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '-' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
}

static void
roff_entry(FILE *fp, const struct cmd_entry *e)
{
	fputs(".TP\n.B ", fp);
	roff_escape(fp, e->name);
	if (e->usage != NULL) {
		fputs(" ", fp);
		roff_escape(fp, e->usage);
	}
	fputc('\n', fp);
	roff_escape(fp, e->summary);
	fputc('\n', fp);
	for (const struct cmd_option *o = e->opts; o != NULL && o->name != NULL; o++) {
		fputs(".br\n\\fB\\-\\-", fp);
		roff_escape(fp, o->name);
		fputs("\\fR", fp);
		if (o->metavar != NULL) {
			fputs(" \\fI", fp);
			roff_escape(fp, o->metavar);
			fputs("\\fR", fp);
		}
		fputs(": ", fp);
		roff_escape(fp, o->help);
		if (o->flags & OPT_REQUIRED)
			fputs(" (required)", fp);
		fputc('\n', fp);
	}
}

void
cmd_help_roff(FILE *fp, bool screen)
{
	size_t n;
	const struct cmd_entry *const *tab = cmd_table(&n);

	for (size_t i = 0; i < n; i++) {
		if (screen && on_screen(tab[i]))
			roff_entry(fp, tab[i]);
		else if (!screen && !(tab[i]->flags & CMD_SCREEN))
			roff_entry(fp, declared(tab[i]));
	}
}

/* ---- the commands ---- */

/* The printers above, as a result's text. */
static void
print_roff(FILE *fp, const void *arg)
{
	(void)arg;
	cmd_help_roff(fp, false);
}

static void
print_help(FILE *fp, const void *arg)
{
	cmd_help(fp, arg);
}

static void
print_bash(FILE *fp, const void *arg)
{
	(void)arg;
	shellcomp_bash(fp);
}

static void
print_zsh(FILE *fp, const void *arg)
{
	(void)arg;
	shellcomp_zsh(fp);
}

static const struct cmd_option help_opts[] = {
	{ .name = "roff", .help = N_("print the command list as the man page's roff source") },
	{ NULL },
};

HANDLER(cmd_help_cmd)
{
	char *name = NULL;

	if (cmd_flag(e, a, "roff")) {
		result_text_of(ctx->result, print_roff, NULL);
		return true;
	}
	if (a->argc == 2)
		name = xasprintf("%s %s", a->argv[0], a->argv[1]);
	else if (a->argc == 1)
		name = xstrdup(a->argv[0]);
	if (name != NULL && cmd_find(name) == NULL) {
		error_set(err, ERR_USAGE, _("'%s' is not an ezrizi command; see 'ezrizi help'."), name);
		free(name);
		return false;
	}
	result_text_of(ctx->result, print_help, name);
	free(name);
	return true;
}

/* The screen shows it its way: the keys and every command (ui/cmd_screen.c). */
const struct cmd_entry cmd_entry_help = {
	.name = "help",
	.usage = N_("[COMMAND]"),
	.summary = N_("List the commands, or explain one."),
	.args = { 0, 2, { { KIND_COMMAND } } },
	.opts = help_opts,
	.flags = CMD_WORDS,
	.exec = cmd_help_cmd,
};

HANDLER(cmd_version)
{
	(void)e;
	(void)a;
	(void)err;
	result_say(ctx->result, "ezrizi %s", EZRIZI_VERSION);
	return true;
}

const struct cmd_entry cmd_entry_version = {
	.name = "version",
	.summary = N_("Show the version."),
	.exec = cmd_version,
};

static const struct cmd_word shells[] = {
	{ "bash", N_("for bash: source <(ezrizi completion bash)") },
	{ "zsh", N_("for zsh: put it in a folder of $fpath as _ezrizi") },
	{ NULL, NULL },
};

HANDLER(cmd_completion)
{
	(void)e;
	(void)err;
	result_text_of(ctx->result, a->choice[0] == 0 ? print_bash : print_zsh, NULL);
	return true;
}

const struct cmd_entry cmd_entry_completion = {
	.name = "completion",
	.usage = N_("bash|zsh"),
	.summary = N_("Print a script that completes ezrizi's commands, options and their values in bash or zsh (source <(ezrizi completion bash))."),
	.args = { 1, 1, { { KIND_CHOICE, shells } } },
	.flags = CMD_SHELL,
	.exec = cmd_completion,
};
