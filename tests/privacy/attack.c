/* attack.c: the small-cell attacker of tests/privacy.sh.  It reads two
 * results.json of the same run -- PUBLISHED (with min_cell) and TRUTH
 * (without) -- and, knowing only what PUBLISHED shows, tries to recover
 * hidden counts: it lists every count it sees (attrition, COUNT columns,
 * the "<5 of 34 rows dropped" of warnings) and every addition or
 * subtraction relation it can find among them by their names and places
 * (a step's before = excluded + unknown + after; a step's before = the
 * step above's after; the groups' n + dropped = the analysis set; n -
 * events >= 0; consecutive n.risk and cum.* of a group, from its n and up
 * to its events; a curve's n.risk - n.event - n.censor = next n.risk; the
 * same cell in two tables; in the text cells of describe and table1, the
 * levels adding up to n, the groups to the overall column, n + missing to
 * the group's size, shared with other estimates, and the sizes to the
 * analysis set), then narrows every unknown to the interval the
 * shown values allow ("<m" is 1..m-1, "x" is 0 or >= m, counts >= 0) until
 * nothing changes.  It fails (exit 1) when a hidden count below m, or a
 * difference below m that no table shows, is known exactly and equals the
 * true value.  Written apart from src/suppress.c: it sees only the JSON.
 * Usage: attack PUBLISHED TRUTH MIN_CELL [primary-only|all] [PUBFIG
 * TRUTHFIG]...; with primary-only it reads every "x" as its true value (the
 * small-cell rule without complementary suppression), where it must find
 * something.  Each PUBFIG TRUTHFIG pair is a figure's JSON from the two
 * runs' --out folders: its number-at-risk table is read too. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a small JSON reader ---- */
enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
typedef struct json {
    int type;
    double num;
    char *str;
    struct json *items;    /* arrays and object values */
    char **keys;           /* objects */
    size_t n;
} json;

static const char *ws(const char *p)
{
    while (isspace((unsigned char)*p)) p++;
    return p;
}

static const char *parse(const char *p, json *v);

static const char *parse_str(const char *p, char **out)
{
    size_t cap = 64, n = 0;
    char *s = malloc(cap);
    p++;
    while (*p && *p != '"') {
        char c = *p++;
        if (c == '\\') {
            c = *p++;
            if (c == 'n') c = '\n';
            else if (c == 't') c = '\t';
            else if (c == 'u') { p += 4; c = '?'; }
        }
        if (n + 2 > cap) s = realloc(s, cap *= 2);
        s[n++] = c;
    }
    s[n] = 0;
    *out = s;
    return *p ? p + 1 : p;
}

static const char *parse(const char *p, json *v)
{
    memset(v, 0, sizeof *v);
    p = ws(p);
    if (*p == '{' || *p == '[') {
        int obj = *p == '{';
        v->type = obj ? J_OBJ : J_ARR;
        p = ws(p + 1);
        size_t cap = 0;
        while (*p && *p != (obj ? '}' : ']')) {
            if (v->n == cap) {
                cap = cap ? 2 * cap : 8;
                v->items = realloc(v->items, cap * sizeof *v->items);
                if (obj) v->keys = realloc(v->keys, cap * sizeof *v->keys);
            }
            if (obj) {
                p = parse_str(ws(p), &v->keys[v->n]);
                p = ws(p);
                if (*p == ':') p++;
            }
            p = parse(p, &v->items[v->n++]);
            p = ws(p);
            if (*p == ',') p = ws(p + 1);
        }
        return *p ? p + 1 : p;
    }
    if (*p == '"') {
        v->type = J_STR;
        return parse_str(p, &v->str);
    }
    if (!strncmp(p, "null", 4)) return p + 4;
    if (!strncmp(p, "true", 4)) { v->type = J_BOOL; v->num = 1; return p + 4; }
    if (!strncmp(p, "false", 5)) { v->type = J_BOOL; return p + 5; }
    char *end;
    v->type = J_NUM;
    v->num = strtod(p, &end);
    return end > p ? end : p + 1;
}

