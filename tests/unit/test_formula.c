/* test_formula.c: formulas with interactions against R, from the rules text
 * to the fit.  Each case parses `estimate x(y ~ FORMULA);` with cohort's
 * parser (the terms as src/formula.c expands them, R's contrasts rule),
 * builds the interaction columns with the host's coding (src/interact.c)
 * and the design with the plugins' (plugins/common/design.c), then checks
 * the design's column names and values against R's model.matrix and the
 * fit of the plugins' cores (coxph, glm binomial, cmprsk::crr) against R's
 * coefficients and standard errors (tests/R/formula.R). */
#include "../../src/ast.h"
#include "../../src/diag.h"
#include "../../src/interact.h"
#include "../../src/parse.h"
#include "../../plugins/common/design.h"
#include "../../plugins/cox/coxfit.h"
#include "../../plugins/finegray/crr.h"
#include "../../plugins/logistic/irls.h"
#include "refdata.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TOL 1e-6

enum model { COX, LOGIT, CRR };

/* A variable of the formula: a data column, as a number or as a factor
 * whose integer codes 0, 1, ... (or 1, 2, ... with base 1) name labels. */
typedef struct tvar {
    const char *name, *column;
    int base;
    const char *labels[4];         /* NULL: numeric */
} tvar;

typedef struct tcase {
    const char *name;              /* tests/ref/formula_NAME_*.txt */
    const char *formula;           /* the right side, in the rules language */
    enum model model;
    tvar vars[6];
} tcase;

static void noprint(void *ctx, const diagnostic *d) { (void)ctx; (void)d; }

/* Parse `estimate x(y ~ rhs);` and return its formula (prog keeps it). */
static expr *parse_formula(program *prog, const char *rhs)
{
    char path[] = "/tmp/test_formulaXXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return NULL;
    FILE *f = fdopen(fd, "w");
    fprintf(f, "estimate x(y ~ %s);\n", rhs);
    fclose(f);
    diag dg;
    diag_init(&dg, noprint, NULL);
    int nerr = parse_file(prog, path, NULL, 0, &dg);
    unlink(path);
    if (nerr) return NULL;
    for (size_t i = 0; i < prog->nstmts; i++) {
        stmt *s = prog->stmts[i];
        if (s->kind == S_ESTIMATE && s->nargs == 1 && s->args[0].value->kind == E_FORMULA) return s->args[0].value;
    }
    return NULL;
}

/* The vector of variable e (a name) over the data rows; NULL if unknown. */
static cohort_vec *make_var(const tcase *c, const rd_table *d, const expr *e, cohort_vec *v)
{
    if (e->kind != E_NAME) return NULL;
    const tvar *tv = NULL;
    for (size_t k = 0; k < 6 && c->vars[k].name; k++)
        if (strcmp(c->vars[k].name, e->name) == 0) tv = &c->vars[k];
    if (!tv || rd_col(d, tv->column) < 0) return NULL;
    size_t n = d->nrow;
    memset(v, 0, sizeof *v);
    v->name = tv->name;
    v->n = n;
    v->missing = calloc(n, 1);
    if (tv->labels[0]) {
        const char **t = malloc(n * sizeof *t);
        for (size_t i = 0; i < n; i++) t[i] = tv->labels[(int)rd_get(d, i, tv->column) - tv->base];
        v->type = COHORT_TYPE_TEXT;
        v->text = t;
    } else {
        double *x = malloc(n * sizeof *x);
        for (size_t i = 0; i < n; i++) x[i] = rd_get(d, i, tv->column);
        v->type = COHORT_TYPE_REAL;
        v->num = x;
    }
    return v;
}

static void free_var(cohort_vec *v)
{
    free((void *)v->missing);
    free((void *)v->text);
    free((void *)v->num);
}

/* memory of the interaction columns, freed after the case */
typedef struct keeper {
    void *p[4096];
    size_t n;
} keeper;

static void *keep_alloc(void *ctx, size_t size)
{
    keeper *k = ctx;
    if (k->n == 4096) return NULL;
    return k->p[k->n++] = calloc(1, size ? size : 1);
}

