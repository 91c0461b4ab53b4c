/* summary.h: descriptive statistics on plain arrays (mean, SD, quantiles as
 * R's type 7, range), shared by the describe and table1 plugins, also in
 * stages for the run's threads, and the counts of a 0/1 column. */
#ifndef COHORT_SUMMARY_H
#define COHORT_SUMMARY_H
#include <stddef.h>

typedef struct ds_numeric {
    size_t n;                       /* values summarised */
    double mean, sd;                /* sd: n - 1 denominator; NAN when n < 2 */
    double min, q1, median, q3, max;/* quartiles as quantile(type = 7) */
} ds_numeric;

/* Arithmetic mean (two-pass, as R's mean); NAN when n == 0. */
double ds_mean(const double *x, size_t n);
/* Sample standard deviation (n - 1 denominator); NAN when n < 2. */
double ds_sd(const double *x, size_t n);
/* Quantile of already sorted values as R's quantile(type = 7);
 * NAN when n == 0. */
double ds_quantile7(const double *sorted, size_t n, double prob);
/* Sort x ascending in place (stable, linear: a radix sort). */
void ds_sort(double *x, size_t n);
/* x[off[k]..off[k+1]) for k < nruns are sorted runs: merge them so that
 * x[0..off[nruns]) is sorted.  Returns 0, or -1 if memory ran out. */
int ds_merge_runs(double *x, const size_t *off, size_t nruns);
/* Summarise x[0..n-1] (mean and SD in that order) given the same values
 * sorted (quantiles and range). */
void ds_summary_sorted(const double *x, const double *sorted, size_t n, ds_numeric *out);
/* Summarise x[0..n-1] in place: mean and SD over x in its order, range
 * and quantiles by selection (linear on average; from 4096 values on only
 * among the values of the buckets that hold the ranks), which may reorder x.
 * Returns 1 when x held a negative zero or a NaN and was sorted instead (x is then
 * sorted, as ds_sort leaves it), else 0. */
int ds_summary_select(double *x, size_t n, ds_numeric *out);
/* As ds_summary_select on the values of num[0..n-1] that are finite and
 * not missing (missing[i] == 0), in their order; out->n is their number.
 * x (room for n + 1) is work space: it holds them, reordered, when some
 * were not kept; when all were they are read in place and x is written
 * only when they must be moved. */
int ds_summary_gather(const double *num, const unsigned char *missing, size_t n, double *x,
                      ds_numeric *out);
/* The values of a 0/1 column num[0..n-1]: count[0] of those known
 * (missing[i] == 0) equal to 0 (+0 or -0), count[1] equal to 1, count[2]
 * the missing ones.  Returns 0, or 1 when a known value is neither (NaN
 * too).  simd: 1 with AVX-512 when the CPU has it, else AVX2 when it has
 * that; 2 with AVX2 at most; 0 portable (the same counts). */
int ds_count01(const double *num, const unsigned char *missing, size_t n, size_t count[3], int simd);
/* ds_summary_gather in stages, so that its passes run at once on the
 * run's threads: ds_stages_scan (the first pass; returns 1 when it
 * summarised the values already, few of them, and -1 when memory ran
 * out), then ds_stages_pass with each part from 0 to DS_PARTS - 1 (0: the
 * mean's second sum, 1: the SD's sum of squares, 2: which buckets of the
 * ranks hold one value, and the values of those buckets when few) in any
 * order or at once, then ds_stages_finish (the quantiles; returns as
 * ds_summary_gather, or -1 when memory ran out), all with the same out.
 * Between the scan and the finish the values (num, or x when gathered)
 * are only read.  x may be NULL: the stages then allocate what they need
 * (n + 1 values when some are not kept or must be moved). */
enum { DS_PARTS = 3 };
typedef struct ds_stages {
    const double *src;      /* the values summarised: num or x */
    double *x;
    size_t n;
    int finished, rc;       /* summarised (by the scan or the finish); the result */
    int own;                /* x was allocated by the stages */
    int odd, bucketed, ntag;
    unsigned char *tag;     /* per bucket: the rank's tag, or 0 */
    double index[3], ref[8];/* ref: a value of each tagged bucket */
    int simd;               /* as ds_count01's */
    size_t rank[6], at[6], keptall;
    int slot[6];
    unsigned diff;          /* bit k: tagged bucket k holds more than one value */
    long double m, t, ss;
    double g;
    double *keep;           /* the values of the tagged buckets, when few */
} ds_stages;
int ds_stages_scan(ds_stages *s, const double *num, const unsigned char *missing, size_t n, double *x,
                   ds_numeric *out, int simd);
void ds_stages_pass(ds_stages *s, int part);
int ds_stages_finish(ds_stages *s, ds_numeric *out);
/* Summarise x[0..n-1] (not modified); returns 0, or -1 if memory ran out.
 * With n == 0 every statistic is NAN. */
int ds_numeric_summary(const double *x, size_t n, ds_numeric *out);
#endif
