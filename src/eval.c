/* eval.c: the evaluator: the rules' expressions compiled once into a tree
 * of nodes with their operations chosen (evcode, eval_compile), and the
 * tree walk that shares each operation's code with them.  Semantics worth
 * knowing (documented in the README and cohort-rules): three-valued logic
 * with missing as unknown; windows are closed at both ends; before/after
 * are strict; dates are day numbers and a duration may carry a fraction
 * of a day (6 months = 182.625 days), so "within 6 months" admits 182 days
 * but not 183.
 * Quantifiers compute their row-only conjuncts once per row (prefilters),
 * and `any` whose other conjunct is a window or an interval relation with
 * operands fixed for the unit evaluates those once (any_fixed_rest); a
 * `where` comparing a column of the row with one of the unit reads the
 * unit's once (where_cmp).
 * A block of units at a time (eval_block), the number nodes the block's
 * values read (columns of the unit or its ancestors, literals, arithmetic)
 * are typed vectors (bvec: doubles and a missing byte a unit), each result
 * by the scalar helper the tree walk uses (arith_num, ep_event, ep_finish);
 * a let whose window tests the table's order column with operands from
 * those vectors is computed for the block in a loop of its own
 * (block_let_all), each unit's span of rows that pass worked out from its
 * group's prefilter bytes (group_span: such a prefilter keeps no spans).
 * A run's threads share the quantifiers' state (quant_state), built before
 * they start (study.c pool_prepare); one a thread meets still unbuilt is
 * built then under the evaluators' lock, once, and published with an
 * atomic store, so the common path reads it without a lock. */
#include "eval.h"
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "builtins.h"
#include "bytemap.h"
#include "colmem.h"
#include "epdata.h"
#include "interval.h"
#include "date.h"
#include "xcall.h"

#define CONST_GEN UINT32_MAX

typedef struct memo {
    uint32_t gen;
    value v;
} memo;

typedef struct ep_memo {
    uint32_t gen;
    ep_value v;
} ep_memo;

typedef struct block {
    struct block *next;
    _Alignas(16) unsigned char data[];
} block;

/* What a quantifier keeps between units: its row groups, and for a
 * prefiltered one which rows may pass.  groups and pass are set once
 * (release: quant_groups, prefilter, or before the threads start); span,
 * fixed and fixed_known are set before pass is. */
typedef struct quant_state {
    _Atomic(const group_index *) groups;
    _Atomic(uint8_t *) pass;
    uint32_t *span;        /* per group of a prefiltered one: the positions
                              [span[2a], span[2a + 1]) in g from its first row
                              that passes to its last (empty: none), or NULL */
    const expr *fixed;     /* the conjunct any_fixed_rest evaluates, or NULL */
    int fixed_known;       /* `fixed` has been worked out (fast_conjunct) */
    const column *sorted;  /* with fixed: the order column its window tests (sorted_window_col), or NULL */
    const expr *where_rest;   /* a prefiltered one's `where`: its one conjunct that is not row-only
                                 (sole_rest), or NULL (set with fixed) */
    const column *cmp_row;    /* where_rest a comparison of column cmp_row of the quantifier's own
                                 row with column cmp_unit of the unit's table cmp_table (its left
                                 operand when cmp_unit_left): where_cmp.  NULL otherwise */
    const column *cmp_unit;
    int cmp_table, cmp_unit_left;
} quant_state;

struct evaluator {
    study *st;
    cohort_data *d;
    diag *dg;
    uint32_t gen;
    int64_t *anc;          /* per table: the current unit's row in it, or -1 */
    size_t var_row[MAX_QUANT_DEPTH];
    memo *lets;
    ep_memo *eps;
    ep_counts *counts;
    value *params;
    block *mem;            /* constant lists and maps */
    quant_state *quants;   /* per quantifier (expr.qslot) */
    pthread_mutex_t *qlock;   /* serialises building quants' state (recursive: a
                                 prefilter may meet a nested quantifier) */
    int shares_quants;     /* a clone: quants, qlock and seen belong to another evaluator */
    uint8_t *seen;         /* per endpoint and unit: problems already counted */
    size_t nunits;
    size_t out_of_range;   /* results made missing: overflow, dates beyond 9999 */
    const expr *range_at;  /* the earliest expression in the source that made one */
    struct evcode *code;   /* the compiled nodes this evaluator made (eval_compile), or NULL */
};

/* ---- compiled expressions ------------------------------------------------
 * Before the units run, the base evaluator compiles the rules' expressions
 * into a tree of evcode nodes (eval_compile): each node's function is
 * chosen once for its kind, resolution and operator, so that a unit does
 * not dispatch again on them, its operands are its child nodes (called
 * directly), and an operand made only of literals is computed once (when
 * that gives no out-of-range result).  Every operation's semantics is
 * written once, in the op_* functions below, which the tree walk (k ==
 * NULL: operands through eval_expr) and the compiled nodes (k: operands
 * through k's children) share; what is not compiled is walked (c_walk).
 * expr.code points at a node while its evaluator lives. */
typedef struct evcode evcode;
typedef value (*evfn)(evaluator *ev, const evcode *c);
/* How run() gets a node's value: leaves inline (a constant, a column of
 * the unit's row or of a row variable's), the rest by calling fn. */
enum { L_CALL, L_CONST, L_COL_UNIT, L_COL_VAR, L_DATE_UNIT, L_DATE_VAR };
struct evcode {
    evfn fn;
    int leaf;                  /* L_*, as fn */
    const expr *e;
    const evcode *k[4];        /* operands a, b, c, d (NULL where e has none) */
    const evcode **items;      /* e's items */
    value v;                   /* a constant (fn c_const) */
    int t, col, slot;          /* a column's table and column, a row variable, let, param or endpoint */
    int flag;                  /* a let: it is constant (k[0]: its value's node, or NULL) */
    const cohort_data *d;      /* a column: the data it was resolved in (ev->d), and there */
    const column *colp;
    const evaluator *owner;
    evcode *next;              /* the owner's list */
};


/* Operand i (expression x) of the node being evaluated (k: compiled) */
#define OPND(i, x) (k ? run(ev, k->k[i]) : eval_expr(ev, (x)))
/* Item i of e, and of the list kl (the compiled list, or NULL) */
#define ITEM(i) (k ? run(ev, k->items[i]) : eval_expr(ev, e->items[i]))
#define LITEM(kl, l, i) ((kl) ? run(ev, (kl)->items[i]) : eval_expr(ev, (l)->items[i]))

/* Does a come before b in the rules (file name, line, column)? */
static int loc_before(const expr *a, const expr *b)
{
    if (a->loc.file != b->loc.file) {
        int c = a->loc.file && b->loc.file ? strcmp(a->loc.file->name, b->loc.file->name) : 0;
        if (c) return c < 0;
    }
    return a->loc.line != b->loc.line ? a->loc.line < b->loc.line : a->loc.col < b->loc.col;
}

/* A result that does not fit its type (an integer overflow, a date
 * outside 0000..9999, an infinite number) is missing; it is counted and the
 * caller warns once with the place (eval_range_problems). */
static value out_of_range(evaluator *ev, const expr *e)
{
    ev->out_of_range++;
    if (!ev->range_at || loc_before(e, ev->range_at)) ev->range_at = e;
    return V_MISSING;
}

/* v, or missing when it is a date, a real or a duration out of range */
static inline value in_range(evaluator *ev, const expr *e, value v)
{
    if (v.t == TY_DATE && !date_in_range(v.u.r)) return out_of_range(ev, e);
    if ((v.t == TY_REAL || v.t == TY_DURATION) && !isfinite(v.u.r)) return out_of_range(ev, e);
    return v;
}

static void *ev_alloc(evaluator *ev, size_t size)
{
    block *b = malloc(sizeof *b + size);
    if (!b) return NULL;
    b->next = ev->mem;
    ev->mem = b;
    return b->data;
}

/* Is row `row` of column c missing (no row: -1)? */
static inline int column_missing(const column *c, int64_t row)
{
    return row < 0 || col_missing(c, (size_t)row);
}

/* Row `row` of column c, whose type is `type` (c->type: column_value) */
static inline __attribute__((always_inline)) value column_value_as(const column *c, int64_t row, int type)
{
    if (column_missing(c, row)) return V_MISSING;
    switch (type) {
    case CT_INT: return v_int(col_int(c, (size_t)row));
    case CT_REAL: return v_real(c->r[row]);
    case CT_DATE: return v_date((double)c->d[row]);
    case CT_BOOL: return v_bool(c->b[row]);
    case CT_TEXT: return v_text(col_text(c, (size_t)row));
    }
    return V_MISSING;
}

static inline value column_value(const column *c, int64_t row)
{
    return column_value_as(c, row, c->type);
}

/* A column node's column: resolved when compiled, for the same data */
static inline const column *code_col(const evaluator *ev, const evcode *c)
{
    return c->d == ev->d ? c->colp : &ev->d->tables[c->t].cols[c->col];
}

/* a date column's row (the usual case: no dispatch on its type) */
static inline __attribute__((always_inline)) value date_or_any(const column *col, int64_t row)
{
    return col->type == CT_DATE ? column_value_as(col, row, CT_DATE) : column_value(col, row);
}

/* c's value: a leaf's inline, as its fn computes it */
static inline __attribute__((always_inline)) value run(evaluator *ev, const evcode *c)
{
    /* branches rather than a jump table: they predict better at a call site */
    int leaf = c->leaf;
    if (leaf == L_CALL) return c->fn(ev, c);
    if (leaf == L_CONST) return c->v;
    int64_t row = leaf == L_COL_UNIT || leaf == L_DATE_UNIT ? ev->anc[c->t] : (int64_t)ev->var_row[c->slot];
    return leaf >= L_DATE_UNIT ? date_or_any(code_col(ev, c), row) : column_value(code_col(ev, c), row);
}

static value eval_walk(evaluator *ev, const expr *e);

/* e's value, as eval_expr (inline where a unit's path is hot) */
static inline __attribute__((always_inline)) value expr_value(evaluator *ev, const expr *e)
{
    const evcode *c = e->code;
    return c ? run(ev, c) : eval_walk(ev, e);
}

/* ---- three-valued helpers ---------------------------------------------- */

enum { F = 0, T = 1, U = 2 };
static int tv(value v) { return v_missing(v) ? U : v.u.i ? T : F; }

static int and3(int a, int b)
{
    if (a == F || b == F) return F;
    return a == U || b == U ? U : T;
}
static int or3(int a, int b)
{
    if (a == T || b == T) return T;
    return a == U || b == U ? U : F;
}
static int not3(int a) { return a == U ? U : a == T ? F : T; }
static value from_tv(int t) { return t == U ? V_MISSING : v_bool(t == T); }

static int in_window(double x, double lo, double hi)
{
    return x >= lo && x <= hi;
}

static int equal(value a, value b)
{
    if (a.t == TY_TEXT) return a.u.s == b.u.s;
    if (a.t == TY_BOOL || b.t == TY_BOOL) return a.u.i == b.u.i;
    return v_num(a) == v_num(b);
}

static int compare(value a, value b)
{
    if (a.t == TY_TEXT) return a.u.s == b.u.s ? 0 : strcmp(a.u.s, b.u.s);
    double x = v_num(a), y = v_num(b);
    return (x > y) - (x < y);
}

/* ---- lets, params, endpoints -------------------------------------------- */

/* Let i's value for the current unit, computed on first use: its value
 * expression x (its node k when compiled, else NULL) */
static inline value let_memo(evaluator *ev, int i, int is_const, const expr *x, const evcode *k)
{
    memo *m = &ev->lets[i];
    /* a constant is computed once (marked with generation CONST_GEN) */
    uint32_t want = is_const ? CONST_GEN : ev->gen;
    if (m->gen != want) {
        m->v = k ? run(ev, k) : eval_expr(ev, x);
        m->gen = want;
    }
    return m->v;
}

static value eval_let(evaluator *ev, int i)
{
    return let_memo(ev, i, ev->st->lets[i].is_const, ev->st->lets[i].s->value, NULL);
}

/* An endpoint given by columns: time in its unit, status by its codes
 * (the data were checked against both before evaluation, epdata.c; a
 * value that still does not fit leaves the endpoint unknown). */
static void eval_column_endpoint(evaluator *ev, const endpointinfo *ep, ep_value *r)
{
    const stmt *s = ep->s;
    value t = eval_expr(ev, s->ep_time), st = eval_expr(ev, s->ep_status);
    if (v_missing(t) || v_missing(st)) return;
    double days = v_num(t) * ev->st->unit_days[s->ep_time_unit];
    size_t k = 0;
    while (k < ep->ncodes && (st.t == TY_TEXT ? ep->codes[k].s != st.u.s : ep->codes[k].i != st.u.i)) k++;
    if (k == ep->ncodes || !(days >= 0)) return;
    value origin = s->origin ? eval_expr(ev, s->origin) : V_MISSING;
    r->known = 1;
    r->time = days;
    r->status = ep->codes[k].status;
    r->end_date = v_missing(origin) ? NAN : origin.u.r + days;
    r->event_date = r->status == 1 ? r->end_date : NAN;
}

/* An endpoint given by rows: the unit's last interval (the latest end; the
 * first such row on a tie) gives its time and status. */
static void eval_rows_endpoint(evaluator *ev, int i, ep_value *r, uint8_t *seen)
{
    size_t dropped = 0, u = (size_t)ev->anc[ev->st->unit];
    size_t n = epdata_intervals(ev->st, ev->d, i, u, NULL, &dropped);
    if (dropped && !(*seen & 8)) {
        *seen |= 8;
        ev->counts[i].rows_dropped += dropped;
    }
    ep_interval *iv = n ? malloc(n * sizeof *iv) : NULL;
    if (!iv) return;
    epdata_intervals(ev->st, ev->d, i, u, iv, NULL);
    size_t last = 0;
    for (size_t k = 1; k < n; k++)
        if (iv[k].stop > iv[last].stop) last = k;
    r->known = 1;
    r->time = iv[last].stop;
    r->status = iv[last].status;
    r->end_date = r->event_date = NAN;
    free(iv);
}

/* Delayed entry: days from the origin to the entry.  A missing entry
 * leaves the endpoint unknown; an entry on or after the end of follow-up
 * too (counted); an entry on or before the origin is no delay. */
static void eval_entry(evaluator *ev, int i, ep_value *r, double origin, uint8_t *seen)
{
    const stmt *s = ev->st->eps[i].s;
    value e = eval_expr(ev, s->ep_entry);
    if (v_missing(e)) { r->known = 0; return; }
    double d = s->ep_time ? v_num(e) * ev->st->unit_days[s->ep_time_unit] : e.u.r - origin;
    if (d >= r->time) {
        r->known = 0;
        if (!(*seen & 4)) {
            *seen |= 4;
            ev->counts[i].entry_after_end++;
        }
        return;
    }
    if (d > 0) r->entry = d;
}

/* A typed vector: a number node's values (a date, a real, a duration: held
 * as a double) for the units of a block, computed at once (vec_get) */
typedef struct bvec {
    int t;                      /* the values' type (TY_DATE, TY_REAL, TY_DURATION) */
    double x[EVAL_BLOCK];       /* unit i's value, when not missing */
    uint8_t miss[EVAL_BLOCK];   /* 1: unit i's value is missing */
    uint8_t oor[EVAL_BLOCK];    /* 1: computing unit i's value gave an out-of-range result */
    const column *col;          /* a column's values (shared: vec_get), or NULL */
} bvec;

/* unit i's value in v, as the node's run gives it */
static inline value bvec_value(const bvec *v, size_t i)
{
    value r = {v->t, {.r = v->x[i]}};
    return v->miss[i] ? V_MISSING : r;
}

/* The dates of an endpoint given by dates: 0 origin, 1 censor, 2 event,
 * 3... competing */
