/* followup.c: reverse Kaplan-Meier median follow-up, person-time and crude
 * rates with exact Poisson limits (see followup.h). */
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include "followup.h"
#include <math.h>

int km_followup(const double *time, const int *event, const int *censored, size_t n,
                km_conf conf, double level, double per, km_fu *out)
{
    out->n = (double)n;
    out->events = out->person_time = 0;
    for (size_t i = 0; i < n; i++) {
        out->events += event[i] != 0;
        out->person_time += time[i];
    }
    /* poisson.test: [qgamma(a/2, x), qgamma(1 - a/2, x + 1)] / T */
    double a = 1 - level, x = out->events, t = out->person_time / per;
    out->rate = out->rate_lower = out->rate_upper = NAN;
    if (t > 0) {
        out->rate = x / t;
        out->rate_lower = x > 0 ? qgamma(a / 2, x, 1, 1, 0) / t : 0;
        out->rate_upper = qgamma(1 - a / 2, x + 1, 1, 1, 0) / t;
    }
    /* the reverse curve: censoring is the event */
    km_curve c;
    if (km_fit(NULL, time, censored, NULL, n, conf, level, &c) != 0) return -1;
    const double half = 0.5;
    km_quantile(&c, &half, 1, &out->median, &out->lower, &out->upper);
    km_free(&c);
    return 0;
}
