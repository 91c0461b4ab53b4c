/* badabi.c: a deliberately incompatible plugin, built as if against a
 * future ABI 2 with a larger call struct; the host must refuse it and say
 * which fields differ. */
#include <cohort/plugin.h>

static int run(const cohort_host *h, const cohort_call *c)
{
    (void)h;
    (void)c;
    return 0;
}

static const cohort_param params[] = {{"x", COHORT_ARG_COLUMN, 0, "anything"}};
static const cohort_estimator ests[] = {{"badabi", "never runs", params, 1, run}};

static const cohort_plugin plugin = {
    COHORT_PLUGIN_MAGIC, 2, 0,
    sizeof(cohort_plugin), sizeof(cohort_estimator), sizeof(cohort_param),
    sizeof(cohort_call) + 16, sizeof(cohort_arg),
    "badabi", "9.9.9", "refused: wrong ABI", ests, 1, NULL,
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &plugin;
}
