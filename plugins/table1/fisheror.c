/* fisheror.c: the conditional MLE of the odds ratio of a 2 x 2 table and
 * its exact interval, as fisher.test computes them (see fisheror.h).
 *
 * Given the margins, the top-left count x follows the non-central
 * hypergeometric distribution with odds ratio psi on its support lo..hi.
 * The estimate solves E_psi[X] = x; the interval's limits solve
 * P_psi(X >= x) = alpha and P_psi(X <= x) = alpha, alpha = (1 - level) / 2.
 * Each root is found as R does: on psi in (0, 1) when the answer is below
 * 1, else on 1 / psi in (eps, 1), with uniroot()'s tolerance, so that the
 * answers agree with R's to rounding rather than to that tolerance. */
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include "fisheror.h"
#include "../common/zeroin.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>

typedef struct fo_ctx {
    double m, n, k, x, lo, hi;
    size_t ns;          /* support size hi - lo + 1 */
    double *logdc;      /* log central hypergeometric density on the support */
    double *d;          /* work: non-central density */
    double target;      /* x (estimate) or alpha (limits) */
    int upper;          /* limits: upper tail P(X >= x) */
    int inverse;        /* the root is sought in 1 / psi */
} fo_ctx;

/* The non-central density with odds ratio psi (0 < psi < Inf) into c->d. */
static void fo_density(fo_ctx *c, double psi)
{
    double lp = log(psi), mx = -INFINITY;
    for (size_t i = 0; i < c->ns; i++) {
        c->d[i] = c->logdc[i] + lp * (c->lo + (double)i);
        if (c->d[i] > mx) mx = c->d[i];
    }
    long double s = 0;
    for (size_t i = 0; i < c->ns; i++) {
        c->d[i] = exp(c->d[i] - mx);
        s += c->d[i];
    }
    for (size_t i = 0; i < c->ns; i++) c->d[i] = (double)(c->d[i] / s);
}

/* E_psi[X] */
static double fo_mean(fo_ctx *c, double psi)
{
    if (psi == 0) return c->lo;
    if (isinf(psi)) return c->hi;
    fo_density(c, psi);
    long double s = 0;
    for (size_t i = 0; i < c->ns; i++) s += (c->lo + (double)i) * c->d[i];
    return (double)s;
}

/* P_psi(X <= x), or P_psi(X >= x) when upper */
static double fo_tail(fo_ctx *c, double psi, int upper)
{
    double x = c->x;
    if (psi == 1)
        return upper ? phyper(x - 1, c->m, c->n, c->k, 0, 0) : phyper(x, c->m, c->n, c->k, 1, 0);
    if (psi == 0) return upper ? x <= c->lo : x >= c->lo;
    if (isinf(psi)) return upper ? x <= c->hi : x >= c->hi;
    fo_density(c, psi);
    long double s = 0;
    for (size_t i = 0; i < c->ns; i++) {
        double v = c->lo + (double)i;
        if (upper ? v >= x : v <= x) s += c->d[i];
    }
    return (double)s;
}

static double fo_mean_f(double t, void *info)
{
    fo_ctx *c = info;
    return fo_mean(c, c->inverse ? 1 / t : t) - c->target;
}

static double fo_tail_f(double t, void *info)
{
    fo_ctx *c = info;
    return fo_tail(c, c->inverse ? 1 / t : t, c->upper) - c->target;
}

/* Solve f(psi) = 0 where f(1) = f1 is the function's value at psi = 1 and
 * f is increasing in psi when rising != 0: on (0, 1) when the root lies
 * below 1, else on 1 / psi in (eps, 1). */
static double fo_solve(fo_ctx *c, double (*f)(double, void *), double f1, int rising)
{
    if (f1 == 0) return 1;
    /* below 1 when f(1) is already past zero in the direction f moves */
    int below = rising ? f1 > 0 : f1 < 0;
    c->inverse = !below;
    double a = below ? 0 : DBL_EPSILON, b = 1;
    double r = pc_zeroin(f, c, a, b, f(a, c), f(b, c), PC_UNIROOT_TOL, 1000);
    return below ? r : 1 / r;
}

int t1_fisher_or(const double tab[4], double conf_level, double *est, double *lower,
                 double *upper)
{
    *est = *lower = *upper = NAN;
    for (int i = 0; i < 4; i++)
        if (!(tab[i] >= 0) || tab[i] != floor(tab[i])) return -1;
    fo_ctx c;
    c.m = tab[0] + tab[2];
    c.n = tab[1] + tab[3];
    c.k = tab[0] + tab[1];
    c.x = tab[0];
    if (c.m <= 0 || c.n <= 0 || c.k <= 0 || c.k >= c.m + c.n) return -1;
    c.lo = fmax2(0, c.k - c.n);
    c.hi = fmin2(c.k, c.m);
    c.ns = (size_t)(c.hi - c.lo) + 1;
    c.logdc = malloc(c.ns * sizeof *c.logdc);
    c.d = malloc(c.ns * sizeof *c.d);
    if (!c.logdc || !c.d) {
        free(c.logdc);
        free(c.d);
        return -2;
    }
    for (size_t i = 0; i < c.ns; i++) c.logdc[i] = dhyper(c.lo + (double)i, c.m, c.n, c.k, 1);
    double alpha = (1 - conf_level) / 2;
    /* estimate: E_psi[X] rises with psi */
    if (c.x == c.lo) *est = 0;
    else if (c.x == c.hi) *est = INFINITY;
    else {
        c.target = c.x;
        *est = fo_solve(&c, fo_mean_f, fo_mean(&c, 1) - c.x, 1);
    }
    /* lower limit: P_psi(X >= x) rises with psi */
    c.target = alpha;
    if (c.x == c.lo) *lower = 0;
    else {
        c.upper = 1;
        *lower = fo_solve(&c, fo_tail_f, fo_tail(&c, 1, 1) - alpha, 1);
    }
    /* upper limit: P_psi(X <= x) falls with psi */
    if (c.x == c.hi) *upper = INFINITY;
    else {
        c.upper = 0;
        *upper = fo_solve(&c, fo_tail_f, fo_tail(&c, 1, 0) - alpha, 0);
    }
    free(c.logdc);
    free(c.d);
    return 0;
}
