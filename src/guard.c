/* guard.c: runs plugin code with its fatal signals turned into an error
 * message and an exit code.  A signal handler can only reach static
 * storage, so the report in progress is the one file-static variable of
 * the guard (set only between entering and leaving guard_call); the
 * handler runs on its own stack so that a stack overflow is caught too. */
#include "guard.h"
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS};
#define NFATAL (sizeof fatal / sizeof fatal[0])

/* where the signal's name goes in a report (printable: diag_print escapes
 * control characters) */
#define SIGNAL_MARK "@@cohort-signal@@"

typedef struct armed {
    const char *report;
    int exit_code;
} armed;

/* the report of the guard_call in progress, or NULL */
static const armed *volatile guard_armed;

const char *guard_signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV (invalid memory access)";
    case SIGBUS: return "SIGBUS (bus error)";
    case SIGFPE: return "SIGFPE (arithmetic error)";
    case SIGILL: return "SIGILL (illegal instruction)";
    case SIGABRT: return "SIGABRT (abort)";
    case SIGSYS: return "SIGSYS (bad system call)";
    }
    return "a fatal signal";
}

static void put(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t k = write(2, s, n);
        if (k <= 0) return;
        s += k;
        n -= (size_t)k;
    }
}

/* async-signal-safe: only write() and _exit() */
static void on_fatal(int sig)
{
    const armed *a = guard_armed;
    if (!a) _exit(128 + sig);
    const char *s = a->report, *mark = strstr(s, SIGNAL_MARK);
    if (!mark) {
        put(s, strlen(s));
    } else {
        const char *name = guard_signal_name(sig);
        put(s, (size_t)(mark - s));
        put(name, strlen(name));
        put(mark + strlen(SIGNAL_MARK), strlen(mark + strlen(SIGNAL_MARK)));
    }
    _exit(a->exit_code);
}

/* The whole report, as diag_print renders it, with SIGNAL_MARK for the
 * signal's name; malloc'd, or NULL. */
static char *render(loc where, const char *fmt, va_list ap)
{
    char msg[1024], *text = NULL;
    size_t len = 0;
    vsnprintf(msg, sizeof msg, fmt, ap);
    FILE *m = open_memstream(&text, &len);
    if (!m) return NULL;
    diag dg;
    diag_init(&dg, diag_print_cb, m);
    if (where.file) diag_at(&dg, DIAG_ERROR, where, "%s: %s", msg, SIGNAL_MARK);
    else diag_emit(&dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "%s: %s", msg, SIGNAL_MARK);
    if (fclose(m) != 0) { free(text); return NULL; }
    return text;
}

int guard_call(loc where, int exit_code, int (*fn)(void *), void *arg, const char *fmt, ...)
{
    /* an alternate stack for the handler, allocated once for the process */
    static char *altstack;
    enum { ALT_SIZE = 1 << 16 };
    if (!altstack && (altstack = malloc(ALT_SIZE)) != NULL) {
        stack_t ss = {0};
        ss.ss_sp = altstack;
        ss.ss_size = ALT_SIZE;
        if (sigaltstack(&ss, NULL) != 0) { free(altstack); altstack = NULL; }
    }
    va_list ap;
    va_start(ap, fmt);
    char *report = render(where, fmt, ap);
    va_end(ap);
    armed a = {report ? report : "error: a plugin crashed\n", exit_code};
    struct sigaction sa, old[NFATAL];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal;
    sa.sa_flags = SA_ONSTACK | SA_NODEFER | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    const armed *outer = guard_armed;
    guard_armed = &a;
    for (size_t i = 0; i < NFATAL; i++) sigaction(fatal[i], &sa, &old[i]);
    int rc = fn(arg);
    for (size_t i = 0; i < NFATAL; i++) sigaction(fatal[i], &old[i], NULL);
    guard_armed = outer;
    free(report);
    return rc;
}
