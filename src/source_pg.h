/* source_pg.h: tables of a PostgreSQL database as a data source.  Each
 * table is streamed with COPY ... TO STDOUT (CSV) into a temporary file,
 * all in one read-only snapshot, projected to the columns the rules can use
 * and typed from the catalog; data_load then reads the files like the CSV
 * tables of a data directory, with the same checks.  Knows nothing of the
 * rules beyond the table specs.  Also runs a query whose rows are the
 * analysis dataset (export --in-database). */
#ifndef COHORT_SOURCE_PG_H
#define COHORT_SOURCE_PG_H
#include <stddef.h>
#include "data.h"
#include "diag.h"

typedef struct pg_spool pg_spool;

/* Read the tables of specs from the database of `conninfo` (credentials come
 * from the environment, a service file or ~/.pgpass).  sample_rows > 0
 * reads at most that many rows per table.  Returns 0 and sets *out, or
 * reports through dg and returns 1 when the connection string itself is
 * refused (it has a password, or does not parse; located at `where`) or 2
 * when the data could not be read (nothing is kept).  The spool's specs
 * are copies of `specs` with the file, label and column types filled in;
 * pg_spool_free closes the files (already removed from their folder). */
int pg_fetch(const char *conninfo, const decl_site *where, const table_spec *specs, size_t n,
             size_t sample_rows, diag *dg, pg_spool **out);
const table_spec *pg_spool_specs(const pg_spool *s);
void pg_spool_free(pg_spool *s);

/* Run one query (the analysis query of sqlgen.h) in a read-only snapshot
 * and hand each row to fn as text cells (NULL: a null), one row at a time;
 * fn returns non-zero to stop.  Returns 0, 1 (the connection string is
 * refused, as for pg_fetch) or 2 after reporting (connection, query, fn). */
typedef int (*pg_row_fn)(void *ud, int ncells, const char *const *cells);
int pg_query_rows(const char *conninfo, const decl_site *where, const char *sql, pg_row_fn fn, void *ud,
                  diag *dg);
#endif
