/* result.h - what a command gives back: a value, not text on a FILE.
 *
 * A handler fills the struct cmd_result its context points at (ctx->result);
 * the front end decides how to show it: batch prints it in the chosen format
 * (result_print), the screen shows a sentence on the status line and records
 * or a text in its overlay (result_sentence, result_format). Errors are not
 * results: they stay struct error.
 *
 * The kinds:
 *   RESULT_NONE     nothing to show;
 *   RESULT_MESSAGE  a sentence, or a few, one a line ("Booked.", "Logged out.");
 *   RESULT_RECORDS  columns and rows of values: a listing (with the sentence
 *                   table format says when it is empty, "No appointments."),
 *                   or one record shown alone with its long text (out_record);
 *   RESULT_TEXT     a text shown as it is (help, a completion script, a report).
 * A write that confirms and shows what it wrote ("Booked." and the appointment)
 * is records with a message: the message is printed first, and is what the
 * screen says. The handler chooses what each format gets (a table's sentence,
 * a machine format's record): the result holds only what is to be printed.
 *
 * Ownership: the result owns every string and the copy of the columns it
 * holds; values given to it are copied. result_finish frees it all and leaves
 * it RESULT_NONE, ready for use again. */
#ifndef EZRIZI_RESULT_H
#define EZRIZI_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/output.h"

enum cmd_result_kind { RESULT_NONE, RESULT_MESSAGE, RESULT_RECORDS, RESULT_TEXT };

struct cmd_result {
	enum cmd_result_kind kind;
	char *message;           /* translated sentences, one a line, no final newline; or NULL */
	/* RESULT_RECORDS */
	struct out_col *cols;    /* a copy (the strings are the caller's literals) */
	size_t ncols;
	char **cells;            /* nrows * ncols values, NULL for none */
	size_t nrows, cap;
	bool alone;              /* one record shown alone (out_record), not a listing */
	char *empty;             /* table format, no rows: this sentence; or NULL */
	char *after;             /* table format: a sentence after the records; or NULL */
	/* RESULT_TEXT: the text; an alone record: its long text (or NULL). */
	char *text;
};

void result_init(struct cmd_result *r);
void result_finish(struct cmd_result *r);

/* Adds a sentence (a line; one final newline is dropped) to the message; a
 * result that was nothing becomes RESULT_MESSAGE. */
void result_say(struct cmd_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Starts a listing of these columns; `empty` (translated, may be NULL) is what
 * table format says when no row comes. */
void result_records(struct cmd_result *r, const struct out_col *cols, size_t ncols, const char *empty);
/* values[ncols], NULL for none. */
void result_row(struct cmd_result *r, const char *const *values);
/* One record shown alone; `text` (may be NULL) its long multi-line value. */
void result_record(struct cmd_result *r, const struct out_col *cols, size_t ncols,
		   const char *const *values, const char *text);
/* The sentence table format says after the records. */
void result_after(struct cmd_result *r, const char *sentence);
/* A text shown as it is; result_take_text takes s (free()). */
void result_text(struct cmd_result *r, const char *s);
void result_take_text(struct cmd_result *r, char *s);

/* Prints the result as batch does: the message, then the records in fmt (a
 * TSV header even for no rows, the `empty` sentence in table format) or the
 * text, then the `after` sentence. */
void result_print(const struct cmd_result *r, enum out_format fmt, FILE *fp);
/* The result as result_print makes it, as a string (free()). */
char *result_format(const struct cmd_result *r, enum out_format fmt);
/* What the screen says on its status line, or NULL when the result is to be
 * shown in full (records with rows, a text): the message; an empty listing's
 * `empty` sentence (when nothing follows it). Borrowed. */
const char *result_sentence(const struct cmd_result *r);

#endif
