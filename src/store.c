/* store.c - the encrypted local store; see include/core/store.h.
 *
 * A store is a directory (0700) of three files (0600):
 *
 *   header   168 bytes, replaced atomically (fs_write_private), little-endian:
 *              0  8  magic "EZRZSTOR"
 *              8  4  format version (2; 1 is still read, see below)
 *             12  4  algorithm (1 = Argon2id 1.3 + XChaCha20-Poly1305)
 *             16  8  Argon2id opslimit
 *             24  8  Argon2id memlimit
 *             32 16  salt
 *             48 24  nonce of the wrapped key
 *             72 48  the data key sealed with the key-encryption key
 *                    (XChaCha20-Poly1305, associated data = bytes 0..71)
 *            120 16  key check: keyed BLAKE2b of "key check" (subkey 3), so
 *                    store_open_key can tell a wrong data key
 *            136 32  BLAKE2b-256 of bytes 0..135: a damaged header is told
 *                    apart from a wrong passphrase
 *   records  SQLite (WAL, synchronous=FULL, secure_delete; a busy timeout lets
 *            writers of several processes take turns)
 *   lock     flock: shared while processes use the store (a screen and scripts
 *            side by side), alone (LOCK_EX) to replace its files
 *
 * The records are made before the header, so a header always has records
 * beside it: a records file that is missing, empty, or holds no table r is
 * damage, never an empty store (SQLite itself would make it a fresh empty
 * database, and would delete a WAL next to an empty file: such a file is
 * never given to SQLite). Format 2 says more: the records hold the sentinel
 * record (type "store", id "records", sealed like any other), put when they
 * were made and never deleted, so records replaced by another database (or
 * emptied and made afresh by an older ezrizi) are damage too. A format-1
 * header is upgraded when it is opened with the passphrase (the version is in
 * the wrapped key's associated data), after the sentinel is put.
 *
 * store_repair.c salvages damaged records into a fresh file beside them
 * (records.new) and swaps it in; the damaged files are kept in damaged-TIME/.
 *
 * Table r (a rowid table: rows of a few KiB pack into its pages, where a
 * WITHOUT ROWID table would spill each into an overflow page):
 *   n INTEGER PRIMARY KEY the rowid, meaningless
 *   key BLOB UNIQUE       H('k', type, id)
 *   kind BLOB NOT NULL    H('t', type)           indexed
 *   day, person, thread   H('d'|'p'|'h', type, value) or NULL, indexed
 *   rev BLOB NOT NULL     16 random bytes, new at every put
 *   box BLOB NOT NULL     nonce(24) || XChaCha20-Poly1305(payload)
 * H is BLAKE2b-256 keyed with subkey 2 of the data key over tag || type || NUL
 * || value; the type is in every index hash, so one index lookup finds one
 * type's records. The associated data of a box is
 *   "EZS1" || key || rev || kind || day || person || thread
 * (absent columns as 32 zero bytes): a box moved to another row, put back
 * over a newer one of the same record (rollback), or a row whose index
 * columns were changed fails to open. The payload (sealed with subkey 1):
 *   u8 1, then type, id, version, day, person, thread, data, each as a
 *   u32 length (0xffffffff = absent) and the bytes. */
#include "core/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "core/fsutil.h"
#include "core/i18n.h"
#include "core/xmalloc.h"
#include "store_int.h"

#define HDR_MAGIC "EZRZSTOR"
#define HDR_FORMAT 2      /* written; 1 is read too */
#define HDR_ALG 1
#define HDR_PREFIX 72    /* bytes the wrapped key's associated data covers */
#define HDR_CHECK_OFF 120
#define HDR_SUM_OFF 136
#define HDR_SIZE 168
#define CHECK_BYTES 16
#define KDF_CTX "ezrzstor"
#define PAYLOAD_FORMAT 1
#define ABSENT 0xffffffffu
/* How long a write waits for another process's to commit. */
#define STORE_BUSY_MS 5000
#define AD_BYTES (4 + HASH_BYTES + REV_BYTES + 4 * HASH_BYTES)

static const char *const NAME_HEADER = "header";
static const char *const NAME_RECORDS = "records";
static const char *const NAME_LOCK = "lock";

struct header {
	uint32_t format;
	unsigned long long opslimit;
	size_t memlimit;
	unsigned char salt[crypto_pwhash_SALTBYTES];
	unsigned char nonce[NONCE_BYTES];
	unsigned char wrapped[STORE_KEY_BYTES + TAG_BYTES];
	unsigned char check[CHECK_BYTES];
};

/* ---- small helpers ---- */

char *
store_path(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static char *
path_in(const char *dir, const char *name)
{
	return store_path(dir, name);
}

static void
put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static bool
crypto_ready(struct error *err)
{
	if (sodium_init() < 0)
		return error_set(err, ERR_FAILED, _("The encryption library could not start."));
	return true;
}

static bool
damaged_header(const char *dir, struct error *err)
{
	return error_set(err, ERR_FAILED,
			 _("The local store in %s cannot be opened: its key file is damaged, and without it nothing in the store can be read, writes not yet sent included. 'ezrizi cache wipe yes --discard-unsent' starts afresh: everything else is fetched again from the server."),
			 dir);
}

/* Makes a file or folder ours-only: fixes the mode when we own it, refuses
 * one that belongs to someone else or is not what it should be. */
static bool
check_private(const char *path, int fd, bool is_dir, struct error *err)
{
	struct stat sb;

	if (fstat(fd, &sb) != 0)
		return error_set(err, ERR_FAILED, _("Cannot read %s: %s."), path, strerror(errno));
	if (sb.st_uid != geteuid() || (is_dir ? !S_ISDIR(sb.st_mode) : !S_ISREG(sb.st_mode)))
		return error_set(err, ERR_FAILED,
				 _("%s belongs to someone else or is not a plain %s; the store was not used."),
				 path, is_dir ? _("folder") : _("file"));
	if ((sb.st_mode & 07777) != (is_dir ? 0700u : 0600u) &&
	    fchmod(fd, is_dir ? 0700 : 0600) != 0)
		return error_set(err, ERR_FAILED, _("Cannot make %s private: %s."), path,
				 strerror(errno));
	return true;
}

static bool
check_dir(const char *dir, struct error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	bool ok;

	if (fd < 0)
		return error_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_FAILED,
				 _("Cannot open the folder %s: %s."), dir, strerror(errno));
	ok = check_private(dir, fd, true, err);
	close(fd);
	return ok;
}

