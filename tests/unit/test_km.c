/* test_km.c: the Kaplan-Meier core against R survfit / quantile.survfit /
 * summary.survfit(times =) / restricted means, with every conf.type
 * (log, log-log, plain, logit, arcsin, none) and the Nelson-Aalen cumhaz
 * and std.chaz (tests/ref/km_ref.txt, written by tests/R/survival.R); the
 * reverse Kaplan-Meier median follow-up, person-time and poisson.test's
 * crude rates (tests/ref/followup_ref.txt); case weights as survfit's
 * weights, with the Greenwood variance for whole weights and the robust
 * infinitesimal-jackknife one otherwise (tests/ref/weights_ref.txt,
 * written by tests/R/weights.R). */
#include "../../plugins/km/kmcore.h"
#include "../../plugins/km/followup.h"
#include "../../plugins/km/kmhr.h"
#include "refdata.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RTOL 1e-6
#define ATOL 1e-12

typedef struct km_case {
    const char *name;   /* section prefix in km_ref.txt */
    const char *data;   /* data file */
    const char *group;  /* group column */
    km_conf conf;
    const char *weight; /* weight column (its cases are in weights_ref.txt), or NULL */
} km_case;

static const km_case cases[] = {
    {"lung_log", "tests/ref/km_lung_data.txt", "sex", KM_CONF_LOG},
    {"lung_loglog", "tests/ref/km_lung_data.txt", "sex", KM_CONF_LOGLOG},
    {"lung_plain", "tests/ref/km_lung_data.txt", "sex", KM_CONF_PLAIN},
    {"lung_ecog", "tests/ref/km_lung_data.txt", "ecog", KM_CONF_LOG},
    {"veteran_loglog", "tests/ref/km_veteran_data.txt", "celltype", KM_CONF_LOGLOG},
    {"ovarian_log", "tests/ref/km_ovarian_data.txt", "rx", KM_CONF_LOG},
    {"mid_log", "tests/ref/km_mid_data.txt", "group", KM_CONF_LOG},
    {"mid_loglog", "tests/ref/km_mid_data.txt", "group", KM_CONF_LOGLOG},
    {"mid_plain", "tests/ref/km_mid_data.txt", "group", KM_CONF_PLAIN},
    {"mid_none", "tests/ref/km_mid_data.txt", "group", KM_CONF_NONE},
    {"jasa1_log", "tests/ref/km_jasa1_data.txt", "transplant", KM_CONF_LOG},
    {"jasa1_loglog", "tests/ref/km_jasa1_data.txt", "transplant", KM_CONF_LOGLOG},
    {"lung_logit", "tests/ref/km_lung_data.txt", "sex", KM_CONF_LOGIT},
    {"veteran_arcsin", "tests/ref/km_veteran_data.txt", "celltype", KM_CONF_ARCSIN},
    {"mid_logit", "tests/ref/km_mid_data.txt", "group", KM_CONF_LOGIT},
    {"mid_arcsin", "tests/ref/km_mid_data.txt", "group", KM_CONF_ARCSIN},
    {"jasa1_arcsin", "tests/ref/km_jasa1_data.txt", "transplant", KM_CONF_ARCSIN},
    {"km_lung_wi", "tests/ref/weights_lung_data.txt", "sex", KM_CONF_LOG, "wi"},
    {"km_lung_wr", "tests/ref/weights_lung_data.txt", "sex", KM_CONF_LOG, "wr"},
    {"km_lung_wr_loglog", "tests/ref/weights_lung_data.txt", "sex", KM_CONF_LOGLOG, "wr"},
    {"km_veteran_wr", "tests/ref/weights_veteran_data.txt", "celltype", KM_CONF_LOG, "wr"},
    {"km_jasa1_wi", "tests/ref/weights_jasa1_data.txt", "transplant", KM_CONF_LOG, "wi"},
};

static rd_file ref, wref;

static int setup(void)
{
    return rd_read("tests/ref/km_ref.txt", &ref) || rd_read("tests/ref/weights_ref.txt", &wref);
}
static int teardown(void) { rd_free(&ref); rd_free(&wref); return 0; }

