/* formula.c: expansion of a model formula's right side into its terms, as
 * R's terms.formula does (see formula.h). */
#include "formula.h"
#include <stdlib.h>
#include <string.h>

/* A term: a set of variables, as indices into the formula's variables. */
typedef struct fterm {
    unsigned char v[FORMULA_MAX_VARS];
    size_t n;
    int too_many;          /* more variables than FORMULA_MAX_VARS */
    expr *at;              /* where it was written (for messages) */
} fterm;

typedef struct ftlist {
    fterm *t;
    size_t n, cap;
} ftlist;

/* The formula's distinct variables in order of first appearance. */
typedef struct fvars {
    expr **e;              /* canonical form: the ref() call if any occurrence has one */
    size_t n, cap;
} fvars;

/* the expression a variable stands for: x of ref(x, "level") */
static const expr *var_of(const expr *e)
{
    if (e->kind == E_CALL && e->name && strcmp(e->name, "ref") == 0 && e->nitems == 2) return e->items[0];
    return e;
}

/* The text of l (one line, or up to its first line's end), backquotes kept
 * out of the comparison by the caller. */
static const char *span(loc l, size_t *len)
{
    size_t n = 0;
    const char *line = srcfile_line(l.file, l.line, &n);
    if (!line) { *len = 0; return ""; }
    int end = l.end_line == l.line ? l.end_col : (int)n;
    if (end > (int)n) end = (int)n;
    int start = l.col - 1 < 0 ? 0 : l.col - 1;
    if (end < start) end = start;
    *len = (size_t)(end - start);
    return line + start;
}

/* Two variables are the same when written the same (quotes aside), as R
 * compares the deparsed variables. */
static int same_var(const expr *a, const expr *b)
{
    size_t la, lb, i = 0, j = 0;
    const char *sa = span(var_of(a)->loc, &la), *sb = span(var_of(b)->loc, &lb);
    for (;;) {
        while (i < la && sa[i] == '`') i++;
        while (j < lb && sb[j] == '`') j++;
        if (i == la || j == lb) return i == la && j == lb;
        if (sa[i++] != sb[j++]) return 0;
    }
}

static int var_index(fvars *vs, expr *e)
{
    for (size_t i = 0; i < vs->n; i++)
        if (same_var(vs->e[i], e)) {
            if (e->kind == E_CALL && var_of(e) != e && var_of(vs->e[i]) == vs->e[i]) vs->e[i] = e;
            return (int)i;
        }
    if (vs->n == vs->cap) {
        size_t cap = vs->cap ? 2 * vs->cap : 16;
        expr **x = realloc(vs->e, cap * sizeof *x);
        if (!x) return -1;
        vs->e = x;
        vs->cap = cap;
    }
    vs->e[vs->n] = e;
    return (int)vs->n++;
}

static int push(ftlist *l, const fterm *t)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        fterm *x = realloc(l->t, cap * sizeof *x);
        if (!x) return -1;
        l->t = x;
        l->cap = cap;
    }
    l->t[l->n++] = *t;
    return 0;
}

/* the union of two terms' variables */
static fterm join(const fterm *a, const fterm *b, expr *at)
{
    fterm r = *a;
    r.at = at;
    r.too_many |= b->too_many;
    for (size_t j = 0; j < b->n; j++) {
        size_t k = 0;
        while (k < r.n && r.v[k] != b->v[j]) k++;
        if (k < r.n) continue;
        if (r.n == FORMULA_MAX_VARS) r.too_many = 1;
        else r.v[r.n++] = b->v[j];
    }
    return r;
}

/* The terms of e appended to out: + is the union of the sides' terms, a:b
 * every union of a term of a with one of b, a * b both. */
static int expand(expr *e, fvars *vs, ftlist *out)
{
    if (!e) return 0;
    int add = e->kind == E_BINARY && e->op == OP_ADD;
    int mul = e->kind == E_BINARY && e->op == OP_MUL;
    if (!add && !mul && e->kind != E_INTERACT) {
        int v = var_index(vs, e);
        if (v < 0 || v > 255) return -1;
        fterm t = {{(unsigned char)v}, 1, 0, e};
        return push(out, &t);
    }
    ftlist a = {0}, b = {0};
    int rc = expand(e->a, vs, &a) || expand(e->b, vs, &b);
    if (!rc && (add || mul))
        for (size_t i = 0; i < a.n && !rc; i++) rc = push(out, &a.t[i]);
    if (!rc && (add || mul))
        for (size_t i = 0; i < b.n && !rc; i++) rc = push(out, &b.t[i]);
    if (!rc && !add)
        for (size_t i = 0; i < a.n && !rc; i++)
            for (size_t j = 0; j < b.n && !rc; j++) {
                fterm t = join(&a.t[i], &b.t[j], e);
                rc = push(out, &t);
            }
    free(a.t);
    free(b.t);
    return rc ? -1 : 0;
}

static int has(const fterm *t, unsigned char v)
{
    for (size_t k = 0; k < t->n; k++)
        if (t->v[k] == v) return 1;
    return 0;
}

/* every variable of a is in b */
static int subset(const fterm *a, size_t skip, const fterm *b)
{
    for (size_t k = 0; k < a->n; k++)
        if (k != skip && !has(b, a->v[k])) return 0;
    return 1;
}

void formula_terms(program *prog, expr *f, expr *rhs)
{
    fvars vs = {0};
    ftlist all = {0}, terms = {0};
    if (expand(rhs, &vs, &all) != 0) {
        ast_push_item(prog, f, rhs);   /* out of memory: the checker sees one term */
        goto done;
    }
    /* repeated terms count once; variables sorted by first appearance */
    for (size_t i = 0; i < all.n; i++) {
        fterm t = all.t[i];
        for (size_t a = 1; a < t.n; a++)
            for (size_t b = a; b > 0 && t.v[b - 1] > t.v[b]; b--) {
                unsigned char x = t.v[b];
                t.v[b] = t.v[b - 1];
                t.v[b - 1] = x;
            }
        size_t k = 0;
        while (k < terms.n && !(terms.t[k].n == t.n && subset(&t, (size_t)-1, &terms.t[k]))) k++;
        if (k == terms.n && push(&terms, &t) != 0) break;
    }
    /* main effects first, then by degree (stable) */
    for (size_t deg = 1, left = terms.n; left > 0; deg++) {
        for (size_t i = 0; i < terms.n; i++) {
            const fterm *t = &terms.t[i];
            if (t->n != deg) continue;
            left--;
            if (t->n == 1) {
                ast_push_item(prog, f, vs.e[t->v[0]]);
                continue;
            }
            expr *ia = ast_expr(prog, E_INTERACT, t->at->loc);
            if (!ia) continue;
            /* the contrasts rule of R's model.matrix (TermCode): a factor is
             * coded by contrasts when the term without it is contained in a
             * term before this one */
            for (size_t k = 0; k < t->n; k++) {
                ast_push_item(prog, ia, vs.e[t->v[k]]);
                int contrast = 0;
                for (size_t j = 0; j < terms.n && !contrast; j++)
                    contrast = (terms.t[j].n == t->n - 1 || (terms.t[j].n == t->n && j < i)) &&
                               subset(t, k, &terms.t[j]);
                if (contrast) ia->op |= 1 << k;
            }
            ia->ival = t->too_many;
            ast_push_item(prog, f, ia);
        }
    }
done:
    free(vs.e);
    free(all.t);
    free(terms.t);
}
