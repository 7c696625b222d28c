/* cmd.c - the registry, the resolver, the option parser and running a command;
 * see include/core/cmd.h. The entries are declared next to their handlers
 * (in src/cmd/ by domain, and src/batch.c); the words of a line are split in cmd_words.c. */
#include "core/cmd.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmd/handlers.h"
#include "core/appt.h"
#include "config.h"
#include "core/fhir.h"
#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/outbox.h"
#include "core/task.h"
#include "core/xmalloc.h"

/* ---- the registry ---- */

/* The core's commands; sorted when the registry is first used. */
static const struct cmd_entry *const core[] = {
	&cmd_entry_appointment, &cmd_entry_appointments, &cmd_entry_assess, &cmd_entry_batch, &cmd_entry_book,
	&cmd_entry_cache_verify, &cmd_entry_cache_wipe, &cmd_entry_cancel, &cmd_entry_chat,
	&cmd_entry_checkin, &cmd_entry_completion, &cmd_entry_crisis, &cmd_entry_escalate,
	&cmd_entry_escalation_read, &cmd_entry_escalations, &cmd_entry_flag_ack,
	&cmd_entry_flag_add, &cmd_entry_flag_close, &cmd_entry_flags, &cmd_entry_help, &cmd_entry_lexicon, &cmd_entry_lock,
	&cmd_entry_login, &cmd_entry_logout, &cmd_entry_measure, &cmd_entry_measures, &cmd_entry_noshow, &cmd_entry_note,
	&cmd_entry_note_add, &cmd_entry_note_edit, &cmd_entry_notes, &cmd_entry_outbox,
	&cmd_entry_outbox_discard, &cmd_entry_outbox_retry, &cmd_entry_passwd, &cmd_entry_patient,
	&cmd_entry_patients, &cmd_entry_reschedule, &cmd_entry_safety_plan,
	&cmd_entry_safety_plan_write, &cmd_entry_scores, &cmd_entry_send, &cmd_entry_slots,
	&cmd_entry_sync, &cmd_entry_unlock, &cmd_entry_version, &cmd_entry_whoami,
	/* note templates and the worklist */
	&cmd_entry_note_template, &cmd_entry_worklist,
	&cmd_entry_note_sign, &cmd_entry_note_cosign, &cmd_entry_note_addendum,
	&cmd_entry_audit,
};
#define NCORE (sizeof core / sizeof core[0])

static const struct cmd_entry **reg;   /* sorted by name */
static size_t nreg;
static struct cmd_entry *merged;       /* the CMD_SCREEN_WAY entries, made by cmd_register */

static int
entry_order(const void *a, const void *b)
{
	return strcmp((*(const struct cmd_entry *const *)a)->name,
		      (*(const struct cmd_entry *const *)b)->name);
}

static const struct cmd_entry *
find_in(const struct cmd_entry *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i]->name, name) == 0)
			return v[i];
	}
	return NULL;
}

/* The core's entries, then extra ones; a clash is a programming error. */
static void
build(const struct cmd_entry *const *extra, size_t n)
{
	size_t made = 0;

	free(reg);
	free(merged);
	reg = xcalloc(NCORE + n, sizeof *reg);
	merged = n > 0 ? xcalloc(n, sizeof *merged) : NULL;
	memcpy(reg, core, sizeof core);
	nreg = NCORE;
	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *x = extra[i], *base = find_in(core, NCORE, x->name);
		struct cmd_entry *m;

		if (!(x->flags & (CMD_SCREEN | CMD_SCREEN_WAY)) || (base == NULL) != !(x->flags & CMD_SCREEN_WAY))
			abort();
		if (base == NULL) {
			reg[nreg++] = x;
			continue;
		}
		/* The core's declaration, done the front end's way. */
		m = &merged[made++];
		*m = *base;
		m->flags = (base->flags & (CMD_WORDS | CMD_REST)) | x->flags;
		m->summary = x->summary != NULL ? x->summary : base->summary;
		m->instead = NULL;
		m->exec = x->exec;
		m->base = base;
		for (size_t k = 0; k < nreg; k++) {
			if (reg[k] == base)
				reg[k] = m;
		}
	}
	qsort(reg, nreg, sizeof *reg, entry_order);
	for (size_t i = 1; i < nreg; i++) {
		if (strcmp(reg[i - 1]->name, reg[i]->name) == 0)
			abort();
	}
}

