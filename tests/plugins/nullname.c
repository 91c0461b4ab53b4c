/* nullname.c: a plugin whose descriptor passes the ABI checks but whose
 * estimator has a NULL name: the host validates every field and refuses it. */
#include <cohort/plugin.h>

static int run(const cohort_host *h, const cohort_call *c)
{
    (void)h;
    (void)c;
    return 0;
}

static const cohort_param params[] = {{"x", COHORT_ARG_COLUMN, 0, "anything"}};
static const cohort_estimator ests[] = {{NULL, "has no name", params, 1, run}};

static const cohort_plugin plugin = {
    COHORT_PLUGIN_HEADER, "nullname", "1.0.0", "refused: an estimator without a name", ests, 1, NULL,
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &plugin;
}
