/* test_table1.c: the table1 plugin against R -- its tests (chisq.test,
 * fisher.test, t.test, oneway.test, wilcox.test, kruskal.test) and SMDs on
 * survival's pbc, colon, ovarian, lung and simulated data and on small
 * contingency tables (tests/ref/table1_ref.txt, written by
 * tests/R/table1.R): p-values, statistics, t.test's conf.int, wilcox.test
 * with and without continuity correction, chisq.test's expected counts and
 * fisher.test's conditional-MLE odds ratio with its interval; then the
 * plugin's run() through a recording host. */
#include "mockhost.h"
#include "../../plugins/table1/t1test.h"
#include "../../plugins/table1/fexact.h"
#include "../../plugins/table1/fisheror.h"
#include "../../plugins/table1/smd.h"
#include "../../plugins/describe/summary.h"
#include <cohort/plugin.h>
#include "refdata.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RTOL 1e-6
#define ATOL 1e-12

/* data sets by the number the R script gives them */
static const char *const data_names[] = {NULL, "pbc", "colon", "ovarian", "lung", "simA", "simB"};
#define NDATA (sizeof data_names / sizeof data_names[0])

static rd_file ref;
static rd_file data[NDATA];

static int setup(void)
{
    if (rd_read("tests/ref/table1_ref.txt", &ref) != 0) return -1;
    for (size_t i = 1; i < NDATA; i++) {
        char path[128];
        snprintf(path, sizeof path, "tests/ref/table1_%s_data.txt", data_names[i]);
        if (rd_read(path, &data[i]) != 0) return -1;
    }
    return 0;
}

static int teardown(void)
{
    rd_free(&ref);
    for (size_t i = 1; i < NDATA; i++) rd_free(&data[i]);
    return 0;
}

static const rd_table *dataset(double id)
{
    size_t i = (size_t)id;
    CU_ASSERT_FATAL(i >= 1 && i < NDATA);
    return rd_table_get(&data[i], "");
}

static double cell(const rd_table *d, size_t r, size_t c) { return d->v[r * d->ncol + c]; }

/* Values of column v (rows with v and group column g known) with their
 * group index 0..k-1 (groups in ascending order).  Returns the count. */
static size_t gather(const rd_table *d, size_t g, size_t v, double *x, int *grp, size_t *k)
{
    double lev[64];
    /* groups are those with a known value of v, as R's factor() of the
     * complete cases */
    size_t nl = 0;
    for (size_t r = 0; r < d->nrow; r++) {
        double gv = cell(d, r, g), xv = cell(d, r, v);
        if (isnan(gv) || isnan(xv)) continue;
        size_t j = 0;
        while (j < nl && lev[j] < gv) j++;
        if (j < nl && lev[j] == gv) continue;
        CU_ASSERT_FATAL(nl < 64);
        memmove(lev + j + 1, lev + j, (nl - j) * sizeof *lev);
        lev[j] = gv;
        nl++;
    }
    size_t m = 0;
    for (size_t r = 0; r < d->nrow; r++) {
        double gv = cell(d, r, g), xv = cell(d, r, v);
        if (isnan(gv) || isnan(xv)) continue;
        size_t j = 0;
        while (lev[j] != gv) j++;
        x[m] = xv;
        grp[m++] = (int)j;
    }
    *k = nl;
    return m;
}

static void test_cont2(void)
{
    const rd_table *t = rd_table_get(&ref, "cont2");
    CU_ASSERT_FATAL(t != NULL);
    rd_tally tl = {0};
    char what[128];
    for (size_t r = 0; r < t->nrow; r++) {
        const rd_table *d = dataset(rd_get(t, r, "data"));
        size_t g = (size_t)rd_get(t, r, "grp"), v = (size_t)rd_get(t, r, "var"), k;
        double *x = malloc(d->nrow * sizeof *x), *a = malloc(d->nrow * sizeof *a),
               *b = malloc(d->nrow * sizeof *b);
        int *grp = malloc(d->nrow * sizeof *grp);
        size_t m = gather(d, g, v, x, grp, &k), na = 0, nb = 0;
        CU_ASSERT_EQUAL(k, 2);
        for (size_t i = 0; i < m; i++) {
            if (grp[i] == 0) a[na++] = x[i];
            else b[nb++] = x[i];
        }
        snprintf(what, sizeof what, "cont2 row %zu (%s)", r + 1, d->cols[v]);
        CU_ASSERT_EQUAL(na, (size_t)rd_get(t, r, "n1"));
        CU_ASSERT_EQUAL(nb, (size_t)rd_get(t, r, "n2"));
        double m1 = ds_mean(a, na), s1 = ds_sd(a, na), m2 = ds_mean(b, nb), s2 = ds_sd(b, nb);
        rd_check(&tl, what, m1, rd_get(t, r, "mean1"), RTOL, ATOL);
        rd_check(&tl, what, s1, rd_get(t, r, "sd1"), RTOL, ATOL);
        rd_check(&tl, what, m2, rd_get(t, r, "mean2"), RTOL, ATOL);
        rd_check(&tl, what, s2, rd_get(t, r, "sd2"), RTOL, ATOL);
        t1_test res;
        CU_ASSERT_EQUAL(t1_ttest(a, na, b, nb, 0, 0.95, &res), 0);
        rd_check(&tl, what, res.statistic, rd_get(t, r, "welch_t"), RTOL, ATOL);
        rd_check(&tl, what, res.df, rd_get(t, r, "welch_df"), RTOL, ATOL);
        rd_check_p(&tl, what, res.p, rd_get(t, r, "welch_p"), RTOL);
        rd_check(&tl, what, res.estimate, m1 - m2, RTOL, ATOL);
        rd_check(&tl, what, res.lower, rd_get(t, r, "welch_lo"), RTOL, ATOL);
        rd_check(&tl, what, res.upper, rd_get(t, r, "welch_hi"), RTOL, ATOL);
        CU_ASSERT_EQUAL(t1_ttest(a, na, b, nb, 1, 0.95, &res), 0);
        rd_check(&tl, what, res.statistic, rd_get(t, r, "student_t"), RTOL, ATOL);
        rd_check(&tl, what, res.df, rd_get(t, r, "student_df"), RTOL, ATOL);
        rd_check_p(&tl, what, res.p, rd_get(t, r, "student_p"), RTOL);
        rd_check(&tl, what, res.lower, rd_get(t, r, "student_lo"), RTOL, ATOL);
        rd_check(&tl, what, res.upper, rd_get(t, r, "student_hi"), RTOL, ATOL);
        CU_ASSERT_EQUAL(t1_wilcox(a, na, b, nb, 1, &res), 0);
        rd_check(&tl, what, res.statistic, rd_get(t, r, "wilcox_w"), RTOL, ATOL);
        rd_check_p(&tl, what, res.p, rd_get(t, r, "wilcox_p"), RTOL);
        CU_ASSERT_EQUAL(res.exact, (int)rd_get(t, r, "wilcox_exact"));
        CU_ASSERT_EQUAL(t1_wilcox(a, na, b, nb, 0, &res), 0);
        rd_check(&tl, what, res.statistic, rd_get(t, r, "wilcox_w"), RTOL, ATOL);
        rd_check_p(&tl, what, res.p, rd_get(t, r, "wilcox_nc_p"), RTOL);
        /* the correction only moves the normal approximation */
        if (!res.exact) CU_ASSERT(rd_get(t, r, "wilcox_nc_p") != rd_get(t, r, "wilcox_p"));
        rd_check(&tl, what, t1_smd_cont(m1, s1, m2, s2), rd_get(t, r, "smd"), RTOL, ATOL);
        free(x);
        free(a);
        free(b);
        free(grp);
    }
    fprintf(stderr, "\n  cont2: %zu values, max rel diff %.2g ", tl.checked, tl.maxrel);
    CU_ASSERT_EQUAL(tl.failed, 0);
    CU_ASSERT(t->nrow >= 20);
}

