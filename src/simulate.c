/* simulate.c: a synthetic cohort of breast-cancer brain-metastasis patients
 * treated with stereotactic radiation and HER2-directed drugs, written as
 * the five CSV tables of the rules language (patients, courses, lesions,
 * drugs, events), streamed patient by patient, deterministic per seed.
 * Every tunable number lives in a sim_params (sim_presets.h): the default
 * model, or a preset calibrated to a published cohort (sim_presets.c,
 * doc/presets.md).  The numbers below are the default model's.
 *
 * Presets change numbers and may switch on mechanisms the default model
 * leaves off (each draws no random number when off, so the default model's
 * output is unchanged by them): a first course long after the diagnosis, a
 * subgroup with rare distant failure and longer survival, staged courses
 * soon after a course, a limit on how late later courses come, a T-DM1
 * episode placed during, before or after the first course (mills2021), and
 * a T-DXd start after which distant and local failure are rarer
 * (chun2026).
 *
 * SIMULATED TRUTH (estimator tests rely on these; keep in step with the
 * constants marked TRUTH below).  The hazard ratio and the exposure are the
 * same in every preset (tests/hr_recovery.sh recovers them); a preset may
 * change the baseline rate and its window (rn_rate, rn_from, rn_to:
 * mills2021 0.00012 per day from day 120 to 730, chun2026 0.0001 per day
 * from day 60 to 450):
 *
 *  Radionecrosis (RN), one per course at most, course level.  Cause-specific
 *  hazard from the course start_date t (days since t):
 *      h(d) = 0.00012 per day  for 182 <= d < 730, else 0,
 *  multiplied by 2.0 (the HR to recover) when the course is ADC-exposed:
 *      ADC-exposed = some drugs row of the patient with agent "T-DM1" or
 *      "T-DXd" whose start_date s satisfies |s - t| <= 91 days
 *      (rules: any drugs d: d.agent in ("T-DM1", "T-DXd")
 *                and d.start_date within 91 days of start_date).
 *  Nothing else (volume, dose, WBRT, surgery, centre, calendar time)
 *  changes the RN hazard; courses are independent given exposure; death
 *  (patients.death_date) is a competing event, last_followup censors.
 *  So a course-level cause-specific Cox model of RN on ADC exposure, with
 *  death and last follow-up as censoring, estimates HR 2.0 (about 8% of
 *  unexposed and 16% of exposed courses followed for 2 years have RN).
 *  The RN row is dated on the exact day, names the course and one of its
 *  lesions (chosen with probability proportional to lesion volume).
 *  symptomatic_rn: 40% of RN rows get a copy 0-21 days later (same course
 *  and lesion) when still within follow-up.
 *
 *  Secondary truths (approximate: dated at the next MRI):
 *   local_failure per lesion: hazard 0.00035 per day from the course start,
 *     x1.6 for a lesion > 2 cc, x1.3 for a post-operative cavity, x0.5 when
 *     T-DXd started within 91 days of the course (as Chun 2026 observed;
 *     chun2026: x0.2 from the day T-DXd starts, and distant failure x0.6);
 *     recorded at the first MRI on or after the true day.
 *   distant_failure: each follow-up MRI shows one with probability 0.32;
 *     most distant failures lead to a new course 7-35 days later.
 *   Overall survival from bm_dx_date: Weibull, shape 1.1, median 800 days
 *     at KPS 80, age < 65, HER2 positive/low; log-hazard +0.22 per 10 KPS
 *     points below 80 (missing KPS counts as 80), +0.4 HER2-negative,
 *     +0.25 age >= 65.  Death always falls at least 14 days after the
 *     first course.  Censoring: loss to follow-up (exponential, mean 4000
 *     days after the first course) and the study end 2025-06-30.
 */
#include "simulate.h"
#include "outdir.h"
#include "sim_cohort.h"
#include "sim_presets.h"
#include "date.h"
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the pseudo-random generator: xoshiro256** seeded by splitmix64 ---- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint64_t rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    const uint64_t out = rotl64(s[1] * 5u, 7) * 9u;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return out;
}

/* Each patient has its own stream, so patient i is the same whatever the
 * cohort size. */
