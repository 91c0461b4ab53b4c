/* fitcheck.c: the shared check for models and comparisons that cannot be
 * fitted (see fitcheck.h): one wording for every bundled estimator. */
#include "fitcheck.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pc_fit_one_value_text(char *buf, size_t size, int role, const char *name, const char *value, size_t n)
{
    const char *prefix = role == PC_FIT_STRATA ? "strata " : role == PC_FIT_BY ? "by " : "";
    const char *why;
    switch (role) {
    case PC_FIT_STRATA: why = "nothing to stratify by"; break;
    case PC_FIT_BY: why = "nothing to compare"; break;
    case PC_FIT_OUTCOME: why = "nothing to model"; break;
    case PC_FIT_VAR: why = "nothing to test or standardise (write tests: false, smd: false to describe it)"; break;
    default: why = "its effect cannot be estimated"; break;
    }
    if (value)
        snprintf(buf, size, "%s%s takes one value only (%s) in the %zu rows used: %s", prefix, name, value, n,
                 why);
    else
        snprintf(buf, size, "%s%s has no values in the %zu rows used: %s", prefix, name, n, why);
}

static int same_value(const cohort_vec *v, size_t a, size_t b)
{
    if (v->type == COHORT_TYPE_TEXT) return strcmp(v->text[a], v->text[b]) == 0;
    return v->num[a] == v->num[b];
}

int pc_fit_varies(const cohort_host *host, const cohort_call *call, int role, const cohort_vec *v,
                  const unsigned char *use, size_t n)
{
    size_t first = (size_t)-1;
    for (size_t i = 0; i < v->n; i++) {
        if ((use && !use[i]) || (v->missing && v->missing[i])) continue;
        if (first == (size_t)-1) first = i;
        else if (!same_value(v, first, i)) return 0;
    }
    char buf[32], msg[512];
    pc_fit_one_value_text(msg, sizeof msg, role, v->name,
                          first == (size_t)-1 ? NULL : pc_label(v, first, buf, sizeof buf), n);
    host->error(call, "%s", msg);
    return 1;
}

int pc_fit_varies_codes(const cohort_host *host, const cohort_call *call, int role, const char *name,
                        const pc_factor *f, const int *code, size_t n)
{
    int first = -1;
    for (size_t k = 0; k < n; k++) {
        if (code[k] < 0) continue;
        if (first < 0) first = code[k];
        else if (code[k] != first) return 0;
    }
    char msg[512];
    pc_fit_one_value_text(msg, sizeof msg, role, name, first < 0 ? NULL : f->labels[first], n);
    host->error(call, "%s", msg);
    return 1;
}

/* Whether row i of d lies in level `col` of factor term t: col is a
 * column of t, or (size_t)-1 for the reference level (every column of t
 * is 0). */
static int in_level(const pc_design *d, size_t i, size_t t, size_t col)
{
    if (col != (size_t)-1) return d->x[i * d->p + col] != 0;
    for (size_t j = 0; j < d->p; j++)
        if (d->term[j] == t && d->x[i * d->p + j] != 0) return 0;
    return 1;
}

/* Whether level col of term t lacks what `need` asks of its rows. */
static int level_fails(const pc_design *d, const int *y, int yes_value, int need, size_t t, size_t col)
{
    size_t yes = 0, no = 0;
    for (size_t i = 0; i < d->n; i++)
        if (in_level(d, i, t, col)) {
            if (y[i] == yes_value) yes++;
            else no++;
        }
    if (yes + no == 0) return 0;   /* an empty level has no column (pc_design_make) */
    return need == PC_FIT_EVENTS ? yes == 0 : (yes == 0 || no == 0);
}

int pc_fit_levels(const cohort_host *host, const cohort_call *call, const pc_design *d, const int *y,
                  int yes, int need, const char *yname, const char *ratio)
{
    /* no events at all, or one outcome only: the estimator's own message
     * ("nothing to estimate", pc_fit_varies) */
    size_t nyes = 0;
    for (size_t i = 0; i < d->n; i++) nyes += y[i] == yes;
    if (nyes == 0 || (need == PC_FIT_BOTH && nyes == d->n)) return 0;
    for (size_t t = 0; t < d->nterms; t++) {
        if (!d->term_ref || !d->term_ref[t]) continue;   /* numeric term */
        size_t first = (size_t)-1;
        for (size_t j = 0; j < d->p; j++)
            if (d->term[j] == t) {
                first = j;
                break;
            }
        if (first == (size_t)-1) continue;
        /* the reference level first, then each other level in column order */
        for (size_t j = (size_t)-1;; j = j == (size_t)-1 ? first : j + 1) {
            if (j != (size_t)-1 && (j >= d->p || d->term[j] != t)) break;
            if (!level_fails(d, y, yes, need, t, j)) continue;
            if (!host) return 1;
            const char *level = j == (size_t)-1 ? d->term_ref[t] : d->level[j];
            char what[256];
            const char *it = j == (size_t)-1 ? "they" : "it";
            if (j == (size_t)-1)
                snprintf(what, sizeof what, "the %ss of %s (against its reference level)", ratio,
                         d->term_name[t]);
            else
                snprintf(what, sizeof what, "the %s of %s", ratio, d->names[j]);
            if (need == PC_FIT_EVENTS)
                host->error(call, "no events of %s in %s = %s: %s cannot be estimated (%s would be "
                            "infinite); merge or drop the level", yname, d->term_name[t], level, what, it);
            else
                host->error(call, "%s takes one value only in %s = %s: %s cannot be estimated (%s would "
                            "be infinite: separation); merge or drop the level", yname, d->term_name[t],
                            level, what, it);
            return 1;
        }
    }
    return 0;
}

int pc_fit_singular(const cohort_host *host, const cohort_call *call, const char *model, const char *name,
                    const char *within)
{
    host->error(call, "%s%ssingular design: %s is collinear with the other terms%s%s", model ? model : "",
                model ? ": " : "", name, within ? " " : "", within ? within : "");
    return 1;
}
