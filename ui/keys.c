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

/* The default bindings, in the command language. %a is the selected
 * appointment's id, %p its client's. */
static const char *const defaults[][2] = {
	{ "q", "quit" },
	{ "C-c", "quit" },
	{ "Tab", "focus next" },
	{ "BTab", "focus prev" },
	{ "Down", "select down" },
	{ "j", "select down" },
	{ "Up", "select up" },
	{ "k", "select up" },
	{ "PageDown", "select pagedown" },
	{ "PageUp", "select pageup" },
	{ "Home", "select first" },
	{ "End", "select last" },
	{ "Right", "day next" },
	{ "Left", "day prev" },
	{ "]", "day next" },
	{ "[", "day prev" },
	{ "t", "day today" },
	{ "d", "command goto " },
	{ "w", "week" },
	{ "r", "reload" },
	{ "C-l", "redraw" },
	{ "?", "help" },
	{ "F1", "help" },
	{ ":", "command" },
	{ "L", "lock" },
	{ "i", "confirm checkin %a" },
	{ "n", "confirm noshow %a" },
	{ "x", "text reason cancel %a --reason" },
	{ "m", "pick-slot reschedule" },
	{ "b", "pick-slot book" },
	{ "s", "text message send %p" },
	{ "R", "retry" },
	{ "u", "next-unread" },
	{ "f", "command filter --practitioner " },
	{ "N", "write-note" },
	{ "E", "edit-note" },
	{ "p", "page-note" },
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

/* Adds or replaces the binding of k. */
static void
bind(struct keymap *m, const struct ui_key *k, const char *name, const char *command)
{
	struct binding *b = NULL;

	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].key.fn == k->fn && m->v[i].key.code == k->code)
			b = &m->v[i];
	}
	if (b == NULL) {
		m->v = xreallocarray(m->v, m->n + 1, sizeof *m->v);
		b = &m->v[m->n++];
		b->key = *k;
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

		if (!key_parse(defaults[i][0], &k))
			abort();
		bind(m, &k, defaults[i][0], defaults[i][1]);
	}
	cb = config_bindings(cfg, &n);
	for (size_t i = 0; i < n; i++) {
		struct ui_key k;
		struct error why;

		error_clear(&why);
		if (!config_binding_applies(cfg, &cb[i]))
			continue;
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
		bind(m, &k, cb[i].key, cb[i].command);
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
keymap_lookup(const struct keymap *m, const struct ui_key *k)
{
	for (size_t i = 0; i < m->n; i++) {
		if (m->v[i].key.fn == k->fn && m->v[i].key.code == k->code)
			return m->v[i].command;
	}
	return NULL;
}
