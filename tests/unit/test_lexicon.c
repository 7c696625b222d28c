/* test_lexicon.c - the risk-word matcher: each normalisation (case and the
 * Turkish i's, accents, Arabic and Urdu tashkeel, tatweel and letter
 * variants, zero-width and bidi controls), word boundaries and phrases, the
 * '*' ends, the file and config formats, the shipped file holding no words,
 * only the client's messages marked, and long texts.
 *
 * Every word here is a made-up neutral test word (animals, furniture, tea):
 * no clinical term is written in ezrizi's tests. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/lexicon.h"
#include "core/xmalloc.h"

static struct lexicon *
with(const char *lang, const char *entry)
{
	struct lexicon *lx = lexicon_create();
	struct error err;

	error_clear(&err);
	if (!lexicon_add(lx, lang, entry, "test", &err))
		fail_msg("'%s' refused: %s", entry, err.msg);
	return lx;
}

static void
hit(const char *lang, const char *entry, const char *text)
{
	struct lexicon *lx = with(lang, entry);

	if (!lexicon_match(lx, text, NULL))
		fail_msg("'%s' should find '%s'", entry, text);
	lexicon_destroy(lx);
}

static void
miss(const char *lang, const char *entry, const char *text)
{
	struct lexicon *lx = with(lang, entry);

	if (lexicon_match(lx, text, NULL))
		fail_msg("'%s' should not find '%s'", entry, text);
	lexicon_destroy(lx);
}

static void
test_case_and_accents(void **state)
{
	(void)state;
	hit("en", "zebrafish", "I saw a ZEBRAFISH today");
	hit("en", "ZebraFish", "zebrafish");
	hit("en", "zebrafish", "Zébrafish");
	hit("ms", "kucing", "KUCING itu");
	miss("en", "zebrafish", "a zebra and a fish");
}

/* Dotted and dotless i match either way, in the entry and in the text. */
static void
test_turkish_i(void **state)
{
	(void)state;
	hit("tr", "ılık", "ILIK su");
	hit("tr", "ılık", "İLİK su");
	hit("tr", "ılık", "ilik su");
	hit("tr", "ILIK", "ılık");
	hit("tr", "İzmir", "izmir'de");
	hit("tr", "izmir", "IZMIR");
	hit("tr", "ıspanak", "Ispanak");
	hit("tr", "çay", "ÇAY");
	miss("tr", "ılık", "ılıklık");
}

/* The same under the Turkish locale, where towlower('I') is 'ı'. */
static void
test_turkish_locale(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "tr_TR.UTF-8") == NULL)
		skip();
	test_turkish_i(state);
	test_case_and_accents(state);
	setlocale(LC_ALL, "C");
}

static void
test_arabic(void **state)
{
	(void)state;
	/* tashkeel U+064B-U+065F and the superscript alef U+0670 */
	hit("ar", "اسد", "رأيت أَسَدٌ");
	hit("ar", "كتب", "كَتَبَ");
	hit("ar", "كتب", "كِتٰب");
	hit("ar", "كَتَبَ", "كتب");
	/* tatweel */
	hit("ar", "كتب", "كـتـــب");
	/* alef forms */
	hit("ar", "اسد", "أسد");
	hit("ar", "اسد", "إسد");
	hit("ar", "اسد", "آسد");
	hit("ar", "اسد", "ٱسد");
	hit("ar", "أسد", "اسد");
	/* alef maksura and yeh; taa marbuta and heh */
	hit("ar", "موسيقى", "موسيقي");
	hit("ar", "موسيقي", "موسيقى");
	hit("ar", "زرافة", "زرافه");
	hit("ar", "زرافه", "زرافة");
	/* Arabic punctuation is between words */
	hit("ar", "زرافة", "رأيت زرافة، ثم");
	hit("ar", "زرافة", "زرافة؟");
	/* a whole word only, unless '*' says otherwise */
	miss("ar", "زرافة", "والزرافة");
	hit("ar", "*زرافة", "والزرافة");
	hit("ar", "زراف*", "زرافات");
	miss("ar", "زراف", "زرافات");
}

