/* irls.h: logistic regression (binomial family, logit link) by iteratively
 * reweighted least squares with the rules of R's glm.fit: start from
 * mu = (y + 0.5) / 2, stop when |dev - dev_old| / (|dev| + 0.1) < epsilon
 * (1e-8) within maxit (25) iterations, halve the step when the deviance is
 * not finite; standard errors from the weights of the final iteration (as
 * summary.glm).  Unlike glm, separation is an error: fitted probabilities
 * numerically 0 or 1 (glm's warning) or a coefficient still diverging when
 * the deviance has converged (quasi-complete separation, where glm returns
 * a huge coefficient and standard error).  Shared by the logistic and psm
 * plugins. */
#ifndef COHORT_IRLS_H
#define COHORT_IRLS_H
#include <stddef.h>

typedef struct logit_options {
    double epsilon;        /* 1e-8 */
    int maxit;             /* 25 */
    int allow_separation;  /* 0 (default): separation is LOGIT_ESEPARATION; 1: the fit is
                              returned as glm returns it, with f->separated set */
    const double *weights; /* NULL (default), or n prior weights > 0, as glm's weights:
                              weighted deviance, information and null deviance; the AIC
                              as binomial()$aic (weights rounded when not whole) */
} logit_options;

enum logit_status {
    LOGIT_OK = 0,
    LOGIT_ENOMEM,
    LOGIT_EINPUT,          /* no rows, y not 0/1, non-finite x, n <= p */
    LOGIT_ECONSTANT,       /* y takes one value only */
    LOGIT_ESINGULAR,       /* column `bad` is collinear with the others */
    LOGIT_ENOCONV,         /* did not converge in maxit iterations */
    LOGIT_ESEPARATION      /* fitted probabilities numerically 0 or 1, or a coefficient
                              still diverging at convergence (column `bad`) */
};

typedef struct logit_fit {
    size_t n, p;           /* p coefficients: intercept first, then the x columns */
    int status;            /* enum logit_status */
    size_t bad;            /* column of x (0-based) for LOGIT_ESINGULAR, LOGIT_ESEPARATION
                              ((size_t)-1: fitted probabilities 0 or 1) */
    int iter;
    double *coef, *se, *z, *pvalue; /* p each; pvalue = 2 pnorm(-|z|) */
    double *var;           /* p x p */
    double *eta, *mu;      /* n: linear predictor and fitted probability */
    double deviance, null_deviance, aic;
    size_t df_residual, df_null;
    int separated;         /* with allow_separation: separation was found (see bad) */
} logit_fit;

void logit_options_default(logit_options *o);
/* Fit y (0/1) on an intercept and the n x p0 row-major matrix x (p0 may be
 * 0).  Returns f->status; free f with logit_fit_free in every case. */
int logit_fit_model(size_t n, size_t p0, const double *x, const double *y,
                    const logit_options *o, logit_fit *f);
void logit_fit_free(logit_fit *f);
const char *logit_status_text(int status);
#endif
