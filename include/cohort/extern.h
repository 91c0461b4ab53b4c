/* cohort/extern.h: how a C library declares the functions that rules may
 * call with `extern` (installed header).
 *
 * cohort calls a library function only if the library says what it is:
 * the library exports a table, cohort_extern_table, listing each callable
 * function with its C signature, and the host checks every `extern`
 * declaration in the rules against it before anything is called.  A
 * library without the table, a function not in it, or a declaration whose
 * types differ from the table's is refused with an error (exit 3): a wrong
 * declaration would otherwise pass an integer where the function reads a
 * pointer, or read a double where it returns a long.
 *
 * A signature is a string: the return type's letter, then the parameter
 * types' letters in parentheses.  Letters:
 *   l  long           (rules: integer, long)
 *   i  int            (rules: int, and date: days since 1970-01-01)
 *   d  double         (rules: real, double)
 *   b  bool           (rules: boolean, bool)
 *   s  const char *   (rules: text)
 * e.g. double bed(double dose, long fractions, double ab) is "d(dld)",
 * double halflife_days(const char *agent) is "d(s)".
 *
 *   static const cohort_extern_fn fns[] = {
 *       {"bed", "d(dld)"},
 *       {"halflife_days", "d(s)"},
 *   };
 *   COHORT_EXTERN_TABLE(fns);
 */
#ifndef COHORT_EXTERN_H
#define COHORT_EXTERN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COHORT_EXTERN_MAGIC 0x43485846u /* "CHXF" */

typedef struct cohort_extern_fn {
    const char *name;       /* the exported function's name */
    const char *signature;  /* e.g. "d(dld)" (see above) */
} cohort_extern_fn;

typedef struct cohort_externs {
    uint32_t magic;         /* COHORT_EXTERN_MAGIC */
    uint32_t nfns;
    const cohort_extern_fn *fns;
} cohort_externs;

#define COHORT_EXTERN_SYMBOL "cohort_extern_table"

/* Define the exported table from a static array of cohort_extern_fn. */
#define COHORT_EXTERN_TABLE(array)                                                      \
    __attribute__((visibility("default"))) const cohort_externs cohort_extern_table = { \
        COHORT_EXTERN_MAGIC, (uint32_t)(sizeof(array) / sizeof((array)[0])), (array)}

#ifdef __cplusplus
}
#endif
#endif
