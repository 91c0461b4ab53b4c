/* csv.c: the streaming RFC 4180 tokenizer.  A regular file is mapped into
 * memory whole (no copy; every line stays available to diagnostics, however
 * long); anything else is read with read() into one buffer.  A record is
 * tokenized in place (fields point into the buffer; only quoted fields with
 * "" escapes are unescaped, into a scratch buffer, so the input lines stay
 * intact for diagnostics).  When reading, a record cut by the end of the
 * buffer is moved to the front and tokenized again after the next read.
 * Records without quoted fields or lone CRs take a fast path: a bit mask
 * of the bytes , \n \r " of 64 bytes at a time (AVX-512BW or AVX2 when the
 * processor has them, chosen at run time; else SSE2, or eight bytes at a
 * time elsewhere), one field per set bit; anything else is left to the
 * general tokenizer, which gives the same fields.  A batch of records of
 * one width (csv_next_batch) is tokenized a whole block at a time: each
 * block's field ends written out at once, its line ends checked to fall
 * every so many fields (batch_blocks); a block with a quote or a lone CR,
 * or whose line ends do not fall so, is read record by record as above. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1   /* MAP_ANONYMOUS, madvise */
#endif
#include "csv.h"
#include "regfile.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define CSV_X86_DISPATCH 1
#endif

struct csv_reader {
    int fd;
    char *buf;              /* cap + 1 + CSV_PAD bytes: room for a sentinel */
    size_t maplen;          /* > 0: buf is a mapping of the whole file */
    size_t dropped;         /* mapped: [0, dropped) given back to the kernel */
    size_t cap, len, pos;   /* capacity, bytes held, start of the next record */
    size_t limit;           /* > 0: no record starts at or after this offset */
    int eof, bom_checked;
    int view;               /* a view of another reader's mapping (borrowed) */
    int can_drop;           /* the buffer is a file mapping: pages may be dropped */
    long line;              /* physical line at pos */
    size_t bytes, size;
    csv_field *f;
    size_t nf, fcap;
    char *scratch;          /* unescaped quoted fields; >= cap + 1 bytes */
    size_t scap;
    const char *rec;        /* start of the current record */
    long recline;
    char err[160];          /* the last error */
    long errline;
    const char *errpos;
    int slow;               /* the fast path is off (csv_set_fast) */
    const char *mb;         /* the fast path's current 64-byte block, or NULL */
    uint64_t mm;            /* its special bytes not yet consumed */
    int (*fast)(csv_reader *, size_t, size_t); /* fast_record for this processor */
    const char *bbase;      /* csv_next_batch: where its offsets count from */
    uint32_t *off;          /* its records' field ends (csv_batch's end) */
    uint32_t *rstart;       /* its records' starts */
    long *bline;            /* its records' lines */
    size_t ocap, lcap;      /* room in off, and in rstart and bline */
    /* the whole-block batch tokenizer for this processor (batch_blocks) */
    size_t (*blocks)(csv_reader *, size_t, size_t, size_t);
};

/* Mapped: the pages of the records read are given back every so often. */
enum { DROP_EVERY = 32 << 20 };

/* Bytes of slack after the sentinel, so word-at-a-time scans may overread
 * (the fast path reads 64 bytes from a point at or before the sentinel). */
enum { CSV_PAD = 64 };

/* The fast path asks for the input this many bytes ahead of the block it
 * scans: a batch's column pass (csv_next_batch) reads its records again
 * between two scans, which the processor's own prefetcher does not foresee
 * (measured: without it the tokenizer took 15-70% longer in batches). */
enum { PREFETCH_AHEAD = 1024 };

/* batch_blocks asks this far ahead (measured at 1M, one thread, its CPU
 * samples: 1024 bytes 1280-1357, 2048 bytes 1041-1159, 4096 bytes
 * 1121-1149). */
enum { BLOCKS_AHEAD = 2048 };

#define ONES ((uint64_t)0x0101010101010101ull)
#define HIGHS ((uint64_t)0x8080808080808080ull)

/* Nonzero high bit in each byte of w equal to ',', '\n' or '\r'. */
static inline uint64_t special_bytes(uint64_t w)
{
    uint64_t a = w ^ (ONES * ','), b = w ^ (ONES * '\n'), c = w ^ (ONES * '\r');
    return ((a - ONES) & ~a) | ((b - ONES) & ~b) | ((c - ONES) & ~c);
}

/* First byte at or after p that ends an unquoted field (the sentinel
 * guarantees one).  Eight bytes at a time; the lowest flagged byte is exact
 * (borrows only propagate upwards past a true match). */
static inline char *scan_unquoted(char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
    for (;;) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t m = special_bytes(w) & HIGHS;
        if (m) return p + (__builtin_ctzll(m) >> 3);
        p += 8;
    }
#else
    while (*p != ',' && *p != '\n' && *p != '\r') p++;
    return p;
#endif
}

/* Map the whole regular file of `size` bytes (> 0) privately, followed by
 * zeroed anonymous memory for the sentinel and the pad: the sentinel is
 * written into the private copy, never into the file.  0 or -1. */
static int map_file(csv_reader *r, size_t size)
{
    long pg = sysconf(_SC_PAGESIZE);
    size_t page = pg > 0 ? (size_t)pg : 4096;
    size_t len = (size + 1 + CSV_PAD + page - 1) / page * page;
    void *area = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED) return -1;
    void *m = mmap(area, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, r->fd, 0);
    if (m == MAP_FAILED) {
        munmap(area, len);
        return -1;
    }
#ifdef MADV_SEQUENTIAL
    madvise(area, size, MADV_SEQUENTIAL);
