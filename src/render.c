/* render.c: cairo drawing of figures (built into the render module,
 * render_module.c, which the host loads on demand).  Each kind has a layout step (sizes
 * measured on a scratch surface with the same font options) and one draw
 * function that paints onto whatever surface emit() made: SVG, PDF (in
 * points) or PNG (the same points at RENDER_PNG_DPI, an opaque RGB24 image
 * that pngwrite.c writes).  Sizes are in points
 * and fonts are set for print at 7 inches wide (8.5-11 pt text). */
#include "render.h"
#include "pngwrite.h"
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FONT "DejaVu Sans"
#define FIG_W 504.0            /* 7 inches */
#define MAX_TICKS 64

/* Okabe-Ito colours (distinguishable with colour-vision deficiency) and
 * dash patterns, so curves also differ in black and white. */
static const unsigned palette[] = {0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7,
                                   0xE69F00, 0x56B4E9, 0x000000, 0x999933};
#define NPALETTE (sizeof palette / sizeof palette[0])

static void rgb(cairo_t *cr, unsigned c, double alpha)
{
    cairo_set_source_rgba(cr, ((c >> 16) & 255) / 255.0, ((c >> 8) & 255) / 255.0, (c & 255) / 255.0, alpha);
}

static void set_colour(cairo_t *cr, size_t k, double alpha)
{
    rgb(cr, palette[k % NPALETTE], alpha);
}

static void line_dash(cairo_t *cr, int type)
{
    static const double d1[] = {6, 3}, d2[] = {1.5, 2.5}, d3[] = {7, 2.5, 1.5, 2.5}, d4[] = {12, 4},
                        d5[] = {6, 2.5, 12, 2.5};
    switch (type) {
    case LINE_DASHED: cairo_set_dash(cr, d1, 2, 0); break;
    case LINE_DOTTED: cairo_set_dash(cr, d2, 2, 0); break;
    case LINE_DOTDASH: cairo_set_dash(cr, d3, 4, 0); break;
    case LINE_LONGDASH: cairo_set_dash(cr, d4, 2, 0); break;
    case LINE_TWODASH: cairo_set_dash(cr, d5, 4, 0); break;
    default: cairo_set_dash(cr, NULL, 0, 0); break;
    }
}

static void set_dash(cairo_t *cr, size_t k)
{
    static const int cycle[] = {LINE_SOLID, LINE_DASHED, LINE_DOTTED, LINE_DOTDASH};
    line_dash(cr, cycle[(k / NPALETTE + k) % 4]);
}

/* A curve's colour: the plot option's for its group, or the palette's. */
static void curve_colour(cairo_t *cr, const render_opts *o, size_t group, double alpha)
{
    if (o->ncolours) rgb(cr, o->colours[group % o->ncolours], alpha);
    else set_colour(cr, group, alpha);
}

/* A curve's line type: by outcome in a competing-risks panel, else by
 * group; the plot option's, or solid, dashed, dotted, dot-dash. */
static void curve_dash(cairo_t *cr, const render_opts *o, size_t k)
{
    if (o->nline_types) line_dash(cr, o->line_types[k % o->nline_types]);
    else set_dash(cr, k);
}

/* ---- text ------------------------------------------------------------------------ */

static void font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0. */
static size_t utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80) return 1;
    size_t n = p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
             : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    if (n == 3 && ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0))) return 0;
    if (n == 4 && ((p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))) return 0;
    return n;
}

/* s as valid UTF-8 (cairo refuses anything else): a byte that starts no
 * valid sequence, e.g. Latin-1 text from a CSV file, becomes '?'. */
static const char *clean(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p && n + 5 < size) {
        size_t k = utf8_len(p);
        if (k == 0) {
            buf[n++] = '?';
            p++;
            continue;
        }
        memcpy(buf + n, p, k);
        n += k;
        p += k;
    }
    buf[n] = 0;
    return buf;
}

static double text_w(cairo_t *cr, const char *s)
{
    char b[1024];
    cairo_text_extents_t e;
    cairo_text_extents(cr, clean(s, b, sizeof b), &e);
    return e.x_advance;
}

/* Show s with its baseline at y; align 0 left, 0.5 centre, 1 right of x. */
static void show(cairo_t *cr, double x, double y, const char *s, double align)
{
    char b[1024];
    clean(s, b, sizeof b);
    cairo_move_to(cr, x - align * text_w(cr, b), y);
    cairo_show_text(cr, b);
}

/* Copy s into buf, shortened with "..." to at most maxw points wide. */
static const char *fit(cairo_t *cr, const char *s, double maxw, char *buf, size_t size)
{
    snprintf(buf, size, "%s", s);
    if (text_w(cr, buf) <= maxw) return buf;
    size_t n = strlen(buf);
    while (n > 0) {
        n--;
        while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80) n--;   /* UTF-8 boundary */
        if (n + 4 > size) continue;
        memcpy(buf + n, "...", 4);
        if (text_w(cr, buf) <= maxw) break;
    }
    return buf;
}

/* Word-wrap s to lines of at most maxw points; returns the number of
 * lines written into lines[] (each of size LINE).  A bracketed part
 * ("[cut = 2]") is one word: it is never split across lines. */
#define LINE 256
static size_t wrap(cairo_t *cr, const char *s, double maxw, char lines[][LINE], size_t maxlines)
{
    size_t n = 0;
    char cur[LINE] = "";
    const char *p = s;
    while (*p && n < maxlines) {
        while (*p == ' ') p++;
        if (!*p) break;
        const char *e = p;
        int depth = 0;
        for (; *e && *e != '\n' && (depth > 0 || *e != ' '); e++)
            depth += *e == '[' ? 1 : *e == ']' && depth > 0 ? -1 : 0;
        char word[LINE];
        snprintf(word, sizeof word, "%.*s", (int)(e - p), p);
        char trial[2 * LINE];
        snprintf(trial, sizeof trial, "%s%s%s", cur, *cur ? " " : "", word);
        if (*cur && text_w(cr, trial) > maxw) {
            snprintf(lines[n++], LINE, "%s", cur);
            snprintf(cur, sizeof cur, "%s", word);
        } else {
            size_t tl = strlen(trial);
            if (tl >= LINE) tl = LINE - 1;
            memcpy(cur, trial, tl);
            cur[tl] = 0;
        }
        p = e;
        if (*p == '\n') {
            if (n < maxlines) snprintf(lines[n++], LINE, "%s", cur);
            cur[0] = 0;
            p++;
        }
    }
    if (*cur && n < maxlines) snprintf(lines[n++], LINE, "%s", cur);
    return n;
}

/* A figure's title: at most two lines of 11 pt bold from the left margin. */
typedef struct title_block {
    char lines[2][LINE];
    size_t n;
} title_block;

static void title_make(cairo_t *cr, const char *title, double width, title_block *t)
{
    char more[3][LINE];
    font(cr, 11, 1);
    size_t n = wrap(cr, title ? title : "", width, more, 3);
    t->n = n > 2 ? 2 : n;
    for (size_t i = 0; i < t->n; i++) snprintf(t->lines[i], LINE, "%s", more[i]);
    if (n > 2) {
        /* the rest of the title on the second line, shortened */
        char rest[2 * LINE + 2];
        snprintf(rest, sizeof rest, "%s %s", more[1], more[2]);
        fit(cr, rest, width, t->lines[1], LINE);
    }
}

