/* rmst.c: an out-of-tree estimator plugin for cohort, and the worked example
 * of the plugin guide.  `rmst(endpoint, by: col, tau: duration, ref: text,
 * conf_level: number)` estimates the restricted mean survival time up to
 * tau per group (the area under the Kaplan-Meier curve from 0 to tau) with
 * the variance that R's survival package reports as se(rmean) in
 * print(survfit(...), rmean = tau) and survRM2::rmst2 uses:
 *
 *     var = sum over event times t_i <= tau of A_i^2 d_i / (n_i (n_i - d_i))
 *
 * where A_i is the area under the curve from t_i to tau (a term with
 * n_i == d_i counts 0, as in R).  With groups, every group is compared with
 * the reference group: the RMST difference (normal CI and Wald p), the RMST
 * ratio and the ratio of restricted mean times lost (tau - RMST; both on the
 * log scale), and with more than two groups a chi-square test that all
 * RMSTs are equal.  The file only needs the installed header
 * <cohort/plugin.h> and libRmath; see README.md next to it. */
#define MATHLIB_STANDALONE
#include <cohort/plugin.h>
#include <Rmath.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cohort_param rmst_params[] = {
    {"endpoint", COHORT_ARG_ENDPOINT, 1,
     "the endpoint (event 1; competing causes count as censored)"},
    {"by", COHORT_ARG_COLUMN, 0, "groups fixed at the origin: one RMST per value"},
    {"tau", COHORT_ARG_DURATION, 0,
     "the horizon; default: the smallest of the groups' last follow-up times (as survRM2)"},
    {"ref", COHORT_ARG_TEXT, 0, "reference group for the contrasts, default the first level"},
    {"conf_level", COHORT_ARG_NUMBER, 0, "confidence level, default 0.95"},
};

/* ------------------------------------------------------------------ core */

/* One observation: follow-up time (days) and whether it ended in the event. */
typedef struct rmst_obs {
    double time;
    int event;
} rmst_obs;

/* The estimate of one group. */
typedef struct rmst_est {
    size_t n;            /* rows */
    size_t events;       /* events, all times */
    double last;         /* last follow-up time */
    double surv;         /* the curve at tau */
    double rmst, se;     /* restricted mean up to tau and its standard error */
} rmst_est;

static int rmst_cmp_obs(const void *a, const void *b)
{
    const rmst_obs *x = a, *y = b;
    return (x->time > y->time) - (x->time < y->time);
}

/* RMST up to tau > 0 from n >= 1 observations, sorted here in place.  The
 * curve is flat after the last time, as R's survmean extends it. */
static void rmst_estimate(rmst_obs *obs, size_t n, double tau, rmst_est *e)
{
    qsort(obs, n, sizeof *obs, rmst_cmp_obs);
    e->n = n;
    e->events = 0;
    for (size_t i = 0; i < n; i++) e->events += obs[i].event != 0;
    e->last = obs[n - 1].time;
    /* First pass: the area from 0 to tau, one rectangle per step. */
    double surv = 1, prev = 0, area = 0;
    for (size_t i = 0; i < n && obs[i].time <= tau;) {
        double t = obs[i].time, risk = (double)(n - i), d = 0;
        while (i < n && obs[i].time == t) d += obs[i++].event != 0;
        if (d == 0) continue;
        area += (t - prev) * surv;
        prev = t;
        surv *= 1 - d / risk;
    }
    area += (tau - prev) * surv;
    e->surv = surv;
    e->rmst = area;
    /* Second pass: A_i, the area from event time t_i to tau, is what is left
     * of the total after the area up to t_i. */
    double var = 0, before = 0;
    surv = 1;
    prev = 0;
    for (size_t i = 0; i < n && obs[i].time <= tau;) {
        double t = obs[i].time, risk = (double)(n - i), d = 0;
        while (i < n && obs[i].time == t) d += obs[i++].event != 0;
        if (d == 0) continue;
        before += (t - prev) * surv;
        prev = t;
        surv *= 1 - d / risk;
        double a = area - before;
        if (risk > d) var += a * a * d / (risk * (risk - d));
    }
    e->se = sqrt(var);
}

/* --------------------------------------------------------------- groups */

/* A column coded as a factor: levels sorted (numbers ascending, text by
 * byte order, false before true), the reference level first. */
typedef struct rmst_factor {
    size_t nlevels;
    char **labels;       /* nlevels labels */
    int *code;           /* per row: level, or -1 when missing */
} rmst_factor;

