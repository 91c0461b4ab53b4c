/* study.c: running a study.  parse -> prepare -> load data -> resolve ->
 * per unit: criteria (attrition) -> analysis set -> per estimate: evaluate
 * the arguments into columns, call the plugin -> render (text or JSON, and
 * with --out the CSV/JSON files, the figures and report.html, all under the
 * small-cell rule).  Also `check` (schema from a sample, no evaluation) and
 * `export`, the one command that writes rows. */
#include "config.h"
#include "study.h"
#include "window.h"
#include "disclose.h"
#include "interact.h"
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "csvcell.h"
#include "date.h"
#include "epdata.h"
#include "concepts.h"
#include "era.h"
#include "eval.h"
#include "guard.h"
#include "colcache.h"
#include "colmem.h"
#include "digests.h"
#include "hash.h"
#include "indb.h"
#include "outdir.h"
#include "outfile.h"
#include "report.h"
#include "rescache.h"
#include "parse.h"
#include "plugin.h"
#include "progress.h"
#include "tasks.h"
#include "result.h"
#include "source_pg.h"
#include "sqlgen.h"
#include "strpool.h"
#include "suppress.h"
#include "unitcols.h"

/* The run's clocks: wall-clock seconds spent in each phase, for --timing,
 * and the progress line of a long run on a terminal (or NULL). */
typedef struct timing {
    double ingest, resolve, evaluate, estimate;
    progress *pg;
    /* the results cache's folder (NULL: off), and its results asked for and found */
    char *res_dir;
    size_t res_asked, res_found;
    size_t memo_asked, memo_found;   /* plugins' results (memo_get) */
    size_t res_trusted, res_hashed;  /* results' entries read: trusted by their
                                        identity, or hashed (rescache.h) */
    size_t digests;         /* data files read for their SHA-256 */
    size_t res_unread;      /* of on-demand estimators' columns, those never fetched */
} timing;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Everything a command holds; freed by loaded_free.  A study with
 * analysis blocks has one checked study per block, each over its own parse
 * of the rules (the checker annotates the tree, and a shared let may
 * resolve differently at another unit); they share data and plugins. */
typedef struct loaded {
    program *prog;         /* progs[0] */
    strpool *pool;
    study *st;             /* sts[0] */
    program **progs;
    study **sts;
    size_t nsts;
    cohort_data *data;
    plugin_reg *plugins;
    pg_spool *spool;        /* data postgres: the tables as read */
    /* results.json's SHA-256 of the data files (record_inputs): those the
     * rerun cache knew (by table, ok set), the others being computed in
     * the background, and the cache's folder to record them in (or NULL) */
    digest_of *sha_known;
    digests *sha;
    char *sha_cache;
    int exiting;            /* run_opts' exiting: the tables are not freed */
} loaded;

static void loaded_free(loaded *l)
{
    digests_free(l->sha);   /* first: its threads read the spool's files */
    free(l->sha_known);
    free(l->sha_cache);
    for (size_t k = 0; k < l->nsts; k++) study_free(l->sts[k]);
    if (!l->exiting) data_free(l->data);
    plugin_reg_free(l->plugins);
    pg_spool_free(l->spool);
    for (size_t k = 0; k < l->nsts; k++) program_free(l->progs[k]);
    if (!l->nsts) program_free(l->prog);
    free(l->sts);
    free(l->progs);
    strpool_free(l->pool);
}

/* A diagnostic about a shared statement would be reported once per
 * analysis that checks it, and one about an era or a data row once per
 * --sweep run: report each once. */
typedef struct dedupe_tap {
    diag_fn fn;
    void *ud;
    diag *dg;
    char **seen;
    size_t n;
} dedupe_tap;

static void dedupe_cb(void *ud, const diagnostic *d)
{
    dedupe_tap *t = ud;
    char key[2600];
    snprintf(key, sizeof key, "%d:%s:%d:%d:%s", (int)d->level, d->file ? d->file : "", d->line, d->col, d->msg);
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->seen[i], key) == 0) {
            if (d->level == DIAG_ERROR) t->dg->nerrors--;
            if (d->level == DIAG_WARNING) t->dg->nwarnings--;
            return;
        }
    char **s = realloc(t->seen, (t->n + 1) * sizeof *s);
    if (s) {
        t->seen = s;
        if ((s[t->n] = strdup(key)) != NULL) t->n++;
    }
    if (t->fn) t->fn(t->ud, d);
}

static void dedupe_begin(dedupe_tap *t, diag *dg)
{
    *t = (dedupe_tap){dg->fn, dg->ud, dg, NULL, 0};
    dg->fn = dedupe_cb;
    dg->ud = t;
}

static void dedupe_end(dedupe_tap *t)
{
    t->dg->fn = t->fn;
    t->dg->ud = t->ud;
    for (size_t i = 0; i < t->n; i++) free(t->seen[i]);
    free(t->seen);
}

/* Parse and prepare every analysis (one without analysis blocks). */
static int prepare_all(const run_opts *o, diag *dg, loaded *l)
{
    if (parse_file(l->prog, o->rules, o->import_dirs, o->nimport_dirs, dg)) return EXIT_RULES;
    size_t n = l->prog->nanalyses > 0 ? (size_t)l->prog->nanalyses : 1;
    l->progs = calloc(n, sizeof *l->progs);
    l->sts = calloc(n, sizeof *l->sts);
    if (!l->progs || !l->sts) return EXIT_DATA;
    l->progs[0] = l->prog;
    l->nsts = n;
    for (size_t k = 0; k < n; k++) {
        if (k > 0) {
            diag quiet;
            diag_init(&quiet, NULL, NULL);
            l->progs[k] = program_new();
            if (!l->progs[k] || parse_file(l->progs[k], o->rules, o->import_dirs, o->nimport_dirs, &quiet)) return EXIT_RULES;
        }
        l->sts[k] = check_prepare_analysis(l->progs[k], l->pool, o->sets, o->nsets, o->data_dir,
                                           l->prog->nanalyses > 0 ? (int)k + 1 : 0, dg);
        if (!l->sts[k]) return EXIT_RULES;
        /* --plot options: checked once, kept by every analysis */
        diag quiet;
        diag_init(&quiet, NULL, NULL);
        int bad = 0;
        for (size_t i = 0; i < o->nplots; i++)
            bad |= check_plot_option(l->sts[k], o->plots[i].name, o->plots[i].text, k ? &quiet : dg) != 0;
        if (bad) return EXIT_RULES;
    }
    l->st = l->sts[0];
    for (size_t k = 0; k < n; k++) {
        l->sts[k]->analyses = l->sts;
        l->sts[k]->nanalyses = n;
    }
    return EXIT_OK;
}

static int load_resolve(const run_opts *o, size_t sample_rows, int hash_data, diag *dg, loaded *l,
                        timing *tm);
static int check_sweeps(const run_opts *o, diag *dg, loaded *l);
static int set_order(const loaded *l, size_t *order, diag *dg);

/* With analysis blocks a shared let, endpoint or definition is checked
 * where it is used: one that no analysis uses is never checked, so say so
 * (for the main file's own; a library's are there to pick from). */
static const stmt *shared_def(const study *st, int kind, size_t i, int *used)
{
    switch (kind) {
    case 0: *used = st->lets[i].state == 2; return i < st->nlets ? st->lets[i].s : NULL;
    case 1: *used = st->eps[i].state == 2; return i < st->neps ? st->eps[i].s : NULL;
    default: *used = st->funcs[i].ncalls > 0; return i < st->nfuncs ? st->funcs[i].s : NULL;
    }
}

static void warn_unused_shared(const loaded *l, diag *dg)
{
    static const char *const what[] = {"let", "endpoint", "definition"};
    const study *st0 = l->sts[0];
    const srcfile *main_file = l->prog->nfiles ? l->prog->files[0] : NULL;
    for (int kind = 0; kind < 3; kind++) {
        size_t n0 = kind == 0 ? st0->nlets : kind == 1 ? st0->neps : st0->nfuncs;
        for (size_t j = 0, o = 0; j < n0; j++) {
            int used = 0;
            const stmt *s = shared_def(st0, kind, j, &used);
            if (s->analysis) continue;
            /* its place among the shared ones, the same in every analysis' parse */
            size_t ord = o++;
            for (size_t k = 1; k < l->nsts && !used; k++) {
                const study *st = l->sts[k];
                size_t nk = kind == 0 ? st->nlets : kind == 1 ? st->neps : st->nfuncs;
                for (size_t q = 0, m = 0; q < nk; q++) {
                    int u = 0;
                    const stmt *t = shared_def(st, kind, q, &u);
                    if (t->analysis) continue;
                    if (m++ == ord) {
                        used = u;
                        break;
                    }
                }
            }
            if (!used && s->loc.file == main_file)
                diag_at(dg, DIAG_WARNING, s->name_loc, "%s %s is used by no analysis, so it is not checked",
                        what[kind], s->name);
        }
    }
}

/* Parse, prepare, load the data (a sample when sample_rows > 0), resolve;
 * with hash_data (and all rows), the data files' SHA-256 are computed in
 * the background meanwhile (record_inputs).  Returns an exit code. */
static int load_all(const run_opts *o, size_t sample_rows, int hash_data, diag *dg, loaded *l,
                    timing *tm)
{
    memset(l, 0, sizeof *l);
    l->exiting = o->exiting;
    l->prog = program_new();
    l->pool = strpool_new();
    if (!l->prog || !l->pool) return EXIT_DATA;
    dedupe_tap tap;
    dedupe_begin(&tap, dg);
    int rc = prepare_all(o, dg, l);
    if (!rc) rc = load_resolve(o, sample_rows, hash_data, dg, l, tm);
    if (!rc) rc = check_sweeps(o, dg, l);
    if (!rc && !sample_rows) check_drop_unread((const study *const *)l->sts, l->nsts, l->data);
    dedupe_end(&tap);
    return rc;
}

/* Every --sweep combination is checked as --set would check it (windows,
 * era gaps, types), before any run: a fresh parse of each analysis with
 * the combination's values, resolved against the loaded schema.  The
 * first combination with errors stops the run. */
static int check_sweeps(const run_opts *o, diag *dg, loaded *l)
{
    size_t nov = o->nsets + o->nsweep_params;
    override *ov = calloc(nov + 1, sizeof *ov);
    if (!ov) return EXIT_DATA;
    for (size_t i = 0; i < o->nsets; i++) ov[i] = o->sets[i];
    int rc = EXIT_OK;
    for (size_t k = 0; k < o->nsweep && !rc; k++) {
        for (size_t j = 0; j < o->nsweep_params; j++)
            ov[o->nsets + j] = (override){o->sweep_params[j], o->sweep_values[k * o->nsweep_params + j], "--sweep"};
        int before = dg->nerrors;
        for (size_t a = 0; a < l->nsts && dg->nerrors == before; a++) {
            diag quiet;
            diag_init(&quiet, NULL, NULL);
            program *p = program_new();
            if (!p || parse_file(p, o->rules, o->import_dirs, o->nimport_dirs, &quiet)) {
                program_free(p);
                rc = EXIT_RULES;
                break;
            }
            study *st = check_prepare_analysis(p, l->pool, ov, nov, o->data_dir,
                                               l->prog->nanalyses > 0 ? (int)a + 1 : 0, dg);
            if (st) check_resolve(st, l->data, l->plugins, dg);
            study_free(st);
            program_free(p);
        }
        if (dg->nerrors != before) rc = EXIT_RULES;
    }
    free(ov);
    return rc;
}

/* Start computing the SHA-256 of the n data files in the background (on
 * the run's threads, beside the load and the evaluation: 0.9 s of a core
 * for the 1.5 GB of the 1M benchmark), but of those whose digest the
 * rerun cache (folder cache, or NULL) knows.  Out of memory: nothing is
 * started, and record_inputs reads the files itself. */
static void start_digests(loaded *l, const table_spec *sp, size_t n, const char *cache, int threads)
{
    const char **paths = calloc(n + 1, sizeof *paths);
    l->sha_known = calloc(n + 1, sizeof *l->sha_known);
    l->sha_cache = cache ? strdup(cache) : NULL;
    if (paths && l->sha_known && (!cache || l->sha_cache)) {
        for (size_t i = 0; i < n; i++) {
            if (cache && colcache_sha256_known(cache, sp[i].path, sp[i].name ? sp[i].name : "",
                                               l->sha_known[i].sha256))
                l->sha_known[i].ok = 1;
            else
                paths[i] = sp[i].path;
        }
        l->sha = digests_start(paths, n, threads);
    }
    free(paths);
}

/* Load the data once and resolve every analysis against it. */
static int load_resolve(const run_opts *o, size_t sample_rows, int hash_data, diag *dg, loaded *l,
                        timing *tm)
{
    /* the rerun cache: CSV files only (a database's spool is new each time) */
    char *cache = o->no_cache || l->st->conninfo || sample_rows ? NULL : colcache_dir();
    load_opts lo = {l->st->na, l->st->nna, sample_rows, tm->pg, o->threads, cache};
    double t0 = now();
    if (l->st->conninfo) {
        int rc = pg_fetch(l->st->conninfo, &l->st->conninfo_site, l->st->specs, l->st->nspecs,
                          sample_rows, dg, &l->spool);
        if (rc) return rc == 1 ? EXIT_RULES : rc == 3 ? EXIT_PLUGIN : EXIT_DATA;
    }
    const table_spec *specs = l->spool ? pg_spool_specs(l->spool) : l->st->specs;
    /* results.json and the report record each data file's SHA-256 */
    if (hash_data && !sample_rows) start_digests(l, specs, l->st->nspecs, cache, o->threads);
    l->data = data_load(specs, l->st->nspecs, &lo, l->pool, dg);
    free(cache);
    if (!l->data) return EXIT_DATA;
    if (era_declare(l->st, l->data)) return EXIT_DATA;
    double t1 = now();
    tm->ingest = t1 - t0;
    l->plugins = plugin_reg_new(o->plugin_dirs, o->nplugin_dirs);
    if (!l->plugins) return EXIT_PLUGIN;
    int before = dg->nerrors;
    for (size_t k = 0; k < l->nsts; k++) {
        l->sts[k]->data_sampled = sample_rows > 0;
        check_resolve(l->sts[k], l->data, l->plugins, dg);
    }
    if (l->nsts > 1) warn_unused_shared(l, dg);
    if (dg->nerrors == before) {
        /* analyses that read each other's sets cannot be run */
        size_t *order = calloc(l->nsts + 1, sizeof *order);
        if (!order) return EXIT_DATA;
        set_order(l, order, dg);
        free(order);
    }
    tm->resolve = now() - t1;
    int errors = dg->nerrors - before;
    if (errors) return errors == plugin_reg_failures(l->plugins) ? EXIT_PLUGIN : EXIT_RULES;
    int unread = check_unread_tables((const study *const *)l->sts, l->nsts, l->data);
    if (unread >= 0) {
        /* table_wants missed a way the rules read it: a bug in cohort, never a
         * wrong number (the run stops before anything reads the table) */
        fprintf(stderr, "cohort: internal error: the rules read table %s, restored from the rerun cache "
                "without its data as unread; run again with --no-cache\n", l->data->tables[unread].name);
        return EXIT_DATA;
    }
    for (size_t i = 0; i < o->nsets; i++)
        check_warn_unused((const study *const *)l->sts, l->nsts, &o->sets[i].name, 1, "--set", dg);
    check_warn_unused((const study *const *)l->sts, l->nsts, o->sweep_params, o->nsweep_params, "--sweep", dg);
    int bad = 0;
    for (size_t k = 0; k < l->nsts; k++) {
        bad |= epdata_prepare(l->sts[k], l->data, dg) != 0;
        /* concept sets list the vocabulary's ids (a sample has not all of them) */
        if (!sample_rows) bad |= concepts_resolve(l->sts[k], l->data, dg) != 0;
    }
    return bad ? EXIT_DATA : EXIT_OK;
}

static const char *unit_name(int u)
{
    return dunit_name(u);
}

/* The text of an expression as written (first line of its span), without
 * the backquotes of quoted names: the label of a column in the output. */
static char *loc_text(loc l)
{
    size_t n = 0;
    const char *line = srcfile_line(l.file, l.line, &n);
    if (!line) return strdup("?");
    int end = l.end_line == l.line ? l.end_col : (int)n;
    if (end > (int)n) end = (int)n;
    int start = l.col - 1;
    if (start < 0) start = 0;
    if (end < start) end = start;
    char *t = strndup(line + start, (size_t)(end - start));
    size_t k = 0;
    for (size_t i = 0; t && t[i]; i++)
        if (t[i] != '`') t[k++] = t[i];
    if (t) t[k] = 0;
    return t;
}

/* The statement as written, without its ';'. */
static char *stmt_text(const stmt *s)
{
    char *buf = srcfile_span(s->loc);
    size_t n = buf ? strlen(buf) : 0;
    if (n && buf[n - 1] == ';') buf[n - 1] = 0;
    return buf;
}

/* ---- criteria ---------------------------------------------------------------- */

/* ---- evaluating units on several threads ------------------------------------------ */

#define MAX_THREADS 8
/* Fewer units (or prefilter rows) than this per thread are not worth a
 * thread: starting one costs about as much as evaluating them. */
#define MIN_PER_THREAD 64

/* The evaluators of a run, one per thread: [0] is the run's own, the
 * others clones that share its prepared quantifiers (eval_prepare). */
typedef struct evpool {
    evaluator *ev[MAX_THREADS];
    int n;
    progress *pg;           /* the progress line, or NULL */
    rescache *rc;           /* this run's results cache, or NULL */
} evpool;

typedef void (*unit_fn)(void *ctx, evaluator *ev, int part, size_t lo, size_t hi);
static int parallel_for(const evpool *p, size_t n, unit_fn fn, void *ctx);

static void prefilter_part(void *ctx, evaluator *ev, int part, size_t lo, size_t hi)
{
    (void)part;
    eval_prefilter_rows(ev, ctx, lo, hi);
}

static void span_part(void *ctx, evaluator *ev, int part, size_t lo, size_t hi)
{
    (void)part;
    eval_prefilter_spans(ev, ctx, lo, hi);
}

/* Threads to use: `threads` (0: the processors online), at most
 * MAX_THREADS and one per MIN_PER_THREAD of the `units`, and 1 when the
 * rules call extern C functions (they need not be thread-safe). */
static int pool_init(evpool *p, evaluator *ev, const study *st, int threads, size_t units)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int n = threads > 0 ? threads : cpus > 0 ? (int)cpus : 1;
    if (n > MAX_THREADS) n = MAX_THREADS;
    if ((size_t)n > units / MIN_PER_THREAD) n = units >= 2 * MIN_PER_THREAD ? (int)(units / MIN_PER_THREAD) : 1;
    if (st->nexterns) n = 1;
    p->ev[0] = ev;
    p->n = 1;
    p->pg = NULL;
    p->rc = NULL;
    while (p->n < n && (p->ev[p->n] = eval_clone(ev)) != NULL) p->n++;
    return 0;
}

/* Before the threads evaluate the expressions roots[0..nroots) and the
 * endpoints e with eps[e] set: the clones share the quantifiers' state,
 * so build the state of every quantifier that can be reached from them
 * now (eval_prepare_for), the prefilters on every thread; with neither
 * roots nor eps, of every quantifier of the rules.  Only what is to be
 * evaluated: a rerun that takes all but one let from the results cache
 * builds that let's.  (One thread builds each as it meets it; should a
 * thread meet one not built here, it is built once, under the evaluators'
 * lock: eval.c quant_groups, prefilter.) */
static void pool_prepare(const evpool *p, const expr *const *roots, size_t nroots, const uint8_t *eps)
{
    if (p->n < 2) return;
    const expr **todo = NULL;
    size_t nt = roots || eps ? eval_prepare_for(p->ev[0], roots, nroots, eps, &todo)
                             : eval_prepare(p->ev[0], &todo);
    for (size_t i = 0; i < nt; i++) {
        size_t rows = eval_prefilter_alloc(p->ev[0], todo[i]);
        if (rows) parallel_for(p, rows, prefilter_part, (void *)todo[i]);
        size_t groups = rows ? eval_prefilter_groups(p->ev[0], todo[i]) : 0;
        if (groups) parallel_for(p, groups, span_part, (void *)todo[i]);
    }
    free(todo);
}

