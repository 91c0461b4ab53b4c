/* test_xcall.c: CUnit tests of `extern` functions called through libffi:
 * the mapping of every supported type (int, long, double, bool, text,
 * date) in both directions against the test library xtypes, missing
 * arguments (no call unless the declaration accepts missing), the load and
 * check diagnostics with their locations, and the radbio library (bed,
 * eqd2, halflife_days) evaluated row by row next to the same formula
 * written in the language.  Libraries come from $COHORT_BAD_PLUGINS (xtypes)
 * and $COHORT_TEST_PLUGINS (radbio). */
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "data.h"
#include "eval.h"
#include "parse.h"
#include "plugin.h"
#include "strpool.h"
#include "xcall.h"

/* ---- capturing diagnostics ------------------------------------------------------ */

typedef struct captured {
    char text[8192];
    int n;
} captured;

static void capture(void *ud, const diagnostic *d)
{
    captured *c = ud;
    size_t len = strlen(c->text);
    snprintf(c->text + len, sizeof c->text - len, "%d:%d-%d: %s\n", d->line, d->col, d->len, d->msg);
    c->n++;
}

/* ---- a fixture: rules over a small table in a temporary directory ---------------- */

static char tmpdir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

/* one row per case of the radbio tests; row 4 lacks a dose and a flag, row 5
 * has no fractions and no agent */
static const char patients_csv[] =
    "patient_id,dose,fractions,agent,seen,flag\n"
    "1,20,1,T-DM1,2020-03-01,true\n"
    "2,22.5,3,t-dxd,2024-01-01,false\n"
    "3,30,5,Tucatinib,1970-01-01,true\n"
    "4,,3,aspirin,,\n"
    "5,24,0,,2020-02-29,false\n";

/* body lines start at line 5 */
static const char header[] =
    "study \"x\";\n"
    "data csv \"%s\" {\n"
    "  table patients key patient_id;\n"
    "}\n";

typedef struct fixture {
    program *prog;
    strpool *pool;
    study *st;
    cohort_data *d;
    plugin_reg *plugins;
    evaluator *ev;
    diag dg;
    captured cap;
} fixture;

static const char *dir_or(const char *env, const char *fallback)
{
    const char *d = getenv(env);
    return d && *d ? d : fallback;
}

/* Parse, check and prepare evaluation of header + body with xtypes and
 * radbio on the plugin path.  Returns the number of errors. */
static int setup(fixture *f, const char *body)
{
    memset(f, 0, sizeof *f);
    diag_init(&f->dg, capture, &f->cap);
    char *rules = malloc(strlen(header) + strlen(tmpdir) + strlen(body) + 16);
    if (!rules) return -1;
    sprintf(rules, header, tmpdir);
    strcat(rules, body);
    write_file("x.rules", rules);
    free(rules);
    char path[512];
    snprintf(path, sizeof path, "%s/x.rules", tmpdir);
    f->prog = program_new();
    f->pool = strpool_new();
    if (parse_file(f->prog, path, NULL, 0, &f->dg)) return f->dg.nerrors;
    f->st = check_prepare(f->prog, f->pool, NULL, 0, NULL, &f->dg);
    if (!f->st) return f->dg.nerrors;
    load_opts lo = {NULL, 0, 0};
    f->d = data_load(f->st->specs, f->st->nspecs, &lo, f->pool, &f->dg);
    if (!f->d) return f->dg.nerrors;
    const char *dirs[] = {dir_or("COHORT_BAD_PLUGINS", "tests/plugins/.libs"),
                          dir_or("COHORT_TEST_PLUGINS", "plugins/.libs")};
    f->plugins = plugin_reg_new(dirs, 2);
    if (check_resolve(f->st, f->d, f->plugins, &f->dg)) return f->dg.nerrors;
    f->ev = eval_new(f->st, f->d, &f->dg);
    return f->dg.nerrors;
}

/* setup that must succeed; shows the diagnostics when it does not */
static int setup_ok(fixture *f, const char *body)
{
    int n = setup(f, body);
    if (n) fprintf(stderr, "\nunexpected diagnostics:\n%s", f->cap.text);
    return n == 0;
}

static void teardown(fixture *f)
{
    eval_free(f->ev);
    study_free(f->st);
    data_free(f->d);
    plugin_reg_free(f->plugins);
    program_free(f->prog);
    strpool_free(f->pool);
}

