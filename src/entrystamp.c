/* entrystamp.c: an entry's own identity, stamped by its writer and checked
 * by its readers instead of hashing it (entrystamp.h).
 *
 * Why M in the past: a write by anyone after entry_stamp_apply sets the
 * modification time to the current time, which is then later than M, so
 * the stamp no longer holds; with M = now, a write within the same clock
 * tick (the kernel's file times come from a coarse clock, a few ms) could
 * leave it equal.  Why M's nanoseconds are never 0: a filesystem that
 * keeps whole seconds (or 2 s) would store an M with zero nanoseconds
 * exactly, and a write in the same second could then round back to it;
 * with nonzero nanoseconds such a filesystem never holds M and its
 * entries are never trusted. */
#include "entrystamp.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int entry_stamp_choose(int fd, uint64_t size, entry_stamp *s)
{
    struct stat st;
    struct timespec now;
    memset(s, 0, sizeof *s);
    if (fstat(fd, &st) != 0 || clock_gettime(CLOCK_REALTIME, &now) != 0 || now.tv_sec < 2) return -1;
    s->dev = (uint64_t)st.st_dev;
    s->ino = (uint64_t)st.st_ino;
    s->size = size;
    s->mtime_sec = (int64_t)now.tv_sec - 1;
    s->mtime_nsec = now.tv_nsec ? (int64_t)now.tv_nsec : 1;
    return 0;
}

int entry_stamp_apply(int fd, const entry_stamp *s)
{
    if (!s->size) return 0;
    struct timespec t[2] = {{0, UTIME_OMIT}, {(time_t)s->mtime_sec, (long)s->mtime_nsec}};
    struct stat st;
    return futimens(fd, t) == 0 && fstat(fd, &st) == 0 && entry_stamp_holds(&st, s);
}

int entry_stamp_holds(const struct stat *st, const entry_stamp *s)
{
    return s->size && (uint64_t)st->st_dev == s->dev && (uint64_t)st->st_ino == s->ino &&
           (uint64_t)st->st_size == s->size && (int64_t)st->st_mtim.tv_sec == s->mtime_sec &&
           (int64_t)st->st_mtim.tv_nsec == s->mtime_nsec;
}

int entry_stamp_rewrite(int fd, const void *hdr, size_t n, const entry_stamp *s)
{
    struct stat st;
    int held = fstat(fd, &st) == 0 && entry_stamp_holds(&st, s);
    if (pwrite(fd, hdr, n, 0) != (ssize_t)n) return -1;
    if (held) (void)entry_stamp_apply(fd, s);
    return 0;
}

int entry_stamp_distrusted(void)
{
    const char *v = getenv("COHORT_CACHE");
    return v && !strcmp(v, "verify");
}
