/* test_salvage.c - damaged records: never an empty store, and what
 * store_verify salvages.
 *
 * Records cut to nothing, missing, replaced, or with a damaged page (the
 * b-tree's root, a leaf); a WAL beside an empty records file (SQLite would
 * delete it); format-1 headers; and the salvage's swap killed at every step.
 * The kill is made deterministic by defining rename(), link(), unlink(),
 * mkdir(), fsync() and fdatasync() here: the executable's definitions take
 * the place of libc's for store.c and libsqlite3 too (symbol interposition),
 * and the n-th call in a child ends it with _exit() before it happens. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "core/store.h"
#include "core/xmalloc.h"

/* ---- calls that can be made to kill the process ---- */

static long crash_at;  /* > 0: the crash_at-th call below ends the process */
static long calls;

#define CRASH_EXIT 99

static void
maybe_crash(void)
{
	if (crash_at > 0 && ++calls >= crash_at)
		_exit(CRASH_EXIT);
}

#define INTERPOSE(ret, name, params, args)                                  \
	ret name params                                                     \
	{                                                                   \
		static ret (*real) params;                                  \
		if (real == NULL)                                           \
			*(void **)&real = dlsym(RTLD_NEXT, #name);          \
		maybe_crash();                                              \
		return real args;                                           \
	}

INTERPOSE(int, rename, (const char *a, const char *b), (a, b))
INTERPOSE(int, link, (const char *a, const char *b), (a, b))
INTERPOSE(int, unlink, (const char *a), (a))
INTERPOSE(int, mkdir, (const char *a, mode_t m), (a, m))
INTERPOSE(int, fsync, (int fd), (fd))
INTERPOSE(int, fdatasync, (int fd), (fd))

/* ---- helpers ---- */

static const struct store_kdf small = { crypto_pwhash_OPSLIMIT_MIN, 8192 * 1024 };
#define PASS "correct horse battery staple"
#define PASS_LEN strlen(PASS)
#define N_RECS 300

static char *
tmpdir(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *t = xasprintf("%s/ezrizi-salvage-XXXXXX", base);

	assert_non_null(mkdtemp(t));
	return t;
}

static void
sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
	free(cmd);
}

static char *
new_store(char **base)
{
	struct error err;
	char *dir;

	*base = tmpdir();
	dir = xasprintf("%s/s", *base);
	error_clear(&err);
	if (!store_create(dir, PASS, PASS_LEN, &small, &err))
		fail_msg("create: %s", err.msg);
	return dir;
}

static struct store *
open_ok(const char *dir)
{
	struct error err;
	struct store *st;

	error_clear(&err);
	st = store_open(dir, PASS, PASS_LEN, &small, &err);
	if (st == NULL)
		fail_msg("open: %s", err.msg);
	return st;
}

static struct store *
open_repair(const char *dir)
{
	struct error err;
	struct store *st;

	error_clear(&err);
	st = store_open_repair(dir, PASS, PASS_LEN, NULL, &err);
	if (st == NULL)
		fail_msg("open for repair: %s", err.msg);
	return st;
}

/* Opening fails, saying the records are damaged and what to do. */
static void
open_says_damaged(const char *dir, const char *why)
{
	struct error err;

	error_clear(&err);
	assert_null(store_open(dir, PASS, PASS_LEN, &small, &err));
	assert_int_equal(err.kind, ERR_FAILED);
	if (strstr(err.msg, "damaged") == NULL || strstr(err.msg, "ezrizi cache verify") == NULL ||
	    (why != NULL && strstr(err.msg, why) == NULL))
		fail_msg("open said: %s", err.msg);
}

static void
put(struct store *st, const char *type, const char *id, const char *data)
{
	struct store_rec r = { type, id, "1", NULL, "p1", NULL, data, strlen(data) };
	struct error err;

	error_clear(&err);
	if (!store_put(st, &r, &err))
		fail_msg("put: %s", err.msg);
}

