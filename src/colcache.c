/* colcache.c: the rerun cache of parsed CSV tables (colcache.h).
 *
 * An entry is one file, named by a hash of the CSV file's real path and the
 * table's name: a header (magic, format, ABI tag, cohort's version, the
 * declaration's hash, the CSV file's identity and when it was taken, its
 * content hash and SHA-256, the table's shape, the payload's length, its
 * number of sections and the hash of their hashes' table, the entry's
 * own identity (entrystamp.h: format 7), and the header's own checksum)
 * and the payload, every column in order: its name, type and flags, then when kept its missing
 * flags (one bit a row, data.h) and its values (text: the distinct strings
 * once with the id each had in the writing run's string pool, then each
 * row's id as it was: format 6), then the links to the parent table when
 * kept (each row's parent row, the groups' offsets and rows), then the
 * table of every section's hash.  Every section is padded with zeros to 8
 * bytes.  An entry is mapped (privately; each section the run reads
 * populated by the thread that hashes it, MADV_POPULATE_READ) and its
 * columns' missing flags and numeric values point into the mapping, which
 * the table keeps (data.h: column.mapped, table.map); so do a text
 * column's ids when this run's pool gives its strings the ids they had,
 * else they are mapped to this run's (intern_texts).  An entry whose own
 * identity holds (entrystamp.h: the entry file as cohort wrote it, written
 * to by nobody since) is trusted: its sections are not hashed nor read in
 * advance, the range checks of its links and of ids used in place left
 * out with the hash (hash_section); only a text column's ids mapped to
 * this run's are read, and checked, at restore.  Otherwise (or with
 * COHORT_CACHE=verify) each section the run uses is hashed
 * and its hash compared with the table's (whose own hash the header
 * holds) before the table is used (about the memory's speed: a damaged
 * entry is never used): the sections are laid out first, then hashed on
 * the run's threads, each checked piece by piece as it is hashed (links
 * and ids in range, ids mapped to strings).  The data of a column the
 * run's rules do not read (the entry keeps the columns an earlier run
 * read) is neither read nor verified, only its header and name: it is
 * left projected, as the parse would leave it; with want->no_links the
 * links are passed over the same way (a table nothing in the rules can
 * read is restored with its shape alone: data.c).  cohort never changes an entry's payload in place (it
 * renames a new entry over it, and renews only the header in place, its
 * mtime then set back when the entry was trusted: entry_stamp_rewrite), so a
 * mapping stays whole; truncating an entry by hand while a run has it
 * mapped would end that run (SIGBUS), like truncating any mapped file.
 *
 * A CSV file whose identity cannot vouch for it is hashed from a mapping,
 * its 1 MiB blocks on the run's threads and chained in order (hash_file);
 * an entry is written section by section straight from the table's
 * arrays (a text column's ids through a small buffer, put_ids), in writes
 * of at most 16 KiB (fput: small page-cache pages, which on this VM cost
 * a tenth of large folios).
 *
 * Racy identities.  The content hash recorded with an identity is reused
 * without reading the file only when the identity's modification and
 * change times are more than RACY_NS older than the clock read before the
 * file was hashed.  A write to the file after that moment sets its change
 * time to the moment of the write, which no user can set back (utimensat
 * sets the modification time and, with it, the change time to now), so the
 * identity then differs; a write before it, within the same tick of a
 * filesystem's coarse timestamps as the recorded times, is what the margin
 * excludes (git distrusts an index entry whose file is not older than the
 * index, for the same reason).  An identity not yet old enough is simply
 * hashed again at the next run, and renewed in the entry's header. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1   /* realpath */
#endif
#include "colcache.h"
#include "tasks.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "config.h"
#include "entrystamp.h"
#include "regfile.h"

enum { CC_FORMAT = 7, CC_MIN_BYTES = 1 << 20 };
static const char cc_magic[8] = "COHCOLS";
/* how much older than the moment it was hashed a file's times must be for
 * its identity to vouch for its content (2 s: FAT's timestamps, the
 * coarsest of the usual filesystems, and the kernel's coarse clock;
 * $COHORT_CACHE_RACY_NS, a test hook, sets another) */
#define RACY_NS 2000000000LL

typedef struct cc_header {
    char magic[8];
    uint32_t format, abi;
    char version[32];
    uint64_t spec;
    uint64_t dev, ino, size;
    int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec, seen_sec, seen_nsec;
    uint64_t hash;
    uint8_t sha256[SHA256_BYTES];
    uint64_t has_sha256;
    uint64_t nrows, ncols;
    int64_t key, fk, order;
    uint64_t links, parent_hash, parent_spec, ngroups;  /* colcache_links (links
                                       1: with the grouped rows, 2: in file order) */
    uint64_t payload;               /* the payload's length */
    uint64_t nsec, sections;        /* its sections (the table of their hashes, the
                                       payload's last nsec words, not counted) and
                                       the hash of that table */
    entry_stamp own;                /* the entry's own identity (entrystamp.h; format 7) */
    uint64_t check;                 /* hash of this header, check zero */
} cc_header;

