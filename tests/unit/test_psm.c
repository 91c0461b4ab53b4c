/* test_psm.c: propensity-score matching (plugins/psm/match.c with the
 * logistic core plugins/logistic/irls.c).  Hand-built cases whose correct
 * greedy matches are known (order by descending score, nearest available
 * control, ties to the lower row, caliper, logit vs probability distance);
 * the propensity score against R's glm; the matches and balance statistics
 * against an independent R implementation of the same documented rule
 * (tests/R/regression.R). */
#include "../../plugins/logistic/irls.h"
#include "../../plugins/psm/match.h"
#include "refdata.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TOL 1e-6

/* descending order matters: the treated with the larger score chooses
 * first (ascending order would pair 0.56 with 0.57) */
static void test_order(void)
{
    int treat[4] = {1, 1, 0, 0};
    double d[4] = {0.56, 0.60, 0.57, 0.40};
    size_t m[4];
    CU_ASSERT_EQUAL(psm_match(4, treat, d, 0, m), 2);
    CU_ASSERT_EQUAL(m[1], 2);
    CU_ASSERT_EQUAL(m[2], 1);
    CU_ASSERT_EQUAL(m[0], 3);
    CU_ASSERT_EQUAL(m[3], 0);
}

static void test_nearest(void)
{
    /* rows: c 0.65, t 0.9, c 0.85, t 0.5, c 0.45, t 0.7, c 0.1 */
    int treat[7] = {0, 1, 0, 1, 0, 1, 0};
    double d[7] = {0.65, 0.9, 0.85, 0.5, 0.45, 0.7, 0.1};
    size_t m[7];
    CU_ASSERT_EQUAL(psm_match(7, treat, d, 0, m), 3);
    CU_ASSERT_EQUAL(m[1], 2); /* 0.9 -> 0.85 */
    CU_ASSERT_EQUAL(m[5], 0); /* 0.7 -> 0.65 */
    CU_ASSERT_EQUAL(m[3], 4); /* 0.5 -> 0.45 */
    CU_ASSERT_EQUAL(m[6], PSM_NONE);
}

static void test_ties(void)
{
    /* equal distances (exact in binary): the lower row wins, both for the
     * control chosen and for the treated order */
    int treat[5] = {0, 1, 0, 1, 0};
    double d[5] = {0.75, 0.5, 0.25, 0.5, 0.625};
    size_t m[5];
    CU_ASSERT_EQUAL(psm_match(5, treat, d, 0, m), 2);
    /* row 1 first (tie with row 3): 0.625 is nearest (0.125) */
    CU_ASSERT_EQUAL(m[1], 4);
    /* row 3: 0.75 and 0.25 both at 0.25 -> row 0 */
    CU_ASSERT_EQUAL(m[3], 0);
    CU_ASSERT_EQUAL(m[2], PSM_NONE);
}

static void test_caliper(void)
{
    int treat[4] = {1, 0, 1, 0};
    double d[4] = {0.8, 0.7, 0.3, 0.1};
    size_t m[4];
    /* width 0.15: 0.8 -> 0.7 (0.1); 0.3 -> 0.1 is 0.2 > 0.15: unmatched */
    CU_ASSERT_EQUAL(psm_match(4, treat, d, 0.15, m), 1);
    CU_ASSERT_EQUAL(m[0], 1);
    CU_ASSERT_EQUAL(m[2], PSM_NONE);
    CU_ASSERT_EQUAL(m[3], PSM_NONE);
    /* the boundary is inclusive */
    double d2[4] = {0.75, 0.5, 0.25, 0.125};
    CU_ASSERT_EQUAL(psm_match(4, treat, d2, 0.25, m), 2);
}

static void test_logit_distance(void)
{
    /* on the probability scale 0.95 is nearer 0.99 (0.04 < 0.05); on the
     * logit scale nearer 0.90 (0.75 < 1.65) */
    int treat[3] = {1, 0, 0};
    double ps[3] = {0.95, 0.90, 0.99}, lg[3];
    for (int i = 0; i < 3; i++) lg[i] = log(ps[i] / (1 - ps[i]));
    size_t m[3];
    psm_match(3, treat, ps, 0, m);
    CU_ASSERT_EQUAL(m[0], 2);
    psm_match(3, treat, lg, 0, m);
    CU_ASSERT_EQUAL(m[0], 1);
}

/* The documented rule by brute force: treated by descending distance
 * (ties: lower row), each takes the available control at the smallest
 * |difference| (ties: lower row) if within the caliper. */
