/* writes.c: what writing a new file costs on this machine by the size of
 * each write() (out11, session 11).  For each size in turn (4 KiB to
 * 1 MiB, twice, alternated), writes MB mebibytes to a new file in DIR and
 * prints the wall and system time and the time a 4 KiB page; the files
 * are removed only at the end, so that no size reuses the pages another
 * freed.  On this project's VM (Linux 6.18, ext4), writes of 32 KiB or
 * more fill the page cache with large folios taken from memory the host
 * has not backed lately and cost about ten times as much a page as writes
 * of 16 KiB or less (small pages); the rerun cache writes its entries in
 * pieces of 16 KiB for that (src/colcache.c, fput).
 *   writes DIR [MB] */
#define _DEFAULT_SOURCE 1
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double sys_time(void)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double)r.ru_stime.tv_sec + (double)r.ru_stime.tv_usec * 1e-6;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: writes DIR [MB]\n");
        return 2;
    }
    size_t mb = argc > 2 ? strtoul(argv[2], NULL, 10) : 256;
    if (mb == 0) mb = 256;
    static const size_t kib[] = {4, 16, 32, 1024, 16, 4, 1024, 32, 64, 256};
    enum { N = sizeof kib / sizeof kib[0] };
    char *buf = malloc(1024 << 10);
    if (!buf) return 1;
    memset(buf, 7, 1024 << 10);
    char path[N][4096];
    for (size_t k = 0; k < N; k++) {
        snprintf(path[k], sizeof path[k], "%s/writes-%zu-%zu.tmp", argv[1], k, kib[k]);
        int fd = open(path[k], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0) {
            perror(path[k]);
            return 1;
        }
        size_t piece = kib[k] << 10, total = mb << 20;
        double t0 = now(), s0 = sys_time();
        for (size_t at = 0; at < total; at += piece)
            if (write(fd, buf, piece) != (ssize_t)piece) {
                perror("writes: write");
                return 1;
            }
        double t = now() - t0;
        printf("writes of %4zu KiB: %zu MiB in %.3f s (system %.3f s), %.2f us a 4 KiB page\n", kib[k],
               mb, t, sys_time() - s0, t * 1e6 / (double)(total >> 12));
        close(fd);
    }
    for (size_t k = 0; k < N; k++) unlink(path[k]);
    free(buf);
    return 0;
}