static void run_case(const tcase *c)
{
    char path[512], what[200];
    rd_file df, rf;
    snprintf(path, sizeof path, "tests/ref/formula_%s_data.txt", c->name);
    CU_ASSERT_EQUAL_FATAL(rd_read(path, &df), 0);
    snprintf(path, sizeof path, "tests/ref/formula_%s_ref.txt", c->name);
    CU_ASSERT_EQUAL_FATAL(rd_read(path, &rf), 0);
    const rd_table *data = rd_table_get(&df, ""), *mm = rd_table_get(&rf, "mm"), *rc = rd_table_get(&rf, "coef");
    CU_ASSERT_FATAL(data && mm && rc);
    size_t n = data->nrow;

    program *prog = program_new();
    expr *f = parse_formula(prog, c->formula);
    CU_ASSERT_FATAL(f != NULL);

    /* the terms: main effects as they are, interactions as host columns */
    cohort_term terms[64];
    cohort_vec vecs[64];
    size_t nt = 0, nv = 0;
    unsigned char *use = malloc(n);
    memset(use, 1, n);
    keeper *kp = calloc(1, sizeof *kp);
    for (size_t k = 0; k < f->nitems; k++) {
        const expr *it = f->items[k];
        if (it->kind != E_INTERACT) {
            CU_ASSERT_FATAL(make_var(c, data, it, &vecs[nv]) != NULL);
            terms[nt].vec = vecs[nv++];
            terms[nt++].ref = NULL;
            continue;
        }
        size_t m = it->nitems;
        CU_ASSERT_FATAL(m <= 8);
        cohort_vec *vars = &vecs[nv];
        for (size_t j = 0; j < m; j++) CU_ASSERT_FATAL(make_var(c, data, it->items[j], &vecs[nv++]) != NULL);
        ia_term t = {m, vars, NULL, (unsigned)it->op};
        cohort_term *cols = NULL;
        char err[256] = "";
        size_t ncol = ia_columns(&t, n, use, keep_alloc, kp, &cols, err, sizeof err);
        CU_ASSERT_FATAL(ncol > 0);
        for (size_t j = 0; j < ncol && nt < 64; j++) terms[nt++] = cols[j];
    }
    pc_design d;
    char err[256] = "";
    CU_ASSERT_FATAL(pc_design_make(terms, nt, n, NULL, &d, err, sizeof err) == 0);

    /* R's model.matrix: the same columns, names and values */
    CU_ASSERT_EQUAL(d.p, mm->ncol);
    CU_ASSERT_EQUAL(d.n, mm->nrow);
    rd_tally tm = {0};
    for (size_t j = 0; j < d.p && j < mm->ncol; j++) {
        if (strcmp(d.names[j], mm->cols[j]) != 0) {
            fprintf(stderr, "%s: column %zu is %s, R's %s\n", c->name, j, d.names[j], mm->cols[j]);
            CU_FAIL("column name differs from R's model.matrix");
        }
        for (size_t i = 0; i < d.n && i < mm->nrow; i++) {
            snprintf(what, sizeof what, "%s model matrix [%zu, %s]", c->name, i, mm->cols[j]);
            rd_check(&tm, what, d.x[i * d.p + j], mm->v[i * mm->ncol + j], 1e-12, 1e-12);
        }
    }
    CU_ASSERT_EQUAL(tm.failed, 0);

    /* the fit */
    size_t p = d.p, off = c->model == LOGIT;
    double *coef = NULL, *var = NULL;
    cox_fit cf = {0};
    logit_fit lf = {0};
    crr_fit gf = {0};
    double *y = malloc(n * sizeof *y);
    int *ev = malloc(n * sizeof *ev);
    const double *time = data->v + rd_col(data, "time");
    double *tt = malloc(n * sizeof *tt);
    for (size_t i = 0; i < n; i++) {
        tt[i] = time[i * data->ncol];
        double st = rd_get(data, i, "status");
        ev[i] = c->model == CRR ? (int)st : st == 2;
        y[i] = st == 2;
    }
    int status = -1;
    if (c->model == COX) {
        cox_options o;
        cox_options_default(&o);
        cox_data cd = {n, p, NULL, tt, ev, d.x, NULL, NULL, 0, NULL};
        status = cox_fit_model(&cd, &o, &cf);
        coef = cf.coef;
        var = cf.var;
    } else if (c->model == LOGIT) {
        logit_options o;
        logit_options_default(&o);
        status = logit_fit_model(n, p, d.x, y, &o, &lf);
        coef = lf.coef;
        var = lf.var;
        p++;
    } else {
        crr_options o;
        crr_options_default(&o);
        crr_data gd = {n, p, tt, ev, d.x};
        status = crr_fit_model(&gd, &o, &gf);
        coef = gf.coef;
        var = gf.var;
    }
    CU_ASSERT_EQUAL_FATAL(status, 0);
    CU_ASSERT_EQUAL(rc->nrow, p);
    rd_tally tc = {0};
    for (size_t j = 0; j < p && j < rc->nrow; j++) {
        const char *nm = off && j == 0 ? "(Intercept)" : d.names[j - off];
        snprintf(what, sizeof what, "%s coef %s", c->name, nm);
        rd_check(&tc, what, coef[j], rd_get(rc, j, "coef"), TOL, 1e-10);
        snprintf(what, sizeof what, "%s se %s", c->name, nm);
        rd_check(&tc, what, sqrt(var[j * p + j]), rd_get(rc, j, "se"), TOL, 1e-10);
    }
    CU_ASSERT_EQUAL(tc.failed, 0);
    fprintf(stderr, "%s: %zu model matrix cells, %zu coefficients and SEs; largest relative difference %.2g\n",
            c->name, tm.checked, tc.checked, tc.maxrel);

    cox_fit_free(&cf);
    logit_fit_free(&lf);
    crr_fit_free(&gf);
    free(y);
    free(ev);
    free(tt);
    pc_design_free(&d);
    for (size_t k = 0; k < kp->n; k++) free(kp->p[k]);
    free(kp);
    for (size_t k = 0; k < nv; k++) free_var(&vecs[k]);
    free(use);
    program_free(prog);
    rd_free(&df);
    rd_free(&rf);
}

