/* kmhr.c: the hazard ratio of km's two groups (see kmhr.h), fitted by the
 * cox plugin's core (plugins/cox/coxfit.c) on the group indicator, with
 * the robust variance when clustered. */
#include "kmhr.h"
#include "../cox/coxfit.h"
#define MATHLIB_STANDALONE
#include <Rmath.h>
#include <math.h>
#include <stdlib.h>

int km_hr(size_t n, const double *start, const double *time, const int *event, const int *group,
          const int *cluster, size_t ncluster, double level, km_hr_result *r)
{
    double *x = malloc((n + 1) * sizeof *x);
    if (!x) return COX_ENOMEM;
    for (size_t i = 0; i < n; i++) x[i] = group[i] == 1;
    cox_data d = {.n = n, .p = 1, .start = start, .stop = time, .event = event, .x = x,
                  .cluster = cluster, .ncluster = cluster ? ncluster : 0};
    cox_options o;
    cox_options_default(&o);
    cox_fit f;
    int st = cox_fit_model(&d, &o, &f);
    if (st == COX_OK) {
        double z = qnorm(1 - (1 - level) / 2, 0, 1, 1, 0);
        r->coef = f.coef[0];
        r->se = sqrt(f.var[0]);
        r->hr = exp(r->coef);
        r->lower = exp(r->coef - z * r->se);
        r->upper = exp(r->coef + z * r->se);
        r->p = f.pvalue[0];
        r->rscore_p = f.robust ? f.robust_score_p : NAN;
        r->nevent = f.nevents;
    }
    cox_fit_free(&f);
    free(x);
    return st;
}
