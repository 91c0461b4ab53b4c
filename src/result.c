/* result.c: storing results, the host function table given to plugins, and
 * rendering: aligned text tables for people, JSON and CSV at full
 * precision for machines.  Under `privacy min_cell = N` every count
 * 0 < n < N, every percentage of a row that rests on such a count, and
 * every number of such a row of a detail table (a whole curve), is written
 * as "<N" in all three.  A plugin's results kept between runs (memo_get,
 * memo_put) go to the results cache (rescache.c) under the keys of the
 * call's columns, which the runner gives in call_ctx. */
#include "result.h"
#include "csvcell.h"
#include "safetext.h"
#include "outfile.h"
#include "docx.h"
#include "tasks.h"
#include "rescache.h"
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int push(void **arr, size_t *n, size_t elem)
{
    void *p = realloc(*arr, (*n + 1) * elem);
    if (!p) return -1;
    *arr = p;
    (*n)++;
    return 0;
}

/* ---- host functions -------------------------------------------------------- */

static call_ctx *ctx_of(const cohort_call *call)
{
    return (call_ctx *)call->host_private;
}

static char *vformat(const char *fmt, va_list ap)
{
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    return strdup(buf);
}

enum { MSG_ERROR, MSG_WARNING, MSG_NOTE };

/* An error or warning goes to the diagnostics, located at the estimate;
 * warnings and notes are also kept with the estimate's results. */
static void message(const cohort_call *call, int kind, const char *fmt, va_list ap)
{
    call_ctx *c = ctx_of(call);
    char *m = vformat(fmt, ap);
    if (!m) return;
    if (kind != MSG_NOTE && c->before_diag) c->before_diag(c->fetch_ctx);
    if (kind != MSG_NOTE)
        diag_at(c->dg, kind == MSG_ERROR ? DIAG_ERROR : DIAG_WARNING, c->where, "%s: %s", call->estimator, m);
    if (kind == MSG_ERROR) {
        c->cur->failed = 1;
        free(m);
        return;
    }
    if (kind == MSG_NOTE && c->res->labels) {
        char *shown = labels_show(c->res->labels, m);
        if (shown) { free(m); m = shown; }
    }
    char ***list = kind == MSG_WARNING ? &c->cur->warnings : &c->cur->notes;
    size_t *n = kind == MSG_WARNING ? &c->cur->nwarnings : &c->cur->nnotes, cnt = *n;
    if (push((void **)list, &cnt, sizeof(char *)) == 0) (*list)[(*n)++] = m;
    else free(m);
}

static void h_error(const cohort_call *call, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message(call, MSG_ERROR, fmt, ap);
    va_end(ap);
}

static void h_warning(const cohort_call *call, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message(call, MSG_WARNING, fmt, ap);
    va_end(ap);
}

static void h_note(const cohort_call *call, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message(call, MSG_NOTE, fmt, ap);
    va_end(ap);
}

static cohort_table *table_new(const char *id, const char *title)
{
    cohort_table *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->id = xstrdup(id ? id : "table");
    t->title = xstrdup(title ? title : "");
    return t;
}

static void table_free(cohort_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i].text);
    for (size_t i = 0; i < t->ncols; i++) free(t->cols[i].name);
    free(t->cells);
    free(t->rowcount);
    for (size_t i = 0; i < t->nfootnotes; i++) free(t->footnotes[i]);
    free(t->footnotes);
    free(t->cols);
    free(t->id);
    free(t->title);
    free(t);
}

static cohort_table *h_table_new(const cohort_call *call, const char *id, const char *title)
{
    call_ctx *c = ctx_of(call);
    cohort_table *t = table_new(id, title);
    if (!t) return NULL;
    size_t n = c->cur->ntables;
    if (push((void **)&c->cur->tables, &n, sizeof(cohort_table *))) {
        table_free(t);
        return NULL;
    }
    c->cur->tables[c->cur->ntables++] = t;
    return t;
}

static int h_table_column(cohort_table *t, const char *name, int kind, int digits)
{
    if (!t || t->nrows) return -1;   /* columns come before rows */
    size_t n = t->ncols;
    if (push((void **)&t->cols, &n, sizeof(rcol))) return -1;
    t->cols[t->ncols] = (rcol){xstrdup(name), kind, digits, 0};
    return (int)t->ncols++;
}

static size_t h_table_row(cohort_table *t)
{
    if (!t) return 0;
    if (t->nrows == t->caprows) {
        size_t cap = t->caprows ? 2 * t->caprows : 16;
        cell *c = realloc(t->cells, cap * (t->ncols ? t->ncols : 1) * sizeof *c);
        if (!c) return t->nrows ? t->nrows - 1 : 0;
        t->cells = c;
        double *rc = realloc(t->rowcount, cap * sizeof *rc);
        if (!rc) return t->nrows ? t->nrows - 1 : 0;
        t->rowcount = rc;
        t->caprows = cap;
    }
    memset(t->cells + t->nrows * t->ncols, 0, t->ncols * sizeof(cell));
    t->rowcount[t->nrows] = NAN;
    return t->nrows++;
}

static cell *cell_at(cohort_table *t, size_t row, int col)
{
    if (!t || row >= t->nrows || col < 0 || (size_t)col >= t->ncols) return NULL;
    return &t->cells[row * t->ncols + (size_t)col];
}

static void h_table_num(cohort_table *t, size_t row, int col, double v)
{
    cell *c = cell_at(t, row, col);
    if (!c || !isfinite(v)) return;   /* never store NaN or Inf: the cell stays missing */
    c->set = 1;
    c->num = v;
}

static void h_table_text(cohort_table *t, size_t row, int col, const char *s)
{
    cell *c = cell_at(t, row, col);
    if (!c || !s) return;
    free(c->text);
    c->text = strdup(s);
    c->set = c->text != NULL;
}

static int h_keep_rows(const cohort_call *call, const unsigned char *keep)
{
    call_ctx *c = ctx_of(call);
    if (call->row_unit) return -1;
    unsigned char *k = malloc(c->nrows + 1);
    if (!k) return -1;
    memcpy(k, keep, c->nrows);
    free(c->keep);
    c->keep = k;
    return 0;
}

/* Copies of a call's values by row (nrows) and of their name; -1 when out
 * of memory (nothing kept). */
static int copy_named(const call_ctx *c, const double *v, const char *name, double **vout, char **nout)
{
    double *k = malloc((c->nrows + 1) * sizeof *k);
    char *nm = strdup(name);
    if (!k || !nm) {
        free(k);
        free(nm);
        return -1;
    }
    memcpy(k, v, c->nrows * sizeof *k);
    *vout = k;
    *nout = nm;
    return 0;
}

static int h_set_weights(const cohort_call *call, const double *w, const char *name)
{
    call_ctx *c = ctx_of(call);
    if (call->row_unit || !w || !name) return -1;
    for (size_t i = 0; i < c->nrows; i++)
        if (!isnan(w[i]) && !(w[i] > 0 && isfinite(w[i]))) return -1;
    double *k;
    char *nm;
    if (copy_named(c, w, name, &k, &nm)) return -1;
    free(c->weights);
    free(c->weights_name);
    c->weights = k;
    c->weights_name = nm;
    return 0;
}

static void h_table_detail(cohort_table *t)
{
    if (t) t->detail = 1;
}

/* ---- ABI 1.1: privacy and figures ---- */

static int h_format_count(const cohort_call *call, double n, char *buf, size_t size)
{
    const results *r = ctx_of(call)->res;
    results_count_text(r, n, buf, size);
    return privacy_hides(n, r->min_cell);
}

static void h_table_row_count(cohort_table *t, size_t row, double n)
{
    if (t && row < t->nrows && isfinite(n)) t->rowcount[row] = n;
}

static void h_table_count_role(cohort_table *t, int col, int role)
{
    if (t && col >= 0 && (size_t)col < t->ncols && t->cols[col].kind == COHORT_COL_COUNT &&
        role >= COHORT_COUNT_UNITS && role <= COHORT_COUNT_STEP_CENSORED)
        t->cols[col].role = role;
}

/* ---- appended after ABI 1.3: counts in text cells, relations ---- */

static void h_table_cell_count(cohort_table *t, size_t row, int col, double n)
{
    cell *c = t ? cell_at(t, row, col) : NULL;
    if (!c || !isfinite(n) || n < 0) return;
    c->counted = 1;
    c->count = n;
}

static void h_count_relation(const cohort_call *call, const cohort_cell_ref *cells, const int *coef, size_t n)
{
    est_result *er = ctx_of(call)->cur;
    if (!er || !cells || !coef || n < 2 || n > 100000) return;
    for (size_t i = 0; i < n; i++)   /* a relation with a cell that does not exist says nothing */
        if (cells[i].table && !cell_at(cells[i].table, cells[i].row, cells[i].col)) return;
    size_t cnt = er->nrels;
    if (push((void **)&er->rels, &cnt, sizeof *er->rels)) return;
    count_rel *r = &er->rels[er->nrels];
    r->cells = malloc(n * sizeof *r->cells);
    r->coef = malloc(n * sizeof *r->coef);
    if (!r->cells || !r->coef) {
        free(r->cells);
        free(r->coef);
        return;
    }
    memcpy(r->cells, cells, n * sizeof *cells);
    memcpy(r->coef, coef, n * sizeof *coef);
    for (size_t i = 0; i < n; i++)   /* the plugin's texts are its own */
        r->cells[i].group = cells[i].table || !cells[i].group ? NULL : xstrdup(cells[i].group);
    r->n = n;
    er->nrels++;
}

/* ---- appended after ABI 1.4: footnotes ---- */

static void h_table_footnote(cohort_table *t, const char *text)
{
    if (!t || !text || !*text) return;
    size_t n = t->nfootnotes;
    char *s = strdup(text);
    if (!s || push((void **)&t->footnotes, &n, sizeof(char *))) {
        free(s);
        return;
    }
    t->footnotes[t->nfootnotes++] = s;
}