/* Opens (creating when asked) a file of the store, private. */
static int
open_private(const char *path, bool create, struct error *err)
{
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);

	if (fd < 0) {
		error_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_FAILED, _("Cannot open %s: %s."),
			  path, strerror(errno));
		return -1;
	}
	if (!check_private(path, fd, false, err)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Takes the store's lock. Using the store (a screen, a script, both at once:
 * SQLite keeps their reads and writes apart) holds it shared; what replaces
 * its files (create, passwd, wipe, a salvage) holds it alone. Returns the fd,
 * or -1 with err set: ERR_CONFLICT when the other kind holds it. */
static int
lock_store(const char *dir, bool alone, struct error *err)
{
	char *path = path_in(dir, NAME_LOCK);
	int fd = open_private(path, true, err);

	if (fd >= 0 && flock(fd, (alone ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK && alone)
			error_set(err, ERR_CONFLICT,
				  _("Another ezrizi (a screen or a script) has the local store in %s open; close it, then do this again."),
				  dir);
		else if (errno == EWOULDBLOCK)
			error_set(err, ERR_CONFLICT,
				  _("ezrizi is changing the local store in %s (a new passphrase, a salvage or a wipe); try again when it is done."),
				  dir);
		else
			error_set(err, ERR_FAILED, _("Cannot lock %s: %s."), path, strerror(errno));
		close(fd);
		fd = -1;
	}
	free(path);
	return fd;
}

/* The lock to use a store with: alone for a moment when it can be had, to
 * tidy what a process killed mid-way left (*tidy set), then shared. */
static int
lock_to_use(const char *dir, bool *tidy, struct error *err)
{
	struct error ignored;
	int fd;

	error_clear(&ignored);
	if ((fd = lock_store(dir, true, &ignored)) >= 0) {
		*tidy = true;
		return fd;
	}
	*tidy = false;
	return ignored.kind == ERR_CONFLICT ? lock_store(dir, false, err) : (*err = ignored, -1);
}

bool
store_lock_alone(struct store *st, struct error *err)
{
	if (st->lock_alone)
		return true;
	if (flock(st->lock_fd, LOCK_EX | LOCK_NB) != 0)
		return error_set(err, ERR_CONFLICT,
				 _("Another ezrizi (a screen or a script) has the local store in %s open; close it, then do this again."),
				 st->dir);
	st->lock_alone = true;
	return true;
}

static void
unlock_store(int fd)
{
	if (fd >= 0)
		close(fd);  /* releases the flock */
}

/* ---- the header ---- */

static void
derive_subkeys(struct keys *k)
{
	crypto_kdf_derive_from_key(k->seal, sizeof k->seal, 1, KDF_CTX, k->data);
	crypto_kdf_derive_from_key(k->hash, sizeof k->hash, 2, KDF_CTX, k->data);
}

static void
key_check(const struct keys *k, unsigned char out[CHECK_BYTES])
{
	unsigned char sub[crypto_generichash_KEYBYTES];
	static const char label[] = "ezrizi store key check";

	crypto_kdf_derive_from_key(sub, sizeof sub, 3, KDF_CTX, k->data);
	crypto_generichash(out, CHECK_BYTES, (const unsigned char *)label, sizeof label - 1, sub,
			   sizeof sub);
	sodium_memzero(sub, sizeof sub);
}

static void
header_prefix(const struct header *h, unsigned char out[HDR_PREFIX])
{
	memcpy(out, HDR_MAGIC, 8);
	put_le(out + 8, h->format, 4);
	put_le(out + 12, HDR_ALG, 4);
	put_le(out + 16, h->opslimit, 8);
	put_le(out + 24, h->memlimit, 8);
	memcpy(out + 32, h->salt, sizeof h->salt);
	memcpy(out + 48, h->nonce, sizeof h->nonce);
}

static void
header_encode(const struct header *h, unsigned char out[HDR_SIZE])
{
	header_prefix(h, out);
	memcpy(out + HDR_PREFIX, h->wrapped, sizeof h->wrapped);
	memcpy(out + HDR_CHECK_OFF, h->check, CHECK_BYTES);
	crypto_generichash(out + HDR_SUM_OFF, HDR_SIZE - HDR_SUM_OFF, out, HDR_SUM_OFF, NULL, 0);
}

static bool
header_decode(const unsigned char *in, size_t len, struct header *h)
{
	unsigned char sum[HDR_SIZE - HDR_SUM_OFF];

	if (len != HDR_SIZE || memcmp(in, HDR_MAGIC, 8) != 0 || get_le(in + 8, 4) < 1 ||
	    get_le(in + 8, 4) > HDR_FORMAT || get_le(in + 12, 4) != HDR_ALG)
		return false;
	crypto_generichash(sum, sizeof sum, in, HDR_SUM_OFF, NULL, 0);
	if (sodium_memcmp(sum, in + HDR_SUM_OFF, sizeof sum) != 0)
		return false;
	h->format = (uint32_t)get_le(in + 8, 4);
	h->opslimit = get_le(in + 16, 8);
	h->memlimit = (size_t)get_le(in + 24, 8);
	if (h->opslimit < crypto_pwhash_OPSLIMIT_MIN || h->opslimit > crypto_pwhash_OPSLIMIT_MAX ||
	    h->memlimit < crypto_pwhash_MEMLIMIT_MIN || h->memlimit > crypto_pwhash_MEMLIMIT_MAX)
		return false;
	memcpy(h->salt, in + 32, sizeof h->salt);
	memcpy(h->nonce, in + 48, sizeof h->nonce);
	memcpy(h->wrapped, in + HDR_PREFIX, sizeof h->wrapped);
	memcpy(h->check, in + HDR_CHECK_OFF, CHECK_BYTES);
	return true;
}

/* Reads and checks the header. ERR_NOT_FOUND when there is none. */
static bool
header_read(const char *dir, struct header *h, struct error *err)
{
	char *path = path_in(dir, NAME_HEADER);
	unsigned char buf[HDR_SIZE + 1];
	ssize_t n;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	bool ok = false;

	if (fd < 0) {
		if (errno == ENOENT)
			error_set(err, ERR_NOT_FOUND, _("There is no local store in %s."), dir);
		else
			error_set(err, ERR_FAILED, _("Cannot read %s: %s."), path, strerror(errno));
		free(path);
		return false;
	}
	if (!check_private(path, fd, false, err))
		goto out;
	while (len < sizeof buf) {
		n = read(fd, buf + len, sizeof buf - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error_set(err, ERR_FAILED, _("Cannot read %s: %s."), path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	ok = header_decode(buf, len, h) || damaged_header(dir, err);
out:
	close(fd);
	free(path);
	return ok;
}

static bool
header_write(const char *dir, const struct header *h, struct error *err)
{
	unsigned char buf[HDR_SIZE];
	char *path = path_in(dir, NAME_HEADER);
	bool ok;

	header_encode(h, buf);
	ok = fs_write_private(path, (const char *)buf, sizeof buf, err);
	free(path);
	return ok;
}

static void
kdf_or_default(const struct store_kdf *in, struct store_kdf *out)
{
	if (in != NULL)
		*out = *in;
	else
		store_kdf_default(out);
	if (out->opslimit < crypto_pwhash_OPSLIMIT_MIN)
		out->opslimit = crypto_pwhash_OPSLIMIT_MIN;
	if (out->memlimit < crypto_pwhash_MEMLIMIT_MIN)
		out->memlimit = crypto_pwhash_MEMLIMIT_MIN;
}

/* Argon2id of the passphrase with the header's salt and cost. */
static bool
derive_kek(const struct header *h, const char *pass, size_t pass_len, unsigned char *kek,
	   struct error *err)
{
	if (crypto_pwhash(kek, STORE_KEY_BYTES, pass, pass_len, h->salt, h->opslimit, h->memlimit,
			  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return error_set(err, ERR_FAILED,
				 _("Not enough memory to check the passphrase (%zu MiB needed)."),
				 h->memlimit >> 20);
	return true;
}

/* Fills h (new salt and nonce, cost kdf) wrapping k's data key under pass;
 * h->format is the caller's. */
static bool
header_wrap(struct header *h, const struct keys *k, const char *pass, size_t pass_len,
	    const struct store_kdf *kdf, struct error *err)
{
	unsigned char prefix[HDR_PREFIX];
	unsigned char *kek = sodium_malloc(STORE_KEY_BYTES);
	bool ok;

	if (kek == NULL)
		return error_set(err, ERR_FAILED, _("Cannot allocate secure memory for the keys."));
	h->opslimit = kdf->opslimit;
	h->memlimit = kdf->memlimit;
	randombytes_buf(h->salt, sizeof h->salt);
	randombytes_buf(h->nonce, sizeof h->nonce);
	key_check(k, h->check);
	ok = derive_kek(h, pass, pass_len, kek, err);
	if (ok) {
		header_prefix(h, prefix);
		crypto_aead_xchacha20poly1305_ietf_encrypt(h->wrapped, NULL, k->data, STORE_KEY_BYTES,
							   prefix, sizeof prefix, NULL, h->nonce,
							   kek);
	}
	sodium_free(kek);
	return ok;
}

/* Unwraps the data key into k. ERR_AUTH on a wrong passphrase. */
static bool
header_unwrap(const struct header *h, struct keys *k, const char *pass, size_t pass_len,
	      struct error *err)
{
	unsigned char prefix[HDR_PREFIX];
	unsigned char check[CHECK_BYTES];
	unsigned char *kek = sodium_malloc(STORE_KEY_BYTES);
	bool ok;

	if (kek == NULL)
		return error_set(err, ERR_FAILED, _("Cannot allocate secure memory for the keys."));
	ok = derive_kek(h, pass, pass_len, kek, err);
	if (ok) {
		header_prefix(h, prefix);
		ok = crypto_aead_xchacha20poly1305_ietf_decrypt(k->data, NULL, NULL, h->wrapped,
								sizeof h->wrapped, prefix,
								sizeof prefix, h->nonce, kek) == 0;
		if (!ok)
			error_set(err, ERR_AUTH, _("The passphrase is wrong; nothing was changed."));
	}
	sodium_free(kek);
	if (ok) {
		key_check(k, check);
		/* The check was written with the key: a mismatch means a forged header. */
		if (sodium_memcmp(check, h->check, CHECK_BYTES) != 0)
			ok = error_set(err, ERR_AUTH, _("The passphrase is wrong; nothing was changed."));
	}
	return ok;
}

static struct keys *
keys_new(struct error *err)
{
	struct keys *k = sodium_malloc(sizeof *k);

	if (k == NULL)
		error_set(err, ERR_FAILED, _("Cannot allocate secure memory for the keys."));
	return k;
}

static void
keys_free(struct keys *k)
{
	if (k != NULL)
		sodium_free(k);  /* wipes */
}

/* ---- SQLite ---- */

bool
store_db_error(sqlite3 *db, int rc, const char *what, struct error *err)
{
	int base = rc & 0xff;

	if (base == SQLITE_FULL)
		return error_set(err, ERR_FAILED, _("The disk is full: %s was not saved. Free some space and try again."),
				 what);
	if (base == SQLITE_IOERR)
		return error_set(err, ERR_FAILED, _("Cannot write the local store (%s): %s was not saved."),
				 db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc), what);
	if (base == SQLITE_CORRUPT || base == SQLITE_NOTADB)
		return error_set(err, ERR_FAILED,
				 _("The local store is damaged (%s). Run 'ezrizi cache verify': it keeps every record that can still be read, the writes waiting for the server first."),
				 db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	return error_set(err, ERR_FAILED, _("The local store failed (%s): %s was not done."),
			 db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc), what);
}

static bool
db_error(sqlite3 *db, int rc, const char *what, struct error *err)
{
	return store_db_error(db, rc, what, err);
}

static bool
db_exec(sqlite3 *db, const char *sql, const char *what, struct error *err)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK || db_error(db, rc, what, err);
}

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS r ("
	" n INTEGER PRIMARY KEY, key BLOB NOT NULL UNIQUE, kind BLOB NOT NULL, day BLOB,"
	" person BLOB, thread BLOB, rev BLOB NOT NULL, box BLOB NOT NULL);"
	"CREATE INDEX IF NOT EXISTS r_kind ON r(kind);"
	"CREATE INDEX IF NOT EXISTS r_day ON r(day) WHERE day IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS r_person ON r(person) WHERE person IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS r_thread ON r(thread) WHERE thread IS NOT NULL;";

/* The file `name` of the store, set up: created (with the schema) when
 * `create`; else it must be there, and the schema is the caller's to check
 * (store_check_records) before anything is written. */
sqlite3 *
store_db_open(const char *dir, const char *name, enum db_mode mode, int *rcp,
	      struct error *err)
{
	char *path = path_in(dir, name);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int fd, rc = SQLITE_OK;
	bool ok = false;

	/* Created here, 0600: SQLite gives its WAL and journal the same mode. */
	fd = open_private(path, mode != DB_EXISTING, err);
	if (fd < 0)
		goto out;
	close(fd);
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		db_error(db, rc, _("opening the local store"), err);
		goto out;
	}
	sqlite3_extended_result_codes(db, 1);
	/* Normal locking: a screen and a script read side by side (WAL), and a
	 * writer waits for another's commit, briefly, instead of failing. The
	 * -shm file SQLite then keeps holds page numbers only, mode 0600 too. */
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	rc = sqlite3_exec(db,
			  "PRAGMA secure_delete=ON;"
			  " PRAGMA synchronous=FULL; PRAGMA trusted_schema=OFF;"
			  " PRAGMA cell_size_check=ON; PRAGMA temp_store=MEMORY;", NULL, NULL, NULL);
	if (rc == SQLITE_OK && mode == DB_BUILD)
		rc = sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, mode == DB_BUILD ? "PRAGMA journal_mode=OFF"
							     : "PRAGMA journal_mode=WAL", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		db_error(db, rc, _("opening the local store"), err);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (mode != DB_EXISTING && !db_exec(db, schema, _("opening the local store"), err))
		goto out;
	ok = true;
out:
	sqlite3_finalize(st);
	if (!ok) {
		sqlite3_close(db);
		db = NULL;
	}
	if (rcp != NULL)
		*rcp = ok || fd < 0 ? SQLITE_OK : rc;
	free(path);
	return db;
}

/* ---- damaged records ---- */

/* A failure of a store in use; SQLite calling the file damaged is remembered
 * (store_met_damage). */
static bool
st_error(struct store *st, int rc, const char *what, struct error *err)
{
	if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
		st->met_damage = true;
	return db_error(st->db, rc, what, err);
}

/* Refuses work on a store opened for repair whose records are damaged. */
static bool
usable(const struct store *st, struct error *err)
{
	return st->damage == DAMAGE_NONE || store_damage_error(st, err);
}

bool
store_db_schema(sqlite3 *db, struct error *err)
{
	return db_exec(db, schema, _("opening the local store"), err);
}

/* ---- open, create, close ---- */

void
store_kdf_default(struct store_kdf *k)
{
	k->opslimit = crypto_pwhash_OPSLIMIT_MODERATE;
	k->memlimit = crypto_pwhash_MEMLIMIT_MODERATE;
}

bool
store_exists(const char *dir)
{
	char *path = path_in(dir, NAME_HEADER);
	struct stat sb;
	bool yes = lstat(path, &sb) == 0;

	free(path);
	return yes;
}

/* Removes a header's leftover temporary files (a kill during a rewrite). */
static void
remove_leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = strlen(NAME_HEADER);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, NAME_HEADER, n) == 0 && strncmp(e->d_name + n, ".tmp.", 5) == 0) {
			char *p = path_in(dir, e->d_name);

			unlink(p);
			free(p);
		}
	}
	closedir(d);
	store_salvage_leftovers(dir);
}

