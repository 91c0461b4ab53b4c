/* srcfile.h: a rules file's text with its line map, so any phase can quote
 * the source line of a location in a diagnostic. */
#ifndef COHORT_SRCFILE_H
#define COHORT_SRCFILE_H
#include <stddef.h>
#include "diag.h"

typedef struct srcfile {
    char *name;            /* as given (used in diagnostics) */
    char *text;            /* NUL-terminated */
    size_t len;
    size_t *line_start;    /* offsets of each line's first byte */
    size_t nlines;
} srcfile;

/* A span in a source file (1-based lines and columns, end inclusive). */
typedef struct loc {
    const srcfile *file;
    int line, col, end_line, end_col;
} loc;

/* Read a file (NULL on error; errno set).  `text` may be given instead to
 * make a source from memory (e.g. a --set value); it is copied. */
srcfile *srcfile_read(const char *path);
srcfile *srcfile_from_text(const char *name, const char *text, size_t len);
void srcfile_free(srcfile *f);
/* The text of line `line` (no newline) and its length. */
const char *srcfile_line(const srcfile *f, int line, size_t *len);
/* The text at l as written (malloc'd), over several lines joined by single
 * spaces, without a trailing comment; NULL without a file or memory. */
char *srcfile_span(loc l);

/* Report at a location: file:line:col, the source line and a caret under
 * the span (up to the end of its first line). */
void diag_at(diag *dg, diag_level level, loc l, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Push a frame whose note (at l) follows every error and warning until
 * diag_pop; frames nest. */
void diag_push(diag *dg, diag_frame *f, loc l, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_pop(diag *dg, const diag_frame *f);
#endif
