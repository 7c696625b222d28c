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
option_lines(struct buf *out, const struct cmd_option *opts, int width)
{
	for (const struct cmd_option *o = opts; o != NULL && o->name != NULL; o++) {
		char *left = o->metavar != NULL ? xasprintf("--%s %s", o->name, _(o->metavar))
						: xasprintf("--%s", o->name);
		char *both = o->letter != 0 ? xasprintf("-%c, %s", o->letter, left) : xstrdup(left);

		buf_addf(out, "  %s", both);
		for (int pad = width - display_width(both); pad > 0; pad--)
			buf_addc(out, ' ');
		buf_addf(out, " %s\n", _(o->help));
		free(both);
		free(left);
	}
}

void
cmd_help_globals(struct buf *out)
{
	option_lines(out, cmd_global_options(), 18);
}

void
cmd_help(struct buf *out, const char *name)
{
	const struct cmd_entry *e = name != NULL ? cmd_find(name) : NULL;
	char *syn;

	if (e == NULL) {
		size_t n;
		const struct cmd_entry *const *tab = cmd_table(&n);

		buf_addf(out, "%s\n\n", _("Usage: ezrizi [OPTIONS] COMMAND [ARGUMENTS]"));
		buf_addf(out, "%s\n", _("Commands:"));
		for (size_t i = 0; i < n; i++) {
			if (!(tab[i]->flags & CMD_SCREEN))
				buf_addf(out, "  %-14s %s\n", tab[i]->name, _(declared(tab[i])->summary));
		}
		buf_addf(out, "\n%s\n", _("'ezrizi help COMMAND' explains one command; 'ezrizi --help' lists the options."));
		return;
	}
	syn = cmd_synopsis(e);
	/* TRANSLATORS: before a command of the screen's ':' line, as in "On the screen: :goto DAY". */
	buf_adds(out, on_screen(e) ? _("On the screen: :") : _("Usage: ezrizi "));
	buf_addf(out, "%s\n\n%s\n", syn, _(e->summary));
	free(syn);
	if (e->opts != NULL && e->opts[0].name != NULL) {
		buf_addf(out, "\n%s\n", _("Options:"));
		option_lines(out, e->opts, 22);
	}
}

/* ---- the man page ---- */

static void
roff_escape(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '-' || *s == '\\')
			buf_addc(out, '\\');
		buf_addc(out, *s);
	}
}

static void
roff_entry(struct buf *out, const struct cmd_entry *e)
{
	buf_adds(out, ".TP\n.B ");
	roff_escape(out, e->name);
	if (e->usage != NULL) {
		buf_adds(out, " ");
		roff_escape(out, e->usage);
	}
	buf_addc(out, '\n');
	roff_escape(out, e->summary);
	buf_addc(out, '\n');
	for (const struct cmd_option *o = e->opts; o != NULL && o->name != NULL; o++) {
		buf_adds(out, ".br\n\\fB\\-\\-");
		roff_escape(out, o->name);
		buf_adds(out, "\\fR");
		if (o->metavar != NULL) {
			buf_adds(out, " \\fI");
			roff_escape(out, o->metavar);
			buf_adds(out, "\\fR");
		}
		buf_adds(out, ": ");
		roff_escape(out, o->help);
		if (o->flags & OPT_REQUIRED)
			buf_adds(out, " (required)");
		buf_addc(out, '\n');
	}
}

void
cmd_help_roff(struct buf *out, bool screen)
{
	size_t n;
	const struct cmd_entry *const *tab = cmd_table(&n);

	for (size_t i = 0; i < n; i++) {
		if (screen && on_screen(tab[i]))
			roff_entry(out, tab[i]);
		else if (!screen && !(tab[i]->flags & CMD_SCREEN))
			roff_entry(out, declared(tab[i]));
	}
}

/* ---- the commands ---- */

/* What a printer above writes, as the result's text. */
static void
text_of(struct cmd_ctx *ctx, void (*print)(struct buf *out, const char *arg), const char *arg)
{
	struct buf b;

	buf_init(&b);
	buf_add(&b, "", 0);
	print(&b, arg);
	result_take_text(ctx->result, buf_steal(&b));
}

static void
roff(struct buf *out, const char *arg)
{
	(void)arg;
	cmd_help_roff(out, false);
}

static void
bash(struct buf *out, const char *arg)
{
	(void)arg;
	shellcomp_bash(out);
}

static void
zsh(struct buf *out, const char *arg)
{
	(void)arg;
	shellcomp_zsh(out);
}

static const struct cmd_option help_opts[] = {
	{ .name = "roff", .help = N_("print the command list as the man page's roff source") },
	{ NULL },
};

HANDLER(cmd_help_cmd)
{
	char *name = NULL;

	if (cmd_flag(e, a, "roff")) {
		text_of(ctx, roff, NULL);
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
	text_of(ctx, cmd_help, name);
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
	text_of(ctx, a->choice[0] == 0 ? bash : zsh, NULL);
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
