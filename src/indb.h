/* indb.h: the per-unit phase of `run --in-database`.  The query of
 * sqlgen_run runs in PostgreSQL; what comes back is the attrition (counts)
 * and the analysis dataset: one row per unit that passes every criterion,
 * with the columns the estimates need and the endpoints, which study.c
 * hands to the estimators as it does the evaluator's values. */
#ifndef COHORT_INDB_H
#define COHORT_INDB_H
#include "check.h"
#include "diag.h"
#include "eval.h"

typedef struct indb_set indb_set;

/* Run st's query with the columns cols (per-unit expressions, each
 * evaluated to its type) and read its rows; texts are interned in the
 * data's pool.  NULL after reporting (*rc: EXIT_RULES when the rules cannot
 * be evaluated in the database, EXIT_DATA when the query failed). */
indb_set *indb_fetch(const study *st, const cohort_data *schema, const expr *const *cols, size_t ncols,
                     diag *dg, int *rc);
void indb_free(indb_set *s);

/* How many units there are, and how many passed every criterion */
size_t indb_total(const indb_set *s);
size_t indb_units(const indb_set *s);
/* Criterion j: the units it excluded, and those for which it was unknown */
size_t indb_excluded(const indb_set *s, size_t j);
size_t indb_unknown(const indb_set *s, size_t j);
/* Rows of the unit's ancestor table at level lv (0: its parent) that have a
 * unit passing at least j criteria */
size_t indb_behind(const indb_set *s, int lv, size_t j);
/* Unit row r (0 .. indb_units - 1): column k, endpoint ep, its patient's key */
value indb_value(const indb_set *s, size_t k, size_t r);
ep_value indb_endpoint(const indb_set *s, int ep, size_t r);
const char *indb_root(const indb_set *s, size_t r);
/* The data problems of endpoint ep over the units that passed (eval.h) */
ep_counts indb_ep_counts(const indb_set *s, int ep);
/* Before the run query: count, in the database, the eras' source rows with
 * a missing start or an end before the start and check each era's gap,
 * reported as era_build reports them (warnings; a missing or negative gap
 * is an error).  Returns 0, or -1 with *rc the exit status. */
int indb_era_check(const study *st, const cohort_data *schema, diag *dg, int *rc);
#endif