static void test_contk(void)
{
    const rd_table *t = rd_table_get(&ref, "contk");
    CU_ASSERT_FATAL(t != NULL);
    rd_tally tl = {0};
    char what[128];
    for (size_t r = 0; r < t->nrow; r++) {
        const rd_table *d = dataset(rd_get(t, r, "data"));
        size_t g = (size_t)rd_get(t, r, "grp"), v = (size_t)rd_get(t, r, "var"), k;
        double *x = malloc(d->nrow * sizeof *x), *sub = malloc(d->nrow * sizeof *sub);
        int *grp = malloc(d->nrow * sizeof *grp);
        size_t m = gather(d, g, v, x, grp, &k);
        snprintf(what, sizeof what, "contk row %zu (%s)", r + 1, d->cols[v]);
        CU_ASSERT_EQUAL(k, (size_t)rd_get(t, r, "ngroups"));
        t1_test res;
        CU_ASSERT_EQUAL(t1_oneway(x, grp, m, k, 1, &res), 0);
        rd_check(&tl, what, res.statistic, rd_get(t, r, "anova_f"), RTOL, ATOL);
        rd_check(&tl, what, res.df, rd_get(t, r, "anova_df1"), RTOL, ATOL);
        rd_check(&tl, what, res.df2, rd_get(t, r, "anova_df2"), RTOL, ATOL);
        rd_check_p(&tl, what, res.p, rd_get(t, r, "anova_p"), RTOL);
        CU_ASSERT_EQUAL(t1_oneway(x, grp, m, k, 0, &res), 0);
        rd_check(&tl, what, res.statistic, rd_get(t, r, "welch_f"), RTOL, ATOL);
        rd_check(&tl, what, res.df2, rd_get(t, r, "welch_df2"), RTOL, ATOL);
        rd_check_p(&tl, what, res.p, rd_get(t, r, "welch_p"), RTOL);
        CU_ASSERT_EQUAL(t1_kruskal(x, grp, m, k, &res), 0);
        rd_check(&tl, what, res.statistic, rd_get(t, r, "kw_stat"), RTOL, ATOL);
        rd_check(&tl, what, res.df, rd_get(t, r, "kw_df"), RTOL, ATOL);
        rd_check_p(&tl, what, res.p, rd_get(t, r, "kw_p"), RTOL);
        double mean[64], sd[64];
        for (size_t j = 0; j < k; j++) {
            size_t nj = 0;
            for (size_t i = 0; i < m; i++)
                if (grp[i] == (int)j) sub[nj++] = x[i];
            mean[j] = ds_mean(sub, nj);
            sd[j] = ds_sd(sub, nj);
        }
        rd_check(&tl, what, t1_smd_cont_groups(mean, sd, k), rd_get(t, r, "smd"), RTOL, ATOL);
        free(x);
        free(sub);
        free(grp);
    }
    fprintf(stderr, "\n  contk: %zu values, max rel diff %.2g ", tl.checked, tl.maxrel);
    CU_ASSERT_EQUAL(tl.failed, 0);
    CU_ASSERT(t->nrow >= 9);
}

/* chisq (plain and Yates) and Fisher on an nr x nc table against a row of
 * R's results. */
static void check_table(rd_tally *tl, rd_tally *tor, const char *what, const double *tab,
                        size_t nr, size_t nc, const rd_table *t, size_t r)
{
    t1_test res;
    double want = rd_get(t, r, "chisq_p");
    if (!isnan(want)) {
        CU_ASSERT_EQUAL(t1_chisq(tab, nr, nc, 0, &res), 0);
        rd_check(tl, what, res.statistic, rd_get(t, r, "chisq_stat"), RTOL, ATOL);
        rd_check_p(tl, what, res.p, want, RTOL);
        if (rd_col(t, "min_expected") >= 0)
            rd_check(tl, what, res.min_expected, rd_get(t, r, "min_expected"), RTOL, ATOL);
    }
    want = rd_get(t, r, "yates_p");
    if (!isnan(want)) {
        CU_ASSERT_EQUAL(t1_chisq(tab, nr, nc, 1, &res), 0);
        rd_check(tl, what, res.statistic, rd_get(t, r, "yates_stat"), RTOL, ATOL);
        rd_check_p(tl, what, res.p, want, RTOL);
    }
    want = rd_get(t, r, "fisher_p");
    double p = NAN;
    int rc;
    if (nr == 2 && nc == 2) {
        rc = t1_fisher2x2(tab, &res);
        p = res.p;
    } else {
        rc = t1_fisher_rxc(tab, nr, nc, 0, &p);
    }
    if (!isnan(rd_get(t, r, "fisher_default"))) {
        /* R computed it with its default workspace: so must we */
        CU_ASSERT_EQUAL(rc, 0);
        rd_check_p(tl, what, p, want, RTOL);
    } else if (!isnan(want) && rc == 0) {
        /* R needed a larger workspace; we may give up (-3) */
        rd_check_p(tl, what, p, want, RTOL);
    } else {
        CU_ASSERT(rc == 0 || rc == -3);
    }
    /* the network algorithm also agrees on 2 x 2 tables */
    if (nr == 2 && nc == 2 && !isnan(want)) {
        CU_ASSERT_EQUAL(t1_fisher_rxc(tab, nr, nc, 0, &p), 0);
        rd_check_p(tl, what, p, want, RTOL);
    }
    /* fisher.test's estimate and conf.int (0 and Inf at the ends of the
     * support must agree exactly) */
    if (nr == 2 && nc == 2) {
        double est, lo, hi;
        CU_ASSERT_EQUAL(t1_fisher_or(tab, 0.95, &est, &lo, &hi), 0);
        rd_check(tor, what, est, rd_get(t, r, "fisher_or"), RTOL, 0);
        rd_check(tor, what, lo, rd_get(t, r, "fisher_lo"), RTOL, 0);
        rd_check(tor, what, hi, rd_get(t, r, "fisher_hi"), RTOL, 0);
    }
}

