/* entrystamp.h: a rerun cache entry trusted by its own identity (the
 * table cache's and the results cache's entries alike: colcache.c,
 * rescache.c).  The writer records, in the entry's checksummed header, the
 * entry file's device, inode, final size and a modification time M it
 * chose in the past, then sets the file's modification time to M; a
 * reader whose fstat of the entry gives exactly that identity knows that
 * nobody wrote to the file since (any write sets the modification time to
 * the current time, later than M; a copy has another inode), so it need
 * not hash the entry's sections.  Only a deliberate utimensat back to M
 * after a change can forge it; the hash never claimed to stop forgery.
 * A filesystem whose times are coarser than the nanosecond cannot hold M
 * (it always has a nonzero nanosecond part): its entries are never
 * trusted, and are hashed at each use as before. */
#ifndef COHORT_ENTRYSTAMP_H
#define COHORT_ENTRYSTAMP_H
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* In an entry's header (40 bytes; all zero: never trusted). */
typedef struct entry_stamp {
    uint64_t dev, ino, size;
    int64_t mtime_sec, mtime_nsec;
} entry_stamp;

/* Choose the stamp of the entry being written to fd (its temporary file:
 * rename keeps the device, inode and modification time) that will be
 * `size` bytes long: M is the clock less one second, its nanoseconds
 * nonzero.  0, or -1 with *s zeroed (the entry is then never trusted). */
int entry_stamp_choose(int fd, uint64_t size, entry_stamp *s);

/* After the entry's last write to fd: set its modification time to the
 * stamp's M (its access time left alone).  1 when fd's fstat then gives
 * exactly the stamp (entry_stamp_holds), else 0 (the entry is kept; it is
 * simply hashed at each use). */
int entry_stamp_apply(int fd, const entry_stamp *s);

/* 1 when st (an fstat of the entry) is exactly the stamp's identity:
 * device, inode, size and modification time to the nanosecond, the stamp
 * not zero; else 0. */
int entry_stamp_holds(const struct stat *st, const entry_stamp *s);

/* Renew an entry's header in place: the n bytes of hdr written at offset
 * 0 of fd (opened for writing on the entry), then, when the entry's stamp
 * s held right before the write (nobody wrote to it since its writer),
 * its modification time set back to M, so that it stays trusted; an entry
 * that was not trusted stays so.  0, or -1 when the write failed. */
int entry_stamp_rewrite(int fd, const void *hdr, size_t n, const entry_stamp *s);

/* COHORT_CACHE=verify: hash every section an entry's use reads, whatever
 * its stamp says (1), else 0. */
int entry_stamp_distrusted(void);
#endif
