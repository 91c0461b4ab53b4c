/* cif.c: the `cif` estimator plugin (ABI glue): cumulative incidence of
 * each cause of a competing-risks endpoint by group, as R
 * cmprsk::cuminc(time, status, group, strata, rho): estimates with
 * confidence limits at given times (timepoints()), Gray's test per cause,
 * and the full curves (table "curve", for plots).  The numbers come from
 * cifcore.c.  The variance is cuminc's, or with variance: "aalen-johansen"
 * the infinitesimal-jackknife variance of survfit's Aalen-Johansen
 * estimate, which case weights (`weights`, as survfit's) and clusters
 * (`cluster`: the influences summed within clusters; by default the
 * patient when the unit is below it, as cox) imply.
 *
 * Confidence intervals: cuminc gives variances only; the limits are the
 * log(-log) transformed interval est^exp(-+z se / (est log est)), the one
 * recommended by Pintilie (Competing Risks: A Practical Perspective, 2006)
 * and used by tidycmprsk, or with conf_type: "log" survfit's default for a
 * multi-state curve, est exp(-+z se / est) capped at 1. */
#include <cohort/plugin.h>
#include "cifcore.h"
#include "../common/fitcheck.h"
#include "../common/pcommon.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cohort_param cif_params[] = {
    {"endpoint", COHORT_ARG_ENDPOINT, 1, "a competing-risks endpoint"},
    {"by", COHORT_ARG_COLUMN, 0, "groups: one curve per value, compared by Gray's test"},
    {"at", COHORT_ARG_LIST, 0, "times (durations) at which to report the incidence"},
    {"strata", COHORT_ARG_COLUMN, 0, "stratify Gray's test by this column"},
    {"rho", COHORT_ARG_NUMBER, 0, "weight (1 - F(t-))^rho of Gray's test, default 0"},
    {"conf_level", COHORT_ARG_NUMBER, 0, "confidence level, default 0.95"},
    {"conf_type", COHORT_ARG_TEXT, 0,
     "scale of the confidence limits: \"log-log\" (default, est^exp(+-z se / (est log est))) or "
     "\"log\" (est exp(+-z se / est), survfit's default for a multi-state curve)"},
    {"variance", COHORT_ARG_TEXT, 0,
     "\"gray\" (default, as cuminc) or \"aalen-johansen\" (infinitesimal jackknife, as survfit; "
     "the default with weights or a cluster)"},
    {"weights", COHORT_ARG_COLUMN, 0,
     "case weights (numbers > 0), as survfit's weights; the variance is then the Aalen-Johansen one "
     "and Gray's test is not computed"},
    {"cluster", COHORT_ARG_COLUMN, 0,
     "robust variance with these clusters (the infinitesimal jackknife summed within clusters), e.g. "
     "patient_id; the default below the patient level, `cluster: none` for none"},
};

/* A count for a sentence: "12", or "<5" under the study's small-cell rule
 * (privacy min_cell).  Returns 1 when the count is hidden. */
/* Events of the curve's cause at or before t. */
static double cif_events_by(const cif_curve *c, double t)
{
    double n = 0;
    for (size_t i = 0; i < c->nsteps && c->time[i] <= t; i++) n += c->nevent[i];
    return n;
}

/* The data of one call after dropping rows with missing values. */
typedef struct cif_input {
    size_t n, ngroups;
    double *time;
    int *status, *group, *strata;
    double *wt;          /* case weights, or NULL */
    size_t *cl;          /* cluster of each row (0..ncluster-1), or NULL */
    size_t ncluster;
    pc_factor fg, fs, fc;
    size_t *level;       /* factor level of each group (levels without rows dropped) */
} cif_input;

static void cif_input_free(cif_input *in)
{
    free(in->time);
    free(in->status);
    free(in->group);
    free(in->strata);
    free(in->wt);
    free(in->cl);
    free(in->level);
    pc_factor_free(&in->fg);
    pc_factor_free(&in->fs);
    pc_factor_free(&in->fc);
}

