/* cox.c: the `cox` estimator plugin (ABI glue): Cox proportional hazards
 * regression of an endpoint on formula terms, as R's coxph: hazard ratios
 * with confidence intervals, likelihood-ratio / Wald / score tests,
 * concordance; Efron or Breslow ties, strata, robust variance by cluster,
 * case weights, counting-process data; optional univariable screening (`screen`) before
 * the multivariable model; the test of proportional hazards (`zph`, as
 * cox.zph).  The numbers come from coxfit.c and coxzph.c. */
#include <cohort/plugin.h>
#include "coxfit.h"
#include "coxzph.h"
#include "zphsmooth.h"
#include "../common/forest.h"
#include "../common/design.h"
#include "../common/fitcheck.h"
#include "../common/pcommon.h"
#include "../common/screen.h"
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cohort_param cox_params[] = {
    {"formula", COHORT_ARG_FORMULA, 1,
     "endpoint ~ terms (event 1; competing events are censored: cause-specific hazards)"},
    {"strata", COHORT_ARG_COLUMN, 0, "stratify the baseline hazard by this column"},
    {"cluster", COHORT_ARG_COLUMN, 0, "robust (sandwich) variance with these clusters, e.g. patient_id"},
    {"robust", COHORT_ARG_BOOL, 0,
     "robust variance without `cluster`: clusters are the analysis units (default false, "
     "true with non-integer weights as coxph)"},
    {"weights", COHORT_ARG_COLUMN, 0, "case weights (numbers > 0), as coxph's weights"},
    {"ties", COHORT_ARG_TEXT, 0, "\"efron\" (default), \"breslow\" or \"exact\""},
    {"conf_level", COHORT_ARG_NUMBER, 0, "confidence level, default 0.95"},
    {"screen", COHORT_ARG_NUMBER, 0,
     "fit each term alone first; terms with univariable Wald p < screen enter the model"},
    {"iter_max", COHORT_ARG_NUMBER, 0, "maximum Newton-Raphson iterations, default 20"},
    {"zph", COHORT_ARG_BOOL, 0,
     "test proportional hazards as cox.zph (km transform): per term and global, default false"},
    {"zph_plot", COHORT_ARG_BOOL, 0,
     "zph, and plot.cox.zph's figure per term: scaled Schoenfeld residuals against km-transformed "
     "time, a natural spline smooth (df 4) with +/- 2 SE bands"},
};

typedef struct cox_input {
    size_t n;
    double *start, *stop;
    int *event, *strata, *cluster;
    double *weight;     /* case weights, or NULL */
    size_t ncluster, nunits;
    size_t competing;   /* competing events among the rows used (censored) */
    pc_design des;
    const char *epname, *stname, *clname;
} cox_input;

static void input_free(cox_input *in)
{
    free(in->start);
    free(in->stop);
    free(in->event);
    free(in->strata);
    free(in->cluster);
    free(in->weight);
    pc_design_free(&in->des);
}

/* Read the call's data for the terms with sel[t] != 0 (sel NULL: all),
 * dropping rows with a missing value in any variable used (with a warning
 * when verbose).  Returns 0, or 1 after host->error. */
