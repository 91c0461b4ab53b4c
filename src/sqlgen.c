/* sqlgen.c: a checked analysis as one PostgreSQL query (sqlgen.h).
 *
 * The query reads the unit table joined to its ancestors (aliases t<table>),
 * adds one LATERAL sub-select per let and per endpoint in the order they
 * depend on each other (l<let>.v, e<endpoint>.*), keeps the units whose
 * criteria all hold (an include true, an exclude false: unknown drops the
 * unit, as in the attrition table) and orders them as the in-memory engine
 * does, by the order it reads the unit table in: its key (row_order), else
 * its physical order (ctid).  Everything is per unit, so the query
 * partitions by patient.
 *
 * Values: integers are bigint, reals float8, texts text (compared byte by
 * byte, COLLATE "C"; the empty text and the data statement's missing
 * markers are NULL), booleans boolean; dates are float8 day numbers since
 * 1970-01-01 and durations float8 days, so that a fraction of a day
 * (6 months = 182.625 days) compares exactly as in eval.c.  Missing is NULL:
 * SQL's AND, OR, NOT, IN and single comparisons are the language's
 * three-valued logic; where SQL is not (BETWEEN and windows with one missing
 * bound, aggregates that skip NULLs, SUM of no rows) the text below says so.
 * A quantifier is a correlated sub-select over the rows of its table below
 * the anchor row, ordered like data_groups (order column, missing last,
 * ties in the order rows are read: key, else ctid) for first, last and sums.
 *
 * A concept set is a sub-select of its ids (from concept_ancestor).
 * An era's table is a sub-select that merges its source rows (era_rows).
 * included() asks whether its row passes the other analysis' criteria.
 * Not translated (reported where written): extern functions,
 * endpoints given by rows, lists and maps
 * other than literals.  An integer overflow or a real overflow is an error
 * of the query where the in-memory engine makes the value missing. */
#include "textbuf.h"
#include "sqlgen.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "builtins.h"
#include "concepts.h"
#include "interval.h"



/* "name" */
static void sb_ident(textbuf *b, const char *s)
{
    tb_add(b, "\"");
    for (; *s; s++) {
        if (*s == '"') tb_add(b, "\"");
        tb_put(b, s, 1);
    }
    tb_add(b, "\"");
}

/* 'text' */
static void sb_literal(textbuf *b, const char *s)
{
    tb_add(b, "'");
    for (; *s; s++) {
        if (*s == '\'') tb_add(b, "'");
        tb_put(b, s, 1);
    }
    tb_add(b, "'");
}

static void sb_real(textbuf *b, double x)
{
    tb_printf(b, "CAST('%.17g' AS float8)", x);
}

typedef struct gen {
    const study *st;
    const cohort_data *d;
    diag *dg;
    int errors;
    textbuf from;             /* the unit's path, then the LATERALs of lets and endpoints */
    uint8_t *let_state;    /* 0: not written, 1: being written, 2: written */
    uint8_t *ep_state;
    int var_q[MAX_QUANT_DEPTH];      /* alias number (q<n>) of the row at each quantifier depth */
    int var_table[MAX_QUANT_DEPTH];
    int nalias;
    loc told[16];          /* places already reported (an expression may be written out twice) */
    int ntold;
    int depth;             /* generators of included() inside one another */
} gen;

static void ex(gen *g, textbuf *b, const expr *e);
static void ex_included(gen *g, textbuf *b, const expr *e);

static void cannot(gen *g, loc l, const char *what)
{
    for (int k = 0; k < g->ntold; k++)
        if (g->told[k].file == l.file && g->told[k].line == l.line && g->told[k].col == l.col) return;
    if (g->ntold < 16) g->told[g->ntold++] = l;
    diag_at(g->dg, DIAG_ERROR, l, "%s cannot be evaluated in the database", what);
    g->errors++;
}

static const char *sql_type(int kind)
{
    switch (kind) {
    case TY_INT: return "bigint";
    case TY_TEXT: return "text";
    case TY_BOOL: return "boolean";
    case TY_REAL: case TY_DATE: case TY_DURATION: return "float8";
    default: return NULL;
    }
}

static void null_of(textbuf *b, int kind)
{
    const char *t = sql_type(kind);
    if (t) tb_printf(b, "CAST(NULL AS %s)", t);
    else tb_add(b, "NULL");
}

/* e as a value of the SQL type of `kind` (an integer where a real is wanted) */
static void ex_as(gen *g, textbuf *b, const expr *e, int kind)
{
    const char *t = sql_type(kind);
    if (e->type.kind == TY_ANY && e->kind != E_LIST && e->kind != E_MAP) {
        null_of(b, kind);
        return;
    }
    if (!t) {
        ex(g, b, e);
        return;
    }
    tb_add(b, "CAST(");
    ex(g, b, e);
    tb_printf(b, " AS %s)", t);
}

/* ---- tables and columns ---------------------------------------------------- */

static const table_spec *spec_of(const gen *g, int t)
{
    const char *name = g->d->tables[t].name;
    for (size_t i = 0; i < g->st->nspecs; i++)
        if (strcmp(g->st->specs[i].name, name) == 0) return &g->st->specs[i];
    return NULL;
}

/* The era statement that makes table t, or NULL */
static const stmt *era_of(const gen *g, int t)
{
    for (size_t i = 0; i < g->st->neras; i++)
        if (g->st->eras[i]->slot == t) return g->st->eras[i];
    return NULL;
}

/* The column of an era's rows that links them to their parent row */
#define ERA_PARENT "cohort_parent_"

/* The column of table t that links a row to its parent row */
static const char *fk_name(const gen *g, int t)
{
    const table *tb = &g->d->tables[t];
    return tb->fk >= 0 ? tb->cols[tb->fk].name : ERA_PARENT;
}

static void era_rows(gen *g, textbuf *b, const stmt *s, int t);

/* What identifies a row of table t at `alias`: its key, else its ctid
 * (unique only within a partition). */
static void row_id(gen *g, textbuf *b, const char *alias, int t)
{
    const table *tb = &g->d->tables[t];
    tb_printf(b, "%s.", alias);
    if (tb->key < 0 || !spec_of(g, t)) tb_add(b, "ctid");
    else sb_ident(b, tb->cols[tb->key].name);
}

/* The order of table t's rows at `alias` where the in-memory engine uses
 * the order it read them in: a table with a key is read in key order (texts
 * byte by byte, source_pg.c), which no partitioning changes; a table
 * without one (and an era's rows, numbered in era.c's order) by ctid,
 * which orders the rows of one partition only. */
static void row_order(gen *g, textbuf *b, const char *alias, int t, int backwards)
{
    const table *tb = &g->d->tables[t];
    const char *dir = backwards ? " DESC" : "";
    if (tb->key < 0 || !spec_of(g, t)) {
        tb_printf(b, "%s.ctid%s", alias, dir);
        return;
    }
    int text = tb->cols[tb->key].type == CT_TEXT;
    tb_printf(b, text ? "CAST(%s." : "%s.", alias);
    sb_ident(b, tb->cols[tb->key].name);
    tb_printf(b, "%s%s", text ? " AS text) COLLATE \"C\"" : "", dir);
}

/* The relation of table t as the data statement names it (its `from`, or
 * the table's name), as source_pg.c reads it, or an era's rows as a
 * sub-select; 0, or -1 after reporting. */
static int rel_name(gen *g, textbuf *b, int t, loc where)
{
    const table_spec *sp = spec_of(g, t);
    const stmt *era = sp ? NULL : era_of(g, t);
    if (era) {
        era_rows(g, b, era, t);
        return 0;
    }
    if (!sp) {
        char what[300];
        snprintf(what, sizeof what, "table %s", g->d->tables[t].name);
        cannot(g, where, what);
        return -1;
    }
    tb_add(b, sp->relation ? sp->relation : sp->name);
    return 0;
}

/* Column c of table t at alias `alias`, as the loader reads it. */
static void col_ref(gen *g, textbuf *b, const char *alias, int t, int c)
{
    const column *col = &g->d->tables[t].cols[c];
    if (!spec_of(g, t)) {
        /* an era's columns are values already (era_rows) */
        tb_printf(b, "%s.", alias);
        sb_ident(b, col->name);
        return;
    }
    textbuf r = {0};
    tb_printf(&r, "%s.", alias);
    sb_ident(&r, col->name);
    const char *v = r.s ? r.s : "";
    switch (col->type) {
    case CT_INT: tb_printf(b, "CAST(%s AS bigint)", v); break;
    case CT_REAL: tb_printf(b, "CAST(%s AS float8)", v); break;
    case CT_BOOL: tb_printf(b, "CAST(%s AS boolean)", v); break;
    case CT_DATE: tb_printf(b, "CAST(CAST(%s AS date) - DATE '1970-01-01' AS float8)", v); break;
    default: {
        /* the empty text and the missing markers (default NA) are missing */
        static const char *const default_na[] = {"NA"};
        const char *const *na = g->st->nna ? g->st->na : default_na;
        size_t nna = g->st->nna ? g->st->nna : 1;
        tb_printf(b, "CASE WHEN CAST(%s AS text) IN (''", v);
        for (size_t k = 0; k < nna; k++) {
            tb_add(b, ", ");
            sb_literal(b, na[k]);
        }
        tb_printf(b, ") THEN NULL ELSE CAST(%s AS text) END", v);
    }
    }
    free(r.s);
}

