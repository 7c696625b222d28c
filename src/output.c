/* output.c - see include/core/output.h. */
#include "core/output.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/i18n.h"
#include "core/json.h"
#include "core/sanitize.h"
#include "core/xmalloc.h"

bool
out_format_parse(const char *s, enum out_format *f, struct error *err)
{
	if (strcmp(s, "table") == 0)
		*f = FMT_TABLE;
	else if (strcmp(s, "tsv") == 0)
		*f = FMT_TSV;
	else if (strcmp(s, "json") == 0)
		*f = FMT_JSON;
	else
		return error_set(err, ERR_USAGE, _("'%s' is not an output format; use table, tsv or json."), s);
	return true;
}

static void
tsv_value(FILE *fp, const char *v)
{
	char *clean;

	if (v == NULL)
		return;
	clean = sanitize_display(v, (size_t)-1, SAN_KEEP_NEWLINES | SAN_KEEP_TABS);
	for (const char *p = clean; *p != '\0'; p++) {
		if (*p == '\t')
			fputs("\\t", fp);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\\')
			fputs("\\\\", fp);
		else
			fputc(*p, fp);
	}
	free(clean);
}

static void
json_line(FILE *fp, const struct out_col *cols, size_t ncols, const char *const *values,
	  const char *text)
{
	cJSON *obj = cJSON_CreateObject();
	char *s;

	for (size_t i = 0; i < ncols; i++) {
		if (values[i] != NULL)
			json_put_str(obj, cols[i].key, values[i]);
		else
			json_put(obj, cols[i].key, cJSON_CreateNull());
	}
	if (text != NULL)
		json_put_str(obj, "text", text);
	/* Inert on a terminal too: C1 and bidi controls go out as \u escapes. */
	s = json_print_inert(obj);
	fputs(s, fp);
	fputc('\n', fp);
	free(s);
	cJSON_Delete(obj);
}

static void
tsv_line(FILE *fp, size_t ncols, const char *const *values)
{
	for (size_t i = 0; i < ncols; i++) {
		if (i > 0)
			fputc('\t', fp);
		tsv_value(fp, values[i]);
	}
	fputc('\n', fp);
}

void
out_begin(struct out *o, enum out_format fmt, FILE *fp, const struct out_col *cols, size_t ncols)
{
	memset(o, 0, sizeof *o);
	o->fmt = fmt;
	o->fp = fp;
	o->cols = cols;
	o->ncols = ncols;
	if (fmt == FMT_TSV) {
		const char *keys[32];

		for (size_t i = 0; i < ncols && i < 32; i++)
			keys[i] = cols[i].key;
		tsv_line(fp, ncols, keys);
	}
}

void
out_row(struct out *o, const char *const *values)
{
	o->rows++;
	if (o->fmt == FMT_JSON) {
		json_line(o->fp, o->cols, o->ncols, values, NULL);
		return;
	}
	if (o->fmt == FMT_TSV) {
		tsv_line(o->fp, o->ncols, values);
		return;
	}
	if (o->nrows == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 16;
		o->cells = xreallocarray(o->cells, o->cap * o->ncols, sizeof *o->cells);
	}
	for (size_t i = 0; i < o->ncols; i++) {
		o->cells[o->nrows * o->ncols + i] =
			sanitize_display(values[i] != NULL ? values[i] : "", (size_t)-1, 0);
	}
	o->nrows++;
}

static void
pad(FILE *fp, int n)
{
	while (n-- > 0)
		fputc(' ', fp);
}

/* One table line: the labels when cells is NULL. No padding after the last. */
static void
print_table_row(const struct out *o, const int *width, char *const *cells)
{
	size_t last = 0;
	bool first = true;

	for (size_t c = 0; c < o->ncols; c++) {
		if (!o->cols[c].machine_only)
			last = c;
	}
	for (size_t c = 0; c < o->ncols; c++) {
		const char *v = cells != NULL ? cells[c] : _(o->cols[c].label);

		if (o->cols[c].machine_only)
			continue;
		if (!first)
			fputs("  ", o->fp);
		first = false;
		fputs(v, o->fp);
		if (c != last)
			pad(o->fp, width[c] - display_width(v));
	}
	fputc('\n', o->fp);
}

size_t
out_end(struct out *o, const char *empty)
{
	size_t rows = o->rows;
	int *width;

	o->rows = 0;
	if (o->fmt != FMT_TABLE)
		return rows;
	if (o->nrows == 0) {
		if (empty != NULL)
			fprintf(o->fp, "%s\n", empty);
		return rows;
	}
	width = xcalloc(o->ncols, sizeof *width);
	for (size_t c = 0; c < o->ncols; c++) {
		if (o->cols[c].machine_only)
			continue;
		width[c] = display_width(_(o->cols[c].label));
		for (size_t r = 0; r < o->nrows; r++) {
			int w = display_width(o->cells[r * o->ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	}
	print_table_row(o, width, NULL);
	for (size_t r = 0; r < o->nrows; r++)
		print_table_row(o, width, &o->cells[r * o->ncols]);
	for (size_t i = 0; i < o->nrows * o->ncols; i++)
		free(o->cells[i]);
	free(o->cells);
	free(width);
	o->cells = NULL;
	o->nrows = o->cap = 0;
	return rows;
}

void
out_record(enum out_format fmt, FILE *fp, const struct out_col *cols, size_t ncols,
	   const char *const *values, const char *text)
{
	int lw = 0;

	if (fmt == FMT_JSON) {
		json_line(fp, cols, ncols, values, text);
		return;
	}
	if (fmt == FMT_TSV) {
		struct out o;
		const char *vals[33];
		struct out_col all[33];

		for (size_t i = 0; i < ncols && i < 32; i++) {
			all[i] = cols[i];
			vals[i] = values[i];
		}
		if (text != NULL) {
			all[ncols].key = "text";
			all[ncols].label = N_("Text");
			vals[ncols] = text;
		}
		out_begin(&o, FMT_TSV, fp, all, ncols + (text != NULL));
		out_row(&o, vals);
		out_end(&o, NULL);
		return;
	}
	for (size_t i = 0; i < ncols; i++) {
		int w = display_width(_(cols[i].label));

		if (cols[i].machine_only)
			continue;
		if (w > lw)
			lw = w;
	}
	for (size_t i = 0; i < ncols; i++) {
		char *v;

		if (values[i] == NULL || cols[i].machine_only)
			continue;
		v = sanitize_display(values[i], (size_t)-1, 0);
		fprintf(fp, "%s:", _(cols[i].label));
		pad(fp, lw - display_width(_(cols[i].label)) + 1);
		fprintf(fp, "%s\n", v);
		free(v);
	}
	if (text != NULL) {
		char *v = sanitize_display(text, (size_t)-1, SAN_KEEP_NEWLINES | SAN_KEEP_TABS);
		size_t n = strlen(v);

		fprintf(fp, "\n%s%s", v, n > 0 && v[n - 1] == '\n' ? "" : "\n");
		free(v);
	}
}
