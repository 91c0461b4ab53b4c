/* eval.h: evaluating a checked study's expressions for one unit at a time.
 * Lets and endpoints are computed on first use for the current unit and
 * remembered until the next unit; constants are computed once. */
#ifndef COHORT_EVAL_H
#define COHORT_EVAL_H
#include <math.h>
#include "check.h"
#include "data.h"
#include "value.h"

typedef struct evaluator evaluator;

typedef struct ep_value {
    int known;             /* 0: time/status could not be decided */
    double time;           /* days from origin */
    int status;            /* 0 censored, 1 event, k >= 2 competing cause k-1 */
    double event_date;     /* date of the endpoint's event (status 1) */
    double end_date;       /* origin + time (NAN: an endpoint from columns without origin) */
    double entry;          /* delayed entry, days from the origin: the unit is at
                              risk on (entry, time]; NAN: from the origin */
} ep_value;
/* An endpoint given by rows (one interval per row of a table below the
 * unit) has, as the unit's value, its last interval's end and status. */

/* Counters of data problems met while evaluating endpoints, reported as
 * warnings by the caller. */
typedef struct ep_counts {
    size_t before_origin;  /* end of follow-up before the origin: unknown */
    size_t after_censor;   /* an event after the censoring date: ignored */
    size_t entry_after_end;/* delayed entry on or after the end of follow-up: unknown */
    size_t rows_dropped;   /* an endpoint given by rows: rows left out (epdata_intervals) */
    size_t no_end;         /* an origin but neither an event nor a censoring date: unknown */
} ep_counts;

evaluator *eval_new(study *st, cohort_data *d, diag *dg);
void eval_free(evaluator *ev);
/* Make `row` of the unit table the current unit. */
void eval_unit(evaluator *ev, size_t row);
value eval_expr(evaluator *ev, const expr *e);
const ep_value *eval_endpoint(evaluator *ev, int ep);
const ep_counts *eval_ep_counts(const evaluator *ev, int ep);
/* e evaluated with the first quantifier variable bound to `row` (era.c:
 * the expressions of an era read only their source row). */
value eval_row_value(evaluator *ev, const expr *e, size_t row);
/* Row of table t for the current unit (t must be the unit or an ancestor). */
int64_t eval_row_of(const evaluator *ev, int t);

/* A block of units at a time (study.c fill_part): eval_block computes, for
 * the units rows[0..n) (each made current in turn), the values of es[0..nes)
 * into out[0..nes)[0..n) and endpoints eps[0..neps) into epout[0..neps)[0..n).
 * Each e must pass eval_block_ok (a let that is an `any` with a fast conjunct,
 * or an expression of columns, parameters and literals: nothing it reads has
 * an effect but counting out-of-range results) and each endpoint
 * eval_block_ep_ok (its dates such expressions or quantifiers over them).
 * Making one of those units current again (eval_unit), eval_block_keep
 * gives a let its value v and eval_block_keep_ep an endpoint its, so that
 * they are not computed (and their problems counted) twice.  eval_ep_member:
 * member e (rn.time) of an endpoint's value, as eval_expr gives it (the one
 * definition: inline for fill_part's loop). */
int eval_block_ok(evaluator *ev, const expr *e);
/* The criteria a block at a time (study.c crit_part): eval_block_tv sets
 * out[i] to e's truth value for unit rows[i] (i < n <= EVAL_BLOCK), as
 * eval_expr's after eval_unit(rows[i]) would give it (EVAL_UNKNOWN: missing).
 * e must pass eval_block_tv_ok: nothing it reads has an effect but counting
 * out-of-range results (no extern, no let but constants, no endpoint, no
 * quantifier), so evaluating it apart from a unit's other values changes
 * only the order of those counts. */
