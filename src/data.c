/* data.c: loading a cohort's CSV tables into typed columns, checking keys
 * and parent links, and grouping rows by ancestor rows.
 *
 * One pass per file: each cell is parsed according to its column's current
 * type guess; a value that does not fit promotes the column (integer ->
 * real converts the stored values in place; anything -> text re-reads that
 * column's earlier cells from the file afterwards, which is rare).  Key and
 * link errors are found after the pass and located by re-reading the file up
 * to the last offending row, so no per-row line numbers are kept.  Large
 * files are read in parts on several threads, and keys checked and rows
 * linked to their parents in slices on the same threads, with the tables
 * and diagnostics of one pass. */
#include "data.h"
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "colcache.h"
#include "colmem.h"
#include "csv.h"
#include "progress.h"
#include "regfile.h"
#include "tasks.h"
#include "date.h"
#include "cellvec.h"
#include "valparse.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

enum { MAX_FILE_ERRORS = 20, SHOW_VALUE = 60, FIRST_ROWS = 4096 };

/* key value -> row: slots hold row + 1 (0: empty).  Integer keys within a
 * narrow range index the slots directly (dense: slot[v - base]); others use
 * open addressing with linear probing.  Integer keys that are base + row in
 * every row (ids numbered in the file's order, as most are) need no slots:
 * the row of v is v - base (seq: dense, nslots rows, slot NULL). */
typedef struct keyhash {
    int dense, seq;
    int64_t base;
    size_t nslots;          /* a power of two unless dense */
    uint32_t *slot;
} keyhash;

/* A string recently interned while reading rows (intern()). */
enum { INTERN_CACHE = 1024, WORD_CACHE = 256, WORD_MAX = 24 };
typedef struct intern_slot {
    const char *s;
    size_t len;
    uint32_t id;
} intern_slot;

/* A text of up to WORD_MAX bytes recently interned, by its words
 * (intern_words): the words and the length are the text. */
typedef struct word_slot {
    uint64_t w[3];
    uint32_t len, id;       /* len 0: empty */
} word_slot;

/* The loader's caches in front of the string pool while reading rows. */
typedef struct intern_cache {
    intern_slot slot[INTERN_CACHE];
    word_slot word[WORD_CACHE];
} intern_cache;

/* What the loader knows about a column while reading. */
typedef struct colstate {
    int fixed;              /* the type is given: declared, or a parent key's */
    const char *fixed_why;  /* "patients.patient_id" when from a parent key */
    size_t text_from;       /* rows [0, text_from) must be re-read as text */
    int impute;             /* IMPUTE_* of a declared date column (date.h) */
    int refill;             /* reread: parse and store every cell again */
    int skip;               /* projected: each value is parsed into row 0 of a
                               one-row array (the same checks, the same type),
                               then dropped */
    int unchecked;          /* projected and not read at all: no cell is
                               converted or checked (choose_projection) */
} colstate;

static inline int rows_in_order(const column *c, size_t a, size_t b);

/* A key or link problem found after the pass, located by a re-read. */
enum { PEND_KEY_MISSING, PEND_KEY_DUP, PEND_FK_MISSING, PEND_FK_UNKNOWN };
typedef struct pending {
    size_t row;
    int col, kind;
    size_t ref;             /* PEND_KEY_DUP: row of the first occurrence */
} pending;

typedef struct loader {
    cohort_data *d;
    const table_spec *spec;
    diag *dg;
    strpool *pool;
    const char *const *na;
    size_t nna, *nalen;
    uint64_t nalens;        /* bit k: some missing-value string has k bytes
                               (bit 0: one of 64 bytes or more) */
    size_t sample;
    table *t;
    colstate *cs;
    size_t cap;             /* rows allocated in every column */
    int nerr, stopped;      /* errors in this file; gave up on it */
    int reread_text;        /* some column became text after its first rows */
    struct progress *progress;
    pthread_mutex_t *pool_lock; /* reading a part on a worker thread: held
                               around interning into the shared pool */
    intern_cache *icache;   /* reading rows: recently interned texts (intern) */
    size_t span0, span1;    /* reading a part: its offsets in the file */
    int threads;            /* threads reading one file (parts.h) */
    char **arena;           /* reading a part: per column, the reservation
                               its values live in (colmem.h), or NULL */
    uint64_t **arena_miss;  /* and its missing flags' (for arena_rows) */
    const size_t *known_first; /* reading a part: its first row in the table
                               + 1 once the parts before it are read (0 until
                               then; rebase_part), or NULL */
    int rebased;            /* rebase_part placed the part's values */
    size_t arena_rows;      /* rows of 8 bytes each reservation holds */
    size_t backed;          /* one pass: rows whose pages back_rows backed */
    int arena_full;         /* a part had more rows than that */
    size_t part_bytes;      /* > 0: parts of this many bytes (a test hook) */
    int slow;               /* no fast paths (COHORT_CSV_SLOW, a test hook) */
    dategroup_fn dates;     /* dates DATE_GROUP at a time (cellvec.h), or NULL */
    intgroup_fn ints;       /* integers INT_GROUP at a time, or NULL (also
                               when a missing-value string is all digits) */
    unsigned char *failed;  /* per table: it had errors */
    const char *cache_dir;  /* the rerun cache (colcache.h), or NULL */
    struct cache_state *cache; /* per table: its cache entry's identity */
    uint32_t **group_off;   /* per table: its group starts by parent, found
                               while linking (link_parent), or NULL */
    int keep_link;          /* restore the link column even when unread */
    int shape_only;         /* restore the table's shape alone (table.unread) */
    char fixbuf[256];       /* scratch for fixed_why strings (one per table) */
} loader;

/* A table's place in the rerun cache. */
typedef struct cache_state {
    int use;                /* the file is worth caching and was identified */
    int hit;                /* restored from the cache */
    int dropped;            /* restored without columns its entry keeps */
    int linked;             /* its links came from the entry */
    colcache_ident id;
    uint64_t spec;
    colcache_links links;   /* the entry's links to the parent, if any */
} cache_state;

/* ---- diagnostics ------------------------------------------------------- */

