/* test_cox.c: the Cox core (plugins/cox/coxfit.c) against R survival's
 * coxph on the datasets written by tests/R/regression.R: coefficients,
 * naive and robust standard errors, p-values, log likelihoods, the three
 * (four) tests, the concordance with its pair counts and standard error,
 * the whole variance matrices (vcov, naive.var) and, for right-censored
 * data, cox.zph's tests and scaled Schoenfeld residuals, with Efron and
 * Breslow ties, strata, clusters and counting-process data; and the exact
 * partial likelihood (ties = "exact") on the data of tests/R/cox_exact.R;
 * and plot.cox.zph's smooth, bands and time axis (plugins/cox/zphsmooth.c)
 * on the residuals computed here, against tests/R/coxzph_plot.R. */
#include "../../plugins/cox/coxfit.h"
#include "../../plugins/cox/coxzph.h"
#include "../../plugins/cox/zphsmooth.h"
#include "refdata.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOL 1e-6

#define ZPH_PLOT_TOL 1e-8

/* plot.cox.zph's numbers from our cox.zph z against NAME_zphplot.txt: the
 * points (time, x, y), the variance matrix, each term's smooth with its
 * bands, the axis ticks. */
static void check_zph_plot(const char *name, const cox_zph *z)
{
    char path[512], what[128];
    rd_file rf;
    snprintf(path, sizeof path, "tests/ref/%s_zphplot.txt", name);
    CU_ASSERT_EQUAL_FATAL(rd_read(path, &rf), 0);
    const rd_table *rv = rd_table_get(&rf, "var"), *rs = rd_table_get(&rf, "smooth"),
                   *ra = rd_table_get(&rf, "axis"), *rr = rd_table_get(&rf, "resid");
    CU_ASSERT_FATAL(rv && rs && ra && rr);
    CU_ASSERT_EQUAL_FATAL(rr->nrow, z->nevent);
    CU_ASSERT_EQUAL_FATAL(rr->ncol, z->nterm + 2);
    CU_ASSERT_EQUAL_FATAL(rs->nrow, z->nterm * ZPH_NSMO);
    CU_ASSERT_EQUAL_FATAL(ra->nrow, ZPH_NTICK);
    rd_tally t = {0};
    /* the points: cox.zph's time, x and y */
    for (size_t e = 0; e < z->nevent; e++) {
        snprintf(what, sizeof what, "%s zph point[%zu]", name, e);
        rd_check(&t, what, z->time[e], rr->v[e * rr->ncol], 0, 0);
        rd_check(&t, what, z->x[e], rr->v[e * rr->ncol + 1], ZPH_PLOT_TOL, 1e-14);
        for (size_t k = 0; k < z->nterm; k++)
            rd_check(&t, what, z->resid[e * z->nterm + k], rr->v[e * rr->ncol + 2 + k], ZPH_PLOT_TOL, 1e-12);
    }
    snprintf(what, sizeof what, "%s zph var", name);
    rd_check_matrix(&t, what, z->var, z->nterm, rv, ZPH_PLOT_TOL, 1e-14);
    double *y = malloc((z->nevent + 1) * sizeof *y);
    CU_ASSERT_FATAL(y != NULL);
    for (size_t k = 0; k < z->nterm; k++) {
        zph_smooth sm;
        for (size_t e = 0; e < z->nevent; e++) y[e] = z->resid[e * z->nterm + k];
        CU_ASSERT_EQUAL_FATAL(zph_smooth_fit(z->nevent, z->x, y, z->var[k * z->nterm + k], &sm), 0);
        for (size_t j = 0; j < ZPH_NSMO; j++) {
            size_t r = k * ZPH_NSMO + j;
            snprintf(what, sizeof what, "%s zph smooth[%zu][%zu]", name, k, j);
            CU_ASSERT_EQUAL(rd_get(rs, r, "term"), (double)k);
            rd_check(&t, what, sm.x[j], rd_get(rs, r, "x"), ZPH_PLOT_TOL, 1e-14);
            rd_check(&t, what, sm.fit[j], rd_get(rs, r, "fit"), ZPH_PLOT_TOL, 1e-12);
            rd_check(&t, what, sm.lower[j], rd_get(rs, r, "lower"), ZPH_PLOT_TOL, 1e-12);
            rd_check(&t, what, sm.upper[j], rd_get(rs, r, "upper"), ZPH_PLOT_TOL, 1e-12);
        }
    }
    double at[ZPH_NTICK], label[ZPH_NTICK];
    zph_axis(z->nevent, z->x, z->time, 1, at, label);
    for (size_t k = 0; k < ZPH_NTICK; k++) {
        snprintf(what, sizeof what, "%s zph axis[%zu]", name, k);
        rd_check(&t, what, at[k], rd_get(ra, k, "at"), ZPH_PLOT_TOL, 1e-14);
        rd_check(&t, what, label[k], rd_get(ra, k, "label"), 0, 0);
    }
    CU_ASSERT(t.checked > 0);
    CU_ASSERT_EQUAL(t.failed, 0);
    fprintf(stderr, "  %s plot.cox.zph: %zu values compared with R, largest relative difference %.2g\n",
            name, t.checked, t.maxrel);
    free(y);
    rd_free(&rf);
}

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
    CU_ASSERT_FATAL(data && rc_ && rfit && data->ncol > 5);

    /* an optional column `weight` (case weights) follows cluster */
    int weighted = rd_col(data, "weight") == 5;
    size_t n = data->nrow, p = data->ncol - 5 - (size_t)weighted;
    double *weight = malloc(n * sizeof *weight);
    double *start = malloc(n * sizeof *start), *stop = malloc(n * sizeof *stop);
    double *x = malloc(n * p * sizeof *x);
    int *event = malloc(n * sizeof *event), *strata = malloc(n * sizeof *strata);
    int *cluster = malloc(n * sizeof *cluster);
    int counting = 0, ncl = 0;
    for (size_t i = 0; i < n; i++) {
        const double *row = data->v + i * data->ncol;
        start[i] = row[0];
        if (!isnan(row[0])) counting = 1;
        stop[i] = row[1];
        event[i] = (int)row[2];
        strata[i] = (int)row[3];
        cluster[i] = (int)row[4];
        if (cluster[i] + 1 > ncl) ncl = cluster[i] + 1;
        weight[i] = weighted ? row[5] : 1;
        for (size_t j = 0; j < p; j++) x[i * p + j] = row[5 + weighted + j];
    }
    int robust = rd_get(rfit, 0, "robust") == 1;
    cox_data d = {n, p, counting ? start : NULL, stop, event, x, strata,
                  robust ? cluster : NULL, (size_t)ncl, weighted ? weight : NULL};
    cox_options o;
    cox_options_default(&o);
    o.efron = rd_get(rfit, 0, "efron") == 1;
    o.exact = rd_get(rfit, 0, "exact") == 1;   /* tests/R/cox_exact.R (NaN in the others: 0) */
    cox_fit f;
    int rc = cox_fit_model(&d, &o, &f);
    if (rc != COX_OK) fprintf(stderr, "  %s: %s\n", name, cox_status_text(rc));
    CU_ASSERT_EQUAL_FATAL(rc, COX_OK);
    CU_ASSERT_EQUAL_FATAL(rc_->nrow, p);
    CU_ASSERT_EQUAL(f.robust, robust);

    rd_tally t = {0};
    for (size_t j = 0; j < p; j++) {
        snprintf(what, sizeof what, "%s coef[%zu]", name, j);
        rd_check(&t, what, f.coef[j], rd_get(rc_, j, "coef"), TOL, 0);
        snprintf(what, sizeof what, "%s se[%zu]", name, j);
        rd_check(&t, what, sqrt(f.naive_var[j * p + j]), rd_get(rc_, j, "se"), TOL, 0);
        if (robust) {
            snprintf(what, sizeof what, "%s robust_se[%zu]", name, j);
            rd_check(&t, what, sqrt(f.var[j * p + j]), rd_get(rc_, j, "robust_se"), TOL, 0);
        }
        snprintf(what, sizeof what, "%s p[%zu]", name, j);
        rd_check_p(&t, what, f.pvalue[j], rd_get(rc_, j, "p"), TOL);
    }
    const struct { const char *key; double got; int is_p; } fv[] = {
        {"n", (double)f.n, 0}, {"nevent", (double)f.nevents, 0}, {"iter", f.iter, 0},
        {"loglik0", f.loglik0, 0}, {"loglik", f.loglik, 0}, {"df", f.df, 0},
        {"lr", f.lr_test, 0}, {"lr_p", f.lr_p, 1},
        {"wald", f.wald_test, 0}, {"wald_p", f.wald_p, 1},
        {"score", f.score_test, 0}, {"score_p", f.score_p, 1},
        {"rscore", f.robust_score_test, 0}, {"rscore_p", f.robust_score_p, 1},
        {"concordant", f.conc_count[0], 0}, {"discordant", f.conc_count[1], 0},
        {"tied_x", f.conc_count[2], 0}, {"tied_y", f.conc_count[3], 0},
        {"tied_xy", f.conc_count[4], 0},
        {"concordance", f.concordance, 0}, {"concordance_se", f.concordance_se, 0},
    };
    for (size_t k = 0; k < sizeof fv / sizeof fv[0]; k++) {
        double want = rd_get(rfit, 0, fv[k].key);
        if (!robust && fv[k].key[0] == 'r' && fv[k].key[1] == 's') continue; /* rscore */
        if (weighted && strncmp(fv[k].key, "conc", 4) == 0) {
            /* not computed with weights: missing, never a number */
            CU_ASSERT(isnan(fv[k].got));
            continue;
        }
        if (weighted && (strncmp(fv[k].key, "tied", 4) == 0 || strcmp(fv[k].key, "discordant") == 0)) {
            CU_ASSERT(isnan(fv[k].got));
            continue;
        }
        snprintf(what, sizeof what, "%s %s", name, fv[k].key);
        if (fv[k].is_p) rd_check_p(&t, what, fv[k].got, want, TOL);
        else rd_check(&t, what, fv[k].got, want, TOL, 0);
    }
    /* the whole variance matrices (robust and model-based when clustered) */
    snprintf(what, sizeof what, "%s vcov", name);
    rd_check_matrix(&t, what, f.var, p, rd_table_get(&rf, "vcov"), TOL, 1e-10);
    if (robust) {
        snprintf(what, sizeof what, "%s naive_vcov", name);
        rd_check_matrix(&t, what, f.naive_var, p, rd_table_get(&rf, "naive_vcov"), TOL, 1e-10);
    }
    CU_ASSERT(t.checked > 0);
    CU_ASSERT_EQUAL(t.failed, 0);
    fprintf(stderr, "  %s: %zu values compared with R, largest relative difference %.2g\n", name,
            t.checked, t.maxrel);

    /* cox.zph at the fitted coefficients */
    const rd_table *zt = rd_table_get(&rf, "zph"), *zr = rd_table_get(&rf, "zph_resid"),
                   *za = rd_table_get(&rf, "assign");
    CU_ASSERT_EQUAL(zt != NULL, !counting && !weighted && !o.exact);
    if (zt && zr && za) {
        rd_tally tz = {0};
        size_t *term = malloc(p * sizeof *term), nterm = 0;
        for (size_t j = 0; j < p; j++) {
            term[j] = (size_t)rd_get(za, j, "term");
            if (term[j] + 1 > nterm) nterm = term[j] + 1;
        }
        cox_zph z;
        CU_ASSERT_EQUAL_FATAL(cox_zph_compute(n, stop, event, strata, x, p, f.coef, term, nterm,
                                              o.efron, &z), 0);
        CU_ASSERT_EQUAL_FATAL(zt->nrow, nterm + 1);
        for (size_t k = 0; k <= nterm; k++) {
            snprintf(what, sizeof what, "%s zph[%zu]", name, k);
            rd_check(&tz, what, z.chisq[k], rd_get(zt, k, "chisq"), TOL, 1e-10);
            rd_check(&tz, what, z.df[k], rd_get(zt, k, "df"), 0, 0);
            rd_check_p(&tz, what, z.p[k], rd_get(zt, k, "p"), TOL);
        }
        CU_ASSERT_EQUAL_FATAL(zr->nrow, z.nevent);
        CU_ASSERT_EQUAL_FATAL(zr->ncol, nterm + 2);
        for (size_t e = 0; e < z.nevent; e++) {
            snprintf(what, sizeof what, "%s zph time[%zu]", name, e);
            rd_check(&tz, what, z.time[e], zr->v[e * zr->ncol], 0, 0);
            rd_check(&tz, what, z.x[e], zr->v[e * zr->ncol + 1], TOL, 1e-12);
            for (size_t k = 0; k < nterm; k++) {
                snprintf(what, sizeof what, "%s zph resid[%zu][%zu]", name, e, k);
                rd_check(&tz, what, z.resid[e * nterm + k], zr->v[e * zr->ncol + 2 + k], TOL, 1e-9);
            }
        }
        CU_ASSERT_EQUAL(tz.failed, 0);
        fprintf(stderr, "  %s cox.zph: %zu values compared with R, largest relative difference %.2g\n",
                name, tz.checked, tz.maxrel);
        /* the cases of tests/R/coxzph_plot.R */
        static const char *const plotted[] = {"cox_lung", "cox_lung_strata", "cox_ovarian", "cox_veteran"};
        for (size_t k = 0; k < sizeof plotted / sizeof *plotted; k++)
            if (strcmp(name, plotted[k]) == 0) check_zph_plot(name, &z);
        cox_zph_free(&z);
        free(term);
    }

    cox_fit_free(&f);
    free(start); free(stop); free(x); free(event); free(strata); free(cluster); free(weight);
    rd_free(&df);
    rd_free(&rf);
}

