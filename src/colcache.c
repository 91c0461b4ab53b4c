/* colcache.c: the rerun cache of parsed CSV tables (colcache.h).
 *
 * An entry is one file, named by a hash of the CSV file's real path and the
 * table's name: a header (magic, format, ABI tag, cohort's version, the
 * declaration's hash, the CSV file's size, mtime and content hash, the
 * table's shape, the payload's length and checksum) and the payload, every
 * column in order: its name, type and flags, then when kept its missing
 * flags and its values (text: the distinct strings once, then a 32-bit id
 * per row).  Every section starts 8-byte aligned.  Read by mapping the file
 * and copying the arrays out, after the checksum proved it whole. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1   /* realpath, madvise */
#endif
#include "colcache.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#include "regfile.h"

enum { CC_FORMAT = 1, CC_MIN_BYTES = 1 << 20 };
static const char cc_magic[8] = "COHCOLS";

typedef struct cc_header {
    char magic[8];
    uint32_t format, abi;
    char version[32];
    uint64_t spec, size;
    int64_t sec, nsec;
    uint64_t hash;
    uint64_t nrows, ncols;
    int64_t key, fk, order;
    uint64_t payload, check;
} cc_header;

typedef struct cc_col {
    uint32_t type, declared, projected, namelen;
    uint64_t ndict, dictbytes;
} cc_col;

/* What must equal for an entry's bytes to mean the same in this process. */
static uint32_t abi_tag(void)
{
    const uint32_t one = 1;
    unsigned char little;
    memcpy(&little, &one, 1);
    return (uint32_t)(sizeof(void *) | sizeof(size_t) << 4 | sizeof(cc_header) << 8 |
                      sizeof(cc_col) << 16 | (uint32_t)little << 24);
}

/* ---- the hash ---------------------------------------------------------- */

#define K1 0x9e3779b97f4a7c15ULL
#define K2 0xc2b2ae3d27d4eb4fULL
#define K3 0x165667b19e3779f9ULL

static uint64_t rd64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint64_t rotl(uint64_t x, int r)
{
    return x << r | x >> (64 - r);
}

static uint64_t lane(uint64_t acc, uint64_t w)
{
    return rotl(acc + w * K2, 31) * K1;
}

/* Four independent lanes over 32-byte blocks, then the tail.  Each step is
 * a bijection of its lane's state, so changing any one 8-byte word always
 * changes the result before the final mix (itself a bijection). */
uint64_t colcache_hash(const void *data, size_t n)
{
    const unsigned char *p = data;
    uint64_t a = K1 ^ (uint64_t)n, b = K2, c = K3, d = ~K1;
    size_t len = n;
    while (len >= 32) {
        a = lane(a, rd64(p));
        b = lane(b, rd64(p + 8));
        c = lane(c, rd64(p + 16));
        d = lane(d, rd64(p + 24));
        p += 32;
        len -= 32;
    }
    uint64_t h = rotl(a, 1) + rotl(b, 7) + rotl(c, 12) + rotl(d, 18);
    while (len >= 8) {
        h = rotl(h ^ lane(0, rd64(p)), 27) * K1 + K3;
        p += 8;
        len -= 8;
    }
    while (len) {
        h = rotl(h ^ (*p * K3), 11) * K1;
        p++;
        len--;
    }
    h ^= h >> 33;
    h *= K2;
    h ^= h >> 29;
    h *= K3;
    h ^= h >> 32;
    return h;
}

/* ---- where ------------------------------------------------------------- */

static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 1);
    if (!s) return NULL;
    memcpy(s, a, na);
    memcpy(s + na, b, nb + 1);
    return s;
}

char *colcache_dir(void)
{
    const char *off = getenv("COHORT_CACHE");
    if (off && (!strcmp(off, "off") || !strcmp(off, "0"))) return NULL;
    const char *d = getenv("COHORT_CACHE_DIR");
    if (d && *d) return join(d, "");
    d = getenv("XDG_CACHE_HOME");
    if (d && *d == '/') return join(d, "/cohort");
    d = getenv("HOME");
    if (d && *d == '/') return join(d, "/.cache/cohort");
    return NULL;
}

/* dir/<16 hex digits>.cohortcache for (the real path of path, tname). */
static char *entry_path(const char *dir, const char *path, const char *tname)
{
    char *real = realpath(path, NULL);
    if (!real) return NULL;
    size_t nr = strlen(real), nt = strlen(tname);
    char *key = malloc(nr + nt + 2);
    if (!key) {
        free(real);
        return NULL;
    }
    memcpy(key, real, nr + 1);
    memcpy(key + nr + 1, tname, nt + 1);
    uint64_t h = colcache_hash(key, nr + nt + 2);
    free(key);
    free(real);
    size_t n = strlen(dir) + 32;
    char *e = malloc(n);
    if (e) snprintf(e, n, "%s/%016llx.cohortcache", dir, (unsigned long long)h);
    return e;
}

