/* test_finegray.c: the Fine-Gray cores against R on the datasets written
 * by tests/R/regression.R (simulated competing risks with ties, mgus2, a
 * small hand-made case): plugins/finegray/crr.c against cmprsk's crr
 * (coefficients, sandwich standard errors, z, p, pseudo log-likelihoods and
 * the likelihood-ratio test, relative tolerance 1e-5), and
 * plugins/finegray/fgcox.c against survival's finegray + weighted coxph
 * with cluster (coefficients, model-based and robust standard errors, p,
 * weighted log-likelihoods, robust Wald and score tests, both variance
 * matrices and the number of weighted rows, relative tolerance 1e-6). */
#include "../../plugins/finegray/crr.h"
#include "../../plugins/finegray/fgcox.h"
#include "refdata.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TOL 1e-5

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
    CU_ASSERT_FATAL(data && rc_ && rfit && data->ncol >= 3);

    size_t n = data->nrow, p = data->ncol - 2;
    double *time = malloc(n * sizeof *time), *x = malloc(n * p * sizeof *x);
    int *status = malloc(n * sizeof *status);
    for (size_t i = 0; i < n; i++) {
        const double *row = data->v + i * data->ncol;
        time[i] = row[0];
        status[i] = (int)row[1];
        for (size_t j = 0; j < p; j++) x[i * p + j] = row[2 + j];
    }
    crr_data d = {n, p, time, status, x};
    crr_options o;
    crr_options_default(&o);
    crr_fit f;
    int rc = crr_fit_model(&d, &o, &f);
    if (rc != CRR_OK) fprintf(stderr, "  %s: %s\n", name, crr_status_text(rc));
    CU_ASSERT_EQUAL_FATAL(rc, CRR_OK);
    CU_ASSERT_EQUAL_FATAL(rc_->nrow, p);

    rd_tally t = {0};
    for (size_t j = 0; j < p; j++) {
        snprintf(what, sizeof what, "%s coef[%zu]", name, j);
        rd_check(&t, what, f.coef[j], rd_get(rc_, j, "coef"), TOL, 0);
        snprintf(what, sizeof what, "%s se[%zu]", name, j);
        rd_check(&t, what, f.se[j], rd_get(rc_, j, "se"), TOL, 0);
        snprintf(what, sizeof what, "%s z[%zu]", name, j);
        rd_check(&t, what, f.z[j], rd_get(rc_, j, "z"), TOL, 0);
        snprintf(what, sizeof what, "%s p[%zu]", name, j);
        rd_check_p(&t, what, f.pvalue[j], rd_get(rc_, j, "p"), TOL);
    }
    rd_check(&t, "n", (double)f.n, rd_get(rfit, 0, "n"), 0, 0);
    rd_check(&t, "loglik", f.loglik, rd_get(rfit, 0, "loglik"), TOL, 0);
    rd_check(&t, "loglik0", f.loglik0, rd_get(rfit, 0, "loglik0"), TOL, 0);
    rd_check(&t, "lr", f.lr_test, rd_get(rfit, 0, "lr"), TOL, 0);
    rd_check_p(&t, "lr_p", f.lr_p, rd_get(rfit, 0, "lr_p"), TOL);
    snprintf(what, sizeof what, "%s vcov", name);
    rd_check_matrix(&t, what, f.var, p, rd_table_get(&rf, "vcov"), TOL, 1e-10);
    CU_ASSERT_EQUAL(t.failed, 0);
    fprintf(stderr, "  %s: %zu values compared with R, largest relative difference %.2g\n", name,
            t.checked, t.maxrel);

    crr_fit_free(&f);
    free(time);
    free(x);
    free(status);
    rd_free(&df);
    rd_free(&rf);
}

/* survival::finegray + coxph(weights = fgwt, cluster = ...): data columns
 * time status cluster, then the covariates */
