/* irls.c: logistic regression by IRLS following R's glm.fit for the
 * binomial family with the logit link.  The columns of x are centred and
 * scaled before the weighted least-squares steps (IRLS for a canonical link
 * is Newton's method, whose iterates do not depend on such a
 * reparametrisation) and the results transformed back. */
#include "irls.h"
#include "../common/linalg.h"
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LOGIT_THRESH 30.0
#define SING_TOL 1e-12
/* A coefficient still moving by more than this (in units of its covariate's
 * SD) in the last iteration is diverging: IRLS for a separated (or
 * quasi-separated) outcome adds about one unit to the linear predictor of
 * the separated rows per iteration while the deviance has converged. */
#define DIVERGE_STEP 0.01

void logit_options_default(logit_options *o)
{
    o->epsilon = 1e-8;
    o->maxit = 25;
    o->allow_separation = 0;
    o->weights = NULL;
}

const char *logit_status_text(int status)
{
    switch (status) {
    case LOGIT_OK: return "ok";
    case LOGIT_ENOMEM: return "out of memory";
    case LOGIT_EINPUT: return "invalid input (no rows, outcome not 0/1, or more coefficients than rows)";
    case LOGIT_ECONSTANT: return "the outcome takes one value only";
    case LOGIT_ESINGULAR: return "singular design: a covariate is collinear with the others";
    case LOGIT_ENOCONV: return "the fit did not converge";
    case LOGIT_ESEPARATION: return "fitted probabilities numerically 0 or 1 (separation)";
    }
    return "unknown error";
}

/* R's binomial linkinv and mu.eta for the logit link (with its clamping) */
static double linkinv(double eta)
{
    double t = eta < -LOGIT_THRESH ? DBL_EPSILON : eta > LOGIT_THRESH ? 1 / DBL_EPSILON : exp(eta);
    return t / (1 + t);
}

static double mu_eta(double eta)
{
    double e = exp(eta), o = 1 + e;
    return (eta > LOGIT_THRESH || eta < -LOGIT_THRESH) ? DBL_EPSILON : e / (o * o);
}

/* prior weight of row i (glm's weights; 1 without) */
static double pw(const double *wt, size_t i)
{
    return wt ? wt[i] : 1;
}

static double deviance(size_t n, const double *y, const double *mu, const double *wt)
{
    double d = 0;
    for (size_t i = 0; i < n; i++) d += pw(wt, i) * (y[i] != 0 ? -2 * log(mu[i]) : -2 * log1p(-mu[i]));
    return d;
}

void logit_fit_free(logit_fit *f)
{
    free(f->coef);
    free(f->se);
    free(f->z);
    free(f->pvalue);
    free(f->var);
    free(f->eta);
    free(f->mu);
    memset(f, 0, sizeof *f);
}

/* eta = xs b for the standardised design (intercept column implicit) */
static void linpred(size_t n, size_t p, const double *xs, const double *b, double *eta)
{
    for (size_t i = 0; i < n; i++) {
        double e = b[0];
        for (size_t j = 1; j < p; j++) e += xs[i * (p - 1) + (j - 1)] * b[j];
        eta[i] = e;
    }
}

