/* badmagic.c: a shared object whose entry point returns something that is
 * not a cohort plugin descriptor; the host must refuse it. */
#include <cohort/plugin.h>

static const cohort_plugin plugin = {
    0x12345678u, COHORT_ABI_MAJOR, COHORT_ABI_MINOR,
    sizeof(cohort_plugin), sizeof(cohort_estimator), sizeof(cohort_param),
    sizeof(cohort_call), sizeof(cohort_arg),
    "badmagic", "1.0.0", "refused: wrong magic", NULL, 0, NULL,
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &plugin;
}
