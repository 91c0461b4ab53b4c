/* zeroin.c: Brent's root finder with the conventions of R's uniroot()
 * (see zeroin.h).  The bracket [b, c] always holds the root; each step
 * tries inverse quadratic (or linear) interpolation and falls back to
 * bisection when the interpolated point is outside the bracket or the
 * steps do not shrink fast enough. */
#include "zeroin.h"
#include <float.h>
#include <math.h>

double pc_zeroin(double (*f)(double x, void *info), void *info, double a, double b,
                 double fa, double fb, double tol, int maxit)
{
    if (!isfinite(fa) || !isfinite(fb) || (fa > 0 && fb > 0) || (fa < 0 && fb < 0)) return NAN;
    if (fa == 0) return a;
    if (fb == 0) return b;
    double c = a, fc = fa;
    for (int it = 0; it <= maxit; it++) {
        double prev = b - a;
        if (fabs(fc) < fabs(fb)) {
            /* b is the best point so far */
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        double tol1 = 2 * DBL_EPSILON * fabs(b) + tol / 2;
        double step = (c - b) / 2;
        if (fabs(step) <= tol1 || fb == 0) return b;
        if (fabs(prev) >= tol1 && fabs(fa) > fabs(fb)) {
            double p, q, cb = c - b;
            if (a == c) {
                /* secant */
                double s = fb / fa;
                p = cb * s;
                q = 1 - s;
            } else {
                /* inverse quadratic interpolation */
                double qa = fa / fc, r = fb / fc, s = fb / fa;
                p = s * (cb * qa * (qa - r) - (b - a) * (r - 1));
                q = (qa - 1) * (r - 1) * (s - 1);
            }
            if (p > 0) q = -q;
            else p = -p;
            if (p < 0.75 * cb * q - fabs(tol1 * q) / 2 && p < fabs(prev * q / 2)) step = p / q;
        }
        if (fabs(step) < tol1) step = step > 0 ? tol1 : -tol1;
        a = b;
        fa = fb;
        b += step;
        fb = f(b, info);
        if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
            c = a;
            fc = fa;
        }
    }
    return b;
}
