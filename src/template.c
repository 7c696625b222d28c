/* template.c - note templates as data; see include/core/template.h. */
#include "core/template.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "core/fold.h"
#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/utf8.h"
#include "core/xmalloc.h"

#define HEADING_MAX 80

struct shipped {
	const char *name;
	const char *label;   /* N_() */
};

static const struct shipped shipped[] = {
	/* TRANSLATORS: a note template; SOAP is its usual name, the words its headings. */
	{ "soap", N_("SOAP (Subjective, Objective, Assessment, Plan)") },
	/* TRANSLATORS: a note template; DAP is its usual name, the words its headings. */
	{ "dap", N_("DAP (Data, Assessment, Plan)") },
	/* TRANSLATORS: a note template; BIRP is its usual name, the words its headings. */
	{ "birp", N_("BIRP (Behaviour, Intervention, Response, Plan)") },
	/* TRANSLATORS: a note template with no headings. */
	{ "free", N_("Free text") },
};
#define NSHIPPED (sizeof shipped / sizeof shipped[0])

bool
template_name_ok(const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The build tree's copy beside the binary (build/data/templates). */
static char *
build_tree_dir(void)
{
	char exe[PATH_MAX], *slash, *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return NULL;
	*slash = '\0';
	dir = xasprintf("%s/data/templates", exe);
	if (is_dir(dir))
		return dir;
	free(dir);
	return NULL;
}

char *
template_shipped_dir(void)
{
	const char *env = getenv("EZRIZI_DATADIR");
	char *dir;

	if (env != NULL && env[0] != '\0')
		return xasprintf("%s/templates", env);
	if ((dir = build_tree_dir()) != NULL)
		return dir;
	return xstrdup(EZRIZI_DATADIR "/ezrizi/templates");
}

char *
template_config_dir(void)
{
	char *cfg = config_default_path(), *slash = strrchr(cfg, '/'), *dir;

	if (slash != NULL)
		*slash = '\0';
	dir = xasprintf("%s/templates", slash != NULL ? cfg : ".");
	free(cfg);
	return dir;
}

/* The file's text; NULL with *missing when there is none, NULL with err when
 * it is there and bad. */
static char *
read_template(const char *path, bool *missing, struct error *err)
{
	struct stat st;
	struct error e;
	size_t len;
	char *text;

	*missing = false;
	if (stat(path, &st) != 0 && errno == ENOENT) {
		*missing = true;
		return NULL;
	}
	error_clear(&e);
	if ((text = fs_read_all(path, TEMPLATE_MAX_BYTES + 1, &len, &e)) == NULL) {
		error_set(err, ERR_USAGE, _("The note template %s cannot be read (%s); fix or remove it."), path, e.msg);
		return NULL;
	}
	if (len > TEMPLATE_MAX_BYTES || memchr(text, '\0', len) != NULL || !utf8_valid(text, len)) {
		free(text);
		error_set(err, ERR_USAGE, _("The note template %s is not UTF-8 text of at most 64 KiB; fix or remove it."), path);
		return NULL;
	}
	return text;
}

char *
template_load(const char *name, const char *lang, char **where, struct error *err)
{
	char *cdir = template_config_dir(), *sdir = template_shipped_dir(), *paths[4], *text = NULL;
	bool missing = true;

	if (where != NULL)
		*where = NULL;
	if (!template_name_ok(name)) {
		free(cdir);
		free(sdir);
		error_set(err, ERR_USAGE, _("'%s' is not a note template's name: letters a-z, digits and '-', at most 32."),
			  name != NULL ? name : "");
		return NULL;
	}
	if (lang == NULL && (lang = fold_user_lang()) == NULL)
		lang = "en";
	paths[0] = xasprintf("%s/%s.%s", cdir, name, lang);
	paths[1] = xasprintf("%s/%s", cdir, name);
	paths[2] = xasprintf("%s/%s.%s", sdir, name, lang);
	paths[3] = xasprintf("%s/%s.en", sdir, name);
	for (size_t i = 0; i < 4 && missing; i++) {
		text = read_template(paths[i], &missing, err);
		if (text != NULL && where != NULL)
			*where = xstrdup(paths[i]);
		if (text == NULL && !missing)
			break;
	}
	if (text == NULL && missing)
		error_set(err, ERR_USAGE, _("There is no note template '%s'; 'ezrizi note template' lists them (a clinic's own go in %s)."),
			  name, cdir);
	for (size_t i = 0; i < 4; i++)
		free(paths[i]);
	free(cdir);
	free(sdir);
	return text;
}

const char *
template_default(const struct config *cfg)
{
	const char *v = cfg != NULL ? config_get(cfg, "note_template") : NULL;

	return v != NULL ? v : "free";
}

static int
name_cmp(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

/* NAME or NAME.LANG in the config dir: its NAME, when it is one. */
static char *
name_of_file(const char *file)
{
	const char *dot = strchr(file, '.');
	char *name = dot != NULL ? xstrndup(file, (size_t)(dot - file)) : xstrdup(file);

	if (!template_name_ok(name)) {
		free(name);
		return NULL;
	}
	return name;
}

static bool
listed(char **v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return true;
	return false;
}

char **
template_names(void)
{
	char *cdir = template_config_dir();
	DIR *d = opendir(cdir);
	size_t n = 0, cap = NSHIPPED + 8, first_own;
	char **v = xcalloc(cap + 1, sizeof *v);
	struct dirent *de;

	for (size_t i = 0; i < NSHIPPED; i++)
		v[n++] = xstrdup(shipped[i].name);
	first_own = n;
	while (d != NULL && (de = readdir(d)) != NULL) {
		char *name = de->d_name[0] != '.' ? name_of_file(de->d_name) : NULL;

		if (name == NULL || listed(v, n, name) || n >= 200) {
			free(name);
			continue;
		}
		if (n == cap) {
			cap *= 2;
			v = xreallocarray(v, cap + 1, sizeof *v);
		}
		v[n++] = name;
	}
	if (d != NULL)
		closedir(d);
	v[n] = NULL;
	qsort(v + first_own, n - first_own, sizeof *v, name_cmp);
	free(cdir);
	return v;
}

void
template_names_free(char **v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

const char *
template_label(const char *name)
{
	for (size_t i = 0; i < NSHIPPED; i++)
		if (strcmp(shipped[i].name, name) == 0)
			return _(shipped[i].label);
	return name;
}

/* The line [s, e) without white space at its ends. */
static void
trim(const char **s, const char **e)
{
	while (*s < *e && strchr(" \t\r", **s) != NULL)
		(*s)++;
	while (*e > *s && strchr(" \t\r", (*e)[-1]) != NULL)
		(*e)--;
}

static bool
is_heading(const char *s, const char *e)
{
	size_t n = (size_t)(e - s);

	if (n < 2 || n > HEADING_MAX)
		return false;
	if (s[n - 1] == ':')
		return memchr(s, ':', n - 1) == NULL;
	/* U+FF1A FULLWIDTH COLON */
	return n > 3 && memcmp(e - 3, "\xef\xbc\x9a", 3) == 0;
}

char *
template_from_text(const char *text)
{
	struct buf b;
	const char *p = text;

	if (text == NULL)
		return NULL;
	buf_init(&b);
	while (*p != '\0') {
		const char *nl = strchr(p, '\n'), *e = nl != NULL ? nl : p + strlen(p), *s = p;

		trim(&s, &e);
		if (is_heading(s, e)) {
			buf_add(&b, s, (size_t)(e - s));
			buf_adds(&b, "\n\n");
		}
		p = nl != NULL ? nl + 1 : e + strlen(e);
	}
	if (b.len == 0) {
		buf_finish(&b);
		return NULL;
	}
	return buf_steal(&b);
}

/* The text's lines that are not white space, joined by '\n' (new string). */
static char *
bare(const char *text)
{
	struct buf b;
	const char *p = text;

	buf_init(&b);
	buf_add(&b, "", 0);
	while (*p != '\0') {
		const char *nl = strchr(p, '\n'), *e = nl != NULL ? nl : p + strlen(p), *s = p;

		trim(&s, &e);
		if (s < e) {
			buf_add(&b, s, (size_t)(e - s));
			buf_addc(&b, '\n');
		}
		p = nl != NULL ? nl + 1 : e;
	}
	return buf_steal(&b);
}

bool
template_unchanged(const char *text, const char *tmpl)
{
	char *a, *b;
	bool same;

	if (text == NULL || tmpl == NULL)
		return false;
	a = bare(text);
	b = bare(tmpl);
	same = b[0] != '\0' && strcmp(a, b) == 0;
	free(a);
	free(b);
	return same;
}
