/* chart.c - the client's score chart in the overlay (score-chart, key S):
 * an instrument at a time, in help's order, under its heading ("PHQ-9 (0 to
 * 27)"), a line a score: the day in the user's words, a bar scaled to the
 * instrument's highest score, the score, the change since the instrument's
 * first and the band. Built for the overlay's width from the model, so it
 * follows a resize. In Arabic and Urdu every line reads from the right: the
 * day at the right edge, the bar growing leftwards from it (its part-cell
 * one that fills from the right), the digits the screen's; the instrument's
 * name stays one left-to-right piece ("PHQ-9", never "9-PHQ"). */
#include <stdio.h>
#include <stdlib.h>

#include "core/i18n.h"
#include "core/sanitize.h"
#include "core/scores.h"
#include "core/xmalloc.h"
#include "ui/bidi.h"
#include "ui/chart.h"
#include "ui/localfmt.h"

/* The widest a band may take before the bar gives up room for it. */
#define BAND_MAX 24
#define BAR_MIN 8
#define BAR_MAX 40

/* A line of ours: its digits the screen's (those in isolates stay), read
 * from where the UI's language starts. */
static void
add_line(struct tlines *l, const char *s, int attr)
{
	char *local = lf_digits(s), *ours = ui_ours(local);

	tlines_add(l, ours, attr);
	free(ours);
	free(local);
}

/* The band's words: ours translated, or the server's code, sanitised and
 * isolated (new string). */
static char *
band_of(const struct score *sc)
{
	char *safe = sanitize_display(score_band_label(sc), (size_t)-1, 0);
	char *iso = bidi_isolate_text(safe, BIDI_AUTO);

	free(safe);
	return iso;
}

struct layout {
	int day_w, bar_w;
	bool utf8, rtl;
};

static struct layout
measure(const struct score_list *s, int width)
{
	struct layout lo = { 0, 0, ui_utf8(), ui_direction() == BIDI_RTL };
	int band_w = 0;

	for (size_t i = 0; i < s->n; i++) {
		char day[64], *band = band_of(&s->v[i]);
		int w;

		lf_date(date_of(s->v[i].date), day, sizeof day);
		if ((w = display_width(day)) > lo.day_w)
			lo.day_w = w;
		if ((w = display_width(band)) > band_w)
			band_w = w;
		free(band);
	}
	if (band_w > BAND_MAX)
		band_w = BAND_MAX;
	/* "  DAY  BAR SCORE CHANGE  BAND" */
	lo.bar_w = width - (2 + lo.day_w + 2 + 4 + 5 + 2) - band_w;
	if (lo.bar_w < BAR_MIN)
		lo.bar_w = BAR_MIN;
	if (lo.bar_w > BAR_MAX)
		lo.bar_w = BAR_MAX;
	return lo;
}

static void
add_row(struct tlines *l, const struct score *sc, const struct score *first,
	const struct layout *lo)
{
	char day[64], change[16] = "", score[16] = "";
	char *bar = scores_bar(score_level(sc), instrument_max_score(sc->in), lo->bar_w, lo->utf8,
			       lo->rtl);
	char *band = band_of(sc), *line;
	int pad = lo->bar_w - display_width(bar), day_pad;

	lf_date(date_of(sc->date), day, sizeof day);
	day_pad = lo->day_w - display_width(day);
	if (sc->score >= 0)
		snprintf(score, sizeof score, "%3d", sc->score);
	if (sc != first && sc->score >= 0 && first->score >= 0)
		snprintf(change, sizeof change, sc->score > first->score ? "+%d" : "%d",
			 sc->score - first->score);
	line = xasprintf("  %s%*s  %s%*s %3s %4s  %s", day, day_pad > 0 ? day_pad : 0, "", bar,
			 pad > 0 ? pad : 0, "", score, change, band);
	add_line(l, line, 0);
	free(line);
	free(band);
	free(bar);
}

void
ui_chart_lines(const struct score_list *s, struct tlines *l, int width)
{
	size_t n;
	const struct instrument *const *all = instrument_all(&n);
	struct layout lo;

	if (s == NULL || s->n == 0)
		return;
	lo = measure(s, width);
	for (size_t i = 0; i < n; i++) {
		const struct score *first = NULL;

		for (size_t k = 0; k < s->n; k++) {
			if (s->v[k].in != all[i])
				continue;
			if (first == NULL) {
				char *name = bidi_isolate(all[i]->name), *head;

				if (l->n > 0)
					tlines_add(l, "", 0);
				/* TRANSLATORS: a chart's heading: "PHQ-9 (0 to 27)". */
				head = xasprintf(_("%s (0 to %d)"), name, instrument_max_score(all[i]));
				add_line(l, head, A_BOLD);
				free(head);
				free(name);
				first = &s->v[k];
			}
			add_row(l, &s->v[k], first, &lo);
		}
	}
}