static cohort_figure *h_figure_new(const cohort_call *call, const char *id, int kind, const char *title)
{
    call_ctx *c = ctx_of(call);
    if (kind != COHORT_FIG_STEP && kind != COHORT_FIG_FOREST && kind != COHORT_FIG_FOREST_DIFF &&
        kind != COHORT_FIG_SCATTER)
        return NULL;
    cohort_figure *f = figure_create(id, kind, title);
    if (!f) return NULL;
    size_t n = c->cur->nfigures;
    if (push((void **)&c->cur->figures, &n, sizeof(cohort_figure *))) {
        figure_free(f);
        return NULL;
    }
    c->cur->figures[c->cur->nfigures++] = f;
    return f;
}

static void h_figure_labels(cohort_figure *f, const char *xlabel, const char *ylabel)
{
    if (f) figure_set_labels(f, xlabel, ylabel);
}

static int h_figure_series(cohort_figure *f, const char *label, double start)
{
    return f ? figure_add_series(f, label, start) : -1;
}

static void h_figure_step(cohort_figure *f, int series, double time, double y, double lower,
                          double upper, double nrisk, double nevent, double ncensor)
{
    fig_point p = {time, y, lower, upper, nrisk, nevent, ncensor};
    if (f) figure_add_point(f, series, &p);
}

static void h_figure_estimate(cohort_figure *f, const char *label, double est, double lower,
                              double upper, double p)
{
    if (f) figure_add_row(f, label, est, lower, upper, p);
}

static void h_figure_annotate(cohort_figure *f, const char *text)
{
    if (f) figure_set_annotation(f, text);
}

static int h_figure_curve(cohort_figure *f, const char *group, const char *outcome, double start)
{
    return f ? figure_add_curve(f, group, outcome, start) : -1;
}

static void h_figure_point(cohort_figure *f, double x, double y)
{
    if (f) figure_add_xy(f, 0, x, y, NAN, NAN);
}

static void h_figure_smooth(cohort_figure *f, double x, double fit, double lower, double upper)
{
    if (f) figure_add_xy(f, 1, x, fit, lower, upper);
}

static void h_figure_tick(cohort_figure *f, double x, const char *label)
{
    if (f) figure_add_tick(f, x, label);
}

static const char *h_label(const cohort_call *call, const char *name, const char *level)
{
    const labelset *ls = ctx_of(call)->res->labels;
    return level ? labels_level(ls, name, level) : labels_name(ls, name);
}

static int h_level_rank(const cohort_call *call, const char *name, const char *level)
{
    return labels_rank(ctx_of(call)->res->labels, name, level);
}

static const char *h_window(const cohort_call *call, const char *name, double *from, double *to)
{
    const results *r = ctx_of(call)->res;
    for (size_t i = 0; name && i < r->nwindows; i++)
        if (!strcmp(r->windows[i].name, name)) {
            if (from) *from = r->windows[i].from;
            if (to) *to = r->windows[i].to;
            return r->windows[i].text;
        }
    if (from) *from = NAN;
    if (to) *to = NAN;
    return NULL;
}

static void h_figure_estimate_counts(cohort_figure *f, double n, double events)
{
    if (f) figure_row_counts(f, n, events);
}

static const char *h_unit(const cohort_call *call, const char *name)
{
    const results *r = ctx_of(call)->res;
    for (size_t i = 0; name && i < r->nvar_units; i++)
        if (!strcmp(r->var_units[i].name, name)) return r->var_units[i].text;
    return NULL;
}

static int h_unit_values(const cohort_call *call, const char *name, const double *v)
{
    call_ctx *c = ctx_of(call);
    if (call->row_unit || !v || !name || !name[0]) return -1;
    for (size_t i = 0; i < c->nuv; i++)
        if (!strcmp(c->uv_names[i], name)) return -1;
    char **nn = realloc(c->uv_names, (c->nuv + 1) * sizeof *nn);
    if (!nn) return -1;
    c->uv_names = nn;
    double **vv = realloc(c->uv, (c->nuv + 1) * sizeof *vv);
    if (!vv) return -1;
    c->uv = vv;
    if (copy_named(c, v, name, &c->uv[c->nuv], &c->uv_names[c->nuv])) return -1;
    c->nuv++;
    return 0;
}

void call_ctx_free_values(call_ctx *c)
{
    for (size_t i = 0; i < c->nuv; i++) {
        free(c->uv_names[i]);
        free(c->uv[i]);
    }
    free(c->uv_names);
    free(c->uv);
    c->uv_names = NULL;
    c->uv = NULL;
    c->nuv = 0;
}

/* run_tasks: the plugin's tasks through the host's task runner; each
 * thread gets the next worker number when it takes its first task */
typedef struct plugin_tasks {
    void (*fn)(void *ctx, size_t task, size_t worker);
    void *ctx;
    pthread_mutex_t lock;
    pthread_t seen[TASKS_MAX];   /* the threads numbered so far */
    size_t nseen;
} plugin_tasks;

static size_t worker_of(plugin_tasks *p)
{
    pthread_t me = pthread_self();
    pthread_mutex_lock(&p->lock);
    size_t w = 0;
    while (w < p->nseen && !pthread_equal(p->seen[w], me)) w++;
    if (w == p->nseen && w < TASKS_MAX) p->seen[p->nseen++] = me;
    pthread_mutex_unlock(&p->lock);
    return w;
}

static void plugin_task(void *ctx, size_t task, int caller)
{
    plugin_tasks *p = ctx;
    (void)caller;
    p->fn(p->ctx, task, worker_of(p));
}

static void h_run_tasks(const cohort_call *call, size_t n, void (*fn)(void *ctx, size_t task, size_t worker),
                        void *ctx)
{
    if (!fn || n == 0) return;
    plugin_tasks p = {fn, ctx, PTHREAD_MUTEX_INITIALIZER, {0}, 0};
    tasks_run(ctx_of(call)->threads, n, plugin_task, &p);
    pthread_mutex_destroy(&p.lock);
}

/* memo_get, memo_put: the key of a result computed from vecs[0..n), empty
 * when the cache is off or a column is not one the call's filling named
 * (the same cohort_vec with the same arrays and rows as filled). */
enum { MEMO_MAXCOLS = 64 };
static rc_key memo_key(const cohort_call *call, const cohort_vec *const *vecs, size_t n, const char *what,
                       size_t size)
{
    const call_ctx *c = ctx_of(call);
    rc_key none = {""};
    if (!c->rc || !vecs || n == 0 || n > MEMO_MAXCOLS || !what) return none;
    rc_key keys[MEMO_MAXCOLS];
    for (size_t j = 0; j < n; j++) {
        const cohort_vec *v = vecs[j];
        size_t k = 0;
        while (k < c->ncols && !(c->cols[k].vec == v && v && c->cols[k].num == v->num &&
                                 c->cols[k].text == v->text && c->cols[k].missing == v->missing &&
                                 c->cols[k].n == v->n && v->n == call->nrows))
            k++;
        if (k == c->ncols) return none;
        memcpy(keys[j].hex, c->cols[k].key, sizeof keys[j].hex);
    }
    return rescache_key_memo(c->rc, c->code, call->estimator, keys, n, what, size);
}

static int h_memo_get(const cohort_call *call, const cohort_vec *const *vecs, size_t nvecs, const char *what,
                      void *buf, size_t size)
{
    rc_key k = memo_key(call, vecs, nvecs, what, size);
    return k.hex[0] && buf ? rescache_memo_get(ctx_of(call)->rc, &k, buf, size) : 0;
}

static void h_memo_put(const cohort_call *call, const cohort_vec *const *vecs, size_t nvecs, const char *what,
                       const void *buf, size_t size)
{
    const call_ctx *c = ctx_of(call);
    if (c->may_keep && !c->may_keep(c->fetch_ctx)) return;   /* the run met data problems */
    rc_key k = memo_key(call, vecs, nvecs, what, size);
    if (k.hex[0] && buf) rescache_memo_put(c->rc, &k, buf, size);
}

static int h_fetch(const cohort_call *call, const cohort_vec *const *vecs, size_t nvecs)
{
    const call_ctx *c = ctx_of(call);
    return c->fetch && vecs && nvecs ? c->fetch(c->fetch_ctx, vecs, nvecs) : 0;
}

static const cohort_host host = {
    sizeof(cohort_host), COHORT_ABI_MAJOR, COHORT_ABI_MINOR,
    h_error, h_warning, h_table_new, h_table_column, h_table_row, h_table_num,
    h_table_text, h_note, h_keep_rows, h_table_detail,
    h_format_count, h_table_row_count, h_figure_new, h_figure_labels, h_figure_series,
    h_figure_step, h_figure_estimate, h_table_count_role, h_figure_annotate, h_figure_curve,
    h_label, h_level_rank, h_table_cell_count, h_count_relation, h_set_weights, h_table_footnote, h_window,
    h_unit_values,
    h_figure_point, h_figure_smooth, h_figure_tick, h_figure_estimate_counts, h_unit,
    h_run_tasks,
    h_memo_get, h_memo_put,
    h_fetch,
};

const cohort_host *result_host(void)
{
    return &host;
}

/* ---- results --------------------------------------------------------------- */

static void kv_push(kv **arr, size_t *n, const char *key, const char *text)
{
    size_t m = *n;
    if (push((void **)arr, &m, sizeof **arr)) return;
    char *k = xstrdup(key), *v = xstrdup(text);
    if (!k || !v) {
        free(k);
        free(v);
        return;
    }
    (*arr)[(*n)++] = (kv){k, v};
}

static void kv_free(kv *arr, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(arr[i].key);
        free(arr[i].value);
    }
    free(arr);
}

static void strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* n copies of strings (NULL on failure) */
static char **strv_copy(const char *const *v, size_t n)
{
    char **c = calloc(n + 1, sizeof *c);
    for (size_t i = 0; c && i < n; i++)
        if (!(c[i] = xstrdup(v[i] ? v[i] : ""))) {
            strv_free(c, i);
            return NULL;
        }
    return c;
}