static void
unlink_in(const char *dir, const char *name)
{
	char *p = path_in(dir, name);

	unlink(p);
	free(p);
}

/* Every file of the records, and a salvage's, but not the damaged copies. */
static const char *const record_files[] = {
	"records", "records-wal", "records-shm", "records-journal", "records-wal.salvage",
	"records.new", "records.new-journal", "records.new-wal",
};

static void
remove_records(const char *dir)
{
	for (size_t i = 0; i < sizeof record_files / sizeof record_files[0]; i++)
		unlink_in(dir, record_files[i]);
}

/* A store of the records alone, for putting the sentinel. */
static bool
sentinel_into(sqlite3 *db, struct keys *k, struct error *err)
{
	struct store tmp = { 0 };

	tmp.db = db;
	tmp.k = k;
	return store_put_sentinel(&tmp, err);
}

bool
store_put_sentinel(struct store *st, struct error *err)
{
	static const char text[] = "ezrizi records";
	struct store_rec r = { SENTINEL_TYPE, SENTINEL_ID, "", NULL, NULL, NULL, text, sizeof text - 1 };

	return store_put(st, &r, err);
}

bool
store_create(const char *dir, const char *pass, size_t pass_len, const struct store_kdf *kdf,
	     struct error *err)
{
	struct store_kdf cost;
	struct header h;
	struct keys *k;
	sqlite3 *db;
	int lock;
	bool ok = false;

