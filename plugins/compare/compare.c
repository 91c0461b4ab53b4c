/* compare.c: the `compare` estimator plugin (ABI glue): one cohort under
 * every published definition.  Given endpoints (e.g. any radionecrosis,
 * symptomatic radionecrosis: each with death competing) and exposures
 * (booleans, each one paper's definition of "concurrent" drug use), it
 * prints one table with a row per (endpoint x exposure): exposed and
 * unexposed n, events, the Aalen-Johansen cumulative incidence of the
 * endpoint in each group at the `at` times (cmprsk::cuminc), Gray's test,
 * and the univariable Fine-Gray subdistribution hazard ratio of exposed vs
 * unexposed with its Wald confidence interval and p (cmprsk::crr).  The
 * numbers come from cmpcore.c (which uses ../cif/cifcore.c and
 * ../finegray/crr.c).
 *
 *   estimate compare(endpoints: [rn, srn], exposures: [mills2021, lebow2023],
 *                    sources: ["Mills 2021", "Lebow 2023"], at: [1 year, 2 years]);
 *
 * Each row states its comparison: the labels the rules give the
 * definition's levels (true: "concurrent", false: "sequential"), else
 * exposed vs unexposed; the sentences and the table cif give each group's
 * incidence with its log(-log) confidence limits.
 *
 * Rows whose endpoint or exposure is missing are left out of that row
 * (counted in a warning).  A sHR that cannot be estimated (a group without
 * events or without rows, a fit that fails) is left empty and said why in
 * a note; Gray's test is still given when it can be.  Under the study's
 * small-cell rule (privacy min_cell) the host hides small counts and the
 * percentages that rest on them; the notes do the same.  One forest figure
 * per endpoint shows the sHR of every definition. */
#include <cohort/plugin.h>
#include "cmpcore.h"
#include "agree.h"
#include "../common/pcommon.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cohort_param cmp_params[] = {
    {"endpoints", COHORT_ARG_ENDPOINTS | COHORT_ARG_ENDPOINT, 1,
     "the endpoints compared (event 1; competing causes compete, 0 is censored)"},
    {"exposures", COHORT_ARG_COLUMNS, 1, "booleans: each one definition of exposure (the rows of the table)"},
    {"sources", COHORT_ARG_LIST, 0, "texts: where each exposure definition comes from, one per exposure"},
    {"at", COHORT_ARG_LIST, 0, "times (durations) of the cumulative incidences, default [1 year, 2 years]"},
    {"conf_level", COHORT_ARG_NUMBER, 0, "confidence level of the sHR, default 0.95"},
};

/* A count for a sentence: "12", or "<5" under the study's small-cell rule.
 * Returns 1 when the count is hidden. */
/* A percentage for notes, or "-" when missing. */
static void cmp_fmt_pct(double x, char *buf, size_t size)
{
    if (isfinite(x)) snprintf(buf, size, "%.1f%%", 100 * x);
    else snprintf(buf, size, "-");
}

/* Group g's incidence at the t-th time with its interval, "3.7% (95% CI
 * 2.1-6.0)", or the estimate alone when it has none (0, or after the
 * group's last follow-up: "-"). */
static void cmp_fmt_cif(const cmp_row *r, int g, size_t t, double level, char *buf, size_t size)
{
    cmp_fmt_pct(r->cif[g][t], buf, size);
    if (isfinite(r->cif_lower[g][t]) && isfinite(r->cif_upper[g][t])) {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, " (%g%% CI %.1f-%.1f)", level * 100, 100 * r->cif_lower[g][t],
                 100 * r->cif_upper[g][t]);
    }
}

/* What definition `name` compares: the labels the rules give its levels
 * (`label lebow2023 levels (true: "concurrent", false: "sequential")`),
 * else "exposed" and "unexposed". */
