/* keys.c - see ui/keys.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "core/i18n.h"
#include "core/utf8.h"
#include "core/xmalloc.h"
#include "ui/keys.h"

/* The key tables (tmux's root, copy-mode...): "root" is the screen's, the
 * others a mode's (ui/mode.h), each under its mode's name. */
static const char *const tables[] = { "root", "overlay", "picker", "form", "confirm", "small" };

/* The default bindings, in the command language. %a is the selected
 * appointment's id, %p its client's. In a mode's table, a key that is not
 * bound there falls back as the mode says: in the overlay and the picker, a
 * root key that moves moves there too. */
static const struct { const char *table, *key, *command; } defaults[] = {
	{ "root", "q", "quit" },
	{ "root", "C-c", "quit" },
	{ "root", "Tab", "focus next" },
	{ "root", "BTab", "focus prev" },
	{ "root", "Down", "select down" },
	{ "root", "j", "select down" },
	{ "root", "Up", "select up" },
	{ "root", "k", "select up" },
	{ "root", "PageDown", "select pagedown" },
	{ "root", "PageUp", "select pageup" },
	{ "root", "Home", "select first" },
	{ "root", "End", "select last" },
	{ "root", "Right", "day next" },
	{ "root", "Left", "day prev" },
	{ "root", "]", "day next" },
	{ "root", "[", "day prev" },
	{ "root", "t", "day today" },
	{ "root", "d", "command goto " },
	{ "root", "w", "week" },
	{ "root", "r", "reload" },
	{ "root", "C-l", "redraw" },
	{ "root", "?", "help" },
	{ "root", "F1", "help" },
	{ "root", ":", "command" },
	{ "root", "L", "lock" },
	{ "root", "i", "confirm checkin %a" },
	{ "root", "n", "confirm noshow %a" },
	{ "root", "x", "text reason cancel %a --reason" },
	{ "root", "m", "pick-slot reschedule" },
	{ "root", "b", "pick-slot book" },
	{ "root", "s", "text message send %p" },
	{ "root", "R", "retry" },
	{ "root", "u", "next-unread" },
	{ "root", "f", "command filter --practitioner " },
	{ "root", "N", "write-note" },
	{ "root", "W", "worklist" },
	{ "root", "E", "edit-note" },
	{ "root", "G", "sign-note" },
	{ "root", "+", "add-addendum" },
	{ "root", "p", "page-note" },
	{ "root", "!", "text concern flag add %p --text" },
	{ "root", "A", "confirm flag ack --patient %p" },
	{ "root", "S", "score-chart" },
	{ "root", "C", "crisis-view %p" },
	{ "root", "P", "edit-safety-plan %p" },
	{ "root", "U", "read-escalation" },
	{ "root", "H", "text urgent escalate %p" },
	{ "root", "g", "command give " },
	/* The overlay (help, a command's output). */
	{ "overlay", "q", "close" },
	{ "overlay", "Escape", "close" },
	{ "overlay", "Enter", "close" },
	{ "overlay", "Down", "select down" },
	{ "overlay", "Up", "select up" },
	{ "overlay", "PageDown", "select pagedown" },
	{ "overlay", "PageUp", "select pageup" },
	{ "overlay", "Home", "select first" },
	{ "overlay", "End", "select last" },
	/* The free-slot picker. */
	{ "picker", "Enter", "choose" },
	{ "picker", "C-j", "choose" },
	{ "picker", "q", "close" },
	{ "picker", "Escape", "close" },
	{ "picker", "Down", "select down" },
	{ "picker", "Up", "select up" },
	{ "picker", "PageDown", "select pagedown" },
	{ "picker", "PageUp", "select pageup" },
	{ "picker", "Home", "select first" },
	{ "picker", "End", "select last" },
	/* The form (give): a digit answers the item and goes on. */
	{ "form", "0", "form answer 0" },
	{ "form", "1", "form answer 1" },
	{ "form", "2", "form answer 2" },
	{ "form", "3", "form answer 3" },
	{ "form", "4", "form answer 4" },
	{ "form", "5", "form answer 5" },
	{ "form", "6", "form answer 6" },
	{ "form", "7", "form answer 7" },
	{ "form", "8", "form answer 8" },
	{ "form", "9", "form answer 9" },
	{ "form", "-", "form answer -" },
	{ "form", "Backspace", "form back" },
	{ "form", "Up", "form back" },
	{ "form", "Down", "form next" },
	{ "form", "Enter", "form save" },
	{ "form", "C-j", "form save" },
	{ "form", "q", "form close" },
	{ "form", "Escape", "form close" },
	/* A question: y answers it, any other key says no. */
	{ "confirm", "y", "answer yes" },
	{ "confirm", "Y", "answer yes" },
	{ "confirm", "Any", "answer no" },
	/* The terminal is too small to draw on. */
	{ "small", "q", "quit" },
	{ "small", "C-c", "quit" },
};