/* Urdu's letters and Arabic's are one: ی ے ک ہ ھ. */
static void
test_urdu(void **state)
{
	(void)state;
	hit("ur", "کتاب", "كتاب");
	hit("ur", "كتاب", "یہ کتاب ہے");
	hit("ur", "کرسی", "كرسي");
	hit("ur", "كرسي", "کرسی");
	hit("ur", "چائے", "چائي");
	hit("ur", "شہر", "شهر");
	hit("ur", "شهر", "شہر۔");      /* U+06D4, the Urdu full stop */
	hit("ur", "گھر", "گهر");
	miss("ur", "شہر", "شہروں");
}

/* Zero-width characters and bidi controls neither split a word nor hide one. */
static void
test_invisible(void **state)
{
	(void)state;
	hit("en", "zebrafish", "zebra\u200bfish");          /* ZWSP */
	hit("en", "zebrafish", "ze\u200cbra\u200dfish");    /* ZWNJ ZWJ */
	hit("en", "zebrafish", "zebra\u2060fish");          /* word joiner */
	hit("en", "zebrafish", "\u202ezebrafish\u202c");    /* RLO ... PDF */
	hit("en", "zebrafish", "\u2066zebrafish\u2069");    /* LRI ... PDI */
	hit("en", "zebrafish", "zebra\u00adfish");          /* soft hyphen */
	hit("en", "zebrafish", "zebra\ufe0ffish");          /* a variation selector */
	hit("en", "zebrafish", "\ufeffzebrafish");          /* BOM */
	hit("ar", "زرافة", "زر\u200fافة");                   /* RLM */
	hit("ar", "زرافة", "زرا\u061cفة");                   /* ALM */
	hit("en", "zebra\u200bfish", "zebrafish");
}

static void
test_boundaries(void **state)
{
	(void)state;
	hit("en", "zebrafish", "zebrafish");
	hit("en", "zebrafish", "(zebrafish)");
	hit("en", "zebrafish", "\"zebrafish\".");
	hit("en", "zebrafish", "zebrafish's tank");
	hit("en", "zebrafish", "end:zebrafish");
	hit("en", "zebrafish", "zebrafish\u2014and");     /* an em dash */
	hit("en", "zebrafish", "zebrafish\U0001F41F");    /* an emoji after it */
	miss("en", "zebrafish", "zebrafishes");
	miss("en", "zebrafish", "bigzebrafish");
	miss("en", "zebrafish", "zebrafish2");
	miss("en", "fish", "zebrafish");
	hit("en", "zebra*", "zebrafish");
	hit("en", "zebra*", "zebra");
	miss("en", "zebra*", "azebra");
	hit("en", "*fish", "zebrafish");
	miss("en", "*fish", "fishes");
	hit("en", "*ebraf*", "zebrafish");
	miss("en", "*ebraf*", "zebra fish");
	hit("ms", "kucing*", "kucingnya");
	hit("tr", "çay*", "çaylar");
}

static void
test_phrases(void **state)
{
	(void)state;
	hit("en", "blue heron", "a blue heron flew");
	hit("en", "blue heron", "BLUE   heron");
	hit("en", "blue heron", "blue\nheron");
	hit("en", "blue heron", "blue, heron");
	hit("en", "blue-heron", "blue heron");
	hit("en", "blue heron", "blue-heron");
	miss("en", "blue heron", "blue herons");
	miss("en", "blue heron", "blueheron");
	miss("en", "blue heron", "heron blue");
	miss("en", "blue heron", "blue");
	hit("en", "blue her*", "blue herons");
	hit("en", "*lue heron", "bblue heron");
	miss("en", "blue her*", "blue the herons");
	hit("ar", "اسد كبير", "أَسَدٌ   كبير");
	/* one word of a phrase as the text's last: no read past the end */
	miss("en", "blue heron egg", "blue heron");
}

