/* store_repair.c - damaged records: what an open finds wrong with them
 * (missing, empty, replaced, corrupt; see the top of store.c), and
 * store_verify: every record opened, and damaged records salvaged into a
 * fresh file; see include/core/store.h.
 *
 * Salvage reads the damaged records page by page (sqlpage.h), not through
 * SQLite's b-tree, so a lost interior or first page hides nothing that is
 * still on the disk. Every row found is opened with the key: what opens is
 * genuine (and whole), so it is copied as it is, sealed, into records.new;
 * index entries say which rows there were, so what could not be read is
 * counted. A row found twice (only in a damaged file) is taken at its higher
 * rowid: a put always gives the row a rowid at least as high as the one it
 * replaces. Deleted rows do not come back: secure_delete zeroed them.
 *
 * The swap, each step durable before the next (fsync of the folder):
 *   1. records.new is built and fsynced (a kill leaves a leftover, removed at
 *      the next open);
 *   2. damaged-TIME/ gets hard links to the damaged files;
 *   3. a WAL SQLite could not write back (its records file is empty, or not a
 *      database at all) becomes records-wal.salvage, a name SQLite does not
 *      know, for the new file must never meet the old WAL; salvage reads it
 *      as it read the WAL, so killed here, the next salvage does the same;
 *   4. rename(records.new, records): the one atomic step;
 *   5. records-wal.salvage goes (it has its link in damaged-TIME/); a kill
 *      before that leaves it, and the next open that finds the records whole
 *      removes it.
 * Killed before 4, the damaged records are there as they were (to be salvaged
 * again); after it, the new ones, whole. A WAL beside a file SQLite opens is
 * written back into it first (a checkpoint, which reads no b-tree); when that
 * fails, nothing is changed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/sqlpage.h"
#include "core/xmalloc.h"
#include "store_int.h"

#define NEW_NAME "records.new"
#define WAL_ASIDE "records-wal.salvage"

void
store_check_finish(struct store_check *c)
{
	free(c->why);
	free(c->aside);
	c->why = c->aside = NULL;
}

/* ---- damage found at open ---- */

static unsigned char *
sentinel_open(const struct store *st, sqlite3_stmt *s, struct payload *p, size_t *ptlen)
{
	struct rowcols rc;

	store_row_cols(s, 0, &rc);
	return store_row_open(st, &rc, p, ptlen);
}

bool
store_damage_error(const struct store *st, struct error *err)
{
	switch (st->damage) {
	case DAMAGE_EMPTY:
		return error_set(err, ERR_FAILED,
				 _("The local records in %s are damaged: the file that held them is empty or missing (a full disk, a crash of the system or a copy that went wrong can do this). What they held cannot be read, and what was lost cannot be known exactly: the stored login, the cached data and any writes waiting for the server. Run 'ezrizi cache verify' to keep what can be kept and start the records afresh, then check on the server that your recent changes arrived."),
				 st->dir);
	case DAMAGE_REPLACED:
		return error_set(err, ERR_FAILED,
				 _("The local records in %s are damaged: the file that held them was replaced, or emptied and made afresh, so this store's records are not in it. What was lost cannot be known exactly: the stored login, the cached data and any writes waiting for the server. Run 'ezrizi cache verify' to keep what can be kept, then check on the server that your recent changes arrived."),
				 st->dir);
	case DAMAGE_CORRUPT:
		return error_set(err, ERR_FAILED,
				 _("The local records in %s are damaged (%s). Run 'ezrizi cache verify': it keeps every record that can still be read, the writes waiting for the server first."),
				 st->dir, st->damage_why != NULL ? st->damage_why : "");
	case DAMAGE_NONE:
		break;
	}
	return true;
}

