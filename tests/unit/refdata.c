/* refdata.c: reader for the sectioned whitespace reference files of the
 * unit tests and tolerance checks against R's values (see refdata.h). */
#include "refdata.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RD_MAXREPORT 20

static char *rd_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* Split line into whitespace-separated tokens in place; returns the count
 * (at most max). */
static size_t rd_split(char *line, char **tok, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t\r\n", &save); t && n < max;
         t = strtok_r(NULL, " \t\r\n", &save))
        tok[n++] = t;
    return n;
}

static int rd_number(const char *s, double *x)
{
    if (strcmp(s, "NA") == 0) {
        *x = NAN;
        return 0;
    }
    char *end;
    *x = strtod(s, &end);
    return *end == '\0' && end != s ? 0 : -1;
}

static void rd_table_free(rd_table *t)
{
    free(t->name);
    for (size_t j = 0; j < t->ncol; j++) free(t->cols[j]);
    free(t->cols);
    free(t->v);
    memset(t, 0, sizeof *t);
}

void rd_free(rd_file *f)
{
    for (size_t i = 0; i < f->ntab; i++) rd_table_free(&f->tab[i]);
    free(f->tab);
    memset(f, 0, sizeof *f);
}

static rd_table *rd_new_table(rd_file *f, const char *name)
{
    rd_table *nt = realloc(f->tab, (f->ntab + 1) * sizeof *nt);
    if (!nt) return NULL;
    f->tab = nt;
    rd_table *t = &f->tab[f->ntab];
    memset(t, 0, sizeof *t);
    t->name = rd_strdup(name);
    if (!t->name) return NULL;
    f->ntab++;
    return t;
}

int rd_read(const char *relpath, rd_file *f)
{
    memset(f, 0, sizeof *f);
    const char *dir = getenv("srcdir");
    if (!dir || !*dir) dir = ".";
    size_t plen = strlen(dir) + strlen(relpath) + 2;
    char *path = malloc(plen);
    if (!path) return -1;
    snprintf(path, plen, "%s/%s", dir, relpath);
    FILE *fp = fopen(path, "r");
    free(path);
    if (!fp) return -1;

    char *line = NULL;
    size_t cap = 0, rowcap = 0;
    char **tok = NULL;
    size_t tokcap = 0;
    rd_table *cur = NULL;
    int need_header = 0, rc = 0;
    while (getline(&line, &cap, fp) != -1) {
        if (cap > tokcap) {
            char **nt = realloc(tok, cap * sizeof *nt);
            if (!nt) { rc = -1; break; }
            tok = nt;
            tokcap = cap;
        }
        if (line[0] == '#') continue;
        if (line[0] == '[') {
            char *end = strchr(line, ']');
            if (!end) { rc = -1; break; }
            *end = '\0';
            cur = rd_new_table(f, line + 1);
            if (!cur) { rc = -1; break; }
            need_header = 1;
            rowcap = 0;
            continue;
        }
        size_t n = rd_split(line, tok, tokcap);
        if (n == 0) continue;
        if (!cur) {
            cur = rd_new_table(f, "");
            if (!cur) { rc = -1; break; }
            need_header = 1;
            rowcap = 0;
        }
        if (need_header) {
            cur->cols = calloc(n, sizeof *cur->cols);
            if (!cur->cols) { rc = -1; break; }
            for (size_t j = 0; j < n; j++) {
                cur->cols[j] = rd_strdup(tok[j]);
                if (!cur->cols[j]) { rc = -1; break; }
                cur->ncol++;
            }
            if (rc) break;
            need_header = 0;
            continue;
        }
        if (n != cur->ncol) { rc = -1; break; }
        if (cur->nrow == rowcap) {
            rowcap = rowcap ? 2 * rowcap : 64;
            double *nv = realloc(cur->v, rowcap * cur->ncol * sizeof *nv);
            if (!nv) { rc = -1; break; }
            cur->v = nv;
        }
        for (size_t j = 0; j < n; j++)
            if (rd_number(tok[j], &cur->v[cur->nrow * cur->ncol + j]) != 0) rc = -1;
        if (rc) break;
        cur->nrow++;
    }
    free(line);
    free(tok);
    fclose(fp);
    if (rc) rd_free(f);
    return rc;
}

const rd_table *rd_table_get(const rd_file *f, const char *name)
{
    for (size_t i = 0; i < f->ntab; i++)
        if (strcmp(f->tab[i].name, name) == 0) return &f->tab[i];
    return NULL;
}

int rd_col(const rd_table *t, const char *name)
{
    for (size_t j = 0; j < t->ncol; j++)
        if (strcmp(t->cols[j], name) == 0) return (int)j;
    return -1;
}

double rd_get(const rd_table *t, size_t r, const char *name)
{
    int j = rd_col(t, name);
    if (j < 0 || r >= t->nrow) return NAN;
    return t->v[r * t->ncol + (size_t)j];
}

int rd_close(double got, double want, double rtol, double atol)
{
    if (isnan(want) || isnan(got)) return isnan(want) && isnan(got);
    if (isinf(want) || isinf(got)) return got == want;
    return fabs(got - want) <= rtol * fabs(want) + atol;
}

int rd_close_p(double got, double want, double rtol)
{
    if (!isnan(want) && !isnan(got) && want < 1e-10) {
        if (got <= 0 || want <= 0) return got == want;
        return rd_close(log(got), log(want), rtol, 0);
    }
    return rd_close(got, want, rtol, 1e-15);
}

static int rd_tally_add(rd_tally *t, const char *what, double got, double want, int ok)
{
    t->checked++;
    if (isfinite(got) && isfinite(want) && want != 0) {
        double rel = fabs(got - want) / fabs(want);
        if (rel > t->maxrel) t->maxrel = rel;
    }
    if (!ok) {
        t->failed++;
        if (t->failed <= RD_MAXREPORT)
            fprintf(stderr, "  mismatch %s: got %.17g, R %.17g\n", what, got, want);
    }
    return ok;
}

int rd_check(rd_tally *t, const char *what, double got, double want, double rtol, double atol)
{
    return rd_tally_add(t, what, got, want, rd_close(got, want, rtol, atol));
}

int rd_check_p(rd_tally *t, const char *what, double got, double want, double rtol)
{
    return rd_tally_add(t, what, got, want, rd_close_p(got, want, rtol));
}

size_t rd_check_matrix(rd_tally *t, const char *what, const double *got, size_t p,
                       const rd_table *m, double rtol, double atol_scale)
{
    char buf[256];
    size_t bad = 0;
    if (!m || m->nrow != p || m->ncol != p) {
        snprintf(buf, sizeof buf, "%s: R's matrix is not %zu x %zu", what, p, p);
        rd_check(t, buf, 0, 1, 0, 0);
        return 1;
    }
    double scale = 0;
    for (size_t i = 0; i < p; i++) {
        double d = fabs(m->v[i * p + i]);
        if (d > scale) scale = d;
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++) {
            snprintf(buf, sizeof buf, "%s[%zu][%zu]", what, i, j);
            bad += !rd_check(t, buf, got[i * p + j], m->v[i * p + j], rtol, atol_scale * scale);
        }
    return bad;
}
