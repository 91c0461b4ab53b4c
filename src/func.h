/* func.h: calls of parametrised definitions (`define NAME(params) = body;`),
 * expanded by the checker into ordinary expressions. */
#ifndef COHORT_FUNC_H
#define COHORT_FUNC_H
#include "ast.h"
#include "diag.h"

/* The calls being expanded, innermost first (for recursion). */
typedef struct func_frame {
    const stmt *def;
    const struct func_frame *up;
} func_frame;

/* Expand `call` of `def`: a fresh copy of the body in which every parameter
 * is replaced by a fresh copy of its argument, hygienically: a row variable
 * bound in the body that also occurs in an argument is renamed, and so is a
 * row variable of the caller (vars[0..nvars), renamed in place) that the
 * body names on its own.  `*serial` numbers the new names.  Reports a wrong
 * number of arguments, recursion (def in `active`) and a parameter used as
 * a row (p.column) whose argument is not a name, and returns NULL then.
 * The copy is unchecked: the checker checks it in place of the call. */
expr *func_expand(program *prog, const stmt *def, const expr *call, const func_frame *active,
                  const char **vars, int nvars, unsigned *serial, diag *dg);
#endif
