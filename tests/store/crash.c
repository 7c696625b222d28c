/* crash.c - kill -9 the store at random moments and check what survives.
 *
 *   crash DIR [ROUNDS [SEED]]
 *
 * Each round a child opens the store in DIR and writes: new records, new
 * versions of old ones, deletions, batches, and now and then a passphrase
 * change (close, store_passwd, reopen). It tells the parent through a pipe
 * what it is about to do and what has returned. The parent kills it with
 * SIGKILL after a random number of microseconds, then opens the store itself:
 *
 *   - with the old or the new passphrase when a change was under way, only
 *     the new one once store_passwd had returned;
 *   - store_verify finds nothing damaged;
 *   - every record there is whole (its bytes carry its id, version and a
 *     BLAKE2b checksum) and was written by a child;
 *   - every put that returned is there (at that version or later), every
 *     delete that returned is gone.
 *
 * Prints "N passed, N failed" and exits 1 when any round failed. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/store.h"
#include "core/xmalloc.h"

#define MAX_IDS 400000
#define TYPE "rec"


/* The child's choices, from rand(): seeded per round from the run's seed, so
 * a failing round replays with the same seed (crash DIR ROUNDS SEED). */
static unsigned
urand(unsigned n)
{
	return n == 0 ? 0 : (unsigned)rand() % n;
}

static const struct store_kdf small = { crypto_pwhash_OPSLIMIT_MIN, 8192 * 1024 };

/* ---- self-checking records ---- */

/* "id=N ver=V n=L\n", L bytes derived from (id, ver), then 32 bytes of BLAKE2b. */
static unsigned char *
rec_make(unsigned id, unsigned ver, size_t body, size_t *len)
{
	unsigned char seed[randombytes_SEEDBYTES] = { 0 };
	char head[64];
	int hn = snprintf(head, sizeof head, "id=%u ver=%u n=%zu\n", id, ver, body);
	unsigned char *d;

	*len = (size_t)hn + body + 32;
	d = xmalloc(*len);
	memcpy(d, head, (size_t)hn);
	memcpy(seed, &id, sizeof id);
	memcpy(seed + 4, &ver, sizeof ver);
	randombytes_buf_deterministic(d + hn, body, seed);
	crypto_generichash(d + hn + body, 32, d, (size_t)hn + body, NULL, 0);
	return d;
}

/* True when data is a whole record; gives its id and version. */
static bool
rec_check(const unsigned char *data, size_t len, unsigned *id, unsigned *ver)
{
	char head[64];
	size_t body, hn;
	unsigned char sum[32];
	const unsigned char *nl = memchr(data, '\n', len < 63 ? len : 63);

	if (nl == NULL)
		return false;
	hn = (size_t)(nl - data) + 1;
	memcpy(head, data, hn);
	head[hn] = '\0';
	if (sscanf(head, "id=%u ver=%u n=%zu\n", id, ver, &body) != 3 || hn + body + 32 != len)
		return false;
	crypto_generichash(sum, 32, data, hn + body, NULL, 0);
	if (memcmp(sum, data + hn + body, 32) != 0)
		return false;
	{
		size_t l2;
		unsigned char *again = rec_make(*id, *ver, body, &l2);
		bool same = l2 == len && memcmp(again, data, len) == 0;

		free(again);
		return same;
	}
}

static void
pass_of(int k, char *buf, size_t n)
{
	snprintf(buf, n, "passphrase number %d", k);
}

/* ---- the child ---- */

static int report_fd;