typedef struct rmst_key {
    double num;
    const char *text;    /* TEXT columns; NULL otherwise */
    size_t row;
} rmst_key;

static int rmst_cmp_key(const void *a, const void *b)
{
    const rmst_key *x = a, *y = b;
    if (x->text) return strcmp(x->text, y->text);
    return (x->num > y->num) - (x->num < y->num);
}

/* The label of a non-text value: "true"/"false", a date, or "%g". */
static void rmst_label(const cohort_vec *v, size_t i, char *buf, size_t size)
{
    if (v->type == COHORT_TYPE_BOOL) {
        snprintf(buf, size, "%s", v->num[i] != 0 ? "true" : "false");
    } else if (v->type == COHORT_TYPE_DATE) {
        /* civil date of a day number (days since 1970-01-01) */
        long z = (long)floor(v->num[i]) + 719468;
        long era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
        snprintf(buf, size, "%04ld-%02ld-%02ld", yoe + era * 400 + (month <= 2), month, day);
    } else {
        snprintf(buf, size, "%g", v->num[i]);
    }
}

static void rmst_factor_free(rmst_factor *f)
{
    for (size_t k = 0; k < f->nlevels; k++) free(f->labels[k]);
    free(f->labels);
    free(f->code);
    memset(f, 0, sizeof *f);
}

/* Code v, keeping only rows with use[i] != 0.  Returns 0, or -1 when memory
 * ran out (f is then empty). */
static int rmst_factor_make(const cohort_vec *v, const unsigned char *use, rmst_factor *f)
{
    memset(f, 0, sizeof *f);
    size_t n = v->n, m = 0;
    rmst_key *keys = malloc((n + 1) * sizeof *keys);
    f->code = malloc((n + 1) * sizeof *f->code);
    f->labels = malloc((n + 1) * sizeof *f->labels);
    if (!keys || !f->code || !f->labels) goto fail;
    for (size_t i = 0; i < n; i++) {
        f->code[i] = -1;
        if (!use[i]) continue;
        keys[m].num = v->num ? v->num[i] : 0;
        keys[m].text = v->type == COHORT_TYPE_TEXT ? v->text[i] : NULL;
        keys[m++].row = i;
    }
    qsort(keys, m, sizeof *keys, rmst_cmp_key);
    char buf[64];
    for (size_t k = 0; k < m; k++) {
        if (k == 0 || rmst_cmp_key(&keys[k - 1], &keys[k]) != 0) {
            const char *label = keys[k].text;
            if (!label) {
                rmst_label(v, keys[k].row, buf, sizeof buf);
                label = buf;
            }
            size_t len = strlen(label) + 1;
            if (!(f->labels[f->nlevels] = malloc(len))) goto fail;
            memcpy(f->labels[f->nlevels++], label, len);
        }
        f->code[keys[k].row] = (int)f->nlevels - 1;
    }
    free(keys);
    return 0;
fail:
    free(keys);
    rmst_factor_free(f);
    return -1;
}

/* Make level `ref` the first; the levels before it move up one.  Returns 0,
 * or -1 if `ref` is not a level. */
static int rmst_factor_relevel(rmst_factor *f, size_t nrows, const char *ref)
{
    size_t r = 0;
    while (r < f->nlevels && strcmp(f->labels[r], ref) != 0) r++;
    if (r == f->nlevels) return -1;
    char *label = f->labels[r];
    memmove(f->labels + 1, f->labels, r * sizeof *f->labels);
    f->labels[0] = label;
    for (size_t i = 0; i < nrows; i++) {
        int c = f->code[i];
        if (c == (int)r) f->code[i] = 0;
        else if (c >= 0 && c < (int)r) f->code[i] = c + 1;
    }
    return 0;
}

/* --------------------------------------------------------------- output */

/* A time in the study's unit with one decimal, e.g. "12.0 months". */
static void rmst_fmt_time(const cohort_call *call, double days, char *buf, size_t size)
{
    double per = call->time_unit_days > 0 ? call->time_unit_days : 1;
    snprintf(buf, size, "%.1f", days / per);
}

/* A horizon in the study's unit, one decimal at most, e.g. "12" or "365.2":
 * rounded as the host's tables round times ("%.1f"), a trailing ".0" dropped. */
static void rmst_fmt_tau(const cohort_call *call, double days, char *buf, size_t size)
{
    double per = call->time_unit_days > 0 ? call->time_unit_days : 1;
    snprintf(buf, size, "%.1f", days / per);
    size_t n = strlen(buf);
    if (n > 2 && !strcmp(buf + n - 2, ".0")) buf[n - 2] = 0;
}

