/* axis.c: the parts of drawing that need no cairo, kept in the host: the
 * names of line types (checked with the rules) and the time axis of step figures -- where it ends, its ticks (where
 * the number at risk is given) and where each curve stops for too few at
 * risk.  Pure arithmetic on the figure's data and the plot options, shared
 * by the renderer (render.c), the figure JSON (report.c) and the small-cell
 * model of the risk table (suppress.c); it draws nothing. */
#include <math.h>
#include <string.h>
#include "render.h"

size_t render_series_end(const fig_series *s, const render_opts *o)
{
    if (!(o->min_at_risk > 0)) return s->npts;
    for (size_t i = 0; i < s->npts; i++)
        if (isfinite(s->pts[i].nrisk) && s->pts[i].nrisk < o->min_at_risk) return i;
    return s->npts;
}

/* A tick step giving at most about 8 ticks up to xmax (in the study's unit). */
static double time_step(double xmax, const char *unit)
{
    static const double months[] = {1, 2, 3, 6, 12, 24, 36, 60, 120, 240};
    static const double weeks[] = {1, 2, 4, 8, 13, 26, 52, 104, 260};
    static const double days[] = {1, 2, 5, 7, 14, 30, 60, 90, 180, 365, 730, 1825, 3650};
    const double *c = NULL;
    size_t n = 0;
    if (unit && !strcmp(unit, "months")) { c = months; n = sizeof months / sizeof *months; }
    else if (unit && !strcmp(unit, "weeks")) { c = weeks; n = sizeof weeks / sizeof *weeks; }
    else if (unit && !strcmp(unit, "days")) { c = days; n = sizeof days / sizeof *days; }
    for (size_t i = 0; i < n; i++)
        if (xmax / c[i] <= 8) return c[i];
    /* 1, 2, 5 x 10^k */
    double p = pow(10, floor(log10(xmax > 0 ? xmax / 8 : 1)));
    for (;;) {
        if (xmax / p <= 8) return p;
        if (xmax / (2 * p) <= 8) return 2 * p;
        if (xmax / (5 * p) <= 8) return 5 * p;
        p *= 10;
    }
}

/* The end of the time axis in the study's unit and its tick step: the
 * time limit, else where the last curve ends (its last time, or where it
 * is cut for too few at risk); ticks every `breaks`, else at a step that
 * gives at most about 8. */
void render_time_axis(const cohort_figure *f, const render_opts *o, double *xmax, double *step)
{
    double ud = o->time_unit_days > 0 ? o->time_unit_days : 1;
    double x;
    if (isfinite(o->time_limit) && o->time_limit > 0) {
        x = o->time_limit / ud;
    } else {
        double tmax = 0;
        for (size_t i = 0; i < f->nseries; i++) {
            const fig_series *s = &f->series[i];
            if (!s->npts) continue;
            size_t end = render_series_end(s, o);
            double t = s->pts[end < s->npts ? end : s->npts - 1].time;
            if (t > tmax) tmax = t;
        }
        x = tmax / ud;
    }
    if (!(x > 0)) x = 1;
    *xmax = x;
    *step = isfinite(o->breaks) && o->breaks > 0 ? o->breaks / ud : time_step(x, o->time_unit);
}

double render_time_end(const cohort_figure *f, const render_opts *o)
{
    double xmax, step;
    render_time_axis(f, o, &xmax, &step);
    return xmax * (o->time_unit_days > 0 ? o->time_unit_days : 1);
}

size_t render_time_ticks(const cohort_figure *f, const render_opts *o, double *ticks, size_t max)
{
    if (f->kind != COHORT_FIG_STEP) return 0;
    double xmax, step, ud = o->time_unit_days > 0 ? o->time_unit_days : 1;
    render_time_axis(f, o, &xmax, &step);
    size_t n = 0;
    for (double x = 0; x <= xmax * (1 + 1e-9) && n < max; x = step * (double)(n)) {
        ticks[n++] = x * ud;
    }
    return n;
}

int render_line_type(const char *name)
{
    static const char *const names[] = {"solid", "dashed", "dotted", "dotdash", "longdash", "twodash"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcmp(name, names[i])) return (int)i;
    return -1;
}