/* chisq.test's expected counts: rows of [expected] for data set id,
 * grouping column g and var v against the table tab (nl x k). */
static void check_expected(rd_tally *tl, const char *what, const double *tab, size_t nl,
                           size_t k, double id, size_t g, size_t v)
{
    const rd_table *e = rd_table_get(&ref, "expected");
    CU_ASSERT_FATAL(e != NULL);
    double *got = malloc(nl * k * sizeof *got);
    CU_ASSERT_EQUAL_FATAL(t1_expected(tab, nl, k, got), 0);
    size_t seen = 0;
    for (size_t r = 0; r < e->nrow; r++) {
        if (rd_get(e, r, "data") != id || rd_get(e, r, "grp") != (double)g ||
            rd_get(e, r, "var") != (double)v)
            continue;
        size_t l = (size_t)rd_get(e, r, "level"), j = (size_t)rd_get(e, r, "group");
        CU_ASSERT_FATAL(l < nl && j < k);
        rd_check(tl, what, got[l * k + j], rd_get(e, r, "expected"), RTOL, ATOL);
        seen++;
    }
    CU_ASSERT_EQUAL(seen, nl * k);
    free(got);
}

static void test_cat(void)
{
    const rd_table *t = rd_table_get(&ref, "cat");
    CU_ASSERT_FATAL(t != NULL);
    rd_tally tl = {0}, tor = {0};
    char what[128];
    for (size_t r = 0; r < t->nrow; r++) {
        const rd_table *d = dataset(rd_get(t, r, "data"));
        size_t g = (size_t)rd_get(t, r, "grp"), v = (size_t)rd_get(t, r, "var"), k;
        double *x = malloc(d->nrow * sizeof *x), lev[64];
        int *grp = malloc(d->nrow * sizeof *grp);
        size_t m = gather(d, g, v, x, grp, &k);
        /* levels among the complete cases */
        size_t nl = 0;
        for (size_t i = 0; i < m; i++) {
            size_t j = 0;
            while (j < nl && lev[j] < x[i]) j++;
            if (j < nl && lev[j] == x[i]) continue;
            memmove(lev + j + 1, lev + j, (nl - j) * sizeof *lev);
            lev[j] = x[i];
            nl++;
        }
        snprintf(what, sizeof what, "cat row %zu (%s)", r + 1, d->cols[v]);
        CU_ASSERT_EQUAL(nl, (size_t)rd_get(t, r, "nlevels"));
        CU_ASSERT_EQUAL(k, (size_t)rd_get(t, r, "ngroups"));
        double *tab = calloc(nl * k, sizeof *tab), *prop = calloc(nl * k, sizeof *prop);
        double *tot = calloc(k, sizeof *tot);
        for (size_t i = 0; i < m; i++) {
            size_t j = 0;
            while (lev[j] != x[i]) j++;
            tab[j * k + (size_t)grp[i]] += 1;
            tot[grp[i]] += 1;
        }
        check_table(&tl, &tor, what, tab, nl, k, t, r);
        check_expected(&tl, what, tab, nl, k, rd_get(t, r, "data"), g, v);
        for (size_t j = 0; j < nl; j++)
            for (size_t gi = 0; gi < k; gi++) prop[gi * nl + j] = tab[j * k + gi] / tot[gi];
        double smd = k == 2 ? t1_smd_cat(prop, prop + nl, nl) : t1_smd_cat_groups(prop, k, nl);
        rd_check(&tl, what, smd, rd_get(t, r, "smd"), RTOL, 1e-9);
        free(x);
        free(grp);
        free(tab);
        free(prop);
        free(tot);
    }
    fprintf(stderr, "\n  cat: %zu values, max rel diff %.2g; Fisher OR and CI: %zu values, "
            "max rel diff %.2g ", tl.checked, tl.maxrel, tor.checked, tor.maxrel);
    CU_ASSERT_EQUAL(tl.failed + tor.failed, 0);
    CU_ASSERT(t->nrow >= 15);
}

static void test_tables(void)
{
    const rd_table *t = rd_table_get(&ref, "tables");
    CU_ASSERT_FATAL(t != NULL);
    rd_tally tl = {0}, tor = {0};
    char what[64];
    size_t nfisher = 0, nor = 0;
    for (size_t r = 0; r < t->nrow; r++) {
        size_t nr = (size_t)rd_get(t, r, "nr"), nc = (size_t)rd_get(t, r, "nc");
        double tab[25];
        for (size_t i = 0; i < nr * nc; i++) {
            char name[32];
            snprintf(name, sizeof name, "c%zu", i + 1);
            tab[i] = rd_get(t, r, name);
        }
        snprintf(what, sizeof what, "table %zu (%zu x %zu)", r + 1, nr, nc);
        check_table(&tl, &tor, what, tab, nr, nc, t, r);
        nfisher += !isnan(rd_get(t, r, "fisher_default"));
        nor += !isnan(rd_get(t, r, "fisher_or"));
    }
    fprintf(stderr, "\n  tables: %zu tables (%zu with R's Fisher p by default), %zu values, max rel diff %.2g; "
            "%zu Fisher ORs with CI: %zu values, max rel diff %.2g ",
            t->nrow, nfisher, tl.checked, tl.maxrel, nor, tor.checked, tor.maxrel);
    CU_ASSERT_EQUAL(tl.failed + tor.failed, 0);
    CU_ASSERT(t->nrow >= 100);
}

