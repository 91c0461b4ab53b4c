/* cifcore.h: cumulative incidence of competing risks on plain arrays, as
 * R cmprsk::cuminc: the Aalen-Johansen estimate with cuminc's variance (or
 * survfit's infinitesimal-jackknife variance),
 * values at given times as timepoints(), a log(-log) confidence interval,
 * and Gray's k-sample test (cuminc's $Tests). */
#ifndef COHORT_CIFCORE_H
#define COHORT_CIFCORE_H
#include <stddef.h>

/* The cumulative incidence of one cause in one group: a step function with
 * a step at each distinct time of an event of the cause. */
typedef struct cif_curve {
    size_t n;           /* subjects */
    double nevents;     /* events of the cause */
    double tmax;        /* largest time (any status); the curve ends there */
    size_t nsteps;
    double *time;       /* step times, ascending */
    double *est;        /* estimate from time[i] on */
    double *var;        /* its variance (cuminc's) */
    double *nrisk;      /* at risk just before time[i] */
    double *nevent;     /* events of the cause at time[i] */
} cif_curve;

/* Status codes. */
enum { CIF_OK = 0, CIF_NOMEM = -1, CIF_SINGULAR = -2, CIF_DEGENERATE = -3 };

/* Estimate the incidence of `cause` from status[i] (0 censored, any other
 * value an event of that cause).  Returns CIF_OK or CIF_NOMEM. */
int cif_fit(const double *time, const int *status, size_t n, int cause, cif_curve *c);
/* The same with case weights wt (> 0; NULL: all 1), as survfit's weights
 * (the estimate from sums of weights; nrisk, nevent and nevents stay counts
 * of rows, as multi-state survfit's n.risk and n.event).  The variances it sets
 * are Gray's formula on those sums, which no R function reports: with
 * weights use cif_var_ij_w. */
int cif_fit_w(const double *time, const int *status, const double *wt, size_t n, int cause,
              cif_curve *c);
void cif_free(cif_curve *c);

/* Replace c's variances (from cif_fit on the same data) by the
 * infinitesimal-jackknife variance of the Aalen-Johansen estimate, as
 * survfit(Surv(time, factor(status)) ~ 1)$std.err^2 with one row per
 * subject: the sum over subjects of the squared influence of their weight
 * on the estimate.  O(n x distinct times).  Returns CIF_OK or CIF_NOMEM. */
int cif_var_ij(const double *time, const int *status, size_t n, int cause, cif_curve *c);
/* The same with case weights wt (NULL: all 1, as cif_fit_w) and clusters:
 * cluster NULL (each row its own) or each row's cluster 0..ncluster-1,
 * as survfit(Surv(time, factor(status)) ~ 1, weights = wt, id = row,
 * cluster = cluster)$std.err^2: the sum over clusters of the squared sum
 * of the weighted influences of their rows. */
int cif_var_ij_w(const double *time, const int *status, const double *wt, const size_t *cluster,
                 size_t ncluster, size_t n, int cause, cif_curve *c);

/* The estimate and variance at time t (0 before the first step); NAN
 * beyond the end of follow-up (t > tmax), as timepoints(). */
void cif_at(const cif_curve *c, double t, double *est, double *var);

/* The scale of a confidence interval. */
typedef enum cif_ci_type {
    CIF_CI_LOGLOG,      /* est^exp(-+z se / (est log est)): the log(-log) interval recommended
                         * by Pintilie and used by tidycmprsk; NAN when est is 0 or 1 */
    CIF_CI_LOG          /* est exp(-+z se / est), the upper limit at most 1: survfit's default
                         * (conf.type = "log") for a multi-state curve; NAN when est is 0 */
} cif_ci_type;

/* Confidence limits of est with variance var on scale `type`; NAN when var
 * is missing or the scale has no interval at est. */
void cif_ci(double est, double var, double conf_level, cif_ci_type type, double *lower, double *upper);

/* Gray's test that the incidence of `cause` is equal in groups group[i]
 * (0..ngroups-1, ngroups >= 2), within strata strata[i] (any ints, NULL for
 * none), with weight (1 - F(t-))^rho.  Gives the statistic, df = ngroups - 1
 * and the p-value.  Returns CIF_OK, CIF_NOMEM, CIF_SINGULAR (variance of
 * the scores not invertible: cuminc reports -1) or CIF_DEGENERATE (scores
 * or variance not finite, e.g. Gray's pooled estimate reached 1). */
int cif_gray(const double *time, const int *status, const int *group,
             const int *strata, size_t n, size_t ngroups, int cause, double rho,
             double *stat, int *df, double *p);
#endif
