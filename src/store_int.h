/* store_int.h - what store.c and store_repair.c share; the contract is
 * include/core/store.h, the file format is at the top of store.c. */
#ifndef EZRIZI_STORE_INT_H
#define EZRIZI_STORE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <sodium.h>
#include <sqlite3.h>

#include "core/store.h"

#define HASH_BYTES 32
#define REV_BYTES 16
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES

/* The store's own record: put when the records are made, never deleted. A
 * format-2 header without it beside is damage (the records were replaced). */
#define SENTINEL_TYPE "store"
#define SENTINEL_ID "records"

/* Secrets, in one sodium_malloc()ed block. */
struct keys {
	unsigned char data[STORE_KEY_BYTES];
	unsigned char seal[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char hash[crypto_generichash_KEYBYTES];
};

/* What an open found wrong with the records (the header opened). */
enum damage {
	DAMAGE_NONE,
	DAMAGE_EMPTY,      /* the records file is empty or missing */
	DAMAGE_REPLACED,   /* a database, but not this store's (no sentinel) */
	DAMAGE_CORRUPT,    /* SQLite reports the file damaged */
};

struct store {
	char *dir;
	int lock_fd;
	bool lock_alone;    /* the lock is held alone (LOCK_EX), not shared */
	sqlite3 *db;        /* NULL when the records could not be opened (repair) */
	struct keys *k;
	int batch;          /* depth of store_begin */
	enum damage damage; /* only a store opened for repair holds any */
	char *damage_why;   /* SQLite's words for DAMAGE_CORRUPT, or NULL */
	bool met_damage;    /* SQLite called the file damaged since the open */
};

/* The clear columns of a row, from SQLite or from a salvaged page: key,
 * kind, day, person, thread, rev (NULL pointers for NULL columns), and box. */
struct rowcols {
	const unsigned char *v[6];
	size_t n[6];
	const unsigned char *box;
	size_t boxlen;
};

/* A decrypted payload: pointers into the plaintext buffer. */
struct payload {
	const char *f[6];      /* type, id, version, day, person, thread; not NUL-terminated */
	size_t flen[6];
	const unsigned char *data;
	size_t len;
};

enum { P_TYPE, P_ID, P_VERSION, P_DAY, P_PERSON, P_THREAD };

char *store_path(const char *dir, const char *name);
bool store_db_error(sqlite3 *db, int rc, const char *what, struct error *err);
/* How store_db_open sets a file up. */
enum db_mode {
	DB_EXISTING,   /* must be there; the schema is store_check_records' to check */
	DB_CREATE,     /* made, with the schema */
	DB_BUILD,      /* made, with the schema, no journal: a salvage's fresh copy */
};
/* Opens the file `name` of the store and sets it up; NULL on error, with the
 * SQLite code of the failure in *rc (may be NULL). */
sqlite3 *store_db_open(const char *dir, const char *name, enum db_mode mode, int *rc,
		       struct error *err);
void store_hash(const struct store *st, char tag, const char *type, const char *value,
		unsigned char out[HASH_BYTES]);
/* Opens a row from its columns: the plaintext (xmalloc'ed, wipe it) or NULL. */
unsigned char *store_row_open(const struct store *st, const struct rowcols *rc,
			      struct payload *p, size_t *ptlen);
/* Reads the columns of the statement's row (key, kind, day, person, thread,
 * rev, box in that order from column `first`). */
void store_row_cols(sqlite3_stmt *s, int first, struct rowcols *rc);
/* Puts the sentinel record. */
bool store_put_sentinel(struct store *st, struct error *err);
/* What a damaged store says when it is used (and at open). */
bool store_damage_error(const struct store *st, struct error *err);
/* Checks the records of an opened db: sets st->damage. False on an I/O error. */
bool store_check_records(struct store *st, bool want_sentinel, struct error *err);
/* Creates what of the schema is missing. */
bool store_db_schema(sqlite3 *db, struct error *err);
/* The records file is missing or empty (never to be given to SQLite). */
bool store_records_empty(const char *dir);
/* The sentinel is there and opens (*rc SQLITE_ROW; SQLITE_DONE when it is
 * not there; SQLITE_CORRUPT when it does not open). */
bool store_has_sentinel(struct store *st, int *rc);
void store_set_corrupt(struct store *st, int rc);
/* A leftover of a salvage killed half way: cleaned up, or kept for the next. */
void store_salvage_leftovers(const char *dir);
/* The records are whole again: what a salvage moved aside can go. */
void store_salvage_done(const char *dir);

/* Holds the store's lock alone from now on (a salvage replaces its files):
 * ERR_CONFLICT, saying to close the other ezrizi, when another has it open. */
bool store_lock_alone(struct store *st, struct error *err);

#endif
