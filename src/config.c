/* config.c - the configuration file and named profiles.
 *
 * The file becomes two flat arrays: profiles (name, line) and entries
 * (profile index, key, value, line). Top-level entries use PROFILE_TOP and
 * command-line/environment overrides PROFILE_OVERRIDE. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/i18n.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#define PROFILE_TOP (-1)
#define PROFILE_OVERRIDE (-2)
#define CONFIG_MAX_BYTES (1024 * 1024)

enum key_type {
	KEY_STRING,
	KEY_URL,
	KEY_PATH,
	KEY_INT,
	KEY_WORDS,
	KEY_TOP,      /* a string allowed only before the first section */
};

/* name, type, min, max, words (space separated), help */
#define CONFIG_KEYS(X) \
	X("server", KEY_URL, 0, 0, NULL, \
	    N_("The platform's base URL, starting with http:// or https://.")) \
	X("username", KEY_STRING, 0, 0, NULL, \
	    N_("The user name to log in with.")) \
	X("login_method", KEY_WORDS, 0, 0, "auto password browser device client", \
	    N_("How 'ezrizi login' logs in: auto (the first the server offers), password, browser, device or client.")) \
	X("password_command", KEY_STRING, 0, 0, NULL, \
	    N_("A shell command whose first line of output is the password.")) \
	X("password_file", KEY_PATH, 0, 0, NULL, \
	    N_("A file whose first line is the password.")) \
	X("client_id", KEY_STRING, 0, 0, NULL, \
	    N_("The OAuth client id.")) \
	X("client_secret_file", KEY_PATH, 0, 0, NULL, \
	    N_("A file whose first line is the OAuth client secret.")) \
	X("client_secret_command", KEY_STRING, 0, 0, NULL, \
	    N_("A shell command whose first line of output is the OAuth client secret.")) \
	X("token_file", KEY_PATH, 0, 0, NULL, \
	    N_("Where the login token is kept between runs.")) \
	X("practitioner", KEY_STRING, 0, 0, NULL, \
	    N_("The Practitioner id that \"me\" means when the login does not say.")) \
	X("ca_file", KEY_PATH, 0, 0, NULL, \
	    N_("A file of CA certificates to trust for the server.")) \
	X("format", KEY_WORDS, 0, 0, "table tsv json", \
	    N_("Batch output format: table, tsv or json.")) \
	X("connect_timeout", KEY_INT, 1, 600, NULL, \
	    N_("Seconds to wait for a connection, 1 to 600.")) \
	X("low_speed_time", KEY_INT, 5, 3600, NULL, \
	    N_("Seconds a transfer may stall before it is given up, 5 to 3600.")) \
	X("max_response_mb", KEY_INT, 1, 1024, NULL, \
	    N_("The largest server answer accepted, in MiB, 1 to 1024.")) \
	X("retries", KEY_INT, 0, 10, NULL, \
	    N_("How often a failed request is retried, 0 to 10.")) \
	X("max_wait", KEY_INT, 0, 86400, NULL, \
	    N_("Seconds one batch command may wait for the server in all, retries included, 0 (no limit) to 86400; 120 unless set.")) \
	X("allow_insecure_http", KEY_WORDS, 0, 0, "yes no", \
	    N_("yes lets a profile use plain http:// with a host that is not this machine; the token then crosses the network unencrypted.")) \
	X("phq9_cutoff", KEY_INT, 0, 27, NULL, \
	    N_("The PHQ-9 total at which a client screens positive, 0 to 27, for a clinic's own rule; unset: 10, the start of the moderate band.")) \
	X("gad7_cutoff", KEY_INT, 0, 21, NULL, \
	    N_("The GAD-7 total at which a client screens positive, 0 to 21, for a clinic's own rule; unset: 10, or 8 for Turkish-speaking clients (Konkan et al. 2013).")) \
	X("role", KEY_WORDS, 0, 0, "auto clinician front-desk", \
	    N_("Whether you see what a risk flag says and may acknowledge it: auto (clinician unless every PractitionerRole you hold is a front-desk one), clinician or front-desk.")) \
	X("risk_words_file", KEY_PATH, 0, 0, NULL, \
	    N_("A file of the clinic's own words that may speak of self-harm, one word or phrase a line under [ar], [ur], [ms], [tr] or [en]; a client's message holding one is marked for review. No reviewed list ships with ezrizi.")) \
	X("risk_words_ar", KEY_STRING, 0, 0, NULL, \
	    N_("The clinic's own Arabic words or phrases that may speak of self-harm, separated by commas; WORD* also matches longer words.")) \
	X("risk_words_ur", KEY_STRING, 0, 0, NULL, \
	    N_("The same in Urdu.")) \
	X("risk_words_ms", KEY_STRING, 0, 0, NULL, \
	    N_("The same in Malay.")) \
	X("risk_words_tr", KEY_STRING, 0, 0, NULL, \
	    N_("The same in Turkish.")) \
	X("risk_words_en", KEY_STRING, 0, 0, NULL, \
	    N_("The same in English.")) \
	X("on_call", KEY_STRING, 0, 0, NULL, \
	    N_("The Practitioner id of the counsellor on call, whom 'ezrizi escalate' reaches; unset: the platform's on-call PractitionerRole.")) \
	X("supervisor", KEY_STRING, 0, 0, NULL, \
	    N_("For a trainee: the Practitioner id of the supervisor who co-signs your notes; a note you sign then waits for their 'note cosign'.")) \
	X("supervises", KEY_STRING, 0, 0, NULL, \
	    N_("For a supervisor: the Practitioner ids of the trainees you supervise, separated by commas; 'notes --awaiting-cosign' lists their notes that wait for you.")) \
	X("poll_interval", KEY_INT, 2, 3600, NULL, \
	    N_("Seconds between looks for new data on the screen, 2 to 3600.")) \
	X("lock_after", KEY_INT, 0, 86400, NULL, \
	    N_("Seconds without a key before the screen locks, 0 (never) to 86400; 900 is 15 minutes.")) \
	X("passphrase_command", KEY_STRING, 0, 0, NULL, \
	    N_("A shell command whose first line of output is the local cache's passphrase.")) \
	X("cache_kdf", KEY_WORDS, 0, 0, "interactive moderate sensitive", \
	    N_("How costly the cache passphrase's key derivation is: interactive, moderate or sensitive.")) \
	X("unlock_for", KEY_INT, 60, 604800, NULL, \
	    N_("Seconds 'ezrizi unlock' keeps the cache open for scripts, 60 to 604800; 28800 is 8 hours.")) \
	X("bidi", KEY_WORDS, 0, 0, "auto app terminal", \
	    N_("Who orders right-to-left text: auto or app (ezrizi, the default), or terminal (Konsole, mlterm, PuTTY).")) \
	X("digits", KEY_WORDS, 0, 0, "auto latin arabic", \
	    N_("Digits in times and dates on the screen: auto (Arabic-Indic in Arabic), latin or arabic.")) \
	X("start_with", KEY_WORDS, 0, 0, "auto mine everyone", \
	    N_("Whose sessions the screen opens on: auto (yours when you have a schedule of your own, else everyone's, as at a front desk), mine or everyone.")) \
	X("bell", KEY_WORDS, 0, 0, "on off", \
	    N_("Ring the terminal bell when a message arrives: on or off.")) \
	X("note_template", KEY_STRING, 0, 0, NULL, \
	    N_("The note template a new note opens with: soap, dap, birp, free (the default) or one of the clinic's own in the config dir's templates/.")) \
	X("draft_limit_hours", KEY_INT, 24, 72, NULL, \
	    N_("Hours a draft note may wait before the worklist shows it as overdue, 24 to 72; 48 unless set.")) \
	X("default_profile", KEY_TOP, 0, 0, NULL, \
	    N_("The profile used when none is named; top level only."))

