/* sim_presets.c: the parameter values of the simulator's default model and
 * of its presets calibrated to published cohorts.  Each preset starts from
 * the default model and changes what its paper reports; the comment next to
 * each value names the published number it was calibrated to.
 * doc/presets.md compares the published numbers with simulated ones, and
 * tests/unit/test_presets.c checks them. */
#include "sim_presets.h"
#include <string.h>

static const sim_params default_params = {
    .name = NULL,
    .patients = 0,

    .bm_first = 20120101, .bm_last = 20231231, .study_end = 20250630,
    .d_pertuzumab = 20130601, .d_tdm1 = 20130301, .d_tdxd = 20200101,
    .d_tucatinib = 20200601, .d_tdxd_low = 20220801, .d_adjuvant = 20060101,

    .center_w = {0.30, 0.25, 0.20, 0.15, 0.10},
    .p_female = 0.99,
    .age_mean = 50.0, .age_sd = 11.0, .age_min = 23.0, .age_max = 88.0,
    .hist_w = {0.84, 0.09, 0.07},
    .her2_w = {0.82, 0.13, 0.05},
    .p_er = 0.45, .p_pr_er = 0.62, .p_pr_noer = 0.10,
    .p_kps_missing = 0.07, .kps_w = {0.08, 0.32, 0.32, 0.16, 0.08, 0.04},
    .p_denovo = 0.15,
    .gap_median = 1170.0, .gap_sdlog = 0.7,

    .os_shape = 1.1, .os_median = 800.0,
    .loss_mean = 4000.0,

    .first_min = 5, .first_max = 45,
    .p_first_late = 0.0, .late_min = 0, .late_max = 0,
    .mri_min = 55, .mri_max = 125,
    .df_per_mri = 0.32,
    .p_df_low = 0.0, .df_low = 0.0, .os_lp_df_high = 0.0,
    .p_staged = 0.0,
    .p_course_after_df = 0.9,
    .later_gap_max = 0,
    .n_maxc = 6,
    .maxc_w = {0.06, 0.10, 0.16, 0.20, 0.22, 0.26},

    .p_surg_first = 0.22, .p_surg_later = 0.05, .p_wbrt_first = 0.20, .p_wbrt_later = 0.08,
    .nles_first_w = {0.38, 0.18, 0.12, 0.09, 0.07, 0.05, 0.04, 0.03, 0.02, 0.02},
    .nles_later_w = {0.50, 0.20, 0.12, 0.07, 0.04, 0.03, 0.02, 0.01, 0.005, 0.005},
    .vol_median = 0.9, .vol_sdlog = 1.2, .vol_min = 0.03, .vol_max = 45.0,
    .pvol_median = 9.0, .pvol_sdlog = 0.5, .pvol_min = 2.0, .pvol_max = 60.0,
    .fsrt_p = {0.8, 0.35, 0.05},
    .p_fsrt3 = 0.45,
    .fsrt3 = {2, {240, 270}, {0.5, 0.5}},
    .fsrt5 = {3, {250, 275, 300}, {0.45, 0.20, 0.35}},
    .srs_small = {4, {200, 210, 220, 240}, {0.25, 0.15, 0.20, 0.40}},
    .srs_mid = {2, {180, 200}, {0.6, 0.4}},
    .srs_large = {3, {150, 160, 180}, {0.5, 0.2, 0.3}},

    .p_adjuvant = 0.65,
    .p_switch = 0.5, .p_switch_close = 0.5,
    .line_median = 250.0, .line_sdlog = 0.6,
    .p_sys_prog = 0.75,
    .w_tdm1_early = 4.0, .w_tdm1_late = 2.0, .w_tdxd = 5.0, .w_tuca = 2.0,
    .w_lapa_early = 1.5, .w_lapa_late = 0.7, .w_tras_chemo = 1.0, .w_cape = 0.3,
    .p_tdxd_low = 0.6,
    .low_as_positive = 0,
    .p_tdm1_rel = {0.0, 0.0, 0.0},
    .tdm1_gap_min = 0.0, .tdm1_gap_mean = 0.0, .tdm1_gap_max = 0.0,
    .p_tdxd_given = 0.0, .tdxd_frac_min = 0.0, .tdxd_frac_max = 0.0, .df_tdxd = 1.0,

    .rn_rate = 0.00012, .rn_from = 182, .rn_to = 730,
    .srn_share = 0.4,
    .lf_rate = 0.00035, .lf_big = 1.6, .lf_postop = 1.3, .lf_tdxd = 0.5,
    .p_lepto = 0.07, .lepto_mean = 500.0,
};