static const char *rmst_unit(const cohort_call *call)
{
    return call->time_unit && *call->time_unit ? call->time_unit : "days";
}

/* "p = 0.017" or "p < 0.001". */
static void rmst_fmt_p(double p, char *buf, size_t size)
{
    if (p < 0.001) snprintf(buf, size, "p < 0.001");
    else snprintf(buf, size, "p = %.3f", p);
}

/* "lo-hi", or "lo to hi" when a limit is negative. */
static void rmst_fmt_ci(const char *lo, const char *hi, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s", lo, lo[0] == '-' || hi[0] == '-' ? " to " : "-", hi);
}

/* Set a cell unless the value is not finite (the cell stays missing). */
static void rmst_put(const cohort_host *host, cohort_table *t, size_t row, int col, double x)
{
    if (isfinite(x)) host->table_num(t, row, col, x);
}

/* Two-sided Wald p-value of estimate/se, or NAN when se is 0. */
static double rmst_wald_p(double est, double se)
{
    if (!(se > 0)) return NAN;
    return 2 * pnorm(-fabs(est / se), 0, 1, 1, 0);
}

/* ------------------------------------------------------------------ run */

/* Everything run() allocates, freed in one place. */
typedef struct rmst_work {
    rmst_factor f;
    rmst_obs *obs;       /* rows used, grouped: group g is obs[start[g] .. start[g + 1]) */
    size_t *start;
    rmst_est *est;
    unsigned char *use;
} rmst_work;

static void rmst_work_free(rmst_work *w)
{
    rmst_factor_free(&w->f);
    free(w->obs);
    free(w->start);
    free(w->est);
    free(w->use);
}

/* The per-group table and its notes. */
static void rmst_report_groups(const cohort_host *host, const cohort_call *call,
                               const rmst_work *w, const char *byname, double tau,
                               double level)
{
    char title[128], tb[64], lv[16], a[32], b[32], c[32], ci[80];
    size_t ng = byname ? w->f.nlevels : 1;
    double z = qnorm(1 - (1 - level) / 2, 0, 1, 1, 0);
    snprintf(lv, sizeof lv, "%g%%", level * 100);
    rmst_fmt_tau(call, tau, tb, sizeof tb);
    snprintf(title, sizeof title, "Restricted mean survival time up to %s %s (%s CI)", tb,
             rmst_unit(call), lv);
    cohort_table *t = host->table_new(call, "rmst", title);
    int cg = host->table_column(t, byname ? byname : "group", COHORT_COL_TEXT, 0);
    int cn = host->table_column(t, "n", COHORT_COL_COUNT, 0);
    int ce = host->table_column(t, "events", COHORT_COL_COUNT, 0);
    int ct = host->table_column(t, "tau", COHORT_COL_TIME, 1);
    int cr = host->table_column(t, "rmst", COHORT_COL_TIME, 1);
    int cs = host->table_column(t, "se", COHORT_COL_TIME, 2);
    int cl = host->table_column(t, "lower", COHORT_COL_TIME, 1);
    int cu = host->table_column(t, "upper", COHORT_COL_TIME, 1);
    int cm = host->table_column(t, "rmtl", COHORT_COL_TIME, 1);
    for (size_t g = 0; g < ng; g++) {
        const rmst_est *e = &w->est[g];
        double lo = e->rmst - z * e->se, hi = e->rmst + z * e->se;
        size_t r = host->table_row(t);
        host->table_text(t, r, cg, byname ? w->f.labels[g] : "all");
        rmst_put(host, t, r, cn, (double)e->n);
        rmst_put(host, t, r, ce, (double)e->events);
        rmst_put(host, t, r, ct, tau);
        rmst_put(host, t, r, cr, e->rmst);
        rmst_put(host, t, r, cs, e->se);
        rmst_put(host, t, r, cl, lo);
        rmst_put(host, t, r, cu, hi);
        rmst_put(host, t, r, cm, tau - e->rmst);
        rmst_fmt_time(call, e->rmst, a, sizeof a);
        rmst_fmt_time(call, lo, b, sizeof b);
        rmst_fmt_time(call, hi, c, sizeof c);
        rmst_fmt_ci(b, c, ci, sizeof ci);
        host->note(call, "RMST up to %s %s: %s %s (%s CI %s)%s%s%s%s", tb, rmst_unit(call), a,
                   rmst_unit(call), lv, ci, byname ? " in " : "", byname ? byname : "",
                   byname ? " = " : "", byname ? w->f.labels[g] : "");
    }
}

