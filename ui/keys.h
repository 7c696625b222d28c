/* keys.h - key bindings: every key runs a line of the command language
 * (after tmux's key-bindings.c), so a key does exactly what typing the command
 * does. The defaults are strings; the config's "bind KEY COMMAND" lines add to
 * or replace them. */
#ifndef EZRIZI_UI_KEYS_H
#define EZRIZI_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/error.h"
#include "ui/list.h"

struct binding {
	struct ui_key key;
	char *name;      /* as written: "C-l", "Down", "q" */
	char *command;
};

struct keymap {
	struct binding *v;
	size_t n;
};

/* Parses a key name: a character ("q", "?", "ş"), "C-a".."C-z", "Up", "Down",
 * "Left", "Right", "Home", "End", "PageUp", "PageDown", "Tab", "BTab", "Enter",
 * "Space", "Escape", "Backspace", "Delete", "F1".."F12". */
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
/* The command bound to k, or NULL. */
const char *keymap_lookup(const struct keymap *m, const struct ui_key *k);

#endif
