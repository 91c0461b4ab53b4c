/* screen.c: univariable screening shared by the cox and finegray plugins. */
#define MATHLIB_STANDALONE
#include "screen.h"
#include "pcommon.h"
#include <Rmath.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pc_screen(const cohort_host *host, const cohort_call *call, const cohort_formula *fm, const char *model,
              const char *ratio, double level, double threshold, pc_uni_fit fit, pc_uni_release release,
              void *ctx, unsigned char *keep)
{
    double zq = qnorm(1 - (1 - level) / 2, 0, 1, 1, 0);
    char title[256];
    snprintf(title, sizeof title, "Univariable %s models of %s (terms with p < %g enter the "
             "multivariable model)", model, fm->surv.name, threshold);
    cohort_table *t = host->table_new(call, "univariable", title);
    int cterm = host->table_column(t, "term", COHORT_COL_TEXT, 0);
    int cn = host->table_column(t, "n", COHORT_COL_COUNT, 0);
    int ce = host->table_column(t, "events", COHORT_COL_COUNT, 0);
    int chr = host->table_column(t, ratio, COHORT_COL_NUMBER, 2);
    int clo = host->table_column(t, "lower", COHORT_COL_NUMBER, 2);
    int cup = host->table_column(t, "upper", COHORT_COL_NUMBER, 2);
    int cp = host->table_column(t, "p", COHORT_COL_PVALUE, 3);
    int cpt = host->table_column(t, "term p", COHORT_COL_PVALUE, 3);
    int cin = host->table_column(t, "selected", COHORT_COL_TEXT, 0);
    unsigned char *one = calloc(fm->nterms + 1, 1);
    if (!one) {
        host->error(call, "out of memory");
        return 1;
    }
    for (size_t term = 0; term < fm->nterms; term++) {
        memset(one, 0, fm->nterms);
        one[term] = 1;
        pc_uni u;
        memset(&u, 0, sizeof u);
        if (fit(ctx, one, &u) != 0) {
            release(ctx);
            free(one);
            return 1;
        }
        double tp = u.failed ? NAN : u.term_p;
        keep[term] = !u.failed && tp < threshold;
        if (u.failed)
            host->warning(call, "univariable model of %s failed (%s); it does not enter the "
                          "multivariable model", fm->terms[term].vec.name, u.why ? u.why : "no fit");
        for (size_t j = 0; j < u.des->p; j++) {
            size_t r = host->table_row(t);
            host->table_text(t, r, cterm, u.des->names[j]);
            if (j == 0) {
                pc_put(host, t, r, cn, (double)u.n);
                pc_put(host, t, r, ce, (double)u.nevents);
                pc_put(host, t, r, cpt, tp);
                host->table_text(t, r, cin, keep[term] ? "yes" : "no");
            }
            if (u.failed) continue;
            double b = u.coef[j], se = u.se[j];
            pc_put(host, t, r, chr, exp(b));
            pc_put(host, t, r, clo, exp(b - zq * se));
            pc_put(host, t, r, cup, exp(b + zq * se));
            pc_put(host, t, r, cp, u.pvalue[j]);
        }
        if (!u.failed) {
            char pb[32];
            if (tp < 0.001) snprintf(pb, sizeof pb, "p < 0.001");
            else snprintf(pb, sizeof pb, "p = %.3f", tp);
            host->note(call, "univariable %s: %s%s", fm->terms[term].vec.name, pb,
                       keep[term] ? " (selected)" : "");
        }
        release(ctx);
    }
    free(one);
    return 0;
}

int pc_screen_threshold(const cohort_host *host, const cohort_call *call, double *threshold)
{
    const cohort_arg *a = cohort_arg_get(call, "screen");
    if (!a) return 0;
    if (!(a->num > 0 && a->num <= 1)) {
        host->error(call, "screen %g: give a p-value threshold in (0, 1], e.g. 0.2", a->num);
        return 1;
    }
    *threshold = a->num;
    return 0;
}