results *results_new(const char *title, const char *unit, double unit_days, const char *unit_name)
{
    results *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->title = xstrdup(title ? title : "");
    r->unit = xstrdup(unit);
    r->time_unit_days = unit_days;
    r->time_unit = xstrdup(unit_name);
    return r;
}

void results_free(results *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->nattr; i++) {
        free(r->attr[i].label);
        for (int k = 0; k < r->attr[i].nlev; k++) free(r->attr[i].levname[k]);
    }
    free(r->attr);
    for (size_t i = 0; i < r->nanalyses; i++) {
        free(r->anames[i]);
        free(r->aunits[i]);
    }
    free(r->anames);
    free(r->aunits);
    for (size_t i = 0; i < r->nests; i++) {
        est_result *e = &r->ests[i];
        for (size_t k = 0; k < e->ntables; k++) table_free(e->tables[k]);
        for (size_t k = 0; k < e->nnotes; k++) free(e->notes[k]);
        for (size_t k = 0; k < e->nwarnings; k++) free(e->warnings[k]);
        for (size_t k = 0; k < e->nfigures; k++) figure_free(e->figures[k]);
        for (size_t k = 0; k < e->nrels; k++) {
            for (size_t j = 0; j < e->rels[k].n; j++) free((char *)e->rels[k].cells[j].group);
            free(e->rels[k].cells);
            free(e->rels[k].coef);
        }
        free(e->rels);
        free(e->figures);
        free(e->tables);
        free(e->notes);
        free(e->warnings);
        free(e->estimator);
        free(e->name);
        free(e->plugin);
        free(e->plugin_version);
        kv_free(e->args, e->nargs);
        for (size_t k = 0; k < e->nerrors; k++) {
            free(e->errors[k].message);
            free(e->errors[k].file);
        }
        free(e->errors);
        free(e->note_run);
        free(e->source);
        free(e->where);
    }
    free(r->ests);
    for (size_t i = 0; i < r->nwarnings; i++) free(r->warnings[i]);
    free(r->warnings);
    for (size_t i = 0; i < r->ninputs; i++) {
        free(r->inputs[i].kind);
        free(r->inputs[i].path);
        free(r->inputs[i].sha256);
        free(r->inputs[i].text);
    }
    free(r->inputs);
    free(r->version);
    strv_free(r->command, r->ncommand);
    free(r->run_date);
    kv_free(r->params, r->nparams);
    strv_free(r->sweep_params, r->nsweep_params);
    strv_free(r->sweep_values, r->nsweep_runs * r->nsweep_params);
    free(r->title);
    free(r->unit);
    free(r->time_unit);
    labels_free(r->labels);
    for (size_t i = 0; i < r->nwindows; i++) {
        free(r->windows[i].name);
        free(r->windows[i].text);
    }
    free(r->windows);
    results_arms_free(r);
    for (size_t i = 0; i < r->nvar_units; i++) {
        free(r->var_units[i].name);
        free(r->var_units[i].text);
    }
    free(r->var_units);
    free(r);
}

void results_window(results *r, const char *name, const char *text, double from, double to)
{
    size_t n = r->nwindows;
    if (push((void **)&r->windows, &n, sizeof *r->windows)) return;
    def_window *w = &r->windows[r->nwindows];
    w->name = xstrdup(name);
    w->text = xstrdup(text);
    w->from = from;
    w->to = to;
    if (!w->name || !w->text) {
        free(w->name);
        free(w->text);
        return;
    }
    r->nwindows++;
}

void results_var_unit(results *r, const char *name, const char *text)
{
    size_t n = r->nvar_units;
    if (push((void **)&r->var_units, &n, sizeof *r->var_units)) return;
    def_window *w = &r->var_units[r->nvar_units];
    w->name = xstrdup(name);
    w->text = xstrdup(text);
    w->from = w->to = NAN;
    if (!w->name || !w->text) {
        free(w->name);
        free(w->text);
        return;
    }
    r->nvar_units++;
}

void results_set_labels(results *r, const labelset *ls)
{
    labels_free(r->labels);
    r->labels = labels_copy(ls);
}

/* Replace *s by the text people read (labels.h); kept as it is when out of memory. */
static void relabel(const labelset *ls, char **s)
{
    if (!*s) return;
    char *shown = labels_show(ls, *s);
    if (!shown) return;
    free(*s);
    *s = shown;
}

char *results_show(const results *r, const char *text)
{
    return labels_show(r->labels, text);
}

void results_label_figures(const results *r, est_result *e)
{
    if (!r->labels) return;
    for (size_t k = 0; k < e->nfigures; k++) {
        cohort_figure *f = e->figures[k];
        relabel(r->labels, &f->title);
        relabel(r->labels, &f->ylabel);
        for (size_t i = 0; i < f->nseries; i++) relabel(r->labels, &f->series[i].label);
        for (size_t i = 0; i < f->ngroups; i++) relabel(r->labels, &f->groups[i]);
        for (size_t i = 0; i < f->noutcomes; i++) relabel(r->labels, &f->outcomes[i]);
        for (size_t i = 0; i < f->nrows; i++) relabel(r->labels, &f->rows[i].label);
    }
}

void results_set_privacy(results *r, int min_cell)
{
    r->min_cell = min_cell > 1 ? min_cell : 0;
}

void results_warning(results *r, const char *text)
{
    size_t n = r->nwarnings;
    char *w = xstrdup(text ? text : "");
    if (!w || push((void **)&r->warnings, &n, sizeof(char *))) {
        free(w);
        return;
    }
    r->warnings[r->nwarnings++] = w;
}

void results_provenance(results *r, const char *version, const char *const *args, size_t nargs, long long epoch)
{
    free(r->version);
    r->version = xstrdup(version);
    strv_free(r->command, r->ncommand);
    r->command = strv_copy(args, nargs);
    r->ncommand = r->command ? nargs : 0;
    char date[64] = "";
    time_t t = (time_t)epoch;
    struct tm tm;
    if (gmtime_r(&t, &tm)) strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    free(r->run_date);
    r->run_date = xstrdup(date);
}

void results_param(results *r, const char *name, const char *text)
{
    kv_push(&r->params, &r->nparams, name, text);
}

void results_est_plugin(est_result *e, const char *plugin, const char *version)
{
    free(e->plugin);
    free(e->plugin_version);
    e->plugin = xstrdup(plugin);
    e->plugin_version = xstrdup(version);
}

void results_est_arg(est_result *e, const char *param, const char *text)
{
    kv_push(&e->args, &e->nargs, param, text);
}

void results_est_error(est_result *e, const char *file, int line, int col, const char *message, size_t run)
{
    size_t n = e->nerrors;
    if (push((void **)&e->errors, &n, sizeof *e->errors)) return;
    est_error *x = &e->errors[e->nerrors];
    x->message = xstrdup(message ? message : "");
    x->file = xstrdup(file);
    x->line = line;
    x->col = col;
    x->run = run;
    if (!x->message || (file && !x->file)) {
        free(x->message);
        free(x->file);
        return;
    }
    e->nerrors++;
}

void results_input(results *r, const char *kind, const char *path, const char *sha256)
{
    size_t n = r->ninputs;
    if (push((void **)&r->inputs, &n, sizeof *r->inputs)) return;
    r->inputs[r->ninputs++] = (run_input){xstrdup(kind), xstrdup(path), xstrdup(sha256), NULL};
}

void results_input_text(results *r, const char *text)
{
    if (!r->ninputs) return;
    free(r->inputs[r->ninputs - 1].text);
    r->inputs[r->ninputs - 1].text = xstrdup(text);
}

void results_attrition(results *r, const char *label, size_t before, size_t excluded, size_t unknown, size_t after)
{
    size_t n = r->nattr;
    if (push((void **)&r->attr, &n, sizeof *r->attr)) return;
    memset(&r->attr[r->nattr], 0, sizeof r->attr[r->nattr]);
    attrition_row *a = &r->attr[r->nattr++];
    a->label = xstrdup(label);
    a->before = before;
    a->excluded = excluded;
    a->unknown = unknown;
    a->after = after;
}

void results_attrition_levels(results *r, int nlev, const char *const *names, const size_t *counts)
{
    if (!r->nattr) return;
    attrition_row *a = &r->attr[r->nattr - 1];
    for (int k = 0; k < nlev && a->nlev < ATTR_LEVELS; k++) {
        a->levname[a->nlev] = xstrdup(names[k]);
        a->lev[a->nlev++] = counts[k];
    }
}

int results_adopt(results *dst, results *src, const char *name, const char *unit)
{
    size_t n = dst->nanalyses;
    char *nm = xstrdup(name), *un = xstrdup(unit);
    if (!nm || !un || push((void **)&dst->anames, &n, sizeof(char *))) goto fail;
    n = dst->nanalyses;
    if (push((void **)&dst->aunits, &n, sizeof(char *))) goto fail;
    dst->anames[dst->nanalyses] = nm;
    dst->aunits[dst->nanalyses] = un;
    int idx = (int)++dst->nanalyses;
    /* room first, so that nothing is half moved */
    attrition_row *ar = realloc(dst->attr, (dst->nattr + src->nattr + 1) * sizeof *ar);
    if (ar) dst->attr = ar;
    est_result *er = realloc(dst->ests, (dst->nests + src->nests + 1) * sizeof *er);
    if (er) dst->ests = er;
    if (!ar || !er) return -1;
    for (size_t i = 0; i < src->nattr; i++) {
        dst->attr[dst->nattr] = src->attr[i];
        dst->attr[dst->nattr++].analysis = idx;
    }
    src->nattr = 0;
    for (size_t i = 0; i < src->nests; i++) {
        dst->ests[dst->nests] = src->ests[i];
        dst->ests[dst->nests++].analysis = idx;
    }
    src->nests = 0;
    results_arms_add(dst, src, idx, -1);   /* the block's arms (all or none: arms.c) */
    if (!dst->labels) {
        dst->labels = src->labels;
        src->labels = NULL;
    }
    results_free(src);
    return 0;
fail:
    free(nm);
    free(un);
    return -1;
}

