/* ipw.c: inverse probability of treatment weights, weighted balance and a
 * summary of the weights (see ipw.h for the formulas). */
#include "ipw.h"
#include <math.h>

int ipw_weights(size_t n, const int *treat, const double *ps, int estimand, int stabilized, double *w)
{
    size_t nt = 0;
    for (size_t i = 0; i < n; i++) nt += treat[i] != 0;
    if (nt == 0 || nt == n) return -1;
    double p = (double)nt / (double)n;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        double e = ps[i];
        if (!(e > 0 && e < 1)) {
            w[i] = NAN;
            rc = -1;
            continue;
        }
        if (treat[i]) w[i] = estimand == IPW_ATT ? 1 : 1 / e;
        else w[i] = estimand == IPW_ATT ? e / (1 - e) : 1 / (1 - e);
        if (stabilized) w[i] *= treat[i] ? p : 1 - p;
    }
    return rc;
}

/* Weighted mean of x over group g (w NULL: unweighted); NAN when empty. */
static double group_mean(size_t n, const double *x, const int *treat, const double *w, int g)
{
    double s = 0, sw = 0;
    for (size_t i = 0; i < n; i++)
        if ((treat[i] != 0) == g) {
            double wi = w ? w[i] : 1;
            s += wi * x[i];
            sw += wi;
        }
    return sw > 0 ? s / sw : NAN;
}

/* Unweighted variance of group g: p (1 - p) for a 0/1 covariate, else the
 * sample variance; NAN when it does not exist. */
static double group_var(size_t n, const double *x, const int *treat, int g, int binary)
{
    double m = group_mean(n, x, treat, NULL, g), ss = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((treat[i] != 0) == g) {
            ss += (x[i] - m) * (x[i] - m);
            k++;
        }
    if (binary) return k ? m * (1 - m) : NAN;
    return k > 1 ? ss / (double)(k - 1) : NAN;
}

void ipw_balance_of(size_t n, const double *x, const int *treat, const double *w, int estimand,
                    ipw_balance *b)
{
    int binary = 1;
    for (size_t i = 0; i < n && binary; i++) binary = x[i] == 0 || x[i] == 1;
    b->mean_t = group_mean(n, x, treat, NULL, 1);
    b->mean_c = group_mean(n, x, treat, NULL, 0);
    b->wmean_t = group_mean(n, x, treat, w, 1);
    b->wmean_c = group_mean(n, x, treat, w, 0);
    double vt = group_var(n, x, treat, 1, binary);
    double v = estimand == IPW_ATT ? vt : (vt + group_var(n, x, treat, 0, binary)) / 2;
    b->sd = v > 0 ? sqrt(v) : NAN;
    b->smd = (b->mean_t - b->mean_c) / b->sd;
    b->wsmd = (b->wmean_t - b->wmean_c) / b->sd;
}

void ipw_summary_of(size_t n, const int *treat, const double *w, int g, ipw_summary *s)
{
    double k = 0, sw = 0, sw2 = 0, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if ((treat[i] != 0) == g) {
            k++;
            sw += w[i];
            sw2 += w[i] * w[i];
            if (w[i] < lo) lo = w[i];
            if (w[i] > hi) hi = w[i];
        }
    s->n = k;
    s->sum = sw;
    s->mean = k > 0 ? sw / k : NAN;
    s->min = k > 0 ? lo : NAN;
    s->max = k > 0 ? hi : NAN;
    s->ess = sw2 > 0 ? sw * sw / sw2 : NAN;
}
