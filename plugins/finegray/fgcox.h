/* fgcox.h: Fine-Gray regression as R survival's finegray() followed by a
 * weighted Cox model: each row becomes (start, time] with its status, and a
 * row with a competing event stays at risk after it in further intervals
 * weighted by the censoring distribution, G(t-) / G(T-); the weighted
 * counting-process Cox model (Efron ties, coxfit.c) on those rows, with a
 * robust variance clustered by the original rows or by given clusters, is
 * coxph(Surv(fgstart, fgstop, fgstatus) ~ x, weights = fgwt, cluster = ...). */
#ifndef COHORT_FGCOX_H
#define COHORT_FGCOX_H
#include "../cox/coxfit.h"
#include <stddef.h>

typedef struct fgc_data {
    size_t n, p;
    const double *time;    /* event or censoring times, >= 0 */
    const int *status;     /* 0 censored, 1 event of interest, 2 competing */
    const double *x;       /* n x p covariates, row-major */
    const int *cluster;    /* NULL (each row its own cluster) or codes 0..ncluster-1 */
    size_t ncluster;
} fgc_data;

/* Expand and fit; returns f->status (enum cox_status) and sets *nexpanded
 * to the number of weighted rows.  Free f with cox_fit_free in every case.
 * f->n is the number of expanded rows; f->nevents the events of interest. */
int fgc_fit_model(const fgc_data *d, const cox_options *o, cox_fit *f, size_t *nexpanded);
#endif