/* Cases R stops on or that have a known answer. */
static void test_edges(void)
{
    t1_test res;
    double c1[] = {5, 5, 5}, c2[] = {5, 5};
    CU_ASSERT_EQUAL(t1_ttest(c1, 3, c2, 2, 0, 0.95, &res), -1);    /* constant */
    CU_ASSERT_EQUAL(t1_ttest(c1, 1, c2, 2, 0, 0.95, &res), -1);    /* Welch needs 2 + 2 */
    double a[] = {1, 2, 3}, b[] = {4};
    CU_ASSERT_EQUAL(t1_ttest(a, 3, b, 1, 1, 0.95, &res), 0);       /* Student: 3 + 1 is enough */
    CU_ASSERT_EQUAL(t1_wilcox(c1, 3, c2, 2, 1, &res), -1);      /* all tied */
    double one_row[] = {3, 4};
    CU_ASSERT_EQUAL(t1_chisq(one_row, 1, 2, 0, &res), -1);
    /* zero row dropped: same as the 2 x 2 table */
    double z[] = {3, 1, 0, 0, 2, 6}, z2[] = {3, 1, 2, 6}, p1, p2;
    CU_ASSERT_EQUAL(t1_fisher_rxc(z, 3, 2, 0, &p1), 0);
    CU_ASSERT_EQUAL(t1_fisher2x2(z2, &res), 0);
    CU_ASSERT_DOUBLE_EQUAL(p1, res.p, 1e-12);
    /* transposing does not change Fisher's p */
    double j[] = {1, 3, 10, 6, 2, 3, 10, 7, 1, 6, 14, 12, 0, 1, 9, 11}, jt[16];
    for (size_t r = 0; r < 4; r++)
        for (size_t c = 0; c < 4; c++) jt[c * 4 + r] = j[r * 4 + c];
    CU_ASSERT_EQUAL(t1_fisher_rxc(j, 4, 4, 0, &p1), 0);
    CU_ASSERT_EQUAL(t1_fisher_rxc(jt, 4, 4, 0, &p2), 0);
    CU_ASSERT_DOUBLE_EQUAL(p1, p2, 1e-9);
    /* a single column: every table is the observed one */
    double col[] = {3, 4, 5};
    CU_ASSERT_EQUAL(t1_fisher_rxc(col, 3, 1, 0, &p1), 0);
    CU_ASSERT_DOUBLE_EQUAL(p1, 1, 0);
    double bad[] = {1.5, 2, 3, 4};
    CU_ASSERT_EQUAL(t1_fisher_rxc(bad, 2, 2, 0, &p1), -1);
    /* a tiny work limit makes a large table give up rather than run on */
    double big[] = {30, 25, 40, 20, 35, 30, 25, 45, 30, 28, 33, 37, 41, 22, 30, 27};
    CU_ASSERT_EQUAL(t1_fisher_rxc(big, 4, 4, 1000, &p1), -3);
    /* SMDs: binary form, invariance to the dropped level, identical groups */
    double pa[] = {0.7, 0.3}, pb[] = {0.4, 0.6};
    CU_ASSERT_DOUBLE_EQUAL(t1_smd_cat(pa, pb, 2),
                           0.3 / sqrt((0.3 * 0.7 + 0.6 * 0.4) / 2), 1e-12);
    double qa[] = {0.2, 0.5, 0.3}, qb[] = {0.4, 0.1, 0.5};
    double ra[] = {0.5, 0.3, 0.2}, rb[] = {0.1, 0.5, 0.4};
    CU_ASSERT_DOUBLE_EQUAL(t1_smd_cat(qa, qb, 3), t1_smd_cat(ra, rb, 3), 1e-10);
    CU_ASSERT_DOUBLE_EQUAL(t1_smd_cat(qa, qa, 3), 0, 1e-12);
    double ea[] = {0.5, 0.5, 0}, eb[] = {0.2, 0.8, 0};  /* a level nobody has */
    CU_ASSERT_DOUBLE_EQUAL(t1_smd_cat(ea, eb, 3),
                           0.3 / sqrt((0.25 + 0.16) / 2), 1e-10);
    CU_ASSERT(isnan(t1_smd_cont(1, 0, 2, 0)));
}

/* ---- the plugin through a recording host ------------------------------ */

const cohort_plugin *cohort_plugin_entry(void);

/* First row of the display table whose characteristic is name. */
static long mock_find(const mock_table *t, const char *name)
{
    int c = mock_colidx(t, "characteristic");
    for (size_t r = 0; r < t->nrow; r++) {
        const char *s = t->text[r * MAXCOL + (size_t)c];
        if (s && strcmp(s, name) == 0) return (long)r;
    }
    return -1;
}

static int mock_has(const mock *m, char kind, const char *part)
{
    for (size_t i = 0; i < m->nmsgs; i++)
        if (m->msgs[i][0] == kind && strstr(m->msgs[i], part)) return 1;
    return 0;
}

/* A column of a data set as a vector (missing where NA). */
typedef struct vecbuf {
    cohort_vec vec;
    double *num;
    unsigned char *miss;
} vecbuf;

static void vec_make(vecbuf *b, const rd_table *d, const char *name, int type)
{
    int c = rd_col(d, name);
    CU_ASSERT_FATAL(c >= 0);
    b->num = malloc(d->nrow * sizeof *b->num);
    b->miss = malloc(d->nrow);
    for (size_t r = 0; r < d->nrow; r++) {
        double x = cell(d, r, (size_t)c);
        b->miss[r] = isnan(x);
        b->num[r] = isnan(x) ? 0 : x;
    }
    b->vec.name = name;
    b->vec.type = type;
    b->vec.n = d->nrow;
    b->vec.num = b->num;
    b->vec.text = NULL;
    b->vec.missing = b->miss;
}

static void vec_free(vecbuf *b)
{
    free(b->num);
    free(b->miss);
}

/* The row of [cat]/[cont2]/[contk] for data set id and var column v. */
static long ref_row(const char *sec, double id, double grp, const rd_table *d, const char *var)
{
    const rd_table *t = rd_table_get(&ref, sec);
    int v = rd_col(d, var);
    for (size_t r = 0; t && r < t->nrow; r++)
        if (rd_get(t, r, "data") == id && rd_get(t, r, "grp") == grp && rd_get(t, r, "var") == v)
            return (long)r;
    return -1;
}

static double display_num(const mock_table *t, const char *var, const char *col)
{
    long r = mock_find(t, var);
    int c = mock_colidx(t, col);
    CU_ASSERT_FATAL(r >= 0 && c >= 0);
    return t->num[(size_t)r * MAXCOL + (size_t)c];
}

static const char *display_text(const mock_table *t, long r, const char *col)
{
    int c = mock_colidx(t, col);
    CU_ASSERT_FATAL(r >= 0 && c >= 0);
    return t->text[(size_t)r * MAXCOL + (size_t)c];
}

