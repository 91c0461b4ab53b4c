/* describe.c: the `describe` estimator plugin (ABI glue): per variable the
 * number of values and of missing ones; for numbers and durations mean
 * (SD), median [IQR] (R's quantile type 7) and range; for dates median and
 * range; for booleans and text the count and percentage (of non-missing
 * values) of each level -- one table with a row per variable and statistic
 * (or level) and a column per group of `by` plus one for all rows.  The
 * numbers come from summary.c.  Rows whose `by` is missing are dropped with
 * a warning; missing values of a variable are counted on its "missing" row.
 * The numbers' summaries and the booleans' counts are taken first, one task
 * per variable on the run's threads when the host runs tasks (ABI 1.6),
 * in a work space per worker; without by a number's summary is split in
 * stages (summary.h) over two rounds of tasks, its first pass, then its
 * three other passes and its quantiles, so that no thread waits alone on
 * the last variable; the tables are then written in order.  A
 * variable whose summaries the host kept from an earlier run over the same
 * values (memo_get, after ABI 1.6: the rerun cache) is not summarised
 * again, and one summarised is given to it to keep (ds_memo).  Its
 * columns come on demand (ABI 1.7, COHORT_EST_COLUMNS_ON_DEMAND): it
 * fetches by's values first, then, together, those of the variables
 * whose summaries the memo did not give, before any warning (ds_fetch);
 * a variable the memo gave is never read. */
#include <cohort/plugin.h>
#include "summary.h"
#include "../common/pcommon.h"
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cohort_param ds_params[] = {
    {"vars", COHORT_ARG_COLUMNS, 1, "the variables to describe"},
    {"by", COHORT_ARG_COLUMN, 0, "groups: one column per value"},
    {"overall", COHORT_ARG_BOOL, 0, "with by: add a column for all rows, default true"},
    {"digits", COHORT_ARG_NUMBER, 0, "decimals of means, SDs, quantiles and percentages, default 1"},
};

typedef struct ds_ctx {
    const cohort_host *host;
    const cohort_call *call;
    int overall, digits;
    const cohort_vec *by;   /* NULL without groups */
    size_t dropped;         /* rows whose by is missing (warned after the fetches) */
    pc_factor bf;
    size_t ng;              /* groups with rows (1 without by) */
    size_t *glevel;         /* factor level of each group */
    int *grp;               /* per row: group, or -1 when dropped (NULL without by: all 0) */
} ds_ctx;

/* A numeric summary's work space: nrows values each (sub only with by). */
typedef struct ds_work {
    double *x, *sub;
} ds_work;

/* A boolean coded without a code per row (ds_bool_levels): the level of
 * each value (-1: not present) and the rows of each value and missing. */
typedef struct ds_bool {
    int lev[2];
    size_t count[2], missing;
} ds_bool;

/* The summary of one variable in one group. */
typedef struct ds_cell {
    size_t n, missing;
    ds_numeric num;         /* numbers, durations, dates */
    double *count;          /* booleans, text: per level */
} ds_cell;

static void ds_ctx_free(ds_ctx *c)
{
    free(c->glevel);
    free(c->grp);
    pc_factor_free(&c->bf);
}

/* Make the values of vecs[0..n) there (host->fetch, ABI 1.7; an older host
 * gave them all).  Returns 0, or 1 after host->error. */
static int ds_fetch(const ds_ctx *c, const cohort_vec *const *vecs, size_t n)
{
    if (!n || !COHORT_HOST_HAS(c->host, fetch) || c->host->fetch(c->call, vecs, n) == 0) return 0;
    c->host->error(c->call, "out of memory");
    return 1;
}

/* Options and groups.  Returns 0 or 1 after host->error. */
static int ds_setup(ds_ctx *c)
{
    const cohort_call *call = c->call;
    const cohort_host *host = c->host;
    const cohort_arg *a;
    c->overall = (a = cohort_arg_get(call, "overall")) ? a->num != 0 : 1;
    c->digits = 1;
    if ((a = cohort_arg_get(call, "digits"))) {
        if (!(a->num >= 0 && a->num <= 10) || a->num != floor(a->num)) {
            host->error(call, "digits: give a whole number from 0 to 10");
            return 1;
        }
        c->digits = (int)a->num;
    }
    a = cohort_arg_get(call, "vars");
    if (!a || a->kind != COHORT_ARG_COLUMNS || a->columns.n == 0) {
        host->error(call, "describe needs vars: a list of columns");
        return 1;
    }
    size_t n = call->nrows;
    const cohort_arg *by = cohort_arg_get(call, "by");
    /* without by every row is in group 0 */
    if (by && !(c->grp = malloc((n + 1) * sizeof *c->grp))) {
        host->error(call, "out of memory");
        return 1;
    }
    if (!by) {
        c->ng = 1;
        c->overall = 0;
        return 0;
    }
    c->by = &by->vec;
    if (ds_fetch(c, &c->by, 1)) return 1;
    if (pc_factor_make(c->by, NULL, &c->bf) != 0 || pc_factor_order(host, call, c->by, &c->bf) != 0) {
        host->error(call, "out of memory coding %s", c->by->name);
        return 1;
    }
    size_t nlev = c->bf.nlevels, dropped = 0;
    c->glevel = calloc(nlev + 1, sizeof *c->glevel);
    if (!c->glevel) {
        host->error(call, "out of memory");
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        c->grp[i] = c->bf.code[i];
        if (c->grp[i] < 0) dropped++;
        else c->glevel[c->grp[i]] = 1;
    }
    c->dropped = dropped;
    for (size_t k = 0; k < nlev; k++)
        if (c->glevel[k]) c->glevel[k] = ++c->ng;
    for (size_t i = 0; i < n; i++)
        if (c->grp[i] >= 0) c->grp[i] = (int)c->glevel[c->grp[i]] - 1;
    for (size_t k = 0, g = 0; k < nlev; k++)
        if (c->glevel[k]) c->glevel[g++] = k;
    if (c->ng == 0) {
        host->warning(call, "%zu of %zu rows dropped: %s is missing", dropped, n, c->by->name);
        host->error(call, "no rows with %s known", c->by->name);
        return 1;
    }
    return 0;
}