typedef struct cc_col {
    uint32_t type, declared, projected, namelen;
    uint32_t width, pad;    /* bytes a value (4: a 32-bit CT_INT column) */
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

/* Sixteen independent lanes over 128-byte blocks (HBLOCK), then the tail:
 * lane j takes word j of every block, x = lane + word, x += (x mod 2^32) *
 * KE (KE even: a bijection, as x mod 2^32 is then multiplied by the odd
 * 1 + KE), lane = x rotated left by 31.  For a lane's state each step is
 * injective in the word and a bijection of the state, so changing any one
 * 8-byte word always changes its lane, and the lanes are folded into the
 * result by bijections in turn (hash_end): any one changed word always
 * changes the result; other damage goes unseen with a chance of about
 * 2^-64.  32-bit multiplies, so that the AVX-512 form (hash_blocks_avx512:
 * the same values, two vectors of 8 lanes) runs at about the memory's
 * speed (format 5; format 4's 4 lanes of 64-bit multiplies took twice the
 * time).  Taken in pieces (hash_begin, hash_blocks, hash_end) by
 * hash_section, which checks each piece of a section while it is in the
 * cache. */
enum { HLANES = 16, HBLOCK = 8 * HLANES };
#define KE 0x9e3779b8ULL
typedef struct hstate {
    uint64_t l[HLANES];
} hstate;

static void hash_begin(hstate *s, size_t n)
{
    for (int j = 0; j < HLANES; j++) s->l[j] = (K1 ^ (uint64_t)n) + (uint64_t)j * K2;
}

static uint64_t step(uint64_t a, uint64_t w)
{
    uint64_t x = a + w;
    x += (x & 0xffffffffULL) * KE;
    return rotl(x, 31);
}

static void hash_blocks_portable(hstate *s, const unsigned char *p, size_t len)
{
    uint64_t l[HLANES];
    memcpy(l, s->l, sizeof l);
    for (; len >= HBLOCK; p += HBLOCK, len -= HBLOCK)
        for (int j = 0; j < HLANES; j++) l[j] = step(l[j], rd64(p + 8 * j));
    memcpy(s->l, l, sizeof l);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
static __attribute__((target("avx512f"))) void hash_blocks_avx512(hstate *s, const unsigned char *p, size_t len)
{
    __m512i a = _mm512_loadu_si512(s->l), b = _mm512_loadu_si512(s->l + 8);
    const __m512i k = _mm512_set1_epi64((long long)KE);
    for (; len >= HBLOCK; p += HBLOCK, len -= HBLOCK) {
        a = _mm512_add_epi64(a, _mm512_loadu_si512(p));
        b = _mm512_add_epi64(b, _mm512_loadu_si512(p + 64));
        a = _mm512_rol_epi64(_mm512_add_epi64(a, _mm512_mul_epu32(a, k)), 31);
        b = _mm512_rol_epi64(_mm512_add_epi64(b, _mm512_mul_epu32(b, k)), 31);
    }
    _mm512_storeu_si512(s->l, a);
    _mm512_storeu_si512(s->l + 8, b);
}
#endif

/* The blocks of p[0..len), len a multiple of HBLOCK: AVX-512 when the CPU
 * has it (simd), else portable; the same values either way. */
static void hash_blocks_with(hstate *s, const unsigned char *p, size_t len, int simd)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (simd && len >= 4 * HBLOCK && __builtin_cpu_supports("avx512f")) {
        hash_blocks_avx512(s, p, len);
        return;
    }
#else
    (void)simd;
#endif
    hash_blocks_portable(s, p, len);
}

static void hash_blocks(hstate *s, const unsigned char *p, size_t len)
{
    hash_blocks_with(s, p, len, 1);
}

/* The lanes folded in turn, the tail p[0..len) (len < HBLOCK) and the
 * final mix. */
static uint64_t hash_end(const hstate *s, const unsigned char *p, size_t len)
{
    uint64_t h = K3;
    for (int j = 0; j < HLANES; j++) h = rotl((h ^ s->l[j]) * K1, 27) + K2;
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

uint64_t colcache_hash_with(const void *data, size_t n, int simd)
{
    const unsigned char *p = data;
    hstate s;
    size_t whole = n - n % HBLOCK;
    hash_begin(&s, n);
    hash_blocks_with(&s, p, whole, simd);
    return hash_end(&s, p + whole, n - whole);
}

uint64_t colcache_hash(const void *data, size_t n)
{
    return colcache_hash_with(data, n, 1);
}

/* The hash of a sequence of sections: each section's hash and length
 * folded in order. */
static uint64_t chain(uint64_t h, uint64_t section, size_t n)
{
    return rotl((h ^ section) * K1 + (uint64_t)n, 29) * K2;
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

/* ---- identity and content ---------------------------------------------- */

static void set_identity(colcache_ident *id, const struct stat *st)
{
    id->dev = (uint64_t)st->st_dev;
    id->ino = (uint64_t)st->st_ino;
    id->size = (uint64_t)st->st_size;
    id->mtime_sec = (int64_t)st->st_mtim.tv_sec;
    id->mtime_nsec = (int64_t)st->st_mtim.tv_nsec;
    id->ctime_sec = (int64_t)st->st_ctim.tv_sec;
    id->ctime_nsec = (int64_t)st->st_ctim.tv_nsec;
}

static int same_identity(const colcache_ident *a, const colcache_ident *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec &&
           a->ctime_sec == b->ctime_sec && a->ctime_nsec == b->ctime_nsec;
}

/* (sec, nsec) more than margin nanoseconds before (ref_sec, ref_nsec). */
static int older(int64_t sec, int64_t nsec, int64_t ref_sec, int64_t ref_nsec, int64_t margin)
{
    int64_t s = ref_sec - margin / 1000000000, ns = ref_nsec - margin % 1000000000;
    if (ns < 0) {
        ns += 1000000000;
        s--;
    }
    return sec < s || (sec == s && nsec < ns);
}

/* The identity can vouch for the content hashed at id->seen (see "Racy
 * identities" above). */
static int settled(const colcache_ident *id)
{
    int64_t margin = RACY_NS;
    const char *m = getenv("COHORT_CACHE_RACY_NS");
    if (m && *m) margin = strtoll(m, NULL, 10);
    return older(id->mtime_sec, id->mtime_nsec, id->seen_sec, id->seen_nsec, margin) &&
           older(id->ctime_sec, id->ctime_nsec, id->seen_sec, id->seen_nsec, margin);
}

int colcache_ident_of(const char *path, colcache_ident *id)
{
    size_t min = CC_MIN_BYTES;
    const char *m = getenv("COHORT_CACHE_MIN_BYTES");
    if (m && *m) min = (size_t)strtoull(m, NULL, 10);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < min ||
        st.st_size == 0)
        return -1;
    memset(id, 0, sizeof *id);
    set_identity(id, &st);
    return 0;
}

static void chain_block(void *ud, const void *block, size_t n)
{
    uint64_t *h = ud;
    *h = chain(*h, colcache_hash(block, n), n);
}

/* The CSV file's content hash, taken from a mapping of it: its HASH_BLOCK
 * blocks hashed on the run's threads, then chained in order, the same
 * value hash_fd's blocks give read in turn (chain_block). */
typedef struct file_blocks {
    const unsigned char *p;
    size_t n;
    uint64_t *hash;     /* each block's */
} file_blocks;

static void hash_file_block(void *ctx, size_t i, int caller)
{
    (void)caller;
    const file_blocks *fb = ctx;
    size_t at = i * HASH_BLOCK, len = fb->n - at < HASH_BLOCK ? fb->n - at : HASH_BLOCK;
    fb->hash[i] = colcache_hash(fb->p + at, len);
    /* its pages unmapped (they stay in the page cache for the parse): the
     * run's resident size does not grow by the file while it is hashed */
    colcache_release(fb->p + at, len);
}

/* The content hash of fd's n bytes (n > 0) on up to `threads` threads;
 * 0 or -1 (no mapping, no memory: then hash_fd reads it). */
static int hash_mapped(int fd, size_t n, int threads, uint64_t *h)
{
    size_t nb = n / HASH_BLOCK + (n % HASH_BLOCK != 0);
    uint64_t *hash = malloc(nb * sizeof *hash);
    void *m = hash ? mmap(NULL, n, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
    if (m == MAP_FAILED) {
        free(hash);
        return -1;
    }
    file_blocks fb = {m, n, hash};
    tasks_run(threads, nb, hash_file_block, &fb);
    munmap(m, n);
    uint64_t c = 0;
    for (size_t i = 0; i < nb; i++)
        c = chain(c, hash[i], i + 1 < nb || n % HASH_BLOCK == 0 ? HASH_BLOCK : n % HASH_BLOCK);
    free(hash);
    *h = c;
    return 0;
}

/* Read the whole file: its identity (taken after the clock, before the
 * first byte is read) and content hash (from a mapping on up to `threads`
 * threads, hash_mapped; else read in turn by hash_fd).  The SHA-256 is
 * not taken here: results.json's digests are computed in the background
 * (digests.h) and recorded in the entry afterwards (colcache_note_sha256).
 * 0 or -1.  A file truncated by
 * another process while mapped ends the run (SIGBUS), as it would while
 * the CSV reader maps it (csv.c). */
static int hash_file(const char *path, colcache_ident *id, int threads)
{
    struct timespec now;
    if (clock_gettime(CLOCK_REALTIME, &now) != 0) return -1;
    int fd = regfile_open(path);
    if (fd < 0) return -1;
    struct stat st;
    uint64_t h = 0;
    int64_t got = -1;
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
        if (hash_mapped(fd, (size_t)st.st_size, threads, &h) == 0)
            got = (int64_t)st.st_size;
        else
            got = hash_fd(fd, chain_block, &h, NULL);
    }
    close(fd);
    if (got < 0 || (uint64_t)got != (uint64_t)st.st_size) return -1;
    set_identity(id, &st);
    id->seen_sec = (int64_t)now.tv_sec;
    id->seen_nsec = (int64_t)now.tv_nsec;
    id->hash = h;
    id->hashed = id->computed = 1;
    id->has_sha256 = 0;
    return 0;
}

static void *values_of(const column *c)
{
    switch (c->type) {
    case CT_INT: return c->i32 ? (void *)c->i32 : (void *)c->i;
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

/* What is checked in a section, piece by piece as it is hashed. */
enum { SEC_PLAIN, SEC_BELOW, SEC_IDS };

/* A section of the mapped entry: where, what to check, and once hashed
 * its hash and whether a check failed. */
typedef struct section {
    const unsigned char *p;
    size_t n;
    int kind, release;      /* release: its pages dropped once hashed (copied) */
    uint32_t bound;         /* BELOW: every 32-bit value below it; IDS: ids known */
    uint32_t *dict, *sid;   /* IDS: each id's string (owned), each row's */
    int skip;               /* a column these rules do not read: not hashed */
    uint64_t hash;
    int bad;
} section;

/* Sections taken in order from the mapped entry, each padded to 8 bytes:
 * first all laid out (colcache_load's walk over the columns), then all
 * hashed and checked (reader_verified, on several threads), then their
 * hashes chained in order and compared with the header's. */
typedef struct reader {
    const unsigned char *base;
    uint64_t off, end;      /* next byte; the payload's end */
    section *sec;
    size_t nsec, cap;
    int trusted;            /* the entry's stamp holds (entrystamp.h): no hash, only
                               the ids mapped to this run's (hash_section) */
} reader;

/* The next section of n bytes, its padding zero, to be checked as `kind`
 * says when hashed; NULL when the entry is too short, the padding is not
 * zero or memory ran out.  Its bytes are not yet verified: what the walk
 * reads of them must be bounds-checked, and nothing is used before
 * reader_verified. */
static const void *view_checked(reader *rd, size_t n, int kind, uint32_t bound)
{
    size_t k = pad8(n);
    if (k < n || k > rd->end - rd->off) return NULL;
    const unsigned char *p = rd->base + rd->off;
    for (size_t i = n; i < k; i++)
        if (p[i]) return NULL;
    if (rd->nsec == rd->cap) {
        size_t cap = rd->cap ? 2 * rd->cap : 64;
        section *sec = realloc(rd->sec, cap * sizeof *sec);
        if (!sec) return NULL;
        rd->sec = sec;
        rd->cap = cap;
    }
    section *sc = &rd->sec[rd->nsec++];
    memset(sc, 0, sizeof *sc);
    sc->p = p;
    sc->n = n;
    sc->kind = kind;
    sc->bound = bound;
    rd->off += k;
    return p;
}

static const void *view(reader *rd, size_t n)
{
    return view_checked(rd, n, SEC_PLAIN, 0);
}

/* The next section of n bytes, of a column these rules do not read:
 * passed over, not hashed (0, or -1 as view_checked fails). */
static int pass_over(reader *rd, size_t n)
{
    if (!view_checked(rd, n, SEC_PLAIN, 0)) return -1;
    rd->sec[rd->nsec - 1].skip = 1;
    rd->sec[rd->nsec - 1].release = 1;   /* its pages given back (reader_free) */
    return 0;
}

static int map_ids_portable(const unsigned char *p, size_t n, const uint32_t *dict, uint32_t nd, uint32_t *sid)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t id;
        memcpy(&id, p + 4 * i, 4);
        if (id >= nd) return -1;
        sid[i] = dict[id];
    }
    return 0;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* 16 ids a step: in range checked by one compare; mapped by one permute
 * when the map fits a vector (most text columns: a few codes), else
 * gathered. */
static __attribute__((target("avx512f"))) int map_ids_avx512(const unsigned char *p, size_t n,
                                                             const uint32_t *dict, uint32_t nd, uint32_t *sid)
{
    size_t i = 0;
    const __m512i bound = _mm512_set1_epi32((int)nd);
    const __m512i small = _mm512_maskz_loadu_epi32((__mmask16)(nd >= 16 ? 0xffffu : (1u << nd) - 1), dict);
    for (; i + 16 <= n; i += 16) {
        __m512i id = _mm512_loadu_si512(p + 4 * i);
        if (_mm512_cmplt_epu32_mask(id, bound) != 0xffff) return -1;
        __m512i s = nd <= 16 ? _mm512_permutexvar_epi32(id, small) : _mm512_i32gather_epi32(id, dict, 4);
        _mm512_storeu_si512(sid + i, s);
    }
    return map_ids_portable(p + 4 * i, n - i, dict, nd, sid + i);
}
#endif

static int below_portable(const unsigned char *p, size_t n, uint32_t bound)
{
    uint32_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, p + 4 * i, 4);
        bad |= v >= bound;
    }
    return !bad;
}

#if defined(__x86_64__) && defined(__GNUC__)
static __attribute__((target("avx512f"))) int below_avx512(const unsigned char *p, size_t n, uint32_t bound)
{
    size_t i = 0;
    __m512i m = _mm512_setzero_si512();
    for (; i + 16 <= n; i += 16) m = _mm512_max_epu32(m, _mm512_loadu_si512(p + 4 * i));
    return _mm512_reduce_max_epu32(m) < bound && below_portable(p + 4 * i, n - i, bound);
}
#endif

int colcache_below(const void *p, size_t n, uint32_t bound, int simd)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (simd && __builtin_cpu_supports("avx512f")) return below_avx512(p, n, bound);
#else
    (void)simd;
#endif
    return below_portable(p, n, bound);
}

