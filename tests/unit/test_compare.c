/* test_compare.c: the compare plugin's core (plugins/compare/cmpcore.c)
 * against R (tests/ref/compare_ref.txt, written by tests/R/compare.R):
 * group counts, cumulative incidence and its variance per group at given
 * times (cmprsk::cuminc/timepoints, missing after a group's last
 * follow-up), Gray's test, and the univariable Fine-Gray sHR with its Wald
 * interval and p (cmprsk::crr); a group without events gives no sHR. */
#include "../../plugins/compare/cmpcore.h"
#include "refdata.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RTOL 1e-6
#define RTOL_FG 1e-5
#define ATOL 1e-12

typedef struct cmp_case {
    const char *name, *data, *column;
    double value;        /* exposed = (column == value) */
    int drop_cause1;     /* set status 1 to 0 among the exposed (no events there) */
    double level;
} cmp_case;

static const cmp_case cases[] = {
    {"mgus2_sex", "tests/ref/cif_mgus2_data.txt", "sex", 1, 0, 0.95},
    {"mgus2_old", "tests/ref/cif_mgus2_data.txt", "old", 1, 0, 0.9},
    {"sim_g2", "tests/ref/cif_sim_data.txt", "group", 2, 0, 0.95},
    {"noev_g2", "tests/ref/cif_sim_data.txt", "group", 2, 1, 0.95},
};

static rd_file ref;
static int setup(void) { return rd_read("tests/ref/compare_ref.txt", &ref); }
static int teardown(void) { rd_free(&ref); return 0; }

static const rd_table *section(const char *name, const char *part)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s_%s", name, part);
    return rd_table_get(&ref, buf);
}

static void check_case(const cmp_case *cc, rd_tally *tally)
{
    rd_file data;
    CU_ASSERT_FATAL(rd_read(cc->data, &data) == 0);
    const rd_table *d = &data.tab[0];
    const rd_table *counts = section(cc->name, "counts"), *cif = section(cc->name, "cif"),
                   *test = section(cc->name, "test");
    CU_ASSERT_FATAL(counts && cif && test);
    size_t n = d->nrow;
    double *time = malloc(n * sizeof *time);
    int *status = malloc(n * sizeof *status), *ex = malloc(n * sizeof *ex);
    CU_ASSERT_FATAL(time && status && ex);
    for (size_t i = 0; i < n; i++) {
        time[i] = rd_get(d, i, "time");
        status[i] = (int)rd_get(d, i, "status");
        ex[i] = rd_get(d, i, cc->column) == cc->value;
        if (cc->drop_cause1 && ex[i] && status[i] == 1) status[i] = 0;
    }
    /* the times of group 0's rows in the cif section */
    size_t nat = 0;
    double at[64];
    for (size_t r = 0; r < cif->nrow && nat < 64; r++)
        if (rd_get(cif, r, "group") == 0) at[nat++] = rd_get(cif, r, "time");
    cmp_row row;
    CU_ASSERT_FATAL(cmp_compute(time, status, ex, n, at, nat, cc->level, &row) == CMP_OK);
    char what[160];
    for (int g = 0; g < 2; g++) {
        snprintf(what, sizeof what, "%s n[%d]", cc->name, g);
        rd_check(tally, what, (double)row.n[g], rd_get(counts, (size_t)g, "n"), 0, 0);
        snprintf(what, sizeof what, "%s events[%d]", cc->name, g);
        rd_check(tally, what, (double)row.events[g], rd_get(counts, (size_t)g, "events"), 0, 0);
        snprintf(what, sizeof what, "%s competing[%d]", cc->name, g);
        rd_check(tally, what, (double)row.competing[g], rd_get(counts, (size_t)g, "competing"), 0, 0);
    }
    for (size_t r = 0; r < cif->nrow; r++) {
        int g = (int)rd_get(cif, r, "group");
        size_t k = r % nat;
        snprintf(what, sizeof what, "%s cif[%d] at %g", cc->name, g, at[k]);
        rd_check(tally, what, row.cif[g][k], rd_get(cif, r, "est"), RTOL, ATOL);
        snprintf(what, sizeof what, "%s var[%d] at %g", cc->name, g, at[k]);
        rd_check(tally, what, row.var[g][k], rd_get(cif, r, "var"), RTOL, ATOL);
        snprintf(what, sizeof what, "%s lower[%d] at %g", cc->name, g, at[k]);
        rd_check(tally, what, row.cif_lower[g][k], rd_get(cif, r, "lower"), RTOL, ATOL);
        snprintf(what, sizeof what, "%s upper[%d] at %g", cc->name, g, at[k]);
        rd_check(tally, what, row.cif_upper[g][k], rd_get(cif, r, "upper"), RTOL, ATOL);
        snprintf(what, sizeof what, "%s nby[%d] at %g", cc->name, g, at[k]);
        rd_check(tally, what, (double)row.nby[g][k], rd_get(cif, r, "nby"), 0, 0);
    }
    CU_ASSERT(row.gray_ok);
    rd_check(tally, "gray stat", row.gray_stat, rd_get(test, 0, "gray_stat"), RTOL, 0);
    rd_check_p(tally, "gray p", row.gray_p, rd_get(test, 0, "gray_p"), RTOL);
    double want_coef = rd_get(test, 0, "coef");
    if (isnan(want_coef)) {
        CU_ASSERT_EQUAL(row.fit, CMP_FIT_NO_EVENTS);
        CU_ASSERT(isnan(row.shr) && isnan(row.lower) && isnan(row.upper) && isnan(row.p));
    } else {
        CU_ASSERT_EQUAL(row.fit, CMP_FIT_OK);
        static const char *const keys[] = {"coef", "se", "shr", "lower", "upper"};
        const double got[] = {row.coef, row.se, row.shr, row.lower, row.upper};
        for (size_t k = 0; k < 5; k++) {
            snprintf(what, sizeof what, "%s %s", cc->name, keys[k]);
            rd_check(tally, what, got[k], rd_get(test, 0, keys[k]), RTOL_FG, 0);
        }
        snprintf(what, sizeof what, "%s p", cc->name);
        rd_check_p(tally, what, row.p, rd_get(test, 0, "p"), RTOL_FG);
    }
    cmp_row_free(&row);
    free(time);
    free(status);
    free(ex);
    rd_free(&data);
}

