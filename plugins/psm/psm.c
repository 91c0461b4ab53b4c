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
#include "../logistic/irls.h"
#include "../common/design.h"
#include "../common/fitcheck.h"
#include "../common/pcommon.h"
#define MATHLIB_STANDALONE
#include <Rmath.h>
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

static int psm_run(const cohort_host *host, const cohort_call *call)
{
    const cohort_arg *a = cohort_arg_get(call, "formula");
    if (a && a->kind == COHORT_ARG_FORMULA && a->formula.lhs_is_endpoint) {
        host->error(call, "the left of the formula, %s, is an endpoint: psm needs the treatment there "
                    "(treatment ~ covariates)", a->formula.surv.name);
        return 1;
    }
    if (!a || a->kind != COHORT_ARG_FORMULA || a->formula.nterms == 0) {
        host->error(call, "psm needs a formula: treatment ~ covariates");
        return 1;
    }
    if (call->row_unit) {
        host->error(call, "psm needs one row per unit; it cannot match (start, stop] episodes");
        return 1;
    }
    const cohort_formula *fm = &a->formula;
    const cohort_vec *lhs = &fm->lhs;
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
    size_t nrows = call->nrows, n = 0, dropped = 0;
    int rc = 1;
    unsigned char *use = calloc(nrows + 1, 1), *keep = calloc(nrows + 1, 1);
    double *y = malloc((nrows + 1) * sizeof *y), *col = malloc((nrows + 1) * sizeof *col);
    size_t *rowof = malloc((nrows + 1) * sizeof *rowof), *match = malloc((nrows + 1) * sizeof *match);
    int *treat = malloc((nrows + 1) * sizeof *treat);
    pc_factor yf = {0};
    pc_design d = {0};
    logit_fit f;
    memset(&f, 0, sizeof f);
    if (!use || !keep || !y || !col || !rowof || !match || !treat) {
        host->error(call, "out of memory");
        goto out;
    }
    if (lhs->type == COHORT_TYPE_TEXT) {
        if (pc_factor_make(lhs, NULL, &yf) != 0 || yf.nlevels != 2) {
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
        double v = lhs->type == COHORT_TYPE_TEXT ? (double)yf.code[i] : lhs->num[i];
        if (v != 0 && v != 1) {
            host->error(call, "%s is not a treatment indicator: it takes the value %g (give a "
                        "true/false or 0/1 column)", lhs->name, v);
            goto out;
        }
        use[i] = 1;
        rowof[n] = i;
        treat[n] = v == 1;
        y[n++] = v;
    }
    char c1[32], c2[32], c3[32], c4[32];
    if (dropped) {
        pc_count(host, call, (double)dropped, c1, sizeof c1);
        pc_count(host, call, (double)nrows, c2, sizeof c2);
        host->warning(call, "%s of %s units dropped for missing treatment or covariates; they are "
                      "not in the matched cohort", c1, c2);
    }
    if (pc_fit_varies(host, call, PC_FIT_OUTCOME, lhs, use, n)) goto out;
    size_t nt = 0;
    for (size_t i = 0; i < n; i++) nt += treat[i] != 0;
    char err[256];
    if (pc_design_make(fm->terms, fm->nterms, nrows, use, &d, err, sizeof err) != 0) {
        host->error(call, "%s", err);
        goto out;
    }
    logit_options o;
    logit_options_default(&o);
    o.allow_separation = 1; /* as MatchIt, which uses glm's fit whatever it warns */
    int st = logit_fit_model(n, d.p, d.x, y, &o, &f);
    if (st != LOGIT_OK) {
        if (st == LOGIT_ESINGULAR)
            pc_fit_singular(host, call, "propensity model", d.names[f.bad], NULL);
        else
            host->error(call, "propensity model: %s", logit_status_text(st));
        goto out;
    }
    if (f.separated && f.bad < d.p)
        host->warning(call, "propensity model: %s predicts %s perfectly in some units (separation); "
                      "their scores are near 0 or 1 and they can hardly be matched", d.names[f.bad],
                      lhs->name);
    else if (f.separated)
        host->warning(call, "propensity model: fitted scores numerically 0 or 1 (separation): the groups "
                      "do not overlap everywhere");
    const double *dist = use_logit ? f.eta : f.mu;
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

    /* the propensity model */
    {
        double zq = qnorm(0.975, 0, 1, 1, 0);
        char title[256];
        snprintf(title, sizeof title, "Propensity score model (logistic regression of %s)", lhs->name);
        cohort_table *t = host->table_new(call, "ps_model", title);
        int cterm = host->table_column(t, "term", COHORT_COL_TEXT, 0);
        int cor = host->table_column(t, "OR", COHORT_COL_NUMBER, 2);
        int clo = host->table_column(t, "lower", COHORT_COL_NUMBER, 2);
        int cup = host->table_column(t, "upper", COHORT_COL_NUMBER, 2);
        int cp = host->table_column(t, "p", COHORT_COL_PVALUE, 3);
        for (size_t j = 1; j < f.p; j++) {
            size_t r = host->table_row(t);
            host->table_text(t, r, cterm, d.names[j - 1]);
            pc_put(host, t, r, cor, exp(f.coef[j]));
            pc_put(host, t, r, clo, exp(f.coef[j] - zq * f.se[j]));
            pc_put(host, t, r, cup, exp(f.coef[j] + zq * f.se[j]));
            pc_put(host, t, r, cp, f.pvalue[j]);
        }
    }
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
        char name[256];
        for (size_t j = 0; j < d.p; j++) {
            size_t term = d.term[j];
            if (d.level[j] && (j == 0 || d.term[j - 1] != term)) {
                /* the factor's reference level: all its columns 0 */
                for (size_t i = 0; i < n; i++) {
                    double s = 0;
                    for (size_t k = j; k < d.p && d.term[k] == term; k++) s += d.x[i * d.p + k];
                    col[i] = s == 0 ? 1 : 0;
                }
                snprintf(name, sizeof name, "%s%s", d.term_name[term], d.term_ref[term]);
                balance_row(host, t, c, name, n, col, treat, match, &maxb, &maxa);
            }
            for (size_t i = 0; i < n; i++) col[i] = d.x[i * d.p + j];
            balance_row(host, t, c, d.names[j], n, col, treat, match, &maxb, &maxa);
        }
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
        if (match[i] != PSM_NONE) keep[rowof[i]] = 1;
    if (host->keep_rows(call, keep) != 0) {
        host->error(call, "the matched cohort could not be applied to the following estimates");
        goto out;
    }
    pc_count(host, call, (double)(mt + mc), c1, sizeof c1);
    host->note(call, "the following estimates use the %s matched units", c1);
    rc = 0;
out:
    logit_fit_free(&f);
    pc_design_free(&d);
    pc_factor_free(&yf);
    free(use);
    free(keep);
    free(y);
    free(col);
    free(rowof);
    free(match);
    free(treat);
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
