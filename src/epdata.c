/* epdata.c: the data of the endpoints given by columns.  Their values are
 * checked against the declaration when the data are loaded (in `check`,
 * the rows it samples): a status that is not one of the endpoint's codes,
 * or a negative or infinite time, is a data error that names the CSV file,
 * the row and its key, before any unit is evaluated (so never a silently
 * wrong status).  An endpoint whose columns are in a table below the unit
 * has one (entry, time] interval per row: epdata_intervals lists a unit's. */
#include "epdata.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define MAX_SHOWN 5        /* rows reported per column; then a count */

/* A cell as text (integers, booleans, texts, reals). */
static void cell_text(const column *c, size_t r, char *buf, size_t n)
{
    switch (c->type) {
    case CT_INT: snprintf(buf, n, "%lld", (long long)col_int(c, r)); break;
    case CT_REAL: snprintf(buf, n, "%g", c->r[r]); break;
    case CT_BOOL: snprintf(buf, n, "%s", c->b[r] ? "true" : "false"); break;
    case CT_TEXT: snprintf(buf, n, "\"%s\"", col_text(c, r)); break;
    default: snprintf(buf, n, "?"); break;
    }
}

/* "row 17 (id 17)": the data row, 1-based, and the key when there is one */
static void row_text(const table *t, size_t r, char *buf, size_t n)
{
    char key[128] = "";
    if (t->key >= 0 && !col_missing(&t->cols[t->key], r)) {
        char v[96];
        cell_text(&t->cols[t->key], r, v, sizeof v);
        snprintf(key, sizeof key, " (%s %s)", t->cols[t->key].name, v);
    }
    snprintf(buf, n, "row %zu%s", r + 1, key);
}

/* The codes, as the message lists them: "event 2, censored 1, status 3 (death)" */
static void codes_text(const endpointinfo *ep, const column *c, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (size_t k = 0; k < ep->ncodes && len < n; k++) {
        const epcode *x = &ep->codes[k];
        char v[96];
        if (c->type == CT_TEXT) snprintf(v, sizeof v, "\"%s\"", x->s);
        else if (c->type == CT_BOOL) snprintf(v, sizeof v, "%s", x->i ? "true" : "false");
        else snprintf(v, sizeof v, "%lld", (long long)x->i);
        int w = x->status == 0 ? snprintf(buf + len, n - len, "%scensored %s", k ? ", " : "", v)
              : x->status == 1 ? snprintf(buf + len, n - len, "%sevent %s", k ? ", " : "", v)
                               : snprintf(buf + len, n - len, "%scompeting %s (%s)", k ? ", " : "", v,
                                          ep->cause_names ? ep->cause_names[x->status - 1] : "?");
        if (w < 0) break;
        len += (size_t)w;
    }
}

/* The status that the code in row r of c means, or -1 when it is no code. */
static int code_status(const endpointinfo *ep, const column *c, size_t r)
{
    for (size_t k = 0; k < ep->ncodes; k++) {
        const epcode *x = &ep->codes[k];
        if (c->type == CT_TEXT ? x->s == col_text(c, r) : c->type == CT_BOOL ? x->i == c->b[r] : x->i == col_int(c, r))
            return x->status;
    }
    return -1;
}

static double num_at(const column *c, size_t r)
{
    return c->type == CT_INT ? (double)col_int(c, r) : c->r[r];
}

/* One column of one endpoint: what = "status", "time" or "entry". */
static int check_column(const endpointinfo *ep, const expr *e, const char *what, const cohort_data *d,
                        diag *dg)
{
    if (!e || e->rkind != R_COLUMN) return 0;
    const table *t = &d->tables[e->table];
    const column *c = &t->cols[e->col];
    size_t bad = 0;
    for (size_t r = 0; r < t->nrows; r++) {
        if (col_missing(c, r)) continue;
        int ok;
        if (!strcmp(what, "status")) ok = code_status(ep, c, r) >= 0;
        else if (!strcmp(what, "time")) ok = isfinite(num_at(c, r)) && num_at(c, r) >= 0;
        else ok = isfinite(num_at(c, r));
        if (ok) continue;
        if (++bad > MAX_SHOWN) continue;
        char rt[256], v[96], codes[512];
        row_text(t, r, rt, sizeof rt);
        cell_text(c, r, v, sizeof v);
        const loc *l = &e->loc;
        if (!strcmp(what, "status")) {
            codes_text(ep, c, codes, sizeof codes);
            diag_emit(dg, DIAG_ERROR, t->path, 0, 0, 0, NULL, 0,
                      "%s: %s %s is not a status code of endpoint %s (%s:%d: %s)", rt, c->name, v,
                      ep->s->name, l->file->name, l->line, codes);
        } else {
            diag_emit(dg, DIAG_ERROR, t->path, 0, 0, 0, NULL, 0, "%s: %s %s of endpoint %s (%s:%d) is %s", rt,
                      c->name, v, ep->s->name, l->file->name, l->line,
                      !strcmp(what, "time") ? "not a time (negative or infinite)" : "not a number");
        }
    }
    if (bad > MAX_SHOWN)
        diag_emit(dg, DIAG_NOTE, t->path, 0, 0, 0, NULL, 0, "%zu more rows with a bad %s of endpoint %s",
                  bad - MAX_SHOWN, c->name, ep->s->name);
    return bad ? 1 : 0;
}

int epdata_prepare(const study *st, cohort_data *d, diag *dg)
{
    int errors = 0;
    for (size_t i = 0; i < st->neps; i++) {
        const endpointinfo *ep = &st->eps[i];
        if (!ep->from_columns) continue;
        /* (the rows `check` samples are not linked: nothing to index) */
        if (ep->rows_table >= 0 && d->tables[ep->rows_table].parent_row &&
            !data_groups(d, ep->rows_table, st->unit)) {
            diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "out of memory indexing the rows of %s",
                      d->tables[ep->rows_table].name);
            errors++;
        }
        errors += check_column(ep, ep->s->ep_status, "status", d, dg);
        errors += check_column(ep, ep->s->ep_time, "time", d, dg);
        errors += check_column(ep, ep->s->ep_entry, "entry", d, dg);
    }
    return errors;
}

size_t epdata_intervals(const study *st, cohort_data *d, int ep, size_t u, ep_interval *out, size_t *dropped)
{
    const endpointinfo *e = &st->eps[ep];
    const stmt *s = e->s;
    const group_index *g = data_groups(d, e->rows_table, st->unit);
    if (!g || u >= g->ngroups) return 0;
    const table *t = &d->tables[e->rows_table];
    const column *tc = &t->cols[s->ep_time->col], *sc = &t->cols[s->ep_status->col];
    const column *ec = s->ep_entry ? &t->cols[s->ep_entry->col] : NULL;
    double days = st->unit_days[s->ep_time_unit];
    size_t n = 0;
    for (uint32_t k = g->off[u]; k < g->off[u + 1]; k++) {
        size_t r = group_row(g, k);
        int status = col_missing(sc, r) ? -1 : code_status(e, sc, r);
        double stop = col_missing(tc, r) ? NAN : num_at(tc, r) * days;
        double start = !ec ? NAN : col_missing(ec, r) ? -INFINITY : num_at(ec, r) * days;
        if (status < 0 || !(stop >= 0) || start == -INFINITY || start >= stop) {
            if (dropped) (*dropped)++;
            continue;
        }
        if (out) out[n] = (ep_interval){start, stop, status};
        n++;
    }
    return n;
}