struct key_def {
	enum key_type type;
	long min;
	long max;
	const char *words;
};

#define X_INFO(name, type, min, max, words, help) { name, help },
#define X_DEF(name, type, min, max, words, help) { type, min, max, words },
static const struct config_key_info key_info[] = { CONFIG_KEYS(X_INFO) };
static const struct key_def key_defs[] = { CONFIG_KEYS(X_DEF) };
#undef X_INFO
#undef X_DEF
#define NKEYS (sizeof key_info / sizeof key_info[0])

struct cfg_profile {
	char *name;
	int line;
};

struct cfg_entry {
	int profile;
	size_t key;
	char *value;
	int line;
};

struct config {
	struct config_binding *binds;
	size_t nbinds;
	char *name;              /* file name for messages */
	bool loaded;
	struct cfg_profile *profiles;
	size_t nprofiles;
	struct cfg_entry *entries;
	size_t nentries;
	int selected;            /* profile index or PROFILE_TOP */
};

/* Where a value came from, for messages. */
struct cfg_where {
	const char *name;
	int line;
	int profile;
};

const struct config_key_info *
config_keys(size_t *n)
{
	if (n != NULL)
		*n = NKEYS;
	return key_info;
}

static int
key_index(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		if (strcmp(key_info[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

struct config *
config_create(void)
{
	struct config *cfg = xcalloc(1, sizeof *cfg);

	cfg->selected = PROFILE_TOP;
	return cfg;
}

void
config_destroy(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nprofiles; i++)
		free(cfg->profiles[i].name);
	for (i = 0; i < cfg->nentries; i++)
		free(cfg->entries[i].value);
	for (i = 0; i < cfg->nbinds; i++) {
		free(cfg->binds[i].table);
		free(cfg->binds[i].key);
		free(cfg->binds[i].command);
	}
	free(cfg->binds);
	free(cfg->profiles);
	free(cfg->entries);
	free(cfg->name);
	free(cfg);
}

static const char *
home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home != NULL && *home != '\0')
		return home;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL)
		return pw->pw_dir;
	return "/";
}

