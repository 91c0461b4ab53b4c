/* report.h: the self-contained HTML report of a run (DIR/report.html) and
 * the figure files beside it. */
#ifndef COHORT_REPORT_H
#define COHORT_REPORT_H
#include <stddef.h>
#include "render.h"
#include "result.h"

/* Write into dir (which exists): every figure as NAME.svg, NAME.png,
 * NAME.pdf and its data as NAME.figure.json (NAME is NN-ESTIMATOR-ID, and
 * "attrition" for the flow diagram), then report.html: the study, the
 * hashes of its inputs, the attrition diagram and table, every estimate's
 * tables, figures (inline SVG as data: URIs), notes and warnings, and every
 * warning of the run.  Every file goes to a temporary name and is renamed.
 * The small-cell rule of r (r->min_cell) applies to all of it.  Returns 0,
 * or -1 with a message in err. */
int report_write(const results *r, const render_opts *o, const char *dir, char *err, size_t errsize);
#endif