static const rd_table *section(const char *caseName, const char *part)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s.%s", caseName, part);
    const rd_table *t = rd_table_get(&ref, buf);
    if (!t) t = rd_table_get(&wref, buf);
    if (!t) fprintf(stderr, "  missing section [%s]\n", buf);
    return t;
}

/* Fit the curve of group value g (rows with a missing group dropped); a
 * "start" column makes counting-process data; wcol names the case weights
 * (NULL: none), robust asks for the infinitesimal-jackknife variance. */
static int fit_group(const rd_table *d, const char *gcol, double g, km_conf conf,
                     double level, const char *wcol, int robust, km_curve *c)
{
    double *t = malloc((d->nrow + 1) * sizeof *t), *t0 = malloc((d->nrow + 1) * sizeof *t0);
    double *w = malloc((d->nrow + 1) * sizeof *w);
    int *e = malloc((d->nrow + 1) * sizeof *e);
    int counting = rd_col(d, "start") >= 0;
    size_t n = 0;
    for (size_t i = 0; i < d->nrow; i++) {
        if (rd_get(d, i, gcol) != g) continue;
        t0[n] = counting ? rd_get(d, i, "start") : 0;
        t[n] = rd_get(d, i, "time");
        w[n] = wcol ? rd_get(d, i, wcol) : 1;
        e[n++] = rd_get(d, i, "status") == 1;
    }
    int rc = km_fit(counting ? t0 : NULL, t, e, wcol ? w : NULL, n, conf, level, c);
    if (rc == 0 && robust) rc = km_var_ij(counting ? t0 : NULL, t, e, wcol ? w : NULL, NULL, 0, n, c);
    free(t);
    free(t0);
    free(w);
    free(e);
    return rc;
}

static void check_case(const km_case *kc, rd_tally *tally)
{
    rd_file data;
    CU_ASSERT_FATAL(rd_read(kc->data, &data) == 0);
    const rd_table *d = &data.tab[0];
    const rd_table *par = section(kc->name, "params"), *cv = section(kc->name, "curve"),
                   *qt = section(kc->name, "quantile"), *at = section(kc->name, "at"),
                   *sm = section(kc->name, "summary");
    CU_ASSERT_FATAL(par && cv && qt && at && sm);
    double level = rd_get(par, 0, "conf_level"), tau = rd_get(par, 0, "tau");
    int robust = rd_get(par, 0, "robust") == 1;
    char what[160];
    size_t ncurve = 0;
    for (size_t r = 0; r < sm->nrow; r++) {
        double g = rd_get(sm, r, "group");
        km_curve c;
        CU_ASSERT_FATAL(fit_group(d, kc->group, g, kc->conf, level, kc->weight, robust, &c) == 0);

        /* the curve, row by row */
        size_t k = 0;
        for (size_t i = 0; i < cv->nrow; i++) {
            if (rd_get(cv, i, "group") != g) continue;
            if (k >= c.ntimes) { k++; continue; }
            static const char *cols[] = {"time", "n.risk", "n.event", "n.censor", "surv",
                                         "std.err", "selog", "lower", "upper", "cumhaz",
                                         "std.chaz"};
            const double got[] = {c.time[k], c.nrisk[k], c.nevent[k], c.ncensor[k], c.surv[k],
                                  c.se[k], c.selog[k], c.lower[k], c.upper[k], c.cumhaz[k],
                                  c.sechaz[k]};
            for (size_t j = 0; j < sizeof cols / sizeof cols[0]; j++) {
                snprintf(what, sizeof what, "%s g=%g curve[%zu].%s", kc->name, g, k, cols[j]);
                rd_check(tally, what, got[j], rd_get(cv, i, cols[j]), RTOL, ATOL);
            }
            k++;
        }
        snprintf(what, sizeof what, "%s g=%g number of times", kc->name, g);
        rd_check(tally, what, (double)c.ntimes, (double)k, 0, 0);
        ncurve += k;

        /* quantiles and their limits */
        for (size_t i = 0; i < qt->nrow; i++) {
            if (rd_get(qt, i, "group") != g) continue;
            double p = rd_get(qt, i, "prob"), q, lo, hi;
            km_quantile(&c, &p, 1, &q, &lo, &hi);
            snprintf(what, sizeof what, "%s g=%g quantile %g", kc->name, g, p);
            rd_check(tally, what, q, rd_get(qt, i, "quantile"), RTOL, ATOL);
            snprintf(what, sizeof what, "%s g=%g quantile %g lower", kc->name, g, p);
            rd_check(tally, what, lo, rd_get(qt, i, "lower"), RTOL, ATOL);
            snprintf(what, sizeof what, "%s g=%g quantile %g upper", kc->name, g, p);
            rd_check(tally, what, hi, rd_get(qt, i, "upper"), RTOL, ATOL);
        }

        /* values at given times */
        for (size_t i = 0; i < at->nrow; i++) {
            if (rd_get(at, i, "group") != g) continue;
            double t = rd_get(at, i, "time");
            km_point pt;
            km_at(&c, t, &pt);
            static const char *cols[] = {"n.risk", "n.event", "surv", "std.err", "lower", "upper",
                                         "cumhaz", "std.chaz"};
            const double got[] = {pt.nrisk, pt.nevent, pt.surv, pt.se, pt.lower, pt.upper,
                                  pt.cumhaz, pt.sechaz};
            for (size_t j = 0; j < sizeof cols / sizeof cols[0]; j++) {
                snprintf(what, sizeof what, "%s g=%g at %g %s", kc->name, g, t, cols[j]);
                rd_check(tally, what, got[j], rd_get(at, i, cols[j]), RTOL, ATOL);
            }
        }

        /* totals and restricted mean */
        double mean, se;
        km_rmean(&c, tau, &mean, &se);
        snprintf(what, sizeof what, "%s g=%g n", kc->name, g);
        rd_check(tally, what, (double)c.n, rd_get(sm, r, "n"), 0, 0);
        snprintf(what, sizeof what, "%s g=%g events", kc->name, g);
        /* a sum of weights is compared to rounding */
        rd_check(tally, what, c.nevents, rd_get(sm, r, "events"), kc->weight ? RTOL : 0, 0);
        snprintf(what, sizeof what, "%s g=%g rmean(%g)", kc->name, g, tau);
        rd_check(tally, what, mean, rd_get(sm, r, "rmean"), RTOL, ATOL);
        snprintf(what, sizeof what, "%s g=%g se(rmean)", kc->name, g);
        rd_check(tally, what, se, rd_get(sm, r, "se_rmean"), RTOL, ATOL);
        km_free(&c);
    }
    snprintf(what, sizeof what, "%s rows of the curves", kc->name);
    rd_check(tally, what, (double)ncurve, (double)cv->nrow, 0, 0);
    rd_free(&data);
}

