/* pcommon.h: helpers shared by the bundled estimator plugins (linked
 * statically into each): coding a column as a factor with levels. */
#ifndef COHORT_PCOMMON_H
#define COHORT_PCOMMON_H
#include <cohort/plugin.h>

typedef struct pc_factor {
    size_t nlevels;
    char **labels;      /* nlevels labels, level order */
    int *code;          /* per row: level index, or -1 when missing */
} pc_factor;

/* Code v as a factor.  Levels are sorted (numbers ascending, text by byte
 * order, booleans false then true), except that `ref`, if given, comes
 * first.  Returns 0, or -1 if ref is not a level or memory ran out (f is
 * then empty). */
int pc_factor_make(const cohort_vec *v, const char *ref, pc_factor *f);
void pc_factor_free(pc_factor *f);
/* Put the levels of f (made from v) in the order the rules give (ABI 1.4,
 * host->level_rank: `label v levels (...)`): the listed levels first in
 * their order, then the others as pc_factor_make sorted them.  A host
 * without labels leaves f as it is.  Returns 0, or -1 when memory ran out
 * (f unchanged). */
int pc_factor_order(const cohort_host *host, const cohort_call *call, const cohort_vec *v, pc_factor *f);
/* Text label of row i of v ("true"/"false", "%g", a date "YYYY-MM-DD"),
 * written into buf (at least 32 bytes unless TEXT, which returns the text). */
const char *pc_label(const cohort_vec *v, size_t i, char *buf, size_t size);
/* Count n as text for a note or warning: through the host's small-cell
 * rule when it has one (ABI 1.1: "<5"), else as an integer.  Returns 1 when
 * the count was hidden. */
int pc_count(const cohort_host *host, const cohort_call *call, double n, char *buf, size_t size);
/* The same, returning buf (for use inside a printf argument list). */
const char *pc_count_text(const cohort_host *host, const cohort_call *call, double n, char *buf, size_t size);
/* Set a numeric cell only when the column exists and x is finite (a cell
 * left unset prints as missing, never as NaN). */
void pc_put(const cohort_host *host, cohort_table *t, size_t row, int col, double x);
/* The columns of a table of ratios from a model (cox, km's hr): term,
 * `name` (e.g. "HR"), lower, upper, p, coef, se; further columns may
 * follow. */
typedef struct pc_ratio_cols { int term, est, lower, upper, p, coef, se; } pc_ratio_cols;
void pc_ratio_columns(const cohort_host *host, cohort_table *t, const char *name, pc_ratio_cols *c);
/* A row of such a table: the term, exp(coef) with its limits, p, coef, se. */
size_t pc_ratio_row(const cohort_host *host, cohort_table *t, const pc_ratio_cols *c, const char *term,
                    double est, double lower, double upper, double p, double coef, double se);
/* Say what COUNT column col counts (enum cohort_count_role) for the host's
 * complementary small-cell suppression, when the host can hear it and the
 * counts add up as the role says (one row per unit: call->row_unit NULL and
 * no (start, stop] rows, which the caller says with `plain`). */
void pc_count_role(const cohort_host *host, const cohort_call *call, int plain, cohort_table *t, int col,
                   int role);
/* A cell of a cross-tabulation of counts (describe, table1): the
 * reference, or table NULL for the estimate's units. */
typedef cohort_cell_ref pc_cell;
#define PC_CELL(t, row, col) ((pc_cell){(t), (row), (col), NULL})
/* Say that cell (row, col) of t shows count n (host table_cell_count,
 * after ABI 1.3), when the host can hear it. */
void pc_cell_count(const cohort_host *host, cohort_table *t, size_t row, int col, double n);
/* Say that the counts of parts[0..nparts) add up to the count of total
 * (host count_relation, after ABI 1.3), when the host can hear it. */
void pc_sum(const cohort_host *host, const cohort_call *call, pc_cell total, const pc_cell *parts, size_t nparts);
/* Options shared by the bundled estimators.  Each reads its argument if it
 * was given (leaving *out as it was otherwise) and returns 0, or 1 after
 * host->error for a bad value.  conf_level must lie in (0, 1); an
 * iteration limit `name` must be a whole number from 1 to 1000. */
int pc_conf_level(const cohort_host *host, const cohort_call *call, double *out);
int pc_iterations(const cohort_host *host, const cohort_call *call, const char *name, int *out);
/* A detail table (JSON, CSV; not the text report) `id` holding the p x p
 * matrix m (row-major), e.g. a variance matrix: a column "term" with the
 * row names, then one column per name.  Non-finite entries are missing. */
void pc_matrix_table(const cohort_host *host, const cohort_call *call, const char *id,
                     const char *title, const char *const *names, size_t p, const double *m);
/* A time for a sentence in the study's unit: "12 months", "1 year",
 * "365.2 days".  One decimal rounded as the host's tables round it ("%.1f"),
 * a trailing ".0" dropped, so a time reads the same in a table and a
 * sentence. */
void pc_fmt_time(const cohort_call *call, double days, char *buf, size_t size);
/* Case weights: the call's `weights` argument (a column), or NULL when not
 * given.  A row whose weight is missing is dropped like any other missing
 * variable (pc_weight_missing); a known weight must be a finite number > 0
 * (pc_weights_check, which says so for the first bad row through
 * host->error and returns 1).  *nonint is set when a weight is not a whole
 * number (R then makes the variance robust by default). */
const cohort_vec *pc_weights(const cohort_call *call);
int pc_weight_missing(const cohort_vec *w, size_t i);
int pc_weights_check(const cohort_host *host, const cohort_call *call, const cohort_vec *w,
                     const unsigned char *use, int *nonint);
/* A p-value for a sentence: "p < 0.001" or "p = 0.012". */
void pc_fmt_p(double p, char *buf, size_t size);
#endif