int logit_fit_model(size_t n, size_t p0, const double *x, const double *y,
                    const logit_options *o, logit_fit *f)
{
    size_t p = p0 + 1;
    memset(f, 0, sizeof *f);
    f->n = n;
    f->p = p;
    f->coef = calloc(p + 1, sizeof *f->coef);
    f->se = calloc(p + 1, sizeof *f->se);
    f->z = calloc(p + 1, sizeof *f->z);
    f->pvalue = calloc(p + 1, sizeof *f->pvalue);
    f->var = calloc(p * p + 1, sizeof *f->var);
    f->eta = calloc(n + 1, sizeof *f->eta);
    f->mu = calloc(n + 1, sizeof *f->mu);
    if (!f->coef || !f->se || !f->z || !f->pvalue || !f->var || !f->eta || !f->mu)
        return f->status = LOGIT_ENOMEM;
    if (n == 0 || n <= p) return f->status = LOGIT_EINPUT;
    size_t n1 = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1) return f->status = LOGIT_EINPUT;
        n1 += y[i] == 1;
        for (size_t j = 0; j < p0; j++)
            if (!isfinite(x[i * p0 + j])) return f->status = LOGIT_EINPUT;
    }
    if (n1 == 0 || n1 == n) return f->status = LOGIT_ECONSTANT;
    const double *wt = o->weights;
    for (size_t i = 0; wt && i < n; i++)
        if (!(isfinite(wt[i]) && wt[i] > 0)) return f->status = LOGIT_EINPUT;

    int st = LOGIT_OK;
    double *xs = malloc((n * p0 + 1) * sizeof *xs), *m = calloc(p + 1, sizeof *m);
    double *s = calloc(p + 1, sizeof *s), *b = calloc(p + 1, sizeof *b);
    double *bold = calloc(p + 1, sizeof *bold), *a = malloc((p * p + 1) * sizeof *a);
    double *rhs = malloc((p + 1) * sizeof *rhs), *zz = malloc((n + 1) * sizeof *zz);
    double *w2 = malloc((n + 1) * sizeof *w2);
    double *eta = f->eta, *mu = f->mu;
    if (!xs || !m || !s || !b || !bold || !a || !rhs || !zz || !w2) {
        st = LOGIT_ENOMEM;
        goto done;
    }
    /* standardise the columns */
    for (size_t j = 0; j < p0; j++) {
        double mean = 0, ss = 0;
        for (size_t i = 0; i < n; i++) mean += x[i * p0 + j];
        mean /= (double)n;
        for (size_t i = 0; i < n; i++) ss += (x[i * p0 + j] - mean) * (x[i * p0 + j] - mean);
        double sd = sqrt(ss / (double)(n - 1));
        if (!(sd > 0)) {
            f->bad = j;
            st = LOGIT_ESINGULAR;
            goto done;
        }
        m[j + 1] = mean;
        s[j + 1] = sd;
        for (size_t i = 0; i < n; i++) xs[i * p0 + j] = (x[i * p0 + j] - mean) / sd;
    }

    /* binomial()$initialize: mustart = (weights y + 0.5) / (weights + 1) */
    for (size_t i = 0; i < n; i++) {
        mu[i] = (pw(wt, i) * y[i] + 0.5) / (pw(wt, i) + 1);
        eta[i] = log(mu[i] / (1 - mu[i]));
    }
    double devold = deviance(n, y, mu, wt), dev = devold;
    int conv = 0, have_old = 0, iter;
    for (iter = 1; iter <= o->maxit; iter++) {
        /* working response and weights at the current eta */
        for (size_t i = 0; i < n; i++) {
            double me = mu_eta(eta[i]), var = mu[i] * (1 - mu[i]);
            zz[i] = eta[i] + (y[i] - mu[i]) / me;
            w2[i] = pw(wt, i) * me * me / var;
        }
        /* weighted least squares: (X'WX) b = X'Wz */
        memset(a, 0, p * p * sizeof *a);
        memset(rhs, 0, p * sizeof *rhs);
        for (size_t i = 0; i < n; i++) {
            const double *xi = xs + i * p0;
            double wi = w2[i];
            a[0] += wi;
            rhs[0] += wi * zz[i];
            for (size_t j = 1; j < p; j++) {
                double wx = wi * xi[j - 1];
                a[j] += wx;
                rhs[j] += wx * zz[i];
                for (size_t k = j; k < p; k++) a[j * p + k] += wx * xi[k - 1];
            }
        }
        int rank = pc_chol(a, p, SING_TOL);
        if (rank < (int)p) {
            for (size_t j = 1; j < p; j++)
                if (a[j * p + j] == 0) f->bad = j - 1;
            st = LOGIT_ESINGULAR;
            goto done;
        }
        memcpy(b, rhs, p * sizeof *b);
        pc_chol_solve(a, p, b);
        int finite = 1;
        for (size_t j = 0; j < p; j++) finite &= isfinite(b[j]) != 0;
        if (!finite) break;
        linpred(n, p, xs, b, eta);
        for (size_t i = 0; i < n; i++) mu[i] = linkinv(eta[i]);
        dev = deviance(n, y, mu, wt);
        /* step halving while the deviance is not finite */
        for (int ii = 0; !isfinite(dev); ii++) {
            if (!have_old || ii >= o->maxit) {
                st = LOGIT_ENOCONV;
                goto done;
            }
            for (size_t j = 0; j < p; j++) b[j] = (b[j] + bold[j]) / 2;
            linpred(n, p, xs, b, eta);
            for (size_t i = 0; i < n; i++) mu[i] = linkinv(eta[i]);
            dev = deviance(n, y, mu, wt);
        }
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < o->epsilon) {
            conv = 1;
            for (size_t j = 1; j < p && have_old; j++)
                if (fabs(b[j] - bold[j]) > DIVERGE_STEP) {
                    f->bad = j - 1;
                    st = LOGIT_ESEPARATION;
                }
            break;
        }
        devold = dev;
        memcpy(bold, b, p * sizeof *b);
        have_old = 1;
    }
    f->iter = iter > o->maxit ? o->maxit : iter;
    if (!conv) {
        st = LOGIT_ENOCONV;
        goto done;
    }
    if (st == LOGIT_OK)
        for (size_t i = 0; i < n; i++)
            if (mu[i] > 1 - 10 * DBL_EPSILON || mu[i] < 10 * DBL_EPSILON) {
                f->bad = (size_t)-1;
                st = LOGIT_ESEPARATION;
                break;
            }
    if (st == LOGIT_ESEPARATION) {
        if (!o->allow_separation) goto done;
        f->separated = 1;
        st = LOGIT_OK;
    }
    /* covariance of the standardised coefficients from the final WLS
     * matrix, transformed back: b = T bs with T[0][0] = 1,
     * T[0][j] = -m_j / s_j, T[j][j] = 1 / s_j */
    pc_chol_inv(a, p);
    {
        double *t = calloc(p * p + 1, sizeof *t), *tv = calloc(p * p + 1, sizeof *tv);
        if (!t || !tv) {
            free(t);
            free(tv);
            st = LOGIT_ENOMEM;
            goto done;
        }
        t[0] = 1;
        for (size_t j = 1; j < p; j++) {
            t[j] = -m[j] / s[j];
            t[j * p + j] = 1 / s[j];
        }
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++) {
                double acc = 0;
                for (size_t k = 0; k < p; k++) acc += t[i * p + k] * a[k * p + j];
                tv[i * p + j] = acc;
            }
        for (size_t i = 0; i < p; i++)
            for (size_t j = 0; j < p; j++) {
                double acc = 0;
                for (size_t k = 0; k < p; k++) acc += tv[i * p + k] * t[j * p + k];
                f->var[i * p + j] = acc;
            }
        for (size_t i = 0; i < p; i++) {
            double acc = 0;
            for (size_t k = 0; k < p; k++) acc += t[i * p + k] * b[k];
            f->coef[i] = acc;
        }
        free(t);
        free(tv);
    }
    for (size_t j = 0; j < p; j++) {
        f->se[j] = sqrt(f->var[j * p + j]);
        f->z[j] = f->coef[j] / f->se[j];
        f->pvalue[j] = 2 * pnorm(-fabs(f->z[j]), 0, 1, 1, 0);
    }
    f->deviance = dev;
    {
        /* the intercept-only fit: the weighted mean of y */
        double w1 = 0, wall = 0;
        for (size_t i = 0; i < n; i++) {
            wall += pw(wt, i);
            if (y[i] != 0) w1 += pw(wt, i);
        }
        double ybar = w1 / wall;
        f->null_deviance = -2 * (w1 * log(ybar) + (wall - w1) * log1p(-ybar));
    }
    /* binomial()$aic: -2 sum dbinom(round(w y), round(w), mu, log) + 2 p,
     * which is dev + 2 p when the weights are whole numbers */
    f->aic = dev + 2 * (double)p;
    if (wt) {
        double ll = 0;
        for (size_t i = 0; i < n; i++) ll += dbinom(nearbyint(wt[i] * y[i]), nearbyint(wt[i]), mu[i], 1);
        f->aic = -2 * ll + 2 * (double)p;
    }
    f->df_residual = n - p;
    f->df_null = n - 1;
done:
    free(xs); free(m); free(s); free(b); free(bold); free(a); free(rhs); free(zz); free(w2);
    return f->status = st;
}
