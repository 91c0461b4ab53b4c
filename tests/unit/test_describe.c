/* test_describe.c: the describe plugin against R -- mean, sd,
 * quantile(type = 7), range, counts and percentages of survival's lung data
 * by karno (tests/ref/describe_ref.txt, written by tests/R/table1.R) -- on
 * the summary core and through the plugin's run() with a recording host. */
#include "mockhost.h"
#include "../../plugins/describe/summary.h"
#include "../../plugins/common/pcommon.h"
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

static rd_file ref, data;

static int setup(void)
{
    if (rd_read("tests/ref/describe_ref.txt", &ref) != 0) return -1;
    return rd_read("tests/ref/describe_lung_data.txt", &data);
}

static int teardown(void)
{
    rd_free(&ref);
    rd_free(&data);
    return 0;
}

static const rd_table *lung(void)
{
    const rd_table *d = rd_table_get(&data, "");
    CU_ASSERT_FATAL(d != NULL && rd_col(d, "grp") == 0);
    return d;
}

static double cell(const rd_table *d, size_t r, size_t c) { return d->v[r * d->ncol + c]; }

/* The summary core on every variable and group of [numeric]. */
static void test_summary(void)
{
    const rd_table *t = rd_table_get(&ref, "numeric"), *d = lung();
    CU_ASSERT_FATAL(t != NULL);
    rd_tally tl = {0};
    double *x = malloc(d->nrow * sizeof *x);
    char what[64];
    for (size_t r = 0; r < t->nrow; r++) {
        size_t v = (size_t)rd_get(t, r, "var");
        double g = rd_get(t, r, "group");
        size_t n = 0, miss = 0;
        for (size_t i = 0; i < d->nrow; i++) {
            if (g != 0 && cell(d, i, 0) != g) continue;
            double xv = cell(d, i, v);
            if (isnan(xv)) miss++;
            else x[n++] = xv;
        }
        ds_numeric s;
        CU_ASSERT_EQUAL_FATAL(ds_numeric_summary(x, n, &s), 0);
        snprintf(what, sizeof what, "%s group %g", d->cols[v], g);
        CU_ASSERT_EQUAL(s.n, (size_t)rd_get(t, r, "n"));
        CU_ASSERT_EQUAL(miss, (size_t)rd_get(t, r, "missing"));
        rd_check(&tl, what, s.mean, rd_get(t, r, "mean"), RTOL, ATOL);
        rd_check(&tl, what, s.sd, rd_get(t, r, "sd"), RTOL, ATOL);
        rd_check(&tl, what, s.median, rd_get(t, r, "median"), RTOL, ATOL);
        rd_check(&tl, what, s.q1, rd_get(t, r, "q1"), RTOL, ATOL);
        rd_check(&tl, what, s.q3, rd_get(t, r, "q3"), RTOL, ATOL);
        rd_check(&tl, what, s.min, rd_get(t, r, "min"), RTOL, ATOL);
        rd_check(&tl, what, s.max, rd_get(t, r, "max"), RTOL, ATOL);
    }
    free(x);
    fprintf(stderr, "\n  summary: %zu values, max rel diff %.2g ", tl.checked, tl.maxrel);
    CU_ASSERT_EQUAL(tl.failed, 0);
    CU_ASSERT(t->nrow >= 15);
}