static void
ready(void)
{
	if (reg == NULL)
		build(NULL, 0);
}

const struct cmd_entry *const *
cmd_table(size_t *n)
{
	ready();
	*n = nreg;
	return reg;
}

static int
name_cmp(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct cmd_entry *const *)elem)->name);
}

const struct cmd_entry *
cmd_find(const char *name)
{
	const struct cmd_entry *const *e;

	ready();
	e = bsearch(name, reg, nreg, sizeof *reg, name_cmp);
	return e != NULL ? *e : NULL;
}

void
cmd_register(const struct cmd_entry *const *v, size_t n)
{
	build(v, n);
}

void
cmd_unregister(void)
{
	free(reg);
	free(merged);
	reg = NULL;
	merged = NULL;
	nreg = 0;
}

const char *const *
cmd_kind_words(enum cmd_kind kind)
{
	static const char *const days[] = {
		"today", "tomorrow", "yesterday", "monday", "tuesday", "wednesday", "thursday",
		"friday", "saturday", "sunday", NULL,
	};
	static const char *const who[] = { "me", "all", NULL };

	if (kind == KIND_DAY)
		return days;
	if (kind == KIND_PRACTITIONER)
		return who;
	return NULL;
}

const struct cmd_arg *
cmd_pos(const struct cmd_entry *e, int i)
{
	static const struct cmd_arg none = { KIND_NONE, NULL };
	int last = CMD_MAX_POS - 1;

	while (last > 0 && e->args.pos[last].kind == KIND_NONE && e->args.pos[last].words == NULL)
		last--;
	if (i > last)
		i = last;
	return i >= 0 ? &e->args.pos[i] : &none;
}

int
cmd_opt_index(const struct cmd_entry *e, const char *name, size_t len)
{
	for (int i = 0; e->opts != NULL && e->opts[i].name != NULL; i++) {
		if (strlen(e->opts[i].name) == len && strncmp(e->opts[i].name, name, len) == 0)
			return i;
	}
	return -1;
}

bool
cmd_has_opt(const struct cmd_entry *e, const char *name)
{
	return cmd_opt_index(e, name, strlen(name)) >= 0;
}

const char *
cmd_opt(const struct cmd_entry *e, const struct cmd_args *a, const char *name)
{
	int i = cmd_opt_index(e, name, strlen(name));

	return i >= 0 ? a->value[i] : NULL;
}

bool
cmd_flag(const struct cmd_entry *e, const struct cmd_args *a, const char *name)
{
	int i = cmd_opt_index(e, name, strlen(name));

	return i >= 0 && a->given[i];
}

/* ---- resolving ---- */

/* True when w is the second word of a two-word command ("add" of "note add"). */
static bool
subcommand_word(const char *w)
{
	for (size_t i = 0; i < nreg; i++) {
		const char *sp = strchr(reg[i]->name, ' ');

		if (sp != NULL && strcmp(sp + 1, w) == 0)
			return true;
	}
	return false;
}

/* The two-word commands whose first word is w, "cache verify, cache wipe"
 * (new string), or NULL. */
static char *
group_of(const char *w)
{
	size_t n = strlen(w);
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < nreg; i++) {
		if (strncmp(reg[i]->name, w, n) == 0 && reg[i]->name[n] == ' ')
			buf_addf(&b, "%s%s", b.len > 0 ? ", " : "", reg[i]->name);
	}
	return b.len > 0 ? buf_steal(&b) : (buf_finish(&b), NULL);
}

const struct cmd_entry *
cmd_resolve(int argc, char **argv, int *used, struct error *err)
{
	const struct cmd_entry *e = NULL;
	char *group;

	ready();
	*used = 1;
	if (argc == 0) {
		error_set(err, ERR_USAGE, _("No command given; see 'ezrizi help'."));
		return NULL;
	}
	if (argc >= 2) {
		char *two = xasprintf("%s %s", argv[0], argv[1]);

		e = cmd_find(two);
		free(two);
		*used = e != NULL ? 2 : 1;
	}
	if (e == NULL && (e = cmd_find(argv[0])) == NULL && (group = group_of(argv[0])) != NULL) {
		/* TRANSLATORS: "'cache' is not a command by itself; use cache verify, cache wipe." */
		error_set(err, ERR_USAGE, _("'%s' is not a command by itself; use %s."), argv[0], group);
		free(group);
		return NULL;
	}
	if (e == NULL) {
		error_set(err, ERR_USAGE, _("'%s' is not an ezrizi command; see 'ezrizi help'."), argv[0]);
		return NULL;
	}
	if (*used == 1 && argc >= 2 && !(e->flags & CMD_WORDS) && subcommand_word(argv[1])) {
		/* "patient add": a word that names a command elsewhere ("note add"),
		 * not an id. */
		error_set(err, ERR_USAGE, _("There is no '%s %s' command; see 'ezrizi help'."), argv[0], argv[1]);
		return NULL;
	}
	return e;
}

