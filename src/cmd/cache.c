/* cmd/cache.c - the encrypted local store: unlock, lock, passwd, cache verify,
 * cache wipe. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd/handlers.h"
#include "core/agent.h"
#include "core/appt.h"
#include "core/chat.h"
#include "core/notes.h"
#include "core/outbox.h"
#include "core/i18n.h"
#include "core/vault.h"
#include "core/xmalloc.h"

static bool
may_ask(void)
{
	return isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
}

/* "8h", "30m", "90s", "2d" or seconds. */
static bool
parse_duration(const char *s, long *out, struct error *err)
{
	char *end;
	long n = strtol(s, &end, 10), mul = 1;

	if (end == s || n <= 0)
		goto bad;
	if (*end == 'm')
		mul = 60;
	else if (*end == 'h')
		mul = 3600;
	else if (*end == 'd')
		mul = 86400;
	else if (*end != 's' && *end != '\0')
		goto bad;
	if (*end != '\0' && end[1] != '\0')
		goto bad;
	if (n > 604800 / mul)
		goto bad;
	*out = n * mul;
	return true;
bad:
	return error_set(err, ERR_USAGE, _("'%s' is not a duration; use 90s, 30m, 8h or 2d (a week at most)."), s);
}

HANDLER(cmd_unlock)
{
	const char *for_s = cmd_opt(e, a, "for");
	long seconds = config_get_long(ctx->cfg, "unlock_for", 8 * 3600);
	unsigned char key[STORE_KEY_BYTES];
	struct store *st;
	char *dir;
	bool ok;

	if (for_s != NULL && !parse_duration(for_s, &seconds, err))
		return false;
	if ((st = vault_open(ctx->cfg, may_ask(), err)) == NULL)
		return false;
	store_data_key(st, key);
	store_close(st);
	dir = vault_dir(ctx->cfg);
	ok = agent_start(dir, key, seconds, err);
	sodium_memzero(key, sizeof key);
	free(dir);
	if (ok && ctx->fmt == FMT_TABLE)
		fprintf(ctx->out, ngettext("The local cache stays open for scripts for %ld minute; 'ezrizi lock' closes it.\n",
					   "The local cache stays open for scripts for %ld minutes; 'ezrizi lock' closes it.\n",
					   (seconds + 59) / 60), (seconds + 59) / 60);
	return ok;
}

HANDLER(cmd_lock)
{
	bool was;

	(void)e;
	(void)a;
	was = agent_stop(err);
	if (err->kind != ERR_NONE)
		return false;
	if (ctx->fmt == FMT_TABLE)
		fprintf(ctx->out, "%s\n", was ? _("Locked: scripts need 'ezrizi unlock' again.")
					      : _("Nothing was unlocked."));
	return true;
}

HANDLER(cmd_passwd)
{
	char *dir = vault_dir(ctx->cfg);
	struct secret *old = NULL, *new1 = NULL, *new2 = NULL;
	struct store_kdf kdf;
	bool ok = false;

	(void)e;
	(void)a;
	if (!store_exists(dir)) {
		error_set(err, ERR_NOT_FOUND, _("There is no local cache yet; 'ezrizi login' makes one."));
		goto out;
	}
	if (!may_ask()) {
		error_set(err, ERR_USAGE, _("Change the passphrase at a terminal: 'ezrizi passwd' asks for both."));
		goto out;
	}
	if ((old = secret_prompt(_("The cache passphrase now: "), err)) == NULL ||
	    (new1 = secret_prompt(_("The new passphrase: "), err)) == NULL ||
	    (new2 = secret_prompt(_("The new passphrase again: "), err)) == NULL)
		goto out;
	if (new1->len < 8 || new1->len != new2->len || sodium_memcmp(new1->data, new2->data, new1->len) != 0) {
		error_set(err, ERR_USAGE, _("The new passphrases differ or are shorter than 8 characters; nothing was changed."));
		goto out;
	}
	vault_kdf(ctx->cfg, &kdf);
	ok = store_passwd(dir, old->data, old->len, new1->data, new1->len, &kdf, err);
	if (ok && ctx->fmt == FMT_TABLE)
		fprintf(ctx->out, "%s\n", _("The passphrase is changed."));
out:
	secret_destroy(old);
	secret_destroy(new1);
	secret_destroy(new2);
	free(dir);
	return ok;
}

