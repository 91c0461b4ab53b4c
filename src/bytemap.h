/* bytemap.h: 32-bit ids mapped through a table of bytes (a prefilter's
 * byte for each string id, eval.c prefilter_by_id).  An AVX2 path (taken
 * when the CPU has it and simd is not 0: 8 ids a gather) and a portable
 * one, which give the same bytes. */
#ifndef COHORT_BYTEMAP_H
#define COHORT_BYTEMAP_H
#include <stddef.h>
#include <stdint.h>

/* Bytes of table tab beyond its ntab + 1 entries that bytemap_ids may read
 * (not use): tab is to be allocated with ntab + 1 + BYTEMAP_PAD bytes. */
#define BYTEMAP_PAD 3

/* out[i] = tab[min(ids[i], ntab)] for i < n (an id past the table's gets
 * tab[ntab]); returns the bitwise or of the n bytes written. */
unsigned bytemap_ids(const uint32_t *ids, size_t n, const uint8_t *tab, uint32_t ntab, uint8_t *out, int simd);

#endif
