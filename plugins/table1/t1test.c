/* t1test.c: chi-squared, Fisher 2 x 2, t, one-way, Wilcoxon rank-sum and
 * Kruskal-Wallis tests on plain arrays, with R's conventions. */
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include "t1test.h"
#include "../describe/summary.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void t1_test_clear(t1_test *out)
{
    out->statistic = out->df = out->df2 = out->p = NAN;
    out->exact = 0;
    out->min_expected = NAN;
    out->estimate = out->lower = out->upper = NAN;
}

/* Row and column totals of an nr x nc table; returns the total. */
static double t1_margins(const double *tab, size_t nr, size_t nc, double *rs, double *cs)
{
    double n = 0;
    for (size_t i = 0; i < nr; i++) rs[i] = 0;
    for (size_t j = 0; j < nc; j++) cs[j] = 0;
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            rs[i] += tab[i * nc + j];
            cs[j] += tab[i * nc + j];
            n += tab[i * nc + j];
        }
    return n;
}

int t1_expected(const double *tab, size_t nr, size_t nc, double *e)
{
    double *rs = malloc((nr + 1) * sizeof *rs), *cs = malloc((nc + 1) * sizeof *cs);
    if (!rs || !cs) {
        free(rs);
        free(cs);
        return -2;
    }
    double n = t1_margins(tab, nr, nc, rs, cs);
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) e[i * nc + j] = n > 0 ? rs[i] * cs[j] / n : NAN;
    free(rs);
    free(cs);
    return 0;
}

int t1_chisq(const double *tab, size_t nr, size_t nc, int yates, t1_test *out)
{
    t1_test_clear(out);
    double *rs = calloc(nr + 1, sizeof *rs), *cs = calloc(nc + 1, sizeof *cs);
    if (!rs || !cs) {
        free(rs);
        free(cs);
        return -2;
    }
    double n = t1_margins(tab, nr, nc, rs, cs);
    size_t r = 0, c = 0;
    for (size_t i = 0; i < nr; i++) r += rs[i] > 0;
    for (size_t j = 0; j < nc; j++) c += cs[j] > 0;
    if (r < 2 || c < 2) {
        free(rs);
        free(cs);
        return -1;
    }
    double corr = 0, minE = INFINITY;
    if (yates && r == 2 && c == 2) {
        corr = 0.5;
        for (size_t i = 0; i < nr; i++)
            for (size_t j = 0; j < nc; j++) {
                if (rs[i] <= 0 || cs[j] <= 0) continue;
                double d = fabs(tab[i * nc + j] - rs[i] * cs[j] / n);
                if (d < corr) corr = d;
            }
    }
    double stat = 0;
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            if (rs[i] <= 0 || cs[j] <= 0) continue;
            double e = rs[i] * cs[j] / n, d = fabs(tab[i * nc + j] - e) - corr;
            stat += d * d / e;
            if (e < minE) minE = e;
        }
    free(rs);
    free(cs);
    out->statistic = stat;
    out->df = (double)((r - 1) * (c - 1));
    out->p = pchisq(stat, out->df, 0, 0);
    out->min_expected = minE;
    return 0;
}

int t1_fisher2x2(const double tab[4], t1_test *out)
{
    t1_test_clear(out);
    /* x = tab[0] ~ hypergeometric: m = first column total, n = second,
     * k = first row total */
    double m = tab[0] + tab[2], n = tab[1] + tab[3], k = tab[0] + tab[1];
    double x = tab[0];
    double lo = fmax2(0, k - n), hi = fmin2(k, m);
    if (m + n <= 0) return -1;
    double dobs = dhyper(x, m, n, k, 1);
    double dmax = -INFINITY;
    for (double s = lo; s <= hi; s++) dmax = fmax2(dmax, dhyper(s, m, n, k, 1));
    /* as fisher.test: normalised densities, relative tolerance 1e-7 */
    double lim = exp(dobs - dmax) * (1 + 1e-7), tot = 0, sum = 0;
    for (double s = lo; s <= hi; s++) {
        double d = exp(dhyper(s, m, n, k, 1) - dmax);
        tot += d;
        if (d <= lim) sum += d;
    }
    out->p = fmin2(1, sum / tot);
    out->exact = 1;
    return 0;
}