bool
store_met_damage(const struct store *st, struct error *err)
{
	if (!st->met_damage && st->damage == DAMAGE_NONE)
		return false;
	if (st->damage != DAMAGE_NONE)
		return !store_damage_error(st, err);
	error_set(err, ERR_FAILED,
		  _("The local records in %s are damaged. Run 'ezrizi cache verify': it keeps every record that can still be read, the writes waiting for the server first."),
		  st->dir);
	return true;
}

void
store_set_corrupt(struct store *st, int rc)
{
	st->damage = DAMAGE_CORRUPT;
	free(st->damage_why);
	/* SQLite's own words when it is what failed; else those of the code. */
	st->damage_why = xstrdup(st->db != NULL && sqlite3_errcode(st->db) == rc ? sqlite3_errmsg(st->db)
										 : sqlite3_errstr(rc));
}

/* Empty or missing: SQLite must not see it (it would make a fresh database of
 * it, and delete a WAL beside an empty file). */
bool
store_records_empty(const char *dir)
{
	char *path = store_path(dir, "records");
	struct stat sb;
	bool empty = lstat(path, &sb) != 0 || (S_ISREG(sb.st_mode) && sb.st_size == 0);

	free(path);
	return empty;
}

/* The sentinel, read through the table (its root, the pages down to it) and
 * opened with the key: *rc is SQLITE_ROW when it is there and opens,
 * SQLITE_DONE when it is not there, SQLITE_CORRUPT when it does not open. */
bool
store_has_sentinel(struct store *st, int *rc)
{
	unsigned char key[HASH_BYTES], *pt = NULL;
	sqlite3_stmt *s = NULL;
	struct payload p;
	size_t ptlen;

	store_hash(st, 'k', SENTINEL_TYPE, SENTINEL_ID, key);
	*rc = sqlite3_prepare_v2(st->db,
		"SELECT key, kind, day, person, thread, rev, box FROM r WHERE key = ?1", -1, &s, NULL);
	if (*rc == SQLITE_OK) {
		sqlite3_bind_blob(s, 1, key, HASH_BYTES, SQLITE_STATIC);
		*rc = sqlite3_step(s);
	}
	if (*rc == SQLITE_ROW && (pt = sentinel_open(st, s, &p, &ptlen)) == NULL)
		*rc = SQLITE_CORRUPT;   /* there, but it does not open: damaged */
	if (pt != NULL) {
		sodium_memzero(pt, ptlen);
		free(pt);
	}
	sqlite3_finalize(s);
	return *rc == SQLITE_ROW;
}

bool
store_check_records(struct store *st, bool want_sentinel, struct error *err)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db,
		"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'r'", -1, &s, NULL);
	bool table = false;

	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
		table = sqlite3_column_int(s, 0) > 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW) {
		if ((rc & 0xff) != SQLITE_CORRUPT && (rc & 0xff) != SQLITE_NOTADB)
			return store_db_error(st->db, rc, _("opening the local store"), err);
		store_set_corrupt(st, rc);
		return true;
	}
	if (!table) {
		st->damage = DAMAGE_REPLACED;
		return true;
	}
	if (!store_db_schema(st->db, err))
		return false;
	/* Read even when not wanted (format 1): it is a look at the table's root. */
	if (!store_has_sentinel(st, &rc)) {
		if (rc == SQLITE_DONE && want_sentinel)
			st->damage = DAMAGE_REPLACED;
		else if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
			store_set_corrupt(st, rc);
		else if (rc != SQLITE_DONE)
			return store_db_error(st->db, rc, _("opening the local store"), err);
	}
	return true;
}

/* ---- sets of rowids ---- */

struct ids {
	int64_t *v;
	size_t n, cap;
};

static void
ids_add(struct ids *s, int64_t id)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
	}
	s->v[s->n++] = id;
}

static int
id_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
ids_sort(struct ids *s)
{
	size_t w = 0;

	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, id_cmp);
	for (size_t i = 0; i < s->n; i++)
		if (w == 0 || s->v[w - 1] != s->v[i])
			s->v[w++] = s->v[i];
	s->n = w;
}

