/* cmd.c - the command table, the parser and generated help; see include/core/cmd.h. */
#include "core/cmd.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cmd/handlers.h"
#include "core/appt.h"
#include "config.h"
#include "core/fhir.h"
#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/outbox.h"
#include "core/xmalloc.h"

static const struct cmd_option no_opts[] = { { NULL, NULL, NULL, 0 } };

static const char *const appt_types[] = { "routine", "followup", "walkin", "checkup", "emergency", NULL };
static const char *const note_types[] = { "progress", "consult", NULL };

static const struct cmd_option appointments_opts[] = {
	{ "date", N_("DAY"), N_("the day to list (default today)"), OPT_VALUE },
	{ "from", N_("DAY"), N_("the first day of a range"), OPT_VALUE },
	{ "to", N_("DAY"), N_("the last day of a range (default: the first day)"), OPT_VALUE },
	{ "practitioner", N_("ID"), N_("a counsellor's id, 'me' (the default) or 'all'"), OPT_VALUE },
	{ "patient", N_("ID"), N_("only this client's appointments"), OPT_VALUE },
	{ "status", N_("STATUS"), N_("only this status: proposed, pending, booked, arrived (or checked-in: the same), fulfilled, cancelled, noshow, entered-in-error, waitlist"), OPT_VALUE, appt_statuses },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option slots_opts[] = {
	{ "practitioner", N_("ID"), N_("a counsellor's id or 'me'"), OPT_VALUE },
	{ "language", N_("LANG"), N_("counsellors who speak this language (ar, ur, ms, tr, en)"), OPT_VALUE },
	{ "date", N_("DAY"), N_("one day"), OPT_VALUE },
	{ "from", N_("DAY"), N_("the first day (default today)"), OPT_VALUE },
	{ "to", N_("DAY"), N_("the last day (default: a week from the first)"), OPT_VALUE },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option book_opts[] = {
	{ "slot", N_("ID"), N_("the free slot to book"), OPT_VALUE | OPT_REQUIRED },
	{ "patient", N_("ID"), N_("the client"), OPT_VALUE | OPT_REQUIRED },
	{ "type", N_("TYPE"), N_("routine, followup, walkin, checkup or emergency"), OPT_VALUE, appt_types },
	{ "comment", N_("TEXT"), N_("a comment for the counsellor"), OPT_VALUE },
	{ "allow-overlap", NULL, N_("book even if the client has another session at that time"), 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option reschedule_opts[] = {
	{ "slot", N_("ID"), N_("the free slot to move to"), OPT_VALUE | OPT_REQUIRED },
	{ "allow-overlap", NULL, N_("move even if the client has another session at that time"), 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option cancel_opts[] = {
	{ "reason", N_("TEXT"), N_("why it is cancelled"), OPT_VALUE },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option patients_opts[] = {
	{ "search", N_("TEXT"), N_("part of the client's name"), OPT_VALUE },
	{ "language", N_("LANG"), N_("clients who speak this language"), OPT_VALUE },
	{ "limit", N_("N"), N_("at most N clients (default 50)"), OPT_VALUE },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option notes_opts[] = {
	{ "limit", N_("N"), N_("at most N notes, newest first (default 50)"), OPT_VALUE },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option note_add_opts[] = {
	{ "type", N_("TYPE"), N_("progress (the default) or consult"), OPT_VALUE, note_types },
	{ "file", N_("FILE"), N_("read the note from FILE instead of standard input"), OPT_VALUE },
	{ "draft", NULL, N_("save as a draft (preliminary) instead of signed"), 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option note_edit_opts[] = {
	{ "file", N_("FILE"), N_("read the new text from FILE instead of standard input"), OPT_VALUE },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option chat_opts[] = {
	{ "since", N_("TIME"), N_("only messages sent since TIME (a day or an ISO 8601 instant)"), OPT_VALUE },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option send_opts[] = {
	{ "file", N_("FILE"), N_("read the message from FILE ('-' for standard input)"), OPT_VALUE },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option status_opts[] = {
	{ "any-day", NULL, N_("also for an appointment of another day than today"), 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option help_opts[] = {
	{ "roff", NULL, N_("print the command list as the man page's roff source"), 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option login_opts[] = {
	{ "user", N_("NAME"), N_("the username, for the password login (default: the config's username)"), OPT_VALUE },
	{ "method", N_("METHOD"), N_("password, browser (a browser here, or paste the address it ends on), device (a code to enter on any device) or client (default: login_method, else the first the server offers)"), OPT_VALUE },
	{ "client", NULL, N_("log in as a script, with client_id and its secret (as --method client)"), 0 },
	{ "no-qr", NULL, N_("do not draw a QR code of the login address"), 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option wipe_opts[] = {
	{ "discard-unsent", NULL, N_("wipe even when writes wait for the server: they are lost"), 0 },
	{ NULL, NULL, NULL, 0 },
};

static const struct cmd_option unlock_opts[] = {
	{ "for", N_("DURATION"), N_("how long: 90s, 30m, 8h, 2d (default: unlock_for, else 8h)"), OPT_VALUE },
	{ NULL, NULL, NULL, 0 },
};

/* Sorted by name: cmd_find() searches it with bsearch(). */
static const struct cmd_entry table[] = {
	{ "appointment", N_("ID"), N_("Show one appointment."), no_opts, 1, 1, true, cmd_appointment },
	{ "appointments", NULL, N_("List appointments (default: today's, yours)."), appointments_opts, 0, 0, true, cmd_appointments },
	{ "book", NULL, N_("Book a free slot for a client."), book_opts, 0, 0, true, cmd_book, CMD_QUEUES },
	{ "cache verify", NULL, N_("Check every record of the local cache and remove the damaged ones; damaged records are rebuilt from what can still be read, the writes waiting for the server first."), no_opts, 0, 0, false, cmd_cache_verify },
	{ "cache wipe", N_("yes"), N_("Remove the local cache and the stored login; refused while writes wait for the server, unless --discard-unsent."), wipe_opts, 0, 1, false, cmd_cache_wipe },
	{ "cancel", N_("ID"), N_("Cancel an appointment and free its slot."), cancel_opts, 1, 1, true, cmd_cancel, CMD_QUEUES },
	{ "chat", N_("PATIENT-ID"), N_("Show the messages with a client."), chat_opts, 1, 1, true, cmd_chat },
	{ "checkin", N_("ID"), N_("Check a client in for an appointment."), status_opts, 1, 1, true, cmd_checkin, CMD_QUEUES },
	{ "help", N_("[COMMAND]"), N_("List the commands, or explain one."), help_opts, 0, 2, false, cmd_help_cmd, CMD_WORDS },
	{ "lock", NULL, N_("Close the local cache to scripts again (ends 'ezrizi unlock')."), no_opts, 0, 0, false, cmd_lock },
	{ "login", NULL, N_("Log in as the server offers (password, browser, device code) and keep the session."), login_opts, 0, 0, true, cmd_login },
	{ "logout", NULL, N_("Forget the stored login."), no_opts, 0, 0, true, cmd_logout },
	{ "noshow", N_("ID"), N_("Mark an appointment as a no-show."), status_opts, 1, 1, true, cmd_noshow, CMD_QUEUES },
	{ "note", N_("ID"), N_("Show one session note in full."), no_opts, 1, 1, true, cmd_note },
	{ "note add", N_("PATIENT-ID"), N_("Write a session note for a client."), note_add_opts, 1, 1, true, cmd_note_add, CMD_QUEUES | CMD_INPUT },
	{ "note edit", N_("ID"), N_("Change a note: a draft in place, a signed note by an amendment that replaces it."), note_edit_opts, 1, 1, true, cmd_note_edit, CMD_QUEUES | CMD_INPUT },
	{ "notes", N_("PATIENT-ID"), N_("List a client's session notes, newest first."), notes_opts, 1, 1, true, cmd_notes },
	{ "outbox", NULL, N_("List the writes waiting for the server, and those it refused."), no_opts, 0, 0, false, cmd_outbox },
	{ "outbox discard", N_("SEQ"), N_("Drop a waiting or refused write for good."), no_opts, 1, 1, false, cmd_outbox_discard },
	{ "outbox retry", N_("[SEQ]"), N_("Send refused writes again (all without SEQ)."), no_opts, 0, 1, true, cmd_outbox_retry },
	{ "passwd", NULL, N_("Change the local cache's passphrase."), no_opts, 0, 0, false, cmd_passwd },
	{ "patient", N_("ID"), N_("Show one client."), no_opts, 1, 1, true, cmd_patient },
	{ "patients", NULL, N_("Find clients by name or language."), patients_opts, 0, 0, true, cmd_patients },
	{ "reschedule", N_("ID"), N_("Move an appointment to another free slot."), reschedule_opts, 1, 1, true, cmd_reschedule, CMD_QUEUES },
	{ "send", N_("PATIENT-ID [TEXT...]"), N_("Send a message to a client (the words of TEXT, or standard input)."), send_opts, 1, 64, true, cmd_send, CMD_QUEUES | CMD_INPUT | CMD_WORDS | CMD_REST },
	{ "slots", NULL, N_("List free slots (default: the coming week)."), slots_opts, 0, 0, true, cmd_slots },
	{ "sync", NULL, N_("Send the writes waiting in the outbox, then bring the local cache up to date."), no_opts, 0, 0, true, cmd_sync },
	{ "unlock", NULL, N_("Open the local cache for scripts for a while, as ssh-agent does."), unlock_opts, 0, 0, false, cmd_unlock },
	{ "version", NULL, N_("Show the version."), no_opts, 0, 0, false, cmd_version },
	{ "whoami", NULL, N_("Show the server and who you are logged in as."), no_opts, 0, 0, true, cmd_whoami },
};

const struct cmd_entry *
cmd_table(size_t *n)
{
	*n = sizeof table / sizeof table[0];
	return table;
}

static int
entry_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cmd_entry *)elem)->name);
}

const struct cmd_entry *
cmd_find(const char *name)
{
	static bool checked;

	/* bsearch needs the table sorted: a new entry in the wrong place would
	 * make commands vanish, so say so at once. */
	for (size_t i = 1; !checked && i < sizeof table / sizeof table[0]; i++) {
		if (strcmp(table[i - 1].name, table[i].name) >= 0)
			abort();
	}
	checked = true;
	return bsearch(name, table, sizeof table / sizeof table[0], sizeof table[0], entry_cmp);
}

/* True when w is the second word of a two-word command ("add" of "note add"). */
static bool
subcommand_word(const char *w)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		const char *sp = strchr(table[i].name, ' ');

		if (sp != NULL && strcmp(sp + 1, w) == 0)
			return true;
	}
	return false;
}

static int
opt_index(const struct cmd_entry *e, const char *name, size_t len)
{
	for (int i = 0; e->opts[i].name != NULL; i++) {
		if (strlen(e->opts[i].name) == len && strncmp(e->opts[i].name, name, len) == 0)
			return i;
	}
	return -1;
}

bool
cmd_has_opt(const struct cmd_entry *e, const char *name)
{
	return opt_index(e, name, strlen(name)) >= 0;
}

const char *
cmd_opt(const struct cmd_entry *e, const struct cmd_args *a, const char *name)
{
	int i = opt_index(e, name, strlen(name));

	return i >= 0 ? a->value[i] : NULL;
}

bool
cmd_flag(const struct cmd_entry *e, const struct cmd_args *a, const char *name)
{
	int i = opt_index(e, name, strlen(name));

	return i >= 0 && a->given[i];
}

struct session *
cmd_session(struct cmd_ctx *ctx, struct error *err)
{
	if (!ctx->have_session) {
		if (!session_init(&ctx->session, ctx->cfg, err)) {
			session_finish(&ctx->session);
			return NULL;
		}
		ctx->have_session = true;
		ctx->session.offline = ctx->offline;
		if (ctx->notice != NULL) {
			http_set_notice(ctx->session.http, ctx->notice, ctx->notice_arg);
			if (ctx->session.warning != NULL)
				ctx->notice(ctx->session.warning, ctx->notice_arg);
		}
	}
	return &ctx->session;
}

void
cmd_ctx_finish(struct cmd_ctx *ctx)
{
	if (ctx->have_session)
		session_finish(&ctx->session);
	ctx->have_session = false;
}

static bool __attribute__((format(printf, 3, 4)))
usage_error(const struct cmd_entry *e, struct error *err, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);

	/* TRANSLATORS: the first %s is a sentence saying what is wrong, the second a command name. */
	error_set(err, ERR_USAGE, _("%s See 'ezrizi help %s'."), msg, e->name);
	free(msg);
	return false;
}

static bool
one_of(const char *const *choices, const char *v)
{
	if (choices == NULL)
		return true;
	for (; *choices != NULL; choices++) {
		if (strcmp(*choices, v) == 0)
			return true;
	}
	return false;
}

static bool
bad_choice(const struct cmd_entry *e, const struct cmd_option *o, const char *v, struct error *err)
{
	struct buf b;
	bool r;

	buf_init(&b);
	for (const char *const *c = o->choices; *c != NULL; c++)
		buf_addf(&b, "%s%s", c == o->choices ? "" : ", ", *c);
	/* TRANSLATORS: "'waiting' is not a value of --status; use proposed, pending, ..." */
	r = usage_error(e, err, _("'%s' is not a value of --%s; use %s."), v, o->name, b.data);
	buf_finish(&b);
	return r;
}

/* Fills a from the words after the command's name. */
static bool
parse_args(const struct cmd_entry *e, int argc, char **argv, struct cmd_args *a,
	   struct error *err)
{
	bool opts_done = false;

	memset(a, 0, sizeof *a);
	a->argv = xcalloc((size_t)argc + 1, sizeof *a->argv);
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i], *eq;
		int k;

		if (opts_done || strncmp(w, "--", 2) != 0 || w[2] == '\0') {
			if (!opts_done && strcmp(w, "--") == 0) {
				opts_done = true;
				continue;
			}
			a->argv[a->argc++] = argv[i];
			continue;
		}
		eq = strchr(w + 2, '=');
		k = opt_index(e, w + 2, eq != NULL ? (size_t)(eq - w - 2) : strlen(w + 2));
		if (k < 0)
			return usage_error(e, err, _("Unknown option %s."), w);
		if (a->given[k])
			return usage_error(e, err, _("The option %s is given twice."), w);
		a->given[k] = true;
		if (!(e->opts[k].flags & OPT_VALUE)) {
			if (eq != NULL)
				return usage_error(e, err, _("The option --%s takes no value."), e->opts[k].name);
			continue;
		}
		if (eq != NULL)
			a->value[k] = eq + 1;
		else if (i + 1 < argc)
			a->value[k] = argv[++i];
		else
			return usage_error(e, err, _("The option --%s needs a value."), e->opts[k].name);
		if (!one_of(e->opts[k].choices, a->value[k]))
			return bad_choice(e, &e->opts[k], a->value[k], err);
	}
	for (int k = 0; e->opts[k].name != NULL; k++) {
		if ((e->opts[k].flags & OPT_REQUIRED) && !a->given[k])
			return usage_error(e, err, _("The option --%s is required."), e->opts[k].name);
	}
	if (a->argc < e->min_args)
		return usage_error(e, err, _("Missing %s."), e->args != NULL ? _(e->args) : "");
	if (a->argc > e->max_args)
		return usage_error(e, err, _("Too many arguments, starting at '%s'."), a->argv[e->max_args]);
	return true;
}

void
cmd_forget_input(struct cmd_ctx *ctx)
{
	if (ctx->input != NULL)
		sodium_memzero(ctx->input, ctx->input_len);
	free(ctx->input);
	ctx->input = NULL;
	ctx->input_len = 0;
	ctx->input_given = false;
}

const char *
cmd_read_input(struct cmd_ctx *ctx, const char *file, size_t max, size_t *len, struct error *err)
{
	if (!ctx->input_given) {
		char *text = fs_read_all(file != NULL ? file : "-", max, len, err);

		if (text == NULL)
			return NULL;
		if (memchr(text, '\0', *len) != NULL) {
			free(text);
			error_set(err, ERR_USAGE, _("The text holds a NUL byte; it is not text. Nothing was done."));
			return NULL;
		}
		cmd_forget_input(ctx);
		ctx->input = text;
		ctx->input_len = *len;
		ctx->input_given = true;
	}
	*len = ctx->input_len;
	return ctx->input;
}

/* The server could not be reached at all (no answer, or 5xx after retries). */
static bool
unreachable(const struct cmd_ctx *ctx, const struct error *err)
{
	return err->kind == ERR_NETWORK && ctx->have_session && ctx->session.store != NULL;
}

/* Puts the command in the outbox, its text read now: it is sent later by
 * itself, under the same write id. */
static bool
queue(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a, int argc,
      char **argv, struct error *err)
{
	struct session *s = &ctx->session;
	const char *file = (e->flags & CMD_INPUT) ? cmd_opt(e, a, "file") : NULL;
	bool text_in_args = strcmp(e->name, "send") == 0 && a->argc >= 2;
	char **words = xcalloc((size_t)argc + 1, sizeof *words);
	int n = 0;
	size_t len = 0;
	struct outbox_list l;
	bool ok;

	if ((e->flags & CMD_INPUT) && !text_in_args && cmd_read_input(ctx, file, 1024 * 1024 + 1, &len, err) == NULL) {
		free(words);
		return false;
	}
	/* The text goes with the item: a --file may be gone when it is sent. */
	for (int i = 0; i < argc; i++) {
		if (file != NULL && strncmp(argv[i], "--file", 6) == 0) {
			if (argv[i][6] == '\0')
				i++;
			continue;
		}
		words[n++] = argv[i];
	}
	if (s->request_id[0] == '\0')
		fhir_uuid(s->request_id);
	error_clear(err);
	if (s->store == NULL && s->store_err.kind != ERR_NONE && s->store_err.kind != ERR_NOT_FOUND) {
		/* Why the write cannot wait: a locked or damaged store says so. */
		*err = s->store_err;
		free(words);
		return false;
	}
	ok = outbox_add(s->store, e->name, n, words, ctx->input_given ? ctx->input : NULL, ctx->input_len,
			s->request_id, err);
	free(words);
	if (ok && outbox_list(s->store, &l, err)) {
		if (ctx->fmt == FMT_TABLE)
			fprintf(ctx->out, ngettext("Queued: it goes to the server by itself when it can be reached (%zu waiting; see 'ezrizi outbox').\n",
						   "Queued: it goes to the server by itself when it can be reached (%zu waiting; see 'ezrizi outbox').\n",
						   l.n), l.n);
		else
			fprintf(ctx->out, ctx->fmt == FMT_JSON ? "{\"queued\":\"%zu\"}\n" : "queued\n%zu\n", l.n);
		outbox_list_finish(&l);
	}
	return ok;
}

bool
cmd_run_argv(struct cmd_ctx *ctx, int argc, char **argv, struct error *err)
{
	const struct cmd_entry *e = NULL;
	struct cmd_args a;
	int used = 1;
	bool ok;

	if (argc == 0)
		return error_set(err, ERR_USAGE, _("No command given; see 'ezrizi help'."));
	/* Each command has the whole max_wait; a replay is part of 'sync'. */
	if (ctx->have_session && !ctx->replaying)
		http_wait_reset(ctx->session.http);
	if (argc >= 2) {
		char *two = xasprintf("%s %s", argv[0], argv[1]);

		e = cmd_find(two);
		free(two);
		used = e != NULL ? 2 : 1;
	}
	if (e == NULL)
		e = cmd_find(argv[0]);
	if (e == NULL)
		return error_set(err, ERR_USAGE, _("'%s' is not an ezrizi command; see 'ezrizi help'."), argv[0]);
	if (used == 1 && argc >= 2 && !(e->flags & CMD_WORDS) && subcommand_word(argv[1]))
		/* "patient add": a word that names a command elsewhere ("note add"),
		 * not an id. */
		return error_set(err, ERR_USAGE, _("There is no '%s %s' command; see 'ezrizi help'."), argv[0], argv[1]);
	ok = parse_args(e, argc - used, argv + used, &a, err);
	if (ok && e->needs_server && cmd_session(ctx, err) == NULL)
		ok = false;
	if (ok && (e->flags & CMD_QUEUES) && !ctx->replaying) {
		ctx->session.request_id[0] = '\0';
		if (ctx->offline)
			ok = queue(ctx, e, &a, argc, argv, err);
		else if (!(ok = e->fn(ctx, e, &a, err)) && unreachable(ctx, err))
			ok = queue(ctx, e, &a, argc, argv, err);
	} else if (ok) {
		ok = e->fn(ctx, e, &a, err);
	}
	free(a.argv);
	if (!ctx->replaying)
		cmd_forget_input(ctx);
	fflush(ctx->out);
	return ok;
}

/* ---- words ---- */

void
cmd_words_free(char **words)
{
	if (words == NULL)
		return;
	for (char **w = words; *w != NULL; w++)
		free(*w);
	free(words);
}

/* Reads the next word of the command language at *pp into a new string and
 * moves *pp past it; NULL at the end of the line or at a comment, and NULL
 * with *failed set (and err) when a quote is not closed. */
static char *
next_word(const char **pp, bool *failed, struct error *err)
{
	const char *p = *pp;
	struct buf w;
	char quote = 0;

	*failed = false;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	*pp = p;
	if (*p == '\0' || *p == '#')
		return NULL;
	buf_init(&w);
	while (*p != '\0' && (quote != 0 || (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n'))) {
		if (quote == 0 && (*p == '\'' || *p == '"')) {
			quote = *p++;
		} else if (quote != 0 && *p == quote) {
			quote = 0;
			p++;
		} else if (*p == '\\' && quote != '\'' && p[1] != '\0') {
			buf_addc(&w, p[1]);
			p += 2;
		} else {
			buf_addc(&w, *p++);
		}
	}
	if (quote != 0) {
		buf_finish(&w);
		*failed = true;
		error_set(err, ERR_USAGE, _("A quote is not closed."));
		return NULL;
	}
	*pp = p;
	return buf_steal(&w);
}

/* Splits at most max words (max < 0: all); *rest (may be NULL) gets where
 * the words stopped. */
static char **
split_words(const char *line, int max, int *argc, const char **rest, struct error *err)
{
	char **words = xcalloc(1, sizeof *words);
	const char *p = line;
	int n = 0;
	bool failed;
	char *w;

	while ((max < 0 || n < max) && (w = next_word(&p, &failed, err)) != NULL) {
		words = xreallocarray(words, (size_t)n + 2, sizeof *words);
		words[n++] = w;
		words[n] = NULL;
	}
	if (max < 0 || n < max) {
		if (failed) {
			cmd_words_free(words);
			return NULL;
		}
	}
	*argc = n;
	if (rest != NULL)
		*rest = p;
	return words;
}

char **
cmd_split(const char *line, int *argc, struct error *err)
{
	return split_words(line, -1, argc, NULL, err);
}

char *
cmd_quote(const char *s)
{
	struct buf b;

	/* 'single quotes' keep everything as it is but a quote, which closes
	 * them: ' becomes '\'' (close, an escaped quote, open again). */
	buf_init(&b);
	buf_addc(&b, '\'');
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			buf_adds(&b, "'\\''");
		else
			buf_addc(&b, *s);
	}
	buf_addc(&b, '\'');
	return buf_steal(&b);
}

/* For a command whose text is the rest of the line (CMD_REST): its name, its
 * positionals and then the rest exactly as typed, as one word. NULL when the
 * line is not so (then it is split as any other). */
static char **
split_rest(const char *line, int *argc, struct error *err)
{
	const struct cmd_entry *e = NULL;
	const char *rest;
	char **head, *two;
	int n, fixed;

	if ((head = split_words(line, 2, &n, NULL, err)) == NULL)
		return NULL;
	if (n == 2) {
		two = xasprintf("%s %s", head[0], head[1]);
		e = cmd_find(two);
		free(two);
	}
	fixed = e != NULL ? 2 : 1;
	if (e == NULL && n >= 1)
		e = cmd_find(head[0]);
	cmd_words_free(head);
	if (e == NULL || !(e->flags & CMD_REST))
		return NULL;
	fixed += e->min_args;
	if ((head = split_words(line, fixed, &n, &rest, err)) == NULL)
		return NULL;
	/* Options go before the text; with one among the words, or none typed
	 * after them, the line is split as usual. */
	for (int i = 1; i < n; i++) {
		if (strncmp(head[i], "--", 2) == 0)
			n = -1;
	}
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (n != fixed || *rest == '\0' || strncmp(rest, "--", 2) == 0) {
		cmd_words_free(head);
		return NULL;
	}
	head = xreallocarray(head, (size_t)n + 2, sizeof *head);
	head[n] = NULL;
	if (*rest == '\'' || *rest == '"') {
		/* One quoted word ('as cmd_quote makes it'): its words, unquoted. */
		struct error qerr;
		const char *after;
		int k;
		char **q;

		error_clear(&qerr);
		q = split_words(rest, 1, &k, &after, &qerr);
		if (q != NULL && k == 1 && after[strspn(after, " \t\r\n")] == '\0') {
			head[n] = q[0];
			q[0] = NULL;
		}
		cmd_words_free(q);
	}
	/* Otherwise the text as typed, but the line's end. */
	if (head[n] == NULL)
		head[n] = xstrndup(rest, strcspn(rest, "\r\n"));
	head[n + 1] = NULL;
	*argc = n + 1;
	return head;
}

char **
cmd_split_command(const char *line, int *argc, struct error *err)
{
	struct error serr;
	char **words;

	error_clear(&serr);
	words = split_rest(line, argc, &serr);
	return words != NULL ? words : cmd_split(line, argc, err);
}

bool
cmd_run_line(struct cmd_ctx *ctx, const char *line, struct error *err)
{
	int argc;
	char **words = cmd_split_command(line, &argc, err);
	bool ok;

	if (words == NULL)
		return false;
	ok = argc == 0 || cmd_run_argv(ctx, argc, words, err);
	cmd_words_free(words);
	return ok;
}

/* ---- help ---- */

static void
synopsis(FILE *fp, const struct cmd_entry *e)
{
	fprintf(fp, "%s", e->name);
	if (e->args != NULL)
		fprintf(fp, " %s", _(e->args));
	for (const struct cmd_option *o = e->opts; o->name != NULL; o++) {
		const char *open = (o->flags & OPT_REQUIRED) ? "" : "[";
		const char *close = (o->flags & OPT_REQUIRED) ? "" : "]";

		if (o->metavar != NULL)
			fprintf(fp, " %s--%s %s%s", open, o->name, _(o->metavar), close);
		else
			fprintf(fp, " %s--%s%s", open, o->name, close);
	}
}

void
cmd_help(FILE *fp, const char *name)
{
	const struct cmd_entry *e = name != NULL ? cmd_find(name) : NULL;

	if (e == NULL) {
		fprintf(fp, "%s\n\n", _("Usage: ezrizi [OPTIONS] COMMAND [ARGUMENTS]"));
		fprintf(fp, "%s\n", _("Commands:"));
		for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
			fprintf(fp, "  %-14s %s\n", table[i].name, _(table[i].summary));
		fprintf(fp, "\n%s\n", _("'ezrizi help COMMAND' explains one command; 'ezrizi --help' lists the options."));
		return;
	}
	fputs(_("Usage: ezrizi "), fp);
	synopsis(fp, e);
	fprintf(fp, "\n\n%s\n", _(e->summary));
	if (e->opts[0].name != NULL) {
		fprintf(fp, "\n%s\n", _("Options:"));
		for (const struct cmd_option *o = e->opts; o->name != NULL; o++) {
			char *left = o->metavar != NULL ? xasprintf("--%s %s", o->name, _(o->metavar))
							: xasprintf("--%s", o->name);

			fprintf(fp, "  %-22s %s\n", left, _(o->help));
			free(left);
		}
	}
}

static void
roff_escape(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '-' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
}

void
cmd_help_roff(FILE *fp)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		const struct cmd_entry *e = &table[i];

		fputs(".TP\n.B ", fp);
		roff_escape(fp, e->name);
		if (e->args != NULL) {
			fputs(" ", fp);
			roff_escape(fp, e->args);
		}
		fputc('\n', fp);
		roff_escape(fp, e->summary);
		fputc('\n', fp);
		for (const struct cmd_option *o = e->opts; o->name != NULL; o++) {
			fputs(".br\n\\fB\\-\\-", fp);
			roff_escape(fp, o->name);
			fputs("\\fR", fp);
			if (o->metavar != NULL) {
				fputs(" \\fI", fp);
				roff_escape(fp, o->metavar);
				fputs("\\fR", fp);
			}
			fputs(": ", fp);
			roff_escape(fp, o->help);
			if (o->flags & OPT_REQUIRED)
				fputs(" (required)", fp);
			fputc('\n', fp);
		}
	}
}

bool
cmd_help_cmd(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a,
	     struct error *err)
{
	char *name = NULL;

	if (cmd_flag(e, a, "roff")) {
		cmd_help_roff(ctx->out);
		return true;
	}
	if (a->argc == 2)
		name = xasprintf("%s %s", a->argv[0], a->argv[1]);
	else if (a->argc == 1)
		name = xstrdup(a->argv[0]);
	if (name != NULL && cmd_find(name) == NULL) {
		error_set(err, ERR_USAGE, _("'%s' is not an ezrizi command; see 'ezrizi help'."), name);
		free(name);
		return false;
	}
	cmd_help(ctx->out, name);
	free(name);
	return true;
}

bool
cmd_version(struct cmd_ctx *ctx, const struct cmd_entry *e, const struct cmd_args *a,
	    struct error *err)
{
	(void)e;
	(void)a;
	(void)err;
	fprintf(ctx->out, "ezrizi %s\n", EZRIZI_VERSION);
	return true;
}

/* ---- shared option helpers ---- */

bool
cmd_date_opt(const struct cmd_entry *e, const struct cmd_args *a, const char *name,
	     struct civil_date *out, bool *given, struct error *err)
{
	const char *v = cmd_opt(e, a, name);

	*given = v != NULL;
	if (v == NULL)
		return true;
	return date_parse(v, date_today(), out, err);
}

bool
cmd_date_range(const struct cmd_entry *e, const struct cmd_args *a, int days,
	       struct civil_date *from, struct civil_date *to, struct error *err)
{
	struct civil_date d;
	bool has_date, has_from, has_to;

	if (!cmd_date_opt(e, a, "date", &d, &has_date, err) ||
	    !cmd_date_opt(e, a, "from", from, &has_from, err) ||
	    !cmd_date_opt(e, a, "to", to, &has_to, err))
		return false;
	if (has_date && (has_from || has_to))
		return usage_error(e, err, "%s", _("Use either --date or --from and --to, not both."));
	if (has_date) {
		*from = *to = d;
		return true;
	}
	if (!has_from)
		*from = date_today();
	if (!has_to)
		*to = date_add_days(*from, days - 1);
	if (date_cmp(*from, *to) > 0)
		return usage_error(e, err, "%s", _("The range given by --from and --to ends before it starts."));
	if (date_cmp(date_add_days(*from, 366), *to) < 0)
		return usage_error(e, err, "%s", _("The range given by --from and --to is longer than a year."));
	return true;
}

bool
cmd_limit(const struct cmd_entry *e, const struct cmd_args *a, size_t def, size_t max,
	  size_t *out, struct error *err)
{
	const char *v = cmd_opt(e, a, "limit");
	char *end;
	unsigned long n;

	*out = def;
	if (v == NULL)
		return true;
	n = strtoul(v, &end, 10);
	if (end == v || *end != '\0' || n == 0 || n > max || v[0] == '-')
		return usage_error(e, err, _("--limit takes a whole number from 1 to %zu."), max);
	*out = n;
	return true;
}

const char *
cmd_time(const struct cmd_ctx *ctx, time_t t, char out[static 26])
{
	out[0] = '\0';
	if (t == 0)
		return out;
	if (ctx->fmt == FMT_TABLE)
		instant_format_local(t, out);
	else
		instant_format_local_iso(t, out);
	return out;
}
