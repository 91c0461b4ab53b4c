/* summary.c: descriptive statistics on plain arrays (mean, SD, type-7
 * quantiles, range) for the describe and table1 plugins. */
#include "summary.h"
#include <math.h>
#include <stdint.h>
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

/* The bits of x as an unsigned key in the order of the numbers (-0 as +0,
 * so equal numbers keep their order, as a stable sort would). */
static uint64_t sort_key(double x)
{
    uint64_t u;
    if (x == 0) x = 0;
    memcpy(&u, &x, sizeof u);
    return u >> 63 ? ~u : u | ((uint64_t)1 << 63);
}

/* LSD radix sort on 16-bit digits (stable; passes whose digit is the same
 * in every key are skipped): linear in n.  Small or NaN-holding inputs, or
 * no memory for the work space, fall back to qsort. */
void ds_sort(double *x, size_t n)
{
    enum { DIGITS = 4, RADIX = 1 << 16 };
    if (n < 2) return;
    uint64_t *key = n >= 512 ? malloc(2 * n * sizeof *key) : NULL;
    size_t *cnt = key ? calloc((size_t)DIGITS * RADIX, sizeof *cnt) : NULL;
    int nan = 0;
    for (size_t i = 0; cnt && i < n; i++) {
        if (x[i] != x[i]) {
            nan = 1;
            break;
        }
        key[i] = sort_key(x[i]);
        for (int d = 0; d < DIGITS; d++) cnt[(size_t)d * RADIX + ((key[i] >> (16 * d)) & 0xffff)]++;
    }
    if (!cnt || nan) {
        free(key);
        free(cnt);
        qsort(x, n, sizeof *x, cmp_double);
        return;
    }
    /* the keys move with their values: values ride in a parallel array */
    double *val = malloc(2 * n * sizeof *val);
    if (!val) {
        free(key);
        free(cnt);
        qsort(x, n, sizeof *x, cmp_double);
        return;
    }
    memcpy(val, x, n * sizeof *val);
    uint64_t *ka = key, *kb = key + n;
    double *va = val, *vb = val + n;
    for (int d = 0; d < DIGITS; d++) {
        size_t *c = cnt + (size_t)d * RADIX;
        if (c[(ka[0] >> (16 * d)) & 0xffff] == n) continue;   /* one digit value */
        size_t sum = 0;
        for (size_t b = 0; b < RADIX; b++) {
            size_t t = c[b];
            c[b] = sum;
            sum += t;
        }
        for (size_t i = 0; i < n; i++) {
            size_t to = c[(ka[i] >> (16 * d)) & 0xffff]++;
            kb[to] = ka[i];
            vb[to] = va[i];
        }
        uint64_t *kt = ka; ka = kb; kb = kt;
        double *vt = va; va = vb; vb = vt;
    }
    memcpy(x, va, n * sizeof *x);
    free(val);
    free(key);
    free(cnt);
}

int ds_merge_runs(double *x, const size_t *off, size_t nruns)
{
    size_t n = off[nruns];
    if (nruns < 2) return 0;
    double *tmp = malloc((n + 1) * sizeof *tmp);
    size_t *bound = malloc((nruns + 1) * sizeof *bound);
    if (!tmp || !bound) {
        free(tmp);
        free(bound);
        return -1;
    }
    memcpy(bound, off, (nruns + 1) * sizeof *bound);
    /* merge adjacent runs pairwise until one is left: log2(nruns) passes */
    while (nruns > 1) {
        size_t k = 0;
        for (size_t r = 0; r < nruns; r += 2) {
            size_t lo = bound[r], mid = bound[r + 1], hi = r + 2 <= nruns ? bound[r + 2] : mid;
            size_t i = lo, j = mid, o = lo;
            while (i < mid && j < hi) tmp[o++] = x[j] < x[i] ? x[j++] : x[i++];
            while (i < mid) tmp[o++] = x[i++];
            while (j < hi) tmp[o++] = x[j++];
            bound[k++] = lo;
        }
        bound[k] = n;
        memcpy(x, tmp, n * sizeof *x);
        nruns = k;
    }
    free(tmp);
    free(bound);
    return 0;
}

void ds_summary_sorted(const double *x, const double *sorted, size_t n, ds_numeric *out)
{
    out->n = n;
    out->mean = ds_mean(x, n);
    out->sd = ds_sd(x, n);
    if (n == 0) {
        out->min = out->q1 = out->median = out->q3 = out->max = NAN;
        return;
    }
    out->min = sorted[0];
    out->max = sorted[n - 1];
    out->q1 = ds_quantile7(sorted, n, 0.25);
    out->median = ds_quantile7(sorted, n, 0.5);
    out->q3 = ds_quantile7(sorted, n, 0.75);
}

int ds_numeric_summary(const double *x, size_t n, ds_numeric *out)
{
    double *s = malloc((n + 1) * sizeof *s);
    if (!s) return -1;
    memcpy(s, x, n * sizeof *s);
    ds_sort(s, n);
    ds_summary_sorted(x, s, n, out);
    free(s);
    return 0;
}
