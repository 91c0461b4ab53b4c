/* load_agree.h: two loads of the same tables compared (the loader's cell
 * fast path, store_plain, against its general one, COHORT_CSV_SLOW=1), for
 * the unit tests (tests/unit/test_data.c) and the CSV fuzz target
 * (fuzz_csv.c).  Header-only: each includes it once. */
#ifndef COHORT_LOAD_AGREE_H
#define COHORT_LOAD_AGREE_H
#include <string.h>
#include "data.h"

/* The same tables: rows, columns, types, projections, missing flags and
 * values (reals bit for bit, texts as strings); both NULL counts as the
 * same. */
static inline int tables_agree(const cohort_data *a, const cohort_data *b)
{
    if (!a != !b) return 0;
    if (!a) return 1;
    if (a->ntables != b->ntables) return 0;
    for (size_t t = 0; t < a->ntables; t++) {
        const table *x = &a->tables[t], *y = &b->tables[t];
        if (x->nrows != y->nrows || x->ncols != y->ncols) return 0;
        for (size_t j = 0; j < x->ncols; j++) {
            const column *cx = &x->cols[j], *cy = &y->cols[j];
            if (cx->type != cy->type || cx->projected != cy->projected || cx->n != cy->n) return 0;
            for (size_t i = 0; i < cx->n; i++) {
                if (col_missing(cx, i) != col_missing(cy, i)) return 0;
                if (col_missing(cx, i)) continue;
                switch (cx->type) {
                case CT_INT: if (col_int(cx, i) != col_int(cy, i)) return 0; break;
                case CT_REAL: if (memcmp(&cx->r[i], &cy->r[i], sizeof(double)) != 0) return 0; break;
                case CT_DATE: if (cx->d[i] != cy->d[i]) return 0; break;
                case CT_BOOL: if (cx->b[i] != cy->b[i]) return 0; break;
                case CT_TEXT: if (strcmp(col_text(cx, i), col_text(cy, i)) != 0) return 0; break;
                default: break;
                }
            }
        }
    }
    return 1;
}
#endif
