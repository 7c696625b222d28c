/* sqlpage.h - the rows of an SQLite file read page by page, without SQLite:
 * what the store's salvage uses when the b-tree itself is damaged.
 *
 * SQLite reaches a row through the pages above it: one damaged interior page
 * hides every row below it, and a damaged first page hides the whole file.
 * Here every page of the file is looked at on its own: a page that looks like
 * a table leaf or an index page is parsed, and every cell whose record parses
 * is passed on, whatever happened to the pages around it. A WAL beside the file
 * is read too: its frames up to the last commit whose checksums hold stand in
 * for the file's pages (a frame after it was never committed).
 *
 * Nothing here trusts the bytes: a cell that runs off its page, an overflow
 * chain that loops or leaves the file, a record header that lies, is skipped.
 * What is genuine is for the caller to decide (the store opens each row with
 * its key). The file format: https://www.sqlite.org/fileformat2.html */
#ifndef EZRIZI_SQLPAGE_H
#define EZRIZI_SQLPAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SQLPAGE_MAX_COLS 16

enum sqlpage_type { SQLPAGE_NULL, SQLPAGE_INT, SQLPAGE_BLOB, SQLPAGE_TEXT, SQLPAGE_OTHER };

struct sqlpage_value {
	enum sqlpage_type type;
	int64_t i;                 /* SQLPAGE_INT */
	const unsigned char *p;    /* SQLPAGE_BLOB, SQLPAGE_TEXT: valid during the call */
	size_t n;
};

struct sqlpage_cell {
	bool table;                /* a table row (rowid and record) or an index entry */
	int64_t rowid;             /* table rows */
	uint32_t page;             /* where it was found */
	int ncol;
	struct sqlpage_value col[SQLPAGE_MAX_COLS];
};

/* Called for every cell found; returns false to stop. */
typedef bool (*sqlpage_fn)(const struct sqlpage_cell *c, void *arg);

struct sqlpage_stats {
	size_t pages;              /* pages looked at */
	size_t wal_frames;         /* committed WAL frames used */
	size_t cells;              /* cells passed to fn */
	size_t bad_cells;          /* cells skipped: they did not parse */
};

/* Reads the database image db (dblen bytes, may be 0) and its WAL image (wal,
 * wallen; NULL or 0 when none). The page size comes from the file's header,
 * else the WAL's, else 4096. Never fails: what cannot be read is counted in
 * stats (may be NULL) and skipped. Returns false when fn stopped it. */
bool sqlpage_scan(const unsigned char *db, size_t dblen, const unsigned char *wal, size_t wallen,
		  sqlpage_fn fn, void *arg, struct sqlpage_stats *stats);

#endif
