/* cellvec.h: cells of a CSV column sixteen at a time with AVX-512 or AVX2 (the
 * loader's column pass, src/data.c): ISO dates ("YYYY-MM-DD") and short
 * unsigned integers.  The same answers as date_parse (date.h) and
 * vp_int_padded (valparse.h), which stay the one definition of a valid
 * cell: a group is taken only when every cell is one they take (or, for
 * integers, empty), else the caller parses its cells one by one. */
#ifndef COHORT_DATEVEC_H
#define COHORT_DATEVEC_H
#include <stddef.h>
#include <stdint.h>

enum { DATE_GROUP = 16, INT_GROUP = 16 };   /* cells a group */

/* Cells j = 0..DATE_GROUP - 1: the text at base + sp[j * ss] + add,
 * ending at base + ep[j * es] (the tokenizer's offsets: record starts or
 * the previous field's ends, and this field's ends), each followed by the
 * tokenizer's pad (csv.h: 8 readable bytes).  1 when all of them are
 * dates date_parse returns 1 for, their day numbers then in
 * out[0..DATE_GROUP); 0 otherwise (out untouched, no byte of a cell read
 * unless all have 10 bytes). */
typedef int (*dategroup_fn)(const char *base, const uint32_t *sp, size_t ss, unsigned add,
                            const uint32_t *ep, size_t es, int32_t *out);

/* Cells as dategroup_fn's, j = 0..INT_GROUP - 1.  1 when each is empty
 * or 1 to 8 digits (no sign: what vp_int_padded takes as the value of
 * its digits, leading zeros and all), the values then in
 * out[0..INT_GROUP) (0 for an empty cell) and *empty's bit j set for an
 * empty cell j; 0 otherwise (out and *empty untouched; no byte of a cell
 * read unless all have 8 bytes or fewer: 8 bytes read from each start). */
typedef int (*intgroup_fn)(const char *base, const uint32_t *sp, size_t ss, unsigned add,
                           const uint32_t *ep, size_t es, int32_t *out, uint32_t *empty);

/* The group parsers of `name` ("avx512": AVX-512F/BW/VL/VBMI/DQ; "avx2"),
 * or of the widest this processor has (name NULL); NULL when it lacks the
 * one named or has none (or name is "none"): the loader parses every cell
 * on its own. */
dategroup_fn dategroup_pick(const char *name);
intgroup_fn intgroup_pick(const char *name);
#endif
