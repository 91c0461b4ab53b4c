/* sim_cohort.h: one simulated patient as the writers see it, and the
 * buffered files they fill.  simulate.c generates the patients and writes
 * the default tables; sim_omop.c writes the same patients as OMOP CDM
 * tables.  The enums below are in step with the name tables of simulate.c
 * and the concept tables of sim_omop.c. */
#ifndef COHORT_SIM_COHORT_H
#define COHORT_SIM_COHORT_H
#include <stddef.h>
#include <stdint.h>
#include "sim_presets.h"

#define MAX_COURSES SIM_MAX_COURSES
#define MAX_LESIONS SIM_MAX_LESIONS
#define NO_DATE INT32_MIN

enum { H_POS, H_LOW, H_NEG };                  /* HER2 status */
enum {
    A_TDM1, A_TDXD, A_TRAS, A_PERT, A_LAPA, A_TUCA,
    A_CAPE, A_PACL, A_ERIB, A_VINO, A_NAGENTS
};                                             /* agents */
enum { C_ADC, C_MAB, C_TKI, C_CHEMO };         /* drug classes */
/* Event types, in the order rows of one day are written. */
enum { E_MRI, E_LF, E_DF, E_LEPTO, E_RN, E_SRN, E_SYS, E_NTYPES };

typedef struct sim_course {
    int32_t date;
    int first_lesion, nles;
    int fsrt, dose10, fx, vol100;   /* dose in 0.1 Gy, volume in 0.01 cc */
    int surgery, wbrt;              /* cumulative: before or at this course */
} sim_course;

typedef struct sim_lesion {
    int loc, vol100, postop;
} sim_lesion;

typedef struct sim_drug {
    int agent;
    int32_t start, end;             /* end NO_DATE: ongoing at last follow-up */
} sim_drug;

typedef struct sim_event {
    int32_t date;
    int type;
    int course, lesion;             /* indexes in the patient, -1 if none */
} sim_event;

/* Everything about the patient being generated; arrays are reused. */
typedef struct sim_ws {
    int32_t birth, primary, bm, death, lastfu, lastmri;
    int sex_f, hist, er, pr, her2, kps, center;
    double df;                      /* distant failure per MRI */
    sim_course c[MAX_COURSES];
    int nc;
    sim_lesion l[MAX_COURSES * MAX_LESIONS];
    int nl;
    int32_t *mri;
    int *mri_course;
    size_t nmri, cap_mri;
    sim_drug *d;
    size_t nd, cap_d;
    sim_event *e;
    size_t ne, cap_e;
    int forced_agent;               /* a line a preset places, or -1 */
    int32_t forced_start, forced_end, forced_min_end; /* NO_DATE: free */
    int oom;
} sim_ws;

/* ---- buffered output with hand formatting ---- */

#define OUT_CAP ((size_t)1 << 21)
#define ROW_MAX 512

typedef struct sim_file {
    const char *name;       /* e.g. "patients.csv" */
    char *tmp, *final;      /* full paths */
    int fd;
    char *buf;
    size_t len;
    int err;                /* errno of the first failure, 0 if none */
} sim_file;

/* Room for one row (at most ROW_MAX bytes); returns where to write it.
 * sim_end ends the row at p with a newline. */
char *sim_row(sim_file *f);
void sim_end(sim_file *f, char *p);
/* Append to a row and return the new end: a text, an unsigned integer, a
 * non-negative fixed-point v / 10^dec (dec 1 or 2), a date as YYYY-MM-DD
 * (nothing for NO_DATE), true/false. */
char *sim_put_str(char *p, const char *s);
char *sim_put_u64(char *p, uint64_t v);
char *sim_put_fixed(char *p, int v, int dec);
char *sim_put_date(char *p, int32_t d);
char *sim_put_bool(char *p, int b);

/* Ids of the first course and lesion of the patient being written (numbered
 * across the cohort from 1). */
typedef struct id_base {
    uint64_t course, lesion;
    uint64_t row;           /* the next row id of the other tables (sim_omop.c) */
} id_base;

/* An output format: its files, each with a header line, and the writer of
 * one patient's rows into them (f[0 .. nfiles-1]). */
typedef struct sim_format {
    size_t nfiles;
    const char *const *names;
    const char *const *headers;
    void (*write_patient)(sim_file *f, const sim_ws *w, uint64_t pid, id_base *ids);
    /* rows written once, after the patients (a vocabulary), or NULL */
    void (*write_tail)(sim_file *f);
} sim_format;

/* The OMOP CDM v5.4 tables (sim_omop.c). */
extern const sim_format sim_omop_format;
#endif