/* A number of the stats table at (characteristic, level, group). */
static double stats_num(const mock_table *t, const char *var, const char *level,
                        const char *group, const char *col)
{
    int cv = mock_colidx(t, "characteristic"), cl = mock_colidx(t, "level"),
        cg = mock_colidx(t, "grp"), c = mock_colidx(t, col);
    CU_ASSERT_FATAL(cv >= 0 && cl >= 0 && cg >= 0 && c >= 0);
    for (size_t r = 0; r < t->nrow; r++) {
        const char *const *row = (const char *const *)t->text + r * MAXCOL;
        if (row[cv] && row[cl] && row[cg] && strcmp(row[cv], var) == 0 &&
            strcmp(row[cl], level) == 0 && strcmp(row[cg], group) == 0)
            return t->num[r * MAXCOL + (size_t)c];
    }
    CU_FAIL("stats row not found");
    return NAN;
}

/* The [expected] value of data set id, group column g, var v, level l and
 * group j (0-based). */
static double ref_expected(double id, double g, double v, double l, double j)
{
    const rd_table *e = rd_table_get(&ref, "expected");
    for (size_t r = 0; e && r < e->nrow; r++)
        if (rd_get(e, r, "data") == id && rd_get(e, r, "grp") == g && rd_get(e, r, "var") == v &&
            rd_get(e, r, "level") == l && rd_get(e, r, "group") == j)
            return rd_get(e, r, "expected");
    return NAN;
}

/* Argument a: `name: [vecs...]`. */
static void arg_columns(cohort_arg *a, const char *name, cohort_vec *vecs, size_t n)
{
    a->name = name;
    a->kind = COHORT_ARG_COLUMNS;
    a->columns.n = n;
    a->columns.vecs = vecs;
}

static const cohort_estimator *table1_estimator(void)
{
    const cohort_plugin *p = cohort_plugin_entry();
    CU_ASSERT_FATAL(p && p->magic == COHORT_PLUGIN_MAGIC && p->nestimators == 1);
    CU_ASSERT_STRING_EQUAL(p->estimators[0].name, "table1");
    return &p->estimators[0];
}