/* "~" and "~/..." become $HOME; anything else is copied. */
static char *
expand_path(const char *v)
{
	if (strcmp(v, "~") == 0)
		return xstrdup(home_dir());
	if (strncmp(v, "~/", 2) == 0)
		return xasprintf("%s%s", home_dir(), v + 1);
	return xstrdup(v);
}

/* Checks v against the words of a KEY_WORDS key (exact, ASCII). */
static bool
word_allowed(const char *words, const char *v)
{
	size_t n = strlen(v);
	const char *p = words;

	while (n > 0 && (p = strstr(p, v)) != NULL) {
		if ((p == words || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

static bool
check_int(const struct key_def *def, const char *key, const char *v, struct error *err)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < def->min || n > def->max) {
		return error_set(err, ERR_USAGE,
		    _("%s must be a whole number from %ld to %ld, not '%s'"),
		    key, def->min, def->max, v);
	}
	return true;
}

/* Validates v for key number k, as found at w. */
static bool
check_value(size_t k, const char *v, const struct cfg_where *w, struct error *err)
{
	const struct key_def *def = &key_defs[k];
	const char *key = key_info[k].name;

	if (def->type == KEY_TOP && w->profile >= 0) {
		return error_set(err, ERR_USAGE,
		    _("%s only works before the first [profile] section; move it to the top"),
		    key);
	}
	if (*v == '\0' && def->type != KEY_INT)
		return error_set(err, ERR_USAGE, _("%s has no value; give one or remove the line"), key);
	switch (def->type) {
	case KEY_URL:
		if ((!ascii_prefix_nocase(v, "http://") || v[7] == '\0') &&
		    (!ascii_prefix_nocase(v, "https://") || v[8] == '\0')) {
			return error_set(err, ERR_USAGE,
			    _("%s must be a URL starting with http:// or https://, not '%s'"), key, v);
		}
		return true;
	case KEY_INT:
		return check_int(def, key, v, err);
	case KEY_WORDS:
		if (!word_allowed(def->words, v)) {
			/* TRANSLATORS: the second %s is the list of allowed words. */
			return error_set(err, ERR_USAGE, _("%s must be one of: %s; not '%s'"),
			    key, def->words, v);
		}
		return true;
	case KEY_STRING:
	case KEY_PATH:
	case KEY_TOP:
		break;
	}
	return true;
}

static void
add_entry(struct config *cfg, int profile, size_t k, const char *v, int line)
{
	struct cfg_entry *e;

	cfg->entries = xreallocarray(cfg->entries, cfg->nentries + 1, sizeof *cfg->entries);
	e = &cfg->entries[cfg->nentries++];
	e->profile = profile;
	e->key = k;
	e->value = key_defs[k].type == KEY_PATH ? expand_path(v) : xstrdup(v);
	e->line = line;
}

/* Checks and stores key = value; messages carry no location yet. */
static bool
set_value(struct config *cfg, const char *key, const char *v, const struct cfg_where *w,
	  struct error *err)
{
	int k = key_index(key);

	if (k < 0) {
		return error_set(err, ERR_USAGE,
		    _("unknown key '%s'; see ezrizi(1) for the keys"), key);
	}
	if (!check_value((size_t)k, v, w, err))
		return false;
	add_entry(cfg, w->profile, (size_t)k, v, w->line);
	return true;
}

static int
profile_index(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->nprofiles; i++) {
		if (strcmp(cfg->profiles[i].name, name) == 0)
			return (int)i;
	}
	return -1;
}

static bool
valid_profile_name(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' || *s == '-'))
			return false;
	}
	return true;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims blanks at both ends in place; returns the new start. */
static char *
trim(char *s)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* "[profile NAME]": line is trimmed and starts with '['. */
static bool
parse_section(struct config *cfg, char *line, struct cfg_where *w, struct error *err)
{
	size_t n = strlen(line);
	char *inner, *name;
	int prev;

	if (n < 2 || line[n - 1] != ']') {
		return error_set(err, ERR_USAGE,
		    _("'%s' is not a section header; write [profile NAME]"), line);
	}
	line[n - 1] = '\0';
	inner = trim(line + 1);
	if (strncmp(inner, "profile", 7) != 0 || !is_blank(inner[7])) {
		return error_set(err, ERR_USAGE,
		    _("unknown section '[%s]'; sections are written [profile NAME]"), inner);
	}
	name = trim(inner + 8);
	if (!valid_profile_name(name)) {
		return error_set(err, ERR_USAGE,
		    _("'%s' is not a profile name; use letters, digits, '_', '.' and '-'"), name);
	}
	if ((prev = profile_index(cfg, name)) >= 0) {
		return error_set(err, ERR_USAGE,
		    _("profile '%s' is already defined on line %d; rename or merge one of them"),
		    name, cfg->profiles[prev].line);
	}
	cfg->profiles = xreallocarray(cfg->profiles, cfg->nprofiles + 1, sizeof *cfg->profiles);
	cfg->profiles[cfg->nprofiles].name = xstrdup(name);
	cfg->profiles[cfg->nprofiles].line = w->line;
	w->profile = (int)cfg->nprofiles++;
	return true;
}

/* Removes one pair of surrounding double quotes. */
static char *
unquote(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

/* Cuts the first word off s: s is the word, the rest is returned (trimmed). */
static char *
cut_word(char *s)
{
	char *rest = s;

	while (*rest != '\0' && !is_blank(*rest))
		rest++;
	if (*rest != '\0')
		*rest++ = '\0';
	return trim(rest);
}

/* "bind [-T TABLE] KEY COMMAND...": the table, the key's name and the command
 * are checked by the screen, which knows them; here only that the parts are
 * there. */
static bool
parse_bind(struct config *cfg, char *rest, struct cfg_where *w, struct error *err)
{
	char *key = trim(rest), *cmd, *table = NULL;
	struct config_binding *b;

	if (strcmp(key, "-T") == 0 || (strncmp(key, "-T", 2) == 0 && is_blank(key[2]))) {
		table = trim(key + 2);
		key = cut_word(table);
		if (*table == '\0')
			return error_set(err, ERR_USAGE, _("'bind -T' needs a key table, a key and a command, as in 'bind -T picker x choose'"));
	}
	cmd = cut_word(key);
	if (*key == '\0' || *cmd == '\0')
		return error_set(err, ERR_USAGE, _("'bind' needs a key and a command, as in 'bind j select down'"));
	cfg->binds = xreallocarray(cfg->binds, cfg->nbinds + 1, sizeof *cfg->binds);
	b = &cfg->binds[cfg->nbinds++];
	b->table = table != NULL ? xstrdup(table) : NULL;
	b->key = xstrdup(key);
	b->command = xstrdup(cmd);
	b->line = w->line;
	b->profile = w->profile;
	return true;
}

static bool
parse_line(struct config *cfg, char *line, struct cfg_where *w, struct error *err)
{
	char *eq, *key;

	line = trim(line);
	if (*line == '\0' || *line == '#')
		return true;
	if (*line == '[')
		return parse_section(cfg, line, w, err);
	if (strncmp(line, "bind", 4) == 0 && is_blank(line[4]))
		return parse_bind(cfg, line + 5, w, err);
	if ((eq = strchr(line, '=')) == NULL) {
		return error_set(err, ERR_USAGE,
		    _("'%s' is not a 'key = value' line; add the '=' or start the line with '#'"),
		    line);
	}
	*eq = '\0';
	key = trim(line);
	if (*key == '\0')
		return error_set(err, ERR_USAGE, _("a line starts with '='; put a key before it"));
	return set_value(cfg, key, unquote(trim(eq + 1)), w, err);
}

bool
config_load_string(struct config *cfg, const char *name, const char *text,
		   struct error *err)
{
	struct cfg_where w = { name, 0, PROFILE_TOP };
	char *copy, *line, *next;
	size_t n;
	bool ok = true;

	if (cfg->loaded)
		return error_set(err, ERR_FAILED, _("%s: the configuration is already loaded"), name);
	cfg->loaded = true;
	free(cfg->name);
	cfg->name = xstrdup(name);
	copy = xstrdup(text != NULL ? text : "");
	for (line = copy; ok && line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((n = strlen(line)) > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		w.line++;
		if (!(ok = parse_line(cfg, line, &w, err)))
			error_prefix(err, "%s:%d: ", name, w.line);
	}
	free(copy);
	return ok;
}

/* Reads a whole (small) file into a new string; NULL with errno on failure. */
static char *
read_file(const char *path, FILE *f, struct error *err)
{
	struct buf b;
	char chunk[4096];
	size_t n;

	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (memchr(chunk, '\0', n) != NULL || b.len + n > CONFIG_MAX_BYTES) {
			buf_finish(&b);
			error_set(err, ERR_USAGE,
			    _("%s does not look like a configuration file; check the path"), path);
			return NULL;
		}
		buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		buf_finish(&b);
		error_set(err, ERR_FAILED, _("cannot read %s: %s"), path, strerror(errno));
		return NULL;
	}
	return buf_steal(&b);
}

bool
config_load(struct config *cfg, const char *path, bool must_exist, struct error *err)
{
	FILE *f;
	char *text;
	bool ok;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && !must_exist)
			return true;
		if (errno == ENOENT) {
			return error_set(err, ERR_USAGE,
			    _("the configuration file %s does not exist; check the path"), path);
		}
		return error_set(err, ERR_FAILED, _("cannot open %s: %s"), path, strerror(errno));
	}
	text = read_file(path, f, err);
	fclose(f);
	if (text == NULL)
		return false;
	ok = config_load_string(cfg, path, text, err);
	free(text);
	return ok;
}