#endif
    r->buf = area;
    r->maplen = len;
    r->can_drop = 1;
    r->cap = r->len = r->bytes = size;
    r->eof = 1;
    r->buf[size] = '\n';  /* the sentinel; the pad after it is zero */
    return 0;
}

static csv_reader *open_reader(const char *path, size_t bufsize, int map_small);
static int pick_fast(csv_reader *r, const char *name);

csv_reader *csv_open(const char *path, size_t bufsize)
{
    return open_reader(path, bufsize, 0);
}

csv_reader *csv_open_mapped(const char *path)
{
    return open_reader(path, 0, 1);
}

static csv_reader *open_reader(const char *path, size_t bufsize, int map_small)
{
    int fd = regfile_open(path);
    if (fd < 0) return NULL;
    struct stat st;
    size_t size = 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) size = (size_t)st.st_size;
    int asked = bufsize != 0;
    if (bufsize == 0) {
        bufsize = CSV_DEFAULT_BUFSIZE;
        /* small files get a buffer of their size */
        if (size && size + 1 < bufsize) bufsize = size + 1;
        if (bufsize < 64) bufsize = 64;
    }
    csv_reader *r = calloc(1, sizeof *r);
    if (!r) goto fail;
    r->size = size;
    r->fd = fd;
    /* a file too small to map gains nothing; one that cannot be mapped is
     * read, and so is any file when the caller asks for a buffer size */
    if (asked || (size < ((size_t)1 << 16) && !(map_small && size > 0)) ||
        map_file(r, size) != 0) {
        r->cap = bufsize;
        r->buf = malloc(r->cap + 1 + CSV_PAD);
    }
    r->fcap = 16;
    r->f = malloc(r->fcap * sizeof *r->f);
    if (!r->buf || !r->f) goto fail;
    pick_fast(r, NULL);
    r->line = 1;
    return r;
fail:;
    int e = errno;
    if (r) {
        if (r->maplen) munmap(r->buf, r->maplen);
        else free(r->buf);
        free(r->f);
        free(r);
    }
    close(fd);
    errno = e ? e : ENOMEM;
    return NULL;
}

static void drop_pages(csv_reader *r, size_t upto);

void csv_close(csv_reader *r)
{
    if (!r) return;
    if (r->view) drop_pages(r, r->pos);   /* what it read, of its own range */
    if (!r->view) {
        close(r->fd);
        if (r->maplen) munmap(r->buf, r->maplen);
        else free(r->buf);
    }
    free(r->f);
    free(r->scratch);
    free(r->off);
    free(r->bline);
    free(r->rstart);
    free(r);
}

size_t csv_nfields(const csv_reader *r)
{
    return r->nf;
}

const csv_field *csv_fields(const csv_reader *r)
{
    return r->f;
}

long csv_record_line(const csv_reader *r)
{
    return r->recline;
}

size_t csv_bytes_read(const csv_reader *r)
{
    return r->bytes;
}

size_t csv_offset(const csv_reader *r)
{
    return r->bytes - (r->len - r->pos);
}

size_t csv_file_size(const csv_reader *r)
{
    return r->size;
}

static int set_error(csv_reader *r, const char *msg, long line, const char *pos)
{
    snprintf(r->err, sizeof r->err, "%s", msg);
    r->errline = line;
    r->errpos = pos;
    return -1;
}

/* Keep the unread part, make room and read more.  0 on success (or end of
 * input: r->eof), -1 on a read error or no memory. */
static int csv_refill(csv_reader *r)
{
    r->mb = NULL;   /* the fast path's block: the buffer changes */
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
    }
    if (r->len == r->cap) {
        /* one record longer than the buffer: double it */
        char *nb = realloc(r->buf, r->cap * 2 + 1 + CSV_PAD);
        if (!nb) return set_error(r, "out of memory for a long record", 0, NULL);
        r->buf = nb;
        r->cap *= 2;
    }
    ssize_t n;
    do {
        n = read(r->fd, r->buf + r->len, r->cap - r->len);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        char msg[128];
        snprintf(msg, sizeof msg, "read error: %s", strerror(errno));
        return set_error(r, msg, 0, NULL);
    }
    if (n == 0) r->eof = 1;
    r->len += (size_t)n;
    r->bytes += (size_t)n;
    /* sentinel: stops every scan at the end; the pad keeps overreads defined */
    r->buf[r->len] = '\n';
    memset(r->buf + r->len + 1, 0, CSV_PAD);
    return 0;
}

static csv_field *new_field(csv_reader *r)
{
    if (r->nf == r->fcap) {
        csv_field *nf = realloc(r->f, r->fcap * 2 * sizeof *nf);
        if (!nf) return NULL;
        r->f = nf;
        r->fcap *= 2;
    }
    return &r->f[r->nf++];
}

/* ---- the fast path ---- */

/* One 64-byte block's bytes: bit k of e set when byte k is ',' or '\n', of
 * n when it is '\n', of cr when '\r', of q when '"' (fast_record wants
 * them all, e | cr | q). */
typedef struct block_bits {
    uint64_t e, n, cr, q;
} block_bits;

#if !defined(__SSE2__)
/* Bit k (k < 8) set when byte k of w (little-endian) is c: exact per byte
 * (no borrow between bytes), the high bits gathered by a multiplication. */
static inline uint64_t byte_bits(uint64_t w, unsigned char c)
{
    const uint64_t low7 = ~HIGHS;
    uint64_t x = w ^ (ONES * c);
    uint64_t hit = ~(((x & low7) + low7) | x) & HIGHS;
    return (hit >> 7) * 0x0102040810204080ull >> 56;
}
#endif

