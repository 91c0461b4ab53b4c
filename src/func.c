/* func.c: calls of parametrised definitions.  `define f(a, b) = body;` is a
 * template: each call f(x, y) is replaced, at check time, by a fresh copy of
 * the body in which a and b are fresh copies of x and y.  The checker then
 * checks that copy in place of the call (so every call is type-checked with
 * its own arguments) and the evaluator sees only ordinary expressions.
 *
 * Hygiene: names keep the meaning they have where they are written.  A row
 * variable bound inside the body never captures a name of an argument (the
 * body's variable is renamed), and a name the body uses on its own never
 * resolves to a row variable of the caller (the caller's variable is
 * renamed, in the arguments and in the checker's scope).  Renamed variables
 * are spelled NAME'N, which no rules file can spell. */
#include "func.h"
#include <stdio.h>
#include <string.h>
#include "srcfile.h"

#define MAX_FUNC_PARAMS 64

typedef struct fctx {
    program *prog;
    const stmt *def;
    const expr *call;
    expr **args;           /* the prepared arguments (copies, caller variables renamed) */
    unsigned *serial;
    diag *dg;
    int failed;
} fctx;

/* Does `name` occur free in e (as a name or as the row of a field)? */
static int occurs_free(const expr *e, const char *name)
{
    if (!e) return 0;
    if (e->kind == E_NAME) return strcmp(e->name, name) == 0;
    /* a quantifier's range (`c` of `c.lesions`) is outside its variable's
     * scope; the variable is bound in its where and its body */
    if (e->kind == E_QUANT && e->via && strcmp(e->via, name) == 0) return 1;
    if (e->kind == E_QUANT && e->var && strcmp(e->var, name) == 0) return 0;
    if (occurs_free(e->a, name) || occurs_free(e->b, name) || occurs_free(e->c, name) || occurs_free(e->d, name))
        return 1;
    for (size_t i = 0; i < e->nitems; i++)
        if (occurs_free(e->items[i], name)) return 1;
    return 0;
}

/* Rename the free occurrences of `from` in e to `to`. */
static void rename_free(expr *e, const char *from, char *to)
{
    if (!e) return;
    if (e->kind == E_NAME) {
        if (strcmp(e->name, from) == 0) e->name = to;
        return;
    }
    if (e->kind == E_QUANT && e->via && strcmp(e->via, from) == 0) e->via = to;
    if (e->kind == E_QUANT && e->var && strcmp(e->var, from) == 0) return;
    rename_free(e->a, from, to);
    rename_free(e->b, from, to);
    rename_free(e->c, from, to);
    rename_free(e->d, from, to);
    for (size_t i = 0; i < e->nitems; i++) rename_free(e->items[i], from, to);
}