/* ---- ezrizi's own options ---- */

static const char *const formats[] = { "table", "tsv", "json", NULL };

static const struct cmd_option globals[] = {
	{ .name = "profile", .metavar = N_("NAME"), .flags = OPT_VALUE,
	  .help = N_("use the named profile of the config file") },
	{ .name = "server", .metavar = N_("URL"), .flags = OPT_VALUE,
	  .help = N_("the FHIR server's base URL") },
	{ .name = "config", .metavar = N_("FILE"), .flags = OPT_VALUE, .kind = KIND_FILE,
	  .help = N_("read this config file instead of the default") },
	{ .name = "format", .metavar = N_("FORMAT"), .flags = OPT_VALUE | OPT_HINTS,
	  .choices = formats, .kind = KIND_CHOICE, .help = N_("output as table, tsv or json") },
	{ .name = "keep-going", .help = N_("in batch mode, go on after a failing line") },
	{ .name = "offline", .help = N_("work from the local cache, without the network") },
	{ .name = "help", .letter = 'h', .help = N_("show this help") },
	{ .name = "version", .letter = 'V', .help = N_("show the version") },
	{ NULL, NULL, NULL, 0, NULL, KIND_NONE, 0 },
};

/* Where each of globals[] goes in struct cmd_globals, in the same order. */
static const size_t global_at[] = {
	offsetof(struct cmd_globals, profile), offsetof(struct cmd_globals, server),
	offsetof(struct cmd_globals, config), offsetof(struct cmd_globals, format),
	offsetof(struct cmd_globals, keep_going), offsetof(struct cmd_globals, offline),
	offsetof(struct cmd_globals, help), offsetof(struct cmd_globals, version),
};

const struct cmd_option *
cmd_global_options(void)
{
	return globals;
}

/* The global option word w names ("--format", "--format=json", "-h"), or -1. */
static int
global_index(const char *w)
{
	size_t len;

	if (w[0] == '-' && w[1] != '-' && w[1] != '\0' && w[2] == '\0') {
		for (int i = 0; globals[i].name != NULL; i++) {
			if (globals[i].letter == w[1])
				return i;
		}
		return -1;
	}
	if (strncmp(w, "--", 2) != 0)
		return -1;
	len = strcspn(w + 2, "=");
	for (int i = 0; globals[i].name != NULL; i++) {
		if (strlen(globals[i].name) == len && strncmp(globals[i].name, w + 2, len) == 0)
			return i;
	}
	return -1;
}

/* ---- parsing ---- */

static bool __attribute__((format(printf, 3, 4)))
usage_error(const struct cmd_entry *e, struct error *err, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (e == NULL)
		/* TRANSLATORS: %s is a sentence saying what is wrong with ezrizi's own options. */
		error_set(err, ERR_USAGE, _("%s See 'ezrizi --help'."), msg);
	else if (e->flags & (CMD_SCREEN | CMD_SCREEN_WAY))
		/* TRANSLATORS: the first %s says what is wrong, the second is a command of the screen. */
		error_set(err, ERR_USAGE, _("%s See ':help %s'."), msg, e->name);
	else
		/* TRANSLATORS: the first %s is a sentence saying what is wrong, the second a command name. */
		error_set(err, ERR_USAGE, _("%s See 'ezrizi help %s'."), msg, e->name);
	free(msg);
	return false;
}

static bool
one_of(const char *const *choices, const char *v)
{
	for (; *choices != NULL; choices++) {
		if (strcmp(*choices, v) == 0)
			return true;
	}
	return false;
}

