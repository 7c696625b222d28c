/* cmd/cache.c - the encrypted local store: unlock, lock, passwd, cache verify,
 * cache wipe, the outbox and sync. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd/handlers.h"
#include "core/agent.h"
#include "core/appt.h"
#include "core/audit.h"
#include "core/cache.h"
#include "core/fhir.h"
#include "core/flag.h"
#include "core/http.h"
#include "core/chat.h"
#include "core/notes.h"
#include "core/outbox.h"
#include "core/replay.h"
#include "core/i18n.h"
#include "core/vault.h"
#include "core/xmalloc.h"

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

static const struct cmd_option unlock_opts[] = {
	{ .name = "for", .metavar = N_("DURATION"), .flags = OPT_VALUE,
	  .help = N_("how long: 90s, 30m, 8h, 2d (default: unlock_for, else 8h)") },
	{ NULL },
};

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
	if ((st = vault_open(ctx->cfg, ctx->front_ops, err)) == NULL)
		return false;
	store_data_key(st, key);
	store_close(st);
	dir = vault_dir(ctx->cfg);
	ok = agent_start(dir, key, seconds, err);
	sodium_memzero(key, sizeof key);
	free(dir);
	if (ok && ctx->fmt == FMT_TABLE)
		result_say(ctx->result, ngettext("The local cache stays open for scripts for %ld minute; 'ezrizi lock' closes it.\n",
					   "The local cache stays open for scripts for %ld minutes; 'ezrizi lock' closes it.\n",
					   (seconds + 59) / 60), (seconds + 59) / 60);
	return ok;
}

const struct cmd_entry cmd_entry_unlock = {
	.name = "unlock",
	.summary = N_("Open the local cache for scripts for a while, as ssh-agent does."),
	.opts = unlock_opts,
	.flags = CMD_TERMINAL,
	.instead = N_("Do that in a shell, with the screen closed: it needs the local cache to itself."),
	.exec = cmd_unlock,
};

static const struct cmd_option lock_opts[] = {
	{ .name = "agent", .help = N_("end 'ezrizi unlock' (what lock does in a shell; on the screen, instead of locking the screen)") },
	{ NULL },
};

HANDLER(cmd_lock)
{
	bool was;

	(void)e;
	(void)a;
	was = agent_stop(err);
	if (err->kind != ERR_NONE)
		return false;
	if (ctx->fmt == FMT_TABLE)
		result_say(ctx->result, "%s", was ? _("Locked: scripts need 'ezrizi unlock' again.")
						       : _("Nothing was unlocked."));
	return true;
}

/* One meaning everywhere: lock closes the local cache held open where it is
 * given. In a shell that is the unlock agent's; the screen does it its way
 * (ui/cmd_lock.c): it locks, and --agent ends the agent from there. */
const struct cmd_entry cmd_entry_lock = {
	.name = "lock",
	.summary = N_("Close the local cache to scripts again (ends 'ezrizi unlock'); on the screen, lock the screen (lock --agent ends 'ezrizi unlock' there)."),
	.opts = lock_opts,
	.exec = cmd_lock,
};

HANDLER(cmd_passwd)
{
	char *dir = vault_dir(ctx->cfg);
	const struct front_ops *f = ctx->front_ops;
	struct secret *old = NULL, *new1 = NULL, *new2 = NULL;
	struct store_kdf kdf;
	bool ok = false;

	(void)e;
	(void)a;
	if (!store_exists(dir)) {
		error_set(err, ERR_NOT_FOUND, _("There is no local cache yet; 'ezrizi login' makes one."));
		goto out;
	}
	if ((old = front_ask_secret(f, _("The cache passphrase now: "), FRONT_PASSPHRASE, err)) == NULL ||
	    (new1 = front_ask_secret(f, _("The new passphrase: "), FRONT_PASSPHRASE, err)) == NULL ||
	    (new2 = front_ask_secret(f, _("The new passphrase again: "), FRONT_PASSPHRASE, err)) == NULL) {
		/* Not asked (no terminal here): say where it can be. */
		error_set(err, ERR_USAGE, _("Change the passphrase at a terminal: 'ezrizi passwd' asks for both."));
		goto out;
	}
	if (new1->len < 8 || new1->len != new2->len || sodium_memcmp(new1->data, new2->data, new1->len) != 0) {
		error_set(err, ERR_USAGE, _("The new passphrases differ or are shorter than 8 characters; nothing was changed."));
		goto out;
	}
	vault_kdf(ctx->cfg, &kdf);
	ok = store_passwd(dir, old->data, old->len, new1->data, new1->len, &kdf, err);
	if (ok && ctx->fmt == FMT_TABLE)
		result_say(ctx->result, "%s", _("The passphrase is changed."));
out:
	secret_destroy(old);
	secret_destroy(new1);
	secret_destroy(new2);
	free(dir);
	return ok;
}