int t1_ttest(const double *x, size_t nx, const double *y, size_t ny,
             int var_equal, double conf_level, t1_test *out)
{
    t1_test_clear(out);
    if (var_equal ? (nx < 1 || ny < 1 || nx + ny < 3) : (nx < 2 || ny < 2)) return -1;
    double mx = ds_mean(x, nx), my = ds_mean(y, ny);
    double vx = nx > 1 ? pow(ds_sd(x, nx), 2) : 0, vy = ny > 1 ? pow(ds_sd(y, ny), 2) : 0;
    double se, df;
    if (var_equal) {
        df = (double)(nx + ny - 2);
        double v = 0;
        if (nx > 1) v += (double)(nx - 1) * vx;
        if (ny > 1) v += (double)(ny - 1) * vy;
        v /= df;
        se = sqrt(v * (1.0 / (double)nx + 1.0 / (double)ny));
    } else {
        double sx2 = vx / (double)nx, sy2 = vy / (double)ny;
        se = sqrt(sx2 + sy2);
        df = (se * se * se * se) / (sx2 * sx2 / (double)(nx - 1) + sy2 * sy2 / (double)(ny - 1));
    }
    /* as t.test: stop when the data are essentially constant */
    if (!(se >= 10 * DBL_EPSILON * fmax2(fabs(mx), fabs(my))) || se == 0) return -1;
    double t = (mx - my) / se;
    out->statistic = t;
    out->df = df;
    out->p = 2 * pt(-fabs(t), df, 1, 0);
    /* as t.test: mu + (t +- q) * se with mu = 0 */
    double q = qt(1 - (1 - conf_level) / 2, df, 1, 0);
    out->estimate = mx - my;
    out->lower = (t - q) * se;
    out->upper = (t + q) * se;
    return 0;
}

int t1_oneway(const double *x, const int *g, size_t n, size_t k,
              int var_equal, t1_test *out)
{
    t1_test_clear(out);
    if (k < 2) return -1;
    double *cnt = calloc(k, sizeof *cnt), *mean = calloc(k, sizeof *mean),
           *var = calloc(k, sizeof *var);
    if (!cnt || !mean || !var) {
        free(cnt);
        free(mean);
        free(var);
        return -2;
    }
    int rc = -1;
    for (size_t i = 0; i < n; i++) {
        cnt[g[i]] += 1;
        mean[g[i]] += x[i];
    }
    for (size_t j = 0; j < k; j++) {
        if (cnt[j] < 1) goto done;
        mean[j] /= cnt[j];
    }
    /* second pass for the means, then the variances */
    {
        double *adj = calloc(k, sizeof *adj);
        if (!adj) {
            rc = -2;
            goto done;
        }
        for (size_t i = 0; i < n; i++) adj[g[i]] += x[i] - mean[g[i]];
        for (size_t j = 0; j < k; j++) mean[j] += adj[j] / cnt[j];
        free(adj);
    }
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - mean[g[i]];
        var[g[i]] += d * d;
    }
    for (size_t j = 0; j < k; j++) var[j] = cnt[j] > 1 ? var[j] / (cnt[j] - 1) : NAN;
    double dk = (double)k, dn = (double)n;
    if (var_equal) {
        if (n <= k) goto done;
        double m = ds_mean(x, n), between = 0, within = 0;
        for (size_t j = 0; j < k; j++) {
            between += cnt[j] * (mean[j] - m) * (mean[j] - m);
            if (cnt[j] > 1) within += (cnt[j] - 1) * var[j];
        }
        if (!(within > 0)) goto done;
        out->statistic = (between / (dk - 1)) / (within / (dn - dk));
        out->df = dk - 1;
        out->df2 = dn - dk;
    } else {
        double sw = 0, mw = 0, tmp = 0;
        for (size_t j = 0; j < k; j++) {
            if (!(cnt[j] > 1) || !(var[j] > 0)) goto done;
            sw += cnt[j] / var[j];
        }
        for (size_t j = 0; j < k; j++) {
            double w = cnt[j] / var[j];
            mw += w * mean[j];
            tmp += (1 - w / sw) * (1 - w / sw) / (cnt[j] - 1);
        }
        mw /= sw;
        tmp /= dk * dk - 1;
        double num = 0;
        for (size_t j = 0; j < k; j++) num += cnt[j] / var[j] * (mean[j] - mw) * (mean[j] - mw);
        out->statistic = num / ((dk - 1) * (1 + 2 * (dk - 2) * tmp));
        out->df = dk - 1;
        out->df2 = 1 / (3 * tmp);
    }
    out->p = pf(out->statistic, out->df, out->df2, 0, 0);
    rc = 0;
