/* cellvec.c: cells of a column sixteen at a time (AVX-512 VBMI, or AVX2
 * eight a vector), for the loader's column pass: dates and short
 * integers; see cellvec.h.
 * Integers are vp_int_padded's checks and digit pairs, quads and octets
 * in 64-bit lanes (one cell a lane), by pmaddubsw / pmaddwd / pmuludq
 * instead of its multiplications.  The day number is date_parse's
 * (date.h) by other means: no division, the quotients by 100 and 400
 * taken from the year's first digit pair (ceil(y / 100) is that pair plus
 * one when the last pair is not 00, and ceil(y / 400) = ceil(ceil(y /
 * 100) / 4)).  tests/unit/test_data.c compares both with date_parse and
 * vp_int_padded on millions of generated cells. */
#include "cellvec.h"
#include <string.h>
#include "date.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define CELLVEC_X86 1
#endif

#ifdef CELLVEC_X86
/* The cells' starts (to st) of a group of dates: 1 when each is 10 bytes
 * long. */
static inline int date_starts(const uint32_t *sp, size_t ss, unsigned add, const uint32_t *ep, size_t es,
                              uint32_t *st)
{
    unsigned bad = 0;
    for (int j = 0; j < DATE_GROUP; j++) {
        st[j] = sp[j * ss] + add;
        bad |= (ep[j * es] - st[j]) ^ 10u;
    }
    return !bad;
}

#define DV_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512vbmi,avx512dq")))

/* The sixteen cells' starts (into st) and lengths, by two gathers of
 * the tokenizer's offsets: for the integers, whose lengths are needed in
 * lanes, cheaper than a loop of scalar loads and a reload of the lengths
 * written a lane at a time (the dates, which only test their lengths,
 * were slower so: 213-240 -> 297-305 samples at 1M). */
static inline DV_TARGET __m512i group_cells(const uint32_t *sp, size_t ss, unsigned add,
                                            const uint32_t *ep, size_t es, uint32_t *st)
{
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m512i s = _mm512_i32gather_epi32(_mm512_mullo_epi32(iota, _mm512_set1_epi32((int)ss)), sp, 4);
    __m512i e = _mm512_i32gather_epi32(_mm512_mullo_epi32(iota, _mm512_set1_epi32((int)es)), ep, 4);
    s = _mm512_add_epi32(s, _mm512_set1_epi32((int)add));
    _mm512_storeu_si512(st, s);
    return _mm512_sub_epi32(e, s);
}

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
    if (!date_starts(sp, ss, add, ep, es, st)) return 0;
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

/* Eight cells' 8 bytes each from their start, one a 64-bit lane. */
static inline DV_TARGET __m512i eight_words(const char *base, const uint32_t *st)
{
#define TWO(j)                                                                                  \
    _mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)(const void *)(base + st[j])),          \
                       _mm_loadl_epi64((const __m128i *)(const void *)(base + st[j + 1])))
    return _mm512_inserti64x2(
        _mm512_inserti64x2(_mm512_inserti64x2(_mm512_castsi128_si512(TWO(0)), TWO(2), 1), TWO(4), 2),
        TWO(6), 3);
#undef TWO
}

/* vp_int_padded's word test and value for eight cells of lengths len
 * (0-8): the text shifted into the high bytes (zeros lead; a length of 0
 * shifts all out), its bytes 0x30-0x39 and the zeros shifted in 0;
 * *ok's bit j for a cell that passes; the values in 64-bit lanes. */
