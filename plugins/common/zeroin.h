/* zeroin.h: one-dimensional root finding as R's uniroot() (Brent's method
 * with R's tolerances), so that estimates defined by a root agree with R's
 * to its last digit rather than only to uniroot's tolerance. */
#ifndef COHORT_ZEROIN_H
#define COHORT_ZEROIN_H

/* R's uniroot() default tolerance, .Machine$double.eps^0.25. */
#define PC_UNIROOT_TOL 1.220703125e-04

/* A root of f in [a, b] given fa = f(a) and fb = f(b) of opposite signs (or
 * one of them 0), as uniroot(f, c(a, b), tol = tol, maxiter = maxit)$root:
 * the same iterates, so the same answer.  Returns NAN when fa and fb have
 * the same sign or either is not finite. */
double pc_zeroin(double (*f)(double x, void *info), void *info, double a, double b,
                 double fa, double fb, double tol, int maxit);
#endif
