/* help.h - the screen's help (? and F1), generated from the tables: the keys,
 * those of one command together ("j ↓  Move down."), each said in words in the
 * UI's language, never as the command it runs; the status letters; then every
 * command of the screen and of the core, by name, from the one registry. */
#ifndef EZRIZI_UI_HELP_H
#define EZRIZI_UI_HELP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ui/draw.h"
#include "ui/keys.h"

/* What a line of the command language does, in words (new string): the help
 * of its first argument's word, else its command's summary, translated; for a
 * command that runs a line (confirm, text, command), that line's first. NULL
 * when the registry knows no such command. */
char *help_describe(const char *line);

/* Fills l with the help for a width: the keys of `keys` grouped by the line
 * they run, the status letters, the screen's commands and the core's, from
 * the registry. */
void help_build(struct tlines *l, int width, const struct keymap *keys);

/* A key's name as the help shows it: arrows for the arrows ("Up": "↑"),
 * "S-Tab", "PgDn"; other names as they are. */
const char *help_key_label(const char *name);

/* The man page's KEYS section, in roff: the default keys grouped by the line
 * they run, each said in words (ui/docgen.c). */
void help_keys_roff(FILE *fp, const struct keymap *keys);

#endif
