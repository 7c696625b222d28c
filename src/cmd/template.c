/* cmd/template.c - note templates: note template. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/i18n.h"
#include "core/notes.h"
#include "core/template.h"
#include "core/xmalloc.h"

static const struct out_col template_cols[] = {
	{ "name", N_("Name"), false },
	{ "label", N_("Template"), false },
	{ "file", N_("File"), false },
};
#define TEMPLATE_NCOLS (sizeof template_cols / sizeof template_cols[0])

static const struct cmd_option note_template_opts[] = {
	{ .name = "lang", .metavar = N_("LANG"), .flags = OPT_VALUE,
	  .help = N_("in that language (ar, ur, ms, tr, en) instead of the UI's") },
	{ .name = "from-last", .metavar = N_("PATIENT-ID"), .flags = OPT_VALUE, .kind = KIND_PATIENT,
	  .help = N_("the structure of the client's last note: its headings, not its words") },
	{ NULL },
};

static bool
list_templates(struct cmd_ctx *ctx, const char *lang, struct error *err)
{
	char **names = template_names();

	result_records(ctx->result, template_cols, TEMPLATE_NCOLS, _("No note templates."));
	for (size_t i = 0; names[i] != NULL; i++) {
		char *where = NULL, *text = template_load(names[i], lang, &where, err);
		const char *v[TEMPLATE_NCOLS] = { names[i], template_label(names[i]), where };

		if (text == NULL) {
			template_names_free(names);
			return false;
		}
		result_row(ctx->result, v);
		free(text);
		free(where);
	}
	template_names_free(names);
	return true;
}

/* The structure of the client's newest note. New string, or NULL with err. */
static char *
from_last(struct cmd_ctx *ctx, const char *patient_id, struct error *err)
{
	struct note_list l;
	char *t = NULL;

	if (!notes_query(&ctx->session, patient_id, 1, &l, err))
		return NULL;
	if (l.n == 0)
		error_set(err, ERR_NOT_FOUND, _("Client %s has no note yet to start from; use a template."), patient_id);
	else if ((t = template_from_text(l.v[0].text)) == NULL)
		error_set(err, ERR_NOT_FOUND, _("The last note of client %s has no headings (lines ending with a colon) to start from; use a template."),
			  patient_id);
	note_list_finish(&l);
	return t;
}

HANDLER(cmd_note_template)
{
	const char *lang = cmd_opt(e, a, "lang"), *last = cmd_opt(e, a, "from-last");
	char *text;

	if (a->argc > 0 && last != NULL)
		return error_set(err, ERR_USAGE, _("Give a template's name or --from-last, not both."));
	if (a->argc == 0 && last == NULL)
		return list_templates(ctx, lang, err);
	if (last != NULL) {
		if (cmd_session(ctx, err) == NULL)
			return false;
		text = from_last(ctx, last, err);
	} else {
		text = template_load(a->argv[0], lang, NULL, err);
	}
	if (text == NULL)
		return false;
	result_take_text(ctx->result, text);
	return true;
}

const struct cmd_entry cmd_entry_note_template = {
	.name = "note template",
	.usage = N_("[NAME]"),
	.summary = N_("Print a note template (its headings in the UI's language), or list them; --from-last prints a client's last note's headings."),
	.args = { 0, 1, { { KIND_TEXT } } },
	.opts = note_template_opts,
	.exec = cmd_note_template,
};