/* The body of record i: about a KiB, so that the table needs interior pages. */
static char *
body(int i)
{
	char *b = xmalloc(1100);

	snprintf(b, 1100, "record %d ", i);
	for (size_t k = strlen(b); k < 1099; k++)
		b[k] = (char)('a' + (i + (int)k) % 26);
	b[1099] = '\0';
	return b;
}

static const char *
type_of(int i)
{
	return i % 3 == 0 ? "outbox" : "DocumentReference";
}

static void
fill(const char *dir, int n)
{
	struct store *st = open_ok(dir);
	struct error err;

	error_clear(&err);
	assert_true(store_begin(st, &err));
	for (int i = 0; i < n; i++) {
		char id[16], *b = body(i);

		snprintf(id, sizeof id, "%d", i);
		put(st, type_of(i), id, b);
		free(b);
	}
	assert_true(store_commit(st, &err));
	store_close(st);
}

/* How many of the n records read back whole; the others are absent. */
static int
readable(struct store *st, int n)
{
	int ok = 0;

	for (int i = 0; i < n; i++) {
		char id[16], *b = body(i);
		struct error err;
		void *data;
		size_t len;
		char *ver;

		snprintf(id, sizeof id, "%d", i);
		error_clear(&err);
		if (store_get(st, type_of(i), id, &data, &len, &ver, &err)) {
			assert_int_equal(len, strlen(b));
			assert_memory_equal(data, b, len);
			store_free(data, len);
			free(ver);
			ok++;
		} else if (err.kind != ERR_NOT_FOUND) {
			fail_msg("get %s: %s", id, err.msg);
		}
		free(b);
	}
	return ok;
}

