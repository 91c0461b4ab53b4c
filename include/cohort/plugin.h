/* cohort/plugin.h: the estimator plugin ABI of cohort (installed header).
 *
 * An estimator plugin is a shared object NAME.so on the plugin path that
 * exports exactly one symbol, cohort_plugin_entry(), returning a static
 * cohort_plugin.  The host checks the plugin's magic, ABI version and struct
 * sizes field by field and refuses a mismatch with a message naming the
 * field.  The host then calls init() (if set) with its function table and
 * looks up the estimator called NAME in the plugin's static table.
 *
 * Versioning: ABI major changes break plugins; minor changes only append.
 * The host function table (cohort_host) only ever grows at its end; a plugin
 * built against minor M may use every member present in minor M, and can
 * test host->size before using a member added later.  Minor 6 appended
 * run_tasks; memo_get and memo_put came after it (test them with
 * COHORT_HOST_HAS); a plugin built against minor 5 or earlier loads and
 * runs as before.  Minor 7 appended fetch to the host table and
 * estimator_flags to cohort_plugin: an estimator flagged
 * COHORT_EST_COLUMNS_ON_DEMAND may be given columns whose values are not
 * there yet, and fetches those it reads; a plugin of minor 6 or earlier
 * (its cohort_plugin ends before estimator_flags) gets every value before
 * run(), as before.
 *
 * Memory ownership:
 *  - Everything the host passes (cohort_call, its arguments and vectors,
 *    the host table) is owned by the host and valid only during run().
 *    A plugin must not free or modify it.
 *  - Everything a plugin passes to a host function (strings, arrays) is
 *    copied by the host before the function returns; the plugin keeps
 *    ownership and frees it when it likes.
 *  - Tables and figures created with host functions are owned by the host.
 *  - Plugins allocate their working memory with malloc/free themselves and
 *    must free it before run() returns, on success and on failure.
 *  - A plugin is never unloaded once init() succeeded.
 *
 * Errors: run() returns 0 on success.  On failure it first calls
 * host->error() with a message (the host attaches the estimate's location in
 * the rules) and returns non-zero.  A plugin never prints and never exits.
 */
#ifndef COHORT_PLUGIN_H
#define COHORT_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COHORT_PLUGIN_MAGIC 0x43485254u /* "CHRT" */
#define COHORT_ABI_MAJOR 1
#define COHORT_ABI_MINOR 7

/* Value types of vectors (same codes as the rules language). */
enum cohort_type {
    COHORT_TYPE_INT = 1,
    COHORT_TYPE_REAL = 2,
    COHORT_TYPE_TEXT = 3,
    COHORT_TYPE_DATE = 4,     /* days since 1970-01-01 */
    COHORT_TYPE_BOOL = 5,     /* 0 or 1 */
    COHORT_TYPE_DURATION = 6  /* days */
};

/* Kinds of estimator arguments; a parameter accepts a bitmask of them. */
enum cohort_arg_kind {
    COHORT_ARG_NUMBER = 1u << 0,   /* constant number (num) */
    COHORT_ARG_DURATION = 1u << 1, /* constant duration (num, in days) */
    COHORT_ARG_TEXT = 1u << 2,     /* constant text (text) */
    COHORT_ARG_BOOL = 1u << 3,     /* constant boolean (num: 0 or 1) */
    COHORT_ARG_COLUMN = 1u << 4,   /* one value per row (vec) */
    COHORT_ARG_ENDPOINT = 1u << 5, /* time and status per row (surv) */
    COHORT_ARG_FORMULA = 1u << 6,  /* lhs ~ terms (formula) */
    COHORT_ARG_LIST = 1u << 7,     /* list of constants (list) */
    COHORT_ARG_COLUMNS = 1u << 8,  /* list of per-row expressions (columns) */
    COHORT_ARG_ENDPOINTS = 1u << 9 /* list of endpoints (endpoints) */
};

