/* strpool.h: interned strings.  Equal strings interned in one pool share one
 * pointer, so text equality in the evaluator is a pointer comparison. */
#ifndef COHORT_STRPOOL_H
#define COHORT_STRPOOL_H
#include <stddef.h>

typedef struct strpool strpool;

strpool *strpool_new(void);
void strpool_free(strpool *p);
/* The pool's copy of s[0..len); NUL-terminated; lives as long as the pool. */
const char *strpool_intern(strpool *p, const char *s, size_t len);
size_t strpool_count(const strpool *p);
#endif
