/* render_host.c: the host's side of the render module (module.h).  The
 * functions of render.h that draw (render_figure, render_flow,
 * render_release) load the module the first time one is called, so cairo
 * and fontconfig are mapped only by a run that writes a figure. */
#include "module.h"

static const render_host host = {figure_at_risk, figure_risk_text, privacy_hides, render_series_end,
                                 render_time_axis, render_time_ticks, results_attr_text, results_arm_text,
                                 results_arm_name, results_arm_set};

int render_available(char *err, size_t errsize)
{
    return module_load("render", &host, 0, err, errsize) ? 0 : -1;
}

int render_figure(const cohort_figure *f, const render_opts *o, int format, FILE *out)
{
    char err[1];
    const render_fns *r = module_load("render", &host, 0, err, sizeof err);
    return r ? r->figure(f, o, format, out) : -1;
}

int render_flow(const results *res, const render_opts *o, int format, FILE *out)
{
    char err[1];
    const render_fns *r = module_load("render", &host, 0, err, sizeof err);
    return r ? r->flow(res, o, format, out) : -1;
}

void render_release(void)
{
    char err[1];
    const render_fns *r = module_load("render", &host, 1, err, sizeof err);   /* never loaded: nothing cached */
    if (r) r->release();
}
