/* pngwrite.c: the figures' PNG files, written from the pixels of cairo's
 * image surface with libpng directly.  cairo_surface_write_to_png_stream
 * uses libpng's defaults (zlib level 6, adaptive filtering), which took
 * 80% of a small study's `run --out`; the figure surfaces are opaque
 * (CAIRO_FORMAT_RGB24), so this writes 8-bit RGB (no alpha, nothing to
 * un-premultiply) with the filter and zlib level measured in bench/README.md
 * (section png15).  The pixels are the same: tests/report/test_pngwrite.c
 * decodes what it writes and compares every pixel. */
#include "pngwrite.h"
#include <png.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* zlib level 3 with no filter (bench/README.md, png15): of levels 1-6
 * with the filters none, sub, up, paeth and libpng's adaptive choice,
 * levels 1-3 without a filter are the fastest (3.3x cairo's writer; a
 * filter only costs time on these flat-coloured figures, and levels 4-6
 * switch to zlib's lazy matching, 1.7-2x slower); level 3 is 4% smaller
 * than level 1 for the same time.  The files are about 1.3-1.5x cairo's. */
#define PNGWRITE_LEVEL 3
#define PNGWRITE_FILTER PNG_FILTER_NONE

/* libpng reports errors by calling these; jump back to pngwrite_rgb24
 * without printing anything (the caller reports the failed file). */
static void on_error(png_structp png, png_const_charp msg)
{
    (void)msg;
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void on_write(png_structp png, png_bytep data, png_size_t length)
{
    if (fwrite(data, 1, length, (FILE *)png_get_io_ptr(png)) != length) png_error(png, "write");
}

static void on_flush(png_structp png)
{
    (void)png;
}

int pngwrite_rgb24(const unsigned char *data, int width, int height, int stride, FILE *out)
{
    if (width <= 0 || height <= 0) return -1;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, on_error, on_warning);
    if (!png) return -1;
    png_infop info = png_create_info_struct(png);
    unsigned char *volatile row = malloc((size_t)width * 3);
    if (!info || !row) {
        png_destroy_write_struct(&png, info ? &info : NULL);
        free(row);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        return -1;
    }
    png_set_write_fn(png, out, on_write, on_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNGWRITE_FILTER);
    png_set_compression_level(png, PNGWRITE_LEVEL);
    png_write_info(png, info);
    for (int y = 0; y < height; y++) {
        const unsigned char *src = data + (size_t)y * (size_t)stride;
        unsigned char *d = row;
        for (int x = 0; x < width; x++, d += 3) {
            uint32_t p;
            memcpy(&p, src + (size_t)x * 4, 4);
            d[0] = (unsigned char)(p >> 16);
            d[1] = (unsigned char)(p >> 8);
            d[2] = (unsigned char)p;
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    return 0;
}
