/* indb.c: the per-unit phase of `run --in-database` (indb.h): the query of
 * sqlgen_run run by PostgreSQL, its rows read into the attrition counts and
 * a columnar analysis dataset (each cell at its type's width, handed out
 * as eval.c makes the value, endpoints as eval_endpoint gives them, the
 * data problems as it counts them), and the
 * eras' data problems, reported as era.c reports them. */
#include "indb.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "era.h"
#include "source_pg.h"
#include "sqlgen.h"
#include "study.h"

/* The dataset is kept by column, each cell in as few bytes as its type
 * needs (a true/false 1, another value 8: its payload, as a value holds
 * it), with a bit per cell for a missing value; each endpoint by field
 * (the delayed entry only once a unit has one).  run --in-database holds
 * only this, so its size is cohort's (issue 14). */
typedef struct indb_col {
    int kind;                  /* the value's type */
    unsigned char *cells;      /* cap x width */
    unsigned char *missing;    /* a bit per cell */
} indb_col;

typedef struct indb_ep {
    double *time, *end_date, *entry;   /* entry: NULL while every unit's is none (NAN) */
    int *status;
    unsigned char *known;      /* a bit per unit */
} indb_ep;

struct indb_set {
    const study *st;
    strpool *pool;
    size_t ncols, neps, nlev;
    int *ep_at;                /* per endpoint of st: its place among those fetched, or -1 */
    int has_root;
    size_t total, n, cap;      /* all units; unit rows read, and room */
    size_t *excluded, *unknown;   /* per criterion */
    size_t *behind;            /* nlev x (ncriteria + 1): rows whose best unit passed exactly j */
    indb_col *cols;            /* ncols */
    indb_ep *eps;              /* neps */
    const char **roots;        /* n */
    ep_counts *counts;         /* neps */
    int bad;                   /* a row that does not read */
};

static size_t width(int kind) { return kind == TY_BOOL ? 1 : sizeof(int64_t); }

static int bit(const unsigned char *b, size_t r) { return b[r / 8] >> (r % 8) & 1; }

static void set_bit(unsigned char *b, size_t r, int on)
{
    if (on) b[r / 8] |= (unsigned char)(1u << (r % 8));
    else b[r / 8] &= (unsigned char)~(1u << (r % 8));
}

/* *p resized to cap x size bytes; 0, or -1 (then *p is unchanged) */
static int resize(void *p, size_t cap, size_t size)
{
    void *x = realloc(*(void **)p, cap * size + 1);
    if (!x) return -1;
    *(void **)p = x;
    return 0;
}

static int grow(indb_set *s)
{
    size_t cap = s->cap ? 2 * s->cap : 1024, bits = cap / 8 + 1;
    int bad = resize(&s->roots, cap, sizeof *s->roots);
    for (size_t k = 0; k < s->ncols; k++)
        bad |= resize(&s->cols[k].cells, cap, width(s->cols[k].kind)) | resize(&s->cols[k].missing, bits, 1);
    for (size_t e = 0; e < s->neps; e++) {
        indb_ep *p = &s->eps[e];
        bad |= resize(&p->time, cap, sizeof *p->time) | resize(&p->end_date, cap, sizeof *p->end_date) |
               resize(&p->status, cap, sizeof *p->status) | resize(&p->known, bits, 1);
        if (p->entry) bad |= resize(&p->entry, cap, sizeof *p->entry);
    }
    if (bad) return -1;
    s->cap = cap;
    return 0;
}

/* Cell r of column c: the value v (the cell's kind or missing) */
static void cell_put(indb_col *c, size_t r, value v)
{
    set_bit(c->missing, r, v_missing(v));
    if (c->kind == TY_BOOL) c->cells[r] = (unsigned char)(!v_missing(v) && v.u.i);
    else memcpy(c->cells + r * sizeof(int64_t), &v.u, sizeof(int64_t));
}

static value cell_value(indb_set *s, int kind, const char *c)
{
    if (!c) return V_MISSING;
    switch (kind) {
    case TY_INT: return v_int(strtoll(c, NULL, 10));
    case TY_BOOL: return v_bool(c[0] == 't');
    case TY_DATE: return v_date(strtod(c, NULL));
    case TY_DURATION: return v_dur(strtod(c, NULL));
    case TY_TEXT: {
        const char *t = strpool_intern(s->pool, c, strlen(c));
        return t ? v_text(t) : V_MISSING;
    }
    default: return v_real(strtod(c, NULL));
    }
}

static double num_or_nan(const char *c) { return c ? strtod(c, NULL) : NAN; }