/* Quantiles as R's type 7 on small cases worked by hand. */
static void test_quantile(void)
{
    double a[] = {1, 2, 3, 4};
    CU_ASSERT_DOUBLE_EQUAL(ds_quantile7(a, 4, 0.25), 1.75, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(ds_quantile7(a, 4, 0.5), 2.5, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(ds_quantile7(a, 4, 0.75), 3.25, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(ds_quantile7(a, 4, 1), 4, 0);
    double b[] = {7};
    CU_ASSERT_DOUBLE_EQUAL(ds_quantile7(b, 1, 0.3), 7, 0);
    CU_ASSERT(isnan(ds_quantile7(b, 0, 0.5)));
    CU_ASSERT(isnan(ds_sd(b, 1)));
    ds_numeric s;
    CU_ASSERT_EQUAL(ds_numeric_summary(b, 0, &s), 0);
    CU_ASSERT(s.n == 0 && isnan(s.mean) && isnan(s.median));
    /* the input is not reordered */
    double c[] = {3, 1, 2};
    CU_ASSERT_EQUAL(ds_numeric_summary(c, 3, &s), 0);
    CU_ASSERT(c[0] == 3 && c[1] == 1 && c[2] == 2);
    CU_ASSERT_DOUBLE_EQUAL(s.median, 2, 0);
}

/* ---- the plugin through a recording host ------------------------------ */

const cohort_plugin *cohort_plugin_entry(void);

static const char *mock_cell(const mock_table *t, size_t r, const char *col)
{
    int c = mock_colidx(t, col);
    CU_ASSERT_FATAL(c >= 0 && r < t->nrow);
    return t->text[r * MAXCOL + (size_t)c];
}

static double mock_numcell(const mock_table *t, size_t r, const char *col)
{
    int c = mock_colidx(t, col);
    CU_ASSERT_FATAL(c >= 0 && r < t->nrow);
    return t->num[r * MAXCOL + (size_t)c];
}

/* Row of table t with text columns c1 == v1 and c2 == v2 (and c3 == v3 if
 * given), or -1. */
static long mock_find(const mock_table *t, const char *c1, const char *v1, const char *c2,
                      const char *v2, const char *c3, const char *v3)
{
    for (size_t r = 0; r < t->nrow; r++) {
        const char *a = mock_cell(t, r, c1), *b = mock_cell(t, r, c2);
        const char *c = c3 ? mock_cell(t, r, c3) : NULL;
        if (a && b && !strcmp(a, v1) && !strcmp(b, v2) && (!c3 || (c && !strcmp(c, v3))))
            return (long)r;
    }
    return -1;
}

typedef struct vecbuf {
    cohort_vec vec;
    double *num;
    unsigned char *miss;
    char **text;
    char (*store)[16];
} vecbuf;

/* Column name of the data as a vector of type `type` (TEXT: the numbers as
 * "%g"); scale multiplies numbers (durations). */
static void vec_make(vecbuf *b, const rd_table *d, const char *name, int type, double scale)
{
    int c = rd_col(d, name);
    CU_ASSERT_FATAL(c >= 0);
    memset(b, 0, sizeof *b);
    b->num = malloc(d->nrow * sizeof *b->num);
    b->miss = malloc(d->nrow);
    if (type == COHORT_TYPE_TEXT) {
        b->text = malloc(d->nrow * sizeof *b->text);
        b->store = malloc(d->nrow * sizeof *b->store);
    }
    for (size_t r = 0; r < d->nrow; r++) {
        double x = cell(d, r, (size_t)c);
        b->miss[r] = isnan(x);
        b->num[r] = isnan(x) ? 0 : x * scale;
        if (b->text) {
            snprintf(b->store[r], sizeof b->store[r], "%g", isnan(x) ? 0 : x);
            b->text[r] = b->store[r];
        }
    }
    b->vec.name = name;
    b->vec.type = type;
    b->vec.n = d->nrow;
    b->vec.num = type == COHORT_TYPE_TEXT ? NULL : b->num;
    b->vec.text = (const char *const *)b->text;
    b->vec.missing = b->miss;
}

static void vec_free(vecbuf *b)
{
    free(b->num);
    free(b->miss);
    free(b->text);
    free(b->store);
}

static void test_plugin(void)
{
    const rd_table *d = lung(), *num = rd_table_get(&ref, "numeric"),
                   *cnt = rd_table_get(&ref, "counts");
    vecbuf by, age, wt, ecog, inst, dur;
    vec_make(&by, d, "grp", COHORT_TYPE_INT, 1);
    vec_make(&age, d, "age", COHORT_TYPE_INT, 1);
    vec_make(&wt, d, "wt_loss", COHORT_TYPE_REAL, 1);
    vec_make(&ecog, d, "ph_ecog", COHORT_TYPE_TEXT, 1);
    vec_make(&inst, d, "inst", COHORT_TYPE_TEXT, 1);
    /* meal_cal as a duration in days of 1/10 "unit": shown in units */
    vec_make(&dur, d, "meal_cal", COHORT_TYPE_DURATION, 10);
    cohort_vec vecs[] = {age.vec, wt.vec, ecog.vec, inst.vec, dur.vec};
    cohort_arg args[2];
    memset(args, 0, sizeof args);
    args[0].name = "vars";
    args[0].kind = COHORT_ARG_COLUMNS;
    args[0].columns.n = 5;
    args[0].columns.vecs = vecs;
    args[1].name = "by";
    args[1].kind = COHORT_ARG_COLUMN;
    args[1].vec = by.vec;
    mock m;
    memset(&m, 0, sizeof m);
    cohort_call call = {&m, "describe", "test.rules:1", d->nrow, NULL, 0, 2, args, 10, "tens"};
    const cohort_plugin *p = cohort_plugin_entry();
    CU_ASSERT_FATAL(p && p->magic == COHORT_PLUGIN_MAGIC && p->nestimators == 1);
    CU_ASSERT_STRING_EQUAL(p->estimators[0].name, "describe");
    CU_ASSERT_EQUAL_FATAL(p->estimators[0].run(&mock_host, &call), 0);
    CU_ASSERT(m.nmsgs == 0);
    mock_table *t = mock_get(&m, "describe"), *st = mock_get(&m, "stats");
    CU_ASSERT_FATAL(t != NULL && st != NULL);
    CU_ASSERT(st->detail && !t->detail);
    rd_tally tl = {0};
    char what[96], gl[16];
    /* every number of [numeric] in the stats table */
    static const char *const stat[] = {"n", "missing", "mean", "sd", "median", "q1", "q3", "min", "max"};
    size_t nchecked = 0;
    for (size_t r = 0; r < num->nrow; r++) {
        const char *var = d->cols[(size_t)rd_get(num, r, "var")];
        double g = rd_get(num, r, "group");
        if (g == 0) snprintf(gl, sizeof gl, "overall");
        else snprintf(gl, sizeof gl, "%g", g);
        if (strcmp(var, "age") && strcmp(var, "wt_loss") && strcmp(var, "meal_cal")) continue;
        long row = mock_find(st, "variable", var, "grp", gl, NULL, NULL);
        CU_ASSERT_FATAL(row >= 0);
        for (size_t k = 0; k < sizeof stat / sizeof stat[0]; k++) {
            snprintf(what, sizeof what, "%s %s %s", var, gl, stat[k]);
            rd_check(&tl, what, mock_numcell(st, (size_t)row, stat[k]), rd_get(num, r, stat[k]),
                     RTOL, ATOL);
        }
        nchecked++;
    }
    CU_ASSERT_EQUAL(nchecked, 9);
    /* counts and percentages of the text variables */
    nchecked = 0;
    for (size_t r = 0; r < cnt->nrow; r++) {
        const char *var = d->cols[(size_t)rd_get(cnt, r, "var")];
        double g = rd_get(cnt, r, "group");
        char lev[16];
        if (g == 0) snprintf(gl, sizeof gl, "overall");
        else snprintf(gl, sizeof gl, "%g", g);
        snprintf(lev, sizeof lev, "%g", rd_get(cnt, r, "level"));
        long row = mock_find(st, "variable", var, "grp", gl, "level", lev);
        double want = rd_get(cnt, r, "count");
        if (want == 0 && g != 0) {
            /* a level seen in the other group: count 0 */
            CU_ASSERT(row < 0 || mock_numcell(st, (size_t)row, "count") == 0);
            continue;
        }
        CU_ASSERT_FATAL(row >= 0);
        snprintf(what, sizeof what, "%s %s level %s", var, gl, lev);
        rd_check(&tl, what, mock_numcell(st, (size_t)row, "count"), want, 0, 0);
        rd_check(&tl, what, mock_numcell(st, (size_t)row, "percent"), rd_get(cnt, r, "pct"), RTOL, ATOL);
        rd_check(&tl, what, mock_numcell(st, (size_t)row, "missing"), rd_get(cnt, r, "missing"), 0, 0);
        nchecked++;
    }
    CU_ASSERT(nchecked > 40);
    fprintf(stderr, "\n  plugin: %zu values, max rel diff %.2g ", tl.checked, tl.maxrel);
    CU_ASSERT_EQUAL(tl.failed, 0);
    /* display cells */
    long r = mock_find(t, "variable", "age", "statistic", "mean (SD)", NULL, NULL);
    CU_ASSERT_FATAL(r >= 0);
    CU_ASSERT_STRING_EQUAL(mock_cell(t, (size_t)r, "overall"), "62.4 (9.1)");
    r = mock_find(t, "variable", "age", "statistic", "median [IQR]", NULL, NULL);
    CU_ASSERT_STRING_EQUAL(mock_cell(t, (size_t)r, "overall"), "63.0 [56.0, 69.0]");
    r = mock_find(t, "variable", "age", "statistic", "range", NULL, NULL);
    CU_ASSERT_STRING_EQUAL(mock_cell(t, (size_t)r, "overall"), "39.0 to 82.0");
    r = mock_find(t, "variable", "ph_ecog", "statistic", "1, n (%)", NULL, NULL);
    CU_ASSERT_STRING_EQUAL(mock_cell(t, (size_t)r, "overall"), "113 (49.8%)");
    r = mock_find(t, "variable", "ph_ecog", "statistic", "missing", NULL, NULL);
    CU_ASSERT_STRING_EQUAL(mock_cell(t, (size_t)r, "overall"), "1");
    CU_ASSERT(mock_find(t, "variable", "meal_cal (tens)", "statistic", "mean (SD)", NULL, NULL) >= 0);
    CU_ASSERT(mock_colidx(t, "grp = 1") >= 0 && mock_colidx(t, "grp = 2") >= 0);
    mock_free(&m);

    /* small cells hidden; no by: a single column; rows with by missing */
    m.min_cell = 5;
    call.nargs = 1;
    CU_ASSERT_EQUAL_FATAL(p->estimators[0].run(&mock_host, &call), 0);
    t = mock_get(&m, "describe");
    CU_ASSERT(mock_colidx(t, "all") >= 0 && mock_colidx(t, "overall") < 0);
    r = mock_find(t, "variable", "ph_ecog", "statistic", "3, n (%)", NULL, NULL);
    CU_ASSERT_STRING_EQUAL(mock_cell(t, (size_t)r, "all"), "<5");
    r = mock_find(t, "variable", "ph_ecog", "statistic", "missing", NULL, NULL);
    CU_ASSERT_STRING_EQUAL(mock_cell(t, (size_t)r, "all"), "<5");
    mock_free(&m);
    m.min_cell = 0;
    call.nargs = 2;
    by.miss[3] = 1;
    CU_ASSERT_EQUAL_FATAL(p->estimators[0].run(&mock_host, &call), 0);
    CU_ASSERT(m.nmsgs == 1 && strstr(m.msgs[0], "W: 1 of 228 rows dropped: grp is missing"));
    mock_free(&m);
    vec_free(&by);
    vec_free(&age);
    vec_free(&wt);
    vec_free(&ecog);
    vec_free(&inst);
    vec_free(&dur);
}

/* Do two recorded tables hold the same cells (texts, and numbers to the bit)? */
static int same_table(const mock_table *a, const mock_table *b)
{
    if (!a || !b || a->ncol != b->ncol || a->nrow != b->nrow) return 0;
    for (size_t k = 0; k < a->nrow * MAXCOL; k++) {
        if (memcmp(&a->num[k], &b->num[k], sizeof a->num[k]) != 0) return 0;
        if (!a->text[k] != !b->text[k] || (a->text[k] && strcmp(a->text[k], b->text[k]))) return 0;
    }
    return 1;
}

/* The lung data's variables of every kind describe takes, for the tests
 * of tasks and of kept summaries: vars (age, wt_loss, ph_ecog as text,
 * old = age > 65 as a boolean, meal_cal as a duration, ph_karno as a
 * boolean holding other values) and by (grp); nold: old's true count. */
typedef struct lung_vars {
    vecbuf by, age, wt, ecog, dur, karno, old;
    cohort_vec vecs[6];
    cohort_arg args[2];
    size_t nold;
} lung_vars;

static void lung_vars_make(lung_vars *v, const rd_table *d)
{
    vec_make(&v->by, d, "grp", COHORT_TYPE_INT, 1);
    vec_make(&v->age, d, "age", COHORT_TYPE_INT, 1);
    vec_make(&v->wt, d, "wt_loss", COHORT_TYPE_REAL, 1);
    vec_make(&v->ecog, d, "ph_ecog", COHORT_TYPE_TEXT, 1);
    vec_make(&v->dur, d, "meal_cal", COHORT_TYPE_DURATION, 10);
    vec_make(&v->karno, d, "ph_karno", COHORT_TYPE_BOOL, 1);
    vec_make(&v->old, d, "age", COHORT_TYPE_BOOL, 1);
    v->old.vec.name = "old";
    v->nold = 0;
    for (size_t r = 0; r < d->nrow; r++) {
        v->old.num[r] = v->age.num[r] > 65;
        v->nold += !v->old.miss[r] && v->old.num[r] == 1;
    }
    const cohort_vec vecs[] = {v->age.vec, v->wt.vec, v->ecog.vec, v->old.vec, v->dur.vec, v->karno.vec};
    memcpy(v->vecs, vecs, sizeof vecs);
    memset(v->args, 0, sizeof v->args);
    v->args[0].name = "vars";
    v->args[0].kind = COHORT_ARG_COLUMNS;
    v->args[0].columns.n = sizeof vecs / sizeof vecs[0];
    v->args[0].columns.vecs = v->vecs;
    v->args[1].name = "by";
    v->args[1].kind = COHORT_ARG_COLUMN;
    v->args[1].vec = v->by.vec;
}

static void lung_vars_free(lung_vars *v)
{
    vecbuf *b[] = {&v->by, &v->age, &v->wt, &v->ecog, &v->dur, &v->karno, &v->old};
    for (size_t k = 0; k < sizeof b / sizeof *b; k++) vec_free(b[k]);
}

/* run_tasks (ABI 1.6): the summaries taken in tasks (the mock runs them in
 * reverse order as two workers) are those taken in turn by a host table
 * without the member, or one of ABI 1.5's size, cell for cell -- with and
 * without by, numbers, durations, text, a boolean and a boolean column
 * holding other values (ph_karno: 50 to 100, coded per row).  The true count
 * of the boolean "old" (age > 65) is the ages above 65 counted here. */
static void test_tasks(void)
{
    const rd_table *d = lung();
    lung_vars lv;
    lung_vars_make(&lv, d);
    cohort_arg *args = lv.args;
    size_t nold = lv.nold;
    cohort_host serial = mock_host, abi15 = mock_host;
    serial.run_tasks = NULL;
    abi15.size = offsetof(cohort_host, run_tasks);
    const cohort_estimator *e = &cohort_plugin_entry()->estimators[0];
    for (size_t nargs = 1; nargs <= 2; nargs++) {
        mock m[3];
        memset(m, 0, sizeof m);
        const cohort_host *hosts[3] = {&mock_host, &serial, &abi15};
        for (size_t h = 0; h < 3; h++) {
            cohort_call call = {&m[h], "describe", "test.rules:4", d->nrow, NULL, 0, nargs, args, 10, "tens"};
            CU_ASSERT_EQUAL_FATAL(e->run(hosts[h], &call), 0);
            CU_ASSERT(m[h].nmsgs == 0);
        }
        for (size_t h = 1; h < 3; h++) {
            CU_ASSERT(same_table(mock_get(&m[0], "describe"), mock_get(&m[h], "describe")));
            CU_ASSERT(same_table(mock_get(&m[0], "stats"), mock_get(&m[h], "stats")));
        }
        mock_table *st = mock_get(&m[0], "stats");
        long r = mock_find(st, "variable", "old", nargs == 2 ? "grp" : "group", nargs == 2 ? "overall" : "all",
                           "level", "true");
        CU_ASSERT_FATAL(r >= 0);
        CU_ASSERT_EQUAL(mock_numcell(st, (size_t)r, "count"), (double)nold);
        CU_ASSERT(nold > 50 && nold < d->nrow - 50);
        for (size_t h = 0; h < 3; h++) mock_free(&m[h]);
    }
    lung_vars_free(&lv);
}

/* memo_get/memo_put (after ABI 1.6): a run given the results a first run
 * kept (the mock stores them by column and `what`) takes every number's
 * summaries and every boolean's counts from them -- age, wt_loss, meal_cal
 * and old; not the texts, nor ph_karno, a boolean holding other values --
 * and writes the same cells, to the bit, as a run without them, with and
 * without by; a kept summary is what the tables show (a mean changed in
 * the store shows), and a host without the members summarises as before. */
static void test_memo(void)
{
    const rd_table *d = lung();
    lung_vars lv;
    lung_vars_make(&lv, d);
    cohort_arg *args = lv.args;
    const cohort_vec *vecs = lv.vecs;
    cohort_host plain = mock_host;
    plain.size = offsetof(cohort_host, memo_get);
    const cohort_estimator *e = &cohort_plugin_entry()->estimators[0];
    for (size_t nargs = 1; nargs <= 2; nargs++) {
        mock_memos store;
        memset(&store, 0, sizeof store);
        mock m[4];
        memset(m, 0, sizeof m);
        m[1].memos = m[2].memos = m[3].memos = &store;
        const cohort_host *hosts[4] = {&plain, &mock_host, &mock_host, &mock_host};
        for (size_t h = 0; h < 4; h++) {
            if (h == 3) {
                /* age's kept summaries: the mean of its first cell changed */
                mock_memo *x = NULL;
                for (size_t i = 0; i < store.n; i++)
                    if (store.m[i].vecs[0] == &vecs[0]) x = &store.m[i];
                CU_ASSERT_FATAL(x != NULL && x->size >= 2 * sizeof(uint64_t) + sizeof(ds_numeric));
                double mean = 1234.5;
                memcpy(x->buf + 2 * sizeof(uint64_t) + offsetof(ds_numeric, mean), &mean, sizeof mean);
            }
            cohort_call call = {&m[h], "describe", "test.rules:4", d->nrow, NULL, 0, nargs, args, 10, "tens"};
            CU_ASSERT_EQUAL_FATAL(e->run(hosts[h], &call), 0);
            CU_ASSERT(m[h].nmsgs == 0);
            if (h == 1) CU_ASSERT(store.puts == 4 && store.hits == 0 && store.n == 4);
            if (h == 2) CU_ASSERT(store.hits == 4 && store.puts == 4);
        }
        for (size_t h = 1; h < 3; h++) {
            CU_ASSERT(same_table(mock_get(&m[0], "describe"), mock_get(&m[h], "describe")));
            CU_ASSERT(same_table(mock_get(&m[0], "stats"), mock_get(&m[h], "stats")));
        }
        mock_table *st = mock_get(&m[3], "stats");
        long r = mock_find(st, "variable", "age", nargs == 2 ? "grp" : "group", nargs == 2 ? "1" : "all",
                           NULL, NULL);
        CU_ASSERT_FATAL(r >= 0);
        CU_ASSERT_EQUAL(mock_numcell(st, (size_t)r, "mean"), 1234.5);
        CU_ASSERT(!same_table(mock_get(&m[0], "stats"), st));
        for (size_t h = 0; h < 4; h++) mock_free(&m[h]);
        mock_memos_free(&store);
    }
    lung_vars_free(&lv);
}

/* fetch (ABI 1.7): describe given its columns without values fetches by's
 * and those of the variables it summarises; a second run, given the
 * summaries the first kept, never fetches (never reads: their values are
 * NULL) the numbers' -- age, wt_loss, meal_cal -- nor, without by, the
 * boolean old's (with by its counts per group are taken from its values),
 * and writes the same cells, to the bit, as a run given every value. */
static void test_fetch(void)
{
    const rd_table *d = lung();
    lung_vars lv;
    lung_vars_make(&lv, d);
    cohort_arg *args = lv.args;
    const cohort_estimator *e = &cohort_plugin_entry()->estimators[0];
    for (size_t nargs = 1; nargs <= 2; nargs++) {
        mock_memos store;
        memset(&store, 0, sizeof store);
        mock m[3];
        memset(m, 0, sizeof m);
        m[1].memos = m[2].memos = &store;
        mock_lazy lazy[3];
        memset(lazy, 0, sizeof lazy);
        for (size_t h = 0; h < 3; h++) {
            if (h > 0) {
                /* every column without values, until fetched */
                for (size_t j = 0; j < args[0].columns.n; j++) mock_lazy_add(&lazy[h], &lv.vecs[j]);
                if (nargs == 2) mock_lazy_add(&lazy[h], &args[1].vec);
                m[h].lazy = &lazy[h];
            }
            cohort_call call = {&m[h], "describe", "test.rules:4", d->nrow, NULL, 0, nargs, args, 10, "tens"};
            CU_ASSERT_EQUAL_FATAL(e->run(&mock_host, &call), 0);
            CU_ASSERT(m[h].nmsgs == 0);
            /* the values back, for the next run to take away again */
            for (size_t k = 0; k < lazy[h].n; k++) *lazy[h].vecs[k] = lazy[h].full[k];
        }
        /* first: all 6 (and by, in a call of its own); then 2 of 6 without
         * by (ph_ecog, ph_karno), 3 of 6 with it (and old) */
        CU_ASSERT_EQUAL(lazy[1].fetched, nargs == 2 ? 7u : 6u);
        CU_ASSERT_EQUAL(lazy[1].calls, nargs == 2 ? 2u : 1u);
        CU_ASSERT_EQUAL(lazy[2].fetched, nargs == 2 ? 4u : 2u);
        CU_ASSERT_EQUAL(store.hits, 4u);
        for (size_t h = 1; h < 3; h++) {
            CU_ASSERT(same_table(mock_get(&m[0], "describe"), mock_get(&m[h], "describe")));
            CU_ASSERT(same_table(mock_get(&m[0], "stats"), mock_get(&m[h], "stats")));
        }
        for (size_t h = 0; h < 3; h++) mock_free(&m[h]);
        mock_memos_free(&store);
    }
    lung_vars_free(&lv);
}

/* Dates: median [IQR] and range as dates. */
static void test_dates(void)
{
    double days[] = {0, 31, 59, 365, 18262}; /* 1970-01-01 .. 2020-01-01 */
    unsigned char miss[] = {0, 0, 0, 0, 0};
    cohort_vec v = {"seen", COHORT_TYPE_DATE, 5, days, NULL, miss};
    cohort_arg a;
    memset(&a, 0, sizeof a);
    a.name = "vars";
    a.kind = COHORT_ARG_COLUMNS;
    a.columns.n = 1;
    a.columns.vecs = &v;
    mock m;
    memset(&m, 0, sizeof m);
    cohort_call call = {&m, "describe", "test.rules:2", 5, NULL, 0, 1, &a, 30.4375, "months"};
    CU_ASSERT_EQUAL_FATAL(cohort_plugin_entry()->estimators[0].run(&mock_host, &call), 0);
    mock_table *t = mock_get(&m, "describe");
    long r = mock_find(t, "variable", "seen", "statistic", "median [IQR]", NULL, NULL);
    CU_ASSERT_FATAL(r >= 0);
    CU_ASSERT_STRING_EQUAL(mock_cell(t, (size_t)r, "all"), "1970-03-01 [1970-02-01, 1971-01-01]");
    r = mock_find(t, "variable", "seen", "statistic", "range", NULL, NULL);
    CU_ASSERT_STRING_EQUAL(mock_cell(t, (size_t)r, "all"), "1970-01-01 to 2020-01-01");
    mock_free(&m);
}

/* Booleans without by (their trues and missing values counted, no code
 * per row): counts by hand.  flag: 4 true, 3 false, 2 missing; only:
 * 2 true, 1 missing and no false row (a level never seen is not shown). */
static void test_bools(void)
{
    double flag[] = {1, 0, 1, 1, 0, 0, 1, 0, 1};
    unsigned char fmiss[] = {0, 0, 0, 0, 0, 1, 0, 0, 1};
    double only[] = {1, 1, 0, 1, 1, 1, 1, 1, 1};
    unsigned char omiss[] = {1, 1, 1, 1, 1, 1, 0, 1, 0};
    cohort_vec v[2] = {{"flag", COHORT_TYPE_BOOL, 9, flag, NULL, fmiss},
                       {"only", COHORT_TYPE_BOOL, 9, only, NULL, omiss}};
    cohort_arg a;
    memset(&a, 0, sizeof a);
    a.name = "vars";
    a.kind = COHORT_ARG_COLUMNS;
    a.columns.n = 2;
    a.columns.vecs = v;
    mock m;
    memset(&m, 0, sizeof m);
    cohort_call call = {&m, "describe", "test.rules:3", 9, NULL, 0, 1, &a, 1, NULL};
    CU_ASSERT_EQUAL_FATAL(cohort_plugin_entry()->estimators[0].run(&mock_host, &call), 0);
    mock_table *t = mock_get(&m, "describe");
    const char *want[][3] = {{"flag", "n", "7"}, {"flag", "missing", "2"},
                             {"flag", "false, n (%)", "3 (42.9%)"}, {"flag", "true, n (%)", "4 (57.1%)"},
                             {"only", "n", "2"}, {"only", "missing", "7"},
                             {"only", "true, n (%)", "2 (100.0%)"}};
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        long r = mock_find(t, "variable", want[k][0], "statistic", want[k][1], NULL, NULL);
        CU_ASSERT_FATAL(r >= 0);
        CU_ASSERT_STRING_EQUAL(mock_cell(t, (size_t)r, "all"), want[k][2]);
    }
    CU_ASSERT(mock_find(t, "variable", "only", "statistic", "false, n (%)", NULL, NULL) < 0);
    mock_free(&m);
}

/* The radix sort against qsort on values with negatives, -0, duplicates,
 * subnormals and infinities, at sizes on both sides of its qsort cut-off;
 * merging sorted runs gives the sorted whole. */
static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The next value of a linear congruential generator (as in rand()) */
static unsigned lcg(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed;
}

/* ds_count01 with and without AVX-512 against counting by hand: +0, -0,
 * 1, missing rows (whatever their value), at sizes on both sides of the
 * vectors' blocks of 64; another known value (2, NaN, 1 + 2^-52) is
 * reported wherever it is, also among missing rows' values (not). */
static void test_count01(void)
{
    size_t sizes[] = {0, 1, 63, 64, 65, 127, 128, 1000, 4099};
    unsigned seed = 5;
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        size_t n = sizes[z], want[3] = {0, 0, 0};
        double *num = malloc((n + 1) * sizeof *num);
        unsigned char *miss = malloc(n + 1);
        CU_ASSERT_FATAL(num && miss);
        for (size_t i = 0; i < n; i++) {
            unsigned r = lcg(&seed) >> 8;
            miss[i] = r % 7 == 0 ? (unsigned char)(1 + r % 5) : 0;
            num[i] = r & 16 ? 1.0 : r & 32 ? -0.0 : 0.0;
            if (miss[i] && r & 64) num[i] = NAN;   /* a missing row's value is not looked at */
            want[miss[i] ? 2 : num[i] == 1] += 1;
        }
        for (int simd = 0; simd < 2; simd++) {
            size_t got[3];
            CU_ASSERT_EQUAL(ds_count01(num, miss, n, got, simd), 0);
            CU_ASSERT(got[0] == want[0] && got[1] == want[1] && got[2] == want[2]);
        }
        const double odd[] = {2.0, NAN, 1.0 + 0x1p-52, -1.0};
        for (size_t at = 0; n > 0 && at < n; at += n / 3 + 1)
            for (int o = 0; o < 4; o++) {
                double keep = num[at];
                unsigned char mk = miss[at];
                num[at] = odd[o];
                miss[at] = 0;
                for (int simd = 0; simd < 2; simd++) {
                    size_t got[3];
                    CU_ASSERT_EQUAL(ds_count01(num, miss, n, got, simd), 1);
                }
                num[at] = keep;
                miss[at] = mk;
            }
        free(num);
        free(miss);
    }
}

static void test_sort(void)
{
    static const double special[] = {0.0, -0.0, 1e-310, -1e-310, INFINITY, -INFINITY, 1e300, -1e300,
                                     3.5, -3.5, 1, 1, 2};
    size_t sizes[] = {0, 1, 2, 13, 511, 512, 5000, 100003};
    unsigned seed = 12345;
    for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
        size_t n = sizes[z];
        double *x = malloc((n + 1) * sizeof *x), *y = malloc((n + 1) * sizeof *y);
        CU_ASSERT_FATAL(x && y);
        for (size_t i = 0; i < n; i++) {
            lcg(&seed);
            if (i % 7 == 0) x[i] = special[(seed >> 8) % (sizeof special / sizeof special[0])];
            else if (i % 3 == 0) x[i] = (double)((int)(seed >> 16) % 50 - 25);   /* many ties */
            else x[i] = ((double)(seed >> 1) / 1e6 - 1000) * ((seed & 1) ? 1e-3 : 1e5);
        }
        memcpy(y, x, n * sizeof *y);
        ds_sort(x, n);
        qsort(y, n, sizeof *y, cmp_dbl);
        int same = 1;
        for (size_t i = 0; i < n; i++) same &= x[i] == y[i];
        CU_ASSERT(same);
        /* the same values cut into 4 runs, each sorted, then merged */
        if (n >= 4) {
            size_t off[5] = {0, n / 5, n / 2, n / 2 + 1, n};
            memcpy(x, y, n * sizeof *x);
            seed = 99;
            for (size_t i = n; i > 1; i--) {   /* shuffle, then sort each run */
                seed = seed * 1103515245u + 12345u;
                size_t j = (seed >> 4) % i;
                double t = x[i - 1]; x[i - 1] = x[j]; x[j] = t;
            }
            for (size_t k = 0; k < 4; k++) ds_sort(x + off[k], off[k + 1] - off[k]);
            CU_ASSERT_EQUAL(ds_merge_runs(x, off, 4), 0);
            same = 1;
            for (size_t i = 0; i < n; i++) same &= x[i] == y[i];
            CU_ASSERT(same);
        }
        free(x);
        free(y);
    }
}