int colcache_map_ids(const void *ids, size_t n, const uint32_t *dict, uint32_t nd, uint32_t *sid, int simd)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (simd && __builtin_cpu_supports("avx512f")) return map_ids_avx512(ids, n, dict, nd, sid);
#else
    (void)simd;
#endif
    return map_ids_portable(ids, n, dict, nd, sid);
}

/* Check a piece p[0..len) at byte `at` of section sc (whole 32-bit values):
 * every value below the bound (as unsigned: a negative int32_t fails), or
 * each id mapped to its string.  0, or -1 when a value is out of range. */
static int check_piece(const section *sc, const unsigned char *p, size_t at, size_t len)
{
    uint32_t bound = sc->bound;
    if (sc->kind == SEC_BELOW) return colcache_below(p, len / 4, bound, 1) ? 0 : -1;
    return colcache_map_ids(p, len / 4, sc->dict, bound, sc->sid + at / 4, 1);
}

/* Hash section sc in PIECE-byte pieces, each checked right after it was
 * hashed (read once from memory, not twice).  Of a trusted entry, only a
 * text column's ids are mapped to this run's (SEC_IDS: the column needs
 * them; each still checked in range); its other sections are not read at
 * all, the range checks of links and of ids used in place (SEC_BELOW)
 * left out with the hash: they cost 15% of the 1M rerun's CPU, reading
 * links the run's rules mostly do not (bench/README.md, trust15), and an
 * entry as cohort wrote it holds them in range. */