/* Draw the title; returns the baseline below which the figure goes on. */
static double title_draw(cairo_t *cr, const title_block *t, double x)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    font(cr, 11, 1);
    for (size_t i = 0; i < t->n; i++) show(cr, x, 22 + 14 * (double)i, t->lines[i], 0);
    return 22 + 14 * (double)(t->n ? t->n - 1 : 0);
}

static void count_text(double n, int min_cell, char *buf, size_t size)
{
    if (!isfinite(n)) snprintf(buf, size, "-");
    else if (privacy_hides(n, min_cell)) snprintf(buf, size, "<%d", min_cell);
    else snprintf(buf, size, "%.0f", n);
}

/* ---- surfaces ---------------------------------------------------------------------- */

static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, (FILE *)closure) == length ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void font_options(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

/* A context for measuring text before the size of a figure is known. */
static cairo_t *measure_context(cairo_surface_t **s)
{
    *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(*s);
    font_options(cr);
    return cr;
}

typedef void (*draw_fn)(cairo_t *cr, const void *layout);

/* Make a w x h point surface of the format, draw, and write it to out. */
static int emit(int format, double w, double h, draw_fn draw, const void *layout, FILE *out)
{
    cairo_surface_t *s;
    double scale = 1;
    if (format == RENDER_SVG) {
        s = cairo_svg_surface_create_for_stream(to_file, out, w, h);
        cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PT);
    } else if (format == RENDER_PDF) {
        s = cairo_pdf_surface_create_for_stream(to_file, out, w, h);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "cohort");
    } else {
        scale = RENDER_PNG_DPI / 72.0;
        s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(w * scale), (int)ceil(h * scale));
    }
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return -1;
    }
    cairo_t *cr = cairo_create(s);
    font_options(cr);
    cairo_scale(cr, scale, scale);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    draw(cr, layout);
    int bad = cairo_status(cr) != CAIRO_STATUS_SUCCESS;
    cairo_destroy(cr);
    if (format == RENDER_PNG && !bad) {
        cairo_surface_flush(s);
        bad = pngwrite_rgb24(cairo_image_surface_get_data(s), cairo_image_surface_get_width(s),
                              cairo_image_surface_get_height(s), cairo_image_surface_get_stride(s), out) != 0;
    }
    cairo_surface_finish(s);
    bad |= cairo_surface_status(s) != CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(s);
    return bad ? -1 : 0;
}

/* ---- axes ------------------------------------------------------------------------ */

/* ---- step curves ------------------------------------------------------------------- */

typedef struct step_layout {
    const cohort_figure *f;
    title_block title;
    const render_opts *o;
    double w, h;
    double ml, pt, pw, ph;     /* plot rectangle: left, top, width, height */
    double xmax, xstep;        /* in the study's unit */
    double ymin, ymax;         /* 0..1 */
    double legend_y;           /* baseline of the first legend row */
    size_t legend_rows;
    double risk_y;             /* baseline of "Number at risk" */
    double ticks[MAX_TICKS];   /* days */
    size_t nticks;
} step_layout;

/* A group's name in the legend and the risk table ("All" for the whole
 * cohort of a competing-risks panel). */
static const char *group_name(const cohort_figure *f, size_t g)
{
    return g < f->ngroups && *f->groups[g] ? f->groups[g] : "All";
}

/* The first curve of group g (its number at risk is the group's). */
static const fig_series *group_series(const cohort_figure *f, size_t g)
{
    for (size_t k = 0; k < f->nseries; k++)
        if ((size_t)f->series[k].group == g) return &f->series[k];
    return NULL;
}

/* The line-type index of curve k: its outcome in a panel, else its group. */
static size_t curve_line(const fig_series *s)
{
    return s->outcome >= 0 ? (size_t)s->outcome : (size_t)s->group;
}

/* One legend item: a line sample (colour, or dark grey when colour < 0;
 * line type, or solid when LEGEND_SOLID) and its text. */
#define LEGEND_SOLID ((size_t)-1)
typedef struct legend_item {
    char text[512];
    int colour;
    size_t line;
} legend_item;

/* The legend: one item per curve; in a competing-risks panel one per
 * group (colour) and one per outcome (line type), and a note for each
 * curve hidden by the small-cell rule.  Returns how many (at most max). */
static size_t legend_items(const step_layout *L, legend_item *it, size_t max)
{
    const cohort_figure *f = L->f;
    size_t n = 0;
    int mc = L->o->min_cell;
    if (!f->noutcomes) {
        if (f->nseries < 2 && !(f->nseries == 1 && f->series[0].suppressed)) return 0;
        for (size_t k = 0; k < f->nseries && n < max; k++, n++) {
            const fig_series *s = &f->series[k];
            if (s->suppressed) snprintf(it[n].text, sizeof it[n].text, "%s (fewer than %d events: not shown)", s->label, mc);
            else snprintf(it[n].text, sizeof it[n].text, "%s", s->label);
            it[n].colour = s->group;
            it[n].line = curve_line(s);
        }
        return n;
    }
    for (size_t g = 0; f->ngroups > 1 && g < f->ngroups && n < max; g++, n++) {
        snprintf(it[n].text, sizeof it[n].text, "%s", group_name(f, g));
        it[n].colour = (int)g;
        it[n].line = LEGEND_SOLID;
    }
    for (size_t k = 0; k < f->noutcomes && n < max; k++, n++) {
        snprintf(it[n].text, sizeof it[n].text, "%s", f->outcomes[k]);
        it[n].colour = f->ngroups > 1 ? -1 : 0;
        it[n].line = k;
    }
    for (size_t k = 0; k < f->nseries && n < max; k++) {
        const fig_series *s = &f->series[k];
        if (!s->suppressed) continue;
        snprintf(it[n].text, sizeof it[n].text, "%s: fewer than %d events, not shown", s->label, mc);
        it[n].colour = s->group;
        it[n].line = curve_line(s);
        n++;
    }
    return n;
}

/* Legend rows: items laid left to right, wrapped at the plot's width. */
#define MAX_LEGEND 64
static size_t legend_layout(cairo_t *cr, const step_layout *L, int draw, double y0)
{
    legend_item it[MAX_LEGEND];
    size_t n = legend_items(L, it, MAX_LEGEND);
    if (!n) return 0;
    font(cr, 9, 0);
    double x = L->ml, y = y0;
    size_t rows = 1;
    for (size_t i = 0; i < n; i++) {
        double iw = 24 + text_w(cr, it[i].text);
        if (x > L->ml && x + iw > L->ml + L->pw) {
            x = L->ml;
            y += 14;
            rows++;
        }
        if (draw) {
            if (it[i].colour >= 0) curve_colour(cr, L->o, (size_t)it[i].colour, 1);
            else cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
            if (it[i].line == LEGEND_SOLID) cairo_set_dash(cr, NULL, 0, 0);
            else curve_dash(cr, L->o, it[i].line);
            cairo_set_line_width(cr, 1.6);
            cairo_move_to(cr, x, y - 3.2);
            cairo_line_to(cr, x + 20, y - 3.2);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
            show(cr, x + 24, y, it[i].text, 0);
        }
        x += iw + 14;
    }
    return rows;
}

static double px(const step_layout *L, double days)
{
    double ud = L->o->time_unit_days > 0 ? L->o->time_unit_days : 1;
    return L->ml + days / ud / L->xmax * L->pw;
}

static double py(const step_layout *L, double v)
{
    return L->pt + L->ph * (1 - (v - L->ymin) / (L->ymax - L->ymin));
}

