/* bits01.c: sections of 0/1 values as bits (bits01.h).  The results cache
 * keeps a boolean column, a 0/1 status or a column's missing flags one bit
 * a value; a rerun unpacks each such section it reuses (19 MB of doubles a
 * boolean column at 1M units) and packs the one it computes.  The AVX-512
 * paths do 8 doubles or 64 bytes an instruction: a compare into a mask
 * register (packing, the check) or a masked move of the ones (unpacking);
 * the AVX2 paths half as many, by movemask and compares; the portable
 * paths work a byte of bits at a time in a register. */
#include "bits01.h"
#include <stdint.h>
#include <string.h>

#define ONE 0x3ff0000000000000ULL   /* the double 1.0 */

/* Every 8-byte word of p[0..len) the double 0.0 or 1.0 (len a multiple
 * of 8), 64 words at a time without a branch each: a column of other
 * numbers is found in its first block. */
static int doubles_portable(const unsigned char *p, size_t len)
{
    int doubles = len % 8 == 0;
    for (size_t i = 0; doubles && i < len;) {
        size_t end = len - i > 512 ? i + 512 : len;
        uint64_t other = 0;
        for (; i < end; i += 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            other |= (uint64_t)((w != 0) & (w != ONE));
        }
        doubles = !other;
    }
    return doubles;
}

/* Every byte 0 or 1: no bit but each byte's lowest set, 8 bytes at a time. */
static int bytes_portable(const unsigned char *p, size_t len)
{
    uint64_t any = 0;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        any |= w;
    }
    for (; i < len; i++) any |= p[i];
    return (any & ~0x0101010101010101ULL) == 0;
}

static int kind_portable(const unsigned char *p, size_t len)
{
    if (doubles_portable(p, len)) return BITS01_DOUBLES;
    return bytes_portable(p, len) ? BITS01_BYTES : BITS01_NONE;
}

static void pack_portable(const unsigned char *p, size_t n, int width, unsigned char *out)
{
    for (size_t o = 0; o < (n + 7) / 8; o++) {
        size_t first = o * 8, k = n - first < 8 ? n - first : 8;
        unsigned bits = 0;
        for (size_t j = 0; j < k; j++) {
            const unsigned char *v = p + (first + j) * (size_t)width;
            uint64_t w = 0;
            memcpy(&w, v, (size_t)width);
            bits |= (unsigned)(w != 0) << j;
        }
        out[o] = (unsigned char)bits;
    }
}

/* The 8 bytes 0/1 of the 8 bits of b (bit k: byte k), in memory order:
 * b copied into every byte, byte k keeping bit k, then each byte made 1
 * when not 0 (adding 0x7f carries into its top bit, never into the next
 * byte); stored byte by byte, whatever the byte order. */
static void spread_bits(unsigned b, unsigned char out[8])
{
    uint64_t m = ((uint64_t)b * 0x0101010101010101ULL) & 0x8040201008040201ULL;
    m = ((m + 0x7f7f7f7f7f7f7f7fULL) >> 7) & 0x0101010101010101ULL;
    for (int k = 0; k < 8; k++) out[k] = (unsigned char)(m >> (8 * k));
}

