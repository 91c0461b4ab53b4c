/* pscore.c: the propensity model of psm and iptw (see pscore.h). */
#include "pscore.h"
#include "../common/fitcheck.h"
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ps_model_fit(const cohort_host *host, const cohort_call *call, const char *who, const char *dropped_fate,
                 ps_model *m)
{
    memset(m, 0, sizeof *m);
    const cohort_arg *a = cohort_arg_get(call, "formula");
    if (a && a->kind == COHORT_ARG_FORMULA && a->formula.lhs_is_endpoint) {
        host->error(call, "the left of the formula, %s, is an endpoint: %s needs the treatment there "
                    "(treatment ~ covariates)", a->formula.surv.name, who);
        return 1;
    }
    if (!a || a->kind != COHORT_ARG_FORMULA || a->formula.nterms == 0) {
        host->error(call, "%s needs a formula: treatment ~ covariates", who);
        return 1;
    }
    if (call->row_unit) {
        host->error(call, "%s needs one row per unit; it cannot use (start, stop] episodes", who);
        return 1;
    }
    const cohort_formula *fm = &a->formula;
    const cohort_vec *lhs = &fm->lhs;
    m->treatment = lhs->name;
    size_t nrows = call->nrows, dropped = 0;
    unsigned char *use = calloc(nrows + 1, 1);
    m->y = malloc((nrows + 1) * sizeof *m->y);
    m->rowof = malloc((nrows + 1) * sizeof *m->rowof);
    m->treat = malloc((nrows + 1) * sizeof *m->treat);
    int rc = 1;
    if (!use || !m->y || !m->rowof || !m->treat) {
        host->error(call, "out of memory");
        goto out;
    }
    if (lhs->type == COHORT_TYPE_TEXT) {
        if (pc_factor_make(lhs, NULL, &m->yf) != 0 || m->yf.nlevels != 2) {
            host->error(call, "%s must take exactly two values to be a treatment", lhs->name);
            goto out;
        }
    } else if (lhs->type == COHORT_TYPE_DATE || lhs->type == COHORT_TYPE_DURATION) {
        host->error(call, "%s is not a treatment indicator (use true/false or 0/1)", lhs->name);
        goto out;
    }
    for (size_t i = 0; i < nrows; i++) {
        int miss = lhs->missing[i] != 0;
        for (size_t t = 0; t < fm->nterms && !miss; t++) miss = fm->terms[t].vec.missing[i] != 0;
        if (miss) {
            dropped++;
            continue;
        }
        double v = lhs->type == COHORT_TYPE_TEXT ? (double)m->yf.code[i] : lhs->num[i];
        if (v != 0 && v != 1) {
            host->error(call, "%s is not a treatment indicator: it takes the value %g (give a "
                        "true/false or 0/1 column)", lhs->name, v);
            goto out;
        }
        use[i] = 1;
        m->rowof[m->n] = i;
        m->treat[m->n] = v == 1;
        m->nt += v == 1;
        m->y[m->n++] = v;
    }
    if (dropped) {
        char c1[32], c2[32];
        pc_count(host, call, (double)dropped, c1, sizeof c1);
        pc_count(host, call, (double)nrows, c2, sizeof c2);
        host->warning(call, "%s of %s units dropped for missing treatment or covariates; %s", c1, c2,
                      dropped_fate);
    }
    if (pc_fit_varies(host, call, PC_FIT_OUTCOME, lhs, use, m->n)) goto out;
    char err[256];
    if (pc_design_make(fm->terms, fm->nterms, nrows, use, &m->d, err, sizeof err) != 0) {
        host->error(call, "%s", err);
        goto out;
    }
    logit_options o;
    logit_options_default(&o);
    o.allow_separation = 1;
    int st = logit_fit_model(m->n, m->d.p, m->d.x, m->y, &o, &m->f);
    if (st != LOGIT_OK) {
        if (st == LOGIT_ESINGULAR)
            pc_fit_singular(host, call, "propensity model", m->d.names[m->f.bad], NULL);
        else
            host->error(call, "propensity model: %s", logit_status_text(st));
        goto out;
    }
    if (m->f.separated && m->f.bad < m->d.p)
        host->warning(call, "propensity model: %s predicts %s perfectly in some units (separation); "
                      "their scores are near 0 or 1", m->d.names[m->f.bad], lhs->name);
    else if (m->f.separated)
        host->warning(call, "propensity model: fitted scores numerically 0 or 1 (separation): the groups "
                      "do not overlap everywhere");
    rc = 0;
out:
    free(use);
    return rc;
}

void ps_model_free(ps_model *m)
{
    logit_fit_free(&m->f);
    pc_design_free(&m->d);
    pc_factor_free(&m->yf);
    free(m->y);
    free(m->rowof);
    free(m->treat);
    memset(m, 0, sizeof *m);
}

void ps_model_table(const cohort_host *host, const cohort_call *call, const ps_model *m)
{
    double zq = qnorm(0.975, 0, 1, 1, 0);
    char title[256];
    snprintf(title, sizeof title, "Propensity score model (logistic regression of %s)", m->treatment);
    cohort_table *t = host->table_new(call, "ps_model", title);
    int cterm = host->table_column(t, "term", COHORT_COL_TEXT, 0);
    int cor = host->table_column(t, "OR", COHORT_COL_NUMBER, 2);
    int clo = host->table_column(t, "lower", COHORT_COL_NUMBER, 2);
    int cup = host->table_column(t, "upper", COHORT_COL_NUMBER, 2);
    int cp = host->table_column(t, "p", COHORT_COL_PVALUE, 3);
    const logit_fit *f = &m->f;
    for (size_t j = 1; j < f->p; j++) {
        size_t r = host->table_row(t);
        host->table_text(t, r, cterm, m->d.names[j - 1]);
        pc_put(host, t, r, cor, exp(f->coef[j]));
        pc_put(host, t, r, clo, exp(f->coef[j] - zq * f->se[j]));
        pc_put(host, t, r, cup, exp(f->coef[j] + zq * f->se[j]));
        pc_put(host, t, r, cp, f->pvalue[j]);
    }
}

void ps_model_columns(const ps_model *m, double *col,
                      void (*fn)(void *ud, const char *name, const double *x), void *ud)
{
    const pc_design *d = &m->d;
    size_t n = m->n;
    char name[256];
    for (size_t j = 0; j < d->p; j++) {
        size_t term = d->term[j];
        if (d->level[j] && (j == 0 || d->term[j - 1] != term)) {
            /* the factor's reference level: all its columns 0 */
            for (size_t i = 0; i < n; i++) {
                double s = 0;
                for (size_t k = j; k < d->p && d->term[k] == term; k++) s += d->x[i * d->p + k];
                col[i] = s == 0 ? 1 : 0;
            }
            snprintf(name, sizeof name, "%s%s", d->term_name[term], d->term_ref[term]);
            fn(ud, name, col);
        }
        for (size_t i = 0; i < n; i++) col[i] = d->x[i * d->p + j];
        fn(ud, d->names[j], col);
    }
}

int ps_unit_values(const cohort_host *host, const cohort_call *call, const ps_model *m, const char *name,
                   const double *x, double other, double *scratch)
{
    if (!COHORT_HOST_HAS(host, unit_values)) return 0;
    for (size_t r = 0; r < call->nrows; r++) scratch[r] = other;
    for (size_t i = 0; i < m->n; i++) scratch[m->rowof[i]] = x[i];
    if (host->unit_values(call, name, scratch) == 0) return 0;
    host->error(call, "the values per unit (%s) could not be kept", name);
    return -1;
}
