/* template.h - note templates (SOAP, DAP, BIRP, free text) as data.
 *
 * A template is a text file, NAME.LANG, the text an editor opens with: its
 * headings, each a line that ends with a colon, in the UI's language. The
 * shipped ones are data/templates in the source tree (the binary finds them
 * beside itself in the build tree), installed as DATADIR/ezrizi/templates;
 * EZRIZI_DATADIR names another place holding templates/. A clinic overrides
 * one, or adds its own, in the config dir: $XDG_CONFIG_HOME/ezrizi/templates/
 * NAME.LANG, or NAME for every language. Looked for in that order:
 *     config dir NAME.LANG, config dir NAME, shipped NAME.LANG, shipped NAME.en
 * The counsellor's default is the config key note_template (free unless set). */
#ifndef EZRIZI_TEMPLATE_H
#define EZRIZI_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/error.h"

/* The URL of the extension that records on a note the template it was
 * written from (valueCode: the template's name). */
#define NOTE_TEMPLATE_URL "urn:ezrizi:note-template"

/* The longest template file read. */
#define TEMPLATE_MAX_BYTES (64 * 1024)

/* A template's name: 1 to 32 of a-z, 0-9 and '-'. */
bool template_name_ok(const char *name);

/* The template's text in lang ("ar"; NULL: the UI's language, English under
 * the C locale), looked for as said above. New string (free()), or NULL
 * with err: ERR_USAGE naming the template when there is none of that name,
 * or when its file is not UTF-8 text of at most TEMPLATE_MAX_BYTES. *where
 * (may be NULL) gets the file read (new string). */
char *template_load(const char *name, const char *lang, char **where, struct error *err);

/* The counsellor's default template (note_template, else "free"). */
const char *template_default(const struct config *cfg);

/* The names a choice offers: the shipped ones (soap, dap, birp, free) and
 * those of the config dir, NULL-terminated, sorted after the shipped ones.
 * Free with template_names_free. */
char **template_names(void);
void template_names_free(char **v);

/* What a choice shows for a template ("SOAP (Subjective, Objective,
 * Assessment, Plan)", in the user's language); a clinic's own, its name. */
const char *template_label(const char *name);

/* The structure of a note: its headings (lines that end with a colon, at
 * most 80 bytes) each followed by an empty line, its words left out. New
 * string, or NULL when the text has no heading. */
char *template_from_text(const char *text);

/* True when text is the template and nothing else (its headings and white
 * space only): a note not written yet. */
bool template_unchanged(const char *text, const char *tmpl);

/* Where the shipped templates are, and the config dir's (new strings). */
char *template_shipped_dir(void);
char *template_config_dir(void);

#endif