/* block_bits with SSE2, or eight bytes at a time elsewhere. */
static inline __attribute__((always_inline)) block_bits block_bits_base(const char *b)
{
    block_bits m = {0, 0, 0, 0};
#if defined(__SSE2__)
    const __m128i vc = _mm_set1_epi8(','), vn = _mm_set1_epi8('\n');
    const __m128i vr = _mm_set1_epi8('\r'), vq = _mm_set1_epi8('"');
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * k));
        __m128i n = _mm_cmpeq_epi8(v, vn);
        __m128i e = _mm_or_si128(_mm_cmpeq_epi8(v, vc), n);
        m.e |= (uint64_t)(uint16_t)_mm_movemask_epi8(e) << (16 * k);
        m.n |= (uint64_t)(uint16_t)_mm_movemask_epi8(n) << (16 * k);
        m.cr |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vr)) << (16 * k);
        m.q |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vq)) << (16 * k);
    }
#else
    for (int k = 0; k < 8; k++) {
        uint64_t w;
        memcpy(&w, b + 8 * k, 8);
        uint64_t n = byte_bits(w, '\n');
        m.e |= (byte_bits(w, ',') | n) << (8 * k);
        m.n |= n << (8 * k);
        m.cr |= byte_bits(w, '\r') << (8 * k);
        m.q |= byte_bits(w, '"') << (8 * k);
    }
#endif
    return m;
}

/* Tokenize the record at r->pos when it is plain: no field starts with a
 * quote, no CR but in a CRLF line end, and it ends before the end of the
 * buffered input unless that is the end of the file.  Its fields go to
 * r->f (ends == 0), r->nf their number; or, for csv_next_batch, it must
 * have `ends` fields (or be blank), and as record `at` of the batch its
 * start goes to r->rstart[at] and its fields' ends to r->off[at * ends ..
 * at * ends + ends), as offsets from r->bbase (which must fit in 32
 * bits).  1 or 2 as parse_record; 0 when it is not plain, or not of that
 * shape (nothing changed but the fields or offsets: parse_record, or
 * csv_next, reads it). */
static inline __attribute__((always_inline)) int
fast_record(csv_reader *r, block_bits (*bits)(const char *), size_t at, size_t ends)
{
    const char *const end = r->buf + r->len;
    const char *p = r->buf + r->pos, *b = r->mb;
    uint32_t *o = ends ? r->off + at * ends : NULL;
    uint64_t m;
    if (b && p >= b && p < b + 64) {
        m = r->mm;
    } else {
        b = p;
        block_bits x = bits(b);
        m = x.e | x.cr | x.q;
    }
    m &= ~(uint64_t)0 << (p - b);
    size_t nf = 0;
    const char *s = p, *q;
    if (ends) r->rstart[at] = (uint32_t)(p - r->bbase);
    for (;;) {
        while (!m) {
            b += 64;
            __builtin_prefetch(b + PREFETCH_AHEAD);
            block_bits x = bits(b);
            m = x.e | x.cr | x.q;
        }
        q = b + __builtin_ctzll(m);
        m &= m - 1;
        char c = *q;
        if (c == '"') {
            if (q == s) return 0;   /* a quoted field */
            continue;               /* a quote inside an unquoted field is data */
        }
        if (ends) {
            if (nf == ends) return 0;   /* more fields */
            o[nf] = (uint32_t)(q - r->bbase);
        } else {
            if (nf == r->fcap) {
                csv_field *f = realloc(r->f, r->fcap * 2 * sizeof *f);
                if (!f) return 0;
                r->f = f;
                r->fcap *= 2;
            }
            csv_field *f = &r->f[nf];
            f->p = f->raw = s;
            f->len = f->rawlen = (size_t)(q - s);
            f->line = r->line;
        }
        nf++;
        if (c != ',') break;
        s = q + 1;
    }
    int blank = nf == 1 && q == p;
    if (ends && ((nf != ends && !blank) || (size_t)(q - r->bbase) >= UINT32_MAX)) return 0;
    if (*q == '\r') {
        if (q + 1 >= end || q[1] != '\n') return 0;    /* a lone or final CR */
        q++;
        if (q < b + 64) m &= m - 1;     /* the '\n' is the next special byte */
        else b = NULL;
    } else if (q == end && !r->eof) {
        return 0;   /* more may follow */
    }
    r->nf = nf;
    r->rec = p;
    r->recline = r->line;
    if (q < end) {  /* the '\n' (not the sentinel) */
        q++;
        r->line++;
    }
    r->pos = (size_t)(q - r->buf);
    r->mb = b;
    r->mm = m;
    return blank ? 2 : 1;
}

/* ---- whole blocks for a batch ---- */

/* Bits set in w (__builtin_popcountll: inline where the target has the
 * instruction, a call into libgcc elsewhere). */
static inline __attribute__((always_inline)) unsigned bits_in(uint64_t w)
{
    return (unsigned)__builtin_popcountll(w);
}

/* 1 when the line ends n among the field ends e are exactly those whose
 * ranks (0: e's lowest set bit) are d, d + nf, d + 2 nf, ...: where the
 * records of nf fields end when the next line end is due at rank d.  Line
 * end by line end, for targets without pdep (`every` unused). */
static inline __attribute__((always_inline)) int ends_match(uint64_t e, uint64_t n, size_t d,
                                                            size_t nf, uint64_t every)
{
    (void)every;
    for (; n; n &= n - 1, d += nf)
        if (bits_in(e & ((n & -n) - 1)) != d) return 0;
    return d >= bits_in(e);
}

/* The offsets o + k of the set bits k of e, in order, at w; their number.
 * Eight at a time without a branch a bit: up to 64 entries from w on may
 * be written. */
