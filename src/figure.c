/* figure.c: figure data (step curves, forest rows, scatter points), its deep copy, the
 * small-cell protection of step curves (pooling steps of fewer than
 * min_cell events), the number at risk at a time, and the figure's JSON. */
#include "figure.h"
#include "safetext.h"
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

cohort_figure *figure_create(const char *id, int kind, const char *title)
{
    cohort_figure *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->id = strdup(id && *id ? id : "figure");
    f->title = strdup(title ? title : "");
    f->kind = kind;
    f->xlabel = strdup(kind == COHORT_FIG_STEP ? "Time" : kind == COHORT_FIG_FOREST ? "Ratio" : "Difference");
    f->ylabel = strdup(kind == COHORT_FIG_STEP ? "Probability" : "");
    if (!f->id || !f->title || !f->xlabel || !f->ylabel) {
        figure_free(f);
        return NULL;
    }
    return f;
}

void figure_free(cohort_figure *f)
{
    if (!f) return;
    for (size_t i = 0; i < f->nseries; i++) {
        free(f->series[i].label);
        free(f->series[i].pts);
    }
    for (size_t i = 0; i < f->nrows; i++) free(f->rows[i].label);
    for (size_t i = 0; i < f->ngroups; i++) free(f->groups[i]);
    for (size_t i = 0; i < f->noutcomes; i++) free(f->outcomes[i]);
    free(f->groups);
    free(f->outcomes);
    free(f->annotation);
    free(f->risk_t);
    free(f->risk_hide);
    for (size_t i = 0; i < f->nxticks; i++) free(f->xticks[i].label);
    free(f->xticks);
    free(f->points);
    free(f->smooth);
    free(f->series);
    free(f->rows);
    free(f->id);
    free(f->title);
    free(f->xlabel);
    free(f->ylabel);
    free(f);
}

int figure_set_labels(cohort_figure *f, const char *xlabel, const char *ylabel)
{
    if (!f) return -1;
    if (xlabel) {
        char *x = strdup(xlabel);
        if (!x) return -1;
        free(f->xlabel);
        f->xlabel = x;
    }
    if (ylabel) {
        char *y = strdup(ylabel);
        if (!y) return -1;
        free(f->ylabel);
        f->ylabel = y;
    }
    return 0;
}

/* The index of `name` in list (added when absent, or when `fresh`: a
 * group of its own), or -1 (out of memory). */
static int name_index(char ***list, size_t *n, const char *name, int fresh)
{
    for (size_t i = 0; !fresh && i < *n; i++)
        if (!strcmp((*list)[i], name)) return (int)i;
    char **l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l) return -1;
    *list = l;
    if (!(l[*n] = strdup(name))) return -1;
    return (int)(*n)++;
}

/* A new series of group g and outcome o (-1: none). */
static int add_series(cohort_figure *f, const char *label, double start, int g, int o)
{
    if (g < 0) return -1;
    fig_series *s = realloc(f->series, (f->nseries + 1) * sizeof *s);
    if (!s) return -1;
    f->series = s;
    fig_series *n = &s[f->nseries];
    memset(n, 0, sizeof *n);
    n->label = strdup(label ? label : "");
    if (!n->label) return -1;
    n->start = start;
    n->group = g;
    n->outcome = o;
    return (int)f->nseries++;
}

int figure_add_series(cohort_figure *f, const char *label, double start)
{
    if (!f || f->kind != COHORT_FIG_STEP || !isfinite(start)) return -1;
    return add_series(f, label, start, name_index(&f->groups, &f->ngroups, label ? label : "", 1), -1);
}

