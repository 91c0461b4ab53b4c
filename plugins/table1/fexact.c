/* fexact.c: Fisher's exact test for r x c tables by a network algorithm.
 *
 * A table with fixed margins is built column by column (smallest column
 * first).  After k columns the state (a node of the network) is the vector
 * of what is left of the row totals; rows are exchangeable, so the vector
 * is kept sorted.  With S(table) = sum of log(x_ij!), the table's
 * probability is exp(K - S), K a constant of the margins, and the p-value
 * sums the probabilities of the tables with S >= S(observed) - tol (no
 * more probable than the observed one, relative tolerance 1e-7 as
 * fisher.test).
 *
 * Each node holds its "pasts": the values of S over the columns filled so
 * far, with the number of paths giving each value (pasts of a node with
 * equal S are merged as they arrive, through a hash on node and S).  For a
 * node the remaining S lies between two bounds (relaxations that drop
 * either the row or the column constraints, fx_bounds).  A past whose
 * least possible total already reaches the observed S contributes all of
 * its completions at once (their total probability has a closed form); a
 * past whose greatest possible total stays below it contributes nothing.
 * The other pasts of a node are either carried to the next stage, or, when
 * the node has few completions compared with the records carrying its
 * pasts would make (always when two columns remain), the completions are
 * enumerated and sorted once and every past is answered by a binary search
 * (meeting in the middle).  This is the idea of Mehta and Patel's network
 * algorithm; the code is our own.
 *
 * Limits: memory grows with the pasts of one stage (at most max_entries
 * records, about 40 bytes each) and time with the records made and the
 * completions enumerated (at most 8 * max_entries in all); a table that
 * needs more gives -3 after a few seconds.  Measured with the default
 * (4e6): 2 x k tables with up to ~1500 subjects, 3 x 3 and 4 x 3 tables
 * with ~900 (colon), 4 x 4 with ~100 take milliseconds to a second; every
 * table that fisher.test solves with its default workspace in the tests is
 * solved, and some that need its workspace raised.  Tables such as 4 x 18
 * with 226 subjects, or 4 x 4 with 400, are refused (as by fisher.test's
 * default). */
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include "fexact.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* tables with S within this of the observed count as "as probable" */
#define FX_TOL 1e-7
/* completions whose S differ by at most this are merged */
#define FX_MERGE 1e-9
/* pasts of a node whose S agree when multiplied by this and rounded are
 * merged */
#define FX_QUANT 1e8
/* a node's completions are enumerated (instead of carrying its pasts on)
 * when there are at most FX_DIST_MAX of them and at most FX_DIST_RATIO
 * times the records carrying the pasts would make */
#define FX_DIST_MAX 2e6
/* larger tables are not tried (S * FX_QUANT must fit in 64 bits) */
#define FX_MAX_TOTAL 1e7
/* at most this many times max_entries records and completions are made */
#define FX_WORK_FACTOR 8
#ifndef FX_DIST_RATIO
#define FX_DIST_RATIO 16.0
#endif

typedef struct fx_nodes {
    size_t m;       /* key length */
    size_t n, cap;  /* nodes stored */
    int *keys;      /* n * m, each sorted descending */
    size_t hcap;    /* hash slots (power of 2) */
    uint32_t *slot; /* node index + 1, or 0 when empty */
} fx_nodes;