HANDLER(cmd_cache_verify)
{
	struct store *st;
	size_t total = 0, damaged = 0;
	bool ok;

	(void)e;
	(void)a;
	if ((st = vault_open(ctx->cfg, may_ask(), err)) == NULL)
		return false;
	ok = store_verify(st, &total, &damaged, err);
	store_close(st);
	if (!ok)
		return false;
	if (ctx->fmt == FMT_TABLE) {
		fprintf(ctx->out, ngettext("%zu record checked", "%zu records checked", total), total);
		fprintf(ctx->out, "; ");
		fprintf(ctx->out, ngettext("%zu was damaged and is removed: it will be fetched again.\n",
					   "%zu were damaged and are removed: they will be fetched again.\n",
					   damaged), damaged);
	} else {
		fprintf(ctx->out, ctx->fmt == FMT_JSON ? "{\"records\":\"%zu\",\"damaged\":\"%zu\"}\n"
						      : "records\tdamaged\n%zu\t%zu\n", total, damaged);
	}
	if (damaged > 0)
		return error_set(err, ERR_FAILED, ngettext("%zu damaged record was found.", "%zu damaged records were found.", damaged), damaged);
	return true;
}

HANDLER(cmd_cache_wipe)
{
	char *dir = vault_dir(ctx->cfg);
	bool ok;

	(void)e;
	if (a->argc == 0 || strcmp(a->argv[0], "yes") != 0) {
		free(dir);
		return error_set(err, ERR_USAGE,
				 _("This removes the local cache, the stored login and every write not yet sent; type 'ezrizi cache wipe yes' to go ahead."));
	}
	agent_stop(err);
	error_clear(err);
	ok = store_wipe(dir, err);
	free(dir);
	if (ok && ctx->fmt == FMT_TABLE)
		fprintf(ctx->out, "%s\n", _("The local cache is removed."));
	return ok;
}

HANDLER(cmd_outbox)
{
	static const struct out_col cols[] = {
		{ "seq", N_("Number"), false },
		{ "queued", N_("Queued"), false },
		{ "state", N_("State"), false },
		{ "command", N_("Command"), false },
		{ "error", N_("Why it was refused"), false },
	};
	struct session *s = cmd_session(ctx, err);
	struct outbox_list l;
	struct out o;

	(void)e;
	(void)a;
	if (s == NULL)
		return false;
	if (s->store == NULL)
		return error_set(err, ERR_AUTH, "%s", s->store_err.kind != ERR_NONE ? s->store_err.msg
			: _("There is no local cache yet; 'ezrizi login' makes one."));
	if (!outbox_list(s->store, &l, err))
		return false;
	out_begin(&o, ctx->fmt, ctx->out, cols, sizeof cols / sizeof cols[0]);
	for (size_t i = 0; i < l.n; i++) {
		struct outbox_item *it = &l.v[i];
		const char *seq = it->seq + strspn(it->seq, "0");
		char when[26], *cmdline;
		const char *v[5];
		struct buf b;

		buf_init(&b);
		for (int k = 0; k < it->argc; k++) {
			if (k > 0)
				buf_addc(&b, ' ');
			buf_adds(&b, it->argv[k]);
		}
		cmdline = buf_steal(&b);
		v[0] = seq;
		v[1] = cmd_time(ctx, it->created, when);
		v[2] = it->failed ? (ctx->fmt == FMT_TABLE ? _("refused") : "failed")
				  : (ctx->fmt == FMT_TABLE ? _("waiting") : "queued");
		v[3] = cmdline;
		v[4] = it->error;
		out_row(&o, v);
		free(cmdline);
	}
	out_end(&o, _("Nothing waits for the server."));
	outbox_list_finish(&l);
	return true;
}

/* "42" -> the stored "00000000000000000042". */
static char *
seq_of(const char *s)
{
	return xasprintf("%020llu", strtoull(s, NULL, 10));
}

