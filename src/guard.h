/* guard.h: a plugin's code runs in the cohort process; if it crashes, the
 * guard turns the fatal signal into a located, documented error and exit
 * code instead of a core dump. */
#ifndef COHORT_GUARD_H
#define COHORT_GUARD_H
#include "srcfile.h"

/* Call fn(arg) with the fatal signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGABRT, SIGSYS) guarded: should one arrive, the error "MESSAGE: SIGNAL"
 * at `where` (fmt and its arguments give MESSAGE; `where` may have no file)
 * is written to standard error as the one reporter renders it, and the
 * process exits with `exit_code`.  The previous handlers are restored
 * afterwards.  Returns fn's result. */
int guard_call(loc where, int exit_code, int (*fn)(void *), void *arg, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* The name of a signal, e.g. "SIGSEGV (segmentation fault)". */
const char *guard_signal_name(int sig);
#endif