static inline DV_TARGET __m512i eight_ints(__m512i w, __m512i len, __mmask8 *ok)
{
    const __m512i f0 = _mm512_set1_epi64((long long)0xF0F0F0F0F0F0F0F0ull);
    const __m512i f = _mm512_set1_epi64(0x0F0F0F0F0F0F0F0Fll);
    __m512i sh = _mm512_slli_epi64(_mm512_sub_epi64(_mm512_set1_epi64(8), len), 3);
    w = _mm512_sllv_epi64(w, sh);
    __m512i lo = _mm512_and_si512(w, f);
    __m512i hi30 = _mm512_sllv_epi64(_mm512_set1_epi64(0x3030303030303030ll), sh);
    *ok = _mm512_cmpeq_epi64_mask(_mm512_and_si512(w, f0), hi30) &
          _mm512_testn_epi64_mask(_mm512_add_epi64(lo, _mm512_set1_epi64(0x0606060606060606ll)), f0);
    /* byte 0 the highest digit: pairs, then quads, then the two quads */
    __m512i v = _mm512_maddubs_epi16(lo, _mm512_set1_epi16(0x010A));
    v = _mm512_madd_epi16(v, _mm512_set1_epi32(0x00010064));
    return _mm512_add_epi64(_mm512_mul_epu32(v, _mm512_set1_epi64(10000)), _mm512_srli_epi64(v, 32));
}

static DV_TARGET int ints_avx512(const char *base, const uint32_t *sp, size_t ss, unsigned add,
                                 const uint32_t *ep, size_t es, int32_t *out, uint32_t *empty)
{
    uint32_t st[INT_GROUP];
    __m512i len = group_cells(sp, ss, add, ep, es, st);
    if (_mm512_cmpgt_epu32_mask(len, _mm512_set1_epi32(8))) return 0;
    __m512i l0 = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(len));
    __m512i l1 = _mm512_cvtepu32_epi64(_mm512_extracti64x4_epi64(len, 1));
    __mmask8 ok0, ok1;
    __m512i v0 = eight_ints(eight_words(base, st), l0, &ok0);
    __m512i v1 = eight_ints(eight_words(base, st + 8), l1, &ok1);
    if ((ok0 & ok1) != 0xFF) return 0;
    _mm256_storeu_si256((__m256i *)(void *)out, _mm512_cvtepi64_epi32(v0));
    _mm256_storeu_si256((__m256i *)(void *)(out + 8), _mm512_cvtepi64_epi32(v1));
    const __m512i zero = _mm512_setzero_si512();
    *empty = (uint32_t)_mm512_cmpeq_epi64_mask(l0, zero) | (uint32_t)_mm512_cmpeq_epi64_mask(l1, zero) << 8;
    return 1;
}

/* ---- AVX2: the same answers eight cells a vector (processors without
 * AVX-512).  Dates: the cells of a half group two a register (cell k in
 * the low 128-bit lane, cell k + 4 in the high one, so that pshufb, which
 * stays within a lane, gathers cells 0-3 and 4-7 in order), their digit
 * pairs put by pshufb at each cell's place and summed by pmaddubsw; the
 * month tables by two 8-entry permutes.  Integers: eight_ints' steps in
 * four 64-bit lanes. */
#define V2_TARGET __attribute__((target("avx2")))

/* Cells k and k + 4's 16 bytes from their starts, in the two lanes. */
static inline V2_TARGET __m256i two_cells(const char *base, const uint32_t *st, int k)
{
    return _mm256_inserti128_si256(
        _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(const void *)(base + st[k]))),
        _mm_loadu_si128((const __m128i *)(const void *)(base + st[k + 4])), 1);
}

/* A 16-entry table of 32-bit values, its entries 0-7 in lo and 8-15 in
 * hi, looked up at m's low four bits (one permute of each, a blend). */
static inline V2_TARGET __m256i table16(__m256i m, __m256i lo, __m256i hi)
{
    __m256i high = _mm256_cmpgt_epi32(_mm256_and_si256(m, _mm256_set1_epi32(15)), _mm256_set1_epi32(7));
    return _mm256_blendv_epi8(_mm256_permutevar8x32_epi32(lo, m), _mm256_permutevar8x32_epi32(hi, m), high);
}

/* Eight dates from their starts st[0..7] (each 10 bytes long): 1 and
 * their day numbers in *days when date_parse takes all of them. */
