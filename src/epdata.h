/* epdata.h: checking the data of the endpoints given by columns (time,
 * status, entry) once the tables are loaded, before any unit is evaluated. */
#ifndef COHORT_EPDATA_H
#define COHORT_EPDATA_H
#include "check.h"
#include "data.h"
#include "diag.h"

/* Report the rows whose status is not one of its endpoint's codes, or
 * whose time is negative, as data errors; returns the number of columns
 * with such rows (0: the data fit the endpoints). */
int epdata_validate(const study *st, const cohort_data *d, diag *dg);
#endif
