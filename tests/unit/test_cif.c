/* test_cif.c: the cumulative incidence core against R cmprsk::cuminc and
 * timepoints (tests/ref/cif_ref.txt, written by tests/R/survival.R):
 * estimates and variances at every event time, values and log(-log)
 * intervals at given times, Gray's test with and without strata; and the
 * infinitesimal-jackknife variance of survfit's Aalen-Johansen estimate
 * with survfit's default (log) confidence limits;
 * with case weights and clusters against survfit(..., weights =, id =,
 * cluster =) (tests/ref/weights_ref.txt, written by tests/R/weights.R). */
#include "../../plugins/cif/cifcore.h"
#include "refdata.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define RTOL 1e-6
#define ATOL 1e-12

typedef struct cif_case {
    const char *name, *data, *group, *strata;
} cif_case;

static const cif_case cases[] = {
    {"mgus2_sex", "tests/ref/cif_mgus2_data.txt", "sex", NULL},
    {"mgus2_sex_old", "tests/ref/cif_mgus2_data.txt", "sex", "old"},
    {"sim", "tests/ref/cif_sim_data.txt", "group", NULL},
    {"sim_strata", "tests/ref/cif_sim_data.txt", "group", "stratum"},
    {"sim_strata_rho2", "tests/ref/cif_sim_data.txt", "group", "stratum"},
    {"mid", "tests/ref/km_mid_data.txt", "group", NULL},
    {"mid_rho1", "tests/ref/km_mid_data.txt", "group", NULL},
};

static rd_file ref;
static int setup(void) { return rd_read("tests/ref/cif_ref.txt", &ref); }
static int teardown(void) { rd_free(&ref); return 0; }

static const rd_table *section(const char *name, const char *part)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s.%s", name, part);
    return rd_table_get(&ref, buf);
}

/* group values in order of first appearance in the tmax section */
static size_t group_values(const rd_table *tm, double *gv)
{
    size_t ng = 0;
    for (size_t i = 0; i < tm->nrow; i++) {
        double g = rd_get(tm, i, "group");
        size_t k = 0;
        while (k < ng && gv[k] != g) k++;
        if (k == ng) gv[ng++] = g;
    }
    return ng;
}