static void test_against_r(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rd_tally tally = {0, 0, 0};
        check_case(&cases[i], &tally);
        fprintf(stderr, "  %s: %zu values compared with R, %zu differ (max rel. diff %.1e)\n",
                cases[i].name, tally.checked, tally.failed, tally.maxrel);
        CU_ASSERT(tally.checked > 50);
        CU_ASSERT_EQUAL(tally.failed, 0);
    }
}

/* Follow-up against R for the cases that have it in followup_ref.txt. */
static void test_followup(void)
{
    rd_file fr;
    CU_ASSERT_FATAL(rd_read("tests/ref/followup_ref.txt", &fr) == 0);
    rd_tally tally = {0, 0, 0};
    size_t ncases = 0;
    char buf[160];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const km_case *kc = &cases[k];
        snprintf(buf, sizeof buf, "%s.followup", kc->name);
        const rd_table *fu = rd_table_get(&fr, buf);
        snprintf(buf, sizeof buf, "%s.params", kc->name);
        const rd_table *par = rd_table_get(&fr, buf);
        if (!fu || !par) continue;
        ncases++;
        rd_file data;
        CU_ASSERT_FATAL(rd_read(kc->data, &data) == 0);
        const rd_table *d = &data.tab[0];
        double level = rd_get(par, 0, "conf_level");
        double *t = malloc((d->nrow + 1) * sizeof *t);
        int *e = malloc((d->nrow + 1) * sizeof *e), *c = malloc((d->nrow + 1) * sizeof *c);
        for (size_t r = 0; r < fu->nrow; r++) {
            double g = rd_get(fu, r, "group");
            size_t n = 0;
            for (size_t i = 0; i < d->nrow; i++) {
                if (rd_get(d, i, kc->group) != g) continue;
                t[n] = rd_get(d, i, "time");
                e[n] = rd_get(d, i, "status") == 1;
                c[n++] = rd_get(d, i, "status") == 0;
            }
            km_fu out;
            CU_ASSERT_FATAL(km_followup(t, e, c, n, kc->conf, level, 100 * 365.25, &out) == 0);
            static const char *cols[] = {"n", "events", "person_time", "median", "lower", "upper",
                                         "rate", "rate_lower", "rate_upper"};
            const double got[] = {out.n, out.events, out.person_time, out.median, out.lower,
                                  out.upper, out.rate, out.rate_lower, out.rate_upper};
            for (size_t j = 0; j < sizeof cols / sizeof cols[0]; j++) {
                snprintf(buf, sizeof buf, "%s g=%g followup %s", kc->name, g, cols[j]);
                rd_check(&tally, buf, got[j], rd_get(fu, r, cols[j]), RTOL, ATOL);
            }
        }
        free(t);
        free(e);
        free(c);
        rd_free(&data);
    }
    fprintf(stderr, "  follow-up: %zu cases, %zu values compared with R, %zu differ (max rel. diff %.1e)\n",
            ncases, tally.checked, tally.failed, tally.maxrel);
    CU_ASSERT(ncases >= 4);
    CU_ASSERT_EQUAL(tally.failed, 0);
    rd_free(&fr);
}