int figure_add_curve(cohort_figure *f, const char *group, const char *outcome, double start)
{
    if (!f || f->kind != COHORT_FIG_STEP || !isfinite(start) || !outcome) return -1;
    if (!group) group = "";
    int o = name_index(&f->outcomes, &f->noutcomes, outcome, 0);
    if (o < 0) return -1;
    size_t n = strlen(group) + strlen(outcome) + 3;
    char *label = malloc(n);
    if (!label) return -1;
    if (*group) snprintf(label, n, "%s: %s", group, outcome);
    else snprintf(label, n, "%s", outcome);
    int k = add_series(f, label, start, name_index(&f->groups, &f->ngroups, group, 0), o);
    free(label);
    return k;
}

int figure_set_annotation(cohort_figure *f, const char *text)
{
    if (!f) return -1;
    char *a = text ? strdup(text) : NULL;
    if (text && !a) return -1;
    free(f->annotation);
    f->annotation = a;
    return 0;
}

int figure_add_point(cohort_figure *f, int series, const fig_point *p)
{
    if (!f || series < 0 || (size_t)series >= f->nseries) return -1;
    fig_series *s = &f->series[series];
    if (!isfinite(p->time) || !isfinite(p->value)) return -1;
    if (s->npts && p->time < s->pts[s->npts - 1].time) return -1;
    if (s->npts == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        fig_point *x = realloc(s->pts, cap * sizeof *x);
        if (!x) return -1;
        s->pts = x;
        s->cap = cap;
    }
    fig_point q = *p;
    if (!isfinite(q.lower) || !isfinite(q.upper)) q.lower = q.upper = NAN;
    s->pts[s->npts++] = q;
    return 0;
}

int figure_add_row(cohort_figure *f, const char *label, double est, double lower, double upper,
                   double p)
{
    if (!f || (f->kind != COHORT_FIG_FOREST && f->kind != COHORT_FIG_FOREST_DIFF)) return -1;
    fig_row *r = realloc(f->rows, (f->nrows + 1) * sizeof *r);
    if (!r) return -1;
    f->rows = r;
    fig_row *n = &r[f->nrows];
    n->label = strdup(label ? label : "");
    if (!n->label) return -1;
    n->est = isfinite(est) ? est : NAN;
    n->lower = isfinite(lower) ? lower : NAN;
    n->upper = isfinite(upper) ? upper : NAN;
    n->p = isfinite(p) ? p : NAN;
    n->n = n->events = NAN;
    n->hide_n = n->hide_events = HIDE_NONE;
    f->nrows++;
    return 0;
}

int figure_row_counts(cohort_figure *f, double n, double events)
{
    if (!f || !f->nrows || (f->kind != COHORT_FIG_FOREST && f->kind != COHORT_FIG_FOREST_DIFF)) return -1;
    fig_row *r = &f->rows[f->nrows - 1];
    r->n = isfinite(n) && n >= 0 ? n : NAN;
    r->events = isfinite(events) && events >= 0 ? events : NAN;
    return 0;
}

int figure_add_xy(cohort_figure *f, int smooth, double x, double y, double lower, double upper)
{
    if (!f || f->kind != COHORT_FIG_SCATTER || !isfinite(x) || !isfinite(y)) return -1;
    fig_xy **a = smooth ? &f->smooth : &f->points;
    size_t *n = smooth ? &f->nsmooth : &f->npoints;
    if (smooth && *n && x < (*a)[*n - 1].x) return -1;
    fig_xy *g = realloc(*a, (*n + 1) * sizeof *g);
    if (!g) return -1;
    *a = g;
    int band = smooth && isfinite(lower) && isfinite(upper);
    g[(*n)++] = (fig_xy){x, y, band ? lower : NAN, band ? upper : NAN};
    return 0;
}

int figure_add_tick(cohort_figure *f, double at, const char *label)
{
    if (!f || f->kind != COHORT_FIG_SCATTER || !isfinite(at)) return -1;
    fig_tick *t = realloc(f->xticks, (f->nxticks + 1) * sizeof *t);
    if (!t) return -1;
    f->xticks = t;
    if (!(t[f->nxticks].label = strdup(label ? label : ""))) return -1;
    t[f->nxticks++].at = at;
    return 0;
}