static void site_error(loader *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void site_error(loader *L, const char *fmt, ...)
{
    const decl_site *s = &L->spec->site;
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(L->dg, DIAG_ERROR, s->file, s->line, s->col, s->len, s->srcline, s->srclen, fmt,
               ap);
    va_end(ap);
    L->nerr++;
}

/* Count an error of this file; past the limit, stop reading it. */
static void count_error(loader *L)
{
    if (++L->nerr >= MAX_FILE_ERRORS && !L->stopped) {
        L->stopped = 1;
        diag_emit(L->dg, DIAG_NOTE, L->t->path, 0, 0, 0, NULL, 0,
                  "too many errors; the rest of %s was not checked", L->t->path);
    }
}

static void field_error(loader *L, const csv_reader *r, const csv_field *f, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void field_error(loader *L, const csv_reader *r, const csv_field *f, const char *fmt, ...)
{
    if (L->stopped) return;
    size_t llen;
    int col;
    const char *ls = csv_line_of(r, f->raw, &llen, &col);
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(L->dg, DIAG_ERROR, L->t->path, (int)f->line, col, (int)f->rawlen, ls, llen, fmt,
               ap);
    va_end(ap);
    count_error(L);
}

static int show_len(const csv_field *f)
{
    return f->len > SHOW_VALUE ? SHOW_VALUE : (int)f->len;
}

static const char *show_more(const csv_field *f)
{
    return f->len > SHOW_VALUE ? "..." : "";
}

static const char *type_expect(int type)
{
    switch (type) {
    case CT_INT: return "an integer";
    case CT_REAL: return "a real number";
    case CT_DATE: return "a date (YYYY-MM-DD)";
    case CT_BOOL: return "true or false";
    default: return "text";
    }
}

static const char *type_name(int type)
{
    switch (type) {
    case CT_INT: return "integer";
    case CT_REAL: return "real";
    case CT_DATE: return "date";
    case CT_BOOL: return "boolean";
    case CT_TEXT: return "text";
    default: return "empty";
    }
}

/* " (did you mean 'x'?)" or "" */
static const char *suggest(const table *t, const char *name, char *buf, size_t n)
{
    buf[0] = 0;
    const char **names = malloc((t->ncols ? t->ncols : 1) * sizeof *names);
    if (!names) return buf;
    for (size_t i = 0; i < t->ncols; i++) names[i] = t->cols[i].name;
    const char *s = diag_suggest(name, names, t->ncols);
    char shown[256];
    if (s) snprintf(buf, n, " (did you mean %s?)", diag_name(s, shown, sizeof shown));
    free(names);
    return buf;
}

/* ---- column storage ---------------------------------------------------- */

static size_t type_size(int type)
{
    switch (type) {
    case CT_INT: return sizeof(int64_t);
    case CT_REAL: return sizeof(double);
    case CT_DATE: return sizeof(int32_t);
    case CT_BOOL: return sizeof(uint8_t);
    case CT_TEXT: return sizeof(uint32_t);
    default: return 0;
    }
}

size_t data_type_size(int type)
{
    return type_size(type);
}

size_t data_col_width(const column *c)
{
    return c->type == CT_INT && c->i32 ? sizeof *c->i32 : type_size(c->type);
}

/* The value array of the column's current type (NULL for CT_NONE); an
 * integer column is 32-bit until it is known to need 64 (put_int). */
static void **col_values(column *c)
{
    switch (c->type) {
    case CT_INT: return c->i ? (void **)&c->i : (void **)&c->i32;
    case CT_REAL: return (void **)&c->r;
    case CT_DATE: return (void **)&c->d;
    case CT_BOOL: return (void **)&c->b;
    case CT_TEXT: return (void **)&c->sid;
    default: return NULL;
    }
}

static void oom(loader *L)
{
    diag_emit(L->dg, DIAG_ERROR, L->t->path, 0, 0, 0, NULL, 0, "out of memory reading %s",
              L->t->path);
    L->nerr++;
    L->stopped = 1;
}

/* Resize every column to `cap` rows.  0 or -1 (out of memory). */
static int grow_columns(loader *L, size_t cap)
{
    table *t = L->t;
    for (size_t j = 0; j < t->ncols; j++) {
        column *c = &t->cols[j];
        int skip = L->cs && L->cs[j].skip;
        size_t rows = skip ? 1 : cap ? cap : 1;
        /* the flags of rows not yet read are clear: store_plain sets none */
        if (L->arena && rows > L->arena_rows) {
            L->arena_full = 1;
            return -1;
        }
        if (L->arena) {
            /* a part's flags stay in their reservation: its untouched
             * pages are zero, and growing copies nothing (a realloc a
             * growth copied them, 16 times their size in all) */
            c->miss = L->arena_miss[j];
        } else {
            size_t oldw = c->miss ? miss_words(skip ? 1 : L->cap) : 0, nw = miss_words(rows);
            uint64_t *m = realloc(c->miss, nw * sizeof *m);
            if (!m) return -1;
            if (nw > oldw) memset(m + oldw, 0, (nw - oldw) * sizeof *m);
            c->miss = m;
        }
        void **v = col_values(c);
        if (v && L->arena) {
            /* a part's values stay in their reservation (read_part) */
            *v = L->arena[j];
            size_t w = data_col_width(c), was = skip ? 1 : L->cap;
            if (rows > was) colmem_populate(L->arena[j] + was * w, (rows - was) * w);
        } else if (v) {
            void *nv = realloc(*v, rows * type_size(c->type));
            if (!nv) return -1;
            *v = nv;
        }
    }
    L->cap = cap;
    return 0;
}

/* n integers at mem (32-bit when narrow, else 64) as doubles, in place:
 * from the last, so no value is overwritten before it is read. */
static void ints_to_reals(char *mem, size_t n, int narrow)
{
    for (size_t k = n; k-- > 0;) {
        int64_t v;
        if (narrow) {
            int32_t w;
            memcpy(&w, mem + k * sizeof w, sizeof w);
            v = w;
        } else {
            memcpy(&v, mem + k * sizeof v, sizeof v);
        }
        double x = (double)v;
        memcpy(mem + k * sizeof x, &x, sizeof x);
    }
}

/* n 32-bit integers at mem widened to 64 in place (from the last). */
static void widen_ints(char *mem, size_t n)
{
    for (size_t k = n; k-- > 0;) {
        int32_t w;
        memcpy(&w, mem + k * sizeof w, sizeof w);
        int64_t v = w;
        memcpy(mem + k * sizeof v, &v, sizeof v);
    }
}

/* Store integer v in row `row` of c: in 32 bits while every value fits,
 * else the rows before it are widened to 64 in place (8 bytes a row are
 * allocated while reading) and the column stays 64-bit. */
static inline void put_int(column *c, size_t row, int64_t v)
{
    if (c->i) {
        c->i[row] = v;
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        c->i32[row] = (int32_t)v;
    } else {
        widen_ints((char *)c->i32, row);
        c->i = (int64_t *)(void *)c->i32;
        c->i32 = NULL;
        c->i[row] = v;
    }
}

/* Give column c the type `to` at row `row` (rows before it are stored). */
static int promote(loader *L, size_t ci, int to, size_t row)
{
    column *c = &L->t->cols[ci];
    int from = c->type;
    if (from == CT_INT && to == CT_REAL) {
        /* in place: 8 bytes a row are there (type_size) */
        char *mem = c->i ? (char *)c->i : (char *)c->i32;
        ints_to_reals(mem, row, c->i == NULL);
        c->i = NULL;
        c->i32 = NULL;
        c->r = (double *)(void *)mem;
        c->type = CT_REAL;
        return 0;
    }
    void **old = col_values(c);
    int had = old && *old;
    if (old) {
        if (!L->arena) free(*old);
        *old = NULL;
    }
    c->type = to;
    void **v = col_values(c);
    size_t rows = L->cap && !L->cs[ci].skip ? L->cap : 1;
    if (L->arena) {
        /* the part's reservation again: untouched pages are zero */
        *v = L->arena[ci];
        if (had) memset(*v, 0, rows * type_size(to));
    } else {
        *v = calloc(rows, type_size(to));
    }
    if (!*v) return -1;
    if (to == CT_TEXT && from != CT_NONE && row > 0 && !L->cs[ci].skip) {
        L->cs[ci].text_from = row;
        L->reread_text = 1;
    }
    return 0;
}

static int is_missing(const loader *L, const char *p, size_t len)
{
    if (len == 0) return 1;
    for (size_t k = 0; k < L->nna; k++) {
        if (L->nalen[k] != len) continue;
        const char *q = L->na[k];
        size_t i = 0;
        while (i < len && p[i] == q[i]) i++;
        if (i == len) return 1;
    }
    return 0;
}

/* Mark row `row` of c missing, storing a zero of type `type` (c's type). */
static inline __attribute__((always_inline)) void set_missing_as(column *c, size_t row, int type)
{
    col_set_missing(c, row);
    switch (type) {
    case CT_INT: put_int(c, row, 0); break;
    case CT_REAL: c->r[row] = 0; break;
    case CT_DATE: c->d[row] = 0; break;
    case CT_BOOL: c->b[row] = 0; break;
    case CT_TEXT: c->sid[row] = 0; break;
    default: break;
    }
}

static void set_missing(column *c, size_t row)
{
    set_missing_as(c, row, c->type);
}

/* Most specific type of one non-missing value: CT_INT, CT_REAL, CT_BOOL,
 * CT_DATE, CT_TEXT, or -1 for an impossible date (2019-02-30). */
static int classify(const char *p, size_t len)
{
    int64_t iv;
    double rv;
    uint8_t bv;
    int32_t dv;
    int k = vp_int(p, len, &iv);
    if (k == 1) return CT_INT;
    if (k == 2 || vp_real(p, len, &rv)) return CT_REAL;
    if (vp_bool(p, len, &bv)) return CT_BOOL;
    k = date_parse(p, len, &dv);
    if (k == 1) return CT_DATE;
    if (k < 0) return -1;
    return CT_TEXT;
}

static void bad_date(loader *L, const csv_reader *r, size_t ci, const csv_field *f)
{
    field_error(L, r, f, "column '%s' has an impossible date '%.*s'", L->t->cols[ci].name,
                (int)f->len, f->p);
}

/* A cheap hash of a cell's text for intern()'s cache: its first and last
 * eight bytes (overlapping words, or bytes, for shorter texts) and its
 * length, mixed by one multiplication; texts alike but in the middle only
 * share a slot (a miss, never a wrong id). */
static inline uint32_t cell_hash(const char *p, size_t len)
{
    uint64_t a = 0, b = 0;
    if (len >= 8) {
        memcpy(&a, p, 8);
        memcpy(&b, p + len - 8, 8);
    } else if (len >= 4) {
        uint32_t x, y;
        memcpy(&x, p, 4);
        memcpy(&y, p + len - 4, 4);
        a = x;
        b = y;
    } else if (len > 0) {
        a = (unsigned char)p[0] | (uint64_t)(unsigned char)p[len / 2] << 8 |
            (uint64_t)(unsigned char)p[len - 1] << 16;
    }
    uint64_t h = (a ^ (b << 29 | b >> 35) ^ len) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 40);
}

/* The pool's id of p[0..len) (0: out of memory).  While reading rows
 * (icache set): from the loader's cache of recently interned strings when
 * there, else from the pool, under its lock on a worker thread (most cells
 * of a text column repeat a few values: they need neither the pool's hash
 * nor the lock). */
static uint32_t intern(loader *L, const char *p, size_t len)
{
    if (!L->icache) return strpool_id(L->pool, p, len);
    intern_slot *sl = &L->icache->slot[cell_hash(p, len) & (INTERN_CACHE - 1)];
    if (sl->s && sl->len == len && strpool_same_bytes(sl->s, p, len)) return sl->id;
    if (L->pool_lock) pthread_mutex_lock(L->pool_lock);
    uint32_t id = strpool_id(L->pool, p, len);
    const char *s = id ? strpool_text(strpool_strings(L->pool), id) : NULL;
    if (L->pool_lock) pthread_mutex_unlock(L->pool_lock);
    if (id) *sl = (intern_slot){s, len, id};
    return id;
}

/* Eight bytes at p, the first in the low byte, and the mask of the first
 * r of them (r <= 8). */
static inline uint64_t load_le64(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

static const uint64_t first_bytes[9] = {
    0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffffull, 0xffffffffffffull,
    0xffffffffffffffull, ~0ull};

/* intern() of a text of 1 to WORD_MAX bytes followed by the tokenizer's pad
 * (8 readable bytes, csv.h), inline where cells are stored: the text is its
 * length and its bytes 0-7, 8-15 and 16-23 (bytes past its end cleared),
 * read without a branch on the length (each word from where the text
 * ends, at most: within the pad), compared whole with a slot of the word
 * cache, so a repeated text (most cells of a text column repeat a few
 * values) costs no call, no hash of the pool and no comparison of its
 * bytes.  Only ids intern() gave for the same text are kept: the pool sees
 * the same texts in the same order as without the cache. */
static inline uint32_t intern_words(loader *L, const char *p, size_t len)
{
    size_t l1 = len < 8 ? len : 8, l2 = len < 16 ? len : 16;
    uint64_t a = load_le64(p) & first_bytes[l1];
    uint64_t m = load_le64(p + l1) & first_bytes[l2 - l1];
    uint64_t b = load_le64(p + l2) & first_bytes[len - l2];
    uint64_t h = (a ^ (m << 29 | m >> 35) ^ (b << 47 | b >> 17) ^ len) * 0x9e3779b97f4a7c15ull;
    word_slot *sl = &L->icache->word[h >> 56 & (WORD_CACHE - 1)];
    /* an empty slot has length 0: no text's */
    if (((sl->w[0] ^ a) | (sl->w[1] ^ m) | (sl->w[2] ^ b) | (sl->len ^ len)) == 0) return sl->id;
    uint32_t id = intern(L, p, len);
    if (id) *sl = (word_slot){{a, m, b}, (uint32_t)len, id};
    return id;
}

/* What store_plain_as reads of column ci, read once for a column pass
 * (the loader's fields reloaded per cell otherwise: a store to a column
 * may alias them for the compiler).  nalen: a cell of length len may be
 * missing when bit len % 64 is set (is_missing decides): bit 0 for the
 * empty cell, and L->nalens' bits; every bit when some missing-value
 * string has 64 bytes or more (a filter, one shift and one test). */
typedef struct plain_col {
    column *c;
    /* c's values, which a column pass never moves (but a CT_INT column's
     * widening, which reads c): read once, not per cell (the loop reloaded
     * the array from the column for every cell; cachegrind at 100k:
     * store_column 1145.2M -> 1139.1M instructions) */
    int32_t *i32;       /* PLAIN_INT32 */
    double *r;
    int32_t *d;
    uint8_t *b;
    uint32_t *sid;
    /* plain_loop: the array of the pass's type starts at row row0 (a row
     * given is row0 + the cell's record in the batch: no second counter
     * in the loop); else 0 */
    size_t row0;
    uint64_t nalen;
    int fixed, impute;
    dategroup_fn dates;    /* L->dates */
    intgroup_fn ints;       /* L->ints */
} plain_col;

static inline __attribute__((always_inline)) plain_col plain_col_of(const loader *L, size_t ci)
{
    uint64_t nalen = L->nalens & 1 ? ~(uint64_t)0 : L->nalens | 1;
    column *c = &L->t->cols[ci];
    return (plain_col){c, c->i32, c->r, c->d, c->b, c->sid, 0, nalen, L->cs[ci].fixed,
                       L->cs[ci].impute, L->dates, L->ints};
}

/* store_value_as's type for a CT_INT column while it is 32 bits wide
 * (plain_run), next to the CT_* types. */
enum { PLAIN_INT32 = CT_BOOL + 1 };

/* store_plain_as's value, not missing: one that fits its column's type
 * `type` as it is, stored (checked only, `skip`); 1, or 0 for anything
 * else. */
static inline __attribute__((always_inline)) int store_value_as(loader *L, const plain_col *pc,
                                                               size_t row, const char *p,
                                                               size_t len, int padded, int type,
                                                               int skip)
{
    column *c = pc->c;
    switch (type) {
    case CT_INT: {
        int64_t v, *out = skip ? NULL : &v;
        if ((padded ? vp_int_padded(p, len, out) : vp_int(p, len, out)) != 1) return 0;
        if (!skip) put_int(c, pc->row0 + row, v);
        break;
    }
    case PLAIN_INT32: {
        /* a 32-bit column's value, its width not asked again: one that
         * needs 64 bits is not taken here (plain_run) */
        int64_t v;
        if (vp_int_padded(p, len, &v) != 1 || v < INT32_MIN || v > INT32_MAX) return 0;
        pc->i32[row] = (int32_t)v;
        break;
    }
    case CT_REAL:
        if (!(padded ? vp_real_padded(p, len, skip ? NULL : &pc->r[row])
                     : vp_real(p, len, skip ? NULL : &pc->r[row])))
            return 0;
        break;
    case CT_DATE: {
        /* or a partial date under an impute rule, as store_cell reads it */
        int32_t v;
        int k = date_parse(p, len, skip ? NULL : &v);
        if (k == 0 && pc->impute) k = date_parse_partial(p, len, pc->impute, &v);
        if (k != 1) return 0;
        if (!skip) pc->d[row] = v;
        break;
    }
    case CT_BOOL:
        if (vp_bool(p, len, &pc->b[row])) break;
        /* declared booleans may be coded 0/1, as store_cell reads them */
        if (!pc->fixed || len != 1 || (p[0] != '0' && p[0] != '1')) return 0;
        pc->b[row] = (uint8_t)(p[0] - '0');
        break;
    case CT_TEXT:
        /* a date-shaped text may be an impossible date (an error) */
        if (len == 10 && p[4] == '-' && p[7] == '-' && !pc->fixed) return 0;
        if (!skip) {
            uint32_t id = padded && len <= WORD_MAX && L->icache ? intern_words(L, p, len) : intern(L, p, len);
            if (!id) return 0;
            pc->sid[row] = id;
        }
        break;
    default:
        return 0;
    }
    return 1;   /* the row's missing flag is clear already */
}


/* The common cell, stored without store_cell's checks: a missing cell
 * (as store_cell stores it), or a value that fits its column's current
 * type `type` as it is.  1 when stored; 0 for anything else (store_cell
 * then reads the cell from the start, with its diagnostics and
 * promotions).  No diagnostics, no promotion: cells of different columns
 * may be stored in any order (store_column).  `skip` (L->cs[ci].skip, a
 * constant where it is inlined): a column the rules never read, whose
 * integers, reals and dates are only checked, by the same parsers given
 * no place for the value (vp_int, vp_real, date_parse; its one-row array
 * then never widens to 64 bits: never kept, no one asks), and whose texts
 * are not interned, nor are its missing cells flagged (its flags are
 * freed unread): the same cells taken, none converted.  So for such a
 * column the value is tried first and the missing-value test only when
 * it does not fit (a missing cell and a fitting value are both taken, and
 * nothing is kept to tell them apart), and a text is taken unless
 * date-shaped, missing or not (a date-shaped one goes to store_cell,
 * which tests missing first). */
static inline __attribute__((always_inline)) int store_plain_as(loader *L, const plain_col *pc,
                                                               size_t row, const char *p,
                                                               size_t len, int padded, int type,
                                                               int skip)
{
    if (skip) {
        if (store_value_as(L, pc, row, p, len, padded, type, 1)) return 1;
        return type != CT_TEXT && ((pc->nalen >> (len & 63)) & 1) && is_missing(L, p, len);
    }
    if (((pc->nalen >> (len & 63)) & 1) && is_missing(L, p, len)) {
        if (type == PLAIN_INT32) {
            col_set_missing(pc->c, pc->row0 + row);
            pc->i32[row] = 0;
        } else {
            set_missing_as(pc->c, pc->row0 + row, type);
        }
        return 1;
    }
    return store_value_as(L, pc, row, p, len, padded, type, 0);
}

/* store_plain_as of one field: an unquoted one is followed by the
 * tokenizer's pad (csv.h). */
static inline int store_plain(loader *L, size_t ci, size_t row, const csv_field *f)
{
    plain_col pc = plain_col_of(L, ci);
    return store_plain_as(L, &pc, row, f->p, f->len, f->p == f->raw, pc.c->type, L->cs[ci].skip);
}

/* The group of cells of records k, k + 1, ... (cellvec.h's offsets) of a
 * CT_DATE or PLAIN_INT32 column pass (q: its values from the batch's first
 * row) stored as store_plain_as stores each: 1, or 0 (nothing stored). */
static inline __attribute__((always_inline)) int store_group(const plain_col *q, size_t k, int type,
                                                            const char *base, const uint32_t *sp,
                                                            size_t ss, unsigned add,
                                                            const uint32_t *ep, size_t es)
{
    if (type == CT_DATE) return q->dates(base, sp, ss, add, ep, es, q->d + k);
    uint32_t empty;
    if (!q->ints(base, sp, ss, add, ep, es, q->i32 + k, &empty)) return 0;
    for (; empty; empty &= empty - 1)   /* missing, its value 0 (stored) */
        col_set_missing(q->c, q->row0 + k + (size_t)__builtin_ctz(empty));
    return 1;
}

/* store_plain_as of column ci (first: ci is 0) for records k, k + 1, ...
 * of batch b, record k in row `row` + k (skip: all in row 0); the record
 * before which it stopped (at a cell it does not take), or b->n.  Field ci
 * ends at its end in the batch and starts just after field ci - 1's end
 * (the same record's, just before it: one pointer walks the column) or,
 * field 0, at the record's start. */
static inline __attribute__((always_inline)) size_t
plain_loop(loader *L, const plain_col *pc, size_t ci, size_t row, const csv_batch *b, size_t k,
           int type, int skip, int first)
{
    const size_t nf = b->nf, n = b->n;
    const char *const base = b->base;
    plain_col q = *pc;      /* its values from row `row` on: record k is row k */
    if (!skip) {
        q.row0 = row;
        switch (type) {
        case PLAIN_INT32: q.i32 += row; break;
        case CT_REAL: q.r += row; break;
        case CT_DATE: q.d += row; break;
        case CT_BOOL: q.b += row; break;
        case CT_TEXT: q.sid += row; break;
        default: break;     /* CT_INT: put_int, by row0 + k */
        }
    }
    /* cells G at a time (cellvec.h) while a group is all dates, or all
     * 32-bit integers or empty; a group that is not is stored cell by cell
     * (and the loop stops at its first cell not taken, as it would
     * without groups).  Dates not when a cell of 10 bytes may be missing
     * (is_missing is asked first); integers not when a missing-value
     * string is all digits (L->ints NULL) */
    enum { G = DATE_GROUP };
    _Static_assert(DATE_GROUP == INT_GROUP, "one group size");
    const int groups = !skip && ((type == CT_DATE && q.dates && !((q.nalen >> 10) & 1)) ||
                                 (type == PLAIN_INT32 && q.ints));
    if (first) {
        const uint32_t *e = b->end + k * nf, *s = b->start + k;
        for (size_t stop = k; k < n; k++, e += nf, s++) {
            if (groups && k == stop && k + G <= n) {
                while (k + G <= n && store_group(&q, k, type, base, s, 1, 0, e, nf)) {
                    k += G;
                    e += G * nf;
                    s += G;
                }
                stop = k + G;
                if (k == n) break;
            }
            if (!store_plain_as(L, &q, skip ? 0 : k, base + *s, *e - *s, 1, type, skip)) break;
        }
    } else {
        const uint32_t *o = b->end + k * nf + ci - 1;  /* field ci - 1's end, then ci's */
        for (size_t stop = k; k < n; k++, o += nf) {
            if (groups && k == stop && k + G <= n) {
                while (k + G <= n && store_group(&q, k, type, base, o, nf, 1, o + 1, nf)) {
                    k += G;
                    o += G * nf;
                }
                stop = k + G;
                if (k == n) break;
            }
            if (!store_plain_as(L, &q, skip ? 0 : k, base + o[0] + 1, o[1] - o[0] - 1, 1, type, skip))
                break;
        }
    }
    return k;
}

/* plain_loop of column ci for the whole batch b.  A 32-bit integer column
 * is stored as such (PLAIN_INT32) up to a cell that needs 64 bits, and from
 * there on as CT_INT (put_int, which widens it): its width is not asked
 * cell by cell (cells12 measured put_int's test about 5% of store_column's
 * samples). */
static inline __attribute__((always_inline)) size_t plain_run(loader *L, size_t ci, size_t row,
                                                             const csv_batch *b, int type,
                                                             int first)
{
    const plain_col pc = plain_col_of(L, ci);
    if (L->cs[ci].unchecked || (L->cs[ci].skip && type == CT_TEXT && pc.fixed))
        return b->n;    /* every cell taken, none read */
    if (L->cs[ci].skip) return plain_loop(L, &pc, ci, row, b, 0, type, 1, first);
    size_t k = 0;
    if (type == CT_INT && !pc.c->i) {
        k = plain_loop(L, &pc, ci, row, b, 0, PLAIN_INT32, 0, first);
        if (k == b->n) return k;
    }
    return plain_loop(L, &pc, ci, row, b, k, type, 0, first);
}

/* The column pass of a batch: plain_run with the column's type chosen once
 * for the batch, not per cell.  Not inlined into read_records (one call a
 * column of a batch): its loops get registers of their own, not
 * read_records' spilled ones (store12 measured read_records + store_column
 * about 3% fewer samples so); store_plain_as stays inlined in every loop
 * (always_inline: ingest11 measured read_records 35% slower without). */
static __attribute__((noinline)) size_t store_column(loader *L, size_t ci, size_t row,
                                                   const csv_batch *b)
{
#define PLAIN_RUN(type) (ci ? plain_run(L, ci, row, b, type, 0) : plain_run(L, 0, row, b, type, 1))
    switch (L->t->cols[ci].type) {
    case CT_INT: return PLAIN_RUN(CT_INT);
    case CT_REAL: return PLAIN_RUN(CT_REAL);
    case CT_DATE: return PLAIN_RUN(CT_DATE);
    case CT_BOOL: return PLAIN_RUN(CT_BOOL);
    case CT_TEXT: return PLAIN_RUN(CT_TEXT);
    default: return PLAIN_RUN(CT_NONE);
    }
#undef PLAIN_RUN
}

/* Parse and store one cell. */
static void store_cell(loader *L, const csv_reader *r, size_t ci, size_t row, const csv_field *f)
{
    if (L->cs[ci].unchecked) return;
    column *c = &L->t->cols[ci];
    const char *p = f->p;
    size_t len = f->len;
    if (is_missing(L, p, len)) {
        set_missing(c, row);
        return;
    }
    col_clear_missing(c, row);
    int k;
    int64_t iv;
    switch (c->type) {
    case CT_INT:
        if (vp_int(p, len, &iv) == 1) {
            put_int(c, row, iv);
            return;
        }
        break;
    case CT_REAL:
        if (vp_real(p, len, &c->r[row])) return;
        break;
    case CT_DATE:
        k = date_parse(p, len, &c->d[row]);
        if (k == 0) k = date_parse_partial(p, len, L->cs[ci].impute, &c->d[row]);
        if (k == 1) return;
        if (k < 0) {
            bad_date(L, r, ci, f);
            set_missing(c, row);
            return;
        }
        break;
    case CT_BOOL:
        if (vp_bool(p, len, &c->b[row])) return;
        if (L->cs[ci].fixed && len == 1 && (p[0] == '0' || p[0] == '1')) {
            c->b[row] = (uint8_t)(p[0] - '0');   /* declared booleans may be coded 0/1 */
            return;
        }
        break;
    case CT_TEXT: {
        int32_t dv;
        if (!L->cs[ci].fixed && len == 10 && p[4] == '-' && p[7] == '-' &&
            date_parse(p, len, &dv) < 0) {
            bad_date(L, r, ci, f);
            set_missing(c, row);
            return;
        }
        if (L->cs[ci].skip) return;
        c->sid[row] = intern(L, p, len);
        if (!c->sid[row]) oom(L);
        return;
    }
    default: break;
    }
    /* the value does not fit the column's type */
    if (L->cs[ci].fixed) {
        if (L->cs[ci].fixed_why)
            field_error(L, r, f, "column '%s' expects %s like the key %s, found '%.*s'%s", c->name,
                        type_expect(c->type), L->cs[ci].fixed_why, show_len(f), p, show_more(f));
        else if (c->type == CT_DATE && date_parse_partial(p, len, IMPUTE_FIRST, &c->d[row]) == 1)
            field_error(L, r, f, "column '%s' has a partial date '%.*s' and no rule to read it "
                        "(declare it `%s: date impute first;`, or middle, or last)", c->name,
                        show_len(f), p, c->name);
        else
            field_error(L, r, f, "column '%s' expects %s, found '%.*s'%s", c->name,
                        type_expect(c->type), show_len(f), p, show_more(f));
        set_missing(c, row);
        return;
    }
    int vt = classify(p, len);
    if (vt < 0) {
        bad_date(L, r, ci, f);
        set_missing(c, row);
        return;
    }
    int to = c->type == CT_NONE ? vt : (c->type == CT_INT && vt == CT_REAL) ? CT_REAL : CT_TEXT;
    if (promote(L, ci, to, row) != 0) {
        oom(L);
        return;
    }
    store_cell(L, r, ci, row, f);
}

/* ---- key hash ---------------------------------------------------------- */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static uint64_t key_hash(const column *c, size_t row)
{
    return c->type == CT_INT ? mix64((uint64_t)col_int(c, row)) : mix64((uint64_t)(uintptr_t)col_text(c, row));
}

static int key_eq(const column *a, size_t ra, const column *b, size_t rb)
{
    return a->type == CT_INT ? col_int(a, ra) == col_int(b, rb) : col_text(a, ra) == col_text(b, rb);
}

/* The slot of integer key v in a dense key hash; NULL when it has no
 * room for the value. */
static inline uint32_t *dense_slot(const keyhash *h, int64_t v)
{
    uint64_t k = (uint64_t)v - (uint64_t)h->base;
    return k < h->nslots ? &h->slot[k] : NULL;
}

/* The row a slot holds, or -1 (no slot, or an empty one). */
static inline int64_t slot_row(const uint32_t *sl)
{
    return sl && *sl ? (int64_t)*sl - 1 : -1;
}

/* The slot holding c's value at row in h, or the empty slot where it
 * belongs; NULL when a dense table has no room for the value. */
static uint32_t *key_slot(const keyhash *h, const column *kc, const column *c, size_t row)
{
    if (h->dense) return dense_slot(h, col_int(c, row));
    size_t mask = h->nslots - 1, i = (size_t)key_hash(c, row) & mask;
    while (h->slot[i] && !key_eq(kc, h->slot[i] - 1, c, row)) i = (i + 1) & mask;
    return &h->slot[i];
}

static inline int64_t dense_row(const keyhash *h, int64_t v);

/* The row of t's key equal to column c's value at row, or -1. */
static int64_t key_find(const table *t, const column *c, size_t row)
{
    const keyhash *h = t->keyhash;
    if (h->seq) return dense_row(h, col_int(c, row));
    return slot_row(key_slot(h, &t->cols[t->key], c, row));
}

static int add_pending(pending **pv, size_t *np, size_t *cap, pending p)
{
    if (*np == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        pending *n = realloc(*pv, nc * sizeof *n);
        if (!n) return -1;
        *pv = n;
        *cap = nc;
    }
    (*pv)[(*np)++] = p;
    return 0;
}

static int pending_cmp(const void *a, const void *b)
{
    const pending *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    return (x->col > y->col) - (x->col < y->col);
}

static int size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static void emit_pending(loader *L, const csv_reader *r, const csv_field *f, const pending *p,
                         const size_t *refrow, const long *refline, size_t nref)
{
    const table *t = L->t;
    const column *c = &t->cols[p->col];
    const csv_field *cf = &f[p->col];
    const char *q = c->type == CT_TEXT ? "'" : "";
    switch (p->kind) {
    case PEND_KEY_MISSING:
        field_error(L, r, cf, "missing value in key column '%s'", c->name);
        break;
    case PEND_KEY_DUP: {
        long line = 0;
        for (size_t k = 0; k < nref; k++)
            if (refrow[k] == p->ref) line = refline[k];
        field_error(L, r, cf, "duplicate key %s %s%.*s%s%s (first at line %ld)", c->name, q,
                    show_len(cf), cf->p, show_more(cf), q, line);
        break;
    }
    case PEND_FK_MISSING:
        field_error(L, r, cf, "missing %s: every row of %s must belong to a row of %s", c->name,
                    t->name, L->d->tables[t->parent].name);
        break;
    case PEND_FK_UNKNOWN:
        field_error(L, r, cf, "%s %s%.*s%s%s not found in %s", c->name, q, show_len(cf), cf->p,
                    show_more(cf), q, L->d->tables[t->parent].name);
        break;
    default: break;
    }
}

/* Second pass over the file, only as far as needed: fill the cells of
 * columns that turned text after their first rows, and report pending key
 * and link problems where they are. */
static void reread(loader *L, pending *pend, size_t npend)
{
    table *t = L->t;
    size_t limit = 0;
    for (size_t j = 0; j < t->ncols; j++) {
        if (L->cs[j].text_from > limit) limit = L->cs[j].text_from;
        if (L->cs[j].refill) limit = t->nrows;
    }
    size_t nref = 0, *refrow = NULL;
    long *refline = NULL;
    if (npend) {
        qsort(pend, npend, sizeof *pend, pending_cmp);
        if (pend[npend - 1].row + 1 > limit) limit = pend[npend - 1].row + 1;
        refrow = malloc(npend * sizeof *refrow);
        refline = calloc(npend, sizeof *refline);
        if (!refrow || !refline) {
            free(refrow);
            free(refline);
            oom(L);
            return;
        }
        for (size_t k = 0; k < npend; k++)
            if (pend[k].kind == PEND_KEY_DUP) refrow[nref++] = pend[k].ref;
        qsort(refrow, nref, sizeof *refrow, size_cmp);
    }
    csv_reader *r = csv_open(t->file, 0);
    if (!r) {
        diag_emit(L->dg, DIAG_ERROR, t->path, 0, 0, 0, NULL, 0, "cannot reopen %s: %s", t->path,
                  regfile_error(errno));
        L->nerr++;
        goto done;
    }
    size_t row = 0, pi = 0, ri = 0;
    int rc = csv_next(r);   /* the header */
    while (rc == 1 && row < limit && (rc = csv_next(r)) == 1) {
        if (csv_nfields(r) != t->ncols) continue;
        const csv_field *f = csv_fields(r);
        for (size_t j = 0; j < t->ncols; j++) {
            column *c = &t->cols[j];
            if (L->cs[j].refill) store_cell(L, r, j, L->cs[j].skip ? 0 : row, &f[j]);
            if (row < L->cs[j].text_from && !col_missing(c, row)) {
                c->sid[row] = strpool_id(L->pool, f[j].p, f[j].len);
                if (!c->sid[row]) {
                    oom(L);
                    goto done;
                }
            }
        }
        while (ri < nref && refrow[ri] == row) refline[ri++] = f[t->key].line;
        while (pi < npend && pend[pi].row == row)
            emit_pending(L, r, f, &pend[pi++], refrow, refline, nref);
        row++;
    }
    if (row < limit) {
        /* the file changed under us */
        diag_emit(L->dg, DIAG_ERROR, t->path, 0, 0, 0, NULL, 0,
                  "%s changed while it was being read", t->path);
        L->nerr++;
    }
done:
    csv_close(r);
    free(refrow);
    free(refline);
}

/* ---- one table --------------------------------------------------------- */

static int find_col(const table *t, const char *name)
{
    for (size_t j = 0; j < t->ncols; j++)
        if (strcmp(t->cols[j].name, name) == 0) return (int)j;
    return -1;
}

/* Report the tokenizer's error (malformed quoting, read error); the rest
 * of the file is not read. */
static void csv_failed(loader *L, const csv_reader *r)
{
    long line;
    int col;
    const char *sl;
    size_t sn;
    const char *msg = csv_error(r, &line, &col, &sl, &sn);
    diag_emit(L->dg, DIAG_ERROR, L->t->path, (int)line, col, 1, sl, sn, "%s", msg);
    L->nerr++;
    L->stopped = 1;
}

/* Columns from the header row.  0 or -1. */
static int read_header(loader *L, csv_reader *r)
{
    table *t = L->t;
    int rc = csv_next(r);
    if (rc == 0) {
        diag_emit(L->dg, DIAG_ERROR, t->path, 0, 0, 0, NULL, 0,
                  "%s is empty: a header row with the column names was expected", t->path);
        L->nerr++;
        return -1;
    }
    if (rc < 0) {
        csv_failed(L, r);
        return -1;
    }
    size_t n = csv_nfields(r);
    const csv_field *f = csv_fields(r);
    t->cols = calloc(n, sizeof *t->cols);
    L->cs = calloc(n, sizeof *L->cs);
    if (!t->cols || !L->cs) {
        oom(L);
        return -1;
    }
    t->ncols = n;
    int bad = 0;
    for (size_t j = 0; j < n; j++) {
        column *c = &t->cols[j];
        c->strs = strpool_strings(L->pool);
        c->name = malloc(f[j].len + 1);
        if (!c->name) {
            oom(L);
            return -1;
        }
        memcpy(c->name, f[j].p, f[j].len);
        c->name[f[j].len] = 0;
        if (f[j].len == 0 || strlen(c->name) != f[j].len) {
            field_error(L, r, &f[j], "column %zu has no name in the header", j + 1);
            bad = 1;
            continue;
        }
        for (size_t k = 0; k < j; k++)
            if (strcmp(t->cols[k].name, c->name) == 0) {
                field_error(L, r, &f[j], "duplicate column name '%s' (also column %zu)", c->name,
                            k + 1);
                bad = 1;
                break;
            }
    }
    return bad ? -1 : 0;
}

static int name_cmp(const void *key, const void *elem)
{
    return strcmp(*(const char *const *)key, *(const char *const *)elem);
}

/* Which columns are kept.  On a full read with the rules' names known, a
 * column that no name in the rules can refer to is projected: none of its
 * values is kept.  The key, the link to the parent, declared columns and
 * the order column are always kept.  A projected column is also left
 * unchecked (its cells neither converted nor checked: no value of it can
 * change a result) where its type cannot decide the table's order: the
 * table is a root (its rows are never ordered), or names its order
 * column, or nothing in the rules visits its rows (spec->unordered: the
 * order is never read, and none is looked for), or a kept column other
 * than the key and the link comes before it.  Otherwise (a child table ordered by its first date column, before
 * the first kept column) its values are checked as any other's, for the
 * type: the first date column may be it.  An unchecked column that turns
 * out to come before every date column is checked after the pass
 * (type_unchecked). */
static void choose_projection(loader *L)
{
    const table_spec *sp = L->spec;
    table *t = L->t;
    if (L->sample || !sp->want) return;
    int order = sp->order ? find_col(t, sp->order) : -1;
    for (size_t j = 0; j < t->ncols; j++) {
        const column *c = &t->cols[j];
        if ((int)j == t->key || (int)j == t->fk || (int)j == order || c->declared) continue;
        if (bsearch(&c->name, sp->want, sp->nwant, sizeof *sp->want, name_cmp)) continue;
        L->cs[j].skip = 1;
    }
    int seen_kept = t->parent < 0 || sp->order || sp->unordered;
    for (size_t j = 0; j < t->ncols; j++) {
        if (L->cs[j].skip)
            L->cs[j].unchecked = seen_kept;
        else if ((int)j != t->key && (int)j != t->fk)
            seen_kept = 1;
    }
}

/* A child table ordered by default, by its first date column, with an
 * unchecked column before every column known to hold dates: that column's
 * type decides which is first, so it is read again, checked as a
 * projected column is (reread), and so on until a date column is found:
 * the unchecked columns after it stay unchecked.  (Rare: the rules read
 * none of the table's date columns, yet visit its rows.) */
static void type_unchecked(loader *L)
{
    table *t = L->t;
    if (t->parent < 0 || L->spec->order || L->spec->unordered) return;
    for (size_t j = 0; j < t->ncols && !L->nerr; j++) {
        if (L->cs[j].unchecked) {
            /* a projected column's one row (a table read in parts has
             * none: join_column) */
            column *c = &t->cols[j];
            if (!c->miss && !(c->miss = calloc(1, sizeof *c->miss))) {
                oom(L);
                return;
            }
            L->cs[j].unchecked = 0;
            L->cs[j].refill = 1;
            reread(L, NULL, 0);
            L->cs[j].refill = 0;
        }
        if (t->cols[j].type == CT_DATE) return;
    }
}

/* Is the table's link to its parent a column the rules never name?  Then,
 * once parent_row holds the links, it serves nothing more (the rerun cache
 * stores it: not when there is one). */
static int link_unread(const loader *L)
{
    const table_spec *sp = L->spec;
    const table *t = L->t;
    if (L->sample || !sp->want || t->fk < 0 || t->fk == t->key || t->fk == t->order) return 0;
    const column *c = &t->cols[t->fk];
    return !c->declared && !c->projected &&
           !bsearch(&c->name, sp->want, sp->nwant, sizeof *sp->want, name_cmp);
}

/* Declared types, key, parent link: everything the spec says about the
 * columns before any data row is read. */
static void apply_spec(loader *L)
{
    table *t = L->t;
    const table_spec *sp = L->spec;
    char sug[160];
    for (size_t k = 0; k < sp->ndecl; k++) {
        int j = find_col(t, sp->decl_names[k]);
        if (j < 0) {
            site_error(L, "column '%s' declared for table %s is not in %s%s", sp->decl_names[k],
                       t->name, t->path, suggest(t, sp->decl_names[k], sug, sizeof sug));
            continue;
        }
        int ty = sp->decl_types[k];
        if (ty < CT_INT || ty > CT_BOOL) {
            site_error(L, "column '%s' is declared with an unknown type", sp->decl_names[k]);
            continue;
        }
        t->cols[j].type = ty;
        t->cols[j].declared = 1;
        L->cs[j].fixed = 1;
        L->cs[j].impute = sp->decl_impute ? sp->decl_impute[k] : IMPUTE_NONE;
    }
    if (sp->key) {
        t->key = find_col(t, sp->key);
        if (t->key < 0)
            site_error(L, "key column '%s' of table %s is not in %s%s", sp->key, t->name, t->path,
                       suggest(t, sp->key, sug, sizeof sug));
    }
    if (t->parent >= 0 && !L->failed[t->parent]) {
        const table *pt = &L->d->tables[t->parent];
        if (pt->key < 0) {
            site_error(L, "table %s has no key, so it cannot be the parent of %s", pt->name,
                       t->name);
            return;
        }
        const column *pk = &pt->cols[pt->key];
        t->fk = find_col(t, pk->name);
        if (t->fk < 0) {
            site_error(L, "table %s has no column '%s' linking it to its parent %s%s", t->name,
                       pk->name, pt->name, suggest(t, pk->name, sug, sizeof sug));
            return;
        }
        column *fc = &t->cols[t->fk];
        if (pk->type != CT_INT && pk->type != CT_TEXT) return;  /* reported with the parent */
        if (fc->declared && fc->type != pk->type) {
            site_error(L, "column '%s' of table %s is declared %s, but the key %s.%s is %s",
                       fc->name, t->name, type_name(fc->type), pt->name, pk->name,
                       type_name(pk->type));
            return;
        }
        if (!fc->declared) {
            fc->type = pk->type;
            L->cs[t->fk].fixed = 1;
            snprintf(L->fixbuf, sizeof L->fixbuf, "%s.%s", pt->name, pk->name);
            L->cs[t->fk].fixed_why = L->fixbuf;
        }
    }
}

/* Rows to allocate when `row` rows are full: double, or more when the rest
 * of the file promises more rows (so big tables grow once or twice).  A
 * part's arrays never move (read_part): they grow by a sixteenth whatever
 * its rows promise, so the pages backed at once (colmem_populate) are about
 * those it uses, and never past its reservation (which holds all the rows
 * it can have); by PART_GROW rows at least, so that a 4-byte column's
 * growth is backed in one populating (16 pages: colmem.h), not a fault a
 * page (26k faults at 1M when the first growths were 4096 rows). */
enum { PART_GROW = 16384 };
static size_t next_cap(const loader *L, const csv_reader *r, size_t row)
{
    if (L->arena) {
        size_t cap = L->cap + (L->cap / 16 > PART_GROW ? L->cap / 16 : PART_GROW);
        return cap > L->arena_rows && row < L->arena_rows ? L->arena_rows : cap;
    }
    size_t cap = L->cap * 2;
    size_t off = csv_offset(r) - L->span0;
    size_t size = (L->span1 ? L->span1 : csv_file_size(r)) - L->span0;
    if (off > 0 && size > off && !L->sample) {
        double est = (double)row * ((double)size / (double)off) * 1.02 + 16;
        if (est > (double)cap && est < (double)INT32_MAX) cap = (size_t)est;
    }
    if (cap > (size_t)INT32_MAX) cap = (size_t)INT32_MAX;
    return cap;
}

/* Store the cells of one record (fields f) in row `row`: every column's,
 * but those a batch's column pass stored already (row < done[j]). */
static void store_row(loader *L, const csv_reader *r, const csv_field *f, size_t row,
                      const size_t *done)
{
    for (size_t j = 0; j < L->t->ncols; j++) {
        if (done && row < done[j]) continue;
        if (L->cs[j].unchecked) continue;
        size_t at = L->cs[j].skip ? 0 : row;
        if (L->slow || !store_plain(L, j, at, &f[j])) store_cell(L, r, j, at, &f[j]);
    }
}

/* Records per batch: their offsets (4 bytes a field) within about 16 KiB,
 * so the column pass finds them, and most of their text, in the
 * first-level cache. */
static size_t batch_rows(size_t ncols)
{
    size_t n = ((size_t)16 << 10) / (sizeof(uint32_t) * (ncols + 1));
    return n < 16 ? 16 : n > 512 ? 512 : n;
}

/* A batch b of plain records of the table's width, at rows
 * [row, row + b->n) (room allocated): stored column by column, each
 * column's cells by store_plain_as of its type until one it does not take
 * (done[j]: the row it stopped at); from the first such row on, the
 * records are read again (csv_rewind) and stored row by row as one at a
 * time, but the cells stored already, so diagnostics, promotions and the
 * error limit come in the order of rows and columns as ever.  The rows
 * stored (fewer than nb when the file's errors stopped it). */
static size_t store_batch(loader *L, csv_reader *r, const csv_batch *b, size_t row, size_t *done)
{
    size_t nc = L->t->ncols, nb = b->n, first = nb;
    for (size_t j = 0; j < nc; j++) {
        size_t k = store_column(L, j, row, b);
        done[j] = row + k;
        if (k < first) first = k;
    }
    if (first == nb) return nb;
    csv_rewind(r, b, first);
    for (size_t k = first; k < nb; k++) {
        /* the same records, plain, so the fast path's same fields */
        if (csv_next(r) != 1 || csv_nfields(r) != nc) {
            csv_failed(L, r);
            return k;
        }
        store_row(L, r, csv_fields(r), row + k, done);
        if (L->stopped) return k + 1;
    }
    return nb;
}

/* The data rows (of one part, when reading a part on a worker thread). */
/* One pass (no reservations): the pages of the kept columns' rows
 * [L->backed, upto), upto at most the capacity, backed in one populating
 * a column (colmem_populate), ahead of the batches stored in them, as a
 * part's reservation is when it grows (grow_columns): a populating costs
 * less than a fault a page, and rows beyond those read are never backed
 * (the capacity is an estimate). */
enum { BACK_AHEAD = 1 << 18 };
static void back_rows(loader *L, size_t upto)
{
    table *t = L->t;
    if (upto > L->cap) upto = L->cap;
    if (upto <= L->backed) return;
    for (size_t j = 0; j < t->ncols; j++) {
        column *c = &t->cols[j];
        void **v = col_values(c);
        if (!v || !*v || (L->cs && L->cs[j].skip)) continue;
        size_t w = data_col_width(c);
        colmem_populate((char *)*v + L->backed * w, (upto - L->backed) * w);
    }
    L->backed = upto;
}

/* A part's values placed, once its first row in the table is known (the
 * parts before it read), at the offset in their pages that row has in the
 * table's page-aligned arrays (colmem_alloc), so joining moves their whole
 * pages without shifting them (colmem_move); the rows read so far are
 * shifted now, those after are stored in place.  A column whose width
 * changes later (wider integers, reals), or whose offset would not be
 * aligned for the types it may still take, is shifted at the join as
 * before.
 * Until then (and in one pass) nothing changes.  At 1M on 2 threads, half
 * of the parts learn it while read (the other thread reads the part
 * before), and memmove's samples fell from 237 to 108. */
static void rebase_part(loader *L, size_t rows)
{
    size_t k = __atomic_load_n(L->known_first, __ATOMIC_ACQUIRE);
    if (!k) return;
    L->rebased = 1;
    table *t = L->t;
    for (size_t j = 0; j < t->ncols; j++) {
        column *c = &t->cols[j];
        void **v = col_values(c);
        if (!v || !*v || L->cs[j].skip || (char *)*v != L->arena[j]) continue;
        /* aligned for any type the column may still take: an integer
         * column widens to 64 bits or becomes real in place (8 bytes),
         * others become text (4: a boolean's offset may be odd) */
        size_t w = data_col_width(c), off = colmem_in_page((k - 1) * w);
        if (!off || off % (c->type == CT_INT ? 8 : 4)) continue;
        memmove(L->arena[j] + off, L->arena[j], rows * w);  /* the region's slack page */
        L->arena[j] += off;
        *v = L->arena[j];
    }
}

static void read_records(loader *L, csv_reader *r)
{
    table *t = L->t;
    /* a part: no more rows than its span holds records of ncols - 1 commas
     * and a line end (more are only a first estimate's miss: they grow) */
    size_t first = L->arena ? PART_GROW : FIRST_ROWS;
    if (L->span1 && (L->span1 - L->span0) / (t->ncols ? t->ncols : 1) + 2 < first)
        first = (L->span1 - L->span0) / (t->ncols ? t->ncols : 1) + 2;
    size_t *done = malloc((t->ncols ? t->ncols : 1) * sizeof *done);
    if (!done || grow_columns(L, first) != 0) {
        free(done);
        oom(L);
        return;
    }
    size_t row = 0, size = csv_file_size(r), batch = L->slow ? 0 : batch_rows(t->ncols);
    L->backed = 0;
    char what[300];
    snprintf(what, sizeof what, "reading %s", t->path);
    for (;;) {
        if (L->sample && row >= L->sample) break;
        /* under the test hook not before the first batch: the parts of
         * its tests are read in one batch, and their rows are shifted */
        if (L->known_first && !L->rebased && (row || !L->part_bytes)) rebase_part(L, row);
        size_t max = L->sample && L->sample - row < batch ? L->sample - row : batch;
        csv_batch b;
        size_t nb = row + max < (size_t)INT32_MAX - 1 ? csv_next_batch(r, t->ncols, max, &b) : 0;
        if (nb > 0) {
            if (row + nb > L->cap) {
                size_t cap = next_cap(L, r, row + nb);
                if (grow_columns(L, cap > row + nb ? cap : row + nb) != 0) {
                    oom(L);
                    break;
                }
            }
            if (!L->arena && row + nb > L->backed) back_rows(L, row + nb + BACK_AHEAD);
            size_t stored = store_batch(L, r, &b, row, done);
            if (L->progress && (row + stored) >> 16 != row >> 16)
                progress_update(L->progress, what,
                                size ? (double)csv_offset(r) / (double)size : 0);
            row += stored;
            t->nrows = row;
            if (L->stopped || stored < nb) break;
            continue;
        }
        int rc = csv_next(r);
        if (rc == 0) break;
        if (rc < 0) {
            csv_failed(L, r);
            break;
        }
        size_t nf = csv_nfields(r);
        const csv_field *f = csv_fields(r);
        if (nf != t->ncols) {
            if (!L->stopped) {
                size_t llen;
                int col;
                const char *ls = csv_line_of(r, f[0].raw, &llen, &col);
                diag_emit(L->dg, DIAG_ERROR, t->path, (int)csv_record_line(r), col,
                          (int)(llen ? llen : 1), ls, llen,
                          "expected %zu fields as in the header, found %zu", t->ncols, nf);
                count_error(L);
            }
            if (L->stopped) break;
            continue;
        }
        if (row == L->cap) {
            if (row >= (size_t)INT32_MAX - 1) {
                diag_emit(L->dg, DIAG_ERROR, t->path, (int)csv_record_line(r), 1, 1, NULL, 0,
                          "too many rows in %s (at most %d)", t->path, INT32_MAX - 1);
                L->nerr++;
                L->stopped = 1;
                break;
            }
            if (grow_columns(L, next_cap(L, r, row)) != 0) {
                oom(L);
                break;
            }
        }
        store_row(L, r, f, row, NULL);
        row++;
        if (L->progress && (row & 0xffff) == 0)
            progress_update(L->progress, what, size ? (double)csv_offset(r) / (double)size : 0);
        t->nrows = row;
        if (L->stopped) break;
    }
    free(done);
}


/* ---- one file read in parts on several threads --------------------------
 *
 * A mapped file is cut into parts at candidate record starts (just after a
 * '\n'; not quote-aware).  Every part is read once, on the worker threads,
 * speculatively: as one pass reads it (read_records), from its candidate
 * start, into arrays of its own, each in a reservation of address space
 * for as many rows as its span can hold (colmem.h: they never move, and
 * only the pages its rows use are ever backed), with its own type guesses (integers get 8 bytes a row
 * until their width is known, as in one pass) and its diagnostics held,
 * not emitted; it notes where the record after its last one starts and
 * how many lines it read.  Then, in file order, each part is proven: the
 * part before it, itself proven, ended exactly where it starts.  Else the
 * candidate was inside a quoted field or a record (rare): its result is
 * discarded and it is read again from the proven start.  A part that
 * stopped (malformed quoting, out of memory, its own 20 errors) ends the
 * file: the parts after it are dropped, as one pass never reads them.
 * Then the held diagnostics are replayed in file order with their lines
 * rebased, counted as the one-pass reader counts them (the same limit, the
 * same stop), and the parts are joined into the table: each column's type
 * is the join of the parts' guesses (integer and real give real, two other
 * types text); each part's rows are converted in place and moved into
 * the table's array, its whole pages remapped rather than copied into
 * fresh ones (colmem_move), so the join faults no new pages but the two a
 * part shares with its neighbours, and the peak holds no more than the
 * parts; rows of a part that guessed another type than text are
 * read again as text afterwards, as in one pass.  So the tables and the
 * diagnostics are those of one pass, for any number of threads.  Strings a
 * discarded part interned stay in the pool, unused (ids are not in the
 * outputs).  A part whose first row in the table becomes known while it
 * is read (the parts before it read: publish_first) places its values at
 * that row's offset in a page (rebase_part), so that the join moves its
 * pages unshifted.  COHORT_CSV_PART_BYTES (a test hook) sets the size of
 * the parts and reads in parts even on one thread. */

enum { PART_MIN = 2 << 20 };

typedef struct held_diag {
    diag_level level;
    int line, col, len;
    const char *srcline;    /* into the mapped file */
    size_t srclen;
    char *msg;
} held_diag;

typedef struct part {
    size_t start, limit;    /* candidate start; no record of it starts at or after limit */
    size_t end;             /* where the record after its last one starts */
    long lines;             /* physical lines from start to end */
    size_t rows, first;     /* rows read; the table's row of its first */
    size_t known_first;     /* first + 1 once known while reading, or 0
                               (atomic: publish_first, rebase_part) */
    int read;               /* read (publish_first) */
    table t;                /* its columns, in arrays of its own */
    char *mem;              /* one reservation for its columns' values */
    size_t mem_bytes;
    char **region;          /* per column: its values' pages in mem */
    uint64_t **flags;       /* per column: its missing flags' pages in mem */
    size_t region_rows;     /* rows of 8 bytes a region holds */
    colstate *cs;
    int nerr, stopped, hard, nomem;
    diag dg;
    held_diag *held;
    size_t nheld, heldcap;
} part;

/* Parts read, then joined, on several threads: tasks taken in turn; the
 * same runner links a table's rows to their parents in slices. */
enum { TASK_READ, TASK_JOIN, TASK_SLICE };

typedef struct part_run {
    loader *L;
    csv_reader *r;
    part *parts;
    size_t nparts;          /* parts read; then the parts joined */
    int kind;               /* TASK_*: what a task does */
    size_t alloc;           /* joining: rows of the table's arrays */
    int nomem;              /* joining: a column ran out of memory */
    int (*slice)(void *arg, const loader *L, size_t k); /* TASK_SLICE: does */
    void *arg;              /* slice k of a table's rows */
    size_t ntasks, done;    /* tasks of this round; parts read */
    pthread_mutex_t lock;   /* done, nomem */
    pthread_mutex_t pool_lock;
} part_run;

static void hold_diag(void *ud, const diagnostic *d)
{
    part *p = ud;
    if (p->nheld == p->heldcap) {
        size_t nc = p->heldcap ? p->heldcap * 2 : 8;
        held_diag *n = realloc(p->held, nc * sizeof *n);
        if (!n) {
            p->nomem = 1;
            return;
        }
        p->held = n;
        p->heldcap = nc;
    }
    size_t ml = strlen(d->msg) + 1;
    char *m = malloc(ml);
    if (!m) {
        p->nomem = 1;
        return;
    }
    memcpy(m, d->msg, ml);
    p->held[p->nheld++] = (held_diag){d->level, d->line, d->col, d->len, d->srcline, d->srclen, m};
}

/* One reservation for the values and the missing flags of part p's
 * columns, a region of whole pages each, of as many rows as its span can
 * hold: a record has ncols - 1 separators and a line end (the last one may
 * have none), so at most span / ncols + 1 records start in it.  8 bytes a
 * row: integers widen, and become reals, in place (a projected column
 * touches one page).  Given back at once by part_free (one unmapping, not
 * one per column: each costs the other threads' TLBs).  0 or -1 (no
 * room). */
static int reserve_regions(const loader *L, part *p)
{
    size_t nc = L->t->ncols ? L->t->ncols : 1;
    p->region_rows = (p->limit - p->start) / nc + 2;
    if (p->region_rows > SIZE_MAX / 2 / sizeof(int64_t) / nc) return -1;   /* (32-bit) */
    /* a page more: rebase_part shifts the values within it */
    size_t stride = colmem_page_round(p->region_rows * sizeof(int64_t)) + colmem_page_round(1);
    size_t fstride = colmem_page_round(miss_words(p->region_rows) * sizeof(uint64_t));
    if (!(p->region = calloc(nc, sizeof *p->region)) || !(p->flags = calloc(nc, sizeof *p->flags)))
        return -1;
    p->mem_bytes = (stride + fstride) * nc;
    if (!(p->mem = colmem_reserve(p->mem_bytes))) return -1;
    for (size_t j = 0; j < nc; j++) {
        p->region[j] = p->mem + j * stride;
        p->flags[j] = (uint64_t *)(void *)(p->mem + nc * stride + j * fstride);
    }
    return 0;
}

/* Free what reading a part allocated and forget its result (its place in
 * the file, start and limit, stays). */
static void part_free(part *p)
{
    colmem_release(p->mem, p->mem_bytes);   /* the values and the flags */
    free(p->region);
    free(p->flags);
    free(p->t.cols);
    free(p->cs);
    for (size_t k = 0; k < p->nheld; k++) free(p->held[k].msg);
    free(p->held);
    size_t start = p->start, limit = p->limit;
    *p = (part){.start = start, .limit = limit};
}

/* Read a part from its start as one pass reads it, into arrays of its own:
 * its rows, its end and its lines, its diagnostics held. */
static void read_part(const loader *L, csv_reader *r, part *p, pthread_mutex_t *pool_lock)
{
    table *t = L->t;
    p->t = *t;
    p->t.nrows = 0;
    p->t.cols = calloc(t->ncols, sizeof *p->t.cols);
    p->cs = malloc(t->ncols * sizeof *p->cs);
    if (p->cs) memcpy(p->cs, L->cs, t->ncols * sizeof *p->cs);
    csv_reader *v = p->t.cols && p->cs && reserve_regions(L, p) == 0
                        ? csv_view(r, p->start, p->limit) : NULL;
    if (!v) {
        p->nomem = 1;
        return;
    }
    for (size_t j = 0; j < t->ncols; j++) {
        column *c = &p->t.cols[j];
        c->name = t->cols[j].name;
        c->type = t->cols[j].type;
        c->declared = t->cols[j].declared;
        c->strs = t->cols[j].strs;
    }
    diag_init(&p->dg, hold_diag, p);
    loader W = *L;
    W.t = &p->t;
    W.cs = p->cs;
    W.dg = &p->dg;
    W.cap = 0;
    W.nerr = W.stopped = W.reread_text = 0;
    W.progress = NULL;
    W.pool_lock = pool_lock;
    W.icache = calloc(1, sizeof *W.icache);
    W.span0 = p->start;
    W.span1 = p->limit;
    W.arena = p->region;
    W.arena_miss = p->flags;
    W.known_first = &p->known_first;
    W.rebased = 0;
    W.arena_rows = p->region_rows;
    W.arena_full = 0;
    if (!W.icache) p->nomem = 1;
    if (!p->nomem) read_records(&W, v);
    if (W.arena_full) p->nomem = 1;     /* not expected (the bound): one pass reads it */
    free(W.icache);
    p->rows = p->t.nrows;
    p->end = csv_offset(v);
    p->lines = csv_line(v) - 1;
    p->nerr = W.nerr;
    p->stopped = W.stopped;
    /* stopped by a malformed record or no memory (not by the error count):
     * its last diagnostic ends the file */
    p->hard = W.stopped && p->nheld && p->held[p->nheld - 1].level == DIAG_ERROR;
    csv_close(v);
}

/* Replay a part's held diagnostics as the one-pass reader emits them, with
 * lines counted from `base` (the line where the part starts). */
static void replay_part(loader *L, const part *p, long base)
{
    for (size_t k = 0; k < p->nheld && !L->stopped; k++) {
        const held_diag *h = &p->held[k];
        if (h->level == DIAG_NOTE) continue;    /* the part's own error limit */
        diag_emit(L->dg, h->level, L->t->path, h->line > 0 ? (int)(base + h->line - 1) : 0,
                  h->col, h->len, h->srcline, h->srclen, "%s", h->msg);
        if (p->hard && k + 1 == p->nheld) {
            L->nerr++;
            L->stopped = 1;
        } else {
            count_error(L);
        }
    }
}

/* OR n missing flags from src (from its bit 0) into dst from bit `at` on;
 * src's bits from n on are clear. */
static void or_flags(uint64_t *dst, size_t at, const uint64_t *src, size_t n)
{
    size_t w = at >> 6, sh = at & 63;
    for (size_t k = 0; k < (n + 63) / 64; k++) {
        uint64_t x = src[k];
        if (!x) continue;
        dst[w + k] |= x << sh;
        if (sh && x >> (64 - sh)) dst[w + k + 1] |= x >> (64 - sh);
    }
}

/* The type a column has after reading a then b. */
static int join_type(int a, int b)
{
    if (a == CT_NONE || a == b) return b;
    if (b == CT_NONE) return a;
    if ((a == CT_INT && b == CT_REAL) || (a == CT_REAL && b == CT_INT)) return CT_REAL;
    return CT_TEXT;
}

/* A part's missing flags of one column ORed into the table's, which part
 * 0 allocates cleared for `alloc` rows (a fresh array's pages are only
 * backed where some part has a missing value).  The part's flags stay in
 * its reservation.  0 or -1 (no memory). */
static int join_flags(column *c, part *p, size_t k, column *pc, size_t alloc)
{
    if (k == 0 && !(c->miss = calloc(miss_words(alloc), sizeof *c->miss))) return -1;
    if (pc->miss) or_flags(c->miss, p->first, pc->miss, p->rows);
    pc->miss = NULL;
    return 0;
}

/* Column j of the table from the parts' columns: its type the join of
 * theirs, its values at their final width (each part's rows moved into the
 * table's array, its reservation given back once used), its flags, and the
 * rows to read again as text.  0 or -1 (no memory). */
static int join_column(loader *L, part *parts, size_t n, size_t j, size_t alloc)
{
    column *c = &L->t->cols[j];
    int ty = c->type;
    for (size_t k = 0; k < n; k++) ty = join_type(ty, parts[k].t.cols[j].type);
    if (L->cs[j].skip) {
        /* projected: a one-row array, as in one pass */
        for (size_t k = 0; k < n; k++) parts[k].t.cols[j] = (column){0};
        c->type = ty;
        void **v = col_values(c);
        return v && !(*v = calloc(1, type_size(ty))) ? -1 : 0;
    }
    int wide = 0;   /* some part's integers need 64 bits (put_int) */
    for (size_t k = 0; k < n && ty == CT_INT; k++) wide |= parts[k].t.cols[j].i != NULL;
    size_t w = ty == CT_INT && !wide ? sizeof(int32_t) : type_size(ty), text_from = 0;
    char *vals = NULL;
    for (size_t k = 0; k < n; k++) {
        part *p = &parts[k];
        column *pc = &p->t.cols[j];
        int pt = pc->type;
        void **pv = col_values(pc);
        char *src = pv ? *pv : NULL;
        /* its values, converted in place (8 bytes a row for integers) */
        int kept = pt == ty && ty != CT_NONE;
        if (ty == CT_REAL && pt == CT_INT) {
            ints_to_reals(src, p->rows, pc->i == NULL);
            kept = 1;
        } else if (kept && ty == CT_INT && wide && !pc->i) {
            widen_ints(src, p->rows);
        }
        if (kept && ty == CT_TEXT && p->cs[j].text_from) text_from = p->first + p->cs[j].text_from;
        if (!kept && pt != CT_NONE) text_from = p->first + p->rows;  /* read again as text */
        if (w) {
            if (!vals && !(vals = colmem_alloc(alloc * w))) return -1;
            if (kept) colmem_move(vals + p->first * w, src, p->rows * w);
            else memset(vals + p->first * w, 0, p->rows * w);
        }
        if (pv) *pv = NULL;
        if (join_flags(c, p, k, pc, alloc) != 0) {
            free(vals);
            return -1;
        }
    }
    c->type = ty;
    void **v = ty == CT_INT && wide ? (void **)&c->i : col_values(c);
    if (v) *v = vals;
    else free(vals);
    L->cs[j].text_from = text_from;
    return 0;
}

/* Under the run's lock, once part i is read: the first rows in the table
 * of the parts after a run of parts read from the first, each starting
 * where the one before ended (as read_parts proves them), for
 * rebase_part. */
static void publish_first(part_run *pr, size_t i)
{
    pr->parts[i].read = 1;
    size_t rows = 0;
    for (size_t k = 0; k + 1 < pr->nparts; k++) {
        const part *p = &pr->parts[k];
        if (!p->read || p->stopped || p->nomem || p->end != pr->parts[k + 1].start) return;
        rows += p->rows;
        __atomic_store_n(&pr->parts[k + 1].known_first, rows + 1, __ATOMIC_RELEASE);
    }
}

/* Task i of a part run; the calling thread keeps the progress line,
 * updated after each part read. */
static void part_task(void *ctx, size_t i, int caller)
{
    part_run *pr = ctx;
    if (pr->kind != TASK_READ) {
        int rc = pr->kind == TASK_JOIN ? join_column(pr->L, pr->parts, pr->nparts, i, pr->alloc)
                                       : pr->slice(pr->arg, pr->L, i);
        if (rc != 0) {
            pthread_mutex_lock(&pr->lock);
            pr->nomem = 1;
            pthread_mutex_unlock(&pr->lock);
        }
        return;
    }
    read_part(pr->L, pr->r, &pr->parts[i], &pr->pool_lock);
    pthread_mutex_lock(&pr->lock);
    publish_first(pr, i);
    double frac = (double)++pr->done / (double)pr->ntasks;
    pthread_mutex_unlock(&pr->lock);
    if (caller && pr->L->progress) {
        char what[300];
        snprintf(what, sizeof what, "reading %s", pr->L->t->path);
        progress_update(pr->L->progress, what, frac);
    }
}

/* Run `ntasks` tasks on `threads` threads, this one included. */
static void run_tasks(part_run *pr, int threads, size_t ntasks)
{
    pr->ntasks = ntasks;
    pr->done = 0;
    tasks_run(threads, ntasks, part_task, pr);
}

/* The table from the first n parts, its columns joined on `threads`
 * threads: `rows` rows (0 when the file stopped: none is kept).  0 or -1
 * (no memory). */
static int join_parts(part_run *pr, size_t n, size_t rows, int threads)
{
    loader *L = pr->L;
    table *t = L->t;
    if (!rows)
        for (size_t k = 0; k < n; k++) pr->parts[k].rows = pr->parts[k].first = 0;
    pr->kind = TASK_JOIN;
    pr->nparts = n;
    pr->alloc = rows ? rows : 1;
    run_tasks(pr, threads, t->ncols);
    for (size_t j = 0; j < t->ncols; j++)
        if (L->cs[j].text_from) L->reread_text = 1;
    t->nrows = rows;
    L->cap = pr->alloc;
    return pr->nomem ? -1 : 0;
}

/* Threads and parts for a file of `len` bytes of records; 0 parts: read
 * it in one pass. */
static size_t plan_parts(const loader *L, size_t len, int *threads)
{
    int th = tasks_threads(L->threads);
    *threads = th;
    if (L->part_bytes) return len / L->part_bytes + 1;
    if (th < 2 || len < 2 * (size_t)PART_MIN) return 0;
    size_t n = (size_t)th * 4;
    if (len / n < PART_MIN) n = len / PART_MIN;
    return n;
}

/* Read the data rows in parts; 0, or -1 when they must be read in one
 * pass instead (nothing was emitted, the table is untouched). */
static int read_parts(loader *L, csv_reader *r)
{
    if (L->sample || !csv_mapped(r)) return -1;
    size_t start = csv_offset(r), size = csv_file_size(r);
    if (start >= size) return -1;
    int threads;
    size_t n = plan_parts(L, size - start, &threads);
    if (n == 0) return -1;
    part *parts = calloc(n, sizeof *parts);
    if (!parts) return -1;
    for (size_t k = 0; k < n; k++) {
        size_t len = size - start, at = len / n * k + len % n * k / n;
        parts[k].start = k ? csv_next_line_start(r, start + at) : start;
        if (k) parts[k - 1].limit = parts[k].start;
    }
    parts[0].known_first = 1;   /* row 0 */
    parts[n - 1].limit = size;
    part_run pr = {.L = L, .r = r, .parts = parts, .nparts = n};
    pthread_mutex_init(&pr.lock, NULL);
    pthread_mutex_init(&pr.pool_lock, NULL);
    run_tasks(&pr, threads, n);
    /* prove each part's start, reading again the parts that started inside
     * a record; the parts after one that stopped are not needed */
    size_t at = start, used = n, rows = 0;
    int rc = 0;
    for (size_t k = 0; k < n && !rc; k++) {
        part *p = &parts[k];
        if (p->start != at) {
            part_free(p);
            p->start = at;
            if (p->limit < at) p->limit = at;
            p->known_first = rows + 1;
            read_part(L, r, p, &pr.pool_lock);
        }
        p->first = rows;
        rows += p->rows;
        if (p->nomem || rows >= (size_t)INT32_MAX - 1) rc = -1;   /* one pass says it */
        if (p->stopped) used = k + 1;
        if (p->stopped) break;
        at = p->end;
    }
    if (!rc) {
        long line = csv_line(r);
        for (size_t k = 0; k < used && !L->stopped; k++) {
            replay_part(L, &parts[k], line);
            line += parts[k].lines;
        }
        if (join_parts(&pr, used, L->stopped ? 0 : rows, threads) != 0) oom(L);
    }
    pthread_mutex_destroy(&pr.lock);
    pthread_mutex_destroy(&pr.pool_lock);
    for (size_t k = 0; k < n; k++) part_free(&parts[k]);
    free(parts);
    return rc;
}

/* The data rows: in parts on several threads when the file is large and
 * mapped, else in one pass. */
static void read_rows(loader *L, csv_reader *r)
{
    if (read_parts(L, r) != 0) {
        L->icache = calloc(1, sizeof *L->icache);   /* NULL: none */
        read_records(L, r);
        free(L->icache);
        L->icache = NULL;
    }
    L->d->bytes_read += csv_bytes_read(r);
}

/* ---- keys and links, on the run's threads ----------------------------- */

/* A table's rows are checked and linked in contiguous slices, a task each,
 * on the runner that reads and joins parts.  COHORT_CSV_PART_BYTES (the
 * test hook) also makes slices of that many rows, on any thread count. */
enum { SLICE_MIN = 1 << 16 };

/* How many slices of a table's n rows for `threads` threads. */
static size_t plan_slices(const loader *L, size_t n, int threads)
{
    if (L->part_bytes) return n / L->part_bytes + 1;
    size_t ns = threads < 2 ? 1 : n / SLICE_MIN;
    if (ns > (size_t)threads * 4) ns = (size_t)threads * 4;
    return ns ? ns : 1;
}

/* The first row of slice k of ns of n rows. */
static size_t slice_start(size_t n, size_t ns, size_t k)
{
    return n * k / ns;
}

/* Run fn(arg, L, k) for the ns slices on `threads` threads; 0 or -1 (some
 * task ran out of memory). */
static int run_slices(loader *L, int threads, size_t ns, int (*fn)(void *, const loader *, size_t),
                      void *arg)
{
    part_run pr = {.L = L, .kind = TASK_SLICE, .slice = fn, .arg = arg};
    pthread_mutex_init(&pr.lock, NULL);
    run_tasks(&pr, threads, ns);
    pthread_mutex_destroy(&pr.lock);
    return pr.nomem ? -1 : 0;
}

/* An integer key within a narrow range (a dense key hash) is put in its
 * slots on the threads: each slice finds its smallest and largest key,
 * then writes its rows into their slots, then checks that each of its rows
 * has a key and holds its slot (a duplicate's slot holds another row).
 * Upon any problem the slots are filled again in one pass, which finds the
 * problems in row order, as it does for other keys.  Each slice also notes
 * whether its keys are its first key + the row's place in the slice: when
 * every slice's are, and each slice starts where the one before ends, the
 * keys are base + row, none missing, none twice (keyhash's seq). */
typedef struct key_slice {
    size_t from, to;
    int64_t lo, hi;         /* the smallest and largest key */
    int64_t first;          /* the key of row from (seq) */
    int seq;                /* every key is first + (row - from) */
    int bad;                /* a key missing or taken by another row */
} key_slice;

typedef struct key_run {
    keyhash *h;
    const column *kc;
    key_slice *s;
} key_run;

static int key_range_task(void *arg, const loader *L, size_t k)
{
    (void)L;
    key_run *kr = arg;
    key_slice *s = &kr->s[k];
    s->lo = INT64_MAX;
    s->hi = INT64_MIN;
    s->first = s->from < s->to ? col_int(kr->kc, s->from) : 0;
    uint64_t next = (uint64_t)s->first;
    const int32_t *v32 = kr->kc->i32;
    int seq = 1;
    for (size_t row = s->from; row < s->to; row++, next++) {
        if (v32 && !(row & 63) && row + 64 <= s->to && !kr->kc->miss[row >> 6]) {
            /* 64 keys of 32 bits, none missing: in passes the compiler
             * vectorizes */
            int32_t lo = v32[row], hi = lo, nx = (int32_t)(uint32_t)next;
            uint32_t diff = 0;
            for (int i = 0; i < 64; i++) {
                int32_t v = v32[row + i];
                lo = v < lo ? v : lo;
                hi = v > hi ? v : hi;
                diff |= (uint32_t)v ^ ((uint32_t)nx + (uint32_t)i);
            }
            /* in sequence: the keys are next's low 32 bits + i, and next
             * and next + 63 are 32-bit values (else taken as out of
             * sequence: the slots serve) */
            seq &= !diff && (int64_t)next == (int64_t)nx && nx <= INT32_MAX - 63;
            if (lo < s->lo) s->lo = lo;
            if (hi > s->hi) s->hi = hi;
            row += 63;
            next += 63;
            continue;
        }
        if (col_missing(kr->kc, row)) {
            seq = 0;
            continue;
        }
        int64_t v = col_int(kr->kc, row);
        seq &= (uint64_t)v == next;
        if (v < s->lo) s->lo = v;
        if (v > s->hi) s->hi = v;
    }
    s->seq = seq;
    return 0;
}

static int key_put_task(void *arg, const loader *L, size_t k)
{
    (void)L;
    key_run *kr = arg;
    const key_slice *s = &kr->s[k];
    /* its keys' slots, when they are about one range of its own (keys in
     * the file's order usually are) */
    if (s->lo <= s->hi && (uint64_t)s->hi - (uint64_t)s->lo < 2 * (uint64_t)(s->to - s->from))
        colmem_populate(dense_slot(kr->h, s->lo), ((uint64_t)s->hi - (uint64_t)s->lo + 1) * sizeof *kr->h->slot);
    for (size_t row = s->from; row < s->to; row++)
        if (!col_missing(kr->kc, row))
            __atomic_store_n(key_slot(kr->h, kr->kc, kr->kc, row), (uint32_t)row + 1,
                             __ATOMIC_RELAXED);   /* a duplicate's slot: by either row */
    return 0;
}

static int key_check_task(void *arg, const loader *L, size_t k)
{
    (void)L;
    key_run *kr = arg;
    key_slice *s = &kr->s[k];
    for (size_t row = s->from; row < s->to && !s->bad; row++)
        s->bad = col_missing(kr->kc, row) || *key_slot(kr->h, kr->kc, kr->kc, row) != row + 1;
    return 0;
}

/* Whether the slices' keys are lo + row in every one of the n rows: each
 * slice's in sequence from its first, each slice's first where the slice
 * before ended, the first lo and the last hi = lo + n - 1 (no wrap). */
static int keys_in_sequence(const key_run *kr, size_t ns, int64_t lo, int64_t hi, size_t n)
{
    if (!n || lo > hi || (uint64_t)hi - (uint64_t)lo != n - 1) return 0;
    uint64_t next = (uint64_t)lo;
    for (size_t k = 0; k < ns; k++) {
        const key_slice *s = &kr->s[k];
        if (s->from == s->to) continue;
        if (!s->seq || (uint64_t)s->first != next) return 0;
        next += s->to - s->from;
    }
    return 1;
}

/* Build the key hash; missing and duplicate keys go to pending. */
static int build_keyhash(loader *L, pending **pv, size_t *np, size_t *pcap)
{
    table *t = L->t;
    const column *kc = &t->cols[t->key];
    keyhash *h = calloc(1, sizeof *h);
    if (!h) return -1;
    t->keyhash = h;
    h->nslots = 16;
    while (h->nslots < t->nrows + t->nrows / 2) h->nslots *= 2;   /* load factor <= 2/3 */
    int threads = tasks_threads(L->threads);
    size_t ns = plan_slices(L, t->nrows, threads);
    key_run kr = {h, kc, NULL};
    if (kc->type == CT_INT) {
        if (!(kr.s = calloc(ns, sizeof *kr.s))) return -1;
        for (size_t k = 0; k < ns; k++) {
            kr.s[k].from = slice_start(t->nrows, ns, k);
            kr.s[k].to = slice_start(t->nrows, ns, k + 1);
        }
        run_slices(L, threads, ns, key_range_task, &kr);
        int64_t lo = INT64_MAX, hi = INT64_MIN;
        for (size_t k = 0; k < ns; k++) {
            if (kr.s[k].lo < lo) lo = kr.s[k].lo;
            if (kr.s[k].hi > hi) hi = kr.s[k].hi;
        }
        /* hi - lo, not the range: that is 2^64 for keys from INT64_MIN to INT64_MAX */
        uint64_t span = lo <= hi ? (uint64_t)hi - (uint64_t)lo : 0;
        if (keys_in_sequence(&kr, ns, lo, hi, t->nrows)) {
            *h = (keyhash){.dense = 1, .seq = 1, .base = lo, .nslots = t->nrows};
            free(kr.s);
            return 0;
        }
        if (span < (uint64_t)h->nslots) {
            h->dense = 1;
            h->base = lo <= hi ? lo : 0;
            h->nslots = (size_t)span + 1;
        }
    }
    h->slot = calloc(h->nslots, sizeof *h->slot);
    if (!h->slot) {
        free(kr.s);
        return -1;
    }
    if (h->dense && ns > 1) {
        run_slices(L, threads, ns, key_put_task, &kr);
        run_slices(L, threads, ns, key_check_task, &kr);
        int bad = 0;
        for (size_t k = 0; k < ns; k++) bad |= kr.s[k].bad;
        if (!bad) {
            free(kr.s);
            return 0;
        }
        memset(h->slot, 0, h->nslots * sizeof *h->slot);
    }
    free(kr.s);
    for (size_t row = 0; row < t->nrows; row++) {
        if (col_missing(kc, row)) {
            if (*np < MAX_FILE_ERRORS &&
                add_pending(pv, np, pcap, (pending){row, t->key, PEND_KEY_MISSING, 0}) != 0)
                return -1;
            continue;
        }
        uint32_t *sl = key_slot(h, kc, kc, row);
        if (*sl) {
            if (*np < MAX_FILE_ERRORS &&
                add_pending(pv, np, pcap, (pending){row, t->key, PEND_KEY_DUP, *sl - 1}) != 0)
                return -1;
            continue;
        }
        *sl = (uint32_t)row + 1;
    }
    return 0;
}

/* The key hash of restored table p, built when a child must be linked to
 * it (the child's entry has no links to it, or none of this content): a
 * restored table's keys were checked when its entry was written, from the
 * same content and declaration, so the hash finds no missing or duplicate
 * key and serves the links alone (a rerun whose children come with their
 * links builds none).  0, or -1 out of memory (or a key problem, which a
 * verified entry cannot hold). */
static int restored_keyhash(loader *L, size_t p)
{
    table *t = L->t;
    pending *pend = NULL;
    size_t np = 0, cap = 0;
    L->t = &L->d->tables[p];
    int bad = build_keyhash(L, &pend, &np, &cap);
    L->t = t;
    free(pend);
    return bad || np ? -1 : 0;
}

/* A child table's rows are linked to their parent rows in slices: the
 * parent's key hash is only read.  Each slice keeps its first problems;
 * merged in slice order they are the table's first, as one pass finds
 * them.  Each also notes whether its parent rows never decrease from the
 * row before it on (the parent of that row found again, as the slice
 * before finds it) and its rows of one parent are in order (the order
 * column), and while they do, marks where each parent's group starts.
 * When every slice does, the grouping by parent is the file's order and
 * those starts are what data_groups would find (a slice whose rows do not
 * keep the order stops marking; its marks are then dropped). */
typedef struct link_slice {
    size_t from, to;        /* rows */
    int64_t before;         /* the parent row of row from - 1 (-1: none) */
    pending pend[MAX_FILE_ERRORS];
    size_t npend;
    int mono, ordered;      /* parent rows never decrease; groups in order */
} link_slice;

typedef struct link_run {
    const table *pt;        /* the parent */
    link_slice *s;
    size_t ns;
    uint32_t *off;          /* grouping: pt->nrows + 1 group starts, or NULL */
    int in_place;           /* parent_row is the link column's own array */
    int seq32;              /* the parent's keys are base + row, all within 32 bits */
} link_run;

/* The parent row of the child's row `row` (-1: its key is missing or
 * unknown), found in the parent's key hash. */
static int64_t parent_of(const table *pt, const column *fc, size_t row)
{
    return col_missing(fc, row) ? -1 : key_find(pt, fc, row);
}

/* The row of dense integer key v, or -1: without a branch that depends on
 * the key (slot 0 stands in for a value out of range). */
static inline int64_t dense_row(const keyhash *h, int64_t v)
{
    uint64_t k = (uint64_t)v - (uint64_t)h->base;
    int in = k < h->nslots;
    if (h->seq) return in ? (int64_t)k : -1;
    return in ? (int64_t)h->slot[in ? k : 0] - 1 : -1;
}

/* Bit i set where found[i + 1] != found[i], i < 64: where a row's parent
 * changes.  Sixteen rows a step with SSE2 (compares packed to bytes, one
 * movemask): the loop of shifts a row was about 30% of link_block's
 * samples at 1M. */
static inline uint64_t parent_changes(const int32_t *found)
{
    uint64_t ne = 0;
#ifdef __SSE2__
    for (int i = 0; i < 64; i += 16) {
        __m128i e[4];
        for (int q = 0; q < 4; q++)
            e[q] = _mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)(const void *)(found + i + 4 * q + 1)),
                                   _mm_loadu_si128((const __m128i *)(const void *)(found + i + 4 * q)));
        __m128i b = _mm_packs_epi16(_mm_packs_epi32(e[0], e[1]), _mm_packs_epi32(e[2], e[3]));
        ne |= (uint64_t)(~(unsigned)_mm_movemask_epi8(b) & 0xFFFFu) << i;
    }