static void draw_band(cairo_t *cr, const step_layout *L, const fig_series *s, size_t end, double tend)
{
    /* runs of consecutive points with finite limits; each point's band holds
     * until the next point (or tend) */
    size_t i = 0;
    while (i < end) {
        if (!isfinite(s->pts[i].lower)) { i++; continue; }
        size_t j = i;
        while (j < end && isfinite(s->pts[j].lower)) j++;
        /* upper edge forward over [i, j), lower edge back */
        for (size_t k = i; k < j; k++) {
            double t0 = s->pts[k].time, t1 = k + 1 < end ? s->pts[k + 1].time : tend;
            if (k == i) cairo_move_to(cr, px(L, t0), py(L, s->pts[k].upper));
            else cairo_line_to(cr, px(L, t0), py(L, s->pts[k].upper));
            cairo_line_to(cr, px(L, t1), py(L, s->pts[k].upper));
        }
        for (size_t k = j; k-- > i;) {
            double t0 = s->pts[k].time, t1 = k + 1 < end ? s->pts[k + 1].time : tend;
            cairo_line_to(cr, px(L, t1), py(L, s->pts[k].lower));
            cairo_line_to(cr, px(L, t0), py(L, s->pts[k].lower));
        }
        cairo_close_path(cr);
        cairo_fill(cr);
        i = j;
    }
}

static void draw_series(cairo_t *cr, const step_layout *L, size_t k)
{
    const fig_series *s = &L->f->series[k];
    if (s->suppressed || s->npts == 0) return;
    size_t end = render_series_end(s, L->o);
    /* the curve runs to the last point drawn, or to where it was cut */
    double tend = end < s->npts ? s->pts[end].time : s->pts[s->npts - 1].time;
    /* a competing-risks panel has too many curves for bands */
    if (L->o->ci_bands && !L->f->noutcomes) {
        curve_colour(cr, L->o, (size_t)s->group, 0.16);
        draw_band(cr, L, s, end, tend);
    }
    curve_colour(cr, L->o, (size_t)s->group, 1);
    curve_dash(cr, L->o, curve_line(s));
    cairo_set_line_width(cr, 1.6);
    double prev = s->start;
    cairo_move_to(cr, px(L, 0), py(L, prev));
    for (size_t i = 0; i < end; i++) {
        cairo_line_to(cr, px(L, s->pts[i].time), py(L, prev));
        cairo_line_to(cr, px(L, s->pts[i].time), py(L, s->pts[i].value));
        prev = s->pts[i].value;
    }
    cairo_line_to(cr, px(L, tend), py(L, prev));
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    /* censor marks: a solid "+" on the curve (as survminer and ggsurvfit),
     * so that they stay visible on a dashed or dotted line */
    cairo_set_line_width(cr, 0.9);
    for (size_t i = 0; i < end; i++) {
        if (!(s->pts[i].ncensor > 0)) continue;
        double x = px(L, s->pts[i].time), y = py(L, s->pts[i].value);
        cairo_move_to(cr, x, y - 3.2);
        cairo_line_to(cr, x, y + 3.2);
        cairo_move_to(cr, x - 3.2, y);
        cairo_line_to(cr, x + 3.2, y);
    }
    cairo_stroke(cr);
}

static void fmt_tick(double v, char *buf, size_t size)
{
    snprintf(buf, size, "%g", fabs(v) < 1e-9 ? 0 : v);
}

/* The step between ticks of a linear axis over `span`: 1, 2 or 5 times a
 * power of 10, at most 5 steps. */
static double lin_step(double span)
{
    double p = pow(10, floor(log10(span / 5)));
    return span / p <= 5 ? p : span / (2 * p) <= 5 ? 2 * p : 5 * p;
}

/* The step between y-axis ticks for a range of `span` (0..1). */
static double y_step(double span)
{
    return span > 0.5 ? 0.2 : span > 0.2 ? 0.1 : span > 0.1 ? 0.05 : span > 0.04 ? 0.02 : 0.01;
}

static void draw_step(cairo_t *cr, const void *arg)
{
    const step_layout *L = arg;
    const cohort_figure *f = L->f;
    const render_opts *o = L->o;
    char buf[512];
    title_draw(cr, &L->title, 8);
    legend_layout(cr, L, 1, L->legend_y);
    /* grid and axes */
    cairo_set_line_width(cr, 0.5);
    cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
    double ystep = y_step(L->ymax - L->ymin);
    double y0 = ceil(L->ymin / ystep - 1e-9) * ystep + 0.0;   /* never -0 */
    for (double v = y0; v <= L->ymax + 1e-9; v += ystep) {
        if (v <= L->ymin + 1e-9) continue;
        cairo_move_to(cr, L->ml, py(L, v));
        cairo_line_to(cr, L->ml + L->pw, py(L, v));
    }
    cairo_stroke(cr);
    cairo_save(cr);
    /* a little room for the line width at the axis ends; none below a
     * y-axis limit the user set */
    double below = o->ylim[1] > o->ylim[0] && o->ylim[0] > 0 ? 0 : 2;
    cairo_rectangle(cr, L->ml - 1, L->pt - 2, L->pw + 2, L->ph + 2 + below);
    cairo_clip(cr);
    for (size_t k = 0; k < f->nseries; k++) draw_series(cr, L, k);
    cairo_restore(cr);
    /* the annotation: where the curves leave room (bottom left under falling
     * curves, top left above rising ones) */
    if (o->annotate && f->annotation && *f->annotation) {
        int falling = f->nseries && f->series[0].start > 0.5;
        font(cr, 9, 0);
        cairo_set_source_rgb(cr, 0, 0, 0);
        show(cr, L->ml + 8, falling ? L->pt + L->ph - 8 : L->pt + 12,
             fit(cr, f->annotation, L->pw - 16, buf, sizeof buf), 0);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, L->ml, L->pt);
    cairo_line_to(cr, L->ml, L->pt + L->ph);
    cairo_line_to(cr, L->ml + L->pw, L->pt + L->ph);
    cairo_stroke(cr);
    font(cr, 8.5, 0);
    for (double v = y0; v <= L->ymax + 1e-9; v += ystep) {
        cairo_move_to(cr, L->ml - 4, py(L, v));
        cairo_line_to(cr, L->ml, py(L, v));
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "%g%%", fabs(v) < 1e-9 ? 0 : round(v * 1000) / 10);
        show(cr, L->ml - 6, py(L, v) + 3, buf, 1);
    }
    double ud = o->time_unit_days > 0 ? o->time_unit_days : 1;
    for (size_t i = 0; i < L->nticks; i++) {
        double x = px(L, L->ticks[i]);
        cairo_move_to(cr, x, L->pt + L->ph);
        cairo_line_to(cr, x, L->pt + L->ph + 4);
        cairo_stroke(cr);
        fmt_tick(L->ticks[i] / ud, buf, sizeof buf);
        show(cr, x, L->pt + L->ph + 14, buf, 0.5);
    }
    font(cr, 9.5, 0);
    snprintf(buf, sizeof buf, "%s (%s)", f->xlabel, o->time_unit && *o->time_unit ? o->time_unit : "days");
    show(cr, L->ml + L->pw / 2, L->pt + L->ph + 30, buf, 0.5);
    cairo_save(cr);
    cairo_move_to(cr, 0, 0);
    cairo_translate(cr, L->ml - 36, L->pt + L->ph / 2);
    cairo_rotate(cr, -M_PI / 2);
    show(cr, 0, 0, f->ylabel, 0.5);
    cairo_restore(cr);
    /* number at risk: one row per group */
    font(cr, 8.5, 1);
    cairo_set_source_rgb(cr, 0, 0, 0);
    show(cr, 8, L->risk_y, "Number at risk", 0);
    for (size_t g = 0; g < f->ngroups; g++) {
        const fig_series *s = group_series(f, g);
        if (!s) continue;
        double y = L->risk_y + 13 * (double)(g + 1);
        font(cr, 8.5, 0);
        curve_colour(cr, o, g, 1);
        show(cr, 8, y, fit(cr, group_name(f, g), L->ml - 16, buf, sizeof buf), 0);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        for (size_t i = 0; i < L->nticks; i++) {
            figure_risk_text(f, g, figure_at_risk(s, L->ticks[i]), L->ticks[i], o->min_cell, buf, sizeof buf);
            show(cr, px(L, L->ticks[i]), y, buf, 0.5);
        }
    }
}

