/* test_bits01.c: 0/1 sections as bits (src/bits01.c): the AVX-512, AVX2
 * and portable paths (simd 1, 2, 0) give the same kind, bits and values on every length and
 * alignment (the 64-byte vectors and the tails), bits unpack to the values
 * they were packed from, and one value that is not 0/1 anywhere in a
 * section (in a vector or in the tail) changes its kind on every path. */
#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bits01.h"

static uint64_t next(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 0x2545f4914f6cdd1dULL;
}

static const double one = 1.0, zero = 0.0;

/* n doubles 0.0/1.0 and n bytes 0/1, from seed */
static void make(double *d, unsigned char *b, size_t n, uint64_t seed)
{
    uint64_t x = seed | 1;
    for (size_t i = 0; i < n; i++) {
        unsigned v = (unsigned)(next(&x) >> 63);
        memcpy(&d[i], v ? &one : &zero, sizeof d[i]);
        b[i] = (unsigned char)v;
    }
}

static void test_round_trip(void)
{
    enum { N = 1100 };
    double *d = malloc((N + 1) * sizeof *d), *d2 = malloc((N + 1) * sizeof *d2);
    unsigned char *b = malloc(N + 8), *b2 = malloc(N + 8), bits[3][N / 8 + 2];
    CU_ASSERT_FATAL(d && d2 && b && b2);
    size_t bad = 0;
    for (size_t n = 0; n <= N; n += (n < 200 ? 1 : 13)) {
        make(d, b + 1, n, n + 3);   /* b + 1: unaligned */
        for (int simd = 0; simd < 3; simd++) {
            bad += bits01_kind(d, n * 8, simd) != BITS01_DOUBLES;
            bad += n && bits01_kind(b + 1, n, simd) != BITS01_BYTES && bits01_kind(b + 1, n, simd) != BITS01_DOUBLES;
            memset(bits[simd], 0xaa, sizeof bits[simd]);
            bits01_pack(d, n, 8, bits[simd], simd);
            memset(d2, 0xff, (N + 1) * sizeof *d2);
            bits01_unpack(bits[simd], n, 8, d2, simd);
            bad += memcmp(d, d2, n * sizeof *d) != 0;
            bad += ((const unsigned char *)d2)[n * 8] != 0xff;   /* nothing past the end */
            unsigned char pb[N / 8 + 2];
            bits01_pack(b + 1, n, 1, pb, simd);
            bad += memcmp(pb, bits[simd], (n + 7) / 8) != 0;   /* the same bits from bytes */
            memset(b2, 0xff, N + 8);
            bits01_unpack(pb, n, 1, b2 + 3, simd);
            bad += memcmp(b + 1, b2 + 3, n) != 0 || b2[3 + n] != 0xff;
        }
        bad += memcmp(bits[0], bits[1], (n + 7) / 8) != 0 || memcmp(bits[0], bits[2], (n + 7) / 8) != 0;
        /* the last byte's unused bits 0 */
        for (int simd = 0; simd < 3; simd++) bad += n % 8 && (bits[simd][n / 8] >> (n % 8)) != 0;
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(d);
    free(d2);
    free(b);
    free(b2);
}

/* one word or byte that is not 0/1, at every place of a section */
static void test_kind_sees_one_value(void)
{
    enum { N = 300 };
    double d[N];
    unsigned char b[N];
    size_t missed = 0;
    make(d, b, N, 9);
    static const double others[] = {-0.0, 2.0, 0.5, 1e-300};
    for (size_t n = 1; n <= N; n += 37) {
        for (size_t at = 0; at < n; at++) {
            for (size_t o = 0; o < sizeof others / sizeof *others; o++) {
                double keep = d[at];
                d[at] = others[o];
                for (int simd = 0; simd < 3; simd++) missed += bits01_kind(d, n * 8, simd) == BITS01_DOUBLES;
                d[at] = keep;
            }
            unsigned char kb = b[at];
            for (unsigned v = 2; v < 256; v += 85) {
                b[at] = (unsigned char)v;
                for (int simd = 0; simd < 3; simd++) missed += bits01_kind(b, n, simd) == BITS01_BYTES;
            }
            b[at] = kb;
        }
    }
    /* the same kind from both paths on bytes of every sort, and doubles of 1.0 are not bytes */
    uint64_t x = 5;
    for (size_t n = 0; n <= N; n++) {
        unsigned char r[N];
        for (size_t i = 0; i < n; i++) r[i] = (unsigned char)(next(&x) >> 62 ? 0 : next(&x) >> 63);
        missed += bits01_kind(r, n, 0) != bits01_kind(r, n, 1) || bits01_kind(r, n, 0) != bits01_kind(r, n, 2);
        double ones[N / 8 + 1];
        for (size_t i = 0; i < n / 8; i++) ones[i] = 1.0;
        for (int simd = 1; simd < 3; simd++) {
            missed += n / 8 && bits01_kind(ones, n / 8 * 8, simd) != BITS01_DOUBLES;
            missed += n / 8 && bits01_kind(ones, n / 8 * 8 - 1, simd) != BITS01_NONE;
        }
    }
    CU_ASSERT_EQUAL(missed, 0);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("bits01", NULL, NULL);
    if (!s || !CU_add_test(s, "every path packs and unpacks the same", test_round_trip) ||
        !CU_add_test(s, "one value not 0/1 changes the kind", test_kind_sees_one_value))
        return 2;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