/* The screen asks for the passphrases on its status line (ui/cmd_lock.c). */
const struct cmd_entry cmd_entry_passwd = {
	.name = "passwd",
	.summary = N_("Change the local cache's passphrase."),
	.flags = CMD_TERMINAL,
	.instead = N_("Change the passphrase at a terminal: 'ezrizi passwd' asks for both."),
	.exec = cmd_passwd,
};

/* "5 (send), 7 (note add)": the writes of the outbox that matched. */
static char *
name_writes(const struct outbox_list *l, bool lost, size_t *n)
{
	struct buf b;

	buf_init(&b);
	buf_add(&b, "", 0);
	*n = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].lost != lost)
			continue;
		/* TRANSLATORS: one write of the outbox in a list: its number, its command. */
		buf_addf(&b, _("%s%s (%s)"), (*n)++ > 0 ? ", " : "", l->v[i].seq + strspn(l->v[i].seq, "0"),
			 l->v[i].command);
	}
	return buf_steal(&b);
}

/* What a check says about the records themselves. */
static void
say_records(struct buf *b, const struct store_check *c)
{
	size_t gone = c->lost + c->damaged;

	if (!c->salvaged) {
		size_t checked = c->total + c->damaged;

		buf_addf(b, ngettext("%zu record checked", "%zu records checked", checked), checked);
		buf_adds(b, "; ");
		buf_addf(b, ngettext("%zu was damaged and is removed: it will be fetched again.\n",
				     "%zu were damaged and are removed: they will be fetched again.\n",
				     c->damaged), c->damaged);
		return;
	}
	if (c->why != NULL)
		buf_addf(b, _("The local records were damaged (%s); they were rebuilt from what could still be read.\n"), c->why);
	else
		buf_addf(b, "%s\n", _("The local records were damaged; they were rebuilt from what could still be read."));
	buf_addf(b, ngettext("%zu record was kept.", "%zu records were kept.", c->total), c->total);
	buf_addc(b, ' ');
	if (c->unknown)
		buf_addf(b, "%s\n", _("How many were lost cannot be known: nothing that said how many there were could be read."));
	else if (gone == 0)
		buf_addf(b, "%s\n", _("None was lost."));
	else
		buf_addf(b, ngettext("At least %zu could not be read and is lost; it will be fetched again if the server has it.\n",
				     "At least %zu could not be read and are lost; they will be fetched again if the server has them.\n",
				     gone), gone);
	if (c->aside != NULL)
		buf_addf(b, _("The damaged files are kept in %s: remove them when you no longer need them ('ezrizi cache wipe' removes them too).\n"),
			c->aside);
}

/* And about the writes waiting for the server, above all. */
static void
say_outbox(struct buf *b, const struct store_check *c, const struct outbox_list *l)
{
	size_t n_lost, n_kept;
	char *lost = name_writes(l, true, &n_lost), *kept = name_writes(l, false, &n_kept);

	if (n_lost > 0)
		buf_addf(b, ngettext("%zu write waiting for the server was lost: %s. Write it again: 'ezrizi outbox' lists it until you discard it.\n",
				     "%zu writes waiting for the server were lost: %s. Write them again: 'ezrizi outbox' lists them until you discard them.\n",
				     n_lost), n_lost, lost);
	if (c->watch_lost > n_lost)
		buf_addf(b, ngettext("%zu more write waiting for the server was lost, and which one cannot be known.\n",
				     "%zu more writes waiting for the server were lost, and which ones cannot be known.\n",
				     c->watch_lost - n_lost), c->watch_lost - n_lost);
	if (l->incomplete || c->unknown)
		buf_addf(b, "%s\n", _("Writes that were waiting for the server may have been lost, and which cannot be known: check on the server that your recent changes arrived."));
	if (n_kept > 0)
		buf_addf(b, ngettext("%zu write waiting for the server is whole: %s.\n",
				     "%zu writes waiting for the server are whole: %s.\n", n_kept), n_kept, kept);
	else if (n_lost == 0 && !l->incomplete && !c->unknown && c->watch_lost == 0)
		buf_addf(b, "%s\n", _("No write was waiting for the server."));
	free(lost);
	free(kept);
}

