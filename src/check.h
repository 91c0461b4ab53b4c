/* check.h: the checker.  It resolves every name and type of a parsed
 * program against the data schema and the estimator plugins before any
 * data is evaluated, and produces the resolved study the evaluator runs. */
#ifndef COHORT_CHECK_H
#define COHORT_CHECK_H
#include <cohort/plugin.h>
#include "ast.h"
#include "data.h"
#include "plugin.h"
#include "value.h"
#include "labels.h"

#define MAX_QUANT_DEPTH 8

typedef struct paraminfo {
    stmt *s;
    expr *value;           /* the rules' value or the --set override */
    ty type;
    int used;              /* named by a checked expression (so it can change a result) */
} paraminfo;

typedef struct letinfo {
    stmt *s;
    ty type;
    int state;             /* 0 unchecked, 1 checking, 2 done */
    int is_const;
} letinfo;

/* A status code of an endpoint given by columns, and the status it means. */
typedef struct epcode {
    int64_t i;             /* integer and boolean codes */
    const char *s;         /* text codes (interned) */
    int status;            /* 0 censored, 1 event, k >= 2 competing cause k-1 */
} epcode;

typedef struct endpointinfo {
    stmt *s;
    int ncauses;           /* 1 + competing */
    const char **cause_names;
    int state;
    int from_columns;      /* time and status columns (stmt ep_time, ep_status) */
    epcode *codes;         /* from_columns: every status code (owned) */
    size_t ncodes;
    int rows_table;        /* from_columns: the table below the unit whose rows are
                              the unit's (entry, time] intervals (counting-process
                              data), or -1: one interval per unit */
} endpointinfo;

/* The table whose rows are an endpoint's intervals, or -1. */
static inline int ep_rows_table(const endpointinfo *ep)
{
    return ep->from_columns ? ep->rows_table : -1;
}

/* How an estimate argument is passed to the plugin. */
typedef struct boundarg {
    const cohort_param *param;
    unsigned kind;         /* one enum cohort_arg_kind bit */
    expr *value;           /* the argument expression */
    expr **items;          /* COLUMNS / LIST items, FORMULA terms */
    size_t nitems;
    int endpoint;          /* ENDPOINT / FORMULA with endpoint lhs */
    int exposure;          /* FORMULA: time-varying exposure number, or -1 */
    size_t exposure_term;  /* FORMULA: which term is the exposure */
} boundarg;

typedef struct estimateinfo {
    stmt *s;
    const cohort_estimator *est;
    const cohort_plugin *plugin;
    boundarg *args;
    size_t nargs;
    int default_cluster;   /* `cluster` bound to the patient key by default (unit below the patient) */
} estimateinfo;

typedef struct funcinfo {
    stmt *s;               /* define NAME(params) = body; */
    int ncalls;
} funcinfo;

typedef struct externinfo {
    stmt *s;
    void *fn;              /* the C function */
    void *cif;             /* ffi_cif, prepared once (owned) */
} externinfo;

