/* study.h: the phases put together for the commands: check a rules file,
 * run it (once or as a --sweep), export the analysis dataset. */
#ifndef COHORT_STUDY_H
#define COHORT_STUDY_H
#include <stdio.h>
#include "check.h"
#include "diag.h"

/* Exit codes (documented in the README and cohort(1)). */
enum {
    EXIT_OK = 0,
    EXIT_RULES = 1,        /* the rules file has errors */
    EXIT_DATA = 2,         /* the data could not be read or is invalid */
    EXIT_PLUGIN = 3,       /* a plugin or extern library could not be loaded */
    EXIT_ESTIMATE = 4,     /* an estimate could not be computed */
    EXIT_OUTPUT = 5,       /* an output file could not be written */
    EXIT_USAGE = 64        /* bad command line */
};

enum { FORMAT_TEXT, FORMAT_JSON };

typedef struct run_opts {
    const char *rules;
    const char *analysis;              /* export: which analysis block (by name) */
    const override *sets;
    size_t nsets;
    const char *data_dir;              /* overrides the rules' data directory */
    const char *const *plugin_dirs;    /* searched in order */
    size_t nplugin_dirs;
    const char *const *sweep_params;   /* --sweep name=v1,v2,... (one per option) */
    size_t nsweep_params;
    const char *const *sweep_values;   /* nsweep runs x nsweep_params values, row by row */
    size_t nsweep;                     /* runs: the grid of values, or --paired: value k of each */
    int format;
    const char *outdir;
    size_t check_sample_rows;          /* rows read by `check` to learn types */
    int timing;                        /* print phase timings and peak RSS to stderr */
    int threads;                       /* threads evaluating units (0: one per processor) */
    int no_cache;                      /* --no-cache: parse every CSV file, write no cache (colcache.h) */
    /* outputs: the command line's privacy and plot options (the rules'
     * `privacy` and `plot` statements give the defaults) */
    int min_cell;                      /* --min-cell N: the stricter of this and the rules' wins; 0: not given */
    double time_limit;                 /* --time-limit: its number (0: not given) ... */
    int time_limit_unit;               /* ... in this dunit (the study's own unit lengths apply) */
    int min_at_risk;                   /* --min-at-risk N; 0: not given */
    int no_ci_bands;                   /* --no-ci-bands */
    int in_database;                   /* export --in-database: the per-unit phase in PostgreSQL */
    const override *plots;             /* --plot KEY=VALUE: name is KEY, text VALUE */
    size_t nplots;
    const char *const *import_dirs;    /* folders imports may come from besides the rules file's (parse.h) */
    size_t nimport_dirs;
    int raw_csv;                       /* --raw-csv: export's text cells not neutralised (csvcell.h) */
    int unit_values;                   /* export --unit-values: the values per unit estimates report */
    int status_labels;                 /* export --status-labels: NAME_status_label after NAME_status */
    int booleans;                      /* export --booleans: 0 true/false, 1 as 1/0, 2 TRUE/FALSE */
    int covariates;                    /* export --covariates: the columns the estimates read */
    int exiting;                       /* the process ends when the call returns: the loaded
                                          tables (hundreds of MB at 1M patients) are left to the
                                          exit, which gives their pages back at once, not freed
                                          array by array (a library caller leaves it 0) */
    /* provenance written into results.json */
    const char *const *args;           /* the command line after the program name */
    size_t nargs;
    long long run_epoch;               /* the run's date: SOURCE_DATE_EPOCH, or now */
} run_opts;

int study_check(const run_opts *o, diag *dg, FILE *out);
int study_run(const run_opts *o, diag *dg, FILE *out);
int study_export(const run_opts *o, const char *csv_path, diag *dg);
/* Print the SQL of each analysis (or of --analysis NAME) (sqlgen.h). */
int study_sql(const run_opts *o, diag *dg, FILE *out);
#endif
