/* status.h - how an appointment's status looks in the list: a letter (the column
 * people scan, and all there is on a monochrome terminal or with NO_COLOR), a
 * colour, and its name as the legend says it.
 *
 * The letters are each language's own, chosen in the catalogue (a Latin B for
 * "booked" means nothing to a reader of Arabic): one letter of one column per
 * status, all different. A catalogue whose letters are not (two statuses with one
 * letter, a word, a mark) gives every status its English letter back. Statuses
 * of one meaning share a letter: arrived and checked-in, pending and proposed. */
#ifndef EZRIZI_UI_STATUS_H
#define EZRIZI_UI_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/draw.h"

struct status_look {
	const char *codes;    /* the FHIR codes it stands for, "pending proposed" */
	const char *msgid;    /* N_("booked|B"): the letter is what follows '|' */
	enum ui_color color;
	char letter[8];       /* UTF-8, as chosen by status_letters_init() */
};

/* Chooses the letters: tr translates each look's msgid (gettext, or a stand-in in
 * a test). Call once the locale is set. Returns false when the translated
 * letters were not one distinct one-column letter per status, and the English
 * ones are used. */
bool status_letters_init(const char *(*tr)(const char *msgid));
/* The look of a FHIR status code; an unknown one (or NULL) has the letter "?". */
const struct status_look *status_look_of(const char *status);
/* Every look, for the legend in the help. */
const struct status_look *status_looks(size_t *n);

#endif