/* The exact-midpoint rule, spelled out on the hand-made curves. */
static void test_midpoint_rule(void)
{
    /* S = 5/6, 4/6, 3/6 at t = 1, 2, 3, flat until t = 6 */
    const double t1[] = {1, 2, 3, 5, 6, 7};
    const int e1[] = {1, 1, 1, 0, 1, 0};
    /* S = 3/4, 1/2 at t = 2, 4; censored at 8 and 9 */
    const double t2[] = {2, 4, 8, 9};
    const int e2[] = {1, 1, 0, 0};
    const double half = 0.5;
    km_curve c;
    double q;
    CU_ASSERT_FATAL(km_fit(NULL, t1, e1, NULL, 6, KM_CONF_LOG, 0.95, &c) == 0);
    km_quantile(&c, &half, 1, &q, NULL, NULL);
    CU_ASSERT_DOUBLE_EQUAL(q, 4.5, 1e-12);
    km_free(&c);
    CU_ASSERT_FATAL(km_fit(NULL, t2, e2, NULL, 4, KM_CONF_LOG, 0.95, &c) == 0);
    km_quantile(&c, &half, 1, &q, NULL, NULL);
    CU_ASSERT_DOUBLE_EQUAL(q, 6.5, 1e-12);
    km_free(&c);
}

static void test_conf_parse(void)
{
    km_conf k;
    CU_ASSERT(km_conf_parse("log-log", &k) == 0 && k == KM_CONF_LOGLOG);
    CU_ASSERT(km_conf_parse("plain", &k) == 0 && k == KM_CONF_PLAIN);
    CU_ASSERT(km_conf_parse("logit", &k) == 0 && k == KM_CONF_LOGIT);
    CU_ASSERT(km_conf_parse("arcsin", &k) == 0 && k == KM_CONF_ARCSIN);
    CU_ASSERT_STRING_EQUAL(km_conf_name(KM_CONF_ARCSIN), "arcsin");
    CU_ASSERT_STRING_EQUAL(km_conf_name(KM_CONF_LOGLOG), "log-log");
    CU_ASSERT(km_conf_parse("arcsine", &k) != 0);
    CU_ASSERT(km_conf_parse("logistic", &k) != 0);
}

/* The hazard ratio of two groups (hr: true) against R's coxph
 * (tests/R/km_hr.R): the second level of the group column against the
 * first, right-censored and counting-process data; with clusters (rats by
 * litter, colon by patient, jasa1's intervals by patient) the robust
 * variance of coxph(... + cluster(C)). */
