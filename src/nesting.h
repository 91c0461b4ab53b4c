/* nesting.h: the limit on how deeply expressions may nest. */
#ifndef COHORT_NESTING_H
#define COHORT_NESTING_H
#include "ast.h"
#include "diag.h"

/* Expressions nest at most this deep (a chain `a + b + ... ` of n terms
 * nests n - 1 deep).  The checker and the evaluator recurse over the tree;
 * the limit keeps them far from the end of the stack. */
#define NESTING_MAX 1000

/* Report (at the first node too deep) every expression of statement s, or
 * expression e, that nests more than NESTING_MAX deep.  Iterative: works on
 * trees of any depth.  Returns the number of errors reported. */
int nesting_check_stmt(const stmt *s, diag *dg);
int nesting_check_expr(const expr *e, diag *dg);
#endif