/* ds_summary_select on x[0..n-1] against the sorted values (ds_sort,
 * ds_summary_sorted, whose mean and SD are ds_mean's and sd_about's):
 * returns its result (0, or 1 when it sorted), or -1 when a bit of a
 * statistic differs or x no longer holds the same values. */
static int select_vs_sort(double *x, size_t n)
{
    double *y = malloc((n + 1) * sizeof *y), *s = malloc((n + 1) * sizeof *s);
    CU_ASSERT_FATAL(y && s);
    memcpy(y, x, n * sizeof *y);
    ds_numeric a, b;
    int rc = ds_summary_select(x, n, &a);
    memcpy(s, y, n * sizeof *s);
    ds_sort(s, n);
    ds_summary_sorted(y, s, n, &b);
    double ga[7] = {a.mean, a.sd, a.min, a.q1, a.median, a.q3, a.max};
    double gb[7] = {b.mean, b.sd, b.min, b.q1, b.median, b.q3, b.max};
    int same = a.n == b.n;
    for (int k = 0; k < 7; k++)
        same &= (isnan(ga[k]) && isnan(gb[k])) || memcmp(&ga[k], &gb[k], sizeof ga[k]) == 0;
    /* x holds the same values, reordered */
    qsort(x, n, sizeof *x, cmp_dbl);
    qsort(s, n, sizeof *s, cmp_dbl);
    for (size_t i = 0; i < n; i++) same &= x[i] == s[i];
    free(s);
    free(y);
    return same ? rc : -1;
}

