/* cifcore.c: Aalen-Johansen cumulative incidence with cuminc's variance,
 * log(-log) intervals and Gray's test (see cifcore.h).  The variance and
 * the test follow Gray (1988, Ann. Stat. 16:1141) as implemented in cmprsk,
 * so that results agree with cuminc to rounding error. */
#define MATHLIB_STANDALONE
#include "cifcore.h"
#include "../common/linalg.h"
#include <Rmath.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct cif_obs {
    int stratum;
    double time;
    int kind;   /* 0 censored, 1 the cause, 2 another cause */
    int group;
    double wt;  /* case weight (1 without weights) */
    size_t cl;  /* cluster (the row itself without clusters) */
} cif_obs;

static int cif_cmp(const void *a, const void *b)
{
    const cif_obs *x = a, *y = b;
    if (x->stratum != y->stratum) return (x->stratum > y->stratum) - (x->stratum < y->stratum);
    return (x->time > y->time) - (x->time < y->time);
}

static int cif_kind(int status, int cause)
{
    return status == 0 ? 0 : status == cause ? 1 : 2;
}

void cif_free(cif_curve *c)
{
    free(c->time);
    free(c->est);
    free(c->var);
    free(c->nrisk);
    free(c->nevent);
    memset(c, 0, sizeof *c);
}

/* Variance terms of one step for the accumulators v[0..2] (Gray's delta
 * method): nd events at risk set rs, overall survival fk before and fkn
 * after the time; own != 0 for events of the cause. */
static void cif_var_step(double v[3], double nd, double rs, double fk, double fkn,
                         double f, int own)
{
    double t5 = nd > 1 ? 1 - (nd - 1) / (rs - 1) : 1;
    double t6 = fk * fk * t5 * nd / (rs * rs);
    double t3 = fkn > 0 ? 1 / fkn : 0;
    double t4 = own ? 1 + t3 * f : f * t3;
    v[0] += t4 * t4 * t6;
    v[1] += t3 * t4 * t6;
    v[2] += t3 * t3 * t6;
}

/* The observations of one sample sorted by time, kinds relative to
 * `cause`, with their weights (wt NULL: 1) and clusters (cluster NULL:
 * each row its own); NULL when out of memory. */
static cif_obs *cif_sorted(const double *time, const int *status, const double *wt,
                           const size_t *cluster, size_t n, int cause)
{
    cif_obs *obs = malloc((n + 1) * sizeof *obs);
    if (!obs) return NULL;
    for (size_t i = 0; i < n; i++) {
        obs[i].stratum = 0;
        obs[i].time = time[i];
        obs[i].kind = cif_kind(status[i], cause);
        obs[i].group = 0;
        obs[i].wt = wt ? wt[i] : 1;
        obs[i].cl = cluster ? cluster[i] : i;
    }
    qsort(obs, n, sizeof *obs, cif_cmp);
    return obs;
}

int cif_fit(const double *time, const int *status, size_t n, int cause, cif_curve *c)
{
    return cif_fit_w(time, status, NULL, n, cause, c);
}

int cif_fit_w(const double *time, const int *status, const double *wt, size_t n, int cause,
              cif_curve *c)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    cif_obs *obs = cif_sorted(time, status, wt, NULL, n, cause);
    if (!obs) return CIF_NOMEM;
    size_t m = 0; /* distinct times with an event of the cause */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int own = 0;
        for (; j < n && obs[j].time == obs[i].time; j++) own |= obs[j].kind == 1;
        m += own;
        i = j;
    }
    double **arrs[] = {&c->time, &c->est, &c->var, &c->nrisk, &c->nevent};
    for (size_t k = 0; k < sizeof arrs / sizeof arrs[0]; k++) {
        *arrs[k] = malloc((m + 1) * sizeof **arrs[k]);
        if (!*arrs[k]) {
            free(obs);
            cif_free(c);
            return CIF_NOMEM;
        }
    }
    c->tmax = n > 0 ? obs[n - 1].time : NAN;
    /* rs, nd1, nd2: sums of weights; the counts reported (nrisk, nevent)
     * are of rows, as multi-state survfit's n.risk and n.event */
    double fk = 1, f = 0, v[3] = {0, 0, 0}, rs = 0;
    for (size_t i = 0; i < n; i++) rs += obs[i].wt;
    size_t s = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double nd1 = 0, nd2 = 0, gone = 0, k1 = 0;
        while (j < n && obs[j].time == obs[i].time) {
            nd1 += obs[j].kind == 1 ? obs[j].wt : 0;
            nd2 += obs[j].kind == 2 ? obs[j].wt : 0;
            k1 += obs[j].kind == 1;
            gone += obs[j].wt;
            j++;
        }
        if (nd1 + nd2 > 0) {
            double fkn = fk * (rs - nd1 - nd2) / rs;
            if (nd1 > 0) f += fk * nd1 / rs;
            if (nd2 > 0 && fkn > 0) cif_var_step(v, nd2, rs, fk, fkn, f, 0);
            if (nd1 > 0) {
                cif_var_step(v, nd1, rs, fk, fkn, f, 1);
                c->time[s] = obs[i].time;
                c->est[s] = f;
                c->var[s] = v[0] + f * f * v[2] - 2 * f * v[1];
                c->nrisk[s] = (double)(n - i);
                c->nevent[s] = k1;
                c->nevents += k1;
                s++;
            }
            fk = fkn;
        }
        rs = j < n ? rs - gone : 0;
        i = j;
    }
    c->nsteps = s;
    free(obs);
    return CIF_OK;
}

