/* datevec.c: ISO dates sixteen cells at a time (AVX-512 VBMI), for the
 * loader's column pass; see datevec.h.  The day number is date_parse's
 * (date.h) by other means: no division, the quotients by 100 and 400
 * taken from the year's first digit pair (ceil(y / 100) is that pair plus
 * one when the last pair is not 00, and ceil(y / 400) = ceil(ceil(y /
 * 100) / 4)).  tests/unit/test_data.c compares it with date_parse on
 * millions of generated cells. */
#include "datevec.h"
#include <string.h>
#include "date.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define DATEVEC_X86 1
#endif

#ifdef DATEVEC_X86
#define DV_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi,avx512dq")))

/* Four cells' 16 bytes each from their start (10 bytes of the date, 6
 * of the pad), one a 128-bit lane. */
static inline DV_TARGET __m512i four_cells(const char *base, const uint32_t *st)
{
#define CELL(j) _mm_loadu_si128((const __m128i *)(const void *)(base + st[j]))
    return _mm512_inserti64x2(
        _mm512_inserti64x2(_mm512_inserti64x2(_mm512_castsi128_si512(CELL(0)), CELL(1), 1), CELL(2), 2),
        CELL(3), 3);
#undef CELL
}

static DV_TARGET int dates_avx512(const char *base, const uint32_t *sp, size_t ss, unsigned add,
                                  const uint32_t *ep, size_t es, int32_t *out)
{
    uint32_t st[DATE_GROUP];
    unsigned bad = 0;
    for (int j = 0; j < DATE_GROUP; j++) {
        st[j] = sp[j * ss] + add;
        bad |= (ep[j * es] - st[j]) ^ 10u;
    }
    if (bad) return 0;
    __m512i c0 = four_cells(base, st), c1 = four_cells(base, st + 4);
    __m512i c2 = four_cells(base, st + 8), c3 = four_cells(base, st + 12);
    /* XOR "0000-00-00": a digit becomes 0-9, a '-' 0; bytes 0-9 of each
     * cell below 10 (digits), bytes 4 and 7 below 1 (the dashes) */
    const __m512i pat = _mm512_broadcast_i32x4(_mm_setr_epi8('0', '0', '0', '0', '-', '0', '0', '-', '0',
                                                             '0', 0, 0, 0, 0, 0, 0));
    const __m512i lim = _mm512_broadcast_i32x4(_mm_setr_epi8(10, 10, 10, 10, 1, 10, 10, 1, 10, 10, 0,
                                                             0, 0, 0, 0, 0));
    const __mmask64 need = 0x03FF03FF03FF03FFull;
    c0 = _mm512_xor_si512(c0, pat);
    c1 = _mm512_xor_si512(c1, pat);
    c2 = _mm512_xor_si512(c2, pat);
    c3 = _mm512_xor_si512(c3, pat);
    if ((_mm512_cmplt_epu8_mask(c0, lim) & _mm512_cmplt_epu8_mask(c1, lim) &
         _mm512_cmplt_epu8_mask(c2, lim) & _mm512_cmplt_epu8_mask(c3, lim) & need) != need)
        return 0;
    /* the digits by pairs, (high, low) digit in bytes 2i, 2i + 1: in ya
     * pairs 0-15 the years' first two digits (cells 0-15), 16-31 their
     * last two; in md the months, then the days.  Cell j of a group of
     * eight (c0:c1 or c2:c3) is at byte 16 j of the two registers */
#define PAIRS(o1, o2)                                                                               \
    0 + o1, 1 + o1, 16 + o1, 17 + o1, 32 + o1, 33 + o1, 48 + o1, 49 + o1, 64 + o1, 65 + o1, 80 + o1, \
        81 + o1, 96 + o1, 97 + o1, 112 + o1, 113 + o1
    static const uint8_t sel_ya[64] = {PAIRS(0, 0), PAIRS(0, 0), PAIRS(2, 0), PAIRS(2, 0)};
    static const uint8_t sel_md[64] = {PAIRS(5, 0), PAIRS(5, 0), PAIRS(8, 0), PAIRS(8, 0)};
#undef PAIRS
    const __mmask64 first8 = 0x0000FFFF0000FFFFull;   /* bytes of cells 0-7 */
    __m512i ix = _mm512_loadu_si512(sel_ya);
    __m512i ya = _mm512_or_si512(_mm512_maskz_permutex2var_epi8(first8, c0, ix, c1),
                                 _mm512_maskz_permutex2var_epi8(~first8, c2, ix, c3));
    ix = _mm512_loadu_si512(sel_md);
    __m512i md = _mm512_or_si512(_mm512_maskz_permutex2var_epi8(first8, c0, ix, c1),
                                 _mm512_maskz_permutex2var_epi8(~first8, c2, ix, c3));
    const __m512i tens = _mm512_set1_epi16(0x010A);    /* 10 * high + low */
    ya = _mm512_maddubs_epi16(ya, tens);
    md = _mm512_maddubs_epi16(md, tens);
    __m512i y1 = _mm512_cvtepu16_epi32(_mm512_castsi512_si256(ya));
    __m512i y23 = _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64(ya, 1));
    __m512i m = _mm512_cvtepu16_epi32(_mm512_castsi512_si256(md));
    __m512i d = _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64(md, 1));
    const __m512i three = _mm512_set1_epi32(3), one = _mm512_set1_epi32(1), two = _mm512_set1_epi32(2);
    /* leap: 4 divides the last pair and, when it is 00, the first */
    __mmask16 l23 = _mm512_testn_epi32_mask(y23, three);
    __mmask16 z23 = _mm512_testn_epi32_mask(y23, y23);
    __mmask16 l1 = _mm512_testn_epi32_mask(y1, three);
    __mmask16 leap = l23 & (__mmask16)(~z23 | l1);
    /* by month (1-12; anything else fails below): its days and the days
     * before it in a common year; February and the months after it one
     * more in a leap year */
    const __m512i mdays = _mm512_setr_epi32(0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0, 0, 0);
    const __m512i before = _mm512_setr_epi32(0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 0,
                                             0, 0);
    __m512i dim = _mm512_permutexvar_epi32(m, mdays);   /* by m's low four bits */
    __m512i bef = _mm512_permutexvar_epi32(m, before);
    dim = _mm512_mask_add_epi32(dim, leap & _mm512_cmpeq_epi32_mask(m, two), dim, one);
    bef = _mm512_mask_add_epi32(bef, leap & _mm512_cmpgt_epu32_mask(m, two), bef, one);
    __mmask16 ok = _mm512_cmple_epu32_mask(_mm512_sub_epi32(m, one), _mm512_set1_epi32(11)) &
                   _mm512_test_epi32_mask(d, d) & _mm512_cmple_epu32_mask(d, dim);
    if (ok != 0xFFFF) return 0;
    /* 365 y + ceil(y / 4) - ceil(y / 100) + ceil(y / 400) + the days
     * before the month + d - 1, from 0000-01-01 */
    __m512i y = _mm512_add_epi32(_mm512_mullo_epi32(y1, _mm512_set1_epi32(100)), y23);
    __m512i c = _mm512_mask_add_epi32(y1, (__mmask16)~z23, y1, one);  /* y1 + (y23 != 0) */
    __m512i days = _mm512_mullo_epi32(y, _mm512_set1_epi32(365));
    days = _mm512_add_epi32(days, _mm512_srli_epi32(_mm512_add_epi32(y, three), 2));
    days = _mm512_sub_epi32(days, c);
    days = _mm512_add_epi32(days, _mm512_srli_epi32(_mm512_add_epi32(c, three), 2));
    days = _mm512_add_epi32(days, _mm512_add_epi32(bef, d));
    days = _mm512_add_epi32(days, _mm512_set1_epi32(DATE_MIN_DAYS - 1));
    _mm512_storeu_si512(out, days);
    return 1;
}
#endif

dategroup_fn dategroup_pick(const char *name)
{
    if (name && strcmp(name, "none") == 0) return NULL;
#ifdef DATEVEC_X86
    __builtin_cpu_init();
    if ((!name || strcmp(name, "avx512") == 0) && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512dq"))
        return dates_avx512;
#endif
    return NULL;
}
