/* pg_host.c: the host's side of the pg module (module.h).  The functions
 * of source_pg.h load the module the first time one is called (data
 * postgres, --in-database), so libpq and its libraries (TLS, Kerberos,
 * LDAP) are mapped only by a run that reads the database.  A module that
 * cannot be loaded is an error at the `data postgres` declaration. */
#include "module.h"

static const pg_host host = {diag_vemit};

/* The module, or NULL after reporting at `where`. */
static const pg_fns *pg_module(const decl_site *where, diag *dg)
{
    char err[1024];
    const pg_fns *p = module_load("pg", &host, 0, err, sizeof err);
    if (!p)
        diag_emit(dg, DIAG_ERROR, where->file, where->line, where->col, where->len, where->srcline, where->srclen,
                  "cannot load the PostgreSQL module: %s", err);
    return p;
}

int pg_fetch(const char *conninfo, const decl_site *where, const table_spec *specs, size_t n, size_t sample_rows,
             diag *dg, pg_spool **out)
{
    const pg_fns *p = pg_module(where, dg);
    return p ? p->fetch(conninfo, where, specs, n, sample_rows, dg, out) : 3;
}

/* A spool exists only once the module is loaded. */
const table_spec *pg_spool_specs(const pg_spool *s)
{
    char err[1];
    const pg_fns *p = module_load("pg", &host, 1, err, sizeof err);
    return p && s ? p->spool_specs(s) : NULL;
}

void pg_spool_free(pg_spool *s)
{
    char err[1];
    const pg_fns *p = s ? module_load("pg", &host, 1, err, sizeof err) : NULL;
    if (p) p->spool_free(s);
}

int pg_query_rows(const char *conninfo, const decl_site *where, const char *sql, pg_row_fn fn, void *ud, diag *dg)
{
    const pg_fns *p = pg_module(where, dg);
    return p ? p->query_rows(conninfo, where, sql, fn, ud, dg) : 3;
}
