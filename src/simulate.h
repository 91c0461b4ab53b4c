/* simulate.h: synthetic cohorts with the five tables of the rules language
 * (patients, courses, lesions, drugs, events), deterministic per seed. */
#ifndef COHORT_SIMULATE_H
#define COHORT_SIMULATE_H
#include <stddef.h>
#include <stdint.h>
#include "diag.h"

typedef struct sim_opts {
    size_t patients;
    uint64_t seed;
    const char *outdir;     /* created if missing; files written to temp names, then renamed */
} sim_opts;

/* Write outdir/{patients,courses,lesions,drugs,events}.csv.  Returns 0 on
 * success; on failure reports through dg and returns -1. */
int simulate_write(const sim_opts *o, diag *dg);
#endif
