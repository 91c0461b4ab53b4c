/* mockhost.c: the recording host of the plugin unit tests (mockhost.h). */
#include "mockhost.h"
#include <CUnit/Basic.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void mock_msg(const cohort_call *call, char kind, const char *fmt, va_list ap)
{
    mock *m = call->host_private;
    if (m->nmsgs >= 64) return;
    m->msgs[m->nmsgs][0] = kind;
    m->msgs[m->nmsgs][1] = ':';
    m->msgs[m->nmsgs][2] = ' ';
    vsnprintf(m->msgs[m->nmsgs] + 3, sizeof m->msgs[0] - 3, fmt, ap);
    m->nmsgs++;
}

static void mock_error(const cohort_call *call, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mock_msg(call, 'E', fmt, ap);
    va_end(ap);
}

static void mock_warning(const cohort_call *call, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mock_msg(call, 'W', fmt, ap);
    va_end(ap);
}

static void mock_note(const cohort_call *call, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    mock_msg(call, 'N', fmt, ap);
    va_end(ap);
}

static cohort_table *mock_table_new(const cohort_call *call, const char *id, const char *title)
{
    (void)title;
    mock *m = call->host_private;
    CU_ASSERT_FATAL(m->ntables < 8);
    mock_table *t = &m->tables[m->ntables++];
    memset(t, 0, sizeof *t);
    snprintf(t->id, sizeof t->id, "%s", id);
    return (cohort_table *)t;
}

static int mock_column(cohort_table *tp, const char *name, int kind, int digits)
{
    (void)digits;
    mock_table *t = (mock_table *)tp;
    CU_ASSERT_FATAL(t->ncol < MAXCOL);
    snprintf(t->names[t->ncol], sizeof t->names[0], "%s", name);
    t->kinds[t->ncol] = kind;
    return (int)t->ncol++;
}

static size_t mock_row(cohort_table *tp)
{
    mock_table *t = (mock_table *)tp;
    t->num = realloc(t->num, (t->nrow + 1) * MAXCOL * sizeof *t->num);
    t->text = realloc(t->text, (t->nrow + 1) * MAXCOL * sizeof *t->text);
    CU_ASSERT_FATAL(t->num && t->text);
    for (size_t j = 0; j < MAXCOL; j++) {
        t->num[t->nrow * MAXCOL + j] = NAN;
        t->text[t->nrow * MAXCOL + j] = NULL;
    }
    return t->nrow++;
}

static void mock_num(cohort_table *tp, size_t row, int col, double v)
{
    mock_table *t = (mock_table *)tp;
    CU_ASSERT_FATAL(row < t->nrow && col >= 0 && (size_t)col < t->ncol);
    CU_ASSERT(isfinite(v));
    CU_ASSERT(t->kinds[col] != COHORT_COL_TEXT);
    t->num[row * MAXCOL + (size_t)col] = v;
}

static void mock_text(cohort_table *tp, size_t row, int col, const char *s)
{
    mock_table *t = (mock_table *)tp;
    CU_ASSERT_FATAL(row < t->nrow && col >= 0 && (size_t)col < t->ncol);
    CU_ASSERT(t->kinds[col] == COHORT_COL_TEXT);
    free(t->text[row * MAXCOL + (size_t)col]);
    t->text[row * MAXCOL + (size_t)col] = strdup(s);
}

static void mock_detail(cohort_table *tp)
{
    mock_table *t = (mock_table *)tp;
    t->detail = 1;
}

void mock_free(mock *m)
{
    for (size_t i = 0; i < m->ntables; i++) {
        mock_table *t = &m->tables[i];
        for (size_t k = 0; k < t->nrow * MAXCOL; k++) free(t->text[k]);
        free(t->text);
        free(t->num);
    }
    m->ntables = 0;
    m->nmsgs = 0;
}

static int mock_format_count(const cohort_call *call, double n, char *buf, size_t size)
{
    const mock *m = call->host_private;
    if (n > 0 && n < m->min_cell) {
        snprintf(buf, size, "<%d", m->min_cell);
        return 1;
    }
    snprintf(buf, size, "%.0f", n);
    return 0;
}

/* The tasks in reverse order on this thread, as two workers taking turns:
 * a plugin's result must not depend on the order or the worker. */
