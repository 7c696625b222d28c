/* status.c - see ui/status.h. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "core/i18n.h"
#include "core/utf8.h"
#include "ui/status.h"

static struct status_look looks[] = {
	/* TRANSLATORS: the letter of a booked appointment in the list. Translate only
	 * what follows '|': one letter, a different one for each of the seven statuses
	 * (the first of the status's word reads best). */
	{ "booked", N_("booked|B"), UC_NORMAL, "" },
	/* TRANSLATORS: the letter of a client checked in (arrived); only after '|'. */
	{ "arrived checked-in", N_("checked in|C"), UC_GOOD, "" },
	/* TRANSLATORS: the letter of a session that took place; only after '|'. */
	{ "fulfilled", N_("fulfilled|F"), UC_DONE, "" },
	/* TRANSLATORS: the letter of a cancelled appointment; only after '|'. */
	{ "cancelled", N_("cancelled|X"), UC_BAD, "" },
	/* TRANSLATORS: the letter of a client who did not come; only after '|'. */
	{ "noshow", N_("no-show|N"), UC_BAD, "" },
	/* TRANSLATORS: the letter of a pending or proposed appointment; only after '|'. */
	{ "pending proposed", N_("pending|P"), UC_WARN, "" },
	/* TRANSLATORS: the letter of a place on the waiting list; only after '|'. */
	{ "waitlist", N_("waitlist|W"), UC_WARN, "" },
};

#define N_LOOKS (sizeof looks / sizeof looks[0])

/* What follows the '|' of s. */
static const char *
after_bar(const char *s)
{
	const char *bar = strrchr(s, '|');

	return bar != NULL ? bar + 1 : s;
}

/* One code point, one column, a letter or a sign (no mark, no space). */
static bool
one_letter(const char *s)
{
	uint32_t cp;
	size_t n = utf8_decode(s, strlen(s), &cp);

	return n > 0 && s[n] == '\0' && cp > ' ' && wcwidth((wchar_t)cp) == 1 && n < sizeof looks[0].letter;
}

bool
status_letters_init(const char *(*tr)(const char *msgid))
{
	bool ok = true;

	for (size_t i = 0; i < N_LOOKS; i++) {
		const char *l = after_bar(tr(looks[i].msgid));

		ok = ok && one_letter(l);
		snprintf(looks[i].letter, sizeof looks[i].letter, "%s", ok ? l : "");
		for (size_t k = 0; ok && k < i; k++)
			ok = strcmp(looks[k].letter, looks[i].letter) != 0;
	}
	if (!ok) {
		for (size_t i = 0; i < N_LOOKS; i++)
			snprintf(looks[i].letter, sizeof looks[i].letter, "%s", after_bar(looks[i].msgid));
	}
	return ok;
}

/* Is code one of the words of codes? */
static bool
has_code(const char *codes, const char *code)
{
	size_t n = strlen(code);

	for (const char *p = codes; (p = strstr(p, code)) != NULL; p += n) {
		if ((p == codes || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	}
	return false;
}

static const char *
translate(const char *msgid)
{
	return gettext(msgid);
}

/* Letters not chosen yet: as the locale says. */
static void
chosen(void)
{
	if (looks[0].letter[0] == '\0')
		status_letters_init(translate);
}

const struct status_look *
status_look_of(const char *status)
{
	static const struct status_look unknown = { "", "?", UC_NORMAL, "?" };

	chosen();
	for (size_t i = 0; status != NULL && status[0] != '\0' && i < N_LOOKS; i++) {
		if (has_code(looks[i].codes, status))
			return &looks[i];
	}
	return &unknown;
}

const struct status_look *
status_looks(size_t *n)
{
	chosen();
	*n = N_LOOKS;
	return looks;
}