enum { PIECE = 1 << 16 };
static void hash_section(section *sc, int trusted)
{
    if (sc->skip || (trusted && sc->kind != SEC_IDS)) return;
    int check = sc->kind != SEC_PLAIN;
#ifdef MADV_POPULATE_READ
    /* its pages mapped in one call, on the thread that hashes it */
    uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE), a = (uintptr_t)sc->p & ~(pg - 1);
    if (sc->n >= 16 * pg) madvise((void *)a, (uintptr_t)sc->p + sc->n - a, MADV_POPULATE_READ);
#endif
    hstate s;
    hash_begin(&s, sc->n);
    size_t n = sc->n, blocks = n - n % HBLOCK;
    for (size_t at = 0; at < blocks && !sc->bad; at += PIECE) {
        size_t len = blocks - at < PIECE ? blocks - at : PIECE;
        if (!trusted) hash_blocks(&s, sc->p + at, len);
        if (check && check_piece(sc, sc->p + at, at, len) != 0) sc->bad = 1;
    }
    if (check && !sc->bad && blocks < n && check_piece(sc, sc->p + blocks, blocks, n - blocks) != 0)
        sc->bad = 1;
    if (!trusted) sc->hash = hash_end(&s, sc->p + blocks, n - blocks);
}

static void hash_section_at(void *ctx, size_t i, int caller)
{
    (void)caller;
    reader *rd = ctx;
    hash_section(&rd->sec[i], rd->trusted);
}

/* Every section but those skipped hashed and checked (of a trusted entry,
 * rd->trusted, only the text ids mapped to this run's, each checked in
 * range: hash_section), on up to `threads`
 * threads (this one among them, tasks_run), and its hash compared with
 * the entry's table of the sections' hashes (the payload's last words,
 * h->nsec of them, whose own hash is h->sections); 1 when the walk found
 * as many sections as the table lists, the table is whole, every hash
 * taken matches and no check failed (reader_free then releases the text
 * columns' copied sections).  A skipped section (a column these rules do
 * not read) is never used, so it need not be read (format 5: format 4
 * chained every section's hash, so all had to be read). */
static int reader_verified(reader *rd, int threads, const cc_header *h)
{
    if (h->nsec != rd->nsec || rd->end - rd->off != rd->nsec * sizeof(uint64_t)) return 0;
    const unsigned char *tab = rd->base + rd->off;
    if (colcache_hash(tab, rd->nsec * sizeof(uint64_t)) != h->sections) return 0;
    tasks_run(threads, rd->nsec, hash_section_at, rd);
    int bad = 0;
    for (size_t i = 0; i < rd->nsec; i++) {
        const section *sc = &rd->sec[i];
        bad |= sc->bad || (!sc->skip && !rd->trusted && rd64(tab + 8 * i) != sc->hash);
    }
    return !bad;
}

/* Free what the sections own; release the pages of the copied ones. */
static void reader_free(reader *rd, int release)
{
    for (size_t i = 0; i < rd->nsec; i++) {
        section *sc = &rd->sec[i];
        if (release && sc->release) colcache_release(sc->p, sc->n);
        free(sc->dict);
    }
    free(rd->sec);
}

void colcache_release(const void *p, size_t n)
{
    long pg = sysconf(_SC_PAGESIZE);
    if (!p || pg <= 0) return;
    uintptr_t mask = (uintptr_t)pg - 1;
    uintptr_t a = ((uintptr_t)p + mask) & ~mask, e = ((uintptr_t)p + n) & ~mask;
    if (e > a) madvise((void *)a, e - a, MADV_DONTNEED);
}

/* A text column's list of distinct strings in the entry (its offsets,
 * bytes and each string's id in the pool of the run that wrote it,
 * rising), and for a column these rules read, its rows' ids section and
 * the column; found by the walk (not yet verified: read with bounds
 * checks), interned once the walk is done (intern_texts). */
typedef struct textdict {
    const uint64_t *off;
    const char *bytes;
    const uint32_t *rid;
    size_t nd, nbytes;
    column *c;              /* NULL: a column these rules do not read */
    size_t ids;             /* its ids' section (rd->sec) */
    uint32_t *got;          /* each string's id in this run's pool */
} textdict;

/* The list's three sections (passed over, unhashed, when skip). */
static int text_dict(reader *rd, const cc_col *h, textdict *td, int skip)
{
    if (h->ndict >= UINT32_MAX || h->dictbytes > rd->end - rd->off) return -1;
    td->nd = (size_t)h->ndict;
    td->nbytes = (size_t)h->dictbytes;
    size_t first = rd->nsec;
    td->off = view(rd, (td->nd + 1) * sizeof *td->off);
    td->bytes = td->off ? view(rd, td->nbytes) : NULL;
    td->rid = td->bytes ? view(rd, td->nd * sizeof *td->rid) : NULL;
    if (!td->rid) return -1;
    /* the strings are copied into the pool: their pages go once hashed */
    for (size_t i = first; i < rd->nsec; i++) rd->sec[i].release = 1;
    for (size_t i = first; skip && i < rd->nsec; i++) rd->sec[i].skip = 1;
    return 0;
}

/* One text column's values: its list of strings, and its rows' ids laid
 * out (checked as intern_texts decides). */
static int read_text(reader *rd, const cc_col *h, column *c, size_t nrows, textdict *td)
{
    if (text_dict(rd, h, td, 0) || !view_checked(rd, nrows * sizeof(uint32_t), SEC_BELOW, 0)) return -1;
    td->c = c;
    td->ids = rd->nsec - 1;
    return 0;
}

/* Intern the strings of a table's text columns (those the rules do not
 * read too: the writing run interned them) in the order of the ids they
 * had in the writing run, the columns' lists merged, as the parse met
 * them.  A column whose strings all get the ids they had (the same strings
 * interned in the same order before, as in a rerun of the same rules)
 * keeps its rows' ids in place (c->sid_mapped), checked below the largest;
 * else each row's id is mapped to this run's as the ids are hashed
 * (reader_verified), into an array of the column's own.  0, or -1 for an
 * entry that cannot be used (a list not rising, a string the pool refuses,
 * ids far beyond this pool's: damage). */
