/* test_store.c - the encrypted local store: records, keys, tampering, disks
 * that fill up and fsyncs that fail.
 *
 * Links core with cmocka, libsodium and sqlite3. Tampering is done with
 * sqlite3 on the store's own file while the store is closed. A failing
 * fsync is injected by defining fsync() and fdatasync() here: the
 * executable's definitions take the place of libc's for this program and
 * for libsqlite3 (symbol interposition), so store.c carries no test hook.
 * The disk-full test mounts a 1 MiB tmpfs and is skipped when it cannot. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/file.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/store.h"
#include "core/xmalloc.h"

/* ---- fsync that can be made to fail ---- */

static int fail_sync;  /* > 0: the next fsyncs fail with EIO */

int
fsync(int fd)
{
	if (fail_sync) {
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fsync, fd);
}

int
fdatasync(int fd)
{
	if (fail_sync) {
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fdatasync, fd);
}

/* ---- helpers ---- */

static const struct store_kdf small = { crypto_pwhash_OPSLIMIT_MIN, 8192 * 1024 };
#define PASS "correct horse battery staple"
#define PASS_LEN strlen(PASS)

static char *
tmpdir(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *t = xasprintf("%s/ezrizi-store-XXXXXX", base);

	assert_non_null(mkdtemp(t));
	return t;
}

static void
rmrf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* The store lives in a subfolder, so create makes it. */
static char *
new_store(char **base)
{
	struct error err;
	char *dir;

	*base = tmpdir();
	dir = xasprintf("%s/s", *base);
	error_clear(&err);
	assert_true(store_create(dir, PASS, PASS_LEN, &small, &err));
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

static void
put(struct store *st, const char *type, const char *id, const char *version, const char *day,
    const char *person, const char *thread, const char *data)
{
	struct store_rec r = { type, id, version, day, person, thread, data, strlen(data) };
	struct error err;

	error_clear(&err);
	if (!store_put(st, &r, &err))
		fail_msg("put: %s", err.msg);
}

/* Gets type/id and compares data; returns the error kind. */
static enum err_kind
get(struct store *st, const char *type, const char *id, const char *want, const char *want_ver)
{
	struct error err;
	void *data;
	size_t len;
	char *ver;

	error_clear(&err);
	if (!store_get(st, type, id, &data, &len, &ver, &err)) {
		assert_null(data);
		return err.kind;
	}
	if (want != NULL) {
		assert_int_equal(len, strlen(want));
		assert_memory_equal(data, want, len);
	}
	if (want_ver != NULL)
		assert_string_equal(ver, want_ver);
	store_free(data, len);
	free(ver);
	return ERR_NONE;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *d;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	d = xmalloc((size_t)n + 1);
	*len = fread(d, 1, (size_t)n, f);
	fclose(f);
	return d;
}

/* Collects the ids a search passes. */
struct seen {
	char ids[16][64];
	int n;
	int stop_after;
};

static bool
collect(const char *id, const char *version, const void *data, size_t len, void *arg)
{
	struct seen *s = arg;

	(void)version, (void)data, (void)len;
	if (s->n < 16)
		snprintf(s->ids[s->n++], sizeof s->ids[0], "%s", id);
	return s->stop_after == 0 || s->n < s->stop_after;
}

static bool
seen_has(const struct seen *s, const char *id)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->ids[i], id) == 0)
			return true;
	return false;
}

static struct seen
find(struct store *st, enum store_index idx, const char *type, const char *key, size_t *damaged)
{
	struct seen s = { .n = 0 };
	struct error err;

	error_clear(&err);
	if (!store_find(st, idx, type, key, collect, &s, damaged, &err))
		fail_msg("find: %s", err.msg);
	return s;
}

/* ---- raw rows, for tampering (the store must be closed) ---- */

struct raw {
	unsigned char key[32], rev[16];
	unsigned char *box;
	int boxlen;
};

static sqlite3 *
raw_open(const char *dir)
{
	char *path = xasprintf("%s/records", dir);
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	free(path);
	return db;
}

/* Reads every row but the store's own (the sentinel, made first: rowid 1),
 * ordered by key. */
