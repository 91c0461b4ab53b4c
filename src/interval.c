/* interval.c: relations between intervals with closed or open ends.
 * Every relation is a conjunction (or, for meets, a disjunction) of
 * comparisons between one end of each interval; a comparison is strict or
 * not according to which of the two ends compared are open, so that the
 * result is the same as comparing the sets of points the intervals hold. */
#include "interval.h"
#include <math.h>

/* x <= y (x < y when strict), unknown when either is missing */
static int le(double x, int xk, double y, int yk, int strict)
{
    if (!xk || !yk) return IV_U;
    return (strict ? x < y : x <= y) ? IV_T : IV_F;
}

static int and3(int a, int b)
{
    if (a == IV_F || b == IV_F) return IV_F;
    return a == IV_U || b == IV_U ? IV_U : IV_T;
}

static int or3(int a, int b)
{
    if (a == IV_T || b == IV_T) return IV_T;
    return a == IV_U || b == IV_U ? IV_U : IV_F;
}

static int empty(const ivl *a)
{
    return a->s_known && a->e_known && (a->s > a->e || (a->s == a->e && (a->s_open || a->e_open)));
}

/* The first and last whole day an interval holds: a closed end holds the
 * day it falls in, an open end stops the day before (after, for a start). */
static double first_day(const ivl *a) { return a->s_open ? floor(a->s) + 1 : ceil(a->s); }
static double last_day(const ivl *a) { return a->e_open ? ceil(a->e) - 1 : floor(a->e); }

/* a's last day is the day before b's first */
static int meets_before(const ivl *a, const ivl *b)
{
    if (!a->e_known || !b->s_known) return IV_U;
    return last_day(a) + 1 == first_day(b) ? IV_T : IV_F;
}

int interval_relation(relation rel, const ivl *a, const ivl *b)
{
    if (empty(a) || empty(b)) return IV_U;
    switch (rel) {
    case REL_OVERLAPS:
        /* a point in both: a.s <= b.e and b.s <= a.e, strict where an end is open */
        return and3(le(a->s, a->s_known, b->e, b->e_known, a->s_open || b->e_open),
                    le(b->s, b->s_known, a->e, a->e_known, b->s_open || a->e_open));
    case REL_BEFORE:
        /* every point of a before every point of b */
        return le(a->e, a->e_known, b->s, b->s_known, !(a->e_open || b->s_open));
    case REL_AFTER:
        return le(b->e, b->e_known, a->s, a->s_known, !(b->e_open || a->s_open));
    case REL_MEETS:
        return or3(meets_before(a, b), meets_before(b, a));
    case REL_DURING:
        /* every point of a in b */
        return and3(le(b->s, b->s_known, a->s, a->s_known, b->s_open && !a->s_open),
                    le(a->e, a->e_known, b->e, b->e_known, b->e_open && !a->e_open));
    }
    return IV_U;
}
