/* test_design.c: the design matrix of formula terms (plugins/common/
 * design.c): numeric terms as they are, TEXT/BOOL factors with treatment
 * contrasts against the reference level (given or first), R-style column
 * names, levels taken from the rows used only, term selection, errors. */
#include "../../plugins/common/design.h"
#include <CUnit/Basic.h>
#include <stdlib.h>
#include <string.h>

enum { N = 6 };
static const double age[N] = {50, 61, 72, 45, 58, 66};
static const char *const her2[N] = {"positive", "low", "negative", "low", "positive", "zero"};
static const double tdxd[N] = {1, 0, 1, 1, 0, 0};
static const unsigned char none[N] = {0};

static cohort_term num_term(const char *name, const double *v)
{
    cohort_term t;
    memset(&t, 0, sizeof t);
    t.vec.name = name;
    t.vec.type = COHORT_TYPE_REAL;
    t.vec.n = N;
    t.vec.num = v;
    t.vec.missing = none;
    return t;
}

static void test_coding(void)
{
    cohort_term t[3] = {num_term("age", age), num_term("her2", NULL), num_term("tdxd", tdxd)};
    t[1].vec.type = COHORT_TYPE_TEXT;
    t[1].vec.text = her2;
    t[1].ref = "negative";
    t[2].vec.type = COHORT_TYPE_BOOL;
    /* row 5 ("zero") not used: the level must not appear */
    unsigned char use[N] = {1, 1, 1, 1, 1, 0};
    pc_design d;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(pc_design_make(t, 3, N, use, &d, err, sizeof err), 0);
    CU_ASSERT_EQUAL(d.n, 5);
    CU_ASSERT_EQUAL_FATAL(d.p, 4);
    CU_ASSERT_STRING_EQUAL(d.names[0], "age");
    CU_ASSERT_STRING_EQUAL(d.names[1], "her2low");
    CU_ASSERT_STRING_EQUAL(d.names[2], "her2positive");
    CU_ASSERT_STRING_EQUAL(d.names[3], "tdxdtrue");
    CU_ASSERT_PTR_NULL(d.level[0]);
    CU_ASSERT_STRING_EQUAL(d.level[1], "low");
    CU_ASSERT_STRING_EQUAL(d.term_ref[1], "negative");
    CU_ASSERT_STRING_EQUAL(d.term_ref[2], "false");
    CU_ASSERT_STRING_EQUAL(d.term_name[1], "her2");
    CU_ASSERT_EQUAL(d.term[2], 1);
    CU_ASSERT_EQUAL(d.term[3], 2);
    /* row 2 (negative, tdxd true): 72 0 0 1; row 1 (low): 61 1 0 0 */
    const double r2[4] = {72, 0, 0, 1}, r1[4] = {61, 1, 0, 0};
    for (int j = 0; j < 4; j++) {
        CU_ASSERT_EQUAL(d.x[2 * 4 + j], r2[j]);
        CU_ASSERT_EQUAL(d.x[1 * 4 + j], r1[j]);
    }
    /* selection keeps whole terms */
    unsigned char keep[3] = {0, 1, 0};
    pc_design s;
    CU_ASSERT_EQUAL_FATAL(pc_design_select(&d, keep, &s), 0);
    CU_ASSERT_EQUAL(s.p, 2);
    CU_ASSERT_STRING_EQUAL(s.names[1], "her2positive");
    CU_ASSERT_EQUAL(s.x[0 * 2 + 1], 1);
    double *c = pc_design_column(&d, 0);
    CU_ASSERT_EQUAL(c[4], 58);
    free(c);
    pc_design_free(&s);
    pc_design_free(&d);
}

static void test_default_ref(void)
{
    cohort_term t = num_term("her2", NULL);
    t.vec.type = COHORT_TYPE_TEXT;
    t.vec.text = her2;
    pc_design d;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(pc_design_make(&t, 1, N, NULL, &d, err, sizeof err), 0);
    /* levels sorted: low negative positive zero; first is the reference */
    CU_ASSERT_EQUAL(d.p, 3);
    CU_ASSERT_STRING_EQUAL(d.term_ref[0], "low");
    CU_ASSERT_STRING_EQUAL(d.names[0], "her2negative");
    pc_design_free(&d);
}

static void test_errors(void)
{
    pc_design d;
    char err[256];
    cohort_term t = num_term("her2", NULL);
    t.vec.type = COHORT_TYPE_TEXT;
    t.vec.text = her2;
    t.ref = "unknown";
    CU_ASSERT_EQUAL(pc_design_make(&t, 1, N, NULL, &d, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown"));
    /* one level among the rows used */
    unsigned char use[N] = {0, 1, 0, 1, 0, 0};
    t.ref = NULL;
    CU_ASSERT_EQUAL(pc_design_make(&t, 1, N, use, &d, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "one value"));
    /* a constant numeric term */
    double k[N] = {3, 3, 3, 3, 3, 3};
    cohort_term c = num_term("dose", k);
    CU_ASSERT_EQUAL(pc_design_make(&c, 1, N, NULL, &d, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "constant"));
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("design", NULL, NULL);
    CU_add_test(s, "coding and names", test_coding);
    CU_add_test(s, "default reference level", test_default_ref);
    CU_add_test(s, "errors", test_errors);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures();
    CU_cleanup_registry();
    return fails != 0;
}
