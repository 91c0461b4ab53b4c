/* test_lang.c: CUnit tests of the language: scanner and parser errors, the
 * checker's diagnostics, durations, window boundaries at the boundary day,
 * three-valued logic, quantifiers (also met by several threads at once
 * before any is built), endpoints, and plugin refusal. */
#include <CUnit/Basic.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "data.h"
#include "eval.h"
#include "interval.h"
#include "labels.h"
#include "parse.h"
#include "plugin.h"
#include "strpool.h"

/* ---- capturing diagnostics ------------------------------------------------------ */

typedef struct captured {
    char text[8192];
    int n;
} captured;

static void capture(void *ud, const diagnostic *d)
{
    captured *c = ud;
    size_t len = strlen(c->text);
    snprintf(c->text + len, sizeof c->text - len, "%d:%d: %s\n", d->line, d->col, d->msg);
    c->n++;
}

/* ---- a fixture: a study over a small dataset in a temporary directory ---------- */

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

/* patients: t is the reference date, x the date tested against it */
static const char patients_csv[] =
    "patient_id,t,x,y,flag,num,txt,death,fu\n"
    "1,2020-03-01,2020-03-08,2020-03-20,true,1,a,,2021-03-01\n"     /* x = t + 7 */
    "2,2020-03-01,2020-03-09,,false,2,b,2020-06-01,2020-06-01\n"    /* x = t + 8 */
    "3,2020-03-01,2020-02-23,2020-02-24,,3,a,,2020-12-31\n"          /* x = t - 7 */
    "4,2020-03-01,2020-02-22,2020-02-22,true,,c,,\n"                 /* x = t - 8 */
    "5,2020-03-01,2020-03-22,2020-04-01,false,5,,,2020-09-01\n"      /* x = t + 21 */
    "6,2020-03-01,2020-03-23,2020-03-23,true,6,a,2020-05-01,2020-05-01\n" /* x = t + 22 */
    "7,2020-03-01,2019-08-31,2019-09-01,true,7,a,,2020-02-01\n"      /* x = t - 183 */
    "8,2020-03-01,2019-09-01,2019-09-02,true,8,a,,2020-04-01\n"      /* x = t - 182 */
    "9,2020-03-01,2020-03-01,2020-03-01,true,9,a,,2020-04-01\n"      /* x = t */
    "10,2020-03-01,,,true,10,a,,2020-04-01\n";                       /* x missing */

static const char drugs_csv[] =
    "patient_id,agent,start_date,end_date\n"
    "1,T-DM1,2020-01-01,2020-02-01\n"
    "1,T-DXd,2020-05-01,\n"
    "1,T-DM1,2019-06-01,2019-07-01\n"
    "2,trastuzumab,2020-02-01,2020-02-10\n"
    "3,,2020-02-01,2020-02-10\n";

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

static const char header[] =
    "study \"t\";\n"
    "data csv \"%s\" {\n"
    "  table patients key patient_id;\n"
    "  table drugs in patients;\n"
    "}\n";

/* Parse, check and prepare evaluation of header + body.  Returns the
 * number of errors (diagnostics in f->cap). */
static int setup_with(fixture *f, const char *hdr, const char *body)
{
    memset(f, 0, sizeof *f);
    diag_init(&f->dg, capture, &f->cap);
    char *rules = malloc(strlen(hdr) + strlen(tmpdir) + strlen(body) + 16);
    sprintf(rules, hdr, tmpdir);
    strcat(rules, body);
    write_file("t.rules", rules);
    free(rules);
    char path[512];
    snprintf(path, sizeof path, "%s/t.rules", tmpdir);
    f->prog = program_new();
    f->pool = strpool_new();
    if (parse_file(f->prog, path, NULL, 0, &f->dg)) return f->dg.nerrors;
    f->st = check_prepare(f->prog, f->pool, NULL, 0, NULL, &f->dg);
    if (!f->st) return f->dg.nerrors;
    load_opts lo = {NULL, 0, 0};
    f->d = data_load(f->st->specs, f->st->nspecs, &lo, f->pool, &f->dg);
    if (!f->d) return f->dg.nerrors;
    const char *dirs[] = {"/nonexistent"};
    f->plugins = plugin_reg_new(dirs, 1);
    if (check_resolve(f->st, f->d, f->plugins, &f->dg)) return f->dg.nerrors;
    f->ev = eval_new(f->st, f->d, &f->dg);
    return f->dg.nerrors;
}