static inline const expr *ep_date(const stmt *s, size_t j)
{
    return j == 0 ? s->origin : j == 1 ? s->censor : j == 2 ? s->event : s->competing[j - 3];
}

/* One of the dates an endpoint's end may be (k 0: its event, then the
 * competing ones), given the censoring date: the earliest not after the
 * censoring wins (best, status k + 1); those after it are counted */
static inline __attribute__((always_inline)) void ep_event(value d, value censor, int k, double *best, int *status,
                                                           size_t *after_censor)
{
    if (v_missing(d)) return;
    if (!v_missing(censor) && d.u.r > censor.u.r) {
        ++*after_censor;
        return;
    }
    if (!*status || d.u.r < *best) {
        *best = d.u.r;
        *status = k + 1;
    }
}

/* Endpoint i's value from its origin, its censoring and what ep_event made
 * of its events, into *r (zeroed, entry NAN); its data problems counted once
 * per unit (seen); entry: the endpoint has one (its statement's ep_entry) */
static inline __attribute__((always_inline)) void ep_finish(evaluator *ev, int i, ep_value *r, value origin, value censor,
                                                            double best, int status, size_t after_censor, uint8_t *seen,
                                                            int entry)
{
    if (after_censor && !(*seen & 1)) {
        *seen |= 1;
        ev->counts[i].after_censor += after_censor;
    }
    if (v_missing(origin)) return;
    double end;
    if (status) end = best;
    else if (!v_missing(censor)) end = censor.u.r;
    else {
        if (!(*seen & 16)) {
            *seen |= 16;
            ev->counts[i].no_end++;
        }
        return;
    }
    if (end < origin.u.r) {
        if (!(*seen & 2)) {
            *seen |= 2;
            ev->counts[i].before_origin++;
        }
        return;
    }
    r->known = 1;
    r->time = end - origin.u.r;
    r->status = status;
    r->end_date = end;
    r->event_date = status == 1 ? best : NAN;
    if (entry) eval_entry(ev, i, r, origin.u.r, seen);
}

/* Endpoint i's value for the current unit, into *r */
static void ep_compute(evaluator *ev, int i, ep_value *r)
{
    memset(r, 0, sizeof *r);
    r->entry = NAN;
    const stmt *s = ev->st->eps[i].s;
    /* data problems are counted once per unit, however often it is evaluated */
    uint8_t *seen = &ev->seen[(size_t)i * ev->nunits + (size_t)ev->anc[ev->st->unit]];
    if (ep_rows_table(&ev->st->eps[i]) >= 0) {
        eval_rows_endpoint(ev, i, r, seen);
        return;
    }
    if (ev->st->eps[i].from_columns) {
        eval_column_endpoint(ev, &ev->st->eps[i], r);
        if (r->known && s->ep_entry) eval_entry(ev, i, r, 0, seen);
        return;
    }
    value origin = expr_value(ev, s->origin);
    value censor = expr_value(ev, s->censor);
    double best = 0;
    int status = 0;
    size_t after_censor = 0;
    for (size_t k = 0; k <= s->ncompeting; k++)
        ep_event(expr_value(ev, ep_date(s, k + 2)), censor, (int)k, &best, &status, &after_censor);
    ep_finish(ev, i, r, origin, censor, best, status, after_censor, seen, s->ep_entry != NULL);
}

/* Endpoint i (given by dates, without an entry) for units rows[u], u < n,
 * into out[u], its dates v[j] (ep_date's order) worked out for them: as
 * ep_compute */
static void ep_block(evaluator *ev, int i, const bvec *const *v, const size_t *rows, size_t n, ep_value *out)
{
    const size_t nc = ev->st->eps[i].s->ncompeting;   /* (read once: the stores below could alias it) */
    uint8_t *seen = &ev->seen[(size_t)i * ev->nunits];
    for (size_t u = 0; u < n; u++) {
        ep_value *r = &out[u];
        memset(r, 0, sizeof *r);
        r->entry = NAN;
        value censor = bvec_value(v[1], u);
        double best = 0;
        int status = 0;
        size_t after_censor = 0;
        for (size_t k = 0; k <= nc; k++)
            ep_event(bvec_value(v[k + 2], u), censor, (int)k, &best, &status, &after_censor);
        ep_finish(ev, i, r, bvec_value(v[0], u), censor, best, status, after_censor, &seen[rows[u]], 0);
    }
}

const ep_value *eval_endpoint(evaluator *ev, int i)
{
    ep_memo *m = &ev->eps[i];
    if (m->gen == ev->gen) return &m->v;
    m->gen = ev->gen;   /* (first: an endpoint its own dates name is not computed again) */
    ep_compute(ev, i, &m->v);
    return &m->v;
}

const ep_counts *eval_ep_counts(const evaluator *ev, int ep)
{
    return &ev->counts[ep];
}

/* ---- quantifiers --------------------------------------------------------- */

/* The conjunction (three-valued) of the row-only conjuncts of the `and`
 * chain e for the current row: T when there are none. */
static int row_only_tv(evaluator *ev, const expr *e)
{
    if (!e) return T;
    if (e->kind == E_BINARY && e->op == OP_AND) {
        int a = row_only_tv(ev, e->a);
        if (a == F) return F;
        return and3(a, row_only_tv(ev, e->b));
    }
    return e->row_only ? tv(eval_expr(ev, e)) : T;
}

/* The rows of the quantifier's table that its row-only conjuncts (marked by
 * the checker) do not rule out.  Such a conjunct, e.g. d.agent == "T-DXd",
 * has one value per row whatever the unit, so it is computed once per row
 * here instead of once per row and unit.  A `where` conjunct must be true;
 * for any, a condition conjunct must not be false (a false row cannot make
 * any true, nor unknown); for count, it must be true. */
static uint8_t prefilter_row(evaluator *ev, const expr *e, size_t r);

/* Text columns whose pool holds at most this many strings are prefiltered
 * through a table by string id (one byte an id); others by hashing. */
#define PF_MAX_IDS (1u << 20)
/* Past this many distinct values, the rest of the rows are evaluated one by one */
#define PF_MAX_KEYS 128

/* prefilter_by_value for a text column by its string ids: the byte of an id
 * is worked out at its first row (0xff: not yet), and past PF_MAX_KEYS
 * distinct values every row's, as the hashing does. */
static int prefilter_by_id(evaluator *ev, const expr *e, const column *c, uint8_t *pass, size_t lo, size_t hi)
{
    size_t nids = ev->d->pool ? strpool_count(ev->d->pool) + 1 : 0;
    if (!c->sid || nids > PF_MAX_IDS) return 0;
    /* byid[nids]: 0xff for good, the byte of an id past the pool's
     * (interned since), so that bytemap_ids needs no test but a clamp */
    uint8_t *byid = malloc(nids + 1 + BYTEMAP_PAD);
    if (!byid) return 0;
    memset(byid, 0xff, nids + 1 + BYTEMAP_PAD);
    uint8_t missing_val = 0xff;
    size_t nkeys = 0;
    for (size_t r = lo; r < hi; r++) {
        if (!(r & 63) && hi - r >= 64 && !c->miss[r >> 6]) {
            /* 64 rows, none missing: every row's byte looked up; when one
             * is not yet known (0xff: bit 7 of the or), those from the
             * first such row on are done row by row below */
            if (!(bytemap_ids(c->sid + r, 64, byid, (uint32_t)nids, pass + r, 1) & 0x80)) {
                r += 63;
                continue;
            }
            while (pass[r] != 0xff) r++;
        }
        uint8_t *slot = col_missing(c, r) ? &missing_val : c->sid[r] < nids ? &byid[c->sid[r]] : NULL;
        if (slot && *slot != 0xff) {
            pass[r] = *slot;
            continue;
        }
        if (slot && slot != &missing_val && nkeys++ == PF_MAX_KEYS) {
            /* too many distinct values: evaluate the rest row by row */
            for (; r < hi; r++) pass[r] = prefilter_row(ev, e, r);
            break;
        }
        pass[r] = prefilter_row(ev, e, r);   /* (no slot: an id interned since) */
        if (slot) *slot = pass[r];
    }
    free(byid);
    return 1;
}

/* When the row-only conjuncts read one text or boolean column, their value
 * depends only on that (interned) value: compute it once per distinct value,
 * remembered by string id (prefilter_by_id) or in a small open-addressing
 * table. */
