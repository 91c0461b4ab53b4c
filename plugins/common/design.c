/* design.c: design matrix of formula terms (numeric terms as they are,
 * BOOL/TEXT terms as treatment-coded factors) for the regression plugins. */
#include "design.h"
#include "fitcheck.h"
#include "pcommon.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dup_str(const char *s)
{
    size_t len = strlen(s) + 1;
    char *r = malloc(len);
    if (r) memcpy(r, s, len);
    return r;
}

static char *concat(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *r = malloc(la + lb + 1);
    if (!r) return NULL;
    memcpy(r, a, la);
    memcpy(r + la, b, lb + 1);
    return r;
}

static int is_factor_type(int type)
{
    return type == COHORT_TYPE_BOOL || type == COHORT_TYPE_TEXT;
}

void pc_design_free(pc_design *d)
{
    if (d->names)
        for (size_t j = 0; j < d->p; j++) free(d->names[j]);
    if (d->level)
        for (size_t j = 0; j < d->p; j++) free(d->level[j]);
    if (d->term_ref)
        for (size_t t = 0; t < d->nterms; t++) free(d->term_ref[t]);
    free(d->x);
    free(d->names);
    free(d->level);
    free(d->term);
    free(d->term_ref);
    free(d->term_name);
    memset(d, 0, sizeof *d);
}

/* Code the used rows of term t as a factor; the sub-vector holds only the
 * used rows, so levels absent from them do not appear. */
static int factor_of_used(const cohort_term *t, const size_t *rows, size_t n, pc_factor *f)
{
    const cohort_vec *v = &t->vec;
    cohort_vec sub = *v;
    double *num = NULL;
    const char **text = NULL;
    unsigned char *miss = calloc(n + 1, 1);
    if (!miss) return -1;
    if (v->type == COHORT_TYPE_TEXT) {
        text = malloc((n + 1) * sizeof *text);
        if (!text) { free(miss); return -1; }
        for (size_t i = 0; i < n; i++) text[i] = v->text[rows[i]];
    } else {
        num = malloc((n + 1) * sizeof *num);
        if (!num) { free(miss); return -1; }
        for (size_t i = 0; i < n; i++) num[i] = v->num[rows[i]];
    }
    sub.n = n;
    sub.num = num;
    sub.text = (const char *const *)text;
    sub.missing = miss;
    int rc = pc_factor_make(&sub, t->ref, f);
    free(num);
    free(text);
    free(miss);
    return rc;
}

