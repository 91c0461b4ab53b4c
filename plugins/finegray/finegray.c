/* finegray.c: the `finegray` estimator plugin (ABI glue): Fine-Gray
 * competing-risks regression of an endpoint's cumulative incidence on
 * formula terms, by one of two named methods: "crr", as R cmprsk's crr
 * (subdistribution hazard ratios with crr's sandwich variance, the pseudo
 * likelihood-ratio test, optional univariable screening), the default; and
 * "finegray", as survival's finegray() + a weighted coxph with a
 * cluster-robust variance, the default when clustered (a `cluster`, given
 * or the patient by default below the patient level).  The numbers come
 * from crr.c and fgcox.c. */
#include "../common/forest.h"
#include <cohort/plugin.h>
#include "../common/fitcheck.h"
#include "../common/pcommon.h"
#include "crr.h"
#include "fgcox.h"
#include "../common/design.h"
#include "../common/linalg.h"
#include "../common/screen.h"
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cohort_param fg_params[] = {
    {"formula", COHORT_ARG_FORMULA, 1,
     "endpoint ~ terms (the endpoint's event; its competing events compete, 0 is censored)"},
    {"cause", COHORT_ARG_TEXT, 0, "model this competing cause instead of the endpoint's event"},
    {"conf_level", COHORT_ARG_NUMBER, 0, "confidence level, default 0.95"},
    {"screen", COHORT_ARG_NUMBER, 0,
     "fit each term alone first; terms with univariable Wald p < screen enter the model"},
    {"maxiter", COHORT_ARG_NUMBER, 0,
     "maximum Newton iterations, default 10 (as crr; 20 as coxph with method \"finegray\")"},
    {"gtol", COHORT_ARG_NUMBER, 0, "convergence tolerance of the score, default 1e-6 (as crr)"},
    {"method", COHORT_ARG_TEXT, 0,
     "\"crr\" (cmprsk's crr; the default without a cluster) or \"finegray\" (survival's finegray + "
     "weighted coxph, cluster-robust; the default with one)"},
    {"cluster", COHORT_ARG_COLUMN, 0,
     "robust variance with these clusters, e.g. patient_id (method \"finegray\")"},
};

typedef struct fg_input {
    size_t n;
    double *time;
    int *status;        /* 0 censored, 1 cause of interest, 2 other causes */
    pc_design des;
    int *cluster;       /* NULL, or cluster codes 0..ncluster-1 (`cluster`) */
    size_t ncluster;
    const char *clname;
    const char *epname, *cause;
    int other_cause;    /* `cause` names a competing cause */
    char label[256];    /* "rn", or "rn (cause death)" when another cause is modelled */
    char others[256];   /* the competing causes, e.g. "death" */
} fg_input;

static void input_free(fg_input *in)
{
    free(in->time);
    free(in->status);
    free(in->cluster);
    pc_design_free(&in->des);
}

/* Which status code is the cause of interest (1 unless `cause` names a
 * competing cause).  Returns 0, or 1 after host->error. */
static int fg_cause(const cohort_host *host, const cohort_call *call, const cohort_surv *s, int *code,
                    const char **name)
{
    const cohort_arg *a = cohort_arg_get(call, "cause");
    *code = 1;
    *name = s->cause_names && s->ncauses > 0 ? s->cause_names[0] : s->name;
    if (!a) return 0;
    for (int k = 0; k < s->ncauses; k++)
        if (s->cause_names && s->cause_names[k] && strcmp(s->cause_names[k], a->text) == 0) {
            *code = k + 1;
            *name = s->cause_names[k];
            return 0;
        }
    host->error(call, "cause \"%s\" is not a cause of %s", a->text, s->name);
    return 1;
}

/* Read the data for the terms with sel[t] (sel NULL: all), dropping rows
 * with missing values.  Returns 0, or 1 after host->error. */
