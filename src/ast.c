/* ast.c: the arena that holds a program's tree, and small tree builders. */
#include "ast.h"
#include <stdlib.h>
#include <string.h>

struct arena {
    struct arena *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

static arena *arena_block(size_t cap, arena *next)
{
    arena *a = malloc(sizeof *a + cap);
    if (!a) return NULL;
    a->next = next;
    a->used = 0;
    a->cap = cap;
    return a;
}

program *program_new(void)
{
    program *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->mem = arena_block(64 * 1024, NULL);
    if (!p->mem) { free(p); return NULL; }
    return p;
}

void program_free(program *p)
{
    if (!p) return;
    for (arena *a = p->mem, *n; a; a = n) {
        n = a->next;
        free(a);
    }
    for (size_t i = 0; i < p->nfiles; i++) srcfile_free(p->files[i]);
    free(p->files);
    free(p->stmts);
    free(p);
}

void *ast_alloc(program *p, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    if (p->mem->used + size > p->mem->cap) {
        size_t cap = size > 64 * 1024 ? size : 64 * 1024;
        arena *a = arena_block(cap, p->mem);
        if (!a) return NULL;
        p->mem = a;
    }
    void *r = p->mem->data + p->mem->used;
    p->mem->used += size;
    memset(r, 0, size);
    return r;
}

char *ast_strdup(program *p, const char *s, size_t len)
{
    char *r = ast_alloc(p, len + 1);
    if (!r) return NULL;
    memcpy(r, s, len);
    r[len] = 0;
    return r;
}

expr *ast_expr(program *p, ekind kind, loc l)
{
    expr *e = ast_alloc(p, sizeof *e);
    if (!e) return NULL;
    e->kind = kind;
    e->loc = l;
    e->table = e->col = e->slot = e->fn = e->qslot = e->pf_col = -1;
    return e;
}

void ast_push_item(program *p, expr *e, expr *item)
{
    /* arena arrays cannot grow in place: double the room when it is full,
     * so a list of n items costs O(n) time and memory */
    if (e->nitems >= e->items_cap) {
        size_t cap = e->nitems ? 2 * e->nitems : 4;
        expr **items = ast_alloc(p, cap * sizeof *items);
        if (!items) return;
        if (e->nitems) memcpy(items, e->items, e->nitems * sizeof *items);
        e->items = items;
        e->items_cap = cap;
    }
    e->items[e->nitems++] = item;
}

int program_add(program *p, stmt *s)
{
    if (p->nstmts == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 32;
        stmt **n = realloc(p->stmts, cap * sizeof *n);
        if (!n) return -1;
        p->stmts = n;
        p->cap = cap;
    }
    p->stmts[p->nstmts++] = s;
    return 0;
}

const char *ty_name(ty t)
{
    static const char *const names[] = {
        "<error>", "integer", "real", "text", "date", "boolean", "duration",
        "list", "map", "endpoint", "formula", "missing"};
    if (t.kind == TY_LIST) {
        static const char *const lists[] = {
            "list", "list of integer", "list of real", "list of text", "list of date",
            "list of boolean", "list of duration"};
        return t.elem <= TY_DURATION ? lists[t.elem] : "list";
    }
    return t.kind <= TY_ANY ? names[t.kind] : "?";
}

const char *dunit_name(int u)
{
    static const char *const names[] = {"days", "weeks", "months", "years"};
    return names[u];
}