#else
    for (int i = 0; i < 64; i++) ne |= (uint64_t)(found[i + 1] != found[i]) << i;
#endif
    return ne;
}

/* Rows [row, row + 64) of slice s, whose rows keep the parent order so
 * far, linked without a branch on their values: a dense integer key, none
 * missing; the order dates od (or none), none missing from row - 1 on.  1
 * with *last, s->ordered and the group starts advanced; 0 when a key is
 * unknown or the parent order breaks (those rows are then linked again one
 * by one, which finds the problem).  The rows' parent rows and group
 * starts are written once all are found (the starts only at the rows whose
 * parent changes): v32 may be prow's own array (link_run's in_place),
 * whose keys linking again reads. */
static int link_block(const link_run *lr, const int32_t *v32, const int32_t *od, int32_t *prow,
                      link_slice *s, size_t row, int64_t *last)
{
    const keyhash *h = lr->pt->keyhash;
    uint32_t *off = lr->off;
    int32_t found[65];      /* found[i + 1]: row + i's parent row; found[0]: the last's */
    int64_t l = *last;
    int bad = 0, ord = 1;
    found[0] = (int32_t)l;
    const int32_t *v = v32 + row;
    if (lr->seq32) {
        /* keys base + row within 32 bits: v - base in 32-bit lanes (a value
         * below base wraps to 2^32 - (base - v), past the rows) */
        uint32_t ub = (uint32_t)h->base, n = (uint32_t)h->nslots;
        for (int i = 0; i < 64; i++) {
            uint32_t k = (uint32_t)v[i] - ub;
            bad |= k >= n;
            found[i + 1] = (int32_t)k;
        }
    } else {
        for (int i = 0; i < 64; i++) {
            int64_t pr = dense_row(h, v[i]);
            bad |= pr < 0;
            found[i + 1] = (int32_t)pr;
        }
    }
    for (int i = 0; i < 64; i++) bad |= found[i + 1] < found[i];
    if (bad) return 0;
    if (od)
        for (int i = 0; i < 64; i++)
            ord &= (found[i + 1] != found[i]) | (od[row + i - 1] <= od[row + i]);
    if (off) {
        uint64_t starts = parent_changes(found);   /* bit i: row + i is the first of its parent's */
        /* groups (the parent before, its parent] start there (atomic: a
         * slice that breaks the order may have marked some another one
         * marks too) */
        for (uint64_t m = starts; m; m &= m - 1) {
            int i = __builtin_ctzll(m);
            for (int64_t g = (int64_t)found[i] + 1; g <= found[i + 1]; g++)
                __atomic_store_n(&off[g], (uint32_t)(row + (size_t)i), __ATOMIC_RELAXED);
        }
    }
    memcpy(prow + row, found + 1, 64 * sizeof *found);
    s->ordered &= ord;
    *last = found[64];
    return 1;
}

