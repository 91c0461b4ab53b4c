/* regfile.h: opening input files (rules, imports, CSV tables) that must be
 * regular files: a FIFO or a device would block the run forever or never
 * end, a directory cannot be read. */
#ifndef COHORT_REGFILE_H
#define COHORT_REGFILE_H

/* Open path read-only without blocking on a FIFO; returns a descriptor
 * (blocking again) or -1 with errno set: EINVAL when path is not a
 * regular file. */
int regfile_open(const char *path);
/* strerror(err), but "not a regular file (a FIFO, a device or a
 * directory)" for regfile_open's EINVAL. */
const char *regfile_error(int err);
#endif
