/* concord.h: concordance of a Cox model's linear predictor with survival
 * times, as R survival's concordancefit(..., reverse = TRUE, timefix =
 * FALSE) with time weight "n": counts of concordant, discordant, tied.x,
 * tied.y and tied.xy pairs within strata, the concordance and its
 * infinitesimal-jackknife standard error (influence summed within clusters
 * when clusters are given).  O(n log n) with Fenwick trees. */
#ifndef COHORT_CONCORD_H
#define COHORT_CONCORD_H
#include <stddef.h>

/* start may be NULL (right-censored); strata and cluster may be NULL.
 * Returns 0, or -1 if out of memory.  With no comparable pair the
 * concordance and se are NaN. */
int cox_concordance(size_t n, const double *start, const double *stop, const int *event,
                    const int *strata, const double *lp, const int *cluster, size_t ncluster,
                    double count[5], double *concordance, double *se);
#endif
