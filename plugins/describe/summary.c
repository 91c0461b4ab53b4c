/* summary.c: descriptive statistics on plain arrays (mean, SD, type-7
 * quantiles, range) for the describe and table1 plugins. */
#include "summary.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

double ds_mean(const double *x, size_t n)
{
    if (n == 0) return NAN;
    long double s = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    long double m = s / (long double)n;
    /* second pass removes most of the rounding error of the first */
    long double t = 0;
    for (size_t i = 0; i < n; i++) t += x[i] - m;
    return (double)(m + t / (long double)n);
}

double ds_sd(const double *x, size_t n)
{
    if (n < 2) return NAN;
    double m = ds_mean(x, n);
    long double ss = 0;
    for (size_t i = 0; i < n; i++) {
        long double d = x[i] - m;
        ss += d * d;
    }
    return sqrt((double)(ss / (long double)(n - 1)));
}

double ds_quantile7(const double *sorted, size_t n, double prob)
{
    if (n == 0) return NAN;
    if (prob < 0) prob = 0;
    if (prob > 1) prob = 1;
    double index = (double)(n - 1) * prob;   /* 0-based position */
    double lo = floor(index), hi = ceil(index);
    double qlo = sorted[(size_t)lo], qhi = sorted[(size_t)hi];
    if (index > lo && qhi != qlo) {
        double h = index - lo;
        return (1 - h) * qlo + h * qhi;
    }
    return qlo;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void ds_sort(double *x, size_t n)
{
    if (n > 1) qsort(x, n, sizeof *x, cmp_double);
}

int ds_numeric_summary(const double *x, size_t n, ds_numeric *out)
{
    out->n = n;
    out->mean = ds_mean(x, n);
    out->sd = ds_sd(x, n);
    if (n == 0) {
        out->min = out->q1 = out->median = out->q3 = out->max = NAN;
        return 0;
    }
    double *s = malloc(n * sizeof *s);
    if (!s) return -1;
    memcpy(s, x, n * sizeof *s);
    ds_sort(s, n);
    out->min = s[0];
    out->max = s[n - 1];
    out->q1 = ds_quantile7(s, n, 0.25);
    out->median = ds_quantile7(s, n, 0.5);
    out->q3 = ds_quantile7(s, n, 0.75);
    free(s);
    return 0;
}