/* Quantiles by selection (ds_summary_select) against the sorted values
 * (ds_sort, ds_summary_sorted): the same bits on random data with many
 * ties, few distinct values (a status column), sorted and reversed input,
 * and with a negative zero (then sorted: returns 1) or a NaN; from 4096
 * values on the selection goes by buckets of the top 16 bits: distinct
 * values all in one bucket, both signs with infinities and magnitudes
 * from 1e-300 to 1e300, two values far apart (buckets of one value). */
static void test_select(void)
{
    size_t sizes[] = {0, 1, 2, 3, 4, 5, 13, 100, 511, 4096, 100003};
    unsigned seed = 777;
    for (int shape = 0; shape < 9; shape++)
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            size_t n = sizes[z];
            double *x = malloc((n + 1) * sizeof *x);
            CU_ASSERT_FATAL(x != NULL);
            for (size_t i = 0; i < n; i++) {
                unsigned r = lcg(&seed);
                switch (shape) {
                case 0: x[i] = (double)(r >> 8) / 7.0; break;                  /* distinct */
                case 1: x[i] = (double)((r >> 16) % 3); break;                 /* 0, 1, 2 */
                case 2: x[i] = (double)((r >> 16) % 50) * 0.5 + 15; break;    /* ties */
                case 3: x[i] = (double)i; break;                                  /* sorted */
                case 4: x[i] = (double)(n - i) * 1e-3; break;                     /* reversed */
                case 6: x[i] = 1024 + (double)(r >> 8) * 1e-9; break;            /* one bucket */
                case 7:                                                           /* wide, signed */
                    x[i] = r % 97 == 0 ? (r & 1 ? INFINITY : -INFINITY)
                                       : ((r & 1) ? -1 : 1) * pow(10, (double)((r >> 8) % 601) - 300);
                    break;
                case 8: x[i] = r & 256 ? 1e6 : -3.5; break;                       /* two values */
                default: x[i] = i == n / 2 ? -0.0 : (double)((r >> 16) % 5) - 2; break;
                }
            }
            int rc = select_vs_sort(x, n);
            CU_ASSERT_EQUAL(rc, shape == 5 && n > 0 ? 1 : 0);
            if (rc < 0) fprintf(stderr, "\n  shape %d n %zu: selection differs from the sort ", shape, n);
            free(x);
        }
    double w[] = {2, NAN, 1};
    ds_numeric q;
    CU_ASSERT_EQUAL(ds_summary_select(w, 3, &q), 1);   /* sorted as before, not selected */
}