static uint64_t fx_hash(const int *k, size_t m)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < m; i++) {
        h ^= (uint64_t)(uint32_t)k[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

static int fx_nodes_init(fx_nodes *nd, size_t m)
{
    memset(nd, 0, sizeof *nd);
    nd->m = m;
    nd->cap = 64;
    nd->hcap = 128;
    nd->keys = malloc(nd->cap * m * sizeof *nd->keys);
    nd->slot = calloc(nd->hcap, sizeof *nd->slot);
    return nd->keys && nd->slot ? 0 : -1;
}

static void fx_nodes_free(fx_nodes *nd)
{
    free(nd->keys);
    free(nd->slot);
    memset(nd, 0, sizeof *nd);
}

static void fx_nodes_clear(fx_nodes *nd)
{
    nd->n = 0;
    memset(nd->slot, 0, nd->hcap * sizeof *nd->slot);
}

static int fx_rehash(fx_nodes *nd)
{
    size_t hcap = nd->hcap * 2;
    uint32_t *slot = calloc(hcap, sizeof *slot);
    if (!slot) return -1;
    for (size_t i = 0; i < nd->n; i++) {
        size_t h = (size_t)fx_hash(nd->keys + i * nd->m, nd->m) & (hcap - 1);
        while (slot[h]) h = (h + 1) & (hcap - 1);
        slot[h] = (uint32_t)(i + 1);
    }
    free(nd->slot);
    nd->slot = slot;
    nd->hcap = hcap;
    return 0;
}

/* Index of node `key`, inserted if new; -1 when memory ran out. */
static long fx_nodes_get(fx_nodes *nd, const int *key)
{
    size_t m = nd->m, h = (size_t)fx_hash(key, m) & (nd->hcap - 1);
    while (nd->slot[h]) {
        size_t i = nd->slot[h] - 1;
        if (memcmp(nd->keys + i * m, key, m * sizeof *key) == 0) return (long)i;
        h = (h + 1) & (nd->hcap - 1);
    }
    if (nd->n == nd->cap) {
        int *k = realloc(nd->keys, nd->cap * 2 * m * sizeof *k);
        if (!k) return -1;
        nd->keys = k;
        nd->cap *= 2;
    }
    if (nd->n >= UINT32_MAX - 1) return -1;
    memcpy(nd->keys + nd->n * m, key, m * sizeof *key);
    nd->slot[h] = (uint32_t)(nd->n + 1);
    nd->n++;
    if (2 * nd->n > nd->hcap && fx_rehash(nd) != 0) return -1;
    return (long)(nd->n - 1);
}

/* The pasts carried to the next stage: (node, S, number of paths), with
 * pasts of one node whose S agree to FX_QUANT merged as they arrive. */
typedef struct fx_recs {
    size_t n, cap;
    uint32_t *node;
    int64_t *q;         /* S * FX_QUANT rounded: the merge key */
    double *s, *mult;
    size_t hcap;        /* hash slots (power of 2) */
    uint32_t *slot;     /* record index + 1, or 0 when empty */
    uint32_t *order;    /* record indices grouped by node (fx_recs_group) */
    size_t *start;      /* per node: first position in order */
} fx_recs;

static void fx_recs_free(fx_recs *r)
{
    free(r->node);
    free(r->q);
    free(r->s);
    free(r->mult);
    free(r->slot);
    free(r->order);
    free(r->start);
    memset(r, 0, sizeof *r);
}

static size_t fx_recs_hash(uint32_t node, int64_t q)
{
    uint64_t h = (uint64_t)q * 0x9E3779B97F4A7C15ull ^ ((uint64_t)node * 0xC2B2AE3D27D4EB4Full);
    return (size_t)(h ^ (h >> 31));
}

static void fx_recs_clear(fx_recs *r)
{
    r->n = 0;
    if (r->slot) memset(r->slot, 0, r->hcap * sizeof *r->slot);
}

static int fx_recs_rehash(fx_recs *r)
{
    size_t hcap = r->hcap ? 2 * r->hcap : 1024;
    uint32_t *slot = calloc(hcap, sizeof *slot);
    if (!slot) return -2;
    for (size_t i = 0; i < r->n; i++) {
        size_t h = fx_recs_hash(r->node[i], r->q[i]) & (hcap - 1);
        while (slot[h]) h = (h + 1) & (hcap - 1);
        slot[h] = (uint32_t)(i + 1);
    }
    free(r->slot);
    r->slot = slot;
    r->hcap = hcap;
    return 0;
}

/* Add mult paths with S = s at node; -3 when more than max records would
 * be needed, -2 when memory ran out. */
static int fx_recs_add(fx_recs *r, uint32_t node, double s, double mult, size_t max)
{
    if (2 * (r->n + 1) > r->hcap && fx_recs_rehash(r) != 0) return -2;
    int64_t q = (int64_t)llround(s * FX_QUANT);
    size_t h = fx_recs_hash(node, q) & (r->hcap - 1);
    while (r->slot[h]) {
        size_t i = r->slot[h] - 1;
        if (r->node[i] == node && r->q[i] == q) {
            r->mult[i] += mult;
            return 0;
        }
        h = (h + 1) & (r->hcap - 1);
    }
    if (r->n >= max) return -3;
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1024;
        uint32_t *nn = realloc(r->node, cap * sizeof *nn);
        if (nn) r->node = nn;
        int64_t *nq = realloc(r->q, cap * sizeof *nq);
        if (nq) r->q = nq;
        double *ns = realloc(r->s, cap * sizeof *ns);
        if (ns) r->s = ns;
        double *nm = realloc(r->mult, cap * sizeof *nm);
        if (nm) r->mult = nm;
        if (!nn || !nq || !ns || !nm) return -2;
        r->cap = cap;
    }
    r->node[r->n] = node;
    r->q[r->n] = q;
    r->s[r->n] = s;
    r->mult[r->n] = mult;
    r->slot[h] = (uint32_t)(r->n + 1);
    r->n++;
    return 0;
}

/* Group the records by node 0..nnodes-1 (a counting sort). */
static int fx_recs_group(fx_recs *r, size_t nnodes)
{
    free(r->order);
    free(r->start);
    r->order = malloc((r->n + 1) * sizeof *r->order);
    r->start = calloc(nnodes + 2, sizeof *r->start);
    if (!r->order || !r->start) return -2;
    for (size_t i = 0; i < r->n; i++) r->start[r->node[i] + 2]++;
    for (size_t k = 2; k < nnodes + 2; k++) r->start[k] += r->start[k - 1];
    for (size_t i = 0; i < r->n; i++) r->order[r->start[r->node[i] + 1]++] = (uint32_t)i;
    return 0;
}

static int fx_cmp_desc(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x < y) - (x > y);
}

