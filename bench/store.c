/* store.c - how fast the encrypted store gives the first screen its data.
 *
 *   store-bench gen DIR [N]   a store of N records (100,000): appointments
 *                             over a year either side of today, notes and
 *                             messages; its data key goes to DIR.key (a
 *                             benchmark shortcut: never do this for real)
 *   store-bench open DIR      open with the data key, fetch today's
 *                             appointments, one client's notes and one chat
 *                             thread; times and peak memory
 *   store-bench kdf DIR       open with the passphrase (Argon2id at the
 *                             default cost); time and peak memory
 *
 * Each phase is its own process, so ru_maxrss is that phase's peak. The
 * design target: open + today's appointments (the first paint's data) in
 * well under 50 ms, without reading or decrypting everything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <sodium.h>

#include "core/store.h"
#include "core/xmalloc.h"

#define PASS "bench passphrase"
#define PATIENTS 500

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long
maxrss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void
day_str(int offset, char *out, size_t n)
{
	time_t t = time(NULL) + (time_t)offset * 86400;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d", &tm);
}

static void
die(const char *what, const struct error *err)
{
	fprintf(stderr, "store-bench: %s: %s\n", what, err->msg);
	exit(1);
}

static char *
key_path(const char *dir)
{
	return xasprintf("%s.key", dir);
}

static void
put(struct store *st, const struct store_rec *r)
{
	struct error err;

	error_clear(&err);
	if (!store_put(st, r, &err))
		die("put", &err);
}

static int
gen(const char *dir, int n)
{
	struct store_kdf kdf;
	struct error err;
	struct store *st;
	unsigned char key[STORE_KEY_BYTES];
	char body[2048], id[32], day[16], person[32], thread[32];
	double t0 = now_ms();
	int appts = n / 10, notes = n * 4 / 10;
	FILE *f;
	char *kp = key_path(dir);

	store_kdf_default(&kdf);
	error_clear(&err);
	store_wipe(dir, &err);
	if (!store_create(dir, PASS, strlen(PASS), &kdf, &err))
		die("create", &err);
	if ((st = store_open(dir, PASS, strlen(PASS), &kdf, &err)) == NULL)
		die("open", &err);
	for (int i = 0; i < n; i++) {
		struct store_rec r = { NULL, id, "1", NULL, person, NULL, body, 0 };
		int p = i % PATIENTS;

		if (i % 1000 == 0 && !store_begin(st, &err))
			die("begin", &err);
		snprintf(person, sizeof person, "Patient/%d", p);
		snprintf(id, sizeof id, "%d", i);
		if (i < appts) {
			/* About 14 a day, 365 days either side of today. */
			day_str(i % 731 - 365, day, sizeof day);
			r.type = "Appointment";
			r.day = day;
			r.len = (size_t)snprintf(body, sizeof body,
				"{\"resourceType\":\"Appointment\",\"id\":\"%d\",\"status\":\"booked\","
				"\"start\":\"%sT09:00:00Z\",\"end\":\"%sT09:50:00Z\",\"participant\":"
				"[{\"actor\":{\"reference\":\"%s\"}},{\"actor\":{\"reference\":"
				"\"Practitioner/7\"}}]}", i, day, day, person);
		} else if (i < appts + notes) {
			r.type = "DocumentReference";
			randombytes_buf(body, 1200);
			r.len = 1200;
		} else {
			r.type = "Communication";
			snprintf(thread, sizeof thread, "thread-%d", p);
			r.thread = thread;
			randombytes_buf(body, 200);
			r.len = 200;
		}
		put(st, &r);
		if (i % 1000 == 999 && !store_commit(st, &err))
			die("commit", &err);
	}
	if (!store_commit(st, &err))
		die("commit", &err);
	store_data_key(st, key);
	store_close(st);
	f = fopen(kp, "wb");
	if (f == NULL || fwrite(key, 1, sizeof key, f) != sizeof key || fclose(f) != 0) {
		fprintf(stderr, "store-bench: cannot write %s\n", kp);
		return 1;
	}
	sodium_memzero(key, sizeof key);
	printf("gen: %d records (%d appointments, %d notes, %d messages) in %.1f s\n", n, appts,
	       notes, n - appts - notes, (now_ms() - t0) / 1e3);
	free(kp);
	return 0;
}

static bool
count(const char *id, const char *version, const void *data, size_t len, void *arg)
{
	(void)id, (void)version, (void)data, (void)len;
	(*(int *)arg)++;
	return true;
}

static double
timed_find(struct store *st, enum store_index idx, const char *type, const char *key, int *n)
{
	struct error err;
	double t = now_ms();

	*n = 0;
	error_clear(&err);
	if (!store_find(st, idx, type, key, count, n, NULL, &err))
		die("find", &err);
	return now_ms() - t;
}

static int
open_phase(const char *dir)
{
	unsigned char key[STORE_KEY_BYTES];
	char *kp = key_path(dir), today[16];
	struct error err;
	struct store *st;
	double t0, t_open, t_day, t_notes, t_thread;
	int n_day, n_notes, n_thread;
	FILE *f = fopen(kp, "rb");

	if (f == NULL || fread(key, 1, sizeof key, f) != sizeof key) {
		fprintf(stderr, "store-bench: cannot read %s: run gen first\n", kp);
		return 1;
	}
	fclose(f);
	day_str(0, today, sizeof today);
	t0 = now_ms();
	error_clear(&err);
	if ((st = store_open_key(dir, key, &err)) == NULL)
		die("open", &err);
	t_open = now_ms() - t0;
	t_day = timed_find(st, STORE_BY_DAY, "Appointment", today, &n_day);
	t_notes = timed_find(st, STORE_BY_PERSON, "DocumentReference", "Patient/42", &n_notes);
	t_thread = timed_find(st, STORE_BY_THREAD, "Communication", "thread-42", &n_thread);
	store_close(st);
	printf("open: %.2f ms   today's appointments: %d in %.2f ms   first paint data: %.2f ms\n",
	       t_open, n_day, t_day, t_open + t_day);
	printf("      one client's notes: %d in %.2f ms   one thread: %d messages in %.2f ms\n",
	       n_notes, t_notes, n_thread, t_thread);
	printf("      peak memory (ru_maxrss): %ld KiB\n", maxrss_kib());
	sodium_memzero(key, sizeof key);
	free(kp);
	return 0;
}

static int
kdf_phase(const char *dir)
{
	struct error err;
	struct store *st;
	double t0 = now_ms();

	error_clear(&err);
	if ((st = store_open(dir, PASS, strlen(PASS), NULL, &err)) == NULL)
		die("open", &err);
	printf("kdf:  open with the passphrase (Argon2id, default cost): %.0f ms, peak memory %ld KiB\n",
	       now_ms() - t0, maxrss_kib());
	store_close(st);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 3 || sodium_init() < 0) {
		fprintf(stderr, "usage: store-bench gen|open|kdf DIR [N]\n");
		return 2;
	}
	if (strcmp(argv[1], "gen") == 0)
		return gen(argv[2], argc > 3 ? atoi(argv[3]) : 100000);
	if (strcmp(argv[1], "open") == 0)
		return open_phase(argv[2]);
	if (strcmp(argv[1], "kdf") == 0)
		return kdf_phase(argv[2]);
	fprintf(stderr, "usage: store-bench gen|open|kdf DIR [N]\n");
	return 2;
}
