/* test_fold.c - name search folding: Turkish i's, accents optional, Arabic and
 * Urdu letter variants and harakat, white space, bad bytes. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/fold.h"

/* Every language a counsellor may use, and none. */
static const char *const langs[] = { NULL, "tr", "ar", "ur", "ms", "en" };
#define NLANGS (sizeof langs / sizeof langs[0])

static void
matches(const char *hay, const char *needle)
{
	for (size_t i = 0; i < NLANGS; i++) {
		if (!fold_match(hay, needle, langs[i]))
			fail_msg("\"%s\" should find \"%s\" (lang %s)", needle, hay,
				 langs[i] != NULL ? langs[i] : "none");
	}
}

static void
misses(const char *hay, const char *needle)
{
	for (size_t i = 0; i < NLANGS; i++) {
		if (fold_match(hay, needle, langs[i]))
			fail_msg("\"%s\" should not find \"%s\" (lang %s)", needle, hay,
				 langs[i] != NULL ? langs[i] : "none");
	}
}

static void
folds(const char *in, const char *lang, const char *want)
{
	char *got = fold_for_search(in, lang);

	assert_string_equal(got, want);
	free(got);
}

static void
test_turkish(void **state)
{
	(void)state;
	matches("Işık", "isik");
	matches("Işık", "ISIK");
	matches("Işık", "IŞIK");
	matches("Işık", "ışık");
	matches("İbrahim Işıkoğlu", "ibrahim");
	matches("İbrahim Işıkoğlu", "İBRAHİM");
	matches("İbrahim Işıkoğlu", "isikoglu");
	matches("İbrahim Işıkoğlu", "Işıkoğlu");
	matches("İbrahim Işıkoğlu", "brahim ış");
	misses("İbrahim Işıkoğlu", "ibrahimm");
	folds("IŞIK", "tr", "isik");
	folds("IŞIK", NULL, "isik");
	folds("İstanbul", "en", "istanbul");
	/* İ decomposed: I and a combining dot above. */
	folds("I\xcc\x87stanbul", "tr", "istanbul");
}

static void
test_accents_optional(void **state)
{
	(void)state;
	matches("Cagri", "çağrı");
	matches("Çağrı Öztürk", "cagri ozturk");
	matches("Çağrı Öztürk", "ÇAĞRI");
	matches("José Muñoz", "jose munoz");
	matches("Zoë Brontë", "zoe");
	matches("Łukasz Wałęsa", "lukasz walesa");
	matches("Straße", "strasse");
	matches("Ștefan Țurcan", "stefan turcan");
	/* e + combining acute */
	matches("Rene\xcc\x81", "rené");
	folds("ÀÉÎÕÜÇÑÝ", NULL, "aeioucny");
	folds("Æsir Œuvre", NULL, "aesir oeuvre");
	folds("2×3÷4", NULL, "2×3÷4");
}

static void
test_malay(void **state)
{
	(void)state;
	matches("Siti Nurhaliza binti Tarudin", "nurhaliza");
	matches("Siti Nurhaliza binti Tarudin", "NURHALIZA");
	matches("Nurhaliza", "Nurhaliza");
	matches("Muhammad Hafiz bin Abdullah", "hafiz bin");
	misses("Nurhaliza", "nurhalisa");
}

static void
test_arabic(void **state)
{
	(void)state;
	matches("مُحَمَّد عَبْدُ الله", "محمد");
	matches("مُحَمَّد عَبْدُ الله", "عبد الله");
	matches("مُحَمَّد عَبْدُ الله", "مُحَمَّد");
	matches("أحمد", "احمد");
	matches("إبراهيم", "ابراهيم");
	matches("آمنة", "امنه");
	matches("فاطمة", "فاطمه");
	matches("على", "علي");
	matches("علي", "على");
	matches("مـحـمـد", "محمد");                /* tatweel */
	matches("٠١٢٣٤٥٦٧٨٩", "0123456789");
	matches("۰۱۲۳۴۵۶۷۸۹", "0123456789");
	misses("مُحَمَّد عَبْدُ الله", "أحمد");
	folds("ٱلله", NULL, "الله");
}