static int
raw_rows(const char *dir, struct raw *out, int max)
{
	sqlite3 *db = raw_open(dir);
	sqlite3_stmt *s;
	int n = 0;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT key, rev, box FROM r WHERE n > 1 ORDER BY key",
					    -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW && n < max) {
		memcpy(out[n].key, sqlite3_column_blob(s, 0), 32);
		memcpy(out[n].rev, sqlite3_column_blob(s, 1), 16);
		out[n].boxlen = sqlite3_column_bytes(s, 2);
		out[n].box = xmalloc((size_t)out[n].boxlen);
		memcpy(out[n].box, sqlite3_column_blob(s, 2), (size_t)out[n].boxlen);
		n++;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

/* Sets one column of the row `key` to the blob v. */
static void
raw_set(const char *dir, const unsigned char key[32], const char *col, const void *v, int n)
{
	sqlite3 *db = raw_open(dir);
	sqlite3_stmt *s;
	char *sql = xasprintf("UPDATE r SET %s = ?1 WHERE key = ?2", col);

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_blob(s, 1, v, n, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, key, 32, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_finalize(s);
	sqlite3_close(db);
	free(sql);
}

static void
raw_free(struct raw *r, int n)
{
	for (int i = 0; i < n; i++)
		free(r[i].box);
}

static struct store *
open_key(const char *dir, const unsigned char key[STORE_KEY_BYTES])
{
	struct error err;
	struct store *st;

	error_clear(&err);
	st = store_open_key(dir, key, &err);
	if (st == NULL)
		fail_msg("open_key: %s", err.msg);
	return st;
}

/* store_verify's counts: records checked (whole or not) and records removed
 * as damaged (a salvage counts as damage too). */
static bool
verify_counts(struct store *st, size_t *total, size_t *damaged, struct error *err)
{
	struct store_check c = { 0 };
	bool ok = store_verify(st, &c, err);

	*total = c.total + c.damaged;
	*damaged = c.damaged + c.lost + (c.salvaged ? 1 : 0);
	store_check_finish(&c);
	return ok;
}

/* ---- tests ---- */

static void
test_records(void **state)
{
	char *base, *dir = new_store(&base);
	struct store *st;
	struct error err;
	struct seen s;
	size_t total, damaged;
	unsigned char key[STORE_KEY_BYTES], wrong[STORE_KEY_BYTES];

	(void)state;
	assert_true(store_exists(dir));
	error_clear(&err);
	assert_false(store_create(dir, "x", 1, &small, &err));
	assert_int_equal(err.kind, ERR_CONFLICT);

	st = open_ok(dir);
	put(st, "Appointment", "a1", "1", "2026-11-26", "p1", NULL, "appt one");
	put(st, "Appointment", "a2", "4", "2026-11-26", "p2", NULL, "appt two");
	put(st, "Appointment", "a3", "", "2026-11-27", "p1", NULL, "appt three");
	put(st, "DocumentReference", "n1", "2", NULL, "p1", NULL, "note about p1");
	put(st, "Communication", "m1", "1", NULL, "p1", "t1", "hello");
	put(st, "Communication", "m2", "1", NULL, "p1", "t1", "");
	put(st, "Communication", "m3", "1", NULL, "p2", "t2", "other thread");

	assert_int_equal(get(st, "Appointment", "a1", "appt one", "1"), ERR_NONE);
	assert_int_equal(get(st, "Appointment", "a3", "appt three", ""), ERR_NONE);
	assert_int_equal(get(st, "Communication", "m2", "", "1"), ERR_NONE);
	assert_int_equal(get(st, "Appointment", "nope", NULL, NULL), ERR_NOT_FOUND);
	/* The type is part of the key. */
	assert_int_equal(get(st, "DocumentReference", "a1", NULL, NULL), ERR_NOT_FOUND);

	/* Replacing a record replaces data and version. */
	put(st, "Appointment", "a1", "2", "2026-11-28", "p1", NULL, "appt one, moved");
	assert_int_equal(get(st, "Appointment", "a1", "appt one, moved", "2"), ERR_NONE);

	s = find(st, STORE_BY_DAY, "Appointment", "2026-11-26", &damaged);
	assert_int_equal(s.n, 1);   /* a1 moved away */
	assert_true(seen_has(&s, "a2"));
	assert_int_equal(damaged, 0);
	s = find(st, STORE_BY_DAY, "Appointment", "2026-11-28", NULL);
	assert_int_equal(s.n, 1);
	assert_true(seen_has(&s, "a1"));
	s = find(st, STORE_BY_KIND, "Appointment", NULL, NULL);
	assert_int_equal(s.n, 3);
	s = find(st, STORE_BY_PERSON, "Appointment", "p1", NULL);
	assert_int_equal(s.n, 2);
	assert_true(seen_has(&s, "a1") && seen_has(&s, "a3"));
	s = find(st, STORE_BY_PERSON, "DocumentReference", "p1", NULL);
	assert_int_equal(s.n, 1);
	assert_true(seen_has(&s, "n1"));
	s = find(st, STORE_BY_THREAD, "Communication", "t1", NULL);
	assert_int_equal(s.n, 2);
	assert_true(seen_has(&s, "m1") && seen_has(&s, "m2"));
	s = find(st, STORE_BY_THREAD, "Communication", "t9", NULL);
	assert_int_equal(s.n, 0);
	/* fn returning false stops the search. */
	{
		struct seen one = { .n = 0, .stop_after = 1 };

		error_clear(&err);
		assert_true(store_find(st, STORE_BY_KIND, "Communication", NULL, collect, &one, NULL,
				       &err));
		assert_int_equal(one.n, 1);
	}

	error_clear(&err);
	assert_true(store_delete(st, "Communication", "m1", &err));
	assert_int_equal(get(st, "Communication", "m1", NULL, NULL), ERR_NOT_FOUND);
	assert_true(store_delete(st, "Communication", "m1", &err));  /* absent: fine */
	s = find(st, STORE_BY_THREAD, "Communication", "t1", NULL);
	assert_int_equal(s.n, 1);

	assert_true(verify_counts(st, &total, &damaged, &err));
	assert_int_equal(total, 6);
	assert_int_equal(damaged, 0);

	/* A batch rolled back leaves nothing; committed, everything. */
	assert_true(store_begin(st, &err));
	put(st, "draft", "d1", "", NULL, NULL, NULL, "draft one");
	store_rollback(st);
	assert_int_equal(get(st, "draft", "d1", NULL, NULL), ERR_NOT_FOUND);
	assert_true(store_begin(st, &err));
	put(st, "draft", "d1", "", NULL, NULL, NULL, "draft one");
	put(st, "draft", "d2", "", NULL, NULL, NULL, "draft two");
	assert_true(store_commit(st, &err));

	store_data_key(st, key);
	store_close(st);

	/* The data key opens it (the unlock agent's way); another key does not. */
	st = open_key(dir, key);
	assert_int_equal(get(st, "draft", "d2", "draft two", ""), ERR_NONE);
	assert_int_equal(get(st, "Appointment", "a2", "appt two", "4"), ERR_NONE);
	store_close(st);
	memcpy(wrong, key, sizeof wrong);
	wrong[0] ^= 1;
	error_clear(&err);
	assert_null(store_open_key(dir, wrong, &err));
	assert_int_equal(err.kind, ERR_AUTH);

	error_clear(&err);
	assert_null(store_open(base, PASS, PASS_LEN, &small, &err));
	assert_int_equal(err.kind, ERR_NOT_FOUND);

	error_clear(&err);
	assert_true(store_wipe(dir, &err));
	assert_false(store_exists(dir));
	assert_int_equal(access(dir, F_OK), -1);
	rmrf(base);
	free(base);
	free(dir);
}

/* Name, size, mode and bytes of every file in dir. */
static char *
snapshot(const char *dir)
{
	struct buf b;
	DIR *d = opendir(dir);
	struct dirent *e;

	buf_init(&b);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char *p = xasprintf("%s/%s", dir, e->d_name);
		struct stat sb;
		size_t len = 0;
		char *data;

		assert_int_equal(lstat(p, &sb), 0);
		if (S_ISREG(sb.st_mode)) {
			unsigned char h[32];

			data = slurp(p, &len);
			crypto_generichash(h, sizeof h, (unsigned char *)data, len, NULL, 0);
			buf_addf(&b, "%s %lld %o %ld.%09ld ", e->d_name, (long long)sb.st_size,
				 (unsigned)sb.st_mode, (long)sb.st_mtim.tv_sec,
				 (long)sb.st_mtim.tv_nsec);
			for (size_t i = 0; i < sizeof h; i++)
				buf_addf(&b, "%02x", h[i]);
			buf_addc(&b, '\n');
			free(data);
		}
		free(p);
	}
	closedir(d);
	return buf_steal(&b);
}

static void
test_wrong_passphrase(void **state)
{
	char *base, *dir = new_store(&base);
	struct store *st = open_ok(dir);
	struct error err;
	char *before, *after;

	(void)state;
	put(st, "Appointment", "a1", "1", "2026-11-26", "p1", NULL, "kept");
	store_close(st);
	before = snapshot(dir);
	error_clear(&err);
	assert_null(store_open(dir, "wrong", 5, &small, &err));
	assert_int_equal(err.kind, ERR_AUTH);
	assert_string_equal(err.msg, "The passphrase is wrong; nothing was changed.");
	/* Even a higher cost asked for changes nothing when the passphrase is wrong. */
	{
		struct store_kdf more = { small.opslimit + 1, small.memlimit * 2 };

		error_clear(&err);
		assert_null(store_open(dir, "", 0, &more, &err));
		assert_int_equal(err.kind, ERR_AUTH);
	}
	error_clear(&err);
	assert_false(store_passwd(dir, "wrong", 5, "new", 3, &small, &err));
	assert_int_equal(err.kind, ERR_AUTH);
	after = snapshot(dir);
	assert_string_equal(before, after);
	st = open_ok(dir);
	assert_int_equal(get(st, "Appointment", "a1", "kept", "1"), ERR_NONE);
	store_close(st);
	free(before);
	free(after);
	rmrf(base);
	free(base);
	free(dir);
}

static void
test_damaged_header(void **state)
{
	char *base, *dir = new_store(&base);
	char *hp = xasprintf("%s/header", dir);
	struct error err;
	size_t len;
	char *h = slurp(hp, &len);
	FILE *f;

	(void)state;
	assert_int_equal(len, 168);
	/* One flipped bit anywhere: damaged, not "wrong passphrase". */
	for (size_t bit = 0; bit < len * 8; bit += 7) {
		h[bit / 8] ^= (char)(1 << (bit % 8));
		f = fopen(hp, "wb");
		fwrite(h, 1, len, f);
		fclose(f);
		h[bit / 8] ^= (char)(1 << (bit % 8));
		error_clear(&err);
		assert_null(store_open(dir, PASS, PASS_LEN, &small, &err));
		assert_int_equal(err.kind, ERR_FAILED);
		assert_non_null(strstr(err.msg, "ezrizi cache wipe"));
	}
	/* Cut short. */
	f = fopen(hp, "wb");
	fwrite(h, 1, 100, f);
	fclose(f);
	error_clear(&err);
	assert_null(store_open(dir, PASS, PASS_LEN, &small, &err));
	assert_int_equal(err.kind, ERR_FAILED);
	/* Wiping starts afresh. */
	error_clear(&err);
	assert_true(store_wipe(dir, &err));
	assert_false(store_exists(dir));
	assert_true(store_create(dir, PASS, PASS_LEN, &small, &err));
	store_close(open_ok(dir));
	free(h);
	free(hp);
	rmrf(base);
	free(base);
	free(dir);
}

/* two_ezrizi_side_by_side: a screen and a script use one store at once; what
 * replaces its files waits for both to close, and an open waits for that. */
static void
test_second_open(void **state)
{
	char *base, *dir = new_store(&base);
	struct store *st = open_ok(dir), *st2;
	unsigned char key[STORE_KEY_BYTES];
	struct error err;
	char id[32];

	(void)state;
	store_data_key(st, key);
	/* A second open, by passphrase and by key: each sees the other's writes. */
	st2 = open_ok(dir);
	put(st, "Patient", "p1", "1", NULL, "p1", NULL, "from the first");
	assert_int_equal(get(st2, "Patient", "p1", "from the first", "1"), ERR_NONE);
	put(st2, "Patient", "p2", "1", NULL, "p2", NULL, "from the second");
	assert_int_equal(get(st, "Patient", "p2", "from the second", "1"), ERR_NONE);
	store_close(st2);
	error_clear(&err);
	assert_non_null(st2 = store_open_key(dir, key, &err));
	/* What replaces files waits for every user to close. */
	error_clear(&err);
	assert_false(store_passwd(dir, PASS, PASS_LEN, "n", 1, &small, &err));
	assert_int_equal(err.kind, ERR_CONFLICT);
	assert_non_null(strstr(err.msg, "open; close it"));
	error_clear(&err);
	assert_false(store_wipe(dir, &err));
	assert_int_equal(err.kind, ERR_CONFLICT);
	store_close(st2);
	/* Another process writes at the same time as this one: nothing is lost. */
	{
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			struct error e;
			struct store *c;
			bool ok = true;

			error_clear(&e);
			if ((c = store_open_key(dir, key, &e)) == NULL)
				_exit(2);
			for (int i = 0; ok && i < 100; i++) {
				struct store_rec r = { "Patient", id, "1", NULL, NULL, NULL, "child", 5 };

				snprintf(id, sizeof id, "c%d", i);
				error_clear(&e);
				ok = store_put(c, &r, &e);
			}
			store_close(c);
			_exit(ok ? 0 : 1);
		}
		for (int i = 0; i < 100; i++) {
			snprintf(id, sizeof id, "m%d", i);
			put(st, "Patient", id, "1", NULL, NULL, NULL, "parent");
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_int_equal(WEXITSTATUS(status), 0);
		for (int i = 0; i < 100; i++) {
			snprintf(id, sizeof id, "c%d", i);
			assert_int_equal(get(st, "Patient", id, "child", "1"), ERR_NONE);
			snprintf(id, sizeof id, "m%d", i);
			assert_int_equal(get(st, "Patient", id, "parent", "1"), ERR_NONE);
		}
	}
	store_close(st);
	/* While one replaces files (the lock alone), an open is told so. */
	{
		char *lock = xasprintf("%s/lock", dir);
		int fd = open(lock, O_RDWR);

		assert_true(fd >= 0 && flock(fd, LOCK_EX) == 0);
		error_clear(&err);
		assert_null(store_open_key(dir, key, &err));
		assert_int_equal(err.kind, ERR_CONFLICT);
		assert_non_null(strstr(err.msg, "is changing the local store"));
		close(fd);
		free(lock);
	}
	st2 = open_ok(dir);
	store_close(st2);
	rmrf(base);
	free(base);
	free(dir);
}

static void
test_passwd(void **state)
{
	char *base, *dir = new_store(&base);
	struct store *st = open_ok(dir);
	struct error err;

	(void)state;
	put(st, "DocumentReference", "n1", "1", NULL, "p1", NULL, "a note");
	store_close(st);
	error_clear(&err);
	assert_true(store_passwd(dir, PASS, PASS_LEN, "new pass", 8, &small, &err));
	error_clear(&err);
	assert_null(store_open(dir, PASS, PASS_LEN, &small, &err));
	assert_int_equal(err.kind, ERR_AUTH);
	error_clear(&err);
	st = store_open(dir, "new pass", 8, &small, &err);
	assert_non_null(st);
	assert_int_equal(get(st, "DocumentReference", "n1", "a note", "1"), ERR_NONE);
	store_close(st);
	/* And back, with the empty passphrase in between. */
	assert_true(store_passwd(dir, "new pass", 8, "", 0, &small, &err));
	assert_true(store_passwd(dir, "", 0, PASS, PASS_LEN, &small, &err));
	store_close(open_ok(dir));
	rmrf(base);
	free(base);
	free(dir);
}

static void
header_params(const char *dir, unsigned long long *ops, unsigned long long *mem)
{
	char *hp = xasprintf("%s/header", dir);
	size_t len;
	unsigned char *h = (unsigned char *)slurp(hp, &len);

	assert_int_equal(len, 168);
	*ops = *mem = 0;
	for (int i = 7; i >= 0; i--) {
		*ops = *ops << 8 | h[16 + i];
		*mem = *mem << 8 | h[24 + i];
	}
	free(h);
	free(hp);
}

static void
test_kdf_raised(void **state)
{
	char *base, *dir = new_store(&base);
	struct store_kdf more = { small.opslimit + 1, small.memlimit * 2 };
	struct store_kdf less = { crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN };
	unsigned long long ops, mem;
	struct error err;
	struct store *st;

	(void)state;
	header_params(dir, &ops, &mem);
	assert_int_equal(ops, small.opslimit);
	assert_int_equal(mem, small.memlimit);
	error_clear(&err);
	st = store_open(dir, PASS, PASS_LEN, &more, &err);
	assert_non_null(st);
	store_close(st);
	header_params(dir, &ops, &mem);
	assert_int_equal(ops, more.opslimit);
	assert_int_equal(mem, more.memlimit);
	/* A lower policy never lowers it; the passphrase still opens it. */
	st = store_open(dir, PASS, PASS_LEN, &less, &err);
	assert_non_null(st);
	store_close(st);
	header_params(dir, &ops, &mem);
	assert_int_equal(ops, more.opslimit);
	assert_int_equal(mem, more.memlimit);
	/* Only one of the two rising is enough, and the other is kept. */
	{
		struct store_kdf ops_only = { more.opslimit + 1, small.memlimit };

		st = store_open(dir, PASS, PASS_LEN, &ops_only, &err);
		assert_non_null(st);
		store_close(st);
		header_params(dir, &ops, &mem);
		assert_int_equal(ops, more.opslimit + 1);
		assert_int_equal(mem, more.memlimit);
	}
	rmrf(base);
	free(base);
	free(dir);
}

/* Two records; returns the data key. The rows come back ordered by key. */
static void
two_records(const char *dir, unsigned char key[STORE_KEY_BYTES])
{
	struct store *st = open_ok(dir);

	put(st, "DocumentReference", "victim", "3", NULL, "p1", NULL,
	    "Session notes: the client talked about sleep and work.");
	put(st, "DocumentReference", "bystander", "1", NULL, "p1", NULL, "Another note.");
	store_data_key(st, key);
	store_close(st);
}

/* Which of the two raw rows is the victim's (by getting it with one damaged). */
static int
victim_row(const char *dir, struct raw *rows, const unsigned char key[STORE_KEY_BYTES])
{
	struct store *st;
	void *data;
	size_t len;
	char *ver;
	struct error err;
	int v = -1;

	assert_int_equal(raw_rows(dir, rows, 2), 2);
	st = open_key(dir, key);
	error_clear(&err);
	assert_true(store_get(st, "DocumentReference", "victim", &data, &len, &ver, &err));
	store_free(data, len);
	free(ver);
	store_close(st);
	/* The row whose rev differs after re-putting the victim. */
	{
		struct raw again[2];

		st = open_key(dir, key);
		put(st, "DocumentReference", "victim", "3", NULL, "p1", NULL,
		    "Session notes: the client talked about sleep and work.");
		store_close(st);
		assert_int_equal(raw_rows(dir, again, 2), 2);
		for (int i = 0; i < 2; i++)
			if (memcmp(again[i].rev, rows[i].rev, 16) != 0)
				v = i;
		raw_free(rows, 2);
		memcpy(rows, again, sizeof again);
	}
	assert_true(v >= 0);
	return v;
}

static void
test_bit_flips(void **state)
{
	char *base, *dir = new_store(&base);
	unsigned char key[STORE_KEY_BYTES];
	struct raw rows[2];
	int v, other;
	size_t bits, via_verify = 0;

	(void)state;
	two_records(dir, key);
	v = victim_row(dir, rows, key);
	other = 1 - v;
	bits = (size_t)rows[v].boxlen * 8;
	for (size_t bit = 0; bit < bits; bit++) {
		unsigned char *box = xmalloc((size_t)rows[v].boxlen);
		struct store *st;
		struct error err;
		struct raw now[2];

		/* Put the victim's row back whole (it was deleted last round), then flip. */
		{
			sqlite3 *db = raw_open(dir);
			sqlite3_stmt *s;

			assert_int_equal(sqlite3_prepare_v2(db,
				"INSERT OR REPLACE INTO r(key, kind, day, person, thread, rev, box)"
				" SELECT ?1, kind, day, person, thread, ?2, ?3 FROM r WHERE key = ?4",
				-1, &s, NULL), SQLITE_OK);
			memcpy(box, rows[v].box, (size_t)rows[v].boxlen);
			box[bit / 8] ^= (unsigned char)(1u << (bit % 8));
			sqlite3_bind_blob(s, 1, rows[v].key, 32, SQLITE_STATIC);
			sqlite3_bind_blob(s, 2, rows[v].rev, 16, SQLITE_STATIC);
			sqlite3_bind_blob(s, 3, box, rows[v].boxlen, SQLITE_STATIC);
			sqlite3_bind_blob(s, 4, rows[other].key, 32, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(s), SQLITE_DONE);
			sqlite3_finalize(s);
			sqlite3_close(db);
		}
		st = open_key(dir, key);
		if (bit % 16 == 0) {
			size_t total, damaged;

			error_clear(&err);
			assert_true(verify_counts(st, &total, &damaged, &err));
			assert_int_equal(total, 2);
			assert_int_equal(damaged, 1);
			via_verify++;
		} else if (bit % 16 == 1) {
			size_t damaged;
			struct seen s = find(st, STORE_BY_PERSON, "DocumentReference", "p1", &damaged);

			assert_int_equal(damaged, 1);
			assert_int_equal(s.n, 1);
			assert_string_equal(s.ids[0], "bystander");
		} else {
			assert_int_equal(get(st, "DocumentReference", "victim", NULL, NULL), ERR_FAILED);
		}
		/* Gone, never returned; the other record still reads. */
		assert_int_equal(get(st, "DocumentReference", "victim", NULL, NULL), ERR_NOT_FOUND);
		assert_int_equal(get(st, "DocumentReference", "bystander", "Another note.", "1"),
				 ERR_NONE);
		store_close(st);
		assert_int_equal(raw_rows(dir, now, 2), 1);
		raw_free(now, 1);
		free(box);
	}
	assert_true(via_verify > 0);
	raw_free(rows, 2);
	rmrf(base);
	free(base);
	free(dir);
}

/* Changing any other column of a row also makes it fail to open. */
static void
test_columns_bound(void **state)
{
	static const char *const cols[] = { "rev", "kind", "person", "day" };
	char *base, *dir = new_store(&base);
	unsigned char key[STORE_KEY_BYTES];
	struct raw rows[2];

	(void)state;
	for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
		int v;
		unsigned char junk[32];
		struct store *st;

		two_records(dir, key);
		v = victim_row(dir, rows, key);
		randombytes_buf(junk, sizeof junk);
		raw_set(dir, rows[v].key, cols[c], junk, strcmp(cols[c], "rev") == 0 ? 16 : 32);
		st = open_key(dir, key);
		assert_int_equal(get(st, "DocumentReference", "victim", NULL, NULL), ERR_FAILED);
		assert_int_equal(get(st, "DocumentReference", "bystander", NULL, NULL), ERR_NONE);
		store_close(st);
		raw_free(rows, 2);
	}
	rmrf(base);
	free(base);
	free(dir);
}

