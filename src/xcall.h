/* xcall.h: calling C functions declared with `extern` through libffi. */
#ifndef COHORT_XCALL_H
#define COHORT_XCALL_H
#include "check.h"
#include "strpool.h"
#include "value.h"

/* C-level widths of extern parameter types: the low byte is the language
 * type (TY_*); XT_CINT marks a C `int` (32 bits) instead of `long`. */
#define XT_CINT 0x100
#define XT_LANG(t) ((t) & 0xff)

/* Find the declaration's library on the plugin path and its symbol, and
 * prepare the call interface once.  Errors are reported at the declaration. */
int xcall_load(study *st, externinfo *x, plugin_reg *r, diag *dg);
void xcall_free(externinfo *x);
/* Call with evaluated arguments.  A missing argument gives missing without
 * a call, unless the declaration `accepts missing`. */
value xcall_call(const externinfo *x, const value *args, size_t n, strpool *pool);
#endif
