/* coxfit.h: Cox proportional hazards regression on plain arrays, with the
 * semantics of R survival's coxph (3.5): Newton-Raphson from beta = 0 with
 * step halving and coxph.control's convergence rule, Efron or Breslow ties,
 * strata, counting-process (start, stop] data, case weights, robust
 * (cluster sandwich) variance, likelihood-ratio / Wald / score tests and concordance. */
#ifndef COHORT_COXFIT_H
#define COHORT_COXFIT_H
#include <stddef.h>

typedef struct cox_data {
    size_t n, p;
    const double *start;   /* NULL (right-censored), or entry times: row is (start, stop] */
    const double *stop;    /* event or censoring times */
    const int *event;      /* 1 event, 0 censored */
    const double *x;       /* n x p covariates, row-major */
    const int *strata;     /* NULL, or stratum code per row (any ints) */
    const int *cluster;    /* NULL, or cluster code per row, 0..ncluster-1: robust variance */
    size_t ncluster;
    const double *weight;  /* NULL, or case weights > 0 (as coxph's weights): the
                            * likelihood, score and information are weighted,
                            * the score residuals of the robust variance too;
                            * the concordance is then not computed (missing) */
} cox_data;

typedef struct cox_options {
    int efron;             /* 1 Efron (default), 0 Breslow */
    double eps;            /* 1e-9 */
    int iter_max;          /* 20 */
    double toler_chol;     /* eps^0.75 of double = 1.8e-12 */
    double toler_inf;      /* sqrt(eps) */
    int exact;             /* 1: the exact partial likelihood of tied deaths (coxph ties =
                              "exact": the conditional logistic likelihood); then no case
                              weights, and no score residuals (robust variance) */
} cox_options;

enum cox_status {
    COX_OK = 0,
    COX_ENOMEM,
    COX_EINPUT,            /* n == 0, p == 0, bad times (stop <= start), ... */
    COX_ENOEVENTS,
    COX_ESINGULAR,         /* column `bad` is collinear with the others */
    COX_ENOCONV,           /* ran out of iterations */
    COX_EINFINITE          /* coefficient of column `bad` may be infinite */
};

typedef struct cox_fit {
    size_t p;
    int status;            /* enum cox_status */
    size_t bad;            /* offending column for ESINGULAR / EINFINITE */
    int iter;
    size_t n, nevents;
    double *coef;          /* p */
    double *var;           /* p x p: the variance used (robust if clustered) */
    double *naive_var;     /* p x p: inverse information */
    int robust;            /* 1 if var is the robust sandwich */
    double loglik0, loglik;/* at beta = 0 and at the estimate */
    double *pvalue;        /* p: two-sided Wald p of each coefficient (with var) */
    double lr_test, wald_test, score_test, robust_score_test;
    double lr_p, wald_p, score_p, robust_score_p; /* chi-square on df */
    int df;
    /* concordance as survival's concordancefit(reverse = TRUE): counts
     * concordant, discordant, tied.x, tied.y, tied.xy; the concordance
     * and its infinitesimal-jackknife standard error (collapsed over
     * clusters when clustered). */
    double conc_count[5];
    double concordance, concordance_se;
} cox_fit;

void cox_options_default(cox_options *o);
/* Fit; returns f->status.  f must be freed with cox_fit_free whatever the
 * result. */
int cox_fit_model(const cox_data *d, const cox_options *o, cox_fit *f);
void cox_fit_free(cox_fit *f);
/* One-line description of a status (no column names). */
const char *cox_status_text(int status);
#endif
