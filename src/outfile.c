/* outfile.c: temporary files for outputs.  A predictable temporary name
 * (DIR/.NAME.tmp) opened with fopen(..., "w") follows a symlink planted
 * there and overwrites its target; mkstemp picks an unused random name and
 * creates it exclusively, so nothing existing is opened. */
#include "outfile.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *outfile_create(const char *final, char *tmp, size_t size)
{
    const char *slash = strrchr(final, '/');
    int dirlen = slash ? (int)(slash - final) + 1 : 0;
    int n = snprintf(tmp, size, "%.*s.%s.XXXXXX", dirlen, final, final + dirlen);
    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    const char *fail = getenv("COHORT_TEST_FAIL_WRITE");
    if (fail && !strcmp(fail, final + dirlen)) {
        errno = EIO;
        return NULL;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) return NULL;
    mode_t mask = umask(0);
    umask(mask);
    /* the permissions a new file gets; mkstemp's 0600 stays if this fails */
    (void)fchmod(fd, 0666 & ~mask);
    FILE *f = fdopen(fd, "w");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        errno = e;
    }
    return f;
}
