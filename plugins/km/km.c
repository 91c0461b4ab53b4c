/* km.c: the `km` estimator plugin (ABI glue): Kaplan-Meier curves of an
 * endpoint by group, as R survfit(Surv(time, status) ~ by): survival with
 * confidence limits at given times, median and other quantiles, restricted
 * means, the Nelson-Aalen cumulative hazard with its standard error (as
 * survfit's cumhaz and std.chaz), the full curves (table "curve", for
 * plots), and on request the follow-up: reverse Kaplan-Meier median
 * follow-up, person-time and crude rates (followup.c).  The numbers come
 * from kmcore.c. */
#include <cohort/plugin.h>
#include "kmcore.h"
#include "../logrank/lrcore.h"
#include "kmhr.h"
#include "../cox/coxfit.h"
#include "followup.h"
#include "../common/pcommon.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cohort_param km_params[] = {
    {"endpoint", COHORT_ARG_ENDPOINT, 1, "the endpoint (event 1; other causes count as censored)"},
    {"by", COHORT_ARG_COLUMN, 0, "groups: one curve per value"},
    {"at", COHORT_ARG_LIST, 0, "times (durations) at which to report survival"},
    {"probs", COHORT_ARG_LIST, 0, "quantiles to report (probabilities of the event), default [0.5]"},
    {"conf_type", COHORT_ARG_TEXT, 0,
     "confidence interval: \"log\" (default), \"log-log\", \"plain\", \"logit\", \"arcsin\", \"none\""},
    {"conf_level", COHORT_ARG_NUMBER, 0, "confidence level, default 0.95"},
    {"rmean", COHORT_ARG_DURATION, 0, "report the restricted mean survival time up to this time"},
    {"followup", COHORT_ARG_BOOL, 0,
     "median follow-up (reverse Kaplan-Meier), person-years and events per 100 person-years, default false"},
    {"weights", COHORT_ARG_COLUMN, 0,
     "case weights (numbers > 0), as survfit's weights: weighted numbers at risk and events; "
     "robust (infinitesimal-jackknife) standard errors when a weight is not a whole number"},
    {"hr", COHORT_ARG_BOOL, 0,
     "for two groups: the hazard ratio of the second against the first as coxph(Surv(time, "
     "status) ~ group) (Efron ties, Wald CI and p; with `cluster`, below the patient level by "
     "default, its robust variance as cox), reported and shown in the figure's annotation with "
     "the log-rank p, or when clustered with coxph's robust score p"},
    {"cluster", COHORT_ARG_COLUMN, 0,
     "with hr: the hazard ratio's robust (sandwich) variance with these clusters, as cox; below the "
     "patient level the patient key by default (cluster: none for the model-based one)"},
};

/* The data of one call after dropping rows with missing values. */
typedef struct km_input {
    size_t n;            /* rows used */
    double *start;       /* NULL unless counting-process data */
    double *time;
    int *event;
    int *censored;       /* 1: follow-up ended without any event (status 0) */
    int *group;          /* 0..ngroups-1 */
    double *wt;          /* case weights, or NULL */
    int robust;          /* a weight is not whole: infinitesimal-jackknife variance */
    size_t *unit;        /* unit of each row, or NULL */
    pc_factor f;         /* levels of `by` (empty without it) */
    const char *byname;  /* name of `by`, or NULL */
    size_t ngroups;
    size_t *level;       /* factor level of each group (levels without rows dropped) */
    pc_factor cf;        /* levels of `cluster` (hr only; empty without it) */
    int *cluster;        /* cluster of each row (hr with `cluster`), or NULL */
    const char *clname;  /* name of `cluster`, or NULL */
} km_input;

static void km_input_free(km_input *in)
{
    free(in->start);
    free(in->time);
    free(in->event);
    free(in->censored);
    free(in->group);
    free(in->wt);
    free(in->unit);
    free(in->level);
    free(in->cluster);
    pc_factor_free(&in->f);
    pc_factor_free(&in->cf);
}

/* Format a time that may be missing (quantile not reached). */
static void km_fmt_q(const cohort_call *call, double days, char *buf, size_t size)
{
    if (isnan(days)) snprintf(buf, size, "NR");
    else {
        double per = call->time_unit_days > 0 ? call->time_unit_days : 1;
        snprintf(buf, size, "%.1f", days / per);
    }
}

/* A count for a sentence: "12", or "<5" under the study's small-cell rule
 * (privacy min_cell).  Returns 1 when the count is hidden. */
static const char *km_group_label(const km_input *in, size_t g)
{
    return in->byname ? in->f.labels[in->level[g]] : "all";
}

/* " in tdxd = true" for notes, or "" without groups. */
static const char *km_in(const km_input *in, size_t g, char *buf, size_t size)
{
    if (!in->byname) return "";
    snprintf(buf, size, " in %s = %s", in->byname, km_group_label(in, g));
    return buf;
}

/* Say what COUNT column col counts (enum cohort_count_role), for the
 * host's complementary small-cell suppression; only when the counts add up
 * as the roles say: one row per unit, no delayed entry. */
static void km_role(const cohort_host *host, const cohort_call *call, const km_input *in,
                    cohort_table *t, int col, int role)
{
    pc_count_role(host, call, !in->start && !in->wt, t, col, role);
}

/* A column of numbers of units at risk or events: counts, or sums of
 * weights (two decimals) under case weights. */
static int km_count_column(const cohort_host *host, const km_input *in, cohort_table *t,
                           const char *name)
{
    return host->table_column(t, name, in->wt ? COHORT_COL_NUMBER : COHORT_COL_COUNT, in->wt ? 2 : 0);
}

/* Read the endpoint and `by`, drop rows with missing values, check times;
 * with want_hr, also `cluster` (a row without a cluster is an error: the
 * curves and the hazard ratio rest on the same rows).  Returns 0 or 1
 * after host->error. */