static void step_layout_make(step_layout *L, const cohort_figure *f, const render_opts *o)
{
    memset(L, 0, sizeof *L);
    L->f = f;
    L->o = o;
    L->w = isfinite(o->width) && o->width > 0 ? 72 * o->width : FIG_W;
    cairo_surface_t *ms;
    cairo_t *cr = measure_context(&ms);
    /* left margin: the y axis, and the group labels of the risk table */
    font(cr, 8.5, 0);
    double lw = 0;
    for (size_t g = 0; g < f->ngroups; g++) {
        double w = text_w(cr, group_name(f, g));
        if (w > lw) lw = w;
    }
    L->ml = 8 + lw + 18;
    if (L->ml < 64) L->ml = 64;
    if (L->ml > 170) L->ml = 170;
    L->pw = L->w - L->ml - 18;
    if (L->pw < 100) L->pw = 100;
    L->ph = 236;
    render_time_axis(f, o, &L->xmax, &L->xstep);
    L->nticks = render_time_ticks(f, o, L->ticks, MAX_TICKS);
    /* y range: the option's, else 0-100%, or a shorter one for low
     * incidence curves */
    double top = 0;
    int rising = f->nseries > 0;
    for (size_t k = 0; k < f->nseries; k++) {
        const fig_series *s = &f->series[k];
        if (s->start > 0.5) rising = 0;
        if (s->start > top) top = s->start;
        for (size_t i = 0; i < s->npts; i++) {
            if (s->pts[i].value > top) top = s->pts[i].value;
            if (o->ci_bands && !f->noutcomes && isfinite(s->pts[i].upper) && s->pts[i].upper > top)
                top = s->pts[i].upper;
        }
    }
    static const double tops[] = {0.1, 0.2, 0.3, 0.4, 0.5};
    L->ymin = 0;
    L->ymax = 1;
    if (o->ylim[1] > o->ylim[0]) {
        L->ymin = o->ylim[0];
        L->ymax = o->ylim[1];
    } else if (rising) {
        for (size_t i = 0; i < sizeof tops / sizeof *tops; i++)
            if (top <= tops[i]) { L->ymax = tops[i]; break; }
    }
    title_make(cr, f->title, L->w - 16, &L->title);
    double y = L->title.n ? 26 + 14 * (double)L->title.n : 16;
    L->legend_y = y;
    L->legend_rows = legend_layout(cr, L, 0, y);
    y += 14 * (double)L->legend_rows;
    L->pt = y + 4;
    double below = 52 + 13 * (double)f->ngroups + 10;   /* axis, risk table */
    if (isfinite(o->height) && o->height > 0) {
        /* the plot takes what the title, legend and risk table leave */
        L->ph = 72 * o->height - L->pt - below;
        if (L->ph < 60) L->ph = 60;
    }
    L->risk_y = L->pt + L->ph + 52;
    L->h = L->pt + L->ph + below;
    cairo_destroy(cr);
    cairo_surface_destroy(ms);
}

/* ---- forest plots ------------------------------------------------------------------ */

typedef struct forest_layout {
    const cohort_figure *f;
    title_block title;
    double w, h;
    double lw;                 /* label column */
    double x0, pw;             /* plot column */
    double tx, pxc;            /* estimate text (left edge), p (right edge) */
    double top, rowh;
    double lo, hi;             /* axis range (log10 for ratios) */
    int logscale;
    int counts;                /* columns N and Events (a row gives them) */
    double nx, ex;             /* their right edges */
    int min_cell;
} forest_layout;

/* The font of a row's label: 9 pt, bold for a heading (a row without an
 * estimate) unless it is a reference level with its counts. */
static void forest_label_font(cairo_t *cr, const fig_row *r)
{
    font(cr, 9, !isfinite(r->est) && !isfinite(r->n));
}

static double fx(const forest_layout *L, double v)
{
    double u = L->logscale ? log10(v) : v;
    return L->x0 + (u - L->lo) / (L->hi - L->lo) * L->pw;
}

static void fmt_est(double v, char *buf, size_t size)
{
    if (fabs(v) >= 100) snprintf(buf, size, "%.0f", v);
    else if (fabs(v) >= 10) snprintf(buf, size, "%.1f", v);
    else snprintf(buf, size, "%.2f", v);
}

/* The estimate column's header from the axis label: "Hazard ratio (95%
 * CI)" gives "HR (95% CI)", "Subdistribution hazard ratio" "sHR", "Odds
 * ratio" "OR"; another label is used as it is. */
static void forest_header(const char *xlabel, char *buf, size_t size)
{
    static const struct { const char *name, *abbr; } abbr[] = {
        {"Hazard ratio", "HR"}, {"Subdistribution hazard ratio", "sHR"}, {"Odds ratio", "OR"},
        {"Risk ratio", "RR"}, {"Risk difference", "RD"},
    };
    const char *paren = strstr(xlabel, " (");
    size_t n = paren ? (size_t)(paren - xlabel) : strlen(xlabel);
    for (size_t i = 0; i < sizeof abbr / sizeof *abbr; i++)
        if (strlen(abbr[i].name) == n && !strncmp(xlabel, abbr[i].name, n)) {
            snprintf(buf, size, "%s%s", abbr[i].abbr, paren ? paren : " (CI)");
            return;
        }
    snprintf(buf, size, "%s%s", xlabel, paren ? "" : " (CI)");
}

/* A forest row's count as shown: "" when not given, "<N" or "x" when
 * hidden (figure_protect), else the count. */
static void row_count(double n, int mark, int min_cell, char *buf, size_t size)
{
    if (!isfinite(n)) snprintf(buf, size, "%s", "");
    else if (mark == HIDE_COMPLEMENT) snprintf(buf, size, "x");
    else if (mark == HIDE_SMALL) snprintf(buf, size, "<%d", min_cell);
    else count_text(n, min_cell, buf, size);
}

