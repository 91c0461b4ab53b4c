/* cmpcore.h: one row of the definitions comparison on plain arrays: an
 * exposure (0/1) against a competing-risks endpoint (0 censored, 1 the
 * event, >= 2 competing causes).  Counts per group, the Aalen-Johansen
 * cumulative incidence of the event per group at given times with cuminc's
 * variance (cifcore.c), Gray's test between the groups, and the univariable
 * Fine-Gray subdistribution hazard ratio of exposed vs unexposed with its
 * Wald confidence interval and p-value (crr.c), i.e. what R gives with
 * cmprsk::cuminc(time, status, exposed) and cmprsk::crr(time, status,
 * exposed), with the cumulative incidences' log(-log) limits. */
#ifndef COHORT_CMPCORE_H
#define COHORT_CMPCORE_H
#include <stddef.h>

/* Why the sHR of a row is missing (fit == CMP_FIT_OK when it is not). */
enum {
    CMP_FIT_OK = 0,
    CMP_FIT_EMPTY_GROUP,    /* no exposed or no unexposed rows */
    CMP_FIT_NO_EVENTS,      /* no event in a group: the sHR is 0 or infinite */
    CMP_FIT_SINGULAR,       /* crr: singular information */
    CMP_FIT_NOCONV          /* crr: did not converge */
};

enum { CMP_OK = 0, CMP_NOMEM = -1 };

typedef struct cmp_row {
    size_t n[2];            /* [0] unexposed, [1] exposed */
    size_t events[2];       /* events of the endpoint (status 1) */
    size_t competing[2];    /* competing events (status >= 2) */
    size_t nat;
    double *cif[2];         /* nat values per group; NAN after the group's last follow-up */
    double *var[2];         /* their variances (cuminc's) */
    double *cif_lower[2], *cif_upper[2];   /* their conf_level limits, log(-log) as the cif
                                      plugin's (cif_ci); NAN at an estimate of 0 or 1 */
    size_t *nby[2];         /* nat counts per group: events (status 1) at or before at[k] */
    int gray_ok;            /* Gray's test available */
    double gray_stat, gray_p;
    int fit;                /* CMP_FIT_* */
    double coef, se;        /* log sHR and its sandwich standard error */
    double shr, lower, upper, p;   /* NAN unless fit == CMP_FIT_OK */
} cmp_row;

/* Compute one row from n observations (time >= 0, status >= 0, exposed 0
 * or 1) at the times at[0..nat-1] (days), with conf_level for the sHR's
 * interval and the incidences' limits.  Returns CMP_OK or CMP_NOMEM; free r with cmp_row_free in
 * every case. */
int cmp_compute(const double *time, const int *status, const int *exposed, size_t n,
                const double *at, size_t nat, double conf_level, cmp_row *r);
void cmp_row_free(cmp_row *r);
const char *cmp_fit_text(int fit);
#endif