static char *fresh_name(fctx *c, const char *name)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf, "%s'%u", name, ++*c->serial);
    return ast_strdup(c->prog, buf, n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* A deep copy of e as the parser made it: what the checker fills in is
 * reset, so the copy is checked on its own. */
static expr *copy(program *p, const expr *e)
{
    if (!e) return NULL;
    expr *n = ast_alloc(p, sizeof *n);
    if (!n) return NULL;
    *n = *e;
    n->type = (ty){TY_ERROR, 0};
    n->rkind = R_NONE;
    n->table = n->col = n->slot = n->fn = n->qslot = n->pf_col = n->anchor_slot = n->anchor_table = -1;
    n->days = 0;
    n->text = NULL;
    n->is_const = n->row_only = n->prefiltered = n->uses_unit = 0;
    n->a = copy(p, e->a);
    n->b = copy(p, e->b);
    n->c = copy(p, e->c);
    n->d = copy(p, e->d);
    if (e->nitems) {
        n->items = ast_alloc(p, e->nitems * sizeof *n->items);
        if (!n->items) return NULL;
        for (size_t i = 0; i < e->nitems; i++) n->items[i] = copy(p, e->items[i]);
    }
    return n;
}

static int param_index(const stmt *def, const char *name)
{
    for (size_t i = 0; i < def->nxparams; i++)
        if (strcmp(def->xparams[i].name, name) == 0) return (int)i;
    return -1;
}

/* Rename the body's row variables that an argument names (they would
 * capture it). */
static void rename_bound(fctx *c, expr *e)
{
    if (!e) return;
    if (e->kind == E_QUANT && e->var) {
        for (size_t k = 0; k < c->call->nitems; k++)
            if (occurs_free(c->args[k], e->var)) {
                char *to = fresh_name(c, e->var);
                rename_free(e->a, e->var, to);
                rename_free(e->b, e->var, to);
                e->var = to;
                break;
            }
    }
    rename_bound(c, e->a);
    rename_bound(c, e->b);
    rename_bound(c, e->c);
    rename_bound(c, e->d);
    for (size_t i = 0; i < e->nitems; i++) rename_bound(c, e->items[i]);
}

/* Is argument k, used as a row (`p.name` at `at`), a name?  Else report. */
static int row_arg(fctx *c, int k, const char *p, const char *name, loc at)
{
    if (c->args[k]->kind == E_NAME) return 1;
    diag_at(c->dg, DIAG_ERROR, c->call->items[k]->loc,
            "argument %d of %s is used as a row ('%s.%s'): it must be a row variable or a table name", k + 1,
            c->def->name, p, name);
    diag_at(c->dg, DIAG_NOTE, at, "'%s' is used as a row here", p);
    c->failed = 1;
    return 0;
}

/* Replace the parameters in e (except those a quantifier of the body hides:
 * bit k of `hidden`) by copies of their arguments; returns the new e. */
static expr *subst(fctx *c, expr *e, unsigned long long hidden)
{
    if (!e) return NULL;
    if (e->kind == E_NAME) {
        int k = param_index(c->def, e->name);
        if (k < 0 || (hidden >> k & 1)) return e;
        expr *r = copy(c->prog, c->args[k]);
        return r ? r : e;
    }
    if (e->kind == E_FIELD && e->a && e->a->kind == E_NAME) {
        int k = param_index(c->def, e->a->name);
        if (k >= 0 && !(hidden >> k & 1)) {
            if (row_arg(c, k, e->a->name, e->name, e->loc)) e->a = copy(c->prog, c->args[k]);
            return e;
        }
    }
    if (e->kind == E_QUANT && e->via) {
        /* any r.lesions l: ... with a parameter r */
        int k = param_index(c->def, e->via);
        if (k >= 0 && !(hidden >> k & 1) && row_arg(c, k, e->via, e->name, e->via_loc)) e->via = c->args[k]->name;
    }
    unsigned long long h = hidden;
    if (e->kind == E_QUANT && e->var) {
        int k = param_index(c->def, e->var);
        if (k >= 0) h |= 1ULL << k;
    }
    e->a = subst(c, e->a, h);
    e->b = subst(c, e->b, h);
    e->c = subst(c, e->c, h);
    e->d = subst(c, e->d, h);
    for (size_t i = 0; i < e->nitems; i++) e->items[i] = subst(c, e->items[i], h);
    return e;
}

/* "f -> g -> f" for a call of def inside the expansion chain `active` */
static void chain_text(const func_frame *active, const stmt *def, char *buf, size_t size)
{
    const func_frame *list[64];
    size_t n = 0;
    for (const func_frame *f = active; f && n < 64; f = f->up) {
        list[n++] = f;
        if (f->def == def) break;
    }
    buf[0] = 0;
    for (size_t i = n; i-- > 0;) {
        size_t l = strlen(buf);
        snprintf(buf + l, size - l, "%s -> ", list[i]->def->name);
    }
    size_t l = strlen(buf);
    snprintf(buf + l, size - l, "%s", def->name);
}

expr *func_expand(program *prog, const stmt *def, const expr *call, const func_frame *active,
                  const char **vars, int nvars, unsigned *serial, diag *dg)
{
    for (const func_frame *f = active; f; f = f->up)
        if (f->def == def) {
            char chain[512];
            chain_text(active, def, chain, sizeof chain);
            diag_at(dg, DIAG_ERROR, call->loc, "%s is recursive (%s): a definition cannot call itself",
                    def->name, chain);
            return NULL;
        }
    if (call->nitems != def->nxparams || def->nxparams > MAX_FUNC_PARAMS) {
        char names[512] = "";
        for (size_t i = 0; i < def->nxparams; i++) {
            size_t l = strlen(names);
            snprintf(names + l, sizeof names - l, "%s%s", i ? ", " : "", def->xparams[i].name);
        }
        if (def->nxparams > MAX_FUNC_PARAMS)
            diag_at(dg, DIAG_ERROR, def->name_loc, "%s has more than %d parameters", def->name, MAX_FUNC_PARAMS);
        else
            diag_at(dg, DIAG_ERROR, call->loc, "%s takes %zu argument%s (%s), got %zu", def->name, def->nxparams,
                    def->nxparams == 1 ? "" : "s", names, call->nitems);
        diag_at(dg, DIAG_NOTE, def->name_loc, "%s is defined here", def->name);
        return NULL;
    }
    expr *args[MAX_FUNC_PARAMS];
    fctx c = {prog, def, call, args, serial, dg, 0};
    for (size_t k = 0; k < call->nitems; k++)
        if (!(args[k] = copy(prog, call->items[k]))) return NULL;
    /* the caller's row variables that the body names on its own */
    for (int v = 0; v < nvars; v++)
        if (param_index(def, vars[v]) < 0 && occurs_free(def->value, vars[v])) {
            char *to = fresh_name(&c, vars[v]);
            for (size_t k = 0; k < call->nitems; k++) rename_free(args[k], vars[v], to);
            vars[v] = to;
        }
    expr *body = copy(prog, def->value);
    if (!body) return NULL;
    rename_bound(&c, body);
    body = subst(&c, body, 0);
    return c.failed ? NULL : body;
}