static bool
ids_has(const struct ids *s, int64_t id)
{
	return bsearch(&id, s->v, s->n, sizeof *s->v, id_cmp) != NULL;
}

/* ---- the row-by-row check ---- */

static const char cols_sql[] = "SELECT key, kind, day, person, thread, rev, box FROM r";

/* PRAGMA integrity_check: SQLITE_OK when it says ok, SQLITE_CORRUPT (and its
 * first complaint in st->damage_why) when not. */
static int
integrity(struct store *st)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA integrity_check(1)", -1, &s, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *msg = (const char *)sqlite3_column_text(s, 0);

		if (msg != NULL && strcmp(msg, "ok") == 0) {
			rc = SQLITE_OK;
		} else {
			free(st->damage_why);
			st->damage_why = xstrdup(msg != NULL ? msg : "");
			rc = SQLITE_CORRUPT;
		}
	}
	sqlite3_finalize(s);
	return rc;
}

struct pass {
	struct store *st;
	struct store_check *c;
	unsigned char watch_kind[HASH_BYTES];
	struct buf bad;      /* keys of rows that failed to open, HASH_BYTES each */
};

static bool
is_type(const struct payload *p, const char *type)
{
	return p->flen[P_TYPE] == strlen(type) && memcmp(p->f[P_TYPE], type, p->flen[P_TYPE]) == 0;
}

/* Opens every row; returns the SQLite code that ended the reading. */
static int
open_rows(struct pass *ps)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(ps->st->db, cols_sql, -1, &s, NULL);

	while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct rowcols rc_;
		struct payload p;
		size_t ptlen;
		unsigned char *pt;

		rc = SQLITE_OK;
		store_row_cols(s, 0, &rc_);
		if ((pt = store_row_open(ps->st, &rc_, &p, &ptlen)) != NULL) {
			ps->c->total += !is_type(&p, SENTINEL_TYPE);
			sodium_memzero(pt, ptlen);
			free(pt);
			continue;
		}
		ps->c->damaged++;
		if (ps->c->watch != NULL && rc_.v[1] != NULL && rc_.n[1] == HASH_BYTES &&
		    memcmp(rc_.v[1], ps->watch_kind, HASH_BYTES) == 0)
			ps->c->watch_lost++;
		if (rc_.v[0] != NULL && rc_.n[0] == HASH_BYTES)
			buf_add(&ps->bad, rc_.v[0], HASH_BYTES);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
remove_bad(struct pass *ps)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(ps->st->db, "DELETE FROM r WHERE key = ?1", -1, &s, NULL);

	for (size_t off = 0; rc == SQLITE_OK && off < ps->bad.len; off += HASH_BYTES) {
		sqlite3_bind_blob(s, 1, ps->bad.data + off, HASH_BYTES, SQLITE_STATIC);
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(ps->st->db);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc;
}

