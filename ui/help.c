/* help.c - see ui/help.h. */
#include <stdlib.h>
#include <string.h>

#include "core/appt.h"
#include "core/cmd.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/help.h"
#include "ui/status.h"

/* What the help says of a value: the words' help for it (NULL: the command
 * alone, ""), "*" for any other, or NULL. */
static const char *
word_help(const struct cmd_word *words, const char *arg)
{
	const char *any = NULL;

	for (const struct cmd_word *w = words; w != NULL && w->word != NULL; w++) {
		if (strcmp(w->word, arg != NULL ? arg : "") == 0)
			return w->help;
		if (strcmp(w->word, "*") == 0 && arg != NULL)
			any = w->help;
	}
	return any;
}

/* The first positional of e that is a line of the command language, or -1. */
static int
line_at(const struct cmd_entry *e)
{
	for (int i = 0; i < CMD_MAX_POS; i++) {
		if (e->args.pos[i].kind == KIND_LINE)
			return i;
	}
	return -1;
}

static char *
describe_words(int argc, char **argv)
{
	const struct cmd_entry *e;
	const char *own;
	char *inner, *both;
	int used, runs;

	if (argc == 0 || (e = cmd_resolve(argc, argv, &used, NULL)) == NULL)
		return NULL;
	own = word_help(cmd_pos(e, 0)->words, argc > used ? argv[used] : NULL);
	runs = line_at(e);
	if (runs >= 0 && argc - used > runs) {
		/* "Cancel an appointment and free its slot. Asks for the reason, ..." */
		inner = describe_words(argc - used - runs, argv + used + runs);
		if (inner != NULL && own != NULL) {
			both = xasprintf("%s %s", inner, _(own));
			free(inner);
			return both;
		}
		if (inner != NULL)
			return inner;
	}
	return xstrdup(_(own != NULL ? own : e->summary));
}

char *
help_describe(const char *line)
{
	struct error err;
	char **argv, *out;
	int argc;

	error_clear(&err);
	if ((argv = cmd_split(line, &argc, &err)) == NULL)
		return NULL;
	out = describe_words(argc, argv);
	cmd_words_free(argv);
	return out;
}

/* ---- the keys ---- */

const char *
help_key_label(const char *name)
{
	static const char *const labels[][2] = {
		{ "Up", "↑" }, { "Down", "↓" }, { "Left", "←" }, { "Right", "→" },
		{ "BTab", "S-Tab" }, { "PageUp", "PgUp" }, { "PageDown", "PgDn" },
	};

	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
		if (strcmp(name, labels[i][0]) == 0)
			return labels[i][1];
	}
	return name;
}

/* A key typed as one character (j, ?, ]) rather than a named one. */
static bool
typed(const struct binding *b)
{
	return !b->key.fn && b->key.code > ' ' && b->key.code != 0x7f;
}

/* keys->v[i] is in the table of keys->v[first] and runs its line. */
static bool
same_group(const struct keymap *keys, size_t first, size_t i)
{
	return keys->v[i].table == keys->v[first].table &&
	       strcmp(keys->v[i].command, keys->v[first].command) == 0;
}

/* The keys bound to the same line as keys->v[first] in its table, characters
 * first, each an isolate: "j ↓". */
static char *
key_group(const struct keymap *keys, size_t first)
{
	struct buf b;

	buf_init(&b);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = first; i < keys->n; i++) {
			char *iso;

			if (!same_group(keys, first, i) || typed(&keys->v[i]) != (pass == 0))
				continue;
			/* "Any" is the config's name for a table's other keys: said in
			 * words here (the man page and the README keep the name). */
			iso = bidi_isolate(strcmp(keys->v[i].name, "Any") == 0 ? _("any other key")
									  : help_key_label(keys->v[i].name));
			if (b.len > 0)
				buf_addc(&b, ' ');
			buf_adds(&b, iso);
			free(iso);
		}
	}
	return buf_steal(&b);
}