void cif_at(const cif_curve *c, double t, double *est, double *var)
{
    if (c->n == 0 || t > c->tmax || isnan(t)) {
        *est = *var = NAN;
        return;
    }
    *est = *var = 0;
    for (size_t i = 0; i < c->nsteps && c->time[i] <= t; i++) {
        *est = c->est[i];
        *var = c->var[i];
    }
}

void cif_ci(double est, double var, double conf_level, cif_ci_type type, double *lower, double *upper)
{
    *lower = *upper = NAN;
    double z = qnorm(1 - (1 - conf_level) / 2, 0, 1, 1, 0);
    if (type == CIF_CI_LOG) {
        if (!(est > 0) || !(var >= 0)) return;
        double w = z * sqrt(var) / est;
        *lower = est * exp(-w);
        *upper = fmin(est * exp(w), 1);
        return;
    }
    if (!(est > 0 && est < 1) || !(var >= 0)) return;
    double w = z * sqrt(var) / (est * log(est));
    *lower = pow(est, exp(-w));
    *upper = pow(est, exp(w));
}

/* Work space of Gray's test for ng groups. */
typedef struct gray_work {
    size_t ng;
    double *rs, *f1m, *f1, *skmm, *skm, *v3, *d1, *d2;   /* ng each */
    double *a, *c;      /* ng x ng */
    double *v2;         /* (ng - 1) x ng */
    double *s, *v;      /* scores (ng - 1) and their variance (ng - 1)^2 */
} gray_work;

/* Add the scores and variance of one stratum (obs[0..m-1], sorted by time)
 * to w->s and w->v.  The pooled estimate f is Gray's weighted combination
 * and may exceed 1 late in follow-up; it is used as is, as in cmprsk. */
