/* disclose.h: what an estimate's arguments would publish as labels.  A key
 * column (a table's key or its link to the parent) shown as group labels
 * publishes identifiers: refused when the rules are checked, unless
 * `privacy show_keys = true;`.  Under min_cell N, a grouping shown as labels
 * with more levels than n / N must hold a level of fewer than N units, and
 * its label names it: refused when the estimate is run. */
#ifndef COHORT_DISCLOSE_H
#define COHORT_DISCLOSE_H
#include <cohort/plugin.h>
#include "check.h"
#include "data.h"
#include "diag.h"

/* Does the rules file say `privacy show_keys = true;`? */
int disclose_keys_allowed(const program *prog);
/* Check time: report every argument of ei whose values would be shown as
 * labels and that is a key column of d (through lets).  Returns the number
 * of errors. */
int disclose_check_keys(const study *st, const cohort_data *d, const estimateinfo *ei, diag *dg);
/* Run time, over the n units of the call's args (built from ei): with
 * min_cell >= 2, report the first argument shown as labels (booleans
 * excepted) with more than n / min_cell distinct values.  Returns 0, or -1 after reporting. */
int disclose_check_levels(const estimateinfo *ei, const cohort_arg *args, size_t n, int min_cell, diag *dg);
#endif
