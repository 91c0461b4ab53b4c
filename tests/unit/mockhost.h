/* mockhost.h: a recording host for the unit tests of plugins' run(): it
 * keeps the tables, cells and messages a plugin writes, and checks every
 * call against the ABI's rules (columns before rows, no NaN cells, text in
 * text columns). */
#ifndef COHORT_MOCKHOST_H
#define COHORT_MOCKHOST_H
#include <cohort/plugin.h>
#include <stddef.h>

#define MAXCOL 32
typedef struct mock_table {
    char id[32];
    size_t ncol, nrow;
    char names[MAXCOL][96];
    int kinds[MAXCOL];
    double *num;          /* nrow * MAXCOL, NAN when unset */
    char **text;          /* nrow * MAXCOL, NULL when unset */
    int detail;
} mock_table;

/* A store of results for memo_get/memo_put, kept across runs: keyed by
 * the columns (their pointers) and `what`, as a host's cache is keyed by
 * the columns' values. */
typedef struct mock_memo {
    const cohort_vec *vecs[4];
    size_t nvecs, size;
    char what[1024];
    unsigned char *buf;
} mock_memo;
typedef struct mock_memos {
    mock_memo m[32];
    size_t n;
    size_t gets, hits, puts;
} mock_memos;

/* Columns a test gives without values (ABI 1.7 on-demand estimators):
 * vecs[k] (num, text, missing NULL) gets full[k]'s values when the plugin
 * fetches it; the calls and the columns fetched are counted. */
typedef struct mock_lazy {
    cohort_vec *vecs[16];
    cohort_vec full[16];
    size_t n;
    size_t calls, fetched;
} mock_lazy;

typedef struct mock {
    mock_table tables[8];
    size_t ntables;
    char msgs[64][512];   /* "E: ...", "W: ...", "N: ..." */
    size_t nmsgs;
    int min_cell;         /* counts below it are hidden (0: none) */
    mock_memos *memos;    /* NULL: memo_get finds nothing, memo_put keeps nothing */
    mock_lazy *lazy;      /* NULL: fetch has nothing to fetch */
} mock;

/* Pass as the host; set call.host_private to a zeroed mock. */
extern const cohort_host mock_host;
void mock_free(mock *m);
void mock_memos_free(mock_memos *s);
/* Give v without its values until fetched (into l). */
void mock_lazy_add(mock_lazy *l, cohort_vec *v);
mock_table *mock_get(mock *m, const char *id);
int mock_colidx(const mock_table *t, const char *name);
#endif
