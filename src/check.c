/* check.c: name and type resolution.  check_prepare reads the declarations
 * that need no data (data tables, unit, params, time units); check_resolve
 * resolves every expression against the schema and binds every estimate's
 * arguments to its plugin's parameters, so all errors in the rules are
 * reported before any data is evaluated. */
#include "check.h"
#include "disclose.h"
#include "formula.h"
#include "future.h"
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "argspec.h"
#include "builtins.h"
#include "concepts.h"
#include "func.h"
#include "interval.h"
#include "xcall.h"
#include "parse.h"
#include "render.h"
#include "strpool.h"

typedef struct scope {
    study *st;
    const cohort_data *d;
    diag *dg;
    plugin_reg *plugins;
    int nvars;
    struct { const char *name; int table; } vars[MAX_QUANT_DEPTH];
    int formula_term;      /* checking a formula term: exposures allowed */
    const func_frame *active;  /* the definitions being expanded (func.c) */
} scope;

static const ty T_ERR = {TY_ERROR, 0};
static ty mk(int k) { ty t = {(uint8_t)k, 0}; return t; }
static ty mklist(int elem) { ty t = {TY_LIST, (uint8_t)elem}; return t; }

static int is_num(ty t) { return t.kind == TY_INT || t.kind == TY_REAL; }
static int is_any(ty t) { return t.kind == TY_ANY; }
static int is_err(ty t) { return t.kind == TY_ERROR; }
/* can a value of type a be compared with / stand in for type b? */
static int compatible(ty a, ty b)
{
    if (is_any(a) || is_any(b) || is_err(a) || is_err(b)) return 1;
    if (is_num(a) && is_num(b)) return 1;
    if (a.kind == TY_LIST && b.kind == TY_LIST) return a.elem == b.elem || a.elem == TY_ANY || b.elem == TY_ANY ||
        ((a.elem == TY_INT || a.elem == TY_REAL) && (b.elem == TY_INT || b.elem == TY_REAL));
    return a.kind == b.kind;
}
/* the common type of two compatible types */
static ty unify(ty a, ty b)
{
    if (is_any(a)) return b;
    if (is_any(b)) return a;
    if (is_num(a) && is_num(b)) return mk(a.kind == TY_REAL || b.kind == TY_REAL ? TY_REAL : TY_INT);
    return a;
}