static int cif_read(const cohort_host *host, const cohort_call *call, cif_input *in)
{
    memset(in, 0, sizeof *in);
    const cohort_surv *s = &cohort_arg_get(call, "endpoint")->surv;
    const cohort_arg *by = cohort_arg_get(call, "by"), *sa = cohort_arg_get(call, "strata");
    const cohort_arg *ca = cohort_arg_get(call, "cluster");
    const cohort_vec *wv = pc_weights(call);
    int nonint;
    if (s->start) {
        host->error(call, "cif does not take (start, stop] data");
        return 1;
    }
    if (pc_weights_check(host, call, wv, NULL, &nonint)) return 1;
    size_t nrows = call->nrows;
    in->time = malloc((nrows + 1) * sizeof *in->time);
    in->status = malloc((nrows + 1) * sizeof *in->status);
    in->group = malloc((nrows + 1) * sizeof *in->group);
    in->strata = malloc((nrows + 1) * sizeof *in->strata);
    if (wv) in->wt = malloc((nrows + 1) * sizeof *in->wt);
    if (ca) in->cl = malloc((nrows + 1) * sizeof *in->cl);
    if (!in->time || !in->status || !in->group || !in->strata || (wv && !in->wt) || (ca && !in->cl) ||
        (by && (pc_factor_make(&by->vec, NULL, &in->fg) != 0 || pc_factor_order(host, call, &by->vec, &in->fg) != 0)) ||
        (sa && pc_factor_make(&sa->vec, NULL, &in->fs) != 0) ||
        (ca && pc_factor_make(&ca->vec, NULL, &in->fc) != 0)) {
        host->error(call, "out of memory");
        return 1;
    }
    in->ncluster = ca ? in->fc.nlevels : 0;
    size_t nlev = by ? in->fg.nlevels : 1, dropped = 0;
    int *present = calloc(nlev + 1, sizeof *present);
    in->level = malloc((nlev + 1) * sizeof *in->level);
    if (!present || !in->level) {
        free(present);
        host->error(call, "out of memory");
        return 1;
    }
    for (size_t i = 0; i < nrows; i++) {
        if (s->missing[i] || (by && in->fg.code[i] < 0) || (sa && in->fs.code[i] < 0) ||
            (ca && in->fc.code[i] < 0) || pc_weight_missing(wv, i)) {
            dropped++;
            continue;
        }
        if (!isfinite(s->time[i]) || s->time[i] < 0 || s->status[i] < 0) {
            host->error(call, "%s: time %g, status %d in row %zu: not a time >= 0 and a status",
                        s->name, s->time[i], s->status[i], i + 1);
            free(present);
            return 1;
        }
        size_t k = in->n++;
        in->time[k] = s->time[i];
        in->status[k] = s->status[i];
        in->group[k] = by ? in->fg.code[i] : 0;
        in->strata[k] = sa ? in->fs.code[i] : 0;
        if (in->wt) in->wt[k] = wv->num[i];
        if (in->cl) in->cl[k] = (size_t)in->fc.code[i];
        present[in->group[k]] = 1;
    }
    if (dropped) {
        char c1[32], c2[32];
        pc_count(host, call, (double)dropped, c1, sizeof c1);
        pc_count(host, call, (double)nrows, c2, sizeof c2);
        host->warning(call, "%s of %s rows dropped for missing values of %s%s%s%s%s%s%s%s%s", c1, c2,
                      s->name, by ? ", " : "", by ? by->vec.name : "", sa ? ", " : "",
                      sa ? sa->vec.name : "", ca ? ", " : "", ca ? ca->vec.name : "",
                      wv ? ", " : "", wv ? wv->name : "");
    }
    if (in->n > 0 &&
        ((by && pc_fit_varies_codes(host, call, PC_FIT_BY, by->vec.name, &in->fg, in->group, in->n)) ||
         (sa && pc_fit_varies_codes(host, call, PC_FIT_STRATA, sa->vec.name, &in->fs, in->strata, in->n)))) {
        free(present);
        return 1;
    }
    size_t *map = malloc((nlev + 1) * sizeof *map);
    if (!map) {
        free(present);
        host->error(call, "out of memory");
        return 1;
    }
    for (size_t k = 0; k < nlev; k++)
        if (present[k]) {
            in->level[in->ngroups] = k;
            map[k] = in->ngroups++;
        }
    for (size_t i = 0; i < in->n; i++) in->group[i] = (int)map[in->group[i]];
    free(map);
    free(present);
    if (in->n == 0) {
        host->error(call, "no rows with %s known", s->name);
        return 1;
    }
    return 0;
}