static int link_task(void *arg, const loader *L, size_t k)
{
    link_run *lr = arg;
    const table *t = L->t;
    link_slice *s = &lr->s[k];
    const column *fc = &t->cols[t->fk];
    const column *oc = t->order >= 0 ? &t->cols[t->order] : NULL;
    const int32_t *v32 = fc->type == CT_INT ? fc->i32 : NULL;   /* the usual key */
    const keyhash *h = lr->pt->keyhash;
    int dense = v32 && h->dense;    /* looked up in every row: cheaper than a test */
    int32_t *prow = t->parent_row;
    uint32_t *off = lr->off, spare;
    s->mono = s->ordered = 1;
    if (!lr->in_place) colmem_populate(prow + s->from, (s->to - s->from) * sizeof *prow);
    int64_t last = s->before;
    const int32_t *od = oc && oc->type == CT_DATE ? oc->d : NULL;
    for (size_t row = s->from; row < s->to; row++) {
        /* whole words of flags with no missing key (nor date): 64 rows at once */
        if (dense && s->mono && !(row & 63) && row > 0 && row + 64 <= s->to && !fc->miss[row >> 6] &&
            (!oc || (od && !oc->miss[row >> 6] && !col_missing(oc, row - 1))) &&
            link_block(lr, v32, od, prow, s, row, &last)) {
            row += 63;
            continue;
        }
        int64_t pr;
        int kind = -1;
        if (dense)
            pr = dense_row(h, v32[row]);
        else if (row > s->from && prow[row - 1] >= 0 && key_eq(fc, row - 1, fc, row))
            pr = prow[row - 1];   /* rows of one parent usually come together */
        else
            pr = col_missing(fc, row) ? -1 : key_find(lr->pt, fc, row);
        if (col_missing(fc, row)) {
            pr = -1;
            kind = PEND_FK_MISSING;
        } else if (pr < 0) {
            kind = PEND_FK_UNKNOWN;
        }
        prow[row] = (int32_t)pr;
        if (kind >= 0 && s->npend < MAX_FILE_ERRORS)
            s->pend[s->npend++] = (pending){row, t->fk, kind, 0};
        if (!s->mono) continue;
        if (pr < last) {
            s->mono = 0;
            continue;
        }
        /* a row of the last row's parent must not come before it */
        if (pr == last && oc && row > 0 && !rows_in_order(oc, row - 1, row)) s->ordered = 0;
        if (off && pr >= 0) {
            /* groups (last, pr] start here: written by this slice only
             * while its rows keep the order (atomic: a slice that breaks
             * it may have marked some another one marks too); the usual
             * row, of the last row's parent, writes aside */
            for (int64_t g = last + 1; g < pr; g++)
                __atomic_store_n(&off[g], (uint32_t)row, __ATOMIC_RELAXED);
            __atomic_store_n(pr == last ? &spare : &off[pr], (uint32_t)row, __ATOMIC_RELAXED);
        }
        last = pr;
    }
    return 0;
}

