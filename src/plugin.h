/* plugin.h: finding, loading and verifying plugins (estimators and extern
 * libraries) on the plugin path. */
#ifndef COHORT_HOST_PLUGIN_H
#define COHORT_HOST_PLUGIN_H
#include <cohort/plugin.h>
#include "srcfile.h"

typedef struct plugin_reg plugin_reg;

/* dirs: searched in order (each may be a ':'-separated list). */
plugin_reg *plugin_reg_new(const char *const *dirs, size_t ndirs);
void plugin_reg_free(plugin_reg *r);
/* Load NAME.so for `estimate NAME(...)` (once), verify its ABI and find the
 * estimator; on failure report at `where` and return NULL. */
const cohort_estimator *plugin_estimator(plugin_reg *r, const char *name, loc where, diag *dg,
                                         const cohort_plugin **owner);
/* Load LIB.so for an extern declaration (once); on failure report at
 * `where` and return NULL.  The handle stays open for the process. */
void *plugin_library(plugin_reg *r, const char *lib, loc where, diag *dg);
/* Every plugin found on the path: calls fn for each loadable estimator
 * plugin (for `cohort plugins`), and reports the ones refused. */
void plugin_list(plugin_reg *r, diag *dg,
                 void (*fn)(void *ud, const char *path, const cohort_plugin *p), void *ud);
/* Number of load failures reported so far (to tell plugin errors from
 * other errors in the rules). */
int plugin_reg_failures(const plugin_reg *r);
/* Count a failure reported elsewhere about a loaded library (a missing
 * symbol), so that it too exits with the plugin error code. */
void plugin_reg_failed(plugin_reg *r);
/* Verify a plugin descriptor against this host; on mismatch writes why
 * (field by field) into why and returns -1. */
int plugin_verify(const cohort_plugin *p, char *why, size_t size);

/* The spec (ABI 1.2) of parameter `param` of `estimator` in plugin p, or
 * NULL (none declared, or an older plugin). */
const cohort_param_spec *plugin_param_spec(const cohort_plugin *p, const char *estimator, const char *param);

/* The enum cohort_estimator_flag mask (ABI 1.7) plugin p declares for its
 * estimator e; 0 for an older plugin or none declared. */
unsigned plugin_estimator_flags(const cohort_plugin *p, const cohort_estimator *e);

/* Limits on a descriptor's tables (a larger count is taken as garbage). */
#define PLUGIN_MAX_ESTIMATORS 256
#define PLUGIN_MAX_PARAMS 256

/* Look up symbol `name` in library handle h: it must exist, be defined in
 * the library itself (not in a dependency such as libc) and be code when
 * `code` is set (a function, not a variable), data otherwise.  Returns 0
 * and sets *out, or one of PF_* with the reason in why. */
enum { PF_MISSING = 1, PF_FOREIGN = 2, PF_NOT_CODE = 3 };
int plugin_symbol(void *h, const char *name, int code, void **out, char *why, size_t size);
#endif