static void pool_free(evpool *p)
{
    for (int i = 1; i < p->n; i++) eval_free(p->ev[i]);
    p->n = 1;
    rescache_free(p->rc);
    p->rc = NULL;
}

typedef struct job {
    unit_fn fn;
    void *ctx;
    const evpool *p;
    size_t n;
    int parts;
} job;

/* Part i of a parallel_for: its units, on evaluator i. */
static void job_task(void *ctx, size_t i, int caller)
{
    (void)caller;
    const job *j = ctx;
    size_t parts = (size_t)j->parts;
    j->fn(j->ctx, j->p->ev[i], (int)i, j->n * i / parts, j->n * (i + 1) / parts);
}

/* Run fn over [0, n) in p->n contiguous parts, part i on evaluator i.
 * Returns the number of parts used. */
static int parallel_for(const evpool *p, size_t n, unit_fn fn, void *ctx)
{
    int parts = p->n;
    if ((size_t)parts > n / MIN_PER_THREAD) parts = n >= 2 * MIN_PER_THREAD ? (int)(n / MIN_PER_THREAD) : 1;
    job j = {fn, ctx, p, n, parts};
    tasks_run(parts, (size_t)parts, job_task, &j);
    return parts;
}

/* ---- criteria ---------------------------------------------------------------------- */

typedef struct crit_ctx {
    const study *st;
    const cohort_data *d;
    int block;                         /* every criterion passes eval_block_tv_ok: crit_block */
    int any_eps;                       /* an endpoint to evaluate (eval_eps) */
    size_t *idx;                       /* the units that pass, part by part */
    size_t kept[MAX_THREADS];          /* how many each part kept (at idx + lo) */
    size_t *excluded, *unknown;        /* MAX_THREADS x ncriteria */
    const uint8_t *eval_eps;           /* endpoints to evaluate for the units that pass, or NULL */
    progress *pg;                      /* updated by part 0, for all (parts are equal) */
    int nlev, lev[ATTR_LEVELS];        /* the attrition's levels (attr_levels) */
    _Atomic uint32_t *best[ATTR_LEVELS];   /* per level and row: 1 + the most steps any of its
                                              units passed, 0 without units (atomic: the
                                              units of a row may be in two parts) */
} crit_ctx;

/* *p = max(*p, v), whichever part gets there first */
static void atomic_max_u32(_Atomic uint32_t *p, uint32_t v)
{
    uint32_t cur = atomic_load_explicit(p, memory_order_relaxed);
    while (cur < v && !atomic_compare_exchange_weak_explicit(p, &cur, v, memory_order_relaxed, memory_order_relaxed)) {
    }
}

/* Unit i, whose rows of the attrition's levels are ar[0..nlev), passed j
 * of the criteria (all: j == ncriteria): the attrition's rows behind it,
 * the units kept (idx + lo, *k of them so far), the endpoints (i current) */
static inline void crit_unit(crit_ctx *c, evaluator *ev, size_t i, size_t j, const int64_t *ar, size_t lo,
                             size_t *k)
{
    const study *st = c->st;
    for (int lv = 0; lv < c->nlev; lv++)
        if (ar[lv] >= 0) atomic_max_u32(&c->best[lv][ar[lv]], (uint32_t)j + 1);
    if (j < st->ncriteria) return;
    c->idx[lo + (*k)++] = i;
    if (c->any_eps)
        for (size_t e = 0; e < st->neps; e++)
            if (c->eval_eps[e]) eval_endpoint(ev, (int)e);
}

/* crit_part when every criterion passes eval_block_tv_ok: criterion j is
 * decided for a block's units that passed the ones before it at once
 * (eval_block_tv); what no criterion reads (the attrition, the units kept,
 * the endpoints) then goes unit by unit, in order, as crit_part's loop */
static void crit_block(crit_ctx *c, evaluator *ev, int part, size_t *excluded, size_t *unknown, size_t lo, size_t hi,
                       size_t *k)
{
    const study *st = c->st;
    size_t nc = st->ncriteria;
    size_t rows[EVAL_BLOCK], steps[EVAL_BLOCK];
    const int32_t *up[ATTR_LEVELS];   /* the levels' rows: eval_unit's walk up the parents (attr_levels) */
    for (int lv = 0, u = st->unit; lv < c->nlev; u = c->d->tables[u].parent, lv++) up[lv] = c->d->tables[u].parent_row;
    uint16_t at[EVAL_BLOCK];
    uint8_t t[EVAL_BLOCK];
    for (size_t b = lo; b < hi; b += EVAL_BLOCK) {
        /* (EVAL_BLOCK divides 0x1000: the updates of crit_part's loop) */
        if (part == 0 && c->pg && ((b - lo) & 0xfff) == 0)
            progress_update(c->pg, "evaluating units", (double)(b - lo) / (double)(hi - lo));
        size_t m = hi - b < EVAL_BLOCK ? hi - b : EVAL_BLOCK, left = m;
        for (size_t i = 0; i < m; i++) {
            rows[i] = b + i;
            at[i] = (uint16_t)i;
            steps[i] = nc;
        }
        for (size_t j = 0; j < nc && left; j++) {
            const stmt *s = st->criteria[j];
            eval_block_tv(ev, s->value, rows, left, t);
            size_t kept = 0;
            uint8_t pass = s->kind == S_INCLUDE ? EVAL_TRUE : EVAL_FALSE;
            size_t un = 0;
            for (size_t l = 0; l < left; l++) {
                if (t[l] == pass) {
                    rows[kept] = rows[l];
                    at[kept++] = at[l];
                } else {
                    un += t[l] == EVAL_UNKNOWN;
                    steps[at[l]] = j;
                }
            }
            unknown[j] += un;
            excluded[j] += left - kept - un;
            left = kept;
        }
        for (size_t i = 0; i < m; i++) {
            int64_t ar[ATTR_LEVELS], r = (int64_t)(b + i);
            for (int lv = 0; lv < c->nlev; lv++) ar[lv] = r = up[lv][r];
            if (c->any_eps) eval_unit(ev, b + i);
            crit_unit(c, ev, b + i, steps[i], ar, lo, k);
        }
    }
}

/* Back the pages of the attrition's rows behind units [lo, hi) (those of
 * its first unit to its last, a level's rows coming in its units' order)
 * before the part's atomic max reads and writes them: calloc'd memory read
 * first is the zero page, whose copy at the write then also flushes the
 * other threads' TLBs. */
static void best_populate(const crit_ctx *c, size_t lo, size_t hi)
{
    int64_t a = (int64_t)lo, b = (int64_t)hi - 1;
    for (int lv = 0, u = c->st->unit; lv < c->nlev && a >= 0 && b >= 0; u = c->d->tables[u].parent, lv++) {
        const int32_t *up = c->d->tables[u].parent_row;
        if (!up) return;
        a = up[a];
        b = up[b];
        if (a >= 0 && b >= a) colmem_populate(&c->best[lv][a], (size_t)(b - a + 1) * sizeof *c->best[lv]);
    }
}

static void crit_part(void *ctxp, evaluator *ev, int part, size_t lo, size_t hi)
{
    crit_ctx *c = ctxp;
    const study *st = c->st;
    size_t nc = st->ncriteria, k = 0;
    if (lo < hi) best_populate(c, lo, hi);
    size_t *excluded = c->excluded + (size_t)part * nc, *unknown = c->unknown + (size_t)part * nc;
    if (c->block) {
        crit_block(c, ev, part, excluded, unknown, lo, hi, &k);
        c->kept[part] = k;
        return;
    }
    for (size_t i = lo; i < hi; i++) {
        if (part == 0 && c->pg && ((i - lo) & 0xfff) == 0)
            progress_update(c->pg, "evaluating units", (double)(i - lo) / (double)(hi - lo));
        eval_unit(ev, i);
        size_t j;
        for (j = 0; j < nc; j++) {
            const stmt *s = st->criteria[j];
            value v = eval_expr(ev, s->value);
            if (v_missing(v)) { unknown[j]++; break; }
            if ((v.u.i != 0) != (s->kind == S_INCLUDE)) { excluded[j]++; break; }
        }
        int64_t ar[ATTR_LEVELS];
        for (int lv = 0; lv < c->nlev; lv++) ar[lv] = eval_row_of(ev, c->lev[lv]);   /* (eval_unit's) */
        crit_unit(c, ev, i, j, ar, lo, &k);
    }
    c->kept[part] = k;
}

/* The unit table's ancestors counted in the attrition (lev[0] its parent,
 * then upwards; at most ATTR_LEVELS); lev may be NULL.  Returns how many. */
static int attr_levels(const study *st, const cohort_data *d, int *lev)
{
    int nlev = 0;
    for (int a = d->tables[st->unit].parent; a >= 0 && nlev < ATTR_LEVELS; a = d->tables[a].parent) {
        if (lev) lev[nlev] = a;
        nlev++;
    }
    return nlev;
}

/* The attrition table of n units: each criterion's excluded and unknown
 * units, and behind[j * nlev + lv] the rows of level lv (attr_levels) with
 * a unit that passed j steps (or NULL). */
static void record_attrition(const study *st, const cohort_data *d, results *res, size_t n,
                             const size_t *excluded, const size_t *unknown, const size_t *behind)
{
    size_t nc = st->ncriteria;
    char label[1024];
    snprintf(label, sizeof label, "all %s", d->tables[st->unit].name);
    results_attrition(res, label, n, 0, 0, n);
    int lev[ATTR_LEVELS];
    int nlev = attr_levels(st, d, lev);
    /* outermost (patients) first */
    const char *levnames[ATTR_LEVELS];
    size_t counts[ATTR_LEVELS];
    for (int lv = 0; lv < nlev; lv++) levnames[lv] = d->tables[lev[nlev - 1 - lv]].name;
    if (behind) {
        for (int lv = 0; lv < nlev; lv++) counts[lv] = behind[nlev - 1 - lv];
        results_attrition_levels(res, nlev, levnames, counts);
    }
    size_t before = n;
    for (size_t j = 0; j < nc; j++) {
        const stmt *s = st->criteria[j];
        size_t after = before - excluded[j] - unknown[j];
        snprintf(label, sizeof label, "%s \"%s\"", s->kind == S_INCLUDE ? "include" : "exclude", s->text);
        results_attrition(res, label, before, excluded[j], unknown[j], after);
        if (behind) {
            for (int lv = 0; lv < nlev; lv++) counts[lv] = behind[(j + 1) * (size_t)nlev + (size_t)(nlev - 1 - lv)];
            results_attrition_levels(res, nlev, levnames, counts);
        }
        before = after;
    }
}

/* ---- the results cache (rescache.h) ---------------------------------------------- */

/* Data problems the pool's evaluators have met so far in this run
 * (endpoints' counts, out-of-range results).  A result is written to the
 * results cache only while there is none: everything evaluated for it met
 * none, so taking it from the cache later loses no warning, and evaluating
 * an endpoint's unit again there (it counts each unit once per run) finds
 * none either.  (Not "none while computing it": a unit counted by an
 * earlier step is not counted again, and a later run may skip that step.)
 * The results of a run with data warnings are computed every time. */
static size_t problems(const evpool *p, const study *st)
{
    size_t n = 0;
    for (int t = 0; t < p->n; t++) {
        loc where = {0};
        n += eval_range_problems(p->ev[t], &where);
        for (size_t e = 0; e < st->neps; e++) {
            const ep_counts *c = eval_ep_counts(p->ev[t], (int)e);
            n += c->before_origin + c->after_censor + c->entry_after_end + c->rows_dropped + c->no_end;
        }
    }
    return n;
}

enum { SET_N, SET_KEPT, SET_NC, SET_NLEV, SET_META };

/* The units that pass the criteria and the attrition, from the results
 * cache entry of key (as apply_criteria computes them); NULL: none.  With
 * held, the units are not copied: they point into the entry, which *held
 * then keeps (read-only: the caller copies them before changing them,
 * and frees *held after; 18.8 MB of fresh pages and their copy at 1M). */
static size_t *set_from_cache(study *st, cohort_data *d, rescache *rc, const rc_key *key, results *res,
                              size_t *nout, rc_entry *held)
{
    rc_entry e;
    if (!rescache_get(rc, key, &e)) return NULL;
    size_t meta[SET_META] = {0}, n = d->tables[st->unit].nrows, nc = st->ncriteria;
    size_t nlev = (size_t)attr_levels(st, d, NULL);
    int ok = e.n == 5 && e.len[0] == sizeof meta;
    if (ok) memcpy(meta, e.p[0], sizeof meta);
    ok = ok && meta[SET_N] == n && meta[SET_KEPT] <= n && meta[SET_NC] == nc && meta[SET_NLEV] == nlev &&
         e.len[1] == meta[SET_KEPT] * sizeof(size_t) && e.len[2] == nc * sizeof(size_t) &&
         e.len[3] == nc * sizeof(size_t) && (e.len[4] == 0 || e.len[4] == nlev * (nc + 1) * sizeof(size_t));
    size_t k = ok ? meta[SET_KEPT] : 0;
    size_t *idx = ok && !held ? malloc((n + 1) * sizeof *idx) : NULL;
    size_t *ex = ok ? calloc(nc + 1, sizeof *ex) : NULL, *un = ok ? calloc(nc + 1, sizeof *un) : NULL;
    size_t *behind = ok && e.len[4] ? malloc(e.len[4]) : NULL;
    ok = (held || idx) && ex && un && (!e.len[4] || behind);
    if (ok) {
        /* (the entry's sections are 8-byte aligned in its page-aligned mapping) */
        const size_t *in = e.p[1];
        if (nc) memcpy(ex, e.p[2], e.len[2]);
        if (nc) memcpy(un, e.p[3], e.len[3]);
        if (behind) memcpy(behind, e.p[4], e.len[4]);
        /* units in order, each once (every pair compared: no early exit,
         * so that the loop vectorises) */
        size_t bad = k && in[k - 1] >= n;
        for (size_t i = 1; i < k; i++) bad |= in[i] <= in[i - 1];
        ok = !bad;
        if (ok && idx) memcpy(idx, in, e.len[1]);
    }
    if (ok) record_attrition(st, d, res, n, ex, un, behind);
    free(ex);
    free(un);
    free(behind);
    if (!ok || !held) rc_entry_free(&e);
    if (!ok) {
        free(idx);
        return NULL;
    }
    *nout = k;
    if (!held) return idx;
    *held = e;
    return (size_t *)e.p[1];
}

/* Apply include/exclude steps in order, in one pass over the units (each
 * unit's lets are computed once for all steps); returns the indices of the
 * units that pass (count in *nout) and records the attrition.  With
 * all_endpoints, every endpoint is also evaluated for the units that pass,
 * so that data problems are counted even for endpoints no estimate uses.
 * held: as set_from_cache's (then held->map is NULL unless the units point
 * into it; else they are the caller's to free). */
static size_t *apply_criteria(study *st, cohort_data *d, const evpool *pool, results *res, size_t *nout,
                              const uint8_t *eval_eps, rc_entry *held)
{
    size_t n = d->tables[st->unit].nrows, nc = st->ncriteria;
    rc_key key = {""};
    if (held) memset(held, 0, sizeof *held);
    if (pool->rc) {
        key = rescache_key_set(pool->rc, eval_eps);
        size_t *cached = set_from_cache(st, d, pool->rc, &key, res, nout, held);
        if (cached) return cached;
    }
    crit_ctx c;
    memset(&c, 0, sizeof c);
    c.st = st;
    c.eval_eps = eval_eps;
    c.pg = pool->pg;
    c.idx = malloc((n + 1) * sizeof *c.idx);
    c.excluded = calloc(MAX_THREADS * nc + 1, sizeof *c.excluded);
    c.unknown = calloc(MAX_THREADS * nc + 1, sizeof *c.unknown);
    size_t *excluded = calloc(nc + 1, sizeof *excluded), *unknown = calloc(nc + 1, sizeof *unknown);
    /* the patients (and courses...) behind the units left after each step:
     * the most steps each row of a level's table saw a unit of its pass,
     * worked out by the parts (crit_part) */
    c.nlev = attr_levels(st, d, c.lev);
    int best_ok = 1;
    for (int lv = 0; lv < c.nlev; lv++)
        if (!(c.best[lv] = calloc(d->tables[c.lev[lv]].nrows + 1, sizeof *c.best[lv]))) best_ok = 0;
    if (!c.idx || !c.excluded || !c.unknown || !excluded || !unknown || !best_ok) {
        for (int lv = 0; lv < c.nlev; lv++) free(c.best[lv]);
        free(c.idx);
        free(c.excluded);
        free(c.unknown);
        free(excluded);
        free(unknown);
        return NULL;
    }
    const expr **roots = malloc((nc + 1) * sizeof *roots);
    for (size_t j = 0; roots && j < nc; j++) roots[j] = st->criteria[j]->value;
    if (roots) pool_prepare(pool, roots, nc, eval_eps);
    else pool_prepare(pool, NULL, 0, NULL);
    free(roots);
    c.d = d;
    for (size_t e = 0; eval_eps && e < st->neps; e++) c.any_eps |= eval_eps[e] != 0;
    c.block = 1;
    for (size_t j = 0; j < nc; j++) c.block = c.block && eval_block_tv_ok(pool->ev[0], st->criteria[j]->value);
    int parts = parallel_for(pool, n, crit_part, &c);
    /* the parts' units, in order, to the front; their counts summed */
    size_t *idx = c.idx, k = 0;
    for (int t = 0; t < parts; t++) {
        size_t lo = n * (size_t)t / (size_t)parts;
        memmove(idx + k, idx + lo, c.kept[t] * sizeof *idx);
        k += c.kept[t];
        for (size_t j = 0; j < nc; j++) {
            excluded[j] += c.excluded[(size_t)t * nc + j];
            unknown[j] += c.unknown[(size_t)t * nc + j];
        }
    }
    free(c.excluded);
    free(c.unknown);
    /* behind[j][lv]: the rows of level lv with a unit that passed j steps or more */
    int nlev = c.nlev;
    size_t *behind = calloc((size_t)(nlev * (int)(nc + 1)) + 1, sizeof *behind);
    size_t *hist = calloc(nc + 2, sizeof *hist);
    for (int lv = 0; lv < nlev; lv++) {
        size_t na = d->tables[c.lev[lv]].nrows;
        if (behind && hist) {
            memset(hist, 0, (nc + 2) * sizeof *hist);
            for (size_t r = 0; r < na; r++) hist[atomic_load_explicit(&c.best[lv][r], memory_order_relaxed)]++;
            size_t atleast = 0;   /* rows whose best is 1 + j or more */
            for (size_t j = nc + 1; j >= 1; j--) {
                atleast += hist[j];
                behind[(j - 1) * (size_t)nlev + (size_t)lv] = atleast;
            }
        }
        free(c.best[lv]);
    }
    if (!hist) {
        free(behind);
        behind = NULL;
    }
    free(hist);
    record_attrition(st, d, res, n, excluded, unknown, behind);
    if (pool->rc && key.hex[0] && problems(pool, st) == 0) {
        size_t meta[SET_META] = {n, k, nc, (size_t)nlev};
        rc_entry e = {5, {meta, idx, excluded, unknown, behind},
                      {sizeof meta, k * sizeof *idx, nc * sizeof *excluded, nc * sizeof *unknown,
                       behind ? (size_t)nlev * (nc + 1) * sizeof *behind : 0}, NULL, 0, {0}, {0}};
        rescache_put(pool->rc, &key, &e);
    }
    free(behind);
    free(excluded);
    free(unknown);
    *nout = k;
    return idx;
}

/* ---- estimate arguments -------------------------------------------------------- */

/* Column buffers for one call; all freed together. */
typedef struct colbuf {
    void **ptrs;
    size_t n, cap;
    rc_entry *ents;         /* results cache entries columns point into */
    size_t nents;
    call_col *known;        /* the columns filled under a key (memo_get) */
    size_t nknown;
} colbuf;