/* The raw key (not cast) of the row of table `to` that is an ancestor of the
 * row of table `from` at `alias`. */
static void anc_key(gen *g, textbuf *b, const char *alias, int from, int to, loc where)
{
    const table *tf = &g->d->tables[from];
    if (from == to) {
        tb_printf(b, "%s.", alias);
        sb_ident(b, tf->cols[tf->key].name);
        return;
    }
    int p = tf->parent;
    if (p == to) {
        tb_printf(b, "%s.", alias);
        sb_ident(b, fk_name(g, from));
        return;
    }
    int a = ++g->nalias;
    const table *tp = &g->d->tables[p];
    char pa[32];
    snprintf(pa, sizeof pa, "a%d", a);
    tb_add(b, "(SELECT ");
    anc_key(g, b, pa, p, to, where);
    tb_add(b, " FROM ");
    rel_name(g, b, p, where);
    tb_printf(b, " AS %s WHERE %s.", pa, pa);
    sb_ident(b, tp->cols[tp->key].name);
    tb_printf(b, " = %s.", alias);
    sb_ident(b, fk_name(g, from));
    tb_add(b, ")");
}

/* ---- lets and endpoints ------------------------------------------------------ */

static void need_let(gen *g, int i, loc where);
static void need_ep(gen *g, int i, loc where);

static void need_let(gen *g, int i, loc where)
{
    if (g->let_state[i] == 2) return;
    if (g->let_state[i] == 1) {
        cannot(g, where, "a let that depends on itself");
        return;
    }
    g->let_state[i] = 1;
    const letinfo *li = &g->st->lets[i];
    textbuf x = {0};
    tb_add(&x, "SELECT ");
    if (!sql_type(li->type.kind) && li->type.kind != TY_ANY) {
        /* a list or a map: used only through `in` and lookups, inlined there */
        tb_add(&x, "NULL");
    } else {
        ex_as(g, &x, li->s->value, li->type.kind);
    }
    /* OFFSET 0 keeps the let one sub-select: without it the planner may copy
     * its expression (and sub-plans) into every place that reads l<i>.v */
    tb_printf(&g->from, "\n  CROSS JOIN LATERAL (%s AS v OFFSET 0) AS l%d", x.s ? x.s : "", i);
    if (x.oom) g->from.oom = 1;
    free(x.s);
    g->let_state[i] = 2;
}

/* An endpoint from its dates: the earliest of the event and competing
 * events not after the censoring date (the first written on a tie), else the
 * censoring date; unknown without an origin or an end, or when the end is
 * before the origin; with an entry, unknown when it is missing or not
 * before the end (eval.c eval_endpoint). */
static void ep_dates(gen *g, textbuf *b, int i)
{
    const stmt *s = g->st->eps[i].s;
    size_t nk = s->ncompeting + 1;
    tb_add(b, "SELECT z.time_, z.status_, z.entry_, "
              "CASE WHEN z.status_ = 1 THEN z.best END AS event_date, "
              "CASE WHEN z.time_ IS NOT NULL THEN z.en END AS end_date, z.ac_, z.pb_ FROM (SELECT y.best, y.en, y.ac_, ");
    /* the data problems eval.c counts (ep_counts): 1 the end before the origin,
     * 2 neither an event nor a censoring date, 3 the entry not before the end */
    tb_add(b, "CASE WHEN y.o IS NULL THEN 0 WHEN y.en IS NULL THEN 2 WHEN y.en < y.o THEN 1");
    if (s->ep_entry) tb_add(b, " WHEN y.ent IS NOT NULL AND y.ent - y.o >= y.en - y.o THEN 3");
    tb_add(b, " ELSE 0 END AS pb_, ");
    const char *known = s->ep_entry ? "y.o IS NOT NULL AND y.en IS NOT NULL AND y.en >= y.o "
                                      "AND y.ent IS NOT NULL AND y.ent - y.o < y.en - y.o"
                                    : "y.o IS NOT NULL AND y.en IS NOT NULL AND y.en >= y.o";
    tb_printf(b, "CASE WHEN %s THEN y.en - y.o END AS time_, ", known);
    tb_printf(b, "CASE WHEN %s THEN CASE WHEN y.best IS NULL THEN 0", known);
    for (size_t k = 0; k < nk; k++) tb_printf(b, " WHEN y.v%zu = y.best THEN %zu", k, k + 1);
    tb_add(b, " END END AS status_, ");
    if (s->ep_entry) tb_printf(b, "CASE WHEN %s AND y.ent - y.o > 0 THEN y.ent - y.o END AS entry_ ", known);
    else tb_add(b, "CAST(NULL AS float8) AS entry_ ");
    tb_add(b, "FROM (SELECT x.*, COALESCE(x.best, x.c) AS en FROM (SELECT w.*, LEAST(");
    for (size_t k = 0; k < nk; k++) tb_printf(b, "%sw.v%zu", k ? ", " : "", k);
    tb_add(b, ") AS best FROM (SELECT u.o, u.c, u.ent, 0");
    for (size_t k = 0; k < nk; k++) tb_printf(b, " + CASE WHEN u.d%zu > u.c THEN 1 ELSE 0 END", k);
    tb_add(b, " AS ac_");
    for (size_t k = 0; k < nk; k++)
        tb_printf(b, ", CASE WHEN u.c IS NOT NULL AND u.d%zu > u.c THEN NULL ELSE u.d%zu END AS v%zu", k, k, k);
    tb_add(b, " FROM (SELECT ");
    ex_as(g, b, s->origin, TY_DATE);
    tb_add(b, " AS o, ");
    if (s->censor) ex_as(g, b, s->censor, TY_DATE);
    else tb_add(b, "CAST(NULL AS float8)");
    tb_add(b, " AS c, ");
    if (s->ep_entry) ex_as(g, b, s->ep_entry, TY_DATE);
    else tb_add(b, "CAST(NULL AS float8)");
    tb_add(b, " AS ent");
    for (size_t k = 0; k < nk; k++) {
        tb_add(b, ", ");
        const expr *d = k == 0 ? s->event : s->competing[k - 1];
        if (d) ex_as(g, b, d, TY_DATE);
        else tb_add(b, "CAST(NULL AS float8)");
        tb_printf(b, " AS d%zu", k);
    }
    tb_add(b, " OFFSET 0) u) w) x) y) z");
}

/* An endpoint from columns: the time in its unit, the status by its codes
 * (eval.c eval_column_endpoint); unknown when either is missing, the status
 * is not a code or the time is negative. */
static void ep_columns(gen *g, textbuf *b, int i)
{
    const endpointinfo *ep = &g->st->eps[i];
    const stmt *s = ep->s;
    double ud = g->st->unit_days[s->ep_time_unit];
    tb_add(b, "SELECT z.time_, z.status_, z.entry_, CASE WHEN z.status_ = 1 THEN z.o + z.time_ END AS event_date, "
              "CASE WHEN z.time_ IS NOT NULL THEN z.o + z.time_ END AS end_date, 0 AS ac_, z.pb_ FROM (SELECT y.o, ");
    if (s->ep_entry) tb_add(b, "CASE WHEN y.st IS NOT NULL AND y.days >= 0 AND y.ent IS NOT NULL AND y.ent >= y.days "
                               "THEN 3 ELSE 0 END AS pb_, ");
    else tb_add(b, "0 AS pb_, ");
    const char *known = s->ep_entry ? "y.st IS NOT NULL AND y.days >= 0 AND y.ent IS NOT NULL AND y.ent < y.days"
                                    : "y.st IS NOT NULL AND y.days >= 0";
    tb_printf(b, "CASE WHEN %s THEN y.days END AS time_, CASE WHEN %s THEN y.st END AS status_, ", known, known);
    if (s->ep_entry) tb_printf(b, "CASE WHEN %s AND y.ent > 0 THEN y.ent END AS entry_ ", known);
    else tb_add(b, "CAST(NULL AS float8) AS entry_ ");
    tb_add(b, "FROM (SELECT x.o, x.t * ");
    sb_real(b, ud);
    tb_add(b, " AS days, x.e * ");
    sb_real(b, ud);
    tb_add(b, " AS ent, CASE x.s");
    int text = s->ep_status->type.kind == TY_TEXT;
    for (size_t k = 0; k < ep->ncodes; k++) {
        tb_add(b, " WHEN ");
        if (text) sb_literal(b, ep->codes[k].s);
        else if (s->ep_status->type.kind == TY_BOOL) tb_add(b, ep->codes[k].i ? "TRUE" : "FALSE");
        else tb_printf(b, "CAST(%lld AS bigint)", (long long)ep->codes[k].i);
        tb_printf(b, " THEN %d", ep->codes[k].status);
    }
    tb_add(b, " END AS st FROM (SELECT ");
    ex_as(g, b, s->ep_time, TY_REAL);
    tb_add(b, " AS t, ");
    ex(g, b, s->ep_status);
    tb_add(b, " AS s, ");
    if (s->origin) ex_as(g, b, s->origin, TY_DATE);
    else tb_add(b, "CAST(NULL AS float8)");
    tb_add(b, " AS o, ");
    if (s->ep_entry) ex_as(g, b, s->ep_entry, TY_REAL);
    else tb_add(b, "CAST(NULL AS float8)");
    tb_add(b, " AS e OFFSET 0) x) y) z");
}