/* A count as text: "12", or "<5" under the study's small-cell rule
 * (privacy min_cell).  Returns 1 when the count is hidden. */
static int ds_count(const ds_ctx *c, double n, char *buf, size_t size)
{
    if (COHORT_HOST_HAS(c->host, format_count)) return c->host->format_count(c->call, n, buf, size);
    snprintf(buf, size, "%.0f", n);
    return 0;
}

static int ds_is_cat(const cohort_vec *v)
{
    return v->type == COHORT_TYPE_BOOL || v->type == COHORT_TYPE_TEXT;
}

/* Without groups: ds_summarise's counting pass over v in one tight loop
 * (every row in group 0, and the same counts in the overall cell, which
 * is not shown but gives the levels seen); a number's first pass into st
 * (ds_stages_scan: its summary in cells[0] when the stages are done).
 * Returns 0, for a number the scan's result (1: summarised already, -1:
 * out of memory). */
static int ds_tally_all(const ds_ctx *c, const cohort_vec *v, const pc_factor *f, const ds_bool *bl,
                        ds_cell *cells, ds_stages *st)
{
    size_t n = c->call->nrows, miss = 0;
    int rc = 0;
    ds_cell *all = &cells[0], *over = &cells[c->ng];
    if (ds_is_cat(v) && bl) {
        /* a boolean: counted by ds_bool_levels (whole counts, as adding
         * ones gives) */
        miss = bl->missing;
        for (int b = 0; b < 2; b++)
            if (bl->lev[b] >= 0) all->count[bl->lev[b]] = (double)bl->count[b];
        memcpy(over->count, all->count, f->nlevels * sizeof *over->count);
    } else if (ds_is_cat(v)) {
        for (size_t i = 0; i < n; i++) {
            if (v->missing[i]) miss++;
            else all->count[f->code[i]] += 1;
        }
        memcpy(over->count, all->count, f->nlevels * sizeof *over->count);
    } else {
        rc = ds_stages_scan(st, v->num, v->missing, n, NULL, &all->num, 1);
        miss = n - all->num.n;
    }
    all->missing = over->missing = miss;
    all->n = over->n = n - miss;
    return rc;
}

/* Summaries of v in every group and, when shown, overall (cells[ng]).
 * Categorical v: its rows counted per level, f->code[i] or, for a boolean
 * coded by ds_bool_levels, bl->lev[value].  Numbers (with by; without,
 * ds_task takes them in stages): one pass gathers the
 * values in row order (w->x); with groups a second pass lays them out
 * group by group, in row order within each (w->sub).  Means and SDs are
 * taken over those orders, quantiles by selection in the same buffers
 * (summary.h).  No host function is called (numbers run in tasks: w is
 * the task's; NULL for categorical v).  Returns 0, or -1 when memory ran
 * out. */
