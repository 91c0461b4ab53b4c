/* abi15.c: a plugin built against ABI 1.5 says abi_minor 5 and knows the
 * host table up to `unit` (appended after 1.5), not run_tasks (1.6): the
 * host must still load and run it.  It sums its column itself and asks
 * the host for the column's unit (a member it tests for). */
#include <cohort/plugin.h>
#include <stddef.h>

static int run(const cohort_host *h, const cohort_call *c)
{
    const cohort_arg *a = cohort_arg_get(c, "x");
    double sum = 0;
    size_t known = 0;
    for (size_t i = 0; a && i < a->vec.n; i++)
        if (!a->vec.missing[i]) {
            sum += a->vec.num[i];
            known++;
        }
    /* a member appended after 1.5, within what a 1.5 plugin knows */
    const char *unit = COHORT_HOST_HAS(h, unit) ? h->unit(c, a->vec.name) : "?";
    h->note(c, "abi15 ran on %zu rows: %zu known values of %s, sum %g, unit %s", c->nrows, known,
            a->vec.name, sum, unit ? unit : "none");
    return 0;
}

static const cohort_param params[] = {{"x", COHORT_ARG_COLUMN, 1, "a number"}};
static const cohort_estimator ests[] = {{"abi15", "a plugin of ABI 1.5", params, 1, run}};

static const cohort_plugin plugin = {
    COHORT_PLUGIN_MAGIC, 1, 5, sizeof(cohort_plugin), sizeof(cohort_estimator), sizeof(cohort_param),
    sizeof(cohort_call), sizeof(cohort_arg), "abi15", "1.5.0", "an ABI 1.5 plugin", ests, 1, NULL, 0, NULL, 0,
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &plugin;
}