/* Append a copy of forest row r under another label: 0 or -1. */
static int copy_row(cohort_figure *f, const fig_row *r, const char *label)
{
    if (figure_add_row(f, label, r->est, r->lower, r->upper, r->p)) return -1;
    fig_row *d = &f->rows[f->nrows - 1];
    d->n = r->n;
    d->events = r->events;
    d->hide_n = r->hide_n;
    d->hide_events = r->hide_events;
    return 0;
}

cohort_figure *figure_copy(const cohort_figure *f, const char *prefix)
{
    char *title = NULL;
    if (prefix) {
        size_t n = strlen(prefix) + strlen(f->title) + 2;
        title = malloc(n);
        if (!title) return NULL;
        snprintf(title, n, "%s %s", prefix, f->title);
    }
    cohort_figure *c = figure_create(f->id, f->kind, title ? title : f->title);
    free(title);
    if (!c || figure_set_labels(c, f->xlabel, f->ylabel)) {
        figure_free(c);
        return NULL;
    }
    c->protected_for = f->protected_for;
    if (figure_set_annotation(c, f->annotation)) { figure_free(c); return NULL; }
    for (size_t i = 0; i < f->ngroups; i++)
        if (name_index(&c->groups, &c->ngroups, f->groups[i], 1) < 0) { figure_free(c); return NULL; }
    for (size_t i = 0; i < f->noutcomes; i++)
        if (name_index(&c->outcomes, &c->noutcomes, f->outcomes[i], 1) < 0) { figure_free(c); return NULL; }
    for (size_t i = 0; i < f->nseries; i++) {
        const fig_series *s = &f->series[i];
        int k = add_series(c, s->label, s->start, s->group, s->outcome);
        if (k < 0) { figure_free(c); return NULL; }
        fig_series *d = &c->series[k];
        d->suppressed = s->suppressed;
        if (s->npts) {
            d->pts = malloc(s->npts * sizeof *d->pts);
            if (!d->pts) { figure_free(c); return NULL; }
            memcpy(d->pts, s->pts, s->npts * sizeof *d->pts);
            d->npts = d->cap = s->npts;
        }
    }
    for (size_t i = 0; i < f->nrows; i++)
        if (copy_row(c, &f->rows[i], f->rows[i].label)) { figure_free(c); return NULL; }
    for (size_t i = 0; i < f->npoints; i++)
        if (figure_add_xy(c, 0, f->points[i].x, f->points[i].y, NAN, NAN)) { figure_free(c); return NULL; }
    for (size_t i = 0; i < f->nsmooth; i++) {
        const fig_xy *p = &f->smooth[i];
        if (figure_add_xy(c, 1, p->x, p->y, p->lower, p->upper)) { figure_free(c); return NULL; }
    }
    for (size_t i = 0; i < f->nxticks; i++)
        if (figure_add_tick(c, f->xticks[i].at, f->xticks[i].label)) { figure_free(c); return NULL; }
    if (f->nrisk_t) {
        if (figure_risk_times(c, f->risk_t, f->nrisk_t)) { figure_free(c); return NULL; }
        memcpy(c->risk_hide, f->risk_hide, f->ngroups * f->nrisk_t);
    }
    return c;
}

int figure_risk_times(cohort_figure *f, const double *t, size_t n)
{
    free(f->risk_t);
    free(f->risk_hide);
    f->risk_t = NULL;
    f->risk_hide = NULL;
    f->nrisk_t = 0;
    if (!n || !f->ngroups) return 0;
    f->risk_t = malloc(n * sizeof *f->risk_t);
    f->risk_hide = calloc(f->ngroups * n, 1);
    if (!f->risk_t || !f->risk_hide) {
        free(f->risk_t);
        free(f->risk_hide);
        f->risk_t = NULL;
        f->risk_hide = NULL;
        return -1;
    }
    memcpy(f->risk_t, t, n * sizeof *t);
    f->nrisk_t = n;
    return 0;
}