est_result *results_estimate(results *r, const char *estimator, const char *name, const char *source,
                             const char *where)
{
    size_t n = r->nests;
    if (push((void **)&r->ests, &n, sizeof *r->ests)) return NULL;
    est_result *e = &r->ests[r->nests++];
    memset(e, 0, sizeof *e);
    e->estimator = xstrdup(estimator);
    e->name = name ? xstrdup(name) : NULL;
    e->source = xstrdup(source);
    e->where = xstrdup(where);
    e->nunits = NAN;
    return e;
}

void results_est_stem(const results *r, size_t i, char *buf, size_t size)
{
    const est_result *e = &r->ests[i];
    if (e->name) snprintf(buf, size, "%s", e->name);
    else snprintf(buf, size, "%02zu-%s", i + 1, e->estimator);
}

/* "a = v, b = w": run k's values of the swept params */
static void sweep_label(const char *const *params, size_t np, const char *const *values, size_t k, char *buf,
                        size_t size)
{
    buf[0] = 0;
    for (size_t j = 0; j < np; j++) {
        size_t l = strlen(buf);
        snprintf(buf + l, size - l, "%s%s = %s", j ? ", " : "", params[j], values[k * np + j]);
    }
}

/* The merged table with rt's id in me, made on first sight: the swept
 * params' columns, then rt's. */
static cohort_table *merged_table(est_result *me, const cohort_table *rt, const char *const *params, size_t np)
{
    for (size_t t = 0; t < me->ntables; t++)
        if (!strcmp(me->tables[t]->id, rt->id)) return me->tables[t];
    cohort_table *mt = table_new(rt->id, rt->title);
    if (!mt) return NULL;
    mt->detail = rt->detail;
    for (size_t fn = 0; fn < rt->nfootnotes; fn++) h_table_footnote(mt, rt->footnotes[fn]);
    size_t cnt = me->ntables;
    if (push((void **)&me->tables, &cnt, sizeof(cohort_table *))) {
        table_free(mt);
        return NULL;
    }
    me->tables[me->ntables++] = mt;
    for (size_t j = 0; j < np; j++) h_table_column(mt, params[j], COHORT_COL_TEXT, 0);
    return mt;
}

/* A column added to a table that has rows already (left unset in them);
 * its index, or -1 when out of memory. */
static int column_late(cohort_table *t, const rcol *col)
{
    if (!t->nrows) return h_table_column(t, col->name, col->kind, col->digits);
    size_t nc = t->ncols + 1, cap = t->caprows ? t->caprows : 1;
    cell *c = calloc(cap * nc, sizeof *c);
    rcol *cols = realloc(t->cols, nc * sizeof *cols);
    if (!c || !cols) {
        free(c);
        if (cols) t->cols = cols;
        return -1;
    }
    t->cols = cols;
    for (size_t r = 0; r < t->nrows; r++) memcpy(c + r * nc, t->cells + r * t->ncols, t->ncols * sizeof *c);
    free(t->cells);
    t->cells = c;
    t->cols[t->ncols] = (rcol){xstrdup(col->name), col->kind, col->digits, 0};
    return (int)t->ncols++;
}

/* Append the rows of run table rt (the run's param values vals) to its
 * merged table; a column is found by name (a run may have one the first
 * had not, e.g. compare's window).  -1 when out of memory. */
static int merge_table(est_result *me, const cohort_table *rt, const char *const *params, size_t np,
                       const char *const *vals)
{
    cohort_table *mt = merged_table(me, rt, params, np);
    int *map = malloc((rt->ncols + 1) * sizeof *map);
    if (!mt || !map) {
        free(map);
        return -1;
    }
    for (size_t c = 0; c < rt->ncols; c++) {
        map[c] = -1;
        for (size_t mc = np; mc < mt->ncols && map[c] < 0; mc++)
            if (!strcmp(mt->cols[mc].name, rt->cols[c].name)) map[c] = (int)mc;
        if (map[c] < 0) {
            map[c] = column_late(mt, &rt->cols[c]);
            if (map[c] >= 0) h_table_count_role(mt, map[c], rt->cols[c].role);
        }
    }
    for (size_t row = 0; row < rt->nrows; row++) {
        size_t mr = h_table_row(mt);
        for (size_t j = 0; j < np; j++) h_table_text(mt, mr, (int)j, vals[j]);
        h_table_row_count(mt, mr, rt->rowcount[row]);
        for (size_t c = 0; c < rt->ncols; c++) {
            const cell *src = &rt->cells[row * rt->ncols + c];
            if (!src->set || map[c] < 0) continue;
            if (src->text) h_table_text(mt, mr, map[c], src->text);
            else h_table_num(mt, mr, map[c], src->num);
            cell *dst = &mt->cells[mr * mt->ncols + (size_t)map[c]];
            dst->hide = src->hide;
            dst->counted = src->counted;
            dst->count = src->count;
        }
    }
    free(map);
    return 0;
}

/* Estimate i's forest plots once more, each run's rows side by side
 * (figure_sweep), after the runs' own copies. */
/* run r's first figure `id` of estimate i, or NULL (failed, or no such figure) */
static const cohort_figure *run_figure(const results *r, size_t i, const char *id)
{
    if (i >= r->nests || r->ests[i].failed) return NULL;
    for (size_t h = 0; h < r->ests[i].nfigures; h++)
        if (!strcmp(r->ests[i].figures[h]->id, id)) return r->ests[i].figures[h];
    return NULL;
}

static void sweep_forests(est_result *me, results *const *runs, size_t n, size_t i,
                          const char *const *labels, const char *swept)
{
    const cohort_figure **figs = calloc(n, sizeof *figs);
    if (!figs) return;
    for (size_t k0 = 0; k0 < n; k0++) {
        if (i >= runs[k0]->nests || runs[k0]->ests[i].failed) continue;
        const est_result *e0 = &runs[k0]->ests[i];
        for (size_t g = 0; g < e0->nfigures; g++) {
            const cohort_figure *f0 = e0->figures[g];
            if (f0->kind != COHORT_FIG_FOREST && f0->kind != COHORT_FIG_FOREST_DIFF) continue;
            /* once per id: at its first figure of the first run that has it */
            int done = run_figure(runs[k0], i, f0->id) != f0;
            for (size_t k = 0; k < k0 && !done; k++) done = run_figure(runs[k], i, f0->id) != NULL;
            if (done) continue;
            for (size_t k = 0; k < n; k++) figs[k] = run_figure(runs[k], i, f0->id);
            cohort_figure *sf = figure_sweep(figs, labels, n, swept);
            size_t cnt = me->nfigures;
            if (!sf || push((void **)&me->figures, &cnt, sizeof(cohort_figure *))) {
                figure_free(sf);
                continue;
            }
            me->figures[me->nfigures++] = sf;
        }
    }
    free(figs);
}

