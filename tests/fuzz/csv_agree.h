/* csv_agree.h: the CSV tokenizer's fast path against its general one on
 * the same file (csv_set_fast) with each block mask the processor has
 * (csv_set_simd), for the unit tests (tests/unit/test_data.c)
 * and the CSV fuzz target (fuzz_csv.c).  Header-only: each includes it
 * once. */
#ifndef COHORT_CSV_AGREE_H
#define COHORT_CSV_AGREE_H
#include <stdint.h>
#include <string.h>
#include "csv.h"

/* Every record and every field of the file at path, read with the fast path and
 * without it, mapped or through a buffer of `bufsize` bytes: the same
 * fields (text, offset in the line, length in the file, line), records,
 * record lines, errors and their places. */
static inline int tokenizers_agree_with(const char *path, size_t bufsize, int mapped,
                                        const char *simd)
{
    csv_reader *a = mapped ? csv_open_mapped(path) : csv_open(path, bufsize);
    csv_reader *b = mapped ? csv_open_mapped(path) : csv_open(path, bufsize);
    if (!a || !b) {
        csv_close(a);
        csv_close(b);
        return 0;
    }
    csv_set_fast(b, 0);
    csv_set_simd(a, simd);
    int same = 1;
    for (;;) {
        int ra = csv_next(a), rb = csv_next(b);
        if (ra != rb) {
            same = 0;
            break;
        }
        if (ra < 0) {
            long la, lb;
            int ca, cb;
            const char *sa, *sb;
            size_t na, nb;
            const char *ma = csv_error(a, &la, &ca, &sa, &na);
            const char *mb = csv_error(b, &lb, &cb, &sb, &nb);
            same = strcmp(ma, mb) == 0 && la == lb && ca == cb && na == nb &&
                   (na == 0 || memcmp(sa, sb, na) == 0);
            break;
        }
        if (ra == 0) break;
        size_t n = csv_nfields(a);
        if (n != csv_nfields(b) || csv_record_line(a) != csv_record_line(b) ||
            csv_offset(a) != csv_offset(b) || csv_line(a) != csv_line(b)) {
            same = 0;
            break;
        }
        const csv_field *fa = csv_fields(a), *fb = csv_fields(b);
        for (size_t j = 0; j < n && same; j++) {
            size_t la, lb;
            int ca, cb;
            csv_line_of(a, fa[j].raw, &la, &ca);
            csv_line_of(b, fb[j].raw, &lb, &cb);
            same = fa[j].len == fb[j].len && memcmp(fa[j].p, fb[j].p, fa[j].len) == 0 &&
                   fa[j].rawlen == fb[j].rawlen && fa[j].line == fb[j].line && la == lb &&
                   ca == cb;
        }
        if (!same) break;
    }
    csv_close(a);
    csv_close(b);
    return same;
}

/* Every record of the file at path read in batches (csv_next_batch of the
 * width of the record before, csv_next where a batch stops) with the block
 * mask `simd` (csv_set_simd), against the
 * general tokenizer: the same records, fields (text, start, line) and end
 * offsets; and each batch read again from its middle record (csv_rewind,
 * csv_next) gives its records once more. */
static inline int batches_agree_with(const char *path, size_t bufsize, int mapped,
                                     const char *simd)
{
    csv_reader *a = mapped ? csv_open_mapped(path) : csv_open(path, bufsize);
    csv_reader *b = mapped ? csv_open_mapped(path) : csv_open(path, bufsize);
    enum { MAXREC = 7, MAXF = 64 };
    uint32_t start[MAXREC], ends[MAXREC * MAXF];
    long line[MAXREC];
    int same = a && b;
    if (same) {
        csv_set_fast(b, 0);
        csv_set_simd(a, simd);
    }
    size_t width = 1;
    while (same) {
        csv_batch bt;
        size_t n = width <= MAXF ? csv_next_batch(a, width, MAXREC, &bt) : 0;
        if (n == 0) {   /* one record as usual */
            int ra = csv_next(a), rb = csv_next(b);
            same = ra == rb && (ra <= 0 || (csv_nfields(a) == csv_nfields(b) &&
                                           csv_offset(a) == csv_offset(b) &&
                                           csv_record_line(a) == csv_record_line(b)));
            if (ra <= 0) break;
            width = csv_nfields(a);
            continue;
        }
        memcpy(start, bt.start, n * sizeof *start);
        memcpy(ends, bt.end, n * width * sizeof *ends);
        memcpy(line, bt.line, n * sizeof *line);
        const char *base = bt.base;
        for (size_t k = 0; k < n && same; k++) {
            const uint32_t *o = ends + k * width;
            same = csv_next(b) == 1 && csv_nfields(b) == width && csv_record_line(b) == line[k];
            const csv_field *f = csv_fields(b);
            for (size_t j = 0; j < width && same; j++) {
                size_t from = j ? o[j - 1] + 1 : start[k];
                same = f[j].raw == f[j].p && f[j].len == o[j] - from &&
                       memcmp(f[j].p, base + from, f[j].len) == 0 &&
                       (size_t)(f[j].raw - f[0].raw) == from - start[k] && f[j].line == line[k];
            }
        }
        if (!same || csv_offset(a) != csv_offset(b)) {
            same = 0;
            break;
        }
        size_t end = csv_offset(a), k0 = n / 2;
        csv_rewind(a, &bt, k0);
        for (size_t k = k0; k < n && same; k++) {
            same = csv_next(a) == 1 && csv_nfields(a) == width && csv_record_line(a) == line[k] &&
                   csv_fields(a)[0].p == base + start[k] &&
                   csv_fields(a)[width - 1].p + csv_fields(a)[width - 1].len ==
                       base + ends[k * width + width - 1];
        }
        same = same && csv_offset(a) == end;
    }
    csv_close(a);
    csv_close(b);
    return same;
}

/* f (tokenizers_agree_with or batches_agree_with) with every block mask
 * of this processor. */
static inline int agree_every_simd(int (*f)(const char *, size_t, int, const char *),
                                   const char *path, size_t bufsize, int mapped)
{
    static const char *const simd[] = {"base", "avx2", "avx2-bmi2", "avx512"};
    int same = 1;
    for (size_t k = 0; k < sizeof simd / sizeof *simd && same; k++) {
        csv_reader *r = csv_open(path, 64);
        if (!r) return 0;
        int has = csv_set_simd(r, simd[k]);
        csv_close(r);
        if (has) same = f(path, bufsize, mapped, simd[k]);
    }
    return same;
}

static inline int tokenizers_agree(const char *path, size_t bufsize, int mapped)
{
    return agree_every_simd(tokenizers_agree_with, path, bufsize, mapped);
}

static inline int batches_agree(const char *path, size_t bufsize, int mapped)
{
    return agree_every_simd(batches_agree_with, path, bufsize, mapped);
}

#endif
