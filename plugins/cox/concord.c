/* concord.c: concordance (Harrell's C as survival's concordancefit with
 * reverse = TRUE) of a linear predictor, with its infinitesimal-jackknife
 * standard error.
 *
 * A pair is comparable when row i has an event at t and row j is at risk
 * at t (start_j < t <= stop_j) without an event at t; it is concordant when
 * lp_i > lp_j, discordant when lp_i < lp_j, tied.x when equal.  Two events
 * at the same t are tied.y (tied.xy with equal lp).  Time is swept
 * downwards; Fenwick trees over the ranks of lp count the rows at risk and
 * the events seen so far, so each row's share of every pair type (its
 * influence) is a difference of two tree queries. */
#include "concord.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct skey {
    const int *strata;
    const double *key;
    int desc;
} skey;

static int before(const skey *k, size_t a, size_t b)
{
    int sa = k->strata ? k->strata[a] : 0, sb = k->strata ? k->strata[b] : 0;
    if (sa != sb) return sa < sb;
    return k->desc ? k->key[a] > k->key[b] : k->key[a] < k->key[b];
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

static void fw_add(double *t, size_t size, size_t i, double v)
{
    for (; i <= size; i += i & (~i + 1)) t[i] += v;
}

/* sum of positions 1..i */
static double fw_sum(const double *t, size_t i)
{
    double s = 0;
    for (; i > 0; i -= i & (~i + 1)) s += t[i];
    return s;
}

typedef struct state {
    size_t *rank;          /* per row, 1..K within its stratum */
    double *rt, *dt;       /* trees: rows at risk, events so far */
    size_t k;              /* tree size */
    double nr, nd;         /* rows at risk, events so far */
    double *snap;          /* per row at entry: events below, equal, total */
    double *infl;          /* per row: concordant, discordant, tied.x */
} state;

static void enter(state *s, size_t r)
{
    size_t q = s->rank[r];
    double below = fw_sum(s->dt, q - 1);
    s->snap[3 * r] = below;
    s->snap[3 * r + 1] = fw_sum(s->dt, q) - below;
    s->snap[3 * r + 2] = s->nd;
}

/* row r leaves the risk set: credit it with the events of its window */
static void leave(state *s, size_t r)
{
    size_t q = s->rank[r];
    double below = fw_sum(s->dt, q - 1), eq = fw_sum(s->dt, q) - below;
    double dl = below - s->snap[3 * r], de = eq - s->snap[3 * r + 1];
    double dall = s->nd - s->snap[3 * r + 2];
    s->infl[3 * r] += dall - dl - de; /* the event had the larger lp */
    s->infl[3 * r + 1] += dl;
    s->infl[3 * r + 2] += de;
    fw_add(s->rt, s->k, q, -1);
    s->nr -= 1;
}

int cox_concordance(size_t n, const double *start, const double *stop, const int *event,
                    const int *strata, const double *lp, const int *cluster, size_t ncluster,
                    double count[5], double *concordance, double *se)
{
    int rc = -1;
    size_t *byx = malloc((n + 1) * sizeof *byx), *ord = malloc((n + 1) * sizeof *ord);
    size_t *ords = malloc((n + 1) * sizeof *ords), *tmp = malloc((n + 1) * sizeof *tmp);
    double *pre = malloc((2 * n + 1) * sizeof *pre);
    double *dfb = calloc((cluster ? ncluster : n) + 1, sizeof *dfb);
    state s = {0};
    s.rank = malloc((n + 1) * sizeof *s.rank);
    s.rt = malloc((n + 2) * sizeof *s.rt);
    s.dt = malloc((n + 2) * sizeof *s.dt);
    s.snap = malloc((3 * n + 1) * sizeof *s.snap);
    s.infl = calloc(3 * n + 1, sizeof *s.infl);
    if (!byx || !ord || !ords || !tmp || !pre || !dfb || !s.rank || !s.rt || !s.dt || !s.snap || !s.infl)
        goto out;
    for (size_t i = 0; i < n; i++) byx[i] = ord[i] = ords[i] = i;
    skey kx = {strata, lp, 0}, ks = {strata, stop, 1}, kb = {strata, start, 1};
    msort(&kx, byx, tmp, n);
    msort(&ks, ord, tmp, n);
    if (start) msort(&kb, ords, tmp, n);

    double cc = 0, dd = 0, tx = 0, ty = 0, txy = 0;
    size_t a = 0;
    while (a < n) {
        size_t b = a + 1;
        while (b < n && (!strata || strata[byx[b]] == strata[byx[a]])) b++;
        /* ranks of lp within the stratum [a, b) (the same range in ord, ords) */
        size_t k = 0;
        for (size_t i = a; i < b; i++) {
            if (i == a || lp[byx[i]] != lp[byx[i - 1]]) k++;
            s.rank[byx[i]] = k;
        }
        s.k = k;
        memset(s.rt, 0, (k + 1) * sizeof *s.rt);
        memset(s.dt, 0, (k + 1) * sizeof *s.dt);
        s.nr = s.nd = 0;
        size_t i = a, js = a;
        while (i < b) {
            double t = stop[ord[i]];
            if (start)
                for (; js < b && start[ords[js]] >= t; js++) leave(&s, ords[js]);
            size_t g = i, ndead = 0;
            for (; g < b && stop[ord[g]] == t; g++) {
                size_t r = ord[g];
                fw_add(s.rt, k, s.rank[r], 1);
                s.nr += 1;
                if (event[r]) ndead++;
                else enter(&s, r); /* at risk for the events at t */
            }
            if (ndead) {
                for (size_t m = i; m < g; m++) {
                    size_t r = ord[m];
                    if (!event[r]) continue;
                    size_t q = s.rank[r];
                    double dl = fw_sum(s.dt, q - 1);
                    pre[2 * r] = dl;
                    pre[2 * r + 1] = fw_sum(s.dt, q) - dl;
                }
                for (size_t m = i; m < g; m++)
                    if (event[ord[m]]) fw_add(s.dt, k, s.rank[ord[m]], 1);
                s.nd += (double)ndead;
                for (size_t m = i; m < g; m++) {
                    size_t r = ord[m];
                    if (!event[r]) continue;
                    size_t q = s.rank[r];
                    double rl = fw_sum(s.rt, q - 1), re = fw_sum(s.rt, q) - rl, rg = s.nr - rl - re;
                    double dl = fw_sum(s.dt, q - 1), de = fw_sum(s.dt, q) - dl;
                    double tl = dl - pre[2 * r], te = de - pre[2 * r + 1];
                    double tg = (double)ndead - tl - te;
                    s.infl[3 * r] += rl - tl;
                    s.infl[3 * r + 1] += rg - tg;
                    s.infl[3 * r + 2] += re - te;
                    cc += rl - tl;
                    dd += rg - tg;
                    tx += re - te;
                    ty += tl + tg;
                    txy += te - 1;
                }
                for (size_t m = i; m < g; m++)
                    if (event[ord[m]]) enter(&s, ord[m]); /* at risk only for earlier events */
            }
            i = g;
        }
        if (start)
            for (; js < b; js++) leave(&s, ords[js]);
        else
            for (size_t m = a; m < b; m++) leave(&s, ord[m]);
        a = b;
    }
    count[0] = cc;
    count[1] = dd;
    count[2] = tx;
    count[3] = ty / 2;
    count[4] = txy / 2;
    double npair = cc + dd + tx;
    if (npair <= 0) {
        *concordance = *se = NAN;
        rc = 0;
        goto out;
    }
    double somer = (cc - dd) / npair;
    for (size_t r = 0; r < n; r++) {
        const double *f = s.infl + 3 * r;
        double v = (f[0] - f[1]) / npair - (somer / npair) * (f[0] + f[1] + f[2]);
        dfb[cluster ? (size_t)cluster[r] : r] += v;
    }
    double var = 0;
    for (size_t r = 0; r < (cluster ? ncluster : n); r++) var += dfb[r] * dfb[r];
    *concordance = (somer + 1) / 2;
    *se = sqrt(var / 4);
    rc = 0;
out:
    free(byx); free(ord); free(ords); free(tmp); free(pre); free(dfb);
    free(s.rank); free(s.rt); free(s.dt); free(s.snap); free(s.infl);
    return rc;
}
