/* tasks.h: the one way work runs on several threads.  Tasks 0..n-1 are
 * taken in turn by up to `threads` threads (the calling one among them),
 * each handed to fn exactly once; a thread that cannot be started leaves
 * its share to the others.  Used by the CSV reader (parts, joins, links),
 * the rerun cache (hashing) and the evaluator (units); in the background
 * (tasks_start) by the data files' SHA-256 (digests.h). */
#ifndef COHORT_TASKS_H
#define COHORT_TASKS_H
#include <stddef.h>

/* Task `task` of ctx; `caller` is 1 on the thread that called tasks_run. */
typedef void (*task_fn)(void *ctx, size_t task, int caller);

/* The threads a run takes when asked for `threads`: that many (at most
 * TASKS_MAX), or with 0 or less one a core, at most 8. */
#define TASKS_MAX 64
int tasks_threads(int threads);

/* Run tasks 0..n-1 of fn on min(tasks_threads(threads), n) threads and
 * return when all are done. */
void tasks_run(int threads, size_t n, task_fn fn, void *ctx);

/* The same tasks in the background: started on min(tasks_threads(threads),
 * n) new threads, and tasks_start returns at once (NULL when out of
 * memory: nothing started).  tasks_finish takes on the calling thread the
 * tasks no thread took (all of them when none could be started), waits
 * for the others and frees b; every task has then run exactly once.  fn
 * is called with caller 0 on the new threads. */
typedef struct tasks_bg tasks_bg;
tasks_bg *tasks_start(int threads, size_t n, task_fn fn, void *ctx);
void tasks_finish(tasks_bg *b);
#endif
