/* crr.c: Fine-Gray regression following cmprsk's crr.
 *
 * Data are sorted by time.  At a distinct time t of the event of interest
 * the risk set holds everyone with time >= t (weight 1) and everyone who
 * had a competing event before t (weight G(t-) / G(T_j-)), G the
 * Kaplan-Meier estimate of the censoring distribution.  The sums over these
 * risk sets are a suffix sum plus G(t-) times a prefix sum, so one fit costs
 * O(n p^2) per iteration; the sandwich variance's terms (eta_i, the score
 * contribution, and psi_i, the censoring correction) are likewise prefix
 * and suffix sums.  Covariates are centred first, which changes neither the
 * pseudo-likelihood nor the Newton iterates. */
#include "crr.h"
#include "../common/linalg.h"
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct work {
    size_t n, p;
    double *t, *x, *g;    /* sorted times, centred covariates, G(t-) */
    int *st;              /* sorted status: 0 censored, 1 event, 2 competing */
    size_t ng;            /* distinct event times (of interest) */
    size_t *gbeg;         /* first sorted index of each such time's tie group */
    double *gd;           /* events at that time */
    double *e;            /* exp(eta), n */
    double *s0, *s1, *s2; /* risk-set sums per event time: ng, ng*p, ng*p*p */
} work;

void crr_options_default(crr_options *o)
{
    o->gtol = 1e-6;
    o->maxiter = 10;
}

const char *crr_status_text(int status)
{
    switch (status) {
    case CRR_OK: return "ok";
    case CRR_ENOMEM: return "out of memory";
    case CRR_EINPUT: return "invalid input (no rows, no covariates or non-finite values)";
    case CRR_ENOEVENTS: return "no events of interest";
    case CRR_ESINGULAR: return "singular information matrix: a covariate is collinear with the others";
    case CRR_ENOCONV: return "did not converge";
    }
    return "unknown error";
}

