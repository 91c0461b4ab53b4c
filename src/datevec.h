/* datevec.h: ISO dates ("YYYY-MM-DD") of a CSV column sixteen cells at
 * a time with AVX-512 (the loader's column pass, src/data.c); the same
 * answer as date_parse (date.h), which stays the one definition of a
 * valid date: a group is taken only when every cell is one date_parse
 * takes, else the caller parses its cells one by one. */
#ifndef COHORT_DATEVEC_H
#define COHORT_DATEVEC_H
#include <stddef.h>
#include <stdint.h>

enum { DATE_GROUP = 16 };   /* cells a group */

/* Cells j = 0..DATE_GROUP - 1: the text at base + sp[j * ss] + add,
 * ending at base + ep[j * es] (the tokenizer's offsets: record starts or
 * the previous field's ends, and this field's ends), each followed by the
 * tokenizer's pad (csv.h: 8 readable bytes).  1 when all of them are
 * dates date_parse returns 1 for, their day numbers then in
 * out[0..DATE_GROUP); 0 otherwise (out untouched, no byte of a cell read
 * unless all have 10 bytes). */
typedef int (*dategroup_fn)(const char *base, const uint32_t *sp, size_t ss, unsigned add,
                            const uint32_t *ep, size_t es, int32_t *out);

/* The group parser of `name` ("avx512": AVX-512F/BW/VL/VBMI), or of the
 * widest this processor has (name NULL); NULL when it has none (or name
 * is "none"): the loader parses every cell by date_parse. */
dategroup_fn dategroup_pick(const char *name);
#endif
