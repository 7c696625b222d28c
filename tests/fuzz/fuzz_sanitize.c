/* fuzz_sanitize.c - whatever the server sends, what we draw is inert:
 * valid UTF-8, no C0 but \n/\t as flagged, no DEL, ESC, C1 or bidi controls;
 * and a JSON output line of it is inert too and decodes to the same text. */
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/sanitize.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
forbidden(uint32_t cp, unsigned flags)
{
	if (cp == '\n')
		return !(flags & SAN_KEEP_NEWLINES);
	if (cp == '\t')
		return !(flags & SAN_KEEP_TABS);
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

static void
check_inert(const char *out, unsigned flags)
{
	size_t len = strlen(out), n;
	uint32_t cp;

	if (!utf8_valid(out, len))
		abort();
	for (; len > 0; out += n, len -= n) {
		n = utf8_decode(out, len, &cp);
		if (n == 0 || forbidden(cp, flags))
			abort();
	}
}

static void
check_truncate(const char *out)
{
	int width = display_width(out), used, cols;
	char *t;

	for (cols = 0; cols <= 8; cols += 3) {
		t = display_truncate(out, cols, &used);
		if (used > cols || used != display_width(t) || strncmp(t, out, strlen(t)) != 0)
			abort();
		if (!utf8_valid(t, strlen(t)) || (cols >= width && strcmp(t, out) != 0))
			abort();
		free(t);
	}
}

/* json_print_inert: nothing unsafe raw, valid JSON, and the same text back
 * when it was valid UTF-8 (up to its first NUL, where a C string ends). */
static void
check_json(const char *in, size_t len)
{
	char *text = malloc(len + 1), *out;
	cJSON *o = cJSON_CreateObject(), *back;
	const cJSON *v;

	if (text == NULL || o == NULL)
		abort();
	memcpy(text, in, len);
	text[len] = '\0';
	json_put_str(o, "v", text);
	out = json_print_inert(o);
	check_inert(out, 0);
	back = cJSON_Parse(out);
	v = cJSON_GetObjectItemCaseSensitive(back, "v");
	if (!cJSON_IsString(v))
		abort();
	if (utf8_valid(text, strlen(text)) && strcmp(v->valuestring, text) != 0)
		abort();
	cJSON_Delete(back);
	cJSON_Delete(o);
	free(out);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	unsigned flags;
	char *out;

	if (!init) {
		setlocale(LC_ALL, "C.UTF-8");
		init = true;
	}
	if (size == 0)
		return 0;
	flags = data[0] & (SAN_KEEP_NEWLINES | SAN_KEEP_TABS);
	out = sanitize_display((const char *)data + 1, size - 1, flags);
	check_inert(out, flags);
	check_truncate(out);
	free(out);
	check_json((const char *)data + 1, size - 1);
	return 0;
}
