/* fuzz_date.c - date_parse and instant_parse on arbitrary text: no crash, and
 * what they accept is a real date that formats and parses back the same. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_date(const char *s)
{
	struct civil_date today = { 2026, 11, 26 }, out, back;
	struct error err;
	char buf[11];

	error_clear(&err);
	if (!date_parse(s, today, &out, &err)) {
		if (err.kind != ERR_USAGE || err.msg[0] == '\0')
			abort();
		return;
	}
	if (err.kind != ERR_NONE || out.month < 1 || out.month > 12 || out.day < 1 ||
	    out.day > 31)
		abort();
	date_format(out, buf);
	error_clear(&err);
	if (!date_parse(buf, today, &back, &err) || date_cmp(out, back) != 0)
		abort();
}

static void
check_instant(const char *s)
{
	char utc[21];
	time_t t, back;

	if (!instant_parse(s, &t))
		return;
	/* An offset can move 0001-01-01 or 9999-12-31 out of the 4-digit years. */
	if (t < -62135596800LL + 86400 || t > 253402300799LL - 86400)
		return;
	instant_format_utc(t, utc);
	if (!instant_parse(utc, &back) || back != t)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	char *s;

	if (!init) {
		setenv("TZ", "UTC", 1);
		init = true;
	}
	if (size > 256)
		return 0;
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_date(s);
	check_instant(s);
	free(s);
	return 0;
}
