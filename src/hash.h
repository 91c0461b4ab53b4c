/* hash.h: SHA-256 (FIPS 180-4) of memory and of files, for the report's
 * record of exactly which rules and data produced it. */
#ifndef COHORT_HASH_H
#define COHORT_HASH_H
#include <stddef.h>

/* Hash of n bytes as 64 lower-case hex digits and a NUL. */
void sha256_mem(const void *data, size_t n, char hex[65]);
/* Hash of a file's bytes as hex.  Returns 0, or -1 (errno) if it cannot be read. */
int sha256_file(const char *path, char hex[65]);
#endif
