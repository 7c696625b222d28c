/* chart.h - the client's score chart, built for the overlay (ui/chart.c). */
#ifndef EZRIZI_UI_CHART_H
#define EZRIZI_UI_CHART_H

#include "core/scores.h"
#include "ui/draw.h"

/* The chart of s (NULL or empty: no lines) for width columns. */
void ui_chart_lines(const struct score_list *s, struct tlines *l, int width);

#endif