static void check_case(const cif_case *cc, rd_tally *tally, size_t *nij)
{
    rd_file data;
    CU_ASSERT_FATAL(rd_read(cc->data, &data) == 0);
    const rd_table *d = &data.tab[0];
    const rd_table *par = section(cc->name, "params"), *cv = section(cc->name, "curve"),
                   *tm = section(cc->name, "tmax"), *at = section(cc->name, "at"),
                   *gt = section(cc->name, "gray");
    CU_ASSERT_FATAL(par && cv && tm && at && gt);
    double rho = rd_get(par, 0, "rho"), level = rd_get(par, 0, "conf_level");
    size_t n = d->nrow;
    double *t = malloc(n * sizeof *t), *gv = malloc(n * sizeof *gv);
    int *st = malloc(n * sizeof *st), *grp = malloc(n * sizeof *grp),
        *stra = malloc(n * sizeof *stra);
    size_t ng = group_values(tm, gv);
    char what[160];

    /* curves per cause and group */
    for (size_t r = 0; r < tm->nrow; r++) {
        double g = rd_get(tm, r, "group");
        int cause = (int)rd_get(tm, r, "cause");
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (rd_get(d, i, cc->group) == g) {
                t[m] = rd_get(d, i, "time");
                st[m++] = (int)rd_get(d, i, "status");
            }
        cif_curve c;
        CU_ASSERT_FATAL(cif_fit(t, st, m, cause, &c) == CIF_OK);
        snprintf(what, sizeof what, "%s g=%g cause %d tmax", cc->name, g, cause);
        rd_check(tally, what, c.tmax, rd_get(tm, r, "tmax"), 0, 0);
        size_t k = 0;
        for (size_t i = 0; i < cv->nrow; i++) {
            if (rd_get(cv, i, "group") != g || rd_get(cv, i, "cause") != cause) continue;
            if (k < c.nsteps) {
                snprintf(what, sizeof what, "%s g=%g cause %d step %zu time", cc->name, g, cause, k);
                rd_check(tally, what, c.time[k], rd_get(cv, i, "time"), RTOL, ATOL);
                snprintf(what, sizeof what, "%s g=%g cause %d step %zu est", cc->name, g, cause, k);
                rd_check(tally, what, c.est[k], rd_get(cv, i, "est"), RTOL, ATOL);
                snprintf(what, sizeof what, "%s g=%g cause %d step %zu var", cc->name, g, cause, k);
                rd_check(tally, what, c.var[k], rd_get(cv, i, "var"), RTOL, ATOL);
            }
            k++;
        }
        snprintf(what, sizeof what, "%s g=%g cause %d steps", cc->name, g, cause);
        rd_check(tally, what, (double)c.nsteps, (double)k, 0, 0);
        /* the infinitesimal-jackknife variance of survfit's Aalen-Johansen
         * estimate at the same steps */
        cif_curve cj;
        CU_ASSERT_FATAL(cif_fit(t, st, m, cause, &cj) == CIF_OK);
        CU_ASSERT_FATAL(cif_var_ij(t, st, m, cause, &cj) == CIF_OK);
        k = 0;
        for (size_t i = 0; i < cv->nrow; i++) {
            if (rd_get(cv, i, "group") != g || rd_get(cv, i, "cause") != cause) continue;
            if (k < cj.nsteps) {
                snprintf(what, sizeof what, "%s g=%g cause %d step %zu var_ij", cc->name, g, cause, k);
                rd_check(tally, what, cj.var[k], rd_get(cv, i, "var_ij"), RTOL, ATOL);
                /* survfit's limits on its default scale (conf.type "log") */
                double lo, hi;
                cif_ci(cj.est[k], cj.var[k], level, CIF_CI_LOG, &lo, &hi);
                snprintf(what, sizeof what, "%s g=%g cause %d step %zu lower_log", cc->name, g, cause, k);
                rd_check(tally, what, lo, rd_get(cv, i, "lower_log"), RTOL, ATOL);
                snprintf(what, sizeof what, "%s g=%g cause %d step %zu upper_log", cc->name, g, cause, k);
                rd_check(tally, what, hi, rd_get(cv, i, "upper_log"), RTOL, ATOL);
                (*nij)++;
            }
            k++;
        }
        cif_free(&cj);
        for (size_t i = 0; i < at->nrow; i++) {
            if (rd_get(at, i, "group") != g || rd_get(at, i, "cause") != cause) continue;
            double tt = rd_get(at, i, "time"), e, v, lo, hi;
            cif_at(&c, tt, &e, &v);
            cif_ci(e, v, level, CIF_CI_LOGLOG, &lo, &hi);
            static const char *cols[] = {"est", "var", "lower", "upper"};
            const double got[] = {e, v, lo, hi};
            for (size_t j = 0; j < 4; j++) {
                snprintf(what, sizeof what, "%s g=%g cause %d at %g %s", cc->name, g, cause, tt, cols[j]);
                rd_check(tally, what, got[j], rd_get(at, i, cols[j]), RTOL, ATOL);
            }
        }
        cif_free(&c);
    }

    /* Gray's test per cause */
    for (size_t i = 0; i < n; i++) {
        double g = rd_get(d, i, cc->group);
        size_t k = 0;
        while (k < ng && gv[k] != g) k++;
        t[i] = rd_get(d, i, "time");
        st[i] = (int)rd_get(d, i, "status");
        grp[i] = (int)k;
        stra[i] = cc->strata ? (int)rd_get(d, i, cc->strata) : 0;
    }
    for (size_t r = 0; r < gt->nrow; r++) {
        int cause = (int)rd_get(gt, r, "cause"), df;
        double stat, p;
        int rc = cif_gray(t, st, grp, cc->strata ? stra : NULL, n, ng, cause, rho, &stat, &df, &p);
        CU_ASSERT_EQUAL(rc, CIF_OK);
        snprintf(what, sizeof what, "%s Gray cause %d stat", cc->name, cause);
        rd_check(tally, what, stat, rd_get(gt, r, "stat"), RTOL, ATOL);
        snprintf(what, sizeof what, "%s Gray cause %d df", cc->name, cause);
        rd_check(tally, what, df, rd_get(gt, r, "df"), 0, 0);
        snprintf(what, sizeof what, "%s Gray cause %d p", cc->name, cause);
        rd_check_p(tally, what, p, rd_get(gt, r, "p"), RTOL);
    }
    free(t);
    free(gv);
    free(st);
    free(grp);
    free(stra);
    rd_free(&data);
}