static int intern_texts(reader *rd, textdict *td, size_t ntd, strpool *pool, size_t nrows)
{
    size_t *at = calloc(ntd + 1, sizeof *at);
    int rc = at ? 0 : -1;
    for (size_t k = 0; k < ntd && !rc; k++)
        if (!(td[k].got = malloc((td[k].nd ? td[k].nd : 1) * sizeof *td[k].got))) rc = -1;
    while (!rc) {
        size_t best = ntd;   /* the column whose next string had the smallest id */
        for (size_t k = 0; k < ntd; k++)
            if (at[k] < td[k].nd && (best == ntd || td[k].rid[at[k]] < td[best].rid[at[best]])) best = k;
        if (best == ntd) break;
        textdict *t = &td[best];
        size_t i = at[best]++;
        if (t->off[i] > t->off[i + 1] || t->off[i + 1] > t->nbytes || t->rid[i] <= (i ? t->rid[i - 1] : 0) ||
            !(t->got[i] = strpool_id(pool, t->bytes + t->off[i], (size_t)(t->off[i + 1] - t->off[i]))))
            rc = -1;
    }
    free(at);
    for (size_t k = 0; k < ntd && !rc; k++) {
        textdict *t = &td[k];
        if (!t->c) continue;
        section *sc = &rd->sec[t->ids];
        int same = 1;
        for (size_t i = 0; i < t->nd; i++) same &= t->got[i] == t->rid[i];
        uint32_t bound = t->nd ? t->rid[t->nd - 1] + 1 : 1;   /* the ids the rows may hold, 0 among them */
        sc->bound = bound;
        if (same) {
            t->c->sid = (uint32_t *)sc->p;
            t->c->sid_mapped = 1;
            continue;
        }
        /* the map, 4 bytes an id up to the largest recorded, at most a few
         * times the rows' ids: an id beyond is damage, not another run's */
        if ((size_t)bound > 2 * nrows + 4 * (strpool_count(pool) + t->nd) + ((size_t)1 << 20)) {
            rc = -1;
            break;
        }
        uint32_t *map = calloc(bound, sizeof *map);
        t->c->sid = map ? malloc((nrows ? nrows : 1) * sizeof *t->c->sid) : NULL;
        if (!t->c->sid) {
            free(map);
            rc = -1;
            break;
        }
        for (size_t i = 0; i < t->nd; i++) map[t->rid[i]] = t->got[i];
        sc->kind = SEC_IDS;
        sc->dict = map;
        sc->sid = t->c->sid;
        sc->release = 1;   /* copied: the column needs them no more once hashed */
    }
    for (size_t k = 0; k < ntd; k++) free(td[k].got);
    return rc;
}

/* One column; its missing flags and numeric values point into the mapping
 * (c->mapped), a text column's strings are interned into pool.  A column
 * that `want` does not keep (its header and name read and verified) is
 * left projected, its data passed over unread (*skipped counts it). */
static int read_column(reader *rd, column *c, size_t nrows, strpool *pool, const colcache_want *want,
                       size_t j, const cc_header *th, size_t *skipped, textdict *td, size_t *ntd)
{
    const cc_col *hp = view(rd, sizeof(cc_col));
    if (!hp) return -1;
    cc_col h;
    memcpy(&h, hp, sizeof h);
    if (h.type < CT_INT || h.type > CT_BOOL || h.namelen > 4096) return -1;
    const char *name = view(rd, h.namelen);
    c->name = name ? malloc(h.namelen + 1) : NULL;
    if (!c->name) return -1;
    memcpy(c->name, name, h.namelen);
    c->name[h.namelen] = 0;
    c->type = (int)h.type;
    c->strs = strpool_strings(pool);
    c->declared = h.declared != 0;
    c->projected = h.projected != 0;
    if (c->projected) return 0;
    int keyish = (int64_t)j == th->key || (int64_t)j == th->fk || (int64_t)j == th->order;
    if (want && !want->keep(want->ud, c->name, keyish, c->declared)) {
        /* its sections' sizes from its verified header */
        c->projected = 1;
        (*skipped)++;
        size_t width = h.type == CT_TEXT ? sizeof(uint32_t) : h.width;
        if (h.type != CT_TEXT && h.width != data_type_size(c->type) &&
            !(c->type == CT_INT && h.width == sizeof *c->i32))
            return -1;
        if (pass_over(rd, miss_words(nrows) * sizeof *c->miss)) return -1;
        if (h.type == CT_TEXT && text_dict(rd, &h, &td[(*ntd)++], 1)) return -1;
        return pass_over(rd, nrows * width);
    }
    c->n = nrows;
    c->mapped = 1;
    c->miss = (uint64_t *)view(rd, miss_words(nrows) * sizeof *c->miss);
    if (!c->miss) return -1;
    if (c->type == CT_TEXT) return read_text(rd, &h, c, nrows, &td[(*ntd)++]);
    int narrow = c->type == CT_INT && h.width == sizeof *c->i32;
    if (!narrow && h.width != data_type_size(c->type)) return -1;
    void *v = (void *)view(rd, nrows * h.width);
    switch (c->type) {
    case CT_INT:
        if (narrow) c->i32 = v;
        else c->i = v;
        break;
    case CT_REAL: c->r = v; break;
    case CT_DATE: c->d = v; break;
    default: c->b = v; break;
    }
    return v ? 0 : -1;
}

/* The header's checksum: its hash with the check field zero (the payload
 * is covered by the sections' chained hash, a field of the header). */
static uint64_t header_check(const cc_header *h)
{
    cc_header c = *h;
    c.check = 0;
    return colcache_hash(&c, sizeof c);
}

/* A whole header of this format, version and ABI. */
static int header_whole(const cc_header *h)
{
    char version[sizeof h->version] = {0};
    snprintf(version, sizeof version, "%s", PACKAGE_VERSION);
    return !memcmp(h->magic, cc_magic, sizeof cc_magic) && h->format == CC_FORMAT &&
           h->abi == abi_tag() && !memcmp(h->version, version, sizeof version) &&
           h->check == header_check(h);
}

/* A whole header for this declaration and an entry file of filesize bytes. */
static int header_valid(const cc_header *h, uint64_t spec, uint64_t filesize)
{
    return header_whole(h) && h->spec == spec &&
           h->payload == filesize - sizeof *h && h->nrows <= INT32_MAX && h->ncols > 0 &&
           h->ncols <= 65536 && h->key >= -1 && h->key < (int64_t)h->ncols && h->fk >= -1 &&
           h->fk < (int64_t)h->ncols && h->order >= -1 && h->order < (int64_t)h->ncols;
}

/* The file as the header records it. */
static colcache_ident header_ident(const cc_header *h)
{
    colcache_ident id = {h->dev, h->ino, h->size, h->mtime_sec, h->mtime_nsec, h->ctime_sec,
                         h->ctime_nsec, h->seen_sec, h->seen_nsec, 1, 0,
                         h->has_sha256 != 0, h->hash, {0}, 0};
    memcpy(id.sha256, h->sha256, sizeof id.sha256);
    return id;
}