static void
say_check(struct cmd_ctx *ctx, const struct store_check *c, const struct outbox_list *l)
{
	static const struct out_col cols[] = {
		{ "records", N_("Records"), false },
		{ "damaged", N_("Damaged"), false },
		{ "lost", N_("Lost"), false },
		{ "salvaged", N_("Salvaged"), false },
		{ "unknown", N_("Loss unknown"), false },
		{ "outbox_whole", N_("Writes whole"), false },
		{ "outbox_lost", N_("Writes lost"), false },
		{ "kept_in", N_("Damaged files in"), false },
	};
	char num[5][24];
	size_t n_lost = 0, n_kept = 0;
	const char *v[8];

	if (ctx->fmt == FMT_TABLE) {
		struct buf b;

		buf_init(&b);
		say_records(&b, c);
		say_outbox(&b, c, l);
		result_take_text(ctx->result, buf_steal(&b));
		return;
	}
	for (size_t i = 0; i < l->n; i++)
		l->v[i].lost ? n_lost++ : n_kept++;
	if (c->watch_lost > n_lost)
		n_lost = c->watch_lost;
	snprintf(num[0], sizeof num[0], "%zu", c->total);
	snprintf(num[1], sizeof num[1], "%zu", c->damaged);
	snprintf(num[2], sizeof num[2], "%zu", c->lost);
	snprintf(num[3], sizeof num[3], "%zu", n_kept);
	snprintf(num[4], sizeof num[4], "%zu", n_lost);
	v[0] = num[0], v[1] = num[1], v[2] = num[2];
	v[3] = c->salvaged ? "true" : "false";
	v[4] = c->unknown || l->incomplete ? "true" : "false";
	v[5] = num[3], v[6] = num[4], v[7] = c->aside;
	result_record(ctx->result, cols, sizeof cols / sizeof cols[0], v, NULL);
}

/* Damage found, or writes lost and not yet discarded: never a success. */
static bool
check_error(const struct store_check *c, const struct outbox_list *l, struct error *err)
{
	size_t lost = 0;

	for (size_t i = 0; i < l->n; i++)
		lost += l->v[i].lost;
	if (c->salvaged)
		return error_set(err, ERR_FAILED, "%s", _("The local records were damaged; see above what was kept and what was lost."));
	if (c->damaged > 0)
		return error_set(err, ERR_FAILED, ngettext("%zu damaged record was found.", "%zu damaged records were found.", c->damaged), c->damaged);
	if (lost > 0 || l->incomplete)
		return error_set(err, ERR_FAILED, "%s", _("Writes waiting for the server were lost; see 'ezrizi outbox'."));
	return true;
}

HANDLER(cmd_cache_verify)
{
	struct store *st, *mine = NULL;
	struct store_check c = { .watch = "outbox" };
	struct outbox_list l = { 0 };
	struct error ack;
	bool ok;

	(void)e;
	(void)a;
	/* The screen holds the store open: use it, rather than wait for it. */
	if (ctx->have_session && ctx->session.store != NULL)
		st = ctx->session.store;
	else if ((st = mine = vault_open_damaged(ctx->cfg, ctx->front_ops, err)) == NULL)
		return false;
	ok = store_verify(st, &c, err) && outbox_list(st, &l, err);
	if (ok) {
		say_check(ctx, &c, &l);
		ok = check_error(&c, &l, err);
		error_clear(&ack);
		if (l.incomplete)
			outbox_acknowledge(st, &ack);   /* said: it is not said again */
	}
	outbox_list_finish(&l);
	store_check_finish(&c);
	if (mine != NULL && ctx->have_session && ctx->session.store == NULL && !store_damaged(mine)) {
		/* Mended: the rest of this run (the screen, a batch file) has it. */
		ctx->session.store = mine;
		error_clear(&ctx->session.store_err);
	} else {
		store_close(mine);
	}
	return ok;
}

