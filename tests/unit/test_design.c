/* test_design.c: the design matrix of formula terms (plugins/common/
 * design.c): numeric terms as they are, TEXT/BOOL factors with treatment
 * contrasts against the reference level (given or first), R-style column
 * names, levels taken from the rows used only, term selection, errors;
 * the shared check of factor levels (fitcheck.c). */
#include "../../plugins/common/design.h"
#include "../../plugins/common/fitcheck.h"
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
    CU_ASSERT_STRING_EQUAL(err, "her2 takes one value only (low) in the 2 rows used: its effect cannot be "
                                "estimated");
    /* a constant numeric term */
    double k[N] = {3, 3, 3, 3, 3, 3};
    cohort_term c = num_term("dose", k);
    CU_ASSERT_EQUAL(pc_design_make(&c, 1, N, NULL, &d, err, sizeof err), -1);
    CU_ASSERT_STRING_EQUAL(err, "dose takes one value only (3) in the 6 rows used: its effect cannot be "
                                "estimated");
}

/* The shared unfittable-model rule (plugins/common/fitcheck.c): every
 * level of a factor term, the reference included, needs an event (survival
 * models) or both outcomes (logistic); host NULL checks silently. */
static void test_levels(void)
{
    cohort_term t[2] = {num_term("age", age), num_term("her2", NULL)};
    t[1].vec.type = COHORT_TYPE_TEXT;
    t[1].vec.text = her2;
    t[1].ref = "low";
    /* rows 0-4: levels positive, low, negative, low, positive */
    unsigned char use[N] = {1, 1, 1, 1, 1, 0};
    pc_design d;
    char err[256];
    CU_ASSERT_EQUAL_FATAL(pc_design_make(t, 2, N, use, &d, err, sizeof err), 0);
    /* an event in every level */
    const int ev_all[5] = {1, 1, 1, 0, 0};
    CU_ASSERT_EQUAL(pc_fit_levels(NULL, NULL, &d, ev_all, 1, PC_FIT_EVENTS, "os", "HR"), 0);
    /* none in negative (a level with a column) */
    const int ev_neg[5] = {1, 1, 0, 0, 0};
    CU_ASSERT_EQUAL(pc_fit_levels(NULL, NULL, &d, ev_neg, 1, PC_FIT_EVENTS, "os", "HR"), 1);
    /* none in the reference level low (rows 1 and 3) */
    const int ev_ref[5] = {1, 0, 1, 0, 0};
    CU_ASSERT_EQUAL(pc_fit_levels(NULL, NULL, &d, ev_ref, 1, PC_FIT_EVENTS, "os", "HR"), 1);
    /* no events at all: left to the estimator's own message */
    const int ev_none[5] = {0, 0, 0, 0, 0};
    CU_ASSERT_EQUAL(pc_fit_levels(NULL, NULL, &d, ev_none, 1, PC_FIT_EVENTS, "os", "HR"), 0);
    /* logistic: positive (rows 0, 4) has both outcomes, low (1, 3) both,
     * negative (row 2) one only: separation */
    const int y_sep[5] = {1, 1, 0, 0, 0};
    CU_ASSERT_EQUAL(pc_fit_levels(NULL, NULL, &d, y_sep, 1, PC_FIT_BOTH, "y", "odds ratio"), 1);
    /* ev_all passes the events rule but not the logistic one: negative has
     * one row, so one outcome only */
    CU_ASSERT_EQUAL(pc_fit_levels(NULL, NULL, &d, ev_all, 1, PC_FIT_BOTH, "y", "odds ratio"), 1);
    /* the outcome coded 2 (e.g. a competing cause) is not an event */
    const int st[5] = {1, 2, 1, 1, 0};
    CU_ASSERT_EQUAL(pc_fit_levels(NULL, NULL, &d, st, 1, PC_FIT_EVENTS, "rn", "sHR"), 0);
    const int st2[5] = {1, 2, 1, 2, 0};
    CU_ASSERT_EQUAL(pc_fit_levels(NULL, NULL, &d, st2, 1, PC_FIT_EVENTS, "rn", "sHR"), 1);
    pc_design_free(&d);
    /* the message of each role */
    pc_fit_one_value_text(err, sizeof err, PC_FIT_STRATA, "center", "E", 40);
    CU_ASSERT_STRING_EQUAL(err, "strata center takes one value only (E) in the 40 rows used: nothing to "
                                "stratify by");
    pc_fit_one_value_text(err, sizeof err, PC_FIT_BY, "tdxd", NULL, 0);
    CU_ASSERT_STRING_EQUAL(err, "by tdxd has no values in the 0 rows used: nothing to compare");
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("design", NULL, NULL);
    CU_add_test(s, "coding and names", test_coding);
    CU_add_test(s, "default reference level", test_default_ref);
    CU_add_test(s, "levels without events or with one outcome", test_levels);
    CU_add_test(s, "errors", test_errors);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures();
    CU_cleanup_registry();
    return fails != 0;
}