static int fx_cmp_asc(const void *a, const void *b)
{
    return -fx_cmp_desc(a, b);
}

/* Least sum of lf[x_i] over x_1..x_n >= 0 with sum `total`, x_i <= caps[i]
 * (caps sorted descending): as even as the caps allow. */
static double fx_minfill(long total, const int *caps, size_t n, const double *lf)
{
    double s = 0;
    size_t q = n;
    while (q > 0 && (long)caps[q - 1] * (long)q <= total) {
        s += lf[caps[q - 1]];
        total -= caps[q - 1];
        q--;
    }
    if (q > 0) {
        long a = total / (long)q, b = total % (long)q;
        s += (double)((long)q - b) * lf[a] + (double)b * lf[a + 1];
    }
    return s;
}

/* Greatest such sum: fill the largest caps first (this vector majorises
 * every other feasible one, and the sum is Schur-convex). */
static double fx_maxfill(long total, const int *caps, size_t n, const double *lf)
{
    double s = 0;
    for (size_t i = 0; i < n && total > 0; i++) {
        long x = caps[i] < total ? caps[i] : total;
        s += lf[x];
        total -= x;
    }
    return s;
}

/* Bounds on S over the completions of rows r[0..m-1] (sorted descending)
 * by columns c[0..nc-1] (sorted ascending, equal totals); cd: nc ints of
 * work space. */
static void fx_bounds(const int *r, size_t m, const int *c, size_t nc, const double *lf,
                      int *cd, double *smin, double *smax)
{
    double cmin = 0, cmax = 0, rmin = 0, rmax = 0;
    for (size_t j = 0; j < nc; j++) {
        cd[j] = c[nc - 1 - j];
        cmin += fx_minfill(c[j], r, m, lf);
        cmax += fx_maxfill(c[j], r, m, lf);
    }
    for (size_t i = 0; i < m; i++) {
        rmin += fx_minfill(r[i], cd, nc, lf);
        rmax += fx_maxfill(r[i], cd, nc, lf);
    }
    *smin = cmin > rmin ? cmin : rmin;
    *smax = cmax < rmax ? cmax : rmax;
}

/* Number of ways to split `total` into x_0..x_{n-1} with x_i <= caps[i]
 * (w: total + 1 doubles of work space). */
static double fx_count_alloc(long total, const int *caps, size_t n, double *w)
{
    /* w[v]: ways for the rows so far to sum to v */
    for (long v = 0; v <= total; v++) w[v] = v == 0;
    for (size_t i = 0; i < n; i++) {
        /* new w[v] = sum of old w[v - cap .. v], computed from the top
         * with a sliding window so lower entries are still old */
        long cap = caps[i];
        double run = 0;
        for (long v = total - cap > 0 ? total - cap : 0; v <= total; v++) run += w[v];
        for (long v = total; v >= 0; v--) {
            double cur = run;
            run -= w[v];
            if (v - cap - 1 >= 0) run += w[v - cap - 1];
            w[v] = cur;
        }
    }
    return w[total];
}