const struct cmd_entry cmd_entry_cache_verify = {
	.name = "cache verify",
	.summary = N_("Check every record of the local cache and remove the damaged ones; damaged records are rebuilt from what can still be read, the writes waiting for the server first."),
	.flags = CMD_PASSPHRASE,
	.instead = N_("Do that in a shell, with the screen closed: it needs the local cache to itself."),
	.exec = cmd_cache_verify,
};

/* The writes that a wipe would lose: *n of them, named in *names, and the
 * audit records not yet delivered (*audits). False (err set) when the
 * outbox or the trail cannot be read. */
static bool
unsent_writes(struct cmd_ctx *ctx, size_t *n, char **names, size_t *audits, struct error *err)
{
	struct store *held = ctx->have_session ? ctx->session.store : NULL;
	struct store *st = held;
	struct outbox_list l;
	bool ok;

	*n = *audits = 0;
	*names = NULL;
	if (st == NULL && (st = vault_open(ctx->cfg, ctx->front_ops, err)) == NULL)
		return false;
	ok = outbox_list(st, &l, err);
	if (ok)
		*names = name_writes(&l, false, n);
	outbox_list_finish(&l);
	ok = ok && audit_pending_in(st, audits, err);
	if (st != held)
		store_close(st);
	return ok;
}

static const struct cmd_option wipe_opts[] = {
	{ .name = "discard-unsent", .help = N_("wipe even when writes or audit records wait for the server: they are lost") },
	{ NULL },
};

HANDLER(cmd_cache_wipe)
{
	char *dir = vault_dir(ctx->cfg), *names = NULL;
	bool discard = cmd_flag(e, a, "discard-unsent"), ok;
	struct error why;
	size_t n = 0, audits = 0;

	if (a->argc == 0 || strcmp(a->argv[0], "yes") != 0) {
		free(dir);
		return error_set(err, ERR_USAGE,
				 _("This removes the local cache, the stored login and every write not yet sent; type 'ezrizi cache wipe yes' to go ahead."));
	}
	error_clear(&why);
	if (store_exists(dir) && !unsent_writes(ctx, &n, &names, &audits, &why) && !discard) {
		free(dir);
		return error_set(err, ERR_USAGE,
				 _("The writes waiting for the server cannot be read (%s), so a wipe may lose writes not yet sent. Run 'ezrizi cache verify' first to keep them; to wipe anyway, type 'ezrizi cache wipe yes --discard-unsent'."),
				 why.msg);
	}
	if (n > 0 && !discard) {
		error_set(err, ERR_USAGE,
			  ngettext("%zu write waiting for the server would be lost: %s. Send it first with 'ezrizi sync', or type 'ezrizi cache wipe yes --discard-unsent' to wipe anyway.",
				   "%zu writes waiting for the server would be lost: %s. Send them first with 'ezrizi sync', or type 'ezrizi cache wipe yes --discard-unsent' to wipe anyway.",
				   n), n, names);
		free(names);
		free(dir);
		return false;
	}
	/* The trail of who saw what is the clinic's: not lost by a wipe unasked. */
	if (audits > 0 && !discard) {
		free(names);
		free(dir);
		return error_set(err, ERR_USAGE,
				 ngettext("%zu audit record has not reached the server yet and would be lost. Send it first with 'ezrizi sync', or type 'ezrizi cache wipe yes --discard-unsent' to wipe anyway.",
					  "%zu audit records have not reached the server yet and would be lost. Send them first with 'ezrizi sync', or type 'ezrizi cache wipe yes --discard-unsent' to wipe anyway.",
					  audits), audits);
	}
	/* The wipe needs the store to itself (the screen goes on without it). */
	if (ctx->have_session && ctx->session.store != NULL) {
		store_close(ctx->session.store);
		ctx->session.store = NULL;
	}
	agent_stop(err);
	error_clear(err);
	ok = store_wipe(dir, err);
	free(dir);
	if (ok && ctx->fmt == FMT_TABLE) {
		if (n > 0)
			result_say(ctx->result, ngettext("The local cache is removed, and %zu write that was waiting for the server is discarded: %s.\n",
						   "The local cache is removed, and %zu writes that were waiting for the server are discarded: %s.\n",
						   n), n, names);
		else
			result_say(ctx->result, "%s", _("The local cache is removed."));
		if (audits > 0)
			result_say(ctx->result, ngettext("%zu audit record that had not reached the server is discarded.",
							 "%zu audit records that had not reached the server are discarded.",
							 audits), audits);
	}
	free(names);
	return ok;
}