static char *
path_in(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static off_t
file_size(const char *dir, const char *name)
{
	char *p = path_in(dir, name);
	struct stat sb;
	off_t n = stat(p, &sb) == 0 ? sb.st_size : -1;

	free(p);
	return n;
}

static void
hash_file(const char *dir, const char *name, unsigned char out[32])
{
	char *p = path_in(dir, name);
	FILE *f = fopen(p, "rb");
	crypto_generichash_state s;
	unsigned char chunk[8192];
	size_t n;

	free(p);
	assert_non_null(f);
	crypto_generichash_init(&s, NULL, 0, 32);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		crypto_generichash_update(&s, chunk, n);
	fclose(f);
	crypto_generichash_final(&s, out, 32);
}

/* Overwrites len bytes at off of the records file with random ones. */
static void
scribble(const char *dir, off_t off, size_t len)
{
	char *p = path_in(dir, "records");
	int fd = open(p, O_WRONLY);
	unsigned char *junk = xmalloc(len);

	assert_true(fd >= 0);
	randombytes_buf(junk, len);
	assert_int_equal(pwrite(fd, junk, len, off), (ssize_t)len);
	close(fd);
	free(junk);
	free(p);
}

static unsigned
page_type(const char *dir, unsigned page)
{
	char *p = path_in(dir, "records");
	FILE *f = fopen(p, "rb");
	int c;

	free(p);
	assert_non_null(f);
	fseek(f, (long)(page - 1) * 4096 + (page == 1 ? 100 : 0), SEEK_SET);
	c = fgetc(f);
	fclose(f);
	return (unsigned)c;
}

static struct store_check
verify(struct store *st)
{
	struct store_check c = { .watch = "outbox" };
	struct error err;

	error_clear(&err);
	if (!store_verify(st, &c, &err))
		fail_msg("verify: %s", err.msg);
	return c;
}

static void
cleanup(char *base, char *dir)
{
	sh("rm -rf '%s'", base);
	free(base);
	free(dir);
}

/* ---- records cut short ---- */

static void
test_records_truncated_is_damage(void **state)
{
	char *base, *dir = new_store(&base), *rp;
	struct store *st;
	struct store_check c;
	struct error err;
	void *data;
	size_t len;

	(void)state;
	fill(dir, 10);
	rp = path_in(dir, "records");
	assert_int_equal(truncate(rp, 0), 0);
	open_says_damaged(dir, "empty or missing");
	{
		unsigned char key[STORE_KEY_BYTES];

		/* The agent's way fails the same; nothing was made of the file. */
		st = open_repair(dir);
		store_data_key(st, key);
		store_close(st);
		error_clear(&err);
		assert_null(store_open_key(dir, key, &err));
		assert_int_equal(err.kind, ERR_FAILED);
		sodium_memzero(key, sizeof key);
	}
	assert_int_equal(file_size(dir, "records"), 0);
	assert_true(store_exists(dir));
	/* Opened for repair: damaged, and no record can be read or written. */
	st = open_repair(dir);
	assert_true(store_damaged(st));
	error_clear(&err);
	assert_false(store_get(st, "outbox", "0", &data, &len, NULL, &err));
	assert_int_equal(err.kind, ERR_FAILED);
	c = verify(st);
	assert_true(c.salvaged);
	assert_true(c.unknown);
	assert_int_equal(c.total, 0);
	assert_null(c.aside);   /* an empty file: nothing to keep */
	assert_false(store_damaged(st));
	put(st, "login", "login", "a new login");
	store_check_finish(&c);
	store_close(st);
	/* Made afresh: it opens, holds what was put since, and checks clean. */
	st = open_ok(dir);
	assert_int_equal(readable(st, 10), 0);
	c = verify(st);
	assert_false(c.salvaged);
	assert_int_equal(c.total, 1);
	assert_int_equal(c.damaged, 0);
	store_check_finish(&c);
	store_close(st);
	free(rp);
	cleanup(base, dir);
}

static void
test_records_missing_is_damage(void **state)
{
	char *base, *dir = new_store(&base), *rp;
	struct store *st;
	struct store_check c;

	(void)state;
	fill(dir, 5);
	rp = path_in(dir, "records");
	assert_int_equal(unlink(rp), 0);
	open_says_damaged(dir, "empty or missing");
	assert_int_equal(file_size(dir, "records"), -1);   /* not made by the open */
	st = open_repair(dir);
	c = verify(st);
	assert_true(c.salvaged && c.unknown);
	store_check_finish(&c);
	store_close(st);
	store_close(open_ok(dir));
	free(rp);
	cleanup(base, dir);
}

/* A child that puts records and is killed before it closes: the WAL holds
 * them. */
static void
records_in_wal(const char *dir, int n)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct store *st = open_ok(dir);

		for (int i = 0; i < n; i++) {
			char id[16], *b = body(i);

			snprintf(id, sizeof id, "%d", i);
			put(st, type_of(i), id, b);
			free(b);
		}
		_exit(CRASH_EXIT);   /* no close: no checkpoint */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(WEXITSTATUS(status), CRASH_EXIT);
}

