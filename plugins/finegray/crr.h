/* crr.h: Fine-Gray proportional subdistribution hazards regression on
 * plain arrays, as R cmprsk's crr (2.2): cause 1 is the event of interest,
 * causes >= 2 compete, 0 is censored; censoring weights from the
 * Kaplan-Meier estimate of the censoring distribution G(t-); Newton steps
 * with crr's backtracking line search and convergence rule (gtol 1e-6,
 * maxiter 10); the sandwich variance with the censoring correction of
 * Fine & Gray (1999). */
#ifndef COHORT_CRR_H
#define COHORT_CRR_H
#include <stddef.h>

typedef struct crr_data {
    size_t n, p;
    const double *time;    /* event or censoring times */
    const int *status;     /* 0 censored, 1 event of interest, >= 2 competing */
    const double *x;       /* n x p covariates, row-major */
} crr_data;

typedef struct crr_options {
    double gtol;           /* 1e-6 */
    int maxiter;           /* 10 */
} crr_options;

enum crr_status {
    CRR_OK = 0,
    CRR_ENOMEM,
    CRR_EINPUT,            /* no rows, no covariates, non-finite values */
    CRR_ENOEVENTS,         /* no event of interest */
    CRR_ESINGULAR,         /* information singular (column `bad`) */
    CRR_ENOCONV            /* did not converge */
};

typedef struct crr_fit {
    size_t n, p;
    int status;            /* enum crr_status */
    size_t bad;
    int iter;              /* Newton steps taken */
    size_t nevents, ncompeting, ncensored;
    double *coef;          /* p */
    double *var;           /* p x p sandwich variance */
    double *se, *z, *pvalue;   /* p; pvalue two-sided normal */
    double loglik, loglik0;    /* pseudo log-likelihood at the estimate and at 0 */
    double lr_test, lr_p;      /* pseudo likelihood-ratio test on p df */
} crr_fit;

void crr_options_default(crr_options *o);
/* Returns f->status; free f with crr_fit_free in every case. */
int crr_fit_model(const crr_data *d, const crr_options *o, crr_fit *f);
void crr_fit_free(crr_fit *f);
const char *crr_status_text(int status);
#endif