static void
say(const char *fmt, ...)
{
	char line[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (write(report_fd, line, (size_t)n) != n)
		_exit(3);
}

static struct store *
child_open(const char *dir, int k)
{
	char pass[64];
	struct error err;
	struct store *st;

	pass_of(k, pass, sizeof pass);
	error_clear(&err);
	st = store_open(dir, pass, strlen(pass), &small, &err);
	if (st == NULL) {
		fprintf(stderr, "child: open: %s\n", err.msg);
		_exit(2);
	}
	return st;
}

static bool
child_put(struct store *st, unsigned id, unsigned ver)
{
	char ids[16], vers[16];
	size_t len;
	unsigned char *d = rec_make(id, ver, (size_t)urand(3000), &len);
	struct store_rec r = { TYPE, ids, vers, NULL, NULL, NULL, d, len };
	struct error err;
	bool ok;

	snprintf(ids, sizeof ids, "%u", id);
	snprintf(vers, sizeof vers, "%u", ver);
	error_clear(&err);
	ok = store_put(st, &r, &err);
	free(d);
	return ok;
}

/* The version stored for id, or 0 when it is absent. */
static unsigned
child_version(struct store *st, unsigned id)
{
	char ids[16];
	void *data;
	size_t len;
	char *ver;
	unsigned v = 0;
	struct error err;

	snprintf(ids, sizeof ids, "%u", id);
	error_clear(&err);
	if (store_get(st, TYPE, ids, &data, &len, &ver, &err)) {
		v = (unsigned)strtoul(ver, NULL, 10);
		store_free(data, len);
		free(ver);
	}
	return v;
}

static void __attribute__((noreturn))
child(const char *dir, int k, unsigned next_id)
{
	struct store *st = child_open(dir, k);
	struct error err;

	for (;;) {
		unsigned r = urand(100);

		if (r < 60) {                          /* a new record */
			say("T %u\n", next_id);
			if (child_put(st, next_id, 1))
				say("A %u 1\n", next_id);
			next_id++;
		} else if (r < 75 && next_id > 0) {    /* a new version of an old one */
			unsigned id = urand(next_id), v = child_version(st, id);

			if (v > 0 && child_put(st, id, v + 1))
				say("A %u %u\n", id, v + 1);
		} else if (r < 82 && next_id > 0) {    /* a deletion */
			unsigned id = urand(next_id);
			char ids[16];

			snprintf(ids, sizeof ids, "%u", id);
			say("X %u\n", id);
			error_clear(&err);
			if (store_delete(st, TYPE, ids, &err))
				say("D %u\n", id);
		} else if (r < 95) {                   /* a batch */
			unsigned n = 2 + urand(8), first = next_id;
			bool ok;

			say("T %u\n", next_id + n - 1);
			error_clear(&err);
			ok = store_begin(st, &err);
			for (unsigned i = 0; i < n && ok; i++)
				ok = child_put(st, next_id + i, 1);
			ok = ok && store_commit(st, &err);
			if (ok)
				for (unsigned i = 0; i < n; i++)
					say("A %u 1\n", first + i);
			else
				store_rollback(st);
			next_id += n;
		} else {                               /* a new passphrase */
			char old[64], neu[64];

			store_close(st);
			pass_of(k, old, sizeof old);
			pass_of(k + 1, neu, sizeof neu);
			say("P %d\n", k + 1);
			error_clear(&err);
			if (store_passwd(dir, old, strlen(old), neu, strlen(neu), &small, &err)) {
				say("p %d\n", k + 1);
				k++;
			}
			st = child_open(dir, k);
		}
	}
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

/* ---- the parent ---- */

struct state {
	unsigned next_id;        /* ids below were handed out */
	unsigned *acked;         /* lowest version that must be there; 0: none */
	unsigned char *deleted;  /* 1: a delete returned, nothing put since */
	int k;                   /* the passphrase that opens it */
};

struct round {
	int started_k, done_k;   /* passphrase change seen started/finished */
	unsigned max_t;
	bool any_t;
};

static void
parse_reports(struct state *s, struct round *rd, FILE *f)
{
	char line[64];

	while (fgets(line, sizeof line, f) != NULL) {
		unsigned a, b;
		int k;

		if (sscanf(line, "T %u", &a) == 1) {
			if (!rd->any_t || a > rd->max_t)
				rd->max_t = a;
			rd->any_t = true;
		} else if (sscanf(line, "A %u %u", &a, &b) == 2) {
			if (b > s->acked[a])
				s->acked[a] = b;
			s->deleted[a] = 0;
		} else if (sscanf(line, "X %u", &a) == 1) {
			s->acked[a] = 0;   /* may be gone now */
		} else if (sscanf(line, "D %u", &a) == 1) {
			s->deleted[a] = 1;
		} else if (sscanf(line, "P %d", &k) == 1) {
			rd->started_k = k;
		} else if (sscanf(line, "p %d", &k) == 1) {
			rd->done_k = k;
		}
	}
}

struct check {
	struct state *s;
	unsigned char *seen;
	char why[256];
	size_t n;
};

static bool
check_one(const char *id, const char *version, const void *data, size_t len, void *arg)
{
	struct check *c = arg;
	unsigned rid, rver, nid = (unsigned)strtoul(id, NULL, 10);

	c->n++;
	if (!rec_check(data, len, &rid, &rver) || rid != nid ||
	    rver != (unsigned)strtoul(version, NULL, 10)) {
		snprintf(c->why, sizeof c->why, "record %s is not whole", id);
		return false;
	}
	if (rid >= c->s->next_id) {
		snprintf(c->why, sizeof c->why, "record %u was never written", rid);
		return false;
	}
	if (rver < c->s->acked[rid]) {
		snprintf(c->why, sizeof c->why, "record %u is at version %u, %u was committed", rid,
			 rver, c->s->acked[rid]);
		return false;
	}
	if (c->s->deleted[rid]) {
		snprintf(c->why, sizeof c->why, "record %u was deleted but is there", rid);
		return false;
	}
	c->seen[rid] = 1;
	return true;
}

static struct store *
parent_open(const char *dir, int k, enum err_kind *kind)
{
	char pass[64];
	struct error err;
	struct store *st;

	pass_of(k, pass, sizeof pass);
	error_clear(&err);
	st = store_open(dir, pass, strlen(pass), &small, &err);
	*kind = err.kind;
	return st;
}

/* Opens, verifies and checks the store after a kill; "" or what is wrong. */
static bool
check_round(const char *dir, struct state *s, const struct round *rd, char *why, size_t n)
{
	struct check c = { s, xcalloc(MAX_IDS, 1), "", 0 };
	struct store *st;
	enum err_kind kind;
	struct error err;
	size_t total, damaged;
	bool ok = false;

	/* A child may change it more than once: the last change that returned
	 * must work (and the first passphrase must not), or the one begun after. */
	if (rd->done_k > s->k) {
		st = parent_open(dir, s->k, &kind);
		if (st != NULL || kind != ERR_AUTH) {
			snprintf(why, n, "after the change returned, the old passphrase gave %s",
				 st != NULL ? "an open store" : "another error than ERR_AUTH");
			store_close(st);
			goto out;
		}
		s->k = rd->done_k;
	}
	st = parent_open(dir, s->k, &kind);
	if (st == NULL && kind == ERR_AUTH && rd->started_k > s->k) {
		s->k = rd->started_k;
		st = parent_open(dir, s->k, &kind);
	}
	if (st == NULL) {
		snprintf(why, n, "neither passphrase opens it (error kind %d)", (int)kind);
		goto out;
	}
	error_clear(&err);
	if (!verify_counts(st, &total, &damaged, &err) || damaged != 0) {
		snprintf(why, n, "verify: %zu damaged of %zu %.200s", damaged, total, err.msg);
		goto close;
	}
	error_clear(&err);
	if (!store_find(st, STORE_BY_KIND, TYPE, NULL, check_one, &c, &damaged, &err) ||
	    c.why[0] != '\0' || c.n != total) {
		snprintf(why, n, "%.200s%.200s", c.why, err.msg);
		goto close;
	}
	for (unsigned id = 0; id < s->next_id; id++) {
		if (s->acked[id] > 0 && !c.seen[id]) {
			snprintf(why, n, "record %u (version %u) was committed but is missing", id,
				 s->acked[id]);
			goto close;
		}
	}
	ok = true;
close:
	store_close(st);
out:
	free(c.seen);
	return ok;
}

int
main(int argc, char **argv)
{
	const char *dir;
	int rounds, passed = 0, failed = 0;
	unsigned seed, child_seed;
	struct state s = { 0, NULL, NULL, 0 };
	struct error err;
	char pass[64];
	time_t t0 = time(NULL);

	if (argc < 2) {
		fprintf(stderr, "usage: crash DIR [ROUNDS [SEED]]\n");
		return 2;
	}
	dir = argv[1];
	rounds = argc > 2 ? atoi(argv[2]) : 200;
	seed = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : (unsigned)time(NULL);
	if (sodium_init() < 0)
		return 2;
	srand(seed);
	printf("crash: %d rounds in %s, seed %u (tests/store/crash.sh - %d %u replays them)\n", rounds, dir,
	       seed, rounds, seed);
	s.acked = xcalloc(MAX_IDS, sizeof *s.acked);
	s.deleted = xcalloc(MAX_IDS, 1);
	pass_of(0, pass, sizeof pass);
	error_clear(&err);
	store_wipe(dir, &err);
	error_clear(&err);
	if (!store_create(dir, pass, strlen(pass), &small, &err)) {
		fprintf(stderr, "crash: %s\n", err.msg);
		return 2;
	}
	for (int i = 1; i <= rounds && s.next_id < MAX_IDS - 1000; i++) {
		struct round rd = { 0, 0, 0, false };
		int fds[2], status;
		char why[512] = "";
		pid_t pid;
		FILE *f;

		if (pipe(fds) != 0)
			return 2;
		fflush(stdout);
		child_seed = (unsigned)rand();
		pid = fork();
		if (pid < 0)
			return 2;
		if (pid == 0) {
			close(fds[0]);
			srand(child_seed);
			report_fd = fds[1];
			child(dir, s.k, s.next_id);
		}
		close(fds[1]);
		/* Mostly while writing; sometimes during the child's own open. */
		usleep((useconds_t)(rand() % 60000));
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		f = fdopen(fds[0], "r");
		parse_reports(&s, &rd, f);
		fclose(f);
		if (WIFEXITED(status)) {
			snprintf(why, sizeof why, "the child stopped by itself (status %d)",
				 WEXITSTATUS(status));
		}
		if (rd.any_t && rd.max_t + 1 > s.next_id)
			s.next_id = rd.max_t + 1;
		if (why[0] == '\0' && check_round(dir, &s, &rd, why, sizeof why)) {
			passed++;
		} else {
			failed++;
			printf("round %d: FAILED: %s\n", i, why);
		}
	}
	printf("crash: %u records written, %ld s\n", s.next_id, (long)(time(NULL) - t0));
	printf("%d passed, %d failed\n", passed, failed);
	free(s.acked);
	free(s.deleted);
	return failed == 0 ? 0 : 1;
}