/* Link every row to its parent row; problems go to pending.  When there
 * is none and the grouping by parent is the file's order, *goff gets its
 * group starts (else NULL: data_groups builds it).  0 or -1 (no memory).
 * A link column of 32-bit integers that nothing reads after linking (it is
 * dropped: link_unread), linked through a dense key hash (a row's parent
 * from its own key alone), becomes parent_row: each row's parent row is
 * written over its key, so the links take no fresh pages; the column is
 * left without values. */
static int link_parent(loader *L, pending **pv, size_t *np, size_t *pcap, uint32_t **goff)
{
    table *t = L->t;
    column *fc = &t->cols[t->fk];
    size_t n = t->nrows;
    int threads = tasks_threads(L->threads);
    link_run lr = {.pt = &L->d->tables[t->parent], .ns = plan_slices(L, n, threads)};
    size_t ng = lr.pt->nrows;
    *goff = NULL;
    const keyhash *ph = lr.pt->keyhash;
    lr.seq32 = ph->seq && ph->base >= INT32_MIN && ph->base <= INT32_MAX &&
               ph->nslots - 1 <= (uint64_t)(INT32_MAX - ph->base);
    lr.in_place = !L->cache_dir && fc->type == CT_INT && fc->i32 && !fc->mapped &&
                  ph->dense && link_unread(L);
    t->parent_row = lr.in_place ? fc->i32 : malloc((n ? n : 1) * sizeof *t->parent_row);
    lr.s = calloc(lr.ns, sizeof *lr.s);
    if (!t->parent_row || !lr.s) {
        if (lr.in_place) t->parent_row = NULL;
        free(lr.s);
        return -1;
    }
    lr.off = malloc((ng + 1) * sizeof *lr.off);     /* NULL: data_groups groups */
    for (size_t k = 0; k < lr.ns; k++) {
        link_slice *s = &lr.s[k];
        s->from = slice_start(n, lr.ns, k);
        s->to = slice_start(n, lr.ns, k + 1);
        /* before any slice writes over the keys */
        s->before = s->from ? parent_of(lr.pt, fc, s->from - 1) : -1;
    }
    run_slices(L, threads, lr.ns, link_task, &lr);
    if (lr.in_place) fc->i32 = NULL;    /* its values are parent_row's now */
    const int32_t *prow = t->parent_row;
    int rc = 0, grouped = lr.off != NULL;
    for (size_t k = 0; k < lr.ns && !rc; k++) {
        const link_slice *s = &lr.s[k];
        for (size_t j = 0; j < s->npend && *np < MAX_FILE_ERRORS && !rc; j++)
            rc = add_pending(pv, np, pcap, s->pend[j]);
        if (s->npend || !s->mono || !s->ordered) grouped = 0;
    }
    if (!rc && grouped && !*np) {
        for (size_t g = n ? (size_t)prow[n - 1] + 1 : 0; g <= ng; g++) lr.off[g] = (uint32_t)n;
        *goff = lr.off;
    } else {
        free(lr.off);
    }
    free(lr.s);
    return rc;
}

