/* match.h: greedy k:1 nearest-neighbour matching on a distance measure, in
 * MatchIt's documented order (m.order = "largest"): treated units by
 * descending distance (ties: lower row first) each take the control closest
 * on the distance (ties: lower row first), optionally only within a
 * caliper.  Without replacement a control is taken once, and k:1 matching
 * runs in k rounds: in round r every treated unit that found a control in
 * each earlier round takes its r-th, in the same order.  With replacement
 * each treated unit takes its k nearest controls, which stay available.
 * The match weights are MatchIt's for the ATT; the balance statistics
 * reported with them are standardised mean differences as MatchIt's
 * summary for the ATT (standardised by the treated group's SD before
 * matching, sqrt(p (1 - p)) for 0/1 covariates; weighted means after). */
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

/* One match: treated row t, control row c, |dist_t - dist_c|, the round
 * (1..k) and the order in which the pairs were made (1, 2, ...). */
typedef struct psm_pair {
    size_t t, c;
    double dist;
    size_t round, order;
} psm_pair;

/* k:1 matching (ratio >= 1), with or without replacement, within
 * caliper_width (<= 0: none).  pairs receives at most (treated rows) x
 * ratio pairs in the order they were made.  Returns their number, or
 * (size_t)-1 if out of memory. */
size_t psm_match_k(size_t n, const int *treat, const double *dist, double caliper_width, size_t ratio,
                   int replace, psm_pair *pairs);

/* Match weights for the ATT (MatchIt's): 1 for a matched treated row; a
 * control gets, for each treated row it is matched to, 1 / the number of
 * controls of that treated row, and the controls' weights are then scaled
 * to sum to the number of distinct matched controls; 0 for a row that is
 * not matched. */
void psm_match_weights(size_t n, const int *treat, const psm_pair *pairs, size_t npairs, double *w);

/* Sample standard deviation (n - 1) of v over all n rows. */
double psm_sd(size_t n, const double *v);

typedef struct psm_balance {
    double mean_t, mean_c, smd;          /* before matching */
    double mean_t_m, mean_c_m, smd_m;    /* among matched rows */
} psm_balance;

/* Balance of covariate x (n values): means by group before and after
 * matching (means weighted by the match weights w, 0 for rows not matched;
 * w NULL: no matching) and the SMDs, standardised by the same denominator
 * before and after. */
void psm_balance_of(size_t n, const double *x, const int *treat, const double *w, psm_balance *b);
#endif