static void cmp_levels(const cohort_host *host, const cohort_call *call, const char *name, const char **yes,
                       const char **no)
{
    *yes = "exposed";
    *no = "unexposed";
    if (!COHORT_HOST_HAS(host, label)) return;
    const char *t = host->label(call, name, "true"), *f = host->label(call, name, "false");
    if (t) *yes = t;
    if (f) *no = f;
}

/* The arguments, checked. */
typedef struct cmp_args {
    size_t nep, nex, nat;
    const cohort_surv *eps;
    const cohort_vec *exs;
    const char *const *sources;   /* NULL or nex texts */
    const double *at;
    double at_default[2];
    double level;
} cmp_args;

static int cmp_get_args(const cohort_host *host, const cohort_call *call, cmp_args *a)
{
    memset(a, 0, sizeof *a);
    const cohort_arg *x = cohort_arg_get(call, "endpoints");
    if (!x) {
        host->error(call, "compare needs endpoints");
        return 1;
    }
    if (x->kind == COHORT_ARG_ENDPOINT) {
        a->nep = 1;
        a->eps = &x->surv;
    } else {
        a->nep = x->endpoints.n;
        a->eps = x->endpoints.survs;
    }
    x = cohort_arg_get(call, "exposures");
    if (!x) {
        host->error(call, "compare needs exposures");
        return 1;
    }
    a->nex = x->columns.n;
    a->exs = x->columns.vecs;
    if (a->nep == 0 || a->nex == 0) {
        host->error(call, "give at least one endpoint and one exposure");
        return 1;
    }
    for (size_t k = 0; k < a->nex; k++)
        if (a->exs[k].type != COHORT_TYPE_BOOL) {
            host->error(call, "exposures: %s is not a boolean (give true/false definitions of exposure)",
                        a->exs[k].name);
            return 1;
        }
    for (size_t k = 0; k < a->nep; k++)
        if (a->eps[k].start || call->row_unit) {
            host->error(call, "compare needs one row per unit; (start, stop] data (time-varying "
                        "exposures) are not supported");
            return 1;
        }
    if ((x = cohort_arg_get(call, "sources"))) {
        if (x->list.type != COHORT_TYPE_TEXT) {
            host->error(call, "sources: give texts, e.g. [\"Mills 2021\", \"Lebow 2023\"]");
            return 1;
        }
        if (x->list.n != a->nex) {
            host->error(call, "sources: %zu given for %zu exposures; give one source per exposure",
                        x->list.n, a->nex);
            return 1;
        }
        a->sources = x->list.text;
    }
    a->at_default[0] = 365.25;
    a->at_default[1] = 730.5;
    a->at = a->at_default;
    a->nat = 2;
    if ((x = cohort_arg_get(call, "at"))) {
        if (x->list.n > 0 && x->list.type != COHORT_TYPE_DURATION) {
            host->error(call, "at: give durations, e.g. [1 year, 2 years]");
            return 1;
        }
        for (size_t i = 0; i < x->list.n; i++)
            if (!(x->list.num[i] >= 0)) {
                host->error(call, "at: time %g is negative", x->list.num[i]);
                return 1;
            }
        a->at = x->list.num;
        a->nat = x->list.n;
    }
    a->level = 0.95;
    if (pc_conf_level(host, call, &a->level)) return 1;
    return 0;
}

/* Table columns, indices as returned by host->table_column. */
typedef struct cmp_cols {
    int ep, def, src, cmp, win, n1, n0, e1, e0, shr, lo, hi, p, gray;
    int *c1, *c0;        /* CIF columns per time, exposed and unexposed */
} cmp_cols;

