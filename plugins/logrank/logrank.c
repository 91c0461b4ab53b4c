/* logrank.c: the `logrank` estimator plugin (ABI glue): the G-rho family
 * of tests comparing survival between groups, as R survdiff(Surv(time,
 * status) ~ by + strata(strata), rho =): rho 0 is the log-rank test, rho 1
 * the Peto-Peto modification of the Gehan-Wilcoxon test.  The numbers come
 * from lrcore.c. */
#include <cohort/plugin.h>
#include "lrcore.h"
#include "../common/fitcheck.h"
#include "../common/pcommon.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cohort_param lr_params[] = {
    {"endpoint", COHORT_ARG_ENDPOINT, 1, "the endpoint (event 1; other causes count as censored)"},
    {"by", COHORT_ARG_COLUMN, 1, "the groups to compare"},
    {"strata", COHORT_ARG_COLUMN, 0, "stratify the test by this column"},
    {"rho", COHORT_ARG_NUMBER, 0, "weights S(t-)^rho: 0 log-rank (default), 1 Peto-Peto"},
};

static void lr_fmt_p(double p, char *buf, size_t size)
{
    if (p < 0.001) snprintf(buf, size, "p < 0.001");
    else snprintf(buf, size, "p = %.3f", p);
}

static int lr_run(const cohort_host *host, const cohort_call *call)
{
    const cohort_arg *ep = cohort_arg_get(call, "endpoint");
    const cohort_arg *by = cohort_arg_get(call, "by");
    const cohort_arg *sa = cohort_arg_get(call, "strata");
    const cohort_arg *ra = cohort_arg_get(call, "rho");
    if (!ep || !by) {
        host->error(call, "logrank needs an endpoint and `by`");
        return 1;
    }
    const cohort_surv *s = &ep->surv;
    double rho = ra ? ra->num : 0;
    if (!isfinite(rho) || rho < 0) {
        host->error(call, "rho %g: give a number >= 0", rho);
        return 1;
    }
    if (s->start) {
        host->error(call, "logrank does not take (start, stop] data; use cox with a "
                    "time-varying covariate instead");
        return 1;
    }
    pc_factor fg, fs;
    memset(&fs, 0, sizeof fs);
    if (pc_factor_make(&by->vec, NULL, &fg) != 0 || pc_factor_order(host, call, &by->vec, &fg) != 0) {
        host->error(call, "out of memory coding %s", by->vec.name);
        return 1;
    }
    size_t nrows = call->nrows, n = 0, dropped = 0, competing = 0;
    double *time = malloc((nrows + 1) * sizeof *time);
    int *event = malloc((nrows + 1) * sizeof *event), *group = malloc((nrows + 1) * sizeof *group);
    int *strata = malloc((nrows + 1) * sizeof *strata);
    int *present = calloc(fg.nlevels + 1, sizeof *present);
    size_t *map = malloc((fg.nlevels + 1) * sizeof *map);
    lr_result r;
    memset(&r, 0, sizeof r);
    int rc = 1;
    if (!time || !event || !group || !strata || !present || !map ||
        (sa && pc_factor_make(&sa->vec, NULL, &fs) != 0)) {
        host->error(call, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nrows; i++) {
        if (s->missing[i] || fg.code[i] < 0 || (sa && fs.code[i] < 0)) {
            dropped++;
            continue;
        }
        if (!isfinite(s->time[i]) || s->time[i] < 0) {
            host->error(call, "%s: time %g in row %zu is not a time >= 0", s->name, s->time[i], i + 1);
            goto out;
        }
        time[n] = s->time[i];
        event[n] = s->status[i] == 1;
        competing += s->status[i] >= 2;
        group[n] = fg.code[i];
        strata[n] = sa ? fs.code[i] : 0;
        present[fg.code[i]] = 1;
        n++;
    }
    char wa[32], wb[32];
    if (dropped) {
        pc_count(host, call, (double)dropped, wa, sizeof wa);
        pc_count(host, call, (double)nrows, wb, sizeof wb);
        host->warning(call, "%s of %s rows dropped for missing values of %s, %s%s%s", wa, wb, s->name,
                      by->vec.name, sa ? " or " : "", sa ? sa->vec.name : "");
    }
    if (competing) {
        pc_count(host, call, (double)competing, wa, sizeof wa);
        host->warning(call, "%s competing events treated as censored; use cif for Gray's test", wa);
    }
    if (pc_fit_varies_codes(host, call, PC_FIT_BY, by->vec.name, &fg, group, n) ||
        (sa && pc_fit_varies_codes(host, call, PC_FIT_STRATA, sa->vec.name, &fs, strata, n)))
        goto out;
    /* levels left without rows (after dropping) are not groups */
    size_t ng = 0;
    for (size_t k = 0; k < fg.nlevels; k++) map[k] = present[k] ? ng++ : (size_t)-1;
    for (size_t i = 0; i < n; i++) group[i] = (int)map[group[i]];
    int st = lr_test(time, event, group, sa ? strata : NULL, n, ng, rho, &r);
    if (st == LR_NOMEM) {
        host->error(call, "out of memory");
        goto out;
    }
    double nev = 0;
    for (size_t k = 0; k < ng; k++) nev += r.exp[k];
    if (nev == 0 || r.df < 1) {
        host->error(call, "no events of %s in at least two groups: nothing to compare", s->name);
        goto out;
    }
    if (st == LR_SINGULAR) {
        host->error(call, "the variance of the test is singular (groups without events at risk)");
        goto out;
    }

    char title[160], label[96], tlabel[96], pb[32];
    if (rho == 0) snprintf(label, sizeof label, "log-rank test");
    else if (rho == 1) snprintf(label, sizeof label, "Peto-Peto test (rho = 1)");
    else snprintf(label, sizeof label, "G-rho test (rho = %g)", rho);
    /* the same words without nested parentheses, for the table title */
    if (rho == 0) snprintf(tlabel, sizeof tlabel, "log-rank test");
    else if (rho == 1) snprintf(tlabel, sizeof tlabel, "Peto-Peto test, rho = 1");
    else snprintf(tlabel, sizeof tlabel, "G-rho test, rho = %g", rho);
    snprintf(title, sizeof title, "Observed and expected events (%s%s%s)", tlabel,
             sa ? ", stratified by " : "", sa ? sa->vec.name : "");
    cohort_table *t = host->table_new(call, "groups", title);
    int cg = host->table_column(t, by->vec.name, COHORT_COL_TEXT, 0);
    int cn = host->table_column(t, "n", COHORT_COL_COUNT, 0);
    int co = host->table_column(t, "observed", rho == 0 ? COHORT_COL_COUNT : COHORT_COL_NUMBER, 1);
    pc_count_role(host, call, 1, t, cn, COHORT_COUNT_UNITS);
    if (rho == 0) pc_count_role(host, call, 1, t, co, COHORT_COUNT_EVENTS);
    int ce = host->table_column(t, "expected", COHORT_COL_NUMBER, 1);
    int c1 = host->table_column(t, "(O-E)^2/E", COHORT_COL_NUMBER, 2);
    int c2 = host->table_column(t, "(O-E)^2/V", COHORT_COL_NUMBER, 2);
    for (size_t k = 0, j = 0; k < fg.nlevels; k++) {
        if (!present[k]) continue;
        double oe = r.obs[j] - r.exp[j];
        size_t row = host->table_row(t);
        host->table_text(t, row, cg, fg.labels[k]);
        pc_put(host, t, row, cn, r.n[j]);
        pc_put(host, t, row, co, r.obs[j]);
        pc_put(host, t, row, ce, r.exp[j]);
        if (r.exp[j] > 0) pc_put(host, t, row, c1, oe * oe / r.exp[j]);
        if (r.var[j * ng + j] > 0) pc_put(host, t, row, c2, oe * oe / r.var[j * ng + j]);
        j++;
    }
    t = host->table_new(call, "test", label);
    int cx = host->table_column(t, "chisq", COHORT_COL_NUMBER, 2);
    int cd = host->table_column(t, "df", COHORT_COL_NUMBER, 0);
    int cp = host->table_column(t, "p", COHORT_COL_PVALUE, 3);
    size_t row = host->table_row(t);
    pc_put(host, t, row, cx, r.chisq);
    pc_put(host, t, row, cd, r.df);
    pc_put(host, t, row, cp, r.p);
    /* the variance matrix of observed - expected, groups in the table's order */
    const char **gn = malloc((ng + 1) * sizeof *gn);
    if (!gn) {
        host->error(call, "out of memory");
        goto out;
    }
    for (size_t k = 0, j = 0; k < fg.nlevels; k++)
        if (present[k]) gn[j++] = fg.labels[k];
    pc_matrix_table(host, call, "var", "Variance matrix of observed - expected events", gn, ng, r.var);
    free(gn);
    lr_fmt_p(r.p, pb, sizeof pb);
    host->note(call, "%s%s%s for %s by %s: chi-squared %.2f on %d df, %s", label,
               sa ? " stratified by " : "", sa ? sa->vec.name : "", s->name, by->vec.name,
               r.chisq, r.df, pb);
    rc = 0;
out:
    lr_free(&r);
    free(time);
    free(event);
    free(group);
    free(strata);
    free(present);
    free(map);
    pc_factor_free(&fg);
    pc_factor_free(&fs);
    return rc;
}

static const cohort_estimator lr_estimators[] = {
    {"logrank", "log-rank and G-rho tests between groups (as R survdiff)", lr_params,
     sizeof lr_params / sizeof lr_params[0], lr_run},
};

/* what each constant parameter accepts, and its default (ABI 1.2: checked by
 * the host before any data is read; run() still validates for older hosts) */
static const cohort_param_spec lr_specs[] = {
    {"logrank", "rho", NULL, 0, 0, NAN, 0, "0"},
    {"logrank", "by", NULL, 0, NAN, NAN, COHORT_SPEC_GROUPS, NULL},
};

static const cohort_plugin lr_plugin = {
    COHORT_PLUGIN_HEADER,
    "logrank",
    "1.0.0",
    "Log-rank, Peto-Peto and G-rho tests with optional strata",
    lr_estimators,
    sizeof lr_estimators / sizeof lr_estimators[0],
    NULL,
    COHORT_PLUGIN_SPECS(lr_specs),
    NULL,   /* estimator_flags (ABI 1.7): none, every column comes before run() */
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &lr_plugin;
}