static size_t brute_match(size_t n, const int *treat, const double *d, double width, size_t *m)
{
    unsigned char done[64] = {0};
    size_t pairs = 0;
    for (size_t i = 0; i < n; i++) m[i] = PSM_NONE;
    for (;;) {
        size_t t = PSM_NONE;
        for (size_t i = 0; i < n; i++)
            if (treat[i] && !done[i] && (t == PSM_NONE || d[i] > d[t])) t = i;
        if (t == PSM_NONE) break;
        done[t] = 1;
        size_t best = PSM_NONE;
        for (size_t c = 0; c < n; c++)
            if (!treat[c] && m[c] == PSM_NONE &&
                (best == PSM_NONE || fabs(d[t] - d[c]) < fabs(d[t] - d[best])))
                best = c;
        if (best == PSM_NONE || (width > 0 && !(fabs(d[t] - d[best]) <= width))) continue;
        m[t] = best;
        m[best] = t;
        pairs++;
    }
    return pairs;
}

/* The O(n log n) matcher against brute force on random cases with many
 * exact ties (distances on a grid of eighths) and random calipers. */
static void test_random_vs_brute(void)
{
    unsigned seed = 12345;
    int mismatches = 0;
    for (int rep = 0; rep < 500; rep++) {
        int treat[64];
        double d[64];
        size_t m1[64], m2[64];
        seed = seed * 1103515245u + 12345u;
        size_t n = 2 + (seed >> 16) % 60;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            treat[i] = (seed >> 16) % 3 == 0;
            seed = seed * 1103515245u + 12345u;
            d[i] = (double)((seed >> 16) % 9) / 8;
        }
        double width = rep % 3 == 0 ? 0 : (double)(rep % 5) / 8;
        size_t p1 = psm_match(n, treat, d, width, m1), p2 = brute_match(n, treat, d, width, m2);
        int same = p1 == p2;
        for (size_t i = 0; i < n; i++) same &= m1[i] == m2[i];
        mismatches += !same;
    }
    CU_ASSERT_EQUAL(mismatches, 0);
}