/* The value of key number k in scope profile, NULL when unset; the last wins. */
static const char *
lookup(const struct config *cfg, int profile, size_t k)
{
	size_t i;

	for (i = cfg->nentries; i-- > 0;) {
		if (cfg->entries[i].profile == profile && cfg->entries[i].key == k)
			return cfg->entries[i].value;
	}
	return NULL;
}

bool
config_select_profile(struct config *cfg, const char *name, struct error *err)
{
	int i;

	if (name == NULL && (name = config_get(cfg, "default_profile")) == NULL) {
		cfg->selected = PROFILE_TOP;
		return true;
	}
	if ((i = profile_index(cfg, name)) < 0) {
		return error_set(err, ERR_USAGE,
		    _("there is no profile '%s' in %s; add a [profile %s] section or name another"),
		    name, cfg->name != NULL ? cfg->name : _("the configuration"), name);
	}
	cfg->selected = i;
	return true;
}

const char *
config_profile(const struct config *cfg)
{
	if (cfg->selected < 0)
		return NULL;
	return cfg->profiles[cfg->selected].name;
}

bool
config_override(struct config *cfg, const char *key, const char *value, struct error *err)
{
	struct cfg_where w = { NULL, 0, PROFILE_OVERRIDE };

	return set_value(cfg, key, value != NULL ? value : "", &w, err);
}

