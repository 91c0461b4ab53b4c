/* figure.h: the data of a figure as plugins give it through the host
 * (step curves, forest rows), the small-cell protection of that data, and
 * its JSON form.  Drawing is in render.c; this file knows no cairo. */
#ifndef COHORT_FIGURE_H
#define COHORT_FIGURE_H
#include <cohort/plugin.h>
#include <stdio.h>

/* How a hidden number is shown: "<5" (it rests on a count below min_cell)
 * or "x" (hidden so that a hidden count cannot be recovered from the
 * others: complementary suppression). */
enum hide_mark { HIDE_NONE = 0, HIDE_SMALL = 1, HIDE_COMPLEMENT = 2 };

/* One distinct time of a step curve (see cohort_host.figure_step). */
typedef struct fig_point {
    double time;           /* days */
    double value;          /* the curve from `time` on */
    double lower, upper;   /* confidence limits, NAN when none */
    double nrisk;          /* at risk just before `time` */
    double nevent;         /* events at `time` that move the curve */
    double ncensor;        /* censored at `time` */
} fig_point;

typedef struct fig_series {
    char *label;
    double start;          /* value at time 0 */
    fig_point *pts;
    size_t npts, cap;
    int suppressed;        /* set by figure_protect: fewer than min_cell events */
    int group;             /* index into the figure's groups: colour, risk-table row */
    int outcome;           /* index into its outcomes (line type), -1: none */
} fig_series;

typedef struct fig_row {
    char *label;
    double est, lower, upper, p;   /* NAN when not applicable */
    double n, events;              /* units and events behind the row, NAN: not given */
    unsigned char hide_n, hide_events;   /* enum hide_mark (figure_protect) */
} fig_row;

/* A point of a SCATTER figure: a residual (x, y; lower and upper NAN), or
 * a point of the smooth with its band. */
typedef struct fig_xy {
    double x, y, lower, upper;
} fig_xy;

/* A labelled tick of a SCATTER figure's x axis. */
typedef struct fig_tick {
    double at;
    char *label;
} fig_tick;

struct cohort_figure {
    char *id, *title;
    char *xlabel, *ylabel;
    int kind;              /* enum cohort_fig_kind */
    fig_series *series;
    size_t nseries;
    fig_row *rows;
    size_t nrows;
    int protected_for;     /* min_cell the data was protected for (0: raw) */
    /* STEP figures: the groups (one colour and one risk-table row each) and
     * the outcomes (one line type each) of the curves.  A curve added with
     * figure_add_series is a group of its own, with no outcome. */
    char **groups, **outcomes;
    size_t ngroups, noutcomes;
    char *annotation;      /* a test or estimate to show in the plot on request, or NULL */
    /* the small-cell decisions of the number-at-risk table (suppress.c): at
     * the times risk_t (days), group by group (ngroups x nrisk_t), an enum
     * hide_mark; none until figure_risk_times */
    double *risk_t;
    size_t nrisk_t;
    unsigned char *risk_hide;
    /* SCATTER figures: the points, the smooth (x ascending), the x ticks */
    fig_xy *points, *smooth;
    size_t npoints, nsmooth;
    fig_tick *xticks;
    size_t nxticks;
};

cohort_figure *figure_create(const char *id, int kind, const char *title);
void figure_free(cohort_figure *f);
/* NULL keeps the current label.  Returns 0 or -1 (out of memory). */
int figure_set_labels(cohort_figure *f, const char *xlabel, const char *ylabel);
/* Index of the new series, or -1 (not a STEP figure, out of memory). */
int figure_add_series(cohort_figure *f, const char *label, double start);
/* A curve of `group` for `outcome` (a cause of a competing-risks panel):
 * curves of one group share a colour and a risk-table row, curves of one
 * outcome a line type.  Its label is "GROUP: OUTCOME" (only OUTCOME with
 * an empty group).  Index of the new series, or -1. */
int figure_add_curve(cohort_figure *f, const char *group, const char *outcome, double start);
/* Set the annotation (NULL clears it).  Returns 0 or -1. */
int figure_set_annotation(cohort_figure *f, const char *text);
/* Append a point; refused (-1) when the series does not exist, the time is
 * not finite or earlier than the previous point's, or the value is not
 * finite. */
