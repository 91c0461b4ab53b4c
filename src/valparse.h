/* valparse.h: parsing one cell's text as an integer, a real number or a
 * boolean, for the CSV loader (private; header-only so the loader's inner
 * loop can inline it).  Reals are correctly rounded: short decimals take an
 * exact fast path, everything else goes through strtod.  The *_padded
 * versions read 8 bytes past the text's start (an unquoted field is
 * followed by the tokenizer's pad: csv.h) and answer as the plain ones. */
#ifndef COHORT_VALPARSE_H
#define COHORT_VALPARSE_H
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* 1: an integer -?[0-9]+ within int64 (stored in *out); 2: integer-shaped
 * but out of range; 0: not an integer.  out NULL: the same answer without
 * storing the value (vp_int_padded's too). */
static inline int vp_int(const char *p, size_t len, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (len && p[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i == len) return 0;
    if (len - i > 19) {
        for (; i < len; i++)
            if ((unsigned)(p[i] - '0') > 9) return 0;
        return 2;
    }
    uint64_t v = 0;     /* at most 19 digits: no overflow */
    for (; i < len; i++) {
        unsigned d = (unsigned)(p[i] - '0');
        if (d > 9) return 0;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1) return 2;
        if (out) *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX) return 2;
        if (out) *out = (int64_t)v;
    }
    return 1;
}

/* vp_int for a text followed by at least 8 readable bytes (an unquoted CSV
 * field in the tokenizer's buffer: csv.h): an optional '-' and 1 to 8 digits
 * are checked and converted in one 8-byte word (the bytes after the text
 * shifted out; the digit pairs, quads and octets combined by three
 * multiplications); any other text (longer, or not digits) as vp_int.  The
 * same results as vp_int for every text (tests/unit/test_data.c). */
