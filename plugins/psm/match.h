/* match.h: greedy 1:1 nearest-neighbour matching without replacement on a
 * distance measure, in MatchIt's documented order (m.order = "largest"):
 * treated units by descending distance (ties: lower row first) each take
 * the available control closest on the distance (ties: lower row first),
 * optionally only within a caliper; and the balance statistics reported
 * with it (standardised mean differences as MatchIt's summary for the ATT:
 * standardised by the treated group's SD before matching, sqrt(p (1 - p))
 * for 0/1 covariates). */
#ifndef COHORT_MATCH_H
#define COHORT_MATCH_H
#include <stddef.h>

#define PSM_NONE ((size_t)-1)

/* Match: treat[i] != 0 marks treated rows; dist the distance measure (the
 * propensity score or its logit).  caliper_width <= 0: no caliper; else a
 * control is eligible when |dist_t - dist_c| <= caliper_width.  match[i]
 * receives the row matched to row i (both directions) or PSM_NONE.
 * Returns the number of pairs, or (size_t)-1 if out of memory. */
size_t psm_match(size_t n, const int *treat, const double *dist, double caliper_width, size_t *match);

/* Sample standard deviation (n - 1) of v over all n rows. */
double psm_sd(size_t n, const double *v);

typedef struct psm_balance {
    double mean_t, mean_c, smd;          /* before matching */
    double mean_t_m, mean_c_m, smd_m;    /* among matched rows */
} psm_balance;

/* Balance of covariate x (n values): means by group before and after
 * matching (rows with match[i] != PSM_NONE) and the SMDs, standardised by
 * the same denominator before and after. */
void psm_balance_of(size_t n, const double *x, const int *treat, const size_t *match, psm_balance *b);
#endif