static void draw_forest(cairo_t *cr, const void *arg)
{
    const forest_layout *L = arg;
    const cohort_figure *f = L->f;
    char buf[512], a[32], b[32], c[32];
    title_draw(cr, &L->title, 10);
    font(cr, 8.5, 1);
    double hy = L->top - 6;
    forest_header(f->xlabel, buf, sizeof buf);
    show(cr, L->tx, hy, buf, 0);
    show(cr, L->pxc, hy, "p", 1);
    if (L->counts) {
        show(cr, L->nx, hy, "N", 1);
        show(cr, L->ex, hy, "Events", 1);
    }
    double bottom = L->top + L->rowh * (double)f->nrows;
    /* reference line */
    double ref = L->logscale ? 1 : 0;
    cairo_set_line_width(cr, 0.8);
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    static const double dash[] = {3, 2};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, fx(L, ref), L->top - 2);
    cairo_line_to(cr, fx(L, ref), bottom);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    for (size_t i = 0; i < f->nrows; i++) {
        const fig_row *r = &f->rows[i];
        double yc = L->top + L->rowh * ((double)i + 0.5);
        int heading = !isfinite(r->est);
        cairo_set_source_rgb(cr, 0, 0, 0);
        forest_label_font(cr, r);
        show(cr, 10, yc + 3.2, fit(cr, r->label, L->lw, buf, sizeof buf), 0);
        if (L->counts) {
            font(cr, 9, 0);
            row_count(r->n, r->hide_n, L->min_cell, a, sizeof a);
            show(cr, L->nx, yc + 3.2, a, 1);
            row_count(r->events, r->hide_events, L->min_cell, a, sizeof a);
            show(cr, L->ex, yc + 3.2, a, 1);
        }
        if (heading) {
            /* a reference level (a heading with its counts) */
            if (isfinite(r->n)) {
                font(cr, 9, 0);
                cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
                show(cr, L->tx, yc + 3.2, "reference", 0);
            }
            continue;
        }
        font(cr, 9, 0);
        fmt_est(r->est, a, sizeof a);
        if (isfinite(r->lower) && isfinite(r->upper)) {
            fmt_est(r->lower, b, sizeof b);
            fmt_est(r->upper, c, sizeof c);
            snprintf(buf, sizeof buf, "%s (%s-%s)", a, b, c);
        } else {
            snprintf(buf, sizeof buf, "%s", a);
        }
        show(cr, L->tx, yc + 3.2, buf, 0);
        if (isfinite(r->p)) {
            if (r->p < 0.001) snprintf(buf, sizeof buf, "<0.001");
            else snprintf(buf, sizeof buf, "%.3f", r->p);
            show(cr, L->pxc, yc + 3.2, buf, 1);
        }
        /* interval (clipped to the axis, with an arrow where it runs off) */
        double lo = L->x0, hi = L->x0 + L->pw;
        cairo_set_source_rgb(cr, 0.05, 0.2, 0.45);
        cairo_set_line_width(cr, 1.2);
        if (isfinite(r->lower) && isfinite(r->upper) && (!L->logscale || r->lower > 0)) {
            double x1 = fx(L, r->lower), x2 = fx(L, r->upper);
            double c1 = x1 < lo ? lo : x1 > hi ? hi : x1, c2 = x2 < lo ? lo : x2 > hi ? hi : x2;
            cairo_move_to(cr, c1, yc);
            cairo_line_to(cr, c2, yc);
            cairo_stroke(cr);
            if (x1 < lo) { cairo_move_to(cr, lo + 4, yc - 3); cairo_line_to(cr, lo, yc); cairo_line_to(cr, lo + 4, yc + 3); cairo_stroke(cr); }
            if (x2 > hi) { cairo_move_to(cr, hi - 4, yc - 3); cairo_line_to(cr, hi, yc); cairo_line_to(cr, hi - 4, yc + 3); cairo_stroke(cr); }
        }
        if (!L->logscale || r->est > 0) {
            double x = fx(L, r->est);
            if (x >= lo && x <= hi) {
                cairo_rectangle(cr, x - 3, yc - 3, 6, 6);
                cairo_fill(cr);
            }
        }
    }
    /* axis */
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_move_to(cr, L->x0, bottom + 4);
    cairo_line_to(cr, L->x0 + L->pw, bottom + 4);
    cairo_stroke(cr);
    font(cr, 8.5, 0);
    if (L->logscale) {
        static const double cand[] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1,
                                      2, 5, 10, 20, 50, 100, 200, 500, 1000};
        /* 1, 2, 5 times the powers of ten, or only the powers when their
         * labels would run into each other (a narrow plot) */
        int crowded = 0;
        double right = -INFINITY;
        for (size_t i = 0; i < sizeof cand / sizeof *cand; i++) {
            double u = log10(cand[i]);
            if (u < L->lo - 1e-9 || u > L->hi + 1e-9) continue;
            snprintf(buf, sizeof buf, "%g", cand[i]);
            double x = fx(L, cand[i]), w = text_w(cr, buf);
            if (x - w / 2 < right + 3) crowded = 1;
            right = x + w / 2;
        }
        for (size_t i = 0; i < sizeof cand / sizeof *cand; i++) {
            double u = log10(cand[i]);
            if (u < L->lo - 1e-9 || u > L->hi + 1e-9) continue;
            if (crowded && fabs(u - round(u)) > 1e-9) continue;
            double x = fx(L, cand[i]);
            cairo_move_to(cr, x, bottom + 4);
            cairo_line_to(cr, x, bottom + 8);
            cairo_stroke(cr);
            snprintf(buf, sizeof buf, "%g", cand[i]);
            show(cr, x, bottom + 18, buf, 0.5);
        }
    } else {
        double step = lin_step(L->hi - L->lo);
        for (double v = ceil(L->lo / step) * step; v <= L->hi + 1e-9; v += step) {
            double x = fx(L, v);
            cairo_move_to(cr, x, bottom + 4);
            cairo_line_to(cr, x, bottom + 8);
            cairo_stroke(cr);
            fmt_tick(v, buf, sizeof buf);
            show(cr, x, bottom + 18, buf, 0.5);
        }
    }
    font(cr, 9.5, 0);
    show(cr, L->x0 + L->pw / 2, bottom + 34, f->xlabel, 0.5);
}

static void forest_layout_make(forest_layout *L, const cohort_figure *f, const render_opts *o)
{
    memset(L, 0, sizeof *L);
    L->f = f;
    L->logscale = f->kind == COHORT_FIG_FOREST;
    L->w = isfinite(o->width) && o->width > 0 ? 72 * o->width : FIG_W;
    cairo_surface_t *ms;
    cairo_t *cr = measure_context(&ms);
    for (size_t i = 0; i < f->nrows; i++) {
        forest_label_font(cr, &f->rows[i]);
        double w = text_w(cr, f->rows[i].label);
        if (w > L->lw) L->lw = w;
    }
    if (L->lw > 190) L->lw = 190;
    if (L->lw < 40) L->lw = 40;
    title_make(cr, f->title, L->w - 20, &L->title);
    cairo_destroy(cr);
    cairo_surface_destroy(ms);
    L->min_cell = o->min_cell;
    for (size_t i = 0; i < f->nrows; i++)
        if (isfinite(f->rows[i].n) || isfinite(f->rows[i].events)) L->counts = 1;
    L->x0 = 10 + L->lw + 14;
    if (L->counts) {
        /* N and Events right-aligned after the labels */
        L->nx = L->x0 + 26;
        L->ex = L->nx + 40;
        L->x0 = L->ex + 16;
    }
    L->pxc = L->w - 10;
    L->tx = L->pxc - 45 - 110;
    L->pw = L->tx - 14 - L->x0;
    L->top = L->title.n ? 38 + 14 * (double)L->title.n : 28;
    L->rowh = 17;
    L->h = L->top + L->rowh * (double)f->nrows + 46;
    /* range: every finite estimate and limit, and the reference */
    double lo = L->logscale ? 0 : 0, hi = lo;
    for (size_t i = 0; i < f->nrows; i++) {
        const fig_row *r = &f->rows[i];
        double v[3] = {r->est, r->lower, r->upper};
        for (int k = 0; k < 3; k++) {
            if (!isfinite(v[k]) || (L->logscale && v[k] <= 0)) continue;
            double u = L->logscale ? log10(v[k]) : v[k];
            if (u < lo) lo = u;
            if (u > hi) hi = u;
        }
    }
    if (L->logscale) {
        /* at most 0.001 .. 1000; nice ends at 1, 2, 5 x 10^k */
        if (lo < -3) lo = -3;
        if (hi > 3) hi = 3;
        static const double m[] = {1, 2, 5, 10};
        double e = floor(lo + 1e-12), best = e;
        for (int k = 0; k < 4; k++)
            if (e + log10(m[k]) <= lo + 1e-12) best = e + log10(m[k]);
        lo = best;
        e = floor(hi - 1e-12);
        for (int k = 0; k < 4; k++)
            if (e + log10(m[k]) >= hi - 1e-12) { hi = e + log10(m[k]); break; }
        if (hi - lo < log10(4)) { lo -= log10(2); hi += log10(2); }
    } else {
        double pad = (hi - lo) * 0.05;
        if (pad == 0) pad = 1;
        lo -= pad;
        hi += pad;
    }
    L->lo = lo;
    L->hi = hi;
}

