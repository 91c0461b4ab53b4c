/* data.h: a cohort's tables in columnar typed storage, loaded from CSV (a
 * file of the data directory, or a database table spooled as CSV).
 * Each table has an optional key, at most one parent table (linked through
 * a column of the same name as the parent's key), and on demand an index
 * that groups its rows by an ancestor row, ordered by the table's date
 * column, so quantifiers cost O(rows of one unit). */
#ifndef COHORT_DATA_H
#define COHORT_DATA_H
#include <stddef.h>
#include <stdint.h>
#include "diag.h"
#include "strpool.h"

/* Column types; the codes equal enum cohort_type of cohort/plugin.h. */
enum { CT_NONE = 0, CT_INT = 1, CT_REAL = 2, CT_TEXT = 3, CT_DATE = 4, CT_BOOL = 5 };
/* the bytes of one value of a column of type CT_* (0 for CT_NONE) */
size_t data_type_size(int type);

typedef struct column {
    char *name;
    int type;               /* CT_* */
    int declared;           /* 1 if the type came from the rules */
    size_t n;
    int64_t *i;             /* CT_INT, 64 bits a value: while loading, in derived
                               tables, and when a value needs more than 32 */
    int32_t *i32;           /* CT_INT when every value fits 32 bits (then i is
                               NULL): read CT_INT values through col_int */
    double *r;              /* CT_REAL */
    int32_t *d;             /* CT_DATE: days since 1970-01-01 */
    uint8_t *b;             /* CT_BOOL: 0/1 */
    uint32_t *sid;          /* CT_TEXT: ids of strings interned in the data's
                               pool (0: missing); read through col_text */
    const char *const *const *strs; /* the pool's strings by id
                               (strpool_strings), set for every column */
    uint64_t *miss;         /* missing flags, one bit a row: bit row % 64 of
                               word row / 64 (always allocated, at least one
                               word; read and set only through col_missing,
                               col_set_missing, col_clear_missing) */
    int projected;          /* the rules never name it: every value was read and
                               checked, but none kept (n = 0, no arrays) */
    int mapped;             /* miss and the numeric values point into the
                               table's map: read-only, not freed one by one */
    int sid_mapped;         /* CT_TEXT: sid points into the table's map too
                               (the rerun cache's entry, colcache.c read_text) */
} column;

/* The 64-bit words of missing flags for n rows (at least one). */
static inline size_t miss_words(size_t n)
{
    return n ? (n + 63) / 64 : 1;
}
/* Is row `row` of column c missing? */
static inline int col_missing(const column *c, size_t row)
{
    return (int)((c->miss[row >> 6] >> (row & 63)) & 1);
}
static inline void col_set_missing(column *c, size_t row)
{
    c->miss[row >> 6] |= (uint64_t)1 << (row & 63);
}
static inline void col_clear_missing(column *c, size_t row)
{
    c->miss[row >> 6] &= ~((uint64_t)1 << (row & 63));
}

/* Value `row` of a CT_INT column, of either width. */
static inline int64_t col_int(const column *c, size_t row)
{
    return c->i32 ? (int64_t)c->i32[row] : c->i[row];
}
/* Value `row` of a CT_TEXT column: the pool's string (NULL when missing);
 * equal strings give one pointer, as they have one id. */
static inline const char *col_text(const column *c, size_t row)
{
    return strpool_text(c->strs, c->sid[row]);
}
/* The bytes of one value of column c as stored (4 for a 32-bit CT_INT). */
size_t data_col_width(const column *c);

/* Rows of a table grouped by the row of one ancestor table (the parent, the
 * grandparent...), each group ordered by the table's order column (missing
 * dates last, ties in file order). */
typedef struct group_index {
    int ancestor;           /* table index */
    size_t ngroups;         /* rows of the ancestor */
    uint32_t *off;          /* ngroups + 1 offsets into rows */
    uint32_t *rows;         /* row numbers of this table, or NULL when they
                               are 0, 1, 2...: read through group_row */
} group_index;

/* The k-th row of the table in the order of g (groups one after another). */
static inline size_t group_row(const group_index *g, size_t k)
{
    return g->rows ? g->rows[k] : k;
}

typedef struct table {
    char *name;
    char *path;             /* the CSV file, or the label of the source (diagnostics) */
    char *file;             /* the file read */
    size_t nrows, ncols;
    column *cols;
    int key;                /* column index of the key, or -1 */
    int parent;             /* table index of the parent, or -1 */
    int fk;                 /* column index linking to the parent's key, or -1 */
    int32_t *parent_row;    /* per row: row of the parent table */
    int order;              /* column index ordering rows in groups, or -1 */
    group_index *groups;    /* built on demand, one per ancestor */
    size_t ngroups_built;
    void *keyhash;          /* key value -> row (private to data.c; freed
                               once the tables are loaded) */
    void *map;              /* the rerun cache's entry the columns point into
                               (colcache.h), unmapped with the table; or NULL */
    size_t maplen;
    uint64_t content;       /* the file's content hash and declaration as the
                               rerun cache knew them when it was read (keys of
                               the results cache, rescache.h); has_content: known */
    int has_content;
    int unread;             /* restored with its shape alone (table_spec.unread):
                               no column kept, no links; never read */
} table;

