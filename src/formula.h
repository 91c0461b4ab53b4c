/* formula.h: the terms of a model formula, expanded as R expands them
 * (terms.formula): `a * b` is a + b + a:b, `a:b` an interaction, repeated
 * terms count once, terms ordered by degree (main effects first). */
#ifndef COHORT_FORMULA_H
#define COHORT_FORMULA_H
#include "ast.h"

/* Most variables in one interaction term. */
#define FORMULA_MAX_VARS 8

/* Set the terms of formula f (an E_FORMULA) from its right side rhs, a tree
 * of E_BINARY OP_ADD (+), OP_MUL (*) and E_INTERACT (:) over atoms.  Each
 * item of f is then an atom (a main effect) or an E_INTERACT whose items
 * are its variables (in order of first appearance in the formula) and whose
 * `op` has bit j set when variable j, if a factor, is coded by treatment
 * contrasts (the term without it is empty or contained in a term before
 * it, R's rule), clear when by one indicator per level.  A variable written
 * with ref() anywhere carries that ref() everywhere it appears. */
void formula_terms(program *prog, expr *f, expr *rhs);
#endif
