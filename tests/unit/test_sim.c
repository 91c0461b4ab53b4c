/* test_sim.c: unit tests of the cohort simulator: determinism per seed,
 * headers, the cross-table invariants of every row (default model and
 * presets), the simulated radionecrosis truth, and clean failure on
 * unwritable output.  The presets' calibration is test_presets.c's. */
#include <CUnit/Basic.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "date.h"
#include "diag.h"
#include "simulate.h"

static char root[PATH_MAX];

static const char *const files[5] = {"patients.csv", "courses.csv", "lesions.csv", "drugs.csv",
                                     "events.csv"};
static const char *const headers[5] = {
    "patient_id,birth_date,sex,histology,er,pr,her2,kps,primary_dx_date,bm_dx_date,"
    "death_date,last_followup,last_mri_date,center",
    "course_id,patient_id,start_date,technique,dose_gy,fractions,n_lesions,volume_cc,"
    "prior_surgery,prior_wbrt,repeat_srs",
    "lesion_id,course_id,location,volume_cc,dose_gy,fractions,postop",
    "patient_id,agent,drug_class,start_date,end_date",
    "patient_id,date,type,course_id,lesion_id"};

/* ---- helpers ---- */

typedef struct capture {
    int n;
    char last[512];
} capture;

static void capture_cb(void *ud, const diagnostic *d)
{
    capture *c = ud;
    c->n++;
    snprintf(c->last, sizeof c->last, "%s: %s", d->file ? d->file : "", d->msg);
}

static void path_in(char *buf, const char *a, const char *b)
{
    int n = snprintf(buf, PATH_MAX, "%s/%s", a, b);
    if (n < 0 || n >= PATH_MAX) abort();
}

static int run_preset(const char *sub, const char *preset, size_t n, uint64_t seed,
                      capture *cap)
{
    char dir[PATH_MAX];
    path_in(dir, root, sub);
    capture local;
    if (!cap) cap = &local;
    memset(cap, 0, sizeof *cap);
    diag dg;
    diag_init(&dg, capture_cb, cap);
    sim_opts o = {n, seed, dir, preset};
    int rc = simulate_write(&o, &dg);
    if (rc == 0 && dg.nerrors) return -2;
    return rc;
}

static int run_sim(const char *sub, size_t n, uint64_t seed, capture *cap)
{
    return run_preset(sub, NULL, n, seed, cap);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2 + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) buf[n] = 0;
    *len = n;
    return buf;
}

static char *slurp2(const char *sub, const char *name, size_t *len)
{
    char dir[PATH_MAX], p[PATH_MAX];
    path_in(dir, root, sub);
    path_in(p, dir, name);
    return slurp(p, len);
}

static void rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
                char p[PATH_MAX];
                path_in(p, path, e->d_name);
                rm_rf(p);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Entries of a directory other than . and ..; -1 if it cannot be read. */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

/* A parsed CSV file: all cells, row 0 the header.  The simulator never
 * quotes, so a split on commas is exact. */
typedef struct csv {
    char *buf;
    size_t nrows, ncols;
    char **cell;
} csv;

static void csv_free(csv *t)
{
    free(t->buf);
    free(t->cell);
    memset(t, 0, sizeof *t);
}

/* Returns 0, or -1 when a row has a wrong number of cells, a quote, a CR
 * or no final newline. */
static int csv_load(csv *t, const char *sub, const char *name)
{
    memset(t, 0, sizeof *t);
    size_t len;
    t->buf = slurp2(sub, name, &len);
    if (!t->buf || len == 0 || t->buf[len - 1] != '\n') return -1;
    if (memchr(t->buf, '"', len) || memchr(t->buf, '\r', len)) return -1;
    size_t lines = 0, commas = 0;
    for (size_t i = 0; i < len; i++) {
        lines += t->buf[i] == '\n';
        commas += t->buf[i] == ',';
    }
    const char *nl = strchr(t->buf, '\n');
    size_t hc = 0;
    for (const char *p = t->buf; p < nl; p++) hc += *p == ',';
    t->ncols = hc + 1;
    t->nrows = lines;
    if (commas != lines * hc) return -1;
    t->cell = malloc(lines * t->ncols * sizeof *t->cell);
    if (!t->cell) return -1;
    size_t k = 0;
    char *p = t->buf;
    for (size_t r = 0; r < lines; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            t->cell[k++] = p;
            p += strcspn(p, ",\n");
            char end = *p;
            *p++ = 0;
            if ((c + 1 < t->ncols) != (end == ',')) return -1;
        }
    }
    return 0;
}