static int km_read(const cohort_host *host, const cohort_call *call, int want_hr, km_input *in)
{
    memset(in, 0, sizeof *in);
    const cohort_arg *ep = cohort_arg_get(call, "endpoint");
    const cohort_arg *by = cohort_arg_get(call, "by");
    const cohort_arg *ca = want_hr ? cohort_arg_get(call, "cluster") : NULL;
    const cohort_vec *wv = pc_weights(call);
    if (!ep || ep->kind != COHORT_ARG_ENDPOINT) {
        host->error(call, "km needs an endpoint");
        return 1;
    }
    if (pc_weights_check(host, call, wv, NULL, &in->robust)) return 1;
    const cohort_surv *s = &ep->surv;
    size_t nrows = call->nrows;
    if (by) {
        if (pc_factor_make(&by->vec, NULL, &in->f) != 0 || pc_factor_order(host, call, &by->vec, &in->f) != 0) {
            host->error(call, "out of memory coding %s", by->vec.name);
            return 1;
        }
        in->byname = by->vec.name;
    }
    if (ca) {
        if (pc_factor_make(&ca->vec, NULL, &in->cf) != 0) {
            host->error(call, "out of memory coding %s", ca->vec.name);
            return 1;
        }
        in->clname = ca->vec.name;
    }
    size_t nlev = by ? in->f.nlevels : 1;
    in->time = malloc((nrows + 1) * sizeof *in->time);
    in->event = malloc((nrows + 1) * sizeof *in->event);
    in->censored = malloc((nrows + 1) * sizeof *in->censored);
    in->group = malloc((nrows + 1) * sizeof *in->group);
    if (s->start) in->start = malloc((nrows + 1) * sizeof *in->start);
    if (call->row_unit) in->unit = malloc((nrows + 1) * sizeof *in->unit);
    if (wv) in->wt = malloc((nrows + 1) * sizeof *in->wt);
    if (ca) in->cluster = malloc((nrows + 1) * sizeof *in->cluster);
    in->level = calloc(nlev + 1, sizeof *in->level);
    if (!in->time || !in->event || !in->censored || !in->group || (s->start && !in->start) ||
        (call->row_unit && !in->unit) || (wv && !in->wt) || (ca && !in->cluster) || !in->level) {
        host->error(call, "out of memory");
        return 1;
    }
    size_t dropped = 0, competing = 0;
    for (size_t i = 0; i < nrows; i++) {
        if (s->missing[i] || (by && in->f.code[i] < 0) || pc_weight_missing(wv, i)) {
            dropped++;
            continue;
        }
        if (!isfinite(s->time[i]) || s->time[i] < 0) {
            host->error(call, "%s: time %g in row %zu is not a time >= 0", s->name, s->time[i], i + 1);
            return 1;
        }
        if (s->start && !(s->start[i] < s->time[i])) {
            host->error(call, "%s: interval (%g, %g] in row %zu is empty", s->name, s->start[i],
                        s->time[i], i + 1);
            return 1;
        }
        if (ca && in->cf.code[i] < 0) {
            host->error(call, "hr: %s is missing in row %zu; the robust variance of the hazard ratio needs "
                        "every row's cluster", ca->vec.name, i + 1);
            return 1;
        }
        size_t k = in->n++;
        if (ca) in->cluster[k] = in->cf.code[i];
        in->time[k] = s->time[i];
        in->event[k] = s->status[i] == 1;
        in->censored[k] = s->status[i] == 0;
        if (s->status[i] >= 2) competing++;
        in->group[k] = by ? in->f.code[i] : 0;
        if (in->start) in->start[k] = s->start[i];
        if (in->unit) in->unit[k] = call->row_unit[i];
        if (in->wt) in->wt[k] = wv->num[i];
    }
    char c1[32], c2[32];
    if (dropped) {
        pc_count(host, call, (double)dropped, c1, sizeof c1);
        pc_count(host, call, (double)nrows, c2, sizeof c2);
        host->warning(call, "%s of %s rows dropped for missing values of %s%s%s%s%s", c1, c2, s->name,
                      by ? (wv ? ", " : " or ") : "", by ? by->vec.name : "", wv ? " or " : "",
                      wv ? wv->name : "");
    }
    if (competing) {
        pc_count(host, call, (double)competing, c1, sizeof c1);
        host->warning(call, "%s competing events treated as censored; use cif for "
                      "cumulative incidence", c1);
    }
    if (in->n == 0) {
        host->error(call, "no rows with %s known", s->name);
        return 1;
    }
    /* groups: the levels that kept rows, in level order */
    for (size_t i = 0; i < in->n; i++) in->level[in->group[i]] = 1;
    for (size_t k = 0; k < nlev; k++)
        if (in->level[k]) in->level[k] = ++in->ngroups;
    for (size_t i = 0; i < in->n; i++) in->group[i] = (int)in->level[in->group[i]] - 1;
    for (size_t k = 0, g = 0; k < nlev; k++)
        if (in->level[k]) in->level[g++] = k;
    return 0;
}

/* Options of the call, checked.  Returns 0 or 1 after host->error. */
typedef struct km_opts {
    km_conf conf;
    double level;
    const double *at;
    size_t nat;
    double *probs;       /* malloc'd */
    size_t nprobs;
    int has_rmean;
    double rmean;
} km_opts;