static void *cb_alloc(colbuf *b, size_t size)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 32;
        void **p = realloc(b->ptrs, cap * sizeof *p);
        if (!p) return NULL;
        b->ptrs = p;
        b->cap = cap;
    }
    void *m = calloc(1, size ? size : 1);
    if (m) b->ptrs[b->n++] = m;
    return m;
}

/* take ownership of an existing allocation */
static void *cb_keep(colbuf *b, void *m)
{
    if (!m) return NULL;
    void *slot = cb_alloc(b, 1);
    if (!slot) { free(m); return NULL; }
    free(slot);
    b->ptrs[b->n - 1] = m;
    return m;
}

static void cb_free(colbuf *b)
{
    for (size_t i = 0; i < b->n; i++) free(b->ptrs[i]);
    free(b->ptrs);
    for (size_t i = 0; i < b->nents; i++) rc_entry_free(&b->ents[i]);
    free(b->ents);
    free(b->known);
}

/* Note that column v (n rows) was filled under key (memo_get names it by
 * the key); nothing when memory ran out (it is then not named). */
static void cb_known(colbuf *b, const cohort_vec *v, const rc_key *key, size_t n)
{
    if (!v || !key->hex[0]) return;
    call_col *x = realloc(b->known, (b->nknown + 1) * sizeof *x);
    if (!x) return;
    b->known = x;
    call_col *c = &b->known[b->nknown++];
    *c = (call_col){v, v->num, v->text, v->missing, n, {0}};
    memcpy(c->key, key->hex, sizeof c->key);
}

/* A per-row column to fill. */
typedef struct filler {
    const expr *e;
    cohort_vec *vec;
    cohort_surv *surv;
    int ep;
    double *origin;        /* with surv: each unit's origin date (for exposures) */
    size_t col;            /* in the database: e's column of the analysis dataset */
    int lazy;              /* a COLUMN or COLUMNS argument's column (fetch on demand) */
} filler;

/* A unit's first interval starts a day before its origin, so that an event
 * on the origin day (time 0) is at risk as in the right-censored analysis;
 * with a delayed entry it starts at the entry. */
#define FIRST_START (-1.0)

/* The call's endpoint sv becomes m (start, stop] rows of the call's units
 * (row_unit ru). */
static void set_intervals(cohort_call *call, cohort_surv *sv, const double *start, const double *stop,
                          const int *status, const unsigned char *miss, const size_t *ru, size_t m)
{
    sv->start = start;
    sv->time = stop;
    sv->status = status;
    sv->missing = miss;
    sv->n = m;
    call->nunits = call->nrows;
    call->nrows = m;
    call->row_unit = ru;
}

/* Repeat every per-unit argument (columns, formula terms but term `term`
 * of argument ai) on each of its unit's rows: m rows, row_unit ru. */
static int expand_vec(colbuf *b, cohort_vec *v, const size_t *row_unit, size_t m);
static int expand_args(colbuf *b, cohort_arg *args, size_t nargs, int ai, size_t term, const size_t *ru, size_t m)
{
    for (size_t k = 0; k < nargs; k++) {
        cohort_arg *a = &args[k];
        if (a->kind == COHORT_ARG_COLUMN && expand_vec(b, &a->vec, ru, m)) return -1;
        if (a->kind == COHORT_ARG_COLUMNS)
            for (size_t c = 0; c < a->columns.n; c++)
                if (expand_vec(b, (cohort_vec *)&a->columns.vecs[c], ru, m)) return -1;
        if (a->kind == COHORT_ARG_FORMULA)
            for (size_t t = 0; t < a->formula.nterms; t++)
                if (!((int)k == ai && t == term) &&
                    expand_vec(b, (cohort_vec *)&a->formula.terms[t].vec, ru, m)) return -1;
    }
    return 0;
}

static int vec_init(colbuf *b, cohort_vec *v, const expr *e, size_t n)
{
    /* a column the checker supplied (the default cluster) has no source text */
    v->name = cb_keep(b, e->kind == E_FIELD && e->sval ? strdup(e->sval) : loc_text(e->loc));
    if (!v->name) v->name = "?";
    int t = e->type.kind;
    v->type = t == TY_ANY || t == TY_ERROR ? COHORT_TYPE_REAL : t;
    v->n = n;
    v->missing = cb_alloc(b, n);
    if (v->type == COHORT_TYPE_TEXT) v->text = cb_alloc(b, n * sizeof(char *));
    else v->num = cb_alloc(b, n * sizeof(double));
    return v->missing && (v->text || v->num) ? 0 : -1;
}

static int surv_init(colbuf *b, cohort_surv *s, const endpointinfo *ep, size_t n)
{
    s->name = ep->s->name;
    s->n = n;
    s->time = cb_alloc(b, n * sizeof(double));
    s->status = cb_alloc(b, n * sizeof(int));
    s->missing = cb_alloc(b, n);
    s->ncauses = ep->ncauses;
    s->cause_names = ep->cause_names;
    if (ep->s->ep_entry && !(s->start = cb_alloc(b, n * sizeof(double)))) return -1;
    return s->time && s->status && s->missing ? 0 : -1;
}

/* Rows row.. of f (not an endpoint): the n values v */
static inline void fill_values(const filler *f, size_t row, const value *v, size_t n)
{
    /* (the vector's arrays read once: the stores could alias them) */
    const cohort_vec *vec = f->vec;
    unsigned char *miss = (unsigned char *)vec->missing + row;
    if (vec->type == COHORT_TYPE_TEXT) {
        const char **text = (const char **)vec->text + row;
        for (size_t i = 0; i < n; i++) {
            miss[i] = v_missing(v[i]);
            text[i] = v_missing(v[i]) ? "" : v[i].u.s;
        }
    } else {
        double *num = (double *)vec->num + row;
        for (size_t i = 0; i < n; i++) {
            miss[i] = v_missing(v[i]);
            num[i] = v_missing(v[i]) ? 0 : v_num(v[i]);
        }
    }
}

/* fill_values for f, an endpoint's member (number) e, from its endpoint's
 * values p[0..n) (eval_ep_member_num: the numbers eval_ep_member's values
 * hold) */
static inline __attribute__((always_inline)) void members_as(unsigned char *miss, double *num, const ep_value *p,
                                                             size_t n, int m)
{
    for (size_t i = 0; i < n; i++) {
        double x = 0;
        int known = eval_ep_member_num(&p[i], m, &x);
        miss[i] = (unsigned char)!known;
        num[i] = known ? x : 0;
    }
}
static inline void fill_members(const filler *f, size_t row, const ep_value *p, size_t n)
{
    const cohort_vec *vec = f->vec;
    unsigned char *miss = (unsigned char *)vec->missing + row;
    double *num = (double *)vec->num + row;
    /* a loop for each usual member: eval_ep_member_num's switch decided once */
    switch (f->e->col) {
    case EPM_TIME: members_as(miss, num, p, n, EPM_TIME); break;
    case EPM_STATUS: members_as(miss, num, p, n, EPM_STATUS); break;
    default: members_as(miss, num, p, n, f->e->col); break;
    }
}

/* Row `row` of f: the value v, or the endpoint p (f->surv) */
static inline void fill_put(const filler *f, size_t row, value v, const ep_value *p)
{
    if (f->surv) {
        ((unsigned char *)f->surv->missing)[row] = !p->known;
        ((double *)f->surv->time)[row] = p->known ? p->time : 0;
        ((int *)f->surv->status)[row] = p->known ? p->status : 0;
        if (f->surv->start) ((double *)f->surv->start)[row] = p->known && !isnan(p->entry) ? p->entry : FIRST_START;
        if (f->origin) f->origin[row] = p->known ? p->end_date - p->time : 0;
        return;
    }
    fill_values(f, row, &v, 1);
}

static void fill_list(evaluator *ev, cohort_list *l, colbuf *b, expr **items, size_t n, ty type)
{
    l->n = n;
    l->type = type.elem == TY_ANY ? COHORT_TYPE_REAL : type.elem;
    if (l->type == COHORT_TYPE_TEXT) {
        const char **t = cb_alloc(b, (n + 1) * sizeof *t);
        for (size_t i = 0; t && i < n; i++) {
            value v = eval_expr(ev, items[i]);
            t[i] = v_missing(v) ? "" : v.u.s;
        }
        l->text = t;
    } else {
        double *x = cb_alloc(b, (n + 1) * sizeof *x);
        for (size_t i = 0; x && i < n; i++) {
            value v = eval_expr(ev, items[i]);
            x[i] = v_missing(v) ? NAN : v_num(v);
        }
        l->num = x;
    }
}

/* Build the call's arguments over the analysis rows `rows`: units
 * evaluated, or rows of the analysis dataset computed in the database. */
typedef struct fill_ctx {
    const size_t *rows;
    const filler *fill;
    size_t nfill;
    const indb_set *db;
} fill_ctx;

/* Filler f's value for the current unit, put in row r (member: f is an
 * endpoint's member, eval_is_member) */
static inline void fill_one(evaluator *ev, const filler *f, int member, size_t r)
{
    if (f->surv) fill_put(f, r, V_MISSING, eval_endpoint(ev, f->ep));
    else fill_put(f, r, member ? eval_member(ev, f->e) : eval_expr(ev, f->e), NULL);
}

/* Units a block (eval_block) */
#define FILL_BLOCK 256
/* At most this many fillers and endpoints computed a block at a time */
#define MAX_BLOCKED 16

/* How fill_part fills each filler: */
enum {
    BY_UNIT,     /* unit by unit (fill_one) */
    BY_VALUE,    /* a block at a time, its value (eval_block's es) */
    BY_EP        /* a block at a time, from its endpoint (eval_block's eps): a member, or the endpoint */
};

/* Back the pages of rows [lo, hi) of the fillers' arrays (fresh memory)
 * before a part writes them, in a system call an array (colmem_populate)
 * instead of a fault a page. */
static void fill_populate(const filler *fill, size_t nfill, size_t lo, size_t hi)
{
    size_t n = hi - lo;
    for (size_t k = 0; k < nfill; k++) {
        const cohort_vec *v = fill[k].vec;
        const cohort_surv *sv = fill[k].surv;
        if (v) {
            colmem_populate((void *)(v->missing + lo), n);
            if (v->num) colmem_populate((void *)(v->num + lo), n * sizeof *v->num);
            if (v->text) colmem_populate((void *)(v->text + lo), n * sizeof *v->text);
        }
        if (sv) {
            colmem_populate((void *)(sv->missing + lo), n);
            colmem_populate((void *)(sv->time + lo), n * sizeof *sv->time);
            colmem_populate((void *)(sv->status + lo), n * sizeof *sv->status);
            if (sv->start) colmem_populate((void *)(sv->start + lo), n * sizeof *sv->start);
        }
    }
}

static void fill_part(void *ctxp, evaluator *ev, int part, size_t lo, size_t hi)
{
    const fill_ctx *c = ctxp;
    (void)part;
    if (c->db) {
        for (size_t r = lo; r < hi; r++) {
            size_t u = c->rows[r];
            for (size_t k = 0; k < c->nfill; k++) {
                const filler *f = &c->fill[k];
                ep_value p = f->surv ? indb_endpoint(c->db, f->ep, u) : (ep_value){0, 0, 0, 0, 0, 0};
                fill_put(f, r, f->surv ? V_MISSING : indb_value(c->db, f->col, u), f->surv ? &p : NULL);
            }
        }
        return;
    }
    if (lo == hi) return;
    fill_populate(c->fill, c->nfill, lo, hi);
    /* the part's first unit unit by unit: the quantifiers it reaches are
     * built then, as they were (eval_block takes only those built) */
    eval_unit(ev, c->rows[lo]);
    for (const filler *f = c->fill, *end = c->fill + c->nfill; f < end; f++) fill_one(ev, f, 0, lo);
    lo++;
    /* the fillers eval_block computes, a block of units at a time, first;
     * then the others unit by unit, given the lets and endpoints of the
     * first that they may read (eval_block_keep, eval_block_keep_ep) */
    size_t nf = c->nfill, nes = 0, neps = 0, nrest = 0, nroots = 0, nkeep = 0;
    int *how = malloc((nf + 1) * sizeof *how), *slot = malloc((nf + 1) * sizeof *slot);
    int *member = malloc((nf + 1) * sizeof *member), *restep = malloc((nf + 1) * sizeof *restep);
    const expr **roots = malloc((nf + 1) * sizeof *roots);
    const expr *es[MAX_BLOCKED];
    int eps[MAX_BLOCKED];
    size_t keep[MAX_BLOCKED];
    value *out[MAX_BLOCKED];
    ep_value *epout[MAX_BLOCKED];
    value *vals = malloc((MAX_BLOCKED + 1) * FILL_BLOCK * sizeof *vals);   /* (+1: members) */
    ep_value *epv = malloc(MAX_BLOCKED * FILL_BLOCK * sizeof *epv);
    if (!how || !slot || !member || !restep || !roots || !vals || !epv) nf = 0;   /* (all unit by unit) */
    for (size_t k = 0; k < nf; k++) {
        const filler *f = &c->fill[k];
        member[k] = !f->surv && eval_is_member(f->e);
        int ep = f->surv ? f->ep : member[k] ? f->e->slot : -1;
        size_t j = 0;
        while (j < neps && eps[j] != ep) j++;
        how[k] = BY_UNIT;
        if (ep >= 0 && (j < neps || (neps < MAX_BLOCKED && eval_block_ep_ok(ev, ep)))) {
            if (j == neps) eps[neps++] = ep;
            how[k] = BY_EP;
            slot[k] = (int)j;
        } else if (!f->surv && !member[k] && nes < MAX_BLOCKED && eval_block_ok(ev, f->e)) {
            how[k] = BY_VALUE;
            slot[k] = (int)nes;
            es[nes++] = f->e;
        } else {
            nrest++;
            if (!f->surv) roots[nroots++] = f->e;
        }
    }
    if (!nf) {
        for (size_t r = lo; r < hi; r++) {
            eval_unit(ev, c->rows[r]);
            for (const filler *f = c->fill, *end = c->fill + c->nfill; f < end; f++) fill_one(ev, f, 0, r);
        }
    } else {
        /* the lets the others may read (an expression's value needs no keeping: nothing remembers it) */
        size_t nrestep = 0;
        for (size_t k = 0; k < nf; k++)
            if (how[k] == BY_UNIT && c->fill[k].surv) restep[nrestep++] = c->fill[k].ep;
        for (size_t j = 0; nrest && j < nes; j++)
            if (eval_reaches_let(ev, roots, nroots, restep, nrestep, es[j])) keep[nkeep++] = j;
        for (size_t j = 0; j < MAX_BLOCKED; j++) {
            out[j] = vals + j * FILL_BLOCK;
            epout[j] = epv + j * FILL_BLOCK;
        }
        for (size_t b = lo; b < hi; b += FILL_BLOCK) {
            size_t m = hi - b < FILL_BLOCK ? hi - b : FILL_BLOCK;
            if (nes || neps) eval_block(ev, es, nes, eps, neps, c->rows + b, m, out, epout);
            for (size_t k = 0; k < nf; k++) {
                const filler *f = &c->fill[k];
                if (how[k] == BY_VALUE)
                    fill_values(f, b, out[slot[k]], m);
                else if (how[k] == BY_EP && f->surv)
                    for (size_t i = 0; i < m; i++) fill_put(f, b + i, V_MISSING, &epout[slot[k]][i]);
                else if (how[k] == BY_EP && f->vec->type != COHORT_TYPE_TEXT)
                    fill_members(f, b, epout[slot[k]], m);
                else if (how[k] == BY_EP) {
                    value *mv = vals + MAX_BLOCKED * FILL_BLOCK;
                    for (size_t i = 0; i < m; i++) mv[i] = eval_ep_member(&epout[slot[k]][i], f->e);
                    fill_values(f, b, mv, m);
                }
            }
            for (size_t i = 0; nrest && i < m; i++) {
                eval_unit(ev, c->rows[b + i]);
                for (size_t j = 0; j < nkeep; j++) eval_block_keep(ev, es[keep[j]], out[keep[j]][i]);
                for (size_t j = 0; j < neps; j++) eval_block_keep_ep(ev, eps[j], &epout[j][i]);
                for (size_t k = 0; k < nf; k++)
                    if (how[k] == BY_UNIT) fill_one(ev, &c->fill[k], member[k], b + i);
            }
        }
    }
    free(how);
    free(slot);
    free(member);
    free(restep);
    free(roots);
    free(vals);
    free(epv);
}

/* A filler's key in the results cache: its expression (and the column's
 * type), or its endpoint (and whether it keeps entries and origins), over
 * n units whose row numbers hash to units (rescache_units). */
static rc_key fill_key(rescache *rc, const filler *f, uint64_t units, size_t n)
{
    if (f->surv) return rescache_key_column(rc, NULL, f->ep, (f->surv->start ? 1u : 0u) | (f->origin ? 2u : 0u), units, n);
    return rescache_key_column(rc, f->e, -1, (unsigned)f->vec->type, units, n);
}

/* f's n rows as entry sections: missing flags, then values (text: each
 * row's offset into the strings that follow, each with its NUL); returns
 * the number of sections, 0 out of memory (*keep: to free after). */
static size_t fill_sections(const filler *f, size_t n, rc_entry *e, void **keep)
{
    *keep = NULL;
    if (f->surv) {
        const cohort_surv *sv = f->surv;
        *e = (rc_entry){5, {sv->missing, sv->time, sv->status, sv->start, f->origin},
                        {n, n * sizeof(double), n * sizeof(int), sv->start ? n * sizeof(double) : 0,
                         f->origin ? n * sizeof(double) : 0}, NULL, 0, {0}, {0}};
        return e->n;
    }
    const cohort_vec *v = f->vec;
    if (v->type != COHORT_TYPE_TEXT) {
        *e = (rc_entry){2, {v->missing, v->num}, {n, n * sizeof(double)}, NULL, 0, {0}, {0}};
        return e->n;
    }
    size_t bytes = 0;
    for (size_t r = 0; r < n; r++) bytes += strlen(v->text[r]) + 1;
    uint64_t *off = malloc((n + 1) * sizeof *off + bytes + 1);
    if (!off) return 0;
    char *blob = (char *)(off + n + 1);
    size_t at = 0;
    for (size_t r = 0; r < n; r++) {
        size_t len = strlen(v->text[r]) + 1;
        off[r] = at;
        memcpy(blob + at, v->text[r], len);
        at += len;
    }
    *keep = off;
    *e = (rc_entry){3, {v->missing, off, blob}, {n, n * sizeof *off, bytes}, NULL, 0, {0}, {0}};
    return e->n;
}

/* f's n rows from entry e (fill_sections), pointing into it (the caller
 * keeps it with the call's columns); 0, or -1 when it does not fit. */
static int fill_restore(const filler *f, size_t n, const rc_entry *e)
{
    if (f->surv) {
        cohort_surv *sv = f->surv;
        if (e->n != 5 || e->len[0] != n || e->len[1] != n * sizeof(double) || e->len[2] != n * sizeof(int) ||
            e->len[3] != (sv->start ? n * sizeof(double) : 0) || e->len[4] != (f->origin ? n * sizeof(double) : 0))
            return -1;
        sv->missing = e->p[0];
        sv->time = e->p[1];
        sv->status = e->p[2];
        if (sv->start) sv->start = e->p[3];
        if (f->origin) memcpy(f->origin, e->p[4], e->len[4]);   /* the caller's array (exposures) */
        return 0;
    }
    cohort_vec *v = f->vec;
    if (v->type != COHORT_TYPE_TEXT) {
        if (e->n != 2 || e->len[0] != n || e->len[1] != n * sizeof(double)) return -1;
        v->missing = e->p[0];
        v->num = e->p[1];
        return 0;
    }
    if (e->n != 3 || e->len[0] != n || e->len[1] != n * sizeof(uint64_t) || !e->len[2]) return -1;
    const uint64_t *off = e->p[1];
    const char *blob = e->p[2];
    size_t bytes = e->len[2];
    if (blob[bytes - 1] != 0) return -1;
    for (size_t r = 0; r < n; r++)
        if (off[r] >= bytes) return -1;
    v->missing = e->p[0];
    for (size_t r = 0; r < n; r++) ((const char **)v->text)[r] = blob + off[r];
    return 0;
}

