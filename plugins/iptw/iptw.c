/* iptw.c: the `iptw` estimator plugin (ABI glue): inverse probability of
 * treatment weighting.  The propensity score is psm's model (pscore.c, a
 * logistic regression of the treatment on the covariates, as glm); the
 * weights are those of ipw.h (ATE or ATT, stabilised or not).  Reports the
 * model, a summary of the weights by group and the covariates' balance
 * before and after weighting, then hands the weights to the estimates that
 * follow (host->set_weights): those with a `weights` parameter use them,
 * the units without a weight (missing treatment or covariates) are left
 * out of all of them. */
#include <cohort/plugin.h>
#include "ipw.h"
#include "../psm/pscore.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cohort_param iptw_params[] = {
    {"formula", COHORT_ARG_FORMULA, 1,
     "treatment ~ covariates: the propensity model; the treatment is true/false, 0/1, or text "
     "with two values (the second in sort order is treated)"},
    {"estimand", COHORT_ARG_TEXT, 0,
     "\"ATE\" (default: treated 1/ps, controls 1/(1 - ps)) or \"ATT\" (treated 1, controls "
     "ps/(1 - ps))"},
    {"stabilized", COHORT_ARG_BOOL, 0,
     "true: multiply the treated's weights by the share treated and the controls' by the share "
     "of controls (default false)"},
};

/* one balance row per covariate column (ps_model_columns) */
typedef struct bal_ctx {
    const cohort_host *host;
    cohort_table *t;
    int col[8];
    size_t n;
    const int *treat;
    const double *w;
    int estimand;
    double maxb, maxa;
} bal_ctx;

static void balance_column(void *ud, const char *name, const double *x)
{
    bal_ctx *b = ud;
    const cohort_host *host = b->host;
    ipw_balance s;
    ipw_balance_of(b->n, x, b->treat, b->w, b->estimand, &s);
    size_t r = host->table_row(b->t);
    host->table_text(b->t, r, b->col[0], name);
    const double v[7] = {s.mean_t, s.mean_c, s.smd, s.wmean_t, s.wmean_c, s.wsmd, s.sd};
    for (int k = 0; k < 7; k++) pc_put(host, b->t, r, b->col[k + 1], v[k]);
    if (isfinite(s.smd) && fabs(s.smd) > b->maxb) b->maxb = fabs(s.smd);
    if (isfinite(s.wsmd) && fabs(s.wsmd) > b->maxa) b->maxa = fabs(s.wsmd);
}

static void summary_table(const cohort_host *host, const cohort_call *call, const ps_model *pm,
                          const double *w)
{
    cohort_table *t = host->table_new(call, "weights", "Weights by group");
    int c[8];
    c[0] = host->table_column(t, "group", COHORT_COL_TEXT, 0);
    c[1] = host->table_column(t, "n", COHORT_COL_COUNT, 0);
    c[2] = host->table_column(t, "sum", COHORT_COL_NUMBER, 2);
    c[3] = host->table_column(t, "mean", COHORT_COL_NUMBER, 3);
    c[4] = host->table_column(t, "min", COHORT_COL_NUMBER, 3);
    c[5] = host->table_column(t, "max", COHORT_COL_NUMBER, 3);
    c[6] = host->table_column(t, "ESS", COHORT_COL_NUMBER, 1);
    for (int g = 1; g >= 0; g--) {
        ipw_summary s;
        ipw_summary_of(pm->n, pm->treat, w, g, &s);
        size_t r = host->table_row(t);
        host->table_text(t, r, c[0], g ? "treated" : "control");
        const double v[6] = {s.n, s.sum, s.mean, s.min, s.max, s.ess};
        for (int k = 0; k < 6; k++) pc_put(host, t, r, c[k + 1], v[k]);
    }
}

