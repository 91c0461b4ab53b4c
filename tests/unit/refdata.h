/* refdata.h: reading the whitespace-separated reference files of the unit
 * tests (the .txt files under tests/ref) and comparing computed values with R's.
 *
 * A file holds one or more tables.  A table is an optional section line
 * "[name]", a header line of column names, then rows of numbers ("NA" is
 * missing and read as NAN; "Inf"/"-Inf" are infinities).  Lines starting
 * with '#' and blank lines are skipped.  A file without section lines is
 * one table named "". */
#ifndef COHORT_REFDATA_H
#define COHORT_REFDATA_H
#include <stddef.h>

typedef struct rd_table {
    char *name;
    size_t ncol, nrow;
    char **cols;        /* ncol column names */
    double *v;          /* nrow * ncol values, row-major, NAN when NA */
} rd_table;

typedef struct rd_file {
    size_t ntab;
    rd_table *tab;
} rd_file;

/* Read $srcdir/relpath (srcdir "." when unset).  Returns 0, or -1 when the
 * file cannot be read or is malformed (f is then empty). */
int rd_read(const char *relpath, rd_file *f);
void rd_free(rd_file *f);
/* The table called name, or NULL. */
const rd_table *rd_table_get(const rd_file *f, const char *name);
/* Index of column name in t, or -1. */
int rd_col(const rd_table *t, const char *name);
/* Value at row r of column name (NAN if the column does not exist). */
double rd_get(const rd_table *t, size_t r, const char *name);

/* 1 if got agrees with want: both missing (NAN), or both finite with
 * |got - want| <= rtol * |want| + atol.  Infinities must agree exactly. */
int rd_close(double got, double want, double rtol, double atol);
/* The same for p-values: below 1e-10 they are compared on the log scale. */
int rd_close_p(double got, double want, double rtol);

/* A mismatch counter for a test: rd_check records one comparison, prints
 * the first few mismatches to stderr with `what`, and returns ok. */
typedef struct rd_tally {
    size_t checked, failed;
    double maxrel;      /* largest relative difference among finite values */
} rd_tally;
int rd_check(rd_tally *t, const char *what, double got, double want, double rtol, double atol);
int rd_check_p(rd_tally *t, const char *what, double got, double want, double rtol);
/* A p x p matrix (row-major) against table m (p rows of p numbers, e.g.
 * R's vcov): every entry with rd_check, absolute tolerance atol_scale times
 * the largest |entry| of m's diagonal (near-zero covariances are compared
 * on the scale of the variances).  Returns the number of mismatches. */
size_t rd_check_matrix(rd_tally *t, const char *what, const double *got, size_t p,
                       const rd_table *m, double rtol, double atol_scale);
#endif
