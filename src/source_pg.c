/* source_pg.c: PostgreSQL tables spooled as CSV for data_load.
 *
 * One connection and one REPEATABLE READ, READ ONLY transaction for all
 * tables.  Per table: the catalog gives the columns and their types; the
 * columns named by the rules are kept, each mapped to a cohort type
 * (integers, numeric and floating point, text, date, boolean); then
 * COPY (SELECT col::text ... FROM relation [ORDER BY key]) TO STDOUT
 * (FORMAT csv, HEADER) streams the rows into a temporary file.  Values are rendered by the
 * server with DateStyle ISO and round-trip float digits, so data_load
 * parses them exactly as it parses the same values in a CSV file; a NULL
 * is an empty unquoted cell, read as missing.  Any failure (connection,
 * authentication, a missing table, an unmappable type, a query cancelled
 * or failed part-way, a full disk) leaves nothing read in use, and the
 * files are removed from their folder as soon as they are created.
 * pg_query_rows runs one query the same way and streams its rows (the
 * analysis query of export --in-database). */
#include "source_pg.h"
#include <errno.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pg_spool {
    table_spec *specs;
    size_t n;
    char **files;           /* per table: "/dev/fd/N" of the temporary file, or NULL */
    int *fds;               /* per table: N, the open, already removed file, or -1 */
    char **labels;          /* per table: "postgres:schema.table" */
    char ***names;          /* per table: declared column names (the rules' and the catalog's) */
    int **types;
    int **imputes;          /* per table: the rules' date rules, IMPUTE_NONE (0) for the rest */
};

static void site_diag(diag *dg, diag_level lv, const decl_site *s, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void site_diag(diag *dg, diag_level lv, const decl_site *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(dg, lv, s->file, s->line, s->col, s->len, s->srcline, s->srclen, fmt, ap);
    va_end(ap);
}

/* A libpq or server message: its first line goes into the error (after
 * `what`), each further line becomes a note. */
static void server_error(diag *dg, const decl_site *s, const char *what, const char *msg)
{
    if (!msg || !*msg) msg = "unknown error";
    size_t len = strcspn(msg, "\n");
    site_diag(dg, DIAG_ERROR, s, "%s: %.*s", what, (int)len, msg);
    for (const char *p = msg + len; *p;) {
        p++;
        while (*p == '\t' || *p == ' ') p++;
        size_t l = strcspn(p, "\n");
        if (l) diag_emit(dg, DIAG_NOTE, NULL, 0, 0, 0, NULL, 0, "%.*s", (int)l, p);
        p += l;
    }
}

/* The server's message for a failed query, without its "ERROR:  " prefix. */
static const char *result_message(const PGresult *r)
{
    const char *m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    return m && *m ? m : PQresultErrorMessage(r);
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

void pg_spool_free(pg_spool *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        if (s->fds && s->fds[i] >= 0) close(s->fds[i]);
        if (s->files) free(s->files[i]);
        if (s->labels) free(s->labels[i]);
        if (s->names && s->names[i]) {
            for (size_t k = 0; s->names[i][k]; k++) free(s->names[i][k]);
            free(s->names[i]);
        }
        if (s->types) free(s->types[i]);
        if (s->imputes) free(s->imputes[i]);
    }
    free(s->files);
    free(s->fds);
    free(s->labels);
    free(s->names);
    free(s->types);
    free(s->imputes);
    free(s->specs);
    free(s);
}

const table_spec *pg_spool_specs(const pg_spool *s)
{
    return s->specs;
}

/* The cohort type of a PostgreSQL type, or CT_NONE. */
static int map_type(const char *typname)
{
    static const struct { const char *pg; int ct; } map[] = {
        {"int2", CT_INT},    {"int4", CT_INT},    {"int8", CT_INT},
        {"numeric", CT_REAL}, {"float4", CT_REAL}, {"float8", CT_REAL},
        {"text", CT_TEXT},   {"varchar", CT_TEXT}, {"bpchar", CT_TEXT},
        {"date", CT_DATE},   {"bool", CT_BOOL},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(typname, map[i].pg) == 0) return map[i].ct;
    return CT_NONE;
}

static int name_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(const char *const *)elem);
}

