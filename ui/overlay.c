/* overlay.c - the overlay as a mode (ui/mode.h): the help, or a command's
 * output, over the panes. Its keys are the "overlay" key table's (close,
 * scroll), then a root key that moves scrolls it too. ui_overlay_open
 * (ui/commands.h) opens it. */
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "core/i18n.h"
#include "core/xmalloc.h"
#include "ui/chart.h"
#include "ui/commands.h"
#include "ui/crisis_view.h"
#include "ui/mode.h"
#include "ui/pane.h"
#include "ui/state.h"
#include "ui/view.h"

static void
overlay_key(struct tui *t, const struct ui_key *k)
{
	tui_clear_error(t);
	if (!ui_mode_key(t, "overlay", k))
		ui_moving_key(t, k);
}

/* The lines: the help built for the width, or a command's output, its
 * tables keeping their lines, cut at the edge. */
static void
build(struct tui *t, int w, int rows)
{
	struct text_view *v = &t->overlay_view;

	tlines_clear(&v->lines);
	if (t->overlay_help) {
		ui_help_lines(t, &v->lines, w);
	} else if (t->overlay_crisis) {
		ui_crisis_lines(&t->m, &v->lines, w);
	} else if (t->overlay_chart) {
		struct client *c = model_client(&t->m);

		ui_chart_lines(c != NULL ? &c->scores : NULL, &v->lines, w);
	} else {
		for (const char *p = t->overlay_text; *p != '\0';) {
			size_t n = strcspn(p, "\n");
			char *line = xstrndup(p, n);

			tlines_add(&v->lines, line, A_NORMAL);
			free(line);
			p += n;
			if (*p == '\n')
				p++;
		}
	}
	text_view_built(v, 0, w, rows, false);
}

static bool
overlay_draw(struct tui *t)
{
	struct view *vw = t->view;
	struct text_view *v = &t->overlay_view;
	int w = COLS - 4;

	if (!vw->over_dirty)
		return false;
	if (!v->built || v->built_w != w)
		build(t, w, getmaxy(vw->over) - 2);
	list_set_rows(&v->list, getmaxy(vw->over) - 2);
	werase(vw->over);
	ui_border(vw->over);
	/* As the panes' titles: at the right in a right-to-left UI. */
	ui_cell(vw->over, 0, 2, COLS - 4, 0, COLS - 4, t->overlay_title, A_BOLD, false);
	/* TRANSLATORS: at the bottom of the help and output screens. */
	ui_cell(vw->over, getmaxy(vw->over) - 1, 2, COLS - 4, 0, COLS - 4, _(" ↑↓ scroll  q close "), A_NORMAL, false);
	for (int r = 0; r < v->list.rows; r++) {
		size_t i = v->list.top + (size_t)r;

		if (i < v->lines.n)
			tlines_draw(&v->lines, i, vw->over, 1 + r, 2, w, 0);
	}
	wnoutrefresh(vw->over);
	vw->over_dirty = false;
	return true;
}

static void
overlay_close(struct tui *t)
{
	t->relayout = true;
}

const struct mode_ops mode_overlay = {
	.name = "overlay",
	.rank = 10,
	.flags = MODE_COVERS_PANES,
	.key = overlay_key,
	.draw = overlay_draw,
	.close = overlay_close,
};
