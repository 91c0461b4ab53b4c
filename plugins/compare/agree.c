/* agree.c: agreement between two definitions of exposure (agree.h):
 * the 2 x 2 table of the units both classify and Cohen's kappa. */
#include "agree.h"
#include <math.h>

void cmp_agree(const double *a, const unsigned char *amiss, const double *b, const unsigned char *bmiss,
               size_t n, cmp_agreement *out)
{
    size_t cell[2][2] = {{0, 0}, {0, 0}};
    for (size_t i = 0; i < n; i++)
        if (!amiss[i] && !bmiss[i]) cell[a[i] != 0][b[i] != 0]++;
    out->both = cell[1][1];
    out->neither = cell[0][0];
    out->only_a = cell[1][0];
    out->only_b = cell[0][1];
    out->n = cell[0][0] + cell[0][1] + cell[1][0] + cell[1][1];
    out->agree = out->kappa = NAN;
    if (out->n == 0) return;
    double m = (double)out->n;
    double pa = (double)(cell[1][0] + cell[1][1]) / m, pb = (double)(cell[0][1] + cell[1][1]) / m;
    out->agree = (double)(cell[0][0] + cell[1][1]) / m;
    double pe = pa * pb + (1 - pa) * (1 - pb);
    if (pe < 1) out->kappa = (out->agree - pe) / (1 - pe);
}