/* Keep entry e with the call's columns (they point into it); 0 or -1. */
static int cb_keep_entry(colbuf *b, const rc_entry *e)
{
    rc_entry *x = realloc(b->ents, (b->nents + 1) * sizeof *x);
    if (!x) return -1;
    b->ents = x;
    b->ents[b->nents++] = *e;
    return 0;
}

/* The results cache's entries of keys[0..n) read on the run's threads
 * (each is mapped, hashed whole and decoded: the bulk of a rerun's reuse). */
typedef struct rc_gets {
    rescache *rc;
    const rc_key *keys;
    rc_entry *ents;
    uint8_t *hit;
} rc_gets;

static void rc_get_task(void *ctx, size_t k, int caller)
{
    const rc_gets *g = ctx;
    (void)caller;
    g->hit[k] = (uint8_t)rescache_get(g->rc, &g->keys[k], &g->ents[k]);
}

/* Fill the columns of fill[0..nfill) over rows: those the results cache
 * has from it (read on the threads, restored in order), the others
 * evaluated (and written to it while the run has met no data problem:
 * problems()).  given: their keys when taken already (deferred columns),
 * else NULL. */
static void fill_columns(const evpool *pool, const study *st, colbuf *b, filler *fill, size_t nfill,
                         const size_t *rows, size_t n, const rc_key *given)
{
    rc_key *keys = pool->rc ? calloc(nfill + 1, sizeof *keys) : NULL;
    rc_entry *ents = keys ? calloc(nfill + 1, sizeof *ents) : NULL;
    uint8_t *hit = ents ? calloc(nfill + 1, 1) : NULL;
    if (!hit) {
        free(keys);
        free(ents);
        keys = NULL;
        ents = NULL;
    }
    uint64_t units = keys && !given ? rescache_units(rows, n) : 0;   /* the same units for every column */
    for (size_t k = 0; keys && k < nfill; k++) keys[k] = given ? given[k] : fill_key(pool->rc, &fill[k], units, n);
    if (keys) {
        rc_gets g = {pool->rc, keys, ents, hit};
        tasks_run(pool->n, nfill, rc_get_task, &g);
    }
    size_t left = 0;
    for (size_t k = 0; k < nfill; k++) {
        if (keys && hit[k]) {
            rc_entry e = ents[k];
            /* a filler's arrays are its own until it is filled: restore a copy */
            filler f = fill[k];
            cohort_vec v = f.vec ? *f.vec : (cohort_vec){0};
            cohort_surv sv = f.surv ? *f.surv : (cohort_surv){0};
            if (f.vec) f.vec = &v;
            if (f.surv) f.surv = &sv;
            if (!fill_restore(&f, n, &e) && !cb_keep_entry(b, &e)) {
                if (fill[k].vec) *fill[k].vec = v;
                if (fill[k].surv) *fill[k].surv = sv;
                cb_known(b, fill[k].vec, &keys[k], n);
                continue;
            }
            rc_entry_free(&e);
        }
        if (keys) keys[left] = keys[k];
        fill[left++] = fill[k];
    }
    free(ents);
    free(hit);
    fill_ctx fc = {rows, fill, left, NULL};
    const expr **roots = left ? malloc(left * sizeof *roots) : NULL;
    uint8_t *eps = left ? calloc(st->neps + 1, 1) : NULL;
    size_t nroots = 0;
    for (size_t k = 0; roots && eps && k < left; k++) {
        if (fill[k].surv) eps[fill[k].ep] = 1;
        else roots[nroots++] = fill[k].e;
    }
    if (left && roots && eps) pool_prepare(pool, roots, nroots, eps);
    else if (left) pool_prepare(pool, NULL, 0, NULL);
    free(roots);
    free(eps);
    if (left) parallel_for(pool, n, fill_part, &fc);
    for (size_t k = 0; keys && k < left; k++) cb_known(b, fill[k].vec, &keys[k], n);
    for (size_t k = 0; keys && k < left && problems(pool, st) == 0; k++) {
        rc_entry e;
        void *keep = NULL;
        if (keys[k].hex[0] && fill_sections(&fill[k], n, &e, &keep)) rescache_put(pool->rc, &keys[k], &e);
        free(keep);
    }
    free(keys);
}

/* ---- columns fetched on demand (ABI 1.7) ------------------------------------------ */

/* The COLUMN and COLUMNS arguments' columns of an estimator flagged
 * COHORT_EST_COLUMNS_ON_DEMAND that the results cache names (a key): left
 * out by build_args (their vectors' values NULL) until the plugin fetches
 * them (cohort_host.fetch: defer_fetch), then filled as build_args fills
 * the others -- read from the cache after its checks, or evaluated as a
 * miss is.  A column never fetched is neither read nor evaluated: its
 * data problems are none, as the plugin fetches every column it reads
 * and keeps a result of columns (memo_put) only from a run that met none
 * (defer_may_keep).  On the first estimate the data problems are reported
 * (report_endpoint_problems) before the plugin's first warning or error,
 * or after it returns: after the fetches it makes first. */
static void report_endpoint_problems(const study *st, const evpool *pool, const indb_set *db, const results *res,
                                     diag *dg);

typedef struct deferred {
    filler *fill;           /* fill[k].vec NULL once fetched */
    rc_key *keys;
    cohort_vec *arrays;     /* each one's vector as vec_init made it (the arrays to fill) */
    size_t n, cap;
    const evpool *pool;
    const study *st;
    colbuf *b;
    const size_t *rows;
    size_t nrows;
    call_ctx *cc;           /* its columns named for memo_get: b's, renewed by each fetch */
    int report;             /* the first estimate's report of data problems is still to come */
    const indb_set *db;
    const results *res;
    diag *dg;
    double secs;            /* spent fetching (evaluation, not the estimate's own time) */
} deferred;

static void deferred_free(deferred *z)
{
    free(z->fill);
    free(z->keys);
    free(z->arrays);
    z->fill = NULL;
    z->keys = NULL;
    z->arrays = NULL;
    z->n = z->cap = 0;
}

/* Leave filler f (key k) out until fetched: its vector's values NULL;
 * 0, or -1 when out of memory. */
static int defer_add(deferred *z, const filler *f, const rc_key *k)
{
    if (z->n == z->cap) {
        size_t cap = z->cap ? 2 * z->cap : 16;
        filler *x = realloc(z->fill, cap * sizeof *x);
        if (x) z->fill = x;
        rc_key *y = x ? realloc(z->keys, cap * sizeof *y) : NULL;
        if (y) z->keys = y;
        cohort_vec *a = y ? realloc(z->arrays, cap * sizeof *a) : NULL;
        if (!a) return -1;
        z->arrays = a;
        z->cap = cap;
    }
    z->fill[z->n] = *f;
    z->keys[z->n] = *k;
    z->arrays[z->n++] = *f->vec;
    f->vec->num = NULL;
    f->vec->text = NULL;
    f->vec->missing = NULL;
    return 0;
}

/* The columns never fetched. */
static size_t defer_unread(const deferred *z)
{
    size_t u = 0;
    for (size_t k = 0; k < z->n; k++) u += z->fill[k].vec != NULL;
    return u;
}

/* The first estimate's report of data problems, once. */
static void defer_report(void *ctx)
{
    deferred *z = ctx;
    if (!z->report) return;
    z->report = 0;
    report_endpoint_problems(z->st, z->pool, z->db, z->res, z->dg);
}

/* cohort_host.fetch: fill the columns of vecs[0..n) left out, together
 * (fill_columns: read on the threads, or evaluated in one pass). */
static int defer_fetch(void *ctx, const cohort_vec *const *vecs, size_t n)
{
    deferred *z = ctx;
    double t0 = now();
    filler *f = malloc((z->n + 1) * sizeof *f);
    rc_key *k = malloc((z->n + 1) * sizeof *k);
    if (!f || !k) {
        free(f);
        free(k);
        return -1;
    }
    size_t m = 0;
    for (size_t j = 0; j < z->n; j++) {
        if (!z->fill[j].vec) continue;
        size_t i = 0;
        while (i < n && vecs[i] != z->fill[j].vec) i++;
        if (i == n) continue;
        *z->fill[j].vec = z->arrays[j];   /* its arrays back, to restore or evaluate into */
        f[m] = z->fill[j];
        k[m++] = z->keys[j];
        z->fill[j].vec = NULL;
    }
    if (m) fill_columns(z->pool, z->st, z->b, f, m, z->rows, z->nrows, k);
    free(f);
    free(k);
    /* fill_columns named the columns filled (cb_known): memo_get finds them */
    z->cc->cols = z->b->known;
    z->cc->ncols = z->b->nknown;
    z->secs += now() - t0;
    return 0;
}

/* memo_put: a result is kept only while the run has met no data problem
 * (as the results cache's own, problems()). */
static int defer_may_keep(void *ctx)
{
    const deferred *z = ctx;
    return problems(z->pool, z->st) == 0;
}

/* The columns of the analysis dataset: each distinct expression ei's
 * per-row arguments evaluate (add_column); the endpoints come with it. */
typedef struct db_cols {
    const expr **e;
    size_t n, cap;
    int oom;
} db_cols;

static size_t add_column(db_cols *c, const expr *e)
{
    for (size_t k = 0; k < c->n; k++)
        if (c->e[k] == e) return k;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 16;
        const expr **x = realloc(c->e, cap * sizeof *x);
        if (!x) { c->oom = 1; return 0; }
        c->e = x;
        c->cap = cap;
    }
    c->e[c->n] = e;
    return c->n++;
}

/* The expression that fills term k of formula argument ba: the variable of
 * ref(x, "level"), an exposure's start date, or the term */
static const expr *unref(const expr *t, const char **ref)
{
    if (t->kind == E_CALL && strcmp(t->name, "ref") == 0 && t->nitems == 2) {
        if (ref) *ref = t->items[1]->text;
        t = t->items[0];
    }
    return t;
}

static const expr *term_value(const study *st, const boundarg *ba, size_t k, const char **ref)
{
    const expr *t = unref(ba->items[k], ref);
    return ba->exposure >= 0 && k == ba->exposure_term ? st->exposures[ba->exposure]->value : t;
}

/* Every per-row expression of the estimates' arguments into c */
static void estimate_columns(const study *st, db_cols *c)
{
    for (size_t i = 0; i < st->nests; i++)
        for (size_t a = 0; a < st->ests[i].nargs; a++) {
            const boundarg *ba = &st->ests[i].args[a];
            if (ba->kind == COHORT_ARG_COLUMN) add_column(c, ba->value);
            if (ba->kind == COHORT_ARG_COLUMNS)
                for (size_t k = 0; k < ba->nitems; k++) add_column(c, ba->items[k]);
            if (ba->kind != COHORT_ARG_FORMULA) continue;
            if (!ba->endpoint) add_column(c, ba->value->a);
            for (size_t k = 0; k < ba->nitems; k++) {
                const expr *t = ba->items[k];
                if (t->kind != E_INTERACT) add_column(c, term_value(st, ba, k, NULL));
                for (size_t v = 0; t->kind == E_INTERACT && v < t->nitems; v++)
                    add_column(c, unref(t->items[v], NULL));
            }
        }
}

static int build_args(study *st, const evpool *pool, const estimateinfo *ei, const size_t *rows, size_t n,
                      cohort_arg *args, colbuf *b, double **origin, int *expo_arg, const indb_set *db,
                      db_cols *dbc, deferred *lazy)
{
    evaluator *ev = pool->ev[0];
    *origin = NULL;
    *expo_arg = -1;
    filler *fill = NULL;
    size_t nfill = 0, capfill = 0;
#define ADDFILL(...) do { \
        if (nfill == capfill) { capfill = capfill ? 2 * capfill : 16; filler *x_ = realloc(fill, capfill * sizeof *x_); if (!x_) { free(fill); return -1; } fill = x_; } \
        fill[nfill++] = (filler){__VA_ARGS__, 0, 0}; } while (0)
    for (size_t i = 0; i < ei->nargs; i++) {
        const boundarg *ba = &ei->args[i];
        cohort_arg *a = &args[i];
        memset(a, 0, sizeof *a);
        a->name = ba->param->name;
        a->kind = ba->kind;
        switch (ba->kind) {
        case COHORT_ARG_NUMBER: case COHORT_ARG_DURATION: case COHORT_ARG_BOOL: {
            value v = eval_expr(ev, ba->value);
            a->num = v_missing(v) ? NAN : v_num(v);
            break;
        }
        case COHORT_ARG_TEXT: {
            value v = eval_expr(ev, ba->value);
            a->text = v_missing(v) ? "" : v.u.s;
            break;
        }
        case COHORT_ARG_LIST: {
            if (ba->value->kind == E_LIST) {
                fill_list(ev, &a->list, b, ba->items, ba->nitems, ba->value->type);
            } else {
                value v = eval_expr(ev, ba->value);
                const vlist *l = v_missing(v) ? NULL : v.u.l;
                size_t m = l ? l->n : 0;
                a->list.n = m;
                a->list.type = ba->value->type.elem == TY_ANY ? COHORT_TYPE_REAL : ba->value->type.elem;
                if (a->list.type == COHORT_TYPE_TEXT) {
                    const char **t = cb_alloc(b, (m + 1) * sizeof *t);
                    for (size_t k = 0; t && k < m; k++) t[k] = v_missing(l->items[k]) ? "" : l->items[k].u.s;
                    a->list.text = t;
                } else {
                    double *x = cb_alloc(b, (m + 1) * sizeof *x);
                    for (size_t k = 0; x && k < m; k++) x[k] = v_missing(l->items[k]) ? NAN : v_num(l->items[k]);
                    a->list.num = x;
                }
            }
            break;
        }
        case COHORT_ARG_COLUMN:
            if (vec_init(b, &a->vec, ba->value, n)) { free(fill); return -1; }
            ADDFILL(ba->value, &a->vec, NULL, -1, NULL);
            fill[nfill - 1].lazy = 1;
            break;
        case COHORT_ARG_COLUMNS: {
            cohort_vec *v = cb_alloc(b, (ba->nitems + 1) * sizeof *v);
            if (!v) { free(fill); return -1; }
            for (size_t k = 0; k < ba->nitems; k++) {
                if (vec_init(b, &v[k], ba->items[k], n)) { free(fill); return -1; }
                ADDFILL(ba->items[k], &v[k], NULL, -1, NULL);
                fill[nfill - 1].lazy = 1;
            }
            a->columns.n = ba->nitems;
            a->columns.vecs = v;
            break;
        }
        case COHORT_ARG_ENDPOINTS: {
            cohort_surv *sv = cb_alloc(b, (ba->nitems + 1) * sizeof *sv);
            if (!sv) { free(fill); return -1; }
            for (size_t k = 0; k < ba->nitems; k++) {
                if (surv_init(b, &sv[k], &st->eps[ba->items[k]->slot], n)) { free(fill); return -1; }
                ADDFILL(NULL, NULL, &sv[k], ba->items[k]->slot, NULL);
            }
            a->endpoints.n = ba->nitems;
            a->endpoints.survs = sv;
            break;
        }
        case COHORT_ARG_ENDPOINT:
            if (surv_init(b, &a->surv, &st->eps[ba->value->slot], n)) { free(fill); return -1; }
            ADDFILL(NULL, NULL, &a->surv, ba->value->slot, NULL);
            break;
        case COHORT_ARG_FORMULA: {
            cohort_formula *fm = &a->formula;
            const expr *lhs = ba->value->a;
            fm->lhs_is_endpoint = ba->endpoint;
            if (ba->endpoint) {
                if (surv_init(b, &fm->surv, &st->eps[lhs->slot], n)) { free(fill); return -1; }
                if (ba->exposure >= 0) {
                    *origin = cb_alloc(b, (n + 1) * sizeof **origin);
                    if (!*origin) { free(fill); return -1; }
                    *expo_arg = (int)i;
                }
                ADDFILL(NULL, NULL, &fm->surv, lhs->slot, ba->exposure >= 0 ? *origin : NULL);
            } else {
                if (vec_init(b, &fm->lhs, lhs, n)) { free(fill); return -1; }
                ADDFILL(lhs, &fm->lhs, NULL, -1, NULL);
            }
            cohort_term *terms = cb_alloc(b, (ba->nitems + 1) * sizeof *terms);
            if (!terms) { free(fill); return -1; }
            size_t nmain = 0;
            for (size_t k = 0; k < ba->nitems; k++) {
                if (ba->items[k]->kind == E_INTERACT) continue;   /* after the main effects: add_interactions */
                nmain++;
                /* an exposure's term is filled with its start date, turned into
                 * 0/1 per (start, stop] interval by expand_exposure */
                const expr *val = term_value(st, ba, k, &terms[k].ref);
                if (vec_init(b, &terms[k].vec, val, n)) { free(fill); return -1; }
                if (ba->exposure >= 0 && k == ba->exposure_term)
                    terms[k].vec.name = st->exposures[ba->exposure]->name;
                /* without ref(), the first level of the rules' order (labels.h) */
                if (!terms[k].ref) terms[k].ref = labels_reference(st->labels, terms[k].vec.name);
                ADDFILL(val, &terms[k].vec, NULL, -1, NULL);
            }
            fm->nterms = nmain;
            fm->terms = terms;
            break;
        }
        }
    }
#undef ADDFILL
    for (size_t k = 0; db && k < nfill; k++)
        if (!fill[k].surv) fill[k].col = add_column(dbc, fill[k].e);
    if (db) {
        fill_ctx fc = {rows, fill, nfill, db};
        pool_prepare(pool, NULL, 0, NULL);
        parallel_for(pool, n, fill_part, &fc);
    } else {
        /* an on-demand estimator's columns that the cache names are left
         * out (deferred); the others filled now */
        size_t left = 0;
        uint64_t units = lazy && pool->rc ? rescache_units(rows, n) : 0;
        for (size_t k = 0; k < nfill; k++) {
            rc_key key = {""};
            if (lazy && pool->rc && fill[k].lazy) key = fill_key(pool->rc, &fill[k], units, n);
            if (key.hex[0]) {
                if (defer_add(lazy, &fill[k], &key)) { free(fill); return -1; }
                cb_known(b, fill[k].vec, &key, n);
                continue;
            }
            fill[left++] = fill[k];
        }
        fill_columns(pool, st, b, fill, left, rows, n, NULL);
    }
    free(fill);
    return 0;
}

/* ---- interactions ------------------------------------------------------------------ */

static void *cb_alloc_cb(void *b, size_t size)
{
    return cb_alloc(b, size);
}

/* Append the columns of formula argument a's interaction terms (interact.h)
 * to its terms: their variables are evaluated over the rows, and factors
 * coded on the rows where the left side and every variable of the formula
 * are known.  Returns 0, or 1 after a located error (-1: out of memory). */