static void test_against_r(void)
{
    rd_tally tally = {0};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) check_case(&cases[c], &tally);
    CU_ASSERT(tally.checked > 100);
    CU_ASSERT_EQUAL(tally.failed, 0);
}

/* Edge cases R does not cover: an empty group, no rows at all; the event
 * counts up to each time. */
static void test_empty_group(void)
{
    double time[] = {1, 2, 3, 4, 5};
    int status[] = {1, 0, 2, 1, 0}, ex[] = {0, 0, 0, 0, 0};
    double at[] = {2.5, 10};
    cmp_row r;
    CU_ASSERT_FATAL(cmp_compute(time, status, ex, 5, at, 2, 0.95, &r) == CMP_OK);
    CU_ASSERT_EQUAL(r.n[0], 5);
    CU_ASSERT_EQUAL(r.n[1], 0);
    CU_ASSERT_EQUAL(r.events[0], 2);
    CU_ASSERT_EQUAL(r.competing[0], 1);
    CU_ASSERT_EQUAL(r.fit, CMP_FIT_EMPTY_GROUP);
    CU_ASSERT(!r.gray_ok);
    CU_ASSERT(fabs(r.cif[0][0] - 0.2) < 1e-12);   /* one of five by time 2.5 */
    CU_ASSERT(isnan(r.cif[0][1]));                 /* after the last follow-up */
    CU_ASSERT(isnan(r.cif[1][0]) && isnan(r.cif[1][1]));
    CU_ASSERT_EQUAL(r.nby[0][0], 1);               /* events at or before 2.5 */
    CU_ASSERT_EQUAL(r.nby[0][1], 2);               /* ... and 10 */
    CU_ASSERT_EQUAL(r.nby[1][0] + r.nby[1][1], 0);
    cmp_row_free(&r);
    CU_ASSERT_FATAL(cmp_compute(time, status, ex, 0, at, 2, 0.95, &r) == CMP_OK);
    CU_ASSERT_EQUAL(r.n[0] + r.n[1], 0);
    CU_ASSERT_EQUAL(r.fit, CMP_FIT_EMPTY_GROUP);
    cmp_row_free(&r);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("compare", setup, teardown);
    if (!s || !CU_add_test(s, "cmpcore against R cuminc and crr", test_against_r) ||
        !CU_add_test(s, "empty group", test_empty_group)) {
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failed != 0;
}