static int fg_read(const cohort_host *host, const cohort_call *call, const unsigned char *sel,
                   int verbose, fg_input *in)
{
    memset(in, 0, sizeof *in);
    const cohort_formula *fm = &cohort_arg_get(call, "formula")->formula;
    const cohort_surv *s = &fm->surv;
    int code;
    if (fg_cause(host, call, s, &code, &in->cause) != 0) return 1;
    in->epname = s->name;
    in->other_cause = code != 1;
    if (code == 1) snprintf(in->label, sizeof in->label, "%s", s->name);
    else snprintf(in->label, sizeof in->label, "%s (cause %s)", s->name, in->cause);
    size_t off = 0;
    for (int k = 0; k < s->ncauses && s->cause_names && off < sizeof in->others; k++)
        if (k + 1 != code && s->cause_names[k])
            off += (size_t)snprintf(in->others + off, sizeof in->others - off, "%s%s",
                                    off ? ", " : "", s->cause_names[k]);
    if (off == 0) snprintf(in->others, sizeof in->others, "none");
    if (s->start || call->row_unit) {
        host->error(call, "finegray needs one row per unit with right-censored times; "
                    "(start, stop] data (time-varying exposures) are not supported");
        return 1;
    }
    size_t nrows = call->nrows, nt = 0;
    unsigned char *use = calloc(nrows + 1, 1);
    cohort_term *terms = malloc((fm->nterms + 1) * sizeof *terms);
    const cohort_arg *ca = cohort_arg_get(call, "cluster");
    pc_factor cf = {0};
    int rc = 1;
    if (!use || !terms) goto nomem;
    if (ca && pc_factor_make(&ca->vec, NULL, &cf) != 0) goto nomem;
    for (size_t t = 0; t < fm->nterms; t++)
        if (!sel || sel[t]) terms[nt++] = fm->terms[t];
    size_t dropped = 0;
    for (size_t i = 0; i < nrows; i++) {
        int miss = s->missing[i] != 0 || (ca && cf.code[i] < 0);
        for (size_t t = 0; t < nt && !miss; t++) miss = terms[t].vec.missing[i] != 0;
        if (miss) {
            dropped++;
            continue;
        }
        if (!isfinite(s->time[i]) || s->time[i] < 0) {
            host->error(call, "%s: time %g in row %zu is not a time >= 0", s->name, s->time[i], i + 1);
            goto out;
        }
        use[i] = 1;
        in->n++;
    }
    if (dropped && verbose) {
        char c1[32], c2[32];
        host->warning(call, "%s of %s rows dropped for missing values in the variables of the model",
                      pc_count_text(host, call, (double)dropped, c1, sizeof c1),
                      pc_count_text(host, call, (double)nrows, c2, sizeof c2));
    }
    if (in->n == 0) {
        host->error(call, "no rows with all variables of the model known");
        goto out;
    }
    char err[256];
    if (pc_design_make(terms, nt, nrows, use, &in->des, err, sizeof err) != 0) {
        host->error(call, "%s", err);
        goto out;
    }
    in->time = malloc((in->n + 1) * sizeof *in->time);
    in->status = malloc((in->n + 1) * sizeof *in->status);
    if (ca) in->cluster = malloc((in->n + 1) * sizeof *in->cluster);
    if (!in->time || !in->status || (ca && !in->cluster)) goto nomem;
    if (ca) {
        in->ncluster = cf.nlevels;
        in->clname = ca->vec.name;
    }
    size_t k = 0;
    for (size_t i = 0; i < nrows; i++) {
        if (!use[i]) continue;
        if (ca) in->cluster[k] = cf.code[i];
        in->time[k] = s->time[i];
        in->status[k] = s->status[i] == 0 ? 0 : s->status[i] == code ? 1 : 2;
        k++;
    }
    rc = 0;
    goto out;
nomem:
    host->error(call, "out of memory");
out:
    free(use);
    free(terms);
    pc_factor_free(&cf);
    return rc;
}

/* A factor level (or its reference) without events of interest has an
 * infinite sHR; the fit may still "converge" to a huge or null estimate, so
 * refuse it rather than print one (the shared rule, fitcheck.h).  Returns
 * 0, or 1 (after host->error when report is set). */
static int fg_levels_ok(const cohort_host *host, const cohort_call *call, const fg_input *in, int report)
{
    return pc_fit_levels(report ? host : NULL, call, &in->des, in->status, 1, PC_FIT_EVENTS, in->label, "sHR");
}

