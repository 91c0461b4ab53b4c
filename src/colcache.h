/* colcache.h: the rerun cache.  A CSV table parsed once is kept as a
 * columnar binary file (typed values, missing flags, each text column's
 * distinct strings and one 32-bit id per row) in a cache folder, and
 * restored on the next run without parsing.  An entry is used only when
 * the CSV file has the content hash it had when the entry was written, the
 * table is declared the same way, and the entry was written by this
 * version of cohort on this ABI and is whole (its header's checksum, and
 * either its own identity: the file as cohort wrote it, entrystamp.h, or
 * the checksums of the sections the run uses).  The
 * content hash is taken from the entry without reading the file when the
 * file's identity (device, inode, size, modification and change times to
 * the nanosecond) is the one recorded with it and that identity was
 * already old when the file was hashed (a change within the same clock
 * tick could keep it: see "racy" in colcache.c); otherwise the file is
 * hashed again, and an entry whose content still matches is used and its
 * identity renewed.  Anything else is a miss: the file is parsed and the
 * entry written again (a temporary file renamed into place, so concurrent
 * writers never leave a half-written entry). */
#ifndef COHORT_COLCACHE_H
#define COHORT_COLCACHE_H
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include "data.h"
#include "entrystamp.h"
#include "hash.h"

/* A CSV file as the cache knows it. */
typedef struct colcache_ident {
    /* what stat says; seen: the clock when it was taken, before hashing */
    uint64_t dev, ino, size;
    int64_t mtime_sec, mtime_nsec, ctime_sec, ctime_nsec, seen_sec, seen_nsec;
    int hashed;             /* hash is known */
    int computed;           /* the file was read and hashed by this process */
    int has_sha256;         /* sha256 is known (recorded in the entry) */
    uint64_t hash;          /* colcache_hash of the file's blocks, chained */
    uint8_t sha256[SHA256_BYTES];
    int entry_trusted;      /* colcache_load hit: the entry was trusted by its
                               own identity (entrystamp.h), its sections not hashed */
} colcache_ident;

/* A child table's links to its parent, as data_load builds them: each
 * row's parent row, and the rows grouped by parent row (data.h's
 * group_index).  Valid only for the parent's content and declaration they
 * were built from. */
typedef struct colcache_links {
    uint64_t parent_hash, parent_spec;  /* the parent file's content hash, its spec */
    size_t ngroups;                     /* the parent's rows */
    const int32_t *parent_row;          /* nrows; NULL: no links */
    const uint32_t *off, *rows;         /* ngroups + 1; nrows, or NULL when
                                           the rows are in file order */
} colcache_links;

/* The cache folder: $COHORT_CACHE_DIR, else $XDG_CACHE_HOME/cohort, else
 * $HOME/.cache/cohort; NULL (no cache) when COHORT_CACHE is "off" or "0"
 * or no folder can be named.  The caller frees it. */
char *colcache_dir(void);

/* A fast 64-bit hash of n bytes (not cryptographic: it detects changes:
 * any one changed 8-byte word always, other damage but for a chance of
 * about 2^-64; colcache.c).  colcache_hash_with(.., 0) takes the portable
 * path even where the CPU has AVX-512: the same value (for the tests). */
uint64_t colcache_hash(const void *p, size_t n);
uint64_t colcache_hash_with(const void *p, size_t n, int simd);

/* The n 32-bit ids at ids (a text column's values in an entry, as the
 * run that wrote it had them) mapped to this run's in sid: each id below
 * nd to dict[id] (dict[0] = 0: missing); 0, or -1 at the first id not
 * below nd (sid then partly written).  simd: as colcache_hash_with (the same result either way).
 * The restore maps each piece of ids as it is hashed. */
/* 1 when each of the n 32-bit values at p is below bound (as unsigned:
 * a negative int32_t is not), else 0; simd as above.  The restore checks
 * each piece of links (parent rows, rows) with it as it is hashed. */
int colcache_below(const void *p, size_t n, uint32_t bound, int simd);
int colcache_map_ids(const void *ids, size_t n, const uint32_t *dict, uint32_t nd, uint32_t *sid, int simd);

/* The identity of the CSV file at path (stat only: nothing hashed yet);
 * 0, or -1 when it is not a regular file or is
 * smaller than the size worth caching (1 MiB, or $COHORT_CACHE_MIN_BYTES:
 * a test hook). */
int colcache_ident_of(const char *path, colcache_ident *id);

