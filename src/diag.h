/* diag.h: the one diagnostic reporter.  Every phase (scanner, parser,
 * checker, CSV reader, evaluator, plugin loader) reports through diag_emit;
 * the library never prints: main.c installs a callback that does. */
#ifndef COHORT_DIAG_H
#define COHORT_DIAG_H
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE } diag_level;

typedef struct diagnostic {
    diag_level level;
    const char *file;      /* NULL when not about a file */
    int line, col;         /* 1-based; 0 when unknown */
    int len;               /* width of the caret mark, >= 1 */
    const char *srcline;   /* the offending source line (not NUL-terminated), or NULL */
    size_t srclen;
    const char *msg;
} diagnostic;

typedef void (*diag_fn)(void *ud, const diagnostic *d);

/* A context that adds a note after every error and warning reported while
 * it is pushed (e.g. "in the call of concurrent() here"). */
typedef struct diag_frame {
    const struct diag_frame *up;
    diagnostic note;
    char msg[256];
} diag_frame;

/* At most this many errors are delivered; the rest are counted (the exit
 * status still says error) but not shown, after one note saying so, so that
 * a garbage file cannot produce megabytes of messages. */
#define DIAG_MAX_SHOWN_ERRORS 100

typedef struct diag {
    diag_fn fn;
    void *ud;
    int nerrors, nwarnings;
    int muted;                 /* DIAG_MAX_SHOWN_ERRORS reached */
    const diag_frame *frames;  /* innermost first */
} diag;

void diag_init(diag *dg, diag_fn fn, void *ud);
void diag_emit(diag *dg, diag_level level, const char *file, int line, int col, int len,
               const char *srcline, size_t srclen, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));
void diag_vemit(diag *dg, diag_level level, const char *file, int line, int col, int len,
                const char *srcline, size_t srclen, const char *fmt, va_list ap);
/* The standard rendering: "file:line:col: error: msg", the source line and
 * a caret line under the offending text. */
void diag_print(FILE *out, const diagnostic *d);
/* A callback for diag_init that prints to the FILE * given as ud. */
void diag_print_cb(void *ud, const diagnostic *d);

/* Closest of `n` candidate names to `name` by edit distance, or NULL when
 * none is close enough to be a plausible misspelling. */
const char *diag_suggest(const char *name, const char *const *cands, size_t n);
/* A name as a message shows it: 'name', or in backquotes as the rules must
 * write it (`ph.ecog`) when it is not a plain identifier.  Returns buf. */
const char *diag_name(const char *name, char *buf, size_t size);
#endif
