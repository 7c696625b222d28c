/* query.c - a day's appointments from the local cache, as `ezrizi --offline
 * appointments` reads them, against the same day asked of calcurse (bench/query).
 *
 *   query-bench gen DIR N    a store of N appointments, a year of days from
 *                            today on (N/365 a day), of 500 clients and 5
 *                            counsellors (their Patient and Practitioner too);
 *                            its data key in DIR.key (a benchmark shortcut:
 *                            never do this for real)
 *   query-bench day DIR R    R times: open the store with the key, the day's
 *                            appointments with their people (cache_appointments),
 *                            close; prints the median and the fastest, in ms
 *
 * The store's part only, in this process: start-up, the config and the
 * session are not in it (bench/query times calcurse as a whole process, which
 * is what calcurse's query is). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/cache.h"
#include "core/date.h"
#include "core/json.h"
#include "core/store.h"
#include "core/xmalloc.h"

#define PASS "bench passphrase"
#define CLIENTS 500
#define COUNSELLORS 5

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
die(const char *what, const struct error *err)
{
	fprintf(stderr, "query-bench: %s: %s\n", what, err != NULL ? err->msg : "failed");
	exit(1);
}

static char *
key_path(const char *dir)
{
	return xasprintf("%s.key", dir);
}

static void
put_batch(struct store *st, cJSON *batch)
{
	struct error err;

	error_clear(&err);
	if (!store_begin(st, &err))
		die("begin", &err);
	cache_put_resources(st, batch);
	if (!store_commit(st, &err))
		die("commit", &err);
	cJSON_Delete(batch);
}

static cJSON *
person(const char *type, int i, const char *name)
{
	char id[32], text[64];
	cJSON *p = cJSON_CreateObject(), *names = cJSON_CreateArray(), *n = cJSON_CreateObject();

	snprintf(id, sizeof id, "%s-%d", type[0] == 'P' && type[1] == 'a' ? "pat" : "prac", i);
	snprintf(text, sizeof text, "%s %d", name, i);
	json_put_str(p, "resourceType", type);
	json_put_str(p, "id", id);
	json_put_str(n, "text", text);
	cJSON_AddItemToArray(names, n);
	json_put(p, "name", names);
	return p;
}

static int
gen(const char *dir, int n)
{
	struct store_kdf kdf;
	struct error err;
	struct store *st;
	unsigned char key[STORE_KEY_BYTES];
	struct civil_date today = date_today();
	double t0 = now_ms();
	char *kp = key_path(dir);
	cJSON *batch = cJSON_CreateArray();
	FILE *f;

	store_kdf_default(&kdf);
	kdf.opslimit = 1;   /* the passphrase is not what is measured */
	kdf.memlimit = 8u << 20;
	error_clear(&err);
	store_wipe(dir, &err);
	error_clear(&err);
	if (!store_create(dir, PASS, strlen(PASS), &kdf, &err))
		die("create", &err);
	if ((st = store_open(dir, PASS, strlen(PASS), &kdf, &err)) == NULL)
		die("open", &err);
	for (int i = 0; i < CLIENTS; i++)
		cJSON_AddItemToArray(batch, person("Patient", i, "Client"));
	for (int i = 0; i < COUNSELLORS; i++)
		cJSON_AddItemToArray(batch, person("Practitioner", i, "Counsellor"));
	put_batch(st, batch);
	batch = cJSON_CreateArray();
	for (int i = 0; i < n; i++) {
		struct civil_date d = date_add_days(today, i % 365);
		int per_day = n / 365 + 1, k = i / 365, minute = 8 * 60 + (k * 600) / per_day;
		char day[11], *json;
		cJSON *a;

		date_format(d, day);
		json = xasprintf("{\"resourceType\":\"Appointment\",\"id\":\"ap-%d\",\"meta\":{\"versionId\":\"1\"},"
				 "\"status\":\"booked\",\"start\":\"%sT%02d:%02d:00Z\",\"end\":\"%sT%02d:%02d:00Z\","
				 "\"participant\":[{\"actor\":{\"reference\":\"Patient/pat-%d\"},\"status\":\"accepted\"},"
				 "{\"actor\":{\"reference\":\"Practitioner/prac-%d\"},\"status\":\"accepted\"}]}",
				 i, day, minute / 60, minute % 60, day, (minute + 5) / 60, (minute + 5) % 60,
				 (i * 7) % CLIENTS, k % COUNSELLORS == 0 ? 0 : i % COUNSELLORS);
		a = cJSON_Parse(json);
		free(json);
		cJSON_AddItemToArray(batch, a);
		if (cJSON_GetArraySize(batch) == 1000) {
			put_batch(st, batch);
			batch = cJSON_CreateArray();
		}
	}
	put_batch(st, batch);
	store_data_key(st, key);
	store_close(st);
	f = fopen(kp, "wb");
	if (f == NULL || fwrite(key, 1, sizeof key, f) != sizeof key || fclose(f) != 0)
		die("writing the key", NULL);
	sodium_memzero(key, sizeof key);
	fprintf(stderr, "query-bench: %d appointments in %.1f s\n", n, (now_ms() - t0) / 1e3);
	free(kp);
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
day(const char *dir, int runs)
{
	unsigned char key[STORE_KEY_BYTES];
	char *kp = key_path(dir);
	double *t = xcalloc((size_t)runs, sizeof *t);
	int found = 0;
	FILE *f = fopen(kp, "rb");

	if (f == NULL || fread(key, 1, sizeof key, f) != sizeof key)
		die("reading the key (run gen first)", NULL);
	fclose(f);
	for (int r = 0; r < runs; r++) {
		struct error err;
		struct store *st;
		double t0 = now_ms();
		cJSON *all;

		error_clear(&err);
		if ((st = store_open_key(dir, key, &err)) == NULL)
			die("open", &err);
		all = cache_appointments(st, date_today(), date_today(), NULL);
		found = cJSON_GetArraySize(all);
		cJSON_Delete(all);
		store_close(st);
		t[r] = now_ms() - t0;
	}
	qsort(t, (size_t)runs, sizeof *t, cmp_double);
	/* resources: the day's appointments and the people they name, once each */
	printf("%.2f %.2f %d\n", t[runs / 2], t[0], found);
	sodium_memzero(key, sizeof key);
	free(t);
	free(kp);
	return 0;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atoi(argv[3]));
	if (argc == 4 && strcmp(argv[1], "day") == 0)
		return day(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: query-bench gen DIR N | day DIR RUNS\n");
	return 2;
}