static int setup(fixture *f, const char *body)
{
    return setup_with(f, header, body);
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

/* Value of let `name` for patient row `row` (0-based). */
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

/* 'T', 'F' or '?' for each of the 10 patients */
static void tv_string(fixture *f, const char *name, char *out)
{
    for (size_t r = 0; r < 10; r++) {
        value v = let_at(f, name, r);
        out[r] = v_missing(v) ? '?' : v.u.i ? 'T' : 'F';
    }
    out[10] = 0;
}

#define ASSERT_TV(f, name, want)                    \
    do {                                            \
        char got_[16];                              \
        tv_string(f, name, got_);                   \
        CU_ASSERT_STRING_EQUAL(got_, want);         \
        if (strcmp(got_, want)) fprintf(stderr, "\n%s: got %s, want %s\n", name, got_, want); \
    } while (0)

/* ---- scanner and parser --------------------------------------------------------- */

static int parse_errors(const char *body, captured *cap)
{
    fixture f;
    int n = setup(&f, body);
    *cap = f.cap;
    teardown(&f);
    return n;
}

static void test_scanner_errors(void)
{
    captured c;
    CU_ASSERT_EQUAL(parse_errors("let a = 2019-02-30;\n", &c), 1);
    CU_ASSERT_STRING_EQUAL(c.text, "6:9: 2019-02-30 is not a real calendar date\n");
    CU_ASSERT_EQUAL(parse_errors("let a = \"abc;\n", &c), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "6:9: unterminated string\n"));
    CU_ASSERT_EQUAL(parse_errors("let a = 1 @ 2;\n", &c), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "6:11: unexpected character '@'\n"));
}

static void test_parser_recovery(void)
{
    captured c;
    /* two independent errors are both reported */
    CU_ASSERT_EQUAL(parse_errors("let a = ;\nlet b = 1 +;\nlet c = 3;\n", &c), 2);
    CU_ASSERT_STRING_EQUAL(c.text,
        "6:9: syntax error, unexpected ';'\n"
        "7:12: syntax error, unexpected ';'\n");
    CU_ASSERT_EQUAL(parse_errors("include \"x\" num > 1;\n", &c), 1);
    CU_ASSERT_STRING_EQUAL(c.text, "6:13: syntax error, unexpected name, expecting ':'\n");
}

