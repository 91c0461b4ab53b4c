/* psm.c: the `psm` estimator plugin (ABI glue): propensity-score matching.
 * The propensity score is a logistic regression of the treatment (the
 * formula's left side) on the covariates (irls.c); treated units are
 * matched 1:1 without replacement to their nearest control in MatchIt's
 * documented greedy order (matchit(method = "nearest", m.order =
 * "largest"), match.c), on the score or its logit, optionally within a
 * caliper in SDs of that distance (MatchIt: caliper times sd() of the
 * distance over all units).  Reports sample sizes and covariate balance
 * (SMD as MatchIt's summary for the ATT), then restricts the analysis set
 * of the following estimates to the matched units (host->keep_rows). */
#include <cohort/plugin.h>
#include "match.h"
#include "pscore.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cohort_param psm_params[] = {
    {"formula", COHORT_ARG_FORMULA, 1,
     "treatment ~ covariates; the treatment is true/false, 0/1, or text with two values "
     "(the second in sort order is treated)"},
    {"distance", COHORT_ARG_TEXT, 0,
     "match on \"ps\" (the propensity score, default, as MatchIt's distance = \"glm\") or "
     "\"logit\" (its linear predictor, as link = \"linear.logit\")"},
    {"caliper", COHORT_ARG_NUMBER, 0,
     "caliper in standard deviations of the distance (e.g. 0.2); default none"},
};

/* One balance row for covariate values x (n). */
static void balance_row(const cohort_host *host, cohort_table *t, const int *col, const char *name,
                        size_t n, const double *x, const int *treat, const size_t *match,
                        double *maxb, double *maxa)
{
    psm_balance b;
    psm_balance_of(n, x, treat, match, &b);
    size_t r = host->table_row(t);
    host->table_text(t, r, col[0], name);
    pc_put(host, t, r, col[1], b.mean_t);
    pc_put(host, t, r, col[2], b.mean_c);
    pc_put(host, t, r, col[3], b.smd);
    pc_put(host, t, r, col[4], b.mean_t_m);
    pc_put(host, t, r, col[5], b.mean_c_m);
    pc_put(host, t, r, col[6], b.smd_m);
    if (isfinite(b.smd) && fabs(b.smd) > *maxb) *maxb = fabs(b.smd);
    if (isfinite(b.smd_m) && fabs(b.smd_m) > *maxa) *maxa = fabs(b.smd_m);
}

/* balance_row over the columns of the propensity model (ps_model_columns) */
typedef struct bal_ctx {
    const cohort_host *host;
    cohort_table *t;
    const int *col;
    size_t n;
    const int *treat;
    const size_t *match;
    double maxb, maxa;
} bal_ctx;

static void balance_column(void *ud, const char *name, const double *x)
{
    bal_ctx *b = ud;
    balance_row(b->host, b->t, b->col, name, b->n, x, b->treat, b->match, &b->maxb, &b->maxa);
}