static int fg_fit(const cohort_host *host, const cohort_call *call, const fg_input *in,
                  const crr_options *o, crr_fit *f, int report)
{
    memset(f, 0, sizeof *f);   /* the caller frees f whatever happens */
    if (fg_levels_ok(host, call, in, report) != 0) return 1;
    crr_data cd = {in->n, in->des.p, in->time, in->status, in->des.x};
    int st = crr_fit_model(&cd, o, f);
    if (st == CRR_OK || !report) return st != CRR_OK;
    switch (st) {
    case CRR_ENOEVENTS:
        host->error(call, "no events of %s among the %zu rows used: nothing to estimate", in->label,
                    in->n);
        break;
    case CRR_ESINGULAR:
        pc_fit_singular(host, call, NULL, in->des.names[f->bad], NULL);
        break;
    case CRR_ENOCONV:
        host->error(call, "the Fine-Gray model did not converge in %d iteration%s (maxiter; a "
                    "coefficient may be infinite, e.g. no events in one group)", o->maxiter,
                    o->maxiter == 1 ? "" : "s");
        break;
    default:
        host->error(call, "finegray: %s", crr_status_text(st));
    }
    return 1;
}

static const char *term_label(const pc_design *d, size_t j, char *buf, size_t size)
{
    if (!d->level[j]) return d->names[j];
    snprintf(buf, size, "%s (%s vs %s)", d->term_name[d->term[j]], d->level[j], d->term_ref[d->term[j]]);
    return buf;
}

/* The coefficient table, the notes and the forest plot of a fitted model:
 * var is the variance used (crr's sandwich, or the robust one), naive the
 * model-based one (method "finegray": its own column) or NULL; how, when
 * given, ends the title (e.g. "weighted Cox ..., robust SE by patient_id"). */
static void coef_table(const cohort_host *host, const cohort_call *call, const fg_input *in,
                       const char *how, const double *coef, const double *var, const double *naive,
                       const double *pvalue, double level)
{
    const pc_design *d = &in->des;
    size_t p = d->p;
    double zq = qnorm(1 - (1 - level) / 2, 0, 1, 1, 0);
    char title[768], lv[16], pb[32], lb[256], tail[300];
    snprintf(lv, sizeof lv, "%g%%", level * 100);
    snprintf(tail, sizeof tail, "%s%s", how ? "; " : "", how ? how : "");
    if (in->other_cause)
        snprintf(title, sizeof title, "Fine-Gray model of the cumulative incidence of %s (a cause of "
                 "endpoint %s; competing: %s%s)", in->cause, in->epname, in->others, tail);
    else
        snprintf(title, sizeof title, "Fine-Gray model of the cumulative incidence of %s (competing: %s%s)",
                 in->epname, in->others, tail);
    cohort_table *t = host->table_new(call, "coef", title);
    /* the forest plot of the subdistribution hazard ratios, drawn by the host */
    cohort_figure *fig = NULL;
    if (COHORT_HOST_HAS(host, figure_new)) {
        char xl[80];
        fig = host->figure_new(call, "forest", COHORT_FIG_FOREST, title);
        snprintf(xl, sizeof xl, "Subdistribution hazard ratio (%s CI)", lv);
        host->figure_labels(fig, xl, NULL);
    }
    int cterm = host->table_column(t, "term", COHORT_COL_TEXT, 0);
    int chr = host->table_column(t, "sHR", COHORT_COL_NUMBER, 2);
    int clo = host->table_column(t, "lower", COHORT_COL_NUMBER, 2);
    int cup = host->table_column(t, "upper", COHORT_COL_NUMBER, 2);
    int cp = host->table_column(t, "p", COHORT_COL_PVALUE, 3);
    int cb = host->table_column(t, "coef", COHORT_COL_NUMBER, 4);
    int cse = host->table_column(t, "se", COHORT_COL_NUMBER, 4);
    int crse = naive ? host->table_column(t, "robust se", COHORT_COL_NUMBER, 4) : -1;
    int cz = host->table_column(t, "z", COHORT_COL_NUMBER, 2);
    for (size_t j = 0; j < p; j++) {
        double b = coef[j], se = sqrt(var[j * p + j]);
        double hr = exp(b), lo = exp(b - zq * se), hi = exp(b + zq * se);
        size_t r = host->table_row(t);
        host->table_text(t, r, cterm, d->names[j]);
        pc_put(host, t, r, chr, hr);
        pc_put(host, t, r, clo, lo);
        pc_put(host, t, r, cup, hi);
        pc_put(host, t, r, cp, pvalue[j]);
        pc_put(host, t, r, cb, b);
        pc_put(host, t, r, cse, naive ? sqrt(naive[j * p + j]) : se);
        pc_put(host, t, r, crse, se);
        pc_put(host, t, r, cz, b / se);
        pc_fmt_p(pvalue[j], pb, sizeof pb);
        host->note(call, "%s: sHR %.2f (%s CI %.2f-%.2f), %s", term_label(d, j, lb, sizeof lb), hr, lv,
                   lo, hi, pb);
        if (fig) {
            char ub[512];
            pc_forest_reference(host, fig, d, j, in->status, 1);
            host->figure_estimate(fig, pc_forest_label(host, call, d, j, term_label(d, j, lb, sizeof lb),
                                                       ub, sizeof ub), hr, lo, hi, pvalue[j]);
            pc_forest_counts(host, fig, d, j, in->status, 1);   /* events of the cause modelled */
        }
    }
}