/* ---- the attrition flow ------------------------------------------------------------ */

#define FLOW_LINES 8
#define FLOW_NOTES 6
typedef struct flow_box {
    char lines[FLOW_LINES][LINE];
    size_t n;
    double y, h;
    size_t bold;               /* lines[0 .. bold-1], the box's heading, are bold */
    double x, w;               /* an arm's box: its place across the figure */
    size_t under;              /* an arm's box: the main box it hangs from */
} flow_box;

typedef struct flow_layout {
    const results *r;
    double w, h;
    double mx, mw;             /* main column */
    double sx, sw;             /* side column */
    flow_box *main, *side;     /* main[i]: units after step i; side[i]: step i's exclusions (i >= 1) */
    size_t n;
    flow_box *arms;            /* each flow's last box's units by arm (plot attrition_by), or NULL */
    size_t narms;
    char note[FLOW_NOTES][LINE];   /* the footnote naming the folded steps */
    size_t nnote;
    double note_y;
} flow_layout;

/* The font of a box's lines: 9 pt, its heading's bold. */
static void box_font(cairo_t *cr, int bold)
{
    font(cr, 9, bold);
}

/* Wrap text into b's lines after those it holds, measured in the font they
 * are drawn in (box_font); a heading (bold) must come first. */
static void box_text(cairo_t *cr, flow_box *b, const char *text, double maxw, int bold, size_t maxlines)
{
    box_font(cr, bold);
    b->n += wrap(cr, text, maxw, b->lines + b->n, maxlines - b->n);
    if (bold) b->bold = b->n;
}

static void draw_box(cairo_t *cr, double x, double y, double w, const flow_box *b)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, w, b->h);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
    for (size_t i = 0; i < b->n; i++) {
        box_font(cr, i < b->bold);
        show(cr, x + w / 2, y + 14 + 12 * (double)i, b->lines[i], 0.5);
    }
}

static void arrow(cairo_t *cr, double x1, double y1, double x2, double y2)
{
    cairo_move_to(cr, x1, y1);
    cairo_line_to(cr, x2, y2);
    cairo_stroke(cr);
    double a = atan2(y2 - y1, x2 - x1);
    cairo_move_to(cr, x2, y2);
    cairo_line_to(cr, x2 - 6 * cos(a - 0.4), y2 - 6 * sin(a - 0.4));
    cairo_line_to(cr, x2 - 6 * cos(a + 0.4), y2 - 6 * sin(a + 0.4));
    cairo_close_path(cr);
    cairo_fill(cr);
}

/* Does attrition row i start one analysis' steps (or, under --sweep, one
 * run's: render_flow puts each run's rows together)? */
static int flow_starts(const results *r, size_t i)
{
    return i == 0 || r->attr[i].analysis != r->attr[i - 1].analysis || r->attr[i].run != r->attr[i - 1].run;
}

/* A step that excluded no unit is folded away (named in a footnote). */
static int flow_folded(const results *r, size_t i)
{
    if (flow_starts(r, i) || r->attr[i].excluded || r->attr[i].unknown) return 0;
    /* as shown: a count the small-cell rule hides is never folded away */
    char a[32], b[32];
    results_attr_text(r, &r->attr[i], ATTR_EXCLUDED, a, sizeof a);
    results_attr_text(r, &r->attr[i], ATTR_UNKNOWN, b, sizeof b);
    return !strcmp(a, "0") && !strcmp(b, "0");
}

/* Is row i the last box drawn of its analysis? */
static int flow_last(const results *r, size_t i)
{
    for (size_t j = i + 1; j < r->nattr && !flow_starts(r, j); j++)
        if (!flow_folded(r, j)) return 0;
    return 1;
}

/* A criterion's label as the reader of a diagram wants it: `include "X"`
 * excludes the units that are "not X", `exclude "X"` those that are "X". */
static void flow_step_name(const char *label, char *buf, size_t size)
{
    size_t n = strlen(label);
    int inc = !strncmp(label, "include \"", 9), exc = !strncmp(label, "exclude \"", 9);
    if ((inc || exc) && n > 10 && label[n - 1] == '"')
        snprintf(buf, size, "Excluded: %s%.*s", inc ? "not " : "", (int)(n - 10), label + 9);
    else
        snprintf(buf, size, "Excluded: %s", label);
}

static void draw_flow(cairo_t *cr, const void *arg)
{
    const flow_layout *L = arg;
    char buf[512];
    cairo_set_source_rgb(cr, 0, 0, 0);
    font(cr, 11, 1);
    if (L->r->nanalyses) snprintf(buf, sizeof buf, "Attrition");
    else snprintf(buf, sizeof buf, "Attrition (unit: %s)", L->r->unit ? L->r->unit : "");
    show(cr, 10, 22, buf, 0);
    size_t prev = 0;
    for (size_t i = 0; i < L->n; i++) {
        if (flow_folded(L->r, i)) continue;
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 0.8);
        if (!flow_starts(L->r, i)) {
            double xc = L->mx + L->mw / 2;
            double y1 = L->main[prev].y + L->main[prev].h, y2 = L->main[i].y;
            arrow(cr, xc, y1, xc, y2);
            const flow_box *s = &L->side[i];
            double ys = s->y + s->h / 2;
            arrow(cr, xc, ys, L->sx, ys);
            draw_box(cr, L->sx, s->y, L->sw, s);
        }
        draw_box(cr, L->mx, L->main[i].y, L->mw, &L->main[i]);
        prev = i;
    }
    /* each flow's arms under its last box: a line down to a bar over
     * them, an arrow down into each */
    for (size_t k = 0, n; k < L->narms; k += n) {
        const flow_box *a = &L->arms[k];
        for (n = 1; k + n < L->narms && L->arms[k + n].under == a->under; n++) {}
        const flow_box *m = &L->main[a->under], *z = &L->arms[k + n - 1];
        double xc = L->mx + L->mw / 2, ybar = (m->y + m->h + a->y) / 2;
        double x0 = a->x + a->w / 2, x1 = z->x + z->w / 2;
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, 0.8);
        cairo_move_to(cr, xc, m->y + m->h);
        cairo_line_to(cr, xc, ybar);
        cairo_move_to(cr, fmin(x0, xc), ybar);
        cairo_line_to(cr, fmax(x1, xc), ybar);
        cairo_stroke(cr);
        for (size_t j = k; j < k + n; j++) {
            const flow_box *b = &L->arms[j];
            arrow(cr, b->x + b->w / 2, ybar, b->x + b->w / 2, b->y);
            draw_box(cr, b->x, b->y, b->w, b);
        }
    }
    font(cr, 8.5, 0);
    cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
    for (size_t k = 0; k < L->nnote; k++) show(cr, 10, L->note_y + 11 * (double)k, L->note[k], 0);
}

