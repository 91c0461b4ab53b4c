/* srcfile.c: loading rules files, the line map, and located diagnostics. */
#include "srcfile.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "regfile.h"

srcfile *srcfile_from_text(const char *name, const char *text, size_t len)
{
    srcfile *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->name = strdup(name);
    f->text = malloc(len + 1);
    size_t cap = 64;
    f->line_start = malloc(cap * sizeof *f->line_start);
    if (!f->name || !f->text || !f->line_start) {
        srcfile_free(f);
        return NULL;
    }
    memcpy(f->text, text, len);
    f->text[len] = 0;
    f->len = len;
    f->line_start[f->nlines++] = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '\n' || i + 1 == len) continue;
        if (f->nlines == cap) {
            size_t *p = realloc(f->line_start, 2 * cap * sizeof *p);
            if (!p) { srcfile_free(f); return NULL; }
            f->line_start = p;
            cap *= 2;
        }
        f->line_start[f->nlines++] = i + 1;
    }
    return f;
}

srcfile *srcfile_read(const char *path)
{
    int fd = regfile_open(path);
    FILE *fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!fp) {
        if (fd >= 0) close(fd);
        return NULL;
    }
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, fp)) > 0) {
        len += got;
        if (len == cap) {
            char *p = realloc(buf, cap * 2);
            if (!p) { free(buf); buf = NULL; break; }
            buf = p;
            cap *= 2;
        }
    }
    int err = ferror(fp);
    fclose(fp);
    if (!buf || err) { free(buf); return NULL; }
    srcfile *f = srcfile_from_text(path, buf, len);
    free(buf);
    return f;
}

void srcfile_free(srcfile *f)
{
    if (!f) return;
    free(f->name);
    free(f->text);
    free(f->line_start);
    free(f);
}

const char *srcfile_line(const srcfile *f, int line, size_t *len)
{
    if (!f || line < 1 || (size_t)line > f->nlines) { *len = 0; return NULL; }
    size_t s = f->line_start[line - 1];
    size_t e = (size_t)line < f->nlines ? f->line_start[line] : f->len;
    while (e > s && (f->text[e - 1] == '\n' || f->text[e - 1] == '\r')) e--;
    *len = e - s;
    return f->text + s;
}

void diag_at(diag *dg, diag_level level, loc l, const char *fmt, ...)
{
    size_t n = 0;
    const char *line = l.file ? srcfile_line(l.file, l.line, &n) : NULL;
    int width = l.end_line == l.line ? l.end_col - l.col + 1 : (int)n - l.col + 1;
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(dg, level, l.file ? l.file->name : NULL, l.line, l.col, width, line, n, fmt, ap);
    va_end(ap);
}

void diag_push(diag *dg, diag_frame *f, loc l, const char *fmt, ...)
{
    size_t n = 0;
    const char *line = l.file ? srcfile_line(l.file, l.line, &n) : NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof f->msg, fmt, ap);
    va_end(ap);
    f->note = (diagnostic){DIAG_NOTE, l.file ? l.file->name : NULL, l.line, l.col,
                           l.end_line == l.line ? l.end_col - l.col + 1 : (int)n - l.col + 1, line, n, f->msg};
    if (f->note.len < 1) f->note.len = 1;
    f->up = dg->frames;
    dg->frames = f;
}

void diag_pop(diag *dg, const diag_frame *f)
{
    if (dg->frames == f) dg->frames = f->up;
}

/* The text at l as written, over several lines joined by single spaces. */
char *srcfile_span(loc l)
{
    const srcfile *f = l.file;
    size_t cap = 256, n = 0;
    if (!f) return NULL;
    char *buf = malloc(cap);
    if (!buf) return NULL;
    for (int ln = l.line; ln <= l.end_line; ln++) {
        size_t len = 0;
        const char *line = srcfile_line(f, ln, &len);
        size_t a = ln == l.line ? (size_t)(l.col - 1) : 0;
        size_t b = ln == l.end_line ? (size_t)l.end_col : len;
        if (b > len) b = len;
        /* drop a trailing comment */
        for (size_t k = a; k < b; k++) {
            if (line[k] == '"') { while (++k < b && line[k] != '"') {} continue; }
            if (line[k] == '#') { b = k; break; }
        }
        while (a < b && (line[a] == ' ' || line[a] == '\t')) a++;
        while (b > a && (line[b - 1] == ' ' || line[b - 1] == '\t')) b--;
        if (n + (b - a) + 2 >= cap) {
            while (n + (b - a) + 2 >= cap) cap *= 2;
            char *x = realloc(buf, cap);
            if (!x) { free(buf); return NULL; }
            buf = x;
        }
        if (n && b > a) buf[n++] = ' ';
        memcpy(buf + n, line + a, b - a);
        n += b - a;
    }
    buf[n] = 0;
    return buf;
}
