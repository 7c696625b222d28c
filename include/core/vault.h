/* vault.h - where a profile's encrypted store lives and how it is opened.
 *
 * The store of a profile is $XDG_DATA_HOME/ezrizi/store-PROFILE (store-default
 * without a profile). Its passphrase is the cache passphrase: it is not the
 * platform password, and one is never derived from the other. It opens with,
 * first match wins: the unlock agent's key (`ezrizi unlock`), the output of the
 * profile's passphrase_command, or a prompt on the terminal. */
#ifndef EZRIZI_VAULT_H
#define EZRIZI_VAULT_H

#include <stdbool.h>

#include "core/config.h"
#include "core/error.h"
#include "core/secret.h"
#include "core/store.h"

/* The store's directory (new string, free()). */
char *vault_dir(const struct config *cfg);

/* The key derivation's cost from the config's cache_kdf (moderate unless set). */
void vault_kdf(const struct config *cfg, struct store_kdf *k);

/* The passphrase: passphrase_command, else a prompt (when may_ask). */
struct secret *vault_passphrase(const struct config *cfg, const char *prompt, bool may_ask,
				struct error *err);

/* Opens the store. No store: ERR_NOT_FOUND. Locked with no way to ask:
 * ERR_AUTH saying to run 'ezrizi unlock'. */
struct store *vault_open(const struct config *cfg, bool may_ask, struct error *err);
/* The same for 'cache verify': a store whose records are damaged opens too
 * (store_open_repair). */
struct store *vault_open_damaged(const struct config *cfg, bool may_ask, struct error *err);

/* Opens it, creating it first when there is none (a new passphrase, asked
 * twice on a terminal, or passphrase_command). */
struct store *vault_open_or_create(const struct config *cfg, bool may_ask, struct error *err);

#endif
