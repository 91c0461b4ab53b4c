/* regfile.c: opens an input file only if it is a regular file.  O_NONBLOCK
 * makes open() return at once on a FIFO with no writer (it would otherwise
 * wait for one forever); fstat then refuses anything but a regular file. */
#include "regfile.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int regfile_open(const char *path)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    int ok = fstat(fd, &st) == 0;
    if (!ok || !S_ISREG(st.st_mode)) {
        int e = ok ? EINVAL : errno;
        close(fd);
        errno = e;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

const char *regfile_error(int err)
{
    return err == EINVAL ? "not a regular file (a FIFO, a device or a directory)" : strerror(err);
}
