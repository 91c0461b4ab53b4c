/* smd.h: standardised mean differences between groups, as the tableone
 * package defines them, on plain arrays. */
#ifndef COHORT_SMD_H
#define COHORT_SMD_H
#include <stddef.h>

/* Continuous variable: |m1 - m2| / sqrt((s1^2 + s2^2) / 2); NAN when both
 * SDs are zero (or not finite). */
double t1_smd_cont(double m1, double s1, double m2, double s2);

/* Categorical variable with k >= 2 levels, proportions p1[0..k-1] and
 * p2[0..k-1] of each group (each summing to 1).  With T and C the
 * proportions of levels 2..k and S the (k-1) x (k-1) matrix with
 * S_ll = (p1_l (1 - p1_l) + p2_l (1 - p2_l)) / 2 and
 * S_lm = -(p1_l p1_m + p2_l p2_m) / 2, the SMD is
 * sqrt((T - C)' S^- (T - C)) (Yang and Dalton's Mahalanobis form), S^- a
 * generalised inverse (levels without variation add nothing).  For k == 2
 * this is |p1 - p2| / sqrt((p1 (1 - p1) + p2 (1 - p2)) / 2).  Returns NAN
 * only when memory ran out. */
double t1_smd_cat(const double *p1, const double *p2, size_t k);

/* More than two groups: the mean of the SMDs of all pairs of groups (as
 * tableone prints).  mean/sd: ng values; prop: ng rows of k proportions.
 * NAN when any pair's SMD is undefined. */
double t1_smd_cont_groups(const double *mean, const double *sd, size_t ng);
double t1_smd_cat_groups(const double *prop, size_t ng, size_t k);
#endif
