/* kmcore.h: Kaplan-Meier estimation on plain arrays, as R's
 * survfit(Surv(time, status) ~ 1) or Surv(start, stop, status) with
 * Greenwood variance, its confidence intervals, the Nelson-Aalen cumulative
 * hazard with its standard error (survfit's cumhaz and std.chaz), quantiles
 * (quantile.survfit), values at given times (summary.survfit(times =)) and
 * the restricted mean (survmean). */
#ifndef COHORT_KMCORE_H
#define COHORT_KMCORE_H
#include <stddef.h>

typedef enum km_conf { /* in step with km_conf_names in kmcore.c */
    KM_CONF_LOG,      /* exp(log S +- z se), upper capped at 1 (R's default) */
    KM_CONF_LOGLOG,   /* on log(-log S) */
    KM_CONF_PLAIN,    /* S +- z se(S), within [0, 1] */
    KM_CONF_NONE,
    KM_CONF_LOGIT,    /* on log(S / (1 - S)) */
    KM_CONF_ARCSIN    /* on asin(sqrt(S)) */
} km_conf;

/* One curve over the distinct times (events and censorings) of its data. */
typedef struct km_curve {
    size_t n;           /* subjects */
    double nevents;     /* events */
    size_t ntimes;
    double *time;       /* distinct times, ascending */
    double *nrisk, *nevent, *ncensor;
    double *surv;       /* S(t) just after time[i] */
    double *selog;      /* std. error of log S (R's survfit std.err), INFINITY once S = 0 */
    double *se;         /* std. error of S (summary.survfit's), NAN once S = 0 */
    double *lower, *upper; /* confidence limits, NAN where undefined */
    double *cumhaz;     /* Nelson-Aalen cumulative hazard, sum of d / r */
    double *sechaz;     /* its std. error, sqrt of the sum of d / r^2 */
    km_conf conf;
    double conf_level;
} km_curve;

/* A curve read at one time (summary.survfit(times =) semantics). */
typedef struct km_point {
    double nrisk;       /* at risk at t (0 beyond the last time) */
    double nevent;      /* events at or before t */
    double surv, se, lower, upper; /* NAN beyond the last time or undefined */
    double cumhaz, sechaz;         /* Nelson-Aalen, NAN beyond the last time */
} km_point;

/* Parse "log", "log-log", "plain", "logit", "arcsin", "none" (R's names).
 * Returns 0 or -1. */
int km_conf_parse(const char *s, km_conf *out);
/* R's name of an interval type. */
const char *km_conf_name(km_conf conf);

/* Fit one curve.  event[i] != 0 marks an event at time[i] (finite).
 * start is NULL, or gives counting-process data: row i is at risk on
 * (start[i], time[i]] (delayed entry, time-varying groups), as
 * Surv(start, stop, event).  wt is NULL, or case weights > 0 (as
 * survfit's weights: numbers at risk, events and censorings are sums of
 * weights, the Greenwood variance is computed from them).  Returns 0, or -1
 * if memory ran out (c is then empty). */
int km_fit(const double *start, const double *time, const int *event, const double *wt, size_t n,
           km_conf conf, double conf_level, km_curve *c);

/* Replace the Greenwood and Nelson-Aalen standard errors of c (from km_fit
 * on the same rows) by the infinitesimal-jackknife (robust) ones, as
 * survfit does with non-integer weights or a cluster: the sum over
 * clusters of the squared weighted influence of the rows on S(t) and
 * H(t).  cluster is NULL (each row its own cluster) or gives each row's
 * cluster 0..ncluster-1.  The limits are recomputed.  O(n x event times).
 * Returns 0, or -1 if memory ran out. */
int km_var_ij(const double *start, const double *time, const int *event, const double *wt,
              const size_t *cluster, size_t ncluster, size_t n, km_curve *c);
void km_free(km_curve *c);

/* Confidence limits of survival s with std. error selog of log s. */
void km_ci(double s, double selog, km_conf conf, double conf_level,
           double *lower, double *upper);

/* Quantiles for probabilities probs[0..np-1] (time where 1 - S reaches
 * p, the midpoint where S is flat at exactly 1 - p), and their limits from
 * the confidence curves; NAN when not reached.  lo/hi may be NULL. */
void km_quantile(const km_curve *c, const double *probs, size_t np,
                 double *q, double *lo, double *hi);

/* The curve at time t >= 0. */
void km_at(const km_curve *c, double t, km_point *p);

/* Restricted mean survival up to tau and its standard error.  Returns 0,
 * or -1 if tau is below the first time of the curve. */
int km_rmean(const km_curve *c, double tau, double *mean, double *se);
#endif