static void gray_stratum(const cif_obs *obs, size_t m, double rho, gray_work *w)
{
    size_t ng = w->ng, g1 = ng - 1;
    double *st = w->s + g1, *vt = w->v + g1 * g1; /* this stratum's part */
    memset(st, 0, g1 * sizeof *st);
    memset(vt, 0, g1 * g1 * sizeof *vt);
    for (size_t i = 0; i < ng; i++) {
        w->rs[i] = 0;
        w->f1m[i] = w->f1[i] = 0;
        w->skmm[i] = w->skm[i] = 1;
        w->v3[i] = 0;
    }
    memset(w->c, 0, ng * ng * sizeof *w->c);
    memset(w->v2, 0, g1 * ng * sizeof *w->v2);
    for (size_t i = 0; i < m; i++) w->rs[obs[i].group]++;
    double fm = 0, f = 0;
    for (size_t lo = 0; lo < m;) {
        size_t hi = lo;
        double nd1 = 0, nd2 = 0;
        for (size_t i = 0; i < ng; i++) w->d1[i] = w->d2[i] = 0;
        while (hi < m && obs[hi].time == obs[lo].time) {
            if (obs[hi].kind == 1) w->d1[obs[hi].group]++;
            if (obs[hi].kind == 2) w->d2[obs[hi].group]++;
            hi++;
        }
        for (size_t i = 0; i < ng; i++) {
            nd1 += w->d1[i];
            nd2 += w->d2[i];
        }
        if (nd1 + nd2 > 0) {
            double tr = 0, tq = 0;
            for (size_t i = 0; i < ng; i++) {
                if (w->rs[i] <= 0) continue;
                w->skm[i] = w->skmm[i] * (w->rs[i] - w->d1[i] - w->d2[i]) / w->rs[i];
                w->f1[i] = w->f1m[i] + w->skmm[i] * w->d1[i] / w->rs[i];
                tr += w->rs[i] / w->skmm[i];
                tq += w->rs[i] * (1 - w->f1m[i]) / w->skmm[i];
            }
            f = fm + nd1 / tr;
            double fb = rho == 0 ? 1 : pow(1 - fm, rho);
            double *a = w->a, *c = w->c;
            for (size_t i = 0; i < ng; i++) {
                for (size_t j = i; j < ng; j++) a[i * ng + j] = 0;
                if (w->rs[i] <= 0) continue;
                double t1 = w->rs[i] / w->skmm[i];
                a[i * ng + i] = fb * t1 * (1 - t1 / tr);
                if (nd1 > 0) c[i * ng + i] += a[i * ng + i] * nd1 / (tr * (1 - fm));
                for (size_t j = i + 1; j < ng; j++) {
                    if (w->rs[j] <= 0) continue;
                    a[i * ng + j] = -fb * t1 * w->rs[j] / (w->skmm[j] * tr);
                    if (nd1 > 0) c[i * ng + j] += a[i * ng + j] * nd1 / (tr * (1 - fm));
                }
            }
            for (size_t i = 1; i < ng; i++)
                for (size_t j = 0; j < i; j++) {
                    a[i * ng + j] = a[j * ng + i];
                    c[i * ng + j] = c[j * ng + i];
                }
            for (size_t i = 0; i < g1; i++)
                if (w->rs[i] > 0)
                    st[i] += fb * (w->d1[i] - nd1 * w->rs[i] * (1 - w->f1m[i]) /
                                                  (w->skmm[i] * tq));
            if (nd1 > 0) {
                for (size_t k = 0; k < ng; k++) {
                    if (w->rs[k] <= 0) continue;
                    double t4 = w->skm[k] > 0 ? 1 - (1 - f) / w->skm[k] : 1;
                    double t5 = nd1 > 1 ? 1 - (nd1 - 1) / (tr * w->skmm[k] - 1) : 1;
                    double t3 = t5 * w->skmm[k] * nd1 / (tr * w->rs[k]);
                    w->v3[k] += t4 * t4 * t3;
                    for (size_t i = 0; i < g1; i++) {
                        double t1 = a[i * ng + k] - t4 * c[i * ng + k];
                        w->v2[i * ng + k] += t1 * t4 * t3;
                        for (size_t j = 0; j <= i; j++)
                            vt[i * g1 + j] += t1 * (a[j * ng + k] - t4 * c[j * ng + k]) * t3;
                    }
                }
            }
            if (nd2 > 0) {
                for (size_t k = 0; k < ng; k++) {
                    if (w->skm[k] <= 0 || w->d2[k] <= 0) continue;
                    double t4 = (1 - f) / w->skm[k];
                    double t5 = w->d2[k] > 1 ? 1 - (w->d2[k] - 1) / (w->rs[k] - 1) : 1;
                    double t3 = t5 * w->skmm[k] * w->skmm[k] * w->d2[k] / (w->rs[k] * w->rs[k]);
                    w->v3[k] += t4 * t4 * t3;
                    for (size_t i = 0; i < g1; i++) {
                        double t1 = t4 * c[i * ng + k];
                        w->v2[i * ng + k] -= t1 * t4 * t3;
                        for (size_t j = 0; j <= i; j++)
                            vt[i * g1 + j] += t1 * t4 * c[j * ng + k] * t3;
                    }
                }
            }
        }
        for (size_t i = lo; i < hi; i++) w->rs[obs[i].group]--;
        fm = f;
        for (size_t i = 0; i < ng; i++) {
            w->f1m[i] = w->f1[i];
            w->skmm[i] = w->skm[i];
        }
        lo = hi;
    }
    for (size_t i = 0; i < g1; i++)
        for (size_t j = 0; j <= i; j++) {
            double x = 0;
            for (size_t k = 0; k < ng; k++)
                x += w->c[i * ng + k] * w->c[j * ng + k] * w->v3[k] +
                     w->c[i * ng + k] * w->v2[j * ng + k] + w->c[j * ng + k] * w->v2[i * ng + k];
            vt[i * g1 + j] += x;
        }
    for (size_t i = 0; i < g1; i++) {
        w->s[i] += st[i];
        for (size_t j = 0; j <= i; j++) {
            w->v[i * g1 + j] += vt[i * g1 + j];
            w->v[j * g1 + i] = w->v[i * g1 + j];
        }
    }
}

