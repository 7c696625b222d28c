/* lexicon.c - how fast the risk-word matcher (core/lexicon.h) goes over a
 * long thread: N messages (5,000, the most one chat query brings) of a
 * mixed Malay, Turkish and Arabic text against 200 made-up entries, a third
 * of each fit (whole, WORD*, *WORD). The words are placeholders ("17wordx"),
 * no clinical term. `ninja -C build bench/lexicon-bench`, then
 * build/bench/lexicon-bench [N]. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/lexicon.h"

static const char msg[] =
	"Assalamualaikum, saya rasa minggu ini lebih baik. Tidur masih susah tapi saya "
	"cuba latihan pernafasan setiap malam. Görüşmemizi perşembe günü yapabilir miyiz? "
	"شكراً جزيلاً على المساعدة";

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 5000, hits = 0;
	struct lexicon *lx = lexicon_create();
	struct timespec a, b;
	struct error err;
	char w[64];

	error_clear(&err);
	for (int i = 0; i < 200; i++) {
		snprintf(w, sizeof w, "%s%dwordx%s", i % 3 == 1 ? "*" : "", i, i % 3 == 2 ? "*" : "");
		if (!lexicon_add(lx, "en", w, "bench", &err)) {
			fprintf(stderr, "%s\n", err.msg);
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++)
		hits += lexicon_match(lx, msg, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%d messages of %zu bytes, %zu entries: %.1f ms (%d marked)\n", n, strlen(msg),
	       lexicon_size(lx), (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6,
	       hits);
	lexicon_destroy(lx);
	return 0;
}
