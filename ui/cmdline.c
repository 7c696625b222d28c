/* cmdline.c - the ':' command line: GNU readline in callback mode, drawn by us.
 *
 * How readline is kept away from the terminal:
 * - input: cmdline_key() turns a key into bytes, queues them and calls
 *   rl_callback_read_char() until they are used; rl_getc_function reads the
 *   queue and rl_input_available_hook answers from it (readline uses it to
 *   tell a lone Esc from an arrow key's sequence in vi mode);
 * - output: rl_outstream is a FILE that discards everything, the redisplay
 *   function draws nothing (cmdline_draw paints rl_line_buffer), the terminal
 *   prep functions do nothing, the bell is off, and stderr (where readline
 *   reports ~/.inputrc errors and rings the bell) points at /dev/null while
 *   readline runs;
 * - no tgetent (readline skips it when the redisplay function is custom), no
 *   signal handlers, no LINES/COLUMNS in the environment.
 * Readline's state is global, hence the single instance `the`. */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "core/cmd.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/cmdline.h"
#include "ui/draw.h"

#define HISTORY_MAX 500
#define QUEUE_MAX 16

enum { K_CTRL_C = 3, K_CTRL_G = 7, K_CTRL_H = 8, K_ESC = 27, K_DEL = 127 };
enum { RL_VI_MODE = 0, RL_EMACS_MODE = 1 };  /* rl_editing_mode */

struct cmdline {
	WINDOW *win;
	bool active;
	bool finished;        /* the line handler ran */
	bool discard;         /* cancelling: the line handler drops the line */
	enum cmdline_result outcome;
	char *line;           /* the accepted line, until cmdline_key hands it over */

	unsigned char q[QUEUE_MAX];  /* the bytes of the key being fed */
	size_t qlen, qpos;
	int last_byte;

	char *hint;           /* completion candidates, space separated, or NULL */
	int hscroll;          /* the first visible column of the line */
	int cur_y, cur_x;     /* the cursor on the screen after the last draw */
	int null_fd;          /* /dev/null, for stderr while readline runs */

	cmdline_values_fn values;
	void *values_arg;

	/* Free text (a message, a reason): its own prompt, no history, no
	 * completion, drawn in the text's own direction. */
	bool text;
	char *prompt;         /* NULL: ":" */
};

static struct cmdline *the;

/* ---- readline's I/O ---- */

static ssize_t
sink_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	(void)buf;
	return (ssize_t)size;
}

/* Kept for the life of the process: readline keeps its own copy of
 * rl_outstream, which must stay valid after cmdline_destroy. */
static FILE *
sink(void)
{
	static FILE *fp;

	if (fp == NULL) {
		cookie_io_functions_t io = { .write = sink_write };

		fp = fopencookie(NULL, "w", io);
		if (fp == NULL)
			abort();
	}
	return fp;
}

static int
rl_getc_queue(FILE *fp)
{
	(void)fp;
	/* Readline reads only what the key queued: it asks again only after the
	 * availability hook said yes. Should anything ask past the end anyway,
	 * Ctrl-G (abort) is harmless where EOF would accept the line. */
	if (the == NULL || the->qpos >= the->qlen)
		return K_CTRL_G;
	the->last_byte = the->q[the->qpos++];
	return the->last_byte;
}

/* More bytes of the same key follow an Esc (an arrow key's sequence). Said
 * only after an Esc, so readline does not batch typeahead across keys. */
static int
rl_input_queued(void)
{
	return the != NULL && the->last_byte == K_ESC && the->qpos < the->qlen;
}

static void
rl_redisplay_nothing(void)
{
	/* cmdline_draw paints from rl_line_buffer and rl_point. */
}

static void
rl_prep_nothing(int meta)
{
	(void)meta;
}

static void
rl_deprep_nothing(void)
{
}

/* stderr to /dev/null while readline runs; returns the saved descriptor. */
static int
quiet_begin(const struct cmdline *c)
{
	int saved;

	if (c->null_fd < 0)
		return -1;
	fflush(stderr);
	saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (saved < 0)
		return -1;
	if (dup2(c->null_fd, STDERR_FILENO) < 0) {
		close(saved);
		return -1;
	}
	return saved;
}