static void set_w(double *dst, const double *src, int n)
{
    memcpy(dst, src, (size_t)n * sizeof *dst);
}

/* Mills et al., BMC Cancer 2021;21:223 (seed 000): one institution, 16
 * HER2-positive patients, 18 SRS/FSRT sessions to 40 lesions from December
 * 2013 to December 2019, every session within 6 months of T-DM1. */
static void preset_mills2021(sim_params *p)
{
    p->name = "mills2021";
    p->patients = 16;                       /* Abstract */
    /* sessions Dec 2013 - Dec 2019; follow-up from RT up to 55.5 months */
    p->bm_first = 20130901;
    p->bm_last = 20191031;
    p->study_end = 20200630;
    static const double one_centre[5] = {1, 0, 0, 0, 0};
    set_w(p->center_w, one_centre, 5);      /* single institution */
    p->age_mean = 55.0;                     /* age at RT median 56 (40-85), Table 1 */
    p->age_sd = 10.0;
    p->age_min = 38.0;
    static const double hist[3] = {15.0 / 16, 1.0 / 16, 0};
    set_w(p->hist_w, hist, 3);              /* 15 IDC, 1 ILC, Results */
    static const double her2[3] = {1, 0, 0};
    set_w(p->her2_w, her2, 3);              /* all HER2-positive */
    p->p_er = 0.55;                         /* HR+ 10 of 16 (63%), Table 1 */
    p->p_pr_er = 0.70;
    p->p_pr_noer = 0.17;
    p->p_kps_missing = 0;
    static const double kps[6] = {2.0 / 16, 10.0 / 16, 4.0 / 16, 0, 0, 0};
    set_w(p->kps_w, kps, 6);                /* KPS 100: 2, 90: 10, 80: 4, Table 1 */

    /* OS median 15.9 months from RT, 26.6 from BM diagnosis; 67% and 79%
     * at 12 months (Results): many sessions come long after diagnosis */
    p->os_shape = 1.7;
    p->os_median = 600.0;
    p->p_first_late = 0.4;
    p->late_min = 90;
    p->late_max = 900;
    p->loss_mean = 1500.0;                  /* median follow-up 13.2 months, Table 1 */

    /* 18 sessions in 16 patients, 40 lesions (2.2 per session; per patient
     * median 2, range 1-6), Table 1 */
    p->n_maxc = 2;
    static const double maxc[2] = {0.4, 0.6};
    set_w(p->maxc_w, maxc, 2);
    p->later_gap_max = 180;                 /* every session within 6 months of T-DM1 */
    static const double nles[SIM_MAX_LESIONS] = {0.45, 0.22, 0.13, 0.1, 0.05, 0.05};
    set_w(p->nles_first_w, nles, SIM_MAX_LESIONS);
    set_w(p->nles_later_w, nles, SIM_MAX_LESIONS);
    p->mri_min = 60;                        /* MRI every 2-3 months, Methods */
    p->mri_max = 91;
    p->df_per_mri = 0.15;                   /* distant control 50% at 1 year, Abstract */

    /* 6 of 40 lesions post-operative; FSRT 16 of 40 lesions; PTV median
     * 0.92 cc (0.08-66.2), Table 2 */
    p->p_surg_first = 0.33;
    p->p_surg_later = 0.33;
    p->vol_median = 0.7;
    p->vol_min = 0.08;
    p->pvol_max = 66.2;
    static const double fsrt[3] = {0.7, 0.3, 0.1};
    memcpy(p->fsrt_p, fsrt, sizeof fsrt);
    /* SRS median 21 Gy (14-24); FSRT median 25 Gy (20-30) in 3-5
     * fractions, median 5, Table 2 */
    p->srs_small = (sim_doses){5, {180, 200, 210, 220, 240}, {0.05, 0.1, 0.3, 0.2, 0.35}};
    p->srs_mid = (sim_doses){3, {180, 200, 210}, {0.3, 0.4, 0.3}};
    p->srs_large = (sim_doses){3, {140, 160, 180}, {0.3, 0.3, 0.4}};
    p->p_fsrt3 = 0.3;
    p->fsrt3 = (sim_doses){2, {240, 270}, {0.5, 0.5}};
    p->fsrt5 = (sim_doses){3, {200, 250, 300}, {0.15, 0.6, 0.25}};

    /* T-DM1 during 19, before 11, after 10 of 40 lesions (Table 2); median
     * 2.7 months (1.7-6) between T-DM1 and RT otherwise (Results) */
    p->p_tdm1_rel[0] = 19.0 / 40;
    p->p_tdm1_rel[1] = 11.0 / 40;
    p->p_tdm1_rel[2] = 10.0 / 40;
    p->tdm1_gap_min = 52;
    p->tdm1_gap_mean = 43;
    p->tdm1_gap_max = 182;
    p->line_median = 250;                   /* systemic PFS 30% at 1 year, Abstract */
    p->p_sys_prog = 0.75;

    p->lf_rate = 0.0008;                    /* local control 75% at 1 year, Abstract */
    p->p_lepto = 0.1;                       /* 1 leptomeningeal progression, Abstract */
    p->lepto_mean = 400;
    /* 1 RN in 18 sessions, symptomatic, at 179 days (Toxicity) */
    p->rn_rate = 0.00012;
    p->rn_from = 120;
    p->srn_share = 1.0;
}