static void run_fgc(const char *name)
{
    char path[512], what[128];
    rd_file df, rf;
    snprintf(path, sizeof path, "tests/ref/%s_data.txt", name);
    CU_ASSERT_EQUAL_FATAL(rd_read(path, &df), 0);
    snprintf(path, sizeof path, "tests/ref/%s_ref.txt", name);
    CU_ASSERT_EQUAL_FATAL(rd_read(path, &rf), 0);
    const rd_table *data = rd_table_get(&df, ""), *rc_ = rd_table_get(&rf, "coef");
    const rd_table *rfit = rd_table_get(&rf, "fit");
    CU_ASSERT_FATAL(data && rc_ && rfit && data->ncol >= 4);
    size_t n = data->nrow, p = data->ncol - 3;
    double *time = malloc(n * sizeof *time), *x = malloc(n * p * sizeof *x);
    int *status = malloc(n * sizeof *status), *cl = malloc(n * sizeof *cl), ncl = 0;
    for (size_t i = 0; i < n; i++) {
        const double *row = data->v + i * data->ncol;
        time[i] = row[0];
        status[i] = (int)row[1];
        cl[i] = (int)row[2];
        if (cl[i] + 1 > ncl) ncl = cl[i] + 1;
        for (size_t j = 0; j < p; j++) x[i * p + j] = row[3 + j];
    }
    fgc_data d = {n, p, time, status, x, cl, (size_t)ncl};
    cox_options o;
    cox_options_default(&o);
    cox_fit f;
    size_t nrows = 0;
    int rc = fgc_fit_model(&d, &o, &f, &nrows);
    if (rc != COX_OK) fprintf(stderr, "  %s: %s\n", name, cox_status_text(rc));
    CU_ASSERT_EQUAL_FATAL(rc, COX_OK);
    CU_ASSERT_EQUAL_FATAL(rc_->nrow, p);
    CU_ASSERT(f.robust);
    rd_tally t = {0};
    for (size_t j = 0; j < p; j++) {
        snprintf(what, sizeof what, "%s coef[%zu]", name, j);
        rd_check(&t, what, f.coef[j], rd_get(rc_, j, "coef"), 1e-6, 0);
        snprintf(what, sizeof what, "%s se[%zu]", name, j);
        rd_check(&t, what, sqrt(f.naive_var[j * p + j]), rd_get(rc_, j, "se"), 1e-6, 0);
        snprintf(what, sizeof what, "%s robust_se[%zu]", name, j);
        rd_check(&t, what, sqrt(f.var[j * p + j]), rd_get(rc_, j, "robust_se"), 1e-6, 0);
        snprintf(what, sizeof what, "%s p[%zu]", name, j);
        rd_check_p(&t, what, f.pvalue[j], rd_get(rc_, j, "p"), 1e-6);
    }
    rd_check(&t, "nrow", (double)nrows, rd_get(rfit, 0, "nrow"), 0, 0);
    rd_check(&t, "nevent", (double)f.nevents, rd_get(rfit, 0, "nevent"), 0, 0);
    rd_check(&t, "loglik0", f.loglik0, rd_get(rfit, 0, "loglik0"), 1e-6, 0);
    rd_check(&t, "loglik", f.loglik, rd_get(rfit, 0, "loglik"), 1e-6, 0);
    rd_check(&t, "wald", f.wald_test, rd_get(rfit, 0, "wald"), 1e-6, 0);
    rd_check(&t, "rscore", f.robust_score_test, rd_get(rfit, 0, "rscore"), 1e-6, 0);
    snprintf(what, sizeof what, "%s vcov", name);
    rd_check_matrix(&t, what, f.var, p, rd_table_get(&rf, "vcov"), 1e-6, 1e-10);
    snprintf(what, sizeof what, "%s naive_vcov", name);
    rd_check_matrix(&t, what, f.naive_var, p, rd_table_get(&rf, "naive_vcov"), 1e-6, 1e-10);
    CU_ASSERT_EQUAL(t.failed, 0);
    fprintf(stderr, "  %s: %zu values compared with R, largest relative difference %.2g\n", name,
            t.checked, t.maxrel);
    cox_fit_free(&f);
    free(time);
    free(x);
    free(status);
    free(cl);
    rd_free(&df);
    rd_free(&rf);
}

static void test_fgc_mgus2(void) { run_fgc("fgc_mgus2"); }
static void test_fgc_mgus2_cl(void) { run_fgc("fgc_mgus2_cl"); }
static void test_fgc_sim(void) { run_fgc("fgc_sim"); }
static void test_fgc_small(void) { run_fgc("fgc_small"); }

static void test_sim(void) { run_case("finegray_sim"); }
static void test_mgus2(void) { run_case("finegray_mgus2"); }
static void test_small(void) { run_case("finegray_small"); }

static void test_errors(void)
{
    crr_options o;
    crr_options_default(&o);
    crr_fit f;
    double time[6] = {1, 2, 3, 4, 5, 6}, x[12];
    int none[6] = {0, 2, 0, 2, 0, 0}, st[6] = {1, 2, 1, 0, 1, 2};
    for (int i = 0; i < 6; i++) {
        x[2 * i] = i % 3;
        x[2 * i + 1] = 2 * x[2 * i];
    }
    crr_data d = {6, 1, time, none, x};
    CU_ASSERT_EQUAL(crr_fit_model(&d, &o, &f), CRR_ENOEVENTS);
    crr_fit_free(&f);
    crr_data d2 = {6, 2, time, st, x};
    CU_ASSERT_EQUAL(crr_fit_model(&d2, &o, &f), CRR_ESINGULAR);
    crr_fit_free(&f);
    /* no events of interest when x = 1: the coefficient diverges; crr
     * stops after 10 iterations at -11.4 with converged = FALSE */
    double t3[40], x3[80];
    int s3[40];
    for (int i = 0; i < 40; i++) {
        t3[i] = i + 1;
        x3[2 * i] = i % 2;
        x3[2 * i + 1] = ((i * 7) % 11) / 10.0;
        s3[i] = i % 3 == 0 ? 0 : (i % 2 == 1 || i % 3 == 2) ? 2 : 1;
    }
    crr_data d3 = {40, 2, t3, s3, x3};
    CU_ASSERT_EQUAL(crr_fit_model(&d3, &o, &f), CRR_ENOCONV);
    CU_ASSERT_EQUAL(f.iter, 10);
    crr_fit_free(&f);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("finegray", NULL, NULL);
    CU_add_test(s, "simulated", test_sim);
    CU_add_test(s, "mgus2", test_mgus2);
    CU_add_test(s, "small with ties", test_small);
    CU_add_test(s, "finegray + coxph: mgus2", test_fgc_mgus2);
    CU_add_test(s, "finegray + coxph: mgus2 in clusters", test_fgc_mgus2_cl);
    CU_add_test(s, "finegray + coxph: simulated with ties", test_fgc_sim);
    CU_add_test(s, "finegray + coxph: small, clustered", test_fgc_small);
    CU_add_test(s, "errors", test_errors);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures();
    CU_cleanup_registry();
    return fails != 0;
}