static bool
bad_choice(const struct cmd_entry *e, const struct cmd_option *o, const char *v, struct error *err)
{
	struct buf b;
	bool r;

	buf_init(&b);
	for (const char *const *c = o->choices; *c != NULL; c++)
		buf_addf(&b, "%s%s", c == o->choices ? "" : ", ", *c);
	if (o->flags & OPT_OR_ALL)
		buf_adds(&b, ", all");
	/* TRANSLATORS: "'waiting' is not a value of --status; use proposed, pending, ..." */
	r = usage_error(e, err, _("'%s' is not a value of --%s; use %s."), v, o->name, b.data);
	buf_finish(&b);
	return r;
}

/* The index of w among words (their "" and "*" are for help only), or -1. */
static int
word_index(const struct cmd_word *words, const char *w)
{
	for (int i = 0; words != NULL && words[i].word != NULL; i++) {
		if (words[i].word[0] != '\0' && strcmp(words[i].word, "*") != 0 && strcmp(words[i].word, w) == 0)
			return i;
	}
	return -1;
}

static bool
bad_word(const struct cmd_entry *e, const struct cmd_word *words, const char *v, struct error *err)
{
	struct buf b;
	bool r;

	buf_init(&b);
	for (int i = 0; words[i].word != NULL; i++) {
		if (words[i].word[0] != '\0' && strcmp(words[i].word, "*") != 0)
			buf_addf(&b, "%s%s", b.len > 0 ? ", " : "", words[i].word);
	}
	/* TRANSLATORS: "'nxt' is not one of the words it takes here; use next, prev, today." */
	r = usage_error(e, err, _("'%s' is not one of the words it takes here; use %s."), v, b.data);
	buf_finish(&b);
	return r;
}

/* What the parser does with the words: the command's, and where they go. */
struct parsing {
	const struct cmd_entry *e;
	struct cmd_args *a;
	struct cmd_globals *g;   /* NULL: ezrizi's own options are refused */
	char **kept;             /* the words that are not ezrizi's own options, or NULL */
	int *kept_opt;           /* ... the option each belongs to (-1: none) */
	int nkept;
};

static void
keep(struct parsing *p, char *w, int opt)
{
	if (p->kept == NULL)
		return;
	p->kept_opt[p->nkept] = opt;
	p->kept[p->nkept++] = w;
}

/* An option of ezrizi itself among the words: *i moves past its value. */
static bool
take_global(struct parsing *p, int k, int argc, char **argv, int *i, struct error *err)
{
	const struct cmd_option *o = &globals[k];
	const char *w = argv[*i], *eq = strchr(w, '=');
	char *slot = (char *)p->g + global_at[k];

	if (!(o->flags & OPT_VALUE)) {
		if (eq != NULL)
			return usage_error(p->e, err, _("The option --%s takes no value."), o->name);
		if (*(bool *)slot)
			return usage_error(p->e, err, _("The option %s is given twice."), w);
		*(bool *)slot = true;
		return true;
	}
	if (*(const char **)slot != NULL)
		return usage_error(p->e, err, _("The option %s is given twice."), w);
	if (eq != NULL)
		*(const char **)slot = eq + 1;
	else if (*i + 1 < argc)
		*(const char **)slot = argv[++*i];
	else
		return usage_error(p->e, err, _("The option --%s needs a value."), o->name);
	return true;
}

/* One option word of the command's, at argv[*i]. */
static bool
take_option(struct parsing *p, int argc, char **argv, int *i, struct error *err)
{
	const struct cmd_entry *e = p->e;
	const char *w = argv[*i], *eq = strchr(w + 2, '=');
	int k = cmd_opt_index(e, w + 2, eq != NULL ? (size_t)(eq - w - 2) : strlen(w + 2)), g;

	if (k < 0 && (g = global_index(w)) >= 0) {
		if (p->g == NULL)
			/* TRANSLATORS: %s is an option of ezrizi itself, e.g. --format. */
			return usage_error(e, err, _("%s is an option of ezrizi itself: give it on ezrizi's command line, as in 'ezrizi --format json batch FILE'."),
					   w);
		return take_global(p, g, argc, argv, i, err);
	}
	if (k < 0)
		return usage_error(e, err, _("Unknown option %s."), w);
	if (p->a->given[k])
		return usage_error(e, err, _("The option %s is given twice."), w);
	p->a->given[k] = true;
	keep(p, argv[*i], k);
	if (!(e->opts[k].flags & OPT_VALUE)) {
		if (eq != NULL)
			return usage_error(e, err, _("The option --%s takes no value."), e->opts[k].name);
		return true;
	}
	if (eq != NULL) {
		p->a->value[k] = eq + 1;
	} else if (*i + 1 < argc) {
		p->a->value[k] = argv[++*i];
		keep(p, argv[*i], k);
	} else {
		return usage_error(e, err, _("The option --%s needs a value."), e->opts[k].name);
	}
	if (e->opts[k].choices != NULL && !(e->opts[k].flags & OPT_HINTS) &&
	    !one_of(e->opts[k].choices, p->a->value[k]) &&
	    !((e->opts[k].flags & OPT_OR_ALL) && strcmp(p->a->value[k], "all") == 0))
		return bad_choice(e, &e->opts[k], p->a->value[k], err);
	return true;
}