static int km_options(const cohort_host *host, const cohort_call *call, km_opts *o)
{
    memset(o, 0, sizeof *o);
    o->conf = KM_CONF_LOG;
    o->level = 0.95;
    const cohort_arg *a;
    if ((a = cohort_arg_get(call, "conf_type")) && km_conf_parse(a->text, &o->conf) != 0) {
        host->error(call, "conf_type \"%s\": use \"log\", \"log-log\", \"plain\", \"logit\", "
                    "\"arcsin\" or \"none\"", a->text);
        return 1;
    }
    if (pc_conf_level(host, call, &o->level)) return 1;
    if ((a = cohort_arg_get(call, "at"))) {
        if (a->list.n > 0 && a->list.type != COHORT_TYPE_DURATION) {
            host->error(call, "at: give durations, e.g. [12 months, 24 months]");
            return 1;
        }
        for (size_t i = 0; i < a->list.n; i++)
            if (!(a->list.num[i] >= 0)) {
                host->error(call, "at: time %g is negative", a->list.num[i]);
                return 1;
            }
        o->at = a->list.num;
        o->nat = a->list.n;
    }
    a = cohort_arg_get(call, "probs");
    o->nprobs = a ? a->list.n : 1;
    o->probs = malloc((o->nprobs + 1) * sizeof *o->probs);
    if (!o->probs) {
        host->error(call, "out of memory");
        return 1;
    }
    if (!a) o->probs[0] = 0.5;
    for (size_t i = 0; a && i < a->list.n; i++) {
        if ((a->list.type != COHORT_TYPE_REAL && a->list.type != COHORT_TYPE_INT) ||
            !(a->list.num[i] > 0 && a->list.num[i] < 1)) {
            host->error(call, "probs: give probabilities between 0 and 1, e.g. [0.25, 0.5]");
            return 1;
        }
        o->probs[i] = a->list.num[i];
    }
    if ((a = cohort_arg_get(call, "rmean"))) {
        o->has_rmean = 1;
        o->rmean = a->num;
        if (!(o->rmean > 0)) {
            host->error(call, "rmean: the horizon must be a positive duration");
            return 1;
        }
    }
    return 0;
}

/* Rows of group g as arrays (pointers into scratch space); c (the
 * censoring flags), w (the weights) and u (the units) may be NULL. */
static size_t km_select(const km_input *in, size_t g, double *t0, double *t, int *e, int *c,
                        double *w, size_t *u)
{
    size_t m = 0;
    for (size_t i = 0; i < in->n; i++)
        if ((size_t)in->group[i] == g) {
            if (in->start) t0[m] = in->start[i];
            if (c) c[m] = in->censored[i];
            if (w && in->wt) w[m] = in->wt[i];
            if (u && in->unit) u[m] = in->unit[i];
            t[m] = in->time[i];
            e[m++] = in->event[i];
        }
    return m;
}

/* Fit the curve of group g: weighted when the call has weights, with the
 * robust variance when a weight is not whole (clustered by unit for
 * (start, stop] rows, as survfit(..., id = unit)).  Scratch space t0, t,
 * e, w (n each) and u (n + nunits).  Returns 0, or -1 if memory ran out. */
static int km_fit_group(const km_input *in, const km_opts *o, size_t nunits, size_t g, double *t0,
                        double *t, int *e, double *w, size_t *u, km_curve *c)
{
    size_t m = km_select(in, g, t0, t, e, NULL, w, u);
    if (km_fit(in->start ? t0 : NULL, t, e, in->wt ? w : NULL, m, o->conf, o->level, c) != 0)
        return -1;
    if (!in->robust) return 0;
    size_t ncl = 0, *cl = NULL;
    if (in->unit) { /* the group's units, numbered 0..ncl-1 */
        size_t *num = u + in->n;
        for (size_t k = 0; k < nunits; k++) num[k] = (size_t)-1;
        for (size_t i = 0; i < m; i++) {
            if (num[u[i]] == (size_t)-1) num[u[i]] = ncl++;
            u[i] = num[u[i]];
        }
        cl = u;
    }
    return km_var_ij(in->start ? t0 : NULL, t, e, w, cl, ncl, m, c);
}

/* The follow-up table: reverse Kaplan-Meier median follow-up, person-years
 * and crude rates per 100 person-years, by group.  Returns 0, or 1 after
 * host->error. */