static void
quiet_end(int saved)
{
	if (saved < 0)
		return;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

static void
on_line(char *line)
{
	struct cmdline *c = the;

	rl_callback_handler_remove();
	c->finished = true;
	if (c->discard || line == NULL) {
		free(line);
		c->outcome = CMDLINE_CANCEL;
		return;
	}
	free(c->line);
	c->line = line;
	c->outcome = CMDLINE_DONE;
}

static void
feed(struct cmdline *c, const char *bytes, size_t n)
{
	int saved;

	if (n > sizeof c->q)
		n = sizeof c->q;
	memcpy(c->q, bytes, n);
	c->qlen = n;
	c->qpos = 0;
	saved = quiet_begin(c);
	while (c->qpos < c->qlen && !c->finished)
		rl_callback_read_char();
	quiet_end(saved);
	c->qlen = c->qpos = 0;
	c->last_byte = 0;
}

/* Ends the line without a result, through accept-line so that readline
 * restores history lines edited on the way and frees its undo list. */
static void
finish_silently(struct cmdline *c)
{
	c->discard = true;
	rl_callback_sigcleanup();  /* leave a search, a prefix, a vi motion */
	feed(c, "\r", 1);
	if (!c->finished) {
		/* \r is bound to something else in ~/.inputrc. */
		rl_free_undo_list();
		rl_callback_handler_remove();
	}
	c->discard = false;
	c->finished = false;
	c->active = false;
}

/* ---- completion ---- */

struct cands {
	char **v;
	size_t n, cap;
};

static void
cands_add(struct cands *cs, char *s)  /* takes s */
{
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 16;
		cs->v = xreallocarray(cs->v, cs->cap, sizeof *cs->v);
	}
	cs->v[cs->n++] = s;
}