static const externinfo *ext(fixture *f, const char *name)
{
    for (size_t i = 0; i < f->st->nexterns; i++)
        if (!strcmp(f->st->externs[i].s->name, name)) return &f->st->externs[i];
    CU_FAIL_FATAL("no such extern");
    return NULL;
}

/* Call extern `name` directly with the given arguments. */
static value call(fixture *f, const char *name, const value *args, size_t n)
{
    return xcall_call(ext(f, name), args, n, f->pool);
}

/* Value of let `name` for row `row` (0-based). */
static value let_at(fixture *f, const char *name, size_t row)
{
    for (size_t i = 0; i < f->st->nlets; i++)
        if (!strcmp(f->st->lets[i].s->name, name)) {
            eval_unit(f->ev, row);
            return eval_expr(f->ev, f->st->lets[i].s->value);
        }
    CU_FAIL("no such let");
    return V_MISSING;
}

/* a diagnostic "line:col-len: message" was reported */
#define ASSERT_DIAG(f, want)                                                   \
    do {                                                                       \
        int found_ = strstr((f)->cap.text, want) != NULL;                      \
        CU_ASSERT(found_);                                                     \
        if (!found_) fprintf(stderr, "\nwanted: %s\ngot:\n%s", want, (f)->cap.text); \
    } while (0)

/* ---- declarations of every xtypes function ---------------------------------------- */

static const char xtypes_decls[] =
    "extern long xt_long_add(long a, long b) from \"xtypes\";\n"
    "extern integer xt_long_big() from \"xtypes\";\n"
    "extern int xt_int_sub(int a, int b) from \"xtypes\";\n"
    "extern int xt_int_neg() from \"xtypes\";\n"
    "extern double xt_real_scale(double x, real k) from \"xtypes\";\n"
    "extern real xt_real_nan() from \"xtypes\";\n"
    "extern bool xt_bool_xor(bool a, boolean b) from \"xtypes\";\n"
    "extern boolean xt_is_positive(integer x) from \"xtypes\";\n"
    "extern date xt_date_add(date start, int n) from \"xtypes\";\n"
    "extern int xt_date_weekday(date on) from \"xtypes\";\n"
    "extern text xt_text_grade(real x) from \"xtypes\";\n"
    "extern text xt_text_echo(text s) from \"xtypes\";\n"
    "extern text xt_text_null() from \"xtypes\";\n"
    "extern integer xt_text_len(text s) from \"xtypes\";\n"
    "extern real xt_missing_count(real a, text s, real b) from \"xtypes\" accepts missing;\n"
    "extern text xt_missing_name(text s) from \"xtypes\" accepts missing;\n"
    "extern real xt_mixed(long a, int b, double c, bool d, date on, text s) from \"xtypes\";\n"
    "extern real xt_counted(real x) from \"xtypes\";\n"
    "extern integer xt_calls() from \"xtypes\";\n";

/* ---- type mapping --------------------------------------------------------------- */

static void test_integers(void)
{
    fixture f;
    CU_ASSERT_FATAL(setup_ok(&f, xtypes_decls));
    /* long is 64 bits both ways */
    value a2[] = {v_int(INT64_C(1) << 40), v_int(3)};
    value r = call(&f, "xt_long_add", a2, 2);
    CU_ASSERT_EQUAL(r.t, TY_INT);
    CU_ASSERT_EQUAL(r.u.i, (INT64_C(1) << 40) + 3);
    r = call(&f, "xt_long_big", NULL, 0);
    CU_ASSERT_EQUAL(r.t, TY_INT);
    CU_ASSERT_EQUAL(r.u.i, INT64_C(1) << 40);
    value neg[] = {v_int(-7), v_int(-8)};
    CU_ASSERT_EQUAL(call(&f, "xt_long_add", neg, 2).u.i, -15);
    /* int: 32 bits, sign-extended on return */
    value s2[] = {v_int(3), v_int(10)};
    r = call(&f, "xt_int_sub", s2, 2);
    CU_ASSERT_EQUAL(r.t, TY_INT);
    CU_ASSERT_EQUAL(r.u.i, -7);
    r = call(&f, "xt_int_neg", NULL, 0);
    CU_ASSERT_EQUAL(r.t, TY_INT);
    CU_ASSERT_EQUAL(r.u.i, -5);
    value lim[] = {v_int(2147483647), v_int(0)};
    CU_ASSERT_EQUAL(call(&f, "xt_int_sub", lim, 2).u.i, 2147483647);
    value lo[] = {v_int(-2147483647 - 1), v_int(0)};
    CU_ASSERT_EQUAL(call(&f, "xt_int_sub", lo, 2).u.i, -2147483647 - 1);
    /* an integer that does not fit a C int is missing, not wrapped */
    value big[] = {v_int(INT64_C(2147483648)), v_int(0)};
    CU_ASSERT(v_missing(call(&f, "xt_int_sub", big, 2)));
    value big2[] = {v_int(0), v_int(-INT64_C(2147483649))};
    CU_ASSERT(v_missing(call(&f, "xt_int_sub", big2, 2)));
    teardown(&f);
}

