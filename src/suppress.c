/* suppress.c: complementary (secondary) small-cell suppression.  Under
 * `privacy min_cell = m` a count 0 < n < m is shown as "<m" (the primary
 * rule, figure.c's privacy_hides).  That alone is undone by arithmetic:
 * an attrition step's before minus the other cells, the estimate's units
 * minus the other groups, two cumulative counts' difference.  This file
 * collects every count the run publishes (the attrition table and the COUNT
 * cells of the estimates' tables) and the additive relations between them
 * (a total and its parts, the same count in two places, consecutive
 * at-risk and cumulative counts and their unpublished differences), then
 * hides further counts ("x", HIDE_COMPLEMENT) until no hidden small count
 * and no small unpublished difference can be computed exactly from what is
 * shown.  The attacker it defends against propagates bounds through the
 * relations (a hidden "<m" lies in 1..m-1, an "x" is 0 or at least m, every
 * count is >= 0) until nothing changes.  Renderers only read the marks. */
#include "suppress.h"
#include "render.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BIG 1e15   /* "no upper bound" */

typedef struct svar {
    double v;              /* the true value */
    int pub;               /* a published cell (else an unpublished difference) */
    int fixed;             /* published where it cannot be hidden (a warning) */
    int opaque;            /* in a row hidden whole: its "<5" says nothing of it */
    int state;             /* enum hide_mark */
    unsigned char *mark;   /* where the decision goes (published cells) */
    double lo, hi;         /* what the attacker knows */
} svar;

typedef struct term {
    size_t var;
    int coef;              /* +1 or -1 */
} term;

typedef struct model {
    int m;                 /* min_cell */
    svar *v;
    size_t nv, capv;
    term *t;
    size_t nt, capt;
    size_t *rel;           /* relation k: terms rel[k] .. rel[k+1]-1 */
    size_t nrel, caprel;
    int oom;
} model;

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap * 2 : 64;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

static int small(const model *M, double v)
{
    return v > 0 && v < M->m;
}

/* A new variable: published (mark != NULL) or an unpublished difference. */
static size_t var_new(model *M, double v, unsigned char *mark, int hidden)
{
    if (M->oom || grow((void **)&M->v, &M->capv, M->nv + 1, sizeof *M->v)) {
        M->oom = 1;
        return SIZE_MAX;
    }
    svar *x = &M->v[M->nv];
    memset(x, 0, sizeof *x);
    x->v = v;
    x->pub = mark != NULL;
    x->mark = mark;
    if (mark) x->state = hidden || small(M, v) ? HIDE_SMALL : HIDE_NONE;
    return M->nv++;
}

/* The relation sum coef[i] * var[i] = 0 (n terms). */
static void rel_add(model *M, const size_t *var, const int *coef, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (var[i] == SIZE_MAX) return;
    if (M->oom || grow((void **)&M->t, &M->capt, M->nt + n, sizeof *M->t) ||
        grow((void **)&M->rel, &M->caprel, M->nrel + 2, sizeof *M->rel)) {
        M->oom = 1;
        return;
    }
    if (!M->nrel) M->rel[0] = 0;
    for (size_t i = 0; i < n; i++) M->t[M->nt++] = (term){var[i], coef[i]};
    M->rel[++M->nrel] = M->nt;
}

#define NONE (SIZE_MAX - 1)   /* no fourth term */

/* a = b + c (+ d): the usual shapes */
static void rel_sum(model *M, size_t a, size_t b, size_t c, size_t d)
{
    size_t v[4] = {a, b, c, d};
    int k[4] = {1, -1, -1, -1};
    rel_add(M, v, k, d == NONE ? 3 : 4);
}

static void rel_eq(model *M, size_t a, size_t b)
{
    size_t v[2] = {a, b};
    int k[2] = {1, -1};
    rel_add(M, v, k, 2);
}

/* an unpublished difference a - b (a count >= 0), tied to a and b */
static size_t diff_new(model *M, size_t a, size_t b)
{
    if (a == SIZE_MAX || b == SIZE_MAX) return SIZE_MAX;
    size_t d = var_new(M, M->v[a].v - M->v[b].v, NULL, 0);
    rel_sum(M, a, b, d, NONE);
    return d;
}

/* ---- the attacker: bounds propagated through the relations ---- */

static int sensitive(const model *M, const svar *x)
{
    return x->pub ? x->state == HIDE_SMALL && small(M, x->v) : small(M, x->v);
}

