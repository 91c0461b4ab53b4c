/* kmcore.c: Kaplan-Meier curves, Greenwood variance, confidence limits,
 * Nelson-Aalen cumulative hazards, quantiles, values at given times and restricted means (see kmcore.h).
 * The rules follow R survival 3.x so that results agree with survfit,
 * quantile.survfit and summary.survfit to rounding error. */
#define MATHLIB_STANDALONE
#include "kmcore.h"
#include <Rmath.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* tolerance of quantile.survfit for "exactly at the quantile" */
#define KM_QTOL 1.4901161193847656e-08 /* sqrt(DBL_EPSILON) */

typedef struct km_obs {
    double time;
    int event;
    double wt;
} km_obs;

typedef struct km_entry {
    double start, wt;
} km_entry;

static int km_cmp_entry(const void *a, const void *b)
{
    const km_entry *x = a, *y = b;
    return (x->start > y->start) - (x->start < y->start);
}

static int km_cmp_obs(const void *a, const void *b)
{
    const km_obs *x = a, *y = b;
    return (x->time > y->time) - (x->time < y->time);
}

/* R's names of the interval types, in the order of enum km_conf */
static const char *const km_conf_names[] = {"log", "log-log", "plain", "none", "logit", "arcsin"};

int km_conf_parse(const char *s, km_conf *out)
{
    for (size_t i = 0; i < sizeof km_conf_names / sizeof km_conf_names[0]; i++)
        if (strcmp(s, km_conf_names[i]) == 0) {
            *out = (km_conf)i;
            return 0;
        }
    return -1;
}

const char *km_conf_name(km_conf conf)
{
    return km_conf_names[conf];
}

void km_free(km_curve *c)
{
    free(c->time);
    free(c->nrisk);
    free(c->nevent);
    free(c->ncensor);
    free(c->surv);
    free(c->selog);
    free(c->se);
    free(c->lower);
    free(c->upper);
    free(c->cumhaz);
    free(c->sechaz);
    memset(c, 0, sizeof *c);
}

void km_ci(double s, double selog, km_conf conf, double conf_level,
           double *lower, double *upper)
{
    *lower = *upper = NAN;
    if (conf == KM_CONF_NONE || isnan(s) || isnan(selog)) return;
    double z = qnorm(1 - (1 - conf_level) / 2, 0, 1, 1, 0);
    switch (conf) {
    case KM_CONF_PLAIN: {
        if (s == 0) return; /* std. error infinite: no interval */
        double w = z * selog * s;
        *lower = fmax(s - w, 0);
        *upper = fmin(s + w, 1);
        break;
    }
    case KM_CONF_LOG:
        if (s == 0) return;
        *lower = exp(log(s) - z * selog);
        *upper = fmin(exp(log(s) + z * selog), 1);
        break;
    case KM_CONF_LOGLOG: {
        if (s == 0 || s == 1) return;
        double w = z * selog / log(s);
        double ll = log(-log(s));
        *lower = exp(-exp(ll - w));
        *upper = exp(-exp(ll + w));
        break;
    }
    case KM_CONF_LOGIT: {
        /* undefined at S = 1 (R gives NaN) and S = 0 */
        if (s == 0 || s == 1) return;
        double w = z * selog * (1 + s / (1 - s)), lo = log(s / (1 - s));
        *lower = 1 - 1 / (1 + exp(lo - w));
        *upper = 1 - 1 / (1 + exp(lo + w));
        break;
    }
    case KM_CONF_ARCSIN: {
        if (s == 0 || s == 1) return;
        double w = 0.5 * z * selog * sqrt(s / (1 - s)), a = asin(sqrt(s));
        *lower = pow(sin(fmax(0, a - w)), 2);
        *upper = pow(sin(fmin(M_PI / 2, a + w)), 2);
        break;
    }
    case KM_CONF_NONE:
        break;
    }
}