static bool
is_corrupt(int rc)
{
	return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/* The check of a store whose file SQLite reads: false with *corrupt when the
 * file turns out damaged (then salvage). */
static bool
check_rows(struct store *st, struct store_check *c, bool *corrupt, struct error *err)
{
	struct pass ps = { st, c, { 0 }, { 0 } };
	int rc;

	*corrupt = false;
	if (c->watch != NULL)
		store_hash(st, 't', c->watch, NULL, ps.watch_kind);
	buf_init(&ps.bad);
	rc = integrity(st);
	if (rc == SQLITE_OK)
		rc = open_rows(&ps);
	if (rc == SQLITE_OK)
		rc = remove_bad(&ps);
	buf_finish(&ps.bad);
	/* The store's own record may have been one of them: it is put back. */
	if (rc == SQLITE_OK && !store_has_sentinel(st, &rc) && rc == SQLITE_DONE)
		rc = store_put_sentinel(st, err) ? SQLITE_OK : SQLITE_ERROR;
	if (rc == SQLITE_ROW || rc == SQLITE_OK)
		return true;
	if (rc == SQLITE_ERROR && err->kind != ERR_NONE)
		return false;
	if (is_corrupt(rc)) {
		*corrupt = true;
		st->damage = DAMAGE_CORRUPT;
		if (st->damage_why == NULL)
			st->damage_why = xstrdup(sqlite3_errmsg(st->db));
		c->total = c->damaged = c->watch_lost = 0;
		return false;
	}
	return store_db_error(st->db, rc, _("checking the local store"), err);
}

/* ---- salvage: reading ---- */

struct salvage {
	struct store *st;
	struct store_check *c;
	bool wal_aside;      /* the WAL is read here, and moved aside by the swap */
	sqlite3 *out;
	sqlite3_stmt *ins, *ins_auto;
	size_t count;        /* rows in the new file */
	unsigned char watch_kind[HASH_BYTES], sentinel_key[HASH_BYTES];
	struct ids kept, seen, bad, watch, older;
	int64_t sentinel_row;
	bool have_sentinel, any_index;
	int rc;              /* the first failure writing the new file */
};

static bool
blob_of(const struct sqlpage_value *v, size_t n)
{
	return v->type == SQLPAGE_BLOB && (n == 0 || v->n == n);
}

/* A table cell in the shape of a row of r: its columns, or false. */
static bool
row_shape(const struct sqlpage_cell *c, struct rowcols *rc)
{
	if (!c->table || c->ncol != 8 || c->col[0].type != SQLPAGE_NULL ||
	    !blob_of(&c->col[1], HASH_BYTES) || !blob_of(&c->col[2], HASH_BYTES) ||
	    !blob_of(&c->col[6], REV_BYTES) || !blob_of(&c->col[7], 0))
		return false;
	for (int i = 0; i < 6; i++) {
		const struct sqlpage_value *v = &c->col[1 + i];

		if (v->type == SQLPAGE_NULL && i >= 2 && i <= 4) {
			rc->v[i] = NULL;
			rc->n[i] = 0;
			continue;
		}
		if (v->type != SQLPAGE_BLOB)
			return false;
		rc->v[i] = v->p;
		rc->n[i] = v->n;
	}
	rc->box = c->col[7].p;
	rc->boxlen = c->col[7].n;
	return true;
}

/* Binds the row's columns from 2 on (1 is n). */
static void
bind_row(sqlite3_stmt *s, const struct rowcols *rc)
{
	for (int i = 0; i < 6; i++) {
		if (rc->v[i] == NULL)
			sqlite3_bind_null(s, 2 + i);
		else
			sqlite3_bind_blob(s, 2 + i, rc->v[i], (int)rc->n[i], SQLITE_STATIC);
	}
	sqlite3_bind_blob64(s, 8, rc->box, rc->boxlen, SQLITE_STATIC);
}

/* Writes a row that opened; a newer copy of the same record wins. */
static void
keep_row(struct salvage *sv, const struct sqlpage_cell *c, const struct rowcols *rc)
{
	int rc2;

	if (sv->rc != SQLITE_OK)
		return;
	sqlite3_reset(sv->ins);
	sqlite3_bind_int64(sv->ins, 1, c->rowid);
	bind_row(sv->ins, rc);
	rc2 = sqlite3_step(sv->ins);
	if ((rc2 & 0xff) == SQLITE_CONSTRAINT) {
		/* Its rowid is another record's (never in a whole file): a new one. */
		sqlite3_reset(sv->ins_auto);
		sqlite3_bind_null(sv->ins_auto, 1);
		bind_row(sv->ins_auto, rc);
		rc2 = sqlite3_step(sv->ins_auto);
	}
	if (rc2 != SQLITE_DONE)
		sv->rc = rc2;
	else if (sqlite3_changes(sv->out) == 0)
		ids_add(&sv->older, c->rowid);   /* a newer copy was there already */
	ids_add(&sv->kept, c->rowid);
}

static bool
on_cell(const struct sqlpage_cell *c, void *arg)
{
	struct salvage *sv = arg;
	struct rowcols rc;
	struct payload p;
	size_t ptlen;
	unsigned char *pt;

	if (!c->table) {
		/* An index entry (hash, rowid): a row that was there. */
		if (c->ncol == 2 && blob_of(&c->col[0], HASH_BYTES) && c->col[1].type == SQLPAGE_INT) {
			sv->any_index = true;
			ids_add(&sv->seen, c->col[1].i);
			if (memcmp(c->col[0].p, sv->watch_kind, HASH_BYTES) == 0 && sv->c->watch != NULL)
				ids_add(&sv->watch, c->col[1].i);
			if (memcmp(c->col[0].p, sv->sentinel_key, HASH_BYTES) == 0)
				sv->sentinel_row = c->col[1].i;
		}
		return true;
	}
	if (!row_shape(c, &rc))
		return true;
	ids_add(&sv->seen, c->rowid);
	if (sv->c->watch != NULL && memcmp(rc.v[1], sv->watch_kind, HASH_BYTES) == 0)
		ids_add(&sv->watch, c->rowid);
	if ((pt = store_row_open(sv->st, &rc, &p, &ptlen)) == NULL) {
		ids_add(&sv->bad, c->rowid);
		return true;
	}
	if (is_type(&p, SENTINEL_TYPE)) {
		sv->have_sentinel = true;
		sv->sentinel_row = c->rowid;
	}
	sodium_memzero(pt, ptlen);
	free(pt);
	keep_row(sv, c, &rc);
	return sv->rc == SQLITE_OK;
}

/* Maps a file of the store (NULL when it is missing or empty). */
static unsigned char *
map_file(const char *dir, const char *name, size_t *len)
{
	char *path = store_path(dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat sb;
	void *m = NULL;

	*len = 0;
	free(path);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
		m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED)
			m = NULL;
		else
			*len = (size_t)sb.st_size;
	}
	close(fd);
	return m;
}