static void
cands_free(struct cands *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		free(cs->v[i]);
	free(cs->v);
	memset(cs, 0, sizeof *cs);
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The words of the text before the one being completed, split like the
 * command language does (spaces, quotes, backslash). *open says the last word
 * runs up to the end (no space after it): it is part of the word completed. */
static char **
split_words(const char *s, size_t *n, bool *open)
{
	char **v = NULL;
	size_t cap = 0;
	struct buf w;

	*n = 0;
	*open = false;
	buf_init(&w);
	while (*s != '\0') {
		char quote = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		buf_reset(&w);
		while (*s != '\0' && (quote || (*s != ' ' && *s != '\t'))) {
			if (quote && *s == quote)
				quote = 0;
			else if (!quote && (*s == '\'' || *s == '"'))
				quote = *s;
			else if (*s == '\\' && s[1] != '\0' && quote != '\'')
				buf_addc(&w, *++s);
			else
				buf_addc(&w, *s);
			s++;
		}
		if (*n + 1 >= cap) {
			cap = cap ? cap * 2 : 8;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[(*n)++] = xstrdup(w.data ? w.data : "");
		*open = *s == '\0';
	}
	buf_finish(&w);
	if (v != NULL)
		v[*n] = NULL;
	return v;
}

static void
words_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Adds the first words of the commands (first NULL) or the second words of
 * those whose first word is `first`, that start with text. The commands that
 * run only from a shell are left out: they cannot run here. */
static void
add_command_words(struct cands *cs, const char *first, const char *text)
{
	size_t n;
	const struct cmd_entry *const *t = cmd_table(&n);

	for (size_t i = 0; i < n; i++) {
		const char *name = t[i]->name, *sp = strchr(name, ' ');
		const char *word = name;
		size_t len;

		if (t[i]->flags & CMD_SHELL)
			continue;
		if (first != NULL) {
			if (sp == NULL || (size_t)(sp - name) != strlen(first) ||
			    strncmp(name, first, (size_t)(sp - name)) != 0)
				continue;
			word = sp + 1;
			len = strlen(word);
		} else {
			len = sp ? (size_t)(sp - name) : strlen(name);
		}
		if (len >= strlen(text) && strncmp(word, text, strlen(text)) == 0)
			cands_add(cs, xstrndup(word, len));
	}
}

static const struct cmd_option *
find_option(const struct cmd_entry *e, const char *name, size_t len)
{
	int i = cmd_opt_index(e, name, len);

	return i >= 0 ? &e->opts[i] : NULL;
}

/* File names starting with text; a folder with '/' after it. */
static void
add_files(struct cands *cs, const char *text)
{
	char *f;

	for (int state = 0; (f = rl_filename_completion_function(text, state)) != NULL; state++) {
		struct stat st;

		if (stat(f, &st) == 0 && S_ISDIR(st.st_mode) && f[strlen(f) - 1] != '/') {
			char *d = xasprintf("%s/", f);

			free(f);
			f = d;
		}
		cands_add(cs, f);
	}
}

/* What fits a value of a kind: the option's choices or the argument's words,
 * the kind's own words (today, me...), file names, and what the screen knows
 * (the ids on it, through the cmdline_values_fn). */
static void
add_kind(struct cands *cs, enum cmd_kind kind, const char *const *choices, const struct cmd_word *words,
	 unsigned flags, const char *text)
{
	const char *const *own = cmd_kind_words(kind);
	char **v;

	for (size_t i = 0; choices != NULL && choices[i] != NULL; i++) {
		if (starts_with(choices[i], text))
			cands_add(cs, xstrdup(choices[i]));
	}
	if ((flags & OPT_OR_ALL) && starts_with("all", text))
		cands_add(cs, xstrdup("all"));
	for (size_t i = 0; kind == KIND_CHOICE && words != NULL && words[i].word != NULL; i++) {
		if (words[i].word[0] != '\0' && strcmp(words[i].word, "*") != 0 && starts_with(words[i].word, text))
			cands_add(cs, xstrdup(words[i].word));
	}
	for (size_t i = 0; own != NULL && own[i] != NULL; i++) {
		if (starts_with(own[i], text))
			cands_add(cs, xstrdup(own[i]));
	}
	if (kind == KIND_FILE)
		add_files(cs, text);
	if (kind == KIND_NONE || kind == KIND_TEXT || kind == KIND_CHOICE || kind == KIND_FILE ||
	    the->values == NULL || (v = the->values(kind, text, the->values_arg)) == NULL)
		return;
	for (size_t i = 0; v[i] != NULL; i++)
		cands_add(cs, v[i]);
	free(v);
}

static void
add_option_value(struct cands *cs, const struct cmd_option *o, const char *text)
{
	if (o != NULL && (o->flags & OPT_VALUE))
		add_kind(cs, o->kind, o->choices, NULL, o->flags, text);
}

/* --options of e starting with text that the words do not give yet; ezrizi's
 * own are not taken in a line. */
static void
add_options(struct cands *cs, const struct cmd_entry *e, char **words, size_t n,
	    const char *text)
{
	for (const struct cmd_option *o = e->opts; o != NULL && o->name != NULL; o++) {
		char *opt = xasprintf("--%s", o->name);
		bool given = false;

		for (size_t i = 0; i < n && !given; i++)
			given = strcmp(words[i], opt) == 0 ||
				(starts_with(words[i], opt) && words[i][strlen(opt)] == '=');
		if (!given && starts_with(opt, text))
			cands_add(cs, opt);
		else
			free(opt);
	}
}

/* The positionals among words[first..n), as the parser reads them: *line
 * gets where a KIND_LINE positional starts (its words are the line's), or n. */
static int
count_positionals(const struct cmd_entry *e, char **words, size_t first, size_t n, size_t *line)
{
	int count = 0;
	bool done = false;

	*line = n;
	for (size_t i = first; i < n; i++) {
		if (cmd_pos(e, count)->kind == KIND_LINE && count < e->args.max) {
			*line = i;
			return count;
		}
		if (!done && strcmp(words[i], "--") == 0) {
			done = true;
			continue;
		}
		if (!done && starts_with(words[i], "--") && words[i][2] != '\0') {
			const char *name = words[i] + 2;
			const struct cmd_option *o;

			if (strchr(name, '=') != NULL)
				continue;
			o = find_option(e, name, strlen(name));
			if (o != NULL && (o->flags & OPT_VALUE))
				i++;
			continue;
		}
		count++;
	}
	return count;
}

static bool
has_subcommands(const char *word)
{
	struct cands cs = { 0 };
	bool any;

	add_command_words(&cs, word, "");
	any = cs.n > 0;
	cands_free(&cs);
	return any;
}

/* A positional argument: what its kind offers; a command's name (help) by
 * its words. */
static void
add_positional(struct cands *cs, const struct cmd_entry *e, int count, char **words, size_t n,
	       const char *text)
{
	const struct cmd_arg *pos;

	if (count >= e->args.max)
		return;
	pos = cmd_pos(e, count);
	if (pos->kind == KIND_COMMAND) {
		if (count == 0)
			add_command_words(cs, NULL, text);
		else if (count == 1)
			add_command_words(cs, words[n - 1], text);
		return;
	}
	add_kind(cs, pos->kind, NULL, pos->words, 0, text);
}

/* The option words[n - 1] is, when it waits for its value; else NULL. */
static const struct cmd_option *
waiting_option(const struct cmd_entry *e, char **words, size_t first, size_t n)
{
	const struct cmd_option *o;

	if (n <= first || !starts_with(words[n - 1], "--") || strchr(words[n - 1], '=') != NULL)
		return NULL;
	o = find_option(e, words[n - 1] + 2, strlen(words[n - 1] + 2));
	return o != NULL && (o->flags & OPT_VALUE) ? o : NULL;
}

/* Completes text after words[0..n) of a line: a command's name, its
 * options, an option's value (opt_eq: "--name=" being completed), or a
 * positional argument; in a line the command runs (confirm, text), what that
 * line's command takes. */
static void
complete_words(struct cands *cs, char **words, size_t n, const char *opt_eq, const char *text)
{
	const struct cmd_entry *e = NULL;
	size_t first = 1, line;
	int count;

	if (n == 0) {
		add_command_words(cs, NULL, text);
		return;
	}
	if (n >= 2) {
		char *two = xasprintf("%s %s", words[0], words[1]);

		e = cmd_find(two);
		free(two);
		if (e != NULL)
			first = 2;
	}
	if (e == NULL && (e = cmd_find(words[0])) == NULL) {
		/* A group with no command of its own name. */
		if (n == 1 && opt_eq == NULL && text[0] != '-')
			add_command_words(cs, words[0], text);
		return;
	}
	count = count_positionals(e, words, first, n, &line);
	if (line < n || (count < e->args.max && cmd_pos(e, count)->kind == KIND_LINE)) {
		complete_words(cs, words + line, n - line, opt_eq, text);
	} else if (opt_eq != NULL) {
		add_option_value(cs, find_option(e, opt_eq, strcspn(opt_eq, "=")), text);
	} else if (text[0] == '-') {
		add_options(cs, e, words, n, text);
	} else if (waiting_option(e, words, first, n) != NULL) {
		add_option_value(cs, waiting_option(e, words, first, n), text);
	} else {
		if (first == 1 && n == 1 && has_subcommands(words[0]))
			add_command_words(cs, words[0], text);
		add_positional(cs, e, count, words, n, text);
	}
}

static void
gather(struct cands *cs, const char *text, int start)
{
	char *prefix = xstrndup(rl_line_buffer, (size_t)start);
	size_t n, nall;
	bool open;
	char **words = split_words(prefix, &nall, &open);
	const char *opt_eq = NULL;   /* "--name=" being completed */

	free(prefix);
	n = nall;
	if (open && n > 0) {
		/* The word completed began before start: "--patient=" or a quote. */
		n--;
		if (starts_with(words[n], "--") && strchr(words[n], '=') != NULL)
			opt_eq = words[n] + 2;
	}
	complete_words(cs, words, n, opt_eq, text);
	words_free(words, nall);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
set_hint(struct cmdline *c, char **v, size_t n)
{
	struct buf b;

	free(c->hint);
	c->hint = NULL;
	if (n < 2)
		return;
	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, v[i]);
	}
	c->hint = buf_steal(&b);
}

/* Readline's format: [0] what replaces text, [1..] the candidates. */
static char **
to_matches(struct cands *cs, const char *text)
{
	char **m;
	size_t n = 0, lcd;

	if (cs->n > 1)
		qsort(cs->v, cs->n, sizeof *cs->v, cmp_str);
	for (size_t i = 0; i < cs->n; i++) {
		if (n > 0 && strcmp(cs->v[n - 1], cs->v[i]) == 0)
			free(cs->v[i]);
		else
			cs->v[n++] = cs->v[i];
	}
	cs->n = n;
	if (n == 0)
		return NULL;
	m = xcalloc(n + 2, sizeof *m);
	if (n == 1) {
		m[0] = cs->v[0];
	} else {
		lcd = strlen(cs->v[0]);
		for (size_t i = 1; i < n; i++) {
			size_t j = 0;

			while (j < lcd && cs->v[i][j] == cs->v[0][j])
				j++;
			lcd = j;
		}
		/* Never a whole UTF-8 sequence cut in two. */
		while (lcd > 0 && ((unsigned char)cs->v[0][lcd] & 0xC0) == 0x80)
			lcd--;
		m[0] = lcd >= strlen(text) && strncmp(cs->v[0], text, strlen(text)) == 0
			       ? xstrndup(cs->v[0], lcd)
			       : xstrdup(text);
		memcpy(m + 1, cs->v, n * sizeof *m);
		set_hint(the, cs->v, n);
	}
	free(cs->v);
	memset(cs, 0, sizeof *cs);
	return m;
}

static char **
complete(const char *text, int start, int end)
{
	struct cands cs = { 0 };

	(void)end;
	rl_attempted_completion_over = 1;  /* never file names */
	if (the != NULL && the->text)
		return NULL;  /* a message has nothing to complete */
	gather(&cs, text, start);
	return to_matches(&cs, text);
}

static char *
complete_nothing(const char *text, int state)
{
	(void)text;
	(void)state;
	return NULL;
}

/* Readline would print the list on the terminal: show it in the line. */
static void
show_matches(char **matches, int n, int max_len)
{
	(void)max_len;
	if (the != NULL && n > 1)
		set_hint(the, matches + 1, (size_t)n);
}

/* ---- setup ---- */

/* The sequences cmdline_key produces, bound where ~/.inputrc left them free. */
static void
bind_keys(void)
{
	static const struct {
		const char *seq;
		rl_command_func_t *fn;
	} keys[] = {
		{ "\033[A", rl_get_previous_history },
		{ "\033[B", rl_get_next_history },
		{ "\033[C", rl_forward_char },
		{ "\033[D", rl_backward_char },
		{ "\033[H", rl_beg_of_line },
		{ "\033[F", rl_end_of_line },
		{ "\033[3~", rl_delete },
		{ "\033[5~", rl_history_search_backward },
		{ "\033[6~", rl_history_search_forward },
		{ "\033[1;5C", rl_forward_word },
		{ "\033[1;5D", rl_backward_word },
		{ "\033[1;3C", rl_forward_word },
		{ "\033[1;3D", rl_backward_word },
		{ "\033[3;5~", rl_kill_word },
	};
	Keymap maps[] = { emacs_standard_keymap, vi_insertion_keymap, vi_movement_keymap };

	for (size_t m = 0; m < sizeof maps / sizeof maps[0]; m++)
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			rl_bind_keyseq_if_unbound_in_map(keys[i].seq, keys[i].fn, maps[m]);
}

struct cmdline *
cmdline_create(void)
{
	struct cmdline *c;
	int saved;

	if (the != NULL)
		abort();  /* readline is global: one command line per process */
	c = xcalloc(1, sizeof *c);
	c->null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	the = c;

	rl_readline_name = "ezrizi";
	rl_outstream = sink();
	rl_getc_function = rl_getc_queue;
	rl_input_available_hook = rl_input_queued;
	rl_redisplay_function = rl_redisplay_nothing;  /* before rl_initialize: no tgetent */
	rl_prep_term_function = rl_prep_nothing;
	rl_deprep_term_function = rl_deprep_nothing;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_attempted_completion_function = complete;
	rl_completion_entry_function = complete_nothing;
	rl_completion_display_matches_hook = show_matches;
	rl_completer_word_break_characters = " \t\n\"'=";
	rl_completer_quote_characters = "\"'";

	saved = quiet_begin(c);
	rl_initialize();  /* reads ~/.inputrc */
	rl_variable_bind("bell-style", "none");
	bind_keys();
	quiet_end(saved);

	using_history();
	stifle_history(HISTORY_MAX);
	return c;
}

void
cmdline_destroy(struct cmdline *c)
{
	if (c == NULL)
		return;
	if (c->active)
		finish_silently(c);
	clear_history();
	free(c->line);
	free(c->hint);
	free(c->prompt);
	if (c->null_fd >= 0)
		close(c->null_fd);
	if (the == c)
		the = NULL;
	free(c);
}

void
cmdline_set_values(struct cmdline *c, cmdline_values_fn fn, void *arg)
{
	c->values = fn;
	c->values_arg = arg;
}

static void open_line(struct cmdline *c, WINDOW *win, const char *prefill, const char *prompt);

void
cmdline_open(struct cmdline *c, WINDOW *win, const char *prefill)
{
	open_line(c, win, prefill, NULL);
}

void
cmdline_open_text(struct cmdline *c, WINDOW *win, const char *prompt)
{
	open_line(c, win, NULL, prompt);
}

static void
open_line(struct cmdline *c, WINDOW *win, const char *prefill, const char *prompt)
{
	int saved;

	if (c->active)
		finish_silently(c);
	free(c->prompt);
	c->prompt = prompt != NULL ? xstrdup(prompt) : NULL;
	c->text = prompt != NULL;
	c->win = win;
	c->hscroll = 0;
	free(c->hint);
	c->hint = NULL;
	c->finished = c->discard = false;
	c->active = true;
	saved = quiet_begin(c);
	rl_callback_handler_install("", on_line);
	if (prefill != NULL && prefill[0] != '\0')
		rl_insert_text(prefill);
	quiet_end(saved);
}

bool
cmdline_active(const struct cmdline *c)
{
	return c != NULL && c->active;
}

/* ---- keys ---- */

static bool
is_cancel(const struct ui_key *k)
{
	bool searching = RL_ISSTATE(RL_STATE_ISEARCH | RL_STATE_NSEARCH) != 0;

	if (k->fn)
		return k->code == KEY_BACKSPACE && rl_end == 0 && !searching;
	switch (k->code) {
	case K_CTRL_C:
		return true;
	case K_CTRL_G:
		return !searching;
	case K_ESC:
		return rl_editing_mode == RL_EMACS_MODE && !searching;
	case K_CTRL_H:
	case K_DEL:
		return rl_end == 0 && !searching;
	}
	return false;
}

/* The bytes readline's default keymaps know for a key; 0 for keys we drop. */
static size_t
key_bytes(const struct ui_key *k, char *out)
{
	static const struct {
		int code;
		const char *seq;
	} fkeys[] = {
		{ KEY_LEFT, "\033[D" }, { KEY_RIGHT, "\033[C" }, { KEY_UP, "\033[A" },
		{ KEY_DOWN, "\033[B" }, { KEY_HOME, "\033[H" }, { KEY_END, "\033[F" },
		{ KEY_DC, "\033[3~" }, { KEY_BACKSPACE, "\177" }, { KEY_PPAGE, "\033[5~" },
		{ KEY_NPAGE, "\033[6~" }, { KEY_ENTER, "\r" },
	};
	/* Modified arrows: ncurses gives them codes named by the terminfo
	 * extended capability. */
	static const struct {
		const char *name;
		const char *seq;
	} named[] = {
		{ "kLFT5", "\033[1;5D" }, { "kRIT5", "\033[1;5C" },
		{ "kLFT3", "\033[1;3D" }, { "kRIT3", "\033[1;3C" },
		{ "kDC5", "\033[3;5~" },
	};
	const char *name;

	if (!k->fn) {
		if (k->code == '\n')
			return out[0] = '\r', 1;
		if (k->code < 0 || k->code > 0x10FFFF)
			return 0;
		return utf8_encode((uint32_t)k->code, out);
	}
	for (size_t i = 0; i < sizeof fkeys / sizeof fkeys[0]; i++)
		if (fkeys[i].code == k->code)
			return strlen(strcpy(out, fkeys[i].seq));
	name = keyname(k->code);
	for (size_t i = 0; name != NULL && i < sizeof named / sizeof named[0]; i++)
		if (strcmp(name, named[i].name) == 0)
			return strlen(strcpy(out, named[i].seq));
	return 0;
}

static bool
blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

static void
remember(const char *line)
{
	HIST_ENTRY *last;

	if (blank(line))
		return;
	last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
	if (last == NULL || strcmp(last->line, line) != 0)
		add_history(line);
}

static bool
rtl_cp(uint32_t cp)
{
	return (cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
	       (cp >= 0xFE70 && cp <= 0xFEFF);
}

/* Is the cursor in a right-to-left word: the character at it (or, at the end
 * of the line, before it) is written right to left? */
static bool
in_rtl_word(void)
{
	int at = rl_point < rl_end ? rl_point : rl_point - 1;
	uint32_t cp;

	if (at < 0 || rl_line_buffer == NULL)
		return false;
	/* Back to the start of the character at `at`. */
	while (at > 0 && ((unsigned char)rl_line_buffer[at] & 0xC0) == 0x80)
		at--;
	if (utf8_decode(rl_line_buffer + at, (size_t)(rl_end - at), &cp) == 0)
		return false;
	return rtl_cp(cp);
}

enum cmdline_result
cmdline_key(struct cmdline *c, const struct ui_key *k, char **line)
{
	char bytes[QUEUE_MAX];
	size_t n;

	*line = NULL;
	if (!c->active)
		return CMDLINE_CANCEL;
	free(c->hint);
	c->hint = NULL;
	if (is_cancel(k)) {
		finish_silently(c);
		return CMDLINE_CANCEL;
	}
	if (k->fn && (k->code == KEY_LEFT || k->code == KEY_RIGHT) && in_rtl_word()) {
		/* Inside an Arabic or Urdu word, drawn right to left, the arrows move
		 * the cursor the way they point on the screen: Left goes on through
		 * the word, Right goes back. */
		struct ui_key swapped = { true, k->code == KEY_LEFT ? KEY_RIGHT : KEY_LEFT };

		n = key_bytes(&swapped, bytes);
	} else {
		n = key_bytes(k, bytes);
	}
	/* Esc in vi command mode does nothing but would leave readline waiting
	 * for the rest of a key sequence and eat the next key. */
	if (n == 0 || (n == 1 && bytes[0] == K_ESC && rl_editing_mode == RL_VI_MODE &&
		       rl_get_keymap() == vi_movement_keymap &&
		       !RL_ISSTATE(RL_STATE_ISEARCH | RL_STATE_NSEARCH)))
		return CMDLINE_MORE;
	feed(c, bytes, n);
	if (!c->finished)
		return CMDLINE_MORE;
	c->finished = false;
	c->active = false;
	if (c->outcome == CMDLINE_DONE) {
		/* Free text is a client's business: it stays out of the history. */
		if (!c->text)
			remember(c->line);
		*line = c->line;
		c->line = NULL;
	}
	return c->outcome;
}

/* ---- drawing ---- */

/* Skips `cols` columns of s; *lead gets the columns of a wide character cut
 * by the edge (drawn as spaces). */
static const char *
skip_columns(const char *s, int cols, int *lead)
{
	int col = 0;

	*lead = 0;
	while (*s != '\0') {
		char one[5] = { 0 };
		uint32_t cp;
		size_t len = utf8_decode(s, strlen(s), &cp);
		int w;

		if (len == 0)
			len = 1;
		memcpy(one, s, len);
		w = display_width(one);
		if (col + w <= cols) {
			col += w;
			s += len;
			continue;
		}
		if (col < cols) {
			*lead = col + w - cols;
			s += len;
		}
		break;
	}
	return s;
}

static void
scroll_to_cursor(struct cmdline *c, int cx, int total, int avail)
{
	int max_scroll = total + 1 - avail;

	if (cx < c->hscroll || cx > c->hscroll + avail - 1)
		c->hscroll = cx - avail / 2;
	if (c->hscroll > max_scroll)
		c->hscroll = max_scroll;
	if (c->hscroll < 0)
		c->hscroll = 0;
}

static int
draw_hint(struct cmdline *c, int x, int width)
{
	char *list, *text;
	int used;

	if (c->hint == NULL || width <= 2)
		return 0;
	list = sanitize_display(c->hint, (size_t)-1, 0);
	/* TRANSLATORS: completion candidates shown after the command line. */
	text = xasprintf(_("  [%s]"), list);
	used = ui_put(c->win, 0, x, width, text, ui_attr(UC_DIM), false);
	free(text);
	free(list);
	return used;
}

/* The command language reads left to right; free text in its own direction. */
static enum bidi_dir
line_dir(const struct cmdline *c, const char *text)
{
	return c->text ? bidi_text_dir(text, ui_direction() == 1 ? BIDI_RTL : BIDI_LTR) : BIDI_LTR;
}

/* In Arabic and Urdu the line mirrors: the prompt at the right edge and the
 * command, which reads left to right, flush against it. Only when the whole
 * line fits; a longer one scrolls as in left-to-right languages. */
static bool
draw_mirrored(struct cmdline *c, int width)
{
	char *all = sanitize_display(rl_line_buffer, (size_t)rl_end, 0);
	char *pre = sanitize_display(rl_line_buffer, (size_t)rl_point, 0);
	/* The prompt at the right edge: ":" with a space to its left, or a free
	 * text's own prompt, read from the right (its trailing space to its left). */
	char *mprompt = xstrdup(c->prompt != NULL ? c->prompt : " :");
	int total = display_width(all), pw = display_width(mprompt), off, cx, vw, by, bx;
	size_t idx = 0;
	char *visual;

	if (total + pw + 1 > width || (rl_display_prompt != NULL && rl_prompt != NULL &&
				       strcmp(rl_display_prompt, rl_prompt) != 0)) {
		free(all);
		free(pre);
		free(mprompt);
		return false;
	}
	off = width - pw - total;
	ui_put_visual(c->win, 0, 0, off, "", A_NORMAL, true);
	visual = bidi_visual(all, total, line_dir(c, all), &vw);
	ui_put_visual(c->win, 0, off, total, visual, A_NORMAL, false);
	free(visual);
	if (c->prompt != NULL) {
		visual = bidi_visual(mprompt, pw, BIDI_RTL, &vw);
		ui_put_visual(c->win, 0, width - pw, pw, visual, A_NORMAL, true);
		free(visual);
	} else {
		ui_put_visual(c->win, 0, width - pw, pw, mprompt, A_NORMAL, true);
	}
	free(mprompt);
	for (const char *q = pre; *q != '\0'; q++)
		idx += ((unsigned char)*q & 0xC0) != 0x80;
	cx = bidi_cursor_column(all, idx, line_dir(c, all));
	cx = off + (cx < 0 ? 0 : cx);
	wmove(c->win, 0, cx);
	getbegyx(c->win, by, bx);
	c->cur_y = by;
	c->cur_x = bx + cx;
	wnoutrefresh(c->win);
	free(all);
	free(pre);
	return true;
}

void
cmdline_draw(struct cmdline *c)
{
	int width, pw, avail, cx, total, lead, used = 0, by, bx;
	char *prompt, *all, *pre;
	const char *vis, *pre_clean;

	if (!c->active || c->win == NULL)
		return;
	width = getmaxx(c->win);
	if (ui_direction() == 1 && draw_mirrored(c, width))
		return;
	/* Readline's own prompt while it asks something (Ctrl-R, a count). */
	if (rl_display_prompt != NULL && rl_display_prompt[0] != '\0' &&
	    (rl_prompt == NULL || strcmp(rl_display_prompt, rl_prompt) != 0))
		prompt = sanitize_display(rl_display_prompt, (size_t)-1, 0);
	else
		prompt = xstrdup(c->prompt != NULL ? c->prompt : ":");
	pw = ui_put(c->win, 0, 0, width, prompt, A_NORMAL, false);
	free(prompt);
	avail = width - pw;

	all = sanitize_display(rl_line_buffer, (size_t)rl_end, 0);
	pre = sanitize_display(rl_line_buffer, (size_t)rl_point, 0);
	pre_clean = pre;
	total = display_width(all);
	cx = display_width(pre);
	if (avail > 0) {
		scroll_to_cursor(c, cx, total, avail);
		vis = skip_columns(all, c->hscroll, &lead);
		for (int i = 0; i < lead && i < avail; i++)
			mvwaddch(c->win, 0, pw + i, ' ');
		/* The command language reads left to right; an Arabic or Urdu word
		 * in it is ordered and shaped, and the cursor goes where that
		 * character is drawn (when the line is not scrolled). */
		{
			int vw;
			char *visual = bidi_visual(vis, avail - lead, line_dir(c, all), &vw);

			used = lead + ui_put_visual(c->win, 0, pw + lead, avail - lead, visual, A_NORMAL, false);
			free(visual);
		}
		used += draw_hint(c, pw + used, avail - used);
		ui_put(c->win, 0, pw + used, avail - used, "", A_NORMAL, true);
		if (c->hscroll == 0) {
			size_t idx = 0;

			for (const char *q = pre_clean; *q != '\0'; q++)
				idx += ((unsigned char)*q & 0xC0) != 0x80;
			cx = bidi_cursor_column(all, idx, line_dir(c, all));
			cx = pw + (cx < 0 ? 0 : cx);
		} else {
			cx = pw + cx - c->hscroll;
		}
	} else {
		cx = width - 1;
	}
	free(all);
	free(pre);
	wmove(c->win, 0, cx < width ? cx : width - 1);
	getbegyx(c->win, by, bx);
	c->cur_y = by;
	c->cur_x = bx + (cx < width ? cx : width - 1);
	wnoutrefresh(c->win);
}

void
cmdline_set_window(struct cmdline *c, WINDOW *win)
{
	c->win = win;
	c->hscroll = 0;
}

void
cmdline_cursor(const struct cmdline *c, int *y, int *x)
{
	*y = c->cur_y;
	*x = c->cur_x;
}