static int km_followup_table(const cohort_host *host, const cohort_call *call, const km_input *in,
                             const km_opts *o, const char *gname, double *t0, double *t, int *e)
{
    if (in->start) {
        host->error(call, "followup: the reverse Kaplan-Meier follow-up needs one row per unit, "
                    "not (start, stop] rows");
        return 1;
    }
    int *c = malloc((in->n + 1) * sizeof *c);
    if (!c) {
        host->error(call, "out of memory");
        return 1;
    }
    const double year = 365.25;
    cohort_table *tab = host->table_new(call, "followup",
                                        "Follow-up: median by reverse Kaplan-Meier, crude rates");
    int tk = COHORT_HOST_HAS(host, format_count) ? COHORT_COL_TIME_ESTIMATE : COHORT_COL_TIME;
    int cg = host->table_column(tab, gname, COHORT_COL_TEXT, 0);
    int cn = host->table_column(tab, "n", COHORT_COL_COUNT, 0);
    int ce = host->table_column(tab, "events", COHORT_COL_COUNT, 0);
    km_role(host, call, in, tab, cn, COHORT_COUNT_UNITS);
    km_role(host, call, in, tab, ce, COHORT_COUNT_EVENTS);
    int cpy = host->table_column(tab, "person-years", COHORT_COL_NUMBER, 1);
    int cr = host->table_column(tab, "rate per 100 PY", COHORT_COL_NUMBER, 2);
    int crl = host->table_column(tab, "rate.lower", COHORT_COL_NUMBER, 2);
    int cru = host->table_column(tab, "rate.upper", COHORT_COL_NUMBER, 2);
    int cm = host->table_column(tab, "median follow-up", tk, 1);
    int cml = o->conf != KM_CONF_NONE ? host->table_column(tab, "median.lower", tk, 1) : -1;
    int cmu = o->conf != KM_CONF_NONE ? host->table_column(tab, "median.upper", tk, 1) : -1;
    const char *unit = call->time_unit && *call->time_unit ? call->time_unit : "days";
    double per = call->time_unit_days > 0 ? call->time_unit_days : 1;
    char lv[16], gb[256], ev[32];
    snprintf(lv, sizeof lv, "%g%%", o->level * 100);
    for (size_t g = 0; g < in->ngroups; g++) {
        size_t m = km_select(in, g, t0, t, e, c, NULL, NULL);
        km_fu fu;
        if (km_followup(t, e, c, m, o->conf, o->level, 100 * year, &fu) != 0) {
            free(c);
            host->error(call, "out of memory");
            return 1;
        }
        size_t r = host->table_row(tab);
        host->table_text(tab, r, cg, km_group_label(in, g));
        pc_put(host, tab, r, cn, fu.n);
        pc_put(host, tab, r, ce, fu.events);
        pc_put(host, tab, r, cpy, fu.person_time / year);
        pc_put(host, tab, r, cm, fu.median);
        pc_put(host, tab, r, cml, fu.lower);
        pc_put(host, tab, r, cmu, fu.upper);
        /* a rate would reveal a hidden count of events */
        int hidden = pc_count(host, call, fu.events, ev, sizeof ev);
        if (!hidden) {
            pc_put(host, tab, r, cr, fu.rate);
            pc_put(host, tab, r, crl, fu.rate_lower);
            pc_put(host, tab, r, cru, fu.rate_upper);
        }
        char med[128], lo[32], hi[32];
        km_fmt_q(call, fu.lower, lo, sizeof lo);
        km_fmt_q(call, fu.upper, hi, sizeof hi);
        if (isnan(fu.median)) snprintf(med, sizeof med, "median follow-up not reached");
        else if (o->conf == KM_CONF_NONE)
            snprintf(med, sizeof med, "median follow-up %.1f %s", fu.median / per, unit);
        else
            snprintf(med, sizeof med, "median follow-up %.1f %s (%s CI %s-%s)", fu.median / per,
                     unit, lv, lo, hi);
        if (hidden)
            host->note(call, "%s; %s events in %.1f person-years%s", med, ev, fu.person_time / year,
                       km_in(in, g, gb, sizeof gb));
        else
            host->note(call, "%s; %s events in %.1f person-years: %.2f per 100 person-years (%s CI "
                       "%.2f-%.2f)%s", med, ev, fu.person_time / year, fu.rate, lv, fu.rate_lower,
                       fu.rate_upper, km_in(in, g, gb, sizeof gb));
    }
    free(c);
    return 0;
}

/* Distinct units among the rows of group g (rows when there are no units). */
static double km_units(const km_input *in, size_t g, size_t *stamp)
{
    if (!in->unit) {
        size_t m = 0;
        for (size_t i = 0; i < in->n; i++) m += (size_t)in->group[i] == g;
        return (double)m;
    }
    size_t m = 0;
    for (size_t i = 0; i < in->n; i++)
        if ((size_t)in->group[i] == g && stamp[in->unit[i]] != g + 1) {
            stamp[in->unit[i]] = g + 1;
            m++;
        }
    return (double)m;
}

static void km_quantile_name(double p, const char *suffix, char *buf, size_t size)
{
    if (p == 0.5) snprintf(buf, size, "median%s", suffix);
    else snprintf(buf, size, "p%g%s", p * 100, suffix);
}

/* A table of values at the `at` times: its leading columns (group, time,
 * n.risk, cum.event) into col[0..3]. */
static cohort_table *km_at_table(const cohort_host *host, const cohort_call *call, const km_input *in,
                                 const char *id, const char *title, const char *gname, int col[4])
{
    cohort_table *tab = host->table_new(call, id, title);
    col[0] = host->table_column(tab, gname, COHORT_COL_TEXT, 0);
    col[1] = host->table_column(tab, "time", COHORT_COL_TIME, 1);
    col[2] = km_count_column(host, in, tab, "n.risk");
    col[3] = km_count_column(host, in, tab, "cum.event");
    return tab;
}

/* Under case weights the small-cell rule looks at the rows behind a
 * weighted number: with nrisk rows at risk and nevent events (counts, from
 * the unweighted curve), returns 1 when either is hidden, after telling
 * the host that the row's percentages rest on the hidden count; the caller
 * then leaves the row's sums of weights unset.  0 without weights. */
static int km_weighted_hidden(const cohort_host *host, const cohort_call *call, const km_input *in,
                              cohort_table *tab, size_t r, double nrisk, double nevent)
{
    char b[32];
    if (!in->wt) return 0;
    double n = pc_count(host, call, nevent, b, sizeof b) ? nevent
             : pc_count(host, call, nrisk, b, sizeof b) ? nrisk : NAN;
    if (isnan(n)) return 0;
    if (COHORT_HOST_HAS(host, table_row_count)) host->table_row_count(tab, r, n);
    return 1;
}

/* A row of such a table for group label `label` at time t (p the curve's
 * point, pn the counts' point: the same curve without weights); returns it,
 * with *hidden set when its sums of weights are hidden (km_weighted_hidden:
 * the caller leaves its other numbers unset too). */
static size_t km_at_row(const cohort_host *host, const cohort_call *call, const km_input *in,
                        cohort_table *tab, const int col[4], const char *label, double t,
                        const km_point *p, const km_point *pn, int *hidden)
{
    size_t r = host->table_row(tab);
    host->table_text(tab, r, col[0], label);
    pc_put(host, tab, r, col[1], t);
    *hidden = km_weighted_hidden(host, call, in, tab, r, pn->nrisk, pn->nevent);
    if (*hidden) return r;
    pc_put(host, tab, r, col[2], p->nrisk);
    pc_put(host, tab, r, col[3], p->nevent);
    return r;
}