static void
unmap(unsigned char *m, size_t len)
{
	if (m != NULL)
		munmap(m, len);
}

static bool
file_has_data(const char *dir, const char *name)
{
	char *path = store_path(dir, name);
	struct stat sb;
	bool yes = lstat(path, &sb) == 0 && sb.st_size > 0;

	free(path);
	return yes;
}

/* The WAL that goes with a records file SQLite could not open. */
static const char *
wal_name(const char *dir)
{
	return file_has_data(dir, "records-wal") ? "records-wal" : WAL_ASIDE;
}

/* Reads the records file and, when SQLite could not, its WAL. */
static bool
scan_inputs(struct salvage *sv)
{
	size_t dblen, wallen = 0;
	unsigned char *db = map_file(sv->st->dir, "records", &dblen);
	unsigned char *wal = sv->wal_aside ? map_file(sv->st->dir, wal_name(sv->st->dir), &wallen)
					   : NULL;

	sqlpage_scan(db, dblen, wal, wallen, on_cell, sv, NULL);
	unmap(db, dblen);
	unmap(wal, wallen);
	return sv->rc == SQLITE_OK;
}

/* ---- salvage: the new file ---- */

static bool
exec_ok(sqlite3 *db, const char *sql, int *rc)
{
	*rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	return *rc == SQLITE_OK;
}