static int add_interactions(const study *st, const evpool *pool, const estimateinfo *ei, const boundarg *ba, cohort_arg *a,
                            const size_t *rows, size_t n, colbuf *b, const indb_set *db, db_cols *dbc, diag *dg)
{
    cohort_formula *fm = &a->formula;
    size_t nia = 0, nvar = 0;
    for (size_t k = 0; k < ba->nitems; k++)
        if (ba->items[k]->kind == E_INTERACT) nia++, nvar += ba->items[k]->nitems;
    if (!nia) return 0;
    ia_term *ia = cb_alloc(b, nia * sizeof *ia);
    filler *fill = cb_alloc(b, nvar * sizeof *fill);
    if (!ia || !fill) return -1;
    size_t f = 0, t = 0;
    for (size_t k = 0; k < ba->nitems; k++) {
        const expr *it = ba->items[k];
        if (it->kind != E_INTERACT) continue;
        cohort_vec *vars = cb_alloc(b, it->nitems * sizeof *vars);
        const char **ref = cb_alloc(b, it->nitems * sizeof *ref);
        if (!vars || !ref) return -1;
        for (size_t v = 0; v < it->nitems; v++) {
            const expr *x = unref(it->items[v], &ref[v]);
            if (vec_init(b, &vars[v], x, n)) return -1;
            /* without ref(), the first level of the rules' order, as for a main effect */
            if (!ref[v]) ref[v] = labels_reference(st->labels, vars[v].name);
            fill[f] = (filler){x, &vars[v], NULL, -1, NULL, 0, 0};
            if (db) fill[f].col = add_column(dbc, x);   /* fetched with the others (estimate_columns) */
            f++;
        }
        ia[t++] = (ia_term){it->nitems, vars, ref, (unsigned)it->op};
    }
    fill_ctx fc = {rows, fill, f, db};
    pool_prepare(pool, NULL, 0, NULL);
    parallel_for(pool, n, fill_part, &fc);

    unsigned char *use = cb_alloc(b, n + 1);
    if (!use) return -1;
    for (size_t i = 0; i < n; i++) {
        int known = !(fm->lhs_is_endpoint ? fm->surv.missing[i] : fm->lhs.missing[i]);
        for (size_t k = 0; k < fm->nterms && known; k++) known = !fm->terms[k].vec.missing[i];
        for (size_t k = 0; k < f && known; k++) known = !fill[k].vec->missing[i];
        use[i] = (unsigned char)known;
    }
    cohort_term **cols = cb_alloc(b, nia * sizeof *cols);
    size_t *ncol = cb_alloc(b, nia * sizeof *ncol), total = fm->nterms;
    if (!cols || !ncol) return -1;
    t = 0;
    for (size_t k = 0; k < ba->nitems; k++) {
        const expr *it = ba->items[k];
        if (it->kind != E_INTERACT) continue;
        char err[512];
        ncol[t] = ia_columns(&ia[t], n, use, cb_alloc_cb, b, &cols[t], err, sizeof err);
        if (!ncol[t]) {
            diag_at(dg, DIAG_ERROR, it->loc, "%s: %s", ei->est->name, err);
            return 1;
        }
        total += ncol[t++];
    }
    cohort_term *terms = cb_alloc(b, (total + 1) * sizeof *terms);
    if (!terms) return -1;
    if (fm->nterms) memcpy(terms, fm->terms, fm->nterms * sizeof *terms);
    size_t j = fm->nterms;
    for (t = 0; t < nia; t++)
        for (size_t c = 0; c < ncol[t]; c++) terms[j++] = cols[t][c];
    fm->terms = terms;
    fm->nterms = total;
    return 0;
}

/* ---- time-varying exposures ------------------------------------------------------ */

/* Copy a per-unit column to per-row through row_unit. */
static int expand_vec(colbuf *b, cohort_vec *v, const size_t *row_unit, size_t m)
{
    unsigned char *miss = cb_alloc(b, m + 1);
    if (!miss) return -1;
    for (size_t r = 0; r < m; r++) miss[r] = v->missing[row_unit[r]];
    if (v->text) {
        const char **t = cb_alloc(b, (m + 1) * sizeof *t);
        if (!t) return -1;
        for (size_t r = 0; r < m; r++) t[r] = v->text[row_unit[r]];
        v->text = t;
    } else {
        double *x = cb_alloc(b, (m + 1) * sizeof *x);
        if (!x) return -1;
        for (size_t r = 0; r < m; r++) x[r] = v->num[row_unit[r]];
        v->num = x;
    }
    v->missing = miss;
    v->n = m;
    return 0;
}

/* Split each unit's follow-up (s, T] (s: its delayed entry, or the origin)
 * at its exposure start e (days from origin): unexposed on (s, e], exposed
 * on (e, T] with the unit's status on the last interval.  Units exposed
 * from the start (e <= s) have one exposed row; units never exposed
 * (missing start, or e >= T) one unexposed row.
 * Every other per-unit argument is repeated on each of the unit's rows. */
static int expand_exposure(colbuf *b, cohort_call *call, cohort_arg *args, size_t nargs, int ai,
                           size_t term, const double *origin)
{
    size_t n = call->nrows;
    cohort_formula *fm = &args[ai].formula;
    cohort_surv *sv = &fm->surv;
    cohort_vec *ex = (cohort_vec *)&fm->terms[term].vec;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        double e = ex->missing[i] || sv->missing[i] ? NAN : ex->num[i] - origin[i];
        double s0 = sv->start ? sv->start[i] : FIRST_START;
        m += (!isnan(e) && e > s0 && e > 0 && e < sv->time[i]) ? 2 : 1;
    }
    size_t *ru = cb_alloc(b, (m + 1) * sizeof *ru);
    double *start = cb_alloc(b, (m + 1) * sizeof *start), *stop = cb_alloc(b, (m + 1) * sizeof *stop);
    int *status = cb_alloc(b, (m + 1) * sizeof *status);
    unsigned char *smiss = cb_alloc(b, m + 1), *xmiss = cb_alloc(b, m + 1);   /* zeroed */
    double *x = cb_alloc(b, (m + 1) * sizeof *x);
    if (!ru || !start || !stop || !status || !smiss || !xmiss || !x) return -1;
    size_t r = 0;
    for (size_t i = 0; i < n; i++) {
        double T = sv->time[i];
        double e = ex->missing[i] || sv->missing[i] ? NAN : ex->num[i] - origin[i];
        double s0 = sv->start ? sv->start[i] : FIRST_START;
        if (!isnan(e) && e > s0 && e > 0 && e < T) {
            ru[r] = i; start[r] = s0; stop[r] = e; status[r] = 0; x[r] = 0; smiss[r] = 0; r++;
            ru[r] = i; start[r] = e; stop[r] = T; status[r] = sv->status[i]; x[r] = 1; smiss[r] = 0; r++;
        } else {
            ru[r] = i; start[r] = s0; stop[r] = T; status[r] = sv->status[i];
            x[r] = !isnan(e) && (e <= 0 || e <= s0); smiss[r] = sv->missing[i]; r++;
        }
    }
    if (expand_args(b, args, nargs, ai, term, ru, m)) return -1;
    ex->type = COHORT_TYPE_BOOL;
    ex->num = x;
    ex->text = NULL;
    ex->missing = xmiss;
    ex->n = m;
    set_intervals(call, sv, start, stop, status, smiss, ru, m);
    return 0;
}

/* ---- endpoints given by rows ------------------------------------------------------- */

/* The argument of estimate ei that is an endpoint given by rows, or -1. */
static int rows_arg(const study *st, const estimateinfo *ei, int *ep)
{
    for (size_t i = 0; i < ei->nargs; i++) {
        const boundarg *ba = &ei->args[i];
        int e = ba->kind == COHORT_ARG_ENDPOINT ? ba->value->slot
              : ba->kind == COHORT_ARG_FORMULA && ba->endpoint ? ba->value->a->slot : -1;
        if (e >= 0 && ep_rows_table(&st->eps[e]) >= 0) {
            *ep = e;
            return (int)i;
        }
    }
    return -1;
}

/* May estimate ei's columns be left out until its plugin fetches them
 * (deferred)?  When its estimator is flagged COHORT_EST_COLUMNS_ON_DEMAND,
 * the results cache is on, the columns are evaluated here (not in the
 * database), and nothing of the host reads their values before run(): no
 * formula (its interactions, an exposure splitting the rows), no endpoint
 * with rows (its intervals repeat the columns), no small-cell check of the
 * levels (min_cell). */
static int on_demand(const study *st, const estimateinfo *ei, const indb_set *db, const rescache *rc, int min_cell)
{
    if (db || !rc || min_cell >= 2 ||
        !(plugin_estimator_flags(ei->plugin, ei->est) & COHORT_EST_COLUMNS_ON_DEMAND))
        return 0;
    int ep;
    if (rows_arg(st, ei, &ep) >= 0) return 0;
    for (size_t k = 0; k < ei->nargs; k++)
        if (ei->args[k].kind == COHORT_ARG_FORMULA) return 0;
    return 1;
}

/* Replace each unit's row (units: rows of the unit table) by its intervals
 * of the endpoint given by rows in argument ai: (start, stop] with each
 * row's status, the start a day before the origin without an entry column
 * (FIRST_START); a unit without any keeps one row, missing.  Every other
 * per-unit argument is repeated on each of the unit's rows. */
static int expand_intervals(colbuf *b, cohort_call *call, cohort_arg *args, size_t nargs, int ai,
                            const study *st, cohort_data *d, const size_t *units, int ep)
{
    size_t n = call->nrows, m = 0, most = 1;
    cohort_surv *sv = args[ai].kind == COHORT_ARG_FORMULA ? &args[ai].formula.surv : &args[ai].surv;
    for (size_t i = 0; i < n; i++) {
        size_t c = epdata_intervals(st, d, ep, units[i], NULL, NULL);
        m += c ? c : 1;
        if (c > most) most = c;
    }
    size_t *ru = cb_alloc(b, (m + 1) * sizeof *ru);
    double *start = cb_alloc(b, (m + 1) * sizeof *start), *stop = cb_alloc(b, (m + 1) * sizeof *stop);
    int *status = cb_alloc(b, (m + 1) * sizeof *status);
    unsigned char *miss = cb_alloc(b, m + 1);
    ep_interval *iv = cb_alloc(b, most * sizeof *iv);
    if (!ru || !start || !stop || !status || !miss || !iv) return -1;
    size_t r = 0;
    for (size_t i = 0; i < n; i++) {
        size_t c = epdata_intervals(st, d, ep, units[i], iv, NULL);
        if (!c) {
            ru[r] = i; start[r] = FIRST_START; stop[r] = 0; status[r] = 0; miss[r] = 1; r++;
        }
        for (size_t k = 0; k < c; k++, r++) {
            ru[r] = i;
            start[r] = isnan(iv[k].start) ? FIRST_START : iv[k].start;
            stop[r] = iv[k].stop;
            status[r] = iv[k].status;
        }
    }
    if (expand_args(b, args, nargs, -1, 0, ru, m)) return -1;
    set_intervals(call, sv, start, stop, status, miss, ru, m);
    return 0;
}

/* ---- output settings ---------------------------------------------------------- */

/* The rules' `privacy` and `plot` statements (validated by the checker),
 * then the command line: --min-cell only makes the rule stricter. */
typedef struct out_settings {
    int min_cell;
    render_opts ro;
} out_settings;

/* One `plot` or `privacy` setting (checked) into os. */
static void out_setting(const stmt *s, out_settings *os)
{
    const expr *v = s->value;
    render_opts *ro = &os->ro;
    const char *k = s->text;
    if (!strcmp(s->name, "privacy")) {
        if (!strcmp(k, "min_cell")) os->min_cell = (int)v->ival;
        return;
    }
    if (!strcmp(k, "time_limit")) ro->time_limit = v->days;
    else if (!strcmp(k, "min_at_risk")) ro->min_at_risk = (double)v->ival;
    else if (!strcmp(k, "ci_bands")) ro->ci_bands = v->ival != 0;
    else if (!strcmp(k, "annotate")) ro->annotate = v->ival != 0;
    else if (!strcmp(k, "breaks")) ro->breaks = v->days;
    else if (!strcmp(k, "width") || !strcmp(k, "height") || !strcmp(k, "y_limits")) {
        /* numbers, checked: literals, possibly negated */
        const expr *const *it = v->kind == E_LIST ? (const expr *const *)v->items : &v;
        size_t n = v->kind == E_LIST ? v->nitems : 1;
        double x[2] = {0, 0};
        for (size_t i = 0; i < n && i < 2; i++) {
            const expr *e = it[i];
            int neg = e->kind == E_UNARY && e->a;
            if (neg) e = e->a;
            x[i] = e->kind == E_INT ? (double)e->ival : e->rval;
            if (neg) x[i] = -x[i];
        }
        if (!strcmp(k, "width")) ro->width = x[0];
        else if (!strcmp(k, "height")) ro->height = x[0];
        else { ro->ylim[0] = x[0]; ro->ylim[1] = x[1]; }
    } else if (!strcmp(k, "colours")) {
        ro->ncolours = 0;
        for (size_t i = 0; i < v->nitems && i < RENDER_MAX_STYLES; i++)
            ro->colours[ro->ncolours++] = (unsigned)strtoul(v->items[i]->sval + 1, NULL, 16);
    } else if (!strcmp(k, "line_types")) {
        ro->nline_types = 0;
        for (size_t i = 0; i < v->nitems && i < RENDER_MAX_STYLES; i++)
            ro->line_types[ro->nline_types++] = render_line_type(v->items[i]->sval);
    }
}

static void out_settings_make(const study *st, const run_opts *o, out_settings *os)
{
    memset(os, 0, sizeof *os);
    os->ro.time_unit_days = st->unit_days[st->timescale];
    os->ro.time_unit = unit_name(st->timescale);
    os->ro.time_limit = NAN;
    os->ro.ci_bands = 1;
    for (size_t i = 0; i < st->prog->nstmts; i++) {
        const stmt *s = st->prog->stmts[i];
        if (s->kind == S_SETTING && s->value) out_setting(s, os);
    }
    /* the command line: --plot KEY=VALUE, then the options of their own */
    for (size_t i = 0; i < st->nplot_options; i++) out_setting(st->plot_options[i], os);
    if (o->min_cell > os->min_cell) os->min_cell = o->min_cell;
    if (os->min_cell < 2) os->min_cell = 0;
    if (o->time_limit > 0 && o->time_limit_unit >= DU_DAY && o->time_limit_unit <= DU_YEAR)
        os->ro.time_limit = o->time_limit * st->unit_days[o->time_limit_unit];
    if (o->min_at_risk > 0) os->ro.min_at_risk = o->min_at_risk;
    if (o->no_ci_bands) os->ro.ci_bands = 0;
    os->ro.min_cell = os->min_cell;
}

/* "3 units" or, under the small-cell rule, "<5 units" */
static void count_words(int min_cell, size_t n, const char *one, const char *many, char *buf, size_t size)
{
    if (privacy_hides((double)n, min_cell)) snprintf(buf, size, "<%d %s", min_cell, many);
    else snprintf(buf, size, "%zu %s", n, n == 1 ? one : many);
}

/* Every warning of a run is also kept for the report: the diagnostics
 * callback is tapped while the run lasts. */
typedef struct warn_tap {
    diag_fn fn;
    void *ud;
    char **w;
    size_t n;
    progress *pg;           /* erased before a diagnostic is printed */
} warn_tap;

static void tap_cb(void *ud, const diagnostic *d)
{
    warn_tap *t = ud;
    if (d->level == DIAG_WARNING) {
        char buf[4096];
        if (d->file && d->line) snprintf(buf, sizeof buf, "%s:%d: %s", d->file, d->line, d->msg);
        else if (d->file) snprintf(buf, sizeof buf, "%s: %s", d->file, d->msg);
        else snprintf(buf, sizeof buf, "%s", d->msg);
        char **x = realloc(t->w, (t->n + 1) * sizeof *x);
        if (x) {
            t->w = x;
            t->w[t->n] = strdup(buf);
            if (t->w[t->n]) t->n++;
        }
    }
    progress_clear(t->pg);
    if (t->fn) t->fn(t->ud, d);
}

/* The rules files (the exact bytes parsed) and the data files, hashed;
 * returns how many data files were read for it. */
static size_t record_inputs(results *res, const loaded *l, int in_db)
{
    char hex[65];
    size_t read = 0;
    for (size_t i = 0; i < l->prog->nfiles; i++) {
        const srcfile *f = l->prog->files[i];
        if (!f->name || f->name[0] == '-') continue;   /* a --set value, not a file */
        sha256_mem(f->text, f->len, hex);
        results_input(res, "rules", f->name, hex);
        results_input_text(res, f->text);
    }
    /* a database table: its label, and the hash of the rows as read */
    const table_spec *sp = l->spool ? pg_spool_specs(l->spool) : l->st->specs;
    for (size_t i = 0; i < l->st->nspecs; i++) {
        /* as the rerun cache knew it, else as computed in the background
         * (then kept in the cache's entry) or, when that could not start,
         * read now; in the database: rows not read */
        const char *sha = NULL;
        const digest_of *d = l->sha ? digests_wait(l->sha, i) : NULL;
        if (in_db) {
            sha = NULL;
        } else if (l->sha_known && l->sha_known[i].ok) {
            sha256_hex(l->sha_known[i].sha256, hex);
            sha = hex;
        } else if (d) {
            read++;
            if (d->ok) sha256_hex(d->sha256, hex);
            sha = d->ok ? hex : NULL;
            if (d->ok && d->unchanged && l->sha_cache)
                colcache_note_sha256(l->sha_cache, sp[i].path, sp[i].name ? sp[i].name : "",
                                     &d->st, &d->seen, d->sha256);
        } else {
            read++;
            sha = sha256_file(sp[i].path, hex) == 0 ? hex : NULL;
        }
        results_input(res, "data", sp[i].label ? sp[i].label : sp[i].path, sha);
    }
    return read;
}

/* How the results were made (results.json "run"): the command line, the
 * date, and every param with the value of the run (a swept param with the
 * values of its runs, under "sweep"). */
static void record_provenance(results *res, const run_opts *o, const loaded *l)
{
    results_provenance(res, PACKAGE_VERSION, o->args, o->nargs, o->run_epoch);
    const study *st = l->st;
    for (size_t i = 0; i < st->nparams; i++) {
        const char *name = st->params[i].s->name;
        int swept = 0;
        for (size_t j = 0; j < o->nsweep_params; j++) swept |= !strcmp(o->sweep_params[j], name);
        if (swept) continue;
        char *v = srcfile_span(st->params[i].value->loc);
        results_param(res, name, v ? v : "");
        free(v);
    }
}

/* The endpoint whose member e is (rn.time, rn.status...), or -1 */
static int ep_member(const expr *e)
{
    return (e->kind == E_NAME || e->kind == E_FIELD) && e->rkind == R_EPMEMBER ? e->slot : -1;
}

/* Warn once about the results made missing because they were out of range. */
static void report_range(const evaluator *ev, diag *dg)
{
    loc where = {0};
    size_t n = eval_range_problems(ev, &where);
    if (n)
        diag_at(dg, DIAG_WARNING, where, "%zu result%s out of range made missing (an integer beyond "
                "+/-9223372036854775807, a date outside 0000-01-01..9999-12-31, or an infinite number)",
                n, n == 1 ? "" : "s");
}

/* Warn about the data problems met evaluating endpoints (each unit counted
 * once, on whichever thread evaluated it). */
static void report_endpoint_problems(const study *st, const evpool *pool, const indb_set *db, const results *res,
                                     diag *dg)
{
    if (!db) {
        for (int t = 1; t < pool->n; t++) eval_add_counts(pool->ev[0], pool->ev[t]);
        report_range(pool->ev[0], dg);
    }
    for (size_t e = 0; e < st->neps; e++) {
        ep_counts counts = db ? indb_ep_counts(db, (int)e) : *eval_ep_counts(pool->ev[0], (int)e);
        const ep_counts *c = &counts;
        char cw[64];
        if (c->before_origin) {
            count_words(res->min_cell, c->before_origin, "unit", "units", cw, sizeof cw);
            diag_at(dg, DIAG_WARNING, st->eps[e].s->name_loc,
                    "endpoint %s: %s whose follow-up ends before the origin (time and status unknown)",
                    st->eps[e].s->name, cw);
        }
        if (c->no_end) {
            count_words(res->min_cell, c->no_end, "unit", "units", cw, sizeof cw);
            diag_at(dg, DIAG_WARNING, st->eps[e].s->name_loc,
                    "endpoint %s: %s with neither an event nor a censoring date (time and status unknown)",
                    st->eps[e].s->name, cw);
        }
        if (c->after_censor) {
            count_words(res->min_cell, c->after_censor, "event", "events", cw, sizeof cw);
            diag_at(dg, DIAG_WARNING, st->eps[e].s->name_loc, "endpoint %s: %s after the censoring date ignored",
                    st->eps[e].s->name, cw);
        }
        if (c->rows_dropped) {
            count_words(res->min_cell, c->rows_dropped, "row", "rows", cw, sizeof cw);
            diag_at(dg, DIAG_WARNING, st->eps[e].s->name_loc,
                    "endpoint %s: %s of %s left out (a missing time, status or entry, or an entry not before "
                    "the time)", st->eps[e].s->name, cw, st->data->tables[st->eps[e].rows_table].name);
        }
        if (c->entry_after_end) {
            count_words(res->min_cell, c->entry_after_end, "unit", "units", cw, sizeof cw);
            diag_at(dg, DIAG_WARNING, st->eps[e].s->name_loc,
                    "endpoint %s: %s whose follow-up ends on or before the entry (time and status unknown)",
                    st->eps[e].s->name, cw);
        }
    }
}