/* Contrasts of every group with the reference group (level 0), and the
 * chi-square test of equal RMSTs when there are more than two groups. */
static void rmst_report_contrasts(const cohort_host *host, const cohort_call *call,
                                  const rmst_work *w, const char *byname, double tau,
                                  double level)
{
    size_t ng = w->f.nlevels;
    double z = qnorm(1 - (1 - level) / 2, 0, 1, 1, 0);
    const rmst_est *r0 = &w->est[0];
    char lv[16], cmp[600], a[32], b[32], c[32], ci[80], pb[32];
    snprintf(lv, sizeof lv, "%g%%", level * 100);

    cohort_table *td = host->table_new(call, "difference", "Difference in RMST");
    int dc = host->table_column(td, "comparison", COHORT_COL_TEXT, 0);
    int dd = host->table_column(td, "difference", COHORT_COL_TIME, 1);
    int ds = host->table_column(td, "se", COHORT_COL_TIME, 2);
    int dl = host->table_column(td, "lower", COHORT_COL_TIME, 1);
    int du = host->table_column(td, "upper", COHORT_COL_TIME, 1);
    int dp = host->table_column(td, "p", COHORT_COL_PVALUE, 3);
    for (size_t g = 1; g < ng; g++) {
        const rmst_est *e = &w->est[g];
        double diff = e->rmst - r0->rmst, se = sqrt(e->se * e->se + r0->se * r0->se);
        double p = rmst_wald_p(diff, se);
        snprintf(cmp, sizeof cmp, "%s - %s", w->f.labels[g], w->f.labels[0]);
        size_t r = host->table_row(td);
        host->table_text(td, r, dc, cmp);
        rmst_put(host, td, r, dd, diff);
        rmst_put(host, td, r, ds, se);
        rmst_put(host, td, r, dl, diff - z * se);
        rmst_put(host, td, r, du, diff + z * se);
        rmst_put(host, td, r, dp, p);
        rmst_fmt_time(call, diff, a, sizeof a);
        rmst_fmt_time(call, diff - z * se, b, sizeof b);
        rmst_fmt_time(call, diff + z * se, c, sizeof c);
        rmst_fmt_ci(b, c, ci, sizeof ci);
        if (isfinite(p)) {
            rmst_fmt_p(p, pb, sizeof pb);
            host->note(call, "RMST difference %s %s (%s CI %s), %s, %s = %s vs %s", a,
                       rmst_unit(call), lv, ci, pb, byname, w->f.labels[g], w->f.labels[0]);
        } else {
            host->note(call, "RMST difference %s %s, %s = %s vs %s (no variance)", a,
                       rmst_unit(call), byname, w->f.labels[g], w->f.labels[0]);
        }
    }

    /* ratios on the log scale: RMST, and restricted mean time lost */
    cohort_table *tr = host->table_new(call, "ratio", "Ratios of RMST and of restricted mean time lost");
    int rc = host->table_column(tr, "comparison", COHORT_COL_TEXT, 0);
    int rm = host->table_column(tr, "measure", COHORT_COL_TEXT, 0);
    int rr = host->table_column(tr, "ratio", COHORT_COL_NUMBER, 2);
    int rl = host->table_column(tr, "lower", COHORT_COL_NUMBER, 2);
    int ru = host->table_column(tr, "upper", COHORT_COL_NUMBER, 2);
    int rp = host->table_column(tr, "p", COHORT_COL_PVALUE, 3);
    for (size_t g = 1; g < ng; g++) {
        const rmst_est *e = &w->est[g];
        snprintf(cmp, sizeof cmp, "%s / %s", w->f.labels[g], w->f.labels[0]);
        for (int lost = 0; lost <= 1; lost++) {
            double x1 = lost ? tau - e->rmst : e->rmst, x0 = lost ? tau - r0->rmst : r0->rmst;
            size_t r = host->table_row(tr);
            host->table_text(tr, r, rc, cmp);
            host->table_text(tr, r, rm, lost ? "RMTL ratio" : "RMST ratio");
            if (!(x1 > 0 && x0 > 0)) continue; /* no time lost (or none survived): undefined */
            double lr = log(x1 / x0);
            double se = sqrt(e->se * e->se / (x1 * x1) + r0->se * r0->se / (x0 * x0));
            double p = rmst_wald_p(lr, se);
            rmst_put(host, tr, r, rr, exp(lr));
            rmst_put(host, tr, r, rl, exp(lr - z * se));
            rmst_put(host, tr, r, ru, exp(lr + z * se));
            rmst_put(host, tr, r, rp, p);
            if (!isfinite(p)) continue;
            rmst_fmt_p(p, pb, sizeof pb);
            host->note(call, "%s %.2f (%s CI %.2f-%.2f), %s, %s = %s vs %s",
                       lost ? "RMTL ratio" : "RMST ratio", exp(lr), lv, exp(lr - z * se),
                       exp(lr + z * se), pb, byname, w->f.labels[g], w->f.labels[0]);
        }
    }

    if (ng < 3) return;
    /* Independent groups: with weights 1/var, sum w (x - weighted mean)^2 is
     * chi-square on ng - 1 df when all RMSTs are equal. */
    double sw = 0, swx = 0;
    for (size_t g = 0; g < ng; g++) {
        if (!(w->est[g].se > 0)) {
            host->warning(call, "no test of equal RMSTs: %s = %s has no variance up to tau",
                          byname, w->f.labels[g]);
            return;
        }
        double wt = 1 / (w->est[g].se * w->est[g].se);
        sw += wt;
        swx += wt * w->est[g].rmst;
    }
    double mean = swx / sw, chisq = 0;
    for (size_t g = 0; g < ng; g++) {
        double dv = w->est[g].rmst - mean;
        chisq += dv * dv / (w->est[g].se * w->est[g].se);
    }
    double df = (double)(ng - 1), p = pchisq(chisq, df, 0, 0);
    cohort_table *tt = host->table_new(call, "test", "Test of equal RMST across groups");
    int tc = host->table_column(tt, "chisq", COHORT_COL_NUMBER, 2);
    int tf = host->table_column(tt, "df", COHORT_COL_NUMBER, 0);
    int tp = host->table_column(tt, "p", COHORT_COL_PVALUE, 3);
    size_t r = host->table_row(tt);
    rmst_put(host, tt, r, tc, chisq);
    rmst_put(host, tt, r, tf, df);
    rmst_put(host, tt, r, tp, p);
    rmst_fmt_p(p, pb, sizeof pb);
    host->note(call, "RMST equal across %s: chi-square %.2f on %g df, %s", byname, chisq, df, pb);
}