static inline __attribute__((always_inline)) unsigned put_ends(uint32_t *w, uint64_t e,
                                                               uint32_t o)
{
    unsigned cnt = bits_in(e);
    for (unsigned i = 0; i < cnt; i += 8, w += 8)
        for (int j = 0; j < 8; j++) {
            /* bit 63 stands in for an empty mask: its writes are never read */
            w[j] = o + (uint32_t)__builtin_ctzll(e | (1ull << 63));
            e &= e - 1;
        }
    return cnt;
}

/* Plain records of exactly nf (>= 2) fields from r->pos on, tokenized a
 * whole 64-byte block at a time: every block's field ends are written one
 * after another straight into the batch's r->off from record `at` on
 * (eight or sixteen at a time, without a branch per field; nothing copied
 * after), and the block is taken when its line ends ('\n', or "\r\n",
 * whose last field ends at the '\r') are exactly the ends whose ranks make
 * records of nf fields (so a record of another width or a blank line stops
 * it) and it has no '"' or other '\r' (a "\r\n" cut by the block's end
 * counts as one).  Only blocks that end before the end of the input (and
 * the view's limit) are read, so every record taken ends in a real line
 * end and starts just after the one before.  The
 * complete records of the blocks taken, up to `room`, are the batch's
 * records from `at` on (their starts to r->rstart, lines to r->bline; the
 * ends written past them are not read), and r->pos and r->line move past
 * them.  Their number;
 * the record at r->pos (the first of the block that was not taken) is for
 * fast_record.  `match` checks the line ends (ends_match, or with pdep
 * where the target has it), `put` writes them (put_ends, or with
 * AVX-512's compress, or AVX2's table of bits). */
static inline __attribute__((always_inline)) size_t
batch_blocks(csv_reader *r, size_t nf, size_t room, size_t at, block_bits (*bits)(const char *),
             int (*match)(uint64_t, uint64_t, size_t, size_t, uint64_t),
             unsigned (*put)(uint32_t *, uint64_t, uint32_t))
{
    size_t pos = r->pos, stop = r->limit && r->limit < r->len ? r->limit : r->len;
    const size_t b0 = (size_t)(r->bbase - r->buf);
    if (stop - b0 > (size_t)UINT32_MAX - 64) stop = b0 + (size_t)UINT32_MAX - 64;
    if (nf < 2 || stop - pos < 64) return 0;
    /* room for (at + room + 1) * nf + 64 ends (csv_next_batch): the last
     * block starts before record at + room ends and writes up to 64 */
    uint32_t *const flat = r->off + at * nf;
    const char *b = r->buf + pos;
    uint32_t o = (uint32_t)(pos - b0);
    size_t fi = 0, nl = nf - 1, recs = 0;   /* ends so far, rank of the next '\n' */
    int crlf = 0;                           /* some line ends are CRLFs */
    uint64_t every = 0;
    for (size_t k = 0; k < 64; k += nf) every |= (uint64_t)1 << k;
    for (size_t left = (stop - pos) / 64; left > 0 && recs < room; left--) {
        __builtin_prefetch(b + BLOCKS_AHEAD);
        block_bits m = bits(b);
        uint64_t e = m.e, n = m.n;
        if (m.cr | m.q) {
            uint64_t pair = m.cr & (n >> 1);    /* each '\r' just before a '\n' */
            if (m.q || m.cr != pair) break;     /* a quote, a lone '\r' (or at bit 63) */
            n = (n & ~(pair << 1)) | pair;      /* a CRLF's line (and last field) ends */
            e = (e & ~(pair << 1)) | pair;      /* at its '\r' */
            crlf = 1;
        }
        if (!match(e, n, nl - fi, nf, every)) break;
        fi += put(flat + fi, e, o);
        unsigned k = bits_in(n);
        recs += k;
        nl += nf * k;
        b += 64;
        o += 64;
    }
    size_t take = recs < room ? recs : room;
    uint32_t start = (uint32_t)(pos - b0);
    const uint32_t *last = flat + nf - 1;     /* each record's last field's end */
    for (size_t k = 0; k < take; k++, last += nf) {
        r->rstart[at + k] = start;
        start = *last + 1;
        if (crlf && r->bbase[start - 1] == '\r') start++;
        r->bline[at + k] = r->line + (long)k;
    }
    if (take) {
        r->pos = b0 + start;
        r->line += (long)take;
        r->mb = NULL;
    }
    return take;
}

/* fast_record with the block mask of this build (SSE2 or portable): one
 * record's fields (ends 0), or its offsets.  The two ways are inlined
 * apart (the constant ends 0 drops the other). */
static int fast_record_base(csv_reader *r, size_t at, size_t ends)
{
    return ends ? fast_record(r, block_bits_base, at, ends) : fast_record(r, block_bits_base, 0, 0);
}

static size_t batch_blocks_base(csv_reader *r, size_t nf, size_t room, size_t at)
{
    return batch_blocks(r, nf, room, at, block_bits_base, ends_match, put_ends);
}

#ifdef CSV_X86_DISPATCH
/* The same masks with wider vectors, for processors that have them (chosen
 * at run time by pick_fast). */
static inline __attribute__((always_inline, target("avx2"))) block_bits
block_bits_avx2(const char *b)
{
    const __m256i vc = _mm256_set1_epi8(','), vn = _mm256_set1_epi8('\n');
    const __m256i vr = _mm256_set1_epi8('\r'), vq = _mm256_set1_epi8('"');
    block_bits m = {0, 0, 0, 0};
    for (int k = 0; k < 2; k++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32 * k));
        __m256i n = _mm256_cmpeq_epi8(v, vn);
        __m256i e = _mm256_or_si256(_mm256_cmpeq_epi8(v, vc), n);
        m.e |= (uint64_t)(uint32_t)_mm256_movemask_epi8(e) << (32 * k);
        m.n |= (uint64_t)(uint32_t)_mm256_movemask_epi8(n) << (32 * k);
        m.cr |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, vr)) << (32 * k);
        m.q |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, vq)) << (32 * k);
    }
    return m;
}

