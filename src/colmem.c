/* colmem.c: column memory for a file read in parts (colmem.h).  A part's
 * arrays live in reservations made with mmap, so they never move while it
 * grows; once the parts are joined, each part's whole pages are moved into
 * the table's array with mremap (the page table changes, no page is
 * cleared or copied), and only the bytes of the pages it shares with the
 * parts before and after it are copied.  The reservation keeps its whole
 * range mapped (MREMAP_DONTUNMAP), so unmapping it later cannot take
 * another mapping placed in a hole.  Where mremap cannot move pages (an
 * older kernel: Linux 5.7 or later moves them) the bytes are copied. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1   /* mremap */
#endif
#include "colmem.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Fewer whole pages than MOVE_MIN_PAGES (1 MiB) are copied: each move
 * splits the array's mapping in up to two more (moved pages keep their
 * own; vm.max_map_count, 65,530 by default, bounds them), so a move is
 * kept for pieces large enough that the count stays far below it (one a
 * MiB of columns).  Fewer than POPULATE_MIN_PAGES are left to their
 * faults: a populating costs a system call. */
enum { MOVE_MIN_PAGES = 256, POPULATE_MIN_PAGES = 16 };

static size_t page_size(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

void *colmem_reserve(size_t bytes)
{
    void *m = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    return m == MAP_FAILED ? NULL : m;
}

size_t colmem_page_round(size_t bytes)
{
    size_t pg = page_size();
    return (bytes + pg - 1) & ~(pg - 1);
}

size_t colmem_in_page(size_t bytes)
{
    return bytes & (page_size() - 1);
}

void colmem_populate(void *mem, size_t len)
{
#ifdef MADV_POPULATE_WRITE
    size_t pg = page_size();
    uintptr_t a = (uintptr_t)mem & ~(uintptr_t)(pg - 1), e = (uintptr_t)mem + len;
    if (len >= POPULATE_MIN_PAGES * pg) madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
    (void)mem;
    (void)len;
#endif
}

void *colmem_alloc(size_t bytes)
{
    size_t pg = page_size();
    /* glibc's malloc puts a large block 16 bytes into its own mapping, so
     * every part's rows had to be shifted before their pages could move */
    if (bytes / pg > MOVE_MIN_PAGES) return aligned_alloc(pg, colmem_page_round(bytes));
    return malloc(bytes ? bytes : 1);
}

void colmem_release(void *mem, size_t bytes)
{
    if (mem) munmap(mem, bytes ? bytes : 1);
}

void colmem_move(char *dst, char *src, size_t len)
{
#ifdef MREMAP_DONTUNMAP
    size_t pg = page_size();
    size_t head = (size_t)(-(uintptr_t)dst & (pg - 1));    /* to dst's first page boundary */
    if (len > head && (len - head) / pg >= MOVE_MIN_PAGES) {
        memcpy(dst, src, head);
        size_t rest = len - head, whole = rest & ~(pg - 1);
        /* the rest from a page boundary of src's: where it is when src is
         * at dst's offset in its page, else shifted down within its pages */
        char *from = (char *)((uintptr_t)(src + head) & ~(uintptr_t)(pg - 1));
        if (from != src + head) memmove(from, src + head, rest);
        /* DONTUNMAP: src's range stays mapped (empty), so no other mapping
         * can be placed in it before its reservation is given back */
        if (mremap(from, whole, whole, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, dst + head) !=
            MAP_FAILED) {
            memcpy(dst + head + whole, from + whole, rest - whole);
            return;
        }
        memcpy(dst + head, from, rest);   /* mremap failed: nothing moved */
        return;
    }
#endif
    memcpy(dst, src, len);
}