/* records.new, empty, made for speed (a kill leaves a leftover, no harm). */
static bool
new_file(struct salvage *sv, struct error *err)
{
	static const char ins[] =
		"INSERT INTO r(n, key, kind, day, person, thread, rev, box)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(key) DO UPDATE SET"
		" n = excluded.n, kind = excluded.kind, day = excluded.day,"
		" person = excluded.person, thread = excluded.thread, rev = excluded.rev,"
		" box = excluded.box WHERE excluded.n > r.n";
	char *path = store_path(sv->st->dir, NEW_NAME);
	int rc;

	unlink(path);
	free(path);
	if ((sv->out = store_db_open(sv->st->dir, NEW_NAME, DB_BUILD, NULL, err)) == NULL)
		return false;
	if (!exec_ok(sv->out, "BEGIN", &rc) ||
	    (rc = sqlite3_prepare_v2(sv->out, ins, -1, &sv->ins, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(sv->out, ins, -1, &sv->ins_auto, NULL)) != SQLITE_OK)
		return store_db_error(sv->out, rc, _("a fresh copy of the records"), err);
	return true;
}

static bool
fsync_path(const char *path, int flags)
{
	int fd = open(path, flags | O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = fsync(fd) == 0 || errno == EINVAL;
	close(fd);
	return ok;
}

/* Closes the new file, durably. */
static bool
finish_file(struct salvage *sv, struct error *err)
{
	char *path = store_path(sv->st->dir, NEW_NAME);
	int rc = sv->rc;
	bool ok;

	sqlite3_finalize(sv->ins);
	sqlite3_finalize(sv->ins_auto);
	sv->ins = sv->ins_auto = NULL;
	if (rc == SQLITE_OK && !sv->have_sentinel) {
		sqlite3 *old = sv->st->db;
		enum damage d = sv->st->damage;
		struct error e;

		/* The new file is whole: the store's own record goes in it. */
		error_clear(&e);
		sv->st->db = sv->out;
		sv->st->damage = DAMAGE_NONE;
		if (!store_put_sentinel(sv->st, &e))
			rc = sqlite3_errcode(sv->out) != SQLITE_OK ? sqlite3_errcode(sv->out) : SQLITE_ERROR;
		sv->st->db = old;
		sv->st->damage = d;
	}
	if (rc == SQLITE_OK)
		exec_ok(sv->out, "COMMIT", &rc);
	if (rc == SQLITE_OK) {
		sqlite3_stmt *s = NULL;

		rc = sqlite3_prepare_v2(sv->out, "SELECT count(*) FROM r", -1, &s, NULL);
		if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
			sv->count = (size_t)sqlite3_column_int64(s, 0);
			rc = SQLITE_OK;
		}
		sqlite3_finalize(s);
	}
	ok = rc == SQLITE_OK || store_db_error(sv->out, rc, _("a fresh copy of the records"), err);
	sqlite3_close(sv->out);
	sv->out = NULL;
	if (ok && !fsync_path(path, 0))
		ok = error_set(err, ERR_FAILED, _("Cannot make %s durable: %s."), path, strerror(errno));
	if (!ok)
		unlink(path);
	free(path);
	return ok;
}

/* ---- salvage: the swap ---- */

static bool
same_file(const char *a, const char *b)
{
	struct stat x, y;

	return lstat(a, &x) == 0 && lstat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* The damaged-TIME folder: one that already holds these damaged files (a
 * salvage killed before its swap), else a new one. */
static char *
aside_dir(const char *dir, const char *live, struct error *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char stamp[32], *path = NULL;
	time_t now = time(NULL);
	struct tm tm;

	while (live != NULL && d != NULL && path == NULL && (e = readdir(d)) != NULL) {
		char *sub, *rec;

		if (strncmp(e->d_name, "damaged-", 8) != 0)
			continue;
		sub = store_path(dir, e->d_name);
		rec = store_path(sub, "records");
		if (same_file(rec, live))
			path = sub;
		else
			free(sub);
		free(rec);
	}
	if (d != NULL)
		closedir(d);
	if (path != NULL)
		return path;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "damaged-%Y%m%d-%H%M%S", &tm);
	for (int i = 1; i < 100; i++) {
		char *name = i == 1 ? xstrdup(stamp) : xasprintf("%s-%d", stamp, i);

		path = store_path(dir, name);
		free(name);
		if (mkdir(path, 0700) == 0)
			return path;
		free(path);
		if (errno != EEXIST)
			break;
	}
	error_set(err, ERR_FAILED, _("Cannot make a folder for the damaged records in %s: %s."), dir,
		  strerror(errno));
	return NULL;
}

static bool
link_aside(const char *dir, const char *aside, const char *name, const char *as,
	   struct error *err)
{
	char *from = store_path(dir, name), *to = store_path(aside, as);
	bool ok = true;

	if (!same_file(from, to) && link(from, to) != 0 && errno != ENOENT)
		ok = error_set(err, ERR_FAILED, _("Cannot keep the damaged records in %s: %s."), aside,
			       strerror(errno));
	free(from);
	free(to);
	return ok;
}

static bool
sync_dir(const char *dir, struct error *err)
{
	if (fsync_path(dir, O_DIRECTORY))
		return true;
	return error_set(err, ERR_FAILED, _("Cannot make %s durable: %s."), dir, strerror(errno));
}

static bool
rename_in(const char *dir, const char *from, const char *to, struct error *err)
{
	char *a = store_path(dir, from), *b = store_path(dir, to);
	bool ok = rename(a, b) == 0 ||
		  error_set(err, ERR_FAILED, _("Cannot put the salvaged records in place in %s: %s."),
			    dir, strerror(errno));

	free(a);
	free(b);
	return ok && sync_dir(dir, err);
}

static void
unlink_in(const char *dir, const char *name)
{
	char *p = store_path(dir, name);

	unlink(p);
	free(p);
}

/* Steps 2 to 5 of the swap (see the top). *aside: the damaged copies' folder. */
static bool
swap_in(const char *dir, bool wal_aside, char **aside, struct error *err)
{
	char *live = store_path(dir, "records");
	bool ok, empty = !file_has_data(dir, "records");

	*aside = aside_dir(dir, empty ? NULL : live, err);
	free(live);
	if (*aside == NULL)
		return false;
	ok = (empty || link_aside(dir, *aside, "records", "records", err)) &&
	     link_aside(dir, *aside, "records-wal", "records-wal", err) &&
	     link_aside(dir, *aside, WAL_ASIDE, WAL_ASIDE, err) && sync_dir(*aside, err);
	if (ok && wal_aside && file_has_data(dir, "records-wal"))
		ok = rename_in(dir, "records-wal", WAL_ASIDE, err);
	if (ok)
		unlink_in(dir, "records-wal");   /* empty: SQLite's, written back */
	ok = ok && rename_in(dir, NEW_NAME, "records", err);
	if (ok) {
		unlink_in(dir, WAL_ASIDE);
		unlink_in(dir, "records-shm");
		unlink_in(dir, "records-journal");
		sync_dir(dir, err);
	}
	/* Nothing was kept (the file was empty and had no WAL): no folder. */
	if (ok && rmdir(*aside) == 0) {
		free(*aside);
		*aside = NULL;
	}
	return ok;
}

void
store_salvage_done(const char *dir)
{
	unlink_in(dir, WAL_ASIDE);
}

void
store_salvage_leftovers(const char *dir)
{
	static const char *const built[] = { NEW_NAME, NEW_NAME "-journal", NEW_NAME "-wal" };
	DIR *d;
	struct dirent *e;

	for (size_t i = 0; i < sizeof built / sizeof built[0]; i++)
		unlink_in(dir, built[i]);
	/* A folder made by a salvage killed at once. */
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "damaged-", 8) == 0) {
			char *sub = store_path(dir, e->d_name);

			rmdir(sub);   /* only when empty */
			free(sub);
		}
	}
	closedir(d);
}

