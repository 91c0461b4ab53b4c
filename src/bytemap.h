/* bytemap.h: 32-bit ids mapped through a table of bytes (a prefilter's
 * byte for each string id, eval.c prefilter_by_id), and which of up to 64
 * bytes are not 0 (a row group's rows that pass a prefilter, eval.c
 * prefilter_spans).  Each has a SIMD path (AVX2 when the CPU has it, SSE2
 * when the build has it; taken when simd is not 0) and a portable one,
 * which give the same result. */
#ifndef COHORT_BYTEMAP_H
#define COHORT_BYTEMAP_H
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Bytes of table tab beyond its ntab + 1 entries that bytemap_ids may read
 * (not use): tab is to be allocated with ntab + 1 + BYTEMAP_PAD bytes. */
#define BYTEMAP_PAD 3

/* out[i] = tab[min(ids[i], ntab)] for i < n (an id past the table's gets
 * tab[ntab]); returns the bitwise or of the n bytes written.  AVX2: 8 ids
 * a gather. */
unsigned bytemap_ids(const uint32_t *ids, size_t n, const uint8_t *tab, uint32_t ntab, uint8_t *out, int simd);

/* Bit i set for each of the n <= 64 bytes p[i] that is not 0, the others
 * clear; reads the bytes from p up to p[n] rounded up to a multiple of 16
 * (SSE2) or of 8.  Inline: called once a row group. */
static inline uint64_t bytemap_nonzero(const uint8_t *p, size_t n, int simd)
{
    uint64_t m = 0;
#if defined(__SSE2__)
    if (simd) {
        const __m128i zero = _mm_setzero_si128();
        for (size_t k = 0; k < n; k += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + k));
            m |= (uint64_t)(uint16_t)~_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)) << k;
        }
        return n == 64 ? m : m & (((uint64_t)1 << n) - 1);
    }
#else
    (void)simd;
#endif
    for (size_t k = 0; k < n; k += 8) {
        uint64_t x;
        memcpy(&x, p + k, 8);
        x |= x >> 4;
        x |= x >> 2;
        x = (x | x >> 1) & 0x0101010101010101ull;        /* byte i: 1 when it is not 0 */
        m |= ((x * 0x0102040810204080ull) >> 56) << k;   /* byte i's bit to bit 56 + i */
    }
    return n == 64 ? m : m & (((uint64_t)1 << n) - 1);
}

#endif