static int ds_summarise(const ds_ctx *c, const cohort_vec *v, const pc_factor *f, const ds_bool *bl,
                        ds_cell *cells, const ds_work *w)
{
    size_t ng = c->ng, n = c->call->nrows;
    int cat = ds_is_cat(v);
    for (size_t k = 0; k <= ng; k++) {
        memset(&cells[k], 0, sizeof cells[k]);
        if (cat && !(cells[k].count = calloc(f->nlevels + 1, sizeof *cells[k].count))) return -1;
    }
    double *x = cat ? NULL : w->x;
    size_t m = 0;
    if (!c->grp) ds_tally_all(c, v, f, bl, cells, NULL);   /* categorical: numbers without by go in stages */
    for (size_t i = 0; c->grp && i < n; i++) {
        int g = c->grp[i];
        if (g < 0) continue;
        int miss = v->missing[i] || (!cat && !isfinite(v->num[i]));
        int lev = miss || !cat ? -1 : bl ? bl->lev[v->num[i] != 0] : f->code[i];
        size_t slots[2] = {(size_t)g, ng};
        for (size_t s = 0; s < 2; s++) {
            ds_cell *cell = &cells[slots[s]];
            if (miss) cell->missing++;
            else cell->n++;
            if (lev >= 0) cell->count[lev] += 1;
        }
        if (!miss && !cat) x[m++] = v->num[i];
    }
    if (cat) return 0;
    if (!c->by) return 0;   /* counted by ds_tally_all */
    double *sub = w->sub;
    /* the values of each group together, in row order: sub[off[k]..off[k+1]) */
    size_t *off = malloc((ng + 2) * sizeof *off), *at = malloc((ng + 1) * sizeof *at);
    if (!off || !at) {
        free(off);
        free(at);
        return -1;
    }
    off[0] = 0;
    for (size_t k = 0; k < ng; k++) off[k + 1] = off[k] + cells[k].n, at[k] = off[k];
    for (size_t i = 0; i < n; i++) {
        int g = c->grp[i];
        if (g >= 0 && !v->missing[i] && isfinite(v->num[i])) sub[at[g]++] = v->num[i];
    }
    int sorted = 0;   /* some group held a negative zero: its values were sorted */
    for (size_t k = 0; k < ng; k++)
        sorted |= ds_summary_select(sub + off[k], off[k + 1] - off[k], &cells[k].num);
    int rc = 0;
    if (c->overall && !sorted) {
        ds_summary_select(x, m, &cells[ng].num);
    } else if (c->overall) {
        /* as a sort would place the zeros: the groups sorted, then merged */
        for (size_t k = 0; k < ng; k++) ds_sort(sub + off[k], off[k + 1] - off[k]);
        if (ds_merge_runs(sub, off, ng) == 0) ds_summary_sorted(x, sub, m, &cells[ng].num);
        else rc = -1;
    }
    free(off);
    free(at);
    return rc;
}

/* A boolean v's rows of each value and missing (bl), counted in one pass
 * without a branch and without a host function (it runs in a task;
 * ds_count01).  Returns 0, or 1 when v holds another value (then code it
 * per row). */
static int ds_bool_count(const cohort_vec *v, ds_bool *bl)
{
    size_t c[3];
    if (ds_count01(v->num, v->missing, v->n, c, 1)) return 1;
    bl->missing = c[2];
    bl->count[1] = c[1];
    bl->count[0] = c[0];
    return 0;
}

/* A boolean v's levels without a code per row, from its counts bl
 * (ds_bool_count): f holds the levels of its values (false, true: those
 * present, in the order and with the labels pc_factor_make and
 * pc_factor_order give), bl->lev[b] the level of value b.  Returns 0, or
 * -1 when memory ran out. */
static int ds_bool_levels(const ds_ctx *c, const cohort_vec *v, pc_factor *f, ds_bool *bl)
{
    int seen[2] = {bl->count[0] > 0, bl->count[1] > 0};
    double vals[2];
    unsigned char miss[2] = {0, 0};
    size_t nv = 0;
    for (int b = 0; b < 2; b++)
        if (seen[b]) vals[nv++] = b;
    cohort_vec one = *v;   /* the distinct values as a column of their own */
    one.n = nv;
    one.num = vals;
    one.missing = miss;
    if (pc_factor_make(&one, NULL, f) != 0 || pc_factor_order(c->host, c->call, &one, f) != 0) return -1;
    bl->lev[0] = bl->lev[1] = -1;
    for (size_t k = 0; k < nv; k++) bl->lev[vals[k] != 0] = f->code[k];
    return 0;
}

static void ds_cells_free(ds_cell *cells, size_t n)
{
    for (size_t k = 0; k < n; k++) free(cells[k].count);
}

static const char *ds_date(double days, char *buf, size_t size)
{
    double d = floor(days);
    cohort_vec one = {0};
    one.type = COHORT_TYPE_DATE;
    one.n = 1;
    one.num = &d;
    return pc_label(&one, 0, buf, size);
}

enum { DS_MEAN, DS_MEDIAN, DS_RANGE };

/* Cell text of statistic `what` of a numeric summary. */
static void ds_fmt(const ds_ctx *c, const cohort_vec *v, const ds_numeric *s, int what, char *buf,
                   size_t size)
{
    int d = c->digits;
    double sc = v->type == COHORT_TYPE_DURATION && c->call->time_unit_days > 0
                    ? c->call->time_unit_days : 1;
    if (s->n == 0) {
        snprintf(buf, size, "-");
        return;
    }
    if (v->type == COHORT_TYPE_DATE) {
        char a[32], b[32], m[32];
        if (what == DS_MEDIAN)
            snprintf(buf, size, "%s [%s, %s]", ds_date(s->median, m, sizeof m),
                     ds_date(s->q1, a, sizeof a), ds_date(s->q3, b, sizeof b));
        else
            snprintf(buf, size, "%s to %s", ds_date(s->min, a, sizeof a), ds_date(s->max, b, sizeof b));
        return;
    }
    switch (what) {
    case DS_MEAN:
        if (isfinite(s->sd)) snprintf(buf, size, "%.*f (%.*f)", d, s->mean / sc, d, s->sd / sc);
        else snprintf(buf, size, "%.*f (-)", d, s->mean / sc);
        break;
    case DS_MEDIAN:
        snprintf(buf, size, "%.*f [%.*f, %.*f]", d, s->median / sc, d, s->q1 / sc, d, s->q3 / sc);
        break;
    default:
        snprintf(buf, size, "%.*f to %.*f", d, s->min / sc, d, s->max / sc);
        break;
    }
}

