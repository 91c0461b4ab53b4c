/* test_figure.c: CUnit tests of the figure data (figure.c: step, forest and
 * scatter figures), its small-cell
 * protection, SHA-256 (hash.c), the small-cell rule of tables and the
 * host's format_count (result.c), drawing on every surface (render.c) and
 * the report's files (report.c). */
#include <CUnit/Basic.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "figure.h"
#include "hash.h"
#include "render.h"
#include "report.h"
#include "result.h"

/* ---- SHA-256 ------------------------------------------------------------------------ */

static void test_sha256(void)
{
    char hex[65];
    sha256_mem("", 0, hex);
    CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_mem("abc", 3, hex);
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_mem(m, strlen(m), hex);
    CU_ASSERT_STRING_EQUAL(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* lengths around the padding boundary (55, 56, 63, 64, 65 bytes) */
    static const struct { size_t n; const char *hex; } as[] = {
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
    };
    char a[100];
    memset(a, 'a', sizeof a);
    for (size_t i = 0; i < sizeof as / sizeof as[0]; i++) {
        sha256_mem(a, as[i].n, hex);
        CU_ASSERT_STRING_EQUAL(hex, as[i].hex);
    }
    /* three million 'a' in a file, read in chunks of 1 MiB (the digest from
     * coreutils' sha256sum) */
    char path[] = "/tmp/cohort-sha256-XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    for (int i = 0; i < 30000; i++) CU_ASSERT_FATAL(write(fd, a, 100) == 100);
    close(fd);
    CU_ASSERT_EQUAL(sha256_file(path, hex), 0);
    CU_ASSERT_STRING_EQUAL(hex, "2a152c894398719c0570f83fac34ac03a0f6e8e474b995c2403aa5434f7b9dd4");
    unlink(path);
    CU_ASSERT_EQUAL(sha256_file("/nonexistent/cohort-file", hex), -1);
}

/* ---- figure data -------------------------------------------------------------------- */

static void test_privacy_hides(void)
{
    CU_ASSERT_FALSE(privacy_hides(0, 5));
    CU_ASSERT_TRUE(privacy_hides(1, 5));
    CU_ASSERT_TRUE(privacy_hides(4, 5));
    CU_ASSERT_FALSE(privacy_hides(5, 5));
    CU_ASSERT_FALSE(privacy_hides(3, 0));
    CU_ASSERT_FALSE(privacy_hides(3, 1));
    CU_ASSERT_FALSE(privacy_hides(NAN, 5));
}

/* A survival curve of 20 units: events 1,0,1,1,1,2,1 at times 1..7. */
static cohort_figure *sample_step(void)
{
    cohort_figure *f = figure_create("survival", COHORT_FIG_STEP, "Sample");
    int s = figure_add_series(f, "all", 1.0);
    static const fig_point pts[] = {
        {1, 0.95, 0.90, 1.00, 20, 1, 0}, {2, 0.95, 0.90, 1.00, 19, 0, 1},
        {3, 0.90, 0.80, 0.97, 18, 1, 0}, {4, 0.85, 0.75, 0.93, 17, 1, 0},
        {5, 0.80, 0.70, 0.90, 16, 1, 5}, {6, 0.70, 0.60, 0.80, 10, 2, 0},
        {7, 0.65, 0.50, 0.75, 8, 1, 0},
    };
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) CU_ASSERT_EQUAL(figure_add_point(f, s, &pts[i]), 0);
    return f;
}