static inline V2_TARGET int eight_dates(const char *base, const uint32_t *st, __m256i *days)
{
    const __m256i pat = _mm256_broadcastsi128_si256(
        _mm_setr_epi8('0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 0, 0, 0, 0, 0, 0));
    /* bytes 0-9 of each cell below 10 (digits), 4 and 7 below 1 (the
     * dashes): lim - x saturating is 0 for a byte that fails (and for the
     * pad, whose bytes do not count) */
    const __m256i lim = _mm256_broadcastsi128_si256(
        _mm_setr_epi8(10, 10, 10, 10, 1, 10, 10, 1, 10, 10, 0, 0, 0, 0, 0, 0));
    /* the pairs of cell k (register k, k = 0..3) to bytes 4k..4k+3 of
     * its lane: in ya the year's two pairs, in md the month and the day */
#define AT(k, a, b)                                                                             \
    _mm256_broadcastsi128_si256(_mm_setr_epi8(                                                  \
        (k) == 0 ? a : -1, (k) == 0 ? a + 1 : -1, (k) == 0 ? b : -1, (k) == 0 ? b + 1 : -1,      \
        (k) == 1 ? a : -1, (k) == 1 ? a + 1 : -1, (k) == 1 ? b : -1, (k) == 1 ? b + 1 : -1,      \
        (k) == 2 ? a : -1, (k) == 2 ? a + 1 : -1, (k) == 2 ? b : -1, (k) == 2 ? b + 1 : -1,      \
        (k) == 3 ? a : -1, (k) == 3 ? a + 1 : -1, (k) == 3 ? b : -1, (k) == 3 ? b + 1 : -1))
    const __m256i sy[4] = {AT(0, 0, 2), AT(1, 0, 2), AT(2, 0, 2), AT(3, 0, 2)};
    const __m256i sm[4] = {AT(0, 5, 8), AT(1, 5, 8), AT(2, 5, 8), AT(3, 5, 8)};
#undef AT
    __m256i ya = _mm256_setzero_si256(), md = _mm256_setzero_si256(), fail = _mm256_setzero_si256();
    for (int k = 0; k < 4; k++) {
        __m256i c = _mm256_xor_si256(two_cells(base, st, k), pat);
        fail = _mm256_or_si256(fail, _mm256_cmpeq_epi8(_mm256_subs_epu8(lim, c), _mm256_setzero_si256()));
        ya = _mm256_or_si256(ya, _mm256_shuffle_epi8(c, sy[k]));
        md = _mm256_or_si256(md, _mm256_shuffle_epi8(c, sm[k]));
    }
    if ((uint32_t)_mm256_movemask_epi8(fail) & 0x03FF03FFu) return 0;
    const __m256i tens = _mm256_set1_epi16(0x010A);   /* 10 * high + low */
    ya = _mm256_maddubs_epi16(ya, tens);
    md = _mm256_maddubs_epi16(md, tens);
    const __m256i low = _mm256_set1_epi32(0xFFFF);
    __m256i y1 = _mm256_and_si256(ya, low), y23 = _mm256_srli_epi32(ya, 16);
    __m256i m = _mm256_and_si256(md, low), d = _mm256_srli_epi32(md, 16);
    const __m256i zero = _mm256_setzero_si256(), one = _mm256_set1_epi32(1), two = _mm256_set1_epi32(2);
    const __m256i three = _mm256_set1_epi32(3);
    /* leap: 4 divides the last pair and, when it is 00, the first */
    __m256i l23 = _mm256_cmpeq_epi32(_mm256_and_si256(y23, three), zero);
    __m256i z23 = _mm256_cmpeq_epi32(y23, zero);
    __m256i l1 = _mm256_cmpeq_epi32(_mm256_and_si256(y1, three), zero);
    __m256i leap = _mm256_andnot_si256(_mm256_andnot_si256(l1, z23), l23);
    __m256i dim = table16(m, _mm256_setr_epi32(0, 31, 28, 31, 30, 31, 30, 31),
                          _mm256_setr_epi32(31, 30, 31, 30, 31, 0, 0, 0));
    __m256i bef = table16(m, _mm256_setr_epi32(0, 0, 31, 59, 90, 120, 151, 181),
                          _mm256_setr_epi32(212, 243, 273, 304, 334, 0, 0, 0));
    /* a leap year's February one day more, the months after it one day later
     * (all ones is -1) */
    dim = _mm256_sub_epi32(dim, _mm256_and_si256(leap, _mm256_cmpeq_epi32(m, two)));
    bef = _mm256_sub_epi32(bef, _mm256_and_si256(leap, _mm256_cmpgt_epi32(m, two)));
    /* month 1-12, day 1 to the month's days (all below 100: signed compares) */
    __m256i ok = _mm256_and_si256(_mm256_cmpgt_epi32(m, zero), _mm256_cmpgt_epi32(_mm256_set1_epi32(13), m));
    ok = _mm256_and_si256(ok, _mm256_andnot_si256(_mm256_cmpgt_epi32(d, dim), _mm256_cmpgt_epi32(d, zero)));
    if (_mm256_movemask_epi8(ok) != -1) return 0;
    /* dates_avx512's sum */
    __m256i y = _mm256_add_epi32(_mm256_mullo_epi32(y1, _mm256_set1_epi32(100)), y23);
    __m256i c = _mm256_add_epi32(_mm256_add_epi32(y1, one), z23);   /* y1 + (y23 != 0) */
    __m256i s = _mm256_mullo_epi32(y, _mm256_set1_epi32(365));
    s = _mm256_add_epi32(s, _mm256_srli_epi32(_mm256_add_epi32(y, three), 2));
    s = _mm256_sub_epi32(s, c);
    s = _mm256_add_epi32(s, _mm256_srli_epi32(_mm256_add_epi32(c, three), 2));
    s = _mm256_add_epi32(s, _mm256_add_epi32(bef, d));
    *days = _mm256_add_epi32(s, _mm256_set1_epi32(DATE_MIN_DAYS - 1));
    return 1;
}

static V2_TARGET int dates_avx2(const char *base, const uint32_t *sp, size_t ss, unsigned add,
                                const uint32_t *ep, size_t es, int32_t *out)
{
    uint32_t st[DATE_GROUP];
    if (!date_starts(sp, ss, add, ep, es, st)) return 0;
    __m256i d0, d1;
    if (!eight_dates(base, st, &d0) || !eight_dates(base, st + 8, &d1)) return 0;
    _mm256_storeu_si256((__m256i *)(void *)out, d0);
    _mm256_storeu_si256((__m256i *)(void *)(out + 8), d1);
    return 1;
}

/* eight_ints for four cells in 64-bit lanes (their 8 bytes from their
 * starts st[0..3], their lengths len): *ok all ones in a lane that
 * passes.  The words put together in registers (stored to memory and
 * loaded as one vector, they stalled the store forwarding: 882 samples
 * at 1M against ints_avx512's 394). */
static inline V2_TARGET __m256i four_ints(const char *base, const uint32_t *st, __m256i len, __m256i *ok)
{
#define WORD(j) _mm_loadl_epi64((const __m128i *)(const void *)(base + st[j]))
    __m256i x = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_unpacklo_epi64(WORD(0), WORD(1))),
                                        _mm_unpacklo_epi64(WORD(2), WORD(3)), 1);
#undef WORD
    const __m256i f0 = _mm256_set1_epi64x((long long)0xF0F0F0F0F0F0F0F0ull);
    const __m256i f = _mm256_set1_epi64x(0x0F0F0F0F0F0F0F0Fll);
    __m256i sh = _mm256_slli_epi64(_mm256_sub_epi64(_mm256_set1_epi64x(8), len), 3);
    x = _mm256_sllv_epi64(x, sh);    /* a shift of 64 (length 0) gives 0 */
    __m256i lo = _mm256_and_si256(x, f);
    __m256i hi30 = _mm256_sllv_epi64(_mm256_set1_epi64x(0x3030303030303030ll), sh);
    __m256i nines = _mm256_and_si256(_mm256_add_epi64(lo, _mm256_set1_epi64x(0x0606060606060606ll)), f0);
    *ok = _mm256_and_si256(_mm256_cmpeq_epi64(_mm256_and_si256(x, f0), hi30),
                           _mm256_cmpeq_epi64(nines, _mm256_setzero_si256()));
    __m256i v = _mm256_maddubs_epi16(lo, _mm256_set1_epi16(0x010A));
    v = _mm256_madd_epi16(v, _mm256_set1_epi32(0x00010064));
    return _mm256_add_epi64(_mm256_mul_epu32(v, _mm256_set1_epi64x(10000)), _mm256_srli_epi64(v, 32));
}

