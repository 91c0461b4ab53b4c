/* era.c: drug eras.  An `era` statement collapses the rows of a child
 * table (administrations, lines of therapy) into exposure eras, per row of
 * the source's parent and per value of its `by` column.  The rows whose
 * condition is true and whose start is known are taken in order of start;
 * a row joins the current era when its start is on or before the era's end
 * plus the gap (closed), and the era's end becomes the later of the two
 * ends.  A row with a missing end is ongoing: its era's end is missing and
 * every later row of the series joins it.  Starts and ends are whole days
 * (the day a date expression falls in).  The eras form a derived table
 * (start_date, end_date, n rows merged, the by column) hanging from the
 * source's parent, used like any table.  Documented in cohort-rules(5),
 * STATEMENTS, era. */
#include "era.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "eval.h"

/* the by column of an era: `by VAR.column`, or -1 */
static int by_column(const stmt *s, const table *src)
{
    const expr *b = s->by;
    if (!b || b->kind != E_FIELD || b->via || !b->a || b->a->kind != E_NAME || strcmp(b->a->name, s->var) != 0)
        return -1;
    return data_column_index(src, b->name);
}

int era_declare(study *st, cohort_data *d)
{
    for (size_t i = 0; i < st->neras; i++) {
        const stmt *s = st->eras[i];
        int src = data_table_index(d, s->text);
        if (src < 0 || s->slot != (int)d->ntables) return -1;
        const char *names[4] = {"start_date", "end_date", "n", NULL};
        int types[4] = {CT_DATE, CT_DATE, CT_INT, CT_NONE};
        size_t nc = 3;
        int bc = by_column(s, &d->tables[src]);
        if (bc >= 0) {
            names[nc] = d->tables[src].cols[bc].name;
            types[nc++] = d->tables[src].cols[bc].type;
        }
        if (data_add_table(d, s->name, d->tables[src].parent, names, types, nc, 0) != s->slot) return -1;
    }
    return 0;
}

typedef struct item {
    int32_t parent;        /* row of the source's parent */
    uint32_t row;          /* source row: ties keep file order */
    value by;
    double s, e;           /* whole days */
    int e_known;
} item;

static int cmp_value(value a, value b)
{
    if (v_missing(a) || v_missing(b)) return !v_missing(a) - !v_missing(b);   /* missing first */
    if (a.t == TY_TEXT) return a.u.s == b.u.s ? 0 : strcmp(a.u.s, b.u.s);
    double x = v_num(a), y = v_num(b);
    return (x > y) - (x < y);
}

static int item_cmp(const void *pa, const void *pb)
{
    const item *a = pa, *b = pb;
    if (a->parent != b->parent) return a->parent < b->parent ? -1 : 1;
    int c = cmp_value(a->by, b->by);
    if (c) return c;
    if (a->s != b->s) return a->s < b->s ? -1 : 1;
    if (a->e_known != b->e_known) return a->e_known ? -1 : 1;
    if (a->e_known && a->e != b->e) return a->e < b->e ? -1 : 1;
    return a->row < b->row ? -1 : a->row > b->row;
}

/* 0, or -1 when out of memory (a text value's id in the pool) */
static int put_value(column *c, size_t k, value v, strpool *pool)
{
    if (v_missing(v)) { col_set_missing(c, k); return 0; }
    switch (c->type) {
    case CT_INT: c->i[k] = v.u.i; break;
    case CT_REAL: c->r[k] = v_num(v); break;
    case CT_DATE: c->d[k] = (int32_t)floor(v.u.r); break;
    case CT_BOOL: c->b[k] = (uint8_t)(v.u.i != 0); break;
    case CT_TEXT: if (!(c->sid[k] = strpool_id(pool, v.u.s, strlen(v.u.s)))) return -1; break;
    }
    return 0;
}

/* Collapse the sorted items in place into eras (items[0..m)): s, e,
 * e_known and row (reused as the count of rows merged). */