static int prefilter_by_value(evaluator *ev, const expr *e, uint8_t *pass, size_t lo, size_t hi)
{
    const column *c = &ev->d->tables[e->table].cols[e->pf_col];
    if (c->type != CT_TEXT && c->type != CT_BOOL) return 0;
    if (c->type == CT_TEXT && prefilter_by_id(ev, e, c, pass, lo, hi)) return 1;
    enum { CAP = 2 * PF_MAX_KEYS };
    const void *keys[CAP];
    uint8_t vals[CAP], used[CAP];
    uint8_t missing_val = 0;
    int have_missing = 0;
    size_t nkeys = 0;
    memset(used, 0, sizeof used);
    for (size_t r = lo; r < hi; r++) {
        if (col_missing(c, r)) {
            if (!have_missing) { missing_val = prefilter_row(ev, e, r); have_missing = 1; }
            pass[r] = missing_val;
            continue;
        }
        const void *key = c->type == CT_TEXT ? (const void *)col_text(c, r) : (const void *)(uintptr_t)(c->b[r] + 1);
        size_t h = ((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15ull >> 56;   /* 0..255 */
        while (used[h] && keys[h] != key) h = (h + 1) & (CAP - 1);
        if (!used[h]) {
            if (nkeys == CAP / 2) {
                /* too many distinct values: evaluate the rest row by row */
                for (; r < hi; r++) pass[r] = prefilter_row(ev, e, r);
                return 1;
            }
            used[h] = 1;
            keys[h] = key;
            vals[h] = prefilter_row(ev, e, r);
            nkeys++;
        }
        pass[r] = vals[h];
    }
    return 1;
}

static void prefilter_rows(evaluator *ev, const expr *e, uint8_t *pass, size_t lo, size_t hi)
{
    if (e->pf_col >= 0 && prefilter_by_value(ev, e, pass, lo, hi)) return;
    for (size_t r = lo; r < hi; r++) pass[r] = prefilter_row(ev, e, r);
}

/* One row's prefilter byte.  Bit 0: the row may count; bit 1: the
 * condition's row-only conjuncts are all true, so only the others need
 * evaluating. */
static uint8_t prefilter_row(evaluator *ev, const expr *e, size_t r)
{
    ev->var_row[e->slot] = r;
    int ok = row_only_tv(ev, e->a) == T, all_true = 1;
    if (ok && (e->op == Q_ANY || e->op == Q_COUNT)) {
        int b = row_only_tv(ev, e->b);
        ok = e->op == Q_ANY ? b != F : b == T;
        all_true = b == T;
    }
    return (uint8_t)(ok ? 1 | (all_true ? 2 : 0) : 0);
}

/* A prefilter is allocated with this many bytes more than its rows, zero,
 * so that 16 bytes can be read from any row (bytemap_nonzero). */
#define PASS_PAD 16

/* The span of group a (of g) for prefilter pass: the positions [s[0],
 * s[1]) in g from its first row that passes to its last, [off, off) when
 * none does (quant_state.span). */
static inline __attribute__((always_inline)) void group_span(const group_index *g, const uint8_t *pass, size_t a,
                                                             uint32_t *s)
{
    size_t first = g->off[a], n = g->off[a + 1] - first, b = 0, f = n;
    if (!g->rows && n <= 64) {
        /* rows in the file's order (the usual case): a mask of the
         * group's rows that pass, without a branch a row */
        uint64_t m = bytemap_nonzero(pass + first, n, 1);
        b = m ? (size_t)__builtin_ctzll(m) : n;
        f = m ? 64 - (size_t)__builtin_clzll(m) : n;
    } else {
        while (b < n && !pass[group_row(g, first + b)]) b++;
        while (f > b && !pass[group_row(g, first + f - 1)]) f--;
    }
    s[0] = (uint32_t)(first + (b < n ? b : 0));
    s[1] = (uint32_t)(first + (b < n ? f : 0));
}

/* The spans of the groups [lo, hi) of quantifier e (quant_state.span),
 * from its prefilter pass. */
static void prefilter_spans(evaluator *ev, const expr *e, const uint8_t *pass, size_t lo, size_t hi)
{
    quant_state *qs = &ev->quants[e->qslot];
    const group_index *g = atomic_load_explicit(&qs->groups, memory_order_acquire);
    for (size_t a = lo; a < hi; a++) group_span(g, pass, a, qs->span + 2 * a);
}

static const expr *fast_conjunct(evaluator *ev, quant_state *qs, const expr *e);
static size_t spans_alloc(quant_state *qs);

/* The row groups of quantifier e, built now (by one thread, under qlock,
 * whichever threads meet them unbuilt at once). */
static __attribute__((noinline)) const group_index *quant_groups_build(evaluator *ev, const expr *e)
{
    quant_state *qs = &ev->quants[e->qslot];
    pthread_mutex_lock(ev->qlock);
    const group_index *g = atomic_load_explicit(&qs->groups, memory_order_relaxed);
    if (!g) {
        g = data_groups(ev->d, e->table, e->col);
        atomic_store_explicit(&qs->groups, g, memory_order_release);
    }
    pthread_mutex_unlock(ev->qlock);
    return g;
}

/* The row groups of quantifier e: built now when no thread has. */
static inline const group_index *quant_groups(evaluator *ev, const expr *e)
{
    const group_index *g = atomic_load_explicit(&ev->quants[e->qslot].groups, memory_order_acquire);
    return g ? g : quant_groups_build(ev, e);
}

/* The prefilter of quantifier e (its groups built), computed now (under
 * qlock, as quant_groups_build), with its fast conjunct and its spans
 * (when there is memory for them and the conjunct is no sorted window:
 * spans_alloc), all before it is published. */
static __attribute__((noinline)) const uint8_t *prefilter_build(evaluator *ev, const expr *e)
{
    quant_state *qs = &ev->quants[e->qslot];
    pthread_mutex_lock(ev->qlock);
    uint8_t *pass = atomic_load_explicit(&qs->pass, memory_order_relaxed);
    size_t n = ev->d->tables[e->table].nrows;
    if (!pass && (pass = malloc(n + PASS_PAD)) != NULL) {
        memset(pass + n, 0, PASS_PAD);
        prefilter_rows(ev, e, pass, 0, n);
        fast_conjunct(ev, qs, e);
        size_t ng = spans_alloc(qs);
        if (ng) prefilter_spans(ev, e, pass, 0, ng);
        atomic_store_explicit(&qs->pass, pass, memory_order_release);
    }
    pthread_mutex_unlock(ev->qlock);
    return pass;
}

/* The prefilter of quantifier e: computed now when no thread has. */
static inline const uint8_t *prefilter(evaluator *ev, const expr *e)
{
    const uint8_t *pass = atomic_load_explicit(&ev->quants[e->qslot].pass, memory_order_acquire);
    return pass ? pass : prefilter_build(ev, e);
}

/* The truth value of an `and` chain whose row-only conjuncts are known to
 * be true for the current row: only the other conjuncts are evaluated. */
static int rest_tv(evaluator *ev, const expr *e)
{
    if (e->row_only) return T;
    if (e->kind == E_BINARY && e->op == OP_AND) {
        int a = rest_tv(ev, e->a);
        if (a == F) return F;
        return and3(a, rest_tv(ev, e->b));
    }
    return tv(eval_expr(ev, e));
}

/* The one conjunct of the `and` chain e that is not row-only, or NULL when
 * there is none or more than one. */
static const expr *sole_rest(const expr *e)
{
    if (!e || e->row_only) return NULL;
    if (e->kind != E_BINARY || e->op != OP_AND) return e;
    const expr *a = sole_rest(e->a), *b = sole_rest(e->b);
    if (a && b) return NULL;
    if (a) return e->b->row_only ? a : NULL;
    return b && e->a->row_only ? b : NULL;
}

/* Is e the same for every row of a quantifier: a literal, a column of the
 * unit (or its ancestors), a parameter, or signs and arithmetic of these?
 * Evaluating one has no effect but counting an out-of-range result, which
 * any_fixed_rest counts as often as the tree walk would. */
static int fixed_operand(const expr *e)
{
    switch (e->kind) {
    case E_INT: case E_REAL: case E_DATE: case E_DURATION: return 1;
    case E_NAME: case E_FIELD: return e->rkind == R_COLUMN || e->rkind == R_PARAM;
    case E_UNARY: return (e->op == OP_NEG || e->op == OP_PLUS) && fixed_operand(e->a);
    case E_BINARY: return e->op < OP_EQ && fixed_operand(e->a) && fixed_operand(e->b);
    default: return 0;
    }
}

/* An interval operand [s, e] (interval()) or a date that is fixed_operand */
static int fixed_interval(const expr *e)
{
    if (e->kind == E_LIST) return e->nitems == 2 && fixed_operand(e->items[0]) && fixed_operand(e->items[1]);
    return fixed_operand(e);
}

/* A window (`within W of t`, `within [lo, hi] of t`) whose width or bounds
 * and reference are fixed, or an interval relation (`overlaps`, `during`...)
 * whose right side is: its fixed operands need evaluating once per unit. */
static int fixed_rest(const expr *w)
{
    if (!w) return 0;
    switch (w->kind) {
    case E_WITHIN: return fixed_operand(w->b) && fixed_operand(w->c);
    case E_WITHIN2: return fixed_operand(w->b) && fixed_operand(w->c) && fixed_operand(w->d);
    case E_OVERLAPS: case E_RELATION: return fixed_interval(w->b);
    default: return 0;
    }
}

/* x within a of t (E_WITHIN, a the width) or x within [a, b] of t
 * (E_WITHIN2, ends as written), all four known. */
static inline int window_tv(const expr *w, value x, value a, value b, value t)
{
    if (w->kind == E_WITHIN) return fabs(v_num(x) - v_num(t)) <= v_num(a) ? T : F;
    if (!w->op) return in_window(x.u.r, t.u.r + a.u.r, t.u.r + b.u.r) ? T : F;
    /* a window with an open end: the day x during [t + a, t + b) ... */
    ivl p = {x.u.r, x.u.r, 1, 1, 0, 0}, win = {t.u.r + a.u.r, t.u.r + b.u.r, 1, 1, 0, 0};
    interval_flags(w->op, &win.s_open, &win.e_open);
    return interval_relation(REL_DURING, &p, &win);
}

static inline ivl interval(evaluator *ev, const expr *e);

/* The relation of E_OVERLAPS / E_RELATION w between intervals a and b */
static int relation_tv(const expr *w, const ivl *a, const ivl *b)
{
    return interval_relation(w->kind == E_OVERLAPS ? REL_OVERLAPS : (relation)w->op, a, b);
}

/* A closed window w whose fixed operands f are known, as window_side
 * tests it: x - t against [lo, hi] (within a of t: t, -a, a; within [a, b]
 * of t: 0, t + a, t + b, so that x - 0 is x) */
typedef struct wbounds {
    double t, lo, hi;
} wbounds;

static inline wbounds window_bounds(const expr *w, const value *f)
{
    if (w->kind == E_WITHIN) {
        double a = v_num(f[0]);
        return (wbounds){v_num(f[1]), -a, a};
    }
    return (wbounds){0.0, f[2].u.r + f[0].u.r, f[2].u.r + f[1].u.r};
}

/* Where x falls against window b: -1 before it, 1 after it (false, and for
 * every later x too), 0 in it (true).  The comparisons are window_tv's own
 * (|x - t| <= a; t + a <= x <= t + b), so the result is its. */
static inline int window_side(const wbounds *b, double x)
{
    double d = x - b->t;
    return d < b->lo ? -1 : d > b->hi ? 1 : 0;
}

/* The column of the quantifier q's own rows that window w (of
 * any_fixed_rest) tests, when it is the table's order column (a date): the
 * rows of a group come in its order, missing last.  NULL otherwise, and
 * for a window with an open end (an empty one is unknown, not false). */
static const column *sorted_window_col(evaluator *ev, const expr *q, const expr *w)
{
    const expr *x = w->a;
    if ((w->kind != E_WITHIN && (w->kind != E_WITHIN2 || w->op)) || (x->kind != E_NAME && x->kind != E_FIELD) ||
        x->rkind != R_VARCOL || x->slot != q->slot || x->table != q->table)
        return NULL;
    const table *t = &ev->d->tables[q->table];
    const column *c = &t->cols[x->col];
    return x->col == t->order && c->type == CT_DATE && c->d ? c : NULL;
}

/* any_fixed_rest's result when its window w, with fixed operands f all
 * known, tests the group's order column c: the rows up to the first after
 * the window, then those with the date missing (last).  A row in the window
 * is true, and with the date missing unknown, for window_tv; the rest false. */
static inline __attribute__((always_inline)) int any_sorted_window(const expr *w, const value *f, const column *c, const group_index *g, size_t first,
                             size_t n, const uint8_t *pass)
{
    int acc = F;
    size_t miss = n;   /* the positions [miss, n) have the date missing */
    while (miss > 0 && col_missing(c, group_row(g, first + miss - 1))) miss--;
    const wbounds wb = window_bounds(w, f);
    for (size_t k = 0; k < miss; k++) {
        size_t row = group_row(g, first + k);
        int side = window_side(&wb, (double)c->d[row]);
        if (side > 0) break;
        if (side == 0 && pass[row]) {
            if (pass[row] & 2) return T;
            acc = U;   /* a row-only conjunct unknown */
        }
    }
    for (size_t k = miss; k < n && acc == F; k++)
        if (pass[group_row(g, first + k)]) acc = U;
    return acc;
}

/* `any` q over the rows its prefilter lets through (pass) when the
 * condition's only other conjunct w is fixed_rest: w's fixed operands are
 * evaluated once, at the first such row (where the tree walk first
 * evaluated them), its other operand on every row, with the same
 * three-valued result as eval_node's (a row-only conjunct unknown makes a
 * true row unknown).  The tree walk evaluated the fixed operands at every
 * row it visited: an out-of-range result they gave is counted as often.
 * A window over the order column whose fixed operands are known stops at
 * the first row after it (any_sorted_window).  pre: a relation's right side
 * worked out ahead without an out-of-range result (eval_block), or NULL.
 * window: w is a window (else an interval relation), a constant in each
 * of its two callers below. */
static inline __attribute__((always_inline)) value any_fixed_as(evaluator *ev, const expr *q, const expr *w,
                                                                const group_index *g, size_t first, size_t n,
                                                                const uint8_t *pass, const ivl *pre, int window)
{
    int acc = F, have = 0;
    size_t visits = 0, problems = 0;
    value f[3] = {V_MISSING, V_MISSING, V_MISSING};   /* windows: width or bounds, reference */
    ivl right = {0, 0, 0, 0, 0, 0};
    for (size_t k = 0; k < n && acc != T; k++) {
        size_t row = group_row(g, first + k);
        int pv = pass[row];
        if (!pv) continue;
        visits++;
        ev->var_row[q->slot] = row;
        int r;
        if (window) {
            /* the row's own column (the usual case) read directly */
            value x = w->a->rkind == R_VARCOL && (w->a->kind == E_NAME || w->a->kind == E_FIELD)
                          ? column_value(&ev->d->tables[w->a->table].cols[w->a->col], (int64_t)ev->var_row[w->a->slot])
                          : eval_expr(ev, w->a);
            if (!have) {
                size_t before = ev->out_of_range;
                f[0] = eval_expr(ev, w->b);
                f[1] = eval_expr(ev, w->c);
                if (w->kind == E_WITHIN2) f[2] = eval_expr(ev, w->d);
                problems = ev->out_of_range - before;
                have = 1;
            }
            value t = w->kind == E_WITHIN ? f[1] : f[2], b = w->kind == E_WITHIN ? f[0] : f[1];
            r = v_missing(x) || v_missing(f[0]) || v_missing(b) || v_missing(t) ? U : window_tv(w, x, f[0], b, t);
        } else {
            ivl left = interval(ev, w->a);
            if (!have) {
                size_t before = ev->out_of_range;
                right = pre ? *pre : interval(ev, w->b);
                problems = ev->out_of_range - before;
                have = 1;
            }
            r = relation_tv(w, &left, &right);
        }
        if (!(pv & 2)) r = and3(U, r);
        if (r != F) acc = r == T ? T : U;
    }
    ev->out_of_range += problems * (visits ? visits - 1 : 0);
    return from_tv(acc);
}

/* any_fixed_as for a window, and for an interval relation: each a loop of
 * its own (a relation's has a smaller frame) */
static __attribute__((noinline)) value any_fixed_window(evaluator *ev, const expr *q, const expr *w,
                                                        const group_index *g, size_t first, size_t n,
                                                        const uint8_t *pass)
{
    return any_fixed_as(ev, q, w, g, first, n, pass, NULL, 1);
}
static __attribute__((noinline)) value any_fixed_relation(evaluator *ev, const expr *q, const expr *w,
                                                          const group_index *g, size_t first, size_t n,
                                                          const uint8_t *pass, const ivl *pre)
{
    return any_fixed_as(ev, q, w, g, first, n, pass, pre, 0);
}
static inline value any_fixed_rest(evaluator *ev, const expr *q, const expr *w, const group_index *g, size_t first,
                                   size_t n, const uint8_t *pass, const ivl *pre)
{
    return w->kind == E_WITHIN || w->kind == E_WITHIN2 ? any_fixed_window(ev, q, w, g, first, n, pass)
                                                       : any_fixed_relation(ev, q, w, g, first, n, pass, pre);
}

/* Are window w's fixed operands f (width or bounds, reference) all known? */
static inline int window_known(const expr *w, const value *f)
{
    return !v_missing(f[0]) && !v_missing(f[1]) && (w->kind == E_WITHIN || !v_missing(f[2]));
}

/* any_fixed_rest's result (*r, returning 1) when its window w tests the
 * group's order column xc (quant_state.sorted) and its fixed operands are
 * known: any_sorted_window.  0: the caller takes any_fixed_rest's loop.
 * (Kept apart and inline: the usual case, with a small frame.) */
static inline int any_sorted(evaluator *ev, const expr *w, const column *xc, const group_index *g, size_t first,
                             size_t n, const uint8_t *pass, value *r)
{
    /* worked out ahead, uncounted: any_fixed_rest's loop counts as the tree walk does */
    size_t before = ev->out_of_range;
    const expr *at = ev->range_at;
    value f[3] = {expr_value(ev, w->b), expr_value(ev, w->c), V_MISSING};
    if (w->kind == E_WITHIN2) f[2] = expr_value(ev, w->d);
    int known = ev->out_of_range == before && window_known(w, f);
    ev->out_of_range = before;
    ev->range_at = at;
    if (known) *r = from_tv(any_sorted_window(w, f, xc, g, first, n, pass));
    return known;
}

/* Is x a column of the row that quantifier q binds (not of its ancestors)? */
static int own_row_col(const expr *q, const expr *x)
{
    return (x->kind == E_NAME || x->kind == E_FIELD) && x->rkind == R_VARCOL && x->slot == q->slot &&
           x->table == q->table;
}

/* quant_state.cmp_*: set when the `where` rest of quantifier e compares a
 * column of e's own row with a column of the unit (or of an ancestor), as
 * rn's `e.course_id == course_id`; cleared otherwise. */
static void row_unit_cmp(evaluator *ev, quant_state *qs, const expr *e)
{
    const expr *r = qs->where_rest;
    qs->cmp_row = qs->cmp_unit = NULL;
    if (!r || r->kind != E_BINARY || r->op < OP_EQ) return;
    int left = !own_row_col(e, r->a);
    const expr *x = left ? r->b : r->a, *u = left ? r->a : r->b;
    if (!own_row_col(e, x) || (u->kind != E_NAME && u->kind != E_FIELD) || u->rkind != R_COLUMN) return;
    qs->cmp_row = &ev->d->tables[x->table].cols[x->col];
    qs->cmp_unit = &ev->d->tables[u->table].cols[u->col];
    qs->cmp_table = u->table;
    qs->cmp_unit_left = left;
}

/* The conjunct of quantifier e that any_fixed_rest can evaluate: e is a
 * prefiltered `any` without `where` and its one other conjunct is
 * fixed_rest.  NULL otherwise.  Worked out once per quantifier (qs). */
static const expr *fast_conjunct(evaluator *ev, quant_state *qs, const expr *e)
{
    if (!qs->fixed_known) {
        const expr *w = e->prefiltered && e->op == Q_ANY && !e->a ? sole_rest(e->b) : NULL;
        qs->fixed = fixed_rest(w) ? w : NULL;
        qs->sorted = qs->fixed ? sorted_window_col(ev, e, qs->fixed) : NULL;
        qs->where_rest = e->prefiltered ? sole_rest(e->a) : NULL;
        row_unit_cmp(ev, qs, e);
        qs->fixed_known = 1;
    }
    return qs->fixed;
}

static value quant_loop(evaluator *ev, const expr *e, const group_index *g, const uint8_t *pass, size_t first,
                        size_t n);

static inline __attribute__((always_inline)) value eval_quant_rows(evaluator *ev, const expr *e)
{
    quant_state *qs = &ev->quants[e->qslot];
    const group_index *g = quant_groups(ev, e);
    /* the anchor row: the unit's row in table col, or the enclosing row's (or its ancestor's) */
    int64_t a = e->anchor_slot < 0 ? ev->anc[e->col]
        : data_ancestor_row(ev->d, e->anchor_table, ev->var_row[e->anchor_slot], e->col);
    if (!g || a < 0) return V_MISSING;
    const uint8_t *pass = e->prefiltered ? prefilter(ev, e) : NULL;
    /* the rows before the first that passes and after the last do not
     * count: the group's span, worked out now for a prefilter without
     * spans (spans_alloc) */
    uint32_t own[2];
    const uint32_t *span = own;
    if (pass && !qs->span) {
        group_span(g, pass, (size_t)a, own);
    } else {
        span = pass ? qs->span + 2 * a : g->off + a;
        /* units come in order, and so do their groups: fetch the spans of
         * those to come (the hardware's prefetcher misses these among the
         * other columns a unit reads; a prefetch never faults) */
        __builtin_prefetch(span + 64);
    }
    size_t first = span[0], n = span[1] - span[0];
    /* (a published prefilter has its fast conjunct worked out: prefilter_build, prepare_quant) */
    const expr *w = pass ? qs->fixed : NULL;
    if (w) {
        value r;
        if (!n) return v_bool(0);   /* no row passes: any_fixed_rest's result, without a visit */
        if (qs->sorted && any_sorted(ev, w, qs->sorted, g, first, n, pass, &r)) return r;
        return any_fixed_rest(ev, e, w, g, first, n, pass, NULL);
    }
    return quant_loop(ev, e, g, pass, first, n);
}

/* A `where` whose row-only conjuncts are true for the current row
 * (rest_tv), its one other conjunct (quant_state.where_rest) read directly */
static inline int where_tv(evaluator *ev, const expr *e, const quant_state *qs)
{
    return qs->where_rest ? tv(expr_value(ev, qs->where_rest)) : rest_tv(ev, e->a);
}

static inline value comparison(int op, value a, value b);

/* Quantifier e's value over no rows (quant_loop's when none is taken) */
static inline value quant_none(const expr *e)
{
    switch (e->op) {
    case Q_ANY: return v_bool(0);
    case Q_ALL: return v_bool(1);
    case Q_COUNT: return v_int(0);
    case Q_SUM: return e->type.kind == TY_DURATION ? v_dur(0) : e->type.kind == TY_REAL ? v_real(0) : v_int(0);
    default: return V_MISSING;
    }
}

/* where_tv when the `where` rest compares a column of the row with one of
 * the unit (quant_state.cmp_row): the row's value against the unit's, u
 * (read once; known), by the comparison the node makes (no result of it
 * is ever out of range) */
static inline int where_cmp(const quant_state *qs, int op, size_t row, value u)
{
    value x = column_value(qs->cmp_row, (int64_t)row);
    return tv(qs->cmp_unit_left ? comparison(op, u, x) : comparison(op, x, u));
}

/* eval_quant_rows' loop over the positions [first, first + n) of the
 * groups g, but for the fast conjuncts (kept apart: their callers' frame
 * stays small) */
static __attribute__((noinline)) value quant_loop(evaluator *ev, const expr *e, const group_index *g,
                                                  const uint8_t *pass, size_t first, size_t n)
{
    const quant_state *qs = &ev->quants[e->qslot];
    size_t *slot = &ev->var_row[e->slot];
    int acc = e->op == Q_ALL ? T : F;
    int64_t count = 0;
    value best = V_MISSING;
    int have = 0;
    /* a `where` comparing a column of the row with one of the unit: the
     * unit's value read once, at the first row that reaches it; missing,
     * the `where` is unknown on every row (none is taken; the tree walk's
     * comparisons have no other effect) */
    const column *cr = pass ? qs->cmp_row : NULL;
    value u = V_MISSING;
    int u_read = 0;
    for (size_t k = 0; k < n; k++) {
        size_t idx = e->op == Q_LAST ? n - 1 - k : k;
        int pv = pass ? pass[group_row(g, first + idx)] : 0;
        if (pass && !pv) continue;
        *slot = group_row(g, first + idx);
        if (cr) {
            if (!u_read) {
                u = column_value(qs->cmp_unit, ev->anc[qs->cmp_table]);
                u_read = 1;
            }
            if (v_missing(u)) break;
            if (where_cmp(qs, qs->where_rest->op, *slot, u) != T) continue;
        }
        else if (e->a && (pass ? where_tv(ev, e, qs) : tv(eval_expr(ev, e->a))) != T) continue;
        switch (e->op) {
        case Q_ANY: {
            int t = (pv & 2) ? rest_tv(ev, e->b) : tv(eval_expr(ev, e->b));
            if (t == T) return v_bool(1);
            if (t == U) acc = U;
            break;
        }
        case Q_ALL: {
            int t = tv(eval_expr(ev, e->b));
            if (t == F) return v_bool(0);
            if (t == U) acc = U;
            break;
        }
        case Q_COUNT:
            if (!e->b || ((pv & 2) ? rest_tv(ev, e->b) : tv(eval_expr(ev, e->b))) == T) count++;
            break;
        case Q_FIRST: case Q_LAST:
            return eval_expr(ev, e->b);
        case Q_MIN: case Q_MAX: case Q_SUM: {
            value v = eval_expr(ev, e->b);
            if (v_missing(v)) return V_MISSING;
            if (!have) { best = v; have = 1; break; }
            if (e->op == Q_SUM) {
                if (best.t == TY_INT && v.t == TY_INT) {
                    /* an integer sum that overflows is missing, never wrapped */
                    if (__builtin_add_overflow(best.u.i, v.u.i, &best.u.i)) return out_of_range(ev, e);
                }
                else { double s = v_num(best) + v_num(v); best.u.r = s; if (best.t == TY_INT) best.t = TY_REAL; }
            } else {
                int c = compare(v, best);
                if ((e->op == Q_MIN && c < 0) || (e->op == Q_MAX && c > 0)) best = v;
            }
            break;
        }
        }
    }
    switch (e->op) {
    case Q_ANY: case Q_ALL: return from_tv(acc);
    case Q_COUNT: return v_int(count);
    case Q_SUM:
        if (!have) return quant_none(e);
        if (e->type.kind == TY_REAL && best.t == TY_INT) return v_real((double)best.u.i);
        return in_range(ev, e, best);   /* a real sum may overflow to infinity */
    default: return best;
    }
}

/* A let used inside a quantifier's condition may run its own quantifier at
 * the same depth (lets are evaluated at the unit's level): keep the row the
 * caller was on. */
static value eval_quant(evaluator *ev, const expr *e)
{
    size_t saved = ev->var_row[e->slot];
    value v = eval_quant_rows(ev, e);
    ev->var_row[e->slot] = saved;
    return v;
}

static value map_lookup(const vmap *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->keys[i] == key) return m->vals[i];
    return V_MISSING;
}

/* ---- expressions --------------------------------------------------------- */

/* x op y (arithmetic) as a number of type t, into *r: 0; 1: missing (a
 * division by zero); 2: out of range (in_range's test) */
static inline __attribute__((always_inline)) int arith_num(int op, int t, double x, double y, double *r)
{
    double z = 0;
    switch (op) {
    case OP_ADD: z = x + y; break;
    case OP_SUB: z = x - y; break;
    case OP_MUL: z = x * y; break;
    case OP_DIV:
        if (y == 0) return 1;
        z = x / y;
        break;
    }
    *r = z;
    if (t == TY_DATE) return date_in_range(z) ? 0 : 2;
    return (t == TY_REAL || t == TY_DURATION) && !isfinite(z) ? 2 : 0;
}

static inline __attribute__((always_inline)) value arith(evaluator *ev, const expr *e, value a, value b)
{
    if (v_missing(a) || v_missing(b)) return V_MISSING;
    int op = e->op;
    if (e->type.kind == TY_INT) {
        int64_t x = a.u.i, y = b.u.i, r = 0;
        int over = op == OP_ADD ? __builtin_add_overflow(x, y, &r)
                 : op == OP_SUB ? __builtin_sub_overflow(x, y, &r)
                 : op == OP_MUL ? __builtin_mul_overflow(x, y, &r) : 0;
        if (over) return out_of_range(ev, e);
        if (op != OP_DIV) return v_int(r);
    }
    value v;
    v.t = e->type.kind;
    int st = arith_num(op, v.t, v_num(a), v_num(b), &v.u.r);
    return st == 0 ? v : st == 1 ? V_MISSING : out_of_range(ev, e);
}


/* the interval from s to t, its ends open as written (IV_* bits; 0: closed) */
static inline __attribute__((always_inline)) ivl ivl_of(value s, value t, int written)
{
    ivl r = {0, 0, 0, 0, 0, 0};
    interval_flags(written, &r.s_open, &r.e_open);
    r.s_known = !v_missing(s);
    r.e_known = !v_missing(t);
    r.s = r.s_known ? v_num(s) : 0;
    r.e = r.e_known ? v_num(t) : 0;
    return r;
}

/* an interval operand of a relation: [s, e] (ends open as written) or a
 * single date, the closed interval of one day */
static inline __attribute__((always_inline)) ivl interval(evaluator *ev, const expr *e)
{
    if (e->kind == E_LIST && e->nitems == 2) {
        const evcode *kl = e->code;   /* the list compiled (its items), or NULL */
        value s = LITEM(kl, e, 0), t = LITEM(kl, e, 1);
        return ivl_of(s, t, e->op);
    }
    value s = eval_expr(ev, e);
    return ivl_of(s, s, 0);
}


/* ---- operations, shared by the tree walk and the compiled nodes ------------
 * Each takes the expression e and, when compiled, its node k (operands
 * then come from k's children; NULL: from eval_expr). */
#define OP static inline __attribute__((always_inline)) value

/* a let's value (a real let holding an integer made real); k: e's node
 * (its let's value node k->k[0] when it has one), or NULL */
static inline value let_value(evaluator *ev, const expr *e, const evcode *k)
{
    value v = k && k->k[0] ? let_memo(ev, e->slot, k->flag, NULL, k->k[0]) : eval_let(ev, e->slot);
    if (e->type.kind == TY_REAL && v.t == TY_INT) v = v_real((double)v.u.i);
    return v;
}

/* an endpoint's member (rn.time, rn.status, ...) */
static value epm_value(evaluator *ev, const expr *e)
{
    return eval_ep_member(eval_endpoint(ev, e->slot), e);
}

OP op_unary(evaluator *ev, const expr *e, const evcode *k)
{
    value a = OPND(0, e->a);
    if (e->op == OP_NOT) return from_tv(not3(tv(a)));
    if (v_missing(a) || e->op == OP_PLUS) return a;
    if (a.t == TY_INT && a.u.i == INT64_MIN) return out_of_range(ev, e);
    if (a.t == TY_INT) a.u.i = -a.u.i;
    else a.u.r = -a.u.r;
    return a;
}

OP op_and(evaluator *ev, const expr *e, const evcode *k)
{
    int a = tv(OPND(0, e->a));
    if (a == F) return v_bool(0);
    int b = tv(OPND(1, e->b));
    return from_tv(and3(a, b));
}

OP op_or(evaluator *ev, const expr *e, const evcode *k)
{
    int a = tv(OPND(0, e->a));
    if (a == T) return v_bool(1);
    return from_tv(or3(a, tv(OPND(1, e->b))));
}

/* a comparison (op >= OP_EQ) of a and b */
static inline value comparison(int op, value a, value b)
{
    if (v_missing(a) || v_missing(b)) return V_MISSING;
    switch (op) {
    case OP_EQ: return v_bool(equal(a, b));
    case OP_NE: return v_bool(!equal(a, b));
    case OP_LT: return v_bool(compare(a, b) < 0);
    case OP_LE: return v_bool(compare(a, b) <= 0);
    case OP_GT: return v_bool(compare(a, b) > 0);
    case OP_GE: return v_bool(compare(a, b) >= 0);
    }
    return V_MISSING;
}

/* arithmetic (e->op < OP_EQ) and comparisons */
OP op_binary(evaluator *ev, const expr *e, const evcode *k)
{
    value a = OPND(0, e->a), b = OPND(1, e->b);
    if (e->op < OP_EQ) return arith(ev, e, a, b);
    return comparison(e->op, a, b);
}

OP op_between(evaluator *ev, const expr *e, const evcode *k)
{
    value a = OPND(0, e->a), lo = OPND(1, e->b), hi = OPND(2, e->c);
    if (v_missing(a) || v_missing(lo) || v_missing(hi)) return V_MISSING;
    return v_bool(compare(a, lo) >= 0 && compare(a, hi) <= 0);
}

/* (a in l) for a literal list l (kl: its compiled node, or NULL), a known */
static inline value in_list(evaluator *ev, value a, const expr *l, const evcode *kl)
{
    int unknown = 0;
    /* compare item by item without building the list */
    for (size_t i = 0; i < l->nitems; i++) {
        value v = LITEM(kl, l, i);
        if (v_missing(v)) unknown = 1;
        else if (equal(a, v)) return v_bool(1);
    }
    return unknown ? V_MISSING : v_bool(0);
}

OP op_in(evaluator *ev, const expr *e, const evcode *k)
{
    value a = OPND(0, e->a);
    if (v_missing(a)) return V_MISSING;
    if (e->b->kind == E_LIST)
        return in_list(ev, a, e->b, k && k->k[1]->items ? k->k[1] : NULL);   /* (kl: not another evaluator's) */
    value l = OPND(1, e->b);
    if (v_missing(l)) return V_MISSING;
    int unknown = 0;
    for (size_t i = 0; i < l.u.l->n; i++) {
        value v = l.u.l->items[i];
        if (v_missing(v)) unknown = 1;
        else if (equal(a, v)) return v_bool(1);
    }
    return unknown ? V_MISSING : v_bool(0);
}

OP op_within(evaluator *ev, const expr *e, const evcode *k)
{
    value x = OPND(0, e->a), w = OPND(1, e->b), t = OPND(2, e->c);
    if (v_missing(x) || v_missing(w) || v_missing(t)) return V_MISSING;
    return from_tv(window_tv(e, x, w, w, t));
}

OP op_within2(evaluator *ev, const expr *e, const evcode *k)
{
    value x = OPND(0, e->a), lo = OPND(1, e->b), hi = OPND(2, e->c), t = OPND(3, e->d);
    if (v_missing(x) || v_missing(lo) || v_missing(hi) || v_missing(t)) return V_MISSING;
    return from_tv(window_tv(e, x, lo, hi, t));
}

OP op_order(evaluator *ev, const expr *e, const evcode *k)
{
    value a = OPND(0, e->a), b = OPND(1, e->b);
    if (v_missing(a) || v_missing(b)) return V_MISSING;
    int c = compare(a, b);
    return v_bool(e->kind == E_BEFORE ? c < 0 : c > 0);
}

OP op_relation(evaluator *ev, const expr *e)
{
    ivl a = interval(ev, e->a), b = interval(ev, e->b);
    return from_tv(relation_tv(e, &a, &b));
}

OP op_missing(evaluator *ev, const expr *e, const evcode *k)
{
    return v_bool(v_missing(ITEM(0)));
}

OP op_coalesce(evaluator *ev, const expr *e, const evcode *k)
{
    for (size_t i = 0; i < e->nitems; i++) {
        value v = ITEM(i);
        if (!v_missing(v)) {
            if (e->type.kind == TY_REAL && v.t == TY_INT) return v_real((double)v.u.i);
            return v;
        }
    }
    return V_MISSING;
}

/* ---- builtins ------------------------------------------------------------ */

static value eval_builtin(evaluator *ev, const expr *e)
{
    size_t n = e->nitems;
    switch (e->fn) {
    case BI_MISSING: return op_missing(ev, e, NULL);
    case BI_COALESCE: return op_coalesce(ev, e, NULL);
    case BI_FIRST_OF: case BI_LAST_OF: case BI_LEAST: case BI_GREATEST: {
        int lowest = e->fn == BI_FIRST_OF || e->fn == BI_LEAST;
        value best = V_MISSING;
        for (size_t i = 0; i < n; i++) {
            value v = eval_expr(ev, e->items[i]);
            if (v_missing(v)) continue;
            if (v_missing(best) || (lowest ? compare(v, best) < 0 : compare(v, best) > 0)) best = v;
        }
        if (!v_missing(best) && e->type.kind == TY_REAL && best.t == TY_INT) return v_real((double)best.u.i);
        return best;
    }
    case BI_I:
        return eval_expr(ev, e->items[0]);
    case BI_ADD_MONTHS: {
        value a = eval_expr(ev, e->items[0]), k = eval_expr(ev, e->items[1]);
        if (v_missing(a) || v_missing(k)) return V_MISSING;
        int32_t out;
        /* a date that falls within a day counts as that day */
        if (date_add_months((int32_t)floor(a.u.r), k.u.i, &out) < 0) return out_of_range(ev, e);
        return v_date((double)out);
    }
    default: break;
    }
    value a = eval_expr(ev, e->items[0]);
    if (v_missing(a)) return V_MISSING;
    double x = v_num(a), r;
    switch (e->fn) {
    case BI_ABS:
        if (a.t == TY_INT && a.u.i == INT64_MIN) return out_of_range(ev, e);
        if (a.t == TY_INT) return v_int(a.u.i < 0 ? -a.u.i : a.u.i);
        a.u.r = fabs(x);
        return a;
    case BI_ROUND: {
        int64_t digits = 0;
        if (n == 2) {
            value d = eval_expr(ev, e->items[1]);
            if (v_missing(d)) return V_MISSING;
            digits = d.u.i;
        }
        double p = pow(10.0, (double)digits);
        /* R's round half to even on the scaled value */
        r = nearbyint(x * p) / p;
        break;
    }
    case BI_FLOOR: r = floor(x); break;
    case BI_CEIL: r = ceil(x); break;
    case BI_LOG: if (x <= 0) return V_MISSING; r = log(x); break;
    case BI_EXP: r = exp(x); break;
    case BI_SQRT: if (x < 0) return V_MISSING; r = sqrt(x); break;
    default: return V_MISSING;
    }
    if (!isfinite(r)) return e->fn == BI_EXP ? out_of_range(ev, e) : V_MISSING;
    return e->type.kind == TY_DURATION ? v_dur(r) : v_real(r);
}

/* Interior nodes.  Kept out of line so that eval_expr, which handles the
 * leaves (most nodes evaluated: literals and column references), has a
 * small frame. */
static __attribute__((noinline)) value eval_node(evaluator *ev, const expr *e)
{
    switch (e->kind) {
    case E_INT: return v_int(e->ival);
    case E_REAL: return v_real(e->rval);
    case E_BOOL: return v_bool((int)e->ival);
    case E_MISSING: return V_MISSING;
    case E_TEXT: return v_text(e->text);
    case E_DATE: return v_date(e->days);
    case E_DURATION: return v_dur(e->days);
    case E_LIST: {
        vlist *l = ev_alloc(ev, sizeof *l + (e->nitems + 1) * sizeof(value));
        if (!l) return V_MISSING;
        l->n = e->nitems;
        l->items = (value *)(l + 1);
        for (size_t i = 0; i < e->nitems; i++) {
            value v = eval_expr(ev, e->items[i]);
            if (e->type.elem == TY_REAL && v.t == TY_INT) v = v_real((double)v.u.i);
            l->items[i] = v;
        }
        value v = {TY_LIST, {.l = l}};
        return v;
    }
    case E_MAP: {
        size_t n = e->nitems / 2;
        vmap *m = ev_alloc(ev, sizeof *m + (n + 1) * (sizeof(value) + sizeof(char *)));
        if (!m) return V_MISSING;
        m->n = n;
        m->vals = (value *)(m + 1);
        m->keys = (const char **)(m->vals + n + 1);
        for (size_t i = 0; i < n; i++) {
            m->keys[i] = e->items[2 * i]->text;
            value v = eval_expr(ev, e->items[2 * i + 1]);
            if (e->type.elem == TY_REAL && v.t == TY_INT) v = v_real((double)v.u.i);
            m->vals[i] = v;
        }
        value v = {TY_MAP, {.m = m}};
        return v;
    }
    case E_NAME: case E_FIELD:
        switch (e->rkind) {
        case R_COLUMN: return column_value(&ev->d->tables[e->table].cols[e->col], ev->anc[e->table]);
        case R_VARCOL: return column_value(&ev->d->tables[e->table].cols[e->col], (int64_t)ev->var_row[e->slot]);
        case R_VARANC:
            return column_value(&ev->d->tables[e->table].cols[e->col],
                                data_ancestor_row(ev->d, e->anchor_table, ev->var_row[e->slot], e->table));
        case R_LET: return let_value(ev, e, NULL);
        case R_PARAM: return ev->params[e->slot];
        case R_EPMEMBER: return epm_value(ev, e);
        }
        return V_MISSING;
    case E_UNARY: return op_unary(ev, e, NULL);
    case E_BINARY:
        if (e->op == OP_AND) return op_and(ev, e, NULL);
        if (e->op == OP_OR) return op_or(ev, e, NULL);
        return op_binary(ev, e, NULL);
    case E_BETWEEN: return op_between(ev, e, NULL);
    case E_IN: return op_in(ev, e, NULL);
    case E_WITHIN: return op_within(ev, e, NULL);
    case E_WITHIN2: return op_within2(ev, e, NULL);
    case E_BEFORE: case E_AFTER: return op_order(ev, e, NULL);
    case E_OVERLAPS: case E_RELATION: return op_relation(ev, e);
    case E_QUANT: return eval_quant(ev, e);
    case E_CALL:
        if (e->fn == -2) {
            value m = e->rkind == R_LET ? eval_let(ev, e->slot) : ev->params[e->slot];
            value k = eval_expr(ev, e->items[0]);
            if (v_missing(m) || v_missing(k)) return V_MISSING;
            return map_lookup(m.u.m, k.u.s);
        }
        if (e->fn == FN_INCLUDED) {
            /* a row of the unit table of analysis e->col, in its analysis set? */
            int64_t row = e->slot < 0 ? ev->anc[e->table] : (int64_t)ev->var_row[e->slot];
            const uint8_t *set = ev->st->insets ? ev->st->insets[e->col] : NULL;
            if (!set || row < 0) return V_MISSING;
            return v_bool(set[row] != 0);
        }
        if (e->rkind == R_EXTERN) {
            value args[32];
            size_t n = e->nitems < 32 ? e->nitems : 32;
            for (size_t i = 0; i < n; i++) args[i] = eval_expr(ev, e->items[i]);
            return xcall_call(&ev->st->externs[e->fn], args, n, ev->st->pool);
        }
        return eval_builtin(ev, e);
    case E_CASE:
        for (size_t i = 0; i + 1 < e->nitems; i += 2)
            if (tv(eval_expr(ev, e->items[i])) == T) {
                value v = eval_expr(ev, e->items[i + 1]);
                if (e->type.kind == TY_REAL && v.t == TY_INT) v = v_real((double)v.u.i);
                return v;
            }
        if (e->a) {
            value v = eval_expr(ev, e->a);
            if (e->type.kind == TY_REAL && v.t == TY_INT) v = v_real((double)v.u.i);
            return v;
        }
        return V_MISSING;
    case E_FORMULA: case E_INTERACT: return V_MISSING;
    }
    return V_MISSING;
}

/* The tree walk: leaves here, interior nodes in eval_node. */
static value eval_walk(evaluator *ev, const expr *e)
{
    switch (e->kind) {
    case E_TEXT: return v_text(e->text);
    case E_INT: return v_int(e->ival);
    case E_DATE: return v_date(e->days);
    case E_DURATION: return v_dur(e->days);
    case E_NAME: case E_FIELD:
        if (e->rkind == R_VARCOL)
            return column_value(&ev->d->tables[e->table].cols[e->col], (int64_t)ev->var_row[e->slot]);
        if (e->rkind == R_COLUMN)
            return column_value(&ev->d->tables[e->table].cols[e->col], ev->anc[e->table]);
        break;
    default:
        break;
    }
    return eval_node(ev, e);
}

value eval_expr(evaluator *ev, const expr *e)
{
    return expr_value(ev, e);
}

/* ---- the compiled nodes' functions ---------------------------------------- */

static value c_const(evaluator *ev, const evcode *c) { (void)ev; return c->v; }
static value c_walk(evaluator *ev, const evcode *c) { return eval_walk(ev, c->e); }
/* an operand another evaluator compiled: its node, while that one lives */
static value c_ref(evaluator *ev, const evcode *c) { return eval_expr(ev, c->e); }
/* the columns' (run() reads them inline) */
static value c_col_unit(evaluator *ev, const evcode *c) { return column_value(code_col(ev, c), ev->anc[c->t]); }
static value c_col_var(evaluator *ev, const evcode *c)
{
    return column_value(code_col(ev, c), (int64_t)ev->var_row[c->slot]);
}
static value c_col_anc(evaluator *ev, const evcode *c)
{
    return column_value(code_col(ev, c), data_ancestor_row(ev->d, c->e->anchor_table, ev->var_row[c->slot], c->t));
}
static value c_date_unit(evaluator *ev, const evcode *c) { return date_or_any(code_col(ev, c), ev->anc[c->t]); }
static value c_date_var(evaluator *ev, const evcode *c)
{
    return date_or_any(code_col(ev, c), (int64_t)ev->var_row[c->slot]);
}


static value c_let(evaluator *ev, const evcode *c) { return let_value(ev, c->e, c); }
static value c_param(evaluator *ev, const evcode *c) { return ev->params[c->slot]; }
static value c_epm(evaluator *ev, const evcode *c) { return epm_value(ev, c->e); }
static value c_quant(evaluator *ev, const evcode *c) { return eval_quant(ev, c->e); }
static value c_unary(evaluator *ev, const evcode *c) { return op_unary(ev, c->e, c); }
static value c_and(evaluator *ev, const evcode *c) { return op_and(ev, c->e, c); }
static value c_or(evaluator *ev, const evcode *c) { return op_or(ev, c->e, c); }
static value c_binary(evaluator *ev, const evcode *c) { return op_binary(ev, c->e, c); }
static value c_between(evaluator *ev, const evcode *c) { return op_between(ev, c->e, c); }
static value c_in(evaluator *ev, const evcode *c) { return op_in(ev, c->e, c); }
static value c_within(evaluator *ev, const evcode *c) { return op_within(ev, c->e, c); }
static value c_within2(evaluator *ev, const evcode *c) { return op_within2(ev, c->e, c); }
static value c_order(evaluator *ev, const evcode *c) { return op_order(ev, c->e, c); }
static value c_relation(evaluator *ev, const evcode *c) { return op_relation(ev, c->e); }
static value c_missing(evaluator *ev, const evcode *c) { return op_missing(ev, c->e, c); }
static value c_coalesce(evaluator *ev, const evcode *c) { return op_coalesce(ev, c->e, c); }

/* The function of e's node: what eval_walk would do with it, chosen now;
 * c_walk for what is not compiled. */
static evfn code_fn(const expr *e)
{
    switch (e->kind) {
    case E_INT: case E_REAL: case E_BOOL: case E_MISSING: case E_TEXT: case E_DATE: case E_DURATION:
        return c_const;
    case E_NAME: case E_FIELD:
        switch (e->rkind) {
        case R_COLUMN: return e->type.kind == TY_DATE ? c_date_unit : c_col_unit;
        case R_VARCOL: return e->type.kind == TY_DATE ? c_date_var : c_col_var;
        case R_VARANC: return c_col_anc;
        case R_LET: return c_let;
        case R_PARAM: return c_param;
        case R_EPMEMBER: return c_epm;
        }
        return c_walk;
    case E_UNARY: return c_unary;
    case E_BINARY: return e->op == OP_AND ? c_and : e->op == OP_OR ? c_or : c_binary;
    case E_BETWEEN: return c_between;
    case E_IN: return c_in;
    case E_WITHIN: return c_within;
    case E_WITHIN2: return c_within2;
    case E_BEFORE: case E_AFTER: return c_order;
    case E_OVERLAPS: case E_RELATION: return c_relation;
    case E_QUANT: return c_quant;
    case E_CALL:
        if (e->fn == -2 || e->fn == FN_INCLUDED || e->rkind == R_EXTERN) return c_walk;
        return e->fn == BI_MISSING ? c_missing : e->fn == BI_COALESCE ? c_coalesce : c_walk;
    default: return c_walk;
    }
}

/* Can node n be computed once: an operation (not a name, a quantifier or
 * a walked node) whose operands are all constants? */
static int code_foldable(const evcode *n)
{
    if (n->fn == c_const || n->fn == c_walk || n->fn == c_ref || n->fn == c_quant || n->fn == c_let ||
        n->fn == c_param || n->fn == c_epm || n->fn == c_col_unit || n->fn == c_col_var || n->fn == c_col_anc ||
        n->fn == c_date_unit || n->fn == c_date_var)
        return 0;
    if (n->e->kind == E_OVERLAPS || n->e->kind == E_RELATION) return 0;   /* operands read by interval() */
    for (int i = 0; i < 4; i++)
        if (n->k[i] && n->k[i]->fn != c_const) return 0;
    for (size_t i = 0; i < n->e->nitems; i++)
        if (n->items[i]->fn != c_const) return 0;
    return 1;
}

/* e's node, made now (and e->code set to it unless it is walked); NULL for
 * no e or out of memory (the caller then walks). */
static const evcode *compile(evaluator *ev, const expr *e)
{
    if (!e) return NULL;
    if (e->code && e->code->owner == ev) return e->code;   /* a shared subtree */
    evcode *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->e = e;
    n->owner = ev;
    n->next = ev->code;
    ev->code = n;
    if (e->code) {
        n->fn = c_ref;
        return n;
    }
    n->fn = code_fn(e);
    n->t = e->table;
    n->col = e->col;
    n->slot = e->slot;
    if ((e->kind == E_NAME || e->kind == E_FIELD) &&
        (e->rkind == R_COLUMN || e->rkind == R_VARCOL || e->rkind == R_VARANC) && e->table >= 0 &&
        (size_t)e->table < ev->d->ntables && e->col >= 0 && (size_t)e->col < ev->d->tables[e->table].ncols &&
        ev->d->tables[e->table].cols) {
        n->d = ev->d;
        n->colp = &ev->d->tables[e->table].cols[e->col];
    }
    const expr *ops[4] = {e->a, e->b, e->c, e->d};
    int ok = 1;
    for (int i = 0; i < 4; i++)
        if (ops[i] && !(n->k[i] = compile(ev, ops[i]))) ok = 0;
    if (e->nitems && !(n->items = calloc(e->nitems, sizeof *n->items))) ok = 0;
    for (size_t i = 0; ok && i < e->nitems; i++)
        if (!(n->items[i] = compile(ev, e->items[i]))) ok = 0;
    if (!ok) {
        n->fn = c_walk;   /* (never run: e->code stays unset) */
        return n;
    }
    if (n->fn == c_const) n->v = eval_walk(ev, e);
    else if (code_foldable(n)) {
        /* computed once, unless that counts an out-of-range result: the
         * walk counts one each time */
        size_t before = ev->out_of_range;
        const expr *at = ev->range_at;
        value v = run(ev, n);
        if (ev->out_of_range == before) {
            n->fn = c_const;
            n->v = v;
        }
        ev->out_of_range = before;
        ev->range_at = at;
    }
    n->leaf = n->fn == c_const ? L_CONST : n->fn == c_col_unit ? L_COL_UNIT : n->fn == c_col_var ? L_COL_VAR
            : n->fn == c_date_unit ? L_DATE_UNIT : n->fn == c_date_var ? L_DATE_VAR : L_CALL;
    /* a list is walked (it is built), but interval() and `in` read its items' nodes */
    if (n->fn != c_walk || e->kind == E_LIST) ((expr *)e)->code = n;   /* (a cache the evaluator owns) */
    return n;
}

/* Compile the expressions of the rules' statements (ev is not a clone),
 * then point each let's name at its value's node. */
static void eval_compile(evaluator *ev)
{
    const program *p = ev->st->prog;
    for (size_t i = 0; i < p->nstmts; i++) {
        const stmt *s = p->stmts[i];
        const expr *parts[] = {s->value, s->origin, s->event, s->censor, s->ep_time, s->ep_status, s->ep_entry};
        for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) compile(ev, parts[k]);
        for (size_t k = 0; k < s->ncompeting; k++) compile(ev, s->competing[k]);
        for (size_t k = 0; k < s->nargs; k++) compile(ev, s->args[k].value);
    }
    for (evcode *n = ev->code; n; n = n->next) {
        if (n->fn != c_let || n->slot < 0 || (size_t)n->slot >= ev->st->nlets) continue;
        const expr *x = ev->st->lets[n->slot].s->value;
        n->flag = ev->st->lets[n->slot].is_const;
        n->k[0] = x->code && x->code->owner == ev ? x->code : NULL;
    }
}