typedef struct cohort_data {
    table *tables;
    size_t ntables;
    strpool *pool;          /* not owned */
    size_t bytes_read;      /* CSV bytes read, for the benchmark */
    size_t tables_cached;   /* tables restored from the rerun cache (colcache.h) */
    size_t files_hashed;    /* CSV files the rerun cache read to hash them */
    size_t tables_linked;   /* restored with their links to the parent */
    size_t tables_unread;   /* restored with their shape alone (table.unread) */
    size_t tables_trusted;  /* restored from an entry trusted by its own
                               identity, not hashed (entrystamp.h) */
} cohort_data;

/* Where a table was declared in the rules, for diagnostics about it. */
typedef struct decl_site {
    const char *file;
    int line, col, len;
    const char *srcline;
    size_t srclen;
} decl_site;

typedef struct table_spec {
    const char *name;
    const char *path;       /* CSV file to read */
    const char *label;      /* the table's source in diagnostics (NULL: path) */
    const char *relation;   /* postgres: "schema.table" to read (NULL: name) */
    decl_site rel_site;     /* postgres: where the relation is written */
    const char *const *want;/* the names the rules can use as columns of this
                               table (sorted; a superset is fine): the other
                               columns but the key, the link and the order
                               column are not kept, and the link goes once
                               linked when not named (and no rerun cache);
                               data_drop_unread frees more once the rules are
                               resolved */
    size_t nwant;           /* NULL: every column is used */
    int unread;             /* nothing in the rules can read the table (no
                               name of it, of its descendants' quantifiers, no
                               unit at or below it: check.c table_wants), so a
                               restore from the rerun cache keeps its shape
                               alone: neither its columns nor its links are
                               read or verified (the entry vouches that the
                               file parses without errors), and the table
                               must never be read (check_unread_tables) */
    int unordered;          /* nothing in the rules can visit its rows (no
                               quantifier or endpoint over it): their order
                               is never read, so no default order column is
                               looked for (its columns' types need not be
                               known) */
    const char *key;        /* key column, or NULL */
    const char *parent;     /* parent table name, or NULL */
    const char *order;      /* ordering date column, or NULL: the first date column */
    size_t ndecl;           /* declared column types */
    const char *const *decl_names;
    const int *decl_types;  /* CT_* */
    const int *decl_impute; /* IMPUTE_* (date.h) per declared column, or NULL */
    decl_site site;
} table_spec;

struct progress;

typedef struct load_opts {
    const char *const *na;  /* strings read as missing besides the empty cell */
    size_t nna;             /* (default when nna == 0: "NA") */
    size_t sample_rows;     /* 0: read everything; >0: read at most this many
                               rows per table to learn the schema (no links) */
    struct progress *progress;  /* the progress line (progress.h), or NULL */
    int threads;            /* threads reading one large file (0: one per
                               processor, at most 8); the tables and the
                               diagnostics are the same for any number */
    const char *cache_dir;  /* the rerun cache's folder (colcache.h), or NULL:
                               every file is parsed and nothing is written */
} load_opts;

/* Load the tables in order (a parent must come before its children, else
 * it is an error at the child's declaration).  On error reports every
 * problem it can through dg and returns NULL. */
cohort_data *data_load(const table_spec *specs, size_t n, const load_opts *opts,
                       strpool *pool, diag *dg);
void data_free(cohort_data *d);
/* Free n columns' names and arrays, and the array cols itself. */
void data_free_columns(column *cols, size_t n);

/* A derived table (drug eras): appended empty, with typed columns, a parent
 * table (or -1) and an order column (or -1); returns its index or -1 when
 * out of memory.  data_set_rows gives it nrows rows (all values zero, not
 * missing, parent_row zero) for the caller to fill, and drops its row
 * groups; returns the table index or -1. */
int data_add_table(cohort_data *d, const char *name, int parent, const char *const *names,
                   const int *types, size_t ncols, int order);
int data_set_rows(cohort_data *d, int t, size_t nrows);
/* Free the values of every column of the loaded tables (not the derived)
 * that read[table][column] does not mark, but keys, order columns and
 * declared columns: projected, as if never kept (the rules, resolved, are
 * known to read no other); of a table need[table] does not mark, every
 * column, its links and groups too (only its rows are counted). */
void data_drop_unread(cohort_data *d, const unsigned char *const *read,
                      const unsigned char *need);
int data_table_index(const cohort_data *d, const char *name);
int data_column_index(const table *t, const char *name);
/* The row of `ancestor` that row `row` of table `t` belongs to (t itself
 * when ancestor == t), or -1 if `ancestor` is not an ancestor of t. */
int64_t data_ancestor_row(const cohort_data *d, int t, size_t row, int ancestor);
/* The grouping of table t's rows by rows of `ancestor`; built once. */
const group_index *data_groups(cohort_data *d, int t, int ancestor);
#endif
