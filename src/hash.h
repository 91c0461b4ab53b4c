/* hash.h: SHA-256 (FIPS 180-4) of memory and of files, for the report's
 * record of exactly which rules and data produced it; and the one loop
 * that reads a file in blocks for it and for the rerun cache's content
 * hash (colcache.h), so that a file both need is read once. */
#ifndef COHORT_HASH_H
#define COHORT_HASH_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

enum { SHA256_BYTES = 32, HASH_BLOCK = 1 << 20 };

/* Hash of n bytes as 64 lower-case hex digits and a NUL. */
void sha256_mem(const void *data, size_t n, char hex[65]);
/* Hash of a file's bytes as hex.  Returns 0, or -1 (errno) if it cannot be read. */
int sha256_file(const char *path, char hex[65]);
/* The SHA-256 of fd's bytes from its offset to its end into digest; 0, or
 * -1 (errno) when it cannot be read or, before the next block, *stop is
 * set (stop may be NULL). */
int sha256_fd(int fd, uint8_t digest[SHA256_BYTES], const atomic_int *stop);
/* A digest as 64 lower-case hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_BYTES], char hex[65]);

/* Read fd from its current offset to its end in blocks of HASH_BLOCK bytes
 * (the last one shorter), passing each to each(ud, block, n) unless each is
 * NULL, and computing the bytes' SHA-256 into digest unless digest is NULL.
 * Returns the number of bytes read, or -1 (errno) on a read error. */
int64_t hash_fd(int fd, void (*each)(void *ud, const void *block, size_t n), void *ud,
                uint8_t digest[SHA256_BYTES]);
#endif
