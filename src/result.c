/* result.c - see include/core/result.h. */
#include "core/result.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

void
result_init(struct cmd_result *r)
{
	memset(r, 0, sizeof *r);
}

void
result_finish(struct cmd_result *r)
{
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i]);
	free(r->cells);
	free(r->cols);
	free(r->message);
	free(r->empty);
	free(r->after);
	free(r->text);
	result_init(r);
}

void
result_say(struct cmd_result *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	/* A catalogue's sentence may end in a newline: the result's lines do not. */
	if (s[0] != '\0' && s[strlen(s) - 1] == '\n')
		s[strlen(s) - 1] = '\0';
	if (r->message != NULL) {
		char *both = xasprintf("%s\n%s", r->message, s);

		free(s);
		s = both;
	}
	free(r->message);
	r->message = s;
	if (r->kind == RESULT_NONE)
		r->kind = RESULT_MESSAGE;
}

static void
set_cols(struct cmd_result *r, const struct out_col *cols, size_t ncols)
{
	for (size_t i = 0; i < r->nrows * r->ncols; i++)
		free(r->cells[i]);
	free(r->cells);
	free(r->cols);
	r->cells = NULL;
	r->nrows = r->cap = 0;
	r->cols = xreallocarray(NULL, ncols > 0 ? ncols : 1, sizeof *r->cols);
	memcpy(r->cols, cols, ncols * sizeof *cols);
	r->ncols = ncols;
	r->kind = RESULT_RECORDS;
}

void
result_records(struct cmd_result *r, const struct out_col *cols, size_t ncols, const char *empty)
{
	set_cols(r, cols, ncols);
	r->alone = false;
	free(r->empty);
	r->empty = empty != NULL ? xstrdup(empty) : NULL;
}

void
result_row(struct cmd_result *r, const char *const *values)
{
	if (r->nrows == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->cells = xreallocarray(r->cells, r->cap * r->ncols, sizeof *r->cells);
	}
	for (size_t i = 0; i < r->ncols; i++)
		r->cells[r->nrows * r->ncols + i] = values[i] != NULL ? xstrdup(values[i]) : NULL;
	r->nrows++;
}

void
result_record(struct cmd_result *r, const struct out_col *cols, size_t ncols,
	      const char *const *values, const char *text)
{
	set_cols(r, cols, ncols);
	r->alone = true;
	result_row(r, values);
	free(r->text);
	r->text = text != NULL ? xstrdup(text) : NULL;
}

void
result_after(struct cmd_result *r, const char *sentence)
{
	free(r->after);
	r->after = xstrdup(sentence);
}

void
result_take_text(struct cmd_result *r, char *s)
{
	free(r->text);
	r->text = s;
	r->kind = RESULT_TEXT;
}

void
result_text(struct cmd_result *r, const char *s)
{
	result_take_text(r, xstrdup(s));
}

static void
print_records(const struct cmd_result *r, enum out_format fmt, FILE *fp)
{
	struct out o;

	if (r->alone) {
		out_record(fmt, fp, r->cols, r->ncols, (const char *const *)r->cells, r->text);
		return;
	}
	out_begin(&o, fmt, fp, r->cols, r->ncols);
	for (size_t i = 0; i < r->nrows; i++)
		out_row(&o, (const char *const *)&r->cells[i * r->ncols]);
	out_end(&o, r->empty);
}

void
result_print(const struct cmd_result *r, enum out_format fmt, FILE *fp)
{
	if (r->message != NULL)
		fprintf(fp, "%s\n", r->message);
	if (r->kind == RESULT_RECORDS)
		print_records(r, fmt, fp);
	else if (r->kind == RESULT_TEXT && r->text != NULL)
		fputs(r->text, fp);
	if (r->after != NULL && fmt == FMT_TABLE)
		fprintf(fp, "%s\n", r->after);
}

char *
result_format(const struct cmd_result *r, enum out_format fmt)
{
	char *s = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&s, &len);

	if (mem == NULL)
		abort();
	result_print(r, fmt, mem);
	if (fclose(mem) != 0)
		abort();
	return s;
}

const char *
result_sentence(const struct cmd_result *r)
{
	if (r->message != NULL)
		return r->message;
	if (r->kind == RESULT_RECORDS && !r->alone && r->nrows == 0 && r->after == NULL)
		return r->empty;
	return NULL;
}