int figure_add_point(cohort_figure *f, int series, const fig_point *p);
/* Append a forest row; -1 when not a FOREST figure or out of memory. */
int figure_add_row(cohort_figure *f, const char *label, double est, double lower, double upper,
                   double p);
/* FOREST: the units and events behind the last row.  Returns 0 or -1. */
int figure_row_counts(cohort_figure *f, double n, double events);
/* SCATTER: append a point (smooth 0; lower, upper ignored) or a point of
 * the smooth (smooth 1; x not below the previous one's).  -1 when not a
 * SCATTER figure, a number is not finite (the limits may be NAN), or out
 * of memory. */
int figure_add_xy(cohort_figure *f, int smooth, double x, double y, double lower, double upper);
/* SCATTER: a tick of the x axis.  Returns 0 or -1. */
int figure_add_tick(cohort_figure *f, double at, const char *label);
/* A deep copy; its title is "PREFIX TITLE" when prefix is not NULL. */
cohort_figure *figure_copy(const cohort_figure *f, const char *prefix);

/* Under --sweep: the forests figs[0..n-1] (the same figure of each run,
 * NULL for a run without it: it failed) as one forest, the estimate against
 * the swept values: each row label of the runs once, as a heading, and
 * under it one row per run that has it, labelled with that run's values
 * (labels[k], "w = 30days"; "...: not estimable" when it has no estimate);
 * a label no run estimates nor counts (a heading) stays one row; a
 * reference level (counts, no estimate) has a row per run.  Its id is "ID-sweep"
 * and its title "TITLE, by PARAMS".  NULL when fewer than two runs have the
 * figure, or out of memory. */
cohort_figure *figure_sweep(const cohort_figure *const *figs, const char *const *labels, size_t n,
                            const char *params);

/* The small-cell rule for step curves, applied to a copy.  Only the part
 * that is drawn counts: the points up to `horizon` (days; the end of the
 * time axis, NAN or <= 0 for all) and before the first point with fewer
 * than min_at_risk at risk (0: no cut).  There:
 *  - a curve with 0 < events < min_cell is suppressed (no steps drawn);
 *  - otherwise consecutive event times are pooled until each pool holds at
 *    least min_cell events (a short last pool joins the one before); the
 *    curve keeps its previous value until the last time of a pool and then
 *    takes the value after it, so each visible step rests on >= min_cell
 *    events;
 *  - censor marks of fewer than min_cell units are dropped;
 *  - when a curve is suppressed, so is the annotation (a test of the
 *    groups).
 * The points of a SCATTER figure (one unit's each) are dropped; its
 * smooth stays.  The counts of FOREST rows below min_cell are hidden, and
 * then all the others of the figure as complements (the levels' counts
 * add up to the model's).
 * After the drawn part the curve stays at its last visible value.  The
 * numbers at risk stay in the copy (for figure_at_risk); outputs show those
 * below min_cell as "<min_cell".  min_cell <= 1 gives a plain copy. */
cohort_figure *figure_protect(const cohort_figure *f, int min_cell, double horizon, double min_at_risk);

/* Units at risk at time t: nrisk of the first point at or after t, 0 after
 * the last point, the first point's nrisk before it. */
double figure_at_risk(const fig_series *s, double t);

/* Room for the small-cell decisions of the number at risk at the n times t
 * (days) of each group, all HIDE_NONE.  Returns 0 or -1 (out of memory). */
int figure_risk_times(cohort_figure *f, const double *t, size_t n);
/* Where the decision for group g at time t goes, or NULL (no such time). */
unsigned char *figure_risk_mark(const cohort_figure *f, size_t g, double t);
/* The number at risk of group g at time t as shown under min_cell: "-"
 * when unknown, "<min_cell" when small, "x" when hidden as a complement,
 * else the count. */
void figure_risk_text(const cohort_figure *f, size_t g, double n, double t, int min_cell, char *buf, size_t size);

/* Is count n hidden by min_cell (0 < n < min_cell)? */
int privacy_hides(double n, int min_cell);

/* The figure's data as one JSON object.  STEP figures give each curve's
 * visible steps (after protection only the pooled steps) and the number
 * at risk at the `nticks` times `ticks` (days); counts hidden by
 * min_cell are the string "<N". */
void figure_json(const cohort_figure *f, const double *ticks, size_t nticks, int min_cell,
                 FILE *out);
#endif