/* Name of cause c (status value c): the endpoint's name for it, or "cause c". */
static const char *cif_cause_name(const cohort_surv *s, size_t c, char *buf, size_t size)
{
    if (c >= 1 && (int)c <= s->ncauses && s->cause_names && s->cause_names[c - 1])
        return s->cause_names[c - 1];
    snprintf(buf, size, "cause %zu", c);
    return buf;
}

static const char *cif_group_label(const cif_input *in, size_t g)
{
    return in->fg.nlevels ? in->fg.labels[in->level[g]] : "all";
}

static const char *cif_in(const cohort_call *call, const cif_input *in, size_t g, char *buf,
                          size_t size)
{
    const cohort_arg *by = cohort_arg_get(call, "by");
    if (!by) return "";
    snprintf(buf, size, " in %s = %s", by->vec.name, cif_group_label(in, g));
    return buf;
}

/* Sort times ascending, carrying the statuses along (heap sort: no
 * recursion, n log n). */
static void cif_sift(double *t, int *st, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && t[child + 1] > t[child]) child++;
        if (!(t[child] > t[root])) return;
        double x = t[root];
        t[root] = t[child];
        t[child] = x;
        int y = st[root];
        st[root] = st[child];
        st[child] = y;
        root = child;
    }
}

static void cif_sort(double *t, int *st, size_t n)
{
    for (size_t i = n / 2; i-- > 0;) cif_sift(t, st, i, n);
    for (size_t k = n; k-- > 1;) {
        double x = t[0];
        t[0] = t[k];
        t[k] = x;
        int y = st[0];
        st[0] = st[k];
        st[k] = y;
        cif_sift(t, st, 0, k);
    }
}

