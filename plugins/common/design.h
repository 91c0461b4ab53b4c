/* design.h: the design matrix of a formula's terms for the bundled
 * regression plugins (cox, finegray, logistic, psm).  Numeric terms enter
 * as they are; BOOL and TEXT terms are factors coded with treatment
 * contrasts against a reference level (the term's `ref`, or the first level
 * in pc_factor_make's order), one column per other level, named like R's
 * model.matrix: term name followed by the level ("her2" + "low" ->
 * "her2low"). */
#ifndef COHORT_DESIGN_H
#define COHORT_DESIGN_H
#include <cohort/plugin.h>

typedef struct pc_design {
    size_t n;           /* rows used (the rows kept, in row order) */
    size_t p;           /* columns */
    double *x;          /* n x p, row-major */
    char **names;       /* p column names */
    size_t *term;       /* p: index of the term each column comes from */
    char **level;       /* p: factor level of the column, or NULL if numeric */
    size_t nterms;
    const char **term_name; /* nterms: the terms' names (the host's strings, not copied) */
    char **term_ref;    /* nterms: reference level of a factor term, or NULL */
} pc_design;

/* Build the design of `nterms` terms over the rows i with use[i] != 0
 * (use == NULL: all nrows rows; a row used must not be missing in any term).
 * Factor levels are those present in the rows used.  Returns 0, or -1 with
 * a message in err (unknown reference level, a factor with one level, a
 * numeric term that is constant, out of memory); d is then empty. */
int pc_design_make(const cohort_term *terms, size_t nterms, size_t nrows,
                   const unsigned char *use, pc_design *d, char *err, size_t errsize);
void pc_design_free(pc_design *d);
/* Column j of the design as a contiguous copy (n values); caller frees. */
double *pc_design_column(const pc_design *d, size_t j);
/* The design restricted to the columns of the terms with keep[term] != 0.
 * Returns 0 or -1 (out of memory). */
int pc_design_select(const pc_design *d, const unsigned char *keep_term, pc_design *out);
#endif
