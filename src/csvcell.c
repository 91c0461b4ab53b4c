/* csvcell.c: CSV text cells, quoted, and neutralised against formula
 * injection (OWASP "CSV Injection"): a cell whose first character is
 * = + - @ TAB or CR may run as a formula when the file is opened in a
 * spreadsheet, so it is written with a leading single quote, which
 * spreadsheets show as text.  Numbers are never changed. */
#include "csvcell.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Is s, as a whole, a signed finite decimal number ("-1.5", "+3",
 * "-2e-3"; not "-inf", "-0x1A" or "- 5")? */
static int is_number(const char *s)
{
    if ((s[0] != '-' && s[0] != '+') || !(s[1] == '.' || (s[1] >= '0' && s[1] <= '9')) || strpbrk(s, "xX"))
        return 0;
    char *end;
    double v = strtod(s, &end);
    return *end == 0 && isfinite(v);
}

static int risky(const char *s)
{
    return s[0] && strchr("=+-@\t\r", s[0]) && !is_number(s);
}

void csvcell_write(FILE *out, const char *s, int neutralise)
{
    int quote = neutralise && risky(s);
    if (!strpbrk(s, ",\"\n\r")) {
        if (quote) fputc('\'', out);
        fputs(s, out);
        return;
    }
    fputc('"', out);
    if (quote) fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}
