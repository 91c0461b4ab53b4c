/* digests.c: the data files' SHA-256 on background threads (digests.h).
 * The files are taken largest first so that the last one to finish is a
 * small one (1M benchmark: 506, 485, 268, 150 and 107 MB; two threads
 * share them as 763 and 753 MB). */
#include "digests.h"
#include "tasks.h"
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct digests {
    size_t n;
    char **path;            /* by file; NULL: not hashed */
    size_t *order;          /* the files, largest first */
    digest_of *of;
    atomic_int stop;
    tasks_bg *bg;           /* NULL once waited for */
};

static int same_stat(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void hash_one(void *ctx, size_t task, int caller)
{
    (void)caller;
    digests *d = ctx;
    size_t i = d->order[task];
    digest_of *o = &d->of[i];
    if (!d->path[i] || clock_gettime(CLOCK_REALTIME, &o->seen) != 0) return;
    int fd = open(d->path[i], O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat after;
    if (fstat(fd, &o->st) == 0 && sha256_fd(fd, o->sha256, &d->stop) == 0) {
        o->ok = 1;
        o->unchanged = fstat(fd, &after) == 0 && same_stat(&o->st, &after);
    }
    close(fd);
}

static off_t size_of(const char *path)
{
    struct stat st;
    return path && stat(path, &st) == 0 ? st.st_size : -1;
}

digests *digests_start(const char *const *paths, size_t n, int threads)
{
    digests *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    atomic_init(&d->stop, 0);
    off_t *size = calloc(n + 1, sizeof *size);
    d->n = n;
    d->path = calloc(n + 1, sizeof *d->path);
    d->order = calloc(n + 1, sizeof *d->order);
    d->of = calloc(n + 1, sizeof *d->of);
    int bad = !size || !d->path || !d->order || !d->of;
    for (size_t i = 0; i < n && !bad; i++) {
        if (paths[i] && !(d->path[i] = strdup(paths[i]))) bad = 1;
        size[i] = size_of(paths[i]);
    }
    size_t m = 0;
    for (size_t i = 0; i < n && !bad; i++) {
        if (!d->path[i]) continue;
        /* insertion by size, larger first, ties in file order */
        size_t k = m++;
        while (k > 0 && size[d->order[k - 1]] < size[i]) {
            d->order[k] = d->order[k - 1];
            k--;
        }
        d->order[k] = i;
    }
    free(size);
    if (!bad && !(d->bg = tasks_start(threads, m, hash_one, d))) bad = 1;
    if (bad) {
        digests_free(d);
        return NULL;
    }
    return d;
}

const digest_of *digests_wait(digests *d, size_t i)
{
    tasks_finish(d->bg);
    d->bg = NULL;
    return i < d->n ? &d->of[i] : NULL;
}

void digests_free(digests *d)
{
    if (!d) return;
    atomic_store(&d->stop, 1);
    tasks_finish(d->bg);
    for (size_t i = 0; d->path && i < d->n; i++) free(d->path[i]);
    free(d->path);
    free(d->order);
    free(d->of);
    free(d);
}