static void
test_swap(void **state)
{
	char *base, *dir = new_store(&base);
	unsigned char key[STORE_KEY_BYTES];
	struct raw rows[2];
	struct store *st;
	int v;

	(void)state;
	two_records(dir, key);
	v = victim_row(dir, rows, key);
	/* The bystander's sealed blob copied over the victim's row. */
	raw_set(dir, rows[v].key, "box", rows[1 - v].box, rows[1 - v].boxlen);
	st = open_key(dir, key);
	assert_int_equal(get(st, "DocumentReference", "victim", NULL, NULL), ERR_FAILED);
	assert_int_equal(get(st, "DocumentReference", "bystander", "Another note.", "1"), ERR_NONE);
	store_close(st);
	raw_free(rows, 2);
	/* Blob and rev together moved to the other row: the key still differs. */
	two_records(dir, key);
	v = victim_row(dir, rows, key);
	raw_set(dir, rows[v].key, "box", rows[1 - v].box, rows[1 - v].boxlen);
	raw_set(dir, rows[v].key, "rev", rows[1 - v].rev, 16);
	st = open_key(dir, key);
	assert_int_equal(get(st, "DocumentReference", "victim", NULL, NULL), ERR_FAILED);
	assert_int_equal(get(st, "DocumentReference", "bystander", "Another note.", "1"), ERR_NONE);
	store_close(st);
	raw_free(rows, 2);
	rmrf(base);
	free(base);
	free(dir);
}