/* After the words: what must be there is, and chosen words are known ones. */
static bool
check_args(const struct parsing *p, struct error *err)
{
	const struct cmd_entry *e = p->e;
	const struct cmd_args *a = p->a;

	if (p->g != NULL && p->g->help)
		return true;
	for (int k = 0; e->opts != NULL && e->opts[k].name != NULL; k++) {
		if ((e->opts[k].flags & OPT_REQUIRED) && !a->given[k])
			return usage_error(e, err, _("The option --%s is required."), e->opts[k].name);
	}
	if (a->argc < e->args.min)
		return usage_error(e, err, _("Missing %s."), e->usage != NULL ? _(e->usage) : "");
	if (a->argc > e->args.max)
		return usage_error(e, err, _("Too many arguments, starting at '%s'."), a->argv[e->args.max]);
	for (int i = 0; i < a->argc; i++) {
		const struct cmd_arg *pos = cmd_pos(e, i);

		if (pos->kind == KIND_LINE)
			break;
		if (pos->kind == KIND_CHOICE && word_index(pos->words, a->argv[i]) < 0)
			return bad_word(e, pos->words, a->argv[i], err);
	}
	return true;
}

static bool
parse_words(struct parsing *p, int argc, char **argv, struct error *err)
{
	struct cmd_args *a = p->a;
	bool opts_done = false;

	memset(a, 0, sizeof *a);
	a->argv = xcalloc((size_t)argc + 1, sizeof *a->argv);
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];

		/* From a line on (confirm checkin %a --any-day), the words are its. */
		if (cmd_pos(p->e, a->argc)->kind == KIND_LINE && a->argc < p->e->args.max)
			opts_done = true;
		if (!opts_done && strcmp(w, "--") == 0) {
			opts_done = true;
			keep(p, argv[i], -1);
			continue;
		}
		if (!opts_done && p->g != NULL && w[0] == '-' && w[1] != '-' && global_index(w) >= 0) {
			if (!take_global(p, global_index(w), argc, argv, &i, err))
				return false;
			continue;
		}
		if (opts_done || strncmp(w, "--", 2) != 0 || w[2] == '\0') {
			a->argv[a->argc++] = argv[i];
			keep(p, argv[i], -1);
			continue;
		}
		if (!take_option(p, argc, argv, &i, err))
			return false;
	}
	if (!check_args(p, err))
		return false;
	for (int i = 0; i < a->argc && i < CMD_MAX_POS; i++)
		a->choice[i] = cmd_pos(p->e, i)->kind == KIND_CHOICE ? word_index(cmd_pos(p->e, i)->words, a->argv[i]) : -1;
	return true;
}

bool
cmd_parse(const struct cmd_entry *e, int argc, char **argv, struct cmd_args *a,
	  struct cmd_globals *g, struct error *err)
{
	struct parsing p = { .e = e, .a = a, .g = g };

	return parse_words(&p, argc, argv, err);
}

void
cmd_args_finish(struct cmd_args *a)
{
	free(a->argv);
	a->argv = NULL;
	a->argc = 0;
}

/* ezrizi's own options before the command: *i moves to the command. */
static bool
leading_globals(struct parsing *p, int argc, char **argv, int *i, struct error *err)
{
	for (; *i < argc && argv[*i][0] == '-' && argv[*i][1] != '\0'; (*i)++) {
		int k = global_index(argv[*i]);

		if (k < 0)
			return usage_error(NULL, err, _("Unknown option %s."), argv[*i]);
		if (!take_global(p, k, argc, argv, i, err))
			return false;
	}
	return true;
}

