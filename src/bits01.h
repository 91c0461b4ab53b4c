/* bits01.h: sections of 0/1 values kept as bits (the results cache's
 * RC_BYTES01 and RC_DOUBLES01 encodings, rescache.c): which encoding a
 * section allows, and its values packed to and unpacked from one bit a
 * value.  Each function has an AVX-512 path (taken when the CPU has it and
 * simd is 1), an AVX2 one (when the CPU has that and simd is 1 or 2: simd
 * 2 is AVX2 at most, for the tests) and a portable one (simd 0), which
 * give the same bytes. */
#ifndef COHORT_BITS01_H
#define COHORT_BITS01_H
#include <stddef.h>

/* What the len bytes at p are: BITS01_DOUBLES when len is a multiple of 8
 * and every 8-byte word is the double 0.0 or 1.0 (not -0.0), else
 * BITS01_BYTES when every byte is 0 or 1, else BITS01_NONE. */
enum { BITS01_NONE, BITS01_BYTES, BITS01_DOUBLES };
int bits01_kind(const void *p, size_t len, int simd);

/* The n values of `width` bytes (1: bytes 0/1; 8: doubles 0.0/1.0) at p as
 * bits, value i in bit i % 8 of out[i / 8] (a value is 1 when any of its
 * bytes is not 0); (n + 7) / 8 bytes, the last one's unused bits 0. */
void bits01_pack(const void *p, size_t n, int width, unsigned char *out, int simd);

/* The reverse: n values of `width` bytes (1: 0 or 1; 8: 0.0 or 1.0) into
 * out from the bits. */
void bits01_unpack(const unsigned char *bits, size_t n, int width, void *out, int simd);
#endif