/* The arms of the flow whose last box is main[i] (those of its analysis
 * and run), side by side across the figure below y; returns the y under
 * them (y when the flow has none). */
static double flow_arms(flow_layout *L, cairo_t *cr, size_t i, double y)
{
    const results *r = L->r;
    const attrition_row *ar = &r->attr[i];
    size_t k = 0;
    while (k < r->narms && !(r->arms[k].analysis == ar->analysis && r->arms[k].run == ar->run)) k++;
    if (k == r->narms) return y;
    size_t n = results_arm_set(r, k, &k);
    if (!L->arms && !(L->arms = calloc(r->narms, sizeof *L->arms))) return y;
    double aw = (L->w - L->mx - 14 - 10 * (double)(n - 1)) / (double)n, top = y + 30, bottom = top;
    for (size_t j = 0; j < n; j++) {
        flow_box *ab = &L->arms[L->narms + j];
        char *g = results_arm_name(r, k + j), b[32], line[64];
        box_text(cr, ab, g ? g : r->arms[k + j].level, aw - 12, 1, FLOW_LINES - 2);
        free(g);
        results_arm_text(r, k + j, b, sizeof b);
        snprintf(line, sizeof line, "n = %s", b);
        box_text(cr, ab, line, aw - 12, 0, FLOW_LINES);
        ab->x = L->mx + (aw + 10) * (double)j;
        ab->w = aw;
        ab->under = i;
        ab->y = top;
        ab->h = 8 + 12 * (double)ab->n;
        if (top + ab->h > bottom) bottom = top + ab->h;
    }
    for (size_t j = 0; j < n; j++) L->arms[L->narms + j].h = bottom - top;   /* one height */
    L->narms += n;
    return bottom;
}

static void flow_layout_make(flow_layout *L, const results *r, int min_cell)
{
    memset(L, 0, sizeof *L);
    L->r = r;
    L->w = FIG_W;
    L->mx = 20;
    L->mw = 210;
    L->sx = 270;
    L->sw = L->w - L->sx - 14;
    L->n = r->nattr;
    L->main = calloc(L->n + 1, sizeof *L->main);
    L->side = calloc(L->n + 1, sizeof *L->side);
    if (!L->main || !L->side) {
        L->n = 0;
        L->h = 60;
        return;
    }
    cairo_surface_t *ms;
    cairo_t *cr = measure_context(&ms);
    double y = 40;
    char a[32], b[32], text[1024], folded[2048] = "";
    for (size_t i = 0; i < L->n; i++) {
        const attrition_row *ar = &r->attr[i];
        if (flow_folded(r, i)) {
            size_t len = strlen(folded);
            snprintf(folded + len, sizeof folded - len, "%s%s", len ? "; " : "", ar->label);
            continue;
        }
        if (i > 0 && flow_starts(r, i)) y += 16;   /* the next analysis */
        if (!flow_starts(r, i)) {
            /* the step's exclusions beside the arrow into the next box */
            flow_box *s = &L->side[i];
            flow_step_name(ar->label, text, sizeof text);
            box_text(cr, s, text, L->sw - 12, 0, FLOW_LINES - 2);
            results_attr_text(r, ar, ATTR_EXCLUDED, a, sizeof a);
            snprintf(text, sizeof text, "n = %s", a);
            box_text(cr, s, text, L->sw - 12, 0, FLOW_LINES);
            if (ar->unknown) {
                results_attr_text(r, ar, ATTR_UNKNOWN, b, sizeof b);
                snprintf(text, sizeof text, "and %s whose criterion is unknown", b);
                box_text(cr, s, text, L->sw - 12, 0, FLOW_LINES);
            }
            s->h = 8 + 12 * (double)s->n;
            s->y = y + 10;
            y = s->y + s->h + 10;
        }
        flow_box *m = &L->main[i];
        results_attr_text(r, ar, ATTR_AFTER, a, sizeof a);
        if (flow_starts(r, i) && ar->analysis > 0)
            snprintf(text, sizeof text, "Analysis %s: %s", r->anames[ar->analysis - 1], ar->label);
        else if (flow_starts(r, i)) snprintf(text, sizeof text, "%s", ar->label);
        else if (flow_last(r, i)) snprintf(text, sizeof text, "Analysis set");
        else snprintf(text, sizeof text, "Remaining");
        box_text(cr, m, text, L->mw - 12, 1, FLOW_LINES - 2);
        snprintf(text, sizeof text, "n = %s", a);
        box_text(cr, m, text, L->mw - 12, 0, FLOW_LINES);
        /* the patients (and courses) behind the units */
        if (ar->nlev > 0) {
            size_t len = 0;
            for (int k = 0; k < ar->nlev && len < sizeof text; k++) {
                count_text((double)ar->lev[k], min_cell, b, sizeof b);
                len += (size_t)snprintf(text + len, sizeof text - len, "%s%s %s", k ? ", " : "", b,
                                        ar->levname[k]);
            }
            box_text(cr, m, text, L->mw - 12, 0, FLOW_LINES);
        }
        m->h = 8 + 12 * (double)m->n;
        m->y = y;
        y += m->h;
        if (flow_last(r, i)) y = flow_arms(L, cr, i, y);
    }
    if (*folded) {
        /* the steps that excluded no unit, as a footnote */
        font(cr, 8.5, 0);
        char note[2100];
        snprintf(note, sizeof note, "Steps that excluded no unit (not shown): %s.", folded);
        L->nnote = wrap(cr, note, L->w - 20, L->note, FLOW_NOTES);
        L->note_y = y + 20;
        y = L->note_y + 11 * (double)(L->nnote - 1);
    }
    L->h = y + 16;
    cairo_destroy(cr);
    cairo_surface_destroy(ms);
}

/* ---- scatter plots with a smooth ------------------------------------------------- */

/* As R's plot.cox.zph: the points as open circles, the smooth solid, its
 * band dashed; the x axis labelled at the plugin's ticks. */
typedef struct scatter_layout {
    const cohort_figure *f;
    title_block title;
    double w, h;
    double ml, pt, pw, ph;     /* plot rectangle */
    double x0, x1, y0, y1;     /* data range shown */
} scatter_layout;

static double sx(const scatter_layout *L, double x)
{
    return L->ml + (x - L->x0) / (L->x1 - L->x0) * L->pw;
}

static double sy(const scatter_layout *L, double y)
{
    return L->pt + L->ph - (y - L->y0) / (L->y1 - L->y0) * L->ph;
}

/* A curve through the smooth's values (0 fit, -1 lower, 1 upper limit). */
static void smooth_path(cairo_t *cr, const scatter_layout *L, int which)
{
    int started = 0;
    for (size_t i = 0; i < L->f->nsmooth; i++) {
        const fig_xy *p = &L->f->smooth[i];
        double v = which < 0 ? p->lower : which > 0 ? p->upper : p->y;
        if (!isfinite(v)) { started = 0; continue; }
        if (started) cairo_line_to(cr, sx(L, p->x), sy(L, v));
        else cairo_move_to(cr, sx(L, p->x), sy(L, v));
        started = 1;
    }
    cairo_stroke(cr);
}