/* ds_summary_select takes the SD about a guess at the mean (the first
 * pass's sum / n as a double) in the pass that finishes the mean, and
 * again about the mean when the guess missed: values whose sum cancels
 * (magnitudes 1 to 1e17 of both signs; +-1e20 plus small parts) make it
 * miss now and then.  The same bits as ds_mean and sd_about's on short
 * inputs and on bucketed ones, and the data do make the guess miss. */
static void test_select_guess(void)
{
    unsigned seed = 4242;
    int misses[2] = {0, 0};
    for (int trial = 0; trial < 2400; trial++) {
        int shape = trial % 2;
        size_t n = trial < 2000 ? 2 + (size_t)trial % 50 : 4096 + (size_t)trial % 50;
        double *x = malloc((n + 1) * sizeof *x);
        CU_ASSERT_FATAL(x != NULL);
        long double sum = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned r = lcg(&seed);
            double part = (double)((r >> 8) % 1000 + 1) / 3.0;   /* no zero: no -0 */
            x[i] = shape == 0 ? (r & 1 ? 1e17 : 1) * part * (r & 2 ? -1 : 1)
                              : (r & 1 ? 1e20 : -1e20) + part / 10;
            sum += x[i];
        }
        double guess = (double)(sum / (long double)n), mean = ds_mean(x, n);
        misses[n >= 4096] += memcmp(&guess, &mean, sizeof mean) != 0;
        int rc = select_vs_sort(x, n);
        if (rc != 0) fprintf(stderr, "\n  trial %d n %zu: selection differs from the sort ", trial, n);
        CU_ASSERT_EQUAL(rc, 0);
        free(x);
    }
    CU_ASSERT(misses[0] > 0 && misses[1] > 0);
}

