/* test_colcache.c: the caches' hash (colcache_hash, src/colcache.c): its
 * AVX-512 and portable paths give the same value on every length (the
 * tails and the 128-byte blocks), any one changed 8-byte word and any one
 * flipped bit change it, and so does the length (zeros of each length);
 * a text column's ids map to this run's alike on both paths, and an id out
 * of range anywhere (in a vector, in the tail) is refused by both, as is a
 * link value not below its bound (colcache_below). */
#include <CUnit/Basic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "colcache.h"

/* A repeatable stream of bytes (xorshift64*). */
static void fill(unsigned char *p, size_t n, uint64_t seed)
{
    uint64_t x = seed | 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        p[i] = (unsigned char)((x * 0x2545f4914f6cdd1dULL) >> 56);
    }
}

static void test_paths_agree(void)
{
    size_t big = (1u << 20) + 77;
    unsigned char *p = malloc(big);
    CU_ASSERT_FATAL(p != NULL);
    fill(p, big, 42);
    size_t differ = 0;
    /* the widest form this CPU has (1) and AVX2 at most (2), against the
     * portable one: every length around whole blocks and tails */
    for (int simd = 1; simd <= 2; simd++) {
        for (size_t n = 0; n <= 1100; n++) differ += colcache_hash_with(p, n, simd) != colcache_hash_with(p, n, 0);
        /* from an odd address (unaligned loads), and long ones */
        for (size_t n = 0; n <= 1100; n += 7)
            differ += colcache_hash_with(p + 3, n, simd) != colcache_hash_with(p + 3, n, 0);
        differ += colcache_hash_with(p, big, simd) != colcache_hash_with(p, big, 0);
    }
    differ += colcache_hash(p, big) != colcache_hash_with(p, big, 0);
    CU_ASSERT_EQUAL(differ, 0);
    free(p);
}

static void test_changes_seen(void)
{
    enum { N = 4096 + 100 };   /* 32 whole blocks and a tail */
    unsigned char p[N];
    fill(p, N, 7);
    uint64_t h = colcache_hash(p, N);
    size_t missed = 0;
    /* every 8-byte word (of the blocks and of the tail) changed to other values */
    for (size_t at = 0; at + 8 <= N; at += 8) {
        uint64_t w, old;
        memcpy(&old, p + at, 8);
        static const uint64_t deltas[] = {1, 0x100000000ULL, 0x8000000000000000ULL, 0x9e3779b97f4a7c15ULL};
        for (size_t d = 0; d < sizeof deltas / sizeof *deltas; d++) {
            w = old + deltas[d];
            memcpy(p + at, &w, 8);
            missed += colcache_hash(p, N) == h;
            missed += colcache_hash_with(p, N, 0) == h;
            missed += colcache_hash_with(p, N, 2) == h;
        }
        memcpy(p + at, &old, 8);
    }
    /* every bit of the first 2 KiB and of the tail flipped */
    for (size_t bit = 0; bit < 8 * (size_t)N; bit++) {
        if (bit >= 8 * 2048 && bit < 8 * 4096) continue;
        p[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        missed += colcache_hash(p, N) == h;
        p[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    }
    /* two blocks swapped, a block zeroed */
    unsigned char q[N];
    memcpy(q, p, N);
    memcpy(q, p + 128, 128);
    memcpy(q + 128, p, 128);
    missed += colcache_hash(q, N) == h;
    memcpy(q, p, N);
    memset(q + 1024, 0, 128);
    missed += colcache_hash(q, N) == h;
    CU_ASSERT_EQUAL(missed, 0);
    CU_ASSERT_EQUAL(colcache_hash(p, N), h);
    /* zeros of each length: all different */
    static unsigned char z[600];
    uint64_t seen[600];
    size_t same = 0;
    for (size_t n = 0; n < 600; n++) {
        seen[n] = colcache_hash(z, n);
        for (size_t k = 0; k < n; k++) same += seen[k] == seen[n];
    }
    CU_ASSERT_EQUAL(same, 0);
}

static void test_map_ids(void)
{
    enum { N = 700 };
    uint32_t ids[N], dict[40], sid[2][N + 1];
    for (uint32_t k = 0; k < 40; k++) dict[k] = k ? 1000 + 7 * k : 0;   /* 0: missing */
    uint64_t x = 11;
    size_t bad = 0;
    /* dictionaries of a vector or less (permuted) and larger (gathered) */
    static const uint32_t sizes[] = {0, 1, 2, 15, 16, 17, 40};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        uint32_t nd = sizes[s];
        for (size_t n = 0; n <= N; n += (n < 64 ? 1 : 29)) {
            for (size_t i = 0; i < n; i++) {
                x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
                uint64_t r = x * 0x2545f4914f6cdd1dULL;
                ids[i] = nd ? (uint32_t)((r >> 20) % nd) : 0;
            }
            for (int simd = 0; simd < 2; simd++) {
                memset(sid[simd], 0xee, sizeof sid[simd]);
                bad += colcache_map_ids(ids, n, dict, nd, sid[simd], simd) != (nd || !n ? 0 : -1);
                for (size_t i = 0; nd && i < n; i++) bad += sid[simd][i] != dict[ids[i]];
                bad += sid[simd][n] != 0xeeeeeeeeu;
            }
            /* one id out of range (nd, the largest, or just below missing) at each place */
            for (size_t at = 0; nd && at < n; at += 1 + n / 40) {
                uint32_t keep = ids[at];
                static const uint32_t wrong[] = {0, 0x7fffffffu, UINT32_MAX};
                for (size_t w = 0; w < 3; w++) {
                    ids[at] = w == 0 ? nd : wrong[w];
                    for (int simd = 0; simd < 2; simd++) bad += colcache_map_ids(ids, n, dict, nd, sid[simd], simd) != -1;
                }
                ids[at] = keep;
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_below(void)
{
    enum { N = 700 };
    uint32_t v[N];
    size_t bad = 0;
    for (size_t n = 0; n <= N; n += (n < 64 ? 1 : 31))
        for (int simd = 0; simd < 2; simd++) {
            for (size_t i = 0; i < n; i++) v[i] = (uint32_t)(i * 2654435761u % 1000);
            bad += colcache_below(v, n, 1000, simd) != 1;
            int all = 1;   /* below 500: the values as they come */
            for (size_t i = 0; i < n; i++) all &= v[i] < 500;
            bad += colcache_below(v, n, 500, simd) != all;
            for (size_t at = 0; at < n; at += 1 + n / 50) {
                uint32_t keep = v[at];
                static const uint32_t wrong[] = {1000, 0x80000000u, UINT32_MAX};
                for (size_t w = 0; w < 3; w++) {
                    v[at] = wrong[w];
                    bad += colcache_below(v, n, 1000, simd) != 0;
                }
                v[at] = keep;
            }
        }
    CU_ASSERT_EQUAL(bad, 0);
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("colcache", NULL, NULL);
    if (!s || !CU_add_test(s, "AVX-512, AVX2 and portable hashes agree", test_paths_agree) ||
        !CU_add_test(s, "a changed word, bit or length changes the hash", test_changes_seen) ||
        !CU_add_test(s, "text ids map alike on both paths, out of range refused", test_map_ids) ||
        !CU_add_test(s, "links below their bound on both paths", test_below))
        return 2;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
