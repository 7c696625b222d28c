/* fuzz_lexicon.c - the risk words' file format and the matcher on any bytes:
 * no crash; a file that loads has every entry find its own text as a client's
 * message; and the whole input, as a message, is matched without a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/lexicon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lexicon *lx = lexicon_create();
	struct error err;
	char *s = malloc(size + 1);

	if (s == NULL) {
		lexicon_destroy(lx);
		return 0;
	}
	memcpy(s, data, size);
	s[size] = '\0';
	error_clear(&err);
	if (lexicon_load_string(lx, "fuzz", s, &err)) {
		for (size_t i = 0; i < lexicon_size(lx); i++) {
			if (!lexicon_match(lx, lexicon_entry(lx, i)->text, NULL))
				abort();
		}
	}
	(void)lexicon_match(lx, s, NULL);
	free(s);
	lexicon_destroy(lx);
	return 0;
}
