/* safetext.c: escaping of text from data or rules for terminals and JSON
 * (UTF-8 validation after RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF). */
#include "safetext.h"
#include <string.h>

/* Length of the valid UTF-8 character at s (n bytes left), its code point
 * in *cp; 0 when s does not start one. */
static size_t utf8_char(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (!len || len > n) return 0;
    unsigned v = c & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if ((len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)))
        return 0;
    *cp = v;
    return len;
}

static int control(unsigned cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

size_t safetext_char(const char *s, size_t n, int keep_tab, char out[16])
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    unsigned cp = 0;
    size_t len = utf8_char(u, n, &cp);
    if (len && (!control(cp) || (keep_tab && cp == '\t'))) {
        memcpy(out, s, len);
        out[len] = 0;
        return len;
    }
    if (!len) len = 1;   /* an invalid byte stands alone */
    char *o = out;
    for (size_t i = 0; i < len; i++) {
        *o++ = '\\';
        *o++ = 'x';
        *o++ = hex[u[i] >> 4];
        *o++ = hex[u[i] & 15];
    }
    *o = 0;
    return len;
}

size_t safetext_width(const char *form)
{
    return form[0] == '\\' && form[1] == 'x' ? strlen(form) : 1;
}

const char *safetext(const char *s, char *buf, size_t size)
{
    size_t n = strlen(s), k = 0;
    if (!size) return buf;
    while (n > 0) {
        char form[16];
        size_t used = safetext_char(s, n, 0, form), fl = strlen(form);
        if (k + fl >= size) break;
        memcpy(buf + k, form, fl);
        k += fl;
        s += used;
        n -= used;
    }
    buf[k] = 0;
    return buf;
}

void safetext_json(FILE *out, const char *s)
{
    fputc('"', out);
    size_t n = s ? strlen(s) : 0;
    while (n > 0) {
        unsigned cp = 0;
        size_t len = utf8_char((const unsigned char *)s, n, &cp);
        if (!len) {
            fputs("\\ufffd", out);
            len = 1;
        } else if (cp == '"' || cp == '\\') {
            fprintf(out, "\\%c", (int)cp);
        } else if (cp == '\n') {
            fputs("\\n", out);
        } else if (cp == '\t') {
            fputs("\\t", out);
        } else if (control(cp)) {
            fprintf(out, "\\u%04x", cp);
        } else {
            fwrite(s, 1, len, out);
        }
        s += len;
        n -= len;
    }
    fputc('"', out);
}
