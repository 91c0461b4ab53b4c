/* linalg.h: small dense symmetric linear algebra for the bundled plugins
 * (row-major n x n matrices).  Implemented in linalg.c. */
#ifndef COHORT_LINALG_H
#define COHORT_LINALG_H
#include <stddef.h>

/* Cholesky (LDL') decomposition in place of a symmetric matrix, with the
 * semantics of R survival's cholesky2: a pivot below toler * (largest
 * diagonal) marks the column as singular (its row/column zeroed).  Returns
 * the rank, or -1 if the matrix is not non-negative definite. */
int pc_chol(double *a, size_t n, double toler);
/* Solve a x = b in place of b using the decomposition from pc_chol
 * (singular columns give 0). */
void pc_chol_solve(const double *a, size_t n, double *b);
/* Replace the decomposition from pc_chol by the (generalised) inverse of
 * the original matrix, as survival's chinv2. */
void pc_chol_inv(double *a, size_t n);

/* Added by the regression helper: */
/* The quadratic form b' V^- b of a symmetric n x n matrix v (not changed)
 * through pc_chol with `toler` (as survival's coxph.wtest); *rank (if not
 * NULL) receives the rank used as degrees of freedom.  Returns NaN when out
 * of memory. */
double pc_quad_inv(const double *v, size_t n, const double *b, double toler, int *rank);
#endif