static int iptw_run(const cohort_host *host, const cohort_call *call)
{
    const cohort_arg *a;
    int estimand = IPW_ATE, stabilized = 0;
    if ((a = cohort_arg_get(call, "estimand"))) {
        if (strcmp(a->text, "ATT") == 0) estimand = IPW_ATT;
        else if (strcmp(a->text, "ATE") != 0) {
            host->error(call, "estimand \"%s\": use \"ATE\" or \"ATT\"", a->text);
            return 1;
        }
    }
    if ((a = cohort_arg_get(call, "stabilized"))) stabilized = a->num != 0;
    if (!COHORT_HOST_HAS(host, set_weights)) {
        host->error(call, "this cohort cannot pass weights to the following estimates (it needs ABI 1.5)");
        return 1;
    }
    int rc = 1;
    ps_model pm;
    double *w = NULL, *rw = NULL, *col = NULL;
    if (ps_model_fit(host, call, "iptw", "they have no weight and are left out of the following estimates",
                     &pm))
        goto out;
    size_t n = pm.n;
    w = malloc((n + 1) * sizeof *w);
    rw = malloc((call->nrows + 1) * sizeof *rw);
    col = malloc((n + 1) * sizeof *col);
    if (!w || !rw || !col) {
        host->error(call, "out of memory");
        goto out;
    }
    if (ipw_weights(n, pm.treat, pm.f.mu, estimand, stabilized, w) != 0) {
        host->error(call, "propensity scores of 0 or 1 (separation): the weights would be infinite; "
                    "the groups do not overlap");
        goto out;
    }
    ps_model_table(host, call, &pm);
    summary_table(host, call, &pm, w);
    double maxb, maxa;
    {
        const char *den = estimand == IPW_ATT ? "SD of the treated" : "pooled SD of both groups";
        char title[256];
        snprintf(title, sizeof title, "Covariate balance (standardised mean differences, denominator: "
                 "unweighted %s)", den);
        bal_ctx bc = {host, host->table_new(call, "balance", title), {0}, n, pm.treat, w, estimand, 0, 0};
        static const char *const names[8] = {"covariate", "mean treated", "mean control", "SMD",
                                             "weighted mean treated", "weighted mean control",
                                             "weighted SMD", "SD"};
        for (int k = 0; k < 8; k++)
            bc.col[k] = host->table_column(bc.t, names[k], k ? COHORT_COL_NUMBER : COHORT_COL_TEXT, k ? 3 : 0);
        ps_model_columns(&pm, col, balance_column, &bc);
        maxb = bc.maxb;
        maxa = bc.maxa;
    }
    host->note(call, "inverse probability of treatment weights for the %s%s (propensity score: "
               "logistic regression of %s)", estimand == IPW_ATT ? "ATT" : "ATE",
               stabilized ? ", stabilised" : "", pm.treatment);
    host->note(call, "largest absolute standardised mean difference: %.3f before, %.3f after weighting",
               maxb, maxa);
    /* each unit's score, logit and weight for export (none for a unit dropped) */
    if (ps_unit_values(host, call, &pm, "ps", pm.f.mu, NAN, rw) ||
        ps_unit_values(host, call, &pm, "logit", pm.f.eta, NAN, rw) ||
        ps_unit_values(host, call, &pm, "weight", w, NAN, rw))
        goto out;
    for (size_t i = 0; i < call->nrows; i++) rw[i] = NAN;
    for (size_t i = 0; i < n; i++) rw[pm.rowof[i]] = w[i];
    if (host->set_weights(call, rw, "iptw") != 0) {
        host->error(call, "the weights could not be applied to the following estimates");
        goto out;
    }
    rc = 0;
out:
    ps_model_free(&pm);
    free(w);
    free(rw);
    free(col);
    return rc;
}

static const cohort_estimator iptw_estimators[] = {
    {"iptw", "inverse probability of treatment weights (ATE or ATT) for the estimates that follow",
     iptw_params, sizeof iptw_params / sizeof iptw_params[0], iptw_run},
};

static const char *const iptw_estimands[] = {"ATE", "ATT", NULL};
static const cohort_param_spec iptw_specs[] = {
    {"iptw", "estimand", iptw_estimands, 0, NAN, NAN, 0, "\"ATE\""},
    {"iptw", "stabilized", NULL, 0, NAN, NAN, 0, "false"},
};

static const cohort_plugin iptw_plugin = {
    COHORT_PLUGIN_HEADER,
    "iptw",
    "1.0.0",
    "Inverse probability of treatment weights: weighted estimates with covariate balance",
    iptw_estimators,
    sizeof iptw_estimators / sizeof iptw_estimators[0],
    NULL,
    COHORT_PLUGIN_SPECS(iptw_specs),
    NULL,   /* estimator_flags (ABI 1.7): none, every column comes before run() */
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &iptw_plugin;
}