/* Rollback, in this design: the sealed blob of an older write of the same
 * record put back in place of the current one. Every put draws a new random
 * rev that is in the row and in the associated data, so the old blob no
 * longer opens, whatever the versions (drafts have none). Putting back the
 * whole old row (rev and blob together) is not detected: that needs a record
 * of the current state outside the file, which a local cache does not have. */
static void
test_rollback(void **state)
{
	char *base, *dir = new_store(&base);
	struct store *st = open_ok(dir);
	unsigned char key[STORE_KEY_BYTES];
	struct raw old[1], cur[1];

	(void)state;
	put(st, "draft", "d1", "", NULL, NULL, NULL, "first text");
	store_data_key(st, key);
	store_close(st);
	assert_int_equal(raw_rows(dir, old, 1), 1);
	st = open_key(dir, key);
	put(st, "draft", "d1", "", NULL, NULL, NULL, "second text");
	store_close(st);
	assert_int_equal(raw_rows(dir, cur, 1), 1);
	assert_memory_equal(old[0].key, cur[0].key, 32);
	raw_set(dir, cur[0].key, "box", old[0].box, old[0].boxlen);
	st = open_key(dir, key);
	assert_int_equal(get(st, "draft", "d1", NULL, NULL), ERR_FAILED);
	assert_int_equal(get(st, "draft", "d1", NULL, NULL), ERR_NOT_FOUND);
	/* The same with versions: v2's row holding v1's blob. */
	put(st, "Appointment", "a1", "1", "2026-11-26", "p1", NULL, "v1");
	store_close(st);
	raw_free(old, 1);
	raw_free(cur, 1);
	assert_int_equal(raw_rows(dir, old, 1), 1);
	st = open_key(dir, key);
	put(st, "Appointment", "a1", "2", "2026-11-26", "p1", NULL, "v2");
	store_close(st);
	assert_int_equal(raw_rows(dir, cur, 1), 1);
	raw_set(dir, cur[0].key, "box", old[0].box, old[0].boxlen);
	st = open_key(dir, key);
	{
		size_t damaged;
		struct seen s = find(st, STORE_BY_DAY, "Appointment", "2026-11-26", &damaged);

		assert_int_equal(s.n, 0);
		assert_int_equal(damaged, 1);
	}
	store_close(st);
	raw_free(old, 1);
	raw_free(cur, 1);
	rmrf(base);
	free(base);
	free(dir);
}

