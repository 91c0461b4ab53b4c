/* result.h: the results of a run (attrition and each estimate's tables,
 * figures, notes and warnings), the host function table plugins write them
 * through, and their rendering as text, JSON and CSV with the small-cell
 * rule (`privacy min_cell`) applied. */
#ifndef COHORT_RESULT_H
#define COHORT_RESULT_H
#include <cohort/plugin.h>
#include <stdio.h>
#include "figure.h"
#include "srcfile.h"
#include "labels.h"

typedef struct cell {
    int set;
    double num;
    char *text;
    unsigned char hide;    /* the small-cell decision (suppress.c): enum hide_mark */
    unsigned char counted; /* a TEXT cell that shows count `count` (table_cell_count) */
    double count;
} cell;


typedef struct rcol {
    char *name;
    int kind;              /* enum cohort_col_kind */
    int digits;
    int role;              /* COUNT columns: enum cohort_count_role, 0: not said */
} rcol;

struct cohort_table {
    char *id, *title;
    rcol *cols;
    size_t ncols;
    cell *cells;           /* row-major, nrows x ncols */
    size_t nrows, caprows;
    int detail;            /* not printed in text */
    double *rowcount;      /* caprows entries: units a row's percentages rest on, NAN: not given */
    char **footnotes;      /* lines printed under the table (table_footnote) */
    size_t nfootnotes;
};

#define ATTR_LEVELS 4
typedef struct attrition_row {
    char *label;           /* "include \"...\"" */
    size_t before, excluded, unknown, after;
    int analysis;          /* 1-based index into results.analyses; 0: none */
    int run;               /* --sweep: 1-based index of the run; 0: not a sweep */
    int nlev;              /* tables above the unit (patients, courses): */
    char *levname[ATTR_LEVELS];
    size_t lev[ATTR_LEVELS];   /* their rows behind the units left after the step */
    unsigned char hide[4];     /* before, excluded, unknown, after: enum hide_mark */
    size_t step;           /* --sweep: label's length before " [the run's values]" */
} attrition_row;

/* One arm of the attrition diagram (`plot attrition_by`, arms.c). */
typedef struct attrition_arm {
    char *level;           /* the level as a table cell shows it */
    size_t n;              /* the last step's units at that level */
    int analysis, run;     /* its flow: as attrition_row's analysis and run */
} attrition_arm;

/* A name and its value as written (a param, an estimate's argument). */
typedef struct kv {
    char *key, *value;
} kv;

/* An error of an estimate, where the diagnostic put it. */
typedef struct est_error {
    char *message;
    char *file;            /* NULL when not about a file */
    int line, col;
    size_t run;            /* --sweep: the run (0-based); SIZE_MAX otherwise */
} est_error;

typedef struct est_result {
    char *estimator;
    char *name;            /* `estimate NAME = ...`, or NULL */
    char *plugin, *plugin_version;   /* the plugin that provides the estimator */
    kv *args;              /* each argument bound to its parameter, as written */
    size_t nargs;
    size_t *note_run;      /* --sweep: the run (0-based) of each note; NULL otherwise */
    char *source;          /* the estimate statement as written */
    char *where;           /* file:line */
    cohort_table **tables;
    size_t ntables;
    char **notes;
    size_t nnotes;
    char **warnings;
    size_t nwarnings;
    int failed;
    est_error *errors;     /* its errors (a failed estimate's), in the order reported */
    size_t nerrors;
    cohort_figure **figures;
    size_t nfigures;
    int analysis;          /* 1-based index into results.analyses; 0: none */
    double nunits;         /* the units the estimator was given (NAN: not known) */
    struct count_rel *rels;    /* additive relations its plugin declared (count_relation) */
    size_t nrels;
} est_result;

/* sum of coef[i] * count(cells[i]) = 0 (cohort_host.count_relation) */
typedef struct count_rel {
    cohort_cell_ref *cells;
    int *coef;
    size_t n;
} count_rel;

/* The window a definition states (window.h), for cohort_host.window. */
typedef struct def_window {
    char *name, *text;
    double from, to;       /* days from the unit's date, NAN: not constant or open */
} def_window;

/* An input of the run, with its SHA-256 (for the report). */
typedef struct run_input {
    char *kind;            /* "rules" or "data" */
    char *path;
    char *sha256;          /* 64 hex digits, or NULL when it could not be read */
    char *text;            /* a rules file: its text as parsed (the report shows it); else NULL */
} run_input;

