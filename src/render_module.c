/* render_module.c: the render module's entry point (module.h).  render.c
 * is linked into the module unchanged; the host functions it calls are
 * defined here, hidden in the module, as calls through the host's table
 * that cohort_module_entry keeps (the module's one piece of state, set once
 * when the host loads it). */
#include "config.h"
#include "module.h"

static const render_host *host;

double figure_at_risk(const fig_series *s, double t)
{
    return host->figure_at_risk(s, t);
}

void figure_risk_text(const cohort_figure *f, size_t g, double n, double t, int min_cell, char *buf, size_t size)
{
    host->figure_risk_text(f, g, n, t, min_cell, buf, size);
}

int privacy_hides(double n, int min_cell)
{
    return host->privacy_hides(n, min_cell);
}

size_t render_series_end(const fig_series *s, const render_opts *o)
{
    return host->render_series_end(s, o);
}

void render_time_axis(const cohort_figure *f, const render_opts *o, double *xmax, double *step)
{
    host->render_time_axis(f, o, xmax, step);
}

size_t render_time_ticks(const cohort_figure *f, const render_opts *o, double *ticks, size_t max)
{
    return host->render_time_ticks(f, o, ticks, max);
}

void results_attr_text(const results *r, const attrition_row *ar, int which, char *buf, size_t size)
{
    host->results_attr_text(r, ar, which, buf, size);
}

void results_arm_text(const results *r, size_t k, char *buf, size_t size)
{
    host->results_arm_text(r, k, buf, size);
}

char *results_arm_name(const results *r, size_t k)
{
    return host->results_arm_name(r, k);
}

size_t results_arm_set(const results *r, size_t k, size_t *first)
{
    return host->results_arm_set(r, k, first);
}

static const render_fns fns = {render_figure, render_flow, render_release};
static const cohort_module description = {COHORT_MODULE_MAGIC, COHORT_MODULE_ABI, "render", PACKAGE_VERSION,
                                          MODULE_SIZES, &fns};

const cohort_module *cohort_module_entry(const void *h)
{
    host = h;
    return &description;
}
