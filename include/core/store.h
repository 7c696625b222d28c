/* store.h - the encrypted local store: everything ezrizi keeps on disk.
 *
 * SQLite is the container (atomic commits, crash recovery) and holds only
 * sealed blobs. Keys: Argon2id(passphrase, salt; parameters in the header) ->
 * a key-encryption key that wraps a random 32-byte data key; subkeys for
 * sealing and for lookup hashes come from the data key (crypto_kdf). Each row:
 *   key    = keyed BLAKE2b of "type/id" (nothing readable about a person)
 *   day    = keyed hash of the local day (appointments), or NULL
 *   person = keyed hash of the patient id (notes, messages, appointments), or NULL
 *   thread = keyed hash of the thread id (messages), or NULL
 *   kind   = keyed hash of the type (so "all appointments" is a lookup)
 *   a random rev, new at every write, and XChaCha20-Poly1305(ciphertext) with a
 *   random nonce and associated data = row key || rev || the lookup keys, so a
 *   swapped record, an older copy put back, or a changed lookup key fails to
 *   open.
 * The directory is 0700, its files 0600, named without anything about anyone.
 * Processes share it (a screen and scripts side by side: SQLite's WAL lets them
 * read at once, and a writer waits for another's commit, five seconds at most);
 * what replaces its files (create, passwd, wipe, a salvage) holds the
 * directory's lock file (flock) alone, and an open meanwhile is ERR_CONFLICT. Keys live
 * in sodium_malloc()ed memory, locked where the system allows, wiped on close.
 *
 * Damage is never an empty store: records that are missing, empty, replaced
 * or that SQLite calls damaged make every open fail (ERR_FAILED, saying what
 * happened and to run 'ezrizi cache verify'); store_verify salvages what can be
 * read into a fresh file and keeps the damaged one aside. The type "store" is
 * the store's own. */
#ifndef EZRIZI_STORE_H
#define EZRIZI_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"

#define STORE_KEY_BYTES 32

struct store;

/* Argon2id cost; the defaults are crypto_pwhash_*_MODERATE, tests use less. */
struct store_kdf {
	unsigned long long opslimit;
	size_t memlimit;
};
void store_kdf_default(struct store_kdf *k);

/* True when dir holds a store. */
bool store_exists(const char *dir);

/* Creates a store in dir (made 0700 if missing) protected by the passphrase.
 * Fails with ERR_CONFLICT when one is already there. */
bool store_create(const char *dir, const char *pass, size_t pass_len, const struct store_kdf *kdf,
		  struct error *err);

/* Opens it. A wrong passphrase is ERR_AUTH and touches nothing; no store is
 * ERR_NOT_FOUND; another process holding it is ERR_CONFLICT ("another ezrizi
 * is using ..."); a damaged header is ERR_FAILED. When `kdf` asks for more than
 * the header has (policy rose), the data key is re-wrapped with it. */
struct store *store_open(const char *dir, const char *pass, size_t pass_len,
			 const struct store_kdf *kdf, struct error *err);
/* Opens it with the data key itself (from the unlock agent). */
struct store *store_open_key(const char *dir, const unsigned char key[STORE_KEY_BYTES],
			     struct error *err);
/* Opens it for store_verify even when its records are damaged (the header
 * must open): with the data key when key is not NULL, else the passphrase.
 * Records of a damaged store cannot be read or written until it is verified. */
struct store *store_open_repair(const char *dir, const char *pass, size_t pass_len,
				const unsigned char *key, struct error *err);
/* True while its records are damaged (only a store opened for repair). */
bool store_damaged(const struct store *st);
/* True when its records turned out damaged since it was opened (SQLite said
 * so in a read or a write); err then says so, and to run 'ezrizi cache
 * verify'. For callers that took a failed read for a missing record. */
bool store_met_damage(const struct store *st, struct error *err);
/* The data key, for handing to the unlock agent (into the caller's buffer). */
void store_data_key(const struct store *st, unsigned char key[STORE_KEY_BYTES]);
void store_close(struct store *st);  /* wipes the keys; accepts NULL */