/* Is the column read?  A sample (cohort check) reads every column that
 * maps, so that a misspelt name gets its suggestion; a full read only the
 * columns the rules name, the key, the order column and the link. */
static int wanted(const pg_spool *s, const table_spec *sp, const char *col, const char *typname,
                  size_t sample_rows)
{
    if (sample_rows && map_type(typname) != CT_NONE) return 1;
    /* the key, the order column and the link to the parent (named like the
     * parent's key) are read whether the rules name them or not (data.h) */
    if ((sp->key && strcmp(col, sp->key) == 0) || (sp->order && strcmp(col, sp->order) == 0))
        return 1;
    for (size_t k = 0; sp->parent && k < s->n; k++)
        if (s->specs[k].name && strcmp(s->specs[k].name, sp->parent) == 0 && s->specs[k].key &&
            strcmp(col, s->specs[k].key) == 0)
            return 1;
    return sp->want && bsearch(col, sp->want, sp->nwant, sizeof *sp->want, name_cmp) != NULL;
}

/* The rules' declared type of column `col`, or -1. */
static int declared(const table_spec *sp, const char *col)
{
    for (size_t k = 0; k < sp->ndecl; k++)
        if (strcmp(sp->decl_names[k], col) == 0) return sp->decl_types[k];
    return -1;
}

/* A growing string; 0 or -1 (out of memory, and stays failed). */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s)
{
    size_t l = strlen(s);
    if (b->oom) return;
    if (b->n + l + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + l + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) { b->oom = 1; return; }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, l + 1);
    b->n += l;
}

static void sb_ident(sbuf *b, PGconn *c, const char *name)
{
    char *q = PQescapeIdentifier(c, name, strlen(name));
    if (!q) { b->oom = 1; return; }
    sb_add(b, q);
    PQfreemem(q);
}

/* Stream the COPY of one table into its file; 0 or -1 (reported). */
static int copy_table(PGconn *c, const table_spec *sp, const char *label, const char *sql,
                      const char *dir, FILE *f, diag *dg)
{
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COPY_OUT) {
        char what[512];
        snprintf(what, sizeof what, "cannot read table %s from %s", sp->name, label);
        server_error(dg, &sp->rel_site, what, result_message(r));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    int failed = 0, werr = 0;
    char *row;
    int len;
    while ((len = PQgetCopyData(c, &row, 0)) > 0) {
        if (!werr && fwrite(row, 1, (size_t)len, f) != (size_t)len) werr = errno ? errno : EIO;
        PQfreemem(row);
    }
    if (len == -2) failed = 1;
    while ((r = PQgetResult(c)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !failed) {
            char what[512];
            snprintf(what, sizeof what, "reading table %s from %s failed part-way, nothing was used",
                     sp->name, label);
            server_error(dg, &sp->rel_site, what, result_message(r));
            failed = 2;
        }
        PQclear(r);
    }
    if (failed == 1) {
        char what[512];
        snprintf(what, sizeof what, "reading table %s from %s failed part-way, nothing was used",
                 sp->name, label);
        server_error(dg, &sp->rel_site, what, PQerrorMessage(c));
    }
    if (fflush(f) != 0 && !werr) werr = errno ? errno : EIO;
    if (werr && !failed) {
        site_diag(dg, DIAG_ERROR, &sp->rel_site, "cannot write the rows of table %s to %s: %s",
                  sp->name, dir, strerror(werr));
        failed = 1;
    }
    return failed ? -1 : 0;
}

/* The catalog columns of sp's relation and the COPY that reads the wanted
 * ones; fills the spool's declared names and types of table i.  0 or -1
 * (reported). */
