/* window.c: the exposure window a definition states (window.h), found by
 * walking its expression, through the lets it names, for the comparisons
 * of a row's dates with an interval around the unit's date. */
#include "window.h"
#include "interval.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One end of a window: its sign (-1 before the unit's date, +1 after, 0 at
 * it), its distance as written ("7 days", "5 * halflife(d.agent)"), split
 * into a number and a unit when it is a literal duration, and in days. */
typedef struct bound {
    int sign;
    char text[160];
    double num;            /* a literal's count; NAN otherwise */
    int unit;              /* its dunit */
    double days;           /* signed; NAN when not constant */
} bound;

/* Does e read a row bound by a quantifier (a drug's dates, not the unit's)? */
static int reads_row(const expr *e)
{
    if (!e) return 0;
    if ((e->kind == E_NAME || e->kind == E_FIELD) && (e->rkind == R_VARCOL || e->rkind == R_VARANC)) return 1;
    if (reads_row(e->a) || reads_row(e->b) || reads_row(e->c) || reads_row(e->d)) return 1;
    for (size_t i = 0; i < e->nitems; i++)
        if (reads_row(e->items[i])) return 1;
    return 0;
}

/* Are a and b the same reference (the same date of the unit)? */
static int same_ref(const expr *a, const expr *b)
{
    if (!a || !b) return a == b;
    if (a->kind != b->kind || a->rkind != b->rkind || a->table != b->table || a->col != b->col ||
        a->slot != b->slot || a->op != b->op || a->nitems != b->nitems)
        return 0;
    if ((a->name || b->name) && (!a->name || !b->name || strcmp(a->name, b->name))) return 0;
    if (!same_ref(a->a, b->a) || !same_ref(a->b, b->b) || !same_ref(a->c, b->c) || !same_ref(a->d, b->d))
        return 0;
    for (size_t i = 0; i < a->nitems; i++)
        if (!same_ref(a->items[i], b->items[i])) return 0;
    return 1;
}

/* A duration as written, with sign `sign` (flipped by a unary minus or a
 * negative literal); params and constant lets show their values. */
static void duration_bound(const study *st, const expr *e, int sign, bound *b, int depth)
{
    if (e && e->kind == E_UNARY && e->op == OP_NEG) {
        duration_bound(st, e->a, -sign, b, depth + 1);
        return;
    }
    if (e && e->kind == E_NAME && depth < 32) {
        if (e->rkind == R_PARAM && e->slot >= 0 && (size_t)e->slot < st->nparams) {
            duration_bound(st, st->params[e->slot].value, sign, b, depth + 1);
            return;
        }
        if (e->rkind == R_LET && e->slot >= 0 && (size_t)e->slot < st->nlets && st->lets[e->slot].is_const) {
            duration_bound(st, st->lets[e->slot].s->value, sign, b, depth + 1);
            return;
        }
    }
    b->num = NAN;
    b->days = NAN;
    double d;
    if (e && check_const_days(st, e, &d)) b->days = sign * d;
    if (e && e->kind == E_DURATION) {
        double n = e->rval;
        if (n < 0) {
            n = -n;
            sign = -sign;
        }
        b->num = n;
        b->unit = e->dunit;
        snprintf(b->text, sizeof b->text, "%g %s", n, dunit_name(e->dunit));
        if (n == 1) b->text[strlen(b->text) - 1] = 0;   /* "1 month" */
    } else {
        char *t = e ? srcfile_span(e->loc) : NULL;
        snprintf(b->text, sizeof b->text, "%s", t ? t : "?");
        free(t);
    }
    b->sign = b->days == 0 ? 0 : sign;
}

/* An end `X`, `X - dur` or `X + dur` (or `dur + X`) of an interval around
 * the date X: *anchor gets X, b the offset.  0 when e is of no such form. */
static int offset_end(const study *st, const expr *e, const expr **anchor, bound *b)
{
    memset(b, 0, sizeof *b);
    if (!e) return 0;
    if (e->kind == E_BINARY && (e->op == OP_ADD || e->op == OP_SUB) && e->a && e->b) {
        const expr *date = e->a, *dur = e->b;
        if (e->op == OP_ADD && dur->type.kind == TY_DATE) {
            date = e->b;
            dur = e->a;
        }
        /* the duration may read the row (5 * halflife(d.agent)), the date may not */
        if (date->type.kind != TY_DATE || dur->type.kind != TY_DURATION || reads_row(date)) return 0;
        *anchor = date;
        duration_bound(st, dur, e->op == OP_SUB ? -1 : 1, b, 0);
        return 1;
    }
    if (e->type.kind != TY_DATE || reads_row(e)) return 0;
    *anchor = e;
    b->num = 0;
    b->unit = -1;
    b->days = 0;
    snprintf(b->text, sizeof b->text, "0");
    return 1;
}

/* "-7/+21 days", "-1 month/+21 days", "0/+3 months", "-/+5 * halflife(d.agent)" */
static void format_window(const bound *lo, const bound *hi, char *buf, size_t size)
{
    static const char signs[] = {'-', 0, '+'};
    char sl[2] = {signs[lo->sign + 1], 0}, sh[2] = {signs[hi->sign + 1], 0};
    int unit = lo->unit >= 0 ? lo->unit : hi->unit;
    if (isfinite(lo->num) && isfinite(hi->num) && unit >= 0 && (lo->unit < 0 || hi->unit < 0 || lo->unit == hi->unit))
    {
        snprintf(buf, size, "%s%g/%s%g %s", sl, lo->num, sh, hi->num, dunit_name(unit));
        /* "-1/+1 month" */
        if ((lo->num == 1 || lo->num == 0) && (hi->num == 1 || hi->num == 0)) buf[strlen(buf) - 1] = 0;
    }
    else if (lo->sign == -1 && hi->sign == 1 && !strcmp(lo->text, hi->text))
        snprintf(buf, size, "-/+%s", lo->text);   /* -/+5 * halflife(d.agent) */
    else
        snprintf(buf, size, "%s%s/%s%s", sl, lo->text, sh, hi->text);
}

