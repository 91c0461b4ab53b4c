/* coxzph.c: cox.zph's test of proportional hazards and its scaled
 * Schoenfeld residuals (see coxzph.h), following survival 3.5's cox.zph
 * and its C routine zph1: one pass backwards in time over the data sorted
 * by stratum and time accumulates, at the fitted coefficients, the score
 * u of the 2p-column model (x, x * g(t)) and its information matrix; each
 * term's test is the score test of its x * g(t) columns, u' I^-1 u with u
 * zero in the first p places. */
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include "coxzph.h"
#include "../common/linalg.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* pivots below this fraction of the largest diagonal make a test's
 * information matrix singular (R's solve() would stop) */
#define ZPH_TOLER 1e-13

typedef struct zph_row { double t; int s; size_t i; } zph_row;

static int zph_cmp(const void *a, const void *b)
{
    const zph_row *x = a, *y = b;
    if (x->s != y->s) return (x->s > y->s) - (x->s < y->s);
    if (x->t != y->t) return (x->t > y->t) - (x->t < y->t);
    return (x->i > y->i) - (x->i < y->i);
}

static int zph_cmp_time(const void *a, const void *b)
{
    const zph_row *x = a, *y = b;
    if (x->t != y->t) return (x->t > y->t) - (x->t < y->t);
    return (x->i > y->i) - (x->i < y->i);
}

void cox_zph_free(cox_zph *z)
{
    free(z->chisq);
    free(z->p);
    free(z->df);
    free(z->time);
    free(z->x);
    free(z->resid);
    free(z->var);
    memset(z, 0, sizeof *z);
}

/* The "km" transform of each row's time: 1 - S(t-), S the Kaplan-Meier
 * curve of all rows (strata ignored), left-continuous. */
static void zph_km(size_t n, const double *time, const int *event, zph_row *w, double *tt)
{
    for (size_t i = 0; i < n; i++) w[i] = (zph_row){time[i], 0, i};
    qsort(w, n, sizeof *w, zph_cmp_time);
    double s = 1;
    for (size_t a = 0; a < n;) {
        size_t b = a;
        double d = 0;
        while (b < n && w[b].t == w[a].t) d += event[w[b++].i] != 0;
        /* rows at this time see the curve before it */
        for (size_t k = a; k < b; k++) tt[w[k].i] = 1 - s;
        s *= 1 - d / (double)(n - a);
        a = b;
    }
}

/* u' M^-1 u for the rows/columns idx[0..m-1] of the symmetric q x q M,
 * u taken at the same places.  NAN when singular or out of memory. */
static double zph_test(const double *M, size_t q, const double *u, const size_t *idx, size_t m)
{
    double *sub = malloc(m * m * sizeof *sub), *v = malloc(m * sizeof *v);
    double r = NAN;
    if (sub && v) {
        for (size_t a = 0; a < m; a++) {
            v[a] = u[idx[a]];
            for (size_t b = 0; b < m; b++) sub[a * m + b] = M[idx[a] * q + idx[b]];
        }
        int rank;
        r = pc_quad_inv(sub, m, v, ZPH_TOLER, &rank);
        if (rank != (int)m) r = NAN;
    }
    free(sub);
    free(v);
    return r;
}

/* The backward pass: score u (2p), information M (2p x 2p) and the
 * unscaled Schoenfeld residuals sch (nevent x p) of the rows in order ord,
 * with centred covariates xc, risk scores r and time weights g.  The events
 * are numbered in the order of ord. */
static void zph_pass(size_t n, size_t p, const zph_row *ord, const int *event, const double *xc,
                     const double *r, const double *g, int efron, size_t nevent, double *u,
                     double *M, double *sch, double *work)
{
    size_t q = 2 * p;
    double *a = work, *a2 = a + p, *c = a2 + p, *c2 = c + p * p;
    double denom = 0;
    int cstrat = 0;
    size_t ev = nevent;
    for (size_t ip = n; ip-- > 0;) {
        if (ip == n - 1 || ord[ip].s != cstrat) {
            cstrat = ord[ip].s;
            denom = 0;
            memset(a, 0, p * sizeof *a);
            memset(c, 0, p * p * sizeof *c);
        }
        double dtime = ord[ip].t, tw = g[ord[ip].i], nd = 0, denom2 = 0;
        memset(a2, 0, p * sizeof *a2);
        memset(c2, 0, p * p * sizeof *c2);
        /* the rows tied at this time */
        for (;; ip--) {
            size_t i = ord[ip].i;
            const double *xi = xc + i * p;
            if (!event[i]) {
                denom += r[i];
                for (size_t j = 0; j < p; j++) {
                    a[j] += r[i] * xi[j];
                    for (size_t k = 0; k <= j; k++) c[j * p + k] += r[i] * xi[j] * xi[k];
                }
            } else {
                nd++;
                denom2 += r[i];
                ev--;
                for (size_t j = 0; j < p; j++) {
                    sch[ev * p + j] = xi[j];
                    u[j] += xi[j];
                    u[j + p] += tw * xi[j];
                    a2[j] += r[i] * xi[j];
                    for (size_t k = 0; k <= j; k++) c2[j * p + k] += r[i] * xi[j] * xi[k];
                }
            }
            if (ip == 0 || ord[ip - 1].t != dtime || ord[ip - 1].s != cstrat) break;
        }
        if (nd == 0) continue;
        /* Breslow: one step with all deaths; Efron: nd steps adding 1/nd of them */
        size_t steps = efron ? (size_t)nd : 1;
        double frac = efron ? 1 / nd : 1, wt = efron ? 1 : nd;
        if (efron) {
            for (size_t j = 0; j < p; j++) {
                double m = 0;
                for (size_t k = 0; k < steps; k++) {
                    double f = (double)(k + 1) / nd;
                    m += (a[j] + a2[j] * f) / (denom + denom2 * f);
                }
                for (size_t e = 0; e < steps; e++) sch[(ev + e) * p + j] -= m / nd;
            }
        }
        for (size_t k = 0; k < steps; k++) {
            denom += denom2 * frac;
            for (size_t j = 0; j < p; j++) {
                a[j] += a2[j] * frac;
                double mean = a[j] / denom;
                u[j] -= wt * mean;
                u[j + p] -= tw * wt * mean;
                for (size_t l = 0; l <= j; l++) {
                    c[j * p + l] += c2[j * p + l] * frac;
                    double v = wt * (c[j * p + l] - mean * a[l]) / denom;
                    M[l * q + j] += v;
                    M[l * q + j + p] += tw * v;
                    M[(l + p) * q + j + p] += tw * tw * v;
                }
                if (!efron)
                    for (size_t e = 0; e < (size_t)nd; e++) sch[(ev + e) * p + j] -= mean;
            }
        }
    }
    /* the other halves of the symmetric blocks */
    for (size_t j = 0; j < p; j++)
        for (size_t l = 0; l < j; l++) {
            M[j * q + l] = M[l * q + j];
            M[j * q + l + p] = M[l * q + j + p];
            M[(j + p) * q + l + p] = M[(l + p) * q + j + p];
        }
    for (size_t j = 0; j < p; j++)
        for (size_t l = 0; l < p; l++) M[(j + p) * q + l] = M[l * q + j + p];
}

/* Scale the Schoenfeld residuals as cox.zph: combine the columns of each
 * term (weights 1 for a one-column term, its coefficients otherwise),
 * divide by the per-event information within each stratum, add the
 * coefficient (or 1). */
static int zph_scale(cox_zph *z, size_t p, const double *M, const double *sch, const int *used,
                     size_t nstrat, const double *coef, const size_t *term)
{
    size_t q = 2 * p, nt = z->nterm, ne = z->nevent;
    double *tm = calloc(p * nt + 1, sizeof *tm), *vm = malloc((p * p + 1) * sizeof *vm);
    double *vt = calloc(nt * nt + 1, sizeof *vt), *row = malloc((nt + 1) * sizeof *row);
    double *sub = malloc((nt * nt + 1) * sizeof *sub);
    size_t *ncol = calloc(nt + 1, sizeof *ncol), *first = calloc(nt + 1, sizeof *first);
    size_t *k = malloc((nt + 1) * sizeof *k);
    int rc = -1;
    if (!tm || !vm || !vt || !row || !sub || !ncol || !first || !k) goto out;
    for (size_t j = p; j-- > 0;) {
        ncol[term[j]]++;
        first[term[j]] = j;
    }
    for (size_t j = 0; j < p; j++) tm[j * nt + term[j]] = ncol[term[j]] == 1 ? 1 : coef[j];
    /* vmean: the information per event (events of the strata where both
     * columns vary) */
    for (size_t j = 0; j < p; j++)
        for (size_t l = 0; l < p; l++) {
            double w = 0;
            for (size_t s = 0; s < nstrat; s++) {
                int uj = used[s * p + j], ul = used[s * p + l];
                w += uj < ul ? uj : ul;
            }
            vm[j * p + l] = M[j * q + l] / (w == 0 ? 1 : w);
        }
    for (size_t a = 0; a < nt; a++)
        for (size_t b = 0; b < nt; b++) {
            double v = 0;
            for (size_t j = 0; j < p; j++)
                for (size_t l = 0; l < p; l++) v += tm[j * nt + a] * vm[j * p + l] * tm[l * nt + b];
            vt[a * nt + b] = v;
        }
    /* cox.zph's var: solve(vmean) */
    memcpy(z->var, vt, nt * nt * sizeof *vt);
    if (pc_chol(z->var, nt, ZPH_TOLER) == (int)nt) pc_chol_inv(z->var, nt);
    else for (size_t a = 0; a < nt * nt; a++) z->var[a] = NAN;
    for (size_t e = 0; e < ne; e++)
        for (size_t a = 0; a < nt; a++) {
            double v = 0;
            for (size_t j = 0; j < p; j++) v += sch[e * p + j] * tm[j * nt + a];
            z->resid[e * nt + a] = v;
        }
    /* per stratum: the events of stratum s are the next max_t used[s][t] */
    size_t e0 = 0;
    for (size_t s = 0; s < nstrat; s++) {
        size_t m = 0, cnt = 0;
        for (size_t a = 0; a < nt; a++) {
            size_t us = (size_t)used[s * p + first[a]];
            if (us > cnt) cnt = us;
            if (us > 0) k[m++] = a;
        }
        if (m > 0) {
            for (size_t a = 0; a < m; a++)
                for (size_t b = 0; b < m; b++) sub[a * m + b] = vt[k[a] * nt + k[b]];
            if (pc_chol(sub, m, ZPH_TOLER) != (int)m) goto out;
            for (size_t e = e0; e < e0 + cnt && e < ne; e++) {
                for (size_t a = 0; a < m; a++) row[a] = z->resid[e * nt + k[a]];
                pc_chol_solve(sub, m, row);
                for (size_t a = 0; a < nt; a++) z->resid[e * nt + a] = NAN;
                for (size_t a = 0; a < m; a++) z->resid[e * nt + k[a]] = row[a];
            }
        }
        e0 += cnt;
    }
    for (size_t e = 0; e < ne; e++)
        for (size_t a = 0; a < nt; a++)
            z->resid[e * nt + a] += ncol[a] == 1 ? coef[first[a]] : 1;
    rc = 0;
out:
    free(tm);
    free(vm);
    free(vt);
    free(row);
    free(sub);
    free(ncol);
    free(first);
    free(k);
    return rc;
}

int cox_zph_compute(size_t n, const double *time, const int *event, const int *strata,
                    const double *x, size_t p, const double *coef, const size_t *term,
                    size_t nterm, int efron, cox_zph *z)
{
    memset(z, 0, sizeof *z);
    size_t q = 2 * p, ne = 0;
    for (size_t i = 0; i < n; i++) ne += event[i] != 0;
    z->nterm = nterm;
    z->nevent = ne;
    zph_row *ord = malloc((n + 1) * sizeof *ord);
    double *tt = malloc((n + 1) * sizeof *tt), *xc = malloc((n * p + 1) * sizeof *xc);
    double *r = malloc((n + 1) * sizeof *r), *u = calloc(q + 1, sizeof *u);
    double *M = calloc(q * q + 1, sizeof *M), *sch = calloc(ne * p + 1, sizeof *sch);
    double *work = malloc((2 * p + 2 * p * p + 1) * sizeof *work);
    int *used = NULL;
    size_t *idx = malloc((q + 1) * sizeof *idx);
    z->chisq = malloc((nterm + 1) * sizeof *z->chisq);
    z->p = malloc((nterm + 1) * sizeof *z->p);
    z->df = malloc((nterm + 1) * sizeof *z->df);
    z->time = malloc((ne + 1) * sizeof *z->time);
    z->x = malloc((ne + 1) * sizeof *z->x);
    z->resid = malloc((ne * nterm + 1) * sizeof *z->resid);
    z->var = malloc((nterm * nterm + 1) * sizeof *z->var);
    int rc = -1;
    if (!ord || !tt || !xc || !r || !u || !M || !sch || !work || !idx || !z->chisq || !z->p ||
        !z->df || !z->time || !z->x || !z->resid || !z->var)
        goto out;
    /* g(t): the km transform, centred at its mean over the events */
    zph_km(n, time, event, ord, tt);
    double gm = 0;
    for (size_t i = 0; i < n; i++)
        if (event[i]) gm += tt[i];
    gm /= (double)ne;
    for (size_t i = 0; i < n; i++) r[i] = tt[i] - gm; /* r holds g for now */
    for (size_t i = 0; i < n; i++) ord[i] = (zph_row){time[i], strata ? strata[i] : 0, i};
    qsort(ord, n, sizeof *ord, zph_cmp);
    /* strata in order, and the columns that vary within each (used:
     * the stratum's events, or 0 for a column constant in it) */
    size_t nstrat = 0;
    for (size_t i = 0; i < n; i++) nstrat += i == 0 || ord[i].s != ord[i - 1].s;
    used = calloc(nstrat * p + 1, sizeof *used);
    if (!used) goto out;
    for (size_t i = 0, s = 0; i < n; s++) {
        size_t b = i, d = 0;
        while (b < n && ord[b].s == ord[i].s) d += event[ord[b++].i] != 0;
        for (size_t j = 0; j < p; j++)
            for (size_t k = i; k < b; k++)
                if (x[ord[k].i * p + j] != x[ord[i].i * p + j]) {
                    used[s * p + j] = (int)d;
                    break;
                }
        i = b;
    }
    /* centred covariates and risk scores */
    for (size_t j = 0; j < p; j++) {
        double m = 0;
        for (size_t i = 0; i < n; i++) m += x[i * p + j];
        m /= (double)n;
        for (size_t i = 0; i < n; i++) xc[i * p + j] = x[i * p + j] - m;
    }
    for (size_t k = 0, e = 0; k < n; k++) {
        size_t i = ord[k].i;
        if (!event[i]) continue;
        z->time[e] = time[i];
        z->x[e++] = tt[i];
    }
    memcpy(tt, r, n * sizeof *tt); /* tt now holds g */
    for (size_t i = 0; i < n; i++) {
        double eta = 0;
        for (size_t j = 0; j < p; j++) eta += xc[i * p + j] * coef[j];
        r[i] = exp(eta);
    }
    zph_pass(n, p, ord, event, xc, r, tt, efron, ne, u, M, sch, work);
    for (size_t j = 0; j < p; j++) u[j] = 0;
    /* each term, then all */
    rc = -2;
    for (size_t t = 0; t <= nterm; t++) {
        size_t m = 0;
        for (size_t j = 0; j < p; j++) idx[m++] = j;
        for (size_t j = 0; j < p; j++)
            if (t == nterm || term[j] == t) idx[m++] = j + p;
        z->df[t] = (int)(m - p);
        z->chisq[t] = zph_test(M, q, u, idx, m);
        if (isnan(z->chisq[t])) goto out;
        z->p[t] = pchisq(z->chisq[t], z->df[t], 0, 0);
    }
    rc = zph_scale(z, p, M, sch, used, nstrat, coef, term) == 0 ? 0 : -2;
out:
    free(ord);
    free(tt);
    free(xc);
    free(r);
    free(u);
    free(M);
    free(sch);
    free(work);
    free(used);
    free(idx);
    if (rc != 0) cox_zph_free(z);
    return rc;
}
