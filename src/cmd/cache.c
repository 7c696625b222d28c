/* cmd/cache.c - the encrypted local store: unlock, lock, passwd, cache verify,
 * cache wipe. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd/handlers.h"
#include "core/agent.h"
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
