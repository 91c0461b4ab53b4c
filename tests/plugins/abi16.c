/* abi16.c: a plugin built against ABI 1.6 says abi_minor 6 and ends its
 * cohort_plugin before estimator_flags (ABI 1.7), as one built with the
 * 1.6 header does: the host must load it and give it every column's
 * values before run() (it never calls fetch), the rerun cache on or off.
 * It reads its columns' values itself and asks memo_get for their counts
 * (tests/ondemand.sh). */
#include <cohort/plugin.h>
#include <stddef.h>
#include <stdint.h>

static int run(const cohort_host *h, const cohort_call *c)
{
    const cohort_arg *a = cohort_arg_get(c, "vars");
    for (size_t j = 0; a && j < a->columns.n; j++) {
        const cohort_vec *v = &a->columns.vecs[j];
        double sum = 0;
        size_t known = 0;
        for (size_t i = 0; i < v->n; i++)
            if (!v->missing[i]) {
                sum += v->type == COHORT_TYPE_TEXT ? (double)(v->text[i][0] != 0) : v->num[i];
                known++;
            }
        /* a result of the column alone, kept between runs (after ABI 1.6) */
        uint64_t kept = 0;
        int had = COHORT_HOST_HAS(h, memo_get) && h->memo_get(c, &v, 1, "abi16 1: known", &kept, sizeof kept);
        if (!had && COHORT_HOST_HAS(h, memo_put)) {
            kept = known;
            h->memo_put(c, &v, 1, "abi16 1: known", &kept, sizeof kept);
        }
        h->note(c, "abi16: %s: %zu known values (kept: %llu), sum %g", v->name, known,
                (unsigned long long)kept, sum);
    }
    return 0;
}

static const cohort_param params[] = {{"vars", COHORT_ARG_COLUMNS, 1, "columns"}};
static const cohort_estimator ests[] = {{"abi16", "a plugin of ABI 1.6", params, 1, run}};

static const cohort_plugin plugin = {
    COHORT_PLUGIN_MAGIC, 1, 6, offsetof(cohort_plugin, estimator_flags), sizeof(cohort_estimator),
    sizeof(cohort_param), sizeof(cohort_call), sizeof(cohort_arg), "abi16", "1.6.0", "an ABI 1.6 plugin",
    ests, 1, NULL, sizeof(cohort_param_spec), NULL, 0, NULL,
};

const cohort_plugin *cohort_plugin_entry(void)
{
    return &plugin;
}
