/* cmpcore.c: one row of the definitions comparison (see cmpcore.h): group
 * counts, per-group cumulative incidence, Gray's test and the univariable
 * Fine-Gray subdistribution hazard ratio, from the cif and finegray
 * plugins' numeric cores. */
#include "cmpcore.h"
#include "../cif/cifcore.h"
#include "../finegray/crr.h"
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *cmp_fit_text(int fit)
{
    switch (fit) {
    case CMP_FIT_OK: return "ok";
    case CMP_FIT_EMPTY_GROUP: return "a group is empty";
    case CMP_FIT_NO_EVENTS: return "no events in a group";
    case CMP_FIT_SINGULAR: return "singular information";
    case CMP_FIT_NOCONV: return "the Fine-Gray model did not converge";
    }
    return "?";
}

void cmp_row_free(cmp_row *r)
{
    for (int g = 0; g < 2; g++) {
        free(r->cif[g]);
        free(r->var[g]);
        free(r->cif_lower[g]);
        free(r->cif_upper[g]);
        free(r->nby[g]);
        r->cif[g] = r->var[g] = r->cif_lower[g] = r->cif_upper[g] = NULL;
        r->nby[g] = NULL;
    }
}

/* Incidence of status 1 at the times `at` among the rows of group g. */
static int cmp_group_cif(const double *time, const int *status, const int *exposed, size_t n, int g,
                         const double *at, size_t nat, double *est, double *var, double *sub_t,
                         int *sub_s)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (exposed[i] == g) {
            sub_t[m] = time[i];
            sub_s[m++] = status[i];
        }
    if (m == 0) {
        for (size_t k = 0; k < nat; k++) est[k] = var[k] = NAN;
        return CMP_OK;
    }
    cif_curve c;
    if (cif_fit(sub_t, sub_s, m, 1, &c) != CIF_OK) return CMP_NOMEM;
    for (size_t k = 0; k < nat; k++) cif_at(&c, at[k], &est[k], &var[k]);
    cif_free(&c);
    return CMP_OK;
}

int cmp_compute(const double *time, const int *status, const int *exposed, size_t n,
                const double *at, size_t nat, double conf_level, cmp_row *r)
{
    memset(r, 0, sizeof *r);
    r->nat = nat;
    r->gray_stat = r->gray_p = NAN;
    r->coef = r->se = r->shr = r->lower = r->upper = r->p = NAN;
    for (size_t i = 0; i < n; i++) {
        int g = exposed[i] != 0;
        r->n[g]++;
        if (status[i] == 1) r->events[g]++;
        else if (status[i] >= 2) r->competing[g]++;
    }
    double *sub_t = malloc((n + 1) * sizeof *sub_t), *x = malloc((n + 1) * sizeof *x);
    int *sub_s = malloc((n + 1) * sizeof *sub_s), *grp = malloc((n + 1) * sizeof *grp);
    int rc = CMP_NOMEM;
    for (int g = 0; g < 2; g++) {
        r->cif[g] = malloc((nat + 1) * sizeof *r->cif[g]);
        r->var[g] = malloc((nat + 1) * sizeof *r->var[g]);
        r->cif_lower[g] = malloc((nat + 1) * sizeof *r->cif_lower[g]);
        r->cif_upper[g] = malloc((nat + 1) * sizeof *r->cif_upper[g]);
        r->nby[g] = calloc(nat + 1, sizeof *r->nby[g]);
    }
    if (!sub_t || !x || !sub_s || !grp || !r->cif[0] || !r->cif[1] || !r->var[0] || !r->var[1] ||
        !r->cif_lower[0] || !r->cif_lower[1] || !r->cif_upper[0] || !r->cif_upper[1] || !r->nby[0] ||
        !r->nby[1])
        goto out;
    for (size_t i = 0; i < n; i++)
        if (status[i] == 1)
            for (size_t k = 0; k < nat; k++) r->nby[exposed[i] != 0][k] += time[i] <= at[k];
    for (int g = 0; g < 2; g++)
        if (cmp_group_cif(time, status, exposed, n, g, at, nat, r->cif[g], r->var[g], sub_t, sub_s) !=
            CMP_OK)
            goto out;
    for (int g = 0; g < 2; g++)
        for (size_t k = 0; k < nat; k++)
            cif_ci(r->cif[g][k], r->var[g][k], conf_level, CIF_CI_LOGLOG, &r->cif_lower[g][k], &r->cif_upper[g][k]);

    if (r->n[0] == 0 || r->n[1] == 0) {
        r->fit = CMP_FIT_EMPTY_GROUP;
        rc = CMP_OK;
        goto out;
    }
    /* Gray's test: needs an event somewhere */
    if (r->events[0] + r->events[1] > 0) {
        for (size_t i = 0; i < n; i++) grp[i] = exposed[i] != 0;
        double stat, p;
        int df;
        int st = cif_gray(time, status, grp, NULL, n, 2, 1, 0.0, &stat, &df, &p);
        if (st == CIF_NOMEM) goto out;
        if (st == CIF_OK && isfinite(stat) && isfinite(p)) {
            r->gray_ok = 1;
            r->gray_stat = stat;
            r->gray_p = p;
        }
    }
    /* the sHR is 0 or infinite when a group has no events: not estimable */
    if (r->events[0] == 0 || r->events[1] == 0) {
        r->fit = CMP_FIT_NO_EVENTS;
        rc = CMP_OK;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        x[i] = exposed[i] != 0;
        sub_s[i] = status[i] == 0 ? 0 : status[i] == 1 ? 1 : 2;
    }
    crr_data cd = {n, 1, time, sub_s, x};
    crr_options o;
    crr_options_default(&o);
    crr_fit f;
    int st = crr_fit_model(&cd, &o, &f);
    if (st == CRR_ENOMEM) {
        crr_fit_free(&f);
        goto out;
    }
    if (st == CRR_OK && isfinite(f.coef[0]) && isfinite(f.se[0]) && f.se[0] > 0) {
        double z = qnorm(1 - (1 - conf_level) / 2, 0, 1, 1, 0);
        r->fit = CMP_FIT_OK;
        r->coef = f.coef[0];
        r->se = f.se[0];
        r->shr = exp(r->coef);
        r->lower = exp(r->coef - z * r->se);
        r->upper = exp(r->coef + z * r->se);
        r->p = f.pvalue[0];
    } else {
        r->fit = st == CRR_ENOCONV ? CMP_FIT_NOCONV : CMP_FIT_SINGULAR;
    }
    crr_fit_free(&f);
    rc = CMP_OK;
out:
    free(sub_t);
    free(x);
    free(sub_s);
    free(grp);
    return rc;
}