int colcache_ident_of(const char *path, colcache_ident *id)
{
    size_t min = CC_MIN_BYTES;
    const char *m = getenv("COHORT_CACHE_MIN_BYTES");
    if (m && *m) min = (size_t)strtoull(m, NULL, 10);
    int fd = regfile_open(path);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0 || (uint64_t)st.st_size < min || st.st_size == 0) {
        close(fd);
        return -1;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return -1;
#ifdef MADV_SEQUENTIAL
    madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
#endif
    id->size = (uint64_t)st.st_size;
    id->sec = (int64_t)st.st_mtim.tv_sec;
    id->nsec = (int64_t)st.st_mtim.tv_nsec;
    id->hash = colcache_hash(p, (size_t)st.st_size);
    munmap(p, (size_t)st.st_size);
    return 0;
}

static size_t type_size(int type)
{
    switch (type) {
    case CT_INT: return sizeof(int64_t);
    case CT_REAL: return sizeof(double);
    case CT_DATE: return sizeof(int32_t);
    case CT_BOOL: return sizeof(uint8_t);
    default: return 0;
    }
}

static void *values_of(const column *c)
{
    switch (c->type) {
    case CT_INT: return c->i;
    case CT_REAL: return c->r;
    case CT_DATE: return c->d;
    case CT_BOOL: return c->b;
    default: return NULL;
    }
}

static size_t pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* ---- reading ------------------------------------------------------------ */

/* A bounds-checked cursor over the payload. */
typedef struct cursor {
    const unsigned char *p;
    size_t left;
} cursor;

static const void *take(cursor *c, size_t n)
{
    size_t k = pad8(n);
    if (k < n || k > c->left) return NULL;
    const void *r = c->p;
    c->p += k;
    c->left -= k;
    return r;
}

/* One text column's values: intern the distinct strings, then map ids. */
static int read_text(cursor *cu, const cc_col *h, column *c, size_t nrows, strpool *pool)
{
    if (h->ndict > UINT32_MAX || h->ndict > SIZE_MAX / sizeof(uint64_t) - 1) return -1;
    const uint64_t *off = take(cu, ((size_t)h->ndict + 1) * sizeof *off);
    const char *bytes = take(cu, (size_t)h->dictbytes);
    const uint32_t *ids = take(cu, nrows * sizeof *ids);
    if (!off || (!bytes && h->dictbytes) || !ids) return -1;
    const char **dict = malloc(((size_t)h->ndict + 1) * sizeof *dict);
    c->s = malloc((nrows ? nrows : 1) * sizeof *c->s);
    if (!dict || !c->s) {
        free(dict);
        return -1;
    }
    int rc = 0;
    for (size_t k = 0; k < h->ndict && !rc; k++) {
        if (off[k] > off[k + 1] || off[k + 1] > h->dictbytes) rc = -1;
        else if (!(dict[k] = strpool_intern(pool, bytes + off[k], (size_t)(off[k + 1] - off[k]))))
            rc = -1;
    }
    for (size_t r = 0; r < nrows && !rc; r++) {
        if (ids[r] == UINT32_MAX) c->s[r] = NULL;
        else if (ids[r] < h->ndict) c->s[r] = dict[ids[r]];
        else rc = -1;
    }
    free(dict);
    return rc;
}

static int read_column(cursor *cu, column *c, size_t nrows, strpool *pool)
{
    const cc_col *h = take(cu, sizeof *h);
    if (!h || h->type < CT_INT || h->type > CT_BOOL || h->namelen > 4096) return -1;
    const char *name = take(cu, h->namelen);
    if (!name && h->namelen) return -1;
    c->name = malloc(h->namelen + 1);
    if (!c->name) return -1;
    memcpy(c->name, name, h->namelen);
    c->name[h->namelen] = 0;
    c->type = (int)h->type;
    c->declared = h->declared != 0;
    c->projected = h->projected != 0;
    if (c->projected) return 0;
    c->n = nrows;
    size_t alloc = nrows ? nrows : 1;
    const uint8_t *miss = take(cu, nrows);
    c->miss = calloc(alloc, 1);
    if ((!miss && nrows) || !c->miss) return -1;
    if (nrows) memcpy(c->miss, miss, nrows);
    if (c->type == CT_TEXT) return read_text(cu, h, c, nrows, pool);
    size_t sz = type_size(c->type);
    const void *v = take(cu, nrows * sz);
    void *dst = calloc(alloc, sz);
    if ((!v && nrows) || !dst) {
        free(dst);
        return -1;
    }
    if (nrows) memcpy(dst, v, nrows * sz);
    switch (c->type) {
    case CT_INT: c->i = dst; break;
    case CT_REAL: c->r = dst; break;
    case CT_DATE: c->d = dst; break;
    default: c->b = dst; break;
    }
    return 0;
}

