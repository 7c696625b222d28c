/* cmd_words.c - the words of a line of the command language: split as a
 * shell does, quoted back, and the rest of the line kept as typed for a
 * command marked CMD_REST; see include/core/cmd.h. */
#include <stdlib.h>
#include <string.h>

#include "core/cmd.h"
#include "core/i18n.h"
#include "core/xmalloc.h"

void
cmd_words_free(char **words)
{
	if (words == NULL)
		return;
	for (char **w = words; *w != NULL; w++)
		free(*w);
	free(words);
}

/* Reads the next word of the command language at *pp into a new string and
 * moves *pp past it; NULL at the end of the line or at a comment, and NULL
 * with *failed set (and err) when a quote is not closed. */
static char *
next_word(const char **pp, bool *failed, struct error *err)
{
	const char *p = *pp;
	struct buf w;
	char quote = 0;

	*failed = false;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	*pp = p;
	if (*p == '\0' || *p == '#')
		return NULL;
	buf_init(&w);
	while (*p != '\0' && (quote != 0 || (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n'))) {
		if (quote == 0 && (*p == '\'' || *p == '"')) {
			quote = *p++;
		} else if (quote != 0 && *p == quote) {
			quote = 0;
			p++;
		} else if (*p == '\\' && quote != '\'' && p[1] != '\0') {
			buf_addc(&w, p[1]);
			p += 2;
		} else {
			buf_addc(&w, *p++);
		}
	}
	if (quote != 0) {
		buf_finish(&w);
		*failed = true;
		error_set(err, ERR_USAGE, _("A quote is not closed."));
		return NULL;
	}
	*pp = p;
	return buf_steal(&w);
}

/* Splits at most max words (max < 0: all); *rest (may be NULL) gets where
 * the words stopped. */
static char **
split_words(const char *line, int max, int *argc, const char **rest, struct error *err)
{
	char **words = xcalloc(1, sizeof *words);
	const char *p = line;
	int n = 0;
	bool failed;
	char *w;

	while ((max < 0 || n < max) && (w = next_word(&p, &failed, err)) != NULL) {
		words = xreallocarray(words, (size_t)n + 2, sizeof *words);
		words[n++] = w;
		words[n] = NULL;
	}
	if (max < 0 || n < max) {
		if (failed) {
			cmd_words_free(words);
			return NULL;
		}
	}
	*argc = n;
	if (rest != NULL)
		*rest = p;
	return words;
}

char **
cmd_split(const char *line, int *argc, struct error *err)
{
	return split_words(line, -1, argc, NULL, err);
}

char *
cmd_quote(const char *s)
{
	struct buf b;

	/* 'single quotes' keep everything as it is but a quote, which closes
	 * them: ' becomes '\'' (close, an escaped quote, open again). */
	buf_init(&b);
	buf_addc(&b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			buf_adds(&b, "'\\''");
		else
			buf_addc(&b, *s);
	}
	buf_addc(&b, '\'');
	return buf_steal(&b);
}

/* For a command whose text is the rest of the line (CMD_REST): its name, its
 * positionals and then the rest exactly as typed, as one word. NULL when the
 * line is not so (then it is split as any other). */
static char **
split_rest(const char *line, int *argc, struct error *err)
{
	const struct cmd_entry *e;
	const char *rest;
	char **head;
	int n, fixed;

	if ((head = split_words(line, 2, &n, NULL, err)) == NULL)
		return NULL;
	e = cmd_resolve(n, head, &fixed, err);
	cmd_words_free(head);
	if (e == NULL || !(e->flags & CMD_REST))
		return NULL;
	fixed += e->args.min;
	if ((head = split_words(line, fixed, &n, &rest, err)) == NULL)
		return NULL;
	/* Options go before the text; with one among the words, or none typed
	 * after them, the line is split as usual. */
	for (int i = 1; i < n; i++) {
		if (strncmp(head[i], "--", 2) == 0)
			n = -1;
	}
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (n != fixed || *rest == '\0' || strncmp(rest, "--", 2) == 0) {
		cmd_words_free(head);
		return NULL;
	}
	head = xreallocarray(head, (size_t)n + 2, sizeof *head);
	head[n] = NULL;
	if (*rest == '\'' || *rest == '"') {
		/* One quoted word ('as cmd_quote makes it'): its words, unquoted. */
		struct error qerr;
		const char *after;
		int k;
		char **q;

		error_clear(&qerr);
		q = split_words(rest, 1, &k, &after, &qerr);
		if (q != NULL && k == 1 && after[strspn(after, " \t\r\n")] == '\0') {
			head[n] = q[0];
			q[0] = NULL;
		}
		cmd_words_free(q);
	}
	/* Otherwise the text as typed, but the line's end. */
	if (head[n] == NULL)
		head[n] = xstrndup(rest, strcspn(rest, "\r\n"));
	head[n + 1] = NULL;
	*argc = n + 1;
	return head;
}

char **
cmd_split_command(const char *line, int *argc, struct error *err)
{
	struct error serr;
	char **words;

	error_clear(&serr);
	words = split_rest(line, argc, &serr);
	return words != NULL ? words : cmd_split(line, argc, err);
}

bool
cmd_run_line(struct cmd_ctx *ctx, const char *line, struct cmd_result *res, struct error *err)
{
	int argc;
	char **words = cmd_split_command(line, &argc, err);
	bool ok;

	if (words == NULL)
		return false;
	ok = argc == 0 || cmd_run_argv(ctx, argc, words, res, err);
	cmd_words_free(words);
	return ok;
}
