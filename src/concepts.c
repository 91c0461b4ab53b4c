/* concepts.c: concept sets of the OMOP CDM.  `concepts NAME = SET;` is a
 * constant list of integer concept ids, used like any list
 * (`d.drug_concept_id in her2_drugs`).  A SET is
 *   descendants(ID, ...)   the concepts and every descendant of them in the
 *                          table concept_ancestor (ancestor_concept_id ->
 *                          descendant_concept_id), as ATLAS's "include
 *                          descendants";
 *   [ID, ...]              these concepts only;
 *   NAME                   a concept set defined before this one;
 *   A + B, A - B           union, and A without the concepts of B
 *                          (ATLAS's "exclude").
 * The form is checked with the rules (concept_ancestor must be declared,
 * with integer columns, when descendants() is used); the ids are read from
 * the data when they are loaded, so the set lists the concepts that exist
 * in the vocabulary of the database at hand.  The set is the let's value:
 * a list of integer literals, sorted, filled in here.  Documented in
 * cohort-rules(5), STATEMENTS, concepts. */
#include "concepts.h"
#include <stdlib.h>
#include <string.h>
#include "interval.h"

#define ANCESTOR_TABLE CONCEPTS_ANCESTOR_TABLE
#define ANCESTOR_COL CONCEPTS_ANCESTOR_COL
#define DESCENDANT_COL CONCEPTS_DESCENDANT_COL

const stmt *concepts_earlier(const study *st, const stmt *s, const char *name)
{
    for (size_t i = 0; i < st->nlets && st->lets[i].s != s; i++)
        if (st->lets[i].s->concepts && strcmp(st->lets[i].s->name, name) == 0) return st->lets[i].s;
    return NULL;
}

static int is_id(const expr *e)
{
    return e && e->kind == E_INT;
}

/* One integer column of concept_ancestor, or -1 (reported at e). */
static int ancestor_column(const cohort_data *d, int t, const char *name, const expr *e, diag *dg)
{
    int c = data_column_index(&d->tables[t], name);
    if (c < 0)
        diag_at(dg, DIAG_ERROR, e->loc, "descendants() reads column %s of table %s, which has no such column",
                name, ANCESTOR_TABLE);
    else if (d->tables[t].cols[c].type != CT_INT)
        diag_at(dg, DIAG_ERROR, e->loc, "descendants() reads column %s of table %s as integer concept ids, "
                "but it is not an integer column", name, ANCESTOR_TABLE);
    else
        return c;
    return -1;
}

static int check_set(const study *st, const cohort_data *d, const stmt *s, const expr *e, diag *dg)
{
    switch (e->kind) {
    case E_CALL:
        if (strcmp(e->name, "descendants") != 0) break;
        if (!e->nitems) {
            diag_at(dg, DIAG_ERROR, e->loc, "descendants() needs at least one concept id");
            return 1;
        }
        for (size_t i = 0; i < e->nitems; i++)
            if (!is_id(e->items[i])) {
                diag_at(dg, DIAG_ERROR, e->items[i]->loc, "a concept id is an integer (a concept_id of the vocabulary)");
                return 1;
            }
        int t = data_table_index(d, ANCESTOR_TABLE);
        if (t < 0) {
            diag_at(dg, DIAG_ERROR, e->loc, "descendants() reads table %s, which the data statement does not "
                    "declare (import \"lib/omop.rules\", or declare: table %s;)", ANCESTOR_TABLE, ANCESTOR_TABLE);
            return 1;
        }
        return (ancestor_column(d, t, ANCESTOR_COL, e, dg) < 0) + (ancestor_column(d, t, DESCENDANT_COL, e, dg) < 0);
    case E_LIST:
        if (e->op & (IV_SOPEN | IV_EOPEN)) break;
        for (size_t i = 0; i < e->nitems; i++)
            if (!is_id(e->items[i])) {
                diag_at(dg, DIAG_ERROR, e->items[i]->loc, "a concept id is an integer (a concept_id of the vocabulary)");
                return 1;
            }
        return 0;
    case E_NAME:
        if (concepts_earlier(st, s, e->name)) return 0;
        diag_at(dg, DIAG_ERROR, e->loc, "'%s' is not a concept set defined before %s", e->name, s->name);
        return 1;
    case E_BINARY:
        if (e->op != OP_ADD && e->op != OP_SUB) break;
        return check_set(st, d, s, e->a, dg) + check_set(st, d, s, e->b, dg);
    default:
        break;
    }
    diag_at(dg, DIAG_ERROR, e->loc, "a concept set is descendants(ID, ...), a list [ID, ...], an earlier "
            "concept set, or sets joined with + (union) and - (without)");
    return 1;
}

