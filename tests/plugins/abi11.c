/* abi11.c: a plugin built as ABI 1.1 laid its descriptor out (it ends after
 * init: no sizeof_param_spec, specs, nspecs) and says abi_minor 1.  The
 * host must still load and run it (the ABI only ever appends). */
#include <cohort/plugin.h>
#include <stddef.h>

static int run(const cohort_host *h, const cohort_call *c)
{
    h->note(c, "abi11 ran on %zu rows", c->nrows);
    return 0;
}

static const cohort_param params[] = {{"x", COHORT_ARG_COLUMN, 1, "anything"}};
static const cohort_estimator ests[] = {{"abi11", "a plugin of ABI 1.1", params, 1, run}};

/* cohort_plugin as ABI 1.1 declared it */
static const struct {
    uint32_t magic;
    uint16_t abi_major, abi_minor;
    uint32_t sizeof_plugin, sizeof_estimator, sizeof_param, sizeof_call, sizeof_arg;
    const char *name, *version, *description;
    const cohort_estimator *estimators;
    size_t nestimators;
    int (*init)(const cohort_host *host);
} plugin = {
    COHORT_PLUGIN_MAGIC, 1, 1, offsetof(cohort_plugin, sizeof_param_spec), sizeof(cohort_estimator),
    sizeof(cohort_param), sizeof(cohort_call), sizeof(cohort_arg), "abi11", "1.1.0", "an ABI 1.1 plugin",
    ests, 1, NULL,
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return (const cohort_plugin *)(const void *)&plugin;
}
