/* coxzph.h: the test of proportional hazards of a fitted Cox model, as R
 * survival's cox.zph(fit) with its defaults (transform = "km", terms =
 * TRUE, global = TRUE): for each term the score test of adding
 * x * g(t) (g the centred left-continuous Kaplan-Meier transform of time),
 * the global test of all of them, and the scaled Schoenfeld residuals
 * (cox.zph's y) at the event times (its x and time) for the plot.
 * Right-censored data only. */
#ifndef COHORT_COXZPH_H
#define COHORT_COXZPH_H
#include <stddef.h>

typedef struct cox_zph {
    size_t nterm;       /* terms; the tests have nterm + 1 rows, the global test last */
    double *chisq, *p;  /* nterm + 1 */
    int *df;            /* nterm + 1: columns of the term, p for the global test */
    size_t nevent;
    double *time;       /* nevent event times, ascending within strata (cox.zph's time) */
    double *x;          /* nevent transformed times (cox.zph's x) */
    double *resid;      /* nevent x nterm scaled Schoenfeld residuals, row-major (cox.zph's y);
                           NAN where the term is constant in the event's stratum */
    double *var;        /* nterm x nterm: cox.zph's var, the inverse of the information per
                           event of the terms (its diagonal scales plot.cox.zph's bands);
                           NAN when that information is singular */
} cox_zph;

/* n rows: time, event (1/0), strata (NULL or codes, any ints), the n x p
 * row-major design x, the fitted coefficients coef (p), term[j] the term
 * (0..nterm-1) of column j, efron (1) or Breslow (0) ties as in the fit.
 * Returns 0, -1 when out of memory, -2 when the information matrix of a
 * test is singular (z is then freed). */
int cox_zph_compute(size_t n, const double *time, const int *event, const int *strata,
                    const double *x, size_t p, const double *coef, const size_t *term,
                    size_t nterm, int efron, cox_zph *z);
void cox_zph_free(cox_zph *z);
#endif
