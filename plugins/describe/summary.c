/* summary.c: descriptive statistics on plain arrays (mean, SD, type-7
 * quantiles, range) for the describe and table1 plugins.  Quantiles are
 * taken by selection (three-way quickselect, linear on average, in place)
 * rather than by sorting, so a summary needs no work space. */
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

/* SD of x about its mean m */
static double sd_about(const double *x, size_t n, double m)
{
    if (n < 2) return NAN;
    long double ss = 0;
    for (size_t i = 0; i < n; i++) {
        long double d = x[i] - m;
        ss += d * d;
    }
    return sqrt((double)(ss / (long double)(n - 1)));
}

double ds_sd(const double *x, size_t n)
{
    return n < 2 ? NAN : sd_about(x, n, ds_mean(x, n));
}

/* The 0-based rank (n - 1) * prob, prob clamped to [0, 1]. */
static double q7_index(size_t n, double prob)
{
    if (prob < 0) prob = 0;
    if (prob > 1) prob = 1;
    return (double)(n - 1) * prob;
}

/* Type-7 interpolation at `index` between the values of ranks floor(index)
 * (qlo) and ceil(index) (qhi). */
static double q7_value(double index, double qlo, double qhi)
{
    double lo = floor(index);
    if (index > lo && qhi != qlo) {
        double h = index - lo;
        return (1 - h) * qlo + h * qhi;
    }
    return qlo;
}

double ds_quantile7(const double *sorted, size_t n, double prob)
{
    if (n == 0) return NAN;
    double index = q7_index(n, prob);
    return q7_value(index, sorted[(size_t)floor(index)], sorted[(size_t)ceil(index)]);
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

/* Quantiles and range of n sorted values (NAN when n == 0). */
static void quantiles_sorted(const double *sorted, size_t n, ds_numeric *out)
{
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

void ds_summary_sorted(const double *x, const double *sorted, size_t n, ds_numeric *out)
{
    out->n = n;
    out->mean = ds_mean(x, n);
    out->sd = n < 2 ? NAN : sd_about(x, n, out->mean);
    quantiles_sorted(sorted, n, out);
}

/* Put the value of rank k of x[lo..hi) at x[k], the smaller ones before it
 * and the larger ones after it (k in [lo, hi); no NaN).  Three-way
 * partitions around a median of three: a run of equal values (few distinct
 * values, as in a status column) ends the search at once.  After 64 rounds
 * (an unlucky input) the rest is sorted. */
static void select_rank(double *x, size_t lo, size_t hi, size_t k)
{
    for (int round = 0; hi - lo > 1; round++) {
        if (round == 64) {
            ds_sort(x + lo, hi - lo);
            return;
        }
        double a = x[lo], b = x[lo + (hi - lo) / 2], c = x[hi - 1];
        double p = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        /* x[lo..lt) < p, x[lt..i) == p, x[gt..hi) > p */
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            double v = x[i];
            if (v < p) {
                x[i++] = x[lt];
                x[lt++] = v;
            } else if (v > p) {
                x[i] = x[--gt];
                x[gt] = v;
            } else {
                i++;
            }
        }
        if (k < lt) hi = lt;
        else if (k >= gt) lo = gt;
        else return;
    }
}

/* Move the smallest (dir < 0, to x[lo]) or largest (to x[hi - 1]) of
 * x[lo..hi) to its end of the range: one pass. */
static void swap_extreme(double *x, size_t lo, size_t hi, int dir)
{
    size_t best = lo;
    for (size_t i = lo + 1; i < hi; i++)
        if (dir < 0 ? x[i] < x[best] : x[i] > x[best]) best = i;
    size_t to = dir < 0 ? lo : hi - 1;
    double t = x[to];
    x[to] = x[best];
    x[best] = t;
}

/* Does x hold a negative zero or a NaN?  A negative zero's place among
 * equal zeros depends on the order of a sort, and NaN is unordered, so
 * such values are sorted (ds_sort, as before selection) instead. */
static int needs_sort(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((x[i] == 0 && signbit(x[i])) || x[i] != x[i]) return 1;
    return 0;
}

int ds_summary_select(double *x, size_t n, ds_numeric *out)
{
    out->n = n;
    out->mean = ds_mean(x, n);
    out->sd = n < 2 ? NAN : sd_about(x, n, out->mean);
    if (n == 0) {
        quantiles_sorted(x, 0, out);
        return 0;
    }
    if (needs_sort(x, n)) {
        ds_sort(x, n);
        quantiles_sorted(x, n, out);
        return 1;
    }
    static const double probs[3] = {0.25, 0.5, 0.75};
    double *q[3] = {&out->q1, &out->median, &out->q3};
    /* ranks in increasing order: each selection searches only above the last */
    swap_extreme(x, 0, n, -1);
    out->min = x[0];
    /* every rank asked for below `done` was placed by an earlier selection,
     * and x[0..done) are no greater than x[done..n) */
    size_t done = 1;
    for (int j = 0; j < 3; j++) {
        double index = q7_index(n, probs[j]);
        size_t r[2] = {(size_t)floor(index), (size_t)ceil(index)};
        for (int e = 0; e < 2; e++)
            if (r[e] >= done) {
                select_rank(x, done, n, r[e]);
                done = r[e] + 1;
            }
        *q[j] = q7_value(index, x[r[0]], x[r[1]]);
    }
    if (n - 1 >= done) swap_extreme(x, done, n, 1);
    out->max = x[n - 1];
    return 0;
}

int ds_numeric_summary(const double *x, size_t n, ds_numeric *out)
{
    double *s = malloc((n + 1) * sizeof *s);
    if (!s) return -1;
    memcpy(s, x, n * sizeof *s);
    ds_summary_select(s, n, out);
    free(s);
    return 0;
}