const struct cmd_entry cmd_entry_cache_wipe = {
	.name = "cache wipe",
	.usage = N_("yes"),
	.summary = N_("Remove the local cache and the stored login; refused while writes wait for the server, unless --discard-unsent."),
	.args = { 0, 1 },
	.opts = wipe_opts,
	.flags = CMD_WIPES,
	.exec = cmd_cache_wipe,
};

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

	(void)e;
	(void)a;
	if (s == NULL)
		return false;
	if (s->store == NULL)
		return error_set(err, s->store_err.kind == ERR_FAILED ? ERR_FAILED : ERR_AUTH, "%s",
				 s->store_err.kind != ERR_NONE ? s->store_err.msg
			: _("There is no local cache yet; 'ezrizi login' makes one."));
	if (!outbox_list(s->store, &l, err))
		return false;
	result_records(ctx->result, cols, sizeof cols / sizeof cols[0], _("Nothing waits for the server."));
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
		if (it->lost)
			v[2] = ctx->fmt == FMT_TABLE ? _("lost") : "lost";
		else
			v[2] = it->failed ? (ctx->fmt == FMT_TABLE ? _("refused") : "failed")
					  : (ctx->fmt == FMT_TABLE ? _("waiting") : "queued");
		v[3] = it->lost ? it->command : cmdline;
		/* TRANSLATORS: why a write of the outbox cannot be sent. */
		v[4] = it->lost ? _("Its record was lost to damage on disk: write it again, then discard this.")
				: it->error;
		result_row(ctx->result, v);
		free(cmdline);
	}
	if (l.incomplete && ctx->fmt == FMT_TABLE)
		result_after(ctx->result, _("Writes that were waiting for the server may have been lost to damage on disk, and which cannot be known: 'ezrizi cache verify' says more."));
	outbox_list_finish(&l);
	return true;
}

const struct cmd_entry cmd_entry_outbox = {
	.name = "outbox",
	.summary = N_("List the writes waiting for the server, and those it refused."),
	.exec = cmd_outbox,
};

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
	if (s != NULL && s->store == NULL && s->store_err.kind == ERR_FAILED)
		return error_set(err, ERR_FAILED, "%s", s->store_err.msg);
	if (s == NULL || s->store == NULL)
		return error_set(err, ERR_AUTH, "%s", _("The local cache is locked; run 'ezrizi unlock' first, or set passphrase_command in the config."));
	seq = seq_of(a->argv[0]);
	ok = outbox_discard(s->store, seq, err);
	free(seq);
	if (ok && ctx->fmt == FMT_TABLE)
		result_say(ctx->result, "%s", _("Dropped; it will not be sent."));
	return ok;
}

const struct cmd_entry cmd_entry_outbox_discard = {
	.name = "outbox discard",
	.usage = N_("SEQ"),
	.summary = N_("Drop a waiting or refused write for good."),
	.args = { 1, 1, { { KIND_SEQ } } },
	.exec = cmd_outbox_discard,
};