/* Completions of a node: the sorted values of S over the remaining
 * columns, with suffix sums of exp(base - S) to answer every past by a
 * binary search. */
typedef struct fx_dist {
    double *s, *mult, *suf;
    size_t n, cap;
    double base;        /* least S */
    size_t budget;      /* records and completions that may still be made */
} fx_dist;

static int fx_dist_add(fx_dist *d, double s)
{
    if (d->budget == 0) return -3;
    d->budget--;
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 1024;
        double *ns = realloc(d->s, cap * sizeof *ns);
        if (!ns) return -2;
        d->s = ns;
        d->cap = cap;
    }
    d->s[d->n++] = s;
    return 0;
}

static int fx_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Enumerate the completions of key (columns cols[0..nc-1], the last one
 * forced) into d. */
static int fx_dist_fill(fx_dist *d, int *key, size_t m, const int *cols, size_t nc,
                        size_t i, long total, double acc, const double *lf)
{
    if (nc == 1) {
        double s = acc;
        for (size_t j = 0; j < m; j++) s += lf[key[j]];
        return fx_dist_add(d, s);
    }
    if (i == m - 1) {
        if (total > key[i]) return 0;
        key[i] -= (int)total;
        int rc = fx_dist_fill(d, key, m, cols + 1, nc - 1, 0, cols[1], acc + lf[total], lf);
        key[i] += (int)total;
        return rc;
    }
    long rest = 0;
    for (size_t j = i + 1; j < m; j++) rest += key[j];
    long lo = total - rest, hi = key[i] < total ? key[i] : total;
    if (lo < 0) lo = 0;
    for (long v = lo; v <= hi; v++) {
        key[i] -= (int)v;
        int rc = fx_dist_fill(d, key, m, cols, nc, i + 1, total - v, acc + lf[v], lf);
        key[i] += (int)v;
        if (rc != 0) return rc;
    }
    return 0;
}

/* Sort, merge equal values and build the suffix sums. */
static int fx_dist_finish(fx_dist *d)
{
    qsort(d->s, d->n, sizeof *d->s, fx_cmp_double);
    free(d->mult);
    free(d->suf);
    d->mult = malloc((d->n + 1) * sizeof *d->mult);
    d->suf = malloc((d->n + 1) * sizeof *d->suf);
    if (!d->mult || !d->suf) return -1;
    size_t w = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (w > 0 && d->s[i] - d->s[w - 1] <= FX_MERGE) {
            d->mult[w - 1] += 1;
        } else {
            d->s[w] = d->s[i];
            d->mult[w++] = 1;
        }
    }
    d->n = w;
    d->base = d->s[0];
    d->suf[w] = 0;
    for (size_t i = w; i-- > 0;) d->suf[i] = d->suf[i + 1] + d->mult[i] * exp(d->base - d->s[i]);
    return 0;
}

/* Sum over completions with S >= t of exp(base - S). */
static double fx_dist_tail(const fx_dist *d, double t)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->s[mid] >= t) hi = mid;
        else lo = mid + 1;
    }
    return d->suf[lo];
}

typedef struct fx_state {
    size_t m;           /* rows (node length) */
    const double *lf;   /* lf[k] = log(k!) */
    fx_nodes *next;
    fx_recs *out;
    const double *us, *um; /* S and paths of the undecided pasts of the node */
    size_t nund;
    size_t max_entries;
    size_t *budget;     /* records and completions that may still be made */
    int *x, *child;     /* allocation and child key, m each */
} fx_state;

/* Enumerate the allocations x of `total` to rows i.. of r (x_i <= r_i),
 * carrying every undecided past to the child node. */