/* One estimator call, run under the crash guard. */
typedef struct est_call {
    const cohort_estimator *est;
    const cohort_call *call;
} est_call;

static int call_estimator(void *p)
{
    const est_call *ec = p;
    return ec->est->run(result_host(), ec->call);
}

/* ---- analysis sets ------------------------------------------------------------ */

/* Record the units that passed st's criteria as its analysis set, for
 * included().  Returns 0, or -1 out of memory. */
static int set_from_rows(study *st, const cohort_data *d, const size_t *rows, size_t n)
{
    if (!st->insets) return 0;
    uint8_t *set = calloc(d->tables[st->unit].nrows + 1, 1);
    if (!set) return -1;
    for (size_t i = 0; i < n; i++) set[rows[i]] = 1;
    free(st->insets[st->analysis]);
    st->insets[st->analysis] = set;
    return 0;
}

/* An order of the analyses in which each comes after those whose sets it
 * reads (included()); -1 after reporting a cycle. */
static int set_order(const loaded *l, size_t *order, diag *dg)
{
    uint64_t done = 0;
    size_t n = 0;
    while (n < l->nsts) {
        size_t before = n;
        for (size_t k = 0; k < l->nsts; k++) {
            const study *st = l->sts[k];
            uint64_t self = 1ull << st->analysis;
            if ((done & self) || ((st->needs_sets & ~self) & ~done)) continue;
            done |= self;
            order[n++] = k;
        }
        if (n == before) {
            for (size_t k = 0; k < l->nsts; k++) {
                const study *st = l->sts[k];
                uint64_t self = 1ull << st->analysis, wait = (st->needs_sets & ~self) & ~done;
                if ((done & self) || !wait) continue;
                int j = 0;
                while (!(wait & (1ull << j))) j++;
                diag_at(dg, DIAG_ERROR, st->set_use[j], "analyses read each other's analysis sets in a "
                        "circle (included()): analysis %s cannot be run before the one it reads",
                        st->analysis_name ? st->analysis_name : "?");
                return -1;
            }
            return -1;
        }
    }
    return 0;
}

/* Make st's analysis set alone (for export, which runs one analysis). */
static int compute_set(study *st, cohort_data *d, diag *dg)
{
    results *res = era_build(st, d, dg) ? NULL : results_new(st->title, d->tables[st->unit].name, 1, "days");
    evaluator *ev = res ? eval_new(st, d, dg) : NULL;
    int rc = -1;
    if (ev) {
        evpool pool;
        pool_init(&pool, ev, st, 0, d->tables[st->unit].nrows);
        size_t n = 0;
        size_t *rows = apply_criteria(st, d, &pool, res, &n, NULL, NULL);
        rc = rows ? set_from_rows(st, d, rows, n) : -1;
        free(rows);
        pool_free(&pool);
    }
    eval_free(ev);
    results_free(res);
    return rc;
}

/* Fill the analysis sets every analysis reads: each analysis' own set is
 * made by its run; shared by the studies of one load, freed by sets_free. */
static uint8_t **sets_new(const loaded *l)
{
    int nb = l->prog->nanalyses;
    uint8_t **sets = calloc((size_t)nb + 2, sizeof *sets);
    for (size_t k = 0; sets && k < l->nsts; k++) l->sts[k]->insets = sets;
    return sets;
}

static void sets_free(const loaded *l, uint8_t **sets)
{
    for (int k = 0; sets && k <= l->prog->nanalyses; k++) free(sets[k]);
    free(sets);
    for (size_t k = 0; k < l->nsts; k++) l->sts[k]->insets = NULL;
}

/* ---- one run ----------------------------------------------------------------- */

/* How many root rows (patients) the analysis rows belong to, as a count
 * under the small-cell rule ("12" or "<5"). */
static int cmp_ptr(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(const char *const *)a, y = (uintptr_t)*(const char *const *)b;
    return x < y ? -1 : x > y;
}

static const char *count_patients(const results *res, const study *st, const cohort_data *d, const indb_set *db,
                                  const size_t *rows, size_t n, char *buf, size_t size)
{
    size_t nr = d->tables[st->root].nrows, k = 0;
    if (db) {
        /* the patients' keys, interned: as many patients as distinct pointers */
        const char **keys = malloc((n + 1) * sizeof *keys);
        if (!keys) return "?";
        for (size_t i = 0; i < n; i++) keys[i] = indb_root(db, rows[i]);
        qsort(keys, n, sizeof *keys, cmp_ptr);
        for (size_t i = 0; i < n; i++) k += keys[i] && (i == 0 || keys[i] != keys[i - 1]);
        free(keys);
        results_count_text(res, (double)k, buf, size);
        return buf;
    }
    uint8_t *seen = calloc(nr + 1, 1);
    if (!seen) return "?";
    for (size_t i = 0; i < n; i++) {
        int64_t r = data_ancestor_row(d, st->unit, rows[i], st->root);
        if (r >= 0 && !seen[r]) { seen[r] = 1; k++; }
    }
    free(seen);
    results_count_text(res, (double)k, buf, size);
    return buf;
}

/* The expression of `plot attrition_by` (--plot's first), or NULL. */
static const expr *attrition_by(const study *st)
{
    for (size_t i = 0; i < st->nplot_options; i++)
        if (!strcmp(st->plot_options[i]->text, "attrition_by")) return st->plot_options[i]->value;
    for (size_t i = 0; i < st->prog->nstmts; i++) {
        const stmt *s = st->prog->stmts[i];
        if (s->kind == S_SETTING && s->value && !strcmp(s->name, "plot") && !strcmp(s->text, "attrition_by"))
            return s->value;
    }
    return NULL;
}

/* The per-unit phase in the database (run --in-database): the columns the
 * estimates read (and the value `plot attrition_by` splits the units by)
 * and the endpoints fetched (indb.h), the attrition recorded from its
 * counts; rows (0 .. n - 1) are the rows of the fetched set. */
static indb_set *db_units(study *st, cohort_data *d, results *res, db_cols *dbc, size_t **rows, size_t *n,
                          diag *dg, int *why)
{
    estimate_columns(st, dbc);
    if (attrition_by(st)) add_column(dbc, attrition_by(st));
    if (dbc->oom) return NULL;
    indb_set *db = indb_fetch(st, d, dbc->e, dbc->n, dg, why);
    if (!db) return NULL;
    size_t nc = st->ncriteria, total = indb_total(db);
    int nlev = attr_levels(st, d, NULL);
    size_t *ex = calloc(nc + 1, sizeof *ex), *unk = calloc(nc + 1, sizeof *unk);
    size_t *behind = calloc((nc + 1) * (size_t)nlev + 1, sizeof *behind);
    *n = indb_units(db);
    *rows = malloc((*n + 1) * sizeof **rows);
    if (!ex || !unk || !behind || !*rows) {
        free(ex);
        free(unk);
        free(behind);
        free(*rows);
        *rows = NULL;
        indb_free(db);
        *why = EXIT_DATA;
        return NULL;
    }
    for (size_t j = 0; j < nc; j++) {
        ex[j] = indb_excluded(db, j);
        unk[j] = indb_unknown(db, j);
    }
    for (size_t j = 0; j <= nc; j++)
        for (int lv = 0; lv < nlev; lv++) behind[j * (size_t)nlev + (size_t)lv] = indb_behind(db, lv, j);
    record_attrition(st, d, res, total, ex, unk, behind);
    for (size_t i = 0; i < *n; i++) (*rows)[i] = i;
    free(ex);
    free(unk);
    free(behind);
    return db;
}

/* The weights an earlier estimate set (set_weights: w by row, named name,
 * from estimate `from`) for estimate ei: an estimator with a `weights`
 * parameter the rules do not give receives them as that argument (after
 * the call's others); one given its own keeps them, and one without the
 * parameter runs unweighted, each with a warning.  Returns -1 when out of
 * memory. */
static int pass_weights(colbuf *b, const estimateinfo *ei, cohort_call *call, cohort_arg *args,
                        const double *w, const char *name, const stmt *from, est_result *er)
{
    int takes = 0;
    for (size_t k = 0; k < ei->est->nparams; k++) takes |= !strcmp(ei->est->params[k].name, "weights");
    if (!takes) {
        result_host()->warning(call, "no weights parameter: the weights of the %s at line %d do not apply "
                               "(it uses the units that have one)", from->name, from->loc.line);
        return 0;
    }
    if (cohort_arg_get(call, "weights")) {
        result_host()->warning(call, "the weights given here are used, not those of the %s at line %d",
                               from->name, from->loc.line);
        return 0;
    }
    size_t n = call->nrows;
    cohort_arg *a = &args[call->nargs];
    memset(a, 0, sizeof *a);
    double *x = cb_alloc(b, (n + 1) * sizeof *x);
    unsigned char *miss = cb_alloc(b, n + 1);
    if (!x || !miss) return -1;
    memcpy(x, w, n * sizeof *x);
    memset(miss, 0, n + 1);
    a->name = "weights";
    a->kind = COHORT_ARG_COLUMN;
    a->vec.name = name;
    a->vec.type = COHORT_TYPE_REAL;
    a->vec.n = n;
    a->vec.num = x;
    a->vec.missing = miss;
    call->nargs++;
    results_est_arg(er, "weights", name);
    return 0;
}

/* The errors reported while an estimate runs are kept with it (results.json
 * says why it failed, and under --sweep in which run). */
typedef struct est_tap {
    diag_fn fn;
    void *ud;
    est_result *er;
} est_tap;

static void est_tap_cb(void *ud, const diagnostic *d)
{
    est_tap *t = ud;
    if (d->level == DIAG_ERROR && t->er) results_est_error(t->er, d->file, d->line, d->col, d->msg, SIZE_MAX);
    if (t->fn) t->fn(t->ud, d);
}

/* The n units `rows` that passed every step, counted by the value of `by`
 * (levels in order: false before true, numbers ascending, texts as strcmp;
 * units without a value last, as "missing"), into the results' arms.  The
 * values are evaluated, or with db read from its column col (computed in
 * the database as the evaluator computes them). */
static void record_arms(evaluator *ev, const indb_set *db, size_t col, results *res, const expr *by,
                        const size_t *rows, size_t n)
{
    char **lev = NULL, buf[64];
    size_t *cnt = NULL, nl = 0;
    int64_t *key = NULL;
    for (size_t k = 0; k < n; k++) {
        if (!db) eval_unit(ev, rows[k]);
        value v = db ? indb_value(db, col, rows[k]) : eval_expr(ev, by);
        const char *t;
        int64_t kk = 0;
        if (v_missing(v)) t = "missing";
        else if (v.t == TY_BOOL) t = v.u.i ? "true" : "false", kk = v.u.i;
        else if (v.t == TY_INT) snprintf(buf, sizeof buf, "%lld", (long long)v.u.i), t = buf, kk = v.u.i;
        else t = v.u.s;
        size_t j = 0;
        while (j < nl && strcmp(lev[j], t)) j++;
        if (j == nl) {
            char **l2 = realloc(lev, (nl + 1) * sizeof *l2);
            size_t *c2 = realloc(cnt, (nl + 1) * sizeof *c2);
            int64_t *k2 = realloc(key, (nl + 1) * sizeof *k2);
            if (l2) lev = l2;
            if (c2) cnt = c2;
            if (k2) key = k2;
            if (!l2 || !c2 || !k2 || !(lev[nl] = strdup(t))) goto out;
            cnt[nl] = 0;
            key[nl++] = v_missing(v) ? INT64_MAX : v.t == TY_TEXT ? 0 : kk;
        }
        cnt[j]++;
    }
    /* order: by key (bool, int), then text; "missing" last */
    for (size_t a = 1; a < nl; a++)
        for (size_t b = a; b > 0; b--) {
            int later = key[b - 1] > key[b] || (key[b - 1] == key[b] && key[b] != INT64_MAX &&
                                                 strcmp(lev[b - 1], lev[b]) > 0 && by->type.kind == TY_TEXT);
            if (!later) break;
            char *tl = lev[b]; lev[b] = lev[b - 1]; lev[b - 1] = tl;
            size_t tc = cnt[b]; cnt[b] = cnt[b - 1]; cnt[b - 1] = tc;
            int64_t tk = key[b]; key[b] = key[b - 1]; key[b - 1] = tk;
        }
    char name[512];
    if (by->kind == E_FIELD && by->a && by->a->name) snprintf(name, sizeof name, "%s.%s", by->a->name, by->name);
    else snprintf(name, sizeof name, "%s", by->name ? by->name : "arm");
    results_arms(res, name, (const char *const *)lev, cnt, nl);
out:
    for (size_t j = 0; j < nl; j++) free(lev[j]);
    free(lev);
    free(cnt);
    free(key);
}

/* The unit a number definition states: "1 year" for a value `X / 1 year`
 * (a duration divided by a constant one); 0 when it states none. */
static int unit_of(const expr *e, char *buf, size_t size)
{
    if (!e || e->kind != E_BINARY || e->op != OP_DIV || !e->b || e->b->kind != E_DURATION ||
        e->a->type.kind != TY_DURATION)
        return 0;
    const char *u = dunit_name(e->b->dunit);
    size_t len = strlen(u);
    /* "1 year", "3 months" */
    snprintf(buf, size, "%g %.*s", e->b->rval, (int)(e->b->rval == 1 ? len - 1 : len), u);
    return 1;
}

/* The values per unit estimate ei reported (unit_values), into uc as
 * columns NAME_value (NAME: the estimate's own name, else its estimator's)
 * by the unit rows of its call's rows.  Returns 0, or 1 after an error. */
static int gather_values(unitcols *uc, const estimateinfo *ei, call_ctx *cc, const size_t *rows, size_t n,
                         diag *dg)
{
    const char *dup = NULL;
    int rc = unitcols_add(uc, ei->s->text ? ei->s->text : ei->s->name, cc->uv_names, cc->uv, cc->nuv, rows, n,
                          &dup);
    if (rc < 0) diag_at(dg, DIAG_ERROR, ei->s->loc, "out of memory keeping the values of %s", ei->s->name);
    if (rc > 0)
        diag_at(dg, DIAG_ERROR, ei->s->loc, "export --unit-values: an earlier estimate writes the column %s too; "
                "name this one (estimate NAME = %s(...))", dup, ei->s->name);
    return rc != 0;
}

/* The units rows, kept in the results cache's entry *held when held->map
 * (apply_criteria), else malloc'd: freed. */
static void free_rows(size_t *rows, rc_entry *held)
{
    if (held->map) rc_entry_free(held);
    else free(rows);
    memset(held, 0, sizeof *held);
}

/* The n units *rows as the run's own to change (copied out of the entry
 * *held, which is then freed); 0, or -1 out of memory (*rows unchanged). */
static int own_rows(size_t **rows, rc_entry *held, size_t n)
{
    if (!held->map) return 0;
    size_t *own = malloc((n + 1) * sizeof *own);
    if (!own) return -1;
    memcpy(own, *rows, n * sizeof *own);
    free_rows(*rows, held);
    *rows = own;
    return 0;
}

/* An estimate that cannot run: marked failed, the first estimate's report
 * of data problems made if it was deferred, its columns freed. */
static void estimate_failed(est_result *er, int *failed, deferred *lz, colbuf *b)
{
    er->failed = 1;
    *failed = 1;
    defer_report(lz);
    deferred_free(lz);
    cb_free(b);
}

/* One run of analysis st.  uc (export --unit-values) gathers the values
 * per unit the estimates report, else NULL. */
