/* sim_presets.h: every tunable number of the cohort simulator in one
 * struct, the default model's values and the presets calibrated to
 * published cohorts ("mills2021", "chun2026"; doc/presets.md lists what
 * each was calibrated to).  Only simulate.c reads these. */
#ifndef COHORT_SIM_PRESETS_H
#define COHORT_SIM_PRESETS_H
#include <stddef.h>

#define SIM_MAX_COURSES 20  /* courses per patient */
#define SIM_MAX_LESIONS 10  /* lesions per course */

/* A discrete choice of prescription doses (0.1 Gy) with weights. */
typedef struct sim_doses {
    int n;
    int dose10[6];
    double w[6];
} sim_doses;

/* Calendar dates are written as YYYYMMDD.  A probability or share of 0
 * that switches a mechanism off draws no random number, so the default
 * model's output does not depend on mechanisms only presets use. */
typedef struct sim_params {
    const char *name;           /* NULL for the default model */
    size_t patients;            /* published cohort size (0: none) */

    /* calendar */
    long bm_first, bm_last, study_end;
    long d_pertuzumab, d_tdm1, d_tdxd, d_tucatinib, d_tdxd_low, d_adjuvant;

    /* patients */
    double center_w[5];         /* A..E */
    double p_female;
    double age_mean, age_sd, age_min, age_max;  /* years, at BM diagnosis */
    double hist_w[3];           /* IDC, ILC, other */
    double her2_w[3];           /* positive, low, negative */
    double p_er, p_pr_er, p_pr_noer;
    double p_kps_missing, kps_w[6];             /* KPS 100, 90, ..., 50 */
    double p_denovo;            /* brain metastases at primary diagnosis */
    double gap_median, gap_sdlog;               /* primary to BM diagnosis, days */

    /* survival and censoring */
    double os_shape, os_median; /* Weibull from BM diagnosis, reference patient */
    double loss_mean;           /* loss to follow-up, days after the first course */

    /* the timeline of courses */
    int first_min, first_max;   /* first course, days after BM diagnosis */
    double p_first_late;        /* else the first course comes late: */
    int late_min, late_max;     /* days after BM diagnosis */
    int mri_min, mri_max;       /* days between follow-up MRIs */
    double df_per_mri;          /* distant failure seen at an MRI */
    double p_df_low, df_low;    /* share of patients with a lower DF rate, and it */
    double os_lp_df_high;       /* log-hazard of death added for the others */
    double p_staged;            /* a later course is followed by a staged one 14-60 days on */
    double p_course_after_df;
    int later_gap_max;          /* later courses within this many days of the first (0: any) */
    int n_maxc;
    double maxc_w[SIM_MAX_COURSES];             /* the most courses a patient accepts */

    /* courses and lesions */
    double p_surg_first, p_surg_later, p_wbrt_first, p_wbrt_later;
    double nles_first_w[SIM_MAX_LESIONS], nles_later_w[SIM_MAX_LESIONS];
    double vol_median, vol_sdlog, vol_min, vol_max;     /* cc */
    double pvol_median, pvol_sdlog, pvol_min, pvol_max; /* post-operative cavity, cc */
    double fsrt_p[3];           /* P(FSRT): cavity or largest >= 4 cc, >= 2 cc, smaller */
    double p_fsrt3;             /* 3 fractions, else 5 */
    sim_doses fsrt3, fsrt5;
    sim_doses srs_small, srs_mid, srs_large;    /* largest <= 1.5 cc, <= 4.2 cc, larger */

    /* systemic therapy */
    double p_adjuvant;          /* adjuvant trastuzumab (HER2-positive, not de novo) */
    double p_switch, p_switch_close;            /* a line switches near a course */
    double line_median, line_sdlog;             /* days */
    double p_sys_prog;          /* a line ending naturally ends at a progression */
    double w_tdm1_early, w_tdm1_late, w_tdxd, w_tuca, w_lapa_early, w_lapa_late;
    double w_tras_chemo, w_cape;                /* weights of later HER2-positive lines */
    double p_tdxd_low;          /* a later line of a HER2-low patient is T-DXd */
    int low_as_positive;        /* HER2-low patients get HER2-positive lines */
    /* Forced T-DM1 episode around the first course (all 0: off): the course
     * falls during it, before its start or after its end; the gap of the
     * last two is min + mean * Exp(1) days, at most max. */
    double p_tdm1_rel[3];
    double tdm1_gap_min, tdm1_gap_mean, tdm1_gap_max;
    /* Forced T-DXd (0: off): a share of the patients start T-DXd once, at
     * a fraction U(frac_min, frac_max) of their time from the first course
     * to the last follow-up (not before T-DXd is available); from then on
     * distant failure at an MRI is multiplied by df_tdxd and the local
     * failure hazard of every lesion by lf_tdxd (instead of lf_tdxd for
     * T-DXd started within 91 days of the course). */
    double p_tdxd_given, tdxd_frac_min, tdxd_frac_max, df_tdxd;

    /* outcomes; rn_rate, rn_from and rn_to shape the baseline hazard of the
     * simulated truth, whose hazard ratio is fixed in simulate.c */
    double rn_rate;             /* per day */
    int rn_from, rn_to;         /* days after the course */
    double srn_share;
    double lf_rate, lf_big, lf_postop, lf_tdxd;
    double p_lepto, lepto_mean;
} sim_params;

/* Fill *p with the parameters of preset `name`, or of the default model
 * when name is NULL.  Returns 0, or -1 if there is no such preset. */
int sim_params_init(sim_params *p, const char *name);

/* The preset names, NULL-terminated. */
const char *const *sim_preset_names(void);
#endif
