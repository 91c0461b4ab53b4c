/* test_entrystamp.c: a cache entry's own identity (src/entrystamp.c): the
 * stamp chosen for a file holds once applied (its mtime one second in the
 * past, never a whole second) and after a rename; a write to the file, a
 * copy with the same times (another inode), another size or a zero stamp
 * do not hold; a header renewed in place keeps a stamp that held and does
 * not restore one that did not; COHORT_CACHE=verify distrusts every stamp. */
#define _DEFAULT_SOURCE 1
#include <CUnit/Basic.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "entrystamp.h"

/* A new file in dir of n bytes, open read-write; its path in path. */
static int new_file(const char *dir, const char *name, size_t n, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    char buf[256];
    memset(buf, 'x', sizeof buf);
    for (size_t at = 0; fd >= 0 && at < n; at += sizeof buf)
        if (write(fd, buf, n - at < sizeof buf ? n - at : sizeof buf) < 0) return -1;
    return fd;
}

static int holds_at(const char *path, const entry_stamp *s)
{
    struct stat st;
    return stat(path, &st) == 0 && entry_stamp_holds(&st, s);
}

static void test_stamp(void)
{
    char dir[] = "/tmp/test_entrystamp.XXXXXX", a[4200], b[4200];
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    int fd = new_file(dir, "a.tmp", 1000, a, sizeof a);
    CU_ASSERT_FATAL(fd >= 0);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    entry_stamp s;
    CU_ASSERT_EQUAL(entry_stamp_choose(fd, 1000, &s), 0);
    CU_ASSERT(s.mtime_nsec != 0);
    CU_ASSERT(s.mtime_sec < (int64_t)now.tv_sec);
    CU_ASSERT_FALSE(holds_at(a, &s));          /* not yet applied */
    CU_ASSERT_EQUAL(entry_stamp_apply(fd, &s), 1);
    CU_ASSERT(holds_at(a, &s));
    /* renamed into place: the same device, inode, size and mtime */
    snprintf(b, sizeof b, "%s/a.entry", dir);
    CU_ASSERT_EQUAL(rename(a, b), 0);
    CU_ASSERT(holds_at(b, &s));
    /* another size, a zero stamp */
    entry_stamp other = s;
    other.size++;
    CU_ASSERT_FALSE(holds_at(b, &other));
    memset(&other, 0, sizeof other);
    CU_ASSERT_FALSE(holds_at(b, &other));
    CU_ASSERT_EQUAL(entry_stamp_apply(fd, &other), 0);
    /* a header renewed in place keeps the stamp that held */
    CU_ASSERT_EQUAL(entry_stamp_rewrite(fd, "hdr", 3, &s), 0);
    CU_ASSERT(holds_at(b, &s));
    /* a copy with the same times: another inode */
    char c[4200];
    int cfd = new_file(dir, "c.entry", 1000, c, sizeof c);
    CU_ASSERT_FATAL(cfd >= 0);
    struct timespec t[2] = {{0, UTIME_OMIT}, {(time_t)s.mtime_sec, (long)s.mtime_nsec}};
    CU_ASSERT_EQUAL(futimens(cfd, t), 0);
    CU_ASSERT_FALSE(holds_at(c, &s));
    close(cfd);
    unlink(c);
    /* a write by another program: the mtime is now, never trusted again,
     * and a renewal in place does not restore it */
    CU_ASSERT_EQUAL(pwrite(fd, "y", 1, 500), 1);
    CU_ASSERT_FALSE(holds_at(b, &s));
    CU_ASSERT_EQUAL(entry_stamp_rewrite(fd, "hdr", 3, &s), 0);
    CU_ASSERT_FALSE(holds_at(b, &s));
    close(fd);
    unlink(b);
    rmdir(dir);
}

static void test_verify(void)
{
    unsetenv("COHORT_CACHE");
    CU_ASSERT_EQUAL(entry_stamp_distrusted(), 0);
    setenv("COHORT_CACHE", "verify", 1);
    CU_ASSERT_EQUAL(entry_stamp_distrusted(), 1);
    setenv("COHORT_CACHE", "on", 1);
    CU_ASSERT_EQUAL(entry_stamp_distrusted(), 0);
    unsetenv("COHORT_CACHE");
}

int main(void)
{
    if (CU_initialize_registry() != CUE_SUCCESS) return 2;
    CU_pSuite s = CU_add_suite("entrystamp", NULL, NULL);
    if (!s || !CU_add_test(s, "a stamp holds until the file is written or copied", test_stamp) ||
        !CU_add_test(s, "COHORT_CACHE=verify distrusts stamps", test_verify))
        return 2;
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures();
    CU_cleanup_registry();
    return failed ? 1 : 0;
}