static void msort(const double *key, size_t *idx, size_t *tmp, size_t n)
{
    if (n < 2) return;
    size_t h = n / 2, i = 0, j = h, m = 0;
    msort(key, idx, tmp, h);
    msort(key, idx + h, tmp, n - h);
    while (i < h && j < n) tmp[m++] = key[idx[j]] < key[idx[i]] ? idx[j++] : idx[i++];
    while (i < h) tmp[m++] = idx[i++];
    while (j < n) tmp[m++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

static void work_free(work *w)
{
    free(w->t); free(w->x); free(w->g); free(w->st); free(w->gbeg); free(w->gd);
    free(w->e); free(w->s0); free(w->s1); free(w->s2);
}

static int work_init(work *w, const crr_data *d)
{
    size_t n = d->n, p = d->p;
    memset(w, 0, sizeof *w);
    w->n = n;
    w->p = p;
    w->t = malloc((n + 1) * sizeof *w->t);
    w->x = malloc((n * p + 1) * sizeof *w->x);
    w->g = malloc((n + 1) * sizeof *w->g);
    w->st = malloc((n + 1) * sizeof *w->st);
    w->gbeg = malloc((n + 1) * sizeof *w->gbeg);
    w->gd = malloc((n + 1) * sizeof *w->gd);
    w->e = malloc((n + 1) * sizeof *w->e);
    size_t *ord = malloc((n + 1) * sizeof *ord), *tmp = malloc((n + 1) * sizeof *tmp);
    double *mean = calloc(p + 1, sizeof *mean);
    if (!w->t || !w->x || !w->g || !w->st || !w->gbeg || !w->gd || !w->e || !ord || !tmp || !mean) {
        free(ord); free(tmp); free(mean);
        work_free(w);
        return -1;
    }
    for (size_t i = 0; i < n; i++) ord[i] = i;
    msort(d->time, ord, tmp, n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) mean[j] += d->x[i * p + j];
    for (size_t j = 0; j < p; j++) mean[j] /= (double)n;
    for (size_t k = 0; k < n; k++) {
        size_t i = ord[k];
        w->t[k] = d->time[i];
        w->st[k] = d->status[i] == 0 ? 0 : d->status[i] == 1 ? 1 : 2;
        for (size_t j = 0; j < p; j++) w->x[k * p + j] = d->x[i * p + j] - mean[j];
    }
    free(ord); free(tmp); free(mean);
    /* G(t-) by Kaplan-Meier of the censoring times; event-time groups */
    double g = 1;
    size_t a = 0;
    w->ng = 0;
    while (a < n) {
        size_t b = a, c = 0, dcount = 0;
        while (b < n && w->t[b] == w->t[a]) {
            c += w->st[b] == 0;
            dcount += w->st[b] == 1;
            b++;
        }
        for (size_t k = a; k < b; k++) w->g[k] = g;
        if (dcount) {
            w->gbeg[w->ng] = a;
            w->gd[w->ng] = (double)dcount;
            w->ng++;
        }
        g *= 1 - (double)c / (double)(n - a);
        a = b;
    }
    w->s0 = malloc((w->ng + 1) * sizeof *w->s0);
    w->s1 = malloc((w->ng * p + 1) * sizeof *w->s1);
    w->s2 = malloc((w->ng * p * p + 1) * sizeof *w->s2);
    if (!w->s0 || !w->s1 || !w->s2) {
        work_free(w);
        return -1;
    }
    return 0;
}

static void set_risk(work *w, const double *b)
{
    size_t p = w->p;
    for (size_t k = 0; k < w->n; k++) {
        double eta = 0;
        for (size_t j = 0; j < p; j++) eta += w->x[k * p + j] * b[j];
        w->e[k] = exp(eta);
    }
}

/* add weight r times (1, x, x x') into (s0, s1, s2), s2 upper triangle */
static void acc(size_t p, double r, const double *x, double *s0, double *s1, double *s2)
{
    *s0 += r;
    for (size_t j = 0; j < p; j++) {
        double a = r * x[j];
        s1[j] += a;
        if (s2)
            for (size_t k = j; k < p; k++) s2[j * p + k] += a * x[k];
    }
}

/* Risk-set sums at every event time for the current exp(eta); s2 only if
 * second is set. */
static int risk_sums(work *w, int second)
{
    size_t n = w->n, p = w->p, ng = w->ng;
    double *a1 = calloc(p + 1, sizeof *a1), *a2 = calloc(p * p + 1, sizeof *a2);
    if (!a1 || !a2) {
        free(a1);
        free(a2);
        return -1;
    }
    /* prefix: competing events before each event time, weight e / G */
    double a0 = 0;
    size_t k = 0;
    for (size_t g = 0; g < ng; g++) {
        for (; k < w->gbeg[g]; k++)
            if (w->st[k] == 2) acc(p, w->e[k] / w->g[k], w->x + k * p, &a0, a1, second ? a2 : NULL);
        double gt = w->g[w->gbeg[g]];
        w->s0[g] = gt * a0;
        for (size_t j = 0; j < p; j++) w->s1[g * p + j] = gt * a1[j];
        if (second)
            for (size_t j = 0; j < p * p; j++) w->s2[g * p * p + j] = gt * a2[j];
    }
    /* suffix: everyone with time >= the event time, weight e */
    double b0 = 0;
    memset(a1, 0, p * sizeof *a1);
    memset(a2, 0, p * p * sizeof *a2);
    k = n;
    for (size_t g = ng; g-- > 0;) {
        for (; k > w->gbeg[g]; k--) acc(p, w->e[k - 1], w->x + (k - 1) * p, &b0, a1, second ? a2 : NULL);
        w->s0[g] += b0;
        for (size_t j = 0; j < p; j++) w->s1[g * p + j] += a1[j];
        if (second)
            for (size_t j = 0; j < p * p; j++) w->s2[g * p * p + j] += a2[j];
    }
    free(a1);
    free(a2);
    return 0;
}

/* Minus the pseudo log-likelihood at b; with s and h also its gradient and
 * Hessian (h full p x p).  NaN if out of memory. */
static double crr_obj(work *w, const double *b, double *s, double *h)
{
    size_t p = w->p;
    set_risk(w, b);
    if (risk_sums(w, h != NULL) != 0) return NAN;
    double f = 0;
    if (s) memset(s, 0, p * sizeof *s);
    if (h) memset(h, 0, p * p * sizeof *h);
    for (size_t g = 0; g < w->ng; g++) {
        size_t a = w->gbeg[g];
        for (size_t k = a; k < w->n && w->t[k] == w->t[a]; k++) {
            if (w->st[k] != 1) continue;
            f -= log(w->e[k]);
            if (s)
                for (size_t j = 0; j < p; j++) s[j] -= w->x[k * p + j];
        }
        double dg = w->gd[g], s0 = w->s0[g];
        f += dg * log(s0);
        if (s)
            for (size_t j = 0; j < p; j++) s[j] += dg * w->s1[g * p + j] / s0;
        if (h)
            for (size_t j = 0; j < p; j++)
                for (size_t m = j; m < p; m++) {
                    double xj = w->s1[g * p + j] / s0, xm = w->s1[g * p + m] / s0;
                    h[j * p + m] += dg * (w->s2[g * p * p + j * p + m] / s0 - xj * xm);
                }
    }
    if (h)
        for (size_t j = 0; j < p; j++)
            for (size_t m = 0; m < j; m++) h[j * p + m] = h[m * p + j];
    return f;
}

/* The middle of the sandwich: sum over subjects of (eta_i + psi_i)
 * (eta_i + psi_i)' at b (risk sums must be current for b). */
static int crr_meat(work *w, double *v2)
{
    size_t n = w->n, p = w->p, ng = w->ng;
    int rc = -1;
    double *xbar = malloc((ng * p + 1) * sizeof *xbar);
    double *p1 = calloc(p + 1, sizeof *p1), *q1 = calloc(p + 1, sizeof *q1);
    double *qa0 = malloc((ng + 2) * sizeof *qa0), *qa1 = malloc(((ng + 2) * p + 1) * sizeof *qa1);
    double *c1 = calloc(p + 1, sizeof *c1), *q = calloc(p + 1, sizeof *q);
    double *cum = calloc(p + 1, sizeof *cum), *r = malloc((p + 1) * sizeof *r);
    if (!xbar || !p1 || !q1 || !qa0 || !qa1 || !c1 || !q || !cum || !r) goto out;
    for (size_t g = 0; g < ng; g++)
        for (size_t j = 0; j < p; j++) xbar[g * p + j] = w->s1[g * p + j] / w->s0[g];
    /* suffix over event times g' >= g of d G / S0 and d G xbar / S0:
     * qa0[g], qa1[g] (qa0[ng] = 0) */
    qa0[ng] = 0;
    for (size_t j = 0; j < p; j++) qa1[ng * p + j] = 0;
    for (size_t g = ng; g-- > 0;) {
        double c = w->gd[g] * w->g[w->gbeg[g]] / w->s0[g];
        qa0[g] = qa0[g + 1] + c;
        for (size_t j = 0; j < p; j++) qa1[g * p + j] = qa1[(g + 1) * p + j] + c * xbar[g * p + j];
    }
    memset(v2, 0, p * p * sizeof *v2);
    double p0 = 0, c0 = 0;
    size_t gnext = 0; /* first event time not yet <= the current time */
    size_t a = 0;
    while (a < n) {
        size_t b = a, ncens = 0;
        while (b < n && w->t[b] == w->t[a]) ncens += w->st[b++] == 0;
        /* event times up to and including t: prefix sums of d / S0 and
         * d xbar / S0 */
        size_t gfirst_after = gnext; /* first event time >= t */
        while (gnext < ng && w->t[w->gbeg[gnext]] <= w->t[a]) {
            double c = w->gd[gnext] / w->s0[gnext];
            p0 += c;
            for (size_t j = 0; j < p; j++) p1[j] += c * xbar[gnext * p + j];
            gnext++;
        }
        /* censoring correction at t: q(t) from competing events before t */
        double y = (double)(n - a);
        if (ncens) {
            for (size_t j = 0; j < p; j++)
                q[j] = c1[j] * qa0[gfirst_after] - c0 * qa1[gfirst_after * p + j];
            for (size_t j = 0; j < p; j++) cum[j] += q[j] * (double)ncens / (y * y);
        }
        for (size_t k = a; k < b; k++) {
            const double *xk = w->x + k * p;
            double ek = w->e[k];
            for (size_t j = 0; j < p; j++) r[j] = -ek * (xk[j] * p0 - p1[j]) - cum[j];
            if (w->st[k] == 2) {
                /* event times after t, weighted G(t_j-) / G(t-) */
                double gk = w->g[k];
                for (size_t j = 0; j < p; j++)
                    r[j] -= ek / gk * (xk[j] * qa0[gnext] - qa1[gnext * p + j]);
            }
            if (w->st[k] == 1) {
                size_t g = gnext - 1; /* this time's event group */
                for (size_t j = 0; j < p; j++) r[j] += xk[j] - xbar[g * p + j];
            }
            if (w->st[k] == 0)
                for (size_t j = 0; j < p; j++) r[j] += q[j] / y;
            for (size_t j = 0; j < p; j++)
                for (size_t m = 0; m < p; m++) v2[j * p + m] += r[j] * r[m];
        }
        /* competing events at t enter the prefix for later times */
        for (size_t k = a; k < b; k++)
            if (w->st[k] == 2) {
                double c = w->e[k] / w->g[k];
                c0 += c;
                for (size_t j = 0; j < p; j++) c1[j] += c * w->x[k * p + j];
            }
        a = b;
    }
    rc = 0;
out:
    free(xbar); free(p1); free(q1); free(qa0); free(qa1); free(c1); free(q); free(cum); free(r);
    return rc;
}

void crr_fit_free(crr_fit *f)
{
    free(f->coef);
    free(f->var);
    free(f->se);
    free(f->z);
    free(f->pvalue);
    memset(f, 0, sizeof *f);
}

int crr_fit_model(const crr_data *d, const crr_options *o, crr_fit *f)
{
    size_t n = d->n, p = d->p;
    memset(f, 0, sizeof *f);
    f->n = n;
    f->p = p;
    f->coef = calloc(p + 1, sizeof *f->coef);
    f->var = calloc(p * p + 1, sizeof *f->var);
    f->se = calloc(p + 1, sizeof *f->se);
    f->z = calloc(p + 1, sizeof *f->z);
    f->pvalue = calloc(p + 1, sizeof *f->pvalue);
    if (!f->coef || !f->var || !f->se || !f->z || !f->pvalue) return f->status = CRR_ENOMEM;
    if (n == 0 || p == 0) return f->status = CRR_EINPUT;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(d->time[i]) || d->status[i] < 0) return f->status = CRR_EINPUT;
        for (size_t j = 0; j < p; j++)
            if (!isfinite(d->x[i * p + j])) return f->status = CRR_EINPUT;
        f->nevents += d->status[i] == 1;
        f->ncompeting += d->status[i] >= 2;
        f->ncensored += d->status[i] == 0;
    }
    if (f->nevents == 0) return f->status = CRR_ENOEVENTS;

    work w;
    if (work_init(&w, d) != 0) return f->status = CRR_ENOMEM;
    int st = CRR_OK;
    double *b = calloc(p + 1, sizeof *b), *bn = malloc((p + 1) * sizeof *bn);
    double *s = malloc((p + 1) * sizeof *s), *sc = malloc((p + 1) * sizeof *sc);
    double *h = malloc((p * p + 1) * sizeof *h), *v2 = malloc((p * p + 1) * sizeof *v2);
    double *hv = malloc((p * p + 1) * sizeof *hv);
    if (!b || !bn || !s || !sc || !h || !v2 || !hv) {
        st = CRR_ENOMEM;
        goto done;
    }
    double fv = 0;
    int converged = 0;
    for (int ll = 0; ll <= o->maxiter; ll++) {
        fv = crr_obj(&w, b, s, h);
        if (isnan(fv)) {
            st = CRR_ENOMEM;
            goto done;
        }
        double lhs = 0;
        for (size_t j = 0; j < p; j++) {
            double v = fabs(s[j]) * fmax(fabs(b[j]), 1);
            if (v > lhs) lhs = v;
        }
        if (lhs < fmax(fabs(fv), 1) * o->gtol) {
            converged = 1;
            break;
        }
        if (ll == o->maxiter) break;
        /* Newton direction sc = -h^{-1} s */
        int rank = pc_chol(h, p, 1e-12);
        if (rank < (int)p) {
            for (size_t j = 0; j < p; j++)
                if (h[j * p + j] == 0) {
                    f->bad = j;
                    break;
                }
            st = CRR_ESINGULAR;
            goto done;
        }
        for (size_t j = 0; j < p; j++) sc[j] = -s[j];
        pc_chol_solve(h, p, sc);
        double slope = 0;
        for (size_t j = 0; j < p; j++) {
            slope += sc[j] * s[j];
            bn[j] = b[j] + sc[j];
        }
        double fbn = crr_obj(&w, bn, NULL, NULL);
        int i = 0;
        while (isnan(fbn) || fbn > fv + 1e-4 * slope) {
            i++;
            slope *= 0.5;
            for (size_t j = 0; j < p; j++) {
                sc[j] *= 0.5;
                bn[j] = b[j] + sc[j];
            }
            fbn = crr_obj(&w, bn, NULL, NULL);
            if (i > 20) break;
        }
        if (i > 20) break;
        memcpy(b, bn, p * sizeof *b);
        f->iter = ll + 1;
    }
    if (!converged) {
        st = CRR_ENOCONV;
        goto done;
    }
    memcpy(f->coef, b, p * sizeof *b);
    f->loglik = -fv;
    /* sandwich: h^{-1} v2 h^{-1}, h the information at b (risk sums are
     * those of the last crr_obj call, at b) */
    if (crr_meat(&w, v2) != 0) {
        st = CRR_ENOMEM;
        goto done;
    }
    memcpy(hv, h, p * p * sizeof *h);
    if (pc_chol(hv, p, 1e-12) < (int)p) {
        st = CRR_ESINGULAR;
        goto done;
    }
    pc_chol_inv(hv, p);
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++) {
            double acc2 = 0;
            for (size_t k = 0; k < p; k++)
                for (size_t m = 0; m < p; m++) acc2 += hv[i * p + k] * v2[k * p + m] * hv[m * p + j];
            f->var[i * p + j] = acc2;
        }
    for (size_t j = 0; j < p; j++) {
        f->se[j] = sqrt(f->var[j * p + j]);
        f->z[j] = f->coef[j] / f->se[j];
        f->pvalue[j] = 2 * pnorm(-fabs(f->z[j]), 0, 1, 1, 0);
    }
    memset(bn, 0, p * sizeof *bn);
    f->loglik0 = -crr_obj(&w, bn, NULL, NULL);
    f->lr_test = -2 * (f->loglik0 - f->loglik);
    f->lr_p = pchisq(f->lr_test, (double)p, 0, 0);
done:
    free(b); free(bn); free(s); free(sc); free(h); free(v2); free(hv);
    work_free(&w);
    return f->status = st;
}
