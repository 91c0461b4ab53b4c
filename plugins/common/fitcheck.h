/* fitcheck.h: the one rule of the bundled estimators for a model or a
 * comparison that cannot be fitted (cohort-rules(5), "Models that cannot
 * be fitted").  Every column an estimate groups, stratifies or adjusts by,
 * and the outcome of a regression, must take two or more values among the
 * rows it uses; each level of a factor covariate must hold events of a
 * survival model's endpoint, or both outcomes of a logistic model.  The
 * checks report through host->error (the estimate's location; the run
 * ends with exit 4) in one wording, whichever estimator calls them. */
#ifndef COHORT_FITCHECK_H
#define COHORT_FITCHECK_H
#include <cohort/plugin.h>
#include "design.h"
#include "pcommon.h"

/* What a column is to the estimate: it decides the message's prefix and
 * its consequence. */
enum pc_fit_role {
    PC_FIT_COVARIATE,   /* a term of a model's formula */
    PC_FIT_STRATA,      /* strata: */
    PC_FIT_BY,          /* by: (the groups shown or compared) */
    PC_FIT_OUTCOME,     /* the left side of a regression (logistic, psm's treatment) */
    PC_FIT_VAR          /* a characteristic compared between groups (table1's vars) */
};

/* The message for column `name` of role `role` taking the single value
 * `value` (NULL: no value at all) in n rows, written into buf. */
void pc_fit_one_value_text(char *buf, size_t size, int role, const char *name, const char *value, size_t n);

/* Returns 0 when v takes two or more values among the rows i with
 * use[i] != 0 (use NULL: every row) that are not missing; else 1 after
 * host->error with pc_fit_one_value_text (n: the rows the estimate uses, for
 * the message). */
int pc_fit_varies(const cohort_host *host, const cohort_call *call, int role, const cohort_vec *v,
                  const unsigned char *use, size_t n);

/* The same for a factor f already coded: code[k] is the level of used row
 * k (k < n; -1 is not counted). */
int pc_fit_varies_codes(const cohort_host *host, const cohort_call *call, int role, const char *name,
                        const pc_factor *f, const int *code, size_t n);

/* What each level of a factor covariate needs. */
enum pc_fit_need {
    PC_FIT_EVENTS,      /* a survival model: at least one event (y == 1) */
    PC_FIT_BOTH         /* a logistic model: both y == 1 and y == 0 */
};

/* Check every level of every factor term of design d (the reference
 * included) against y (d->n rows: y[i] == yes is an event, or the outcome).
 * yname names the endpoint or outcome, ratio the effect ("HR", "sHR", "odds
 * ratio").  Without events, or with one outcome only, there is nothing to
 * check here (the estimator says so itself).  Returns 0, or 1 naming the first level that fails through
 * host->error (host NULL: silently, for a fit whose failure is reported
 * otherwise, e.g. a univariable screening fit). */
int pc_fit_levels(const cohort_host *host, const cohort_call *call, const pc_design *d, const int *y,
                  int yes, int need, const char *yname, const char *ratio);

/* A singular design: column `name` is a linear combination of the others.
 * `model` names the model when the estimate fits more than one (e.g.
 * "propensity model"), or NULL; `within` adds a reason (e.g. "(or constant
 * within strata)"), or NULL.  Always returns 1 after host->error. */
int pc_fit_singular(const cohort_host *host, const cohort_call *call, const char *model, const char *name,
                    const char *within);
#endif