/* True when an earlier binding of its table runs the same line (its group is
 * listed). */
static bool
listed(const struct keymap *keys, size_t i)
{
	for (size_t k = 0; k < i; k++) {
		if (same_group(keys, i, k))
			return true;
	}
	return false;
}

/* The headings of the tables, in the order of keymap_tables. */
static const char *const table_titles[] = {
	N_("Keys"),
	/* TRANSLATORS: headings in the help: the keys of a mode's key table. */
	N_("Keys in the help and the output (bind -T overlay)"),
	N_("Keys in the list of free slots (bind -T picker)"),
	N_("Keys in a form being given (bind -T form)"),
	N_("Keys at a question (bind -T confirm)"),
	N_("Keys while the terminal is too small (bind -T small)"),
};

/* text as a paragraph in a line of ours: an isolate in its own direction, so
 * the line reads from where the UI's language starts even while a new text
 * waits for its translation. New string. */
static char *
inset(const char *text)
{
	return bidi_isolate_text(text, (enum bidi_dir)ui_direction());
}

static void
heading(struct tlines *l, int width, const char *title)
{
	char *in = inset(title);

	if (l->n > 0)
		tlines_add(l, "", A_NORMAL);
	tlines_wrap(l, in, width, 0, A_NORMAL, strlen(in));
	tlines_add(l, "", A_NORMAL);
	free(in);
}

/* "  KEYS    text", the text wrapped under itself; keys padded to kw columns. */
static void
two_columns(struct tlines *l, int width, const char *keys, int kw, const char *text)
{
	struct buf b;
	char *in = inset(text);

	buf_init(&b);
	buf_adds(&b, "  ");
	buf_adds(&b, keys);
	for (int pad = kw - bidi_width(keys); pad > 0; pad--)
		buf_addc(&b, ' ');
	buf_adds(&b, "  ");
	buf_adds(&b, in);
	tlines_wrap(l, b.data, width, kw + 4 < width / 2 ? kw + 4 : 2, A_NORMAL, 0);
	buf_finish(&b);
	free(in);
}

static void
build_keys(struct tlines *l, int width, const struct keymap *keys, const char *table, const char *title)
{
	char **groups = xcalloc(keys->n + 1, sizeof *groups);
	int kw = 0, most = width / 3;

	for (size_t i = 0; i < keys->n; i++) {
		int w;

		if (strcmp(keys->v[i].table, table) != 0 || listed(keys, i))
			continue;
		groups[i] = key_group(keys, i);
		if ((w = bidi_width(groups[i])) > kw)
			kw = w < most ? w : most;
	}
	heading(l, width, _(title));
	for (size_t i = 0; i < keys->n; i++) {
		char *what, *clean;

		if (groups[i] == NULL)
			continue;
		what = help_describe(keys->v[i].command);
		/* A line no table knows (it cannot be bound): shown as it is. */
		clean = sanitize_display(what != NULL ? what : keys->v[i].command, (size_t)-1, 0);
		two_columns(l, width, groups[i], kw, clean);
		free(clean);
		free(what);
		free(groups[i]);
	}
	free(groups);
}

static void
roff_escape(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '-' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
}

/* The table's keys, in roff. */
static void
table_roff(FILE *fp, const struct keymap *keys, const char *table)
{
	for (size_t i = 0; i < keys->n; i++) {
		char *what;

		if (strcmp(keys->v[i].table, table) != 0 || listed(keys, i))
			continue;
		/* The keys as bind names them: "j, Down". */
		fputs(".TP\n.B ", fp);
		for (int pass = 0, first = 1; pass < 2; pass++) {
			for (size_t k = i; k < keys->n; k++) {
				if (!same_group(keys, i, k) || typed(&keys->v[k]) != (pass == 0))
					continue;
				fputs(first ? "" : "\\fR, \\fB", fp);
				roff_escape(fp, keys->v[k].name);
				first = 0;
			}
		}
		what = help_describe(keys->v[i].command);
		fputc('\n', fp);
		roff_escape(fp, what != NULL ? what : keys->v[i].command);
		fputc('\n', fp);
		free(what);
	}
}

