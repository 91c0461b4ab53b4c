/* table1.c: the `table1` estimator plugin (ABI glue): baseline
 * characteristics by group as in the papers' Table 1 -- n (%) of each level
 * of categorical characteristics, mean (SD) or median [IQR] of continuous
 * ones, with p-values of tests between the groups and standardised mean
 * differences.  The statistics come from t1test.c, fexact.c, fisheror.c,
 * smd.c and ../describe/summary.c.
 *
 * Rows whose `by` is missing are dropped (with a warning); missing values
 * of a characteristic are left out of its summary and test and counted on
 * its "missing" row, as tableone does.  With several rows per unit
 * (counting-process data) each unit's first row describes it. */
#include <cohort/plugin.h>
#include "t1test.h"
#include "fexact.h"
#include "fisheror.h"
#include "smd.h"
#include "../describe/summary.h"
#include "../common/fitcheck.h"
#include "../common/pcommon.h"
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cohort_param t1_params[] = {
    {"by", COHORT_ARG_COLUMN, 1, "the groups compared (columns of the table)"},
    {"vars", COHORT_ARG_COLUMNS, 1, "the characteristics (rows of the table)"},
    {"tests", COHORT_ARG_BOOL, 0, "p-values of tests between the groups, default true"},
    {"smd", COHORT_ARG_BOOL, 0, "standardised mean differences, default true"},
    {"summary", COHORT_ARG_TEXT, 0,
     "how continuous vars are shown: \"median\" (median [IQR], Wilcoxon / Kruskal-Wallis tests) or "
     "\"mean\" (mean (SD), t tests / one-way tests), default \"median\""},
    {"nonnormal", COHORT_ARG_COLUMNS | COHORT_ARG_LIST, 0,
     "continuous vars shown as median [IQR] and compared by Wilcoxon / Kruskal-Wallis tests"},
    {"normal", COHORT_ARG_COLUMNS | COHORT_ARG_LIST, 0,
     "continuous vars shown as mean (SD) and compared by t tests / one-way tests"},
    {"exact", COHORT_ARG_COLUMNS | COHORT_ARG_LIST, 0,
     "categorical vars compared by Fisher's exact test instead of chi-squared"},
    {"auto_exact", COHORT_ARG_BOOL, 0,
     "Fisher's exact test in place of chi-squared when an expected count is below 5, default true"},
    {"factor", COHORT_ARG_COLUMNS | COHORT_ARG_LIST, 0, "numeric vars treated as categorical"},
    {"yates", COHORT_ARG_BOOL, 0, "Yates' continuity correction of 2 x 2 chi-squared tests, default false"},
    {"welch", COHORT_ARG_BOOL, 0, "unequal variances in t tests and one-way tests (Welch), default true"},
    {"overall", COHORT_ARG_BOOL, 0, "add a column for all groups together, default true"},
    {"missing", COHORT_ARG_BOOL, 0, "show the number of missing values of each var, default true"},
    {"digits", COHORT_ARG_NUMBER, 0, "decimals of means, SDs, medians and percentages, default 1"},
    {"conf_level", COHORT_ARG_NUMBER, 0,
     "level of the intervals of mean differences (t tests) and odds ratios (2 x 2 Fisher), default 0.95"},
    {"continuity", COHORT_ARG_BOOL, 0,
     "continuity correction of Wilcoxon tests' normal approximation, default true (as wilcox.test)"},
};

enum { T1_CONT = 1, T1_CAT = 2, T1_DATE = 3 };
/* the indentation of a level under its var in the display table (HTML
 * turns leading spaces into a margin) */
#define T1_INDENT "    "
enum { T1_NONE = 0, T1_CHISQ, T1_FISHER, T1_WELCH, T1_STUDENT, T1_WILCOX, T1_ANOVA,
       T1_WANOVA, T1_KRUSKAL };
/* names of the tests, in step with the enum above */
static const char *const t1_test_names[] = {
    "", "chi-squared", "Fisher's exact", "Welch t test", "t test", "Wilcoxon rank-sum",
    "one-way ANOVA", "Welch one-way test", "Kruskal-Wallis"};
/* their names in the table's footnote, in step with the enum above */
static const char *const t1_test_notes[] = {
    "", "Pearson's chi-squared test", "Fisher's exact test", "Welch two-sample t test",
    "two-sample t test", "Wilcoxon rank-sum test", "one-way ANOVA", "Welch one-way test",
    "Kruskal-Wallis rank-sum test"};

typedef struct t1_opts {
    int tests, smd, yates, welch, overall, missing, digits, continuity, auto_exact;
    int mean;               /* summary: "mean" */
    double conf_level;
} t1_opts;

/* One characteristic, summarised. */
typedef struct t1_var {
    const cohort_vec *v;
    int kind, nonnormal, normal, exact, factor;
    int median;             /* continuous: shown as median [IQR], rank tests */
    int onerow;             /* boolean: one row, n (%) of true */
    int auto_fisher;        /* Fisher's test chosen for a small expected count */
    double scale;           /* divide values by this for display (durations) */
    size_t *nobs, *nmiss;   /* per group, [ng] = overall */
    ds_numeric *num;        /* continuous: per group and overall */
    pc_factor f;            /* categorical: levels */
    size_t nlev;            /* levels with rows */
    size_t *levmap;         /* level index of each used level */
    double *count;          /* categorical: count[l * (ng + 1) + g] */
    double *expected;       /* chi-squared: expected counts, laid out as count; NULL if none */
    int test;               /* T1_* */
    t1_test res;
    int has_p;
    double smd;
    size_t drow, dmiss;     /* display rows: the var's; missing, or SIZE_MAX */
    size_t *lrow;           /* categorical: display row of each used level, or SIZE_MAX */
} t1_var;

typedef struct t1_ctx {
    const cohort_host *host;
    const cohort_call *call;
    t1_opts o;
    const cohort_vec *by;
    pc_factor bf;
    size_t ng;              /* groups with rows */
    size_t *glevel;         /* factor level of each group */
    int *grp;               /* per row: group, or -1 when not used */
    size_t *gn;             /* rows per group, [ng] = all */
    size_t nvars;
    t1_var *vars;
    cohort_table *disp;     /* the display table, its count columns (group k, [ng] overall or -1) */
    int *dcol;
    size_t nrow;            /* its "n" row (SIZE_MAX: N = n in the headers) */
    int privacy;            /* a small-cell rule is in force */
} t1_ctx;

static void t1_ctx_free(t1_ctx *c)
{
    for (size_t i = 0; c->vars && i < c->nvars; i++) {
        t1_var *v = &c->vars[i];
        free(v->nobs);
        free(v->nmiss);
        free(v->num);
        free(v->levmap);
        free(v->lrow);
        free(v->count);
        free(v->expected);
        pc_factor_free(&v->f);
    }
    free(c->vars);
    free(c->dcol);
    free(c->glevel);
    free(c->grp);
    free(c->gn);
    pc_factor_free(&c->bf);
}

static int t1_bool(const cohort_call *call, const char *name, int def)
{
    const cohort_arg *a = cohort_arg_get(call, name);
    return a ? a->num != 0 : def;
}

/* Names given to a list option (nonnormal, exact, factor). */
static size_t t1_names(const cohort_arg *a, size_t i, const char **name)
{
    if (!a) return 0;
    if (a->kind == COHORT_ARG_COLUMNS) {
        if (name) *name = a->columns.vecs[i].name;
        return a->columns.n;
    }
    if (a->kind == COHORT_ARG_LIST && a->list.type == COHORT_TYPE_TEXT) {
        if (name) *name = a->list.text[i];
        return a->list.n;
    }
    return (size_t)-1;
}

