/* test_psm.c: propensity-score matching (plugins/psm/match.c with the
 * logistic core plugins/logistic/irls.c).  Hand-built cases whose correct
 * greedy matches are known (order by descending score, nearest available
 * control, ties to the lower row, caliper, logit vs probability distance);
 * the propensity score against R's glm; the matches and balance statistics
 * against an independent R implementation of the same documented rule
 * (tests/R/regression.R). */
#include "../../plugins/logistic/irls.h"
#include "../../plugins/psm/match.h"
#include "refdata.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOL 1e-6

/* descending order matters: the treated with the larger score chooses
 * first (ascending order would pair 0.56 with 0.57) */
static void test_order(void)
{
    int treat[4] = {1, 1, 0, 0};
    double d[4] = {0.56, 0.60, 0.57, 0.40};
    size_t m[4];
    CU_ASSERT_EQUAL(psm_match(4, treat, d, 0, m), 2);
    CU_ASSERT_EQUAL(m[1], 2);
    CU_ASSERT_EQUAL(m[2], 1);
    CU_ASSERT_EQUAL(m[0], 3);
    CU_ASSERT_EQUAL(m[3], 0);
}

static void test_nearest(void)
{
    /* rows: c 0.65, t 0.9, c 0.85, t 0.5, c 0.45, t 0.7, c 0.1 */
    int treat[7] = {0, 1, 0, 1, 0, 1, 0};
    double d[7] = {0.65, 0.9, 0.85, 0.5, 0.45, 0.7, 0.1};
    size_t m[7];
    CU_ASSERT_EQUAL(psm_match(7, treat, d, 0, m), 3);
    CU_ASSERT_EQUAL(m[1], 2); /* 0.9 -> 0.85 */
    CU_ASSERT_EQUAL(m[5], 0); /* 0.7 -> 0.65 */
    CU_ASSERT_EQUAL(m[3], 4); /* 0.5 -> 0.45 */
    CU_ASSERT_EQUAL(m[6], PSM_NONE);
}

static void test_ties(void)
{
    /* equal distances (exact in binary): the lower row wins, both for the
     * control chosen and for the treated order */
    int treat[5] = {0, 1, 0, 1, 0};
    double d[5] = {0.75, 0.5, 0.25, 0.5, 0.625};
    size_t m[5];
    CU_ASSERT_EQUAL(psm_match(5, treat, d, 0, m), 2);
    /* row 1 first (tie with row 3): 0.625 is nearest (0.125) */
    CU_ASSERT_EQUAL(m[1], 4);
    /* row 3: 0.75 and 0.25 both at 0.25 -> row 0 */
    CU_ASSERT_EQUAL(m[3], 0);
    CU_ASSERT_EQUAL(m[2], PSM_NONE);
}

static void test_caliper(void)
{
    int treat[4] = {1, 0, 1, 0};
    double d[4] = {0.8, 0.7, 0.3, 0.1};
    size_t m[4];
    /* width 0.15: 0.8 -> 0.7 (0.1); 0.3 -> 0.1 is 0.2 > 0.15: unmatched */
    CU_ASSERT_EQUAL(psm_match(4, treat, d, 0.15, m), 1);
    CU_ASSERT_EQUAL(m[0], 1);
    CU_ASSERT_EQUAL(m[2], PSM_NONE);
    CU_ASSERT_EQUAL(m[3], PSM_NONE);
    /* the boundary is inclusive */
    double d2[4] = {0.75, 0.5, 0.25, 0.125};
    CU_ASSERT_EQUAL(psm_match(4, treat, d2, 0.25, m), 2);
}

static void test_logit_distance(void)
{
    /* on the probability scale 0.95 is nearer 0.99 (0.04 < 0.05); on the
     * logit scale nearer 0.90 (0.75 < 1.65) */
    int treat[3] = {1, 0, 0};
    double ps[3] = {0.95, 0.90, 0.99}, lg[3];
    for (int i = 0; i < 3; i++) lg[i] = log(ps[i] / (1 - ps[i]));
    size_t m[3];
    psm_match(3, treat, ps, 0, m);
    CU_ASSERT_EQUAL(m[0], 2);
    psm_match(3, treat, lg, 0, m);
    CU_ASSERT_EQUAL(m[0], 1);
}

