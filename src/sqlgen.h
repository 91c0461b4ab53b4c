/* sqlgen.h: the per-unit phase of a checked analysis as one PostgreSQL
 * query (criteria, lets, quantifiers, windows, endpoints), for running the
 * analysis where its data lives.  The query returns the analysis dataset:
 * one row per unit that passes every criterion, in the unit table's order,
 * with the columns listed below. */
#ifndef COHORT_SQLGEN_H
#define COHORT_SQLGEN_H
#include "check.h"
#include "diag.h"

/* The query's columns, in order:
 *   unit_key                  the unit's key as text (when the unit table has one)
 *   root_key                  the patient's key as text (when the unit is below the root)
 *   let_K                     each scalar let the analysis uses (state 2), in let order:
 *                             bigint, float8 (reals, durations in days, dates as
 *                             days since 1970-01-01), text or boolean
 *   ep_K_entry                per endpoint it uses with an entry: days from the origin
 *   ep_K_time, ep_K_status    per endpoint it uses: days, and the status
 * Returns the SQL text (malloc'd), or NULL after reporting every construct
 * that cannot be evaluated in the database at its place in the rules. */
char *sqlgen_analysis(const study *st, const cohort_data *schema, diag *dg);

/* The query of `run --in-database`: the attrition counts, then one row per
 * unit that passes every criterion with the columns the estimates need.
 * Its rows, ordered by kind_, x_, ord_:
 *   kind_ 0 (one per fate):  x_ the fate: 2j when the unit failed criterion
 *                            j (from 0), 2j + 1 when that criterion was
 *                            unknown, 2n when it passed all n; n_ the units
 *   kind_ 1 + L (levels):    L = 0 the unit table's parent, 1 its parent...;
 *                            x_ how many criteria the best unit of a row of
 *                            that table passed, n_ how many rows
 *   kind_ 99 (units):        in the unit table's order, n_ = 1, ord_ the ctid,
 *                            then root_key (text, when the unit is below the
 *                            root), c<K>_ for each of cols (of its type:
 *                            bigint, float8, text, boolean; float8 when not a
 *                            scalar), and per endpoint used: entry, time,
 *                            status (bigint), end date, the events after the
 *                            censoring date (bigint) and the problem
 *                            (bigint: 0 none, 1 the end before the origin,
 *                            2 neither an event nor a censoring date, 3 the
 *                            entry not before the end), as eval.c counts them.
 * Returns NULL after reporting what cannot be evaluated in the database. */
char *sqlgen_run(const study *st, const cohort_data *schema, const expr *const *cols, size_t ncols, diag *dg);

/* The query of the eras' data problems, one row per era of st in order:
 * era_ (its index), nostart_ (rows whose condition holds with a missing
 * start), reversed_ (rows ending before their start), gap_ (days, float8).
 * NULL after reporting what cannot be evaluated in the database. */
char *sqlgen_era_problems(const study *st, const cohort_data *schema, diag *dg);
#endif