static inline __attribute__((always_inline, target("avx512bw"))) block_bits
block_bits_avx512(const char *b)
{
    __m512i v = _mm512_loadu_si512((const void *)b);
    uint64_t n = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
    block_bits m = {_mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(',')) | n, n,
                    _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\r')),
                    _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('"'))};
    return m;
}

static __attribute__((target("avx2"))) int fast_record_avx2(csv_reader *r, size_t at,
                                                             size_t ends)
{
    return ends ? fast_record(r, block_bits_avx2, at, ends)
                : fast_record(r, block_bits_avx2, 0, 0);
}

static __attribute__((target("avx512bw"))) int fast_record_avx512(csv_reader *r, size_t at,
                                                                  size_t ends)
{
    return ends ? fast_record(r, block_bits_avx512, at, ends)
                : fast_record(r, block_bits_avx512, 0, 0);
}

/* ends_match in one instruction: pdep deposits the bits d, d + nf, ... of
 * `every` (bits 0, nf, 2 nf, ...) on e's set bits in order. */
static inline __attribute__((always_inline, target("bmi2"))) int
ends_match_pdep(uint64_t e, uint64_t n, size_t d, size_t nf, uint64_t every)
{
    (void)nf;
    return _pdep_u64(d < 64 ? every << d : 0, e) == n;
}

/* put_ends sixteen bytes at a time: their offsets compressed by the
 * mask's sixteen bits (up to 64 entries from w on may be written). */
static inline __attribute__((always_inline, target("avx512f,popcnt"))) unsigned
put_ends_avx512(uint32_t *w, uint64_t e, uint32_t o)
{
    const __m512i at = _mm512_add_epi32(_mm512_set1_epi32((int)o),
                                        _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                                          11, 12, 13, 14, 15));
    unsigned cnt = 0;
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++) {
        __mmask16 k = (__mmask16)(e >> (16 * q));
        __m512i x = _mm512_add_epi32(at, _mm512_set1_epi32(16 * q));
        _mm512_storeu_si512((void *)(w + cnt), _mm512_maskz_compress_epi32(k, x));
        cnt += bits_in(k);
    }
    return cnt;
}

/* put_ends eight bytes at a time without AVX-512's compress: a byte's
 * set bits' places, in order a byte each, from a table, widened to eight
 * offsets and stored (up to 64 entries from w on may be written).  The
 * table's entry b: bit k's place k in byte i of the entry for the i-th set
 * bit of b, low first (the rest 0); made by
 *     for b in 0..255: sum(k << 8 i for i, k in enumerate(set bits of b)) */