static void bounds_init(model *M)
{
    for (size_t i = 0; i < M->nv; i++) {
        svar *x = &M->v[i];
        if (!x->pub) { x->lo = 0; x->hi = BIG; }
        else if (x->state == HIDE_NONE) x->lo = x->hi = x->v;
        else if (x->state == HIDE_SMALL && small(M, x->v) && !x->opaque) { x->lo = 1; x->hi = M->m - 1; }
        else { x->lo = 0; x->hi = BIG; }
    }
}

/* Tighten x to [lo, hi]; an "x" is 0 or >= m.  Returns 1 when it changed. */
static int tighten(model *M, svar *x, double lo, double hi)
{
    lo = ceil(lo - 1e-6);
    hi = floor(hi + 1e-6);
    int ch = 0;
    if (lo > x->lo) { x->lo = lo; ch = 1; }
    if (hi < x->hi) { x->hi = hi; ch = 1; }
    if (x->pub && x->state == HIDE_COMPLEMENT) {
        if (x->lo > 0 && x->lo < M->m) { x->lo = M->m; ch = 1; }
        if (x->hi > 0 && x->hi < M->m) { x->hi = 0; ch = 1; }
    }
    if (x->lo > x->hi) x->lo = x->hi = x->v;   /* cannot happen with true relations */
    return ch;
}

static void propagate(model *M)
{
    bounds_init(M);
    for (size_t sweep = 0; sweep < 4 * M->nrel + 16; sweep++) {
        int changed = 0;
        for (size_t k = 0; k < M->nrel; k++) {
            /* sum c_i x_i = 0: bounds of each term from the others */
            double lo = 0, hi = 0;
            int nlo = 0, nhi = 0;   /* terms with unbounded ends */
            for (size_t j = M->rel[k]; j < M->rel[k + 1]; j++) {
                const svar *x = &M->v[M->t[j].var];
                double a = M->t[j].coef > 0 ? x->lo : -x->hi, b = M->t[j].coef > 0 ? x->hi : -x->lo;
                if (a <= -BIG / 2) nlo++; else lo += a;
                if (b >= BIG / 2) nhi++; else hi += b;
            }
            for (size_t j = M->rel[k]; j < M->rel[k + 1]; j++) {
                svar *x = &M->v[M->t[j].var];
                double a = M->t[j].coef > 0 ? x->lo : -x->hi, b = M->t[j].coef > 0 ? x->hi : -x->lo;
                int ua = a <= -BIG / 2, ub = b >= BIG / 2;
                /* the others' range */
                double olo = nlo - ua > 0 ? -BIG : lo - (ua ? 0 : a);
                double ohi = nhi - ub > 0 ? BIG : hi - (ub ? 0 : b);
                /* c x = -others */
                double xlo, xhi;
                if (M->t[j].coef > 0) { xlo = ohi >= BIG ? -BIG : -ohi; xhi = olo <= -BIG ? BIG : -olo; }
                else { xlo = olo <= -BIG ? -BIG : olo; xhi = ohi >= BIG ? BIG : ohi; }
                if (tighten(M, x, xlo, xhi)) changed = 1;
            }
        }
        if (!changed) break;
    }
}

/* The published, shown cells in the relations nearest to variable s
 * (breadth first through the relations), ring by ring, into out (at most
 * M->nv); the smallest nonzero first within a ring.  Returns how many. */
/* Is every term of relation k known exactly? */
static int tight(const model *M, size_t k)
{
    for (size_t j = M->rel[k]; j < M->rel[k + 1]; j++)
        if (M->v[M->t[j].var].lo != M->v[M->t[j].var].hi) return 0;
    return 1;
}

/* Would cell i, hidden, be given away by one relation of shown cells? */
static int given_away(const model *M, size_t i, const size_t *const *of, const size_t *nof)
{
    for (size_t r = 0; r < nof[i]; r++) {
        size_t k = of[i][r];
        int shown = 1;
        for (size_t j = M->rel[k]; j < M->rel[k + 1] && shown; j++) {
            const svar *x = &M->v[M->t[j].var];
            shown = M->t[j].var == i || (x->pub && x->state == HIDE_NONE);
        }
        if (shown) return 1;
    }
    return 0;
}

/* Unknowns (hidden cells, unpublished differences) among relation k's terms. */
static size_t unknowns(const model *M, size_t k)
{
    size_t n = 0;
    for (size_t j = M->rel[k]; j < M->rel[k + 1]; j++) {
        const svar *x = &M->v[M->t[j].var];
        n += !x->pub || x->state != HIDE_NONE;
    }
    return n;
}

/* Candidate x (found in a relation with ux unknowns) before b (ub)?  A
 * relation with fewer unknowns is a source of the derivation, not a
 * consequence; then the smallest nonzero count hides the least. */
