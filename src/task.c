/* task.c - tasks on stacks of their own; see include/core/task.h. */
#include "core/task.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define TASK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TASK_ASAN 1
#endif
#endif
#ifdef TASK_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

/* As much as the main thread has: a command's deepest path (a deeply nested
 * JSON document, SQLite, the key derivation) runs on it. Only the pages it
 * touches are ever backed by memory; a guard page below it makes an overflow
 * a crash, never a write into something else. */
#define TASK_STACK (8u << 20)

struct task {
	ucontext_t regs;          /* the task's, while it waits */
	ucontext_t back;          /* the loop's, while the task runs */
	unsigned char *map;       /* the guard page, then the stack */
	size_t map_len;
	task_fn *fn;
	void *arg;
	const bool *waits_on;     /* what it waits for; NULL while it runs */
	bool done;
#ifdef TASK_ASAN
	void *fake;               /* AddressSanitizer's record of a suspended stack */
	const void *back_bottom;  /* the loop's stack, as AddressSanitizer knows it */
	size_t back_size;
#endif
};

static struct task *current;

/* Stack switches, announced to AddressSanitizer when it watches. */
static void
leaving(void **fake, const void *to_bottom, size_t to_size)
{
#ifdef TASK_ASAN
	__sanitizer_start_switch_fiber(fake, to_bottom, to_size);
#else
	(void)fake, (void)to_bottom, (void)to_size;
#endif
}

static void
arrived(void *fake, const void **from_bottom, size_t *from_size)
{
#ifdef TASK_ASAN
	__sanitizer_finish_switch_fiber(fake, from_bottom, from_size);
#else
	(void)fake, (void)from_bottom, (void)from_size;
#endif
}

/* swapcontext(save, to), as getcontext + setcontext: the same switch, which
 * AddressSanitizer does not intercept with a warning on standard error (the
 * stacks are announced to it by leaving/arrived instead). */
static void
switch_to(ucontext_t *save, const ucontext_t *to)
{
	volatile bool resumed = false;

	if (getcontext(save) != 0)
		abort();
	if (!resumed) {
		resumed = true;
		setcontext(to);
		abort();
	}
}

static void
trampoline(void)
{
	struct task *k = current;

#ifdef TASK_ASAN
	arrived(NULL, &k->back_bottom, &k->back_size);
#endif
	k->fn(k->arg);
	k->done = true;
	k->waits_on = NULL;
#ifdef TASK_ASAN
	leaving(NULL, k->back_bottom, k->back_size);  /* NULL: this stack is over */
#endif
	setcontext(&k->back);
	abort();
}

/* Runs k from the loop until it waits or ends. */
static void
run(struct task *k)
{
	void *fake = NULL;

	if (current != NULL)
		abort();  /* tasks do not nest */
	current = k;
	leaving(&fake, k->map + getpagesize(), k->map_len - (size_t)getpagesize());
	switch_to(&k->back, &k->regs);
	arrived(fake, NULL, NULL);
	current = NULL;
}

struct task *
task_start(task_fn *fn, void *arg)
{
	struct task *k = calloc(1, sizeof *k);
	size_t page = (size_t)getpagesize();

	if (k == NULL)
		abort();
	k->map_len = TASK_STACK + page;
	k->map = mmap(NULL, k->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (k->map == MAP_FAILED || mprotect(k->map, page, PROT_NONE) != 0)
		abort();
	k->fn = fn;
	k->arg = arg;
	if (getcontext(&k->regs) != 0)
		abort();
	k->regs.uc_stack.ss_sp = k->map + page;
	k->regs.uc_stack.ss_size = TASK_STACK;
	k->regs.uc_link = NULL;
	makecontext(&k->regs, trampoline, 0);
	run(k);
	return k;
}

bool
task_done(const struct task *k)
{
	return k->done;
}

bool
task_ready(const struct task *k)
{
	return k->done || k->waits_on == NULL || *k->waits_on;
}

const bool *
task_waiting_on(const struct task *k)
{
	static const bool yes = true;

	return task_ready(k) ? &yes : k->waits_on;
}

void
task_resume(struct task *k)
{
	if (!k->done && task_ready(k))
		run(k);
}

void
task_destroy(struct task *k)
{
	if (k == NULL)
		return;
	if (!k->done)
		abort();  /* its stack holds what only it can free */
#ifdef TASK_ASAN
	/* What the task's frames left poisoned must not outlive the mapping. */
	__asan_unpoison_memory_region(k->map, k->map_len);
#endif
	munmap(k->map, k->map_len);
	free(k);
}

/* The detached tasks (task_spawn), in the order they began. */
static struct task **detached;
static size_t n_detached;

void
task_spawn(task_fn *fn, void *arg)
{
	struct task *k = task_start(fn, arg);

	if (task_done(k)) {
		task_destroy(k);
		return;
	}
	detached = realloc(detached, (n_detached + 1) * sizeof *detached);
	if (detached == NULL)
		abort();
	detached[n_detached++] = k;
}

void
task_run_detached(void)
{
	if (current != NULL)
		abort();
	for (size_t i = 0; i < n_detached;) {
		struct task *k = detached[i];

		task_resume(k);
		if (!task_done(k)) {
			i++;
			continue;
		}
		task_destroy(k);
		memmove(&detached[i], &detached[i + 1], (--n_detached - i) * sizeof *detached);
	}
	if (n_detached == 0) {
		free(detached);
		detached = NULL;
	}
}

struct task *
task_current(void)
{
	return current;
}

bool
task_wait(const bool *done)
{
	struct task *k = current;

	if (k == NULL)
		return false;
	while (!*done) {
		k->waits_on = done;
		current = NULL;
#ifdef TASK_ASAN
		leaving(&k->fake, k->back_bottom, k->back_size);
#endif
		switch_to(&k->regs, &k->back);
#ifdef TASK_ASAN
		arrived(k->fake, &k->back_bottom, &k->back_size);
#endif
		current = k;
	}
	k->waits_on = NULL;
	return true;
}
