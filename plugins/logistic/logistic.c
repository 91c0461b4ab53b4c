/* logistic.c: the `logistic` estimator plugin (ABI glue): logistic
 * regression of a binary column on formula terms, as R's
 * glm(family = binomial): odds ratios with Wald confidence intervals
 * (exp(b +- z se), as confint.default) and Wald p-values, deviances and
 * AIC; prior weights as glm's `weights`.  Separation and non-convergence
 * are errors.  The numbers come from irls.c. */
#include "../common/forest.h"
#include <cohort/plugin.h>
#include "irls.h"
#include "../common/design.h"
#include "../common/fitcheck.h"
#include "../common/pcommon.h"
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cohort_param lg_params[] = {
    {"formula", COHORT_ARG_FORMULA, 1,
     "outcome ~ terms; the outcome is a column: true/false, 0/1, or text with two values "
     "(the second in sort order is the event)"},
    {"conf_level", COHORT_ARG_NUMBER, 0, "confidence level, default 0.95"},
    {"maxit", COHORT_ARG_NUMBER, 0, "maximum IRLS iterations, default 25 (as glm.control)"},
    {"weights", COHORT_ARG_COLUMN, 0,
     "prior weights (numbers > 0), as glm's weights: weighted likelihood, model-based standard "
     "errors"},
};

static const char *term_label(const pc_design *d, size_t j, char *buf, size_t size)
{
    if (!d->level[j]) return d->names[j];
    snprintf(buf, size, "%s (%s vs %s)", d->term_name[d->term[j]], d->level[j], d->term_ref[d->term[j]]);
    return buf;
}