enum { EVAL_BLOCK = 256, EVAL_FALSE = 0, EVAL_TRUE = 1, EVAL_UNKNOWN = 2 };
int eval_block_tv_ok(evaluator *ev, const expr *e);
void eval_block_tv(evaluator *ev, const expr *e, const size_t *rows, size_t n, uint8_t *out);
int eval_block_ep_ok(evaluator *ev, int ep);
void eval_block(evaluator *ev, const expr *const *es, size_t nes, const int *eps, size_t neps, const size_t *rows,
                size_t n, value *const *out, ep_value *const *epout);
void eval_block_keep(evaluator *ev, const expr *e, value v);
void eval_block_keep_ep(evaluator *ev, int ep, const ep_value *v);
/* (eval_ep_member_num: member m (EPM_*) of p as a number into *x: 1, or
 * 0 when it is missing; what eval_ep_member's value holds) */
static inline __attribute__((always_inline)) int eval_ep_member_num(const ep_value *p, int m, double *x)
{
    if (!p->known) return 0;
    switch (m) {
    case EPM_TIME: *x = p->time; return 1;
    case EPM_STATUS: *x = p->status; return 1;
    case EPM_EVENT_DATE: *x = p->event_date; return p->status == 1 && !isnan(p->event_date);
    case EPM_END_DATE: *x = p->end_date; return !isnan(p->end_date);
    }
    return 0;
}
static inline value eval_ep_member(const ep_value *p, const expr *e)
{
    double x;
    if (!eval_ep_member_num(p, e->col, &x)) return V_MISSING;
    return e->col == EPM_TIME ? v_dur(x) : e->col == EPM_STATUS ? v_int(p->status) : v_date(x);
}
/* Is e an endpoint's member (rn.time)?  eval_member: its value, as
 * eval_expr's (without the dispatch) */
int eval_is_member(const expr *e);
value eval_member(evaluator *ev, const expr *e);
/* Can evaluating roots[0..nroots) or the endpoints eps[0..neps) read the
 * memo of the let that e names (0: e names none, or a constant)? */
int eval_reaches_let(evaluator *ev, const expr *const *roots, size_t nroots, const int *eps, size_t neps,
                     const expr *e);

/* For evaluating units on several threads.  eval_clone makes an evaluator
 * with its own per-unit memos that shares ev's quantifier state (row groups
 * and prefilters; ev must outlive it).  Before clones evaluate anything,
 * eval_prepare builds every quantifier's row groups and lists the
 * prefilters to compute (*todo, malloc'd); each is allocated once with
 * eval_prefilter_alloc (returns its row count, 0 on failure) and filled with
 * eval_prefilter_rows over disjoint row ranges, by ev or its clones; then
 * the span of each row group (from its first row that passes to its last)
 * allocated with eval_prefilter_groups (returns the number of groups, 0
 * when there are none or on failure: the quantifier goes without) and
 * filled with eval_prefilter_spans over disjoint ranges of groups.
 * eval_add_counts adds a clone's endpoint problem counts to ev's. */
evaluator *eval_clone(evaluator *ev);
size_t eval_prepare(evaluator *ev, const expr ***todo);
/* eval_prepare for what evaluating the expressions roots[0..nroots) and the
 * endpoints e with eps[e] set (eps may be NULL) can reach: their
 * quantifiers, and those of the lets and endpoints they name, recursively.
 * A rerun that evaluates one changed let (the others from the results
 * cache, rescache.h) then builds only that let's quantifiers' state. */
size_t eval_prepare_for(evaluator *ev, const expr *const *roots, size_t nroots, const uint8_t *eps,
                        const expr ***todo);
size_t eval_prefilter_alloc(evaluator *ev, const expr *e);
void eval_prefilter_rows(evaluator *ev, const expr *e, size_t lo, size_t hi);
size_t eval_prefilter_groups(evaluator *ev, const expr *e);
void eval_prefilter_spans(evaluator *ev, const expr *e, size_t lo, size_t hi);
void eval_add_counts(evaluator *ev, const evaluator *clone);
/* How many results were made missing because they were out of range (an
 * integer overflow, a date outside 0000-01-01..9999-12-31, an infinite
 * number); *where is set to the first such expression in the rules. */
size_t eval_range_problems(const evaluator *ev, loc *where);
#endif