/* A column of per-row values.  For an estimator flagged
 * COHORT_EST_COLUMNS_ON_DEMAND (ABI 1.7) a COLUMN or COLUMNS argument's
 * num, text and missing may be NULL until host->fetch is called for it
 * (name, type and n are always set). */
typedef struct cohort_vec {
    const char *name;              /* as written in the rules, e.g. "patient.age" */
    int type;                      /* enum cohort_type */
    size_t n;                      /* number of rows (== call->nrows) */
    const double *num;             /* all types but TEXT; NULL for TEXT */
    const char *const *text;       /* TEXT values; NULL for other types */
    const unsigned char *missing;  /* missing[i] != 0: row i is missing */
} cohort_vec;

/* An endpoint evaluated per row.  Times are in days from the origin. */
typedef struct cohort_surv {
    const char *name;
    size_t n;
    const double *start;           /* NULL, or counting-process start: row is (start, time] */
    const double *time;            /* time of event or censoring, days */
    const int *status;             /* 0 censored, 1 event, k >= 2 competing cause k-1 */
    const unsigned char *missing;  /* time or status unknown for row i */
    int ncauses;                   /* 1 + number of competing causes */
    const char *const *cause_names;/* ncauses names, [0] is the event */
} cohort_surv;

/* A term on the right of a formula. */
typedef struct cohort_term {
    cohort_vec vec;
    const char *ref;               /* reference level for a factor, or NULL */
} cohort_term;

typedef struct cohort_formula {
    int lhs_is_endpoint;           /* 1: surv is set; 0: lhs (a column) is set */
    cohort_surv surv;
    cohort_vec lhs;
    size_t nterms;
    const cohort_term *terms;
} cohort_formula;

typedef struct cohort_list {
    size_t n;
    int type;                      /* enum cohort_type of the elements */
    const double *num;             /* numbers, durations (days), dates, bools */
    const char *const *text;       /* TEXT elements */
} cohort_list;

typedef struct cohort_columns {
    size_t n;
    const cohort_vec *vecs;
} cohort_columns;

typedef struct cohort_endpoints {
    size_t n;
    const cohort_surv *survs;
} cohort_endpoints;

/* One bound argument. */
typedef struct cohort_arg {
    const char *name;              /* parameter name it was bound to */
    unsigned kind;                 /* exactly one enum cohort_arg_kind bit */
    double num;                    /* NUMBER, DURATION (days), BOOL */
    const char *text;              /* TEXT */
    cohort_vec vec;                /* COLUMN */
    cohort_surv surv;              /* ENDPOINT */
    cohort_formula formula;        /* FORMULA */
    cohort_list list;              /* LIST */
    cohort_columns columns;        /* COLUMNS */
    cohort_endpoints endpoints;    /* ENDPOINTS */
} cohort_arg;

/* One call of an estimator, as written in an `estimate` statement. */
typedef struct cohort_call {
    void *host_private;            /* the host's; do not touch */
    const char *estimator;         /* e.g. "km" */
    const char *where;             /* "study.rules:23" for messages */
    size_t nrows;                  /* rows of the analysis set */
    const size_t *row_unit;        /* NULL, or unit index of each row (counting process) */
    size_t nunits;
    size_t nargs;
    const cohort_arg *args;        /* the arguments given, in parameter order */
    double time_unit_days;         /* the study's reporting unit, e.g. 30.4375 */
    const char *time_unit;         /* its name, e.g. "months" */
} cohort_call;

/* Column kinds of result tables: decide how text output formats a number.
 * JSON and CSV outputs always carry numbers at full precision. */
enum cohort_col_kind {
    COHORT_COL_TEXT = 1,     /* a string */
    COHORT_COL_NUMBER = 2,   /* a real, shown with `digits` decimals */
    COHORT_COL_COUNT = 3,    /* a count of units (subject to small-cell rules) */
    COHORT_COL_PERCENT = 4,  /* a proportion 0..1, shown as a percentage */
    COHORT_COL_PVALUE = 5,   /* a p-value, shown as "<0.001" or with 3 digits */
    COHORT_COL_TIME = 6,     /* a time in days, shown in the study's unit */
    COHORT_COL_TIME_ESTIMATE = 7 /* (ABI 1.1) a time estimated from the data (a median, a
                                    quantile, their limits): shown as TIME, and hidden with
                                    the percentages of its row under the small-cell rule */
};