static int cand_better(const svar *x, size_t ux, const svar *b, size_t ub)
{
    if (ux != ub) return ux < ub;
    return (b->v == 0 && x->v > 0) || ((x->v > 0) == (b->v > 0) && x->v < b->v);
}

static size_t candidates(const model *M, size_t s, const size_t *const *of, const size_t *nof, size_t *out)
{
    size_t *queue = malloc((M->nv + 1) * sizeof *queue);
    size_t *unk = malloc((M->nv + 1) * sizeof *unk);
    unsigned char *seen = calloc(M->nv + 1, 1);
    size_t nout = 0;
    if (!queue || !seen || !unk) goto done;
    size_t qh = 0, qt = 0;
    queue[qt++] = s;
    seen[s] = 1;
    while (qh < qt) {
        size_t ring = qt, first = nout;
        for (; qh < ring; qh++) {
            size_t u = queue[qh];
            for (size_t r = 0; r < nof[u]; r++) {
                size_t k = of[u][r];
                if (!tight(M, k)) continue;   /* it pins nothing */
                size_t uk = unknowns(M, k);
                for (size_t j = M->rel[k]; j < M->rel[k + 1]; j++) {
                    size_t w = M->t[j].var;
                    if (seen[w]) continue;
                    seen[w] = 1;
                    const svar *x = &M->v[w];
                    if (x->pub && x->state == HIDE_NONE && !x->fixed) {
                        /* insertion into this ring's part, best first */
                        size_t p = nout++;
                        while (p > first && cand_better(x, uk, &M->v[out[p - 1]], unk[p - 1])) {
                            out[p] = out[p - 1];
                            unk[p] = unk[p - 1];
                            p--;
                        }
                        out[p] = w;
                        unk[p] = uk;
                    } else if (!x->pub || x->state != HIDE_NONE) {
                        queue[qt++] = w;   /* a derivation goes on through unknowns */
                    }
                }
            }
        }
    }
done:
    free(queue);
    free(unk);
    free(seen);
    return nout;
}

/* Hide complements until no sensitive variable is known exactly.
 * Returns 0, or -1 when one cannot be protected (every cell around it
 * shown elsewhere): then every published cell in its reach is hidden. */
static int decide(model *M)
{
    size_t *nof = calloc(M->nv + 1, sizeof *nof);
    size_t **of = calloc(M->nv + 1, sizeof *of);
    size_t *cand = malloc((M->nv + 1) * sizeof *cand);
    int rc = 0;
    if (!nof || !of || !cand) { rc = -1; goto done; }
    for (size_t j = 0; j < M->nt; j++) nof[M->t[j].var]++;
    for (size_t i = 0; i < M->nv; i++) {
        of[i] = malloc((nof[i] + 1) * sizeof **of);
        if (!of[i]) { rc = -1; goto done; }
        nof[i] = 0;
    }
    for (size_t k = 0; k < M->nrel; k++)
        for (size_t j = M->rel[k]; j < M->rel[k + 1]; j++) {
            size_t v = M->t[j].var;
            if (!nof[v] || of[v][nof[v] - 1] != k) of[v][nof[v]++] = k;
        }
    for (;;) {
        propagate(M);
        size_t s = SIZE_MAX;
        for (size_t i = 0; i < M->nv && s == SIZE_MAX; i++)
            if (sensitive(M, &M->v[i]) && M->v[i].lo == M->v[i].hi) s = i;
        if (s == SIZE_MAX) break;
        size_t nc = candidates(M, s, (const size_t *const *)of, nof, cand);
        if (!nc) { rc = -1; break; }
        /* the nearest nonzero candidate that one relation of shown cells
         * would not give away; else the nearest nonzero; else a zero */
        size_t c = cand[0], nz = SIZE_MAX;
        for (size_t i = 0; i < nc; i++) {
            if (M->v[cand[i]].v == 0) continue;
            if (nz == SIZE_MAX) nz = cand[i];
            if (!given_away(M, cand[i], (const size_t *const *)of, nof)) { nz = cand[i]; break; }
        }
        if (nz != SIZE_MAX) c = nz;
        M->v[c].state = HIDE_COMPLEMENT;
    }
done:
    for (size_t i = 0; of && i < M->nv; i++) free(of[i]);
    free(of);
    free(nof);
    free(cand);
    return rc;
}

/* ---- the run's counts and their relations ---- */

/* the texts of a row's TEXT cells: the row's group */
static void group_key(const cohort_table *t, size_t row, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = 0;
    for (size_t c = 0; c < t->ncols && n < size; c++) {
        const cell *x = &t->cells[row * t->ncols + c];
        if (t->cols[c].kind == COHORT_COL_TEXT && x->set && x->text)
            n += (size_t)snprintf(buf + n, size - n, "%s=%s\x1f", t->cols[c].name, x->text);
    }
}