/* Mark the vars named by option `opt` through `flag` (an offset into
 * t1_var).  Returns 0 or 1 after host->error. */
static int t1_mark(t1_ctx *c, const char *opt, size_t flag)
{
    const cohort_arg *a = cohort_arg_get(c->call, opt);
    size_t n = t1_names(a, 0, NULL);
    if (n == (size_t)-1) {
        c->host->error(c->call, "%s: give a list of vars, e.g. %s: [age]", opt, opt);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = "";
        t1_names(a, i, &name);
        size_t k = 0;
        while (k < c->nvars && strcmp(c->vars[k].v->name, name) != 0) k++;
        if (k == c->nvars) {
            c->host->error(c->call, "%s: '%s' is not one of vars", opt, name);
            return 1;
        }
        *(int *)((char *)&c->vars[k] + flag) = 1;
    }
    return 0;
}

/* Options, `by` and the rows used.  Returns 0 or 1 after host->error. */
static int t1_setup(t1_ctx *c)
{
    const cohort_call *call = c->call;
    const cohort_host *host = c->host;
    c->o.tests = t1_bool(call, "tests", 1);
    c->o.smd = t1_bool(call, "smd", 1);
    c->o.yates = t1_bool(call, "yates", 0);
    c->o.welch = t1_bool(call, "welch", 1);
    c->o.overall = t1_bool(call, "overall", 1);
    c->o.missing = t1_bool(call, "missing", 1);
    c->o.continuity = t1_bool(call, "continuity", 1);
    c->o.auto_exact = t1_bool(call, "auto_exact", 1);
    const cohort_arg *sm = cohort_arg_get(call, "summary");
    if (sm && sm->kind == COHORT_ARG_TEXT) {
        if (strcmp(sm->text, "mean") != 0 && strcmp(sm->text, "median") != 0) {
            host->error(call, "summary: give \"median\" or \"mean\"");
            return 1;
        }
        c->o.mean = strcmp(sm->text, "mean") == 0;
    }
    c->o.conf_level = 0.95;
    if (pc_conf_level(host, call, &c->o.conf_level) != 0) return 1;
    c->o.digits = 1;
    const cohort_arg *a = cohort_arg_get(call, "digits");
    if (a) {
        if (!(a->num >= 0 && a->num <= 10) || a->num != floor(a->num)) {
            host->error(call, "digits: give a whole number from 0 to 10");
            return 1;
        }
        c->o.digits = (int)a->num;
    }
    const cohort_arg *by = cohort_arg_get(call, "by");
    const cohort_arg *vars = cohort_arg_get(call, "vars");
    if (!by || by->kind != COHORT_ARG_COLUMN || !vars || vars->kind != COHORT_ARG_COLUMNS) {
        host->error(call, "table1 needs by: a column and vars: a list of columns");
        return 1;
    }
    if (vars->columns.n == 0) {
        host->error(call, "vars: give at least one characteristic");
        return 1;
    }
    c->by = &by->vec;
    if (pc_factor_make(c->by, NULL, &c->bf) != 0 || pc_factor_order(c->host, c->call, c->by, &c->bf) != 0) {
        host->error(call, "out of memory coding %s", c->by->name);
        return 1;
    }
    size_t n = call->nrows, nlev = c->bf.nlevels;
    c->grp = malloc((n + 1) * sizeof *c->grp);
    c->glevel = calloc(nlev + 1, sizeof *c->glevel);
    c->gn = calloc(nlev + 2, sizeof *c->gn);
    c->nvars = vars->columns.n;
    c->vars = calloc(c->nvars, sizeof *c->vars);
    unsigned char *seen = call->row_unit ? calloc(call->nunits + 1, 1) : NULL;
    if (!c->grp || !c->glevel || !c->gn || !c->vars || (call->row_unit && !seen)) {
        free(seen);
        host->error(call, "out of memory");
        return 1;
    }
    size_t dropped = 0, later = 0;
    for (size_t i = 0; i < n; i++) {
        c->grp[i] = -1;
        if (seen) {
            size_t u = call->row_unit[i];
            if (u < call->nunits && seen[u]) {
                later++;
                continue;
            }
            if (u < call->nunits) seen[u] = 1;
        }
        if (c->bf.code[i] < 0) {
            dropped++;
            continue;
        }
        c->grp[i] = c->bf.code[i];
        c->glevel[c->bf.code[i]] = 1;
    }
    free(seen);
    if (later)
        host->note(call, "%zu later rows of units with several rows left out: each unit is "
                   "described by its first row", later);
    if (dropped)
        host->warning(call, "%zu of %zu %s dropped: %s is missing", dropped, n - later,
                      call->row_unit ? "units" : "rows", c->by->name);
    /* groups: levels that kept rows, in level order */
    for (size_t k = 0; k < nlev; k++)
        if (c->glevel[k]) c->glevel[k] = ++c->ng;
    for (size_t i = 0; i < n; i++)
        if (c->grp[i] >= 0) {
            c->grp[i] = (int)c->glevel[c->grp[i]] - 1;
            c->gn[c->grp[i]]++;
            c->gn[c->ng]++;
        }
    for (size_t k = 0, g = 0; k < nlev; k++)
        if (c->glevel[k]) c->glevel[g++] = k;
    if (c->ng == 0) {
        host->error(call, "no rows with %s known", c->by->name);
        return 1;
    }
    if (c->ng < 2 && (c->o.tests || c->o.smd)) {
        /* nothing to compare: the shared rule (fitcheck.h) */
        char msg[512];
        pc_fit_one_value_text(msg, sizeof msg, PC_FIT_BY, c->by->name, c->bf.labels[c->glevel[0]], c->gn[c->ng]);
        host->error(call, "%s", msg);
        return 1;
    }
    for (size_t k = 0; k < c->nvars; k++) {
        t1_var *v = &c->vars[k];
        v->v = &vars->columns.vecs[k];
        v->scale = 1;
        switch (v->v->type) {
        case COHORT_TYPE_TEXT:
        case COHORT_TYPE_BOOL: v->kind = T1_CAT; break;
        case COHORT_TYPE_DATE: v->kind = T1_DATE; break;
        case COHORT_TYPE_DURATION:
            v->kind = T1_CONT;
            if (call->time_unit_days > 0) v->scale = call->time_unit_days;
            break;
        default: v->kind = T1_CONT; break;
        }
    }
    if (t1_mark(c, "nonnormal", offsetof(t1_var, nonnormal)) != 0 ||
        t1_mark(c, "normal", offsetof(t1_var, normal)) != 0 ||
        t1_mark(c, "exact", offsetof(t1_var, exact)) != 0 ||
        t1_mark(c, "factor", offsetof(t1_var, factor)) != 0)
        return 1;
    for (size_t k = 0; k < c->nvars; k++) {
        t1_var *v = &c->vars[k];
        if (v->factor) v->kind = T1_CAT;
        if (v->exact && v->kind != T1_CAT) {
            host->error(call, "exact: %s is not categorical (list it in factor: to treat it so)",
                        v->v->name);
            return 1;
        }
        if ((v->nonnormal || v->normal) && v->kind == T1_CAT) {
            host->error(call, "%s: %s is categorical", v->nonnormal ? "nonnormal" : "normal", v->v->name);
            return 1;
        }
        if (v->nonnormal && v->normal) {
            host->error(call, "%s is in both normal and nonnormal", v->v->name);
            return 1;
        }
        v->median = v->kind == T1_DATE || v->nonnormal || (!v->normal && !c->o.mean);
        v->onerow = v->kind == T1_CAT && v->v->type == COHORT_TYPE_BOOL && !v->factor;
    }
    /* a characteristic with one value cannot be compared (the shared rule) */
    if (c->o.tests || c->o.smd) {
        unsigned char *use = malloc(n + 1);
        if (!use) {
            host->error(call, "out of memory");
            return 1;
        }
        for (size_t i = 0; i < n; i++) use[i] = c->grp[i] >= 0;
        for (size_t k = 0; k < c->nvars; k++)
            if (pc_fit_varies(host, call, PC_FIT_VAR, c->vars[k].v, use, c->gn[c->ng])) {
                free(use);
                return 1;
            }
        free(use);
    }
    return 0;
}