results *results_merge(results *const *runs, size_t n, const char *const *params, size_t np,
                       const char *const *values)
{
    if (n == 0) return NULL;
    char(*labels)[512] = calloc(n, sizeof *labels);
    char **run_labels = calloc(n, sizeof *run_labels);
    if (!labels || !run_labels) {
        free(labels);
        free(run_labels);
        return NULL;
    }
    for (size_t k = 0; k < n; k++) {
        sweep_label(params, np, values, k, labels[k], sizeof labels[k]);
        run_labels[k] = labels[k];
    }
    char swept[512] = "";   /* "a, b": the swept params */
    for (size_t j = 0; j < np; j++) {
        size_t l = strlen(swept);
        snprintf(swept + l, sizeof swept - l, "%s%s", j ? ", " : "", params[j]);
    }
    const results *f = runs[0];
    results *m = results_new(f->title, f->unit, f->time_unit_days, f->time_unit);
    if (!m) {
        free(labels);
        free(run_labels);
        return NULL;
    }
    m->min_cell = f->min_cell;
    /* each run was protected on its own (its plugins' declared relations
     * name its own tables); the merge keeps those decisions */
    m->suppressed = 1;
    for (size_t k = 0; k < n; k++) m->suppressed &= runs[k]->suppressed;
    m->labels = labels_copy(f->labels);
    m->anames = calloc(f->nanalyses + 1, sizeof(char *));
    m->aunits = calloc(f->nanalyses + 1, sizeof(char *));
    for (size_t i = 0; m->anames && m->aunits && i < f->nanalyses; i++) {
        m->anames[i] = xstrdup(f->anames[i]);
        m->aunits[i] = xstrdup(f->aunits[i]);
        m->nanalyses++;
    }
    for (size_t i = 0; i < f->ninputs; i++)
    {
        results_input(m, f->inputs[i].kind, f->inputs[i].path, f->inputs[i].sha256);
        if (f->inputs[i].text) results_input_text(m, f->inputs[i].text);
    }
    /* the swept values as fields of results.json, beside the labels of the text */
    if ((m->sweep_params = strv_copy(params, np))) m->nsweep_params = np;
    if ((m->sweep_values = strv_copy(values, n * np))) m->nsweep_runs = n;
    /* attrition: one row per step and run */
    for (size_t a = 0; a < f->nattr; a++)
        for (size_t k = 0; k < n; k++) {
            if (a >= runs[k]->nattr) continue;
            const attrition_row *ar = &runs[k]->attr[a];
            char label[1024];
            snprintf(label, sizeof label, "%s [%s]", ar->label, labels[k]);
            results_attrition(m, label, ar->before, ar->excluded, ar->unknown, ar->after);
            results_attrition_levels(m, ar->nlev, (const char *const *)ar->levname, ar->lev);
            m->attr[m->nattr - 1].analysis = ar->analysis;
            m->attr[m->nattr - 1].run = (int)k + 1;
            m->attr[m->nattr - 1].step = strlen(ar->label);
            memcpy(m->attr[m->nattr - 1].hide, ar->hide, sizeof ar->hide);
        }
    /* each run's arms, as its flows' (all or none: arms.c) */
    for (size_t k = 0; k < n; k++) results_arms_add(m, runs[k], -1, (int)k + 1);
    for (size_t i = 0; i < f->nests; i++) {
        const est_result *fe = &f->ests[i];
        est_result *me = results_estimate(m, fe->estimator, fe->name, fe->source, fe->where);
        if (!me) break;
        me->analysis = fe->analysis;
        results_est_plugin(me, fe->plugin, fe->plugin_version);
        for (size_t k = 0; k < fe->nargs; k++) results_est_arg(me, fe->args[k].key, fe->args[k].value);
        for (size_t k = 0; k < n; k++) {
            if (i >= runs[k]->nests) continue;
            const est_result *re = &runs[k]->ests[i];
            me->failed |= re->failed;
            for (size_t w = 0; w < re->nerrors; w++) {
                const est_error *x = &re->errors[w];
                results_est_error(me, x->file, x->line, x->col, x->message, k);
            }
            for (size_t w = 0; w < re->nwarnings; w++) {
                size_t cnt = me->nwarnings;
                if (push((void **)&me->warnings, &cnt, sizeof(char *))) break;
                char buf[4096];
                snprintf(buf, sizeof buf, "[%s] %s", labels[k], re->warnings[w]);
                me->warnings[me->nwarnings++] = strdup(buf);
            }
            /* a failed run's results are left out: the others' are whole */
            if (re->failed) continue;
            for (size_t w = 0; w < re->nnotes; w++) {
                size_t cnt = me->nnotes;
                if (push((void **)&me->notes, &cnt, sizeof(char *))) break;
                char buf[4096];
                snprintf(buf, sizeof buf, "[%s] %s", labels[k], re->notes[w]);
                size_t *nr = realloc(me->note_run, (me->nnotes + 1) * sizeof *nr);
                if (!nr) break;
                me->note_run = nr;
                nr[me->nnotes] = k;
                me->notes[me->nnotes++] = strdup(buf);
            }
            for (size_t g = 0; g < re->nfigures; g++) {
                char prefix[512];
                snprintf(prefix, sizeof prefix, "[%s]", labels[k]);
                cohort_figure *cf = figure_copy(re->figures[g], prefix);
                size_t cnt = me->nfigures;
                if (!cf || push((void **)&me->figures, &cnt, sizeof(cohort_figure *))) {
                    figure_free(cf);
                    continue;
                }
                me->figures[me->nfigures++] = cf;
            }
        }
        sweep_forests(me, runs, n, i, (const char *const *)run_labels, swept);
        for (size_t k = 0; k < n; k++) {
            if (i >= runs[k]->nests || runs[k]->ests[i].failed) continue;
            const est_result *re = &runs[k]->ests[i];
            for (size_t t = 0; t < re->ntables; t++)
                if (merge_table(me, re->tables[t], params, np, values + k * np)) break;
        }
    }
    free(labels);
    free(run_labels);
    return m;
}

/* ---- text ------------------------------------------------------------------ */

void results_count_text(const results *r, double n, char *buf, size_t size)
{
    if (privacy_hides(n, r->min_cell)) snprintf(buf, size, "<%d", r->min_cell);
    else snprintf(buf, size, "%.0f", n);
}

/* Does a row's percentages rest on a hidden count (a hidden COUNT cell of
 * the row, or the count declared with table_row_count)? */
static int row_hides_percent(const results *r, const cohort_table *t, size_t row)
{
    if (r->min_cell <= 1) return 0;
    if (privacy_hides(t->rowcount[row], r->min_cell)) return 1;
    for (size_t c = 0; c < t->ncols; c++) {
        const cell *x = &t->cells[row * t->ncols + c];
        if (t->cols[c].kind == COHORT_COL_COUNT && x->set && !x->text && privacy_hides(x->num, r->min_cell))
            return 1;
    }
    return 0;
}

/* Does a row hold a count hidden as a complement (suppress.c)? */
static int row_has_complement(const cohort_table *t, size_t row)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (t->cols[c].kind == COHORT_COL_COUNT && t->cells[row * t->ncols + c].hide == HIDE_COMPLEMENT) return 1;
    return 0;
}

/* How a cell is hidden (enum hide_mark): a count below min_cell, and the
 * percentages and estimated times of its row, are "<5"; a count hidden as a
 * complement, and the percentages of its row (a percentage of a known
 * total gives the count back), "x". */
static int cell_mark(const results *r, const cohort_table *t, size_t row, size_t col)
{
    if (r->min_cell <= 1 || row >= t->nrows || col >= t->ncols) return HIDE_NONE;
    const cell *x = &t->cells[row * t->ncols + col];
    if (x->set && x->text) return x->counted && x->hide == HIDE_COMPLEMENT ? HIDE_COMPLEMENT : HIDE_NONE;
    if (!x->set) return HIDE_NONE;
    /* a detail table (a whole curve) lists single event times: a row that
     * rests on a hidden count is hidden whole, its time included */
    if (t->detail && row_hides_percent(r, t, row)) return HIDE_SMALL;
    if (t->detail && row_has_complement(t, row)) return HIDE_COMPLEMENT;
    switch (t->cols[col].kind) {
    case COHORT_COL_COUNT:
        return privacy_hides(x->num, r->min_cell) ? HIDE_SMALL : x->hide ? HIDE_COMPLEMENT : HIDE_NONE;
    case COHORT_COL_PERCENT:
        return row_hides_percent(r, t, row) ? HIDE_SMALL : row_has_complement(t, row) ? HIDE_COMPLEMENT : HIDE_NONE;
    case COHORT_COL_TIME_ESTIMATE: return row_hides_percent(r, t, row) ? HIDE_SMALL : HIDE_NONE;
    default: return HIDE_NONE;
    }
}

int results_cell_hidden(const results *r, const cohort_table *t, size_t row, size_t col)
{
    return cell_mark(r, t, row, col) != HIDE_NONE;
}

/* "<5" or "x" */
static void mark_text(const results *r, int mark, char *buf, size_t size)
{
    if (mark == HIDE_COMPLEMENT) snprintf(buf, size, "x");
    else snprintf(buf, size, "<%d", r->min_cell);
}

static size_t attr_value(const attrition_row *ar, int which)
{
    switch (which) {
    case ATTR_BEFORE: return ar->before;
    case ATTR_EXCLUDED: return ar->excluded;
    case ATTR_UNKNOWN: return ar->unknown;
    default: return ar->after;
    }
}

static int attr_mark(const results *r, const attrition_row *ar, int which)
{
    if (r->min_cell <= 1) return HIDE_NONE;
    if (privacy_hides((double)attr_value(ar, which), r->min_cell)) return HIDE_SMALL;
    return ar->hide[which] == HIDE_COMPLEMENT ? HIDE_COMPLEMENT : HIDE_NONE;
}

void results_attr_text(const results *r, const attrition_row *ar, int which, char *buf, size_t size)
{
    int m = attr_mark(r, ar, which);
    if (m) mark_text(r, m, buf, size);
    else snprintf(buf, size, "%zu", attr_value(ar, which));
}

void results_attr_json(const results *r, const attrition_row *ar, int which, FILE *out)
{
    int m = attr_mark(r, ar, which);
    if (m == HIDE_COMPLEMENT) fputs("\"x\"", out);
    else if (m) fprintf(out, "\"<%d\"", r->min_cell);
    else fprintf(out, "%zu", attr_value(ar, which));
}

static void format_cell(const results *r, const rcol *col, const cell *c, char *buf, size_t size)
{
    if (!c->set) { snprintf(buf, size, "-"); return; }
    if (c->text) { safetext(c->text, buf, size); return; }   /* data: never raw to a terminal */
    double v = c->num;
    int d = col->digits;
    switch (col->kind) {
    case COHORT_COL_COUNT: snprintf(buf, size, "%.0f", v); break;
    case COHORT_COL_PERCENT: snprintf(buf, size, "%.*f%%", d > 0 ? d : 1, 100 * v); break;
    case COHORT_COL_PVALUE:
        if (v < 0.001) snprintf(buf, size, "<0.001");
        else snprintf(buf, size, "%.3f", v);
        break;
    case COHORT_COL_TIME:
    case COHORT_COL_TIME_ESTIMATE: snprintf(buf, size, "%.*f", d > 0 ? d : 1, v / r->time_unit_days); break;
    default: snprintf(buf, size, "%.*f", d >= 0 ? d : 2, v); break;
    }
}

/* The formula of the estimate that made table t, or NULL. */
static const char *table_formula(const results *r, const cohort_table *t)
{
    for (size_t i = 0; i < r->nests; i++)
        for (size_t k = 0; k < r->ests[i].ntables; k++)
            if (r->ests[i].tables[k] == t) {
                for (size_t a = 0; a < r->ests[i].nargs; a++)
                    if (!strcmp(r->ests[i].args[a].key, "formula")) return r->ests[i].args[a].value;
                return NULL;
            }
    return NULL;
}

void results_cell_text(const results *r, const cohort_table *t, size_t row, size_t col, char *buf,
                       size_t size)
{
    int m = cell_mark(r, t, row, col);
    const cell *c = &t->cells[row * t->ncols + col];
    const char *lv = c->set && c->text ? labels_level(r->labels, t->cols[col].name, c->text) : NULL;
    char *shown = NULL;
    if (c->set && c->text && !lv && r->labels && !strcmp(t->cols[col].name, "term"))
        shown = labels_term(r->labels, table_formula(r, t), c->text);
    if (c->set && c->text && !lv && !shown && r->labels) shown = labels_show(r->labels, c->text);
    if (m) mark_text(r, m, buf, size);
    else if (lv || shown) safetext(lv ? lv : shown, buf, size);
    else format_cell(r, &t->cols[col], c, buf, size);
    free(shown);
}