/* Changes the passphrase: only the wrapped data key is rewritten, atomically
 * (killed at any moment, either the old or the new passphrase opens it). */
bool store_passwd(const char *dir, const char *old_pass, size_t old_len, const char *new_pass,
		  size_t new_len, const struct store_kdf *kdf, struct error *err);

/* Removes the store and everything in it. */
bool store_wipe(const char *dir, struct error *err);

/* ---- records ---- */

struct store_rec {
	const char *type;      /* "Appointment", "DocumentReference", "draft", "outbox" ... */
	const char *id;
	const char *version;   /* "" when none */
	const char *day;       /* "2026-11-26" or NULL: found by store_find(STORE_BY_DAY) */
	const char *person;    /* a patient id or NULL */
	const char *thread;    /* a thread id or NULL */
	const void *data;
	size_t len;
};

/* Inserts or replaces the record type/id, durably (the commit is fsynced). */
bool store_put(struct store *st, const struct store_rec *r, struct error *err);

/* Groups puts and deletes into one durable commit (a sync of 1,000 records
 * is then one fsync, not 1,000). Nests; a failed store_commit rolls the whole
 * group back and is never reported as done; store_rollback drops it. */
bool store_begin(struct store *st, struct error *err);
bool store_commit(struct store *st, struct error *err);
void store_rollback(struct store *st);

/* Reads type/id: *data (malloc'd; wipe and free it with store_free) and, when
 * version is not NULL, *version (malloc'd; "" when the record has none).
 * ERR_NOT_FOUND when absent.
 * A record that fails to open (damaged, tampered, swapped, rolled back) is
 * ERR_FAILED, is deleted, and is never returned: fetch it again. */
bool store_get(struct store *st, const char *type, const char *id, void **data, size_t *len,
	       char **version, struct error *err);
void store_free(void *data, size_t len);  /* wipes then frees */

bool store_delete(struct store *st, const char *type, const char *id, struct error *err);

enum store_index { STORE_BY_KIND, STORE_BY_DAY, STORE_BY_PERSON, STORE_BY_THREAD };

/* Calls fn for every record of `type` whose index equals key (for
 * STORE_BY_KIND, key is ignored). Records that fail to open are deleted and
 * counted in *damaged (may be NULL), not passed to fn. fn returns false to stop. */
typedef bool (*store_each_fn)(const char *id, const char *version, const void *data, size_t len,
			      void *arg);
bool store_find(struct store *st, enum store_index idx, const char *type, const char *key,
		store_each_fn fn, void *arg, size_t *damaged, struct error *err);

/* What store_verify found and did. */
struct store_check {
	const char *watch;     /* in: a type whose lost records are counted apart, or NULL */
	size_t total;          /* records there now, whole (the store's own not counted) */
	size_t damaged;        /* records that failed to open: removed */
	size_t lost;           /* records the salvage could not read (at least this many) */
	size_t watch_lost;     /* of damaged and lost, records of type watch */
	bool salvaged;         /* the records were damaged: rebuilt into a fresh file */
	bool unknown;          /* how much was lost cannot be known (nothing said how many
				  there were: the file was empty, or its indexes are gone too) */
	char *why;             /* salvaged: SQLite's words for the damage, or NULL (free()) */
	char *aside;           /* salvaged: the folder the damaged files are kept in (free()) */
};
void store_check_finish(struct store_check *c);

/* Opens every record and removes the damaged ones. When the records file
 * itself is damaged (empty, missing, replaced, or SQLite reports it corrupt or
 * its integrity check fails), salvages instead: every row that can still be
 * read, page by page, is opened with the key and written into a fresh records
 * file beside it, which then replaces the damaged one (killed at any moment,
 * either the old or the new records are there, whole); the damaged files are
 * kept in a damaged-TIME folder of the store (0700, files 0600) until the
 * user removes them. c says what was found. False only when nothing could be
 * done (err says why; nothing was changed). */
bool store_verify(struct store *st, struct store_check *c, struct error *err);

#endif
