/* interval.h: the relations between two intervals of dates (or of
 * numbers), with closed or open ends and three-valued results.  The one
 * place where the bounds of overlaps, before, after, meets and during are
 * decided; cohort-rules(5) has the table. */
#ifndef COHORT_INTERVAL_H
#define COHORT_INTERVAL_H

/* Openness of an interval's ends, as written: [a, b) is IV_EOPEN, (a, b]
 * IV_SOPEN.  IV_PAREN marks a list written in parentheses, (a, b), which as
 * an interval is open at both ends.  Kept in expr.op of a two-item E_LIST
 * and of E_WITHIN2. */
enum { IV_SOPEN = 1, IV_EOPEN = 2, IV_PAREN = 4 };

/* The relations; also expr.op of E_RELATION. */
typedef enum { REL_OVERLAPS, REL_BEFORE, REL_AFTER, REL_MEETS, REL_DURING } relation;

/* Three-valued results (the evaluator's false, true, unknown). */
enum { IV_F = 0, IV_T = 1, IV_U = 2 };

typedef struct ivl {
    double s, e;            /* start and end (day numbers for dates) */
    unsigned char s_known;  /* 0: the start is missing */
    unsigned char e_known;
    unsigned char s_open;   /* 1: the start itself is not in the interval */
    unsigned char e_open;
} ivl;

/* The openness flags of an interval as written (IV_* bits) as s_open,
 * e_open: a parenthesised pair is open at both ends.  (Inline: the
 * evaluator reads it for every interval operand.) */
static inline void interval_flags(int written, unsigned char *s_open, unsigned char *e_open)
{
    if (written & IV_PAREN) written |= IV_SOPEN | IV_EOPEN;
    *s_open = (written & IV_SOPEN) != 0;
    *e_open = (written & IV_EOPEN) != 0;
}
/* Does `a rel b` hold?  IV_T, IV_F, or IV_U when a needed end is missing
 * or either interval is empty (its start after its end). */
int interval_relation(relation rel, const ivl *a, const ivl *b);
#endif
