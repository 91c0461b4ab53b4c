/* followup.h: how long and how much a group was followed: the median
 * follow-up by the reverse Kaplan-Meier method (survfit(Surv(time,
 * censored) ~ 1) and its quantile with confidence limits), the person-time,
 * and the crude event rate with its exact Poisson interval (as
 * poisson.test(events, person_time)). */
#ifndef COHORT_FOLLOWUP_H
#define COHORT_FOLLOWUP_H
#include "kmcore.h"
#include <stddef.h>

typedef struct km_fu {
    double n, events;               /* rows, events of interest */
    double person_time;             /* sum of the times (days) */
    double rate, rate_lower, rate_upper; /* events per `per` days of person-time */
    double median, lower, upper;    /* reverse Kaplan-Meier median follow-up (days) and
                                       limits; NAN when not reached */
} km_fu;

/* time[i] >= 0 (days), event[i] != 0 for an event of interest, censored[i]
 * != 0 when follow-up ended without any event (the "events" of the reverse
 * curve; competing events are neither).  conf and level shape the median's
 * limits as km_fit's; per is the person-time unit of the rate (e.g. 100 *
 * 365.25 for 100 person-years).  Returns 0, or -1 if memory ran out. */
int km_followup(const double *time, const int *event, const int *censored, size_t n,
                km_conf conf, double level, double per, km_fu *out);
#endif