typedef struct results {
    char *title;
    char *unit;
    double time_unit_days;
    char *time_unit;
    attrition_row *attr;
    size_t nattr;
    est_result *ests;
    size_t nests;
    int min_cell;          /* counts 0 < n < min_cell are shown as "<min_cell"; 0: off */
    int suppressed;        /* suppress_run has decided its marks (a sweep's runs each
                              before results_merge, which carries the marks over) */
    char **warnings;       /* every warning of the run, as printed (for the report) */
    size_t nwarnings;
    run_input *inputs;
    size_t ninputs;
    /* provenance (results.json "run") */
    char *version;         /* cohort's */
    char **command;        /* the arguments after the program name */
    size_t ncommand;
    char *run_date;        /* ISO 8601 UTC (SOURCE_DATE_EPOCH when set) */
    kv *params;            /* every param with the value the run used */
    size_t nparams;
    char **sweep_params;   /* --sweep: the params, and nsweep_runs x nsweep_params values */
    size_t nsweep_params;
    char **sweep_values;
    size_t nsweep_runs;
    labelset *labels;      /* the study's labels (owned copy), or NULL */
    struct def_window *windows;   /* the window each boolean let states (window.h) */
    size_t nwindows;
    /* the last step's units split by `plot attrition_by` (arms.c): one
     * set of arms per flow of the attrition diagram (analysis block and
     * --sweep run), each set's arms consecutive */
    char *arms_by;
    struct attrition_arm *arms;
    size_t narms;
    struct def_window *var_units;   /* the unit each number let states (name, text "1 year") */
    size_t nvar_units;
    /* analysis blocks: names and units, when the study has several */
    char **anames, **aunits;
    size_t nanalyses;
} results;

/* A column of a call whose values the results cache can name (memo_get):
 * the cohort_vec given to the plugin, its arrays and rows as they were
 * filled (a column rebuilt since is not it), and its key (rescache.h). */
typedef struct call_col {
    const cohort_vec *vec;
    const double *num;
    const char *const *text;
    const unsigned char *missing;
    size_t n;
    char key[65];
} call_col;

/* What the host functions need to know about the call in progress; the
 * runner points cohort_call.host_private at one of these. */
typedef struct call_ctx {
    results *res;
    est_result *cur;
    diag *dg;
    loc where;
    unsigned char *keep;   /* set by keep_rows (malloc'd copy), or NULL */
    size_t nrows;
    double *weights;       /* set by set_weights (malloc'd copy of nrows), or NULL */
    char *weights_name;    /* their name (malloc'd), or NULL */
    char **uv_names;       /* unit_values: the names given (malloc'd) ... */
    double **uv;           /* ... and their values (nrows each, malloc'd) */
    size_t nuv;
    int threads;           /* the run's threads (--threads) for run_tasks */
    /* memo_get, memo_put: the results cache (NULL: off), an address in the
     * plugin's code (its build enters the keys), and the call's columns
     * whose values the cache can name */
    struct rescache *rc;
    uintptr_t code;
    const call_col *cols;
    size_t ncols;
    /* fetch (ABI 1.7): the runner's, over the columns it left out (NULL:
     * none); what it reports before the plugin's first warning or error
     * (NULL: nothing); whether memo_put may keep a result now (NULL: yes;
     * not once the run met data problems), all given fetch_ctx */
    int (*fetch)(void *ctx, const cohort_vec *const *vecs, size_t n);
    void (*before_diag)(void *ctx);
    int (*may_keep)(void *ctx);
    void *fetch_ctx;
} call_ctx;

/* Free what unit_values stored in c. */
void call_ctx_free_values(call_ctx *c);

const cohort_host *result_host(void);

results *results_new(const char *title, const char *unit, double unit_days, const char *unit_name);
void results_free(results *r);
/* The window definition `name` states (window.h); text is copied. */
void results_window(results *r, const char *name, const char *text, double from, double to);
/* The last step's units split by `by`: n[k] units with level[k]
 * (copied), one set (analysis 0, run 0).  Replaces an earlier split. */
void results_arms(results *r, const char *by, const char *const *level, const size_t *n, size_t narms);
/* Append src's arms to dst's, as those of analysis `analysis` (< 0: each
 * keeps its own) and run `run` (< 0: likewise): analysis blocks adopted
 * into one results, --sweep runs merged.  Returns 0, or -1 when out of
 * memory (dst's arms are then left out whole). */
int results_arms_add(results *dst, const results *src, int analysis, int run);
/* The set of arm k (the arms of its flow): its first arm and their number. */
size_t results_arm_set(const results *r, size_t k, size_t *first);
/* Arm k's count as shown: "<5" below min_cell, "x" when another arm of its
 * set is hidden (they add up to the last step's units), else the count. */
void results_arm_text(const results *r, size_t k, char *buf, size_t size);
void results_arms_free(results *r);
/* Arm k as people read it: "NAME = LEVEL" with the rules' labels
 * (malloc'd; NULL when out of memory). */
char *results_arm_name(const results *r, size_t k);
/* The unit a number definition `name` states ("1 year"; study.c); copied. */
void results_var_unit(results *r, const char *name, const char *text);
void results_attrition(results *r, const char *label, size_t before, size_t excluded, size_t unknown, size_t after);
/* The tables above the unit and how many of their rows are behind the units
 * left after the last attrition row's step. */
