/* smd.c: standardised mean differences (continuous, binary and the
 * Mahalanobis form for multi-level categorical variables). */
#include "smd.h"
#include <math.h>
#include <stdlib.h>

double t1_smd_cont(double m1, double s1, double m2, double s2)
{
    double den = sqrt((s1 * s1 + s2 * s2) / 2);
    if (!(den > 0) || !isfinite(den) || !isfinite(m1) || !isfinite(m2)) return NAN;
    return fabs(m1 - m2) / den;
}

/* d' S^- d for a symmetric non-negative definite n x n matrix s (row-major,
 * overwritten): LDL' decomposition where a pivot below 1e-10 times the
 * largest diagonal marks the column as without variation (dropped). */
static double smd_quadform(double *s, const double *d, double *y, size_t n)
{
    double big = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i * n + i] > big) big = s[i * n + i];
    double tol = 1e-10 * big;
    /* s becomes L (below the diagonal, unit diagonal implied) and D */
    for (size_t j = 0; j < n; j++) {
        double piv = s[j * n + j];
        if (!(piv > tol)) {
            for (size_t i = j; i < n; i++) s[i * n + j] = 0;
            s[j * n + j] = 0;
            continue;
        }
        for (size_t i = j + 1; i < n; i++)
            for (size_t l = j + 1; l <= i; l++) s[i * n + l] -= s[i * n + j] * s[l * n + j] / piv;
        for (size_t i = j + 1; i < n; i++) s[i * n + j] /= piv;
    }
    /* d' S^- d = sum_j (L^-1 d)_j^2 / D_j over the kept columns */
    double q = 0;
    for (size_t i = 0; i < n; i++) {
        double v = d[i];
        for (size_t l = 0; l < i; l++) v -= s[i * n + l] * y[l];
        y[i] = s[i * n + i] > 0 ? v : 0;
        if (s[i * n + i] > 0) q += v * v / s[i * n + i];
    }
    return q;
}

double t1_smd_cat(const double *p1, const double *p2, size_t k)
{
    if (k < 2) return 0;
    size_t n = k - 1;
    double *s = malloc(n * n * sizeof *s), *d = malloc(n * sizeof *d), *y = malloc(n * sizeof *y);
    if (!s || !d || !y) {
        free(s);
        free(d);
        free(y);
        return NAN;
    }
    for (size_t i = 0; i < n; i++) {
        const double a = p1[i + 1], b = p2[i + 1];
        d[i] = a - b;
        for (size_t j = 0; j < n; j++)
            s[i * n + j] = i == j ? (a * (1 - a) + b * (1 - b)) / 2
                                  : -(a * p1[j + 1] + b * p2[j + 1]) / 2;
    }
    double q = smd_quadform(s, d, y, n);
    free(s);
    free(d);
    free(y);
    return sqrt(q > 0 ? q : 0);
}

double t1_smd_cont_groups(const double *mean, const double *sd, size_t ng)
{
    double sum = 0;
    size_t np = 0;
    for (size_t a = 0; a < ng; a++)
        for (size_t b = a + 1; b < ng; b++) {
            double v = t1_smd_cont(mean[a], sd[a], mean[b], sd[b]);
            if (isnan(v)) return NAN;
            sum += v;
            np++;
        }
    return np ? sum / (double)np : NAN;
}

double t1_smd_cat_groups(const double *prop, size_t ng, size_t k)
{
    double sum = 0;
    size_t np = 0;
    for (size_t a = 0; a < ng; a++)
        for (size_t b = a + 1; b < ng; b++) {
            double v = t1_smd_cat(prop + a * k, prop + b * k, k);
            if (isnan(v)) return NAN;
            sum += v;
            np++;
        }
    return np ? sum / (double)np : NAN;
}
