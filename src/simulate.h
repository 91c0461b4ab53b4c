/* simulate.h: synthetic cohorts with the five tables of the rules language
 * (patients, courses, lesions, drugs, events), deterministic per seed. */
#ifndef COHORT_SIMULATE_H
#define COHORT_SIMULATE_H
#include <stddef.h>
#include <stdint.h>
#include "diag.h"

enum { SIM_FORMAT_DEFAULT, SIM_FORMAT_OMOP };
/* files of the largest format */
#define SIM_MAX_FILES 16

typedef struct sim_opts {
    size_t patients;        /* 0 with a preset: the preset's published cohort size */
    uint64_t seed;
    const char *outdir;     /* created if missing; files written to temp names, then renamed */
    const char *preset;     /* NULL, or a calibrated cohort ("mills2021", "chun2026") */
    int format;             /* SIM_FORMAT_DEFAULT or SIM_FORMAT_OMOP */
} sim_opts;

/* Write outdir/{patients,courses,lesions,drugs,events}.csv, or with
 * SIM_FORMAT_OMOP the same patients as OMOP CDM v5.4 tables (sim_omop.c).  Returns 0 on
 * success; on failure reports through dg and returns -1. */
int simulate_write(const sim_opts *o, diag *dg);
#endif