unsigned char *figure_risk_mark(const cohort_figure *f, size_t g, double t)
{
    if (g >= f->ngroups) return NULL;
    for (size_t i = 0; i < f->nrisk_t; i++)
        if (fabs(f->risk_t[i] - t) <= 1e-9 * (fabs(t) + 1)) return &f->risk_hide[g * f->nrisk_t + i];
    return NULL;
}

void figure_risk_text(const cohort_figure *f, size_t g, double n, double t, int min_cell, char *buf, size_t size)
{
    const unsigned char *m = figure_risk_mark(f, g, t);
    if (!isfinite(n)) snprintf(buf, size, "-");
    else if (privacy_hides(n, min_cell)) snprintf(buf, size, "<%d", min_cell);
    else if (min_cell > 1 && m && *m == HIDE_COMPLEMENT) snprintf(buf, size, "x");
    else snprintf(buf, size, "%.0f", n);
}

int privacy_hides(double n, int min_cell)
{
    return min_cell > 1 && n > 0 && n < (double)min_cell;
}

/* Events at point i: the given count, or 1 when it is unknown but the
 * curve moves there (a step must never escape the rule). */
static double events_at(const fig_series *s, size_t i)
{
    const fig_point *p = &s->pts[i];
    if (isfinite(p->nevent) && p->nevent >= 0) return p->nevent;
    double prev = i ? s->pts[i - 1].value : s->start;
    return p->value != prev ? 1 : 0;
}

/* The points that will be drawn: those up to the end of the time axis and
 * before the curve is cut for having fewer than min_at_risk at risk. */
static size_t drawn_points(const fig_series *s, double horizon, double min_at_risk)
{
    for (size_t i = 0; i < s->npts; i++) {
        if (isfinite(horizon) && horizon > 0 && s->pts[i].time > horizon) return i;
        if (min_at_risk > 0 && isfinite(s->pts[i].nrisk) && s->pts[i].nrisk < min_at_risk) return i;
    }
    return s->npts;
}

static void protect_series(fig_series *s, int n, double horizon, double min_at_risk)
{
    /* only the drawn part is pooled, so that a pool never ends out of sight */
    size_t end = drawn_points(s, horizon, min_at_risk);
    double total = 0;
    for (size_t i = 0; i < end; i++) total += events_at(s, i);
    if (privacy_hides(total, n)) {
        s->suppressed = 1;
        for (size_t i = 0; i < s->npts; i++) {
            fig_point *p = &s->pts[i];
            p->value = s->start;
            p->lower = p->upper = NAN;
            p->nevent = 0;
            p->ncensor = 0;
        }
        return;
    }
    /* pool ends: end[i] != 0 where a pool closes, with its event total */
    double *pool = calloc(s->npts + 1, sizeof *pool);
    if (!pool) {
        /* cannot protect: show no steps at all rather than raw ones */
        s->suppressed = 1;
        for (size_t i = 0; i < s->npts; i++) {
            s->pts[i].value = s->start;
            s->pts[i].lower = s->pts[i].upper = NAN;
            s->pts[i].nevent = s->pts[i].ncensor = 0;
        }
        return;
    }
    double acc = 0;
    size_t last_end = (size_t)-1, last_event = (size_t)-1;
    for (size_t i = 0; i < end; i++) {
        double e = events_at(s, i);
        if (e <= 0) continue;
        acc += e;
        last_event = i;
        if (acc >= n) {
            pool[i] = acc;
            last_end = i;
            acc = 0;
        }
    }
    if (acc > 0 && last_end != (size_t)-1) {
        /* a short last pool joins the one before: its step moves to the end */
        pool[last_event] = pool[last_end] + acc;
        pool[last_end] = 0;
    }
    double cur = s->start, lo = NAN, hi = NAN;
    for (size_t i = 0; i < s->npts; i++) {
        fig_point *p = &s->pts[i];
        if (pool[i] > 0) {
            cur = p->value;
            lo = p->lower;
            hi = p->upper;
            p->nevent = pool[i];
        } else {
            p->nevent = 0;
        }
        p->value = cur;
        p->lower = lo;
        p->upper = hi;
        if (i >= end || !(isfinite(p->ncensor) && p->ncensor >= n)) p->ncensor = 0;
    }
    free(pool);
}