int concepts_check(const study *st, const cohort_data *d, const stmt *s, diag *dg)
{
    return check_set(st, d, s, s->concepts, dg);
}

/* ---- sets of ids ------------------------------------------------------------ */

typedef struct idset {
    int64_t *v;
    size_t n, cap;
} idset;

static int push(idset *s, int64_t x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        int64_t *v = realloc(s->v, cap * sizeof *v);
        if (!v) return -1;
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
    return 0;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* sort and drop duplicates */
static void normalise(idset *s)
{
    if (s->n) qsort(s->v, s->n, sizeof *s->v, cmp_id);
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (k == 0 || s->v[k - 1] != s->v[i]) s->v[k++] = s->v[i];
    s->n = k;
}

static int has(const idset *s, int64_t x)
{
    return s->n && bsearch(&x, s->v, s->n, sizeof x, cmp_id) != NULL;
}

/* The ids of a concept set already resolved (its let's list). */
static int add_list(idset *out, const expr *l)
{
    for (size_t i = 0; i < l->nitems; i++)
        if (push(out, l->items[i]->ival)) return -1;
    return 0;
}

/* The ids of set expression e into out (normalised); 0 or -1 (out of memory). */
static int eval_set(const study *st, const cohort_data *d, const stmt *s, const expr *e, idset *out)
{
    switch (e->kind) {
    case E_CALL: {
        idset roots = {0};
        int rc = 0;
        for (size_t i = 0; i < e->nitems && !rc; i++) rc = push(&roots, e->items[i]->ival);
        normalise(&roots);
        int t = data_table_index(d, ANCESTOR_TABLE);
        const table *tb = &d->tables[t];
        const column *a = &tb->cols[data_column_index(tb, ANCESTOR_COL)];
        const column *de = &tb->cols[data_column_index(tb, DESCENDANT_COL)];
        for (size_t i = 0; i < roots.n && !rc; i++) rc = push(out, roots.v[i]);
        for (size_t r = 0; r < tb->nrows && !rc; r++)
            if (!col_missing(a, r) && !col_missing(de, r) && has(&roots, col_int(a, r))) rc = push(out, col_int(de, r));
        free(roots.v);
        if (rc) return -1;
        break;
    }
    case E_LIST:
        for (size_t i = 0; i < e->nitems; i++)
            if (push(out, e->items[i]->ival)) return -1;
        break;
    case E_NAME:
        if (add_list(out, concepts_earlier(st, s, e->name)->value)) return -1;
        break;
    default: {   /* E_BINARY + or - */
        if (eval_set(st, d, s, e->a, out)) return -1;
        if (e->op == OP_ADD) {
            if (eval_set(st, d, s, e->b, out)) return -1;
            break;
        }
        idset minus = {0};
        if (eval_set(st, d, s, e->b, &minus)) { free(minus.v); return -1; }
        size_t k = 0;
        for (size_t i = 0; i < out->n; i++)
            if (!has(&minus, out->v[i])) out->v[k++] = out->v[i];
        out->n = k;
        free(minus.v);
        break;
    }
    }
    normalise(out);
    return 0;
}

int concepts_resolve(study *st, const cohort_data *d, diag *dg)
{
    for (size_t i = 0; i < st->nlets; i++) {
        stmt *s = st->lets[i].s;
        if (!s->concepts) continue;
        idset ids = {0};
        expr **items = NULL;
        int rc = eval_set(st, d, s, s->concepts, &ids);
        if (!rc && ids.n) {
            items = ast_alloc(st->prog, ids.n * sizeof *items);
            rc = items ? 0 : -1;
        }
        for (size_t k = 0; !rc && k < ids.n; k++) {
            expr *x = ast_expr(st->prog, E_INT, s->concepts->loc);
            if (!x) { rc = -1; break; }
            x->ival = ids.v[k];
            x->type.kind = TY_INT;
            x->is_const = 1;
            items[k] = x;
        }
        free(ids.v);
        if (rc) {
            diag_at(dg, DIAG_ERROR, s->name_loc, "out of memory resolving concept set %s", s->name);
            return -1;
        }
        s->value->items = items;
        s->value->nitems = s->value->items_cap = ids.n;
        if (!ids.n)
            diag_at(dg, DIAG_WARNING, s->name_loc, "concept set %s is empty in this vocabulary", s->name);
    }
    return 0;
}