void results_attrition_levels(results *r, int nlev, const char *const *names, const size_t *counts);
/* A new estimate's results; name is the estimate's own name (`estimate
 * rn_cif = cif(...)`) or NULL. */
est_result *results_estimate(results *r, const char *estimator, const char *name, const char *source,
                             const char *where);
/* The stem of the i-th estimate's file names and its key in results.json:
 * its name, or for an unnamed estimate its position and estimator
 * ("02-cif"), so that naming an estimate never renames another's files. */
void results_est_stem(const results *r, size_t i, char *buf, size_t size);
/* One results object from n runs of a --sweep over np params: each table
 * gains a first column per param with that run's value (values: n x np, row
 * by row), attrition steps and sentences are labelled [a = v, b = w]. */
results *results_merge(results *const *runs, size_t n, const char *const *params, size_t np,
                       const char *const *values);
/* Move the attrition and estimates of src (one analysis block's run) to the
 * end of dst, marked as analysis `name` with unit `unit`.  On success src
 * is freed; on failure (-1) the caller still owns it. */
int results_adopt(results *dst, results *src, const char *name, const char *unit);

/* Provenance for results.json: cohort's version, the command line's
 * arguments (after the program name) and the run's date (seconds since
 * 1970, shown as ISO 8601 UTC). */
void results_provenance(results *r, const char *version, const char *const *args, size_t nargs, long long epoch);
/* A param and the value (as written) the run used. */
void results_param(results *r, const char *name, const char *value);
/* The plugin of an estimate, and each argument bound to its parameter. */
void results_est_plugin(est_result *e, const char *plugin, const char *version);
void results_est_arg(est_result *e, const char *param, const char *value);
/* "a = v, b = w": the values of run `run` of a --sweep ("" otherwise). */
void results_run_label(const results *r, size_t run, char *buf, size_t size);
/* Record an error of estimate e (of run `run` of a sweep, or SIZE_MAX). */
void results_est_error(est_result *e, const char *file, int line, int col, const char *message, size_t run);

/* The study's labels (copied; NULL: none), shown in place of names and
 * levels in the text report, notes and figures; results.json lists them. */
void results_set_labels(results *r, const labelset *ls);
/* Show the labels in the figures of estimate e (titles, axis labels,
 * curves, groups, forest rows), once its plugin has returned. */
void results_label_figures(const results *r, est_result *e);
/* A text (a table's title) with the labels shown (labels_show; malloc'd,
 * NULL when out of memory). */
char *results_show(const results *r, const char *text);

/* Small-cell rule: counts 0 < n < min_cell are hidden (min_cell <= 1: off). */
void results_set_privacy(results *r, int min_cell);
/* Keep a copy of a warning of the run (for the report). */
void results_warning(results *r, const char *text);
/* Record an input file and its hash (sha256 may be NULL). */
void results_input(results *r, const char *kind, const char *path, const char *sha256);
/* The text of the last input (a rules file), copied. */
void results_input_text(results *r, const char *text);

/* Attrition cells: */
enum { ATTR_BEFORE, ATTR_EXCLUDED, ATTR_UNKNOWN, ATTR_AFTER };
/* An attrition count (which: ATTR_...) as text: "12", "<5" or "x". */
void results_attr_text(const results *r, const attrition_row *ar, int which, char *buf, size_t size);
/* The same for JSON: 12, "<5" or "x". */
void results_attr_json(const results *r, const attrition_row *ar, int which, FILE *out);
/* Is this cell hidden by the small-cell rule? */
int results_cell_hidden(const results *r, const cohort_table *t, size_t row, size_t col);
/* A cell as the text report shows it ("-" when missing, "<5" when hidden). */
void results_cell_text(const results *r, const cohort_table *t, size_t row, size_t col, char *buf,
                       size_t size);
/* A column header as the text report shows it ("time (months)"). */
void results_col_header(const results *r, const rcol *col, char *buf, size_t size);
/* A count as text: "12" or "<5". */
void results_count_text(const results *r, double n, char *buf, size_t size);

void results_text(const results *r, FILE *out);
void results_json(const results *r, FILE *out);
/* One table as a JSON object (the form results.json uses). */
void results_table_json(const results *r, const cohort_table *t, FILE *out);

/* A writer of one output file. */
typedef void (*results_writer)(const void *obj, FILE *out);
/* Write DIR/NAME through w: to DIR/.NAME.XXXXXX, then renamed.  Returns 0 or
 * -1 with a message in err. */
int results_write_atomic(const char *dir, const char *name, results_writer w, const void *obj,
                         char *err, size_t errsize);
/* Every table as DIR/NAME.csv and the whole as DIR/results.json into the
 * existing folder DIR (the private folder of outdir.h), each written to a
 * temporary name and renamed.  Returns 0 or -1 with a message in err. */
int results_write_dir(const results *r, const char *dir, char *err, size_t errsize);
#endif