typedef struct groupvar {
    char key[512];
    int role, analysis;
    size_t est;
    size_t var;
} groupvar;

/* A number at risk of a table at a time (days), for the figures' risk
 * tables of the same estimate. */
typedef struct atrisk {
    size_t est;
    double t;
    size_t var;
} atrisk;

typedef struct gvlist {
    groupvar *g;
    size_t n, cap;
    groupvar *same;        /* at-risk and cumulative counts: key = group, time, value */
    size_t nsame, capsame;
    atrisk *ar;
    size_t nar, capar;
} gvlist;

/* The same count in two tables of an estimate (the survival and the
 * cumulative hazard at the same time): remember it, linked in build(). */
static void same_add(model *M, gvlist *L, const cohort_table *t, size_t row, const char *key, int role,
                     size_t est, size_t var)
{
    if (var == SIZE_MAX) return;
    if (grow((void **)&L->same, &L->capsame, L->nsame + 1, sizeof *L->same)) { M->oom = 1; return; }
    groupvar *g = &L->same[L->nsame++];
    size_t n = (size_t)snprintf(g->key, sizeof g->key, "%zu\x1f%d\x1f%.17g\x1f%s", est, role, M->v[var].v, key);
    for (size_t c = 0; c < t->ncols && n < sizeof g->key; c++) {
        const cell *x = &t->cells[row * t->ncols + c];
        if (t->cols[c].kind == COHORT_COL_TIME && x->set && !x->text)
            n += (size_t)snprintf(g->key + n, sizeof g->key - n, "\x1f%.17g", x->num);
    }
    g->role = role;
    g->est = est;
    g->var = var;
}

static void atrisk_add(model *M, gvlist *L, const cohort_table *t, size_t row, size_t est, size_t var)
{
    if (var == SIZE_MAX) return;
    for (size_t c = 0; c < t->ncols; c++) {
        const cell *x = &t->cells[row * t->ncols + c];
        if (t->cols[c].kind != COHORT_COL_TIME || !x->set || x->text) continue;
        if (grow((void **)&L->ar, &L->capar, L->nar + 1, sizeof *L->ar)) { M->oom = 1; return; }
        L->ar[L->nar++] = (atrisk){est, x->num, var};
        return;
    }
}

static int same_cmp(const void *a, const void *b)
{
    return strcmp(((const groupvar *)a)->key, ((const groupvar *)b)->key);
}

static void gv_add(model *M, gvlist *L, const char *key, int role, int analysis, size_t est, size_t var)
{
    if (var == SIZE_MAX) return;
    if (grow((void **)&L->g, &L->cap, L->n + 1, sizeof *L->g)) { M->oom = 1; return; }
    groupvar *g = &L->g[L->n++];
    snprintf(g->key, sizeof g->key, "%s", key);
    g->role = role;
    g->analysis = analysis;
    g->est = est;
    g->var = var;
}

/* the group's UNITS or EVENTS count in estimate e, or SIZE_MAX */
static size_t gv_find(const gvlist *L, const char *key, int role, size_t est)
{
    for (size_t i = 0; i < L->n; i++)
        if (L->g[i].est == est && L->g[i].role == role && !strcmp(L->g[i].key, key)) return L->g[i].var;
    return SIZE_MAX;
}

static size_t cell_var(model *M, const cohort_table *t, size_t row, size_t col)
{
    cell *x = &t->cells[row * t->ncols + col];
    if (!x->set || x->text || !isfinite(x->num) || x->num < 0) return SIZE_MAX;
    /* a row of a whole curve that rests on a hidden count is hidden whole */
    int hidden = 0;
    if (t->detail && small(M, t->rowcount[row])) hidden = 1;
    for (size_t c = 0; t->detail && c < t->ncols; c++) {
        const cell *y = &t->cells[row * t->ncols + c];
        if (t->cols[c].kind == COHORT_COL_COUNT && y->set && !y->text && small(M, y->num)) hidden = 1;
    }
    size_t v = var_new(M, x->num, &x->hide, hidden);
    if (v != SIZE_MAX) M->v[v].opaque = hidden;
    return v;
}