static void err(scope *sc, const expr *e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void err(scope *sc, const expr *e, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_at(sc->dg, DIAG_ERROR, e->loc, "%s", buf);
}

/* ---- tables ---------------------------------------------------------------- */

static const tabledecl *decl_of(const study *st, int t)
{
    return t >= 0 && (size_t)t < st->data->ntables ? &st->data->tables[t] : NULL;
}

/* `patients`, its alias, or (without an alias) its singular `patient` */
static int table_named(const study *st, int t, const char *name)
{
    const tabledecl *td = decl_of(st, t);
    if (!td) return 0;
    if (strcmp(td->name, name) == 0) return 1;
    if (td->alias) return strcmp(td->alias, name) == 0;
    size_t n = strlen(td->name);
    return n > 1 && td->name[n - 1] == 's' && strlen(name) == n - 1 && strncmp(td->name, name, n - 1) == 0;
}

static int find_table(const study *st, const char *name)
{
    for (size_t i = 0; i < st->data->ntables; i++)
        if (table_named(st, (int)i, name)) return (int)i;
    return -1;
}

/* The word that names one row of table t in paths: its alias, or its
 * singular (`patient` for patients), or its name. */
static void table_word(const study *st, int t, char *buf, size_t size)
{
    const tabledecl *td = decl_of(st, t);
    const char *name = td ? td->name : "?";
    size_t n = strlen(name);
    if (td && td->alias) snprintf(buf, size, "%s", td->alias);
    else if (n > 1 && name[n - 1] == 's') snprintf(buf, size, "%.*s", (int)(n - 1), name);
    else snprintf(buf, size, "%s", name);
}

/* is a an ancestor of t (or t itself)? */
static int is_ancestor_or_self(const cohort_data *d, int a, int t)
{
    for (int x = t; x >= 0; x = d->tables[x].parent)
        if (x == a) return 1;
    return 0;
}

/* ---- names ----------------------------------------------------------------- */

static int find_stmt(stmt **list, size_t n, size_t stride, const char *name)
{
    (void)stride;
    for (size_t i = 0; i < n; i++)
        if (list[i]->name && strcmp(list[i]->name, name) == 0) return (int)i;
    return -1;
}

static int find_let(const study *st, const char *name)
{
    for (size_t i = 0; i < st->nlets; i++)
        if (strcmp(st->lets[i].s->name, name) == 0) return (int)i;
    return -1;
}

static int find_param(const study *st, const char *name)
{
    for (size_t i = 0; i < st->nparams; i++)
        if (strcmp(st->params[i].s->name, name) == 0) return (int)i;
    return -1;
}

static int find_func(const study *st, const char *name)
{
    for (size_t i = 0; i < st->nfuncs; i++)
        if (strcmp(st->funcs[i].s->name, name) == 0) return (int)i;
    return -1;
}

static int find_exposure(const study *st, const char *name)
{
    for (size_t i = 0; i < st->nexposures; i++)
        if (strcmp(st->exposures[i]->name, name) == 0) return (int)i;
    return -1;
}

static int find_endpoint(const study *st, const char *name)
{
    for (size_t i = 0; i < st->neps; i++)
        if (strcmp(st->eps[i].s->name, name) == 0) return (int)i;
    return -1;
}

/* Suggest a name close to `name` among everything visible from the unit. */
static const char *suggest_name(scope *sc, const char *name, int table_only)
{
    const study *st = sc->st;
    size_t cap = 64, n = 0;
    const char **c = malloc(cap * sizeof *c);
    if (!c) return NULL;
#define ADD(s) do { if (n == cap) { const char **x = realloc(c, 2 * cap * sizeof *c); if (!x) break; c = x; cap *= 2; } c[n++] = (s); } while (0)
    if (table_only >= 0) {
        const table *t = &sc->d->tables[table_only];
        for (size_t j = 0; j < t->ncols; j++) ADD(t->cols[j].name);
    } else {
        for (size_t i = 0; i < st->nlets; i++) ADD(st->lets[i].s->name);
        for (size_t i = 0; i < st->nparams; i++) ADD(st->params[i].s->name);
        for (size_t i = 0; i < st->neps; i++) ADD(st->eps[i].s->name);
        for (int a = st->unit; a >= 0; a = sc->d->tables[a].parent) {
            const table *t = &sc->d->tables[a];
            for (size_t j = 0; j < t->ncols; j++) ADD(t->cols[j].name);
        }
        for (int v = 0; v < sc->nvars; v++) ADD(sc->vars[v].name);
        for (size_t i = 0; i < st->data->ntables; i++) ADD(st->data->tables[i].name);
    }
#undef ADD
    const char *s = diag_suggest(name, c, n);
    free(c);
    return s;
}

/* The one message for a column a table does not have (a name that needs
 * quoting is shown in backquotes, as it is written). */
static void unknown_column(scope *sc, expr *e, const char *field, int ti)
{
    const char *s = suggest_name(sc, field, ti);
    char shown[256], sshown[256];
    diag_name(field, shown, sizeof shown);
    if (s) err(sc, e, "unknown column %s in table %s (did you mean %s?)", shown, sc->d->tables[ti].name,
               diag_name(s, sshown, sizeof sshown));
    else err(sc, e, "unknown column %s in table %s", shown, sc->d->tables[ti].name);
}

static void unknown(scope *sc, const expr *e, const char *what, const char *name, int table_only)
{
    const char *s = suggest_name(sc, name, table_only);
    char shown[256], sshown[256];
    diag_name(name, shown, sizeof shown);
    if (s) err(sc, e, "unknown %s %s (did you mean %s?)", what, shown, diag_name(s, sshown, sizeof sshown));
    else err(sc, e, "unknown %s %s", what, shown);
}

static ty column_type(const column *c)
{
    return mk(c->type);
}

static ty check_expr(scope *sc, expr *e);
static ty check_let(scope *sc, int i, const expr *use);
static int check_endpoint(scope *sc, int i, const expr *use);

static ty resolve_name(scope *sc, expr *e)
{
    study *st = sc->st;
    const char *name = e->name;
    for (int v = sc->nvars - 1; v >= 0; v--)
        if (strcmp(sc->vars[v].name, name) == 0) {
            err(sc, e, "'%s' is a row of %s: name one of its columns, e.g. %s.%s", name,
                sc->d->tables[sc->vars[v].table].name, name,
                sc->d->tables[sc->vars[v].table].cols[0].name);
            return T_ERR;
        }
    int i;
    if ((i = find_exposure(st, name)) >= 0) {
        if (!sc->formula_term) {
            err(sc, e, "'%s' is a time-varying exposure: use it as a term of a model formula "
                "(e.g. cox(endpoint ~ %s)), or use its start date", name, name);
            return T_ERR;
        }
        e->rkind = R_EXPOSURE;
        e->slot = i;
        e->uses_unit = 1;
        return mk(TY_BOOL);
    }
    if ((i = find_let(st, name)) >= 0) {
        e->rkind = R_LET;
        e->slot = i;
        ty t = check_let(sc, i, e);
        e->is_const = st->lets[i].is_const;
        e->uses_unit = !e->is_const;
        return t;
    }
    if ((i = find_param(st, name)) >= 0) {
        e->rkind = R_PARAM;
        e->slot = i;
        e->is_const = 1;
        st->params[i].used = 1;
        return st->params[i].type;
    }
    if ((i = find_endpoint(st, name)) >= 0) {
        e->rkind = R_ENDPOINT;
        e->slot = i;
        e->uses_unit = 1;
        check_endpoint(sc, i, e);
        return mk(TY_ENDPOINT);
    }
    for (int a = st->unit; a >= 0; a = sc->d->tables[a].parent) {
        int c = data_column_index(&sc->d->tables[a], name);
        if (c >= 0) {
            e->rkind = R_COLUMN;
            e->table = a;
            e->col = c;
            e->uses_unit = 1;
            return column_type(&sc->d->tables[a].cols[c]);
        }
    }
    unknown(sc, e, "name", name, -1);
    return T_ERR;
}

static ty resolve_field(scope *sc, expr *e)
{
    study *st = sc->st;
    const char *base = e->a->name, *field = e->name;
    for (int v = sc->nvars - 1; v >= 0; v--)
        if (strcmp(sc->vars[v].name, base) == 0) {
            int vt = sc->vars[v].table, ti = vt;
            if (e->via) {
                /* l.course.dose_gy: an ancestor of the row's table */
                ti = find_table(st, e->via);
                if (ti < 0 || ti == vt || !is_ancestor_or_self(sc->d, ti, vt)) {
                    expr at = *e;
                    at.loc = e->via_loc;
                    err(sc, &at, "'%s' is not a table above %s, the table of row %s", e->via,
                        sc->d->tables[vt].name, base);
                    return T_ERR;
                }
            }
            const table *t = &sc->d->tables[ti];
            int c = data_column_index(t, field);
            if (c < 0) {
                unknown_column(sc, e, field, ti);
                return T_ERR;
            }
            e->rkind = ti == vt ? R_VARCOL : R_VARANC;
            e->slot = v;
            e->table = ti;
            e->anchor_table = vt;
            e->col = c;
            e->uses_unit = 1;
            return column_type(&t->cols[c]);
        }
    if (e->via) {
        unknown(sc, e->a, "row variable", base, -1);
        return T_ERR;
    }
    int i;
    if ((i = find_endpoint(st, base)) >= 0) {
        static const char *const members[] = {"time", "status", "event_date", "end_date"};
        static const int types[] = {TY_DURATION, TY_INT, TY_DATE, TY_DATE};
        for (int m = 0; m < 4; m++)
            if (strcmp(field, members[m]) == 0) {
                e->rkind = R_EPMEMBER;
                e->slot = i;
                e->col = m;
                e->uses_unit = 1;
                check_endpoint(sc, i, e);
                return mk(types[m]);
            }
        const char *s = diag_suggest(field, members, 4);
        err(sc, e, "endpoint %s has no member '%s'%s%s%s (members: time, status, event_date, end_date)",
            base, field, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
        return T_ERR;
    }
    int t = find_table(st, base);
    if (t < 0) {
        unknown(sc, e->a, "table, row variable or endpoint", base, -1);
        return T_ERR;
    }
    if (!is_ancestor_or_self(sc->d, t, st->unit)) {
        err(sc, e->a, "table %s is not the unit (%s) or one of its ancestors; use a quantifier "
            "such as 'any %s x: ...' to reach its rows", sc->d->tables[t].name,
            sc->d->tables[st->unit].name, sc->d->tables[t].name);
        return T_ERR;
    }
    int c = data_column_index(&sc->d->tables[t], field);
    if (c < 0) {
        unknown_column(sc, e, field, t);
        return T_ERR;
    }
    e->rkind = R_COLUMN;
    e->table = t;
    e->col = c;
    e->uses_unit = 1;
    return column_type(&sc->d->tables[t].cols[c]);
}

/* ---- lets and endpoints ---------------------------------------------------- */

static ty check_let(scope *sc, int i, const expr *use)
{
    letinfo *li = &sc->st->lets[i];
    if (li->state == 2) return li->type;
    if (li->state == 1) {
        if (use) err(sc, use, "'%s' is defined in terms of itself", li->s->name);
        return T_ERR;
    }
    li->state = 1;
    if (li->s->concepts) {
        /* a concept set: a constant list of concept ids, read from the data at load */
        li->type = concepts_check(sc->st, sc->d, li->s, sc->dg) ? T_ERR : mklist(TY_INT);
        li->s->value->type = li->type;
        li->s->value->is_const = li->is_const = 1;
        li->state = 2;
        return li->type;
    }
    /* a let is checked in the unit's scope, not inside the quantifier that uses it */
    scope inner = *sc;
    inner.nvars = 0;
    li->type = check_expr(&inner, li->s->value);
    li->is_const = li->s->value->is_const;
    li->state = 2;
    return li->type;
}

/* "a" or "an" before a type name */
static const char *an(const char *word)
{
    return strchr("aeiou", word[0]) ? "an" : "a";
}

static int want(scope *sc, expr *e, ty got, int kind, const char *what)
{
    if (is_err(got) || is_any(got) || got.kind == kind || (kind == TY_REAL && is_num(got))) return 1;
    const char *w = ty_name(mk(kind)), *g = ty_name(got);
    err(sc, e, "%s must be %s %s, not %s %s", what, an(w), w, an(g), g);
    return 0;
}

/* One list of status codes of a column endpoint (a literal or a list of
 * literals of the status column's type) into ep->codes, each code once. */
static void add_codes(scope *sc, endpointinfo *ep, expr *list, int status, ty st_type)
{
    size_t n = list->kind == E_LIST ? list->nitems : 1;
    for (size_t k = 0; k < n; k++) {
        expr *c = list->kind == E_LIST ? list->items[k] : list;
        ty t = check_expr(sc, c);
        if (is_err(t)) continue;
        if (!(c->kind == E_INT || c->kind == E_TEXT || c->kind == E_BOOL ||
              (c->kind == E_UNARY && c->op == OP_NEG && c->a->kind == E_INT))) {
            err(sc, c, "a status code must be a literal (e.g. 2, \"dead\" or true)");
            continue;
        }
        if (!is_err(st_type) && t.kind != st_type.kind) {
            err(sc, c, "the status column of endpoint %s is %s %s: its codes must be too, not %s %s", ep->s->name,
                an(ty_name(st_type)), ty_name(st_type), an(ty_name(t)), ty_name(t));
            continue;
        }
        epcode code = {c->kind == E_UNARY ? -c->a->ival : c->ival, c->kind == E_TEXT ? c->text : NULL, status};
        for (size_t j = 0; j < ep->ncodes; j++)
            if (ep->codes[j].i == code.i && ep->codes[j].s == code.s) {
                err(sc, c, "status code given twice in endpoint %s", ep->s->name);
                return;
            }
        epcode *x = realloc(ep->codes, (ep->ncodes + 1) * sizeof *x);
        if (!x) return;
        ep->codes = x;
        ep->codes[ep->ncodes++] = code;
    }
}

/* A column named by a column endpoint's time, status or entry: a column of
 * the unit or of an ancestor (so that its values are checked against the
 * codes and signs before any unit is evaluated, see epdata.c). */
static ty check_ep_column(scope *sc, endpointinfo *ep, expr *e, const char *what)
{
    const char *epname = ep->s->name;
    /* TABLE.column of a table below the unit: one interval per row */
    int t = e->kind == E_FIELD ? find_table(sc->st, e->a->name) : -1;
    if (t >= 0 && t != sc->st->unit && is_ancestor_or_self(sc->d, sc->st->unit, t)) {
        const table *tb = &sc->d->tables[t];
        int c = data_column_index(tb, e->name);
        if (c < 0) {
            unknown_column(sc, e, e->name, t);
            return T_ERR;
        }
        if (ep->rows_table >= 0 && ep->rows_table != t) {
            err(sc, e, "the columns of endpoint %s must come from one table, here %s, not also %s", epname,
                sc->d->tables[ep->rows_table].name, tb->name);
            return T_ERR;
        }
        ep->rows_table = t;
        e->rkind = R_COLUMN;
        e->table = t;
        e->col = c;
        e->uses_unit = 1;
        e->type = column_type(&tb->cols[c]);
        return e->type;
    }
    ty ty_ = check_expr(sc, e);
    if (!is_err(ty_) && e->rkind != R_COLUMN) {
        err(sc, e, "the %s of endpoint %s must be a column of the unit, of one of its ancestors or of a table "
            "below it (one interval per row)", what, epname);
        return T_ERR;
    }
    return ty_;
}

/* An endpoint given by time and status columns: the time (and entry) are
 * numbers in the time's unit, the status codes say which value is the
 * event, a censoring or a competing cause (default event 1 censored 0, or
 * true and false); an origin date is optional. */
static void check_column_endpoint(scope *sc, endpointinfo *ep)
{
    stmt *s = ep->s;
    ep->from_columns = 1;
    ep->rows_table = -1;
    if (!s->ep_time || !s->ep_status) {
        diag_at(sc->dg, DIAG_ERROR, s->name_loc, "endpoint %s has %s column but no %s column", s->name,
                s->ep_time ? "a time" : "a status", s->ep_time ? "status" : "time");
        return;
    }
    expr *dates[2] = {s->event, s->censor};
    for (int k = 0; k < 2; k++)
        if (dates[k])
            err(sc, dates[k], "endpoint %s is given by its time and status columns: %s",
                s->name, k == 0 ? "its event is a status code (status COLUMN event CODE)"
                                : "a censoring is a status code (status COLUMN censored CODE)");
    char what[128];
    snprintf(what, sizeof what, "the origin of endpoint %s", s->name);
    if (s->origin) want(sc, s->origin, check_expr(sc, s->origin), TY_DATE, what);
    expr *nums[2] = {s->ep_time, s->ep_entry};
    for (int k = 0; k < 2; k++) {
        if (!nums[k]) continue;
        snprintf(what, sizeof what, "the %s of endpoint %s", k ? "entry" : "time", s->name);
        want(sc, nums[k], check_ep_column(sc, ep, nums[k], k ? "entry" : "time"), TY_REAL, what);
    }
    ty st = check_ep_column(sc, ep, s->ep_status, "status");
    expr *cols[3] = {s->ep_time, s->ep_entry, s->ep_status};
    for (int k = 0; k < 3 && ep->rows_table >= 0; k++)
        if (cols[k] && cols[k]->rkind == R_COLUMN && cols[k]->table != ep->rows_table)
            err(sc, cols[k], "the columns of endpoint %s must come from one table, here %s (one interval per row)",
                s->name, sc->d->tables[ep->rows_table].name);
    if (!is_err(st) && st.kind != TY_INT && st.kind != TY_BOOL && st.kind != TY_TEXT) {
        err(sc, s->ep_status, "the status column of endpoint %s must hold integers, booleans or texts, not %s",
            s->name, ty_name(st));
        return;
    }
    if (!is_err(st) && st.kind == TY_TEXT && (!s->ep_event_codes || !s->ep_censor_codes)) {
        err(sc, s->ep_status, "the status column of endpoint %s holds texts: give its codes "
            "(status %s event \"...\" censored \"...\")", s->name, s->ep_status->name);
        return;
    }
    /* the defaults: event 1 censored 0 (true and false for a boolean column) */
    for (int k = 0; k < 2; k++) {
        expr *list = k ? s->ep_censor_codes : s->ep_event_codes;
        if (list) add_codes(sc, ep, list, 1 - k, st);
        else {
            epcode *x = realloc(ep->codes, (ep->ncodes + 1) * sizeof *x);
            if (!x) return;
            ep->codes = x;
            ep->codes[ep->ncodes++] = (epcode){1 - k, NULL, 1 - k};
        }
    }
    for (size_t k = 0; k < s->ncompeting; k++) add_codes(sc, ep, s->competing[k], (int)k + 2, st);
}

static int check_endpoint(scope *sc, int i, const expr *use)
{
    endpointinfo *ep = &sc->st->eps[i];
    if (ep->state == 2) return 0;
    if (ep->state == 1) {
        if (use) err(sc, use, "endpoint '%s' is defined in terms of itself", ep->s->name);
        return -1;
    }
    ep->state = 1;
    scope inner = *sc;
    inner.nvars = 0;
    stmt *s = ep->s;
    if (s->ep_time || s->ep_status) {
        check_column_endpoint(&inner, ep);
        ep->state = 2;
        return 0;
    }
    if (s->ep_entry) {
        char what[128];
        snprintf(what, sizeof what, "the entry of endpoint %s", s->name);
        want(&inner, s->ep_entry, check_expr(&inner, s->ep_entry), TY_DATE, what);
    }
    struct { expr *e; const char *what; } parts[] = {
        {s->origin, "origin"}, {s->event, "event"}, {s->censor, "censor"}};
    for (size_t k = 0; k < 3; k++) {
        if (!parts[k].e) {
            diag_at(sc->dg, DIAG_ERROR, s->name_loc, "endpoint %s has no %s", s->name, parts[k].what);
            continue;
        }
        char what[64];
        snprintf(what, sizeof what, "the %s of endpoint %s", parts[k].what, s->name);
        want(&inner, parts[k].e, check_expr(&inner, parts[k].e), TY_DATE, what);
    }
    for (size_t k = 0; k < s->ncompeting; k++) {
        char what[64];
        snprintf(what, sizeof what, "a competing event of endpoint %s", s->name);
        want(&inner, s->competing[k], check_expr(&inner, s->competing[k]), TY_DATE, what);
    }
    ep->state = 2;
    return 0;
}

/* ---- expressions ----------------------------------------------------------- */

static ty check_arith(scope *sc, expr *e, ty a, ty b)
{
    int op = e->op;
    if (is_err(a) || is_err(b)) return T_ERR;
    if (is_any(a) || is_any(b)) {
        ty o = is_any(a) ? b : a;
        if (is_any(o)) return mk(TY_ANY);
        if (o.kind == TY_DATE && op == OP_SUB && is_any(b)) return mk(TY_ANY);
        return op == OP_DIV && is_num(o) ? mk(TY_REAL) : o;
    }
    if (is_num(a) && is_num(b))
        return op == OP_DIV ? mk(TY_REAL) : unify(a, b);
    int ka = a.kind, kb = b.kind;
    switch (op) {
    case OP_ADD:
        if (ka == TY_DATE && kb == TY_DURATION) return a;
        if (ka == TY_DURATION && kb == TY_DATE) return b;
        if (ka == TY_DURATION && kb == TY_DURATION) return a;
        break;
    case OP_SUB:
        if (ka == TY_DATE && kb == TY_DATE) return mk(TY_DURATION);
        if (ka == TY_DATE && kb == TY_DURATION) return a;
        if (ka == TY_DURATION && kb == TY_DURATION) return a;
        break;
    case OP_MUL:
        if (ka == TY_DURATION && is_num(b)) return a;
        if (is_num(a) && kb == TY_DURATION) return b;
        break;
    case OP_DIV:
        if (ka == TY_DURATION && is_num(b)) return a;
        if (ka == TY_DURATION && kb == TY_DURATION) return mk(TY_REAL);
        break;
    }
    static const char *const opname[] = {"-", "not", "+", "+", "-", "*", "/"};
    err(sc, e, "cannot apply '%s' to %s and %s", opname[op], ty_name(a), ty_name(b));
    return T_ERR;
}

static ty check_bool_operand(scope *sc, expr *e)
{
    ty t = check_expr(sc, e);
    want(sc, e, t, TY_BOOL, "an operand of and/or/not");
    return t;
}

/* both sides comparable with an order (<, between, before...) */
static int ordered(ty t)
{
    return is_num(t) || t.kind == TY_DATE || t.kind == TY_DURATION || t.kind == TY_TEXT || is_any(t) || is_err(t);
}

/* Does e depend only on the row bound to quantifier variable `slot` (and on
 * constants)?  Such a conjunct has the same value for a row whatever the
 * unit, so the evaluator computes it once per row (a prefilter). */
static int row_only(const study *st, const expr *e, int slot)
{
    if (!e) return 1;
    switch (e->kind) {
    case E_INT: case E_REAL: case E_TEXT: case E_DATE: case E_BOOL: case E_MISSING: case E_DURATION:
        return 1;
    case E_NAME: case E_FIELD:
        if (e->rkind == R_VARCOL || e->rkind == R_VARANC) return e->slot == slot;
        if (e->rkind == R_PARAM) return 1;
        if (e->rkind == R_LET) return st->lets[e->slot].is_const;
        return 0;
    case E_QUANT: case E_FORMULA: case E_INTERACT:
        return 0;
    case E_CALL:
        if (e->fn == -2 && e->rkind == R_LET && !st->lets[e->slot].is_const) return 0;
        if (e->fn == FN_INCLUDED) return 0;   /* the analysis set is known only after the criteria */
        break;
    default:
        break;
    }
    if (!row_only(st, e->a, slot) || !row_only(st, e->b, slot) || !row_only(st, e->c, slot) ||
        !row_only(st, e->d, slot))
        return 0;
    for (size_t i = 0; i < e->nitems; i++)
        if (!row_only(st, e->items[i], slot)) return 0;
    return 1;
}

/* Mark the row-only conjuncts of a top-level `and` chain; returns how many. */
static int mark_conjuncts(const study *st, expr *e, int slot)
{
    if (!e) return 0;
    if (e->kind == E_BINARY && e->op == OP_AND)
        return mark_conjuncts(st, e->a, slot) + mark_conjuncts(st, e->b, slot);
    e->row_only = row_only(st, e, slot) && !e->is_const;
    return e->row_only;
}

/* The column of the row (slot) read by the row-only conjuncts under e:
 * -1 none yet, -2 more than one; else its index. */
static int row_column(const expr *e, int slot, int col)
{
    if (!e || col == -2) return col;
    if ((e->kind == E_NAME || e->kind == E_FIELD) && e->rkind == R_VARANC && e->slot == slot)
        return -2;   /* a column of another table: no single column of the row */
    if ((e->kind == E_NAME || e->kind == E_FIELD) && e->rkind == R_VARCOL && e->slot == slot)
        return col == -1 || col == e->col ? e->col : -2;
    col = row_column(e->a, slot, col);
    col = row_column(e->b, slot, col);
    col = row_column(e->c, slot, col);
    col = row_column(e->d, slot, col);
    for (size_t i = 0; i < e->nitems; i++) col = row_column(e->items[i], slot, col);
    return col;
}

static int conjuncts_column(const expr *e, int slot, int col)
{
    if (!e) return col;
    if (e->kind == E_BINARY && e->op == OP_AND)
        return conjuncts_column(e->b, slot, conjuncts_column(e->a, slot, col));
    return e->row_only ? row_column(e, slot, col) : col;
}

/* A quantifier whose `where` (or, for any and count, whose condition) has
 * row-only conjuncts gets a prefilter: rows those conjuncts rule out are
 * skipped without evaluating anything else (eval.c). */
static void mark_prefilter(study *st, expr *e)
{
    int n = mark_conjuncts(st, e->a, e->slot);
    if (e->op == Q_ANY || e->op == Q_COUNT) n += mark_conjuncts(st, e->b, e->slot);
    e->prefiltered = n > 0;
    /* when they read one column, their value is a function of its value */
    int col = conjuncts_column(e->a, e->slot, -1);
    if (e->op == Q_ANY || e->op == Q_COUNT) col = conjuncts_column(e->b, e->slot, col);
    e->pf_col = col >= 0 ? col : -1;
    if (e->qslot < 0) e->qslot = (int)st->nquants++;
}

/* Where the rows a quantifier ranges over hang (see "Scope" in
 * cohort-rules(5)).  Sets e->col (the anchor table: the rows of q under
 * one row of it), e->anchor_slot (the row variable giving that row, or -1
 * for the unit) and e->anchor_table (the variable's table).  Returns -1
 * after reporting an error. */
static int resolve_range(scope *sc, expr *e, int q)
{
    const cohort_data *d = sc->d;
    int ctx = sc->st->unit, slot = -1;
    expr at = *e;
    at.loc = e->name_loc;
    if (e->via) {
        /* c.lesions (a row) or patient.lesions (the unit's row in a table) */
        expr vat = *e;
        vat.loc = e->via_loc;
        int v = sc->nvars - 1;
        while (v >= 0 && strcmp(sc->vars[v].name, e->via) != 0) v--;
        if (v >= 0) {
            ctx = sc->vars[v].table;
            slot = v;
        } else {
            ctx = find_table(sc->st, e->via);
            if (ctx < 0) {
                unknown(sc, &vat, "row variable or table", e->via, -1);
                return -1;
            }
            if (!is_ancestor_or_self(d, ctx, sc->st->unit)) {
                err(sc, &vat, "table %s is not the unit (%s) or one of its ancestors, so it has no "
                    "row of its own here", d->tables[ctx].name, d->tables[sc->st->unit].name);
                return -1;
            }
        }
        if (ctx == q || !is_ancestor_or_self(d, ctx, q)) {
            /* name the table it does hang from, e.g. patient.drugs */
            int a = d->tables[ctx].parent;
            while (a >= 0 && (a == q || !is_ancestor_or_self(d, a, q))) a = d->tables[a].parent;
            if (a >= 0) {
                char w[128];
                table_word(sc->st, a, w, sizeof w);
                err(sc, &at, "table %s is not below %s, so '%s.%s' has no rows (did you mean '%s.%s'?)",
                    d->tables[q].name, d->tables[ctx].name, e->via, e->name, w, e->name);
            } else {
                err(sc, &at, "table %s is not below %s, so '%s.%s' has no rows", d->tables[q].name,
                    d->tables[ctx].name, e->via, e->name);
            }
            return -1;
        }
    } else {
        /* from the enclosing row variable, else from the unit */
        if (sc->nvars > 0) {
            slot = sc->nvars - 1;
            ctx = sc->vars[slot].table;
        }
        if (ctx == q || !is_ancestor_or_self(d, ctx, q)) {
            /* not below the context: through the context's ancestors above which it is */
            int found[16], nf = 0;
            for (int a = d->tables[ctx].parent; a >= 0; a = d->tables[a].parent)
                if (a != q && is_ancestor_or_self(d, a, q) && nf < 16) found[nf++] = a;
            char from[160];
            if (slot >= 0) snprintf(from, sizeof from, "row %s (%s)", sc->vars[slot].name, d->tables[ctx].name);
            else snprintf(from, sizeof from, "the unit (%s)", d->tables[ctx].name);
            if (nf == 0) {
                err(sc, &at, "table %s is not linked to %s", d->tables[q].name, from);
                return -1;
            }
            if (nf > 1) {
                char opts[512] = "";
                size_t len = 0;
                for (int k = 0; k < nf && len < sizeof opts; k++) {
                    char w[128];
                    table_word(sc->st, found[k], w, sizeof w);
                    len += (size_t)snprintf(opts + len, sizeof opts - len, "%s'%s.%s'",
                                            k == 0 ? "" : k + 1 == nf ? " or " : ", ", w, e->name);
                }
                err(sc, &at, "ambiguous: which %s of %s? write %s", d->tables[q].name, from, opts);
                return -1;
            }
            ctx = found[0];
            if (slot >= 0) {
                e->anchor_table = sc->vars[slot].table;
                e->anchor_slot = slot;
                e->col = ctx;
                return 0;
            }
        }
    }
    e->anchor_slot = slot;
    e->anchor_table = slot >= 0 ? sc->vars[slot].table : -1;
    e->col = ctx;
    return 0;
}

static ty check_quant(scope *sc, expr *e)
{
    study *st = sc->st;
    int q = find_table(st, e->name);
    if (q < 0) {
        expr at = *e;
        at.loc = e->name_loc;
        unknown(sc, &at, "table", e->name, -1);
        return T_ERR;
    }
    if (resolve_range(sc, e, q) < 0) return T_ERR;
    if (sc->nvars == MAX_QUANT_DEPTH) {
        err(sc, e, "quantifiers nested more than %d deep", MAX_QUANT_DEPTH);
        return T_ERR;
    }
    e->table = q;
    e->slot = sc->nvars;
    e->uses_unit = 1;
    sc->vars[sc->nvars].name = e->var;
    sc->vars[sc->nvars].table = q;
    sc->nvars++;
    if (e->a) want(sc, e->a, check_expr(sc, e->a), TY_BOOL, "a 'where' condition");
    ty body = e->b ? check_expr(sc, e->b) : mk(TY_BOOL);
    sc->nvars--;
    mark_prefilter(sc->st, e);
    switch (e->op) {
    case Q_ANY: case Q_ALL:
        want(sc, e->b, body, TY_BOOL, "the condition of a quantifier");
        return mk(TY_BOOL);
    case Q_COUNT:
        if (e->b) want(sc, e->b, body, TY_BOOL, "the condition of count");
        return mk(TY_INT);
    case Q_FIRST: case Q_LAST:
        if (body.kind == TY_LIST || body.kind == TY_MAP || body.kind == TY_ENDPOINT) {
            err(sc, e->b, "first/last must give a single value, not a %s", ty_name(body));
            return T_ERR;
        }
        return body;
    case Q_MIN: case Q_MAX:
        if (!ordered(body) || body.kind == TY_TEXT) {
            err(sc, e->b, "min/max need numbers, dates or durations, not %s", ty_name(body));
            return T_ERR;
        }
        return body;
    case Q_SUM:
        if (!is_num(body) && body.kind != TY_DURATION && !is_any(body) && !is_err(body)) {
            err(sc, e->b, "sum needs numbers or durations, not %s", ty_name(body));
            return T_ERR;
        }
        /* a body made only of `missing` sums to the integer 0 over no rows */
        return is_any(body) ? mk(TY_INT) : body;
    }
    return T_ERR;
}

static ty check_interval(scope *sc, expr *e, const char *what)
{
    /* [start, end] of dates, with open ends [s, e), (s, e], (s, e) */
    if (e->kind != E_LIST || e->nitems != 2) {
        ty t = check_expr(sc, e);
        if (t.kind == TY_DATE || is_any(t) || is_err(t)) return t;
        err(sc, e, "%s must be an interval [start, end] of dates or a date", what);
        return T_ERR;
    }
    for (int k = 0; k < 2; k++) {
        ty t = check_expr(sc, e->items[k]);
        want(sc, e->items[k], t, TY_DATE, "an interval end");
    }
    e->type = mklist(TY_DATE);
    e->is_const = e->items[0]->is_const && e->items[1]->is_const;
    e->uses_unit = !e->is_const;
    return e->type;
}

static ty call_type(scope *sc, expr *e, const ty *at, size_t n, int ok);

/* Is e a bare row variable or table name (an argument for p.column)? */
static int names_row(const scope *sc, const expr *e)
{
    if (e->kind != E_NAME) return 0;
    for (int v = 0; v < sc->nvars; v++)
        if (strcmp(sc->vars[v].name, e->name) == 0) return 1;
    return find_table(sc->st, e->name) >= 0;
}

/* A call of a define NAME(params): its arguments are checked where they
 * are written, then the expansion (func.c) replaces the call and is checked
 * in its place; diagnostics inside the body also point at the call. */
static ty check_func_call(scope *sc, expr *e, funcinfo *f)
{
    f->ncalls++;
    const char *vars[MAX_QUANT_DEPTH];
    for (int v = 0; v < sc->nvars; v++) vars[v] = sc->vars[v].name;
    expr *x = func_expand(sc->st->prog, f->s, e, sc->active, vars, sc->nvars, &sc->st->fserial, sc->dg);
    if (!x) return T_ERR;
    int bad = 0;
    for (size_t k = 0; k < e->nitems; k++) {
        const xparam *p = &f->s->xparams[k];
        if (p->type == TY_ANY && names_row(sc, e->items[k])) continue;   /* is_agent(d, ...): the body says d.agent */
        ty t = check_expr(sc, e->items[k]);
        ty want_t = mk(p->type & 0xff);
        if (is_err(t)) {
            bad = 1;
        } else if (p->type != TY_ANY && !is_err(want_t) &&
                   (!compatible(t, want_t) || (want_t.kind == TY_INT && t.kind == TY_REAL))) {
            err(sc, e->items[k], "argument %zu of %s must be %s %s (parameter '%s'), not %s %s", k + 1,
                f->s->name, an(ty_name(want_t)), ty_name(want_t), p->name, an(ty_name(t)), ty_name(t));
            diag_at(sc->dg, DIAG_NOTE, p->loc, "parameter '%s' of %s is declared here", p->name, f->s->name);
            bad = 1;
        }
    }
    if (bad) return T_ERR;
    scope inner = *sc;
    for (int v = 0; v < sc->nvars; v++) inner.vars[v].name = vars[v];
    func_frame fr = {f->s, sc->active};
    inner.active = &fr;
    diag_frame df;
    diag_push(sc->dg, &df, e->loc, "in %s(...), called here", f->s->name);
    *e = *x;
    ty t = check_expr(&inner, e);
    diag_pop(sc->dg, &df);
    return t;
}

/* The unit table of analysis k (0: no blocks). */
static int analysis_unit(const study *st, int k)
{
    const char *own = NULL, *shared = NULL;
    for (size_t i = 0; i < st->prog->nstmts; i++) {
        const stmt *s = st->prog->stmts[i];
        if (s->kind != S_UNIT) continue;
        if (s->analysis == 0 && !shared) shared = s->name;
        if (k && s->analysis == k && !own) own = s->name;
    }
    const char *u = own ? own : shared;
    return u ? find_table(st, u) : 0;
}

/* included(r) or included(r, "analysis"): is row r (a row variable, or the
 * unit's row of a table) in the analysis set -- the units left after the
 * criteria -- of the analysis whose unit is r's table (this one if it
 * is)?  Checked here; evaluated from the sets study.c fills. */
static ty check_included(scope *sc, expr *e)
{
    study *st = sc->st;
    if (e->nitems < 1 || e->nitems > 2 || e->items[0]->kind != E_NAME ||
        (e->nitems == 2 && e->items[1]->kind != E_TEXT)) {
        err(sc, e, "included takes a row and optionally an analysis name: included(c) or "
            "included(c, \"sessions\")");
        return T_ERR;
    }
    const char *name = e->items[0]->name;
    int slot = -1, t = -1;
    for (int v = sc->nvars - 1; v >= 0 && t < 0; v--)
        if (strcmp(sc->vars[v].name, name) == 0) {
            slot = v;
            t = sc->vars[v].table;
        }
    if (t < 0) {
        t = find_table(st, name);
        if (t < 0 || !is_ancestor_or_self(sc->d, t, st->unit)) {
            err(sc, e->items[0], "'%s' is not a row variable, the unit's table or one of its ancestors", name);
            return T_ERR;
        }
    }
    /* which analysis: by name, else this one if it is at that unit, else the only one */
    int nblocks = st->prog->nanalyses, target = -1, ncand = 0;
    for (int k = nblocks ? 1 : 0; k <= nblocks; k++) {
        if (e->nitems == 2) {
            for (size_t i = 0; i < st->prog->nstmts; i++) {
                const stmt *s = st->prog->stmts[i];
                if (s->kind == S_ANALYSIS && s->slot == k && strcmp(s->name, e->items[1]->sval) == 0) target = k;
            }
            continue;
        }
        if (analysis_unit(st, k) != t) continue;
        ncand++;
        if (target != st->analysis) target = k;
    }
    if (target < 0 || target > 63) {
        if (e->nitems == 2) err(sc, e->items[1], "no analysis named %s", e->items[1]->sval);
        else err(sc, e, "no analysis has unit %s, so its rows have no analysis set", sc->d->tables[t].name);
        return T_ERR;
    }
    if (e->nitems == 2 && analysis_unit(st, target) != t) {
        err(sc, e->items[1], "analysis %s is not at %s but at %s", e->items[1]->sval, sc->d->tables[t].name,
            sc->d->tables[analysis_unit(st, target)].name);
        return T_ERR;
    }
    if (e->nitems == 1 && ncand > 1 && target != st->analysis) {
        err(sc, e, "several analyses have unit %s: name one, e.g. included(%s, \"name\")",
            sc->d->tables[t].name, name);
        return T_ERR;
    }
    if (!(st->needs_sets & (1ull << target))) st->set_use[target] = e->loc;
    st->needs_sets |= 1ull << target;
    e->fn = FN_INCLUDED;
    e->slot = slot;
    e->table = t;
    e->col = target;
    e->uses_unit = 1;
    return mk(TY_BOOL);
}

/* Does e (through the lets it uses) read the analysis set of analysis k? */
static const expr *reads_set(const study *st, const expr *e, int k, int depth)
{
    if (!e || depth > 64) return NULL;
    if (e->kind == E_CALL && e->fn == FN_INCLUDED && e->col == k) return e;
    if ((e->kind == E_NAME || e->kind == E_CALL) && e->rkind == R_LET && e->slot >= 0)
        if (st->lets[e->slot].state == 2) {
            const expr *r = reads_set(st, st->lets[e->slot].s->value, k, depth + 1);
            if (r) return r;
        }
    const expr *kids[4] = {e->a, e->b, e->c, e->d};
    for (size_t i = 0; i < 4; i++) {
        const expr *r = reads_set(st, kids[i], k, depth + 1);
        if (r) return r;
    }
    for (size_t i = 0; i < e->nitems; i++) {
        const expr *r = reads_set(st, e->items[i], k, depth + 1);
        if (r) return r;
    }
    return NULL;
}

static ty check_call(scope *sc, expr *e)
{
    int ok = 1;
    size_t n = e->nitems;
    if (strcmp(e->name, "included") == 0 && find_func(sc->st, e->name) < 0) return check_included(sc, e);
    int fi = find_func(sc->st, e->name);
    if (fi >= 0) return check_func_call(sc, e, &sc->st->funcs[fi]);
    /* a map-valued let or param is a lookup function: halflife(agent) */
    int li = find_let(sc->st, e->name);
    int pi = li < 0 ? find_param(sc->st, e->name) : -1;
    if (li >= 0 || pi >= 0) {
        ty mt = li >= 0 ? check_let(sc, li, e) : sc->st->params[pi].type;
        if (is_err(mt)) return T_ERR;
        if (mt.kind != TY_MAP) {
            err(sc, e, "'%s' is a %s, not a map or a function", e->name, ty_name(mt));
            return T_ERR;
        }
        if (n != 1) {
            err(sc, e, "looking up map '%s' takes one key, got %zu", e->name, n);
            return T_ERR;
        }
        ty kt = check_expr(sc, e->items[0]);
        want(sc, e->items[0], kt, TY_TEXT, "a map key");
        e->rkind = li >= 0 ? R_LET : R_PARAM;
        e->slot = li >= 0 ? li : pi;
        if (pi >= 0) sc->st->params[pi].used = 1;
        e->fn = -2;
        e->is_const = e->items[0]->is_const && (li < 0 || sc->st->lets[li].is_const);
        e->uses_unit = !e->is_const;
        return mk(mt.elem);
    }
    /* every argument is typed, however many there are */
    ty *at = malloc((n + 1) * sizeof *at);
    if (!at) {
        err(sc, e, "out of memory");
        return T_ERR;
    }
    for (size_t i = 0; i < n; i++) {
        at[i] = check_expr(sc, e->items[i]);
        if (is_err(at[i])) ok = 0;
    }
    ty r = call_type(sc, e, at, n, ok);
    free(at);
    return r;
}

/* The type of call `e` to a builtin or an extern, given its argument types. */
static ty call_type(scope *sc, expr *e, const ty *at, size_t n, int ok)
{
    int allconst = 1;
    for (size_t i = 0; i < n; i++) allconst &= e->items[i]->is_const;
    e->is_const = allconst;
    e->uses_unit = !allconst;
    int b = builtin_find(e->name);
    if (b >= 0) {
        e->fn = b;
        if (!ok) return T_ERR;
        char msg[256];
        ty r = builtin_check(b, at, n, msg, sizeof msg);
        if (is_err(r)) err(sc, e, "%s", msg);
        if (builtin_is_formula_only(b)) {
            err(sc, e, "%s() may only be used as a term of a formula", e->name);
            return T_ERR;
        }
        return r;
    }
    for (size_t i = 0; i < sc->st->nexterns; i++) {
        stmt *x = sc->st->externs[i].s;
        if (strcmp(x->name, e->name) != 0) continue;
        e->fn = (int)i;
        e->rkind = R_EXTERN;
        if (n != x->nxparams) {
            err(sc, e, "%s takes %zu argument%s, got %zu", e->name, x->nxparams, x->nxparams == 1 ? "" : "s", n);
            return T_ERR;
        }
        for (size_t k = 0; k < n && ok; k++) {
            ty want_t = mk(XT_LANG(x->xparams[k].type));
            if (!compatible(at[k], want_t) ||
                (XT_LANG(x->xparams[k].type) == TY_INT && at[k].kind == TY_REAL)) {
                err(sc, e->items[k], "argument %zu of %s must be %s (parameter '%s'), not %s", k + 1,
                    e->name, ty_name(want_t), x->xparams[k].name, ty_name(at[k]));
            }
        }
        return mk(XT_LANG(x->rettype));
    }
    const char *names[64];
    size_t nn = builtin_names(names, 64);
    for (size_t i = 0; i < sc->st->nexterns && nn < 64; i++) names[nn++] = sc->st->externs[i].s->name;
    for (size_t i = 0; i < sc->st->nfuncs && nn < 64; i++) names[nn++] = sc->st->funcs[i].s->name;
    const char *s = diag_suggest(e->name, names, nn);
    if (s) err(sc, e, "unknown function '%s' (did you mean '%s'?)", e->name, s);
    else err(sc, e, "unknown function '%s'", e->name);
    return T_ERR;
}

/* `col == "text"` (or `col in (..., "text")`) where col is a text column of
 * the data and "text" never occurs in it (in the rows read: all of them for
 * run, a sample for check): a warning naming the closest value present.
 * For `in` (always = 0) only a near miss is reported, since a list of
 * values may name ones a cohort lacks. */
static void check_text_value(scope *sc, const expr *col, const expr *lit, int always)
{
    if (lit->kind != E_TEXT || !lit->text || (col->kind != E_NAME && col->kind != E_FIELD)) return;
    if (col->rkind != R_COLUMN && col->rkind != R_VARCOL && col->rkind != R_VARANC) return;
    if (col->table < 0 || (size_t)col->table >= sc->d->ntables) return;
    const table *t = &sc->d->tables[col->table];
    if (col->col < 0 || (size_t)col->col >= t->ncols || t->cols[col->col].type != CT_TEXT) return;
    const column *c = &t->cols[col->col];
    const char *seen[64], *nocase = NULL;
    size_t nseen = 0, present = 0;
    for (size_t r = 0; r < c->n; r++) {
        if (col_missing(c, r)) continue;
        present++;
        const char *v = col_text(c, r);
        if (v == lit->text || strcmp(v, lit->text) == 0) return;
        if (!nocase && strcasecmp(v, lit->text) == 0) nocase = v;
        size_t k = 0;
        while (k < nseen && seen[k] != v) k++;
        if (k == nseen && nseen < 64) seen[nseen++] = v;
    }
    if (!present) return;
    /* an edit or two is a plausible typo only in a longer text */
    const char *near = nocase ? nocase : strlen(lit->text) > 3 ? diag_suggest(lit->text, seen, nseen) : NULL;
    if (!near && !always) return;
    char vals[256] = "";
    for (size_t k = 0; k < nseen && k < 6; k++) {
        size_t l = strlen(vals);
        snprintf(vals + l, sizeof vals - l, "%s\"%s\"%s", k ? ", " : "", seen[k], k == 5 && nseen > 6 ? ", ..." : "");
    }
    const char *where = sc->st->data_sampled ? " in the rows read by check" : "";
    if (near)
        diag_at(sc->dg, DIAG_WARNING, lit->loc, "\"%s\" never occurs in %s.%s%s (did you mean \"%s\"?)",
                lit->text, t->name, c->name, where, near);
    else
        diag_at(sc->dg, DIAG_WARNING, lit->loc, "\"%s\" never occurs in %s.%s%s (its values: %s)", lit->text,
                t->name, c->name, where, vals);
}

/* The value of a checked constant number or duration (in days), through
 * params and constant lets; 0 when it is not a known constant. */
static int const_days(const study *st, const expr *e, double *v, int depth)
{
    if (!e || !e->is_const || depth > 32) return 0;
    double a, b;
    switch (e->kind) {
    case E_INT: *v = (double)e->ival; return 1;
    case E_REAL: *v = e->rval; return 1;
    case E_DURATION: *v = e->days; return 1;
    case E_NAME:
        if (e->rkind == R_PARAM) return const_days(st, st->params[e->slot].value, v, depth + 1);
        if (e->rkind == R_LET) return const_days(st, st->lets[e->slot].s->value, v, depth + 1);
        return 0;
    case E_UNARY:
        if (e->op == OP_NOT || !const_days(st, e->a, &a, depth + 1)) return 0;
        *v = e->op == OP_NEG ? -a : a;
        return 1;
    case E_BINARY:
        if (e->op < OP_ADD || e->op > OP_DIV || !const_days(st, e->a, &a, depth + 1) ||
            !const_days(st, e->b, &b, depth + 1))
            return 0;
        *v = e->op == OP_ADD ? a + b : e->op == OP_SUB ? a - b : e->op == OP_MUL ? a * b : a / b;
        return isfinite(*v);
    default:
        return 0;
    }
}

int check_const_days(const study *st, const expr *e, double *days)
{
    return const_days(st, e, days, 0);
}

/* After a diagnostic about a constant: where a param it names gets its value. */
static void param_note(scope *sc, const expr *e)
{
    if (e->kind == E_NAME && e->rkind == R_PARAM)
        diag_at(sc->dg, DIAG_NOTE, sc->st->params[e->slot].value->loc, "param %s is given its value here", e->name);
}

/* within [lo, hi] of t with constant bounds: an empty window ([21 days,
 * -7 days], or [0 days, 0 days) with an open end) admits nothing. */
static void check_window_bounds(scope *sc, expr *e)
{
    double lo, hi;
    if (!const_days(sc->st, e->b, &lo, 0) || !const_days(sc->st, e->c, &hi, 0)) return;
    unsigned char so, eo;
    interval_flags(e->op, &so, &eo);
    if (lo < hi || (lo == hi && !so && !eo)) return;
    loc l = e->b->loc;
    l.end_line = e->c->loc.end_line;
    l.end_col = e->c->loc.end_col;
    if (lo > hi)
        diag_at(sc->dg, DIAG_ERROR, l, "empty window: its start (%g days) is after its end (%g days)%s", lo, hi,
                lo > 0 && hi < 0 ? "; write the earlier bound first, e.g. [-7 days, 21 days]" : "");
    else
        diag_at(sc->dg, DIAG_ERROR, l, "empty window: it starts and ends at %g days and an end is open", lo);
    param_note(sc, e->b);
    param_note(sc, e->c);
}

static ty check_expr_inner(scope *sc, expr *e)
{
    study *st = sc->st;
    switch (e->kind) {
    case E_INT: e->is_const = 1; return mk(TY_INT);
    case E_REAL: e->is_const = 1; return mk(TY_REAL);
    case E_BOOL: e->is_const = 1; return mk(TY_BOOL);
    case E_MISSING: e->is_const = 1; return mk(TY_ANY);
    case E_TEXT:
        e->is_const = 1;
        e->text = strpool_intern(st->pool, e->sval, strlen(e->sval));
        return mk(TY_TEXT);
    case E_DATE: e->is_const = 1; e->days = (double)e->ival; return mk(TY_DATE);
    case E_DURATION:
        e->is_const = 1;
        e->days = e->rval * st->unit_days[e->dunit];
        return mk(TY_DURATION);
    case E_LIST: {
        ty el = mk(TY_ANY);
        int c = 1;
        if (e->op & (IV_SOPEN | IV_EOPEN))
            err(sc, e, "an interval with an open end is an operand of overlaps, before, after, "
                       "meets or during, or a window of within");
        for (size_t i = 0; i < e->nitems; i++) {
            ty t = check_expr(sc, e->items[i]);
            c &= e->items[i]->is_const;
            if (t.kind == TY_LIST || t.kind == TY_MAP || t.kind == TY_ENDPOINT) {
                err(sc, e->items[i], "a list holds single values, not a %s", ty_name(t));
                continue;
            }
            if (!compatible(el, t)) {
                err(sc, e->items[i], "list item is %s but earlier items are %s", ty_name(t), ty_name(el));
                continue;
            }
            el = unify(el, t);
        }
        e->is_const = c;
        e->uses_unit = !c;
        return mklist(is_err(el) ? TY_ANY : el.kind);
    }
    case E_MAP: {
        ty el = mk(TY_ANY);
        int c = 1;
        for (size_t i = 0; i + 1 < e->nitems; i += 2) {
            check_expr(sc, e->items[i]);
            ty t = check_expr(sc, e->items[i + 1]);
            c &= e->items[i + 1]->is_const;
            if (!compatible(el, t)) err(sc, e->items[i + 1], "map value is %s but earlier values are %s", ty_name(t), ty_name(el));
            else el = unify(el, t);
        }
        if (!c) err(sc, e, "a map's values must be constants");
        e->is_const = 1;
        ty t = {TY_MAP, (uint8_t)el.kind};
        return t;
    }
    case E_NAME: return resolve_name(sc, e);
    case E_FIELD: return resolve_field(sc, e);
    case E_UNARY: {
        ty a = e->op == OP_NOT ? check_bool_operand(sc, e->a) : check_expr(sc, e->a);
        e->is_const = e->a->is_const;
        if (e->op == OP_NOT) return mk(TY_BOOL);
        if (!is_num(a) && a.kind != TY_DURATION && !is_any(a) && !is_err(a)) {
            err(sc, e, "cannot negate a %s", ty_name(a));
            return T_ERR;
        }
        return a;
    }
    case E_BINARY: {
        if (e->op == OP_AND || e->op == OP_OR) {
            check_bool_operand(sc, e->a);
            check_bool_operand(sc, e->b);
            e->is_const = e->a->is_const && e->b->is_const;
            return mk(TY_BOOL);
        }
        ty a = check_expr(sc, e->a), b = check_expr(sc, e->b);
        e->is_const = e->a->is_const && e->b->is_const;
        if (e->op >= OP_EQ) {
            if (is_err(a) || is_err(b)) return mk(TY_BOOL);
            if (!compatible(a, b) || a.kind == TY_LIST || a.kind == TY_MAP || a.kind == TY_ENDPOINT) {
                err(sc, e, "cannot compare %s with %s", ty_name(a), ty_name(b));
                return mk(TY_BOOL);
            }
            if (e->op != OP_EQ && e->op != OP_NE && (a.kind == TY_BOOL || b.kind == TY_BOOL)) {
                err(sc, e, "booleans can only be compared with == and !=");
            }
            if ((e->op == OP_EQ || e->op == OP_NE) && a.kind == TY_TEXT && b.kind == TY_TEXT) {
                check_text_value(sc, e->a, e->b, 1);
                check_text_value(sc, e->b, e->a, 1);
            }
            return mk(TY_BOOL);
        }
        return check_arith(sc, e, a, b);
    }
    case E_BETWEEN: {
        ty a = check_expr(sc, e->a), lo = check_expr(sc, e->b), hi = check_expr(sc, e->c);
        e->is_const = e->a->is_const && e->b->is_const && e->c->is_const;
        if (!compatible(a, lo) || !compatible(a, hi) || !ordered(a))
            err(sc, e, "between needs three values of one ordered type, got %s, %s and %s",
                ty_name(a), ty_name(lo), ty_name(hi));
        return mk(TY_BOOL);
    }
    case E_IN: {
        ty a = check_expr(sc, e->a), l = check_expr(sc, e->b);
        e->is_const = e->a->is_const && e->b->is_const;
        if (is_err(a) || is_err(l)) return mk(TY_BOOL);
        if (l.kind != TY_LIST) {
            err(sc, e->b, "'in' needs a list on its right, not a %s", ty_name(l));
            return mk(TY_BOOL);
        }
        if (!compatible(a, mk(l.elem)))
            err(sc, e, "cannot look for a %s in a %s", ty_name(a), ty_name(l));
        else if (a.kind == TY_TEXT && e->b->kind == E_LIST)
            for (size_t i = 0; i < e->b->nitems; i++) check_text_value(sc, e->a, e->b->items[i], 0);
        return mk(TY_BOOL);
    }
    case E_WITHIN: {
        ty x = check_expr(sc, e->a), w = check_expr(sc, e->b), t = check_expr(sc, e->c);
        e->is_const = e->a->is_const && e->b->is_const && e->c->is_const;
        if (x.kind == TY_DATE || t.kind == TY_DATE) {
            want(sc, e->a, x, TY_DATE, "the left of 'within'");
            double days;
            if (want(sc, e->b, w, TY_DURATION, "the width of a window") && w.kind == TY_DURATION &&
                const_days(sc->st, e->b, &days, 0) && days < 0)
            {
                err(sc, e->b, "the width of a window cannot be negative (it is %g days): for a window before the "
                    "date write within [%g days, 0 days] of ...", days, days);
                param_note(sc, e->b);
            }
            want(sc, e->c, t, TY_DATE, "the reference of a window");
        } else if (!(is_num(x) || is_any(x) || is_err(x)) || !(is_num(w) || is_any(w) || is_err(w)) ||
                   !(is_num(t) || is_any(t) || is_err(t))) {
            err(sc, e, "'within' needs a date, a duration and a date (or three numbers), got %s, %s and %s",
                ty_name(x), ty_name(w), ty_name(t));
        }
        return mk(TY_BOOL);
    }
    case E_WITHIN2: {
        ty x = check_expr(sc, e->a), lo = check_expr(sc, e->b), hi = check_expr(sc, e->c), t = check_expr(sc, e->d);
        e->is_const = e->a->is_const && e->b->is_const && e->c->is_const && e->d->is_const;
        want(sc, e->a, x, TY_DATE, "the left of 'within'");
        if (want(sc, e->b, lo, TY_DURATION, "the start of a window") &
            want(sc, e->c, hi, TY_DURATION, "the end of a window"))
            check_window_bounds(sc, e);
        want(sc, e->d, t, TY_DATE, "the reference of a window");
        return mk(TY_BOOL);
    }
    case E_BEFORE: case E_AFTER: {
        if ((e->a->kind == E_LIST && e->a->nitems == 2) || (e->b->kind == E_LIST && e->b->nitems == 2)) {
            /* an interval: every point of one before every point of the other */
            e->op = e->kind == E_BEFORE ? REL_BEFORE : REL_AFTER;
            e->kind = E_RELATION;
            return check_expr_inner(sc, e);
        }
        ty a = check_expr(sc, e->a), b = check_expr(sc, e->b);
        e->is_const = e->a->is_const && e->b->is_const;
        if (!compatible(a, b) || !ordered(a) || a.kind == TY_TEXT)
            err(sc, e, "'%s' needs two dates (or numbers), got %s and %s",
                e->kind == E_BEFORE ? "before" : "after", ty_name(a), ty_name(b));
        return mk(TY_BOOL);
    }
    case E_OVERLAPS:
        e->kind = E_RELATION;
        e->op = REL_OVERLAPS;
        return check_expr_inner(sc, e);
    case E_RELATION: {
        static const char *const names[] = {"overlaps", "before", "after", "meets", "during"};
        char what[64];
        snprintf(what, sizeof what, "the left of '%s'", names[e->op]);
        check_interval(sc, e->a, what);
        snprintf(what, sizeof what, "the right of '%s'", names[e->op]);
        check_interval(sc, e->b, what);
        e->is_const = e->a->is_const && e->b->is_const;
        return mk(TY_BOOL);
    }
    case E_QUANT: return check_quant(sc, e);
    case E_CALL: return check_call(sc, e);
    case E_CASE: {
        ty r = mk(TY_ANY);
        int c = 1;
        for (size_t i = 0; i + 1 < e->nitems; i += 2) {
            want(sc, e->items[i], check_expr(sc, e->items[i]), TY_BOOL, "a 'when' condition");
            ty t = check_expr(sc, e->items[i + 1]);
            c &= e->items[i]->is_const && e->items[i + 1]->is_const;
            if (!compatible(r, t)) err(sc, e->items[i + 1], "case gives %s here but %s before", ty_name(t), ty_name(r));
            else r = unify(r, t);
        }
        if (e->a) {
            ty t = check_expr(sc, e->a);
            c &= e->a->is_const;
            if (!compatible(r, t)) err(sc, e->a, "case gives %s here but %s before", ty_name(t), ty_name(r));
            else r = unify(r, t);
        }
        e->is_const = c;
        return r;
    }
    case E_FORMULA:
        err(sc, e, "a formula (a ~ b) can only be an argument of an estimate");
        return T_ERR;
    case E_INTERACT:
        err(sc, e, "an interaction (a:b) can only be a term of a formula");
        return T_ERR;
    }
    return T_ERR;
}

static ty check_expr(scope *sc, expr *e)
{
    if (!e) return T_ERR;
    ty t = check_expr_inner(sc, e);
    e->type = t;
    if (!e->is_const) e->uses_unit = 1;
    return t;
}

/* ---- estimates ------------------------------------------------------------- */

static const char *kind_name(unsigned k)
{
    switch (k) {
    case COHORT_ARG_NUMBER: return "a number";
    case COHORT_ARG_DURATION: return "a duration";
    case COHORT_ARG_TEXT: return "a text";
    case COHORT_ARG_BOOL: return "true or false";
    case COHORT_ARG_COLUMN: return "a per-unit value";
    case COHORT_ARG_ENDPOINT: return "an endpoint";
    case COHORT_ARG_FORMULA: return "a formula (endpoint ~ terms)";
    case COHORT_ARG_LIST: return "a list of constants";
    case COHORT_ARG_COLUMNS: return "a list of per-unit values";
    case COHORT_ARG_ENDPOINTS: return "a list of endpoints";
    }
    return "?";
}

static void kinds_text(unsigned kinds, char *buf, size_t size)
{
    buf[0] = 0;
    int first = 1;
    for (unsigned k = 1; k <= COHORT_ARG_ENDPOINTS; k <<= 1)
        if (kinds & k) {
            size_t l = strlen(buf);
            snprintf(buf + l, size - l, "%s%s", first ? "" : " or ", kind_name(k));
            first = 0;
        }
}

static int scalar_kind(ty t)
{
    switch (t.kind) {
    case TY_INT: case TY_REAL: return COHORT_ARG_NUMBER;
    case TY_DURATION: return COHORT_ARG_DURATION;
    case TY_TEXT: return COHORT_ARG_TEXT;
    case TY_BOOL: return COHORT_ARG_BOOL;
    }
    return 0;
}

static int is_per_unit_scalar(ty t)
{
    return t.kind >= TY_INT && t.kind <= TY_DURATION;
}

/* A variable of a formula term: x, or ref(x, "level") (its inner x). */
static expr *check_term_var(scope *sc, expr *t)
{
    if (t->kind == E_CALL && strcmp(t->name, "ref") == 0) {
        if (t->nitems != 2 || t->items[1]->kind != E_TEXT) {
            err(sc, t, "ref() takes a term and its reference level as text, e.g. ref(her2, \"negative\")");
            return NULL;
        }
        t->items[1]->text = strpool_intern(sc->st->pool, t->items[1]->sval, strlen(t->items[1]->sval));
        t->type = check_expr(sc, t->items[0]);
        t->is_const = t->items[0]->is_const;
        return t->items[0];
    }
    return t;
}

/* An interaction term a:b (formula.h): each variable a single value per
 * unit; no strata() and no time-varying exposure in it.  Its columns are
 * made from the data (interact.h). */
static void check_interaction(scope *sc, expr *ia)
{
    if (ia->ival) {
        err(sc, ia, "an interaction may join at most %d variables", FORMULA_MAX_VARS);
        return;
    }
    for (size_t k = 0; k < ia->nitems; k++) {
        expr *v = ia->items[k];
        if (v->kind == E_CALL && strcmp(v->name, "strata") == 0) {
            err(sc, v, "strata() cannot be part of an interaction: stratify by the variable alone "
                "(strata(x) as a term), or interact with x itself");
            continue;
        }
        expr *inner = check_term_var(sc, v);
        if (!inner) continue;
        if (inner != v) {
            /* type already checked */
        } else {
            sc->formula_term = inner->kind == E_NAME;
            check_expr(sc, inner);
            sc->formula_term = 0;
        }
        if (inner->rkind == R_EXPOSURE) {
            err(sc, inner, "a time-varying exposure cannot be part of an interaction");
            continue;
        }
        if (!is_err(inner->type) && !is_per_unit_scalar(inner->type))
            err(sc, inner, "a formula term must be a single value per unit, not a %s", ty_name(inner->type));
    }
    ia->type.kind = TY_REAL;
}

/* Check and classify one argument for a parameter. */
static int bind_arg(scope *sc, estimateinfo *ei, boundarg *ba, arg *a)
{
    expr *e = a->value;
    const cohort_param *p = ba->param;
    unsigned kind = 0;
    if (e->kind == E_FORMULA) {
        kind = COHORT_ARG_FORMULA;
        ty l = check_expr(sc, e->a);
        ba->endpoint = l.kind == TY_ENDPOINT;
        if (!is_err(l) && !ba->endpoint && !is_per_unit_scalar(l)) {
            err(sc, e->a, "the left of a formula must be an endpoint or a per-unit value, not a %s", ty_name(l));
            return -1;
        }
        for (size_t i = 0; i < e->nitems; i++) {
            expr *t = e->items[i];
            expr *inner = t;
            if (t->kind == E_INTERACT) {
                check_interaction(sc, t);
                continue;
            }
            if (t->kind == E_CALL && strcmp(t->name, "ref") == 0) {
                if (!(inner = check_term_var(sc, t))) continue;
            } else {
                sc->formula_term = inner->kind == E_NAME;
                check_expr(sc, inner);
                sc->formula_term = 0;
                if (inner->rkind == R_EXPOSURE) {
                    if (ba->exposure >= 0)
                        err(sc, inner, "a formula can have one time-varying exposure");
                    else if (!ba->endpoint)
                        err(sc, inner, "a time-varying exposure needs an endpoint on the left of the formula");
                    else if (e->a->rkind == R_ENDPOINT && sc->st->eps[e->a->slot].s->ep_time &&
                             !sc->st->eps[e->a->slot].s->origin && ep_rows_table(&sc->st->eps[e->a->slot]) < 0)
                        err(sc, inner, "endpoint %s has no origin date to place the exposure's start on its "
                            "time axis (add 'origin DATE;' to it)", e->a->name);
                    ba->exposure = inner->slot;
                    ba->exposure_term = i;
                }
            }
            if (!is_err(inner->type) && !is_per_unit_scalar(inner->type)) {
                err(sc, inner, "a formula term must be a single value per unit, not a %s", ty_name(inner->type));
            }
        }
        ba->items = e->items;
        ba->nitems = e->nitems;
    } else if (e->kind == E_LIST) {
        /* per-unit items may differ in type (vars: [age, her2, ...]); a list of
         * constants must be of one type */
        int allconst = 1, bad = 0, neps = 0;
        for (size_t i = 0; i < e->nitems; i++) {
            ty t = check_expr(sc, e->items[i]);
            bad |= is_err(t);
            allconst &= e->items[i]->is_const;
            if (t.kind == TY_ENDPOINT) {
                neps++;
                continue;
            }
            if (!is_err(t) && !is_per_unit_scalar(t) && !is_any(t)) {
                err(sc, e->items[i], "a list argument holds single values, not %s %s", an(ty_name(t)), ty_name(t));
                bad = 1;
            }
        }
        if (bad) return -1;
        if (neps && neps != (int)e->nitems) {
            err(sc, e, "a list argument holds either endpoints or values, not both");
            return -1;
        }
        if (neps) {
            kind = COHORT_ARG_ENDPOINTS;
        } else {
            if (allconst && is_err(check_expr(sc, e))) return -1;
            e->is_const = allconst;
            kind = allconst ? COHORT_ARG_LIST : COHORT_ARG_COLUMNS;
        }
        if (kind == COHORT_ARG_LIST && !(p->kinds & COHORT_ARG_LIST) && (p->kinds & COHORT_ARG_COLUMNS))
            kind = COHORT_ARG_COLUMNS;
        ba->items = e->items;
        ba->nitems = e->nitems;
    } else {
        ty t = check_expr(sc, e);
        if (is_err(t)) return -1;
        if (t.kind == TY_ENDPOINT) {
            kind = COHORT_ARG_ENDPOINT;
            ba->endpoint = e->slot;
        } else if (t.kind == TY_LIST) {
            kind = COHORT_ARG_LIST;
        } else if (e->is_const && (p->kinds & (unsigned)scalar_kind(t))) {
            kind = (unsigned)scalar_kind(t);
        } else if (e->is_const && scalar_kind(t)) {
            /* a constant where a per-unit value is wanted: by: "tdxd" is a
             * text, not the column tdxd, and would silently make one group */
            if (p->kinds & (COHORT_ARG_COLUMN | COHORT_ARG_COLUMNS)) {
                if (t.kind == TY_TEXT)
                    err(sc, e, "argument '%s' of %s expects a per-unit value, got the text \"%s\" "
                        "(name a column or let without quotes)", p->name, ei->s->name, e->sval ? e->sval : "");
                else
                    err(sc, e, "argument '%s' of %s expects a per-unit value, got a constant", p->name,
                        ei->s->name);
                return -1;
            }
            kind = (unsigned)scalar_kind(t);   /* reported below as the wrong kind of constant */
        } else if (is_per_unit_scalar(t)) {
            kind = COHORT_ARG_COLUMN;
            if (!(p->kinds & COHORT_ARG_COLUMN) && (p->kinds & COHORT_ARG_COLUMNS)) {
                kind = COHORT_ARG_COLUMNS;
                ba->items = &a->value;
                ba->nitems = 1;
            }
        } else {
            err(sc, e, "cannot pass a %s to an estimator", ty_name(t));
            return -1;
        }
    }
    if (!(p->kinds & kind)) {
        char want_s[256];
        kinds_text(p->kinds, want_s, sizeof want_s);
        err(sc, e, "argument '%s' of %s expects %s, got %s", p->name, ei->s->name, want_s, kind_name(kind));
        return -1;
    }
    ba->kind = kind;
    ba->value = e;
    return 0;
}

/* An estimator parameter that takes clusters for a robust variance. */
static int is_cluster_param(const cohort_param *p)
{
    return strcmp(p->name, "cluster") == 0 && (p->kinds & COHORT_ARG_COLUMN);
}

/* The expression a constant name stands for (a param's or constant let's
 * value), followed through names. */
static const expr *const_source(const study *st, const expr *e)
{
    for (int depth = 0; e && e->kind == E_NAME && depth < 32; depth++) {
        if (e->rkind == R_PARAM) e = st->params[e->slot].value;
        else if (e->rkind == R_LET && st->lets[e->slot].is_const) e = st->lets[e->slot].s->value;
        else break;
    }
    return e;
}

static argval fold_arg(const study *st, const expr *e)
{
    argval v = {e->type.kind, 0, 0, NULL, e->loc};
    const expr *src = const_source(st, e);
    if (v.type == TY_TEXT && src && src->kind == E_TEXT) {
        v.text = src->sval;
        v.known = 1;
    } else if (v.type != TY_TEXT) {
        v.known = const_days(st, e, &v.num, 0);
    }
    return v;
}

/* A constant argument against its parameter's spec (argspec.c). */
static void check_arg_spec(scope *sc, const estimateinfo *ei, const boundarg *ba)
{
    const cohort_param_spec *sp = plugin_param_spec(ei->plugin, ei->est->name, ba->param->name);
    if (!sp) return;
    if (ba->kind & (COHORT_ARG_NUMBER | COHORT_ARG_DURATION | COHORT_ARG_TEXT)) {
        argval v = fold_arg(sc->st, ba->value);
        argspec_check(sp, ei->est->name, &v, 1, 0, sc->dg);
    } else if (ba->kind == COHORT_ARG_LIST) {
        const expr *list = const_source(sc->st, ba->value);
        if (!list || list->kind != E_LIST || !list->nitems) return;
        argval *vals = calloc(list->nitems, sizeof *vals);
        if (!vals) return;
        for (size_t i = 0; i < list->nitems; i++) vals[i] = fold_arg(sc->st, list->items[i]);
        argspec_check(sp, ei->est->name, vals, list->nitems, 1, sc->dg);
        free(vals);
    }
}

/* The estimator's booleans flagged COHORT_SPEC_GROUP_MODEL (km's hr: a
 * model between the groups of `by`; *name the first one's name).  Returns
 * -1 when it has none, else 1 when one is given true (or as a value the
 * checker cannot fold), 0 when none is.  A constant true one without the
 * argument of the groups it compares (COHORT_SPEC_GROUPS) is a located
 * error. */
static int group_model(scope *sc, const estimateinfo *ei, const char **name)
{
    int on = 0, groups = 0;
    const boundarg *model = NULL;
    *name = NULL;
    for (size_t pi = 0; pi < ei->est->nparams && !*name; pi++) {
        const cohort_param_spec *sp = plugin_param_spec(ei->plugin, ei->est->name, ei->est->params[pi].name);
        if (sp && (sp->flags & COHORT_SPEC_GROUP_MODEL) && (ei->est->params[pi].kinds & COHORT_ARG_BOOL))
            *name = ei->est->params[pi].name;
    }
    if (!*name) return -1;
    for (size_t i = 0; i < ei->nargs; i++) {
        const boundarg *ba = &ei->args[i];
        const cohort_param_spec *sp = plugin_param_spec(ei->plugin, ei->est->name, ba->param->name);
        if (!sp) continue;
        groups |= (sp->flags & COHORT_SPEC_GROUPS) != 0;
        if (!(sp->flags & COHORT_SPEC_GROUP_MODEL) || ba->kind != COHORT_ARG_BOOL) continue;
        const expr *v = const_source(sc->st, ba->value);   /* true, false, or a name of one */
        int known = v && v->kind == E_BOOL;
        if (!known || v->ival != 0) on = 1;
        if (known && v->ival != 0 && !model) model = ba;
    }
    if (model && !groups) {
        const char *gname = NULL;
        for (size_t pi = 0; pi < ei->est->nparams && !gname; pi++) {
            const cohort_param_spec *sp = plugin_param_spec(ei->plugin, ei->est->name, ei->est->params[pi].name);
            if (sp && (sp->flags & COHORT_SPEC_GROUPS)) gname = sp->param;
        }
        loc l = model->value->loc;
        for (size_t a = 0; a < ei->s->nargs; a++)
            if (ei->s->args[a].name && !strcmp(ei->s->args[a].name, model->param->name)) l = ei->s->args[a].loc;
        diag_at(sc->dg, DIAG_ERROR, l, "%s: true compares the groups of `%s`, which %s is not given; give it "
                "(e.g. %s(..., %s: g, %s: true))", model->param->name, gname ? gname : "by", ei->est->name,
                ei->est->name, gname ? gname : "by", model->param->name);
    }
    return on;
}

/* strata(x) as a term of a formula, as R writes coxph(Surv(t, s) ~ a +
 * strata(x)): not a term but the estimator's `strata` argument.  The term
 * leaves the formula and binds that argument (given[] marks it given). */
static void bind_formula_strata(scope *sc, estimateinfo *ei, int *given)
{
    const cohort_estimator *est = ei->est;
    stmt *s = ei->s;
    for (size_t i = 0; i < s->nargs; i++) {
        expr *f = s->args[i].value;
        if (f->kind != E_FORMULA) continue;
        size_t k = 0;
        for (size_t t = 0; t < f->nitems; t++) {
            expr *term = f->items[t];
            if (term->kind != E_CALL || strcmp(term->name, "strata") != 0) {
                f->items[k++] = term;
                continue;
            }
            size_t pi = 0;
            while (pi < est->nparams &&
                   !(strcmp(est->params[pi].name, "strata") == 0 && (est->params[pi].kinds & COHORT_ARG_COLUMN)))
                pi++;
            if (term->nitems != 1)
                err(sc, term, "strata() in a formula takes one value (for several, stratify by a let that "
                    "combines them)");
            else if (pi == est->nparams)
                err(sc, term, "%s has no strata argument: strata() in a formula is for estimators that "
                    "stratify (cox)", est->name);
            else if (given[pi])
                err(sc, term, "strata() may appear once in a formula");
            else {
                int named = 0;
                for (size_t a = 0; a < s->nargs; a++)
                    named |= s->args[a].name && strcmp(s->args[a].name, "strata") == 0;
                if (named) {
                    err(sc, term, "strata given twice: in the formula and as the argument strata:");
                    continue;
                }
                arg a = {(char *)est->params[pi].name, term->loc, term->items[0]};
                boundarg *ba = &ei->args[ei->nargs];
                ba->param = &est->params[pi];
                ba->exposure = -1;
                given[pi] = 1;
                if (bind_arg(sc, ei, ba, &a) == 0) ei->nargs++;
            }
        }
        f->nitems = k;
    }
}

static void check_estimate(scope *sc, estimateinfo *ei)
{
    stmt *s = ei->s;
    const cohort_plugin *owner = NULL;
    ei->est = plugin_estimator(sc->plugins, s->name, s->name_loc, sc->dg, &owner);
    ei->plugin = owner;
    if (!ei->est) {
        /* still check the argument expressions for name errors */
        for (size_t i = 0; i < s->nargs; i++) {
            expr *e = s->args[i].value;
            if (e->kind == E_FORMULA) {
                check_expr(sc, e->a);
                for (size_t k = 0; k < e->nitems; k++) {
                    expr *t = e->items[k];
                    size_t nv = t->kind == E_INTERACT ? t->nitems : 1;
                    for (size_t v = 0; v < nv; v++) {
                        expr *x = t->kind == E_INTERACT ? t->items[v] : t;
                        check_expr(sc, x->kind == E_CALL && !strcmp(x->name, "ref") && x->nitems ? x->items[0] : x);
                    }
                }
            } else if (e->kind == E_LIST) {
                for (size_t k = 0; k < e->nitems; k++) check_expr(sc, e->items[k]);
            } else {
                check_expr(sc, e);
            }
        }
        return;
    }
    const cohort_estimator *est = ei->est;
    ei->args = calloc(est->nparams + 1, sizeof *ei->args);
    if (!ei->args) return;
    int *given = calloc(est->nparams + 1, sizeof *given);
    if (!given) return;
    bind_formula_strata(sc, ei, given);
    size_t npos = 0;
    for (size_t i = 0; i < s->nargs; i++) {
        arg *a = &s->args[i];
        size_t pi;
        if (!a->name) {
            if (npos++ > 0 || est->nparams == 0) {
                diag_at(sc->dg, DIAG_ERROR, a->loc,
                        "%s takes at most one argument without a name; name this one (e.g. %s: ...)",
                        est->name, est->nparams > 1 ? est->params[1].name : "name");
                continue;
            }
            pi = 0;
        } else {
            for (pi = 0; pi < est->nparams; pi++)
                if (strcmp(est->params[pi].name, a->name) == 0) break;
            if (pi == est->nparams) {
                const char *names[64];
                size_t nn = est->nparams < 64 ? est->nparams : 64;
                for (size_t k = 0; k < nn; k++) names[k] = est->params[k].name;
                const char *sug = diag_suggest(a->name, names, nn);
                loc l = a->loc;
                l.end_line = l.line;
                l.end_col = l.col + (int)strlen(a->name) - 1;
                if (sug) diag_at(sc->dg, DIAG_ERROR, l, "%s has no argument '%s' (did you mean '%s'?)", est->name, a->name, sug);
                else diag_at(sc->dg, DIAG_ERROR, l, "%s has no argument '%s'", est->name, a->name);
                continue;
            }
        }
        if (given[pi]) {
            diag_at(sc->dg, DIAG_ERROR, a->loc, "argument '%s' of %s given twice", est->params[pi].name, est->name);
            continue;
        }
        given[pi] = 1;
        if (is_cluster_param(&est->params[pi]) && a->value->kind == E_NAME && !strcmp(a->value->name, "none"))
            continue;   /* cluster: none: no clustering, not even the default */
        boundarg *ba = &ei->args[ei->nargs];
        ba->param = &est->params[pi];
        ba->exposure = -1;
        if (bind_arg(sc, ei, ba, a) == 0) {
            check_arg_spec(sc, ei, ba);
            ei->nargs++;
        }
    }
    /* below the patient level, clustered by patient unless told otherwise;
     * an estimator whose cluster serves a model between its groups (km's
     * hr) only when that model is asked for */
    const char *gmname;
    int gm = group_model(sc, ei, &gmname);
    for (size_t pi = 0; pi < est->nparams; pi++)
        if (is_cluster_param(&est->params[pi]) && given[pi] && gm == 0) {
            for (size_t a = 0; a < s->nargs; a++)
                if (s->args[a].name && !strcmp(s->args[a].name, est->params[pi].name) &&
                    !(s->args[a].value->kind == E_NAME && !strcmp(s->args[a].value->name, "none")))
                    diag_at(sc->dg, DIAG_WARNING, s->args[a].loc, "%s: %s uses it only with %s: true (see "
                            "cohort help %s); it is ignored here", est->params[pi].name, est->name, gmname,
                            est->name);
        }
    for (size_t pi = 0; pi < est->nparams; pi++)
        if (is_cluster_param(&est->params[pi]) && !given[pi] && gm != 0 && sc->st->unit != sc->st->root) {
            const table *rt = &sc->d->tables[sc->st->root];
            if (rt->key < 0) break;
            expr *key = ast_expr(sc->st->prog, E_FIELD, s->loc);
            expr *tab = ast_expr(sc->st->prog, E_NAME, s->loc);
            if (!key || !tab) break;
            tab->name = rt->name;
            key->a = tab;
            key->name = rt->cols[rt->key].name;
            key->sval = rt->cols[rt->key].name;   /* its label in the output */
            arg a = {(char *)est->params[pi].name, s->loc, key};
            boundarg *ba = &ei->args[ei->nargs];
            ba->param = &est->params[pi];
            ba->exposure = -1;
            if (bind_arg(sc, ei, ba, &a) == 0) {
                ei->nargs++;
                ei->default_cluster = 1;
            }
        }
    for (size_t pi = 0; pi < est->nparams; pi++)
        if (est->params[pi].required && !given[pi])
            diag_at(sc->dg, DIAG_ERROR, s->loc, "%s needs argument '%s' (%s)", est->name,
                    est->params[pi].name, est->params[pi].help ? est->params[pi].help : "required");
    free(given);
    /* an endpoint given by rows (counting-process data) is one argument of
     * its own: not in a list, not split by an exposure, one per estimate */
    int nrows_eps = 0;
    for (size_t i = 0; i < ei->nargs; i++) {
        const boundarg *ba = &ei->args[i];
        int epi = ba->kind == COHORT_ARG_ENDPOINT ? ba->value->slot
                : ba->kind == COHORT_ARG_FORMULA && ba->endpoint ? ba->value->a->slot : -1;
        if (ba->kind == COHORT_ARG_ENDPOINTS)
            for (size_t k = 0; k < ba->nitems; k++)
                if (ep_rows_table(&sc->st->eps[ba->items[k]->slot]) >= 0)
                    err(sc, ba->items[k], "endpoint %s has one interval per row of %s: it cannot be in a list of "
                        "endpoints", ba->items[k]->name, sc->d->tables[sc->st->eps[ba->items[k]->slot].rows_table].name);
        if (epi < 0 || ep_rows_table(&sc->st->eps[epi]) < 0) continue;
        if (nrows_eps++)
            err(sc, ba->value, "an estimate takes one endpoint with one interval per row");
        if (ba->kind == COHORT_ARG_FORMULA && ba->exposure >= 0)
            err(sc, ba->value->items[ba->exposure_term], "endpoint %s already has one interval per row of %s: a "
                "time-varying exposure cannot split it", ba->value->a->name,
                sc->d->tables[sc->st->eps[epi].rows_table].name);
    }
    disclose_check_keys(sc->st, sc->d, ei, sc->dg);
    future_check(sc->st, ei, sc->dg);
    /* keep arguments in parameter order, as the ABI promises */
    for (size_t i = 1; i < ei->nargs; i++)
        for (size_t j = i; j > 0 && ei->args[j - 1].param > ei->args[j].param; j--) {
            boundarg t = ei->args[j];
            ei->args[j] = ei->args[j - 1];
            ei->args[j - 1] = t;
        }
}

/* ---- phase 1: declarations that need no data ------------------------------- */

static char *join_path(const char *dir, size_t dl, const char *name)
{
    size_t nl = strlen(name);
    char *p = malloc(dl + nl + 2);
    if (!p) return NULL;
    memcpy(p, dir, dl);
    size_t k = dl;
    if (dl && dir[dl - 1] != '/') p[k++] = '/';
    memcpy(p + k, name, nl + 1);
    return p;
}

/* ---- the names the rules can use as columns (postgres reads only these) --- */

typedef struct namelist {
    const char **v;
    size_t n, cap;
    int oom;
} namelist;

static void add_name(namelist *nl, const char *name)
{
    if (!name || nl->oom) return;
    if (nl->n == nl->cap) {
        size_t cap = nl->cap ? 2 * nl->cap : 64;
        const char **v = realloc(nl->v, cap * sizeof *v);
        if (!v) { nl->oom = 1; return; }
        nl->v = v;
        nl->cap = cap;
    }
    nl->v[nl->n++] = name;
}

typedef void (*expr_fn)(void *ud, const expr *e);

/* f on e and every expression below it. */
static void each_expr(const expr *e, expr_fn f, void *ud)
{
    if (!e) return;
    f(ud, e);
    each_expr(e->a, f, ud);
    each_expr(e->b, f, ud);
    each_expr(e->c, f, ud);
    each_expr(e->d, f, ud);
    for (size_t i = 0; i < e->nitems; i++) each_expr(e->items[i], f, ud);
}

/* f on every expression of the program's statements (and below). */
static void stmt_exprs(const program *p, expr_fn f, void *ud)
{
    for (size_t i = 0; i < p->nstmts; i++) {
        const stmt *s = p->stmts[i];
        const expr *one[] = {s->value, s->origin, s->event, s->censor, s->ep_time, s->ep_status,
                             s->ep_entry, s->start, s->end, s->gap, s->by};
        for (size_t k = 0; k < sizeof one / sizeof *one; k++) each_expr(one[k], f, ud);
        for (size_t k = 0; k < s->ncompeting; k++) each_expr(s->competing[k], f, ud);
        for (size_t k = 0; k < s->nargs; k++) each_expr(s->args[k].value, f, ud);
    }
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort nl and drop repeated names. */
static void sort_unique(namelist *nl)
{
    if (nl->n) qsort(nl->v, nl->n, sizeof *nl->v, str_cmp);
    size_t k = 0;
    for (size_t i = 0; i < nl->n; i++)
        if (k == 0 || strcmp(nl->v[k - 1], nl->v[i]) != 0) nl->v[k++] = nl->v[i];
    nl->n = k;
}

/* What the names of the rules can refer to, known before any row is read:
 * the tables as declared, the units, the row variables of quantifiers and
 * the parameters of definitions. */
typedef struct wantscan {
    const study *st;
    size_t nt;
    namelist *per;          /* [table]: names that can be its columns */
    namelist all;           /* names that can be a column of any table */
    int *parent;            /* [table]: the declared parent, or -1 */
    unsigned char *unit;    /* [table]: a unit of some analysis */
    unsigned char *ordered; /* [table]: its rows can be visited in order */
    unsigned char *named;   /* [table]: something in the rules can read it */
    int any_table;          /* a name may be read from any table (a field of
                               a function's parameter, of an unknown base) */
    int by_name;            /* every name goes to every table (eras) */
    struct {                /* the quantifiers (add_quant) */
        const expr **v;
        size_t n, cap;
        int oom;
    } quant;
} wantscan;

/* Table t and its ancestors can be read (a row of t reaches them). */
static void name_line(wantscan *ws, int t)
{
    for (size_t steps = 0; t >= 0 && steps < ws->nt; steps++, t = ws->parent[t]) ws->named[t] = 1;
}

/* name to table t and its ancestors (a name read through a row of t). */
static void want_line(wantscan *ws, int t, const char *name)
{
    name_line(ws, t);
    for (size_t steps = 0; t >= 0 && steps < ws->nt; steps++, t = ws->parent[t])
        add_name(&ws->per[t], name);
}

/* Is name an endpoint's (rn in rn.time: a member of the endpoint, whose
 * own expressions say what it reads)? */
static int endpoint_name(const program *p, const char *name)
{
    for (size_t i = 0; i < p->nstmts; i++)
        if (p->stmts[i]->kind == S_ENDPOINT && p->stmts[i]->name && strcmp(p->stmts[i]->name, name) == 0)
            return 1;
    return 0;
}

/* Every quantifier's row variable and table (-1: not a declared table). */
static void add_quant(void *ud, const expr *e)
{
    wantscan *ws = ud;
    if (e->kind != E_QUANT || !e->var || ws->quant.oom) return;
    if (ws->quant.n == ws->quant.cap) {
        size_t cap = ws->quant.cap ? 2 * ws->quant.cap : 16;
        const expr **v = realloc(ws->quant.v, cap * sizeof *v);
        if (!v) { ws->quant.oom = 1; return; }
        ws->quant.v = v;
        ws->quant.cap = cap;
    }
    ws->quant.v[ws->quant.n++] = e;
}

static int func_param(const program *p, const char *name)
{
    for (size_t i = 0; i < p->nstmts; i++)
        for (size_t k = 0; k < p->stmts[i]->nxparams; k++)
            if (p->stmts[i]->xparams[k].name && strcmp(p->stmts[i]->xparams[k].name, name) == 0) return 1;
    return 0;
}

/* Where one name written in an expression can be a column (resolve_name,
 * resolve_field, check_ep_column); a name that cannot be placed goes to
 * every table. */
static void want_expr(void *ud, const expr *e)
{
    wantscan *ws = ud;
    const program *p = ws->st->prog;
    if (e->kind == E_NAME) {
        /* a bare name: a column of the unit or of one of its ancestors */
        for (size_t t = 0; t < ws->nt; t++)
            if (ws->unit[t]) want_line(ws, (int)t, e->name);
        return;
    }
    if (e->kind != E_FIELD) return;
    const char *base = e->a && e->a->kind == E_NAME ? e->a->name : NULL;
    if (!base || ws->by_name || func_param(p, base)) {
        add_name(&ws->all, e->name);
        ws->any_table = 1;
        return;
    }
    /* base.field where base is a row variable of a quantifier over table q:
     * a column of q or (through `v.course.x`) of one of its ancestors */
    int placed = 0;
    for (size_t i = 0; i < ws->quant.n; i++) {
        const expr *q = ws->quant.v[i];
        if (strcmp(q->var, base) != 0) continue;
        int qt = find_table(ws->st, q->name);
        if (qt >= 0) want_line(ws, qt, e->name);
        else add_name(&ws->all, e->name);
        ws->any_table |= qt < 0;
        placed = 1;
    }
    int t = find_table(ws->st, base);
    if (t >= 0) {
        add_name(&ws->per[t], e->name);
        name_line(ws, t);
        ws->ordered[t] = 1;     /* an endpoint may read the table's rows */
        placed = 1;
    }
    if (!placed) {
        add_name(&ws->all, e->name);   /* an endpoint's member, or unknown */
        ws->any_table |= !endpoint_name(p, base);
    }
}

/* Per table, the names of its columns the rules can use, sorted and unique:
 * a superset of the columns the study reads from it; and whether anything
 * can visit its rows in order (a quantifier over it, `table.x` as an
 * endpoint's rows may read it, or any table with eras, concepts or a
 * quantifier over an unknown table): a superset too.  A bare name can be a
 * column of a unit or of an ancestor of one; `v.x` of the table v ranges
 * over (or of its ancestors); `table.x` of that table; declared columns of
 * their table.  Keys, links and order columns are kept by the loader as
 * such (data.c: choose_projection), so a key's name here means the rules
 * read it.  With eras (which read their source table by the names of their
 * by-list) every name goes to every table, as it would with no tables
 * known.  And which tables nothing can read (unread): none with eras,
 * concepts, a quantifier over an unknown table or a field of something
 * that may be a row of any table (a function's parameter); else a table
 * that no name places in it, no quantifier ranges over, that is no unit,
 * and none of whose descendants is one of those (their rows reach it). */
static int table_wants(study *st)
{
    const program *p = st->prog;
    size_t nt = st->data->ntables;
    wantscan ws = {.st = st, .nt = nt, .per = calloc(nt + 1, sizeof *ws.per),
                   .parent = calloc(nt + 1, sizeof *ws.parent), .unit = calloc(nt + 1, 1),
                   .ordered = calloc(nt + 1, 1), .named = calloc(nt + 1, 1)};
    int rc = -1;
    st->wants = calloc(nt + 1, sizeof *st->wants);
    if (!ws.per || !ws.parent || !ws.unit || !ws.ordered || !ws.named || !st->wants) goto out;
    int has_unit = 0;
    for (size_t t = 0; t < nt; t++) {
        const tabledecl *td = &st->data->tables[t];
        ws.parent[t] = td->parent ? find_table(st, td->parent) : -1;
        for (size_t j = 0; j < td->ncols; j++) add_name(&ws.per[t], td->colnames[j]);
    }
    for (size_t i = 0; i < p->nstmts; i++) {
        const stmt *s = p->stmts[i];
        if (s->kind == S_ERA) ws.by_name = 1;
        if (s->kind == S_UNIT) {
            int u = s->name ? find_table(st, s->name) : -1;
            if (u >= 0) ws.unit[u] = 1;
            else ws.by_name = 1;    /* reported when the unit is resolved */
            has_unit = 1;
        }
        if (s->concepts) {
            /* descendants() reads concept_ancestor (concepts.c) */
            add_name(&ws.all, "ancestor_concept_id");
            add_name(&ws.all, "descendant_concept_id");
        }
    }
    if (nt && (!has_unit || ws.by_name)) ws.unit[0] = 1;
    if (ws.by_name)
        for (size_t t = 0; t < nt; t++) ws.unit[t] = 1;
    stmt_exprs(p, add_quant, &ws);
    stmt_exprs(p, want_expr, &ws);
    int all_ordered = ws.by_name;
    for (size_t i = 0; i < p->nstmts; i++) all_ordered |= p->stmts[i]->concepts != NULL;
    for (size_t i = 0; i < ws.quant.n; i++) {
        int qt = find_table(st, ws.quant.v[i]->name);
        if (qt >= 0) ws.ordered[qt] = 1;
        else all_ordered = 1;
        name_line(&ws, qt);     /* its rows are grouped through its ancestors */
    }
    for (size_t t = 0; t < nt; t++)
        if (ws.unit[t]) name_line(&ws, (int)t);
    int oom = ws.all.oom | ws.quant.oom;
    for (size_t t = 0; t < nt; t++) {
        for (size_t k = 0; k < ws.all.n; k++) add_name(&ws.per[t], ws.all.v[k]);
        oom |= ws.per[t].oom;
    }
    if (oom) goto out;
    for (size_t t = 0; t < nt; t++) {
        sort_unique(&ws.per[t]);
        st->wants[t].v = ws.per[t].v;
        st->wants[t].n = ws.per[t].n;
        st->wants[t].ordered = all_ordered || ws.ordered[t];
        st->wants[t].unread = !all_ordered && !ws.any_table && !ws.named[t];
        ws.per[t].v = NULL;
    }
    st->nwants = nt;
    rc = 0;
out:
    for (size_t t = 0; ws.per && t < nt; t++) free(ws.per[t].v);
    free(ws.per);
    free(ws.all.v);
    free(ws.parent);
    free(ws.unit);
    free(ws.ordered);
    free(ws.named);
    free(ws.quant.v);
    return rc;
}

/* ---- the columns the resolved rules read -------------------------------- */

typedef struct readmarks {
    const cohort_data *d;
    unsigned char **read;   /* [table][column] */
    unsigned char *need;    /* [table] */
} readmarks;

static void mark_table(readmarks *m, int t)
{
    if (t >= 0 && (size_t)t < m->d->ntables) m->need[t] = 1;
}

static void mark_read(void *ud, const expr *e)
{
    readmarks *m = ud;
    int c = -1;
    if (e->rkind == R_COLUMN || e->rkind == R_VARCOL || e->rkind == R_VARANC) {
        c = e->col;
        mark_table(m, e->rkind == R_VARANC ? e->anchor_table : -1);
    } else if (e->kind == E_QUANT) {
        c = e->pf_col;      /* its prefilter's column */
        mark_table(m, e->col);  /* the ancestor its rows are grouped by */
        mark_table(m, e->anchor_slot >= 0 ? e->anchor_table : -1);
    }
    if (e->table < 0 || (size_t)e->table >= m->d->ntables || (c < 0 && e->kind != E_QUANT))
        return;
    m->need[e->table] = 1;
    if (c >= 0 && (size_t)c < m->d->tables[e->table].ncols) m->read[e->table][c] = 1;
}

/* The columns (read[t][c]) and tables (need[t], with their ancestors:
 * rows reach them through parent_row) the resolved rules read, into m's
 * arrays (allocated here: free_marks); 0, or -1 out of memory. */
static int tables_read(const study *const *sts, size_t n, const cohort_data *d, readmarks *m)
{
    m->d = d;
    m->read = calloc(d->ntables + 1, sizeof *m->read);
    m->need = calloc(d->ntables + 1, 1);
    int rc = m->read && m->need ? 0 : -1;
    for (size_t t = 0; t < d->ntables && !rc; t++)
        if (!(m->read[t] = calloc(d->tables[t].ncols + 1, 1))) rc = -1;
    for (size_t k = 0; k < n && !rc; k++) {
        stmt_exprs(sts[k]->prog, mark_read, m);
        mark_table(m, sts[k]->unit);
        mark_table(m, sts[k]->root);
    }
    for (size_t t = 0; t < d->ntables && !rc; t++)
        for (int p = m->need[t] ? d->tables[t].parent : -1; p >= 0; p = d->tables[p].parent)
            m->need[p] = 1;
    return rc;
}

static void free_marks(readmarks *m)
{
    for (size_t t = 0; m->read && t < m->d->ntables; t++) free(m->read[t]);
    free(m->read);
    free(m->need);
}

int check_drop_unread(const study *const *sts, size_t n, cohort_data *d)
{
    readmarks m;
    int rc = tables_read(sts, n, d, &m);
    if (!rc) data_drop_unread(d, (const unsigned char *const *)m.read, m.need);
    free_marks(&m);
    return rc;
}

int check_unread_tables(const study *const *sts, size_t n, const cohort_data *d)
{
    if (!d->tables_unread) return -1;
    readmarks m;
    int rc = tables_read(sts, n, d, &m), bad = -1;
    for (size_t t = 0; t < d->ntables && !rc && bad < 0; t++)
        if (m.need[t] && d->tables[t].unread) bad = (int)t;
    free_marks(&m);
    return bad;
}

static decl_site site_of(loc l)
{
    size_t ll = 0;
    const char *line = srcfile_line(l.file, l.line, &ll);
    int len = l.end_line == l.line ? l.end_col - l.col + 1 : (int)ll - l.col + 1;
    return (decl_site){l.file->name, l.line, l.col, len > 0 ? len : 1, line, ll};
}

static int const_duration(study *st, expr *e, double *days, diag *dg)
{
    if (e && e->kind == E_DURATION && (e->dunit == DU_DAY || e->dunit == DU_WEEK)) {
        if (!(e->rval > 0)) {
            diag_at(dg, DIAG_ERROR, e->loc, "a unit length must be positive, not %g %s", e->rval,
                    dunit_name(e->dunit));
            return -1;
        }
        *days = e->rval * (e->dunit == DU_DAY ? 1 : 7);
        return 0;
    }
    if (e) diag_at(dg, DIAG_ERROR, e->loc, "a unit length must be a number of days or weeks, e.g. 30 days");
    (void)st;
    return -1;
}

/* The tables declared outside the data block (`table person key
 * person_id;` in a library) join the data statement's own, all in the
 * order written (an import stands where it is written), so a parent comes
 * before its children as in one block.  st->data becomes a copy with every
 * table; 0, or -1 when out of memory. */
static int join_tables(study *st, program *prog)
{
    size_t n = 0;
    for (size_t i = 0; i < prog->nstmts; i++)
        if (prog->stmts[i]->kind == S_TABLE) n++;
    if (!n) return 0;
    stmt *d = ast_alloc(prog, sizeof *d);
    tabledecl *t = ast_alloc(prog, (n + st->data->ntables) * sizeof *t);
    if (!d || !t) return -1;
    *d = *st->data;
    d->tables = t;
    d->ntables = 0;
    for (size_t i = 0; i < prog->nstmts; i++) {
        const stmt *s = prog->stmts[i];
        if (s == st->data)
            for (size_t k = 0; k < s->ntables; k++) t[d->ntables++] = s->tables[k];
        else if (s->kind == S_TABLE)
            t[d->ntables++] = s->tables[0];
    }
    st->data = d;
    return 0;
}

static int bind_param(study *st, paraminfo *pi, const char *text, const char *option, diag *dg)
{
    char name[300];
    snprintf(name, sizeof name, "%s %s", option ? option : "--set", pi->s->name);
    expr *e = parse_expr(st->prog, name, text, dg);
    if (!e) return -1;
    pi->value = e;
    return 0;
}

/* ---- settings: privacy and plot options ------------------------------------------ */

/* The settings a rules file may give (`privacy min_cell = 5;`, `plot {
 * time_limit = 24 months; }`): section, key, the form of the value.  The
 * checker validates them and leaves a duration's length in value->days;
 * study.c reads them from the program. */
enum { SET_COUNT, SET_DURATION, SET_BOOL, SET_INCHES, SET_LIMITS, SET_COLOURS, SET_LINES, SET_NAME };
static const struct {
    const char *section, *key;
    int form;
    const char *example;
} known_settings[] = {
    {"privacy", "min_cell", SET_COUNT, "privacy min_cell = 5;"},
    {"privacy", "show_keys", SET_BOOL, "privacy show_keys = true;"},
    {"plot", "time_limit", SET_DURATION, "plot time_limit = 24 months;"},
    {"plot", "min_at_risk", SET_COUNT, "plot min_at_risk = 10;"},
    {"plot", "ci_bands", SET_BOOL, "plot ci_bands = false;"},
    {"plot", "annotate", SET_BOOL, "plot annotate = true;"},
    {"plot", "breaks", SET_DURATION, "plot breaks = 6 months;"},
    {"plot", "y_limits", SET_LIMITS, "plot y_limits = [0, 0.5];"},
    {"plot", "colours", SET_COLOURS, "plot colours = [\"#0072B2\", \"#D55E00\"];"},
    {"plot", "line_types", SET_LINES, "plot line_types = [\"solid\", \"dashed\"];"},
    {"plot", "width", SET_INCHES, "plot width = 7;"},
    {"plot", "height", SET_INCHES, "plot height = 5;"},
    {"plot", "attrition_by", SET_NAME, "plot attrition_by = tdxd;"},
};
#define NKNOWN_SETTINGS (sizeof known_settings / sizeof known_settings[0])

/* A number literal (integer or real, possibly negated) into *x. */
static int setting_number(const expr *v, double *x)
{
    int neg = 0;
    if (v->kind == E_UNARY && v->op == OP_NEG && v->a) {
        neg = 1;
        v = v->a;
    }
    if (v->kind == E_INT) *x = (double)v->ival;
    else if (v->kind == E_REAL) *x = v->rval;
    else return -1;
    if (neg) *x = -*x;
    return 0;
}

/* Is s a colour "#RRGGBB"? */
static int hex_colour(const char *s)
{
    if (!s || s[0] != '#' || strlen(s) != 7) return 0;
    for (int i = 1; i < 7; i++)
        if (!isxdigit((unsigned char)s[i])) return 0;
    return 1;
}

/* Check the value of setting k (known_settings[k]) written as v; `name`
 * and `key` are the section and key as written.  Leaves a duration's
 * length in v->days. */
static void check_setting_value(study *st, size_t k, const char *name, const char *key, expr *v, diag *dg)
{
    double x, y;
    switch (known_settings[k].form) {
    case SET_COUNT:
        if (v->kind != E_INT || v->ival < 0 || v->ival > 1000000)
            diag_at(dg, DIAG_ERROR, v->loc, "%s %s must be a whole number >= 0, e.g. %s", name, key,
                    known_settings[k].example);
        break;
    case SET_DURATION:
        if (v->kind != E_DURATION || !(v->rval > 0))
            diag_at(dg, DIAG_ERROR, v->loc, "%s %s must be a positive duration, e.g. %s", name, key,
                    known_settings[k].example);
        else
            v->days = v->rval * st->unit_days[v->dunit];
        break;
    case SET_INCHES:
        if (setting_number(v, &x) || !(x >= 2 && x <= 30))
            diag_at(dg, DIAG_ERROR, v->loc, "%s %s must be a number of inches from 2 to 30, e.g. %s", name, key,
                    known_settings[k].example);
        break;
    case SET_LIMITS:
        if (v->kind != E_LIST || v->nitems != 2 || setting_number(v->items[0], &x) ||
            setting_number(v->items[1], &y) || !(x >= 0 && y <= 1 && x < y))
            diag_at(dg, DIAG_ERROR, v->loc, "%s %s must be [lower, upper] with 0 <= lower < upper <= 1, e.g. %s",
                    name, key, known_settings[k].example);
        break;
    case SET_COLOURS:
    case SET_LINES:
        if (v->kind != E_LIST || v->nitems == 0 || v->nitems > RENDER_MAX_STYLES) {
            diag_at(dg, DIAG_ERROR, v->loc, "%s %s must be a list of 1 to %d texts, e.g. %s", name, key,
                    RENDER_MAX_STYLES, known_settings[k].example);
            break;
        }
        for (size_t i = 0; i < v->nitems; i++) {
            const expr *e = v->items[i];
            const char *t = e->kind == E_TEXT ? e->sval : NULL;
            if (known_settings[k].form == SET_COLOURS && !hex_colour(t))
                diag_at(dg, DIAG_ERROR, e->loc, "%s %s: a colour is written \"#RRGGBB\" (hexadecimal), e.g. %s",
                        name, key, known_settings[k].example);
            else if (known_settings[k].form == SET_LINES && (!t || render_line_type(t) < 0))
                diag_at(dg, DIAG_ERROR, e->loc,
                        "%s %s: a line type is \"solid\", \"dashed\", \"dotted\", \"dotdash\", \"longdash\" or "
                        "\"twodash\"", name, key);
        }
        break;
    case SET_NAME:
        /* its type is checked with the lets (check_resolve: attrition_by) */
        if (v->kind != E_NAME && v->kind != E_FIELD)
            diag_at(dg, DIAG_ERROR, v->loc, "%s %s must name a value of the unit, e.g. %s", name, key,
                    known_settings[k].example);
        break;
    default:
        if (v->kind != E_BOOL)
            diag_at(dg, DIAG_ERROR, v->loc, "%s %s must be true or false, e.g. %s", name, key,
                    known_settings[k].example);
        break;
    }
}

/* `plot attrition_by = NAME;` (the rules' or --plot's): NAME is a true or
 * false, text or whole-number value of the unit. */
static void check_attrition_by(scope *sc, stmt *s)
{
    if (!s->value || strcmp(s->name, "plot") || strcmp(s->text, "attrition_by")) return;
    if (s->value->kind != E_NAME && s->value->kind != E_FIELD) return;
    ty t = check_expr(sc, s->value);
    if (!is_err(t) && t.kind != TY_BOOL && t.kind != TY_TEXT && t.kind != TY_INT)
        diag_at(sc->dg, DIAG_ERROR, s->value->loc, "plot attrition_by must name a true or false, text or "
                "whole-number value of the unit to split the last step by, not %s", ty_name(t));
}

/* The index of setting section.key in known_settings, NKNOWN_SETTINGS when
 * the section has no such key, or -1 when there is no such section. */
static long find_setting(const char *section, const char *key)
{
    long found = -1;
    for (size_t k = 0; k < NKNOWN_SETTINGS; k++)
        if (!strcmp(known_settings[k].section, section)) {
            found = (long)NKNOWN_SETTINGS;
            if (!strcmp(known_settings[k].key, key)) return (long)k;
        }
    return found;
}

/* "time_limit, min_at_risk, ..." and the nearest to `key`, of section's keys. */
static const char *setting_keys(const char *section, const char *key, char *list, size_t size)
{
    const char *keys[NKNOWN_SETTINGS];
    size_t nk = 0;
    list[0] = 0;
    for (size_t j = 0; j < NKNOWN_SETTINGS; j++)
        if (!strcmp(known_settings[j].section, section)) {
            keys[nk++] = known_settings[j].key;
            size_t len = strlen(list);
            snprintf(list + len, size - len, "%s%s", len ? ", " : "", known_settings[j].key);
        }
    return diag_suggest(key, keys, nk);
}

static void check_setting(study *st, size_t i, diag *dg)
{
    program *prog = st->prog;
    stmt *s = prog->stmts[i];
    long k = find_setting(s->name, s->text);
    if (k < 0) {
        static const char *const words[] = {"privacy", "plot", "param", "let", "include", "exclude",
                                            "endpoint", "estimate", "unit", "study", "import", "data",
                                            "define", "timescale", "exposure", "extern"};
        const char *sug = diag_suggest(s->name, words, sizeof words / sizeof words[0]);
        diag_at(dg, DIAG_ERROR, s->name_loc, "unknown statement '%s'%s%s%s", s->name,
                sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
        return;
    }
    if (k == (long)NKNOWN_SETTINGS) {
        char list[256];
        const char *sug = setting_keys(s->name, s->text, list, sizeof list);
        if (sug) diag_at(dg, DIAG_ERROR, s->loc, "%s has no setting '%s' (did you mean '%s'?)", s->name, s->text, sug);
        else diag_at(dg, DIAG_ERROR, s->loc, "%s has no setting '%s' (it has %s)", s->name, s->text, list);
        return;
    }
    for (size_t j = 0; j < i; j++) {
        const stmt *o = prog->stmts[j];
        if (o->kind == S_SETTING && !strcmp(o->name, s->name) && !strcmp(o->text, s->text)) {
            diag_at(dg, DIAG_ERROR, s->loc, "%s %s is already set at line %d%s%s", s->name, s->text, o->loc.line,
                    o->loc.file != s->loc.file ? " of " : "", o->loc.file != s->loc.file ? o->loc.file->name : "");
            return;
        }
    }
    if (s->value) check_setting_value(st, (size_t)k, s->name, s->text, s->value, dg);
}

int check_plot_option(study *st, const char *key, const char *text, diag *dg)
{
    long k = find_setting("plot", key);
    if (k < 0 || k == (long)NKNOWN_SETTINGS) {
        char list[256];
        const char *sug = setting_keys("plot", key, list, sizeof list);
        if (sug) diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "--plot %s: plot has no setting '%s' (did you mean '%s'?)", key, key, sug);
        else diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "--plot %s: plot has no setting '%s' (it has %s)", key, key, list);
        return -1;
    }
    char name[300];
    snprintf(name, sizeof name, "--plot %s", key);
    int before = dg->nerrors;
    expr *v = parse_expr(st->prog, name, text, dg);
    if (!v) return -1;
    check_setting_value(st, (size_t)k, "plot", key, v, dg);
    if (dg->nerrors != before) return -1;
    stmt *s = ast_alloc(st->prog, sizeof *s);
    stmt **l = ast_alloc(st->prog, (st->nplot_options + 1) * sizeof *l);
    if (!s || !l) return -1;
    memset(s, 0, sizeof *s);
    s->kind = S_SETTING;
    s->name = ast_strdup(st->prog, "plot", 4);
    s->text = ast_strdup(st->prog, key, strlen(key));
    s->value = v;
    if (!s->text || !s->name) return -1;
    if (st->nplot_options) memcpy(l, st->plot_options, st->nplot_options * sizeof *l);
    l[st->nplot_options++] = s;
    st->plot_options = l;
    return 0;
}

/* Each era statement declares a derived table (era.c fills it after the
 * data are read): appended to the data declaration after the CSV tables,
 * in the order of the statements, so that table numbers agree with the
 * schema's.  It hangs from the parent of its source table. */
static void add_era_tables(study *st, stmt *d, diag *dg)
{
    if (!st->neras) return;
    tabledecl *t = ast_alloc(st->prog, (d->ntables + st->neras) * sizeof *t);
    if (!t) return;
    if (d->ntables) memcpy(t, d->tables, d->ntables * sizeof *t);
    d->tables = t;
    for (size_t i = 0; i < st->neras; i++) {
        stmt *e = st->eras[i];
        size_t k;
        for (k = 0; k < d->ntables; k++)
            if (strcmp(t[k].name, e->name) == 0) break;
        if (k < d->ntables) {
            diag_at(dg, DIAG_ERROR, e->name_loc, "table %s is already declared at line %d", e->name,
                    t[k].loc.line);
            continue;
        }
        for (k = 0; k < d->ntables; k++)
            if (strcmp(t[k].name, e->text) == 0) break;
        if (k == d->ntables) {
            const char *names[64];
            size_t nn = 0;
            for (size_t j = 0; j < d->ntables && nn < 64; j++) names[nn++] = t[j].name;
            const char *sg = diag_suggest(e->text, names, nn);
            diag_at(dg, DIAG_ERROR, e->text_loc, "unknown table '%s'%s%s%s", e->text,
                    sg ? " (did you mean '" : "", sg ? sg : "", sg ? "'?)" : "");
            continue;
        }
        if (!t[k].parent) {
            diag_at(dg, DIAG_ERROR, e->text_loc, "table %s has no parent table, so its eras would "
                    "belong to no row", e->text);
            continue;
        }
        tabledecl *x = &t[d->ntables];
        memset(x, 0, sizeof *x);
        x->name = e->name;
        x->loc = e->name_loc;
        x->parent = t[k].parent;
        x->order = ast_strdup(st->prog, "start_date", 10);
        x->era = e;
        e->slot = (int)d->ntables++;
    }
}

/* Is statement s part of analysis k (0: the whole program)? */
static int in_analysis(const stmt *s, int k)
{
    return k == 0 || s->analysis == 0 || s->analysis == k;
}

study *check_prepare(program *prog, strpool *pool, const override *ov, size_t nov,
                     const char *data_dir_override, diag *dg)
{
    return check_prepare_analysis(prog, pool, ov, nov, data_dir_override, 0, dg);
}

/* Named estimates (`estimate rn_cif = cif(...)`): a name names the
 * estimate's output files and its entry in results.json, so it is unique in
 * the whole program (all analysis blocks write into one directory) and
 * made of letters, digits and '_'. */
static void check_estimate_names(const program *prog, diag *dg)
{
    for (size_t i = 0; i < prog->nstmts; i++) {
        const stmt *s = prog->stmts[i];
        if (s->kind != S_ESTIMATE || !s->text) continue;
        int ok = !(s->text[0] >= '0' && s->text[0] <= '9');
        for (const char *c = s->text; *c && ok; c++)
            ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_';
        if (!ok) {
            diag_at(dg, DIAG_ERROR, s->text_loc, "the name of an estimate names its output files: use letters, "
                    "digits and '_', not '%s'", s->text);
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            const stmt *o = prog->stmts[j];
            if (o->kind == S_ESTIMATE && o->text && strcmp(o->text, s->text) == 0) {
                diag_at(dg, DIAG_ERROR, s->text_loc, "estimate '%s' is already named at line %d%s%s", s->text,
                        o->loc.line, o->loc.file != s->loc.file ? " of " : "",
                        o->loc.file != s->loc.file ? o->loc.file->name : "");
                break;
            }
        }
    }
}

study *check_prepare_analysis(program *prog, strpool *pool, const override *ov, size_t nov,
                              const char *data_dir_override, int analysis, diag *dg)
{
    study *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->prog = prog;
    st->analysis = analysis;
    st->pool = pool;
    st->unit = -1;
    st->unit_days[DU_DAY] = 1;
    st->unit_days[DU_WEEK] = 7;
    st->unit_days[DU_MONTH] = 30.4375;
    st->unit_days[DU_YEAR] = 365.25;
    st->timescale = DU_DAY;
    int before = dg->nerrors;
    size_t n = prog->nstmts;
    st->params = calloc(n + 1, sizeof *st->params);
    st->lets = calloc(n + 1, sizeof *st->lets);
    st->eps = calloc(n + 1, sizeof *st->eps);
    st->criteria = calloc(n + 1, sizeof *st->criteria);
    st->ests = calloc(n + 1, sizeof *st->ests);
    st->externs = calloc(n + 1, sizeof *st->externs);
    st->exposures = calloc(n + 1, sizeof *st->exposures);
    st->eras = calloc(n + 1, sizeof *st->eras);
    st->funcs = calloc(n + 1, sizeof *st->funcs);
    if (!st->exposures || !st->eras || !st->funcs || !st->params || !st->lets || !st->eps || !st->criteria ||
        !st->ests || !st->externs) {
        study_free(st);
        return NULL;
    }
    const stmt *unit = NULL, *shared_unit = NULL;
    /* every name is defined once among params, lets, endpoints and externs
     * (of one analysis: two analysis blocks may each define the same name) */
    for (size_t i = 0; i < n; i++) {
        stmt *s = prog->stmts[i];
#define NAMED(k) ((k) == S_PARAM || (k) == S_LET || (k) == S_ENDPOINT || (k) == S_EXTERN || (k) == S_EXPOSURE || \
                  (k) == S_FUNC)
        if (!NAMED(s->kind) || !in_analysis(s, analysis)) continue;
        for (size_t j = 0; j < i; j++) {
            stmt *o = prog->stmts[j];
            if (NAMED(o->kind) && in_analysis(o, analysis) &&
                strcmp(o->name, s->name) == 0) {
                diag_at(dg, DIAG_ERROR, s->name_loc, "'%s' is already defined at line %d%s%s", s->name,
                        o->loc.line, o->loc.file != s->loc.file ? " of " : "",
                        o->loc.file != s->loc.file ? o->loc.file->name : "");
                break;
            }
        }
    }
    if (analysis <= 1) check_estimate_names(prog, dg);   /* once: the names are the run's, not an analysis's */
    for (size_t i = 0; i < n; i++) {
        stmt *s = prog->stmts[i];
        if (!in_analysis(s, analysis)) continue;
        switch (s->kind) {
        case S_STUDY: st->title = s->text; break;
        case S_ANALYSIS:
            if (s->slot == analysis) st->analysis_name = s->name;
            break;
        case S_DATA:
            if (st->data) diag_at(dg, DIAG_ERROR, s->loc, "only one data declaration is allowed (the first is at line %d)", st->data->loc.line);
            else st->data = s;
            break;
        case S_UNIT: {
            /* an analysis block's unit stands in for the shared one */
            const stmt **u = s->analysis ? &unit : &shared_unit;
            if (*u) diag_at(dg, DIAG_ERROR, s->loc, "the unit is already set at line %d", (*u)->loc.line);
            else *u = s;
            break;
        }
        case S_PARAM: st->params[st->nparams].s = s; st->params[st->nparams++].value = s->value; break;
        case S_LET: st->lets[st->nlets++].s = s; break;
        case S_ENDPOINT: st->eps[st->neps++].s = s; break;
        case S_INCLUDE: case S_EXCLUDE: st->criteria[st->ncriteria++] = s; break;
        case S_ESTIMATE:
            if (analysis && !s->analysis)
                diag_at(dg, DIAG_ERROR, s->loc, "with analysis blocks, each estimate belongs to one: "
                        "move this estimate into an analysis block");
            st->ests[st->nests++].s = s;
            break;
        case S_EXTERN: st->externs[st->nexterns++].s = s; break;
        case S_TIMESCALE: st->timescale = s->slot; break;
        case S_DEFINE:
            if (s->slot == DU_DAY) diag_at(dg, DIAG_ERROR, s->loc, "the length of a day cannot be changed");
            else const_duration(st, s->value, &st->unit_days[s->slot], dg);
            break;
        case S_EXPOSURE: st->exposures[st->nexposures++] = s; break;
        case S_ERA: st->eras[st->neras++] = s; break;
        case S_FUNC:
            st->funcs[st->nfuncs++].s = s;
            if (builtin_find(s->name) >= 0)
                diag_at(dg, DIAG_ERROR, s->name_loc, "'%s' is a built-in function: choose another name", s->name);
            for (size_t k = 0; k < s->nxparams; k++)
                for (size_t j = 0; j < k; j++)
                    if (strcmp(s->xparams[j].name, s->xparams[k].name) == 0) {
                        diag_at(dg, DIAG_ERROR, s->xparams[k].loc, "%s has two parameters named '%s'", s->name,
                                s->xparams[k].name);
                        break;
                    }
            break;
        case S_IMPORT: break;
        case S_SETTING: break;
        case S_TABLE: break;   /* joined to the data statement below */
        case S_LABEL: break;   /* checked with the names (check_label) */
        }
    }
    if (!unit) unit = shared_unit;
    /* after the loop: durations use the study's `define`d unit lengths */
    for (size_t i = 0; i < n; i++)
        if (prog->stmts[i]->kind == S_SETTING) check_setting(st, i, dg);
    for (size_t i = 0; i < nov; i++) {
        int k = find_param(st, ov[i].name);
        if (k < 0) {
            const char *names[256];
            size_t nn = st->nparams < 256 ? st->nparams : 256;
            for (size_t j = 0; j < nn; j++) names[j] = st->params[j].s->name;
            const char *s = diag_suggest(ov[i].name, names, nn);
            diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "%s %s: the rules have no param '%s'%s%s%s",
                      ov[i].option ? ov[i].option : "--set", ov[i].name, ov[i].name, s ? " (did you mean '" : "",
                      s ? s : "", s ? "'?)" : "");
            continue;
        }
        bind_param(st, &st->params[k], ov[i].text, ov[i].option, dg);
    }
    (void)find_stmt;
    if (!st->data) {
        diag_emit(dg, DIAG_ERROR, prog->nfiles ? prog->files[0]->name : NULL, 0, 0, 0, NULL, 0,
                  "no data declaration (e.g. data csv \"data\" { table patients key patient_id; })");
        study_free(st);
        return NULL;
    }
    if (join_tables(st, prog)) { study_free(st); return NULL; }
    /* table specs: CSV files in the data directory, relative to the rules
     * file, or tables of a PostgreSQL database */
    const stmt *d = st->data;
    if (d->data_source == DS_POSTGRES) {
        st->conninfo = strdup(data_dir_override ? data_dir_override : d->text);
        /* a connection string from --data is reported as such */
        st->conninfo_site = data_dir_override ? (decl_site){"--data", 0, 0, 1, NULL, 0}
                                              : site_of(d->name_loc);
        st->data_dir = strdup("");
        if (!st->conninfo) { study_free(st); return NULL; }
    } else if (data_dir_override) {
        st->data_dir = strdup(data_dir_override);
    } else if (d->text[0] == '/') {
        st->data_dir = strdup(d->text);
    } else {
        const char *rules = d->loc.file->name;
        const char *slash = strrchr(rules, '/');
        st->data_dir = join_path(rules, slash ? (size_t)(slash - rules) + 1 : 0, d->text);
    }
    if (d->value) {
        /* missing ("NA", ".", ...): the texts read as missing values */
        st->na = calloc(d->value->nitems + 1, sizeof *st->na);
        for (size_t i = 0; st->na && i < d->value->nitems; i++) {
            expr *x = d->value->items[i];
            if (x->kind != E_TEXT) diag_at(dg, DIAG_ERROR, x->loc, "missing value markers must be texts, e.g. \"NA\"");
            else st->na[st->nna++] = x->sval;
        }
    }
    st->specs = calloc(d->ntables + 1, sizeof *st->specs);
    if (!st->data_dir || !st->specs || table_wants(st) != 0) { study_free(st); return NULL; }
    st->nspecs = d->ntables;
    for (size_t i = 0; i < d->ntables; i++) {
        const tabledecl *t = &d->tables[i];
        table_spec *sp = &st->specs[i];
        for (size_t j = 0; j < i; j++)
            if (strcmp(d->tables[j].name, t->name) == 0)
                diag_at(dg, DIAG_ERROR, t->loc, "table %s is declared twice", t->name);
        sp->name = t->name;
        sp->want = st->wants[i].v;  /* CSV: the other columns are read, not kept */
        sp->nwant = st->wants[i].n;
        sp->unordered = !st->wants[i].ordered;
        sp->unread = st->wants[i].unread;
        if (d->data_source == DS_POSTGRES) {
            if (t->file)
                diag_at(dg, DIAG_ERROR, t->loc, "table %s: 'file' is for data csv; a PostgreSQL table is named with from \"schema.table\"", t->name);
            sp->relation = t->from ? t->from : t->name;
            sp->rel_site = site_of(t->from ? t->from_loc : t->loc);
        } else if (t->from) {
            diag_at(dg, DIAG_ERROR, t->from_loc, "'from' names a table of data postgres; a table of data csv is read from a file (by default file \"%s.csv\")", t->name);
        } else if (t->file) {
            sp->path = t->file[0] == '/' ? strdup(t->file) : join_path(st->data_dir, strlen(st->data_dir), t->file);
        } else {
            char fn[512];
            snprintf(fn, sizeof fn, "%s.csv", t->name);
            sp->path = join_path(st->data_dir, strlen(st->data_dir), fn);
        }
        sp->key = t->key;
        sp->parent = t->parent;
        sp->order = t->order;
        sp->ndecl = t->ncols;
        sp->decl_names = (const char *const *)t->colnames;
        sp->decl_types = t->coltypes;
        sp->decl_impute = t->colimpute;
        sp->site = site_of(t->loc);
        if (t->parent) {
            size_t j;
            for (j = 0; j < i; j++)
                if (strcmp(d->tables[j].name, t->parent) == 0) break;
            if (j == i) {
                const char *names[64];
                size_t nn = 0;
                for (size_t k = 0; k < d->ntables && nn < 64; k++) names[nn++] = d->tables[k].name;
                const char *s = diag_suggest(t->parent, names, nn);
                if (s && strcmp(s, t->parent) == 0)
                    diag_at(dg, DIAG_ERROR, t->loc, "parent table '%s' of %s must be declared before it "
                            "(it is declared after)", t->parent, t->name);
                else
                    diag_at(dg, DIAG_ERROR, t->loc, "parent table '%s' of %s must be declared before it%s%s%s",
                            t->parent, t->name, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
            }
        }
    }
    if (!d->ntables)
        diag_at(dg, DIAG_ERROR, d->loc, "the data declaration has no tables: give them in its block "
                "(data csv \"%s\" { table patients key patient_id; }) or with table statements", d->text);
    if (unit) {
        int u = -1;
        for (size_t i = 0; i < d->ntables; i++)
            if (strcmp(d->tables[i].name, unit->name) == 0) u = (int)i;
        if (u < 0) {
            const char *names[64];
            size_t nn = 0;
            for (size_t k = 0; k < d->ntables && nn < 64; k++) names[nn++] = d->tables[k].name;
            const char *s = diag_suggest(unit->name, names, nn);
            if (s) diag_at(dg, DIAG_ERROR, unit->name_loc, "unknown table '%s' (did you mean '%s'?)", unit->name, s);
            else diag_at(dg, DIAG_ERROR, unit->name_loc, "unknown table '%s'", unit->name);
        }
        st->unit = u;
    } else if (d->ntables) {
        st->unit = 0;
    }
    add_era_tables(st, (stmt *)d, dg);
    if (dg->nerrors != before) {
        study_free(st);
        return NULL;
    }
    return st;
}

int check_set_param(study *st, const char *name, const char *text, diag *dg)
{
    int k = find_param(st, name);
    if (k < 0) {
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "--sweep %s: the rules have no param '%s'", name, name);
        return -1;
    }
    int before = dg->nerrors;
    if (bind_param(st, &st->params[k], text, "--sweep", dg)) return -1;
    /* re-check the new value: it must have the param's type and be constant */
    scope sc = {st, st->schema, dg, NULL, 0, {{0}}, 0, NULL};
    ty t = check_expr(&sc, st->params[k].value);
    if (!is_err(t) && !compatible(t, st->params[k].type))
        diag_at(dg, DIAG_ERROR, st->params[k].value->loc, "param %s is %s %s, not %s %s", name,
                an(ty_name(st->params[k].type)), ty_name(st->params[k].type), an(ty_name(t)), ty_name(t));
    return dg->nerrors == before ? 0 : -1;
}

