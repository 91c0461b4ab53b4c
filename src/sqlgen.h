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
#endif