int km_fit(const double *start, const double *time, const int *event, const double *wt, size_t n,
           km_conf conf, double conf_level, km_curve *c)
{
    memset(c, 0, sizeof *c);
    c->conf = conf;
    c->conf_level = conf_level;
    c->n = n;
    km_obs *obs = malloc((n + 1) * sizeof *obs);
    km_entry *entry = malloc((n + 1) * sizeof *entry);
    if (!obs || !entry) {
        free(obs);
        free(entry);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        obs[i].time = time[i];
        obs[i].event = event[i] != 0;
        obs[i].wt = wt ? wt[i] : 1;
        entry[i].start = start ? start[i] : -INFINITY;
        entry[i].wt = obs[i].wt;
    }
    qsort(obs, n, sizeof *obs, km_cmp_obs);
    qsort(entry, n, sizeof *entry, km_cmp_entry);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || obs[i].time != obs[i - 1].time) m++;
    double **arrs[] = {&c->time, &c->nrisk, &c->nevent, &c->ncensor, &c->surv,
                       &c->selog, &c->se, &c->lower, &c->upper, &c->cumhaz, &c->sechaz};
    for (size_t k = 0; k < sizeof arrs / sizeof arrs[0]; k++) {
        *arrs[k] = malloc((m + 1) * sizeof **arrs[k]);
        if (!*arrs[k]) {
            free(obs);
            free(entry);
            km_free(c);
            return -1;
        }
    }
    c->ntimes = m;
    double s = 1, gw = 0; /* survival, Greenwood sum */
    double na = 0, nav = 0; /* Nelson-Aalen and its variance */
    /* weight of the rows from position i on, and of those not entered yet */
    double *left = malloc((n + 1) * sizeof *left);
    if (!left) {
        free(obs);
        free(entry);
        km_free(c);
        return -1;
    }
    left[n] = 0;
    for (size_t i = n; i-- > 0;) left[i] = left[i + 1] + obs[i].wt;
    double waiting = left[0];
    size_t j = 0, nentered = 0; /* entries before the current time */
    for (size_t i = 0; i < n;) {
        size_t k = i;
        double d = 0, cens = 0;
        while (k < n && obs[k].time == obs[i].time) {
            if (obs[k].event) d += obs[k].wt;
            else cens += obs[k].wt;
            k++;
        }
        /* at risk at t: (start, stop] holds t, i.e. stop >= t and start < t */
        while (nentered < n && entry[nentered].start < obs[i].time) waiting -= entry[nentered++].wt;
        if (nentered == n) waiting = 0;
        double r = left[i] - waiting;
        if (d > 0) {
            s *= 1 - d / r;
            gw = d < r ? gw + d / (r * (r - d)) : INFINITY;
            na += d / r;
            nav += d / (r * r);
        }
        c->time[j] = obs[i].time;
        c->nrisk[j] = r;
        c->nevent[j] = d;
        c->ncensor[j] = cens;
        c->surv[j] = s;
        c->selog[j] = sqrt(gw);
        c->se[j] = s > 0 ? c->selog[j] * s : NAN;
        c->cumhaz[j] = na;
        c->sechaz[j] = sqrt(nav);
        km_ci(s, c->selog[j], conf, conf_level, &c->lower[j], &c->upper[j]);
        c->nevents += d;
        j++;
        i = k;
    }
    free(left);
    free(obs);
    free(entry);
    return 0;
}

int km_var_ij(const double *start, const double *time, const int *event, const double *wt,
              const size_t *cluster, size_t ncluster, size_t n, km_curve *c)
{
    size_t ng = cluster ? ncluster : n;
    double *A = calloc(n + 1, sizeof *A), *B = calloc(n + 1, sizeof *B);
    double *ga = calloc(ng + 1, sizeof *ga), *gb = calloc(ng + 1, sizeof *gb);
    if (!A || !B || !ga || !gb) {
        free(A);
        free(B);
        free(ga);
        free(gb);
        return -1;
    }
    /* A[q]: influence of row q's weight on -log S(t); B[q] on the
     * Nelson-Aalen H(t).  At a time s with (weighted) Y at risk and d
     * events, h = d / Y: A moves by (dN_q - Y_q h) / (Y - d) and B by
     * (dN_q - Y_q h) / Y.  The variance is the sum over clusters of the
     * squared weighted influence sum_q w_q A[q]. */
    double va = 0, vb = 0;
    for (size_t j = 0; j < c->ntimes; j++) {
        double s = c->time[j], d = c->nevent[j], Y = c->nrisk[j];
        if (d > 0) {
            double h = d / Y;
            memset(ga, 0, ng * sizeof *ga);
            memset(gb, 0, ng * sizeof *gb);
            for (size_t q = 0; q < n; q++) {
                double yq = time[q] >= s && (!start || start[q] < s);
                double dn = time[q] == s && event[q] != 0;
                double u = dn - yq * h;
                if (Y > d) A[q] += u / (Y - d);
                B[q] += u / Y;
                double w = wt ? wt[q] : 1;
                size_t g = cluster ? cluster[q] : q;
                ga[g] += w * A[q];
                gb[g] += w * B[q];
            }
            va = vb = 0;
            for (size_t g = 0; g < ng; g++) {
                va += ga[g] * ga[g];
                vb += gb[g] * gb[g];
            }
        }
        double sv = c->surv[j];
        c->se[j] = sv * sqrt(va);
        c->selog[j] = sv > 0 ? sqrt(va) : INFINITY;
        c->sechaz[j] = sqrt(vb);
        km_ci(sv, c->selog[j], c->conf, c->conf_level, &c->lower[j], &c->upper[j]);
    }
    free(A);
    free(B);
    free(ga);
    free(gb);
    return 0;
}

/* One quantile search of quantile.survfit on the points (x[i], y[i]),
 * y increasing in principle (1 - S or 1 - a confidence limit, NAN allowed),
 * x[0] = 0, y[0] = 0.  xmax is the last time of the curve.  Points whose y
 * repeats an earlier one are dropped; among the remaining non-missing
 * points, the answer for p is the midpoint of the points with the smallest
 * y >= p - tol and the smallest y >= p + tol; at the end of a curve that
 * sits exactly at p the midpoint runs to xmax. */