static int unit_row(indb_set *s, int ncells, const char *const *cells)
{
    size_t want = 4 + (size_t)s->has_root + s->ncols + 6 * s->neps;
    if ((size_t)ncells != want) return -1;
    if (s->n == s->cap && grow(s)) return -1;
    size_t r = s->n;
    int k = 4;
    s->roots[r] = NULL;
    if (s->has_root) {
        const char *c = cells[k++];
        s->roots[r] = c ? strpool_intern(s->pool, c, strlen(c)) : NULL;
    }
    for (size_t j = 0; j < s->ncols; j++) cell_put(&s->cols[j], r, cell_value(s, s->cols[j].kind, cells[k++]));
    for (size_t e = 0; e < s->neps; e++, k += 6) {
        indb_ep *p = &s->eps[e];
        ep_counts *cnt = &s->counts[e];
        cnt->after_censor += cells[k + 4] ? (size_t)strtoull(cells[k + 4], NULL, 10) : 0;
        int pb = cells[k + 5] ? atoi(cells[k + 5]) : 0;
        cnt->before_origin += pb == 1;
        cnt->no_end += pb == 2;
        cnt->entry_after_end += pb == 3;
        int known = cells[k + 1] && cells[k + 2];   /* else unknown */
        double entry = known ? num_or_nan(cells[k]) : NAN;
        set_bit(p->known, r, known);
        p->time[r] = known ? strtod(cells[k + 1], NULL) : 0;
        p->status[r] = known ? atoi(cells[k + 2]) : 0;
        p->end_date[r] = known ? num_or_nan(cells[k + 3]) : 0;
        if (!isnan(entry) && !p->entry) {
            /* the first delayed entry: the units before had none */
            if (resize(&p->entry, s->cap, sizeof *p->entry)) return -1;
            for (size_t i = 0; i < r; i++) p->entry[i] = NAN;
        }
        if (p->entry) p->entry[r] = entry;
    }
    s->n++;
    return 0;
}

static int on_row(void *ud, int ncells, const char *const *cells)
{
    indb_set *s = ud;
    if (ncells < 4 || !cells[0] || !cells[2]) return s->bad = 1;
    int kind = atoi(cells[0]);
    size_t x = cells[1] ? (size_t)strtoull(cells[1], NULL, 10) : 0, cnt = (size_t)strtoull(cells[2], NULL, 10);
    size_t nc = s->st->ncriteria;
    if (kind == 99) {
        if (unit_row(s, ncells, cells)) s->bad = 1;
    } else if (kind == 0 && x <= 2 * nc) {
        s->total += cnt;
        if (x < 2 * nc) (x % 2 ? s->unknown : s->excluded)[x / 2] += cnt;
    } else if (kind >= 1 && (size_t)kind <= s->nlev && x <= nc) {
        s->behind[(size_t)(kind - 1) * (nc + 1) + x] += cnt;
    } else {
        s->bad = 1;
    }
    return s->bad;
}

indb_set *indb_fetch(const study *st, const cohort_data *schema, const expr *const *cols, size_t ncols,
                     diag *dg, int *rc)
{
    *rc = EXIT_RULES;
    char *sql = sqlgen_run(st, schema, cols, ncols, dg);
    if (!sql) return NULL;
    *rc = EXIT_DATA;
    indb_set *s = calloc(1, sizeof *s);
    size_t nc = st->ncriteria;
    if (!s) goto oom;
    s->st = st;
    s->pool = schema->pool;
    s->ncols = ncols;
    for (int a = schema->tables[st->unit].parent; a >= 0; a = schema->tables[a].parent) s->nlev++;
    s->has_root = st->root != st->unit && schema->tables[st->root].key >= 0;
    s->cols = calloc(ncols + 1, sizeof *s->cols);
    s->ep_at = calloc(st->neps + 1, sizeof *s->ep_at);
    s->excluded = calloc(nc + 1, sizeof *s->excluded);
    s->unknown = calloc(nc + 1, sizeof *s->unknown);
    s->behind = calloc(s->nlev * (nc + 1) + 1, sizeof *s->behind);
    s->counts = calloc(st->neps + 1, sizeof *s->counts);
    s->eps = calloc(st->neps + 1, sizeof *s->eps);
    if (!s->cols || !s->ep_at || !s->excluded || !s->unknown || !s->behind || !s->counts || !s->eps) goto oom;
    for (size_t k = 0; k < ncols; k++) s->cols[k].kind = cols[k]->type.kind;
    for (size_t e = 0; e < st->neps; e++) s->ep_at[e] = st->eps[e].state == 2 ? (int)s->neps++ : -1;
    int q = pg_query_rows(st->conninfo, &st->conninfo_site, sql, on_row, s, dg);
    if (s->bad && q == 2)
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "the analysis query returned a row cohort cannot read");
    if (q) {
        *rc = q == 1 ? EXIT_RULES : EXIT_DATA;
        free(sql);
        indb_free(s);
        return NULL;
    }
    free(sql);
    *rc = EXIT_OK;
    return s;
oom:
    diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "out of memory reading the analysis query's rows");
    free(sql);
    indb_free(s);
    return NULL;
}