static void test_lung(void) { run_case("cox_lung"); }
static void test_lung_breslow(void) { run_case("cox_lung_breslow"); }
static void test_lung_strata(void) { run_case("cox_lung_strata"); }
static void test_ovarian(void) { run_case("cox_ovarian"); }
static void test_veteran(void) { run_case("cox_veteran"); }
static void test_heart(void) { run_case("cox_heart"); }
static void test_bladder(void) { run_case("cox_bladder"); }
static void test_bladder2(void) { run_case("cox_bladder2"); }
static void test_bladder2_breslow(void) { run_case("cox_bladder2_breslow"); }
static void test_cgd(void) { run_case("cox_cgd"); }
static void test_colon(void) { run_case("cox_colon"); }
static void test_lung_wt(void) { run_case("cox_lung_wt"); }
static void test_lung_wt_breslow(void) { run_case("cox_lung_wt_breslow"); }
static void test_lung_wt_cluster(void) { run_case("cox_lung_wt_cluster"); }
static void test_bladder2_wt(void) { run_case("cox_bladder2_wt"); }
static void test_lung_exact(void) { run_case("cox_lung_exact"); }
static void test_veteran_exact(void) { run_case("cox_veteran_exact"); }

/* Failure modes: monotone likelihood, collinear columns, no events. */
static void test_errors(void)
{
    enum { N = 8 };
    double stop[N] = {1, 2, 3, 4, 5, 6, 7, 8};
    int event[N] = {1, 1, 1, 1, 0, 1, 0, 1};
    /* x perfectly separates: every event at a time has the largest x of the
     * risk set -> the coefficient diverges */
    double xs[N] = {8, 7, 6, 5, 4, 3, 2, 1};
    cox_options o;
    cox_options_default(&o);
    cox_fit f;
    cox_data d = {N, 1, NULL, stop, event, xs, NULL, NULL, 0, NULL};
    int rc = cox_fit_model(&d, &o, &f);
    CU_ASSERT(rc == COX_EINFINITE || rc == COX_ENOCONV);
    cox_fit_free(&f);

    double x2[2 * N];
    for (int i = 0; i < N; i++) {
        x2[2 * i] = (i * 7) % 5;
        x2[2 * i + 1] = 2 * x2[2 * i] + 1;
    }
    cox_data d2 = {N, 2, NULL, stop, event, x2, NULL, NULL, 0, NULL};
    rc = cox_fit_model(&d2, &o, &f);
    CU_ASSERT_EQUAL(rc, COX_ESINGULAR);
    CU_ASSERT_EQUAL(f.bad, 1);
    cox_fit_free(&f);

    int none[N] = {0};
    cox_data d3 = {N, 1, NULL, stop, none, x2, NULL, NULL, 0, NULL};
    rc = cox_fit_model(&d3, &o, &f);
    CU_ASSERT_EQUAL(rc, COX_ENOEVENTS);
    cox_fit_free(&f);

    double start[N] = {0, 0, 3, 0, 0, 0, 0, 0}; /* row 2: start == stop */
    cox_data d4 = {N, 1, start, stop, event, x2, NULL, NULL, 0, NULL};
    rc = cox_fit_model(&d4, &o, &f);
    CU_ASSERT_EQUAL(rc, COX_EINPUT);
    cox_fit_free(&f);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("cox", NULL, NULL);
    CU_add_test(s, "lung (Efron)", test_lung);
    CU_add_test(s, "lung (Breslow)", test_lung_breslow);
    CU_add_test(s, "lung (strata)", test_lung_strata);
    CU_add_test(s, "ovarian", test_ovarian);
    CU_add_test(s, "veteran (factor, ties)", test_veteran);
    CU_add_test(s, "heart (counting process, cluster)", test_heart);
    CU_add_test(s, "bladder (strata, cluster)", test_bladder);
    CU_add_test(s, "bladder2 (counting process, cluster)", test_bladder2);
    CU_add_test(s, "bladder2 (Breslow)", test_bladder2_breslow);
    CU_add_test(s, "cgd (counting, strata, cluster)", test_cgd);
    CU_add_test(s, "colon (strata, cluster)", test_colon);
    CU_add_test(s, "lung, case weights (robust by row)", test_lung_wt);
    CU_add_test(s, "lung, case weights, Breslow", test_lung_wt_breslow);
    CU_add_test(s, "lung, case weights, cluster", test_lung_wt_cluster);
    CU_add_test(s, "bladder2, case weights, counting process, cluster", test_bladder2_wt);
    CU_add_test(s, "lung, exact ties (tests/R/cox_exact.R)", test_lung_exact);
    CU_add_test(s, "veteran, exact ties", test_veteran_exact);
    CU_add_test(s, "errors", test_errors);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures();
    CU_cleanup_registry();
    return fails != 0;
}