bool
cmd_prepare(struct cmd_call *c, int argc, char **argv, struct cmd_globals *g, struct error *err)
{
	struct parsing p = { .a = &c->a, .g = g };
	int i = 0, used;

	memset(c, 0, sizeof *c);
	c->argv = xcalloc((size_t)argc + 1, sizeof *c->argv);
	c->opt = xcalloc((size_t)argc + 1, sizeof *c->opt);
	if (g != NULL && !leading_globals(&p, argc, argv, &i, err))
		return false;
	if (g != NULL && i == argc)
		return true;   /* no command: the screen */
	if ((c->e = cmd_resolve(argc - i, argv + i, &used, err)) == NULL)
		return false;
	if (g == NULL && (c->e->flags & CMD_SHELL))
		/* TRANSLATORS: "'batch' runs only from a shell, as 'ezrizi batch'." */
		return error_set(err, ERR_USAGE, _("'%s' runs only from a shell, as 'ezrizi %s'."), c->e->name,
				 c->e->name);
	for (int k = 0; k < used; k++) {
		c->opt[c->argc] = -1;
		c->argv[c->argc++] = argv[i + k];
	}
	p.e = c->e;
	p.kept = c->argv + c->argc;
	p.kept_opt = c->opt + c->argc;
	if (!parse_words(&p, argc - i - used, argv + i + used, err))
		return false;
	c->argc += p.nkept;
	return true;
}

void
cmd_call_finish(struct cmd_call *c)
{
	cmd_args_finish(&c->a);
	free(c->argv);
	free(c->opt);
	c->argv = NULL;
	c->opt = NULL;
	c->argc = 0;
}

/* The text after the positionals (send ID TEXT) is the command's input. */
static bool
text_in_args(const struct cmd_call *c)
{
	return (c->e->flags & CMD_REST) && c->a.argc > c->e->args.min;
}

const char *
cmd_needs_terminal(const struct cmd_call *c, bool store_open)
{
	const struct cmd_entry *e = c->e;
	const char *file = (e->flags & CMD_INPUT) ? cmd_opt(e, &c->a, "file") : NULL;

	if ((e->flags & CMD_TERMINAL) || ((e->flags & CMD_PASSPHRASE) && !store_open) ||
	    ((e->flags & CMD_INPUT) && !text_in_args(c) && (file == NULL || strcmp(file, "-") == 0)))
		return e->instead != NULL ? _(e->instead) : _("Do that in a shell: it needs the terminal.");
	return NULL;
}

/* ---- running ---- */

struct session *
cmd_session(struct cmd_ctx *ctx, struct error *err)
{
	if (!ctx->have_session) {
		if (!session_init(&ctx->session, ctx->cfg, ctx->front_ops, err)) {
			session_finish(&ctx->session);
			return NULL;
		}
		ctx->have_session = true;
		ctx->session.offline = ctx->offline;
		if (ctx->notice != NULL) {
			http_set_notice(ctx->session.http, ctx->notice, ctx->notice_arg);
			if (ctx->session.warning != NULL)
				ctx->notice(ctx->session.warning, ctx->notice_arg);
		}
	}
	return &ctx->session;
}

void
cmd_set_front(struct cmd_ctx *ctx, const struct front_ops *f)
{
	ctx->front_ops = f;
	if (ctx->have_session)
		ctx->session.front = f;
}

void
cmd_ctx_finish(struct cmd_ctx *ctx)
{
	if (ctx->have_session)
		session_finish(&ctx->session);
	ctx->have_session = false;
}

void
cmd_forget_input(struct cmd_ctx *ctx)
{
	if (ctx->input != NULL)
		sodium_memzero(ctx->input, ctx->input_len);
	free(ctx->input);
	ctx->input = NULL;
	ctx->input_len = 0;
	ctx->input_given = false;
}

const char *
cmd_read_input(struct cmd_ctx *ctx, const char *file, size_t max, size_t *len, struct error *err)
{
	if (!ctx->input_given) {
		char *text = fs_read_all(file != NULL ? file : "-", max, len, err);

		if (text == NULL)
			return NULL;
		if (memchr(text, '\0', *len) != NULL) {
			free(text);
			error_set(err, ERR_USAGE, _("The text holds a NUL byte; it is not text. Nothing was done."));
			return NULL;
		}
		cmd_forget_input(ctx);
		ctx->input = text;
		ctx->input_len = *len;
		ctx->input_given = true;
	}
	*len = ctx->input_len;
	return ctx->input;
}

