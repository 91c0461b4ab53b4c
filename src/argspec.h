/* argspec.h: checking constant estimator arguments against what the plugin
 * declared of their parameters (allowed values, ranges, list item types:
 * cohort_param_spec, ABI 1.2), when the rules are checked. */
#ifndef COHORT_ARGSPEC_H
#define COHORT_ARGSPEC_H
#include <cohort/plugin.h>
#include "srcfile.h"

/* One constant value of an argument (a scalar, or one item of a list), as
 * the checker folded it. */
typedef struct argval {
    int type;              /* TY_* of the value */
    int known;             /* 0: not a constant the checker could fold */
    double num;            /* numbers; durations in days */
    const char *text;      /* texts */
    loc loc;
} argval;

/* Check the n values of an argument of `estimator` (n = 1 unless it is a
 * list) against spec sp; reports located errors and returns their number. */
int argspec_check(const cohort_param_spec *sp, const char *estimator, const argval *vals, size_t n, int is_list,
                  diag *dg);
/* The text shown for a spec by `cohort plugins` ("one of "log", "plain";
 * default "log""), or "" when it says nothing. */
void argspec_describe(const cohort_param_spec *sp, unsigned kinds, char *buf, size_t size);
#endif