static void need_ep(gen *g, int i, loc where)
{
    if (g->ep_state[i] == 2) return;
    if (g->ep_state[i] == 1) {
        cannot(g, where, "an endpoint that depends on itself");
        return;
    }
    const endpointinfo *ep = &g->st->eps[i];
    if (ep_rows_table(ep) >= 0) {
        char what[300];
        snprintf(what, sizeof what, "endpoint %s, given by rows of %s,", ep->s->name,
                 g->d->tables[ep->rows_table].name);
        cannot(g, ep->s->name_loc, what);
        g->ep_state[i] = 2;
        return;
    }
    g->ep_state[i] = 1;
    textbuf x = {0};
    if (ep->from_columns) ep_columns(g, &x, i);
    else ep_dates(g, &x, i);
    tb_printf(&g->from, "\n  CROSS JOIN LATERAL (%s) AS e%d", x.s ? x.s : "", i);
    if (x.oom) g->from.oom = 1;
    free(x.s);
    g->ep_state[i] = 2;
}

/* ---- eras ---------------------------------------------------------------------- */

/* The rows of era s (table t) as era.c makes them: the source rows whose
 * condition is true and whose start is known, as whole days (an end before
 * the start taken as the start, a missing end ongoing), per parent row and
 * `by` value in order of start (then known ends first, then end, then
 * physical order); a row starts a new era unless its start is on or before
 * the latest end of the rows before it plus the gap (an ongoing row's end
 * is infinite: every later row joins).  Each era: its first start, its
 * latest end (missing when ongoing), how many rows, the by value, the
 * parent's key (ERA_PARENT), and as "ctid" its place in era.c's order. */
static void era_rows(gen *g, textbuf *b, const stmt *s, int t)
{
    const cohort_data *d = g->d;
    int src = data_table_index(d, s->text);
    if (src < 0 || !spec_of(g, src)) {
        cannot(g, s->text_loc, "this era's source table");
        return;
    }
    const table *T = &d->tables[t];
    int q = ++g->nalias;
    int saved_q = g->var_q[0], saved_t = g->var_table[0];
    g->var_q[0] = q;
    g->var_table[0] = src;
    int text_by = s->by && s->by->type.kind == TY_TEXT;
    const char *by_order = text_by ? " COLLATE \"C\" NULLS FIRST" : " NULLS FIRST";
    const char *win = "PARTITION BY i.p_, i.by_ ORDER BY i.s_, i.ek_, i.e_, i.rn_";
    tb_add(b, "(SELECT k.p_ AS " ERA_PARENT ", CAST(min(k.s_) AS float8) AS \"start_date\", "
              "CASE WHEN bool_and(k.ek_ = 0) THEN CAST(max(k.e_) AS float8) END AS \"end_date\", count(*) AS \"n\"");
    if (T->ncols > 3) {
        tb_add(b, ", k.by_ AS ");
        sb_ident(b, T->cols[3].name);
    }
    tb_printf(b, ", row_number() OVER (ORDER BY k.p_, k.by_%s, min(k.s_)) AS ctid FROM (SELECT j.*, "
              "sum(j.new_) OVER (PARTITION BY j.p_, j.by_ ORDER BY j.s_, j.ek_, j.e_, j.rn_ ROWS UNBOUNDED PRECEDING) "
              "AS era_ FROM (SELECT i.*, CASE WHEN max(CASE WHEN i.ek_ = 1 THEN CAST('Infinity' AS float8) ELSE i.e_ END) "
              "OVER (%s ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) + i.gap_ >= i.s_ THEN 0 ELSE 1 END AS new_ "
              "FROM (SELECT h.p_, h.s_, CASE WHEN h.e0_ IS NULL THEN NULL WHEN h.e0_ < h.s_ THEN h.s_ ELSE h.e0_ END AS e_, "
              "CASE WHEN h.e0_ IS NULL THEN 1 ELSE 0 END AS ek_, h.by_, h.rn_, h.gap_ FROM (SELECT q%d.",
              by_order, win, q);
    sb_ident(b, fk_name(g, src));
    tb_add(b, " AS p_, floor(");
    ex_as(g, b, s->start, TY_DATE);
    tb_add(b, ") AS s_, floor(");
    ex_as(g, b, s->end, TY_DATE);
    tb_add(b, ") AS e0_, ");
    if (s->by) ex_as(g, b, s->by, s->by->type.kind);
    else tb_add(b, "NULL");
    tb_add(b, " AS by_, ");
    char qa[32];
    snprintf(qa, sizeof qa, "q%d", q);
    row_order(g, b, qa, src, 0);
    tb_add(b, " AS rn_, ");
    ex_as(g, b, s->gap, TY_DURATION);
    tb_add(b, " AS gap_ FROM ");
    rel_name(g, b, src, s->text_loc);
    tb_printf(b, " AS q%d WHERE (", q);
    ex_as(g, b, s->start, TY_DATE);
    tb_add(b, ") IS NOT NULL");
    if (s->value) {
        tb_add(b, " AND (");
        ex(g, b, s->value);
        tb_add(b, ") IS TRUE");
    }
    tb_printf(b, " OFFSET 0) h) i) j) k GROUP BY k.p_, k.by_, k.era_)");
    g->var_q[0] = saved_q;
    g->var_table[0] = saved_t;
}

/* ---- quantifiers ------------------------------------------------------------- */

/* The rows of the quantifier's table below its anchor row: FROM ... WHERE
 * link (without the condition), the row at alias q<n>. */
static void quant_rows(gen *g, textbuf *b, const expr *e, int q)
{
    const cohort_data *d = g->d;
    int T = e->table, A = e->col;
    char qa[32], cur[64];
    snprintf(qa, sizeof qa, "q%d", q);
    snprintf(cur, sizeof cur, "%s", qa);
    tb_add(b, " FROM ");
    rel_name(g, b, T, e->name_loc);
    tb_printf(b, " AS %s", qa);
    int t = T, level = 0;
    while (d->tables[t].parent >= 0 && d->tables[t].parent != A) {
        int p = d->tables[t].parent;
        char pa[64];
        snprintf(pa, sizeof pa, "q%d_%d", q, ++level);
        tb_add(b, " JOIN ");
        rel_name(g, b, p, e->name_loc);
        tb_printf(b, " AS %s ON %s.", pa, pa);
        sb_ident(b, d->tables[p].cols[d->tables[p].key].name);
        tb_printf(b, " = %s.", cur);
        sb_ident(b, fk_name(g, t));
        snprintf(cur, sizeof cur, "%s", pa);
        t = p;
    }
    tb_printf(b, " WHERE %s.", cur);
    sb_ident(b, fk_name(g, t));
    tb_add(b, " = ");
    if (e->anchor_slot < 0) {
        char ta[32];
        snprintf(ta, sizeof ta, "t%d", A);
        anc_key(g, b, ta, A, A, e->loc);
    } else {
        char va[32];
        snprintf(va, sizeof va, "q%d", g->var_q[e->anchor_slot]);
        anc_key(g, b, va, e->anchor_table, A, e->loc);
    }
}

/* ORDER BY of the rows as data_groups orders them, or backwards for last */
static void quant_order(gen *g, textbuf *b, const char *alias, int T, int backwards)
{
    const table *t = &g->d->tables[T];
    tb_add(b, " ORDER BY ");
    if (t->order >= 0) {
        tb_printf(b, "%s.", alias);
        sb_ident(b, t->cols[t->order].name);
        tb_add(b, backwards ? " DESC NULLS FIRST, " : " NULLS LAST, ");
    }
    row_order(g, b, alias, T, backwards);
}