HANDLER(cmd_outbox_discard)
{
	struct session *s = cmd_session(ctx, err);
	char *seq;
	bool ok;

	(void)e;
	if (s == NULL || s->store == NULL)
		return error_set(err, ERR_AUTH, "%s", _("The local cache is locked; run 'ezrizi unlock' first, or set passphrase_command in the config."));
	seq = seq_of(a->argv[0]);
	ok = outbox_discard(s->store, seq, err);
	free(seq);
	if (ok && ctx->fmt == FMT_TABLE)
		fprintf(ctx->out, "%s\n", _("Dropped; it will not be sent."));
	return ok;
}

static bool
send_now(struct cmd_ctx *ctx, struct error *err)
{
	size_t sent, failed;
	bool ok = outbox_send(ctx, &sent, &failed, err);

	if (ctx->fmt == FMT_TABLE) {
		fprintf(ctx->out, ngettext("%zu write sent", "%zu writes sent", sent), sent);
		fprintf(ctx->out, "; ");
		fprintf(ctx->out, ngettext("%zu refused (see 'ezrizi outbox').\n", "%zu refused (see 'ezrizi outbox').\n", failed), failed);
	}
	if (ok && failed > 0)
		return error_set(err, ERR_CONFLICT, ngettext("%zu write was refused by the server; see 'ezrizi outbox'.",
							     "%zu writes were refused by the server; see 'ezrizi outbox'.", failed), failed);
	return ok;
}

HANDLER(cmd_outbox_retry)
{
	struct session *s = &ctx->session;
	char *seq = a->argc > 0 ? seq_of(a->argv[0]) : NULL;
	bool ok;

	(void)e;
	if (s->store == NULL) {
		free(seq);
		return error_set(err, ERR_AUTH, "%s", _("The local cache is locked; run 'ezrizi unlock' first, or set passphrase_command in the config."));
	}
	ok = outbox_retry(s->store, seq, err);
	free(seq);
	return ok && send_now(ctx, err);
}

/* Brings into the cache what the user works with: their appointments of a
 * week back and two ahead, and those clients' notes and messages. Bounded:
 * at most 100 clients. */
static bool
sync_cache(struct cmd_ctx *ctx, struct error *err)
{
	struct session *s = &ctx->session;
	struct appt_query q = { 0 };
	struct appt_list l;
	struct error e;
	size_t clients = 0;

	error_clear(&e);
	q.from = date_add_days(date_today(), -7);
	q.to = date_add_days(date_today(), 14);
	q.practitioner = session_practitioner(s, NULL, &e);
	if (!appt_query(s, &q, &l, err))
		return false;
	for (size_t i = 0; i < l.n && clients < 100; i++) {
		struct note_list nl;
		struct message_list ml;
		bool seen = false;

		if (l.v[i].patient_id == NULL)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = l.v[j].patient_id != NULL && strcmp(l.v[j].patient_id, l.v[i].patient_id) == 0;
		if (seen)
			continue;
		clients++;
		if (!notes_query(s, l.v[i].patient_id, 50, &nl, err) ||
		    !chat_query(s, l.v[i].patient_id, 0, &ml, err)) {
			appt_list_finish(&l);
			return false;
		}
		note_list_finish(&nl);
		message_list_finish(&ml);
	}
	if (ctx->fmt == FMT_TABLE) {
		fprintf(ctx->out, ngettext("The local cache holds %zu appointment", "The local cache holds %zu appointments", l.n), l.n);
		fprintf(ctx->out, ngettext(" and the notes and messages of %zu client.\n",
					   " and the notes and messages of %zu clients.\n", clients), clients);
	}
	appt_list_finish(&l);
	return true;
}

HANDLER(cmd_sync)
{
	struct session *s = &ctx->session;
	struct error e2;
	bool ok;

	(void)e;
	(void)a;
	if (s->store == NULL)
		return error_set(err, ERR_AUTH, "%s", s->store_err.kind != ERR_NONE ? s->store_err.msg
			: _("There is no local cache yet; 'ezrizi login' makes one."));
	ok = send_now(ctx, err);
	error_clear(&e2);
	if (!sync_cache(ctx, &e2) && ok) {
		*err = e2;
		ok = false;
	}
	return ok;
}