/* Record the file (identity, when it was taken, content hashes) in h. */
static void set_file(cc_header *h, const colcache_ident *id)
{
    h->dev = id->dev;
    h->ino = id->ino;
    h->size = id->size;
    h->mtime_sec = id->mtime_sec;
    h->mtime_nsec = id->mtime_nsec;
    h->ctime_sec = id->ctime_sec;
    h->ctime_nsec = id->ctime_nsec;
    h->seen_sec = id->seen_sec;
    h->seen_nsec = id->seen_nsec;
    h->hash = id->hash;
    h->has_sha256 = id->has_sha256 != 0;
    memcpy(h->sha256, id->sha256, sizeof h->sha256);
    h->check = header_check(h);
}

/* The links section: whole, every parent row and row in range, the
 * offsets rising from 0 to the rows (a damaged entry must not index out of
 * bounds even if its checksum held by chance). */
static int read_links(reader *rd, const cc_header *h, colcache_links *l)
{
    size_t n = (size_t)h->nrows;
    if (h->ngroups > INT32_MAX || h->links > 2) return -1;
    l->parent_hash = h->parent_hash;
    l->parent_spec = h->parent_spec;
    l->ngroups = (size_t)h->ngroups;
    /* every parent row and row in range, checked as they are hashed */
    l->parent_row = view_checked(rd, n * sizeof *l->parent_row, SEC_BELOW, (uint32_t)l->ngroups);
    l->off = l->parent_row ? view(rd, (l->ngroups + 1) * sizeof *l->off) : NULL;
    l->rows = l->off && h->links == 1 ? view_checked(rd, n * sizeof *l->rows, SEC_BELOW, (uint32_t)n) : NULL;
    if (!l->off || (h->links == 1 && !l->rows) || l->off[0] != 0 || l->off[l->ngroups] != n)
        return -1;
    for (size_t g = 0; g < l->ngroups; g++)
        if (l->off[g] > l->off[g + 1]) return -1;
    return 0;
}

/* The links' sections passed over (want->no_links): not read, not hashed. */
static int pass_links(reader *rd, const cc_header *h)
{
    size_t n = (size_t)h->nrows;
    if (h->ngroups > INT32_MAX || h->links > 2) return -1;
    if (pass_over(rd, n * sizeof(int32_t)) || pass_over(rd, ((size_t)h->ngroups + 1) * sizeof(uint32_t)))
        return -1;
    return h->links == 1 ? pass_over(rd, n * sizeof(uint32_t)) : 0;
}

int colcache_load(const char *dir, const char *path, colcache_ident *id, uint64_t spec,
                  table *t, strpool *pool, colcache_links *links, int threads, const colcache_want *want,
                  size_t *skipped)
{
    *skipped = 0;
    char *ep = entry_path(dir, path, t->name);
    int fd = ep ? open(ep, O_RDONLY | O_CLOEXEC) : -1;
    free(ep);
    struct stat st;
    cc_header h;
    int valid = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                (uint64_t)st.st_size > sizeof h &&
                pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h &&
                header_valid(&h, spec, (uint64_t)st.st_size);
    /* the content hash: the entry's, when the file is still the one it
     * hashed and was settled then; else read the file */
    colcache_ident rec;
    if (valid) rec = header_ident(&h);
    if (valid && same_identity(&rec, id) && settled(&rec)) {
        *id = rec;
    } else if (hash_file(path, id, threads) != 0) {
        id->hashed = 0;
    }
    if (!valid || !id->hashed || id->hash != h.hash || id->size != h.size) {
        if (fd >= 0) close(fd);
        return 0;
    }
    /* mapped read-only (the page cache's own pages: a writable private
     * mapping would copy each one when populated); the columns point into
     * it, with no copy.  Not populated here (MAP_POPULATE took ~25 ms at
     * 1M on this one thread, and mapped the columns the rules skip too):
     * each section hashed is populated by its hashing thread */
    size_t ncols = (size_t)h.ncols, nrows = (size_t)h.nrows, len = (size_t)st.st_size;
    void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    column *cols = map == MAP_FAILED ? NULL : calloc(ncols, sizeof *cols);
    reader rd;
    memset(&rd, 0, sizeof rd);
    rd.base = map;
    rd.off = sizeof h;
    rd.end = len;
    /* written by cohort and unchanged since (entrystamp.h), unless the
     * user asked for every section hashed (COHORT_CACHE=verify) */
    rd.trusted = !entry_stamp_distrusted() && entry_stamp_holds(&st, &h.own);
    textdict *td = cols ? calloc(ncols, sizeof *td) : NULL;
    size_t ntd = 0;
    int bad = !td;
    for (size_t j = 0; j < ncols && !bad; j++)
        bad = read_column(&rd, &cols[j], nrows, pool, want, j, &h, skipped, td, &ntd);
    if (!bad) bad = intern_texts(&rd, td, ntd, pool, nrows);
    free(td);
    colcache_links got = {0};
    if (!bad && h.links) bad = want && want->no_links ? pass_links(&rd, &h) : read_links(&rd, &h, &got);
    bad = bad || !reader_verified(&rd, threads, &h);
    reader_free(&rd, !bad);
    if (bad) {
        close(fd);
        if (cols) data_free_columns(cols, ncols);
        if (map != MAP_FAILED) munmap(map, len);
        return 0;
    }
    if (id->computed) {
        /* the same content under a new identity (touched, copied back...),
         * or one that was not yet settled: renew it, so that the next run
         * need not hash the file (in place: a reader that meets a torn
         * header finds its checksum wrong and parses the file) */
        if (!id->has_sha256 && h.has_sha256) {
            id->has_sha256 = 1;
            memcpy(id->sha256, h.sha256, sizeof id->sha256);
        }
        cc_header renewed = h;
        set_file(&renewed, id);
        char *wp = entry_path(dir, path, t->name);
        int wfd = wp ? open(wp, O_WRONLY | O_CLOEXEC) : -1;
        struct stat wst;
        /* only the entry just read (not one renamed into its place since) */
        if (wfd >= 0 && fstat(wfd, &wst) == 0 && wst.st_ino == st.st_ino &&
            wst.st_dev == st.st_dev)
            (void)entry_stamp_rewrite(wfd, &renewed, sizeof renewed, &renewed.own);
        if (wfd >= 0) close(wfd);
        free(wp);
    }
    close(fd);
    id->entry_trusted = rd.trusted;
    t->cols = cols;
    t->ncols = ncols;
    t->nrows = nrows;
    t->key = (int)h.key;
    t->fk = (int)h.fk;
    t->order = (int)h.order;
    t->map = map;
    t->maplen = len;
    *links = got;
    return 1;
}

/* ---- the SHA-256 recorded with the file ---------------------------------- */

int colcache_sha256_known(const char *dir, const char *path, const char *tname,
                          uint8_t sha256[SHA256_BYTES])
{
    colcache_ident now;
    if (colcache_ident_of(path, &now) != 0) return 0;
    char *ep = entry_path(dir, path, tname);
    int fd = ep ? open(ep, O_RDONLY | O_CLOEXEC) : -1;
    free(ep);
    cc_header h;
    int ok = fd >= 0 && pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h && header_whole(&h);
    if (fd >= 0) close(fd);
    if (!ok) return 0;
    /* the file as the entry recorded it, settled then: the recorded digest
     * is of these bytes (the rule the content hash is reused by) */
    colcache_ident rec = header_ident(&h);
    if (!rec.has_sha256 || !same_identity(&rec, &now) || !settled(&rec)) return 0;
    memcpy(sha256, rec.sha256, SHA256_BYTES);
    return 1;
}