/* pbc by trt: the display table's p-values and SMDs are R's. */
static void test_plugin_pbc(void)
{
    const rd_table *d = dataset(1);
    static const char *const cont[] = {"age", "bili", "chol", "albumin"};
    static const char *const cat[] = {"sex", "edema", "stage", "spiders"};
    vecbuf by, v[8];
    vec_make(&by, d, "grp", COHORT_TYPE_INT);
    cohort_vec vecs[8];
    for (size_t i = 0; i < 4; i++) {
        vec_make(&v[i], d, cont[i], COHORT_TYPE_REAL);
        vec_make(&v[4 + i], d, cat[i], i == 0 || i == 3 ? COHORT_TYPE_BOOL : COHORT_TYPE_REAL);
    }
    for (size_t i = 0; i < 8; i++) vecs[i] = v[i].vec;
    cohort_vec nn[] = {v[1].vec};              /* bili: nonnormal */
    cohort_vec ex[] = {v[6].vec, v[7].vec};    /* stage, spiders: exact */
    cohort_vec fa[] = {v[5].vec, v[6].vec};    /* edema, stage: factors */
    cohort_arg args[6];
    memset(args, 0, sizeof args);
    args[0].name = "by";
    args[0].kind = COHORT_ARG_COLUMN;
    args[0].vec = by.vec;
    arg_columns(&args[1], "vars", vecs, 8);
    arg_columns(&args[2], "nonnormal", nn, 1);
    arg_columns(&args[3], "exact", ex, 2);
    arg_columns(&args[4], "factor", fa, 2);
    args[5].name = "summary";   /* mean (SD) and t tests, but for the nonnormal bili */
    args[5].kind = COHORT_ARG_TEXT;
    args[5].text = "mean";
    mock m;
    memset(&m, 0, sizeof m);
    cohort_call call = {&m, "table1", "test.rules:1", d->nrow, NULL, 0, 6, args, 30.4375, "months"};
    const cohort_estimator *e = table1_estimator();
    CU_ASSERT_EQUAL_FATAL(e->run(&mock_host, &call), 0);
    mock_table *t = mock_get(&m, "table1");
    CU_ASSERT_FATAL(t != NULL);
    rd_tally tl = {0};
    const rd_table *c2 = rd_table_get(&ref, "cont2"), *ct = rd_table_get(&ref, "cat");
    long r;
    /* continuous: Welch by default, Wilcoxon for the nonnormal one */
    r = ref_row("cont2", 1, 0, d, "age");
    rd_check_p(&tl, "plugin age p", display_num(t, "age", "p"), rd_get(c2, (size_t)r, "welch_p"), RTOL);
    rd_check(&tl, "plugin age smd", display_num(t, "age", "SMD"), rd_get(c2, (size_t)r, "smd"), RTOL, ATOL);
    r = ref_row("cont2", 1, 0, d, "bili");
    rd_check_p(&tl, "plugin bili p", display_num(t, "bili", "p"), rd_get(c2, (size_t)r, "wilcox_p"), RTOL);
    r = ref_row("cont2", 1, 0, d, "chol");
    rd_check_p(&tl, "plugin chol p", display_num(t, "chol", "p"), rd_get(c2, (size_t)r, "welch_p"), RTOL);
    /* categorical: chi-squared without Yates by default, Fisher when exact */
    r = ref_row("cat", 1, 0, d, "sex");
    rd_check_p(&tl, "plugin sex p", display_num(t, "sex", "p"), rd_get(ct, (size_t)r, "chisq_p"), RTOL);
    rd_check(&tl, "plugin sex smd", display_num(t, "sex", "SMD"), rd_get(ct, (size_t)r, "smd"), RTOL, ATOL);
    r = ref_row("cat", 1, 0, d, "edema");
    rd_check_p(&tl, "plugin edema p", display_num(t, "edema", "p"), rd_get(ct, (size_t)r, "chisq_p"), RTOL);
    rd_check(&tl, "plugin edema smd", display_num(t, "edema", "SMD"), rd_get(ct, (size_t)r, "smd"), RTOL, ATOL);
    r = ref_row("cat", 1, 0, d, "stage");
    rd_check_p(&tl, "plugin stage p", display_num(t, "stage", "p"), rd_get(ct, (size_t)r, "fisher_p"), RTOL);
    rd_check(&tl, "plugin stage smd", display_num(t, "stage", "SMD"), rd_get(ct, (size_t)r, "smd"), RTOL, ATOL);
    r = ref_row("cat", 1, 0, d, "spiders");
    rd_check_p(&tl, "plugin spiders p", display_num(t, "spiders", "p"), rd_get(ct, (size_t)r, "fisher_p"), RTOL);
    /* the tests table: Fisher 2 x 2 has R's odds ratio and interval but no
     * statistic or df; Fisher r x c neither; Welch's t its mean difference */
    mock_table *tt = mock_get(&m, "tests");
    CU_ASSERT_FATAL(tt != NULL);
    rd_check(&tl, "plugin spiders OR", display_num(tt, "spiders", "estimate"), rd_get(ct, (size_t)r, "fisher_or"), RTOL, 0);
    rd_check(&tl, "plugin spiders lo", display_num(tt, "spiders", "lower"), rd_get(ct, (size_t)r, "fisher_lo"), RTOL, 0);
    rd_check(&tl, "plugin spiders hi", display_num(tt, "spiders", "upper"), rd_get(ct, (size_t)r, "fisher_hi"), RTOL, 0);
    CU_ASSERT_STRING_EQUAL(display_text(tt, mock_find(tt, "spiders"), "effect"), "odds ratio (conditional MLE)");
    CU_ASSERT(isnan(display_num(tt, "spiders", "statistic")));
    CU_ASSERT(isnan(display_num(tt, "spiders", "df")));
    CU_ASSERT(isnan(display_num(tt, "stage", "statistic")));
    CU_ASSERT(isnan(display_num(tt, "stage", "df")));
    CU_ASSERT(isnan(display_num(tt, "stage", "estimate")));
    CU_ASSERT(!isnan(display_num(tt, "stage", "p")));
    r = ref_row("cont2", 1, 0, d, "age");
    rd_check(&tl, "plugin age diff", display_num(tt, "age", "estimate"),
             rd_get(c2, (size_t)r, "mean1") - rd_get(c2, (size_t)r, "mean2"), RTOL, ATOL);
    rd_check(&tl, "plugin age lo", display_num(tt, "age", "lower"), rd_get(c2, (size_t)r, "welch_lo"), RTOL, ATOL);
    rd_check(&tl, "plugin age hi", display_num(tt, "age", "upper"), rd_get(c2, (size_t)r, "welch_hi"), RTOL, ATOL);
    CU_ASSERT_STRING_EQUAL(display_text(tt, mock_find(tt, "age"), "effect"), "difference in means");
    CU_ASSERT(isnan(display_num(tt, "bili", "estimate")));
    /* the stats table: chi-squared expected counts of sex and edema (R's),
     * none for Fisher's stage or the overall column */
    mock_table *st0 = mock_get(&m, "stats");
    CU_ASSERT_FATAL(st0 != NULL);
    double vsex = rd_col(d, "sex"), vedema = rd_col(d, "edema");
    rd_check(&tl, "plugin sex expected", stats_num(st0, "sex", "false", "1", "expected"),
             ref_expected(1, 0, vsex, 0, 0), RTOL, ATOL);
    rd_check(&tl, "plugin sex expected", stats_num(st0, "sex", "true", "2", "expected"),
             ref_expected(1, 0, vsex, 1, 1), RTOL, ATOL);
    rd_check(&tl, "plugin edema expected", stats_num(st0, "edema", "0.5", "2", "expected"),
             ref_expected(1, 0, vedema, 1, 1), RTOL, ATOL);
    CU_ASSERT(isnan(stats_num(st0, "sex", "true", "overall", "expected")));
    CU_ASSERT(isnan(stats_num(st0, "stage", "1", "1", "expected")));
    CU_ASSERT_EQUAL(tl.failed, 0);
    /* cells: N = n in the headers (no n row), the var's row first, its
     * levels indented under it, a boolean on its one row (n (%) of true),
     * the missing row of chol */
    CU_ASSERT(mock_colidx(t, "grp = 1, N = 158") >= 0);
    CU_ASSERT(mock_colidx(t, "grp = 2, N = 154") >= 0);
    CU_ASSERT(mock_colidx(t, "overall, N = 312") >= 0);
    CU_ASSERT(mock_colidx(t, "level") < 0 && mock_colidx(t, "test") < 0);
    CU_ASSERT_STRING_EQUAL(display_text(t, 0, "characteristic"), "age");
    CU_ASSERT(strchr(display_text(t, mock_find(t, "age"), "overall, N = 312"), '[') == NULL);
    CU_ASSERT(strchr(display_text(t, mock_find(t, "bili"), "overall, N = 312"), '[') != NULL);
    CU_ASSERT_STRING_EQUAL(display_text(tt, mock_find(tt, "stage"), "test"), "Fisher's exact");
    CU_ASSERT_STRING_EQUAL(display_text(tt, mock_find(tt, "sex"), "test"), "chi-squared");
    long chol = mock_find(t, "chol");
    CU_ASSERT_STRING_EQUAL(display_text(t, chol + 1, "characteristic"), "    missing");
    CU_ASSERT_STRING_EQUAL(display_text(t, chol + 1, "overall, N = 312"), "28");
    long edema = mock_find(t, "edema");
    CU_ASSERT(display_text(t, edema, "grp = 1, N = 158") == NULL);
    CU_ASSERT_STRING_EQUAL(display_text(t, edema + 1, "characteristic"), "    0");
    CU_ASSERT_STRING_EQUAL(display_text(t, edema + 2, "characteristic"), "    0.5");
    long sexr = mock_find(t, "sex");   /* sex == f: 137 of 158 and 139 of 154 */
    CU_ASSERT_STRING_EQUAL(display_text(t, sexr, "grp = 1, N = 158"), "137 (86.7%)");
    CU_ASSERT_STRING_EQUAL(display_text(t, sexr + 1, "characteristic"), "edema");
    /* the numbers table has every group and level */
    mock_table *st = mock_get(&m, "stats");
    CU_ASSERT_FATAL(st != NULL);
    CU_ASSERT(st->detail && !t->detail);
    CU_ASSERT(mock_get(&m, "tests") != NULL);
    CU_ASSERT(mock_has(&m, 'N', "SMD > 0.1 for"));
    CU_ASSERT(!mock_has(&m, 'E', ""));
    mock_free(&m);

    /* small cells: counts below min_cell hidden, with their percentages */
    m.min_cell = 20;
    CU_ASSERT_EQUAL_FATAL(e->run(&mock_host, &call), 0);
    t = mock_get(&m, "table1");
    long stage = mock_find(t, "stage");
    CU_ASSERT_STRING_EQUAL(display_text(t, 0, "characteristic"), "n");   /* the group sizes can be hidden */
    CU_ASSERT_STRING_EQUAL(display_text(t, 0, "grp = 1"), "158");
    CU_ASSERT_STRING_EQUAL(display_text(t, stage + 1, "characteristic"), "    1");
    CU_ASSERT_STRING_EQUAL(display_text(t, stage + 1, "grp = 1"), "<20");
    CU_ASSERT_STRING_EQUAL(display_text(t, mock_find(t, "chol") + 1, "grp = 1"), "<20");
    CU_ASSERT(strchr(display_text(t, stage + 3, "grp = 1"), '%') != NULL);
    m.min_cell = 0;
    mock_free(&m);

    /* errors: a name in exact that is not a var; exact on a continuous var */
    cohort_vec bad = by.vec;
    bad.name = "nosuch";
    args[3].columns.vecs = &bad;
    args[3].columns.n = 1;
    CU_ASSERT_EQUAL(e->run(&mock_host, &call), 1);
    CU_ASSERT(mock_has(&m, 'E', "exact: 'nosuch' is not one of vars"));
    mock_free(&m);
    args[3].columns.vecs = vecs; /* age */
    CU_ASSERT_EQUAL(e->run(&mock_host, &call), 1);
    CU_ASSERT(mock_has(&m, 'E', "exact: age is not categorical"));
    mock_free(&m);
    vec_free(&by);
    for (size_t i = 0; i < 8; i++) vec_free(&v[i]);
}

