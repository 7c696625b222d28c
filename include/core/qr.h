/* qr.h - a QR code of a short text, drawn for a terminal.
 *
 * Two rows of modules to a line with the Unicode half blocks (U+2580 upper,
 * U+2584 lower, U+2588 full, space), as `qrencode -t UTF8` does: light modules
 * in the terminal's foreground, dark ones in its background, so it reads on
 * the usual light-on-dark terminal; a quiet zone of two modules all round.
 * Error correction level L (the code is read off a screen, not a crumpled
 * label), the version as small as the text allows. */
#ifndef EZRIZI_QR_H
#define EZRIZI_QR_H

/* The code of data as lines ending in '\n' (new string, free()), and its
 * size in terminal columns and lines; NULL when data is too long for a QR
 * code or empty. */
char *qr_draw(const char *data, int *cols, int *rows);

/* The drawing of a module matrix: width x width bytes, bit 0 set for dark
 * (libqrencode's layout). For tests. */
char *qr_render(const unsigned char *modules, int width, int *cols, int *rows);

#endif