static int cmp_make_cols(const cohort_host *host, const cohort_call *call, const cmp_args *a,
                         cohort_table *t, cmp_cols *c)
{
    c->c1 = malloc((a->nat + 1) * sizeof *c->c1);
    c->c0 = malloc((a->nat + 1) * sizeof *c->c0);
    if (!c->c1 || !c->c0) return 1;
    char tb[64], name[96];
    c->ep = host->table_column(t, "endpoint", COHORT_COL_TEXT, 0);
    c->def = host->table_column(t, "definition", COHORT_COL_TEXT, 0);
    c->src = a->sources ? host->table_column(t, "source", COHORT_COL_TEXT, 0) : -1;
    c->cmp = host->table_column(t, "comparison", COHORT_COL_TEXT, 0);
    /* a window column when a definition states one (host->window) */
    c->win = -1;
    for (size_t k = 0; COHORT_HOST_HAS(host, window) && k < a->nex && c->win < 0; k++)
        if (host->window(call, a->exs[k].name, NULL, NULL))
            c->win = host->table_column(t, "window", COHORT_COL_TEXT, 0);
    c->n1 = host->table_column(t, "n exp", COHORT_COL_COUNT, 0);
    c->n0 = host->table_column(t, "n unexp", COHORT_COL_COUNT, 0);
    c->e1 = host->table_column(t, "events exp", COHORT_COL_COUNT, 0);
    c->e0 = host->table_column(t, "events unexp", COHORT_COL_COUNT, 0);
    for (size_t k = 0; k < a->nat; k++) {
        pc_fmt_time(call, a->at[k], tb, sizeof tb);
        snprintf(name, sizeof name, "CIF exp %s", tb);
        c->c1[k] = host->table_column(t, name, COHORT_COL_PERCENT, 1);
        snprintf(name, sizeof name, "CIF unexp %s", tb);
        c->c0[k] = host->table_column(t, name, COHORT_COL_PERCENT, 1);
    }
    c->shr = host->table_column(t, "sHR", COHORT_COL_NUMBER, 2);
    c->lo = host->table_column(t, "lower", COHORT_COL_NUMBER, 2);
    c->hi = host->table_column(t, "upper", COHORT_COL_NUMBER, 2);
    c->p = host->table_column(t, "p", COHORT_COL_PVALUE, 3);
    c->gray = host->table_column(t, "p Gray", COHORT_COL_PVALUE, 3);
    return 0;
}

/* The publication-style sentence of one row.  Percentages resting on a
 * count hidden by the small-cell rule are not given. */
static void cmp_note(const cohort_host *host, const cohort_call *call, const cmp_args *a,
                     const cohort_surv *s, size_t k, const cmp_row *r)
{
    char line[2048], tb[64], p1[96], p0[96], pb[32], c[4][32];
    size_t off = 0;
    int hidden = 0;
    hidden |= pc_count(host, call, (double)r->events[1], c[0], sizeof c[0]);
    hidden |= pc_count(host, call, (double)r->n[1], c[1], sizeof c[1]);
    hidden |= pc_count(host, call, (double)r->events[0], c[2], sizeof c[2]);
    hidden |= pc_count(host, call, (double)r->n[0], c[3], sizeof c[3]);
#define CMP_ADD(...) do { if (off < sizeof line) off += (size_t)snprintf(line + off, sizeof line - off, __VA_ARGS__); } while (0)
    const char *yes, *no;
    cmp_levels(host, call, a->exs[k].name, &yes, &no);
    /* the definition and endpoint as the rules label them */
    const char *dname = COHORT_HOST_HAS(host, label) ? host->label(call, a->exs[k].name, NULL) : NULL;
    const char *ename = COHORT_HOST_HAS(host, label) ? host->label(call, s->name, NULL) : NULL;
    if (!dname) dname = a->exs[k].name;
    if (!ename) ename = s->name;
    CMP_ADD("%s", dname);
    if (a->sources) CMP_ADD(" (%s)", a->sources[k]);
    CMP_ADD(", %s: %s/%s %s vs %s/%s %s with %s", ename, c[0], c[1], yes, c[2], c[3], no, ename);
    for (size_t t = 0; t < a->nat; t++) {
        char n1[32], n0[32];
        int h = hidden;
        h |= pc_count(host, call, (double)r->nby[1][t], n1, sizeof n1);
        h |= pc_count(host, call, (double)r->nby[0][t], n0, sizeof n0);
        pc_fmt_time(call, a->at[t], tb, sizeof tb);
        if (h) {
            CMP_ADD("; CIF at %s not shown (small counts)", tb);
            continue;
        }
        cmp_fmt_cif(r, 1, t, a->level, p1, sizeof p1);
        cmp_fmt_cif(r, 0, t, a->level, p0, sizeof p0);
        CMP_ADD("; CIF at %s %s vs %s", tb, p1, p0);
    }
    if (r->fit == CMP_FIT_OK) {
        pc_fmt_p(r->p, pb, sizeof pb);
        CMP_ADD("; sHR %.2f (%g%% CI %.2f-%.2f), %s", r->shr, a->level * 100, r->lower, r->upper, pb);
    } else {
        CMP_ADD("; sHR not estimable (%s)", cmp_fit_text(r->fit));
    }
    if (r->gray_ok) {
        pc_fmt_p(r->gray_p, pb, sizeof pb);
        CMP_ADD("; Gray's test %s", pb);
    }
#undef CMP_ADD
    host->note(call, "%s", line);
}