static int cox_read(const cohort_host *host, const cohort_call *call, const unsigned char *sel,
                    int verbose, cox_input *in)
{
    memset(in, 0, sizeof *in);
    const cohort_arg *fa = cohort_arg_get(call, "formula");
    const cohort_arg *sa = cohort_arg_get(call, "strata");
    const cohort_arg *ca = cohort_arg_get(call, "cluster");
    const cohort_arg *ra = cohort_arg_get(call, "robust");
    const cohort_vec *wv = pc_weights(call);
    int nonint = 0;
    if (!fa || fa->kind != COHORT_ARG_FORMULA || !fa->formula.lhs_is_endpoint) {
        host->error(call, "cox needs a formula with an endpoint on the left: endpoint ~ terms");
        return 1;
    }
    const cohort_formula *fm = &fa->formula;
    const cohort_surv *s = &fm->surv;
    in->epname = s->name;
    if (fm->nterms == 0) {
        host->error(call, "cox needs at least one term on the right of ~");
        return 1;
    }
    size_t nrows = call->nrows, nt = 0;
    unsigned char *use = calloc(nrows + 1, 1);
    cohort_term *terms = malloc((fm->nterms + 1) * sizeof *terms);
    pc_factor sf = {0}, cf = {0};
    int rc = 1;
    if (!use || !terms) goto nomem;
    for (size_t t = 0; t < fm->nterms; t++)
        if (!sel || sel[t]) terms[nt++] = fm->terms[t];
    if (sa && pc_factor_make(&sa->vec, NULL, &sf) != 0) goto nomem;
    if (ca && pc_factor_make(&ca->vec, NULL, &cf) != 0) goto nomem;
    if (pc_weights_check(host, call, wv, NULL, &nonint)) goto out;
    size_t dropped = 0, competing = 0;
    for (size_t i = 0; i < nrows; i++) {
        int miss = s->missing[i] || (sa && sf.code[i] < 0) || (ca && cf.code[i] < 0) ||
                   pc_weight_missing(wv, i);
        for (size_t t = 0; t < nt && !miss; t++) miss = terms[t].vec.missing[i] != 0;
        if (miss) {
            dropped++;
            continue;
        }
        if (!isfinite(s->time[i]) || s->time[i] < 0) {
            host->error(call, "%s: time %g in row %zu is not a time >= 0", s->name, s->time[i], i + 1);
            goto out;
        }
        if (s->start && !(s->start[i] < s->time[i])) {
            host->error(call, "%s: interval (%g, %g] in row %zu is empty", s->name, s->start[i],
                        s->time[i], i + 1);
            goto out;
        }
        use[i] = 1;
        in->n++;
        competing += s->status[i] >= 2;
    }
    if (dropped && verbose) {
        char c1[32], c2[32];
        host->warning(call, "%s of %s rows dropped for missing values in the variables of the model",
                      pc_count_text(host, call, (double)dropped, c1, sizeof c1),
                      pc_count_text(host, call, (double)nrows, c2, sizeof c2));
    }
    in->competing = competing;
    if (in->n == 0) {
        host->error(call, "no rows with all variables of the model known");
        goto out;
    }
    char err[256];
    if (pc_design_make(terms, nt, nrows, use, &in->des, err, sizeof err) != 0) {
        host->error(call, "%s", err);
        goto out;
    }
    if (sa && pc_fit_varies(host, call, PC_FIT_STRATA, &sa->vec, use, in->n)) goto out;
    size_t n = in->n;
    in->stop = malloc((n + 1) * sizeof *in->stop);
    in->event = malloc((n + 1) * sizeof *in->event);
    if (s->start) in->start = malloc((n + 1) * sizeof *in->start);
    if (sa) in->strata = malloc((n + 1) * sizeof *in->strata);
    /* as coxph: robust with a cluster, when asked, or with non-integer weights */
    int robust = ca || (ra ? ra->num != 0 : nonint);
    if (robust) in->cluster = malloc((n + 1) * sizeof *in->cluster);
    if (wv) in->weight = malloc((n + 1) * sizeof *in->weight);
    size_t *ucode = call->row_unit ? malloc((call->nunits + 1) * sizeof *ucode) : NULL;
    if (!in->stop || !in->event || (s->start && !in->start) || (sa && !in->strata) ||
        (robust && !in->cluster) || (call->row_unit && !ucode) || (wv && !in->weight)) {
        free(ucode);
        goto nomem;
    }
    if (ucode)
        for (size_t u = 0; u < call->nunits; u++) ucode[u] = (size_t)-1;
    size_t k = 0;
    for (size_t i = 0; i < nrows; i++) {
        if (!use[i]) continue;
        in->stop[k] = s->time[i];
        in->event[k] = s->status[i] == 1;
        if (in->start) in->start[k] = s->start[i];
        if (in->strata) in->strata[k] = sf.code[i];
        if (in->weight) in->weight[k] = wv->num[i];
        if (ucode && ucode[call->row_unit[i]] == (size_t)-1) ucode[call->row_unit[i]] = in->nunits++;
        if (robust) {
            if (ca) in->cluster[k] = cf.code[i];
            else if (ucode) in->cluster[k] = (int)ucode[call->row_unit[i]];
            else in->cluster[k] = (int)k;
        }
        k++;
    }
    free(ucode);
    if (robust) in->ncluster = ca ? cf.nlevels : call->row_unit ? in->nunits : n;
    in->stname = sa ? sa->vec.name : NULL;
    in->clname = ca ? ca->vec.name : robust ? (call->row_unit ? "unit" : "row") : NULL;
    rc = 0;
    goto out;
nomem:
    host->error(call, "out of memory");
out:
    free(use);
    free(terms);
    pc_factor_free(&sf);
    pc_factor_free(&cf);
    return rc;
}