static void ex_quant(gen *g, textbuf *b, const expr *e)
{
    if (e->slot < 0 || e->slot >= MAX_QUANT_DEPTH) {
        cannot(g, e->loc, "this quantifier");
        return;
    }
    textbuf probe = {0};
    int no_table = rel_name(g, &probe, e->table, e->name_loc);
    free(probe.s);
    if (no_table) return;
    int q = ++g->nalias;
    int saved_q = g->var_q[e->slot], saved_t = g->var_table[e->slot];
    g->var_q[e->slot] = q;
    g->var_table[e->slot] = e->table;
    char qa[32];
    snprintf(qa, sizeof qa, "q%d", q);
    textbuf rows = {0};
    quant_rows(g, &rows, e, q);
    if (e->a) {
        tb_add(&rows, " AND (");
        ex(g, &rows, e->a);
        tb_add(&rows, ") IS TRUE");
    }
    int kind = e->type.kind;
    switch (e->op) {
    case Q_ANY: case Q_ALL:
        /* any: true if a row is true, else unknown if one is unknown; all: false if a
         * row is false, else unknown if one is unknown (aggregates skip NULLs) */
        tb_printf(b, e->op == Q_ANY
                  ? "(SELECT CASE WHEN bool_or(x%d.b) THEN TRUE WHEN count(*) > count(x%d.b) THEN NULL ELSE FALSE END"
                  : "(SELECT CASE WHEN NOT bool_and(x%d.b) THEN FALSE WHEN count(*) > count(x%d.b) THEN NULL ELSE TRUE END",
                  q, q);
        tb_add(b, " FROM (SELECT ");
        ex_as(g, b, e->b, TY_BOOL);
        tb_add(b, " AS b");
        tb_cat(b, &rows);
        tb_printf(b, ") x%d)", q);
        break;
    case Q_COUNT:
        tb_add(b, "(SELECT count(*)");
        tb_cat(b, &rows);
        if (e->b) {
            tb_add(b, " AND (");
            ex(g, b, e->b);
            tb_add(b, ") IS TRUE");
        }
        tb_add(b, ")");
        break;
    case Q_FIRST: case Q_LAST:
        tb_add(b, "(SELECT ");
        ex_as(g, b, e->b, kind);
        tb_cat(b, &rows);
        quant_order(g, b, qa, e->table, e->op == Q_LAST);
        tb_add(b, " LIMIT 1)");
        break;
    case Q_MIN: case Q_MAX: case Q_SUM: {
        /* missing as soon as one value is missing; a sum of no rows is 0, added in
         * the rows' order like eval.c */
        const char *coll = kind == TY_TEXT ? " COLLATE \"C\"" : "";
        tb_printf(b, "(SELECT CASE WHEN count(*) > count(x%d.b) THEN NULL ELSE ", q);
        if (e->op == Q_SUM) {
            tb_printf(b, "CAST(COALESCE(sum(x%d.b ORDER BY x%d.k), 0) AS %s)", q, q, sql_type(kind) ? sql_type(kind) : "float8");
        } else {
            tb_printf(b, "%s(x%d.b%s)", e->op == Q_MIN ? "min" : "max", q, coll);
        }
        tb_add(b, " END FROM (SELECT ");
        ex_as(g, b, e->b, kind);
        tb_add(b, " AS b, row_number() OVER (");
        quant_order(g, b, qa, e->table, 0);
        tb_add(b, ") AS k");
        tb_cat(b, &rows);
        tb_printf(b, ") x%d)", q);
        break;
    }
    default:
        cannot(g, e->loc, "this quantifier");
    }
    free(rows.s);
    g->var_q[e->slot] = saved_q;
    g->var_table[e->slot] = saved_t;
}

/* ---- expressions --------------------------------------------------------------- */

/* The literal list or map behind a name (a param's or a constant let's), or NULL. */
static const expr *literal_of(const gen *g, const expr *e, int kind)
{
    for (int depth = 0; e && depth < 16; depth++) {
        if ((int)e->kind == kind) return e;
        if ((e->kind == E_NAME || e->kind == E_FIELD || e->kind == E_CALL) && e->rkind == R_PARAM)
            e = g->st->params[e->slot].value;
        else if ((e->kind == E_NAME || e->kind == E_FIELD || e->kind == E_CALL) && e->rkind == R_LET &&
                 g->st->lets[e->slot].is_const && !g->st->lets[e->slot].s->concepts)
            e = g->st->lets[e->slot].s->value;   /* (a concept set's list is filled from the data) */
        else
            return NULL;
    }
    return NULL;
}

static int is_text(const expr *e) { return e->type.kind == TY_TEXT; }

/* Sub-expressions evaluated once: (SELECT f(x.p0, x.p1, ...) FROM (SELECT p0, p1 ...) x) */
typedef struct once {
    textbuf inner;
    int n, alias;
} once;

static void once_begin(gen *g, once *o)
{
    memset(o, 0, sizeof *o);
    o->alias = ++g->nalias;
}

/* add e as x<alias>.p<k>; returns k */
static int once_add(gen *g, once *o, const expr *e, int kind)
{
    tb_add(&o->inner, o->n ? ", " : "SELECT ");
    if (kind) ex_as(g, &o->inner, e, kind);
    else ex(g, &o->inner, e);
    tb_printf(&o->inner, " AS p%d", o->n);
    return o->n++;
}

static void once_end(once *o, textbuf *b, textbuf *body)
{
    tb_add(b, "(SELECT ");
    tb_cat(b, body);
    tb_add(b, " FROM (");
    tb_cat(b, &o->inner);
    tb_printf(b, " OFFSET 0) x%d)", o->alias);
}

/* The ids of concept set expression e of set s (concepts.c) as a query of
 * one float8 column: descendants() from the vocabulary's concept_ancestor
 * (the ids themselves and every descendant), lists as VALUES, + and - as
 * UNION and EXCEPT. */
static void concept_ids(gen *g, textbuf *b, const stmt *s, const expr *e, int depth)
{
    switch (e->kind) {
    case E_CALL: case E_LIST:
        tb_add(b, "SELECT CAST(v AS float8) AS id FROM (VALUES ");
        for (size_t i = 0; i < e->nitems; i++) tb_printf(b, "%s(%lld)", i ? ", " : "", (long long)e->items[i]->ival);
        tb_add(b, ") AS ids(v)");
        if (e->kind == E_CALL) {
            int t = data_table_index(g->d, CONCEPTS_ANCESTOR_TABLE);
            tb_add(b, " UNION SELECT CAST(" CONCEPTS_DESCENDANT_COL " AS float8) FROM ");
            if (t < 0 || rel_name(g, b, t, e->loc)) return;
            tb_add(b, " WHERE " CONCEPTS_DESCENDANT_COL " IS NOT NULL AND " CONCEPTS_ANCESTOR_COL " IN (");
            for (size_t i = 0; i < e->nitems; i++) tb_printf(b, "%s%lld", i ? ", " : "", (long long)e->items[i]->ival);
            tb_add(b, ")");
        }
        return;
    case E_NAME: {
        const stmt *d = concepts_earlier(g->st, s, e->name);
        if (!d || depth > 64) { cannot(g, e->loc, "this concept set"); return; }
        concept_ids(g, b, d, d->concepts, depth + 1);
        return;
    }
    case E_BINARY:
        tb_add(b, "(");
        concept_ids(g, b, s, e->a, depth + 1);
        tb_add(b, e->op == OP_ADD ? ") UNION (" : ") EXCEPT (");
        concept_ids(g, b, s, e->b, depth + 1);
        tb_add(b, ")");
        return;
    default:
        cannot(g, e->loc, "this concept set");
    }
}

/* x in a concept set: missing when x is, else whether the vocabulary lists x */
static void ex_in_concepts(gen *g, textbuf *b, const expr *x, const stmt *set)
{
    once o;
    once_begin(g, &o);
    int p = once_add(g, &o, x, TY_REAL);
    textbuf body = {0};
    tb_printf(&body, "CASE WHEN x%d.p%d IS NULL THEN NULL ELSE x%d.p%d IN (", o.alias, p, o.alias, p);
    concept_ids(g, &body, set, set->concepts, 0);
    tb_add(&body, ") END");
    once_end(&o, b, &body);
}

