/* screen.h: univariable screening into a multivariable model (Chun 2026:
 * terms with p < 0.2 enter), shared by the cox and finegray plugins: each
 * term is fitted alone, reported in one table, and selected when its joint
 * Wald p is below the threshold. */
#ifndef COHORT_SCREEN_H
#define COHORT_SCREEN_H
#include <cohort/plugin.h>
#include "design.h"

/* One univariable fit, filled by the model's callback. */
typedef struct pc_uni {
    int failed;             /* the model could not be fitted */
    const char *why;        /* when failed: the model's reason */
    size_t n, nevents;
    const pc_design *des;   /* its design (column names) */
    const double *coef;     /* des->p coefficients */
    const double *se;       /* des->p standard errors */
    const double *pvalue;   /* des->p Wald p-values */
    double term_p;          /* joint Wald p of the term (NaN when failed) */
} pc_uni;

/* Fit the model of the terms with sel[t] != 0 into *u: returns 0 when *u is
 * filled (failed or not), or -1 after host->error (screening stops).
 * release() frees what the last fit() allocated; it is called after each. */
typedef int (*pc_uni_fit)(void *ctx, const unsigned char *sel, pc_uni *u);
typedef void (*pc_uni_release)(void *ctx);

/* Read the `screen` argument (a p-value threshold in (0, 1]) if given;
 * returns 0, or 1 after host->error. */
int pc_screen_threshold(const cohort_host *host, const cohort_call *call, double *threshold);

/* Fit each term of fm alone and report a "univariable" table titled with
 * `model` (e.g. "Cox") whose ratio column is `ratio` ("HR", "sHR"); sets
 * keep[t] for the selected terms.  Returns 0, or 1 after host->error. */
int pc_screen(const cohort_host *host, const cohort_call *call, const cohort_formula *fm, const char *model,
              const char *ratio, double level, double threshold, pc_uni_fit fit, pc_uni_release release,
              void *ctx, unsigned char *keep);
#endif
