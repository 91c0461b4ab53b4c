/* pngcmp.c: compare a figure PNG with the expected one within a small
 * tolerance (a test program; reads PNGs with cairo, so no ImageMagick).
 *
 *   pngcmp EXPECTED.png ACTUAL.png [MAXBAD [MAXMEAN]]
 *
 * The images must have the same size.  A pixel is "bad" when a colour
 * channel differs by more than 64 of 255; the comparison passes when at
 * most MAXBAD of the pixels are bad (default 0.00002, i.e. 0.002%: 67
 * pixels of a 2100x1600 figure; one digit of the risk table changed from 3
 * to 7 makes 179) and the mean absolute channel difference is at most
 * MAXMEAN (default 0.5).  Antialiasing noise stays well inside both; a moved
 * curve, a missing band or a changed number does not.  On failure it writes ACTUAL.diff.png (bad pixels red
 * over a faded copy of the expected image) and exits 1; 2 on usage or read
 * errors. */
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cairo_surface_t *load(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "pngcmp: cannot read %s: %s\n", path, cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return NULL;
    }
    /* compare in one pixel format */
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    cairo_surface_t *c = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(c);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_surface(cr, s, 0, 0);
    cairo_paint(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    cairo_surface_flush(c);
    return c;
}

static int channel_diff(uint32_t a, uint32_t b)
{
    int m = 0;
    for (int sh = 0; sh < 24; sh += 8) {
        int d = (int)((a >> sh) & 255) - (int)((b >> sh) & 255);
        if (d < 0) d = -d;
        if (d > m) m = d;
    }
    return m;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: pngcmp EXPECTED.png ACTUAL.png [MAXBAD [MAXMEAN]]\n");
        return 2;
    }
    double maxbad = argc > 3 ? atof(argv[3]) : 0.00002, maxmean = argc > 4 ? atof(argv[4]) : 0.5;
    cairo_surface_t *e = load(argv[1]), *a = load(argv[2]);
    if (!e || !a) return 2;
    int w = cairo_image_surface_get_width(e), h = cairo_image_surface_get_height(e);
    if (w != cairo_image_surface_get_width(a) || h != cairo_image_surface_get_height(a)) {
        fprintf(stderr, "pngcmp: %s is %dx%d, expected %dx%d (%s)\n", argv[2], cairo_image_surface_get_width(a),
                cairo_image_surface_get_height(a), w, h, argv[1]);
        return 1;
    }
    int se = cairo_image_surface_get_stride(e), sa = cairo_image_surface_get_stride(a);
    unsigned char *pe = cairo_image_surface_get_data(e), *pa = cairo_image_surface_get_data(a);
    size_t bad = 0;
    double sum = 0;
    unsigned char *mask = calloc((size_t)w * (size_t)h + 1, 1);
    if (!mask) return 2;
    for (int y = 0; y < h; y++) {
        const uint32_t *re = (const uint32_t *)(pe + (size_t)y * (size_t)se);
        const uint32_t *ra = (const uint32_t *)(pa + (size_t)y * (size_t)sa);
        for (int x = 0; x < w; x++) {
            int d = channel_diff(re[x], ra[x]);
            sum += d;
            bad += d > 64;
            mask[(size_t)y * (size_t)w + (size_t)x] = d > 64;
        }
    }
    double n = (double)w * (double)h, fbad = bad / n, mean = sum / n;
    int ok = fbad <= maxbad && mean <= maxmean;
    printf("%s: %dx%d, %zu pixels differ (%.4f%%, limit %.4f%%), mean difference %.3f (limit %.3f): %s\n", argv[2],
           w, h, bad, 100 * fbad, 100 * maxbad, mean, maxmean, ok ? "ok" : "DIFFERENT");
    if (!ok) {
        /* a picture of the difference, next to the actual image */
        cairo_t *cr = cairo_create(e);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.7);
        cairo_paint(cr);
        cairo_destroy(cr);
        cairo_surface_flush(e);
        for (int y = 0; y < h; y++) {
            uint32_t *re = (uint32_t *)(pe + (size_t)y * (size_t)se);
            for (int x = 0; x < w; x++)
                if (mask[(size_t)y * (size_t)w + (size_t)x]) re[x] = 0xFFFF0000u;
        }
        cairo_surface_mark_dirty(e);
        size_t len = strlen(argv[2]);
        char *out = malloc(len + 16);
        if (out) {
            snprintf(out, len + 16, "%s.diff.png", argv[2]);
            cairo_surface_write_to_png(e, out);
            fprintf(stderr, "pngcmp: the difference is in %s\n", out);
            free(out);
        }
    }
    free(mask);
    cairo_surface_destroy(e);
    cairo_surface_destroy(a);
    return ok ? 0 : 1;
}
