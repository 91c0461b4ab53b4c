/* pngwrite.h: writing an opaque cairo image (CAIRO_FORMAT_RGB24 pixels) as
 * an 8-bit RGB PNG with libpng, at a fast zlib level (pngwrite.c). */
#ifndef COHORT_PNGWRITE_H
#define COHORT_PNGWRITE_H
#include <stdio.h>

/* Write the width x height pixels at data (rows stride bytes apart, each
 * pixel a native-endian uint32 0xXXRRGGBB as cairo's RGB24 keeps it; the
 * top byte is ignored) to out as a PNG.  Returns 0, or -1 when libpng,
 * memory or the stream failed (nothing is printed). */
int pngwrite_rgb24(const unsigned char *data, int width, int height, int stride, FILE *out);

#endif