static double km_findq(const double *x, const double *y, size_t m, double xmax,
                       double p, double pmin)
{
    double ymax = -INFINITY, ymin1 = INFINITY, ymin2 = INFINITY;
    for (size_t i = 0; i < m; i++)
        if (!isnan(y[i]) && y[i] > ymax) ymax = y[i];
    if (ymax < pmin) return NAN;
    size_t i1 = m, i2 = m, last = m;
    for (size_t i = 0; i < m; i++) {
        int dup = 0;
        for (size_t k = 0; k < i && !dup; k++)
            dup = (isnan(y[k]) && isnan(y[i])) || y[k] == y[i];
        if (dup) continue;
        last = i;
        if (isnan(y[i])) continue;
        /* approx() with rule 1 gives NA below the smallest knot */
        if (y[i] + KM_QTOL < ymin1) ymin1 = y[i] + KM_QTOL;
        if (y[i] - KM_QTOL < ymin2) ymin2 = y[i] - KM_QTOL;
        if (y[i] + KM_QTOL >= p && (i1 == m || y[i] < y[i1])) i1 = i;
        if (y[i] - KM_QTOL >= p && (i2 == m || y[i] < y[i2])) i2 = i;
    }
    if (p < ymin1) i1 = m;
    if (p < ymin2) i2 = m;
    double q = (i1 < m && i2 < m) ? (x[i1] + x[i2]) / 2 : NAN;
    if (p == 0) q = x[0];
    if (last < m && !isnan(y[last]) && fabs(p - y[last]) < KM_QTOL)
        q = i1 < m ? (x[i1] + xmax) / 2 : NAN;
    return q;
}

void km_quantile(const km_curve *c, const double *probs, size_t np,
                 double *q, double *lo, double *hi)
{
    size_t m = c->ntimes + 1;
    double *x = malloc(m * sizeof *x), *y = malloc(m * sizeof *y);
    if (!x || !y || c->ntimes == 0) {
        for (size_t k = 0; k < np; k++) {
            q[k] = NAN;
            if (lo) lo[k] = NAN;
            if (hi) hi[k] = NAN;
        }
        free(x);
        free(y);
        return;
    }
    double pmin = INFINITY;
    for (size_t k = 0; k < np; k++) pmin = fmin(pmin, probs[k]);
    double xmax = c->time[c->ntimes - 1];
    x[0] = 0;
    y[0] = 0;
    for (size_t i = 0; i < c->ntimes; i++) x[i + 1] = c->time[i];
    const double *curves[3] = {c->surv, c->lower, c->upper};
    double *outs[3] = {q, lo, hi};
    for (int w = 0; w < 3; w++) {
        if (!outs[w]) continue;
        for (size_t i = 0; i < c->ntimes; i++) y[i + 1] = 1 - curves[w][i];
        for (size_t k = 0; k < np; k++)
            outs[w][k] = (w > 0 && c->conf == KM_CONF_NONE)
                             ? NAN : km_findq(x, y, m, xmax, probs[k], pmin);
    }
    free(x);
    free(y);
}

void km_at(const km_curve *c, double t, km_point *p)
{
    size_t last = c->ntimes; /* index of the last time <= t, or ntimes */
    p->nevent = 0;
    p->nrisk = 0;
    for (size_t i = 0; i < c->ntimes && c->time[i] <= t; i++) {
        last = i;
        p->nevent += c->nevent[i];
    }
    /* at risk: from the first time >= t (before the first time: everyone) */
    for (size_t i = 0; i < c->ntimes; i++)
        if (c->time[i] >= t) {
            p->nrisk = c->nrisk[i];
            break;
        }
    if (c->ntimes == 0 || t > c->time[c->ntimes - 1]) {
        p->surv = p->se = p->lower = p->upper = p->cumhaz = p->sechaz = NAN;
    } else if (last == c->ntimes) {
        /* before the first time: the curve's start, S = 1 with limits 1 */
        p->surv = 1;
        p->se = p->cumhaz = p->sechaz = 0;
        p->lower = p->upper = c->conf == KM_CONF_NONE ? NAN : 1;
    } else {
        p->surv = c->surv[last];
        p->se = c->se[last];
        p->lower = c->lower[last];
        p->upper = c->upper[last];
        p->cumhaz = c->cumhaz[last];
        p->sechaz = c->sechaz[last];
    }
}

int km_rmean(const km_curve *c, double tau, double *mean, double *se)
{
    *mean = *se = NAN;
    if (c->ntimes == 0 || tau < c->time[0]) return -1;
    size_t m = 0; /* number of curve times <= tau */
    while (m < c->ntimes && c->time[m] <= tau) m++;
    /* area after time[j] up to tau, accumulated from the right */
    double tail = (tau - c->time[m - 1]) * c->surv[m - 1], var = 0;
    for (size_t j = m - 1;; j--) {
        double d = c->nevent[j], r = c->nrisk[j];
        double h = r - d == 0 ? 0 : d / (r * (r - d));
        var += tail * tail * h;
        if (j == 0) break;
        tail += (c->time[j] - c->time[j - 1]) * c->surv[j - 1];
    }
    *mean = tail + c->time[0] * 1.0; /* S = 1 on [0, time[0]) */
    *se = sqrt(var);
    return 0;
}
