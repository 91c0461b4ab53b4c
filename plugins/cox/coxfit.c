/* coxfit.c: Cox regression (Efron/Breslow ties, strata, (start, stop] data,
 * robust variance, tests) following the iteration and convergence rules of
 * R survival's coxph.  Covariates are centred on their means first, which
 * changes neither the partial likelihood nor the Newton iterates. */
#include "coxfit.h"
#include "concord.h"
#include "../common/linalg.h"
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct work {
    const cox_data *d;
    const double *wt;     /* case weights, or NULL (all 1) */
    size_t n, p;
    int efron, exact;
    double *x;            /* centred covariates, n x p */
    size_t *ord;          /* rows by (stratum, stop descending) */
    size_t *ords;         /* rows by (stratum, start descending), counting process */
    size_t *sbeg;         /* nstrata + 1 boundaries into ord / ords */
    size_t nstrata;
    double *eta, *risk;   /* n */
    double *s1, *s2, *d1, *d2, *xb; /* scratch: p, p*p, p, p*p, p */
} work;

void cox_options_default(cox_options *o)
{
    o->efron = 1;
    o->eps = 1e-9;
    o->iter_max = 20;
    o->toler_chol = pow(DBL_EPSILON, 0.75);
    o->toler_inf = sqrt(o->eps);
    o->exact = 0;
}

const char *cox_status_text(int status)
{
    switch (status) {
    case COX_OK: return "ok";
    case COX_ENOMEM: return "out of memory";
    case COX_EINPUT: return "invalid input (no rows, no covariates, or stop time not after start time)";
    case COX_ENOEVENTS: return "no events";
    case COX_ESINGULAR: return "singular design: a covariate is collinear with the others";
    case COX_ENOCONV: return "did not converge";
    case COX_EINFINITE: return "a coefficient may be infinite (monotone likelihood)";
    }
    return "unknown error";
}

/* ---- ordering ------------------------------------------------------------ */

typedef struct sortkey {
    const int *strata;
    const double *t;
} sortkey;

/* stratum ascending, then t descending */
static int key_before(const sortkey *k, size_t a, size_t b)
{
    int sa = k->strata ? k->strata[a] : 0, sb = k->strata ? k->strata[b] : 0;
    if (sa != sb) return sa < sb;
    return k->t[a] > k->t[b];
}

