/* mode.c - see ui/mode.h. */
#include <stdlib.h>
#include <string.h>

#include "ui/mode.h"

static int
index_of(const struct mode_stack *s, const struct mode_ops *m)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i] == m)
			return (int)i;
	}
	return -1;
}

static void
remove_at(struct mode_stack *s, size_t i)
{
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof s->v[0]);
	s->n--;
}

void
mode_push(struct mode_stack *s, struct tui *t, const struct mode_ops *m)
{
	size_t at;

	if (index_of(s, m) >= 0)
		return;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i]->rank == m->rank) {
			mode_pop(s, t, s->v[i]);
			break;
		}
	}
	if (s->n == MODE_MAX)
		abort();   /* more modes than there are */
	for (at = s->n; at > 0 && s->v[at - 1]->rank > m->rank; at--)
		;
	memmove(&s->v[at + 1], &s->v[at], (s->n - at) * sizeof s->v[0]);
	s->v[at] = m;
	s->n++;
}

bool
mode_pop(struct mode_stack *s, struct tui *t, const struct mode_ops *m)
{
	int i = index_of(s, m);

	if (i < 0)
		return false;
	remove_at(s, (size_t)i);
	if (m->close != NULL)
		m->close(t);
	return true;
}

bool
mode_has(const struct mode_stack *s, const struct mode_ops *m)
{
	return index_of(s, m) >= 0;
}

const struct mode_ops *
mode_top(const struct mode_stack *s)
{
	return s->n > 0 ? s->v[s->n - 1] : NULL;
}

const struct mode_ops *
mode_below(const struct mode_stack *s, const struct mode_ops *m)
{
	int i = index_of(s, m);

	return i > 0 ? s->v[i - 1] : NULL;
}

int
mode_covering(const struct mode_stack *s)
{
	for (size_t i = s->n; i > 0; i--) {
		if (s->v[i - 1]->flags & (MODE_COVERS_PANES | MODE_COVERS_ALL))
			return (int)i - 1;
	}
	return -1;
}

bool
mode_key(const struct mode_stack *s, struct tui *t, const struct ui_key *k)
{
	const struct mode_ops *m = mode_top(s);

	if (m == NULL)
		return false;
	m->key(t, k);
	return true;
}

void
mode_resize(const struct mode_stack *s, struct tui *t)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i]->resize != NULL)
			s->v[i]->resize(t);
	}
}