static void draw_scatter(cairo_t *cr, const void *arg)
{
    const scatter_layout *L = arg;
    const cohort_figure *f = L->f;
    char buf[512];
    title_draw(cr, &L->title, 8);
    cairo_save(cr);
    cairo_rectangle(cr, L->ml, L->pt, L->pw, L->ph);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(cr, 0.6);
    for (size_t i = 0; i < f->npoints; i++) {
        cairo_new_sub_path(cr);
        cairo_arc(cr, sx(L, f->points[i].x), sy(L, f->points[i].y), 1.8, 0, 2 * M_PI);
        cairo_stroke(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.2);
    smooth_path(cr, L, 0);
    line_dash(cr, LINE_DASHED);
    cairo_set_line_width(cr, 0.9);
    smooth_path(cr, L, -1);
    smooth_path(cr, L, 1);
    line_dash(cr, LINE_SOLID);
    cairo_restore(cr);
    /* the frame, as R's */
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, L->ml, L->pt, L->pw, L->ph);
    cairo_stroke(cr);
    font(cr, 8.5, 0);
    double step = lin_step(L->y1 - L->y0);
    for (double v = ceil(L->y0 / step - 1e-9) * step; v <= L->y1 + 1e-9; v += step) {
        cairo_move_to(cr, L->ml - 4, sy(L, v));
        cairo_line_to(cr, L->ml, sy(L, v));
        cairo_stroke(cr);
        fmt_tick(fabs(v) < step * 1e-9 ? 0 : v, buf, sizeof buf);
        show(cr, L->ml - 6, sy(L, v) + 3, buf, 1);
    }
    for (size_t i = 0; i < f->nxticks; i++) {
        double x = sx(L, f->xticks[i].at);
        if (x < L->ml - 1e-6 || x > L->ml + L->pw + 1e-6) continue;
        cairo_move_to(cr, x, L->pt + L->ph);
        cairo_line_to(cr, x, L->pt + L->ph + 4);
        cairo_stroke(cr);
        show(cr, x, L->pt + L->ph + 14, f->xticks[i].label, 0.5);
    }
    if (!f->nxticks) {
        double xs = lin_step(L->x1 - L->x0);
        for (double v = ceil(L->x0 / xs - 1e-9) * xs; v <= L->x1 + 1e-9; v += xs) {
            cairo_move_to(cr, sx(L, v), L->pt + L->ph);
            cairo_line_to(cr, sx(L, v), L->pt + L->ph + 4);
            cairo_stroke(cr);
            fmt_tick(v, buf, sizeof buf);
            show(cr, sx(L, v), L->pt + L->ph + 14, buf, 0.5);
        }
    }
    font(cr, 9.5, 0);
    show(cr, L->ml + L->pw / 2, L->pt + L->ph + 30, f->xlabel, 0.5);
    cairo_save(cr);
    cairo_translate(cr, L->ml - 40, L->pt + L->ph / 2);
    cairo_rotate(cr, -M_PI / 2);
    show(cr, 0, 0, fit(cr, f->ylabel, L->ph, buf, sizeof buf), 0.5);
    cairo_restore(cr);
}

/* The range of the points and the smooth with its band; R's 4% margin. */
static void scatter_layout_make(scatter_layout *L, const cohort_figure *f, const render_opts *o)
{
    memset(L, 0, sizeof *L);
    L->f = f;
    L->w = isfinite(o->width) && o->width > 0 ? 72 * o->width : FIG_W;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < f->npoints; i++) {
        const fig_xy *p = &f->points[i];
        x0 = fmin(x0, p->x);
        x1 = fmax(x1, p->x);
        y0 = fmin(y0, p->y);
        y1 = fmax(y1, p->y);
    }
    for (size_t i = 0; i < f->nsmooth; i++) {
        const fig_xy *p = &f->smooth[i];
        if (!f->npoints) {
            x0 = fmin(x0, p->x);
            x1 = fmax(x1, p->x);
        }
        y0 = fmin(y0, isfinite(p->lower) ? fmin(p->y, p->lower) : p->y);
        y1 = fmax(y1, isfinite(p->upper) ? fmax(p->y, p->upper) : p->y);
    }
    if (!(x1 > x0)) { x0 = isfinite(x0) ? x0 - 1 : 0; x1 = x0 + 2; }
    if (!(y1 > y0)) { y0 = isfinite(y0) ? y0 - 1 : 0; y1 = y0 + 2; }
    L->x0 = x0 - 0.04 * (x1 - x0);
    L->x1 = x1 + 0.04 * (x1 - x0);
    L->y0 = y0 - 0.04 * (y1 - y0);
    L->y1 = y1 + 0.04 * (y1 - y0);
    cairo_surface_t *ms;
    cairo_t *cr = measure_context(&ms);
    title_make(cr, f->title, L->w - 16, &L->title);
    cairo_destroy(cr);
    cairo_surface_destroy(ms);
    L->ml = 64;
    L->pw = L->w - L->ml - 18;
    L->pt = (L->title.n ? 26 + 14 * (double)L->title.n : 16) + 4;
    L->ph = isfinite(o->height) && o->height > 0 ? 72 * o->height - L->pt - 44 : 300;
    if (L->ph < 60) L->ph = 60;
    L->h = L->pt + L->ph + 44;
}

/* ---- entry points ------------------------------------------------------------------ */

void render_release(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

int render_figure(const cohort_figure *f, const render_opts *o, int format, FILE *out)
{
    if (f->kind == COHORT_FIG_STEP) {
        step_layout L;
        step_layout_make(&L, f, o);
        return emit(format, L.w, L.h, draw_step, &L, out);
    }
    if (f->kind == COHORT_FIG_FOREST || f->kind == COHORT_FIG_FOREST_DIFF) {
        forest_layout L;
        forest_layout_make(&L, f, o);
        return emit(format, L.w, L.h, draw_forest, &L, out);
    }
    if (f->kind == COHORT_FIG_SCATTER) {
        scatter_layout L;
        scatter_layout_make(&L, f, o);
        return emit(format, L.w, L.h, draw_scatter, &L, out);
    }
    return -1;
}

/* Order attrition rows by run, then as they were (the merge of --sweep
 * lists each step's runs together). */
static int by_run(const void *a, const void *b)
{
    const attrition_row *x = *(const attrition_row *const *)a, *y = *(const attrition_row *const *)b;
    if (x->run != y->run) return x->run < y->run ? -1 : 1;
    return x < y ? -1 : x > y;
}

int render_flow(const results *r, const render_opts *o, int format, FILE *out)
{
    /* under --sweep, one flow per run, one below the other: a view of r
     * whose rows are each run's steps in order */
    results view = *r;
    attrition_row *rows = NULL;
    if (r->nattr && r->attr[r->nattr - 1].run) {
        const attrition_row **p = malloc(r->nattr * sizeof *p);
        rows = malloc(r->nattr * sizeof *rows);
        if (!p || !rows) {
            free(p);
            free(rows);
            return -1;
        }
        for (size_t i = 0; i < r->nattr; i++) p[i] = &r->attr[i];
        qsort(p, r->nattr, sizeof *p, by_run);
        for (size_t i = 0; i < r->nattr; i++) rows[i] = *p[i];
        free(p);
        view.attr = rows;
    }
    flow_layout L;
    flow_layout_make(&L, &view, o->min_cell);
    int rc = emit(format, L.w, L.h, draw_flow, &L, out);
    free(L.main);
    free(L.side);
    free(L.arms);
    free(rows);
    return rc;
}