/* Forget ev's nodes (the expressions walk again). */
static void eval_uncompile(evaluator *ev)
{
    for (evcode *n = ev->code, *next; n; n = next) {
        next = n->next;
        if (n->e->code == n) ((expr *)n->e)->code = NULL;
        free(n->items);
        free(n);
    }
    ev->code = NULL;
}

/* ---- set-up -------------------------------------------------------------- */

/* A recursive mutex (qlock), or NULL. */
static pthread_mutex_t *qlock_new(void)
{
    pthread_mutex_t *m = malloc(sizeof *m);
    pthread_mutexattr_t a;
    if (!m || pthread_mutexattr_init(&a)) {
        free(m);
        return NULL;
    }
    int bad = pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE) || pthread_mutex_init(m, &a);
    pthread_mutexattr_destroy(&a);
    if (bad) {
        free(m);
        return NULL;
    }
    return m;
}

static evaluator *eval_make(study *st, cohort_data *d, diag *dg, quant_state *shared, pthread_mutex_t *shared_lock,
                            uint8_t *shared_seen)
{
    evaluator *ev = calloc(1, sizeof *ev);
    if (!ev) return NULL;
    ev->st = st;
    ev->d = d;
    ev->dg = dg;
    ev->anc = malloc((d->ntables + 1) * sizeof *ev->anc);
    ev->lets = calloc(st->nlets + 1, sizeof *ev->lets);
    ev->eps = calloc(st->neps + 1, sizeof *ev->eps);
    ev->counts = calloc(st->neps + 1, sizeof *ev->counts);
    ev->params = calloc(st->nparams + 1, sizeof *ev->params);
    ev->shares_quants = shared != NULL;
    ev->quants = shared ? shared : calloc(st->nquants + 1, sizeof *ev->quants);
    ev->qlock = shared ? shared_lock : qlock_new();
    ev->nunits = d->tables[st->unit].nrows;
    ev->seen = shared_seen ? shared_seen : calloc(st->neps * ev->nunits + 1, 1);
    if (!ev->seen || !ev->quants || !ev->qlock || !ev->anc || !ev->lets || !ev->eps || !ev->counts || !ev->params) {
        eval_free(ev);
        return NULL;
    }
    for (size_t i = 0; i < d->ntables; i++) ev->anc[i] = -1;
    /* memos start at generation 0; units use 1 .. CONST_GEN-1 */
    ev->gen = 1;
    for (size_t i = 0; i < st->nparams; i++) {
        value v = eval_expr(ev, st->params[i].value);
        if (st->params[i].type.kind == TY_REAL && v.t == TY_INT) v = v_real((double)v.u.i);
        ev->params[i] = v;
    }
    for (size_t i = 0; i < st->nlets; i++)
        if (st->lets[i].is_const) eval_let(ev, (int)i);
    ev->gen = 1;
    if (!shared) eval_compile(ev);
    return ev;
}