/* colon by rx (3 groups): one-way Welch test, Kruskal-Wallis, Fisher r x c,
 * mean pairwise SMDs; missing `by` rows dropped with a warning. */
static void test_plugin_colon(void)
{
    const rd_table *d = dataset(2);
    vecbuf by, age, nodes, differ, sex;
    vec_make(&by, d, "grp", COHORT_TYPE_INT);
    vec_make(&age, d, "age", COHORT_TYPE_INT);
    vec_make(&nodes, d, "nodes", COHORT_TYPE_INT);
    vec_make(&differ, d, "differ", COHORT_TYPE_INT);
    vec_make(&sex, d, "sex", COHORT_TYPE_BOOL);
    cohort_vec vecs[] = {age.vec, nodes.vec, differ.vec, sex.vec};
    cohort_vec nn[] = {nodes.vec};
    const char *exact[] = {"differ"};
    const char *factor[] = {"differ"};
    cohort_arg args[6];
    memset(args, 0, sizeof args);
    args[0].name = "by";
    args[0].kind = COHORT_ARG_COLUMN;
    args[0].vec = by.vec;
    args[1].name = "vars";
    args[1].kind = COHORT_ARG_COLUMNS;
    args[1].columns.n = 4;
    args[1].columns.vecs = vecs;
    args[2].name = "nonnormal";
    args[2].kind = COHORT_ARG_COLUMNS;
    args[2].columns.n = 1;
    args[2].columns.vecs = nn;
    args[3].name = "exact";
    args[3].kind = COHORT_ARG_LIST;
    args[3].list.n = 1;
    args[3].list.type = COHORT_TYPE_TEXT;
    args[3].list.text = exact;
    args[4].name = "factor";
    args[4].kind = COHORT_ARG_LIST;
    args[4].list.n = 1;
    args[4].list.type = COHORT_TYPE_TEXT;
    args[4].list.text = factor;
    args[5].name = "summary";
    args[5].kind = COHORT_ARG_TEXT;
    args[5].text = "mean";
    mock m;
    memset(&m, 0, sizeof m);
    cohort_call call = {&m, "table1", "test.rules:2", d->nrow, NULL, 0, 6, args, 30.4375, "months"};
    const cohort_estimator *e = table1_estimator();
    CU_ASSERT_EQUAL_FATAL(e->run(&mock_host, &call), 0);
    mock_table *t = mock_get(&m, "table1");
    CU_ASSERT_FATAL(t != NULL);
    rd_tally tl = {0};
    const rd_table *ck = rd_table_get(&ref, "contk"), *ct = rd_table_get(&ref, "cat");
    long r = ref_row("contk", 2, 0, d, "age");
    rd_check_p(&tl, "colon age p", display_num(t, "age", "p"), rd_get(ck, (size_t)r, "welch_p"), RTOL);
    rd_check(&tl, "colon age smd", display_num(t, "age", "SMD"), rd_get(ck, (size_t)r, "smd"), RTOL, ATOL);
    r = ref_row("contk", 2, 0, d, "nodes");
    rd_check_p(&tl, "colon nodes p", display_num(t, "nodes", "p"), rd_get(ck, (size_t)r, "kw_p"), RTOL);
    r = ref_row("cat", 2, 0, d, "differ");
    rd_check_p(&tl, "colon differ p", display_num(t, "differ", "p"), rd_get(ct, (size_t)r, "fisher_p"), RTOL);
    rd_check(&tl, "colon differ smd", display_num(t, "differ", "SMD"), rd_get(ct, (size_t)r, "smd"), RTOL, ATOL);
    r = ref_row("cat", 2, 0, d, "sex");
    rd_check_p(&tl, "colon sex p", display_num(t, "sex", "p"), rd_get(ct, (size_t)r, "chisq_p"), RTOL);
    CU_ASSERT_EQUAL(tl.failed, 0);
    mock_table *tt = mock_get(&m, "tests");
    CU_ASSERT_FATAL(tt != NULL);
    CU_ASSERT_STRING_EQUAL(display_text(tt, mock_find(tt, "age"), "test"), "Welch one-way test");
    CU_ASSERT_STRING_EQUAL(display_text(tt, mock_find(tt, "nodes"), "test"), "Kruskal-Wallis");
    mock_free(&m);

    /* rows with rx missing are dropped and said so; Student / F test */
    by.miss[0] = by.miss[1] = 1;
    args[3].list.n = 0;
    cohort_arg args2[7];
    memcpy(args2, args, sizeof args);
    args2[6] = args[0];
    args2[6].name = "welch";
    args2[6].kind = COHORT_ARG_BOOL;
    args2[6].num = 0;
    call.args = args2;
    call.nargs = 7;
    CU_ASSERT_EQUAL_FATAL(e->run(&mock_host, &call), 0);
    CU_ASSERT(mock_has(&m, 'W', "2 of 929 rows dropped: grp is missing"));
    t = mock_get(&m, "table1");
    tt = mock_get(&m, "tests");
    CU_ASSERT_STRING_EQUAL(display_text(tt, mock_find(tt, "age"), "test"), "one-way ANOVA");
    CU_ASSERT(mock_colidx(t, "overall, N = 927") >= 0);
    mock_free(&m);
    vec_free(&by);
    vec_free(&age);
    vec_free(&nodes);
    vec_free(&differ);
    vec_free(&sex);
}

/* The plugin's defaults against gtsummary's add_p() as tests/R/table1.R
 * computes it, on every characteristic of the R script's data sets:
 * categorical ones by chisq.test(correct = FALSE) when every expected count
 * is at least 5, else fisher.test(); continuous ones by wilcox.test() (two
 * groups) or kruskal.test() (more). */
