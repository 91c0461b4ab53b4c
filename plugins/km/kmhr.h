/* kmhr.h: the hazard ratio of two groups that km reports and annotates
 * (`hr: true`): R's coxph(Surv(time, status) ~ group) with its defaults --
 * Efron ties, Newton-Raphson from 0 -- the second group against the
 * first, with its Wald interval and Wald p; with clusters, coxph(... ~
 * group + cluster(C)): the robust (sandwich) variance, as the cox plugin
 * uses below the patient level, and the robust score test that goes with
 * it (the log-rank test assumes independent rows). */
#ifndef COHORT_KMHR_H
#define COHORT_KMHR_H
#include <stddef.h>

typedef struct km_hr_result {
    double coef, se, hr, lower, upper, p;
    double rscore_p;        /* with clusters: the p of the robust score test
                               (coxph's rscore, 1 df); NaN without */
    size_t nevent;
} km_hr_result;

/* n rows: start (NULL, or counting-process entry times), time, event
 * (1/0), group (0 the reference, 1 the other); cluster NULL (the
 * model-based variance) or each row's cluster, 0..ncluster-1 (the robust
 * one: se, interval and p); level the confidence level.  Returns 0, or
 * the failing fit's enum cox_status (its text from cox_status_text). */
int km_hr(size_t n, const double *start, const double *time, const int *event, const int *group,
          const int *cluster, size_t ncluster, double level, km_hr_result *r);
#endif