void results_col_header(const results *r, const rcol *col, char *buf, size_t size)
{
    char *shown = r->labels ? labels_show(r->labels, col->name) : NULL;
    const char *name = shown ? shown : col->name;
    if (col->kind == COHORT_COL_TIME || col->kind == COHORT_COL_TIME_ESTIMATE)
        snprintf(buf, size, "%s (%s)", name, r->time_unit);
    else snprintf(buf, size, "%s", name);
    free(shown);
    char raw[512];
    snprintf(raw, sizeof raw, "%s", buf);
    safetext(raw, buf, size);
}

/* Text from the rules or the data for a terminal (safetext.h), written to
 * out unless out is NULL; returns its shown width (code points, \xHH
 * escapes). */
static size_t put_text(FILE *out, const char *s)
{
    size_t w = 0, n = strlen(s);
    while (n > 0) {
        char form[16];
        size_t used = safetext_char(s, n, 0, form);
        if (out) fputs(form, out);
        w += safetext_width(form);
        s += used;
        n -= used;
    }
    return w;
}

static size_t width(const char *s)
{
    return put_text(NULL, s);
}

static void pad(FILE *out, size_t n)
{
    while (n--) fputc(' ', out);
}

/* One line of a text table: the header (row SIZE_MAX) or a row, with the
 * columns cols[0..n) padded to their widths w (text left, numbers right). */
static void print_line(const results *r, const cohort_table *t, size_t row, const size_t *cols, size_t n,
                       const size_t *w, FILE *out)
{
    char buf[512];
    for (size_t i = 0; i < n; i++) {
        size_t c = cols[i];
        if (row == SIZE_MAX) results_col_header(r, &t->cols[c], buf, sizeof buf);
        else results_cell_text(r, t, row, c, buf, sizeof buf);
        fputs("  ", out);
        int left = t->cols[c].kind == COHORT_COL_TEXT;
        if (!left) pad(out, w[c] - width(buf));
        fputs(buf, out);
        if (left && i + 1 < n) pad(out, w[c] - width(buf));
    }
    fputc('\n', out);
}

/* The text report fits TEXT_WIDTH columns: a wider table is printed in
 * parts, each repeating the leading text columns that name its rows (as
 * many as fit in TEXT_KEY_WIDTH, at least the first) and taking as many of
 * the other columns, in order, as fit beside them (at least one). */
enum { TEXT_WIDTH = 100, TEXT_KEY_WIDTH = 40 };

/* A table's title or footnote, indented by 2 and broken between words into lines of at
 * most TEXT_WIDTH columns (the following lines indented by 4). */
static void put_wrapped(FILE *out, const char *s)
{
    size_t col = 2;
    fputs("  ", out);
    for (int first = 1; *s;) {
        while (*s == ' ') s++;
        size_t len = strcspn(s, " ");
        if (!len) break;
        char *word = strndup(s, len);
        size_t ww = word ? width(word) : len;
        if (!first && col + 1 + ww > TEXT_WIDTH) {
            fputs("\n    ", out);
            col = 4;
        } else if (!first) {
            fputc(' ', out);
            col++;
        }
        if (word) put_text(out, word);
        free(word);
        col += ww;
        s += len;
        first = 0;
    }
    fputc('\n', out);
}

static void print_table(const results *r, const cohort_table *t, FILE *out)
{
    if (t->title && *t->title) {
        char *shown = results_show(r, t->title);
        put_wrapped(out, shown ? shown : t->title);
        free(shown);
    }
    size_t nc = t->ncols;
    size_t *w = calloc(nc + 1, sizeof *w), *cols = calloc(nc + 1, sizeof *cols);
    if (!w || !cols) {
        free(w);
        free(cols);
        return;
    }
    char buf[512];
    size_t total = 0;
    for (size_t c = 0; c < nc; c++) {
        results_col_header(r, &t->cols[c], buf, sizeof buf);
        w[c] = width(buf);
        for (size_t row = 0; row < t->nrows; row++) {
            results_cell_text(r, t, row, c, buf, sizeof buf);
            if (width(buf) > w[c]) w[c] = width(buf);
        }
        total += 2 + w[c];
    }
    size_t nkey = 0, keyw = 0;
    if (total > TEXT_WIDTH)
        while (nkey < nc && t->cols[nkey].kind == COHORT_COL_TEXT &&
               (nkey == 0 || keyw + 2 + w[nkey] <= TEXT_KEY_WIDTH))
            keyw += 2 + w[nkey++];
    else nkey = nc;
    for (size_t c = 0; c < nkey; c++) cols[c] = c;
    for (size_t next = nkey, part = 0; next < nc || part == 0; part++) {
        size_t n = nkey, used = keyw;
        while (next < nc && (n == nkey || used + 2 + w[next] <= TEXT_WIDTH)) {
            used += 2 + w[next];
            cols[n++] = next++;
        }
        if (part) fputc('\n', out);
        print_line(r, t, SIZE_MAX, cols, n, w, out);
        for (size_t row = 0; row < t->nrows; row++) print_line(r, t, row, cols, n, w, out);
    }
    for (size_t f = 0; f < t->nfootnotes; f++) put_wrapped(out, t->footnotes[f]);
    free(w);
    free(cols);
}

void results_run_label(const results *r, size_t run, char *buf, size_t size)
{
    if (run < r->nsweep_runs)
        sweep_label((const char *const *)r->sweep_params, r->nsweep_params, (const char *const *)r->sweep_values,
                    run, buf, size);
    else if (size) buf[0] = 0;
}

/* A failed estimate in the text report: under --sweep, each run that
 * failed (the others' results are shown). */
static void failed_text(const results *r, const est_result *e, FILE *out)
{
    int said = 0;
    for (size_t k = 0; k < e->nerrors; k++) {
        size_t run = e->errors[k].run;
        if (run == SIZE_MAX || run >= r->nsweep_runs) continue;
        int again = 0;
        for (size_t j = 0; j < k; j++) again |= e->errors[j].run == run;
        if (again) continue;
        char label[512];
        results_run_label(r, run, label, sizeof label);
        fputs("  (failed [", out);
        put_text(out, label);
        fputs("]: see the error above)\n", out);
        said = 1;
    }
    if (!said) fputs("  (failed: see the error above)\n", out);
}

/* "  the last step's units by arm [RUN]: NAME = LEVEL N; ...": the n arms
 * of one set from arm k */
static void arms_line(const results *r, size_t k, size_t n, FILE *out)
{
    fputs("  the last step's units by arm", out);
    if (r->arms[k].run > 0) {
        char rl[512];
        results_run_label(r, (size_t)r->arms[k].run - 1, rl, sizeof rl);
        fputs(" [", out);
        put_text(out, rl);
        fputc(']', out);
    }
    fputc(':', out);
    for (size_t j = k; j < k + n; j++) {
        char b[32], *g = results_arm_name(r, j);
        results_arm_text(r, j, b, sizeof b);
        fputs(j > k ? "; " : " ", out);
        put_text(out, g ? g : r->arms[j].level);
        fprintf(out, " %s", b);
        free(g);
    }
    fputc('\n', out);
}

void results_text(const results *r, FILE *out)
{
    if (r->title && *r->title) {
        put_text(out, r->title);
        fputs("\n\n", out);
    }
    /* one attrition table per analysis (consecutive rows of one analysis) */
    for (size_t lo = 0, hi; lo < r->nattr; lo = hi) {
        int an = r->attr[lo].analysis;
        for (hi = lo + 1; hi < r->nattr && r->attr[hi].analysis == an; hi++) {}
        if (lo) fputc('\n', out);
        fputs("Attrition (", out);
        if (an > 0) {
            fputs("analysis ", out);
            put_text(out, r->anames[an - 1]);
            fputs(", unit: ", out);
            put_text(out, r->aunits[an - 1]);
        } else {
            fputs("unit: ", out);
            put_text(out, r->unit);
        }
        fputs(")\n", out);
        size_t lw = 4;
        for (size_t i = lo; i < hi; i++)
            if (width(r->attr[i].label) > lw) lw = width(r->attr[i].label);
        fprintf(out, "  step");
        pad(out, lw - 4);
        fprintf(out, "  %8s  %8s  %8s  %8s", "before", "excluded", "unknown", "after");
        for (int k = 0; k < r->attr[lo].nlev; k++) {
            pad(out, 2 + (width(r->attr[lo].levname[k]) < 8 ? 8 - width(r->attr[lo].levname[k]) : 0));
            put_text(out, r->attr[lo].levname[k]);
        }
        fputc('\n', out);
        for (size_t i = lo; i < hi; i++) {
            const attrition_row *a = &r->attr[i];
            char b[32], x[32], u[32], f[32];
            results_attr_text(r, a, ATTR_BEFORE, b, sizeof b);
            results_attr_text(r, a, ATTR_EXCLUDED, x, sizeof x);
            results_attr_text(r, a, ATTR_UNKNOWN, u, sizeof u);
            results_attr_text(r, a, ATTR_AFTER, f, sizeof f);
            fputs("  ", out);
            put_text(out, a->label);
            pad(out, lw - width(a->label));
            fprintf(out, "  %8s  %8s  %8s  %8s", b, x, u, f);
            for (int k = 0; k < a->nlev; k++) {
                results_count_text(r, (double)a->lev[k], b, sizeof b);
                fprintf(out, "  %8s", b);
            }
            fputc('\n', out);
        }
        /* this analysis' arms: a line per set (per run under --sweep) */
        for (size_t k = 0, lo2, n2; k < r->narms; k += n2) {
            n2 = results_arm_set(r, k, &lo2);
            if (r->arms[k].analysis == an) arms_line(r, k, n2, out);
        }
    }
    for (size_t i = 0; i < r->nests; i++) {
        const est_result *e = &r->ests[i];
        fputc('\n', out);
        put_text(out, e->source);
        fputs("  [", out);
        put_text(out, e->where);
        if (e->analysis > 0) {
            fputs(", analysis ", out);
            put_text(out, r->anames[e->analysis - 1]);
        }
        fputs("]\n", out);
        if (e->failed) failed_text(r, e, out);
        int printed = 0;
        for (size_t t = 0; t < e->ntables; t++) {
            if (e->tables[t]->detail) continue;
            if (printed++) fputc('\n', out);
            print_table(r, e->tables[t], out);
        }
        for (size_t k = 0; k < e->nnotes; k++) {
            fputs("  ", out);
            put_text(out, e->notes[k]);
            fputc('\n', out);
        }
    }
}