value eval_row_value(evaluator *ev, const expr *e, size_t row)
{
    ev->var_row[0] = row;
    return eval_expr(ev, e);
}

evaluator *eval_new(study *st, cohort_data *d, diag *dg)
{
    return eval_make(st, d, dg, NULL, NULL, NULL);
}

evaluator *eval_clone(evaluator *ev)
{
    return eval_make(ev->st, ev->d, ev->dg, ev->quants, ev->qlock, ev->seen);
}

void eval_add_counts(evaluator *ev, const evaluator *clone)
{
    for (size_t i = 0; i < ev->st->neps; i++) {
        ev->counts[i].before_origin += clone->counts[i].before_origin;
        ev->counts[i].after_censor += clone->counts[i].after_censor;
        ev->counts[i].entry_after_end += clone->counts[i].entry_after_end;
        ev->counts[i].rows_dropped += clone->counts[i].rows_dropped;
        ev->counts[i].no_end += clone->counts[i].no_end;
    }
    ev->out_of_range += clone->out_of_range;
    if (clone->range_at && (!ev->range_at || loc_before(clone->range_at, ev->range_at)))
        ev->range_at = clone->range_at;
}

size_t eval_range_problems(const evaluator *ev, loc *where)
{
    if (ev->range_at) *where = ev->range_at->loc;
    return ev->out_of_range;
}