/* ---- salvage ---- */

static size_t
count_lost(struct salvage *sv, size_t *damaged, size_t *watch)
{
	size_t lost = 0;

	ids_sort(&sv->kept);
	ids_sort(&sv->seen);
	ids_sort(&sv->bad);
	ids_sort(&sv->watch);
	*damaged = *watch = 0;
	for (size_t i = 0; i < sv->seen.n; i++) {
		int64_t id = sv->seen.v[i];

		if (ids_has(&sv->kept, id) || (sv->sentinel_row != 0 && id == sv->sentinel_row))
			continue;
		if (ids_has(&sv->bad, id))
			(*damaged)++;
		else
			lost++;
		*watch += ids_has(&sv->watch, id);
	}
	return lost;
}

static void
salvage_finish(struct salvage *sv)
{
	sqlite3_finalize(sv->ins);
	sqlite3_finalize(sv->ins_auto);
	sqlite3_close(sv->out);
	free(sv->kept.v);
	free(sv->seen.v);
	free(sv->bad.v);
	free(sv->watch.v);
	free(sv->older.v);
}

/* Lets go of the damaged file: its WAL is written back into it first when
 * SQLite has it open; when SQLite could not open it, salvage reads the WAL
 * itself (*wal_aside). False when a WAL SQLite had is left. */
