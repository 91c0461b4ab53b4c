/* test_bytemap.c: ids mapped through a byte table (src/bytemap.c): the
 * AVX2 and portable paths write the same bytes as a plain lookup, on every
 * length (the 32-id steps and the tails) and alignment, clamp an id past
 * the table to its last entry, write nothing past n, and return the or of
 * what they wrote (a 0xff met anywhere, in a step or the tail, sets bit 7);
 * and both paths of bytemap_nonzero give a plain loop's bits. */
#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bytemap.h"

static uint64_t next(uint64_t *x)
{
    *x ^= *x >> 12;
    *x ^= *x << 25;
    *x ^= *x >> 27;
    return *x * 0x2545f4914f6cdd1dULL;
}

enum { N = 300, NTAB = 1000 };

static void test_same_bytes(void)
{
    uint8_t *tab = malloc(NTAB + 1 + BYTEMAP_PAD), out[2][N + 8];
    uint32_t *ids = malloc((N + 1) * sizeof *ids);
    CU_ASSERT_FATAL(tab && ids);
    uint64_t x = 7;
    for (size_t t = 0; t <= NTAB; t++) tab[t] = (uint8_t)(next(&x) % 4);
    tab[NTAB] = 0xff;
    memset(tab + NTAB + 1, 0x55, BYTEMAP_PAD);   /* read, never used */
    size_t bad = 0, missed_past = 0;
    for (size_t n = 0; n <= N; n += (n < 100 ? 1 : 7)) {
        for (int past = 0; past < 2; past++) {
            for (size_t i = 0; i <= n; i++) ids[i] = (uint32_t)(next(&x) % NTAB);
            /* an id past the table (or just at its end) at a place that moves with n */
            if (past && n > 1) ids[1 + (n * 5 / 3) % (n - 1)] = n % 2 ? NTAB : UINT32_MAX - (uint32_t)n;
            for (int off = 0; off < 2; off++) {
                const uint32_t *in = ids + off;
                size_t m = n - (off && n ? 1 : 0);
                unsigned want = 0;
                int anypast = 0;
                for (size_t i = 0; i < m; i++) anypast |= in[i] >= NTAB;
                for (int simd = 0; simd < 2; simd++) {
                    memset(out[simd], 0xaa, sizeof out[simd]);
                    unsigned got = bytemap_ids(in, m, tab, NTAB, out[simd] + off, simd);
                    want = 0;
                    for (size_t i = 0; i < m; i++) {
                        uint8_t v = tab[in[i] < NTAB ? in[i] : NTAB];
                        bad += out[simd][off + i] != v;
                        want |= v;
                    }
                    bad += got != want;
                    bad += out[simd][off + m] != 0xaa || (off && out[simd][0] != 0xaa);
                }
                bad += memcmp(out[0], out[1], sizeof out[0]) != 0;
                bad += anypast && !(want & 0x80);
                missed_past += past && n > 1 && !anypast;
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(missed_past, 0);   /* (the ids past the table were met) */
    free(tab);
    free(ids);
}

/* which of n <= 64 bytes are not 0: both paths, on every n and offset,
 * with bytes 0..255 and the bytes past n not 0 (to be ignored) */
static void test_nonzero(void)
{
    uint8_t buf[64 + 64 + 16];
    uint64_t x = 11;
    size_t bad = 0;
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            uint64_t r = next(&x);
            buf[i] = r % 3 == 0 ? 0 : (uint8_t)(r >> 40);   /* a third 0, the rest any byte */
        }
        for (size_t off = 0; off < 64; off += 1 + (size_t)round % 5)
            for (size_t n = 0; n <= 64; n++) {
                uint64_t want = 0;
                for (size_t i = 0; i < n; i++) want |= (uint64_t)(buf[off + i] != 0) << i;
                bad += bytemap_nonzero(buf + off, n, 0) != want;
                bad += bytemap_nonzero(buf + off, n, 1) != want;
            }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("bytemap", NULL, NULL);
    if (!s || !CU_add_test(s, "both paths write a lookup's bytes and their or", test_same_bytes) ||
        !CU_add_test(s, "both paths tell the bytes that are not 0", test_nonzero)) {
        CU_cleanup_registry();
        return 2;
    }
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