/* the relations of one table's counts with roles */
static void table_relations(model *M, cohort_table *t, size_t est, int analysis, gvlist *L)
{
    int cu = -1, ce = -1, cr = -1, cc = -1, cse = -1, csc = -1;
    for (size_t c = 0; c < t->ncols; c++) {
        if (t->cols[c].kind != COHORT_COL_COUNT) continue;
        switch (t->cols[c].role) {
        case COHORT_COUNT_UNITS: cu = (int)c; break;
        case COHORT_COUNT_EVENTS: ce = (int)c; break;
        case COHORT_COUNT_AT_RISK: cr = (int)c; break;
        case COHORT_COUNT_CUMULATIVE: cc = (int)c; break;
        case COHORT_COUNT_STEP_EVENTS: cse = (int)c; break;
        case COHORT_COUNT_STEP_CENSORED: csc = (int)c; break;
        default: break;
        }
    }
    char key[512], prev[512] = "";
    size_t pr = SIZE_MAX, pc = SIZE_MAX, pse = SIZE_MAX, psc = SIZE_MAX, sumev = SIZE_MAX;
    for (size_t row = 0; row <= t->nrows; row++) {
        int first = 1;
        if (row < t->nrows) {
            group_key(t, row, key, sizeof key);
            first = row == 0 || strcmp(key, prev) != 0;
        }
        if (first && row > 0) {
            /* close the previous group: everyone at risk leaves by its last
             * row; its events add up to the group's events */
            size_t ev = gv_find(L, prev, COHORT_COUNT_EVENTS, est);
            if (pr != SIZE_MAX && pse != SIZE_MAX && psc != SIZE_MAX) rel_sum(M, pr, pse, psc, NONE);
            if (sumev != SIZE_MAX && ev != SIZE_MAX) rel_eq(M, ev, sumev);
            if (pc != SIZE_MAX && ev != SIZE_MAX) diff_new(M, ev, pc);
        }
        if (row == t->nrows) break;
        snprintf(prev, sizeof prev, "%s", key);
        size_t u = cu >= 0 ? cell_var(M, t, row, (size_t)cu) : SIZE_MAX;
        size_t e = ce >= 0 ? cell_var(M, t, row, (size_t)ce) : SIZE_MAX;
        if (u != SIZE_MAX) {
            size_t same = gv_find(L, key, COHORT_COUNT_UNITS, est);
            if (same != SIZE_MAX) rel_eq(M, same, u);
            else gv_add(M, L, key, COHORT_COUNT_UNITS, analysis, est, u);
        }
        if (e != SIZE_MAX) {
            size_t same = gv_find(L, key, COHORT_COUNT_EVENTS, est);
            if (same != SIZE_MAX) rel_eq(M, same, e);
            else gv_add(M, L, key, COHORT_COUNT_EVENTS, analysis, est, e);
            size_t un = gv_find(L, key, COHORT_COUNT_UNITS, est);
            if (un != SIZE_MAX) diff_new(M, un, e);   /* censored: units - events */
        }
        size_t r = cr >= 0 ? cell_var(M, t, row, (size_t)cr) : SIZE_MAX;
        size_t c = cc >= 0 ? cell_var(M, t, row, (size_t)cc) : SIZE_MAX;
        size_t se = cse >= 0 ? cell_var(M, t, row, (size_t)cse) : SIZE_MAX;
        size_t sc = csc >= 0 ? cell_var(M, t, row, (size_t)csc) : SIZE_MAX;
        if (!t->detail) {
            same_add(M, L, t, row, key, COHORT_COUNT_AT_RISK, est, r);
            atrisk_add(M, L, t, row, est, r);
            same_add(M, L, t, row, key, COHORT_COUNT_CUMULATIVE, est, c);
        }
        if (first) {
            size_t un = gv_find(L, key, COHORT_COUNT_UNITS, est);
            if (r != SIZE_MAX && un != SIZE_MAX) diff_new(M, un, r);
            sumev = se;
        } else {
            if (r != SIZE_MAX && pr != SIZE_MAX) {
                if (pse != SIZE_MAX && psc != SIZE_MAX) rel_sum(M, pr, pse, psc, r);
                else diff_new(M, pr, r);
            }
            if (c != SIZE_MAX && pc != SIZE_MAX) diff_new(M, c, pc);
            if (se != SIZE_MAX && sumev != SIZE_MAX) {
                size_t s = var_new(M, M->v[sumev].v + M->v[se].v, NULL, 0);
                rel_sum(M, s, sumev, se, NONE);
                sumev = s;
            }
        }
        pr = r, pc = c, pse = se, psc = sc;
    }
}

/* a count written in a sentence or warning: shown, cannot be hidden */
static size_t fixed_new(model *M, double v)
{
    size_t d = var_new(M, v, NULL, 0);
    if (d == SIZE_MAX) return d;
    M->v[d].pub = 1;
    M->v[d].fixed = 1;
    M->v[d].state = small(M, v) ? HIDE_SMALL : HIDE_NONE;
    return d;
}