static void
assert_mode(const char *dir, const char *name, unsigned mode)
{
	char *p = name ? xasprintf("%s/%s", dir, name) : xstrdup(dir);
	struct stat sb;

	assert_int_equal(lstat(p, &sb), 0);
	if ((sb.st_mode & 07777) != mode)
		fail_msg("%s is %o, not %o", p, sb.st_mode & 07777, mode);
	free(p);
}

static void
test_permissions(void **state)
{
	char *base = tmpdir();
	char *dir = xasprintf("%s/s", base);
	char *hp = xasprintf("%s/header", dir);
	mode_t old = umask(0);
	struct store *st;
	struct error err;

	(void)state;
	/* A loose umask and a folder made 0755 by someone else: fixed. */
	assert_int_equal(mkdir(dir, 0755), 0);
	error_clear(&err);
	assert_true(store_create(dir, PASS, PASS_LEN, &small, &err));
	st = open_ok(dir);
	put(st, "x", "1", "", NULL, NULL, NULL, "y");
	assert_mode(dir, NULL, 0700);
	assert_mode(dir, "header", 0600);
	assert_mode(dir, "records", 0600);
	assert_mode(dir, "records-wal", 0600);
	assert_mode(dir, "lock", 0600);
	store_close(st);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chmod(hp, 0644), 0);
	st = open_ok(dir);
	assert_mode(dir, NULL, 0700);
	assert_mode(dir, "header", 0600);
	store_close(st);
	/* A symlink in place of the header is refused. */
	assert_int_equal(rename(hp, "/tmp/ezrizi-store-header-moved"), 0);
	assert_int_equal(symlink("/tmp/ezrizi-store-header-moved", hp), 0);
	error_clear(&err);
	assert_null(store_open(dir, PASS, PASS_LEN, &small, &err));
	assert_int_not_equal(err.kind, ERR_NONE);
	unlink("/tmp/ezrizi-store-header-moved");
	umask(old);
	free(hp);
	free(dir);
	rmrf(base);
	free(base);
}