/* The hazard ratio of the two groups (hr: true): table hr and a sentence;
 * its text for the figure's annotation goes to ann, and with clusters the
 * p of the robust score test to *rscore_p (NaN without).  Returns 0, or 1
 * after host->error. */
static int km_report_hr(const cohort_host *host, const cohort_call *call, const km_input *in,
                        const km_opts *o, char *ann, size_t annsize, double *rscore_p)
{
    km_hr_result r;
    int st = km_hr(in->n, in->start, in->time, in->event, in->group, in->cluster, in->cf.nlevels, o->level, &r);
    if (st != COX_OK) {
        host->error(call, "hr: the Cox model of the two groups cannot be fitted: %s",
                    cox_status_text(st));
        return 1;
    }
    char term[512], lv[16], pb[32];
    snprintf(term, sizeof term, "%s (%s vs %s)", in->byname, km_group_label(in, 1), km_group_label(in, 0));
    snprintf(lv, sizeof lv, "%g%%", o->level * 100);
    char title[600], how[560];
    if (in->clname) snprintf(how, sizeof how, "Cox model, Efron ties, robust SE by %s", in->clname);
    else snprintf(how, sizeof how, "Cox model, Efron ties");
    snprintf(title, sizeof title, "Hazard ratio of the groups (%s)", how);
    cohort_table *t = host->table_new(call, "hr", title);
    pc_ratio_cols c;
    pc_ratio_columns(host, t, "HR", &c);
    pc_ratio_row(host, t, &c, term, r.hr, r.lower, r.upper, r.p, r.coef, r.se);
    pc_fmt_p(r.p, pb, sizeof pb);
    host->note(call, "%s: HR %.2f (%s CI %.2f-%.2f), %s (%s)", term, r.hr, lv, r.lower, r.upper, pb, how);
    snprintf(ann, annsize, "HR %.2f (%s CI %.2f-%.2f)", r.hr, lv, r.lower, r.upper);
    *rscore_p = r.rscore_p;
    return 0;
}

