/* fuzz_file.h: both fuzz targets hand their input to code that reads
 * files: this writes it to a fresh temporary file. */
#ifndef COHORT_FUZZ_FILE_H
#define COHORT_FUZZ_FILE_H
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* Write data to a new file named from path (a mkstemp template, changed in
 * place); 0 on success (the caller unlinks path), -1 on failure. */
static inline int fuzz_to_file(const uint8_t *data, size_t size, char *path)
{
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    int ok = write(fd, data, size) == (ssize_t)size;
    close(fd);
    if (ok) return 0;
    unlink(path);
    return -1;
}
#endif