void colcache_note_sha256(const char *dir, const char *path, const char *tname,
                          const struct stat *st, const struct timespec *seen,
                          const uint8_t sha256[SHA256_BYTES])
{
    colcache_ident read;
    memset(&read, 0, sizeof read);
    set_identity(&read, st);
    read.seen_sec = (int64_t)seen->tv_sec;
    read.seen_nsec = (int64_t)seen->tv_nsec;
    char *ep = entry_path(dir, path, tname);
    int fd = ep ? open(ep, O_RDWR | O_CLOEXEC) : -1;
    free(ep);
    cc_header h;
    /* only when the entry's content hash and this digest were both taken
     * of the same settled identity: both are of the same bytes */
    if (fd >= 0 && pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h && header_whole(&h) &&
        !h.has_sha256) {
        colcache_ident rec = header_ident(&h);
        if (same_identity(&rec, &read) && settled(&rec) && settled(&read)) {
            /* in place, as colcache_load renews an identity: a reader that
             * meets a torn header finds its checksum wrong */
            rec.has_sha256 = 1;
            memcpy(rec.sha256, sha256, SHA256_BYTES);
            set_file(&h, &rec);
            (void)entry_stamp_rewrite(fd, &h, sizeof h, &h.own);
        }
    }
    if (fd >= 0) close(fd);
}

/* ---- writing ------------------------------------------------------------ */

/* A section: n bytes, zeros to 8, its hash chained into *check. */
/* n bytes to f as writes of at most WRITE_PIECE bytes (f's buffer is that
 * size, temp_open): the page cache then takes small pages, not large
 * folios.  Measured on this VM (Linux 6.18, ext4), 300 MB written to a new
 * file: 1.5-6.6 us a 4 KiB page in writes of 4, 8 or 16 KiB, 12-52 us in
 * writes of 32 KiB to 1 MiB: the large folios come from memory the host
 * has not backed lately, each of its pages a fault on the host.  0 or -1. */
enum { WRITE_PIECE = 16 << 10 };
static int fput(FILE *f, const void *p, size_t n)
{
    const char *c = p;
    for (size_t at = 0; at < n; at += WRITE_PIECE) {
        size_t k = n - at < WRITE_PIECE ? n - at : WRITE_PIECE;
        if (fwrite(c + at, 1, k, f) != k) return -1;
    }
    return 0;
}

/* The hashes of the sections written so far, in order (the entry's
 * table of them, written last: reader_verified). */
typedef struct sums {
    uint64_t *h;
    size_t n, cap;
} sums;

static int sum_add(sums *s, uint64_t h)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        uint64_t *x = realloc(s->h, cap * sizeof *x);
        if (!x) return -1;
        s->h = x;
        s->cap = cap;
    }
    s->h[s->n++] = h;
    return 0;
}

static int put(FILE *f, sums *check, const void *p, size_t n)
{
    static const char zero[8];
    size_t k = pad8(n) - n;
    if (sum_add(check, colcache_hash(n ? p : zero, n))) return -1;
    return fput(f, p, n) || fput(f, zero, k) ? -1 : 0;
}

/* A text column: its distinct strings in the order of their ids in this
 * run's pool, each string's id, then each row's id as it is (0: missing).
 * A later run that interns those strings and gets the same ids uses the
 * rows' ids in place (read_text). */
static int write_text(FILE *f, sums *check, cc_col *h, const column *c, size_t nrows)
{
    uint32_t max = 0;
    for (size_t r = 0; r < nrows; r++) max = c->sid[r] > max ? c->sid[r] : max;
    uint64_t *seen = calloc((size_t)max / 64 + 1, sizeof *seen);
    if (!seen) return -1;
    for (size_t r = 0; r < nrows; r++) seen[c->sid[r] >> 6] |= (uint64_t)1 << (c->sid[r] & 63);
    seen[0] &= ~(uint64_t)1;   /* 0: missing, not a string */
    size_t nd = 0;
    for (size_t w = 0; w <= (size_t)max / 64; w++) nd += (size_t)__builtin_popcountll(seen[w]);
    uint32_t *rid = malloc((nd ? nd : 1) * sizeof *rid);
    uint64_t *off = malloc((nd + 1) * sizeof *off);
    char *bytes = NULL;
    int rc = !rid || !off ? -1 : 0;
    if (!rc) {
        size_t k = 0;
        off[0] = 0;
        for (size_t w = 0; w <= (size_t)max / 64; w++)
            for (uint64_t m = seen[w]; m; m &= m - 1) {
                rid[k] = (uint32_t)(64 * w + (size_t)__builtin_ctzll(m));
                off[k + 1] = off[k] + strlen(strpool_text(c->strs, rid[k]));
                k++;
            }
        h->ndict = nd;
        h->dictbytes = off[nd];
        bytes = malloc(off[nd] ? (size_t)off[nd] : 1);
        if (!bytes) rc = -1;
        for (size_t j = 0; j < nd && !rc; j++)
            memcpy(bytes + off[j], strpool_text(c->strs, rid[j]), (size_t)(off[j + 1] - off[j]));
        if (!rc)
            rc = put(f, check, h, sizeof *h) || put(f, check, c->name, h->namelen) ||
                 put(f, check, c->miss, miss_words(nrows) * sizeof *c->miss) || put(f, check, off, (nd + 1) * sizeof *off) ||
                 put(f, check, bytes, (size_t)h->dictbytes) || put(f, check, rid, nd * sizeof *rid) ||
                 put(f, check, c->sid, nrows * sizeof *c->sid);
    }
    free(seen);
    free(rid);
    free(off);
    free(bytes);
    return rc ? -1 : 0;
}

static int write_column(FILE *f, sums *check, const column *c, size_t nrows)
{
    cc_col h = {(uint32_t)c->type, (uint32_t)c->declared, (uint32_t)c->projected,
                (uint32_t)strlen(c->name), (uint32_t)data_col_width(c), 0, 0, 0};
    if (!c->projected && c->type == CT_TEXT) return write_text(f, check, &h, c, nrows);
    if (put(f, check, &h, sizeof h) || put(f, check, c->name, h.namelen)) return -1;
    if (c->projected) return 0;
    return put(f, check, c->miss, miss_words(nrows) * sizeof *c->miss) ||
           put(f, check, values_of(c), nrows * h.width) ? -1 : 0;
}

/* dir and its missing parents (~/.cache need not exist yet), private to
 * the user; 0 or -1. */
static int make_dirs(const char *dir)
{
    char *p = join(dir, "");
    if (!p) return -1;
    int rc = 0;
    for (char *s = p + 1; !rc; s++) {
        if (*s && *s != '/') continue;
        char c = *s;
        *s = 0;
        if (mkdir(p, 0700) != 0 && errno != EEXIST) rc = -1;
        *s = c;
        if (!c) break;
    }
    free(p);
    return rc;
}

/* The table of the sections' hashes, then the header, now that the
 * payload's length and the table's hash are known. */