/* Column of group k (ng: overall) in the display table, or -1. */
static int ds_col(const ds_ctx *c, const int *cg, size_t k)
{
    if (k < c->ng) return cg[k];
    return c->overall ? cg[c->ng] : -1;
}

/* The counts of one variable's display rows (drow[r]: row of statistic r,
 * SIZE_MAX when not shown; 0 n, 1 missing, 2.. levels) and how they add
 * up, for the host's small-cell rule: the levels to n in each column, the
 * groups to the overall column, and n + missing to the group's units, the
 * same for every variable (`first`: the first variable's n and missing
 * rows, set when `set_first`); the groups' units to the estimate's units
 * when no unit was left out for a missing group. */
static void ds_relations(const ds_ctx *c, cohort_table *t, const int *cg, const ds_cell *cells,
                         const size_t *drow, size_t nrow, int cat, size_t *set_first, const size_t *first)
{
    const cohort_host *host = c->host;
    size_t ng = c->ng, units = 0;
    if (set_first) set_first[0] = drow[0], set_first[1] = drow[1];
    /* parts: a variable's rows, the groups of a row, or two cells a group */
    pc_cell *parts = malloc((nrow + 2 * ng + 2) * sizeof *parts);
    if (!parts) return;
    for (size_t k = 0; k <= ng; k++) {
        int col = ds_col(c, cg, k);
        if (col < 0) continue;
        const ds_cell *x = &cells[k];
        pc_cell_count(host, t, drow[0], col, (double)x->n);
        pc_cell_count(host, t, drow[1], col, (double)x->missing);
        size_t np = 0;
        for (size_t r = 2; cat && r < nrow; r++) {
            if (drow[r] == SIZE_MAX) continue;
            pc_cell_count(host, t, drow[r], col, x->count[r - 2]);
            parts[np++] = PC_CELL(t, drow[r], col);
        }
        if (cat) pc_sum(host, c->call, PC_CELL(t, drow[0], col), parts, np);
        /* n + missing is the group's units, whatever the variable */
        pc_cell a[2] = {PC_CELL(t, drow[0], col), PC_CELL(t, drow[1], col)};
        pc_cell b[2] = {PC_CELL(t, first[0], col), PC_CELL(t, first[1], col)};
        if (!set_first && COHORT_HOST_HAS(host, count_relation)) {
            pc_cell four[4] = {a[0], a[1], b[0], b[1]};
            int coef[4] = {1, 1, -1, -1};
            host->count_relation(c->call, four, coef, 4);
        }
        if (k < ng) units += x->n + x->missing;
        /* ... the units of the group, as other estimates may show them */
        if (set_first && c->by && k < ng) {
            char gname[512];
            snprintf(gname, sizeof gname, "%s = %s", c->by->name, c->bf.labels[c->glevel[k]]);
            pc_sum(host, c->call, (pc_cell){NULL, 0, 0, gname}, a, 2);
        }
    }
    /* the overall column is the sum of the groups' */
    int oc = ds_col(c, cg, ng);
    for (size_t r = 0; oc >= 0 && r < nrow; r++) {
        if (drow[r] == SIZE_MAX) continue;
        for (size_t k = 0; k < ng; k++) parts[k] = PC_CELL(t, drow[r], cg[k]);
        pc_sum(host, c->call, PC_CELL(t, drow[r], oc), parts, ng);
    }
    /* the groups' units are the estimate's units */
    if (set_first && units == c->call->nrows) {
        size_t np = 0;
        for (size_t k = 0; k < ng; k++) {
            parts[np++] = PC_CELL(t, drow[0], cg[k]);
            parts[np++] = PC_CELL(t, drow[1], cg[k]);
        }
        pc_sum(host, c->call, PC_CELL(NULL, 0, 0), parts, np);
    }
    free(parts);
}

/* What was taken of a variable before its rows are written: a number's
 * summaries (cells, ng + 1) or a boolean's counts (bl); text, and a
 * boolean with another value, are summarised when written (DS_LATER). */
enum { DS_LATER, DS_DONE, DS_OOM };
typedef struct ds_pre {
    int state;
    int kept;               /* taken from the host's memo (ds_memo) */
    ds_bool bl;
    ds_cell *cells;
    int staged;             /* a number without by, its summary in stages (st) */
    ds_stages st;
    atomic_int parts;       /* of its passes, those done */
} ds_pre;

typedef struct ds_tasks {
    const ds_ctx *c;
    const cohort_columns *vars;
    ds_pre *pre;
    ds_work *work;          /* per worker, allocated on its first number */
} ds_tasks;

/* Task j: variable j's numbers summarised in its worker's work space, or
 * its boolean counts (no host function: it may run on any thread).
 * Without by a number's summary is taken in stages (summary.h): here its
 * first pass, its other passes in the next round (ds_task_pass, the last
 * of which takes its quantiles), so that they share out the threads and
 * no thread waits alone on the last variable's passes. */