static int fx_expand(fx_state *st, const int *r, size_t i, long total, const long *tail)
{
    size_t m = st->m;
    if (i == m - 1) {
        if (total > r[i]) return 0;
        st->x[i] = (int)total;
        double sx = 0;
        for (size_t j = 0; j < m; j++) {
            sx += st->lf[st->x[j]];
            st->child[j] = r[j] - st->x[j];
        }
        qsort(st->child, m, sizeof *st->child, fx_cmp_desc);
        long id = fx_nodes_get(st->next, st->child);
        if (id < 0) return -2;
        if (*st->budget < st->nund) return -3;
        *st->budget -= st->nund;
        for (size_t u = 0; u < st->nund; u++) {
            int rc = fx_recs_add(st->out, (uint32_t)id, st->us[u] + sx, st->um[u], st->max_entries);
            if (rc != 0) return rc;
        }
        return 0;
    }
    /* rows after i can take at most tail[i + 1] */
    long lo = total - tail[i + 1], hi = r[i] < total ? r[i] : total;
    if (lo < 0) lo = 0;
    for (long v = lo; v <= hi; v++) {
        st->x[i] = (int)v;
        int rc = fx_expand(st, r, i + 1, total - v, tail);
        if (rc != 0) return rc;
    }
    return 0;
}

