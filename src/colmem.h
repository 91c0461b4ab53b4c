/* colmem.h: memory for the column arrays of a file read in parts: a
 * reservation of address space per column and part (pages cost nothing
 * until touched), and moving a part's rows into the table's array by
 * remapping its whole pages instead of copying them into fresh ones. */
#ifndef COHORT_COLMEM_H
#define COHORT_COLMEM_H
#include <stddef.h>

/* `bytes` of zeroed memory whose pages are only backed once touched,
 * page-aligned; NULL when the system has no room for the reservation. */
void *colmem_reserve(size_t bytes);

/* Back the pages of [mem, mem + len), which this process has mapped
 * writable, in one system call, before they are written: each page
 * written first costs a fault, about a quarter more on this VM.  Ranges
 * under 16 pages are left to their faults.  Changes no byte. */
void colmem_populate(void *mem, size_t len);

/* bytes rounded up to whole pages. */
size_t colmem_page_round(size_t bytes);

/* bytes past the last whole page in `bytes` (bytes % the page size). */
size_t colmem_in_page(size_t bytes);

/* `bytes` of malloc'd memory (freed with free) that parts' rows are
 * moved into: at a page boundary when it is large enough for colmem_move
 * to remap pages, so a part whose rows start at a page boundary of it
 * (the first) moves without shifting a byte; NULL when out of memory. */
void *colmem_alloc(size_t bytes);

/* Give back a reservation (what colmem_move left of it, too). */
void colmem_release(void *mem, size_t bytes);

/* Put the `len` bytes at src, in a reservation that holds the whole pages
 * src's bytes are on, at dst (any memory of this process that holds them,
 * e.g. colmem_alloc's): the bytes of dst's first and last partial pages are
 * copied, the whole pages between are moved (src's bytes are shifted
 * within its own pages first, down to a page boundary, when src is not at
 * dst's offset in its page: a copy of them all); pieces under 1 MiB are
 * copied.  src's contents are lost; its reservation is still released
 * with colmem_release. */
void colmem_move(char *dst, char *src, size_t len);

#endif
