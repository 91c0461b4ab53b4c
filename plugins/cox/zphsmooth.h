/* zphsmooth.h: the smooth and the time axis of R survival's plot.cox.zph
 * (its defaults: df = 4, nsmo = 40, se = TRUE, the km transform): a
 * least-squares fit of a term's scaled Schoenfeld residuals on a natural
 * cubic spline basis of the transformed time (splines::ns(c(pred.x, x),
 * df = 4, intercept = TRUE): boundary knots at the range, interior knots
 * at the 1/3 and 2/3 quantiles), evaluated at 40 equally spaced points,
 * with bands of +/- 2 standard errors; and the 8 ticks that label the
 * transformed axis with untransformed times. */
#ifndef COHORT_ZPHSMOOTH_H
#define COHORT_ZPHSMOOTH_H
#include <stddef.h>

#define ZPH_NSMO 40    /* plot.cox.zph's nsmo */
#define ZPH_DF 4       /* its df */
#define ZPH_NTICK 8    /* the ticks of its x axis */

typedef struct zph_smooth {
    double x[ZPH_NSMO];                  /* pred.x */
    double fit[ZPH_NSMO];                /* yhat */
    double lower[ZPH_NSMO], upper[ZPH_NSMO];   /* yhat -/+ 2 sqrt(var * seval) */
} zph_smooth;

/* n events: x their transformed times (cox.zph's x, all of them: they
 * place the knots), y a term's residuals (NAN: left out of the fit, as
 * plot.cox.zph's `keep`), var the term's diagonal element of cox.zph's
 * var.  Returns 0, -1 when out of memory, -2 when the spline fit is
 * singular (plot.cox.zph skips the term with a warning). */
int zph_smooth_fit(size_t n, const double *x, const double *y, double var, zph_smooth *s);

/* The ticks of the x axis: the times (in the unit `unit_days`: time is in
 * days) at 8 equally spaced transformed times, rounded to 2 significant
 * digits (label), and where those rounded times fall on the transformed
 * axis (at, NAN when outside the data: no tick).  As plot.cox.zph's
 * xaxisval and xaxislab. */
void zph_axis(size_t n, const double *x, const double *time, double unit_days,
              double at[ZPH_NTICK], double label[ZPH_NTICK]);

/* R's signif(v, digits). */
double zph_signif(double v, int digits);
#endif
