/* front.c - see include/core/front.h. */
#include "core/front.h"

struct secret *
front_ask_secret(const struct front_ops *f, const char *prompt, unsigned flags, struct error *err)
{
	struct secret *sec;
	struct error e;

	if (f == NULL || f->ask_secret == NULL)
		return NULL;
	error_clear(&e);
	sec = f->ask_secret(prompt, flags, f->arg, &e);
	if (sec == NULL && e.kind != ERR_NONE && err != NULL && err->kind == ERR_NONE)
		*err = e;
	return sec;
}

int
front_paste_fd(const struct front_ops *f, bool *close_it)
{
	*close_it = false;
	if (f == NULL || f->paste_fd == NULL)
		return -1;
	return f->paste_fd(f->arg, close_it);
}
