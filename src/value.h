/* value.h: run-time values of the rules language.  Missing is a value of
 * its own (t == TY_ERROR, i.e. 0); booleans are three-valued through it. */
#ifndef COHORT_VALUE_H
#define COHORT_VALUE_H
#include <stddef.h>
#include <stdint.h>
#include "ast.h"

typedef struct vlist vlist;
typedef struct vmap vmap;

typedef struct value {
    uint8_t t;             /* tykind; 0 = missing */
    union {
        int64_t i;         /* TY_INT, TY_BOOL */
        double r;          /* TY_REAL, TY_DATE (days since 1970-01-01), TY_DURATION (days) */
        const char *s;     /* TY_TEXT, interned */
        const vlist *l;    /* TY_LIST */
        const vmap *m;     /* TY_MAP */
    } u;
} value;

struct vlist {
    size_t n;
    value *items;
};

struct vmap {
    size_t n;
    const char **keys;     /* interned */
    value *vals;
};

#define V_MISSING ((value){0, {0}})
static inline value v_int(int64_t i) { value v = {TY_INT, {.i = i}}; return v; }
static inline value v_real(double r) { value v = {TY_REAL, {.r = r}}; return v; }
static inline value v_bool(int b) { value v = {TY_BOOL, {.i = b != 0}}; return v; }
static inline value v_date(double d) { value v = {TY_DATE, {.r = d}}; return v; }
static inline value v_dur(double d) { value v = {TY_DURATION, {.r = d}}; return v; }
static inline value v_text(const char *s) { value v = {TY_TEXT, {.s = s}}; return v; }
static inline int v_missing(value v) { return v.t == 0; }
/* numeric view of INT, REAL, BOOL, DATE, DURATION */
static inline double v_num(value v) { return v.t == TY_INT || v.t == TY_BOOL ? (double)v.u.i : v.u.r; }
#endif