/* The smallest non-zero count the percentages of a row rest on (events of
 * either group up to each time), or 0 when all are zero. */
static double cmp_row_basis(const cmp_row *r)
{
    double m = 0;
    for (int g = 0; g < 2; g++)
        for (size_t k = 0; k < r->nat; k++)
            if (r->nby[g][k] > 0 && (m == 0 || (double)r->nby[g][k] < m)) m = (double)r->nby[g][k];
    return m;
}

/* How the definitions classify the same units: one row per pair (the
 * lower triangle of the agreement matrix), with the 2 x 2 counts, the
 * share classified the same and Cohen's kappa (agree.c).  Misclassification
 * between definitions explains much of the spread between studies. */
enum { CMP_AGREE_PRINTED = 6 };   /* up to 15 pairs are printed in the text report */

static void cmp_agreement_table(const cohort_host *host, const cohort_call *call, const cmp_args *a)
{
    cohort_table *t = host->table_new(call, "agreement",
                                      "Agreement between definitions (units classified the same, Cohen's kappa)");
    int ca = host->table_column(t, "definition", COHORT_COL_TEXT, 0);
    int cb = host->table_column(t, "versus", COHORT_COL_TEXT, 0);
    int cn = host->table_column(t, "n", COHORT_COL_COUNT, 0);
    int c11 = host->table_column(t, "both", COHORT_COL_COUNT, 0);
    int c00 = host->table_column(t, "neither", COHORT_COL_COUNT, 0);
    int c10 = host->table_column(t, "first only", COHORT_COL_COUNT, 0);
    int c01 = host->table_column(t, "second only", COHORT_COL_COUNT, 0);
    int cag = host->table_column(t, "same", COHORT_COL_PERCENT, 1);
    int ck = host->table_column(t, "kappa", COHORT_COL_NUMBER, 2);
    /* many definitions make many pairs: then the table goes to the files and
     * the report only */
    if (a->nex > CMP_AGREE_PRINTED) {
        host->table_detail(t);
        host->note(call, "agreement between the %zu definitions: %zu pairs, in the table agreement (CSV, JSON, "
                   "report)", a->nex, a->nex * (a->nex - 1) / 2);
    }
    for (size_t i = 0; i < a->nex; i++)
        for (size_t j = i + 1; j < a->nex; j++) {
            const cohort_vec *x = &a->exs[i], *y = &a->exs[j];
            cmp_agreement g;
            cmp_agree(x->num, x->missing, y->num, y->missing, x->n, &g);
            size_t row = host->table_row(t);
            host->table_text(t, row, ca, x->name);
            host->table_text(t, row, cb, y->name);
            pc_put(host, t, row, cn, (double)g.n);
            pc_put(host, t, row, c11, (double)g.both);
            pc_put(host, t, row, c00, (double)g.neither);
            pc_put(host, t, row, c10, (double)g.only_a);
            pc_put(host, t, row, c01, (double)g.only_b);
            pc_put(host, t, row, cag, g.agree);
            pc_put(host, t, row, ck, g.kappa);
            /* the share classified the same rests on the disagreeing units too */
            if (COHORT_HOST_HAS(host, table_row_count)) {
                double m = 0;
                size_t c[4] = {g.both, g.neither, g.only_a, g.only_b};
                for (int k = 0; k < 4; k++)
                    if (c[k] > 0 && (m == 0 || (double)c[k] < m)) m = (double)c[k];
                host->table_row_count(t, row, m);
            }
        }
}

