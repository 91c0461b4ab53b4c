/* test_logistic.c: the IRLS core (plugins/logistic/irls.c) against R's
 * glm(family = binomial) on the datasets written by tests/R/regression.R
 * (coefficients, standard errors, z, p, deviances, AIC, iterations), with
 * prior weights as glm's weights (whole and not whole: tests/R/weights.R),
 * and its failure modes (separation, collinearity, constant outcome). */
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include "../../plugins/logistic/irls.h"
#include "refdata.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TOL 1e-6

static void run_case(const char *name)
{
    char path[512], what[128];
    rd_file df, rf;
    snprintf(path, sizeof path, "tests/ref/%s_data.txt", name);
    CU_ASSERT_EQUAL_FATAL(rd_read(path, &df), 0);
    snprintf(path, sizeof path, "tests/ref/%s_ref.txt", name);
    CU_ASSERT_EQUAL_FATAL(rd_read(path, &rf), 0);
    const rd_table *data = rd_table_get(&df, ""), *rc_ = rd_table_get(&rf, "coef");
    const rd_table *rfit = rd_table_get(&rf, "fit");
    CU_ASSERT_FATAL(data && rc_ && rfit && data->ncol >= 2);

    /* a last column "w" holds glm's prior weights */
    int weighted = rd_col(data, "w") == (int)data->ncol - 1;
    size_t n = data->nrow, p0 = data->ncol - 1 - (size_t)weighted;
    double *y = malloc(n * sizeof *y), *x = malloc(n * p0 * sizeof *x), *w = malloc(n * sizeof *w);
    for (size_t i = 0; i < n; i++) {
        y[i] = data->v[i * data->ncol];
        for (size_t j = 0; j < p0; j++) x[i * p0 + j] = data->v[i * data->ncol + 1 + j];
        w[i] = weighted ? rd_get(data, i, "w") : 1;
    }
    logit_options o;
    logit_options_default(&o);
    if (weighted) o.weights = w;
    logit_fit f;
    int rc = logit_fit_model(n, p0, x, y, &o, &f);
    if (rc != LOGIT_OK) fprintf(stderr, "  %s: %s\n", name, logit_status_text(rc));
    CU_ASSERT_EQUAL_FATAL(rc, LOGIT_OK);
    CU_ASSERT_EQUAL_FATAL(rc_->nrow, f.p);

    rd_tally t = {0};
    for (size_t j = 0; j < f.p; j++) {
        snprintf(what, sizeof what, "%s coef[%zu]", name, j);
        rd_check(&t, what, f.coef[j], rd_get(rc_, j, "coef"), TOL, 0);
        snprintf(what, sizeof what, "%s se[%zu]", name, j);
        rd_check(&t, what, f.se[j], rd_get(rc_, j, "se"), TOL, 0);
        snprintf(what, sizeof what, "%s z[%zu]", name, j);
        rd_check(&t, what, f.z[j], rd_get(rc_, j, "z"), TOL, 0);
        snprintf(what, sizeof what, "%s p[%zu]", name, j);
        rd_check_p(&t, what, f.pvalue[j], rd_get(rc_, j, "p"), TOL);
        /* odds ratios with Wald intervals, the intercept's included (as
         * exp(confint.default(fit))), computed as the plugin does */
        double zq = qnorm(0.975, 0, 1, 1, 0);
        snprintf(what, sizeof what, "%s OR[%zu]", name, j);
        rd_check(&t, what, exp(f.coef[j]), rd_get(rc_, j, "or"), TOL, 0);
        rd_check(&t, what, exp(f.coef[j] - zq * f.se[j]), rd_get(rc_, j, "or_lo"), TOL, 0);
        rd_check(&t, what, exp(f.coef[j] + zq * f.se[j]), rd_get(rc_, j, "or_hi"), TOL, 0);
    }
    rd_check(&t, "n", (double)f.n, rd_get(rfit, 0, "n"), 0, 0);
    rd_check(&t, "iter", f.iter, rd_get(rfit, 0, "iter"), 0, 0);
    rd_check(&t, "deviance", f.deviance, rd_get(rfit, 0, "deviance"), TOL, 0);
    rd_check(&t, "null_deviance", f.null_deviance, rd_get(rfit, 0, "null_deviance"), TOL, 0);
    rd_check(&t, "aic", f.aic, rd_get(rfit, 0, "aic"), TOL, 0);
    rd_check(&t, "df_residual", (double)f.df_residual, rd_get(rfit, 0, "df_residual"), 0, 0);
    rd_check(&t, "df_null", (double)f.df_null, rd_get(rfit, 0, "df_null"), 0, 0);
    /* logLik.glm: rank - AIC / 2, as the plugin reports it */
    rd_check(&t, "loglik", (double)f.p - f.aic / 2, rd_get(rfit, 0, "loglik"), TOL, 0);
    snprintf(what, sizeof what, "%s vcov", name);
    rd_check_matrix(&t, what, f.var, f.p, rd_table_get(&rf, "vcov"), TOL, 1e-10);
    CU_ASSERT_EQUAL(t.failed, 0);
    fprintf(stderr, "  %s: %zu values compared with R, largest relative difference %.2g\n", name,
            t.checked, t.maxrel);

    logit_fit_free(&f);
    free(x);
    free(y);
    free(w);
    rd_free(&df);
    rd_free(&rf);
}

