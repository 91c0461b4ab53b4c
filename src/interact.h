/* interact.h: the design columns of an interaction term of a formula over
 * the data, coded and named as R's model.matrix codes and names them, so
 * that the plugins receive them as ordinary numeric terms: a numeric
 * variable enters as its value, a factor (text or true/false) as one 0/1
 * indicator per level (all levels, or all but the reference when the term's
 * contrast bit is set, formula.h); the columns are the products of one
 * entry of each variable, the first variable varying fastest, named by
 * joining the parts with ':' (`age:sexmale`, `her2low:erpositive`). */
#ifndef COHORT_INTERACT_H
#define COHORT_INTERACT_H
#include <cohort/plugin.h>

/* One interaction term over n rows. */
typedef struct ia_term {
    size_t nvars;
    const cohort_vec *vars;        /* each variable's values */
    const char *const *ref;        /* nvars: reference level given with ref(), or NULL */
    unsigned contrast;             /* bit j: variable j (a factor) coded by treatment contrasts */
} ia_term;

typedef void *(*ia_alloc)(void *ctx, size_t size);   /* zeroed memory kept by ctx */

/* The columns of t.  A factor's levels are its values in the rows with
 * use[i] != 0, sorted (text by bytes, false before true), the reference
 * first.  A column is missing where a variable is.  Returns the number of
 * columns with *cols set (memory from alloc), or 0 with a message in err (a
 * factor with one level, a reference level absent, out of memory). */
size_t ia_columns(const ia_term *t, size_t n, const unsigned char *use, ia_alloc alloc, void *actx,
                  cohort_term **cols, char *err, size_t errsize);
#endif