/* Fit the model on design d.  Returns 0, or 1 after host->error when
 * report is set (else silently, with *status set). */
static int cox_fit_design(const cohort_host *host, const cohort_call *call, const cox_input *in,
                          const pc_design *d, const cox_options *o, cox_fit *f, int report)
{
    /* a factor level without events: the shared rule (fitcheck.h) */
    if (pc_fit_levels(report ? host : NULL, call, d, in->event, 1, PC_FIT_EVENTS, in->epname, "HR")) {
        memset(f, 0, sizeof *f);   /* the caller frees f whatever happens */
        f->status = COX_EINFINITE;
        return 1;
    }
    cox_data cd = {in->n, d->p, in->start, in->stop, in->event, d->x, in->strata, in->cluster,
                   in->ncluster, in->weight};
    int st = cox_fit_model(&cd, o, f);
    if (st == COX_OK) return 0;
    if (!report) return 1;
    switch (st) {
    case COX_ENOEVENTS:
        host->error(call, "no events of %s among the %zu rows used: nothing to estimate", in->epname, in->n);
        break;
    case COX_ESINGULAR:
        pc_fit_singular(host, call, NULL, d->names[f->bad], in->strata ? "(or constant within strata)" : NULL);
        break;
    case COX_EINFINITE:
        host->error(call, "the coefficient of %s may be infinite (monotone likelihood, e.g. no "
                    "events in one group)", d->names[f->bad]);
        break;
    case COX_ENOCONV:
        host->error(call, "the Cox model did not converge in %d iteration%s (iter_max)", o->iter_max,
                    o->iter_max == 1 ? "" : "s");
        break;
    default:
        host->error(call, "cox: %s", cox_status_text(st));
    }
    return 1;
}

/* "age", or "her2 (low vs negative)" for a factor level */
static const char *term_label(const pc_design *d, size_t j, char *buf, size_t size)
{
    if (!d->level[j]) return d->names[j];
    snprintf(buf, size, "%s (%s vs %s)", d->term_name[d->term[j]], d->level[j], d->term_ref[d->term[j]]);
    return buf;
}