static void ex_compare(gen *g, textbuf *b, const expr *l, const char *op, const expr *r)
{
    int text = is_text(l) || is_text(r);
    int bools = l->type.kind == TY_BOOL || r->type.kind == TY_BOOL;
    int num = !text && !bools;
    tb_add(b, "(");
    if (num) ex_as(g, b, l, TY_REAL);
    else ex(g, b, l);
    if (text && strcmp(op, "=") && strcmp(op, "<>")) tb_add(b, " COLLATE \"C\"");
    tb_printf(b, " %s ", op);
    if (num) ex_as(g, b, r, TY_REAL);
    else ex(g, b, r);
    tb_add(b, ")");
}

static void ex_arith(gen *g, textbuf *b, const expr *e)
{
    static const char *const ops[] = {"-", "NOT", "+", "+", "-", "*", "/"};
    int kind = e->type.kind;
    if (kind == TY_ANY || e->a->type.kind == TY_ANY || e->b->type.kind == TY_ANY) {
        null_of(b, kind);
        return;
    }
    if (kind == TY_INT) {
        tb_add(b, "(");
        ex_as(g, b, e->a, TY_INT);
        tb_printf(b, " %s ", ops[e->op]);
        ex_as(g, b, e->b, TY_INT);
        tb_add(b, ")");
        return;
    }
    tb_add(b, "(");
    ex_as(g, b, e->a, TY_REAL);
    if (e->op == OP_DIV) {
        /* division by zero is missing */
        tb_add(b, " / NULLIF(");
        ex_as(g, b, e->b, TY_REAL);
        tb_add(b, ", 0))");
        return;
    }
    tb_printf(b, " %s ", ops[e->op]);
    ex_as(g, b, e->b, TY_REAL);
    tb_add(b, ")");
}

/* One end of an interval operand: its start and end (a single value is
 * both), and whether each is open. */
typedef struct ivx {
    const expr *s, *e;
    int s_open, e_open;
} ivx;

static ivx interval_of(const expr *e)
{
    ivx r = {e, e, 0, 0};
    if (e->kind == E_LIST && e->nitems == 2) {
        unsigned char so, eo;
        interval_flags(e->op, &so, &eo);
        r.s = e->items[0];
        r.e = e->items[1];
        r.s_open = so;
        r.e_open = eo;
    }
    return r;
}

/* interval_relation (interval.c) over x.p<as>, x.p<ae>, x.p<bs>, x.p<be> */
static void relation_sql(textbuf *b, int rel, int x, const int *p, const int *open)
{
    /* p: a.s, a.e, b.s, b.e; open likewise */
#define P(k) x, p[k]
    tb_add(b, "CASE WHEN ");
    for (int k = 0; k < 2; k++) {
        int s = 2 * k, en = 2 * k + 1;
        tb_printf(b, "%s(x%d.p%d IS NOT NULL AND x%d.p%d IS NOT NULL AND (x%d.p%d > x%d.p%d", k ? " OR " : "",
                  P(s), P(en), P(s), P(en));
        if (open[s] || open[en]) tb_printf(b, " OR x%d.p%d = x%d.p%d", P(s), P(en));
        tb_add(b, "))");
    }
    tb_add(b, " THEN NULL ELSE ");
    switch (rel) {
    case REL_OVERLAPS:
        tb_printf(b, "(x%d.p%d %s x%d.p%d AND x%d.p%d %s x%d.p%d)", P(0), open[0] || open[3] ? "<" : "<=", P(3),
                  P(2), open[2] || open[1] ? "<" : "<=", P(1));
        break;
    case REL_BEFORE:
        tb_printf(b, "(x%d.p%d %s x%d.p%d)", P(1), !(open[1] || open[2]) ? "<" : "<=", P(2));
        break;
    case REL_AFTER:
        tb_printf(b, "(x%d.p%d %s x%d.p%d)", P(3), !(open[3] || open[0]) ? "<" : "<=", P(0));
        break;
    case REL_MEETS: {
        /* a's last day is the day before b's first, or b's the day before a's */
        char last[2][96], first[2][96];
        for (int k = 0; k < 2; k++) {
            int s = 2 * k, en = 2 * k + 1;
            if (open[en]) snprintf(last[k], sizeof last[k], "(ceil(x%d.p%d) - 1)", P(en));
            else snprintf(last[k], sizeof last[k], "floor(x%d.p%d)", P(en));
            if (open[s]) snprintf(first[k], sizeof first[k], "(floor(x%d.p%d) + 1)", P(s));
            else snprintf(first[k], sizeof first[k], "ceil(x%d.p%d)", P(s));
        }
        tb_printf(b, "(%s + 1 = %s OR %s + 1 = %s)", last[0], first[1], last[1], first[0]);
        break;
    }
    case REL_DURING:
        tb_printf(b, "(x%d.p%d %s x%d.p%d AND x%d.p%d %s x%d.p%d)", P(2), open[2] && !open[0] ? "<" : "<=", P(0),
                  P(1), open[3] && !open[1] ? "<" : "<=", P(3));
        break;
    }
#undef P
    tb_add(b, " END");
}

static void ex_relation(gen *g, textbuf *b, const expr *e)
{
    ivx a = interval_of(e->a), c = interval_of(e->b);
    int rel = e->kind == E_OVERLAPS ? REL_OVERLAPS : e->op;
    once o;
    once_begin(g, &o);
    int p[4] = {once_add(g, &o, a.s, TY_REAL), once_add(g, &o, a.e, TY_REAL),
                once_add(g, &o, c.s, TY_REAL), once_add(g, &o, c.e, TY_REAL)};
    int open[4] = {a.s_open, a.e_open, c.s_open, c.e_open};
    textbuf body = {0};
    relation_sql(&body, rel, o.alias, p, open);
    once_end(&o, b, &body);
}

static void ex_call(gen *g, textbuf *b, const expr *e)
{
    char what[300];
    if (e->fn == -2) {
        /* m[k] of a literal map */
        const expr *m = literal_of(g, e, E_MAP);
        if (!m || e->rkind != R_PARAM) m = NULL;
        if (!m && e->rkind == R_LET && g->st->lets[e->slot].is_const)
            m = literal_of(g, g->st->lets[e->slot].s->value, E_MAP);
        if (!m) {
            cannot(g, e->loc, "a lookup in a map that is not written as a literal");
            return;
        }
        tb_add(b, "CASE ");
        ex(g, b, e->items[0]);
        for (size_t i = 0; i + 1 < m->nitems; i += 2) {
            tb_add(b, " WHEN ");
            sb_literal(b, m->items[i]->text);
            tb_add(b, " THEN ");
            ex_as(g, b, m->items[i + 1], e->type.kind);
        }
        tb_add(b, " ELSE ");
        null_of(b, e->type.kind);
        tb_add(b, " END");
        return;
    }
    if (e->fn == FN_INCLUDED) { ex_included(g, b, e); return; }
    if (e->rkind == R_EXTERN) {
        snprintf(what, sizeof what, "the extern function %s", e->name);
        cannot(g, e->loc, what);
        return;
    }
    int kind = e->type.kind;
    size_t n = e->nitems;
    switch (e->fn) {
    case BI_MISSING:
        tb_add(b, "(");
        ex(g, b, e->items[0]);
        tb_add(b, " IS NULL)");
        return;
    case BI_COALESCE: case BI_FIRST_OF: case BI_LAST_OF: case BI_LEAST: case BI_GREATEST: {
        /* LEAST and GREATEST skip NULLs, as first_of and friends skip missing values */
        const char *f = e->fn == BI_COALESCE ? "COALESCE"
                      : e->fn == BI_FIRST_OF || e->fn == BI_LEAST ? "LEAST" : "GREATEST";
        tb_printf(b, "%s(", f);
        for (size_t i = 0; i < n; i++) {
            if (i) tb_add(b, ", ");
            ex_as(g, b, e->items[i], kind);
            if (kind == TY_TEXT && e->fn != BI_COALESCE) tb_add(b, " COLLATE \"C\"");
        }
        tb_add(b, ")");
        return;
    }
    case BI_ADD_MONTHS:
        /* calendar months, the day clamped to the month's last (as date_add_months) */
        tb_add(b, "CAST(CAST(DATE '1970-01-01' + CAST(floor(");
        ex_as(g, b, e->items[0], TY_REAL);
        tb_add(b, ") AS integer) + make_interval(months => CAST(");
        ex(g, b, e->items[1]);
        tb_add(b, " AS integer)) AS date) - DATE '1970-01-01' AS float8)");
        return;
    case BI_I:
        ex(g, b, e->items[0]);
        return;
    case BI_ABS:
        tb_add(b, "abs(");
        ex_as(g, b, e->items[0], kind);
        tb_add(b, ")");
        return;
    case BI_ROUND: {
        /* half to even on the scaled value (rint), as R */
        once o;
        once_begin(g, &o);
        int x = once_add(g, &o, e->items[0], TY_REAL);
        int dg = n == 2 ? once_add(g, &o, e->items[1], TY_REAL) : -1;
        textbuf body = {0};
        if (dg < 0) tb_printf(&body, "round(x%d.p%d)", o.alias, x);
        else tb_printf(&body, "round(x%d.p%d * power(CAST(10 AS float8), x%d.p%d)) / power(CAST(10 AS float8), x%d.p%d)",
                       o.alias, x, o.alias, dg, o.alias, dg);
        once_end(&o, b, &body);
        return;
    }
    case BI_FLOOR: case BI_CEIL:
        tb_printf(b, "%s(", e->fn == BI_FLOOR ? "floor" : "ceil");
        ex_as(g, b, e->items[0], TY_REAL);
        tb_add(b, ")");
        return;
    case BI_LOG: case BI_SQRT: {
        once o;
        once_begin(g, &o);
        int x = once_add(g, &o, e->items[0], TY_REAL);
        textbuf body = {0};
        tb_printf(&body, "CASE WHEN x%d.p%d %s 0 THEN %s(x%d.p%d) END", o.alias, x, e->fn == BI_LOG ? ">" : ">=",
                  e->fn == BI_LOG ? "ln" : "sqrt", o.alias, x);
        once_end(&o, b, &body);
        return;
    }
    case BI_EXP:
        tb_add(b, "exp(");
        ex_as(g, b, e->items[0], TY_REAL);
        tb_add(b, ")");
        return;
    default:
        snprintf(what, sizeof what, "the function %s", e->name ? e->name : "?");
        cannot(g, e->loc, what);
    }
}

