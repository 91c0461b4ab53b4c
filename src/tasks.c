/* tasks.c: tasks taken in turn by a few threads (tasks.h), now or in
 * the background. */
#include "tasks.h"
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

int tasks_threads(int threads)
{
    if (threads <= 0) {
        long c = sysconf(_SC_NPROCESSORS_ONLN);
        threads = c > 0 ? (c > 8 ? 8 : (int)c) : 1;
    }
    return threads > TASKS_MAX ? TASKS_MAX : threads;
}

typedef struct taskq {
    task_fn fn;
    void *ctx;
    size_t n, next;
    pthread_mutex_t lock;
} taskq;

static void take(taskq *q, int caller)
{
    for (;;) {
        pthread_mutex_lock(&q->lock);
        size_t i = q->next++;
        pthread_mutex_unlock(&q->lock);
        if (i >= q->n) return;
        q->fn(q->ctx, i, caller);
    }
}

static void *worker(void *arg)
{
    take(arg, 0);
    return NULL;
}

void tasks_run(int threads, size_t n, task_fn fn, void *ctx)
{
    pthread_t th[TASKS_MAX];
    int started[TASKS_MAX] = {0};
    int k = tasks_threads(threads);
    if ((size_t)k > n) k = n ? (int)n : 1;
    taskq q = {fn, ctx, n, 0, PTHREAD_MUTEX_INITIALIZER};
    for (int i = 1; i < k; i++) started[i] = pthread_create(&th[i], NULL, worker, &q) == 0;
    take(&q, 1);
    for (int i = 1; i < k; i++)
        if (started[i]) pthread_join(th[i], NULL);
    pthread_mutex_destroy(&q.lock);
}

struct tasks_bg {
    taskq q;
    pthread_t th[TASKS_MAX];
    int started[TASKS_MAX];
    int k;
};

tasks_bg *tasks_start(int threads, size_t n, task_fn fn, void *ctx)
{
    tasks_bg *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->k = tasks_threads(threads);
    if ((size_t)b->k > n) b->k = (int)n;
    b->q = (taskq){fn, ctx, n, 0, PTHREAD_MUTEX_INITIALIZER};
    for (int i = 0; i < b->k; i++) b->started[i] = pthread_create(&b->th[i], NULL, worker, &b->q) == 0;
    return b;
}

void tasks_finish(tasks_bg *b)
{
    if (!b) return;
    take(&b->q, 1);     /* what no thread took (none could be started) */
    for (int i = 0; i < b->k; i++)
        if (b->started[i]) pthread_join(b->th[i], NULL);
    pthread_mutex_destroy(&b->q.lock);
    free(b);
}