static size_t collapse(item *it, size_t n, double gap)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        item *cur = m ? &it[m - 1] : NULL;
        if (cur && cur->parent == it[i].parent && cmp_value(cur->by, it[i].by) == 0 &&
            (!cur->e_known || it[i].s <= cur->e + gap)) {
            cur->row++;
            if (!it[i].e_known) cur->e_known = 0;
            else if (cur->e_known && it[i].e > cur->e) cur->e = it[i].e;
            continue;
        }
        it[m] = it[i];
        it[m++].row = 1;
    }
    return m;
}

int era_gap_bad(diag *dg, const stmt *s, double gap)
{
    if (!isnan(gap) && gap >= 0) return 0;
    diag_at(dg, DIAG_ERROR, s->gap->loc, "the gap of era %s is %s", s->name, isnan(gap) ? "missing" : "negative");
    return -1;
}

void era_report(diag *dg, const stmt *s, const char *source, size_t nostart, size_t reversed)
{
    if (nostart)
        diag_at(dg, DIAG_WARNING, s->start->loc, "era %s: %zu row%s of %s with a missing start left out",
                s->name, nostart, nostart == 1 ? "" : "s", source);
    if (reversed)
        diag_at(dg, DIAG_WARNING, s->end->loc, "era %s: %zu row%s of %s ending before %s start, taken "
                "to end on %s start day", s->name, reversed, reversed == 1 ? "" : "s", source,
                reversed == 1 ? "its" : "their", reversed == 1 ? "its" : "their");
}

static int build_one(evaluator *ev, const stmt *s, cohort_data *d, diag *dg)
{
    int src = data_table_index(d, s->text);
    const table *S = &d->tables[src];
    value g = eval_expr(ev, s->gap);
    if (era_gap_bad(dg, s, v_missing(g) ? NAN : g.u.r)) return -1;
    item *it = malloc((S->nrows ? S->nrows : 1) * sizeof *it);
    if (!it) return -1;
    size_t n = 0, nostart = 0, reversed = 0;
    for (size_t r = 0; r < S->nrows; r++) {
        if (s->value) {
            value w = eval_row_value(ev, s->value, r);
            if (v_missing(w) || !w.u.i) continue;
        }
        value a = eval_row_value(ev, s->start, r);
        if (v_missing(a)) { nostart++; continue; }
        value b = eval_row_value(ev, s->end, r);
        item x = {S->parent_row[r], (uint32_t)r, V_MISSING, floor(a.u.r), 0, !v_missing(b)};
        if (x.e_known) x.e = floor(b.u.r);
        if (x.e_known && x.e < x.s) { reversed++; x.e = x.s; }
        if (s->by) x.by = eval_row_value(ev, s->by, r);
        it[n++] = x;
    }
    qsort(it, n, sizeof *it, item_cmp);
    size_t m = collapse(it, n, g.u.r);
    if (data_set_rows(d, s->slot, m) < 0) { free(it); return -1; }
    table *T = &d->tables[s->slot];
    for (size_t k = 0; k < m; k++) {
        T->cols[0].d[k] = (int32_t)it[k].s;
        if (it[k].e_known) T->cols[1].d[k] = (int32_t)it[k].e;
        else col_set_missing(&T->cols[1], k);
        T->cols[2].i[k] = it[k].row;
        if (T->ncols > 3 && put_value(&T->cols[3], k, it[k].by, d->pool) != 0) { free(it); return -1; }
        T->parent_row[k] = it[k].parent;
    }
    free(it);
    era_report(dg, s, S->name, nostart, reversed);
    return 0;
}

int era_build(study *st, cohort_data *d, diag *dg)
{
    if (!st->neras) return 0;
    evaluator *ev = eval_new(st, d, dg);
    if (!ev) return -1;
    int rc = 0;
    for (size_t i = 0; i < st->neras && rc == 0; i++) rc = build_one(ev, st->eras[i], d, dg);
    eval_free(ev);
    return rc;
}