/* The server could not be reached at all (no answer, or 5xx after retries). */
static bool
unreachable(const struct cmd_ctx *ctx, const struct error *err)
{
	return err->kind == ERR_NETWORK && ctx->have_session && ctx->session.store != NULL;
}

/* For a program: {"queued":"N"} (JSON), "queued\nN\n" (TSV). */
static void
say_queued(struct cmd_ctx *ctx, size_t n)
{
	static const struct out_col cols[] = { { "queued", N_("Queued"), false } };
	char num[24];
	const char *v[1] = { num };

	snprintf(num, sizeof num, "%zu", n);
	result_record(ctx->result, cols, 1, v, NULL);
}

/* Puts the command in the outbox, its text read now: it is sent later by
 * itself, under the same write id. */
static bool
queue(struct cmd_ctx *ctx, const struct cmd_call *c, struct error *err)
{
	struct session *s = &ctx->session;
	const struct cmd_entry *e = c->e;
	int file = (e->flags & CMD_INPUT) ? cmd_opt_index(e, "file", 4) : -1;
	char **words = xcalloc((size_t)c->argc + 1, sizeof *words);
	int n = 0;
	size_t len = 0;
	struct outbox_list l;
	bool ok;

	if ((e->flags & CMD_INPUT) && !text_in_args(c) &&
	    cmd_read_input(ctx, file >= 0 ? c->a.value[file] : NULL, 1024 * 1024 + 1, &len, err) == NULL) {
		free(words);
		return false;
	}
	/* The text goes with the item: a --file may be gone when it is sent. */
	for (int i = 0; i < c->argc; i++) {
		if (file < 0 || c->opt[i] != file)
			words[n++] = c->argv[i];
	}
	if (s->request_id[0] == '\0')
		fhir_uuid(s->request_id);
	error_clear(err);
	if (s->store == NULL && s->store_err.kind != ERR_NONE && s->store_err.kind != ERR_NOT_FOUND) {
		/* Why the write cannot wait: a locked or damaged store says so. */
		*err = s->store_err;
		free(words);
		return false;
	}
	ok = outbox_add(s->store, e->name, n, words, ctx->input_given ? ctx->input : NULL, ctx->input_len,
			s->request_id, err);
	free(words);
	if (ok && outbox_list(s->store, &l, err)) {
		if (ctx->fmt == FMT_TABLE)
			result_say(ctx->result, ngettext("Queued: it goes to the server by itself when it can be reached (%zu waiting; see 'ezrizi outbox').\n",
						   "Queued: it goes to the server by itself when it can be reached (%zu waiting; see 'ezrizi outbox').\n",
						   l.n), l.n);
		else
			say_queued(ctx, l.n);
		outbox_list_finish(&l);
	}
	return ok;
}

/* The command itself, in a task. */
static bool
call_exec(struct cmd_ctx *ctx, struct cmd_call *c, struct cmd_result *res, struct error *err)
{
	const struct cmd_entry *e = c->e;
	struct cmd_result *outer = ctx->result;
	bool ok = true;

	/* Each command has the whole max_wait; a replay is part of 'sync'. */
	if (ctx->have_session && !ctx->replaying)
		http_wait_reset(ctx->session.http);
	ctx->result = res;
	if ((e->flags & CMD_SESSION) && cmd_session(ctx, err) == NULL)
		ok = false;
	if (ok && e->check != NULL && !e->check(ctx, e, &c->a, err))
		ok = false;
	if (ok && (e->flags & CMD_QUEUES) && !ctx->replaying) {
		ctx->session.request_id[0] = '\0';
		if (ctx->offline)
			ok = queue(ctx, c, err);
		else if (!(ok = e->exec(ctx, e, &c->a, err)) && unreachable(ctx, err))
			ok = queue(ctx, c, err);
	} else if (ok) {
		ok = e->exec(ctx, e, &c->a, err);
	}
	if (!ctx->replaying)
		cmd_forget_input(ctx);
	ctx->result = outer;
	return ok;
}

struct call_task {
	struct cmd_ctx *ctx;
	struct cmd_call *c;
	struct cmd_result *res;
	struct error *err;
	bool ok;
};

static void
call_task(void *arg)
{
	struct call_task *ct = arg;

	ct->ok = call_exec(ct->ctx, ct->c, ct->res, ct->err);
}

