/* hash.c: SHA-256 of memory and of files (hash.h), computed by Nettle,
 * which uses the processor's SHA instructions where it has them (about
 * eight times the speed of portable C: results.json hashes every data
 * file), and the block reader shared with the rerun cache's content hash.
 * Files are read into a buffer rather than mapped: the kernel's copy
 * leaves each block in the cache for the hash, which then runs at its
 * full speed (1M benchmark's events.csv, 506 MB: 0.30 s user + 0.08 s
 * system read in 1 MiB blocks, 0.41 s + 0.03 s from a mapping).
 * Checked against FIPS 180-4's test vectors in test_figure, files in
 * test_digests. */
#include "hash.h"
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <unistd.h>

void sha256_hex(const uint8_t digest[SHA256_BYTES], char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < SHA256_BYTES; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = 0;
}

void sha256_mem(const void *data, size_t n, char hex[65])
{
    struct sha256_ctx c;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&c);
    sha256_update(&c, n, data);
    sha256_digest(&c, sizeof d, d);
    sha256_hex(d, hex);
}

/* hash_fd, stopping before a block once *stop is set (stop may be NULL) */
static int64_t read_blocks(int fd, void (*each)(void *ud, const void *block, size_t n), void *ud,
                           uint8_t digest[SHA256_BYTES], const atomic_int *stop)
{
#ifdef POSIX_FADV_SEQUENTIAL
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    uint8_t *buf = malloc(HASH_BLOCK);
    if (!buf) {
        errno = ENOMEM;
        return -1;
    }
    struct sha256_ctx c;
    sha256_init(&c);
    int64_t total = 0;
    for (;;) {
        if (stop && atomic_load(stop)) {
            free(buf);
            errno = ECANCELED;
            return -1;
        }
        /* whole blocks, however read() splits them: the blocks are part of
         * the cache's content hash */
        size_t have = 0;
        while (have < HASH_BLOCK) {
            ssize_t n = read(fd, buf + have, HASH_BLOCK - have);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                int e = errno;
                free(buf);
                errno = e;
                return -1;
            }
            if (n == 0) break;
            have += (size_t)n;
        }
        if (!have) break;
        if (digest) sha256_update(&c, have, buf);
        if (each) each(ud, buf, have);
        total += (int64_t)have;
        if (have < HASH_BLOCK) break;
    }
    free(buf);
    if (digest) sha256_digest(&c, SHA256_DIGEST_SIZE, digest);
    return total;
}

int64_t hash_fd(int fd, void (*each)(void *ud, const void *block, size_t n), void *ud,
                uint8_t digest[SHA256_BYTES])
{
    return read_blocks(fd, each, ud, digest, NULL);
}

int sha256_fd(int fd, uint8_t digest[SHA256_BYTES], const atomic_int *stop)
{
    return read_blocks(fd, NULL, NULL, digest, stop) < 0 ? -1 : 0;
}

int sha256_file(const char *path, char hex[65])
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    uint8_t d[SHA256_BYTES];
    int64_t n = hash_fd(fd, NULL, NULL, d);
    int e = errno;
    close(fd);
    if (n < 0) {
        errno = e;
        return -1;
    }
    sha256_hex(d, hex);
    return 0;
}