void
help_keys_roff(FILE *fp, const struct keymap *keys)
{
	size_t n;
	const char *const *tables = keymap_tables(&n);

	table_roff(fp, keys, tables[0]);
	for (size_t i = 1; i < n; i++) {
		/* Each mode's table under its heading, in English: the man page's. */
		fputs(".PP\n", fp);
		roff_escape(fp, table_titles[i]);
		fputs(":\n", fp);
		table_roff(fp, keys, tables[i]);
	}
}

/* ---- the status letters ---- */

static void
build_letters(struct tlines *l, int width)
{
	size_t n;
	const struct status_look *v = status_looks(&n);

	/* TRANSLATORS: a heading in the help: the letters of the list's status column. */
	heading(l, width, _("Status letters"));
	for (size_t i = 0; i < n; i++) {
		char *names = NULL, *both;
		const char *p = v[i].codes;

		while (*p != '\0') {
			size_t len = strcspn(p, " ");
			char *code = xstrndup(p, len);
			const char *label = appt_status_label(code);

			if (names == NULL) {
				names = xstrdup(label);
			} else if (strstr(names, label) == NULL) {  /* arrived and checked-in: once */
				/* TRANSLATORS: two statuses with one letter in the help: "pending, proposed". */
				both = xasprintf(_("%s, %s"), names, label);
				free(names);
				names = both;
			}
			free(code);
			p += len + strspn(p + len, " ");
		}
		two_columns(l, width, v[i].letter, 1, names != NULL ? names : "");
		free(names);
	}
}

/* ---- the commands ---- */

/* "  synopsis" (one isolate: the command language reads left to right),
 * then its summary under it. */
static void
command_entry(struct tlines *l, int width, const char *synopsis, const char *summary)
{
	char *iso = bidi_isolate(synopsis), *line = xasprintf("  %s", iso), *in = inset(_(summary));
	char *text = xasprintf("      %s", in);

	tlines_add(l, line, A_NORMAL);
	tlines_wrap(l, text, width, 6, A_NORMAL, 0);
	free(text);
	free(in);
	free(line);
	free(iso);
}

/* The screen's commands with their options (the screen's words for them);
 * the others as batch mode has them, name and arguments. */
static void
build_commands(struct tlines *l, int width, bool screen)
{
	size_t n;
	const struct cmd_entry *const *tab = cmd_table(&n);

	for (size_t i = 0; i < n; i++) {
		const struct cmd_entry *e = tab[i];
		bool mine = (e->flags & (CMD_SCREEN | CMD_SCREEN_WAY)) != 0;
		char *synopsis;

		if (mine != screen)
			continue;
		synopsis = mine ? cmd_synopsis(e)
				: xasprintf("%s%s%s", e->name, e->usage != NULL ? " " : "", e->usage != NULL ? _(e->usage) : "");
		command_entry(l, width, synopsis, e->summary);
		free(synopsis);
	}
}

void
help_build(struct tlines *l, int width, const struct keymap *keys)
{
	size_t n;
	const char *const *tables = keymap_tables(&n);

	for (size_t i = 0; i < n; i++)
		build_keys(l, width, keys, tables[i], table_titles[i]);
	build_letters(l, width);
	heading(l, width, _("Commands of the screen"));
	build_commands(l, width, true);
	heading(l, width, _("Commands (as in batch mode)"));
	build_commands(l, width, false);
	tlines_add(l, "", A_NORMAL);
	tlines_wrap(l, _("Bind other keys in the config: bind KEY COMMAND, or in a mode's table: bind -T TABLE KEY COMMAND."),
		    width, 0, A_NORMAL, 0);
	tlines_wrap(l, _("%a is the selected appointment's id, %p its client's."), width, 0, A_NORMAL, 0);
}
