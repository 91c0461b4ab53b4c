/* diag.c: formatting and delivery of diagnostics, and spelling suggestions. */
#include "diag.h"
#include "safetext.h"
#include <stdlib.h>
#include <string.h>

void diag_init(diag *dg, diag_fn fn, void *ud)
{
    dg->fn = fn;
    dg->ud = ud;
    dg->nerrors = dg->nwarnings = 0;
    dg->muted = 0;
    dg->frames = NULL;
}

void diag_vemit(diag *dg, diag_level level, const char *file, int line, int col, int len,
                const char *srcline, size_t srclen, const char *fmt, va_list ap)
{
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    if (level == DIAG_ERROR) dg->nerrors++;
    if (level == DIAG_WARNING) dg->nwarnings++;
    if (!dg->fn || dg->muted) return;
    if (level == DIAG_ERROR && dg->nerrors > DIAG_MAX_SHOWN_ERRORS) {
        dg->muted = 1;
        char note[128];
        snprintf(note, sizeof note, "too many errors: only the first %d are shown",
                 DIAG_MAX_SHOWN_ERRORS);
        diagnostic d = {DIAG_NOTE, file, 0, 0, 1, NULL, 0, note};
        dg->fn(dg->ud, &d);
        return;
    }
    diagnostic d = {level, file, line, col, len < 1 ? 1 : len, srcline, srclen, buf};
    dg->fn(dg->ud, &d);
    if (level != DIAG_NOTE)
        for (const diag_frame *f = dg->frames; f; f = f->up) dg->fn(dg->ud, &f->note);
}

void diag_emit(diag *dg, diag_level level, const char *file, int line, int col, int len,
               const char *srcline, size_t srclen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vemit(dg, level, file, line, col, len, srcline, srclen, fmt, ap);
    va_end(ap);
}

static const char *level_name(diag_level l)
{
    return l == DIAG_ERROR ? "error" : l == DIAG_WARNING ? "warning" : "note";
}

/* A quoted source line longer than this is cut to a window of QUOTE_WINDOW
 * characters around the column, marked with "..." at each cut. */
#define QUOTE_MAX 160
#define QUOTE_WINDOW 120

/* Append to buf (of size `size`, `*n` used) without overflowing. */
static void put(char *buf, size_t size, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
    if (*n >= size) return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *n, size - *n, fmt, ap);
    va_end(ap);
    if (k > 0) *n = *n + (size_t)k < size ? *n + (size_t)k : size - 1;
}

/* Append s[0..n) for a terminal (safetext.h): control characters and
 * invalid UTF-8 as \xHH, tabs kept when keep_tab. */
static void put_safe(char *buf, size_t size, size_t *n, const char *s, size_t len, int keep_tab)
{
    while (len > 0) {
        char form[16];
        size_t used = safetext_char(s, len, keep_tab, form);
        put(buf, size, n, "%s", form);
        s += used;
        len -= used;
    }
}

void diag_print(FILE *out, const diagnostic *d)
{
    /* the whole diagnostic is formatted first and written at once */
    char buf[8192 + 4 * QUOTE_WINDOW];
    size_t n = 0;
    if (d->file) put_safe(buf, sizeof buf, &n, d->file, strlen(d->file), 0);
    if (d->file && d->line > 0)
        put(buf, sizeof buf, &n, ":%d:%d: ", d->line, d->col > 0 ? d->col : 1);
    else if (d->file)
        put(buf, sizeof buf, &n, ": ");
    put(buf, sizeof buf, &n, "%s: ", level_name(d->level));
    /* a message may quote data: its lines kept, anything else escaped */
    for (const char *m = d->msg; *m;) {
        size_t k = strcspn(m, "\n");
        put_safe(buf, sizeof buf, &n, m, k, 1);
        m += k;
        if (*m) put(buf, sizeof buf, &n, "%c", *m++);
    }
    put(buf, sizeof buf, &n, "\n");
    if (d->srcline && d->col >= 1) {
        size_t len = d->srclen;
        while (len > 0 && (d->srcline[len - 1] == '\n' || d->srcline[len - 1] == '\r')) len--;
        size_t col = (size_t)d->col - 1, from = 0, to = len;
        if (len > QUOTE_MAX) {
            from = col > QUOTE_WINDOW / 2 ? col - QUOTE_WINDOW / 2 : 0;
            if (from > len) from = len > QUOTE_WINDOW ? len - QUOTE_WINDOW : 0;
            to = from + QUOTE_WINDOW < len ? from + QUOTE_WINDOW : len;
            /* cut at character boundaries */
            while (from > 0 && ((unsigned char)d->srcline[from] & 0xC0) == 0x80) from--;
            while (to < len && ((unsigned char)d->srcline[to] & 0xC0) == 0x80) to++;
        }
        const char *pre = from > 0 ? "..." : "", *post = to < len ? "..." : "";
        put(buf, sizeof buf, &n, "%5d | %s", d->line, pre);
        put_safe(buf, sizeof buf, &n, d->srcline + from, to - from, 1);
        put(buf, sizeof buf, &n, "%s\n      | %s", post, from > 0 ? "   " : "");
        /* Under each character as much room as its shown form takes (tabs
         * kept, so the caret lines up under tab-indented text), then one
         * caret per column of the underlined characters. */
        size_t stop = to < len && col > to ? to : col;
        for (size_t i = from; i < stop;) {
            char form[16];
            size_t used = i < len ? safetext_char(d->srcline + i, len - i, 1, form) : 1;
            if (i >= len) put(buf, sizeof buf, &n, " ");
            else if (form[0] == '	') put(buf, sizeof buf, &n, "	");
            else put(buf, sizeof buf, &n, "%*s", (int)safetext_width(form), "");
            i += used;
        }
        size_t width = (size_t)d->len;
        if (col < to) {
            size_t end = col + width < to ? col + width : to;
            width = 0;
            for (size_t i = col; i < end;) {
                char form[16];
                i += safetext_char(d->srcline + i, len - i, 1, form);
                width += safetext_width(form);
            }
        }
        if (to < len && col >= to) width = 1;
        if (width < 1) width = 1;
        for (size_t i = 0; i < width; i++) put(buf, sizeof buf, &n, "^");
        put(buf, sizeof buf, &n, "\n");
    }
    fwrite(buf, 1, n, out);
}

void diag_print_cb(void *ud, const diagnostic *d)
{
    diag_print((FILE *)ud, d);
}

/* optimal string alignment distance: insertions, deletions, substitutions
 * and transpositions of neighbours ("nmu" -> "num") cost 1 each */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++) d[i][0] = i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best) best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best) best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

const char *diag_suggest(const char *name, const char *const *cands, size_t n)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1, len = strlen(name);
    for (size_t i = 0; i < n; i++) {
        if (!cands[i]) continue;
        size_t d = edit_distance(name, cands[i]);
        /* a prefix match ("dose" for "dose_gy") is a good suggestion too */
        if (d > 0 && strncmp(cands[i], name, len) == 0 && len >= 3) d = 1;
        if (d < bestd) { bestd = d; best = cands[i]; }
    }
    size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    return bestd <= limit ? best : NULL;
}

const char *diag_name(const char *name, char *buf, size_t size)
{
    int plain = (name[0] == '_' || (name[0] | 32) >= 'a') && (name[0] | 32) <= 'z';
    for (const char *c = name; plain && *c; c++)
        plain = *c == '_' || ((*c | 32) >= 'a' && (*c | 32) <= 'z') || (*c >= '0' && *c <= '9');
    snprintf(buf, size, plain ? "'%s'" : "`%s`", name);
    return buf;
}
