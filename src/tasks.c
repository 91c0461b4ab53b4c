/* tasks.c: tasks taken in turn by a few threads (tasks.h). */
#include "tasks.h"
#include <pthread.h>
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
