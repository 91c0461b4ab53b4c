/* pages.c: what a fresh page of memory costs on this machine, printed by
 * every benchmark before its figures (bench/preamble.sh).  Three ways of
 * getting MB mebibytes of zeroed memory, each timed: touching a fresh
 * anonymous mapping page by page (one fault each), the same mapping made
 * with MAP_POPULATE (one call), and memory this process touched before
 * (reused, no fault).  On a virtual machine whose host backs the guest's
 * memory lazily, a page the guest has never used costs far more than one
 * it has used and freed, so the first figure changes with the machine's
 * history; it is the cost every program on the machine pays.
 *   pages [MB] */
#define _DEFAULT_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* seconds to map n bytes with the given flags and write one byte per page */
static double touch(size_t n, int flags, char **keep)
{
    double t0 = now();
    char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
    if (p == MAP_FAILED) { perror("pages: mmap"); exit(1); }
    for (size_t i = 0; i < n; i += 4096) p[i] = 1;
    double t = now() - t0;
    if (keep) *keep = p; else munmap(p, n);
    return t;
}

int main(int argc, char **argv)
{
    size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
    if (mb == 0) mb = 256;
    size_t n = mb << 20, pages = n / 4096;
    char *p;
    double fresh = touch(n, 0, &p);
    double populate = touch(n, MAP_POPULATE, NULL);
    double t0 = now();
    memset(p, 0, n);
    double reused = now() - t0;
    munmap(p, n);
    printf("memory: a fresh 4 KiB page costs %.2f us (faulted), %.2f us (MAP_POPULATE), "
           "%.2f us reused (%zu MiB)\n", fresh / pages * 1e6, populate / pages * 1e6,
           reused / pages * 1e6, mb);
    return 0;
}