static void test_against_r(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rd_tally tally = {0, 0, 0};
        size_t nij = 0;
        check_case(&cases[i], &tally, &nij);
        fprintf(stderr, "  %s: %zu values compared with R (%zu IJ variances), %zu differ (max rel. diff %.1e)\n",
                cases[i].name, tally.checked, nij, tally.failed, tally.maxrel);
        CU_ASSERT(nij > 0);
        CU_ASSERT(tally.checked > 50);
        CU_ASSERT_EQUAL(tally.failed, 0);
    }
}

/* Case weights and clusters: survfit's Aalen-Johansen estimate, numbers at
 * risk and events (sums of weights), and its grouped infinitesimal-jackknife
 * variance, at every step and at given times. */
typedef struct cifw_case {
    const char *name, *weight, *cluster;
} cifw_case;

static void test_weights_clusters(void)
{
    static const cifw_case wcases[] = {
        {"cif_mgus2_wr", "wr", NULL},
        {"cif_mgus2_cl", NULL, "cl"},
        {"cif_mgus2_wr_cl", "wr", "cl"},
    };
    rd_file wref, data;
    CU_ASSERT_FATAL(rd_read("tests/ref/weights_ref.txt", &wref) == 0);
    CU_ASSERT_FATAL(rd_read("tests/ref/weights_mgus2_data.txt", &data) == 0);
    const rd_table *d = &data.tab[0];
    size_t n = d->nrow;
    double *t = malloc(n * sizeof *t), *w = malloc(n * sizeof *w);
    int *st = malloc(n * sizeof *st);
    size_t *cl = malloc(n * sizeof *cl);
    char what[160];
    for (size_t k = 0; k < sizeof wcases / sizeof wcases[0]; k++) {
        const cifw_case *wc = &wcases[k];
        rd_tally tally = {0, 0, 0};
        snprintf(what, sizeof what, "%s.curve", wc->name);
        const rd_table *cv = rd_table_get(&wref, what);
        snprintf(what, sizeof what, "%s.at", wc->name);
        const rd_table *at = rd_table_get(&wref, what);
        CU_ASSERT_FATAL(cv && at);
        for (double g = 0; g <= 1; g++)
            for (int cause = 1; cause <= 2; cause++) {
                size_t m = 0, ncl = 0;
                for (size_t i = 0; i < n; i++) {
                    if (rd_get(d, i, "sex") != g) continue;
                    t[m] = rd_get(d, i, "time");
                    st[m] = (int)rd_get(d, i, "status");
                    w[m] = wc->weight ? rd_get(d, i, wc->weight) : 1;
                    /* cluster values are small whole numbers: use them as the
                     * cluster indices (clusters without rows in the group add 0) */
                    cl[m] = wc->cluster ? (size_t)rd_get(d, i, wc->cluster) : 0;
                    if (cl[m] + 1 > ncl) ncl = cl[m] + 1;
                    m++;
                }
                cif_curve c;
                CU_ASSERT_FATAL(cif_fit_w(t, st, wc->weight ? w : NULL, m, cause, &c) == CIF_OK);
                CU_ASSERT_FATAL(cif_var_ij_w(t, st, wc->weight ? w : NULL, wc->cluster ? cl : NULL, ncl,
                                             m, cause, &c) == CIF_OK);
                size_t s = 0;
                for (size_t i = 0; i < cv->nrow; i++) {
                    if (rd_get(cv, i, "group") != g || rd_get(cv, i, "cause") != cause) continue;
                    if (s < c.nsteps) {
                        static const char *cols[] = {"time", "est", "var", "nrisk", "nevent"};
                        const double got[] = {c.time[s], c.est[s], c.var[s], c.nrisk[s], c.nevent[s]};
                        for (size_t j = 0; j < 5; j++) {
                            snprintf(what, sizeof what, "%s g=%g cause %d step %zu %s", wc->name, g,
                                     cause, s, cols[j]);
                            rd_check(&tally, what, got[j], rd_get(cv, i, cols[j]), RTOL, ATOL);
                        }
                    }
                    s++;
                }
                snprintf(what, sizeof what, "%s g=%g cause %d steps", wc->name, g, cause);
                rd_check(&tally, what, (double)c.nsteps, (double)s, 0, 0);
                for (size_t i = 0; i < at->nrow; i++) {
                    if (rd_get(at, i, "group") != g || rd_get(at, i, "cause") != cause) continue;
                    double tt = rd_get(at, i, "time"), e, v;
                    cif_at(&c, tt, &e, &v);
                    snprintf(what, sizeof what, "%s g=%g cause %d at %g est", wc->name, g, cause, tt);
                    rd_check(&tally, what, e, rd_get(at, i, "est"), RTOL, ATOL);
                    snprintf(what, sizeof what, "%s g=%g cause %d at %g var", wc->name, g, cause, tt);
                    rd_check(&tally, what, v, rd_get(at, i, "var"), RTOL, ATOL);
                }
                cif_free(&c);
            }
        fprintf(stderr, "  %s: %zu values compared with R, %zu differ (max rel. diff %.1e)\n",
                wc->name, tally.checked, tally.failed, tally.maxrel);
        CU_ASSERT(tally.checked > 500);
        CU_ASSERT_EQUAL(tally.failed, 0);
    }
    free(t);
    free(w);
    free(st);
    free(cl);
    rd_free(&data);
    rd_free(&wref);
}

