/* match.c: greedy nearest-neighbour propensity-score matching and the
 * balance statistics shown with it (see match.h). */
#include "match.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Sort keys: treated rows by distance descending then row; controls by
 * distance ascending then row. */
typedef struct skey {
    const double *dist;
    int desc;
} skey;

static int before(const skey *k, size_t a, size_t b)
{
    if (k->dist[a] != k->dist[b]) return k->desc ? k->dist[a] > k->dist[b] : k->dist[a] < k->dist[b];
    return a < b;
}

static void msort(const skey *k, size_t *idx, size_t *tmp, size_t n)
{
    if (n < 2) return;
    size_t h = n / 2, i = 0, j = h, m = 0;
    msort(k, idx, tmp, h);
    msort(k, idx + h, tmp, n - h);
    while (i < h && j < n) tmp[m++] = before(k, idx[j], idx[i]) ? idx[j++] : idx[i++];
    while (i < h) tmp[m++] = idx[i++];
    while (j < n) tmp[m++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

/* Union-find "next non-empty group" in one direction: par[g] == g for a
 * non-empty group (or the sentinel), else a later group to look at. */
static size_t find_next(size_t *par, size_t g)
{
    while (par[g] != g) {
        par[g] = par[par[g]];
        g = par[g];
    }
    return g;
}

/* The controls sorted by distance and grouped by equal distance; within a
 * group the available controls are taken in row order (the group's
 * front), so the nearest available control is the front of the nearest
 * non-empty group on either side, and on a tie in distance the lower of the
 * two fronts.  This is the brute-force rule (minimum |d_t - d_c|, then
 * lowest row) in O(n log n). */
typedef struct mstate {
    const double *dist;
    size_t nt, nc, ng;
    size_t *tr, *ctl, *tmp;
    /* groups: [gbeg[g], gbeg[g+1]) in ctl, front[g]; right/left skip lists
     * over g + 1 (0 and ng + 1 are sentinels) */
    size_t *gbeg, *front, *right, *left;
} mstate;

static void mstate_free(mstate *m)
{
    free(m->tr); free(m->ctl); free(m->tmp); free(m->gbeg); free(m->front); free(m->right); free(m->left);
}

static int mstate_init(mstate *m, size_t n, const int *treat, const double *dist)
{
    memset(m, 0, sizeof *m);
    m->dist = dist;
    for (size_t i = 0; i < n; i++) {
        if (treat[i]) m->nt++;
        else m->nc++;
    }
    size_t nc = m->nc;
    m->tr = malloc((m->nt + 1) * sizeof *m->tr);
    m->ctl = malloc((nc + 1) * sizeof *m->ctl);
    m->tmp = malloc((n + 1) * sizeof *m->tmp);
    m->gbeg = malloc((nc + 2) * sizeof *m->gbeg);
    m->front = malloc((nc + 2) * sizeof *m->front);
    m->right = malloc((nc + 3) * sizeof *m->right);
    m->left = malloc((nc + 3) * sizeof *m->left);
    if (!m->tr || !m->ctl || !m->tmp || !m->gbeg || !m->front || !m->right || !m->left) {
        mstate_free(m);
        return -1;
    }
    size_t k = 0, c = 0;
    for (size_t i = 0; i < n; i++) {
        if (treat[i]) m->tr[k++] = i;
        else m->ctl[c++] = i;
    }
    skey kt = {dist, 1}, kc = {dist, 0};
    msort(&kt, m->tr, m->tmp, m->nt);
    msort(&kc, m->ctl, m->tmp, nc);
    for (c = 0; c < nc; c++)
        if (c == 0 || dist[m->ctl[c]] != dist[m->ctl[c - 1]]) {
            m->gbeg[m->ng] = c;
            m->front[m->ng] = c;
            m->ng++;
        }
    m->gbeg[m->ng] = nc;
    for (size_t g = 0; g < m->ng + 2; g++) m->right[g] = m->left[g] = g;
    return 0;
}

/* The first group whose distance is above d (ng when none). */
static size_t first_above(const mstate *m, double d)
{
    size_t lo = 0, hi = m->ng;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->dist[m->ctl[m->gbeg[mid]]] > d) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

/* Without replacement: the nearest available control of distance d (its
 * group in *g), or PSM_NONE when none is left. */
static size_t nearest_available(mstate *m, double d, size_t *g, double *bd)
{
    const double *dist = m->dist;
    size_t lo = first_above(m, d), ng = m->ng;
    size_t gr = find_next(m->right, lo + 1);   /* 1-based; ng + 1: none */
    size_t gl = find_next(m->left, lo);        /* 1-based; 0: none */
    if (gr > ng && gl == 0) return PSM_NONE;
    double dr = gr <= ng ? dist[m->ctl[m->front[gr - 1]]] - d : INFINITY;
    double dl = gl > 0 ? d - dist[m->ctl[m->front[gl - 1]]] : INFINITY;
    if (dr < dl || (dr == dl && m->ctl[m->front[gr - 1]] < m->ctl[m->front[gl - 1]])) {
        *g = gr - 1;
        *bd = dr;
    } else {
        *g = gl - 1;
        *bd = dl;
    }
    return m->ctl[m->front[*g]];
}

/* Take the front control of group g. */
static void take(mstate *m, size_t g)
{
    if (++m->front[g] == m->gbeg[g + 1]) { /* group used up */
        m->right[g + 1] = g + 2;
        m->left[g + 1] = g;
    }
}

/* With replacement: the k nearest controls of distance d within width
 * (<= 0: none), nearest first, ties to the lower row, into out (k). */
static size_t nearest_k(const mstate *m, double d, double width, size_t k, size_t *out, double *od)
{
    const double *dist = m->dist;
    size_t gr = first_above(m, d), gl = gr;    /* right: group gr; left: group gl - 1 */
    size_t offr = 0, offl = 0, got = 0;
    while (got < k && (gr < m->ng || gl > 0)) {
        size_t cr = gr < m->ng ? m->ctl[m->gbeg[gr] + offr] : PSM_NONE;
        size_t cl = gl > 0 ? m->ctl[m->gbeg[gl - 1] + offl] : PSM_NONE;
        double dr = cr != PSM_NONE ? dist[cr] - d : INFINITY;
        double dl = cl != PSM_NONE ? d - dist[cl] : INFINITY;
        int right = dr < dl || (dr == dl && cr < cl);
        double bd = right ? dr : dl;
        if (width > 0 && !(bd <= width)) break;
        out[got] = right ? cr : cl;
        od[got++] = bd;
        if (right) {
            if (m->gbeg[gr] + ++offr == m->gbeg[gr + 1]) { gr++; offr = 0; }
        } else {
            if (m->gbeg[gl - 1] + ++offl == m->gbeg[gl]) { gl--; offl = 0; }
        }
    }
    return got;
}

size_t psm_match_k(size_t n, const int *treat, const double *dist, double caliper_width, size_t ratio,
                   int replace, psm_pair *pairs)
{
    mstate m;
    if (mstate_init(&m, n, treat, dist) != 0) return (size_t)-1;
    size_t np = 0;
    if (replace) {
        size_t *out = malloc((ratio + 1) * sizeof *out);
        double *od = malloc((ratio + 1) * sizeof *od);
        if (!out || !od) {
            free(out);
            free(od);
            mstate_free(&m);
            return (size_t)-1;
        }
        for (size_t a = 0; a < m.nt; a++) {
            size_t t = m.tr[a], got = nearest_k(&m, dist[t], caliper_width, ratio, out, od);
            for (size_t j = 0; j < got; j++, np++)
                pairs[np] = (psm_pair){t, out[j], od[j], j + 1, np + 1};
        }
        free(out);
        free(od);
        mstate_free(&m);
        return np;
    }
    /* eligible[a]: treated a found a control in every round so far */
    unsigned char *eligible = malloc(m.nt + 1);
    if (!eligible) {
        mstate_free(&m);
        return (size_t)-1;
    }
    memset(eligible, 1, m.nt + 1);
    for (size_t r = 1; r <= ratio; r++) {
        for (size_t a = 0; a < m.nt; a++) {
            if (!eligible[a]) continue;
            size_t t = m.tr[a], g;
            double bd;
            size_t c = nearest_available(&m, dist[t], &g, &bd);
            if (c == PSM_NONE) goto done;       /* no controls left */
            if (caliper_width > 0 && !(bd <= caliper_width)) {
                eligible[a] = 0;
                continue;
            }
            pairs[np] = (psm_pair){t, c, bd, r, np + 1};
            np++;
            take(&m, g);
        }
    }
done:
    free(eligible);
    mstate_free(&m);
    return np;
}

size_t psm_match(size_t n, const int *treat, const double *dist, double caliper_width, size_t *match)
{
    size_t nt = 0;
    for (size_t i = 0; i < n; i++) {
        match[i] = PSM_NONE;
        nt += treat[i] != 0;
    }
    psm_pair *p = malloc((nt + 1) * sizeof *p);
    if (!p) return (size_t)-1;
    size_t np = psm_match_k(n, treat, dist, caliper_width, 1, 0, p);
    for (size_t k = 0; np != (size_t)-1 && k < np; k++) {
        match[p[k].t] = p[k].c;
        match[p[k].c] = p[k].t;
    }
    free(p);
    return np;
}

void psm_match_weights(size_t n, const int *treat, const psm_pair *pairs, size_t npairs, double *w)
{
    for (size_t i = 0; i < n; i++) w[i] = 0;
    /* w[t] first counts the controls of treated t */
    for (size_t k = 0; k < npairs; k++) w[pairs[k].t] += 1;
    for (size_t k = 0; k < npairs; k++) w[pairs[k].c] += 1 / w[pairs[k].t];
    double sum = 0, distinct = 0;
    for (size_t i = 0; i < n; i++)
        if (!treat[i] && w[i] > 0) {
            sum += w[i];
            distinct++;
        }
    for (size_t i = 0; i < n; i++) {
        if (treat[i]) w[i] = w[i] > 0 ? 1 : 0;
        else if (w[i] > 0) w[i] *= distinct / sum;
    }
}

double psm_sd(size_t n, const double *v)
{
    if (n < 2) return NAN;
    double m = 0, ss = 0;
    for (size_t i = 0; i < n; i++) m += v[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) ss += (v[i] - m) * (v[i] - m);
    return sqrt(ss / (double)(n - 1));
}

/* variance as MatchIt's wvar: p (1 - p) for a 0/1 variable, else the
 * sample variance; over rows with sel[i] (sel NULL: all) */
static double group_var(size_t n, const double *x, const int *grp, int g, int binary)
{
    double m = 0, ss = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!grp || (grp[i] != 0) == g) {
            m += x[i];
            k++;
        }
    if (k == 0) return NAN;
    m /= (double)k;
    if (binary) return m * (1 - m);
    if (k < 2) return NAN;
    for (size_t i = 0; i < n; i++)
        if (!grp || (grp[i] != 0) == g) ss += (x[i] - m) * (x[i] - m);
    return ss / (double)(k - 1);
}

void psm_balance_of(size_t n, const double *x, const int *treat, const double *w, psm_balance *b)
{
    int binary = 1;
    double st = 0, sc = 0, stm = 0, scm = 0, wt = 0, wc = 0;
    size_t nt = 0, nc = 0;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != 0 && x[i] != 1) binary = 0;
        double wi = w ? w[i] : 0;
        if (treat[i]) {
            st += x[i];
            nt++;
            stm += wi * x[i];
            wt += wi;
        } else {
            sc += x[i];
            nc++;
            scm += wi * x[i];
            wc += wi;
        }
    }
    b->mean_t = nt ? st / (double)nt : NAN;
    b->mean_c = nc ? sc / (double)nc : NAN;
    b->mean_t_m = wt > 0 ? stm / wt : NAN;
    b->mean_c_m = wc > 0 ? scm / wc : NAN;
    double sd = sqrt(group_var(n, x, treat, 1, binary));
    if (!(sd >= sqrt(DBL_EPSILON))) sd = sqrt(group_var(n, x, NULL, 1, binary));
    b->smd = sd > 0 ? (b->mean_t - b->mean_c) / sd : NAN;
    b->smd_m = sd > 0 ? (b->mean_t_m - b->mean_c_m) / sd : NAN;
}
