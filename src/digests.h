/* digests.h: the data files' SHA-256 for results.json and the report,
 * computed on background threads while the run loads and evaluates (one
 * file a task, the largest first), so that a run with --out costs little
 * more wall time than one without.  The digest of each file is exactly
 * sha256sum's (hash.h). */
#ifndef COHORT_DIGESTS_H
#define COHORT_DIGESTS_H
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include "hash.h"

typedef struct digests digests;

/* One file's digest once digests_wait returned. */
typedef struct digest_of {
    int ok;                         /* read whole, sha256 set */
    uint8_t sha256[SHA256_BYTES];
    struct timespec seen;           /* the clock before the file was opened */
    struct stat st;                 /* fstat before the first byte was read */
    int unchanged;                  /* the same identity after the last byte */
} digest_of;

/* Start hashing the n files (paths[i] NULL: nothing to hash) on up to
 * `threads` threads (tasks.h); NULL when out of memory (then nothing is
 * hashed: the caller hashes what it needs itself). */
digests *digests_start(const char *const *paths, size_t n, int threads);
/* Wait for every file and return file i's digest (i < n of the start). */
const digest_of *digests_wait(digests *d, size_t i);
/* Stop hashing (files not yet done give up before their next window),
 * wait for the threads and free d (NULL: nothing). */
void digests_free(digests *d);
#endif