static void mock_run_tasks(const cohort_call *call, size_t n, void (*fn)(void *ctx, size_t task, size_t worker),
                           void *ctx)
{
    (void)call;
    for (size_t k = n; k-- > 0;) fn(ctx, k, n > 1 ? k % 2 : 0);
}

/* The stored result of vecs and what, or NULL. */
static mock_memo *mock_memo_find(mock_memos *s, const cohort_vec *const *vecs, size_t nvecs, const char *what)
{
    for (size_t i = 0; s && i < s->n; i++) {
        mock_memo *x = &s->m[i];
        if (x->nvecs == nvecs && !memcmp(x->vecs, vecs, nvecs * sizeof *vecs) && !strcmp(x->what, what))
            return x;
    }
    return NULL;
}

static int mock_memo_get(const cohort_call *call, const cohort_vec *const *vecs, size_t nvecs, const char *what,
                         void *buf, size_t size)
{
    mock_memos *s = ((mock *)call->host_private)->memos;
    CU_ASSERT_FATAL(nvecs >= 1 && nvecs <= 4 && what != NULL && buf != NULL);
    if (!s) return 0;
    s->gets++;
    mock_memo *x = mock_memo_find(s, vecs, nvecs, what);
    if (!x || x->size != size) return 0;
    memcpy(buf, x->buf, size);
    s->hits++;
    return 1;
}

static void mock_memo_put(const cohort_call *call, const cohort_vec *const *vecs, size_t nvecs, const char *what,
                          const void *buf, size_t size)
{
    mock_memos *s = ((mock *)call->host_private)->memos;
    CU_ASSERT_FATAL(nvecs >= 1 && nvecs <= 4 && what != NULL && strlen(what) < 1024 && buf != NULL);
    if (!s) return;
    s->puts++;
    mock_memo *x = mock_memo_find(s, vecs, nvecs, what);
    if (!x) {
        CU_ASSERT_FATAL(s->n < 32);
        x = &s->m[s->n++];
        memcpy(x->vecs, vecs, nvecs * sizeof *vecs);
        x->nvecs = nvecs;
        snprintf(x->what, sizeof x->what, "%s", what);
    }
    free(x->buf);
    x->buf = malloc(size ? size : 1);
    CU_ASSERT_FATAL(x->buf != NULL);
    memcpy(x->buf, buf, size);
    x->size = size;
}

void mock_memos_free(mock_memos *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->m[i].buf);
    memset(s, 0, sizeof *s);
}

void mock_lazy_add(mock_lazy *l, cohort_vec *v)
{
    CU_ASSERT_FATAL(l->n < 16);
    l->full[l->n] = *v;
    l->vecs[l->n++] = v;
    v->num = NULL;
    v->text = NULL;
    v->missing = NULL;
}

/* fetch (ABI 1.7): each column given without values gets them back */
static int mock_fetch(const cohort_call *call, const cohort_vec *const *vecs, size_t nvecs)
{
    mock_lazy *l = ((mock *)call->host_private)->lazy;
    CU_ASSERT_FATAL(vecs != NULL && nvecs >= 1);
    if (!l) return 0;
    l->calls++;
    for (size_t i = 0; i < nvecs; i++)
        for (size_t k = 0; k < l->n; k++)
            if (vecs[i] == l->vecs[k] && !l->vecs[k]->missing) {
                *l->vecs[k] = l->full[k];
                l->fetched++;
            }
    return 0;
}

const cohort_host mock_host = {
    .size = sizeof(cohort_host),
    .abi_major = COHORT_ABI_MAJOR,
    .abi_minor = COHORT_ABI_MINOR,
    .error = mock_error,
    .warning = mock_warning,
    .table_new = mock_table_new,
    .table_column = mock_column,
    .table_row = mock_row,
    .table_num = mock_num,
    .table_text = mock_text,
    .note = mock_note,
    .table_detail = mock_detail,
    .format_count = mock_format_count,
    .run_tasks = mock_run_tasks,
    .memo_get = mock_memo_get,
    .memo_put = mock_memo_put,
    .fetch = mock_fetch,
};

mock_table *mock_get(mock *m, const char *id)
{
    for (size_t i = 0; i < m->ntables; i++)
        if (strcmp(m->tables[i].id, id) == 0) return &m->tables[i];
    return NULL;
}

int mock_colidx(const mock_table *t, const char *name)
{
    for (size_t j = 0; j < t->ncol; j++)
        if (strcmp(t->names[j], name) == 0) return (int)j;
    return -1;
}