/* The counts of forest rows: those below min_cell hidden, and then every
 * other as a complement (a level's count is the model's less the others'). */
static void protect_rows(cohort_figure *c, int min_cell)
{
    int any = 0;
    for (size_t i = 0; i < c->nrows; i++) {
        fig_row *r = &c->rows[i];
        if (privacy_hides(r->n, min_cell)) r->hide_n = HIDE_SMALL, any = 1;
        if (privacy_hides(r->events, min_cell)) r->hide_events = HIDE_SMALL, any = 1;
    }
    for (size_t i = 0; any && i < c->nrows; i++) {
        fig_row *r = &c->rows[i];
        if (!r->hide_n && isfinite(r->n)) r->hide_n = HIDE_COMPLEMENT;
        if (!r->hide_events && isfinite(r->events)) r->hide_events = HIDE_COMPLEMENT;
    }
}

cohort_figure *figure_protect(const cohort_figure *f, int min_cell, double horizon, double min_at_risk)
{
    cohort_figure *c = figure_copy(f, NULL);
    if (!c || min_cell <= 1) return c;
    c->protected_for = min_cell;
    free(c->points);
    c->points = NULL;
    c->npoints = 0;
    int hidden = 0;
    for (size_t i = 0; i < c->nseries; i++) {
        protect_series(&c->series[i], min_cell, horizon, min_at_risk);
        hidden |= c->series[i].suppressed;
    }
    /* a test of groups of which one is hidden is not shown either */
    if (hidden) figure_set_annotation(c, NULL);
    protect_rows(c, min_cell);
    return c;
}

double figure_at_risk(const fig_series *s, double t)
{
    /* binary search for the first point with time >= t */
    size_t lo = 0, hi = s->npts;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->pts[mid].time < t) lo = mid + 1;
        else hi = mid;
    }
    if (lo == s->npts) return 0;
    return s->pts[lo].nrisk;
}

/* ---- JSON --------------------------------------------------------------------- */

/* a JSON string, valid whatever the bytes (safetext.h) */
static void jstr(FILE *out, const char *s)
{
    safetext_json(out, s);
}

static void jnum(FILE *out, double v)
{
    if (isfinite(v)) fprintf(out, "%.17g", v);
    else fputs("null", out);
}

static void jcount(FILE *out, double v, int min_cell)
{
    if (privacy_hides(v, min_cell)) fprintf(out, "\"<%d\"", min_cell);
    else jnum(out, v);
}

/* a count with its small-cell decision: "<N", "x", or the number */
static void jhidden(FILE *out, double v, int mark, int min_cell)
{
    if (mark == HIDE_SMALL) fprintf(out, "\"<%d\"", min_cell);
    else if (mark == HIDE_COMPLEMENT) fputs("\"x\"", out);
    else jnum(out, v);
}

static const char *kind_word(int k)
{
    switch (k) {
    case COHORT_FIG_STEP: return "step";
    case COHORT_FIG_FOREST: return "forest";
    case COHORT_FIG_FOREST_DIFF: return "forest_difference";
    case COHORT_FIG_SCATTER: return "scatter";
    default: return "unknown";
    }
}

/* a JSON array of n numbers, after ", " unless first */
static void jarray(FILE *out, const double *v, size_t n, int first)
{
    fputs(first ? "[" : ", [", out);
    for (size_t k = 0; k < n; k++) {
        if (k) fputs(", ", out);
        jnum(out, v[k]);
    }
    fputc(']', out);
}

