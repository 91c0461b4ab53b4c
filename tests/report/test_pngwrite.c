/* test_pngwrite.c: the figure PNG writer (src/pngwrite.c) keeps every
 * pixel.  Each figure of tests/report/expected/ (written by cairo's own PNG
 * writer from the drawn surface: step curves of survival and cumulative
 * incidence, forest plots, the scatter of a Schoenfeld residual test, the
 * attrition diagram) is loaded with cairo, written with pngwrite_rgb24,
 * decoded again with cairo and compared pixel by pixel with the surface it
 * came from; so is a surface of pseudo-random colours with garbage in the
 * unused byte (every channel's byte order).  A stream that cannot be
 * written makes it return -1 without printing.  Exit 0, or 1 naming what
 * differs. */
#include "pngwrite.h"
#include <cairo.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct membuf {
    const unsigned char *p;
    size_t n, at;
} membuf;

static cairo_status_t from_mem(void *closure, unsigned char *data, unsigned int length)
{
    membuf *m = closure;
    if (m->n - m->at < length) return CAIRO_STATUS_READ_ERROR;
    memcpy(data, m->p + m->at, length);
    m->at += length;
    return CAIRO_STATUS_SUCCESS;
}

/* Write s with pngwrite_rgb24, decode it and compare: 0 when every pixel
 * (its 24 colour bits) is the same. */
static int round_trip(cairo_surface_t *s, const char *what)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    cairo_surface_flush(s);
    const unsigned char *px = cairo_image_surface_get_data(s);
    int rc = m ? pngwrite_rgb24(px, w, h, stride, m) : -1;
    if (m) fclose(m);
    if (rc != 0) {
        fprintf(stderr, "%s: pngwrite_rgb24 failed\n", what);
        free(buf);
        return 1;
    }
    membuf mb = {(const unsigned char *)buf, len, 0};
    cairo_surface_t *d = cairo_image_surface_create_from_png_stream(from_mem, &mb);
    int bad = 0;
    if (cairo_surface_status(d) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "%s: the PNG does not decode: %s\n", what, cairo_status_to_string(cairo_surface_status(d)));
        bad = 1;
    } else if (cairo_image_surface_get_format(d) != CAIRO_FORMAT_RGB24 || cairo_image_surface_get_width(d) != w ||
               cairo_image_surface_get_height(d) != h) {
        fprintf(stderr, "%s: decoded as format %d, %dx%d, not RGB24 %dx%d\n", what, cairo_image_surface_get_format(d),
                cairo_image_surface_get_width(d), cairo_image_surface_get_height(d), w, h);
        bad = 1;
    } else {
        const unsigned char *q = cairo_image_surface_get_data(d);
        int qstride = cairo_image_surface_get_stride(d);
        for (int y = 0; y < h && !bad; y++)
            for (int x = 0; x < w && !bad; x++) {
                uint32_t a, b;
                memcpy(&a, px + (size_t)y * stride + (size_t)x * 4, 4);
                memcpy(&b, q + (size_t)y * qstride + (size_t)x * 4, 4);
                if ((a & 0xFFFFFF) != (b & 0xFFFFFF)) {
                    fprintf(stderr, "%s: pixel (%d,%d) is %06X, drawn %06X\n", what, x, y, (unsigned)(b & 0xFFFFFF),
                            (unsigned)(a & 0xFFFFFF));
                    bad = 1;
                }
            }
    }
    cairo_surface_destroy(d);
    free(buf);
    return bad;
}

/* An expected figure as the RGB24 surface it was drawn on. */
static cairo_surface_t *load(const char *path)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || cairo_image_surface_get_format(s) != CAIRO_FORMAT_RGB24) {
        fprintf(stderr, "%s: cannot read as an opaque image\n", path);
        cairo_surface_destroy(s);
        return NULL;
    }
    return s;
}

int main(void)
{
    const char *srcdir = getenv("srcdir");
    char dir[4096], path[4200];
    snprintf(dir, sizeof dir, "%s/tests/report/expected", srcdir ? srcdir : ".");
    DIR *dp = opendir(dir);
    if (!dp) {
        fprintf(stderr, "cannot open %s\n", dir);
        return 1;
    }
    int fails = 0, figures = 0;
    const char *kinds[] = {"km-survival", "cif-incidence", "forest", "zph-", "attrition"};
    int seen[5] = {0};
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".png")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        cairo_surface_t *s = load(path);
        if (!s) {
            fails++;
            continue;
        }
        fails += round_trip(s, e->d_name);
        cairo_surface_destroy(s);
        figures++;
        for (int k = 0; k < 5; k++) seen[k] |= strstr(e->d_name, kinds[k]) != NULL;
    }
    closedir(dp);
    for (int k = 0; k < 5; k++)
        if (!seen[k]) {
            fprintf(stderr, "no expected figure of kind %s\n", kinds[k]);
            fails++;
        }

    /* every byte position of the pixel, with garbage in the unused one */
    cairo_surface_t *r = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 257, 129);
    unsigned char *px = cairo_image_surface_get_data(r);
    uint32_t x = 2463534242u;
    for (int y = 0; y < 129; y++)
        for (int i = 0; i < 257; i++) {
            x ^= x << 13, x ^= x >> 17, x ^= x << 5;
            memcpy(px + (size_t)y * cairo_image_surface_get_stride(r) + (size_t)i * 4, &x, 4);
        }
    cairo_surface_mark_dirty(r);
    fails += round_trip(r, "random colours");

    /* a stream that refuses writes */
    FILE *ro = fopen("/dev/null", "r");
    if (!ro || pngwrite_rgb24(px, 257, 129, cairo_image_surface_get_stride(r), ro) != -1) {
        fprintf(stderr, "a failed write was not reported\n");
        fails++;
    }
    if (ro) fclose(ro);
    if (pngwrite_rgb24(px, 0, 0, 4, stdout) != -1) {
        fprintf(stderr, "an empty image was written\n");
        fails++;
    }
    cairo_surface_destroy(r);
    cairo_debug_reset_static_data();
    printf("%d figures and a random image written and decoded: %s\n", figures, fails ? "FAIL" : "every pixel the same");
    return fails != 0;
}
