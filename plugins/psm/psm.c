/* psm.c: the `psm` estimator plugin (ABI glue): propensity-score matching.
 * The propensity score is a logistic regression of the treatment (the
 * formula's left side) on the covariates (pscore.c); treated units are
 * matched k:1, with or without replacement, to their nearest controls in
 * MatchIt's documented greedy order (matchit(method = "nearest", m.order =
 * "largest"), match.c), on the score or its logit, optionally within a
 * caliper in SDs of that distance (MatchIt: caliper times sd() of the
 * distance over all units).  Reports sample sizes, covariate balance (SMD
 * as MatchIt's summary for the ATT, with the match weights), the pairs and
 * each unit's score, match and weight (JSON and CSV), then restricts the
 * following estimates to the matched units (host->keep_rows), weighted by
 * the match weights when they are not all 1 (host->set_weights). */
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
    {"ratio", COHORT_ARG_NUMBER, 0, "controls per treated unit (k:1), default 1"},
    {"replace", COHORT_ARG_BOOL, 0, "match with replacement (a control may serve several treated units), "
     "default false"},
    {"id", COHORT_ARG_COLUMN, 0, "what names a unit in the pairs and units tables (e.g. patient_id); "
     "default its position among the units analysed (1, 2, ...)"},
};

/* One balance row for covariate values x (n). */
static void balance_row(const cohort_host *host, cohort_table *t, const int *col, const char *name,
                        size_t n, const double *x, const int *treat, const double *mw,
                        double *maxb, double *maxa)
{
    psm_balance b;
    psm_balance_of(n, x, treat, mw, &b);
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
    const double *mw;
    double maxb, maxa;
} bal_ctx;

static void balance_column(void *ud, const char *name, const double *x)
{
    bal_ctx *b = ud;
    balance_row(b->host, b->t, b->col, name, b->n, x, b->treat, b->mw, &b->maxb, &b->maxa);
}

/* The name of unit i (the call's row `row`): its id, or its position. */
static void unit_name(const cohort_vec *id, size_t row, size_t i, char *buf, size_t size)
{
    if (id && !id->missing[row] && id->text) snprintf(buf, size, "%s", id->text[row]);
    else if (id && !id->missing[row]) snprintf(buf, size, "%.15g", id->num[row]);
    else snprintf(buf, size, "%zu", i + 1);
}

/* The pairs (treated, control, distance, round, order) and every unit's
 * score, match and weight: detail tables (JSON, CSV and the report). */
