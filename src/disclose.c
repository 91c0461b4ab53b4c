/* disclose.c: what an estimate's arguments would publish as labels (see
 * disclose.h): key columns refused at check time, groupings with too many
 * levels for min_cell refused at run time.  Which parameters show their
 * values is declared by the plugin (COHORT_SPEC_GROUPS, COHORT_SPEC_LEVELS);
 * the factor terms of a formula are shown as coefficient names. */
#include "disclose.h"
#include <stdlib.h>
#include <string.h>

enum { SHOWN_NOT, SHOWN_ALL, SHOWN_CATEGORICAL };

/* How the values of ba are shown. */
static int shown(const estimateinfo *ei, const boundarg *ba)
{
    if (ba->kind == COHORT_ARG_FORMULA) return SHOWN_CATEGORICAL;
    if (!(ba->kind & (COHORT_ARG_COLUMN | COHORT_ARG_COLUMNS))) return SHOWN_NOT;
    const cohort_param_spec *sp = plugin_param_spec(ei->plugin, ei->est->name, ba->param->name);
    if (!sp) return SHOWN_NOT;
    if (sp->flags & COHORT_SPEC_GROUPS) return SHOWN_ALL;
    return (sp->flags & COHORT_SPEC_LEVELS) ? SHOWN_CATEGORICAL : SHOWN_NOT;
}

static int categorical(int type) { return type == TY_TEXT || type == TY_BOOL; }

/* The per-unit expressions of ba: its value, list items or formula terms
 * (a term ref(x, "level") is x). */
static size_t items_of(const boundarg *ba, const expr **out, size_t max)
{
    if (ba->kind == COHORT_ARG_COLUMN) {
        out[0] = ba->value;
        return 1;
    }
    size_t n = 0;
    for (size_t i = 0; i < ba->nitems && n < max; i++) {
        const expr *e = ba->items[i];
        if (e->kind == E_CALL && !strcmp(e->name, "ref") && e->nitems == 2) e = e->items[0];
        out[n++] = e;
    }
    return n;
}

int disclose_keys_allowed(const program *prog)
{
    int allowed = 0;
    for (size_t i = 0; i < prog->nstmts; i++) {
        const stmt *s = prog->stmts[i];
        if (s->kind == S_SETTING && s->value && s->name && s->text && !strcmp(s->name, "privacy") &&
            !strcmp(s->text, "show_keys"))
            allowed = s->value->ival != 0;
    }
    return allowed;
}

/* The key column e stands for (through lets), or -1; *tab its table. */
static int key_column(const study *st, const cohort_data *d, const expr *e, int *tab)
{
    for (int depth = 0; e && e->kind == E_NAME && e->rkind == R_LET && depth < 64; depth++)
        e = st->lets[e->slot].s->value;
    if (!e || (e->kind != E_NAME && e->kind != E_FIELD) || e->rkind != R_COLUMN) return -1;
    if (e->table < 0 || (size_t)e->table >= d->ntables) return -1;
    const table *t = &d->tables[e->table];
    if (e->col != t->key && e->col != t->fk) return -1;
    *tab = e->table;
    return e->col;
}

int disclose_check_keys(const study *st, const cohort_data *d, const estimateinfo *ei, diag *dg)
{
    if (!ei->est || disclose_keys_allowed(st->prog)) return 0;
    int errors = 0;
    for (size_t k = 0; k < ei->nargs; k++) {
        const boundarg *ba = &ei->args[k];
        int how = shown(ei, ba);
        if (how == SHOWN_NOT) continue;
        const expr *items[256];
        size_t n = items_of(ba, items, sizeof items / sizeof items[0]);
        for (size_t i = 0; i < n; i++) {
            int tab, col = key_column(st, d, items[i], &tab);
            if (col < 0 || (how == SHOWN_CATEGORICAL && !categorical(items[i]->type.kind))) continue;
            const table *t = &d->tables[tab];
            char what[256];
            if (col == t->key) snprintf(what, sizeof what, "the key of table %s", t->name);
            else snprintf(what, sizeof what, "the link of table %s to %s", t->name, d->tables[t->parent].name);
            diag_at(dg, DIAG_ERROR, items[i]->loc,
                    "%s is %s: %s's %s%s would print its values as labels, publishing every identifier; use "
                    "another grouping, or write `privacy show_keys = true;` to publish them",
                    t->cols[col].name, what, ei->est->name,
                    ba->kind == COHORT_ARG_FORMULA ? "formula" : ba->param->name, ba->kind == COHORT_ARG_FORMULA ? "" : ":");
            errors++;
        }
    }
    return errors;
}

static int cmp_num(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The number of distinct non-missing values of v, or 0 when out of memory. */
static size_t levels(const cohort_vec *v)
{
    size_t m = 0, distinct = 0;
    if (v->type == COHORT_TYPE_TEXT) {
        const char **x = malloc((v->n + 1) * sizeof *x);
        if (!x) return 0;
        for (size_t i = 0; i < v->n; i++)
            if (!(v->missing && v->missing[i]) && v->text[i]) x[m++] = v->text[i];
        qsort(x, m, sizeof *x, cmp_text);
        for (size_t i = 0; i < m; i++) distinct += i == 0 || strcmp(x[i], x[i - 1]) != 0;
        free(x);
    } else {
        double *x = malloc((v->n + 1) * sizeof *x);
        if (!x) return 0;
        for (size_t i = 0; i < v->n; i++)
            if (!(v->missing && v->missing[i])) x[m++] = v->num[i];
        qsort(x, m, sizeof *x, cmp_num);
        for (size_t i = 0; i < m; i++) distinct += i == 0 || x[i] != x[i - 1];
        free(x);
    }
    return distinct;
}

int disclose_check_levels(const estimateinfo *ei, const cohort_arg *args, size_t n, int min_cell, diag *dg)
{
    if (min_cell < 2) return 0;
    size_t most = n / (size_t)min_cell;
    for (size_t k = 0; k < ei->nargs; k++) {
        const boundarg *ba = &ei->args[k];
        const cohort_arg *a = &args[k];
        int how = shown(ei, ba);
        if (how == SHOWN_NOT) continue;
        const expr *items[256];
        size_t ni = items_of(ba, items, sizeof items / sizeof items[0]);
        for (size_t i = 0; i < ni; i++) {
            const cohort_vec *v = a->kind == COHORT_ARG_COLUMN ? &a->vec
                                  : a->kind == COHORT_ARG_COLUMNS && i < a->columns.n ? &a->columns.vecs[i]
                                  : a->kind == COHORT_ARG_FORMULA && i < a->formula.nterms ? &a->formula.terms[i].vec
                                                                                           : NULL;
            /* a boolean's labels (true, false) say nothing of the units */
            if (!v || v->type == COHORT_TYPE_BOOL || (how == SHOWN_CATEGORICAL && v->type != COHORT_TYPE_TEXT))
                continue;
            size_t l = levels(v);
            if (l <= most) continue;
            diag_at(dg, DIAG_ERROR, items[i]->loc,
                    "%s has %zu values among %zu units: under min_cell %d at most %zu groups can each hold %d "
                    "units, so a label shown by %s would name fewer than %d; group it more coarsely",
                    v->name ? v->name : "this grouping", l, n, min_cell, most, min_cell, ei->est->name, min_cell);
            return -1;
        }
    }
    return 0;
}