static void test_parse_expr_precedence(void)
{
    program *p = program_new();
    diag dg;
    captured c = {{0}, 0};
    diag_init(&dg, capture, &c);
    expr *e = parse_expr(p, "x", "1 + 2 * 3 == 7 and not false or missing", &dg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->kind, E_BINARY);
    CU_ASSERT_EQUAL(e->op, OP_OR);
    CU_ASSERT_EQUAL(e->a->op, OP_AND);
    CU_ASSERT_EQUAL(e->a->a->op, OP_EQ);
    CU_ASSERT_EQUAL(e->a->a->a->op, OP_ADD);
    CU_ASSERT_EQUAL(e->a->a->a->b->op, OP_MUL);
    e = parse_expr(p, "x", "x within [-7 days, +21 days] of t", &dg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_EQUAL(e->kind, E_WITHIN2);
    /* signs on literals are folded into them */
    CU_ASSERT_EQUAL(e->b->kind, E_DURATION);
    CU_ASSERT_DOUBLE_EQUAL(e->b->rval, -7, 0);
    CU_ASSERT_EQUAL(e->c->kind, E_DURATION);
    CU_ASSERT_DOUBLE_EQUAL(e->c->rval, 21, 0);
    e = parse_expr(p, "x", "any drugs d: d.a == 1 or d.b == 2", &dg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    /* the quantifier's condition extends to the end */
    CU_ASSERT_EQUAL(e->kind, E_QUANT);
    CU_ASSERT_EQUAL(e->b->op, OP_OR);
    CU_ASSERT_EQUAL(dg.nerrors, 0);
    program_free(p);
}

/* ---- checker -------------------------------------------------------------------- */

static void test_checker_errors(void)
{
    captured c;
    parse_errors("let a = patient.nmu + 1;\n", &c);
    CU_ASSERT_STRING_EQUAL(c.text, "6:9: unknown column 'nmu' in table patients (did you mean 'num'?)\n");
    parse_errors("let a = t + 3;\n", &c);
    CU_ASSERT_STRING_EQUAL(c.text, "6:9: cannot apply '+' to date and integer\n");
    parse_errors("let a = b;\nlet b = a;\n", &c);
    CU_ASSERT_STRING_EQUAL(c.text, "7:9: 'a' is defined in terms of itself\n");
    parse_errors("let a = any drgs d: d.agent == \"x\";\n", &c);
    CU_ASSERT_STRING_EQUAL(c.text, "6:13: unknown table 'drgs' (did you mean 'drugs'?)\n");
    parse_errors("let a = txt in (1, 2);\n", &c);
    CU_ASSERT_STRING_EQUAL(c.text, "6:9: cannot look for a text in a list of integer\n");
    parse_errors("include \"x\": num;\n", &c);
    CU_ASSERT_STRING_EQUAL(c.text, "6:14: a criterion must be a boolean, not an integer\n");
    parse_errors("let a = x within 3 of t;\n", &c);
    CU_ASSERT_STRING_EQUAL(c.text, "6:18: the width of a window must be a duration, not an integer\n");
    parse_errors("let a = 1;\nlet a = 2;\n", &c);
    CU_ASSERT_STRING_EQUAL(c.text, "7:5: 'a' is already defined at line 6\n");
    parse_errors("let a = coalese(x, t);\n", &c);
    CU_ASSERT_STRING_EQUAL(c.text, "6:9: unknown function 'coalese' (did you mean 'coalesce'?)\n");
}

/* ---- durations and windows -------------------------------------------------------- */

static void test_durations(void)
{
    fixture f;
    CU_ASSERT_EQUAL_FATAL(setup(&f,
        "let m = (t + 1 month) - t;\n"
        "let y = (t + 1 year) - t;\n"
        "let w = 2 weeks + 3 days;\n"
        "let r = (x - t) / 1 day;\n"), 0);
    value v = let_at(&f, "m", 0);
    CU_ASSERT_EQUAL(v.t, TY_DURATION);
    CU_ASSERT_DOUBLE_EQUAL(v.u.r, 30.4375, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(let_at(&f, "y", 0).u.r, 365.25, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(let_at(&f, "w", 0).u.r, 17, 1e-12);
    v = let_at(&f, "r", 0);
    CU_ASSERT_EQUAL(v.t, TY_REAL);
    CU_ASSERT_DOUBLE_EQUAL(v.u.r, 7, 1e-12);
    CU_ASSERT(v_missing(let_at(&f, "r", 9)));
    teardown(&f);
    /* a study may set its own month */
    CU_ASSERT_EQUAL_FATAL(setup(&f, "define month = 30 days;\nlet m = 2 months;\n"), 0);
    CU_ASSERT_DOUBLE_EQUAL(let_at(&f, "m", 0).u.r, 60, 1e-12);
    teardown(&f);
}

static void test_windows(void)
{
    fixture f;
    CU_ASSERT_EQUAL_FATAL(setup(&f,
        "let sym7 = x within 7 days of t;\n"
        "let asym = x within [-7 days, +21 days] of t;\n"
        "let m6 = x within 6 months of t;\n"
        "let bef = x before t;\n"
        "let aft = x after t;\n"
        "let ovl = [x, y] overlaps [t - 7 days, t + 21 days];\n"
        "let btw = x between t - 7 days and t;\n"), 0);
    /* rows: +7 +8 -7 -8 +21 +22 -183 -182 0 missing */
    ASSERT_TV(&f, "sym7", "TFTFFFFFT?");
    ASSERT_TV(&f, "asym", "TTTFTFFFT?");
    /* 6 months = 182.625 days: 182 days is within, 183 is not */
    ASSERT_TV(&f, "m6", "TTTTTTFTT?");
    ASSERT_TV(&f, "bef", "FFTTFFTTF?");
    ASSERT_TV(&f, "aft", "TTFFTTFFF?");
    /* closed intervals; row 2 has no end (y missing) and starts inside the window:
     * unknown; row 4 ends the day before the window opens */
    ASSERT_TV(&f, "ovl", "T?TFTFFFT?");
    ASSERT_TV(&f, "btw", "FFTFFFFFT?");
    teardown(&f);
}

/* ---- three-valued logic ----------------------------------------------------------- */

static void test_three_valued(void)
{
    fixture f;
    CU_ASSERT_EQUAL_FATAL(setup(&f,
        "let a = flag and num > 3;\n"
        "let o = flag or num > 3;\n"
        "let n = not flag;\n"
        "let m = missing(flag);\n"
        "let c = coalesce(flag, false);\n"
        "let k = case when flag then 1 when not flag then 0 else 9 end;\n"), 0);
    /* flag: T F ? T F T T T T T ; num: 1 2 3 ? 5 6 7 8 9 10 */
    ASSERT_TV(&f, "a", "FFF?FTTTTT");
    ASSERT_TV(&f, "o", "TF?TTTTTTT");
    ASSERT_TV(&f, "n", "FT?FTFFFFF");
    ASSERT_TV(&f, "m", "FFTFFFFFFF");
    ASSERT_TV(&f, "c", "TFFTFTTTTT");
    CU_ASSERT_EQUAL(let_at(&f, "k", 2).u.i, 9);
    CU_ASSERT_EQUAL(let_at(&f, "k", 1).u.i, 0);
    teardown(&f);
}

/* ---- quantifiers -------------------------------------------------------------------- */

static void test_quantifiers(void)
{
    fixture f;
    CU_ASSERT_EQUAL_FATAL(setup(&f,
        "let n = count drugs d;\n"
        "let nt = count drugs d: d.agent == \"T-DM1\";\n"
        "let anyx = any drugs d: d.agent == \"T-DXd\";\n"
        "let allx = all drugs d: d.agent == \"T-DM1\";\n"
        "let f1 = first drugs d: d.start_date;\n"
        "let l1 = last drugs d where d.agent == \"T-DM1\": d.start_date;\n"
        "let mx = max drugs d: d.start_date;\n"
        "let s = sum drugs d: (d.end_date - d.start_date) / 1 day;\n"
        "let lx = last drugs d where d.agent == \"T-DM1\": d.start_date;\n"
        "let nested = any drugs d: lx > d.start_date;\n"
        "let huge = sum drugs d: 9223372036854775807;\n"), 0);
    /* an integer sum that overflows is missing (patient 1 has 3 drugs), not wrapped */
    CU_ASSERT(v_missing(let_at(&f, "huge", 0)));
    CU_ASSERT_EQUAL(let_at(&f, "huge", 1).u.i, INT64_MAX);
    CU_ASSERT_EQUAL(let_at(&f, "n", 0).u.i, 3);
    CU_ASSERT_EQUAL(let_at(&f, "n", 3).u.i, 0);
    CU_ASSERT_EQUAL(let_at(&f, "nt", 0).u.i, 2);
    /* patient 3's only drug has a missing agent: any is unknown, not false */
    ASSERT_TV(&f, "anyx", "TF?FFFFFFF");
    /* all over no rows is true */
    ASSERT_TV(&f, "allx", "FF?TTTTTTT");
    /* rows are ordered by date: the first is 2019-06-01 */
    value v = let_at(&f, "f1", 0);
    CU_ASSERT_DOUBLE_EQUAL(v.u.r, 18048, 0);   /* 2019-06-01 */
    CU_ASSERT_DOUBLE_EQUAL(let_at(&f, "l1", 0).u.r, 18262, 0);   /* 2020-01-01 */
    CU_ASSERT_DOUBLE_EQUAL(let_at(&f, "mx", 0).u.r, 18383, 0);   /* 2020-05-01 */
    CU_ASSERT(v_missing(let_at(&f, "f1", 5)));
    /* a missing end date makes the sum missing, never silently smaller */
    CU_ASSERT(v_missing(let_at(&f, "s", 0)));
    CU_ASSERT_DOUBLE_EQUAL(let_at(&f, "s", 1).u.r, 9, 0);
    /* a let whose own quantifier runs inside another's condition must not
     * move the outer row: the 2019-06-01 T-DM1 started before the last
     * (patients 2 and 3 have no T-DM1: unknown) */
    ASSERT_TV(&f, "nested", "T??FFFFFFF");
    teardown(&f);
}

/* ---- quantifiers met by several threads at once ------------------------------------------- */

/* Clones share their quantifiers' state (row groups, prefilters, spans).
 * A run builds it before its threads start (study.c pool_prepare); one a
 * thread meets unbuilt is built then, once, whichever threads meet it at
 * once.  Here no state is built before the threads start: each evaluates
 * every let for every patient right away, and must get what one thread
 * alone gets (under ThreadSanitizer: no race; under ASan: no prefilter
 * built twice and leaked). */
#define RACE_THREADS 4
static const char race_lets[] =
    "let n = count drugs d;\n"
    "let nt = count drugs d: d.agent == \"T-DM1\";\n"
    "let anyx = any drugs d: d.agent == \"T-DXd\";\n"
    "let allx = all drugs d: d.agent == \"T-DM1\";\n"
    "let l1 = last drugs d where d.agent == \"T-DM1\": d.start_date;\n"
    "let near = any drugs d: d.agent == \"T-DM1\" and d.start_date within [-1 year, 0 days] of t;\n"
    "let nested = any drugs d: l1 > d.start_date;\n";

typedef struct race_job {
    const study *st;
    evaluator *ev;
    atomic_int *gate;
    char out[512];
} race_job;

/* every let for every patient: "v,v,...;" per patient */
static void race_values(const study *st, evaluator *ev, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = 0;
    for (size_t r = 0; r < 10; r++) {
        eval_unit(ev, r);
        for (size_t i = 0; i < st->nlets; i++) {
            value v = eval_expr(ev, st->lets[i].s->value);
            if (v_missing(v)) len += (size_t)snprintf(out + len, cap - len, "?,");
            else if (v.t == TY_DATE) len += (size_t)snprintf(out + len, cap - len, "%.0f,", v.u.r);
            else len += (size_t)snprintf(out + len, cap - len, "%lld,", (long long)v.u.i);
            if (len >= cap) return;
        }
        len += (size_t)snprintf(out + len, cap - len, ";");
    }
}

static void *race_run(void *p)
{
    race_job *j = p;
    atomic_fetch_add(j->gate, 1);
    while (atomic_load(j->gate) < RACE_THREADS) { }   /* all start at once */
    race_values(j->st, j->ev, j->out, sizeof j->out);
    return NULL;
}

static void test_quantifiers_threads(void)
{
    fixture one, f;
    int bad = setup(&one, race_lets);
    if (bad) fprintf(stderr, "\n%s", one.cap.text);
    CU_ASSERT_EQUAL_FATAL(bad, 0);
    char want[512];
    race_values(one.st, one.ev, want, sizeof want);
    teardown(&one);
    CU_ASSERT_EQUAL_FATAL(setup(&f, race_lets), 0);
    atomic_int gate = 0;
    race_job jobs[RACE_THREADS];
    pthread_t th[RACE_THREADS];
    for (int t = 0; t < RACE_THREADS; t++) {
        jobs[t] = (race_job){f.st, t ? eval_clone(f.ev) : f.ev, &gate, {0}};
        CU_ASSERT_PTR_NOT_NULL_FATAL(jobs[t].ev);
    }
    for (int t = 0; t < RACE_THREADS; t++) CU_ASSERT_EQUAL_FATAL(pthread_create(&th[t], NULL, race_run, &jobs[t]), 0);
    for (int t = 0; t < RACE_THREADS; t++) pthread_join(th[t], NULL);
    for (int t = 0; t < RACE_THREADS; t++) {
        CU_ASSERT_STRING_EQUAL(jobs[t].out, want);
        if (strcmp(jobs[t].out, want)) fprintf(stderr, "\nthread %d: got %s\nwant %s\n", t, jobs[t].out, want);
        if (t) eval_free(jobs[t].ev);
    }
    teardown(&f);
}

/* ---- quantifier scope ----------------------------------------------------------------- */

/* three levels: patients 1 and 2 have courses 10, 11 and 20; course 10 has
 * lesions 100 and 101, course 11 lesion 110, course 20 lesion 200 */
static const char courses_csv[] = "course_id,patient_id,start_date\n"
                                  "10,1,2019-01-10\n11,1,2019-06-01\n20,2,2019-03-01\n";
static const char lesions_csv[] = "lesion_id,course_id,volume_cc\n"
                                  "100,10,0.5\n101,10,2.0\n110,11,1.5\n200,20,0.2\n";
static const char levels_header[] =
    "study \"t\";\n"
    "data csv \"%s\" {\n"
    "  table patients key patient_id;\n"
    "  table courses key course_id in patients order by start_date;\n"
    "  table lesions key lesion_id in courses;\n"
    "  table drugs in patients;\n"
    "}\n";

static void test_nested_scope(void)
{
    fixture f;
    /* a nested quantifier ranges over the rows of the enclosing row */
    CU_ASSERT_EQUAL_FATAL(setup_with(&f, levels_header,
        "unit patients;\n"
        "let n = sum courses c: count lesions l;\n"
        "let mx = max courses c: count lesions l;\n"
        "let big = count courses c: any c.lesions l: l.volume_cc > 1;\n"), 0);
    /* patient 1: 2 + 1 lesions (counting the patient's 3 per course would give 6) */
    CU_ASSERT_EQUAL(let_at(&f, "n", 0).u.i, 3);
    CU_ASSERT_EQUAL(let_at(&f, "n", 1).u.i, 1);
    CU_ASSERT_EQUAL(let_at(&f, "n", 2).u.i, 0);
    CU_ASSERT_EQUAL(let_at(&f, "mx", 0).u.i, 2);
    CU_ASSERT(v_missing(let_at(&f, "mx", 2)));
    /* courses 10 (101: 2.0) and 11 (110: 1.5) of patient 1; none of patient 2 */
    CU_ASSERT_EQUAL(let_at(&f, "big", 0).u.i, 2);
    CU_ASSERT_EQUAL(let_at(&f, "big", 1).u.i, 0);
    teardown(&f);

    /* from a lesion: its course's lesions, its patient's, others of the patient */
    CU_ASSERT_EQUAL_FATAL(setup_with(&f, levels_header,
        "unit lesions;\n"
        "let sib = count course.lesions l;\n"
        "let every = count patient.lesions l;\n"
        "let larger = count course.lesions l where l.volume_cc > volume_cc;\n"
        "let first_start = min patient.lesions l: l.course.start_date;\n"), 0);
    CU_ASSERT_EQUAL(let_at(&f, "sib", 0).u.i, 2);     /* lesion 100 */
    CU_ASSERT_EQUAL(let_at(&f, "sib", 2).u.i, 1);     /* lesion 110 */
    CU_ASSERT_EQUAL(let_at(&f, "every", 2).u.i, 3);
    CU_ASSERT_EQUAL(let_at(&f, "every", 3).u.i, 1);     /* lesion 200 */
    CU_ASSERT_EQUAL(let_at(&f, "larger", 0).u.i, 1);  /* 101 is larger than 100 */
    CU_ASSERT_EQUAL(let_at(&f, "larger", 1).u.i, 0);
    CU_ASSERT_DOUBLE_EQUAL(let_at(&f, "first_start", 2).u.r, 17906, 0);   /* 2019-01-10 */
    teardown(&f);

    /* an ambiguous reach is an error, never a guess */
    captured cap;
    memset(&cap, 0, sizeof cap);
    CU_ASSERT_EQUAL(setup_with(&f, levels_header, "unit lesions;\nlet a = count lesions l;\n"), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(f.cap.text, "ambiguous: which lesions of the unit (lesions)? "
                                              "write 'course.lesions' or 'patient.lesions'"));
    teardown(&f);
}

/* ---- endpoints ---------------------------------------------------------------------- */

static void test_endpoints(void)
{
    fixture f;
    CU_ASSERT_EQUAL_FATAL(setup(&f,
        "endpoint os { origin t; event death; censor fu; }\n"
        "endpoint ev { origin t; event x; competing death as \"death\"; censor fu; }\n"
        "let st = os.status;\n"
        "let tm = os.time / 1 day;\n"
        "let es = ev.status;\n"), 0);
    /* patient 2: died 2020-06-01 = fu -> event at 92 days */
    CU_ASSERT_EQUAL(let_at(&f, "st", 1).u.i, 1);
    CU_ASSERT_DOUBLE_EQUAL(let_at(&f, "tm", 1).u.r, 92, 0);
    /* patient 1: alive, censored at fu */
    CU_ASSERT_EQUAL(let_at(&f, "st", 0).u.i, 0);
    CU_ASSERT_DOUBLE_EQUAL(let_at(&f, "tm", 0).u.r, 365, 0);
    /* patient 4: no death and no follow-up date: unknown */
    CU_ASSERT(v_missing(let_at(&f, "st", 3)));
    /* patient 7: follow-up ends before the origin: unknown */
    CU_ASSERT(v_missing(let_at(&f, "st", 6)));
    /* patient 6: event x (t+22) before death (t+61): status 1 */
    CU_ASSERT_EQUAL(let_at(&f, "es", 5).u.i, 1);
    /* patient 1: event at t+7 */
    CU_ASSERT_EQUAL(let_at(&f, "es", 0).u.i, 1);
    teardown(&f);
}

/* ---- plugins -------------------------------------------------------------------------- */

/* A model's coefficient names shown with the labels (labels_term): the
 * longest variable of the formula that a name starts with decides. */
static void test_labels_term(void)
{
    fixture f;
    CU_ASSERT_EQUAL_FATAL(setup(&f, "let flag_txt = txt;\n"
                                    "label flag \"Flagged\" levels (true: \"yes\");\n"
                                    "label txt \"Text\";\n"),
                          0);
    const labelset *ls = f.st->labels;
    const char *fm = "y ~ flag + txt * flag_txt + strata(num) + ref(txt, \"a\")";
    char *s;
    CU_ASSERT_STRING_EQUAL((s = labels_term(ls, fm, "flagtrue")), "Flagged: yes");
    free(s);
    CU_ASSERT_STRING_EQUAL((s = labels_term(ls, fm, "txtb")), "Text: b");
    free(s);
    CU_ASSERT_STRING_EQUAL((s = labels_term(ls, fm, "txt")), "Text");
    free(s);
    /* flag_txt is the longer variable, and has no label */
    CU_ASSERT_PTR_NULL(labels_term(ls, fm, "flag_txtb"));
    CU_ASSERT_STRING_EQUAL((s = labels_term(ls, fm, "txtb:flag_txtc")), "Text: b \xc3\x97 flag_txtc");
    free(s);
    /* not a variable of the formula: "strata" is a function, "num" unlabelled */
    CU_ASSERT_PTR_NULL(labels_term(ls, fm, "(Intercept)"));
    CU_ASSERT_PTR_NULL(labels_term(ls, "y ~ num", "flagtrue"));
    CU_ASSERT_PTR_NULL(labels_term(ls, NULL, "flagtrue"));
    teardown(&f);
}

static void test_plugin_refusal(void)
{
    const char *dir = getenv("COHORT_BAD_PLUGINS");
    if (!dir) dir = "tests/plugins/.libs";
    plugin_reg *r = plugin_reg_new(&dir, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    diag dg;
    captured c = {{0}, 0};
    diag_init(&dg, capture, &c);
    loc l = {NULL, 1, 1, 1, 1};
    CU_ASSERT_PTR_NULL(plugin_estimator(r, "badabi", l, &dg, NULL));
    char want[160];
    snprintf(want, sizeof want, "is incompatible with this cohort (plugin ABI 2.0, host ABI 1.%d): "
             "abi_major is 2, this host expects 1; sizeof_call is", COHORT_ABI_MINOR);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, want));
    c.text[0] = 0;
    CU_ASSERT_PTR_NULL(plugin_estimator(r, "badmagic", l, &dg, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "magic is 0x12345678, not 0x43485254: not a cohort plugin"));
    c.text[0] = 0;
    CU_ASSERT_PTR_NULL(plugin_estimator(r, "noentry", l, &dg, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "has no cohort_plugin_entry(): "));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "undefined symbol: cohort_plugin_entry"));
    c.text[0] = 0;
    CU_ASSERT_PTR_NULL(plugin_estimator(r, "nosuch", l, &dg, NULL));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "no estimator plugin 'nosuch' (looked for nosuch.so in "));
    CU_ASSERT_EQUAL(plugin_reg_failures(r), 4);
    plugin_reg_free(r);
}

