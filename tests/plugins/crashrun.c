/* crashrun.c: a valid plugin whose estimator's run() crashes (a NULL
 * dereference): the host must report the estimate, naming the plugin, and
 * exit 4, not dump core. */
#include <cohort/plugin.h>
#include <stddef.h>

static int run(const cohort_host *h, const cohort_call *c)
{
    (void)h;
    const cohort_call *volatile none = c->nrows ? NULL : c;
    return (int)none->nrows;
}

static const cohort_param params[] = {{"x", COHORT_ARG_COLUMN, 0, "anything"}};
static const cohort_estimator ests[] = {{"crashrun", "crashes", params, 1, run}};

static const cohort_plugin plugin = {
    COHORT_PLUGIN_HEADER, "crashrun", "1.0.0", "a plugin whose estimator crashes", ests, 1, NULL,
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &plugin;
}