/* Sends what waits; for people, says how it went in b. */
static bool
send_now(struct cmd_ctx *ctx, struct buf *b, struct error *err)
{
	size_t sent, failed;
	bool ok = replay_outbox(ctx, &sent, &failed, err);

	if (ctx->fmt == FMT_TABLE) {
		buf_addf(b, ngettext("%zu write sent", "%zu writes sent", sent), sent);
		buf_adds(b, "; ");
		buf_addf(b, ngettext("%zu refused (see 'ezrizi outbox').\n", "%zu refused (see 'ezrizi outbox').\n", failed), failed);
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
	struct buf b;
	bool ok;

	(void)e;
	if (s->store == NULL) {
		free(seq);
		if (s->store_err.kind == ERR_FAILED)
			return error_set(err, ERR_FAILED, "%s", s->store_err.msg);
		return error_set(err, ERR_AUTH, "%s", _("The local cache is locked; run 'ezrizi unlock' first, or set passphrase_command in the config."));
	}
	ok = outbox_retry(s->store, seq, err);
	free(seq);
	if (!ok)
		return false;
	buf_init(&b);
	ok = send_now(ctx, &b, err);
	if (b.len > 0)
		result_say(ctx->result, "%s", b.data);
	buf_finish(&b);
	return ok;
}

const struct cmd_entry cmd_entry_outbox_retry = {
	.name = "outbox retry",
	.usage = N_("[SEQ]"),
	.summary = N_("Send refused writes again (all without SEQ)."),
	.args = { 0, 1, { { KIND_SEQ } } },
	.flags = CMD_SESSION,
	.exec = cmd_outbox_retry,
};

#define META_TYPE "meta"
#define LAST_SYNC_ID "last-sync"

/* The newest meta.lastUpdated the last sync saw: the server's own clock, so
 * the next sync asks for what changed from then, whatever ours says. */
static char *
last_sync(struct store *st)
{
	struct error e;
	void *data;
	size_t len;
	char *mark = NULL;

	error_clear(&e);
	if (store_get(st, META_TYPE, LAST_SYNC_ID, &data, &len, NULL, &e)) {
		if (len > 0 && len < 64)
			mark = xstrndup(data, len);
		store_free(data, len);
	}
	return mark;
}

static bool
set_last_sync(struct store *st, const char *mark, struct error *err)
{
	struct store_rec r = { .type = META_TYPE, .id = LAST_SYNC_ID, .version = "" };

	r.data = mark;
	r.len = strlen(mark);
	return store_put(st, &r, err);
}

/* "&_lastUpdated=ge<mark>": the boundary itself is fetched again, never missed. */
static void
add_since(struct buf *b, const char *mark)
{
	char *ge = xasprintf("ge%s", mark), *ege = http_escape(ge);

	buf_addf(b, "&_lastUpdated=%s", ege);
	free(ge);
	free(ege);
}

/* The clients of the cached appointments in the window, as "Patient/a,Patient/b". */
static char *
window_clients(struct session *s, struct civil_date from, struct civil_date to, const char *me,
	       size_t *n)
{
	cJSON *all = cache_appointments(s->store, from, to, me);
	const cJSON *res;
	struct buf b;

	*n = 0;
	buf_init(&b);
	buf_add(&b, "", 0);
	cJSON_ArrayForEach(res, all) {
		const cJSON *rt = cJSON_GetObjectItemCaseSensitive(res, "resourceType");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(res, "id");
		char *ref, *e;

		if (!cJSON_IsString(rt) || strcmp(rt->valuestring, "Patient") != 0 || !cJSON_IsString(id) ||
		    *n >= 100)
			continue;
		ref = xasprintf("Patient/%s", id->valuestring);
		e = http_escape(ref);
		if (strstr(b.data, e) == NULL) {
			buf_addf(&b, "%s%s", *n > 0 ? "," : "", e);
			(*n)++;
		}
		free(ref);
		free(e);
	}
	cJSON_Delete(all);
	return buf_steal(&b);
}

/* A search whose resources are only wanted in the cache (fhir_search keeps
 * them); *mark follows the newest meta.lastUpdated seen. */
static bool
fetch_into_cache(struct session *s, const char *path, size_t *count, char **mark,
		 struct error *err)
{
	cJSON *all = fhir_search(s, path, 5000, err);
	const cJSON *res;
	time_t best = 0;

	if (all == NULL)
		return false;
	if (*mark != NULL)
		instant_parse(*mark, &best);
	cJSON_ArrayForEach(res, all) {
		const cJSON *meta = cJSON_GetObjectItemCaseSensitive(res, "meta");
		const cJSON *lu = meta != NULL ? cJSON_GetObjectItemCaseSensitive(meta, "lastUpdated") : NULL;
		time_t t;

		/* Newer by the second, or within the second by the milliseconds
		 * (the server writes one format: its strings compare in order). */
		if (cJSON_IsString(lu) && strlen(lu->valuestring) < 64 && instant_parse(lu->valuestring, &t) &&
		    (*mark == NULL || t > best || (t == best && strcmp(lu->valuestring, *mark) > 0))) {
			free(*mark);
			*mark = xstrdup(lu->valuestring);
			best = t;
		}
	}
	*count += (size_t)cJSON_GetArraySize(all);
	cJSON_Delete(all);
	return true;
}

/* Brings into the cache what the user works with: their appointments of a
 * week back and two ahead, and those clients' notes and messages (at most 100
 * clients). The first time, all of it; then only what changed since the last
 * sync (_lastUpdated): three searches, most of them answered with nothing. */
static bool
sync_cache(struct cmd_ctx *ctx, struct buf *said, struct error *err)
{
	struct session *s = &ctx->session;
	struct appt_query q = { 0 };
	struct civil_date from = date_add_days(date_today(), -7), to = date_add_days(date_today(), 14);
	char *since = last_sync(s->store), *mark = since != NULL ? xstrdup(since) : NULL;
	struct error e;
	struct buf path;
	char *clients, *appt_path;
	size_t n_clients, fetched = 0;
	bool ok = true;

	error_clear(&e);
	q.from = from;
	q.to = to;
	q.practitioner = session_practitioner(s, NULL, &e);
	buf_init(&path);
	appt_path = appt_query_path(&q);
	if (since == NULL) {
		buf_adds(&path, appt_path);
	} else {
		/* Any change to these appointments, moved out of the window too. */
		buf_adds(&path, "Appointment?_count=200&_include=Appointment:actor");
		if (q.practitioner != NULL) {
			char *ref = xasprintf("Practitioner/%s", q.practitioner), *er = http_escape(ref);

			buf_addf(&path, "&practitioner=%s", er);
			free(ref);
			free(er);
		}
		add_since(&path, since);
	}
	free(appt_path);
	ok = fetch_into_cache(s, path.data, &fetched, &mark, err);
	clients = window_clients(s, from, to, q.practitioner, &n_clients);
	/* A front desk's cache holds no clinical text: not even fetched. */
	if (flag_user_front_desk(s, &e)) {
		free(clients);
		clients = NULL;
		n_clients = 0;
	}
	error_clear(&e);
	for (int kind = 0; ok && n_clients > 0 && kind < 2; kind++) {
		buf_reset(&path);
		buf_addf(&path, "%s?subject=%s&_count=200", kind == 0 ? "DocumentReference" : "Communication", clients);
		if (kind == 0)
			buf_adds(&path, "&_include=DocumentReference:author");
		else
			buf_adds(&path, "&_include=Communication:sender");
		if (since != NULL)
			add_since(&path, since);
		ok = fetch_into_cache(s, path.data, &fetched, &mark, err);
	}
	free(clients);
	buf_finish(&path);
	if (ok && mark != NULL)
		ok = set_last_sync(s->store, mark, err);
	free(since);
	free(mark);
	if (ok && ctx->fmt == FMT_TABLE) {
		buf_addf(said, ngettext("%zu record brought into the local cache", "%zu records brought into the local cache", fetched), fetched);
		buf_addf(said, ngettext(" (the appointments of three weeks and %zu client's notes and messages).\n",
					   " (the appointments of three weeks and %zu clients' notes and messages).\n", n_clients), n_clients);
	}
	return ok;
}

HANDLER(cmd_sync)
{
	struct session *s = &ctx->session;
	struct error e2;
	struct buf b;
	bool ok;

	(void)e;
	(void)a;
	if (s->store == NULL)
		return error_set(err, s->store_err.kind == ERR_FAILED ? ERR_FAILED : ERR_AUTH, "%s",
				 s->store_err.kind != ERR_NONE ? s->store_err.msg
			: _("There is no local cache yet; 'ezrizi login' makes one."));
	buf_init(&b);
	ok = send_now(ctx, &b, err);
	error_clear(&e2);
	if (!sync_cache(ctx, &b, &e2) && ok) {
		*err = e2;
		ok = false;
	}
	/* A report of two lines: what was sent, what was brought. */
	if (b.len > 0)
		result_take_text(ctx->result, buf_steal(&b));
	else
		buf_finish(&b);
	return ok;
}

const struct cmd_entry cmd_entry_sync = {
	.name = "sync",
	.summary = N_("Send the writes waiting in the outbox, then bring the local cache up to date."),
	.flags = CMD_SESSION,
	.exec = cmd_sync,
};