static int gen_init(gen *g, const study *st, const cohort_data *schema, diag *dg);
static void gen_clear(gen *g);
static void fate(gen *g, textbuf *b, size_t j);

/* included(r, analysis k): r's row (by its key, else its ctid) passes every criterion of
 * analysis k, written by a generator of its own over k's unit path (its
 * aliases shadow these: it reads only inc<n>.k); missing without a row. */
static void ex_included(gen *g, textbuf *b, const expr *e)
{
    const study *sk = NULL;
    for (size_t i = 0; i < g->st->nanalyses; i++)
        if (g->st->analyses[i]->analysis == e->col) sk = g->st->analyses[i];
    if (!g->st->nanalyses && e->col == g->st->analysis) sk = g->st;
    if (!sk || g->depth > 16) {
        cannot(g, e->loc, "included()");
        return;
    }
    int n = ++g->nalias;
    tb_add(b, "(SELECT CASE WHEN inc");
    tb_printf(b, "%d.k IS NULL THEN NULL ELSE COALESCE((SELECT ", n);
    gen in;
    if (gen_init(&in, sk, g->d, g->dg)) {
        gen_clear(&in);
        b->oom = 1;
        return;
    }
    in.depth = g->depth + 1;
    fate(&in, b, 0);
    tb_printf(b, " = %zu ", 2 * sk->ncriteria);
    tb_cat(b, &in.from);
    char alias[32];
    snprintf(alias, sizeof alias, "t%d", sk->unit);
    tb_add(b, " WHERE ");
    row_id(g, b, alias, sk->unit);
    tb_printf(b, " = inc%d.k), FALSE) END FROM (SELECT ", n);
    g->errors += in.errors;
    gen_clear(&in);
    if (e->slot < 0) snprintf(alias, sizeof alias, "t%d", e->table);
    else snprintf(alias, sizeof alias, "q%d", g->var_q[e->slot]);
    row_id(g, b, alias, e->table);
    tb_printf(b, " AS k OFFSET 0) AS inc%d)", n);
}

static void ex_name(gen *g, textbuf *b, const expr *e)
{
    char alias[32];
    switch (e->rkind) {
    case R_COLUMN:
        snprintf(alias, sizeof alias, "t%d", e->table);
        col_ref(g, b, alias, e->table, e->col);
        return;
    case R_VARCOL:
        snprintf(alias, sizeof alias, "q%d", g->var_q[e->slot]);
        col_ref(g, b, alias, e->table, e->col);
        return;
    case R_VARANC: {
        snprintf(alias, sizeof alias, "q%d", g->var_q[e->slot]);
        int a = ++g->nalias;
        char pa[32];
        snprintf(pa, sizeof pa, "a%d", a);
        const table *t = &g->d->tables[e->table];
        tb_add(b, "(SELECT ");
        col_ref(g, b, pa, e->table, e->col);
        tb_add(b, " FROM ");
        rel_name(g, b, e->table, e->loc);
        tb_printf(b, " AS %s WHERE %s.", pa, pa);
        sb_ident(b, t->cols[t->key].name);
        tb_add(b, " = ");
        anc_key(g, b, alias, e->anchor_table, e->table, e->loc);
        tb_add(b, ")");
        return;
    }
    case R_LET:
        if (!sql_type(g->st->lets[e->slot].type.kind)) {
            cannot(g, e->loc, "a list or a map used as a value");
            return;
        }
        need_let(g, e->slot, e->loc);
        if (e->type.kind == TY_REAL && g->st->lets[e->slot].type.kind == TY_INT)
            tb_printf(b, "CAST(l%d.v AS float8)", e->slot);
        else
            tb_printf(b, "l%d.v", e->slot);
        return;
    case R_PARAM:
        ex_as(g, b, g->st->params[e->slot].value, g->st->params[e->slot].type.kind);
        return;
    case R_EPMEMBER:
        need_ep(g, e->slot, e->loc);
        switch (e->col) {
        case EPM_TIME: tb_printf(b, "e%d.time_", e->slot); return;
        case EPM_STATUS: tb_printf(b, "CAST(e%d.status_ AS bigint)", e->slot); return;
        case EPM_EVENT_DATE: tb_printf(b, "e%d.event_date", e->slot); return;
        case EPM_END_DATE: tb_printf(b, "e%d.end_date", e->slot); return;
        }
        return;
    default:
        cannot(g, e->loc, "this name");
    }
}