static const tcase cases[] = {
    {"cox_lung", "age * sexf + ecog:sexf", COX,
     {{"age", "age", 0, {NULL}}, {"sexf", "sex", 1, {"male", "female"}}, {"ecog", "ecog", 0, {"0", "1", "2+"}}}},
    {"logit_lung", "age * karno + sexf * ecog", LOGIT,
     {{"age", "age", 0, {NULL}}, {"karno", "karno", 0, {NULL}}, {"sexf", "sex", 1, {"male", "female"}},
      {"ecog", "ecog", 0, {"0", "1", "2+"}}}},
    {"crr_mgus2", "age * sex + hgb:sex", CRR,
     {{"age", "age", 0, {NULL}}, {"sex", "sex", 1, {"F", "M"}}, {"hgb", "hgb", 0, {NULL}}}},
};

static void test_cox(void) { run_case(&cases[0]); }
static void test_logit(void) { run_case(&cases[1]); }
static void test_crr(void) { run_case(&cases[2]); }

/* The terms as R's terms.formula orders them, with R's contrasts rule. */
static void test_terms(void)
{
    static const struct { const char *rhs; const char *terms; } t[] = {
        {"a * b", "a b a:b[11]"},
        {"a:b + a", "a a:b[01]"},                 /* a fully coded (b is not a term), b by contrasts */
        {"b:a + a", "a b:a[10]"},                 /* variables in order of first appearance: b, a */
        {"z:a", "z:a[00]"},
        {"a * b * c", "a b c a:b[11] a:c[11] b:c[11] a:b:c[111]"},
        {"(a + b) * c", "a b c a:c[11] b:c[11]"},
        {"a + a + a:b + b:a", "a a:b[01]"},
        {"a*b + a:b:c", "a b a:b[11] a:b:c[001]"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        program *prog = program_new();
        expr *f = parse_formula(prog, t[i].rhs);
        CU_ASSERT_FATAL(f != NULL);
        char got[256] = "";
        for (size_t k = 0; k < f->nitems; k++) {
            const expr *it = f->items[k];
            size_t l = strlen(got);
            if (it->kind != E_INTERACT) {
                snprintf(got + l, sizeof got - l, "%s%s", k ? " " : "", it->name);
                continue;
            }
            for (size_t j = 0; j < it->nitems; j++) {
                l = strlen(got);
                snprintf(got + l, sizeof got - l, "%s%s", j ? ":" : k ? " " : "", it->items[j]->name);
            }
            l = strlen(got);
            snprintf(got + l, sizeof got - l, "[");
            for (size_t j = 0; j < it->nitems; j++) {
                l = strlen(got);
                snprintf(got + l, sizeof got - l, "%d", (it->op >> j) & 1);
            }
            strcat(got, "]");
        }
        if (strcmp(got, t[i].terms) != 0) fprintf(stderr, "%s: got %s, want %s\n", t[i].rhs, got, t[i].terms);
        CU_ASSERT_STRING_EQUAL(got, t[i].terms);
        program_free(prog);
    }
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("formula", NULL, NULL);
    CU_add_test(s, "terms as R expands them", test_terms);
    CU_add_test(s, "coxph(Surv(time, status) ~ age * sexf + ecog:sexf, lung)", test_cox);
    CU_add_test(s, "glm(dead ~ age * karno + sexf * ecog, binomial, lung)", test_logit);
    CU_add_test(s, "crr(..., model.matrix(~ age * sex + hgb:sex, mgus2)[, -1])", test_crr);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned fails = CU_get_number_of_failures();
    CU_cleanup_registry();
    return fails != 0;
}
