/* hash.h: SHA-256 (FIPS 180-4) of memory and of files, for the report's
 * record of exactly which rules and data produced it. */
#ifndef COHORT_HASH_H
#define COHORT_HASH_H
#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t bytes;            /* message length so far */
    unsigned char buf[64];     /* a partial block */
    size_t nbuf;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t n);
void sha256_final(sha256_ctx *c, unsigned char digest[32]);
/* 64 lower-case hex digits and a NUL. */
void sha256_hex(const unsigned char digest[32], char hex[65]);
/* Hash of n bytes as hex. */
void sha256_mem(const void *data, size_t n, char hex[65]);
/* Hash of a file's bytes as hex.  Returns 0, or -1 (errno) if it cannot be read. */
int sha256_file(const char *path, char hex[65]);
#endif