static void rng_seed(rng *r, uint64_t seed, uint64_t patient)
{
    uint64_t x = seed ^ (patient * 0xD1B54A32D192ED03u);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

/* Uniform on [0, 1). */
static double unif(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer on [lo, hi]. */
static int32_t uint_in(rng *r, int32_t lo, int32_t hi)
{
    return lo + (int32_t)(unif(r) * (double)(hi - lo + 1));
}

static int bern(rng *r, double p)
{
    return unif(r) < p;
}

static double expo(rng *r)
{
    return -log1p(-unif(r));
}

static double norm(rng *r)
{
    double u1 = 1.0 - unif(r); /* (0, 1] */
    double u2 = unif(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Index drawn with probability proportional to w[i]. */
static int pick(rng *r, const double *w, int n)
{
    double tot = 0;
    for (int i = 0; i < n; i++) tot += w[i];
    double u = unif(r) * tot;
    for (int i = 0; i < n - 1; i++) {
        if (u < w[i]) return i;
        u -= w[i];
    }
    return n - 1;
}


/* ---- vocabularies (each name table is in step with its enum) ---- */

static const char *const her2_names[] = {"positive", "low", "negative"};

static const char *const hist_names[] = {"IDC", "ILC", "other"};

static const int kps_val[] = {100, 90, 80, 70, 60, 50};

static const char *const loc_names[] = {"frontal", "parietal", "temporal", "occipital",
                                        "cerebellum", "brainstem", "thalamus", "basal ganglia"};
static const double loc_w[] = {0.27, 0.18, 0.14, 0.10, 0.20, 0.04, 0.04, 0.03};

static const char *const agent_names[A_NAGENTS] = {
    "T-DM1", "T-DXd", "trastuzumab", "pertuzumab", "lapatinib", "tucatinib",
    "capecitabine", "paclitaxel", "eribulin", "vinorelbine"};
static const char *const class_names[] = {
    "antibody-drug conjugate", "monoclonal antibody", "tyrosine kinase inhibitor", "chemotherapy"};
static const int agent_class[A_NAGENTS] = {
    C_ADC, C_ADC, C_MAB, C_MAB, C_TKI, C_TKI, C_CHEMO, C_CHEMO, C_CHEMO, C_CHEMO};

static const char *const event_names[E_NTYPES] = {
    "mri", "local_failure", "distant_failure", "leptomeningeal",
    "radionecrosis", "symptomatic_rn", "systemic_progression"};

/* ---- TRUTH constants (see the comment at the top; the baseline hazard's
 * rate and window are sim_params.rn_rate, rn_from, rn_to) ---- */
#define RN_HR 2.0
#define EXPO_WINDOW 91


/* The parameters with their calendar dates as day numbers. */
typedef struct sim_model {
    const sim_params *p;
    int32_t bm_first, bm_last, study_end;
    int32_t pertuzumab, tdm1, tdxd, tucatinib, tdxd_low, adjuvant;
} sim_model;

static int32_t ymd_day(long ymd)
{
    return date_from_ymd((int)(ymd / 10000), (int)(ymd / 100 % 100), (int)(ymd % 100));
}

static void model_init(sim_model *m, const sim_params *p)
{
    m->p = p;
    m->bm_first = ymd_day(p->bm_first);
    m->bm_last = ymd_day(p->bm_last);
    m->study_end = ymd_day(p->study_end);
    m->pertuzumab = ymd_day(p->d_pertuzumab);
    m->tdm1 = ymd_day(p->d_tdm1);
    m->tdxd = ymd_day(p->d_tdxd);
    m->tucatinib = ymd_day(p->d_tucatinib);
    m->tdxd_low = ymd_day(p->d_tdxd_low);
    m->adjuvant = ymd_day(p->d_adjuvant);
}

/* ---- one simulated patient ---- */


static int grow(void **p, size_t *cap, size_t need, size_t elsize)
{
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap * 2 : 64;
    while (ncap < need) ncap *= 2;
    void *q = realloc(*p, ncap * elsize);
    if (!q) return -1;
    *p = q;
    *cap = ncap;
    return 0;
}

static void add_event(sim_ws *w, int32_t date, int type, int course, int lesion)
{
    if (w->ne == w->cap_e && grow((void **)&w->e, &w->cap_e, w->ne + 1, sizeof *w->e)) {
        w->oom = 1;
        return;
    }
    w->e[w->ne++] = (sim_event){date, type, course, lesion};
}

static void add_drug(sim_ws *w, int agent, int32_t start, int32_t end)
{
    if (w->nd == w->cap_d && grow((void **)&w->d, &w->cap_d, w->nd + 1, sizeof *w->d)) {
        w->oom = 1;
        return;
    }
    w->d[w->nd++] = (sim_drug){agent, start, end};
}

static void add_mri(sim_ws *w, int32_t date, int course)
{
    if (w->nmri == w->cap_mri) {
        size_t c1 = w->cap_mri, c2 = w->cap_mri;
        if (grow((void **)&w->mri, &c1, w->nmri + 1, sizeof *w->mri) ||
            grow((void **)&w->mri_course, &c2, w->nmri + 1, sizeof *w->mri_course)) {
            w->oom = 1;
            return;
        }
        w->cap_mri = c1 < c2 ? c1 : c2;
    }
    w->mri[w->nmri] = date;
    w->mri_course[w->nmri++] = course;
}

/* The first follow-up MRI on or after day `from`, or -1. */
static long mri_at_or_after(const sim_ws *w, int32_t from)
{
    size_t lo = 0, hi = w->nmri;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (w->mri[mid] < from) lo = mid + 1;
        else hi = mid;
    }
    return lo < w->nmri ? (long)lo : -1;
}

static int32_t min32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

static int32_t max32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

/* Demographics, tumour, dates of diagnosis, death and follow-up. */

/* Demographics, tumour, dates of diagnosis, death and follow-up. */
static void gen_baseline(sim_ws *w, rng *r, const sim_model *m, int32_t *first_course)
{
    const sim_params *P = m->p;
    w->center = pick(r, P->center_w, 5);
    w->sex_f = bern(r, P->p_female);
    double age = P->age_mean + P->age_sd * norm(r);
    if (age < P->age_min) age = P->age_min;
    if (age > P->age_max) age = P->age_max;
    w->bm = uint_in(r, m->bm_first, m->bm_last);
    w->birth = w->bm - (int32_t)(age * 365.2425);
    w->hist = pick(r, P->hist_w, 3);
    w->her2 = pick(r, P->her2_w, 3);
    w->er = bern(r, P->p_er);
    w->pr = bern(r, w->er ? P->p_pr_er : P->p_pr_noer);
    w->kps = bern(r, P->p_kps_missing) ? -1 : kps_val[pick(r, P->kps_w, 6)];
    int denovo = bern(r, P->p_denovo);
    if (denovo) {
        w->primary = w->bm - uint_in(r, 0, 60);
    } else {
        double gap = P->gap_median * exp(P->gap_sdlog * norm(r));
        double most = (age - 20.0) * 365.0;
        if (gap > most) gap = most;
        if (gap < 90) gap = 90;
        w->primary = w->bm - (int32_t)gap;
    }

    int32_t t1 = w->bm + uint_in(r, P->first_min, P->first_max);
    /* a first course long after the diagnosis, if the study end allows */
    if (P->p_first_late > 0 && bern(r, P->p_first_late)) {
        int32_t late = w->bm + uint_in(r, P->late_min, P->late_max);
        if (late < m->study_end - 30) t1 = late;
    }
    *first_course = t1;
    w->df = P->df_per_mri;
    int df_low = P->p_df_low > 0 && bern(r, P->p_df_low);
    if (df_low) w->df = P->df_low;
    /* Weibull survival from BM diagnosis, conditioned on t > t1 + 14 days. */
    double lp = 0.22 * (80 - (w->kps < 0 ? 80 : w->kps)) / 10.0 +
                (w->her2 == H_NEG ? 0.4 : 0.0) + (age >= 65 ? 0.25 : 0.0);
    if (P->p_df_low > 0 && !df_low) lp += P->os_lp_df_high;
    double scale = P->os_median / pow(log(2.0), 1.0 / P->os_shape);
    double tmin = (double)(t1 + 14 - w->bm);
    double hmin = pow(tmin / scale, P->os_shape);
    double os = scale * pow(hmin + expo(r) / exp(lp), 1.0 / P->os_shape);
    if (os > 40000) os = 40000;
    int32_t death = w->bm + (int32_t)os;
    int32_t loss = t1 + 7 + (int32_t)(P->loss_mean * expo(r));
    if (loss < t1 + 7 || loss > m->study_end) loss = m->study_end; /* overflow guard */
    int32_t cens = min32(loss, m->study_end);
    if (death <= cens) {
        w->death = death;
        w->lastfu = death;
    } else {
        w->death = NO_DATE;
        w->lastfu = cens;
    }
}

static int pick_dose(rng *r, const sim_doses *d)
{
    return d->dose10[pick(r, d->w, d->n)];
}

/* Lesions, technique, dose and history of one course. */
static void gen_course(sim_ws *w, rng *r, const sim_params *P, int k)
{
    sim_course *c = &w->c[k];
    const sim_course *prev = k ? &w->c[k - 1] : NULL;
    int surg_now = bern(r, k == 0 ? P->p_surg_first : P->p_surg_later);
    c->surgery = surg_now || (prev && prev->surgery);
    c->wbrt = bern(r, k == 0 ? P->p_wbrt_first : P->p_wbrt_later) || (prev && prev->wbrt);
    c->nles = 1 + pick(r, k == 0 ? P->nles_first_w : P->nles_later_w, MAX_LESIONS);
    c->first_lesion = w->nl;
    int maxv = 0, vol = 0;
    for (int i = 0; i < c->nles; i++) {
        sim_lesion *l = &w->l[w->nl++];
        l->postop = surg_now && i == 0;
        double v;
        if (l->postop) {
            v = P->pvol_median * exp(P->pvol_sdlog * norm(r));
            if (v < P->pvol_min) v = P->pvol_min;
            if (v > P->pvol_max) v = P->pvol_max;
        } else {
            v = P->vol_median * exp(P->vol_sdlog * norm(r));
            if (v < P->vol_min) v = P->vol_min;
            if (v > P->vol_max) v = P->vol_max;
        }
        l->vol100 = (int)(v * 100.0 + 0.5);
        l->loc = pick(r, loc_w, 8);
        vol += l->vol100;
        if (l->vol100 > maxv) maxv = l->vol100;
    }
    c->vol100 = vol;
    double pf = surg_now || maxv >= 400 ? P->fsrt_p[0] : maxv >= 200 ? P->fsrt_p[1] : P->fsrt_p[2];
    c->fsrt = bern(r, pf);
    if (c->fsrt) {
        if (bern(r, P->p_fsrt3)) {
            c->fx = 3;
            c->dose10 = pick_dose(r, &P->fsrt3);
        } else {
            c->fx = 5;
            c->dose10 = pick_dose(r, &P->fsrt5);
        }
    } else {
        c->fx = 1;
        c->dose10 = pick_dose(r, maxv <= 150 ? &P->srs_small
                                 : maxv <= 420 ? &P->srs_mid : &P->srs_large);
    }
}

/* Staged courses after a later course k (p_staged); returns the last. */
static int staged_courses(sim_ws *w, rng *r, const sim_params *P, int maxc, int k)
{
    while (P->p_staged > 0 && w->nc < maxc && bern(r, P->p_staged)) {
        int32_t t = w->c[k].date + uint_in(r, 14, 60);
        if (t > w->lastfu) break;
        w->c[w->nc].date = t;
        gen_course(w, r, P, w->nc);
        k = w->nc++;
    }
    return k;
}

/* Courses, follow-up MRIs and distant failures along the patient's time. */
static void gen_timeline(sim_ws *w, rng *r, const sim_params *P, int32_t t1)
{
    int maxc = 1 + pick(r, P->maxc_w, P->n_maxc);
    double df = w->df;
    w->nc = 0;
    w->nl = 0;
    w->c[0].date = t1;
    gen_course(w, r, P, 0);
    w->nc = 1;
    int cur = 0;
    int32_t next = t1 + uint_in(r, P->mri_min, P->mri_max);
    while (next <= w->lastfu && !w->oom) {
        add_mri(w, next, cur);
        int on_tdxd = w->forced_agent == A_TDXD && next >= w->forced_start;
        if (bern(r, on_tdxd ? df * P->df_tdxd : df)) {
            add_event(w, next, E_DF, cur, -1);
            if (w->nc < maxc && bern(r, P->p_course_after_df)) {
                int32_t t = next + uint_in(r, 7, 35);
                if (t <= w->lastfu && (P->later_gap_max <= 0 || t - t1 <= P->later_gap_max)) {
                    w->c[w->nc].date = t;
                    gen_course(w, r, P, w->nc);
                    cur = staged_courses(w, r, P, maxc, w->nc++);
                    next = w->c[cur].date + uint_in(r, P->mri_min, P->mri_max);
                    continue;
                }
            }
        }
        next += uint_in(r, P->mri_min, P->mri_max);
    }
    w->lastmri = w->nmri ? w->mri[w->nmri - 1] : NO_DATE;
}

/* The agents of one line of systemic therapy started on `s`; returns how
 * many were written to a[].  `used` marks agents not given twice. */
static int choose_line(rng *r, const sim_model *m, int her2, int line, int32_t s,
                       unsigned *used, int *a)
{
    const sim_params *P = m->p;
    if (her2 == H_POS || (her2 == H_LOW && P->low_as_positive)) {
        if (line == 0) {
            a[0] = A_TRAS;
            if (s < m->pertuzumab) {
                a[1] = A_PACL;
                return 2;
            }
            a[1] = A_PERT;
            if (bern(r, 0.5)) {
                a[2] = A_PACL;
                return 3;
            }
            return 2;
        }
        /* T-DM1, T-DXd, tucatinib triplet, lapatinib doublet, trastuzumab
         * with chemotherapy, capecitabine alone */
        int32_t tdxd = her2 == H_POS ? m->tdxd : m->tdxd_low;
        double wt[6] = {0};
        if (s >= m->tdm1 && !(*used & 1u << A_TDM1))
            wt[0] = s < tdxd ? P->w_tdm1_early : P->w_tdm1_late;
        if (s >= tdxd && !(*used & 1u << A_TDXD)) wt[1] = P->w_tdxd;
        if (s >= m->tucatinib && !(*used & 1u << A_TUCA)) wt[2] = P->w_tuca;
        if (!(*used & 1u << A_LAPA)) wt[3] = s < tdxd ? P->w_lapa_early : P->w_lapa_late;
        wt[4] = P->w_tras_chemo;
        wt[5] = P->w_cape;
        switch (pick(r, wt, 6)) {
        case 0: *used |= 1u << A_TDM1; a[0] = A_TDM1; return 1;
        case 1: *used |= 1u << A_TDXD; a[0] = A_TDXD; return 1;
        case 2:
            *used |= 1u << A_TUCA;
            a[0] = A_TUCA; a[1] = A_TRAS; a[2] = A_CAPE;
            return 3;
        case 3:
            *used |= 1u << A_LAPA;
            a[0] = A_LAPA; a[1] = A_CAPE;
            return 2;
        case 4:
            a[0] = A_TRAS; a[1] = bern(r, 0.5) ? A_VINO : A_ERIB;
            return 2;
        default: a[0] = A_CAPE; return 1;
        }
    }
    if (her2 == H_LOW && s >= m->tdxd_low && !(*used & 1u << A_TDXD) && line > 0 &&
        bern(r, P->p_tdxd_low)) {
        *used |= 1u << A_TDXD;
        a[0] = A_TDXD;
        return 1;
    }
    static const int chemo[] = {A_CAPE, A_PACL, A_ERIB, A_VINO};
    static const double cw0[] = {0.3, 0.6, 0.05, 0.05}, cw[] = {0.4, 0.2, 0.3, 0.1};
    a[0] = chemo[pick(r, line == 0 ? cw0 : cw, 4)];
    return 1;
}

/* The line a preset places before the rest is known: a T-DM1 episode
 * during, after or before the first course (p_tdm1_rel), or a T-DXd start
 * (p_tdxd_given). */
static void gen_forced(sim_ws *w, rng *r, const sim_model *m, int32_t t)
{
    const sim_params *P = m->p;
    w->forced_agent = -1;
    w->forced_start = w->forced_end = w->forced_min_end = NO_DATE;
    if (P->p_tdm1_rel[0] + P->p_tdm1_rel[1] + P->p_tdm1_rel[2] > 0) {
        int rel = pick(r, P->p_tdm1_rel, 3);
        double g = P->tdm1_gap_min + P->tdm1_gap_mean * expo(r);
        int32_t gap = (int32_t)(g < P->tdm1_gap_max ? g : P->tdm1_gap_max);
        w->forced_agent = A_TDM1;
        int32_t len = max32(42, (int32_t)(P->line_median * exp(P->line_sdlog * norm(r))));
        if (rel == 1 && t + gap <= w->lastfu) {
            w->forced_start = t + gap;      /* the course before T-DM1 */
        } else if (rel == 2 && t - gap - len >= w->primary) {
            w->forced_end = t - gap;        /* the course after T-DM1 */
            w->forced_start = w->forced_end - len;
        } else {                            /* the course during T-DM1 */
            w->forced_start = max32(w->primary, t - uint_in(r, 7, 120));
            w->forced_min_end = t + 21;
        }
    } else if (P->p_tdxd_given > 0 && w->her2 != H_NEG && bern(r, P->p_tdxd_given)) {
        double f = P->tdxd_frac_min + (P->tdxd_frac_max - P->tdxd_frac_min) * unif(r);
        int32_t s = t + (int32_t)(f * (double)(w->lastfu - t));
        s = max32(s, w->her2 == H_POS ? m->tdxd : m->tdxd_low);
        if (s < w->lastfu) {
            w->forced_agent = A_TDXD;
            w->forced_start = s;
        }
    }
}

/* Lines of systemic therapy from metastatic diagnosis to last follow-up;
 * some lines switch around an SRS course, most others end at a systemic
 * progression. */
static void gen_drugs(sim_ws *w, rng *r, const sim_model *m)
{
    const sim_params *P = m->p;
    int32_t L = w->lastfu;
    int denovo = w->bm - w->primary <= 60;
    int pos = w->her2 == H_POS || (w->her2 == H_LOW && P->low_as_positive);
    int32_t s;
    if (denovo) {
        s = w->primary + uint_in(r, 14, 60);
    } else {
        int32_t metdx = max32(w->primary + 60, w->bm - (int32_t)(unif(r) * 900));
        s = min32(metdx, w->bm) + uint_in(r, 7, 40);
    }
    if (pos && !denovo && w->primary >= m->adjuvant && bern(r, P->p_adjuvant)) {
        int32_t a0 = w->primary + uint_in(r, 30, 120), a1 = a0 + uint_in(r, 330, 380);
        if (a1 < s - 30) add_drug(w, A_TRAS, a0, a1);
    }
    /* Switch points near the courses, in date order. */
    int32_t sw[MAX_COURSES];
    int nsw = 0;
    for (int k = 0; k < w->nc; k++)
        if (bern(r, P->p_switch)) {
            int32_t t = w->c[k].date +
                        (bern(r, P->p_switch_close) ? uint_in(r, -10, 14) : uint_in(r, -45, 75));
            if (nsw == 0 || t > sw[nsw - 1]) sw[nsw++] = t;
        }
    unsigned used = 0;
    int32_t fs = w->forced_start;
    if (w->forced_agent >= 0) {
        used = 1u << w->forced_agent; /* that agent only as the forced line */
        if (fs < s) s = fs;
    }
    int isw = 0;
    for (int line = 0; s <= L && !w->oom; line++) {
        int forced = s == fs;
        int32_t natural = s + max32(21, (int32_t)(P->line_median * exp(P->line_sdlog * norm(r))));
        if (forced && w->forced_end != NO_DATE) natural = w->forced_end;
        if (forced && w->forced_min_end != NO_DATE) natural = max32(natural, w->forced_min_end);
        while (isw < nsw && sw[isw] <= s + 28) isw++;
        int32_t end, next;
        int32_t swt = !forced && isw < nsw && sw[isw] < natural ? sw[isw] : NO_DATE;
        if (!forced && fs > s && fs <= natural && (swt == NO_DATE || fs <= swt)) {
            next = fs;              /* make way for the forced line */
            end = max32(s, next - uint_in(r, 1, 10));
        } else if (swt != NO_DATE) {
            next = sw[isw++];
            end = max32(s, next - uint_in(r, 1, 10));
        } else {
            end = natural;
            next = end + uint_in(r, 7, 45);
            if (bern(r, P->p_sys_prog)) {
                int32_t p = end + uint_in(r, 0, 10);
                if (p <= L) add_event(w, p, E_SYS, -1, -1);
            }
            if (fs > s && next > fs) next = fs;
        }
        if (end >= L) end = w->death == NO_DATE ? NO_DATE : max32(s, L - uint_in(r, 0, 28));
        int a[3];
        int na;
        if (forced) {
            a[0] = w->forced_agent;
            na = 1;
        } else {
            na = choose_line(r, m, w->her2, line, s, &used, a);
        }
        for (int i = 0; i < na; i++) add_drug(w, a[i], s, end);
        if (end == NO_DATE) break;
        s = next;
    }
}

/* 1 if the patient started one of the agents in `mask` within the
 * exposure window of day t. */
static int started_near(const sim_ws *w, unsigned mask, int32_t t)
{
    for (size_t i = 0; i < w->nd; i++)
        if ((mask & 1u << w->d[i].agent) && abs(w->d[i].start - t) <= EXPO_WINDOW) return 1;
    return 0;
}

/* Local failure, radionecrosis, leptomeningeal disease and the MRI rows. */
static void gen_outcomes(sim_ws *w, rng *r, const sim_params *P)
{
    int32_t L = w->lastfu;
    for (int k = 0; k < w->nc; k++) {
        const sim_course *c = &w->c[k];
        int adc = started_near(w, 1u << A_TDM1 | 1u << A_TDXD, c->date);
        int tdxd = started_near(w, 1u << A_TDXD, c->date);
        /* radionecrosis: the simulated truth */
        double rate = P->rn_rate * (adc ? RN_HR : 1.0);
        double t = P->rn_from + expo(r) / rate;
        if (t < P->rn_to && c->date + (int32_t)t <= L) {
            int32_t day = c->date + (int32_t)t;
            double vw[MAX_LESIONS];
            for (int i = 0; i < c->nles; i++) vw[i] = w->l[c->first_lesion + i].vol100;
            int les = c->first_lesion + pick(r, vw, c->nles);
            add_event(w, day, E_RN, k, les);
            if (bern(r, P->srn_share)) {
                int32_t d2 = day + uint_in(r, 0, 21);
                if (d2 <= L) add_event(w, d2, E_SRN, k, les);
            }
        }
        /* local failure per lesion, seen at the next MRI; with a forced
         * T-DXd start its effect begins on that day */
        int tv = P->p_tdxd_given > 0;
        double on = w->forced_agent == A_TDXD ? (double)(w->forced_start - c->date) : INFINITY;
        for (int i = 0; i < c->nles; i++) {
            const sim_lesion *l = &w->l[c->first_lesion + i];
            double lr = P->lf_rate * (l->vol100 > 200 ? P->lf_big : 1.0) *
                        (l->postop ? P->lf_postop : 1.0) * (!tv && tdxd ? P->lf_tdxd : 1.0);
            double tl = expo(r) / lr;
            if (tv && tl > on) tl = (on > 0 ? on : 0) + (tl - (on > 0 ? on : 0)) / P->lf_tdxd;
            if (tl > (double)(L - c->date)) continue;
            long mi = mri_at_or_after(w, c->date + (int32_t)tl);
            if (mi >= 0) add_event(w, w->mri[mi], E_LF, k, c->first_lesion + i);
        }
    }
    if (bern(r, P->p_lepto)) {
        double t = 30.0 + P->lepto_mean * expo(r);
        if (t < (double)(L - w->c[0].date)) {
            long mi = mri_at_or_after(w, w->c[0].date + (int32_t)t);
            if (mi >= 0) add_event(w, w->mri[mi], E_LEPTO, w->mri_course[mi], -1);
        }
    }
    for (size_t i = 0; i < w->nmri; i++) add_event(w, w->mri[i], E_MRI, w->mri_course[i], -1);
}

static int event_cmp(const void *pa, const void *pb)
{
    const sim_event *a = pa, *b = pb;
    if (a->date != b->date) return a->date < b->date ? -1 : 1;
    if (a->type != b->type) return a->type < b->type ? -1 : 1;
    if (a->course != b->course) return a->course < b->course ? -1 : 1;
    return (a->lesion > b->lesion) - (a->lesion < b->lesion);
}

static void gen_patient(sim_ws *w, rng *r, const sim_model *m)
{
    int32_t t1;
    w->nmri = w->nd = w->ne = 0;
    gen_baseline(w, r, m, &t1);
    gen_forced(w, r, m, t1);
    gen_timeline(w, r, m->p, t1);
    gen_drugs(w, r, m);
    gen_outcomes(w, r, m->p);
    if (w->ne > 1) qsort(w->e, w->ne, sizeof *w->e, event_cmp);
}

/* ---- buffered output with hand formatting ---- */


static void of_flush(sim_file *f)
{
    size_t off = 0;
    while (off < f->len && !f->err) {
        ssize_t k = write(f->fd, f->buf + off, f->len - off);
        if (k < 0) {
            if (errno != EINTR) f->err = errno;
        } else if (k == 0) {
            f->err = EIO;
        } else {
            off += (size_t)k;
        }
    }
    f->len = 0;
}

/* Room for one row; returns where to write it. */
char *sim_row(sim_file *f)
{
    if (OUT_CAP - f->len < ROW_MAX) of_flush(f);
    return f->buf + f->len;
}

void sim_end(sim_file *f, char *p)
{
    *p++ = '\n';
    f->len = (size_t)(p - f->buf);
}

char *sim_put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

char *sim_put_u64(char *p, uint64_t v)
{
    char tmp[20];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

/* A non-negative fixed-point number v / 10^dec with `dec` decimals. */
char *sim_put_fixed(char *p, int v, int dec)
{
    int scale = dec == 1 ? 10 : 100;
    p = sim_put_u64(p, (uint64_t)(v / scale));
    *p++ = '.';
    if (dec == 2) *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

char *sim_put_date(char *p, int32_t d)
{
    if (d == NO_DATE) return p;
    char buf[11];
    date_format(d, buf);
    memcpy(p, buf, 10);
    return p + 10;
}

char *sim_put_bool(char *p, int b)
{
    return sim_put_str(p, b ? "true" : "false");
}

enum { F_PATIENTS, F_COURSES, F_LESIONS, F_DRUGS, F_EVENTS, F_COUNT };
static const char *const file_names[F_COUNT] = {
    "patients.csv", "courses.csv", "lesions.csv", "drugs.csv", "events.csv"};
static const char *const file_headers[F_COUNT] = {
    "patient_id,birth_date,sex,histology,er,pr,her2,kps,primary_dx_date,bm_dx_date,"
    "death_date,last_followup,last_mri_date,center\n",
    "course_id,patient_id,start_date,technique,dose_gy,fractions,n_lesions,volume_cc,"
    "prior_surgery,prior_wbrt,repeat_srs\n",
    "lesion_id,course_id,location,volume_cc,dose_gy,fractions,postop\n",
    "patient_id,agent,drug_class,start_date,end_date\n",
    "patient_id,date,type,course_id,lesion_id\n"};

static void write_patient(sim_file *f, const sim_ws *w, uint64_t pid, id_base *ids)
{
    char *p = sim_row(&f[F_PATIENTS]);
    p = sim_put_u64(p, pid);
    *p++ = ',';
    p = sim_put_date(p, w->birth);
    *p++ = ',';
    *p++ = w->sex_f ? 'F' : 'M';
    *p++ = ',';
    p = sim_put_str(p, hist_names[w->hist]);
    *p++ = ',';
    p = sim_put_str(p, w->er ? "positive" : "negative");
    *p++ = ',';
    p = sim_put_str(p, w->pr ? "positive" : "negative");
    *p++ = ',';
    p = sim_put_str(p, her2_names[w->her2]);
    *p++ = ',';
    if (w->kps >= 0) p = sim_put_u64(p, (uint64_t)w->kps);
    *p++ = ',';
    p = sim_put_date(p, w->primary);
    *p++ = ',';
    p = sim_put_date(p, w->bm);
    *p++ = ',';
    p = sim_put_date(p, w->death);
    *p++ = ',';
    p = sim_put_date(p, w->lastfu);
    *p++ = ',';
    p = sim_put_date(p, w->lastmri);
    *p++ = ',';
    *p++ = (char)('A' + w->center);
    sim_end(&f[F_PATIENTS], p);

    for (int k = 0; k < w->nc; k++) {
        const sim_course *c = &w->c[k];
        p = sim_row(&f[F_COURSES]);
        p = sim_put_u64(p, ids->course + (uint64_t)k);
        *p++ = ',';
        p = sim_put_u64(p, pid);
        *p++ = ',';
        p = sim_put_date(p, c->date);
        *p++ = ',';
        p = sim_put_str(p, c->fsrt ? "FSRT" : "SRS");
        *p++ = ',';
        p = sim_put_fixed(p, c->dose10, 1);
        *p++ = ',';
        p = sim_put_u64(p, (uint64_t)c->fx);
        *p++ = ',';
        p = sim_put_u64(p, (uint64_t)c->nles);
        *p++ = ',';
        p = sim_put_fixed(p, c->vol100, 2);
        *p++ = ',';
        p = sim_put_bool(p, c->surgery);
        *p++ = ',';
        p = sim_put_bool(p, c->wbrt);
        *p++ = ',';
        p = sim_put_bool(p, k > 0);
        sim_end(&f[F_COURSES], p);
        for (int i = 0; i < c->nles; i++) {
            const sim_lesion *l = &w->l[c->first_lesion + i];
            p = sim_row(&f[F_LESIONS]);
            p = sim_put_u64(p, ids->lesion + (uint64_t)(c->first_lesion + i));
            *p++ = ',';
            p = sim_put_u64(p, ids->course + (uint64_t)k);
            *p++ = ',';
            p = sim_put_str(p, loc_names[l->loc]);
            *p++ = ',';
            p = sim_put_fixed(p, l->vol100, 2);
            *p++ = ',';
            p = sim_put_fixed(p, c->dose10, 1);
            *p++ = ',';
            p = sim_put_u64(p, (uint64_t)c->fx);
            *p++ = ',';
            p = sim_put_bool(p, l->postop);
            sim_end(&f[F_LESIONS], p);
        }
    }

    for (size_t i = 0; i < w->nd; i++) {
        const sim_drug *d = &w->d[i];
        p = sim_row(&f[F_DRUGS]);
        p = sim_put_u64(p, pid);
        *p++ = ',';
        p = sim_put_str(p, agent_names[d->agent]);
        *p++ = ',';
        p = sim_put_str(p, class_names[agent_class[d->agent]]);
        *p++ = ',';
        p = sim_put_date(p, d->start);
        *p++ = ',';
        p = sim_put_date(p, d->end);
        sim_end(&f[F_DRUGS], p);
    }

    for (size_t i = 0; i < w->ne; i++) {
        const sim_event *e = &w->e[i];
        p = sim_row(&f[F_EVENTS]);
        p = sim_put_u64(p, pid);
        *p++ = ',';
        p = sim_put_date(p, e->date);
        *p++ = ',';
        p = sim_put_str(p, event_names[e->type]);
        *p++ = ',';
        if (e->course >= 0) p = sim_put_u64(p, ids->course + (uint64_t)e->course);
        *p++ = ',';
        if (e->lesion >= 0) p = sim_put_u64(p, ids->lesion + (uint64_t)e->lesion);
        sim_end(&f[F_EVENTS], p);
    }
    ids->course += (uint64_t)w->nc;
    ids->lesion += (uint64_t)w->nl;
}

/* the five tables of the rules language (the default format) */
static const sim_format default_format = {F_COUNT, file_names, file_headers, write_patient, NULL};

/* ---- files and directories ---- */

static char *join_path(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *s = malloc(a + b + 2);
    if (!s) return NULL;
    memcpy(s, dir, a);
    s[a] = '/';
    memcpy(s + a + 1, name, b + 1);
    return s;
}

/* mkdir -p; returns 0 or an errno value. */
static int make_dirs(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    char *s = strdup(path);
    if (!s) return ENOMEM;
    int rc = 0;
    for (char *q = s + 1;; q++) {
        if (*q != '/' && *q != 0) continue;
        char save = *q;
        *q = 0;
        if (mkdir(s, 0777) != 0) {
            int e = errno;
            if (e != EEXIST || stat(s, &st) != 0 || !S_ISDIR(st.st_mode)) {
                rc = e == EEXIST ? ENOTDIR : e;
                break;
            }
        }
        *q = save;
        if (!save) break;
    }
    free(s);
    return rc;
}

/* Create a fresh temporary file next to f->final. */
static int open_temp(sim_file *f, const char *dir)
{
    char name[96];
    for (int n = 0; n < 100; n++) {
        snprintf(name, sizeof name, ".%s.tmp.%ld.%d", f->name, (long)getpid(), n);
        free(f->tmp);
        f->tmp = join_path(dir, name);
        if (!f->tmp) return ENOMEM;
        f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (f->fd >= 0) return 0;
        if (errno != EEXIST) return errno;
    }
    return EEXIST;
}

static void close_all(sim_file *f, size_t n, int unlink_temps)
{
    for (size_t i = 0; i < n; i++) {
        if (f[i].fd >= 0) close(f[i].fd);
        f[i].fd = -1;
        if (unlink_temps && f[i].tmp) unlink(f[i].tmp);
        free(f[i].tmp);
        free(f[i].final);
        free(f[i].buf);
        f[i].tmp = f[i].final = f[i].buf = NULL;
    }
}

static void report(diag *dg, const char *path, const char *what, int err)
{
    diag_emit(dg, DIAG_ERROR, path, 0, 0, 0, NULL, 0, "%s: %s", what, strerror(err));
}

int simulate_write(const sim_opts *o, diag *dg)
{
    if (!o || !o->outdir || !*o->outdir) {
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "simulate: no output directory given");
        return -1;
    }
    sim_params params;
    if (sim_params_init(&params, o->preset) != 0) {
        char known[256] = "";
        size_t len = 0;
        for (const char *const *n = sim_preset_names(); *n && len < sizeof known; n++) {
            int k = snprintf(known + len, sizeof known - len, "%s%s", len ? ", " : "", *n);
            if (k < 0) break;
            len += (size_t)k;
        }
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0,
                  "simulate: unknown preset '%s' (known: %s)", o->preset, known);
        return -1;
    }
    size_t npatients = o->patients ? o->patients : params.patients;
    /* the folders above DIR are made; DIR itself is written as a set (outdir.h) */
    char tmp[4096], err[1024];
    char *parent = strdup(o->outdir);
    if (!parent) {
        report(dg, o->outdir, "cannot create output directory", ENOMEM);
        return -1;
    }
    size_t plen = strlen(parent);
    while (plen > 1 && parent[plen - 1] == '/') parent[--plen] = 0;
    char *slash = strrchr(parent, '/');
    int e = 0;
    if (slash && slash != parent) {
        *slash = 0;
        e = make_dirs(parent);
    }
    free(parent);
    if (e) {
        report(dg, o->outdir, "cannot create output directory", e);
        return -1;
    }
    if (outdir_begin(o->outdir, tmp, sizeof tmp, err, sizeof err)) {
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "%s", err);
        return -1;
    }

    const sim_format *fmt = o->format == SIM_FORMAT_OMOP ? &sim_omop_format : &default_format;
    size_t nf = fmt->nfiles;
    sim_file f[SIM_MAX_FILES];
    for (size_t i = 0; i < nf; i++)
        f[i] = (sim_file){fmt->names[i], NULL, NULL, -1, NULL, 0, 0};
    for (size_t i = 0; i < nf; i++) {
        f[i].final = join_path(tmp, f[i].name);
        f[i].buf = malloc(OUT_CAP);
        if (!f[i].final || !f[i].buf) {
            close_all(f, nf, 1);
            outdir_abort(tmp, o->outdir, NULL, 0);
            report(dg, o->outdir, "cannot write the simulated cohort", ENOMEM);
            return -1;
        }
        e = open_temp(&f[i], tmp);
        if (e) {
            close_all(f, nf, 1);
            outdir_abort(tmp, o->outdir, NULL, 0);
            report(dg, o->outdir, "cannot create file", e);
            return -1;
        }
        char *p = sim_row(&f[i]);
        p = sim_put_str(p, fmt->headers[i]);
        f[i].len = (size_t)(p - f[i].buf);
    }

    sim_model model;
    model_init(&model, &params);
    sim_ws w;
    memset(&w, 0, sizeof w);
    id_base ids = {1, 1, 1};
    int failed = -1; /* index of a file that failed, or -1 */
    for (size_t i = 0; i < npatients && failed < 0 && !w.oom; i++) {
        rng r;
        rng_seed(&r, o->seed, (uint64_t)i + 1);
        gen_patient(&w, &r, &model);
        if (w.oom) break;
        fmt->write_patient(f, &w, (uint64_t)i + 1, &ids);
        if ((i & 1023) == 0)
            for (size_t k = 0; k < nf; k++)
                if (f[k].err) failed = (int)k;
    }
    free(w.mri);
    free(w.mri_course);
    free(w.d);
    free(w.e);
    if (w.oom) {
        close_all(f, nf, 1);
        outdir_abort(tmp, o->outdir, NULL, 0);
        report(dg, o->outdir, "cannot simulate the cohort", ENOMEM);
        return -1;
    }
    if (fmt->write_tail && failed < 0) fmt->write_tail(f);
    for (size_t k = 0; k < nf && failed < 0; k++) {
        of_flush(&f[k]);
        if (!f[k].err && close(f[k].fd) != 0) f[k].err = errno;
        f[k].fd = -1;
        if (f[k].err) failed = (int)k;
    }
    if (failed >= 0) {
        snprintf(err, sizeof err, "%s/%s", o->outdir, f[failed].name);
        report(dg, err, "cannot write", f[failed].err);
        close_all(f, nf, 1);
        outdir_abort(tmp, o->outdir, NULL, 0);
        return -1;
    }
    for (size_t k = 0; k < nf; k++) {
        if (rename(f[k].tmp, f[k].final) != 0) {
            e = errno;
            snprintf(err, sizeof err, "%s/%s", o->outdir, f[k].name);
            report(dg, err, "cannot rename the temporary file", e);
            close_all(f, nf, 1);
            outdir_abort(tmp, o->outdir, NULL, 0);
            return -1;
        }
        free(f[k].tmp);
        f[k].tmp = NULL;
    }
    close_all(f, nf, 0);
    if (outdir_commit(tmp, o->outdir, "simulate", err, sizeof err)) {
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "%s", err);
        return -1;
    }
    return 0;
}