static int header_matches(const cc_header *h, const colcache_ident *id, uint64_t spec,
                          size_t filesize)
{
    char version[sizeof h->version] = {0};
    snprintf(version, sizeof version, "%s", PACKAGE_VERSION);
    return !memcmp(h->magic, cc_magic, sizeof cc_magic) && h->format == CC_FORMAT &&
           h->abi == abi_tag() && !memcmp(h->version, version, sizeof version) &&
           h->spec == spec && h->size == id->size && h->sec == id->sec && h->nsec == id->nsec &&
           h->hash == id->hash && h->payload == filesize - sizeof *h && h->nrows <= INT32_MAX &&
           h->ncols > 0 && h->ncols <= 65536 && h->key >= -1 && h->key < (int64_t)h->ncols &&
           h->fk >= -1 && h->fk < (int64_t)h->ncols && h->order >= -1 &&
           h->order < (int64_t)h->ncols;
}

int colcache_load(const char *dir, const char *path, const colcache_ident *id, uint64_t spec,
                  table *t, strpool *pool)
{
    char *ep = entry_path(dir, path, t->name);
    if (!ep) return 0;
    int fd = open(ep, O_RDONLY | O_CLOEXEC);
    free(ep);
    if (fd < 0) return 0;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size <= sizeof(cc_header)) {
        close(fd);
        return 0;
    }
    size_t fsize = (size_t)st.st_size;
    void *map = mmap(NULL, fsize, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) return 0;
    const cc_header *h = map;
    const unsigned char *payload = (const unsigned char *)map + sizeof *h;
    int hit = 0;
    if (header_matches(h, id, spec, fsize) && colcache_hash(payload, h->payload) == h->check) {
        size_t ncols = (size_t)h->ncols, nrows = (size_t)h->nrows;
        column *cols = calloc(ncols, sizeof *cols);
        cursor cu = {payload, (size_t)h->payload};
        int bad = !cols;
        for (size_t j = 0; j < ncols && !bad; j++) bad = read_column(&cu, &cols[j], nrows, pool);
        if (bad || cu.left) {
            if (cols) data_free_columns(cols, ncols);
        } else {
            t->cols = cols;
            t->ncols = ncols;
            t->nrows = nrows;
            t->key = (int)h->key;
            t->fk = (int)h->fk;
            t->order = (int)h->order;
            hit = 1;
        }
    }
    munmap(map, fsize);
    return hit;
}

/* ---- writing ------------------------------------------------------------ */

/* Interned pointer -> id, open addressing. */
typedef struct ptrmap {
    const char **key;
    uint32_t *id;
    size_t cap, n;
} ptrmap;

static size_t ptr_slot(const ptrmap *m, const char *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p * K1;
    size_t i = (size_t)(x >> 20) & (m->cap - 1);
    while (m->key[i] && m->key[i] != p) i = (i + 1) & (m->cap - 1);
    return i;
}

static int ptr_grow(ptrmap *m)
{
    ptrmap g = {calloc(m->cap * 2, sizeof *g.key), malloc(m->cap * 2 * sizeof *g.id), m->cap * 2,
                m->n};
    if (!g.key || !g.id) {
        free(g.key);
        free(g.id);
        return -1;
    }
    for (size_t k = 0; k < m->cap; k++)
        if (m->key[k]) {
            size_t i = ptr_slot(&g, m->key[k]);
            g.key[i] = m->key[k];
            g.id[i] = m->id[k];
        }
    free(m->key);
    free(m->id);
    *m = g;
    return 0;
}

static int put(FILE *f, const void *p, size_t n)
{
    static const char zero[8];
    size_t k = pad8(n) - n;
    return (n && fwrite(p, 1, n, f) != n) || (k && fwrite(zero, 1, k, f) != k) ? -1 : 0;
}