/* The values of a case of n rows: num and its missing flags, x (work
 * space) and y (the values kept, gathered by hand); each n + 1. */
typedef struct rows_case {
    double *num, *x, *y;
    unsigned char *miss;
} rows_case;

static rows_case case_alloc(size_t n)
{
    rows_case c = {malloc((n + 1) * sizeof(double)), malloc((n + 1) * sizeof(double)),
                   malloc((n + 1) * sizeof(double)), malloc(n + 1)};
    CU_ASSERT_FATAL(c.num && c.x && c.y && c.miss);
    return c;
}

static void case_free(rows_case *c)
{
    free(c->num);
    free(c->x);
    free(c->y);
    free(c->miss);
}

/* a and b hold the same bits (NaN as NaN) and count */
static int same_numeric(const ds_numeric *a, const ds_numeric *b)
{
    double ga[7] = {a->mean, a->sd, a->min, a->q1, a->median, a->q3, a->max};
    double gb[7] = {b->mean, b->sd, b->min, b->q1, b->median, b->q3, b->max};
    int same = a->n == b->n;
    for (int k = 0; k < 7; k++)
        same &= (isnan(ga[k]) && isnan(gb[k])) || memcmp(&ga[k], &gb[k], sizeof ga[k]) == 0;
    return same;
}

