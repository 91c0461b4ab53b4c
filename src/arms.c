/* arms.c: the attrition diagram's split into arms (`plot attrition_by =
 * tdxd;`): the last step's units counted by a value of the unit, kept in
 * the results -- one set of arms per flow of the diagram (an analysis
 * block's, a --sweep run's) -- and shown under the small-cell rule. */
#include "result.h"
#include "figure.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void arms_clear(results *r)
{
    for (size_t k = 0; k < r->narms; k++) free(r->arms[k].level);
    free(r->arms);
    free(r->arms_by);
    r->arms = NULL;
    r->arms_by = NULL;
    r->narms = 0;
}

/* Append one arm; returns 0 or -1 (nothing appended). */
static int arm_push(results *r, const char *level, size_t n, int analysis, int run)
{
    char *l = strdup(level);
    attrition_arm *a = l ? realloc(r->arms, (r->narms + 1) * sizeof *a) : NULL;
    if (!a) {
        free(l);
        return -1;
    }
    r->arms = a;
    r->arms[r->narms++] = (attrition_arm){l, n, analysis, run};
    return 0;
}

void results_arms(results *r, const char *by, const char *const *level, const size_t *n, size_t narms)
{
    arms_clear(r);
    if (!narms) return;
    if (!(r->arms_by = strdup(by))) return;
    for (size_t k = 0; k < narms; k++)
        if (arm_push(r, level[k], n[k], 0, 0)) {
            arms_clear(r);
            return;
        }
}

int results_arms_add(results *dst, const results *src, int analysis, int run)
{
    if (!src->narms) return 0;
    if (!dst->arms_by && !(dst->arms_by = strdup(src->arms_by))) return -1;
    for (size_t k = 0; k < src->narms; k++)
        if (arm_push(dst, src->arms[k].level, src->arms[k].n, analysis < 0 ? src->arms[k].analysis : analysis,
                     run < 0 ? src->arms[k].run : run)) {
            arms_clear(dst);
            return -1;
        }
    return 0;
}

static int same_set(const results *r, size_t a, size_t b)
{
    return r->arms[a].analysis == r->arms[b].analysis && r->arms[a].run == r->arms[b].run;
}

size_t results_arm_set(const results *r, size_t k, size_t *first)
{
    size_t lo = k, hi = k + 1;
    while (lo > 0 && same_set(r, lo - 1, k)) lo--;
    while (hi < r->narms && same_set(r, hi, k)) hi++;
    *first = lo;
    return hi - lo;
}

void results_arm_text(const results *r, size_t k, char *buf, size_t size)
{
    size_t lo, n = results_arm_set(r, k, &lo);
    int small = 0;
    for (size_t j = lo; j < lo + n; j++) small |= privacy_hides((double)r->arms[j].n, r->min_cell);
    if (privacy_hides((double)r->arms[k].n, r->min_cell)) snprintf(buf, size, "<%d", r->min_cell);
    else if (small) snprintf(buf, size, "x");
    else snprintf(buf, size, "%zu", r->arms[k].n);
}

char *results_arm_name(const results *r, size_t k)
{
    size_t n = strlen(r->arms_by) + strlen(r->arms[k].level) + 4;
    char *g = malloc(n);
    if (!g) return NULL;
    snprintf(g, n, "%s = %s", r->arms_by, r->arms[k].level);
    char *shown = results_show(r, g);
    free(g);
    return shown;
}

void results_arms_free(results *r)
{
    arms_clear(r);
}