static void test_reals_and_bools(void)
{
    fixture f;
    CU_ASSERT_FATAL(setup_ok(&f, xtypes_decls));
    /* an integer argument to a real parameter is converted */
    value a[] = {v_real(1.5), v_int(4)};
    value r = call(&f, "xt_real_scale", a, 2);
    CU_ASSERT_EQUAL(r.t, TY_REAL);
    CU_ASSERT_DOUBLE_EQUAL(r.u.r, 6.0, 0);
    value b[] = {v_real(-0.1), v_real(1e300)};
    CU_ASSERT_DOUBLE_EQUAL(call(&f, "xt_real_scale", b, 2).u.r, -1e299, 1e284);
    /* a non-finite result is missing */
    value inf[] = {v_real(1e300), v_real(1e300)};
    CU_ASSERT(v_missing(call(&f, "xt_real_scale", inf, 2)));
    CU_ASSERT(v_missing(call(&f, "xt_real_nan", NULL, 0)));
    /* bool */
    const int cases[4][3] = {{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}};
    for (int i = 0; i < 4; i++) {
        value x[] = {v_bool(cases[i][0]), v_bool(cases[i][1])};
        r = call(&f, "xt_bool_xor", x, 2);
        CU_ASSERT_EQUAL(r.t, TY_BOOL);
        CU_ASSERT_EQUAL(r.u.i, cases[i][2]);
    }
    value p[] = {v_int(-3)};
    r = call(&f, "xt_is_positive", p, 1);
    CU_ASSERT_EQUAL(r.t, TY_BOOL);
    CU_ASSERT_EQUAL(r.u.i, 0);
    /* 2^32 has a zero low word: a 32-bit argument would read 0 */
    value q[] = {v_int(INT64_C(1) << 32)};
    CU_ASSERT_EQUAL(call(&f, "xt_is_positive", q, 1).u.i, 1);
    teardown(&f);
}

static void test_dates_and_text(void)
{
    fixture f;
    CU_ASSERT_FATAL(setup_ok(&f, xtypes_decls));
    /* 2020-03-01 is day 18322; + 30 days = 2020-03-31 */
    value d[] = {v_date(18322), v_int(30)};
    value r = call(&f, "xt_date_add", d, 2);
    CU_ASSERT_EQUAL(r.t, TY_DATE);
    CU_ASSERT_DOUBLE_EQUAL(r.u.r, 18352, 0);
    value before[] = {v_date(-1), v_int(-365)};
    CU_ASSERT_DOUBLE_EQUAL(call(&f, "xt_date_add", before, 2).u.r, -366, 0);
    /* weekdays: 1970-01-01 Thursday (4), 2024-01-01 Monday (1), 1969-12-31 Wednesday */
    value w0[] = {v_date(0)}, w1[] = {v_date(19723)}, w2[] = {v_date(-1)};
    CU_ASSERT_EQUAL(call(&f, "xt_date_weekday", w0, 1).u.i, 4);
    CU_ASSERT_EQUAL(call(&f, "xt_date_weekday", w1, 1).u.i, 1);
    CU_ASSERT_EQUAL(call(&f, "xt_date_weekday", w2, 1).u.i, 3);
    /* text returned from a static string is interned in the pool */
    value g[] = {v_real(25)};
    r = call(&f, "xt_text_grade", g, 1);
    CU_ASSERT_EQUAL(r.t, TY_TEXT);
    CU_ASSERT_PTR_EQUAL(r.u.s, strpool_intern(f.pool, "high", 4));
    value g2[] = {v_int(3)};
    CU_ASSERT_STRING_EQUAL(call(&f, "xt_text_grade", g2, 1).u.s, "low");
    const char *abc = strpool_intern(f.pool, "abc", 3);
    value e[] = {v_text(abc)};
    r = call(&f, "xt_text_echo", e, 1);
    CU_ASSERT_EQUAL(r.t, TY_TEXT);
    CU_ASSERT_PTR_EQUAL(r.u.s, abc);
    CU_ASSERT_EQUAL(call(&f, "xt_text_len", e, 1).u.i, 3);
    value empty[] = {v_text(strpool_intern(f.pool, "", 0))};
    CU_ASSERT_EQUAL(call(&f, "xt_text_len", empty, 1).u.i, 0);
    /* a NULL text is missing */
    CU_ASSERT(v_missing(call(&f, "xt_text_null", NULL, 0)));
    teardown(&f);
}