static void
test_refused(void **state)
{
	struct lexicon *lx = lexicon_create();
	struct error err;

	(void)state;
	error_clear(&err);
	assert_false(lexicon_add(lx, "en", "zebra*fish", "here", &err));
	assert_non_null(strstr(err.msg, "here"));
	error_clear(&err);
	assert_false(lexicon_add(lx, "en", "!!!", "here", &err));
	error_clear(&err);
	assert_false(lexicon_add(lx, "en", "*", "here", &err));
	error_clear(&err);
	assert_false(lexicon_add(lx, "en", "\u200b", "here", &err));
	error_clear(&err);
	assert_false(lexicon_add(lx, "fr", "zebrafish", "here", &err));
	error_clear(&err);
	assert_false(lexicon_add(lx, "en", "zebra\xff", "here", &err));
	assert_int_equal(lexicon_size(lx), 0);
	assert_false(lexicon_match(lx, "zebrafish", NULL));
	assert_false(lexicon_match(NULL, "zebrafish", NULL));
	lexicon_destroy(lx);
}

static void
test_file_format(void **state)
{
	struct lexicon *lx = lexicon_create();
	struct error err;
	size_t which = 99;

	(void)state;
	error_clear(&err);
	assert_true(lexicon_load_string(lx, "words",
		"# a comment\n\n[en]\nzebrafish\n  blue heron  \r\n[ tr ]\nılık\n[ar]\nزرافة\n", &err));
	assert_int_equal(lexicon_size(lx), 4);
	assert_int_equal(lexicon_count(lx, "en"), 2);
	assert_int_equal(lexicon_count(lx, "tr"), 1);
	assert_int_equal(lexicon_count(lx, "ur"), 0);
	assert_true(lexicon_match(lx, "they said ILIK", &which));
	assert_int_equal(which, 2);
	assert_string_equal(lexicon_entry(lx, 2)->where, "words:7");
	assert_string_equal(lexicon_entry(lx, 1)->text, "blue heron");
	assert_false(lexicon_match(lx, "nothing here", NULL));
	lexicon_destroy(lx);

	lx = lexicon_create();
	error_clear(&err);
	assert_false(lexicon_load_string(lx, "words", "# c\nzebrafish\n", &err));
	assert_non_null(strstr(err.msg, "words:2"));
	error_clear(&err);
	assert_false(lexicon_load_string(lx, "words", "[fr]\nzebrafish\n", &err));
	assert_non_null(strstr(err.msg, "words:1"));
	error_clear(&err);
	assert_false(lexicon_load_file(lx, "/nonexistent/risk-words", true, &err));
	error_clear(&err);
	assert_true(lexicon_load_file(lx, "/nonexistent/risk-words", false, &err));
	lexicon_destroy(lx);
}

/* The file that ships holds comments only: no reviewed lexicon yet. */
static void
test_shipped_holds_no_words(void **state)
{
	const char *path = getenv("LEXICON_SHIPPED");
	struct lexicon *lx = lexicon_create();
	struct error err;

	(void)state;
	assert_non_null(path);
	error_clear(&err);
	assert_true(lexicon_load_file(lx, path, true, &err));
	assert_int_equal(lexicon_size(lx), 0);
	lexicon_destroy(lx);
}