static void unpack_portable(const unsigned char *bits, size_t n, int width, unsigned char *out)
{
    size_t whole = n / 8;
    unsigned char v[8];
    for (size_t o = 0; o < whole; o++) {
        spread_bits(bits[o], v);
        if (width == 1) {
            memcpy(out + 8 * o, v, 8);
            continue;
        }
        for (int k = 0; k < 8; k++) {
            uint64_t w = -(uint64_t)v[k] & ONE;
            memcpy(out + 64 * o + 8 * (size_t)k, &w, 8);
        }
    }
    for (size_t i = 8 * whole; i < n; i++) {
        unsigned bit = (bits[i >> 3] >> (i & 7)) & 1;
        if (width == 1) out[i] = (unsigned char)bit;
        else {
            uint64_t w = -(uint64_t)bit & ONE;
            memcpy(out + 8 * i, &w, 8);
        }
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define SIMD_OK() (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
#define TARGET __attribute__((target("avx512f,avx512bw")))

/* Whole blocks of 64 bytes by vectors, the tail by the portable loops. */
static TARGET int kind_avx512(const unsigned char *p, size_t len)
{
    size_t whole = len - len % 64;
    if (len % 8 == 0) {
        const __m512i one = _mm512_set1_epi64((long long)ONE), zero = _mm512_setzero_si512();
        __mmask8 other = 0;
        for (size_t i = 0; i < whole && !other; i += 512) {
            size_t end = whole - i > 512 ? i + 512 : whole;
            for (size_t k = i; k < end; k += 64) {
                __m512i w = _mm512_loadu_si512(p + k);
                other |= (__mmask8)~(_mm512_cmpeq_epi64_mask(w, zero) | _mm512_cmpeq_epi64_mask(w, one));
            }
        }
        if (!other && doubles_portable(p + whole, len - whole)) return BITS01_DOUBLES;
    }
    __m512i any = _mm512_setzero_si512();
    for (size_t i = 0; i < whole; i += 64) any = _mm512_or_si512(any, _mm512_loadu_si512(p + i));
    if (_mm512_test_epi8_mask(any, _mm512_set1_epi8((char)0xfe))) return BITS01_NONE;
    return bytes_portable(p + whole, len - whole) ? BITS01_BYTES : BITS01_NONE;
}

static TARGET void pack_avx512(const unsigned char *p, size_t n, int width, unsigned char *out)
{
    size_t i = 0;
    if (width == 8) {
        const __m512i zero = _mm512_setzero_si512();
        for (; i + 8 <= n; i += 8) out[i / 8] = (unsigned char)_mm512_cmpneq_epi64_mask(_mm512_loadu_si512(p + 8 * i), zero);
    } else {
        for (; i + 64 <= n; i += 64) {
            __m512i v = _mm512_loadu_si512(p + i);
            uint64_t m = (uint64_t)_mm512_test_epi8_mask(v, v);
            memcpy(out + i / 8, &m, 8);   /* value i + k in bit k: little-endian */
        }
    }
    pack_portable(p + i * (size_t)width, n - i, width, out + i / 8);
}

static TARGET void unpack_avx512(const unsigned char *bits, size_t n, int width, unsigned char *out)
{
    size_t i = 0;
    if (width == 8) {
        const __m512i one = _mm512_set1_epi64((long long)ONE);
        for (; i + 8 <= n; i += 8) _mm512_storeu_si512(out + 8 * i, _mm512_maskz_mov_epi64(bits[i / 8], one));
    } else {
        const __m512i one = _mm512_set1_epi8(1);
        for (; i + 64 <= n; i += 64) {
            uint64_t m;
            memcpy(&m, bits + i / 8, 8);
            _mm512_storeu_si512(out + i, _mm512_maskz_mov_epi8(m, one));
        }
    }
    unpack_portable(bits + i / 8, n - i, width, out + i * (size_t)width);
}

/* The same with AVX2 (no mask registers: compares into vectors, their
 * top bits gathered by movemask; unpacking by a compare of each value's
 * bit, broadcast, with its own). */
#define TARGET2 __attribute__((target("avx2")))

static inline TARGET2 __m256i load32(const unsigned char *p)
{
    return _mm256_loadu_si256((const __m256i *)(const void *)p);
}

static TARGET2 int kind_avx2(const unsigned char *p, size_t len)
{
    size_t whole = len - len % 64;
    const __m256i zero = _mm256_setzero_si256();
    if (len % 8 == 0) {
        const __m256i one = _mm256_set1_epi64x((long long)ONE);
        int other = 0;
        for (size_t i = 0; i < whole && !other; i += 512) {
            size_t end = whole - i > 512 ? i + 512 : whole;
            __m256i ok = _mm256_set1_epi64x(-1);
            for (size_t k = i; k < end; k += 32) {
                __m256i w = load32(p + k);
                ok = _mm256_and_si256(ok, _mm256_or_si256(_mm256_cmpeq_epi64(w, zero), _mm256_cmpeq_epi64(w, one)));
            }
            other = _mm256_movemask_epi8(ok) != -1;
        }
        if (!other && doubles_portable(p + whole, len - whole)) return BITS01_DOUBLES;
    }
    __m256i any = zero;
    for (size_t i = 0; i < whole; i += 32) any = _mm256_or_si256(any, load32(p + i));
    if (!_mm256_testz_si256(any, _mm256_set1_epi8((char)0xfe))) return BITS01_NONE;
    return bytes_portable(p + whole, len - whole) ? BITS01_BYTES : BITS01_NONE;
}

/* The bits of the 32 bytes at p not 0 (byte k: bit k). */
static inline TARGET2 uint32_t nonzero32(const unsigned char *p)
{
    return ~(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(load32(p), _mm256_setzero_si256()));
}

static TARGET2 void pack_avx2(const unsigned char *p, size_t n, int width, unsigned char *out)
{
    size_t i = 0;
    if (width == 8) {
        const __m256i zero = _mm256_setzero_si256();
        for (; i + 8 <= n; i += 8) {
            unsigned lo = (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(load32(p + 8 * i), zero)));
            unsigned hi = (unsigned)_mm256_movemask_pd(
                _mm256_castsi256_pd(_mm256_cmpeq_epi64(load32(p + 8 * i + 32), zero)));
            out[i / 8] = (unsigned char)~(lo | hi << 4);
        }
    } else {
        for (; i + 64 <= n; i += 64) {
            uint64_t m = nonzero32(p + i) | (uint64_t)nonzero32(p + i + 32) << 32;
            memcpy(out + i / 8, &m, 8);   /* value i + k in bit k: little-endian */
        }
    }
    pack_portable(p + i * (size_t)width, n - i, width, out + i / 8);
}

static TARGET2 void unpack_avx2(const unsigned char *bits, size_t n, int width, unsigned char *out)
{
    size_t i = 0;
    if (width == 8) {
        const __m256i one = _mm256_set1_epi64x((long long)ONE);
        const __m256i lo = _mm256_setr_epi64x(1, 2, 4, 8), hi = _mm256_setr_epi64x(16, 32, 64, 128);
        for (; i + 8 <= n; i += 8) {
            __m256i b = _mm256_set1_epi64x(bits[i / 8]);
            __m256i a = _mm256_and_si256(_mm256_cmpeq_epi64(_mm256_and_si256(b, lo), lo), one);
            __m256i c = _mm256_and_si256(_mm256_cmpeq_epi64(_mm256_and_si256(b, hi), hi), one);
            _mm256_storeu_si256((__m256i *)(void *)(out + 8 * i), a);
            _mm256_storeu_si256((__m256i *)(void *)(out + 8 * i + 32), c);
        }
    } else {
        /* byte k of 32 takes byte k / 8 of the four, and keeps bit k % 8 */
        const __m256i spread = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2,
                                                2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
        const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ULL), one = _mm256_set1_epi8(1);
        for (; i + 32 <= n; i += 32) {
            uint32_t m;
            memcpy(&m, bits + i / 8, 4);
            __m256i b = _mm256_shuffle_epi8(_mm256_set1_epi32((int)m), spread);
            b = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(b, bit), bit), one);
            _mm256_storeu_si256((__m256i *)(void *)(out + i), b);
        }
    }
    unpack_portable(bits + i / 8, n - i, width, out + i * (size_t)width);
}
#endif

