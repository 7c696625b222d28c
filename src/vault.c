/* vault.c - see include/core/vault.h. */
#include "core/vault.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/agent.h"
#include "core/i18n.h"
#include "core/xmalloc.h"

char *
vault_dir(const struct config *cfg)
{
	char *data = config_data_dir();
	const char *profile = config_profile(cfg);
	char *dir = xasprintf("%s/store-%s", data, profile != NULL ? profile : "default");

	free(data);
	return dir;
}

void
vault_kdf(const struct config *cfg, struct store_kdf *k)
{
	const char *cost = config_get(cfg, "cache_kdf");

	store_kdf_default(k);
	if (cost != NULL && strcmp(cost, "interactive") == 0) {
		k->opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		k->memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	} else if (cost != NULL && strcmp(cost, "sensitive") == 0) {
		k->opslimit = crypto_pwhash_OPSLIMIT_SENSITIVE;
		k->memlimit = crypto_pwhash_MEMLIMIT_SENSITIVE;
	}
}

struct secret *
vault_passphrase(const struct config *cfg, const char *prompt, const struct front_ops *ask,
		 struct error *err)
{
	const char *cmd = config_get(cfg, "passphrase_command");

	struct secret *sec;

	if (cmd != NULL)
		return secret_from_command(cmd, err);
	if (prompt != NULL && (sec = front_ask_secret(ask, prompt, FRONT_PASSPHRASE, err)) != NULL)
		return sec;
	error_set(err, ERR_AUTH,
		  _("The local cache is locked; run 'ezrizi unlock' first, or set passphrase_command in the config."));
	return NULL;
}

/* Another ezrizi may hold the store for a moment (a script's commands run one
 * after another): wait for it, up to ten seconds, then say so. This sleeps,
 * so only the shell waits here (batch mode, and the screen's start before its
 * loop runs); the screen's loop calls vault_try_open and tries again on its
 * timer. */
#define LOCK_WAIT_MS 10000

static struct store *vault_open_once(const struct config *cfg, const struct front_ops *ask,
				     bool repair, struct error *err);

static struct store *
open_waiting(const struct config *cfg, const struct front_ops *ask, bool repair, struct error *err)
{
	struct store *st;
	struct error e;

	if (ask != NULL && ask->no_wait)
		return vault_open_once(cfg, ask, repair, err);

	for (int waited = 0;; waited += 50) {
		error_clear(&e);
		if ((st = vault_open_once(cfg, ask, repair, &e)) != NULL || e.kind != ERR_CONFLICT ||
		    waited >= LOCK_WAIT_MS)
			break;
		usleep(50 * 1000);
	}
	if (st == NULL && err != NULL)
		*err = e;
	return st;
}

struct store *
vault_try_open(const struct config *cfg, const struct front_ops *ask, struct error *err)
{
	return vault_open_once(cfg, ask, false, err);
}

struct store *
vault_open(const struct config *cfg, const struct front_ops *ask, struct error *err)
{
	return open_waiting(cfg, ask, false, err);
}

struct store *
vault_open_damaged(const struct config *cfg, const struct front_ops *ask, struct error *err)
{
	return open_waiting(cfg, ask, true, err);
}

static struct store *
vault_open_once(const struct config *cfg, const struct front_ops *ask, bool repair,
		struct error *err)
{
	char *dir = vault_dir(cfg);
	unsigned char key[STORE_KEY_BYTES];
	struct store_kdf kdf;
	struct secret *pass;
	struct store *st = NULL;

	if (!store_exists(dir)) {
		error_set(err, ERR_NOT_FOUND, _("There is no local cache yet; 'ezrizi login' makes one."));
		free(dir);
		return NULL;
	}
	if (agent_get_key(dir, key)) {
		st = repair ? store_open_repair(dir, NULL, 0, key, err) : store_open_key(dir, key, err);
		sodium_memzero(key, sizeof key);
		free(dir);
		return st;
	}
	/* TRANSLATORS: the prompt for the passphrase of the encrypted local cache. */
	if ((pass = vault_passphrase(cfg, _("Cache passphrase: "), ask, err)) != NULL) {
		vault_kdf(cfg, &kdf);
		st = repair ? store_open_repair(dir, pass->data, pass->len, NULL, err)
			    : store_open(dir, pass->data, pass->len, &kdf, err);
		secret_destroy(pass);
	}
	free(dir);
	return st;
}

/* A new passphrase: passphrase_command's, or typed twice the same. */
static struct secret *
new_passphrase(const struct config *cfg, const struct front_ops *ask, struct error *err)
{
	struct secret *a, *b;

	if (config_get(cfg, "passphrase_command") != NULL)
		return vault_passphrase(cfg, NULL, NULL, err);
	/* TRANSLATORS: asked when the encrypted local cache is made. */
	if ((a = vault_passphrase(cfg, _("A new passphrase for the local cache (not your platform password): "),
				  ask, err)) == NULL)
		return NULL;
	if (a->len < 8) {
		secret_destroy(a);
		error_set(err, ERR_USAGE, _("The passphrase is shorter than 8 characters; nothing was made."));
		return NULL;
	}
	if ((b = vault_passphrase(cfg, _("The same passphrase again: "), ask, err)) == NULL) {
		secret_destroy(a);
		return NULL;
	}
	if (a->len != b->len || sodium_memcmp(a->data, b->data, a->len) != 0) {
		secret_destroy(a);
		secret_destroy(b);
		error_set(err, ERR_USAGE, _("The two passphrases differ; nothing was made."));
		return NULL;
	}
	secret_destroy(b);
	return a;
}

struct store *
vault_open_or_create(const struct config *cfg, const struct front_ops *ask, struct error *err)
{
	char *dir = vault_dir(cfg);
	struct store_kdf kdf;
	struct secret *pass;
	struct store *st = NULL;

	if (store_exists(dir)) {
		free(dir);
		return vault_open(cfg, ask, err);
	}
	if ((pass = new_passphrase(cfg, ask, err)) != NULL) {
		vault_kdf(cfg, &kdf);
		if (store_create(dir, pass->data, pass->len, &kdf, err))
			st = store_open(dir, pass->data, pass->len, &kdf, err);
		secret_destroy(pass);
	}
	free(dir);
	return st;
}