static const uint64_t set_bits8[256] = {
    0, 0, 0x1ull, 0x100ull, 0x2ull, 0x200ull, 0x201ull, 0x20100ull,
    0x3ull, 0x300ull, 0x301ull, 0x30100ull, 0x302ull, 0x30200ull, 0x30201ull, 0x3020100ull,
    0x4ull, 0x400ull, 0x401ull, 0x40100ull, 0x402ull, 0x40200ull, 0x40201ull, 0x4020100ull,
    0x403ull, 0x40300ull, 0x40301ull, 0x4030100ull, 0x40302ull, 0x4030200ull, 0x4030201ull, 0x403020100ull,
    0x5ull, 0x500ull, 0x501ull, 0x50100ull, 0x502ull, 0x50200ull, 0x50201ull, 0x5020100ull,
    0x503ull, 0x50300ull, 0x50301ull, 0x5030100ull, 0x50302ull, 0x5030200ull, 0x5030201ull, 0x503020100ull,
    0x504ull, 0x50400ull, 0x50401ull, 0x5040100ull, 0x50402ull, 0x5040200ull, 0x5040201ull, 0x504020100ull,
    0x50403ull, 0x5040300ull, 0x5040301ull, 0x504030100ull, 0x5040302ull, 0x504030200ull, 0x504030201ull, 0x50403020100ull,
    0x6ull, 0x600ull, 0x601ull, 0x60100ull, 0x602ull, 0x60200ull, 0x60201ull, 0x6020100ull,
    0x603ull, 0x60300ull, 0x60301ull, 0x6030100ull, 0x60302ull, 0x6030200ull, 0x6030201ull, 0x603020100ull,
    0x604ull, 0x60400ull, 0x60401ull, 0x6040100ull, 0x60402ull, 0x6040200ull, 0x6040201ull, 0x604020100ull,
    0x60403ull, 0x6040300ull, 0x6040301ull, 0x604030100ull, 0x6040302ull, 0x604030200ull, 0x604030201ull, 0x60403020100ull,
    0x605ull, 0x60500ull, 0x60501ull, 0x6050100ull, 0x60502ull, 0x6050200ull, 0x6050201ull, 0x605020100ull,
    0x60503ull, 0x6050300ull, 0x6050301ull, 0x605030100ull, 0x6050302ull, 0x605030200ull, 0x605030201ull, 0x60503020100ull,
    0x60504ull, 0x6050400ull, 0x6050401ull, 0x605040100ull, 0x6050402ull, 0x605040200ull, 0x605040201ull, 0x60504020100ull,
    0x6050403ull, 0x605040300ull, 0x605040301ull, 0x60504030100ull, 0x605040302ull, 0x60504030200ull, 0x60504030201ull, 0x6050403020100ull,
    0x7ull, 0x700ull, 0x701ull, 0x70100ull, 0x702ull, 0x70200ull, 0x70201ull, 0x7020100ull,
    0x703ull, 0x70300ull, 0x70301ull, 0x7030100ull, 0x70302ull, 0x7030200ull, 0x7030201ull, 0x703020100ull,
    0x704ull, 0x70400ull, 0x70401ull, 0x7040100ull, 0x70402ull, 0x7040200ull, 0x7040201ull, 0x704020100ull,
    0x70403ull, 0x7040300ull, 0x7040301ull, 0x704030100ull, 0x7040302ull, 0x704030200ull, 0x704030201ull, 0x70403020100ull,
    0x705ull, 0x70500ull, 0x70501ull, 0x7050100ull, 0x70502ull, 0x7050200ull, 0x7050201ull, 0x705020100ull,
    0x70503ull, 0x7050300ull, 0x7050301ull, 0x705030100ull, 0x7050302ull, 0x705030200ull, 0x705030201ull, 0x70503020100ull,
    0x70504ull, 0x7050400ull, 0x7050401ull, 0x705040100ull, 0x7050402ull, 0x705040200ull, 0x705040201ull, 0x70504020100ull,
    0x7050403ull, 0x705040300ull, 0x705040301ull, 0x70504030100ull, 0x705040302ull, 0x70504030200ull, 0x70504030201ull, 0x7050403020100ull,
    0x706ull, 0x70600ull, 0x70601ull, 0x7060100ull, 0x70602ull, 0x7060200ull, 0x7060201ull, 0x706020100ull,
    0x70603ull, 0x7060300ull, 0x7060301ull, 0x706030100ull, 0x7060302ull, 0x706030200ull, 0x706030201ull, 0x70603020100ull,
    0x70604ull, 0x7060400ull, 0x7060401ull, 0x706040100ull, 0x7060402ull, 0x706040200ull, 0x706040201ull, 0x70604020100ull,
    0x7060403ull, 0x706040300ull, 0x706040301ull, 0x70604030100ull, 0x706040302ull, 0x70604030200ull, 0x70604030201ull, 0x7060403020100ull,
    0x70605ull, 0x7060500ull, 0x7060501ull, 0x706050100ull, 0x7060502ull, 0x706050200ull, 0x706050201ull, 0x70605020100ull,
    0x7060503ull, 0x706050300ull, 0x706050301ull, 0x70605030100ull, 0x706050302ull, 0x70605030200ull, 0x70605030201ull, 0x7060503020100ull,
    0x7060504ull, 0x706050400ull, 0x706050401ull, 0x70605040100ull, 0x706050402ull, 0x70605040200ull, 0x70605040201ull, 0x7060504020100ull,
    0x706050403ull, 0x70605040300ull, 0x70605040301ull, 0x7060504030100ull, 0x70605040302ull, 0x7060504030200ull, 0x7060504030201ull, 0x706050403020100ull,
};

static inline __attribute__((always_inline, target("avx2,popcnt"))) unsigned
put_ends_avx2(uint32_t *w, uint64_t e, uint32_t o)
{
    unsigned cnt = 0;
#pragma GCC unroll 8
    for (int q = 0; q < 8; q++) {
        unsigned b = (unsigned)(e >> (8 * q)) & 0xFF;
        __m256i k = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)&set_bits8[b]));
        __m256i at = _mm256_set1_epi32((int)(o + 8 * (unsigned)q));
        _mm256_storeu_si256((__m256i *)(void *)(w + cnt), _mm256_add_epi32(k, at));
        cnt += bits_in(b);
    }
    return cnt;
}

static __attribute__((target("avx2,popcnt"))) size_t batch_blocks_avx2(csv_reader *r, size_t nf,
                                                                        size_t room, size_t at)
{
    return batch_blocks(r, nf, room, at, block_bits_avx2, ends_match, put_ends_avx2);
}

/* With pdep's line ends, where pdep is fast (1172-1196 CPU samples of
 * batch blocks at 1M against 1484-1530 without; see slow_pdep). */
static __attribute__((target("avx2,popcnt,bmi2"))) size_t
batch_blocks_avx2_bmi2(csv_reader *r, size_t nf, size_t room, size_t at)
{
    return batch_blocks(r, nf, room, at, block_bits_avx2, ends_match_pdep, put_ends_avx2);
}

/* 1 on the processors with BMI2 whose pdep is microcoded (AMD before Zen
 * 3: tens to hundreds of cycles an instruction), where ends_match's loop
 * over the few line ends of a block is faster. */
static int slow_pdep(void)
{
    return __builtin_cpu_is("bdver4") || __builtin_cpu_is("znver1") || __builtin_cpu_is("znver2");
}

static __attribute__((target("avx512bw,avx512f,popcnt,bmi2"))) size_t
batch_blocks_avx512(csv_reader *r, size_t nf, size_t room, size_t at)
{
    return batch_blocks(r, nf, room, at, block_bits_avx512, ends_match_pdep, put_ends_avx512);
}
#endif

/* Set r's fast path and batch blocks to those of the named block mask
 * ("base", "avx2", "avx2-bmi2", "avx512"), or of the widest this processor
 * has (name NULL; "avx2-bmi2" only where pdep is fast).  0 (nothing
 * changed) when it lacks the one named. */