/* The documented rule by brute force: treated by descending distance
 * (ties: lower row), each takes the available control at the smallest
 * |difference| (ties: lower row) if within the caliper. */
static size_t brute_match(size_t n, const int *treat, const double *d, double width, size_t *m)
{
    unsigned char done[64] = {0};
    size_t pairs = 0;
    for (size_t i = 0; i < n; i++) m[i] = PSM_NONE;
    for (;;) {
        size_t t = PSM_NONE;
        for (size_t i = 0; i < n; i++)
            if (treat[i] && !done[i] && (t == PSM_NONE || d[i] > d[t])) t = i;
        if (t == PSM_NONE) break;
        done[t] = 1;
        size_t best = PSM_NONE;
        for (size_t c = 0; c < n; c++)
            if (!treat[c] && m[c] == PSM_NONE &&
                (best == PSM_NONE || fabs(d[t] - d[c]) < fabs(d[t] - d[best])))
                best = c;
        if (best == PSM_NONE || (width > 0 && !(fabs(d[t] - d[best]) <= width))) continue;
        m[t] = best;
        m[best] = t;
        pairs++;
    }
    return pairs;
}

/* A random case of 2 to maxn + 1 rows: a third treated, distances on a
 * grid of eighths (many exact ties).  Returns its size. */
static size_t random_case(unsigned *seed, size_t maxn, int *treat, double *d)
{
    *seed = *seed * 1103515245u + 12345u;
    size_t n = 2 + (*seed >> 16) % maxn;
    for (size_t i = 0; i < n; i++) {
        *seed = *seed * 1103515245u + 12345u;
        treat[i] = (*seed >> 16) % 3 == 0;
        *seed = *seed * 1103515245u + 12345u;
        d[i] = (double)((*seed >> 16) % 9) / 8;
    }
    return n;
}

/* The O(n log n) matcher against brute force on random cases with many
 * exact ties (distances on a grid of eighths) and random calipers. */
static void test_random_vs_brute(void)
{
    unsigned seed = 12345;
    int mismatches = 0;
    for (int rep = 0; rep < 500; rep++) {
        int treat[64];
        double d[64];
        size_t m1[64], m2[64];
        size_t n = random_case(&seed, 60, treat, d);
        double width = rep % 3 == 0 ? 0 : (double)(rep % 5) / 8;
        size_t p1 = psm_match(n, treat, d, width, m1), p2 = brute_match(n, treat, d, width, m2);
        int same = p1 == p2;
        for (size_t i = 0; i < n; i++) same &= m1[i] == m2[i];
        mismatches += !same;
    }
    CU_ASSERT_EQUAL(mismatches, 0);
}