/* When e is a quantifier: build its row groups, and list its prefilter in
 * todo when it is still to compute. */
static void prepare_quant(evaluator *ev, const expr *e, const expr **todo, size_t *ntodo)
{
    if (e->kind == E_QUANT && e->qslot >= 0) {
        quant_state *qs = &ev->quants[e->qslot];
        quant_groups(ev, e);
        fast_conjunct(ev, qs, e);   /* before the clones share qs */
        if (e->prefiltered && !atomic_load_explicit(&qs->pass, memory_order_relaxed)) {
            size_t k = 0;
            while (k < *ntodo && todo[k]->qslot != e->qslot) k++;
            if (k == *ntodo) todo[(*ntodo)++] = e;
        }
    }
}

/* Prepare the quantifiers in e and below. */
static void prepare_expr(evaluator *ev, const expr *e, const expr **todo, size_t *ntodo)
{
    if (!e) return;
    prepare_quant(ev, e, todo, ntodo);
    prepare_expr(ev, e->a, todo, ntodo);
    prepare_expr(ev, e->b, todo, ntodo);
    prepare_expr(ev, e->c, todo, ntodo);
    prepare_expr(ev, e->d, todo, ntodo);
    for (size_t i = 0; i < e->nitems; i++) prepare_expr(ev, e->items[i], todo, ntodo);
}

size_t eval_prepare(evaluator *ev, const expr ***todo)
{
    const program *p = ev->st->prog;
    const expr **list = calloc(ev->st->nquants + 1, sizeof *list);
    size_t n = 0;
    *todo = list;
    if (!list) return 0;
    for (size_t i = 0; i < p->nstmts; i++) {
        const stmt *s = p->stmts[i];
        prepare_expr(ev, s->value, list, &n);
        prepare_expr(ev, s->origin, list, &n);
        prepare_expr(ev, s->event, list, &n);
        prepare_expr(ev, s->censor, list, &n);
        for (size_t k = 0; k < s->ncompeting; k++) prepare_expr(ev, s->competing[k], list, &n);
        for (size_t k = 0; k < s->nargs; k++) prepare_expr(ev, s->args[k].value, list, &n);
    }
    return n;
}

/* What eval_prepare_for has walked: each let and endpoint once. */
typedef struct reach {
    uint8_t *let, *ep;
    const expr **todo;
    size_t n;
} reach;

static void reach_ep(evaluator *ev, reach *r, int i);

/* prepare_expr over e and everything evaluating it can evaluate: the lets
 * (also a map's, read by a call m(k)) and endpoints it names, recursively
 * (without todo: only which, in let and ep). */
static void reach_expr(evaluator *ev, reach *r, const expr *e)
{
    if (!e) return;
    if (r->todo) prepare_quant(ev, e, r->todo, &r->n);
    if ((e->kind == E_NAME || e->kind == E_FIELD || e->kind == E_CALL) && e->rkind == R_LET &&
        e->slot >= 0 && (size_t)e->slot < ev->st->nlets && !r->let[e->slot]) {
        r->let[e->slot] = 1;
        reach_expr(ev, r, ev->st->lets[e->slot].s->value);
    }
    if ((e->kind == E_NAME || e->kind == E_FIELD) && (e->rkind == R_ENDPOINT || e->rkind == R_EPMEMBER))
        reach_ep(ev, r, e->slot);
    reach_expr(ev, r, e->a);
    reach_expr(ev, r, e->b);
    reach_expr(ev, r, e->c);
    reach_expr(ev, r, e->d);
    for (size_t i = 0; i < e->nitems; i++) reach_expr(ev, r, e->items[i]);
}

static void reach_ep(evaluator *ev, reach *r, int i)
{
    if (i < 0 || (size_t)i >= ev->st->neps || r->ep[i]) return;
    r->ep[i] = 1;
    const stmt *s = ev->st->eps[i].s;
    const expr *parts[] = {s->origin, s->event, s->censor, s->ep_time, s->ep_status, s->ep_entry};
    for (size_t k = 0; k < sizeof parts / sizeof *parts; k++) reach_expr(ev, r, parts[k]);
    for (size_t k = 0; k < s->ncompeting; k++) reach_expr(ev, r, s->competing[k]);
}

size_t eval_prepare_for(evaluator *ev, const expr *const *roots, size_t nroots, const uint8_t *eps,
                        const expr ***todo)
{
    reach r = {calloc(ev->st->nlets + 1, 1), calloc(ev->st->neps + 1, 1),
               calloc(ev->st->nquants + 1, sizeof *r.todo), 0};
    *todo = r.todo;
    if (!r.let || !r.ep || !r.todo) {
        free(r.let);
        free(r.ep);
        /* out of memory: everything, as eval_prepare */
        free(r.todo);
        return eval_prepare(ev, todo);
    }
    for (size_t i = 0; i < nroots; i++) reach_expr(ev, &r, roots[i]);
    for (size_t i = 0; eps && i < ev->st->neps; i++)
        if (eps[i]) reach_ep(ev, &r, (int)i);
    free(r.let);
    free(r.ep);
    return r.n;
}

int eval_reaches_let(evaluator *ev, const expr *const *roots, size_t nroots, const int *eps, size_t neps,
                     const expr *e)
{
    if (e->kind != E_NAME || e->rkind != R_LET || ev->st->lets[e->slot].is_const) return 0;   /* (not a let's memo) */
    reach r = {calloc(ev->st->nlets + 1, 1), calloc(ev->st->neps + 1, 1), NULL, 0};
    int yes = 1;   /* (out of memory: it may) */
    if (r.let && r.ep) {
        for (size_t i = 0; i < nroots; i++) reach_expr(ev, &r, roots[i]);
        for (size_t i = 0; i < neps; i++) reach_ep(ev, &r, eps[i]);
        yes = r.let[e->slot];
    }
    free(r.let);
    free(r.ep);
    return yes;
}

/* (Called before the threads evaluate units: the pass is published at
 * once, and filled by eval_prefilter_rows on every thread.) */
size_t eval_prefilter_alloc(evaluator *ev, const expr *e)
{
    quant_state *qs = &ev->quants[e->qslot];
    size_t n = ev->d->tables[e->table].nrows;
    uint8_t *pass = atomic_load_explicit(&qs->pass, memory_order_relaxed);
    if (!pass && (pass = malloc(n + PASS_PAD)) != NULL) {
        memset(pass + n, 0, PASS_PAD);
        fast_conjunct(ev, qs, e);   /* (eval_quant_rows reads it once pass is published) */
        atomic_store_explicit(&qs->pass, pass, memory_order_release);
    }
    return pass ? n : 0;
}

void eval_prefilter_rows(evaluator *ev, const expr *e, size_t lo, size_t hi)
{
    uint8_t *pass = atomic_load_explicit(&ev->quants[e->qslot].pass, memory_order_acquire);
    colmem_populate(pass + lo, hi - lo);   /* (fresh memory: a system call, not a fault a page) */
    prefilter_rows(ev, e, pass, lo, hi);
}

/* The span array of a quantifier with groups: its number of groups, 0
 * without groups or memory, or when its fast conjunct is a sorted window
 * (quant_state.sorted, its fast_conjunct worked out): that one's scan
 * stops at the window's end, and its span is worked out for each unit
 * (group_span) from the group's pass bytes, which it reads anyway, rather
 * than written for every group in a pass of its own (8 bytes a group, in
 * fresh pages) and read back. */
static size_t spans_alloc(quant_state *qs)
{
    const group_index *g = atomic_load_explicit(&qs->groups, memory_order_acquire);
    if (!g || qs->sorted) return 0;
    if (!qs->span) qs->span = malloc((2 * g->ngroups + 1) * sizeof *qs->span);
    return qs->span ? g->ngroups : 0;
}

size_t eval_prefilter_groups(evaluator *ev, const expr *e)
{
    quant_state *qs = &ev->quants[e->qslot];
    return atomic_load_explicit(&qs->pass, memory_order_acquire) ? spans_alloc(qs) : 0;
}

void eval_prefilter_spans(evaluator *ev, const expr *e, size_t lo, size_t hi)
{
    colmem_populate(ev->quants[e->qslot].span + 2 * lo, 2 * (hi - lo) * sizeof *ev->quants[e->qslot].span);
    prefilter_spans(ev, e, atomic_load_explicit(&ev->quants[e->qslot].pass, memory_order_acquire), lo, hi);
}

void eval_free(evaluator *ev)
{
    if (!ev) return;
    eval_uncompile(ev);
    for (block *b = ev->mem, *n; b; b = n) {
        n = b->next;
        free(b);
    }
    if (!ev->shares_quants) {
        for (size_t i = 0; ev->quants && i < ev->st->nquants; i++) {
            free(atomic_load_explicit(&ev->quants[i].pass, memory_order_relaxed));
            free(ev->quants[i].span);
        }
        free(ev->quants);
        if (ev->qlock) pthread_mutex_destroy(ev->qlock);
        free(ev->qlock);
        free(ev->seen);
    }
    free(ev->anc);
    free(ev->lets);
    free(ev->eps);
    free(ev->counts);
    free(ev->params);
    free(ev);
}

/* The current unit's rows in its table and its ancestors' (eval_unit's, without a new generation) */
static inline void unit_rows(evaluator *ev, size_t row)
{
    int t = ev->st->unit;
    int64_t r = (int64_t)row;
    while (t >= 0) {
        ev->anc[t] = r;
        const table *tb = &ev->d->tables[t];
        if (tb->parent < 0) break;
        r = tb->parent_row[r];
        t = tb->parent;
    }
}

void eval_unit(evaluator *ev, size_t row)
{
    if (++ev->gen == CONST_GEN) {
        /* wrapped: forget every per-unit memo */
        for (size_t i = 0; i < ev->st->nlets; i++)
            if (ev->lets[i].gen != CONST_GEN) ev->lets[i].gen = 0;
        for (size_t i = 0; i < ev->st->neps; i++) ev->eps[i].gen = 0;
        ev->gen = 1;
    }
    unit_rows(ev, row);
}

int64_t eval_row_of(const evaluator *ev, int t)
{
    return ev->anc[t];
}

/* ---- a block of units at a time -------------------------------------------
 * A let that is an `any` over a prefiltered table with a fast conjunct (an
 * exposure window or an interval relation, fast_conjunct) is computed for a
 * block of units before the block's other values (study.c fill_part): the
 * quantifier's state is read once a block, not through the let's node, the
 * quantifier's node and eval_quant_rows for each unit; a sorted window whose
 * fixed operands are literals and columns of the unit (or its ancestors) is
 * read straight into any_sorted_window.  The result is eval_quant_rows': the
 * same functions decide it (any_sorted_window, any_fixed_rest).  Only when
 * what it reads has no effect but counting an out-of-range result (no extern,
 * no let but constants, no endpoint, no nested quantifier): computing it
 * apart from the unit's other values then changes only the order of those
 * counts, which are sums (and the earliest place).  The caller gives each
 * unit its value (eval_block_keep) so that it is not computed (nor counted)
 * twice. */

/* Does e read only columns, parameters, constant lets and literals,
 * through operations and builtins? */
static int block_pure(const evaluator *ev, const expr *e)
{
    if (!e) return 1;
    switch (e->kind) {
    case E_QUANT: case E_CASE: case E_MAP: case E_FORMULA: case E_INTERACT: return 0;
    case E_NAME: case E_FIELD:
        if (e->rkind == R_LET) return ev->st->lets[e->slot].is_const;
        return e->rkind == R_COLUMN || e->rkind == R_VARCOL || e->rkind == R_VARANC || e->rkind == R_PARAM;
    case E_CALL:
        if (e->rkind == R_EXTERN || e->fn < 0 || (e->rkind == R_LET && !ev->st->lets[e->slot].is_const)) return 0;
        break;
    default:
        break;
    }
    if (!block_pure(ev, e->a) || !block_pure(ev, e->b) || !block_pure(ev, e->c) || !block_pure(ev, e->d)) return 0;
    for (size_t i = 0; i < e->nitems; i++)
        if (!block_pure(ev, e->items[i])) return 0;
    return 1;
}