typedef struct study {
    program *prog;
    strpool *pool;
    const char *title;
    const stmt *data;      /* the data statement */
    char *data_dir;        /* resolved directory ("" for postgres) */
    char *conninfo;        /* data postgres: the connection string, else NULL */
    decl_site conninfo_site;
    struct {               /* per declared table: the names that can be its
                              columns (table_wants), a superset */
        const char **v;
        size_t n;
        int ordered;       /* its rows can be visited in order (table_wants) */
        int unread;        /* nothing in the rules can read it (table_wants) */
    } *wants;
    size_t nwants;
    table_spec *specs;
    size_t nspecs;
    const char **na;       /* cell texts read as missing (data csv "dir" missing (...)) */
    size_t nna;
    int unit;              /* table index of the unit of analysis */
    int root;              /* table index of the unit's root ancestor (patients) */
    double unit_days[4];   /* length of day, week, month, year in days */
    int timescale;         /* dunit of reported times */
    paraminfo *params;   size_t nparams;
    letinfo *lets;       size_t nlets;
    endpointinfo *eps;   size_t neps;
    stmt **criteria;     size_t ncriteria;
    estimateinfo *ests;  size_t nests;
    externinfo *externs; size_t nexterns;
    stmt **exposures;    size_t nexposures;   /* `exposure NAME starts at DATE;` */
    stmt **eras;         size_t neras;        /* `era NAME from TABLE VAR ...;` (era.c) */
    funcinfo *funcs;     size_t nfuncs;       /* parametrised definitions (func.c) */
    unsigned fserial;    /* numbers the row variables renamed by func_expand */
    int data_sampled;    /* check_resolve sees a sample of the rows (check), not all (run) */
    size_t nquants;      /* quantifiers (each keeps its evaluation state, eval.c) */
    const cohort_data *schema;
    int analysis;        /* which analysis block (0: the whole program) */
    uint64_t needs_sets; /* analyses (bit k: block k; bit 0: no blocks) whose analysis set
                            included() reads */
    loc set_use[64];     /* where each is first read */
    uint8_t **insets;    /* per analysis number: its units in the analysis set (run time) */
    struct study **analyses;   /* every analysis of the program (study.c), for the database's
                                  included(): sqlgen.c; NULL alone */
    size_t nanalyses;
    const char *analysis_name;   /* its name, or NULL */
    labelset *labels;     /* `label` statements, checked (labels.c); NULL: none */
    stmt **plot_options;  /* `--plot KEY=VALUE` settings, checked (arena), in order */
    size_t nplot_options;
} study;

/* --set overrides, name=value (value parsed as an expression). */
typedef struct override {
    const char *name;
    const char *text;
    const char *option;   /* where it was given, for diagnostics: "--sweep"; NULL: "--set" */
} override;

/* Build a study from a parsed program: find the data declaration and unit,
 * bind params (with overrides).  Returns NULL after reporting errors.
 * Phase 1 needs no data: it yields the table specs to load. */
study *check_prepare(program *prog, strpool *pool, const override *ov, size_t nov,
                     const char *data_dir_override, diag *dg);
/* The same for analysis block k (1, 2, ...) of a program with
 * prog->nanalyses > 0: the shared statements and those of block k. */
study *check_prepare_analysis(program *prog, strpool *pool, const override *ov, size_t nov,
                              const char *data_dir_override, int analysis, diag *dg);
/* Phase 2: resolve every name and type against the loaded schema (full
 * data or a sample) and the plugins.  Returns the number of errors. */
int check_resolve(study *st, const cohort_data *schema, plugin_reg *plugins, diag *dg);
void study_free(study *st);
/* Once every analysis sts[0..n) is resolved (and its concept sets and
 * endpoint columns checked): free the values of the loaded columns none of
 * them reads, and all of a table none of them reaches (not the unit, the
 * root, a table an expression names, nor an ancestor of one:
 * data_drop_unread).  0, or -1 when out of memory (nothing is
 * freed). */
int check_drop_unread(const study *const *sts, size_t n, cohort_data *d);
/* Once resolved: a table the resolved rules read (as check_drop_unread
 * counts them) that was restored without its data (table.unread, from
 * table_wants' analysis before loading), or -1 when none is (or out of
 * memory).  The caller stops the run on one: an internal error. */
int check_unread_tables(const study *const *sts, size_t n, const cohort_data *d);
/* The value of a constant number or duration expression (durations in
 * days), through params and lets; 0 when e is not constant. */
int check_const_days(const study *st, const expr *e, double *days);
/* Warn about each param given on the command line (--set, --sweep) that no
 * criterion, let, endpoint or estimate of any of the analyses sts uses: it
 * cannot change any result. */
void check_warn_unused(const study *const *sts, size_t nsts, const char *const *names, size_t n,
                       const char *option, diag *dg);
/* Re-bind a param to a new expression text (for --sweep); returns 0 or
 * reports an error. */
int check_set_param(study *st, const char *name, const char *text, diag *dg);
/* A `--plot KEY=VALUE` option: VALUE is parsed and checked as the rules'
 * `plot KEY = VALUE;` would be, and kept in st->plot_options (it overrides
 * the rules' setting).  Returns 0 or reports an error and returns -1. */
int check_plot_option(study *st, const char *key, const char *text, diag *dg);
#endif