void indb_free(indb_set *s)
{
    if (!s) return;
    for (size_t k = 0; s->cols && k < s->ncols; k++) {
        free(s->cols[k].cells);
        free(s->cols[k].missing);
    }
    for (size_t e = 0; s->eps && e < s->neps; e++) {
        indb_ep *p = &s->eps[e];
        free(p->time);
        free(p->end_date);
        free(p->entry);
        free(p->status);
        free(p->known);
    }
    free(s->cols);
    free(s->ep_at);
    free(s->excluded);
    free(s->unknown);
    free(s->behind);
    free(s->eps);
    free(s->roots);
    free(s->counts);
    free(s);
}

size_t indb_total(const indb_set *s) { return s->total; }
size_t indb_units(const indb_set *s) { return s->n; }
size_t indb_excluded(const indb_set *s, size_t j) { return s->excluded[j]; }
size_t indb_unknown(const indb_set *s, size_t j) { return s->unknown[j]; }

size_t indb_behind(const indb_set *s, int lv, size_t j)
{
    size_t nc = s->st->ncriteria, k = 0;
    if (lv < 0 || (size_t)lv >= s->nlev) return 0;
    for (size_t m = j; m <= nc; m++) k += s->behind[(size_t)lv * (nc + 1) + m];
    return k;
}

value indb_value(const indb_set *s, size_t k, size_t r)
{
    const indb_col *c = &s->cols[k];
    if (bit(c->missing, r)) return V_MISSING;
    if (c->kind == TY_BOOL) return v_bool(c->cells[r]);
    /* the type cell_value gives the kind */
    int t = c->kind == TY_INT || c->kind == TY_DATE || c->kind == TY_DURATION || c->kind == TY_TEXT ? c->kind : TY_REAL;
    value v = {(uint8_t)t, {0}};
    memcpy(&v.u, c->cells + r * sizeof(int64_t), sizeof(int64_t));
    return v;
}

ep_value indb_endpoint(const indb_set *s, int ep, size_t r)
{
    ep_value v = {0, 0, 0, 0, 0, NAN};
    int at = ep >= 0 && (size_t)ep < s->st->neps ? s->ep_at[ep] : -1;
    if (at < 0) return v;   /* unknown */
    const indb_ep *p = &s->eps[at];
    v.known = bit(p->known, r);
    if (!v.known) return v;
    v.time = p->time[r];
    v.status = p->status[r];
    v.end_date = p->end_date[r];
    v.event_date = v.status == 1 ? v.end_date : NAN;
    v.entry = p->entry ? p->entry[r] : NAN;
    return v;
}

const char *indb_root(const indb_set *s, size_t r) { return s->roots[r]; }

ep_counts indb_ep_counts(const indb_set *s, int ep)
{
    ep_counts none = {0, 0, 0, 0, 0};
    int at = ep >= 0 && (size_t)ep < s->st->neps ? s->ep_at[ep] : -1;
    return at < 0 ? none : s->counts[at];
}

/* ---- eras ---------------------------------------------------------------------- */

typedef struct era_check {
    const study *st;
    const cohort_data *schema;
    diag *dg;
    size_t next;   /* the era expected next */
    int failed;    /* a gap that is missing or negative: stop */
} era_check;

static int on_era(void *ud, int ncells, const char *const *cells)
{
    era_check *c = ud;
    if (ncells != 4 || !cells[0] || !cells[1] || !cells[2]) return c->failed = -2;
    size_t i = (size_t)strtoull(cells[0], NULL, 10);
    if (i != c->next++ || i >= c->st->neras) return c->failed = -2;
    const stmt *s = c->st->eras[i];
    if (era_gap_bad(c->dg, s, cells[3] ? strtod(cells[3], NULL) : NAN)) return c->failed = -1;
    const table *S = &c->schema->tables[data_table_index(c->schema, s->text)];
    era_report(c->dg, s, S->name, (size_t)strtoull(cells[1], NULL, 10), (size_t)strtoull(cells[2], NULL, 10));
    return 0;
}

int indb_era_check(const study *st, const cohort_data *schema, diag *dg, int *rc)
{
    *rc = EXIT_OK;
    if (!st->neras) return 0;
    *rc = EXIT_RULES;
    char *sql = sqlgen_era_problems(st, schema, dg);
    if (!sql) return -1;
    era_check c = {st, schema, dg, 0, 0};
    int q = pg_query_rows(st->conninfo, &st->conninfo_site, sql, on_era, &c, dg);
    free(sql);
    if (c.failed == -2 && q == 2)
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "the eras' query returned a row cohort cannot read");
    if (q) {
        *rc = q == 1 && !c.failed ? EXIT_RULES : EXIT_DATA;
        return -1;
    }
    *rc = EXIT_OK;
    return 0;
}