static void
test_empty_records_beside_wal(void **state)
{
	char *base, *dir = new_store(&base), *rp;
	unsigned char before[32], after[32];
	struct store *st;
	struct store_check c;

	(void)state;
	records_in_wal(dir, 20);
	assert_true(file_size(dir, "records-wal") > 20 * 1100);
	rp = path_in(dir, "records");
	assert_int_equal(truncate(rp, 0), 0);
	hash_file(dir, "records-wal", before);
	/* SQLite, given the empty file, would delete the WAL: it is not given it. */
	open_says_damaged(dir, NULL);
	hash_file(dir, "records-wal", after);
	assert_memory_equal(before, after, 32);
	st = open_repair(dir);
	c = verify(st);
	assert_true(c.salvaged);
	assert_int_equal(c.total, 20);
	assert_non_null(c.aside);
	{
		char *kept = path_in(c.aside, "records-wal");
		struct stat sb;

		assert_int_equal(stat(kept, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
		free(kept);
	}
	store_check_finish(&c);
	store_close(st);
	st = open_ok(dir);
	assert_int_equal(readable(st, 20), 20);
	store_close(st);
	assert_int_equal(file_size(dir, "records-wal.salvage"), -1);
	free(rp);
	cleanup(base, dir);
}

static void
test_records_replaced(void **state)
{
	char *base, *dir = new_store(&base), *rp;
	struct store *st;
	struct store_check c;
	sqlite3 *db;

	(void)state;
	fill(dir, 5);
	/* An empty database with the same table: what an older ezrizi made of a
	 * truncated file. */
	rp = path_in(dir, "records");
	assert_int_equal(unlink(rp), 0);
	assert_int_equal(sqlite3_open(rp, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE r (n INTEGER PRIMARY KEY, key BLOB NOT NULL UNIQUE,"
				      " kind BLOB NOT NULL, day BLOB, person BLOB, thread BLOB,"
				      " rev BLOB NOT NULL, box BLOB NOT NULL)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	open_says_damaged(dir, "replaced");
	st = open_repair(dir);
	c = verify(st);
	assert_true(c.salvaged && c.unknown);
	assert_int_equal(c.total, 0);
	store_check_finish(&c);
	store_close(st);
	store_close(open_ok(dir));
	free(rp);
	cleanup(base, dir);
}

/* ---- format 1 ---- */

/* Rewrites the header as format 1 (the wrapped key's associated data holds
 * the version, so the key is re-wrapped), and removes the sentinel. */
static void
make_format1(const char *dir)
{
	char *hp = path_in(dir, "header"), *rp = path_in(dir, "records");
	unsigned char h[168], kek[32], key[32];
	unsigned long long ops = 0, mem = 0;
	FILE *f = fopen(hp, "rb");
	sqlite3 *db;

	assert_non_null(f);
	assert_int_equal(fread(h, 1, sizeof h, f), sizeof h);
	fclose(f);
	for (int i = 7; i >= 0; i--) {
		ops = ops << 8 | h[16 + i];
		mem = mem << 8 | h[24 + i];
	}
	assert_int_equal(crypto_pwhash(kek, 32, PASS, PASS_LEN, h + 32, ops, (size_t)mem,
				       crypto_pwhash_ALG_ARGON2ID13), 0);
	assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(key, NULL, NULL, h + 72, 48, h, 72,
								    h + 48, kek), 0);
	h[8] = 1;
	crypto_aead_xchacha20poly1305_ietf_encrypt(h + 72, NULL, key, 32, h, 72, NULL, h + 48, kek);
	crypto_generichash(h + 136, 32, h, 136, NULL, 0);
	f = fopen(hp, "wb");
	assert_int_equal(fwrite(h, 1, sizeof h, f), sizeof h);
	fclose(f);
	assert_int_equal(sqlite3_open(rp, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM r WHERE n = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(hp);
	free(rp);
}

static unsigned
header_format(const char *dir)
{
	char *hp = path_in(dir, "header");
	FILE *f = fopen(hp, "rb");
	unsigned char h[12];

	assert_non_null(f);
	assert_int_equal(fread(h, 1, sizeof h, f), sizeof h);
	fclose(f);
	free(hp);
	return h[8];
}

static void
test_format1_opens_and_is_upgraded(void **state)
{
	char *base, *dir = new_store(&base), *rp;
	unsigned char key[STORE_KEY_BYTES];
	struct store *st;
	struct error err;

	(void)state;
	assert_int_equal(header_format(dir), 2);
	fill(dir, 5);
	st = open_ok(dir);
	store_data_key(st, key);
	store_close(st);
	make_format1(dir);
	assert_int_equal(header_format(dir), 1);
	/* The agent's key opens it; the header stays (the passphrase re-wraps it). */
	error_clear(&err);
	st = store_open_key(dir, key, &err);
	if (st == NULL)
		fail_msg("open_key of a format-1 store: %s", err.msg);
	assert_int_equal(readable(st, 5), 5);
	store_close(st);
	assert_int_equal(header_format(dir), 1);
	st = open_ok(dir);
	assert_int_equal(readable(st, 5), 5);
	store_close(st);
	assert_int_equal(header_format(dir), 2);
	store_close(open_ok(dir));
	/* A format-1 store cut short is damage too. */
	make_format1(dir);
	rp = path_in(dir, "records");
	assert_int_equal(truncate(rp, 0), 0);
	open_says_damaged(dir, "empty or missing");
	sodium_memzero(key, sizeof key);
	free(rp);
	cleanup(base, dir);
}

/* ---- a damaged page ---- */

static void
test_root_page_damage(void **state)
{
	char *base, *dir = new_store(&base);
	unsigned char damaged[32], kept[32];
	struct store *st;
	struct store_check c;
	struct error err;
	void *data;
	size_t len;

	(void)state;
	fill(dir, N_RECS);
	/* Page 2 is table r's root; with this many rows, an interior page. */
	assert_int_equal(page_type(dir, 2), 0x05);
	scribble(dir, 4096 + 8, 4000);
	hash_file(dir, "records", damaged);
	/* SQLite reaches no row now: a read says so, and what to run. */
	error_clear(&err);
	st = store_open(dir, PASS, PASS_LEN, &small, &err);
	if (st != NULL) {
		error_clear(&err);
		assert_false(store_get(st, "outbox", "0", &data, &len, NULL, &err));
		assert_int_equal(err.kind, ERR_FAILED);
		assert_non_null(strstr(err.msg, "ezrizi cache verify"));
		store_close(st);
		st = open_ok(dir);
	} else {
		assert_non_null(strstr(err.msg, "ezrizi cache verify"));
		st = open_repair(dir);
	}
	c = verify(st);
	assert_true(c.salvaged);
	assert_false(c.unknown);
	assert_int_equal(c.total, N_RECS);
	assert_int_equal(c.lost + c.damaged, 0);
	assert_int_equal(c.watch_lost, 0);
	assert_non_null(c.aside);
	/* The damaged file, as it was, is kept aside, private. */
	{
		char *rec = path_in(c.aside, "records");
		struct stat sb;

		assert_int_equal(stat(c.aside, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0700);
		assert_int_equal(stat(rec, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
		hash_file(c.aside, "records", kept);
		assert_memory_equal(damaged, kept, 32);
		free(rec);
	}
	assert_int_equal(readable(st, N_RECS), N_RECS);
	store_check_finish(&c);
	store_close(st);
	st = open_ok(dir);
	c = verify(st);
	assert_false(c.salvaged);
	assert_int_equal(c.total, N_RECS);
	assert_int_equal(c.damaged, 0);
	store_check_finish(&c);
	store_close(st);
	/* Wiping takes the damaged copies too. */
	error_clear(&err);
	assert_true(store_wipe(dir, &err));
	assert_int_equal(access(dir, F_OK), -1);
	cleanup(base, dir);
}

struct leaf { unsigned page, ncell; };

/* A leaf page of table r in the middle of the file, and how many rows it holds. */
static struct leaf
middle_leaf(const char *dir)
{
	char *rp = path_in(dir, "records");
	sqlite3 *db;
	sqlite3_stmt *s;
	struct leaf l = { 0, 0 };
	int n = 0, want;

	assert_int_equal(sqlite3_open(rp, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM dbstat WHERE name = 'r' AND pagetype = 'leaf'",
					    -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	want = sqlite3_column_int(s, 0) / 2;
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT pageno, ncell FROM dbstat WHERE name = 'r' AND pagetype = 'leaf'"
					    " ORDER BY pageno", -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (n++ == want) {
			l.page = (unsigned)sqlite3_column_int(s, 0);
			l.ncell = (unsigned)sqlite3_column_int(s, 1);
		}
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(rp);
	assert_true(l.page > 2 && l.ncell > 1);
	return l;
}

static void
test_leaf_page_damage(void **state)
{
	char *base, *dir = new_store(&base);
	struct store *st;
	struct store_check c;
	struct leaf l;
	int left, outbox_left = 0;

	(void)state;
	fill(dir, N_RECS);
	l = middle_leaf(dir);
	/* Its cells: the page's header and cell pointers stay, the rows go. */
	scribble(dir, (off_t)(l.page - 1) * 4096 + 2048, 2048);
	st = open_repair(dir);
	c = verify(st);
	assert_true(c.salvaged);
	assert_false(c.unknown);
	left = readable(st, N_RECS);
	for (int i = 0; i < N_RECS; i += 3) {
		char id[16];
		struct error err;
		void *data;
		size_t len;

		snprintf(id, sizeof id, "%d", i);
		error_clear(&err);
		if (store_get(st, "outbox", id, &data, &len, NULL, &err)) {
			store_free(data, len);
			outbox_left++;
		}
	}
	/* What the report says is what is there: kept and lost add up, and the
	 * lost outbox rows are counted apart. */
	assert_int_equal(c.total, (size_t)left);
	assert_true(c.lost + c.damaged > 0 && c.lost + c.damaged <= l.ncell);
	assert_int_equal((size_t)left + c.lost + c.damaged, N_RECS);
	assert_int_equal(c.watch_lost, (size_t)(N_RECS / 3 - outbox_left));
	store_check_finish(&c);
	store_close(st);
	cleanup(base, dir);
}

/* A bit flipped in the store's own record: damaged (not "replaced"), and
 * salvage keeps the rest and puts it back. */
static void
test_sentinel_damaged(void **state)
{
	char *base, *dir = new_store(&base), *rp;
	struct store *st;
	struct store_check c;
	sqlite3 *db;

	(void)state;
	fill(dir, 10);
	rp = path_in(dir, "records");
	assert_int_equal(sqlite3_open(rp, &db), SQLITE_OK);
	/* A byte changed, whatever it was (one box in 256 had a 0 there already:
	 * sentinel_damaged then found nothing damaged). */
	assert_int_equal(sqlite3_exec(db, "UPDATE r SET box = substr(box, 1, 30) ||"
				      " CASE WHEN substr(box, 31, 1) = x'00' THEN x'01' ELSE x'00' END || substr(box, 32)"
				      " WHERE n = 1", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_close(db);
	open_says_damaged(dir, "malformed");
	st = open_repair(dir);
	c = verify(st);
	assert_true(c.salvaged);
	assert_int_equal(c.total, 10);
	assert_int_equal(c.lost + c.damaged, 0);   /* only the store's own, put back */
	store_check_finish(&c);
	store_close(st);
	st = open_ok(dir);
	assert_int_equal(readable(st, 10), 10);
	store_close(st);
	free(rp);
	cleanup(base, dir);
}

/* ---- the swap, killed at every step ---- */

/* Copies the store's files (no lock) from one folder to another. */
static void
copy_store(const char *from, const char *to)
{
	sh("rm -rf '%s' && mkdir -m 700 '%s' && cp -p '%s'/header '%s'/ && "
	   "(cd '%s' && for f in records records-wal; do [ -e $f ] && cp -p $f '%s'/; done; true)",
	   to, to, from, to, from, to);
}

/* One run of salvage in a child, killed at the n-th call; true when it was. */
static bool
salvage_killed_at(const char *dir, long n)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct store *st;
		struct store_check c = { .watch = "outbox" };
		struct error err;

		error_clear(&err);
		st = store_open_repair(dir, PASS, PASS_LEN, NULL, &err);
		if (st == NULL)
			_exit(2);
		calls = 0;
		crash_at = n;
		if (!store_verify(st, &c, &err) || !c.salvaged)
			_exit(3);
		crash_at = 0;
		store_close(st);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != CRASH_EXIT)
		fail_msg("the salvage child failed (%d) at call %ld", WEXITSTATUS(status), n);
	return WEXITSTATUS(status) == CRASH_EXIT;
}

/* The damaged file is as it was (a WAL may have been moved aside). */
static void
same_damage(const char *dir, const unsigned char damaged[32], const char *name, long at)
{
	char *aside = xasprintf("%s.salvage", name);
	unsigned char now[32];

	hash_file(dir, file_size(dir, name) > 0 ? name : aside, now);
	if (memcmp(now, damaged, 32) != 0)
		fail_msg("killed at call %ld: the damaged file changed", at);
	free(aside);
}

/* After a kill: the damaged records as they were, or the new ones, whole. */
static void
old_or_new(const char *dir, const unsigned char damaged[32], const char *damaged_name, int n,
	   long at, int *olds, int *news)
{
	struct error err;
	struct store *st;

	error_clear(&err);
	st = store_open(dir, PASS, PASS_LEN, &small, &err);
	if (st != NULL) {
		struct store_check c;

		if (page_type(dir, 2) != 0x05)
			same_damage(dir, damaged, damaged_name, at);
		c = verify(st);

		if (c.salvaged) {
			/* The damaged file opened (its b-tree root is gone): it must be
			 * the old one, and salvage again. */
			assert_int_equal(c.total, n);
			(*olds)++;
		} else {
			if (c.total != (size_t)n || readable(st, n) != n)
				fail_msg("killed at call %ld: %zu records, not %d", at, c.total, n);
			(*news)++;
		}
		store_check_finish(&c);
		store_close(st);
		return;
	}
	if (err.kind != ERR_FAILED)
		fail_msg("killed at call %ld: %s", at, err.msg);
	same_damage(dir, damaged, damaged_name, at);
	st = open_repair(dir);
	{
		struct store_check c = verify(st);

		assert_true(c.salvaged);
		assert_int_equal(c.total, n);
		store_check_finish(&c);
	}
	store_close(st);
	(*olds)++;
}

static void
kill_at_every_step(const char *pristine, const char *dir, const char *damaged_name, int n)
{
	unsigned char damaged[32];
	int olds = 0, news = 0;
	long at;

	copy_store(pristine, dir);
	hash_file(dir, damaged_name, damaged);
	for (at = 1; at < 2000; at++) {
		copy_store(pristine, dir);
		if (!salvage_killed_at(dir, at))
			break;
		old_or_new(dir, damaged, damaged_name, n, at, &olds, &news);
	}
	assert_true(at < 2000);
	/* Both sides of the rename were reached. */
	assert_true(olds > 0 && news > 0);
	print_message("salvage killed at %ld points: %d left the damaged records, %d the new\n",
		      at - 1, olds, news);
}

static void
test_salvage_killed_at_every_step(void **state)
{
	char *base, *dir = new_store(&base), *pristine = xasprintf("%s/pristine", base);
	char *work = xasprintf("%s/w", base);

	(void)state;
	fill(dir, 60);
	assert_int_equal(page_type(dir, 2), 0x05);
	scribble(dir, 4096 + 8, 4000);
	copy_store(dir, pristine);
	kill_at_every_step(pristine, work, "records", 60);
	/* And a WAL beside an empty records file (the WAL is moved aside). */
	sh("rm -rf '%s'", dir);
	{
		struct error err;

		error_clear(&err);
		assert_true(store_create(dir, PASS, PASS_LEN, &small, &err));
	}
	records_in_wal(dir, 12);
	{
		char *rp = path_in(dir, "records");

		assert_int_equal(truncate(rp, 0), 0);
		free(rp);
	}
	copy_store(dir, pristine);
	kill_at_every_step(pristine, work, "records-wal", 12);
	free(pristine);
	free(work);
	cleanup(base, dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_truncated_is_damage),
		cmocka_unit_test(test_records_missing_is_damage),
		cmocka_unit_test(test_empty_records_beside_wal),
		cmocka_unit_test(test_records_replaced),
		cmocka_unit_test(test_format1_opens_and_is_upgraded),
		cmocka_unit_test(test_root_page_damage),
		cmocka_unit_test(test_leaf_page_damage),
		cmocka_unit_test(test_sentinel_damaged),
		cmocka_unit_test(test_salvage_killed_at_every_step),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