static bool
file_has(const char *path, const char *needle)
{
	size_t len;
	char *d = slurp(path, &len);
	bool found = d != NULL && memmem(d, len, needle, strlen(needle)) != NULL;

	free(d);
	return found;
}

static void
assert_no_canary(const char *dir)
{
	static const char *const canaries[] = { "CANARY-Zeynep-Yilmaz", "patient-4711", "thread-0815",
						"2031-02-03", "DocumentReference", "canary-id-99" };
	DIR *d = opendir(dir);
	struct dirent *e;
	int files = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		char *p = xasprintf("%s/%s", dir, e->d_name);

		if (e->d_name[0] != '.') {
			files++;
			for (size_t i = 0; i < sizeof canaries / sizeof canaries[0]; i++)
				if (file_has(p, canaries[i]))
					fail_msg("%s holds \"%s\" in clear", p, canaries[i]);
		}
		free(p);
	}
	closedir(d);
	assert_true(files >= 3);
}

static void
test_no_plaintext(void **state)
{
	char *base, *dir = new_store(&base);
	struct store *st = open_ok(dir);
	char big[5000];

	(void)state;
	for (size_t i = 0; i < sizeof big - 1; i++)
		big[i] = "CANARY-Zeynep-Yilmaz "[i % 21];
	big[sizeof big - 1] = '\0';
	put(st, "DocumentReference", "canary-id-99", "7", "2031-02-03", "patient-4711",
	    "thread-0815", big);
	put(st, "Communication", "m1", "1", NULL, "patient-4711", "thread-0815",
	    "CANARY-Zeynep-Yilmaz said hello");
	assert_no_canary(dir);    /* open: the WAL holds the new pages */
	store_close(st);
	assert_no_canary(dir);    /* closed: checkpointed into the database */
	/* Deleted records leave nothing either (secure_delete, and sealed anyway). */
	st = open_ok(dir);
	assert_true(store_delete(st, "DocumentReference", "canary-id-99", NULL));
	store_close(st);
	assert_no_canary(dir);
	rmrf(base);
	free(base);
	free(dir);
}

