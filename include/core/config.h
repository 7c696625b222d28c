/* config.h - the configuration file and named profiles.
 *
 * $XDG_CONFIG_HOME/ezrizi/config (~/.config/ezrizi/config), lines of
 *     key = value
 * Keys before the first section are defaults for every profile; a section
 *     [profile NAME]
 * starts a profile whose keys override them. '#' starts a comment line. Values
 * are taken as written, with surrounding white space trimmed and one pair of
 * surrounding double quotes removed. A leading "~/" in a path is $HOME.
 * `default_profile = NAME` (top level only) picks the profile when neither
 * --profile nor EZRIZI_PROFILE does.
 *
 * Each key has a type (string, path, integer with a range, or one of a list of
 * words). A bad line fails the load with ERR_USAGE and a message
 * "FILE:LINE: ..." saying what is wrong. */
#ifndef EZRIZI_CONFIG_H
#define EZRIZI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

struct config;

/* Keys, their type and help (the table lives in config.c, the man page lists
 * the same keys). */
struct config_key_info {
	const char *name;
	const char *help;  /* N_() marked */
};
const struct config_key_info *config_keys(size_t *n);

struct config *config_create(void);
void config_destroy(struct config *cfg);  /* accepts NULL */

/* Loads path. A missing file is not an error unless must_exist. Can be called
 * once per config. */
bool config_load(struct config *cfg, const char *path, bool must_exist, struct error *err);
/* Loads from a string (for tests); `name` stands for the file name in messages. */
bool config_load_string(struct config *cfg, const char *name, const char *text,
			struct error *err);

/* Picks the profile to use (NULL: default_profile, else none). Fails with
 * ERR_USAGE if the name names no section of the file. */
bool config_select_profile(struct config *cfg, const char *name, struct error *err);
const char *config_profile(const struct config *cfg);  /* NULL when none */

/* Sets a value that wins over the file (from a command-line flag or the
 * environment), validated like a file line. */
bool config_override(struct config *cfg, const char *key, const char *value, struct error *err);

/* The value for key: override, then the selected profile, then the top level;
 * NULL when unset. Paths come back with "~/" expanded. */
const char *config_get(const struct config *cfg, const char *key);
/* Integer keys; def when unset. */
long config_get_long(const struct config *cfg, const char *key, long def);

/* Key bindings: lines "bind [-T TABLE] KEY COMMAND..." at the top level or
 * in a profile (the screen checks the tables, key names and commands, naming
 * FILE:LINE). */
struct config_binding {
	char *table;   /* NULL: the root table */
	char *key;
	char *command;
	int line;
	int profile;   /* internal: where it was written */
};
const struct config_binding *config_bindings(const struct config *cfg, size_t *n);
/* True when the binding is top-level or in the selected profile. */
bool config_binding_applies(const struct config *cfg, const struct config_binding *b);
/* The file name, for messages. */
const char *config_name(const struct config *cfg);

/* The default file: $XDG_CONFIG_HOME/ezrizi/config or ~/.config/ezrizi/config.
 * Returns a new string (free()). */
char *config_default_path(void);
/* $XDG_DATA_HOME/ezrizi or ~/.local/share/ezrizi (new string, free()). */
char *config_data_dir(void);

#endif