/* A text column: its distinct strings in order of first use, then ids. */
static int write_text(FILE *f, cc_col *h, const column *c, size_t nrows)
{
    ptrmap m = {calloc(1024, sizeof *m.key), malloc(1024 * sizeof *m.id), 1024, 0};
    uint32_t *ids = malloc((nrows ? nrows : 1) * sizeof *ids);
    const char **order = malloc(1024 * sizeof *order);
    size_t ocap = 1024;
    int rc = !m.key || !m.id || !ids || !order ? -1 : 0;
    for (size_t r = 0; r < nrows && !rc; r++) {
        const char *s = c->s[r];
        if (!s) {
            ids[r] = UINT32_MAX;
            continue;
        }
        size_t i = ptr_slot(&m, s);
        if (!m.key[i]) {
            if (m.n >= UINT32_MAX - 1) {
                rc = -1;
                break;
            }
            if (m.n == ocap) {
                const char **o = realloc(order, 2 * ocap * sizeof *o);
                if (!o) {
                    rc = -1;
                    break;
                }
                order = o;
                ocap *= 2;
            }
            m.key[i] = s;
            m.id[i] = (uint32_t)m.n;
            order[m.n++] = s;
            if (2 * m.n > m.cap && ptr_grow(&m) != 0) {
                rc = -1;
                break;
            }
            i = ptr_slot(&m, s);
        }
        ids[r] = m.id[i];
    }
    uint64_t *off = rc ? NULL : malloc((m.n + 1) * sizeof *off);
    if (!off) rc = -1;
    if (!rc) {
        off[0] = 0;
        for (size_t k = 0; k < m.n; k++) off[k + 1] = off[k] + strlen(order[k]);
        h->ndict = m.n;
        h->dictbytes = off[m.n];
        rc = put(f, h, sizeof *h) || put(f, c->name, h->namelen) || put(f, c->miss, nrows) ||
             put(f, off, (m.n + 1) * sizeof *off);
        static const char zero[8];
        for (size_t k = 0; k < m.n && !rc; k++)
            rc = fwrite(order[k], 1, off[k + 1] - off[k], f) != off[k + 1] - off[k];
        size_t k = pad8(h->dictbytes) - h->dictbytes;
        if (!rc && k) rc = fwrite(zero, 1, k, f) != k;
        if (!rc) rc = put(f, ids, nrows * sizeof *ids);
    }
    free(off);
    free(m.key);
    free(m.id);
    free(ids);
    free(order);
    return rc ? -1 : 0;
}

static int write_column(FILE *f, const column *c, size_t nrows)
{
    cc_col h = {(uint32_t)c->type, (uint32_t)c->declared, (uint32_t)c->projected,
                (uint32_t)strlen(c->name), 0, 0};
    if (!c->projected && c->type == CT_TEXT) return write_text(f, &h, c, nrows);
    if (put(f, &h, sizeof h) || put(f, c->name, h.namelen)) return -1;
    if (c->projected) return 0;
    return put(f, c->miss, nrows) || put(f, values_of(c), nrows * type_size(c->type)) ? -1 : 0;
}

/* The checksum of what was written after the header, then the header. */
static int seal(int fd, cc_header *h)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || (size_t)st.st_size <= sizeof *h) return -1;
    size_t n = (size_t)st.st_size;
    void *p = mmap(NULL, n, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return -1;
    h->payload = n - sizeof *h;
    h->check = colcache_hash((const unsigned char *)p + sizeof *h, h->payload);
    munmap(p, n);
    return pwrite(fd, h, sizeof *h, 0) == (ssize_t)sizeof *h ? 0 : -1;
}

void colcache_store(const char *dir, const char *path, const colcache_ident *id, uint64_t spec,
                    const table *t)
{
    struct stat st;
    if (stat(path, &st) != 0 || (uint64_t)st.st_size != id->size ||
        (int64_t)st.st_mtim.tv_sec != id->sec || (int64_t)st.st_mtim.tv_nsec != id->nsec)
        return;   /* changed while it was read: the parse may not match id */
    if (t->nrows > INT32_MAX) return;
    for (size_t j = 0; j < t->ncols; j++)
        if (t->cols[j].type < CT_INT || t->cols[j].type > CT_BOOL) return;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) return;
    char *ep = entry_path(dir, path, t->name);
    if (!ep) return;
    size_t n = strlen(ep) + 8;
    char *tmp = malloc(n);
    if (!tmp) {
        free(ep);
        return;
    }
    snprintf(tmp, n, "%s.XXXXXX", ep);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w+b") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        goto out;
    }
    cc_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, cc_magic, sizeof cc_magic);
    h.format = CC_FORMAT;
    h.abi = abi_tag();
    snprintf(h.version, sizeof h.version, "%s", PACKAGE_VERSION);
    h.spec = spec;
    h.size = id->size;
    h.sec = id->sec;
    h.nsec = id->nsec;
    h.hash = id->hash;
    h.nrows = t->nrows;
    h.ncols = t->ncols;
    h.key = t->key;
    h.fk = t->fk;
    h.order = t->order;
    int rc = put(f, &h, sizeof h);
    for (size_t j = 0; j < t->ncols && !rc; j++) rc = write_column(f, &t->cols[j], t->nrows);
    if (!rc) rc = fflush(f) != 0 || seal(fileno(f), &h) != 0;
    if (fclose(f) != 0) rc = -1;
    if (rc || rename(tmp, ep) != 0) unlink(tmp);
out:
    free(tmp);
    free(ep);
}
