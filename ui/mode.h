/* mode.h - the screen's modes as a stack of small vtables (after tmux's
 * window_mode): the lock, the passphrase prompt, the command line, a terminal
 * too small, a question waiting for its answer, the overlay (help, output) and
 * the free-slot picker. The base under them all is the three panes.
 *
 * The top mode gets a key first; the stack is kept in order of rank, so a mode
 * pushed while a higher one is on goes under it (the lock stays over a prompt
 * opened behind it): precedence is the ranks', never the order of an if-chain.
 * One mode per rank: the overlay and the picker share theirs, and pushing one
 * closes the other. Drawing starts at the highest mode that covers the panes
 * (or the base) and goes up; a mode that covers all hides what is under it.
 *
 * Each mode with keys of its own has a key table named after it in the keymap
 * (ui/keys.h: "overlay", "picker", "confirm", "small"); the lock, the
 * passphrase prompt and the command line take typed text, so their keys are
 * not bindings. mode.c knows nothing of what a mode is: it calls the ops with
 * the screen they are given. */
#ifndef EZRIZI_UI_MODE_H
#define EZRIZI_UI_MODE_H

#include <stdbool.h>
#include <stddef.h>

#include "ui/list.h"

struct tui;

enum {
	MODE_TEXT = 1 << 0,          /* takes typed text (a key under "small" goes to it) */
	MODE_COVERS_PANES = 1 << 1,  /* draws over the panes; the status line shows */
	MODE_COVERS_ALL = 1 << 2,    /* draws the whole screen: nothing under it shows */
};

struct mode_ops {
	const char *name;    /* for messages and tests; its key table's name when it has one */
	int rank;            /* higher over lower */
	unsigned flags;
	void (*key)(struct tui *t, const struct ui_key *k);
	/* Paints what changed (wnoutrefresh, no doupdate); true when it did.
	 * NULL: nothing of its own (its words are in the status line). */
	bool (*draw)(struct tui *t);
	/* The windows were made again (may be NULL). */
	void (*resize)(struct tui *t);
	/* Popped: lets go of what it held (may be NULL). */
	void (*close)(struct tui *t);
};

#define MODE_MAX 8

struct mode_stack {
	const struct mode_ops *v[MODE_MAX];   /* bottom first, in order of rank */
	size_t n;
};

/* The screen's modes (defined beside their code). */
extern const struct mode_ops mode_lock, mode_secret, mode_cmdline, mode_small, mode_confirm,
	mode_overlay, mode_picker;

/* Pushes m at its rank (nothing when it is on already); a mode of the same
 * rank is popped first (its close runs with t). */
void mode_push(struct mode_stack *s, struct tui *t, const struct mode_ops *m);
/* Pops m wherever it is, running its close with t; false when it was not on. */
bool mode_pop(struct mode_stack *s, struct tui *t, const struct mode_ops *m);
bool mode_has(const struct mode_stack *s, const struct mode_ops *m);
/* The top mode, or NULL (the base). */
const struct mode_ops *mode_top(const struct mode_stack *s);
/* The mode right under m, or NULL. */
const struct mode_ops *mode_below(const struct mode_stack *s, const struct mode_ops *m);
/* The index of the highest mode that covers the panes (flags), or -1. */
int mode_covering(const struct mode_stack *s);
/* Gives k to the top mode; false when there is none (the base takes it). */
bool mode_key(const struct mode_stack *s, struct tui *t, const struct ui_key *k);
/* Tells every mode that the windows were made again. */
void mode_resize(const struct mode_stack *s, struct tui *t);

#endif