static void ex(gen *g, textbuf *b, const expr *e)
{
    if (e->type.kind == TY_ANY && e->kind != E_LIST && e->kind != E_MAP) {
        /* of no type yet: made only of `missing`, so missing */
        tb_add(b, "NULL");
        return;
    }
    switch (e->kind) {
    case E_INT: tb_printf(b, "CAST(%lld AS bigint)", (long long)e->ival); return;
    case E_REAL: sb_real(b, e->rval); return;
    case E_BOOL: tb_add(b, e->ival ? "TRUE" : "FALSE"); return;
    case E_MISSING: null_of(b, e->type.kind); return;
    case E_TEXT: sb_literal(b, e->text ? e->text : ""); return;
    case E_DATE: case E_DURATION: sb_real(b, e->days); return;
    case E_LIST: cannot(g, e->loc, "a list used as a value"); return;
    case E_MAP: cannot(g, e->loc, "a map used as a value"); return;
    case E_NAME: case E_FIELD: ex_name(g, b, e); return;
    case E_UNARY:
        if (e->op == OP_NOT) {
            tb_add(b, "(NOT ");
            ex(g, b, e->a);
            tb_add(b, ")");
        } else if (e->op == OP_NEG) {
            tb_add(b, "(-");
            ex_as(g, b, e->a, e->type.kind);
            tb_add(b, ")");
        } else {
            ex(g, b, e->a);
        }
        return;
    case E_BINARY:
        switch (e->op) {
        case OP_AND: case OP_OR:
            tb_add(b, "(");
            ex(g, b, e->a);
            tb_add(b, e->op == OP_AND ? " AND " : " OR ");
            ex(g, b, e->b);
            tb_add(b, ")");
            return;
        case OP_EQ: ex_compare(g, b, e->a, "=", e->b); return;
        case OP_NE: ex_compare(g, b, e->a, "<>", e->b); return;
        case OP_LT: ex_compare(g, b, e->a, "<", e->b); return;
        case OP_LE: ex_compare(g, b, e->a, "<=", e->b); return;
        case OP_GT: ex_compare(g, b, e->a, ">", e->b); return;
        case OP_GE: ex_compare(g, b, e->a, ">=", e->b); return;
        default: ex_arith(g, b, e); return;
        }
    case E_BETWEEN: {
        /* missing when any of the three is (SQL's BETWEEN can be false) */
        int kind = is_text(e->a) ? 0 : TY_REAL;
        once o;
        once_begin(g, &o);
        int x = once_add(g, &o, e->a, kind), lo = once_add(g, &o, e->b, kind), hi = once_add(g, &o, e->c, kind);
        const char *coll = kind ? "" : " COLLATE \"C\"";
        textbuf body = {0};
        tb_printf(&body, "CASE WHEN x%d.p%d IS NULL OR x%d.p%d IS NULL OR x%d.p%d IS NULL THEN NULL "
                  "ELSE x%d.p%d%s >= x%d.p%d AND x%d.p%d%s <= x%d.p%d END", o.alias, x, o.alias, lo, o.alias, hi,
                  o.alias, x, coll, o.alias, lo, o.alias, x, coll, o.alias, hi);
        once_end(&o, b, &body);
        return;
    }
    case E_IN: {
        const expr *l = e->b->kind == E_LIST ? e->b : literal_of(g, e->b, E_LIST);
        if (e->b->kind == E_NAME && e->b->rkind == R_LET && g->st->lets[e->b->slot].s->concepts) {
            ex_in_concepts(g, b, e->a, g->st->lets[e->b->slot].s);
            return;
        }
        if (!l) {
            cannot(g, e->b->loc, "`in` a list that is not written as a literal");
            return;
        }
        /* a value of no type yet (made of missing) takes the list's */
        int ka = e->a->type.kind == TY_ANY ? l->type.elem : e->a->type.kind;
        int kind = ka == TY_TEXT ? TY_TEXT : ka == TY_BOOL ? TY_BOOL : TY_REAL;
        if (l->nitems == 0) {
            tb_add(b, "CASE WHEN ");
            ex(g, b, e->a);
            tb_add(b, " IS NULL THEN NULL ELSE FALSE END");
            return;
        }
        /* IN is true on a match, else unknown when an item (or the value) is missing */
        tb_add(b, "(");
        ex_as(g, b, e->a, kind);
        tb_add(b, " IN (");
        for (size_t i = 0; i < l->nitems; i++) {
            if (i) tb_add(b, ", ");
            ex_as(g, b, l->items[i], kind);
        }
        tb_add(b, "))");
        return;
    }
    case E_WITHIN:
        tb_add(b, "(abs(");
        ex_as(g, b, e->a, TY_REAL);
        tb_add(b, " - ");
        ex_as(g, b, e->c, TY_REAL);
        tb_add(b, ") <= ");
        ex_as(g, b, e->b, TY_REAL);
        tb_add(b, ")");
        return;
    case E_WITHIN2: {
        /* x within [lo, hi] of t: t + lo <= x <= t + hi, missing when any is; an
         * open end makes that comparison strict and an empty window unknown */
        once o;
        once_begin(g, &o);
        int x = once_add(g, &o, e->a, TY_REAL), lo = once_add(g, &o, e->b, TY_REAL);
        int hi = once_add(g, &o, e->c, TY_REAL), t = once_add(g, &o, e->d, TY_REAL);
        int A = o.alias;
        textbuf body = {0};
        tb_printf(&body, "CASE WHEN x%d.p%d IS NULL OR x%d.p%d IS NULL OR x%d.p%d IS NULL OR x%d.p%d IS NULL THEN NULL ",
                  A, x, A, lo, A, hi, A, t);
        if (!e->op) {
            tb_printf(&body, "ELSE x%d.p%d >= x%d.p%d + x%d.p%d AND x%d.p%d <= x%d.p%d + x%d.p%d END",
                      A, x, A, t, A, lo, A, x, A, t, A, hi);
        } else {
            unsigned char so, eo;
            interval_flags(e->op, &so, &eo);
            tb_printf(&body, "WHEN x%d.p%d + x%d.p%d > x%d.p%d + x%d.p%d", A, t, A, lo, A, t, A, hi);
            if (so || eo) tb_printf(&body, " OR x%d.p%d + x%d.p%d = x%d.p%d + x%d.p%d", A, t, A, lo, A, t, A, hi);
            tb_printf(&body, " THEN NULL ELSE x%d.p%d + x%d.p%d %s x%d.p%d AND x%d.p%d %s x%d.p%d + x%d.p%d END",
                      A, t, A, lo, so ? "<" : "<=", A, x, A, x, eo ? "<" : "<=", A, t, A, hi);
        }
        once_end(&o, b, &body);
        return;
    }
    case E_BEFORE: ex_compare(g, b, e->a, "<", e->b); return;
    case E_AFTER: ex_compare(g, b, e->a, ">", e->b); return;
    case E_OVERLAPS: case E_RELATION: ex_relation(g, b, e); return;
    case E_QUANT: ex_quant(g, b, e); return;
    case E_CALL: ex_call(g, b, e); return;
    case E_CASE:
        tb_add(b, "CASE");
        for (size_t i = 0; i + 1 < e->nitems; i += 2) {
            tb_add(b, " WHEN (");
            ex(g, b, e->items[i]);
            tb_add(b, ") IS TRUE THEN ");
            ex_as(g, b, e->items[i + 1], e->type.kind);
        }
        tb_add(b, " ELSE ");
        if (e->a) ex_as(g, b, e->a, e->type.kind);
        else null_of(b, e->type.kind);
        tb_add(b, " END");
        return;
    case E_FORMULA: case E_INTERACT: cannot(g, e->loc, "a formula"); return;
    }
}

/* ---- the query ----------------------------------------------------------------- */

/* FROM the unit table joined to its ancestors, t<table> each */
static void unit_path(gen *g, loc where)
{
    const cohort_data *d = g->d;
    int t = g->st->unit;
    tb_add(&g->from, "FROM ");
    rel_name(g, &g->from, t, where);
    tb_printf(&g->from, " AS t%d", t);
    while (d->tables[t].parent >= 0) {
        int p = d->tables[t].parent;
        tb_add(&g->from, "\n  LEFT JOIN ");
        rel_name(g, &g->from, p, where);
        tb_printf(&g->from, " AS t%d ON t%d.", p, p);
        sb_ident(&g->from, d->tables[p].cols[d->tables[p].key].name);
        tb_printf(&g->from, " = t%d.", t);
        sb_ident(&g->from, d->tables[t].cols[d->tables[t].fk].name);
        t = p;
    }
}

static int gen_init(gen *g, const study *st, const cohort_data *schema, diag *dg)
{
    memset(g, 0, sizeof *g);
    g->st = st;
    g->d = schema;
    g->dg = dg;
    g->let_state = calloc(st->nlets + 1, 1);
    g->ep_state = calloc(st->neps + 1, 1);
    if (!g->let_state || !g->ep_state) return -1;
    unit_path(g, st->data ? st->data->loc : (loc){0});
    return 0;
}

static void gen_clear(gen *g)
{
    free(g->from.s);
    free(g->let_state);
    free(g->ep_state);
}

/* The query out, or NULL after reporting (what cannot be translated, or
 * out of memory); frees the generator and the parts a and b. */
static char *gen_finish(gen *g, textbuf *out, textbuf *a, textbuf *b)
{
    int oom = out->oom || a->oom || b->oom || g->from.oom;
    free(a->s);
    free(b->s);
    gen_clear(g);
    if (!oom && !g->errors) return out->s;
    if (!g->errors) diag_emit(g->dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "out of memory generating SQL");
    free(out->s);
    return NULL;
}

/* CAST(t<table>.key AS text) AS name */
static void key_text(textbuf *b, const cohort_data *d, int t, const char *name)
{
    const table *tb = &d->tables[t];
    tb_printf(b, "CAST(t%d.", t);
    sb_ident(b, tb->cols[tb->key].name);
    tb_printf(b, " AS text) AS %s", name);
}