static int prepare_table(PGconn *c, pg_spool *s, size_t i, size_t sample_rows, sbuf *sql, diag *dg)
{
    const table_spec *sp = &s->specs[i];
    static const char *const catalog =
        "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname, "
        "format_type(a.atttypid, a.atttypmod), t.typname "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
        "JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE c.oid = to_regclass($1) ORDER BY a.attnum";
    const char *rel = sp->relation ? sp->relation : sp->name;
    PGresult *r = PQexecParams(c, catalog, 1, NULL, &rel, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        char what[512];
        snprintf(what, sizeof what, "table %s: cannot look up \"%s\" in the database", sp->name, rel);
        server_error(dg, &sp->rel_site, what, result_message(r));
        PQclear(r);
        return -1;
    }
    int nrows = PQntuples(r);
    if (nrows == 0) {
        site_diag(dg, DIAG_ERROR, &sp->rel_site,
                  "table %s: the database has no table or view \"%s\"", sp->name, rel);
        PQclear(r);
        return -1;
    }
    char label[600];
    snprintf(label, sizeof label, "postgres:%s", PQgetvalue(r, 0, 0));
    s->labels[i] = xstrdup(label);
    /* declared: the rules' declarations first (a declared column missing
     * from the table is reported by data_load), then the catalog's types */
    size_t cap = sp->ndecl + (size_t)nrows + 1;
    s->names[i] = calloc(cap, sizeof **s->names);
    s->types[i] = calloc(cap, sizeof **s->types);
    s->imputes[i] = calloc(cap, sizeof **s->imputes);
    if (!s->labels[i] || !s->names[i] || !s->types[i] || !s->imputes[i]) {
        PQclear(r);
        return -2;
    }
    size_t nd = 0;
    for (size_t k = 0; k < sp->ndecl; k++) {
        s->types[i][nd] = sp->decl_types[k];
        if (sp->decl_impute) s->imputes[i][nd] = sp->decl_impute[k];
        if (!(s->names[i][nd++] = xstrdup(sp->decl_names[k]))) { PQclear(r); return -2; }
    }
    /* a table none of whose columns is used still has its rows: read the
     * first column that maps */
    int first = -1;
    for (int k = 0; k < nrows && first < 0; k++) {
        const char *col = PQgetvalue(r, k, 1);
        if (declared(sp, col) >= 0 || wanted(s, sp, col, PQgetvalue(r, k, 3), sample_rows)) first = nrows;
        else if (map_type(PQgetvalue(r, k, 3)) != CT_NONE) first = k;
    }
    int bad = 0, ncols = 0, key_text = 0, key_at = -1;
    sb_add(sql, "COPY (SELECT ");
    for (int k = 0; k < nrows; k++) {
        const char *col = PQgetvalue(r, k, 1);
        int dt = declared(sp, col);
        if (sp->key && strcmp(col, sp->key) == 0) key_at = k;
        if (dt < 0 && !wanted(s, sp, col, PQgetvalue(r, k, 3), sample_rows) && k != first) continue;
        int ct = map_type(PQgetvalue(r, k, 3));
        if (dt < 0 && ct == CT_NONE) {
            site_diag(dg, DIAG_ERROR, &sp->rel_site,
                      "column '%s' of table %s (%s) has type %s, which cohort cannot read "
                      "(it reads integer, numeric, floating-point, text, date and boolean "
                      "columns; declare the column's type in the rules to read its text)",
                      col, sp->name, label + 9, PQgetvalue(r, k, 2));
            bad = 1;
            continue;
        }
        if (sp->key && strcmp(col, sp->key) == 0) key_text = (dt >= 0 ? sp->decl_types[dt] : ct) == CT_TEXT;
        if (dt < 0) {
            s->types[i][nd] = ct;
            if (!(s->names[i][nd++] = xstrdup(col))) { PQclear(r); return -2; }
        }
        if (ncols++) sb_add(sql, ", ");
        sb_ident(sql, c, col);
        sb_add(sql, "::text AS ");
        sb_ident(sql, c, col);
    }
    if (ncols == 0 && !bad) {
        site_diag(dg, DIAG_ERROR, &sp->rel_site,
                  "table %s (%s) has no column that cohort can read", sp->name, label + 9);
        bad = 1;
    }
    sb_add(sql, " FROM ");
    sb_add(sql, PQgetvalue(r, 0, 0));
    sb_add(sql, " AS r_");
    /* a table with a key is read in key order (texts byte by byte), the
     * order the query of sqlgen.c gives: a table has no order of its own in
     * the database (a partitioned one is read partition by partition) */
    if (key_at >= 0) {   /* (a key the table lacks is reported by data_load) */
        sb_add(sql, key_text ? " ORDER BY CAST(r_." : " ORDER BY r_.");
        sb_ident(sql, c, sp->key);
        sb_add(sql, key_text ? " AS text) COLLATE \"C\"" : "");
    }
    if (sample_rows) {
        char lim[40];
        snprintf(lim, sizeof lim, " LIMIT %zu", sample_rows);
        sb_add(sql, lim);
    }
    sb_add(sql, ") TO STDOUT WITH (FORMAT csv, HEADER true)");
    PQclear(r);
    s->specs[i].ndecl = nd;
    s->specs[i].decl_names = (const char *const *)s->names[i];
    s->specs[i].decl_types = s->types[i];
    s->specs[i].decl_impute = s->imputes[i];
    s->specs[i].label = s->labels[i];
    return bad ? -1 : sql->oom ? -2 : 0;
}

