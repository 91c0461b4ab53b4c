/* bytemap.c: 32-bit ids mapped through a table of bytes, with the bitwise
 * or of the bytes (bytemap.h): portably one id at a time without a branch,
 * or with AVX2 8 ids a gather (4 bytes read at each id, the low one kept),
 * 32 packed to bytes a step. */
#include "bytemap.h"
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

static unsigned map_portable(const uint32_t *ids, size_t n, const uint8_t *tab, uint32_t ntab, uint8_t *out)
{
    unsigned acc = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t v = tab[ids[i] < ntab ? ids[i] : ntab];
        out[i] = v;
        acc |= v;
    }
    return acc;
}

#if defined(__x86_64__) && defined(__GNUC__)
static __attribute__((target("avx2"))) unsigned map_avx2(const uint32_t *ids, size_t n, const uint8_t *tab,
                                                       uint32_t ntab, uint8_t *out)
{
    const __m256i bound = _mm256_set1_epi32((int)ntab), low = _mm256_set1_epi32(0xff);
    /* packus's lane-wise order (a0-3 b0-3 c0-3 d0-3 | a4-7 b4-7 ...) back to a b c d */
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const int *base = (const int *)(const void *)tab;
    __m256i acc = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m256i v[4];
        for (int k = 0; k < 4; k++) {
            __m256i id = _mm256_min_epu32(_mm256_loadu_si256((const __m256i *)(const void *)(ids + i + 8 * k)), bound);
            v[k] = _mm256_and_si256(_mm256_i32gather_epi32(base, id, 1), low);
        }
        __m256i b = _mm256_packus_epi16(_mm256_packus_epi32(v[0], v[1]), _mm256_packus_epi32(v[2], v[3]));
        b = _mm256_permutevar8x32_epi32(b, order);
        _mm256_storeu_si256((__m256i *)(void *)(out + i), b);
        acc = _mm256_or_si256(acc, b);
    }
    __m128i a = _mm_or_si128(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    a = _mm_or_si128(a, _mm_srli_si128(a, 8));
    a = _mm_or_si128(a, _mm_srli_si128(a, 4));
    a = _mm_or_si128(a, _mm_srli_si128(a, 2));
    a = _mm_or_si128(a, _mm_srli_si128(a, 1));
    return ((unsigned)_mm_cvtsi128_si32(a) & 0xff) | map_portable(ids + i, n - i, tab, ntab, out + i);
}
#endif

unsigned bytemap_ids(const uint32_t *ids, size_t n, const uint8_t *tab, uint32_t ntab, uint8_t *out, int simd)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (simd && __builtin_cpu_supports("avx2")) return map_avx2(ids, n, tab, ntab, out);
#else
    (void)simd;
#endif
    return map_portable(ids, n, tab, ntab, out);
}