typedef struct cohort_table cohort_table;

/* Figure kinds (ABI 1.1).  A plugin describes what to draw; the host draws
 * it (SVG, PNG and PDF through one drawing path) with the study's time unit
 * on the axes, the rules' plot options, and the small-cell rules applied. */
enum cohort_fig_kind {
    COHORT_FIG_STEP = 1,     /* step curves from time 0 (survival, cumulative incidence):
                                confidence bands, censor marks, number at risk under the axis */
    COHORT_FIG_FOREST = 2,   /* one estimate per row with its interval, ratio (log) scale,
                                reference line at 1 (HR, sHR, OR) */
    COHORT_FIG_FOREST_DIFF = 3, /* the same on a linear scale, reference line at 0 (differences) */
    COHORT_FIG_SCATTER = 4   /* (after ABI 1.5) points with a smooth curve and its band against
                                an x axis whose ticks the plugin labels (cox.zph's residuals
                                against transformed time) */
};

typedef struct cohort_figure cohort_figure;

/* Functions the host provides.  Append-only: never reorder or remove. */
/* A cell of a result table (cohort_host.count_relation). */
typedef struct cohort_cell_ref {
    cohort_table *table;           /* NULL: the units of `group` */
    size_t row;
    int col;
    const char *group;             /* table NULL: "column = value" (e.g. "tdxd = true"), the
                                      units of the analysis set with that value, the same in
                                      every estimate that gives them; NULL: the estimate's
                                      units (those it was given less those it dropped) */
} cohort_cell_ref;