static V2_TARGET int ints_avx2(const char *base, const uint32_t *sp, size_t ss, unsigned add,
                               const uint32_t *ep, size_t es, int32_t *out, uint32_t *empty)
{
    uint32_t st[INT_GROUP];
    __m128i len[4], most = _mm_setzero_si128();
    for (int q = 0; q < 4; q++) {
        /* the lengths into lanes from registers (a vector load of the
         * starts just stored stalled: 777 samples at 1M) */
        int n[4];
        for (int j = 0; j < 4; j++) {
            st[4 * q + j] = sp[(4 * q + j) * ss] + add;
            n[j] = (int)(ep[(4 * q + j) * es] - st[4 * q + j]);
        }
        len[q] = _mm_insert_epi32(_mm_insert_epi32(_mm_insert_epi32(_mm_cvtsi32_si128(n[0]), n[1], 1), n[2], 2),
                                  n[3], 3);
        most = _mm_max_epu32(most, len[q]);
    }
    const __m128i eight = _mm_set1_epi32(8);    /* every length (unsigned) 8 or less */
    if (_mm_movemask_epi8(_mm_cmpeq_epi32(_mm_max_epu32(most, eight), eight)) != 0xFFFF) return 0;
    __m256i v[4], ok = _mm256_set1_epi32(-1);
    unsigned em = 0;
    for (int q = 0; q < 4; q++) {
        __m256i l = _mm256_cvtepu32_epi64(len[q]);
        __m256i okq;
        v[q] = four_ints(base, st + 4 * q, l, &okq);
        ok = _mm256_and_si256(ok, okq);
        em |= (unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(l, _mm256_setzero_si256())))
              << (4 * q);
    }
    if (_mm256_movemask_epi8(ok) != -1) return 0;
    /* the values' low halves in order: two registers' lanes interleaved,
     * then put in order */
    const __m256i order = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    for (int h = 0; h < 2; h++) {
        __m256i x = _mm256_blend_epi32(v[2 * h], _mm256_slli_epi64(v[2 * h + 1], 32), 0xAA);
        _mm256_storeu_si256((__m256i *)(void *)(out + 8 * h), _mm256_permutevar8x32_epi32(x, order));
    }
    *empty = em;
    return 1;
}
#endif

/* 2 for AVX-512 (F/BW/VL/VBMI/DQ), 1 for AVX2, 0 for neither: of the
 * form `name` names when this processor has it, else of the widest it
 * has (name NULL). */
static int group_level(const char *name)
{
    if (name && strcmp(name, "none") == 0) return 0;
#ifdef CELLVEC_X86
    __builtin_cpu_init();
    if ((!name || strcmp(name, "avx512") == 0) && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512dq"))
        return 2;
    if ((!name || strcmp(name, "avx2") == 0) && __builtin_cpu_supports("avx2")) return 1;
#endif
    return 0;
}

dategroup_fn dategroup_pick(const char *name)
{
#ifdef CELLVEC_X86
    switch (group_level(name)) {
    case 2: return dates_avx512;
    case 1: return dates_avx2;
    }
#endif
    return NULL;
}

intgroup_fn intgroup_pick(const char *name)
{
#ifdef CELLVEC_X86
    switch (group_level(name)) {
    case 2: return ints_avx512;
    case 1: return ints_avx2;
    }
#endif
    return NULL;
}
