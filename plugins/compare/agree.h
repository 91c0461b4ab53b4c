/* agree.h: agreement between two definitions of exposure on the same
 * units: how many units both classify, how many they classify the same,
 * and Cohen's kappa (agreement beyond what the two definitions' own
 * proportions of exposed would give by chance). */
#ifndef COHORT_AGREE_H
#define COHORT_AGREE_H
#include <stddef.h>

typedef struct cmp_agreement {
    size_t n;              /* units both definitions classify (neither missing) */
    size_t both, neither;  /* exposed by both, by neither */
    size_t only_a, only_b; /* exposed by one only */
    double agree;          /* (both + neither) / n; NAN when n == 0 */
    double kappa;          /* (agree - pe) / (1 - pe), pe = pa pb + (1 - pa)(1 - pb) with
                              pa, pb the proportions exposed; NAN when n == 0 or pe == 1 */
} cmp_agreement;

/* Compare definitions a and b (0/1 per unit, missing[i] != 0: unknown) on
 * n units. */
void cmp_agree(const double *a, const unsigned char *amiss, const double *b, const unsigned char *bmiss,
               size_t n, cmp_agreement *out);
#endif