static const char *cellv(const csv *t, size_t r, size_t c)
{
    return t->cell[r * t->ncols + c];
}

static int64_t to_int(const char *s)
{
    if (!*s) return INT64_MIN;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno) return INT64_MIN;
    return v;
}

static int32_t to_date(const char *s)
{
    int32_t d;
    if (date_parse(s, strlen(s), &d) != 1) return INT32_MIN;
    return d;
}

/* "12.34" with exactly `dec` decimals, as an integer times 10^dec; -1 on
 * anything else. */
static long to_fixed(const char *s, int dec)
{
    const char *dot = strchr(s, '.');
    if (!dot || dot == s || (int)strlen(dot + 1) != dec) return -1;
    long v = 0;
    for (const char *p = s; *p; p++) {
        if (p == dot) continue;
        if (*p < '0' || *p > '9') return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

static int is_bool(const char *s)
{
    return !strcmp(s, "true") || !strcmp(s, "false");
}

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(s, list[i])) return (int)i;
    return -1;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- tests ---- */

static void test_headers(void)
{
    CU_ASSERT_EQUAL_FATAL(run_sim("hdr", 50, 42, NULL), 0);
    for (int i = 0; i < 5; i++) {
        size_t len;
        char *b = slurp2("hdr", files[i], &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        size_t h = strlen(headers[i]);
        CU_ASSERT(len > h && !memcmp(b, headers[i], h) && b[h] == '\n');
        free(b);
    }
    char dir[PATH_MAX];
    path_in(dir, root, "hdr");
    CU_ASSERT_EQUAL(count_entries(dir), 6); /* the five tables and .cohort-manifest: no temporary files left */
}

static void test_empty_cohort(void)
{
    CU_ASSERT_EQUAL_FATAL(run_sim("empty", 0, 1, NULL), 0);
    for (int i = 0; i < 5; i++) {
        size_t len;
        char *b = slurp2("empty", files[i], &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        CU_ASSERT_EQUAL(len, strlen(headers[i]) + 1);
        free(b);
    }
}

static void test_deterministic(void)
{
    CU_ASSERT_EQUAL_FATAL(run_sim("s42a", 400, 42, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(run_sim("s42b", 400, 42, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(run_sim("s43", 400, 43, NULL), 0);
    /* a nested path that does not exist yet is created */
    CU_ASSERT_EQUAL_FATAL(run_sim("deep/er/s42", 400, 42, NULL), 0);
    int ndiff = 0;
    for (int i = 0; i < 5; i++) {
        size_t la, lb, lc, ld;
        char *a = slurp2("s42a", files[i], &la), *b = slurp2("s42b", files[i], &lb);
        char *c = slurp2("s43", files[i], &lc), *d = slurp2("deep/er/s42", files[i], &ld);
        CU_ASSERT_FATAL(a && b && c && d);
        CU_ASSERT(la == lb && !memcmp(a, b, la));
        CU_ASSERT(la == ld && !memcmp(a, d, la));
        if (la != lc || memcmp(a, c, la)) ndiff++;
        free(a);
        free(b);
        free(c);
        free(d);
    }
    CU_ASSERT_EQUAL(ndiff, 5);
}

/* Patient i does not depend on the cohort size: a smaller cohort is a
 * prefix of a larger one with the same seed, in every file. */
static void test_prefix(void)
{
    CU_ASSERT_EQUAL_FATAL(run_sim("p100", 100, 9, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(run_sim("p250", 250, 9, NULL), 0);
    for (int i = 0; i < 5; i++) {
        size_t ls, ll;
        char *s = slurp2("p100", files[i], &ls), *l = slurp2("p250", files[i], &ll);
        CU_ASSERT_FATAL(s && l);
        CU_ASSERT(ls < ll && !memcmp(s, l, ls));
        free(s);
        free(l);
    }
}

/* Rewriting into a directory that already holds a cohort replaces it. */
static void test_overwrite(void)
{
    CU_ASSERT_EQUAL_FATAL(run_sim("ow", 120, 5, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(run_sim("ow", 80, 6, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(run_sim("ow6", 80, 6, NULL), 0);
    for (int i = 0; i < 5; i++) {
        size_t la, lb;
        char *a = slurp2("ow", files[i], &la), *b = slurp2("ow6", files[i], &lb);
        CU_ASSERT_FATAL(a && b);
        CU_ASSERT(la == lb && !memcmp(a, b, la));
        free(a);
        free(b);
    }
    char dir[PATH_MAX];
    path_in(dir, root, "ow");
    CU_ASSERT_EQUAL(count_entries(dir), 6);   /* the five tables and .cohort-manifest */
}

/* The simulated cohort used by the invariant and truth tests. */
typedef struct cohort {
    csv t[5];
    size_t np, nc, nl;
    /* per patient (index = patient_id) */
    int32_t *bm, *lastfu, *lastmri;
    int *dead;
    size_t *c_first, *c_count;
    /* per course (index = course_id) */
    size_t *c_pat;
    int32_t *c_start;
    long *c_vol;
    int *c_nles;
} cohort;

static void cohort_free(cohort *k)
{
    for (int i = 0; i < 5; i++) csv_free(&k->t[i]);
    free(k->bm);
    free(k->lastfu);
    free(k->lastmri);
    free(k->dead);
    free(k->c_first);
    free(k->c_count);
    free(k->c_pat);
    free(k->c_start);
    free(k->c_vol);
    free(k->c_nles);
}

/* What a model's rows may hold: the calendar and the prescription doses
 * (0.1 Gy).  Mills 2021 published its dose ranges (SRS 14-24 Gy, FSRT
 * 20-30 Gy); the others are the models' own. */
typedef struct limits {
    const char *preset;
    int bm_first[3], bm_last[3], study_end[3];
    long srs_min, srs_max, fsrt_min, fsrt_max;
} limits;

static const limits model_limits[] = {
    {NULL, {2012, 1, 1}, {2023, 12, 31}, {2025, 6, 30}, 150, 240, 240, 300},
    {"mills2021", {2013, 9, 1}, {2019, 10, 31}, {2020, 6, 30}, 140, 240, 200, 300},
    {"chun2026", {2016, 7, 1}, {2024, 10, 31}, {2025, 6, 30}, 150, 240, 240, 350},
};

static void check_patients(cohort *k, size_t n, const limits *lim)
{
    static const char *const hist[] = {"IDC", "ILC", "other"};
    static const char *const pn[] = {"positive", "negative"};
    static const char *const her2[] = {"positive", "low", "negative"};
    static const char *const centers[] = {"A", "B", "C", "D", "E"};
    const csv *p = &k->t[0];
    CU_ASSERT_EQUAL_FATAL(p->nrows, n + 1);
    CU_ASSERT_EQUAL_FATAL(p->ncols, 14);
    int32_t first = date_from_ymd(lim->bm_first[0], lim->bm_first[1], lim->bm_first[2]);
    int32_t last = date_from_ymd(lim->bm_last[0], lim->bm_last[1], lim->bm_last[2]);
    int32_t end = date_from_ymd(lim->study_end[0], lim->study_end[1], lim->study_end[2]);
    size_t bad = 0, nf = 0;
    for (size_t r = 1; r <= n; r++) {
        int32_t birth = to_date(cellv(p, r, 1)), prim = to_date(cellv(p, r, 8));
        int32_t bm = to_date(cellv(p, r, 9)), lf = to_date(cellv(p, r, 11));
        const char *death = cellv(p, r, 10), *lm = cellv(p, r, 12);
        int64_t kps = to_int(cellv(p, r, 7));
        int ok = to_int(cellv(p, r, 0)) == (int64_t)r && birth != INT32_MIN &&
                 prim != INT32_MIN && bm != INT32_MIN && lf != INT32_MIN &&
                 birth + 18 * 365 < prim && prim <= bm && bm >= first && bm <= last &&
                 lf >= bm && lf <= end &&
                 (!*death || to_date(death) == lf) &&
                 (!*lm || (to_date(lm) > bm && to_date(lm) <= lf)) &&
                 (!strcmp(cellv(p, r, 2), "F") || !strcmp(cellv(p, r, 2), "M")) &&
                 in_list(cellv(p, r, 3), hist, 3) >= 0 && in_list(cellv(p, r, 4), pn, 2) >= 0 &&
                 in_list(cellv(p, r, 5), pn, 2) >= 0 && in_list(cellv(p, r, 6), her2, 3) >= 0 &&
                 (!*cellv(p, r, 7) || (kps >= 50 && kps <= 100 && kps % 10 == 0)) &&
                 in_list(cellv(p, r, 13), centers, 5) >= 0;
        if (!ok) bad++;
        nf += !strcmp(cellv(p, r, 2), "F");
        k->bm[r] = bm;
        k->lastfu[r] = lf;
        k->dead[r] = *death != 0;
        k->lastmri[r] = *lm ? to_date(lm) : INT32_MIN;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(nf > n * 95 / 100 && nf < n); /* ~99% female, some male */
}

static void check_courses(cohort *k, const limits *lim)
{
    const csv *c = &k->t[1];
    CU_ASSERT_EQUAL_FATAL(c->ncols, 11);
    k->nc = c->nrows - 1;
    k->c_pat = calloc(k->nc + 1, sizeof *k->c_pat);
    k->c_start = calloc(k->nc + 1, sizeof *k->c_start);
    k->c_vol = calloc(k->nc + 1, sizeof *k->c_vol);
    k->c_nles = calloc(k->nc + 1, sizeof *k->c_nles);
    CU_ASSERT_FATAL(k->c_pat && k->c_start && k->c_vol && k->c_nles);
    size_t bad = 0, prevpat = 0;
    for (size_t r = 1; r <= k->nc; r++) {
        int64_t id = to_int(cellv(c, r, 0)), pid = to_int(cellv(c, r, 1));
        if (id != (int64_t)r || pid < 1 || (size_t)pid > k->np || (size_t)pid < prevpat) {
            bad++;
            continue;
        }
        int32_t start = to_date(cellv(c, r, 2));
        int64_t fx = to_int(cellv(c, r, 5)), nles = to_int(cellv(c, r, 6));
        long dose = to_fixed(cellv(c, r, 4), 1), vol = to_fixed(cellv(c, r, 7), 2);
        int srs = !strcmp(cellv(c, r, 3), "SRS"), fsrt = !strcmp(cellv(c, r, 3), "FSRT");
        int firstc = (size_t)pid != prevpat;
        int ok = start != INT32_MIN && start >= k->bm[pid] && start <= k->lastfu[pid] &&
                 (srs ? fx == 1 && dose >= lim->srs_min && dose <= lim->srs_max
                      : fsrt && (fx == 3 || fx == 5) && dose >= lim->fsrt_min &&
                            dose <= lim->fsrt_max) &&
                 nles >= 1 && nles <= 10 && vol > 0 && is_bool(cellv(c, r, 8)) &&
                 is_bool(cellv(c, r, 9)) &&
                 !strcmp(cellv(c, r, 10), firstc ? "false" : "true") &&
                 (firstc || start > k->c_start[r - 1]);
        if (!ok) bad++;
        if (firstc) {
            k->c_first[pid] = r;
            prevpat = (size_t)pid;
        }
        k->c_count[pid]++;
        k->c_pat[r] = (size_t)pid;
        k->c_start[r] = start;
        k->c_vol[r] = vol;
        k->c_nles[r] = (int)nles;
    }
    CU_ASSERT_EQUAL(bad, 0);
    size_t none = 0;
    for (size_t i = 1; i <= k->np; i++) none += k->c_count[i] == 0;
    CU_ASSERT_EQUAL(none, 0); /* every patient has at least one course */
}

static void check_lesions(cohort *k)
{
    const csv *l = &k->t[2], *c = &k->t[1];
    CU_ASSERT_EQUAL_FATAL(l->ncols, 7);
    k->nl = l->nrows - 1;
    int *count = calloc(k->nc + 1, sizeof *count);
    long *vol = calloc(k->nc + 1, sizeof *vol);
    CU_ASSERT_FATAL(count && vol);
    size_t bad = 0;
    for (size_t r = 1; r <= k->nl; r++) {
        int64_t id = to_int(cellv(l, r, 0)), cid = to_int(cellv(l, r, 1));
        if (id != (int64_t)r || cid < 1 || (size_t)cid > k->nc) {
            bad++;
            continue;
        }
        long v = to_fixed(cellv(l, r, 3), 2);
        int ok = v > 0 && *cellv(l, r, 2) && !strcmp(cellv(l, r, 4), cellv(c, cid, 4)) &&
                 !strcmp(cellv(l, r, 5), cellv(c, cid, 5)) && is_bool(cellv(l, r, 6));
        if (!ok) bad++;
        count[cid]++;
        vol[cid] += v;
    }
    CU_ASSERT_EQUAL(bad, 0);
    size_t badc = 0;
    for (size_t i = 1; i <= k->nc; i++)
        if (count[i] != k->c_nles[i] || vol[i] != k->c_vol[i]) badc++;
    CU_ASSERT_EQUAL(badc, 0);
    free(count);
    free(vol);
}

static const char *const agents[] = {"T-DM1", "T-DXd", "trastuzumab", "pertuzumab", "lapatinib",
                                     "tucatinib", "capecitabine", "paclitaxel", "eribulin",
                                     "vinorelbine"};
static const char *const agent_cls[] = {
    "antibody-drug conjugate", "antibody-drug conjugate", "monoclonal antibody",
    "monoclonal antibody", "tyrosine kinase inhibitor", "tyrosine kinase inhibitor",
    "chemotherapy", "chemotherapy", "chemotherapy", "chemotherapy"};

static void check_drugs(cohort *k)
{
    const csv *d = &k->t[3];
    CU_ASSERT_EQUAL_FATAL(d->ncols, 5);
    size_t bad = 0, ongoing = 0, seen[NELEM(agents)] = {0};
    for (size_t r = 1; r < d->nrows; r++) {
        int64_t pid = to_int(cellv(d, r, 0));
        if (pid < 1 || (size_t)pid > k->np) {
            bad++;
            continue;
        }
        int a = in_list(cellv(d, r, 1), agents, NELEM(agents));
        int32_t s = to_date(cellv(d, r, 3));
        const char *e = cellv(d, r, 4);
        int ok = a >= 0 && !strcmp(cellv(d, r, 2), agent_cls[a]) && s != INT32_MIN &&
                 s <= k->lastfu[pid] &&
                 (*e ? to_date(e) >= s && to_date(e) <= k->lastfu[pid] : !k->dead[pid]);
        if (!ok) bad++;
        if (a >= 0) seen[a]++;
        ongoing += !*e;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(ongoing > 0);
    for (size_t i = 0; i < NELEM(agents); i++) CU_ASSERT(seen[i] > 0);
}

enum { T_MRI, T_LF, T_DF, T_LEPTO, T_RN, T_SRN, T_SYS };
static const char *const types[] = {"mri", "local_failure", "distant_failure", "leptomeningeal",
                                    "radionecrosis", "symptomatic_rn", "systemic_progression"};

static void check_events(cohort *k)
{
    const csv *e = &k->t[4], *l = &k->t[2];
    CU_ASSERT_EQUAL_FATAL(e->ncols, 5);
    int32_t *maxmri = malloc((k->np + 1) * sizeof *maxmri);
    CU_ASSERT_FATAL(maxmri != NULL);
    for (size_t i = 0; i <= k->np; i++) maxmri[i] = INT32_MIN;
    size_t bad = 0, ntype[NELEM(types)] = {0}, srn_unmatched = 0;
    int64_t prevpid = 0;
    int32_t prevdate = INT32_MIN;
    for (size_t r = 1; r < e->nrows; r++) {
        int64_t pid = to_int(cellv(e, r, 0));
        int32_t date = to_date(cellv(e, r, 1));
        int t = in_list(cellv(e, r, 2), types, NELEM(types));
        if (pid < 1 || (size_t)pid > k->np || pid < prevpid || date == INT32_MIN || t < 0) {
            bad++;
            continue;
        }
        /* rows of a patient are in date order */
        if (pid == prevpid && date < prevdate) bad++;
        prevpid = pid;
        prevdate = date;
        ntype[t]++;
        const char *cs = cellv(e, r, 3), *ls = cellv(e, r, 4);
        /* systemic progression may precede the brain metastases */
        int ok = date <= k->lastfu[pid];
        if (t == T_SYS) {
            ok = ok && !*cs && !*ls;
        } else {
            int64_t cid = to_int(cs);
            ok = ok && cid >= 1 && (size_t)cid <= k->nc && k->c_pat[cid] == (size_t)pid &&
                 k->c_start[cid] < date;
            if (!ok) {
                bad++;
                continue;
            }
            if (t == T_LF || t == T_RN || t == T_SRN) {
                int64_t lid = to_int(ls);
                ok = lid >= 1 && (size_t)lid <= k->nl && to_int(cellv(l, lid, 1)) == cid;
            } else {
                ok = !*ls;
            }
            if (t == T_MRI || t == T_DF || t == T_LEPTO) {
                /* the most recent course before the date */
                size_t f = k->c_first[pid], n = k->c_count[pid];
                size_t j = (size_t)cid;
                ok = ok && (j + 1 >= f + n || k->c_start[j + 1] >= date);
            }
            if (t == T_MRI && date > maxmri[pid]) maxmri[pid] = date;
            if (t == T_SRN) {
                /* a radionecrosis row of the same lesion on or before */
                int found = 0;
                for (size_t q = r; q-- > 1 && to_int(cellv(e, q, 0)) == pid;)
                    if (!strcmp(cellv(e, q, 2), "radionecrosis") && !strcmp(cellv(e, q, 4), ls))
                        found = 1;
                if (!found) srn_unmatched++;
            }
        }
        if (!ok) bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(srn_unmatched, 0);
    for (size_t i = 0; i < NELEM(types); i++) CU_ASSERT(ntype[i] > 0);
    CU_ASSERT(ntype[T_SRN] < ntype[T_RN]);
    size_t badmri = 0;
    for (size_t i = 1; i <= k->np; i++)
        if (maxmri[i] != k->lastmri[i]) badmri++;
    CU_ASSERT_EQUAL(badmri, 0);
    free(maxmri);
}

static int load_cohort(cohort *k, const char *sub, size_t n)
{
    memset(k, 0, sizeof *k);
    for (int i = 0; i < 5; i++)
        if (csv_load(&k->t[i], sub, files[i])) return -1;
    k->np = n;
    k->bm = calloc(n + 1, sizeof *k->bm);
    k->lastfu = calloc(n + 1, sizeof *k->lastfu);
    k->lastmri = calloc(n + 1, sizeof *k->lastmri);
    k->dead = calloc(n + 1, sizeof *k->dead);
    k->c_first = calloc(n + 1, sizeof *k->c_first);
    k->c_count = calloc(n + 1, sizeof *k->c_count);
    if (!k->bm || !k->lastfu || !k->lastmri || !k->dead || !k->c_first || !k->c_count) return -1;
    return 0;
}

static void test_invariants(void)
{
    const size_t n = 2000;
    CU_ASSERT_EQUAL_FATAL(run_sim("inv", n, 2024, NULL), 0);
    cohort k;
    int rc = load_cohort(&k, "inv", n);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc == 0) {
        check_patients(&k, n, &model_limits[0]);
        check_courses(&k, &model_limits[0]);
        check_lesions(&k);
        check_drugs(&k);
        check_events(&k);
        /* structure: ~2-4 courses per patient, a mix of technique, deaths
         * and survivors */
        double cpp = (double)k.nc / (double)n;
        CU_ASSERT(cpp >= 1.8 && cpp <= 4.0);
        size_t ndead = 0;
        for (size_t i = 1; i <= n; i++) ndead += (size_t)k.dead[i];
        CU_ASSERT(ndead > n / 3 && ndead < n * 9 / 10);
    }
    cohort_free(&k);
}

/* The same invariants hold in every preset's cohort. */
static void test_preset_invariants(void)
{
    const size_t n = 3000;
    for (size_t m = 1; m < NELEM(model_limits); m++) {
        const limits *lim = &model_limits[m];
        CU_ASSERT_EQUAL_FATAL(run_preset("pinv", lim->preset, n, 31, NULL), 0);
        cohort k;
        int rc = load_cohort(&k, "pinv", n);
        CU_ASSERT_EQUAL(rc, 0);
        if (rc == 0) {
            check_patients(&k, n, lim);
            check_courses(&k, lim);
            check_lesions(&k);
            check_drugs(&k);
            check_events(&k);
        }
        cohort_free(&k);
    }
}

/* ADC (T-DM1/T-DXd) starts fall at every distance from the courses, so each
 * published window classifies a mix; and the documented radionecrosis
 * truth holds: rate 0.00012/day from day 182 to 730, x2.0 when an ADC
 * started within 91 days of the course. */
static void test_truth(void)
{
    const size_t n = 20000;
    CU_ASSERT_EQUAL_FATAL(run_sim("truth", n, 77, NULL), 0);
    cohort k;
    int rc = load_cohort(&k, "truth", n);
    CU_ASSERT_EQUAL_FATAL(rc, 0);
    check_patients(&k, n, &model_limits[0]);
    check_courses(&k, &model_limits[0]);
    check_lesions(&k);
    check_drugs(&k);
    check_events(&k);
    static const int windows[] = {7, 21, 28, 91, 183};
    size_t nexp[5] = {0};
    int *adc91 = calloc(k.nc + 1, sizeof *adc91);
    int32_t *rn = malloc((k.nc + 1) * sizeof *rn);
    CU_ASSERT_FATAL(adc91 && rn);
    for (size_t c = 1; c <= k.nc; c++) rn[c] = INT32_MAX;
    /* nearest ADC start for each course */
    const csv *d = &k.t[3];
    int32_t *nearest = malloc((k.nc + 1) * sizeof *nearest);
    CU_ASSERT_FATAL(nearest != NULL);
    for (size_t c = 1; c <= k.nc; c++) nearest[c] = INT32_MAX;
    for (size_t r = 1; r < d->nrows; r++) {
        if (strcmp(cellv(d, r, 1), "T-DM1") && strcmp(cellv(d, r, 1), "T-DXd")) continue;
        size_t pid = (size_t)to_int(cellv(d, r, 0));
        int32_t s = to_date(cellv(d, r, 3));
        for (size_t c = k.c_first[pid]; c < k.c_first[pid] + k.c_count[pid]; c++) {
            int32_t dist = abs(s - k.c_start[c]);
            if (dist < nearest[c]) nearest[c] = dist;
        }
    }
    for (size_t c = 1; c <= k.nc; c++) {
        for (int w = 0; w < 5; w++) nexp[w] += nearest[c] <= windows[w];
        adc91[c] = nearest[c] <= 91;
    }
    for (int w = 0; w < 5; w++) {
        double share = (double)nexp[w] / (double)k.nc;
        CU_ASSERT(share > 0.01 && share < 0.9);
        if (w) CU_ASSERT(nexp[w] > nexp[w - 1]);
    }
    const csv *e = &k.t[4];
    for (size_t r = 1; r < e->nrows; r++)
        if (!strcmp(cellv(e, r, 2), "radionecrosis")) {
            size_t cid = (size_t)to_int(cellv(e, r, 3));
            int32_t day = to_date(cellv(e, r, 1));
            CU_ASSERT(rn[cid] == INT32_MAX); /* one per course */
            rn[cid] = day;
        }
    /* events and days at risk in [182, 730) by exposure: the maximum
     * likelihood rates of the piecewise-constant hazard */
    double ev[2] = {0, 0}, risk[2] = {0, 0};
    size_t early = 0;
    for (size_t c = 1; c <= k.nc; c++) {
        int32_t t0 = k.c_start[c];
        double stop;
        int x = adc91[c];
        if (rn[c] != INT32_MAX) {
            double day = rn[c] - t0;
            if (day < 182 || day >= 730) early++;
            stop = day + 0.5;
            ev[x] += 1;
        } else {
            stop = k.lastfu[k.c_pat[c]] - t0 + 1;
            if (stop > 730) stop = 730;
        }
        if (stop > 182) risk[x] += stop - 182;
    }
    CU_ASSERT_EQUAL(early, 0);
    CU_ASSERT_FATAL(ev[0] > 100 && ev[1] > 100);
    double r0 = ev[0] / risk[0], r1 = ev[1] / risk[1], hr = r1 / r0;
    CU_ASSERT(r0 > 0.00012 * 0.8 && r0 < 0.00012 * 1.25);
    CU_ASSERT(hr > 1.6 && hr < 2.5);
    free(adc91);
    free(rn);
    free(nearest);
    cohort_free(&k);
}

static void test_unwritable(void)
{
    char plain[PATH_MAX], sub[PATH_MAX];
    path_in(plain, root, "plainfile");
    FILE *f = fopen(plain, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("x\n", f);
    fclose(f);
    capture cap;
    /* the output directory is a regular file, or lies below one */
    CU_ASSERT_EQUAL(run_sim("plainfile", 10, 1, &cap), -1);
    CU_ASSERT_EQUAL(cap.n, 1);
    CU_ASSERT(strstr(cap.last, "it exists and is not a folder") != NULL);
    CU_ASSERT_EQUAL(run_sim("plainfile/sub", 10, 1, &cap), -1);
    CU_ASSERT_EQUAL(cap.n, 1);
    CU_ASSERT(strstr(cap.last, "plainfile/sub") != NULL);
    path_in(sub, plain, "sub");
    struct stat st;
    CU_ASSERT(stat(sub, &st) != 0);
    /* a read-only directory (root ignores permissions: skip then) */
    if (geteuid() != 0) {
        char ro[PATH_MAX];
        path_in(ro, root, "readonly");
        CU_ASSERT_EQUAL_FATAL(mkdir(ro, 0555), 0);
        CU_ASSERT_EQUAL(run_sim("readonly", 10, 1, &cap), -1);
        CU_ASSERT_EQUAL(cap.n, 1);
        CU_ASSERT_EQUAL(count_entries(ro), 0);
        chmod(ro, 0755);
    }
}

/* A write that fails part way (file size limit) leaves no file at all. */
static void test_write_failure(void)
{
    struct rlimit old, lim;
    CU_ASSERT_EQUAL_FATAL(getrlimit(RLIMIT_FSIZE, &old), 0);
    void (*oldsig)(int) = signal(SIGXFSZ, SIG_IGN);
    lim = old;
    lim.rlim_cur = 1 << 20;
    CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_FSIZE, &lim), 0);
    capture cap;
    int rc = run_sim("fsize", 50000, 3, &cap);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, oldsig);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_EQUAL(cap.n, 1);
    CU_ASSERT(strstr(cap.last, "cannot write") != NULL);
    char dir[PATH_MAX];
    path_in(dir, root, "fsize");
    CU_ASSERT_EQUAL(count_entries(dir), -1);   /* no folder */
    /* and no private folder (.fsize.cohort-XXXXXX) left beside it */
    DIR *d = opendir(root);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    struct dirent *e;
    while ((e = readdir(d))) CU_ASSERT(strncmp(e->d_name, ".fsize.", 7) != 0);
    closedir(d);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/test_sim_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("simulate", NULL, NULL);
    if (!s || !CU_add_test(s, "headers", test_headers) ||
        !CU_add_test(s, "empty cohort", test_empty_cohort) ||
        !CU_add_test(s, "deterministic per seed", test_deterministic) ||
        !CU_add_test(s, "prefix property", test_prefix) ||
        !CU_add_test(s, "overwrite", test_overwrite) ||
        !CU_add_test(s, "row invariants", test_invariants) ||
        !CU_add_test(s, "row invariants of the presets", test_preset_invariants) ||
        !CU_add_test(s, "exposure mix and RN truth", test_truth) ||
        !CU_add_test(s, "unwritable outdir", test_unwritable) ||
        !CU_add_test(s, "failure mid-write", test_write_failure)) {
        CU_cleanup_registry();
        rm_rf(root);
        return 1;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    rm_rf(root);
    return failures != 0 || CU_get_error() != CUE_SUCCESS;
}
