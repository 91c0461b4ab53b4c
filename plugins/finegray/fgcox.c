/* fgcox.c: Fine-Gray regression by weighted counting-process rows (as
 * survival::finegray) and a weighted Cox model with a robust variance (as
 * coxph with weights and cluster). */
#include "fgcox.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The censoring cut points of finegray(): ct[0..m-1] the distinct censoring
 * times, ct[m] the largest time; cp[0] = 1 and cp[k] the Kaplan-Meier
 * estimate of the censoring distribution just after ct[k-1] (an event tied
 * with a censoring comes first, as finegray's - 0.2 shift).  Interval k is
 * (ct[k-1], ct[k]] and has weight cp[k].  Returns m + 1, or 0 on no memory. */
static size_t censor_cuts(const fgc_data *d, double **ctp, double **cpp)
{
    size_t n = d->n, m = 0;
    double *ct = malloc((n + 2) * sizeof *ct), *cp = malloc((n + 2) * sizeof *cp);
    if (!ct || !cp) {
        free(ct);
        free(cp);
        return 0;
    }
    double tmax = d->time[0];
    for (size_t i = 0; i < n; i++) {
        if (d->status[i] == 0) ct[m++] = d->time[i];
        if (d->time[i] > tmax) tmax = d->time[i];
    }
    qsort(ct, m, sizeof *ct, cmp_double);
    size_t u = 0;
    for (size_t k = 0; k < m; k++)
        if (u == 0 || ct[k] != ct[u - 1]) ct[u++] = ct[k];
    m = u;
    cp[0] = 1;
    double g = 1;
    for (size_t k = 0; k < m; k++) {
        double atrisk = 0, cens = 0;
        for (size_t i = 0; i < n; i++) {
            if (d->time[i] > ct[k]) atrisk++;
            else if (d->time[i] == ct[k] && d->status[i] == 0) {
                atrisk++;
                cens++;
            }
        }
        g *= 1 - cens / atrisk;
        cp[k + 1] = g;
    }
    ct[m] = tmax;
    *ctp = ct;
    *cpp = cp;
    return m + 1;
}

int fgc_fit_model(const fgc_data *d, const cox_options *o, cox_fit *f, size_t *nexpanded)
{
    size_t n = d->n, p = d->p;
    memset(f, 0, sizeof *f);
    *nexpanded = 0;
    if (n == 0 || p == 0) return f->status = COX_EINPUT;
    double *ct = NULL, *cp = NULL;
    size_t ncut = censor_cuts(d, &ct, &cp);
    if (ncut == 0) return f->status = COX_ENOMEM;
    /* keep[k]: interval k holds an event of interest (interval 0 always) */
    unsigned char *keep = calloc(ncut + 1, 1);
    size_t extra = 0;
    int rc = COX_ENOMEM;
    double *start = NULL, *stop = NULL, *wt = NULL, *x = NULL;
    int *event = NULL, *cl = NULL;
    if (!keep) goto out;
    keep[0] = 1;
    for (size_t i = 0; i < n; i++) {
        if (d->status[i] != 1) continue;
        size_t k = 0;
        while (k < ncut && ct[k] < d->time[i]) k++;
        keep[k] = 1;
    }
    /* rows: each original one, and for a competing event the kept
     * intervals after the one it falls in */
    for (size_t i = 0; i < n; i++) {
        if (d->status[i] != 2) continue;
        size_t j = 0;
        while (j < ncut && ct[j] < d->time[i]) j++;
        for (j++; j < ncut; j++) extra += keep[j] && cp[j] > 0;
    }
    size_t nn = n + extra;
    start = malloc((nn + 1) * sizeof *start);
    stop = malloc((nn + 1) * sizeof *stop);
    wt = malloc((nn + 1) * sizeof *wt);
    x = malloc((nn * p + 1) * sizeof *x);
    event = malloc((nn + 1) * sizeof *event);
    cl = malloc((nn + 1) * sizeof *cl);
    if (!start || !stop || !wt || !x || !event || !cl) goto out;
    double tmin = d->time[0];
    for (size_t i = 1; i < n; i++)
        if (d->time[i] < tmin) tmin = d->time[i];
    double zero = tmin > 0 ? 0 : 2 * tmin - 1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t first = k;
        start[k] = zero;
        stop[k] = d->time[i];
        wt[k] = 1;
        event[k] = d->status[i] == 1;
        k++;
        if (d->status[i] == 2) {
            size_t j = 0;
            while (j < ncut && ct[j] < d->time[i]) j++;
            stop[first] = ct[j];     /* to the end of its interval */
            double w0 = cp[j];
            for (j++; j < ncut; j++) {
                if (!keep[j] || !(cp[j] > 0)) continue;
                start[k] = ct[j - 1];
                stop[k] = ct[j];
                wt[k] = cp[j] / w0;
                event[k] = 0;
                k++;
            }
        }
        for (size_t r = first; r < k; r++) {
            memcpy(x + r * p, d->x + i * p, p * sizeof *x);
            cl[r] = d->cluster ? d->cluster[i] : (int)i;
        }
    }
    *nexpanded = nn;
    cox_data cd = {nn, p, start, stop, event, x, NULL, cl, d->cluster ? d->ncluster : n, wt};
    rc = cox_fit_model(&cd, o, f);
out:
    free(ct);
    free(cp);
    free(keep);
    free(start);
    free(stop);
    free(wt);
    free(x);
    free(event);
    free(cl);
    if (rc == COX_ENOMEM && !f->coef) f->status = COX_ENOMEM;
    return rc;
}
