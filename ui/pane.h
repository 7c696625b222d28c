/* pane.h - a pane is a bordered window with a small vtable (after profanity's
 * src/ui and ncdu's draw()/key() pairs). The loop owns the windows and the
 * layout; a pane draws its whole content from the model when it is dirty and
 * handles the keys it knows. */
#ifndef EZRIZI_UI_PANE_H
#define EZRIZI_UI_PANE_H

#include <stdbool.h>

#include <curses.h>

#include "ui/draw.h"
#include "ui/list.h"
#include "ui/model.h"

struct pane;

struct pane_ops {
	/* Allocates p->data. */
	void (*init)(struct pane *p);
	/* Frees p->data; the window belongs to the loop. */
	void (*destroy)(struct pane *p);
	/* p->win, h and w have changed. */
	void (*resize)(struct pane *p);
	/* Paints the whole window (frame included) from the model. */
	void (*draw)(struct pane *p);
	/* True when the key was for this pane. */
	bool (*key)(struct pane *p, const struct ui_key *k);
};

struct pane {
	const struct pane_ops *ops;
	struct model *m;             /* what it draws */
	enum model_part part;        /* ... and which part of it */
	WINDOW *win;
	int y, x, h, w;
	bool dirty;
	bool focused;
	void *data;
};

extern const struct pane_ops pane_appt_ops;
extern const struct pane_ops pane_notes_ops;
extern const struct pane_ops pane_chat_ops;

/* The width the appointment list asks of a terminal `cols` wide: what its
 * columns need in this locale and view (12-hour times, the week's weekdays,
 * everyone's counsellors), leaving the notes and the chat a fair part. */
int pane_appt_width(const struct model *m, int cols);

/* Clears the window and draws its border, the title (sanitised text) at the
 * top and an optional footer at the bottom; the focused pane's are
 * highlighted. */
void pane_frame(struct pane *p, const char *title, const char *footer);
/* Content starts at (PANE_TOP, PANE_LEFT): inside the border, with one space
 * of margin on either side. Inner size: the window less border and margins. */
#define PANE_TOP 1
#define PANE_LEFT 2
int pane_inner_h(const struct pane *p);
int pane_inner_w(const struct pane *p);

/* A scrolling view of wrapped lines, shared by the notes and chat panes. The
 * pane rebuilds the lines when the model's generation or the width changed. */
struct text_view {
	struct tlines lines;
	struct list list;
	unsigned built_gen;  /* the model generation the lines were built from */
	int built_w;
	bool built;
	bool to_end;         /* built to show its end (the chat): kept there */
};

void text_view_init(struct text_view *v);
void text_view_finish(struct text_view *v);
/* True when the lines must be rebuilt for generation gen at width w. */
bool text_view_stale(const struct text_view *v, unsigned gen, int w);
/* After the pane rebuilt v->lines: records gen and w; to_end scrolls to the
 * last line (the chat's newest message), otherwise to the top when the content
 * changed, keeping the position on a mere resize. */
void text_view_built(struct text_view *v, unsigned gen, int w, int rows, bool to_end);
/* Draws the visible lines inside the pane's border, below `top` rows kept
 * for the banner. */
void text_view_draw(struct text_view *v, struct pane *p, int top);
/* Draws the client's risk flag across the top of a pane showing them (the
 * notes, the chat): the rows it took, 0 when the client has no active flag.
 * Until a clinician acknowledges it the banner is urgent (reverse, bold);
 * a front desk reads only that the client has one. */
int pane_flag_banner(struct pane *p, const char *patient_id);
/* The same banner anywhere (the form over the panes): rows y.. of win, w
 * columns from x (and the columns either side), at most half of h rows. */
int ui_flag_banner(struct model *m, const char *patient_id, WINDOW *win, int y, int x, int w, int h);
/* The rows it will take, before the frame is drawn. */
int pane_flag_banner_rows(struct pane *p, const char *patient_id);
/* The mark of a client's message to review (translated; pane_chat.c). */
const char *pane_review_mark(void);
/* Footer arrows saying there is more above or below ("" when all fits). */
const char *text_view_more(const struct text_view *v);
/* The frame of a text view pane titled with a client's name: `named` is a
 * translated format with one %s, `plain` the title when name is NULL. The
 * name is sanitised. */
void text_view_frame(struct text_view *v, struct pane *p, const char *named, const char *plain,
		     const char *name);
/* Fills l with what a client's notes (chat false) or chat pane shows while it
 * has nothing of its own: loading, no selection, no client, a failure. False
 * when the client's data is there to draw. */
bool client_pane_placeholder(struct tlines *l, struct model *m, bool chat, int width);
/* For a front desk, once its roles are known: fills l with why the client's
 * notes (chat false) or messages are not shown, and is true. */
bool client_pane_reception(struct tlines *l, struct model *m, bool chat, int width);
/* Scrolls the view with a key (Up, Down, PageUp, PageDown, Home, End). */
bool text_view_scroll(struct text_view *v, const struct ui_key *k);
/* Scrolling keys for a text view pane (the `key` of its vtable). */
bool text_view_key(struct pane *p, const struct ui_key *k);

#endif