static void
test_fsync_fails(void **state)
{
	char *base, *dir = new_store(&base);
	struct store *st = open_ok(dir);
	struct error err;
	struct store_rec r = { "draft", "d2", "", NULL, NULL, NULL, "lost?", 5 };
	enum err_kind k;

	(void)state;
	put(st, "draft", "d1", "", NULL, NULL, NULL, "before");
	fail_sync = 1;
	error_clear(&err);
	assert_false(store_put(st, &r, &err));
	assert_int_equal(err.kind, ERR_FAILED);
	assert_non_null(strstr(err.msg, "was not saved"));
	/* A batch commit fails the same way and is rolled back. */
	error_clear(&err);
	assert_true(store_begin(st, &err));
	r.id = "d3";
	error_clear(&err);
	if (store_put(st, &r, &err)) {
		assert_false(store_commit(st, &err));
		assert_non_null(strstr(err.msg, "was not saved"));
	}
	store_rollback(st);
	fail_sync = 0;
	assert_int_equal(get(st, "draft", "d1", "before", ""), ERR_NONE);
	store_close(st);

	/* The passphrase change fails whole: the old one still works. */
	fail_sync = 1;
	error_clear(&err);
	assert_false(store_passwd(dir, PASS, PASS_LEN, "new", 3, &small, &err));
	assert_int_equal(err.kind, ERR_FAILED);
	fail_sync = 0;
	st = open_ok(dir);
	assert_int_equal(get(st, "draft", "d1", "before", ""), ERR_NONE);
	/* What failed is absent or whole; never damaged. */
	k = get(st, "draft", "d2", "lost?", "");
	assert_true(k == ERR_NONE || k == ERR_NOT_FOUND);
	k = get(st, "draft", "d3", NULL, NULL);
	assert_int_equal(k, ERR_NOT_FOUND);
	{
		size_t total, damaged;

		assert_true(verify_counts(st, &total, &damaged, &err));
		assert_int_equal(damaged, 0);
	}
	/* And it keeps working. */
	put(st, "draft", "d4", "", NULL, NULL, NULL, "after");
	store_close(st);
	st = open_ok(dir);
	assert_int_equal(get(st, "draft", "d4", "after", ""), ERR_NONE);
	store_close(st);
	rmrf(base);
	free(base);
	free(dir);
}

static char *mounted;  /* the tmpfs, unmounted by the teardown even on failure */

static int
unmount_tmpfs(void **state)
{
	(void)state;
	if (mounted != NULL) {
		umount2(mounted, MNT_DETACH);
		rmrf(mounted);
		free(mounted);
		mounted = NULL;
	}
	return 0;
}