static results *run_once(study *st, cohort_data *d, diag *dg, int *failed, timing *tm, int min_cell,
                         int threads, int in_db, int *why, unitcols *uc)
{
    double t0 = now();
    *why = EXIT_DATA;
    const char *tu = unit_name(st->timescale);
    /* per run: a param may set an era's gap (in the database the data are a sample, not linked) */
    if (in_db ? indb_era_check(st, d, dg, why) : era_build(st, d, dg)) return NULL;
    results *res = results_new(st->title, d->tables[st->unit].name, st->unit_days[st->timescale], tu);
    if (res) results_set_privacy(res, min_cell);
    if (res) results_set_labels(res, st->labels);
    /* the window each boolean definition states, with this run's params */
    for (size_t i = 0; res && i < st->nlets; i++) {
        char w[512];
        double from, to;
        if (st->lets[i].type.kind == TY_BOOL && window_of(st, st->lets[i].s->value, w, sizeof w, &from, &to))
            results_window(res, st->lets[i].s->name, w, from, to);
        else if ((st->lets[i].type.kind == TY_REAL || st->lets[i].type.kind == TY_INT) &&
                 unit_of(st->lets[i].s->value, w, sizeof w))
            results_var_unit(res, st->lets[i].s->name, w);
        else if (st->lets[i].type.kind == TY_DURATION)
            results_var_unit(res, st->lets[i].s->name, "1 day");   /* a model reads a duration in days */
    }
    evaluator *ev = res ? eval_new(st, d, dg) : NULL;
    if (!ev) {
        results_free(res);
        return NULL;
    }
    evpool pool;
    pool_init(&pool, ev, st, in_db ? 1 : threads, d->tables[st->unit].nrows);
    pool.pg = tm->pg;
    /* per run: a --sweep value changes the params' keys */
    pool.rc = in_db || uc ? NULL : rescache_new(tm->res_dir, st, d);
    size_t n = 0;
    indb_set *db = NULL;
    db_cols dbc = {NULL, 0, 0, 0};
    /* Every endpoint is evaluated for every unit that passes, so that data
     * problems are counted even for an endpoint no estimate uses: in the
     * criteria pass, except the endpoints the first estimate takes as
     * arguments or whose members it takes as columns (it evaluates them
     * for all those units itself: once a unit, not twice). */
    uint8_t *eval_eps = malloc(st->neps + 1);
    if (!eval_eps) {
        pool_free(&pool);
        eval_free(ev);
        results_free(res);
        return NULL;
    }
    {
        memset(eval_eps, 1, st->neps + 1);
        /* a shared endpoint no estimate or let of this analysis uses is not checked here */
        for (size_t k = 0; k < st->neps; k++)
            if (st->eps[k].state != 2) eval_eps[k] = 0;
        for (size_t k = 0; st->nests && k < st->ests[0].nargs; k++) {
            const boundarg *ba = &st->ests[0].args[k];
            if (ba->kind == COHORT_ARG_ENDPOINT) eval_eps[ba->value->slot] = 0;
            if (ba->kind == COHORT_ARG_FORMULA && ba->endpoint) eval_eps[ba->value->a->slot] = 0;
            if (ba->kind == COHORT_ARG_ENDPOINTS)
                for (size_t j = 0; j < ba->nitems; j++) eval_eps[ba->items[j]->slot] = 0;
            /* a column that is an endpoint's member (rn.time) evaluates it for every unit too */
            if (ba->kind == COHORT_ARG_COLUMN && ep_member(ba->value) >= 0) eval_eps[ep_member(ba->value)] = 0;
            if (ba->kind == COHORT_ARG_COLUMNS)
                for (size_t j = 0; j < ba->nitems; j++)
                    if (ep_member(ba->items[j]) >= 0) eval_eps[ep_member(ba->items[j])] = 0;
        }
    }
    size_t *rows = NULL;
    rc_entry held;   /* held.map: rows point into the results cache's entry of the units (read-only) */
    memset(&held, 0, sizeof held);
    if (in_db) {
        db = db_units(st, d, res, &dbc, &rows, &n, dg, why);
    } else {
        rows = apply_criteria(st, d, &pool, res, &n, eval_eps, &held);
    }
    free(eval_eps);
    if (rows && !db && set_from_rows(st, d, rows, n)) {
        free_rows(rows, &held);
        rows = NULL;
    }
    if (!rows) {
        free(dbc.e);
        pool_free(&pool);
        eval_free(ev);
        results_free(res);
        return NULL;
    }
    /* this analysis' (this run's) flow: results_adopt and results_merge
     * keep them apart; in the database the value is a column db_units
     * fetched (add_column finds it again) */
    const expr *arms_by = attrition_by(st);
    if (arms_by) record_arms(ev, db, db ? add_column(&dbc, arms_by) : 0, res, arms_by, rows, n);
    if (!st->nests) report_endpoint_problems(st, &pool, db, res, dg);
    double *wts = NULL;          /* weights for the estimates that follow (set_weights), by row */
    char *wname = NULL;          /* their name */
    const stmt *wfrom = NULL;    /* the estimate that set them */
    est_tap etap = {dg->fn, dg->ud, NULL};
    dg->fn = est_tap_cb;
    dg->ud = &etap;
    size_t unread = 0;           /* columns left out and never fetched (deferred) */
    for (size_t i = 0; i < st->nests; i++) {
        const estimateinfo *ei = &st->ests[i];
        char where[512];
        snprintf(where, sizeof where, "estimate %s", ei->s->name);
        progress_update(tm->pg, where, (double)i / (double)st->nests);
        snprintf(where, sizeof where, "%s:%d", ei->s->loc.file->name, ei->s->loc.line);
        char *src = stmt_text(ei->s);
        est_result *er = results_estimate(res, ei->s->name, ei->s->text, src ? src : ei->s->name, where);
        free(src);
        if (!er) break;
        etap.er = er;
        results_est_plugin(er, ei->plugin ? ei->plugin->name : NULL, ei->plugin ? ei->plugin->version : NULL);
        for (size_t k = 0; k < ei->nargs; k++) {
            char *v = ei->args[k].value ? srcfile_span(ei->args[k].value->loc) : NULL;
            if (v && ei->args[k].param) results_est_arg(er, ei->args[k].param->name, v);
            free(v);
        }
        colbuf b = {0};
        double *origin = NULL;
        int expo = -1;
        cohort_arg *args = cb_alloc(&b, (ei->nargs + 2) * sizeof *args);
        deferred lz = {NULL, NULL, NULL, 0, 0, &pool, st, &b, rows, n, NULL, 0, db, res, dg, 0};
        int built = args && !build_args(st, &pool, ei, rows, n, args, &b, &origin, &expo, db, &dbc,
                                        on_demand(st, ei, db, pool.rc, min_cell) ? &lz : NULL);
        if (i == 0 && built && lz.n) lz.report = 1;   /* after the plugin's first fetches (deferred) */
        else if (i == 0) report_endpoint_problems(st, &pool, db, res, dg);
        if (!built) diag_at(dg, DIAG_ERROR, ei->s->loc, "out of memory building the arguments of %s", ei->s->name);
        /* (the levels shown are those of the terms as written: before interactions add columns) */
        int bad = !built || disclose_check_levels(ei, args, n, min_cell, dg);
        for (size_t k = 0; !bad && k < ei->nargs; k++)
            if (ei->args[k].kind == COHORT_ARG_FORMULA) {
                int rc = add_interactions(st, &pool, ei, &ei->args[k], &args[k], rows, n, &b, db, &dbc, dg);
                if (rc < 0)
                    diag_at(dg, DIAG_ERROR, ei->s->loc, "out of memory building the arguments of %s", ei->s->name);
                bad = rc != 0;
            }
        if (bad) {
            estimate_failed(er, failed, &lz, &b);
            continue;
        }
        call_ctx cc = {res, er, dg, ei->s->loc, NULL, n, NULL, NULL, NULL, NULL, 0, threads,
                       pool.rc, (uintptr_t)ei->est->run, b.known, b.nknown,
                       lz.n ? defer_fetch : NULL, lz.report ? defer_report : NULL, defer_may_keep, &lz};
        lz.cc = &cc;
        er->nunits = (double)n;
        double t1 = now();
        cohort_call call = {&cc, ei->est->name, where, n, NULL, n, ei->nargs, args,
                            st->unit_days[st->timescale], tu};
        if (wts && pass_weights(&b, ei, &call, args, wts, wname, wfrom, er)) {
            diag_at(dg, DIAG_ERROR, ei->s->loc, "out of memory building the arguments of %s", ei->s->name);
            estimate_failed(er, failed, &lz, &b);
            continue;
        }
        if (expo >= 0 && expand_exposure(&b, &call, args, call.nargs, expo, ei->args[expo].exposure_term, origin)) {
            diag_at(dg, DIAG_ERROR, ei->s->loc, "out of memory splitting follow-up at the exposure");
            estimate_failed(er, failed, &lz, &b);
            continue;
        }
        int rep, ra = rows_arg(st, ei, &rep);
        if (ra >= 0 && expand_intervals(&b, &call, args, call.nargs, ra, st, d, rows, rep)) {
            diag_at(dg, DIAG_ERROR, ei->s->loc, "out of memory listing the intervals of %s", st->eps[rep].s->name);
            estimate_failed(er, failed, &lz, &b);
            continue;
        }
        est_call ec = {ei->est, &call};
        int rc = guard_call(ei->s->loc, EXIT_ESTIMATE, call_estimator, &ec,
                            "estimator %s (plugin %s %s) crashed in run(); no results were written",
                            ei->est->name, ei->plugin->name, ei->plugin->version);
        defer_report(&lz);   /* when the plugin fetched and warned of nothing */
        tm->estimate += now() - t1 - lz.secs;
        unread += defer_unread(&lz);
        deferred_free(&lz);
        results_label_figures(res, er);
        if (rc == 0 && ei->default_cluster) {
            char w[32];
            const table *rt = &d->tables[st->root];
            result_host()->note(&call, "standard errors are robust, clustered by %s (%s %s), the default "
                                "when the unit (%s) is below %s; write cluster: none for model-based ones",
                                rt->cols[rt->key].name, count_patients(res, st, d, db, rows, n, w, sizeof w),
                                rt->name, d->tables[st->unit].name, rt->name);
        }
        if (rc != 0) {
            if (!er->failed) diag_at(dg, DIAG_ERROR, ei->s->loc, "%s failed without saying why", ei->s->name);
            er->failed = 1;
            *failed = 1;
        }
        if (uc && rc == 0 && cc.nuv && gather_values(uc, ei, &cc, rows, n, dg)) {
            er->failed = 1;
            *failed = 1;
        }
        call_ctx_free_values(&cc);
        if (cc.weights && rc == 0) {
            /* the weights of the estimates that follow, from this one's */
            free(wts);
            free(wname);
            wts = cc.weights;
            wname = cc.weights_name;
            cc.weights = NULL;
            cc.weights_name = NULL;
            wfrom = ei->s;
        }
        int stop = 0;
        if ((cc.keep || (wts && wfrom == ei->s)) && rc == 0 && own_rows(&rows, &held, n)) {
            diag_at(dg, DIAG_ERROR, ei->s->loc, "out of memory keeping the rows %s kept", ei->s->name);
            er->failed = 1;
            *failed = 1;
            stop = 1;
        } else if ((cc.keep || (wts && wfrom == ei->s)) && rc == 0) {
            /* rows kept (keep_rows), and with a weight when this one set them */
            size_t k = 0;
            for (size_t r = 0; r < n; r++)
                if ((!cc.keep || cc.keep[r]) && (!wts || !isnan(wts[r]))) {
                    if (wts) wts[k] = wts[r];
                    rows[k++] = rows[r];
                }
            n = k;
        }
        free(cc.keep);
        free(cc.weights);
        free(cc.weights_name);
        cb_free(&b);
        if (stop) break;
    }
    dg->fn = etap.fn;
    dg->ud = etap.ud;
    free_rows(rows, &held);
    free(wts);
    free(wname);
    indb_free(db);
    free(dbc.e);
    size_t asked, found;
    rescache_counts(pool.rc, &asked, &found);
    /* a column left out and never fetched was keyed but not asked for */
    tm->res_asked += asked - (unread < asked ? unread : asked);
    tm->res_unread += unread;
    tm->res_found += found;
    rescache_memo_counts(pool.rc, &asked, &found);
    tm->memo_asked += asked;
    tm->memo_found += found;
    rescache_trust_counts(pool.rc, &asked, &found);
    tm->res_trusted += asked;
    tm->res_hashed += found;
    pool_free(&pool);
    eval_free(ev);
    tm->evaluate += now() - t0;
    return res;
}

/* Run every analysis; with analysis blocks, their results one after the
 * other, each marked with its analysis. */
static results *run_all(const loaded *l, diag *dg, int *failed, timing *tm, int min_cell, int threads, int in_db,
                        int *why)
{
    uint8_t **sets = sets_new(l);
    size_t *order = calloc(l->nsts + 1, sizeof *order);
    results **rs = calloc(l->nsts + 1, sizeof *rs);
    results *all = NULL;
    if (!sets || !order || !rs || set_order(l, order, dg)) goto done;
    /* run in the order the sets need; report in the order written */
    for (size_t i = 0; i < l->nsts; i++) {
        study *st = l->sts[order[i]];
        rs[order[i]] = run_once(st, l->data, dg, failed, tm, min_cell, threads, in_db, why, NULL);
        if (!rs[order[i]]) goto done;
    }
    if (l->nsts == 1) {
        all = rs[0];
        rs[0] = NULL;
        goto done;
    }
    const study *st0 = l->st;
    all = results_new(st0->title, l->data->tables[st0->unit].name, st0->unit_days[st0->timescale],
                      unit_name(st0->timescale));
    if (all) results_set_privacy(all, min_cell);
    for (size_t k = 0; all && k < l->nsts; k++) {
        const study *st = l->sts[k];
        if (results_adopt(all, rs[k], st->analysis_name, l->data->tables[st->unit].name)) {
            results_free(all);
            all = NULL;
            break;
        }
        rs[k] = NULL;
    }
done:
    for (size_t k = 0; rs && k < l->nsts; k++) results_free(rs[k]);
    free(rs);
    free(order);
    sets_free(l, sets);
    return all;
}

/* Bind a --sweep value in every analysis. */
static int set_param_all(const loaded *l, const char *name, const char *text, diag *dg)
{
    for (size_t k = 0; k < l->nsts; k++)
        if (check_set_param(l->sts[k], name, text, dg)) return -1;
    return 0;
}

static void print_timing(const timing *tm, const cohort_data *d, double total, FILE *err)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    /* CSV sizes in decimal megabytes (MB = 10^6 bytes), memory in MiB
     * (2^20 bytes, as ru_maxrss counts KiB); the ratio is of bytes to bytes */
    double mb = (double)d->bytes_read / 1e6;
    double rss_bytes = (double)ru.ru_maxrss * 1024.0;
    double eval = tm->evaluate - tm->estimate;
    fprintf(err, "timing: csv %.1f MB, ingest %.3f s (%.0f MB/s), resolve %.3f s, evaluation %.3f s, "
                 "estimates %.3f s, total %.3f s, peak RSS %.1f MiB (%.2fx the CSV bytes)\n",
            mb, tm->ingest, tm->ingest > 0 ? mb / tm->ingest : 0, tm->resolve, eval, tm->estimate, total,
            rss_bytes / 1048576.0, d->bytes_read > 0 ? rss_bytes / (double)d->bytes_read : 0);
    fprintf(err, "cache: %zu tables restored from the rerun cache (%zu with their links to the parent, %zu unread: "
                 "shape only), %zu files hashed, "
                 "%zu read for their SHA-256, %zu columns not fetched, %zu of %zu results reused, "
                 "%zu of %zu plugin results reused, %zu of %zu entries trusted by their identity\n",
            d->tables_cached, d->tables_linked, d->tables_unread, d->files_hashed, tm->digests, tm->res_unread,
            tm->res_found, tm->res_asked, tm->memo_found, tm->memo_asked, d->tables_trusted + tm->res_trusted,
            d->tables_cached + tm->res_trusted + tm->res_hashed);
}

static int output(const run_opts *o, const results *res, const out_settings *os, diag *dg, FILE *out)
{
    if (o->format == FORMAT_JSON) results_json(res, out);
    else results_text(res, out);
    if (o->outdir) {
        /* into a private folder beside DIR that then replaces DIR (outdir.h) */
        char err[1024], tmp[4096];
        int bad = outdir_begin(o->outdir, tmp, sizeof tmp, err, sizeof err);
        if (!bad && (results_write_dir(res, tmp, err, sizeof err) || report_write(res, &os->ro, tmp, err, sizeof err))) {
            outdir_abort(tmp, o->outdir, err, sizeof err);
            bad = 1;
        }
        if (!bad) bad = outdir_commit(tmp, o->outdir, "run", err, sizeof err);
        if (bad) {
            diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "%s", err);
            return EXIT_OUTPUT;
        }
    }
    return EXIT_OK;
}

int study_run(const run_opts *o, diag *dg, FILE *out)
{
    loaded l;
    timing tm = {0, 0, 0, 0, progress_new(), NULL, 0, 0, 0, 0, 0, 0, 0, 0};
    double start = now();
    char oerr[1024];
    if (o->outdir && outdir_check(o->outdir, oerr, sizeof oerr)) {
        /* refused before anything is computed (and checked again at the end) */
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "%s", oerr);
        return EXIT_OUTPUT;
    }
    if (o->outdir && render_available(oerr, sizeof oerr)) {
        /* the figures of --out need the render module: say so before computing */
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "cannot load the figure module: %s", oerr);
        return EXIT_PLUGIN;
    }
    warn_tap tap = {dg->fn, dg->ud, NULL, 0, tm.pg};
    dg->fn = tap_cb;
    dg->ud = &tap;
    /* in the database, the schema is all cohort reads (from a sample of rows) */
    int rc = load_all(o, o->in_database ? 1000 : 0, o->outdir || o->format == FORMAT_JSON, dg, &l, &tm);
    /* the results cache: beside the table cache, with CSV data only */
    tm.res_dir = rc || o->no_cache || o->in_database || l.st->conninfo ? NULL : colcache_dir();
    if (!rc && o->in_database && !l.st->conninfo) {
        diag_at(dg, DIAG_ERROR, l.st->data->loc, "run --in-database needs a data postgres statement "
                "(these rules read CSV files)");
        rc = EXIT_USAGE;
    }
    if (rc) {
        progress_free(tm.pg);
        dg->fn = tap.fn;
        dg->ud = tap.ud;
        for (size_t i = 0; i < tap.n; i++) free(tap.w[i]);
        free(tap.w);
        loaded_free(&l);
        return rc;
    }
    out_settings os;
    out_settings_make(l.st, o, &os);
    int failed = 0, why = EXIT_DATA, unprotected = 0;
    results *res = NULL;
    if (o->nsweep) {
        results **runs = calloc(o->nsweep, sizeof *runs);
        size_t k;
        dedupe_tap once;
        dedupe_begin(&once, dg);
        for (k = 0; runs && k < o->nsweep && !rc; k++) {
            for (size_t j = 0; j < o->nsweep_params && !rc; j++)
                if (set_param_all(&l, o->sweep_params[j], o->sweep_values[k * o->nsweep_params + j], dg))
                    rc = EXIT_RULES;
            if (rc) break;
            runs[k] = run_all(&l, dg, &failed, &tm, os.min_cell, o->threads, o->in_database, &why);
            if (!runs[k]) { rc = why; break; }
            /* protected run by run: the relations its plugins declared
             * name its own tables, which the merge replaces */
            if (suppress_run(runs[k], &os.ro)) unprotected = 1;
        }
        dedupe_end(&once);
        if (!rc && runs)
            res = results_merge(runs, o->nsweep, o->sweep_params, o->nsweep_params, o->sweep_values);
        for (size_t i = 0; runs && i < o->nsweep; i++) results_free(runs[i]);
        free(runs);
    } else {
        res = run_all(&l, dg, &failed, &tm, os.min_cell, o->threads, o->in_database, &why);
        if (!res) rc = why;
    }
    progress_free(tm.pg);   /* erased before the results are printed */
    tm.pg = tap.pg = NULL;
    dg->fn = tap.fn;
    dg->ud = tap.ud;
    if (res && (suppress_run(res, &os.ro) || unprotected))
        diag_emit(dg, DIAG_WARNING, NULL, 0, 0, 1, NULL, 0,
                  "the small-cell rule could not protect every hidden count by hiding others: every count is hidden");
    if (res) {
        /* hashes for the report and the JSON document (not for text alone) */
        if (o->outdir || o->format == FORMAT_JSON) tm.digests = record_inputs(res, &l, o->in_database);
        record_provenance(res, o, &l);
        for (size_t i = 0; i < tap.n; i++) results_warning(res, tap.w[i]);
        if (failed && o->nsweep) {
            /* a sweep's runs that succeeded are whole: write them, with the
             * failures in results.json, and still say that one failed */
            rc = output(o, res, &os, dg, out);
            if (rc == EXIT_OK) rc = EXIT_ESTIMATE;
        } else if (failed) {
            /* results are incomplete: print them, but write no output files */
            if (o->format == FORMAT_JSON) results_json(res, out);
            else results_text(res, out);
            rc = EXIT_ESTIMATE;
        } else {
            rc = output(o, res, &os, dg, out);
        }
    }
    if (o->timing && l.data) print_timing(&tm, l.data, now() - start, stderr);
    free(tm.res_dir);
    if (o->outdir) render_release();   /* the font caches the figures loaded */
    for (size_t i = 0; i < tap.n; i++) free(tap.w[i]);
    free(tap.w);
    results_free(res);
    loaded_free(&l);
    return rc;
}

int study_check(const run_opts *o, diag *dg, FILE *out)
{
    loaded l;
    timing tm = {0, 0, 0, 0, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0};
    int rc = load_all(o, o->check_sample_rows ? o->check_sample_rows : 1000, 0, dg, &l, &tm);
    for (size_t k = 0; !rc && k < l.nsts; k++) {
        const study *st = l.sts[k];
        size_t nl = 0, ne = 0;   /* with analysis blocks, what this analysis uses */
        for (size_t i = 0; i < st->nlets; i++) nl += st->lets[i].state == 2;
        for (size_t i = 0; i < st->neps; i++) ne += st->eps[i].state == 2;
        fprintf(out, "%s: ok: %s%s%sunit %s, %zu criteria, %zu lets, %zu endpoints, %zu estimates\n", o->rules,
                st->analysis_name ? "analysis " : "", st->analysis_name ? st->analysis_name : "",
                st->analysis_name ? ": " : "", l.data->tables[st->unit].name, st->ncriteria, nl, ne, st->nests);
    }
    loaded_free(&l);
    return rc;
}

/* ---- export -------------------------------------------------------------------- */

/* a text cell of export: neutralised against formulas unless --raw-csv (csvcell.h) */
static void csv_text(FILE *f, const char *s, int safe)
{
    csvcell_write(f, s, safe);
}

/* a boolean as --booleans asks: true/false (default), 1/0 or TRUE/FALSE */
static void csv_bool(FILE *f, int b, int style)
{
    static const char *const words[3][2] = {{"false", "true"}, {"0", "1"}, {"FALSE", "TRUE"}};
    fputs(words[style >= 0 && style < 3 ? style : 0][b != 0], f);
}

/* The label of status code `status` of endpoint e (--status-labels):
 * "censored", the event's or a competing cause's label or name. */
static const char *status_label(const study *st, size_t e, int status)
{
    const endpointinfo *ep = &st->eps[e];
    if (status <= 0 || status > ep->ncauses || !ep->cause_names) return "censored";
    const char *nm = ep->cause_names[status - 1];
    const char *lb = st->labels ? labels_name(st->labels, nm) : NULL;
    return lb ? lb : nm;
}