static void test_protect_pools(void)
{
    cohort_figure *f = sample_step();
    cohort_figure *p = figure_protect(f, 3, NAN, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->protected_for, 3);
    const fig_series *s = &p->series[0];
    CU_ASSERT_FALSE(s->suppressed);
    CU_ASSERT_EQUAL(s->npts, 7);
    /* pools: {t1, t3, t4} = 3 events, then {t5, t6} = 3, then {t7} = 1,
     * too few, joins the pool before: {t5, t6, t7} = 4 ending at t7 */
    static const double value[] = {1, 1, 1, 0.85, 0.85, 0.85, 0.65};
    static const double nevent[] = {0, 0, 0, 3, 0, 0, 4};
    static const double ncensor[] = {0, 0, 0, 0, 5, 0, 0};
    static const double nrisk[] = {20, 19, 18, 17, 16, 10, 8};
    for (size_t i = 0; i < 7; i++) {
        CU_ASSERT_DOUBLE_EQUAL(s->pts[i].value, value[i], 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(s->pts[i].nevent, nevent[i], 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(s->pts[i].ncensor, ncensor[i], 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(s->pts[i].nrisk, nrisk[i], 1e-12);
    }
    /* the band follows the visible steps */
    CU_ASSERT_TRUE(isnan(s->pts[2].lower));
    CU_ASSERT_DOUBLE_EQUAL(s->pts[5].lower, 0.75, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s->pts[6].upper, 0.75, 1e-12);
    /* the raw figure is untouched */
    CU_ASSERT_DOUBLE_EQUAL(f->series[0].pts[0].value, 0.95, 1e-12);
    figure_free(p);
    /* every visible step rests on >= min_cell events, for any min_cell */
    for (int n = 2; n <= 7; n++) {
        p = figure_protect(f, n, NAN, 0);
        s = &p->series[0];
        double prev = s->start;
        for (size_t i = 0; i < s->npts; i++) {
            if (s->pts[i].value != prev) CU_ASSERT_TRUE(s->pts[i].nevent >= n);
            prev = s->pts[i].value;
            CU_ASSERT_TRUE(s->pts[i].ncensor == 0 || s->pts[i].ncensor >= n);
        }
        figure_free(p);
    }
    figure_free(f);
}

static void test_protect_drawn_part(void)
{
    cohort_figure *f = sample_step();
    /* cut where fewer than 12 remain at risk (at t6): pools within t1..t5 only */
    cohort_figure *p = figure_protect(f, 3, NAN, 12);
    const fig_series *s = &p->series[0];
    static const double value[] = {1, 1, 1, 1, 0.80, 0.80, 0.80};
    static const double nevent[] = {0, 0, 0, 0, 4, 0, 0};
    static const double ncensor[] = {0, 0, 0, 0, 5, 0, 0};
    for (size_t i = 0; i < 7; i++) {
        CU_ASSERT_DOUBLE_EQUAL(s->pts[i].value, value[i], 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(s->pts[i].nevent, nevent[i], 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(s->pts[i].ncensor, ncensor[i], 1e-12);
    }
    figure_free(p);
    /* the time axis ends at 4.5: t1..t4 hold 3 events, one pool */
    p = figure_protect(f, 3, 4.5, 0);
    s = &p->series[0];
    static const double value2[] = {1, 1, 1, 0.85, 0.85, 0.85, 0.85};
    for (size_t i = 0; i < 7; i++) CU_ASSERT_DOUBLE_EQUAL(s->pts[i].value, value2[i], 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s->pts[3].nevent, 3, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s->pts[4].ncensor, 0, 1e-12);
    figure_free(p);
    /* 2 events before the axis ends: suppressed */
    p = figure_protect(f, 3, 3.5, 0);
    CU_ASSERT_TRUE(p->series[0].suppressed);
    figure_free(p);
    figure_free(f);
}

static void test_protect_suppress(void)
{
    cohort_figure *f = sample_step();
    cohort_figure *p = figure_protect(f, 8, NAN, 0);   /* 7 events in all */
    const fig_series *s = &p->series[0];
    CU_ASSERT_TRUE(s->suppressed);
    for (size_t i = 0; i < s->npts; i++) {
        CU_ASSERT_DOUBLE_EQUAL(s->pts[i].value, 1.0, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(s->pts[i].nevent, 0, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(s->pts[i].ncensor, 0, 1e-12);
    }
    figure_free(p);
    /* off: a plain copy */
    p = figure_protect(f, 0, NAN, 0);
    CU_ASSERT_EQUAL(p->protected_for, 0);
    for (size_t i = 0; i < 7; i++)
        CU_ASSERT_DOUBLE_EQUAL(p->series[0].pts[i].value, f->series[0].pts[i].value, 0);
    figure_free(p);
    figure_free(f);
}

static void test_at_risk_and_checks(void)
{
    cohort_figure *f = sample_step();
    const fig_series *s = &f->series[0];
    CU_ASSERT_DOUBLE_EQUAL(figure_at_risk(s, 0), 20, 0);
    CU_ASSERT_DOUBLE_EQUAL(figure_at_risk(s, 2.5), 18, 0);
    CU_ASSERT_DOUBLE_EQUAL(figure_at_risk(s, 7), 8, 0);
    CU_ASSERT_DOUBLE_EQUAL(figure_at_risk(s, 7.5), 0, 0);
    fig_point back = {6.5, 0.6, NAN, NAN, 5, 1, 0}, nan = {8, NAN, NAN, NAN, 5, 1, 0};
    CU_ASSERT_EQUAL(figure_add_point(f, 0, &back), -1);
    CU_ASSERT_EQUAL(figure_add_point(f, 0, &nan), -1);
    CU_ASSERT_EQUAL(figure_add_point(f, 1, &nan), -1);
    CU_ASSERT_EQUAL(figure_add_row(f, "x", 1, 0.5, 2, 0.1), -1);
    cohort_figure *g = figure_create("forest", COHORT_FIG_FOREST, "HR");
    CU_ASSERT_EQUAL(figure_add_series(g, "x", 1), -1);
    CU_ASSERT_EQUAL(figure_add_row(g, "age", 1.01, 0.99, 1.03, 0.2), 0);
    CU_ASSERT_EQUAL(figure_add_row(g, "her2 (reference: positive)", NAN, NAN, NAN, NAN), 0);
    CU_ASSERT_TRUE(isnan(g->rows[1].est));
    figure_free(g);
    figure_free(f);
}

/* ---- drawing -------------------------------------------------------------------------- */

static size_t draw(const cohort_figure *f, const results *r, int format, char **buf)
{
    size_t len = 0;
    FILE *m = open_memstream(buf, &len);
    render_opts o = {.time_unit_days = 30.4375, .time_unit = "months", .time_limit = NAN, .min_at_risk = 0, .ci_bands = 1, .min_cell = 0};
    int rc = f ? render_figure(f, &o, format, m) : render_flow(r, &o, format, m);
    fclose(m);
    CU_ASSERT_EQUAL(rc, 0);
    return len;
}

static void check_magic(const cohort_figure *f, const results *r)
{
    char *b = NULL;
    size_t n = draw(f, r, RENDER_SVG, &b);
    CU_ASSERT_TRUE(n > 100 && strstr(b, "<svg") != NULL);
    free(b);
    n = draw(f, r, RENDER_PNG, &b);
    CU_ASSERT_TRUE(n > 100 && memcmp(b, "\x89PNG", 4) == 0);
    free(b);
    n = draw(f, r, RENDER_PDF, &b);
    CU_ASSERT_TRUE(n > 100 && memcmp(b, "%PDF", 4) == 0);
    free(b);
}

static void check_magic_opts(const cohort_figure *f, const render_opts *o)
{
    static const char *const magic[] = {"<svg", "\x89PNG", "%PDF"};
    for (int k = 0; k < 3; k++) {
        char *b = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&b, &len);
        CU_ASSERT_EQUAL(render_figure(f, o, k == 0 ? RENDER_SVG : k == 1 ? RENDER_PNG : RENDER_PDF, m), 0);
        fclose(m);
        CU_ASSERT_TRUE(len > 100 && (k == 0 ? strstr(b, magic[0]) != NULL : memcmp(b, magic[k], 4) == 0));
        free(b);
    }
}

static void test_render(void)
{
    cohort_figure *f = sample_step();
    check_magic(f, NULL);
    /* a label that is not UTF-8 (Latin-1 from a CSV file) is drawn, not refused */
    figure_add_series(f, "centre = Cr\xe9teil", 1.0);
    check_magic(f, NULL);
    cohort_figure *g = figure_create("forest", COHORT_FIG_FOREST, "Hazard ratios");
    figure_add_row(g, "tdxd (true vs false)", 0.31, 0.13, 0.75, 0.009);
    figure_add_row(g, "age", 1.01, 0.99, 1.03, 0.2);
    check_magic(g, NULL);
    results *r = results_new("t", "courses", 30.4375, "months");
    results_attrition(r, "all courses", 100, 0, 0, 100);
    results_attrition(r, "include \"HER2-positive or HER2-low\"", 100, 3, 1, 96);
    check_magic(NULL, r);
    /* time ticks in the study's unit: 24 months in steps of 3 */
    render_opts o = {.time_unit_days = 30.4375, .time_unit = "months", .time_limit = 24 * 30.4375, .min_at_risk = 0, .ci_bands = 1, .min_cell = 0};
    double t[64];
    size_t n = render_time_ticks(f, &o, t, 64);
    CU_ASSERT_EQUAL(n, 9);
    CU_ASSERT_DOUBLE_EQUAL(t[1], 3 * 30.4375, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(t[8], 24 * 30.4375, 1e-9);
    /* without a limit the axis ends where the data end (7 days) */
    render_opts d = {.time_unit_days = 1, .time_unit = "days", .time_limit = NAN, .min_at_risk = 0, .ci_bands = 1, .min_cell = 0};
    n = render_time_ticks(f, &d, t, 64);
    CU_ASSERT_EQUAL(n, 8);
    CU_ASSERT_DOUBLE_EQUAL(t[7], 7, 1e-9);
    CU_ASSERT_EQUAL(render_time_ticks(g, &o, t, 64), 0);
    results_free(r);
    figure_free(g);
    figure_free(f);
}

/* The figure's JSON (no time ticks), malloc'd. */
static char *json_of(const cohort_figure *f, int min_cell)
{
    char *b = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&b, &len);
    figure_json(f, NULL, 0, min_cell, m);
    fclose(m);
    return b;
}

/* Scatter figures: points, the smooth with its band, labelled ticks; the
 * refused data, the copy, the small-cell rule, the JSON and the drawing. */
static void test_scatter(void)
{
    cohort_figure *f = figure_create("zph-age", COHORT_FIG_SCATTER, "Scaled Schoenfeld residuals: age");
    cohort_figure *g = figure_create("forest", COHORT_FIG_FOREST, "Hazard ratios");
    CU_ASSERT_EQUAL(figure_add_xy(g, 0, 0.1, 0.2, NAN, NAN), -1);
    CU_ASSERT_EQUAL(figure_add_tick(g, 0.1, "3"), -1);
    for (int i = 0; i < 20; i++)
        CU_ASSERT_EQUAL(figure_add_xy(f, 0, i / 20.0, sin(i), NAN, NAN), 0);
    CU_ASSERT_EQUAL(figure_add_xy(f, 0, NAN, 1, NAN, NAN), -1);
    for (int j = 0; j < 40; j++)
        CU_ASSERT_EQUAL(figure_add_xy(f, 1, j / 39.0, 0.1 * j / 39.0, -0.5, 0.5 + j / 39.0), 0);
    CU_ASSERT_EQUAL(figure_add_xy(f, 1, 0.5, 0, NAN, NAN), -1);   /* x going back */
    CU_ASSERT_EQUAL(figure_add_tick(f, 0.25, "2.8"), 0);
    CU_ASSERT_EQUAL(figure_add_tick(f, 0.75, "13"), 0);
    CU_ASSERT_EQUAL(f->npoints, 20);
    CU_ASSERT_EQUAL(f->nsmooth, 40);
    CU_ASSERT_EQUAL(f->nxticks, 2);
    check_magic(f, NULL);
    cohort_figure *c = figure_copy(f, NULL);
    CU_ASSERT_TRUE(c && c->npoints == 20 && c->nsmooth == 40 && c->nxticks == 2 &&
                   !strcmp(c->xticks[1].label, "13") && c->smooth[39].upper == 1.5);
    /* each point is one unit's: none under the small-cell rule */
    cohort_figure *p = figure_protect(f, 5, NAN, 0);
    CU_ASSERT_TRUE(p && p->npoints == 0 && p->nsmooth == 40);
    check_magic(p, NULL);
    char *b = json_of(f, 0);
    CU_ASSERT_TRUE(strstr(b, "\"kind\": \"scatter\"") && strstr(b, "\"points\": [[0, 0], [0.050000000000000003, ") &&
                   strstr(b, "\"smooth\": [[0, 0, -0.5, 0.5], ") && strstr(b, "\"xticks\": [[0.25, \"2.8\"], [0.75, \"13\"]]"));
    free(b);
    figure_free(p);
    figure_free(c);
    figure_free(g);
    figure_free(f);
}

/* Forest rows with their units and events: given, copied, hidden under
 * the small-cell rule (the others then as complements), in the JSON. */
static void test_forest_counts(void)
{
    cohort_figure *f = figure_create("forest", COHORT_FIG_FOREST, "Hazard ratios");
    CU_ASSERT_EQUAL(figure_row_counts(f, 10, 5), -1);          /* no row yet */
    figure_add_row(f, "tdxd (true vs false)", 0.31, 0.13, 0.75, 0.009);
    CU_ASSERT_EQUAL(figure_row_counts(f, 3, 2), 0);
    figure_add_row(f, "age (per 1 year)", 1.01, 0.99, 1.03, 0.2);
    CU_ASSERT_EQUAL(figure_row_counts(f, 40, 21), 0);
    figure_add_row(f, "her2 (reference: positive)", NAN, NAN, NAN, NAN);
    CU_ASSERT_TRUE(isnan(f->rows[2].n) && isnan(f->rows[2].events));
    check_magic(f, NULL);
    cohort_figure *c = figure_copy(f, NULL);
    CU_ASSERT_TRUE(c && c->rows[0].n == 3 && c->rows[1].events == 21);
    cohort_figure *p = figure_protect(f, 5, NAN, 0);
    CU_ASSERT_TRUE(p && p->rows[0].hide_n == HIDE_SMALL && p->rows[0].hide_events == HIDE_SMALL &&
                   p->rows[1].hide_n == HIDE_COMPLEMENT && p->rows[1].hide_events == HIDE_COMPLEMENT);
    check_magic(p, NULL);
    cohort_figure *q = figure_protect(f, 2, NAN, 0);           /* nothing below 2 */
    CU_ASSERT_TRUE(q && q->rows[0].hide_n == HIDE_NONE && q->rows[1].hide_n == HIDE_NONE);
    char *b = json_of(p, 5);
    CU_ASSERT_TRUE(strstr(b, "\"n\": \"<5\", \"events\": \"<5\"") && strstr(b, "\"n\": \"x\", \"events\": \"x\"") &&
                   strstr(b, "\"n\": null, \"events\": null"));
    free(b);
    figure_free(q);
    figure_free(p);
    figure_free(c);
    figure_free(f);
}

/* Curves by group and outcome, the annotation, the plot options. */
static void test_curves(void)
{
    cohort_figure *f = figure_create("incidence", COHORT_FIG_STEP, "CIF");
    int a = figure_add_curve(f, "tdxd = true", "rn", 0);
    int b = figure_add_curve(f, "tdxd = false", "rn", 0);
    int c = figure_add_curve(f, "tdxd = true", "death", 0);
    int d = figure_add_curve(f, "", "death", 0);
    CU_ASSERT_EQUAL(a, 0);
    CU_ASSERT_EQUAL(d, 3);
    CU_ASSERT_EQUAL(f->ngroups, 3);
    CU_ASSERT_EQUAL(f->noutcomes, 2);
    CU_ASSERT_EQUAL(f->series[c].group, f->series[a].group);
    CU_ASSERT_EQUAL(f->series[c].outcome, 1);
    CU_ASSERT_EQUAL(f->series[b].outcome, 0);
    CU_ASSERT_STRING_EQUAL(f->series[c].label, "tdxd = true: death");
    CU_ASSERT_STRING_EQUAL(f->series[d].label, "death");
    CU_ASSERT_EQUAL(figure_add_curve(f, "x", NULL, 0), -1);
    /* a plain series is a group of its own, even with a label seen before */
    int e = figure_add_series(f, "tdxd = true", 0);
    CU_ASSERT_EQUAL(f->series[e].outcome, -1);
    CU_ASSERT_EQUAL((size_t)f->series[e].group, f->ngroups - 1);
    CU_ASSERT_EQUAL(figure_set_annotation(f, "Gray's test p = 0.012"), 0);
    fig_point p = {30, 0.1, 0.05, 0.2, 10, 1, 0}, q = {60, 0.2, 0.1, 0.3, 5, 1, 1};
    figure_add_point(f, a, &p);
    figure_add_point(f, a, &q);
    figure_add_point(f, c, &p);
    /* the copy keeps groups, outcomes and the annotation */
    cohort_figure *g = figure_copy(f, NULL);
    CU_ASSERT_EQUAL(g->ngroups, f->ngroups);
    CU_ASSERT_EQUAL(g->noutcomes, 2);
    CU_ASSERT_STRING_EQUAL(g->annotation, "Gray's test p = 0.012");
    CU_ASSERT_STRING_EQUAL(g->outcomes[g->series[c].outcome], "death");
    CU_ASSERT_EQUAL(g->series[e].group, f->series[e].group);
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    figure_json(g, NULL, 0, 0, m);
    fclose(m);
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\"annotation\": \"Gray's test p = 0.012\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(buf, "{\"label\": \"death\", \"group\": \"\", \"outcome\": \"death\""));
    free(buf);
    CU_ASSERT_EQUAL(figure_set_annotation(g, NULL), 0);
    CU_ASSERT_PTR_NULL(g->annotation);
    /* drawn with every plot option */
    render_opts o = {.time_unit_days = 30.4375, .time_unit = "months", .time_limit = NAN, .min_at_risk = 0, .ci_bands = 1, .min_cell = 0};
    o.annotate = 1;
    o.ylim[0] = 0.05;
    o.ylim[1] = 0.5;
    o.breaks = 15;
    o.width = 5;
    o.height = 4;
    o.colours[0] = 0x000000;
    o.ncolours = 1;
    o.line_types[0] = render_line_type("twodash");
    o.nline_types = 1;
    check_magic_opts(f, &o);
    /* the axis ends at the data (60 days), ticks every 15 days */
    double t[64];
    CU_ASSERT_DOUBLE_EQUAL(render_time_end(f, &o), 60, 1e-9);
    CU_ASSERT_EQUAL(render_time_ticks(f, &o, t, 64), 5);
    CU_ASSERT_DOUBLE_EQUAL(t[4], 60, 1e-9);
    /* cut where fewer than 11 are at risk: the first point (30 days, 10
     * at risk) ends the curves, and the axis */
    o.min_at_risk = 11;
    CU_ASSERT_DOUBLE_EQUAL(render_time_end(f, &o), 30, 1e-9);
    CU_ASSERT_EQUAL(render_line_type("dotted"), LINE_DOTTED);
    CU_ASSERT_EQUAL(render_line_type("wavy"), -1);
    figure_free(g);
    figure_free(f);
}

/* ---- the small-cell rule of tables and the host ------------------------------------------- */

static results *sample_results(cohort_call *call, call_ctx *cc)
{
    results *r = results_new("Privacy", "courses", 30.4375, "months");
    results_attrition(r, "all courses", 40, 0, 0, 40);
    results_attrition(r, "include \"x\"", 40, 3, 0, 37);
    est_result *e = results_estimate(r, "demo", NULL, "estimate demo()", "s.rules:1");
    memset(cc, 0, sizeof *cc);
    cc->res = r;
    cc->cur = e;
    memset(call, 0, sizeof *call);
    call->host_private = cc;
    call->estimator = "demo";
    const cohort_host *h = result_host();
    cohort_table *t = h->table_new(call, "groups", "Groups");
    int cg = h->table_column(t, "group", COHORT_COL_TEXT, 0);
    int cn = h->table_column(t, "n", COHORT_COL_COUNT, 0);
    int cp = h->table_column(t, "share", COHORT_COL_PERCENT, 1);
    int cx = h->table_column(t, "mean age", COHORT_COL_NUMBER, 1);
    static const struct { const char *g; double n, p, x; } rows[] = {
        {"a", 3, 0.075, 61.5}, {"b", 34, 0.85, 58.25}, {"c", 0, 0, 50}, {"d", 3, 0.075, 70},
    };
    for (size_t i = 0; i < 4; i++) {
        size_t row = h->table_row(t);
        h->table_text(t, row, cg, rows[i].g);
        if (i != 3) h->table_num(t, row, cn, rows[i].n);
        h->table_num(t, row, cp, rows[i].p);
        h->table_num(t, row, cx, rows[i].x);
        if (i == 3) h->table_row_count(t, row, rows[i].n);   /* the count is only declared */
    }
    return r;
}

/* --sweep: the merged attrition rows know their run (render_flow draws
 * one flow per run), and each forest is drawn once more with the runs side
 * by side (figure_sweep). */
static void test_sweep_merge(void)
{
    results *runs[2];
    const char *params[] = {"w"}, *values[] = {"30days", "90days"};
    const double est[2] = {4, 10};
    for (int k = 0; k < 2; k++) {
        runs[k] = results_new("t", "patients", 1, "days");
        results_attrition(runs[k], "all patients", 12, 0, 0, 12);
        results_attrition(runs[k], "include \"x\"", 12, 2, 0, 10);
        est_result *e = results_estimate(runs[k], "logistic", NULL, "estimate logistic(rn ~ exposed)", "s.rules:7");
        cohort_figure *f = figure_create("forest", COHORT_FIG_FOREST, "Logistic regression of rn");
        figure_add_row(f, "exposed (true vs false)", est[k], est[k] / 16, est[k] * 16, 0.3);
        figure_add_row(f, "sex (reference: f)", NAN, NAN, NAN, NAN);   /* a heading in both */
        if (k == 1) figure_add_row(f, "age", 1.1, 1.0, 1.2, 0.04);      /* only in the second run */
        e->figures = malloc(sizeof *e->figures);
        e->figures[0] = f;
        e->nfigures = 1;
    }
    results *m = results_merge(runs, 2, params, 1, values);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    CU_ASSERT_EQUAL(m->nattr, 4);
    static const int run[] = {1, 2, 1, 2};
    for (size_t i = 0; i < 4 && i < m->nattr; i++) CU_ASSERT_EQUAL(m->attr[i].run, run[i]);
    CU_ASSERT_STRING_EQUAL(m->attr[1].label, "all patients [w = 90days]");
    CU_ASSERT_EQUAL_FATAL(m->ests[0].nfigures, 3);   /* each run's forest, then the sweep's */
    const cohort_figure *sf = m->ests[0].figures[2];
    CU_ASSERT_STRING_EQUAL(sf->id, "forest-sweep");
    CU_ASSERT_STRING_EQUAL(sf->title, "Logistic regression of rn, by w");
    static const char *const labels[] = {"exposed (true vs false)", "w = 30days", "w = 90days",
                                         "sex (reference: f)", "age", "w = 90days"};
    static const double ests[] = {NAN, 4, 10, NAN, NAN, 1.1};
    CU_ASSERT_EQUAL_FATAL(sf->nrows, 6);
    for (size_t i = 0; i < 6; i++) {
        CU_ASSERT_STRING_EQUAL(sf->rows[i].label, labels[i]);
        if (isnan(ests[i])) {
            CU_ASSERT_TRUE(isnan(sf->rows[i].est));
        } else {
            CU_ASSERT_DOUBLE_EQUAL(sf->rows[i].est, ests[i], 1e-12);
        }
    }
    CU_ASSERT_DOUBLE_EQUAL(sf->rows[2].upper, 160, 1e-12);
    check_magic(NULL, m);
    /* fewer than two runs with the figure: no sweep forest */
    const cohort_figure *one[2] = {runs[0]->ests[0].figures[0], NULL};
    const char *run_labels[2] = {"w = 30days", "w = 90days"};
    CU_ASSERT_PTR_NULL(figure_sweep(one, run_labels, 2, "w"));
    results_free(m);
    results_free(runs[0]);
    results_free(runs[1]);
}

/* plot attrition_by with analysis blocks under --sweep: each run's blocks
 * adopted into one results, the runs merged; every arm keeps its block and
 * run, a set is its flow's arms, and the small-cell rule works per set. */
static void test_arms_flows(void)
{
    results *runs[2];
    const char *params[] = {"cut"}, *values[] = {"2", "1"};
    const char *lv[] = {"false", "true"};
    const size_t everyone[2][2] = {{1, 6}, {1, 0}};   /* run 2: one arm only */
    for (int k = 0; k < 2; k++) {
        runs[k] = results_new("t", "patients", 1, "days");
        results *a = results_new("t", "patients", 1, "days"), *b = results_new("t", "patients", 1, "days");
        CU_ASSERT_FATAL(runs[k] && a && b);
        results_attrition(a, "all patients", 7, 0, 0, 7);
        results_arms(a, "treated", lv, everyone[k], k ? 1 : 2);
        results_attrition(b, "all patients", 7, 0, 0, 7);
        results_arms(b, "treated", lv + 1, (const size_t[]){6}, 1);
        CU_ASSERT_EQUAL(results_adopt(runs[k], a, "everyone", "patients"), 0);
        CU_ASSERT_EQUAL(results_adopt(runs[k], b, "treated_only", "patients"), 0);
    }
    CU_ASSERT_EQUAL_FATAL(runs[0]->narms, 3);
    CU_ASSERT_EQUAL(runs[0]->arms[2].analysis, 2);
    results *m = results_merge(runs, 2, params, 1, values);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    static const int an[] = {1, 1, 2, 1, 2}, run[] = {1, 1, 1, 2, 2};
    static const size_t n[] = {1, 6, 6, 1, 6}, setsize[] = {2, 2, 1, 1, 1};
    CU_ASSERT_EQUAL_FATAL(m->narms, 5);
    CU_ASSERT_STRING_EQUAL(m->arms_by, "treated");
    for (size_t k = 0; k < 5; k++) {
        size_t first;
        CU_ASSERT_EQUAL(m->arms[k].analysis, an[k]);
        CU_ASSERT_EQUAL(m->arms[k].run, run[k]);
        CU_ASSERT_EQUAL(m->arms[k].n, n[k]);
        CU_ASSERT_EQUAL(results_arm_set(m, k, &first), setsize[k]);
        CU_ASSERT_EQUAL(first, k == 1 ? 0 : k);
    }
    /* min_cell 5: the arm of 1 is "<5" and its set's other "x"; the other
     * sets show their counts (6), and a set of one arm of 1 only "<5" */
    m->min_cell = 5;
    static const char *const shown[] = {"<5", "x", "6", "<5", "6"};
    for (size_t k = 0; k < 5; k++) {
        char b[32];
        results_arm_text(m, k, b, sizeof b);
        CU_ASSERT_STRING_EQUAL(b, shown[k]);
    }
    results_free(m);
    results_free(runs[0]);
    results_free(runs[1]);
}

static void test_table_privacy(void)
{
    cohort_call call;
    call_ctx cc;
    results *r = sample_results(&call, &cc);
    const cohort_table *t = r->ests[0].tables[0];
    char buf[64];
    /* off: the numbers as they are */
    results_cell_text(r, t, 0, 1, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "3");
    results_cell_text(r, t, 0, 2, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "7.5%");
    CU_ASSERT_FALSE(result_host()->format_count(&call, 3, buf, sizeof buf));
    CU_ASSERT_STRING_EQUAL(buf, "3");
    results_set_privacy(r, 5);
    static const char *const want[4][4] = {
        {"a", "<5", "<5", "61.5"},     /* a hidden count hides the row's percentages */
        {"b", "34", "85.0%", "58.2"},
        {"c", "0", "0.0%", "50.0"},    /* zero identifies no one */
        {"d", "-", "<5", "70.0"},      /* the declared count (table_row_count) */
    };
    for (size_t row = 0; row < 4; row++)
        for (size_t c = 0; c < 4; c++) {
            results_cell_text(r, t, row, c, buf, sizeof buf);
            CU_ASSERT_STRING_EQUAL(buf, want[row][c]);
        }
    /* a detail table (a curve): a row resting on a hidden count is hidden whole */
    cohort_table *c = result_host()->table_new(&call, "curve", "Curve");
    result_host()->table_detail(c);
    int ct = result_host()->table_column(c, "time", COHORT_COL_TIME, 1);
    int ce = result_host()->table_column(c, "n.event", COHORT_COL_COUNT, 0);
    int cs = result_host()->table_column(c, "survival", COHORT_COL_PERCENT, 1);
    size_t r0 = result_host()->table_row(c), r1 = result_host()->table_row(c);
    result_host()->table_num(c, r0, ct, 70);
    result_host()->table_num(c, r0, ce, 1);
    result_host()->table_num(c, r0, cs, 0.9);
    result_host()->table_num(c, r1, ct, 80);
    result_host()->table_num(c, r1, ce, 0);
    result_host()->table_num(c, r1, cs, 0.9);
    static const char *const want_c[2][3] = {{"<5", "<5", "<5"}, {"2.6", "0", "90.0%"}};
    for (size_t row = 0; row < 2; row++)
        for (size_t col = 0; col < 3; col++) {
            results_cell_text(r, c, row, col, buf, sizeof buf);
            CU_ASSERT_STRING_EQUAL(buf, want_c[row][col]);
        }
    CU_ASSERT_TRUE(result_host()->format_count(&call, 3, buf, sizeof buf));
    CU_ASSERT_STRING_EQUAL(buf, "<5");
    CU_ASSERT_FALSE(result_host()->format_count(&call, 5, buf, sizeof buf));
    CU_ASSERT_STRING_EQUAL(buf, "5");
    /* JSON */
    char *j = NULL;
    size_t jn = 0;
    FILE *m = open_memstream(&j, &jn);
    results_table_json(r, t, m);
    fclose(m);
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "[\"a\", \"<5\", \"<5\", 61.5]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "[\"b\", 34, 0.84999999999999998, 58.25]"));
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "[\"d\", null, \"<5\", 70]"));
    free(j);
    /* text: the attrition too */
    m = open_memstream(&j, &jn);
    results_text(r, m);
    fclose(m);
    CU_ASSERT_PTR_NOT_NULL(strstr(j, "include \"x\"        40        <5         0        37"));
    free(j);
    results_free(r);
}

/* ---- the report ---------------------------------------------------------------------------- */

static int exists(const char *dir, const char *name)
{
    char p[1024];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &st) == 0 && st.st_size > 0;
}

static void test_report(void)
{
    cohort_call call;
    call_ctx cc;
    results *r = sample_results(&call, &cc);
    const cohort_host *h = result_host();
    cohort_figure *f = h->figure_new(&call, "survival", COHORT_FIG_STEP, "Survival of x");
    h->figure_labels(f, "Time from SRS", "Survival");
    int s = h->figure_series(f, "all", 1);
    for (int i = 1; i <= 30; i++) h->figure_step(f, s, 10.0 * i, 1 - i / 40.0, NAN, NAN, 40 - i, 1, 0);
    cohort_figure *g = h->figure_new(&call, "forest", COHORT_FIG_FOREST, "HR");
    h->figure_estimate(g, "x", 0.5, 0.25, 1, 0.05);
    CU_ASSERT_EQUAL(r->ests[0].nfigures, 2);
    CU_ASSERT_PTR_NULL(h->figure_new(&call, "bad", 99, "no such kind"));
    results_set_privacy(r, 5);
    results_input(r, "rules", "s.rules", "00");
    char dir[] = "/tmp/cohort-report-XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    render_opts o = {.time_unit_days = 30.4375, .time_unit = "months", .time_limit = NAN, .min_at_risk = 0, .ci_bands = 1, .min_cell = 0};
    char err[512] = "";
    CU_ASSERT_EQUAL(report_write(r, &o, dir, err, sizeof err), 0);
    static const char *const files[] = {"report.html", "attrition.svg", "attrition.png", "attrition.pdf",
                                        "01-demo-survival.svg", "01-demo-survival.png", "01-demo-survival.pdf",
                                        "01-demo-survival.figure.json", "01-demo-forest.png"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) CU_ASSERT_TRUE(exists(dir, files[i]));
    /* nothing half-written is left, and the page embeds every figure */
    DIR *d = opendir(dir);
    struct dirent *de;
    int hidden = 0, nfiles = 0;
    while (d && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        hidden += de->d_name[0] == '.';
        nfiles++;
    }
    if (d) closedir(d);
    CU_ASSERT_EQUAL(hidden, 0);
    char p[1024];
    snprintf(p, sizeof p, "%s/report.html", dir);
    FILE *in = fopen(p, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    char *page = calloc(1, 4 << 20);
    size_t n = fread(page, 1, (4 << 20) - 1, in);
    fclose(in);
    CU_ASSERT_TRUE(n > 1000);
    int imgs = 0;
    for (const char *q = page; (q = strstr(q, "<img class=\"figure\"")); q++) imgs++;
    CU_ASSERT_EQUAL(imgs, 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "Content-Security-Policy"));
    CU_ASSERT_PTR_NULL(strstr(page, "<script"));
    CU_ASSERT_PTR_NOT_NULL(strstr(page, "<td class=\"n\">&lt;5</td>"));
    free(page);
    /* a directory that cannot be written: an error, no crash */
    CU_ASSERT_EQUAL(report_write(r, &o, "/nonexistent/cohort-dir", err, sizeof err), -1);
    CU_ASSERT_TRUE(strlen(err) > 0);
    /* clean up */
    d = opendir(dir);
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    rmdir(dir);
    results_free(r);
    (void)nfiles;
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 1;
    CU_pSuite s = CU_add_suite("figures", NULL, NULL);
    CU_add_test(s, "SHA-256", test_sha256);
    CU_add_test(s, "small-cell rule of counts", test_privacy_hides);
    CU_add_test(s, "pooled curve steps", test_protect_pools);
    CU_add_test(s, "pooling only what is drawn", test_protect_drawn_part);
    CU_add_test(s, "suppressed curves", test_protect_suppress);
    CU_add_test(s, "number at risk, refused data", test_at_risk_and_checks);
    CU_add_test(s, "drawing on SVG, PNG, PDF", test_render);
    CU_add_test(s, "curves by group and outcome, plot options", test_curves);
    CU_add_test(s, "scatter figures", test_scatter);
    CU_add_test(s, "forest rows' units and events", test_forest_counts);
    CU_add_test(s, "small-cell rule of tables", test_table_privacy);
    CU_add_test(s, "--sweep: attrition runs, forests side by side", test_sweep_merge);
    CU_add_test(s, "attrition arms per block and run", test_arms_flows);
    CU_add_test(s, "report files", test_report);
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    render_release();
    return failures != 0;
}