static int cif_run(const cohort_host *host, const cohort_call *call)
{
    const cohort_arg *a, *ep = cohort_arg_get(call, "endpoint");
    if (!ep || ep->kind != COHORT_ARG_ENDPOINT) {
        host->error(call, "cif needs an endpoint");
        return 1;
    }
    const cohort_surv *s = &ep->surv;
    const cohort_arg *by = cohort_arg_get(call, "by"), *sa = cohort_arg_get(call, "strata");
    double level = 0.95, rho = 0;
    const double *at = NULL;
    size_t nat = 0;
    if (pc_conf_level(host, call, &level)) return 1;
    /* weights and clusters have the jackknife variance only */
    const cohort_vec *wv = pc_weights(call);
    const cohort_arg *ca = cohort_arg_get(call, "cluster");
    int ij = wv || ca;
    if ((a = cohort_arg_get(call, "variance"))) {
        if (strcmp(a->text, "aalen-johansen") == 0) ij = 1;
        else if (strcmp(a->text, "gray") != 0) {
            host->error(call, "variance \"%s\": use \"gray\" or \"aalen-johansen\"", a->text);
            return 1;
        } else if (ij) {
            host->error(call, "variance \"gray\" (cuminc's) has no form with %s%s; use "
                        "\"aalen-johansen\"%s", wv ? "case weights" : "clusters",
                        wv && ca ? " or clusters" : "", ca && !wv ? " or cluster: none" : "");
            return 1;
        }
    }
    cif_ci_type ctype = CIF_CI_LOGLOG;
    if ((a = cohort_arg_get(call, "conf_type"))) {
        if (strcmp(a->text, "log") == 0) ctype = CIF_CI_LOG;
        else if (strcmp(a->text, "log-log") != 0) {
            host->error(call, "conf_type \"%s\": use \"log-log\" or \"log\"", a->text);
            return 1;
        }
    }
    if ((a = cohort_arg_get(call, "rho"))) {
        rho = a->num;
        if (!isfinite(rho) || rho < 0) {
            host->error(call, "rho %g: give a number >= 0", rho);
            return 1;
        }
    }
    if ((a = cohort_arg_get(call, "at"))) {
        if (a->list.n > 0 && a->list.type != COHORT_TYPE_DURATION) {
            host->error(call, "at: give durations, e.g. [12 months, 24 months]");
            return 1;
        }
        for (size_t i = 0; i < a->list.n; i++)
            if (!(a->list.num[i] >= 0)) {
                host->error(call, "at: time %g is negative", a->list.num[i]);
                return 1;
            }
        at = a->list.num;
        nat = a->list.n;
    }

    cif_input in;
    int rc = 1;
    size_t maxcause = 0;
    double *sub_t = NULL, *sub_w = NULL, *nev = NULL, *gray_p = NULL;
    size_t *sub_c = NULL;
    int *sub_s = NULL;
    cif_curve *curves = NULL;
    if (cif_read(host, call, &in) != 0) goto out;
    for (size_t i = 0; i < in.n; i++)
        if ((size_t)in.status[i] > maxcause) maxcause = (size_t)in.status[i];
    /* every cause the endpoint names is shown, one without events too */
    if (maxcause > 0 && s->ncauses > 0 && (size_t)s->ncauses > maxcause) maxcause = (size_t)s->ncauses;
    if (maxcause == 0) {
        host->error(call, "no events of any cause of %s: nothing to estimate", s->name);
        goto out;
    }
    size_t ng = in.ngroups;
    if (sa && ng < 2)
        host->warning(call, "strata only apply to Gray's test, which needs `by` with two or more groups");
    sub_t = malloc((in.n + 1) * sizeof *sub_t);
    sub_s = malloc((in.n + 1) * sizeof *sub_s);
    sub_w = malloc((in.n + 1) * sizeof *sub_w);
    sub_c = malloc((in.n + 1) * sizeof *sub_c);
    nev = calloc(maxcause + 1, sizeof *nev);
    gray_p = malloc((maxcause + 1) * sizeof *gray_p);
    curves = calloc(ng * maxcause + 1, sizeof *curves);
    if (!sub_t || !sub_s || !sub_w || !sub_c || !nev || !gray_p || !curves) {
        host->error(call, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < in.n; i++) nev[in.status[i]]++;
    for (size_t c = 0; c <= maxcause; c++) gray_p[c] = NAN;
    /* curves[(cause - 1) * ng + g] */
    for (size_t g = 0; g < ng; g++) {
        size_t m = 0;
        for (size_t i = 0; i < in.n; i++)
            if ((size_t)in.group[i] == g) {
                sub_t[m] = in.time[i];
                if (in.wt) sub_w[m] = in.wt[i];
                if (in.cl) sub_c[m] = in.cl[i];
                sub_s[m++] = in.status[i];
            }
        const double *w = in.wt ? sub_w : NULL;
        for (size_t c = 1; c <= maxcause; c++)
            if (cif_fit_w(sub_t, sub_s, w, m, (int)c, &curves[(c - 1) * ng + g]) != CIF_OK ||
                (ij && cif_var_ij_w(sub_t, sub_s, w, in.cl ? sub_c : NULL, in.ncluster, m, (int)c,
                                    &curves[(c - 1) * ng + g]) != CIF_OK)) {
                host->error(call, "out of memory");
                goto out;
            }
    }
    /* with a cluster the title says so (and the host's note when it is the
     * default below the patient level) */
    if (wv)
        host->note(call, "case weights %s: Aalen-Johansen estimate with the infinitesimal-jackknife "
                   "variance%s (as survfit)", wv->name, ca ? " summed within clusters" : "");

    char lv[16], tb[64], gb[256], cname[64];
    snprintf(lv, sizeof lv, "%g%%", level * 100);
    for (size_t c = 1; c <= maxcause; c++)
        if (nev[c] == 0)
            host->warning(call, "no events of %s: its cumulative incidence is 0 throughout (shown, without "
                          "confidence limits)", cif_cause_name(s, c, cname, sizeof cname));
    const char *gname = by ? by->vec.name : "group";

    if (nat > 0) {
        char title[96];
        snprintf(title, sizeof title, "Cumulative incidence (%s CI, %s%s%s)", lv,
                 ctype == CIF_CI_LOG ? "log" : "log-log", ij ? ", Aalen-Johansen IJ variance" : "",
                 ca ? " by cluster" : "");
        cohort_table *t = host->table_new(call, "cif", title);
        int cc = host->table_column(t, "cause", COHORT_COL_TEXT, 0);
        int cg = host->table_column(t, gname, COHORT_COL_TEXT, 0);
        int ct = host->table_column(t, "time", COHORT_COL_TIME, 1);
        int ce = host->table_column(t, "cif", COHORT_COL_PERCENT, 1);
        int cse = host->table_column(t, "std.err", COHORT_COL_PERCENT, 1);
        int cl = host->table_column(t, "lower", COHORT_COL_PERCENT, 1);
        int cu = host->table_column(t, "upper", COHORT_COL_PERCENT, 1);
        int beyond = 0;
        for (size_t c = 1; c <= maxcause; c++) {
            for (size_t g = 0; g < ng; g++)
                for (size_t k = 0; k < nat; k++) {
                    double est, var, lo, hi;
                    cif_at(&curves[(c - 1) * ng + g], at[k], &est, &var);
                    cif_ci(est, var, level, ctype, &lo, &hi);
                    size_t r = host->table_row(t);
                    host->table_text(t, r, cc, cif_cause_name(s, c, cname, sizeof cname));
                    host->table_text(t, r, cg, cif_group_label(&in, g));
                    pc_put(host, t, r, ct, at[k]);
                    pc_put(host, t, r, ce, est);
                    pc_put(host, t, r, cse, sqrt(var));
                    pc_put(host, t, r, cl, lo);
                    pc_put(host, t, r, cu, hi);
                    /* the estimate rests on the events of the cause up to at[k] */
                    double nby = cif_events_by(&curves[(c - 1) * ng + g], at[k]);
                    if (COHORT_HOST_HAS(host, table_row_count)) host->table_row_count(t, r, nby);
                    if (isnan(est)) {
                        beyond = 1;
                        continue;
                    }
                    pc_fmt_time(call, at[k], tb, sizeof tb);
                    char cb[32];
                    if (pc_count(host, call, nby, cb, sizeof cb))
                        host->note(call, "CIF of %s at %s rests on %s events: not shown%s",
                                   cif_cause_name(s, c, cname, sizeof cname), tb, cb,
                                   cif_in(call, &in, g, gb, sizeof gb));
                    else if (isfinite(lo) && isfinite(hi))
                        host->note(call, "CIF of %s at %s %.1f%% (%s CI %.1f-%.1f)%s",
                                   cif_cause_name(s, c, cname, sizeof cname), tb, 100 * est, lv,
                                   100 * lo, 100 * hi, cif_in(call, &in, g, gb, sizeof gb));
                    else
                        host->note(call, "CIF of %s at %s %.1f%%%s",
                                   cif_cause_name(s, c, cname, sizeof cname), tb, 100 * est,
                                   cif_in(call, &in, g, gb, sizeof gb));
                }
        }
        if (beyond)
            host->warning(call, "incidence is not reported at times after the last follow-up of a group");
    }

    if (ng >= 2 && wv)
        host->note(call, "Gray's test is not computed with case weights (cuminc has none)");
    if (ng >= 2 && !wv) {
        char title[128];
        snprintf(title, sizeof title, "Gray's test%s%s (rho = %g)", sa ? ", stratified by " : "",
                 sa ? sa->vec.name : "", rho);
        cohort_table *t = host->table_new(call, "test", title);
        int cc = host->table_column(t, "cause", COHORT_COL_TEXT, 0);
        int cx = host->table_column(t, "statistic", COHORT_COL_NUMBER, 2);
        int cd = host->table_column(t, "df", COHORT_COL_NUMBER, 0);
        int cp = host->table_column(t, "p", COHORT_COL_PVALUE, 3);
        for (size_t c = 1; c <= maxcause; c++) {
            if (nev[c] == 0) continue;
            double stat, p;
            int df;
            int st = cif_gray(in.time, in.status, in.group, sa ? in.strata : NULL, in.n, ng,
                              (int)c, rho, &stat, &df, &p);
            if (st == CIF_NOMEM) {
                host->error(call, "out of memory");
                goto out;
            }
            size_t r = host->table_row(t);
            host->table_text(t, r, cc, cif_cause_name(s, c, cname, sizeof cname));
            pc_put(host, t, r, cd, df);
            if (st != CIF_OK) {
                host->warning(call, "Gray's test for %s is not available (%s)",
                              cif_cause_name(s, c, cname, sizeof cname),
                              st == CIF_SINGULAR ? "singular variance" : "not finite");
                continue;
            }
            pc_put(host, t, r, cx, stat);
            pc_put(host, t, r, cp, p);
            gray_p[c] = p;
            char pb[32];
            pc_fmt_p(p, pb, sizeof pb);
            host->note(call, "Gray's test for %s by %s%s%s: chi-squared %.2f on %d df, %s",
                       cif_cause_name(s, c, cname, sizeof cname), by->vec.name, sa ? " stratified by " : "",
                       sa ? sa->vec.name : "", stat, df, pb);
        }
    }

    {
        cohort_table *t = host->table_new(call, "curve", "Cumulative incidence curves");
        /* the whole curve goes to JSON, CSV and figures, not to the text report */
        host->table_detail(t);
        int cc = host->table_column(t, "cause", COHORT_COL_TEXT, 0);
        int cg = host->table_column(t, gname, COHORT_COL_TEXT, 0);
        int ct = host->table_column(t, "time", COHORT_COL_TIME, 2);
        int cr = host->table_column(t, "n.risk", COHORT_COL_COUNT, 0);
        int ce = host->table_column(t, "n.event", COHORT_COL_COUNT, 0);
        int cv = host->table_column(t, "cif", COHORT_COL_PERCENT, 1);
        int cse = host->table_column(t, "std.err", COHORT_COL_PERCENT, 1);
        int cl = host->table_column(t, "lower", COHORT_COL_PERCENT, 1);
        int cu = host->table_column(t, "upper", COHORT_COL_PERCENT, 1);
        for (size_t c = 1; c <= maxcause; c++) {
            if (nev[c] == 0) continue;
            for (size_t g = 0; g < ng; g++) {
                const cif_curve *cv_ = &curves[(c - 1) * ng + g];
                for (size_t i = 0; i < cv_->nsteps; i++) {
                    double lo, hi;
                    cif_ci(cv_->est[i], cv_->var[i], level, ctype, &lo, &hi);
                    size_t r = host->table_row(t);
                    host->table_text(t, r, cc, cif_cause_name(s, c, cname, sizeof cname));
                    host->table_text(t, r, cg, cif_group_label(&in, g));
                    pc_put(host, t, r, ct, cv_->time[i]);
                    pc_put(host, t, r, cr, cv_->nrisk[i]);
                    pc_put(host, t, r, ce, cv_->nevent[i]);
                    pc_put(host, t, r, cv, cv_->est[i]);
                    pc_put(host, t, r, cse, sqrt(cv_->var[i]));
                    pc_put(host, t, r, cl, lo);
                    pc_put(host, t, r, cu, hi);
                }
            }
        }
    }

    /* one figure per cause (a step curve per group), and with two causes
     * or more one panel of them all (a colour per group, a line type per
     * cause); Gray's p-values are the figures' annotations */
    if (COHORT_HOST_HAS(host, figure_new)) {
        size_t *ord = malloc((in.n + 1) * sizeof *ord);
        if (!ord) {
            host->error(call, "out of memory");
            goto out;
        }
        int panel = COHORT_HOST_HAS(host, figure_curve);
        size_t ncauses = 0;
        for (size_t c = 1; c <= maxcause; c++) ncauses += nev[c] > 0;
        cohort_figure *all = NULL;
        char note[600] = "";
        if (panel && ncauses >= 2) {
            char title[300];
            size_t len = 0;
            len += (size_t)snprintf(title + len, sizeof title - len, "Cumulative incidence of ");
            for (size_t c = 1, k = 0; c <= maxcause && len < sizeof title; c++) {
                if (nev[c] == 0) continue;
                len += (size_t)snprintf(title + len, sizeof title - len, "%s%s", k == 0 ? "" : k + 1 == ncauses ? " and " : ", ",
                                        cif_cause_name(s, c, cname, sizeof cname));
                k++;
            }
            if (by && len < sizeof title) snprintf(title + len, sizeof title - len, " by %s", by->vec.name);
            all = host->figure_new(call, "incidence", COHORT_FIG_STEP, title);
            host->figure_labels(all, NULL, "Cumulative incidence");
        }
        for (size_t c = 1; c <= maxcause; c++) {
            char title[300], id[96];
            const char *cn = cif_cause_name(s, c, cname, sizeof cname);
            if (by) snprintf(title, sizeof title, "Cumulative incidence of %s by %s", cn, by->vec.name);
            else snprintf(title, sizeof title, "Cumulative incidence of %s", cn);
            snprintf(id, sizeof id, "incidence-%s", cn);
            cohort_figure *fig = host->figure_new(call, id, COHORT_FIG_STEP, title);
            snprintf(title, sizeof title, "Cumulative incidence of %s", cn);
            host->figure_labels(fig, NULL, title);
            if (isfinite(gray_p[c]) && COHORT_HOST_HAS(host, figure_annotate)) {
                char pb[32], ann[300];
                pc_fmt_p(gray_p[c], pb, sizeof pb);
                snprintf(ann, sizeof ann, "Gray's test %s", pb);
                host->figure_annotate(fig, ann);
                size_t len = strlen(note);
                snprintf(note + len, sizeof note - len, "%s%s %s", len ? "; " : "Gray's test: ", cn, pb);
            }
            for (size_t g = 0; g < ng; g++) {
                const cif_curve *cv_ = &curves[(c - 1) * ng + g];
                if (by) snprintf(gb, sizeof gb, "%s = %s", by->vec.name, cif_group_label(&in, g));
                else snprintf(gb, sizeof gb, "%s", cn);
                int sx = host->figure_series(fig, gb, 0.0);
                int ax = all ? host->figure_curve(all, by ? gb : "", cn, 0.0) : -1;
                /* the group's times in order, statuses carried along */
                size_t m = 0;
                for (size_t i = 0; i < in.n; i++)
                    if ((size_t)in.group[i] == g) ord[m++] = i;
                for (size_t i = 0; i < m; i++) sub_t[i] = in.time[ord[i]];
                for (size_t i = 0; i < m; i++) sub_s[i] = in.status[ord[i]];
                cif_sort(sub_t, sub_s, m);
                for (size_t i = 0; i < m;) {
                    size_t j = i;
                    double d = 0, cens = 0;
                    for (; j < m && sub_t[j] == sub_t[i]; j++) {
                        d += (size_t)sub_s[j] == c;
                        cens += sub_s[j] == 0;
                    }
                    double est, var, lo, hi;
                    cif_at(cv_, sub_t[i], &est, &var);
                    cif_ci(est, var, level, ctype, &lo, &hi);
                    host->figure_step(fig, sx, sub_t[i], est, lo, hi, (double)(m - i), d, cens);
                    if (ax >= 0) host->figure_step(all, ax, sub_t[i], est, lo, hi, (double)(m - i), d, cens);
                    i = j;
                }
            }
        }
        if (all && *note && COHORT_HOST_HAS(host, figure_annotate)) host->figure_annotate(all, note);
        free(ord);
    }
    rc = 0;
out:
    if (curves)
        for (size_t k = 0; k < in.ngroups * maxcause; k++) cif_free(&curves[k]);
    free(curves);
    free(sub_t);
    free(sub_w);
    free(sub_c);
    free(sub_s);
    free(nev);
    free(gray_p);
    cif_input_free(&in);
    return rc;
}

static const cohort_estimator cif_estimators[] = {
    {"cif", "cumulative incidence of competing risks with Gray's test (as R cmprsk::cuminc)",
     cif_params, sizeof cif_params / sizeof cif_params[0], cif_run},
};

/* what each constant parameter accepts, and its default (ABI 1.2: checked by
 * the host before any data is read; run() still validates for older hosts) */
static const char *const cif_conf_types[] = {"log-log", "log", NULL};
static const cohort_param_spec cif_specs[] = {
    {"cif", "at", NULL, COHORT_TYPE_DURATION, 0, NAN, 0, NULL},
    {"cif", "rho", NULL, 0, 0, NAN, 0, "0"},
    {"cif", "conf_level", NULL, 0, 0, 1, COHORT_SPEC_MIN_OPEN | COHORT_SPEC_MAX_OPEN, "0.95"},
    {"cif", "conf_type", cif_conf_types, 0, NAN, NAN, 0, "\"log-log\""},
    {"cif", "by", NULL, 0, NAN, NAN, COHORT_SPEC_GROUPS, NULL},
};

static const cohort_plugin cif_plugin = {
    COHORT_PLUGIN_HEADER,
    "cif",
    "1.0.0",
    "Aalen-Johansen cumulative incidence, variances, log-log intervals, Gray's test",
    cif_estimators,
    sizeof cif_estimators / sizeof cif_estimators[0],
    NULL,
    COHORT_PLUGIN_SPECS(cif_specs),
    NULL,   /* estimator_flags (ABI 1.7): none, every column comes before run() */
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &cif_plugin;
}