/* ds_summary_gather against gathering the finite values not missing by
 * hand, then ds_summary_select: the same values gathered (when some
 * were not kept), the same bits of every statistic and the same result, with
 * missing rows, NaN, infinities and a negative zero (then sorted) among
 * distinct values, ties and a status, n from 0 to past 4096 kept; and
 * with every value kept (read in place, copied only to be moved): one
 * crowded bucket, ties with a negative zero, a status. */
static void test_gather(void)
{
    size_t sizes[] = {0, 1, 2, 3, 4, 5, 13, 4095, 4097, 4400, 100003};
    unsigned seed = 99;
    for (int shape = 0; shape < 8; shape++)
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            size_t n = sizes[z], m = 0;
            int clean = shape >= 4;   /* every value kept: read in place */
            rows_case rc = case_alloc(n);
            double *num = rc.num, *x = rc.x, *y = rc.y;
            unsigned char *miss = rc.miss;
            for (size_t i = 0; i < n; i++) {
                unsigned r = lcg(&seed);
                miss[i] = !clean && r % 13 == 0 ? (unsigned char)(1 + r % 3) : 0;
                switch (shape % 4) {
                case 0: num[i] = (double)(r >> 8) / 7.0; break;                      /* distinct */
                case 1: num[i] = clean ? 1024 + (double)(r >> 8) * 1e-9              /* one bucket */
                                       : (double)((r >> 16) % 3); break;              /* 0, 1, 2 */
                case 2: num[i] = (double)((r >> 16) % 50) * 0.5 - 3; break;          /* ties */
                default: num[i] = (double)((r >> 16) % 5) - 2; break;                /* status */
                }
                if (!clean && r % 17 == 0) num[i] = r & 64 ? NAN : r & 128 ? INFINITY : -INFINITY;
                if ((shape == 3 || shape == 6) && i == n / 2) num[i] = -0.0;
                if (!miss[i] && isfinite(num[i])) y[m++] = num[i];
            }
            ds_numeric a, b;
            int ra = ds_summary_gather(num, miss, n, x, &a), rb = ds_summary_select(y, m, &b);
            int same = a.n == m && ra == rb && same_numeric(&a, &b);
            if (!clean) qsort(x, m, sizeof *x, cmp_dbl);   /* else x may be unwritten */
            qsort(y, m, sizeof *y, cmp_dbl);
            for (size_t i = 0; !clean && i < m; i++) same &= memcmp(&x[i], &y[i], sizeof x[i]) == 0;
            if (!same) fprintf(stderr, "\n  shape %d n %zu: gathered summary differs ", shape, n);
            CU_ASSERT(same);
            case_free(&rc);
        }
}

/* The staged summary of rc->num[0..n-1] (with and without AVX-512 and a
 * work space) holds the same bits as the sorted values' (ds_sort,
 * ds_summary_sorted: no code of the stages) over the m values kept,
 * rc->y, and returns what ds_summary_select returns on them (which may
 * reorder rc->y). */
static void staged_agree(rows_case *rc, size_t n, size_t m, int shape)
{
    ds_numeric want, sel;
    double *sorted = malloc((m + 1) * sizeof *sorted);
    CU_ASSERT_FATAL(sorted != NULL);
    memcpy(sorted, rc->y, m * sizeof *sorted);
    ds_sort(sorted, m);
    ds_summary_sorted(rc->y, sorted, m, &want);
    free(sorted);
    int rw = ds_summary_select(rc->y, m, &sel);
    for (int v = 0; v < 4; v++) {
        int simd = v & 1;
        ds_numeric got;
        ds_stages st;
        int rs = ds_stages_scan(&st, rc->num, rc->miss, n, v & 2 ? rc->x : NULL, &got, simd);
        for (int part = DS_PARTS - 1; part >= 0; part--) ds_stages_pass(&st, part);
        int rg = ds_stages_finish(&st, &got);
        int same = rs >= 0 && got.n == m && rg == rw && same_numeric(&got, &want);
        if (!same) fprintf(stderr, "\n  shape %d n %zu simd %d: staged summary differs ", shape, n, simd);
        CU_ASSERT(same);
    }
}

/* ds_stages_* with and without AVX-512, their parts in either order,
 * with x given or allocated by the stages, against gathering by hand and
 * ds_summary_select: the same bits and result.  The values: a status; a
 * dose in halves (multiples of 2^-8: the first pass sums in integers)
 * with a value that is not one (0.1) three quarters in, so that the
 * integer sum hands over to the long-double one; whole numbers that grow
 * past 2^28 (too large for the integer sum); continuous values; ties with
 * a negative zero (sorted); with missing rows, NaN and infinities or
 * with every row kept. */
