/* pg_module.c: the pg module's entry point (module.h).  source_pg.c is
 * linked into the module unchanged; the diagnostics it reports go to the
 * host's through the table that cohort_module_entry keeps (the module's
 * one piece of state, set once when the host loads it). */
#include "config.h"
#include "module.h"

static const pg_host *host;

void diag_vemit(diag *dg, diag_level level, const char *file, int line, int col, int len, const char *srcline,
                size_t srclen, const char *fmt, va_list ap)
{
    host->diag_vemit(dg, level, file, line, col, len, srcline, srclen, fmt, ap);
}

void diag_emit(diag *dg, diag_level level, const char *file, int line, int col, int len, const char *srcline,
               size_t srclen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    host->diag_vemit(dg, level, file, line, col, len, srcline, srclen, fmt, ap);
    va_end(ap);
}

static const pg_fns fns = {pg_fetch, pg_spool_specs, pg_spool_free, pg_query_rows};
static const cohort_module description = {COHORT_MODULE_MAGIC, COHORT_MODULE_ABI, "pg", PACKAGE_VERSION,
                                          MODULE_SIZES, &fns};

const cohort_module *cohort_module_entry(const void *h)
{
    host = h;
    return &description;
}
