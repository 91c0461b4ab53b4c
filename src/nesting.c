/* nesting.c: refuses expressions that nest deeper than NESTING_MAX, before
 * any recursive phase (checker, evaluator, export) walks them.  The walk
 * itself uses an explicit stack, so it is safe on a tree of any depth. */
#include "nesting.h"
#include <stdlib.h>

typedef struct frame {
    const expr *e;
    size_t depth;
} frame;

typedef struct walk {
    frame *v;
    size_t n, cap;
    int oom;
} walk;

static void push(walk *w, const expr *e, size_t depth)
{
    if (!e || w->oom) return;
    if (w->n == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 64;
        frame *v = realloc(w->v, cap * sizeof *v);
        if (!v) { w->oom = 1; return; }
        w->v = v;
        w->cap = cap;
    }
    w->v[w->n].e = e;
    w->v[w->n++].depth = depth;
}

int nesting_check_expr(const expr *root, diag *dg)
{
    walk w = {0};
    push(&w, root, 1);
    int errors = 0;
    while (w.n && !errors) {
        frame f = w.v[--w.n];
        const expr *e = f.e;
        if (f.depth > NESTING_MAX) {
            diag_at(dg, DIAG_ERROR, e->loc, "expression nested more than %d deep; "
                    "split it into several lets", NESTING_MAX);
            errors++;
            break;
        }
        push(&w, e->a, f.depth + 1);
        push(&w, e->b, f.depth + 1);
        push(&w, e->c, f.depth + 1);
        push(&w, e->d, f.depth + 1);
        for (size_t i = 0; i < e->nitems; i++) push(&w, e->items[i], f.depth + 1);
    }
    if (w.oom && !errors) {
        diag_at(dg, DIAG_ERROR, root->loc, "out of memory while checking this expression");
        errors++;
    }
    free(w.v);
    return errors;
}

int nesting_check_stmt(const stmt *s, diag *dg)
{
    int errors = 0;
    if (s->value) errors += nesting_check_expr(s->value, dg);
    if (s->origin) errors += nesting_check_expr(s->origin, dg);
    if (s->event) errors += nesting_check_expr(s->event, dg);
    if (s->censor) errors += nesting_check_expr(s->censor, dg);
    for (size_t i = 0; i < s->ncompeting; i++)
        if (s->competing[i]) errors += nesting_check_expr(s->competing[i], dg);
    for (size_t i = 0; i < s->nargs; i++)
        if (s->args[i].value) errors += nesting_check_expr(s->args[i].value, dg);
    return errors;
}
