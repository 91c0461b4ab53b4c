/* concepts.h: OMOP concept sets (`concepts NAME = descendants(...);`). */
#ifndef COHORT_CONCEPTS_H
#define COHORT_CONCEPTS_H
#include "check.h"
#include "data.h"

/* The vocabulary's table of descendants: ancestor -> descendant concept ids */
#define CONCEPTS_ANCESTOR_TABLE "concept_ancestor"
#define CONCEPTS_ANCESTOR_COL "ancestor_concept_id"
#define CONCEPTS_DESCENDANT_COL "descendant_concept_id"

/* When the rules are checked: is concept set s's expression well formed,
 * and are the tables it reads declared (d: the schema)?  Reports each
 * problem; returns the number of errors. */
int concepts_check(const study *st, const cohort_data *d, const stmt *s, diag *dg);
/* After the data are read, before anything is evaluated: fill the list of
 * every concept set of st with its concept ids, ascending.  Warns about an
 * empty set; returns 0, or -1 when out of memory (reported). */
int concepts_resolve(study *st, const cohort_data *d, diag *dg);
/* The concept set defined by a let before s named `name`, or NULL. */
const stmt *concepts_earlier(const study *st, const stmt *s, const char *name);
#endif