static int has_number(const char *s, double v);

/* One variable per cell of an estimate's declared relations (a cell in
 * several relations is one variable). */
typedef struct cellvar {
    const cell *c;
    size_t var;
} cellvar;

static size_t declared_var(model *M, cellvar **cv, size_t *ncv, size_t *cap, cohort_table *t, size_t row, int col)
{
    cell *x = &t->cells[row * t->ncols + (size_t)col];
    for (size_t i = 0; i < *ncv; i++)
        if ((*cv)[i].c == x) return (*cv)[i].var;
    double v = x->counted ? x->count : x->set && !x->text ? x->num : NAN;
    if (!isfinite(v) || v < 0) return SIZE_MAX;
    size_t var = var_new(M, v, &x->hide, 0);
    if (var == SIZE_MAX || grow((void **)cv, cap, *ncv + 1, sizeof **cv)) {
        M->oom = 1;
        return SIZE_MAX;
    }
    (*cv)[(*ncv)++] = (cellvar){x, var};
    return var;
}

/* The units of a group named in declared relations: one variable per
 * analysis, group and number, shared by the estimates that name it. */
typedef struct namedgroup {
    int analysis;
    const char *group;
    double v;
    size_t var;
} namedgroup;

typedef struct grouplist {
    namedgroup *g;
    size_t n, cap;
} grouplist;

/* The value of the one group term of relation rel (from its other cells),
 * or NAN. */
static double group_value(const count_rel *rel, size_t gi)
{
    double sum = 0;
    for (size_t i = 0; i < rel->n; i++) {
        if (i == gi) continue;
        const cohort_cell_ref *c = &rel->cells[i];
        if (!c->table) return NAN;
        const cell *x = &c->table->cells[c->row * c->table->ncols + (size_t)c->col];
        double v = x->counted ? x->count : x->set && !x->text ? x->num : NAN;
        sum += rel->coef[i] * v;
    }
    return -sum / rel->coef[gi];
}

static size_t group_var(model *M, grouplist *G, int analysis, const char *group, double v)
{
    if (!isfinite(v) || v < 0) return SIZE_MAX;
    for (size_t i = 0; i < G->n; i++)
        if (G->g[i].analysis == analysis && G->g[i].v == v && !strcmp(G->g[i].group, group)) return G->g[i].var;
    size_t var = var_new(M, v, NULL, 0);
    if (var == SIZE_MAX || grow((void **)&G->g, &G->cap, G->n + 1, sizeof *G->g)) {
        M->oom = 1;
        return SIZE_MAX;
    }
    G->g[G->n++] = (namedgroup){analysis, group, v, var};
    return var;
}

/* The relations estimate er's plugin declared (count_relation); `tot` is
 * the analysis set after the criteria (a variable), or SIZE_MAX. */
static void declared_relations(model *M, const est_result *er, size_t tot, grouplist *G)
{
    if (!er->nrels) return;
    cellvar *cv = NULL;
    size_t ncv = 0, cap = 0, units = SIZE_MAX;
    if (isfinite(er->nunits)) {
        units = var_new(M, er->nunits, NULL, 0);
        /* the estimate's units are the analysis set less the rows it
         * dropped, a number its warning states (none: no warning) */
        if (tot != SIZE_MAX && M->v[tot].v >= er->nunits)
            rel_sum(M, tot, units, fixed_new(M, M->v[tot].v - er->nunits), NONE);
    }
    for (size_t k = 0; k < er->nrels && !M->oom; k++) {
        const count_rel *rel = &er->rels[k];
        size_t *vars = malloc(rel->n * sizeof *vars);
        if (!vars) { M->oom = 1; break; }
        for (size_t i = 0; i < rel->n; i++) {
            const cohort_cell_ref *c = &rel->cells[i];
            vars[i] = c->table ? declared_var(M, &cv, &ncv, &cap, c->table, c->row, c->col)
                      : c->group ? group_var(M, G, er->analysis, c->group, group_value(rel, i))
                      : units;
        }
        rel_add(M, vars, rel->coef, rel->n);   /* skipped when a cell has no count */
        free(vars);
    }
    free(cv);
}

/* The number-at-risk tables of estimate est's step figures, at the ticks
 * the renderer will use: each count shown, the difference of two
 * consecutive ones (who left the risk set in between) unpublished, and a
 * count equal to a number at risk of the estimate's tables at the same
 * time, or at time 0 to a group's units, taken for the same count (a
 * reader would). */