static void
test_config(void **state)
{
	struct config *cfg = config_create();
	struct lexicon *lx = NULL;
	struct error err;
	size_t shipped = 9, which;

	(void)state;
	error_clear(&err);
	assert_true(config_load_string(cfg, "cfg",
		"risk_words_en = zebrafish, blue heron ,,\n"
		"risk_words_ar = زرافة، اسد\n"
		"risk_words_tr = \"çay*\"\n", &err));
	assert_true(lexicon_from_config(cfg, &lx, &shipped, &err));
	assert_int_equal(shipped, 0);
	assert_int_equal(lexicon_size(lx), 5);
	assert_int_equal(lexicon_count(lx, "ar"), 2);
	assert_true(lexicon_match(lx, "إسد", &which));
	assert_string_equal(lexicon_entry(lx, which)->where, "risk_words_ar");
	assert_true(lexicon_match(lx, "Çaylar", NULL));
	lexicon_destroy(lx);
	config_destroy(cfg);

	cfg = config_create();
	error_clear(&err);
	assert_true(config_load_string(cfg, "cfg", "risk_words_file = /nonexistent/words\n", &err));
	lx = NULL;
	assert_false(lexicon_from_config(cfg, &lx, NULL, &err));
	assert_null(lx);
	assert_int_equal(err.kind, ERR_USAGE);
	config_destroy(cfg);

	cfg = config_create();
	error_clear(&err);
	assert_true(config_load_string(cfg, "cfg", "", &err));
	assert_true(lexicon_from_config(cfg, &lx, NULL, &err));
	assert_int_equal(lexicon_size(lx), 0);
	lexicon_destroy(lx);
	config_destroy(cfg);
}

static void
message(struct message *m, const char *sender, const char *text)
{
	memset(m, 0, sizeof *m);
	m->sender_ref = xstrdup(sender);
	m->text = xstrdup(text);
	m->review = true;  /* cleared by lexicon_mark when it does not hold */
}

/* Only what the client wrote is marked; the counsellor's words never are. */
static void
test_only_the_clients(void **state)
{
	struct lexicon *lx = with("en", "zebrafish");
	struct message_list l;

	(void)state;
	l.n = 4;
	l.v = xcalloc(l.n, sizeof *l.v);
	message(&l.v[0], "Patient/p1", "a zebrafish");
	message(&l.v[1], "Practitioner/amina", "a zebrafish");
	message(&l.v[2], "Patient/p1", "a goldfish");
	message(&l.v[3], "RelatedPerson/r1", "a zebrafish");
	assert_int_equal(lexicon_mark(lx, &l), 1);
	assert_true(l.v[0].review);
	assert_false(l.v[1].review);
	assert_false(l.v[2].review);
	assert_false(l.v[3].review);
	assert_int_equal(lexicon_mark(NULL, &l), 0);
	assert_false(l.v[0].review);
	message_list_finish(&l);
	lexicon_destroy(lx);
}

/* A megabyte of one word, and of many, with every kind of entry: linear. */
static void
test_long_text(void **state)
{
	size_t n = 1024 * 1024;
	char *one = xmalloc(n + 16), *many = xmalloc(n + 16);
	struct lexicon *lx = lexicon_create();
	struct error err;

	(void)state;
	memset(one, 'a', n);
	strcpy(one + n, " zebrafish");
	for (size_t i = 0; i < n; i++)
		many[i] = i % 3 == 2 ? ' ' : 'a';
	strcpy(many + n, " blue heron");
	error_clear(&err);
	assert_true(lexicon_add_list(lx, "en", "aab*, *aab, *aaab*, a a a b, blue heron, zebrafish, zebrafish*",
				     "test", &err));
	assert_true(lexicon_match(lx, one, NULL));
	assert_true(lexicon_match(lx, many, NULL));
	one[n] = '\0';
	many[n] = '\0';
	assert_false(lexicon_match(lx, one, NULL));
	assert_false(lexicon_match(lx, many, NULL));
	free(one);
	free(many);
	lexicon_destroy(lx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case_and_accents),
		cmocka_unit_test(test_turkish_i),
		cmocka_unit_test(test_turkish_locale),
		cmocka_unit_test(test_arabic),
		cmocka_unit_test(test_urdu),
		cmocka_unit_test(test_invisible),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_phrases),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_file_format),
		cmocka_unit_test(test_shipped_holds_no_words),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_only_the_clients),
		cmocka_unit_test(test_long_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