/* ---- runner ------------------------------------------------------------------------------ */

/* interval relations off whole days: fractional ends, open ends, missing
 * ends (interval.c; the whole-day bounds are the e2e case interval_bounds) */
static ivl iv(double s, double e, int so, int eo)
{
    ivl r = {s, e, 1, 1, (unsigned char)so, (unsigned char)eo};
    return r;
}

static void test_interval_relations(void)
{
    /* [0, 10 + 0.4375) holds days 0..10, so it meets a start on day 11 */
    ivl a = iv(0, 10.4375, 0, 1), b = iv(11, 20, 0, 0), c = iv(10, 20, 0, 0);
    CU_ASSERT_EQUAL(interval_relation(REL_MEETS, &a, &b), IV_T);
    CU_ASSERT_EQUAL(interval_relation(REL_MEETS, &b, &a), IV_T);
    CU_ASSERT_EQUAL(interval_relation(REL_MEETS, &a, &c), IV_F);
    CU_ASSERT_EQUAL(interval_relation(REL_OVERLAPS, &a, &c), IV_T);
    /* [0, 10) holds days 0..9: it meets a start on day 10, and is before it */
    ivl d = iv(0, 10, 0, 1);
    CU_ASSERT_EQUAL(interval_relation(REL_MEETS, &d, &c), IV_T);
    CU_ASSERT_EQUAL(interval_relation(REL_BEFORE, &d, &c), IV_T);
    CU_ASSERT_EQUAL(interval_relation(REL_OVERLAPS, &d, &c), IV_F);
    CU_ASSERT_EQUAL(interval_relation(REL_AFTER, &c, &d), IV_T);
    /* (10, 20] during [10, 20): the end 20 is outside */
    ivl e = iv(10, 20, 1, 0), f = iv(10, 20, 0, 1);
    CU_ASSERT_EQUAL(interval_relation(REL_DURING, &e, &f), IV_F);
    CU_ASSERT_EQUAL(interval_relation(REL_DURING, &f, &c), IV_T);
    CU_ASSERT_EQUAL(interval_relation(REL_DURING, &e, &c), IV_T);
    CU_ASSERT_EQUAL(interval_relation(REL_DURING, &c, &e), IV_F);
    /* a missing end: unknown unless the known ends decide */
    ivl g = {25, 0, 1, 0, 0, 0};
    CU_ASSERT_EQUAL(interval_relation(REL_OVERLAPS, &g, &c), IV_F);
    CU_ASSERT_EQUAL(interval_relation(REL_AFTER, &g, &c), IV_T);
    ivl wide = iv(0, 30, 0, 0);
    CU_ASSERT_EQUAL(interval_relation(REL_OVERLAPS, &g, &wide), IV_U);
    /* empty: [5, 5) and [6, 5] */
    ivl h = iv(5, 5, 0, 1), k = iv(6, 5, 0, 0);
    CU_ASSERT_EQUAL(interval_relation(REL_OVERLAPS, &h, &c), IV_U);
    CU_ASSERT_EQUAL(interval_relation(REL_BEFORE, &k, &c), IV_U);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cohort-lang-XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    write_file("patients.csv", patients_csv);
    write_file("drugs.csv", drugs_csv);
    write_file("courses.csv", courses_csv);
    write_file("lesions.csv", lesions_csv);
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("language", NULL, NULL);
    CU_add_test(s, "scanner errors", test_scanner_errors);
    CU_add_test(s, "parser recovery", test_parser_recovery);
    CU_add_test(s, "expression precedence", test_parse_expr_precedence);
    CU_add_test(s, "checker errors", test_checker_errors);
    CU_add_test(s, "durations", test_durations);
    CU_add_test(s, "window boundaries", test_windows);
    CU_add_test(s, "interval relations", test_interval_relations);
    CU_add_test(s, "three-valued logic", test_three_valued);
    CU_add_test(s, "quantifiers", test_quantifiers);
    CU_add_test(s, "quantifiers met by threads at once", test_quantifiers_threads);
    CU_add_test(s, "nested and cross-level scope", test_nested_scope);
    CU_add_test(s, "endpoints", test_endpoints);
    CU_add_test(s, "plugin refusal", test_plugin_refusal);
    CU_add_test(s, "labels of coefficient names", test_labels_term);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    return failures != 0;
}
