/* era.h: drug eras, the derived tables of `era` statements. */
#ifndef COHORT_ERA_H
#define COHORT_ERA_H
#include "check.h"
#include "data.h"

/* After the data (or a sample) are read and before the rules are resolved:
 * append each era's empty table to the schema (columns start_date,
 * end_date, n and the `by` column), at the table number check_prepare gave
 * it.  Returns 0, or -1 when out of memory. */
int era_declare(study *st, cohort_data *d);
/* Before a run evaluates units: fill every era table from its source rows
 * with the run's params.  Reports a missing or negative gap as an error and
 * rows left out as warnings; returns 0 or -1. */
int era_build(study *st, cohort_data *d, diag *dg);
/* Shared by both engines: a gap that is missing (NaN) or negative is an
 * error (returns -1, else 0); the rows left out or clipped are warnings. */
int era_gap_bad(diag *dg, const stmt *s, double gap);
void era_report(diag *dg, const stmt *s, const char *source, size_t nostart, size_t reversed);
#endif