static const struct { const char *name; int code; } named[] = {
	{ "Up", KEY_UP }, { "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
	{ "Home", KEY_HOME }, { "End", KEY_END }, { "PageUp", KEY_PPAGE },
	{ "PageDown", KEY_NPAGE }, { "BTab", KEY_BTAB }, { "Backspace", KEY_BACKSPACE },
	{ "Delete", KEY_DC },
};

static const struct { const char *name; int ch; } named_chars[] = {
	{ "Tab", '\t' }, { "Enter", '\r' }, { "Space", ' ' }, { "Escape", 27 },
};

bool
key_parse(const char *name, struct ui_key *k)
{
	uint32_t cp;
	size_t n = strlen(name), used;

	if (strcmp(name, "Any") == 0) {
		*k = (struct ui_key){ true, KEY_ANY };
		return true;
	}

	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		if (strcmp(name, named[i].name) == 0) {
			k->fn = true;
			k->code = named[i].code;
			return true;
		}
	}
	for (size_t i = 0; i < sizeof named_chars / sizeof named_chars[0]; i++) {
		if (strcmp(name, named_chars[i].name) == 0) {
			k->fn = false;
			k->code = named_chars[i].ch;
			return true;
		}
	}
	if (n == 3 && name[0] == 'C' && name[1] == '-' && name[2] >= 'a' && name[2] <= 'z') {
		k->fn = false;
		k->code = name[2] - 'a' + 1;
		return true;
	}
	if (name[0] == 'F' && n >= 2 && n <= 3) {
		int f = atoi(name + 1);

		if (f >= 1 && f <= 12) {
			k->fn = true;
			k->code = KEY_F(f);
			return true;
		}
	}
	used = utf8_decode(name, n, &cp);
	if (used == 0 || used != n || cp < 0x20 || cp == 0x7f)
		return false;
	k->fn = false;
	k->code = (int)cp;
	return true;
}

char *
ui_key_name(const struct ui_key *k)
{
	char buf[8];

	if (k->fn && k->code == KEY_ANY)
		return xstrdup("Any");

	for (size_t i = 0; k->fn && i < sizeof named / sizeof named[0]; i++) {
		if (named[i].code == k->code)
			return xstrdup(named[i].name);
	}
	if (k->fn && k->code >= KEY_F(1) && k->code <= KEY_F(12))
		return xasprintf("F%d", k->code - KEY_F(0));
	for (size_t i = 0; !k->fn && i < sizeof named_chars / sizeof named_chars[0]; i++) {
		if (named_chars[i].ch == k->code)
			return xstrdup(named_chars[i].name);
	}
	if (!k->fn && k->code >= 1 && k->code <= 26)
		return xasprintf("C-%c", 'a' + k->code - 1);
	buf[utf8_encode((uint32_t)k->code, buf)] = '\0';
	return xstrdup(buf);
}

/* The table named so (its static name), or NULL. */
static const char *
table_named(const char *name)
{
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		if (strcmp(tables[i], name) == 0)
			return tables[i];
	}
	return NULL;
}

const char *const *
keymap_tables(size_t *n)
{
	*n = sizeof tables / sizeof tables[0];
	return tables;
}

static bool
same_key(const struct ui_key *a, const struct ui_key *b)
{
	return a->fn == b->fn && a->code == b->code;
}

/* Adds or replaces the binding of k in table. */
static void
bind(struct keymap *m, const char *table, const struct ui_key *k, const char *name, const char *command)
{
	struct binding *b = NULL;

	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].table == table && same_key(&m->v[i].key, k))
			b = &m->v[i];
	}
	if (b == NULL) {
		m->v = xreallocarray(m->v, m->n + 1, sizeof *m->v);
		b = &m->v[m->n++];
		b->key = *k;
		b->table = table;
		b->name = xstrdup(name);
	} else {
		free(b->command);
	}
	b->command = xstrdup(command);
}

bool
keymap_init(struct keymap *m, const struct config *cfg,
	    bool (*check)(const char *line, struct error *err), struct error *err)
{
	const struct config_binding *cb;
	size_t n;

	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
		struct ui_key k;
		const char *table = table_named(defaults[i].table);

		if (table == NULL || !key_parse(defaults[i].key, &k))
			abort();
		bind(m, table, &k, defaults[i].key, defaults[i].command);
	}
	cb = config_bindings(cfg, &n);
	for (size_t i = 0; i < n; i++) {
		struct ui_key k;
		struct error why;
		const char *table = table_named(cb[i].table != NULL ? cb[i].table : "root");

		error_clear(&why);
		if (!config_binding_applies(cfg, &cb[i]))
			continue;
		if (table == NULL) {
			keymap_finish(m);
			/* TRANSLATORS: the table names are the keymap's own words, not to be translated. */
			return error_set(err, ERR_USAGE,
					 _("%s:%d: '%s' is not a key table; use root, overlay, picker, confirm or small, as in 'bind -T picker x choose'"),
					 config_name(cfg), cb[i].line, cb[i].table);
		}
		if (!key_parse(cb[i].key, &k)) {
			keymap_finish(m);
			return error_set(err, ERR_USAGE,
					 _("%s:%d: '%s' is not a key name; use a character, C-a, Up, PageDown, Tab, F1 or the like"),
					 config_name(cfg), cb[i].line, cb[i].key);
		}
		if (!check(cb[i].command, &why)) {
			keymap_finish(m);
			/* TRANSLATORS: "FILE:LINE: bind z: 'frobnicate' is not an ezrizi command; ..." */
			return error_set(err, ERR_USAGE, _("%s:%d: bind %s: %s"), config_name(cfg), cb[i].line,
					 cb[i].key, why.msg);
		}
		bind(m, table, &k, cb[i].key, cb[i].command);
	}
	return true;
}

void
keymap_finish(struct keymap *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].command);
	}
	free(m->v);
	memset(m, 0, sizeof *m);
}

const char *
keymap_lookup_in(const struct keymap *m, const char *table, const struct ui_key *k)
{
	static const struct ui_key any = { true, KEY_ANY };
	const char *t = table_named(table);

	for (int pass = 0; t != NULL && pass < 2; pass++) {
		for (size_t i = 0; i < m->n; i++) {
			if (m->v[i].table == t && same_key(&m->v[i].key, pass == 0 ? k : &any))
				return m->v[i].command;
		}
	}
	return NULL;
}

const char *
keymap_lookup(const struct keymap *m, const struct ui_key *k)
{
	return keymap_lookup_in(m, "root", k);
}