static void test_hr(void)
{
    static const struct { const char *name, *data, *group; int counting; const char *cluster; } hc[] = {
        {"lung", "tests/ref/km_lung_data.txt", "sex", 0, NULL},
        {"ovarian", "tests/ref/km_ovarian_data.txt", "rx", 0, NULL},
        {"veteran", "tests/ref/km_veteran_data.txt", "trt", 0, NULL},
        {"jasa1", "tests/ref/km_jasa1_data.txt", "transplant", 1, NULL},
        {"rats_litter", "tests/ref/km_rats_data.txt", "rx", 0, "litter"},
        {"colon_id", "tests/ref/km_colon_data.txt", "sex", 0, "id"},
        {"jasa1_id", "tests/ref/km_jasa1_data.txt", "transplant", 1, "id"},
    };
    rd_file hr_ref;
    CU_ASSERT_FATAL(rd_read("tests/ref/km_hr_ref.txt", &hr_ref) == 0);
    rd_tally tally = {0, 0, 0};
    char buf[160];
    for (size_t k = 0; k < sizeof hc / sizeof hc[0]; k++) {
        const rd_table *rt = rd_table_get(&hr_ref, hc[k].name);
        rd_file data;
        CU_ASSERT_FATAL(rt != NULL && rd_read(hc[k].data, &data) == 0);
        const rd_table *d = &data.tab[0];
        size_t n = d->nrow;
        double *st = malloc((n + 1) * sizeof *st), *t = malloc((n + 1) * sizeof *t), lo = INFINITY;
        int *e = malloc((n + 1) * sizeof *e), *g = malloc((n + 1) * sizeof *g);
        int *cl = malloc((n + 1) * sizeof *cl);
        CU_ASSERT_FATAL(st && t && e && g && cl);
        for (size_t i = 0; i < n; i++) lo = fmin(lo, rd_get(d, i, hc[k].group));
        for (size_t i = 0; i < n; i++) {
            st[i] = hc[k].counting ? rd_get(d, i, "start") : 0;
            t[i] = rd_get(d, i, "time");
            e[i] = rd_get(d, i, "status") == 1;
            g[i] = rd_get(d, i, hc[k].group) != lo;
        }
        /* the clusters coded 0..ncl-1 in order of first appearance */
        size_t ncl = 0;
        for (size_t i = 0; hc[k].cluster && i < n; i++) {
            double v = rd_get(d, i, hc[k].cluster);
            size_t j = 0;
            while (j < i && rd_get(d, j, hc[k].cluster) != v) j++;
            cl[i] = j < i ? cl[j] : (int)ncl++;
        }
        km_hr_result r;
        CU_ASSERT_EQUAL_FATAL(km_hr(n, hc[k].counting ? st : NULL, t, e, g, hc[k].cluster ? cl : NULL, ncl,
                                    0.95, &r), 0);
        static const char *cols[] = {"coef", "se", "hr", "lower", "upper", "p", "nevent"};
        const double got[] = {r.coef, r.se, r.hr, r.lower, r.upper, r.p, (double)r.nevent};
        for (size_t j = 0; j < sizeof cols / sizeof cols[0]; j++) {
            snprintf(buf, sizeof buf, "%s hr %s", hc[k].name, cols[j]);
            rd_check(&tally, buf, got[j], rd_get(rt, 0, cols[j]), 1e-8, 0);
        }
        /* the robust score test's p: only with clusters (NaN without) */
        if (hc[k].cluster) {
            snprintf(buf, sizeof buf, "%s hr rscore_p", hc[k].name);
            rd_check(&tally, buf, r.rscore_p, rd_get(rt, 0, "rscore_p"), 1e-8, 0);
        } else
            CU_ASSERT(isnan(r.rscore_p));
        free(st); free(t); free(e); free(g); free(cl);
        rd_free(&data);
    }
    CU_ASSERT(tally.checked == 52);
    CU_ASSERT_EQUAL(tally.failed, 0);
    fprintf(stderr, "  coxph HR of two groups: %zu values compared with R, largest relative difference %.2g\n",
            tally.checked, tally.maxrel);
    rd_free(&hr_ref);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("km", setup, teardown);
    if (!s || !CU_add_test(s, "survfit parity", test_against_r) ||
        !CU_add_test(s, "reverse Kaplan-Meier follow-up and crude rates", test_followup) ||
        !CU_add_test(s, "midpoint quantile rule", test_midpoint_rule) ||
        !CU_add_test(s, "conf_type names", test_conf_parse) ||
        !CU_add_test(s, "hazard ratio of two groups (coxph)", test_hr)) {
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return fails != 0;
}