static int rmst_run(const cohort_host *host, const cohort_call *call)
{
    rmst_work w;
    memset(&w, 0, sizeof w);
    int rc = 1;
    const cohort_arg *ep = cohort_arg_get(call, "endpoint");
    const cohort_arg *by = cohort_arg_get(call, "by");
    const cohort_arg *tau_arg = cohort_arg_get(call, "tau");
    const cohort_arg *ref = cohort_arg_get(call, "ref");
    const cohort_arg *cl = cohort_arg_get(call, "conf_level");
    double level = cl ? cl->num : 0.95;
    if (!(level > 0 && level < 1)) {
        host->error(call, "conf_level %g is not between 0 and 1", level);
        return 1;
    }
    if (tau_arg && !(tau_arg->num > 0 && isfinite(tau_arg->num))) {
        host->error(call, "tau: the horizon must be a positive duration");
        return 1;
    }
    if (ref && !by) {
        host->error(call, "ref: give `by` to compare groups");
        return 1;
    }
    const cohort_surv *s = &ep->surv;
    if (s->start) {
        host->error(call, "%s has (start, stop] rows: rmst compares groups fixed at the origin; "
                    "use km(rmean:) for counting-process data", s->name);
        return 1;
    }
    size_t nrows = call->nrows;
    w.use = malloc(nrows + 1);
    if (!w.use) goto oom;

    /* rows used: endpoint and group known */
    size_t dropped = 0, competing = 0, nused = 0;
    for (size_t i = 0; i < nrows; i++) {
        w.use[i] = !s->missing[i] && !(by && by->vec.missing[i]);
        if (!w.use[i]) {
            dropped++;
            continue;
        }
        if (!isfinite(s->time[i]) || s->time[i] < 0) {
            host->error(call, "%s: time %g in row %zu is not a time >= 0", s->name, s->time[i],
                        i + 1);
            goto out;
        }
        competing += s->status[i] >= 2;
        nused++;
    }
    if (dropped)
        host->warning(call, "%zu of %zu rows dropped for missing values of %s%s%s", dropped,
                      nrows, s->name, by ? " or " : "", by ? by->vec.name : "");
    if (competing)
        host->warning(call, "%zu competing events of %s counted as censored", competing, s->name);
    if (nused == 0) {
        host->error(call, "no rows with %s known", s->name);
        goto out;
    }

    /* groups */
    if (by) {
        if (rmst_factor_make(&by->vec, w.use, &w.f) != 0) goto oom;
        if (ref) {
            if (rmst_factor_relevel(&w.f, nrows, ref->text) != 0) {
                host->error(call, "ref: \"%s\" is not a value of %s", ref->text, by->vec.name);
                goto out;
            }
        }
        if (w.f.nlevels < 2)
            host->warning(call, "%s has one value among the rows used: no comparison",
                          by->vec.name);
    }
    size_t ng = by ? w.f.nlevels : 1;
    w.obs = malloc((nused + 1) * sizeof *w.obs);
    w.start = calloc(ng + 1, sizeof *w.start);
    w.est = calloc(ng + 1, sizeof *w.est);
    if (!w.obs || !w.start || !w.est) goto oom;
    /* counting sort of the rows by group */
    for (size_t i = 0; i < nrows; i++)
        if (w.use[i]) w.start[(by ? (size_t)w.f.code[i] : 0) + 1]++;
    for (size_t g = 0; g < ng; g++) w.start[g + 1] += w.start[g];
    {
        size_t *fill = calloc(ng + 1, sizeof *fill);
        if (!fill) goto oom;
        for (size_t i = 0; i < nrows; i++) {
            if (!w.use[i]) continue;
            size_t g = by ? (size_t)w.f.code[i] : 0;
            rmst_obs *o = &w.obs[w.start[g] + fill[g]++];
            o->time = s->time[i];
            o->event = s->status[i] == 1;
        }
        free(fill);
    }

    /* the horizon: given, or the smallest of the groups' last times */
    double tau = INFINITY;
    for (size_t g = 0; g < ng; g++) {
        double last = 0;
        for (size_t k = w.start[g]; k < w.start[g + 1]; k++)
            if (w.obs[k].time > last) last = w.obs[k].time;
        if (last < tau) tau = last;
        w.est[g].last = last;
    }
    if (tau_arg) {
        tau = tau_arg->num;
    } else {
        char tb[64];
        rmst_fmt_tau(call, tau, tb, sizeof tb);
        if (!(tau > 0)) {
            host->error(call, "tau: not given, and a group has no follow-up after time 0");
            goto out;
        }
        host->note(call, "tau not given: %s %s, the shortest last follow-up of the groups", tb,
                   rmst_unit(call));
    }
    for (size_t g = 0; g < ng; g++) {
        size_t m = w.start[g + 1] - w.start[g];
        rmst_estimate(w.obs + w.start[g], m, tau, &w.est[g]);
        /* beyond the last time the curve is only known if it reached 0 */
        if (w.est[g].last < tau && w.est[g].surv > 0) {
            char tb[64];
            rmst_fmt_tau(call, w.est[g].last, tb, sizeof tb);
            host->warning(call, "tau is after the last follow-up (%s %s)%s%s%s%s: the curve is "
                          "extended flat to tau, as R's print.survfit does", tb, rmst_unit(call),
                          by ? " of " : "", by ? by->vec.name : "", by ? " = " : "",
                          by ? w.f.labels[g] : "");
        }
    }

    rmst_report_groups(host, call, &w, by ? by->vec.name : NULL, tau, level);
    if (ng >= 2) rmst_report_contrasts(host, call, &w, by->vec.name, tau, level);
    rc = 0;
    goto out;
oom:
    host->error(call, "out of memory");
out:
    rmst_work_free(&w);
    return rc;
}

/* ---------------------------------------------------------- registration */

static const cohort_estimator rmst_estimators[] = {
    {"rmst", "restricted mean survival time by group, with differences and ratios (as survRM2)",
     rmst_params, sizeof rmst_params / sizeof rmst_params[0], rmst_run},
};

static const cohort_plugin rmst_plugin = {
    COHORT_PLUGIN_HEADER,
    "rmst",
    "1.0.0",
    "Restricted mean survival time (area under the Kaplan-Meier curve) with its variance",
    rmst_estimators,
    sizeof rmst_estimators / sizeof rmst_estimators[0],
    NULL,
};

/* The one exported symbol (the Makefile hides everything else). */
__attribute__((visibility("default"))) const cohort_plugin *cohort_plugin_entry(void)
{
    return &rmst_plugin;
}