static void figure_relations(model *M, est_result *er, size_t est, const render_opts *ro, gvlist *L)
{
    for (size_t k = 0; k < er->nfigures && !M->oom; k++) {
        cohort_figure *f = er->figures[k];
        double ticks[64];
        size_t nt = ro && f->kind == COHORT_FIG_STEP ? render_time_ticks(f, ro, ticks, 64) : 0;
        if (!nt) continue;
        if (figure_risk_times(f, ticks, nt)) { M->oom = 1; return; }
        for (size_t g = 0; g < f->ngroups; g++) {
            const fig_series *s = NULL;
            for (size_t i = 0; i < f->nseries && !s; i++)
                if ((size_t)f->series[i].group == g) s = &f->series[i];
            size_t prev = SIZE_MAX;
            for (size_t i = 0; s && i < nt; i++) {
                double n = figure_at_risk(s, ticks[i]);
                size_t v = isfinite(n) && n >= 0 ? var_new(M, n, figure_risk_mark(f, g, ticks[i]), 0) : SIZE_MAX;
                if (v != SIZE_MAX && prev != SIZE_MAX) diff_new(M, prev, v);
                prev = v;
                if (v == SIZE_MAX) continue;
                for (size_t j = 0; j < L->nar; j++)
                    if (L->ar[j].est == est && fabs(L->ar[j].t - ticks[i]) <= 1e-9 * (fabs(ticks[i]) + 1) &&
                        M->v[L->ar[j].var].v == n)
                        rel_eq(M, L->ar[j].var, v);
                for (size_t j = 0; i == 0 && j < L->n; j++)
                    if (L->g[j].est == est && L->g[j].role == COHORT_COUNT_UNITS && M->v[L->g[j].var].v == n)
                        rel_eq(M, L->g[j].var, v);
            }
        }
    }
}

static void build(model *M, results *r, const render_opts *ro)
{
    /* attrition: before = excluded + unknown + after; a step's before is
     * the step above's after */
    size_t *after = calloc(r->nanalyses + 2, sizeof *after);
    if (!after) { M->oom = 1; return; }
    for (size_t a = 0; a < r->nanalyses + 2; a++) after[a] = SIZE_MAX;
    size_t prev = SIZE_MAX;
    for (size_t i = 0; i < r->nattr; i++) {
        attrition_row *ar = &r->attr[i];
        size_t b = var_new(M, (double)ar->before, &ar->hide[ATTR_BEFORE], 0);
        size_t x = var_new(M, (double)ar->excluded, &ar->hide[ATTR_EXCLUDED], 0);
        size_t u = var_new(M, (double)ar->unknown, &ar->hide[ATTR_UNKNOWN], 0);
        size_t f = var_new(M, (double)ar->after, &ar->hide[ATTR_AFTER], 0);
        rel_sum(M, b, x, u, f);
        int same = i > 0 && r->attr[i - 1].analysis == ar->analysis && r->attr[i - 1].after == ar->before;
        if (same && prev != SIZE_MAX) rel_eq(M, prev, b);
        prev = f;
        if (ar->analysis >= 0 && (size_t)ar->analysis <= r->nanalyses) after[ar->analysis] = f;
    }
    gvlist L = {0};
    grouplist G = {0};
    for (size_t e = 0; e < r->nests && !M->oom; e++) {
        est_result *er = &r->ests[e];
        size_t first = L.n;
        for (size_t k = 0; k < er->ntables; k++) table_relations(M, er->tables[k], e, er->analysis, &L);
        figure_relations(M, er, e, ro, &L);
        /* the groups' units are parts of the estimate's units (those with
         * missing values dropped: a count a warning may state) */
        size_t n = 0, nunits = 0;
        double sum = 0;
        for (size_t i = first; i < L.n; i++)
            if (L.g[i].role == COHORT_COUNT_UNITS) n++, sum += M->v[L.g[i].var].v;
        int an = er->analysis;
        size_t tot = an >= 0 && (size_t)an <= r->nanalyses ? after[an] : SIZE_MAX;
        declared_relations(M, er, tot, &G);
        /* a warning printed during the run ("5 of 124 rows dropped") shows
         * the analysis set: it cannot be hidden */
        for (size_t w = 0; tot != SIZE_MAX && w < er->nwarnings; w++)
            if (isfinite(er->nunits) && er->nunits == M->v[tot].v && has_number(er->warnings[w], er->nunits)) {
                rel_eq(M, tot, fixed_new(M, er->nunits));
                break;
            }
        if (!n || tot == SIZE_MAX || !isfinite(er->nunits) || er->nunits != M->v[tot].v || sum > er->nunits)
            continue;
        size_t *vars = malloc((n + 2) * sizeof *vars);
        int *coef = malloc((n + 2) * sizeof *coef);
        if (!vars || !coef) { free(vars); free(coef); M->oom = 1; break; }
        vars[nunits] = tot, coef[nunits++] = 1;
        vars[nunits] = fixed_new(M, er->nunits - sum), coef[nunits++] = -1;
        for (size_t i = first; i < L.n; i++)
            if (L.g[i].role == COHORT_COUNT_UNITS) vars[nunits] = L.g[i].var, coef[nunits++] = -1;
        rel_add(M, vars, coef, nunits);
        free(vars);
        free(coef);
    }
    /* the same group's units (or events) with the same value in two
     * estimates: a reader takes them for the same count */
    for (size_t i = 0; i < L.n; i++)
        for (size_t j = i + 1; j < L.n; j++) {
            const groupvar *a = &L.g[i], *b = &L.g[j];
            if (a->est != b->est && a->role == b->role && a->analysis == b->analysis &&
                !strcmp(a->key, b->key) && M->v[a->var].v == M->v[b->var].v) {
                rel_eq(M, a->var, b->var);
                break;
            }
        }
    if (L.nsame) qsort(L.same, L.nsame, sizeof *L.same, same_cmp);
    for (size_t i = 1; i < L.nsame; i++)
        if (!strcmp(L.same[i - 1].key, L.same[i].key)) rel_eq(M, L.same[i - 1].var, L.same[i].var);
    free(L.same);
    free(L.ar);
    free(L.g);
    free(G.g);
    free(after);
}