static int lg_run(const cohort_host *host, const cohort_call *call)
{
    logit_options o;
    logit_options_default(&o);
    double level = 0.95;
    const cohort_arg *a;
    if (pc_conf_level(host, call, &level)) return 1;
    if (pc_iterations(host, call, "maxit", &o.maxit)) return 1;
    a = cohort_arg_get(call, "formula");
    if (a && a->kind == COHORT_ARG_FORMULA && a->formula.lhs_is_endpoint) {
        host->error(call, "the left of the formula, %s, is an endpoint: logistic needs a binary "
                    "outcome there (outcome ~ terms); for an endpoint use cox or finegray",
                    a->formula.surv.name);
        return 1;
    }
    if (!a || a->kind != COHORT_ARG_FORMULA) {
        host->error(call, "logistic needs a formula: outcome ~ terms");
        return 1;
    }
    const cohort_formula *fm = &a->formula;
    const cohort_vec *lhs = &fm->lhs;
    size_t nrows = call->nrows;
    int rc = 1;
    unsigned char *use = calloc(nrows + 1, 1);
    double *y = malloc((nrows + 1) * sizeof *y), *w = malloc((nrows + 1) * sizeof *w);
    const cohort_vec *wv = pc_weights(call);
    int nonint = 0;
    pc_factor yf = {0};
    pc_design d = {0};
    int *yi = NULL;
    logit_fit f;
    memset(&f, 0, sizeof f);
    if (!use || !y || !w) {
        host->error(call, "out of memory");
        goto out;
    }
    if (pc_weights_check(host, call, wv, NULL, &nonint)) goto out;
    if (lhs->type == COHORT_TYPE_TEXT) {
        if (pc_factor_make(lhs, NULL, &yf) != 0) {
            host->error(call, "out of memory");
            goto out;
        }
        if (yf.nlevels != 2) {
            host->error(call, "%s has %zu distinct values; a logistic outcome needs two", lhs->name,
                        yf.nlevels);
            goto out;
        }
    } else if (lhs->type == COHORT_TYPE_DATE || lhs->type == COHORT_TYPE_DURATION) {
        host->error(call, "%s is not a binary outcome (use true/false or 0/1)", lhs->name);
        goto out;
    }
    size_t n = 0, dropped = 0;
    for (size_t i = 0; i < nrows; i++) {
        int miss = lhs->missing[i] != 0 || pc_weight_missing(wv, i);
        for (size_t t = 0; t < fm->nterms && !miss; t++) miss = fm->terms[t].vec.missing[i] != 0;
        if (miss) {
            dropped++;
            continue;
        }
        double v = lhs->type == COHORT_TYPE_TEXT ? (double)yf.code[i] : lhs->num[i];
        if (v != 0 && v != 1) {
            host->error(call, "%s is not a binary outcome: it takes the value %g (give a true/false "
                        "or 0/1 column)", lhs->name, v);
            goto out;
        }
        use[i] = 1;
        w[n] = wv ? wv->num[i] : 1;
        y[n++] = v;
    }
    if (dropped) {
        char c1[32], c2[32];
        host->warning(call, "%s of %s rows dropped for missing values in the variables of the model",
                      pc_count_text(host, call, (double)dropped, c1, sizeof c1),
                      pc_count_text(host, call, (double)nrows, c2, sizeof c2));
    }
    if (n == 0) {
        host->error(call, "no rows with all variables of the model known");
        goto out;
    }
    if (pc_fit_varies(host, call, PC_FIT_OUTCOME, lhs, use, n)) goto out;
    char err[256];
    if (fm->nterms > 0 && pc_design_make(fm->terms, fm->nterms, nrows, use, &d, err, sizeof err) != 0) {
        host->error(call, "%s", err);
        goto out;
    }
    /* a factor level in which the outcome takes one value (the shared rule) */
    yi = malloc((n + 1) * sizeof *yi);
    if (!yi) {
        host->error(call, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++) yi[i] = y[i] != 0;
    if (pc_fit_levels(host, call, &d, yi, 1, PC_FIT_BOTH, lhs->name, "odds ratio")) goto out;
    if (wv) o.weights = w;
    if (nonint)
        host->warning(call, "weights: %s is not a whole number in some rows: the estimates are glm's "
                      "(which warns \"non-integer #successes\"), the standard errors model-based, "
                      "and the log-likelihood and AIC follow glm's rounding of the weights",
                      wv->name);
    int st = logit_fit_model(n, d.p, d.x, y, &o, &f);
    switch (st) {
    case LOGIT_OK: break;
    case LOGIT_ECONSTANT:
        host->error(call, "%s takes one value only in the %zu rows used", lhs->name, n);
        goto out;
    case LOGIT_ESINGULAR:
        pc_fit_singular(host, call, NULL, d.names[f.bad], NULL);
        goto out;
    case LOGIT_ESEPARATION:
        if (f.bad < d.p)
            host->error(call, "separation: the coefficient of %s diverges (it predicts %s perfectly in "
                        "some rows), so its odds ratio is infinite", d.names[f.bad], lhs->name);
        else
            host->error(call, "separation: fitted probabilities of %s are numerically 0 or 1, so some "
                        "odds ratios are infinite (a term predicts the outcome perfectly)", lhs->name);
        goto out;
    case LOGIT_ENOCONV:
        host->error(call, "the logistic model did not converge in %d iteration%s (maxit; a coefficient "
                    "may be infinite: separation?)", o.maxit, o.maxit == 1 ? "" : "s");
        goto out;
    case LOGIT_EINPUT:
        host->error(call, "too few rows (%zu) for %zu coefficients", n, d.p + 1);
        goto out;
    default:
        host->error(call, "logistic: %s", logit_status_text(st));
        goto out;
    }
    {
        double zq = qnorm(1 - (1 - level) / 2, 0, 1, 1, 0);
        char title[256], lv[16], pb[32], lb[256];
        snprintf(lv, sizeof lv, "%g%%", level * 100);
        if (lhs->type == COHORT_TYPE_TEXT)
            snprintf(title, sizeof title, "Logistic regression of %s = %s%s%s", lhs->name, yf.labels[1],
                     wv ? ", weights " : "", wv ? wv->name : "");
        else
            snprintf(title, sizeof title, "Logistic regression of %s%s%s", lhs->name,
                     wv ? ", weights " : "", wv ? wv->name : "");
        cohort_table *t = host->table_new(call, "coef", title);
        int cterm = host->table_column(t, "term", COHORT_COL_TEXT, 0);
        int cor = host->table_column(t, "OR", COHORT_COL_NUMBER, 2);
        int clo = host->table_column(t, "lower", COHORT_COL_NUMBER, 2);
        int cup = host->table_column(t, "upper", COHORT_COL_NUMBER, 2);
        int cp = host->table_column(t, "p", COHORT_COL_PVALUE, 3);
        int cb = host->table_column(t, "coef", COHORT_COL_NUMBER, 4);
        int cse = host->table_column(t, "se", COHORT_COL_NUMBER, 4);
        int cz = host->table_column(t, "z", COHORT_COL_NUMBER, 2);
        /* the forest plot of the odds ratios (not the intercept), drawn by the host */
        cohort_figure *fig = NULL;
        if (COHORT_HOST_HAS(host, figure_new) && f.p > 1) {
            char xl[64];
            fig = host->figure_new(call, "forest", COHORT_FIG_FOREST, title);
            snprintf(xl, sizeof xl, "Odds ratio (%s CI)", lv);
            host->figure_labels(fig, xl, NULL);
        }
        for (size_t j = 0; j < f.p; j++) {
            double b = f.coef[j], se = f.se[j];
            double orr = exp(b), lo = exp(b - zq * se), hi = exp(b + zq * se);
            size_t r = host->table_row(t);
            host->table_text(t, r, cterm, j == 0 ? "(Intercept)" : d.names[j - 1]);
            /* the intercept's "OR" is the odds at all covariates 0 (reference levels) */
            pc_put(host, t, r, cor, orr);
            pc_put(host, t, r, clo, lo);
            pc_put(host, t, r, cup, hi);
            pc_put(host, t, r, cp, f.pvalue[j]);
            pc_put(host, t, r, cb, b);
            pc_put(host, t, r, cse, se);
            pc_put(host, t, r, cz, f.z[j]);
            if (j == 0) continue;
            pc_fmt_p(f.pvalue[j], pb, sizeof pb);
            host->note(call, "%s: OR %.2f (%s CI %.2f-%.2f), %s", term_label(&d, j - 1, lb, sizeof lb),
                       orr, lv, lo, hi, pb);
            if (fig) {
                char ub[512];
                pc_forest_reference(host, fig, &d, j - 1, yi, 1);
                host->figure_estimate(fig, pc_forest_label(host, call, &d, j - 1,
                                                           term_label(&d, j - 1, lb, sizeof lb), ub,
                                                           sizeof ub), orr, lo, hi, f.pvalue[j]);
                pc_forest_counts(host, fig, &d, j - 1, yi, 1);   /* events: the outcome true */
            }
        }
        size_t events = 0;
        for (size_t i = 0; i < n; i++) events += y[i] == 1;
        cohort_table *tm = host->table_new(call, "model", "Model summary");
        int cn = host->table_column(tm, "n", COHORT_COL_COUNT, 0);
        int ce = host->table_column(tm, "events", COHORT_COL_COUNT, 0);
        pc_count_role(host, call, 1, tm, cn, COHORT_COUNT_UNITS);
        int cnd = host->table_column(tm, "null deviance", COHORT_COL_NUMBER, 2);
        int cdv = host->table_column(tm, "deviance", COHORT_COL_NUMBER, 2);
        int cdf = host->table_column(tm, "df", COHORT_COL_NUMBER, 0);
        int cdf0 = host->table_column(tm, "null df", COHORT_COL_NUMBER, 0);
        int cll = host->table_column(tm, "log-likelihood", COHORT_COL_NUMBER, 2);
        int caic = host->table_column(tm, "AIC", COHORT_COL_NUMBER, 2);
        int clrp = host->table_column(tm, "LR p", COHORT_COL_PVALUE, 3);
        int ci = host->table_column(tm, "iterations", COHORT_COL_NUMBER, 0);
        double lr = f.null_deviance - f.deviance, lrp = pchisq(lr, (double)d.p, 0, 0);
        size_t r = host->table_row(tm);
        pc_put(host, tm, r, cn, (double)n);
        pc_put(host, tm, r, ce, (double)events);
        pc_put(host, tm, r, cnd, f.null_deviance);
        pc_put(host, tm, r, cdv, f.deviance);
        pc_put(host, tm, r, cdf, (double)f.df_residual);
        pc_put(host, tm, r, cdf0, (double)f.df_null);
        /* as logLik.glm: rank - AIC / 2 */
        pc_put(host, tm, r, cll, (double)f.p - f.aic / 2);
        pc_put(host, tm, r, caic, f.aic);
        if (d.p > 0) pc_put(host, tm, r, clrp, lrp);
        pc_put(host, tm, r, ci, f.iter);
        /* the variance matrix, intercept first (as vcov(glm)) */
        const char **vn = malloc((f.p + 1) * sizeof *vn);
        if (!vn) {
            host->error(call, "out of memory");
            goto out;
        }
        vn[0] = "(Intercept)";
        for (size_t j = 1; j < f.p; j++) vn[j] = d.names[j - 1];
        pc_matrix_table(host, call, "vcov", "Variance matrix of the coefficients", vn, f.p, f.var);
        free(vn);
        if (d.p > 0) {
            pc_fmt_p(lrp, pb, sizeof pb);
            char c1[32], c2[32];
            host->note(call, "logistic model of %s: %s events in %s; likelihood-ratio test %.2f on "
                       "%zu df, %s", lhs->name, pc_count_text(host, call, (double)events, c1, sizeof c1),
                       pc_count_text(host, call, (double)n, c2, sizeof c2), lr, d.p, pb);
        }
    }
    rc = 0;
out:
    logit_fit_free(&f);
    pc_design_free(&d);
    pc_factor_free(&yf);
    free(use);
    free(y);
    free(yi);
    free(w);
    return rc;
}

static const cohort_estimator lg_estimators[] = {
    {"logistic", "logistic regression of a binary outcome (as R glm, binomial)", lg_params,
     sizeof lg_params / sizeof lg_params[0], lg_run},
};

/* what each constant parameter accepts, and its default (ABI 1.2: checked by
 * the host before any data is read; run() still validates for older hosts) */
static const cohort_param_spec lg_specs[] = {
    {"logistic", "conf_level", NULL, 0, 0, 1, COHORT_SPEC_MIN_OPEN | COHORT_SPEC_MAX_OPEN, "0.95"},
    {"logistic", "maxit", NULL, 0, 1, 1000, COHORT_SPEC_INTEGER, "25"},
};

static const cohort_plugin lg_plugin = {
    COHORT_PLUGIN_HEADER,
    "logistic",
    "1.0.0",
    "Logistic regression: odds ratios with Wald confidence intervals",
    lg_estimators,
    sizeof lg_estimators / sizeof lg_estimators[0],
    NULL,
    COHORT_PLUGIN_SPECS(lg_specs),
    NULL,   /* estimator_flags (ABI 1.7): none, every column comes before run() */
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &lg_plugin;
}