char *sqlgen_analysis(const study *st, const cohort_data *schema, diag *dg)
{
    gen g;
    textbuf sel = {0}, where = {0}, out = {0};
    if (gen_init(&g, st, schema, dg)) out.oom = 1;
    if (out.oom) return gen_finish(&g, &out, &sel, &where);
    const table *ut = &schema->tables[st->unit], *rt = &schema->tables[st->root];
    int ncol = 0;
    if (ut->key >= 0) {
        key_text(&sel, schema, st->unit, "unit_key");
        ncol++;
    }
    if (st->root != st->unit && rt->key >= 0) {
        if (ncol++) tb_add(&sel, ", ");
        key_text(&sel, schema, st->root, "root_key");
    }
    /* criteria in order: a unit passes when every include is true and every exclude false */
    for (size_t j = 0; j < st->ncriteria; j++) {
        const stmt *s = st->criteria[j];
        tb_add(&where, j ? "\n  AND (" : "\nWHERE (");
        ex(&g, &where, s->value);
        tb_add(&where, s->kind == S_INCLUDE ? ") IS TRUE" : ") IS FALSE");
    }
    for (size_t i = 0; i < st->nlets; i++) {
        int k = st->lets[i].type.kind;
        if (k < TY_INT || k > TY_DURATION || st->lets[i].state != 2) continue;
        need_let(&g, (int)i, st->lets[i].s->name_loc);
        tb_printf(&sel, "%sl%zu.v AS let_%zu", ncol++ ? ", " : "", i, i);
    }
    for (size_t e = 0; e < st->neps; e++) {
        if (st->eps[e].state != 2) continue;
        need_ep(&g, (int)e, st->eps[e].s->name_loc);
        if (st->eps[e].s->ep_entry) tb_printf(&sel, "%se%zu.entry_ AS ep_%zu_entry", ncol++ ? ", " : "", e, e);
        tb_printf(&sel, "%se%zu.time_ AS ep_%zu_time, e%zu.status_ AS ep_%zu_status", ncol++ ? ", " : "", e, e, e, e);
    }
    if (!ncol) tb_add(&sel, "1 AS unit");
    if (st->analysis_name) tb_printf(&out, "-- cohort: analysis %s, one row per %s\n", st->analysis_name, ut->name);
    else tb_printf(&out, "-- cohort: the analysis dataset, one row per %s\n", ut->name);
    tb_add(&out, "SELECT ");
    tb_cat(&out, &sel);
    tb_add(&out, "\n");
    tb_cat(&out, &g.from);
    tb_cat(&out, &where);
    char ua[32];
    snprintf(ua, sizeof ua, "t%d", st->unit);
    tb_add(&out, "\nORDER BY ");
    row_order(&g, &out, ua, st->unit, 0);
    return gen_finish(&g, &out, &sel, &where);
}

/* The fate of a unit (sqlgen.h): criteria j.. nested so that, as in the
 * attrition pass of study.c, a criterion is evaluated only for the units
 * that passed the ones before it (CASE x WHEN evaluates x once). */
static void fate(gen *g, textbuf *b, size_t j)
{
    const study *st = g->st;
    if (j == st->ncriteria) {
        tb_printf(b, "%zu", 2 * j);
        return;
    }
    const stmt *s = st->criteria[j];
    tb_add(b, "CASE (");
    ex(g, b, s->value);
    tb_add(b, s->kind == S_INCLUDE ? ") WHEN TRUE THEN " : ") WHEN FALSE THEN ");
    fate(g, b, j + 1);
    tb_printf(b, " WHEN %s THEN %zu ELSE %zu END", s->kind == S_INCLUDE ? "FALSE" : "TRUE", 2 * j, 2 * j + 1);
}

char *sqlgen_run(const study *st, const cohort_data *schema, const expr *const *cols, size_t ncols, diag *dg)
{
    gen g;
    textbuf f = {0}, units = {0}, out = {0};
    if (gen_init(&g, st, schema, dg)) out.oom = 1;
    if (out.oom) return gen_finish(&g, &out, &f, &units);
    const cohort_data *d = schema;
    const table *ut = &d->tables[st->unit];
    size_t nout = 0;   /* the unit rows' columns after kind_, x_, n_, ord_ */
    tb_add(&f, "SELECT ");
    fate(&g, &f, 0);
    char ua[32];
    snprintf(ua, sizeof ua, "t%d", st->unit);
    tb_add(&f, " AS fate_, ");
    row_order(&g, &f, ua, st->unit, 0);
    tb_add(&f, " AS ord_");
    int nlev = 0;
    for (int a = ut->parent; a >= 0; a = d->tables[a].parent, nlev++) {
        tb_printf(&f, ", t%d.", a);
        sb_ident(&f, d->tables[a].cols[d->tables[a].key].name);
        tb_printf(&f, " AS lv%d_", nlev);
    }
    tb_add(&units, "SELECT 99 AS kind_, CAST(NULL AS bigint) AS x_, CAST(1 AS bigint) AS n_, ord_");
    if (st->root != st->unit && d->tables[st->root].key >= 0) {
        tb_add(&f, ", ");
        key_text(&f, d, st->root, "root_key");
        tb_add(&units, ", root_key");
        nout++;
    }
    for (size_t k = 0; k < ncols; k++) {
        int kind = cols[k]->type.kind;
        if (kind < TY_INT || kind > TY_DURATION) kind = TY_REAL;
        tb_add(&f, ", ");
        ex_as(&g, &f, cols[k], kind);
        tb_printf(&f, " AS c%zu_", k);
        tb_printf(&units, ", c%zu_", k);
        nout++;
    }
    for (size_t e = 0; e < st->neps; e++) {
        if (st->eps[e].state != 2) continue;
        need_ep(&g, (int)e, st->eps[e].s->name_loc);
        tb_printf(&f, ", e%zu.entry_ AS e%zu_entry, e%zu.time_ AS e%zu_time, CAST(e%zu.status_ AS bigint) AS e%zu_status, "
                  "e%zu.end_date AS e%zu_end, CAST(e%zu.ac_ AS bigint) AS e%zu_ac, CAST(e%zu.pb_ AS bigint) AS e%zu_pb",
                  e, e, e, e, e, e, e, e, e, e, e, e);
        tb_printf(&units, ", e%zu_entry, e%zu_time, e%zu_status, e%zu_end, e%zu_ac, e%zu_pb", e, e, e, e, e, e);
        nout += 6;
    }
    tb_add(&f, "\n  ");
    tb_cat(&f, &g.from);
    /* the unit rows first: their types decide the union's */
    if (st->analysis_name) tb_printf(&out, "-- cohort: analysis %s, the attrition and one row per %s that passes\n",
                                     st->analysis_name, ut->name);
    else tb_printf(&out, "-- cohort: the attrition and one row per %s that passes\n", ut->name);
    tb_add(&out, "WITH f AS MATERIALIZED (");
    tb_cat(&out, &f);
    tb_add(&out, ")\n");
    tb_cat(&out, &units);
    tb_printf(&out, " FROM f WHERE fate_ = %zu", 2 * st->ncriteria);
    tb_add(&out, "\nUNION ALL SELECT 0, CAST(fate_ AS bigint), count(*), NULL");
    for (size_t k = 0; k < nout; k++) tb_add(&out, ", NULL");
    tb_add(&out, " FROM f GROUP BY fate_");
    for (int lv = 0; lv < nlev; lv++) {
        tb_printf(&out, "\nUNION ALL SELECT %d, m, count(*), NULL", 1 + lv);
        for (size_t k = 0; k < nout; k++) tb_add(&out, ", NULL");
        tb_printf(&out, " FROM (SELECT CAST(max(fate_ / 2) AS bigint) AS m FROM f WHERE lv%d_ IS NOT NULL "
                  "GROUP BY lv%d_) AS l%d GROUP BY m", lv, lv, lv);
    }
    tb_add(&out, "\nORDER BY kind_, x_, ord_");
    return gen_finish(&g, &out, &f, &units);
}

/* The eras' data problems (sqlgen.h): per era, as era.c counts them, the
 * rows whose condition holds with a missing start, those whose end is before
 * their start, and the gap. */
char *sqlgen_era_problems(const study *st, const cohort_data *schema, diag *dg)
{
    gen g;
    textbuf out = {0}, none = {0}, none2 = {0};
    if (gen_init(&g, st, schema, dg)) out.oom = 1;
    if (out.oom) return gen_finish(&g, &out, &none, &none2);
    tb_add(&out, "-- cohort: the eras' rows with a missing start, ending before their start, and gaps\n");
    for (size_t i = 0; i < st->neras; i++) {
        const stmt *s = st->eras[i];
        int src = data_table_index(schema, s->text);
        if (src < 0 || !spec_of(&g, src)) {
            cannot(&g, s->text_loc, "this era's source table");
            continue;
        }
        int q = ++g.nalias;
        g.var_q[0] = q;
        g.var_table[0] = src;
        if (i) tb_add(&out, "\nUNION ALL ");
        tb_printf(&out, "SELECT CAST(%zu AS bigint) AS era_, count(*) FILTER (WHERE x.s_ IS NULL) AS nostart_, "
                  "count(*) FILTER (WHERE x.e0_ < x.s_) AS reversed_, ", i);
        ex_as(&g, &out, s->gap, TY_DURATION);
        tb_add(&out, " AS gap_ FROM (SELECT floor(");
        ex_as(&g, &out, s->start, TY_DATE);
        tb_add(&out, ") AS s_, floor(");
        ex_as(&g, &out, s->end, TY_DATE);
        tb_add(&out, ") AS e0_ FROM ");
        rel_name(&g, &out, src, s->text_loc);
        tb_printf(&out, " AS q%d", q);
        if (s->value) {
            tb_add(&out, " WHERE (");
            ex(&g, &out, s->value);
            tb_add(&out, ") IS TRUE");
        }
        tb_add(&out, ") x");
    }
    tb_add(&out, "\nORDER BY era_");
    return gen_finish(&g, &out, &none, &none2);
}
