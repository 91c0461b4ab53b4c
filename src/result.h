/* result.h: the results of a run (attrition and each estimate's tables,
 * notes and warnings), the host function table plugins write them through,
 * and their rendering as text, JSON and CSV. */
#ifndef COHORT_RESULT_H
#define COHORT_RESULT_H
#include <cohort/plugin.h>
#include <stdio.h>
#include "srcfile.h"

typedef struct cell {
    int set;
    double num;
    char *text;
} cell;

typedef struct rcol {
    char *name;
    int kind;              /* enum cohort_col_kind */
    int digits;
} rcol;

struct cohort_table {
    char *id, *title;
    rcol *cols;
    size_t ncols;
    cell *cells;           /* row-major, nrows x ncols */
    size_t nrows, caprows;
    int detail;            /* not printed in text */
};

typedef struct attrition_row {
    char *label;           /* "include \"...\"" */
    size_t before, excluded, unknown, after;
} attrition_row;

typedef struct est_result {
    char *estimator;
    char *source;          /* the estimate statement as written */
    char *where;           /* file:line */
    cohort_table **tables;
    size_t ntables;
    char **notes;
    size_t nnotes;
    char **warnings;
    size_t nwarnings;
    int failed;
} est_result;

typedef struct results {
    char *title;
    char *unit;
    double time_unit_days;
    char *time_unit;
    attrition_row *attr;
    size_t nattr;
    est_result *ests;
    size_t nests;
} results;

/* What the host functions need to know about the call in progress; the
 * runner points cohort_call.host_private at one of these. */
typedef struct call_ctx {
    results *res;
    est_result *cur;
    diag *dg;
    loc where;
    unsigned char *keep;   /* set by keep_rows (malloc'd copy), or NULL */
    size_t nrows;
} call_ctx;

const cohort_host *result_host(void);

results *results_new(const char *title, const char *unit, double unit_days, const char *unit_name);
void results_free(results *r);
void results_attrition(results *r, const char *label, size_t before, size_t excluded, size_t unknown, size_t after);
est_result *results_estimate(results *r, const char *estimator, const char *source, const char *where);
/* One results object from several runs of a --sweep: each table gains a
 * first column `param` with that run's label. */
results *results_merge(results *const *runs, const char *const *labels, size_t n, const char *param);

void results_text(const results *r, FILE *out);
void results_json(const results *r, FILE *out);
/* Every table as DIR/NAME.csv and the whole as DIR/results.json, each
 * written to a temporary name and renamed.  Returns 0 or -1 (errno). */
int results_write_dir(const results *r, const char *dir, char *err, size_t errsize);
#endif