static int pick_fast(csv_reader *r, const char *name)
{
    int any = name == NULL;
#ifdef CSV_X86_DISPATCH
    __builtin_cpu_init();
    if ((any || strcmp(name, "avx512") == 0) && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt")) {
        r->fast = fast_record_avx512;
        r->blocks = batch_blocks_avx512;
        return 1;
    }
    if ((any ? !slow_pdep() : strcmp(name, "avx2-bmi2") == 0) && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt")) {
        r->fast = fast_record_avx2;
        r->blocks = batch_blocks_avx2_bmi2;
        return 1;
    }
    if ((any || strcmp(name, "avx2") == 0) && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("popcnt")) {
        r->fast = fast_record_avx2;
        r->blocks = batch_blocks_avx2;
        return 1;
    }
#endif
    if (!any && strcmp(name, "base") != 0) return 0;
    r->fast = fast_record_base;
    r->blocks = batch_blocks_base;
    return 1;
}

/* Tokenize the record at r->pos.  1: a complete record (r->pos and r->line
 * advanced past it); 0: the buffered input ends inside the record and more
 * must be read; 2: a blank line was skipped; -1: an error. */
static int parse_record(csv_reader *r)
{
    char *const end = r->buf + r->len;
    char *p = r->buf + r->pos;
    long line = r->line;
    size_t sused = 0;
    r->nf = 0;
    r->rec = p;
    r->recline = line;
    if (r->scratch && r->scap < r->cap + 1) {
        char *ns = realloc(r->scratch, r->cap + 1);
        if (!ns) return set_error(r, "out of memory", line, NULL);
        r->scratch = ns;
        r->scap = r->cap + 1;
    }
    for (;;) {
        csv_field *f = new_field(r);
        if (!f) return set_error(r, "out of memory", line, NULL);
        f->raw = p;
        f->line = line;
        if (*p != '"') {
            const char *s = p;
            for (;;) {
                p = scan_unquoted(p);
                if (*p != '\r') break;
                if (p + 1 < end) {
                    if (p[1] == '\n') break;
                    p++;        /* a lone CR is data */
                    continue;
                }
                if (!r->eof) return 0;
                break;          /* CR at the very end of the input */
            }
            f->p = s;
            f->len = f->rawlen = (size_t)(p - s);
        } else {
            char *s = ++p;
            char *out = NULL;   /* where unescaped text goes, once a "" is seen */
            for (;;) {
                while (*p != '"' && p < end) {
                    if (*p == '\n') line++;
                    p++;
                }
                if (p == end) {
                    if (!r->eof) return 0;
                    return set_error(r, "unterminated quoted field", f->line, f->raw);
                }
                if (p + 1 == end && !r->eof) return 0;
                if (p[1] != '"') break;
                /* "" stands for one quote */
                if (!out) {
                    if (!r->scratch) {
                        r->scratch = malloc(r->cap + 1);
                        if (!r->scratch) return set_error(r, "out of memory", line, NULL);
                        r->scap = r->cap + 1;
                    }
                    out = r->scratch + sused;
                }
                memcpy(r->scratch + sused, s, (size_t)(p - s) + 1);
                sused += (size_t)(p - s) + 1;
                p += 2;
                s = p;
            }
            if (out) {
                memcpy(r->scratch + sused, s, (size_t)(p - s));
                sused += (size_t)(p - s);
                f->p = out;
                f->len = (size_t)(r->scratch + sused - out);
            } else {
                f->p = s;
                f->len = (size_t)(p - s);
            }
            p++;        /* the closing quote */
            f->rawlen = (size_t)(p - f->raw);
            if (*p == '\r') {
                if (p + 1 == end && !r->eof) return 0;
                if (p + 1 < end && p[1] != '\n')
                    return set_error(r, "unexpected character after a closing quote", line, p);
            } else if (*p != ',' && *p != '\n') {
                return set_error(r, "unexpected character after a closing quote", line, p);
            }
        }
        /* p is at ',', '\n', "\r\n", a final '\r', or the sentinel */
        if (*p == ',') {
            p++;
            continue;
        }
        if (p == end && !r->eof) return 0;
        if (*p == '\r') p++;
        if (p < end) {  /* the '\n' (not the sentinel) */
            p++;
            line++;
        }
        break;
    }
    r->pos = (size_t)(p - r->buf);
    r->line = line;
    if (r->nf == 1 && r->f[0].rawlen == 0) return 2;   /* a blank line */
    return 1;
}

/* Mapped: give the pages of the records already read back to the kernel
 * every 32 MiB, so the file is not resident as a whole (they would be read
 * again from the file if touched; the sentinel's page is never dropped). */
static void drop_read_pages(csv_reader *r)
{
    if (r->pos < r->dropped || r->pos - r->dropped < DROP_EVERY) return;
    drop_pages(r, r->pos);
}

/* Give back the whole pages in [dropped, upto). */
static void drop_pages(csv_reader *r, size_t upto)
{
    if (!r->can_drop) return;
    long pg = sysconf(_SC_PAGESIZE);
    size_t page = pg > 0 ? (size_t)pg : 4096;
    upto = upto / page * page;
    if (upto > r->dropped) {
        madvise(r->buf + r->dropped, upto - r->dropped, MADV_DONTNEED);
        r->dropped = upto;
    }
}

/* Skip a UTF-8 byte order mark at the start of the input.  0 or -1. */
static int check_bom(csv_reader *r)
{
    while (r->len < 3 && !r->eof)
        if (csv_refill(r) != 0) return -1;
    if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) r->pos = 3;
    r->bom_checked = 1;
    return 0;
}

/* csv_next. */
static inline int next_record(csv_reader *r)
{
    drop_read_pages(r);
    if (!r->bom_checked && check_bom(r) != 0) return -1;
    for (;;) {
        if (r->limit && r->pos >= r->limit) {
            r->nf = 0;
            return 0;
        }
        if (r->pos == r->len) {
            if (r->eof) {
                r->nf = 0;
                return 0;
            }
            if (csv_refill(r) != 0) return -1;
            continue;
        }
        int rc = r->slow ? 0 : r->fast(r, 0, 0);
        if (rc == 0) {
            r->mb = NULL;
            rc = parse_record(r);
        }
        if (rc == 1) return 1;
        if (rc == 2) continue;
        if (rc < 0) return -1;
        if (csv_refill(r) != 0) return -1;
    }
}