/* Each definition's window as the rules state it (host->window), with its
 * bounds as times from the unit's date (files and report only). */
static void cmp_windows_table(const cohort_host *host, const cohort_call *call, const cmp_args *a)
{
    cohort_table *t = host->table_new(call, "windows", "Each definition's window around the unit's date");
    host->table_detail(t);
    int cd = host->table_column(t, "definition", COHORT_COL_TEXT, 0);
    int cw = host->table_column(t, "window", COHORT_COL_TEXT, 0);
    int cf = host->table_column(t, "from", COHORT_COL_TIME, 2);
    int ct = host->table_column(t, "to", COHORT_COL_TIME, 2);
    for (size_t k = 0; k < a->nex; k++) {
        double from, to;
        const char *w = host->window(call, a->exs[k].name, &from, &to);
        size_t row = host->table_row(t);
        host->table_text(t, row, cd, a->exs[k].name);
        if (w) host->table_text(t, row, cw, w);
        pc_put(host, t, row, cf, from);
        pc_put(host, t, row, ct, to);
    }
}

static int cmp_run(const cohort_host *host, const cohort_call *call)
{
    cmp_args a;
    if (cmp_get_args(host, call, &a) != 0) return 1;
    size_t n = call->nrows;
    double *time = malloc((n + 1) * sizeof *time);
    int *status = malloc((n + 1) * sizeof *status), *ex = malloc((n + 1) * sizeof *ex);
    cmp_cols c = {0};
    int rc = 1;
    if (!time || !status || !ex) goto nomem;

    /* rows left out for unknown exposure or endpoint: said once for each */
    for (size_t k = 0; k < a.nex; k++) {
        size_t miss = 0;
        for (size_t i = 0; i < n; i++) miss += a.exs[k].missing[i] != 0;
        if (miss) {
            char c1[32], c2[32];
            pc_count(host, call, (double)miss, c1, sizeof c1);
            pc_count(host, call, (double)n, c2, sizeof c2);
            host->warning(call, "%s: %s of %s rows with unknown exposure left out of its rows",
                          a.exs[k].name, c1, c2);
        }
    }
    for (size_t e = 0; e < a.nep; e++) {
        const cohort_surv *s = &a.eps[e];
        size_t miss = 0;
        for (size_t i = 0; i < n; i++) {
            miss += s->missing[i] != 0;
            if (!s->missing[i] && (!isfinite(s->time[i]) || s->time[i] < 0 || s->status[i] < 0)) {
                host->error(call, "%s: time %g, status %d in row %zu: not a time >= 0 and a status",
                            s->name, s->time[i], s->status[i], i + 1);
                goto out;
            }
        }
        if (miss) {
            char c1[32], c2[32];
            pc_count(host, call, (double)miss, c1, sizeof c1);
            pc_count(host, call, (double)n, c2, sizeof c2);
            host->warning(call, "%s: %s of %s rows with unknown time or status left out", s->name, c1, c2);
        }
    }

    char title[256];
    snprintf(title, sizeof title,
             "Every definition on one cohort: cumulative incidence by exposure, univariable Fine-Gray "
             "sHR of the comparison's first group vs its second (%g%% CI)", a.level * 100);
    cohort_table *t = host->table_new(call, "compare", title);
    if (cmp_make_cols(host, call, &a, t, &c) != 0) goto nomem;
    snprintf(title, sizeof title, "Cumulative incidence by definition and group (%g%% CI, log-log)",
             a.level * 100);
    cohort_table *d = host->table_new(call, "cif", title);
    host->table_detail(d);
    int dep = host->table_column(d, "endpoint", COHORT_COL_TEXT, 0);
    int ddef = host->table_column(d, "definition", COHORT_COL_TEXT, 0);
    int dgrp = host->table_column(d, "group", COHORT_COL_TEXT, 0);
    int dtime = host->table_column(d, "time", COHORT_COL_TIME, 1);
    int dcif = host->table_column(d, "cif", COHORT_COL_PERCENT, 1);
    int dse = host->table_column(d, "std.err", COHORT_COL_PERCENT, 1);
    int dlo = host->table_column(d, "lower", COHORT_COL_PERCENT, 1);
    int dhi = host->table_column(d, "upper", COHORT_COL_PERCENT, 1);

    if (c.win >= 0) cmp_windows_table(host, call, &a);

    int beyond = 0;
    int figures = COHORT_HOST_HAS(host, figure_new) && COHORT_HOST_HAS(host, figure_estimate);
    for (size_t e = 0; e < a.nep; e++) {
        const cohort_surv *s = &a.eps[e];
        cohort_figure *fig = NULL;
        if (figures) {
            char id[128], ftitle[256];
            snprintf(id, sizeof id, "forest_%s", s->name);
            snprintf(ftitle, sizeof ftitle, "%s: subdistribution hazard ratio, exposed vs unexposed, by definition",
                     s->name);
            fig = host->figure_new(call, id, COHORT_FIG_FOREST, ftitle);
            if (fig && COHORT_HOST_HAS(host, figure_labels))
                host->figure_labels(fig, "Subdistribution hazard ratio", NULL);
        }
        for (size_t k = 0; k < a.nex; k++) {
            const cohort_vec *v = &a.exs[k];
            size_t m = 0;
            for (size_t i = 0; i < n; i++) {
                if (s->missing[i] || v->missing[i]) continue;
                time[m] = s->time[i];
                status[m] = s->status[i];
                ex[m++] = v->num[i] != 0;
            }
            cmp_row r;
            if (cmp_compute(time, status, ex, m, a.at, a.nat, a.level, &r) != CMP_OK) {
                cmp_row_free(&r);
                goto nomem;
            }
            size_t row = host->table_row(t);
            host->table_text(t, row, c.ep, s->name);
            host->table_text(t, row, c.def, v->name);
            if (a.sources) host->table_text(t, row, c.src, a.sources[k]);
            const char *yes, *no;
            char vs[256];
            cmp_levels(host, call, v->name, &yes, &no);
            snprintf(vs, sizeof vs, "%s vs %s", yes, no);
            host->table_text(t, row, c.cmp, vs);
            if (c.win >= 0) {
                const char *w = host->window(call, v->name, NULL, NULL);
                if (w) host->table_text(t, row, c.win, w);
            }
            pc_put(host, t, row, c.n1, (double)r.n[1]);
            pc_put(host, t, row, c.n0, (double)r.n[0]);
            pc_put(host, t, row, c.e1, (double)r.events[1]);
            pc_put(host, t, row, c.e0, (double)r.events[0]);
            for (size_t q = 0; q < a.nat; q++) {
                pc_put(host, t, row, c.c1[q], r.cif[1][q]);
                pc_put(host, t, row, c.c0[q], r.cif[0][q]);
                for (int g = 0; g < 2; g++) beyond |= r.n[g] > 0 && isnan(r.cif[g][q]);
                for (int g = 1; g >= 0; g--) {
                    size_t dr = host->table_row(d);
                    host->table_text(d, dr, dep, s->name);
                    host->table_text(d, dr, ddef, v->name);
                    host->table_text(d, dr, dgrp, g ? yes : no);
                    pc_put(host, d, dr, dtime, a.at[q]);
                    pc_put(host, d, dr, dcif, r.cif[g][q]);
                    pc_put(host, d, dr, dse, sqrt(r.var[g][q]));
                    pc_put(host, d, dr, dlo, r.cif_lower[g][q]);
                    pc_put(host, d, dr, dhi, r.cif_upper[g][q]);
                    if (COHORT_HOST_HAS(host, table_row_count))
                        host->table_row_count(d, dr, (double)r.nby[g][q]);
                }
            }
            if (r.fit == CMP_FIT_OK) {
                pc_put(host, t, row, c.shr, r.shr);
                pc_put(host, t, row, c.lo, r.lower);
                pc_put(host, t, row, c.hi, r.upper);
                pc_put(host, t, row, c.p, r.p);
            }
            if (r.gray_ok) pc_put(host, t, row, c.gray, r.gray_p);
            if (COHORT_HOST_HAS(host, table_row_count)) host->table_row_count(t, row, cmp_row_basis(&r));
            if (fig) {
                char label[256];
                if (a.sources) snprintf(label, sizeof label, "%s (%s)", v->name, a.sources[k]);
                else snprintf(label, sizeof label, "%s", v->name);
                if (r.fit == CMP_FIT_OK) {
                    host->figure_estimate(fig, label, r.shr, r.lower, r.upper, r.p);
                } else {
                    /* a row without estimate is drawn as a heading: keep it short */
                    snprintf(label, sizeof label, "%s: not estimable", v->name);
                    host->figure_estimate(fig, label, NAN, NAN, NAN, NAN);
                }
            }
            cmp_note(host, call, &a, s, k, &r);
            cmp_row_free(&r);
        }
    }
    if (beyond)
        host->warning(call, "incidence is not reported at times after the last follow-up of a group");
    if (a.nex >= 2) cmp_agreement_table(host, call, &a);
    rc = 0;
    goto out;
nomem:
    host->error(call, "out of memory");
out:
    free(time);
    free(status);
    free(ex);
    free(c.c1);
    free(c.c0);
    return rc;
}

