/* ipw.h: inverse probability of treatment weights from propensity scores
 * and the balance statistics shown with them (plain arrays, no host).
 *
 * Weights (p = the share of treated units, ps the propensity score):
 *   ATE: treated 1 / ps, controls 1 / (1 - ps);
 *   ATT: treated 1, controls ps / (1 - ps);
 *   stabilised: the treated's weights times p, the controls' times 1 - p.
 * Balance: standardised mean differences of a covariate, the weighted mean
 * of the treated minus that of the controls (sum w x / sum w in each
 * group), divided by one unweighted SD, the same before and after
 * weighting (as cobalt's default s.d.denom): for the ATE the pooled SD
 * sqrt((s_t^2 + s_c^2) / 2), for the ATT the treated's SD s_t; a group's
 * variance is p (1 - p) of its mean for a 0/1 covariate, else the sample
 * variance (n - 1). */
#ifndef COHORT_IPW_H
#define COHORT_IPW_H
#include <stddef.h>

enum ipw_estimand { IPW_ATE = 0, IPW_ATT = 1 };

/* w[i] for treat[i] (0/1) and ps[i] in (0, 1).  Returns 0, or -1 when a
 * score is not strictly between 0 and 1 (its weight is infinite; w[i] is
 * then NAN) or a group is empty. */
int ipw_weights(size_t n, const int *treat, const double *ps, int estimand, int stabilized, double *w);

typedef struct ipw_balance {
    double mean_t, mean_c, smd;       /* unweighted */
    double wmean_t, wmean_c, wsmd;    /* weighted */
    double sd;                        /* the denominator (NAN: none) */
} ipw_balance;

/* Balance of covariate x before and after weighting by w. */
void ipw_balance_of(size_t n, const double *x, const int *treat, const double *w, int estimand,
                    ipw_balance *b);

typedef struct ipw_summary {
    double n, sum, mean, min, max, ess;   /* ess: Kish's (sum w)^2 / sum w^2 */
} ipw_summary;

/* Summary of the weights of group g (treat[i] == g). */
void ipw_summary_of(size_t n, const int *treat, const double *w, int g, ipw_summary *s);
#endif