void check_warn_unused(const study *const *sts, size_t nsts, const char *const *names, size_t n,
                       const char *option, diag *dg)
{
    const study *st = sts[0];
    for (size_t i = 0; i < n; i++) {
        int k = find_param(st, names[i]);
        int used = 0;   /* by any analysis */
        for (size_t a = 0; k >= 0 && a < nsts; a++) {
            int ka = find_param(sts[a], names[i]);
            used |= ka >= 0 && sts[a]->params[ka].used;
        }
        if (k >= 0 && !used)
            diag_at(dg, DIAG_WARNING, st->params[k].s->name_loc,
                    "%s %s: no criterion, let, endpoint or estimate uses param %s, so it changes no result",
                    option, names[i], names[i]);
    }
}

/* ---- phase 2 --------------------------------------------------------------- */

/* An era's condition, start, end and gap read only its source row,
 * constants and params: era.c evaluates them once per row, before any
 * unit, and the gap once per run.  `by` names a column of the row. */
static void check_era(scope *sc, stmt *s)
{
    study *st = sc->st;
    if (s->slot < 0) return;   /* its declaration failed */
    int src = -1;
    for (size_t k = 0; k < st->data->ntables && src < 0; k++)
        if (strcmp(st->data->tables[k].name, s->text) == 0) src = (int)k;
    if (src < 0) return;
    scope es = *sc;
    es.nvars = 1;
    es.vars[0].name = s->var;
    es.vars[0].table = src;
    struct { expr *e; int kind; const char *what; } part[] = {
        {s->value, TY_BOOL, "the condition of an era"},
        {s->start, TY_DATE, "the start of an era"},
        {s->end, TY_DATE, "the end of an era"},
        {s->gap, TY_DURATION, "the gap of an era"},
    };
    for (size_t i = 0; i < 4; i++) {
        expr *e = part[i].e;
        if (!e || !want(&es, e, check_expr(&es, e), part[i].kind, part[i].what)) continue;
        if (!row_only(st, e, 0))
            err(&es, e, "%s may only read its row %s, constants and params", part[i].what, s->var);
        else if (e == s->gap && !e->is_const)
            err(&es, e, "the gap of an era is the same for every row: a constant or a param, not a column");
        else if (e == s->gap) {
            double days;
            if (const_days(st, e, &days, 0) && days < 0) {
                err(&es, e, "the gap of an era cannot be negative (%g days)", days);
                param_note(&es, e);
            }
        }
    }
    if (s->by) {
        ty t = check_expr(&es, s->by);
        if (is_err(t)) return;
        if (s->by->kind != E_FIELD || s->by->rkind != R_VARCOL || s->by->slot != 0)
            err(&es, s->by, "an era is by a column of its row, e.g. by %s.agent", s->var);
        else if (!strcmp(s->by->name, "start_date") || !strcmp(s->by->name, "end_date") || !strcmp(s->by->name, "n"))
            err(&es, s->by, "an era table has its own column %s: choose another by column", s->by->name);
    }
}

