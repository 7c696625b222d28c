/* error.c - errors as values (after sway's cmd_results). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

void
error_clear(struct error *err)
{
	if (err == NULL)
		return;
	err->kind = ERR_NONE;
	err->http_status = 0;
	err->override = NULL;
	err->told = false;
	err->msg[0] = '\0';
}

/* Cuts a message that was truncated at len back to a whole UTF-8 sequence. */
static void
msg_cut(char *msg, size_t len)
{
	size_t i = len, need;
	unsigned char lead;

	while (i > 0 && ((unsigned char)msg[i - 1] & 0xc0) == 0x80)
		i--;
	if (i > 0 && (lead = (unsigned char)msg[i - 1]) >= 0xc0) {
		need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
		if (len - (i - 1) < need)
			len = i - 1;
	}
	msg[len] = '\0';
}

bool
error_set(struct error *err, enum err_kind kind, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL || err->kind != ERR_NONE)
		return false;
	err->kind = kind == ERR_NONE ? ERR_FAILED : kind;
	va_start(ap, fmt);
	n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof err->msg)
		msg_cut(err->msg, sizeof err->msg - 1);
	return false;
}

void
error_prefix(struct error *err, const char *fmt, ...)
{
	char prefix[sizeof err->msg];
	size_t plen, olen, room = sizeof err->msg - 1;
	va_list ap;

	if (err == NULL || err->kind == ERR_NONE)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof prefix, fmt, ap);
	va_end(ap);
	plen = strlen(prefix);
	olen = strlen(err->msg);
	if (olen > room - plen)
		olen = room - plen;
	memmove(err->msg + plen, err->msg, olen);
	memcpy(err->msg, prefix, plen);
	if (plen + olen == room)
		msg_cut(err->msg, room);
	else
		err->msg[plen + olen] = '\0';
}

int
error_exit_code(enum err_kind kind)
{
	switch (kind) {
	case ERR_NONE:
		return EXIT_OK;
	case ERR_USAGE:
		return EXIT_USAGE;
	case ERR_NOT_FOUND:
		return EXIT_NOT_FOUND;
	case ERR_CONFLICT:
		return EXIT_CONFLICT;
	case ERR_AUTH:
		return EXIT_AUTH;
	case ERR_NETWORK:
		return EXIT_NETWORK;
	case ERR_FORBIDDEN:
		return EXIT_FORBIDDEN;
	case ERR_FAILED:
		break;
	}
	return EXIT_FAILED;
}