/* The coefficient table and notes of a fitted model. */
static void report_model(const cohort_host *host, const cohort_call *call, const cox_input *in,
                         const cox_fit *f, const cox_options *o, double level)
{
    const pc_design *d = &in->des;
    double zq = qnorm(1 - (1 - level) / 2, 0, 1, 1, 0);
    char title[512], lv[16], pb[32], lb[256];
    snprintf(lv, sizeof lv, "%g%%", level * 100);
    int off = snprintf(title, sizeof title, "Cox proportional hazards model of %s (%s ties",
                       in->epname, o->exact ? "exact" : o->efron ? "Efron" : "Breslow");
    if (in->stname && off < (int)sizeof title)
        off += snprintf(title + off, sizeof title - (size_t)off, ", strata %s", in->stname);
    if (in->weight && off < (int)sizeof title)
        off += snprintf(title + off, sizeof title - (size_t)off, ", weights %s", pc_weights(call)->name);
    if (f->robust && off < (int)sizeof title)
        off += snprintf(title + off, sizeof title - (size_t)off, ", robust SE by %s", in->clname);
    if (off < (int)sizeof title) snprintf(title + off, sizeof title - (size_t)off, ")");
    cohort_table *t = host->table_new(call, "coef", title);
    pc_ratio_cols rc;
    pc_ratio_columns(host, t, "HR", &rc);
    int crse = f->robust ? host->table_column(t, "robust se", COHORT_COL_NUMBER, 4) : -1;
    int cz = host->table_column(t, "z", COHORT_COL_NUMBER, 2);
    char cnt[32];
    if (in->competing)
        host->note(call, "%s competing events of %s are censored (cause-specific hazards); "
                   "use finegray for subdistribution hazards",
                   pc_count_text(host, call, (double)in->competing, cnt, sizeof cnt), in->epname);
    size_t p = d->p;
    /* the forest plot of the hazard ratios, drawn by the host */
    cohort_figure *fig = NULL;
    if (COHORT_HOST_HAS(host, figure_new)) {
        char xl[64];
        fig = host->figure_new(call, "forest", COHORT_FIG_FOREST, title);
        snprintf(xl, sizeof xl, "Hazard ratio (%s CI)", lv);
        host->figure_labels(fig, xl, NULL);
    }
    for (size_t j = 0; j < p; j++) {
        double b = f->coef[j], se = sqrt(f->var[j * p + j]);
        double hr = exp(b), lo = exp(b - zq * se), hi = exp(b + zq * se);
        size_t r = pc_ratio_row(host, t, &rc, d->names[j], hr, lo, hi, f->pvalue[j], b,
                                sqrt(f->naive_var[j * p + j]));
        pc_put(host, t, r, crse, se);
        pc_put(host, t, r, cz, b / se);
        pc_fmt_p(f->pvalue[j], pb, sizeof pb);
        host->note(call, "%s: HR %.2f (%s CI %.2f-%.2f), %s", term_label(d, j, lb, sizeof lb), hr,
                   lv, lo, hi, pb);
        if (fig) {
            char ub[512];
            if (!in->start) pc_forest_reference(host, fig, d, j, in->event, 1);
            host->figure_estimate(fig, pc_forest_label(host, call, d, j, term_label(d, j, lb, sizeof lb),
                                                       ub, sizeof ub), hr, lo, hi, f->pvalue[j]);
            /* the units and events of the level (all for a numeric term);
             * (start, stop] rows are not units: none then */
            if (!in->start) pc_forest_counts(host, fig, d, j, in->event, 1);
        }
    }

    cohort_table *tt = host->table_new(call, "test", "Tests of the model (all coefficients zero)");
    int ctn = host->table_column(tt, "test", COHORT_COL_TEXT, 0);
    int cts = host->table_column(tt, "statistic", COHORT_COL_NUMBER, 2);
    int ctd = host->table_column(tt, "df", COHORT_COL_NUMBER, 0);
    int ctp = host->table_column(tt, "p", COHORT_COL_PVALUE, 3);
    const struct { const char *name; double stat, pv; } tests[] = {
        {"Likelihood ratio", f->lr_test, f->lr_p},
        {f->robust ? "Wald (robust)" : "Wald", f->wald_test, f->wald_p},
        {"Score (log-rank)", f->score_test, f->score_p},
        {"Robust score", f->robust_score_test, f->robust_score_p},
    };
    for (size_t k = 0; k < (f->robust ? 4u : 3u); k++) {
        size_t r = host->table_row(tt);
        host->table_text(tt, r, ctn, tests[k].name);
        pc_put(host, tt, r, cts, tests[k].stat);
        pc_put(host, tt, r, ctd, f->df);
        pc_put(host, tt, r, ctp, tests[k].pv);
    }

    cohort_table *tm = host->table_new(call, "model", "Model summary");
    int cn = host->table_column(tm, "n", COHORT_COL_COUNT, 0);
    int cu = in->nunits ? host->table_column(tm, "units", COHORT_COL_COUNT, 0) : -1;
    int ce = host->table_column(tm, "events", COHORT_COL_COUNT, 0);
    pc_count_role(host, call, !in->start, tm, cn, COHORT_COUNT_UNITS);
    pc_count_role(host, call, !in->start, tm, ce, COHORT_COUNT_EVENTS);
    int cll = host->table_column(tm, "log-likelihood", COHORT_COL_NUMBER, 2);
    int cc = host->table_column(tm, "concordance", COHORT_COL_NUMBER, 3);
    int ccs = host->table_column(tm, "concordance se", COHORT_COL_NUMBER, 3);
    int ci = host->table_column(tm, "iterations", COHORT_COL_NUMBER, 0);
    size_t r = host->table_row(tm);
    pc_put(host, tm, r, cn, (double)in->n);
    pc_put(host, tm, r, cu, (double)in->nunits);
    pc_put(host, tm, r, ce, (double)f->nevents);
    pc_put(host, tm, r, cll, f->loglik);
    pc_put(host, tm, r, cc, f->concordance);
    pc_put(host, tm, r, ccs, f->concordance_se);
    pc_put(host, tm, r, ci, f->iter);
    /* detail tables: the variance matrices and concordance()'s pair counts */
    pc_matrix_table(host, call, "vcov",
                    f->robust ? "Variance matrix of the coefficients (robust)"
                              : "Variance matrix of the coefficients",
                    (const char *const *)d->names, p, f->var);
    if (f->robust)
        pc_matrix_table(host, call, "naive_vcov", "Model-based variance matrix of the coefficients",
                        (const char *const *)d->names, p, f->naive_var);
    pc_fmt_p(f->lr_p, pb, sizeof pb);
    if (in->weight) {
        host->note(call, "Cox model of %s: %s events; likelihood-ratio test %.2f on %d df, %s; "
                   "concordance not computed with case weights", in->epname,
                   pc_count_text(host, call, (double)f->nevents, cnt, sizeof cnt), f->lr_test, f->df, pb);
        return;
    }
    cohort_table *tc = host->table_new(call, "concordance", "Concordance: pairs of units");
    host->table_detail(tc);
    static const char *const pairs[] = {"concordant", "discordant", "tied.x", "tied.y", "tied.xy"};
    int cpair[5];
    for (size_t k = 0; k < 5; k++) cpair[k] = host->table_column(tc, pairs[k], COHORT_COL_NUMBER, 0);
    int ccc = host->table_column(tc, "concordance", COHORT_COL_NUMBER, 3);
    int ccse = host->table_column(tc, "std", COHORT_COL_NUMBER, 3);
    r = host->table_row(tc);
    for (size_t k = 0; k < 5; k++) pc_put(host, tc, r, cpair[k], f->conc_count[k]);
    pc_put(host, tc, r, ccc, f->concordance);
    pc_put(host, tc, r, ccse, f->concordance_se);
    if (isfinite(f->concordance))
        host->note(call, "Cox model of %s: %s events; likelihood-ratio test %.2f on %d df, %s; "
                   "concordance %.3f (SE %.3f)", in->epname,
                   pc_count_text(host, call, (double)f->nevents, cnt, sizeof cnt), f->lr_test, f->df, pb,
                   f->concordance, f->concordance_se);
}