bool
cmd_call_run(struct cmd_ctx *ctx, struct cmd_call *c, struct cmd_result *res, struct error *err)
{
	struct call_task ct = { .ctx = ctx, .c = c, .res = res, .err = err };
	struct task *k;

	if (task_current() != NULL)
		return call_exec(ctx, c, res, err);  /* a front end's task, or a batch file's line */
	/* Started, then waited for: the wait runs here, outside the command. */
	k = task_start(call_task, &ct);
	while (!task_done(k)) {
		if (!ctx->have_session)
			abort();  /* only the session's network is waited for */
		http_wait(ctx->session.http, task_waiting_on(k));
		task_resume(k);
	}
	task_destroy(k);
	return ct.ok;
}

bool
cmd_run_argv(struct cmd_ctx *ctx, int argc, char **argv, struct cmd_result *res, struct error *err)
{
	struct cmd_call c;
	bool ok;

	ok = cmd_prepare(&c, argc, argv, NULL, err) && cmd_call_run(ctx, &c, res, err);
	cmd_call_finish(&c);
	return ok;
}

/* ---- shared option helpers ---- */

bool
cmd_date_opt(const struct cmd_entry *e, const struct cmd_args *a, const char *name,
	     struct civil_date *out, bool *given, struct error *err)
{
	const char *v = cmd_opt(e, a, name);

	*given = v != NULL;
	if (v == NULL)
		return true;
	return date_parse(v, date_today(), out, err);
}

bool
cmd_date_range(const struct cmd_entry *e, const struct cmd_args *a, int days,
	       struct civil_date *from, struct civil_date *to, struct error *err)
{
	struct civil_date d;
	bool has_date, has_from, has_to;

	if (!cmd_date_opt(e, a, "date", &d, &has_date, err) ||
	    !cmd_date_opt(e, a, "from", from, &has_from, err) ||
	    !cmd_date_opt(e, a, "to", to, &has_to, err))
		return false;
	if (has_date && (has_from || has_to))
		return usage_error(e, err, "%s", _("Use either --date or --from and --to, not both."));
	if (has_date) {
		*from = *to = d;
		return true;
	}
	if (!has_from)
		*from = date_today();
	if (!has_to)
		*to = date_add_days(*from, days - 1);
	if (date_cmp(*from, *to) > 0)
		return usage_error(e, err, "%s", _("The range given by --from and --to ends before it starts."));
	if (date_cmp(date_add_days(*from, 366), *to) < 0)
		return usage_error(e, err, "%s", _("The range given by --from and --to is longer than a year."));
	return true;
}

bool
cmd_limit(const struct cmd_entry *e, const struct cmd_args *a, size_t def, size_t max,
	  size_t *out, struct error *err)
{
	const char *v = cmd_opt(e, a, "limit");
	char *end;
	unsigned long n;

	*out = def;
	if (v == NULL)
		return true;
	n = strtoul(v, &end, 10);
	if (end == v || *end != '\0' || n == 0 || n > max || v[0] == '-')
		return usage_error(e, err, _("--limit takes a whole number from 1 to %zu."), max);
	*out = n;
	return true;
}

char *
cmd_rest_text(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a,
	      size_t max, const char *both, struct error *err)
{
	const char *file = cmd_opt(e, a, "file"), *in;
	struct buf b;
	size_t len;

	if (a->argc >= 2 && file != NULL) {
		error_set(err, ERR_USAGE, "%s", both);
		return NULL;
	}
	if (a->argc < 2) {
		if ((in = cmd_read_input(ctx, file, max, &len, err)) == NULL)
			return NULL;
		/* A trailing newline from a file or a pipe is not part of the text. */
		while (len > 0 && (in[len - 1] == '\n' || in[len - 1] == '\r'))
			len--;
		return xstrndup(in, len);
	}
	/* The words after the id, as typed: "send pat-1 See you on Thursday". */
	buf_init(&b);
	for (int i = 1; i < a->argc; i++) {
		if (i > 1)
			buf_addc(&b, ' ');
		buf_adds(&b, a->argv[i]);
	}
	return buf_steal(&b);
}

const char *
cmd_time(const struct cmd_ctx *ctx, time_t t, char out[static 26])
{
	out[0] = '\0';
	if (t == 0)
		return out;
	if (ctx->fmt == FMT_TABLE)
		instant_format_local(t, out);
	else
		instant_format_local_iso(t, out);
	return out;
}
