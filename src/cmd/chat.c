/* cmd/chat.c - messages: chat, send. */
#include <stdlib.h>
#include <string.h>

#include "cmd/handlers.h"
#include "core/audit.h"
#include "core/chat.h"
#include "core/fsutil.h"
#include "core/flag.h"
#include "core/i18n.h"
#include "core/lexicon.h"
#include "core/privacy.h"
#include "core/xmalloc.h"

static const struct out_col msg_cols[] = {
	{ "id", N_("Id"), true },
	{ "sent", N_("Sent"), false },
	{ "sender_ref", N_("Sender id"), true },
	{ "sender_name", N_("From"), false },
	{ "status", N_("Status"), true },
	{ "thread_id", N_("Thread"), true },
	/* TRANSLATORS: a column: the client's message holds one of the clinic's
	 * risk words, for a clinician to review. */
	{ "review", N_("Review"), false },
	{ "text", N_("Message"), false },
};
#define MSG_NCOLS (sizeof msg_cols / sizeof msg_cols[0])

/* front: the user works at a front desk, who is not shown the mark. */
static void
msg_values(const struct cmd_ctx *ctx, const struct message *m, bool front, char sent[26],
	   const char *v[MSG_NCOLS])
{
	bool table = ctx->fmt == FMT_TABLE;

	v[0] = m->id;
	v[1] = cmd_time(ctx, m->sent, sent);
	v[2] = m->sender_ref;
	/* People read the reference when no name is known; scripts get null. */
	v[3] = m->sender_name != NULL || ctx->fmt != FMT_TABLE ? m->sender_name : m->sender_ref;
	v[4] = m->status;
	v[5] = m->thread_id;
	/* TRANSLATORS: the Review column of a message to review. */
	v[6] = front ? NULL : m->review ? (table ? _("review") : "true") : (table ? "" : "false");
	v[7] = m->text;
}

static bool
parse_since(const char *v, time_t *out, struct error *err)
{
	struct civil_date d;
	struct error derr;

	if (instant_parse(v, out) && strchr(v, 'T') != NULL)
		return true;
	error_clear(&derr);
	if (date_parse(v, date_today(), &d, &derr)) {
		*out = date_start(d);
		return true;
	}
	return error_set(err, ERR_USAGE,
			 _("'%s' is not a time; use a day (today, 2026-11-20, -7d) or an instant (2026-11-20T09:00:00Z)."), v);
}

static const struct cmd_option chat_opts[] = {
	{ .name = "since", .metavar = N_("TIME"), .flags = OPT_VALUE, .kind = KIND_DAY,
	  .help = N_("only messages sent since TIME (a day or an ISO 8601 instant)") },
	{ .name = "review",
	  .help = N_("only the client's messages that hold one of the clinic's risk words (see 'ezrizi lexicon')") },
	{ NULL },
};

/* What the table says after the messages of the marks: how many, or that no
 * word is set. */
static void
say_marks(struct cmd_ctx *ctx, const struct lexicon *lx, size_t marked)
{
	char *s;

	if (lexicon_size(lx) == 0) {
		result_after(ctx->result, _("No risk words are set, so no message is marked for review; see 'ezrizi lexicon'."));
		return;
	}
	if (marked == 0)
		return;
	s = xasprintf(ngettext("%zu message may speak of self-harm: review it.",
			       "%zu messages may speak of self-harm: review them.", marked), marked);
	result_after(ctx->result, s);
	free(s);
}

HANDLER(cmd_chat)
{
	const char *since_s = cmd_opt(e, a, "since");
	bool only = cmd_flag(e, a, "review"), front;
	struct lexicon *lx = NULL;
	struct message_list l;
	time_t since = 0;
	size_t marked = 0;

	if (since_s != NULL && !parse_since(since_s, &since, err))
		return false;
	if (!lexicon_from_config(ctx->cfg, &lx, NULL, err))
		return false;
	/* The messages are clinical (a receptionist printed a client's message
	 * about not wanting to live): a front desk is refused them, before any
	 * is fetched. */
	if (!privacy_clinical(&ctx->session, PRIVACY_CHAT, err)) {
		lexicon_destroy(lx);
		return false;
	}
	front = false;
	if (!chat_query(&ctx->session, a->argv[0], since, &l, err)) {
		lexicon_destroy(lx);
		return false;
	}
	(void)audit_record(&ctx->session, AUDIT_LIST, "Communication", a->argv[0], NULL);
	if (!front)
		marked = lexicon_mark(lx, &l);
	result_records(ctx->result, msg_cols, MSG_NCOLS, only ? _("No message to review.") : _("No messages."));
	for (size_t i = 0; i < l.n; i++) {
		const char *v[MSG_NCOLS];
		char sent[26];

		if (only && !l.v[i].review)
			continue;
		msg_values(ctx, &l.v[i], front, sent, v);
		result_row(ctx->result, v);
	}
	if (!front)
		say_marks(ctx, lx, marked);
	message_list_finish(&l);
	lexicon_destroy(lx);
	return true;
}

const struct cmd_entry cmd_entry_chat = {
	.name = "chat",
	.usage = N_("PATIENT-ID"),
	.summary = N_("Show the messages with a client."),
	.args = { 1, 1, { { KIND_PATIENT } } },
	.opts = chat_opts,
	.flags = CMD_SESSION,
	.exec = cmd_chat,
};

static const struct cmd_option send_opts[] = {
	{ .name = "file", .metavar = N_("FILE"), .flags = OPT_VALUE, .kind = KIND_FILE,
	  .help = N_("read the message from FILE ('-' for standard input)") },
	{ NULL },
};

HANDLER(cmd_send)
{
	struct message m;
	char *text = cmd_rest_text(ctx, e, a, 64 * 1024 + 1,
				   _("Give the message as TEXT or with --file, not both."), err);
	bool ok;

	if (text == NULL)
		return false;
	ok = chat_send(&ctx->session, a->argv[0], text, &m, err);
	free(text);
	if (!ok)
		return false;
	if (ctx->fmt == FMT_TABLE) {
		result_say(ctx->result, "%s", _("Sent."));
	} else {
		const char *v[MSG_NCOLS];
		char sent[26];

		msg_values(ctx, &m, false, sent, v);  /* ours: never marked */
		result_record(ctx->result, msg_cols, MSG_NCOLS, v, NULL);
	}
	message_finish(&m);
	return true;
}

const struct cmd_entry cmd_entry_send = {
	.name = "send",
	.usage = N_("PATIENT-ID [TEXT...]"),
	.summary = N_("Send a message to a client (the words of TEXT, or standard input)."),
	.args = { 1, 64, { { KIND_PATIENT }, { KIND_TEXT } } },
	.opts = send_opts,
	.flags = CMD_SESSION | CMD_QUEUES | CMD_INPUT | CMD_WORDS | CMD_REST | CMD_SENDS,
	.instead = N_("Type the message after the client's id: send ID TEXT."),
	.exec = cmd_send,
};