/* Screening (shared with finegray in plugins/common/screen.c): one Cox
 * model per term. */
typedef struct cox_screen {
    const cohort_host *host;
    const cohort_call *call;
    const cox_options *o;
    cox_input in;
    cox_fit f;
    double *se;
    int have;
} cox_screen;

static int cox_screen_fit(void *ctx, const unsigned char *sel, pc_uni *u)
{
    cox_screen *c = ctx;
    c->have = 1;
    c->se = NULL;
    memset(&c->f, 0, sizeof c->f);
    if (cox_read(c->host, c->call, sel, 0, &c->in) != 0) return -1;
    const pc_design *d = &c->in.des;
    u->failed = cox_fit_design(c->host, c->call, &c->in, d, c->o, &c->f, 0);
    u->why = u->failed ? cox_status_text(c->f.status) : NULL;
    u->n = c->in.n;
    u->nevents = c->f.nevents;
    u->des = d;
    if (!u->failed) {
        c->se = malloc((d->p + 1) * sizeof *c->se);
        if (!c->se) {
            c->host->error(c->call, "out of memory");
            return -1;
        }
        for (size_t j = 0; j < d->p; j++) c->se[j] = sqrt(c->f.var[j * d->p + j]);
        u->coef = c->f.coef;
        u->se = c->se;
        u->pvalue = c->f.pvalue;
        u->term_p = c->f.wald_p;
    }
    return 0;
}

static void cox_screen_release(void *ctx)
{
    cox_screen *c = ctx;
    if (!c->have) return;
    cox_fit_free(&c->f);
    input_free(&c->in);
    free(c->se);
    c->se = NULL;
    c->have = 0;
}

/* plot.cox.zph's numbers (table zph_smooth) and one figure per term:
 * the residuals against the km-transformed time, labelled with times in
 * the study's unit, the smooth and its band.  A term whose spline fit is
 * singular is skipped with a warning, as R does. */