	if (!crypto_ready(err) || !fs_mkdir_private(dir, err) || !check_dir(dir, err))
		return false;
	if ((lock = lock_store(dir, true, err)) < 0)
		return false;
	if (store_exists(dir)) {
		unlock_store(lock);
		return error_set(err, ERR_CONFLICT,
				 _("There is already a local store in %s; open it or wipe it first."),
				 dir);
	}
	if ((k = keys_new(err)) == NULL) {
		unlock_store(lock);
		return false;
	}
	/* Without a header, any records file is a leftover of a create that died. */
	remove_records(dir);
	remove_leftovers(dir);
	randombytes_buf(k->data, sizeof k->data);
	derive_subkeys(k);
	kdf_or_default(kdf, &cost);
	if ((db = store_db_open(dir, NAME_RECORDS, DB_CREATE, NULL, err)) == NULL)
		goto out;
	ok = sentinel_into(db, k, err);
	sqlite3_close(db);
	/* The header goes last: it is what makes the folder a store. */
	h.format = HDR_FORMAT;
	ok = ok && header_wrap(&h, k, pass, pass_len, &cost, err) && header_write(dir, &h, err);
out:
	sodium_memzero(&h, sizeof h);
	keys_free(k);
	unlock_store(lock);
	return ok;
}

/* The common tail of both opens: k holds the data key, lock is held. With
 * `repair`, records that are damaged do not stop it (store_verify mends them). */
