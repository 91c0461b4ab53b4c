/* linalg.c: LDL' (generalised Cholesky) decomposition, solve and inverse of
 * small dense symmetric matrices for the bundled plugins, with the
 * singular-column semantics of R survival's cholesky2/chsolve2/chinv2.
 *
 * Storage: row-major n x n.  pc_chol reads the upper triangle (the diagonal
 * and a[i*n+j], j > i) and leaves D on the diagonal and the unit lower
 * factor L below it (a[i*n+j], i > j).  A singular column has D = 0 and
 * its part of L set to zero, so it drops out of solves and inverses. */
#include "linalg.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int pc_chol(double *a, size_t n, double toler)
{
    double big = 0;
    for (size_t i = 0; i < n; i++) {
        if (a[i * n + i] > big) big = a[i * n + i];
        for (size_t j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j];
    }
    double eps = big == 0 ? toler : big * toler;
    int rank = 0, nonneg = 1;
    for (size_t i = 0; i < n; i++) {
        double pivot = a[i * n + i];
        if (!isfinite(pivot) || pivot < eps) {
            if (pivot < -8 * eps) nonneg = 0;
            a[i * n + i] = 0;
            for (size_t j = i + 1; j < n; j++) a[j * n + i] = 0;
            continue;
        }
        rank++;
        for (size_t j = i + 1; j < n; j++) {
            double l = a[j * n + i] / pivot;
            a[j * n + i] = l;
            a[j * n + j] -= l * l * pivot;
            for (size_t k = j + 1; k < n; k++) a[k * n + j] -= l * a[k * n + i];
        }
    }
    return nonneg ? rank : -1;
}

void pc_chol_solve(const double *a, size_t n, double *b)
{
    /* L y = b */
    for (size_t i = 0; i < n; i++) {
        double s = b[i];
        for (size_t j = 0; j < i; j++) s -= a[i * n + j] * b[j];
        b[i] = s;
    }
    /* D L' x = y */
    for (size_t i = n; i-- > 0;) {
        double d = a[i * n + i];
        if (d == 0) {
            b[i] = 0;
            continue;
        }
        double s = b[i] / d;
        for (size_t j = i + 1; j < n; j++) s -= a[j * n + i] * b[j];
        b[i] = s;
    }
}

void pc_chol_inv(double *a, size_t n)
{
    /* M = L^{-1} in place (unit lower triangular), column by column from
     * the right: M[i][j] = -(L[i][j] + sum_{j<k<i} L[i][k] M[k][j]). */
    for (size_t j = 0; j < n; j++) {
        for (size_t i = j + 1; i < n; i++) {
            double s = a[i * n + j];
            for (size_t k = j + 1; k < i; k++) s += a[i * n + k] * a[k * n + j];
            a[i * n + j] = -s;
        }
    }
    /* D^{-1} on the diagonal (0 for singular columns) */
    for (size_t i = 0; i < n; i++)
        if (a[i * n + i] != 0) a[i * n + i] = 1 / a[i * n + i];
    /* inverse = M' D^{-1} M: element (i, j), j >= i, uses M rows k >= j
     * and D^{-1}[k] for k >= j; row i is finished before column i of M is
     * overwritten by the lower half of the result. */
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i; j < n; j++) {
            double s = a[j * n + j] * (j == i ? 1 : a[j * n + i]);
            for (size_t k = j + 1; k < n; k++) s += a[k * n + i] * a[k * n + k] * a[k * n + j];
            /* (i == j uses M[i][i] = 1) */
            a[i * n + j] = s;
        }
        for (size_t j = i + 1; j < n; j++) a[j * n + i] = a[i * n + j];
    }
}

double pc_quad_inv(const double *v, size_t n, const double *b, double toler, int *rank)
{
    double *a = malloc((n * n + 1) * sizeof *a), *s = malloc((n + 1) * sizeof *s);
    if (!a || !s) {
        free(a);
        free(s);
        if (rank) *rank = 0;
        return NAN;
    }
    memcpy(a, v, n * n * sizeof *a);
    memcpy(s, b, n * sizeof *s);
    int r = pc_chol(a, n, toler);
    pc_chol_solve(a, n, s);
    double q = 0;
    for (size_t i = 0; i < n; i++) q += s[i] * b[i];
    if (rank) *rank = r;
    free(a);
    free(s);
    return q;
}