/* After the pass: columns never seen with a value become text, except the
 * declared order column, which becomes a date column (no value says
 * otherwise: a table with a header and no rows can still be ordered);
 * arrays are trimmed to the row count. */
static void finish_columns(loader *L)
{
    table *t = L->t;
    int order = L->spec->order ? find_col(t, L->spec->order) : -1;
    for (size_t j = 0; j < t->ncols; j++) {
        column *c = &t->cols[j];
        if (c->type == CT_NONE && promote(L, j, (int)j == order ? CT_DATE : CT_TEXT, 0) != 0) {
            oom(L);
            return;
        }
        c->n = t->nrows;
    }
    if (L->cap > t->nrows && grow_columns(L, t->nrows) != 0) oom(L);
    for (size_t j = 0; j < t->ncols; j++) {
        column *c = &t->cols[j];
        if (!L->cs[j].skip) continue;
        void **v = col_values(c);
        if (v) {
            free(*v);
            *v = NULL;
        }
        free(c->miss);
        c->miss = NULL;
        c->n = 0;
        c->projected = 1;
    }
}

/* Integer columns still 32-bit once read (every value fits) give back the
 * other half of the 8 bytes a row they had while reading. */
static void narrow_ints(loader *L)
{
    table *t = L->t;
    for (size_t j = 0; j < t->ncols; j++) {
        column *c = &t->cols[j];
        if (c->type != CT_INT || !c->i32 || c->projected) continue;
        int32_t *sh = realloc(c->i32, (c->n ? c->n : 1) * sizeof *sh);
        if (sh) c->i32 = sh;
    }
}

/* The default order column (the first date column) of a child table turned
 * out to be a projected one: keep it after all, its values read again from
 * the file. */
static void unproject_order(loader *L)
{
    table *t = L->t;
    column *c = &t->cols[t->order];
    size_t n = t->nrows ? t->nrows : 1;
    c->miss = calloc(miss_words(n), sizeof *c->miss);
    c->d = calloc(n, sizeof *c->d);
    if (!c->miss || !c->d) {
        oom(L);
        return;
    }
    c->n = t->nrows;
    c->projected = 0;
    L->cs[t->order].skip = 0;
    L->cs[t->order].refill = 1;
    reread(L, NULL, 0);
    L->cs[t->order].refill = 0;
}

