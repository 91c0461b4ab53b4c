/* describe.c: the time ds_summary_select (plugins/describe/summary.c)
 * takes a value on the benchmark's number of rows (2,348,217 courses at
 * 1M patients), on three shapes of generated values: times (exponential,
 * mean 24 months, continuous), a 0/1/2 status and 16 integer ties (a dose
 * in Gy); best of 5 runs each, the values copied afresh before each run
 * (the selection reorders them).  Then describe's stages (ds_stages_*, as
 * the plugin takes a number without by) and the 0/1 count (ds_count01)
 * of the same values, each stage's best of 5 after a 256 MiB sweep that
 * puts the values out of the caches, as the run finds its columns.
 * Built and run by bench/describe.sh.
 *   describe [N] */
#define _POSIX_C_SOURCE 200809L
#include "summary.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* describe's stages on src[0..n-1] (every value kept), and the 0/1
 * count of their parity, each the best of 5 after a sweep of the caches */
static void stages(const double *src, size_t n, const char *name)
{
    enum { SWEEP = 256 << 20 };
    unsigned char *miss = calloc(n + 1, 1), *sweep = malloc(SWEEP);
    double *bits = malloc((n + 1) * sizeof *bits);
    if (!miss || !sweep || !bits) exit(1);
    for (size_t i = 0; i < n; i++) bits[i] = (double)((size_t)src[i] & 1);
    double best[DS_PARTS + 3];
    for (int k = 0; k < DS_PARTS + 3; k++) best[k] = 1e9;
    for (int r = 0; r < 5; r++) {
        ds_stages st;
        ds_numeric o;
        memset(sweep, r, SWEEP);
        double t = now();
        ds_stages_scan(&st, src, miss, n, NULL, &o, 1);
        double d[DS_PARTS + 3];
        d[0] = now() - t;
        for (int p = 0; p < DS_PARTS; p++) {
            memset(sweep, r, SWEEP);
            t = now();
            ds_stages_pass(&st, p);
            d[1 + p] = now() - t;
        }
        t = now();
        ds_stages_finish(&st, &o);
        d[DS_PARTS + 1] = now() - t;
        size_t c[3];
        memset(sweep, r, SWEEP);
        t = now();
        ds_count01(bits, miss, n, c, 1);
        d[DS_PARTS + 2] = now() - t;
        for (int k = 0; k < DS_PARTS + 3; k++)
            if (d[k] < best[k]) best[k] = d[k];
    }
    printf("  %-20s stages (ms): scan %.2f, mean %.2f, squares %.2f, buckets %.2f, quantiles %.2f; 0/1 count %.2f\n",
           name, best[0] * 1e3, best[1] * 1e3, best[2] * 1e3, best[3] * 1e3, best[4] * 1e3, best[5] * 1e3);
    free(miss);
    free(sweep);
    free(bits);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 2348217;
    double *src = malloc((n + 1) * sizeof *src), *x = malloc((n + 1) * sizeof *x);
    if (!src || !x || n == 0) return 1;
    static const char *const shape[] = {"times (continuous)", "status 0/1/2", "16 ties"};
    unsigned s = 1;
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < n; i++) {
            s = s * 1103515245u + 12345u;
            double u = (double)(s >> 8) / 16777216.0;
            src[i] = k == 0 ? -log(1 - u) * 730.5 / 30.4375 : k == 1 ? (double)((s >> 16) % 3)
                                                             : 15 + (double)((s >> 16) % 16);
        }
        double best = 1e9;
        ds_numeric o;
        for (int r = 0; r < 5; r++) {
            memcpy(x, src, n * sizeof *x);
            double t = now();
            ds_summary_select(x, n, &o);
            t = now() - t;
            if (t < best) best = t;
        }
        printf("  %-20s %8.2f ms  %6.2f ns a value  (median %.6g)\n", shape[k], best * 1e3,
               best * 1e9 / (double)n, o.median);
        stages(src, n, shape[k]);
    }
    free(src);
    free(x);
    return 0;
}