static void msort(const sortkey *k, size_t *idx, size_t *tmp, size_t n)
{
    if (n < 2) return;
    size_t h = n / 2, i = 0, j = h, m = 0;
    msort(k, idx, tmp, h);
    msort(k, idx + h, tmp, n - h);
    while (i < h && j < n) tmp[m++] = key_before(k, idx[j], idx[i]) ? idx[j++] : idx[i++];
    while (i < h) tmp[m++] = idx[i++];
    while (j < n) tmp[m++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

static void work_free(work *w)
{
    free(w->x);
    free(w->ord);
    free(w->ords);
    free(w->sbeg);
    free(w->eta);
    free(w->risk);
    free(w->s1);
    free(w->s2);
    free(w->d1);
    free(w->d2);
    free(w->xb);
}

static int work_init(work *w, const cox_data *d, int efron)
{
    memset(w, 0, sizeof *w);
    size_t n = d->n, p = d->p;
    w->d = d;
    w->wt = d->weight;
    w->n = n;
    w->p = p;
    w->efron = efron;
    w->x = malloc((n * p + 1) * sizeof *w->x);
    w->ord = malloc((n + 1) * sizeof *w->ord);
    w->ords = malloc((n + 1) * sizeof *w->ords);
    w->sbeg = malloc((n + 2) * sizeof *w->sbeg);
    w->eta = malloc((n + 1) * sizeof *w->eta);
    w->risk = malloc((n + 1) * sizeof *w->risk);
    w->s1 = malloc((p + 1) * sizeof *w->s1);
    w->s2 = malloc((p * p + 1) * sizeof *w->s2);
    w->d1 = malloc((p + 1) * sizeof *w->d1);
    w->d2 = malloc((p * p + 1) * sizeof *w->d2);
    w->xb = malloc((p + 1) * sizeof *w->xb);
    size_t *tmp = malloc((n + 1) * sizeof *tmp);
    if (!w->x || !w->ord || !w->ords || !w->sbeg || !w->eta || !w->risk || !w->s1 || !w->s2 ||
        !w->d1 || !w->d2 || !w->xb || !tmp) {
        free(tmp);
        work_free(w);
        return -1;
    }
    for (size_t j = 0; j < p; j++) {
        double m = 0;
        for (size_t i = 0; i < n; i++) m += d->x[i * p + j];
        m /= (double)n;
        for (size_t i = 0; i < n; i++) w->x[i * p + j] = d->x[i * p + j] - m;
    }
    for (size_t i = 0; i < n; i++) w->ord[i] = w->ords[i] = i;
    sortkey k = {d->strata, d->stop};
    msort(&k, w->ord, tmp, n);
    if (d->start) {
        k.t = d->start;
        msort(&k, w->ords, tmp, n);
    }
    free(tmp);
    w->nstrata = 0;
    w->sbeg[0] = 0;
    for (size_t i = 1; i < n; i++)
        if (d->strata && d->strata[w->ord[i]] != d->strata[w->ord[i - 1]]) w->sbeg[++w->nstrata] = i;
    w->sbeg[++w->nstrata] = n;
    return 0;
}

static void set_eta(work *w, const double *beta)
{
    size_t p = w->p;
    for (size_t i = 0; i < w->n; i++) {
        double e = 0;
        for (size_t j = 0; j < p; j++) e += w->x[i * p + j] * beta[j];
        w->eta[i] = e;
        w->risk[i] = exp(e);
    }
}

/* the case weight of row r */
static double wt(const work *w, size_t r)
{
    return w->wt ? w->wt[r] : 1;
}

/* s0 += sign * r, s1 += sign * r x, s2 += sign * r x x' (upper triangle) */
static void accumulate(size_t p, double sign, double r, const double *x, double *s0, double *s1, double *s2)
{
    double rs = sign * r;
    *s0 += rs;
    for (size_t j = 0; j < p; j++) {
        double a = rs * x[j];
        s1[j] += a;
        for (size_t k = j; k < p; k++) s2[j * p + k] += a * x[k];
    }
}

/* The exact partial likelihood's term of nd deaths tied at time t among the
 * rows ord[a..b) at risk (stop >= t; with start times, start < t): minus
 * the log of D = the sum over every set of nd rows at risk of the product
 * of their risks, with its derivatives, by the recursion of Gail, Lubin
 * and Rubinstein (1981) as in R's coxexact: over the rows j, for k = nd
 * down to 1, D_k += r_j D_(k-1) (and the same for the first and second
 * derivatives by the product rule).  Returns 0, or -1 without memory. */
static int exact_term(work *w, size_t a, size_t b, double t, size_t nd, double *loglik, double *u,
                      double *imat)
{
    const cox_data *d = w->d;
    size_t p = w->p, pp = p * p;
    double *f = calloc(nd + 1, sizeof *f), *df = calloc((nd + 1) * p, sizeof *df);
    double *d2f = calloc((nd + 1) * pp, sizeof *d2f);
    if (!f || !df || !d2f) {
        free(f);
        free(df);
        free(d2f);
        return -1;
    }
    f[0] = 1;
    size_t seen = 0;
    for (size_t q = a; q < b; q++) {
        size_t r = w->ord[q];
        if (d->start && d->start[r] >= t) continue;
        const double *x = w->x + r * p;
        double rr = w->risk[r];
        seen++;
        for (size_t k = seen < nd ? seen : nd; k >= 1; k--) {
            double *d2k = d2f + k * pp, *d2m = d2f + (k - 1) * pp, *dk = df + k * p, *dm = df + (k - 1) * p;
            for (size_t j = 0; j < p; j++)
                for (size_t m = j; m < p; m++)
                    d2k[j * p + m] += rr * (x[j] * x[m] * f[k - 1] + x[j] * dm[m] + dm[j] * x[m] + d2m[j * p + m]);
            for (size_t j = 0; j < p; j++) dk[j] += rr * (x[j] * f[k - 1] + dm[j]);
            f[k] += rr * f[k - 1];
        }
    }
    double D = f[nd];
    const double *dD = df + nd * p, *d2D = d2f + nd * pp;
    *loglik -= log(D);
    for (size_t j = 0; j < p; j++) u[j] -= dD[j] / D;
    for (size_t j = 0; j < p; j++)
        for (size_t m = j; m < p; m++) imat[j * p + m] += d2D[j * p + m] / D - dD[j] * dD[m] / (D * D);
    free(f);
    free(df);
    free(d2f);
    return 0;
}

/* Partial log likelihood at beta, its score u and information imat (full
 * symmetric p x p); NaN without memory (exact ties). */
static double coxlik(work *w, const double *beta, double *u, double *imat)
{
    const cox_data *d = w->d;
    size_t p = w->p;
    set_eta(w, beta);
    double loglik = 0;
    memset(u, 0, p * sizeof *u);
    memset(imat, 0, p * p * sizeof *imat);
    for (size_t s = 0; s < w->nstrata; s++) {
        size_t a = w->sbeg[s], b = w->sbeg[s + 1], i = a, js = a;
        double s0 = 0;
        memset(w->s1, 0, p * sizeof *w->s1);
        memset(w->s2, 0, p * p * sizeof *w->s2);
        while (i < b) {
            double t = d->stop[w->ord[i]];
            if (d->start)
                for (; js < b && d->start[w->ords[js]] >= t; js++) {
                    size_t r = w->ords[js];
                    accumulate(p, -1, wt(w, r) * w->risk[r], w->x + r * p, &s0, w->s1, w->s2);
                }
            double d0 = 0, dw = 0;
            size_t nd = 0;
            memset(w->d1, 0, p * sizeof *w->d1);
            memset(w->d2, 0, p * p * sizeof *w->d2);
            for (; i < b && d->stop[w->ord[i]] == t; i++) {
                size_t r = w->ord[i];
                const double *xr = w->x + r * p;
                double wr = wt(w, r);
                accumulate(p, 1, wr * w->risk[r], xr, &s0, w->s1, w->s2);
                if (d->event[r]) {
                    accumulate(p, 1, wr * w->risk[r], xr, &d0, w->d1, w->d2);
                    nd++;
                    dw += wr;
                    loglik += wr * w->eta[r];
                    for (size_t j = 0; j < p; j++) u[j] += wr * xr[j];
                }
            }
            if (w->exact && nd > 1) {
                if (exact_term(w, a, i, t, nd, &loglik, u, imat) != 0) return NAN;
                continue;
            }
            /* Efron: each of the nd steps carries the deaths' mean weight */
            double mw = nd ? dw / (double)nd : 0;
            for (size_t k = 0; k < nd; k++) {
                double f = w->efron ? (double)k / (double)nd : 0;
                double den = s0 - f * d0;
                loglik -= mw * log(den);
                for (size_t j = 0; j < p; j++) {
                    w->xb[j] = (w->s1[j] - f * w->d1[j]) / den;
                    u[j] -= mw * w->xb[j];
                }
                for (size_t j = 0; j < p; j++)
                    for (size_t m = j; m < p; m++)
                        imat[j * p + m] += mw * ((w->s2[j * p + m] - f * w->d2[j * p + m]) / den -
                                                 w->xb[j] * w->xb[m]);
            }
        }
    }
    for (size_t j = 0; j < p; j++)
        for (size_t m = 0; m < j; m++) imat[j * p + m] = imat[m * p + j];
    return loglik;
}

/* Score residuals at beta (n x p), as residuals(coxph, "score"): for row r,
 * dN_r (x_r - mean over the Efron steps of xbar) minus
 * risk_r sum over its at-risk death times and Efron steps k of
 * c_rk (x_r - xbar_k) / s0_k, where c_rk = 1 - k/d for a row dying at that
 * time and 1 otherwise. */
static int score_resid(work *w, const double *beta, double *res)
{
    const cox_data *d = w->d;
    size_t n = w->n, p = w->p;
    set_eta(w, beta);
    /* per death time (in sweep order): a, a' (scalars), b, b', mbar (p) */
    size_t maxd = 0;
    for (size_t i = 0; i < n; i++) maxd += d->event[i] != 0;
    double *qa = malloc((maxd + 1) * sizeof *qa), *qa2 = malloc((maxd + 1) * sizeof *qa2);
    double *qb = malloc((maxd * p + 1) * sizeof *qb), *qb2 = malloc((maxd * p + 1) * sizeof *qb2);
    double *qm = malloc((maxd * p + 1) * sizeof *qm);
    size_t *mlo = malloc((n + 1) * sizeof *mlo), *mhi = malloc((n + 1) * sizeof *mhi);
    size_t *mev = malloc((n + 1) * sizeof *mev);
    if (!qa || !qa2 || !qb || !qb2 || !qm || !mlo || !mhi || !mev) {
        free(qa); free(qa2); free(qb); free(qb2); free(qm); free(mlo); free(mhi); free(mev);
        return -1;
    }
    size_t nt = 0; /* death times so far over all strata */
    for (size_t s = 0; s < w->nstrata; s++) {
        size_t a = w->sbeg[s], b = w->sbeg[s + 1], i = a, js = a;
        double s0 = 0;
        memset(w->s1, 0, p * sizeof *w->s1);
        memset(w->s2, 0, p * p * sizeof *w->s2);
        while (i < b) {
            double t = d->stop[w->ord[i]];
            if (d->start)
                for (; js < b && d->start[w->ords[js]] >= t; js++) {
                    size_t r = w->ords[js];
                    mhi[r] = nt;
                    accumulate(p, -1, wt(w, r) * w->risk[r], w->x + r * p, &s0, w->s1, w->s2);
                }
            double d0 = 0, dw = 0;
            size_t nd = 0, i0 = i;
            memset(w->d1, 0, p * sizeof *w->d1);
            for (; i < b && d->stop[w->ord[i]] == t; i++) {
                size_t r = w->ord[i];
                const double *xr = w->x + r * p;
                double wr = wt(w, r);
                mlo[r] = nt;
                accumulate(p, 1, wr * w->risk[r], xr, &s0, w->s1, w->s2);
                if (d->event[r]) {
                    d0 += wr * w->risk[r];
                    for (size_t j = 0; j < p; j++) w->d1[j] += wr * w->risk[r] * xr[j];
                    nd++;
                    dw += wr;
                }
            }
            if (nd == 0) continue;
            /* hazard increments of the Efron steps: mean death weight / den */
            double mw = dw / (double)nd;
            double sa = 0, sa2 = 0;
            double *sb = qb + nt * p, *sb2 = qb2 + nt * p, *sm = qm + nt * p;
            for (size_t j = 0; j < p; j++) sb[j] = sb2[j] = sm[j] = 0;
            for (size_t k = 0; k < nd; k++) {
                double f = w->efron ? (double)k / (double)nd : 0;
                double den = s0 - f * d0;
                sa += mw / den;
                sa2 += mw * (1 - f) / den;
                for (size_t j = 0; j < p; j++) {
                    double xb = (w->s1[j] - f * w->d1[j]) / den;
                    sb[j] += mw * xb / den;
                    sb2[j] += mw * (1 - f) * xb / den;
                    sm[j] += xb / (double)nd;
                }
            }
            qa[nt] = sa;
            qa2[nt] = sa2;
            for (size_t k = i0; k < i; k++) mev[w->ord[k]] = nt;
            nt++;
        }
        if (d->start)
            for (; js < b; js++) mhi[w->ords[js]] = nt;
        else
            for (size_t k = a; k < b; k++) mhi[w->ord[k]] = nt;
    }
    /* cumulative sums over death times in sweep order: C[m] = sum_{m' < m} */
    double *ca = malloc((nt + 1) * sizeof *ca), *cb = malloc(((nt + 1) * p + 1) * sizeof *cb);
    if (!ca || !cb) {
        free(ca); free(cb);
        free(qa); free(qa2); free(qb); free(qb2); free(qm); free(mlo); free(mhi); free(mev);
        return -1;
    }
    ca[0] = 0;
    for (size_t j = 0; j < p; j++) cb[j] = 0;
    for (size_t m = 0; m < nt; m++) {
        ca[m + 1] = ca[m] + qa[m];
        for (size_t j = 0; j < p; j++) cb[(m + 1) * p + j] = cb[m * p + j] + qb[m * p + j];
    }
    for (size_t r = 0; r < n; r++) {
        const double *xr = w->x + r * p;
        size_t lo = mlo[r], hi = mhi[r];
        double A = ca[hi] - ca[lo];
        double *out = res + r * p;
        for (size_t j = 0; j < p; j++) out[j] = -(xr[j] * A - (cb[hi * p + j] - cb[lo * p + j]));
        if (d->event[r]) {
            /* the row's own death time uses c = 1 - k/d */
            size_t m = mev[r];
            for (size_t j = 0; j < p; j++) {
                out[j] += xr[j] * qa[m] - qb[m * p + j];
                out[j] -= xr[j] * qa2[m] - qb2[m * p + j];
            }
        }
        for (size_t j = 0; j < p; j++) out[j] *= w->risk[r];
        if (d->event[r]) {
            size_t m = mev[r];
            for (size_t j = 0; j < p; j++) out[j] += xr[j] - qm[m * p + j];
        }
    }
    free(ca); free(cb);
    free(qa); free(qa2); free(qb); free(qb2); free(qm); free(mlo); free(mhi); free(mev);
    return 0;
}

/* Score residuals, times the case weights, summed within clusters: ncl x p
 * (as residuals(coxph, "score", weighted = TRUE, collapse = cluster)). */
static int cluster_resid(work *w, const double *beta, const int *cluster, size_t ncl, double *out)
{
    size_t n = w->n, p = w->p;
    double *res = malloc((n * p + 1) * sizeof *res);
    if (!res || score_resid(w, beta, res) != 0) {
        free(res);
        return -1;
    }
    memset(out, 0, ncl * p * sizeof *out);
    for (size_t i = 0; i < n; i++) {
        size_t c = cluster ? (size_t)cluster[i] : i;
        for (size_t j = 0; j < p; j++) out[c * p + j] += wt(w, i) * res[i * p + j];
    }
    free(res);
    return 0;
}

void cox_fit_free(cox_fit *f)
{
    free(f->coef);
    free(f->var);
    free(f->naive_var);
    free(f->pvalue);
    memset(f, 0, sizeof *f);
}

static int check_input(const cox_data *d, cox_fit *f)
{
    if (d->n == 0 || d->p == 0) return COX_EINPUT;
    size_t ne = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (!isfinite(d->stop[i])) return COX_EINPUT;
        if (d->start && !(isfinite(d->start[i]) && d->start[i] < d->stop[i])) return COX_EINPUT;
        if (d->event[i] != 0 && d->event[i] != 1) return COX_EINPUT;
        if (d->cluster && (d->cluster[i] < 0 || (size_t)d->cluster[i] >= d->ncluster)) return COX_EINPUT;
        if (d->weight && !(isfinite(d->weight[i]) && d->weight[i] > 0)) return COX_EINPUT;
        for (size_t j = 0; j < d->p; j++)
            if (!isfinite(d->x[i * d->p + j])) return COX_EINPUT;
        ne += d->event[i] != 0;
    }
    f->nevents = ne;
    return ne == 0 ? COX_ENOEVENTS : COX_OK;
}

int cox_fit_model(const cox_data *d, const cox_options *o, cox_fit *f)
{
    size_t p = d->p, n = d->n;
    memset(f, 0, sizeof *f);
    f->p = p;
    f->n = n;
    f->coef = calloc(p + 1, sizeof *f->coef);
    f->var = calloc(p * p + 1, sizeof *f->var);
    f->naive_var = calloc(p * p + 1, sizeof *f->naive_var);
    f->pvalue = calloc(p + 1, sizeof *f->pvalue);
    if (!f->coef || !f->var || !f->naive_var || !f->pvalue) return f->status = COX_ENOMEM;
    int st = check_input(d, f);
    if (st != COX_OK) return f->status = st;

    work w;
    if ((o->exact && d->weight) || (o->exact && d->cluster)) return f->status = COX_EINPUT;
    if (work_init(&w, d, o->efron) != 0) return f->status = COX_ENOMEM;
    w.exact = o->exact;
    double *beta = calloc(p + 1, sizeof *beta), *newbeta = calloc(p + 1, sizeof *newbeta);
    double *u = malloc((p + 1) * sizeof *u), *a = malloc((p + 1) * sizeof *a);
    double *imat = malloc((p * p + 1) * sizeof *imat);
    double *r0 = NULL, *rv = NULL;
    if (!beta || !newbeta || !u || !a || !imat) {
        st = COX_ENOMEM;
        goto done;
    }

    /* iteration 0: beta = 0, the score test and the first Newton step */
    double lk0 = coxlik(&w, beta, u, imat);
    f->loglik0 = lk0;
    memcpy(a, u, p * sizeof *a);
    pc_chol(imat, p, o->toler_chol);
    pc_chol_solve(imat, p, a);
    double sc = 0;
    for (size_t j = 0; j < p; j++) sc += a[j] * u[j];
    f->score_test = sc;
    for (size_t j = 0; j < p; j++) newbeta[j] = beta[j] + a[j];

    double best = lk0, newlk = lk0;
    int halving = 0, converged = 0, iter;
    for (iter = 1; iter <= o->iter_max; iter++) {
        newlk = coxlik(&w, newbeta, u, imat);
        pc_chol(imat, p, o->toler_chol);
        if (fabs(1 - best / newlk) <= o->eps && !halving) {
            converged = 1;
            break;
        }
        if (iter == o->iter_max) break;
        if (!isfinite(newlk) || newlk < best) {
            halving = 1;
            for (size_t j = 0; j < p; j++) newbeta[j] = (newbeta[j] + beta[j]) / 2;
        } else {
            halving = 0;
            best = newlk;
            pc_chol_solve(imat, p, u);
            for (size_t j = 0; j < p; j++) {
                beta[j] = newbeta[j];
                newbeta[j] += u[j];
            }
        }
    }
    f->iter = iter > o->iter_max ? o->iter_max : iter;
    if (!converged) {
        st = COX_ENOCONV;
        goto done;
    }
    /* u is the score at newbeta; imat holds its decomposition */
    pc_chol_inv(imat, p);
    memcpy(f->coef, newbeta, p * sizeof *f->coef);
    memcpy(f->naive_var, imat, p * p * sizeof *imat);
    f->loglik = newlk;
    for (size_t j = 0; j < p; j++)
        if (imat[j * p + j] == 0) {
            f->bad = j;
            st = COX_ESINGULAR;
            goto done;
        }
    for (size_t j = 0; j < p; j++) {
        double s = 0;
        for (size_t k = 0; k < p; k++) s += u[k] * imat[k * p + j];
        s = fabs(s);
        if (!isfinite(u[j]) || (s > o->eps && s > o->toler_inf * fabs(f->coef[j]))) {
            f->bad = j;
            st = COX_EINFINITE;
            goto done;
        }
    }
    f->df = (int)p;
    f->lr_test = 2 * (f->loglik - f->loglik0);
    memcpy(f->var, f->naive_var, p * p * sizeof *f->var);

    if (d->cluster) {
        size_t ncl = d->ncluster;
        r0 = malloc((ncl * p + 1) * sizeof *r0);
        rv = malloc((p * p + 1) * sizeof *rv);
        if (!r0 || !rv || cluster_resid(&w, f->coef, d->cluster, ncl, r0) != 0) {
            st = COX_ENOMEM;
            goto done;
        }
        /* dfbeta = resid %*% naive var, robust var = dfbeta' dfbeta */
        double *dfb = malloc((p + 1) * sizeof *dfb);
        if (!dfb) {
            st = COX_ENOMEM;
            goto done;
        }
        memset(rv, 0, p * p * sizeof *rv);
        for (size_t c = 0; c < ncl; c++) {
            for (size_t j = 0; j < p; j++) {
                double s = 0;
                for (size_t k = 0; k < p; k++) s += r0[c * p + k] * f->naive_var[k * p + j];
                dfb[j] = s;
            }
            for (size_t j = 0; j < p; j++)
                for (size_t k = 0; k < p; k++) rv[j * p + k] += dfb[j] * dfb[k];
        }
        free(dfb);
        memcpy(f->var, rv, p * p * sizeof *rv);
        f->robust = 1;
        /* robust score test from the score residuals at beta = 0 */
        memset(beta, 0, p * sizeof *beta);
        if (cluster_resid(&w, beta, d->cluster, ncl, r0) != 0) {
            st = COX_ENOMEM;
            goto done;
        }
        memset(rv, 0, p * p * sizeof *rv);
        memset(a, 0, p * sizeof *a);
        for (size_t c = 0; c < ncl; c++)
            for (size_t j = 0; j < p; j++) {
                a[j] += r0[c * p + j];
                for (size_t k = 0; k < p; k++) rv[j * p + k] += r0[c * p + j] * r0[c * p + k];
            }
        f->robust_score_test = pc_quad_inv(rv, p, a, o->toler_chol, NULL);
    }
    f->wald_test = pc_quad_inv(f->var, p, f->coef, o->toler_chol, NULL);
    for (size_t j = 0; j < p; j++) {
        double z = f->coef[j] / sqrt(f->var[j * p + j]);
        f->pvalue[j] = pchisq(z * z, 1, 0, 0);
    }
    f->lr_p = pchisq(f->lr_test, f->df, 0, 0);
    f->wald_p = pchisq(f->wald_test, f->df, 0, 0);
    f->score_p = pchisq(f->score_test, f->df, 0, 0);
    f->robust_score_p = f->robust ? pchisq(f->robust_score_test, f->df, 0, 0) : NAN;

    /* concordance of the linear predictor (centred: ranks are unchanged);
     * not computed with case weights (missing) */
    if (d->weight) {
        for (size_t k = 0; k < 5; k++) f->conc_count[k] = NAN;
        f->concordance = f->concordance_se = NAN;
        st = COX_OK;
        goto done;
    }
    set_eta(&w, f->coef);
    if (cox_concordance(n, d->start, d->stop, d->event, d->strata, w.eta, d->cluster, d->ncluster,
                        f->conc_count, &f->concordance, &f->concordance_se) != 0) {
        st = COX_ENOMEM;
        goto done;
    }
    st = COX_OK;
done:
    free(beta); free(newbeta); free(u); free(a); free(imat); free(r0); free(rv);
    work_free(&w);
    return f->status = st;
}