/* Read one table into a new temporary file; 0, -1 (reported) or -2 (no memory). */
static int fetch_table(PGconn *c, pg_spool *s, size_t i, size_t sample_rows, diag *dg)
{
    sbuf sql = {0};
    int rc = prepare_table(c, s, i, sample_rows, &sql, dg);
    if (rc == 0) {
        /* the file is removed at once and read back through /dev/fd/N
         * (Linux reopens it from the start), so none is ever left behind */
        const char *dir = getenv("TMPDIR");
        if (!dir || !*dir) dir = "/tmp";
        size_t pl = strlen(dir) + 32;
        char *path = malloc(pl);
        if (!path) {
            free(sql.p);
            return -2;
        }
        snprintf(path, pl, "%s/cohort-pg-XXXXXX", dir);
        int fd = mkstemp(path);
        if (fd >= 0) unlink(path);
        int wfd = fd >= 0 ? dup(fd) : -1;
        FILE *f = wfd >= 0 ? fdopen(wfd, "w") : NULL;
        if (!f) {
            site_diag(dg, DIAG_ERROR, &s->specs[i].rel_site,
                      "cannot create a temporary file for table %s in %s: %s", s->specs[i].name,
                      dir, strerror(errno));
            if (wfd >= 0) close(wfd);
            if (fd >= 0) close(fd);
            free(path);
            free(sql.p);
            return -1;
        }
        s->fds[i] = fd;
        snprintf(path, pl, "/dev/fd/%d", fd);
        s->files[i] = path;
        s->specs[i].path = path;
        rc = copy_table(c, &s->specs[i], s->labels[i], sql.p, dir, f, dg);
        if (fclose(f) != 0 && rc == 0) {
            site_diag(dg, DIAG_ERROR, &s->specs[i].rel_site,
                      "cannot write the rows of table %s to %s: %s", s->specs[i].name, dir,
                      strerror(errno));
            rc = -1;
        }
    }
    free(sql.p);
    return rc;
}

/* 0, or 1 after reporting a connection string that must not be used. */
static int check_conninfo(const char *conninfo, const decl_site *where, diag *dg)
{
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &err);
    if (!opts) {
        server_error(dg, where, "invalid PostgreSQL connection string", err);
        PQfreemem(err);
        return 1;
    }
    int bad = 0;
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val && *o->val) {
            site_diag(dg, DIAG_ERROR, where,
                      "the connection string has a password: keep it out of the rules "
                      "(use ~/.pgpass, PGPASSFILE, a service file or PGPASSWORD)");
            bad = 1;
        }
    PQconninfoFree(opts);
    return bad;
}

/* A connection in one read-only snapshot, after the settings `set`; NULL
 * after reporting a refused connection; *rc = 2 after reporting a failed
 * start (the connection is still returned, to be finished). */