static void report_zph_plot(const cohort_host *host, const cohort_call *call, const pc_design *d,
                            const cox_zph *z)
{
    double *y = malloc((z->nevent + 1) * sizeof *y);
    if (!y) {
        host->warning(call, "zph_plot: out of memory");
        return;
    }
    cohort_table *t = NULL;   /* made with the first term that has a smooth */
    int cterm = 0, cx = 0, cf = 0, cl = 0, cu = 0;
    double at[ZPH_NTICK], lab[ZPH_NTICK];
    double ud = call->time_unit_days > 0 ? call->time_unit_days : 1;
    zph_axis(z->nevent, z->x, z->time, ud, at, lab);
    int figs = COHORT_HOST_HAS(host, figure_tick);
    for (size_t k = 0; k < z->nterm; k++) {
        zph_smooth sm;
        for (size_t e = 0; e < z->nevent; e++) y[e] = z->resid[e * z->nterm + k];
        int rc = zph_smooth_fit(z->nevent, z->x, y, z->var[k * z->nterm + k], &sm);
        if (rc == -1) {
            host->warning(call, "zph_plot: out of memory");
            break;
        }
        if (rc != 0) {
            host->warning(call, "zph_plot: the spline fit for %s is singular (fewer than %d distinct "
                          "event times): no plot of that term, as plot.cox.zph", d->term_name[k],
                          ZPH_DF);
            continue;
        }
        if (!t) {
            t = host->table_new(call, "zph_smooth",
                                "Smooth of the scaled Schoenfeld residuals (plot.cox.zph)");
            host->table_detail(t);
            cterm = host->table_column(t, "term", COHORT_COL_TEXT, 0);
            cx = host->table_column(t, "km", COHORT_COL_NUMBER, 4);
            cf = host->table_column(t, "beta_t", COHORT_COL_NUMBER, 4);
            cl = host->table_column(t, "lower", COHORT_COL_NUMBER, 4);
            cu = host->table_column(t, "upper", COHORT_COL_NUMBER, 4);
        }
        for (size_t j = 0; j < ZPH_NSMO; j++) {
            size_t r = host->table_row(t);
            host->table_text(t, r, cterm, d->term_name[k]);
            pc_put(host, t, r, cx, sm.x[j]);
            pc_put(host, t, r, cf, sm.fit[j]);
            pc_put(host, t, r, cl, sm.lower[j]);
            pc_put(host, t, r, cu, sm.upper[j]);
        }
        if (!figs) continue;
        const char *name = d->term_name[k];
        const char *lb = COHORT_HOST_HAS(host, label) ? host->label(call, name, NULL) : NULL;
        char id[256], title[512], xl[128], yl[512], tick[32];
        snprintf(id, sizeof id, "zph-%s", name);
        snprintf(title, sizeof title, "Scaled Schoenfeld residuals: %s", lb ? lb : name);
        snprintf(xl, sizeof xl, "Time (%s)", call->time_unit && *call->time_unit ? call->time_unit : "days");
        snprintf(yl, sizeof yl, "Beta(t) for %s", lb ? lb : name);
        cohort_figure *fig = host->figure_new(call, id, COHORT_FIG_SCATTER, title);
        if (!fig) continue;
        host->figure_labels(fig, xl, yl);
        for (size_t e = 0; e < z->nevent; e++)
            if (!isnan(y[e])) host->figure_point(fig, z->x[e], y[e]);
        for (size_t j = 0; j < ZPH_NSMO; j++)
            host->figure_smooth(fig, sm.x[j], sm.fit[j], sm.lower[j], sm.upper[j]);
        for (size_t j = 0; j < ZPH_NTICK; j++)
            if (isfinite(at[j])) {
                snprintf(tick, sizeof tick, "%g", lab[j]);
                host->figure_tick(fig, at[j], tick);
            }
    }
    free(y);
}

/* The test of proportional hazards of the fitted model (cox.zph's
 * defaults) and its scaled Schoenfeld residuals.  Returns 0, or 1 after
 * host->error. */