static int km_run(const cohort_host *host, const cohort_call *call)
{
    km_input in;
    km_opts o;
    km_curve *curves = NULL, *counts = NULL;
    size_t *stamp = NULL;
    double *t0 = NULL, *t = NULL, *q = NULL, *w = NULL;
    size_t *u = NULL;
    int *e = NULL, rc = 1;
    const cohort_arg *a_fu;
    const cohort_arg *a_hr = cohort_arg_get(call, "hr");
    int want_hr = a_hr && a_hr->num != 0;
    if (km_options(host, call, &o) != 0) goto out_opts;
    if (km_read(host, call, want_hr, &in) != 0) goto out;
    if ((a_fu = cohort_arg_get(call, "followup")) && a_fu->num != 0 && in.wt) {
        host->error(call, "followup: the follow-up (reverse Kaplan-Meier, person-time) is not "
                    "computed with case weights; give it in a km without weights");
        goto out;
    }
    if (want_hr && (in.wt || in.ngroups != 2 || !in.byname)) {
        if (in.wt)
            host->error(call, "hr: the hazard ratio is not computed with case weights; use cox "
                        "with weights");
        else
            host->error(call, "hr: the hazard ratio needs `by` with two groups (here %zu); use cox "
                        "for more", in.byname ? in.ngroups : (size_t)1);
        goto out;
    }
    const char *gname = cohort_arg_get(call, "by") ? cohort_arg_get(call, "by")->vec.name : "group";
    curves = calloc(in.ngroups, sizeof *curves);
    /* under weights, the same curves without them: the rows behind each
     * sum of weights, for the small-cell rule and the figure */
    counts = in.wt ? calloc(in.ngroups, sizeof *counts) : curves;
    t0 = malloc((in.n + 1) * sizeof *t0);
    t = malloc((in.n + 1) * sizeof *t);
    e = malloc((in.n + 1) * sizeof *e);
    w = malloc((in.n + 1) * sizeof *w);
    u = malloc((in.n + call->nunits + 1) * sizeof *u);
    q = malloc((3 * o.nprobs + 1) * sizeof *q);
    stamp = calloc(call->nunits + 1, sizeof *stamp);
    if (!curves || !counts || !t0 || !t || !e || !w || !u || !q || !stamp) {
        host->error(call, "out of memory");
        goto out;
    }
    double nevents = 0;
    for (size_t g = 0; g < in.ngroups; g++) {
        if (km_fit_group(&in, &o, call->nunits, g, t0, t, e, w, u, &curves[g]) != 0 ||
            (in.wt && km_fit(in.start ? t0 : NULL, t, e, NULL, km_select(&in, g, t0, t, e, NULL, NULL, NULL),
                             o.conf, o.level, &counts[g]) != 0)) {
            host->error(call, "out of memory");
            goto out;
        }
        nevents += curves[g].nevents;
    }
    if (nevents == 0) {
        host->error(call, "no events of %s: nothing to estimate",
                    cohort_arg_get(call, "endpoint")->surv.name);
        goto out;
    }
    char lv[16], tb[64], sb[64], buf[256], gb[256];
    snprintf(lv, sizeof lv, "%g%%", o.level * 100);
    if (in.wt)
        host->note(call, "case weights %s: numbers at risk and events are sums of weights; %s "
                   "standard errors", pc_weights(call)->name,
                   in.robust ? "robust (infinitesimal jackknife, as survfit with weights that are not "
                               "whole numbers)" : "Greenwood");

    /* what the curve is called: the endpoint's label (ABI 1.4; "local
     * control"), else "survival" */
    const char *eplabel = COHORT_HOST_HAS(host, label)
                              ? host->label(call, cohort_arg_get(call, "endpoint")->surv.name, NULL) : NULL;
    const char *what = eplabel ? eplabel : "survival";

    /* survival at the requested times */
    if (o.nat > 0) {
        if (o.conf == KM_CONF_NONE)
            snprintf(buf, sizeof buf, "Kaplan-Meier %s", what);
        else
            snprintf(buf, sizeof buf, "Kaplan-Meier %s (%s CI, %s)", what, lv, km_conf_name(o.conf));
        int lead[4];
        cohort_table *tab = km_at_table(host, call, &in, "survival", buf, gname, lead);
        km_role(host, call, &in, tab, lead[2], COHORT_COUNT_AT_RISK);
        km_role(host, call, &in, tab, lead[3], COHORT_COUNT_CUMULATIVE);
        int cs = host->table_column(tab, "survival", COHORT_COL_PERCENT, 1);
        int cse = host->table_column(tab, "std.err", COHORT_COL_PERCENT, 1);
        int cl = o.conf != KM_CONF_NONE ? host->table_column(tab, "lower", COHORT_COL_PERCENT, 1) : -1;
        int cu = o.conf != KM_CONF_NONE ? host->table_column(tab, "upper", COHORT_COL_PERCENT, 1) : -1;
        /* the Nelson-Aalen cumulative hazard at the same times (detail: its
         * rows are hidden whole when they rest on a hidden count) */
        int hlead[4];
        cohort_table *htab = km_at_table(host, call, &in, "cumhaz", "Nelson-Aalen cumulative hazard",
                                         gname, hlead);
        km_role(host, call, &in, htab, hlead[2], COHORT_COUNT_AT_RISK);
        km_role(host, call, &in, htab, hlead[3], COHORT_COUNT_CUMULATIVE);
        host->table_detail(htab);
        int cch = host->table_column(htab, "cumhaz", COHORT_COL_NUMBER, 3);
        int csh = host->table_column(htab, "std.chaz", COHORT_COL_NUMBER, 3);
        int beyond = 0;
        for (size_t g = 0; g < in.ngroups; g++)
            for (size_t k = 0; k < o.nat; k++) {
                km_point p, pn;
                km_at(&curves[g], o.at[k], &p);
                km_at(&counts[g], o.at[k], &pn);
                int hid;
                size_t r = km_at_row(host, call, &in, tab, lead, km_group_label(&in, g), o.at[k], &p, &pn,
                                     &hid);
                if (!hid) {
                    pc_put(host, tab, r, cs, p.surv);
                    pc_put(host, tab, r, cse, p.se);
                    pc_put(host, tab, r, cl, p.lower);
                    pc_put(host, tab, r, cu, p.upper);
                }
                size_t hr = km_at_row(host, call, &in, htab, hlead, km_group_label(&in, g), o.at[k], &p,
                                      &pn, &hid);
                if (!hid) {
                    pc_put(host, htab, hr, cch, p.cumhaz);
                    pc_put(host, htab, hr, csh, p.sechaz);
                }
                pc_fmt_time(call, o.at[k], tb, sizeof tb);
                if (isnan(p.surv)) {
                    beyond = 1;
                    continue;
                }
                char cb[32], crisk[32];
                /* under the small-cell rule, as the table's row: not shown when
                 * the events or the units at risk are too few */
                int hide = pc_count(host, call, pn.nevent, cb, sizeof cb);
                hide |= pc_count(host, call, pn.nrisk, crisk, sizeof crisk);
                if (hide)
                    host->note(call, "%s at %s not shown: %s at risk, %s events%s", what, tb, crisk, cb,
                               km_in(&in, g, gb, sizeof gb));
                else if (isfinite(p.lower) && isfinite(p.upper))
                    host->note(call, "%s at %s %.1f%% (%s CI %.1f-%.1f)%s", what, tb,
                               100 * p.surv, lv, 100 * p.lower, 100 * p.upper,
                               km_in(&in, g, gb, sizeof gb));
                else
                    host->note(call, "%s at %s %.1f%%%s", what, tb, 100 * p.surv,
                               km_in(&in, g, gb, sizeof gb));
            }
        if (beyond)
            host->warning(call, "survival is not reported at times after the last follow-up of a group");
    }

    /* quantiles (median by default), counts, restricted mean */
    {
        cohort_table *tab = host->table_new(call, "median",
                                            o.nprobs == 1 && o.probs[0] == 0.5
                                                ? "Median survival time" : "Survival time quantiles");
        int cg = host->table_column(tab, gname, COHORT_COL_TEXT, 0);
        int cn = host->table_column(tab, "n", COHORT_COL_COUNT, 0);
        int ce = km_count_column(host, &in, tab, "events");
        km_role(host, call, &in, tab, cn, COHORT_COUNT_UNITS);
        km_role(host, call, &in, tab, ce, COHORT_COUNT_EVENTS);
        /* times estimated from the data: hidden with a row of too few events */
        int tk = COHORT_HOST_HAS(host, format_count) ? COHORT_COL_TIME_ESTIMATE : COHORT_COL_TIME;
        int *cq = malloc((3 * o.nprobs + 1) * sizeof *cq);
        if (!cq) {
            host->error(call, "out of memory");
            goto out;
        }
        for (size_t k = 0; k < o.nprobs; k++) {
            km_quantile_name(o.probs[k], "", buf, sizeof buf);
            cq[3 * k] = host->table_column(tab, buf, tk, 1);
            cq[3 * k + 1] = cq[3 * k + 2] = -1;
            if (o.conf != KM_CONF_NONE) {
                km_quantile_name(o.probs[k], ".lower", buf, sizeof buf);
                cq[3 * k + 1] = host->table_column(tab, buf, tk, 1);
                km_quantile_name(o.probs[k], ".upper", buf, sizeof buf);
                cq[3 * k + 2] = host->table_column(tab, buf, tk, 1);
            }
        }
        int cm = -1, cms = -1;
        if (o.has_rmean) {
            cm = host->table_column(tab, "rmean", tk, 1);
            cms = host->table_column(tab, "rmean.se", tk, 1);
        }
        for (size_t g = 0; g < in.ngroups; g++) {
            const km_curve *c = &curves[g];
            size_t r = host->table_row(tab);
            host->table_text(tab, r, cg, km_group_label(&in, g));
            pc_put(host, tab, r, cn, km_units(&in, g, stamp));
            if (!km_weighted_hidden(host, call, &in, tab, r, (double)counts[g].n, counts[g].nevents))
                pc_put(host, tab, r, ce, c->nevents);
            km_quantile(c, o.probs, o.nprobs, q, q + o.nprobs, q + 2 * o.nprobs);
            for (size_t k = 0; k < o.nprobs; k++) {
                pc_put(host, tab, r, cq[3 * k], q[k]);
                pc_put(host, tab, r, cq[3 * k + 1], q[o.nprobs + k]);
                pc_put(host, tab, r, cq[3 * k + 2], q[2 * o.nprobs + k]);
                if (o.probs[k] != 0.5) continue;
                const char *unit = call->time_unit && *call->time_unit ? call->time_unit : "days";
                km_fmt_q(call, q[k], tb, sizeof tb);
                char ev[32];
                if (pc_count(host, call, counts[g].nevents, ev, sizeof ev)) {
                    /* as the table's row: a median resting on too few events */
                    host->note(call, "median survival not shown: %s events%s", ev, km_in(&in, g, gb, sizeof gb));
                } else if (isnan(q[k])) {
                    host->note(call, "median survival not reached%s", km_in(&in, g, gb, sizeof gb));
                } else if (o.conf != KM_CONF_NONE) {
                    char lo[32], hi[32];
                    km_fmt_q(call, q[o.nprobs + k], lo, sizeof lo);
                    km_fmt_q(call, q[2 * o.nprobs + k], hi, sizeof hi);
                    host->note(call, "median survival %s %s (%s CI %s-%s)%s", tb, unit, lv, lo,
                               hi, km_in(&in, g, gb, sizeof gb));
                } else {
                    host->note(call, "median survival %s %s%s", tb, unit,
                               km_in(&in, g, gb, sizeof gb));
                }
            }
            if (o.has_rmean) {
                double mean, se;
                if (km_rmean(c, o.rmean, &mean, &se) == 0) {
                    pc_put(host, tab, r, cm, mean);
                    pc_put(host, tab, r, cms, se);
                    pc_fmt_time(call, o.rmean, tb, sizeof tb);
                    km_fmt_q(call, mean, sb, sizeof sb);
                    host->note(call, "restricted mean survival up to %s: %s %s%s", tb, sb,
                               call->time_unit && *call->time_unit ? call->time_unit : "days",
                               km_in(&in, g, gb, sizeof gb));
                } else {
                    host->warning(call, "rmean: the horizon is before the first time of the "
                                  "curve%s", km_in(&in, g, gb, sizeof gb));
                }
            }
        }
        free(cq);
    }

    if ((a_fu = cohort_arg_get(call, "followup")) && a_fu->num != 0 &&
        km_followup_table(host, call, &in, &o, gname, t0, t, e) != 0)
        goto out;

    /* the full curves */
    {
        cohort_table *tab = host->table_new(call, "curve", "Kaplan-Meier curves");
        /* the whole curve goes to JSON, CSV and figures, not to the text report */
        host->table_detail(tab);
        int cg = host->table_column(tab, gname, COHORT_COL_TEXT, 0);
        int ct = host->table_column(tab, "time", COHORT_COL_TIME, 2);
        int cr = km_count_column(host, &in, tab, "n.risk");
        int ce = km_count_column(host, &in, tab, "n.event");
        int cc = km_count_column(host, &in, tab, "n.censor");
        km_role(host, call, &in, tab, cr, COHORT_COUNT_AT_RISK);
        km_role(host, call, &in, tab, ce, COHORT_COUNT_STEP_EVENTS);
        km_role(host, call, &in, tab, cc, COHORT_COUNT_STEP_CENSORED);
        int cs = host->table_column(tab, "survival", COHORT_COL_PERCENT, 1);
        int cse = host->table_column(tab, "std.err", COHORT_COL_PERCENT, 1);
        int cl = o.conf != KM_CONF_NONE ? host->table_column(tab, "lower", COHORT_COL_PERCENT, 1) : -1;
        int cu = o.conf != KM_CONF_NONE ? host->table_column(tab, "upper", COHORT_COL_PERCENT, 1) : -1;
        int cch = host->table_column(tab, "cumhaz", COHORT_COL_NUMBER, 3);
        int csh = host->table_column(tab, "std.chaz", COHORT_COL_NUMBER, 3);
        for (size_t g = 0; g < in.ngroups; g++) {
            const km_curve *c = &curves[g];
            for (size_t i = 0; i < c->ntimes; i++) {
                size_t r = host->table_row(tab);
                host->table_text(tab, r, cg, km_group_label(&in, g));
                pc_put(host, tab, r, ct, c->time[i]);
                if (km_weighted_hidden(host, call, &in, tab, r, counts[g].nrisk[i], counts[g].nevent[i]))
                    continue;
                pc_put(host, tab, r, cr, c->nrisk[i]);
                pc_put(host, tab, r, ce, c->nevent[i]);
                pc_put(host, tab, r, cc, c->ncensor[i]);
                pc_put(host, tab, r, cs, c->surv[i]);
                pc_put(host, tab, r, cse, c->se[i]);
                pc_put(host, tab, r, cl, c->lower[i]);
                pc_put(host, tab, r, cu, c->upper[i]);
                pc_put(host, tab, r, cch, c->cumhaz[i]);
                pc_put(host, tab, r, csh, c->sechaz[i]);
            }
        }
    }

    char hrtext[128] = "";
    double rscore_p = NAN;
    if (want_hr && km_report_hr(host, call, &in, &o, hrtext, sizeof hrtext, &rscore_p)) goto out;

    /* the figure: one step curve per group, drawn by the host */
    if (COHORT_HOST_HAS(host, figure_new)) {
        const char *epn = cohort_arg_get(call, "endpoint")->surv.name;
        if (in.byname) snprintf(buf, sizeof buf, "Kaplan-Meier estimate of %s by %s", epn, in.byname);
        else snprintf(buf, sizeof buf, "Kaplan-Meier estimate of %s", epn);
        cohort_figure *fig = host->figure_new(call, "survival", COHORT_FIG_STEP, buf);
        host->figure_labels(fig, NULL, eplabel ? eplabel : "Survival");
        /* the log-rank test of the groups (as survdiff), after the hazard
         * ratio when asked for (alone on (start, stop] rows), drawn on
         * request; a clustered hazard ratio goes with the robust score
         * test instead (as coxph's: the log-rank test assumes independent
         * rows) */
        char pb[32];
        if (*hrtext && isfinite(rscore_p) && COHORT_HOST_HAS(host, figure_annotate)) {
            pc_fmt_p(rscore_p, pb, sizeof pb);
            snprintf(buf, sizeof buf, "%s; robust score %s", hrtext, pb);
            host->figure_annotate(fig, buf);
        } else if (*hrtext && in.start && COHORT_HOST_HAS(host, figure_annotate))
            host->figure_annotate(fig, hrtext);
        else if (in.ngroups >= 2 && !in.start && !in.wt && COHORT_HOST_HAS(host, figure_annotate)) {
            lr_result lr;
            if (lr_test(in.time, in.event, in.group, NULL, in.n, in.ngroups, 0, &lr) == LR_OK && isfinite(lr.p)) {
                pc_fmt_p(lr.p, pb, sizeof pb);
                if (*hrtext) snprintf(buf, sizeof buf, "%s; log-rank %s", hrtext, pb);
                else snprintf(buf, sizeof buf, "Log-rank %s", pb);
                host->figure_annotate(fig, buf);
            }
            lr_free(&lr);
        }
        for (size_t g = 0; g < in.ngroups; g++) {
            const km_curve *c = &curves[g];
            if (in.byname) snprintf(gb, sizeof gb, "%s = %s", in.byname, km_group_label(&in, g));
            else snprintf(gb, sizeof gb, "%s", epn);
            int sx = host->figure_series(fig, gb, 1.0);
            for (size_t i = 0; i < c->ntimes; i++)
                host->figure_step(fig, sx, c->time[i], c->surv[i],
                                  o.conf != KM_CONF_NONE ? c->lower[i] : NAN,
                                  o.conf != KM_CONF_NONE ? c->upper[i] : NAN, counts[g].nrisk[i],
                                  counts[g].nevent[i], counts[g].ncensor[i]);
        }
    }
    rc = 0;
out:
    if (curves)
        for (size_t g = 0; g < in.ngroups; g++) km_free(&curves[g]);
    if (counts && counts != curves) {
        for (size_t g = 0; g < in.ngroups; g++) km_free(&counts[g]);
        free(counts);
    }
    free(curves);
    free(t0);
    free(t);
    free(e);
    free(w);
    free(u);
    free(q);
    free(stamp);
    km_input_free(&in);
out_opts:
    free(o.probs);
    return rc;
}

