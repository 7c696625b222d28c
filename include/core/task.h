/* task.h - a command that waits for the server, resumed on the one loop.
 *
 * A task runs a function on a stack of its own. When the code it runs waits
 * for the server (http_wait, through every fhir_* call), the task is
 * suspended and control goes back to whoever started or resumed it: the one
 * loop goes on (keys, drawing, the panes' transfers, timers) and resumes the
 * task once what it waits for is done. The task's stack is its continuation:
 * the handler stays straight-line C, and no loop ever runs inside another
 * (tmux's CMD_RETURN_WAIT, with the wait inside the handler instead of a
 * callback chain).
 *
 * One thread: a task runs only between task_start/task_resume and its next
 * wait, so nothing runs at the same time as anything else. What a task holds
 * across a wait is its own; the front end must not lend it pointers into
 * state the loop may free meanwhile (hold ids, and look them up again).
 *
 *   struct task *k = task_start(fn, arg);   runs fn until it waits or ends
 *   while (!task_done(k)) {
 *           ... the loop: poll, http_step ...   (batch: http_wait(h, task_waiting_on(k)))
 *           task_resume(k);                    runs it if what it waits on is done
 *   }
 *   task_destroy(k);
 *
 * Tasks do not nest: a task that starts a task is a programming error
 * (abort). Outside any task, task_wait is refused (false): the caller waits
 * the old way, stepping the network itself (batch mode's capped wait).
 *
 * Built on getcontext/makecontext/setcontext; under AddressSanitizer every
 * switch of stacks is announced to it (__sanitizer_*_switch_fiber), so its
 * reports stay exact. */
#ifndef EZRIZI_TASK_H
#define EZRIZI_TASK_H

#include <stdbool.h>

struct task;
typedef void task_fn(void *arg);

/* Starts fn(arg) on a new stack and runs it until it first waits or ends.
 * Returns the task (never NULL: aborts when no stack can be had). */
struct task *task_start(task_fn *fn, void *arg);

/* Whether fn has returned. */
bool task_done(const struct task *k);

/* Whether the task waits for nothing any more (what it waits on is done, or
 * it has ended): task_resume would run it. */
bool task_ready(const struct task *k);

/* What the task waits on: a flag that the loop's network makes true (a
 * batch front end waits on it with http_wait); a true one when it is ready. */
const bool *task_waiting_on(const struct task *k);

/* Runs a ready task until its next wait or its end; a task not ready is left
 * waiting. */
void task_resume(struct task *k);

/* Frees a task that has ended (NULL is accepted). Aborts on a task that has
 * not ended: its stack holds state nobody else can free. */
void task_destroy(struct task *k);

/* Starts fn(arg) as a task nobody waits for (a token refreshed for a request
 * that came back 401, in a callback on the loop): it runs until it waits,
 * task_run_detached resumes it when its wait is over, and it is freed when it
 * ends. */
void task_spawn(task_fn *fn, void *arg);

/* Resumes the detached tasks whose wait is over, and frees those that have
 * ended. The network calls it after every turn (http_step). Outside any task
 * only. */
void task_run_detached(void);

/* The task running now, or NULL outside any task. */
struct task *task_current(void);

/* Inside a task: suspends it until *done is true, and returns true once it
 * is. Outside any task: returns false at once, and the caller waits itself. */
bool task_wait(const bool *done);

#endif