/* ---- JSON ------------------------------------------------------------------ */

/* a JSON string, valid whatever the bytes (safetext.h) */
static void json_str(FILE *out, const char *s)
{
    safetext_json(out, s);
}

/* A column's name for machines (JSON and CSV): a time column's values are
 * in days whatever the study's unit, so its name says so -- "median"
 * becomes "median_days" -- as export's NAME_time_days; the text tables
 * show the unit in their header instead. */
static const char *machine_name(const cohort_table *t, size_t c, char *buf, size_t size)
{
    const char *n = t->cols[c].name;
    if (t->cols[c].kind != COHORT_COL_TIME && t->cols[c].kind != COHORT_COL_TIME_ESTIMATE) return n;
    snprintf(buf, size, "%s_days", n);
    return buf;
}

static const char *kind_name(int k)
{
    switch (k) {
    case COHORT_COL_TEXT: return "text";
    case COHORT_COL_COUNT: return "count";
    case COHORT_COL_PERCENT: return "proportion";
    case COHORT_COL_PVALUE: return "p";
    case COHORT_COL_TIME: return "time_days";
    case COHORT_COL_TIME_ESTIMATE: return "time_days";
    default: return "number";
    }
}

/* a count: a number, or the string "<N" when hidden */
static void json_count(const results *r, FILE *out, double n)
{
    if (privacy_hides(n, r->min_cell)) fprintf(out, "\"<%d\"", r->min_cell);
    else fprintf(out, "%.17g", n);
}

/* Is column c a text column of a labelled name (`label exposed ...`)?  In
 * JSON and CSV it is followed by a column NAME_label with the level labels
 * (the level itself where none is given), so that a program has both. */
static int labelled_col(const results *r, const cohort_table *t, size_t c)
{
    return t->cols[c].kind == COHORT_COL_TEXT && labels_has(r->labels, t->cols[c].name);
}

static const char *level_shown(const results *r, const cohort_table *t, size_t c, const char *level)
{
    const char *l = labels_level(r->labels, t->cols[c].name, level);
    return l ? l : level;
}

static void json_table(const results *r, const cohort_table *t, FILE *out)
{
    fputs("{\"id\": ", out);
    json_str(out, t->id);
    fputs(", \"title\": ", out);
    json_str(out, t->title);
    fprintf(out, ", \"detail\": %s", t->detail ? "true" : "false");
    if (t->nfootnotes) {
        fputs(", \"footnotes\": [", out);
        for (size_t f = 0; f < t->nfootnotes; f++) {
            if (f) fputs(", ", out);
            json_str(out, t->footnotes[f]);
        }
        fputc(']', out);
    }
    fputs(", \"columns\": [", out);
    for (size_t c = 0; c < t->ncols; c++) {
        char mn[512];
        fputs(c ? ", {\"name\": " : "{\"name\": ", out);
        json_str(out, machine_name(t, c, mn, sizeof mn));
        fprintf(out, ", \"kind\": \"%s\"}", kind_name(t->cols[c].kind));
        if (labelled_col(r, t, c)) {
            fputs(", {\"name\": ", out);
            char nm[512];
            snprintf(nm, sizeof nm, "%s_label", t->cols[c].name);
            json_str(out, nm);
            fputs(", \"kind\": \"text\"}", out);
        }
    }
    fputs("], \"rows\": [", out);
    for (size_t row = 0; row < t->nrows; row++) {
        fputs(row ? ", [" : "[", out);
        for (size_t c = 0; c < t->ncols; c++) {
            const cell *x = &t->cells[row * t->ncols + c];
            if (c) fputs(", ", out);
            if (!x->set) fputs("null", out);
            else if (results_cell_hidden(r, t, row, c)) {
                char m[32];
                results_cell_text(r, t, row, c, m, sizeof m);
                fprintf(out, "\"%s\"", m);
            }
            else if (x->text) json_str(out, x->text);
            else fprintf(out, "%.17g", x->num);
            if (labelled_col(r, t, c)) {
                fputs(", ", out);
                if (x->set && x->text) json_str(out, level_shown(r, t, c, x->text));
                else fputs("null", out);
            }
        }
        fputc(']', out);
    }
    fputs("]}", out);
}

static void json_kv_object(const kv *a, size_t n, FILE *out)
{
    fputc('{', out);
    for (size_t i = 0; i < n; i++) {
        if (i) fputs(", ", out);
        json_str(out, a[i].key);
        fputs(": ", out);
        json_str(out, a[i].value);
    }
    fputc('}', out);
}

/* "run": how the results were made: cohort's version, the command line,
 * the date, the params, the inputs with their SHA-256, the swept values. */
static void json_run(const results *r, FILE *out)
{
    fputs(",\n \"run\": {\"cohort_version\": ", out);
    json_str(out, r->version ? r->version : "");
    fputs(", \"command\": [\"cohort\"", out);
    for (size_t i = 0; i < r->ncommand; i++) {
        fputs(", ", out);
        json_str(out, r->command[i]);
    }
    fputs("], \"run_date\": ", out);
    if (r->run_date) json_str(out, r->run_date);
    else fputs("null", out);
    fputs(",\n  \"params\": ", out);
    json_kv_object(r->params, r->nparams, out);
    fputs(",\n  \"inputs\": [", out);
    for (size_t i = 0; i < r->ninputs; i++) {
        fputs(i ? ", {\"kind\": " : "{\"kind\": ", out);
        json_str(out, r->inputs[i].kind);
        fputs(", \"path\": ", out);
        json_str(out, r->inputs[i].path);
        fputs(", \"sha256\": ", out);
        if (r->inputs[i].sha256) json_str(out, r->inputs[i].sha256);
        else fputs("null", out);
        fputc('}', out);
    }
    fputc(']', out);
    if (r->nsweep_runs && r->nsweep_params) {
        fputs(",\n  \"sweep\": {\"params\": [", out);
        for (size_t j = 0; j < r->nsweep_params; j++) {
            if (j) fputs(", ", out);
            json_str(out, r->sweep_params[j]);
        }
        fputs("], \"runs\": [", out);
        for (size_t k = 0; k < r->nsweep_runs; k++) {
            fputs(k ? ", {" : "{", out);
            for (size_t j = 0; j < r->nsweep_params; j++) {
                if (j) fputs(", ", out);
                json_str(out, r->sweep_params[j]);
                fputs(": ", out);
                json_str(out, r->sweep_values[k * r->nsweep_params + j]);
            }
            fputc('}', out);
        }
        fputs("]}", out);
    }
    fputc('}', out);
}

/* The study's labels, when it has any: "labels": {NAME: {"label": ...,
 * "levels": [{"level": ..., "label": ...}, ...]}}, levels in their order
 * (the reference first), so that a program can show what the report shows. */
static void json_labels(const labelset *ls, FILE *out)
{
    if (!ls || !ls->n) return;
    fputs(",\n \"labels\": {", out);
    for (size_t i = 0; i < ls->n; i++) {
        const label_entry *e = &ls->e[i];
        fputs(i ? ",\n  " : "\n  ", out);
        json_str(out, e->name);
        fputs(": {\"label\": ", out);
        if (e->text) json_str(out, e->text);
        else fputs("null", out);
        fputs(", \"levels\": [", out);
        for (size_t k = 0; k < e->nlevels; k++) {
            fputs(k ? ", {\"level\": " : "{\"level\": ", out);
            json_str(out, e->levels[k].level);
            fputs(", \"label\": ", out);
            if (e->levels[k].text) json_str(out, e->levels[k].text);
            else fputs("null", out);
            fputc('}', out);
        }
        fprintf(out, "], \"reference\": %s}", e->has_reference ? "true" : "false");
    }
    fputs("}", out);
}