static void test_plugin_addp(void)
{
    static const struct { const char *sec, *pcol, *test; } secs[] = {
        {"cat", "addp_p", NULL}, {"cont2", "wilcox_p", "Wilcoxon rank-sum"},
        {"contk", "kw_p", "Kruskal-Wallis"}};
    const cohort_estimator *e = table1_estimator();
    rd_tally tl = {0};
    size_t nfisher = 0, nchisq = 0;
    for (size_t k = 0; k < sizeof secs / sizeof secs[0]; k++) {
        const rd_table *rt = rd_table_get(&ref, secs[k].sec);
        CU_ASSERT_FATAL(rt != NULL);
        for (size_t r = 0; r < rt->nrow; r++) {
            double want = rd_get(rt, r, secs[k].pcol);
            if (isnan(want)) continue;   /* fisher.test's default workspace too small */
            const rd_table *d = dataset(rd_get(rt, r, "data"));
            const char *gname = d->cols[(size_t)rd_get(rt, r, "grp")];
            const char *vname = d->cols[(size_t)rd_get(rt, r, "var")];
            vecbuf by, v;
            vec_make(&by, d, gname, COHORT_TYPE_INT);
            vec_make(&v, d, vname, COHORT_TYPE_REAL);
            cohort_arg args[3];
            memset(args, 0, sizeof args);
            args[0].name = "by";
            args[0].kind = COHORT_ARG_COLUMN;
            args[0].vec = by.vec;
            arg_columns(&args[1], "vars", &v.vec, 1);
            arg_columns(&args[2], "factor", &v.vec, 1);
            mock m;
            memset(&m, 0, sizeof m);
            cohort_call call = {&m, "table1", "test.rules:4", d->nrow, NULL, 0, k == 0 ? 3 : 2, args,
                                30.4375, "months"};
            CU_ASSERT_EQUAL_FATAL(e->run(&mock_host, &call), 0);
            mock_table *t = mock_get(&m, "table1"), *tt = mock_get(&m, "tests");
            CU_ASSERT_FATAL(t != NULL && tt != NULL);
            char what[128];
            snprintf(what, sizeof what, "add_p %s data %g %s p", secs[k].sec, rd_get(rt, r, "data"), vname);
            rd_check_p(&tl, what, display_num(t, vname, "p"), want, RTOL);
            const char *test = secs[k].test;
            if (!test) {
                int fisher = rd_get(rt, r, "addp_test") == 2;
                test = fisher ? "Fisher's exact" : "chi-squared";
                nfisher += (size_t)fisher;
                nchisq += (size_t)!fisher;
            }
            CU_ASSERT_STRING_EQUAL(display_text(tt, mock_find(tt, vname), "test"), test);
            mock_free(&m);
            vec_free(&by);
            vec_free(&v);
        }
    }
    printf("\n  add_p's defaults: %zu p-values (categorical: %zu chi-squared, %zu Fisher), max rel diff %.2g ",
           tl.checked, nchisq, nfisher, tl.maxrel);
    CU_ASSERT(nfisher > 0 && nchisq > 0);
    CU_ASSERT_EQUAL(tl.failed, 0);
}

/* The shared unfittable-model rule (plugins/common/fitcheck.c): a
 * constant variable or a by with one value cannot be compared, an error;
 * with tests: false and smd: false nothing is compared and the table is
 * made, without tests. */
static void test_plugin_degenerate(void)
{
    const rd_table *d = dataset(3);
    vecbuf by, age, cst;
    vec_make(&by, d, "grp", COHORT_TYPE_INT);
    vec_make(&age, d, "age", COHORT_TYPE_REAL);
    vec_make(&cst, d, "age", COHORT_TYPE_REAL);
    for (size_t i = 0; i < d->nrow; i++) cst.num[i] = 7;
    cst.vec.name = "seven";
    cohort_vec vecs[] = {age.vec, cst.vec};
    cohort_arg args[4];
    memset(args, 0, sizeof args);
    args[0].name = "by";
    args[0].kind = COHORT_ARG_COLUMN;
    args[0].vec = by.vec;
    args[1].name = "vars";
    args[1].kind = COHORT_ARG_COLUMNS;
    args[1].columns.n = 2;
    args[1].columns.vecs = vecs;
    args[2].name = "tests";
    args[2].kind = COHORT_ARG_BOOL;
    args[2].num = 0;
    args[3].name = "smd";
    args[3].kind = COHORT_ARG_BOOL;
    args[3].num = 0;
    mock m;
    memset(&m, 0, sizeof m);
    cohort_call call = {&m, "table1", "test.rules:3", d->nrow, NULL, 0, 2, args, 30.4375, "months"};
    const cohort_estimator *e = table1_estimator();
    CU_ASSERT_EQUAL(e->run(&mock_host, &call), 1);
    CU_ASSERT(mock_has(&m, 'E', "seven takes one value only (7) in the "));
    CU_ASSERT(mock_has(&m, 'E', "nothing to test or standardise"));
    mock_free(&m);
    /* tests and SMDs off: described */
    call.nargs = 4;
    CU_ASSERT_EQUAL_FATAL(e->run(&mock_host, &call), 0);
    CU_ASSERT(!mock_has(&m, 'E', ""));
    mock_table *t = mock_get(&m, "table1");
    CU_ASSERT(mock_colidx(t, "p") < 0);
    mock_free(&m);
    for (size_t i = 0; i < d->nrow; i++) by.num[i] = 1;
    args[0].vec = by.vec;
    call.nargs = 2;
    CU_ASSERT_EQUAL(e->run(&mock_host, &call), 1);
    CU_ASSERT(mock_has(&m, 'E', "by grp takes one value only (1) in the "));
    mock_free(&m);
    call.nargs = 4;
    CU_ASSERT_EQUAL_FATAL(e->run(&mock_host, &call), 0);
    t = mock_get(&m, "table1");
    CU_ASSERT(mock_colidx(t, "p") < 0);
    CU_ASSERT(mock_get(&m, "tests") == NULL);
    mock_free(&m);
    vec_free(&by);
    vec_free(&age);
    vec_free(&cst);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("table1", setup, teardown);
    if (!s || !CU_add_test(s, "two-group continuous tests vs R", test_cont2) ||
        !CU_add_test(s, "k-group continuous tests vs R", test_contk) ||
        !CU_add_test(s, "categorical tests vs R", test_cat) ||
        !CU_add_test(s, "contingency tables vs R", test_tables) ||
        !CU_add_test(s, "edge cases", test_edges) ||
        !CU_add_test(s, "plugin on pbc", test_plugin_pbc) ||
        !CU_add_test(s, "plugin on colon", test_plugin_colon) ||
        !CU_add_test(s, "plugin defaults as gtsummary's add_p", test_plugin_addp) ||
        !CU_add_test(s, "plugin degenerate input", test_plugin_degenerate)) {
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return fails != 0;
}