static inline __attribute__((always_inline)) int vp_int_padded(const char *p, size_t len,
                                                              int64_t *out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t neg = len > 1 && p[0] == '-';
    size_t n = len - neg;
    if (n - 1 < 8) {
        uint64_t w;
        memcpy(&w, p + neg, 8);
        unsigned sh = (unsigned)(8 - n) * 8;    /* < 64: n >= 1 */
        w <<= sh;   /* the text in the high bytes, the first byte lowest: zeros lead */
        uint64_t lo = w & 0x0F0F0F0F0F0F0F0Full;
        /* a digit: high nibble 3 and low nibble + 6 below 16 (the zeros
         * shifted in pass the second test and are left out of the first) */
        if ((w & 0xF0F0F0F0F0F0F0F0ull) == (0x3030303030303030ull & (~(uint64_t)0 << sh)) &&
            ((lo + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) == 0) {
            if (!out) return 1;
            uint64_t v = lo * 2561 >> 8;                                    /* pairs */
            v = (v & 0x00FF00FF00FF00FFull) * 6553601 >> 16;                /* quads */
            v = (v & 0x0000FFFF0000FFFFull) * 42949672960001ull >> 32;      /* octets */
            v &= 0xFFFFFFFFull;
            *out = neg ? -(int64_t)v : (int64_t)v;
            return 1;
        }
    }
#endif
    return vp_int(p, len, out);
}

/* vp_real's way for what its fast path leaves (a shape already checked):
 * strtod, out of line so that the fast path is small enough to inline
 * (out NULL: only whether the value is finite). */
static __attribute__((noinline, unused)) int vp_real_strtod(const char *p, size_t len, double *out)
{
    char small[64];
    char *buf = len < sizeof small ? small : malloc(len + 1);
    if (!buf) return 0;
    memcpy(buf, p, len);
    buf[len] = 0;
    double x = strtod(buf, NULL);
    if (buf != small) free(buf);
    if (isinf(x)) return 0;
    if (out) *out = x;
    return 1;
}

/* 1 and *out: a decimal number [+-]?(d+(.d*)?|.d+)([eE][+-]?d+)? with a
 * finite value; 0 otherwise (this rejects inf, nan, hex and overflow).
 * out NULL: the same answer without the value (the loader's check of a
 * column the rules never read: no division, strtod only where the value
 * may overflow). */
static inline __attribute__((always_inline)) int vp_real(const char *p, size_t len, double *out)
{
    static const double pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t i = 0;
    int neg = 0, nsig = 0, ndig = 0, many = 0;
    long exp10 = 0;
    uint64_t m = 0;
    if (i < len && (p[i] == '+' || p[i] == '-')) neg = p[i++] == '-';
    for (; i < len && (unsigned)(p[i] - '0') <= 9; i++) {
        unsigned d = (unsigned)(p[i] - '0');
        ndig++;
        if (m == 0 && d == 0) continue;
        if (nsig < 19) {
            m = m * 10 + d;
            nsig++;
        } else {
            many = 1;
        }
    }
    if (i < len && p[i] == '.') {
        for (i++; i < len && (unsigned)(p[i] - '0') <= 9; i++) {
            unsigned d = (unsigned)(p[i] - '0');
            ndig++;
            if (m == 0 && d == 0) {
                exp10--;
            } else if (nsig < 19) {
                m = m * 10 + d;
                nsig++;
                exp10--;
            } else {
                many = 1;
            }
        }
    }
    if (ndig == 0) return 0;
    if (i < len && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        int eneg = 0;
        long e = 0;
        if (i < len && (p[i] == '+' || p[i] == '-')) eneg = p[i++] == '-';
        if (i == len) return 0;
        for (; i < len && (unsigned)(p[i] - '0') <= 9; i++)
            if (e < 100000) e = e * 10 + (p[i] - '0');
        exp10 += eneg ? -e : e;
    }
    if (i != len) return 0;
    if (!many) {
        if (m == 0) {
            if (out) *out = neg ? -0.0 : 0.0;
            return 1;
        }
        /* both operands exact: one correctly rounded operation */
        if (m <= ((uint64_t)1 << 53) && exp10 >= -22 && exp10 <= 22) {
            if (!out) return 1;
            double x = (double)m;
            x = exp10 < 0 ? x / pow10[-exp10] : x * pow10[exp10];
            *out = neg ? -x : x;
            return 1;
        }
    }
    return vp_real_strtod(p, len, out);
}

/* vp_real for a text followed by at least 8 readable bytes (an unquoted
 * CSV field: csv.h), with a fast path for the short decimals of most data
 * (27.0, 0.69, 1.61): an optional '-' and up to 8 bytes of digits with at
 * most one '.' are checked in one 8-byte word (the text shifted into the
 * high bytes, first byte lowest, as vp_int_padded; a byte is a digit when
 * XOR '0' leaves it below 10, its high bit clear after adding 0x76 -- a
 * carry out of a byte needs one of 0x8A or more, itself no digit, so a
 * carry can only send a text to vp_real, never let a wrong one through --
 * and the '.' found exactly by a zero-byte test of XOR '.'), the '.' taken
 * out by moving the bytes before it up one, and the 7 digits or fewer
 * combined as vp_int_padded's.  The value is then vp_real's own: the same
 * mantissa m (< 2^27) and the same exponent (minus the digits after the
 * '.'), so the same one division (or none) by the same exact power of ten,
 * and -0.0 for a negative zero: bit for bit the same double
 * (tests/unit/test_data.c compares them on millions of texts).  Anything
 * else (a '+', an exponent, a longer text) goes to vp_real. */
static inline __attribute__((always_inline)) int vp_real_padded(const char *p, size_t len,
                                                               double *out)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    static const double pow10[8] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7};
    size_t neg = len > 1 && p[0] == '-';
    size_t n = len - neg;
    if (n - 1 < 8) {
        uint64_t w;
        memcpy(&w, p + neg, 8);
        unsigned sh = (unsigned)(8 - n) * 8;    /* < 64: n >= 1 */
        uint64_t text = ~(uint64_t)0 << sh, hi = 0x8080808080808080ull;
        w <<= sh;
        uint64_t t = w ^ 0x3030303030303030ull, e = w ^ 0x2E2E2E2E2E2E2E2Eull;
        uint64_t nd = (((t + 0x7676767676767676ull) | t) & hi) & text;  /* not digits */
        uint64_t dot = ~(((e & 0x7F7F7F7F7F7F7F7Full) + 0x7F7F7F7F7F7F7F7Full) | e) & hi & text;
        if (nd == dot && (dot & (dot - 1)) == 0 && (n > 1 || !dot)) {
            if (!out) return 1;
            uint64_t u = t & text;
            unsigned frac = 0;
            if (dot) {
                unsigned j = (unsigned)__builtin_ctzll(dot) >> 3;   /* the '.' is byte j */
                uint64_t below = ((uint64_t)1 << (j * 8)) - 1;
                u &= ~((uint64_t)0xFF << (j * 8));
                u = (u & ~below) | (u & below) << 8;
                frac = 7 - j;
            }
            uint64_t v = u * 2561 >> 8;                                     /* pairs */
            v = (v & 0x00FF00FF00FF00FFull) * 6553601 >> 16;                /* quads */
            v = (v & 0x0000FFFF0000FFFFull) * 42949672960001ull >> 32;      /* octets */
            v &= 0xFFFFFFFFull;
            if (v == 0) {
                *out = neg ? -0.0 : 0.0;
                return 1;
            }
            double x = (double)v;
            x = frac ? x / pow10[frac] : x;
            *out = neg ? -x : x;
            return 1;
        }
    }
#endif
    return vp_real(p, len, out);
}

/* 1 and *out: true or false in any letter case; 0 otherwise.  The first
 * four bytes compared as one word, each byte OR 0x20 as the letters are
 * (memcpy of the constants: the same on any byte order). */
static inline int vp_bool(const char *p, size_t len, uint8_t *out)
{
    uint32_t w, t, f;
    if (len - 4 > 1) return 0;
    memcpy(&w, p, 4);
    memcpy(&t, "true", 4);
    memcpy(&f, "fals", 4);
    w |= 0x20202020u;
    if (len == 4 && w == t) {
        *out = 1;
        return 1;
    }
    if (len == 5 && w == f && (p[4] | 0x20) == 'e') {
        *out = 0;
        return 1;
    }
    return 0;
}
#endif
