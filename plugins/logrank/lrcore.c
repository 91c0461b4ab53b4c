/* lrcore.c: weighted log-rank (G-rho) tests with strata, as survdiff
 * (see lrcore.h). */
#define MATHLIB_STANDALONE
#include "lrcore.h"
#include "../common/linalg.h"
#include <Rmath.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct lr_obs {
    int stratum;
    double time;
    int event;
    int group;
} lr_obs;

static int lr_cmp(const void *a, const void *b)
{
    const lr_obs *x = a, *y = b;
    if (x->stratum != y->stratum) return (x->stratum > y->stratum) - (x->stratum < y->stratum);
    return (x->time > y->time) - (x->time < y->time);
}

void lr_free(lr_result *r)
{
    free(r->n);
    free(r->obs);
    free(r->exp);
    free(r->var);
    memset(r, 0, sizeof *r);
}

/* Add one stratum (obs[0..m-1], sorted by time) to r; risk and dk are
 * work arrays of ngroups. */
static void lr_stratum(const lr_obs *obs, size_t m, size_t g, double rho,
                       double *risk, double *dk, lr_result *r)
{
    for (size_t k = 0; k < g; k++) risk[k] = 0;
    for (size_t i = 0; i < m; i++) risk[obs[i].group]++;
    double km = 1, nrisk = (double)m;
    for (size_t i = 0; i < m;) {
        size_t j = i;
        double d = 0;
        for (size_t k = 0; k < g; k++) dk[k] = 0;
        while (j < m && obs[j].time == obs[i].time) {
            if (obs[j].event) {
                dk[obs[j].group]++;
                d++;
            }
            j++;
        }
        if (d > 0) {
            double w = rho == 0 ? 1 : pow(km, rho);
            double f = nrisk > 1 ? w * w * d * (nrisk - d) / (nrisk - 1) : 0;
            for (size_t k = 0; k < g; k++) {
                double pk = risk[k] / nrisk;
                r->obs[k] += w * dk[k];
                r->exp[k] += w * d * pk;
                for (size_t l = 0; l < g; l++)
                    r->var[k * g + l] += f * pk * ((k == l) - risk[l] / nrisk);
            }
            km *= (nrisk - d) / nrisk;
        }
        for (size_t q = i; q < j; q++) risk[obs[q].group]--;
        nrisk -= (double)(j - i);
        i = j;
    }
}

int lr_test(const double *time, const int *event, const int *group,
            const int *strata, size_t n, size_t ngroups, double rho,
            lr_result *r)
{
    memset(r, 0, sizeof *r);
    size_t g = ngroups;
    r->ngroups = g;
    r->chisq = r->p = NAN;
    lr_obs *obs = malloc((n + 1) * sizeof *obs);
    double *work = malloc((2 * g + 1) * sizeof *work);
    double *a = malloc((g * g + 1) * sizeof *a), *b = malloc((g + 1) * sizeof *b);
    r->n = calloc(g + 1, sizeof *r->n);
    r->obs = calloc(g + 1, sizeof *r->obs);
    r->exp = calloc(g + 1, sizeof *r->exp);
    r->var = calloc(g * g + 1, sizeof *r->var);
    int rc = LR_NOMEM;
    if (!obs || !work || !a || !b || !r->n || !r->obs || !r->exp || !r->var) goto done;
    for (size_t i = 0; i < n; i++) {
        obs[i].stratum = strata ? strata[i] : 0;
        obs[i].time = time[i];
        obs[i].event = event[i] != 0;
        obs[i].group = group[i];
        r->n[group[i]]++;
    }
    qsort(obs, n, sizeof *obs, lr_cmp);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && obs[j].stratum == obs[i].stratum) j++;
        lr_stratum(obs + i, j - i, g, rho, work, work + g, r);
        i = j;
    }

    /* chi-squared on the groups with expected > 0, the first one dropped */
    size_t m = 0, first = g;
    for (size_t k = 0; k < g; k++)
        if (r->exp[k] > 0) {
            if (first == g) first = k;
            m++;
        }
    r->df = (int)m - 1;
    rc = LR_OK;
    if (m < 2) {
        r->chisq = 0;
        goto done;
    }
    size_t dim = m - 1, p = 0;
    size_t *idx = malloc(dim * sizeof *idx);
    if (!idx) {
        rc = LR_NOMEM;
        goto done;
    }
    for (size_t k = first + 1; k < g; k++)
        if (r->exp[k] > 0) idx[p++] = k;
    for (size_t u = 0; u < dim; u++) {
        b[u] = r->obs[idx[u]] - r->exp[idx[u]];
        for (size_t v = 0; v < dim; v++) a[u * dim + v] = r->var[idx[u] * g + idx[v]];
    }
    free(idx);
    if (pc_chol(a, dim, 1e-10) != (int)dim) {
        rc = LR_SINGULAR;
        goto done;
    }
    double *x = work; /* g >= dim */
    memcpy(x, b, dim * sizeof *x);
    pc_chol_solve(a, dim, x);
    double chi = 0;
    for (size_t u = 0; u < dim; u++) chi += x[u] * b[u];
    r->chisq = chi;
    r->p = pchisq(chi, r->df, 0, 0);
done:
    free(obs);
    free(work);
    free(a);
    free(b);
    if (rc == LR_NOMEM) lr_free(r);
    return rc;
}