/* Key type and order column, checked once the types are known. */
static void check_schema(loader *L)
{
    table *t = L->t;
    const table_spec *sp = L->spec;
    char sug[160];
    if (t->key >= 0) {
        const column *kc = &t->cols[t->key];
        if (kc->type != CT_INT && kc->type != CT_TEXT) {
            site_error(L, "key column '%s' of table %s holds %s values; a key must be integer or text",
                       kc->name, t->name, type_name(kc->type));
        }
    }
    if (sp->order) {
        t->order = find_col(t, sp->order);
        if (t->order < 0) {
            site_error(L, "order column '%s' of table %s is not in %s%s", sp->order, t->name,
                       t->path, suggest(t, sp->order, sug, sizeof sug));
        } else {
            int ty = t->cols[t->order].type;
            if (ty != CT_DATE && ty != CT_INT && ty != CT_REAL) {
                site_error(L, "order column '%s' of table %s holds %s values, not dates",
                           sp->order, t->name, type_name(ty));
                t->order = -1;
            }
        }
    } else if (!sp->unordered) {
        for (size_t j = 0; j < t->ncols && t->order < 0; j++)
            if (t->cols[j].type == CT_DATE) t->order = (int)j;
    }
}

/* Which earlier table is the parent; 0 or -1 (reported). */
static int find_parent(loader *L, const table_spec *specs, size_t n, size_t ti)
{
    const table_spec *sp = &specs[ti];
    if (!sp->parent) return 0;
    for (size_t k = 0; k < ti; k++)
        if (specs[k].name && strcmp(specs[k].name, sp->parent) == 0) {
            L->t->parent = (int)k;
            return 0;
        }
    for (size_t k = ti; k < n; k++)
        if (specs[k].name && strcmp(specs[k].name, sp->parent) == 0) {
            site_error(L, "parent table %s of table %s must be declared before it", sp->parent,
                       sp->name);
            return -1;
        }
    site_error(L, "unknown parent table %s of table %s", sp->parent, sp->name);
    return -1;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* ---- the rerun cache --------------------------------------------------- */

static uint64_t hash_str(uint64_t h, const char *s)
{
    s = s ? s : "";
    return (h ^ colcache_hash(s, strlen(s) + 1)) * 0x100000001b3ULL + 1;
}

/* Everything besides the file's bytes that decides how it is read: the
 * table's declaration (name, key, order, declared types and date rules),
 * the type of the parent's key (its link column takes it), the strings
 * read as missing, and whether a child table's default order is looked
 * for at all (unordered: its rows stay in file order).  Not the projection: restore_cached checks it. */
static uint64_t spec_hash(const loader *L)
{
    const table_spec *sp = L->spec;
    const table *t = L->t;
    uint64_t h = hash_str(0, sp->name);
    h = hash_str(h, sp->key);
    h = hash_str(h, sp->order);
    h = hash_str(h, sp->parent);
    if (t->parent >= 0) {
        const table *pt = &L->d->tables[t->parent];
        h = hash_str(h, pt->key >= 0 ? pt->cols[pt->key].name : NULL);
        h = h * 31 + (uint64_t)(pt->key >= 0 ? pt->cols[pt->key].type : -1);
    }
    for (size_t k = 0; k < sp->ndecl; k++) {
        h = hash_str(h, sp->decl_names[k]);
        h = h * 31 + (uint64_t)sp->decl_types[k];
        h = h * 31 + (uint64_t)(sp->decl_impute ? sp->decl_impute[k] : IMPUTE_NONE);
    }
    for (size_t k = 0; k < L->nna; k++) h = hash_str(h, L->na[k]);
    /* a child ordered by default whose rows stay in file order */
    h = h * 31 + (uint64_t)(sp->unordered && !sp->order && t->parent >= 0);
    return h * 31 + L->nna;
}

/* Keep none of column c's values: projected, as if never kept (the pages
 * of a mapped one given back). */
static void drop_column(column *c)
{
    void **v = col_values(c);
    if (v) {
        if (!c->mapped || (c->type == CT_TEXT && !c->sid_mapped)) free(*v);   /* text: its own ids */
        else colcache_release(*v, c->n * data_col_width(c));
        *v = NULL;
    }
    if (c->mapped) colcache_release(c->miss, miss_words(c->n) * sizeof *c->miss);
    else free(c->miss);
    c->miss = NULL;
    c->n = 0;
    c->projected = 1;
}

/* Drop what a failed restore left in the table (and the links into it). */
static void unrestore(table *t, cache_state *cs)
{
    memset(&cs->links, 0, sizeof cs->links);
    data_free_columns(t->cols, t->ncols);
    if (t->map) munmap(t->map, t->maplen);
    t->map = NULL;
    t->cols = NULL;
    t->ncols = t->nrows = 0;
    t->key = t->fk = t->order = -1;
}

/* Is column `name` a restored table's link to its parent (its name the
 * parent's key's) that the rules never name and that is not also its key
 * or order?  It is then left out of the restore: the links restored with
 * the entry serve for it, and check_drop_unread would drop it after
 * loading, as the parse does without the cache (link_unread).  Should the
 * entry's links not be usable, load_table restores it with the column
 * (keep_link). */
static int skip_link(const loader *L, const char *name, int declared)
{
    const table_spec *sp = L->spec;
    const table *t = L->t;
    const table *pt = t->parent >= 0 ? &L->d->tables[t->parent] : NULL;
    return !L->keep_link && sp->want && !declared && pt && pt->key >= 0 &&
           strcmp(name, pt->cols[pt->key].name) == 0 && !(sp->key && strcmp(name, sp->key) == 0) &&
           !(sp->order && strcmp(name, sp->order) == 0) &&
           !bsearch(&name, sp->want, sp->nwant, sizeof *sp->want, name_cmp);
}

/* Does a restored table keep column `name` (choose_projection's rule, by
 * name: colcache_load then neither reads nor verifies the others)? */
static int keep_restored(void *ud, const char *name, int keyish, int declared)
{
    const loader *L = ud;
    const table_spec *sp = L->spec;
    if (L->shape_only) return 0;
    if (keyish) return !skip_link(L, name, declared);
    if (!sp->want || declared || (sp->order && strcmp(name, sp->order) == 0)) return 1;
    return bsearch(&name, sp->want, sp->nwant, sizeof *sp->want, name_cmp) != NULL;
}

/* The table from the rerun cache, as the parse below would leave it; 1, or
 * 0 to parse the file (no cache, a miss, or a column the rules use that the
 * entry did not keep).  Columns the entry kept that these rules never name
 * are left projected (colcache_load: unread, unverified), as the parse
 * would have projected them. */
static int restore_cached(loader *L, cache_state *cs)
{
    table *t = L->t;
    int parent = t->parent;
    cs->use = L->cache_dir && !L->sample && (parent < 0 || !L->failed[parent]) &&
              colcache_ident_of(t->file, &cs->id) == 0;
    if (!cs->use) return 0;
    cs->spec = spec_hash(L);
    colcache_want want = {keep_restored, L, L->shape_only};
    size_t skipped = 0;
    int hit = colcache_load(L->cache_dir, t->file, &cs->id, cs->spec, t, L->pool, &cs->links,
                            L->threads, &want, &skipped);
    L->d->files_hashed += cs->id.computed != 0;
    if (!hit) return 0;
    cs->dropped = skipped != 0;
    t->parent = parent;
    if (L->shape_only) {
        /* nothing kept, nothing to check: never read (table.unread) */
        t->unread = 1;
        cs->hit = 1;
        L->d->tables_cached++;
        L->d->tables_trusted += cs->id.entry_trusted != 0;
        L->d->tables_unread++;
        L->d->bytes_read += cs->id.size;
        return 1;
    }
    L->cs = calloc(t->ncols, sizeof *L->cs);
    if (!L->cs) {
        unrestore(t, cs);
        return 0;
    }
    choose_projection(L);
    for (size_t j = 0; j < t->ncols; j++) {
        column *c = &t->cols[j];
        int wanted = !L->cs[j].skip || (int)j == t->order;
        if (wanted && c->projected && !((int)j == t->fk && skip_link(L, c->name, c->declared))) {
            free(L->cs);
            L->cs = NULL;
            unrestore(t, cs);
            return 0;
        }
        if (!wanted && !c->projected) {
            drop_column(c);
            cs->dropped = 1;
        }
    }
    cs->hit = 1;
    L->d->tables_cached++;
    L->d->tables_trusted += cs->id.entry_trusted != 0;
    L->d->bytes_read += cs->id.size;
    return 1;
}

/* Were a restored table's links in its entry built from the parent's
 * content and declaration of this run (what link_parent and data_groups
 * would build again, and find no error in: the entry was written by a run
 * without errors)? */
static int links_usable(const loader *L, size_t ti)
{
    const table *t = L->t;
    const cache_state *cs = &L->cache[ti], *ps = t->parent >= 0 ? &L->cache[t->parent] : NULL;
    const colcache_links *k = &cs->links;
    return ps && cs->hit && k->parent_row && ps->use && ps->id.hashed && k->parent_hash == ps->id.hash &&
           k->parent_spec == ps->spec && k->ngroups == L->d->tables[t->parent].nrows;
}

/* A restored table's links from its entry, when usable; 1, or 0 to build
 * them. */
static int cached_links(loader *L, size_t ti)
{
    table *t = L->t;
    cache_state *cs = &L->cache[ti];
    const colcache_links *k = &cs->links;
    if (!links_usable(L, ti)) return 0;
    t->parent_row = (int32_t *)k->parent_row;   /* in t->map: not freed */
    cs->linked = 1;
    L->d->tables_linked++;
    return 1;
}

/* A table's grouping by parent, its group starts and rows (NULL: the
 * file's order) found by linking or kept in its cache entry; 0 or -1. */
static int set_groups(cohort_data *d, int ti, uint32_t *off, uint32_t *rows)
{
    table *t = &d->tables[ti];
    t->groups = calloc(d->ntables, sizeof *t->groups);
    if (!t->groups) return -1;
    t->groups[0] = (group_index){t->parent, d->tables[t->parent].nrows, off, rows};
    t->ngroups_built = 1;
    return 0;
}

/* Store the tables parsed without error (and their parents') in the cache,
 * with their links to the parent when its content is known; and a restored
 * table whose links were of another parent, unless the rules dropped
 * columns its entry keeps. */
static void store_cached(const loader *L, size_t n)
{
    cohort_data *d = L->d;
    for (size_t ti = 0; ti < n; ti++) {
        const cache_state *cs = &L->cache[ti];
        table *t = &d->tables[ti];
        /* the content the columns were restored or parsed from, for the
         * results cache's keys: a parse counts only when the file kept the
         * identity it was hashed with */
        if (cs->use && cs->id.hashed && (cs->hit || colcache_unchanged(t->file, &cs->id))) {
            uint64_t k[2] = {cs->id.hash, cs->spec};
            t->content = colcache_hash(k, sizeof k);
            t->has_content = 1;
        }
        if (!cs->use || (cs->hit && (cs->linked || !cs->links.parent_row || cs->dropped)))
            continue;
        if (cs->hit && t->parent < 0) continue;
        colcache_links k = {0};
        const cache_state *ps = t->parent >= 0 ? &L->cache[t->parent] : NULL;
        if (ps && ps->use && ps->id.hashed && t->parent_row && t->ngroups_built &&
            t->groups[0].ancestor == t->parent)
            k = (colcache_links){ps->id.hash, ps->spec, t->groups[0].ngroups, t->parent_row,
                                 t->groups[0].off, t->groups[0].rows};
        else if (cs->hit)
            continue;
        colcache_store(L->cache_dir, t->file, &cs->id, cs->spec, t, k.parent_row ? &k : NULL);
    }
}

/* Load specs[ti] into d->tables[ti]; returns the number of errors. */
static int load_table(loader *L, const table_spec *specs, size_t n, size_t ti)
{
    table *t = &L->d->tables[ti];
    const table_spec *sp = &specs[ti];
    L->t = t;
    L->spec = sp;
    L->cs = NULL;
    L->cap = 0;
    L->nerr = 0;
    L->stopped = 0;
    L->reread_text = 0;
    t->key = t->parent = t->fk = t->order = -1;
    t->name = xstrdup(sp->name ? sp->name : "");
    t->path = xstrdup(sp->label ? sp->label : sp->path ? sp->path : "");
    t->file = xstrdup(sp->path ? sp->path : "");
    if (!t->name || !t->path || !t->file) {
        diag_emit(L->dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "out of memory");
        return 1;
    }
    for (size_t k = 0; k < ti; k++)
        if (specs[k].name && strcmp(specs[k].name, t->name) == 0) {
            site_error(L, "table %s is declared twice", t->name);
            return L->nerr;
        }
    if (!sp->path) {
        site_error(L, "table %s has no file", t->name);
        return L->nerr;
    }
    if (find_parent(L, specs, n, ti) != 0) return L->nerr;
    /* a table nothing reads, and no child links to (a child parsed links
     * to its parent's keys), keeps its shape alone when restored */
    L->shape_only = sp->unread;
    for (size_t k = ti + 1; k < n && L->shape_only; k++)
        if (specs[k].parent && strcmp(specs[k].parent, t->name) == 0) L->shape_only = 0;
    int restored = restore_cached(L, &L->cache[ti]);
    L->shape_only = 0;
    if (restored) {
        if (t->unread || t->fk < 0 || !t->cols[t->fk].projected || links_usable(L, ti)) goto checks;
        /* the link column was left out for links that cannot serve: again
         * with it (counted once), else parsed */
        cache_state *cs = &L->cache[ti];
        size_t hashed = L->d->files_hashed;
        L->d->files_hashed -= cs->id.computed != 0;
        L->d->tables_cached--;
        L->d->tables_trusted -= cs->id.entry_trusted != 0;
        L->d->bytes_read -= cs->id.size;
        free(L->cs);
        L->cs = NULL;
        unrestore(t, cs);
        cs->hit = cs->dropped = 0;
        L->keep_link = 1;
        int again = restore_cached(L, cs);
        L->keep_link = 0;
        if (L->d->files_hashed < hashed) L->d->files_hashed = hashed;
        if (again) goto checks;
        free(L->cs);
        L->cs = NULL;
    }
    /* the test hook reads in parts, so maps, however small the file */
    csv_reader *r = L->part_bytes ? csv_open_mapped(t->file) : csv_open(t->file, 0);
    if (!r) {
        site_error(L, "cannot open %s for table %s: %s", t->path, t->name, regfile_error(errno));
        return L->nerr;
    }
    csv_set_fast(r, !L->slow);     /* its views inherit it */
    if (read_header(L, r) != 0) {
        csv_close(r);
        goto out;
    }
    apply_spec(L);
    choose_projection(L);
    if (L->nerr) {
        csv_close(r);
        goto out;
    }
    read_rows(L, r);
    csv_close(r);
    if (L->cs) {
        type_unchecked(L);
        finish_columns(L);
    }
    if (L->nerr && L->stopped) goto out;
    if (L->reread_text) {
        /* text cells first: the key checks below compare them */
        reread(L, NULL, 0);
        for (size_t j = 0; j < t->ncols; j++) L->cs[j].text_from = 0;
    }
    check_schema(L);
    if (t->order >= 0 && t->cols[t->order].projected && !L->nerr) {
        /* only the rows of a child table are ordered (in their groups) */
        if (t->parent >= 0) unproject_order(L);
        else t->order = -1;
    }
    if (!L->nerr) narrow_ints(L);
checks:;
    pending *pend = NULL;
    size_t npend = 0, pcap = 0;
    if (!L->sample && !L->nerr) {
        int bad = 0;
        /* a restored table's key hash only when a child links to it */
        if (t->key >= 0 && !L->cache[ti].hit) bad = build_keyhash(L, &pend, &npend, &pcap);
        const table *pt = t->parent >= 0 ? &L->d->tables[t->parent] : NULL;
        if (!bad && pt && t->fk >= 0 && !t->unread && !L->failed[t->parent] &&
            (pt->keyhash || (pt->key >= 0 && L->cache[t->parent].hit)) && !cached_links(L, ti)) {
            bad = pt->keyhash ? 0 : restored_keyhash(L, (size_t)t->parent);
            if (!bad) bad = link_parent(L, &pend, &npend, &pcap, &L->group_off[ti]);
        }
        if (bad) oom(L);
    }
    if (npend) reread(L, pend, npend);
    free(pend);
    if (!L->nerr && !L->cache_dir && t->parent_row && link_unread(L)) drop_column(&t->cols[t->fk]);
out:
    free(L->cs);
    L->cs = NULL;
    return L->nerr;
}

/* Whether the array p of n bytes lies in the table's mapping (an empty
 * array of an entry's last section points at the mapping's very end). */
static int in_map(const table *t, const void *p, size_t n)
{
    const char *m = t->map, *q = p;
    return m && q >= m && (n ? q < m + t->maplen : q <= m + t->maplen);
}

/* A table's links to its parent and its row groups (those in the rerun
 * cache's mapping stay mapped until data_free). */
static void drop_links(table *t)
{
    if (!in_map(t, t->parent_row, t->nrows * sizeof *t->parent_row)) free(t->parent_row);
    else colcache_release(t->parent_row, t->nrows * sizeof *t->parent_row);
    t->parent_row = NULL;
    for (size_t k = 0; k < t->ngroups_built; k++) {
        group_index *g = &t->groups[k];
        if (!in_map(t, g->off, (g->ngroups + 1) * sizeof *g->off)) free(g->off);
        else colcache_release(g->off, (g->ngroups + 1) * sizeof *g->off);
        if (!in_map(t, g->rows, t->nrows * sizeof *g->rows)) free(g->rows);
        else colcache_release(g->rows, t->nrows * sizeof *g->rows);
    }
    free(t->groups);
    t->groups = NULL;
    t->ngroups_built = 0;
}

/* The key hash serves linking the children while loading: it goes when
 * the last table that may link to it is loaded. */
static void free_keyhash(table *t)
{
    keyhash *h = t->keyhash;
    if (h) free(h->slot);
    free(h);
    t->keyhash = NULL;
}

cohort_data *data_load(const table_spec *specs, size_t n, const load_opts *opts, strpool *pool,
                       diag *dg)
{
    static const char *const default_na[] = {"NA"};
    cohort_data *d = calloc(1, sizeof *d);
    if (!d) {
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "out of memory");
        return NULL;
    }
    d->pool = pool;
    d->tables = calloc(n ? n : 1, sizeof *d->tables);
    loader L = {.d = d, .dg = dg, .pool = pool};
    if (opts && opts->nna) {
        L.na = opts->na;
        L.nna = opts->nna;
    } else {
        L.na = default_na;
        L.nna = 1;
    }
    L.sample = opts ? opts->sample_rows : 0;
    L.progress = opts ? opts->progress : NULL;
    L.threads = opts ? opts->threads : 0;
    const char *pb = getenv("COHORT_CSV_PART_BYTES");
    if (pb && *pb) L.part_bytes = (size_t)strtoull(pb, NULL, 10);
    const char *slow = getenv("COHORT_CSV_SLOW");
    L.slow = slow && strcmp(slow, "1") == 0;
    L.dates = dategroup_pick(NULL);
    L.ints = intgroup_pick(NULL);
    L.cache_dir = opts ? opts->cache_dir : NULL;
    L.nalen = malloc(L.nna * sizeof *L.nalen);
    L.failed = calloc(n ? n : 1, 1);
    L.cache = calloc(n ? n : 1, sizeof *L.cache);
    L.group_off = calloc(n ? n : 1, sizeof *L.group_off);
    if (!d->tables || !L.nalen || !L.failed || !L.cache || !L.group_off) {
        diag_emit(dg, DIAG_ERROR, NULL, 0, 0, 0, NULL, 0, "out of memory");
        free(L.nalen);
        free(L.failed);
        free(L.cache);
        free(L.group_off);
        data_free(d);
        return NULL;
    }
    for (size_t k = 0; k < L.nna; k++) {
        L.nalen[k] = strlen(L.na[k]);
        L.nalens |= (uint64_t)1 << (L.nalen[k] < 64 ? L.nalen[k] : 0);
        if (L.nalen[k] && strspn(L.na[k], "0123456789") == L.nalen[k]) L.ints = NULL;
    }
    int errors = 0;
    for (size_t ti = 0; ti < n; ti++) {
        d->ntables = ti + 1;
        int e = load_table(&L, specs, n, ti);
        L.failed[ti] = e > 0;
        errors += e;
        /* the key hashes no table still to load links to */
        for (size_t p = 0; p <= ti; p++) {
            size_t k = ti + 1;
            while (k < n && !(specs[k].parent && specs[p].name &&
                              strcmp(specs[k].parent, specs[p].name) == 0))
                k++;
            if (k == n) free_keyhash(&d->tables[p]);
        }
    }
    free(L.nalen);
    free(L.failed);
    if (errors) {
        for (size_t ti = 0; ti < n; ti++) free(L.group_off[ti]);
        free(L.group_off);
        free(L.cache);
        data_free(d);
        return NULL;
    }
    /* index every child table by its parent, ordered by date, as part of
     * loading: most were grouped while linking, or kept in the cache
     * (groups by grandparents are built when first needed); then keep the
     * tables for the next run */
    for (size_t ti = 0; ti < n; ti++) {
        if (L.sample || d->tables[ti].parent < 0) continue;
        if (L.cache[ti].linked &&
            set_groups(d, (int)ti, (uint32_t *)L.cache[ti].links.off,
                       (uint32_t *)L.cache[ti].links.rows) == 0)
            continue;
        if (L.group_off[ti] && set_groups(d, (int)ti, L.group_off[ti], NULL) == 0) {
            L.group_off[ti] = NULL;
            continue;
        }
        data_groups(d, (int)ti, d->tables[ti].parent);
    }
    for (size_t ti = 0; ti < n; ti++) free(L.group_off[ti]);
    free(L.group_off);
    if (L.cache_dir) store_cached(&L, n);
    free(L.cache);
    return d;
}