/* A label statement names an endpoint, a time-varying exposure, a let or a
 * column the unit reaches (resolved as an expression naming it would be);
 * labels.c checks its levels. */
static void check_label(scope *sc, stmt *s)
{
    expr *e = s->value;
    int ep = e->kind == E_NAME ? find_endpoint(sc->st, e->name) : -1;
    int ex = e->kind == E_NAME && ep < 0 ? find_exposure(sc->st, e->name) : -1;
    ty t = ep >= 0 ? mk(TY_ENDPOINT) : ex >= 0 ? mk(TY_BOOL) : check_expr(sc, e);
    if (is_err(t)) return;
    if (ep < 0 && ex < 0 && e->rkind != R_COLUMN && e->rkind != R_LET) {
        err(sc, e, "a label names an endpoint, an exposure, a let or a column of the unit");
        return;
    }
    if (labels_add(&sc->st->labels, s, t.kind, sc->dg) || e->rkind != R_COLUMN) return;
    /* a text level the column never holds (in the rows read) is warned about */
    for (size_t k = 0; s->levels && k < s->levels->nitems; k += 2) {
        check_expr(sc, s->levels->items[k]);
        check_text_value(sc, e, s->levels->items[k], 1);
    }
    if (s->reference && !s->levels) {
        check_expr(sc, s->reference);
        check_text_value(sc, e, s->reference, 1);
    }
}