static void test_infert(void) { run_case("logistic_infert"); }
static void test_infert_factor(void) { run_case("logistic_infert_factor"); }
static void test_lung(void) { run_case("logistic_lung"); }
static void test_colon(void) { run_case("logistic_colon"); }
static void test_lung_wi(void) { run_case("logistic_lung_wi"); }
static void test_infert_wr(void) { run_case("logistic_infert_wr"); }

static void test_errors(void)
{
    logit_options o;
    logit_options_default(&o);
    logit_fit f;
    /* complete separation: y = 1 exactly when x > 0 */
    double x[10] = {-5, -4, -3, -2, -1, 1, 2, 3, 4, 5}, y[10] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
    int rc = logit_fit_model(10, 1, x, y, &o, &f);
    CU_ASSERT(rc == LOGIT_ESEPARATION || rc == LOGIT_ENOCONV);
    logit_fit_free(&f);
    /* quasi-complete separation: y is 0 whenever z = 0; glm converges
     * (deviance rule, 19 iterations) with z's coefficient 21.8 and standard
     * error 6786, without a warning; here it is an error naming z */
    double xq[24], yq[12] = {0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1};
    double xv[12] = {1, 2, 3, 4, 5, 6, 1, 3, 4, 2, 6, 5};
    for (int i = 0; i < 12; i++) {
        xq[2 * i] = i < 6 ? 0 : 1; /* z */
        xq[2 * i + 1] = xv[i];     /* does not separate y among z = 1 */
    }
    rc = logit_fit_model(12, 2, xq, yq, &o, &f);
    CU_ASSERT_EQUAL(rc, LOGIT_ESEPARATION);
    CU_ASSERT_EQUAL(f.bad, 0);
    logit_fit_free(&f);
    /* allowed (the psm plugin): glm's own fit, flagged */
    o.allow_separation = 1;
    rc = logit_fit_model(12, 2, xq, yq, &o, &f);
    CU_ASSERT_EQUAL(rc, LOGIT_OK);
    CU_ASSERT_EQUAL(f.separated, 1);
    CU_ASSERT_EQUAL(f.iter, 19);
    CU_ASSERT_DOUBLE_EQUAL(f.coef[1], 21.7515274, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(f.coef[2], -0.5889059, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(f.se[2], 0.6224799, 1e-6);
    logit_fit_free(&f);
    o.allow_separation = 0;
    /* collinear columns */
    double x2[20], y2[10] = {0, 1, 0, 1, 1, 0, 0, 1, 1, 0};
    for (int i = 0; i < 10; i++) {
        x2[2 * i] = (i * 3) % 7;
        x2[2 * i + 1] = 3 - 2 * x2[2 * i];
    }
    rc = logit_fit_model(10, 2, x2, y2, &o, &f);
    CU_ASSERT_EQUAL(rc, LOGIT_ESINGULAR);
    CU_ASSERT_EQUAL(f.bad, 1);
    logit_fit_free(&f);
    /* constant outcome, outcome not 0/1 */
    double y3[10] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    CU_ASSERT_EQUAL(logit_fit_model(10, 1, x, y3, &o, &f), LOGIT_ECONSTANT);
    logit_fit_free(&f);
    y3[3] = 2;
    CU_ASSERT_EQUAL(logit_fit_model(10, 1, x, y3, &o, &f), LOGIT_EINPUT);
    logit_fit_free(&f);
    /* intercept only: coefficient is logit(mean y); the standard error
     * uses the weights of the last iteration, as R (0.69006522550742322
     * rather than the limit sqrt(1 / (n p (1 - p))) = 0.690065559) */
    double y4[10] = {1, 0, 0, 1, 0, 0, 0, 1, 0, 0};
    CU_ASSERT_EQUAL_FATAL(logit_fit_model(10, 0, NULL, y4, &o, &f), LOGIT_OK);
    CU_ASSERT_DOUBLE_EQUAL(f.coef[0], log(0.3 / 0.7), 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(f.se[0], 0.69006522550742322, 1e-12);
    CU_ASSERT_EQUAL(f.iter, 4);
    logit_fit_free(&f);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("logistic", NULL, NULL);
    CU_add_test(s, "infert", test_infert);
    CU_add_test(s, "infert (factors)", test_infert_factor);
    CU_add_test(s, "lung", test_lung);
    CU_add_test(s, "colon", test_colon);
    CU_add_test(s, "lung, whole weights", test_lung_wi);
    CU_add_test(s, "infert, weights not whole", test_infert_wr);
    CU_add_test(s, "errors", test_errors);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures();
    CU_cleanup_registry();
    return fails != 0;
}