static void ds_task(void *ctx, size_t j, size_t worker)
{
    const ds_tasks *t = ctx;
    const cohort_vec *v = &t->vars->vecs[j];
    ds_pre *o = &t->pre[j];
    if (o->kept) return;
    if (v->type == COHORT_TYPE_BOOL) {
        o->state = ds_bool_count(v, &o->bl) == 0 ? DS_DONE : DS_LATER;
        return;
    }
    if (ds_is_cat(v)) {
        o->state = DS_LATER;
        return;
    }
    size_t n = t->c->call->nrows;
    if (!t->c->by) {
        memset(o->cells, 0, 2 * sizeof *o->cells);
        int rc = ds_tally_all(t->c, v, NULL, NULL, o->cells, &o->st);
        o->staged = rc == 0;
        o->state = rc < 0 ? DS_OOM : DS_DONE;
        return;
    }
    ds_work *w = &t->work[worker];
    if (!w->x) w->x = malloc((n + 1) * sizeof *w->x);
    if (t->c->by && !w->sub) w->sub = malloc((n + 1) * sizeof *w->sub);
    int ok = w->x && (!t->c->by || w->sub) && ds_summarise(t->c, v, NULL, NULL, o->cells, w) == 0;
    o->state = ok ? DS_DONE : DS_OOM;
}

/* Task k of the second round: part k % DS_PARTS of the passes of
 * variable k / DS_PARTS when it is summarised in stages; the task that
 * does its last part takes its quantiles (the counter's update orders
 * the other parts' results before them) */
static void ds_task_pass(void *ctx, size_t k, size_t worker)
{
    const ds_tasks *t = ctx;
    ds_pre *o = &t->pre[k / DS_PARTS];
    if (!o->staged) return;
    ds_stages_pass(&o->st, (int)(k % DS_PARTS));
    if (atomic_fetch_add(&o->parts, 1) == DS_PARTS - 1 && ds_stages_finish(&o->st, &o->cells[0].num) < 0)
        o->state = DS_OOM;
}

/* What a variable's ds_task takes, as the host keeps it (memo_get): a
 * boolean's counts (of 0, of 1, missing) when it holds no other value; a
 * number's summaries of each group and overall (n, missing and ds_numeric
 * of the ng + 1 cells).  Computed from the variable's values and, with
 * by, from by's values and the groups' levels in order (named in `what`)
 * and whether the overall cell is taken. */
typedef struct ds_memo_cell {
    uint64_t n, missing;
    ds_numeric num;
} ds_memo_cell;

/* The memo's columns and `what` of variable v (buf of size bytes); the
 * number of columns, 0 when it is kept by no memo (text, or no memo). */
static size_t ds_memo_what(const ds_ctx *c, const cohort_vec *v, const cohort_vec *cols[2], char *buf,
                           size_t size)
{
    if (!COHORT_HOST_HAS(c->host, memo_put) || v->type == COHORT_TYPE_TEXT) return 0;
    cols[0] = v;
    if (v->type == COHORT_TYPE_BOOL) {
        snprintf(buf, size, "describe 1: counts of a boolean");
        return 1;
    }
    int at = snprintf(buf, size, "describe 1: summaries of a number, overall %d, groups %zu", c->overall, c->ng);
    if (!c->by) return 1;
    cols[1] = c->by;
    /* the groups' levels in order (their order comes from the rules' labels) */
    for (size_t k = 0; k < c->ng && at >= 0 && (size_t)at < size; k++) {
        const char *l = c->bf.labels[c->glevel[k]];
        at += snprintf(buf + at, size - (size_t)at, " %zu:%s", strlen(l), l);
    }
    return at >= 0 && (size_t)at < size - 1 ? 2 : 0;
}

/* Variable j's counts or summaries into (get) or from (put) bytes of the
 * memo; the bytes' size. */
static size_t ds_memo_bytes(const ds_ctx *c, const cohort_vec *v, ds_pre *o, unsigned char *b, int get)
{
    if (v->type == COHORT_TYPE_BOOL) {
        uint64_t x[3] = {o->bl.count[0], o->bl.count[1], o->bl.missing};
        if (get) {
            memcpy(x, b, sizeof x);
            o->bl.count[0] = (size_t)x[0];
            o->bl.count[1] = (size_t)x[1];
            o->bl.missing = (size_t)x[2];
        } else {
            memcpy(b, x, sizeof x);
        }
        return sizeof x;
    }
    for (size_t k = 0; k <= c->ng; k++) {
        ds_memo_cell m = {o->cells[k].n, o->cells[k].missing, o->cells[k].num};
        if (get) {
            memcpy(&m, b + k * sizeof m, sizeof m);
            memset(&o->cells[k], 0, sizeof o->cells[k]);
            o->cells[k].n = (size_t)m.n;
            o->cells[k].missing = (size_t)m.missing;
            o->cells[k].num = m.num;
        } else {
            memcpy(b + k * sizeof m, &m, sizeof m);
        }
    }
    return (c->ng + 1) * sizeof(ds_memo_cell);
}

/* Each variable's summaries from the host's memo when it kept them (get),
 * or each one taken given to it to keep (put). */