static void
test_disk_full(void **state)
{
	char *base = tmpdir();
	char *dir = xasprintf("%s/s", base);
	char *filler = xasprintf("%s/filler", base);
	struct store *st;
	struct error err;
	char *big = xmalloc(32 * 1024);
	int n = 0;
	FILE *f;

	(void)state;
	if (mount("tmpfs", base, "tmpfs", 0, "size=1m,mode=0700") != 0) {
		rmrf(base);
		free(base);
		free(dir);
		free(filler);
		free(big);
		skip();
	}
	mounted = xstrdup(base);
	error_clear(&err);
	assert_true(store_create(dir, PASS, PASS_LEN, &small, &err));
	st = open_ok(dir);
	put(st, "draft", "kept", "1", NULL, NULL, NULL, "written before the disk filled");
	randombytes_buf(big, 32 * 1024);
	for (;;) {
		char id[32];
		struct store_rec r = { "blob", id, "", NULL, NULL, NULL, big, 32 * 1024 };

		snprintf(id, sizeof id, "%d", n);
		error_clear(&err);
		if (!store_put(st, &r, &err))
			break;
		n++;
		assert_true(n < 1000);
	}
	assert_int_equal(err.kind, ERR_FAILED);
	assert_non_null(strstr(err.msg, "The disk is full"));
	assert_true(n > 0);
	assert_int_equal(get(st, "draft", "kept", "written before the disk filled", "1"), ERR_NONE);
	store_close(st);

	/* Fill what is left, then change the passphrase: it fails, the old one works. */
	f = fopen(filler, "wb");
	assert_non_null(f);
	while (fwrite(big, 1, 4096, f) == 4096 && fflush(f) == 0)
		;
	fclose(f);
	error_clear(&err);
	assert_false(store_passwd(dir, PASS, PASS_LEN, "new", 3, &small, &err));
	assert_int_equal(err.kind, ERR_FAILED);
	st = open_ok(dir);
	assert_int_equal(get(st, "draft", "kept", "written before the disk filled", "1"), ERR_NONE);
	{
		size_t total, damaged;

		error_clear(&err);
		assert_true(verify_counts(st, &total, &damaged, &err));
		assert_int_equal(damaged, 0);
		assert_int_equal(total, (size_t)n + 1);
	}
	store_close(st);
	assert_int_equal(umount(base), 0);
	free(mounted);
	mounted = NULL;
	rmrf(base);
	free(base);
	free(dir);
	free(filler);
	free(big);
}

/* cache_day_names_each_person_once: a day of one counsellor's sessions
 * comes with her once, and each client once, whatever the number of
 * sessions (she was read and decrypted once a session, 274 times for a day
 * of 274: bench/query). */
static void
test_cache_day_names_each_person_once(void **state)
{
	char *base, *dir = new_store(&base), day[11], *json;
	struct store *st = open_ok(dir);
	struct civil_date today = date_today();
	cJSON *put_these = cJSON_CreateArray(), *all;
	const cJSON *r;
	int appts = 0, pracs = 0, pats = 0;

	(void)state;
	date_format(today, day);
	for (int i = 0; i < 4; i++) {
		json = xasprintf("{\"resourceType\":\"Appointment\",\"id\":\"ap-%d\",\"status\":\"booked\","
				 "\"start\":\"%sT0%d:00:00Z\",\"end\":\"%sT0%d:50:00Z\",\"participant\":["
				 "{\"actor\":{\"reference\":\"Patient/pat-%d\"}},"
				 "{\"actor\":{\"reference\":\"Practitioner/prac-1\"}}]}",
				 i, day, i + 1, day, i + 1, i % 2);
		cJSON_AddItemToArray(put_these, cJSON_Parse(json));
		free(json);
	}
	cJSON_AddItemToArray(put_these, cJSON_Parse("{\"resourceType\":\"Patient\",\"id\":\"pat-0\"}"));
	cJSON_AddItemToArray(put_these, cJSON_Parse("{\"resourceType\":\"Patient\",\"id\":\"pat-1\"}"));
	cJSON_AddItemToArray(put_these, cJSON_Parse("{\"resourceType\":\"Practitioner\",\"id\":\"prac-1\"}"));
	assert_int_equal(cache_put_resources(st, put_these), 0);
	all = cache_appointments(st, today, today, NULL);
	cJSON_ArrayForEach(r, all) {
		const char *type = cJSON_GetObjectItemCaseSensitive(r, "resourceType")->valuestring;

		appts += strcmp(type, "Appointment") == 0;
		pats += strcmp(type, "Patient") == 0;
		pracs += strcmp(type, "Practitioner") == 0;
	}
	assert_int_equal(appts, 4);
	assert_int_equal(pats, 2);
	assert_int_equal(pracs, 1);
	cJSON_Delete(all);
	cJSON_Delete(put_these);
	store_close(st);
	rmrf(base);
	free(base);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_cache_day_names_each_person_once),
		cmocka_unit_test(test_wrong_passphrase),
		cmocka_unit_test(test_damaged_header),
		cmocka_unit_test(test_second_open),
		cmocka_unit_test(test_passwd),
		cmocka_unit_test(test_kdf_raised),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_columns_bound),
		cmocka_unit_test(test_swap),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_permissions),
		cmocka_unit_test(test_no_plaintext),
		cmocka_unit_test(test_fsync_fails),
		cmocka_unit_test_teardown(test_disk_full, unmount_tmpfs),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