typedef struct cohort_host {
    uint32_t size;                 /* sizeof(cohort_host) of the running host */
    uint16_t abi_major, abi_minor;
    /* Report an error or a warning about this estimate (printf format). */
    void (*error)(const cohort_call *call, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
    void (*warning)(const cohort_call *call, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
    /* Result tables: create, add typed columns, append rows, set cells.
     * Cells left unset are missing (printed as "-", null in JSON). */
    cohort_table *(*table_new)(const cohort_call *call, const char *id, const char *title);
    int (*table_column)(cohort_table *t, const char *name, int kind, int digits);
    size_t (*table_row)(cohort_table *t);
    void (*table_num)(cohort_table *t, size_t row, int col, double value);
    void (*table_text)(cohort_table *t, size_t row, int col, const char *text);
    /* A publication-style sentence printed after the tables. */
    void (*note)(const cohort_call *call, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
    /* Restrict the analysis set for the estimates that follow this one
     * (e.g. a matched cohort): keep[i] != 0 keeps row i.  Only for calls
     * with row_unit == NULL.  Returns 0 on success. */
    int (*keep_rows)(const cohort_call *call, const unsigned char *keep);
    /* Mark a table as detail (e.g. a whole survival curve): it goes to JSON,
     * CSV and figures but is not printed in the text report. */
    void (*table_detail)(cohort_table *t);

    /* ---- ABI 1.1: small-cell privacy and figures (test COHORT_HOST_HAS) ---- */

    /* Write count `n` as text into buf: "12", or "<5" when the study sets
     * `privacy min_cell = 5;` (or --min-cell 5) and 0 < n < 5.  Returns 1
     * when the count was hidden, 0 when written as is.  Use it for every
     * count in a note or warning; a sentence whose percentage rests on a
     * hidden count should not give the percentage (say "<5 events"). */
    int (*format_count)(const cohort_call *call, double n, char *buf, size_t size);
    /* Declare that the percentages (COHORT_COL_PERCENT cells) of a row rest
     * on `n` units, e.g. the events up to that time: under min_cell they are
     * shown as "<5" when 0 < n < min_cell.  (COUNT cells below min_cell are
     * always hidden, and so are the PERCENT cells of their row.) */
    void (*table_row_count)(cohort_table *t, size_t row, double n);

    /* Figures.  figure_new creates one (owned by the host; `id` names its
     * files, e.g. "survival"; kind is enum cohort_fig_kind).  figure_labels
     * sets the axis labels: for STEP figures xlabel is the time axis without
     * its unit (default "Time"; the host appends the study's unit) and
     * ylabel the curve (e.g. "Overall survival"); for FOREST figures xlabel
     * names the estimate (e.g. "Hazard ratio"). NULL keeps a label. */
    cohort_figure *(*figure_new)(const cohort_call *call, const char *id, int kind,
                                 const char *title);
    void (*figure_labels)(cohort_figure *f, const char *xlabel, const char *ylabel);
    /* STEP: start a curve (e.g. a group) at value `start` at time 0 (1 for
     * survival, 0 for incidence); returns its index or -1. */
    int (*figure_series)(cohort_figure *f, const char *label, double start);
    /* STEP: one call per distinct time of the curve's data (events of any
     * cause and censorings), times in days and ascending: `value` (0..1) is
     * the curve from `time` on, lower/upper its confidence limits (NAN:
     * none), nrisk the units at risk just before `time`, nevent the events
     * at `time` that move this curve, ncensor the units censored at `time`
     * (censor marks).  The number at risk under the axis comes from nrisk;
     * the small-cell rules merge steps of fewer than min_cell events. */
    void (*figure_step)(cohort_figure *f, int series, double time, double value, double lower,
                        double upper, double nrisk, double nevent, double ncensor);
    /* FOREST: one row: a label and an estimate with its interval and p
     * (NAN when not applicable).  A row with a NAN estimate is a heading
     * (e.g. a reference level). */
    void (*figure_estimate)(cohort_figure *f, const char *label, double estimate, double lower,
                            double upper, double p);

    /* ---- appended after ABI 1.2 (test with COHORT_HOST_HAS) ---- */

    /* Say what a COUNT column counts (enum cohort_count_role), so that the
     * small-cell rule can hide, besides the counts below min_cell, the
     * cells from which one could be recovered by adding or subtracting
     * (complementary suppression).  The rows of one group are the rows
     * with the same texts in the table's TEXT columns; a group's rows are
     * in time order. */
    void (*table_count_role)(cohort_table *t, int col, int role);

    /* ---- ABI 1.3: figures (test COHORT_HOST_HAS) ---- */

    /* The test or estimate that summarises a figure, e.g. "Log-rank p = 0.012"
     * or "Gray's test p = 0.21"; the host draws it in the plot when the
     * rules ask for it (`plot annotate = true;`).  NULL clears it. */
    void (*figure_annotate)(cohort_figure *f, const char *text);
    /* STEP: start a curve of `group` (e.g. "tdxd = true"; "" for the whole
     * cohort) for `outcome` (e.g. a cause of a competing-risks panel) at
     * value `start`.  The curves of a group share a colour and one row of
     * the number at risk; the curves of an outcome share a line type.
     * Returns its index for figure_step, or -1. */
    int (*figure_curve)(cohort_figure *f, const char *group, const char *outcome, double start);

    /* ---- ABI 1.4: labels (test COHORT_HOST_HAS) ---- */

    /* The label the rules give (`label NAME "text" levels (L: "text", ...)`)
     * to `name` -- a column's or endpoint's name as the call gives it
     * (cohort_vec.name, cohort_surv.name) -- when level is NULL, or to its
     * level `level` written as a table cell would be ("true", "12", "low");
     * NULL when the rules give none.  The host shows labels in place of the
     * names and levels plugins write in tables, notes and figures ("NAME =
     * LEVEL" groups, "by NAME", "NAME (A vs B)" terms), so a plugin needs
     * this only to word a sentence (km: "local control at 12 months"). */
    const char *(*label)(const cohort_call *call, const char *name, const char *level);
    /* The place of `level` in the order the rules give the levels of `name`
     * (0 first; the reference level of the models is first), or -1 when
     * the rules do not list it: show listed levels in this order, then the
     * others in their usual order. */
    int (*level_rank)(const cohort_call *call, const char *name, const char *level);

    /* ---- ABI 1.4: counts in text cells for the small-cell rule ---- */

    /* Cell (row, col) of t shows count n: a COUNT cell, or a TEXT cell such
     * as "271 (83.4%)", which the host then shows whole as "x" when the
     * small-cell rule hides n as a complement.  (A count below min_cell the
     * plugin writes as format_count does.) */
    void (*table_cell_count)(cohort_table *t, size_t row, int col, double n);
    /* An additive relation between counts of the call's tables: the sum of
     * coef[i] times the count of cells[i] is 0 (each cell declared with
     * table_cell_count, or a COUNT cell); a cell whose table is NULL stands
     * for units not shown as such (cohort_cell_ref.group).  The small-cell
     * rule then hides further cells so that no hidden count can be
     * recovered through the relation. */
    void (*count_relation)(const cohort_call *call, const cohort_cell_ref *cells, const int *coef, size_t n);

    /* ---- ABI 1.5: weights for the estimates that follow (test COHORT_HOST_HAS) ---- */

    /* Weight the estimates that follow this one (e.g. inverse probability
     * of treatment weights): w[i] > 0 is row i's weight, NAN leaves row i
     * out of them (as keep_rows).  An estimate with a `weights` parameter
     * that the rules do not give receives these weights as that argument,
     * a column called `name`; the others run unweighted on the rows kept,
     * with a warning.  Only for calls with row_unit == NULL.  Returns 0 on
     * success. */
    int (*set_weights)(const cohort_call *call, const double *w, const char *name);

    /* ---- appended after ABI 1.5: footnotes (test COHORT_HOST_HAS) ---- */

    /* A line printed under table t in the text report and report.html and
     * kept in its JSON ("footnotes"), e.g. the statistics shown and the
     * tests used ("n (%); median [IQR]").  Not written to CSV files. */
    void (*table_footnote)(cohort_table *t, const char *text);

    /* ---- appended after ABI 1.5: definitions (test COHORT_HOST_HAS) ---- */

    /* The window around the unit's date that the rules' definition `name`
     * (a boolean let, as cohort_vec.name gives it) states, as written:
     * "-7/+21 days" for `[d.start_date, d.end_date] overlaps [start_date -
     * 7 days, start_date + 21 days]`, "-3/+3 months" for `within 3 months
     * of start_date`, "after", "before" or "during" for an order alone,
     * several joined by " and "; NULL when it states none.  *from and *to
     * (when not NULL) get its bounds in days from the unit's date, NAN
     * when a bound is open or not a constant. */
    const char *(*window)(const cohort_call *call, const char *name, double *from, double *to);

    /* ---- appended after ABI 1.5: values per unit (test COHORT_HOST_HAS) ---- */

    /* A value the estimate computed for each of the call's rows, named
     * `name` (e.g. "ps", a propensity score): v[i] for row i, NAN where it
     * has none.  `cohort export --unit-values` writes it as a column
     * ESTIMATE_name of the unit's row; `run` does not use it.  Only for
     * calls with row_unit NULL.  Returns 0, or -1 (out of memory, a name
     * given twice). */
    int (*unit_values)(const cohort_call *call, const char *name, const double *v);

    /* ---- appended after ABI 1.5: scatter figures (test COHORT_HOST_HAS) ---- */

    /* SCATTER: a point (x, y), e.g. a residual; not drawn under a
     * small-cell rule (each point is one unit's).  figure_labels sets the
     * axis labels as given (the host adds no unit). */
    void (*figure_point)(cohort_figure *f, double x, double y);
    /* SCATTER: the next point of the smooth curve, x ascending: its value
     * and the limits of its band (NAN: none). */
    void (*figure_smooth)(cohort_figure *f, double x, double fit, double lower, double upper);
    /* SCATTER: a tick of the x axis at x, labelled `label` (e.g. the
     * untransformed time); without ticks the axis shows x. */
    void (*figure_tick)(cohort_figure *f, double x, const char *label);

    /* ---- appended after ABI 1.5: forest details (test COHORT_HOST_HAS) ---- */

    /* FOREST: the units and events behind the last row added (a level:
     * the units at that level; a continuous term or the whole model: all
     * of them), shown in columns N and Events beside the labels; NAN: not
     * shown.  Hidden under a small-cell rule as counts are. */
    void (*figure_estimate_counts)(cohort_figure *f, double n, double events);
    /* The unit of a number the rules define as a duration divided by a
     * constant one (`let age = (start_date - birth_date) / 1 year;`): "1
     * year"; NULL when the rules state none.  `name` as cohort_vec.name. */
    const char *(*unit)(const cohort_call *call, const char *name);

    /* ---- ABI 1.6: tasks on the run's threads (test COHORT_HOST_HAS) ---- */

    /* Run fn(ctx, task, worker) once for each task 0..n-1 on the run's
     * threads (--threads; the calling thread is one of them) and return
     * when all are done.  `worker` numbers the thread running the task:
     * below n and below the run's thread count; one worker's tasks run one
     * after another, so a work space per worker (an array of n, each
     * allocated by its worker on first use) serves all of them.  Tasks run
     * concurrently, in no set order: fn must not call a host function or
     * run_tasks, must write only its task's and its worker's memory
     * (malloc and free are safe), and its result must not depend on the
     * worker or the order, so that outputs are the same for any thread
     * count.  Write tables, notes and errors after run_tasks returns
     * (describe summarises its variables in tasks).  The crash guard
     * covers tasks but for a stack overflow off the calling thread: keep
     * large arrays off a task's stack. */
    void (*run_tasks)(const cohort_call *call, size_t n, void (*fn)(void *ctx, size_t task, size_t worker),
                      void *ctx);

    /* ---- appended after ABI 1.6: results kept between runs (test COHORT_HOST_HAS) ---- */

    /* A result the plugin computes from some of the call's columns alone
     * (and its own options), kept in the rerun cache (cohort(1), RERUN
     * CACHE) so that a later run whose columns hold the same values can
     * take it instead of computing it again (describe: one variable's
     * summary).  `vecs`: the columns it is computed from, each a pointer
     * to a cohort_vec of call->args as given; `what`: the plugin's text
     * naming the computation and every option it depends on, with a
     * version the plugin changes whenever it changes how it computes it;
     * `size`: the result's bytes.  The key also holds the plugin's own
     * build (its GNU build-id, or its file), the estimator's name and the
     * identity of each column's values (its definition, the data and the
     * units it was computed for, as the results cache keys them).
     * memo_get copies a kept result of exactly `size` bytes into buf and
     * returns 1, else returns 0: none kept, the cache is off, or a column
     * is not one whose values the cache can name (a column rebuilt after
     * keep_rows, set_weights or an exposure's intervals, one read from a
     * database, one reaching an extern function).  memo_put keeps one
     * (nothing when it cannot).  The result must depend on nothing but
     * those columns' values and `what`: the outputs are then the same with
     * and without the cache.  Not from a task (run_tasks). */
    int (*memo_get)(const cohort_call *call, const cohort_vec *const *vecs, size_t nvecs, const char *what,
                    void *buf, size_t size);
    void (*memo_put)(const cohort_call *call, const cohort_vec *const *vecs, size_t nvecs, const char *what,
                     const void *buf, size_t size);

    /* ---- ABI 1.7: columns fetched on demand (test COHORT_HOST_HAS) ---- */

    /* For an estimator flagged COHORT_EST_COLUMNS_ON_DEMAND: make the values
     * (num or text, and missing) of vecs[0..nvecs) there, each a pointer to
     * a cohort_vec of call->args as given (columns of COLUMN and COLUMNS
     * arguments; any other, or one whose values are there, is left as it
     * is).  The host may leave such columns' values out until asked when
     * the rerun cache (cohort(1), RERUN CACHE) names them: a column never
     * fetched is never read from the cache nor computed.  Columns asked for
     * together are read (or computed) together: ask once for all those a
     * step needs.  A column comes from the cache only after every check
     * an entry passes before use; one the cache has not, or not whole, is
     * computed then, as without the cache, and the data warnings of that
     * computation come before any warning or error of the plugin (fetch
     * before warning).  memo_get and memo_put name a column as well
     * before its fetch as after.  Returns 0, or -1 when memory ran out
     * (the values are then not all there: fail with an error).  Not from a
     * task (run_tasks). */
    int (*fetch)(const cohort_call *call, const cohort_vec *const *vecs, size_t nvecs);
} cohort_host;

/* What a COUNT column counts (cohort_host.table_count_role).  "The group"
 * is the units of a row's group (by: level, or all the estimate's units). */
enum cohort_count_role {
    COHORT_COUNT_UNITS = 1,      /* the units of the group; the groups are disjoint parts
                                    of the estimate's units (those with missing values
                                    dropped) */
    COHORT_COUNT_EVENTS = 2,     /* all the events of the group */
    COHORT_COUNT_AT_RISK = 3,    /* at risk at the row's time: never increases from row to
                                    row, and is at most the group's UNITS */
    COHORT_COUNT_CUMULATIVE = 4, /* events up to the row's time: never decreases from row to
                                    row, and is at most the group's EVENTS */
    COHORT_COUNT_STEP_EVENTS = 5,   /* events at the row's time (a whole curve, one row per
                                       time: AT_RISK of the next row = AT_RISK - STEP_EVENTS
                                       - STEP_CENSORED; their sum is the group's EVENTS) */
    COHORT_COUNT_STEP_CENSORED = 6  /* censored at the row's time (with STEP_EVENTS) */
};

/* Does the running host provide member `m` (added after ABI 1.0)?  E.g.
 * if (COHORT_HOST_HAS(host, figure_new)) { ... } */
#define COHORT_HOST_HAS(h, m) \
    ((h)->size >= offsetof(cohort_host, m) + sizeof((h)->m) && (h)->m != NULL)

/* Parameters an estimator accepts.  The first parameter may be given
 * positionally; all may be given by name.  The host checks kinds and
 * required parameters when the rules are checked, before any data is read. */
typedef struct cohort_param {
    const char *name;
    unsigned kinds;                /* bitmask of enum cohort_arg_kind */
    int required;
    const char *help;
} cohort_param;

/* (ABI 1.2) What a parameter accepts beyond its kinds, and its default.
 * A plugin lists these in cohort_plugin.specs; the host checks every
 * constant argument against them when the rules are checked, before any
 * data is read (an error located at the argument), and `cohort plugins`
 * shows them.  A plugin still validates its arguments in run(): an older
 * host does not check them. */
enum cohort_spec_flag {
    COHORT_SPEC_MIN_OPEN = 1u << 0, /* the minimum itself is not allowed: (min, ... */
    COHORT_SPEC_MAX_OPEN = 1u << 1, /* the maximum itself is not allowed: ..., max) */
    COHORT_SPEC_INTEGER = 1u << 2,  /* numbers must be whole */
    /* (ABI 1.3) per-unit arguments whose values the output shows as labels:
     * the host refuses a key column there (unless the rules allow it) and,
     * under min_cell, a grouping with more levels than n / min_cell */
    COHORT_SPEC_GROUPS = 1u << 3,   /* every value is a group (by:) */
    COHORT_SPEC_LEVELS = 1u << 4,   /* text and boolean values are levels (vars:); numbers are
                                       summarised */
    /* (ABI 1.4) per-unit definitions of exposure decided at time zero
     * (compare's exposures): the host warns about one that reads an
     * endpoint's time, status or dates, directly or through lets
     * (information from after time zero) */
    COHORT_SPEC_EXPOSURE = 1u << 5,
    /* (after ABI 1.5) a boolean that asks for a model between the groups of
     * the estimator's COHORT_SPEC_GROUPS argument (km's hr): the host
     * refuses it constant true without that argument when the rules are
     * checked, and binds the estimator's `cluster` by default (the
     * patient key below the patient level) only when it is true -- the
     * cluster serves that model alone.  An older host ignores the flag. */
    COHORT_SPEC_GROUP_MODEL = 1u << 6
};

typedef struct cohort_param_spec {
    const char *estimator;         /* the estimator and ... */
    const char *param;             /* ... its parameter this spec is about */
    const char *const *choices;    /* TEXT (or a LIST of texts): the allowed values,
                                      NULL-terminated; NULL: any text */
    int list_type;                 /* LIST: the enum cohort_type its items must have
                                      (numbers: INT or REAL); 0: any */
    double min, max;               /* NUMBER, DURATION (days) and LIST items: the allowed
                                      range, ends included unless flagged; NAN: no bound */
    unsigned flags;                /* enum cohort_spec_flag */
    const char *default_value;     /* the default as the rules would write it ("\"log\"",
                                      "0.95", "[0.5]"), or NULL when there is none */
} cohort_param_spec;

typedef struct cohort_estimator {
    const char *name;
    const char *summary;
    const cohort_param *params;
    size_t nparams;
    int (*run)(const cohort_host *host, const cohort_call *call);
} cohort_estimator;

/* (ABI 1.7) What an estimator declares about how it is called
 * (cohort_plugin.estimator_flags). */
enum cohort_estimator_flag {
    /* It calls host->fetch for every column of its COLUMN and COLUMNS
     * arguments before reading that column's values, so the host may leave
     * them out until then (describe: the variables whose summaries its
     * memo holds are never fetched).  An older host ignores the flag and
     * gives every value before run(); fetch is then absent and needs no
     * call.  Other kinds of arguments (formulas, endpoints) always come
     * whole. */
    COHORT_EST_COLUMNS_ON_DEMAND = 1u << 0
};

/* What cohort_plugin_entry() returns.  Fill it with COHORT_PLUGIN_HEADER. */
typedef struct cohort_plugin {
    uint32_t magic;
    uint16_t abi_major, abi_minor;
    uint32_t sizeof_plugin, sizeof_estimator, sizeof_param, sizeof_call, sizeof_arg;
    const char *name;
    const char *version;
    const char *description;
    const cohort_estimator *estimators;
    size_t nestimators;
    int (*init)(const cohort_host *host);   /* optional; 0 on success */
    /* ---- ABI 1.2: fill with COHORT_PLUGIN_SPECS(table) after init, or leave out ---- */
    uint32_t sizeof_param_spec;    /* sizeof(cohort_param_spec), or 0 without specs */
    const cohort_param_spec *specs;
    size_t nspecs;
    /* ---- ABI 1.7: NULL, or one enum cohort_estimator_flag mask per estimator ---- */
    const unsigned *estimator_flags;
} cohort_plugin;

#define COHORT_PLUGIN_HEADER                                              \
    COHORT_PLUGIN_MAGIC, COHORT_ABI_MAJOR, COHORT_ABI_MINOR,              \
    sizeof(cohort_plugin), sizeof(cohort_estimator), sizeof(cohort_param), \
    sizeof(cohort_call), sizeof(cohort_arg)

/* The last members of a cohort_plugin initializer: its table of specs. */
#define COHORT_PLUGIN_SPECS(table) \
    sizeof(cohort_param_spec), (table), sizeof(table) / sizeof((table)[0])

#define COHORT_ENTRY_SYMBOL "cohort_plugin_entry"
const cohort_plugin *cohort_plugin_entry(void);

/* Find the argument bound to parameter `name`, or NULL if not given. */
static inline const cohort_arg *cohort_arg_get(const cohort_call *call, const char *name)
{
    for (size_t i = 0; i < call->nargs; i++) {
        const char *a = call->args[i].name, *b = name;
        while (*a && *a == *b) { a++; b++; }
        if (*a == *b) return &call->args[i];
    }
    return NULL;
}

#ifdef __cplusplus
}
#endif
#endif
