/* test_logrank.c: the G-rho test core against R survdiff
 * (tests/ref/logrank_ref.txt, written by tests/R/survival.R). */
#include "../../plugins/logrank/lrcore.h"
#include "refdata.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define RTOL 1e-6
#define ATOL 1e-12

typedef struct lr_case {
    const char *name, *data, *group, *strata;
} lr_case;

static const lr_case cases[] = {
    {"lung_rho0", "tests/ref/km_lung_data.txt", "sex", NULL},
    {"lung_rho1", "tests/ref/km_lung_data.txt", "sex", NULL},
    {"lung_ecog", "tests/ref/km_lung_data.txt", "ecog", NULL},
    {"veteran_cell", "tests/ref/km_veteran_data.txt", "celltype", NULL},
    {"veteran_trt_strata", "tests/ref/km_veteran_data.txt", "trt", "celltype"},
    {"veteran_trt_strata_rho1", "tests/ref/km_veteran_data.txt", "trt", "celltype"},
    {"ovarian_rx_strata", "tests/ref/km_ovarian_data.txt", "rx", "resid"},
    {"mid_rho0", "tests/ref/km_mid_data.txt", "group", NULL},
};

static rd_file ref;
static int setup(void) { return rd_read("tests/ref/logrank_ref.txt", &ref); }
static int teardown(void) { rd_free(&ref); return 0; }

static const rd_table *section(const char *name, const char *part)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s.%s", name, part);
    const rd_table *t = rd_table_get(&ref, buf);
    if (!t) fprintf(stderr, "  missing section [%s]\n", buf);
    return t;
}

static void check_case(const lr_case *lc, rd_tally *tally)
{
    rd_file data;
    CU_ASSERT_FATAL(rd_read(lc->data, &data) == 0);
    const rd_table *d = &data.tab[0];
    const rd_table *gr = section(lc->name, "groups"), *vr = section(lc->name, "var"),
                   *ts = section(lc->name, "test");
    CU_ASSERT_FATAL(gr && vr && ts);
    size_t g = gr->nrow, n = 0;
    double *t = malloc(d->nrow * sizeof *t);
    int *e = malloc(d->nrow * sizeof *e), *grp = malloc(d->nrow * sizeof *grp),
        *st = malloc(d->nrow * sizeof *st);
    for (size_t i = 0; i < d->nrow; i++) {
        double gv = rd_get(d, i, lc->group);
        size_t k = 0;
        while (k < g && rd_get(gr, k, "group") != gv) k++;
        if (k == g) continue; /* missing group value: dropped, as R does */
        t[n] = rd_get(d, i, "time");
        e[n] = rd_get(d, i, "status") == 1;
        grp[n] = (int)k;
        st[n] = lc->strata ? (int)rd_get(d, i, lc->strata) : 0;
        n++;
    }
    lr_result r;
    CU_ASSERT_FATAL(lr_test(t, e, grp, lc->strata ? st : NULL, n, g,
                            rd_get(ts, 0, "rho"), &r) == LR_OK);
    char what[160];
    for (size_t k = 0; k < g; k++) {
        double oe = r.obs[k] - r.exp[k];
        static const char *cols[] = {"n", "obs", "exp", "oe2e", "oe2v"};
        const double got[] = {r.n[k], r.obs[k], r.exp[k], oe * oe / r.exp[k],
                              oe * oe / r.var[k * g + k]};
        for (size_t j = 0; j < 5; j++) {
            snprintf(what, sizeof what, "%s group %zu %s", lc->name, k, cols[j]);
            rd_check(tally, what, got[j], rd_get(gr, k, cols[j]), RTOL, ATOL);
        }
        for (size_t l = 0; l < g; l++) {
            char col[24];
            snprintf(col, sizeof col, "v%zu", l + 1);
            snprintf(what, sizeof what, "%s var[%zu][%zu]", lc->name, k, l);
            rd_check(tally, what, r.var[k * g + l], rd_get(vr, k, col), RTOL, 1e-10);
        }
    }
    snprintf(what, sizeof what, "%s chisq", lc->name);
    rd_check(tally, what, r.chisq, rd_get(ts, 0, "chisq"), RTOL, ATOL);
    snprintf(what, sizeof what, "%s df", lc->name);
    rd_check(tally, what, r.df, rd_get(ts, 0, "df"), 0, 0);
    snprintf(what, sizeof what, "%s p", lc->name);
    rd_check_p(tally, what, r.p, rd_get(ts, 0, "p"), RTOL);
    lr_free(&r);
    free(t);
    free(e);
    free(grp);
    free(st);
    rd_free(&data);
}

static void test_against_r(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rd_tally tally = {0, 0, 0};
        check_case(&cases[i], &tally);
        fprintf(stderr, "  %s: %zu values compared with R, %zu differ (max rel. diff %.1e)\n",
                cases[i].name, tally.checked, tally.failed, tally.maxrel);
        CU_ASSERT(tally.checked >= 13);
        CU_ASSERT_EQUAL(tally.failed, 0);
    }
}

/* One group only: no test (df 0); a group with no events keeps its
 * expected count and enters the test. */
static void test_degenerate(void)
{
    const double t[] = {1, 2, 3, 4, 5, 6};
    const int e[] = {1, 0, 1, 1, 0, 1}, one[] = {0, 0, 0, 0, 0, 0};
    const int two[] = {0, 1, 0, 1, 0, 1};
    const int none[] = {0, 0, 0, 0, 0, 0};
    lr_result r;
    CU_ASSERT_FATAL(lr_test(t, e, one, NULL, 6, 1, 0, &r) == LR_OK);
    CU_ASSERT_EQUAL(r.df, 0);
    CU_ASSERT(isnan(r.p));
    lr_free(&r);
    CU_ASSERT_FATAL(lr_test(t, none, two, NULL, 6, 2, 0, &r) == LR_OK);
    CU_ASSERT_EQUAL(r.df, -1);
    CU_ASSERT(isnan(r.p));
    lr_free(&r);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("logrank", setup, teardown);
    if (!s || !CU_add_test(s, "survdiff parity", test_against_r) ||
        !CU_add_test(s, "degenerate inputs", test_degenerate)) {
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return fails != 0;
}
