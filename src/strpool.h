/* strpool.h: interned strings.  Equal strings interned in one pool share one
 * pointer, so text equality in the evaluator is a pointer comparison, and
 * one 32-bit id (the tables' text columns hold ids, data.h). */
#ifndef COHORT_STRPOOL_H
#define COHORT_STRPOOL_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct strpool strpool;

strpool *strpool_new(void);
void strpool_free(strpool *p);
/* The pool's copy of s[0..len); NUL-terminated; lives as long as the pool. */
const char *strpool_intern(strpool *p, const char *s, size_t len);
size_t strpool_count(const strpool *p);
/* The id of s[0..len), interned if new: ids count from 1 in the order the
 * strings were first interned; 0 when out of memory. */
uint32_t strpool_id(strpool *p, const char *s, size_t len);
/* Where the pool keeps its strings by id: chunks of 2^16 under a top array
 * that never moves; the string of id is strs[id >> 16][id & 0xffff] (id 0:
 * NULL), readable by any thread that was given the id, also while another
 * thread interns (strpool_text). */
const char *const *const *strpool_strings(const strpool *p);
/* The string of an id, from the table strpool_strings gave. */
static inline const char *strpool_text(const char *const *const *strs, uint32_t id)
{
    return strs[id >> 16][id & 0xffff];
}
/* memcmp(a, b, n) == 0, inline for the short strings that dominate: by
 * words (overlapping at the end), never past either string's end. */
static inline int strpool_same_bytes(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    uint32_t u, v, w, z;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y) return 0;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        memcpy(&u, a, 4);
        memcpy(&v, b, 4);
        memcpy(&w, a + n - 4, 4);
        memcpy(&z, b + n - 4, 4);
        return u == v && w == z;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}
#endif