static struct store *
open_with(const char *dir, int lock, bool tidy, struct keys *k, const struct header *h,
	  bool repair, struct error *err)
{
	struct store *st = xcalloc(1, sizeof *st);
	struct error e;
	int rc;

	st->dir = xstrdup(dir);
	st->lock_fd = lock;
	st->lock_alone = tidy;
	st->k = k;
	if (tidy)
		remove_leftovers(dir);   /* no one else is in it: a killed process's */
	if (store_records_empty(dir)) {
		st->damage = DAMAGE_EMPTY;
	} else if ((st->db = store_db_open(dir, NAME_RECORDS, DB_EXISTING, &rc, err)) == NULL) {
		/* Not a database at all (its first page is gone) is damage too. */
		if ((rc & 0xff) != SQLITE_CORRUPT && (rc & 0xff) != SQLITE_NOTADB) {
			store_close(st);
			return NULL;
		}
		error_clear(err);
		store_set_corrupt(st, rc);
	} else if (!store_check_records(st, h->format >= 2, err)) {
		store_close(st);
		return NULL;
	}
	if (st->damage != DAMAGE_NONE && !repair) {
		store_damage_error(st, err);
		store_close(st);
		return NULL;
	}
	if (st->damage == DAMAGE_NONE && tidy)
		store_salvage_done(dir);
	if (st->damage == DAMAGE_NONE && h->format < 2 && !store_has_sentinel(st, &(int){ 0 })) {
		/* A format-1 store: the sentinel now; the header follows at the next
		 * open with the passphrase (store_open). */
		error_clear(&e);
		store_put_sentinel(st, &e);
	}
	if (tidy && !repair && flock(lock, LOCK_SH) == 0)
		st->lock_alone = false;  /* others may use it beside us now */
	return st;
}

static bool
kdf_raised(const struct header *h, const struct store_kdf *kdf)
{
	return kdf != NULL && (kdf->opslimit > h->opslimit || kdf->memlimit > h->memlimit);
}

/* What both ways of opening check first: libsodium, the folder, that a store
 * is there, and the lock (alone to repair, *tidy when it was had alone).
 * Returns the lock's fd, or -1 with err set. */
static int
open_prelude(const char *dir, bool repair, bool *tidy, struct error *err)
{
	if (!crypto_ready(err) || !check_dir(dir, err))
		return -1;
	if (!store_exists(dir)) {
		error_set(err, ERR_NOT_FOUND, _("There is no local store in %s."), dir);
		return -1;
	}
	*tidy = repair;
	return repair ? lock_store(dir, true, err) : lock_to_use(dir, tidy, err);
}

static struct store *
open_pass(const char *dir, const char *pass, size_t pass_len, const struct store_kdf *kdf,
	  bool repair, struct error *err)
{
	struct header h, nh;
	struct keys *k;
	struct store *st;
	int lock;
	bool tidy;

	if ((lock = open_prelude(dir, repair, &tidy, err)) < 0)
		return NULL;
	if ((k = keys_new(err)) == NULL || !header_read(dir, &h, err) ||
	    !header_unwrap(&h, k, pass, pass_len, err)) {
		keys_free(k);
		unlock_store(lock);
		return NULL;
	}
	derive_subkeys(k);
	if ((st = open_with(dir, lock, tidy, k, &h, repair, err)) == NULL) {
		sodium_memzero(&h, sizeof h);
		return NULL;
	}
	if (kdf_raised(&h, kdf) || (h.format < 2 && st->damage == DAMAGE_NONE)) {
		/* Policy rose, or a format-1 header (its records now have the
		 * sentinel): re-wrap. On failure (a full disk) the old header stays
		 * valid and the next open tries again. */
		struct store_kdf cost = { h.opslimit, h.memlimit };
		struct error ignored;

		if (kdf != NULL && kdf->opslimit > cost.opslimit)
			cost.opslimit = kdf->opslimit;
		if (kdf != NULL && kdf->memlimit > cost.memlimit)
			cost.memlimit = kdf->memlimit;
		error_clear(&ignored);
		nh.format = st->damage == DAMAGE_NONE && store_has_sentinel(st, &(int){ 0 }) ? HDR_FORMAT
										     : h.format;
		if (header_wrap(&nh, k, pass, pass_len, &cost, &ignored))
			header_write(dir, &nh, &ignored);
		sodium_memzero(&nh, sizeof nh);
	}
	sodium_memzero(&h, sizeof h);
	return st;
}

static struct store *
open_key(const char *dir, const unsigned char key[STORE_KEY_BYTES], bool repair,
	 struct error *err)
{
	struct header h;
	struct keys *k;
	unsigned char check[CHECK_BYTES];
	int lock;
	bool tidy;

	if ((lock = open_prelude(dir, repair, &tidy, err)) < 0)
		return NULL;
	if ((k = keys_new(err)) == NULL || !header_read(dir, &h, err)) {
		keys_free(k);
		unlock_store(lock);
		return NULL;
	}
	memcpy(k->data, key, STORE_KEY_BYTES);
	key_check(k, check);
	if (sodium_memcmp(check, h.check, CHECK_BYTES) != 0) {
		keys_free(k);
		unlock_store(lock);
		error_set(err, ERR_AUTH, _("The key does not open the local store in %s."), dir);
		return NULL;
	}
	derive_subkeys(k);
	return open_with(dir, lock, tidy, k, &h, repair, err);
}

struct store *
store_open(const char *dir, const char *pass, size_t pass_len, const struct store_kdf *kdf,
	   struct error *err)
{
	return open_pass(dir, pass, pass_len, kdf, false, err);
}

struct store *
store_open_key(const char *dir, const unsigned char key[STORE_KEY_BYTES], struct error *err)
{
	return open_key(dir, key, false, err);
}

struct store *
store_open_repair(const char *dir, const char *pass, size_t pass_len,
		  const unsigned char *key, struct error *err)
{
	return key != NULL ? open_key(dir, key, true, err) : open_pass(dir, pass, pass_len, NULL, true, err);
}

bool
store_damaged(const struct store *st)
{
	return st->damage != DAMAGE_NONE;
}

void
store_data_key(const struct store *st, unsigned char key[STORE_KEY_BYTES])
{
	memcpy(key, st->k->data, STORE_KEY_BYTES);
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	sqlite3_close(st->db);
	keys_free(st->k);
	unlock_store(st->lock_fd);
	free(st->damage_why);
	free(st->dir);
	free(st);
}

