/* lrcore.h: the G-rho family of k-sample tests for right-censored data on
 * plain arrays, as R survival's survdiff(Surv(time, status) ~ group +
 * strata(s), rho =): rho = 0 is the log-rank test, rho = 1 Peto-Peto. */
#ifndef COHORT_LRCORE_H
#define COHORT_LRCORE_H
#include <stddef.h>

typedef struct lr_result {
    size_t ngroups;
    double *n;          /* subjects per group */
    double *obs, *exp;  /* weighted observed and expected events, summed over strata */
    double *var;        /* ngroups x ngroups variance of obs - exp (row-major) */
    double chisq;
    int df;             /* groups with expected > 0, minus 1 */
    double p;           /* upper tail of chi-squared(df); NAN when df < 1 */
} lr_result;

/* Status codes of lr_test. */
enum { LR_OK = 0, LR_NOMEM = -1, LR_SINGULAR = -2 };

/* Test for differences between groups group[i] in 0..ngroups-1 (every
 * group must occur), within strata strata[i] (any ints; NULL for none).
 * event[i] != 0 marks an event.  Weights are S(t-)^rho with S the
 * Kaplan-Meier estimate of the pooled stratum.  Returns LR_OK, LR_NOMEM or
 * LR_SINGULAR (variance matrix not invertible); r is filled on LR_OK and
 * LR_SINGULAR (chisq and p then NAN). */
int lr_test(const double *time, const int *event, const int *group,
            const int *strata, size_t n, size_t ngroups, double rho,
            lr_result *r);
void lr_free(lr_result *r);
#endif