static void report_model(const cohort_host *host, const cohort_call *call, const fg_input *in,
                         const crr_fit *f, double level)
{
    const pc_design *d = &in->des;
    char pb[32];
    coef_table(host, call, in, NULL, f->coef, f->var, NULL, f->pvalue, level);
    cohort_table *tm = host->table_new(call, "model", "Model summary");
    int cn = host->table_column(tm, "n", COHORT_COL_COUNT, 0);
    int ce = host->table_column(tm, "events", COHORT_COL_COUNT, 0);
    int cc = host->table_column(tm, "competing", COHORT_COL_COUNT, 0);
    int ccen = host->table_column(tm, "censored", COHORT_COL_COUNT, 0);
    pc_count_role(host, call, 1, tm, cn, COHORT_COUNT_UNITS);
    int cll = host->table_column(tm, "pseudo log-likelihood", COHORT_COL_NUMBER, 2);
    int clr = host->table_column(tm, "LR test", COHORT_COL_NUMBER, 2);
    int cdf = host->table_column(tm, "df", COHORT_COL_NUMBER, 0);
    int clp = host->table_column(tm, "p", COHORT_COL_PVALUE, 3);
    size_t r = host->table_row(tm);
    pc_put(host, tm, r, cn, (double)f->n);
    pc_put(host, tm, r, ce, (double)f->nevents);
    pc_put(host, tm, r, cc, (double)f->ncompeting);
    pc_put(host, tm, r, ccen, (double)f->ncensored);
    pc_put(host, tm, r, cll, f->loglik);
    pc_put(host, tm, r, clr, f->lr_test);
    pc_put(host, tm, r, cdf, (double)f->p);
    pc_put(host, tm, r, clp, f->lr_p);
    pc_matrix_table(host, call, "vcov", "Variance matrix of the coefficients (sandwich, as crr)",
                    (const char *const *)d->names, d->p, f->var);
    pc_fmt_p(f->lr_p, pb, sizeof pb);
    char c1[32], c2[32];
    host->note(call, "Fine-Gray model of %s with %s events, %s competing; pseudo likelihood-ratio "
               "test %.2f on %zu df, %s", in->label, pc_count_text(host, call, (double)f->nevents, c1, sizeof c1),
               pc_count_text(host, call, (double)f->ncompeting, c2, sizeof c2), f->lr_test, f->p, pb);
}

/* Method "finegray": survival::finegray's weighted rows and a weighted Cox
 * model with a cluster-robust variance.  Returns 0, or 1 after host->error. */