static void ds_memo(const ds_ctx *c, const cohort_columns *vars, ds_pre *pre, int get)
{
    size_t most = (c->ng + 1) * sizeof(ds_memo_cell) + 3 * sizeof(uint64_t);
    unsigned char *b = malloc(most);
    for (size_t j = 0; b && j < vars->n; j++) {
        const cohort_vec *v = &vars->vecs[j], *cols[2];
        char what[1024];
        size_t ncols = ds_memo_what(c, v, cols, what, sizeof what);
        if (!ncols || (!get && (pre[j].kept || pre[j].state != DS_DONE))) continue;
        size_t size = ds_memo_bytes(c, v, &pre[j], b, 0);
        if (!get) {
            c->host->memo_put(c->call, cols, ncols, what, b, size);
        } else if (c->host->memo_get(c->call, cols, ncols, what, b, size)) {
            ds_memo_bytes(c, v, &pre[j], b, 1);
            pre[j].state = DS_DONE;
            pre[j].kept = 1;
        }
    }
    free(b);
}

/* Every variable's ds_task: on the run's threads when the host runs
 * tasks (ABI 1.6), else in turn; the summaries the host kept are taken
 * from it instead, and the others given to it (ds_memo).  Returns the
 * array (vars->n), or NULL when memory ran out; free it with ds_pre_free. */
static ds_pre *ds_prepare(const ds_ctx *c, const cohort_columns *vars)
{
    size_t nv = vars->n;
    ds_pre *pre = calloc(nv + 1, sizeof *pre);
    ds_cell *cells = calloc(nv * (c->ng + 1) + 1, sizeof *cells);
    ds_work *work = calloc(nv + 1, sizeof *work);
    if (!pre || !cells || !work) {
        free(pre);
        free(cells);
        free(work);
        return NULL;
    }
    for (size_t j = 0; j < nv; j++) pre[j].cells = cells + j * (c->ng + 1);
    ds_memo(c, vars, pre, 1);
    /* the values of the variables the memo did not give, together, and of
     * the booleans with by (their counts per group are taken when their
     * rows are written, ds_summarise; the memo gives their levels) */
    const cohort_vec **need = malloc((nv + 1) * sizeof *need);
    size_t nneed = 0;
    for (size_t j = 0; need && j < nv; j++)
        if (!pre[j].kept || (c->by && vars->vecs[j].type == COHORT_TYPE_BOOL)) need[nneed++] = &vars->vecs[j];
    int fetched = need && ds_fetch(c, need, nneed) == 0;
    free(need);
    if (!fetched) {
        free(pre);
        free(cells);
        free(work);
        return NULL;
    }
    ds_tasks t = {c, vars, pre, work};
    void (*const round[2])(void *, size_t, size_t) = {ds_task, ds_task_pass};
    size_t ntasks[2] = {nv, nv * DS_PARTS}, staged = 0;
    for (size_t j = 0; j < nv; j++) atomic_init(&pre[j].parts, 0);
    for (int r = 0; r < 2; r++) {
        if (r > 0 && !staged) break;
        if (COHORT_HOST_HAS(c->host, run_tasks)) c->host->run_tasks(c->call, ntasks[r], round[r], &t);
        else
            for (size_t k = 0; k < ntasks[r]; k++) round[r](&t, k, 0);
        for (size_t j = 0; r == 0 && j < nv; j++) staged += (size_t)pre[j].staged;
    }
    ds_memo(c, vars, pre, 0);
    for (size_t k = 0; k < nv; k++) {
        free(work[k].x);
        free(work[k].sub);
    }
    free(work);
    return pre;
}

static void ds_pre_free(ds_pre *pre)
{
    if (pre) free(pre[0].cells);
    free(pre);
}