static bool
release_damaged(struct store *st, bool *wal_aside, struct error *err)
{
	*wal_aside = st->db == NULL;
	if (st->db != NULL) {
		sqlite3_exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		sqlite3_close(st->db);
		st->db = NULL;
	}
	if (!*wal_aside && file_has_data(st->dir, "records-wal"))
		return error_set(err, ERR_FAILED,
				 _("The local records in %s are damaged and could not be salvaged: their journal (records-wal) could not be written back into them. Nothing was changed; free some disk space and run 'ezrizi cache verify' again."),
				 st->dir);
	return true;
}

static bool
salvage(struct store *st, struct store_check *c, struct error *err)
{
	struct salvage sv = { .st = st, .c = c };
	size_t damaged, watch;
	bool ok;
	int rc;

	if (!store_lock_alone(st, err))
		return false;  /* another process reads this very file */
	if (c->watch != NULL)
		store_hash(st, 't', c->watch, NULL, sv.watch_kind);
	store_hash(st, 'k', SENTINEL_TYPE, SENTINEL_ID, sv.sentinel_key);
	c->why = st->damage_why != NULL ? xstrdup(st->damage_why) : NULL;
	c->unknown = st->damage == DAMAGE_EMPTY || st->damage == DAMAGE_REPLACED;
	ok = release_damaged(st, &sv.wal_aside, err) && new_file(&sv, err) && scan_inputs(&sv);
	if (!ok && err->kind == ERR_NONE)
		store_db_error(sv.out, sv.rc, _("a fresh copy of the records"), err);
	ok = ok && finish_file(&sv, err) && swap_in(st->dir, sv.wal_aside, &c->aside, err);
	if (ok && (st->db = store_db_open(st->dir, "records", DB_EXISTING, &rc, err)) == NULL)
		ok = false;
	if (ok) {
		st->damage = DAMAGE_NONE;
		ok = store_check_records(st, true, err) && st->damage == DAMAGE_NONE;
	}
	if (ok) {
		c->salvaged = true;
		c->lost = count_lost(&sv, &damaged, &watch);
		c->damaged = damaged;
		c->watch_lost = watch;
		c->total = sv.count > 0 ? sv.count - 1 : 0;   /* the sentinel is the store's */
		c->unknown = c->unknown || !sv.any_index;
		free(st->damage_why);
		st->damage_why = NULL;
	} else {
		unlink_in(st->dir, NEW_NAME);
	}
	salvage_finish(&sv);
	return ok;
}

bool
store_verify(struct store *st, struct store_check *c, struct error *err)
{
	const char *watch = c->watch;
	bool corrupt = false;

	memset(c, 0, sizeof *c);
	c->watch = watch;
	if (st->batch > 0)
		return error_set(err, ERR_USAGE, _("The local store is in the middle of a change; check it afterwards."));
	if (st->damage == DAMAGE_NONE && check_rows(st, c, &corrupt, err))
		return true;
	if (st->damage == DAMAGE_NONE && !corrupt)
		return false;
	return salvage(st, c, err);
}
