/* help.h - the screen's help (? and F1), generated from the tables: the keys,
 * those of one command together ("j ↓  Move down."), each said in words in the
 * UI's language, never as the command it runs; the status letters; then every
 * command of the screen and of the core, by name. Also the shape of the
 * screen's command table (ui/commands.c), which the help reads. */
#ifndef EZRIZI_UI_HELP_H
#define EZRIZI_UI_HELP_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/draw.h"
#include "ui/keys.h"

struct tui;

/* What a command does with a given first argument: "down" → N_("Move down.").
 * The word "" is the command alone; "*" any other. */
struct ui_word {
	const char *word;
	const char *summary;  /* N_() */
};

struct ui_cmd {
	const char *name;
	const char *args;     /* N_() synopsis, or NULL */
	const char *summary;  /* N_() */
	int min_args, max_args;
	bool while_busy;      /* may run while a command waits for the server */
	void (*fn)(struct tui *t, int argc, char **argv);
	/* Its first arguments in words, ended by { NULL, NULL }; NULL: the summary
	 * says it all. */
	const struct ui_word *words;
	/* > 0: its words from this one on (1 is the first argument) are a command
	 * that it runs (confirm, text, command), described before its own words;
	 * 0: none. */
	int runs;
};

/* What a line of the command language does, in words (new string): the words
 * of its command's first argument, else its summary, translated; for a command
 * that runs another, that one's first. NULL when no table knows the command. */
char *help_describe(const char *line, const struct ui_cmd *cmds, size_t n);

/* Fills l with the help for a width: the keys of `keys` grouped by the line
 * they run, the status letters, the screen's commands (cmds, n) and the
 * core's. */
void help_build(struct tlines *l, int width, const struct keymap *keys, const struct ui_cmd *cmds,
		size_t n);

#endif