static void
test_urdu(void **state)
{
	(void)state;
	matches("کریم", "كريم");          /* Urdu keheh and Farsi yeh; Arabic kaf and yeh */
	matches("كريم", "کریم");
	matches("عائشہ", "عائشه");          /* heh goal */
	matches("عائشہ", "عائشة");
	matches("بھٹو", "بهٹو");            /* heh doachashmee */
	matches("مصطفےٰ", "مصطفي");         /* yeh barree, superscript alef */
	matches("زہرۀ", "زهره");
}

static void
test_spaces(void **state)
{
	(void)state;
	folds("  Siti \t\n Nurhaliza  ", NULL, "siti nurhaliza");
	folds("a\xc2\xa0\xe2\x80\x83" "b", NULL, "a b");     /* NBSP, em space */
	folds("", NULL, "");
	folds(NULL, NULL, "");
	folds(" \t ", NULL, "");
	matches("Siti   Nurhaliza", "siti nurhaliza");
	matches("Siti Nurhaliza", "  siti   nurhaliza ");
	/* Invisible marks do not split a match. */
	matches("Nur\xe2\x80\x8bhaliza", "nurhaliza");        /* zero-width space */
	matches("\xe2\x80\x8f" "کریم", "كريم");               /* RLM */
}

static void
test_only_marks(void **state)
{
	(void)state;
	folds("\xd9\x8e\xd9\x8f\xd9\x90\xd9\x91\xd9\x92", "ar", "");   /* َ ُ ِ ّ ْ */
	folds(" \xd9\x8b \xd9\x80 ", NULL, "");
	folds("\xcc\x81\xcc\x88", NULL, "");
	/* A needle that folds to nothing finds everyone; no name finds nothing. */
	assert_true(fold_match("Işık", "\xd9\x8e", NULL));
	assert_false(fold_match(NULL, "isik", NULL));
}

static void
test_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\xff", "I\xc4", "\xc4\xb1\x80\x80", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80",
		"\xe2\x82", "a\xfe" "b",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *f = fold_for_search(bad[i], "tr");

		assert_non_null(f);
		free(f);
		(void)fold_match(bad[i], bad[i], NULL);
	}
	folds("I\xc4", NULL, "i");
	folds("a\xfe" "b", NULL, "ab");
	folds("\xc4\xb1\x80\x80", NULL, "i");
}

static void
test_locale_independent(void **state)
{
	(void)state;
	/* towlower(L'I') is ı under tr_TR.UTF-8: we must not care. */
	if (setlocale(LC_ALL, "tr_TR.UTF-8") == NULL)
		setlocale(LC_ALL, "C.UTF-8");
	folds("ISIK", NULL, "isik");
	folds("FILE", "en", "file");
	matches("Işık", "isik");
	setlocale(LC_ALL, "C");
}

static void
with_env(const char *lc_all, const char *lc_messages, const char *lang, const char *language,
	 const char *want)
{
	const char *got;

	setenv("LC_ALL", lc_all, 1);
	setenv("LC_MESSAGES", lc_messages, 1);
	setenv("LANG", lang, 1);
	setenv("LANGUAGE", language, 1);
	got = fold_user_lang();
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
}

static void
test_user_lang(void **state)
{
	(void)state;
	with_env("", "", "tr_TR.UTF-8", "", "tr");
	with_env("", "", "ar_SA.UTF-8", "", "ar");
	with_env("", "ur_PK.UTF-8", "en_GB.UTF-8", "", "ur");
	with_env("ms_MY.UTF-8", "tr_TR.UTF-8", "en_GB.UTF-8", "", "ms");
	with_env("", "", "en_GB.UTF-8", "tr:en", "tr");
	with_env("", "", "C.UTF-8", "tr", NULL);           /* gettext ignores LANGUAGE under C */
	with_env("", "", "C", "", NULL);
	with_env("", "", "POSIX", "", NULL);
	with_env("", "", "", "", NULL);
	with_env("", "", "tr", "", "tr");
	with_env("", "", "ms_MY@latin", "", "ms");
	with_env("", "", "ENGLISH-ish", "", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turkish),
		cmocka_unit_test(test_accents_optional),
		cmocka_unit_test(test_malay),
		cmocka_unit_test(test_arabic),
		cmocka_unit_test(test_urdu),
		cmocka_unit_test(test_spaces),
		cmocka_unit_test(test_only_marks),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_locale_independent),
		cmocka_unit_test(test_user_lang),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
