/* arms.c: the attrition diagram's split into arms (`plot attrition_by =
 * tdxd;`): the last step's units counted by a value of the unit, kept in
 * the results and shown under the small-cell rule. */
#include "result.h"
#include "figure.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void arms_clear(results *r)
{
    for (size_t k = 0; k < r->narms; k++) free(r->arm_level[k]);
    free(r->arm_level);
    free(r->arm_n);
    free(r->arms_by);
    r->arm_level = NULL;
    r->arm_n = NULL;
    r->arms_by = NULL;
    r->narms = 0;
}

void results_arms(results *r, const char *by, const char *const *level, const size_t *n, size_t narms)
{
    arms_clear(r);
    if (!narms) return;
    r->arms_by = strdup(by);
    r->arm_level = calloc(narms, sizeof *r->arm_level);
    r->arm_n = malloc(narms * sizeof *r->arm_n);
    if (!r->arms_by || !r->arm_level || !r->arm_n) {
        arms_clear(r);
        return;
    }
    for (size_t k = 0; k < narms; k++) {
        if (!(r->arm_level[k] = strdup(level[k]))) {
            r->narms = k;
            arms_clear(r);
            return;
        }
        r->arm_n[k] = n[k];
    }
    r->narms = narms;
}

void results_arm_text(const results *r, size_t k, char *buf, size_t size)
{
    int small = 0;
    for (size_t j = 0; j < r->narms; j++) small |= privacy_hides((double)r->arm_n[j], r->min_cell);
    if (privacy_hides((double)r->arm_n[k], r->min_cell)) snprintf(buf, size, "<%d", r->min_cell);
    else if (small) snprintf(buf, size, "x");
    else snprintf(buf, size, "%zu", r->arm_n[k]);
}

char *results_arm_name(const results *r, size_t k)
{
    size_t n = strlen(r->arms_by) + strlen(r->arm_level[k]) + 4;
    char *g = malloc(n);
    if (!g) return NULL;
    snprintf(g, n, "%s = %s", r->arms_by, r->arm_level[k]);
    char *shown = results_show(r, g);
    free(g);
    return shown;
}

void results_arms_free(results *r)
{
    arms_clear(r);
}
