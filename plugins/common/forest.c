/* forest.c: units, events and units of measure of forest plot rows (see
 * forest.h). */
#include "forest.h"
#include <math.h>
#include <stdio.h>

void pc_forest_counts(const cohort_host *host, cohort_figure *f, const pc_design *d, size_t j,
                      const int *status, int event)
{
    if (!f || !COHORT_HOST_HAS(host, figure_estimate_counts)) return;
    double n = 0, e = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->level[j] && d->x[i * d->p + j] == 0) continue;
        n++;
        e += status[i] == event;
    }
    host->figure_estimate_counts(f, n, e);
}

void pc_forest_reference(const cohort_host *host, cohort_figure *f, const pc_design *d, size_t j,
                         const int *status, int event)
{
    size_t t = d->term[j];
    if (!f || !d->level[j] || !d->term_ref[t] || (j > 0 && d->term[j - 1] == t) ||
        !COHORT_HOST_HAS(host, figure_estimate_counts))
        return;
    double n = 0, e = 0;
    for (size_t i = 0; i < d->n; i++) {
        int other = 0;
        for (size_t k = j; k < d->p && d->term[k] == t; k++) other |= d->x[i * d->p + k] != 0;
        if (other) continue;
        n++;
        e += status[i] == event;
    }
    char label[512];
    snprintf(label, sizeof label, "%s = %s", d->term_name[t], d->term_ref[t]);
    host->figure_estimate(f, label, NAN, NAN, NAN, NAN);
    host->figure_estimate_counts(f, n, e);
}

const char *pc_forest_label(const cohort_host *host, const cohort_call *call, const pc_design *d,
                            size_t j, const char *fallback, char *buf, size_t size)
{
    if (d->level[j] || !COHORT_HOST_HAS(host, unit)) return fallback;
    const char *name = d->term_name[d->term[j]];
    const char *u = host->unit(call, name);
    if (!u) return fallback;
    const char *lb = COHORT_HOST_HAS(host, label) ? host->label(call, name, NULL) : NULL;
    snprintf(buf, size, "%s (per %s)", lb ? lb : name, u);
    return buf;
}