/* Without competing events the incidence is 1 - Kaplan-Meier. */
static void test_no_competing(void)
{
    const double t[] = {1, 2, 2, 3, 4, 5, 5, 6};
    const int s[] = {1, 0, 1, 1, 0, 1, 1, 0};
    cif_curve c;
    CU_ASSERT_FATAL(cif_fit(t, s, 8, 1, &c) == CIF_OK);
    double km = 1, e, v;
    km *= 1 - 1.0 / 8; /* t = 1 */
    km *= 1 - 1.0 / 7; /* t = 2 */
    km *= 1 - 1.0 / 5; /* t = 3 */
    km *= 1 - 2.0 / 3; /* t = 5 */
    cif_at(&c, 5.5, &e, &v);
    CU_ASSERT_DOUBLE_EQUAL(e, 1 - km, 1e-12);
    CU_ASSERT_EQUAL(c.nsteps, 4);
    cif_at(&c, 7, &e, &v);
    CU_ASSERT(isnan(e));
    cif_free(&c);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("cif", setup, teardown);
    if (!s || !CU_add_test(s, "cuminc parity", test_against_r) ||
        !CU_add_test(s, "no competing risks", test_no_competing) ||
        !CU_add_test(s, "weights and clusters (survfit)", test_weights_clusters)) {
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return fails != 0;
}
