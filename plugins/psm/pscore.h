/* pscore.h: the propensity model shared by the psm and iptw plugins: the
 * treatment (the formula's left side: true/false, 0/1, or text with two
 * values, the second in sort order treated), the units with it and every
 * covariate known, a logistic regression of it on the covariates (irls.c,
 * as glm(family = binomial)), its table, and the covariates' columns for
 * the balance tables. */
#ifndef COHORT_PSCORE_H
#define COHORT_PSCORE_H
#include <cohort/plugin.h>
#include "../logistic/irls.h"
#include "../common/design.h"
#include "../common/pcommon.h"

typedef struct ps_model {
    size_t n;           /* units used */
    size_t nt;          /* of which treated */
    size_t *rowof;      /* n: the call's row of each unit used */
    int *treat;         /* n: 0/1 */
    double *y;          /* n: treat as numbers */
    pc_factor yf;       /* a text treatment's levels */
    pc_design d;        /* the covariates' design */
    logit_fit f;        /* f.mu: the propensity scores, f.eta: their logits */
    const char *treatment;  /* the treatment's name (the host's string) */
} ps_model;

/* Fit the propensity model of the call's `formula`.  Reports every problem
 * to the host (errors; warnings for the units dropped, with `dropped_fate`
 * saying what becomes of them, and for separation, with which the model is
 * still used, as MatchIt and WeightIt use glm's fit) and returns 0, or 1 on
 * an error.  m is to be freed with ps_model_free either way. */
int ps_model_fit(const cohort_host *host, const cohort_call *call, const char *who, const char *dropped_fate,
                 ps_model *m);
void ps_model_free(ps_model *m);
/* The table "ps_model": each covariate's odds ratio, 95% limits and p. */
void ps_model_table(const cohort_host *host, const cohort_call *call, const ps_model *m);
/* Call fn with the name and values (n) of each column of the covariates'
 * design, a factor's reference level first (1 where all the factor's
 * columns are 0).  col is scratch of n values. */
void ps_model_columns(const ps_model *m, double *col,
                      void (*fn)(void *ud, const char *name, const double *x), void *ud);
/* Report x (one value per unit used, n) to the host as values per unit
 * named `name` (host->unit_values: for export --unit-values), the call's
 * rows without a unit used getting `other`; scratch holds call->nrows
 * values.  Does nothing for a host without unit_values.  Returns 0, or -1
 * after reporting an error. */
int ps_unit_values(const cohort_host *host, const cohort_call *call, const ps_model *m, const char *name,
                   const double *x, double other, double *scratch);
#endif