static int fgc_fit(const cohort_host *host, const cohort_call *call, const fg_input *in,
                   cox_fit *f, size_t *nrows, int report)
{
    memset(f, 0, sizeof *f);
    if (fg_levels_ok(host, call, in, report) != 0) return 1;
    cox_options o;
    cox_options_default(&o);   /* coxph's: Efron ties, iter.max 20 unless maxiter */
    if (cohort_arg_get(call, "maxiter")) o.iter_max = (int)cohort_arg_get(call, "maxiter")->num;
    fgc_data d = {in->n, in->des.p, in->time, in->status, in->des.x, in->cluster, in->ncluster};
    int st = fgc_fit_model(&d, &o, f, nrows);
    if (st == COX_OK) return 0;
    if (!report) return 1;
    switch (st) {
    case COX_ENOEVENTS:
        host->error(call, "no events of %s among the %zu rows used: nothing to estimate", in->label,
                    in->n);
        break;
    case COX_ESINGULAR:
        pc_fit_singular(host, call, NULL, in->des.names[f->bad], NULL);
        break;
    case COX_EINFINITE:
        host->error(call, "the coefficient of %s may be infinite (monotone likelihood, e.g. no "
                    "events in one group)", in->des.names[f->bad]);
        break;
    case COX_ENOCONV:
        host->error(call, "the Fine-Gray model did not converge in %d iteration%s (maxiter)", o.iter_max,
                    o.iter_max == 1 ? "" : "s");
        break;
    default:
        host->error(call, "finegray: %s", cox_status_text(st));
    }
    return 1;
}

static void report_fgc(const cohort_host *host, const cohort_call *call, const fg_input *in,
                       const cox_fit *f, size_t nrows, double level)
{
    const pc_design *d = &in->des;
    size_t p = d->p;
    char how[300], pb[32];
    const char *by = in->clname ? in->clname : "unit";
    snprintf(how, sizeof how, "weighted Cox as survival::finegray, robust SE by %s", by);
    coef_table(host, call, in, how, f->coef, f->var, f->naive_var, f->pvalue, level);
    size_t ncomp = 0, ncens = 0;
    for (size_t i = 0; i < in->n; i++) {
        ncomp += in->status[i] == 2;
        ncens += in->status[i] == 0;
    }
    cohort_table *tm = host->table_new(call, "model", "Model summary");
    int cn = host->table_column(tm, "n", COHORT_COL_COUNT, 0);
    int cw = host->table_column(tm, "weighted rows", COHORT_COL_NUMBER, 0);
    int ce = host->table_column(tm, "events", COHORT_COL_COUNT, 0);
    int cc = host->table_column(tm, "competing", COHORT_COL_COUNT, 0);
    int ccen = host->table_column(tm, "censored", COHORT_COL_COUNT, 0);
    int cwd = host->table_column(tm, "Wald test (robust)", COHORT_COL_NUMBER, 2);
    int cdf = host->table_column(tm, "df", COHORT_COL_NUMBER, 0);
    int cwp = host->table_column(tm, "p", COHORT_COL_PVALUE, 3);
    int crs = host->table_column(tm, "robust score", COHORT_COL_NUMBER, 2);
    int crp = host->table_column(tm, "score p", COHORT_COL_PVALUE, 3);
    size_t r = host->table_row(tm);
    pc_put(host, tm, r, cn, (double)in->n);
    pc_put(host, tm, r, cw, (double)nrows);
    pc_put(host, tm, r, ce, (double)f->nevents);
    pc_put(host, tm, r, cc, (double)ncomp);
    pc_put(host, tm, r, ccen, (double)ncens);
    pc_put(host, tm, r, cwd, f->wald_test);
    pc_put(host, tm, r, cdf, (double)f->df);
    pc_put(host, tm, r, cwp, f->wald_p);
    pc_put(host, tm, r, crs, f->robust_score_test);
    pc_put(host, tm, r, crp, f->robust_score_p);
    pc_matrix_table(host, call, "vcov", "Variance matrix of the coefficients (robust)",
                    (const char *const *)d->names, p, f->var);
    pc_matrix_table(host, call, "naive_vcov", "Model-based variance matrix of the coefficients",
                    (const char *const *)d->names, p, f->naive_var);
    char c1[32], c2[32];
    pc_fmt_p(f->wald_p, pb, sizeof pb);
    host->note(call, "Fine-Gray model of %s with %s events, %s competing (survival::finegray + weighted "
               "coxph, robust SE by %s); robust Wald test %.2f on %d df, %s", in->label,
               pc_count_text(host, call, (double)f->nevents, c1, sizeof c1),
               pc_count_text(host, call, (double)ncomp, c2, sizeof c2), by, f->wald_test, f->df, pb);
}