/* The quantifier of let reference e when eval_block can compute it, or NULL */
static const expr *block_quant(evaluator *ev, const expr *e)
{
    if (e->kind != E_NAME || e->rkind != R_LET || e->type.kind == TY_REAL || ev->st->lets[e->slot].is_const)
        return NULL;
    const expr *q = ev->st->lets[e->slot].s->value;
    if (q->kind != E_QUANT || q->op != Q_ANY || !q->prefiltered || q->a || q->anchor_slot >= 0 ||
        !block_pure(ev, q->b))
        return NULL;
    /* only once its groups and prefilter are built (before the threads
     * start, or by the first unit that reached it: building them may count
     * out-of-range results, as often as before); the prefilter's spans and
     * its fast conjunct come with it */
    const quant_state *qs = &ev->quants[q->qslot];
    return atomic_load_explicit(&qs->groups, memory_order_acquire) &&
                   atomic_load_explicit(&qs->pass, memory_order_acquire) && qs->fixed ? q : NULL;
}

int eval_block_ok(evaluator *ev, const expr *e)
{
    return block_quant(ev, e) || block_pure(ev, e);
}

/* A date of an endpoint that eval_block can compute: block_pure, or a
 * quantifier at the unit's level whose parts are */
static int block_ep_part(const evaluator *ev, const expr *e)
{
    if (e && e->kind == E_QUANT) return e->anchor_slot < 0 && block_pure(ev, e->a) && block_pure(ev, e->b);
    return block_pure(ev, e);
}

int eval_block_ep_ok(evaluator *ev, int i)
{
    const endpointinfo *ep = &ev->st->eps[i];
    const stmt *s = ep->s;
    if (ep->from_columns || !block_ep_part(ev, s->origin) || !block_ep_part(ev, s->event) ||
        !block_ep_part(ev, s->censor) || !block_ep_part(ev, s->ep_entry))
        return 0;
    for (size_t k = 0; k < s->ncompeting; k++)
        if (!block_ep_part(ev, s->competing[k])) return 0;
    return 1;
}

/* A node that reads no memo and counts nothing: a constant, or a column of
 * the unit's row or of its ancestors' */
static int block_leaf(const evcode *k)
{
    return k && (k->leaf == L_CONST || k->leaf == L_COL_UNIT || k->leaf == L_DATE_UNIT);
}

/* What eval_block reads of one let, once a block */
typedef struct block_let {
    const expr *q, *w;            /* the quantifier, its fast conjunct */
    const quant_state *qs;
    const group_index *g;
    const uint8_t *pass;
    const uint32_t *span;         /* group a: [span[2a], span[2a + 1]), or NULL (group_span) */
    const evcode *k[3];           /* a sorted window's fixed operands, read here (direct), or NULL */
    int direct;
    const evcode *ik[2];          /* a relation's right side [s, e]: its items (block_item), or NULL */
    const bvec *wv;               /* a pure expression's values (its typed vector), or NULL */
    const bvec *kv[3];            /* k's typed vectors where they are columns, or NULL */
    const column *kc[3];          /* or a column of the unit's own row, read a unit at a time (vec_col) */
    const bvec *iv[2];            /* ik's typed vectors (uncounted), or NULL */
} block_let;

/* A literal, a column of the unit's (block_leaf) or arithmetic on two of
 * them: block_item reads it as its node would (op_binary), inline. */
static int block_item_ok(const evcode *k)
{
    return block_leaf(k) || (k && k->fn == c_binary && k->e->op < OP_EQ && block_leaf(k->k[0]) && block_leaf(k->k[1]));
}

static inline __attribute__((always_inline)) value block_item(evaluator *ev, const evcode *k)
{
    return k->leaf != L_CALL ? run(ev, k) : arith(ev, k->e, run(ev, k->k[0]), run(ev, k->k[1]));
}

/* ---- typed vectors -------------------------------------------------------
 * A node whose values are numbers held as doubles (dates, reals, durations)
 * and that is a literal, a column of the unit's row or of its ancestors', or
 * arithmetic (not on integers) on two such nodes is computed for a block's
 * units at once into a bvec (vec_get): the columns' rows a level at a time
 * (block_anc), each arithmetic result by arith, the function op_binary's
 * node calls for a unit, so that a missing operand gives a missing result
 * and an out-of-range result is made missing and counted as it is unit by
 * unit (both operands computed first, as op_binary does).  eval_block reads
 * the block's lets' fixed operands and its endpoints' dates from them. */
static void block_anc(const evaluator *ev, int t, const size_t *rows, size_t n, int64_t *anc);

static int num_type(int t)
{
    return t == TY_DATE || t == TY_REAL || t == TY_DURATION;
}

static int vec_ok(const evaluator *ev, const evcode *k, int depth)
{
    if (!k || depth > 8) return 0;
    if (k->leaf == L_CONST) return num_type(k->v.t);
    if (k->leaf == L_COL_UNIT || k->leaf == L_DATE_UNIT) {
        int ct = code_col(ev, k)->type;
        return ct == CT_DATE || ct == CT_REAL;
    }
    return k->leaf == L_CALL && k->fn == c_binary && k->e->op < OP_EQ && num_type(k->e->type.kind) &&
           vec_ok(ev, k->k[0], depth + 1) && vec_ok(ev, k->k[1], depth + 1);
}

/* The typed vectors of one eval_block call: a column's is computed once
 * and shared by the nodes that read it */
typedef struct bvec_pool {
    bvec *v;
    size_t used, max;
    const size_t *rows;
    size_t n;
} bvec_pool;

/* l holding the literal x (known, in range) for n units */
static const bvec *vec_literal(bvec *l, double x, size_t n)
{
    for (size_t i = 0; i < n; i++) l->x[i] = x;
    memset(l->miss, 0, n);
    memset(l->oor, 0, n);
    return l;
}

/* the vectors k needs at most (k passes vec_ok) */
static size_t vec_need(const evcode *k)
{
    return k->leaf == L_CALL ? 1 + vec_need(k->k[0]) + vec_need(k->k[1]) : 1;
}

/* The pool's vector of column col, or NULL */
static bvec *vec_find(const bvec_pool *p, const column *col)
{
    for (size_t j = 0; col && j < p->used; j++)
        if (p->v[j].col == col) return &p->v[j];
    return NULL;
}

/* k's values for the pool's units, in a vector of the pool (k passes
 * vec_ok; the pool holds vec_need(k) more) */
static const bvec *vec_get(evaluator *ev, bvec_pool *p, const evcode *k)
{
    const size_t *rows = p->rows;
    size_t n = p->n;
    const column *col = k->leaf == L_COL_UNIT || k->leaf == L_DATE_UNIT ? code_col(ev, k) : NULL;
    bvec *v = vec_find(p, col);
    if (v) return v;
    v = &p->v[p->used++];
    v->col = col;
    if (k->leaf == L_CONST) {
        v->t = k->v.t;
        for (size_t i = 0; i < n; i++) v->x[i] = k->v.u.r;
        memset(v->miss, 0, n);
        memset(v->oor, 0, n);
        return v;
    }
    if (col) {   /* (run's column_value, date_or_any: the same values) */
        int64_t anc[EVAL_BLOCK];
        int unit = k->t == ev->st->unit;   /* (then the rows are rows[i]) */
        if (!unit) block_anc(ev, k->t, rows, n, anc);
#define ROW(i) (unit ? (int64_t)rows[i] : anc[i])
        v->t = col->type == CT_DATE ? TY_DATE : TY_REAL;
        memset(v->oor, 0, n);
        /* (a missing row's slot holds a value too: read, not used) */
        if (col->type == CT_DATE)
            for (size_t i = 0; i < n; i++) {
                int64_t r = ROW(i);
                v->miss[i] = (uint8_t)column_missing(col, r);
                v->x[i] = (double)col->d[r < 0 ? 0 : r];
            }
        else
            for (size_t i = 0; i < n; i++) {
                int64_t r = ROW(i);
                v->miss[i] = (uint8_t)column_missing(col, r);
                v->x[i] = col->r[r < 0 ? 0 : r];
            }
#undef ROW
        return v;
    }
    /* arithmetic: its operands first (both, as op_binary), then arith */
    const evcode *ka = k->k[0], *kb = k->k[1];
    bvec lit[2];   /* a literal operand as a vector: the loop tests nothing an element */
    const bvec *a = ka->leaf == L_CONST ? vec_literal(&lit[0], ka->v.u.r, n) : vec_get(ev, p, ka);
    const bvec *b = kb->leaf == L_CONST ? vec_literal(&lit[1], kb->v.u.r, n) : vec_get(ev, p, kb);
    int op = k->e->op, t = v->t = k->e->type.kind;   /* (not TY_INT: vec_ok) */
    for (size_t i = 0; i < n; i++) {
        int m = a->miss[i] | b->miss[i];
        int st = m ? 1 : arith_num(op, t, a->x[i], b->x[i], &v->x[i]);
        v->miss[i] = (uint8_t)(st != 0);
        v->oor[i] = (uint8_t)(a->oor[i] | b->oor[i] | (st == 2));
        if (st == 2) out_of_range(ev, k->e);   /* (arith's) */
    }
    return v;
}

/* Column col's value (CT_DATE or CT_REAL) at the unit's row, as vec_get's
 * vector and bvec_value give it */
static inline value vec_col(const column *col, size_t row)
{
    value r = {col->type == CT_DATE ? TY_DATE : TY_REAL, {.r = col->type == CT_DATE ? (double)col->d[row] : col->r[row]}};
    return column_missing(col, (int64_t)row) ? V_MISSING : r;
}

/* k's values for the pool's block, or NULL (k does not pass vec_ok, or the
 * pool is used up).  counted: its out-of-range results are counted, as unit
 * by unit; or not (oor tells which units gave one: their node must then be
 * evaluated again, counted) */
static const bvec *vec_take(evaluator *ev, bvec_pool *p, const evcode *k, int counted)
{
    if (!vec_ok(ev, k, 0) || p->max - p->used < vec_need(k)) return NULL;
    size_t before = ev->out_of_range;
    const expr *at = ev->range_at;
    const bvec *v = vec_get(ev, p, k);
    if (!counted) {
        ev->out_of_range = before;
        ev->range_at = at;
    }
    return v;
}

static void block_let_init(evaluator *ev, const expr *e, block_let *b, bvec_pool *p)
{
    b->wv = b->kv[0] = b->kv[1] = b->kv[2] = b->iv[0] = b->iv[1] = NULL;
    b->kc[0] = b->kc[1] = b->kc[2] = NULL;
    const expr *q = block_quant(ev, e);
    b->q = q;
    b->w = e;   /* (a pure expression: itself) */
    if (!q) {
        b->wv = vec_take(ev, p, e->code, 1);
        return;
    }
    const quant_state *qs = &ev->quants[q->qslot];
    const expr *w = qs->fixed;
    b->q = q;
    b->w = w;
    b->qs = qs;
    b->g = quant_groups(ev, q);
    b->pass = prefilter(ev, q);
    b->span = qs->span;   /* (NULL: group_span for each unit) */
    b->k[0] = b->k[1] = b->k[2] = NULL;
    if (qs->sorted) {   /* (a window: sorted_window_col) */
        b->k[0] = w->b->code;
        b->k[1] = w->c->code;
        b->k[2] = w->kind == E_WITHIN2 ? w->d->code : NULL;
    }
    /* its fixed operands literals or the unit's columns: they count nothing,
     * so any_sorted's check (evaluated uncounted) is only that none is missing */
    b->direct = qs->sorted && block_leaf(b->k[0]) && block_leaf(b->k[1]) && (w->kind == E_WITHIN || block_leaf(b->k[2]));
    const evcode *kl = (w->kind == E_OVERLAPS || w->kind == E_RELATION) && w->b->kind == E_LIST && w->b->nitems == 2
                           ? w->b->code : NULL;
    int items = kl && kl->items && block_item_ok(kl->items[0]) && block_item_ok(kl->items[1]);
    b->ik[0] = items ? kl->items[0] : NULL;
    b->ik[1] = items ? kl->items[1] : NULL;
    /* a column of the unit's own row not in a vector yet is read a unit
     * at a time: only units whose group has a row that passes read it */
    for (int j = 0; b->direct && j < 3; j++) {
        const evcode *kj = b->k[j];
        if (!kj || kj->leaf == L_CONST) continue;
        const column *col = kj->t == ev->st->unit && vec_ok(ev, kj, 0) ? code_col(ev, kj) : NULL;
        if (col && !vec_find(p, col))
            b->kc[j] = col;
        else
            b->kv[j] = vec_take(ev, p, kj, 1);
    }
    if (items && vec_ok(ev, b->ik[0], 0) && vec_ok(ev, b->ik[1], 0) &&
        p->max - p->used >= vec_need(b->ik[0]) + vec_need(b->ik[1])) {
        b->iv[0] = vec_take(ev, p, b->ik[0], 0);
        b->iv[1] = vec_take(ev, p, b->ik[1], 0);
    }
}

/* let b's value (a quantifier's) for the block's unit i, whose row in the
 * groups' table is a, when it needs no more than the group's span and a
 * sorted window (b->direct) whose fixed operands are known: *r, returning
 * 1; else 0, with the span in sp (any_fixed_rest's loop, in
 * block_let_value).  have: sp holds group a's span already (the unit
 * before had the same group). */
static inline __attribute__((always_inline)) int block_let_fast(evaluator *ev, const block_let *b, size_t i, size_t row,
                                                                int64_t a, value *r, uint32_t *sp, int have)
{
    if (a < 0) {
        *r = V_MISSING;
        return 1;
    }
    if (!have && b->span) {
        const uint32_t *span = b->span + 2 * (size_t)a;
        __builtin_prefetch(span + 64);   /* (as eval_quant_rows: the groups of the units to come) */
        sp[0] = span[0];
        sp[1] = span[1];
    } else if (!have) {
        group_span(b->g, b->pass, (size_t)a, sp);
    }
    size_t first = sp[0], cnt = sp[1] - first;
    if (!cnt) {
        *r = v_bool(0);   /* no row passes */
        return 1;
    }
    if (!b->direct) return 0;
    const evcode *const *k = b->k;
    /* (a literal's value is its node's: c_const) */
    const bvec *const *kv = b->kv;
    const column *const *kc = b->kc;
    value f[3] = {kv[0] ? bvec_value(kv[0], i) : kc[0] ? vec_col(kc[0], row) : k[0]->leaf == L_CONST ? k[0]->v : run(ev, k[0]),
                  kv[1] ? bvec_value(kv[1], i) : kc[1] ? vec_col(kc[1], row) : k[1]->leaf == L_CONST ? k[1]->v : run(ev, k[1]),
                  kv[2] ? bvec_value(kv[2], i) : kc[2] ? vec_col(kc[2], row) : k[2] ? run(ev, k[2]) : V_MISSING};
    if (!window_known(b->w, f)) return 0;
    *r = from_tv(any_sorted_window(b->w, f, b->qs->sorted, b->g, first, cnt, b->pass));
    return 1;
}

/* let b's value for the current unit (unit_rows), the block's unit i, as
 * eval_quant_rows gives it; a pure expression's, as eval_expr */
static inline __attribute__((always_inline)) value block_let_value(evaluator *ev, const block_let *b, size_t i)
{
    if (!b->q) return b->wv ? bvec_value(b->wv, i) : expr_value(ev, b->w);
    int64_t a = ev->anc[b->q->col];
    value r;
    uint32_t span[2];
    if (block_let_fast(ev, b, i, (size_t)ev->anc[ev->st->unit], a, &r, span, 0)) return r;
    size_t first = span[0], cnt = span[1] - first;
    const expr *w = b->w;
    /* a relation's right side ahead, uncounted, as any_sorted's window: when
     * it gives no out-of-range result, any_fixed_rest takes it as it is */
    ivl right, *pre = NULL;
    if (b->iv[0]) {
        if (!b->iv[0]->oor[i] && !b->iv[1]->oor[i]) {
            right = ivl_of(bvec_value(b->iv[0], i), bvec_value(b->iv[1], i), w->b->op);
            pre = &right;
        }
    } else if (b->ik[0]) {
        size_t before = ev->out_of_range;
        const expr *at = ev->range_at;
        value s = block_item(ev, b->ik[0]), t = block_item(ev, b->ik[1]);
        if (ev->out_of_range == before) {
            right = ivl_of(s, t, w->b->op);
            pre = &right;
        }
        ev->out_of_range = before;
        ev->range_at = at;
    }
    size_t saved = ev->var_row[b->q->slot];
    value v = any_fixed_rest(ev, b->q, w, b->g, first, cnt, b->pass, pre);
    ev->var_row[b->q->slot] = saved;
    return v;
}