static int report_zph(const cohort_host *host, const cohort_call *call, const cox_input *in,
                      const cox_fit *f, const cox_options *o, int plot)
{
    const pc_design *d = &in->des;
    if (in->start) {
        host->error(call, "zph: the test of proportional hazards is available for right-censored "
                    "data only, not for (start, stop] rows");
        return 1;
    }
    cox_zph z;
    int rc = cox_zph_compute(in->n, in->stop, in->event, in->strata, d->x, d->p, f->coef, d->term,
                             d->nterms, o->efron, &z);
    if (rc == -1) {
        host->error(call, "out of memory");
        return 1;
    }
    if (rc != 0) {
        host->error(call, "zph: the information matrix of the test is singular");
        return 1;
    }
    cohort_table *t = host->table_new(call, "zph",
                                      "Test of proportional hazards (scaled Schoenfeld residuals, "
                                      "Kaplan-Meier time)");
    int cterm = host->table_column(t, "term", COHORT_COL_TEXT, 0);
    int cx = host->table_column(t, "chisq", COHORT_COL_NUMBER, 2);
    int cd = host->table_column(t, "df", COHORT_COL_NUMBER, 0);
    int cp = host->table_column(t, "p", COHORT_COL_PVALUE, 3);
    char pb[32], list[512];
    size_t len = 0, nlow = 0;
    list[0] = 0;
    for (size_t k = 0; k <= z.nterm; k++) {
        size_t r = host->table_row(t);
        host->table_text(t, r, cterm, k < z.nterm ? d->term_name[k] : "GLOBAL");
        pc_put(host, t, r, cx, z.chisq[k]);
        pc_put(host, t, r, cd, z.df[k]);
        pc_put(host, t, r, cp, z.p[k]);
        if (k < z.nterm && z.p[k] < 0.05 && len < sizeof list) {
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", nlow ? ", " : "",
                                    d->term_name[k]);
            nlow++;
        }
    }
    pc_fmt_p(z.p[z.nterm], pb, sizeof pb);
    host->note(call, "proportional hazards (cox.zph, km): global test %.2f on %d df, %s; %s%s", 
               z.chisq[z.nterm], z.df[z.nterm], pb,
               nlow ? "p < 0.05 for " : "no term has p < 0.05", list);
    /* the residuals are one row per event time: left out under a
     * small-cell rule, as they would show single events */
    char one[32];
    if (pc_count(host, call, 1, one, sizeof one)) {
        host->note(call, "scaled Schoenfeld residuals not written%s: the study hides small counts",
                   plot ? " nor plotted" : "");
    } else {
        cohort_table *tr = host->table_new(call, "zph_resid",
                                           "Scaled Schoenfeld residuals at the event times");
        host->table_detail(tr);
        int ct = host->table_column(tr, "time", COHORT_COL_TIME, 2);
        int ck = host->table_column(tr, "km", COHORT_COL_NUMBER, 4);
        int *cr = malloc((z.nterm + 1) * sizeof *cr);
        if (!cr) {
            cox_zph_free(&z);
            host->error(call, "out of memory");
            return 1;
        }
        for (size_t k = 0; k < z.nterm; k++)
            cr[k] = host->table_column(tr, d->term_name[k], COHORT_COL_NUMBER, 4);
        for (size_t e = 0; e < z.nevent; e++) {
            size_t r = host->table_row(tr);
            pc_put(host, tr, r, ct, z.time[e]);
            pc_put(host, tr, r, ck, z.x[e]);
            for (size_t k = 0; k < z.nterm; k++) pc_put(host, tr, r, cr[k], z.resid[e * z.nterm + k]);
        }
        free(cr);
        if (plot) report_zph_plot(host, call, d, &z);
    }
    cox_zph_free(&z);
    return 0;
}