static PGconn *open_snapshot(const char *conninfo, const decl_site *where, const char *set, int *rc, diag *dg)
{
    PGconn *c = PQconnectdb(conninfo);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        server_error(dg, where, "cannot connect to PostgreSQL", c ? PQerrorMessage(c) : NULL);
        PQfinish(c);
        return NULL;
    }
    char sql[512];
    snprintf(sql, sizeof sql, "%sSET client_encoding = 'UTF8'; BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", set);
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        server_error(dg, where, "cannot start reading from PostgreSQL", result_message(r));
        *rc = 2;
    }
    PQclear(r);
    return c;
}

int pg_fetch(const char *conninfo, const decl_site *where, const table_spec *specs, size_t n,
             size_t sample_rows, diag *dg, pg_spool **out)
{
    *out = NULL;
    if (check_conninfo(conninfo, where, dg)) return 1;
    pg_spool *s = calloc(1, sizeof *s);
    if (!s) goto oom;
    s->n = n;
    s->specs = calloc(n ? n : 1, sizeof *s->specs);
    s->files = calloc(n ? n : 1, sizeof *s->files);
    s->fds = malloc((n ? n : 1) * sizeof *s->fds);
    for (size_t i = 0; s->fds && i < n; i++) s->fds[i] = -1;
    s->labels = calloc(n ? n : 1, sizeof *s->labels);
    s->names = calloc(n ? n : 1, sizeof *s->names);
    s->types = calloc(n ? n : 1, sizeof *s->types);
    s->imputes = calloc(n ? n : 1, sizeof *s->imputes);
    if (!s->specs || !s->files || !s->fds || !s->labels || !s->names || !s->types || !s->imputes)
        goto oom;
    for (size_t i = 0; i < n; i++) {
        s->specs[i] = specs[i];
        s->specs[i].ndecl = 0;      /* until names[i] holds them */
    }
    int rc = 0;
    PGconn *c = open_snapshot(conninfo, where, "SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 1; ", &rc, dg);
    if (!c) {
        pg_spool_free(s);
        return 2;
    }
    int errors = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        int e = fetch_table(c, s, i, sample_rows, dg);
        if (e == -2) {
            diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "out of memory");
            rc = 2;
        } else if (e) {
            errors++;
            /* a failed query ends the transaction: later tables cannot be read */
            if (PQtransactionStatus(c) != PQTRANS_INTRANS) break;
        }
    }
    PQfinish(c);
    if (rc || errors) {
        pg_spool_free(s);
        return 2;
    }
    *out = s;
    return 0;
oom:
    diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "out of memory");
    pg_spool_free(s);
    return 2;
}

int pg_query_rows(const char *conninfo, const decl_site *where, const char *sql, pg_row_fn fn, void *ud,
                  diag *dg)
{
    if (check_conninfo(conninfo, where, dg)) return 1;
    /* round-trip float digits: each float8 reads back as the same double */
    int rc = 0;
    PGconn *c = open_snapshot(conninfo, where, "SET extra_float_digits = 3; ", &rc, dg);
    if (!c) return 2;
    PGresult *r;
    /* rows one at a time: only the current row is held */
    if (!rc && (!PQsendQuery(c, sql) || !PQsetSingleRowMode(c))) {
        server_error(dg, where, "cannot run the analysis query in PostgreSQL", PQerrorMessage(c));
        rc = 2;
    }
    const char **cells = NULL;
    int stopped = 0;
    while (!rc && (r = PQgetResult(c)) != NULL) {
        ExecStatusType stt = PQresultStatus(r);
        if (stt == PGRES_SINGLE_TUPLE && !stopped) {
            int n = PQnfields(r);
            if (!cells) cells = calloc((size_t)n + 1, sizeof *cells);
            if (!cells) {
                diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "out of memory");
                stopped = 2;
            } else {
                for (int k = 0; k < n; k++) cells[k] = PQgetisnull(r, 0, k) ? NULL : PQgetvalue(r, 0, k);
                if (fn(ud, n, cells)) stopped = 2;
            }
        } else if (stt != PGRES_SINGLE_TUPLE && stt != PGRES_TUPLES_OK) {
            server_error(dg, where, "the analysis query failed in PostgreSQL", result_message(r));
            stopped = 2;
        }
        PQclear(r);
    }
    free(cells);
    PQfinish(c);
    return rc ? rc : stopped;
}