bool
store_passwd(const char *dir, const char *old_pass, size_t old_len, const char *new_pass,
	     size_t new_len, const struct store_kdf *kdf, struct error *err)
{
	struct store_kdf cost;
	struct header h, nh;
	struct keys *k;
	int lock;
	bool ok;

	if (!crypto_ready(err) || !check_dir(dir, err))
		return false;
	if (!store_exists(dir))
		return error_set(err, ERR_NOT_FOUND, _("There is no local store in %s."), dir);
	if ((lock = lock_store(dir, true, err)) < 0)
		return false;
	if ((k = keys_new(err)) == NULL) {
		unlock_store(lock);
		return false;
	}
	ok = header_read(dir, &h, err) && header_unwrap(&h, k, old_pass, old_len, err);
	if (ok) {
		kdf_or_default(kdf, &cost);
		if (cost.opslimit < h.opslimit)
			cost.opslimit = h.opslimit;
		if (cost.memlimit < h.memlimit)
			cost.memlimit = h.memlimit;
		/* One rename: killed at any moment, the old or the new one opens it.
		 * The format stays: only an open sees whether the sentinel is there. */
		nh.format = h.format;
		ok = header_wrap(&nh, k, new_pass, new_len, &cost, err) && header_write(dir, &nh, err);
		if (!ok)
			error_prefix(err, "%s", _("The passphrase was not changed: "));
	}
	sodium_memzero(&h, sizeof h);
	sodium_memzero(&nh, sizeof nh);
	keys_free(k);
	unlock_store(lock);
	return ok;
}

/* Removes the damaged copies a salvage kept (damaged-*), file by file. */
static bool
remove_damaged_copies(const char *dir, struct error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool ok = true;

	if (d == NULL)
		return true;
	while (ok && (e = readdir(d)) != NULL) {
		char *sub;

		if (strncmp(e->d_name, "damaged-", 8) != 0)
			continue;
		sub = path_in(dir, e->d_name);
		for (size_t i = 0; i < sizeof record_files / sizeof record_files[0]; i++)
			unlink_in(sub, record_files[i]);
		if (rmdir(sub) != 0 && errno != ENOENT)
			ok = error_set(err, ERR_FAILED, _("Cannot remove %s: %s."), sub, strerror(errno));
		free(sub);
	}
	closedir(d);
	return ok;
}

bool
store_wipe(const char *dir, struct error *err)
{
	struct stat sb;
	int lock;

	if (lstat(dir, &sb) != 0) {
		if (errno == ENOENT)
			return true;
		return error_set(err, ERR_FAILED, _("Cannot open the folder %s: %s."), dir,
				 strerror(errno));
	}
	if ((lock = lock_store(dir, true, err)) < 0)
		return false;
	for (size_t i = 0; i <= sizeof record_files / sizeof record_files[0]; i++) {
		const char *name = i == 0 ? NAME_HEADER : record_files[i - 1];
		char *p = path_in(dir, name);

		if (unlink(p) != 0 && errno != ENOENT) {
			error_set(err, ERR_FAILED, _("Cannot remove %s: %s."), p, strerror(errno));
			free(p);
			unlock_store(lock);
			return false;
		}
		free(p);
	}
	if (!remove_damaged_copies(dir, err)) {
		unlock_store(lock);
		return false;
	}
	remove_leftovers(dir);
	unlink_in(dir, NAME_LOCK);
	unlock_store(lock);
	/* Only our files are removed: a folder holding anything else stays. */
	if (rmdir(dir) != 0 && errno != ENOTEMPTY && errno != EEXIST && errno != ENOENT)
		return error_set(err, ERR_FAILED, _("Cannot remove %s: %s."), dir, strerror(errno));
	return true;
}

/* ---- batches ---- */

bool
store_begin(struct store *st, struct error *err)
{
	if (!usable(st, err))
		return false;
	if (st->batch++ > 0)
		return true;
	if (!db_exec(st->db, "BEGIN IMMEDIATE", _("starting a change"), err)) {
		st->batch = 0;
		return false;
	}
	return true;
}

bool
store_commit(struct store *st, struct error *err)
{
	if (st->batch == 0 || --st->batch > 0)
		return true;
	if (db_exec(st->db, "COMMIT", _("the change"), err))
		return true;
	/* Never reported as done: whatever did not reach the disk is rolled back. */
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return false;
}

