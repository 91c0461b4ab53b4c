/* ingest.c: benchmark of the CSV loader.  Loads the five tables of a cohort
 * directory (patients, courses, lesions, drugs, events, linked as in the
 * rules language) and reports throughput and peak memory; with --simulate N
 * it first writes a synthetic cohort of N patients there.
 * --threads N reads each large file on N threads (default: one per
 * processor, at most 8), as `cohort run --threads N` does.  --want A,B,...
 * keeps only the named columns (besides keys and links), as `cohort run`
 * keeps only the columns its rules name; the others are read and checked,
 * not kept.  --repeat N loads N times and reports each load.
 *   bench/ingest [--simulate N] [--threads N] [--want NAMES] [--repeat N] DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "data.h"
#include "simulate.h"

static double seconds(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    size_t simulate = 0;
    int a = 1, threads = 0, repeat = 1;
    const char *want = NULL;
    for (;;) {
        if (a + 1 < argc && strcmp(argv[a], "--want") == 0) {
            want = argv[a + 1];
            a += 2;
        } else if (a + 1 < argc && strcmp(argv[a], "--repeat") == 0) {
            repeat = atoi(argv[a + 1]);
            a += 2;
        } else if (a + 1 < argc && strcmp(argv[a], "--simulate") == 0) {
            simulate = (size_t)strtoull(argv[a + 1], NULL, 10);
            a += 2;
        } else if (a + 1 < argc && strcmp(argv[a], "--threads") == 0) {
            threads = atoi(argv[a + 1]);
            a += 2;
        } else {
            break;
        }
    }
    if (a >= argc) {
        fprintf(stderr, "usage: %s [--simulate N] [--threads N] [--want NAMES] [--repeat N] DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[a];
    diag dg;
    diag_init(&dg, diag_print_cb, stderr);
    if (simulate) {
        sim_opts so = {simulate, 1, dir};
        double t0 = seconds(CLOCK_MONOTONIC);
        if (simulate_write(&so, &dg) != 0) return 1;
        printf("simulated %zu patients in %.2f s\n", simulate, seconds(CLOCK_MONOTONIC) - t0);
    }
    static const char *const names[5] = {"patients", "courses", "lesions", "drugs", "events"};
    char paths[5][4096];
    for (int i = 0; i < 5; i++) snprintf(paths[i], sizeof paths[i], "%s/%s.csv", dir, names[i]);
    table_spec sp[5] = {
        {.name = "patients", .path = paths[0], .key = "patient_id"},
        {.name = "courses", .path = paths[1], .key = "course_id", .parent = "patients"},
        {.name = "lesions", .path = paths[2], .key = "lesion_id", .parent = "courses"},
        {.name = "drugs", .path = paths[3], .parent = "patients"},
        {.name = "events", .path = paths[4], .parent = "patients"},
    };
    /* the wanted names, sorted as the loader's bsearch expects */
    char *wbuf = want ? strdup(want) : NULL;
    const char *wnames[256];
    size_t nw = 0;
    for (char *tok = wbuf ? strtok(wbuf, ",") : NULL; tok && nw < 256; tok = strtok(NULL, ","))
        wnames[nw++] = tok;
    qsort(wnames, nw, sizeof *wnames, name_cmp);
    for (int i = 0; i < 5 && want; i++) {
        sp[i].want = wnames;
        sp[i].nwant = nw;
    }
    for (int rep = 0; rep < repeat; rep++) {
        strpool *pool = strpool_new();
        long rss0 = peak_rss_kb();
        double w0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
        load_opts lo = {.threads = threads};
        cohort_data *d = data_load(sp, 5, &lo, pool, &dg);
        double wall = seconds(CLOCK_MONOTONIC) - w0, cpu = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (!d) {
            strpool_free(pool);
            free(wbuf);
            return 1;
        }
        double mb = (double)d->bytes_read / 1e6;
        long rss = peak_rss_kb();
        printf("loaded %.1f MB in %.3f s wall (%.1f MB/s), %.3f s cpu (%.1f MB/s)\n", mb, wall,
               mb / wall, cpu, mb / cpu);
        printf("peak RSS %.1f MB (%.2f x the CSV bytes; %.1f MB before loading)\n", rss / 1024.0,
               rss * 1024.0 / (double)d->bytes_read, rss0 / 1024.0);
        for (size_t t = 0; t < d->ntables && rep == 0; t++) {
            const table *tb = &d->tables[t];
            printf("  %-9s %9zu rows:", tb->name, tb->nrows);
            static const char tc[] = "?irtdb";
            for (size_t j = 0; j < tb->ncols; j++)
                printf(" %s:%c%s", tb->cols[j].name, tc[tb->cols[j].type],
                       tb->cols[j].projected ? "-" : "");
            printf("\n");
        }
        double g0 = seconds(CLOCK_MONOTONIC);
        size_t built = 0;
        for (size_t t = 1; t < d->ntables; t++)
            if (data_groups(d, (int)t, 0)) built++;
        printf("%zu groupings by patient in %.3f s; peak RSS now %.1f MB\n", built,
               seconds(CLOCK_MONOTONIC) - g0, peak_rss_kb() / 1024.0);
        data_free(d);
        strpool_free(pool);
    }
    free(wbuf);
    return 0;
}
