/* test_digests.c: unit tests of SHA-256 of files (hash.c: FIPS 180-4's
 * long message, files of several blocks, a stop), the background tasks (tasks.c:
 * tasks_start) and the data files' digests computed on them (digests.c):
 * each file's digest is that of its bytes, on 1, 2 and 5 threads, missing
 * and skipped files have none, an empty file has the empty digest, and
 * freeing without waiting stops the threads. */
#include <CUnit/Basic.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "digests.h"
#include "hash.h"
#include "tasks.h"

static char dir[] = "/tmp/cohort-test-digests-XXXXXX";

/* path of file NAME in the test folder (one of 4 buffers in turn) */
static char *at(const char *name)
{
    static char p[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

/* NAME holding n pseudo-random bytes from seed; its digest in hex */
static void make(const char *name, size_t n, unsigned seed, char hex[65])
{
    unsigned char *b = malloc(n + 1);
    CU_ASSERT_FATAL(b != NULL);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b[i] = (unsigned char)x;
    }
    FILE *f = fopen(at(name), "wb");
    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT(fwrite(b, 1, n, f) == n);
    fclose(f);
    sha256_mem(b, n, hex);
    free(b);
}

static void test_file(void)
{
    char want[65], got[65];
    /* FIPS 180-4's long message, a million 'a' (sha256_mem's short vectors
     * are checked in test_figure) */
    FILE *f = fopen(at("million"), "wb");
    CU_ASSERT_FATAL(f != NULL);
    for (int i = 0; i < 1000000; i++) fputc('a', f);
    fclose(f);
    CU_ASSERT_EQUAL(sha256_file(at("million"), got), 0);
    CU_ASSERT_STRING_EQUAL(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* a block and a half, and exactly two blocks */
    make("f1", HASH_BLOCK + HASH_BLOCK / 2, 1, want);
    CU_ASSERT_EQUAL(sha256_file(at("f1"), got), 0);
    CU_ASSERT_STRING_EQUAL(got, want);
    make("f2", 2 * (size_t)HASH_BLOCK, 2, want);
    CU_ASSERT_EQUAL(sha256_file(at("f2"), got), 0);
    CU_ASSERT_STRING_EQUAL(got, want);
    CU_ASSERT_EQUAL(sha256_file(at("absent"), got), -1);
    /* a stop already set: nothing is read */
    atomic_int stop;
    atomic_init(&stop, 1);
    uint8_t d[SHA256_BYTES];
    int fd = open(at("f1"), O_RDONLY);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(sha256_fd(fd, d, &stop), -1);
    close(fd);
}

/* each task counted once */
static void count_task(void *ctx, size_t task, int caller)
{
    (void)caller;
    atomic_int *seen = ctx;
    atomic_fetch_add(&seen[task], 1);
}

static void test_background_tasks(void)
{
    enum { N = 200 };
    for (int threads = 1; threads <= 5; threads += 2) {
        atomic_int seen[N];
        for (int i = 0; i < N; i++) atomic_init(&seen[i], 0);
        tasks_bg *b = tasks_start(threads, N, count_task, seen);
        CU_ASSERT_FATAL(b != NULL);
        tasks_finish(b);
        for (int i = 0; i < N; i++) CU_ASSERT_EQUAL(atomic_load(&seen[i]), 1);
    }
    tasks_finish(tasks_start(2, 0, count_task, NULL));   /* no task at all */
    tasks_finish(NULL);
}

static void test_digests(void)
{
    enum { NF = 6 };
    char want[NF][65];
    static const size_t size[NF] = {3000, 0, 5 * (size_t)HASH_BLOCK + 17, 1, HASH_BLOCK, 0};
    static const char *const name[NF] = {"d0", "d1", "d2", "d3", "d4", "absent"};
    for (int i = 0; i < NF - 1; i++) make(name[i], size[i], 10u + (unsigned)i, want[i]);
    for (int threads = 1; threads <= 5; threads += 2) {
        char store[NF][256];
        const char *paths[NF + 1];
        for (int i = 0; i < NF; i++) {
            snprintf(store[i], sizeof store[i], "%s", at(name[i]));
            paths[i] = store[i];
        }
        paths[NF] = NULL;   /* a file not to hash */
        digests *d = digests_start(paths, NF + 1, threads);
        CU_ASSERT_FATAL(d != NULL);
        for (int i = 0; i < NF - 1; i++) {
            const digest_of *o = digests_wait(d, (size_t)i);
            char hex[65];
            CU_ASSERT_FATAL(o != NULL);
            CU_ASSERT(o->ok && o->unchanged);
            sha256_hex(o->sha256, hex);
            CU_ASSERT_STRING_EQUAL(hex, want[i]);
            CU_ASSERT_EQUAL((size_t)o->st.st_size, size[i]);
        }
        CU_ASSERT_FALSE(digests_wait(d, NF - 1)->ok);   /* absent */
        CU_ASSERT_FALSE(digests_wait(d, NF)->ok);       /* not asked for */
        CU_ASSERT_PTR_NULL(digests_wait(d, NF + 1));
        digests_free(d);
        /* freed without waiting: stopped, nothing leaks (the sanitizers' build) */
        digests_free(digests_start(paths, NF + 1, threads));
    }
    digests_free(NULL);
}

int main(void)
{
    if (!mkdtemp(dir)) return 2;
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("digests", NULL, NULL);
    if (!s || !CU_add_test(s, "SHA-256 of files", test_file) ||
        !CU_add_test(s, "tasks in the background", test_background_tasks) ||
        !CU_add_test(s, "the data files' digests in the background", test_digests))
        return 2;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failures = CU_get_number_of_failures();
    CU_cleanup_registry();
    static const char *const files[] = {"million", "f1", "f2", "d0", "d1", "d2", "d3", "d4"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) unlink(at(files[i]));
    rmdir(dir);
    return failures != 0;
}
