/* window.h: the exposure window a definition states, read from its rules
 * (compare's "window" column).  A boolean let such as
 *
 *   let lebow2023 = any drugs d: d.agent in adc
 *     and [d.start_date, d.end_date] overlaps [start_date - 7 days, start_date + 21 days];
 *
 * states the window "-7/+21 days" around the unit's date; `d.start_date
 * within 3 months of start_date` states "-3/+3 months"; `within [a, b] of`
 * and `between X - a and X + b` state their bounds; an order alone states
 * "after" (`d.start_date after start_date`), "before" or "during"
 * (`start_date between d.start_date and d.end_date`).  Params are shown
 * with the run's values; a bound that is not a constant (`5 *
 * halflife(d.agent)`) is shown as written. */
#ifndef COHORT_WINDOW_H
#define COHORT_WINDOW_H
#include <stddef.h>
#include "check.h"

/* The window of expression e (through the lets it names) into buf, and its
 * bounds in days relative to the unit's date (NAN when not constant, open,
 * or when e states several different windows, then joined by " and ").
 * Returns 0 when e states no window (buf is then ""). */
int window_of(const study *st, const expr *e, char *buf, size_t size, double *from, double *to);
#endif
