/* tty.h - the shell's terminal: the front end's hooks (core/front.h) for
 * batch mode and for the screen before it opens. Not in the core's library:
 * only src/main.c links it (tests/layering.sh keeps /dev/tty here). */
#ifndef EZRIZI_TTY_H
#define EZRIZI_TTY_H

#include "core/front.h"

/* Asks on /dev/tty with echo off; pastes come from standard input when it is
 * a terminal, else from /dev/tty. */
extern const struct front_ops tty_front;

#endif
