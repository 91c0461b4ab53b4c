/* argspec.c: constant estimator arguments against the plugin's declared
 * specs (allowed texts, ranges, the type of list items), so that a bad
 * value is a located error when the rules are checked, before any data is
 * read, rather than a failure of the estimate after evaluation. */
#include "argspec.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "ast.h"

/* "0.95", or "30 days" for a duration */
static void value_text(int type, double v, char *buf, size_t size)
{
    if (type == TY_DURATION) snprintf(buf, size, "%g days", v);
    else snprintf(buf, size, "%g", v);
}

/* "between 0 and 1 (both excluded)", "at least 0", "more than 0 days" */
static void range_text(const cohort_param_spec *sp, int type, char *buf, size_t size)
{
    char lo[64], hi[64];
    value_text(type, sp->min, lo, sizeof lo);
    value_text(type, sp->max, hi, sizeof hi);
    int mo = (sp->flags & COHORT_SPEC_MIN_OPEN) != 0, xo = (sp->flags & COHORT_SPEC_MAX_OPEN) != 0;
    if (!isnan(sp->min) && !isnan(sp->max))
        snprintf(buf, size, "between %s and %s%s", lo, hi,
                 mo && xo ? " (both excluded)" : mo ? " (" : xo ? " (" : "");
    else if (!isnan(sp->min))
        snprintf(buf, size, "%s %s", mo ? "more than" : "at least", lo);
    else if (!isnan(sp->max))
        snprintf(buf, size, "%s %s", xo ? "less than" : "at most", hi);
    else
        buf[0] = 0;
    if (!isnan(sp->min) && !isnan(sp->max) && mo != xo) {
        size_t l = strlen(buf);
        snprintf(buf + l, size - l, "%s excluded)", mo ? lo : hi);
    }
}

static void choices_text(const cohort_param_spec *sp, char *buf, size_t size)
{
    buf[0] = 0;
    for (size_t i = 0; sp->choices && sp->choices[i]; i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, size - l, "%s\"%s\"", i ? ", " : "", sp->choices[i]);
    }
}

static int in_range(const cohort_param_spec *sp, double v)
{
    if (!isnan(sp->min) && (v < sp->min || (v == sp->min && (sp->flags & COHORT_SPEC_MIN_OPEN)))) return 0;
    if (!isnan(sp->max) && (v > sp->max || (v == sp->max && (sp->flags & COHORT_SPEC_MAX_OPEN)))) return 0;
    return !(sp->flags & COHORT_SPEC_INTEGER) || v == floor(v);
}

static const char *type_word(int cohort_type)
{
    switch (cohort_type) {
    case COHORT_TYPE_INT: return "whole numbers";
    case COHORT_TYPE_REAL: return "numbers";
    case COHORT_TYPE_TEXT: return "texts";
    case COHORT_TYPE_DATE: return "dates";
    case COHORT_TYPE_BOOL: return "booleans";
    case COHORT_TYPE_DURATION: return "durations";
    }
    return "values";
}

static int type_fits(int want, int got)
{
    if (want == COHORT_TYPE_INT || want == COHORT_TYPE_REAL) return got == TY_INT || got == TY_REAL;
    return want == got;
}

int argspec_check(const cohort_param_spec *sp, const char *estimator, const argval *vals, size_t n, int is_list,
                  diag *dg)
{
    int errors = 0;
    for (size_t i = 0; i < n; i++) {
        const argval *v = &vals[i];
        if (!v->known) continue;
        if (is_list && sp->list_type && !type_fits(sp->list_type, v->type)) {
            const char *got = ty_name((ty){(uint8_t)v->type, 0});
            diag_at(dg, DIAG_ERROR, v->loc, "argument '%s' of %s is a list of %s, and this item is %s %s%s",
                    sp->param, estimator, type_word(sp->list_type), strchr("aeiou", got[0]) ? "an" : "a", got,
                    sp->list_type == COHORT_TYPE_DURATION && (v->type == TY_INT || v->type == TY_REAL)
                        ? " (give its unit, e.g. 12 months)" : "");
            return errors + 1;   /* once per list */
        }
        if (v->type == TY_TEXT && sp->choices) {
            size_t k = 0;
            while (sp->choices[k] && strcmp(sp->choices[k], v->text) != 0) k++;
            if (sp->choices[k]) continue;
            char list[512];
            choices_text(sp, list, sizeof list);
            const char *sug = diag_suggest(v->text, sp->choices, k);
            diag_at(dg, DIAG_ERROR, v->loc, "argument '%s' of %s must be one of %s, not \"%s\"%s%s%s", sp->param,
                    estimator, list, v->text, sug ? " (did you mean \"" : "", sug ? sug : "", sug ? "\"?)" : "");
            errors++;
        } else if ((v->type == TY_INT || v->type == TY_REAL || v->type == TY_DURATION) && !in_range(sp, v->num)) {
            char range[160], got[64];
            range_text(sp, v->type, range, sizeof range);
            value_text(v->type, v->num, got, sizeof got);
            diag_at(dg, DIAG_ERROR, v->loc, "argument '%s' of %s must be %s%s%s, not %s", sp->param, estimator,
                    (sp->flags & COHORT_SPEC_INTEGER) ? "a whole number" : "", (sp->flags & COHORT_SPEC_INTEGER) &&
                    range[0] ? " " : "", range, got);
            errors++;
        }
    }
    return errors;
}

void argspec_describe(const cohort_param_spec *sp, unsigned kinds, char *buf, size_t size)
{
    buf[0] = 0;
    size_t l = 0;
    if (sp->choices) {
        char list[512];
        choices_text(sp, list, sizeof list);
        l += (size_t)snprintf(buf + l, size - l, "one of %s", list);
    }
    if (sp->list_type && l < size)
        l += (size_t)snprintf(buf + l, size - l, "%sa list of %s", l ? "; " : "", type_word(sp->list_type));
    if ((!isnan(sp->min) || !isnan(sp->max)) && l < size) {
        char range[160];
        int dur = sp->list_type ? sp->list_type == COHORT_TYPE_DURATION : (kinds & COHORT_ARG_DURATION) != 0;
        range_text(sp, dur ? TY_DURATION : TY_REAL, range, sizeof range);
        l += (size_t)snprintf(buf + l, size - l, "%s%s%s", l ? "; " : "", sp->list_type ? "each " : "", range);
    }
    if ((sp->flags & COHORT_SPEC_INTEGER) && l < size)
        l += (size_t)snprintf(buf + l, size - l, "%swhole", l ? "; " : "");
    if ((sp->flags & (COHORT_SPEC_GROUPS | COHORT_SPEC_LEVELS)) && l < size)
        l += (size_t)snprintf(buf + l, size - l, "%s%s shown as labels", l ? "; " : "",
                              (sp->flags & COHORT_SPEC_GROUPS) ? "values" : "text and boolean values");
    if (sp->default_value && l < size) snprintf(buf + l, size - l, "%sdefault %s", l ? "; " : "", sp->default_value);
}
