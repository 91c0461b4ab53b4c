/* pcommon.c: factor coding, cells, counts, options, case weights and matrix tables
 * shared by the bundled estimator plugins. */
#include "pcommon.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *pc_label(const cohort_vec *v, size_t i, char *buf, size_t size)
{
    if (v->type == COHORT_TYPE_TEXT) return v->text[i];
    double x = v->num[i];
    if (v->type == COHORT_TYPE_BOOL) return x != 0 ? "true" : "false";
    if (v->type == COHORT_TYPE_DATE) {
        /* civil date from days since 1970-01-01 */
        long z = (long)floor(x) + 719468;
        long era = (z >= 0 ? z : z - 146096) / 146097;
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
        snprintf(buf, size, "%04ld-%02ld-%02ld", yoe + era * 400 + (m <= 2), m, d);
        return buf;
    }
    snprintf(buf, size, "%g", x);
    return buf;
}

typedef struct { const cohort_vec *v; } sortctx;

static int cmp_rows(const cohort_vec *v, size_t a, size_t b)
{
    if (v->type == COHORT_TYPE_TEXT) return strcmp(v->text[a], v->text[b]);
    return (v->num[a] > v->num[b]) - (v->num[a] < v->num[b]);
}

/* merge sort of row indices by value (stable, no globals) */
static void sort_rows(const cohort_vec *v, size_t *idx, size_t *tmp, size_t n)
{
    if (n < 2) return;
    size_t h = n / 2;
    sort_rows(v, idx, tmp, h);
    sort_rows(v, idx + h, tmp, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) tmp[k++] = cmp_rows(v, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
    while (i < h) tmp[k++] = idx[i++];
    while (j < n) tmp[k++] = idx[j++];
    memcpy(idx, tmp, n * sizeof *idx);
}

void pc_factor_free(pc_factor *f)
{
    for (size_t i = 0; i < f->nlevels; i++) free(f->labels[i]);
    free(f->labels);
    free(f->code);
    memset(f, 0, sizeof *f);
}

/* Hash of row i's value: text by its bytes, numbers by their bits (-0 as
 * +0, which compare equal). */
static uint64_t row_hash(const cohort_vec *v, size_t i)
{
    uint64_t h = 1469598103934665603ull;
    if (v->type == COHORT_TYPE_TEXT) {
        for (const unsigned char *p = (const unsigned char *)v->text[i]; *p; p++)
            h = (h ^ *p) * 1099511628211ull;
    } else {
        double x = v->num[i] == 0 ? 0 : v->num[i];
        memcpy(&h, &x, sizeof h);
        h *= 0x9E3779B97F4A7C15ull;
    }
    return h ^ (h >> 29);
}

/* The distinct values of the rows idx[0..m): first[l] is the first row
 * holding level l's value (levels in order of first appearance) and
 * code[row] the level.  Linear: open addressing, grown at half load.
 * Returns the number of distinct values, or (size_t)-1 without memory. */
static size_t distinct_rows(const cohort_vec *v, const size_t *idx, size_t m, size_t *first, int *code)
{
    size_t cap = 64, nd = 0;
    size_t *slot = malloc(cap * sizeof *slot);   /* level + 1, 0: empty */
    if (!slot) return (size_t)-1;
    memset(slot, 0, cap * sizeof *slot);
    for (size_t k = 0; k < m; k++) {
        size_t i = idx[k];
        if (2 * (nd + 1) > cap) {
            size_t ncap = cap * 2, *ns = calloc(ncap, sizeof *ns);
            if (!ns) {
                free(slot);
                return (size_t)-1;
            }
            for (size_t l = 0; l < nd; l++) {
                size_t j = row_hash(v, first[l]) & (ncap - 1);
                while (ns[j]) j = (j + 1) & (ncap - 1);
                ns[j] = l + 1;
            }
            free(slot);
            slot = ns;
            cap = ncap;
        }
        size_t j = row_hash(v, i) & (cap - 1);
        while (slot[j] && cmp_rows(v, first[slot[j] - 1], i) != 0) j = (j + 1) & (cap - 1);
        if (!slot[j]) {
            first[nd] = i;
            slot[j] = ++nd;
        }
        code[i] = (int)slot[j] - 1;
    }
    free(slot);
    return nd;
}

int pc_factor_make(const cohort_vec *v, const char *ref, pc_factor *f)
{
    memset(f, 0, sizeof *f);
    size_t n = v->n, m = 0;
    size_t *idx = malloc((n + 1) * sizeof *idx), *tmp = malloc((n + 1) * sizeof *tmp);
    f->code = malloc((n + 1) * sizeof *f->code);
    f->labels = malloc((n + 1) * sizeof *f->labels);
    if (!idx || !tmp || !f->code || !f->labels) goto fail;
    int nan = 0;
    for (size_t i = 0; i < n; i++) {
        f->code[i] = -1;
        if (!v->missing[i]) {
            idx[m++] = i;
            if (v->type != COHORT_TYPE_TEXT && v->num[i] != v->num[i]) nan = 1;
        }
    }
    char buf[64];
    /* Levels are the distinct values (hashed, linear), sorted among
     * themselves; each is labelled by its first row, as a stable sort of
     * the rows would.  A NaN equals nothing: then the rows are sorted. */
    size_t nd = nan ? (size_t)-1 : distinct_rows(v, idx, m, tmp, f->code);
    if (nd != (size_t)-1) {
        size_t *rank = idx;   /* idx is no longer needed: reused */
        size_t *order = malloc((nd + 1) * sizeof *order), *otmp = malloc((nd + 1) * sizeof *otmp);
        if (!order || !otmp) {
            free(order);
            free(otmp);
            goto fail;
        }
        memcpy(order, tmp, nd * sizeof *order);   /* first rows, sorted by value */
        sort_rows(v, order, otmp, nd);
        for (size_t l = 0; l < nd; l++) {
            f->labels[l] = strdup(pc_label(v, order[l], buf, sizeof buf));
            if (!f->labels[l]) {
                f->nlevels = l;
                free(order);
                free(otmp);
                goto fail;
            }
            rank[(size_t)f->code[order[l]]] = l;
        }
        f->nlevels = nd;
        for (size_t i = 0; i < n; i++)
            if (f->code[i] >= 0) f->code[i] = (int)rank[f->code[i]];
        free(order);
        free(otmp);
    } else {
        for (size_t i = 0; i < n; i++) f->code[i] = -1;
        sort_rows(v, idx, tmp, m);
        for (size_t k = 0; k < m; k++) {
            if (k == 0 || cmp_rows(v, idx[k - 1], idx[k]) != 0) {
                f->labels[f->nlevels] = strdup(pc_label(v, idx[k], buf, sizeof buf));
                if (!f->labels[f->nlevels]) goto fail;
                f->nlevels++;
            }
            f->code[idx[k]] = (int)f->nlevels - 1;
        }
    }
    if (ref) {
        size_t r = 0;
        while (r < f->nlevels && strcmp(f->labels[r], ref) != 0) r++;
        if (r == f->nlevels) goto fail;
        /* move level r to the front, shifting the others up by one */
        char *lab = f->labels[r];
        memmove(f->labels + 1, f->labels, r * sizeof *f->labels);
        f->labels[0] = lab;
        for (size_t i = 0; i < n; i++) {
            int c = f->code[i];
            if (c == (int)r) f->code[i] = 0;
            else if (c >= 0 && c < (int)r) f->code[i] = c + 1;
        }
    }
    free(idx);
    free(tmp);
    return 0;
fail:
    free(idx);
    free(tmp);
    pc_factor_free(f);
    return -1;
}

int pc_factor_order(const cohort_host *host, const cohort_call *call, const cohort_vec *v, pc_factor *f)
{
    if (!COHORT_HOST_HAS(host, level_rank) || f->nlevels < 2) return 0;
    size_t n = f->nlevels;
    int *rank = malloc(n * sizeof *rank);
    size_t *order = malloc(n * sizeof *order), *place = malloc(n * sizeof *place);
    char **lab = malloc(n * sizeof *lab);
    if (!rank || !order || !place || !lab) {
        free(rank); free(order); free(place); free(lab);
        return -1;
    }
    /* listed levels by their rank, then the others in their order (a stable insertion sort) */
    for (size_t l = 0; l < n; l++) {
        rank[l] = host->level_rank(call, v->name, f->labels[l]);
        size_t k = l;
        while (k > 0) {
            int a = rank[order[k - 1]], b = rank[l];
            if (!(b >= 0 && (a < 0 || a > b))) break;
            order[k] = order[k - 1];
            k--;
        }
        order[k] = l;
    }
    for (size_t k = 0; k < n; k++) {
        lab[k] = f->labels[order[k]];
        place[order[k]] = k;
    }
    memcpy(f->labels, lab, n * sizeof *lab);
    for (size_t i = 0; i < v->n; i++)
        if (f->code[i] >= 0) f->code[i] = (int)place[f->code[i]];
    free(rank); free(order); free(place); free(lab);
    return 0;
}

void pc_count_role(const cohort_host *host, const cohort_call *call, int plain, cohort_table *t, int col,
                   int role)
{
    if (plain && !call->row_unit && col >= 0 && COHORT_HOST_HAS(host, table_count_role))
        host->table_count_role(t, col, role);
}

void pc_cell_count(const cohort_host *host, cohort_table *t, size_t row, int col, double n)
{
    if (col >= 0 && COHORT_HOST_HAS(host, table_cell_count)) host->table_cell_count(t, row, col, n);
}

void pc_sum(const cohort_host *host, const cohort_call *call, pc_cell total, const pc_cell *parts, size_t nparts)
{
    if (!nparts || !COHORT_HOST_HAS(host, count_relation) || total.col < 0) return;
    pc_cell *cells = malloc((nparts + 1) * sizeof *cells);
    int *coef = malloc((nparts + 1) * sizeof *coef);
    size_t n = 0;
    if (cells && coef) {
        cells[n] = total, coef[n++] = 1;
        for (size_t i = 0; i < nparts; i++)
            if (parts[i].col >= 0) cells[n] = parts[i], coef[n++] = -1;
        if (n == nparts + 1) host->count_relation(call, cells, coef, n);
    }
    free(cells);
    free(coef);
}

int pc_count(const cohort_host *host, const cohort_call *call, double n, char *buf, size_t size)
{
    if (COHORT_HOST_HAS(host, format_count)) return host->format_count(call, n, buf, size);
    snprintf(buf, size, "%.0f", n);
    return 0;
}

const char *pc_count_text(const cohort_host *host, const cohort_call *call, double n, char *buf, size_t size)
{
    pc_count(host, call, n, buf, size);
    return buf;
}

void pc_put(const cohort_host *host, cohort_table *t, size_t row, int col, double x)
{
    if (col >= 0 && isfinite(x)) host->table_num(t, row, col, x);
}

void pc_ratio_columns(const cohort_host *host, cohort_table *t, const char *name, pc_ratio_cols *c)
{
    c->term = host->table_column(t, "term", COHORT_COL_TEXT, 0);
    c->est = host->table_column(t, name, COHORT_COL_NUMBER, 2);
    c->lower = host->table_column(t, "lower", COHORT_COL_NUMBER, 2);
    c->upper = host->table_column(t, "upper", COHORT_COL_NUMBER, 2);
    c->p = host->table_column(t, "p", COHORT_COL_PVALUE, 3);
    c->coef = host->table_column(t, "coef", COHORT_COL_NUMBER, 4);
    c->se = host->table_column(t, "se", COHORT_COL_NUMBER, 4);
}

size_t pc_ratio_row(const cohort_host *host, cohort_table *t, const pc_ratio_cols *c, const char *term,
                    double est, double lower, double upper, double p, double coef, double se)
{
    size_t r = host->table_row(t);
    host->table_text(t, r, c->term, term);
    pc_put(host, t, r, c->est, est);
    pc_put(host, t, r, c->lower, lower);
    pc_put(host, t, r, c->upper, upper);
    pc_put(host, t, r, c->p, p);
    pc_put(host, t, r, c->coef, coef);
    pc_put(host, t, r, c->se, se);
    return r;
}

void pc_matrix_table(const cohort_host *host, const cohort_call *call, const char *id,
                     const char *title, const char *const *names, size_t p, const double *m)
{
    cohort_table *t = host->table_new(call, id, title);
    if (COHORT_HOST_HAS(host, table_detail)) host->table_detail(t);
    int cterm = host->table_column(t, "term", COHORT_COL_TEXT, 0);
    int *col = malloc((p + 1) * sizeof *col);
    if (!col) return; /* the table stays empty */
    for (size_t j = 0; j < p; j++) col[j] = host->table_column(t, names[j], COHORT_COL_NUMBER, 6);
    for (size_t i = 0; i < p; i++) {
        size_t r = host->table_row(t);
        host->table_text(t, r, cterm, names[i]);
        for (size_t j = 0; j < p; j++) pc_put(host, t, r, col[j], m[i * p + j]);
    }
    free(col);
}

void pc_fmt_time(const cohort_call *call, double days, char *buf, size_t size)
{
    double per = call->time_unit_days > 0 ? call->time_unit_days : 1;
    const char *unit = call->time_unit && *call->time_unit ? call->time_unit : "days";
    char num[64];
    /* the host's tables print times with "%.1f": the same rounding here */
    snprintf(num, sizeof num, "%.1f", days / per);
    size_t n = strlen(num);
    if (n > 2 && !strcmp(num + n - 2, ".0")) num[n - 2] = 0;
    size_t len = strlen(unit);
    if (!strcmp(num, "1") && len > 1 && unit[len - 1] == 's')
        snprintf(buf, size, "1 %.*s", (int)(len - 1), unit);
    else
        snprintf(buf, size, "%s %s", num, unit);
}

void pc_fmt_p(double p, char *buf, size_t size)
{
    if (p < 0.001) snprintf(buf, size, "p < 0.001");
    else snprintf(buf, size, "p = %.3f", p);
}

int pc_conf_level(const cohort_host *host, const cohort_call *call, double *out)
{
    const cohort_arg *a = cohort_arg_get(call, "conf_level");
    if (!a) return 0;
    if (!(a->num > 0 && a->num < 1)) {
        host->error(call, "conf_level %g is not between 0 and 1", a->num);
        return 1;
    }
    *out = a->num;
    return 0;
}

int pc_iterations(const cohort_host *host, const cohort_call *call, const char *name, int *out)
{
    const cohort_arg *a = cohort_arg_get(call, name);
    if (!a) return 0;
    if (!(a->num >= 1 && a->num <= 1000 && a->num == floor(a->num))) {
        host->error(call, "%s %g: give a whole number of iterations (1-1000)", name, a->num);
        return 1;
    }
    *out = (int)a->num;
    return 0;
}

const cohort_vec *pc_weights(const cohort_call *call)
{
    const cohort_arg *a = cohort_arg_get(call, "weights");
    return a && (a->kind & COHORT_ARG_COLUMN) ? &a->vec : NULL;
}

int pc_weight_missing(const cohort_vec *w, size_t i)
{
    return w && w->missing[i];
}

int pc_weights_check(const cohort_host *host, const cohort_call *call, const cohort_vec *w,
                     const unsigned char *use, int *nonint)
{
    *nonint = 0;
    if (!w) return 0;
    if (!w->num || w->type == COHORT_TYPE_BOOL || w->type == COHORT_TYPE_DATE) {
        host->error(call, "weights: %s is not a number per row", w->name);
        return 1;
    }
    for (size_t i = 0; i < w->n; i++) {
        if ((use && !use[i]) || w->missing[i]) continue;
        double x = w->num[i];
        if (!(isfinite(x) && x > 0)) {
            host->error(call, "weights: %s is %g in row %zu; case weights must be numbers > 0", w->name,
                        x, i + 1);
            return 1;
        }
        if (x != floor(x)) *nonint = 1;
    }
    return 0;
}
