/* builtins.c: names and typing rules of the built-in functions. */
#include "builtins.h"
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int min, max;          /* arity; max -1 = any */
} table[BI_COUNT_] = {
    [BI_MISSING] = {"missing", 1, 1},
    [BI_COALESCE] = {"coalesce", 1, -1},
    [BI_FIRST_OF] = {"first_of", 1, -1},
    [BI_LAST_OF] = {"last_of", 1, -1},
    [BI_LEAST] = {"least", 1, -1},
    [BI_GREATEST] = {"greatest", 1, -1},
    [BI_ABS] = {"abs", 1, 1},
    [BI_ROUND] = {"round", 1, 2},
    [BI_FLOOR] = {"floor", 1, 1},
    [BI_CEIL] = {"ceil", 1, 1},
    [BI_LOG] = {"log", 1, 1},
    [BI_EXP] = {"exp", 1, 1},
    [BI_SQRT] = {"sqrt", 1, 1},
    [BI_REF] = {"ref", 2, 2},
    [BI_ADD_MONTHS] = {"add_months", 2, 2},
    [BI_STRATA] = {"strata", 1, 1},
    [BI_I] = {"I", 1, 1},   /* its argument as it is: I(age * age) as a formula term, as in R */
};

int builtin_find(const char *name)
{
    for (int i = 0; i < BI_COUNT_; i++)
        if (strcmp(table[i].name, name) == 0) return i;
    return -1;
}

size_t builtin_names(const char **out, size_t max)
{
    size_t n = 0;
    for (int i = 0; i < BI_COUNT_ && n < max; i++) out[n++] = table[i].name;
    return n;
}

int builtin_is_formula_only(int b)
{
    return b == BI_REF || b == BI_STRATA;
}

static ty mk(int k) { ty t = {(uint8_t)k, 0}; return t; }
static int num(ty t) { return t.kind == TY_INT || t.kind == TY_REAL || t.kind == TY_ANY; }

ty builtin_check(int b, const ty *at, size_t n, char *msg, size_t size)
{
    const ty err = {TY_ERROR, 0};
    if ((int)n < table[b].min || (table[b].max >= 0 && (int)n > table[b].max)) {
        if (table[b].min == table[b].max)
            snprintf(msg, size, "%s takes %d argument%s, got %zu", table[b].name, table[b].min,
                     table[b].min == 1 ? "" : "s", n);
        else if (table[b].max < 0)
            snprintf(msg, size, "%s takes at least %d argument%s, got %zu", table[b].name, table[b].min,
                     table[b].min == 1 ? "" : "s", n);
        else
            snprintf(msg, size, "%s takes %d to %d arguments, got %zu", table[b].name, table[b].min,
                     table[b].max, n);
        return err;
    }
    switch (b) {
    case BI_MISSING:
        return mk(TY_BOOL);
    case BI_COALESCE: case BI_LEAST: case BI_GREATEST: {
        ty r = mk(TY_ANY);
        for (size_t i = 0; i < n; i++) {
            ty t = at[i];
            if (t.kind == TY_ANY) continue;
            if (t.kind == TY_LIST || t.kind == TY_MAP || t.kind == TY_ENDPOINT) {
                snprintf(msg, size, "%s takes single values, not a %s", table[b].name, ty_name(t));
                return err;
            }
            if (r.kind == TY_ANY) { r = t; continue; }
            if (num(r) && num(t)) { if (t.kind == TY_REAL) r = t; continue; }
            if (r.kind != t.kind) {
                snprintf(msg, size, "%s: argument %zu is %s but earlier ones are %s", table[b].name, i + 1,
                         ty_name(t), ty_name(r));
                return err;
            }
        }
        if (b != BI_COALESCE && (r.kind == TY_BOOL)) {
            snprintf(msg, size, "%s needs ordered values, not booleans", table[b].name);
            return err;
        }
        return r;
    }
    case BI_FIRST_OF: case BI_LAST_OF:
        for (size_t i = 0; i < n; i++)
            if (at[i].kind != TY_DATE && at[i].kind != TY_ANY) {
                snprintf(msg, size, "%s takes dates; argument %zu is %s", table[b].name, i + 1, ty_name(at[i]));
                return err;
            }
        return mk(TY_DATE);
    case BI_ABS:
        if (!num(at[0]) && at[0].kind != TY_DURATION) break;
        return at[0];
    case BI_ROUND:
        if (n == 2 && at[1].kind != TY_INT && at[1].kind != TY_ANY) {
            snprintf(msg, size, "round: the number of digits must be an integer");
            return err;
        }
        if (at[0].kind == TY_DURATION) return at[0];
        if (!num(at[0])) break;
        return mk(TY_REAL);
    case BI_FLOOR: case BI_CEIL:
        if (at[0].kind == TY_DURATION) return at[0];
        if (!num(at[0])) break;
        return mk(TY_REAL);
    case BI_LOG: case BI_EXP: case BI_SQRT:
        if (!num(at[0])) break;
        return mk(TY_REAL);
    case BI_REF: case BI_STRATA: case BI_I:
        return at[0];
    case BI_ADD_MONTHS:
        if ((at[0].kind != TY_DATE && at[0].kind != TY_ANY) || (at[1].kind != TY_INT && at[1].kind != TY_ANY)) {
            snprintf(msg, size, "add_months takes a date and an integer number of months, not %s and %s",
                     ty_name(at[0]), ty_name(at[1]));
            return err;
        }
        return mk(TY_DATE);
    }
    snprintf(msg, size, "%s needs a number, not %s", table[b].name, ty_name(at[0]));
    return err;
}