/* Can let b (block_let_init) be computed for a block's units in one loop of
 * its own (block_let_all)?  A sorted window whose fixed operands are
 * literals or the unit's columns (from vectors, or of its own row: vec_col), over groups of a table
 * that is the unit's or an ancestor's: nothing it reads but those, the
 * groups, the prefilter and its spans depends on the unit's state
 * (unit_rows). */
static int block_let_batch(const evaluator *ev, const block_let *b)
{
    if (!b->q || !b->direct) return 0;
    for (int j = 0; j < 3; j++)
        if (b->k[j] && b->k[j]->leaf != L_CONST && !b->kv[j] && !b->kc[j]) return 0;
    for (int t = ev->st->unit; t >= 0; t = ev->d->tables[t].parent)
        if (t == b->q->col) return 1;
    return 0;
}

/* block_let_value for unit rows[i] (its rows set), out of block_let_all's
 * loop: the rare unit whose window is not known */
static __attribute__((noinline)) value block_let_unit(evaluator *ev, const block_let *b, const size_t *rows, size_t i)
{
    unit_rows(ev, rows[i]);
    return block_let_value(ev, b, i);
}

/* out[i]: let b's value (block_let_batch) for the block's unit rows[i],
 * i < n, as block_let_value gives it: a group without a row that passes is
 * false, a window whose fixed operands are known any_sorted_window's
 * result; a unit with one missing goes through block_let_value (its rows
 * set: any_fixed_rest's loop evaluates through the nodes). */
static void block_let_all(evaluator *ev, const block_let *b, const size_t *rows, size_t n, value *out)
{
    int64_t a[EVAL_BLOCK];
    if (b->q->col == ev->st->unit)
        for (size_t i = 0; i < n; i++) a[i] = (int64_t)rows[i];
    else
        block_anc(ev, b->q->col, rows, n, a);
    uint32_t span[2] = {0, 0};
    const block_let l = *b;   /* (a copy the stores to out cannot alias: its fields read once) */
    for (size_t i = 0; i < n; i++)
        if (!block_let_fast(ev, &l, i, rows[i], a[i], &out[i], span, i && a[i] == a[i - 1]))
            out[i] = block_let_unit(ev, &l, rows, i);
}

/* A quantifier at the unit's level without a fast conjunct (rn's `first
 * events e where ...: e.date`) read a block at a time: its state once a
 * block (once built, as block_quant), then for each unit its group's span
 * and quant_loop, as eval_quant gives it */
typedef struct block_q {
    const expr *e;
    const group_index *g;
    const uint8_t *pass;
    const uint32_t *span;   /* group a: [span[stride a], span[stride a + 1]) */
    size_t stride;
} block_q;

static int block_q_init(evaluator *ev, const expr *e, block_q *b)
{
    if (e->kind != E_QUANT || e->anchor_slot >= 0) return 0;
    const quant_state *qs = &ev->quants[e->qslot];
    b->e = e;
    b->g = atomic_load_explicit(&qs->groups, memory_order_acquire);
    b->pass = e->prefiltered ? atomic_load_explicit(&qs->pass, memory_order_acquire) : NULL;
    if (!b->g || (e->prefiltered && !b->pass) || (b->pass && qs->fixed)) return 0;
    /* (eval_quant_rows' spans) */
    b->span = b->pass && qs->span ? qs->span : b->g->off;
    b->stride = b->pass && qs->span ? 2 : 1;
    return 1;
}

static inline value block_q_value(evaluator *ev, const block_q *b)
{
    const expr *e = b->e;
    int64_t a = ev->anc[e->col];
    if (a < 0) return V_MISSING;
    const uint32_t *span = b->span + b->stride * (size_t)a;
    __builtin_prefetch(span + 64);   /* (as eval_quant_rows) */
    if (span[0] == span[1]) return quant_none(e);   /* an empty group (span): no row to visit */
    size_t saved = ev->var_row[e->slot];
    value v = quant_loop(ev, e, b->g, b->pass, span[0], span[1] - span[0]);
    ev->var_row[e->slot] = saved;
    return v;
}

void eval_block(evaluator *ev, const expr *const *es, size_t nes, const int *eps, size_t neps, const size_t *rows,
                size_t n, value *const *out, ep_value *const *epout)
{
    enum { MAX_LETS = 16, MAX_EPS = 16, MAX_VECS = 24, MAX_DATES = 32 };
    block_let b[MAX_LETS];
    bvec vs[MAX_VECS];
    bvec_pool p = {vs, 0, MAX_VECS, rows, n};
    /* an endpoint given by dates without an entry is computed from its
     * dates' vectors (ep_block, after the units' loop; counted there: each
     * is computed once for each unit, as unit by unit); a date that is not
     * a number node (a quantifier) is evaluated in the units' loop into its
     * vector.  The other endpoints unit by unit in that loop. */
    const bvec *dv[MAX_DATES];   /* the dates of endpoint k (vec_ep[k]) from dv[dv_at[k]] */
    size_t dv_at[MAX_EPS], ndv = 0;
    const expr *ux[MAX_VECS];    /* the dates evaluated unit by unit, into uv */
    bvec *uv[MAX_VECS];
    block_q uq[MAX_VECS];        /* a quantifier among them (uq_ok) */
    uint8_t uq_ok[MAX_VECS];
    size_t nu = 0;
    uint8_t vec_ep[MAX_EPS];
    int rest[MAX_EPS];           /* the endpoints unit by unit (their places in eps; and those past MAX_EPS) */
    size_t nrest = 0;
    for (size_t k = 0; k < neps && k < MAX_EPS; k++) {
        const endpointinfo *ep = &ev->st->eps[eps[k]];
        const stmt *s = ep->s;
        size_t nd = 3 + s->ncompeting, nv = 0;
        vec_ep[k] = 0;
        if (ep_rows_table(ep) < 0 && !ep->from_columns && !s->ep_entry && ndv + nd <= MAX_DATES) {
            for (size_t d = 0; d < nd; d++) {
                const expr *x = ep_date(s, d);
                nv += x->code && vec_ok(ev, x->code, 0) ? vec_need(x->code) : 1;
            }
            vec_ep[k] = p.max - p.used >= nv;
        }
        if (!vec_ep[k]) {
            rest[nrest++] = (int)k;
            continue;
        }
        dv_at[k] = ndv;
        for (size_t d = 0; d < nd; d++) {
            const expr *x = ep_date(s, d);
            if (x->code && vec_ok(ev, x->code, 0)) {
                dv[ndv++] = vec_get(ev, &p, x->code);
                continue;
            }
            bvec *v = &p.v[p.used++];
            v->col = NULL;
            v->t = TY_DATE;   /* (ep_block reads a date's number, or that it is missing) */
            memset(v->oor, 0, n);
            ux[nu] = x;
            uq_ok[nu] = (uint8_t)block_q_init(ev, x, &uq[nu]);
            uv[nu++] = v;
            dv[ndv++] = v;
        }
    }
    size_t ep_used = p.used;
    for (size_t j = 0; j < nes || (j == 0 && neps); j += MAX_LETS) {
        size_t m = nes - j < MAX_LETS ? nes - j : MAX_LETS;
        p.used = ep_used;
        /* the lets block_let_all computes first, each in a loop of its own;
         * the others (lu[0..nl)) unit by unit */
        size_t lu[MAX_LETS], nl = 0;
        for (size_t l = 0; l < m; l++) {
            block_let_init(ev, es[j + l], &b[l], &p);
            if (block_let_batch(ev, &b[l]))
                block_let_all(ev, &b[l], rows, n, out[j + l]);
            else
                lu[nl++] = l;
        }
        if (!nl && (j || !neps)) continue;
        /* the bookkeeping a unit's memos need is eval_unit's; here the
         * units need only their rows (no memo is read: block_pure) */
        for (size_t i = 0; i < n; i++) {
            unit_rows(ev, rows[i]);
            for (size_t l = 0; l < nl; l++) out[j + lu[l]][i] = block_let_value(ev, &b[lu[l]], i);
            if (j) continue;
            /* (the endpoints with the first lets) */
            for (size_t q = 0; q < nu; q++) {
                value x = uq_ok[q] ? block_q_value(ev, &uq[q]) : expr_value(ev, ux[q]);
                uv[q]->miss[i] = (uint8_t)v_missing(x);
                uv[q]->x[i] = x.u.r;
            }
            for (size_t k = 0; k < nrest; k++) ep_compute(ev, eps[rest[k]], &epout[rest[k]][i]);
            for (size_t k = MAX_EPS; k < neps; k++) ep_compute(ev, eps[k], &epout[k][i]);
        }
        for (size_t k = 0; j == 0 && k < neps && k < MAX_EPS; k++)
            if (vec_ep[k]) ep_block(ev, eps[k], dv + dv_at[k], rows, n, epout[k]);
    }
}

int eval_is_member(const expr *e)
{
    return (e->kind == E_NAME || e->kind == E_FIELD) && e->rkind == R_EPMEMBER;
}

value eval_member(evaluator *ev, const expr *e)
{
    return epm_value(ev, e);
}

void eval_block_keep_ep(evaluator *ev, int i, const ep_value *v)
{
    ep_memo *m = &ev->eps[i];
    m->v = *v;
    m->gen = ev->gen;
}

void eval_block_keep(evaluator *ev, const expr *e, value v)
{
    memo *m = &ev->lets[e->slot];
    m->v = v;
    m->gen = ev->gen;
}

/* ---- the criteria a block of units at a time -----------------------------
 * study.c crit_part decides a criterion that is block_pure (nothing it reads
 * has an effect but counting out-of-range results) for the block's units
 * still undecided at once: `and`/`or` by sub-blocks (the right operand only
 * for the units the left one leaves undecided, as op_and/op_or), `not`, and
 * without a node per unit `in` a literal list, missing() and comparisons with
 * a literal of a column of the unit or an ancestor (through the helpers their
 * op_* call: in_list, comparison, column_missing); anything else through its
 * node for each unit (unit_rows, no new generation: no memo is read). */

/* a column of the unit's row or of its ancestors' (run's L_COL_UNIT, L_DATE_UNIT) */
static int block_col(const evcode *k)
{
    return k && (k->leaf == L_COL_UNIT || k->leaf == L_DATE_UNIT);
}

/* anc[i]: the row of table t (an ancestor of the unit's) for unit row
 * rows[i], i < n: unit_rows' walk, a level at a time */
static void block_anc(const evaluator *ev, int t, const size_t *rows, size_t n, int64_t *anc)
{
    int u = ev->st->unit;
    const int32_t *pr = ev->d->tables[u].parent_row;
    for (size_t i = 0; i < n; i++) anc[i] = pr[rows[i]];
    for (u = ev->d->tables[u].parent; u != t; u = ev->d->tables[u].parent) {
        pr = ev->d->tables[u].parent_row;
        for (size_t i = 0; i < n; i++) anc[i] = pr[anc[i]];
    }
}

int eval_block_tv_ok(evaluator *ev, const expr *e)
{
    return block_pure(ev, e);
}

static void block_tv(evaluator *ev, const expr *e, const size_t *rows, size_t n, uint8_t *out, int depth)
{
    const evcode *k = e->code;
    if (k && depth < 16 && e->kind == E_BINARY && (e->op == OP_AND || e->op == OP_OR)) {
        size_t sub[EVAL_BLOCK];
        uint16_t at[EVAL_BLOCK];
        uint8_t b[EVAL_BLOCK];
        size_t m = 0;
        int and = e->op == OP_AND;
        block_tv(ev, e->a, rows, n, out, depth + 1);
        for (size_t i = 0; i < n; i++)
            if (out[i] != (and ? F : T)) {
                at[m] = (uint16_t)i;
                sub[m++] = rows[i];
            }
        if (!m) return;
        block_tv(ev, e->b, sub, m, b, depth + 1);
        for (size_t l = 0; l < m; l++) out[at[l]] = (uint8_t)(and ? and3(out[at[l]], b[l]) : or3(out[at[l]], b[l]));
        return;
    }
    if (k && depth < 16 && e->kind == E_UNARY && e->op == OP_NOT) {
        block_tv(ev, e->a, rows, n, out, depth + 1);
        for (size_t i = 0; i < n; i++) out[i] = (uint8_t)not3(out[i]);
        return;
    }
    const evcode *x = k && (e->kind == E_IN || e->kind == E_BINARY) ? k->k[0] : NULL;
    if (k && e->kind == E_CALL && e->fn == BI_MISSING && k->items) x = k->items[0];
    if (block_col(x)) {
        const column *col = code_col(ev, x);
        int64_t anc[EVAL_BLOCK];
        int unit = x->t == ev->st->unit;   /* (then the rows are rows[i]) */
        if (!unit) block_anc(ev, x->t, rows, n, anc);
#define ROW(i) (unit ? (int64_t)rows[i] : anc[i])
        const evcode *kl = e->kind == E_IN && e->b->kind == E_LIST ? k->k[1] : NULL;
        int lits = kl && kl->items;
        for (size_t i = 0; lits && i < e->b->nitems; i++) lits = kl->items[i]->leaf == L_CONST;
        if (e->kind == E_CALL) {
            for (size_t i = 0; i < n; i++) out[i] = column_missing(col, ROW(i)) ? T : F;
            return;
        }
        if (lits && col->type == CT_TEXT) {
            /* by the string's id: in_list's result for each id met, in a
             * small table (ids that share a slot are looked up again) */
            enum { SLOTS = 64 };
            uint32_t id[SLOTS];
            uint8_t res[SLOTS];
            for (size_t s = 0; s < SLOTS; s++) id[s] = UINT32_MAX;
            for (size_t i = 0; i < n; i++) {
                int64_t r = ROW(i);
                if (column_missing(col, r)) {
                    out[i] = U;
                    continue;
                }
                uint32_t sid = col->sid[r], s = sid & (SLOTS - 1);
                if (id[s] != sid) {
                    id[s] = sid;
                    res[s] = (uint8_t)tv(in_list(ev, v_text(strpool_text(col->strs, sid)), e->b, kl));
                }
                out[i] = res[s];
            }
            return;
        }
        if (lits) {
            for (size_t i = 0; i < n; i++) {
                value a = column_value(col, ROW(i));
                out[i] = (uint8_t)(v_missing(a) ? U : tv(in_list(ev, a, e->b, kl)));
            }
            return;
        }
        if (e->kind == E_BINARY && e->op >= OP_EQ && e->op <= OP_GE && k->k[1]->leaf == L_CONST) {
            value lit = k->k[1]->v;
            for (size_t i = 0; i < n; i++)
                out[i] = (uint8_t)tv(comparison(e->op, column_value(col, ROW(i)), lit));
            return;
        }
#undef ROW
    }
    for (size_t i = 0; i < n; i++) {
        unit_rows(ev, rows[i]);
        out[i] = (uint8_t)tv(expr_value(ev, e));
    }
}

void eval_block_tv(evaluator *ev, const expr *e, const size_t *rows, size_t n, uint8_t *out)
{
    _Static_assert((int)F == (int)EVAL_FALSE && (int)T == (int)EVAL_TRUE && (int)U == (int)EVAL_UNKNOWN, "eval.h's truth values");
    block_tv(ev, e, rows, n, out, 0);
}