const char *
config_get(const struct config *cfg, const char *key)
{
	int k = key_index(key);
	const char *v;

	if (k < 0)
		return NULL;
	if ((v = lookup(cfg, PROFILE_OVERRIDE, (size_t)k)) != NULL)
		return v;
	if (cfg->selected >= 0 && (v = lookup(cfg, cfg->selected, (size_t)k)) != NULL)
		return v;
	return lookup(cfg, PROFILE_TOP, (size_t)k);
}

long
config_get_long(const struct config *cfg, const char *key, long def)
{
	const char *v = config_get(cfg, key);
	char *end;
	long n;

	if (v == NULL)
		return def;
	n = strtol(v, &end, 10);
	return *end == '\0' && end != v ? n : def;
}

/* $VAR/suffix when VAR is an absolute path, else $HOME/fallback/suffix. */
static char *
xdg_path(const char *var, const char *fallback, const char *suffix)
{
	const char *dir = getenv(var);

	/* The XDG spec says relative values are invalid and must be ignored. */
	if (dir != NULL && dir[0] == '/')
		return xasprintf("%s/%s", dir, suffix);
	return xasprintf("%s/%s/%s", home_dir(), fallback, suffix);
}

char *
config_default_path(void)
{
	return xdg_path("XDG_CONFIG_HOME", ".config", "ezrizi/config");
}

char *
config_data_dir(void)
{
	return xdg_path("XDG_DATA_HOME", ".local/share", "ezrizi");
}

const struct config_binding *
config_bindings(const struct config *cfg, size_t *n)
{
	*n = cfg->nbinds;
	return cfg->binds;
}

bool
config_binding_applies(const struct config *cfg, const struct config_binding *b)
{
	return b->profile == PROFILE_TOP || b->profile == cfg->selected;
}

const char *
config_name(const struct config *cfg)
{
	return cfg->name != NULL ? cfg->name : "config";
}