/* "12" as a word of s (not part of a longer number, a decimal or a
 * percentage) */
static int has_number(const char *s, double v)
{
    char num[32];
    snprintf(num, sizeof num, "%.0f", v);
    size_t n = strlen(num);
    for (const char *p = strstr(s, num); p; p = strstr(p + 1, num)) {
        int before = p > s && (strchr("0123456789.<", p[-1]) != NULL);
        int after = p[n] && (strchr("0123456789%", p[n]) || (p[n] == '.' && p[n + 1] >= '0' && p[n + 1] <= '9'));
        if (!before && !after) return 1;
    }
    return 0;
}

/* Does one of er's tables hold a text cell hidden as a complement? */
static int hides_text(const est_result *er)
{
    for (size_t k = 0; k < er->ntables; k++) {
        const cohort_table *t = er->tables[k];
        for (size_t i = 0; i < t->nrows * t->ncols; i++)
            if (t->cells[i].counted && t->cells[i].hide == HIDE_COMPLEMENT) return 1;
    }
    return 0;
}

/* A sentence that repeats a count hidden as a complement says so instead,
 * and so does a percentage of an estimate whose table hides a count in a
 * text cell (a percentage of a shown total gives the count back). */
static void hide_sentences(const model *M, results *r)
{
    for (size_t e = 0; e < r->nests; e++) {
        est_result *er = &r->ests[e];
        int pct = hides_text(er);
        for (size_t k = 0; k < er->nnotes; k++)
            for (size_t i = 0; i < M->nv; i++) {
                const svar *x = &M->v[i];
                if (!(pct && strchr(er->notes[k], '%')) &&
                    (!x->pub || x->state != HIDE_COMPLEMENT || x->v == 0 || !has_number(er->notes[k], x->v)))
                    continue;
                char *s = strdup("(not shown: it would reveal a count hidden by the small-cell rule)");
                if (s) {
                    free(er->notes[k]);
                    er->notes[k] = s;
                }
                break;
            }
    }
}

int suppress_run(results *r, const render_opts *ro)
{
    if (r->min_cell <= 1 || r->suppressed) return 0;
    r->suppressed = 1;
    model M = {0};
    M.m = r->min_cell;
    build(&M, r, ro);
    int rc = M.oom ? -1 : decide(&M);
    if (rc) {
        /* out of memory, or a count that cannot be protected: hide every count */
        for (size_t i = 0; i < M.nv; i++)
            if (M.v[i].pub && M.v[i].state == HIDE_NONE && !M.v[i].fixed) M.v[i].state = HIDE_COMPLEMENT;
        for (size_t i = 0; i < r->nattr; i++)
            for (int k = 0; k < 4; k++)
                if (!r->attr[i].hide[k]) r->attr[i].hide[k] = HIDE_COMPLEMENT;
    }
    for (size_t i = 0; i < M.nv; i++)
        if (M.v[i].mark && M.v[i].state == HIDE_COMPLEMENT) *M.v[i].mark = HIDE_COMPLEMENT;
    hide_sentences(&M, r);
    free(M.v);
    free(M.t);
    free(M.rel);
    return rc;
}