int check_resolve(study *st, const cohort_data *schema, plugin_reg *plugins, diag *dg)
{
    int before = dg->nerrors;
    st->schema = schema;
    scope sc = {st, schema, dg, plugins, 0, {{0}}, 0, NULL};
    for (int a = st->unit; a >= 0; a = schema->tables[a].parent) st->root = a;
    for (size_t i = 0; i < st->nexterns; i++) xcall_load(st, &st->externs[i], plugins, dg);
    for (size_t i = 0; i < st->nparams; i++) {
        paraminfo *p = &st->params[i];
        ty t = check_expr(&sc, p->value);
        if (p->value != p->s->value) {
            /* an override: the rules' own value fixes the type */
            ty decl = check_expr(&sc, p->s->value);
            if (!is_err(t) && !is_err(decl) && !compatible(t, decl))
                diag_at(dg, DIAG_ERROR, p->value->loc, "param %s is %s %s, not %s %s", p->s->name,
                        an(ty_name(decl)), ty_name(decl), an(ty_name(t)), ty_name(t));
            t = is_any(decl) ? t : decl;
        }
        if (!p->value->is_const)
            diag_at(dg, DIAG_ERROR, p->value->loc, "the value of param %s must be a constant", p->s->name);
        p->type = t;
    }
    for (size_t i = 0; i < st->neps; i++) {
        endpointinfo *ep = &st->eps[i];
        ep->ncauses = 1 + (int)ep->s->ncompeting;
        ep->cause_names = calloc((size_t)ep->ncauses, sizeof *ep->cause_names);
        if (!ep->cause_names) continue;
        ep->cause_names[0] = ep->s->name;
        for (size_t k = 0; k < ep->s->ncompeting; k++) {
            const char *nm = ep->s->competing_names[k];
            expr *c = ep->s->competing[k];
            if (!nm && (ep->s->ep_time || ep->s->ep_status) && (c->kind == E_INT || c->kind == E_TEXT)) {
                /* a status code: "status 2" */
                char buf[96];
                if (c->kind == E_INT) snprintf(buf, sizeof buf, "status %lld", (long long)c->ival);
                else snprintf(buf, sizeof buf, "status %s", c->sval);
                nm = ast_strdup(st->prog, buf, strlen(buf));
            }
            if (!nm) nm = c->kind == E_FIELD || c->kind == E_NAME || c->kind == E_CALL ? c->name : "competing";
            ep->cause_names[k + 1] = nm;
        }
    }
    /* in source order, so diagnostics come out in the order of the file */
    size_t nl = 0, ne = 0, ns = 0;
    for (size_t i = 0; i < st->prog->nstmts; i++) {
        stmt *s = st->prog->stmts[i];
        if (!in_analysis(s, st->analysis)) continue;
        /* with analysis blocks, a shared let or endpoint is checked (at the
         * analysis' unit) only where it is used */
        int lazy = st->analysis && !s->analysis;
        switch (s->kind) {
        case S_LET:
            if (lazy) nl++;
            else check_let(&sc, (int)nl++, NULL);
            break;
        case S_ENDPOINT:
            if (lazy) ne++;
            else check_endpoint(&sc, (int)ne++, NULL);
            break;
        case S_INCLUDE: case S_EXCLUDE:
            want(&sc, s->value, check_expr(&sc, s->value), TY_BOOL, "a criterion");
            break;
        case S_ESTIMATE: check_estimate(&sc, &st->ests[ns++]); break;
        case S_EXPOSURE:
            want(&sc, s->value, check_expr(&sc, s->value), TY_DATE, "the start of an exposure");
            break;
        case S_ERA: check_era(&sc, s); break;
        case S_LABEL: check_label(&sc, s); break;
        default: break;
        }
    }
    /* the criteria make the analysis set: they cannot read it */
    for (size_t i = 0; i < st->ncriteria; i++) {
        const expr *r = reads_set(st, st->criteria[i]->value, st->analysis, 0);
        if (r)
            diag_at(dg, DIAG_ERROR, r->loc, "a criterion cannot depend on the analysis set it makes "
                    "(included() of this analysis' units): use it in lets, endpoints and estimates");
    }
    for (size_t i = 0; i < st->prog->nstmts; i++)
        if (st->prog->stmts[i]->kind == S_SETTING) check_attrition_by(&sc, st->prog->stmts[i]);
    for (size_t i = 0; i < st->nplot_options; i++) check_attrition_by(&sc, st->plot_options[i]);
    /* (with analysis blocks, study.c warns about a definition no analysis
     * calls); a library's definitions are there to pick from */
    for (size_t i = 0; !st->analysis && i < st->nfuncs; i++)
        if (!st->funcs[i].ncalls && st->prog->nfiles && st->funcs[i].s->loc.file == st->prog->files[0])
            diag_at(dg, DIAG_WARNING, st->funcs[i].s->name_loc,
                    "%s is never called (a definition is checked where it is called)", st->funcs[i].s->name);
    return dg->nerrors - before;
}

void study_free(study *st)
{
    if (!st) return;
    for (size_t i = 0; i < st->nspecs; i++) free((char *)st->specs[i].path);
    free(st->specs);
    free(st->data_dir);
    free(st->conninfo);
    for (size_t i = 0; st->wants && i < st->nwants; i++) free(st->wants[i].v);
    free(st->wants);
    for (size_t i = 0; i < st->neps; i++) {
        free(st->eps[i].cause_names);
        free(st->eps[i].codes);
    }
    for (size_t i = 0; i < st->nests; i++) free(st->ests[i].args);
    for (size_t i = 0; i < st->nexterns; i++) xcall_free(&st->externs[i]);
    free(st->params);
    free(st->lets);
    free(st->eps);
    free(st->criteria);
    free(st->ests);
    free(st->externs);
    free(st->exposures);
    free(st->eras);
    free(st->funcs);
    free(st->na);
    labels_free(st->labels);
    free(st);
}