/* The windows found so far: distinct texts joined by " and ". */
typedef struct found {
    char *buf;
    size_t size;
    int n;
    double from, to;
} found;

static void add(found *f, const char *text, double from, double to)
{
    size_t len = strlen(f->buf), tl = strlen(text);
    /* a window stated twice (two drugs in the same window) is one */
    for (const char *p = f->buf; (p = strstr(p, text)) != NULL; p += tl)
        if ((p == f->buf || (p - f->buf >= 5 && !strncmp(p - 5, " and ", 5))) && (p[tl] == 0 || !strncmp(p + tl, " and ", 5))) return;
    snprintf(f->buf + len, f->size - len, "%s%s", len ? " and " : "", text);
    f->from = f->n ? NAN : from;
    f->to = f->n ? NAN : to;
    f->n++;
}

/* A window between the ends lo and hi of an interval around one date. */
static int window_ends(const study *st, const expr *lo, const expr *hi, found *f)
{
    const expr *a1 = NULL, *a2 = NULL;
    bound b1, b2;
    if (!offset_end(st, lo, &a1, &b1) || !offset_end(st, hi, &a2, &b2) || !same_ref(a1, a2)) return 0;
    char text[400];
    format_window(&b1, &b2, text, sizeof text);
    add(f, text, b1.days, b2.days);
    return 1;
}

/* A window between the durations lo and hi (each with its sign) of the date. */
static void add_bounds(const study *st, const expr *lo, int slo, const expr *hi, int shi, found *f)
{
    bound b1, b2;
    memset(&b1, 0, sizeof b1);
    memset(&b2, 0, sizeof b2);
    duration_bound(st, lo, slo, &b1, 0);
    duration_bound(st, hi, shi, &b2, 0);
    char text[400];
    format_window(&b1, &b2, text, sizeof text);
    add(f, text, b1.days, b2.days);
}

/* The order of a row's date x and the unit's date y: `x after y` is
 * "after" (after_if_row_first), swapped "before". */
static int order(const expr *x, const expr *y, int after_if_row_first, found *f)
{
    int rx = reads_row(x), ry = reads_row(y);
    if (rx == ry) return 0;
    int after = rx ? after_if_row_first : !after_if_row_first;
    add(f, after ? "after" : "before", after ? 0 : NAN, after ? NAN : 0);
    return 1;
}

static void walk(const study *st, const expr *e, found *f, int depth)
{
    if (!e || depth > 64) return;
    switch (e->kind) {
    case E_RELATION:
        /* [d.start, d.end] overlaps [X - a, X + b], either side */
        if (e->op == REL_OVERLAPS && e->a && e->b && e->a->kind == E_LIST && e->b->kind == E_LIST &&
            e->a->nitems == 2 && e->b->nitems == 2 &&
            (window_ends(st, e->b->items[0], e->b->items[1], f) || window_ends(st, e->a->items[0], e->a->items[1], f)))
            return;
        break;
    case E_WITHIN:
        /* within w of X: the bounds -w and +w */
        if (e->a && e->b && e->c && e->c->type.kind == TY_DATE && reads_row(e->a) != reads_row(e->c)) {
            add_bounds(st, e->b, -1, e->b, 1, f);
            return;
        }
        break;
    case E_WITHIN2:
        if (e->b && e->c && e->d && reads_row(e->a) != reads_row(e->d)) {
            add_bounds(st, e->b, 1, e->c, 1, f);
            return;
        }
        break;
    case E_BETWEEN:
        if (e->a && e->b && e->c && e->a->type.kind == TY_DATE) {
            /* the unit's date within a row's interval */
            if (!reads_row(e->a) && reads_row(e->b) && reads_row(e->c)) {
                add(f, "during", NAN, NAN);
                return;
            }
            if (reads_row(e->a) && window_ends(st, e->b, e->c, f)) return;
        }
        break;
    case E_AFTER:
    case E_BEFORE:
        if (e->a && e->b && e->a->type.kind == TY_DATE && order(e->a, e->b, e->kind == E_AFTER, f)) return;
        break;
    case E_NAME:
        if (e->rkind == R_LET && e->slot >= 0 && (size_t)e->slot < st->nlets)
            walk(st, st->lets[e->slot].s->value, f, depth + 1);
        return;
    default:
        break;
    }
    walk(st, e->a, f, depth + 1);
    walk(st, e->b, f, depth + 1);
    walk(st, e->c, f, depth + 1);
    walk(st, e->d, f, depth + 1);
    for (size_t i = 0; i < e->nitems; i++) walk(st, e->items[i], f, depth + 1);
}

int window_of(const study *st, const expr *e, char *buf, size_t size, double *from, double *to)
{
    found f = {buf, size, 0, NAN, NAN};
    buf[0] = 0;
    walk(st, e, &f, 0);
    *from = f.from;
    *to = f.to;
    return f.n > 0;
}