static const cohort_estimator cmp_estimators[] = {
    {"compare",
     "one row per (endpoint x exposure definition): n, events, cumulative incidence per group, "
     "Gray's test, univariable Fine-Gray sHR",
     cmp_params, sizeof cmp_params / sizeof cmp_params[0], cmp_run},
};

/* what each constant parameter accepts, and its default (ABI 1.2: checked by
 * the host before any data is read; run() still validates for older hosts) */
static const cohort_param_spec cmp_specs[] = {
    {"compare", "exposures", NULL, 0, NAN, NAN, COHORT_SPEC_EXPOSURE, NULL},
    {"compare", "sources", NULL, COHORT_TYPE_TEXT, NAN, NAN, 0, NULL},
    {"compare", "at", NULL, COHORT_TYPE_DURATION, 0, NAN, 0, "[1 year, 2 years]"},
    {"compare", "conf_level", NULL, 0, 0, 1, COHORT_SPEC_MIN_OPEN | COHORT_SPEC_MAX_OPEN, "0.95"},
};

static const cohort_plugin cmp_plugin = {
    COHORT_PLUGIN_HEADER,
    "compare",
    "1.0.0",
    "One cohort under every definition of exposure and endpoint, side by side",
    cmp_estimators,
    sizeof cmp_estimators / sizeof cmp_estimators[0],
    NULL,
    COHORT_PLUGIN_SPECS(cmp_specs),
    NULL,   /* estimator_flags (ABI 1.7): none, every column comes before run() */
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &cmp_plugin;
}
