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

/* The controls are grouped by equal distance; within a group the
 * available controls are taken in row order (the group's front), so the
 * nearest available control is the front of the nearest non-empty group
 * on either side, and on a tie in distance the lower of the two fronts.
 * This is the brute-force rule (minimum |d_t - d_c|, then lowest row) in
 * O(n log n). */
size_t psm_match(size_t n, const int *treat, const double *dist, double caliper_width, size_t *match)
{
    size_t nt = 0, nc = 0;
    for (size_t i = 0; i < n; i++) {
        match[i] = PSM_NONE;
        if (treat[i]) nt++;
        else nc++;
    }
    size_t *tr = malloc((nt + 1) * sizeof *tr), *ctl = malloc((nc + 1) * sizeof *ctl);
    size_t *tmp = malloc((n + 1) * sizeof *tmp);
    /* groups: [gbeg[g], gbeg[g+1]) in ctl, front[g]; right/left skip lists
     * over g + 1 (0 and ng + 1 are sentinels) */
    size_t *gbeg = malloc((nc + 2) * sizeof *gbeg), *front = malloc((nc + 2) * sizeof *front);
    size_t *right = malloc((nc + 3) * sizeof *right), *left = malloc((nc + 3) * sizeof *left);
    if (!tr || !ctl || !tmp || !gbeg || !front || !right || !left) {
        free(tr); free(ctl); free(tmp); free(gbeg); free(front); free(right); free(left);
        return (size_t)-1;
    }
    size_t k = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        if (treat[i]) tr[k++] = i;
        else ctl[m++] = i;
    }
    skey kt = {dist, 1}, kc = {dist, 0};
    msort(&kt, tr, tmp, nt);
    msort(&kc, ctl, tmp, nc);
    size_t ng = 0;
    for (size_t c = 0; c < nc; c++)
        if (c == 0 || dist[ctl[c]] != dist[ctl[c - 1]]) {
            gbeg[ng] = c;
            front[ng] = c;
            ng++;
        }
    gbeg[ng] = nc;
    for (size_t g = 0; g < ng + 2; g++) right[g] = left[g] = g;

    size_t pairs = 0;
    for (size_t a = 0; a < nt; a++) {
        size_t t = tr[a];
        double d = dist[t];
        /* first group with value > d (binary search over group values) */
        size_t lo = 0, hi = ng;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (dist[ctl[gbeg[mid]]] > d) hi = mid;
            else lo = mid + 1;
        }
        size_t gr = find_next(right, lo + 1);   /* 1-based; ng + 1: none */
        size_t gl = find_next(left, lo);        /* 1-based; 0: none */
        if (gr > ng && gl == 0) break;          /* no controls left */
        size_t best;
        double bd;
        if (gl == 0 || (gr <= ng && dist[ctl[front[gr - 1]]] - d < d - dist[ctl[front[gl - 1]]])) {
            best = gr - 1;
            bd = dist[ctl[front[best]]] - d;
        } else if (gr > ng || d - dist[ctl[front[gl - 1]]] < dist[ctl[front[gr - 1]]] - d) {
            best = gl - 1;
            bd = d - dist[ctl[front[best]]];
        } else { /* equal distance on both sides: the lower row */
            best = ctl[front[gl - 1]] < ctl[front[gr - 1]] ? gl - 1 : gr - 1;
            bd = d - dist[ctl[front[gl - 1]]];
        }
        if (caliper_width > 0 && !(bd <= caliper_width)) continue;
        size_t c = ctl[front[best]];
        match[t] = c;
        match[c] = t;
        pairs++;
        if (++front[best] == gbeg[best + 1]) { /* group used up */
            right[best + 1] = best + 2;
            left[best + 1] = best;
        }
    }
    free(tr); free(ctl); free(tmp); free(gbeg); free(front); free(right); free(left);
    return pairs;
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

void psm_balance_of(size_t n, const double *x, const int *treat, const size_t *match, psm_balance *b)
{
    int binary = 1;
    double st = 0, sc = 0, stm = 0, scm = 0;
    size_t nt = 0, nc = 0, ntm = 0, ncm = 0;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != 0 && x[i] != 1) binary = 0;
        int m = match && match[i] != PSM_NONE;
        if (treat[i]) {
            st += x[i];
            nt++;
            if (m) { stm += x[i]; ntm++; }
        } else {
            sc += x[i];
            nc++;
            if (m) { scm += x[i]; ncm++; }
        }
    }
    b->mean_t = nt ? st / (double)nt : NAN;
    b->mean_c = nc ? sc / (double)nc : NAN;
    b->mean_t_m = ntm ? stm / (double)ntm : NAN;
    b->mean_c_m = ncm ? scm / (double)ncm : NAN;
    double sd = sqrt(group_var(n, x, treat, 1, binary));
    if (!(sd >= sqrt(DBL_EPSILON))) sd = sqrt(group_var(n, x, NULL, 1, binary));
    b->smd = sd > 0 ? (b->mean_t - b->mean_c) / sd : NAN;
    b->smd_m = sd > 0 ? (b->mean_t_m - b->mean_c_m) / sd : NAN;
}