static void test_stages(void)
{
    size_t sizes[] = {0, 5, 4095, 4097, 10007, 100003};
    unsigned seed = 31;
    for (int shape = 0; shape < 10; shape++)
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            size_t n = sizes[z], m = 0;
            int clean = shape >= 5;
            rows_case rc = case_alloc(n);
            double *num = rc.num, *y = rc.y;
            unsigned char *miss = rc.miss;
            for (size_t i = 0; i < n; i++) {
                unsigned r = lcg(&seed);
                miss[i] = !clean && r % 11 == 0;
                switch (shape % 5) {
                case 0: num[i] = (double)((r >> 16) % 3); break;
                case 1: num[i] = i == 3 * n / 4 ? 0.1 : 15 + (double)((r >> 16) % 31) * 0.5; break;
                case 2: num[i] = (double)(r >> 8) * (double)(1 + i / 4096) * 64; break;
                case 3: num[i] = (double)(r >> 8) / 7.0; break;
                default: num[i] = i == n / 3 ? -0.0 : (double)((r >> 16) % 5) - 2; break;
                }
                if (!clean && r % 13 == 0) num[i] = r & 64 ? NAN : r & 128 ? INFINITY : -INFINITY;
                if (!miss[i] && isfinite(num[i])) y[m++] = num[i];
            }
            staged_agree(&rc, n, m, shape);
            case_free(&rc);
        }
}

/* The bucket check looks at every lane: a quartile's bucket holds the
 * value A of its first row and a value B of the same bucket (the same
 * top 16 bits) only in lane L of every 8 (rows 8 + 16j + L and
 * 8 + 16j + 8 + L), and the median is B.  Were lane L skipped, the
 * bucket would pass for holding A alone and the median would be A. */
static void test_stages_lanes(void)
{
    const double A = 1.5, B = 1.5 + 0x1p-10;   /* one bucket */
    const size_t blocks = 4096, n = 8 + 16 * blocks;
    for (unsigned lane = 0; lane < 8; lane++) {
        rows_case rc = case_alloc(n);
        rc.num[0] = A;   /* the bucket's first row: its reference value */
        for (size_t i = 1; i < 8; i++) rc.num[i] = 1.0;
        for (size_t j = 0; j < blocks; j++) {
            /* the other 14 rows of a block: 1.0 x3, A x4, 2.0 x7 */
            double *b = rc.num + 8 + 16 * j;
            size_t k = 0;
            for (size_t i = 0; i < 16; i++) {
                if (i % 8 == lane) {
                    b[i] = B;
                    continue;
                }
                b[i] = k < 3 ? 1.0 : k < 7 ? A : 2.0;
                k++;
            }
        }
        memset(rc.miss, 0, n);
        memcpy(rc.y, rc.num, n * sizeof *rc.y);
        staged_agree(&rc, n, n, 10 + (int)lane);
        ds_numeric got;
        ds_stages st;
        CU_ASSERT(ds_stages_scan(&st, rc.num, rc.miss, n, NULL, &got, 1) == 0);
        for (int part = 0; part < DS_PARTS; part++) ds_stages_pass(&st, part);
        CU_ASSERT(ds_stages_finish(&st, &got) == 0 && got.q1 == A && got.median == B && got.q3 == 2.0);
        case_free(&rc);
    }
}

/* Factor coding: levels sorted (numbers, text by bytes, -0 and 0 one
 * level labelled by its first row), codes per row, missing rows -1, ref. */
static void test_factor(void)
{
    const char *txt[] = {"b", "a", NULL, "c", "a", "b", "", "c"};
    unsigned char miss[] = {0, 0, 1, 0, 0, 0, 0, 0};
    cohort_vec v = {0};
    v.name = "t";
    v.type = COHORT_TYPE_TEXT;
    v.n = 8;
    v.text = txt;
    v.missing = miss;
    pc_factor f;
    CU_ASSERT_EQUAL_FATAL(pc_factor_make(&v, NULL, &f), 0);
    CU_ASSERT_EQUAL(f.nlevels, 4);
    CU_ASSERT_STRING_EQUAL(f.labels[0], "");
    CU_ASSERT_STRING_EQUAL(f.labels[1], "a");
    CU_ASSERT_STRING_EQUAL(f.labels[3], "c");
    int want[] = {2, 1, -1, 3, 1, 2, 0, 3};
    for (size_t i = 0; i < 8; i++) CU_ASSERT_EQUAL(f.code[i], want[i]);
    pc_factor_free(&f);
    CU_ASSERT_EQUAL_FATAL(pc_factor_make(&v, "c", &f), 0);
    CU_ASSERT_STRING_EQUAL(f.labels[0], "c");
    CU_ASSERT_STRING_EQUAL(f.labels[1], "");
    CU_ASSERT_EQUAL(f.code[3], 0);
    CU_ASSERT_EQUAL(f.code[6], 1);
    pc_factor_free(&f);
    /* numbers; 5000 rows so that the hash table grows */
    size_t n = 5000;
    double *x = malloc(n * sizeof *x);
    unsigned char *m = calloc(n, 1);
    CU_ASSERT_FATAL(x && m);
    for (size_t i = 0; i < n; i++) x[i] = (double)((i * 37) % 1000) - 500;
    x[0] = -0.0;   /* 0 first seen as -0 */
    cohort_vec w = {0};
    w.name = "x";
    w.type = COHORT_TYPE_REAL;
    w.n = n;
    w.num = x;
    w.missing = m;
    CU_ASSERT_EQUAL_FATAL(pc_factor_make(&w, NULL, &f), 0);
    CU_ASSERT_EQUAL(f.nlevels, 1000);
    CU_ASSERT_STRING_EQUAL(f.labels[0], "-500");
    CU_ASSERT_STRING_EQUAL(f.labels[500], "-0");
    CU_ASSERT_STRING_EQUAL(f.labels[999], "499");
    int ok = 1;
    for (size_t i = 0; i < n; i++) ok &= f.code[i] == (int)(x[i] + 500);
    CU_ASSERT(ok);
    pc_factor_free(&f);
    free(x);
    free(m);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("describe", setup, teardown);
    if (!s || !CU_add_test(s, "summaries vs R", test_summary) ||
        !CU_add_test(s, "type-7 quantiles", test_quantile) ||
        !CU_add_test(s, "plugin on lung", test_plugin) ||
        !CU_add_test(s, "summaries in tasks", test_tasks) ||
        !CU_add_test(s, "summaries kept between runs", test_memo) ||
        !CU_add_test(s, "columns fetched on demand", test_fetch) ||
        !CU_add_test(s, "dates", test_dates) || !CU_add_test(s, "booleans", test_bools) ||
        !CU_add_test(s, "0/1 counts", test_count01) || !CU_add_test(s, "radix sort, merged runs", test_sort) ||
        !CU_add_test(s, "quantiles by selection", test_select) ||
        !CU_add_test(s, "SD about a guess at the mean", test_select_guess) ||
        !CU_add_test(s, "summaries while gathering", test_gather) ||
        !CU_add_test(s, "summaries in stages", test_stages) ||
        !CU_add_test(s, "the stages' bucket check, every lane", test_stages_lanes) ||
        !CU_add_test(s, "factor coding", test_factor)) {
        CU_cleanup_registry();
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
    CU_cleanup_registry();
    return fails != 0;
}
