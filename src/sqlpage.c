/* sqlpage.c - see include/core/sqlpage.h. */
#include "core/sqlpage.h"

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

#define WAL_HDR 32
#define FRAME_HDR 24
#define MAX_PAYLOAD (1u << 30)

/* The image being read: the file's pages, some replaced by WAL frames. */
struct img {
	const unsigned char *db;
	size_t dblen;
	size_t psize;                  /* page size */
	size_t usable;                 /* page size less the reserved bytes */
	uint32_t npages;
	const unsigned char **wal;     /* page -> its newest committed frame, or NULL */
	uint32_t nwal;                 /* entries in wal */
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned
be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* Page n (1-based), or NULL when the image has no such page. */
static const unsigned char *
page_of(const struct img *im, uint32_t n)
{
	if (n == 0 || n > im->npages)
		return NULL;
	if (n < im->nwal && im->wal[n] != NULL)
		return im->wal[n];
	if ((size_t)n * im->psize > im->dblen)
		return NULL;
	return im->db + (size_t)(n - 1) * im->psize;
}

/* A varint at p (at most end - p bytes); its length, 0 when it runs off. */
static size_t
varint(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;

	for (size_t i = 0; i < 9; i++) {
		if (p + i >= end)
			return 0;
		if (i == 8) {
			*v = x << 8 | p[i];
			return 9;
		}
		x = x << 7 | (p[i] & 0x7f);
		if ((p[i] & 0x80) == 0) {
			*v = x;
			return i + 1;
		}
	}
	return 0;
}

static bool
valid_page_size(size_t n)
{
	return n >= 512 && n <= 65536 && (n & (n - 1)) == 0;
}

/* ---- the WAL ---- */

static void
wal_sum(const unsigned char *p, size_t n, bool big, uint32_t s[2])
{
	for (size_t i = 0; i + 8 <= n; i += 8) {
		uint32_t a = big ? be32(p + i) : (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
			(uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;
		uint32_t b = big ? be32(p + i + 4) : (uint32_t)p[i + 4] | (uint32_t)p[i + 5] << 8 |
			(uint32_t)p[i + 6] << 16 | (uint32_t)p[i + 7] << 24;

		s[0] += a + s[1];
		s[1] += b + s[0];
	}
}

/* The WAL's page size when its header holds, else 0. */
static size_t
wal_page_size(const unsigned char *wal, size_t len, bool *big)
{
	uint32_t magic, s[2] = { 0, 0 };
	size_t ps;

	if (wal == NULL || len < WAL_HDR)
		return 0;
	magic = be32(wal);
	if ((magic & 0xfffffffe) != 0x377f0682 || be32(wal + 4) != 3007000)
		return 0;
	*big = magic & 1;
	ps = be32(wal + 8);
	wal_sum(wal, 24, *big, s);
	if (!valid_page_size(ps) || s[0] != be32(wal + 24) || s[1] != be32(wal + 28))
		return 0;
	return ps;
}

/* Maps every page to its newest frame of a committed transaction whose
 * checksums hold; the first bad frame ends the log, as it does for SQLite. */
static void
wal_map(struct img *im, const unsigned char *wal, size_t len, bool big, size_t *frames)
{
	size_t fsize = FRAME_HDR + im->psize, last_commit = 0, nframes = 0;
	uint32_t s[2] = { be32(wal + 24), be32(wal + 28) }, maxpg = 0, dbsize = 0;

	/* First the committed length; then the map. */
	for (size_t off = WAL_HDR; off + fsize <= len; off += fsize) {
		const unsigned char *f = wal + off;

		if (be32(f) == 0 || memcmp(f + 8, wal + 16, 8) != 0)
			break;
		wal_sum(f, 8, big, s);
		wal_sum(f + FRAME_HDR, im->psize, big, s);
		if (s[0] != be32(f + 16) || s[1] != be32(f + 20))
			break;
		nframes++;
		if (be32(f) > maxpg)
			maxpg = be32(f);
		if (be32(f + 4) != 0) {
			last_commit = nframes;
			dbsize = be32(f + 4);
		}
	}
	if (last_commit == 0)
		return;
	im->nwal = maxpg + 1;
	im->wal = xcalloc(im->nwal, sizeof *im->wal);
	for (size_t i = 0; i < last_commit; i++) {
		const unsigned char *f = wal + WAL_HDR + i * fsize;

		im->wal[be32(f)] = f + FRAME_HDR;
	}
	/* The last commit says how long the database is now. */
	im->npages = dbsize;
	*frames = last_commit;
}

/* ---- cells ---- */

struct walk {
	const struct img *im;
	sqlpage_fn fn;
	void *arg;
	struct sqlpage_stats *st;
	bool stopped;
};

/* The payload of a cell: the local bytes, then the overflow chain. Returns a
 * pointer into the page, or into *owned (malloc'd), or NULL. */
static const unsigned char *
payload(const struct img *im, const unsigned char *local, size_t nlocal, uint32_t ovfl,
	size_t total, unsigned char **owned)
{
	unsigned char *out;
	size_t have = nlocal, steps = 0;

	*owned = NULL;
	if (nlocal == total)
		return local;
	out = xmalloc(total);
	memcpy(out, local, nlocal);
	while (have < total) {
		const unsigned char *pg = page_of(im, ovfl);
		size_t n = im->usable - 4;

		if (pg == NULL || ++steps > im->npages) {
			free(out);
			return NULL;
		}
		if (n > total - have)
			n = total - have;
		memcpy(out + have, pg + 4, n);
		have += n;
		ovfl = be32(pg);
	}
	*owned = out;
	return out;
}

static bool
serial_value(uint64_t t, const unsigned char *p, const unsigned char *end,
	     struct sqlpage_value *v, size_t *used)
{
	static const size_t int_len[] = { 0, 1, 2, 3, 4, 6, 8 };
	size_t n;

	memset(v, 0, sizeof *v);
	if (t >= 12) {
		n = (size_t)((t - 12) / 2);
		if (n > (size_t)(end - p))
			return false;
		v->type = t % 2 == 0 ? SQLPAGE_BLOB : SQLPAGE_TEXT;
		v->p = p;
		v->n = n;
		*used = n;
		return true;
	}
	if (t == 10 || t == 11)
		return false;
	if (t == 0) {
		v->type = SQLPAGE_NULL;
		*used = 0;
		return true;
	}
	if (t == 8 || t == 9) {
		v->type = SQLPAGE_INT;
		v->i = t == 9;
		*used = 0;
		return true;
	}
	n = t == 7 ? 8 : int_len[t];
	if (n > (size_t)(end - p))
		return false;
	*used = n;
	if (t == 7) {
		v->type = SQLPAGE_OTHER;
		return true;
	}
	{
		uint64_t x = p[0] & 0x80 ? ~(uint64_t)0 : 0;

		for (size_t i = 0; i < n; i++)
			x = x << 8 | p[i];
		v->type = SQLPAGE_INT;
		v->i = (int64_t)x;
	}
	return true;
}

/* Parses a record (header, then the values) into c; false when it lies. */
static bool
record(const unsigned char *p, size_t len, struct sqlpage_cell *c)
{
	const unsigned char *end = p + len, *body;
	uint64_t hlen, t;
	size_t off, n;

	if ((off = varint(p, end, &hlen)) == 0 || hlen > len || hlen < off)
		return false;
	body = p + hlen;
	c->ncol = 0;
	while (off < hlen) {
		size_t used;

		if ((n = varint(p + off, p + hlen, &t)) == 0 || c->ncol == SQLPAGE_MAX_COLS ||
		    !serial_value(t, body, end, &c->col[c->ncol], &used))
			return false;
		off += n;
		body += used;
		c->ncol++;
	}
	return body == end;
}

/* One cell at page offset off of a page of type kind. */
static void
cell(struct walk *w, const unsigned char *pg, size_t off, unsigned kind, uint32_t pno)
{
	const struct img *im = w->im;
	const unsigned char *p = pg + off, *end = pg + im->usable, *pl;
	struct sqlpage_cell c;
	uint64_t total, rowid = 0;
	size_t n, nlocal, maxl, minl = (im->usable - 12) * 32 / 255 - 23;
	unsigned char *owned;
	uint32_t ovfl = 0;

	if (kind == 0x02)
		p += 4;   /* the left child */
	if (p >= end || (n = varint(p, end, &total)) == 0)
		goto bad;
	p += n;
	if (kind == 0x0d) {
		if ((n = varint(p, end, &rowid)) == 0)
			goto bad;
		p += n;
	}
	maxl = kind == 0x0d ? im->usable - 35 : (im->usable - 12) * 64 / 255 - 23;
	if (total > MAX_PAYLOAD || total == 0)
		goto bad;
	nlocal = total;
	if (total > maxl) {
		size_t k = minl + (total - minl) % (im->usable - 4);

		nlocal = k <= maxl ? k : minl;
	}
	if (nlocal > (size_t)(end - p) || (nlocal < total && (size_t)(end - p) < nlocal + 4))
		goto bad;
	if (nlocal < total)
		ovfl = be32(p + nlocal);
	if ((pl = payload(im, p, nlocal, ovfl, total, &owned)) == NULL)
		goto bad;
	memset(&c, 0, sizeof c);
	c.table = kind == 0x0d;
	c.rowid = (int64_t)rowid;
	c.page = pno;
	if (!record(pl, total, &c)) {
		free(owned);
		goto bad;
	}
	w->st->cells++;
	if (!w->fn(&c, w->arg))
		w->stopped = true;
	free(owned);
	return;
bad:
	w->st->bad_cells++;
}

static void
page(struct walk *w, uint32_t pno)
{
	const unsigned char *pg = page_of(w->im, pno);
	size_t hdr = pno == 1 ? 100 : 0, hsize, ncells, first;
	unsigned kind;

	if (pg == NULL)
		return;
	w->st->pages++;
	kind = pg[hdr];
	if (kind != 0x02 && kind != 0x0a && kind != 0x0d)
		return;   /* a table's interior page holds no rows; others are no b-tree */
	hsize = kind == 0x02 ? 12 : 8;
	ncells = be16(pg + hdr + 3);
	first = hdr + hsize + 2 * ncells;
	if (first > w->im->usable)
		return;
	for (size_t i = 0; i < ncells && !w->stopped; i++) {
		size_t off = be16(pg + hdr + hsize + 2 * i);

		if (off < first || off >= w->im->usable)
			w->st->bad_cells++;
		else
			cell(w, pg, off, kind, pno);
	}
}

/* The page size and reserved bytes from a first page, when it is one. */
static bool
header_sizes(const unsigned char *p1, size_t len, size_t *ps, size_t *reserved)
{
	size_t n;

	if (p1 == NULL || len < 100 || memcmp(p1, "SQLite format 3", 16) != 0)
		return false;
	n = be16(p1 + 16);
	n = n == 1 ? 65536 : n;
	if (!valid_page_size(n) || p1[20] >= n - 480)
		return false;
	*ps = n;
	*reserved = p1[20];
	return true;
}

bool
sqlpage_scan(const unsigned char *db, size_t dblen, const unsigned char *wal, size_t wallen,
	     sqlpage_fn fn, void *arg, struct sqlpage_stats *stats)
{
	struct sqlpage_stats ignored;
	struct img im = { db, db != NULL ? dblen : 0, 0, 0, 0, NULL, 0 };
	struct walk w = { &im, fn, arg, stats != NULL ? stats : &ignored, false };
	size_t reserved = 0, wps;
	bool big = false, have;

	memset(w.st, 0, sizeof *w.st);
	wps = wal_page_size(wal, wallen, &big);
	have = header_sizes(im.db, im.dblen, &im.psize, &reserved);
	if (!have) {
		/* The file's header is lost: the WAL's page size, else SQLite's default. */
		im.psize = wps != 0 ? wps : 4096;
		reserved = 0;
	}
	im.usable = im.psize - reserved;
	im.npages = (uint32_t)(im.dblen / im.psize);
	if (wps == im.psize)
		wal_map(&im, wal, wallen, big, &w.st->wal_frames);
	if (!have && im.nwal > 1 && im.wal[1] != NULL &&
	    header_sizes(im.wal[1], im.psize, &wps, &reserved) && wps == im.psize)
		im.usable = im.psize - reserved;
	for (uint32_t p = 1; p <= im.npages && !w.stopped; p++)
		page(&w, p);
	free(im.wal);
	return !w.stopped;
}