static int cox_run(const cohort_host *host, const cohort_call *call)
{
    cox_options o;
    cox_options_default(&o);
    double level = 0.95, threshold = NAN;
    const cohort_arg *a;
    if ((a = cohort_arg_get(call, "ties"))) {
        if (strcmp(a->text, "efron") == 0) o.efron = 1;
        else if (strcmp(a->text, "breslow") == 0) o.efron = 0;
        else if (strcmp(a->text, "exact") == 0) o.exact = 1;
        else {
            host->error(call, "ties \"%s\": use \"efron\", \"breslow\" or \"exact\"", a->text);
            return 1;
        }
    }
    /* the exact partial likelihood (coxph ties = "exact") has no weighted
     * form and no score residuals here: no robust variance, no zph */
    const cohort_arg *ra = cohort_arg_get(call, "robust"), *za = cohort_arg_get(call, "zph"),
                     *zp = cohort_arg_get(call, "zph_plot");
    const char *exact_no = !o.exact ? NULL
                           : pc_weights(call) ? "case weights"
                           : cohort_arg_get(call, "cluster") || (ra && ra->num != 0)
                               ? "a robust variance (give cluster: none)"
                           : za && za->num != 0 ? "zph"
                           : zp && zp->num != 0 ? "zph_plot" : NULL;
    if (exact_no) {
        host->error(call, "ties \"exact\" (the exact partial likelihood) is not available with %s; "
                    "use ties: \"efron\"", exact_no);
        return 1;
    }
    if (pc_conf_level(host, call, &level)) return 1;
    if (pc_screen_threshold(host, call, &threshold)) return 1;
    if (pc_iterations(host, call, "iter_max", &o.iter_max)) return 1;
    a = cohort_arg_get(call, "formula");
    if (a && a->kind == COHORT_ARG_FORMULA && !a->formula.lhs_is_endpoint) {
        host->error(call, "the left of the formula, %s, is not an endpoint: cox models an endpoint "
                    "(endpoint ~ terms); for a binary outcome use logistic", a->formula.lhs.name);
        return 1;
    }
    if (!a || a->kind != COHORT_ARG_FORMULA || a->formula.nterms == 0) {
        host->error(call, "cox needs a formula: endpoint ~ terms");
        return 1;
    }
    const cohort_formula *fm = &a->formula;
    unsigned char *keep = NULL;
    if (!isnan(threshold)) {
        keep = calloc(fm->nterms + 1, 1);
        if (!keep) {
            host->error(call, "out of memory");
            return 1;
        }
        cox_screen sc = {host, call, &o, {0}, {0}, NULL, 0};
        if (pc_screen(host, call, fm, "Cox", "HR", level, threshold, cox_screen_fit, cox_screen_release,
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
    cox_input in;
    int rc = 1;
    if (cox_read(host, call, keep, 1, &in) == 0) {
        cox_fit f;
        if (cox_fit_design(host, call, &in, &in.des, &o, &f, 1) == 0) {
            report_model(host, call, &in, &f, &o, level);
            a = cohort_arg_get(call, "zph");
            const cohort_arg *pa = cohort_arg_get(call, "zph_plot");
            int plot = pa && pa->num != 0, zph = plot || (a && a->num != 0);
            if (zph && in.weight) {
                host->error(call, "zph: the test of proportional hazards is not available with "
                            "case weights");
                rc = 1;
            } else {
                rc = zph ? report_zph(host, call, &in, &f, &o, plot) : 0;
            }
        }
        cox_fit_free(&f);
    }
    input_free(&in);
    free(keep);
    return rc;
}

static const cohort_estimator cox_estimators[] = {
    {"cox", "Cox proportional hazards regression (as R coxph)", cox_params,
     sizeof cox_params / sizeof cox_params[0], cox_run},
};

/* what each constant parameter accepts, and its default (ABI 1.2: checked by
 * the host before any data is read; run() still validates for older hosts) */
static const char *const cox_ties[] = {"efron", "breslow", "exact", NULL};
static const cohort_param_spec cox_specs[] = {
    {"cox", "robust", NULL, 0, NAN, NAN, 0, "false"},
    {"cox", "zph", NULL, 0, NAN, NAN, 0, "false"},
    {"cox", "zph_plot", NULL, 0, NAN, NAN, 0, "false"},
    {"cox", "ties", cox_ties, 0, NAN, NAN, 0, "\"efron\""},
    {"cox", "conf_level", NULL, 0, 0, 1, COHORT_SPEC_MIN_OPEN | COHORT_SPEC_MAX_OPEN, "0.95"},
    {"cox", "screen", NULL, 0, 0, 1, COHORT_SPEC_MIN_OPEN, NULL},
    {"cox", "iter_max", NULL, 0, 1, 1000, COHORT_SPEC_INTEGER, "20"},
};

static const cohort_plugin cox_plugin = {
    COHORT_PLUGIN_HEADER,
    "cox",
    "1.0.0",
    "Cox regression: hazard ratios, tests, concordance; strata, clusters, (start, stop] data, "
    "univariable screening",
    cox_estimators,
    sizeof cox_estimators / sizeof cox_estimators[0],
    NULL,
    COHORT_PLUGIN_SPECS(cox_specs),
    NULL,   /* estimator_flags (ABI 1.7): none, every column comes before run() */
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &cox_plugin;
}
