/* qr.c - QR codes with libqrencode, drawn in half blocks; see include/core/qr.h. */
#include "core/qr.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "core/xmalloc.h"

#define QR_MARGIN 2

/* Light (drawn) at row y, column x of the matrix with its quiet zone. */
static bool
light(const unsigned char *modules, int width, int y, int x)
{
	int size = width + 2 * QR_MARGIN;

	if (y >= size)
		return false;  /* below the code: the terminal's own background */
	y -= QR_MARGIN;
	x -= QR_MARGIN;
	if (y < 0 || x < 0 || y >= width || x >= width)
		return true;
	return !(modules[y * width + x] & 1);
}

char *
qr_render(const unsigned char *modules, int width, int *cols, int *rows)
{
	static const char *const half[4] = { " ", "\u2584", "\u2580", "\u2588" };
	int size = width + 2 * QR_MARGIN;
	struct buf b;

	buf_init(&b);
	for (int y = 0; y < size; y += 2) {
		for (int x = 0; x < size; x++)
			buf_adds(&b, half[light(modules, width, y, x) << 1 | light(modules, width, y + 1, x)]);
		buf_addc(&b, '\n');
	}
	*cols = size;
	*rows = (size + 1) / 2;
	return buf_steal(&b);
}

char *
qr_draw(const char *data, int *cols, int *rows)
{
	QRcode *qr;
	char *text;

	if (data == NULL || data[0] == '\0')
		return NULL;
	qr = QRcode_encodeString8bit(data, 0, QR_ECLEVEL_L);
	if (qr == NULL) {
		if (errno == ENOMEM)
			abort();
		return NULL;
	}
	text = qr_render(qr->data, qr->width, cols, rows);
	QRcode_free(qr);
	return text;
}
