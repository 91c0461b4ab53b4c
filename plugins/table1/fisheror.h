/* fisheror.h: the conditional maximum-likelihood odds ratio of a 2 x 2
 * table and its exact confidence interval, as R's fisher.test (the
 * estimate and conf.int of its default two-sided test). */
#ifndef COHORT_FISHEROR_H
#define COHORT_FISHEROR_H

/* tab = {a, b; c, d} row-major, non-negative integer counts.  The odds
 * ratio is that of the first row in the first column ((a d) / (b c) for the
 * unconditional estimate); *est is 0 or INFINITY at the ends of the
 * support, *lower 0 and *upper INFINITY likewise, as R gives them.
 * conf_level in (0, 1).  Returns 0, -1 for a table that is not 2 x 2
 * counts with positive margins, -2 when memory ran out. */
int t1_fisher_or(const double tab[4], double conf_level, double *est, double *lower,
                 double *upper);
#endif
