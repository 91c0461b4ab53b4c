/* module.h: the interface between the host and its internal modules, the
 * shared objects that hold the code needing heavy libraries: "render"
 * (figures: cairo, fontconfig) and "pg" (data postgres, --in-database:
 * libpq).  The host binary links neither library; module.c dlopens a module
 * from the package's module directory the first time a figure is drawn or
 * the database is read, so a run that needs neither maps none of them.
 *
 * A module exports one symbol, cohort_module_entry.  The host calls it with
 * the table of host functions the module may use (render_host or pg_host)
 * and gets back a cohort_module: a magic number, the module ABI, the
 * package version and the sizes of the structures both sides share (all
 * must equal the host's: modules are built with the host, never apart),
 * and the module's own table of functions (render_fns or pg_fns).  Tables
 * here are append-only; a change of meaning raises COHORT_MODULE_ABI.
 * A module is never unloaded.  Modules are not plugins: they are not on
 * the plugin path and `cohort plugins` does not list them. */
#ifndef COHORT_MODULE_H
#define COHORT_MODULE_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "data.h"
#include "diag.h"
#include "figure.h"
#include "render.h"
#include "result.h"
#include "source_pg.h"

#define COHORT_MODULE_MAGIC 0x4d484f43u   /* "COHM" */
#define COHORT_MODULE_ABI 1
#define COHORT_MODULE_ENTRY "cohort_module_entry"

/* What the render module calls back in the host (figure.h, render.h,
 * result.h: the same functions). */
typedef struct render_host {
    double (*figure_at_risk)(const fig_series *s, double t);
    void (*figure_risk_text)(const cohort_figure *f, size_t g, double n, double t, int min_cell, char *buf,
                             size_t size);
    int (*privacy_hides)(double n, int min_cell);
    size_t (*render_series_end)(const fig_series *s, const render_opts *o);
    void (*render_time_axis)(const cohort_figure *f, const render_opts *o, double *xmax, double *step);
    size_t (*render_time_ticks)(const cohort_figure *f, const render_opts *o, double *ticks, size_t max);
    void (*results_attr_text)(const results *r, const attrition_row *ar, int which, char *buf, size_t size);
    void (*results_arm_text)(const results *r, size_t k, char *buf, size_t size);
    char *(*results_arm_name)(const results *r, size_t k);
    size_t (*results_arm_set)(const results *r, size_t k, size_t *first);
} render_host;

/* The render module (render.c): render.h's functions of the same names. */
typedef struct render_fns {
    int (*figure)(const cohort_figure *f, const render_opts *o, int format, FILE *out);
    int (*flow)(const results *r, const render_opts *o, int format, FILE *out);
    void (*release)(void);
} render_fns;

/* What the pg module calls back in the host (diag.h). */
typedef struct pg_host {
    void (*diag_vemit)(diag *dg, diag_level level, const char *file, int line, int col, int len,
                       const char *srcline, size_t srclen, const char *fmt, va_list ap);
} pg_host;

/* The pg module (source_pg.c): source_pg.h's functions of the same names. */
typedef struct pg_fns {
    int (*fetch)(const char *conninfo, const decl_site *where, const table_spec *specs, size_t n,
                 size_t sample_rows, diag *dg, pg_spool **out);
    const table_spec *(*spool_specs)(const pg_spool *s);
    void (*spool_free)(pg_spool *s);
    int (*query_rows)(const char *conninfo, const decl_site *where, const char *sql, pg_row_fn fn, void *ud,
                      diag *dg);
} pg_fns;

/* The sizes both sides must agree on, in this order (keep MODULE_SIZE_NAMES
 * in step). */
#define MODULE_SIZES                                                                                   \
    {sizeof(diag), sizeof(diagnostic), sizeof(decl_site), sizeof(table_spec), sizeof(cohort_figure),   \
     sizeof(fig_series), sizeof(results), sizeof(attrition_row), sizeof(render_opts),                 \
     sizeof(render_host), sizeof(render_fns), sizeof(pg_host), sizeof(pg_fns)}
#define MODULE_SIZE_NAMES                                                                              \
    {"diag", "diagnostic", "decl_site", "table_spec", "cohort_figure", "fig_series", "results",       \
     "attrition_row", "render_opts", "render_host", "render_fns", "pg_host", "pg_fns"}
#define MODULE_NSIZES 13

typedef struct cohort_module {
    uint32_t magic;               /* COHORT_MODULE_MAGIC */
    uint32_t abi;                 /* COHORT_MODULE_ABI */
    const char *name;             /* "render", "pg" */
    const char *version;          /* PACKAGE_VERSION it was built as */
    size_t sizes[MODULE_NSIZES];  /* MODULE_SIZES */
    const void *fns;              /* render_fns or pg_fns */
} cohort_module;

/* The one entry point of a module: keeps `host` (a render_host or pg_host,
 * as the module's name says) and returns its description. */
const cohort_module *cohort_module_entry(const void *host);

/* Host side (module.c).  The function table of module `name`, loading it
 * (once: later calls find it loaded) with `host` as its host table; NULL
 * with a message in err when it is missing, refused or broken.  With
 * only_loaded, a module not yet loaded is not loaded: NULL, no message.
 * The folder is $COHORT_MODULE_DIR (absolute) if set, else the build
 * tree's modules/.libs when the running program lies in the build tree
 * (uninstalled: the tests), else the installed COHORT_MODULE_INSTALL_DIR. */
const void *module_load(const char *name, const void *host, int only_loaded, char *err, size_t errsize);
#endif
