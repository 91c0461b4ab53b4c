/* suppress.h: complementary small-cell suppression of a run's results
 * (see suppress.c). */
#ifndef COHORT_SUPPRESS_H
#define COHORT_SUPPRESS_H
#include "result.h"
#include "render.h"

/* Decide, under r->min_cell, which counts of r to hide besides those below
 * min_cell, so that no hidden small count (and no small difference of two
 * shown counts) can be computed from the shown ones; marks the cells
 * (cell.hide, attrition_row.hide) and replaces the sentences that repeat a
 * count so hidden.  Call once, when r is complete and before it is shown.
 * The numbers at risk under the figures are decided at the time-axis ticks
 * that the plot options ro give (render_time_ticks); ro NULL: no figure.
 * Returns 0, or -1 when it could not decide (out of memory, or a count that
 * no complement protects): then every count not already shown in a warning
 * is hidden. */
int suppress_run(results *r, const render_opts *ro);
#endif