/* the rest of a SCATTER figure's JSON: points, smooth, ticks */
static void scatter_json(const cohort_figure *f, FILE *out)
{
    fputs(",\n \"points\": [", out);
    for (size_t i = 0; i < f->npoints; i++)
        jarray(out, (const double[]){f->points[i].x, f->points[i].y}, 2, i == 0);
    fputs("],\n \"smooth_columns\": [\"x\", \"fit\", \"lower\", \"upper\"],\n \"smooth\": [", out);
    for (size_t i = 0; i < f->nsmooth; i++) {
        const fig_xy *p = &f->smooth[i];
        jarray(out, (const double[]){p->x, p->y, p->lower, p->upper}, 4, i == 0);
    }
    fputs("],\n \"xticks\": [", out);
    for (size_t i = 0; i < f->nxticks; i++) {
        fputs(i ? ", [" : "[", out);
        jnum(out, f->xticks[i].at);
        fputs(", ", out);
        jstr(out, f->xticks[i].label);
        fputc(']', out);
    }
    fputs("]}\n", out);
}

void figure_json(const cohort_figure *f, const double *ticks, size_t nticks, int min_cell, FILE *out)
{
    fputs("{\"id\": ", out);
    jstr(out, f->id);
    fprintf(out, ", \"kind\": \"%s\", \"title\": ", kind_word(f->kind));
    jstr(out, f->title);
    fputs(", \"xlabel\": ", out);
    jstr(out, f->xlabel);
    fputs(", \"ylabel\": ", out);
    jstr(out, f->ylabel);
    fprintf(out, ", \"min_cell\": %d", min_cell > 1 ? min_cell : 0);
    fputs(", \"annotation\": ", out);
    if (f->annotation) jstr(out, f->annotation);
    else fputs("null", out);
    if (f->kind == COHORT_FIG_STEP) {
        fputs(",\n \"step_columns\": [\"time_days\", \"value\", \"lower\", \"upper\", \"n.event\"]", out);
        fputs(",\n \"series\": [", out);
        for (size_t i = 0; i < f->nseries; i++) {
            const fig_series *s = &f->series[i];
            fputs(i ? ",\n  {\"label\": " : "\n  {\"label\": ", out);
            jstr(out, s->label);
            fputs(", \"group\": ", out);
            jstr(out, f->groups[s->group]);
            fputs(", \"outcome\": ", out);
            if (s->outcome >= 0) jstr(out, f->outcomes[s->outcome]);
            else fputs("null", out);
            fputs(", \"start\": ", out);
            jnum(out, s->start);
            fprintf(out, ", \"suppressed\": %s,\n   \"steps\": [", s->suppressed ? "true" : "false");
            int first = 1;
            double prev = s->start;
            for (size_t k = 0; !s->suppressed && k < s->npts; k++) {
                const fig_point *p = &s->pts[k];
                if (!(p->nevent > 0) && p->value == prev) continue;
                prev = p->value;
                fputs(first ? "[" : ", [", out);
                first = 0;
                jnum(out, p->time);
                fputs(", ", out);
                jnum(out, p->value);
                fputs(", ", out);
                jnum(out, p->lower);
                fputs(", ", out);
                jnum(out, p->upper);
                fputs(", ", out);
                jcount(out, p->nevent, min_cell);
                fputc(']', out);
            }
            fputs("],\n   \"censored\": [", out);
            first = 1;
            for (size_t k = 0; k < s->npts; k++) {
                const fig_point *p = &s->pts[k];
                if (!(p->ncensor > 0)) continue;
                fputs(first ? "[" : ", [", out);
                first = 0;
                jnum(out, p->time);
                fputs(", ", out);
                jcount(out, p->ncensor, min_cell);
                fputc(']', out);
            }
            fputs("],\n   \"at_risk\": [", out);
            for (size_t k = 0; k < nticks; k++) {
                fputs(k ? ", [" : "[", out);
                jnum(out, ticks[k]);
                fputs(", ", out);
                char shown[32];
                double n = figure_at_risk(s, ticks[k]);
                figure_risk_text(f, (size_t)s->group, n, ticks[k], min_cell, shown, sizeof shown);
                if (!isfinite(n) || isdigit((unsigned char)shown[0])) jnum(out, n);
                else jstr(out, shown);
                fputc(']', out);
            }
            fputs("]}", out);
        }
        fputs("]}\n", out);
        return;
    }
    if (f->kind == COHORT_FIG_SCATTER) {
        scatter_json(f, out);
        return;
    }
    fputs(",\n \"rows\": [", out);
    for (size_t i = 0; i < f->nrows; i++) {
        const fig_row *r = &f->rows[i];
        fputs(i ? ",\n  {\"label\": " : "\n  {\"label\": ", out);
        jstr(out, r->label);
        fputs(", \"estimate\": ", out);
        jnum(out, r->est);
        fputs(", \"lower\": ", out);
        jnum(out, r->lower);
        fputs(", \"upper\": ", out);
        jnum(out, r->upper);
        fputs(", \"p\": ", out);
        jnum(out, r->p);
        fputs(", \"n\": ", out);
        jhidden(out, r->n, r->hide_n, min_cell);
        fputs(", \"events\": ", out);
        jhidden(out, r->events, r->hide_events, min_cell);
        fputc('}', out);
    }
    fputs("]}\n", out);
}