static void test_balance_hand(void)
{
    /* binary covariate: SMD uses sqrt(p (1 - p)) of the treated group */
    int treat[6] = {1, 1, 1, 1, 0, 0};
    double x[6] = {1, 1, 0, 0, 1, 0};
    double mw[6] = {1, 0, 1, 0, 1, 1};   /* rows 0-4 and 2-5 matched */
    psm_balance b;
    psm_balance_of(6, x, treat, mw, &b);
    CU_ASSERT_DOUBLE_EQUAL(b.mean_t, 0.5, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(b.mean_c, 0.5, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(b.smd, 0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(b.mean_t_m, 0.5, 1e-15);
    /* continuous: treated SD (n - 1) */
    double y[6] = {1, 2, 3, 4, 10, 12};
    psm_balance_of(6, y, treat, NULL, &b);
    CU_ASSERT_DOUBLE_EQUAL(b.smd, (2.5 - 11) / sqrt(5.0 / 3.0), 1e-12);
}

/* A reference case: tests/ref/STEM_data.txt (treat, then the covariates)
 * and STEM_ref.txt, with the propensity model fitted. */
typedef struct pcase {
    rd_file df, rf;
    size_t n, p0;
    double *y, *x, *col;
    int *treat;
    logit_fit f;
} pcase;

static int load_case(const char *stem, pcase *c)
{
    char path[512];
    memset(c, 0, sizeof *c);
    snprintf(path, sizeof path, "tests/ref/%s_data.txt", stem);
    if (rd_read(path, &c->df) != 0) return -1;
    snprintf(path, sizeof path, "tests/ref/%s_ref.txt", stem);
    if (rd_read(path, &c->rf) != 0) return -1;
    const rd_table *data = rd_table_get(&c->df, "");
    if (!data) return -1;
    size_t n = c->n = data->nrow, p0 = c->p0 = data->ncol - 1;
    c->y = malloc(n * sizeof *c->y);
    c->x = malloc(n * p0 * sizeof *c->x);
    c->col = malloc(n * sizeof *c->col);
    c->treat = malloc(n * sizeof *c->treat);
    for (size_t i = 0; i < n; i++) {
        c->y[i] = data->v[i * data->ncol];
        c->treat[i] = c->y[i] != 0;
        for (size_t j = 0; j < p0; j++) c->x[i * p0 + j] = data->v[i * data->ncol + 1 + j];
    }
    logit_options o;
    logit_options_default(&o);
    return logit_fit_model(n, p0, c->x, c->y, &o, &c->f) == LOGIT_OK ? 0 : -1;
}

static void free_case(pcase *c)
{
    logit_fit_free(&c->f);
    free(c->y); free(c->x); free(c->col); free(c->treat);
    rd_free(&c->df);
    rd_free(&c->rf);
}

/* Each covariate's balance with match weights w (0: not matched) against
 * table rbal. */
static void check_balance(rd_tally *t, const char *name, pcase *c, const double *w, const rd_table *rbal)
{
    char what[160];
    CU_ASSERT_EQUAL_FATAL(rbal->nrow, c->p0);
    for (size_t j = 0; j < c->p0; j++) {
        for (size_t i = 0; i < c->n; i++) c->col[i] = c->x[i * c->p0 + j];
        psm_balance b;
        psm_balance_of(c->n, c->col, c->treat, w, &b);
        const struct { const char *k; double v; } bv[] = {
            {"mean_t", b.mean_t}, {"mean_c", b.mean_c}, {"smd", b.smd},
            {"mean_t_m", b.mean_t_m}, {"mean_c_m", b.mean_c_m}, {"smd_m", b.smd_m}};
        for (size_t k = 0; k < 6; k++) {
            snprintf(what, sizeof what, "%s %s[%zu]", name, bv[k].k, j);
            rd_check(t, what, bv[k].v, rd_get(rbal, j, bv[k].k), TOL, 1e-12);
        }
    }
}

static void run_case(const char *name)
{
    char what[128];
    pcase pc;
    CU_ASSERT_EQUAL_FATAL(load_case(name, &pc), 0);
    const rd_table *rcoef = rd_table_get(&pc.rf, "coef"), *rrows = rd_table_get(&pc.rf, "rows");
    const rd_table *rbal = rd_table_get(&pc.rf, "balance"), *rfit = rd_table_get(&pc.rf, "fit");
    CU_ASSERT_FATAL(rcoef && rrows && rbal && rfit);
    size_t n = pc.n;
    const int *treat = pc.treat;
    const logit_fit f = pc.f;
    size_t *m = malloc(n * sizeof *m);
    rd_tally t = {0};
    for (size_t j = 0; j < f.p; j++) {
        snprintf(what, sizeof what, "%s coef[%zu]", name, j);
        rd_check(&t, what, f.coef[j], rd_get(rcoef, j, "coef"), TOL, 0);
        snprintf(what, sizeof what, "%s se[%zu]", name, j);
        rd_check(&t, what, f.se[j], rd_get(rcoef, j, "se"), TOL, 0);
    }
    CU_ASSERT_EQUAL_FATAL(rrows->nrow, n);
    for (size_t i = 0; i < n; i++) {
        snprintf(what, sizeof what, "%s ps[%zu]", name, i);
        rd_check(&t, what, f.mu[i], rd_get(rrows, i, "ps"), TOL, 0);
        snprintf(what, sizeof what, "%s eta[%zu]", name, i);
        rd_check(&t, what, f.eta[i], rd_get(rrows, i, "eta"), TOL, 1e-12);
    }
    int logit = rd_get(rfit, 0, "logit") == 1;
    const double *dist = logit ? f.eta : f.mu;
    double caliper = rd_get(rfit, 0, "caliper"), width = 0;
    if (!isnan(caliper)) {
        width = caliper * psm_sd(n, dist);
        rd_check(&t, "width", width, rd_get(rfit, 0, "width"), TOL, 0);
    }
    size_t pairs = psm_match(n, treat, dist, width, m);
    rd_check(&t, "pairs", (double)pairs, rd_get(rfit, 0, "pairs"), 0, 0);
    for (size_t i = 0; i < n; i++) {
        double want = rd_get(rrows, i, "match");
        double got = m[i] == PSM_NONE ? -1 : (double)m[i];
        snprintf(what, sizeof what, "%s match[%zu]", name, i);
        rd_check(&t, what, got, want, 0, 0);
    }
    double *mw = malloc(n * sizeof *mw);
    for (size_t i = 0; i < n; i++) mw[i] = m[i] != PSM_NONE;
    check_balance(&t, name, &pc, mw, rbal);
    CU_ASSERT(t.checked > n);
    CU_ASSERT_EQUAL(t.failed, 0);
    fprintf(stderr, "  %s: %zu values compared with R, largest relative difference %.2g\n", name,
            t.checked, t.maxrel);
    free(m);
    free(mw);
    free_case(&pc);
}

/* k:1 matching with or without replacement against tests/R/matching.R's
 * plain-R implementation of the documented rule: the pairs in their order
 * (treated, control, distance, round), the match weights and the balance. */
static void run_case_k(const char *name)
{
    char what[160], stem[128];
    pcase pc;
    snprintf(stem, sizeof stem, "psmk_%s", name);
    CU_ASSERT_EQUAL_FATAL(load_case(stem, &pc), 0);
    const rd_table *rfit = rd_table_get(&pc.rf, "fit"), *rpairs = rd_table_get(&pc.rf, "pairs");
    const rd_table *rw = rd_table_get(&pc.rf, "weights"), *rbal = rd_table_get(&pc.rf, "balance");
    CU_ASSERT_FATAL(rfit && rpairs && rw && rbal);
    size_t n = pc.n;
    const int *treat = pc.treat;
    double *w = malloc(n * sizeof *w);
    const double *dist = rd_get(rfit, 0, "logit") == 1 ? pc.f.eta : pc.f.mu;
    size_t ratio = (size_t)rd_get(rfit, 0, "ratio");
    int replace = rd_get(rfit, 0, "replace") == 1;
    double caliper = rd_get(rfit, 0, "caliper"), width = 0;
    rd_tally t = {0};
    if (!isnan(caliper)) {
        width = caliper * psm_sd(n, dist);
        rd_check(&t, "width", width, rd_get(rfit, 0, "width"), TOL, 0);
    }
    psm_pair *pairs = malloc((n * ratio + 1) * sizeof *pairs);
    size_t np = psm_match_k(n, treat, dist, width, ratio, replace, pairs);
    rd_check(&t, "pairs", (double)np, rd_get(rfit, 0, "npairs"), 0, 0);
    CU_ASSERT_EQUAL_FATAL(np, rpairs->nrow);
    for (size_t k = 0; k < np; k++) {
        snprintf(what, sizeof what, "%s pair %zu treated", name, k);
        rd_check(&t, what, (double)pairs[k].t, rd_get(rpairs, k, "t"), 0, 0);
        snprintf(what, sizeof what, "%s pair %zu control", name, k);
        rd_check(&t, what, (double)pairs[k].c, rd_get(rpairs, k, "c"), 0, 0);
        snprintf(what, sizeof what, "%s pair %zu distance", name, k);
        rd_check(&t, what, pairs[k].dist, rd_get(rpairs, k, "dist"), TOL, 1e-12);
        snprintf(what, sizeof what, "%s pair %zu round", name, k);
        rd_check(&t, what, (double)pairs[k].round, rd_get(rpairs, k, "round"), 0, 0);
        snprintf(what, sizeof what, "%s pair %zu order", name, k);
        rd_check(&t, what, (double)pairs[k].order, rd_get(rpairs, k, "order"), 0, 0);
    }
    psm_match_weights(n, treat, pairs, np, w);
    for (size_t i = 0; i < n; i++) {
        snprintf(what, sizeof what, "%s weight[%zu]", name, i);
        rd_check(&t, what, w[i], rd_get(rw, i, "w"), 1e-12, 0);
    }
    check_balance(&t, name, &pc, w, rbal);
    CU_ASSERT(t.checked > n);
    CU_ASSERT_EQUAL(t.failed, 0);
    fprintf(stderr, "  %s: %zu values compared with R, largest relative difference %.2g\n", name, t.checked,
            t.maxrel);
    free(w);
    free(pairs);
    free_case(&pc);
}

/* The k:1 matcher against brute force (the documented rule written out
 * without the grouped search) on random cases with ties and calipers. */
static size_t brute_match_k(size_t n, const int *treat, const double *d, double width, size_t ratio,
                            int replace, psm_pair *out)
{
    size_t tr[64], nt = 0, np = 0;
    unsigned char taken[64] = {0}, ok[64];
    for (size_t i = 0; i < n; i++)
        if (treat[i]) tr[nt++] = i;
    for (size_t a = 1; a < nt; a++)        /* insertion sort (stable): descending d, then row */
        for (size_t b = a; b > 0 && d[tr[b]] > d[tr[b - 1]]; b--) {
            size_t x = tr[b];
            tr[b] = tr[b - 1];
            tr[b - 1] = x;
        }
    memset(ok, 1, sizeof ok);
    for (size_t r = 1; r <= ratio; r++)
        for (size_t a = 0; a < nt; a++) {
            size_t t = tr[a];
            if (!ok[a]) continue;
            size_t best = PSM_NONE;
            for (size_t c = 0; c < n; c++) {
                int used = 0;
                for (size_t k = 0; k < np; k++) used |= replace && out[k].t == t && out[k].c == c;
                if (treat[c] || (!replace && taken[c]) || used) continue;
                if (best == PSM_NONE || fabs(d[t] - d[c]) < fabs(d[t] - d[best])) best = c;
            }
            if (best == PSM_NONE || (width > 0 && !(fabs(d[t] - d[best]) <= width))) {
                ok[a] = 0;
                continue;
            }
            taken[best] = 1;
            out[np] = (psm_pair){t, best, fabs(d[t] - d[best]), r, np + 1};
            np++;
        }
    return np;
}

static int same_pairs(const psm_pair *a, size_t na, const psm_pair *b, size_t nb, int replace)
{
    if (na != nb) return 0;
    /* with replacement the brute force goes round by round: compare as sets */
    for (size_t i = 0; i < na; i++) {
        int found = 0;
        for (size_t j = 0; j < nb && !found; j++)
            found = a[i].t == b[j].t && a[i].c == b[j].c && a[i].round == b[j].round &&
                    (replace || a[i].order == b[j].order);
        if (!found) return 0;
    }
    return 1;
}

static void test_random_k_vs_brute(void)
{
    unsigned seed = 4242;
    int mismatches = 0;
    for (int rep = 0; rep < 600; rep++) {
        int treat[64];
        double d[64];
        psm_pair p1[64 * 3], p2[64 * 3];
        size_t n = random_case(&seed, 40, treat, d);
        double width = rep % 3 == 0 ? 0 : (double)(rep % 5) / 8;
        size_t ratio = 1 + (size_t)(rep % 3);
        int replace = rep % 2;
        size_t n1 = psm_match_k(n, treat, d, width, ratio, replace, p1);
        size_t n2 = brute_match_k(n, treat, d, width, ratio, replace, p2);
        mismatches += !same_pairs(p1, n1, p2, n2, replace);
    }
    CU_ASSERT_EQUAL(mismatches, 0);
}

/* 2:1 by hand: treated 0.9, 0.5; controls 0.85, 0.6, 0.45, 0.1 */
static void test_k2_hand(void)
{
    int treat[6] = {1, 0, 0, 1, 0, 0};
    double d[6] = {0.9, 0.85, 0.6, 0.5, 0.45, 0.1}, w[6];
    psm_pair p[4];
    /* round 1: 0.9 -> 0.85, 0.5 -> 0.45; round 2: 0.9 -> 0.6, 0.5 -> 0.1 */
    CU_ASSERT_EQUAL_FATAL(psm_match_k(6, treat, d, 0, 2, 0, p), 4);
    CU_ASSERT(p[0].t == 0 && p[0].c == 1 && p[0].round == 1);
    CU_ASSERT(p[1].t == 3 && p[1].c == 4 && p[1].round == 1);
    CU_ASSERT(p[2].t == 0 && p[2].c == 2 && p[2].round == 2);
    CU_ASSERT(p[3].t == 3 && p[3].c == 5 && p[3].round == 2 && p[3].order == 4);
    /* with replacement: 0.9 -> 0.85, 0.6; 0.5 -> 0.45 (0.05), 0.6 (0.1) */
    CU_ASSERT_EQUAL_FATAL(psm_match_k(6, treat, d, 0, 2, 1, p), 4);
    CU_ASSERT(p[2].t == 3 && p[2].c == 4);
    CU_ASSERT(p[3].t == 3 && p[3].c == 2);
    /* weights: control 2 serves both (1/2 + 1/2 = 1), 1 and 4 one each
     * (1/2): sum 2 over 3 distinct controls: x 3/2 */
    psm_match_weights(6, treat, p, 4, w);
    CU_ASSERT_DOUBLE_EQUAL(w[0], 1, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(w[2], 1.5, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(w[1], 0.75, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(w[4], 0.75, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(w[5], 0, 1e-15);
}

static void test_colon_k2(void) { run_case_k("colon_k2"); }
static void test_colon_k3_caliper(void) { run_case_k("colon_k3_caliper"); }
static void test_colon_replace(void) { run_case_k("colon_replace"); }
static void test_colon_k2_replace_caliper(void) { run_case_k("colon_k2_replace_caliper"); }
static void test_colon_k2_logit(void) { run_case_k("colon_k2_logit"); }
static void test_lung_k2(void) { run_case_k("lung_k2"); }
static void test_lung_k3_replace_caliper(void) { run_case_k("lung_k3_replace_caliper"); }

static void test_colon(void) { run_case("psm_colon"); }
static void test_colon_caliper(void) { run_case("psm_colon_caliper"); }
static void test_colon_logit(void) { run_case("psm_colon_logit"); }
static void test_lung(void) { run_case("psm_lung"); }

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("psm", NULL, NULL);
    CU_add_test(s, "descending order", test_order);
    CU_add_test(s, "nearest available control", test_nearest);
    CU_add_test(s, "ties to the lower row", test_ties);
    CU_add_test(s, "caliper", test_caliper);
    CU_add_test(s, "logit distance", test_logit_distance);
    CU_add_test(s, "random cases vs brute force", test_random_vs_brute);
    CU_add_test(s, "balance by hand", test_balance_hand);
    CU_add_test(s, "colon vs R", test_colon);
    CU_add_test(s, "colon, caliper 0.05 SD", test_colon_caliper);
    CU_add_test(s, "colon, logit, caliper 0.2 SD", test_colon_logit);
    CU_add_test(s, "lung vs R", test_lung);
    CU_add_test(s, "2:1, with and without replacement, by hand", test_k2_hand);
    CU_add_test(s, "k:1 random cases vs brute force", test_random_k_vs_brute);
    CU_add_test(s, "colon 2:1 vs R rule", test_colon_k2);
    CU_add_test(s, "colon 3:1, caliper 0.01 SD, vs R rule", test_colon_k3_caliper);
    CU_add_test(s, "colon with replacement vs R rule", test_colon_replace);
    CU_add_test(s, "colon 2:1 with replacement, caliper 0.1 SD, vs R rule", test_colon_k2_replace_caliper);
    CU_add_test(s, "colon 2:1, logit, vs R rule", test_colon_k2_logit);
    CU_add_test(s, "lung 2:1 vs R rule", test_lung_k2);
    CU_add_test(s, "lung 3:1 with replacement, caliper 0.05 SD, vs R rule", test_lung_k3_replace_caliper);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures();
    CU_cleanup_registry();
    return fails != 0;
}
