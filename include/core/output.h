/* output.h - what batch mode prints: tables for people, TSV for cut and awk, JSON
 * lines for programs.
 *
 * table: a header row of translated labels, columns aligned by display width
 *        (wide characters measured), text sanitised;
 * tsv:   a header row of field keys, then one row per record, tab-separated, with
 *        tabs and newlines inside values escaped as \t and \n (and \ as \\);
 * json:  one object per line, stable snake_case keys, values as strings or null;
 *        the code points the display sanitiser hides (C1, bidi controls, ...)
 *        written as \u escapes and invalid UTF-8 as \ufffd (json_print_inert),
 *        so a line is inert on a terminal and decodes to the server's text.
 * A record (one resource shown alone) prints as "Label: value" lines in table
 * format; the same as a one-row listing otherwise. */
#ifndef EZRIZI_OUTPUT_H
#define EZRIZI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/error.h"

enum out_format { FMT_TABLE, FMT_TSV, FMT_JSON };

bool out_format_parse(const char *s, enum out_format *f, struct error *err);

struct out_col {
	const char *key;    /* JSON and TSV field name */
	const char *label;  /* N_() marked; translated when printed */
	bool machine_only;  /* left out of tables (ids people do not read) */
};

struct out {
	enum out_format fmt;
	FILE *fp;
	const struct out_col *cols;
	size_t ncols;
	char **cells;       /* table format: buffered, sanitised */
	size_t nrows, cap;
	size_t rows;        /* rows given, in any format */
};

void out_begin(struct out *o, enum out_format fmt, FILE *fp, const struct out_col *cols,
	       size_t ncols);
/* values[ncols]; NULL for none. */
void out_row(struct out *o, const char *const *values);
/* Prints what is buffered. `empty` (translated, may be NULL) is printed in table
 * format when there were no rows, e.g. "No appointments."; the machine formats
 * print nothing for no rows. Returns how many rows there were. */
size_t out_end(struct out *o, const char *empty);

/* One record; `text` (may be NULL) is a long multi-line value printed after the
 * fields in table format, and as the field "text" otherwise. */
void out_record(enum out_format fmt, FILE *fp, const struct out_col *cols, size_t ncols,
		const char *const *values, const char *text);

#endif
