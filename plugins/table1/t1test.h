/* t1test.h: the hypothesis tests of a baseline-characteristics table on
 * plain arrays, each giving R's p-value: chisq.test, fisher.test (2 x 2;
 * r x c lives in fexact.h), t.test, oneway.test, wilcox.test and
 * kruskal.test.  Every function returns 0, or -1 when R would stop or give
 * NaN (too few observations, constant data); -2 when memory ran out. */
#ifndef COHORT_T1TEST_H
#define COHORT_T1TEST_H
#include <stddef.h>

typedef struct t1_test {
    double statistic;   /* X-squared, t, F, W or Kruskal-Wallis chi-squared */
    double df, df2;     /* degrees of freedom (df2: F's denominator); NAN if none */
    double p;           /* two-sided p-value */
    int exact;          /* 1: exact distribution used (Wilcoxon, Fisher) */
    double min_expected;/* chisq: smallest expected count */
    double estimate;    /* t: difference in means (x - y); Fisher 2 x 2: conditional MLE
                           of the odds ratio (set by the caller); NAN if none */
    double lower, upper;/* its confidence interval; NAN if none */
} t1_test;

/* Clear a result: every number NAN (a test that has no statistic or df
 * leaves them missing, never 0). */
void t1_test_clear(t1_test *out);

/* Expected counts under independence, rs[i] * cs[j] / n, of an nr x nc
 * table of counts (row-major) into e (nr x nc), as chisq.test's expected
 * (NAN for an empty table).  Returns 0, or -2 when memory ran out. */
int t1_expected(const double *tab, size_t nr, size_t nc, double *e);

/* Pearson's chi-squared test of independence on an nr x nc table of counts
 * (row-major).  Rows and columns with zero totals are dropped first; fewer
 * than 2 rows or columns left gives -1.  yates != 0 applies Yates'
 * continuity correction to 2 x 2 tables as chisq.test(correct = TRUE). */
int t1_chisq(const double *tab, size_t nr, size_t nc, int yates, t1_test *out);

/* Fisher's exact test on a 2 x 2 table {a, b; c, d} (two-sided, as
 * fisher.test: tables no more probable than the observed one, relative
 * tolerance 1e-7). */
int t1_fisher2x2(const double tab[4], t1_test *out);

/* Two-sample t test: Welch (var_equal == 0) or Student (pooled variance),
 * with the conf_level confidence interval of the difference in means, as
 * t.test(x, y)$conf.int. */
int t1_ttest(const double *x, size_t nx, const double *y, size_t ny,
             int var_equal, double conf_level, t1_test *out);

/* One-way analysis of means of k groups (g[i] in 0..k-1, every group
 * non-empty): F test with equal variances, or Welch's (var_equal == 0). */
int t1_oneway(const double *x, const int *g, size_t n, size_t k,
              int var_equal, t1_test *out);

/* Wilcoxon rank-sum test of x against y, two-sided, as wilcox.test(x, y,
 * correct = correct): exact (pwilcox) when both samples have fewer than 50
 * values and there are no ties, else the normal approximation with the tie
 * correction, and the continuity correction when correct != 0. */
int t1_wilcox(const double *x, size_t nx, const double *y, size_t ny, int correct,
              t1_test *out);

/* Kruskal-Wallis rank-sum test of k groups (g[i] in 0..k-1). */
int t1_kruskal(const double *x, const int *g, size_t n, size_t k, t1_test *out);

/* Average ranks of x[0..n-1] (ties get their mean rank) into r; returns
 * sum over tie groups of (t^3 - t), or -1 when memory ran out. */
double t1_rank(const double *x, size_t n, double *r);
#endif