static void pair_tables(const cohort_host *host, const cohort_call *call, const ps_model *pm,
                        const cohort_vec *id, const psm_pair *pairs, size_t np, const double *mw)
{
    char a[128], b[128];
    cohort_table *t = host->table_new(call, "pairs", "Matched pairs (treated unit, control unit, distance, "
                                      "round, order of matching)");
    int ct = host->table_column(t, "treated", COHORT_COL_TEXT, 0);
    int cc = host->table_column(t, "control", COHORT_COL_TEXT, 0);
    int cd = host->table_column(t, "distance", COHORT_COL_NUMBER, 4);
    int cr = host->table_column(t, "round", COHORT_COL_NUMBER, 0);
    int co = host->table_column(t, "order", COHORT_COL_NUMBER, 0);
    for (size_t k = 0; k < np; k++) {
        size_t r = host->table_row(t);
        unit_name(id, pm->rowof[pairs[k].t], pairs[k].t, a, sizeof a);
        unit_name(id, pm->rowof[pairs[k].c], pairs[k].c, b, sizeof b);
        host->table_text(t, r, ct, a);
        host->table_text(t, r, cc, b);
        pc_put(host, t, r, cd, pairs[k].dist);
        pc_put(host, t, r, cr, (double)pairs[k].round);
        pc_put(host, t, r, co, (double)pairs[k].order);
    }
    host->table_detail(t);
    cohort_table *u = host->table_new(call, "units", "Units: propensity score, match and match weight");
    int cu = host->table_column(u, "unit", COHORT_COL_TEXT, 0);
    int ctr = host->table_column(u, "treated", COHORT_COL_NUMBER, 0);
    int cps = host->table_column(u, "ps", COHORT_COL_NUMBER, 4);
    int clg = host->table_column(u, "logit", COHORT_COL_NUMBER, 4);
    int cm = host->table_column(u, "matched", COHORT_COL_NUMBER, 0);
    int cw = host->table_column(u, "weight", COHORT_COL_NUMBER, 4);
    for (size_t i = 0; i < pm->n; i++) {
        size_t r = host->table_row(u);
        unit_name(id, pm->rowof[i], i, a, sizeof a);
        host->table_text(u, r, cu, a);
        pc_put(host, u, r, ctr, pm->treat[i]);
        pc_put(host, u, r, cps, pm->f.mu[i]);
        pc_put(host, u, r, clg, pm->f.eta[i]);
        pc_put(host, u, r, cm, mw[i] > 0);
        pc_put(host, u, r, cw, mw[i]);
    }
    host->table_detail(u);
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
    size_t ratio = 1;
    int replace = 0;
    if ((a = cohort_arg_get(call, "ratio"))) {
        if (!(a->num >= 1 && a->num <= 100 && a->num == floor(a->num))) {
            host->error(call, "ratio %g: give a whole number of controls per treated unit, from 1 to 100", a->num);
            return 1;
        }
        ratio = (size_t)a->num;
    }
    if ((a = cohort_arg_get(call, "replace"))) replace = a->num != 0;
    const cohort_vec *id = (a = cohort_arg_get(call, "id")) ? &a->vec : NULL;
    size_t nrows = call->nrows;
    int rc = 1;
    ps_model pm;
    unsigned char *keep = NULL;
    double *col = NULL, *mw = NULL, *rw = NULL;
    psm_pair *pairs = NULL;
    if (ps_model_fit(host, call, "psm", "they are not in the matched cohort", &pm)) goto out;
    size_t n = pm.n, nt = pm.nt;
    const int *treat = pm.treat;
    keep = calloc(nrows + 1, 1);
    col = malloc((n + 1) * sizeof *col);
    mw = malloc((n + 1) * sizeof *mw);
    rw = malloc((nrows + 1) * sizeof *rw);
    pairs = malloc((nt * ratio + 1) * sizeof *pairs);
    if (!keep || !col || !mw || !rw || !pairs) {
        host->error(call, "out of memory");
        goto out;
    }
    char c1[32], c2[32], c3[32], c4[32];
    const double *dist = use_logit ? pm.f.eta : pm.f.mu;
    double width = caliper > 0 ? caliper * psm_sd(n, dist) : 0;
    if (!replace && nt * ratio > n - nt) {
        pc_count(host, call, (double)(n - nt), c1, sizeof c1);
        pc_count(host, call, (double)nt, c2, sizeof c2);
        host->warning(call, "fewer controls (%s) than %zu per treated unit (%s treated): not every treated "
                      "unit can be matched %zu:1", c1, ratio, c2, ratio);
    }
    size_t np = psm_match_k(n, treat, dist, width, ratio, replace, pairs);
    if (np == (size_t)-1) {
        host->error(call, "out of memory");
        goto out;
    }
    if (np == 0) {
        host->error(call, "no treated unit has a control within the caliper");
        goto out;
    }
    psm_match_weights(n, treat, pairs, np, mw);
    int unit_weights = 1;
    for (size_t i = 0; i < n; i++) unit_weights &= mw[i] == 0 || mw[i] == 1;

    ps_model_table(host, call, &pm);
    /* sample sizes */
    size_t mt = 0, mc = 0;
    for (size_t i = 0; i < n; i++)
        if (mw[i] > 0) {
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
                    treat, mw, &dummy_b, &dummy_a);
        bal_ctx bc = {host, t, c, n, treat, mw, 0, 0};
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
    pair_tables(host, call, &pm, id, pairs, np, mw);
    /* each unit's score, logit, match and weight for export (a unit dropped
     * for a missing value has no score and is not matched) */
    for (size_t i = 0; i < n; i++) col[i] = mw[i] > 0;
    if (ps_unit_values(host, call, &pm, "ps", pm.f.mu, NAN, rw) ||
        ps_unit_values(host, call, &pm, "logit", pm.f.eta, NAN, rw) ||
        ps_unit_values(host, call, &pm, "matched", col, 0, rw) ||
        ps_unit_values(host, call, &pm, "weight", mw, 0, rw))
        goto out;
    host->note(call, "matched %s of %s treated to %s of %s controls (%zu:1 nearest neighbour "
               "%s replacement on the %s, largest first%s)", c1, c2, c3, c4, ratio,
               replace ? "with" : "without", use_logit ? "logit of the propensity score" : "propensity score",
               cal);
    host->note(call, "largest absolute standardised mean difference: %.3f before, %.3f after matching",
               maxb, maxa);

    pc_count(host, call, (double)(mt + mc), c1, sizeof c1);
    if (unit_weights) {
        for (size_t i = 0; i < n; i++)
            if (mw[i] > 0) keep[pm.rowof[i]] = 1;
        if (host->keep_rows(call, keep) != 0) {
            host->error(call, "the matched cohort could not be applied to the following estimates");
            goto out;
        }
        host->note(call, "the following estimates use the %s matched units", c1);
    } else {
        if (!COHORT_HOST_HAS(host, set_weights)) {
            host->error(call, "this cohort cannot pass the match weights to the following estimates (it "
                        "needs ABI 1.5)");
            goto out;
        }
        for (size_t i = 0; i < nrows; i++) rw[i] = NAN;
        for (size_t i = 0; i < n; i++)
            if (mw[i] > 0) rw[pm.rowof[i]] = mw[i];
        if (host->set_weights(call, rw, "psm") != 0) {
            host->error(call, "the matched cohort could not be applied to the following estimates");
            goto out;
        }
        host->note(call, "the following estimates use the %s matched units, weighted by the match weights",
                   c1);
    }
    rc = 0;
out:
    ps_model_free(&pm);
    free(keep);
    free(col);
    free(mw);
    free(rw);
    free(pairs);
    return rc;
}

static const cohort_estimator psm_estimators[] = {
    {"psm", "k:1 nearest-neighbour propensity-score matching (MatchIt's greedy rule)", psm_params,
     sizeof psm_params / sizeof psm_params[0], psm_run},
};

/* what each constant parameter accepts, and its default (ABI 1.2: checked by
 * the host before any data is read; run() still validates for older hosts) */
static const char *const psm_distances[] = {"ps", "logit", NULL};
static const cohort_param_spec psm_specs[] = {
    {"psm", "distance", psm_distances, 0, NAN, NAN, 0, "\"ps\""},
    {"psm", "caliper", NULL, 0, 0, NAN, COHORT_SPEC_MIN_OPEN, NULL},
    {"psm", "ratio", NULL, 0, 1, 100, COHORT_SPEC_INTEGER, "1"},
    {"psm", "replace", NULL, 0, NAN, NAN, 0, "false"},
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
    NULL,   /* estimator_flags (ABI 1.7): none, every column comes before run() */
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &psm_plugin;
}
