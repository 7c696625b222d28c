/* cmd/lexicon.c - lexicon: the risk words in use, where each comes from, and
 * whether a text would be marked. Local: nothing is asked of the server. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/i18n.h"
#include "core/lexicon.h"
#include "core/xmalloc.h"

static const struct out_col lex_cols[] = {
	{ "language", N_("Language"), false },
	{ "entry", N_("Word or phrase"), false },
	{ "source", N_("From"), false },
};
#define LEX_NCOLS (sizeof lex_cols / sizeof lex_cols[0])

static const struct cmd_option lexicon_opts[] = {
	{ .name = "match", .metavar = N_("TEXT"), .flags = OPT_VALUE, .kind = KIND_TEXT,
	  .help = N_("say whether a client's message of TEXT would be marked, and by which entry") },
	{ NULL },
};

static void
row(struct cmd_ctx *ctx, const struct lexicon_entry *le)
{
	const char *v[LEX_NCOLS] = { le->lang, le->text, le->where };

	result_row(ctx->result, v);
}

/* The table's closing words: that no reviewed lexicon ships, and what marks. */
static void
say_source(struct cmd_ctx *ctx, const struct lexicon *lx, size_t shipped)
{
	char *s;

	if (shipped == 0)
		/* TRANSLATORS: %s is the path of the shipped file of risk words. */
		s = xasprintf(_("No reviewed lexicon ships with ezrizi (%s holds no words): a client's message is marked for review only by your clinic's own words, risk_words_LANG and risk_words_file in the configuration (see ezrizi(1)). A mark never raises a flag and never leaves this machine."),
			      lexicon_shipped_path());
	else
		s = xasprintf(ngettext("%zu of these words come from the lexicon shipped in %s; the rest are your clinic's own. A mark never raises a flag and never leaves this machine.",
				       "%zu of these words come from the lexicon shipped in %s; the rest are your clinic's own. A mark never raises a flag and never leaves this machine.",
				       shipped), shipped, lexicon_shipped_path());
	if (lexicon_size(lx) == 0) {
		char *both = xasprintf("%s\n%s", _("No risk words are set, so no message is marked."), s);

		free(s);
		s = both;
	}
	result_after(ctx->result, s);
	free(s);
}

HANDLER(cmd_lexicon)
{
	const char *text = cmd_opt(e, a, "match");
	struct lexicon *lx;
	size_t shipped, which;

	(void)a;
	if (!lexicon_from_config(ctx->cfg, &lx, &shipped, err))
		return false;
	if (text != NULL) {
		bool hit = lexicon_match(lx, text, &which);

		result_records(ctx->result, lex_cols, LEX_NCOLS, NULL);
		if (hit)
			row(ctx, lexicon_entry(lx, which));
		result_after(ctx->result, hit ? _("A client's message of this text would be marked for review.")
				     : _("A client's message of this text would not be marked."));
	} else {
		result_records(ctx->result, lex_cols, LEX_NCOLS, NULL);
		for (size_t i = 0; i < lexicon_size(lx); i++)
			row(ctx, lexicon_entry(lx, i));
		say_source(ctx, lx, shipped);
	}
	lexicon_destroy(lx);
	return true;
}

const struct cmd_entry cmd_entry_lexicon = {
	.name = "lexicon",
	.summary = N_("List the risk words that mark a client's message for review (no reviewed lexicon ships: only the clinic's own)."),
	.opts = lexicon_opts,
	.exec = cmd_lexicon,
};
