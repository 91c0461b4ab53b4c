/* match.c: greedy nearest-neighbour propensity-score matching and the
 * balance statistics shown with it (see match.h). */
#include "match.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* order of treated rows: distance descending, then row ascending */
static int treated_before(const double *dist, size_t a, size_t b)
{
    if (dist[a] != dist[b]) return dist[a] > dist[b];
    return a < b;
}

static void msort(const double *dist, size_t *idx, size_t *tmp, size_t n)
{
    if (n < 2) return;
    size_t h = n / 2, i = 0, j = h, m = 0;
    msort(dist, idx, tmp, h);
    msort(dist, idx + h, tmp, n - h);
    while (i < h && j < n) tmp[m++] = treated_before(dist, idx[j], idx[i]) ? idx[j++] : idx[i++];
    while (i < h) tmp[m++] = idx[i++];
    while (j < n) tmp[m++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

size_t psm_match(size_t n, const int *treat, const double *dist, double caliper_width, size_t *match)
{
    size_t nt = 0, nc = 0;
    for (size_t i = 0; i < n; i++) {
        match[i] = PSM_NONE;
        if (treat[i]) nt++;
        else nc++;
    }
    size_t *tr = malloc((nt + 1) * sizeof *tr), *tmp = malloc((nt + 1) * sizeof *tmp);
    size_t *ctl = malloc((nc + 1) * sizeof *ctl);
    if (!tr || !tmp || !ctl) {
        free(tr); free(tmp); free(ctl);
        return (size_t)-1;
    }
    size_t k = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        if (treat[i]) tr[k++] = i;
        else ctl[m++] = i; /* ascending rows: the first minimum is the lowest row */
    }
    msort(dist, tr, tmp, nt);
    size_t pairs = 0, avail = nc;
    for (size_t a = 0; a < nt && avail > 0; a++) {
        size_t t = tr[a], best = PSM_NONE, bpos = 0;
        double bd = INFINITY;
        for (size_t c = 0; c < avail; c++) {
            double dd = fabs(dist[t] - dist[ctl[c]]);
            if (dd < bd || (dd == bd && best != PSM_NONE && ctl[c] < best)) {
                bd = dd;
                best = ctl[c];
                bpos = c;
            }
        }
        if (best == PSM_NONE || (caliper_width > 0 && !(bd <= caliper_width))) continue;
        match[t] = best;
        match[best] = t;
        pairs++;
        /* remove the control, keeping the rest in row order */
        memmove(ctl + bpos, ctl + bpos + 1, (avail - bpos - 1) * sizeof *ctl);
        avail--;
    }
    free(tr); free(tmp); free(ctl);
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
