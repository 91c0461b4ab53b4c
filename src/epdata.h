/* epdata.h: the data of the endpoints given by columns (time, status,
 * entry): checked once the tables are loaded, before any unit is
 * evaluated; and the intervals of those given by rows of a table below
 * the unit (counting-process data). */
#ifndef COHORT_EPDATA_H
#define COHORT_EPDATA_H
#include "check.h"
#include "data.h"
#include "diag.h"

/* Report the rows whose status is not one of its endpoint's codes, or
 * whose time is negative, as data errors; returns the number of columns
 * with such rows (0: the data fit the endpoints).  Also builds the row
 * index of every endpoint given by rows (so that evaluating units on
 * several threads only reads it). */
int epdata_prepare(const study *st, cohort_data *d, diag *dg);

/* One (start, stop] interval in days from the origin; start NAN: from the
 * origin (no entry column). */
typedef struct ep_interval {
    double start, stop;
    int status;
} ep_interval;

/* The intervals of endpoint ep (given by rows) of the unit in row u of the
 * unit table, in the rows' order: rows with a missing time, status or
 * entry, or an entry not before the time, are left out and counted in
 * *dropped.  out may be NULL (count only).  Returns the number of intervals. */
size_t epdata_intervals(const study *st, cohort_data *d, int ep, size_t u, ep_interval *out, size_t *dropped);
#endif
