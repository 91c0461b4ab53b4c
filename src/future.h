/* future.h: exposure definitions that look past time zero.  A definition
 * compared at time zero (an argument the plugin declares with
 * COHORT_SPEC_EXPOSURE, e.g. compare's exposures) must not read what is
 * known only later: an endpoint's time, status, event date or end date
 * (`rn.event_date`), or a column that is an endpoint's event, competing or
 * censoring date (`patient.last_followup`), directly or through lets.  Such
 * a unit's exposure depends on how long it was followed: immortal-time
 * bias. */
#ifndef COHORT_FUTURE_H
#define COHORT_FUTURE_H
#include "check.h"
#include "diag.h"

/* Check time: warn, at the argument, about every exposure definition of ei
 * that reads information from after time zero, naming what it reads.
 * Returns the number of warnings. */
int future_check(const study *st, const estimateinfo *ei, diag *dg);
#endif