/* Chun et al., Breast 2026 (seed 003): five Korean centres, 113 HER2-
 * positive or HER2-low patients, 461 SRS courses from January 2019 to
 * December 2024, all with HER2-directed drugs.  Its "treatments" are our
 * courses.  The simulated RN truth (x2.0 after an ADC start within 91 days)
 * is kept, so the paper's absence of RN after T-DXd is not reproduced; the
 * RN rate is calibrated to its T-DXd(-) group. */
static void preset_chun2026(sim_params *p)
{
    p->name = "chun2026";
    p->patients = 113;                      /* Abstract */
    /* courses January 2019 - December 2024 */
    p->bm_first = 20160701;
    p->bm_last = 20241031;
    p->study_end = 20250630;
    /* T-DXd in routine use later than in the US (from mid-2022 here) */
    p->d_tdxd = 20220601;
    p->d_tdxd_low = 20230301;

    /* Table 1: age 55.7 +- 8.9, < 50: 21.2%; ER+ 41.6%, PR+ 29.2%; HER2
     * high 87.6%, low 12.4%; every patient had HER2-directed drugs */
    p->age_mean = 56.0;
    p->age_sd = 8.9;
    p->p_er = 0.416;
    p->p_pr_er = 0.60;
    p->p_pr_noer = 0.073;
    static const double her2[3] = {0.876, 0.124, 0};
    set_w(p->her2_w, her2, 3);
    p->low_as_positive = 1;                 /* HER2-directed drugs for all */
    /* T-DM1 in 60.2% of patients (Table 1); T-DXd(+) 29 of 113 patients,
     * 61 (efficacy) and 137 (safety) of 461 courses (Results, Methods 2.2);
     * with T-DXd less local failure (HR 0.33) and distant failure (HR 0.50)
     * (Results, Supplementary Tables 4 and 5) */
    p->w_tdm1_early = 0.9;
    p->w_tdm1_late = 0.6;
    p->w_tdxd = 0;
    p->p_tdxd_low = 0;
    p->p_tdxd_given = 0.4;
    p->tdxd_frac_min = 0.0;
    p->tdxd_frac_max = 0.6;
    p->df_tdxd = 0.6;

    /* follow-up 28.7 +- 23.3 months from the first SRS, Table 1; RN-free
     * survival, Fig. 1B */
    p->os_median = 3500.0;
    p->loss_mean = 4000.0;

    /* 461 courses, 56.6% of patients with several (Table 1); distant
     * failure 66% at 1 year without T-DXd (Results): 40% of the patients
     * rarely fail distantly and live longer, the others fail often, and
     * their later courses are often staged (Chun's course-level follow-up,
     * 26.4 months from the course, is close to the patient-level 28.7) */
    p->n_maxc = SIM_MAX_COURSES;
    for (int i = 0; i < SIM_MAX_COURSES; i++) p->maxc_w[i] = 1;
    p->df_per_mri = 0.6;
    p->p_df_low = 0.4;
    p->df_low = 0.03;
    p->os_lp_df_high = 1.3;
    p->p_staged = 0.67;
    p->p_course_after_df = 0.95;
    p->mri_min = 60;
    p->mri_max = 120;

    /* multiple lesions: 56.6% of patients (first course, Table 1), 87.4% of
     * courses (Table 3) */
    static const double nles_first[SIM_MAX_LESIONS] = {0.434, 0.15, 0.12, 0.09, 0.07, 0.05,
                                                       0.035, 0.025, 0.015, 0.011};
    static const double nles_later[SIM_MAX_LESIONS] = {0.026, 0.25, 0.2, 0.15, 0.12, 0.09,
                                                       0.07, 0.05, 0.03, 0.014};
    set_w(p->nles_first_w, nles_first, SIM_MAX_LESIONS);
    set_w(p->nles_later_w, nles_later, SIM_MAX_LESIONS);
    /* brain surgery 23.9% of patients, 20.2% of courses; WBRT 34.5% of
     * patients, 51.0% of courses (Tables 1 and 3) */
    p->p_surg_first = 0.2;
    p->p_surg_later = 0.01;
    p->p_wbrt_first = 0.07;
    p->p_wbrt_later = 0.2;
    /* treatment volume 1.9 +- 4.6 cc (Table 3) */
    p->vol_median = 0.09;
    p->vol_sdlog = 1.7;
    p->pvol_median = 6.0;
    p->pvol_sdlog = 0.9;
    /* single fraction 66.8%; dose 22.9 +- 5.6 Gy (Table 3) */
    static const double fsrt[3] = {0.9, 0.5, 0.25};
    memcpy(p->fsrt_p, fsrt, sizeof fsrt);
    p->srs_small = (sim_doses){4, {180, 200, 220, 240}, {0.4, 0.35, 0.15, 0.1}};
    p->srs_mid = (sim_doses){3, {160, 180, 200}, {0.3, 0.4, 0.3}};
    p->p_fsrt3 = 0.3;
    p->fsrt3 = (sim_doses){2, {240, 270}, {0.2, 0.8}};
    p->fsrt5 = (sim_doses){3, {250, 300, 350}, {0.25, 0.35, 0.4}};

    /* RN in 11 of 113 patients; T-DXd(-): 10% and 14% of patients, 4.3%
     * and 4.9% of courses at 1 and 2 years (Results) */
    p->rn_rate = 0.0001;
    p->rn_from = 60;
    p->rn_to = 450;
    /* local failure 29% at 1 year without T-DXd, 6.6% with (Results) */
    p->lf_rate = 0.00035;
    p->lf_tdxd = 0.2;
}

typedef struct preset {
    const char *name;
    void (*apply)(sim_params *p);
} preset;

static const preset presets[] = {
    {"mills2021", preset_mills2021},
    {"chun2026", preset_chun2026},
};

static const char *const preset_name_list[] = {"mills2021", "chun2026", NULL};

int sim_params_init(sim_params *p, const char *name)
{
    *p = default_params;
    if (!name) return 0;
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++)
        if (!strcmp(name, presets[i].name)) {
            presets[i].apply(p);
            return 0;
        }
    return -1;
}

const char *const *sim_preset_names(void)
{
    return preset_name_list;
}
