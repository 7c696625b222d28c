/* test_cmd.c - the command language's words: free text is never changed by
 * the parser (a message's quotes, '#', backslashes and semicolons reach the
 * server as typed), cmd_quote round-trips anything, fixed sets refuse others.
 * Random cases print their seed; EZRIZI_TEST_SEED=N replays one. */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/cmd.h"

static unsigned long seed;

static unsigned long
rnd(void)
{
	/* xorshift64: repeatable from the seed. */
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* A random text of 0..40 bytes, rich in what the parser treats specially,
 * with no NUL and no line end (one line of the command line). */
static void
random_text(char *out, size_t cap)
{
	static const char special[] = "'\"#\\; \t%$`&|<>()*?~-";
	size_t n = rnd() % 41, i;

	for (i = 0; i < n && i + 1 < cap; i++) {
		unsigned long r = rnd() % 4;

		if (r == 0)
			out[i] = special[rnd() % (sizeof special - 1)];
		else if (r == 1)
			out[i] = (char)(0x80 + rnd() % 0x40);  /* bytes of UTF-8 */
		else
			out[i] = (char)(0x21 + rnd() % 0x5e);
	}
	out[i] = '\0';
}

static void
test_quote_round_trips(void **state)
{
	char text[64];

	(void)state;
	for (int k = 0; k < 5000; k++) {
		char *q, **w;
		int argc = -1;
		struct error err;

		random_text(text, sizeof text);
		error_clear(&err);
		q = cmd_quote(text);
		w = cmd_split(q, &argc, &err);
		if (w == NULL || argc != 1 || strcmp(w[0], text) != 0) {
			fprintf(stderr, "seed %lu, case %d: [%s] -> %s -> %d words\n", seed, k, text, q, argc);
			fail();
		}
		cmd_words_free(w);
		free(q);
	}
}

static void
expect_words(const char *line, int n, const char *const *want)
{
	struct error err;
	int argc = -1;
	char **w;

	error_clear(&err);
	w = cmd_split_command(line, &argc, &err);
	assert_non_null(w);
	assert_int_equal(argc, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(w[i], want[i]);
	cmd_words_free(w);
}

/* typed_text_sent_as_typed: the issue's own words. */
static void
test_send_takes_the_rest_as_typed(void **state)
{
	(void)state;
	expect_words("send pat-1 Don't worry, we'll talk #tomorrow", 3,
		     (const char *[]){ "send", "pat-1", "Don't worry, we'll talk #tomorrow" });
	expect_words("send pat-1 a\\b; c \"d\"  e", 3,
		     (const char *[]){ "send", "pat-1", "a\\b; c \"d\"  e" });
	/* One quoted word is unquoted: what cmd_quote makes comes back. */
	expect_words("send pat-1 'it'\\''s #1'", 3, (const char *[]){ "send", "pat-1", "it's #1" });
	/* Options before the text, or none: split as usual. */
	expect_words("send --file f pat-1", 4, (const char *[]){ "send", "--file", "f", "pat-1" });
	expect_words("send pat-1 --file f", 4, (const char *[]){ "send", "pat-1", "--file", "f" });
	expect_words("send pat-1", 2, (const char *[]){ "send", "pat-1" });
	/* Other commands keep the language's quoting and comments. */
	expect_words("cancel a-1 --reason 'client unwell' # note", 4,
		     (const char *[]){ "cancel", "a-1", "--reason", "client unwell" });
}

static void
test_quoted_text_after_send(void **state)
{
	char text[64], line[256];

	(void)state;
	for (int k = 0; k < 2000; k++) {
		char *q, **w;
		int argc = -1;
		struct error err;

		random_text(text, sizeof text);
		if (text[strspn(text, " \t")] == '\0')
			continue;  /* an empty message is refused elsewhere */
		q = cmd_quote(text);
		snprintf(line, sizeof line, "send pat-1 %s", q);
		error_clear(&err);
		w = cmd_split_command(line, &argc, &err);
		if (w == NULL || argc != 3 || strcmp(w[2], text) != 0) {
			fprintf(stderr, "seed %lu, case %d: [%s] -> [%s]\n", seed, k, text,
				w != NULL && argc == 3 ? w[2] : "(split failed)");
			fail();
		}
		cmd_words_free(w);
		free(q);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quote_round_trips),
		cmocka_unit_test(test_send_takes_the_rest_as_typed),
		cmocka_unit_test(test_quoted_text_after_send),
	};
	const char *s = getenv("EZRIZI_TEST_SEED");

	seed = s != NULL ? strtoul(s, NULL, 10) : (unsigned long)time(NULL) | 1;
	fprintf(stderr, "seed %lu (EZRIZI_TEST_SEED=%lu replays it)\n", seed, seed);
	return cmocka_run_group_tests_name("cmd", tests, NULL, NULL);
}
