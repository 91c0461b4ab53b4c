/* zphsmooth.c: plot.cox.zph's smooth and time axis (see zphsmooth.h),
 * following R survival 3.5's plot.cox.zph and splines::ns: the cubic
 * B-spline basis of the knots, restricted to the functions with second
 * derivative 0 at both boundary knots (the null space of that constraint,
 * from a Householder QR), fitted by least squares (another QR).  The fit
 * and its standard error do not depend on which basis of that space is
 * used, so the numbers are R's although the basis may differ in sign. */
#include "zphsmooth.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NKNOT 10   /* 4 + 2 interior + 4 */
#define NB 6       /* cubic B-splines of those knots */
#define QR_TOL 1e-7  /* R's qr() tolerance for a rank-deficient column */

/* Householder QR in place of the m x k column-major matrix a (m >= k): R
 * in its upper triangle, reflector j (I - beta[j] v v', v = column j of
 * vs) zero above row j.  Returns the number of columns whose remaining
 * norm is at least QR_TOL times their original norm (k: full rank). */
static size_t qr_house(double *a, size_t m, size_t k, double *vs, double *beta)
{
    size_t rank = 0;
    for (size_t j = 0; j < k; j++) {
        double *c = a + j * m, *v = vs + j * m, orig = 0, nrm = 0;
        for (size_t i = 0; i < m; i++) orig += c[i] * c[i];
        for (size_t i = j; i < m; i++) nrm += c[i] * c[i];
        orig = sqrt(orig);
        nrm = sqrt(nrm);
        memset(v, 0, m * sizeof *v);
        beta[j] = 0;
        if (nrm > 0 && nrm >= QR_TOL * orig) rank++;
        if (nrm == 0) continue;
        double alpha = c[j] >= 0 ? -nrm : nrm, vtv = 0;
        for (size_t i = j; i < m; i++) v[i] = c[i];
        v[j] -= alpha;
        for (size_t i = j; i < m; i++) vtv += v[i] * v[i];
        beta[j] = 2 / vtv;
        for (size_t l = j; l < k; l++) {
            double *cl = a + l * m, s = 0;
            for (size_t i = j; i < m; i++) s += v[i] * cl[i];
            for (size_t i = j; i < m; i++) cl[i] -= beta[j] * s * v[i];
        }
    }
    return rank;
}

/* y = H_j y for the reflectors j in order (Q' y) or reversed (Q y). */
static void qr_apply(const double *vs, const double *beta, size_t m, size_t k, double *y, int transpose)
{
    for (size_t jj = 0; jj < k; jj++) {
        size_t j = transpose ? jj : k - 1 - jj;
        const double *v = vs + j * m;
        double s = 0;
        for (size_t i = j; i < m; i++) s += v[i] * y[i];
        for (size_t i = j; i < m; i++) y[i] -= beta[j] * s * v[i];
    }
}

/* a / b, 0 when b is 0 (B-spline recursions over repeated knots) */
static double ratio(double a, double b)
{
    return b > 0 ? a / b : 0;
}

/* The 6 cubic B-splines of knots t at x (t[3] <= x <= t[6]) and their
 * second derivatives, as splineDesign: at the right boundary the limit
 * from the left. */
static void bspline(const double *t, double x, double *b, double *d2)
{
    double N[5][NKNOT] = {{0}};
    size_t span = 3;
    for (size_t i = 3; i <= 5; i++)
        if (t[i] < t[i + 1] && t[i] <= x) span = i;
    N[1][span] = 1;
    for (size_t k = 2; k <= 4; k++)
        for (size_t i = 0; i + k < NKNOT; i++)
            N[k][i] = ratio(x - t[i], t[i + k - 1] - t[i]) * N[k - 1][i] +
                      ratio(t[i + k] - x, t[i + k] - t[i + 1]) * N[k - 1][i + 1];
    double d3[NKNOT] = {0};   /* first derivatives of the quadratic B-splines */
    for (size_t i = 0; i + 3 < NKNOT; i++)
        d3[i] = 2 * (ratio(N[2][i], t[i + 2] - t[i]) - ratio(N[2][i + 1], t[i + 3] - t[i + 1]));
    for (size_t i = 0; i < NB; i++) {
        b[i] = N[4][i];
        d2[i] = 3 * (ratio(d3[i], t[i + 3] - t[i]) - ratio(d3[i + 1], t[i + 4] - t[i + 1]));
    }
}