int t1_fisher_rxc(const double *tab, size_t nr, size_t nc, size_t max_entries, double *p)
{
    *p = NAN;
    if (max_entries == 0) max_entries = T1_FEXACT_MAX_ENTRIES;
    if (max_entries > UINT32_MAX - 2) max_entries = UINT32_MAX - 2;
    for (size_t i = 0; i < nr * nc; i++)
        if (!(tab[i] >= 0) || tab[i] != floor(tab[i])) return -1;
    /* margins; keep rows and columns with positive totals */
    size_t r = 0, c = 0;
    double dtotal = 0;
    size_t *ri = malloc((nr + 1) * sizeof *ri), *ci = malloc((nc + 1) * sizeof *ci);
    if (!ri || !ci) {
        free(ri);
        free(ci);
        return -2;
    }
    for (size_t i = 0; i < nr; i++) {
        double sum = 0;
        for (size_t j = 0; j < nc; j++) sum += tab[i * nc + j];
        if (sum > 0) ri[r++] = i;
        dtotal += sum;
    }
    for (size_t j = 0; j < nc; j++) {
        double sum = 0;
        for (size_t i = 0; i < nr; i++) sum += tab[i * nc + j];
        if (sum > 0) ci[c++] = j;
    }
    if (r < 2 || c < 2 || dtotal > FX_MAX_TOTAL) {
        free(ri);
        free(ci);
        if (r >= 2 && c >= 2) return -3;
        *p = 1;
        return 0;
    }
    long total = (long)dtotal;
    /* nodes run along the shorter side */
    int transpose = r > c;
    size_t m = transpose ? c : r, s = transpose ? r : c;
    int *rows = calloc(m, sizeof *rows), *cols = calloc(s, sizeof *cols);
    int *cdesc = calloc(s, sizeof *cdesc);
    double *lf = malloc(((size_t)total + 2) * sizeof *lf);
    double *work = malloc(((size_t)total + 2) * sizeof *work);
    long *tail = malloc((m + 1) * sizeof *tail);
    int *x = malloc(m * sizeof *x), *child = malloc(m * sizeof *child);
    size_t ucap = 1024, nund = 0;
    double *us = malloc(ucap * sizeof *us), *um = malloc(ucap * sizeof *um);
    fx_nodes cur, nxt;
    fx_recs ent, nent;
    memset(&ent, 0, sizeof ent);
    memset(&nent, 0, sizeof nent);
    fx_dist dist;
    memset(&dist, 0, sizeof dist);
    /* records made and completions enumerated over the whole run */
    dist.budget = FX_WORK_FACTOR * max_entries;
    int ok_nodes = fx_nodes_init(&cur, m) == 0;
    ok_nodes = (fx_nodes_init(&nxt, m) == 0) && ok_nodes;
    int rc = -2;
    if (!rows || !cols || !cdesc || !lf || !work || !tail || !x || !child || !us || !um ||
        !ok_nodes)
        goto done;
    for (size_t a = 0; a < r; a++)
        for (size_t b = 0; b < c; b++) {
            long v = (long)tab[ri[a] * nc + ci[b]];
            size_t u = transpose ? b : a, w = transpose ? a : b;
            rows[u] += (int)v;
            cols[w] += (int)v;
        }
    for (long k = 0; k <= total + 1; k++) lf[k] = lgammafn((double)k + 1);
    double sobs = 0;
    for (size_t a = 0; a < r; a++)
        for (size_t b = 0; b < c; b++) sobs += lf[(long)tab[ri[a] * nc + ci[b]]];
    qsort(rows, m, sizeof *rows, fx_cmp_desc);
    qsort(cols, s, sizeof *cols, fx_cmp_asc);
    double kconst = -lf[total];
    for (size_t i = 0; i < m; i++) kconst += lf[rows[i]];
    for (size_t j = 0; j < s; j++) kconst += lf[cols[j]];
    double thr = sobs - log1p(FX_TOL);

    double pv = 0;
    if (fx_nodes_get(&cur, rows) != 0 || (rc = fx_recs_add(&ent, 0, 0.0, 1.0, max_entries)) != 0)
        goto done;
    rc = -2;
    fx_state st = {m, lf, &nxt, &nent, us, um, 0, max_entries, &dist.budget, x, child};
    for (size_t k = 0; k < s && ent.n > 0; k++) {
        if (fx_recs_group(&ent, cur.n) != 0) goto done;
        fx_nodes_clear(&nxt);
        fx_recs_clear(&nent);
        long csum = 0;
        for (size_t j = k; j < s; j++) csum += cols[j];
        for (size_t nd = 0; nd < cur.n; nd++) {
            size_t a = ent.start[nd], b = ent.start[nd + 1];
            if (a == b) continue;
            const int *key = cur.keys + nd * m;
            double smin, smax;
            fx_bounds(key, m, cols + k, s - k, lf, cdesc, &smin, &smax);
            /* log of the total weight of the completions */
            double logw = lf[csum];
            for (size_t i = 0; i < m; i++) logw -= lf[key[i]];
            for (size_t j = k; j < s; j++) logw -= lf[cols[j]];
            nund = 0;
            for (size_t e = a; e < b; e++) {
                size_t i = ent.order[e];
                double es = ent.s[i], em = ent.mult[i];
                if (es + smin >= thr) {
                    pv += exp(log(em) + kconst - es + logw);
                } else if (es + smax >= thr && k + 1 < s) {
                    if (nund == ucap) {
                        ucap *= 2;
                        double *n1 = realloc(us, ucap * sizeof *us);
                        if (n1) us = n1;
                        double *n2 = realloc(um, ucap * sizeof *um);
                        if (n2) um = n2;
                        if (!n1 || !n2) goto done;
                    }
                    us[nund] = es;
                    um[nund++] = em;
                }
            }
            if (nund > 0 && k + 2 <= s) {
                /* completions of this node (an upper bound) against the
                 * cost of carrying every undecided past one stage on */
                double alloc = fx_count_alloc(cols[k], key, m, work), comp = 1;
                for (size_t j = k; j + 1 < s && comp <= FX_DIST_MAX; j++)
                    comp *= fx_count_alloc(cols[j], key, m, work);
                if (comp <= FX_DIST_MAX && comp <= FX_DIST_RATIO * alloc * (double)nund) {
                    memcpy(x, key, m * sizeof *x);
                    dist.n = 0;
                    int drc = fx_dist_fill(&dist, x, m, cols + k, s - k, 0, cols[k], 0.0, lf);
                    if (drc == 0 && fx_dist_finish(&dist) != 0) drc = -2;
                    if (drc != 0) {
                        rc = drc;
                        goto done;
                    }
                    for (size_t u = 0; u < nund; u++)
                        pv += exp(log(um[u]) + kconst - us[u] - dist.base) *
                              fx_dist_tail(&dist, thr - us[u]);
                    nund = 0;
                }
            }
            if (nund > 0) {
                tail[m] = 0;
                for (size_t i = m; i-- > 0;) tail[i] = tail[i + 1] + key[i];
                st.us = us;
                st.um = um;
                st.nund = nund;
                int erc = fx_expand(&st, key, 0, cols[k], tail);
                if (erc != 0) {
                    rc = erc;
                    goto done;
                }
            }
        }
        fx_recs tr = ent;
        ent = nent;
        nent = tr;
        fx_nodes tn = cur;
        cur = nxt;
        nxt = tn;
    }
    *p = pv > 1 ? 1 : pv;
    rc = 0;
done:
    free(ri);
    free(ci);
    free(rows);
    free(cols);
    free(cdesc);
    free(lf);
    free(work);
    free(tail);
    free(x);
    free(child);
    free(us);
    free(um);
    free(dist.s);
    free(dist.mult);
    free(dist.suf);
    fx_recs_free(&ent);
    fx_recs_free(&nent);
    fx_nodes_free(&cur);
    fx_nodes_free(&nxt);
    return rc;
}
