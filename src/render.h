/* render.h: drawing figures with cairo (render.c, in the render module:
 * module.h, render_host.c; the time axis and line type names in axis.c,
 * in the host).  One drawing path per kind of
 * figure (step curves with bands, censor marks and the number at risk;
 * forest plots; the attrition flow diagram) onto any cairo surface, so SVG,
 * PNG and PDF are the same picture. */
#ifndef COHORT_RENDER_H
#define COHORT_RENDER_H
#include <stdio.h>
#include "figure.h"
#include "result.h"

enum render_format { RENDER_SVG, RENDER_PNG, RENDER_PDF };

/* PNG resolution: the figure's points at this many pixels per inch. */
#define RENDER_PNG_DPI 300.0

/* Line types of the plot options, as ggplot2 names them. */
enum render_line { LINE_SOLID, LINE_DASHED, LINE_DOTTED, LINE_DOTDASH, LINE_LONGDASH, LINE_TWODASH };
#define RENDER_MAX_STYLES 16

/* The ggplot2 name of a line type ("solid", "dashed", ...): its enum
 * render_line value, or -1. */
int render_line_type(const char *name);

typedef struct render_opts {
    double time_unit_days;     /* the study's time unit, e.g. 30.4375 */
    const char *time_unit;     /* its name, e.g. "months" */
    double time_limit;         /* days: end of the time axis; <= 0 or NAN: whole follow-up */
    double min_at_risk;        /* cut each curve where fewer remain at risk; 0: never */
    int ci_bands;              /* draw confidence bands */
    int min_cell;              /* small-cell rule for the numbers shown (0: off) */
    int annotate;              /* draw each figure's annotation (a test's p-value) */
    double ylim[2];            /* y-axis limits of step figures (0..1); unless ylim[1] > ylim[0]: automatic */
    double breaks;             /* days between time-axis ticks; <= 0 or NAN: automatic */
    double width, height;      /* inches; <= 0 or NAN: 7 wide, height from the content */
    unsigned colours[RENDER_MAX_STYLES];   /* 0xRRGGBB by group (curve), in order */
    size_t ncolours;                       /* 0: the Okabe-Ito palette */
    int line_types[RENDER_MAX_STYLES];     /* enum render_line by group, or by outcome */
    size_t nline_types;                    /* 0: solid, dashed, dotted, ... */
} render_opts;

/* Draw figure f (protect it with figure_protect first when min_cell is
 * set) as format into out.  Returns 0, or -1 when cairo or the stream
 * failed. */
int render_figure(const cohort_figure *f, const render_opts *o, int format, FILE *out);

/* The CONSORT-style attrition diagram of r: each step's remaining units,
 * and beside it the units excluded and unknown.  Returns 0 or -1. */
int render_flow(const results *r, const render_opts *o, int format, FILE *out);

/* Free the font caches of cairo and fontconfig.  Call once, when no more
 * drawing follows (before exit), so that a leak checker sees a clean heap;
 * drawing afterwards would reload them. */
void render_release(void);

/* Load the render module now (it draws every figure): 0, or -1 with why in
 * err (a run with --out asks before computing anything). */
int render_available(char *err, size_t errsize);

/* The times (days) of the time axis ticks of a STEP figure, where the
 * number at risk is given; at most max.  Returns how many. */
size_t render_time_ticks(const cohort_figure *f, const render_opts *o, double *ticks, size_t max);

/* The end of the time axis of a STEP figure (days): the time limit, else
 * where the last curve ends. */
double render_time_end(const cohort_figure *f, const render_opts *o);

/* The end of the time axis and its tick step, in the study's unit. */
void render_time_axis(const cohort_figure *f, const render_opts *o, double *xmax, double *step);

/* The index after the last point of curve s that is drawn: it stops at the
 * first point where fewer than min_at_risk remain at risk. */
size_t render_series_end(const fig_series *s, const render_opts *o);
#endif