/* The row labelled `label` in forest f, or NULL. */
static const fig_row *row_named(const cohort_figure *f, const char *label)
{
    for (size_t i = 0; f && i < f->nrows; i++)
        if (!strcmp(f->rows[i].label, label)) return &f->rows[i];
    return NULL;
}

cohort_figure *figure_sweep(const cohort_figure *const *figs, const char *const *labels, size_t n,
                            const char *params)
{
    const cohort_figure *first = NULL;
    size_t have = 0;
    for (size_t k = 0; k < n; k++)
        if (figs[k]) {
            if (!first) first = figs[k];
            have++;
        }
    if (have < 2) return NULL;
    size_t idn = strlen(first->id) + sizeof "-sweep", tn = strlen(first->title) + strlen(params) + 8;
    char *id = malloc(idn), *title = malloc(tn);
    cohort_figure *c = NULL;
    if (id && title) {
        snprintf(id, idn, "%s-sweep", first->id);
        snprintf(title, tn, "%s, by %s", first->title, params);
        c = figure_create(id, first->kind, title);
    }
    free(id);
    free(title);
    if (!c || figure_set_labels(c, first->xlabel, first->ylabel)) goto fail;
    /* each row label once, in the order the runs first give it */
    for (size_t k = 0; k < n; k++) {
        for (size_t i = 0; figs[k] && i < figs[k]->nrows; i++) {
            const char *label = figs[k]->rows[i].label;
            int seen = 0;
            for (size_t j = 0; j < k && !seen; j++) seen = row_named(figs[j], label) != NULL;
            for (size_t j = 0; j < i && !seen; j++) seen = !strcmp(figs[k]->rows[j].label, label);
            if (seen) continue;
            /* a heading (no estimate and no counts in any run) stays one row;
             * a reference level (counts, no estimate) gets a row per run */
            int estimated = 0;
            for (size_t j = k; j < n && !estimated; j++) {
                const fig_row *r = row_named(figs[j], label);
                estimated = r && (isfinite(r->est) || isfinite(r->n));
            }
            if (figure_add_row(c, label, NAN, NAN, NAN, NAN)) goto fail;
            if (!estimated) continue;
            for (size_t j = 0; j < n; j++) {
                const fig_row *r = row_named(figs[j], label);
                if (!r) continue;
                char sub[600];
                if (isfinite(r->est) || isfinite(r->n)) snprintf(sub, sizeof sub, "%s", labels[j]);
                else snprintf(sub, sizeof sub, "%s: not estimable", labels[j]);
                if (copy_row(c, r, sub)) goto fail;
            }
        }
    }
    return c;
fail:
    figure_free(c);
    return NULL;
}