int pc_design_make(const cohort_term *terms, size_t nterms, size_t nrows,
                   const unsigned char *use, pc_design *d, char *err, size_t errsize)
{
    memset(d, 0, sizeof *d);
    size_t n = 0;
    size_t *rows = malloc((nrows + 1) * sizeof *rows);
    pc_factor *fac = calloc(nterms + 1, sizeof *fac);
    if (!rows || !fac) goto nomem;
    for (size_t i = 0; i < nrows; i++)
        if (!use || use[i]) rows[n++] = i;
    d->n = n;
    d->nterms = nterms;
    d->term_ref = calloc(nterms + 1, sizeof *d->term_ref);
    d->term_name = calloc(nterms + 1, sizeof *d->term_name);
    if (!d->term_ref || !d->term_name) goto nomem;
    for (size_t t = 0; t < nterms; t++) d->term_name[t] = terms[t].vec.name;

    /* count columns, coding factors on the used rows */
    size_t p = 0;
    for (size_t t = 0; t < nterms; t++) {
        const cohort_term *tm = &terms[t];
        if (is_factor_type(tm->vec.type)) {
            if (factor_of_used(tm, rows, n, &fac[t]) != 0) {
                if (tm->ref)
                    snprintf(err, errsize, "reference level '%s' of %s is not among its values", tm->ref,
                             tm->vec.name);
                else
                    snprintf(err, errsize, "out of memory coding %s", tm->vec.name);
                goto fail;
            }
            if (fac[t].nlevels < 2) {
                pc_fit_one_value_text(err, errsize, PC_FIT_COVARIATE, tm->vec.name,
                                      fac[t].nlevels ? fac[t].labels[0] : NULL, n);
                goto fail;
            }
            d->term_ref[t] = dup_str(fac[t].labels[0]);
            if (!d->term_ref[t]) goto nomem;
            p += fac[t].nlevels - 1;
        } else {
            size_t i = 1;
            while (i < n && tm->vec.num[rows[i]] == tm->vec.num[rows[0]]) i++;
            if (n > 0 && i == n) {
                char vb[32];
                snprintf(vb, sizeof vb, "%g", tm->vec.num[rows[0]]);
                pc_fit_one_value_text(err, errsize, PC_FIT_COVARIATE, tm->vec.name, vb, n);
                goto fail;
            }
            p++;
        }
    }
    d->p = p;
    d->x = malloc((n * p + 1) * sizeof *d->x);
    d->names = calloc(p + 1, sizeof *d->names);
    d->level = calloc(p + 1, sizeof *d->level);
    d->term = malloc((p + 1) * sizeof *d->term);
    if (!d->x || !d->names || !d->level || !d->term) goto nomem;

    size_t j = 0;
    for (size_t t = 0; t < nterms; t++) {
        const cohort_term *tm = &terms[t];
        if (is_factor_type(tm->vec.type)) {
            for (size_t l = 1; l < fac[t].nlevels; l++, j++) {
                d->names[j] = concat(tm->vec.name, fac[t].labels[l]);
                d->level[j] = dup_str(fac[t].labels[l]);
                if (!d->names[j] || !d->level[j]) goto nomem;
                d->term[j] = t;
                for (size_t i = 0; i < n; i++) d->x[i * p + j] = fac[t].code[i] == (int)l ? 1.0 : 0.0;
            }
        } else {
            d->names[j] = dup_str(tm->vec.name);
            if (!d->names[j]) goto nomem;
            d->term[j] = t;
            for (size_t i = 0; i < n; i++) d->x[i * p + j] = tm->vec.num[rows[i]];
            j++;
        }
    }
    for (size_t t = 0; t < nterms; t++) pc_factor_free(&fac[t]);
    free(fac);
    free(rows);
    return 0;
nomem:
    snprintf(err, errsize, "out of memory building the design matrix");
fail:
    if (fac)
        for (size_t t = 0; t < nterms; t++) pc_factor_free(&fac[t]);
    free(fac);
    free(rows);
    pc_design_free(d);
    return -1;
}

double *pc_design_column(const pc_design *d, size_t j)
{
    double *c = malloc((d->n + 1) * sizeof *c);
    if (!c) return NULL;
    for (size_t i = 0; i < d->n; i++) c[i] = d->x[i * d->p + j];
    return c;
}

int pc_design_select(const pc_design *d, const unsigned char *keep_term, pc_design *out)
{
    memset(out, 0, sizeof *out);
    size_t p = 0;
    for (size_t j = 0; j < d->p; j++)
        if (keep_term[d->term[j]]) p++;
    out->n = d->n;
    out->p = p;
    out->nterms = d->nterms;
    out->x = malloc((d->n * p + 1) * sizeof *out->x);
    out->names = calloc(p + 1, sizeof *out->names);
    out->level = calloc(p + 1, sizeof *out->level);
    out->term = malloc((p + 1) * sizeof *out->term);
    out->term_ref = calloc(d->nterms + 1, sizeof *out->term_ref);
    out->term_name = calloc(d->nterms + 1, sizeof *out->term_name);
    if (!out->x || !out->names || !out->level || !out->term || !out->term_ref || !out->term_name)
        goto nomem;
    for (size_t t = 0; t < d->nterms; t++) out->term_name[t] = d->term_name[t];
    for (size_t t = 0; t < d->nterms; t++)
        if (d->term_ref[t] && !(out->term_ref[t] = dup_str(d->term_ref[t]))) goto nomem;
    size_t k = 0;
    for (size_t j = 0; j < d->p; j++) {
        if (!keep_term[d->term[j]]) continue;
        out->names[k] = dup_str(d->names[j]);
        if (!out->names[k]) goto nomem;
        if (d->level[j] && !(out->level[k] = dup_str(d->level[j]))) goto nomem;
        out->term[k] = d->term[j];
        for (size_t i = 0; i < d->n; i++) out->x[i * p + k] = d->x[i * d->p + j];
        k++;
    }
    return 0;
nomem:
    pc_design_free(out);
    return -1;
}
