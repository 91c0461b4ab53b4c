/* test_linalg.c: the LDL' routines of plugins/common/linalg.c: solve and
 * inverse of positive definite matrices, survival-style handling of
 * singular columns (rank, zeroed rows/columns, generalised inverse), an
 * indefinite matrix, and the quadratic form b' V^- b. */
#include "../../plugins/common/linalg.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <string.h>

/* a = X'X for a fixed 12 x 4 X whose column 2 is col0 + 2 col1 when
 * collinear is set */
static void gram(double *a, int collinear)
{
    double x[12][4];
    for (int i = 0; i < 12; i++) {
        x[i][0] = sin(i + 1.0);
        x[i][1] = cos(2.0 * i) + 0.1 * i;
        x[i][2] = collinear ? x[i][0] + 2 * x[i][1] : (i % 3) - 1.0;
        x[i][3] = 1.0 / (i + 2.0);
    }
    for (int j = 0; j < 4; j++)
        for (int k = 0; k < 4; k++) {
            double s = 0;
            for (int i = 0; i < 12; i++) s += x[i][j] * x[i][k];
            a[j * 4 + k] = s;
        }
}

static void test_full_rank(void)
{
    double a[16], d[16], inv[16], b[4] = {1, -2, 0.5, 3}, y[4];
    gram(a, 0);
    memcpy(d, a, sizeof a);
    CU_ASSERT_EQUAL(pc_chol(d, 4, 1e-12), 4);
    memcpy(y, b, sizeof b);
    pc_chol_solve(d, 4, y);
    for (int i = 0; i < 4; i++) {
        double s = 0;
        for (int k = 0; k < 4; k++) s += a[i * 4 + k] * y[k];
        CU_ASSERT_DOUBLE_EQUAL(s, b[i], 1e-10);
    }
    memcpy(inv, d, sizeof d);
    pc_chol_inv(inv, 4);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double s = 0;
            for (int k = 0; k < 4; k++) s += a[i * 4 + k] * inv[k * 4 + j];
            CU_ASSERT_DOUBLE_EQUAL(s, i == j ? 1.0 : 0.0, 1e-9);
            CU_ASSERT_EQUAL(inv[i * 4 + j], inv[j * 4 + i]);
        }
    int rank;
    double q = pc_quad_inv(a, 4, b, 1e-12, &rank);
    CU_ASSERT_EQUAL(rank, 4);
    double q2 = 0;
    for (int i = 0; i < 4; i++) q2 += b[i] * y[i];
    CU_ASSERT_DOUBLE_EQUAL(q, q2, 1e-9 * fabs(q2));
}

static void test_singular(void)
{
    double a[16], d[16];
    gram(a, 1);
    memcpy(d, a, sizeof a);
    CU_ASSERT_EQUAL(pc_chol(d, 4, 1e-9), 3);
    CU_ASSERT_EQUAL(d[2 * 4 + 2], 0); /* the collinear column */
    pc_chol_inv(d, 4);
    for (int k = 0; k < 4; k++) {
        CU_ASSERT_EQUAL(d[2 * 4 + k], 0);
        CU_ASSERT_EQUAL(d[k * 4 + 2], 0);
    }
    /* generalised inverse: A G A = A */
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            double s = 0;
            for (int k = 0; k < 4; k++)
                for (int l = 0; l < 4; l++) s += a[i * 4 + k] * d[k * 4 + l] * a[l * 4 + j];
            CU_ASSERT_DOUBLE_EQUAL(s, a[i * 4 + j], 1e-8 * (1 + fabs(a[i * 4 + j])));
        }
}

static void test_indefinite(void)
{
    double a[4] = {1, 2, 2, 1};
    CU_ASSERT_EQUAL(pc_chol(a, 2, 1e-9), -1);
    double z[4] = {0, 0, 0, 0}, b[2] = {1, 1};
    CU_ASSERT_EQUAL(pc_chol(z, 2, 1e-9), 0);
    pc_chol_solve(z, 2, b);
    CU_ASSERT_EQUAL(b[0], 0);
    CU_ASSERT_EQUAL(b[1], 0);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("linalg", NULL, NULL);
    CU_add_test(s, "full rank: solve, inverse, quadratic form", test_full_rank);
    CU_add_test(s, "singular column", test_singular);
    CU_add_test(s, "indefinite and zero matrices", test_indefinite);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures();
    CU_cleanup_registry();
    return fails != 0;
}
