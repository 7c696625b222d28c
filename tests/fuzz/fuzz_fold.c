/* fuzz_fold.c - folding any bytes for name search: no crash, valid UTF-8 out,
 * no upper-case ASCII, harakat, combining marks or stray spaces left, folding
 * twice changes nothing, and a name always finds itself. The first byte picks
 * the language. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fold.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const langs[] = { NULL, "tr", "ar", "ur", "ms", "en" };

static bool
left_over(uint32_t cp)
{
	return (cp >= 'A' && cp <= 'Z') || (cp >= 0x300 && cp <= 0x36f) ||
	    (cp >= 0x64b && cp <= 0x65f) || cp == 0x640 || cp == 0x670 || cp == 0x131 ||
	    cp == 0x130 || cp == '\t' || cp == '\n';
}

static void
check_folded(const char *f)
{
	size_t len = strlen(f), n;
	uint32_t cp;

	if (!utf8_valid(f, len))
		abort();
	if (len > 0 && (f[0] == ' ' || f[len - 1] == ' ' || strstr(f, "  ") != NULL))
		abort();
	for (; len > 0; f += n, len -= n) {
		n = utf8_decode(f, len, &cp);
		if (n == 0 || left_over(cp))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *lang;
	char *s, *f, *ff;

	if (size == 0)
		return 0;
	lang = langs[data[0] % (sizeof langs / sizeof langs[0])];
	s = malloc(size);
	if (s == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	f = fold_for_search(s, lang);
	check_folded(f);
	ff = fold_for_search(f, lang);
	if (strcmp(f, ff) != 0)
		abort();
	if (!fold_match(s, s, lang) || !fold_match(s, f, lang))
		abort();
	free(ff);
	free(f);
	free(s);
	return 0;
}