static int seal(FILE *f, cc_header *h, const sums *check)
{
    size_t n = check->n * sizeof *check->h;
    if (fput(f, check->h, n) || fflush(f) != 0) return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || (uint64_t)st.st_size <= sizeof *h) return -1;
    h->payload = (uint64_t)st.st_size - sizeof *h;
    h->nsec = check->n;
    h->sections = colcache_hash(check->h, n);
    (void)entry_stamp_choose(fileno(f), (uint64_t)st.st_size, &h->own);
    h->check = header_check(h);
    if (pwrite(fileno(f), h, sizeof *h, 0) != (ssize_t)sizeof *h) return -1;
    (void)entry_stamp_apply(fileno(f), &h->own);   /* the last change to the file */
    return 0;
}

/* A new file beside path, to be renamed over it by temp_commit (entries
 * appear whole or not at all); NULL when it cannot be made. */
static FILE *temp_open(const char *path, char **tmp)
{
    size_t n = strlen(path) + 8;
    *tmp = malloc(n);
    if (!*tmp) return NULL;
    snprintf(*tmp, n, "%s.XXXXXX", path);
    int fd = mkstemp(*tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w+b") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        free(*tmp);
    } else {
        (void)setvbuf(f, NULL, _IOFBF, WRITE_PIECE);   /* fput */
    }
    return f;
}

/* Close f and, when rc is 0 and it was written whole, rename it to path;
 * else remove it.  Frees tmp; returns 0 or -1. */
static int temp_commit(FILE *f, char *tmp, const char *path, int rc)
{
    if (fclose(f) != 0) rc = -1;
    if (rc || rename(tmp, path) != 0) {
        unlink(tmp);
        rc = -1;
    }
    free(tmp);
    return rc;
}

void colcache_store(const char *dir, const char *path, const colcache_ident *id, uint64_t spec,
                    const table *t, const colcache_links *links)
{
    struct stat st;
    colcache_ident now = *id;
    if (!id->hashed || stat(path, &st) != 0) return;
    set_identity(&now, &st);
    if (!same_identity(&now, id)) return;   /* changed while it was read: the parse may not match id */
    if (t->nrows > INT32_MAX) return;
    for (size_t j = 0; j < t->ncols; j++)
        if (t->cols[j].type < CT_INT || t->cols[j].type > CT_BOOL) return;
    if (make_dirs(dir) != 0) return;
    char *ep = entry_path(dir, path, t->name), *tmp;
    FILE *f = ep ? temp_open(ep, &tmp) : NULL;
    if (!f) {
        free(ep);
        return;
    }
    cc_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, cc_magic, sizeof cc_magic);
    h.format = CC_FORMAT;
    h.abi = abi_tag();
    snprintf(h.version, sizeof h.version, "%s", PACKAGE_VERSION);
    h.spec = spec;
    set_file(&h, id);
    h.nrows = t->nrows;
    h.ncols = t->ncols;
    h.key = t->key;
    h.fk = t->fk;
    h.order = t->order;
    if (links && links->parent_row) {
        h.links = links->rows ? 1 : 2;
        h.parent_hash = links->parent_hash;
        h.parent_spec = links->parent_spec;
        h.ngroups = links->ngroups;
    }
    sums check = {NULL, 0, 0};
    int rc = fwrite(&h, sizeof h, 1, f) != 1;
    for (size_t j = 0; j < t->ncols && !rc; j++) rc = write_column(f, &check, &t->cols[j], t->nrows);
    if (!rc && h.links)
        rc = put(f, &check, links->parent_row, t->nrows * sizeof *links->parent_row) ||
             put(f, &check, links->off, (links->ngroups + 1) * sizeof *links->off) ||
             (links->rows && put(f, &check, links->rows, t->nrows * sizeof *links->rows));
    if (!rc) rc = seal(f, &h, &check);
    free(check.h);
    temp_commit(f, tmp, ep, rc);
    free(ep);
}

/* ---- for the results cache (rescache.c) ---------------------------------- */

int colcache_unchanged(const char *path, const colcache_ident *id)
{
    struct stat st;
    colcache_ident now = *id;
    if (!id->hashed || stat(path, &st) != 0) return 0;
    set_identity(&now, &st);
    return same_identity(&now, id);
}

struct colcache_writer {
    FILE *f;
    char *tmp, *path;
    hstate s;               /* the payload's hash so far (whole blocks) */
    unsigned char carry[HBLOCK];/* the bytes of a block not yet whole */
    size_t ncarry;
    uint64_t left;          /* payload bytes still to come */
    uint64_t size;          /* the entry's, header and payload */
    entry_stamp own;        /* colcache_writer_stamp's */
    int bad;
};

colcache_writer *colcache_writer_open(const char *dir, const char *name, size_t header, uint64_t payload)
{
    static const char zero[256];
    if (header > sizeof zero || make_dirs(dir) != 0) return NULL;
    colcache_writer *w = calloc(1, sizeof *w);
    char *ep = join(dir, "/");
    if (w) w->path = ep ? join(ep, name) : NULL;
    free(ep);
    if (w && w->path) w->f = temp_open(w->path, &w->tmp);
    if (!w || !w->f) {
        if (w) free(w->path);
        free(w);
        return NULL;
    }
    w->bad = fput(w->f, zero, header);   /* the header's place */
    w->size = (uint64_t)header + payload;
    hash_begin(&w->s, (size_t)payload);
    w->left = payload;
    return w;
}

void colcache_writer_put(colcache_writer *w, const void *p, size_t n)
{
    const unsigned char *c = p;
    if (n > w->left) w->bad = 1;
    if (w->bad || !n) return;
    w->left -= n;
    w->bad = fput(w->f, c, n);
    if (w->ncarry) {
        size_t k = HBLOCK - w->ncarry < n ? HBLOCK - w->ncarry : n;
        memcpy(w->carry + w->ncarry, c, k);
        w->ncarry += k;
        c += k;
        n -= k;
        if (w->ncarry < HBLOCK) return;
        hash_blocks(&w->s, w->carry, HBLOCK);
        w->ncarry = 0;
    }
    size_t whole = n - n % HBLOCK;
    hash_blocks(&w->s, c, whole);
    memcpy(w->carry, c + whole, n - whole);
    w->ncarry = n - whole;
}

void colcache_writer_stamp(colcache_writer *w, entry_stamp *s)
{
    (void)entry_stamp_choose(fileno(w->f), w->size, &w->own);
    *s = w->own;
}

uint64_t colcache_writer_hash(const colcache_writer *w)
{
    return hash_end(&w->s, w->carry, w->ncarry);
}

int colcache_writer_commit(colcache_writer *w, const void *header, size_t n)
{
    int rc = w->bad || w->left || fflush(w->f) != 0 ||
             pwrite(fileno(w->f), header, n, 0) != (ssize_t)n;
    if (!rc) (void)entry_stamp_apply(fileno(w->f), &w->own);   /* the last change to the file */
    rc = temp_commit(w->f, w->tmp, w->path, rc ? -1 : 0);
    free(w->path);
    free(w);
    return rc;
}