static void test_mixed_arguments(void)
{
    fixture f;
    CU_ASSERT_FATAL(setup_ok(&f, xtypes_decls));
    /* a + 10 b + 100 c + 1000 d + 10000 (day mod 10) + 100000 strlen(s) */
    value a[] = {v_int(7), v_int(3), v_real(0.5), v_bool(1), v_date(18322), v_text(strpool_intern(f.pool, "ab", 2))};
    value r = call(&f, "xt_mixed", a, 6);
    CU_ASSERT_EQUAL(r.t, TY_REAL);
    CU_ASSERT_DOUBLE_EQUAL(r.u.r, 7 + 30 + 50 + 1000 + 20000 + 200000, 1e-9);
    value b[] = {v_int(1), v_int(2), v_real(3), v_bool(0), v_date(9.75), v_text(strpool_intern(f.pool, "", 0))};
    /* a date is passed as whole days (floor) */
    CU_ASSERT_DOUBLE_EQUAL(call(&f, "xt_mixed", b, 6).u.r, 1 + 20 + 300 + 0 + 90000, 1e-9);
    teardown(&f);
}

/* ---- missing arguments ---------------------------------------------------------- */

static void test_missing(void)
{
    fixture f;
    CU_ASSERT_FATAL(setup_ok(&f, xtypes_decls));
    int64_t calls = call(&f, "xt_calls", NULL, 0).u.i;
    value one[] = {v_real(1)};
    CU_ASSERT_DOUBLE_EQUAL(call(&f, "xt_counted", one, 1).u.r, 2, 0);
    CU_ASSERT_EQUAL(call(&f, "xt_calls", NULL, 0).u.i, calls + 1);
    /* a missing argument: missing, and the function is not called */
    value m[] = {V_MISSING};
    CU_ASSERT(v_missing(call(&f, "xt_counted", m, 1)));
    CU_ASSERT_EQUAL(call(&f, "xt_calls", NULL, 0).u.i, calls + 1);
    value m2[] = {v_int(1), V_MISSING};
    CU_ASSERT(v_missing(call(&f, "xt_long_add", m2, 2)));
    value m3[] = {V_MISSING, v_int(1)};
    CU_ASSERT(v_missing(call(&f, "xt_date_add", m3, 2)));
    CU_ASSERT(v_missing(call(&f, "xt_text_len", m, 1)));
    /* accepts missing: NaN for real, NULL for text, and the call is made */
    const char *s = strpool_intern(f.pool, "x", 1);
    value c0[] = {v_real(1), v_text(s), v_real(2)};
    value c2[] = {V_MISSING, v_text(s), V_MISSING};
    value c3[] = {V_MISSING, V_MISSING, V_MISSING};
    CU_ASSERT_DOUBLE_EQUAL(call(&f, "xt_missing_count", c0, 3).u.r, 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(call(&f, "xt_missing_count", c2, 3).u.r, 2, 0);
    CU_ASSERT_DOUBLE_EQUAL(call(&f, "xt_missing_count", c3, 3).u.r, 3, 0);
    value r = call(&f, "xt_missing_name", m, 1);
    CU_ASSERT_EQUAL(r.t, TY_TEXT);
    CU_ASSERT_STRING_EQUAL(r.u.s, "(none)");
    teardown(&f);
}

/* ---- diagnostics ------------------------------------------------------------------ */

static void test_load_errors(void)
{
    fixture f;
    /* line 5 onwards */
    int n = setup(&f,
                  "extern real nosuch(real x) from \"xtypes\";\n"                /* 5 */
                  "extern real bed(real d, integer n, real ab) from \"nolib\";\n" /* 6 */
                  "extern real f1(real x) from \"/tmp/xtypes\";\n"               /* 7 */
                  "extern duration f2(real x) from \"xtypes\";\n"                /* 8 */
                  "extern real f3(real x, duration y) from \"xtypes\";\n"        /* 9 */
                  "extern real f4(real x, integer k) from \"xtypes\" accepts missing;\n" /* 10 */
                  "extern real f5(real a, real b, real c, real d, real e, real f, real g, real h, "
                  "real i, real j, real k, real l, real m, real n, real o, real p, real q) from \"xtypes\";\n"
                  "extern real f6(boolean b) from \"xtypes\" accepts missing;\n" /* 12 */
                  "extern real xt_real_nan() from \"xtypes\";\n"                /* 13: fine */
                  "extern integer system(text c) from \"xtypes\";\n"            /* 14 */
                  "extern real xt_data() from \"xtypes\";\n");                  /* 15 */
    CU_ASSERT_EQUAL(n, 10);
    ASSERT_DIAG(&f, "5:13-6: function 'nosuch' not found in library 'xtypes': ");
    ASSERT_DIAG(&f, "undefined symbol: nosuch\n");
    ASSERT_DIAG(&f, "6:1-57: no library 'nolib' on the plugin path (looked for nolib.so in ");
    ASSERT_DIAG(&f, "7:1-42: extern library '/tmp/xtypes' must be a plugin name, not a path");
    ASSERT_DIAG(&f, "8:1-41: f2: an extern function cannot return a duration\n");
    ASSERT_DIAG(&f, "9:24-10: extern parameters cannot be duration\n");
    ASSERT_DIAG(&f, "10:24-9: 'accepts missing' needs real or text parameters (missing is passed as NaN or "
                    "NULL); 'k' is not\n");
    ASSERT_DIAG(&f, "11:13-2: f5: at most 16 parameters are supported\n");
    ASSERT_DIAG(&f, "12:16-9: 'accepts missing' needs real or text parameters");
    CU_ASSERT_PTR_NULL(strstr(f.cap.text, "\n13:"));
    /* a dependency's function (libc's system) is not the library's own */
    ASSERT_DIAG(&f, "14:16-6: function 'system' is not defined in library 'xtypes' itself but in a library it "
                    "depends on; only the library's own functions can be called\n");
    ASSERT_DIAG(&f, "15:13-7: 'xt_data' in library 'xtypes' is not a function\n");
    /* the declaration that loaded can be called */
    CU_ASSERT(v_missing(call(&f, "xt_real_nan", NULL, 0)));
    teardown(&f);
}

static void test_check_errors(void)
{
    fixture f;
    int n = setup(&f,
                  "extern real xt_real_scale(real x, real k) from \"xtypes\";\n" /* 5 */
                  "extern integer xt_text_len(text s) from \"xtypes\";\n"       /* 6 */
                  "extern long xt_long_add(long a, long b) from \"xtypes\";\n"  /* 7 */
                  "extern date xt_date_add(date start, int n) from \"xtypes\";\n" /* 8 */
                  "let a = xt_real_scale(dose);\n"                           /* 9 */
                  "let b = xt_text_len(dose);\n"                             /* 10 */
                  "let c = xt_long_add(1, dose);\n"                          /* 11 */
                  "let d = xt_date_add(dose, 1);\n"                          /* 12 */
                  "let e = xt_real_scale(dose, fractions, 1);\n"             /* 13 */
                  "let g = xt_long_add(fractions, flag);\n"                  /* 14 */
                  "let h = xt_rel_scale(dose, 2);\n"                         /* 15 */
                  "let ok = xt_real_scale(dose, fractions) + xt_text_len(agent) + xt_long_add(1, fractions);\n"
                  "let ok2 = xt_date_add(seen, 7);\n");
    CU_ASSERT_EQUAL(n, 7);
    ASSERT_DIAG(&f, "9:9-19: xt_real_scale takes 2 arguments, got 1\n");
    ASSERT_DIAG(&f, "10:21-4: argument 1 of xt_text_len must be text (parameter 's'), not real\n");
    ASSERT_DIAG(&f, "11:24-4: argument 2 of xt_long_add must be integer (parameter 'b'), not real\n");
    ASSERT_DIAG(&f, "12:21-4: argument 1 of xt_date_add must be date (parameter 'start'), not real\n");
    ASSERT_DIAG(&f, "13:9-33: xt_real_scale takes 2 arguments, got 3\n");
    ASSERT_DIAG(&f, "14:32-4: argument 2 of xt_long_add must be integer (parameter 'b'), not boolean\n");
    ASSERT_DIAG(&f, "15:9-");
    ASSERT_DIAG(&f, "unknown function 'xt_rel_scale' (did you mean 'xt_real_scale'?)\n");
    teardown(&f);
}

/* ---- radbio row by row ------------------------------------------------------------------ */

static const char radbio_rules[] =
    "extern real bed(real dose, integer fractions, real ab) from \"radbio\";\n"
    "extern real eqd2(real dose, integer fractions, real ab) from \"radbio\";\n"
    "extern real halflife_days(text agent) from \"radbio\";\n"
    "let b = bed(dose, fractions, 10.0);\n"
    "let b_lang = dose * (1 + dose / fractions / 10.0);\n"
    "let e = eqd2(dose, fractions, 10);\n"
    "let e3 = eqd2(dose, fractions, 3.0);\n"
    "let hl = halflife_days(agent);\n"
    "let hl_const = halflife_days(\"TRASTUZUMAB\");\n"
    "let high = bed(dose, fractions, 10.0) >= 48;\n";

static void test_radbio_rows(void)
{
    fixture f;
    CU_ASSERT_FATAL(setup_ok(&f, radbio_rules));
    /* dose/fractions: 20/1, 22.5/3, 30/5, missing/3, 24/0 */
    const double bed10[] = {60, 39.375, 48, NAN, NAN};
    const double eqd10[] = {50, 32.8125, 40, NAN, NAN};
    /* alpha/beta 3: BED 20/1 = 20 (1 + 20/3), EQD2 = BED / (5/3) */
    const double eqd3[] = {20 * (1 + 20 / 3.0) * 0.6, 22.5 * 3.5 * 0.6, 30 * 3 * 0.6, NAN, NAN};
    const double hl[] = {4, 5.7, 8.5 / 24, NAN, NAN};
    for (size_t r = 0; r < 5; r++) {
        value b = let_at(&f, "b", r), e = let_at(&f, "e", r), e3 = let_at(&f, "e3", r);
        value h = let_at(&f, "hl", r), bl = let_at(&f, "b_lang", r), hi = let_at(&f, "high", r);
        if (isnan(bed10[r])) {
            CU_ASSERT(v_missing(b));
            CU_ASSERT(v_missing(e));
            CU_ASSERT(v_missing(e3));
            CU_ASSERT(v_missing(hi));
        } else {
            CU_ASSERT_EQUAL(b.t, TY_REAL);
            CU_ASSERT_DOUBLE_EQUAL(b.u.r, bed10[r], 1e-12);
            CU_ASSERT_DOUBLE_EQUAL(e.u.r, eqd10[r], 1e-12);
            CU_ASSERT_DOUBLE_EQUAL(e3.u.r, eqd3[r], 1e-12);
            /* the same formula written in the language */
            CU_ASSERT_DOUBLE_EQUAL(bl.u.r, b.u.r, 1e-12);
            CU_ASSERT_EQUAL(hi.t, TY_BOOL);
            CU_ASSERT_EQUAL(hi.u.i, bed10[r] >= 48);
        }
        if (isnan(hl[r])) {
            CU_ASSERT(v_missing(h));
        } else {
            CU_ASSERT_DOUBLE_EQUAL(h.u.r, hl[r], 1e-12);
        }
    }
    CU_ASSERT_DOUBLE_EQUAL(let_at(&f, "hl_const", 0).u.r, 28, 0);
    teardown(&f);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cohort-xcall-XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    write_file("patients.csv", patients_csv);
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("xcall", NULL, NULL);
    CU_add_test(s, "integers: long and int", test_integers);
    CU_add_test(s, "reals and booleans", test_reals_and_bools);
    CU_add_test(s, "dates and text", test_dates_and_text);
    CU_add_test(s, "arguments of every type in order", test_mixed_arguments);
    CU_add_test(s, "missing arguments", test_missing);
    CU_add_test(s, "load diagnostics", test_load_errors);
    CU_add_test(s, "call diagnostics", test_check_errors);
    CU_add_test(s, "radbio row by row", test_radbio_rows);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return failures != 0;
}
