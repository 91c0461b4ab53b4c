/* builtins.h: the built-in functions of the rules language (names, arity
 * and typing; evaluation is in eval.c). */
#ifndef COHORT_BUILTINS_H
#define COHORT_BUILTINS_H
#include <stddef.h>
#include "ast.h"

enum builtin {
    BI_MISSING, BI_COALESCE, BI_FIRST_OF, BI_LAST_OF, BI_LEAST, BI_GREATEST,
    BI_ABS, BI_ROUND, BI_FLOOR, BI_CEIL, BI_LOG, BI_EXP, BI_SQRT, BI_REF,
    BI_ADD_MONTHS, BI_STRATA, BI_I,
    BI_COUNT_
};

int builtin_find(const char *name);
/* Type of a call with argument types at[0..n); on error returns TY_ERROR
 * and writes the message into msg. */
ty builtin_check(int b, const ty *at, size_t n, char *msg, size_t size);
int builtin_is_formula_only(int b);
size_t builtin_names(const char **out, size_t max);
#endif
