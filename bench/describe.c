/* describe.c: the time ds_summary_select (plugins/describe/summary.c)
 * takes a value on the benchmark's number of rows (2,348,217 courses at
 * 1M patients), on three shapes of generated values: times (exponential,
 * mean 24 months, continuous), a 0/1/2 status and 16 integer ties (a dose
 * in Gy); best of 5 runs each, the values copied afresh before each run
 * (the selection reorders them).  Built and run by bench/describe.sh.
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
    }
    free(src);
    free(x);
    return 0;
}