static int ds_run(const cohort_host *host, const cohort_call *call)
{
    ds_ctx c;
    memset(&c, 0, sizeof c);
    c.host = host;
    c.call = call;
    int rc = 1, *cg = NULL;
    ds_cell *cells = NULL;
    ds_pre *pre = NULL;
    if (ds_setup(&c) != 0) goto out;
    const cohort_columns *vars = &cohort_arg_get(call, "vars")->columns;
    size_t ng = c.ng;
    cg = malloc((ng + 2) * sizeof *cg);
    cells = calloc(ng + 1, sizeof *cells);
    pre = cg && cells ? ds_prepare(&c, vars) : NULL;
    if (!pre) {
        host->error(call, "out of memory");
        goto out;
    }
    if (c.dropped)
        host->warning(call, "%zu of %zu rows dropped: %s is missing", c.dropped, call->nrows, c.by->name);
    char buf[256], title[256];
    if (c.by) snprintf(title, sizeof title, "Description by %s", c.by->name);
    else snprintf(title, sizeof title, "Description");
    cohort_table *t = host->table_new(call, "describe", title);
    int cv = host->table_column(t, "variable", COHORT_COL_TEXT, 0);
    int cs = host->table_column(t, "statistic", COHORT_COL_TEXT, 0);
    for (size_t k = 0; k < ng; k++) {
        if (c.by) snprintf(buf, sizeof buf, "%s = %s", c.by->name, c.bf.labels[c.glevel[k]]);
        else snprintf(buf, sizeof buf, "all");
        cg[k] = host->table_column(t, buf, COHORT_COL_TEXT, 0);
    }
    if (c.overall) cg[ng] = host->table_column(t, "overall", COHORT_COL_TEXT, 0);
    /* every number, for JSON and CSV (not the text report) */
    cohort_table *st = host->table_new(call, "stats", "Descriptive statistics");
    if (COHORT_HOST_HAS(host, table_detail)) host->table_detail(st);
    int sv, sg, sl, su, sn, smi, sc, sp, smean, ssd, smed, sq1, sq3, smin, smax;
    {
        sv = host->table_column(st, "variable", COHORT_COL_TEXT, 0);
        sg = host->table_column(st, c.by ? c.by->name : "group", COHORT_COL_TEXT, 0);
        sl = host->table_column(st, "level", COHORT_COL_TEXT, 0);
        su = host->table_column(st, "unit", COHORT_COL_TEXT, 0);
        sn = host->table_column(st, "n", COHORT_COL_COUNT, 0);
        smi = host->table_column(st, "missing", COHORT_COL_COUNT, 0);
        sc = host->table_column(st, "count", COHORT_COL_COUNT, 0);
        sp = host->table_column(st, "percent", COHORT_COL_PERCENT, c.digits);
        smean = host->table_column(st, "mean", COHORT_COL_NUMBER, c.digits);
        ssd = host->table_column(st, "sd", COHORT_COL_NUMBER, c.digits);
        smed = host->table_column(st, "median", COHORT_COL_NUMBER, c.digits);
        sq1 = host->table_column(st, "q1", COHORT_COL_NUMBER, c.digits);
        sq3 = host->table_column(st, "q3", COHORT_COL_NUMBER, c.digits);
        smin = host->table_column(st, "min", COHORT_COL_NUMBER, c.digits);
        smax = host->table_column(st, "max", COHORT_COL_NUMBER, c.digits);
    }
    size_t first[2] = {SIZE_MAX, SIZE_MAX};   /* the first variable's n and missing rows */
    for (size_t j = 0; j < vars->n; j++) {
        const cohort_vec *v = &vars->vecs[j];
        int cat = ds_is_cat(v);
        pc_factor f;
        memset(&f, 0, sizeof f);
        ds_bool bl = pre[j].bl;
        int coded = pre[j].state == DS_OOM ? -1
                    : v->type == COHORT_TYPE_BOOL && pre[j].state == DS_DONE ? ds_bool_levels(&c, v, &f, &bl) : 1;
        if (coded == 1 && cat && (pc_factor_make(v, NULL, &f) != 0 || pc_factor_order(host, call, v, &f) != 0))
            coded = -1;
        /* a number's summaries were taken (ds_prepare) */
        if (!cat && coded >= 0) memcpy(cells, pre[j].cells, (ng + 1) * sizeof *cells);
        if (coded < 0 || (cat && ds_summarise(&c, v, &f, coded == 0 ? &bl : NULL, cells, NULL) != 0)) {
            ds_cells_free(cells, ng + 1);
            pc_factor_free(&f);
            host->error(call, "out of memory");
            goto out;
        }
        char name[256];
        if (v->type == COHORT_TYPE_DURATION && call->time_unit && *call->time_unit &&
            call->time_unit_days > 0)
            snprintf(name, sizeof name, "%s (%s)", v->name, call->time_unit);
        else
            snprintf(name, sizeof name, "%s", v->name);
        /* rows of the display table */
        static const char *const numrows[] = {"mean (SD)", "median [IQR]", "range"};
        static const char *const daterows[] = {"median [IQR]", "range"};
        size_t nrow = 2 + (cat ? f.nlevels : v->type == COHORT_TYPE_DATE ? 2 : 3);
        size_t *drow = malloc(nrow * sizeof *drow);   /* display row of each statistic */
        if (!drow) {
            ds_cells_free(cells, ng + 1);
            pc_factor_free(&f);
            host->error(call, "out of memory");
            goto out;
        }
        for (size_t r = 0; r < nrow; r++) {
            drow[r] = SIZE_MAX;
            /* levels never seen among the rows kept are not shown */
            if (cat && r >= 2 && cells[ng].count[r - 2] == 0) continue;
            size_t row = host->table_row(t);
            drow[r] = row;
            host->table_text(t, row, cv, name);
            const char *label = r == 0 ? "n" : r == 1 ? "missing"
                                : cat ? f.labels[r - 2]
                                : v->type == COHORT_TYPE_DATE ? daterows[r - 2] : numrows[r - 2];
            if (cat && r >= 2) {
                /* the level's label from the rules (ABI 1.4), if any */
                const char *shown = COHORT_HOST_HAS(host, label) ? host->label(call, v->name, label) : NULL;
                snprintf(buf, sizeof buf, "%s, n (%%)", shown ? shown : label);
                host->table_text(t, row, cs, buf);
            } else {
                host->table_text(t, row, cs, label);
            }
            for (size_t k = 0; k <= ng; k++) {
                int col = ds_col(&c, cg, k);
                if (col < 0) continue;
                const ds_cell *cell = &cells[k];
                if (r == 0) ds_count(&c, (double)cell->n, buf, sizeof buf);
                else if (r == 1) ds_count(&c, (double)cell->missing, buf, sizeof buf);
                else if (cat) {
                    char nb[32];
                    if (ds_count(&c, cell->count[r - 2], nb, sizeof nb) || cell->n == 0)
                        snprintf(buf, sizeof buf, "%s", nb);
                    else
                        snprintf(buf, sizeof buf, "%s (%.*f%%)", nb, c.digits,
                                 100 * cell->count[r - 2] / (double)cell->n);
                }
                else if (v->type == COHORT_TYPE_DATE)
                    ds_fmt(&c, v, &cell->num, r == 2 ? DS_MEDIAN : DS_RANGE, buf, sizeof buf);
                else
                    ds_fmt(&c, v, &cell->num, (int)r - 2, buf, sizeof buf);
                host->table_text(t, row, col, buf);
            }
        }
        ds_relations(&c, t, cg, cells, drow, nrow, cat, j == 0 ? first : NULL, first);
        /* every number, for machines */
        for (size_t k = 0; k <= ng; k++) {
            if (k == ng && !c.overall) continue;
            const ds_cell *cell = &cells[k];
            const char *gl = k == ng ? "overall" : c.by ? c.bf.labels[c.glevel[k]] : "all";
            size_t nl = cat ? f.nlevels : 1;
            double scale = v->type == COHORT_TYPE_DURATION && call->time_unit_days > 0
                               ? call->time_unit_days : 1;
            for (size_t l = 0; l < nl; l++) {
                if (cat && cells[ng].count[l] == 0) continue;
                size_t row = host->table_row(st);
                host->table_text(st, row, sv, v->name);
                host->table_text(st, row, sg, gl);
                pc_put(host, st, row, sn, (double)cell->n);
                pc_put(host, st, row, smi, (double)cell->missing);
                /* the same counts as the display table's */
                int dc = ds_col(&c, cg, k);
                pc_cell same[][2] = {{PC_CELL(st, row, sn), PC_CELL(t, drow[0], dc)},
                                     {PC_CELL(st, row, smi), PC_CELL(t, drow[1], dc)},
                                     {PC_CELL(st, row, sc), PC_CELL(t, cat ? drow[2 + l] : 0, cat ? dc : -1)}};
                for (size_t q = 0; q < 3; q++) pc_sum(host, call, same[q][0], &same[q][1], 1);
                if (cat) {
                    host->table_text(st, row, sl, f.labels[l]);
                    pc_put(host, st, row, sc, cell->count[l]);
                    if (cell->n) pc_put(host, st, row, sp, cell->count[l] / (double)cell->n);
                    continue;
                }
                if (v->type == COHORT_TYPE_DATE) host->table_text(st, row, su, "days since 1970-01-01");
                else if (scale != 1 && call->time_unit) host->table_text(st, row, su, call->time_unit);
                if (v->type != COHORT_TYPE_DATE) {
                    pc_put(host, st, row, smean, cell->num.mean / scale);
                    pc_put(host, st, row, ssd, cell->num.sd / scale);
                }
                pc_put(host, st, row, smed, cell->num.median / scale);
                pc_put(host, st, row, sq1, cell->num.q1 / scale);
                pc_put(host, st, row, sq3, cell->num.q3 / scale);
                pc_put(host, st, row, smin, cell->num.min / scale);
                pc_put(host, st, row, smax, cell->num.max / scale);
            }
        }
        free(drow);
        ds_cells_free(cells, ng + 1);
        pc_factor_free(&f);
    }
    rc = 0;
out:
    ds_pre_free(pre);
    free(cg);
    free(cells);
    ds_ctx_free(&c);
    return rc;
}