/* R's quantile(v, p) (type 7) of the sorted n values v. */
static double quantile7(const double *v, size_t n, double p)
{
    double index = (double)(n - 1) * p;   /* 0-based */
    size_t lo = (size_t)floor(index), hi = (size_t)ceil(index);
    double q = v[lo];
    if (index > (double)lo && v[hi] != q) {
        double h = index - (double)lo;
        q = (1 - h) * q + h * v[hi];
    }
    return q;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int zph_smooth_fit(size_t n, const double *x, const double *y, double var, zph_smooth *s)
{
    if (n == 0) return -2;
    size_t nt = n + ZPH_NSMO, m = 0;
    double lo = x[0], hi = x[0];
    for (size_t i = 1; i < n; i++) {
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
    }
    if (!(hi > lo)) return -2;
    /* pred.x: seq(min, max, length = nsmo) */
    double by = (hi - lo) / (ZPH_NSMO - 1);
    for (size_t j = 0; j < ZPH_NSMO; j++) s->x[j] = j + 1 == ZPH_NSMO ? hi : lo + (double)j * by;
    for (size_t i = 0; i < n; i++) m += !isnan(y[i]);
    double *all = malloc(nt * sizeof *all), *X = malloc((m * ZPH_DF + 1) * sizeof *X);
    double *vs = malloc((m * ZPH_DF + 1) * sizeof *vs), *yy = malloc((m + 1) * sizeof *yy);
    int rc = -1;
    if (!all || !X || !vs || !yy) goto out;
    /* the knots: ns(c(pred.x, x), df = 4, intercept = TRUE) */
    memcpy(all, s->x, ZPH_NSMO * sizeof *all);
    memcpy(all + ZPH_NSMO, x, n * sizeof *all);
    qsort(all, nt, sizeof *all, cmp_double);
    double third = 1.0 / 3;
    double t[NKNOT] = {lo, lo, lo, lo, quantile7(all, nt, third), quantile7(all, nt, 2 * third),
                       hi, hi, hi, hi};
    /* the natural splines: the null space of the second derivatives at
     * the boundary knots (the last 4 columns of Q in C' = QR) */
    double C[NB * 2], cv[NB * 2], cb[2], Z[NB * ZPH_DF], b[NB], d2[NB];
    bspline(t, lo, b, C);
    bspline(t, hi, b, C + NB);
    qr_house(C, NB, 2, cv, cb);
    for (size_t c = 0; c < ZPH_DF; c++) {
        double *z = Z + c * NB;
        memset(z, 0, NB * sizeof *z);
        z[c + 2] = 1;
        qr_apply(cv, cb, NB, 2, z, 0);
    }
    /* the design of the residuals kept, and the fit */
    for (size_t i = 0, r = 0; i < n; i++) {
        if (isnan(y[i])) continue;
        bspline(t, x[i], b, d2);
        for (size_t c = 0; c < ZPH_DF; c++) {
            double v = 0;
            for (size_t k = 0; k < NB; k++) v += b[k] * Z[c * NB + k];
            X[c * m + r] = v;
        }
        yy[r++] = y[i];
    }
    double beta[ZPH_DF], coef[ZPH_DF];
    rc = -2;
    if (m < ZPH_DF || qr_house(X, m, ZPH_DF, vs, beta) < ZPH_DF) goto out;
    qr_apply(vs, beta, m, ZPH_DF, yy, 1);
    for (size_t c = ZPH_DF; c-- > 0;) {
        double v = yy[c];
        for (size_t l = c + 1; l < ZPH_DF; l++) v -= X[l * m + c] * coef[l];
        coef[c] = v / X[c * m + c];
    }
    /* at pred.x: the fit, and its variance p' (X'X)^-1 p = |R^-T p|^2 */
    for (size_t j = 0; j < ZPH_NSMO; j++) {
        double p[ZPH_DF], w[ZPH_DF], f = 0, se = 0;
        bspline(t, s->x[j], b, d2);
        for (size_t c = 0; c < ZPH_DF; c++) {
            p[c] = 0;
            for (size_t k = 0; k < NB; k++) p[c] += b[k] * Z[c * NB + k];
            f += p[c] * coef[c];
        }
        for (size_t c = 0; c < ZPH_DF; c++) {
            double v = p[c];
            for (size_t l = 0; l < c; l++) v -= X[c * m + l] * w[l];
            w[c] = v / X[c * m + c];
            se += w[c] * w[c];
        }
        double half = 2 * sqrt(var * se);
        s->fit[j] = f;
        s->lower[j] = f - half;
        s->upper[j] = f + half;
    }
    rc = 0;
out:
    free(all);
    free(X);
    free(vs);
    free(yy);
    return rc;
}

double zph_signif(double v, int digits)
{
    if (v == 0 || !isfinite(v)) return v;
    double sgn = v < 0 ? -1 : 1, a = fabs(v);
    int e10 = digits - 1 - (int)floor(log10(a));
    double p10 = 1;
    for (int i = 0; i < abs(e10); i++) p10 *= 10;
    return e10 > 0 ? sgn * (nearbyint(a * p10) / p10) : sgn * (nearbyint(a / p10) * p10);
}

/* R's approx(xs, ys, v) over n points sorted by xs: NAN outside. */
static double approx1(const double *xs, const double *ys, size_t n, double v)
{
    if (n == 0 || v < xs[0] || v > xs[n - 1]) return NAN;
    size_t i = 0, j = n - 1;
    while (i + 1 < j) {
        size_t ij = (i + j) / 2;
        if (v < xs[ij]) j = ij;
        else i = ij;
    }
    if (v == xs[j]) return ys[j];
    if (v == xs[i]) return ys[i];
    return ys[i] + (ys[j] - ys[i]) * ((v - xs[i]) / (xs[j] - xs[i]));
}

typedef struct xt { double x, t; } xt;

static int cmp_xt_x(const void *a, const void *b)
{
    const xt *p = a, *q = b;
    return (p->x > q->x) - (p->x < q->x);
}

static int cmp_xt_t(const void *a, const void *b)
{
    const xt *p = a, *q = b;
    return (p->t > q->t) - (p->t < q->t);
}

void zph_axis(size_t n, const double *x, const double *time, double unit_days,
              double at[ZPH_NTICK], double label[ZPH_NTICK])
{
    for (size_t k = 0; k < ZPH_NTICK; k++) at[k] = label[k] = NAN;
    xt *u = malloc((n + 1) * sizeof *u);
    double *a = malloc((n + 1) * sizeof *a), *b = malloc((n + 1) * sizeof *b);
    if (!u || !a || !b || n == 0) goto out;
    /* one point per distinct x (!duplicated(x)): the km transform grows
     * with every event time, so equal x means equal times */
    size_t m = 0;
    double lo = x[0], hi = x[0];
    for (size_t i = 0; i < n; i++) {
        u[i] = (xt){x[i], time[i] / unit_days};
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
    }
    qsort(u, n, sizeof *u, cmp_xt_x);
    for (size_t i = 0; i < n; i++)
        if (m == 0 || u[i].x != u[m - 1].x) u[m++] = u[i];
    /* the times at seq(min, max, length = 17)[2 * (1:8)] */
    for (size_t i = 0; i < m; i++) { a[i] = u[i].x; b[i] = u[i].t; }
    double by = (hi - lo) / 16;
    for (size_t k = 0; k < ZPH_NTICK; k++) {
        size_t j = 2 * (k + 1) - 1;   /* 0-based index into the 17 */
        label[k] = zph_signif(approx1(a, b, m, lo + (double)j * by), 2);
    }
    /* and where the rounded times fall */
    qsort(u, m, sizeof *u, cmp_xt_t);
    for (size_t i = 0; i < m; i++) { a[i] = u[i].t; b[i] = u[i].x; }
    for (size_t k = 0; k < ZPH_NTICK; k++) at[k] = isnan(label[k]) ? NAN : approx1(a, b, m, label[k]);
out:
    free(u);
    free(a);
    free(b);
}