done:
    free(cnt);
    free(mean);
    free(var);
    return rc;
}

typedef struct { double v; size_t i; } t1_pair;

static int cmp_pair(const void *a, const void *b)
{
    const t1_pair *p = a, *q = b;
    if (p->v != q->v) return (p->v > q->v) - (p->v < q->v);
    return (p->i > q->i) - (p->i < q->i);
}

double t1_rank(const double *x, size_t n, double *r)
{
    t1_pair *p = malloc((n + 1) * sizeof *p);
    if (!p) return -1;
    for (size_t i = 0; i < n; i++) {
        p[i].v = x[i];
        p[i].i = i;
    }
    qsort(p, n, sizeof *p, cmp_pair);
    double ties = 0;
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && p[b].v == p[a].v) b++;
        double avg = ((double)a + 1 + (double)b) / 2, t = (double)(b - a);
        for (size_t j = a; j < b; j++) r[p[j].i] = avg;
        ties += t * t * t - t;
        a = b;
    }
    free(p);
    return ties;
}

int t1_wilcox(const double *x, size_t nx, const double *y, size_t ny, int correct,
              t1_test *out)
{
    t1_test_clear(out);
    if (nx < 1 || ny < 1) return -1;
    size_t n = nx + ny;
    double *v = malloc(n * sizeof *v), *r = malloc(n * sizeof *r);
    if (!v || !r) {
        free(v);
        free(r);
        return -2;
    }
    memcpy(v, x, nx * sizeof *v);
    memcpy(v + nx, y, ny * sizeof *v);
    double ties = t1_rank(v, n, r);
    if (ties < 0) {
        free(v);
        free(r);
        return -2;
    }
    double dx = (double)nx, dy = (double)ny, w = 0;
    for (size_t i = 0; i < nx; i++) w += r[i];
    w -= dx * (dx + 1) / 2;
    free(v);
    free(r);
    out->statistic = w;
    if (nx < 50 && ny < 50 && ties == 0) {
        double p = w > dx * dy / 2 ? pwilcox(w - 1, dx, dy, 0, 0) : pwilcox(w, dx, dy, 1, 0);
        wilcox_free();
        out->p = fmin2(2 * p, 1);
        out->exact = 1;
        return 0;
    }
    double dn = dx + dy;
    double sigma = sqrt(dx * dy / 12 * ((dn + 1) - ties / (dn * (dn - 1))));
    if (!(sigma > 0)) return -1;
    double z = w - dx * dy / 2;
    double corr = !correct ? 0 : z > 0 ? 0.5 : z < 0 ? -0.5 : 0;
    z = (z - corr) / sigma;
    out->p = 2 * fmin2(pnorm(z, 0, 1, 1, 0), pnorm(z, 0, 1, 0, 0));
    return 0;
}

int t1_kruskal(const double *x, const int *g, size_t n, size_t k, t1_test *out)
{
    t1_test_clear(out);
    if (n < 2 || k < 2) return -1;
    double *r = malloc(n * sizeof *r), *rs = calloc(k, sizeof *rs), *cnt = calloc(k, sizeof *cnt);
    if (!r || !rs || !cnt) {
        free(r);
        free(rs);
        free(cnt);
        return -2;
    }
    double ties = t1_rank(x, n, r);
    int rc = -1;
    if (ties < 0) {
        rc = -2;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        rs[g[i]] += r[i];
        cnt[g[i]] += 1;
    }
    double s = 0, dn = (double)n;
    size_t used = 0;
    for (size_t j = 0; j < k; j++)
        if (cnt[j] > 0) {
            s += rs[j] * rs[j] / cnt[j];
            used++;
        }
    if (used < 2) goto done;
    double den = 1 - ties / (dn * dn * dn - dn);
    if (!(den > 0)) goto done;
    out->statistic = (12 * s / (dn * (dn + 1)) - 3 * (dn + 1)) / den;
    out->df = (double)(used - 1);
    out->p = pchisq(out->statistic, out->df, 0, 0);
    rc = 0;
done:
    free(r);
    free(rs);
    free(cnt);
    return rc;
}