void results_json(const results *r, FILE *out)
{
    fputs("{\"study\": ", out);
    json_str(out, r->title);
    fputs(", \"unit\": ", out);
    json_str(out, r->unit);
    fputs(", \"time_unit\": ", out);
    json_str(out, r->time_unit);
    fprintf(out, ", \"time_unit_days\": %.17g", r->time_unit_days);
    json_run(r, out);
    json_labels(r->labels, out);
    fputs(",\n \"attrition\": [", out);
    for (size_t i = 0; i < r->nattr; i++) {
        const attrition_row *a = &r->attr[i];
        fputs(i ? ",\n  {\"step\": " : "\n  {\"step\": ", out);
        if (a->run > 0) {
            /* the step as the rules name it; its run's values are fields
             * (run.sweep.runs[run]), not text */
            char *step = strndup(a->label, a->step);
            json_str(out, step ? step : a->label);
            free(step);
        } else
            json_str(out, a->label);
        fputs(", \"before\": ", out);
        results_attr_json(r, a, ATTR_BEFORE, out);
        fputs(", \"excluded\": ", out);
        results_attr_json(r, a, ATTR_EXCLUDED, out);
        fputs(", \"unknown\": ", out);
        results_attr_json(r, a, ATTR_UNKNOWN, out);
        fputs(", \"after\": ", out);
        results_attr_json(r, a, ATTR_AFTER, out);
        for (int k = 0; k < a->nlev; k++) {
            fputs(", ", out);
            json_str(out, a->levname[k]);
            fputs(": ", out);
            json_count(r, out, (double)a->lev[k]);
        }
        if (a->analysis > 0) {
            fputs(", \"analysis\": ", out);
            json_str(out, r->anames[a->analysis - 1]);
        }
        if (a->run > 0) fprintf(out, ", \"run\": %d", a->run - 1);
        fputc('}', out);
    }
    fputc(']', out);
    if (r->narms) {
        fputs(",\n \"attrition_arms\": {\"by\": ", out);
        json_str(out, r->arms_by);
        fputs(", \"arms\": [", out);
        for (size_t k = 0; k < r->narms; k++) {
            char b[32];
            results_arm_text(r, k, b, sizeof b);
            fputs(k ? ", {\"level\": " : "{\"level\": ", out);
            json_str(out, r->arms[k].level);
            fputs(", \"n\": ", out);
            if (b[0] >= '0' && b[0] <= '9') fputs(b, out);
            else json_str(out, b);
            if (r->arms[k].analysis > 0) {
                fputs(", \"analysis\": ", out);
                json_str(out, r->anames[r->arms[k].analysis - 1]);
            }
            if (r->arms[k].run > 0) fprintf(out, ", \"run\": %d", r->arms[k].run - 1);
            fputc('}', out);
        }
        fputs("]}", out);
    }
    fputs(",\n \"estimates\": [", out);
    for (size_t i = 0; i < r->nests; i++) {
        const est_result *e = &r->ests[i];
        char stem[256];
        results_est_stem(r, i, stem, sizeof stem);
        fputs(i ? ",\n  {\"name\": " : "\n  {\"name\": ", out);
        json_str(out, stem);
        fputs(", \"estimator\": ", out);
        json_str(out, e->estimator);
        if (e->plugin) {
            fputs(", \"plugin\": ", out);
            json_str(out, e->plugin);
            fputs(", \"plugin_version\": ", out);
            json_str(out, e->plugin_version ? e->plugin_version : "");
        }
        fputs(", \"arguments\": ", out);
        json_kv_object(e->args, e->nargs, out);
        fputs(",\n   \"source\": ", out);
        json_str(out, e->source);
        fputs(", \"where\": ", out);
        json_str(out, e->where);
        if (e->analysis > 0) {
            fputs(", \"analysis\": ", out);
            json_str(out, r->anames[e->analysis - 1]);
        }
        fprintf(out, ", \"failed\": %s", e->failed ? "true" : "false");
        if (e->nerrors) {
            /* each error where it was reported; under --sweep, its run (an index into run.sweep.runs) */
            fputs(",\n   \"errors\": [", out);
            for (size_t k = 0; k < e->nerrors; k++) {
                const est_error *x = &e->errors[k];
                fputs(k ? ", {\"message\": " : "{\"message\": ", out);
                json_str(out, x->message);
                if (x->file) {
                    fputs(", \"file\": ", out);
                    json_str(out, x->file);
                    fprintf(out, ", \"line\": %d, \"col\": %d", x->line, x->col);
                }
                if (x->run != SIZE_MAX) fprintf(out, ", \"run\": %zu", x->run);
                fputc('}', out);
            }
            fputc(']', out);
        }
        fputs(",\n   \"tables\": [", out);
        for (size_t t = 0; t < e->ntables; t++) {
            fputs(t ? ",\n    " : "\n    ", out);
            json_table(r, e->tables[t], out);
        }
        fputs("],\n   \"sentences\": [", out);
        for (size_t k = 0; k < e->nnotes; k++) {
            if (k) fputs(", ", out);
            json_str(out, e->notes[k]);
        }
        if (e->note_run) {
            /* --sweep: the run of each sentence, an index into run.sweep.runs */
            fputs("], \"sentence_runs\": [", out);
            for (size_t k = 0; k < e->nnotes; k++) fprintf(out, "%s%zu", k ? ", " : "", e->note_run[k]);
        }
        fputs("], \"warnings\": [", out);
        for (size_t k = 0; k < e->nwarnings; k++) {
            if (k) fputs(", ", out);
            json_str(out, e->warnings[k]);
        }
        fputs("]}", out);
    }
    fputs("]}\n", out);
}

void results_table_json(const results *r, const cohort_table *t, FILE *out)
{
    json_table(r, t, out);
    fputc('\n', out);
}

/* ---- CSV files --------------------------------------------------------------- */

/* a text cell of a result CSV: always neutralised against formulas */
static void csv_field(FILE *out, const char *s)
{
    csvcell_write(out, s, 1);
}

static void csv_table(const results *r, const cohort_table *t, FILE *out)
{
    for (size_t c = 0; c < t->ncols; c++) {
        char mn[512];
        if (c) fputc(',', out);
        csv_field(out, machine_name(t, c, mn, sizeof mn));
        if (labelled_col(r, t, c)) {
            char nm[512];
            snprintf(nm, sizeof nm, "%s_label", t->cols[c].name);
            fputc(',', out);
            csv_field(out, nm);
        }
    }
    fputc('\n', out);
    for (size_t row = 0; row < t->nrows; row++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const cell *x = &t->cells[row * t->ncols + c];
            if (c) fputc(',', out);
            if (!x->set) {
                if (labelled_col(r, t, c)) fputc(',', out);
                continue;
            }
            if (results_cell_hidden(r, t, row, c)) {
                char m[32];
                results_cell_text(r, t, row, c, m, sizeof m);
                fputs(m, out);
            }
            else if (x->text) csv_field(out, x->text);
            else fprintf(out, "%.17g", x->num);
            if (labelled_col(r, t, c)) {
                fputc(',', out);
                if (x->set && x->text) csv_field(out, level_shown(r, t, c, x->text));
            }
        }
        fputc('\n', out);
    }
}

/* write to a new DIR/.NAME.XXXXXX (outfile_create), then rename to DIR/NAME */
int results_write_atomic(const char *dir, const char *name, results_writer w, const void *obj, char *err,
                         size_t errsize)
{
    char tmp[4096], final[4096];
    snprintf(final, sizeof final, "%s/%s", dir, name);
    FILE *f = outfile_create(final, tmp, sizeof tmp);
    if (!f) {
        snprintf(err, errsize, "cannot write %s: %s", final, strerror(errno));
        return -1;
    }
    w(obj, f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errsize, "cannot write %s: %s", final, strerror(errno ? errno : EIO));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, final) != 0) {
        snprintf(err, errsize, "cannot rename %s to %s: %s", tmp, final, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* a table with the results it belongs to (for the privacy rule) */
typedef struct table_of {
    const results *r;
    const cohort_table *t;
} table_of;

static void w_json(const void *r, FILE *out) { results_json(r, out); }
static void w_table(const void *obj, FILE *out)
{
    const table_of *to = obj;
    csv_table(to->r, to->t, out);
}
static void w_table_json(const void *obj, FILE *out)
{
    const table_of *to = obj;
    results_table_json(to->r, to->t, out);
}
static void w_docx(const void *obj, FILE *out)
{
    docx_tables(obj, out);
}
static void w_attr(const void *obj, FILE *out)
{
    const results *r = obj;
    /* the level columns of every analysis (patients, courses...), in order of appearance */
    const char *levs[2 * ATTR_LEVELS];
    int nl = 0;
    for (size_t i = 0; i < r->nattr; i++)
        for (int k = 0; k < r->attr[i].nlev; k++) {
            int j = 0;
            while (j < nl && strcmp(levs[j], r->attr[i].levname[k]) != 0) j++;
            if (j == nl && nl < 2 * ATTR_LEVELS) levs[nl++] = r->attr[i].levname[k];
        }
    fputs(r->nanalyses ? "analysis,step,before,excluded,unknown,after" : "step,before,excluded,unknown,after", out);
    for (int j = 0; j < nl; j++) {
        fputc(',', out);
        csv_field(out, levs[j]);
    }
    fputc('\n', out);
    for (size_t i = 0; i < r->nattr; i++) {
        const attrition_row *a = &r->attr[i];
        char b[32], x[32], u[32], f[32];
        results_attr_text(r, a, ATTR_BEFORE, b, sizeof b);
        results_attr_text(r, a, ATTR_EXCLUDED, x, sizeof x);
        results_attr_text(r, a, ATTR_UNKNOWN, u, sizeof u);
        results_attr_text(r, a, ATTR_AFTER, f, sizeof f);
        if (r->nanalyses) {
            csv_field(out, a->analysis > 0 ? r->anames[a->analysis - 1] : "");
            fputc(',', out);
        }
        csv_field(out, a->label);
        fprintf(out, ",%s,%s,%s,%s", b, x, u, f);
        for (int j = 0; j < nl; j++) {
            int k = 0;
            while (k < a->nlev && strcmp(a->levname[k], levs[j]) != 0) k++;
            if (k < a->nlev) {
                results_count_text(r, (double)a->lev[k], b, sizeof b);
                fprintf(out, ",%s", b);
            } else {
                fputc(',', out);
            }
        }
        fputc('\n', out);
    }
}

int results_write_dir(const results *r, const char *dir, char *err, size_t errsize)
{
    if (results_write_atomic(dir, "attrition.csv", w_attr, r, err, errsize)) return -1;
    for (size_t i = 0; i < r->nests; i++)
        for (size_t t = 0; t < r->ests[i].ntables; t++) {
            char name[512], stem[256];
            table_of to = {r, r->ests[i].tables[t]};
            results_est_stem(r, i, stem, sizeof stem);
            snprintf(name, sizeof name, "%s-%s.csv", stem, r->ests[i].tables[t]->id);
            if (results_write_atomic(dir, name, w_table, &to, err, errsize)) return -1;
            snprintf(name, sizeof name, "%s-%s.json", stem, r->ests[i].tables[t]->id);
            if (results_write_atomic(dir, name, w_table_json, &to, err, errsize)) return -1;
        }
    if (results_write_atomic(dir, "tables.docx", w_docx, r, err, errsize)) return -1;
    return results_write_atomic(dir, "results.json", w_json, r, err, errsize);
}