static int psm_run(const cohort_host *host, const cohort_call *call)
{
    const cohort_arg *a;
    int use_logit = 0;
    double caliper = 0;
    if ((a = cohort_arg_get(call, "distance"))) {
        if (strcmp(a->text, "logit") == 0) use_logit = 1;
        else if (strcmp(a->text, "ps") != 0) {
            host->error(call, "distance \"%s\": use \"ps\" or \"logit\"", a->text);
            return 1;
        }
    }
    if ((a = cohort_arg_get(call, "caliper"))) {
        caliper = a->num;
        if (!(caliper > 0)) {
            host->error(call, "caliper %g: give a positive number of standard deviations", caliper);
            return 1;
        }
    }
    size_t nrows = call->nrows;
    int rc = 1;
    ps_model pm;
    unsigned char *keep = NULL;
    double *col = NULL;
    size_t *match = NULL;
    if (ps_model_fit(host, call, "psm", "they are not in the matched cohort", &pm)) goto out;
    size_t n = pm.n, nt = pm.nt;
    const int *treat = pm.treat;
    keep = calloc(nrows + 1, 1);
    col = malloc((n + 1) * sizeof *col);
    match = malloc((n + 1) * sizeof *match);
    if (!keep || !col || !match) {
        host->error(call, "out of memory");
        goto out;
    }
    char c1[32], c2[32], c3[32], c4[32];
    const double *dist = use_logit ? pm.f.eta : pm.f.mu;
    double width = caliper > 0 ? caliper * psm_sd(n, dist) : 0;
    if (nt > n - nt) {
        pc_count(host, call, (double)(n - nt), c1, sizeof c1);
        pc_count(host, call, (double)nt, c2, sizeof c2);
        host->warning(call, "fewer controls (%s) than treated (%s): not every treated unit can be "
                      "matched", c1, c2);
    }
    size_t pairs = psm_match(n, treat, dist, width, match);
    if (pairs == (size_t)-1) {
        host->error(call, "out of memory");
        goto out;
    }
    if (pairs == 0) {
        host->error(call, "no treated unit has a control within the caliper");
        goto out;
    }

    ps_model_table(host, call, &pm);
    /* sample sizes */
    size_t mt = 0, mc = 0;
    for (size_t i = 0; i < n; i++)
        if (match[i] != PSM_NONE) {
            if (treat[i]) mt++;
            else mc++;
        }
    {
        cohort_table *t = host->table_new(call, "sample", "Sample sizes");
        int cs = host->table_column(t, "sample", COHORT_COL_TEXT, 0);
        int ct = host->table_column(t, "treated", COHORT_COL_COUNT, 0);
        int cc = host->table_column(t, "control", COHORT_COL_COUNT, 0);
        const struct { const char *name; double t, c; } rows[] = {
            {"All", (double)nt, (double)(n - nt)},
            {"Matched", (double)mt, (double)mc},
            {"Unmatched", (double)(nt - mt), (double)(n - nt - mc)},
        };
        for (size_t k = 0; k < 3; k++) {
            size_t r = host->table_row(t);
            host->table_text(t, r, cs, rows[k].name);
            pc_put(host, t, r, ct, rows[k].t);
            pc_put(host, t, r, cc, rows[k].c);
        }
    }
    /* balance: the distance, then every covariate (every level of a factor) */
    double maxb = 0, maxa = 0;
    {
        cohort_table *t = host->table_new(call, "balance",
                                          "Covariate balance (standardised mean differences, "
                                          "denominator: SD of the treated before matching)");
        int c[7];
        c[0] = host->table_column(t, "covariate", COHORT_COL_TEXT, 0);
        c[1] = host->table_column(t, "mean treated", COHORT_COL_NUMBER, 3);
        c[2] = host->table_column(t, "mean control", COHORT_COL_NUMBER, 3);
        c[3] = host->table_column(t, "SMD", COHORT_COL_NUMBER, 3);
        c[4] = host->table_column(t, "matched mean treated", COHORT_COL_NUMBER, 3);
        c[5] = host->table_column(t, "matched mean control", COHORT_COL_NUMBER, 3);
        c[6] = host->table_column(t, "matched SMD", COHORT_COL_NUMBER, 3);
        double dummy_b = 0, dummy_a = 0;
        balance_row(host, t, c, use_logit ? "distance (logit)" : "distance (propensity score)", n, dist,
                    treat, match, &dummy_b, &dummy_a);
        bal_ctx bc = {host, t, c, n, treat, match, 0, 0};
        ps_model_columns(&pm, col, balance_column, &bc);
        maxb = bc.maxb;
        maxa = bc.maxa;
    }
    char cal[128] = "";
    if (caliper > 0)
        snprintf(cal, sizeof cal, ", caliper %g SD = %.4g", caliper, width);
    pc_count(host, call, (double)mt, c1, sizeof c1);
    pc_count(host, call, (double)nt, c2, sizeof c2);
    pc_count(host, call, (double)mc, c3, sizeof c3);
    pc_count(host, call, (double)(n - nt), c4, sizeof c4);
    host->note(call, "matched %s of %s treated to %s of %s controls (1:1 nearest neighbour "
               "without replacement on the %s, largest first%s)", c1, c2, c3, c4,
               use_logit ? "logit of the propensity score" : "propensity score", cal);
    host->note(call, "largest absolute standardised mean difference: %.3f before, %.3f after matching",
               maxb, maxa);

    for (size_t i = 0; i < n; i++)
        if (match[i] != PSM_NONE) keep[pm.rowof[i]] = 1;
    if (host->keep_rows(call, keep) != 0) {
        host->error(call, "the matched cohort could not be applied to the following estimates");
        goto out;
    }
    pc_count(host, call, (double)(mt + mc), c1, sizeof c1);
    host->note(call, "the following estimates use the %s matched units", c1);
    rc = 0;
out:
    ps_model_free(&pm);
    free(keep);
    free(col);
    free(match);
    return rc;
}

static const cohort_estimator psm_estimators[] = {
    {"psm", "1:1 nearest-neighbour propensity-score matching (MatchIt's greedy rule)", psm_params,
     sizeof psm_params / sizeof psm_params[0], psm_run},
};

/* what each constant parameter accepts, and its default (ABI 1.2: checked by
 * the host before any data is read; run() still validates for older hosts) */
static const char *const psm_distances[] = {"ps", "logit", NULL};
static const cohort_param_spec psm_specs[] = {
    {"psm", "distance", psm_distances, 0, NAN, NAN, 0, "\"ps\""},
    {"psm", "caliper", NULL, 0, 0, NAN, COHORT_SPEC_MIN_OPEN, NULL},
};

static const cohort_plugin psm_plugin = {
    COHORT_PLUGIN_HEADER,
    "psm",
    "1.0.0",
    "Propensity-score matching: a matched cohort for the estimates that follow",
    psm_estimators,
    sizeof psm_estimators / sizeof psm_estimators[0],
    NULL,
    COHORT_PLUGIN_SPECS(psm_specs),
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &psm_plugin;
}