/* Restore table t's columns from the cache entry of (path, table name)
 * when it matches id's content and spec (a hash of everything the
 * declaration says that changes how the file is read).  On a hit fills
 * t->cols, ncols, nrows, key, fk and order (text interned into pool) and
 * returns 1, and the links the entry keeps in *links (pointing into the
 * table's mapping; parent_row NULL when it has none; checked whole and in
 * range, but the caller must check they are of its parent); otherwise
 * leaves t as it was and returns 0.  Either way id then holds the file's content hash (id->hashed) unless the file could
 * not be read.  The entry's sections are
 * hashed (verified) on up to `threads` threads (0: one a core, at most 8),
 * unless the entry's own identity vouches for it (id->entry_trusted set
 * then; entrystamp.h).
 * With want, the columns it does not keep (and with no_links the links)
 * are left projected and their data neither read nor verified (only
 * their headers and names are):
 * *skipped counts them (the caller then never writes the entry again with
 * fewer columns). */
typedef struct colcache_want {
    /* keep the column `name` (keyish: the key, the link to the parent or
     * the order column; declared: its type declared)?  0: left projected */
    int (*keep)(void *ud, const char *name, int keyish, int declared);
    void *ud;
    int no_links;   /* the links are passed over too (neither read nor
                       verified; *links then has none) */
} colcache_want;
int colcache_load(const char *dir, const char *path, colcache_ident *id, uint64_t spec,
                  table *t, strpool *pool, colcache_links *links, int threads, const colcache_want *want,
                  size_t *skipped);

/* Write table t's entry, with its links unless links is NULL; silently nothing when the file's identity changed
 * since id was hashed or the cache cannot be written (the cache only saves
 * time). */
/* Give back the resident pages wholly inside p[0..n) of an entry's
 * mapping (a column or links no longer used): read again from the entry
 * file should they be touched again. */
void colcache_release(const void *p, size_t n);
void colcache_store(const char *dir, const char *path, const colcache_ident *id, uint64_t spec,
                    const table *t, const colcache_links *links);

/* results.json's SHA-256 of a CSV file, kept in the header of the entry of
 * (path, table name tname) so that a later run need not read the file for
 * it.  colcache_sha256_known: 1 with the digest when the entry is whole,
 * has one, and records the file's present identity, settled when it was
 * hashed (the rule by which the content hash is reused); else 0.
 * colcache_note_sha256: record the digest of the file computed from its
 * bytes after the clock read `seen`, under the identity st that was the
 * same after the last byte was read, in the entry when it records the
 * same identity, settled then and at `seen`, and no digest yet (the
 * header renewed in place; nothing when anything differs). */
int colcache_sha256_known(const char *dir, const char *path, const char *tname,
                          uint8_t sha256[SHA256_BYTES]);
void colcache_note_sha256(const char *dir, const char *path, const char *tname,
                          const struct stat *st, const struct timespec *seen,
                          const uint8_t sha256[SHA256_BYTES]);

/* For the results cache (rescache.h), which keeps its entries in the same
 * folder.  colcache_unchanged: 1 when the file at path still has the
 * identity id was hashed with (a parse after the hash read those bytes).
 * colcache_writer: the file dir/name written under a temporary name and
 * renamed into place (dir created as for the table cache), piece by piece
 * and never whole in memory: _open leaves room for a header of `header`
 * bytes (at most 256) before a payload of `payload` bytes (NULL: nothing
 * can be written), _put appends payload bytes (in writes of at most 16
 * KiB, like the table entries), _hash is colcache_hash of the payload once
 * all of it was put, and _commit writes the header in its place, renames
 * the file and frees w: 0, or -1 with nothing written (a write failed, or
 * not exactly `payload` bytes were put). */
int colcache_unchanged(const char *path, const colcache_ident *id);
typedef struct colcache_writer colcache_writer;
colcache_writer *colcache_writer_open(const char *dir, const char *name, size_t header, uint64_t payload);
void colcache_writer_put(colcache_writer *w, const void *p, size_t n);
/* colcache_writer_stamp: the entry's own identity (entrystamp.h), for
 * its header (before its checksum is taken); set on the file by _commit. */
void colcache_writer_stamp(colcache_writer *w, entry_stamp *s);
uint64_t colcache_writer_hash(const colcache_writer *w);
int colcache_writer_commit(colcache_writer *w, const void *header, size_t n);
#endif
