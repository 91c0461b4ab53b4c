/* textbuf.h: a growing text (SQL, cache keys, labels), always
 * NUL-terminated; once out of memory it stays failed (oom) and takes
 * nothing more, so a caller checks once at the end. */
#ifndef COHORT_TEXTBUF_H
#define COHORT_TEXTBUF_H
#include <stddef.h>

typedef struct textbuf {
    char *s;                /* the text (NULL while empty) */
    size_t n, cap;
    int oom;
} textbuf;

void tb_put(textbuf *b, const void *p, size_t n);
void tb_add(textbuf *b, const char *s);
void tb_printf(textbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append x's text to b and empty x (its memory freed). */
void tb_cat(textbuf *b, textbuf *x);
#endif
