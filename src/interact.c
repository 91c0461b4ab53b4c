/* interact.c: design columns of formula interaction terms (interact.h). */
#include "interact.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One variable's entries: the levels it is coded by (factor), or itself. */
typedef struct ia_var {
    int factor;
    size_t nlev;                   /* levels coded (a numeric variable: 1) */
    const char **lev;              /* factor: the labels of the levels coded */
} ia_var;

static int cmp_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const char *label(const cohort_vec *v, size_t i)
{
    if (v->type == COHORT_TYPE_TEXT) return v->text[i];
    return v->num[i] != 0 ? "true" : "false";
}

/* The sorted distinct labels of v over the rows used into lev (room for n
 * + 2); returns their number. */
static size_t levels(const cohort_vec *v, size_t n, const unsigned char *use, const char **lev)
{
    size_t m = 0;
    if (v->type == COHORT_TYPE_BOOL) {
        int seen[2] = {0, 0};
        for (size_t i = 0; i < n; i++)
            if (use[i] && !v->missing[i]) seen[v->num[i] != 0] = 1;
        if (seen[0]) lev[m++] = "false";
        if (seen[1]) lev[m++] = "true";
        return m;
    }
    for (size_t i = 0; i < n; i++)
        if (use[i] && !v->missing[i]) lev[m++] = v->text[i];
    qsort(lev, m, sizeof *lev, cmp_text);
    size_t k = 0;
    for (size_t i = 0; i < m; i++)
        if (k == 0 || strcmp(lev[k - 1], lev[i]) != 0) lev[k++] = lev[i];
    return k;
}

/* Variable j's levels, the reference first; 0 or -1 with err. */
static int code_var(const ia_term *t, size_t j, size_t n, const unsigned char *use, ia_var *iv,
                    const char **lev, char *err, size_t errsize)
{
    const cohort_vec *v = &t->vars[j];
    iv->factor = v->type == COHORT_TYPE_TEXT || v->type == COHORT_TYPE_BOOL;
    iv->nlev = 1;
    if (!iv->factor) return 0;
    size_t m = levels(v, n, use, lev);
    const char *ref = t->ref ? t->ref[j] : NULL;
    if (ref) {
        size_t r = 0;
        while (r < m && strcmp(lev[r], ref) != 0) r++;
        if (r == m) {
            snprintf(err, errsize, "reference level '%s' of %s is not among its values", ref, v->name);
            return -1;
        }
        const char *x = lev[r];
        memmove(lev + 1, lev, r * sizeof *lev);
        lev[0] = x;
    }
    if (m < 2) {
        size_t used = 0;
        for (size_t i = 0; i < n; i++) used += use[i] != 0;
        snprintf(err, errsize, "%s has only one value (%s) in the %zu rows used", v->name, m ? lev[0] : "none",
                 used);
        return -1;
    }
    int contrast = (t->contrast >> j) & 1;
    iv->lev = lev + contrast;
    iv->nlev = m - (size_t)contrast;
    return 0;
}

size_t ia_columns(const ia_term *t, size_t n, const unsigned char *use, ia_alloc alloc, void *actx,
                  cohort_term **cols, char *err, size_t errsize)
{
    ia_var iv[32];
    const char **lev[32] = {0};
    size_t ncol = 1, ok = 1;
    if (t->nvars > 32) {
        snprintf(err, errsize, "too many variables in an interaction");
        return 0;
    }
    for (size_t j = 0; j < t->nvars && ok; j++) {
        lev[j] = malloc((n + 2) * sizeof *lev[j]);
        ok = lev[j] && code_var(t, j, n, use, &iv[j], lev[j], err, errsize) == 0;
        if (!lev[j]) snprintf(err, errsize, "out of memory coding an interaction");
        if (ok) ncol *= iv[j].nlev;
    }
    cohort_term *c = ok ? alloc(actx, ncol * sizeof *c) : NULL;
    if (ok && !c) {
        snprintf(err, errsize, "out of memory coding an interaction");
        ok = 0;
    }
    size_t pick[32] = {0};   /* the entry of each variable in column k, the first fastest */
    for (size_t k = 0; ok && k < ncol; k++) {
        size_t namelen = 1;
        for (size_t j = 0; j < t->nvars; j++)
            namelen += strlen(t->vars[j].name) + 1 + (iv[j].factor ? strlen(iv[j].lev[pick[j]]) : 0);
        char *name = alloc(actx, namelen);
        double *x = alloc(actx, (n + 1) * sizeof *x);
        unsigned char *miss = alloc(actx, n + 1);
        if (!name || !x || !miss) {
            snprintf(err, errsize, "out of memory coding an interaction");
            ok = 0;
            break;
        }
        for (size_t j = 0; j < t->nvars; j++) {
            if (j) strcat(name, ":");
            strcat(name, t->vars[j].name);
            if (iv[j].factor) strcat(name, iv[j].lev[pick[j]]);
        }
        for (size_t i = 0; i < n; i++) {
            double p = 1;
            for (size_t j = 0; j < t->nvars && !miss[i]; j++) {
                const cohort_vec *v = &t->vars[j];
                if (v->missing[i]) miss[i] = 1;
                else if (iv[j].factor) p *= strcmp(label(v, i), iv[j].lev[pick[j]]) == 0;
                else p *= v->num[i];
            }
            x[i] = miss[i] ? 0 : p;
        }
        c[k].vec = (cohort_vec){name, COHORT_TYPE_REAL, n, x, NULL, miss};
        c[k].ref = NULL;
        for (size_t j = 0; j < t->nvars && ++pick[j] == iv[j].nlev; j++) pick[j] = 0;
    }
    for (size_t j = 0; j < t->nvars; j++) free(lev[j]);
    if (!ok) return 0;
    *cols = c;
    return ncol;
}