/* Screening (shared with cox in plugins/common/screen.c): one Fine-Gray
 * model per term; the term's p is the joint Wald test. */
typedef struct fg_screen {
    const cohort_host *host;
    const cohort_call *call;
    const crr_options *o;
    int fgc;            /* method "finegray" */
    fg_input in;
    crr_fit f;
    cox_fit cf;
    double *se;
    int have;
} fg_screen;

static int fg_screen_fit(void *ctx, const unsigned char *sel, pc_uni *u)
{
    fg_screen *c = ctx;
    c->have = 1;
    c->se = NULL;
    memset(&c->f, 0, sizeof c->f);
    memset(&c->cf, 0, sizeof c->cf);
    if (fg_read(c->host, c->call, sel, 0, &c->in) != 0) return -1;
    const pc_design *d = &c->in.des;
    u->n = c->in.n;
    u->des = d;
    if (c->fgc) {
        size_t nrows;
        u->failed = fgc_fit(c->host, c->call, &c->in, &c->cf, &nrows, 0);
        u->why = u->failed ? cox_status_text(c->cf.status) : NULL;
        u->nevents = c->cf.nevents;
        if (u->failed) return 0;
        c->se = malloc((d->p + 1) * sizeof *c->se);
        if (!c->se) {
            c->host->error(c->call, "out of memory");
            return -1;
        }
        for (size_t j = 0; j < d->p; j++) c->se[j] = sqrt(c->cf.var[j * d->p + j]);
        u->coef = c->cf.coef;
        u->se = c->se;
        u->pvalue = c->cf.pvalue;
        u->term_p = c->cf.wald_p;
        return 0;
    }
    u->failed = fg_fit(c->host, c->call, &c->in, c->o, &c->f, 0);
    u->why = u->failed ? crr_status_text(c->f.status) : NULL;
    u->nevents = c->f.nevents;
    if (!u->failed) {
        u->coef = c->f.coef;
        u->se = c->f.se;
        u->pvalue = c->f.pvalue;
        u->term_p = pchisq(pc_quad_inv(c->f.var, d->p, c->f.coef, 1e-12, NULL), (double)d->p, 0, 0);
    }
    return 0;
}

static void fg_screen_release(void *ctx)
{
    fg_screen *c = ctx;
    if (!c->have) return;
    crr_fit_free(&c->f);
    cox_fit_free(&c->cf);
    free(c->se);
    c->se = NULL;
    input_free(&c->in);
    c->have = 0;
}

