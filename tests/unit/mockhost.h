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

typedef struct mock {
    mock_table tables[8];
    size_t ntables;
    char msgs[64][512];   /* "E: ...", "W: ...", "N: ..." */
    size_t nmsgs;
    int min_cell;         /* counts below it are hidden (0: none) */
} mock;

/* Pass as the host; set call.host_private to a zeroed mock. */
extern const cohort_host mock_host;
void mock_free(mock *m);
mock_table *mock_get(mock *m, const char *id);
int mock_colidx(const mock_table *t, const char *name);
#endif