static void json_free(json *v)
{
    for (size_t i = 0; i < v->n; i++) {
        json_free(&v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
}

static const json *get(const json *o, const char *key)
{
    for (size_t i = 0; o && o->type == J_OBJ && i < o->n; i++)
        if (!strcmp(o->keys[i], key)) return &o->items[i];
    return NULL;
}

static json *load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    if (fread(buf, 1, (size_t)len, f) != (size_t)len) { perror(path); exit(2); }
    buf[len] = 0;
    fclose(f);
    json *v = malloc(sizeof *v);
    parse(buf, v);
    free(buf);
    return v;
}

/* ---- what the attacker knows ---- */
#define BIG 1e15
typedef struct var {
    double truth, lo, hi;
    int shown, mark;       /* mark: 1 "<m", 2 "x", 0 shown or unpublished */
    int pub;
    char what[160];
} var;

typedef struct named {
    char key[400];
    int var;
} named;

/* What the attacker has gathered. */
typedef struct attacker {
    var *V;
    size_t nv, capv;
    int *T;                /* relations: terms as (var << 1 | negative), -1 ends one */
    size_t nt, capt;
    int M;                 /* min_cell */
    int primary_only;      /* read an "x" as its true value: the rule without complements */
    named *Nm;             /* cells by group and name */
    size_t nnm, capnm;
    const char *anames[63];   /* analysis blocks met */
    int nan;
} attacker;

static int var_new(attacker *A, double truth, const json *pubv, int opaque, const char *what)
{
    if (A->nv == A->capv) A->V = realloc(A->V, (A->capv = A->capv ? 2 * A->capv : 256) * sizeof *A->V);
    var *x = &A->V[A->nv];
    memset(x, 0, sizeof *x);
    x->truth = truth;
    x->pub = pubv != NULL;
    snprintf(x->what, sizeof x->what, "%s", what);
    x->lo = 0, x->hi = BIG;
    if (pubv && pubv->type == J_NUM) { x->shown = 1; x->lo = x->hi = pubv->num; }
    else if (pubv && pubv->type == J_STR && A->primary_only && !strcmp(pubv->str, "x")) {
        x->shown = 1;
        x->lo = x->hi = truth;
    }
    else if (pubv && pubv->type == J_STR && !opaque) {
        if (pubv->str[0] == '<') { x->mark = 1; x->lo = 1; x->hi = A->M - 1; }
        else x->mark = 2;
    }
    return (int)A->nv++;
}

static void rel(attacker *A, const int *vars, const int *neg, int n)
{
    for (int i = 0; i < n; i++)
        if (vars[i] < 0) return;
    if (A->nt + (size_t)n + 1 > A->capt) A->T = realloc(A->T, (A->capt = 2 * (A->capt + (size_t)n + 1)) * sizeof *A->T);
    for (int i = 0; i < n; i++) A->T[A->nt++] = vars[i] << 1 | (neg[i] ? 1 : 0);
    A->T[A->nt++] = -1;
}

/* a = b + c (+ d) */
static void sum3(attacker *A, int a, int b, int c, int d)
{
    int v[4] = {a, b, c, d}, g[4] = {0, 1, 1, 1};
    rel(A, v, g, d == -2 ? 3 : 4);
}

static void eq(attacker *A, int a, int b) { sum3(A, a, b, -3, -2); }

/* an unpublished difference a - b >= 0 */
static int diff(attacker *A, int a, int b, const char *what)
{
    if (a < 0 || b < 0) return -1;
    int d = var_new(A, A->V[a].truth - A->V[b].truth, NULL, 0, what);
    sum3(A, a, b, d, -2);
    return d;
}

static int narrow(attacker *A, var *x, double lo, double hi)
{
    lo = ceil(lo - 1e-6), hi = floor(hi + 1e-6);
    int ch = 0;
    if (lo > x->lo) x->lo = lo, ch = 1;
    if (hi < x->hi) x->hi = hi, ch = 1;
    if (x->mark == 2) {
        if (x->lo > 0 && x->lo < A->M) x->lo = A->M, ch = 1;
        if (x->hi > 0 && x->hi < A->M) x->hi = 0, ch = 1;
    }
    if (x->lo > x->hi) { x->lo = 0; x->hi = BIG; ch = 0; }   /* a relation that did not hold */
    return ch;
}

static void solve(attacker *A)
{
    for (int round = 0; round < 10000; round++) {
        int changed = 0;
        for (size_t s = 0; s < A->nt;) {
            size_t e = s;
            while (A->T[e] >= 0) e++;
            for (size_t i = s; i < e; i++) {
                double lo = 0, hi = 0;   /* sign_i x_i = - sum of the others */
                for (size_t j = s; j < e; j++) {
                    if (j == i) continue;
                    const var *y = &A->V[A->T[j] >> 1];
                    int sg = (A->T[j] & 1) ? -1 : 1;
                    double a = sg > 0 ? y->lo : -y->hi, b = sg > 0 ? y->hi : -y->lo;
                    lo = a <= -BIG / 2 || lo <= -BIG / 2 ? -BIG : lo + a;
                    hi = b >= BIG / 2 || hi >= BIG / 2 ? BIG : hi + b;
                }
                var *x = &A->V[A->T[i] >> 1];
                int sg = (A->T[i] & 1) ? -1 : 1;
                double xlo = sg > 0 ? (hi >= BIG ? -BIG : -hi) : lo;
                double xhi = sg > 0 ? (lo <= -BIG ? BIG : -lo) : hi;
                if (narrow(A, x, xlo, xhi)) changed = 1;
            }
            s = e + 1;
        }
        if (!changed) break;
    }
}

/* ---- the relations it finds ---- */
static int col_of(const json *t, const char *name, const char *kind)
{
    const json *cols = get(t, "columns");
    for (size_t c = 0; cols && c < cols->n; c++) {
        const json *nm = get(&cols->items[c], "name"), *k = get(&cols->items[c], "kind");
        if (nm && !strcmp(nm->str, name) && (!kind || !strcmp(get(&cols->items[c], "kind")->str, kind)))
            return k ? (int)c : -1;
    }
    return -1;
}

static const char *col_kind(const json *t, size_t c)
{
    return get(&get(t, "columns")->items[c], "kind")->str;
}

static void row_key(const json *t, const json *row, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    for (size_t c = 0; c < row->n && n < size; c++)
        if (!strcmp(col_kind(t, c), "text") && row->items[c].type == J_STR)
            n += (size_t)snprintf(buf + n, size - n, "%s|", row->items[c].str);
}

/* the time cells of a row, as text */
static void row_time(const json *t, const json *row, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    for (size_t c = 0; c < row->n && n < size; c++)
        if (!strcmp(col_kind(t, c), "time_days") && row->items[c].type == J_NUM)
            n += (size_t)snprintf(buf + n, size - n, "%.17g|", row->items[c].num);
}


static int named_find(attacker *A, const char *key)
{
    for (size_t i = 0; i < A->nnm; i++)
        if (!strcmp(A->Nm[i].key, key)) return A->Nm[i].var;
    return -1;
}

static void named_add(attacker *A, const char *key, int v)
{
    int old = named_find(A, key);
    if (old >= 0) { eq(A, old, v); return; }
    if (A->nnm == A->capnm) A->Nm = realloc(A->Nm, (A->capnm = A->capnm ? 2 * A->capnm : 64) * sizeof *A->Nm);
    snprintf(A->Nm[A->nnm].key, sizeof A->Nm[A->nnm].key, "%s", key);
    A->Nm[A->nnm++].var = v;
}

/* "<5 of 34 rows dropped" / "12 of 124 rows dropped" in the warnings */
static int dropped(attacker *A, const json *pw, const json *tw, int tot, double total, size_t e)
{
    for (size_t i = 0; pw && i < pw->n; i++) {
        const char *s = pw->items[i].str, *o = strstr(s, " of ");
        if (!o || !strstr(s, "rows dropped")) continue;
        double of = atof(o + 4), tv = -1;
        const char *ts = tw->items[i].str;
        const char *colon = strstr(ts, ": ");
        tv = atof(colon ? colon + 2 : ts);
        (void)total;   /* the attacker takes "of N" for the analysis set */
        /* the warning shows the analysis set */
        json set = {0};
        set.type = J_NUM;
        set.num = of;
        eq(A, tot, var_new(A, of, &set, 0, "analysis set in a warning"));
        const char *colon2 = strstr(s, ": ");
        const char *num = colon2 ? colon2 + 2 : s;
        json shown = {0};
        if (*num == '<') { shown.type = J_STR; shown.str = (char *)"<"; }
        else { shown.type = J_NUM; shown.num = atof(num); }
        char what[160];
        snprintf(what, sizeof what, "estimate %zu: rows dropped", e + 1);
        return var_new(A, tv, &shown, 0, what);
    }
    json zero = {0};
    zero.type = J_NUM;
    return var_new(A, 0, &zero, 0, "none dropped");
}

static void table(attacker *A, const json *pt, const json *tt, size_t e, int total, const json *pw, const json *tw, double ntotal)
{
    const json *prow = get(pt, "rows"), *trow = get(tt, "rows");
    const json *id = get(pt, "id");
    int detail = get(pt, "detail") && get(pt, "detail")->num;
    size_t ncol = get(pt, "columns")->n;
    int *vars = malloc((prow->n * ncol + 1) * sizeof *vars);
    for (size_t r = 0; r < prow->n; r++) {
        const json *pr = &prow->items[r], *tr = &trow->items[r];
        int opaque = 0;   /* a whole row hidden: its marks say nothing */
        for (size_t c = 0; detail && c < ncol; c++)
            if (!strcmp(col_kind(pt, c), "time_days") && pr->items[c].type == J_STR) opaque = 1;
        for (size_t c = 0; c < ncol; c++) {
            vars[r * ncol + c] = -1;
            if (strcmp(col_kind(pt, c), "count") || tr->items[c].type != J_NUM) continue;
            char what[160];
            snprintf(what, sizeof what, "estimate %zu table %s row %zu column %s", e + 1, id->str, r + 1,
                     get(&get(pt, "columns")->items[c], "name")->str);
            vars[r * ncol + c] = var_new(A, tr->items[c].num, &pr->items[c], opaque, what);
            /* the same cell in another table of the estimate */
            char key[400], k2[200], tm[100];
            row_key(pt, pr, k2, sizeof k2);
            row_time(pt, pr, tm, sizeof tm);
            const char *cname = get(&get(pt, "columns")->items[c], "name")->str;
            if (!detail) {
                snprintf(key, sizeof key, "%zu/%s/%s/%s", e, k2, tm, cname);
                named_add(A, key, vars[r * ncol + c]);
            }
        }
    }
    int cn = col_of(pt, "n", "count"), cev = col_of(pt, "events", "count");
    int cne = col_of(pt, "n.event", "count"), cnc = col_of(pt, "n.censor", "count");
    int has_time = 0;
    for (size_t c = 0; c < ncol; c++) has_time |= !strcmp(col_kind(pt, c), "time_days") && strncmp(get(&get(pt, "columns")->items[c], "name")->str, "median", 6) && strncmp(get(&get(pt, "columns")->items[c], "name")->str, "p", 1) && strcmp(get(&get(pt, "columns")->items[c], "name")->str, "rmean") && strncmp(get(&get(pt, "columns")->items[c], "name")->str, "rmean", 5);
    /* groups: n adds up to the analysis set less the dropped */
    if (cn >= 0 && !has_time && total >= 0) {
        int *vv = malloc((prow->n + 3) * sizeof *vv), *gg = calloc(prow->n + 3, sizeof *gg);
        int k = 0;
        vv[k] = total, gg[k++] = 0;
        vv[k] = dropped(A, pw, tw, total, ntotal, e), gg[k++] = 1;
        for (size_t r = 0; r < prow->n; r++) vv[k] = vars[r * ncol + (size_t)cn], gg[k++] = 1;
        rel(A, vv, gg, k);
        free(vv);
        free(gg);
    }
    for (size_t r = 0; r < prow->n; r++) {
        char k2[200], key[400];
        row_key(pt, &prow->items[r], k2, sizeof k2);
        if (cn >= 0 && !has_time) {
            snprintf(key, sizeof key, "%zu/%s/n", e, k2);
            named_add(A, key, vars[r * ncol + (size_t)cn]);
        }
        if (cev >= 0 && !has_time) {
            snprintf(key, sizeof key, "%zu/%s/events", e, k2);
            named_add(A, key, vars[r * ncol + (size_t)cev]);
        }
        if (cn >= 0 && cev >= 0) diff(A, vars[r * ncol + (size_t)cn], vars[r * ncol + (size_t)cev], "n - events");
    }
    /* sequences of a group over time */
    if (!has_time) { free(vars); return; }
    for (size_t c = 0; c < ncol; c++) {
        const char *cname = get(&get(pt, "columns")->items[c], "name")->str;
        int down = !strcmp(cname, "n.risk"), up = !strncmp(cname, "cum.", 4);
        if (strcmp(col_kind(pt, c), "count") || (!down && !up)) continue;
        char prev[200] = "\x01", k2[200], key[400];
        int pv = -1;
        for (size_t r = 0; r <= prow->n; r++) {
            if (r < prow->n) row_key(pt, &prow->items[r], k2, sizeof k2);
            if (r == prow->n || strcmp(k2, prev)) {
                if (up && pv >= 0) {   /* last of a group: up to its events */
                    snprintf(key, sizeof key, "%zu/%s/events", e, prev);
                    diff(A, named_find(A, key), pv, "events after the last time");
                }
                if (r == prow->n) break;
                snprintf(prev, sizeof prev, "%s", k2);
                int v = vars[r * ncol + c];
                snprintf(key, sizeof key, "%zu/%s/n", e, k2);
                if (down && (cne < 0 || !detail)) diff(A, named_find(A, key), v, "left before the first time");
                if (down && detail && cne >= 0) eq(A, named_find(A, key), v);
                pv = v;
                continue;
            }
            int v = vars[r * ncol + c];
            if (down && detail && cne >= 0 && cnc >= 0)
                sum3(A, pv, vars[(r - 1) * ncol + (size_t)cne], vars[(r - 1) * ncol + (size_t)cnc], v);
            else if (down) diff(A, pv, v, "left between two times");
            else diff(A, v, pv, "events between two times");
            pv = v;
        }
    }
    free(vars);
}

/* ---- cross-tabulations shown as text: describe and table1 ---- */

/* A count in a text cell ("271 (83.4%)", "<5", "x"): a variable, or -1. */
static int text_count(attacker *A, const json *pc, const json *tc, const char *what)
{
    if (pc->type != J_STR || tc->type != J_STR) return -1;
    const char *p = pc->str, *t = tc->str;
    if (!isdigit((unsigned char)*t)) return -1;
    json shown = {0};
    if (isdigit((unsigned char)*p)) { shown.type = J_NUM; shown.num = atof(p); }
    else if (*p == '<' || !strcmp(p, "x")) { shown.type = J_STR; shown.str = (char *)(*p == '<' ? "<" : "x"); }
    else return -1;
    return var_new(A, atof(t), &shown, 0, what);
}

/* the text of a cell, "" when it has none */
static const char *cell_str(const json *row, size_t c)
{
    return c < row->n && row->items[c].type == J_STR ? row->items[c].str : "";
}

/* sum of parts[0..n) (-1: absent, then nothing is known) = total */
static void sum_of(attacker *A, int total, const int *parts, int n)
{
    int *v = malloc((size_t)(n + 1) * sizeof *v), *g = calloc((size_t)n + 1, sizeof *g);
    v[0] = total;
    for (int i = 0; i < n; i++) v[i + 1] = parts[i], g[i + 1] = 1;
    rel(A, v, g, n + 1);
    free(v);
    free(g);
}

/* table1 shows the group sizes as "N = n" in its headers, or under a
 * small-cell rule as a first row "n": the TRUTH table (without the rule)
 * made into the PUBLISHED one's shape -- its headers' sizes as that row.
 * Returns tt itself, or a table to free with align_free. */
static const json *t1_align(const json *pt, const json *tt)
{
    const json *prow = get(pt, "rows"), *trow = get(tt, "rows"), *tcols = get(tt, "columns");
    if (!prow || !trow || !tcols || prow->n != trow->n + 1 || !prow->n ||
        strcmp(cell_str(&prow->items[0], 0), "n") != 0)
        return tt;
    json *t = calloc(1, sizeof *t), *rows = calloc(1, sizeof *rows);
    *t = *tt;
    t->items = malloc(tt->n * sizeof *t->items);
    memcpy(t->items, tt->items, tt->n * sizeof *t->items);
    rows->type = J_ARR;
    rows->n = trow->n + 1;
    rows->items = calloc(rows->n, sizeof *rows->items);
    memcpy(rows->items + 1, trow->items, trow->n * sizeof *trow->items);
    json *n = &rows->items[0];
    n->type = J_ARR;
    n->n = tcols->n;
    n->items = calloc(n->n, sizeof *n->items);
    for (size_t c = 0; c < tcols->n; c++) {
        const char *nm = get(&tcols->items[c], "name")->str, *at = strstr(nm, ", N = ");
        n->items[c].type = c == 0 || at ? J_STR : J_NULL;
        n->items[c].str = c == 0 ? strdup("n") : at ? strdup(at + 6) : NULL;
    }
    for (size_t k = 0; k < t->n; k++)
        if (!strcmp(t->keys[k], "rows")) t->items[k] = *rows;
    free(rows);
    return t;
}

static void align_free(const json *t, const json *tt)
{
    if (t == tt) return;
    const json *rows = get(t, "rows");
    json *n = &rows->items[0];
    for (size_t c = 0; c < n->n; c++) free(n->items[c].str);
    free(n->items);
    free(rows->items);
    free(t->items);
    free((json *)t);
}

/* The display table of describe or table1: the levels add up to n in each
 * column, the group columns to "overall", n + missing of every variable is
 * the group's size (the same group in other estimates when the number is),
 * and the groups' sizes to the analysis set less the rows dropped. */
static void crosstab(attacker *A, const json *pt, const json *tt, size_t e, int total, const json *pw,
                     const json *tw, double ntotal, int is_t1)
{
    const json *prow = get(pt, "rows"), *trow = get(tt, "rows"), *cols = get(pt, "columns");
    size_t ncol = cols->n, nrow = prow->n;
    /* group columns first .. last-1; table1 has one text column before them
     * (its levels are indented rows), describe two */
    size_t first = is_t1 ? 1 : 2, oc = SIZE_MAX, last = ncol;
    for (size_t c = 0; c < ncol; c++) {
        const char *nm = get(&cols->items[c], "name")->str;
        if (!strncmp(nm, "overall", 7) && (!nm[7] || nm[7] == ',')) oc = c;
        if (is_t1 && (!strcmp(nm, "p") || !strcmp(nm, "test") || !strcmp(nm, "SMD")) && c < last) last = c;
    }
    if (oc != SIZE_MAX && oc < last) last = oc;
    int *V = malloc((nrow * ncol + 1) * sizeof *V);
    for (size_t r = 0; r < nrow; r++)
        for (size_t c = 0; c < ncol; c++) {
            char what[200];
            snprintf(what, sizeof what, "estimate %zu table %s row %zu column %s", e + 1, get(pt, "id")->str, r + 1,
                     get(&cols->items[c], "name")->str);
            V[r * ncol + c] = c >= first ? text_count(A, &prow->items[r].items[c], &trow->items[r].items[c], what) : -1;
        }
    size_t ng = last - first;
    int *parts = malloc((nrow + ncol + 2) * sizeof *parts);
    /* the overall column */
    for (size_t r = 0; oc != SIZE_MAX && r < nrow; r++) {
        for (size_t k = 0; k < ng; k++) parts[k] = V[r * ncol + first + k];
        sum_of(A, V[r * ncol + oc], parts, (int)ng);
    }
    /* blocks of one variable: rows with the same first cell (describe), or
     * a row and the indented rows under it (table1) */
    int *gsize = malloc((ncol + 1) * sizeof *gsize);
    for (size_t c = 0; c < ncol; c++) gsize[c] = -1;
    size_t nrow_n = SIZE_MAX;   /* table1's "n" row */
    for (size_t r = 0; r < nrow;) {
        const char *name = cell_str(&prow->items[r], 0);
        size_t end = r;
        if (is_t1) {
            end = r + 1;
            while (end < nrow && cell_str(&prow->items[end], 0)[0] == ' ') end++;
        } else {
            while (end < nrow && !strcmp(cell_str(&prow->items[end], 0), name)) end++;
        }
        if (is_t1 && !strcmp(name, "n") && end == r + 1) nrow_n = r;
        size_t rn = SIZE_MAX, rm = SIZE_MAX;
        int nlev = 0;
        for (size_t q = r; q < end; q++) {
            const char *st = is_t1 ? cell_str(&prow->items[q], 0) + strspn(cell_str(&prow->items[q], 0), " ")
                                   : cell_str(&prow->items[q], 1);
            if (!is_t1 && !strcmp(st, "n")) rn = q;
            else if (!strcmp(st, "missing") && (!is_t1 || q > r)) rm = q;
            else if (is_t1 ? q > r : strstr(st, ", n (%)") != NULL) nlev++;
        }
        if (is_t1 && nrow_n != SIZE_MAX && nrow_n != r) rn = nrow_n;
        for (size_t c = first; c < ncol && (nlev || rm != SIZE_MAX) && rn != SIZE_MAX; c++) {
            if (c >= last && c != oc) continue;
            int np = 0;
            for (size_t q = r; q < end; q++) {
                const char *st = cell_str(&prow->items[q], 1);
                int lev = is_t1 ? q > r && q != rm : strstr(st, ", n (%)") != NULL;
                if (lev) parts[np++] = V[q * ncol + c];
                if (is_t1 && q == rm) parts[np++] = V[q * ncol + c];
            }
            if (nlev) sum_of(A, V[rn * ncol + c], parts, np);
            if (!is_t1 && rm != SIZE_MAX && c < last) {
                /* n + missing: the group's size, the same for every variable */
                int size = var_new(A, A->V[V[rn * ncol + c]].truth + A->V[V[rm * ncol + c]].truth, NULL, 0, "group size");
                sum3(A, size, V[rn * ncol + c], V[rm * ncol + c], -2);
                if (gsize[c] >= 0) eq(A, gsize[c], size);
                else gsize[c] = size;
            }
        }
        r = end;
    }
    if (is_t1 && nrow_n != SIZE_MAX)
        for (size_t c = first; c < last; c++) gsize[c] = V[nrow_n * ncol + c];
    /* groups by name across estimates, and their sum */
    int np = 0, ok = 1;
    for (size_t c = first; c < last; c++) {
        if (gsize[c] < 0) { ok = 0; continue; }
        char key[400];
        snprintf(key, sizeof key, "group/%s/%g", get(&cols->items[c], "name")->str, A->V[gsize[c]].truth);
        named_add(A, key, gsize[c]);
        parts[np++] = gsize[c];
    }
    if (ok && np && total >= 0) {
        parts[np++] = dropped(A, pw, tw, total, ntotal, e);
        sum_of(A, total, parts, np);
    }
    free(gsize);
    free(parts);
    free(V);
}

/* 1-based index of an analysis block's name (0: none) */
/* A figure's number-at-risk table (a NN-ESTIMATE-ID.figure.json of --out,
 * estimate NN): a count per group and tick; between two ticks, who left the
 * risk set (unpublished, >= 0); the same count as a table's n.risk of the
 * group at that time, and at time 0 as the group's n, as a reader would
 * take them. */
static void figure(attacker *A, const char *pubpath, const char *truthpath)
{
    json *P = load(pubpath), *T = load(truthpath);
    const char *base = strrchr(pubpath, '/');
    base = base ? base + 1 : pubpath;
    size_t e = (size_t)atoi(base) - 1;
    const json *ps = get(P, "series"), *ts = get(T, "series");
    for (size_t i = 0; ps && ts && i < ps->n && i < ts->n; i++) {
        const json *pa = get(&ps->items[i], "at_risk"), *ta = get(&ts->items[i], "at_risk");
        const json *gl = get(&ps->items[i], "group");
        const char *g = gl && gl->type == J_STR ? gl->str : "";
        const char *eqs = strstr(g, " = ");
        char gk[200];
        snprintf(gk, sizeof gk, "%s|", eqs ? eqs + 3 : g);
        int prev = -1;
        for (size_t k = 0; pa && ta && k < pa->n && k < ta->n; k++) {
            double t = pa->items[k].items[0].num;
            const json *tv = &ta->items[k].items[1];
            if (tv->type != J_NUM) { prev = -1; continue; }
            char what[160], key[400];
            snprintf(what, sizeof what, "%s: at risk in %s at %g days", base, g, t);
            int v = var_new(A, tv->num, &pa->items[k].items[1], 0, what);
            if (prev >= 0) diff(A, prev, v, "left between two ticks of a risk table");
            snprintf(key, sizeof key, "%zu/%s/%.17g|/n.risk", e, gk, t);
            named_add(A, key, v);
            snprintf(key, sizeof key, "%zu/%s/n", e, gk);
            if (t == 0 && named_find(A, key) >= 0) eq(A, named_find(A, key), v);
            prev = v;
        }
    }
    json_free(P);
    json_free(T);
    free(P);
    free(T);
}

static int analysis_index(attacker *A, const json *an)
{
    if (!an || an->type != J_STR) return 0;
    for (int i = 0; i < A->nan; i++)
        if (!strcmp(A->anames[i], an->str)) return i + 1;
    if (A->nan == 63) return 0;
    A->anames[A->nan++] = an->str;
    return A->nan;
}

int main(int argc, char **argv)
{
    if (argc < 4 || (argc > 4 && (argc - 5) % 2)) {
        fprintf(stderr, "usage: attack PUBLISHED TRUTH MIN_CELL [primary-only|all] [PUBFIG TRUTHFIG]...\n");
        return 2;
    }
    attacker st = {0}, *A = &st;
    A->primary_only = argc >= 5 && !strcmp(argv[4], "primary-only");
    json *P = load(argv[1]), *Tr = load(argv[2]);
    A->M = atoi(argv[3]);
    const json *pa = get(P, "attrition"), *ta = get(Tr, "attrition");
    const char *f[4] = {"before", "excluded", "unknown", "after"};
    int last_after[64];
    double last_total[64];
    for (int i = 0; i < 64; i++) last_after[i] = -1, last_total[i] = -1;
    int prev = -1, preva = -1;
    for (size_t i = 0; pa && i < pa->n; i++) {
        int v[4], g[4] = {0, 1, 1, 1};
        for (int k = 0; k < 4; k++) {
            char what[160];
            snprintf(what, sizeof what, "attrition row %zu %s", i + 1, f[k]);
            v[k] = var_new(A, get(&ta->items[i], f[k])->num, get(&pa->items[i], f[k]), 0, what);
        }
        rel(A, v, g, 4);
        int a = analysis_index(A, get(&pa->items[i], "analysis"));
        /* a step starts from the step above (in one analysis), unless both
         * show that it does not (a --sweep lists its runs one after the other) */
        if (prev >= 0 && preva == a && !(A->V[prev].shown && A->V[v[0]].shown && A->V[prev].lo != A->V[v[0]].lo))
            eq(A, prev, v[0]);
        prev = v[3];
        preva = a;
        last_after[a] = v[3];
        last_total[a] = A->V[v[3]].truth;
    }
    const json *pe = get(P, "estimates"), *te = get(Tr, "estimates");
    for (size_t e = 0; pe && e < pe->n; e++) {
        const json *pts = get(&pe->items[e], "tables"), *tts = get(&te->items[e], "tables");
        int a = analysis_index(A, get(&pe->items[e], "analysis"));
        if (last_after[a] < 0) a = 0;
        for (size_t k = 0; pts && k < pts->n; k++) {
            const char *id = get(&pts->items[k], "id")->str;
            int detail = get(&pts->items[k], "detail") && get(&pts->items[k], "detail")->num;
            const json *tt = !detail && !strcmp(id, "table1") ? t1_align(&pts->items[k], &tts->items[k])
                                                               : &tts->items[k];
            if (!detail && (!strcmp(id, "describe") || !strcmp(id, "table1")))
                crosstab(A, &pts->items[k], tt, e, last_after[a], get(&pe->items[e], "warnings"),
                         get(&te->items[e], "warnings"), last_total[a], !strcmp(id, "table1"));
            table(A, &pts->items[k], tt, e, last_after[a], get(&pe->items[e], "warnings"),
                  get(&te->items[e], "warnings"), last_total[a]);
            align_free(tt, &tts->items[k]);
        }
    }
    for (int i = 5; i + 1 < argc; i += 2) figure(A, argv[i], argv[i + 1]);
    solve(A);
    size_t hidden = 0, leaks = 0, nrel = 0;
    for (size_t i = 0; i < A->nt; i++) nrel += A->T[i] < 0;
    for (size_t i = 0; i < A->nv; i++) {
        const var *x = &A->V[i];
        int sensitive = x->truth > 0 && x->truth < A->M && (x->pub ? !x->shown : 1);
        hidden += x->pub && !x->shown;
        if (sensitive && x->lo == x->hi && x->lo == x->truth) {
            printf("derivable: %s = %g%s\n", x->what, x->truth, x->pub ? "" : " (a difference no table shows)");
            leaks++;
        }
    }
    printf("%zu counts, %zu relations, %zu hidden, %zu derivable below %d\n", A->nv, nrel, hidden, leaks, A->M);
    json_free(P);
    json_free(Tr);
    free(P);
    free(Tr);
    free(A->V);
    free(A->T);
    free(A->Nm);
    return leaks ? 1 : 0;
}