void
store_rollback(struct store *st)
{
	if (st->batch == 0)
		return;
	st->batch = 0;
	if (!sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- records ---- */

void
store_hash(const struct store *st, char tag, const char *type, const char *value,
	   unsigned char out[HASH_BYTES])
{
	crypto_generichash_state s;
	unsigned char t = (unsigned char)tag, nul = 0;

	crypto_generichash_init(&s, st->k->hash, sizeof st->k->hash, HASH_BYTES);
	crypto_generichash_update(&s, &t, 1);
	crypto_generichash_update(&s, (const unsigned char *)type, strlen(type));
	crypto_generichash_update(&s, &nul, 1);
	if (value != NULL)
		crypto_generichash_update(&s, (const unsigned char *)value, strlen(value));
	crypto_generichash_final(&s, out, HASH_BYTES);
}

static void
hash_field(const struct store *st, char tag, const char *type, const char *value,
	   unsigned char out[HASH_BYTES])
{
	store_hash(st, tag, type, value, out);
}

/* The columns of one row, as hashes (NULL columns have present[i] false). */
struct row {
	unsigned char key[HASH_BYTES];
	unsigned char kind[HASH_BYTES];
	unsigned char idx[3][HASH_BYTES];   /* day, person, thread */
	bool present[3];
	unsigned char rev[REV_BYTES];
};

static void
row_hashes(const struct store *st, const struct store_rec *r, struct row *row)
{
	const char *v[3] = { r->day, r->person, r->thread };
	static const char tags[3] = { 'd', 'p', 'h' };

	hash_field(st, 'k', r->type, r->id, row->key);
	hash_field(st, 't', r->type, NULL, row->kind);
	for (int i = 0; i < 3; i++) {
		row->present[i] = v[i] != NULL;
		if (v[i] != NULL)
			hash_field(st, tags[i], r->type, v[i], row->idx[i]);
		else
			memset(row->idx[i], 0, HASH_BYTES);
	}
}

static void
row_ad(const struct row *row, unsigned char ad[AD_BYTES])
{
	unsigned char *p = ad;

	memcpy(p, "EZS1", 4), p += 4;
	memcpy(p, row->key, HASH_BYTES), p += HASH_BYTES;
	memcpy(p, row->rev, REV_BYTES), p += REV_BYTES;
	memcpy(p, row->kind, HASH_BYTES), p += HASH_BYTES;
	for (int i = 0; i < 3; i++, p += HASH_BYTES)
		memcpy(p, row->idx[i], HASH_BYTES);
}

static void
add_field(struct buf *b, const char *s, size_t len, bool present)
{
	unsigned char n[4];

	put_le(n, present ? len : ABSENT, 4);
	buf_add(b, n, 4);
	if (present)
		buf_add(b, s, len);
}

static bool
valid_name(const char *s)
{
	return s != NULL && *s != '\0';
}

bool
store_put(struct store *st, const struct store_rec *r, struct error *err)
{
	const char *f[6] = { r->type, r->id, r->version != NULL ? r->version : "", r->day,
			     r->person, r->thread };
	static const char sql[] =
		"INSERT OR REPLACE INTO r(key, kind, day, person, thread, rev, box)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	unsigned char ad[AD_BYTES];
	struct row row;
	struct buf pt;
	unsigned char *box;
	size_t boxlen;
	sqlite3_stmt *s = NULL;
	int rc;

	if (!valid_name(r->type) || !valid_name(r->id) || (r->len > 0 && r->data == NULL))
		return error_set(err, ERR_USAGE, _("A stored record needs a type and an id."));
	if (!usable(st, err))
		return false;
	buf_init(&pt);
	buf_addc(&pt, PAYLOAD_FORMAT);
	for (int i = 0; i < 6; i++)
		add_field(&pt, f[i], f[i] != NULL ? strlen(f[i]) : 0, f[i] != NULL);
	add_field(&pt, r->data, r->len, true);

	row_hashes(st, r, &row);
	randombytes_buf(row.rev, sizeof row.rev);
	row_ad(&row, ad);
	boxlen = NONCE_BYTES + pt.len + TAG_BYTES;
	box = xmalloc(boxlen);
	randombytes_buf(box, NONCE_BYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(box + NONCE_BYTES, NULL,
						   (unsigned char *)pt.data, pt.len, ad, sizeof ad,
						   NULL, box, st->k->seal);
	sodium_memzero(pt.data, pt.len);
	buf_finish(&pt);

	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(s, 1, row.key, HASH_BYTES, SQLITE_STATIC);
		sqlite3_bind_blob(s, 2, row.kind, HASH_BYTES, SQLITE_STATIC);
		for (int i = 0; i < 3; i++) {
			if (row.present[i])
				sqlite3_bind_blob(s, 3 + i, row.idx[i], HASH_BYTES, SQLITE_STATIC);
			else
				sqlite3_bind_null(s, 3 + i);
		}
		sqlite3_bind_blob(s, 6, row.rev, REV_BYTES, SQLITE_STATIC);
		sqlite3_bind_blob64(s, 7, box, boxlen, SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	free(box);
	if (rc != SQLITE_DONE)
		return st_error(st, rc, _("the record"), err);
	return true;
}

/* Parses the plaintext; false when it is not well formed. */
static bool
payload_parse(unsigned char *pt, size_t len, struct payload *p)
{
	size_t off = 1;

	if (len < 1 || pt[0] != PAYLOAD_FORMAT)
		return false;
	for (int i = 0; i < 7; i++) {
		uint32_t n;

		if (len - off < 4)
			return false;
		n = (uint32_t)get_le(pt + off, 4);
		off += 4;
		if (n == ABSENT) {
			if (i < 6)
				p->f[i] = NULL, p->flen[i] = 0;
			if (i == 6 || i < 3)
				return false;  /* type, id, version and data are always there */
			continue;
		}
		if (len - off < n)
			return false;
		if (i < 6) {
			p->f[i] = (const char *)pt + off;
			p->flen[i] = n;
			if (memchr(pt + off, '\0', n) != NULL)
				return false;
		} else {
			p->data = pt + off;
			p->len = n;
		}
		off += n;
	}
	return off == len;
}

void
store_row_cols(sqlite3_stmt *s, int first, struct rowcols *rc)
{
	for (int i = 0; i < 6; i++) {
		rc->v[i] = sqlite3_column_type(s, first + i) == SQLITE_NULL ? NULL
			: sqlite3_column_blob(s, first + i);
		rc->n[i] = (size_t)sqlite3_column_bytes(s, first + i);
	}
	rc->box = sqlite3_column_blob(s, first + 6);
	rc->boxlen = (size_t)sqlite3_column_bytes(s, first + 6);
}

/* A row read back: opens it and checks it against the columns. Returns the
 * plaintext (xmalloc'ed, wipe it) or NULL when it fails to open. */
unsigned char *
store_row_open(const struct store *st, const struct rowcols *rc, struct payload *p,
	       size_t *ptlen)
{
	struct row row;
	unsigned char ad[AD_BYTES], h[HASH_BYTES];
	unsigned char *pt;
	unsigned char *dst[6] = { row.key, row.kind, row.idx[0], row.idx[1], row.idx[2], row.rev };

	for (int i = 0; i < 6; i++) {
		size_t want = i == 5 ? REV_BYTES : HASH_BYTES;

		if (i >= 2 && i <= 4 && rc->v[i] == NULL) {
			row.present[i - 2] = false;
			memset(dst[i], 0, HASH_BYTES);
			continue;
		}
		if (rc->v[i] == NULL || rc->n[i] != want)
			return NULL;
		memcpy(dst[i], rc->v[i], want);
		if (i >= 2 && i <= 4)
			row.present[i - 2] = true;
	}
	if (rc->box == NULL || rc->boxlen < NONCE_BYTES + TAG_BYTES)
		return NULL;
	row_ad(&row, ad);
	*ptlen = rc->boxlen - NONCE_BYTES - TAG_BYTES;
	pt = xmalloc(*ptlen + 1);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL, rc->box + NONCE_BYTES,
						       rc->boxlen - NONCE_BYTES, ad, sizeof ad,
						       rc->box, st->k->seal) != 0 ||
	    !payload_parse(pt, *ptlen, p))
		goto bad;
	/* Sealed by us, so this holds unless the code is wrong: check anyway. */
	{
		char *type = xstrndup(p->f[P_TYPE], p->flen[P_TYPE]);
		char *id = xstrndup(p->f[P_ID], p->flen[P_ID]);

		hash_field(st, 'k', type, id, h);
		free(type);
		free(id);
		if (sodium_memcmp(h, row.key, HASH_BYTES) != 0)
			goto bad;
	}
	return pt;
bad:
	sodium_memzero(pt, *ptlen);
	free(pt);
	return NULL;
}

static unsigned char *
row_open(const struct store *st, sqlite3_stmt *s, struct payload *p, size_t *ptlen)
{
	struct rowcols rc;

	store_row_cols(s, 0, &rc);
	return store_row_open(st, &rc, p, ptlen);
}

static bool
delete_key(struct store *st, const void *key, size_t n, struct error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, "DELETE FROM r WHERE key = ?1", -1, &s, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(s, 1, key, (int)n, SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE || st_error(st, rc, _("removing a damaged record"), err);
}

static const char cols_sql[] = "SELECT key, kind, day, person, thread, rev, box FROM r";

bool
store_get(struct store *st, const char *type, const char *id, void **data, size_t *len,
	  char **version, struct error *err)
{
	unsigned char key[HASH_BYTES];
	char *sql = xasprintf("%s WHERE key = ?1", cols_sql);
	sqlite3_stmt *s = NULL;
	struct payload p;
	unsigned char *pt = NULL;
	size_t ptlen = 0;
	int rc;
	bool ok = false;

	*data = NULL;
	*len = 0;
	if (version != NULL)
		*version = NULL;
	if (!valid_name(type) || !valid_name(id)) {
		free(sql);
		return error_set(err, ERR_USAGE, _("A stored record needs a type and an id."));
	}
	if (!usable(st, err)) {
		free(sql);
		return false;
	}
	hash_field(st, 'k', type, id, key);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	free(sql);
	if (rc == SQLITE_OK) {
		sqlite3_bind_blob(s, 1, key, HASH_BYTES, SQLITE_STATIC);
		rc = sqlite3_step(s);
	}
	if (rc == SQLITE_DONE) {
		error_set(err, ERR_NOT_FOUND, _("%s %s is not in the local store."), type, id);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		st_error(st, rc, _("reading a record"), err);
		goto out;
	}
	pt = row_open(st, s, &p, &ptlen);
	sqlite3_finalize(s);
	s = NULL;
	if (pt == NULL) {
		delete_key(st, key, HASH_BYTES, NULL);
		error_set(err, ERR_FAILED,
			  _("The stored copy of %s %s was damaged and has been removed; fetch it again."),
			  type, id);
		goto out;
	}
	if (version != NULL)
		*version = xstrndup(p.f[P_VERSION], p.flen[P_VERSION]);
	*len = p.len;
	memmove(pt, p.data, p.len);
	sodium_memzero(pt + p.len, ptlen + 1 - p.len);
	*data = pt;
	ok = true;
out:
	sqlite3_finalize(s);
	return ok;
}

void
store_free(void *data, size_t len)
{
	if (data == NULL)
		return;
	sodium_memzero(data, len);
	free(data);
}

bool
store_delete(struct store *st, const char *type, const char *id, struct error *err)
{
	unsigned char key[HASH_BYTES];

	if (!valid_name(type) || !valid_name(id))
		return error_set(err, ERR_USAGE, _("A stored record needs a type and an id."));
	if (!usable(st, err))
		return false;
	hash_field(st, 'k', type, id, key);
	return delete_key(st, key, HASH_BYTES, err);
}

/* Damaged rows found while reading: removed once the reading is over, by
 * their stored key (which may itself be damaged). */
struct bad_rows {
	struct buf keys;   /* u32 length || bytes, one after another */
	size_t n;
};

static void
damage_add(struct bad_rows *d, sqlite3_stmt *s)
{
	const void *k = sqlite3_column_blob(s, 0);
	int n = sqlite3_column_bytes(s, 0);
	uint32_t len = k != NULL && n > 0 ? (uint32_t)n : 0;

	buf_add(&d->keys, &len, sizeof len);
	if (len > 0)
		buf_add(&d->keys, k, len);
	d->n++;
}

static bool
damage_remove(struct store *st, struct bad_rows *d, struct error *err)
{
	size_t off = 0;
	bool ok = true;

	while (ok && off < d->keys.len) {
		uint32_t len;

		memcpy(&len, d->keys.data + off, sizeof len);
		off += sizeof len;
		ok = delete_key(st, d->keys.data + off, len, err);
		off += len;
	}
	buf_finish(&d->keys);
	return ok;
}

/* Runs a SELECT over rows, opens each, calls fn with the good ones. */
static bool
store_each_row(struct store *st, sqlite3_stmt *s, const char *type, store_each_fn fn, void *arg,
	       size_t *total, size_t *damaged, struct error *err)
{
	struct bad_rows d;
	struct payload p;
	size_t ptlen;
	int rc;
	bool go = true, ok;

	buf_init(&d.keys);
	d.n = 0;
	while (go && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		unsigned char *pt = row_open(st, s, &p, &ptlen);

		if (total != NULL)
			(*total)++;
		if (pt == NULL) {
			damage_add(&d, s);
			continue;
		}
		if (fn != NULL && (type == NULL || (p.flen[P_TYPE] == strlen(type) &&
						    memcmp(p.f[P_TYPE], type, p.flen[P_TYPE]) == 0))) {
			char *id = xstrndup(p.f[P_ID], p.flen[P_ID]);
			char *ver = xstrndup(p.f[P_VERSION], p.flen[P_VERSION]);

			go = fn(id, ver, p.data, p.len, arg);
			free(id);
			free(ver);
		}
		sodium_memzero(pt, ptlen);
		free(pt);
	}
	ok = !go || rc == SQLITE_DONE || st_error(st, rc, _("reading the local store"), err);
	sqlite3_reset(s);
	if (damaged != NULL)
		*damaged += d.n;
	return damage_remove(st, &d, err) && ok;
}

bool
store_find(struct store *st, enum store_index idx, const char *type, const char *key,
	   store_each_fn fn, void *arg, size_t *damaged, struct error *err)
{
	static const char *const where[] = { "kind", "day", "person", "thread" };
	static const char tags[] = { 't', 'd', 'p', 'h' };
	unsigned char h[HASH_BYTES];
	sqlite3_stmt *s = NULL;
	char *sql;
	int rc;
	bool ok;

	if (damaged != NULL)
		*damaged = 0;
	if ((unsigned)idx > STORE_BY_THREAD || !valid_name(type) ||
	    (idx != STORE_BY_KIND && key == NULL))
		return error_set(err, ERR_USAGE, _("A search of the local store needs a type and a key."));
	if (!usable(st, err))
		return false;
	hash_field(st, tags[idx], type, idx == STORE_BY_KIND ? NULL : key, h);
	sql = xasprintf("%s WHERE %s = ?1", cols_sql, where[idx]);
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return st_error(st, rc, _("a search"), err);
	sqlite3_bind_blob(s, 1, h, HASH_BYTES, SQLITE_STATIC);
	ok = store_each_row(st, s, type, fn, arg, NULL, damaged, err);
	sqlite3_finalize(s);
	return ok;
}