/* Which form runs: 2 AVX-512, 1 AVX2, 0 portable (simd: 0 portable, 1
 * the widest this CPU has, 2 AVX2 at most). */
static int level(int simd)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (simd == 1 && SIMD_OK()) return 2;
    if (simd && __builtin_cpu_supports("avx2")) return 1;
#else
    (void)simd;
#endif
    return 0;
}

int bits01_kind(const void *p, size_t len, int simd)
{
#if defined(__x86_64__) && defined(__GNUC__)
    switch (level(simd)) {
    case 2: return kind_avx512(p, len);
    case 1: return kind_avx2(p, len);
    }
#else
    (void)simd;
#endif
    return kind_portable(p, len);
}

void bits01_pack(const void *p, size_t n, int width, unsigned char *out, int simd)
{
#if defined(__x86_64__) && defined(__GNUC__)
    switch (level(simd)) {
    case 2: pack_avx512(p, n, width, out); return;
    case 1: pack_avx2(p, n, width, out); return;
    }
#else
    (void)simd;
#endif
    pack_portable(p, n, width, out);
}

void bits01_unpack(const unsigned char *bits, size_t n, int width, void *out, int simd)
{
#if defined(__x86_64__) && defined(__GNUC__)
    switch (level(simd)) {
    case 2: unpack_avx512(bits, n, width, out); return;
    case 1: unpack_avx2(bits, n, width, out); return;
    }
#else
    (void)simd;
#endif
    unpack_portable(bits, n, width, out);
}