/* Summaries of categorical var v: counts by used level and group. */
static int t1_count(t1_ctx *c, t1_var *v)
{
    size_t ng = c->ng, n = c->call->nrows;
    if (pc_factor_make(v->v, NULL, &v->f) != 0 || pc_factor_order(c->host, c->call, v->v, &v->f) != 0) return -2;
    size_t nl = v->f.nlevels;
    double *all = calloc((nl + 1) * (ng + 1), sizeof *all);
    v->levmap = calloc(nl + 1, sizeof *v->levmap);
    if (!all || !v->levmap) {
        free(all);
        return -2;
    }
    for (size_t i = 0; i < n; i++) {
        int g = c->grp[i];
        if (g < 0) continue;
        int l = v->f.code[i];
        if (l < 0) {
            v->nmiss[g]++;
            v->nmiss[ng]++;
            continue;
        }
        v->nobs[g]++;
        v->nobs[ng]++;
        all[(size_t)l * (ng + 1) + (size_t)g] += 1;
        all[(size_t)l * (ng + 1) + ng] += 1;
    }
    /* keep the levels seen among the rows used */
    for (size_t l = 0; l < nl; l++)
        if (all[l * (ng + 1) + ng] > 0) {
            memmove(all + v->nlev * (ng + 1), all + l * (ng + 1), (ng + 1) * sizeof *all);
            v->levmap[v->nlev++] = l;
        }
    v->count = all;
    return 0;
}

/* Values of continuous var v (non-missing, used rows) and their groups. */
static int t1_values(t1_ctx *c, t1_var *v, double *x, int *g, size_t *m)
{
    size_t ng = c->ng, k = 0;
    for (size_t i = 0; i < c->call->nrows; i++) {
        int gi = c->grp[i];
        if (gi < 0) continue;
        if (v->v->missing[i] || !isfinite(v->v->num[i])) {
            v->nmiss[gi]++;
            v->nmiss[ng]++;
            continue;
        }
        v->nobs[gi]++;
        v->nobs[ng]++;
        x[k] = v->v->num[i];
        g[k++] = gi;
    }
    *m = k;
    return 0;
}

/* Values of group gi among x/g into out; returns how many. */
static size_t t1_select(const double *x, const int *g, size_t m, int gi, double *out)
{
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (g[i] == gi) out[k++] = x[i];
    return k;
}

/* Report the outcome of a test function; returns 0, or 1 after
 * host->error when memory ran out. */
static int t1_test_rc(t1_ctx *c, t1_var *v, int rc)
{
    if (rc == -2) {
        c->host->error(c->call, "out of memory");
        return 1;
    }
    if (rc == -3)
        c->host->warning(c->call, "%s: the table is too large for Fisher's exact test; no p-value "
                         "(use the chi-squared test: leave it out of exact)", v->v->name);
    else if (rc != 0)
        c->host->warning(c->call, "%s: %s not computed (too few or constant values)", v->v->name,
                         t1_test_names[v->test]);
    else if (isfinite(v->res.p))
        v->has_p = 1;
    return 0;
}

/* The expected counts of the chi-squared test on tab (levels x the gk
 * groups with values) into v->expected, laid out as v->count.  Returns 0 or
 * -2 when memory ran out. */
static int t1_cat_expected(t1_var *v, size_t ng, const double *tab, size_t gk)
{
    size_t nl = v->nlev;
    double *e = malloc(nl * gk * sizeof *e);
    v->expected = malloc(nl * (ng + 1) * sizeof *v->expected);
    if (!e || !v->expected || t1_expected(tab, nl, gk, e) != 0) {
        free(e);
        return -2;
    }
    for (size_t l = 0; l < nl; l++)
        for (size_t g = 0, k = 0; g <= ng; g++)
            v->expected[l * (ng + 1) + g] = g < ng && v->nobs[g] ? e[l * gk + k++] : NAN;
    free(e);
    return 0;
}

/* Fisher's exact test of the nl x gk table tab into v->res, with the odds
 * ratio of a 2 x 2 table.  Returns 0, -1, -2 (memory) or -3 (too large). */
static int t1_fisher(const t1_ctx *c, t1_var *v, const double *tab, size_t nl, size_t gk)
{
    t1_test_clear(&v->res);
    int rc = nl == 2 && gk == 2 ? t1_fisher2x2(tab, &v->res) : t1_fisher_rxc(tab, nl, gk, 0, &v->res.p);
    if (rc == 0) v->res.exact = 1;
    if (rc == 0 && nl == 2 && gk == 2 &&
        t1_fisher_or(tab, c->o.conf_level, &v->res.estimate, &v->res.lower, &v->res.upper) == -2)
        rc = -2;
    return rc;
}

/* Test and SMD of categorical var v: Fisher's exact test when listed in
 * exact, else Pearson's chi-squared test, replaced by Fisher's when an
 * expected count is below 5 (auto_exact, as gtsummary's add_p). */
static int t1_cat_stats(t1_ctx *c, t1_var *v)
{
    size_t ng = c->ng, nl = v->nlev, gk = 0;
    if (c->o.tests && ng >= 2 && nl >= 2) {
        /* levels x groups with values */
        double *tab = malloc(nl * ng * sizeof *tab);
        if (!tab) return t1_test_rc(c, v, -2);
        for (size_t g = 0; g < ng; g++) {
            if (v->nobs[g] == 0) continue;
            for (size_t l = 0; l < nl; l++) tab[l * ng + gk] = v->count[l * (ng + 1) + g];
            gk++;
        }
        /* compact rows to gk columns */
        for (size_t l = 0; l < nl; l++)
            memmove(tab + l * gk, tab + l * ng, gk * sizeof *tab);
        int rc = -1;
        t1_test_clear(&v->res);
        if (gk >= 2) {
            if (v->exact) {
                v->test = T1_FISHER;
                rc = t1_fisher(c, v, tab, nl, gk);
            } else {
                v->test = T1_CHISQ;
                rc = t1_chisq(tab, nl, gk, c->o.yates, &v->res);
                if (rc == 0) rc = t1_cat_expected(v, ng, tab, gk);
                if (rc == 0 && c->o.auto_exact && v->res.min_expected < 5) {
                    t1_test chisq = v->res;
                    int frc = t1_fisher(c, v, tab, nl, gk);
                    if (frc == 0) {
                        v->test = T1_FISHER;
                        v->auto_fisher = 1;
                    } else if (frc == -3) {
                        v->res = chisq;
                        c->host->warning(c->call, "%s: an expected count is below 5 but the table is too "
                                         "large for Fisher's exact test: chi-squared test kept",
                                         v->v->name);
                    } else {
                        v->test = T1_FISHER;
                        rc = frc;
                    }
                }
            }
        } else {
            v->test = v->exact ? T1_FISHER : T1_CHISQ;
        }
        free(tab);
        if (t1_test_rc(c, v, rc) != 0) return 1;
    }
    v->smd = NAN;
    if (c->o.smd && ng >= 2) {
        double *prop = malloc((nl + 1) * ng * sizeof *prop);
        if (!prop) return t1_test_rc(c, v, -2);
        int ok = 1;
        for (size_t g = 0; g < ng; g++) {
            if (v->nobs[g] == 0) ok = 0;
            for (size_t l = 0; l < nl; l++)
                prop[g * nl + l] = v->nobs[g] ? v->count[l * (ng + 1) + g] / (double)v->nobs[g] : 0;
        }
        if (ok && nl >= 2) v->smd = ng == 2 ? t1_smd_cat(prop, prop + nl, nl)
                                            : t1_smd_cat_groups(prop, ng, nl);
        else if (ok) v->smd = 0;
        free(prop);
    }
    return 0;
}