static void csv_value(FILE *f, value v, int safe, int bools)
{
    char buf[16];
    switch (v.t) {
    case 0: break;
    case TY_INT: fprintf(f, "%lld", (long long)v.u.i); break;
    case TY_BOOL: csv_bool(f, (int)v.u.i, bools); break;
    case TY_REAL: fprintf(f, "%.17g", v.u.r); break;
    case TY_DURATION: fprintf(f, "%.17g", v.u.r); break;
    case TY_DATE: date_format((int32_t)floor(v.u.r), buf); fputs(buf, f); break;
    case TY_TEXT: csv_text(f, v.u.s, safe); break;
    default: break;
    }
}

/* The analysis --analysis NAME names; without it the only one (need_one), or
 * NULL for all.  Reports and returns NULL when it names none or when one is
 * needed among several; *bad is set then. */
static study *find_analysis(const run_opts *o, const loaded *l, int need_one, int *bad, diag *dg)
{
    *bad = 0;
    if (l->nsts == 1 && !o->analysis) return l->st;
    char names[1024] = "";
    size_t len = 0;
    study *st = NULL;
    for (size_t k = 0; k < l->nsts; k++) {
        const char *nm = l->sts[k]->analysis_name;
        if (nm && o->analysis && !strcmp(nm, o->analysis)) st = l->sts[k];
        if (nm && len < sizeof names)
            len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", k ? ", " : "", nm);
    }
    if (st || (!o->analysis && !need_one)) return st;
    if (o->analysis)
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "--analysis %s: %s%s", o->analysis,
                  len ? "the rules' analyses are " : "the rules have no analysis blocks", names);
    else
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0,
                  "the rules have several analyses: choose one with --analysis NAME (%s)", names);
    *bad = 1;
    return NULL;
}

/* export --covariates: the columns the estimates' arguments read (formula
 * terms, by, strata, cluster, weights...) that are a table's column rather
 * than a let, each once by its name as written, the unit's and patient's
 * keys left out (they are the first columns). */
typedef struct covcols {
    const expr **e;
    char **names;
    size_t n;
} covcols;

static void covcols_free(covcols *cv)
{
    for (size_t k = 0; k < cv->n; k++) free(cv->names[k]);
    free(cv->names);
    free(cv->e);
    memset(cv, 0, sizeof *cv);
}

/* Returns 0, or -1 out of memory. */
static int covcols_make(const study *st, const cohort_data *d, covcols *cv)
{
    db_cols c = {NULL, 0, 0, 0};
    memset(cv, 0, sizeof *cv);
    estimate_columns(st, &c);
    const table *ut = &d->tables[st->unit], *rt = &d->tables[st->root];
    const char *ukey = ut->key >= 0 ? ut->cols[ut->key].name : NULL;
    const char *rkey = st->root != st->unit && rt->key >= 0 ? rt->cols[rt->key].name : NULL;
    cv->e = calloc(c.n + 1, sizeof *cv->e);
    cv->names = calloc(c.n + 1, sizeof *cv->names);
    int bad = c.oom || !cv->e || !cv->names;
    for (size_t k = 0; !bad && k < c.n; k++) {
        const expr *e = c.e[k];
        if (!(e->kind == E_FIELD || (e->kind == E_NAME && e->rkind == R_COLUMN))) continue;
        char *nm = e->kind == E_FIELD && e->sval ? strdup(e->sval) : loc_text(e->loc);
        if (!nm) { bad = 1; break; }
        int seen = (ukey && !strcmp(nm, ukey)) || (rkey && !strcmp(nm, rkey));
        for (size_t j = 0; !seen && j < cv->n; j++) seen = !strcmp(cv->names[j], nm);
        if (seen) { free(nm); continue; }
        cv->e[cv->n] = e;
        cv->names[cv->n++] = nm;
    }
    free(c.e);
    if (bad) covcols_free(cv);
    return bad ? -1 : 0;
}

static void export_header(FILE *f, const study *st, const cohort_data *d, int rep, int safe, int labels,
                          const covcols *cv, const unitcols *uc);
static int export_in_database(const loaded *l, const study *st, const char *csv_path, const run_opts *o,
                              diag *dg);

int study_export(const run_opts *o, const char *csv_path, diag *dg)
{
    loaded l;
    timing tm = {0, 0, 0, 0, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0};
    /* in the database, the schema is all cohort reads (from a sample of rows) */
    int rc = load_all(o, o->in_database ? 1000 : 0, 0, dg, &l, &tm);
    if (rc) {
        loaded_free(&l);
        return rc;
    }
    int none;
    study *st = find_analysis(o, &l, 1, &none, dg);
    if (!st) {
        loaded_free(&l);
        return EXIT_USAGE;
    }
    cohort_data *d = l.data;
    /* with an endpoint given by rows, one line per interval (at most one such endpoint) */
    int rep = -1;
    for (size_t e = 0; e < st->neps; e++) {
        if (ep_rows_table(&st->eps[e]) < 0) continue;
        if (rep >= 0) {
            diag_at(dg, DIAG_ERROR, st->eps[e].s->name_loc, "export writes one line per interval of one endpoint "
                    "given by rows; %s is a second one (after %s)", st->eps[e].s->name, st->eps[rep].s->name);
            loaded_free(&l);
            return EXIT_RULES;
        }
        rep = (int)e;
    }
    if (o->in_database) {
        rc = export_in_database(&l, st, csv_path, o, dg);
        loaded_free(&l);
        return rc;
    }
    ep_interval *iv = NULL;
    /* the analysis sets it reads (included()): those of the analyses before it */
    uint8_t **sets = sets_new(&l);
    size_t *order = calloc(l.nsts + 1, sizeof *order);
    if (!sets || !order || set_order(&l, order, dg)) {
        free(order);
        sets_free(&l, sets);
        loaded_free(&l);
        return sets && order ? EXIT_RULES : EXIT_DATA;
    }
    for (size_t i = 0; i < l.nsts && l.sts[order[i]] != st; i++)
        if (compute_set(l.sts[order[i]], d, dg)) rc = EXIT_DATA;
    free(order);
    covcols cv = {NULL, NULL, 0};
    if (!rc && o->covariates && covcols_make(st, d, &cv)) rc = EXIT_DATA;
    /* --unit-values: the analysis's estimates run as by run, for the values
     * per unit they report (a diagnostic of the units' pass is said once) */
    unitcols *uc = NULL;
    dedupe_tap once;
    dedupe_begin(&once, dg);
    if (!rc && o->unit_values) {
        int failed = 0, why = EXIT_DATA;
        uc = unitcols_new(d->tables[st->unit].nrows);
        results *r = uc ? run_once(st, d, dg, &failed, &tm, 0, 1, 0, &why, uc) : NULL;
        if (!r) rc = uc ? why : EXIT_DATA;
        else if (failed) rc = EXIT_ESTIMATE;
        results_free(r);
    }
    results *res = rc || era_build(st, d, dg) ? NULL : results_new(st->title, d->tables[st->unit].name, 1, "days");
    evaluator *ev = res ? eval_new(st, d, dg) : NULL;
    evpool pool;
    if (ev) pool_init(&pool, ev, st, 1, 1);   /* rows are written in order by one thread */
    size_t n = 0;
    size_t *rows = ev ? apply_criteria(st, d, &pool, res, &n, NULL, NULL) : NULL;
    if (rows && set_from_rows(st, d, rows, n)) {
        free(rows);
        rows = NULL;
    }
    char tmp[4096];
    FILE *f = rows ? outfile_create(csv_path, tmp, sizeof tmp) : NULL;
    if (!f) {
        if (rows) diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "cannot write %s: %s", csv_path, strerror(errno));
        if (!rc) rc = rows ? EXIT_OUTPUT : EXIT_DATA;
    } else {
        const table *ut = &d->tables[st->unit], *rt = &d->tables[st->root];
        double ud = st->unit_days[st->timescale];
        int ukey = ut->key, rkey = rt->key, first;
        int safe = !o->raw_csv;   /* text cells neutralised against formulas unless --raw-csv */
        export_header(f, st, d, rep, safe, o->status_labels, &cv, uc);
        for (size_t r = 0, line = 0, nlines = 1; r < n; line + 1 < nlines ? line++ : (line = 0, r++)) {
            eval_unit(ev, rows[r]);
            if (rep >= 0 && line == 0) {
                /* the unit's intervals, one line each (one line, empty, without any) */
                free(iv);
                size_t c = epdata_intervals(st, d, rep, rows[r], NULL, NULL);
                iv = malloc((c + 1) * sizeof *iv);
                nlines = iv ? epdata_intervals(st, d, rep, rows[r], iv, NULL) : 0;
                if (!nlines) nlines = 1;
                if (!iv || !c) { free(iv); iv = NULL; }
            }
            first = 1;
            if (ukey >= 0) {
                int64_t row = (int64_t)rows[r];
                const column *c = &ut->cols[ukey];
                csv_value(f, col_missing(c, row) ? V_MISSING : c->type == CT_INT ? v_int(col_int(c, row)) : v_text(col_text(c, row)), safe, 0);
                first = 0;
            }
            if (st->root != st->unit && rkey >= 0) {
                int64_t row = eval_row_of(ev, st->root);
                const column *c = &rt->cols[rkey];
                if (!first) fputc(',', f);
                csv_value(f, col_missing(c, row) ? V_MISSING : c->type == CT_INT ? v_int(col_int(c, row)) : v_text(col_text(c, row)), safe, 0);
                first = 0;
            }
            for (size_t i = 0; i < st->nlets; i++) {
                int k = st->lets[i].type.kind;
                if (k < TY_INT || k > TY_DURATION || st->lets[i].state != 2) continue;
                if (!first) fputc(',', f);
                expr e = {0};
                e.kind = E_NAME;
                e.rkind = R_LET;
                e.slot = (int)i;
                e.type = st->lets[i].type;
                value v = eval_expr(ev, &e);
                if (v.t == TY_DURATION) v = v_real(v.u.r);   /* durations in days */
                csv_value(f, v, safe, o->booleans);
                first = 0;
            }
            for (size_t k = 0; k < cv.n; k++) {
                value v = eval_expr(ev, cv.e[k]);
                if (v.t == TY_DURATION) v = v_real(v.u.r);
                if (!first) fputc(',', f);
                csv_value(f, v, safe, o->booleans);
                first = 0;
            }
            for (size_t e = 0; e < st->neps; e++) {
                if (st->eps[e].state != 2) continue;
                const ep_value *p = eval_endpoint(ev, (int)e);
                if (!first) fputc(',', f);
                first = 0;
                if ((int)e == rep) {
                    if (iv) fprintf(f, "%.17g,%.17g,%d", isnan(iv[line].start) ? 0 : iv[line].start / ud,
                                    iv[line].stop / ud, iv[line].status);
                    else fputs(",,", f);
                    if (o->status_labels) fputc(',', f);
                    if (o->status_labels && iv) csv_text(f, status_label(st, e, iv[line].status), safe);
                    continue;
                }
                /* a delayed entry: its time from the origin (0 for none) */
                if (st->eps[e].s->ep_entry) {
                    if (p->known) fprintf(f, "%.17g", isnan(p->entry) ? 0 : p->entry / ud);
                    fputc(',', f);
                }
                if (p->known) fprintf(f, "%.17g,%d", p->time / ud, p->status);
                else fputc(',', f);
                if (o->status_labels) fputc(',', f);
                if (o->status_labels && p->known) csv_text(f, status_label(st, e, p->status), safe);
                first = 0;
            }
            for (size_t k = 0; k < unitcols_count(uc); k++) {
                double x = unitcols_value(uc, k, rows[r]);
                if (!first) fputc(',', f);
                first = 0;
                if (!isnan(x)) fprintf(f, "%.17g", x);
            }
            fputc('\n', f);
        }
        report_range(ev, dg);
        int bad = ferror(f);
        if (fclose(f) != 0 || bad || rename(tmp, csv_path) != 0) {
            diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "cannot write %s: %s", csv_path, strerror(errno));
            unlink(tmp);
            rc = EXIT_OUTPUT;
        }
    }
    free(iv);
    free(rows);
    eval_free(ev);
    results_free(res);
    unitcols_free(uc);
    covcols_free(&cv);
    dedupe_end(&once);
    sets_free(&l, sets);
    loaded_free(&l);
    return rc;
}

/* The header of the exported dataset: unit key, patient (root) key, lets,
 * endpoint time/status (start, stop and status of the endpoint given by
 * rows, rep). */
static void export_header(FILE *f, const study *st, const cohort_data *d, int rep, int safe, int labels,
                          const covcols *cv, const unitcols *uc)
{
    const table *ut = &d->tables[st->unit], *rt = &d->tables[st->root];
    const char *tu = unit_name(st->timescale);
    int ukey = ut->key, rkey = rt->key;
    int first = 1;
    if (ukey >= 0) { csv_text(f, ut->cols[ukey].name, safe); first = 0; }
    if (st->root != st->unit && rkey >= 0) { if (!first) fputc(',', f); csv_text(f, rt->cols[rkey].name, safe); first = 0; }
    for (size_t i = 0; i < st->nlets; i++) {
        int k = st->lets[i].type.kind;
        /* lists and maps are not columns; a shared let another analysis uses is not this one's */
        if (k < TY_INT || k > TY_DURATION || st->lets[i].state != 2) continue;
        if (!first) fputc(',', f);
        csv_text(f, st->lets[i].s->name, safe);
        first = 0;
    }
    for (size_t k = 0; cv && k < cv->n; k++) {
        if (!first) fputc(',', f);
        csv_text(f, cv->names[k], safe);
        first = 0;
    }
    for (size_t e = 0; e < st->neps; e++) {
        if (st->eps[e].state != 2) continue;
        const char *nm = st->eps[e].s->name;
        if (!first) fputc(',', f);
        if ((int)e == rep) fprintf(f, "%s_start_%s,%s_stop_%s,", nm, tu, nm, tu);
        else if (st->eps[e].s->ep_entry) fprintf(f, "%s_entry_%s,", nm, tu);
        if ((int)e == rep) fprintf(f, "%s_status", nm);
        else fprintf(f, "%s_time_%s,%s_status", nm, tu, nm);
        if (labels) fprintf(f, ",%s_status_label", nm);
        first = 0;
    }
    for (size_t k = 0; k < unitcols_count(uc); k++) {
        if (!first) fputc(',', f);
        csv_text(f, unitcols_name(uc, k), safe);
        first = 0;
    }
    fputc('\n', f);
}

/* ---- export in the database ------------------------------------------------------ */

typedef struct db_export {
    FILE *f;
    int safe;                  /* text cells neutralised (not --raw-csv) */
    int labels;                /* --status-labels */
    int bools;                 /* --booleans */
    const study *st;
    const cohort_data *d;
} db_export;

/* A key cell as csv_value writes the key column's value. */
static void db_key(FILE *f, int type, const char *text, int safe)
{
    if (!text) return;
    if (type == CT_INT) fputs(text, f);
    else csv_text(f, text, safe);
}

/* A let cell (sqlgen.h) as csv_value writes the let's value. */
static void db_let(FILE *f, int kind, const char *text, int safe, int bools)
{
    char buf[16];
    if (!text) return;
    switch (kind) {
    case TY_INT: fputs(text, f); break;
    case TY_BOOL: csv_bool(f, text[0] == 't', bools); break;
    case TY_REAL: case TY_DURATION: fprintf(f, "%.17g", strtod(text, NULL)); break;
    case TY_DATE: date_format((int32_t)floor(strtod(text, NULL)), buf); fputs(buf, f); break;
    default: csv_text(f, text, safe); break;
    }
}

/* One row of the analysis query written as export writes a unit's line. */
static int db_row(void *ud, int ncells, const char *const *cells)
{
    db_export *x = ud;
    const study *st = x->st;
    const table *ut = &x->d->tables[st->unit], *rt = &x->d->tables[st->root];
    double ud_days = st->unit_days[st->timescale];
    FILE *f = x->f;
    int k = 0, first = 1;
#define CELL() (k < ncells ? cells[k++] : NULL)
    if (ut->key >= 0) { db_key(f, ut->cols[ut->key].type, CELL(), x->safe); first = 0; }
    if (st->root != st->unit && rt->key >= 0) {
        if (!first) fputc(',', f);
        db_key(f, rt->cols[rt->key].type, CELL(), x->safe);
        first = 0;
    }
    for (size_t i = 0; i < st->nlets; i++) {
        int kind = st->lets[i].type.kind;
        if (kind < TY_INT || kind > TY_DURATION || st->lets[i].state != 2) continue;
        if (!first) fputc(',', f);
        db_let(f, kind, CELL(), x->safe, x->bools);
        first = 0;
    }
    for (size_t e = 0; e < st->neps; e++) {
        if (st->eps[e].state != 2) continue;
        if (!first) fputc(',', f);
        first = 0;
        const char *entry = st->eps[e].s->ep_entry ? CELL() : NULL;
        const char *time = CELL(), *status = CELL();
        if (st->eps[e].s->ep_entry) {
            /* a delayed entry: its time from the origin (0 for none) */
            if (time) fprintf(f, "%.17g", entry ? strtod(entry, NULL) / ud_days : 0);
            fputc(',', f);
        }
        if (time && status) fprintf(f, "%.17g,%s", strtod(time, NULL) / ud_days, status);
        else fputc(',', f);
        if (x->labels) fputc(',', f);
        if (x->labels && time && status) csv_text(f, status_label(st, e, atoi(status)), x->safe);
    }
#undef CELL
    fputc('\n', f);
    return ferror(f) != 0;
}

/* export --in-database: the analysis query of sqlgen.c run by PostgreSQL,
 * its rows written as export writes the units it evaluates. */
static int export_in_database(const loaded *l, const study *st, const char *csv_path, const run_opts *o,
                              diag *dg)
{
    int safe = !o->raw_csv;
    if (!st->conninfo) {
        diag_at(dg, DIAG_ERROR, st->data->loc, "export --in-database needs a data postgres statement "
                "(these rules read CSV files)");
        return EXIT_USAGE;
    }
    int erc;
    if (indb_era_check(st, l->data, dg, &erc)) return erc;
    char *sql = sqlgen_analysis(st, l->data, dg);
    if (!sql) return EXIT_RULES;
    char tmp[4096];
    FILE *f = outfile_create(csv_path, tmp, sizeof tmp);
    if (!f) {
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "cannot write %s: %s", csv_path, strerror(errno));
        free(sql);
        return EXIT_OUTPUT;
    }
    export_header(f, st, l->data, -1, safe, o->status_labels, NULL, NULL);
    db_export x = {f, safe, o->status_labels, o->booleans, st, l->data};
    int q = pg_query_rows(st->conninfo, &st->conninfo_site, sql, db_row, &x, dg);
    free(sql);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "cannot write %s: %s", csv_path, strerror(errno));
        unlink(tmp);
        return EXIT_OUTPUT;
    }
    if (q) {
        unlink(tmp);   /* nothing partial */
        return q == 1 ? EXIT_RULES : EXIT_DATA;
    }
    if (rename(tmp, csv_path) != 0) {
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "cannot write %s: %s", csv_path, strerror(errno));
        unlink(tmp);
        return EXIT_OUTPUT;
    }
    return EXIT_OK;
}

int study_sql(const run_opts *o, diag *dg, FILE *out)
{
    loaded l;
    timing tm = {0, 0, 0, 0, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0};
    int rc = load_all(o, o->check_sample_rows ? o->check_sample_rows : 1000, 0, dg, &l, &tm);
    int bad = 0;
    study *one = rc ? NULL : find_analysis(o, &l, 0, &bad, dg);
    if (bad) rc = EXIT_USAGE;
    for (size_t k = 0; !rc && k < l.nsts; k++) {
        if (one && l.sts[k] != one) continue;
        char *sql = sqlgen_analysis(l.sts[k], l.data, dg);
        if (!sql) { rc = EXIT_RULES; break; }
        fprintf(out, "%s%s;\n", k && !one ? "\n" : "", sql);
        free(sql);
    }
    loaded_free(&l);
    return rc;
}