int cif_gray(const double *time, const int *status, const int *group,
             const int *strata, size_t n, size_t ngroups, int cause, double rho,
             double *stat, int *df, double *p)
{
    *stat = *p = NAN;
    *df = (int)ngroups - 1;
    if (ngroups < 2) return CIF_DEGENERATE;
    size_t ng = ngroups, g1 = ng - 1;
    gray_work w;
    memset(&w, 0, sizeof w);
    w.ng = ng;
    double *blk = malloc((8 * ng + 2 * ng * ng + g1 * ng + 2 * (g1 + g1 * g1)) * sizeof *blk);
    cif_obs *obs = malloc((n + 1) * sizeof *obs);
    if (!blk || !obs) {
        free(blk);
        free(obs);
        return CIF_NOMEM;
    }
    double *q = blk;
    double **vecs[] = {&w.rs, &w.f1m, &w.f1, &w.skmm, &w.skm, &w.v3, &w.d1, &w.d2};
    for (size_t k = 0; k < 8; k++, q += ng) *vecs[k] = q;
    w.a = q; q += ng * ng;
    w.c = q; q += ng * ng;
    w.v2 = q; q += g1 * ng;
    w.s = q; q += 2 * g1;              /* total, then one stratum's */
    w.v = q;                           /* total, then one stratum's */
    memset(w.s, 0, g1 * sizeof *w.s);
    memset(w.v, 0, g1 * g1 * sizeof *w.v);
    for (size_t i = 0; i < n; i++) {
        obs[i].stratum = strata ? strata[i] : 0;
        obs[i].time = time[i];
        obs[i].kind = cif_kind(status[i], cause);
        obs[i].group = group[i];
    }
    qsort(obs, n, sizeof *obs, cif_cmp);
    int rc = CIF_OK;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && obs[j].stratum == obs[i].stratum) j++;
        gray_stratum(obs + i, j - i, rho, &w);
        i = j;
    }
    for (size_t i = 0; i < g1 * g1 && rc == CIF_OK; i++)
        if (!isfinite(w.v[i]) || (i < g1 && !isfinite(w.s[i]))) rc = CIF_DEGENERATE;
    if (rc == CIF_OK) {
        /* statistic s' V^-1 s; the decomposition goes into a's space */
        double *vv = w.a, *x = w.c;
        memcpy(vv, w.v, g1 * g1 * sizeof *vv);
        memcpy(x, w.s, g1 * sizeof *x);
        if (pc_chol(vv, g1, 1e-9) != (int)g1) {
            rc = CIF_SINGULAR;
        } else {
            pc_chol_solve(vv, g1, x);
            double st = 0;
            for (size_t i = 0; i < g1; i++) st += x[i] * w.s[i];
            *stat = st;
            *p = pchisq(st, *df, 0, 0);
        }
    }
    free(blk);
    free(obs);
    return rc;
}

int cif_var_ij(const double *time, const int *status, size_t n, int cause, cif_curve *c)
{
    return cif_var_ij_w(time, status, NULL, NULL, 0, n, cause, c);
}

int cif_var_ij_w(const double *time, const int *status, const double *wt, const size_t *cluster,
                 size_t ncluster, size_t n, int cause, cif_curve *c)
{
    size_t ng = cluster ? ncluster : n;
    cif_obs *obs = cif_sorted(time, status, wt, cluster, n, cause);
    double *A = calloc(n + 1, sizeof *A), *C = calloc(n + 1, sizeof *C);
    double *G = calloc(ng + 1, sizeof *G), *left = malloc((n + 1) * sizeof *left);
    if (!obs || !A || !C || !G || !left) {
        free(obs);
        free(A);
        free(C);
        free(G);
        free(left);
        return CIF_NOMEM;
    }
    left[n] = 0;
    for (size_t i = n; i-- > 0;) left[i] = left[i + 1] + obs[i].wt;
    /* Per subject p (in time order): A[p] is the influence of its weight
     * on -log S(t), C[p] on the incidence F(t) = sum S(s-) dk(s) / Y(s).
     * At a time s with Y at risk (positions i..n-1), d events of which dk
     * of the cause: dF = S(s-) dk/Y moves C by -S A[p] dk/Y + S (dNk[p] -
     * Y[p] dk/Y) / Y, and A by (dN[p] - Y[p] d/Y) / (Y - d).  Y, d and dk
     * are sums of weights; the variance is the sum over clusters of the
     * squared weighted influence sum_p w[p] C[p]. */
    double S = 1;
    size_t step = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double d = 0, dk = 0;
        for (; j < n && obs[j].time == obs[i].time; j++) {
            d += obs[j].kind != 0 ? obs[j].wt : 0;
            dk += obs[j].kind == 1 ? obs[j].wt : 0;
        }
        double Y = left[i], h = d / Y, hk = dk / Y;
        if (dk > 0) {
            double v = 0;
            memset(G, 0, ng * sizeof *G);
            for (size_t q = 0; q < n; q++) {
                double dnk = q >= i && q < j && obs[q].kind == 1, yq = q >= i;
                C[q] += -S * A[q] * hk + S * (dnk - yq * hk) / Y;
                G[obs[q].cl] += obs[q].wt * C[q];
            }
            for (size_t g = 0; g < ng; g++) v += G[g] * G[g];
            if (step < c->nsteps) c->var[step++] = v;
        }
        if (d > 0 && Y > d)
            for (size_t q = i; q < n; q++) A[q] += ((q < j && obs[q].kind != 0) - h) / (Y - d);
        S *= 1 - h;
        i = j;
    }
    free(obs);
    free(A);
    free(C);
    free(G);
    free(left);
    return CIF_OK;
}
