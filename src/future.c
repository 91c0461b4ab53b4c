/* future.c: exposure definitions that read information from after time
 * zero (future.h), found by walking their expressions through lets. */
#include "future.h"
#include <stdio.h>

/* The first thing e reads from after time zero, described in buf; 0 when none. */
static int reads_future(const study *st, const expr *e, char *buf, size_t size, int depth)
{
    if (!e || depth > 64) return 0;
    if ((e->kind == E_NAME || e->kind == E_FIELD) && e->rkind == R_EPMEMBER) {
        static const char *const member[] = {"time", "status", "event_date", "end_date"};
        snprintf(buf, size, "%s.%s", st->eps[e->slot].s->name, member[e->col & 3]);
        return 1;
    }
    if (e->kind == E_NAME && e->rkind == R_LET && e->slot >= 0 && (size_t)e->slot < st->nlets)
        return reads_future(st, st->lets[e->slot].s->value, buf, size, depth + 1);
    if (reads_future(st, e->a, buf, size, depth + 1) || reads_future(st, e->b, buf, size, depth + 1) ||
        reads_future(st, e->c, buf, size, depth + 1) || reads_future(st, e->d, buf, size, depth + 1))
        return 1;
    for (size_t i = 0; i < e->nitems; i++)
        if (reads_future(st, e->items[i], buf, size, depth + 1)) return 1;
    return 0;
}

int future_check(const study *st, const estimateinfo *ei, diag *dg)
{
    int n = 0;
    for (size_t i = 0; i < ei->nargs; i++) {
        const boundarg *ba = &ei->args[i];
        if (!(ba->kind & (COHORT_ARG_COLUMN | COHORT_ARG_COLUMNS)) || !ba->param) continue;
        const cohort_param_spec *sp = plugin_param_spec(ei->plugin, ei->est->name, ba->param->name);
        if (!sp || !(sp->flags & COHORT_SPEC_EXPOSURE)) continue;
        size_t m = ba->kind == COHORT_ARG_COLUMN ? 1 : ba->nitems;
        for (size_t k = 0; k < m; k++) {
            const expr *e = ba->kind == COHORT_ARG_COLUMN ? ba->value : ba->items[k];
            char what[512];
            if (!reads_future(st, e, what, sizeof what, 0)) continue;
            diag_at(dg, DIAG_WARNING, e->loc,
                    "this definition uses information from after time zero (%s): whether a unit counts as "
                    "exposed depends on how long it was followed, which favours the exposed (immortal-time "
                    "bias); compare it with an exposure that starts at its date (`exposure NAME starts at ...`)",
                    what);
            n++;
        }
    }
    return n;
}