int csv_next(csv_reader *r)
{
    return next_record(r);
}

size_t csv_next_batch(csv_reader *r, size_t nf, size_t max, csv_batch *bt)
{
    bt->n = 0;
    if (r->slow || !r->bom_checked || nf == 0 || max == 0) return 0;
    drop_read_pages(r);
    /* batch_blocks writes up to one record and 64 ends past the last */
    size_t ocap = (max + 1) * nf + 64;
    if (ocap > r->ocap || max > r->lcap) {
        uint32_t *o = realloc(r->off, ocap * sizeof *o);
        if (o) r->off = o;
        uint32_t *s = o ? realloc(r->rstart, max * sizeof *s) : NULL;
        if (s) r->rstart = s;
        long *l = s ? realloc(r->bline, max * sizeof *l) : NULL;
        if (l) r->bline = l;
        if (!o || !s || !l) return 0;     /* csv_next reads them */
        r->ocap = ocap;
        r->lcap = max;
    }
    r->bbase = r->buf + r->pos;
    size_t n = 0, pos = r->pos;
    long line = r->line;
    const char *mb = r->mb;
    uint64_t mm = r->mm;
    while (n < max) {
        if ((r->limit && r->pos >= r->limit) || r->pos == r->len) break;
        /* whole blocks while they hold plain records of this width; then
         * one record at a time (quotes, CRs, blank lines, the input's end) */
        size_t k = r->blocks(r, nf, max - n, n);
        if (k) {
            n += k;
            pos = r->pos;
            line = r->line;
            mb = r->mb;
            mm = r->mm;
            if (n == max || (r->limit && r->pos >= r->limit) || r->pos == r->len) break;
        }
        long at = r->line;
        int rc = r->fast(r, n, nf);
        if (rc == 2) continue;  /* a blank line */
        if (rc != 1) break;
        r->bline[n++] = at;
        pos = r->pos;
        line = r->line;
        mb = r->mb;
        mm = r->mm;
    }
    if (n) {    /* just after the last record, as csv_next leaves it */
        r->pos = pos;
        r->line = line;
        r->mb = mb;
        r->mm = mm;
        r->rec = r->bbase + r->rstart[n - 1];
        r->recline = r->bline[n - 1];
    }
    r->nf = 0;
    bt->base = r->bbase;
    bt->start = r->rstart;
    bt->end = r->off;
    bt->line = r->bline;
    bt->nf = nf;
    bt->n = n;
    return n;
}

void csv_rewind(csv_reader *r, const csv_batch *bt, size_t k)
{
    r->pos = (size_t)(bt->base - r->buf) + bt->start[k];
    r->line = bt->line[k];
    r->mb = NULL;
    r->nf = 0;
}

const char *csv_line_of(const csv_reader *r, const char *pos, size_t *len, int *col)
{
    const char *s = pos, *e = pos;
    const char *end = r->buf + r->len;
    while (s > r->rec && s[-1] != '\n') s--;
    while (e < end && *e != '\n') e++;
    if (e > s && e[-1] == '\r') e--;
    if (e < pos) e = pos;
    *len = (size_t)(e - s);
    *col = (int)(pos - s) + 1;
    return s;
}

const char *csv_error(const csv_reader *r, long *line, int *col, const char **srcline,
                      size_t *srclen)
{
    *line = r->errline;
    *col = 0;
    *srcline = NULL;
    *srclen = 0;
    if (r->errpos) *srcline = csv_line_of(r, r->errpos, srclen, col);
    return r->err;
}

void csv_set_fast(csv_reader *r, int on)
{
    r->slow = !on;
}

int csv_set_simd(csv_reader *r, const char *name)
{
    if (!pick_fast(r, name)) return 0;
    r->mb = NULL;   /* its block's mask would come from the other one */
    return 1;
}

int csv_mapped(const csv_reader *r)
{
    return r->maplen > 0 && !r->view;
}

long csv_line(const csv_reader *r)
{
    return r->line;
}

size_t csv_next_line_start(const csv_reader *r, size_t off)
{
    if (off >= r->len) return r->len;
    const char *nl = off == 0 ? r->buf : memchr(r->buf + off - 1, '\n', r->len - (off - 1));
    if (!nl) return r->len;
    if (off == 0) return 0;
    return (size_t)(nl - r->buf) + 1;
}

csv_reader *csv_view(const csv_reader *r, size_t start, size_t limit)
{
    csv_reader *v = calloc(1, sizeof *v);
    if (!v) return NULL;
    v->fd = -1;
    v->view = 1;
    v->buf = r->buf;
    v->cap = r->cap;
    v->len = r->len;
    v->bytes = r->bytes;
    v->size = r->size;
    v->eof = 1;
    v->bom_checked = 1;
    v->pos = start;
    v->limit = limit;
    v->line = 1;
    v->can_drop = r->can_drop;
    v->slow = r->slow;
    v->fast = r->fast;
    v->blocks = r->blocks;
    /* pages of this view's own range may be given back as it is read */
    long pg = sysconf(_SC_PAGESIZE);
    size_t page = pg > 0 ? (size_t)pg : 4096;
    v->dropped = (start + page - 1) / page * page;
    v->fcap = 16;
    v->f = malloc(v->fcap * sizeof *v->f);
    if (!v->f) {
        free(v);
        return NULL;
    }
    return v;
}
