/* fexact.h: Fisher's exact test for r x c contingency tables (two-sided, as
 * R's fisher.test) by a network algorithm on plain arrays. */
#ifndef COHORT_FEXACT_H
#define COHORT_FEXACT_H
#include <stddef.h>

/* Default bound on the records (pasts) one stage of the network may hold,
 * about 40 bytes each; see fexact.c for the limits this gives. */
#define T1_FEXACT_MAX_ENTRIES ((size_t)4000000)

/* p-value of Fisher's exact test on an nr x nc table of non-negative
 * integer counts (row-major): the total probability, given both margins, of
 * the tables whose probability is at most the observed table's (relative
 * tolerance 1e-7).  Rows and columns with zero totals do not change the
 * distribution and are dropped; with fewer than 2 of either left p is 1.
 * max_entries bounds the work (0: T1_FEXACT_MAX_ENTRIES).  Returns 0; -1
 * when a count is negative or not an integer; -3 when the table needs more
 * than max_entries records (too large for the exact test); -2 when memory
 * ran out. */
int t1_fisher_rxc(const double *tab, size_t nr, size_t nc, size_t max_entries, double *p);
#endif