static void test_balance_hand(void)
{
    /* binary covariate: SMD uses sqrt(p (1 - p)) of the treated group */
    int treat[6] = {1, 1, 1, 1, 0, 0};
    double x[6] = {1, 1, 0, 0, 1, 0};
    size_t m[6] = {4, PSM_NONE, 5, PSM_NONE, 0, 2};
    psm_balance b;
    psm_balance_of(6, x, treat, m, &b);
    CU_ASSERT_DOUBLE_EQUAL(b.mean_t, 0.5, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(b.mean_c, 0.5, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(b.smd, 0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(b.mean_t_m, 0.5, 1e-15);
    /* continuous: treated SD (n - 1) */
    double y[6] = {1, 2, 3, 4, 10, 12};
    psm_balance_of(6, y, treat, NULL, &b);
    CU_ASSERT_DOUBLE_EQUAL(b.smd, (2.5 - 11) / sqrt(5.0 / 3.0), 1e-12);
}

static void run_case(const char *name)
{
    char path[512], what[128];
    rd_file df, rf;
    snprintf(path, sizeof path, "tests/ref/%s_data.txt", name);
    CU_ASSERT_EQUAL_FATAL(rd_read(path, &df), 0);
    snprintf(path, sizeof path, "tests/ref/%s_ref.txt", name);
    CU_ASSERT_EQUAL_FATAL(rd_read(path, &rf), 0);
    const rd_table *data = rd_table_get(&df, ""), *rcoef = rd_table_get(&rf, "coef");
    const rd_table *rrows = rd_table_get(&rf, "rows"), *rbal = rd_table_get(&rf, "balance");
    const rd_table *rfit = rd_table_get(&rf, "fit");
    CU_ASSERT_FATAL(data && rcoef && rrows && rbal && rfit);

    size_t n = data->nrow, p0 = data->ncol - 1;
    double *y = malloc(n * sizeof *y), *x = malloc(n * p0 * sizeof *x), *col = malloc(n * sizeof *col);
    int *treat = malloc(n * sizeof *treat);
    size_t *m = malloc(n * sizeof *m);
    for (size_t i = 0; i < n; i++) {
        y[i] = data->v[i * data->ncol];
        treat[i] = y[i] != 0;
        for (size_t j = 0; j < p0; j++) x[i * p0 + j] = data->v[i * data->ncol + 1 + j];
    }
    logit_options o;
    logit_options_default(&o);
    logit_fit f;
    CU_ASSERT_EQUAL_FATAL(logit_fit_model(n, p0, x, y, &o, &f), LOGIT_OK);
    rd_tally t = {0};
    for (size_t j = 0; j < f.p; j++) {
        snprintf(what, sizeof what, "%s coef[%zu]", name, j);
        rd_check(&t, what, f.coef[j], rd_get(rcoef, j, "coef"), TOL, 0);
        snprintf(what, sizeof what, "%s se[%zu]", name, j);
        rd_check(&t, what, f.se[j], rd_get(rcoef, j, "se"), TOL, 0);
    }
    CU_ASSERT_EQUAL_FATAL(rrows->nrow, n);
    for (size_t i = 0; i < n; i++) {
        snprintf(what, sizeof what, "%s ps[%zu]", name, i);
        rd_check(&t, what, f.mu[i], rd_get(rrows, i, "ps"), TOL, 0);
        snprintf(what, sizeof what, "%s eta[%zu]", name, i);
        rd_check(&t, what, f.eta[i], rd_get(rrows, i, "eta"), TOL, 1e-12);
    }
    int logit = rd_get(rfit, 0, "logit") == 1;
    const double *dist = logit ? f.eta : f.mu;
    double caliper = rd_get(rfit, 0, "caliper"), width = 0;
    if (!isnan(caliper)) {
        width = caliper * psm_sd(n, dist);
        rd_check(&t, "width", width, rd_get(rfit, 0, "width"), TOL, 0);
    }
    size_t pairs = psm_match(n, treat, dist, width, m);
    rd_check(&t, "pairs", (double)pairs, rd_get(rfit, 0, "pairs"), 0, 0);
    for (size_t i = 0; i < n; i++) {
        double want = rd_get(rrows, i, "match");
        double got = m[i] == PSM_NONE ? -1 : (double)m[i];
        snprintf(what, sizeof what, "%s match[%zu]", name, i);
        rd_check(&t, what, got, want, 0, 0);
    }
    CU_ASSERT_EQUAL_FATAL(rbal->nrow, p0);
    for (size_t j = 0; j < p0; j++) {
        for (size_t i = 0; i < n; i++) col[i] = x[i * p0 + j];
        psm_balance b;
        psm_balance_of(n, col, treat, m, &b);
        const struct { const char *k; double v; } bv[] = {
            {"mean_t", b.mean_t}, {"mean_c", b.mean_c}, {"smd", b.smd},
            {"mean_t_m", b.mean_t_m}, {"mean_c_m", b.mean_c_m}, {"smd_m", b.smd_m}};
        for (size_t k = 0; k < 6; k++) {
            snprintf(what, sizeof what, "%s %s[%zu]", name, bv[k].k, j);
            rd_check(&t, what, bv[k].v, rd_get(rbal, j, bv[k].k), TOL, 1e-12);
        }
    }
    CU_ASSERT(t.checked > n);
    CU_ASSERT_EQUAL(t.failed, 0);
    fprintf(stderr, "  %s: %zu values compared with R, largest relative difference %.2g\n", name,
            t.checked, t.maxrel);
    logit_fit_free(&f);
    free(y); free(x); free(col); free(treat); free(m);
    rd_free(&df);
    rd_free(&rf);
}

static void test_colon(void) { run_case("psm_colon"); }
static void test_colon_caliper(void) { run_case("psm_colon_caliper"); }
static void test_colon_logit(void) { run_case("psm_colon_logit"); }
static void test_lung(void) { run_case("psm_lung"); }

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("psm", NULL, NULL);
    CU_add_test(s, "descending order", test_order);
    CU_add_test(s, "nearest available control", test_nearest);
    CU_add_test(s, "ties to the lower row", test_ties);
    CU_add_test(s, "caliper", test_caliper);
    CU_add_test(s, "logit distance", test_logit_distance);
    CU_add_test(s, "random cases vs brute force", test_random_vs_brute);
    CU_add_test(s, "balance by hand", test_balance_hand);
    CU_add_test(s, "colon vs R", test_colon);
    CU_add_test(s, "colon, caliper 0.05 SD", test_colon_caliper);
    CU_add_test(s, "colon, logit, caliper 0.2 SD", test_colon_logit);
    CU_add_test(s, "lung vs R", test_lung);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures();
    CU_cleanup_registry();
    return fails != 0;
}