static const cohort_estimator km_estimators[] = {
    {"km", "Kaplan-Meier survival by group (as R survfit)", km_params,
     sizeof km_params / sizeof km_params[0], km_run},
};

/* what each constant parameter accepts, and its default (ABI 1.2: checked by
 * the host before any data is read; run() still validates for older hosts) */
static const char *const km_conf_types[] = {"log", "log-log", "plain", "logit", "arcsin", "none", NULL};
static const cohort_param_spec km_specs[] = {
    {"km", "at", NULL, COHORT_TYPE_DURATION, 0, NAN, 0, NULL},
    {"km", "probs", NULL, COHORT_TYPE_REAL, 0, 1, COHORT_SPEC_MIN_OPEN | COHORT_SPEC_MAX_OPEN, "[0.5]"},
    {"km", "conf_type", km_conf_types, 0, NAN, NAN, 0, "\"log\""},
    {"km", "conf_level", NULL, 0, 0, 1, COHORT_SPEC_MIN_OPEN | COHORT_SPEC_MAX_OPEN, "0.95"},
    {"km", "rmean", NULL, 0, 0, NAN, COHORT_SPEC_MIN_OPEN, NULL},
    {"km", "followup", NULL, 0, NAN, NAN, 0, "false"},
    {"km", "hr", NULL, 0, NAN, NAN, COHORT_SPEC_GROUP_MODEL, "false"},
    {"km", "by", NULL, 0, NAN, NAN, COHORT_SPEC_GROUPS, NULL},
};

static const cohort_plugin km_plugin = {
    COHORT_PLUGIN_HEADER,
    "km",
    "1.0.0",
    "Kaplan-Meier estimates: survival at given times, quantiles, restricted means, curves",
    km_estimators,
    sizeof km_estimators / sizeof km_estimators[0],
    NULL,
    COHORT_PLUGIN_SPECS(km_specs),
    NULL,   /* estimator_flags (ABI 1.7): none, every column comes before run() */
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &km_plugin;
}
