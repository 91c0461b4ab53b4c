/* test_colcache.c: the caches' hash (colcache_hash, src/colcache.c): its
 * AVX-512 and portable paths give the same value on every length (the
 * tails and the 128-byte blocks), any one changed 8-byte word and any one
 * flipped bit change it, and so does the length (zeros of each length). */
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
    for (size_t n = 0; n <= 1100; n++) differ += colcache_hash_with(p, n, 1) != colcache_hash_with(p, n, 0);
    /* from an odd address (unaligned loads), and long ones */
    for (size_t n = 0; n <= 1100; n += 7) differ += colcache_hash_with(p + 3, n, 1) != colcache_hash_with(p + 3, n, 0);
    differ += colcache_hash_with(p, big, 1) != colcache_hash_with(p, big, 0);
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

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("colcache", NULL, NULL);
    if (!s || !CU_add_test(s, "AVX-512 and portable hashes agree", test_paths_agree) ||
        !CU_add_test(s, "a changed word, bit or length changes the hash", test_changes_seen))
        return 2;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
