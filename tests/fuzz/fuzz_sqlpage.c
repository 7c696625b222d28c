/* fuzz_sqlpage.c - any bytes as an SQLite file and its WAL: no crash, no read
 * outside them, and every cell passed on is one the format allows. The first
 * two bytes (little-endian) say how long the file is; the WAL is the rest. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/sqlpage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bounds {
	size_t cells;
};

static bool
check_cell(const struct sqlpage_cell *c, void *arg)
{
	struct bounds *b = arg;

	if (c->ncol < 0 || c->ncol > SQLPAGE_MAX_COLS)
		abort();
	for (int i = 0; i < c->ncol; i++) {
		const struct sqlpage_value *v = &c->col[i];

		if (v->type == SQLPAGE_BLOB || v->type == SQLPAGE_TEXT) {
			/* Into the input, or into a copy of an overflow chain: touch it all. */
			volatile uint8_t sum = 0;

			for (size_t k = 0; k < v->n; k++)
				sum += v->p[k];
			(void)sum;
		}
	}
	b->cells++;
	return b->cells < 100000;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bounds b = { 0 };
	struct sqlpage_stats st;
	size_t split;
	uint8_t *copy;

	if (size < 2)
		return 0;
	/* A copy of exactly the input, so a read past it is caught. */
	copy = malloc(size);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	split = 2 + ((size_t)copy[0] | (size_t)copy[1] << 8);
	if (split > size)
		split = size;
	sqlpage_scan(copy + 2, split - 2, split < size ? copy + split : NULL, size - split, check_cell, &b,
		     &st);
	if (st.cells != b.cells)
		abort();
	free(copy);
	return 0;
}
