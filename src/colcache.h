/* colcache.h: the rerun cache.  A CSV table parsed once is kept as a
 * columnar binary file (typed values, missing flags, each text column's
 * distinct strings and one 32-bit id per row) in a cache folder, and
 * restored on the next run without parsing.  An entry is used only when
 * the CSV file has the same size, modification time (nanoseconds) and
 * content hash as when it was written, the table is declared the same way,
 * and the entry was written by this version of cohort on this ABI and is
 * whole (its own checksum).  Anything else is a miss: the file is parsed
 * and the entry written again (a temporary file renamed into place, so
 * concurrent writers never leave a half-written entry). */
#ifndef COHORT_COLCACHE_H
#define COHORT_COLCACHE_H
#include <stdint.h>
#include "data.h"

/* What identifies a CSV file's content. */
typedef struct colcache_ident {
    uint64_t size;
    int64_t sec, nsec;      /* modification time */
    uint64_t hash;          /* colcache_hash of the whole file */
} colcache_ident;

/* The cache folder: $COHORT_CACHE_DIR, else $XDG_CACHE_HOME/cohort, else
 * $HOME/.cache/cohort; NULL (no cache) when COHORT_CACHE is "off" or "0"
 * or no folder can be named.  The caller frees it. */
char *colcache_dir(void);

/* A fast 64-bit hash of n bytes (not cryptographic: it detects changes). */
uint64_t colcache_hash(const void *p, size_t n);

/* The identity of the CSV file at path; 0, or -1 when it cannot be read or
 * is smaller than the size worth caching (1 MiB, or
 * $COHORT_CACHE_MIN_BYTES: a test hook). */
int colcache_ident_of(const char *path, colcache_ident *id);

/* Restore table t's columns from the cache entry of (path, table name)
 * when it matches id and spec (a hash of everything the declaration says
 * that changes how the file is read).  On a hit fills t->cols, ncols,
 * nrows, key, fk and order (text interned into pool) and returns 1;
 * otherwise leaves t as it was and returns 0. */
int colcache_load(const char *dir, const char *path, const colcache_ident *id, uint64_t spec,
                  table *t, strpool *pool);

/* Write table t's entry; silently nothing when the file changed since id
 * was taken or the cache cannot be written (the cache only saves time). */
void colcache_store(const char *dir, const char *path, const colcache_ident *id, uint64_t spec,
                    const table *t);
#endif
