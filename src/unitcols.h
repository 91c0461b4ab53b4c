/* unitcols.h: the values per unit that estimates report (the host's
 * unit_values), gathered by the unit table's row for `export
 * --unit-values`: one column per estimate and name, ESTIMATE_name, in the
 * order they were reported; a unit an estimate did not give a value is
 * missing (NAN). */
#ifndef COHORT_UNITCOLS_H
#define COHORT_UNITCOLS_H
#include <stddef.h>

typedef struct unitcols unitcols;

/* Columns for a unit table of nunits rows; NULL when out of memory. */
unitcols *unitcols_new(size_t nunits);
void unitcols_free(unitcols *u);
/* Add one call's values: nv columns named prefix_names[k] with values
 * vals[k][r] for the call's row r (n rows), which is the unit table's row
 * rows[r].  Returns 0; -1 out of memory; 1 when a column of that name
 * exists already (*dup, when not NULL, then points at its name). */
int unitcols_add(unitcols *u, const char *prefix, char *const *names, double *const *vals, size_t nv,
                 const size_t *rows, size_t n, const char **dup);
size_t unitcols_count(const unitcols *u);
const char *unitcols_name(const unitcols *u, size_t k);
/* Column k's value for the unit table's row `row` (NAN: none). */
double unitcols_value(const unitcols *u, size_t k, size_t row);
#endif