void data_free_columns(column *cols, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        column *c = &cols[j];
        free(c->name);
        if (!c->sid_mapped) free(c->sid);
        if (c->mapped) continue;   /* the rest points into the table's map */
        free(c->i);
        free(c->i32);
        free(c->r);
        free(c->d);
        free(c->b);
        free(c->miss);
    }
    free(cols);
}

void data_free(cohort_data *d)
{
    if (!d) return;
    for (size_t ti = 0; ti < d->ntables; ti++) {
        table *t = &d->tables[ti];
        data_free_columns(t->cols, t->ncols);
        free(t->name);
        free(t->path);
        free(t->file);
        /* links from the rerun cache's entry point into its mapping */
        drop_links(t);
        if (t->map) munmap(t->map, t->maplen);
        free_keyhash(t);
    }
    free(d->tables);
    free(d);
}

void data_drop_unread(cohort_data *d, const unsigned char *const *read,
                      const unsigned char *need)
{
    for (size_t ti = 0; ti < d->ntables; ti++) {
        table *t = &d->tables[ti];
        if (!t->file) continue;     /* derived (data_add_table) */
        for (size_t j = 0; j < t->ncols; j++) {
            column *c = &t->cols[j];
            int keep = (int)j == t->key || (int)j == t->order || c->declared;
            if (read[ti][j] || (keep && need[ti]) || c->projected) continue;
            drop_column(c);
        }
        if (need[ti]) continue;
        drop_links(t);
    }
}

/* ---- derived tables ---------------------------------------------------- */

int data_add_table(cohort_data *d, const char *name, int parent, const char *const *names,
                   const int *types, size_t ncols, int order)
{
    table *ts = realloc(d->tables, (d->ntables + 1) * sizeof *ts);
    if (!ts) return -1;
    d->tables = ts;
    table *t = &ts[d->ntables];
    memset(t, 0, sizeof *t);
    t->key = t->fk = -1;
    t->parent = parent;
    t->order = order;
    t->name = xstrdup(name);
    t->path = xstrdup(name);
    t->cols = calloc(ncols ? ncols : 1, sizeof *t->cols);
    if (!t->name || !t->path || !t->cols) {
        free(t->name);
        free(t->path);
        free(t->cols);
        return -1;
    }
    d->ntables++;
    t->ncols = ncols;
    for (size_t j = 0; j < ncols; j++) {
        t->cols[j].name = xstrdup(names[j]);
        t->cols[j].type = types[j];
        t->cols[j].declared = 1;
        t->cols[j].strs = strpool_strings(d->pool);
        if (!t->cols[j].name) return -1;
    }
    return data_set_rows(d, (int)d->ntables - 1, 0);
}

int data_set_rows(cohort_data *d, int ti, size_t nrows)
{
    table *t = &d->tables[ti];
    for (size_t k = 0; k < t->ngroups_built; k++) {
        free(t->groups[k].off);
        free(t->groups[k].rows);
    }
    free(t->groups);
    t->groups = NULL;
    t->ngroups_built = 0;
    size_t n = nrows ? nrows : 1;
    for (size_t j = 0; j < t->ncols; j++) {
        column *c = &t->cols[j];
        /* a derived table's integers are 64-bit (era.c writes them) */
        void **v = c->type == CT_INT ? (void **)&c->i : col_values(c);
        free(*v);
        free(c->miss);
        *v = calloc(n, type_size(c->type));
        c->miss = calloc(miss_words(n), sizeof *c->miss);
        c->n = nrows;
        if (!*v || !c->miss) return -1;
    }
    free(t->parent_row);
    t->parent_row = calloc(n, sizeof *t->parent_row);
    if (!t->parent_row) return -1;
    t->nrows = nrows;
    return (int)(t - d->tables);
}

int data_table_index(const cohort_data *d, const char *name)
{
    for (size_t k = 0; k < d->ntables; k++)
        if (strcmp(d->tables[k].name, name) == 0) return (int)k;
    return -1;
}

int data_column_index(const table *t, const char *name)
{
    return find_col(t, name);
}

int64_t data_ancestor_row(const cohort_data *d, int t, size_t row, int ancestor)
{
    if (t < 0 || (size_t)t >= d->ntables || ancestor < 0 || (size_t)ancestor >= d->ntables)
        return -1;
    if (row >= d->tables[t].nrows) return -1;
    int64_t r = (int64_t)row;
    while (t != ancestor) {
        const table *tb = &d->tables[t];
        if (tb->parent < 0 || !tb->parent_row) return -1;
        r = tb->parent_row[r];
        if (r < 0) return -1;
        t = tb->parent;
    }
    return r;
}

/* ---- grouping ---------------------------------------------------------- */

/* The order column's value as an unsigned key that sorts like the value. */
static uint64_t order_key(const column *c, size_t row)
{
    switch (c->type) {
    case CT_DATE: return (uint64_t)((uint32_t)c->d[row] ^ 0x80000000u);
    case CT_INT: return (uint64_t)col_int(c, row) ^ 0x8000000000000000ull;
    default: {
        double x = c->r[row];
        if (x == 0) x = 0;     /* -0.0 ties with 0.0 */
        uint64_t u;
        memcpy(&u, &x, sizeof u);
        return (u >> 63) ? ~u : u | 0x8000000000000000ull;
    }
    }
}

/* A row of a group being ordered: missing order values sort last, ties
 * keep the file order (the row number), so the sort need not be stable. */
typedef struct sort_item {
    uint64_t key;
    uint32_t miss, row;
} sort_item;

static int item_less(const sort_item *a, const sort_item *b)
{
    if (a->miss != b->miss) return a->miss < b->miss;
    if (a->key != b->key) return a->key < b->key;
    return a->row < b->row;
}

/* Bottom-up merge sort of it[0..n) using tmp[0..n); insertion sort for
 * runs of up to 16 first.  O(n log n). */
static void sort_items(sort_item *it, sort_item *tmp, size_t n)
{
    const size_t run = 16;
    for (size_t lo = 0; lo < n; lo += run) {
        size_t hi = lo + run < n ? lo + run : n;
        for (size_t i = lo + 1; i < hi; i++) {
            sort_item x = it[i];
            size_t j = i;
            while (j > lo && item_less(&x, &it[j - 1])) {
                it[j] = it[j - 1];
                j--;
            }
            it[j] = x;
        }
    }
    sort_item *src = it, *dst = tmp;
    for (size_t w = run; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi) dst[k++] = item_less(&src[b], &src[a]) ? src[b++] : src[a++];
            while (a < mid) dst[k++] = src[a++];
            while (b < hi) dst[k++] = src[b++];
        }
        sort_item *sw = src;
        src = dst;
        dst = sw;
    }
    if (src != it) memcpy(it, src, n * sizeof *it);
}

/* Row `row` as a sort item of the order column c. */
static sort_item item_of(const column *c, size_t row)
{
    sort_item it;
    it.miss = (uint32_t)col_missing(c, row);
    it.key = it.miss ? 0 : order_key(c, row);
    it.row = (uint32_t)row;
    return it;
}

/* May row b follow row a in a group of the order column c?  (Ties are in
 * file order, as item_less wants them.) */
static int items_in_order(const column *c, size_t a, size_t b)
{
    sort_item x = item_of(c, a), y = item_of(c, b);
    return !item_less(&y, &x);
}

/* The same, inline for date columns, the usual order (no sort items). */
static inline int rows_in_order(const column *c, size_t a, size_t b)
{
    if (c->type == CT_DATE && c->d) {
        int ma = col_missing(c, a), mb = col_missing(c, b);
        return !(ma > mb || (!ma && !mb && c->d[b] < c->d[a]));
    }
    return items_in_order(c, a, b);
}

/* Are the groups of consecutive rows (off) each in order already?  Each
 * row is compared with the one before it in its group. */
static int groups_in_order(const table *t, const uint32_t *off, size_t ng)
{
    if (t->order < 0) return 1;
    const column *c = &t->cols[t->order];
    for (size_t g = 0; g < ng; g++)
        for (size_t r = (size_t)off[g] + 1; r < off[g + 1]; r++)
            if (!rows_in_order(c, r - 1, r)) return 0;
    return 1;
}

/* Order each group's rows (already in file order) by the order column. */
static int order_groups(const table *t, const uint32_t *off, size_t ng, uint32_t *rows)
{
    const column *c = &t->cols[t->order];
    size_t maxg = 0;
    for (size_t g = 0; g < ng; g++)
        if (off[g + 1] - off[g] > maxg) maxg = off[g + 1] - off[g];
    if (maxg < 2) return 0;
    sort_item *it = malloc(2 * maxg * sizeof *it);
    if (!it) return -1;
    for (size_t g = 0; g < ng; g++) {
        size_t n = off[g + 1] - off[g];
        uint32_t *r = rows + off[g];
        if (n < 2) continue;
        int sorted = 1;
        for (size_t k = 0; k < n; k++) {
            it[k] = item_of(c, r[k]);
            if (k > 0 && item_less(&it[k], &it[k - 1])) sorted = 0;
        }
        if (sorted) continue;
        sort_items(it, it + maxg, n);
        for (size_t k = 0; k < n; k++) r[k] = it[k].row;
    }
    free(it);
    return 0;
}

const group_index *data_groups(cohort_data *d, int ti, int anc)
{
    if (ti < 0 || (size_t)ti >= d->ntables || anc < 0 || (size_t)anc >= d->ntables) return NULL;
    table *t = &d->tables[ti];
    /* a slot is filled before the count that publishes it (evaluation's
     * threads read the index built so far while one builds another, under
     * the evaluator's lock) */
    size_t built = __atomic_load_n(&t->ngroups_built, __ATOMIC_ACQUIRE);
    for (size_t k = 0; k < built; k++)
        if (t->groups[k].ancestor == anc) return &t->groups[k];
    for (int cur = ti; cur != anc; cur = d->tables[cur].parent)
        if (d->tables[cur].parent < 0 || !d->tables[cur].parent_row) return NULL;
    if (!t->groups) {
        /* one slot per possible ancestor: the array never moves */
        t->groups = calloc(d->ntables, sizeof *t->groups);
        if (!t->groups) return NULL;
    }
    size_t n = t->nrows, ng = d->tables[anc].nrows;
    uint32_t *arow = NULL, *rows = NULL;
    uint32_t *off = calloc(ng + 1, sizeof *off);
    if (!off) goto fail;
    if (t->parent == anc) {
        /* rows that come in the order of their parents (as files usually
         * list them) are already grouped: the counting sort below would
         * leave them in place; in date order too, they need no array */
        const int32_t *pr = t->parent_row;
        size_t i = 1;
        for (; i < n && pr[i] >= pr[i - 1]; i++)   /* off[g]: where group g starts */
            for (int32_t g = pr[i - 1] + 1; g <= pr[i]; g++) off[g] = (uint32_t)i;
        if (i >= n) {
            for (size_t g = n ? (size_t)pr[n - 1] + 1 : 0; g <= ng; g++) off[g] = (uint32_t)n;
            if (groups_in_order(t, off, ng)) goto indexed;
            if (!(rows = malloc((n ? n : 1) * sizeof *rows))) goto fail;
            for (i = 0; i < n; i++) rows[i] = (uint32_t)i;
            goto grouped;
        }
    }
    memset(off, 0, (ng + 1) * sizeof *off);
    rows = malloc((n ? n : 1) * sizeof *rows);
    if (!rows) goto fail;
    arow = malloc((n ? n : 1) * sizeof *arow);
    if (!arow) goto fail;
    for (size_t i = 0; i < n; i++) arow[i] = (uint32_t)i;
    for (int cur = ti; cur != anc; cur = d->tables[cur].parent) {
        const int32_t *pr = d->tables[cur].parent_row;
        for (size_t i = 0; i < n; i++) arow[i] = (uint32_t)pr[arow[i]];
    }
    /* counting sort by ancestor row: groups in file order */
    for (size_t i = 0; i < n; i++) off[arow[i] + 1]++;
    for (size_t g = 0; g < ng; g++) off[g + 1] += off[g];
    for (size_t i = 0; i < n; i++) rows[off[arow[i]]++] = (uint32_t)i;
    for (size_t g = ng; g > 0; g--) off[g] = off[g - 1];
    off[0] = 0;
    free(arow);
    arow = NULL;
grouped:
    if (t->order >= 0 && order_groups(t, off, ng, rows) != 0) goto fail;
    size_t same = 0;
    while (same < n && rows[same] == same) same++;
    if (same == n) {
        free(rows);     /* the file's order: group_row needs no array */
        rows = NULL;
    }
indexed:;
    group_index *gi = &t->groups[built];
    gi->ancestor = anc;
    gi->ngroups = ng;
    gi->off = off;
    gi->rows = rows;
    __atomic_store_n(&t->ngroups_built, built + 1, __ATOMIC_RELEASE);
    return gi;
fail:
    free(arow);
    free(off);
    free(rows);
    return NULL;
}
