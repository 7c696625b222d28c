/* keys.h - key bindings: every key runs a line of the command language
 * (after tmux's key-bindings.c), so a key does exactly what typing the command
 * does. The defaults are strings; the config's "bind KEY COMMAND" lines add to
 * or replace them.
 *
 * Bindings are in key tables (tmux's): "root" for the screen, and one per mode
 * with keys of its own (ui/mode.h): "overlay" (help, output), "picker" (the
 * free slots), "confirm" (a question), "small" (the terminal is too small).
 * "bind -T TABLE KEY COMMAND" binds in a mode's table. The key "Any" stands
 * for every key the table does not bind (the question's "any other key"). */
#ifndef EZRIZI_UI_KEYS_H
#define EZRIZI_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/error.h"
#include "ui/list.h"

/* "Any" (key_parse): every key a table does not bind. */
#define KEY_ANY (-1)

struct binding {
	struct ui_key key;
	const char *table;   /* its table's name (static: keymap_tables) */
	char *name;      /* as written: "C-l", "Down", "q" */
	char *command;
};

struct keymap {
	struct binding *v;
	size_t n;
};

/* Parses a key name: a character ("q", "?", "ş"), "C-a".."C-z", "Up", "Down",
 * "Left", "Right", "Home", "End", "PageUp", "PageDown", "Tab", "BTab", "Enter",
 * "Space", "Escape", "Backspace", "Delete", "F1".."F12", "Any". */
bool key_parse(const char *name, struct ui_key *k);
/* The name of a key for help (new string). */
char *ui_key_name(const struct ui_key *k);

/* The defaults, then the config's bind lines (a bad key name or command fails
 * with "FILE:LINE: ..."). check says whether a line is a command as it would
 * run (the screen's ui_check_line: the one resolver and option parser), and
 * why not. */
bool keymap_init(struct keymap *m, const struct config *cfg,
		 bool (*check)(const char *line, struct error *err), struct error *err);
void keymap_finish(struct keymap *m);
/* The command bound to k in the root table, or NULL. */
const char *keymap_lookup(const struct keymap *m, const struct ui_key *k);
/* The command bound to k in the named table (else to its "Any"), or NULL
 * (an unknown table binds nothing). */
const char *keymap_lookup_in(const struct keymap *m, const char *table, const struct ui_key *k);
/* The tables' names, root first. */
const char *const *keymap_tables(size_t *n);

#endif
