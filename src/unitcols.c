/* unitcols.c: the values per unit that estimates report, by unit row, for
 * `export --unit-values` (unitcols.h). */
#include "unitcols.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct unitcols {
    size_t nunits;
    size_t ncols;
    char **names;
    double **vals;   /* ncols x nunits */
};

unitcols *unitcols_new(size_t nunits)
{
    unitcols *u = calloc(1, sizeof *u);
    if (u) u->nunits = nunits;
    return u;
}

void unitcols_free(unitcols *u)
{
    if (!u) return;
    for (size_t k = 0; k < u->ncols; k++) {
        free(u->names[k]);
        free(u->vals[k]);
    }
    free(u->names);
    free(u->vals);
    free(u);
}

int unitcols_add(unitcols *u, const char *prefix, char *const *names, double *const *vals, size_t nv,
                 const size_t *rows, size_t n, const char **dup)
{
    for (size_t j = 0; j < nv; j++) {
        size_t len = strlen(prefix) + strlen(names[j]) + 2;
        char *nm = malloc(len);
        if (!nm) return -1;
        snprintf(nm, len, "%s_%s", prefix, names[j]);
        for (size_t k = 0; k < u->ncols; k++)
            if (!strcmp(u->names[k], nm)) {
                free(nm);
                if (dup) *dup = u->names[k];
                return 1;
            }
        char **nn = realloc(u->names, (u->ncols + 1) * sizeof *nn);
        if (nn) u->names = nn;
        double **vv = nn ? realloc(u->vals, (u->ncols + 1) * sizeof *vv) : NULL;
        if (vv) u->vals = vv;
        double *col = vv ? malloc((u->nunits + 1) * sizeof *col) : NULL;
        if (!col) {
            free(nm);
            return -1;
        }
        for (size_t r = 0; r < u->nunits; r++) col[r] = NAN;
        for (size_t r = 0; r < n; r++)
            if (rows[r] < u->nunits) col[rows[r]] = vals[j][r];
        u->names[u->ncols] = nm;
        u->vals[u->ncols++] = col;
    }
    return 0;
}

size_t unitcols_count(const unitcols *u)
{
    return u ? u->ncols : 0;
}

const char *unitcols_name(const unitcols *u, size_t k)
{
    return u->names[k];
}

double unitcols_value(const unitcols *u, size_t k, size_t row)
{
    return row < u->nunits ? u->vals[k][row] : NAN;
}