/* Summaries, test and SMD of continuous (or date) var v. */
static int t1_cont_stats(t1_ctx *c, t1_var *v)
{
    size_t ng = c->ng, n = c->call->nrows, m = 0;
    double *x = malloc((n + 1) * sizeof *x), *sub = malloc((n + 1) * sizeof *sub);
    int *g = malloc((n + 1) * sizeof *g);
    v->num = calloc(ng + 1, sizeof *v->num);
    int rc = 1;
    if (!x || !sub || !g || !v->num) {
        c->host->error(c->call, "out of memory");
        goto out;
    }
    t1_values(c, v, x, g, &m);
    for (size_t k = 0; k <= ng; k++) {
        size_t mk = k < ng ? t1_select(x, g, m, (int)k, sub) : m;
        if (ds_numeric_summary(k < ng ? sub : x, mk, &v->num[k]) != 0) {
            c->host->error(c->call, "out of memory");
            goto out;
        }
    }
    /* groups with values, recoded 0..gk-1 */
    size_t gk = 0;
    int *recode = malloc((ng + 1) * sizeof *recode);
    if (!recode) {
        c->host->error(c->call, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < ng; k++) recode[k] = v->nobs[k] ? (int)gk++ : -1;
    if (c->o.tests && ng >= 2) {
        int trc = -1;
        int rank = v->median;
        if (gk == 2 || (gk < 2 && ng == 2)) v->test = rank ? T1_WILCOX : c->o.welch ? T1_WELCH : T1_STUDENT;
        else v->test = rank ? T1_KRUSKAL : c->o.welch ? T1_WANOVA : T1_ANOVA;
        if (gk == 2) {
            /* the first and second groups with values */
            size_t a = 0;
            while (recode[a] != 0) a++;
            size_t b = a + 1;
            while (recode[b] != 1) b++;
            size_t na = t1_select(x, g, m, (int)a, sub);
            size_t nb = t1_select(x, g, m, (int)b, sub + na);
            trc = rank ? t1_wilcox(sub, na, sub + na, nb, c->o.continuity, &v->res)
                       : t1_ttest(sub, na, sub + na, nb, !c->o.welch, c->o.conf_level, &v->res);
        } else if (gk > 2) {
            for (size_t i = 0; i < m; i++) g[i] = recode[g[i]];
            trc = rank ? t1_kruskal(x, g, m, gk, &v->res)
                       : t1_oneway(x, g, m, gk, !c->o.welch, &v->res);
        }
        if (t1_test_rc(c, v, trc) != 0) {
            free(recode);
            goto out;
        }
    }
    free(recode);
    v->smd = NAN;
    if (c->o.smd && ng >= 2) {
        double *mean = malloc(ng * sizeof *mean), *sd = malloc(ng * sizeof *sd);
        if (!mean || !sd) {
            free(mean);
            free(sd);
            c->host->error(c->call, "out of memory");
            goto out;
        }
        for (size_t k = 0; k < ng; k++) {
            mean[k] = v->num[k].mean;
            sd[k] = v->num[k].sd;
        }
        v->smd = ng == 2 ? t1_smd_cont(mean[0], sd[0], mean[1], sd[1])
                         : t1_smd_cont_groups(mean, sd, ng);
        free(mean);
        free(sd);
    }
    rc = 0;
out:
    free(x);
    free(sub);
    free(g);
    return rc;
}

static int t1_summarise(t1_ctx *c)
{
    for (size_t k = 0; k < c->nvars; k++) {
        t1_var *v = &c->vars[k];
        v->nobs = calloc(c->ng + 1, sizeof *v->nobs);
        v->nmiss = calloc(c->ng + 1, sizeof *v->nmiss);
        v->smd = NAN;
        if (!v->nobs || !v->nmiss) {
            c->host->error(c->call, "out of memory");
            return 1;
        }
        if (v->kind == T1_CAT) {
            if (t1_count(c, v) != 0) {
                c->host->error(c->call, "out of memory");
                return 1;
            }
            if (t1_cat_stats(c, v) != 0) return 1;
        } else if (t1_cont_stats(c, v) != 0) {
            return 1;
        }
    }
    return 0;
}

/* ---- output -------------------------------------------------------- */

/* Mark t as detail (JSON, CSV; not the text report) when the host can. */
static void t1_detail(const cohort_host *host, cohort_table *t)
{
    if (COHORT_HOST_HAS(host, table_detail)) host->table_detail(t);
}

/* A count as text: "12", or "<5" under the study's small-cell rule
 * (privacy min_cell).  Returns 1 when the count is hidden. */
static int t1_count_text(const t1_ctx *c, double n, char *buf, size_t size)
{
    if (COHORT_HOST_HAS(c->host, format_count)) return c->host->format_count(c->call, n, buf, size);
    snprintf(buf, size, "%.0f", n);
    return 0;
}

static void t1_put(const cohort_host *host, cohort_table *t, size_t row, int col, double x)
{
    if (col >= 0 && isfinite(x)) host->table_num(t, row, col, x);
}

/* A date (days since 1970-01-01) as YYYY-MM-DD. */
static const char *t1_date(double days, char *buf, size_t size)
{
    double d = floor(days);
    cohort_vec one = {0};
    one.type = COHORT_TYPE_DATE;
    one.n = 1;
    one.num = &d;
    return pc_label(&one, 0, buf, size);
}

/* Cell text of a continuous summary. */
static void t1_fmt_cont(const t1_ctx *c, const t1_var *v, const ds_numeric *s, char *buf, size_t size)
{
    int d = c->o.digits;
    if (s->n == 0) {
        snprintf(buf, size, "-");
    } else if (v->kind == T1_DATE) {
        char a[32], b[32], m[32];
        snprintf(buf, size, "%s [%s, %s]", t1_date(s->median, m, sizeof m),
                 t1_date(s->q1, a, sizeof a), t1_date(s->q3, b, sizeof b));
    } else if (v->median) {
        snprintf(buf, size, "%.*f [%.*f, %.*f]", d, s->median / v->scale, d, s->q1 / v->scale, d,
                 s->q3 / v->scale);
    } else if (isfinite(s->sd)) {
        snprintf(buf, size, "%.*f (%.*f)", d, s->mean / v->scale, d, s->sd / v->scale);
    } else {
        snprintf(buf, size, "%.*f (-)", d, s->mean / v->scale);
    }
}

/* "n (pct%)", or just the count when it is hidden or of nothing. */
static void t1_fmt_count(const t1_ctx *c, double k, size_t of, char *buf, size_t size)
{
    char nb[32];
    if (t1_count_text(c, k, nb, sizeof nb) || of == 0) snprintf(buf, size, "%s", nb);
    else snprintf(buf, size, "%s (%.*f%%)", nb, c->o.digits, 100 * k / (double)of);
}

/* "12.5%" for a sentence, or the hidden count ("<5") instead. */
static const char *t1_pct_text(const t1_ctx *c, double k, size_t of, char *buf, size_t size)
{
    if (t1_count_text(c, k, buf, size) == 0)
        snprintf(buf, size, "%.*f%%", c->o.digits, 100 * k / (double)of);
    return buf;
}

/* "p = 0.025" / "p < 0.001" */
static void t1_fmt_p(double p, char *buf, size_t size)
{
    if (p < 0.001) snprintf(buf, size, "p < 0.001");
    else snprintf(buf, size, "p = %.3f", p);
}

/* The var as people read it: its label from the rules (ABI 1.4), or its
 * name; a duration with the study's unit. */
static const char *t1_var_label(const t1_ctx *c, const t1_var *v, char *buf, size_t size)
{
    const char *shown = COHORT_HOST_HAS(c->host, label) ? c->host->label(c->call, v->v->name, NULL) : NULL;
    if (!shown) shown = v->v->name;
    if (v->kind == T1_CONT && v->scale != 1 && c->call->time_unit && *c->call->time_unit)
        snprintf(buf, size, "%s (%s)", shown, c->call->time_unit);
    else
        snprintf(buf, size, "%s", shown);
    return buf;
}

/* The groups' column as people read it: its label, or its name. */
static const char *t1_by_label(const t1_ctx *c)
{
    const char *shown = COHORT_HOST_HAS(c->host, label) ? c->host->label(c->call, c->by->name, NULL) : NULL;
    return shown ? shown : c->by->name;
}

/* The level l of categorical var v as people read it, indented under the
 * var. */
static void t1_level_label(const t1_ctx *c, const t1_var *v, size_t l, char *buf, size_t size)
{
    const char *lv = v->f.labels[v->levmap[l]];
    const char *shown = COHORT_HOST_HAS(c->host, label) ? c->host->label(c->call, v->v->name, lv) : NULL;
    snprintf(buf, size, "%s%s", T1_INDENT, shown ? shown : lv);
}

/* The used level of boolean v that is true, or SIZE_MAX when no row has
 * it. */
static size_t t1_true_level(const t1_var *v)
{
    for (size_t l = 0; l < v->nlev; l++)
        if (strcmp(v->f.labels[v->levmap[l]], "true") == 0) return l;
    return SIZE_MAX;
}

/* How the display table's counts add up, for the host's small-cell rule
 * (only then does the table have its "n" row): the groups' n to the overall
 * n and to the estimate's units (when no unit was left out for a missing
 * group), and for each categorical characteristic the levels (and missing)
 * to the group's n and the groups to the overall column.  A boolean shown
 * on one row has its false count in the stats table only: its relation to
 * n is declared there (t1_stats_table). */
static void t1_relations(const t1_ctx *c)
{
    const cohort_host *host = c->host;
    size_t ng = c->ng, units = 0;
    cohort_table *t = c->disp;
    const int *cg = c->dcol;
    size_t most = ng + 1;
    for (size_t i = 0; i < c->nvars; i++)
        if (c->vars[i].nlev + 1 > most) most = c->vars[i].nlev + 1;
    pc_cell *parts = malloc((most + 1) * sizeof *parts);
    if (!parts) return;
    for (size_t k = 0; k < ng; k++) {
        parts[k] = PC_CELL(t, c->nrow, cg[k]);
        units += c->gn[k];
        /* the units of the group, as other estimates may show them */
        char gname[512];
        snprintf(gname, sizeof gname, "%s = %s", c->by->name, c->bf.labels[c->glevel[k]]);
        pc_sum(host, c->call, (pc_cell){NULL, 0, 0, gname}, &parts[k], 1);
    }
    if (cg[ng] >= 0) pc_sum(host, c->call, PC_CELL(t, c->nrow, cg[ng]), parts, ng);
    if (units == c->call->nrows) pc_sum(host, c->call, PC_CELL(NULL, 0, 0), parts, ng);
    for (size_t i = 0; i < c->nvars; i++) {
        const t1_var *v = &c->vars[i];
        if (v->kind != T1_CAT) continue;
        int whole = !v->onerow && (v->dmiss != SIZE_MAX || v->nmiss[ng] == 0);   /* the levels and missing rows add up to n */
        for (size_t k = 0; k <= ng && whole; k++) {
            if (cg[k] < 0) continue;
            size_t np = 0;
            for (size_t l = 0; l < v->nlev; l++) parts[np++] = PC_CELL(t, v->lrow[l], cg[k]);
            if (v->dmiss != SIZE_MAX) parts[np++] = PC_CELL(t, v->dmiss, cg[k]);
            pc_sum(host, c->call, PC_CELL(t, c->nrow, cg[k]), parts, np);
        }
        for (size_t l = 0; l <= v->nlev && cg[ng] >= 0; l++) {
            size_t row = l < v->nlev ? v->lrow[l] : v->dmiss;
            if (row == SIZE_MAX) continue;
            for (size_t k = 0; k < ng; k++) parts[k] = PC_CELL(t, row, cg[k]);
            pc_sum(host, c->call, PC_CELL(t, row, cg[ng]), parts, ng);
        }
    }
    free(parts);
}

/* The count cells of one display row: count[gi * stride] of nobs[gi] for
 * each column. */
static void t1_count_row(t1_ctx *c, size_t row, const double *count, size_t stride, const size_t *of)
{
    size_t ng = c->ng, ncol = ng + (c->o.overall ? 1 : 0);
    char buf[256];
    for (size_t k = 0; k < ncol; k++) {
        size_t gi = k < ng ? k : ng;
        double n = count ? count[gi * stride] : 0;
        t1_fmt_count(c, n, of[gi], buf, sizeof buf);
        c->host->table_text(c->disp, row, c->dcol[k], buf);
        pc_cell_count(c->host, c->disp, row, c->dcol[k], n);
    }
}

/* Append "; " and text to a footnote being built. */
static void t1_note_add(char *buf, size_t size, const char *text)
{
    size_t len = strlen(buf);
    if (len + 1 < size) snprintf(buf + len, size - len, "%s%s", len ? "; " : "", text);
}

/* The footnotes of the display table: the statistics shown, and each test
 * with the characteristics it compared (as gtsummary's footnotes). */
static void t1_footnotes(t1_ctx *c)
{
    const cohort_host *host = c->host;
    if (!COHORT_HOST_HAS(host, table_footnote)) return;
    char stat[1024] = "", tests[2048] = "", lab[256], one[512];
    int nmean = 0, nmed = 0, ncat = 0;
    for (size_t i = 0; i < c->nvars; i++) {
        const t1_var *v = &c->vars[i];
        if (v->kind == T1_CAT) ncat++;
        else if (v->median) nmed++;
        else nmean++;
    }
    /* the statistics: named per var only when both summaries are used */
    for (int pass = 0; pass < 2; pass++) {
        int want_med = pass == 0;
        if (!(want_med ? nmed : nmean)) continue;
        snprintf(one, sizeof one, "%s", want_med ? "median [IQR]" : "mean (SD)");
        if (nmed && nmean) {
            size_t len = strlen(one);
            int first = 1;
            for (size_t i = 0; i < c->nvars; i++) {
                const t1_var *v = &c->vars[i];
                if (v->kind == T1_CAT || v->median != want_med) continue;
                t1_var_label(c, v, lab, sizeof lab);
                if (len + 1 < sizeof one)
                    len += (size_t)snprintf(one + len, sizeof one - len, "%s%s", first ? ": " : ", ", lab);
                first = 0;
            }
        }
        t1_note_add(stat, sizeof stat, one);
    }
    if (ncat) t1_note_add(stat, sizeof stat, "n (%)");
    if (*stat) {
        char line[1100];
        snprintf(line, sizeof line, "Statistics: %s", stat);
        host->table_footnote(c->disp, line);
    }
    /* the tests, in the order of their first use */
    int done[sizeof t1_test_names / sizeof t1_test_names[0]] = {0};
    for (size_t i = 0; i < c->nvars; i++) {
        int test = c->vars[i].test;
        if (!c->vars[i].has_p || done[test]) continue;
        done[test] = 1;
        size_t len = (size_t)snprintf(one, sizeof one, "%s%s (", t1_test_notes[test],
                                      test == T1_CHISQ && c->o.yates ? " (Yates' correction of 2 x 2 tables)" : "");
        int first = 1;
        for (size_t j = i; j < c->nvars; j++) {
            const t1_var *v = &c->vars[j];
            if (!v->has_p || v->test != test) continue;
            t1_var_label(c, v, lab, sizeof lab);
            if (len + 1 < sizeof one)
                len += (size_t)snprintf(one + len, sizeof one - len, "%s%s%s", first ? "" : ", ", lab,
                                        v->auto_fisher ? ": expected count below 5" : "");
            first = 0;
        }
        if (len + 1 < sizeof one) snprintf(one + len, sizeof one - len, ")");
        t1_note_add(tests, sizeof tests, one);
    }
    if (*tests) {
        char line[2100];
        snprintf(line, sizeof line, "Tests: %s", tests);
        host->table_footnote(c->disp, line);
    }
}

/* The table as gtsummary's tbl_summary() |> add_p() lays it out: one row
 * per characteristic with its label, its levels indented under it (a
 * boolean on its one row: n (%) of true), "N = n" in the column headers,
 * the p-value and SMD on the characteristic's row, the statistics and tests
 * in footnotes.  Under a small-cell rule the group sizes are an "n" row
 * instead, which the rule can hide. */
static int t1_display(t1_ctx *c)
{
    const cohort_host *host = c->host;
    size_t ng = c->ng, ncol = ng + (c->o.overall ? 1 : 0);
    int *cg = malloc((ng + 2) * sizeof *cg);
    if (!cg) {
        host->error(c->call, "out of memory");
        return 1;
    }
    char title[256], buf[256], lab[256], nb[32];
    snprintf(title, sizeof title, "Baseline characteristics by %s", c->by->name);
    cohort_table *t = host->table_new(c->call, "table1", title);
    int cv = host->table_column(t, "characteristic", COHORT_COL_TEXT, 0);
    for (size_t g = 0; g <= ng; g++) {
        if (g == ng && !c->o.overall) {
            cg[ng] = -1;
            break;
        }
        int n = snprintf(buf, sizeof buf, g < ng ? "%s = %s" : "overall", c->by->name,
                         g < ng ? c->bf.labels[c->glevel[g]] : "");
        if (!c->privacy && n > 0 && (size_t)n < sizeof buf) {
            t1_count_text(c, (double)c->gn[g], nb, sizeof nb);
            snprintf(buf + n, sizeof buf - (size_t)n, ", N = %s", nb);
        }
        cg[g] = host->table_column(t, buf, COHORT_COL_TEXT, 0);
    }
    c->disp = t;
    c->dcol = cg;
    int use_tests = c->o.tests && ng >= 2, use_smd = c->o.smd && ng >= 2;
    int cp = use_tests ? host->table_column(t, "p", COHORT_COL_PVALUE, 3) : -1;
    int cs = use_smd ? host->table_column(t, "SMD", COHORT_COL_NUMBER, 3) : -1;

    c->nrow = SIZE_MAX;
    if (c->privacy) {
        size_t r = host->table_row(t);
        c->nrow = r;
        host->table_text(t, r, cv, "n");
        for (size_t k = 0; k < ncol; k++) {
            t1_count_text(c, (double)c->gn[k], buf, sizeof buf);
            host->table_text(t, r, cg[k], buf);
            pc_cell_count(host, t, r, cg[k], (double)c->gn[k]);
        }
    }
    for (size_t i = 0; i < c->nvars; i++) {
        t1_var *v = &c->vars[i];
        t1_var_label(c, v, lab, sizeof lab);
        size_t first = host->table_row(t);
        v->drow = first;
        v->dmiss = SIZE_MAX;
        host->table_text(t, first, cv, lab);
        if (v->kind == T1_CAT) {
            v->lrow = malloc((v->nlev + 1) * sizeof *v->lrow);
            if (!v->lrow) {
                host->error(c->call, "out of memory");
                return 1;
            }
            for (size_t l = 0; l < v->nlev; l++) v->lrow[l] = SIZE_MAX;
            if (v->onerow) {
                size_t lt = t1_true_level(v);
                if (lt != SIZE_MAX) v->lrow[lt] = first;
                t1_count_row(c, first, lt != SIZE_MAX ? v->count + lt * (ng + 1) : NULL, 1, v->nobs);
            }
            for (size_t l = 0; l < v->nlev && !v->onerow; l++) {
                size_t rr = host->table_row(t);
                v->lrow[l] = rr;
                t1_level_label(c, v, l, buf, sizeof buf);
                host->table_text(t, rr, cv, buf);
                t1_count_row(c, rr, v->count + l * (ng + 1), 1, v->nobs);
            }
        } else {
            for (size_t k = 0; k < ncol; k++) {
                t1_fmt_cont(c, v, &v->num[k < ng ? k : ng], buf, sizeof buf);
                host->table_text(t, first, cg[k], buf);
            }
        }
        if (v->has_p) t1_put(host, t, first, cp, v->res.p);
        t1_put(host, t, first, cs, v->smd);
        if (c->o.missing && v->nmiss[ng] > 0) {
            size_t rr = host->table_row(t);
            v->dmiss = rr;
            host->table_text(t, rr, cv, T1_INDENT "missing");
            for (size_t k = 0; k < ncol; k++) {
                t1_count_text(c, (double)v->nmiss[k < ng ? k : ng], buf, sizeof buf);
                host->table_text(t, rr, cg[k], buf);
                pc_cell_count(host, t, rr, cg[k], (double)v->nmiss[k < ng ? k : ng]);
            }
        }
    }
    if (c->privacy) t1_relations(c);
    t1_footnotes(c);
    return 0;
}

/* Statistics and degrees of freedom of the tests, and the SMDs (detail). */
static void t1_tests_table(t1_ctx *c)
{
    const cohort_host *host = c->host;
    if (!(c->o.tests || c->o.smd) || c->ng < 2) return;
    cohort_table *t = host->table_new(c->call, "tests", "Tests between groups");
    t1_detail(host, t);
    int cv = host->table_column(t, "characteristic", COHORT_COL_TEXT, 0);
    int ct = host->table_column(t, "test", COHORT_COL_TEXT, 0);
    int cst = host->table_column(t, "statistic", COHORT_COL_NUMBER, 3);
    int cdf = host->table_column(t, "df", COHORT_COL_NUMBER, 2);
    int cdf2 = host->table_column(t, "df2", COHORT_COL_NUMBER, 2);
    int cp = host->table_column(t, "p", COHORT_COL_PVALUE, 3);
    int ce = host->table_column(t, "effect", COHORT_COL_TEXT, 0);
    int cest = host->table_column(t, "estimate", COHORT_COL_NUMBER, 3);
    int clo = host->table_column(t, "lower", COHORT_COL_NUMBER, 3);
    int chi = host->table_column(t, "upper", COHORT_COL_NUMBER, 3);
    int cs = host->table_column(t, "SMD", COHORT_COL_NUMBER, 3);
    for (size_t i = 0; i < c->nvars; i++) {
        const t1_var *v = &c->vars[i];
        size_t r = host->table_row(t);
        host->table_text(t, r, cv, v->v->name);
        if (v->test) host->table_text(t, r, ct, t1_test_names[v->test]);
        if (v->has_p) {
            t1_put(host, t, r, cst, v->res.statistic);
            t1_put(host, t, r, cdf, v->res.df);
            t1_put(host, t, r, cdf2, v->res.df2);
            t1_put(host, t, r, cp, v->res.p);
            if (!isnan(v->res.estimate)) {
                /* an infinite odds ratio or limit (a zero cell) is left missing */
                host->table_text(t, r, ce, v->test == T1_FISHER ? "odds ratio (conditional MLE)"
                                                                : "difference in means");
                t1_put(host, t, r, cest, v->res.estimate);
                t1_put(host, t, r, clo, v->res.lower);
                t1_put(host, t, r, chi, v->res.upper);
            }
        }
        t1_put(host, t, r, cs, v->smd);
    }
}

/* Every statistic as a number, one row per var, level and group (detail:
 * for JSON and CSV). */
static void t1_stats_table(t1_ctx *c)
{
    const cohort_host *host = c->host;
    size_t ng = c->ng;
    int privacy = c->privacy;
    cohort_table *t = host->table_new(c->call, "stats", "Baseline statistics");
    t1_detail(host, t);
    int cv = host->table_column(t, "characteristic", COHORT_COL_TEXT, 0);
    int cl = host->table_column(t, "level", COHORT_COL_TEXT, 0);
    int cgr = host->table_column(t, c->by->name, COHORT_COL_TEXT, 0);
    int cu = host->table_column(t, "unit", COHORT_COL_TEXT, 0);
    int cn = host->table_column(t, "n", COHORT_COL_COUNT, 0);
    int cm = host->table_column(t, "missing", COHORT_COL_COUNT, 0);
    int cc = host->table_column(t, "count", COHORT_COL_COUNT, 0);
    int cpc = host->table_column(t, "percent", COHORT_COL_PERCENT, c->o.digits);
    int cex = host->table_column(t, "expected", COHORT_COL_NUMBER, c->o.digits);
    int cmean = host->table_column(t, "mean", COHORT_COL_NUMBER, c->o.digits);
    int csd = host->table_column(t, "sd", COHORT_COL_NUMBER, c->o.digits);
    int cmed = host->table_column(t, "median", COHORT_COL_NUMBER, c->o.digits);
    int cq1 = host->table_column(t, "q1", COHORT_COL_NUMBER, c->o.digits);
    int cq3 = host->table_column(t, "q3", COHORT_COL_NUMBER, c->o.digits);
    int cmin = host->table_column(t, "min", COHORT_COL_NUMBER, c->o.digits);
    int cmax = host->table_column(t, "max", COHORT_COL_NUMBER, c->o.digits);
    for (size_t i = 0; i < c->nvars; i++) {
        const t1_var *v = &c->vars[i];
        size_t nl = v->kind == T1_CAT ? v->nlev : 1;
        size_t *rows = malloc((ng + 1) * nl * sizeof *rows);   /* rows[k * nl + l] */
        if (!rows) return;
        for (size_t k = 0; k <= ng; k++) {
            const char *gl = k < ng ? c->bf.labels[c->glevel[k]] : "overall";
            for (size_t l = 0; l < nl; l++) {
                size_t r = host->table_row(t);
                rows[k * nl + l] = r;
                host->table_text(t, r, cv, v->v->name);
                host->table_text(t, r, cgr, gl);
                t1_put(host, t, r, cn, (double)v->nobs[k]);
                t1_put(host, t, r, cm, (double)v->nmiss[k]);
                /* the same counts as the display table's: n + missing is the group's n */
                int dc = c->dcol[k];
                pc_cell sum[2] = {PC_CELL(t, r, cn), PC_CELL(t, r, cm)};
                if (privacy) {
                    pc_sum(host, c->call, PC_CELL(c->disp, c->nrow, dc), sum, 2);
                    if (v->dmiss != SIZE_MAX) pc_sum(host, c->call, PC_CELL(c->disp, v->dmiss, dc), &sum[1], 1);
                }
                if (v->kind == T1_CAT) {
                    double cnt = v->count[l * (ng + 1) + k];
                    host->table_text(t, r, cl, v->f.labels[v->levmap[l]]);
                    t1_put(host, t, r, cc, cnt);
                    pc_cell same = PC_CELL(t, r, cc);
                    if (privacy && v->lrow[l] != SIZE_MAX) {
                        pc_sum(host, c->call, PC_CELL(c->disp, v->lrow[l], dc), &same, 1);
                    } else if (privacy && (v->dmiss != SIZE_MAX || v->nmiss[ng] == 0)) {
                        /* a boolean's false count, shown here only: n = true + false + missing */
                        pc_cell parts[3] = {PC_CELL(c->disp, v->drow, dc), same, PC_CELL(c->disp, v->dmiss, dc)};
                        pc_sum(host, c->call, PC_CELL(c->disp, c->nrow, dc), parts, v->dmiss != SIZE_MAX ? 3 : 2);
                    }
                    if (v->nobs[k]) t1_put(host, t, r, cpc, cnt / (double)v->nobs[k]);
                    /* products of the margins: they would give a hidden margin back */
                    if (v->expected && !privacy) t1_put(host, t, r, cex, v->expected[l * (ng + 1) + k]);
                    continue;
                }
                const ds_numeric *s = &v->num[k];
                double sc = v->scale;
                if (v->kind == T1_DATE) host->table_text(t, r, cu, "days since 1970-01-01");
                else if (sc != 1 && c->call->time_unit) host->table_text(t, r, cu, c->call->time_unit);
                t1_put(host, t, r, cmean, s->mean / sc);
                t1_put(host, t, r, csd, s->sd / sc);
                t1_put(host, t, r, cmed, s->median / sc);
                t1_put(host, t, r, cq1, s->q1 / sc);
                t1_put(host, t, r, cq3, s->q3 / sc);
                t1_put(host, t, r, cmin, s->min / sc);
                t1_put(host, t, r, cmax, s->max / sc);
            }
        }
        /* the overall row is the sum of the groups' (shown here even when
         * the display table has no overall column) */
        int cols[3] = {cn, cm, v->kind == T1_CAT ? cc : -1};
        pc_cell *parts = malloc((ng + 1) * sizeof *parts);
        for (size_t l = 0; parts && l < nl; l++)
            for (size_t q = 0; q < 3; q++) {
                if (cols[q] < 0) continue;
                for (size_t k = 0; k < ng; k++) parts[k] = PC_CELL(t, rows[k * nl + l], cols[q]);
                pc_sum(host, c->call, PC_CELL(t, rows[ng * nl + l], cols[q]), parts, ng);
            }
        free(parts);
        free(rows);
    }
}

/* Publication-style sentences: differences at p < 0.05 and the SMDs. */
static void t1_notes(t1_ctx *c)
{
    const cohort_host *host = c->host;
    size_t ng = c->ng;
    if (ng < 2) return;
    char pb[32], lab[256];
    int d = c->o.digits;
    if (c->o.tests) {
        size_t nsig = 0, ntest = 0;
        for (size_t i = 0; i < c->nvars; i++) {
            const t1_var *v = &c->vars[i];
            if (!v->has_p) continue;
            ntest++;
            if (!(v->res.p < 0.05)) continue;
            nsig++;
            t1_fmt_p(v->res.p, pb, sizeof pb);
            t1_var_label(c, v, lab, sizeof lab);
            if (ng == 2 && v->kind == T1_CAT && v->nlev == 2 && v->nobs[0] && v->nobs[1]) {
                /* the second level, e.g. "= true" / "= yes" */
                const double *cnt = v->count + (ng + 1);
                char p0[32], p1[32];
                host->note(c->call, "%s = %s: %s in %s = %s vs %s in %s = %s (%s, %s)", lab,
                           v->f.labels[v->levmap[1]], t1_pct_text(c, cnt[0], v->nobs[0], p0, sizeof p0),
                           c->by->name, c->bf.labels[c->glevel[0]],
                           t1_pct_text(c, cnt[1], v->nobs[1], p1, sizeof p1), c->by->name,
                           c->bf.labels[c->glevel[1]], pb, t1_test_names[v->test]);
            } else if (ng == 2 && v->kind == T1_CONT) {
                const ds_numeric *a = &v->num[0], *b = &v->num[1];
                int med = v->median;
                host->note(c->call, "%s: %s %.*f in %s = %s vs %.*f in %s = %s (%s, %s)", lab,
                           med ? "median" : "mean", d, (med ? a->median : a->mean) / v->scale,
                           c->by->name, c->bf.labels[c->glevel[0]], d,
                           (med ? b->median : b->mean) / v->scale, c->by->name,
                           c->bf.labels[c->glevel[1]], pb, t1_test_names[v->test]);
            } else {
                host->note(c->call, "%s differs between %s groups (%s, %s)", lab, t1_by_label(c), pb,
                           t1_test_names[v->test]);
            }
        }
        if (ntest > 0 && nsig == 0)
            host->note(c->call, "no characteristic differs between %s groups at p < 0.05 "
                       "(%zu tested)", t1_by_label(c), ntest);
    }
    if (c->o.smd) {
        size_t nbig = 0, nsmd = 0, imax = 0;
        double smax = -1;
        for (size_t i = 0; i < c->nvars; i++) {
            double s = c->vars[i].smd;
            if (!isfinite(s)) continue;
            nsmd++;
            if (s > 0.1) nbig++;
            if (s > smax) {
                smax = s;
                imax = i;
            }
        }
        if (nsmd > 0)
            host->note(c->call, "SMD > 0.1 for %zu of %zu characteristics%s (largest: %s, %.2f)",
                       nbig, nsmd, ng > 2 ? " (mean over pairs of groups)" : "",
                       t1_var_label(c, &c->vars[imax], lab, sizeof lab), smax);
    }
}

/* One warning naming the vars whose chi-squared test had small expected
 * counts. */
static void t1_small_expected(t1_ctx *c)
{
    char buf[512];
    size_t len = 0, k = 0;
    buf[0] = 0;
    for (size_t i = 0; i < c->nvars; i++) {
        const t1_var *v = &c->vars[i];
        if (v->test != T1_CHISQ || !v->has_p || !(v->res.min_expected < 5)) continue;
        if (len < sizeof buf)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", k ? ", " : "", v->v->name);
        k++;
    }
    if (k)
        c->host->warning(c->call, "expected counts below 5 for %s: the chi-squared approximation "
                         "may be inaccurate; consider exact: [%s]", buf, buf);
}

static int t1_run(const cohort_host *host, const cohort_call *call)
{
    t1_ctx c;
    memset(&c, 0, sizeof c);
    c.host = host;
    c.call = call;
    int rc = 1;
    if (t1_setup(&c) != 0 || t1_summarise(&c) != 0) goto out;
    char one[32];
    c.privacy = t1_count_text(&c, 1, one, sizeof one);   /* a small-cell rule is in force */
    if (t1_display(&c) != 0) goto out;
    t1_tests_table(&c);
    t1_stats_table(&c);
    if (!c.o.auto_exact) t1_small_expected(&c);
    t1_notes(&c);
    rc = 0;
out:
    t1_ctx_free(&c);
    return rc;
}

static const cohort_estimator t1_estimators[] = {
    {"table1", "baseline characteristics by group with tests and standardised mean differences",
     t1_params, sizeof t1_params / sizeof t1_params[0], t1_run},
};

/* what each constant parameter accepts, and its default (ABI 1.2: checked by
 * the host before any data is read; run() still validates for older hosts) */
static const char *const t1_summaries[] = {"median", "mean", NULL};
static const cohort_param_spec t1_specs[] = {
    {"table1", "tests", NULL, 0, NAN, NAN, 0, "true"},
    {"table1", "smd", NULL, 0, NAN, NAN, 0, "true"},
    {"table1", "yates", NULL, 0, NAN, NAN, 0, "false"},
    {"table1", "welch", NULL, 0, NAN, NAN, 0, "true"},
    {"table1", "overall", NULL, 0, NAN, NAN, 0, "true"},
    {"table1", "missing", NULL, 0, NAN, NAN, 0, "true"},
    {"table1", "digits", NULL, 0, 0, 10, COHORT_SPEC_INTEGER, "1"},
    {"table1", "conf_level", NULL, 0, 0, 1, COHORT_SPEC_MIN_OPEN | COHORT_SPEC_MAX_OPEN, "0.95"},
    {"table1", "continuity", NULL, 0, NAN, NAN, 0, "true"},
    {"table1", "auto_exact", NULL, 0, NAN, NAN, 0, "true"},
    {"table1", "summary", t1_summaries, 0, NAN, NAN, 0, "\"median\""},
    {"table1", "by", NULL, 0, NAN, NAN, COHORT_SPEC_GROUPS, NULL},
    {"table1", "vars", NULL, 0, NAN, NAN, COHORT_SPEC_LEVELS, NULL},
    {"table1", "factor", NULL, 0, NAN, NAN, COHORT_SPEC_GROUPS, NULL},
};

static const cohort_plugin t1_plugin = {
    COHORT_PLUGIN_HEADER,
    "table1",
    "1.0.0",
    "Table 1: baseline characteristics by group (chi-squared, Fisher, t, Wilcoxon, "
    "Kruskal-Wallis tests; SMDs)",
    t1_estimators,
    1,
    NULL,
    COHORT_PLUGIN_SPECS(t1_specs),
    NULL,   /* estimator_flags (ABI 1.7): none, every column comes before run() */
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &t1_plugin;
}
