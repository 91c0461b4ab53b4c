/* forest.h: what the regression plugins add to a forest plot row beside
 * the estimate: the units and events behind it (a factor level's rows, or
 * all the model's) and, for a numeric term, the unit its definition
 * states in the label ("age (per 1 year)"). */
#ifndef COHORT_FOREST_H
#define COHORT_FOREST_H
#include <cohort/plugin.h>
#include "design.h"

/* The row of design column j just added to forest figure f: its units
 * and events (status[i] == event: row i had the event), when the host
 * can show them.  One design row per unit. */
void pc_forest_counts(const cohort_host *host, cohort_figure *f, const pc_design *d, size_t j,
                      const int *status, int event);

/* Before the first column j of a factor term: a heading row for its
 * reference level, "NAME = REF", with the units and events at that level
 * (a host that shows counts only). */
void pc_forest_reference(const cohort_host *host, cohort_figure *f, const pc_design *d, size_t j,
                         const int *status, int event);

/* The label of column j for a forest plot: `fallback` (the model's term
 * label), or for a numeric term whose definition states a unit "NAME (per
 * 1 year)", NAME the rules' label of the term or its name. */
const char *pc_forest_label(const cohort_host *host, const cohort_call *call, const pc_design *d,
                            size_t j, const char *fallback, char *buf, size_t size);
#endif
