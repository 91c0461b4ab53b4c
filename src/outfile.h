/* outfile.h: the temporary file an output is written to before it is
 * renamed into place. */
#ifndef COHORT_OUTFILE_H
#define COHORT_OUTFILE_H
#include <stddef.h>
#include <stdio.h>

/* Create a new temporary file beside `final` (same directory, name
 * ".BASE.XXXXXX" with a random suffix, created with O_EXCL so that no
 * existing file or planted symlink is ever opened), with the permissions a
 * new file would get (0666 less the umask).  Writes its path into tmp and
 * returns it open for writing, or NULL with errno set.
 * Testing hook: when the environment variable COHORT_TEST_FAIL_WRITE names
 * the file's base name, creation fails with EIO (documented in cohort(1)),
 * so that the tests can fail a write half-way through an output folder. */
FILE *outfile_create(const char *final, char *tmp, size_t size);
#endif