static int fg_run(const cohort_host *host, const cohort_call *call)
{
    crr_options o;
    crr_options_default(&o);
    double level = 0.95, threshold = NAN;
    const cohort_arg *a;
    if (pc_conf_level(host, call, &level)) return 1;
    if (pc_screen_threshold(host, call, &threshold)) return 1;
    if (pc_iterations(host, call, "maxiter", &o.maxiter)) return 1;
    if ((a = cohort_arg_get(call, "gtol"))) {
        if (!(a->num > 0 && a->num < 1)) {
            host->error(call, "gtol %g: give a small positive tolerance, e.g. 1e-6", a->num);
            return 1;
        }
        o.gtol = a->num;
    }
    a = cohort_arg_get(call, "formula");
    if (a && a->kind == COHORT_ARG_FORMULA && !a->formula.lhs_is_endpoint) {
        host->error(call, "the left of the formula, %s, is not an endpoint: finegray models an "
                    "endpoint with competing events (endpoint ~ terms)", a->formula.lhs.name);
        return 1;
    }
    if (!a || a->kind != COHORT_ARG_FORMULA || a->formula.nterms == 0) {
        host->error(call, "finegray needs a formula: endpoint ~ terms");
        return 1;
    }
    const cohort_formula *fm = &a->formula;
    /* the method: crr unless clustered */
    int clustered = cohort_arg_get(call, "cluster") != NULL, use_fgc = clustered;
    if ((a = cohort_arg_get(call, "method"))) {
        if (strcmp(a->text, "finegray") == 0) use_fgc = 1;
        else if (strcmp(a->text, "crr") == 0) use_fgc = 0;
        else {
            host->error(call, "method \"%s\": use \"crr\" or \"finegray\"", a->text);
            return 1;
        }
        if (!use_fgc && clustered) {
            host->error(call, "method \"crr\" has no cluster-robust variance: use method "
                        "\"finegray\", or write cluster: none");
            return 1;
        }
    }
    if (use_fgc && cohort_arg_get(call, "gtol")) {
        host->error(call, "gtol is crr's tolerance: method \"finegray\" uses coxph's rule");
        return 1;
    }
    unsigned char *keep = NULL;
    if (!isnan(threshold)) {
        keep = calloc(fm->nterms + 1, 1);
        if (!keep) {
            host->error(call, "out of memory");
            return 1;
        }
        fg_screen sc = {host, call, &o, use_fgc, {0}, {0}, {0}, NULL, 0};
        if (pc_screen(host, call, fm, "Fine-Gray", "sHR", level, threshold, fg_screen_fit, fg_screen_release,
                      &sc, keep) != 0) {
            free(keep);
            return 1;
        }
        size_t nk = 0;
        for (size_t t = 0; t < fm->nterms; t++) nk += keep[t];
        if (nk == 0) {
            host->error(call, "no term has univariable p < %g: no multivariable model", threshold);
            free(keep);
            return 1;
        }
    }
    fg_input in;
    int rc = 1;
    if (use_fgc) {
        if (fg_read(host, call, keep, 1, &in) == 0) {
            cox_fit f;
            size_t nrows = 0;
            if (fgc_fit(host, call, &in, &f, &nrows, 1) == 0) {
                report_fgc(host, call, &in, &f, nrows, level);
                rc = 0;
            }
            cox_fit_free(&f);
        }
        input_free(&in);
        free(keep);
        return rc;
    }
    if (fg_read(host, call, keep, 1, &in) == 0) {
        crr_fit f;
        if (fg_fit(host, call, &in, &o, &f, 1) == 0) {
            if (f.ncompeting == 0)
                host->warning(call, "%s has no competing events among the rows used: the Fine-Gray "
                              "model reduces to a Cox model (Breslow ties)", in.label);
            report_model(host, call, &in, &f, level);
            rc = 0;
        }
        crr_fit_free(&f);
    }
    input_free(&in);
    free(keep);
    return rc;
}

static const cohort_estimator fg_estimators[] = {
    {"finegray", "Fine-Gray competing-risks regression (as R cmprsk crr)", fg_params,
     sizeof fg_params / sizeof fg_params[0], fg_run},
};

/* what each constant parameter accepts, and its default (ABI 1.2: checked by
 * the host before any data is read; run() still validates for older hosts) */
static const char *const fg_methods[] = {"crr", "finegray", NULL};
static const cohort_param_spec fg_specs[] = {
    {"finegray", "conf_level", NULL, 0, 0, 1, COHORT_SPEC_MIN_OPEN | COHORT_SPEC_MAX_OPEN, "0.95"},
    {"finegray", "screen", NULL, 0, 0, 1, COHORT_SPEC_MIN_OPEN, NULL},
    {"finegray", "maxiter", NULL, 0, 1, 1000, COHORT_SPEC_INTEGER, "10"},
    {"finegray", "gtol", NULL, 0, 0, 1, COHORT_SPEC_MIN_OPEN | COHORT_SPEC_MAX_OPEN, "1e-6"},
    {"finegray", "method", fg_methods, 0, NAN, NAN, 0, "\"crr\""},
};

static const cohort_plugin fg_plugin = {
    COHORT_PLUGIN_HEADER,
    "finegray",
    "1.0.0",
    "Fine-Gray subdistribution hazards regression with univariable screening",
    fg_estimators,
    sizeof fg_estimators / sizeof fg_estimators[0],
    NULL,
    COHORT_PLUGIN_SPECS(fg_specs),
    NULL,   /* estimator_flags (ABI 1.7): none, every column comes before run() */
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &fg_plugin;
}