static const cohort_estimator ds_estimators[] = {
    {"describe", "descriptive statistics of variables, optionally by group", ds_params,
     sizeof ds_params / sizeof ds_params[0], ds_run},
};

/* what each constant parameter accepts, and its default (ABI 1.2: checked by
 * the host before any data is read; run() still validates for older hosts) */
static const cohort_param_spec ds_specs[] = {
    {"describe", "overall", NULL, 0, NAN, NAN, 0, "true"},
    {"describe", "digits", NULL, 0, 0, 10, COHORT_SPEC_INTEGER, "1"},
    {"describe", "by", NULL, 0, NAN, NAN, COHORT_SPEC_GROUPS, NULL},
    {"describe", "vars", NULL, 0, NAN, NAN, COHORT_SPEC_LEVELS, NULL},
};

/* (ABI 1.7) describe fetches the columns it reads (ds_fetch) */
static const unsigned ds_flags[] = {COHORT_EST_COLUMNS_ON_DEMAND};

static const cohort_plugin ds_plugin = {
    COHORT_PLUGIN_HEADER,
    "describe",
    "1.0.0",
    "Descriptive statistics: n, missing, mean (SD), median [IQR], range, counts and percentages",
    ds_estimators,
    1,
    NULL,
    COHORT_PLUGIN_SPECS(ds_specs),
    ds_flags,
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &ds_plugin;
}
