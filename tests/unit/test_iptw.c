/* test_iptw.c: inverse probability of treatment weights (plugins/iptw/ipw.c
 * with the logistic core plugins/logistic/irls.c).  Hand-computed weights,
 * balance and effective sample size; then, on lung and colon, against R
 * (tests/R/iptw.R): glm's propensity scores, the ATE and ATT weights with
 * and without stabilisation, the SMDs before and after weighting, the
 * weights' summary, and the weighted models an analysis fits with them:
 * coxph(Surv(time, status) ~ treat, weights = w, robust = TRUE) through the
 * cox plugin's core and survfit(..., weights = w) through the km plugin's
 * core (robust standard errors). */
#include "../../plugins/iptw/ipw.h"
#include "../../plugins/logistic/irls.h"
#include "../../plugins/cox/coxfit.h"
#include "../../plugins/km/kmcore.h"
#include "refdata.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TOL 1e-6

/* four units: treated with scores 0.8 and 0.5, controls with 0.5 and 0.2 */
static void test_weights_hand(void)
{
    int treat[4] = {1, 1, 0, 0};
    double ps[4] = {0.8, 0.5, 0.5, 0.2}, w[4];
    CU_ASSERT_EQUAL(ipw_weights(4, treat, ps, IPW_ATE, 0, w), 0);
    CU_ASSERT_DOUBLE_EQUAL(w[0], 1.25, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(w[1], 2, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(w[2], 2, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(w[3], 1.25, 1e-15);
    /* stabilised: half are treated, so every weight halves */
    CU_ASSERT_EQUAL(ipw_weights(4, treat, ps, IPW_ATE, 1, w), 0);
    CU_ASSERT_DOUBLE_EQUAL(w[0], 0.625, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(w[3], 0.625, 1e-15);
    CU_ASSERT_EQUAL(ipw_weights(4, treat, ps, IPW_ATT, 0, w), 0);
    CU_ASSERT_DOUBLE_EQUAL(w[0], 1, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(w[1], 1, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(w[2], 1, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(w[3], 0.25, 1e-15);
    /* a score of 1: an infinite weight, refused */
    double bad[4] = {1, 0.5, 0.5, 0.2};
    CU_ASSERT_EQUAL(ipw_weights(4, treat, bad, IPW_ATE, 0, w), -1);
    CU_ASSERT(isnan(w[0]));
    /* one group only */
    int all[4] = {1, 1, 1, 1};
    CU_ASSERT_EQUAL(ipw_weights(4, all, ps, IPW_ATE, 0, w), -1);
}

static void test_balance_hand(void)
{
    /* x = 1, 3 (treated), 2, 6 (controls); ATE weights 1.25, 2, 2, 1.25:
     * weighted means (1.25 + 6) / 3.25 and (4 + 7.5) / 3.25; pooled SD
     * sqrt((2 + 8) / 2) */
    int treat[4] = {1, 1, 0, 0};
    double x[4] = {1, 3, 2, 6}, w[4] = {1.25, 2, 2, 1.25};
    ipw_balance b;
    ipw_balance_of(4, x, treat, w, IPW_ATE, &b);
    CU_ASSERT_DOUBLE_EQUAL(b.smd, (2 - 4) / sqrt(5.0), 1e-14);
    CU_ASSERT_DOUBLE_EQUAL(b.wsmd, (7.25 - 11.5) / 3.25 / sqrt(5.0), 1e-14);
    /* ATT: the treated's SD, sqrt(2) */
    ipw_balance_of(4, x, treat, w, IPW_ATT, &b);
    CU_ASSERT_DOUBLE_EQUAL(b.smd, -2 / sqrt(2.0), 1e-14);
    /* 0/1: p (1 - p) of each group: treated 1/2 -> 1/4, controls 0 -> 0 */
    double z[4] = {1, 0, 0, 0};
    ipw_balance_of(4, z, treat, w, IPW_ATE, &b);
    CU_ASSERT_DOUBLE_EQUAL(b.sd, sqrt(0.125), 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(b.wsmd, 1.25 / 3.25 / sqrt(0.125), 1e-14);
    /* a covariate constant in both groups: no SD, no SMD (missing, not 0) */
    double c[4] = {2, 2, 2, 2};
    ipw_balance_of(4, c, treat, w, IPW_ATE, &b);
    CU_ASSERT(isnan(b.smd) && isnan(b.wsmd));
    ipw_summary s;
    ipw_summary_of(4, treat, w, 1, &s);
    CU_ASSERT_DOUBLE_EQUAL(s.sum, 3.25, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(s.ess, 3.25 * 3.25 / (1.5625 + 4), 1e-14);
}

static const char *const tags[4] = {"ate", "ate_s", "att", "att_s"};

static void run_case(const char *name)
{
    char path[512], what[160], sec[64];
    rd_file df, rf;
    snprintf(path, sizeof path, "tests/ref/iptw_%s_data.txt", name);
    CU_ASSERT_EQUAL_FATAL(rd_read(path, &df), 0);
    snprintf(path, sizeof path, "tests/ref/iptw_%s_ref.txt", name);
    CU_ASSERT_EQUAL_FATAL(rd_read(path, &rf), 0);
    const rd_table *data = rd_table_get(&df, ""), *rcoef = rd_table_get(&rf, "coef");
    const rd_table *rrows = rd_table_get(&rf, "rows");
    CU_ASSERT_FATAL(data && rcoef && rrows);
    size_t n = data->nrow, p0 = data->ncol - 3;
    double *y = malloc(n * sizeof *y), *x = malloc(n * p0 * sizeof *x), *col = malloc(n * sizeof *col);
    double *tm = malloc(n * sizeof *tm), *w = malloc(n * sizeof *w);
    int *treat = malloc(n * sizeof *treat), *ev = malloc(n * sizeof *ev), *cl = malloc(n * sizeof *cl);
    int *grp = malloc(n * sizeof *grp);
    for (size_t i = 0; i < n; i++) {
        const double *row = &data->v[i * data->ncol];
        y[i] = row[0];
        treat[i] = y[i] != 0;
        tm[i] = row[1];
        ev[i] = row[2] != 0;
        cl[i] = (int)i;
        for (size_t j = 0; j < p0; j++) x[i * p0 + j] = row[3 + j];
    }
    logit_options o;
    logit_options_default(&o);
    logit_fit f;
    CU_ASSERT_EQUAL_FATAL(logit_fit_model(n, p0, x, y, &o, &f), LOGIT_OK);
    rd_tally t = {0}, tw = {0}, tb = {0}, tc = {0}, tk = {0};
    for (size_t j = 0; j < f.p; j++) {
        snprintf(what, sizeof what, "%s coef[%zu]", name, j);
        rd_check(&t, what, f.coef[j], rd_get(rcoef, j, "coef"), TOL, 0);
    }
    CU_ASSERT_EQUAL_FATAL(rrows->nrow, n);
    for (size_t i = 0; i < n; i++) {
        snprintf(what, sizeof what, "%s ps[%zu]", name, i);
        rd_check(&t, what, f.mu[i], rd_get(rrows, i, "ps"), TOL, 0);
    }
    for (int v = 0; v < 4; v++) {
        int estimand = v < 2 ? IPW_ATE : IPW_ATT, stab = v % 2;
        CU_ASSERT_EQUAL(ipw_weights(n, treat, f.mu, estimand, stab, w), 0);
        snprintf(sec, sizeof sec, "w_%s", tags[v]);
        for (size_t i = 0; i < n; i++) {
            snprintf(what, sizeof what, "%s %s[%zu]", name, sec, i);
            rd_check(&tw, what, w[i], rd_get(rrows, i, sec), TOL, 0);
        }
        snprintf(sec, sizeof sec, "balance_%s", tags[v]);
        const rd_table *rb = rd_table_get(&rf, sec);
        CU_ASSERT_FATAL(rb && rb->nrow == p0);
        for (size_t j = 0; j < p0; j++) {
            for (size_t i = 0; i < n; i++) col[i] = x[i * p0 + j];
            ipw_balance b;
            ipw_balance_of(n, col, treat, w, estimand, &b);
            const struct { const char *k; double v; } bv[] = {
                {"mean_t", b.mean_t}, {"mean_c", b.mean_c}, {"smd", b.smd}, {"wmean_t", b.wmean_t},
                {"wmean_c", b.wmean_c}, {"wsmd", b.wsmd}, {"sd", b.sd}};
            for (size_t k = 0; k < 7; k++) {
                snprintf(what, sizeof what, "%s %s %s[%zu]", name, sec, bv[k].k, j);
                rd_check(&tb, what, bv[k].v, rd_get(rb, j, bv[k].k), TOL, 1e-10);
            }
        }
        snprintf(sec, sizeof sec, "summary_%s", tags[v]);
        const rd_table *rs = rd_table_get(&rf, sec);
        CU_ASSERT_FATAL(rs && rs->nrow == 2);
        for (size_t r = 0; r < 2; r++) {
            ipw_summary s;
            ipw_summary_of(n, treat, w, (int)rd_get(rs, r, "group"), &s);
            const struct { const char *k; double v; } sv[] = {
                {"n", s.n}, {"sum", s.sum}, {"mean", s.mean}, {"min", s.min}, {"max", s.max}, {"ess", s.ess}};
            for (size_t k = 0; k < 6; k++) {
                snprintf(what, sizeof what, "%s %s %s[%zu]", name, sec, sv[k].k, r);
                rd_check(&tb, what, sv[k].v, rd_get(rs, r, sv[k].k), TOL, 0);
            }
        }
        /* the weighted Cox model of the treatment, robust by unit */
        snprintf(sec, sizeof sec, "cox_%s", tags[v]);
        const rd_table *rc = rd_table_get(&rf, sec);
        CU_ASSERT_FATAL(rc != NULL);
        cox_data cd = {n, 1, NULL, tm, ev, y, NULL, cl, n, w};
        cox_options co;
        cox_options_default(&co);
        cox_fit cf;
        CU_ASSERT_EQUAL(cox_fit_model(&cd, &co, &cf), COX_OK);
        if (cf.status == COX_OK) {
            snprintf(what, sizeof what, "%s %s coef", name, sec);
            rd_check(&tc, what, cf.coef[0], rd_get(rc, 0, "coef"), TOL, 0);
            snprintf(what, sizeof what, "%s %s se", name, sec);
            rd_check(&tc, what, sqrt(cf.var[0]), rd_get(rc, 0, "se"), TOL, 0);
            snprintf(what, sizeof what, "%s %s naive se", name, sec);
            rd_check(&tc, what, sqrt(cf.naive_var[0]), rd_get(rc, 0, "naive_se"), TOL, 0);
            snprintf(what, sizeof what, "%s %s loglik", name, sec);
            rd_check(&tc, what, cf.loglik, rd_get(rc, 0, "loglik"), TOL, 0);
        }
        cox_fit_free(&cf);
        /* the weighted Kaplan-Meier curve of each group (robust SE) */
        snprintf(sec, sizeof sec, "km_%s", tags[v]);
        const rd_table *rk = rd_table_get(&rf, sec);
        CU_ASSERT_FATAL(rk != NULL);
        for (int g = 0; g < 2; g++) {
            size_t m = 0;
            double *gt = malloc(n * sizeof *gt), *gw = malloc(n * sizeof *gw);
            for (size_t i = 0; i < n; i++)
                if (treat[i] == g) {
                    gt[m] = tm[i];
                    gw[m] = w[i];
                    grp[m++] = ev[i];
                }
            km_curve c;
            CU_ASSERT_EQUAL_FATAL(km_fit(NULL, gt, grp, gw, m, KM_CONF_LOG, 0.95, &c), 0);
            CU_ASSERT_EQUAL_FATAL(km_var_ij(NULL, gt, grp, gw, NULL, 0, m, &c), 0);
            for (size_t r = 0; r < rk->nrow; r++) {
                if ((int)rd_get(rk, r, "group") != g) continue;
                km_point pt;
                km_at(&c, rd_get(rk, r, "time"), &pt);
                snprintf(what, sizeof what, "%s %s surv[%zu]", name, sec, r);
                rd_check(&tk, what, pt.surv, rd_get(rk, r, "surv"), TOL, 0);
                snprintf(what, sizeof what, "%s %s std.err[%zu]", name, sec, r);
                rd_check(&tk, what, pt.se, rd_get(rk, r, "std_err"), TOL, 0);
            }
            km_free(&c);
            free(gt);
            free(gw);
        }
    }
    const struct { const char *k; rd_tally *t; } all[] = {
        {"propensity scores (glm)", &t}, {"weights", &tw}, {"balance and summary", &tb},
        {"weighted coxph", &tc}, {"weighted survfit", &tk}};
    for (size_t k = 0; k < 5; k++) {
        CU_ASSERT(all[k].t->checked > 0);
        CU_ASSERT_EQUAL(all[k].t->failed, 0);
        fprintf(stderr, "  %s %s: %zu values compared with R, largest relative difference %.2g\n", name,
                all[k].k, all[k].t->checked, all[k].t->maxrel);
    }
    logit_fit_free(&f);
    free(y); free(x); free(col); free(tm); free(w); free(treat); free(ev); free(cl); free(grp);
    rd_free(&df);
    rd_free(&rf);
}

static void test_lung(void) { run_case("lung"); }
static void test_colon(void) { run_case("colon"); }

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("iptw", NULL, NULL);
    CU_add_test(s, "weights by hand", test_weights_hand);
    CU_add_test(s, "balance and summary by hand", test_balance_hand);
    CU_add_test(s, "lung vs R", test_lung);
    CU_add_test(s, "colon vs R", test_colon);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures();
    CU_cleanup_registry();
    return fails ? 1 : 0;
}
